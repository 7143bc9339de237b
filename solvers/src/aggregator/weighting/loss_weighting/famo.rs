//! FAMO: fast adaptive multitask optimisation, logits learned from how much each loss fell.

use super::{FAMILY, LearnedVector, LossRule, check_losses, softmax, softmax_backward};
use crate::aggregator::gramian_weighted::prelude::*;
use crate::method::state::MethodState;

/// LibMTL's guard added to every loss before its logarithm.
const EPSILON: f64 = 1e-8;

params! {
    /// Parameters of [`Famo`].
    pub struct FamoParams {
        /// Adam learning rate of the logits `ξ` (LibMTL's `FAMO_w_lr`, default 0.025; positive).
        lr: f64 = 0.025, positive, "Adam learning rate of the logits (LibMTL's FAMO_w_lr)";
        /// L2 weight decay of the logits in their Adam (LibMTL's `FAMO_w_gamma`, default 1e-3;
        /// non-negative).
        weight_decay: f64 = 1e-3, non_negative,
            "weight decay of the logits (LibMTL's FAMO_w_gamma)";
    }
}

/// FAMO: gradient descent on `total = Σ_i z_i ln D_i / c` with `z = softmax(ξ)`,
/// `D_i = L_i + 1e-8` and `c = Σ_i z_i/D_i` (held constant), then the logits `ξ` learn from the
/// decrease of each `ln D_i` over the step.
///
/// **Paper**: Liu, Liang, Zhang, Stone & Liu, *FAMO: Fast Adaptive Multitask Optimization*,
/// NeurIPS 2023, Algorithm 1 (LibMTL `FAMO`, `LibMTL/weighting/FAMO.py`, from the official code).
///
/// **Formula**: the weights are `w_i = ∂total/∂L_i = z_i/(c·D_i)`, which lie on the simplex.
/// After the step, with the same batch's losses `L'`: `δ_i = ln D_i − ln D'_i`, the logits'
/// gradient is the softmax backward of `δ`, `g_j = z_j(δ_j − Σ_i z_i δ_i)`, and `ξ` takes one
/// Adam step (with L2 weight decay) along `−g`.
///
/// **After the step**: a trainer with stochastic batches evaluates the batch again and passes
/// `L'` to [`Aggregator::observe`](crate::Aggregator::observe). Without it (the synthetic driver,
/// whose objective is deterministic, so the next call's losses *are* the losses after the step)
/// the update is made at the start of the next call, with that call's losses.
///
/// **Parameters**: `lr` (default 0.025), `weight_decay` (default 1e-3) — see [`FamoParams`].
///
/// **Properties** (as in [`FAMO_INFO`]): permutation-invariant, linear under scaling (the
/// weights depend on the losses only), weights on the simplex. Stateful (the logits, their Adam
/// moments, the losses awaiting their update).
///
/// **Cost**: `O(m)`; one backward pass of the weighted loss, plus one forward pass of the batch
/// after the step when the trainer calls `observe`.
///
/// **Differences from the reference implementation**: LibMTL keeps `min_losses = 0`, as we do
/// (no option). The losses must be non-negative ([`Error::InvalidLoss`](crate::Error)).
/// `observe` ignores losses of the wrong length or with a negative or non-finite entry (the
/// next call then completes the update with its own, checked losses).
pub type Famo = GramianWeighted<FamoWeighting>;

/// The method table's description of [`Famo`].
pub static FAMO_INFO: MethodInfo = MethodInfo::new("famo", "FAMO", FAMILY)
    .cite("Liu et al., FAMO: Fast Adaptive Multitask Optimization, NeurIPS 2023; LibMTL")
    .needs_losses()
    .stateful()
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling()
            .weights_on_simplex(),
    )
    .options(FamoParams::OPTIONS);

/// The weighting of [`Famo`]: its parameters, its logits and the losses awaiting an update.
#[derive(Clone, Debug)]
pub struct FamoWeighting {
    params: FamoParams,
    logits: LearnedVector,
    /// The losses of the last call, until the losses after its step arrive.
    pending: Option<Vec<f64>>,
}

impl FamoWeighting {
    /// The current logits `ξ` (empty before the first call).
    pub fn logits(&self) -> &[f64] {
        &self.logits.values
    }

    /// The logits' update from the losses before and after a step.
    fn update(&mut self, before: &[f64], after: &[f64]) {
        let delta: Vec<f64> = before
            .iter()
            .zip(after)
            .map(|(b, a)| (b + EPSILON).ln() - (a + EPSILON).ln())
            .collect();
        let z = softmax(&self.logits.values);
        let gradient = softmax_backward(&z, &delta);
        self.logits
            .step(&gradient, self.params.lr, self.params.weight_decay);
    }
}

impl FromParams for FamoWeighting {
    type Params = FamoParams;
    const INFO: &'static MethodInfo = &FAMO_INFO;

    fn from_params(params: FamoParams) -> Self {
        Self {
            params,
            logits: LearnedVector::new(0.0),
            pending: None,
        }
    }

    fn params(&self) -> &FamoParams {
        &self.params
    }
}

