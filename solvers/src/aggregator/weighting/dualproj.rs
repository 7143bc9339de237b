//! DualProj: project the (preference-weighted) mean gradient onto the dual cone of the gradients.

use crate::aggregator::gramian_weighted::prelude::*;
use crate::aggregator::weighting::upgrad::{UpGradParams, regularized_gramian};
use crate::linalg::*;

weighting_type!(
    /// The projection of `Jᵀu` (by default the mean gradient) onto the dual cone `{d : Jd ≥ 0}`.
    ///
    /// **Paper**: Lopez-Paz & Ranzato, *Gradient Episodic Memory for Continual Learning*, NeurIPS
    /// 2017, arXiv:1706.08840, Eq. (11) (the dual QP of GEM), as the aggregator `DualProj` of Quinton
    /// & Rey, *Jacobian Descent for Multi-Objective Optimization*, arXiv:2406.16232.
    ///
    /// **Formula**: `G' = G/trace(G) + ε I`, `w = argmin_{v ≥ u} vᵀG'v`, `d = Jᵀw`.
    ///
    /// **Parameters**: `pref` (default: the step's preference, else `1/m`), `reg_eps` (default 1e-4) —
    /// see [`UpGradParams`].
    ///
    /// **Properties** (as in [`DUALPROJ_INFO`]): non-conflicting (up to `reg_eps`),
    /// permutation-invariant; not linear under scaling (the projection of a sum is not the sum of the
    /// projections); weights not on the simplex.
    ///
    /// **Cost**: `O(m²n)` for `G`, one exact dual-cone QP of size `m`, `O(mn)` for `d`.
    ///
    /// **Differences from the reference implementation**: as for [`crate::UpGrad`]: an exact
    /// Lawson–Hanson solve instead of quadprog with the same regularised, trace-normalised Gramian, and
    /// no zeroing of `G` when `‖J‖_F < 0.01` (TorchJD then returns the mean), so the weights do not
    /// depend on the scale of `J`.
    DualProj = DualProjWeighting(DualProjParams),
    DUALPROJ_INFO
);

/// The method table's description of [`DualProj`].
pub static DUALPROJ_INFO: MethodInfo = MethodInfo::new("dualproj", "DualProj", Family::Aggregator)
    .cite(
        "Lopez-Paz & Ranzato, Gradient Episodic Memory for Continual Learning, NeurIPS \
               2017, arXiv:1706.08840; Quinton & Rey, arXiv:2406.16232",
    )
    .need(GradientNeed::Gramian)
    .uses_preference()
    .claims(Properties::NONE.non_conflicting().permutation_invariant())
    .options(DualProjParams::OPTIONS);

impl DualProjWeighting {
    /// The DualProj weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`) and preference `u`.
    pub fn solve(&self, gramian: &Matrix, u: &[f64]) -> (Vec<f64>, Diagnostics) {
        let m = gramian.n_rows();
        let h = regularized_gramian(gramian, self.params.reg_eps);
        let (w, stats) = project_to_dual_cone_raw(&h, m, u, default_max_iter(m));
        (w, diagnostics(stats))
    }
}

impl Weighting for DualProjWeighting {
    crate::method::entry::info_is!(DUALPROJ_INFO);

    /// The weights come from the trace-normalised Gramian: `d(cJ) = c·d(J)`.
    fn scaling(&self) -> Scaling {
        Scaling::Equivariant
    }

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let u = input.preference_or_uniform(self.params.pref.as_deref())?;
        Ok(self.solve(&input.require_gramian(DUALPROJ_INFO.name)?.matrix, &u))
    }
}

/// Parameters of [`DualProj`]: the same as UPGrad's (`pref`, `reg_eps`).
pub type DualProjParams = UpGradParams;

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};

    #[test]
    fn validation_names_dualproj() {
        let err = DualProj::new(DualProjParams {
            reg_eps: -1.0,
            ..DualProjParams::default()
        })
        .unwrap_err();
        assert!(matches!(
            err,
            ParamsError::Invalid {
                method: "dualproj",
                name: "reg_eps",
                ..
            }
        ));
    }
}
