//! Random loss weighting (RLW): fresh random weights on the simplex at every step.

use rand::{Rng, SeedableRng};
use rand_distr::Exp1;

use crate::aggregator::gramian_weighted::{FromParams, GramianWeighted, WeightInput, Weighting};
use crate::aggregator::{Diagnostics, Family, MethodInfo, Properties};
use crate::error::{ParamsError, Result};
use crate::method::entry::GradientNeed;
use crate::method::options::{BuildContext, Options};
use crate::method::params::{MethodParams, params};
use crate::method::state::MethodRng;

params! {
    /// Parameters of [`Random`].
    pub struct RandomParams {
        /// Seed of the method's own generator (default 0; any `u64`). `reset` reseeds.
        seed: u64 = 0, any, "seed of the method's own random generator (reset reseeds it)";
    }
}

/// Random loss weighting: `d = Jᵀw` with `w ~ Dirichlet(1, …, 1)` drawn afresh at every step.
///
/// **Paper**: Lin, Ye, Xu, Shi & Zhang, *Reasonable Effectiveness of Random Weighting: A Litmus
/// Test for Multi-Task Learning*, TMLR 2022, arXiv:2111.10603, Algorithm 2 (RLW).
///
/// **Formula**: `E_i ~ Exp(1)` i.i.d., `w_i = E_i / Σ_j E_j` (uniform on the simplex),
/// `d = Jᵀw`.
///
/// **Parameters**: `seed` (default 0) — see [`RandomParams`].
///
/// **Properties** (as in [`RANDOM_INFO`]): weights on the simplex; linear under scaling (the
/// weights do not depend on `J`: with the same draws, `d(diag(c)J)` is linear in `c`); neither
/// permutation-invariant nor non-conflicting.
///
/// **Cost**: `m` exponential draws and one pass over `J`, `O(mn)`.
///
/// **Differences from the reference implementation**: TorchJD's `Random` uses
/// `softmax(randn(m))` from the global torch generator; the RLW paper lists several distributions.
/// We draw the uniform distribution on the simplex (Dirichlet(1)) from the method's own seeded
/// [`MethodRng`](crate::MethodRng) (the stream of `StdRng`), so runs are reproducible and [`Aggregator::reset`] restores the first draw.
pub type Random = GramianWeighted<RandomWeighting>;

/// The weighting of [`Random`]: its parameters and its generator.
#[derive(Clone, Debug)]
pub struct RandomWeighting {
    params: RandomParams,
    rng: MethodRng,
}

/// The method table's description of [`Random`].
pub static RANDOM_INFO: MethodInfo = MethodInfo::new("random", "RLW", Family::Aggregator)
    .cite(
        "Lin et al., Reasonable Effectiveness of Random Weighting: A Litmus Test for \
               Multi-Task Learning, TMLR 2022, arXiv:2111.10603",
    )
    .need(GradientNeed::Losses)
    .stateful()
    .randomized()
    .claims(Properties::NONE.linear_under_scaling().weights_on_simplex())
    .options(RandomParams::OPTIONS);

impl FromParams for RandomWeighting {
    type Params = RandomParams;
    const INFO: &'static MethodInfo = &RANDOM_INFO;

    fn from_params(params: RandomParams) -> Self {
        let rng = MethodRng::seed_from_u64(params.seed);
        Self { params, rng }
    }

    fn params(&self) -> &RandomParams {
        &self.params
    }
}

impl GramianWeighted<RandomWeighting> {
    /// As [`GramianWeighted::from_options`]; serving row `k` of a run, the seed is `seed + k`.
    ///
    /// # Errors
    /// Option errors.
    pub fn from_options_in(
        options: &Options,
        context: &BuildContext<'_>,
    ) -> std::result::Result<Self, ParamsError> {
        let mut params = RandomParams::read(RANDOM_INFO.name, options)?;
        params.seed = context.row_seed(params.seed);
        Self::new(params)
    }
}

impl Weighting for RandomWeighting {
    crate::method::entry::info_is!(RANDOM_INFO);

    fn weights(&mut self, input: &WeightInput<'_>) -> Result<(Vec<f64>, Diagnostics)> {
        let m = input.n_obj;
        let mut w: Vec<f64> = (0..m).map(|_| self.rng.sample::<f64, _>(Exp1)).collect();
        let total: f64 = w.iter().sum();
        if total > 0.0 {
            for v in &mut w {
                *v /= total;
            }
        } else {
            w = vec![1.0 / m as f64; m];
        }
        Ok((w, Diagnostics::default()))
    }

    fn reset(&mut self) {
        self.rng = MethodRng::seed_from_u64(self.params.seed);
    }

    crate::method::state::rng_state!();
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::{Aggregator, Options, ParamsError, StepInput};
    use tradeoff_pareto::Matrix;

    #[test]
    fn reset_replays_the_draws_and_weights_are_on_the_simplex() {
        let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]).unwrap();
        let input = StepInput::new(&j);
        let mut r = Random::new(RandomParams { seed: 3 }).unwrap();
        let a = r.aggregate(&input).unwrap();
        let b = r.aggregate(&input).unwrap();
        assert_ne!(a.weights, b.weights);
        r.reset();
        assert_eq!(r.aggregate(&input).unwrap().weights, a.weights);
        let w = a.weights.unwrap();
        assert!(w.iter().all(|&v| v >= 0.0));
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn bad_seed_text_is_rejected() {
        let o = Options::new().with("seed", "-1");
        assert!(matches!(
            Random::from_options(&o),
            Err(ParamsError::BadValue { .. })
        ));
    }
}
