//! GradVac: gradient vaccine (Wang et al. 2021).

use rand::SeedableRng;

use crate::aggregator::projection::pcgrad::ConflictOrder;
use crate::aggregator::{Aggregation, Aggregator, Family, MethodInfo, StepInput};
use crate::error::{ParamsError, Result};
use crate::method::options::{BuildContext, Options};
use crate::method::params::{MethodParams, params};
use crate::method::state::{MethodRng, MethodState};

params! {
    /// Parameters of [`GradVac`].
    pub struct GradVacParams {
        /// EMA rate of the cosine targets `φ̂`, in [0, 1]. Default 0.5 (TorchJD, LibMTL).
        beta: f64 = 0.5, closed(0, 1), "EMA rate of the cosine targets";
        /// Guard added to denominators, ≥ 0. Default 1e-8.
        eps: f64 = 1e-8, non_negative, "guard added to denominators";
        /// Visiting order. Default [`ConflictOrder::Random`] (the paper), seeded.
        order: ConflictOrder = ConflictOrder::Random => "random", any,
            "random (seeded, one permutation per objective) or identity";
        /// Seed of the order generator. Default 0.
        seed: u64 = 0, any, "seed of the method's own random generator";
    }
}

/// GradVac, gradient vaccine.
///
/// **Paper.** Z. Wang, Y. Tsvetkov, O. Firat and Y. Cao, "Gradient Vaccine: Investigating and
/// Improving Multi-task Optimization in Massively Multilingual Models", ICLR 2021
/// (arXiv:2010.05874), Eq. (3) and Algorithm 2.
///
/// **Formula.** State: targets `φ̂_ij` (m×m, start at 0). For each `i`, `g_i^PC = g_i`; for each
/// `j ≠ i` in the visiting order, `φ = g_i^PC·g_j/(‖g_i^PC‖‖g_j‖ + ε)`; if `φ < φ̂_ij`,
/// `g_i^PC += ‖g_i^PC‖(φ̂_ij√(1−φ²) − φ√(1−φ̂_ij²))/(‖g_j‖√(1−φ̂_ij²) + ε) · g_j`; always
/// `φ̂_ij ← (1−β)φ̂_ij + βφ`. Output `Σ_i g_i^PC` (as weights on the Gramian, TorchJD's
/// `GradVacWeighting`). The first call equals PCGrad (all targets 0).
///
/// **Parameters.** [`GradVacParams`]: `beta = 0.5`, `eps = 1e-8`, `order = random`,
/// `seed = 0`.
///
/// **Properties claimed.** None of the generic ones (stateful and order-dependent).
/// Stateful: the targets persist between calls, are rebuilt when `n_obj` changes, and
/// [`Aggregator::reset`] clears them and reseeds the generator.
///
/// **Cost.** O(m²n) for the Gramian, then O(m³).
///
/// **Differences from the reference implementation** (TorchJD 0.18 `GradVac`): the order comes
/// from the method's own seeded generator instead of the global `torch.randperm`;
/// `order=identity` gives a deterministic variant. Whole-model granularity only (LibMTL's
/// per-layer groups are a driver concern: run one instance per group).
#[derive(Clone, Debug)]
pub struct GradVac {
    params: GradVacParams,
    rng: MethodRng,
    targets: Option<Vec<Vec<f64>>>,
}

impl GradVac {
    /// Validates `params`.
    pub fn new(params: GradVacParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(GRADVAC_INFO.name)?;
        let rng = MethodRng::seed_from_u64(params.seed);
        Ok(Self {
            params,
            rng,
            targets: None,
        })
    }

    /// Reads `beta`, `eps`, `order` (`random` | `identity`) and `seed`, then rejects unknown
    /// keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::from_options_in(options, &BuildContext::none())
    }

    /// As [`GradVac::from_options`]; serving row `k` of a run, the seed is `seed + k`.
    pub fn from_options_in(
        options: &Options,
        context: &BuildContext<'_>,
    ) -> std::result::Result<Self, ParamsError> {
        let mut params = GradVacParams::read(GRADVAC_INFO.name, options)?;
        params.seed = context.row_seed(params.seed);
        Self::new(params)
    }

    /// The parameters.
    pub fn params(&self) -> &GradVacParams {
        &self.params
    }

    /// The current targets `φ̂` (m×m), `None` before the first call.
    pub fn targets(&self) -> Option<&[Vec<f64>]> {
        self.targets.as_deref()
    }
}

