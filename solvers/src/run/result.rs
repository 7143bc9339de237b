//! What a driver run returns.

use tradeoff_pareto::Matrix;

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Termination {
    /// The iteration limit was reached.
    MaxIters,
    /// Every row's step was shorter than the tolerance; `iteration` steps were taken.
    Converged {
        /// Steps taken, the last one included.
        iteration: usize,
    },
    /// An objective, a Jacobian entry, a direction or a decision variable was NaN or
    /// infinite at `iteration`; the run returns the last finite decision vectors.
    NonFinite {
        /// The iteration (steps taken before it) where the value appeared.
        iteration: usize,
    },
    /// An [`Observer`](crate::Observer) stopped the run after `iteration` steps (for instance
    /// [`StopAfter`](crate::StopAfter), an interruption with a checkpoint).
    Stopped {
        /// Steps taken.
        iteration: usize,
    },
}

impl Termination {
    /// Kebab-case name (`max-iters`, `converged`, `non-finite`, `stopped`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::MaxIters => "max-iters",
            Self::Converged { .. } => "converged",
            Self::NonFinite { .. } => "non-finite",
            Self::Stopped { .. } => "stopped",
        }
    }
}

impl std::fmt::Display for Termination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MaxIters => write!(f, "reached the iteration limit"),
            Self::Converged { iteration } => {
                write!(
                    f,
                    "converged after {iteration} steps (every step below tolerance)"
                )
            }
            Self::NonFinite { iteration } => {
                write!(
                    f,
                    "stopped at iteration {iteration}: a value became non-finite"
                )
            }
            Self::Stopped { iteration } => {
                write!(f, "stopped by an observer after {iteration} steps")
            }
        }
    }
}

/// The indicators at one recorded iteration.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRecord {
    /// Steps taken before this record (0 is the initial batch).
    pub iteration: usize,
    /// Hypervolume of the batch's objectives with respect to the reference point.
    pub hypervolume: f64,
    /// IGD against the sampled true front, when the problem knows its front.
    pub igd: Option<f64>,
    /// The objectives (`K × n_obj`), when `record_objectives` is set.
    pub objectives: Option<Matrix>,
}

/// The outcome of [`solve`](crate::solve).
#[derive(Clone, Debug, PartialEq)]
pub struct SolveResult {
    /// The step rule's name (for aggregators: the registry name).
    pub method: String,
    /// The final decision vectors, `K × n_var`, one per preference.
    pub x: Matrix,
    /// `problem.evaluate(x)` at exactly the returned `x`, `K × n_obj`.
    pub objectives: Matrix,
    /// The preferences, `K × n_obj` (row `k` belongs to row `k` of `x`).
    pub preferences: Matrix,
    /// Indicators at iteration 0, every `record_every` iterations, and the final iteration
    /// (the final record is left out when the final objectives are not finite).
    pub history: Vec<HistoryRecord>,
    /// Why the run stopped.
    pub termination: Termination,
    /// Steps taken.
    pub iterations: usize,
    /// Wall time of the loop in seconds (evaluations, directions, steps), without the
    /// indicator recording.
    pub time_s: f64,
    /// Wall time spent recording indicators, in seconds.
    pub record_time_s: f64,
    /// Calls of `Problem::jacobian` (one per iteration, for the whole batch), counted over the
    /// whole run (a resumed run counts its earlier segments' too).
    pub n_jacobian_evaluations: usize,
    /// Calls of `Problem::evaluate`, counted over the whole run (one final evaluation per run
    /// segment: a resumed run counts its earlier segments' too).
    pub n_evaluations: usize,
}

impl SolveResult {
    /// The hypervolume of the final objectives, when it was recorded.
    pub fn final_hypervolume(&self) -> Option<f64> {
        self.history
            .last()
            .filter(|r| r.iteration == self.iterations)
            .map(|r| r.hypervolume)
    }

    /// The IGD of the final objectives, when it was recorded.
    pub fn final_igd(&self) -> Option<f64> {
        self.history
            .last()
            .filter(|r| r.iteration == self.iterations)
            .and_then(|r| r.igd)
    }
}
