//! GradNorm: learnable task scales that pull each task's gradient norm towards its training rate.

use super::{FAMILY, LearnedVector, LossRule, check_losses, epoch_of, softmax, softmax_backward};
use crate::aggregator::gramian_weighted::prelude::*;
use crate::error::Error;
use crate::method::state::MethodState;

params! {
    /// Parameters of [`GradNorm`].
    pub struct GradNormParams {
        /// Restoring force `α` towards a common training rate (LibMTL's `alpha`, default 1.5;
        /// non-negative).
        alpha: f64 = 1.5, non_negative,
            "restoring force alpha towards a common training rate (LibMTL's alpha)";
        /// Adam learning rate of the scale logits (default 1e-4, LibMTL's model learning rate,
        /// since LibMTL trains them with the model's optimiser; positive).
        lr: f64 = 1e-4, positive,
            "Adam learning rate of the scale logits (LibMTL: the model's, default 1e-4)";
    }
}

/// GradNorm: weights `s = m·softmax(θ)` whose logits `θ` learn to make each task's weighted
/// gradient norm `s_i‖∇L_i‖` track the mean norm times the task's relative inverse training
/// rate to the power `α`; equal weights during the first epoch.
///
/// **Paper**: Chen, Badrinarayanan, Lee & Rabinovich, *GradNorm: Gradient Normalization for
/// Adaptive Loss Balancing in Deep Multitask Networks*, ICML 2018, Algorithm 1 (LibMTL
/// `GradNorm`, `LibMTL/weighting/GradNorm.py`).
///
/// **Formula**: epoch 0: `w = 1`, and the losses of its calls are averaged into `L⁰`. From
/// epoch 1: `s = m·softmax(θ)`, `n_i = √G_ii` (the per-task gradient norms, from the Gramian's
/// diagonal), `N_i = s_i n_i`, `N̄ = mean N`, `r_i = (L_i/L⁰_i)/mean_j(L_j/L⁰_j)`; the weights are
/// `w = s`, and `θ` takes one Adam step on `L_grad = Σ_i |N_i − N̄·r_i^α|` (the target
/// `N̄·r_i^α` held constant), whose gradient is the softmax backward of
/// `a_i = m·sign(N_i − N̄ r_i^α)·n_i`.
///
/// **Epochs**: read from [`WeightInput::epoch`]. Without epochs (the synthetic driver) every
/// call is an epoch: call 0 gives `w = 1` and sets `L⁰`. When the first call of a later epoch
/// finds no epoch-0 losses (a run that starts later), its own losses become `L⁰`.
///
/// **Parameters**: `alpha` (default 1.5), `lr` (default 1e-4) — see [`GradNormParams`].
///
/// **Properties** (as in [`GRADNORM_INFO`]): permutation-invariant. Not linear under scaling
/// (the logits' update depends on the gradient norms), weights not on the simplex (they sum to
/// `m`). Stateful (the logits, their Adam moments, `L⁰`, the call count).
///
/// **Cost**: the Gramian's diagonal, `O(mn)` (we compute the Gramian, `O(m²n)`; a trainer may
/// pass the Gramian of the gradients with respect to a shared representation, as LibMTL's
/// `rep_grad`), then `O(m)`.
///
/// **Differences from the reference implementation**: LibMTL's logits are stepped by the model's
/// optimiser (Adam, lr 1e-4, weight decay 1e-5 by default); ours by their own Adam in `f64`,
/// without weight decay. LibMTL reads `L⁰` from its epoch-0 loss buffer; we average the losses of
/// the epoch-0 calls. The losses must be positive ([`Error::InvalidLoss`]).
pub type GradNorm = GramianWeighted<GradNormWeighting>;

/// The method table's description of [`GradNorm`].
pub static GRADNORM_INFO: MethodInfo = MethodInfo::new("gradnorm", "GradNorm", FAMILY)
    .cite(
        "Chen et al., GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep \
         Multitask Networks, ICML 2018; LibMTL",
    )
    .need(GradientNeed::Gramian)
    .needs_losses()
    .stateful()
    .claims(Properties::NONE.permutation_invariant())
    .options(GradNormParams::OPTIONS);

/// The weighting of [`GradNorm`]: its parameters, its logits and the first epoch's losses.
#[derive(Clone, Debug)]
pub struct GradNormWeighting {
    params: GradNormParams,
    logits: LearnedVector,
    state: GradNormState,
}

