//! `tradeoff eval`: objectives (and Jacobians) of a problem at the points of a file.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::json;

use super::io::{json_matrix, print_json, read_matrix};
use super::problem_args::ProblemArgs;

/// Arguments of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Problem name (case-insensitive), the same as `--problem`; see `tradeoff list problems`.
    #[arg(value_name = "PROBLEM", conflicts_with = "problem")]
    name: Option<String>,
    /// Points to evaluate: a JSON array of arrays, or a CSV file, one point per row.
    ///
    /// Each row must have exactly n_var values (from --n-var or the problem's default).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    #[command(flatten)]
    problem: ProblemArgs,
    /// Also output the Jacobian of every point ([points][n_obj][n_var]).
    #[arg(long)]
    jacobian: bool,
}

impl EvalArgs {
    /// The problem named by the positional form or by `--problem`.
    pub fn problem_name(&self) -> &str {
        self.problem.name(self.name.as_deref())
    }
}

/// Runs `eval`.
pub fn run(args: EvalArgs) -> Result<()> {
    let problem = args.problem.options.build(args.problem_name())?;
    let info = problem.info();
    let x = read_matrix(&args.input)?;
    if x.n_cols() != info.n_var {
        bail!(
            "{}: rows have {} values but {} has n_var = {} (set --n-var to change the size)",
            args.input.display(),
            x.n_cols(),
            info.name,
            info.n_var
        );
    }
    info.check_in_bounds(&x)
        .with_context(|| format!("{} (eval takes points in the box)", args.input.display()))?;
    if args.jacobian {
        let (f, jac) = problem
            .jacobian(&x)
            .with_context(|| format!("evaluating {}", info.name))?;
        print_json(&json!({
            "objectives": json_matrix(&f),
            "jacobian": jac.to_nested(),
        }))
    } else {
        let f = problem
            .evaluate(&x)
            .with_context(|| format!("evaluating {}", info.name))?;
        print_json(&json!({ "objectives": json_matrix(&f) }))
    }
}
