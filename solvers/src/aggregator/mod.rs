//! The one interface every gradient aggregator implements, and the types around it.

pub(crate) mod gramian_weighted;
pub(crate) mod preference;
pub(crate) mod projection;
pub(crate) mod weighting;

use tradeoff_pareto::Matrix;

use crate::error::{Error, Result};
use crate::method::state::MethodState;

pub use crate::method::entry::{Family, GradientNeed, MethodInfo, OptionInfo, Properties};
pub use gramian_weighted::WeightInput;

/// What an aggregator sees at one step.
#[derive(Clone, Copy, Debug)]
pub struct StepInput<'a> {
    /// The Jacobian `J`, `n_obj × n_var`: row `i` is `∇f_i`.
    pub jacobian: &'a Matrix,
    /// The objective values `f(x)` (length `n_obj`), for methods that need them.
    pub losses: Option<&'a [f64]>,
    /// A preference vector (length `n_obj`, non-negative), for preference-based methods.
    pub preference: Option<&'a [f64]>,
    /// Steps taken so far, when the caller counts them (the driver does).
    pub iteration: Option<usize>,
    /// The epoch, when the caller has epochs (a neural trainer; the synthetic driver has none).
    /// Epoch-based weightings (DWA, STCH, GradNorm) read it.
    pub epoch: Option<usize>,
}

impl<'a> StepInput<'a> {
    /// Only a Jacobian.
    pub fn new(jacobian: &'a Matrix) -> Self {
        Self {
            jacobian,
            losses: None,
            preference: None,
            iteration: None,
            epoch: None,
        }
    }

    /// Adds the epoch.
    #[must_use]
    pub fn with_epoch(mut self, epoch: usize) -> Self {
        self.epoch = Some(epoch);
        self
    }

    /// Adds the number of steps taken so far.
    #[must_use]
    pub fn with_iteration(mut self, iteration: usize) -> Self {
        self.iteration = Some(iteration);
        self
    }

    /// Adds the objective values.
    #[must_use]
    pub fn with_losses(mut self, losses: &'a [f64]) -> Self {
        self.losses = Some(losses);
        self
    }

    /// Adds a preference vector.
    #[must_use]
    pub fn with_preference(mut self, preference: &'a [f64]) -> Self {
        self.preference = Some(preference);
        self
    }

    /// Number of objectives (rows of `J`).
    pub fn n_obj(&self) -> usize {
        self.jacobian.n_rows()
    }

    /// Number of variables (columns of `J`).
    pub fn n_var(&self) -> usize {
        self.jacobian.n_cols()
    }

    /// The losses, or [`Error::MissingInput`] naming `method`.
    pub fn require_losses(&self, method: &'static str) -> Result<&'a [f64]> {
        require(self.losses, method, LOSSES)
    }

    /// The preference, or [`Error::MissingInput`] naming `method`.
    pub fn require_preference(&self, method: &'static str) -> Result<&'a [f64]> {
        require(self.preference, method, PREFERENCE)
    }

    /// Checks shapes and finiteness once, for every method: `J` non-empty and finite, losses and
    /// preference of length `n_obj` and finite, the preference non-negative with a positive sum.
    pub fn validate(&self) -> Result<()> {
        let m = self.n_obj();
        if m == 0 {
            return Err(Error::DimensionMismatch {
                what: "Jacobian rows (objectives)",
                expected: 1,
                got: 0,
            });
        }
        if let Some(index) = first_non_finite(self.jacobian.as_slice()) {
            return Err(Error::NonFinite {
                what: "the Jacobian",
                index,
            });
        }
        for (what, values) in [("losses", self.losses), ("preference", self.preference)] {
            if let Some(values) = values {
                if values.len() != m {
                    return Err(Error::DimensionMismatch {
                        what: if what == "losses" {
                            "losses length (n_obj)"
                        } else {
                            "preference length (n_obj)"
                        },
                        expected: m,
                        got: values.len(),
                    });
                }
                if let Some(index) = values.iter().position(|v| !v.is_finite()) {
                    return Err(Error::NonFinite { what, index });
                }
            }
        }
        if let Some(p) = self.preference {
            if p.iter().any(|&v| v < 0.0) || p.iter().sum::<f64>() <= 0.0 {
                return Err(Error::InvalidPreference {
                    reason: format!("entries must be non-negative with a positive sum, got {p:?}"),
                });
            }
        }
        Ok(())
    }
}

/// What [`Error::MissingInput`] names for absent losses.
pub(crate) const LOSSES: &str = "the objective values (losses)";
/// What [`Error::MissingInput`] names for an absent preference.
pub(crate) const PREFERENCE: &str = "a preference vector";

/// `value`, or [`Error::MissingInput`] naming `method` and `input`.
pub(crate) fn require<'a>(
    value: Option<&'a [f64]>,
    method: &'static str,
    input: &'static str,
) -> Result<&'a [f64]> {
    value.ok_or(Error::MissingInput { method, input })
}

