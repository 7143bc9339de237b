//! CPU custom ops of the layers (f32 and f64): NHWC im2col with col2im as its backward, the 2×2
//! max-pool (optionally fused with ReLU) with a correct backward, the per-model bias (optionally
//! fused with ReLU) with a one-pass bias gradient, and ReLU.
//!
//! Each op reads contiguous storage only; the wrappers at the end make their inputs contiguous
//! first. The matrix products stay candle's (its GEMM is as fast as PyTorch's on this machine
//! kind); these kernels replace what candle does slowly (convolution backward, broadcast
//! backward, the ReLU gradient) or wrongly (`max_pool2d` backward).

use candle_core::{
    CpuStorage, CustomOp1, CustomOp2, CustomOp3, Error, Layout, Result, Shape, Tensor, WithDType,
};

use super::simd::vectorized;

fn unsupported(op: &'static str) -> Error {
    Error::Msg(format!("{op}: only f32 and f64 are supported"))
}

fn contiguous<'a, T: WithDType>(
    storage: &'a CpuStorage,
    layout: &Layout,
    op: &'static str,
) -> Result<&'a [T]> {
    let data = storage.as_slice::<T>()?;
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&data[start..end]),
        None => Err(Error::RequiresContiguous { op }),
    }
}

/// Runs `$run::<f32>` or `$run::<f64>` after the storage's element type.
macro_rules! by_dtype {
    ($storage:expr, $op:expr, $run:ident($($arg:expr),*)) => {
        match $storage {
            CpuStorage::F32(_) => $run::<f32>($($arg),*),
            CpuStorage::F64(_) => $run::<f64>($($arg),*),
            _ => Err(unsupported($op)),
        }
    };
}

/// `max(v, 0)`, keeping NaN (as PyTorch's `relu`).
#[inline(always)]
fn relu_value<T: WithDType>(v: T) -> T {
    let zero = T::zero();
    if v <= zero { zero } else { v }
}

/// The geometry of a valid, stride-1 convolution of `[n, h, w, c]` images with a `kh × kw` kernel.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    n: usize,
    h: usize,
    w: usize,
    c: usize,
    kh: usize,
    kw: usize,
}

impl Geometry {
    fn out_h(&self) -> usize {
        self.h + 1 - self.kh
    }

    fn out_w(&self) -> usize {
        self.w + 1 - self.kw
    }

    /// Columns of the im2col matrix, `kh·kw·c`.
    fn depth(&self) -> usize {
        self.kh * self.kw * self.c
    }

    /// Rows of the im2col matrix, `n·oh·ow`.
    fn rows(&self) -> usize {
        self.n * self.out_h() * self.out_w()
    }
}

/// im2col of NHWC images `[n, h, w, c]`: `[n·oh·ow, kh·kw·c]`, row `(i, oy, ox)` holding
/// `x[i, oy + dy, ox + dx, ch]` at column `(dy·kw + dx)·c + ch`. Backward: col2im.
#[derive(Clone, Copy, Debug)]
struct Im2col {
    kh: usize,
    kw: usize,
}

impl Im2col {
    fn geometry(&self, layout: &Layout) -> Result<Geometry> {
        let (n, h, w, c) = layout.shape().dims4()?;
        if self.kh == 0 || self.kw == 0 || self.kh > h || self.kw > w {
            return Err(Error::Msg(format!(
                "im2col: kernel {}×{} does not fit images {h}×{w}",
                self.kh, self.kw
            )));
        }
        Ok(Geometry {
            n,
            h,
            w,
            c,
            kh: self.kh,
            kw: self.kw,
        })
    }

    fn run<T: WithDType>(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let g = self.geometry(layout)?;
        let x = contiguous::<T>(storage, layout, "im2col")?;
        let (oh, ow, span) = (g.out_h(), g.out_w(), g.kw * g.c);
        let mut out = Vec::with_capacity(g.rows() * g.depth());
        for image in x.chunks_exact(g.h * g.w * g.c) {
            for oy in 0..oh {
                for ox in 0..ow {
                    for dy in 0..g.kh {
                        let start = ((oy + dy) * g.w + ox) * g.c;
                        out.extend_from_slice(&image[start..start + span]);
                    }
                }
            }
        }
        Ok((
            T::to_cpu_storage_owned(out),
            Shape::from((g.rows(), g.depth())),
        ))
    }
}

