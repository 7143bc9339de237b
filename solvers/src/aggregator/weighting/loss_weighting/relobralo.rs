//! ReLoBRaLo: relative loss balancing with random lookback, as ConFIG's PINN baselines run it.

use rand::Rng;
use rand::SeedableRng;

use super::{FAMILY, LossRule, check_losses, softmax};
use crate::aggregator::gramian_weighted::prelude::*;
use crate::error::Error;
use crate::method::state::{MethodRng, MethodState};

params! {
    /// Parameters of [`ReLoBRaLo`].
    pub struct ReLoBRaLoParams {
        /// Moving-average factor `β` (ConFIG's default 0.999; in `[0, 1)`).
        beta: f64 = 0.999, closed_open(0, 1), "moving-average factor of the weights";
        /// Softmax temperature `τ` (default 0.1; positive).
        tau: f64 = 0.1, positive, "softmax temperature of the loss ratios";
        /// Probability `ρ` of keeping the moving average rather than looking back to the first
        /// losses (default 0.999; in `[0, 1]`).
        rho: f64 = 0.999, closed(0, 1), "probability of not looking back to the first losses";
        /// Seed of the Bernoulli draws (default 0).
        seed: u64 = 0, any, "seed of the method's own random generator";
    }
}

/// ReLoBRaLo, relative loss balancing with random lookback.
///
/// **Paper**: Bischof & Kraus, *Multi-Objective Loss Balancing for Physics-Informed Deep
/// Learning*, arXiv:2110.09813 (2021), in the variant of ConFIG's PINN experiments
/// (tum-pbs/ConFIG `experiments/PINN/lib_pinns/loss_weighter.py`, `ReLoWeighter`).
///
/// **Formula**: the first call returns `w = 1` and keeps `L(0)`. Afterwards, with
/// `local = m·softmax(L / (τ L_prev))` (element-wise ratios to the previous call's losses) and a
/// Bernoulli draw `b ~ B(ρ)`: `w ← β w + (1 − β) local` when `b = 1`, else
/// `w ← β · m·softmax(L / (τ L(0))) + (1 − β) local`. The step is `Σ w_i ∇L_i` (one backward).
///
/// **Parameters**: `beta = 0.999`, `tau = 0.1`, `rho = 0.999`, `seed = 0` — see
/// [`ReLoBRaLoParams`].
///
/// **Properties** (as in [`RELOBRALO_INFO`]): permutation-invariant, linear under scaling
/// (weights from the losses only). Stateful and randomised (the weights, the previous and first
/// losses, the generator).
///
/// **Cost**: `O(m)`; one backward pass of the weighted loss.
///
/// **Differences from the reference implementation**: the draws come from the method's own
/// seeded generator instead of NumPy's global one. The losses must be positive (the reference
/// divides by them): [`Error::InvalidLoss`].
pub type ReLoBRaLo = GramianWeighted<ReLoBRaLoWeighting>;

/// The method table's description of [`ReLoBRaLo`].
pub static RELOBRALO_INFO: MethodInfo = MethodInfo::new("relobralo", "ReLoBRaLo", FAMILY)
    .cite(
        "Bischof & Kraus, Multi-Objective Loss Balancing for Physics-Informed Deep Learning, \
         arXiv:2110.09813; ConFIG's PINN baselines",
    )
    .needs_losses()
    .stateful()
    .randomized()
    .claims(
        Properties::NONE
            .permutation_invariant()
            .linear_under_scaling(),
    )
    .options(ReLoBRaLoParams::OPTIONS);

/// The weighting of [`ReLoBRaLo`].
#[derive(Clone, Debug)]
pub struct ReLoBRaLoWeighting {
    params: ReLoBRaLoParams,
    rng: MethodRng,
    weights: Vec<f64>,
    previous: Vec<f64>,
    first: Vec<f64>,
}

impl FromParams for ReLoBRaLoWeighting {
    type Params = ReLoBRaLoParams;
    const INFO: &'static MethodInfo = &RELOBRALO_INFO;

    fn from_params(params: ReLoBRaLoParams) -> Self {
        Self {
            rng: MethodRng::seed_from_u64(params.seed),
            params,
            weights: Vec::new(),
            previous: Vec::new(),
            first: Vec::new(),
        }
    }

