//! First-order optimisers over flat slices: the one core that the driver and `psl` share.
//!
//! - [`FirstOrderOptimizer`] is the trait a user implements to add an optimiser: one update of
//!   a flat `&mut [f64]` along `−direction` with a given step size, and its state (moments, step
//!   count) as a [`MethodState`] for checkpoints. [`Sgd`] and [`Adam`] are the built-in ones.
//! - [`Schedule`] gives the learning rate of step `t` of a run of `total` steps: constant,
//!   cosine with a linear warm-up, or step decay.
//! - [`Optimizer`] is the validated configuration (an update rule, a learning rate and a
//!   schedule); [`OptimizerState`] is its state for one run.
//! - [`adam_update`] is Adam's element-wise kernel, generic over `f32`/`f64`, in the two
//!   roundings the project uses ([`AdamForm`]); `psl`'s trainer calls it on its own buffers.
//!
//! The direction `d` plays the role of a gradient (the aggregators' convention), so every
//! optimiser descends.
//!
//! ```
//! use tradeoff_solvers::{Optimizer, OptimizerState};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sgd = Optimizer::sgd(0.5);
//! sgd.validate()?;
//! let mut state = OptimizerState::new(sgd, 2);
//! let mut x = [1.0, 2.0];
//! state.step(&mut x, &[2.0, -2.0]);
//! assert_eq!(x, [0.0, 3.0]);
//!
//! // Adam's first step moves every element by about `lr` against the sign of `d`.
//! let mut state = OptimizerState::new(Optimizer::adam(0.1), 2);
//! let mut x = [1.0, 2.0];
//! state.step(&mut x, &[5.0, -0.01]);
//! assert!((x[0] - 0.9).abs() < 1e-6 && (x[1] - 2.1).abs() < 1e-5);
//! # Ok(()) }
//! ```

use serde::{Deserialize, Serialize};

use crate::error::{Error, ParamsError, Result};
use crate::method::state::MethodState;

/// The name used in [`ParamsError`]s about optimiser settings.
const WHO: &str = "optimizer";

fn invalid(name: &'static str, rule: &'static str, got: f64) -> ParamsError {
    ParamsError::Invalid {
        method: WHO,
        name,
        rule,
        got: got.to_string(),
    }
}

/// An update rule over a flat parameter buffer: what a user implements to add an optimiser.
///
/// The implementation holds its hyperparameters and its state between steps (moments, step
/// count). Contract, as for [`Aggregator`](crate::Aggregator): a fresh instance built with the
/// same hyperparameters, after [`FirstOrderOptimizer::load_state`] of a saved state, continues
/// bit for bit as the instance that was saved.
pub trait FirstOrderOptimizer: std::fmt::Debug + Send + Sync {
    /// Lower-case name (`sgd`, `adam`), written into records and checkpoints.
    fn name(&self) -> &str;

    /// The hyperparameters other than the learning rate, by name (for records, checkpoints and
    /// equality of configurations).
    fn hyperparameters(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// Checks every hyperparameter against the range its doc states.
    fn validate(&self) -> std::result::Result<(), ParamsError> {
        Ok(())
    }

    /// A copy with the same hyperparameters and state.
    fn clone_box(&self) -> Box<dyn FirstOrderOptimizer>;

    /// Back to the first-step state for a buffer of `len` parameters.
    fn reset(&mut self, len: usize);

    /// One update `x ← x − step(direction)` in place, with step size `lr` (the schedule's
    /// value for this step). `x` and `direction` have the length given to `reset`.
    fn step(&mut self, x: &mut [f64], direction: &[f64], lr: f64);

    /// The state kept between steps (empty for a stateless rule).
    fn save_state(&self) -> MethodState {
        MethodState::new()
    }

    /// Restores a state from [`FirstOrderOptimizer::save_state`].
    ///
    /// # Errors
    /// [`Error::InvalidState`] for a state that does not fit (the default accepts only the
    /// empty state).
    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        state.expect_empty(self.name())
    }
}

/// Plain gradient descent, `x ← x − lr·d` (no momentum, no state).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sgd;

