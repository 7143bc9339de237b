//! DWA: dynamic weight average, weights from how fast each loss fell over the last two epochs.

use super::{FAMILY, LossRule, check_losses, epoch_of, softmax};
use crate::aggregator::gramian_weighted::prelude::*;
use crate::error::Error;
use crate::method::state::MethodState;

params! {
    /// Parameters of [`Dwa`].
    pub struct DwaParams {
        /// Softmax temperature `T` of the loss-descent ratios (LibMTL's `T`, default 2; positive).
        temperature: f64 = 2.0 => "2", positive,
            "softmax temperature of the loss-descent ratios (LibMTL's T)";
    }
}

/// Dynamic weight average: `w = m·softmax(r/T)` with `r_i = L̄_i(e−1)/L̄_i(e−2)`, the ratio of
/// task `i`'s mean training loss over the last two epochs; `w = 1` until two epochs are done.
///
/// **Paper**: Liu, Johns & Davison, *End-to-End Multi-Task Learning with Attention*, CVPR 2019,
/// Eq. (7) (LibMTL `DWA`, `LibMTL/weighting/DWA.py`).
///
/// **Formula**: `total = Σ_i w_i L_i` with `w` fixed within the step, so the weights are `w`.
///
/// **Epochs**: the mean `L̄(e)` is the mean of the losses of the calls of epoch `e`
/// ([`WeightInput::epoch`]); an epoch closes when a call of another epoch arrives, and the
/// ratios use the last two closed epochs. Without epochs (the synthetic driver) every call is
/// an epoch: call `k ≥ 2` uses `L(k−1)/L(k−2)`.
///
/// **Parameters**: `temperature` (default 2) — see [`DwaParams`].
///
/// **Properties** (as in [`DWA_INFO`]): permutation-invariant, linear under scaling (the
/// weights depend on the losses only); the weights sum to `m`, not 1. Stateful (the current
/// epoch's sum and the last two epochs' means).
///
/// **Cost**: `O(m)`; one backward pass of the weighted loss.
///
/// **Differences from the reference implementation**: LibMTL indexes its loss buffer by epoch
/// (`buffer[e−1]/buffer[e−2]`, the meter's epoch means); we keep the last two epochs we saw,
/// which is the same in a run that calls every epoch. The losses must be positive (LibMTL
/// divides by them and gives `inf`/NaN otherwise): [`Error::InvalidLoss`].
pub type Dwa = GramianWeighted<DwaWeighting>;

/// The method table's description of [`Dwa`].
pub static DWA_INFO: MethodInfo = MethodInfo::new("dwa", "DWA", FAMILY)
    .cite("Liu, Johns & Davison, End-to-End Multi-Task Learning with Attention, CVPR 2019; LibMTL")
    .needs_losses()
    .stateful()
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling(),
    )
    .options(DwaParams::OPTIONS);

/// The weighting of [`Dwa`]: its parameters and its epoch means.
#[derive(Clone, Debug)]
pub struct DwaWeighting {
    params: DwaParams,
    state: DwaState,
}

/// What DWA keeps between calls.
#[derive(Clone, Debug, Default, PartialEq)]
struct DwaState {
    /// Calls so far.
    calls: u64,
    /// The epoch being accumulated.
    current: Option<u64>,
    /// The sum of its losses and their count.
    sum: Vec<f64>,
    count: u64,
    /// The means of the last closed epoch and of the one before.
    last: Option<Vec<f64>>,
    before_last: Option<Vec<f64>>,
}

impl DwaState {
    /// Closes the epoch being accumulated, if it has calls.
    fn close(&mut self) {
        if self.count > 0 {
            let n = self.count as f64;
            let mean = self.sum.iter().map(|s| s / n).collect();
            self.before_last = self.last.replace(mean);
            self.sum.iter_mut().for_each(|s| *s = 0.0);
            self.count = 0;
        }
    }
}

impl FromParams for DwaWeighting {
    type Params = DwaParams;
    const INFO: &'static MethodInfo = &DWA_INFO;

    fn from_params(params: DwaParams) -> Self {
        Self {
            params,
            state: DwaState::default(),
        }
    }

    fn params(&self) -> &DwaParams {
        &self.params
    }
}

impl Weighting for DwaWeighting {
    crate::method::entry::info_is!(DWA_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let losses = input.require_losses(DWA_INFO.name)?;
        check_losses(DWA_INFO.name, losses, LossRule::Positive)?;
        let m = input.n_obj;
        if self.state.sum.len() != m {
            self.state = DwaState {
                sum: vec![0.0; m],
                ..DwaState::default()
            };
        }
        let state = &mut self.state;
        let epoch = epoch_of(input, state.calls);
        if state.current != Some(epoch) {
            state.close();
            state.current = Some(epoch);
        }
        let weights = match (&state.last, &state.before_last) {
            (Some(last), Some(before)) => {
                let t = self.params.temperature;
                let ratios: Vec<f64> = last.iter().zip(before).map(|(a, b)| a / b / t).collect();
                softmax(&ratios).iter().map(|z| m as f64 * z).collect()
            }
            _ => vec![1.0; m],
        };
        for (s, l) in state.sum.iter_mut().zip(losses) {
            *s += l;
        }
        state.count += 1;
        state.calls += 1;
        Ok((weights, Diagnostics::default()))
    }

