//! MinMax: learnable loss weights that ascend the weighted loss, as ConFIG's PINN baselines.

use super::{FAMILY, LearnedVector, softmax};
use crate::aggregator::gramian_weighted::prelude::*;
use crate::method::state::MethodState;

params! {
    /// Parameters of [`MinMax`].
    pub struct MinMaxParams {
        /// Adam learning rate of the raw weights (ConFIG's default 1e-3; positive).
        lr: f64 = 1e-3, positive, "Adam learning rate of the raw weights";
        /// Return the raw weights `z` (ConFIG's code) instead of `m·softmax(z)` (default false).
        raw_weights: bool = false, any,
            "return the raw weights z, as ConFIG's code does, instead of m*softmax(z)";
    }
}

/// MinMax loss weighting: weights `w = m·softmax(z)` whose raw values `z` do gradient *ascent* on
/// the weighted loss (a min-max game with the network).
///
/// **Reference**: ConFIG's PINN baselines (tum-pbs/ConFIG
/// `experiments/PINN/lib_pinns/loss_weighter.py`, `MinMaxWeighter`).
///
/// **Formula**: `z` starts at 1 (first call: no update). From the second call, one Adam step
/// (PyTorch's form, lr `1e-3`) descends `−Σ_i m·softmax(z)_i L_i`, whose gradient is
/// `−m s_j (L_j − Σ_i s_i L_i)`, `s = softmax(z)`; then the weights are `m·softmax(z)`.
///
/// **Parameters**: `lr = 1e-3`, `raw_weights = false` — see [`MinMaxParams`].
///
/// **Properties** (as in [`MINMAX_INFO`]): permutation-invariant, linear under scaling.
/// Stateful (`z` and its Adam moments).
///
/// **Cost**: `O(m)`; one backward pass of the weighted loss.
///
/// **Differences from the reference implementation**: ConFIG's code returns the raw `z` as the
/// weights (a slip: `z` moves by about `lr` per step, so its weights stay near 1);
/// `raw_weights=true` reproduces that.
pub type MinMax = GramianWeighted<MinMaxWeighting>;

/// The method table's description of [`MinMax`].
pub static MINMAX_INFO: MethodInfo = MethodInfo::new("minmax", "MinMax", FAMILY)
    .cite("ConFIG's PINN baselines (Liu, Chu & Thuerey, ICLR 2025, tum-pbs/ConFIG)")
    .needs_losses()
    .stateful()
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling(),
    )
    .options(MinMaxParams::OPTIONS);

/// The weighting of [`MinMax`].
#[derive(Clone, Debug)]
pub struct MinMaxWeighting {
    params: MinMaxParams,
    raw: LearnedVector,
}

impl FromParams for MinMaxWeighting {
    type Params = MinMaxParams;
    const INFO: &'static MethodInfo = &MINMAX_INFO;

    fn from_params(params: MinMaxParams) -> Self {
        Self {
            params,
            raw: LearnedVector::new(1.0),
        }
    }

    fn params(&self) -> &MinMaxParams {
        &self.params
    }
}

impl Weighting for MinMaxWeighting {
    crate::method::entry::info_is!(MINMAX_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let losses = input.require_losses(MINMAX_INFO.name)?;
        let m = input.n_obj;
        if self.raw.values.len() == m {
            let s = softmax(&self.raw.values);
            let mean: f64 = s.iter().zip(losses).map(|(s, l)| s * l).sum();
            let gradient: Vec<f64> = s
                .iter()
                .zip(losses)
                .map(|(s, l)| -(m as f64) * s * (l - mean))
                .collect();
            self.raw.step(&gradient, self.params.lr, 0.0);
        } else {
            self.raw.ensure(m);
        }
        let weights = if self.params.raw_weights {
            self.raw.values.clone()
        } else {
            softmax(&self.raw.values)
                .into_iter()
                .map(|s| m as f64 * s)
                .collect()
        };
        Ok((weights, Diagnostics::default()))
    }

    fn reset(&mut self) {
        self.raw.reset();
    }

    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        if !self.raw.values.is_empty() {
            self.raw.save(&mut state, "raw");
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        if state.contains("raw") {
            self.raw.load(state, "raw")
        } else {
            self.raw.reset();
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, weights_of};
    use super::*;

    #[test]
    fn first_steps_by_hand() {
        let lr = 0.01;
        let mut method = MinMax::new(MinMaxParams {
            lr,
            raw_weights: false,
        })
        .unwrap();
        let steps = vec![(vec![3.0, 1.0], None), (vec![3.0, 1.0], None)];
        let w = weights_of(&mut method, &steps);
        assert_eq!(w[0], vec![1.0, 1.0]);
        // Step 2: s = (½, ½), mean 2, gradient −2·½·(3 − 2, 1 − 2) = (−1, 1); Adam's first step
        // moves each z by lr against the gradient's sign (up to ε): z = (1.01, 0.99).
        let z = [1.0 + lr, 1.0 - lr];
        let e0 = z[0].exp() / (z[0].exp() + z[1].exp());
        assert!((w[1][0] - 2.0 * e0).abs() < 1e-9, "{:?}", w[1]);
        assert!(w[1][0] > 1.0 && (w[1][0] + w[1][1] - 2.0).abs() < 1e-15);
        let mut raw = MinMax::new(MinMaxParams {
            lr,
            raw_weights: true,
        })
        .unwrap();
        let w = weights_of(&mut raw, &steps);
        assert!((w[1][0] - z[0]).abs() < 1e-9 && (w[1][1] - z[1]).abs() < 1e-9);
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..6)
            .map(|k| Step::losses(&[1.0 + k as f64, 2.0, 0.5 * k as f64], None))
            .collect();
        assert_resumes(MinMax::default, &steps);
    }
}
