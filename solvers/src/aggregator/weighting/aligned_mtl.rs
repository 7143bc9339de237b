//! Aligned-MTL: weights from the balance transformation that makes the gradient system
//! orthogonal with equal singular values.

use std::fmt;

use tradeoff_pareto::Matrix;

use crate::aggregator::weighting::{check_pref, preference_vector, weighted};
use crate::aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, OptionInfo, Properties, StepInput,
};
use crate::error::{ParamsError, Result};
use crate::linalg::{ScaledGramian, mat_vec, normalized, symmetric_eigen};
use crate::method::options::Options;

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

/// Parameters of [`AlignedMtl`].
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AlignedMtlParams {
    /// TorchJD's `pref_vector` `u` (length `n_obj`, non-negative, positive sum, not normalised).
    /// Default `None`: the step's preference if it has one, else `1/m`.
    pub pref: Option<Vec<f64>>,
    /// The scale of the transformation (default [`ScaleMode::Min`]).
    pub scale_mode: ScaleMode,
}

impl AlignedMtlParams {
    /// Checks every parameter against its rule.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        check_pref(ALIGNED_MTL_INFO.name, self.pref.as_deref())
    }
}

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
#[derive(Clone, Debug)]
pub struct AlignedMtl {
    params: AlignedMtlParams,
}

/// Registry description of [`AlignedMtl`].
pub static ALIGNED_MTL_INFO: MethodInfo = MethodInfo {
    name: "aligned-mtl",
    display: "Aligned-MTL",
    family: Family::Aggregator,
    citation: "Senushkin et al., Independent Component Alignment for Multi-Task Learning, CVPR \
               2023, arXiv:2305.19000",
    uses_preference: true,
    needs_losses: false,
    stateful: false,
    randomized: false,
    properties: Properties {
        non_conflicting: false,
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
            name: "scale_mode",
            default: "min",
            doc: "eigenvalue setting the scale: min, median or rmse (mean)",
        },
    ],
};

impl AlignedMtl {
    /// Builds the method with validated parameters.
    pub fn new(params: AlignedMtlParams) -> std::result::Result<Self, ParamsError> {
        params.validate()?;
        Ok(Self { params })
    }

    /// Builds from `key=value` options (`pref`, `scale_mode`).
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        let name = ALIGNED_MTL_INFO.name;
        let pref = options.f64_list(name, "pref")?;
        let scale_mode =
            match options.choice(name, "scale_mode", &["min", "median", "rmse"], "min")? {
                "median" => ScaleMode::Median,
                "rmse" => ScaleMode::Rmse,
                _ => ScaleMode::Min,
            };
        options.finish(name)?;
        Self::new(AlignedMtlParams { pref, scale_mode })
    }

    /// The parameters.
    pub fn params(&self) -> &AlignedMtlParams {
        &self.params
    }

    /// The Aligned-MTL weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`) and preference `u`.
    pub fn weights(&self, gramian: &Matrix, u: &[f64]) -> Vec<f64> {
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

impl fmt::Display for AlignedMtl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ALIGNED_MTL_INFO.display)
    }
}

impl Aggregator for AlignedMtl {
    fn info(&self) -> &'static MethodInfo {
        &ALIGNED_MTL_INFO
    }

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let u = preference_vector(self.params.pref.as_deref(), input)?;
        let gramian = ScaledGramian::new(input.jacobian);
        let w = self.weights(&gramian.matrix, &u);
        Ok(weighted(input.jacobian, w, Diagnostics::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn autotraits() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<AlignedMtl>();
        check::<AlignedMtlParams>();
    }
}
