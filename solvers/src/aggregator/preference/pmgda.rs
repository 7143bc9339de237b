//! PMGDA: Pareto multiple-gradient descent with preference constraints (Zhang et al. 2024),
//! and the exact minimum-norm-point solver (Wolfe's algorithm) that it and ParetoMTL use for
//! their MGDA sub-steps.

use crate::aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, Properties, StepInput,
};
use crate::error::{ParamsError, Result};
use crate::linalg::{Gramian, LinearProgram, LpStatus, MinNorm, min_norm_simplex};
use crate::method::entry::GradientNeed;
use crate::method::options::Options;
use crate::method::params::{MethodParams, option_choices, params};

params! {
    /// Parameters of [`Pmgda`].
    pub struct PmgdaParams {
        /// Constraint tolerance: below it the step is a plain MGDA (prediction) step. Default
        /// `0.01` (LibMOON `config/pmgda.json`). Finite, ≥ 0.
        h_eps: f64 = 0.01, non_negative,
            "constraint tolerance below which the step is plain MGDA";
        /// Required fraction of `‖∇h‖` that the correction step must achieve along `∇h`.
        /// Default `0.95` (LibMOON `config/pmgda.json`). In (0, 1].
        sigma: f64 = 0.95, open_closed(0, 1),
            "fraction of |grad h| the correction step must achieve along grad h";
        /// Guard added to the row norms when normalising `[J; ∇h]` for the LP. Default `1e-4`
        /// (LibMOON's hard-coded value). Finite, ≥ 0.
        norm_eps: f64 = 1e-4, non_negative,
            "guard added to row norms when normalising [J; grad h]";
        /// How the prediction step's min-norm problem is solved. Default [`MgdaSolve::Exact`].
        mgda: MgdaSolve = MgdaSolve::Exact => "exact", any,
            "exact min-norm, or libmoon (two-row closed form clamped to 0.999/0.001)";
    }
}

/// How the MGDA (min-norm) sub-problems of PMGDA and ParetoMTL are solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MgdaSolve {
    /// The exact minimum-norm point for every size (Wolfe's algorithm).
    Exact,
    /// LibMOON's `solve_mgda`: for exactly two rows the closed form with γ clamped to
    /// 0.999 / 0.001 when one gradient's projection dominates (from Sener & Koltun's code);
    /// exact otherwise. For reproducing LibMOON's numbers.
    LibMoon,
}

option_choices!(MgdaSolve {
    Exact = "exact",
    LibMoon = "libmoon",
});

impl MgdaSolve {
    /// `argmin_{α∈Δ} αᵀGα` by this rule.
    pub(crate) fn solve(self, g: &Gramian) -> MinNorm {
        if self == Self::LibMoon && g.n_obj() == 2 {
            let (v11, v22, v12) = (g[0][0], g[1][1], g[0][1]);
            let gamma = if v12 >= v11 {
                0.999
            } else if v12 >= v22 {
                0.001
            } else {
                (v22 - v12) / (v11 + v22 - 2.0 * v12)
            };
            return MinNorm {
                weights: vec![gamma, 1.0 - gamma],
                iters: 0,
                converged: true,
                gap: 0.0,
            };
        }
        min_norm_simplex(g)
    }
}

/// Which branch the last PMGDA step took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PmgdaBranch {
    /// `h < h_eps`: exact MGDA on `J`.
    Prediction,
    /// `h ≥ h_eps`: the correction LP.
    Correction,
    /// `h ≥ h_eps` but the LP was infeasible (gradients tiny compared with `norm_eps`): the
    /// step follows `∇h` alone.
    CorrectionFallback,
}

/// What the last PMGDA step computed.
#[derive(Clone, Debug, PartialEq)]
pub struct PmgdaStep {
    /// The branch taken.
    pub branch: PmgdaBranch,
    /// The constraint value `h` (distance of the losses to the preference ray).
    pub h: f64,
    /// `∂h/∂f` (length `n_obj`).
    pub dh_dlosses: Vec<f64>,
}