/// What GradNorm keeps besides its logits.
#[derive(Clone, Debug, Default, PartialEq)]
struct GradNormState {
    /// Calls so far.
    calls: u64,
    /// The sum of the epoch-0 losses and their count.
    initial_sum: Vec<f64>,
    initial_count: u64,
    /// `L⁰`, once the first epoch is over.
    initial: Option<Vec<f64>>,
}

impl GradNormWeighting {
    /// LibMTL's initial logit.
    const INITIAL: f64 = 1.0;

    /// The current logits `θ` (empty before the first call).
    pub fn logits(&self) -> &[f64] {
        &self.logits.values
    }
}

impl FromParams for GradNormWeighting {
    type Params = GradNormParams;
    const INFO: &'static MethodInfo = &GRADNORM_INFO;

    fn from_params(params: GradNormParams) -> Self {
        Self {
            params,
            logits: LearnedVector::new(Self::INITIAL),
            state: GradNormState::default(),
        }
    }

    fn params(&self) -> &GradNormParams {
        &self.params
    }
}

impl Weighting for GradNormWeighting {
    crate::method::entry::info_is!(GRADNORM_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let name = GRADNORM_INFO.name;
        let losses = input.require_losses(name)?;
        let gramian = input.require_gramian(name)?;
        check_losses(name, losses, LossRule::Positive)?;
        let m = input.n_obj;
        if self.logits.values.len() != m {
            self.reset();
            self.logits.ensure(m);
            self.state.initial_sum = vec![0.0; m];
        }
        let state = &mut self.state;
        let epoch = epoch_of(input, state.calls);
        state.calls += 1;
        if epoch == 0 {
            for (s, l) in state.initial_sum.iter_mut().zip(losses) {
                *s += l;
            }
            state.initial_count += 1;
            return Ok((vec![1.0; m], Diagnostics::default()));
        }
        if state.initial.is_none() {
            state.initial = Some(if state.initial_count > 0 {
                let n = state.initial_count as f64;
                state.initial_sum.iter().map(|s| s / n).collect()
            } else {
                losses.to_vec()
            });
        }
        let initial = state.initial.as_deref().unwrap_or(losses);
        let z = softmax(&self.logits.values);
        let scales: Vec<f64> = z.iter().map(|z| m as f64 * z).collect();
        let norms: Vec<f64> = (0..m)
            .map(|i| gramian.scale * gramian.matrix.get(i, i).max(0.0).sqrt())
            .collect();
        let weighted: Vec<f64> = scales.iter().zip(&norms).map(|(s, n)| s * n).collect();
        let mean_norm = weighted.iter().sum::<f64>() / m as f64;
        let rates: Vec<f64> = losses
            .iter()
            .zip(initial.iter())
            .map(|(l, l0)| l / l0)
            .collect();
        let mean_rate = rates.iter().sum::<f64>() / m as f64;
        // ∂L_grad/∂s_i = sign(N_i − target_i)·n_i (torch's sign(0) = 0), and ∂s/∂θ = m·∂z/∂θ.
        let outer: Vec<f64> = (0..m)
            .map(|i| {
                let target = mean_norm * (rates[i] / mean_rate).powf(self.params.alpha);
                let gap = weighted[i] - target;
                let sign = if gap > 0.0 {
                    1.0
                } else if gap < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                m as f64 * sign * norms[i]
            })
            .collect();
        let gradient = softmax_backward(&z, &outer);
        self.logits.step(&gradient, self.params.lr, 0.0);
        Ok((scales, Diagnostics::default()))
    }

    fn reset(&mut self) {
        self.logits.reset();
        self.state = GradNormState::default();
    }

