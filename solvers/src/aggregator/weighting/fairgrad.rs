//! FairGrad: α-fair allocation of the update among the objectives.

use std::fmt;

use tradeoff_pareto::Matrix;

use crate::aggregator::weighting::{check, diagnostics, weighted};
use crate::aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, OptionInfo, Properties, StepInput,
};
use crate::error::{ParamsError, Result};
use crate::linalg::{ScaledGramian, alpha_fair_weights, normalized, trace};
use crate::method::options::Options;

/// Residual `max_i |(Gx)_i x_i^{1/α} − 1|` at which the Newton solve stops.
const FAIR_TOL: f64 = 1e-9;

/// Parameters of [`FairGrad`].
#[derive(Clone, Debug, PartialEq)]
pub struct FairGradParams {
    /// The fairness exponent `α` (default 1: proportional fairness; range `[0, 1e3]`; `α = 0` is
    /// the uniform weighting `1/m`, larger values approach max-min fairness).
    pub alpha: f64,
    /// Cap on Newton iterations (default 100, at least 1).
    pub max_iters: usize,
}

impl Default for FairGradParams {
    fn default() -> Self {
        Self {
            alpha: 1.0,
            max_iters: 100,
        }
    }
}

impl FairGradParams {
    /// Checks every parameter against its rule.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        let name = FAIRGRAD_INFO.name;
        check(
            name,
            "alpha",
            self.alpha,
            (0.0..=1e3).contains(&self.alpha),
            "must be in [0, 1000]",
        )?;
        check(
            name,
            "max_iters",
            self.max_iters as f64,
            self.max_iters >= 1,
            "must be at least 1",
        )
    }
}

/// FairGrad: `d = Jᵀx` with `x > 0` solving `G x = x^{−1/α}`, i.e. the improvement
/// `⟨∇f_i, d⟩` of every objective is `x_i^{−1/α}` (α-fair utility maximisation).
///
/// **Paper**: Ban & Ji, *Fair Resource Allocation in Multi-Task Learning*, ICML 2024,
/// arXiv:2402.15638, Algorithm 1 (TorchJD `FairGrad`, LibMTL `FairGrad`).
///
/// **Formula**: `x = argmin_{x > 0} ½xᵀGx + Σ_i h(x_i)` with `h′(x) = −x^{−1/α}`, whose
/// stationarity condition is `Gx = x^{−1/α}`; `d = Jᵀx`. `α = 1` is Nash-MTL's bargaining
/// solution without the norm clipping.
///
/// **Parameters**: `alpha` (default 1), `max_iters` (default 100) — see [`FairGradParams`].
///
/// **Properties** (as in [`FAIRGRAD_INFO`]): non-conflicting (`(Jd)_i = x_i^{−1/α} > 0`, and `= 0`
/// for rows that no direction can improve), permutation-invariant. Not linear under scaling (for
/// `α = 1`, `d` does not depend on the scale of `J`), weights not on the simplex.
///
/// **Cost**: `O(m²n)` for `G`, damped Newton with `m × m` Cholesky steps (quadratic convergence),
/// `O(mn)` for `d`.
///
/// **Differences from the reference implementation**: TorchJD and LibMTL call
/// `scipy.optimize.least_squares` from `x = 1/m` (at most `100·m` evaluations, so some outputs are
/// not converged); we minimise the convex potential above by Newton's method to a residual of
/// 1e-9 plus one polishing step, on `G/trace(G)`, and rescale exactly. When no positive solution
/// exists (a zero row, opposite rows, `0` inside the hull of the rows) the least-squares iterates
/// diverge while `d` converges; we return that limit exactly (see
/// [`crate::linalg::alpha_fair_weights`]), with finite weights.
#[derive(Clone, Debug)]
pub struct FairGrad {
    params: FairGradParams,
}

/// Registry description of [`FairGrad`].
pub static FAIRGRAD_INFO: MethodInfo = MethodInfo {
    name: "fairgrad",
    display: "FairGrad",
    family: Family::Aggregator,
    citation: "Ban & Ji, Fair Resource Allocation in Multi-Task Learning, ICML 2024, \
               arXiv:2402.15638",
    uses_preference: false,
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
            name: "alpha",
            default: "1",
            doc: "fairness exponent: 0 = uniform weights, 1 = proportional fairness",
        },
        OptionInfo {
            name: "max_iters",
            default: "100",
            doc: "cap on Newton iterations",
        },
    ],
};