/// PMGDA, Pareto multiple-gradient descent with a preference constraint.
///
/// **Paper.** X. Zhang, X. Lin and Q. Zhang, "PMGDA: A Preference-based Multiple Gradient
/// Descent Algorithm", arXiv:2402.09492 (2024), Eqs. (18) and (20).
///
/// **Formula.** Constraint `h(f) = ‖f − ⟨f, λ̂⟩λ̂‖` (PBI distance to the ray `λ̂ = λ/‖λ‖`),
/// `∇h = (∂h/∂f)ᵀJ`. If `h < h_eps`: `α = argmin_{α∈Δ} ‖Jᵀα‖` (prediction). Otherwise, with
/// `G = [J; ∇h]` ((m+1)×n) and `ĝ_j = G_j/(‖G_j‖ + norm_eps)`, solve the LP
/// `min_{μ∈Δ_{m+1}, c} c` s.t. `⟨g_i, d⟩ ≥ −c` (i < m), `⟨∇h, d⟩ ≥ σ‖∇h‖`, `d = Σ_j μ_j ĝ_j`, and
/// map back (Eq. 18): `α_i = μ_i/‖g_i‖ + (μ_m/‖∇h‖)·∂h/∂f_i`. The direction is `d = Jᵀα`.
///
/// **Parameters.** [`PmgdaParams`]: `h_eps = 0.01`, `sigma = 0.95`, `norm_eps = 1e-4`,
/// `mgda = exact`.
///
/// **Properties claimed.** Permutation invariant (rows, losses and preference together) when
/// the LP optimum is unique. Weights are not on the simplex (the correction can ascend).
///
/// **Cost.** O(m²n) for the products, then one LP with m+3 variables and m+2 constraints, or
/// one exact min-norm problem (Wolfe's algorithm) in the prediction branch. Measured on the
/// fixture inputs: 16–700 µs per step (m = 2…10) in an unoptimised debug build; LibMOON
/// takes ≈ 5 ms per iteration for 8 subproblems (libmoon.md §6.4).
///
/// **Differences from the reference implementation** (LibMOON `pmgda_solver.py`, commit b43d825):
/// - the LP is solved by our exact dense simplex instead of cvxopt's interior point. Where the
///   optimum is unique both agree: 10 of the 15 `pmgda_solve_pmgda` vectors in the shared
///   fixtures match to 1e-6. Where it is not, cvxopt returns a point inside the optimal face and
///   we return a vertex: colinear rows give the same direction with other weights, `m > n`
///   gives the same LP value (to cvxopt's 1e-8) with another direction;
/// - zero-norm rows: LibMOON divides `μ_i` by `‖g_i‖ = 0` and returns inf/NaN weights; we give
///   such a row weight 0 (it contributes nothing to `d` anyway), and likewise `∇h = 0`;
/// - a Jacobian whose largest entry is above `2^400` or below `2^-400` is solved at unit size
///   (`2^k·J`, with `norm_eps·2^k`: the same problems exactly), where the row norms would
///   otherwise overflow or underflow and give a zero step;
/// - when the LP is infeasible (all gradients small compared with `norm_eps = 1e-4`, so no
///   convex combination of the shrunken unit rows reaches `σ‖∇h‖`), LibMOON returns cvxopt's
///   last iterate (weights like −7·10⁴); we step along `∇h` alone (`μ = e_m`) and report
///   `converged = false`;
/// - the prediction step uses the exact min-norm point for every m; LibMOON clamps the m = 2
///   closed form to γ ∈ [0.001, 0.999] (option `mgda=libmoon`);
/// - the preference is used in f64 (LibMOON rounds it to f32 inside `pbi`).
#[derive(Clone, Debug)]
pub struct Pmgda {
    params: PmgdaParams,
    last: Option<PmgdaStep>,
}

impl Pmgda {
    /// Validates `params`.
    pub fn new(params: PmgdaParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(PMGDA_INFO.name)?;
        Ok(Self { params, last: None })
    }

    /// Reads `h_eps`, `sigma`, `norm_eps` and `mgda` (`exact` | `libmoon`), then rejects
    /// unknown keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(PmgdaParams::read(PMGDA_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &PmgdaParams {
        &self.params
    }

    /// What the last call computed (`None` before the first call).
    pub fn last_step(&self) -> Option<&PmgdaStep> {
        self.last.as_ref()
    }
}

crate::method::entry::display_as!(Pmgda);

