//! Layers of `K` stacked models: convolution, 2×2 max-pool, dense, ReLU; CPU custom ops where
//! candle is slow or wrong, candle's own ops elsewhere (see [`candle_ops`]).
//!
//! On the CPU, in f32 and f64, every function here runs custom ops (private module `cpu`):
//! - convolution = an NHWC im2col op (backward col2im) and candle's matmul; for data shared by
//!   the models (`conv2d_shared_input`) the data is unfolded once, without a graph, and one
//!   GEMM multiplies it by the `K` models' weights side by side (`[B·OH·OW, kh·kw·C] ×
//!   [kh·kw·C, K·O]`), so neither the data's gradient nor `K` copies of the data are computed;
//! - the bias (and an optional fused ReLU) is one pass forward, and its gradient one pass of
//!   per-model column sums (candle's `broadcast_add` backward is a strided `sum_keepdim`, about
//!   30× PyTorch's cost);
//! - 2×2 max-pool (optionally fused with the ReLU that follows it) sends each window's gradient
//!   to its first maximum; candle's `max_pool2d` backward gives a unique maximum only a quarter
//!   of its gradient (see the tests).
//!
//! On another device or dtype they fall back to [`candle_ops`], which computes the same values.
//!
//! Layouts: images are NHWC. A model-stacked activation is `[K, B, ...]`; data shared by every
//! model is `[B, ...]`. A convolution weight is `[K, kh·kw·C_in, C_out]`, its row index
//! `(dy·kw + dx)·C_in + c` (im2col order); a dense weight is `[K, in, out]`; biases are `[K, out]`.

pub mod candle_ops;
mod cpu;
pub mod simd;
#[cfg(test)]
mod tests;

use candle_core::{DType, Error, Result, Tensor};

/// Whether every tensor is on the CPU in f32 or f64 (one dtype): the custom ops serve them.
fn custom_ops_serve(tensors: &[&Tensor]) -> bool {
    let Some(first) = tensors.first() else {
        return false;
    };
    let dtype = first.dtype();
    matches!(dtype, DType::F32 | DType::F64)
        && tensors
            .iter()
            .all(|t| t.device().is_cpu() && t.dtype() == dtype)
}

/// Checks a stacked weight `[K, D, O]` and bias `[K, O]` against an input depth `D`;
/// returns `(K, O)`.
fn check_parameters(
    layer: &str,
    weight: &Tensor,
    bias: &Tensor,
    depth: usize,
) -> Result<(usize, usize)> {
    let (models, weight_depth, width) = weight.dims3()?;
    if weight_depth != depth || bias.dims() != [models, width] {
        return Err(Error::Msg(format!(
            "{layer}: weights {:?} and biases {:?} for an input depth of {depth}",
            weight.dims(),
            bias.dims()
        )));
    }
    Ok((models, width))
}

/// Checks a kernel against images `h × w`; returns the output size `(oh, ow)`.
fn check_kernel(kernel: (usize, usize), h: usize, w: usize) -> Result<(usize, usize)> {
    let (kh, kw) = kernel;
    if kh == 0 || kw == 0 || kh > h || kw > w {
        return Err(Error::Msg(format!(
            "conv2d: kernel {kh}×{kw} does not fit images {h}×{w}"
        )));
    }
    Ok((h + 1 - kh, w + 1 - kw))
}

/// `[K, D, O]` weights side by side as one `[D, K·O]` matrix, without a graph.
fn side_by_side(weight: &Tensor) -> Result<Tensor> {
    let (models, depth, width) = weight.dims3()?;
    let weight = weight.detach();
    if models == 1 {
        weight.reshape((depth, width))
    } else {
        weight
            .transpose(0, 1)?
            .contiguous()?
            .reshape((depth, models * width))
    }
}

/// A layer on data `input: [R, D]` shared by the models: one GEMM with the side-by-side
/// weights, then the bias (and ReLU) tail: `[K, R, O]`.
fn shared_input_layer(
    input: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    relu: bool,
) -> Result<Tensor> {
    let input = input.detach();
    let product = input.matmul(&side_by_side(weight)?)?;
    cpu::shared_input_tail(&product, &input, weight, bias, relu)
}

/// Valid (no padding), stride-1 convolution of a data batch `[B, H, W, C_in]` shared by every
/// model, with weights `[K, kh·kw·C_in, C_out]` and biases `[K, C_out]`:
/// `[K, B, H−kh+1, W−kw+1, C_out]`. No gradient flows to the data.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn conv2d_shared_input(
    input: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    kernel: (usize, usize),
) -> Result<Tensor> {
    if !custom_ops_serve(&[input, weight, bias]) {
        return candle_ops::conv2d_shared_input(input, weight, bias, kernel);
    }
    let (b, h, w, c) = input.dims4()?;
    let (oh, ow) = check_kernel(kernel, h, w)?;
    let (models, width) = check_parameters("conv2d", weight, bias, kernel.0 * kernel.1 * c)?;
    let columns = cpu::im2col_no_grad(&input.detach(), kernel)?;
    shared_input_layer(&columns, weight, bias, false)?.reshape((models, b, oh, ow, width))
}