impl FirstOrderOptimizer for Sgd {
    fn name(&self) -> &str {
        "sgd"
    }

    fn clone_box(&self) -> Box<dyn FirstOrderOptimizer> {
        Box::new(*self)
    }

    fn reset(&mut self, _len: usize) {}

    fn step(&mut self, x: &mut [f64], direction: &[f64], lr: f64) {
        for (xi, &di) in x.iter_mut().zip(direction) {
            *xi -= lr * di;
        }
    }
}

/// Which rounding of Adam's update: the same mathematics, two orders of operations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdamForm {
    /// Kingma & Ba's Algorithm 1: `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`, `x ← x − lr·m̂/(√v̂ + ε)`
    /// (the driver's form).
    #[default]
    Paper,
    /// PyTorch's `torch.optim.Adam`: `x ← x − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε)` (`psl`'s form,
    /// LibMOON's trainer).
    PyTorch,
}

/// Adam's decay rates and denominator guard.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamMoments {
    /// Decay of the first moment, in `[0, 1)`; PyTorch's default 0.9.
    pub beta1: f64,
    /// Decay of the second moment, in `[0, 1)`; PyTorch's default 0.999.
    pub beta2: f64,
    /// Added to the root of the second moment, finite and `> 0`; PyTorch's default 1e-8.
    pub eps: f64,
}

