//! LibMTL's loss-balancing weightings (family [`Family::LossWeighting`]) and what they share:
//! learnable per-task vectors with their own Adam, the epoch a call belongs to, loss checks.
//!
//! Sources: `median-research-group/LibMTL`, `LibMTL/weighting/*.py` (HEAD `4336804`), and
//! `/work/shared/notes/neural.md` §6. Each method's doc says where it departs from LibMTL.
//!
//! Conventions shared by every method here:
//! - **Weights are derivatives.** A loss weighting returns `w_i = ∂(total)/∂L_i` at the current
//!   losses, where `total` is the scalar LibMTL back-propagates; then `Σ w_i ∇L_i` is exactly the
//!   gradient of `total` with respect to the parameters, whether `total` is linear in the losses
//!   (EW, DWA, UW) or not (GLS, STCH, FAMO).
//! - **Learnable parameters** (UW's log-variances, GradNorm's scale logits, IMTL's loss scale,
//!   FAMO's logits) live in the weighting, in `f64`, and are updated by their closed-form
//!   gradient and their own Adam (`torch.optim.Adam`'s rounding). LibMTL puts UW's, GradNorm's and
//!   IMTL's in the model's optimiser (Adam, lr 1e-4 by default, `LibMTL/config.py`): their option
//!   `lr` has that default. The model's weight decay (LibMTL's 1e-5) is not applied to them.
//! - **Epochs.** DWA, STCH and GradNorm read [`WeightInput::epoch`]. Without epochs (the
//!   synthetic driver), every call counts as an epoch of one step: call `k` is epoch `k`.
//! - **Size.** A method sizes its state on its first call; a call with another number of
//!   objectives starts it afresh (as [`Aggregator::reset`](crate::Aggregator::reset)).

pub(crate) mod db_mtl;
pub(crate) mod dwa;
pub(crate) mod ew;
pub(crate) mod excess_mtl;
pub(crate) mod famo;
pub(crate) mod gls;
pub(crate) mod gradnorm;
pub(crate) mod imtl;
pub(crate) mod lra;
pub(crate) mod minmax;
pub(crate) mod relobralo;
pub(crate) mod stch;
pub(crate) mod uw;

use crate::aggregator::Family;
use crate::aggregator::gramian_weighted::WeightInput;
use crate::error::{Error, Result};
use crate::method::state::MethodState;
use crate::run::optimizer::{AdamForm, AdamMoments, adam_update};

/// The citation of the library the definitions come from.
pub(crate) const LIBMTL: &str = "LibMTL (Lin & Zhang, JMLR 2023, median-research-group/LibMTL)";

/// A learnable per-task vector and the state of its own Adam (`torch.optim.Adam` with its
/// default `β = (0.9, 0.999)`, `ε = 1e-8` and L2 weight decay added to the gradient).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LearnedVector {
    /// The value every entry starts from.
    initial: f64,
    /// The current values (empty before the first call).
    pub(crate) values: Vec<f64>,
    first_moment: Vec<f64>,
    second_moment: Vec<f64>,
    steps: u64,
}

impl LearnedVector {
    /// A vector whose entries start at `initial`, sized on first use.
    pub(crate) fn new(initial: f64) -> Self {
        Self {
            initial,
            values: Vec::new(),
            first_moment: Vec::new(),
            second_moment: Vec::new(),
            steps: 0,
        }
    }

    /// Sizes the vector for `m` objectives (fresh when its size differs).
    pub(crate) fn ensure(&mut self, m: usize) {
        if self.values.len() != m {
            self.values = vec![self.initial; m];
            self.first_moment = vec![0.0; m];
            self.second_moment = vec![0.0; m];
            self.steps = 0;
        }
    }

    /// Back to the first call.
    pub(crate) fn reset(&mut self) {
        *self = Self::new(self.initial);
    }

    /// One Adam step along `−gradient` (plus `weight_decay · values`, torch's L2 form).
    pub(crate) fn step(&mut self, gradient: &[f64], lr: f64, weight_decay: f64) {
        let g: Vec<f64> = gradient
            .iter()
            .zip(&self.values)
            .map(|(g, x)| {
                if weight_decay == 0.0 {
                    *g
                } else {
                    g + weight_decay * x
                }
            })
            .collect();
        self.steps += 1;
        adam_update(
            &mut self.values,
            &mut self.first_moment,
            &mut self.second_moment,
            &g,
            &AdamMoments::default(),
            lr,
            self.steps,
            AdamForm::PyTorch,
        );
    }

    /// Saves the values, the moments and the step count under `key`.
    pub(crate) fn save(&self, state: &mut MethodState, key: &str) {
        state.put_floats(key, &self.values);
        state.put_floats(&format!("{key}.first_moment"), &self.first_moment);
        state.put_floats(&format!("{key}.second_moment"), &self.second_moment);
        state.put_integers(&format!("{key}.steps"), &[self.steps]);
    }

    /// Restores what [`LearnedVector::save`] stored under `key`.
    pub(crate) fn load(&mut self, state: &MethodState, key: &str) -> Result<()> {
        let values = state.floats(key)?.to_vec();
        let m = values.len();
        self.first_moment = state
            .floats_of_len(&format!("{key}.first_moment"), m)?
            .to_vec();
        self.second_moment = state
            .floats_of_len(&format!("{key}.second_moment"), m)?
            .to_vec();
        self.steps = state.integer(&format!("{key}.steps"))?;
        self.values = values;
        Ok(())
    }
}

