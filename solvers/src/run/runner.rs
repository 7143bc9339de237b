//! The loop: [`Runner`] (observers, resume) and the [`solve`] family built on it.

use std::time::Instant;

use tradeoff_pareto::Matrix;
use tradeoff_problems::{GradientSource, JacobianBatch, Problem};

use super::config::DriverConfig;
use super::observer::{Control, IndicatorRecorder, IterationView, Observer, OnRecord, RunStart};
use super::result::{HistoryRecord, SolveResult, Termination};
use super::rule::{StepContext, StepRule, WeightContext};
use super::state::RunState;
use crate::aggregator::GradientNeed;
use crate::error::{Error, Result};
use crate::linalg::Gramian;
use crate::method::find::build_run_rule;
use crate::method::options::Options;
use crate::run::optimizer::OptimizerState;

/// Solves the `K` preferences (rows of `preferences`, `K × n_obj`) jointly as one `K × n_var`
/// batch, with `rule` giving the directions.
///
/// Per iteration: one [`Problem::jacobian`] call for the whole batch, `rule.directions`, one
/// optimiser step, the projection onto the problem's box. Indicators (hypervolume, and IGD
/// when the problem knows its front) are recorded at iteration 0, every
/// `config.record_every` iterations and at the final iteration. `rule.reset()` is called
/// first, so the same inputs give the same result bit for bit.
///
/// A NaN or infinite objective, Jacobian entry, direction or step ends the run with
/// [`Termination::NonFinite`]; that is a result, not an error. The returned objectives are
/// `problem.evaluate(x)` at the returned `x`.
///
/// # Errors
/// Invalid `config` ([`Error::Params`]), preferences or a reference point of the wrong shape or
/// non-finite, initial points that do not fit, and errors from the problem, the rule or the
/// indicators.
///
/// ```
/// use tradeoff_pareto::Matrix;
/// use tradeoff_problems::{Problem, ProblemInfo, TensorProblem};
/// use tradeoff_solvers::{
///     DriverConfig, Init, Optimizer, StepContext, StepRule, Termination, solve,
/// };
///
/// /// Linear scalarization: d_k = Σ_i λ_ki ∇f_i(x_k).
/// struct WeightedSum;
/// impl StepRule for WeightedSum {
///     fn name(&self) -> &str { "ls" }
///     fn directions(&mut self, ctx: &StepContext<'_>) -> tradeoff_solvers::Result<Matrix> {
///         let (k, m, n) = ctx.jacobians.shape();
///         let mut d = Matrix::zeros(k, n);
///         for p in 0..k {
///             for i in 0..m {
///                 let w = ctx.preferences.get(p, i);
///                 for j in 0..n {
///                     d.set(p, j, d.get(p, j) + w * ctx.jacobians.get(p, i, j));
///                 }
///             }
///         }
///         Ok(d)
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // f1 = x², f2 = (x − 1)² on [−2, 2]: the weighted sum's minimiser is x = λ₂ / (λ₁ + λ₂).
/// let info = ProblemInfo::new("two-parabolas", 1, 2)
///     .with_uniform_bounds(-2.0, 2.0)
///     .with_reference_point(vec![4.0, 4.0]);
/// let problem = TensorProblem::new(info, |x| {
///     candle_core::Tensor::cat(&[x.sqr()?, (x - 1.0)?.sqr()?], 1)
/// });
/// let preferences = Matrix::from_rows(&[[0.75, 0.25], [0.25, 0.75]])?;
/// let config = DriverConfig::default()
///     .with_max_iters(200)
///     .with_optimizer(Optimizer::sgd(0.25))
///     .with_tolerance(1e-10)
///     .with_init(Init::UniformInBounds { seed: 7 });
/// let result = solve(&problem, &mut WeightedSum, &preferences, &config)?;
/// assert!((result.x.get(0, 0) - 0.25).abs() < 1e-6);
/// assert!((result.x.get(1, 0) - 0.75).abs() < 1e-6);
/// assert_eq!(result.objectives, problem.evaluate(&result.x)?);
/// assert!(matches!(result.termination, Termination::Converged { .. }));
/// # Ok(()) }
/// ```
pub fn solve(
    problem: &dyn Problem,
    rule: &mut dyn StepRule,
    preferences: &Matrix,
    config: &DriverConfig,
) -> Result<SolveResult> {
    Ok(Runner::new(problem, rule, preferences, config)
        .run()?
        .result)
}