impl Default for AdamMoments {
    /// PyTorch's defaults: `beta1 = 0.9`, `beta2 = 0.999`, `eps = 1e-8`.
    fn default() -> Self {
        Self {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

impl AdamMoments {
    /// The one rule for Adam's settings (the driver's and `psl`'s): `beta1`, `beta2` in
    /// `[0, 1)`, `eps` finite and `> 0` (`eps = 0` divides zero by zero where a coordinate's
    /// direction has always been 0).
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        if !(0.0..1.0).contains(&self.beta1) {
            return Err(invalid("beta1", "must be in [0, 1)", self.beta1));
        }
        if !(0.0..1.0).contains(&self.beta2) {
            return Err(invalid("beta2", "must be in [0, 1)", self.beta2));
        }
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return Err(invalid("eps", "must be finite and positive", self.eps));
        }
        Ok(())
    }
}

/// A floating-point type Adam's kernel runs in (`f32`, `f64`).
pub trait AdamFloat:
    Copy
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + std::ops::SubAssign
{
    /// One.
    const ONE: Self;
    /// The value rounded from `f64`.
    fn from_f64(value: f64) -> Self;
    /// The square root.
    fn sqrt(self) -> Self;
}

impl AdamFloat for f32 {
    const ONE: Self = 1.0;
    #[allow(clippy::cast_possible_truncation)]
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
}

impl AdamFloat for f64 {
    const ONE: Self = 1.0;
    fn from_f64(value: f64) -> Self {
        value
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
}

/// Adam's element-wise update of step `t ≥ 1` (bias corrections `1 − β^t` computed in `f64`,
/// then rounded to `T`), in the rounding `form`:
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, then the step of [`AdamForm`].
///
/// `values`, `m`, `v` and `g` have one length. Inlined into the caller, so a caller that runs
/// it under runtime-dispatched SIMD gets vector code.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn adam_update<T: AdamFloat>(
    values: &mut [T],
    m: &mut [T],
    v: &mut [T],
    g: &[T],
    moments: &AdamMoments,
    lr: f64,
    t: u64,
    form: AdamForm,
) {
    // Saturates for absurd step counts; the corrections are 1 long before that.
    let t = i32::try_from(t).unwrap_or(i32::MAX);
    let c1 = 1.0 - moments.beta1.powi(t);
    let c2 = 1.0 - moments.beta2.powi(t);
    let beta1 = T::from_f64(moments.beta1);
    let beta2 = T::from_f64(moments.beta2);
    let eps = T::from_f64(moments.eps);
    match form {
        AdamForm::Paper => {
            let (c1, c2, lr) = (T::from_f64(c1), T::from_f64(c2), T::from_f64(lr));
            for (((xi, mi), vi), &gi) in values.iter_mut().zip(m).zip(v).zip(g) {
                *mi = beta1 * *mi + (T::ONE - beta1) * gi;
                *vi = beta2 * *vi + (T::ONE - beta2) * gi * gi;
                let m_hat = *mi / c1;
                let v_hat = *vi / c2;
                *xi -= lr * m_hat / (v_hat.sqrt() + eps);
            }
        }
        AdamForm::PyTorch => {
            let step_size = T::from_f64(lr / c1);
            let c2_sqrt = T::from_f64(c2.sqrt());
            for (((xi, mi), vi), &gi) in values.iter_mut().zip(m).zip(v).zip(g) {
                *mi = beta1 * *mi + (T::ONE - beta1) * gi;
                *vi = beta2 * *vi + (T::ONE - beta2) * gi * gi;
                let denominator = vi.sqrt() / c2_sqrt + eps;
                *xi -= step_size * *mi / denominator;
            }
        }
    }
}

/// Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
/// arXiv:1412.6980, Algorithm 1) with bias correction and no weight decay, element-wise over
/// the whole buffer, as `torch.optim.Adam` with `weight_decay = 0`.
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    /// Decay rates and denominator guard.
    pub moments: AdamMoments,
    /// The rounding of the update.
    pub form: AdamForm,
    steps: u64,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl Adam {
    /// Adam with these moments, in the driver's rounding ([`AdamForm::Paper`]).
    pub fn new(moments: AdamMoments) -> Self {
        Self {
            moments,
            form: AdamForm::Paper,
            steps: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// Steps taken so far (Adam's `t`).
    pub fn steps(&self) -> u64 {
        self.steps
    }
}

impl Default for Adam {
    /// PyTorch's defaults, the driver's rounding.
    fn default() -> Self {
        Self::new(AdamMoments::default())
    }
}

impl FirstOrderOptimizer for Adam {
    fn name(&self) -> &str {
        "adam"
    }

    fn hyperparameters(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("beta1", self.moments.beta1),
            ("beta2", self.moments.beta2),
            ("eps", self.moments.eps),
        ]
    }

    fn validate(&self) -> std::result::Result<(), ParamsError> {
        self.moments.validate()
    }

    fn clone_box(&self) -> Box<dyn FirstOrderOptimizer> {
        Box::new(self.clone())
    }

    fn reset(&mut self, len: usize) {
        self.steps = 0;
        self.m.clear();
        self.m.resize(len, 0.0);
        self.v.clear();
        self.v.resize(len, 0.0);
    }

    fn step(&mut self, x: &mut [f64], direction: &[f64], lr: f64) {
        assert_eq!(x.len(), self.m.len(), "Adam state sized for another batch");
        self.steps += 1;
        adam_update(
            x,
            &mut self.m,
            &mut self.v,
            direction,
            &self.moments,
            lr,
            self.steps,
            self.form,
        );
    }

    /// `steps` (one integer), the moments `m` and `v`.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        state.put_integers("steps", &[self.steps]);
        state.put_floats("m", &self.m);
        state.put_floats("v", &self.v);
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        let steps = state.integers("steps")?;
        let [steps] = steps else {
            return Err(Error::InvalidState {
                reason: format!("'steps' holds {} values, expected 1", steps.len()),
            });
        };
        let len = self.m.len();
        self.m.copy_from_slice(state.floats_of_len("m", len)?);
        self.v.copy_from_slice(state.floats_of_len("v", len)?);
        self.steps = *steps;
        Ok(())
    }
}

/// How the learning rate changes over a run of `total` steps: step `t` (0-based) uses
/// `lr · factor(t, total)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Schedule {
    /// `lr` at every step.
    #[default]
    Constant,
    /// A linear warm-up over the first `warmup` steps (`factor = (t+1)/warmup`), then a cosine
    /// decay from 1 to `min_factor` at the last step:
    /// `min + (1 − min)·(1 + cos(π·(t − warmup)/(total − warmup)))/2`. Depends on the total.
    Cosine {
        /// Warm-up steps (0: none).
        warmup: usize,
        /// The factor reached at the end, in `[0, 1]`.
        min_factor: f64,
    },
    /// `factor = gamma^⌊t / every⌋` (PyTorch's `StepLR`).
    Step {
        /// Steps between two decays, `≥ 1`.
        every: usize,
        /// Multiplier per decay, finite and `> 0`.
        gamma: f64,
    },
}

