//! The step rule: the `K × n_var` directions for the whole batch.

use tradeoff_pareto::Matrix;
use tradeoff_problems::JacobianBatch;

use crate::aggregator::{Aggregation, Aggregator, GradientNeed, StepInput, WeightInput, aggregate};
use crate::error::{Error, Result};
use crate::linalg::Gramian;
use crate::method::entry::MethodEntry;
use crate::method::find::find_method;
use crate::method::options::{BuildContext, Options};
use crate::method::state::MethodState;

/// What a [`StepRule`] sees at one iteration. All matrices describe the same batch of `K`
/// points.
#[derive(Clone, Copy, Debug)]
pub struct StepContext<'a> {
    /// Steps taken so far (0 at the first call).
    pub iteration: usize,
    /// The run's iteration limit.
    pub max_iters: usize,
    /// The decision vectors, `K × n_var`.
    pub x: &'a Matrix,
    /// The objectives at `x`, `K × n_obj` (finite).
    pub objectives: &'a Matrix,
    /// The Jacobians at `x`, `[K, n_obj, n_var]` (finite).
    pub jacobians: &'a JacobianBatch,
    /// The preferences, `K × n_obj`.
    pub preferences: &'a Matrix,
}

/// What a [`StepRule`] sees when a trainer asks it for weights instead of directions (see
/// [`StepRule::weighting_need`]): the objectives of the step and, for Gramian-based methods, each
/// point's Gramian.
#[derive(Clone, Copy, Debug)]
pub struct WeightContext<'a> {
    /// Steps taken so far (0 at the first call).
    pub iteration: usize,
    /// The epoch, when the source has epochs.
    pub epoch: Option<usize>,
    /// The objectives of the step, `K × n_obj` (finite).
    pub objectives: &'a Matrix,
    /// One Gramian per point (of the full Jacobian or of the gradients with respect to a
    /// shared representation), when the rule's need is [`GradientNeed::Gramian`].
    pub gramians: Option<&'a [Gramian]>,
    /// The preferences, `K × n_obj`.
    pub preferences: &'a Matrix,
}

/// Computes the update directions of a whole batch: row `k` of the result (`K × n_var`) plays
/// the role of a gradient for point `k`, so the optimiser steps along its negative.
///
/// Per-point aggregators run through [`PerPreference`]; set-level methods (hypervolume
/// gradient, SVGD) implement this trait directly, since they couple the rows.
pub trait StepRule: Send {
    /// A short name for results and logs (for registry methods: the registry name).
    fn name(&self) -> &str;

    /// The `K × n_var` directions at `ctx`.
    fn directions(&mut self, ctx: &StepContext<'_>) -> Result<Matrix>;

    /// Back to first-call behaviour; [`solve`](crate::solve) calls it before the loop, so a
    /// rule can be reused across runs with identical results.
    fn reset(&mut self) {}

    /// The per-row aggregations (directions, weights, diagnostics) of the last
    /// [`StepRule::directions`] call, where the rule has them (observers see them); empty by
    /// default.
    fn last_aggregations(&self) -> &[Aggregation] {
        &[]
    }

    /// What [`StepRule::step_weights`] reads, when every row's direction is `Jᵀw` with `w` from the
    /// losses or the Gramian (see [`Aggregator::weighting_need`]); `None` (the default) when the
    /// rule needs the Jacobians themselves.
    fn weighting_need(&self) -> Option<GradientNeed> {
        None
    }

    /// The `K × n_obj` weights of the step: row `k`'s direction is `Σ_i w_{k,i} ∇f_{k,i}`.
    ///
    /// # Errors
    /// [`Error::MissingInput`] for a rule without a [`StepRule::weighting_need`], and the
    /// methods' errors.
    fn step_weights(&mut self, _ctx: &WeightContext<'_>) -> Result<Matrix> {
        Err(Error::MissingInput {
            method: "this step rule",
            input: "the Jacobians' rows",
        })
    }

    /// The objectives whose gradients the next [`StepRule::directions`] call reads, when it
    /// reads only some (see [`Aggregator::rows_read`]); `None` (the default) for all.
    fn rows_read(&self, _n_obj: usize) -> Option<Vec<usize>> {
        None
    }

    /// Whether the rule wants the objectives of the step's data after the step
    /// ([`StepRule::observe`]).
    fn observes_losses_after(&self) -> bool {
        false
    }

    /// The objectives of the step's data after the step (`K × n_obj`), for methods that look
    /// at them (FAMO); a no-op by default.
    fn observe(&mut self, _objectives_after: &Matrix) {}

    /// The state kept between iterations (empty for a stateless rule), for checkpoints; see
    /// [`Aggregator::save_state`].
    fn save_state(&self) -> MethodState {
        MethodState::new()
    }

    /// Restores a state from [`StepRule::save_state`].
    ///
    /// # Errors
    /// [`Error::InvalidState`] for a state that does not fit this rule (the default accepts only
    /// the empty state).
    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        state.expect_empty(self.name())
    }
}

