//! `tradeoff plot`: re-draws the pictures of a saved run (result.json) or comparison
//! (summary.json) without solving again.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::Value;
use tradeoff_pareto::Matrix;
use tradeoff_problems::{Normalization, ProblemSpec, build_problem};
use tradeoff_solvers::{HistoryRecord, SolveResult, Termination};

use super::render::{comparison_plots, solve_plots};

/// Arguments of `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A `result.json` written by `solve --out` or a `summary.json` written by `compare --out`.
    file: PathBuf,
    /// Where to write the pictures (default: the folder holding FILE; existing pictures of the
    /// same names are replaced).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn matrix(value: &Value, what: &str) -> Result<Matrix> {
    let rows: Vec<Vec<f64>> = value
        .as_array()
        .with_context(|| format!("'{what}' is missing or not an array"))?
        .iter()
        .map(|r| {
            r.as_array()
                .map(|r| r.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect())
                .with_context(|| format!("'{what}' is not an array of arrays"))
        })
        .collect::<Result<_>>()?;
    Ok(Matrix::from_rows(&rows)?)
}

/// The true front of the problem a saved config names, if it has one.
fn true_front(config: &Value, n_points: usize) -> Option<Matrix> {
    let name = config["problem_name"]
        .as_str()
        .or_else(|| config["problem"].as_str())?;
    let normalize = match config["normalize"].as_str() {
        Some("libmoon") => Normalization::Libmoon,
        Some("none") => Normalization::None,
        _ => Normalization::Authors,
    };
    let spec = ProblemSpec {
        name: name.to_string(),
        n_var: config["n_var"].as_u64().map(|v| v as usize),
        n_obj: config["n_obj"].as_u64().map(|v| v as usize),
        normalize,
    };
    build_problem(&spec).ok()?.pareto_front(n_points)
}

/// Runs `plot`.
pub fn run(args: PlotArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: malformed JSON: {e}", args.file.display()))?;
    let dir: PathBuf = match &args.out {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
            d.clone()
        }
        None => args
            .file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf(),
    };
    let config = &value["config"];
    let front = true_front(config, 1000);
    let title = config["problem"].as_str().unwrap_or("front").to_string();
    let written = if value["kind"] == "comparison" || value.get("rows").is_some() {
        comparison_plots(&dir, &title, &value, front.as_ref())?;
        "fronts, history, hypervolume"
    } else if value.get("objectives").is_some() {
        let objectives = matrix(&value["objectives"], "objectives")?;
        let preferences = matrix(&value["prefs"], "prefs")?;
        let x = matrix(&value["solutions"], "solutions")?;
        let history = value["history"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| {
                Some(HistoryRecord {
                    iteration: h["iteration"].as_u64()? as usize,
                    hypervolume: h["hypervolume"].as_f64().unwrap_or(f64::NAN),
                    igd: h["igd"].as_f64(),
                    objectives: None,
                })
            })
            .collect();
        let result = SolveResult {
            method: config["solver"].as_str().unwrap_or("?").to_string(),
            x,
            objectives,
            preferences,
            history,
            termination: Termination::MaxIters,
            iterations: value["iterations"].as_u64().unwrap_or(0) as usize,
            time_s: 0.0,
            record_time_s: 0.0,
            n_jacobian_evaluations: 0,
            n_evaluations: 0,
        };
        let method = result.method.clone();
        solve_plots(&dir, &title, &method, &result, front.as_ref())?;
        "front, history"
    } else {
        bail!(
            "{}: neither a solve result (no 'objectives') nor a comparison (no 'rows')",
            args.file.display()
        );
    };
    println!("wrote {}/{{{written}}} (.png, .svg)", dir.display());
    Ok(())
}