impl Schedule {
    /// Lower-case name (`constant`, `cosine`, `step`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Constant => "constant",
            Self::Cosine { .. } => "cosine",
            Self::Step { .. } => "step",
        }
    }

    /// Checks the rule each field's doc states.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        match *self {
            Self::Constant => Ok(()),
            Self::Cosine { min_factor, .. } => {
                if (0.0..=1.0).contains(&min_factor) {
                    Ok(())
                } else {
                    Err(invalid("min_factor", "must be in [0, 1]", min_factor))
                }
            }
            Self::Step { every, gamma } => {
                if every == 0 {
                    Err(invalid("every", "must be at least 1", 0.0))
                } else if !(gamma.is_finite() && gamma > 0.0) {
                    Err(invalid("gamma", "must be finite and positive", gamma))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Whether the factors depend on the run's total number of steps.
    pub fn depends_on_total(&self) -> bool {
        matches!(self, Self::Cosine { .. })
    }

    /// The learning rate of step `t` (0-based) of a run of `total` steps, from the base `lr`
    /// (exactly `lr` for [`Schedule::Constant`]).
    pub fn learning_rate(&self, lr: f64, t: u64, total: usize) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        match *self {
            Self::Constant => lr,
            Self::Cosine { warmup, min_factor } => {
                let t = t as f64;
                let warmup_f = warmup as f64;
                if t < warmup_f {
                    return lr * (t + 1.0) / warmup_f;
                }
                let span = (total.saturating_sub(warmup)).max(1) as f64;
                let progress = ((t - warmup_f) / span).min(1.0);
                let cosine = 0.5 * (1.0 + (std::f64::consts::PI * progress).cos());
                lr * (min_factor + (1.0 - min_factor) * cosine)
            }
            Self::Step { every, gamma } => {
                let decays = i32::try_from(t / every as u64).unwrap_or(i32::MAX);
                lr * gamma.powi(decays)
            }
        }
    }
}

/// A first-order optimiser, its learning rate and its schedule (the validated configuration).
///
/// Build with [`Optimizer::sgd`] or [`Optimizer::adam`] (PyTorch's defaults), or with
/// [`Optimizer::new`] from any [`FirstOrderOptimizer`]; check with [`Optimizer::validate`].
#[derive(Debug)]
pub struct Optimizer {
    rule: Box<dyn FirstOrderOptimizer>,
    lr: f64,
    schedule: Schedule,
    weight_decay: f64,
    clip_norm: Option<f64>,
}

impl Clone for Optimizer {
    fn clone(&self) -> Self {
        Self {
            rule: self.rule.clone_box(),
            lr: self.lr,
            schedule: self.schedule,
            weight_decay: self.weight_decay,
            clip_norm: self.clip_norm,
        }
    }
}

impl PartialEq for Optimizer {
    /// Same name, hyperparameters, learning rate and schedule.
    fn eq(&self, other: &Self) -> bool {
        self.rule.name() == other.rule.name()
            && self.rule.hyperparameters() == other.rule.hyperparameters()
            && self.lr == other.lr
            && self.schedule == other.schedule
            && self.weight_decay == other.weight_decay
            && self.clip_norm == other.clip_norm
    }
}

impl Default for Optimizer {
    /// SGD with `lr = 0.01`: the setting of LibMOON's finite-set tables.
    fn default() -> Self {
        Self::sgd(0.01)
    }
}

impl Optimizer {
    /// `rule` with step size `lr` and a constant schedule.
    pub fn new(rule: impl FirstOrderOptimizer + 'static, lr: f64) -> Self {
        Self {
            rule: Box::new(rule),
            lr,
            schedule: Schedule::Constant,
            weight_decay: 0.0,
            clip_norm: None,
        }
    }

