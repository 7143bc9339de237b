//! MGDA: the minimum-norm point of the convex hull of the gradients, solved exactly.

use crate::aggregator::gramian_weighted::prelude::*;
use crate::linalg::*;

params! {
    /// Parameters of [`Mgda`].
    pub struct MgdaParams {
        /// Relative tolerance of the exact solve's dual feasibility (default 1e-14; range
        /// `(0, 1e-3]`).
        tol: f64 = 1e-14, open_closed(0, 1e-3),
            "relative dual-feasibility tolerance of the exact active-set solve";
        /// Cap on the active-set iterations (default 1000; at least 1).
        max_iters: usize = 1000, at_least(1), "cap on active-set iterations";
        /// LibMOON's two-objective rule (default `false`): for exactly two rows, `γ` is clipped
        /// to 0.999 / 0.001 instead of 1 / 0 when one gradient's projection dominates
        /// (LibMOON's `solve_mgda_analy`, from Sener & Koltun's code). For reproducing LibMOON's
        /// MGDA-UB runs; no effect for other sizes.
        libmoon: bool = false, any,
            "LibMOON's two-row rule: gamma clipped to 0.999/0.001 instead of 1/0";
    }
}

weighting_type!(
    /// The multiple-gradient descent algorithm: the minimum-norm element of the convex hull of the
    /// gradients, `d = argmin_{d ∈ conv{∇f_i}} ‖d‖`.
    ///
    /// **Paper**: Désidéri, *Multiple-gradient descent algorithm (MGDA) for multiobjective
    /// optimization*, Comptes Rendus Mathématique 350 (2012); as used for multi-task learning by Sener
    /// & Koltun, *Multi-Task Learning as Multi-Objective Optimization*, NeurIPS 2018, arXiv:1810.04650,
    /// Eq. (3)/Algorithm 2.
    ///
    /// **Formula**: `w = argmin_{w ≥ 0, Σw = 1} wᵀGw` with `G = JJᵀ`, `d = Jᵀw`. At the optimum
    /// `⟨∇f_i, d⟩ ≥ ‖d‖²` for every `i`, so `d` decreases every objective unless `d = 0` (a
    /// Pareto-stationary point).
    ///
    /// **Parameters**: `tol` (default 1e-14), `max_iters` (default 1000), `libmoon` (default
    /// `false`) — see [`MgdaParams`].
    ///
    /// **Properties** (as in [`MGDA_INFO`]): non-conflicting, permutation-invariant (the direction;
    /// tied weights may be split differently), weights on the simplex; not linear under scaling.
    ///
    /// **Cost**: `O(m²n)` for `G`, an `m × m` solve (closed form for `m = 2`, Lawson–Hanson NNLS
    /// otherwise: about `O(m³)` in practice), `O(mn)` for `d`.
    ///
    /// **Differences from the reference implementation**: TorchJD's `MGDA` runs Frank–Wolfe with
    /// tolerance `1e-3` and 100 iterations (5e-5 away from the optimum on some inputs), LibMTL's
    /// clamps the two-task step to `[0.001, 0.999]`, LibMOON uses a float32 closed form for two tasks
    /// and cvxopt otherwise. We solve the same QP exactly: the two-task closed form, and for `m > 2`
    /// Lawson & Hanson's reduction of least-distance programming to NNLS on `[Jᵀ; γ1ᵀ]` (finite active
    /// set, exact up to rounding, and valid for singular `G`). When every weight is optimal (a zero
    /// Jacobian, or two identical rows for `m = 2`) the uniform weights are returned, where TorchJD
    /// returns `e_1`. With `libmoon=true` the two-row case follows LibMOON's `solve_mgda_analy`:
    /// when `⟨g₁, g₂⟩ ≥ ‖g₁‖²` the weights are `(0.999, 0.001)`, when `⟨g₁, g₂⟩ ≥ ‖g₂‖²` they are
    /// `(0.001, 0.999)` (ours: `(1, 0)` and `(0, 1)`), otherwise the same closed form; the
    /// direction then conflicts with one objective by `0.001·⟨g_i, g_j⟩` at most. (LibMOON
    /// stores the two weights in float32; we keep them in f64.)
    Mgda = MgdaWeighting(MgdaParams),
    MGDA_INFO
);

/// The method table's description of [`Mgda`].
pub static MGDA_INFO: MethodInfo = MethodInfo::new("mgda", "MGDA", Family::Aggregator)
    .cite(
        "Désidéri, Multiple-gradient descent algorithm (MGDA), C. R. Math. 2012; Sener & \
               Koltun, Multi-Task Learning as Multi-Objective Optimization, NeurIPS 2018, \
               arXiv:1810.04650",
    )
    .need(GradientNeed::Gramian)
    .claims(
        Properties::NONE
            .non_conflicting()
            .permutation_invariant()
            .weights_on_simplex(),
    )
    .options(MgdaParams::OPTIONS);

