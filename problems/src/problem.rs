//! The [`Problem`] trait, its metadata [`ProblemInfo`], and the batched Jacobian type.

use candle_core::Tensor;
use tradeoff_pareto::Matrix;

use crate::autodiff;
use crate::error::{Error, Result};

/// How raw objectives are scaled before they are returned.
///
/// Only the RE engineering problems have a scale to choose; `regression` takes LibMOON's own data
/// under [`Normalization::Libmoon`]; every other problem ignores this.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Normalization {
    /// `(f − ideal) / (nadir − ideal)` with the ideal and nadir points published by the
    /// problem's authors (Tanabe & Ishibuchi 2020 for RE). The default.
    #[default]
    Authors,
    /// Reproduces LibMOON's outputs exactly (its halved f1 for RE21/RE22, its own nadir
    /// points for RE21/RE23, raw RE42; LibMOON's exact data for `regression`), so LibMOON's
    /// tables can be reproduced.
    Libmoon,
    /// Raw objective values.
    None,
}

impl Normalization {
    /// Every choice, in the order the CLI lists them.
    pub const ALL: [Normalization; 3] = [Self::Authors, Self::Libmoon, Self::None];

    /// The CLI name (`authors`, `libmoon`, `none`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Authors => "authors",
            Self::Libmoon => "libmoon",
            Self::None => "none",
        }
    }
}

/// Everything a solver, a plot or the CLI needs to know about a problem.
#[derive(Clone, Debug, PartialEq)]
pub struct ProblemInfo {
    /// Display name as in the literature (`ZDT1`, `DTLZ2`, `RE21`).
    pub name: String,
    /// Number of decision variables `n`.
    pub n_var: usize,
    /// Number of objectives `m`.
    pub n_obj: usize,
    /// Lower bounds of the box, when the problem has one (length `n_var`).
    pub lower: Option<Vec<f64>>,
    /// Upper bounds of the box, when the problem has one (length `n_var`).
    pub upper: Option<Vec<f64>>,
    /// Whether solvers keep iterates in the box ([`ProblemInfo::project_to_bounds`]). `true`
    /// for every problem except LibMOON's own `regression` instance, whose box only says where
    /// starts are drawn: LibMOON's solver loop clamps a tensor that it no longer optimises, so
    /// its iterates are never projected, and its tables are reproduced only without projection.
    pub project: bool,
    /// Default hypervolume reference point (length `n_obj`).
    pub reference_point: Vec<f64>,
    /// Ideal point of the true front, where known (length `n_obj`).
    pub ideal: Option<Vec<f64>>,
    /// Nadir point of the true front, where known (length `n_obj`).
    pub nadir: Option<Vec<f64>>,
    /// Where the problem is defined (paper).
    pub citation: &'static str,
}

impl ProblemInfo {
    /// Metadata with no bounds, ideal or nadir and a reference point of ones.
    pub fn new(name: impl Into<String>, n_var: usize, n_obj: usize) -> Self {
        Self {
            name: name.into(),
            n_var,
            n_obj,
            lower: None,
            upper: None,
            project: true,
            reference_point: vec![1.0; n_obj],
            ideal: None,
            nadir: None,
            citation: "",
        }
    }

    /// Sets the box `[lower, upper]`.
    #[must_use]
    pub fn with_bounds(mut self, lower: Vec<f64>, upper: Vec<f64>) -> Self {
        self.lower = Some(lower);
        self.upper = Some(upper);
        self
    }

    /// Keeps the box for drawing starts but stops solvers from projecting iterates onto it
    /// (`project = false`).
    #[must_use]
    pub fn without_projection(mut self) -> Self {
        self.project = false;
        self
    }

    /// Sets the same box `[lower, upper]^n_var` on every variable.
    #[must_use]
    pub fn with_uniform_bounds(self, lower: f64, upper: f64) -> Self {
        let n = self.n_var;
        self.with_bounds(vec![lower; n], vec![upper; n])
    }

    /// Sets the default hypervolume reference point.
    #[must_use]
    pub fn with_reference_point(mut self, reference_point: Vec<f64>) -> Self {
        self.reference_point = reference_point;
        self
    }

    /// Sets the ideal and nadir points.
    #[must_use]
    pub fn with_ideal_nadir(mut self, ideal: Vec<f64>, nadir: Vec<f64>) -> Self {
        self.ideal = Some(ideal);
        self.nadir = Some(nadir);
        self
    }

    /// Sets the citation.
    #[must_use]
    pub fn with_citation(mut self, citation: &'static str) -> Self {
        self.citation = citation;
        self
    }

