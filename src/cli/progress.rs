//! A progress bar on stderr for long runs, shown only when stderr is a terminal.

use indicatif::{ProgressBar, ProgressStyle};
use tradeoff_solvers::{HistoryRecord, Observer, RunStart, SolveResult};

/// A progress bar that is hidden unless stderr is a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar of `total` steps, drawn only when `visible`.
    pub fn new(total: usize, visible: bool) -> Self {
        let bar = if visible {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{elapsed_precise} {bar:40} {pos}/{len} {msg}")
            {
                bar.set_style(style);
            }
            bar
        } else {
            ProgressBar::hidden()
        };
        Self { bar }
    }

    /// Sets the bar's length.
    pub fn length(&self, total: usize) {
        self.bar.set_length(total as u64);
    }

    /// Moves the bar to `position`.
    pub fn set(&self, position: usize) {
        self.bar.set_position(position as u64);
    }

    /// Sets the message after the bar.
    pub fn message(&self, message: String) {
        self.bar.set_message(message);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The bar follows a run: it moves at each history record (with the hypervolume as its
/// message) and is removed at the end.
impl Observer for Progress {
    fn start(&mut self, start: &RunStart<'_>) -> tradeoff_solvers::Result<()> {
        self.bar.set_length(start.max_iters as u64);
        self.set(start.iteration);
        Ok(())
    }

    fn recorded(&mut self, record: &HistoryRecord) -> tradeoff_solvers::Result<()> {
        self.set(record.iteration);
        self.message(format!("hv {:.4}", record.hypervolume));
        Ok(())
    }

    fn end(&mut self, _result: &SolveResult) -> tradeoff_solvers::Result<()> {
        self.finish();
        Ok(())
    }
}