/// How an inner solver (Frank–Wolfe, QP, ...) ended. Reported, never an error.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostics {
    /// Iterations of the inner solver (0 for closed forms).
    pub inner_iters: usize,
    /// Whether the inner solver met its tolerance (true for closed forms).
    pub converged: bool,
    /// The inner solver's final residual or gap (0 for closed forms).
    pub residual: f64,
}

impl Default for Diagnostics {
    fn default() -> Self {
        Self {
            inner_iters: 0,
            converged: true,
            residual: 0.0,
        }
    }
}

/// The result of one aggregation.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregation {
    /// The update direction `d` (length `n_var`). It plays the role of a gradient: the step is
    /// `x ← x − lr·d`.
    pub direction: Vec<f64>,
    /// The weights `w` with `d = Jᵀw`, for methods that produce them (length `n_obj`).
    pub weights: Option<Vec<f64>>,
    /// How the inner solver ended.
    pub diagnostics: Diagnostics,
}

impl Aggregation {
    /// `d = Jᵀw`, keeping `w`.
    pub fn from_weights(jacobian: &Matrix, weights: Vec<f64>) -> Self {
        Self {
            direction: combine_rows(jacobian, &weights),
            weights: Some(weights),
            diagnostics: Diagnostics::default(),
        }
    }

    /// A direction with no weights.
    pub fn from_direction(direction: Vec<f64>) -> Self {
        Self {
            direction,
            weights: None,
            diagnostics: Diagnostics::default(),
        }
    }

    /// Replaces the diagnostics.
    #[must_use]
    pub fn with_diagnostics(mut self, diagnostics: Diagnostics) -> Self {
        self.diagnostics = diagnostics;
        self
    }
}

/// `Jᵀw`: the weighted sum of the rows of `jacobian` (one blocked SIMD pass over `J`).
pub fn combine_rows(jacobian: &Matrix, weights: &[f64]) -> Vec<f64> {
    crate::linalg::combine(jacobian, weights)
}

/// Index of the first NaN or infinity in `values`, if any.
///
/// The fast path folds `v·0` (which is 0 for finite `v` and NaN otherwise) into eight independent
/// lanes that the compiler vectorises; only when a lane is not 0 is the position searched. On a
/// 40 × 1e5 Jacobian this is several times faster than `iter().position(..)`.
pub fn first_non_finite(values: &[f64]) -> Option<usize> {
    let mut lanes = [0.0f64; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, v) in lanes.iter_mut().zip(chunk) {
            *lane += v * 0.0;
        }
    }
    let tail: f64 = rest.iter().map(|v| v * 0.0).sum();
    if lanes.iter().all(|&l| l == 0.0) && tail == 0.0 {
        return None;
    }
    values.iter().position(|v| !v.is_finite())
}

/// How an aggregator's output responds when the whole Jacobian is multiplied by a scalar
/// `c > 0` (losses and preference unchanged). [`aggregate`] uses it to rescale Jacobians whose
/// entries are so large or small that squares and norms would overflow or underflow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scaling {
    /// Not stated: the method sees the Jacobian as given, at every scale.
    #[default]
    Unstated,
    /// `d(cJ) = c·d(J)` and `w(cJ) = w(J)` (PCGrad, ConFIG, ...).
    Equivariant,
    /// `d(cJ) = d(J)` and `w(cJ) = w(J)/c` (Nash-MTL, FairGrad with `α = 1`).
    Invariant,
}

