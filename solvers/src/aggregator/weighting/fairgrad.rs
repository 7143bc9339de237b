//! FairGrad: α-fair allocation of the update among the objectives.

use crate::aggregator::gramian_weighted::prelude::*;
use crate::linalg::*;

params! {
    /// Parameters of [`FairGrad`].
    pub struct FairGradParams {
        /// The fairness exponent α (default 1.0, proportional fairness; range `[0, 1000]`;
        /// `α = 0` gives the mean).
        alpha: f64 = 1.0 => "1", closed(0, 1e3),
            "fairness exponent: 0 = uniform weights, 1 = proportional fairness";
        /// Cap on the Newton steps of the α-fair solve (default 100; at least 1).
        max_iters: usize = 100, at_least(1), "cap on Newton iterations";
    }
}

weighting_type!(
    /// FairGrad: `d = Jᵀx` with `x > 0` solving `G x = x^{−1/α}`, i.e. the improvement
    /// `⟨∇f_i, d⟩` of every objective is `x_i^{−1/α}` (α-fair utility maximisation).
    ///
    /// **Paper**: Ban & Ji, *Fair Resource Allocation in Multi-Task Learning*, ICML 2024,
    /// arXiv:2402.15638, Algorithm 1 (TorchJD `FairGrad`, LibMTL `FairGrad`).
    ///
    /// **Formula**: `x = argmin_{x > 0} ½xᵀGx + Σ_i h(x_i)` with `h′(x) = −x^{−1/α}`, whose
    /// stationarity condition is `Gx = x^{−1/α}`; `d = Jᵀx`. `α = 1` is Nash-MTL's bargaining
    /// solution without the norm clipping.
    ///
    /// **Parameters**: `alpha` (default 1), `max_iters` (default 100) — see [`FairGradParams`].
    ///
    /// **Properties** (as in [`FAIRGRAD_INFO`]): non-conflicting (`(Jd)_i = x_i^{−1/α} > 0`, and `= 0`
    /// for rows that no direction can improve), permutation-invariant. Not linear under scaling (for
    /// `α = 1`, `d` does not depend on the scale of `J`), weights not on the simplex.
    ///
    /// **Cost**: `O(m²n)` for `G`, damped Newton with `m × m` Cholesky steps (quadratic convergence),
    /// `O(mn)` for `d`.
    ///
    /// **Differences from the reference implementation**: TorchJD and LibMTL call
    /// `scipy.optimize.least_squares` from `x = 1/m` (at most `100·m` evaluations, so some outputs are
    /// not converged); we minimise the convex potential above by Newton's method to a residual of
    /// 1e-9 plus one polishing step, on `G/trace(G)`, and rescale exactly. When no positive solution
    /// exists (a zero row, opposite rows, `0` inside the hull of the rows) the least-squares iterates
    /// diverge while `d` converges; we return that limit exactly (see
    /// [`crate::linalg::alpha_fair_weights`]), with finite weights.
    FairGrad = FairGradWeighting(FairGradParams),
    FAIRGRAD_INFO
);

/// The method table's description of [`FairGrad`].
pub static FAIRGRAD_INFO: MethodInfo = MethodInfo::new("fairgrad", "FairGrad", Family::Aggregator)
    .cite(
        "Ban & Ji, Fair Resource Allocation in Multi-Task Learning, ICML 2024, \
               arXiv:2402.15638",
    )
    .need(GradientNeed::Gramian)
    .claims(Properties::NONE.non_conflicting().permutation_invariant())
    .options(FairGradParams::OPTIONS);

impl FairGradWeighting {
    /// The FairGrad weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`), with the diagnostics.
    pub fn solve(&self, gramian: &Matrix) -> (Vec<f64>, Diagnostics) {
        self.solve_scaled(gramian, 1.0)
    }

    /// Weights for the Gramian `scale² · gramian`.
    fn solve_scaled(&self, gramian: &Matrix, scale: f64) -> (Vec<f64>, Diagnostics) {
        let m = gramian.n_rows();
        let alpha = self.params.alpha;
        if alpha == 0.0 {
            return (vec![1.0 / m as f64; m], Diagnostics::default());
        }
        let Some(g) = normalized(gramian) else {
            return (vec![0.0; m], Diagnostics::default());
        };
        let (x, stats) = alpha_fair_weights(&g, alpha, None, self.params.max_iters, FAIR_TOL);
        // G = t·Ĝ and Ĝx̂ = x̂^{−1/α} ⇒ x = x̂ · t^{−α/(α+1)}.
        let log_t = trace(gramian).ln() + 2.0 * scale.ln();
        let factor = (-alpha / (alpha + 1.0) * log_t).exp();
        (x.iter().map(|v| v * factor).collect(), diagnostics(stats))
    }
}

impl Weighting for FairGradWeighting {
    crate::method::entry::info_is!(FAIRGRAD_INFO);

    /// `d(cJ) = d(J)` for `α = 1` (`(Gw)_i = 1/w_i`); other `α` are not stated.
    fn scaling(&self) -> Scaling {
        if self.params.alpha == 1.0 {
            Scaling::Invariant
        } else {
            Scaling::Unstated
        }
    }

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let gramian = input.require_gramian(FAIRGRAD_INFO.name)?;
        Ok(self.solve_scaled(&gramian.matrix, gramian.scale))
    }
}

/// Residual `max_i |(Gx)_i x_i^{1/α} − 1|` at which the Newton solve stops.
const FAIR_TOL: f64 = 1e-9;

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};

    #[test]
    fn alpha_zero_is_uniform() {
        let g = Matrix::from_rows(&[[1.0, 0.3], [0.3, 2.0]]).unwrap();
        let f = FairGrad::new(FairGradParams {
            alpha: 0.0,
            ..FairGradParams::default()
        })
        .unwrap();
        assert_eq!(f.weighting().solve(&g).0, vec![0.5, 0.5]);
    }

    #[test]
    fn validation_rules() {
        let bad = |p: FairGradParams| matches!(FairGrad::new(p), Err(ParamsError::Invalid { .. }));
        assert!(bad(FairGradParams {
            alpha: -1.0,
            ..FairGradParams::default()
        }));
        assert!(bad(FairGradParams {
            max_iters: 0,
            ..FairGradParams::default()
        }));
    }
}