/// One [`Aggregator`] per preference row: row `k`'s direction is the aggregation of point
/// `k`'s Jacobian, objectives and preference.
///
/// Each row owns its aggregator, so stateful methods keep per-row state (momentum, moving
/// averages, warm starts).
#[derive(Debug)]
pub struct PerPreference {
    name: String,
    aggregators: Vec<Box<dyn Aggregator>>,
    /// Reused `n_obj × n_var` buffer for one row's Jacobian.
    jacobian: Matrix,
    /// The aggregations of the last call, one per row.
    last: Vec<Aggregation>,
}

impl PerPreference {
    /// Wraps one aggregator per preference row (at least one).
    pub fn new(aggregators: Vec<Box<dyn Aggregator>>) -> Result<Self> {
        let Some(first) = aggregators.first() else {
            return Err(Error::DimensionMismatch {
                what: "aggregators (one per preference)",
                expected: 1,
                got: 0,
            });
        };
        Ok(Self {
            name: first.info().name.to_string(),
            last: Vec::with_capacity(aggregators.len()),
            aggregators,
            jacobian: Matrix::zeros(0, 0),
        })
    }

    /// Builds the aggregator `name` with `options` once per row of `preferences`
    /// (`K × n_obj`), each in the context of its row (see [`BuildContext`]: ParetoMTL takes the
    /// preference set and its row, a randomized method serving row `k` draws from `seed + k`).
    ///
    /// # Errors
    /// [`Error::UnknownMethod`], [`Error::SetLevelMethod`] and the method's option errors.
    pub fn from_method(name: &str, options: &Options, preferences: &Matrix) -> Result<Self> {
        let context = BuildContext::none().with_preferences(preferences);
        Self::from_entry(&find_method(name)?, options, &context)
    }

    /// Builds `entry` with `options` once per row of the context's preference set, each in the
    /// context of its row.
    ///
    /// # Errors
    /// As [`PerPreference::from_method`]; [`Error::MissingInput`] without a preference set.
    pub fn from_entry(
        entry: &MethodEntry,
        options: &Options,
        context: &BuildContext<'_>,
    ) -> Result<Self> {
        let preferences = context.require_preferences()?;
        let aggregators = (0..preferences.n_rows())
            .map(|k| entry.build_in(options, &context.for_row(k)))
            .collect::<Result<Vec<_>>>()?;
        let mut rule = Self::new(aggregators)?;
        rule.name = entry.info.name.to_string();
        Ok(rule)
    }

    /// The aggregators, one per preference row.
    pub fn aggregators(&self) -> &[Box<dyn Aggregator>] {
        &self.aggregators
    }

    /// The aggregations (directions, weights, diagnostics) of the last call, one per row;
    /// empty before the first call.
    pub fn last_aggregations(&self) -> &[Aggregation] {
        &self.last
    }

    /// Gives the aggregators back.
    pub fn into_aggregators(self) -> Vec<Box<dyn Aggregator>> {
        self.aggregators
    }
}

impl StepRule for PerPreference {
    fn name(&self) -> &str {
        &self.name
    }

