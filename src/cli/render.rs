//! Pictures of a run, drawn with the `plots` crate: every picture as PNG and SVG.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;
use tradeoff_pareto::Matrix;
use tradeoff_plots::{FrontPlot, bar_plot, front_plot, fronts_overlay_plot, history_plot};
use tradeoff_solvers::SolveResult;

/// Writes `DIR/NAME.png` and `DIR/NAME.svg` with `draw`.
pub fn both_formats(
    dir: &Path,
    name: &str,
    draw: impl Fn(&Path) -> tradeoff_plots::Result<()>,
) -> Result<()> {
    for ext in ["png", "svg"] {
        let path = dir.join(format!("{name}.{ext}"));
        draw(&path).with_context(|| format!("cannot draw {}", path.display()))?;
    }
    Ok(())
}

/// Writes front.png/.svg and history.png/.svg of a `solve` run into `dir`.
pub fn solve_plots(
    dir: &Path,
    title: &str,
    method: &str,
    result: &SolveResult,
    front: Option<&Matrix>,
) -> Result<()> {
    let mut plot = FrontPlot::new(format!("{title}: {method}"), &result.objectives)
        .with_preferences(&result.preferences)
        .with_series_name(method.to_string());
    if let Some(front) = front {
        plot = plot.with_true_front(front);
    }
    both_formats(dir, "front", |p| front_plot(p, &plot))?;
    let hv: Vec<(usize, f64)> = result
        .history
        .iter()
        .map(|h| (h.iteration, h.hypervolume))
        .collect();
    let series = [(method, hv)];
    both_formats(dir, "history", |p| {
        history_plot(p, &format!("{title}: hypervolume"), &series, "hypervolume")
    })
}

fn matrix_of(value: &Value) -> Option<Matrix> {
    let rows: Vec<Vec<f64>> = value
        .as_array()?
        .iter()
        .map(|r| {
            r.as_array()
                .map(|r| r.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect())
        })
        .collect::<Option<_>>()?;
    Matrix::from_rows(&rows).ok()
}

/// Writes fronts.png/.svg (each solver's front at the first seed), history.png/.svg (mean
/// hypervolume over seeds against iterations) and hypervolume.png/.svg (mean ± std bars) of a
/// comparison summary into `dir`.
pub fn comparison_plots(
    dir: &Path,
    title: &str,
    summary: &Value,
    front: Option<&Matrix>,
) -> Result<()> {
    let runs = summary["runs"].as_array().cloned().unwrap_or_default();
    let rows = summary["rows"].as_array().cloned().unwrap_or_default();
    let solvers: Vec<String> = rows
        .iter()
        .filter_map(|r| r["solver"].as_str().map(str::to_string))
        .collect();
    let mut fronts: Vec<(String, Matrix)> = Vec::new();
    let mut histories: Vec<(String, Vec<(usize, f64)>)> = Vec::new();
    for solver in &solvers {
        let mine: Vec<&Value> = runs.iter().filter(|r| r["solver"] == **solver).collect();
        if let Some(first) = mine.first() {
            if let Some(m) = matrix_of(&first["objectives"]) {
                fronts.push((solver.clone(), m));
            }
        }
        // Mean over seeds at each recorded iteration that every run has.
        let mut sums: std::collections::BTreeMap<usize, (f64, usize)> = Default::default();
        for run in &mine {
            for h in run["history"].as_array().into_iter().flatten() {
                if let (Some(it), Some(hv)) = (h["iteration"].as_u64(), h["hypervolume"].as_f64()) {
                    let e = sums.entry(it as usize).or_insert((0.0, 0));
                    e.0 += hv;
                    e.1 += 1;
                }
            }
        }
        let curve: Vec<(usize, f64)> = sums
            .into_iter()
            .filter(|(_, (_, n))| *n == mine.len())
            .map(|(it, (s, n))| (it, s / n as f64))
            .collect();
        if !curve.is_empty() {
            histories.push((solver.clone(), curve));
        }
    }
    if !fronts.is_empty() {
        let series: Vec<(&str, &Matrix)> = fronts.iter().map(|(n, m)| (n.as_str(), m)).collect();
        both_formats(dir, "fronts", |p| {
            fronts_overlay_plot(p, &format!("{title}: fronts (first seed)"), &series, front)
        })?;
    }
    if !histories.is_empty() {
        both_formats(dir, "history", |p| {
            history_plot(
                p,
                &format!("{title}: hypervolume (mean over seeds)"),
                &histories,
                "hypervolume",
            )
        })?;
    }
    let bars: Vec<(String, f64, f64)> = rows
        .iter()
        .filter_map(|r| {
            Some((
                r["solver"].as_str()?.to_string(),
                r["hypervolume"]["mean"].as_f64()?,
                r["hypervolume"]["std"].as_f64()?,
            ))
        })
        .collect();
    if !bars.is_empty() {
        both_formats(dir, "hypervolume", |p| {
            bar_plot(p, &format!("{title}: hypervolume"), &bars, "hypervolume")
        })?;
    }
    Ok(())
}