/// [`solve`] that also hands every history record to `observer` as soon as it is recorded
/// (for progress bars and live logs). The observer sees the record; it cannot change the run
/// (a [`Runner`] takes [`Observer`]s that can stop it).
///
/// # Errors
/// As [`solve`].
pub fn solve_observed(
    problem: &dyn Problem,
    rule: &mut dyn StepRule,
    preferences: &Matrix,
    config: &DriverConfig,
    observer: &mut dyn FnMut(&HistoryRecord),
) -> Result<SolveResult> {
    let mut on_record = OnRecord(observer);
    Ok(Runner::new(problem, rule, preferences, config)
        .with_observer(&mut on_record)
        .run()?
        .result)
}

/// What [`Runner::run`] returns: the result and the state to continue from.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    /// The result, as [`solve`] returns it.
    pub result: SolveResult,
    /// The state after the last step, for [`Runner::resume_from`] (or a checkpoint).
    pub state: RunState,
}

/// The one training loop, configured in argmin's manner: a problem, a step rule, the
/// preferences and a [`DriverConfig`], plus observers and, to continue an earlier run, its
/// [`RunState`].
///
/// A run of `N` steps equals, bit for bit (`x`, objectives, history), a run stopped after `M`
/// steps (by [`StopAfter`] or any observer) whose state is passed to
/// [`Runner::resume_from`] with the same rule, preferences and configuration.
///
/// ```
/// use tradeoff_pareto::linspace;
/// use tradeoff_problems::{ProblemSpec, build_problem};
/// use tradeoff_solvers::{DriverConfig, Optimizer, Options, Runner, StopAfter, build_rule};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let problem = build_problem(&ProblemSpec::new("zdt1"))?;
/// let prefs = linspace(4, 0.01)?;
/// let config = DriverConfig::default().with_max_iters(50).with_optimizer(Optimizer::adam(0.01));
/// let mut rule = build_rule("ls", &Options::new(), &prefs)?;
/// let whole = Runner::new(problem.as_ref(), rule.as_mut(), &prefs, &config).run()?;
///
/// let mut stop = StopAfter(20);
/// let first = Runner::new(problem.as_ref(), rule.as_mut(), &prefs, &config)
///     .with_observer(&mut stop)
///     .run()?;
/// let mut fresh = build_rule("ls", &Options::new(), &prefs)?;
/// let rest = Runner::new(problem.as_ref(), fresh.as_mut(), &prefs, &config)
///     .resume_from(first.state)
///     .run()?;
/// assert_eq!(rest.result.x, whole.result.x);
/// assert_eq!(rest.result.history, whole.result.history);
/// # Ok(()) }
/// ```
pub struct Runner<'a> {
    objectives: Objectives<'a>,
    rule: &'a mut dyn StepRule,
    preferences: &'a Matrix,
    config: &'a DriverConfig,
    start: Option<RunState>,
    observers: Vec<&'a mut dyn Observer>,
}