    /// SGD with step size `lr`.
    pub fn sgd(lr: f64) -> Self {
        Self::new(Sgd, lr)
    }

    /// Adam with step size `lr` and PyTorch's defaults `beta1 = 0.9`, `beta2 = 0.999`,
    /// `eps = 1e-8`.
    pub fn adam(lr: f64) -> Self {
        Self::new(Adam::default(), lr)
    }

    /// ConFIG's PINN optimiser for a run of `total` steps with `method`: Adam with lr `1e-3`
    /// (or SGD for `m-config`, whose pseudo-momentum already normalises the step), cosine decay
    /// to `1e-4` after a linear warm-up of `min(100, total/100)` steps (tum-pbs/ConFIG,
    /// `experiments/PINN`).
    pub fn pinn_default(method: &str, total: usize) -> Self {
        let base = if method == "m-config" {
            Self::sgd(1e-3)
        } else {
            Self::adam(1e-3)
        };
        base.with_schedule(Schedule::Cosine {
            warmup: (total / 100).min(100),
            min_factor: 0.1,
        })
    }

    /// Sets the learning-rate schedule.
    #[must_use]
    pub fn with_schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// Adds `weight_decay · x` to every direction before the update (L2 regularisation coupled
    /// with the gradient, as `torch.optim.Adam(weight_decay=..)`; 0 = none, the default).
    #[must_use]
    pub fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// Scales each point's direction down to Euclidean norm `max_norm` when it is longer
    /// (PyTorch's `clip_grad_norm_` per model; applied before the weight decay); `None` = no
    /// clipping, the default.
    #[must_use]
    pub fn with_gradient_clipping(mut self, max_norm: Option<f64>) -> Self {
        self.clip_norm = max_norm;
        self
    }

    /// The weight decay (0 = none).
    pub fn weight_decay(&self) -> f64 {
        self.weight_decay
    }

    /// The per-point gradient-norm limit, if any.
    pub fn clip_norm(&self) -> Option<f64> {
        self.clip_norm
    }

    /// The base step size.
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// The schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The update rule's name (`sgd`, `adam`, or a user's).
    pub fn name(&self) -> &str {
        self.rule.name()
    }

    /// The update rule's hyperparameters other than the learning rate.
    pub fn hyperparameters(&self) -> Vec<(&'static str, f64)> {
        self.rule.hyperparameters()
    }

    /// Checks the learning rate (finite, `> 0`), the schedule and the rule's hyperparameters.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(invalid("lr", "must be finite and positive", self.lr));
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(invalid(
                "weight_decay",
                "must be finite and non-negative",
                self.weight_decay,
            ));
        }
        if let Some(max_norm) = self.clip_norm {
            if !(max_norm.is_finite() && max_norm > 0.0) {
                return Err(invalid(
                    "clip_norm",
                    "must be finite and positive",
                    max_norm,
                ));
            }
        }
        self.schedule.validate()?;
        self.rule.validate()
    }
}

/// An [`Optimizer`] with its state for a flat buffer of `len` parameters (a `K × n_var` batch
/// is `K·n_var` independent elements) over a run of `total` steps (for schedules that depend
/// on it).
#[derive(Debug)]
pub struct OptimizerState {
    optimizer: Optimizer,
    rule: Box<dyn FirstOrderOptimizer>,
    len: usize,
    /// Length of one point's parameters, for per-point gradient clipping.
    row_len: usize,
    total: usize,
    /// Completed steps.
    steps: u64,
}

impl OptimizerState {
    /// Fresh state (`t = 0`) for `len` parameters and a run of unknown length (schedules that
    /// depend on the total see `usize::MAX`; use [`OptimizerState::with_total`]). Does not
    /// validate `optimizer`; call [`Optimizer::validate`] first.
    pub fn new(optimizer: Optimizer, len: usize) -> Self {
        let mut rule = optimizer.rule.clone_box();
        rule.reset(len);
        Self {
            optimizer,
            rule,
            len,
            row_len: len,
            total: usize::MAX,
            steps: 0,
        }
    }