impl CustomOp1 for Im2col {
    fn name(&self) -> &'static str {
        "im2col"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        by_dtype!(storage, "im2col", run_im2col(self, storage, layout))
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        let (n, h, w, c) = arg.dims4()?;
        let geometry = Geometry {
            n,
            h,
            w,
            c,
            kh: self.kh,
            kw: self.kw,
        };
        let grad = grad_res.contiguous()?.apply_op1_no_bwd(&Col2im(geometry))?;
        Ok(Some(grad))
    }
}

fn run_im2col<T: WithDType>(
    op: &Im2col,
    storage: &CpuStorage,
    layout: &Layout,
) -> Result<(CpuStorage, Shape)> {
    op.run::<T>(storage, layout)
}

/// col2im, the adjoint of [`Im2col`]: `[n·oh·ow, kh·kw·c]` to `[n, h, w, c]`, each column entry
/// added to the pixel it was copied from.
#[derive(Clone, Copy, Debug)]
struct Col2im(Geometry);

impl Col2im {
    fn run<T: WithDType>(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let g = self.0;
        let (rows, depth) = layout.shape().dims2()?;
        if rows != g.rows() || depth != g.depth() {
            return Err(Error::Msg(format!(
                "col2im: columns {rows}×{depth} for {}×{} expected",
                g.rows(),
                g.depth()
            )));
        }
        let cols = contiguous::<T>(storage, layout, "col2im")?;
        let (oh, ow, span) = (g.out_h(), g.out_w(), g.kw * g.c);
        let image_len = g.h * g.w * g.c;
        let mut out = vec![T::zero(); g.n * image_len];
        vectorized(|| {
            for (image, image_cols) in out
                .chunks_exact_mut(image_len)
                .zip(cols.chunks_exact(oh * ow * depth))
            {
                let mut rows = image_cols.chunks_exact(depth);
                for oy in 0..oh {
                    for ox in 0..ow {
                        let row = rows.next().unwrap_or_default();
                        for (dy, part) in row.chunks_exact(span).enumerate() {
                            let start = ((oy + dy) * g.w + ox) * g.c;
                            for (o, &v) in image[start..start + span].iter_mut().zip(part) {
                                *o += v;
                            }
                        }
                    }
                }
            }
        });
        Ok((
            T::to_cpu_storage_owned(out),
            Shape::from((g.n, g.h, g.w, g.c)),
        ))
    }
}

impl CustomOp1 for Col2im {
    fn name(&self) -> &'static str {
        "col2im"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        by_dtype!(storage, "col2im", run_col2im(self, storage, layout))
    }
}

fn run_col2im<T: WithDType>(
    op: &Col2im,
    storage: &CpuStorage,
    layout: &Layout,
) -> Result<(CpuStorage, Shape)> {
    op.run::<T>(storage, layout)
}

/// Where the first maximum of a 2×2 window `[a, b; c, d]` lies (0..4 in row-major order), as
/// PyTorch's scan: a later value wins when it is larger or NaN.
#[inline(always)]
#[allow(clippy::eq_op)] // `v != v` is the NaN test for a generic float.
fn window_argmax<T: WithDType>(values: [T; 4]) -> (usize, T) {
    let mut best = (0, values[0]);
    for (index, &v) in values.iter().enumerate().skip(1) {
        if v > best.1 || v != v {
            best = (index, v);
        }
    }
    best
}

fn pool_dims(layout: &Layout, op: &'static str) -> Result<(usize, usize, usize, usize)> {
    let dims = layout.shape().dims();
    if dims.len() < 3 {
        return Err(Error::Msg(format!("{op}: rank {} below 3", dims.len())));
    }
    let r = dims.len();
    let (h, w, c) = (dims[r - 3], dims[r - 2], dims[r - 1]);
    if h % 2 != 0 || w % 2 != 0 {
        return Err(Error::Msg(format!("{op}: odd image size {h}×{w}")));
    }
    Ok((dims[..r - 3].iter().product(), h, w, c))
}

/// 2×2 max-pool with stride 2 over the `[.., h, w, c]` trailing dimensions, then ReLU when
/// `relu` (which commutes with the max).
#[derive(Clone, Copy, Debug)]
struct MaxPool {
    relu: bool,
}

