//! TorchJD's composition: a [`Weighting`] maps what it sees of a step (the Gramian `G = JJᵀ`,
//! the losses, the preference, the iteration) to weights `w`, and the one aggregator
//! [`GramianWeighted`] turns them into the direction `d = Jᵀw`.
//!
//! # Design (for the weightings the neural problems add)
//!
//! - **Inputs.** [`WeightInput`] carries the Gramian only when the method's
//!   [`GradientNeed`] is [`GradientNeed::Gramian`]; a loss-based weighting (EW, DWA, UW, STCH,
//!   GLS, FAMO, ...) declares [`GradientNeed::Losses`], gets `gramian: None`, and a trainer then
//!   back-propagates the weighted loss `Σ w_i f_i` once instead of `m` times. A Gramian-based
//!   method gets `G` of whatever Jacobian the caller has: the full one, or the per-task gradients
//!   with respect to a shared representation (LibMTL's `rep_grad`, MGDA-UB), since `w` depends
//!   on `J` only through `G`. Methods that mix the rows themselves (PCGrad, GradVac, GradDrop,
//!   ConFIG) declare [`GradientNeed::Jacobian`] and stay plain [`Aggregator`]s.
//! - **Time.** `iteration` (steps taken) and `epoch` (when the caller has epochs) let a
//!   weighting keep state across steps and epochs: DWA's last two epochs' mean losses, STCH's
//!   warm-up nadir are updated when `epoch` changes, inside the weighting's own state.
//! - **State.** Everything a weighting keeps between calls (moving averages, warm starts,
//!   generator positions, learnable parameters such as UW's log-variances, GradNorm's scales or
//!   IMTL's loss scale, and the moments of their own optimiser) is saved by
//!   [`Weighting::save_state`] and restored by [`Weighting::load_state`]; the contract is that
//!   of [`Aggregator::save_state`]: a fresh instance with the same parameters continues bit for
//!   bit. A learnable weighting updates its parameters inside [`Weighting::weights`] (it sees the
//!   losses and the Gramian of the step) with its own optimiser, so the runner needs no
//!   second loop.
//! - **After the step.** FAMO needs the losses of the same batch after the update; it receives
//!   them through [`Weighting::observe`] (a no-op by default), which the runner calls once the
//!   step is taken and the batch re-evaluated.

use std::fmt;

use crate::aggregator::{Aggregation, Aggregator, Diagnostics, StepInput};
use crate::error::{Error, ParamsError, Result};
use crate::linalg::{Gramian, SolveStats, combine};
use crate::method::entry::{GradientNeed, MethodInfo};
use crate::method::options::Options;
use crate::method::params::{MethodParams, params};
use crate::method::state::MethodState;

/// What a [`Weighting`] sees at one step.
#[derive(Clone, Copy, Debug)]
pub struct WeightInput<'a> {
    /// The number of objectives `m`.
    pub n_obj: usize,
    /// `G = JJᵀ` (or of the gradients w.r.t. a shared representation), when the method's need
    /// is [`GradientNeed::Gramian`].
    pub gramian: Option<&'a Gramian>,
    /// The objective values (length `m`), when given.
    pub losses: Option<&'a [f64]>,
    /// The preference (length `m`), when given.
    pub preference: Option<&'a [f64]>,
    /// Steps taken so far, when the caller counts them.
    pub iteration: Option<usize>,
    /// The epoch, when the caller has epochs.
    pub epoch: Option<usize>,
}

