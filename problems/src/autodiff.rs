//! Problems evaluated through candle: autodiff Jacobians and the closure-based [`TensorProblem`].

use candle_core::{DType, Device, Tensor, Var};
use tradeoff_pareto::Matrix;

use crate::error::{Error, Result};
use crate::problem::{JacobianBatch, Problem, ProblemInfo};

fn to_tensor(x: &Matrix) -> candle_core::Result<Tensor> {
    Tensor::from_slice(x.as_slice(), (x.n_rows(), x.n_cols()), &Device::Cpu)
}

fn to_matrix(t: &Tensor) -> Result<Matrix> {
    let (rows, cols) = t.dims2()?;
    let data = t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
    Ok(Matrix::from_vec(rows, cols, data)?)
}

/// Evaluates `problem` on `x` through [`Problem::evaluate_tensor`] (no gradient).
///
/// # Errors
/// A tensor error, or [`Error::DimensionMismatch`] when `evaluate_tensor` returns anything but
/// `[K, n_obj]` (say a closure that returns one column for a two-objective problem).
pub fn evaluate_with_tensors<P: Problem + ?Sized>(problem: &P, x: &Matrix) -> Result<Matrix> {
    let f = problem.evaluate_tensor(&to_tensor(x)?)?;
    check_output_shape(problem, x.n_rows(), &f)?;
    to_matrix(&f)
}

/// Checks that `evaluate_tensor` gave `[K, n_obj]`, where it was produced, so that a wrong
/// closure is reported as such instead of surfacing later as a reference point or preference of
/// the wrong length.
fn check_output_shape<P: Problem + ?Sized>(problem: &P, k: usize, f: &Tensor) -> Result<()> {
    let info = problem.info();
    let dims = f.dims();
    if dims.len() != 2 {
        return Err(Error::DimensionMismatch {
            what: format!(
                "{}: evaluate_tensor must return [K, n_obj] = [{k}, {}], got shape {dims:?}; \
                 number of dimensions",
                info.name, info.n_obj
            ),
            expected: 2,
            got: dims.len(),
        });
    }
    if dims[0] != k {
        return Err(Error::DimensionMismatch {
            what: format!(
                "{}: evaluate_tensor must return one row per point ([K, n_obj] = [{k}, {}]); rows",
                info.name, info.n_obj
            ),
            expected: k,
            got: dims[0],
        });
    }
    if dims[1] != info.n_obj {
        return Err(Error::DimensionMismatch {
            what: format!(
                "{}: evaluate_tensor must return one column per objective ([K, n_obj] = [{k}, {}]); \
                 columns",
                info.name, info.n_obj
            ),
            expected: info.n_obj,
            got: dims[1],
        });
    }
    Ok(())
}

/// Objectives and Jacobians by reverse-mode autodiff through [`Problem::evaluate_tensor`].
///
/// Runs one forward pass over the `K × n_var` batch and `n_obj` backward passes: the
/// gradient of `Σ_k f_i(x_k)` with respect to the batch gives row `i` of every point's
/// Jacobian at once (never `K · n_obj` passes).
pub fn autodiff_jacobian<P: Problem + ?Sized>(
    problem: &P,
    x: &Matrix,
) -> Result<(Matrix, JacobianBatch)> {
    let (k, n) = x.shape();
    let var = Var::from_tensor(&to_tensor(x)?)?;
    let f = problem.evaluate_tensor(var.as_tensor())?;
    check_output_shape(problem, k, &f)?;
    let m = f.dims2()?.1;
    let values = to_matrix(&f)?;
    let mut jacobian = JacobianBatch::zeros(k, m, n);
    for i in 0..m {
        let grads = f.narrow(1, i, 1)?.sum_all()?.backward()?;
        let Some(g) = grads.get(var.as_tensor()) else {
            // The objective does not depend on x: its gradient is zero.
            continue;
        };
        let g = g.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
        for point in 0..k {
            for j in 0..n {
                jacobian.set(point, i, j, g[point * n + j]);
            }
        }
    }
    Ok((values, jacobian))
}

/// A problem given as its metadata and a closure of candle ops (`[K, n_var] → [K, n_obj]`, f64).
///
/// Evaluation and Jacobians go through autodiff.
pub struct TensorProblem<F> {
    info: ProblemInfo,
    objectives: F,
}

impl<F> TensorProblem<F>
where
    F: Fn(&Tensor) -> candle_core::Result<Tensor> + Send + Sync,
{
    /// Wraps `objectives` with its metadata.
    pub fn new(info: ProblemInfo, objectives: F) -> Self {
        Self { info, objectives }
    }
}

impl<F> std::fmt::Debug for TensorProblem<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TensorProblem")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl<F> Problem for TensorProblem<F>
where
    F: Fn(&Tensor) -> candle_core::Result<Tensor> + Send + Sync,
{
    fn info(&self) -> &ProblemInfo {
        &self.info
    }

    fn evaluate_tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        (self.objectives)(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closure_with_too_few_columns_is_named() {
        // Two objectives declared, one column returned: the error says so where it happens.
        let problem =
            TensorProblem::new(ProblemInfo::new("one-column", 2, 2), |x| x.sum_keepdim(1));
        let x = Matrix::from_rows(&[[0.5, 0.5]]).unwrap();
        for result in [
            problem.evaluate(&x).map(|_| ()),
            problem.jacobian(&x).map(|_| ()),
        ] {
            let message = result.unwrap_err().to_string();
            assert!(message.contains("one-column"), "{message}");
            assert!(message.contains("one column per objective"), "{message}");
            assert!(message.contains("expected 2, got 1"), "{message}");
        }
    }
}