/// Valid, stride-1 convolution of per-model inputs `[K, B, H, W, C_in]` with weights
/// `[K, kh·kw·C_in, C_out]` and biases `[K, C_out]`: `[K, B, H−kh+1, W−kw+1, C_out]`.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn conv2d(
    input: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    kernel: (usize, usize),
) -> Result<Tensor> {
    if !custom_ops_serve(&[input, weight, bias]) {
        return candle_ops::conv2d(input, weight, bias, kernel);
    }
    let (k, b, h, w, c) = input.dims5()?;
    let (oh, ow) = check_kernel(kernel, h, w)?;
    let depth = kernel.0 * kernel.1 * c;
    let (models, width) = check_parameters("conv2d", weight, bias, depth)?;
    if models != k {
        return Err(Error::Msg(format!(
            "conv2d: input of {k} models for weights of {models}"
        )));
    }
    let columns =
        cpu::im2col(&input.reshape((k * b, h, w, c))?, kernel)?.reshape((k, b * oh * ow, depth))?;
    cpu::bias(&columns.matmul(weight)?, bias, false)?.reshape((k, b, oh, ow, width))
}

/// 2×2 max-pool with stride 2 of `[K, B, H, W, C]` (H and W even): `[K, B, H/2, W/2, C]`.
/// The gradient goes to the maximum of each window (the first one on ties, as PyTorch).
///
/// # Errors
/// Odd sizes, and candle's errors.
pub fn max_pool2x2(input: &Tensor) -> Result<Tensor> {
    if !custom_ops_serve(&[input]) {
        return candle_ops::max_pool2x2(input);
    }
    let _ = input.dims5()?;
    cpu::max_pool(input, false)
}

/// `relu(max_pool2x2(input))` in one pass (ReLU commutes with the max), with the same gradient:
/// each window's to its first maximum when that maximum is positive.
///
/// # Errors
/// Odd sizes, and candle's errors.
pub fn max_pool2x2_relu(input: &Tensor) -> Result<Tensor> {
    if !custom_ops_serve(&[input]) {
        return candle_ops::max_pool2x2(input)?.relu();
    }
    let _ = input.dims5()?;
    cpu::max_pool(input, true)
}

/// Dense layer of per-model inputs `[K, B, in]` with weights `[K, in, out]` and biases
/// `[K, out]`: `[K, B, out]`.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn linear(input: &Tensor, weight: &Tensor, bias: &Tensor) -> Result<Tensor> {
    if !custom_ops_serve(&[input, weight, bias]) {
        return candle_ops::linear(input, weight, bias);
    }
    dense(input, weight, bias, false)
}

/// `relu(linear(input, weight, bias))`, the bias and the ReLU fused in one pass.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn linear_relu(input: &Tensor, weight: &Tensor, bias: &Tensor) -> Result<Tensor> {
    if !custom_ops_serve(&[input, weight, bias]) {
        return candle_ops::linear(input, weight, bias)?.relu();
    }
    dense(input, weight, bias, true)
}

fn dense(input: &Tensor, weight: &Tensor, bias: &Tensor, relu: bool) -> Result<Tensor> {
    let (k, _, depth) = input.dims3()?;
    let (models, _) = check_parameters("linear", weight, bias, depth)?;
    if models != k {
        return Err(Error::Msg(format!(
            "linear: input of {k} models for weights of {models}"
        )));
    }
    cpu::bias(&input.matmul(weight)?, bias, relu)
}

/// Dense layer of a data batch `[B, in]` shared by every model, with weights `[K, in, out]` and
/// biases `[K, out]`: `[K, B, out]`. No gradient flows to the data.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn linear_shared_input(input: &Tensor, weight: &Tensor, bias: &Tensor) -> Result<Tensor> {
    if !custom_ops_serve(&[input, weight, bias]) {
        return candle_ops::linear_shared_input(input, weight, bias);
    }
    check_parameters("linear", weight, bias, input.dims2()?.1)?;
    shared_input_layer(input, weight, bias, false)
}

/// `relu(linear_shared_input(input, weight, bias))`, the bias and the ReLU fused in one pass.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn linear_shared_input_relu(input: &Tensor, weight: &Tensor, bias: &Tensor) -> Result<Tensor> {
    if !custom_ops_serve(&[input, weight, bias]) {
        return candle_ops::linear_shared_input(input, weight, bias)?.relu();
    }
    check_parameters("linear", weight, bias, input.dims2()?.1)?;
    shared_input_layer(input, weight, bias, true)
}

/// ReLU's backward from its output: `grad ⊙ [output > 0]`, without recording a graph (for
/// hand-written backward passes, such as `psl`'s MLP).
///
/// # Errors
/// candle's errors (shapes, devices).
pub fn relu_mask(grad: &Tensor, output: &Tensor) -> Result<Tensor> {
    if !custom_ops_serve(&[grad, output]) {
        return grad.mul(&output.gt(0.0)?.to_dtype(grad.dtype())?);
    }
    cpu::masked_gradient(grad, output, true)
}

/// `max(x, 0)` element-wise (NaN stays NaN on the CPU); the gradient is 0 at 0, as PyTorch's.
///
/// # Errors
/// candle's errors.
pub fn relu(input: &Tensor) -> Result<Tensor> {
    if !custom_ops_serve(&[input]) {
        return input.relu();
    }
    cpu::relu(input)
}
