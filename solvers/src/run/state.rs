//! The state of a run between two steps: what a checkpoint stores and a resumed run continues.

use tradeoff_pareto::Matrix;

use super::result::HistoryRecord;
use crate::method::state::MethodState;

/// Everything a run needs to continue bit for bit: returned by
/// [`Runner::run`](crate::Runner::run) and accepted back by
/// [`Runner::resume_from`](crate::Runner::resume_from).
///
/// The runner itself draws no random numbers after the start (the initial points are drawn
/// once); randomized methods keep their generators' exact positions in `rule`.
#[derive(Clone, Debug, PartialEq)]
pub struct RunState {
    /// The iterate, `K × n_var`.
    pub x: Matrix,
    /// The optimiser's state: its step count and its rule's moments
    /// ([`OptimizerState::save_state`](crate::OptimizerState::save_state)).
    pub optimizer: MethodState,
    /// The step rule's state ([`StepRule::save_state`](crate::StepRule::save_state)).
    pub rule: MethodState,
    /// Steps taken.
    pub iteration: usize,
    /// Calls of `Problem::jacobian` so far.
    pub n_jacobian_evaluations: usize,
    /// Calls of `Problem::evaluate` so far.
    pub n_evaluations: usize,
    /// The indicator records made by the loop so far (a run's final record is not part of it:
    /// a resumed run records that iteration again from its own evaluation).
    pub history: Vec<HistoryRecord>,
}
