//! ExcessMTL: multiplicative weights from each task's estimated excess risk.

use tradeoff_pareto::Matrix;

use super::FAMILY;
use crate::aggregator::{Aggregation, Aggregator, MethodInfo, Properties, StepInput};
use crate::error::{Error, ParamsError, Result};
use crate::method::entry::GradientNeed;
use crate::method::options::Options;
use crate::method::params::{MethodParams, params};
use crate::method::state::MethodState;

/// LibMTL's guard under the square root of the accumulated squares.
const EPSILON: f64 = 1e-7;

params! {
    /// Parameters of [`ExcessMtl`].
    pub struct ExcessMtlParams {
        /// Step size `η` of the multiplicative weight update (LibMTL's `robust_step_size`,
        /// default 1e-2; non-negative).
        robust_step_size: f64 = 1e-2, non_negative,
            "step size of the multiplicative weight update (LibMTL's robust_step_size)";
    }
}

/// ExcessMTL: the weights grow exponentially with each task's excess risk, estimated from its
/// gradient under an AdaGrad-style preconditioner, relative to its first estimate.
///
/// **Paper**: He, Zhou, Zhao, Hu & Zhang, *Robust Multi-Task Learning with Excess Risks*, ICML
/// 2024 (LibMTL `ExcessMTL`, `LibMTL/weighting/ExcessMTL.py`, from the official code).
///
/// **Formula**: per task and coordinate, `S_ik += J_ik²`; the excess estimate is
/// `e_i = Σ_k J_ik²/√(S_ik + 1e-7)`. The first call stores `e⁰ = e` and keeps `w = 1`; later calls
/// set `w_i ← w_i·exp(η·e_i/e⁰_i)` and renormalise to `Σ w = m`. The direction is `d = Jᵀw`
/// (LibMTL back-propagates `Σ w_i L_i`).
///
/// **Parameters**: `robust_step_size` (default 1e-2) — see [`ExcessMtlParams`].
///
/// **Properties** (as in [`EXCESS_MTL_INFO`]): permutation-invariant. Not linear under scaling
/// (after the first call the weights depend on `J`), weights not on the simplex (they sum to
/// `m`), not non-conflicting. Stateful (`w`, `S` (`m × n`), `e⁰`).
///
/// **Cost**: `O(mn)` per step and `m·n` numbers of state; it reads the whole Jacobian.
///
/// **Differences from the reference implementation**: a task whose first estimate is `e⁰_i = 0`
/// (a zero gradient) gets ratio 0 (no update from it), where LibMTL divides by zero; the update
/// is computed as `exp(η r_i − η max r)` before renormalising (the same weights, without
/// overflow). TorchJD's `ExcessMTL` differs (a warm-up mean and normalisation to sum 1); we
/// follow LibMTL.
#[derive(Clone, Debug)]
pub struct ExcessMtl {
    params: ExcessMtlParams,
    state: Option<ExcessState>,
}

/// What ExcessMTL keeps between calls.
#[derive(Clone, Debug, PartialEq)]
struct ExcessState {
    /// The weights.
    weights: Vec<f64>,
    /// The accumulated squared gradients, `m × n`.
    squares: Matrix,
    /// The first call's excess estimates.
    initial: Vec<f64>,
}

/// The method table's description of [`ExcessMtl`].
pub static EXCESS_MTL_INFO: MethodInfo = MethodInfo::new("excess-mtl", "ExcessMTL", FAMILY)
    .cite("He et al., Robust Multi-Task Learning with Excess Risks, ICML 2024; LibMTL")
    .need(GradientNeed::Jacobian)
    .stateful()
    .claims(Properties::NONE.permutation_invariant())
    .options(ExcessMtlParams::OPTIONS);

impl ExcessMtl {
    /// Builds the method with validated parameters.
    ///
    /// # Errors
    /// [`ParamsError::Invalid`] naming the first parameter that breaks its rule.
    pub fn new(params: ExcessMtlParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(EXCESS_MTL_INFO.name)?;
        Ok(Self {
            params,
            state: None,
        })
    }

