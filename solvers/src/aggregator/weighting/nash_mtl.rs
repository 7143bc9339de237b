//! Nash-MTL: the Nash bargaining solution among the objectives, clipped in norm.

use crate::aggregator::gramian_weighted::diagnostics;
use crate::aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, Properties, StepInput,
};
use crate::error::{ParamsError, Result};
use crate::linalg::{Gramian, alpha_fair_weights, combine, dot, mat_vec};
use crate::method::entry::GradientNeed;
use crate::method::options::Options;
use crate::method::params::{MethodParams, params};
use crate::method::state::MethodState;

/// Residual `max_i |α_i (Gα)_i − 1|` at which the Newton solve stops.
const NASH_TOL: f64 = 1e-9;

params! {
    /// Parameters of [`NashMtl`].
    pub struct NashMtlParams {
        /// Largest allowed `‖d‖`; longer directions are scaled down to it (default 1.0; `0`
        /// disables the clipping; range `[0, ∞)`).
        max_norm: f64 = 1.0 => "1", non_negative,
            "largest allowed norm of the direction (0 = no clipping)";
        /// Recompute the weights every this many calls and reuse them in between (default 1,
        /// at least 1).
        update_weights_every: usize = 1, at_least(1),
            "recompute the weights every this many calls, reuse them in between";
        /// Cap on the Newton iterations of one weight computation (default 20, at least 1),
        /// warm started from the previous call's solution.
        optim_niter: usize = 20, at_least(1),
            "cap on Newton iterations per weight computation (warm-started)";
    }
}

/// The warm-start state: the solution for the trace-normalised Gramian, and the last weights.
#[derive(Clone, Debug, Default)]
struct NashState {
    /// Calls so far.
    step: usize,
    /// `α̂` solving `Ĝα̂ = 1/α̂` for `Ĝ = G/trace(G)` at the last update (warm start).
    alpha_hat: Option<Vec<f64>>,
    /// The weights of the last update, before clipping (reused between updates).
    alpha: Option<Vec<f64>>,
}

/// Multi-task learning as a bargaining game: `d ∝ Jᵀα` with `α_i (Gα)_i = 1` for every `i`
/// (`⟨∇f_i, d⟩ = 1/α_i`: the Nash bargaining solution), scaled down to `‖d‖ ≤ max_norm`.
///
/// **Paper**: Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik & Fetaya, *Multi-Task Learning
/// as a Bargaining Game*, ICML 2022, arXiv:2202.01017, Algorithm 1 and Theorem 5.1 (TorchJD
/// `NashMTL`, LibMTL `Nash_MTL`).
///
/// **Formula**: `α = argmin_{α > 0} ½αᵀGα − Σ_i ln α_i` (stationarity: `Gα = 1/α`); `d = Jᵀα`;
/// if `max_norm > 0` and `‖d‖ > max_norm`, `α` and `d` are scaled by `max_norm/‖d‖`. The exact
/// solution has `‖Jᵀα‖ = √m`, so with the default `max_norm = 1` the output is the unit vector of
/// the bargaining direction.
///
/// **Parameters**: `max_norm` (default 1), `update_weights_every` (default 1), `optim_niter`
/// (default 20) — see [`NashMtlParams`].
///
/// **Properties** (as in [`NASH_MTL_INFO`]): non-conflicting (`(Jd)_i ∝ 1/α_i > 0`, `= 0` for rows
/// no direction can improve), permutation-invariant. Not linear under scaling (the direction does
/// not depend on the scale of `J`), weights not on the simplex. Stateful (warm start, weight
/// reuse).
///
/// **Cost**: `O(m²n)` for `G`, a few damped Newton steps with `m × m` Cholesky factorisations
/// (quadratic convergence from the warm start), `O(mn)` for `d`.
///
/// **Differences from the reference implementation**: the official code (copied by TorchJD and
/// LibMTL) runs up to 20 sequential convex approximations with ECOS from `α = 1`, stopping at
/// `‖Gα − 1/α‖ < 1e-3`, and keeps the previous `α` when a solve fails; we minimise the convex
/// potential above by Newton's method to a residual of 1e-9 plus one polishing step
/// (`optim_niter` caps the Newton steps). When no positive solution exists (the point is
/// Pareto-stationary: a zero row, opposite rows, `0` in the hull) the references fail or keep a
/// stale `α` (on the all-zero matrix they raise); we return the limit of the direction (see
/// [`crate::linalg::alpha_fair_weights`]): `d = 0` for the zero matrix and for opposite rows, and
/// the bargaining solution of the other rows when some rows are zero.
#[derive(Clone, Debug)]
pub struct NashMtl {
    params: NashMtlParams,
    state: NashState,
    m: usize,
}

