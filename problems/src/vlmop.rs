//! The two VLMOP problems as LibMOON defines them: two objectives measuring the distance to the
//! points ±(1/√n)·1 on the box `[−1, 1]^n`.
//!
//! **Names.** LibMOON swaps these two names between versions: in PyPI 0.2.1 `VLMOP1` is the
//! exponential (Fonseca–Fleming) problem and `VLMOP2` the quadratic one; on GitHub (commit
//! b43d825, 2025) the class `VLMOP1` is the quadratic problem and `VLMOP2` the exponential one,
//! while their `problem_name` attributes are swapped relative to the class names. We follow the
//! GitHub class names, and the exponential form is the classic VLMOP2 (Van Veldhuizen & Lamont
//! 1999), so [`Vlmop1`] is the quadratic problem and [`Vlmop2`] the exponential one. LibMOON's
//! paper table titled "VLMOP1" is the exponential problem, i.e. our [`Vlmop2`].

use std::fmt;

use candle_core::Tensor;
use tradeoff_pareto::Matrix;

use crate::error::Result;
use crate::problem::{Problem, ProblemInfo};
use crate::registry::{ProblemEntry, ProblemSpec, fixed_size, free_size};
use crate::zdt::{front_from_columns, linspace, synthetic_problem, two_objective_struct};

/// `Σ (x_j − a)²` and `Σ (x_j + a)²` with `a = 1/√n`.
fn squared_distances(x: &[f64]) -> (f64, f64, f64) {
    let a = 1.0 / (x.len() as f64).sqrt();
    let (mut minus, mut plus) = (0.0, 0.0);
    for &v in x {
        minus += (v - a) * (v - a);
        plus += (v + a) * (v + a);
    }
    (minus, plus, a)
}

/// The same as `[K, 1]` tensors.
fn squared_distance_tensors(x: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
    let a = 1.0 / (x.dim(1)? as f64).sqrt();
    let minus = (x - a)?.sqr()?.sum_keepdim(1)?;
    let plus = (x + a)?.sqr()?.sum_keepdim(1)?;
    Ok((minus, plus))
}

/// The Pareto set's parameter: `x = t·(1/√n)·1` for `t` from −1 to 1 (LibMOON's order, so the
/// first point has the largest f1).
fn segment(n_points: usize) -> Vec<f64> {
    linspace(-1.0, 1.0, n_points.max(2))
}