    /// Builds from `key=value` options (`robust_step_size`).
    ///
    /// # Errors
    /// Option errors and [`ParamsError::Invalid`].
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(ExcessMtlParams::read(EXCESS_MTL_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &ExcessMtlParams {
        &self.params
    }
}

impl Default for ExcessMtl {
    fn default() -> Self {
        Self::new(ExcessMtlParams::default()).expect("the defaults are valid")
    }
}

crate::method::entry::display_as!(ExcessMtl);

impl Aggregator for ExcessMtl {
    crate::method::entry::info_is!(EXCESS_MTL_INFO);

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let (m, n) = (input.n_obj(), input.n_var());
        let j = input.jacobian;
        let fits = self
            .state
            .as_ref()
            .is_some_and(|s| s.squares.n_rows() == m && s.squares.n_cols() == n);
        let first = !fits;
        if first {
            self.state = Some(ExcessState {
                weights: vec![1.0; m],
                squares: Matrix::zeros(m, n),
                initial: Vec::new(),
            });
        }
        let state = self.state.as_mut().expect("set above");
        let mut excess = vec![0.0; m];
        let rows = state.squares.as_mut_slice().chunks_mut(n.max(1));
        for (i, (row, e)) in rows.zip(&mut excess).enumerate() {
            for (s, g) in row.iter_mut().zip(j.row(i)) {
                *s += g * g;
                *e += g * g / (*s + EPSILON).sqrt();
            }
        }
        if first {
            state.initial = excess;
        } else {
            let eta = self.params.robust_step_size;
            let ratios: Vec<f64> = excess
                .iter()
                .zip(&state.initial)
                .map(|(e, e0)| if *e0 > 0.0 { e / e0 } else { 0.0 })
                .collect();
            let top = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for (w, r) in state.weights.iter_mut().zip(&ratios) {
                *w *= (eta * r - eta * top).exp();
            }
            let sum: f64 = state.weights.iter().sum();
            for w in &mut state.weights {
                *w = *w / sum * m as f64;
            }
        }
        Ok(Aggregation::from_weights(j, state.weights.clone()))
    }

    fn reset(&mut self) {
        self.state = None;
    }

    /// The weights, the accumulated squares (with their shape) and the first estimates.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        if let Some(s) = &self.state {
            state.put_floats("weights", &s.weights);
            state.put_integers(
                "shape",
                &[s.squares.n_rows() as u64, s.squares.n_cols() as u64],
            );
            state.put_floats("squares", s.squares.as_slice());
            state.put_floats("initial", &s.initial);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        if state.is_empty() {
            self.state = None;
            return Ok(());
        }
        let shape = state.integers("shape")?;
        let [m, n] = shape else {
            return Err(Error::InvalidState {
                reason: format!("'shape' holds {} words, ExcessMTL saves 2", shape.len()),
            });
        };
        let (m, n) = (*m as usize, *n as usize);
        let squares = Matrix::from_vec(m, n, state.floats_of_len("squares", m * n)?.to_vec())
            .map_err(|e| Error::InvalidState {
                reason: format!("'squares': {e}"),
            })?;
        self.state = Some(ExcessState {
            weights: state.floats_of_len("weights", m)?.to_vec(),
            squares,
            initial: state.floats_of_len("initial", m)?.to_vec(),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Step, assert_resumes, close, run_all};
    use super::*;

    #[test]
    fn three_steps_by_hand() {
        let eta = 0.5;
        let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 2.0]]).unwrap();
        let steps = vec![Step::new(j, &[1.0, 1.0], None); 3];
        let a = run_all(
            &mut ExcessMtl::new(ExcessMtlParams {
                robust_step_size: eta,
            })
            .unwrap(),
            &steps,
        );
        let sq = |s: f64| (s + 1e-7).sqrt();
        // Step 1: S = (1, 4), e⁰ = (1/√1, 4/√4) = (1, 2), w = 1.
        assert_eq!(a[0].weights, Some(vec![1.0, 1.0]));
        assert_eq!(a[0].direction, vec![1.0, 2.0]);
        let e0 = [1.0 / sq(1.0), 4.0 / sq(4.0)];
        // Step 2: S = (2, 8), e = (1/√2, 4/√8): both ratios are 1/√2 (up to ε): w stays 1.
        let r = [1.0 / sq(2.0) / e0[0], 4.0 / sq(8.0) / e0[1]];
        let u = [(eta * r[0]).exp(), (eta * r[1]).exp()];
        let w1 = [2.0 * u[0] / (u[0] + u[1]), 2.0 * u[1] / (u[0] + u[1])];
        assert!(close(a[1].weights.as_ref().unwrap(), &w1, 1e-12));
        assert!(close(&w1, &[1.0, 1.0], 1e-7));
        // Another run whose second Jacobian has a larger task-0 gradient than its history.
        let j = Matrix::from_rows(&[[3.0, 0.0], [0.0, 2.0]]).unwrap();
        let steps = vec![
            Step::new(
                Matrix::from_rows(&[[1.0, 0.0], [0.0, 2.0]]).unwrap(),
                &[1.0, 1.0],
                None,
            ),
            Step::new(j, &[1.0, 1.0], None),
        ];
        let a = run_all(
            &mut ExcessMtl::new(ExcessMtlParams {
                robust_step_size: eta,
            })
            .unwrap(),
            &steps,
        );
        // S = (1 + 9, 8): e = (9/√10, 4/√8); ratios to e⁰ = (1, 2).
        let r = [9.0 / sq(10.0) / e0[0], 4.0 / sq(8.0) / e0[1]];
        let u = [(eta * r[0]).exp(), (eta * r[1]).exp()];
        let w = [2.0 * u[0] / (u[0] + u[1]), 2.0 * u[1] / (u[0] + u[1])];
        assert!(
            close(a[1].weights.as_ref().unwrap(), &w, 1e-12),
            "{:?} vs {w:?}",
            a[1].weights
        );
        assert!(w[0] > 1.0);
        assert!(close(&a[1].direction, &[3.0 * w[0], 2.0 * w[1]], 1e-12));
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..6)
            .map(|k| {
                let t = k as f64;
                let j = Matrix::from_rows(&[[1.0, t, 0.0], [0.0, 3.0, 1.0 - t], [2.0, 0.0, 1.0]])
                    .unwrap();
                Step::new(j, &[1.0, 1.0, 1.0], None)
            })
            .collect();
        assert_resumes(ExcessMtl::default, &steps);
    }
}