    fn reset(&mut self) {
        self.state = DwaState::default();
    }

    /// The call count, the current epoch, its sum and count, the last two epoch means.
    fn save_state(&self) -> MethodState {
        let s = &self.state;
        let mut state = MethodState::new();
        state.put_integers("calls", &[s.calls, s.count]);
        if let Some(epoch) = s.current {
            state.put_integers("epoch", &[epoch]);
        }
        state.put_floats("sum", &s.sum);
        if let Some(last) = &s.last {
            state.put_floats("last", last);
        }
        if let Some(before) = &s.before_last {
            state.put_floats("before_last", before);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        let counts = state.integers("calls")?;
        let [calls, count] = counts else {
            return Err(Error::InvalidState {
                reason: format!("'calls' holds {} words, DWA saves 2", counts.len()),
            });
        };
        let sum = state.floats("sum")?.to_vec();
        let m = sum.len();
        let optional = |key: &str| -> Result<Option<Vec<f64>>> {
            if state.contains(key) {
                Ok(Some(state.floats_of_len(key, m)?.to_vec()))
            } else {
                Ok(None)
            }
        };
        self.state = DwaState {
            calls: *calls,
            current: if state.contains("epoch") {
                Some(state.integer("epoch")?)
            } else {
                None
            },
            sum,
            count: *count,
            last: optional("last")?,
            before_last: optional("before_last")?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, close, weights_of};
    use super::*;
    use crate::{Error, StepInput, aggregate};

    #[test]
    fn without_epochs_each_call_is_an_epoch() {
        let losses = [[1.0, 2.0], [0.5, 1.5], [0.25, 1.2], [0.2, 1.0]];
        let steps: Vec<(Vec<f64>, Option<usize>)> =
            losses.iter().map(|l| (l.to_vec(), None)).collect();
        let w = weights_of(&mut Dwa::default(), &steps);
        assert_eq!(w[0], vec![1.0, 1.0]);
        assert_eq!(w[1], vec![1.0, 1.0]);
        // Call 2: ratios L(1)/L(0) = (0.5, 0.75); w_0 = 2/(1 + e^{(0.75 − 0.5)/2}).
        let w0 = 2.0 / (1.0 + 0.125f64.exp());
        assert!(close(&w[2], &[w0, 2.0 - w0], 1e-15), "{:?}", w[2]);
        // Call 3: ratios L(2)/L(1) = (0.5, 0.8): w_0 = 2/(1 + e^{0.15}).
        let w0 = 2.0 / (1.0 + 0.15f64.exp());
        assert!(close(&w[3], &[w0, 2.0 - w0], 1e-15), "{:?}", w[3]);
    }

    #[test]
    fn with_epochs_the_ratios_are_of_epoch_means() {
        // Epoch 0 means (2, 2), epoch 1 means (1, 2): ratios (0.5, 1) during epoch 2.
        let steps = vec![
            (vec![1.0, 2.0], Some(0)),
            (vec![3.0, 2.0], Some(0)),
            (vec![1.0, 1.0], Some(1)),
            (vec![1.0, 3.0], Some(1)),
            (vec![5.0, 5.0], Some(2)),
            (vec![4.0, 4.0], Some(2)),
        ];
        let w = weights_of(&mut Dwa::default(), &steps);
        for w in &w[..4] {
            assert_eq!(w, &vec![1.0, 1.0]);
        }
        let w0 = 2.0 / (1.0 + 0.25f64.exp());
        for w in &w[4..] {
            assert!(close(w, &[w0, 2.0 - w0], 1e-15), "{w:?}");
        }
        // A temperature of 1 sharpens: w_0 = 2/(1 + e^{0.5}).
        let mut sharp = Dwa::new(DwaParams { temperature: 1.0 }).unwrap();
        let w = weights_of(&mut sharp, &steps);
        assert!((w[4][0] - 2.0 / (1.0 + 0.5f64.exp())).abs() < 1e-15);
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..8)
            .map(|k| Step::losses(&[1.0 / (1.0 + k as f64), 2.0 - 0.1 * k as f64], Some(k / 2)))
            .collect();
        assert_resumes(Dwa::default, &steps);
        let steps: Vec<Step> = (0..6)
            .map(|k| Step::losses(&[1.0 / (1.0 + k as f64), 2.0 - 0.1 * k as f64], None))
            .collect();
        assert_resumes(Dwa::default, &steps);
    }

    #[test]
    fn a_non_positive_loss_is_an_error() {
        let j = Matrix::zeros(2, 3);
        let e = aggregate(
            &mut Dwa::default(),
            &StepInput::new(&j).with_losses(&[1.0, 0.0]),
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidLoss { index: 1, .. }), "{e}");
    }
}