/// Registry description of [`NashMtl`].
pub static NASH_MTL_INFO: MethodInfo = MethodInfo::new("nash-mtl", "Nash-MTL", Family::Aggregator)
    .cite(
        "Navon et al., Multi-Task Learning as a Bargaining Game, ICML 2022, \
               arXiv:2202.01017",
    )
    .need(GradientNeed::Gramian)
    .stateful()
    .claims(Properties::NONE.non_conflicting().permutation_invariant())
    .options(NashMtlParams::OPTIONS);

impl NashMtl {
    /// Builds the method with validated parameters.
    pub fn new(params: NashMtlParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(NASH_MTL_INFO.name)?;
        Ok(Self {
            params,
            state: NashState::default(),
            m: 0,
        })
    }

    /// Builds from `key=value` options (`max_norm`, `update_weights_every`, `optim_niter`).
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(NashMtlParams::read(NASH_MTL_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &NashMtlParams {
        &self.params
    }
}

/// `Σ v_i²` with eight partial sums (vectorisable, unlike a sequential fold).
fn sum_of_squares(v: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let chunks = v.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().map(|x| x * x).sum();
    for c in chunks {
        for (a, x) in acc.iter_mut().zip(c) {
            *a += x * x;
        }
    }
    acc.iter().sum::<f64>() + tail
}

crate::method::entry::display_as!(NashMtl);

impl Aggregator for NashMtl {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let m = input.n_obj();
        if m != self.m {
            self.reset();
            self.m = m;
        }
        let update = self.state.step % self.params.update_weights_every == 0;
        self.state.step += 1;
        // The weights, their diagnostics and ‖Jᵀα‖² when known from the Gramian.
        let (mut alpha, diag, norm2) = match (&self.state.alpha, update) {
            (Some(previous), false) => (previous.clone(), Diagnostics::default(), None),
            _ => {
                let gramian = Gramian::new(input.jacobian);
                match gramian.normalized() {
                    None => (vec![0.0; m], Diagnostics::default(), Some(0.0)),
                    Some(g) => {
                        let (alpha_hat, stats) = alpha_fair_weights(
                            &g,
                            1.0,
                            self.state.alpha_hat.as_deref(),
                            self.params.optim_niter,
                            NASH_TOL,
                        );
                        // G = s²·t·Ĝ ⇒ α = α̂ / (s √t), and ‖Jᵀα‖² = αᵀGα = α̂ᵀĜα̂.
                        let f = 1.0 / (gramian.scale * gramian.trace().sqrt());
                        let alpha: Vec<f64> = alpha_hat.iter().map(|v| v * f).collect();
                        let norm2 = dot(&alpha_hat, &mat_vec(g.as_slice(), m, &alpha_hat));
                        self.state.alpha_hat = Some(alpha_hat);
                        self.state.alpha = Some(alpha.clone());
                        (alpha, diagnostics(stats), Some(norm2))
                    }
                }
            }
        };
        let mut direction = combine(input.jacobian, &alpha);
        if self.params.max_norm > 0.0 {
            let norm = norm2.unwrap_or_else(|| sum_of_squares(&direction)).sqrt();
            if norm > self.params.max_norm {
                let f = self.params.max_norm / norm;
                for v in &mut alpha {
                    *v *= f;
                }
                for v in &mut direction {
                    *v *= f;
                }
            }
        }
        Ok(Aggregation {
            direction,
            weights: Some(alpha),
            diagnostics: diag,
        })
    }

    fn reset(&mut self) {
        self.state = NashState::default();
    }

    /// The call count, the number of objectives, the warm start `α̂` and the last weights.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        state.put_integers("step", &[self.state.step as u64, self.m as u64]);
        if let Some(alpha_hat) = &self.state.alpha_hat {
            state.put_floats("alpha_hat", alpha_hat);
        }
        if let Some(alpha) = &self.state.alpha {
            state.put_floats("alpha", alpha);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        let counts = state.integers("step")?;
        let [step, m] = counts else {
            return Err(crate::error::Error::InvalidState {
                reason: format!("'step' holds {} words, Nash-MTL saves 2", counts.len()),
            });
        };
        self.m = *m as usize;
        self.state = NashState {
            step: *step as usize,
            alpha_hat: state.floats.get("alpha_hat").cloned(),
            alpha: state.floats.get("alpha").cloned(),
        };
        Ok(())
    }

    /// `d(cJ) = d(J)` when the weights are solved at every call (`update_weights_every = 1`):
    /// the warm start is for the trace-normalised Gramian. Reused weights are in the units of
    /// `1/J`, so with `update_weights_every > 1` the scaling is not stated.
    fn scaling(&self) -> crate::aggregator::Scaling {
        if self.params.update_weights_every == 1 {
            crate::aggregator::Scaling::Invariant
        } else {
            crate::aggregator::Scaling::Unstated
        }
    }

    crate::method::entry::info_is!(NASH_MTL_INFO);
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};
    use tradeoff_pareto::Matrix;