impl<'a> WeightInput<'a> {
    /// The Gramian, or [`Error::MissingInput`] naming `method`.
    ///
    /// # Errors
    /// When the caller gave none.
    pub fn require_gramian(&self, method: &'static str) -> Result<&'a Gramian> {
        self.gramian.ok_or(Error::MissingInput {
            method,
            input: "the Gramian JJᵀ",
        })
    }

    /// The losses, or [`Error::MissingInput`] naming `method`.
    ///
    /// # Errors
    /// When the caller gave none.
    pub fn require_losses(&self, method: &'static str) -> Result<&'a [f64]> {
        super::require(self.losses, method, super::LOSSES)
    }

    /// The preference, or [`Error::MissingInput`] naming `method`.
    ///
    /// # Errors
    /// When the caller gave none.
    pub fn require_preference(&self, method: &'static str) -> Result<&'a [f64]> {
        super::require(self.preference, method, super::PREFERENCE)
    }

    /// The vector `u` of TorchJD's `pref_vector`: the method's own option when set, else the
    /// step's preference, else uniform `1/m`. Neither is normalised.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] for a vector whose length is not `m`.
    pub fn preference_or_uniform(&self, option: Option<&[f64]>) -> Result<Vec<f64>> {
        let m = self.n_obj;
        match option.or(self.preference) {
            Some(p) if p.len() != m => Err(Error::DimensionMismatch {
                what: if option.is_some() {
                    "pref option length (n_obj)"
                } else {
                    "preference length (n_obj)"
                },
                expected: m,
                got: p.len(),
            }),
            Some(p) => Ok(p.to_vec()),
            None => Ok(vec![1.0 / m as f64; m]),
        }
    }
}

/// A weighting: the weights `w` of `d = Jᵀw` from the Gramian and, for the methods that need
/// them, the losses, the preference and the time (see the module's design notes).
///
/// Object-safe: `Box<dyn Weighting>` serves callers that hold no Jacobian (`psl`'s training
/// signal combines `w` with its own Jacobians).
pub trait Weighting: Send + Sync + fmt::Debug {
    /// The method's static description.
    fn info(&self) -> &'static MethodInfo;

    /// The weights (length `m`) and how the inner solver ended.
    ///
    /// # Errors
    /// A missing input, or a vector option of the wrong length.
    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)>;

    /// Returns a stateful weighting to its first-call behaviour (reseeding any generator).
    fn reset(&mut self) {}

    /// The losses of the same batch after the step (FAMO); a no-op by default.
    fn observe(&mut self, _losses_after: &[f64]) {}

    /// Whether [`Weighting::observe`] wants the losses after each step (a trainer with
    /// stochastic batches then evaluates the step's batch again); `false` by default.
    fn observes_losses_after(&self) -> bool {
        false
    }

    /// How `d = Jᵀw` responds to scaling `J` (see [`Aggregator::scaling`]). A weighting that
    /// reads only the losses is [`Scaling::Equivariant`] whatever this says; for the others the
    /// default is [`Scaling::Unstated`].
    fn scaling(&self) -> crate::aggregator::Scaling {
        crate::aggregator::Scaling::Unstated
    }

    /// The state kept between calls (see [`Aggregator::save_state`]).
    fn save_state(&self) -> MethodState {
        MethodState::new()
    }

    /// Restores a state from [`Weighting::save_state`].
    ///
    /// # Errors
    /// [`Error::InvalidState`] for a state that does not fit.
    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        state.expect_empty(self.info().name)
    }
}

impl Weighting for Box<dyn Weighting> {
    fn info(&self) -> &'static MethodInfo {
        (**self).info()
    }

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        (**self).weights(input)
    }

    fn reset(&mut self) {
        (**self).reset();
    }

    fn observe(&mut self, losses_after: &[f64]) {
        (**self).observe(losses_after);
    }

    fn observes_losses_after(&self) -> bool {
        (**self).observes_losses_after()
    }

    fn scaling(&self) -> crate::aggregator::Scaling {
        (**self).scaling()
    }

    fn save_state(&self) -> MethodState {
        (**self).save_state()
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        (**self).load_state(state)
    }
}

/// A weighting built from a validated parameter struct (its `params!` table).
pub trait FromParams: Weighting + Sized {
    /// The parameter struct.
    type Params: MethodParams;

    /// The method's static description.
    const INFO: &'static MethodInfo;

    /// Builds from parameters that passed [`MethodParams::validate_for`].
    fn from_params(params: Self::Params) -> Self;

    /// The parameters.
    fn params(&self) -> &Self::Params;
}

params! {
    /// The parameters of a method that has none.
    pub struct NoParams {}
}

/// Declares a method `Alias = GramianWeighted<Name>` (with the doc comment given), the weighting
/// struct `Name` holding its parameters, and its [`FromParams`] impl.
macro_rules! weighting_type {
    ($(#[$meta:meta])* $alias:ident = $name:ident($params:ty), $info:expr) => {
        $(#[$meta])*
        pub type $alias = GramianWeighted<$name>;

        #[doc = concat!("The weighting of [`", stringify!($alias), "`].")]
        #[derive(Clone, Debug)]
        pub struct $name {
            params: $params,
        }

        impl FromParams for $name {
            type Params = $params;
            const INFO: &'static MethodInfo = &$info;

            fn from_params(params: $params) -> Self {
                Self { params }
            }

            fn params(&self) -> &$params {
                &self.params
            }
        }
    };
}
pub(crate) use weighting_type;

/// What a weighting's file needs, in one `use`.
pub(crate) mod prelude {
    pub(crate) use super::{
        FromParams, GramianWeighted, NoParams, WeightInput, Weighting, diagnostics, weighting_type,
    };
    pub(crate) use crate::aggregator::{Diagnostics, Family, MethodInfo, Properties, Scaling};
    pub(crate) use crate::error::Result;
    pub(crate) use crate::method::entry::GradientNeed;
    pub(crate) use crate::method::params::{MethodParams, option_choices, params};
    pub(crate) use tradeoff_pareto::Matrix;
}

/// The aggregator of a [`Weighting`]: `w = W(G, …)`, `d = Jᵀw` (TorchJD's
/// `GramianWeightedAggregator`). The Gramian is computed once per step, in one blocked pass
/// over `J`, only for methods that need it.
#[derive(Clone, Debug)]
pub struct GramianWeighted<W> {
    weighting: W,
}

impl<W: Weighting> GramianWeighted<W> {
    /// Wraps a weighting.
    pub fn from_weighting(weighting: W) -> Self {
        Self { weighting }
    }

    /// The weighting.
    pub fn weighting(&self) -> &W {
        &self.weighting
    }

    /// The weighting, taken out.
    pub fn into_weighting(self) -> W {
        self.weighting
    }

    /// The weights for `input` (the same call [`Aggregator::aggregate`] makes).
    ///
    /// # Errors
    /// As [`Weighting::weights`].
    pub fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        self.weighting.weights(input)
    }
}

impl<W: FromParams> GramianWeighted<W> {
    /// Builds the method with validated parameters.
    ///
    /// # Errors
    /// [`ParamsError::Invalid`] naming the first parameter that breaks its rule.
    pub fn new(params: W::Params) -> std::result::Result<Self, ParamsError> {
        params.validate_for(W::INFO.name)?;
        Ok(Self::from_weighting(W::from_params(params)))
    }

    /// Builds from `key=value` options (its option table; unknown keys are errors).
    ///
    /// # Errors
    /// Option errors and [`ParamsError::Invalid`].
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(W::Params::read(W::INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &W::Params {
        self.weighting.params()
    }
}

impl<W: FromParams> Default for GramianWeighted<W> {
    /// The method with its default parameters.
    fn default() -> Self {
        Self::from_weighting(W::from_params(W::Params::default()))
    }
}

impl<W: Weighting> fmt::Display for GramianWeighted<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.weighting.info().display)
    }
}

