//! STCH: smooth Tchebycheff scalarization of the log-losses, after a log-loss warm-up.

use super::{FAMILY, LossRule, check_losses, epoch_of, softmax};
use crate::aggregator::gramian_weighted::prelude::*;
use crate::error::Error;
use crate::method::state::MethodState;

/// LibMTL's guard added inside every logarithm.
const EPSILON: f64 = 1e-20;

params! {
    /// Parameters of [`Stch`].
    pub struct StchParams {
        /// Smoothing `μ` of the log-sum-exp (LibMTL's `STCH_mu`, default 1; positive).
        mu: f64 = 1.0 => "1", positive, "smoothing mu of the log-sum-exp (LibMTL's STCH_mu)";
        /// Epochs of plain `Σ ln L` before the nadir is measured (LibMTL's `STCH_warmup_epoch`,
        /// default 4).
        warmup_epoch: usize = 4, any,
            "epochs of sum-of-log-losses before the nadir epoch (LibMTL's STCH_warmup_epoch)";
    }
}

/// Smooth Tchebycheff: `Σ_i ln L_i` during the warm-up, then
/// `total = m·μ·ln Σ_i exp(ℓ_i/μ)` with `ℓ_i = ln(L_i/n_i)` and the nadir `n` the mean loss of
/// the last warm-up epoch.
///
/// **Paper**: Lin, Zhang, Zhang, Liu, Yang, Zhang & Zhang, *Smooth Tchebycheff Scalarization for
/// Multi-Objective Optimization*, ICML 2024 (LibMTL `STCH`, `LibMTL/weighting/STCH.py`, from the
/// official code).
///
/// **Formula**: the weights are the derivatives of the total at the current losses (so
/// `Σ w_i ∇L_i` is its exact gradient): during epochs `e < warmup_epoch` and `e = warmup_epoch`,
/// `w_i = 1/(L_i + 1e-20)`; epoch `warmup_epoch` also sums the losses of its calls, whose mean
/// is the nadir `n`; from epoch `warmup_epoch + 1` on,
/// `w_i = m·softmax(ℓ/μ)_i/(L_i + 1e-20·n_i)` with `ℓ_i = ln(L_i/n_i + 1e-20)`.
///
/// **Epochs**: read from [`WeightInput::epoch`]. Without epochs (the synthetic driver) every
/// call is an epoch: calls `0..=warmup_epoch` warm up, call `warmup_epoch` sets the nadir. When
/// the first call past the warm-up finds no nadir (a run that starts after it), its own losses
/// become the nadir.
///
/// **Parameters**: `mu` (default 1), `warmup_epoch` (default 4) — see [`StchParams`].
///
/// **Properties** (as in [`STCH_INFO`]): permutation-invariant, linear under scaling (the
/// weights depend on the losses only); weights not on the simplex. Stateful (the call count and
/// the nadir).
///
/// **Cost**: `O(m)`; one backward pass.
///
/// **Differences from the reference implementation**: none in the weights; LibMTL's missing
/// nadir (a run started past the warm-up) divides by zero. The losses must be positive
/// ([`Error::InvalidLoss`]).
pub type Stch = GramianWeighted<StchWeighting>;

/// The method table's description of [`Stch`].
pub static STCH_INFO: MethodInfo = MethodInfo::new("stch", "STCH", FAMILY)
    .cite(
        "Lin et al., Smooth Tchebycheff Scalarization for Multi-Objective Optimization, \
         ICML 2024; LibMTL",
    )
    .needs_losses()
    .stateful()
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling(),
    )
    .options(StchParams::OPTIONS);

/// The weighting of [`Stch`]: its parameters and its nadir.
#[derive(Clone, Debug)]
pub struct StchWeighting {
    params: StchParams,
    state: StchState,
}

/// What STCH keeps between calls.
#[derive(Clone, Debug, Default, PartialEq)]
struct StchState {
    /// Calls so far.
    calls: u64,
    /// The sum of the nadir epoch's losses and their count.
    nadir_sum: Vec<f64>,
    nadir_count: u64,
    /// The nadir, once the warm-up is over.
    nadir: Option<Vec<f64>>,
}

impl FromParams for StchWeighting {
    type Params = StchParams;
    const INFO: &'static MethodInfo = &STCH_INFO;

    fn from_params(params: StchParams) -> Self {
        Self {
            params,
            state: StchState::default(),
        }
    }

    fn params(&self) -> &StchParams {
        &self.params
    }
}

impl Weighting for StchWeighting {
    crate::method::entry::info_is!(STCH_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let losses = input.require_losses(STCH_INFO.name)?;
        check_losses(STCH_INFO.name, losses, LossRule::Positive)?;
        let m = input.n_obj;
        if self.state.nadir_sum.len() != m {
            self.state = StchState {
                nadir_sum: vec![0.0; m],
                ..StchState::default()
            };
        }
        let state = &mut self.state;
        let epoch = epoch_of(input, state.calls);
        state.calls += 1;
        let warmup = self.params.warmup_epoch as u64;
        let log_weights = || losses.iter().map(|l| 1.0 / (l + EPSILON)).collect();
        let weights = if epoch < warmup {
            log_weights()
        } else if epoch == warmup {
            for (s, l) in state.nadir_sum.iter_mut().zip(losses) {
                *s += l;
            }
            state.nadir_count += 1;
            log_weights()
        } else {
            if state.nadir.is_none() {
                state.nadir = Some(if state.nadir_count > 0 {
                    let n = state.nadir_count as f64;
                    state.nadir_sum.iter().map(|s| s / n).collect()
                } else {
                    losses.to_vec()
                });
            }
            let nadir = state.nadir.as_deref().unwrap_or(losses);
            let mu = self.params.mu;
            let scaled: Vec<f64> = losses
                .iter()
                .zip(nadir.iter())
                .map(|(l, n)| (l / n + EPSILON).ln() / mu)
                .collect();
            softmax(&scaled)
                .iter()
                .zip(losses)
                .zip(nadir.iter())
                .map(|((z, l), n)| m as f64 * z / (l + EPSILON * n))
                .collect()
        };
        Ok((weights, Diagnostics::default()))
    }

