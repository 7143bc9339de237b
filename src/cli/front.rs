//! `tradeoff front`: samples of a problem's true Pareto front.

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;

use super::io::{json_matrix, print_json};
use super::problem_args::ProblemOptions;

/// Arguments of `front`.
#[derive(Debug, Args)]
pub struct FrontArgs {
    /// Problem name (case-insensitive); see `tradeoff list problems`.
    problem: String,
    /// About how many front points to sample.
    #[arg(long, value_name = "N", default_value_t = 100)]
    n: usize,
    #[command(flatten)]
    options: ProblemOptions,
}

/// Runs `front`.
pub fn run(args: FrontArgs) -> Result<()> {
    if args.n == 0 {
        bail!("--n must be at least 1");
    }
    let problem = args.options.build(&args.problem)?;
    let Some(front) = problem.pareto_front(args.n) else {
        bail!(
            "{} (n_obj = {}) has no known true Pareto front",
            problem.info().name,
            problem.info().n_obj
        );
    };
    print_json(&json!({ "points": json_matrix(&front) }))
}
