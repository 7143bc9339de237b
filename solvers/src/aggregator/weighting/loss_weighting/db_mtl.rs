//! DB-MTL: dual-balancing, the moving average of the log-loss gradients rescaled to the largest
//! norm.

use tradeoff_pareto::Matrix;

use super::{FAMILY, LossRule, check_losses};
use crate::aggregator::{Aggregation, Aggregator, MethodInfo, Properties, StepInput};
use crate::error::{Error, ParamsError, Result};
use crate::method::entry::GradientNeed;
use crate::method::options::Options;
use crate::method::params::{MethodParams, params};
use crate::method::state::MethodState;

/// LibMTL's guards: inside the logarithm of the losses, and under the norms.
const EPSILON: f64 = 1e-8;

params! {
    /// Parameters of [`DbMtl`].
    pub struct DbMtlParams {
        /// Moving-average factor `β` of the log-loss gradients (LibMTL's `DB_beta`, default 0.9;
        /// in `[0, 1)`).
        beta: f64 = 0.9, closed_open(0, 1),
            "moving-average factor of the log-loss gradients (LibMTL's DB_beta)";
        /// Decay exponent `σ`: at step `k` the factor is `β/k^σ` (LibMTL's `DB_beta_sigma`,
        /// default 0; non-negative).
        beta_sigma: f64 = 0.0 => "0", non_negative,
            "decay exponent: the factor at step k is beta/k^sigma (LibMTL's DB_beta_sigma)";
    }
}

/// Dual-balancing MTL: the gradients of `ln(L_i + 1e-8)` (loss-scale balance), averaged over
/// steps, each rescaled to the largest norm (gradient-magnitude balance), summed.
///
/// **Paper**: Lin, Ye, Wang, Qiu, Zhang & Kwok, *Dual-Balancing for Multi-Task Learning*,
/// arXiv:2308.12029 (LibMTL `DB_MTL`, `LibMTL/weighting/DB_MTL.py`).
///
/// **Formula**: at step `k` (from 1), `h_i = ∇L_i/(L_i + 1e-8)` (the gradient of the log-loss),
/// `b_i ← h_i + (β/k^σ)(b_i − h_i)` from `b = 0` (a moving average with no bias correction),
/// `α_i = max_j‖b_j‖/(‖b_i‖ + 1e-8)`, `d = Σ_i α_i b_i`.
///
/// **Parameters**: `beta` (default 0.9), `beta_sigma` (default 0) — see [`DbMtlParams`].
///
/// **Properties** (as in [`DB_MTL_INFO`]): permutation-invariant. Not linear under scaling (the
/// rescaling to the largest norm), not non-conflicting; no weights (the average mixes earlier
/// Jacobians, so `d` is not `Jᵀw` of this step's `J`). Stateful (the `m × n` average and the step
/// count).
///
/// **Cost**: `O(mn)` per step and `m·n` numbers of state; it reads the whole Jacobian.
///
/// **Differences from the reference implementation**: none in the direction. LibMTL refuses
/// `rep_grad`; so does this method (it needs the Jacobian). The losses must be non-negative
/// ([`Error::InvalidLoss`]).
#[derive(Clone, Debug)]
pub struct DbMtl {
    params: DbMtlParams,
    /// Steps so far.
    steps: u64,
    /// The moving average `b`, `m × n` (empty before the first call).
    average: Option<Matrix>,
}

/// The method table's description of [`DbMtl`].
pub static DB_MTL_INFO: MethodInfo = MethodInfo::new("db-mtl", "DB-MTL", FAMILY)
    .cite("Lin et al., Dual-Balancing for Multi-Task Learning, arXiv:2308.12029; LibMTL")
    .need(GradientNeed::Jacobian)
    .needs_losses()
    .stateful()
    .claims(Properties::NONE.permutation_invariant())
    .options(DbMtlParams::OPTIONS);

impl DbMtl {
    /// Builds the method with validated parameters.
    ///
    /// # Errors
    /// [`ParamsError::Invalid`] naming the first parameter that breaks its rule.
    pub fn new(params: DbMtlParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(DB_MTL_INFO.name)?;
        Ok(Self {
            params,
            steps: 0,
            average: None,
        })
    }

