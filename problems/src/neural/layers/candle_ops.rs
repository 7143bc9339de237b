//! The layers written with candle's own operations only: the fallback on devices the custom
//! ops do not serve, and the reference the custom ops are tested against. candle's
//! `max_pool2d` backward is wrong (a unique maximum gets a quarter of its gradient), so the
//! pool here is written as a mask of window maxima instead.

use candle_core::{D, Result, Tensor};

/// See [`super::conv2d_shared_input`].
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn conv2d_shared_input(
    input: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    kernel: (usize, usize),
) -> Result<Tensor> {
    let k = weight.dim(0)?;
    let stacked = input
        .unsqueeze(0)?
        .broadcast_as((k,).then_dims(input.dims()))?;
    conv2d(&stacked.contiguous()?, weight, bias, kernel)
}

/// See [`super::conv2d`].
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn conv2d(
    input: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    kernel: (usize, usize),
) -> Result<Tensor> {
    let (k, b, h, w, c) = input.dims5()?;
    let (kh, kw) = kernel;
    let out = weight.dim(2)?;
    // [K·B, C, H, W] for candle's NCHW conv; weight [K, kh, kw, C, O] -> per model [O, C, kh, kw].
    let x = input
        .reshape((k * b, h, w, c))?
        .permute((0, 3, 1, 2))?
        .contiguous()?;
    let mut outputs = Vec::with_capacity(k);
    for model in 0..k {
        let xm = x.narrow(0, model * b, b)?;
        let wm = weight
            .get(model)?
            .reshape((kh, kw, c, out))?
            .permute((3, 2, 0, 1))?
            .contiguous()?;
        let y = xm.conv2d(&wm, 0, 1, 1, 1)?; // [B, O, OH, OW]
        let bm = bias.get(model)?.reshape((1, out, 1, 1))?;
        outputs.push(y.broadcast_add(&bm)?.permute((0, 2, 3, 1))?);
    }
    Tensor::stack(&outputs, 0)?.contiguous()
}

/// See [`super::max_pool2x2`].
///
/// # Errors
/// Odd sizes, and candle's errors.
pub fn max_pool2x2(input: &Tensor) -> Result<Tensor> {
    let (k, b, h, w, c) = input.dims5()?;
    let x = input.reshape((k * b, h / 2, 2, w / 2, 2, c))?;
    x.max(4)?.max(2)?.reshape((k, b, h / 2, w / 2, c))
}

/// See [`super::linear`].
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn linear(input: &Tensor, weight: &Tensor, bias: &Tensor) -> Result<Tensor> {
    input.matmul(weight)?.broadcast_add(&bias.unsqueeze(1)?)
}

/// See [`super::linear_shared_input`].
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn linear_shared_input(input: &Tensor, weight: &Tensor, bias: &Tensor) -> Result<Tensor> {
    let k = weight.dim(0)?;
    let stacked = input
        .unsqueeze(0)?
        .broadcast_as((k, input.dim(0)?, input.dim(D::Minus1)?))?;
    linear(&stacked.contiguous()?, weight, bias)
}

trait ThenDims {
    fn then_dims(self, dims: &[usize]) -> Vec<usize>;
}

impl ThenDims for (usize,) {
    fn then_dims(self, dims: &[usize]) -> Vec<usize> {
        std::iter::once(self.0)
            .chain(dims.iter().copied())
            .collect()
    }
}
