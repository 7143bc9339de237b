//! `tradeoff front`: samples of a problem's true Pareto front.

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;

use super::io::{json_matrix, print_json};
use super::problem_args::ProblemArgs;

/// Arguments of `front`.
#[derive(Debug, Args)]
pub struct FrontArgs {
    /// Problem name (case-insensitive), the same as `--problem`; see `tradeoff list problems`.
    #[arg(value_name = "PROBLEM", conflicts_with = "problem")]
    name: Option<String>,
    /// About how many front points to sample.
    #[arg(long, value_name = "N", default_value_t = 100)]
    n: usize,
    #[command(flatten)]
    problem: ProblemArgs,
}

impl FrontArgs {
    /// The problem named by the positional form or by `--problem`.
    pub fn problem_name(&self) -> &str {
        self.problem.name(self.name.as_deref())
    }
}

/// Runs `front`.
pub fn run(args: FrontArgs) -> Result<()> {
    if args.n == 0 {
        bail!("--n must be at least 1");
    }
    super::limits::check(
        &format!("front points (--n {})", args.n),
        args.n,
        super::limits::MAX_FRONT_POINTS,
    )?;
    let problem = args.problem.options.build(args.problem_name())?;
    let Some(front) = problem.pareto_front(args.n) else {
        bail!(
            "{} (n_obj = {}) has no known true Pareto front",
            problem.info().name,
            problem.info().n_obj
        );
    };
    print_json(&json!({ "points": json_matrix(&front) }))
}
