//! PCGrad: projecting conflicting gradients (Yu et al. 2020).

use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::aggregator::{Aggregation, Aggregator, Family, MethodInfo, Properties, StepInput};
use crate::error::{ParamsError, Result};
use crate::method::options::Options;
use crate::method::params::{MethodParams, option_choices, params};
use crate::method::state::MethodRng;

/// The order in which a gradient-surgery method visits the other objectives `j ≠ i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictOrder {
    /// `j = 0, 1, …, m−1` for every `i` (conflictfree's `PCGradOperator`; TorchJD with
    /// `randperm` replaced by `arange`).
    Identity,
    /// An independent uniformly random order for every `i` (the papers; TorchJD, LibMTL),
    /// drawn from the method's own generator seeded with `seed`.
    Random,
}

impl ConflictOrder {
    /// The visiting order of the objectives other than `i`.
    pub(crate) fn others(self, i: usize, m: usize, rng: &mut MethodRng) -> Vec<usize> {
        let mut others: Vec<usize> = (0..m).filter(|&j| j != i).collect();
        if self == Self::Random {
            others.shuffle(rng);
        }
        others
    }
}

params! {
    /// Parameters of [`PcGrad`].
    pub struct PcGradParams {
        /// Visiting order. Default [`ConflictOrder::Identity`] (deterministic).
        order: ConflictOrder = ConflictOrder::Identity => "identity", any,
            "identity (j = 0..m-1) or random (seeded, one permutation per objective)";
        /// Seed of the generator used by [`ConflictOrder::Random`]. Default 0.
        seed: u64 = 0, any, "seed of the method's own random generator";
    }
}

option_choices!(ConflictOrder {
    Identity = "identity",
    Random = "random",
});

/// PCGrad, projecting conflicting gradients.
///
/// **Paper.** T. Yu, S. Kumar, A. Gupta, S. Levine, K. Hausman and C. Finn, "Gradient Surgery
/// for Multi-Task Learning", NeurIPS 2020 (arXiv:2001.06782), Algorithm 1.
///
/// **Formula.** For each `i`, start from `g_i^PC = g_i`; for each `j ≠ i` in the visiting
/// order, if `g_i^PC · g_j < 0` then `g_i^PC ← g_i^PC − (g_i^PC · g_j / ‖g_j‖²) g_j` (always
/// against the *original* `g_j`). Output `Σ_i g_i^PC`. Computed on the Gramian as weights
/// (TorchJD's `PCGradWeighting`): `g_i^PC = Σ_k c_ik g_k`, `d = Jᵀ(Σ_i c_i)`.
///
/// **Parameters.** [`PcGradParams`]: `order = identity`, `seed = 0`.
///
/// **Properties claimed.** Linear under scaling (for a fixed order; always so with the
/// default identity order). Not non-conflicting; permutation invariant only for m = 2 (the
/// result depends on the order for m ≥ 3).
///
/// **Cost.** One pass over `J` for `G = JJᵀ` (O(m²n) flops, blocked SIMD or `gemm`), O(m³) for
/// the weights, one pass for `d = Jᵀw`.
///
/// **Differences from the reference implementations.** The default order is the identity
/// (reproducible; equal to conflictfree's `PCGradOperator`); `order=random` matches the
/// papers, TorchJD and LibMTL in distribution, with a seeded generator owned by the method
/// (reset reseeds it) instead of the global RNG. LibMTL also visits `j = i` and adds 1e-8 to
/// `‖g_j‖²`; we skip `j = i` as the paper and TorchJD do, and need no guard because a zero
/// `g_j` never has a negative dot product.
#[derive(Clone, Debug)]
pub struct PcGrad {
    params: PcGradParams,
    rng: MethodRng,
}

impl PcGrad {
    /// Builds the method (every parameter value is valid).
    pub fn new(params: PcGradParams) -> std::result::Result<Self, ParamsError> {
        let rng = MethodRng::seed_from_u64(params.seed);
        Ok(Self { params, rng })
    }

    /// Reads `order` (`identity` | `random`) and `seed`, then rejects unknown keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(PcGradParams::read(PCGRAD_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &PcGradParams {
        &self.params
    }
}

crate::method::entry::display_as!(PcGrad);

impl Aggregator for PcGrad {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let g = crate::linalg::Gramian::unscaled(input.jacobian);
        let m = g.n_obj();
        let mut weights = vec![0.0; m];
        for i in 0..m {
            let mut c = vec![0.0; m];
            c[i] = 1.0;
            for j in self.params.order.others(i, m, &mut self.rng) {
                let ip: f64 = (0..m).map(|k| g[j][k] * c[k]).sum();
                if ip < 0.0 {
                    c[j] -= ip / g[j][j];
                }
            }
            for (w, ci) in weights.iter_mut().zip(&c) {
                *w += ci;
            }
        }
        Ok(Aggregation::from_weights(input.jacobian, weights))
    }

    fn reset(&mut self) {
        self.rng = MethodRng::seed_from_u64(self.params.seed);
    }

    crate::method::state::rng_state!();

    /// `d(cJ) = c·d(J)`: projections of rows on rows: every term scales with J.
    fn scaling(&self) -> crate::aggregator::Scaling {
        crate::aggregator::Scaling::Equivariant
    }

    crate::method::entry::info_is!(PCGRAD_INFO);
}

/// The registry row.
pub static PCGRAD_INFO: MethodInfo = MethodInfo::new("pcgrad", "PCGrad", Family::Aggregator)
.cite("Yu, Kumar, Gupta, Levine, Hausman & Finn, Gradient Surgery for Multi-Task Learning, NeurIPS 2020 (arXiv:2001.06782)")
.claims(Properties::NONE.linear_under_scaling())
.options(PcGradParams::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;
    use tradeoff_pareto::Matrix;

    #[test]
    fn torchjd_base_value() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let mut p = PcGrad::new(PcGradParams::default()).unwrap();
        let a = p.aggregate(&StepInput::new(&j)).unwrap();
        let expected = [0.584795321637426, 3.801169590643275, 3.801169590643275];
        for (x, e) in a.direction.iter().zip(expected) {
            assert!((x - e).abs() < 1e-12);
        }
    }

    #[test]
    fn options_parse() {
        let p =
            PcGrad::from_options(&Options::new().with("order", "random").with("seed", 7)).unwrap();
        assert_eq!(p.params().order, ConflictOrder::Random);
        assert_eq!(p.params().seed, 7);
        assert!(PcGrad::from_options(&Options::new().with("order", "sorted")).is_err());
        assert!(PcGrad::from_options(&Options::new().with("beta", 1)).is_err());
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<PcGrad>();
    }
}
