//! [`GradientSource`]: objectives whose per-objective gradients a method combines, one step at a
//! time — the one interface the runner drives for synthetic problems and neural networks alike.

use tradeoff_pareto::Matrix;

use crate::error::Result;
use crate::problem::{JacobianBatch, Problem};

/// Objectives whose per-objective gradients a method combines, for a batch of `K` points (or
/// `K` stacked models) with `n_var` parameters each.
///
/// A step is two phases. [`GradientSource::begin_step`] evaluates the objectives of the step's
/// data at `x` (a neural source draws the step's minibatch and keeps its computation graph);
/// then the caller asks for what its method needs, once:
/// - [`GradientSource::combined_gradient`] for methods whose weights need only the losses (or a
///   Gramian): `Σ_i w_{k,i} ∇f_{k,i}` per row, one backward pass of the weighted loss;
/// - [`GradientSource::representation_gramians`] for Gramian-based methods, where the source has
///   a shared representation (the Gramian of the per-objective gradients with respect to it,
///   LibMTL's `rep_grad` / MGDA-UB), followed by `combined_gradient`;
/// - [`GradientSource::jacobian`] for methods that read the rows themselves (`m` backward
///   passes).
///
/// Sources are stochastic in general: the step's data depends on the iteration (a neural source
/// derives its minibatch from the seed and the iteration only, so a resumed run sees the same
/// batches). [`ProblemSource`] adapts a deterministic [`Problem`].
pub trait GradientSource: Send {
    /// A display name.
    fn name(&self) -> String;

    /// Number of objectives `m`.
    fn n_obj(&self) -> usize;

    /// Number of parameters of one point (one model), `n_var`.
    fn n_var(&self) -> usize;

    /// Number of points (stacked models) `K`, fixed by the source.
    fn n_points(&self) -> usize;

    /// The starting point, `K × n_var` (a neural source: its seeded initialisation).
    ///
    /// # Errors
    /// The source's errors.
    fn initial_point(&mut self) -> Result<Matrix>;

    /// The epoch step `iteration` belongs to, for sources that have epochs.
    fn epoch_of(&self, _iteration: usize) -> Option<usize> {
        None
    }

    /// Steps per epoch, for sources that have epochs.
    fn steps_per_epoch(&self) -> Option<usize> {
        None
    }

    /// Starts step `iteration` at `x` (`K × n_var`): the objectives of the step's data, `K × m`.
    ///
    /// # Errors
    /// Shapes, non-finite parameters, and the source's errors.
    fn begin_step(&mut self, x: &Matrix, iteration: usize) -> Result<Matrix>;

    /// [`GradientSource::begin_step`] for a step whose method reads only the objectives `rows`
    /// (`None`: all): a source whose objectives are separate computations (a PINN's loss terms)
    /// evaluates only those, and reports for the others the value of their last evaluation. The
    /// default evaluates every objective.
    ///
    /// # Errors
    /// As [`GradientSource::begin_step`].
    fn begin_step_rows(
        &mut self,
        x: &Matrix,
        iteration: usize,
        _rows: Option<&[usize]>,
    ) -> Result<Matrix> {
        self.begin_step(x, iteration)
    }

    /// The per-objective gradients of the step begun last, `[K, m, n_var]`.
    ///
    /// # Errors
    /// Without a begun step, and the source's errors.
    fn jacobian(&mut self) -> Result<JacobianBatch>;

    /// The gradients of the objectives `rows` only (the other rows of the result are zero): one
    /// backward pass per listed objective, for methods that read only some rows per step
    /// (M-ConFIG). The default computes the whole [`GradientSource::jacobian`].
    ///
    /// # Errors
    /// As [`GradientSource::jacobian`].
    fn jacobian_rows(&mut self, _rows: &[usize]) -> Result<JacobianBatch> {
        self.jacobian()
    }

    /// `Σ_i w_{k,i} ∇f_{k,i}` for each row `k` of `weights` (`K × m`), the gradient of the
    /// weighted loss of the step begun last: `K × n_var`.
    ///
    /// # Errors
    /// Without a begun step, shapes, and the source's errors.
    fn combined_gradient(&mut self, weights: &Matrix) -> Result<Matrix>;

    /// For each point, the Gramian (`m × m`) of the per-objective gradients with respect to
    /// the source's shared representation, where it has one (`None` otherwise: the caller then
    /// takes the Gramian of the full [`GradientSource::jacobian`]).
    ///
    /// # Errors
    /// Without a begun step, and the source's errors.
    fn representation_gramians(&mut self) -> Result<Option<Vec<Matrix>>> {
        Ok(None)
    }

    /// The objectives at `x` over the whole training data (not a minibatch), `K × m`: what a
    /// finished run reports as its objectives.
    ///
    /// # Errors
    /// The source's errors.
    fn full_objectives(&mut self, x: &Matrix) -> Result<Matrix>;
}

/// A deterministic [`Problem`] as a [`GradientSource`]: `begin_step` evaluates the objectives
/// and the Jacobians at once (the problem's exact fast path) and keeps the Jacobians for the
/// step's second phase.
#[derive(Debug)]
pub struct ProblemSource<'a> {
    problem: &'a dyn Problem,
    n_points: usize,
    init: Matrix,
    jacobians: Option<JacobianBatch>,
}

impl<'a> ProblemSource<'a> {
    /// `problem` for a batch starting at `start` (`K × n_var`).
    pub fn new(problem: &'a dyn Problem, start: Matrix) -> Self {
        Self {
            problem,
            n_points: start.n_rows(),
            init: start,
            jacobians: None,
        }
    }

    fn step_jacobians(&self) -> Result<&JacobianBatch> {
        self.jacobians
            .as_ref()
            .ok_or_else(|| crate::Error::Unsupported {
                problem: self.problem.info().name.clone(),
                what: "gradients were asked for before begin_step".into(),
            })
    }
}

impl GradientSource for ProblemSource<'_> {
    fn name(&self) -> String {
        self.problem.info().name.clone()
    }

    fn n_obj(&self) -> usize {
        self.problem.info().n_obj
    }

    fn n_var(&self) -> usize {
        self.problem.info().n_var
    }

    fn n_points(&self) -> usize {
        self.n_points
    }

    fn initial_point(&mut self) -> Result<Matrix> {
        Ok(self.init.clone())
    }

    fn begin_step(&mut self, x: &Matrix, _iteration: usize) -> Result<Matrix> {
        let (objectives, jacobians) = self.problem.jacobian(x)?;
        self.jacobians = Some(jacobians);
        Ok(objectives)
    }

    fn jacobian(&mut self) -> Result<JacobianBatch> {
        self.step_jacobians().cloned()
    }

    fn combined_gradient(&mut self, weights: &Matrix) -> Result<Matrix> {
        let jacobians = self.step_jacobians()?;
        let (k, m, n) = jacobians.shape();
        if weights.shape() != (k, m) {
            return Err(crate::Error::DimensionMismatch {
                what: "weights (K × m)".into(),
                expected: k * m,
                got: weights.n_rows() * weights.n_cols(),
            });
        }
        let mut out = Matrix::zeros(k, n);
        for point in 0..k {
            let rows = jacobians.point(point);
            let row_out = out.row_mut(point);
            for (i, &w) in weights.row(point).iter().enumerate() {
                for (o, g) in row_out.iter_mut().zip(&rows[i * n..(i + 1) * n]) {
                    *o += w * g;
                }
            }
        }
        Ok(out)
    }

    fn full_objectives(&mut self, x: &Matrix) -> Result<Matrix> {
        self.problem.evaluate(x)
    }
}
