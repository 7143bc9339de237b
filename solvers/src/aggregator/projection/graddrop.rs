//! GradDrop: gradient sign dropout (Chen et al. 2020).

use rand::{Rng, SeedableRng};

use crate::aggregator::{Aggregation, Aggregator, Family, MethodInfo, StepInput};
use crate::error::{Error, ParamsError, Result};
use crate::method::options::{BuildContext, Options};
use crate::method::params::{MethodParams, params};
use crate::method::state::MethodRng;

params! {
    /// Parameters of [`GradDrop`].
    pub struct GradDropParams {
        /// Leak per objective in [0, 1]: one value for every objective, or one per objective.
        /// Default `[0]` (no leak).
        leak: Vec<f64> = vec![0.0] => "0", each_closed(0, 1),
            "leak in [0, 1]: one value, or comma-separated per objective";
        /// Seed of the method's generator. Default 0.
        seed: u64 = 0, any, "seed of the method's own random generator";
    }
}

/// GradDrop, gradient sign dropout.
///
/// **Paper.** Z. Chen, J. Ngiam, Y. Huang, T. Luong, H. Kretzschmar, Y. Chai and D. Anguelov,
/// "Just Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout",
/// NeurIPS 2020 (arXiv:2010.06808), Eqs. (1)–(3).
///
/// **Formula.** Per coordinate `k`: the positive-sign purity
/// `P_k = ½(1 + Σ_i J_ik / Σ_i |J_ik|)`, a draw `U_k ~ U[0, 1)`, the mask
/// `M_ik = (P_k > U_k ∧ J_ik > 0) ∨ (P_k < U_k ∧ J_ik < 0)`, and
/// `d_k = Σ_i (ℓ_i + (1 − ℓ_i) M_ik) J_ik` with leak `ℓ`. A coordinate where every `J_ik = 0`
/// (so `P_k` is 0/0) gets `d_k = 0`.
///
/// **Parameters.** [`GradDropParams`]: `leak = 0`, `seed = 0`.
///
/// **Properties claimed.** None (random, not in the row span). With leak 0 every coordinate
/// keeps the sum of either the positive or the negative entries of its column.
///
/// **Cost.** O(mn) and n uniform draws.
///
/// **Differences from the reference implementation** (TorchJD 0.18 `GradDrop`, activation
/// `f` = identity): the draws come from the method's own seeded generator (reset reseeds it),
/// not `torch.rand`, so individual outputs differ from the recorded `torch.manual_seed(0)`
/// values while the distribution is the same. LibMTL applies it to representation gradients
/// (`rep_grad`); we apply it to whatever Jacobian the caller passes.
#[derive(Clone, Debug)]
pub struct GradDrop {
    params: GradDropParams,
    rng: MethodRng,
}

impl GradDrop {
    /// Validates `params`.
    pub fn new(params: GradDropParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(GRADDROP_INFO.name)?;
        let rng = MethodRng::seed_from_u64(params.seed);
        Ok(Self { params, rng })
    }

    /// Reads `leak` (one or comma-separated per objective) and `seed`, then rejects unknown
    /// keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::from_options_in(options, &BuildContext::none())
    }

    /// As [`GradDrop::from_options`]; serving row `k` of a run, the seed is `seed + k`.
    pub fn from_options_in(
        options: &Options,
        context: &BuildContext<'_>,
    ) -> std::result::Result<Self, ParamsError> {
        let mut params = GradDropParams::read(GRADDROP_INFO.name, options)?;
        params.seed = context.row_seed(params.seed);
        Self::new(params)
    }

    /// The parameters.
    pub fn params(&self) -> &GradDropParams {
        &self.params
    }
}

crate::method::entry::display_as!(GradDrop);

impl Aggregator for GradDrop {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let (m, n) = (input.n_obj(), input.n_var());
        let leak = &self.params.leak;
        if leak.len() != 1 && leak.len() != m {
            return Err(Error::DimensionMismatch {
                what: "graddrop leak length (1 or n_obj)",
                expected: m,
                got: leak.len(),
            });
        }
        let leak_of = |i: usize| if leak.len() == 1 { leak[0] } else { leak[i] };
        let j = input.jacobian;
        let mut d = vec![0.0; n];
        for (k, dk) in d.iter_mut().enumerate() {
            let (mut sum, mut abs) = (0.0, 0.0);
            for i in 0..m {
                let v = j.get(i, k);
                sum += v;
                abs += v.abs();
            }
            let u: f64 = self.rng.random();
            if abs == 0.0 {
                continue;
            }
            let purity = 0.5 * (1.0 + sum / abs);
            for i in 0..m {
                let v = j.get(i, k);
                let keep = (purity > u && v > 0.0) || (purity < u && v < 0.0);
                let l = leak_of(i);
                *dk += (l + (1.0 - l) * if keep { 1.0 } else { 0.0 }) * v;
            }
        }
        Ok(Aggregation::from_direction(d))
    }

    fn reset(&mut self) {
        self.rng = MethodRng::seed_from_u64(self.params.seed);
    }

    crate::method::state::rng_state!();

    /// `d(cJ) = c·d(J)`: the purity depends on signs and ratios only.
    fn scaling(&self) -> crate::aggregator::Scaling {
        crate::aggregator::Scaling::Equivariant
    }

    crate::method::entry::info_is!(GRADDROP_INFO);
}

/// The registry row.
pub static GRADDROP_INFO: MethodInfo = MethodInfo::new("graddrop", "GradDrop", Family::Aggregator)
.cite("Chen et al., Just Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout, NeurIPS 2020 (arXiv:2010.06808)")
.randomized()
.options(GradDropParams::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_validation() {
        let p = GradDropParams {
            leak: vec![1.5],
            seed: 0,
        };
        assert!(matches!(
            GradDrop::new(p).unwrap_err(),
            ParamsError::Invalid { name: "leak", .. }
        ));
        let g = GradDrop::from_options(&Options::new().with("leak", "0.1,0.2").with("seed", 3))
            .unwrap();
        assert_eq!(g.params().leak, vec![0.1, 0.2]);
        assert!(GradDrop::from_options(&Options::new().with("order", "random")).is_err());
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<GradDrop>();
    }
}