    fn reset(&mut self) {
        self.state = StchState::default();
    }

    /// The call count, the nadir epoch's sum and count, and the nadir once set.
    fn save_state(&self) -> MethodState {
        let s = &self.state;
        let mut state = MethodState::new();
        state.put_integers("calls", &[s.calls, s.nadir_count]);
        state.put_floats("nadir_sum", &s.nadir_sum);
        if let Some(nadir) = &s.nadir {
            state.put_floats("nadir", nadir);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        let counts = state.integers("calls")?;
        let [calls, nadir_count] = counts else {
            return Err(Error::InvalidState {
                reason: format!("'calls' holds {} words, STCH saves 2", counts.len()),
            });
        };
        let nadir_sum = state.floats("nadir_sum")?.to_vec();
        let nadir = if state.contains("nadir") {
            Some(state.floats_of_len("nadir", nadir_sum.len())?.to_vec())
        } else {
            None
        };
        self.state = StchState {
            calls: *calls,
            nadir_sum,
            nadir_count: *nadir_count,
            nadir,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, close, weights_of};
    use super::*;

    /// `m·μ·ln Σ exp(ln(L_i/n_i)/μ)`, LibMTL's total after the warm-up (its max shift does not
    /// change the gradient).
    fn total(l: &[f64], n: &[f64], mu: f64) -> f64 {
        let s: f64 = l
            .iter()
            .zip(n)
            .map(|(l, n)| ((l / n).ln() / mu).exp())
            .sum();
        l.len() as f64 * mu * s.ln()
    }

    #[test]
    fn warmup_then_smooth_tchebycheff_by_hand() {
        let params = StchParams {
            mu: 0.5,
            warmup_epoch: 1,
        };
        // Epoch 0: warm-up; epoch 1: warm-up and nadir (mean of (2, 4) and (4, 2) = (3, 3));
        // epoch 2: STCH.
        let steps = vec![
            (vec![4.0, 8.0], Some(0)),
            (vec![2.0, 4.0], Some(1)),
            (vec![4.0, 2.0], Some(1)),
            (vec![1.5, 0.75], Some(2)),
        ];
        let w = weights_of(&mut Stch::new(params.clone()).unwrap(), &steps);
        assert!(close(&w[0], &[0.25, 0.125], 1e-16));
        assert!(close(&w[1], &[0.5, 0.25], 1e-16));
        assert!(close(&w[2], &[0.25, 0.5], 1e-16));
        // ℓ = (ln ½, ln ¼), softmax(2ℓ) = (¼, 1/16)/(5/16) = (4/5, 1/5), w = 2·softmax/L.
        assert!(
            close(&w[3], &[2.0 * 0.8 / 1.5, 2.0 * 0.2 / 0.75], 1e-14),
            "{:?}",
            w[3]
        );
        // The weights are the derivatives of the total (central differences).
        let (l, n) = ([1.5, 0.75], [3.0, 3.0]);
        for i in 0..2 {
            let h = 1e-6;
            let (mut up, mut down) = (l, l);
            up[i] += h;
            down[i] -= h;
            let fd = (total(&up, &n, 0.5) - total(&down, &n, 0.5)) / (2.0 * h);
            assert!((w[3][i] - fd).abs() < 1e-7, "{i}: {} vs {fd}", w[3][i]);
        }
    }

    #[test]
    fn without_epochs_each_call_is_an_epoch() {
        let params = StchParams {
            mu: 1.0,
            warmup_epoch: 2,
        };
        let steps: Vec<(Vec<f64>, Option<usize>)> =
            [[1.0, 1.0], [1.0, 2.0], [2.0, 4.0], [1.0, 1.0]]
                .iter()
                .map(|l| (l.to_vec(), None))
                .collect();
        let w = weights_of(&mut Stch::new(params).unwrap(), &steps);
        assert!(close(&w[2], &[0.5, 0.25], 1e-16));
        // Nadir (2, 4) from call 2; ℓ = (ln ½, ln ¼): softmax = (2/3, 1/3); w = 2·softmax/L.
        assert!(close(&w[3], &[4.0 / 3.0, 2.0 / 3.0], 1e-14), "{:?}", w[3]);
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..9)
            .map(|k| Step::losses(&[1.0 / (1.0 + k as f64), 2.0 - 0.1 * k as f64], Some(k / 2)))
            .collect();
        assert_resumes(
            || {
                Stch::new(StchParams {
                    mu: 1.0,
                    warmup_epoch: 2,
                })
                .unwrap()
            },
            &steps,
        );
    }
}