/// The epoch of a call: the caller's, or without epochs the number of earlier calls (each
/// step counts as an epoch).
pub(crate) fn epoch_of(input: &WeightInput<'_>, calls: u64) -> u64 {
    input.epoch.map_or(calls, |e| e as u64)
}

/// What a method that takes logarithms of the losses needs of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LossRule {
    /// `L > 0` (a logarithm or a ratio of the losses themselves).
    Positive,
    /// `L ≥ 0` (a logarithm of `L + ε`).
    NonNegative,
}

/// [`Error::InvalidLoss`] for the first loss that breaks `rule`.
pub(crate) fn check_losses(method: &'static str, losses: &[f64], rule: LossRule) -> Result<()> {
    let (bad, text): (fn(f64) -> bool, &'static str) = match rule {
        LossRule::Positive => (
            |v| v.is_nan() || v <= 0.0,
            "positive losses (it takes their logarithm or ratio)",
        ),
        LossRule::NonNegative => (
            |v| v.is_nan() || v < 0.0,
            "non-negative losses (it takes the logarithm of L + ε)",
        ),
    };
    match losses.iter().position(|&v| bad(v)) {
        Some(index) => Err(Error::InvalidLoss {
            method,
            index,
            value: losses[index],
            rule: text,
        }),
        None => Ok(()),
    }
}

/// `softmax(x)`, shifted by the largest entry.
pub(crate) fn softmax(x: &[f64]) -> Vec<f64> {
    let top = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = x.iter().map(|v| (v - top).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}

/// The gradient of `Σ_i a_i softmax(x)_i` with respect to `x`, given `z = softmax(x)`:
/// `z_j (a_j − Σ_i z_i a_i)` (torch's softmax backward).
pub(crate) fn softmax_backward(z: &[f64], a: &[f64]) -> Vec<f64> {
    let mean: f64 = z.iter().zip(a).map(|(z, a)| z * a).sum();
    z.iter().zip(a).map(|(z, a)| z * (a - mean)).collect()
}

/// The family every method here belongs to.
pub(crate) const FAMILY: Family = Family::LossWeighting;

#[cfg(test)]
pub(crate) mod tests {
    //! What the methods' tests share: a step of inputs, running a sequence of them, and the
    //! checkpoint contract.

    use tradeoff_pareto::Matrix;

    use crate::{Aggregation, Aggregator, StepInput, aggregate};

    /// One call: the Jacobian, the losses, the epoch, and the losses after the step (FAMO's
    /// `observe`), if any.
    #[derive(Clone, Debug)]
    pub(crate) struct Step {
        pub(crate) jacobian: Matrix,
        pub(crate) losses: Vec<f64>,
        pub(crate) epoch: Option<usize>,
        pub(crate) after: Option<Vec<f64>>,
    }

    impl Step {
        /// A step with the identity Jacobian (the direction is the weights).
        pub(crate) fn losses(losses: &[f64], epoch: Option<usize>) -> Self {
            let m = losses.len();
            let mut j = Matrix::zeros(m, m);
            for i in 0..m {
                j.set(i, i, 1.0);
            }
            Self::new(j, losses, epoch)
        }

        /// A step with a Jacobian.
        pub(crate) fn new(jacobian: Matrix, losses: &[f64], epoch: Option<usize>) -> Self {
            Self {
                jacobian,
                losses: losses.to_vec(),
                epoch,
                after: None,
            }
        }

        /// Adds the losses after the step.
        pub(crate) fn then(mut self, after: &[f64]) -> Self {
            self.after = Some(after.to_vec());
            self
        }

        /// Runs this step on `method`.
        pub(crate) fn run(&self, method: &mut dyn Aggregator) -> crate::Result<Aggregation> {
            let mut input = StepInput::new(&self.jacobian).with_losses(&self.losses);
            if let Some(epoch) = self.epoch {
                input = input.with_epoch(epoch);
            }
            let a = aggregate(method, &input)?;
            if let Some(after) = &self.after {
                method.observe(after);
            }
            Ok(a)
        }
    }

    /// Runs `steps` in order.
    pub(crate) fn run_all(method: &mut dyn Aggregator, steps: &[Step]) -> Vec<Aggregation> {
        steps
            .iter()
            .map(|s| s.run(method).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    /// The weights of each step, on the identity Jacobian.
    pub(crate) fn weights_of(
        method: &mut dyn Aggregator,
        losses: &[(Vec<f64>, Option<usize>)],
    ) -> Vec<Vec<f64>> {
        let steps: Vec<Step> = losses.iter().map(|(l, e)| Step::losses(l, *e)).collect();
        run_all(method, &steps)
            .into_iter()
            .map(|a| a.weights.expect("weights"))
            .collect()
    }

    /// The checkpoint contract at every cut: a fresh instance that loads the state saved after
    /// `k` steps continues bit for bit, and the loaded state saves back to itself.
    pub(crate) fn assert_resumes<A: Aggregator>(make: impl Fn() -> A, steps: &[Step]) {
        let mut whole = make();
        let all = run_all(&mut whole, steps);
        for cut in 0..=steps.len() {
            let mut first = make();
            run_all(&mut first, &steps[..cut]);
            let state = first.save_state();
            let mut resumed = make();
            resumed.load_state(&state).unwrap();
            assert_eq!(resumed.save_state(), state, "cut {cut}: load + save");
            let rest = run_all(&mut resumed, &steps[cut..]);
            assert_eq!(rest, all[cut..], "cut {cut}: resumed run differs");
        }
    }

    /// Whether `a` and `b` agree entry by entry within `tol`.
    pub(crate) fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
    }
}
