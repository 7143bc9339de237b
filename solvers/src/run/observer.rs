//! Observers of a run, in argmin's manner: hooks at the start, after each evaluation's record,
//! after each step and at the end; an observer may stop the run.

use std::time::{Duration, Instant};

use tradeoff_pareto::{Matrix, hypervolume, igd};

use super::optimizer::OptimizerState;
use super::result::{HistoryRecord, SolveResult};
use super::rule::StepRule;
use super::state::RunState;
use crate::aggregator::Aggregation;
use crate::error::Result;

/// What an observer asks of the run after a step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    #[default]
    Continue,
    /// End the run here, with [`Termination::Stopped`](crate::Termination::Stopped).
    Stop,
}

/// What an observer sees before the first step of a run (or of a resumed segment).
#[derive(Clone, Copy, Debug)]
pub struct RunStart<'a> {
    /// Steps already taken (0 for a fresh run; the saved iteration when resuming).
    pub iteration: usize,
    /// The run's planned number of steps.
    pub max_iters: usize,
    /// The decision vectors, `K × n_var`.
    pub x: &'a Matrix,
    /// The preferences, `K × n_obj`.
    pub preferences: &'a Matrix,
}

/// What an observer sees after one step.
pub struct IterationView<'a> {
    /// Steps taken, this one included.
    pub iteration: usize,
    /// The run's planned number of steps.
    pub max_iters: usize,
    /// The decision vectors after the step, `K × n_var`.
    pub x: &'a Matrix,
    /// The objectives before the step (at the point the directions were computed), `K × n_obj`.
    pub objectives: &'a Matrix,
    /// The directions of this step, `K × n_var`.
    pub directions: &'a Matrix,
    /// Per preference row, the aggregation (direction, weights, diagnostics) where the rule
    /// keeps one ([`StepRule::last_aggregations`]); empty for set-level rules.
    pub aggregations: &'a [Aggregation],
    pub(crate) rule: &'a dyn StepRule,
    pub(crate) optimizer: &'a OptimizerState,
    pub(crate) history: &'a [HistoryRecord],
    pub(crate) n_jacobian_evaluations: usize,
    pub(crate) n_evaluations: usize,
}

impl std::fmt::Debug for IterationView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IterationView")
            .field("iteration", &self.iteration)
            .field("max_iters", &self.max_iters)
            .finish_non_exhaustive()
    }
}

impl IterationView<'_> {
    /// The run's state after this step: what a checkpoint stores and
    /// [`Runner::resume_from`](crate::Runner::resume_from) continues bit for bit.
    pub fn state(&self) -> RunState {
        RunState {
            x: self.x.clone(),
            optimizer: self.optimizer.save_state(),
            rule: self.rule.save_state(),
            iteration: self.iteration,
            n_jacobian_evaluations: self.n_jacobian_evaluations,
            n_evaluations: self.n_evaluations,
            history: self.history.to_vec(),
        }
    }
}

/// Watches a run. Every hook has a default that does nothing, so an observer implements only
/// the hooks it needs.
pub trait Observer {
    /// Before the first step.
    ///
    /// # Errors
    /// Any error ends the run with that error.
    fn start(&mut self, _start: &RunStart<'_>) -> Result<()> {
        Ok(())
    }

    /// After each evaluation of the batch, at the start of iteration `iteration` (steps taken
    /// so far), before the directions: `objectives` are `K × n_obj` and finite.
    ///
    /// # Errors
    /// Any error ends the run with that error.
    fn evaluated(&mut self, _iteration: usize, _objectives: &Matrix) -> Result<()> {
        Ok(())
    }

    /// After the indicators of an iteration were recorded (see
    /// [`DriverConfig::record_every`](crate::DriverConfig::record_every)), including the final
    /// record.
    ///
    /// # Errors
    /// Any error ends the run with that error.
    fn recorded(&mut self, _record: &HistoryRecord) -> Result<()> {
        Ok(())
    }

    /// After each step; [`Control::Stop`] ends the run.
    ///
    /// # Errors
    /// Any error ends the run with that error.
    fn iteration(&mut self, _view: &IterationView<'_>) -> Result<Control> {
        Ok(Control::Continue)
    }

