//! The MaF suite (Cheng et al. 2017). Only MaF1 is provided.

use std::fmt;

use candle_core::Tensor;
use tradeoff_pareto::Matrix;

use crate::dtlz::{
    check_sizes, linear_shape, linear_shape_grad, linear_shape_tensors, simplex_lattice,
};
use crate::error::Result;
use crate::problem::{Problem, ProblemInfo};
use crate::registry::{ProblemEntry, ProblemSpec, free_size};
use crate::zdt::synthetic_problem;

const CITATION: &str = "R. Cheng, M. Li, Y. Tian, X. Zhang, S. Yang, Y. Jin, X. Yao. A benchmark \
     test suite for evolutionary many-objective optimization. Complex & Intelligent Systems \
     3(1):67-81, 2017";

/// MaF1: inverted linear front (a modified inverted DTLZ1), as its authors define it.
///
/// Cheng, Li, Tian, Zhang, Yang, Jin & Yao, "A benchmark test suite for evolutionary
/// many-objective optimization", Complex & Intelligent Systems 3(1), 2017, MaF1.
///
/// ```text
/// g   = Σ_{i=m}^{n} (x_i − ½)²
/// f_1 = (1 − x_1 ⋯ x_{m−1})·(1 + g)
/// f_i = (1 − x_1 ⋯ x_{m−i}·(1 − x_{m−i+1}))·(1 + g)     (i = 2, …, m − 1)
/// f_m = x_1·(1 + g)
/// ```
///
/// - Domain: `[0, 1]^n`, n_obj ≥ 2, n_var ≥ n_obj; default n = m + K − 1 with the authors'
///   K = 10 (n = 12 at m = 3; LibMOON's `get_problem` passes n = 10).
/// - Pareto set: distance variables = ½ (g = 0).
/// - True front: the inverted simplex f = 1 − w, w ≥ 0, Σ w = 1 (so Σ f = m − 1, f ∈ [0, 1]);
///   ideal 0, nadir 1. [`Problem::pareto_front`] maps a Das–Dennis lattice of about
///   `n_points` points onto it.
/// - Reference point: 1 in every objective.
///
/// Differences from LibMOON: LibMOON on GitHub (commit b43d825) divides every objective by 2,
/// so its values are half of these; PyPI 0.2.1 does not halve and agrees with this definition.
/// LibMOON fixes m = 3, has no numpy path, uses the reference point (2, 2, 2), and its
/// `get_pf` returns the single point (0, 0, 0), which is not on the front and not even
/// attainable (every point has Σ f = (m − 1)(1 + g) ≥ m − 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Maf1 {
    info: ProblemInfo,
}

impl Maf1 {
    /// The authors' number of distance variables K; the default `n_var` is `n_obj + K − 1`.
    pub const DEFAULT_K: usize = 10;

    /// The problem with `n_var` variables and `n_obj` objectives (`n_obj ≥ 2`, `n_var ≥ n_obj`).
    pub fn new(n_var: usize, n_obj: usize) -> Result<Self> {
        let (n_var, n_obj) = check_sizes("MaF1", n_var, n_obj)?;
        Ok(Self {
            info: Self::make_info(n_var, n_obj),
        })
    }

    fn make_info(n_var: usize, n_obj: usize) -> ProblemInfo {
        ProblemInfo::new("MaF1", n_var, n_obj)
            .with_uniform_bounds(0.0, 1.0)
            .with_reference_point(vec![1.0; n_obj])
            .with_ideal_nadir(vec![0.0; n_obj], vec![1.0; n_obj])
            .with_citation(CITATION)
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, scratch: &mut Vec<f64>) {
        let (n, m) = (x.len(), f.len());
        let (xp, xd) = x.split_at(m - 1);
        let g: f64 = xd.iter().map(|&v| (v - 0.5) * (v - 0.5)).sum();
        for (i, fi) in f.iter_mut().enumerate() {
            *fi = (1.0 - linear_shape(xp, i)) * (1.0 + g);
        }
        if let Some(jac) = jac {
            scratch.resize(m - 1, 0.0);
            for (i, row) in jac.chunks_mut(n).enumerate() {
                linear_shape_grad(xp, i, scratch);
                for (d, &s) in row.iter_mut().zip(scratch.iter()) {
                    *d = -(1.0 + g) * s;
                }
                let h = 1.0 - linear_shape(xp, i);
                for (d, &v) in row[m - 1..].iter_mut().zip(xd) {
                    *d = h * 2.0 * (v - 0.5);
                }
            }
        }
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (n, m) = (self.info.n_var, self.info.n_obj);
        let one_plus_g = (x.narrow(1, m - 1, n - m + 1)? - 0.5)?
            .sqr()?
            .sum_keepdim(1)?
            .affine(1.0, 1.0)?;
        let shapes = linear_shape_tensors(&x.narrow(1, 0, m - 1)?, m)?;
        let f = shapes
            .iter()
            .map(|q| q.affine(-1.0, 1.0)? * &one_plus_g)
            .collect::<candle_core::Result<Vec<_>>>()?;
        Tensor::cat(&f, 1)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let mut front = simplex_lattice(self.info.n_obj, n_points);
        front.as_mut_slice().iter_mut().for_each(|v| *v = 1.0 - *v);
        Some(front)
    }
}

impl Default for Maf1 {
    /// Three objectives and `n_var = 12`.
    fn default() -> Self {
        Self {
            info: Self::make_info(3 + Self::DEFAULT_K - 1, 3),
        }
    }
}

impl fmt::Display for Maf1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.info.name)
    }
}

synthetic_problem!(Maf1);

fn build_maf1(spec: &ProblemSpec) -> Result<Box<dyn Problem>> {
    let n_obj = free_size("MaF1", "n_obj", 3, 2, spec.n_obj)?;
    let n_var = free_size(
        "MaF1",
        "n_var",
        n_obj + Maf1::DEFAULT_K - 1,
        n_obj,
        spec.n_var,
    )?;
    Ok(Box::new(Maf1::new(n_var, n_obj)?))
}

/// Registry rows of this family.
pub(crate) const ENTRIES: &[ProblemEntry] = &[ProblemEntry {
    name: "maf1",
    family: "MaF",
    summary: "m objectives (default 3), inverted linear front (default n = m + 9)",
    build: build_maf1,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn sizes_are_validated() {
        assert!(matches!(
            Maf1::new(2, 3),
            Err(Error::InvalidSize {
                what: "n_var",
                got: 2,
                ..
            })
        ));
        assert!(matches!(
            Maf1::new(5, 1),
            Err(Error::InvalidSize {
                what: "n_obj",
                got: 1,
                ..
            })
        ));
    }

    #[test]
    fn hand_computed_values() {
        // x = (½, ½, ½): g = 0, f = (1 − ¼, 1 − ¼, ½).
        let f = Maf1::new(3, 3)
            .unwrap()
            .evaluate(&Matrix::from_rows(&[[0.5, 0.5, 0.5]]).unwrap())
            .unwrap();
        assert_eq!(f.row(0), &[0.75, 0.75, 0.5]);
    }

    #[test]
    fn type_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Maf1>();
    }
}