    /// Sets the length of one point's parameters (`n_var`), so that gradient clipping acts on
    /// each point's direction (default: the whole buffer is one point).
    #[must_use]
    pub fn with_row_length(mut self, row_len: usize) -> Self {
        self.row_len = row_len.max(1);
        self
    }

    /// Sets the run's planned number of steps (the cosine schedule's horizon).
    #[must_use]
    pub fn with_total(mut self, total: usize) -> Self {
        self.total = total;
        self
    }

    /// The optimiser.
    pub fn optimizer(&self) -> &Optimizer {
        &self.optimizer
    }

    /// Number of steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Back to `t = 0` and the rule's first-step state.
    pub fn reset(&mut self) {
        self.steps = 0;
        self.rule.reset(self.len);
    }

    /// One update of `x` along `-direction`, in place, at the schedule's learning rate.
    ///
    /// # Panics
    /// When `x` and `direction` do not both have the length given to [`OptimizerState::new`]
    /// (an invariant of the caller, not user input).
    pub fn step(&mut self, x: &mut [f64], direction: &[f64]) {
        assert_eq!(x.len(), direction.len(), "x and direction lengths differ");
        let lr = self
            .optimizer
            .schedule
            .learning_rate(self.optimizer.lr, self.steps, self.total);
        self.steps += 1;
        if self.optimizer.weight_decay == 0.0 && self.optimizer.clip_norm.is_none() {
            self.rule.step(x, direction, lr);
            return;
        }
        let mut adjusted = direction.to_vec();
        if let Some(max_norm) = self.optimizer.clip_norm {
            for row in adjusted.chunks_mut(self.row_len) {
                let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
                if norm > max_norm {
                    let factor = max_norm / norm;
                    row.iter_mut().for_each(|v| *v *= factor);
                }
            }
        }
        if self.optimizer.weight_decay != 0.0 {
            let decay = self.optimizer.weight_decay;
            for (d, v) in adjusted.iter_mut().zip(x.iter()) {
                *d += decay * v;
            }
        }
        self.rule.step(x, &adjusted, lr);
    }