    /// The logits and their Adam moments, the call count, the epoch-0 sum, count and mean.
    fn save_state(&self) -> MethodState {
        let s = &self.state;
        let mut state = MethodState::new();
        self.logits.save(&mut state, "logits");
        state.put_integers("calls", &[s.calls, s.initial_count]);
        state.put_floats("initial_sum", &s.initial_sum);
        if let Some(initial) = &s.initial {
            state.put_floats("initial", initial);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.logits.load(state, "logits")?;
        let m = self.logits.values.len();
        let counts = state.integers("calls")?;
        let [calls, initial_count] = counts else {
            return Err(Error::InvalidState {
                reason: format!("'calls' holds {} words, GradNorm saves 2", counts.len()),
            });
        };
        self.state = GradNormState {
            calls: *calls,
            initial_sum: state.floats_of_len("initial_sum", m)?.to_vec(),
            initial_count: *initial_count,
            initial: if state.contains("initial") {
                Some(state.floats_of_len("initial", m)?.to_vec())
            } else {
                None
            },
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, close, run_all};
    use super::*;

    #[test]
    fn two_steps_by_hand() {
        let params = GradNormParams {
            alpha: 1.5,
            lr: 0.1,
        };
        // ‖∇L_0‖ = 1, ‖∇L_1‖ = 3: task 1's weighted norm is too large.
        let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 3.0]]).unwrap();
        let steps = [
            Step::new(j.clone(), &[2.0, 1.0], None),
            Step::new(j.clone(), &[1.0, 1.0], None),
            Step::new(j.clone(), &[1.0, 1.0], None),
        ];
        let a = run_all(&mut GradNorm::new(params).unwrap(), &steps);
        assert_eq!(a[0].weights.as_deref(), Some(&[1.0, 1.0][..]));
        // Step 1: θ = (1, 1), s = (1, 1), N = (1, 3), N̄ = 2; L/L⁰ = (½, 1), r = (2/3, 4/3);
        // targets 2·r^1.5 = (1.0887, 3.0792): both gaps are negative, a = 2·(−1, −3).
        assert_eq!(a[1].weights.as_deref(), Some(&[1.0, 1.0][..]));
        let r: [f64; 2] = [2.0 / 3.0, 4.0 / 3.0];
        assert!(1.0 < 2.0 * r[0].powf(1.5) && 3.0 < 2.0 * r[1].powf(1.5));
        // Softmax backward at z = (½, ½): g = ½(a − mean a) = (1, −1); Adam's first step moves
        // each logit by lr against its sign: θ = (0.9, 1.1) up to ε.
        let lr_step = 0.1 / 0.1 * 0.1 / (0.001f64.sqrt() / 0.001f64.sqrt() + 1e-8);
        let theta: [f64; 2] = [1.0 - lr_step, 1.0 + lr_step];
        let e = [theta[0].exp(), theta[1].exp()];
        let want = [2.0 * e[0] / (e[0] + e[1]), 2.0 * e[1] / (e[0] + e[1])];
        assert!(
            close(a[2].weights.as_ref().unwrap(), &want, 1e-14),
            "{:?}",
            a[2].weights
        );
        // Both weighted norms are below their targets; task 1's gradient is the larger, so
        // raising its scale lowers L_grad faster: its weight rises.
        assert!(want[0] < 1.0);
    }

    #[test]
    fn with_epochs_the_first_epoch_mean_is_the_reference() {
        let params = GradNormParams {
            alpha: 1.0,
            lr: 0.1,
        };
        let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0]]).unwrap();
        // Epoch 0 means L⁰ = (2, 1); at epoch 1, L = (1, 1): r = (2/3, 4/3), N = (1, 1), N̄ = 1;
        // gaps (1/3, −1/3): g = ½·2·((1, −1) − 0) = (1, −1).
        let steps = [
            Step::new(j.clone(), &[3.0, 1.0], Some(0)),
            Step::new(j.clone(), &[1.0, 1.0], Some(0)),
            Step::new(j.clone(), &[1.0, 1.0], Some(1)),
            Step::new(j.clone(), &[1.0, 1.0], Some(1)),
        ];
        let a = run_all(&mut GradNorm::new(params).unwrap(), &steps);
        let lr_step = 0.1 / (1.0 + 1e-8);
        let theta: [f64; 2] = [1.0 - lr_step, 1.0 + lr_step];
        let e = [theta[0].exp(), theta[1].exp()];
        let want = [2.0 * e[0] / (e[0] + e[1]), 2.0 * e[1] / (e[0] + e[1])];
        assert!(
            close(a[3].weights.as_ref().unwrap(), &want, 1e-14),
            "{:?}",
            a[3].weights
        );
    }

    #[test]
    fn state_round_trip() {
        let j = Matrix::from_rows(&[[1.0, 0.5, 0.0], [0.0, 3.0, 1.0], [2.0, 0.0, 1.0]]).unwrap();
        let steps: Vec<Step> = (0..7)
            .map(|k| {
                let l = [1.0 / (1.0 + k as f64), 2.0 - 0.1 * k as f64, 0.5];
                Step::new(j.clone(), &l, Some(k / 2))
            })
            .collect();
        assert_resumes(
            || {
                GradNorm::new(GradNormParams {
                    alpha: 1.5,
                    lr: 0.05,
                })
                .unwrap()
            },
            &steps,
        );
    }
}
