//! `tradeoff aggregate`: one method applied to one Jacobian, to check a method on a matrix.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use serde_json::{Value, json};
use tradeoff::records::json_f64;
use tradeoff_solvers::{StepInput, aggregate, build_method};

use super::flags::{PrefArgs, SetArgs};
use super::io::{print_json, read_matrix, vector_argument};

/// Arguments of `aggregate`.
#[derive(Debug, Args)]
pub struct AggregateArgs {
    /// Method name (aggregator or scalarization); see `tradeoff list solvers`.
    method: String,
    /// The Jacobian J: one row per objective (its gradient), JSON array of arrays or CSV.
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// The objective values: a JSON array of numbers, or inline `0.5,0.2`.
    #[arg(long, value_name = "FILE|L1,L2,..", allow_hyphen_values = true)]
    losses: Option<String>,
    #[command(flatten)]
    pref: PrefArgs,
    #[command(flatten)]
    set: SetArgs,
}

/// Runs `aggregate`.
pub fn run(args: AggregateArgs) -> Result<()> {
    let options = args.set.options()?;
    let lower = args.method.trim().to_ascii_lowercase();
    if tradeoff_solvers::set_level_entries()
        .iter()
        .any(|e| e.info.name == lower)
    {
        bail!(
            "{lower} is a set-level method (it moves the whole set of solutions together), not an \
             aggregator of one Jacobian: run it with `tradeoff solve --solver {lower}`"
        );
    }
    let mut method = build_method(&args.method, &options)?;
    let jacobian = read_matrix(&args.input)?;
    let losses = args
        .losses
        .as_deref()
        .map(|t| vector_argument(t, "--losses"))
        .transpose()?;
    let pref = args.pref.vector()?;
    let mut input = StepInput::new(&jacobian);
    if let Some(l) = &losses {
        input = input.with_losses(l);
    }
    if let Some(p) = &pref {
        input = input.with_preference(p);
    }
    let result = aggregate(method.as_mut(), &input)?;
    let direction: Vec<Value> = result.direction.iter().map(|&v| json_f64(v)).collect();
    let weights = result.weights.as_ref().map_or(Value::Null, |w| {
        Value::Array(w.iter().map(|&v| json_f64(v)).collect())
    });
    print_json(&json!({
        "method": method.info().name,
        "direction": direction,
        "weights": weights,
        "diagnostics": {
            "inner_iters": result.diagnostics.inner_iters,
            "converged": result.diagnostics.converged,
            "residual": json_f64(result.diagnostics.residual),
        },
    }))
}
