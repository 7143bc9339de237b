//! `tradeoff aggregate`: one method applied to one Jacobian, to check a method on a matrix.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::{Value, json};
use tradeoff::records::json_f64;
use tradeoff_solvers::{Options, StepInput, aggregate, build_method};

use super::io::{parse_vector, print_json, read_matrix};

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
    /// The preference vector: a JSON file with an array of numbers, or inline `0.3,0.7`.
    #[arg(long, value_name = "FILE|P1,P2,..")]
    pref: Option<String>,
    /// A method option, `key=value` (repeatable); see `tradeoff list solvers`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

/// A vector given inline (`0.3,0.7`) or as a file holding a JSON array of numbers (or one
/// CSV/JSON row).
pub fn vector_argument(text: &str, what: &str) -> Result<Vec<f64>> {
    let lower = text.to_ascii_lowercase();
    if !(lower.ends_with(".json") || lower.ends_with(".csv")) {
        return parse_vector(text, what);
    }
    let path = Path::new(text);
    if lower.ends_with(".json") {
        let body = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let value: Value = serde_json::from_str(&body)
            .map_err(|e| anyhow::anyhow!("{}: malformed JSON: {e}", path.display()))?;
        if let Some(items) = value.as_array() {
            if items.iter().all(Value::is_number) {
                return items
                    .iter()
                    .map(|v| v.as_f64().context("not a number"))
                    .collect();
            }
        }
    }
    let m = read_matrix(path)?;
    if m.n_rows() != 1 {
        bail!(
            "{}: {what} must be one vector, got {} rows",
            path.display(),
            m.n_rows()
        );
    }
    Ok(m.row(0).to_vec())
}

/// Runs `aggregate`.
pub fn run(args: AggregateArgs) -> Result<()> {
    let options = Options::parse(&args.set).map_err(anyhow::Error::msg)?;
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
    let pref = args
        .pref
        .as_deref()
        .map(|t| vector_argument(t, "--pref"))
        .transpose()?;
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