impl std::fmt::Debug for Runner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("rule", &self.rule.name())
            .field("config", self.config)
            .field("resumes", &self.start.as_ref().map(|s| s.iteration))
            .field("observers", &self.observers.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Runner<'a> {
    /// A fresh run of `rule` on `problem` for the preferences (`K × n_obj`) under `config`.
    pub fn new(
        problem: &'a dyn Problem,
        rule: &'a mut dyn StepRule,
        preferences: &'a Matrix,
        config: &'a DriverConfig,
    ) -> Self {
        Self {
            objectives: Objectives::Problem(problem),
            rule,
            preferences,
            config,
            start: None,
            observers: Vec::new(),
        }
    }

    /// A fresh run of `rule` on a [`GradientSource`] (a neural problem: stochastic objectives,
    /// `K` stacked models) for the preferences (`K × n_obj`, `K` = the source's number of
    /// points) under `config`: the same loop, observers, checkpoints and resume as for a
    /// [`Problem`].
    ///
    /// Per step the source evaluates the step's data ([`GradientSource::begin_step`]); then, by
    /// what the rule needs ([`StepRule::weighting_need`]): loss-based methods get their weights
    /// from the losses and the source back-propagates the weighted loss once
    /// ([`GradientSource::combined_gradient`]); Gramian-based ones get the Gramians of the
    /// per-objective gradients with respect to the source's shared representation when it has
    /// one (then one combined pass), else of the full Jacobian; every other method gets the full
    /// Jacobian ([`GradientSource::jacobian`], `m` backward passes). The start is the source's
    /// [`GradientSource::initial_point`] (`config.init` is not used), nothing is projected, and
    /// the final objectives are [`GradientSource::full_objectives`].
    pub fn for_source(
        source: &'a mut dyn GradientSource,
        rule: &'a mut dyn StepRule,
        preferences: &'a Matrix,
        config: &'a DriverConfig,
    ) -> Self {
        Self {
            objectives: Objectives::Source(source),
            rule,
            preferences,
            config,
            start: None,
            observers: Vec::new(),
        }
    }

    /// Continues from `state` (saved by an earlier run with the same rule, preferences and
    /// configuration) instead of the initial points. `config.max_iters` may be larger than the
    /// earlier run's: a schedule that depends on the total then differs from a run planned with
    /// the new total.
    #[must_use]
    pub fn resume_from(mut self, state: RunState) -> Self {
        self.start = Some(state);
        self
    }

    /// Adds an observer (called in the order added).
    #[must_use]
    pub fn with_observer(mut self, observer: &'a mut dyn Observer) -> Self {
        self.observers.push(observer);
        self
    }

    /// Runs the loop.
    ///
    /// # Errors
    /// As [`solve`]; when resuming, [`Error::InvalidState`] for a state that does not fit the
    /// batch, the optimiser or the rule, or that is past `config.max_iters`; and any error an
    /// observer returns.
    #[allow(clippy::too_many_lines)]
    pub fn run(self) -> Result<RunOutcome> {
        let Self {
            objectives: mut evaluator,
            rule,
            preferences,
            config,
            start,
            mut observers,
        } = self;
        config.validate()?;
        let (n_var, n_obj, default_reference) = match &evaluator {
            Objectives::Problem(problem) => {
                let info = problem.info();
                (info.n_var, info.n_obj, info.reference_point.clone())
            }
            Objectives::Source(source) => {
                (source.n_var(), source.n_obj(), vec![1.0; source.n_obj()])
            }
        };
        check_preferences(preferences, n_obj)?;
        let n_points = preferences.n_rows();
        if let Objectives::Source(source) = &evaluator {
            if source.n_points() != n_points {
                return Err(Error::DimensionMismatch {
                    what: "preference rows (the source's models K)",
                    expected: source.n_points(),
                    got: n_points,
                });
            }
        }
        let reference = config.reference_point.clone().unwrap_or(default_reference);
        if reference.len() != n_obj {
            return Err(Error::DimensionMismatch {
                what: "reference point length (n_obj)",
                expected: n_obj,
                got: reference.len(),
            });
        }
        if let Some(index) = reference.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: "the reference point",
                index,
            });
        }
        rule.reset();
        let mut optimizer = OptimizerState::new(config.optimizer.clone(), n_points * n_var)
            .with_total(config.max_iters)
            .with_row_length(n_var);
        let (mut x, first, history, mut n_jacobian_evaluations, mut n_evaluations) = match start {
            None => {
                let start = match &mut evaluator {
                    Objectives::Problem(problem) => config.init.sample(problem.info(), n_points)?,
                    Objectives::Source(source) => {
                        let start = source.initial_point()?;
                        super::config::check_shape(
                            &start,
                            (n_points, n_var),
                            "initial point rows (K)",
                            "initial point columns (n_var)",
                        )?;
                        start
                    }
                };
                (start, 0, Vec::new(), 0, 0)
            }
            Some(state) => {
                if state.x.shape() != (n_points, n_var) {
                    return Err(Error::InvalidState {
                        reason: format!(
                            "the saved iterate is {}×{}, the run needs {n_points}×{n_var}",
                            state.x.n_rows(),
                            state.x.n_cols()
                        ),
                    });
                }
                if state.iteration > config.max_iters {
                    return Err(Error::InvalidState {
                        reason: format!(
                            "the state is at iteration {}, past the run's {} iterations",
                            state.iteration, config.max_iters
                        ),
                    });
                }
                rule.load_state(&state.rule)?;
                optimizer.load_state(&state.optimizer)?;
                (
                    state.x,
                    state.iteration,
                    state.history,
                    state.n_jacobian_evaluations,
                    state.n_evaluations,
                )
            }
        };
        let front = match &evaluator {
            Objectives::Problem(problem) => sample_front(*problem, config.front_points),
            Objectives::Source(_) => None,
        };
        let mut recorder = IndicatorRecorder::new(
            reference,
            front,
            config.record_objectives,
            config.record_every,
            history,
        );
        let run_start = RunStart {
            iteration: first,
            max_iters: config.max_iters,
            x: &x,
            preferences,
        };
        for observer in &mut observers {
            observer.start(&run_start)?;
        }

        let mut x_prev = x.clone();
        let mut termination = Termination::MaxIters;
        let mut iterations = first;

        let start_time = Instant::now();
        for iteration in first..config.max_iters {
            let (step_objectives, jacobians) = match &mut evaluator {
                Objectives::Problem(problem) => {
                    let (f, j) = problem.jacobian(&x)?;
                    (f, Some(j))
                }
                Objectives::Source(source) => {
                    // A method that reads only some rows (M-ConFIG's one loss per step) lets the
                    // source skip the others, except on recorded iterations.
                    let rows = if rule.weighting_need().is_none()
                        && iteration % config.record_every.max(1) != 0
                    {
                        rule.rows_read(n_obj)
                    } else {
                        None
                    };
                    (
                        source.begin_step_rows(&x, iteration, rows.as_deref())?,
                        None,
                    )
                }
            };
            n_jacobian_evaluations += 1;
            if !all_finite(step_objectives.as_slice())
                || jacobians
                    .as_ref()
                    .is_some_and(|j| !all_finite(j.as_slice()))
            {
                termination = Termination::NonFinite { iteration };
                break;
            }
            let objectives_now = step_objectives;
            let objectives = &objectives_now;
            if let Some(record) = recorder.evaluated(iteration, objectives)? {
                for observer in &mut observers {
                    observer.recorded(record)?;
                }
            }
            for observer in &mut observers {
                observer.evaluated(iteration, objectives)?;
            }
            let directions = match (&jacobians, &mut evaluator) {
                (Some(jacobians), _) => rule.directions(&StepContext {
                    iteration,
                    max_iters: config.max_iters,
                    x: &x,
                    objectives,
                    jacobians,
                    preferences,
                })?,
                (None, Objectives::Source(source)) => source_directions(
                    &mut **source,
                    &mut *rule,
                    iteration,
                    config.max_iters,
                    &x,
                    objectives,
                    preferences,
                )?,
                (None, Objectives::Problem(_)) => unreachable!("a problem's step has Jacobians"),
            };
            super::config::check_shape(
                &directions,
                (n_points, n_var),
                "direction rows (one per preference)",
                "direction columns (n_var)",
            )?;
            if !all_finite(directions.as_slice()) {
                termination = Termination::NonFinite { iteration };
                break;
            }
            x_prev.as_mut_slice().copy_from_slice(x.as_slice());
            optimizer.step(x.as_mut_slice(), directions.as_slice());
            match &mut evaluator {
                Objectives::Problem(problem) => problem.info().project_to_bounds(&mut x),
                Objectives::Source(source) => {
                    if rule.observes_losses_after() && all_finite(x.as_slice()) {
                        let after = source.begin_step(&x, iteration)?;
                        if all_finite(after.as_slice()) {
                            rule.observe(&after);
                        }
                    }
                }
            }
            if !all_finite(x.as_slice()) {
                x.as_mut_slice().copy_from_slice(x_prev.as_slice());
                termination = Termination::NonFinite { iteration };
                break;
            }
            iterations = iteration + 1;
            let converged = config.tolerance > 0.0 && max_row_step(&x, &x_prev) < config.tolerance;
            let mut stop = false;
            if !observers.is_empty() {
                let view = IterationView {
                    iteration: iterations,
                    max_iters: config.max_iters,
                    x: &x,
                    objectives,
                    directions: &directions,
                    aggregations: rule.last_aggregations(),
                    rule: &*rule,
                    optimizer: &optimizer,
                    history: recorder.history(),
                    n_jacobian_evaluations,
                    n_evaluations,
                };
                for observer in &mut observers {
                    stop |= observer.iteration(&view)? == Control::Stop;
                }
            }
            if converged {
                termination = Termination::Converged {
                    iteration: iterations,
                };
                break;
            }
            if stop {
                termination = Termination::Stopped {
                    iteration: iterations,
                };
                break;
            }
        }
        let objectives = match &mut evaluator {
            Objectives::Problem(problem) => problem.evaluate(&x)?,
            Objectives::Source(source) => source.full_objectives(&x)?,
        };
        n_evaluations += 1;
        let finite = all_finite(objectives.as_slice());
        if !finite && !matches!(termination, Termination::NonFinite { .. }) {
            termination = Termination::NonFinite {
                iteration: iterations,
            };
        }
        let loop_time = start_time.elapsed();
        let mut history = recorder.history().to_vec();
        if finite {
            if let Some(record) = recorder.final_record(iterations, &objectives)? {
                for observer in &mut observers {
                    observer.recorded(&record)?;
                }
                history.push(record);
            }
        }
        let record_time = recorder.time();

        let state = RunState {
            x: x.clone(),
            optimizer: optimizer.save_state(),
            rule: rule.save_state(),
            iteration: iterations,
            n_jacobian_evaluations,
            n_evaluations,
            history: recorder.history().to_vec(),
        };
        let result = SolveResult {
            method: rule.name().to_string(),
            x,
            objectives,
            preferences: preferences.clone(),
            history,
            termination,
            iterations,
            time_s: loop_time.saturating_sub(record_time).as_secs_f64(),
            record_time_s: record_time.as_secs_f64(),
            n_jacobian_evaluations,
            n_evaluations,
        };
        for observer in &mut observers {
            observer.end(&result)?;
        }
        Ok(RunOutcome { result, state })
    }
}