impl MaxPool {
    fn run<T: WithDType>(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (n, h, w, c) = pool_dims(layout, "max-pool")?;
        let x = contiguous::<T>(storage, layout, "max-pool")?;
        let (ph, pw) = (h / 2, w / 2);
        let mut out = Vec::with_capacity(n * ph * pw * c);
        let relu = self.relu;
        vectorized(|| {
            for pair in x.chunks_exact(2 * w * c) {
                let (top, bottom) = pair.split_at(w * c);
                for px in 0..pw {
                    let base = 2 * px * c;
                    for ch in 0..c {
                        let values = [
                            top[base + ch],
                            top[base + c + ch],
                            bottom[base + ch],
                            bottom[base + c + ch],
                        ];
                        let (_, m) = window_argmax(values);
                        out.push(if relu { relu_value(m) } else { m });
                    }
                }
            }
        });
        let mut dims = layout.shape().dims().to_vec();
        let r = dims.len();
        dims[r - 3] = ph;
        dims[r - 2] = pw;
        Ok((T::to_cpu_storage_owned(out), Shape::from(dims)))
    }
}

impl CustomOp1 for MaxPool {
    fn name(&self) -> &'static str {
        if self.relu {
            "max-pool-relu"
        } else {
            "max-pool"
        }
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        by_dtype!(storage, "max-pool", run_max_pool(self, storage, layout))
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        let grad = arg.contiguous()?.apply_op2_no_bwd(
            &grad_res.contiguous()?,
            &MaxPoolBackward { relu: self.relu },
        )?;
        Ok(Some(grad))
    }
}

fn run_max_pool<T: WithDType>(
    op: &MaxPool,
    storage: &CpuStorage,
    layout: &Layout,
) -> Result<(CpuStorage, Shape)> {
    op.run::<T>(storage, layout)
}

/// The gradient of [`MaxPool`] from its input and the output gradient: each window's gradient
/// goes to its first maximum (and nowhere when `relu` and the maximum is not positive).
#[derive(Clone, Copy, Debug)]
struct MaxPoolBackward {
    relu: bool,
}

impl MaxPoolBackward {
    fn run<T: WithDType>(
        &self,
        xs: &CpuStorage,
        xl: &Layout,
        gs: &CpuStorage,
        gl: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (n, h, w, c) = pool_dims(xl, "max-pool-backward")?;
        let x = contiguous::<T>(xs, xl, "max-pool-backward")?;
        let g = contiguous::<T>(gs, gl, "max-pool-backward")?;
        let (ph, pw) = (h / 2, w / 2);
        if g.len() != n * ph * pw * c {
            return Err(Error::Msg(format!(
                "max-pool-backward: gradient of {} elements for {} outputs",
                g.len(),
                n * ph * pw * c
            )));
        }
        let zero = T::zero();
        let mut out = vec![zero; x.len()];
        let relu = self.relu;
        vectorized(|| {
            for ((pair, out_pair), g_row) in x
                .chunks_exact(2 * w * c)
                .zip(out.chunks_exact_mut(2 * w * c))
                .zip(g.chunks_exact(pw * c))
            {
                let (top, bottom) = pair.split_at(w * c);
                let (out_top, out_bottom) = out_pair.split_at_mut(w * c);
                for px in 0..pw {
                    let base = 2 * px * c;
                    for ch in 0..c {
                        let values = [
                            top[base + ch],
                            top[base + c + ch],
                            bottom[base + ch],
                            bottom[base + c + ch],
                        ];
                        let (index, m) = window_argmax(values);
                        let gv = g_row[px * c + ch];
                        let gv = if !relu || m > zero { gv } else { zero };
                        // Every position written (branch-free selects vectorise).
                        let pick = |position: usize| if index == position { gv } else { zero };
                        out_top[base + ch] = pick(0);
                        out_top[base + c + ch] = pick(1);
                        out_bottom[base + ch] = pick(2);
                        out_bottom[base + c + ch] = pick(3);
                    }
                }
            }
        });
        Ok((T::to_cpu_storage_owned(out), xl.shape().clone()))
    }
}

impl CustomOp2 for MaxPoolBackward {
    fn name(&self) -> &'static str {
        "max-pool-backward"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        by_dtype!(
            s1,
            "max-pool-backward",
            run_max_pool_backward(self, s1, l1, s2, l2)
        )
    }
}