    /// Checks that `x` is a finite `K × n_var` batch.
    pub fn check_input(&self, x: &Matrix) -> Result<()> {
        if x.n_cols() != self.n_var {
            return Err(Error::DimensionMismatch {
                what: format!("{}: decision vector length (n_var)", self.name),
                expected: self.n_var,
                got: x.n_cols(),
            });
        }
        if let Some((row, column)) = x.first_non_finite() {
            return Err(Error::NonFinite {
                what: "decision variables",
                row,
                column,
            });
        }
        Ok(())
    }

    /// Checks that every row of `x` lies in the box, when the box constrains the problem (it
    /// has one and `project` is set; LibMOON's `regression` box only says where starts are
    /// drawn, and its objectives are defined everywhere). Outside the box many problems are
    /// undefined (ZDT1's `√(f1/g)` at `x1 < 0` is NaN), so a point there is refused with its
    /// row, column and the bound it crosses rather than evaluated.
    pub fn check_in_bounds(&self, x: &Matrix) -> Result<()> {
        if !self.project {
            return Ok(());
        }
        let (Some(lower), Some(upper)) = (&self.lower, &self.upper) else {
            return Ok(());
        };
        for (row, point) in x.rows().enumerate() {
            for (column, ((&value, &lo), &hi)) in point.iter().zip(lower).zip(upper).enumerate() {
                let crossed = if value < lo {
                    Some(("lower", lo))
                } else if value > hi {
                    Some(("upper", hi))
                } else {
                    None
                };
                if let Some((bound, limit)) = crossed {
                    return Err(Error::OutOfBounds {
                        problem: self.name.clone(),
                        row,
                        column,
                        value,
                        bound,
                        limit,
                    });
                }
            }
        }
        Ok(())
    }

    /// Clamps every row of `x` into the box, when there is one and `project` is set.
    pub fn project_to_bounds(&self, x: &mut Matrix) {
        if !self.project {
            return;
        }
        if let (Some(lo), Some(hi)) = (&self.lower, &self.upper) {
            for k in 0..x.n_rows() {
                for ((v, &l), &h) in x.row_mut(k).iter_mut().zip(lo).zip(hi) {
                    *v = v.clamp(l, h);
                }
            }
        }
    }
}

/// Jacobians of a batch: `n_points` matrices of shape `n_obj × n_var`, row-major, contiguous.
///
/// Entry `(k, i, j)` is `∂f_i(x_k) / ∂x_j`.
#[derive(Clone, Debug, PartialEq)]
pub struct JacobianBatch {
    n_points: usize,
    n_obj: usize,
    n_var: usize,
    data: Vec<f64>,
}

impl JacobianBatch {
    /// All-zero Jacobians of shape `[n_points, n_obj, n_var]`.
    pub fn zeros(n_points: usize, n_obj: usize, n_var: usize) -> Self {
        Self {
            n_points,
            n_obj,
            n_var,
            data: vec![0.0; n_points * n_obj * n_var],
        }
    }

    /// `(n_points, n_obj, n_var)`.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.n_points, self.n_obj, self.n_var)
    }

    /// Number of points in the batch.
    pub fn n_points(&self) -> usize {
        self.n_points
    }

    /// The Jacobian of point `k`: `n_obj × n_var`, row-major.
    pub fn point(&self, k: usize) -> &[f64] {
        let size = self.n_obj * self.n_var;
        &self.data[k * size..(k + 1) * size]
    }

    /// The Jacobian of point `k`, mutable.
    pub fn point_mut(&mut self, k: usize) -> &mut [f64] {
        let size = self.n_obj * self.n_var;
        &mut self.data[k * size..(k + 1) * size]
    }

    /// The Jacobian of point `k` as an owned [`Matrix`].
    pub fn matrix(&self, k: usize) -> Matrix {
        Matrix::from_vec(self.n_obj, self.n_var, self.point(k).to_vec())
            .expect("a Jacobian slice has n_obj * n_var entries")
    }

    /// Entry `∂f_i(x_k) / ∂x_j`.
    pub fn get(&self, k: usize, i: usize, j: usize) -> f64 {
        self.data[(k * self.n_obj + i) * self.n_var + j]
    }

    /// Sets entry `∂f_i(x_k) / ∂x_j`.
    pub fn set(&mut self, k: usize, i: usize, j: usize, value: f64) {
        self.data[(k * self.n_obj + i) * self.n_var + j] = value;
    }

    /// All entries, `[n_points, n_obj, n_var]` row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// Nested vectors `[n_points][n_obj][n_var]` (for serialisation).
    pub fn to_nested(&self) -> Vec<Vec<Vec<f64>>> {
        (0..self.n_points)
            .map(|k| self.matrix(k).to_rows())
            .collect()
    }
}

