//! LRA: learning-rate annealing, loss weights from the ratio of gradient magnitudes.

use super::FAMILY;
use crate::aggregator::{Aggregation, Aggregator, MethodInfo, Properties, StepInput};
use crate::error::{Error, ParamsError, Result};
use crate::method::entry::GradientNeed;
use crate::method::options::Options;
use crate::method::params::{MethodParams, params};
use crate::method::state::MethodState;

params! {
    /// Parameters of [`Lra`].
    pub struct LraParams {
        /// Moving-average factor `β` of the weights (default 0.9; in `[0, 1)`).
        beta: f64 = 0.9, closed_open(0, 1), "moving-average factor of the weights";
    }
}

/// Learning-rate annealing: each term's weight tracks `max|∇L_0| / mean|∇L_i|`, term 0 (the PDE
/// residual) being the reference.
///
/// **Paper**: Wang, Teng & Perdikaris, *Understanding and Mitigating Gradient Flow Pathologies in
/// Physics-Informed Neural Networks*, SIAM J. Sci. Comput. 43 (2021), Algorithm 1; as ConFIG's
/// PINN baselines run it (tum-pbs/ConFIG `experiments/PINN/lib_pinns/loss_weighter.py`,
/// `LRAWeighter`).
///
/// **Formula**: `ŵ_0 = 1`, `ŵ_i = max_k |∂L_0/∂θ_k| / mean_k |∂L_i/∂θ_k|`; `w ← β w + (1 − β) ŵ`
/// from `w = 1`; `d = Σ_i w_i ∇L_i`.
///
/// **Parameters**: `beta = 0.9` — see [`LraParams`].
///
/// **Properties** (as in [`LRA_INFO`]): linear under scaling of the whole Jacobian (the ratios
/// are scale-free); not permutation-invariant (term 0 is special). Stateful (the weights).
///
/// **Cost**: reads the Jacobian (every term's gradient), `O(mn)`.
///
/// **Differences from the reference implementation**: where a ratio is not finite (a term whose
/// gradient is zero, or so small against term 0's that the ratio overflows), the reference's
/// weight becomes infinite or NaN; here that term's target is its current weight (no update).
#[derive(Clone, Debug)]
pub struct Lra {
    params: LraParams,
    weights: Vec<f64>,
}

/// The method table's description of [`Lra`].
pub static LRA_INFO: MethodInfo = MethodInfo::new("lra", "LRA", FAMILY)
    .cite(
        "Wang, Teng & Perdikaris, Understanding and Mitigating Gradient Flow Pathologies in \
         Physics-Informed Neural Networks, SIAM J. Sci. Comput. 2021; ConFIG's PINN baselines",
    )
    .need(GradientNeed::Jacobian)
    .stateful()
    .claims(Properties::NONE.linear_under_scaling())
    .options(LraParams::OPTIONS);

impl Lra {
    /// Builds the method with validated parameters.
    ///
    /// # Errors
    /// [`ParamsError::Invalid`] naming the first parameter that breaks its rule.
    pub fn new(params: LraParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(LRA_INFO.name)?;
        Ok(Self {
            params,
            weights: Vec::new(),
        })
    }

    /// Builds from `key=value` options (`beta`).
    ///
    /// # Errors
    /// Option errors and [`ParamsError::Invalid`].
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(LraParams::read(LRA_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &LraParams {
        &self.params
    }
}

impl Default for Lra {
    fn default() -> Self {
        Self::new(LraParams::default()).expect("the defaults are valid")
    }
}

crate::method::entry::display_as!(Lra);

impl Aggregator for Lra {
    crate::method::entry::info_is!(LRA_INFO);

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let (m, n) = (input.n_obj(), input.n_var());
        if self.weights.len() != m {
            self.weights = vec![1.0; m];
        }
        let j = input.jacobian;
        let largest = j.row(0).iter().fold(0.0f64, |a, g| a.max(g.abs()));
        let beta = self.params.beta;
        for i in 0..m {
            let target = if i == 0 {
                1.0
            } else {
                let mean = j.row(i).iter().map(|g| g.abs()).sum::<f64>() / n.max(1) as f64;
                let ratio = largest / mean;
                // A zero (or vanishing) gradient says nothing about the balance: keep the weight.
                if ratio.is_finite() {
                    ratio
                } else {
                    self.weights[i]
                }
            };
            self.weights[i] = beta * self.weights[i] + (1.0 - beta) * target;
        }
        if let Some(index) = self.weights.iter().position(|w| !w.is_finite()) {
            return Err(Error::NonFiniteOutput {
                method: LRA_INFO.name,
                what: "weights (a term's gradient is zero)",
                index,
            });
        }
        Ok(Aggregation::from_weights(j, self.weights.clone()))
    }

    fn reset(&mut self) {
        self.weights.clear();
    }

    /// The weights.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        if !self.weights.is_empty() {
            state.put_floats("weights", &self.weights);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.weights = if state.contains("weights") {
            state.floats("weights")?.to_vec()
        } else {
            Vec::new()
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, close, run_all};
    use super::*;
    use tradeoff_pareto::Matrix;

    #[test]
    fn two_steps_by_hand() {
        let j0 = Matrix::from_rows(&[[4.0, -2.0], [1.0, -1.0]]).unwrap();
        let j1 = Matrix::from_rows(&[[1.0, 0.0], [0.5, 0.0]]).unwrap();
        let steps = [
            Step::new(j0, &[1.0, 1.0], None),
            Step::new(j1, &[1.0, 1.0], None),
        ];
        let a = run_all(&mut Lra::default(), &steps);
        // Step 1: ŵ_1 = 4 / 1 = 4: w = (1, 0.9 + 0.4) = (1, 1.3); d = (4 + 1.3, −2 − 1.3).
        assert!(close(a[0].weights.as_ref().unwrap(), &[1.0, 1.3], 1e-15));
        assert!(close(&a[0].direction, &[5.3, -3.3], 1e-14));
        // Step 2: ŵ_1 = 1 / 0.25 = 4: w_1 = 0.9·1.3 + 0.4 = 1.57.
        assert!(close(a[1].weights.as_ref().unwrap(), &[1.0, 1.57], 1e-14));
        assert!(close(&a[1].direction, &[1.0 + 0.785, 0.0], 1e-14));
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..5)
            .map(|k| {
                let t = k as f64;
                let j = Matrix::from_rows(&[[1.0, t, 0.5], [0.0, 3.0, 1.0 - t], [2.0, 0.1, 1.0]])
                    .unwrap();
                Step::new(j, &[1.0, 1.0, 1.0], None)
            })
            .collect();
        assert_resumes(Lra::default, &steps);
    }
}
