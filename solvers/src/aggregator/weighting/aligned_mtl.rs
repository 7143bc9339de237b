//! Aligned-MTL: weights from the balance transformation that makes the gradient system
//! orthogonal with equal singular values.

use crate::aggregator::gramian_weighted::prelude::*;
use crate::linalg::*;

params! {
    /// Parameters of [`AlignedMtl`].
    pub struct AlignedMtlParams {
        /// TorchJD's `pref_vector` `u` (default `None`: the step's preference, else `1/m`).
        pref: Option<Vec<f64>> = None => "1/m", preference,
            "comma-separated preference u (else the step's preference, else uniform)";
        /// Which eigenvalue sets the scale (default [`ScaleMode::Min`], the paper's).
        scale_mode: ScaleMode = ScaleMode::Min => "min", any,
            "eigenvalue setting the scale: min, median or rmse (mean)";
    }
}

option_choices!(ScaleMode {
    Min = "min",
    Median = "median",
    Rmse = "rmse",
});

weighting_type!(
    /// Aligned-MTL: `w = B u` with the balance transformation `B = √σ · V Λ^{−1/2} Vᵀ` of the
    /// Gramian, which makes the transformed gradients orthogonal with equal norms.
    ///
    /// **Paper**: Senushkin, Patakin, Kuznetsov & Konushin, *Independent Component Alignment for
    /// Multi-Task Learning*, CVPR 2023, arXiv:2305.19000, Algorithm 1 (TorchJD `AlignedMTL`).
    ///
    /// **Formula**: `G = V Λ Vᵀ`; keep the `r` eigenpairs with `λ > λ_max·m·ε` (none kept: `B = I`);
    /// `B = √σ · V_r Λ_r^{−1/2} V_rᵀ` with `σ` = the smallest, median or mean kept eigenvalue;
    /// `w = B u`, `d = Jᵀw`.
    ///
    /// **Parameters**: `pref` (default: the step's preference, else `1/m`), `scale_mode` (default
    /// `min`) — see [`AlignedMtlParams`].
    ///
    /// **Properties** (as in [`ALIGNED_MTL_INFO`]): permutation-invariant. Not non-conflicting, not
    /// linear under scaling, weights not on the simplex.
    ///
    /// **Cost**: `O(m²n)` for `G`, a Jacobi eigendecomposition `O(m³)`, `O(mn)` for `d`.
    ///
    /// **Differences from the reference implementation**: our Jacobi eigensolver replaces LAPACK's
    /// `eigh` (same rank rule, on `G/trace(G)`, which leaves `B` unchanged). TorchJD's default `u = 1/m`
    /// gives weights `1/m` times the original code's (LibMTL's `Aligned_MTL`, which no longer runs on
    /// current torch); pass `pref=1,…,1` for those.
    AlignedMtl = AlignedMtlWeighting(AlignedMtlParams),
    ALIGNED_MTL_INFO
);

/// The method table's description of [`AlignedMtl`].
pub static ALIGNED_MTL_INFO: MethodInfo =
    MethodInfo::new("aligned-mtl", "Aligned-MTL", Family::Aggregator)
        .cite(
            "Senushkin et al., Independent Component Alignment for Multi-Task Learning, CVPR \
               2023, arXiv:2305.19000",
        )
        .need(GradientNeed::Gramian)
        .uses_preference()
        .claims(Properties::NONE.permutation_invariant())
        .options(AlignedMtlParams::OPTIONS);

impl AlignedMtlWeighting {
    /// The Aligned-MTL weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`) and preference `u`.
    pub fn solve(&self, gramian: &Matrix, u: &[f64]) -> Vec<f64> {
        let m = gramian.n_rows();
        let Some(g) = normalized(gramian) else {
            return u.to_vec();
        };
        let eig = symmetric_eigen(&g);
        let lambda_max = eig.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let tol = lambda_max * m as f64 * f64::EPSILON;
        // Kept eigenvalues, ascending (values are sorted ascending).
        let kept: Vec<usize> = (0..m).filter(|&k| eig.values[k] > tol).collect();
        if kept.is_empty() {
            return u.to_vec();
        }
        let sigma = match self.params.scale_mode {
            ScaleMode::Min => eig.values[kept[0]],
            ScaleMode::Median => eig.values[kept[(kept.len() - 1) / 2]],
            ScaleMode::Rmse => kept.iter().map(|&k| eig.values[k]).sum::<f64>() / kept.len() as f64,
        };
        let root = sigma.sqrt();
        // B = √σ Σ_k v_k v_kᵀ / √λ_k.
        let mut b = vec![0.0; m * m];
        for &k in &kept {
            let f = root / eig.values[k].sqrt();
            for i in 0..m {
                let vik = eig.vectors.get(i, k) * f;
                for j in 0..m {
                    b[i * m + j] += vik * eig.vectors.get(j, k);
                }
            }
        }
        mat_vec(&b, m, u)
    }
}

impl Weighting for AlignedMtlWeighting {
    crate::method::entry::info_is!(ALIGNED_MTL_INFO);

    /// The weights come from the trace-normalised Gramian: `d(cJ) = c·d(J)`.
    fn scaling(&self) -> Scaling {
        Scaling::Equivariant
    }

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let u = input.preference_or_uniform(self.params.pref.as_deref())?;
        Ok((
            self.solve(&input.require_gramian(ALIGNED_MTL_INFO.name)?.matrix, &u),
            Diagnostics::default(),
        ))
    }
}

/// Which eigenvalue of `G` sets the scale of the balance transformation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScaleMode {
    /// The smallest kept eigenvalue (the paper's and TorchJD's default).
    #[default]
    Min,
    /// The median kept eigenvalue (the lower of the two middle ones for an even count, as
    /// `torch.median`).
    Median,
    /// The mean kept eigenvalue (the original code's `rmse`).
    Rmse,
}

impl ScaleMode {
    /// The option spelling: `min`, `median` or `rmse`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Min => "min",
            Self::Median => "median",
            Self::Rmse => "rmse",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};

    #[test]
    fn torchjd_doc_example_all_modes() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let run = |mode| {
            AlignedMtl::new(AlignedMtlParams {
                pref: None,
                scale_mode: mode,
            })
            .unwrap()
            .aggregate(&StepInput::new(&j))
            .unwrap()
            .direction
        };
        // aggregators.md §5.2: min → [0.213279, 0.967333, …], rmse → [0.576376, 2.61417, …].
        let d = run(ScaleMode::Min);
        assert!(
            (d[0] - 0.21327874596866891).abs() < 1e-12 && (d[1] - 0.9673329837557125).abs() < 1e-12
        );
        let d = run(ScaleMode::Rmse);
        assert!((d[0] - 0.576376).abs() < 1e-6 && (d[1] - 2.61417).abs() < 1e-5);
        // Two eigenvalues: the lower median is the smaller one, as torch.median.
        assert_eq!(run(ScaleMode::Median), run(ScaleMode::Min));
    }

    #[test]
    fn options_parse_and_reject() {
        let o = Options::new().with("scale_mode", "RMSE");
        assert_eq!(
            AlignedMtl::from_options(&o).unwrap().params().scale_mode,
            ScaleMode::Rmse
        );
        let o = Options::new().with("scale_mode", "max");
        assert!(matches!(
            AlignedMtl::from_options(&o),
            Err(ParamsError::BadValue { .. })
        ));
        assert!(matches!(
            AlignedMtl::new(AlignedMtlParams {
                pref: Some(vec![-1.0]),
                ..AlignedMtlParams::default()
            }),
            Err(ParamsError::Invalid { .. })
        ));
    }
}