/// Largest `|J_ij|` outside `[2^-RESCALE_BELOW, 2^RESCALE_ABOVE]` makes [`aggregate`] rescale the
/// Jacobian of a method with a stated [`Scaling`]: inside, squares and sums of up to `2^100`
/// squares are finite and normal, so an input of ordinary size is never touched.
const RESCALE_ABOVE: i32 = 400;
/// See [`RESCALE_ABOVE`].
const RESCALE_BELOW: i32 = 400;

/// `x·2^k`, exact unless the result is subnormal, overflows or underflows (steps of at most
/// `2^±1000` keep every intermediate a power of two apart from `x` or the result).
pub(crate) fn times_power_of_two(x: f64, k: i32) -> f64 {
    let mut out = x;
    let mut rest = k;
    while rest != 0 {
        let step = rest.clamp(-1000, 1000);
        out *= f64::from_bits(((1023 + step) as u64) << 52);
        rest -= step;
    }
    out
}

/// The `k` with `max|values|·2^k` in `[0.5, 1)` when the largest `|value|` is outside
/// `[2^-RESCALE_BELOW, 2^RESCALE_ABOVE]` and not zero; `None` otherwise (the common case).
pub(crate) fn rescale_exponent(values: &[f64]) -> Option<i32> {
    let mut lanes = [0.0f64; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, v) in lanes.iter_mut().zip(chunk) {
            *lane = lane.max(v.abs());
        }
    }
    let max = rest
        .iter()
        .fold(lanes.iter().copied().fold(0.0, f64::max), |a, v| {
            a.max(v.abs())
        });
    let limit_above = times_power_of_two(1.0, RESCALE_ABOVE);
    let limit_below = times_power_of_two(1.0, -RESCALE_BELOW);
    if max == 0.0 || !max.is_finite() || (limit_below..=limit_above).contains(&max) {
        return None;
    }
    // max = f·2^e with f in [0.5, 1): k = −e. Subnormal maxima first move into the normal range.
    let (max, shift) = if max < f64::MIN_POSITIVE {
        (max * times_power_of_two(1.0, 64), 64)
    } else {
        (max, 0)
    };
    let e = ((max.to_bits() >> 52) & 0x7ff) as i32 - 1022;
    Some(shift - e)
}

/// Runs `aggregator` on `2^k·J` and maps its output back by its stated `scaling`.
fn aggregate_rescaled(
    aggregator: &mut dyn Aggregator,
    input: &StepInput<'_>,
    scaling: Scaling,
    k: i32,
) -> Result<Aggregation> {
    let j = input.jacobian;
    let data = j
        .as_slice()
        .iter()
        .map(|&v| times_power_of_two(v, k))
        .collect();
    let scaled = Matrix::from_vec(j.n_rows(), j.n_cols(), data).expect("the Jacobian's shape");
    let mut out = aggregator.aggregate(&StepInput {
        jacobian: &scaled,
        ..*input
    })?;
    let (direction_k, weights_k) = match scaling {
        Scaling::Equivariant => (-k, 0),
        Scaling::Invariant => (0, k),
        Scaling::Unstated => unreachable!("only stated scalings are rescaled"),
    };
    if direction_k != 0 {
        for v in &mut out.direction {
            *v = times_power_of_two(*v, direction_k);
        }
    }
    if let (Some(w), true) = (out.weights.as_mut(), weights_k != 0) {
        for v in w {
            *v = times_power_of_two(*v, weights_k);
        }
    }
    Ok(out)
}

/// A gradient aggregator: maps a Jacobian (and optionally losses and a preference) to one
/// update direction.
///
/// Object-safe, so the registry can hand out `Box<dyn Aggregator>`. `&mut self` lets stateful
/// methods (momentum, moving averages, warm starts, random generators) keep their state;
/// [`Aggregator::reset`] returns them to their first-call behaviour.
pub trait Aggregator: Send + std::fmt::Debug {
    /// The method's static description.
    fn info(&self) -> &'static MethodInfo;

    /// The update direction for one step. Implementations may assume
    /// [`StepInput::validate`] has passed; [`aggregate`] calls it.
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation>;

    /// Returns a stateful method to its first-call behaviour (reseeding any generator).
    fn reset(&mut self) {}

    /// What [`Aggregator::weights_without_jacobian`] reads, for methods whose direction is
    /// `Jᵀw` with `w` computed from the losses ([`GradientNeed::Losses`]) or from the Gramian
    /// ([`GradientNeed::Gramian`]); `None` (the default) for methods that read the Jacobian's
    /// rows themselves. A trainer uses it to back-propagate the weighted loss once instead of
    /// computing the `m` rows.
    fn weighting_need(&self) -> Option<GradientNeed> {
        None
    }