impl MgdaWeighting {
    /// The MGDA weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`), with the solve's diagnostics.
    pub fn solve(&self, gramian: &tradeoff_pareto::Matrix) -> (Vec<f64>, Diagnostics) {
        let m = gramian.n_rows();
        let Some(g) = crate::linalg::normalized(gramian) else {
            return (vec![1.0 / m as f64; m], Diagnostics::default());
        };
        let g = g.as_slice();
        if m == 1 {
            return (vec![1.0], Diagnostics::default());
        }
        if m == 2 {
            // min over w = (γ, 1 − γ) of ‖γ g₁ + (1 − γ) g₂‖².
            let denom = g[0] + g[3] - 2.0 * g[1];
            let gamma = if self.params.libmoon && g[1] >= g[0] {
                0.999
            } else if self.params.libmoon && g[1] >= g[3] {
                0.001
            } else if denom > 1e-15 {
                ((g[3] - g[1]) / denom).clamp(0.0, 1.0)
            } else {
                0.5
            };
            let w = vec![gamma, 1.0 - gamma];
            let residual = hull_gap(g, m, &w);
            return (
                w,
                Diagnostics {
                    inner_iters: 0,
                    converged: true,
                    residual,
                },
            );
        }
        let (w, stats) = min_norm_weights_raw(g, m, self.params.tol, self.params.max_iters);
        (w, diagnostics(stats))
    }
}

impl Weighting for MgdaWeighting {
    crate::method::entry::info_is!(MGDA_INFO);

    /// The weights come from the trace-normalised Gramian: `d(cJ) = c·d(J)`.
    fn scaling(&self) -> Scaling {
        Scaling::Equivariant
    }

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        Ok(self.solve(&input.require_gramian(MGDA_INFO.name)?.matrix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};
    use tradeoff_pareto::Matrix;

    #[test]
    fn two_rows_closed_form() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let a = Mgda::new(MgdaParams::default())
            .unwrap()
            .aggregate(&StepInput::new(&j))
            .unwrap();
        let w = a.weights.unwrap();
        assert!((w[0] - 0.6).abs() < 1e-15 && (w[1] - 0.4).abs() < 1e-15);
        assert!(a.direction[0].abs() < 1e-15 && (a.direction[1] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn libmoon_clips_the_two_row_step() {
        // LibMOON's solve_mgda_analy: ⟨g₁, g₂⟩ ≥ ‖g₁‖² gives γ = 0.999, ⟨g₁, g₂⟩ ≥ ‖g₂‖² gives
        // γ = 0.001 (exact: 1 and 0), otherwise the closed form.
        let weights = |rows: &[[f64; 2]], libmoon: bool| {
            let j = Matrix::from_rows(rows).unwrap();
            let params = MgdaParams {
                libmoon,
                ..MgdaParams::default()
            };
            Mgda::new(params)
                .unwrap()
                .aggregate(&StepInput::new(&j))
                .unwrap()
                .weights
                .unwrap()
        };
        assert_eq!(
            weights(&[[1.0, 0.0], [2.0, 0.0]], true),
            vec![0.999, 1.0 - 0.999]
        );
        assert_eq!(weights(&[[1.0, 0.0], [2.0, 0.0]], false), vec![1.0, 0.0]);
        assert_eq!(
            weights(&[[2.0, 0.0], [1.0, 0.0]], true),
            vec![0.001, 1.0 - 0.001]
        );
        assert_eq!(weights(&[[2.0, 0.0], [1.0, 0.0]], false), vec![0.0, 1.0]);
        // g₁ = (1, 0), g₂ = (0, 2): γ = (4 − 0)/(1 + 4 − 0) = 0.8 with either rule.
        for libmoon in [false, true] {
            let w = weights(&[[1.0, 0.0], [0.0, 2.0]], libmoon);
            assert!(
                (w[0] - 0.8).abs() < 1e-15 && (w[1] - 0.2).abs() < 1e-15,
                "{w:?}"
            );
        }
        let o = Options::new().with("libmoon", "true");
        assert!(Mgda::from_options(&o).unwrap().params().libmoon);
    }

    #[test]
    fn validation_rules() {
        let bad = |p: MgdaParams| matches!(Mgda::new(p), Err(ParamsError::Invalid { .. }));
        assert!(bad(MgdaParams {
            tol: 0.0,
            ..MgdaParams::default()
        }));
        assert!(bad(MgdaParams {
            tol: 0.5,
            ..MgdaParams::default()
        }));
        assert!(bad(MgdaParams {
            max_iters: 0,
            ..MgdaParams::default()
        }));
        let o = Options::new().with("eps", 1e-3);
        assert!(matches!(
            Mgda::from_options(&o),
            Err(ParamsError::UnknownOption { .. })
        ));
    }
}