impl Aggregator for Pmgda {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let losses = input.require_losses("pmgda")?;
        let pref = input.require_preference("pmgda")?;
        let j = input.jacobian;
        let (m, n) = (input.n_obj(), input.n_var());
        // Entries above 2^400 or below 2^-400: norms and dot products would overflow or
        // underflow. Run on 2^k·J with norm_eps·2^k (the same LP and MGDA problems exactly) and
        // map the weights back: the MGDA weights are scale-free, the correction's scale as 1/J.
        if let Some(k) = crate::aggregator::rescale_exponent(j.as_slice()) {
            use crate::aggregator::times_power_of_two;
            let data = j
                .as_slice()
                .iter()
                .map(|&v| times_power_of_two(v, k))
                .collect();
            let scaled = tradeoff_pareto::Matrix::from_vec(m, n, data).expect("J's shape");
            let saved = self.params.norm_eps;
            self.params.norm_eps = times_power_of_two(saved, k);
            let out = self.aggregate(&StepInput {
                jacobian: &scaled,
                ..*input
            });
            self.params.norm_eps = saved;
            let out = out?;
            let prediction = self
                .last
                .as_ref()
                .is_some_and(|s| s.branch == PmgdaBranch::Prediction);
            let mut weights = out.weights.expect("PMGDA gives weights");
            if !prediction {
                for w in &mut weights {
                    *w = times_power_of_two(*w, k);
                }
            }
            return Ok(Aggregation::from_weights(j, weights).with_diagnostics(out.diagnostics));
        }

        // h and ∂h/∂f.
        let pn = pref.iter().map(|v| v * v).sum::<f64>().sqrt();
        let lhat: Vec<f64> = pref.iter().map(|v| v / pn).collect();
        let d1: f64 = losses.iter().zip(&lhat).map(|(a, b)| a * b).sum();
        let perp: Vec<f64> = losses.iter().zip(&lhat).map(|(l, u)| l - d1 * u).collect();
        let h = perp.iter().map(|v| v * v).sum::<f64>().sqrt();
        let jh: Vec<f64> = if h > 0.0 {
            perp.iter().map(|v| v / h).collect()
        } else {
            vec![0.0; m]
        };

        let (weights, branch, diagnostics) = if h < self.params.h_eps {
            let gram = Gramian::unscaled(j);
            let mn = self.params.mgda.solve(&gram);
            (
                mn.weights,
                PmgdaBranch::Prediction,
                Diagnostics {
                    inner_iters: mn.iters,
                    converged: mn.converged,
                    residual: mn.gap,
                },
            )
        } else {
            let grad_h = crate::aggregator::combine_rows(j, &jh);
            let mut rows: Vec<&[f64]> = j.rows().collect();
            rows.push(&grad_h);
            let norms: Vec<f64> = rows
                .iter()
                .map(|r| r.iter().map(|v| v * v).sum::<f64>().sqrt())
                .collect();
            let norm_h = norms[m];
            // GGn[i][k] = ⟨G_i, Ĝ_k⟩.
            let mut ggn = vec![vec![0.0; m + 1]; m + 1];
            for i in 0..=m {
                for k in 0..=m {
                    let dot: f64 = (0..n).map(|c| rows[i][c] * rows[k][c]).sum();
                    ggn[i][k] = dot / (norms[k] + self.params.norm_eps);
                }
            }
            // Variables: μ_0..μ_m, c⁺, c⁻ (c = c⁺ − c⁻); maximise −c.
            let nv = m + 3;
            let mut lp = LinearProgram::new(nv);
            lp.objective[m + 1] = -1.0;
            lp.objective[m + 2] = 1.0;
            for gg in ggn.iter().take(m) {
                let mut a = gg.clone();
                a.push(1.0);
                a.push(-1.0);
                lp.add_ge(a, 0.0);
            }
            let mut a = ggn[m].clone();
            a.extend([0.0, 0.0]);
            lp.add_ge(a, self.params.sigma * norm_h);
            let mut a = vec![1.0; m + 1];
            a.extend([0.0, 0.0]);
            lp.add_eq(a, 1.0);
            let sol = lp.maximize();
            let (mu, branch, converged) = if sol.status == LpStatus::Optimal {
                (sol.x[..=m].to_vec(), PmgdaBranch::Correction, true)
            } else {
                let mut mu = vec![0.0; m + 1];
                mu[m] = 1.0;
                (mu, PmgdaBranch::CorrectionFallback, false)
            };
            // Eq. (18): back to weights on the rows of J.
            let h_coef = if norm_h > 0.0 { mu[m] / norm_h } else { 0.0 };
            let weights: Vec<f64> = (0..m)
                .map(|i| {
                    let own = if norms[i] > 0.0 {
                        mu[i] / norms[i]
                    } else {
                        0.0
                    };
                    own + h_coef * jh[i]
                })
                .collect();
            (
                weights,
                branch,
                Diagnostics {
                    inner_iters: sol.iters,
                    converged,
                    residual: 0.0,
                },
            )
        };
        self.last = Some(PmgdaStep {
            branch,
            h,
            dh_dlosses: jh,
        });
        Ok(Aggregation::from_weights(j, weights).with_diagnostics(diagnostics))
    }

    fn reset(&mut self) {
        self.last = None;
    }

    crate::method::entry::info_is!(PMGDA_INFO);
}

