//! Epochs of a neural run: [`EpochEvaluator`], the observer that measures every split at the
//! end of each epoch (losses, metrics, the hypervolume of the models' losses), keeps the mean
//! training loss over the epoch's minibatches, separates training time from evaluation time,
//! and stops early when the validation loss stops improving.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tradeoff_pareto::{Matrix, hypervolume};
use tradeoff_problems::neural::{Evaluator, ExampleSet};

use super::observer::{Control, IterationView, Observer, RunStart};
use crate::error::Result;

/// What one split measured at the end of an epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitRecord {
    /// The split's name (`train`, `val`, `test`).
    pub name: String,
    /// Mean loss per model and objective, `K × m`.
    pub losses: Matrix,
    /// Per metric (accuracy of each classification task, the hard DEO): its name and its `K`
    /// values.
    pub metrics: Vec<(String, Vec<f64>)>,
    /// The hypervolume of the `K` loss vectors with the evaluator's reference point (points
    /// beyond the reference add nothing); `None` when the reference has another length.
    pub hypervolume: Option<f64>,
}

/// What an epoch left: its number, the training time so far and every split's measures.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochRecord {
    /// Epochs completed (1 after the first).
    pub epoch: usize,
    /// Training wall time since the start of the run (this segment and the earlier ones of a
    /// resumed run), evaluation excluded, in seconds.
    pub time_s: f64,
    /// Mean training loss over this epoch's minibatches (LibMOON's reported training loss:
    /// each minibatch's loss before its step), `K × m`.
    pub train_running: Matrix,
    /// The measures of each split, in the order the evaluator was given them.
    pub splits: Vec<SplitRecord>,
}

impl EpochRecord {
    /// The split called `name`.
    pub fn split(&self, name: &str) -> Option<&SplitRecord> {
        self.splits.iter().find(|s| s.name == name)
    }
}

/// Measures the splits at the end of every `every`-th epoch (and of the last one), records the
/// running training loss, and stops the run after `patience` evaluations without a better
/// validation loss (the sum over objectives and models of the `val` split's mean losses).
pub struct EpochEvaluator {
    evaluator: Evaluator,
    splits: Vec<(String, Arc<dyn ExampleSet>)>,
    steps_per_epoch: usize,
    every: usize,
    reference: Vec<f64>,
    patience: Option<usize>,
    records: Vec<EpochRecord>,
    running: Option<(Matrix, usize)>,
    train_time: Duration,
    time_offset: f64,
    segment_start: Option<Instant>,
    evaluation_time: Duration,
    best: Option<(usize, f64)>,
    improved: bool,
}

impl std::fmt::Debug for EpochEvaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EpochEvaluator")
            .field(
                "splits",
                &self.splits.iter().map(|s| &s.0).collect::<Vec<_>>(),
            )
            .field("steps_per_epoch", &self.steps_per_epoch)
            .field("records", &self.records.len())
            .finish_non_exhaustive()
    }
}

impl EpochEvaluator {
    /// Evaluates `splits` with `evaluator` every `every` epochs (`every ≥ 1`) of
    /// `steps_per_epoch` steps, with hypervolumes against `reference`.
    pub fn new(
        evaluator: Evaluator,
        splits: Vec<(String, Arc<dyn ExampleSet>)>,
        steps_per_epoch: usize,
        every: usize,
        reference: Vec<f64>,
    ) -> Self {
        Self {
            evaluator,
            splits,
            steps_per_epoch: steps_per_epoch.max(1),
            every: every.max(1),
            reference,
            patience: None,
            records: Vec::new(),
            running: None,
            train_time: Duration::ZERO,
            time_offset: 0.0,
            segment_start: None,
            evaluation_time: Duration::ZERO,
            best: None,
            improved: false,
        }
    }

    /// Stops the run after `patience` evaluations without a better validation loss.
    #[must_use]
    pub fn with_patience(mut self, patience: Option<usize>) -> Self {
        self.patience = patience;
        self
    }