fn run_max_pool_backward<T: WithDType>(
    op: &MaxPoolBackward,
    s1: &CpuStorage,
    l1: &Layout,
    s2: &CpuStorage,
    l2: &Layout,
) -> Result<(CpuStorage, Shape)> {
    op.run::<T>(s1, l1, s2, l2)
}

/// `out[k, r, :] = src[k·model_stride + r·row_stride ..][..width] + bias[k, :]`, then ReLU when
/// `relu`: the bias pass of both bias ops, reading either a `[K, R, O]` tensor or the `[R, K·O]`
/// product of shared data with side-by-side weights.
#[allow(clippy::too_many_arguments)]
fn add_bias_rows<T: WithDType>(
    src: &[T],
    model_stride: usize,
    row_stride: usize,
    bias: &[T],
    models: usize,
    rows: usize,
    width: usize,
    relu: bool,
) -> Vec<T> {
    let mut out = vec![T::zero(); models * rows * width];
    vectorized(|| {
        for (model, (out_model, b)) in out
            .chunks_exact_mut(rows * width)
            .zip(bias.chunks_exact(width))
            .enumerate()
        {
            for (row, out_row) in out_model.chunks_exact_mut(width).enumerate() {
                let start = model * model_stride + row * row_stride;
                let s = &src[start..start + width];
                for ((o, &v), &c) in out_row.iter_mut().zip(s).zip(b) {
                    let t = v + c;
                    *o = if relu { relu_value(t) } else { t };
                }
            }
        }
    });
    out
}

/// `z + b` for `z: [K, R, O]`, `b: [K, O]` (model `k`'s bias on each of its rows), then ReLU
/// when `relu`. Backward: the ReLU mask and per-model column sums, one pass each.
#[derive(Clone, Copy, Debug)]
struct Bias {
    relu: bool,
}

fn bias_shapes(z: &Layout, b: &Layout, op: &'static str) -> Result<(usize, usize, usize)> {
    let (models, rows, width) = z.shape().dims3()?;
    if b.shape().dims() != [models, width] {
        return Err(Error::Msg(format!(
            "{op}: bias {:?} for outputs {:?}",
            b.shape().dims(),
            z.shape().dims()
        )));
    }
    Ok((models, rows, width))
}

impl Bias {
    fn run<T: WithDType>(
        &self,
        zs: &CpuStorage,
        zl: &Layout,
        bs: &CpuStorage,
        bl: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (models, rows, width) = bias_shapes(zl, bl, "bias")?;
        let z = contiguous::<T>(zs, zl, "bias")?;
        let b = contiguous::<T>(bs, bl, "bias")?;
        let out = add_bias_rows(z, rows * width, width, b, models, rows, width, self.relu);
        Ok((T::to_cpu_storage_owned(out), zl.shape().clone()))
    }
}

impl CustomOp2 for Bias {
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
        by_dtype!(s1, "bias", run_bias(self, s1, l1, s2, l2))
    }

    fn bwd(
        &self,
        _z: &Tensor,
        _b: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let grad_z = masked_gradient(grad_res, res, self.relu)?;
        let grad_b = grad_z.apply_op1_no_bwd(&ColumnSums)?;
        Ok((Some(grad_z), Some(grad_b)))
    }
}

fn run_bias<T: WithDType>(
    op: &Bias,
    s1: &CpuStorage,
    l1: &Layout,
    s2: &CpuStorage,
    l2: &Layout,
) -> Result<(CpuStorage, Shape)> {
    op.run::<T>(s1, l1, s2, l2)
}

pub(crate) fn masked_gradient(grad: &Tensor, output: &Tensor, relu: bool) -> Result<Tensor> {
    let grad = grad.contiguous()?;
    if relu {
        grad.apply_op2_no_bwd(&output.contiguous()?, &ReluMask)
    } else {
        Ok(grad)
    }
}

/// The tail of a layer whose input is data shared by the `K` models: from the product
/// `y = x · [W_1 … W_K]` (`[R, K·O]`, computed without a graph), the output `[K, R, O]` with
/// model `k`'s bias (and ReLU when `relu`). Its arguments are `y`, the weights `[K, D, O]` and
/// the biases `[K, O]`; the backward gives the weights `xᵀ · grad_k` and the biases their column
/// sums, and nothing to the data `x: [R, D]`, which the op holds.
#[derive(Clone, Debug)]
struct SharedInputTail {
    input: Tensor,
    relu: bool,
}