/// A multi-objective minimisation problem evaluated on a batch of candidate solutions.
///
/// A batch `x` is a `K × n_var` [`Matrix`]; objectives come back as `K × n_obj`.
///
/// To define a problem of your own, implement [`Problem::info`] and [`Problem::evaluate_tensor`]
/// (candle ops in `f64` on a `[K, n_var]` tensor): evaluation and Jacobians (by `n_obj`
/// backward passes over the whole batch) come for free. Built-in problems also override
/// [`Problem::evaluate`] and [`Problem::jacobian`] with plain `f64` code and analytic
/// derivatives, which are 10–100× faster for small problems.
///
/// Implementations of `evaluate` and `jacobian` validate their input with
/// [`ProblemInfo::check_input`].
///
/// ```
/// use tradeoff_problems::{Problem, ProblemInfo, TensorProblem};
/// use tradeoff_pareto::Matrix;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // f1 = Σ x², f2 = Σ (x − 1)²
/// let problem = TensorProblem::new(ProblemInfo::new("two-spheres", 2, 2), |x| {
///     let f1 = x.sqr()?.sum_keepdim(1)?;
///     let f2 = (x - 1.0)?.sqr()?.sum_keepdim(1)?;
///     candle_core::Tensor::cat(&[f1, f2], 1)
/// });
/// let x = Matrix::from_rows(&[[0.5, 0.25]])?;
/// let (f, jacobian) = problem.jacobian(&x)?;
/// assert!((f.get(0, 0) - 0.3125).abs() < 1e-15);
/// assert!((jacobian.get(0, 1, 0) - (-1.0)).abs() < 1e-15); // ∂f2/∂x1 = 2(x1 − 1)
/// # Ok(()) }
/// ```
pub trait Problem: Send + Sync + std::fmt::Debug {
    /// The problem's metadata.
    fn info(&self) -> &ProblemInfo;

    /// Objectives as differentiable candle ops: `x` is `[K, n_var]` (f64), the result `[K, n_obj]`.
    fn evaluate_tensor(&self, x: &Tensor) -> candle_core::Result<Tensor>;

    /// Objectives of a batch: `x` is `K × n_var`, the result `K × n_obj`.
    fn evaluate(&self, x: &Matrix) -> Result<Matrix> {
        self.info().check_input(x)?;
        autodiff::evaluate_with_tensors(self, x)
    }

    /// Objectives and Jacobians of a batch: `K × n_obj` and `[K, n_obj, n_var]`.
    ///
    /// The default uses autodiff: `n_obj` backward passes over the whole batch.
    fn jacobian(&self, x: &Matrix) -> Result<(Matrix, JacobianBatch)> {
        self.info().check_input(x)?;
        autodiff::autodiff_jacobian(self, x)
    }

    /// Whether [`Problem::jacobian`] is analytic (true for every built-in synthetic problem).
    fn has_analytic_jacobian(&self) -> bool {
        false
    }

    /// `n_points` points of the true Pareto front (`n_points × n_obj`), where it is known.
    ///
    /// The returned set may hold fewer or more points when the front's shape dictates it
    /// (for example a lattice), but always about `n_points`.
    fn pareto_front(&self, n_points: usize) -> Option<Matrix> {
        let _ = n_points;
        None
    }

    /// Whether [`Problem::pareto_front`] returns a front.
    fn has_pareto_front(&self) -> bool {
        self.pareto_front(2).is_some()
    }
}

#[cfg(test)]
mod bounds_tests {
    use super::*;

    #[test]
    fn check_in_bounds_names_the_row_column_and_bound() {
        let info = ProblemInfo::new("box", 2, 2).with_uniform_bounds(0.0, 1.0);
        let inside = Matrix::from_rows(&[vec![0.0, 1.0], vec![0.5, 0.5]]).expect("matrix");
        assert!(info.check_in_bounds(&inside).is_ok());
        let below = Matrix::from_rows(&[vec![0.5, 0.5], vec![-1.0, 0.5]]).expect("matrix");
        match info.check_in_bounds(&below) {
            Err(Error::OutOfBounds {
                row: 1,
                column: 0,
                bound: "lower",
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        let above = Matrix::from_rows(&[vec![0.5, 2.0]]).expect("matrix");
        let message = info.check_in_bounds(&above).expect_err("above").to_string();
        assert!(message.contains("row 0, column 1 is 2"), "{message}");
        assert!(message.contains("upper bound 1"), "{message}");
        // A box that does not constrain the problem (starts only) accepts any point.
        assert!(info.without_projection().check_in_bounds(&above).is_ok());
    }
}