/// VLMOP problems: two objectives, LibMOON's default of 10 variables, at least 1.
macro_rules! vlmop_struct {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $build:ident) => {
        two_objective_struct!($(#[$doc])* $ty, $name, 10, 1, $build);
    };
}

vlmop_struct!(
    /// VLMOP1 as LibMOON defines it: two scaled squared distances (a convex, quadratic problem).
    ///
    /// ```text
    /// a  = 1/√n
    /// f1 = ‖x − a·1‖² / 4
    /// f2 = ‖x + a·1‖² / 4
    /// ```
    ///
    /// - Domain: `[−1, 1]^n`, n ≥ 1, default n = 10 (LibMOON's).
    /// - Pareto set: the segment x = t·a·1, t ∈ [−1, 1].
    /// - True front: f = ((1 − t)²/4, (1 + t)²/4), i.e. √f1 + √f2 = 1 with f ∈ [0, 1]²;
    ///   ideal (0, 0), nadir (1, 1).
    /// - Reference point: (4, 4), LibMOON's value.
    /// - Source: LibMOON, `libmoon/problem/synthetic/vlmop.py`, class `VLMOP1` at GitHub commit
    ///   b43d825. The literature's VLMOP1 (Van Veldhuizen & Lamont, "Multiobjective evolutionary
    ///   algorithm test suites", ACM SAC 1999) is Schaffer's one-variable problem x², (x − 2)²;
    ///   this is LibMOON's n-variable two-sphere form.
    ///
    /// Differences from LibMOON: LibMOON swaps the names VLMOP1/VLMOP2 between versions (see the
    /// module docs): this is GitHub's class `VLMOP1` (whose `problem_name` attribute says
    /// "VLMOP2") and PyPI 0.2.1's `VLMOP2`. Values agree with both to rounding.
    Vlmop1,
    "VLMOP1",
    build_vlmop1
);

const CITATION_VLMOP1: &str = "X. Zhang et al. LibMOON: a gradient-based multiobjective \
     optimization library in PyTorch. NeurIPS 2024 (Datasets and Benchmarks); \
     libmoon/problem/synthetic/vlmop.py, class VLMOP1 at commit b43d825";

const CITATION_VLMOP2: &str = "D. A. Van Veldhuizen, G. B. Lamont. Multiobjective evolutionary \
     algorithm test suites. ACM SAC 1999; C. M. Fonseca, P. J. Fleming. An overview of \
     evolutionary algorithms in multiobjective optimization. Evolutionary Computation 3(1), 1995";

impl Vlmop1 {
    fn make_info(n_var: usize) -> ProblemInfo {
        ProblemInfo::new("VLMOP1", n_var, 2)
            .with_uniform_bounds(-1.0, 1.0)
            .with_reference_point(vec![4.0, 4.0])
            .with_ideal_nadir(vec![0.0, 0.0], vec![1.0, 1.0])
            .with_citation(CITATION_VLMOP1)
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, _: &mut Vec<f64>) {
        let n = x.len();
        let (minus, plus, a) = squared_distances(x);
        f[0] = minus / 4.0;
        f[1] = plus / 4.0;
        if let Some(jac) = jac {
            let (d1, d2) = jac.split_at_mut(n);
            for ((g1, g2), &v) in d1.iter_mut().zip(d2.iter_mut()).zip(x) {
                *g1 = (v - a) / 2.0;
                *g2 = (v + a) / 2.0;
            }
        }
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (minus, plus) = squared_distance_tensors(x)?;
        Tensor::cat(&[(minus / 4.0)?, (plus / 4.0)?], 1)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let t = segment(n_points);
        Some(front_from_columns(&[
            t.iter().map(|t| (1.0 - t) * (1.0 - t) / 4.0).collect(),
            t.iter().map(|t| (1.0 + t) * (1.0 + t) / 4.0).collect(),
        ]))
    }
}

synthetic_problem!(Vlmop1);

vlmop_struct!(
    /// VLMOP2: the Fonseca–Fleming problem on `[−1, 1]^n` (concave front).
    ///
    /// Van Veldhuizen & Lamont, "Multiobjective evolutionary algorithm test suites", ACM SAC 1999
    /// (VLMOP2); Fonseca & Fleming, Evolutionary Computation 3(1), 1995.
    ///
    /// ```text
    /// a  = 1/√n
    /// f1 = 1 − exp(−‖x − a·1‖²)
    /// f2 = 1 − exp(−‖x + a·1‖²)
    /// ```
    ///
    /// - Domain: `[−1, 1]^n` as in LibMOON (the classic box is `[−2, 2]^n`; the Pareto set lies
    ///   inside both), n ≥ 1, default n = 10 (LibMOON's).
    /// - Pareto set: the segment x = t·a·1, t ∈ [−1, 1].
    /// - True front: f = (1 − exp(−(1 − t)²), 1 − exp(−(1 + t)²)); ideal (0, 0),
    ///   nadir (1 − e⁻⁴, 1 − e⁻⁴) = (0.9816843611, 0.9816843611).
    /// - Reference point: (1, 1).
    ///
    /// Differences from LibMOON: LibMOON swaps the names VLMOP1/VLMOP2 between versions (see the
    /// module docs): this is GitHub's class `VLMOP2` (whose `problem_name` attribute says
    /// "VLMOP1", and whose results LibMOON's paper reports as "VLMOP1") and PyPI 0.2.1's
    /// `VLMOP1`. Values agree with both to rounding.
    Vlmop2,
    "VLMOP2",
    build_vlmop2
);

impl Vlmop2 {
    fn make_info(n_var: usize) -> ProblemInfo {
        let worst = 1.0 - (-4.0f64).exp();
        ProblemInfo::new("VLMOP2", n_var, 2)
            .with_uniform_bounds(-1.0, 1.0)
            .with_reference_point(vec![1.0, 1.0])
            .with_ideal_nadir(vec![0.0, 0.0], vec![worst, worst])
            .with_citation(CITATION_VLMOP2)
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, _: &mut Vec<f64>) {
        let n = x.len();
        let (minus, plus, a) = squared_distances(x);
        let (e1, e2) = ((-minus).exp(), (-plus).exp());
        f[0] = 1.0 - e1;
        f[1] = 1.0 - e2;
        if let Some(jac) = jac {
            let (d1, d2) = jac.split_at_mut(n);
            for ((g1, g2), &v) in d1.iter_mut().zip(d2.iter_mut()).zip(x) {
                *g1 = 2.0 * (v - a) * e1;
                *g2 = 2.0 * (v + a) * e2;
            }
        }
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (minus, plus) = squared_distance_tensors(x)?;
        let f1 = minus.neg()?.exp()?.affine(-1.0, 1.0)?;
        let f2 = plus.neg()?.exp()?.affine(-1.0, 1.0)?;
        Tensor::cat(&[f1, f2], 1)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let t = segment(n_points);
        Some(front_from_columns(&[
            t.iter()
                .map(|t| 1.0 - (-(1.0 - t) * (1.0 - t)).exp())
                .collect(),
            t.iter()
                .map(|t| 1.0 - (-(1.0 + t) * (1.0 + t)).exp())
                .collect(),
        ]))
    }
}

synthetic_problem!(Vlmop2);

/// Registry rows of this family.
pub(crate) const ENTRIES: &[ProblemEntry] = &[
    ProblemEntry {
        name: "vlmop1",
        family: "VLMOP",
        summary: "2 objectives, ||x -+ 1/sqrt(n)||^2 / 4 on [-1,1]^n (LibMOON's, default n = 10)",
        build: build_vlmop1,
    },
    ProblemEntry {
        name: "vlmop2",
        family: "VLMOP",
        summary: "2 objectives, Fonseca-Fleming 1 - exp(-||x -+ 1/sqrt(n)||^2) on [-1,1]^n",
        build: build_vlmop2,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn n_var_zero_is_rejected() {
        assert!(matches!(
            Vlmop1::new(0),
            Err(Error::InvalidSize {
                what: "n_var",
                got: 0,
                ..
            })
        ));
        assert!(matches!(Vlmop2::new(0), Err(Error::InvalidSize { .. })));
    }

    #[test]
    fn n_obj_is_fixed_at_two() {
        let spec = ProblemSpec::new("vlmop1").n_obj(3);
        assert!(matches!(
            build_vlmop1(&spec),
            Err(Error::InvalidSize { what: "n_obj", .. })
        ));
    }

    #[test]
    fn hand_computed_values() {
        // n = 1, a = 1, x = 0: both squared distances are 1.
        let x = Matrix::from_rows(&[[0.0]]).unwrap();
        let f1 = Vlmop1::new(1).unwrap().evaluate(&x).unwrap();
        assert_eq!((f1.get(0, 0), f1.get(0, 1)), (0.25, 0.25));
        let f2 = Vlmop2::new(1).unwrap().evaluate(&x).unwrap();
        assert!((f2.get(0, 0) - (1.0 - (-1.0f64).exp())).abs() < 1e-15);
    }

    #[test]
    fn types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Vlmop1>();
        check::<Vlmop2>();
    }
}
