//! The loop.

use std::time::{Duration, Instant};

use tradeoff_pareto::{Matrix, hypervolume, igd};
use tradeoff_problems::Problem;

use super::config::DriverConfig;
use super::result::{HistoryRecord, SolveResult, Termination};
use super::rule::{StepContext, StepRule};
use crate::error::{Error, Result};
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
    solve_observed(problem, rule, preferences, config, &mut |_| {})
}

/// [`solve`] that also hands every history record to `observer` as soon as it is recorded
/// (for progress bars and live logs). The observer sees the record; it cannot change the run.
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
    config.validate()?;
    let info = problem.info();
    let (n_var, n_obj) = (info.n_var, info.n_obj);
    check_preferences(preferences, n_obj)?;
    let n_points = preferences.n_rows();
    let reference = config
        .reference_point
        .clone()
        .unwrap_or_else(|| info.reference_point.clone());
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
    let mut x = config.init.sample(info, n_points)?;
    let front = sample_front(problem, config.front_points);
    let recorder = Recorder {
        reference: &reference,
        front: front.as_ref(),
        keep_objectives: config.record_objectives,
    };

    rule.reset();
    let mut optimizer = OptimizerState::new(config.optimizer, n_points * n_var);
    let mut x_prev = x.clone();
    let mut history = Vec::with_capacity(config.max_iters / config.record_every + 2);
    let mut record_time = Duration::ZERO;
    let mut n_jacobian_evaluations = 0;
    let mut termination = Termination::MaxIters;
    let mut iterations = 0;

    let start = Instant::now();
    for iteration in 0..config.max_iters {
        let (objectives, jacobians) = problem.jacobian(&x)?;
        n_jacobian_evaluations += 1;
        if !all_finite(objectives.as_slice()) || !all_finite(jacobians.as_slice()) {
            termination = Termination::NonFinite { iteration };
            break;
        }
        if iteration % config.record_every == 0 {
            let t = Instant::now();
            let record = recorder.record(iteration, &objectives)?;
            observer(&record);
            history.push(record);
            record_time += t.elapsed();
        }
        let ctx = StepContext {
            iteration,
            max_iters: config.max_iters,
            x: &x,
            objectives: &objectives,
            jacobians: &jacobians,
            preferences,
        };
        let directions = rule.directions(&ctx)?;
        if directions.n_rows() != n_points {
            return Err(Error::DimensionMismatch {
                what: "direction rows (one per preference)",
                expected: n_points,
                got: directions.n_rows(),
            });
        }
        if directions.n_cols() != n_var {
            return Err(Error::DimensionMismatch {
                what: "direction columns (n_var)",
                expected: n_var,
                got: directions.n_cols(),
            });
        }
        if !all_finite(directions.as_slice()) {
            termination = Termination::NonFinite { iteration };
            break;
        }
        x_prev.as_mut_slice().copy_from_slice(x.as_slice());
        optimizer.step(x.as_mut_slice(), directions.as_slice());
        info.project_to_bounds(&mut x);
        if !all_finite(x.as_slice()) {
            x.as_mut_slice().copy_from_slice(x_prev.as_slice());
            termination = Termination::NonFinite { iteration };
            break;
        }
        iterations = iteration + 1;
        if config.tolerance > 0.0 && max_row_step(&x, &x_prev) < config.tolerance {
            termination = Termination::Converged {
                iteration: iterations,
            };
            break;
        }
    }
    let objectives = problem.evaluate(&x)?;
    let finite = all_finite(objectives.as_slice());
    if !finite && !matches!(termination, Termination::NonFinite { .. }) {
        termination = Termination::NonFinite {
            iteration: iterations,
        };
    }
    let loop_time = start.elapsed();
    if finite && history.last().is_none_or(|r| r.iteration != iterations) {
        let t = Instant::now();
        let record = recorder.record(iterations, &objectives)?;
        observer(&record);
        history.push(record);
        record_time += t.elapsed();
    }

    Ok(SolveResult {
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
        n_evaluations: 1,
    })
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

/// Computes the indicators of one iteration.
struct Recorder<'a> {
    reference: &'a [f64],
    front: Option<&'a Matrix>,
    keep_objectives: bool,
}

impl Recorder<'_> {
    fn record(&self, iteration: usize, objectives: &Matrix) -> Result<HistoryRecord> {
        Ok(HistoryRecord {
            iteration,
            hypervolume: hypervolume(objectives, self.reference)?,
            igd: self.front.map(|f| igd(objectives, f)).transpose()?,
            objectives: self.keep_objectives.then(|| objectives.clone()),
        })
    }
}

/// The true front for IGD, when the problem knows one of the right width.
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
