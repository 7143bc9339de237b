//! Layers of `K` stacked models: convolution, 2×2 max-pool, dense, ReLU; CPU custom ops where
//! candle is slow or wrong, candle's own ops elsewhere (see [`candle_ops`]).
//!
//! Layouts: images are NHWC. A model-stacked activation is `[K, B, ...]`; data shared by every
//! model is `[B, ...]`. A convolution weight is `[K, kh·kw·C_in, C_out]`, its row index
//! `(dy·kw + dx)·C_in + c` (im2col order); a dense weight is `[K, in, out]`; biases are `[K, out]`.

pub mod candle_ops;

use candle_core::{Result, Tensor};

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
    candle_ops::conv2d_shared_input(input, weight, bias, kernel)
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
    candle_ops::conv2d(input, weight, bias, kernel)
}

/// 2×2 max-pool with stride 2 of `[K, B, H, W, C]` (H and W even): `[K, B, H/2, W/2, C]`.
/// The gradient goes to the maximum of each window (the first one on ties, as PyTorch).
///
/// # Errors
/// Odd sizes, and candle's errors.
pub fn max_pool2x2(input: &Tensor) -> Result<Tensor> {
    candle_ops::max_pool2x2(input)
}

/// Dense layer of per-model inputs `[K, B, in]` with weights `[K, in, out]` and biases
/// `[K, out]`: `[K, B, out]`.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn linear(input: &Tensor, weight: &Tensor, bias: &Tensor) -> Result<Tensor> {
    candle_ops::linear(input, weight, bias)
}

/// Dense layer of a data batch `[B, in]` shared by every model, with weights `[K, in, out]` and
/// biases `[K, out]`: `[K, B, out]`. No gradient flows to the data.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn linear_shared_input(input: &Tensor, weight: &Tensor, bias: &Tensor) -> Result<Tensor> {
    candle_ops::linear_shared_input(input, weight, bias)
}

/// `max(x, 0)` element-wise.
///
/// # Errors
/// candle's errors.
pub fn relu(input: &Tensor) -> Result<Tensor> {
    input.relu()
}
