//! Random loss weighting (RLW): fresh random weights on the simplex at every step.

use std::fmt;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::Exp1;

use crate::aggregator::weighting::weighted;
use crate::aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, OptionInfo, Properties, StepInput,
};
use crate::error::{ParamsError, Result};
use crate::method::options::Options;

/// Parameters of [`Random`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RandomParams {
    /// Seed of the method's own generator (default 0; any `u64`). [`Aggregator::reset`] reseeds.
    pub seed: u64,
}

impl RandomParams {
    /// Checks the parameters (every seed is valid).
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        Ok(())
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
/// `StdRng`, so runs are reproducible and [`Aggregator::reset`] restores the first draw.
#[derive(Clone, Debug)]
pub struct Random {
    params: RandomParams,
    rng: StdRng,
}

/// Registry description of [`Random`].
pub static RANDOM_INFO: MethodInfo = MethodInfo {
    name: "random",
    display: "RLW",
    family: Family::Aggregator,
    citation: "Lin et al., Reasonable Effectiveness of Random Weighting: A Litmus Test for \
               Multi-Task Learning, TMLR 2022, arXiv:2111.10603",
    uses_preference: false,
    needs_losses: false,
    stateful: true,
    randomized: true,
    properties: Properties {
        non_conflicting: false,
        permutation_invariant: false,
        linear_under_scaling: true,
        weights_on_simplex: true,
    },
    options: &[OptionInfo {
        name: "seed",
        default: "0",
        doc: "seed of the method's own random generator (reset reseeds it)",
    }],
};

impl Random {
    /// Builds the method with validated parameters.
    pub fn new(params: RandomParams) -> std::result::Result<Self, ParamsError> {
        params.validate()?;
        let rng = StdRng::seed_from_u64(params.seed);
        Ok(Self { params, rng })
    }

    /// Builds from `key=value` options (`seed`).
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        let name = RANDOM_INFO.name;
        let params = RandomParams {
            seed: options.u64(name, "seed", RandomParams::default().seed)?,
        };
        options.finish(name)?;
        Self::new(params)
    }

    /// The parameters.
    pub fn params(&self) -> &RandomParams {
        &self.params
    }
}

impl fmt::Display for Random {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(RANDOM_INFO.display)
    }
}

impl Aggregator for Random {
    fn info(&self) -> &'static MethodInfo {
        &RANDOM_INFO
    }

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let m = input.n_obj();
        let mut w: Vec<f64> = (0..m).map(|_| self.rng.sample::<f64, _>(Exp1)).collect();
        let total: f64 = w.iter().sum();
        if total > 0.0 {
            for v in &mut w {
                *v /= total;
            }
        } else {
            w = vec![1.0 / m as f64; m];
        }
        Ok(weighted(input.jacobian, w, Diagnostics::default()))
    }

    fn reset(&mut self) {
        self.rng = StdRng::seed_from_u64(self.params.seed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn autotraits() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<Random>();
        check::<RandomParams>();
    }
}