    #[test]
    fn torchjd_sequence_and_reset() {
        // aggregators.md §5.5: J_base, diag(1, .5)·J_base, [[1,1,0],[0,1,1]].
        let js = [
            Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap(),
            Matrix::from_rows(&[[-4.0, 1.0, 1.0], [3.0, 0.5, 0.5]]).unwrap(),
            Matrix::from_rows(&[[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]).unwrap(),
        ];
        let want = [
            [0.054153, 0.706069, 0.706069],
            [0.054153, 0.706069, 0.706069],
            [0.408248, 0.816497, 0.408248],
        ];
        let mut nash = NashMtl::new(NashMtlParams::default()).unwrap();
        let first = nash.aggregate(&StepInput::new(&js[0])).unwrap();
        for (j, w) in js.iter().zip(want) {
            let d = nash.aggregate(&StepInput::new(j)).unwrap().direction;
            for (x, y) in d.iter().zip(w) {
                assert!((x - y).abs() < 1e-5, "{d:?}");
            }
        }
        nash.reset();
        assert_eq!(nash.aggregate(&StepInput::new(&js[0])).unwrap(), first);
    }

    #[test]
    fn zero_matrix_gives_zero() {
        let j = Matrix::zeros(3, 4);
        let mut nash = NashMtl::new(NashMtlParams::default()).unwrap();
        let a = nash.aggregate(&StepInput::new(&j)).unwrap();
        assert_eq!(a.direction, vec![0.0; 4]);
    }

    #[test]
    fn validation_rules() {
        let bad = |p: NashMtlParams| matches!(NashMtl::new(p), Err(ParamsError::Invalid { .. }));
        assert!(bad(NashMtlParams {
            max_norm: -1.0,
            ..NashMtlParams::default()
        }));
        assert!(bad(NashMtlParams {
            update_weights_every: 0,
            ..NashMtlParams::default()
        }));
        assert!(bad(NashMtlParams {
            optim_niter: 0,
            ..NashMtlParams::default()
        }));
    }
}