/// [`solve`] with the rule for any method of the table, by name: scalarizations, aggregators
/// and preference-guided methods run one instance per preference row, set-level methods
/// (`hvgrad`, `moo-svgd`, `uniform`) move the whole set (see [`build_run_rule`]; methods whose
/// defaults depend on the run's length, such as ParetoMTL's warm-up, get `config.max_iters`).
///
/// # Errors
/// An unknown method (the error lists every name) or bad options, and everything [`solve`]
/// reports.
pub fn solve_with_method(
    problem: &dyn Problem,
    method: &str,
    options: &Options,
    preferences: &Matrix,
    config: &DriverConfig,
) -> Result<SolveResult> {
    let mut rule = build_run_rule(method, options, preferences, config.max_iters)?;
    solve(problem, rule.as_mut(), preferences, config)
}

/// [`solve`] with the rule [`build_rule`](crate::build_rule) gives (no iteration count in the
/// build context). Kept for existing callers; [`solve_with_method`] is the entry point.
///
/// # Errors
/// As [`solve_with_method`].
#[doc(hidden)]
pub fn solve_with_rule_name(
    problem: &dyn Problem,
    name: &str,
    options: &Options,
    preferences: &Matrix,
    config: &DriverConfig,
) -> Result<SolveResult> {
    let mut rule = crate::method::find::build_rule(name, options, preferences)?;
    solve(problem, rule.as_mut(), preferences, config)
}