    /// The weights `w` of `d = Jᵀw` from the losses, the preference and (for Gramian-based
    /// methods) the Gramian, for a caller that has no Jacobian rows; exactly the weights
    /// [`Aggregator::aggregate`] would combine. Methods with no
    /// [`Aggregator::weighting_need`] return [`Error::MissingInput`].
    ///
    /// # Errors
    /// A missing input, and the method's errors.
    fn weights_without_jacobian(
        &mut self,
        _input: &WeightInput<'_>,
    ) -> Result<(Vec<f64>, Diagnostics)> {
        Err(Error::MissingInput {
            method: self.info().name,
            input: "the Jacobian's rows",
        })
    }

    /// The rows of `J` the next [`Aggregator::aggregate`] call reads, when it reads only some
    /// (M-ConFIG with `rows_per_step`); `None` (the default) for all. A trainer then
    /// back-propagates only those objectives (the other rows may be left zero).
    fn rows_read(&self, _n_obj: usize) -> Option<Vec<usize>> {
        None
    }

    /// The losses of the step's data after the step was taken, for methods that look at them
    /// (FAMO); a no-op by default.
    fn observe(&mut self, _losses_after: &[f64]) {}

    /// Whether [`Aggregator::observe`] wants the losses after each step (a trainer then
    /// evaluates the step's batch again).
    fn observes_losses_after(&self) -> bool {
        false
    }

    /// How the output responds to scaling the Jacobian ([`Scaling::Unstated`] unless the method
    /// states it). A method that states it must keep its state (if any) free of the Jacobian's
    /// units, since [`aggregate`] may rescale some calls and not others.
    fn scaling(&self) -> Scaling {
        Scaling::Unstated
    }

    /// The state kept between calls (empty for a stateless method), for checkpoints:
    /// `load_state(&save_state())` on a fresh instance with the same parameters makes its next
    /// calls equal, bit for bit, to those of the saved instance.
    fn save_state(&self) -> MethodState {
        MethodState::new()
    }

    /// Restores a state from [`Aggregator::save_state`].
    ///
    /// # Errors
    /// [`Error::InvalidState`] for a state that does not fit this method (the default accepts
    /// only the empty state).
    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        state.expect_empty(self.info().name)
    }
}

/// Validates `input` and runs `aggregator` on it: the entry point for callers.
///
/// A method with a stated [`Aggregator::scaling`] whose Jacobian has its largest `|entry|` above
/// `2^400` or below `2^-400` runs on `2^k·J` (largest entry in `[0.5, 1)`; powers of two keep
/// it exact) and its output is mapped back; inputs of ordinary size are passed as they are, so
/// their results are unchanged bit for bit.
///
/// # Errors
/// Everything [`StepInput::validate`] and the method report, and [`Error::NonFiniteOutput`]
/// when the direction or the weights are not finite although the input is (the answer is too
/// large for f64, or the method broke down at this scale): never a silent NaN or infinity.
pub fn aggregate(aggregator: &mut dyn Aggregator, input: &StepInput<'_>) -> Result<Aggregation> {
    input.validate()?;
    let info = aggregator.info();
    if info.uses_preference && input.preference.is_none() && info.family != Family::Aggregator {
        return Err(Error::MissingInput {
            method: info.name,
            input: "a preference vector",
        });
    }
    if info.needs_losses && input.losses.is_none() {
        return Err(Error::MissingInput {
            method: info.name,
            input: "the objective values (losses)",
        });
    }
    let scaling = aggregator.scaling();
    let out = match rescale_exponent(input.jacobian.as_slice()) {
        Some(k) if scaling != Scaling::Unstated => {
            aggregate_rescaled(aggregator, input, scaling, k)?
        }
        _ => aggregator.aggregate(input)?,
    };
    for (what, values) in [
        ("direction", Some(out.direction.as_slice())),
        ("weights", out.weights.as_deref()),
    ] {
        if let Some(index) = values.and_then(first_non_finite) {
            return Err(Error::NonFiniteOutput {
                method: info.name,
                what,
                index,
            });
        }
    }
    Ok(out)
}
