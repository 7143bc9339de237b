//! UW: uncertainty weighting, with learnable log-variances.

use super::{FAMILY, LearnedVector};
use crate::aggregator::gramian_weighted::prelude::*;
use crate::method::state::MethodState;

params! {
    /// Parameters of [`Uw`].
    pub struct UwParams {
        /// Adam learning rate of the log-variances `s` (default 1e-4, LibMTL's model learning
        /// rate, since LibMTL trains `s` with the model's optimiser; positive).
        lr: f64 = 1e-4, positive,
            "Adam learning rate of the log-variances s (LibMTL: the model's, default 1e-4)";
    }
}

/// Uncertainty weighting: `total = Σ_i L_i/(2e^{s_i}) + s_i/2` with learnable `s` (the log of
/// each task's variance), from `s = −0.5`.
///
/// **Paper**: Kendall, Gal & Cipolla, *Multi-Task Learning Using Uncertainty to Weigh Losses for
/// Scene Geometry and Semantics*, CVPR 2018, Eq. (7) (LibMTL `UW`, `LibMTL/weighting/UW.py`).
///
/// **Formula**: the weights are `w_i = ∂total/∂L_i = 1/(2e^{s_i})` (the `s_i/2` term does not
/// depend on the losses, so `Σ w_i ∇L_i` is the exact gradient of `total`). Then `s` takes one
/// Adam step along `∂total/∂s_i = 1/2 − L_i/(2e^{s_i})` (whose zero is `e^{s_i} = L_i`).
///
/// **Parameters**: `lr` (default 1e-4) — see [`UwParams`].
///
/// **Properties** (as in [`UW_INFO`]): permutation-invariant, linear under scaling (the weights
/// depend on the losses only); weights not on the simplex. Stateful (`s` and its Adam moments).
///
/// **Cost**: `O(m)`; one backward pass of the weighted loss.
///
/// **Differences from the reference implementation**: LibMTL's `s` is a tensor stepped by the
/// model's optimiser (Adam, lr 1e-4, weight decay 1e-5 by default); ours is stepped by its own
/// Adam in `f64`, without weight decay.
pub type Uw = GramianWeighted<UwWeighting>;

/// The method table's description of [`Uw`].
pub static UW_INFO: MethodInfo = MethodInfo::new("uw", "UW", FAMILY)
    .cite(
        "Kendall, Gal & Cipolla, Multi-Task Learning Using Uncertainty to Weigh Losses, \
         CVPR 2018; LibMTL",
    )
    .needs_losses()
    .stateful()
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling(),
    )
    .options(UwParams::OPTIONS);

/// The weighting of [`Uw`]: its parameters and the log-variances.
#[derive(Clone, Debug)]
pub struct UwWeighting {
    params: UwParams,
    log_variance: LearnedVector,
}

impl UwWeighting {
    /// LibMTL's initial log-variance.
    const INITIAL: f64 = -0.5;

    /// The current log-variances `s` (empty before the first call).
    pub fn log_variances(&self) -> &[f64] {
        &self.log_variance.values
    }
}

impl FromParams for UwWeighting {
    type Params = UwParams;
    const INFO: &'static MethodInfo = &UW_INFO;

    fn from_params(params: UwParams) -> Self {
        Self {
            params,
            log_variance: LearnedVector::new(Self::INITIAL),
        }
    }

    fn params(&self) -> &UwParams {
        &self.params
    }
}

impl Weighting for UwWeighting {
    crate::method::entry::info_is!(UW_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let losses = input.require_losses(UW_INFO.name)?;
        self.log_variance.ensure(input.n_obj);
        let weights: Vec<f64> = self
            .log_variance
            .values
            .iter()
            .map(|s| 1.0 / (2.0 * s.exp()))
            .collect();
        let gradient: Vec<f64> = weights
            .iter()
            .zip(losses)
            .map(|(w, l)| 0.5 - w * l)
            .collect();
        self.log_variance.step(&gradient, self.params.lr, 0.0);
        Ok((weights, Diagnostics::default()))
    }

    fn reset(&mut self) {
        self.log_variance.reset();
    }

    /// The log-variances and their Adam moments.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        self.log_variance.save(&mut state, "log_variance");
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.log_variance.load(state, "log_variance")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, weights_of};
    use super::*;

    /// torch.optim.Adam's first two steps on one scalar, written out (β = 0.9, 0.999, ε = 1e-8).
    fn adam_two_steps(
        x0: f64,
        g1: impl Fn(f64) -> f64,
        g2: impl Fn(f64) -> f64,
        lr: f64,
    ) -> [f64; 3] {
        let g = g1(x0);
        let (m, v) = (0.1 * g, 0.001 * g * g);
        let x1 = x0 - lr / (1.0 - 0.9) * m / (v.sqrt() / (1.0 - 0.999f64).sqrt() + 1e-8);
        let g = g2(x1);
        let (m, v) = (0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g);
        let x2 = x1 - lr / (1.0 - 0.81) * m / (v.sqrt() / (1.0 - 0.999f64 * 0.999).sqrt() + 1e-8);
        [x0, x1, x2]
    }

    #[test]
    fn weights_and_log_variances_by_hand() {
        let lr = 0.1;
        let losses = [[2.0, 0.5], [1.0, 0.25], [0.5, 0.2]];
        let mut uw = Uw::new(UwParams { lr }).unwrap();
        let steps: Vec<(Vec<f64>, Option<usize>)> =
            losses.iter().map(|l| (l.to_vec(), None)).collect();
        let w = weights_of(&mut uw, &steps);
        for task in 0..2 {
            // ∂/∂s [L/(2e^s) + s/2] = 1/2 − L/(2e^s), with step k's loss.
            let s = adam_two_steps(
                -0.5,
                |s| 0.5 - losses[0][task] / (2.0 * s.exp()),
                |s| 0.5 - losses[1][task] / (2.0 * s.exp()),
                lr,
            );
            for k in 0..3 {
                let want = 1.0 / (2.0 * s[k].exp());
                assert!((w[k][task] - want).abs() < 1e-14, "step {k} task {task}");
            }
        }
        // The first step moves each s by about lr against the sign of its gradient: task 0
        // (L = 2 > e^{−0.5}) raises s, so its weight falls.
        assert!(w[1][0] < w[0][0]);
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..6)
            .map(|k| Step::losses(&[1.0 / (1.0 + k as f64), 2.0 - 0.1 * k as f64, 0.3], None))
            .collect();
        assert_resumes(|| Uw::new(UwParams { lr: 0.05 }).unwrap(), &steps);
    }
}