/// The true front for IGD, when the problem knows one of the right width.
/// What the runner evaluates: a deterministic problem, or a gradient source.
enum Objectives<'a> {
    Problem(&'a dyn Problem),
    Source(&'a mut dyn GradientSource),
}

/// The directions of one step of a [`GradientSource`], computing only what the rule needs (see
/// [`Runner::for_source`]).
fn source_directions(
    source: &mut dyn GradientSource,
    rule: &mut dyn StepRule,
    iteration: usize,
    max_iters: usize,
    x: &Matrix,
    objectives: &Matrix,
    preferences: &Matrix,
) -> Result<Matrix> {
    let epoch = source.epoch_of(iteration);
    let context = |gramians| WeightContext {
        iteration,
        epoch,
        objectives,
        gramians,
        preferences,
    };
    match rule.weighting_need() {
        Some(GradientNeed::Losses) => {
            let weights = rule.step_weights(&context(None))?;
            Ok(source.combined_gradient(&weights)?)
        }
        Some(GradientNeed::Gramian) => {
            if let Some(gramians) = source.representation_gramians()? {
                let gramians: Vec<Gramian> = gramians.into_iter().map(gramian_of).collect();
                let weights = rule.step_weights(&context(Some(&gramians)))?;
                return Ok(source.combined_gradient(&weights)?);
            }
            let jacobians = source.jacobian()?;
            let gramians: Vec<Gramian> = (0..jacobians.n_points())
                .map(|k| Gramian::new(&jacobians.matrix(k)))
                .collect();
            let weights = rule.step_weights(&context(Some(&gramians)))?;
            Ok(combine_batch(&jacobians, &weights))
        }
        _ => {
            let jacobians = match rule.rows_read(objectives.n_cols()) {
                Some(rows) => source.jacobian_rows(&rows)?,
                None => source.jacobian()?,
            };
            rule.directions(&StepContext {
                iteration,
                max_iters,
                x,
                objectives,
                jacobians: &jacobians,
                preferences,
            })
        }
    }
}

/// A Gramian given as its matrix (scale 1).
fn gramian_of(matrix: Matrix) -> Gramian {
    Gramian { matrix, scale: 1.0 }
}

/// Row `k` = `Σ_i w_{k,i} J_k[i]`.
fn combine_batch(jacobians: &JacobianBatch, weights: &Matrix) -> Matrix {
    let (k, _, n) = jacobians.shape();
    let mut out = Matrix::zeros(k, n);
    for point in 0..k {
        let row = crate::linalg::combine(&jacobians.matrix(point), weights.row(point));
        out.row_mut(point).copy_from_slice(&row);
    }
    out
}

fn sample_front(problem: &dyn Problem, n_points: usize) -> Option<Matrix> {
    if n_points == 0 {
        return None;
    }
    problem.pareto_front(n_points).filter(|f| {
        f.n_rows() > 0 && f.n_cols() == problem.info().n_obj && all_finite(f.as_slice())
    })
}

fn check_preferences(preferences: &Matrix, n_obj: usize) -> Result<()> {
    if preferences.n_rows() == 0 {
        return Err(Error::DimensionMismatch {
            what: "preference rows (K)",
            expected: 1,
            got: 0,
        });
    }
    if preferences.n_cols() != n_obj {
        return Err(Error::DimensionMismatch {
            what: "preference columns (n_obj)",
            expected: n_obj,
            got: preferences.n_cols(),
        });
    }
    if let Some(index) = preferences.as_slice().iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite {
            what: "preferences",
            index,
        });
    }
    Ok(())
}

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// `max_k ‖x_k − y_k‖₂`.
fn max_row_step(x: &Matrix, y: &Matrix) -> f64 {
    x.rows()
        .zip(y.rows())
        .map(|(a, b)| {
            a.iter()
                .zip(b)
                .map(|(p, q)| (p - q) * (p - q))
                .sum::<f64>()
                .sqrt()
        })
        .fold(0.0, f64::max)
}
