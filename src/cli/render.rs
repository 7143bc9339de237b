//! Pictures of a run, drawn with the `plots` crate: every picture as PNG and SVG.

use std::path::Path;

use anyhow::{Context, Result};
use tradeoff::records::ComparisonRecord;
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

/// The mean over `runs` runs at each step (iteration or epoch) that every run recorded with a
/// finite value; `points` holds every run's (step, value) pairs.
pub fn mean_curve(points: impl Iterator<Item = (usize, f64)>, runs: usize) -> Vec<(usize, f64)> {
    let mut sums: std::collections::BTreeMap<usize, (f64, usize)> = Default::default();
    for (step, value) in points.filter(|(_, v)| v.is_finite()) {
        let e = sums.entry(step).or_insert((0.0, 0));
        e.0 += value;
        e.1 += 1;
    }
    sums.into_iter()
        .filter(|(_, (_, n))| *n == runs)
        .map(|(step, (s, n))| (step, s / n as f64))
        .collect()
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

/// Writes fronts.png/.svg (each solver's front at the first seed), history.png/.svg (mean
/// hypervolume over seeds against iterations) and hypervolume.png/.svg (mean ± std bars) of a
/// comparison summary into `dir`.
pub fn comparison_plots(
    dir: &Path,
    title: &str,
    summary: &ComparisonRecord,
    front: Option<&Matrix>,
) -> Result<()> {
    let runs = &summary.runs;
    let rows = &summary.rows;
    let solvers: Vec<String> = rows.iter().map(|r| r.solver.clone()).collect();
    let mut fronts: Vec<(String, Matrix)> = Vec::new();
    let mut histories: Vec<(String, Vec<(usize, f64)>)> = Vec::new();
    for solver in &solvers {
        let mine: Vec<_> = runs.iter().filter(|r| &r.solver == solver).collect();
        if let Some(first) = mine.first() {
            if let Ok(m) = Matrix::from_rows(&first.objectives) {
                fronts.push((solver.clone(), m));
            }
        }
        let curve = mean_curve(
            mine.iter()
                .flat_map(|run| run.history.iter().map(|h| (h.iteration, h.hypervolume))),
            mine.len(),
        );
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
            let hv = r.indicators.get("hypervolume")?;
            (hv.mean.is_finite() && hv.std.is_finite()).then(|| (r.solver.clone(), hv.mean, hv.std))
        })
        .collect();
    if !bars.is_empty() {
        both_formats(dir, "hypervolume", |p| {
            bar_plot(p, &format!("{title}: hypervolume"), &bars, "hypervolume")
        })?;
    }
    Ok(())
}
