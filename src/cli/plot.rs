//! `tradeoff plot`: re-draws the pictures of a saved run (result.json) or comparison
//! (summary.json) without solving again.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::Value;
use tradeoff::records::{ComparisonRecord, SolveRecord};
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

fn matrix(rows: &[Vec<f64>], what: &str) -> Result<Matrix> {
    Matrix::from_rows(rows).with_context(|| format!("'{what}' is not a matrix"))
}

/// The true front of a saved problem, if it has one.
fn true_front(
    name: &str,
    n_var: Option<usize>,
    n_obj: Option<usize>,
    normalize: &str,
    n_points: usize,
) -> Option<Matrix> {
    let normalize = Normalization::ALL
        .into_iter()
        .find(|n| n.name() == normalize)
        .unwrap_or(Normalization::Authors);
    let spec = ProblemSpec {
        name: name.to_string(),
        n_var,
        n_obj,
        normalize,
    };
    build_problem(&spec).ok()?.pareto_front(n_points)
}

/// Reads a record into its struct, naming the file in the error.
fn read_record<T: serde::de::DeserializeOwned>(file: &Path, value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
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
    let written = if value["kind"] == "comparison" || value.get("rows").is_some() {
        let summary: ComparisonRecord = read_record(&args.file, value)?;
        let config = &summary.config;
        let front = true_front(
            &config.problem_name,
            config.n_var,
            config.n_obj,
            &config.normalize,
            1000,
        );
        comparison_plots(&dir, &config.problem, &summary, front.as_ref())?;
        "fronts, history, hypervolume"
    } else if value.get("objectives").is_some() {
        let record: SolveRecord = read_record(&args.file, value)?;
        let config = &record.config;
        let front = true_front(
            &config.problem_name,
            Some(config.n_var),
            Some(config.n_obj),
            &config.normalize,
            1000,
        );
        let history = record
            .history
            .iter()
            .map(|h| HistoryRecord {
                iteration: h.iteration,
                hypervolume: h.hypervolume,
                igd: h.igd,
                objectives: None,
            })
            .collect();
        let result = SolveResult {
            method: config.solver.clone(),
            x: matrix(&record.solutions, "solutions")?,
            objectives: matrix(&record.objectives, "objectives")?,
            preferences: matrix(&record.prefs, "prefs")?,
            history,
            termination: Termination::MaxIters,
            iterations: record.iterations,
            time_s: 0.0,
            record_time_s: 0.0,
            n_jacobian_evaluations: 0,
            n_evaluations: 0,
        };
        solve_plots(
            &dir,
            &config.problem,
            &config.solver,
            &result,
            front.as_ref(),
        )?;
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