impl Weighting for FamoWeighting {
    crate::method::entry::info_is!(FAMO_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let losses = input.require_losses(FAMO_INFO.name)?;
        check_losses(FAMO_INFO.name, losses, LossRule::NonNegative)?;
        if self.logits.values.len() != input.n_obj {
            self.reset();
            self.logits.ensure(input.n_obj);
        }
        if let Some(before) = self.pending.take() {
            self.update(&before, losses);
        }
        let z = softmax(&self.logits.values);
        let c: f64 = z.iter().zip(losses).map(|(z, l)| z / (l + EPSILON)).sum();
        let weights = z
            .iter()
            .zip(losses)
            .map(|(z, l)| z / (c * (l + EPSILON)))
            .collect();
        self.pending = Some(losses.to_vec());
        Ok((weights, Diagnostics::default()))
    }

    fn observes_losses_after(&self) -> bool {
        true
    }

    fn observe(&mut self, losses_after: &[f64]) {
        let fits = losses_after.len() == self.logits.values.len()
            && losses_after.iter().all(|l| l.is_finite() && *l >= 0.0);
        if fits {
            if let Some(before) = self.pending.take() {
                self.update(&before, losses_after);
            }
        }
    }

    fn reset(&mut self) {
        self.logits.reset();
        self.pending = None;
    }

    /// The logits, their Adam moments and the losses awaiting their update.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        self.logits.save(&mut state, "logits");
        if let Some(pending) = &self.pending {
            state.put_floats("pending", pending);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.logits.load(state, "logits")?;
        self.pending = if state.contains("pending") {
            Some(
                state
                    .floats_of_len("pending", self.logits.values.len())?
                    .to_vec(),
            )
        } else {
            None
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, close, run_all};
    use super::*;

    /// torch.optim.Adam's first step on a vector with L2 weight decay, written out.
    fn adam_first_step(x: &[f64], g: &[f64], lr: f64, wd: f64) -> Vec<f64> {
        x.iter()
            .zip(g)
            .map(|(x, g)| {
                let g = g + wd * x;
                let (m, v) = (0.1 * g, 0.001 * g * g);
                x - lr / 0.1 * m / (v.sqrt() / 0.001f64.sqrt() + 1e-8)
            })
            .collect()
    }

    /// FAMO's weights for logits `xi` and losses `l`, from the definition.
    fn famo_weights(xi: &[f64], l: &[f64]) -> Vec<f64> {
        let e: Vec<f64> = xi.iter().map(|x| x.exp()).collect();
        let s: f64 = e.iter().sum();
        let z: Vec<f64> = e.iter().map(|e| e / s).collect();
        let d: Vec<f64> = l.iter().map(|l| l + 1e-8).collect();
        let c: f64 = z.iter().zip(&d).map(|(z, d)| z / d).sum();
        z.iter().zip(&d).map(|(z, d)| z / (c * d)).collect()
    }

    #[test]
    fn two_steps_by_hand_with_observe() {
        let params = FamoParams {
            lr: 0.1,
            weight_decay: 0.01,
        };
        let steps = [
            Step::losses(&[1.0, 4.0], None).then(&[0.5, 3.0]),
            Step::losses(&[0.6, 3.2], None).then(&[0.4, 3.1]),
            Step::losses(&[0.4, 3.0], None),
        ];
        let a = run_all(&mut Famo::new(params.clone()).unwrap(), &steps);
        // Step 0: ξ = 0, z = (½, ½), w ∝ 1/D: (4/5, 1/5).
        assert!(close(a[0].weights.as_ref().unwrap(), &[0.8, 0.2], 1e-8));
        // Update from (1, 4) → (0.5, 3): δ = (ln 2, ln 4/3); g = z ⊙ (δ − z·δ).
        let delta = [2f64.ln(), (4.0f64 / 3.0).ln()];
        let mean = 0.5 * (delta[0] + delta[1]);
        let g = [0.5 * (delta[0] - mean), 0.5 * (delta[1] - mean)];
        let xi = adam_first_step(&[0.0, 0.0], &g, 0.1, 0.01);
        // Task 0 fell faster: its logit falls, its weight shrinks relative to z = ½.
        assert!(xi[0] < 0.0 && xi[1] > 0.0);
        let want = famo_weights(&xi, &[0.6, 3.2]);
        assert!(
            close(a[1].weights.as_ref().unwrap(), &want, 1e-15),
            "{:?} vs {want:?}",
            a[1].weights
        );
        let w: f64 = a[1].weights.as_ref().unwrap().iter().sum();
        assert!((w - 1.0).abs() < 1e-15);
    }

    #[test]
    fn without_observe_the_next_call_completes_the_update() {
        let observed = [
            Step::losses(&[1.0, 4.0], None).then(&[0.5, 3.0]),
            Step::losses(&[0.5, 3.0], None).then(&[0.3, 2.0]),
            Step::losses(&[0.3, 2.0], None),
        ];
        let deferred: Vec<Step> = observed
            .iter()
            .map(|s| Step::losses(&s.losses, None))
            .collect();
        // Deterministic losses: the next call's losses are the losses after the step.
        let a = run_all(&mut Famo::default(), &observed);
        let b = run_all(&mut Famo::default(), &deferred);
        assert_eq!(a, b);
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..6)
            .map(|k| {
                let l = [1.0 / (1.0 + k as f64), 2.0 - 0.1 * k as f64, 0.3];
                let step = Step::losses(&l, None);
                if k % 2 == 0 {
                    step.then(&[l[0] * 0.9, l[1] * 0.95, l[2]])
                } else {
                    step
                }
            })
            .collect();
        assert_resumes(Famo::default, &steps);
    }
}