    fn params(&self) -> &ReLoBRaLoParams {
        &self.params
    }
}

/// `m · softmax(L_i / (τ R_i))`.
fn balanced(losses: &[f64], reference: &[f64], tau: f64) -> Vec<f64> {
    let m = losses.len() as f64;
    let z: Vec<f64> = losses
        .iter()
        .zip(reference)
        .map(|(l, r)| l / (tau * r))
        .collect();
    softmax(&z).into_iter().map(|s| m * s).collect()
}

impl Weighting for ReLoBRaLoWeighting {
    crate::method::entry::info_is!(RELOBRALO_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let losses = input.require_losses(RELOBRALO_INFO.name)?;
        check_losses(RELOBRALO_INFO.name, losses, LossRule::Positive)?;
        let m = input.n_obj;
        if self.weights.len() != m {
            self.weights = vec![1.0; m];
            self.first = losses.to_vec();
        } else {
            let p = &self.params;
            let local = balanced(losses, &self.previous, p.tau);
            let keep = self.rng.random::<f64>() < p.rho;
            let base = if keep {
                self.weights.clone()
            } else {
                balanced(losses, &self.first, p.tau)
            };
            for ((w, b), l) in self.weights.iter_mut().zip(base).zip(local) {
                *w = p.beta * b + (1.0 - p.beta) * l;
            }
        }
        self.previous = losses.to_vec();
        if let Some(index) = self.weights.iter().position(|w| !w.is_finite()) {
            return Err(Error::NonFiniteOutput {
                method: RELOBRALO_INFO.name,
                what: "weights",
                index,
            });
        }
        Ok((self.weights.clone(), Diagnostics::default()))
    }

    fn reset(&mut self) {
        *self = Self::from_params(self.params.clone());
    }

    /// The generator, the weights, the previous and the first losses.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::of_rng(&self.rng);
        if !self.weights.is_empty() {
            state.put_floats("weights", &self.weights);
            state.put_floats("previous", &self.previous);
            state.put_floats("first", &self.first);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.rng = state.rng("rng")?;
        if state.contains("weights") {
            self.weights = state.floats("weights")?.to_vec();
            let m = self.weights.len();
            self.previous = state.floats_of_len("previous", m)?.to_vec();
            self.first = state.floats_of_len("first", m)?.to_vec();
        } else {
            self.weights.clear();
            self.previous.clear();
            self.first.clear();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, weights_of};
    use super::*;

    #[test]
    fn weights_by_hand() {
        // ρ = 1: always the moving average. β = 0.5, τ = 1.
        let params = ReLoBRaLoParams {
            beta: 0.5,
            tau: 1.0,
            rho: 1.0,
            seed: 0,
        };
        let mut method = ReLoBRaLo::new(params.clone()).unwrap();
        let steps = vec![(vec![2.0, 1.0], None), (vec![1.0, 1.0], None)];
        let w = weights_of(&mut method, &steps);
        assert_eq!(w[0], vec![1.0, 1.0]);
        // local = 2·softmax(1/2, 1/1): e^0.5/(e^0.5+e) = 1/(1+e^0.5).
        let a = 2.0 / (1.0 + 0.5f64.exp());
        let want = [0.5 + 0.5 * a, 0.5 + 0.5 * (2.0 - a)];
        assert!((w[1][0] - want[0]).abs() < 1e-15 && (w[1][1] - want[1]).abs() < 1e-15);
        // ρ = 0: always the lookback to L(0) = (2, 1), the same ratios here at step 2.
        let mut method = ReLoBRaLo::new(ReLoBRaLoParams { rho: 0.0, ..params }).unwrap();
        let w = weights_of(&mut method, &steps);
        assert!((w[1][0] - (0.5 * a + 0.5 * a)).abs() < 1e-15);
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..6)
            .map(|k| Step::losses(&[1.0 + k as f64, 2.0 / (1.0 + k as f64), 0.5], None))
            .collect();
        assert_resumes(
            || {
                ReLoBRaLo::new(ReLoBRaLoParams {
                    rho: 0.5,
                    ..ReLoBRaLoParams::default()
                })
                .unwrap()
            },
            &steps,
        );
    }
}