impl SharedInputTail {
    fn run<T: WithDType>(
        &self,
        ys: &CpuStorage,
        yl: &Layout,
        wl: &Layout,
        bs: &CpuStorage,
        bl: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (models, depth, width) = wl.shape().dims3()?;
        let (rows, columns) = yl.shape().dims2()?;
        let (input_rows, input_depth) = self.input.dims2()?;
        if columns != models * width || input_rows != rows || input_depth != depth {
            return Err(Error::Msg(format!(
                "shared-input layer: product {rows}×{columns}, data {input_rows}×{input_depth}, \
                 weights {models}×{depth}×{width}"
            )));
        }
        if bl.shape().dims() != [models, width] {
            return Err(Error::Msg(format!(
                "shared-input layer: bias {:?} for {models} models of width {width}",
                bl.shape().dims()
            )));
        }
        let y = contiguous::<T>(ys, yl, "shared-input layer")?;
        let b = contiguous::<T>(bs, bl, "shared-input layer")?;
        let out = add_bias_rows(y, width, columns, b, models, rows, width, self.relu);
        Ok((
            T::to_cpu_storage_owned(out),
            Shape::from((models, rows, width)),
        ))
    }
}

impl CustomOp3 for SharedInputTail {
    fn name(&self) -> &'static str {
        if self.relu {
            "shared-input-layer-relu"
        } else {
            "shared-input-layer"
        }
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        _s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        by_dtype!(
            s1,
            "shared-input layer",
            run_shared_input_tail(self, s1, l1, l2, s3, l3)
        )
    }

    fn bwd(
        &self,
        _y: &Tensor,
        weight: &Tensor,
        _bias: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let grad_z = masked_gradient(grad_res, res, self.relu)?;
        let grad_b = grad_z.apply_op1_no_bwd(&ColumnSums)?;
        let (models, depth, _) = weight.dims3()?;
        let rows = self.input.dim(0)?;
        // xᵀ [D, R] for every model (batch stride 0) times grad [K, R, O]: [K, D, O].
        let input_t = self
            .input
            .t()?
            .unsqueeze(0)?
            .broadcast_as((models, depth, rows))?;
        let grad_w = input_t.matmul(&grad_z)?;
        Ok((None, Some(grad_w), Some(grad_b)))
    }
}

fn run_shared_input_tail<T: WithDType>(
    op: &SharedInputTail,
    s1: &CpuStorage,
    l1: &Layout,
    l2: &Layout,
    s3: &CpuStorage,
    l3: &Layout,
) -> Result<(CpuStorage, Shape)> {
    op.run::<T>(s1, l1, l2, s3, l3)
}

/// Per-model column sums of `[K, R, O]`: `[K, O]`, accumulated row by row.
#[derive(Clone, Copy, Debug)]
struct ColumnSums;

impl ColumnSums {
    fn run<T: WithDType>(storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let (models, rows, width) = layout.shape().dims3()?;
        let g = contiguous::<T>(storage, layout, "column-sums")?;
        let mut out = vec![T::zero(); models * width];
        vectorized(|| {
            for (o, block) in out
                .chunks_exact_mut(width)
                .zip(g.chunks_exact(rows * width))
            {
                for row in block.chunks_exact(width) {
                    for (s, &v) in o.iter_mut().zip(row) {
                        *s += v;
                    }
                }
            }
        });
        Ok((T::to_cpu_storage_owned(out), Shape::from((models, width))))
    }
}

impl CustomOp1 for ColumnSums {
    fn name(&self) -> &'static str {
        "column-sums"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        by_dtype!(storage, "column-sums", run_column_sums(storage, layout))
    }
}

fn run_column_sums<T: WithDType>(
    storage: &CpuStorage,
    layout: &Layout,
) -> Result<(CpuStorage, Shape)> {
    ColumnSums::run::<T>(storage, layout)
}

/// ReLU, keeping NaN. Backward: [`ReluMask`] from the output.
#[derive(Clone, Copy, Debug)]
struct Relu;

