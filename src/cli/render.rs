//! Pictures of a run, drawn with the `plots` crate: every picture as PNG and SVG.

use std::path::Path;

use anyhow::{Context, Result};
use tradeoff_pareto::Matrix;
use tradeoff_plots::{FrontPlot, front_plot, history_plot};
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