    /// Continues the records of an earlier segment (a resumed run): its records and its
    /// training time so far.
    #[must_use]
    pub fn continuing(mut self, records: Vec<EpochRecord>) -> Self {
        self.time_offset = records.last().map_or(0.0, |r| r.time_s);
        for record in &records {
            self.track_best(record);
        }
        self.improved = false;
        self.records = records;
        self
    }

    /// The records so far, one per evaluated epoch.
    pub fn records(&self) -> &[EpochRecord] {
        &self.records
    }

    /// Training time of this segment, evaluation excluded.
    pub fn train_time(&self) -> Duration {
        self.train_time
    }

    /// Evaluation time of this segment.
    pub fn evaluation_time(&self) -> Duration {
        self.evaluation_time
    }

    /// Whether the last evaluation improved the best validation loss (for keeping the best
    /// checkpoint).
    pub fn improved(&self) -> bool {
        self.improved
    }

    /// The epoch with the best validation loss so far, and that loss.
    pub fn best(&self) -> Option<(usize, f64)> {
        self.best
    }

    /// Measures every split at `x` now (outside any run, e.g. for a final report).
    ///
    /// # Errors
    /// The evaluator's errors.
    pub fn measure(&self, x: &Matrix) -> Result<Vec<SplitRecord>> {
        self.splits
            .iter()
            .map(|(name, set)| {
                let evaluation = self.evaluator.evaluate(x, set.as_ref())?;
                let hypervolume = if evaluation.losses.n_cols() == self.reference.len() {
                    hypervolume(&evaluation.losses, &self.reference).ok()
                } else {
                    None
                };
                Ok(SplitRecord {
                    name: name.clone(),
                    losses: evaluation.losses,
                    metrics: evaluation.metrics,
                    hypervolume,
                })
            })
            .collect()
    }

    fn track_best(&mut self, record: &EpochRecord) {
        self.improved = false;
        if let Some(val) = record.split("val") {
            let total: f64 = val.losses.as_slice().iter().sum();
            if total.is_finite() && self.best.is_none_or(|(_, best)| total < best) {
                self.best = Some((record.epoch, total));
                self.improved = true;
            }
        }
    }

    fn elapsed_training(&self) -> f64 {
        let segment = self
            .segment_start
            .map_or(Duration::ZERO, |start| start.elapsed())
            .saturating_sub(self.evaluation_time);
        self.time_offset + segment.as_secs_f64()
    }
}

impl Observer for EpochEvaluator {
    fn start(&mut self, _start: &RunStart<'_>) -> Result<()> {
        self.segment_start = Some(Instant::now());
        Ok(())
    }

    fn evaluated(&mut self, _iteration: usize, objectives: &Matrix) -> Result<()> {
        match &mut self.running {
            None => self.running = Some((objectives.clone(), 1)),
            Some((sum, count)) => {
                for (s, v) in sum.as_mut_slice().iter_mut().zip(objectives.as_slice()) {
                    *s += v;
                }
                *count += 1;
            }
        }
        Ok(())
    }

    fn iteration(&mut self, view: &IterationView<'_>) -> Result<Control> {
        if view.iteration % self.steps_per_epoch != 0 {
            return Ok(Control::Continue);
        }
        let epoch = view.iteration / self.steps_per_epoch;
        let last = view.iteration >= view.max_iters;
        let running = match self.running.take() {
            Some((mut sum, count)) => {
                for v in sum.as_mut_slice() {
                    *v /= count as f64;
                }
                sum
            }
            None => view.objectives.clone(),
        };
        if epoch % self.every != 0 && !last {
            return Ok(Control::Continue);
        }
        let time_s = self.elapsed_training();
        let started = Instant::now();
        let splits = self.measure(view.x)?;
        self.evaluation_time += started.elapsed();
        self.train_time = Duration::from_secs_f64((time_s - self.time_offset).max(0.0));
        let record = EpochRecord {
            epoch,
            time_s,
            train_running: running,
            splits,
        };
        self.track_best(&record);
        self.records.push(record);
        if let (Some(patience), Some((best_epoch, _))) = (self.patience, self.best) {
            let since = (epoch - best_epoch) / self.every;
            if since >= patience {
                return Ok(Control::Stop);
            }
        }
        Ok(Control::Continue)
    }
}