impl Relu {
    fn run<T: WithDType>(storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let x = contiguous::<T>(storage, layout, "relu")?;
        let mut out = vec![T::zero(); x.len()];
        vectorized(|| {
            for (o, &v) in out.iter_mut().zip(x) {
                *o = relu_value(v);
            }
        });
        Ok((T::to_cpu_storage_owned(out), layout.shape().clone()))
    }
}

impl CustomOp1 for Relu {
    fn name(&self) -> &'static str {
        "relu"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        by_dtype!(storage, "relu", run_relu(storage, layout))
    }

    fn bwd(&self, _arg: &Tensor, res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(masked_gradient(grad_res, res, true)?))
    }
}

fn run_relu<T: WithDType>(storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
    Relu::run::<T>(storage, layout)
}

/// `g ⊙ [y > 0]`: the ReLU gradient from its output `y` (0 where `y` is 0 or NaN, as PyTorch).
#[derive(Clone, Copy, Debug)]
struct ReluMask;

impl ReluMask {
    fn run<T: WithDType>(
        gs: &CpuStorage,
        gl: &Layout,
        ys: &CpuStorage,
        yl: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let g = contiguous::<T>(gs, gl, "relu-mask")?;
        let y = contiguous::<T>(ys, yl, "relu-mask")?;
        if g.len() != y.len() {
            return Err(Error::Msg(format!(
                "relu-mask: gradient of {} elements for {} outputs",
                g.len(),
                y.len()
            )));
        }
        let zero = T::zero();
        let mut out = vec![zero; g.len()];
        vectorized(|| {
            for ((o, &gv), &yv) in out.iter_mut().zip(g).zip(y) {
                *o = if yv > zero { gv } else { zero };
            }
        });
        Ok((T::to_cpu_storage_owned(out), gl.shape().clone()))
    }
}

impl CustomOp2 for ReluMask {
    fn name(&self) -> &'static str {
        "relu-mask"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        by_dtype!(s1, "relu-mask", run_relu_mask(s1, l1, s2, l2))
    }
}

fn run_relu_mask<T: WithDType>(
    s1: &CpuStorage,
    l1: &Layout,
    s2: &CpuStorage,
    l2: &Layout,
) -> Result<(CpuStorage, Shape)> {
    ReluMask::run::<T>(s1, l1, s2, l2)
}

/// im2col of NHWC images `[n, h, w, c]` (`[n·oh·ow, kh·kw·c]`), differentiable (col2im).
pub(crate) fn im2col(images: &Tensor, kernel: (usize, usize)) -> Result<Tensor> {
    images.contiguous()?.apply_op1(Im2col {
        kh: kernel.0,
        kw: kernel.1,
    })
}

/// im2col without a graph (for data).
pub(crate) fn im2col_no_grad(images: &Tensor, kernel: (usize, usize)) -> Result<Tensor> {
    images.contiguous()?.apply_op1_no_bwd(&Im2col {
        kh: kernel.0,
        kw: kernel.1,
    })
}

/// 2×2 max-pool of the `[.., h, w, c]` trailing dimensions, then ReLU when `relu`.
pub(crate) fn max_pool(input: &Tensor, relu: bool) -> Result<Tensor> {
    input.contiguous()?.apply_op1(MaxPool { relu })
}

/// `z + b` per model (`z: [K, R, O]`, `b: [K, O]`), then ReLU when `relu`.
pub(crate) fn bias(z: &Tensor, b: &Tensor, relu: bool) -> Result<Tensor> {
    z.contiguous()?.apply_op2(&b.contiguous()?, Bias { relu })
}

/// The output `[K, R, O]` of a layer on shared data `input: [R, D]`, from the graph-free product
/// `product = input · [W_1 … W_K]` (`[R, K·O]`), the weights `[K, D, O]` and biases `[K, O]`.
pub(crate) fn shared_input_tail(
    product: &Tensor,
    input: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    relu: bool,
) -> Result<Tensor> {
    product.contiguous()?.apply_op3(
        weight,
        &bias.contiguous()?,
        SharedInputTail {
            input: input.detach(),
            relu,
        },
    )
}

/// ReLU, keeping NaN; its gradient is 0 at 0.
pub(crate) fn relu(input: &Tensor) -> Result<Tensor> {
    input.contiguous()?.apply_op1(Relu)
}