impl FairGrad {
    /// Builds the method with validated parameters.
    pub fn new(params: FairGradParams) -> std::result::Result<Self, ParamsError> {
        params.validate()?;
        Ok(Self { params })
    }

    /// Builds from `key=value` options (`alpha`, `max_iters`).
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        let name = FAIRGRAD_INFO.name;
        let d = FairGradParams::default();
        let params = FairGradParams {
            alpha: options.f64(name, "alpha", d.alpha)?,
            max_iters: options.usize(name, "max_iters", d.max_iters)?,
        };
        options.finish(name)?;
        Self::new(params)
    }

    /// The parameters.
    pub fn params(&self) -> &FairGradParams {
        &self.params
    }

    /// The FairGrad weights for a Gramian `G = JJᵀ` (`n_obj × n_obj`), with the diagnostics.
    pub fn weights(&self, gramian: &Matrix) -> (Vec<f64>, Diagnostics) {
        self.weights_scaled(gramian, 1.0)
    }

    /// Weights for the Gramian `scale² · gramian`.
    fn weights_scaled(&self, gramian: &Matrix, scale: f64) -> (Vec<f64>, Diagnostics) {
        let m = gramian.n_rows();
        let alpha = self.params.alpha;
        if alpha == 0.0 {
            return (vec![1.0 / m as f64; m], Diagnostics::default());
        }
        let Some(g) = normalized(gramian) else {
            return (vec![0.0; m], Diagnostics::default());
        };
        let (x, stats) = alpha_fair_weights(&g, alpha, None, self.params.max_iters, FAIR_TOL);
        // G = t·Ĝ and Ĝx̂ = x̂^{−1/α} ⇒ x = x̂ · t^{−α/(α+1)}.
        let log_t = trace(gramian).ln() + 2.0 * scale.ln();
        let factor = (-alpha / (alpha + 1.0) * log_t).exp();
        (x.iter().map(|v| v * factor).collect(), diagnostics(stats))
    }
}

impl fmt::Display for FairGrad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(FAIRGRAD_INFO.display)
    }
}

impl Aggregator for FairGrad {
    fn info(&self) -> &'static MethodInfo {
        &FAIRGRAD_INFO
    }

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let gramian = ScaledGramian::new(input.jacobian);
        let (w, diag) = self.weights_scaled(&gramian.matrix, gramian.scale);
        Ok(weighted(input.jacobian, w, diag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torchjd_doc_example() {
        let j = Matrix::from_rows(&[[-4.0, 1.0, 1.0], [6.0, 1.0, 1.0]]).unwrap();
        let a = FairGrad::new(FairGradParams::default())
            .unwrap()
            .aggregate(&StepInput::new(&j))
            .unwrap();
        let want = [0.0765842883858352, 0.9985326351132684, 0.9985326351132684];
        for (x, y) in a.direction.iter().zip(want) {
            assert!((x - y).abs() < 1e-8, "{:?}", a.direction);
        }
        assert!(a.diagnostics.converged);
    }

    #[test]
    fn alpha_zero_is_uniform() {
        let g = Matrix::from_rows(&[[1.0, 0.3], [0.3, 2.0]]).unwrap();
        let f = FairGrad::new(FairGradParams {
            alpha: 0.0,
            ..FairGradParams::default()
        })
        .unwrap();
        assert_eq!(f.weights(&g).0, vec![0.5, 0.5]);
    }

    #[test]
    fn validation_rules() {
        let bad = |p: FairGradParams| matches!(FairGrad::new(p), Err(ParamsError::Invalid { .. }));
        assert!(bad(FairGradParams {
            alpha: -1.0,
            ..FairGradParams::default()
        }));
        assert!(bad(FairGradParams {
            max_iters: 0,
            ..FairGradParams::default()
        }));
    }

    #[test]
    fn autotraits() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<FairGrad>();
        check::<FairGradParams>();
    }
}
