//! The preference-set driver: `K` preferences solved jointly as one `K × n_var` batch.
//!
//! Each iteration evaluates the objectives `F` (`K × n_obj`) and the Jacobians
//! (`[K, n_obj, n_var]`) of the whole batch with one [`Problem::jacobian`] call (analytic where
//! the problem has it, else `n_obj` backward passes over the batch, never `K·n_obj`), asks a
//! [`StepRule`] for the `K × n_var` directions, steps an [`Optimizer`](crate::Optimizer),
//! projects onto the box, and records the hypervolume (and IGD, when the true front is known)
//! every `record_every` iterations. It stops at the iteration limit, when every row's step is
//! shorter than the tolerance, or when a value turns NaN or infinite.
//!
//! The roles are kept apart as in argmin: the rule computes directions (`rule.rs`), the runner
//! owns the loop (`runner.rs`) and calls observers (`observer.rs`: the indicator recorder, a
//! stop after `K` steps, the caller's own), the optimiser core steps the batch
//! (`optimizer.rs`), the configuration is validated data (`config.rs`), the result carries
//! the termination reason and the history (`result.rs`), and the run's state (`state.rs`)
//! continues a run bit for bit, also from a checkpoint on disk (`checkpoint.rs`).
//!
//! Differences from LibMOON's `GradBaseSolver.solve`: the returned objectives are evaluated at
//! the returned `x` (LibMOON's are one step behind), the Jacobian costs `n_obj` backward passes
//! instead of `K·n_obj` (or none, when analytic), the hypervolume is recorded every
//! `record_every` iterations rather than every iteration, the projection is onto the closed box
//! (LibMOON clamps to `[lb + 1e-5, ub − 1e-5]`), and a tolerance can stop the run early.
//!
//! [`Problem::jacobian`]: tradeoff_problems::Problem::jacobian

mod checkpoint;
mod config;
mod observer;
pub(crate) mod optimizer;
mod preferences;
mod result;
mod rule;
mod runner;
mod state;
mod training;

pub use checkpoint::{
    CHECKPOINT_DEFINITION_FILE, CHECKPOINT_SCHEMA_VERSION, CHECKPOINT_STATE_FILE, Checkpoint,
    CheckpointError, InitDefinition, OptimizerDefinition, ProblemDefinition, RunDefinition,
};
pub use config::{DriverConfig, Init};
pub use observer::{
    Control, IndicatorRecorder, IterationView, Observer, OnRecord, RunStart, StopAfter,
};
pub use preferences::{PREFERENCE_SUM_TOLERANCE, normalize_preferences};
pub use result::{HistoryRecord, SolveResult, Termination};
pub use rule::{PerPreference, StepContext, StepRule, WeightContext};
pub use runner::{
    RunOutcome, Runner, solve, solve_observed, solve_with_method, solve_with_rule_name,
};
pub use state::RunState;
pub use training::{EpochEvaluator, EpochRecord, SplitRecord};
