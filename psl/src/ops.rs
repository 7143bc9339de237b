//! Fused CPU kernels for the dense layers: `act(z + b)` forward in one pass, and its backward
//! (the ReLU mask, the neural layers' kernel, and the bias gradient) in one pass each.
//!
//! candle-core's `broadcast_add` + `relu` cost two passes forward, and five backward (its ReLU
//! gradient is `zeros_like`, `ge`, `to_dtype`, `mul`, `add`; the broadcast's gradient is a
//! strided reduction over the batch). On the LibMOON MLP (batch 128, width 256) they took about
//! a fifth of a training step; these kernels remove most of it. Matrix products stay candle's.

use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Result, Shape, Tensor, WithDType};

fn unsupported(op: &'static str) -> candle_core::Error {
    candle_core::Error::Msg(format!("{op}: only f32 and f64 are supported"))
}

fn contiguous<'a, T: WithDType>(
    storage: &'a CpuStorage,
    layout: &Layout,
    op: &'static str,
) -> Result<&'a [T]> {
    let data = storage.as_slice::<T>()?;
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&data[start..end]),
        None => Err(candle_core::Error::RequiresContiguous { op }),
    }
}

fn dims2(layout: &Layout) -> Result<(usize, usize)> {
    layout.shape().dims2()
}

/// `y = z + b` (rows of `z` plus the vector `b`), then ReLU when `relu`.
#[derive(Clone, Copy, Debug)]
struct BiasAct {
    relu: bool,
}

impl BiasAct {
    fn run<T: WithDType>(
        &self,
        z: &CpuStorage,
        lz: &Layout,
        b: &CpuStorage,
        lb: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (rows, cols) = dims2(lz)?;
        let z = contiguous::<T>(z, lz, "bias-act")?;
        let b = contiguous::<T>(b, lb, "bias-act")?;
        if b.len() != cols {
            return Err(candle_core::Error::Msg(format!(
                "bias-act: bias of length {} for {cols} columns",
                b.len()
            )));
        }
        let zero = T::from_f64(0.0);
        let mut out = vec![zero; rows * cols];
        let relu = self.relu;
        tradeoff_problems::neural::layers::simd::vectorized(|| {
            for (o_row, z_row) in out.chunks_exact_mut(cols).zip(z.chunks_exact(cols)) {
                for ((o, &v), &c) in o_row.iter_mut().zip(z_row).zip(b) {
                    let s = v + c;
                    // `s > 0` keeps s; 0, negatives and NaN become 0 (as `max(s, 0)`).
                    *o = if !relu || s > zero { s } else { zero };
                }
            }
        });
        Ok((T::to_cpu_storage_owned(out), Shape::from((rows, cols))))
    }
}

impl CustomOp2 for BiasAct {
    fn name(&self) -> &'static str {
        if self.relu { "bias-relu" } else { "bias" }
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        match s1 {
            CpuStorage::F32(_) => self.run::<f32>(s1, l1, s2, l2),
            CpuStorage::F64(_) => self.run::<f64>(s1, l1, s2, l2),
            _ => Err(unsupported("bias-act")),
        }
    }

    fn bwd(
        &self,
        _z: &Tensor,
        _b: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let grad = grad_res.contiguous()?;
        let grad_z = if self.relu {
            relu_mask(&grad, res)?
        } else {
            grad
        };
        let grad_b = grad_z.apply_op1_no_bwd(&ColumnSum)?;
        Ok((Some(grad_z), Some(grad_b)))
    }
}

/// Column sums of a `[rows, cols]` matrix (`[cols]`), accumulated row by row.
#[derive(Clone, Copy, Debug)]
struct ColumnSum;

impl ColumnSum {
    fn run<T: WithDType>(s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let (_, cols) = dims2(l)?;
        let g = contiguous::<T>(s, l, "column-sum")?;
        let mut out = vec![T::from_f64(0.0); cols];
        tradeoff_problems::neural::layers::simd::vectorized(|| {
            for row in g.chunks_exact(cols) {
                for (o, &v) in out.iter_mut().zip(row) {
                    *o += v;
                }
            }
        });
        Ok((T::to_cpu_storage_owned(out), Shape::from(cols)))
    }
}

impl CustomOp1 for ColumnSum {
    fn name(&self) -> &'static str {
        "column-sum"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        match storage {
            CpuStorage::F32(_) => Self::run::<f32>(storage, layout),
            CpuStorage::F64(_) => Self::run::<f64>(storage, layout),
            _ => Err(unsupported("column-sum")),
        }
    }
}

/// `z + b` row-wise (`z: [B, n]`, `b: [n]`), then ReLU when `relu`; differentiable in both.
pub(crate) fn bias_act(z: &Tensor, b: &Tensor, relu: bool) -> Result<Tensor> {
    z.contiguous()?
        .apply_op2(&b.contiguous()?, BiasAct { relu })
}

/// `z + b` row-wise, then ReLU when `relu`, without recording a graph.
pub(crate) fn bias_act_no_grad(z: &Tensor, b: &Tensor, relu: bool) -> Result<Tensor> {
    z.contiguous()?
        .apply_op2_no_bwd(&b.contiguous()?, &BiasAct { relu })
}

/// `g ⊙ [y > 0]`, without recording a graph: the neural layers' kernel.
pub(crate) use tradeoff_problems::neural::layers::relu_mask;

/// Column sums `[cols]` of a `[rows, cols]` matrix, without recording a graph.
pub(crate) fn column_sum(g: &Tensor) -> Result<Tensor> {
    g.contiguous()?.apply_op1_no_bwd(&ColumnSum)
}