    fn directions(&mut self, ctx: &StepContext<'_>) -> Result<Matrix> {
        let (k, m, n) = ctx.jacobians.shape();
        if self.aggregators.len() != k {
            return Err(Error::DimensionMismatch {
                what: "aggregators (one per preference)",
                expected: k,
                got: self.aggregators.len(),
            });
        }
        if self.jacobian.shape() != (m, n) {
            self.jacobian = Matrix::zeros(m, n);
        }
        let mut out = Matrix::zeros(k, n);
        self.last.clear();
        for (row, aggregator) in self.aggregators.iter_mut().enumerate() {
            self.jacobian
                .as_mut_slice()
                .copy_from_slice(ctx.jacobians.point(row));
            let input = StepInput::new(&self.jacobian)
                .with_losses(ctx.objectives.row(row))
                .with_preference(ctx.preferences.row(row))
                .with_iteration(ctx.iteration);
            let aggregation = aggregate(aggregator.as_mut(), &input)?;
            if aggregation.direction.len() != n {
                return Err(Error::DimensionMismatch {
                    what: "aggregator direction length (n_var)",
                    expected: n,
                    got: aggregation.direction.len(),
                });
            }
            out.row_mut(row).copy_from_slice(&aggregation.direction);
            self.last.push(aggregation);
        }
        Ok(out)
    }

    fn last_aggregations(&self) -> &[Aggregation] {
        &self.last
    }

    /// The strongest need over the rows (Gramian over losses), when every row has one.
    fn weighting_need(&self) -> Option<GradientNeed> {
        let mut need = GradientNeed::Losses;
        for aggregator in &self.aggregators {
            match aggregator.weighting_need()? {
                GradientNeed::Gramian => need = GradientNeed::Gramian,
                GradientNeed::Losses => {}
                GradientNeed::Jacobian | GradientNeed::Set => return None,
            }
        }
        Some(need)
    }

    fn step_weights(&mut self, ctx: &WeightContext<'_>) -> Result<Matrix> {
        let (k, m) = ctx.objectives.shape();
        if self.aggregators.len() != k {
            return Err(Error::DimensionMismatch {
                what: "aggregators (one per preference)",
                expected: k,
                got: self.aggregators.len(),
            });
        }
        let mut out = Matrix::zeros(k, m);
        self.last.clear();
        for (row, aggregator) in self.aggregators.iter_mut().enumerate() {
            let gramian = match ctx.gramians {
                Some(gramians) => Some(gramians.get(row).ok_or(Error::DimensionMismatch {
                    what: "Gramians (one per point)",
                    expected: k,
                    got: gramians.len(),
                })?),
                None => None,
            };
            let input = WeightInput {
                n_obj: m,
                gramian,
                losses: Some(ctx.objectives.row(row)),
                preference: Some(ctx.preferences.row(row)),
                iteration: Some(ctx.iteration),
                epoch: ctx.epoch,
            };
            let (weights, diagnostics) = aggregator.weights_without_jacobian(&input)?;
            if weights.len() != m || weights.iter().any(|w| !w.is_finite()) {
                return Err(Error::NonFinite {
                    what: "the method's weights",
                    index: row,
                });
            }
            out.row_mut(row).copy_from_slice(&weights);
            self.last.push(Aggregation {
                direction: Vec::new(),
                weights: Some(weights),
                diagnostics,
            });
        }
        Ok(out)
    }

    fn observes_losses_after(&self) -> bool {
        self.aggregators.iter().any(|a| a.observes_losses_after())
    }

    /// The union of the rows' reads, when every row reads only some.
    fn rows_read(&self, n_obj: usize) -> Option<Vec<usize>> {
        let mut rows = Vec::new();
        for aggregator in &self.aggregators {
            for row in aggregator.rows_read(n_obj)? {
                if !rows.contains(&row) {
                    rows.push(row);
                }
            }
        }
        rows.sort_unstable();
        Some(rows)
    }

    fn observe(&mut self, objectives_after: &Matrix) {
        for (row, aggregator) in self.aggregators.iter_mut().enumerate() {
            aggregator.observe(objectives_after.row(row));
        }
    }

    fn reset(&mut self) {
        for aggregator in &mut self.aggregators {
            aggregator.reset();
        }
        self.last.clear();
    }

    /// Each row's state under `row{k}`.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        for (k, aggregator) in self.aggregators.iter().enumerate() {
            state.insert_nested(&format!("row{k}"), aggregator.save_state());
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        for (k, aggregator) in self.aggregators.iter_mut().enumerate() {
            aggregator.load_state(&state.nested(&format!("row{k}")))?;
        }
        Ok(())
    }
}
