//! DualProj: project the (preference-weighted) mean gradient onto the dual cone of the gradients.

use std::fmt;

use tradeoff_pareto::Matrix;

use crate::aggregator::weighting::upgrad::{UpGradParams, regularized_gramian};
use crate::aggregator::weighting::{diagnostics, preference_vector, weighted};
use crate::aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, OptionInfo, Properties, StepInput,
};
use crate::error::{ParamsError, Result};
use crate::linalg::{ScaledGramian, default_max_iter, project_to_dual_cone_raw};
use crate::method::options::Options;

/// Parameters of [`DualProj`]: the same as UPGrad's (`pref`, `reg_eps`).
pub type DualProjParams = UpGradParams;

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
#[derive(Clone, Debug)]
pub struct DualProj {
    params: DualProjParams,
}

/// Registry description of [`DualProj`].
pub static DUALPROJ_INFO: MethodInfo = MethodInfo {
    name: "dualproj",
    display: "DualProj",
    family: Family::Aggregator,
    citation: "Lopez-Paz & Ranzato, Gradient Episodic Memory for Continual Learning, NeurIPS \
               2017, arXiv:1706.08840; Quinton & Rey, arXiv:2406.16232",
    uses_preference: true,
    needs_losses: false,
    stateful: false,
    randomized: false,
    properties: Properties {
        non_conflicting: true,
        permutation_invariant: true,
        linear_under_scaling: false,
        weights_on_simplex: false,
    },
    options: &[
        OptionInfo {
            name: "pref",
            default: "1/m",
            doc: "comma-separated preference u (else the step's preference, else uniform)",
        },
        OptionInfo {
            name: "reg_eps",
            default: "1e-4",
            doc: "added to the diagonal of G/trace(G) before the QP",
        },
    ],
};

impl DualProj {
    /// Builds the method with validated parameters.
    pub fn new(params: DualProjParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(DUALPROJ_INFO.name)?;
        Ok(Self { params })
    }

    /// Builds from `key=value` options (`pref`, `reg_eps`).
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(UpGradParams::from_options_for(DUALPROJ_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &DualProjParams {
        &self.params
    }

    /// The DualProj weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`) and preference `u`.
    pub fn weights(&self, gramian: &Matrix, u: &[f64]) -> (Vec<f64>, Diagnostics) {
        let m = gramian.n_rows();
        let h = regularized_gramian(gramian, self.params.reg_eps);
        let (w, stats) = project_to_dual_cone_raw(&h, m, u, default_max_iter(m));
        (w, diagnostics(stats))
    }
}

impl fmt::Display for DualProj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DUALPROJ_INFO.display)
    }
}

impl Aggregator for DualProj {
    fn info(&self) -> &'static MethodInfo {
        &DUALPROJ_INFO
    }

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let u = preference_vector(self.params.pref.as_deref(), input)?;
        let gramian = ScaledGramian::new(input.jacobian);
        let (w, diag) = self.weights(&gramian.matrix, &u);
        Ok(weighted(input.jacobian, w, diag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torchjd_doc_example() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let a = DualProj::new(DualProjParams::default())
            .unwrap()
            .aggregate(&StepInput::new(&j))
            .unwrap();
        let want = [0.5563158128582222, 1.1109210467854445, 1.1109210467854445];
        for (x, y) in a.direction.iter().zip(want) {
            assert!((x - y).abs() < 1e-10, "{:?}", a.direction);
        }
    }

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

    #[test]
    fn autotraits() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<DualProj>();
    }
}