    /// The step count (`steps`) and the rule's state under `rule.`.
    pub fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        state.put_integers("steps", &[self.steps]);
        state.insert_nested("rule", self.rule.save_state());
        state
    }

    /// Restores a state from [`OptimizerState::save_state`].
    ///
    /// # Errors
    /// [`Error::InvalidState`] for a state of another optimiser or another buffer size.
    pub fn load_state(&mut self, state: &MethodState) -> Result<()> {
        let steps = state.integers("steps")?;
        let [steps] = steps else {
            return Err(Error::InvalidState {
                reason: format!("'steps' holds {} values, expected 1", steps.len()),
            });
        };
        self.rule.reset(self.len);
        self.rule.load_state(&state.nested("rule"))?;
        self.steps = *steps;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adam_with(beta1: f64, beta2: f64, eps: f64) -> Optimizer {
        Optimizer::new(Adam::new(AdamMoments { beta1, beta2, eps }), 0.1)
    }

    #[test]
    fn validation_rules() {
        assert!(Optimizer::sgd(0.1).validate().is_ok());
        assert!(Optimizer::adam(1e-3).validate().is_ok());
        for lr in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                Optimizer::sgd(lr).validate(),
                Err(ParamsError::Invalid { name: "lr", .. })
            ));
        }
        let bad_beta = adam_with(1.0, 0.999, 1e-8);
        assert!(matches!(
            bad_beta.validate(),
            Err(ParamsError::Invalid { name: "beta1", .. })
        ));
        let bad_eps = adam_with(0.9, 0.999, 0.0);
        assert!(matches!(
            bad_eps.validate(),
            Err(ParamsError::Invalid { name: "eps", .. })
        ));
        let bad_schedule = Optimizer::sgd(0.1).with_schedule(Schedule::Step {
            every: 0,
            gamma: 0.5,
        });
        assert!(matches!(
            bad_schedule.validate(),
            Err(ParamsError::Invalid { name: "every", .. })
        ));
    }

    #[test]
    fn adam_matches_hand_computation() {
        // Two steps by hand (torch.optim.Adam, weight_decay = 0): d = 2 then d = 1.
        let mut state = OptimizerState::new(Optimizer::adam(0.1), 1);
        let mut x = [0.0];
        state.step(&mut x, &[2.0]);
        // m = 0.2, v = 0.004; m̂ = 2, v̂ = 4 → Δ = 0.1 · 2 / (2 + 1e-8)
        let first = 0.1 * 2.0 / (2.0 + 1e-8);
        assert!((x[0] + first).abs() < 1e-15);
        state.step(&mut x, &[1.0]);
        let m: f64 = 0.9 * 0.2 + 0.1 * 1.0;
        let v: f64 = 0.999 * 0.004 + 0.001 * 1.0;
        let m_hat = m / (1.0 - 0.81);
        let v_hat = v / (1.0 - 0.999_f64.powi(2));
        let second = 0.1 * m_hat / (v_hat.sqrt() + 1e-8);
        assert!((x[0] + first + second).abs() < 1e-14);
        assert_eq!(state.steps(), 2);
        state.reset();
        assert_eq!(state.steps(), 0);
    }

    #[test]
    fn the_two_adam_forms_agree_up_to_rounding() {
        let g = [0.3, -1.7, 2.5e-3, 40.0];
        let run = |form: AdamForm| {
            let mut rule = Adam {
                form,
                ..Adam::default()
            };
            rule.reset(4);
            let mut x = [1.0, -2.0, 0.5, 3.0];
            for _ in 0..5 {
                rule.step(&mut x, &g, 0.05);
            }
            x
        };
        let (paper, torch) = (run(AdamForm::Paper), run(AdamForm::PyTorch));
        for (a, b) in paper.iter().zip(&torch) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn saved_state_continues_bit_for_bit() {
        let schedule = Schedule::Cosine {
            warmup: 3,
            min_factor: 0.1,
        };
        let optimizer = Optimizer::adam(0.05).with_schedule(schedule);
        let direction = |t: usize| [(t as f64).sin(), (t as f64 * 0.7).cos(), 0.25];
        let mut whole = OptimizerState::new(optimizer.clone(), 3).with_total(20);
        let mut x = [0.0, 1.0, -1.0];
        for t in 0..20 {
            whole.step(&mut x, &direction(t));
        }
        let mut first = OptimizerState::new(optimizer.clone(), 3).with_total(20);
        let mut y = [0.0, 1.0, -1.0];
        for t in 0..8 {
            first.step(&mut y, &direction(t));
        }
        let saved = first.save_state();
        let mut second = OptimizerState::new(optimizer, 3).with_total(20);
        second.load_state(&saved).unwrap();
        for t in 8..20 {
            second.step(&mut y, &direction(t));
        }
        assert_eq!(x, y);
        let mut sgd = OptimizerState::new(Optimizer::sgd(0.1), 3);
        assert!(sgd.load_state(&saved).is_err());
    }

    #[test]
    fn schedules_by_hand() {
        let cosine = Schedule::Cosine {
            warmup: 2,
            min_factor: 0.0,
        };
        let step = Schedule::Step {
            every: 3,
            gamma: 0.5,
        };
        // (schedule, base rate, iteration, expected rate); total 10 iterations. Cosine halfway
        // through its decay: (1 + cos(π/2))/2 = 1/2.
        let cases = [
            (cosine, 1.0, 0, 0.5),
            (cosine, 1.0, 1, 1.0),
            (cosine, 1.0, 2, 1.0),
            (cosine, 1.0, 6, 0.5),
            (step, 2.0, 2, 2.0),
            (step, 2.0, 3, 1.0),
            (step, 2.0, 7, 0.5),
            (Schedule::Constant, 0.3, 99, 0.3),
        ];
        for (schedule, base, iteration, want) in cases {
            let got = schedule.learning_rate(base, iteration, 10);
            assert!(
                (got - want).abs() < 1e-15,
                "{schedule:?} at {iteration}: {got}"
            );
        }
    }
}
