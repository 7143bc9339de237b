//! IMTL-G: the combination whose projections on every unit gradient are equal.

use crate::aggregator::gramian_weighted::prelude::*;
use crate::linalg::*;

weighting_type!(
    /// Impartial multi-task learning, gradient part: `d = Jᵀw` with `⟨d, ∇f_i/‖∇f_i‖⟩` equal for all
    /// `i` and `Σw = 1`, in the generalised form of the Jacobian-descent paper that allows dependent
    /// rows.
    ///
    /// **Paper**: Liu, Li, Kuang, Xue, Chen, Yang, Liao & Zhang, *Towards Impartial Multi-task
    /// Learning*, ICLR 2021 (IMTL-G, Section 3.2); generalisation by Quinton & Rey, *Jacobian Descent
    /// for Multi-Objective Optimization*, arXiv:2406.16232, Appendix (TorchJD `IMTLG`).
    ///
    /// **Formula**: `v = G⁺ √diag(G)`, `w = v / Σv` (`w = 0` when `|Σv| < 1e-12`), `d = Jᵀw`,
    /// with `G` normalised by its trace.
    ///
    /// **Parameters**: none.
    ///
    /// **Properties** (as in [`IMTL_G_INFO`]): permutation-invariant. Not non-conflicting (the
    /// weights can be negative when `m > n`), not linear under scaling, weights not on the simplex.
    ///
    /// **Cost**: `O(m²n)` for `G`, a Jacobi eigendecomposition `O(m³)` for `G⁺`, `O(mn)` for `d`.
    ///
    /// **Differences from the reference implementation**: the pseudo-inverse comes from our Jacobi
    /// eigensolver with torch's default cut-off (`m·ε·λ_max`) instead of LAPACK's SVD. `G` is
    /// normalised by its trace first (the weights `v/Σv` do not change), so the `|Σv| < 1e-12` test is
    /// scale-free: TorchJD's absolute test on the raw `G` returns zero weights for large gradients
    /// (`Σv ∝ 1/‖J‖`). LibMTL's `torch.inverse` fails on dependent rows; here they are fine.
    ImtlG = ImtlGWeighting(NoParams),
    IMTL_G_INFO
);

/// The method table's description of [`ImtlG`].
pub static IMTL_G_INFO: MethodInfo = MethodInfo::new("imtl-g", "IMTL-G", Family::Aggregator)
    .cite(
        "Liu et al., Towards Impartial Multi-task Learning, ICLR 2021; generalised in \
               Quinton & Rey, arXiv:2406.16232",
    )
    .need(GradientNeed::Gramian)
    .claims(Properties::NONE.permutation_invariant())
    .options(NoParams::OPTIONS);

impl ImtlGWeighting {
    /// The IMTL-G weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`).
    pub fn solve(&self, gramian: &Matrix) -> Vec<f64> {
        let m = gramian.n_rows();
        let Some(g) = normalized(gramian) else {
            return vec![0.0; m];
        };
        let pinv = pseudo_inverse(&g, m as f64 * f64::EPSILON);
        let sqrt_diag: Vec<f64> = (0..m).map(|i| g.get(i, i).max(0.0).sqrt()).collect();
        let v = mat_vec(pinv.as_slice(), m, &sqrt_diag);
        let sum: f64 = v.iter().sum();
        if sum.abs() < 1e-12 {
            vec![0.0; m]
        } else {
            v.iter().map(|x| x / sum).collect()
        }
    }
}

impl Weighting for ImtlGWeighting {
    crate::method::entry::info_is!(IMTL_G_INFO);

    /// The weights come from the trace-normalised Gramian: `d(cJ) = c·d(J)`.
    fn scaling(&self) -> Scaling {
        Scaling::Equivariant
    }

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        Ok((
            self.solve(&input.require_gramian(IMTL_G_INFO.name)?.matrix),
            Diagnostics::default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};

    #[test]
    fn zero_and_opposite_rows_give_zero() {
        for j in [
            Matrix::zeros(2, 3),
            Matrix::from_rows(&[[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]]).unwrap(),
        ] {
            let a = ImtlG::default().aggregate(&StepInput::new(&j)).unwrap();
            assert!(
                a.direction.iter().all(|v| v.abs() < 1e-12),
                "{:?}",
                a.direction
            );
        }
    }

    #[test]
    fn options_are_rejected() {
        let o = Options::new().with("x", 1);
        assert!(matches!(
            ImtlG::from_options(&o),
            Err(ParamsError::UnknownOption { .. })
        ));
    }
}