    /// After the run, with its result.
    ///
    /// # Errors
    /// Any error is the run's error.
    fn end(&mut self, _result: &SolveResult) -> Result<()> {
        Ok(())
    }
}

/// Stops the run once `steps` steps are taken in total (an interruption, or a scheduler's time
/// slot): the run ends with [`Termination::Stopped`](crate::Termination::Stopped) and its
/// state, ready to be resumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopAfter(pub usize);

impl Observer for StopAfter {
    fn iteration(&mut self, view: &IterationView<'_>) -> Result<Control> {
        Ok(if view.iteration >= self.0 {
            Control::Stop
        } else {
            Control::Continue
        })
    }
}

/// An observer that hands every history record to a closure (what
/// [`solve_observed`](crate::solve_observed) takes).
pub struct OnRecord<F>(pub F);

impl<F: FnMut(&HistoryRecord)> Observer for OnRecord<F> {
    fn recorded(&mut self, record: &HistoryRecord) -> Result<()> {
        (self.0)(record);
        Ok(())
    }
}

impl Observer for IndicatorRecorder {
    fn evaluated(&mut self, iteration: usize, objectives: &Matrix) -> Result<()> {
        IndicatorRecorder::evaluated(self, iteration, objectives).map(|_| ())
    }
}

/// Records the hypervolume (and IGD, when the true front is known) of the batch at iteration
/// 0, every `every` iterations and at the end: the runner's built-in observer, whose history
/// is part of the [`RunState`].
#[derive(Debug)]
pub struct IndicatorRecorder {
    reference: Vec<f64>,
    front: Option<Matrix>,
    keep_objectives: bool,
    every: usize,
    history: Vec<HistoryRecord>,
    time: Duration,
}

impl IndicatorRecorder {
    /// A recorder with the hypervolume reference point `reference`, the sampled true front for
    /// IGD (`None`: no IGD), every `every ≥ 1` iterations, keeping the objectives when
    /// `keep_objectives`, continuing `history`.
    pub fn new(
        reference: Vec<f64>,
        front: Option<Matrix>,
        keep_objectives: bool,
        every: usize,
        history: Vec<HistoryRecord>,
    ) -> Self {
        Self {
            reference,
            front,
            keep_objectives,
            every: every.max(1),
            history,
            time: Duration::ZERO,
        }
    }

    /// The record of `objectives` at `iteration`.
    fn compute(&self, iteration: usize, objectives: &Matrix) -> Result<HistoryRecord> {
        Ok(HistoryRecord {
            iteration,
            hypervolume: hypervolume(objectives, &self.reference)?,
            igd: self
                .front
                .as_ref()
                .map(|f| igd(objectives, f))
                .transpose()?,
            objectives: self.keep_objectives.then(|| objectives.clone()),
        })
    }

    /// Records `objectives`, evaluated at the start of `iteration`, when the cadence asks for
    /// it; returns the new record.
    pub fn evaluated(
        &mut self,
        iteration: usize,
        objectives: &Matrix,
    ) -> Result<Option<&HistoryRecord>> {
        if iteration % self.every != 0 {
            return Ok(None);
        }
        let t = Instant::now();
        let record = self.compute(iteration, objectives)?;
        self.history.push(record);
        self.time += t.elapsed();
        Ok(self.history.last())
    }

    /// The final record of a run that took `iterations` steps, unless the last record is of
    /// that iteration already. It is not added to the history kept for resuming (a resumed
    /// run records that iteration from its own evaluation).
    pub fn final_record(
        &mut self,
        iterations: usize,
        objectives: &Matrix,
    ) -> Result<Option<HistoryRecord>> {
        if self
            .history
            .last()
            .is_some_and(|r| r.iteration == iterations)
        {
            return Ok(None);
        }
        let t = Instant::now();
        let record = self.compute(iterations, objectives)?;
        self.time += t.elapsed();
        Ok(Some(record))
    }

    /// The records so far.
    pub fn history(&self) -> &[HistoryRecord] {
        &self.history
    }

    /// Wall time spent recording.
    pub fn time(&self) -> Duration {
        self.time
    }
}