    /// Builds from `key=value` options (`beta`, `beta_sigma`).
    ///
    /// # Errors
    /// Option errors and [`ParamsError::Invalid`].
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(DbMtlParams::read(DB_MTL_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &DbMtlParams {
        &self.params
    }
}

impl Default for DbMtl {
    fn default() -> Self {
        Self::new(DbMtlParams::default()).expect("the defaults are valid")
    }
}

crate::method::entry::display_as!(DbMtl);

impl Aggregator for DbMtl {
    crate::method::entry::info_is!(DB_MTL_INFO);

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let losses = input.require_losses(DB_MTL_INFO.name)?;
        check_losses(DB_MTL_INFO.name, losses, LossRule::NonNegative)?;
        let (m, n) = (input.n_obj(), input.n_var());
        let fits = self
            .average
            .as_ref()
            .is_some_and(|b| b.n_rows() == m && b.n_cols() == n);
        if !fits {
            self.reset();
        }
        let average = self.average.get_or_insert_with(|| Matrix::zeros(m, n));
        self.steps += 1;
        let factor = self.params.beta / (self.steps as f64).powf(self.params.beta_sigma);
        let mut norms = vec![0.0; m];
        let rows = average.as_mut_slice().chunks_mut(n.max(1));
        for (i, (row, norm)) in rows.zip(&mut norms).enumerate() {
            let inverse = 1.0 / (losses[i] + EPSILON);
            let gradient = input.jacobian.row(i);
            let mut sum = 0.0;
            for (b, g) in row.iter_mut().zip(gradient) {
                let h = g * inverse;
                *b = h + factor * (*b - h);
                sum += *b * *b;
            }
            *norm = sum.sqrt();
        }
        let largest = norms.iter().copied().fold(0.0, f64::max);
        let alpha: Vec<f64> = norms.iter().map(|u| largest / (u + EPSILON)).collect();
        let direction = crate::linalg::combine(average, &alpha);
        // LibMTL's absolute guard ε under the norms: moving averages far below ε (a Jacobian
        // near 1e-200) give factors near largest/ε and a direction that underflows to zero.
        // That is the definition, but a zero step from a non-zero Jacobian is refused rather
        // than returned silently.
        if direction.iter().all(|&d| d == 0.0)
            && input.jacobian.as_slice().iter().any(|&g| g != 0.0)
        {
            return Err(Error::NonFiniteOutput {
                method: DB_MTL_INFO.name,
                what: "direction (it underflows to zero below the norm guard 1e-8)",
                index: 0,
            });
        }
        Ok(Aggregation::from_direction(direction))
    }

    fn reset(&mut self) {
        self.steps = 0;
        self.average = None;
    }

    /// The step count and the moving average (with its shape).
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        state.put_integers("steps", &[self.steps]);
        if let Some(b) = &self.average {
            state.put_integers("shape", &[b.n_rows() as u64, b.n_cols() as u64]);
            state.put_floats("average", b.as_slice());
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.steps = state.integer("steps")?;
        self.average = if state.contains("average") {
            let shape = state.integers("shape")?;
            let [m, n] = shape else {
                return Err(Error::InvalidState {
                    reason: format!("'shape' holds {} words, DB-MTL saves 2", shape.len()),
                });
            };
            let (m, n) = (*m as usize, *n as usize);
            let values = state.floats_of_len("average", m * n)?.to_vec();
            Some(
                Matrix::from_vec(m, n, values).map_err(|e| Error::InvalidState {
                    reason: format!("'average': {e}"),
                })?,
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

    #[test]
    fn two_steps_by_hand() {
        let j0 = Matrix::from_rows(&[[3.0, 0.0], [0.0, 1.0]]).unwrap();
        let j1 = Matrix::from_rows(&[[0.0, 2.0], [1.0, 1.0]]).unwrap();
        let steps = [
            Step::new(j0, &[1.0, 0.5], None),
            Step::new(j1, &[2.0, 1.0], None),
        ];
        let a = run_all(&mut DbMtl::default(), &steps);
        // Step 1: h = (3, 0)/1 and (0, 1)/0.5 = (0, 2); b = 0.1·h = (0.3, 0), (0, 0.2);
        // α = (0.3/0.3, 0.3/0.2) (up to 1e-8): d = (0.3, 0.3).
        let e = 1e-8;
        let b0 = [0.3 * (1.0 / (1.0 + e)), 0.0];
        let b1 = [0.0, 0.1 * 2.0 * (0.5 / (0.5 + e))];
        let largest = b0[0];
        let want = [largest / (b0[0] + e) * b0[0], largest / (b1[1] + e) * b1[1]];
        assert!(close(&a[0].direction, &want, 1e-15), "{:?}", a[0].direction);
        assert!(close(&a[0].direction, &[0.3, 0.3], 1e-7));
        assert_eq!(a[0].weights, None);
        // Step 2: h = (0, 1) and (1, 1); b = h + 0.9(b − h): (0.27, 0.1), (0.1, 0.28).
        let b0: [f64; 2] = [0.27, 0.1];
        let b1: [f64; 2] = [0.1, 0.28];
        let n0 = (b0[0] * b0[0] + b0[1] * b0[1]).sqrt();
        let n1 = (b1[0] * b1[0] + b1[1] * b1[1]).sqrt();
        let largest = n0.max(n1);
        let want = [
            largest / n0 * b0[0] + largest / n1 * b1[0],
            largest / n0 * b0[1] + largest / n1 * b1[1],
        ];
        assert!(
            close(&a[1].direction, &want, 1e-7),
            "{:?} vs {want:?}",
            a[1].direction
        );
    }

    #[test]
    fn libmtl_first_step_on_j_base() {
        // aggregators.md §5.2, LibMTL's linear harness (c = [1, 2]): DB_MTL's first step on
        // J_base is [0.0129483, 0.168825, 0.168825].
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let a = run_all(&mut DbMtl::default(), &[Step::new(j, &[1.0, 2.0], None)]);
        assert!(
            close(&a[0].direction, &[0.0129483, 0.168825, 0.168825], 1e-6),
            "{:?}",
            a[0].direction
        );
    }

    #[test]
    fn state_round_trip() {
        let steps: Vec<Step> = (0..6)
            .map(|k| {
                let t = k as f64;
                let j = Matrix::from_rows(&[[1.0, t, 0.0], [0.0, 3.0, 1.0 - t], [2.0, 0.0, 1.0]])
                    .unwrap();
                Step::new(j, &[1.0 / (1.0 + t), 2.0 - 0.1 * t, 0.5], None)
            })
            .collect();
        assert_resumes(
            || {
                DbMtl::new(DbMtlParams {
                    beta: 0.9,
                    beta_sigma: 0.5,
                })
                .unwrap()
            },
            &steps,
        );
    }
}