impl<W: Weighting> Aggregator for GramianWeighted<W> {
    fn info(&self) -> &'static MethodInfo {
        self.weighting.info()
    }

    /// Weights from the losses alone make `d = Jᵀw` scale with `J`; otherwise the weighting's.
    fn scaling(&self) -> crate::aggregator::Scaling {
        if self.info().need == GradientNeed::Losses {
            crate::aggregator::Scaling::Equivariant
        } else {
            self.weighting.scaling()
        }
    }

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let gramian =
            (self.info().need == GradientNeed::Gramian).then(|| Gramian::new(input.jacobian));
        let (weights, diagnostics) = self.weighting.weights(&WeightInput {
            n_obj: input.n_obj(),
            gramian: gramian.as_ref(),
            losses: input.losses,
            preference: input.preference,
            iteration: input.iteration,
            epoch: input.epoch,
        })?;
        Ok(Aggregation {
            direction: combine(input.jacobian, &weights),
            weights: Some(weights),
            diagnostics,
        })
    }

    fn reset(&mut self) {
        self.weighting.reset();
    }

    fn weighting_need(&self) -> Option<GradientNeed> {
        match self.info().need {
            need @ (GradientNeed::Losses | GradientNeed::Gramian) => Some(need),
            GradientNeed::Jacobian | GradientNeed::Set => None,
        }
    }

    fn weights_without_jacobian(
        &mut self,
        input: &WeightInput<'_>,
    ) -> Result<(Vec<f64>, Diagnostics)> {
        self.weighting.weights(input)
    }

    fn observe(&mut self, losses_after: &[f64]) {
        self.weighting.observe(losses_after);
    }

    fn observes_losses_after(&self) -> bool {
        self.weighting.observes_losses_after()
    }

    fn save_state(&self) -> MethodState {
        self.weighting.save_state()
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.weighting.load_state(state)
    }
}

/// Inner-solver statistics as step diagnostics.
pub(crate) fn diagnostics(stats: SolveStats) -> Diagnostics {
    Diagnostics {
        inner_iters: stats.iterations,
        converged: stats.converged,
        residual: stats.residual,
    }
}

#[cfg(test)]
mod tests {
    use tradeoff_pareto::Matrix;

    use crate::{Options, StepInput, aggregate, build_method};

    /// TorchJD's docstring example `J_base = [[-4, 1, 1], [6, 1, 1]]` for each weighting, with
    /// TorchJD's values (`tests/unit/aggregation/test_values.py`) and the tolerance to them.
    #[test]
    fn torchjd_doc_examples() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let cases: [(&str, [f64; 3], f64); 4] = [
            // TorchJD's docstring / test_values.py: UPGrad()(J_base) = [0.2929, 1.9004, 1.9004].
            (
                "upgrad",
                [0.29290200015693646, 1.9003520780018968, 1.9003520780018968],
                1e-10,
            ),
            (
                "dualproj",
                [0.5563158128582222, 1.1109210467854445, 1.1109210467854445],
                1e-10,
            ),
            (
                "fairgrad",
                [0.0765842883858352, 0.9985326351132684, 0.9985326351132684],
                1e-8,
            ),
            ("imtl-g", [0.07669683062202104, 1.0, 1.0], 1e-12),
        ];
        for (name, want, tol) in cases {
            let mut method = build_method(name, &Options::new()).unwrap();
            let a = aggregate(method.as_mut(), &StepInput::new(&j)).unwrap();
            for (x, y) in a.direction.iter().zip(want) {
                assert!((x - y).abs() < tol, "{name}: {:?}", a.direction);
            }
        }
    }
}