/// The registry row.
pub static PMGDA_INFO: MethodInfo = MethodInfo::new("pmgda", "PMGDA", Family::PreferenceGuided)
.cite("Zhang, Lin & Zhang, PMGDA: A Preference-based Multiple Gradient Descent Algorithm, arXiv:2402.09492, 2024")
.need(GradientNeed::Gramian)
.uses_preference()
.needs_losses()
.claims(Properties::NONE.permutation_invariant())
.options(PmgdaParams::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;
    use tradeoff_pareto::Matrix;

    fn gram_of(rows: &[&[f64]]) -> Gramian {
        Gramian::unscaled(&Matrix::from_rows(rows).unwrap())
    }

    #[test]
    fn min_norm_two_rows_closed_form() {
        // J_base: min-norm weights [0.6, 0.4].
        let mn = min_norm_simplex(&gram_of(&[&[-4.0, 1.0, 1.0], &[6.0, 1.0, 1.0]]));
        assert!((mn.weights[0] - 0.6).abs() < 1e-13, "{:?}", mn.weights);
        assert!(mn.converged);
    }

    #[test]
    fn min_norm_duplicates_and_dominated() {
        // Rows (1,0), (1,0), (0,1): min-norm point (0.5, 0.5).
        let g = gram_of(&[&[1.0, 0.0], &[1.0, 0.0], &[0.0, 1.0]]);
        let mn = min_norm_simplex(&g);
        let d0 = mn.weights[0] + mn.weights[1];
        assert!((d0 - 0.5).abs() < 1e-13 && (mn.weights[2] - 0.5).abs() < 1e-13);
        // One row inside the hull of the others: the point (0.5,0.5) itself.
        let g = gram_of(&[&[1.0, 0.0], &[0.5, 0.5], &[0.0, 1.0]]);
        let mn = min_norm_simplex(&g);
        let d = [
            mn.weights[0] + 0.5 * mn.weights[1],
            0.5 * mn.weights[1] + mn.weights[2],
        ];
        assert!((d[0] - 0.5).abs() < 1e-13 && (d[1] - 0.5).abs() < 1e-13);
        // Opposite rows: the origin.
        let g = gram_of(&[&[1.0, 2.0], &[-1.0, -2.0]]);
        let mn = min_norm_simplex(&g);
        assert!((mn.weights[0] - 0.5).abs() < 1e-13);
    }

    #[test]
    fn params_validation() {
        for (edit, field) in [
            (
                (|p: &mut PmgdaParams| p.h_eps = -1.0) as fn(&mut PmgdaParams),
                "h_eps",
            ),
            (|p: &mut PmgdaParams| p.sigma = 1.5, "sigma"),
            (|p: &mut PmgdaParams| p.norm_eps = f64::NAN, "norm_eps"),
        ] {
            let mut p = PmgdaParams::default();
            edit(&mut p);
            assert!(
                matches!(Pmgda::new(p).unwrap_err(), ParamsError::Invalid { name, .. } if name == field)
            );
        }
        assert!(Pmgda::from_options(&Options::new().with("sigma", 0.5)).is_ok());
        assert!(Pmgda::from_options(&Options::new().with("eps", 0.5)).is_err());
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Pmgda>();
    }
}