crate::method::entry::display_as!(GradVac);

impl Aggregator for GradVac {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let g = crate::linalg::Gramian::unscaled(input.jacobian);
        let m = g.n_obj();
        if self.targets.as_ref().is_none_or(|t| t.len() != m) {
            self.targets = Some(vec![vec![0.0; m]; m]);
        }
        let targets = self.targets.as_mut().expect("just set");
        let (beta, eps) = (self.params.beta, self.params.eps);
        let mut weights = vec![0.0; m];
        for i in 0..m {
            let mut c = vec![0.0; m];
            c[i] = 1.0;
            // cg[k] = g_i^PC · g_k
            let mut cg: Vec<f64> = g[i].to_vec();
            for j in self.params.order.others(i, m, &mut self.rng) {
                let dot = cg[j];
                let norm_i = (0..m).map(|k| cg[k] * c[k]).sum::<f64>().max(0.0).sqrt();
                let norm_j = g[j][j].max(0.0).sqrt();
                let phi = dot / (norm_i * norm_j + eps);
                let phi_hat = targets[i][j];
                if phi < phi_hat {
                    let s_phi = (1.0 - phi * phi).max(0.0).sqrt();
                    let s_hat = (1.0 - phi_hat * phi_hat).max(0.0).sqrt();
                    let w = norm_i * (phi_hat * s_phi - phi * s_hat) / (norm_j * s_hat + eps);
                    c[j] += w;
                    for k in 0..m {
                        cg[k] += w * g[j][k];
                    }
                }
                targets[i][j] = (1.0 - beta) * phi_hat + beta * phi;
            }
            for (w, ci) in weights.iter_mut().zip(&c) {
                *w += ci;
            }
        }
        Ok(Aggregation::from_weights(input.jacobian, weights))
    }

    fn reset(&mut self) {
        self.rng = MethodRng::seed_from_u64(self.params.seed);
        self.targets = None;
    }

    /// The generator's exact position and the EMA targets `φ̂_ij` (rows), when set.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        state.put_rng("rng", &self.rng);
        if let Some(targets) = &self.targets {
            state.put_rows("targets", targets);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.rng = state.rng("rng")?;
        self.targets = if state.contains("targets") {
            Some(state.rows("targets")?)
        } else {
            None
        };
        Ok(())
    }

    /// `d(cJ) = c·d(J)`: the targets are cosines, free of the Jacobian's units.
    fn scaling(&self) -> crate::aggregator::Scaling {
        crate::aggregator::Scaling::Equivariant
    }

    crate::method::entry::info_is!(GRADVAC_INFO);
}

/// The registry row.
pub static GRADVAC_INFO: MethodInfo = MethodInfo::new("gradvac", "GradVac", Family::Aggregator)
.cite("Wang, Tsvetkov, Firat & Cao, Gradient Vaccine: Investigating and Improving Multi-task Optimization in Massively Multilingual Models, ICLR 2021 (arXiv:2010.05874)")
.stateful()
.randomized()
.options(GradVacParams::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_validation() {
        for (beta, eps, field) in [(1.5, 1e-8, "beta"), (0.5, -1.0, "eps")] {
            let p = GradVacParams {
                beta,
                eps,
                ..GradVacParams::default()
            };
            assert!(
                matches!(GradVac::new(p).unwrap_err(), ParamsError::Invalid { name, .. } if name == field)
            );
        }
        assert!(GradVac::from_options(&Options::new().with("beta", 0.1)).is_ok());
        assert!(GradVac::from_options(&Options::new().with("leak", 0.1)).is_err());
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<GradVac>();
    }
}
