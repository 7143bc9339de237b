//! Training losses and metrics (cross-entropy, BCE with logits, relaxed DEO, MSE, accuracy).
//!
//! Every loss takes the outputs of `K` stacked models, `[K, B, width]`, and the batch's targets
//! (`[B]`, shared by the models), and returns `[K]`: model `k`'s loss, the mean over the batch
//! (DEO: LibMOON's sum over the batch divided by its size). The losses are differentiable
//! through candle's graph; the metrics are plain numbers, one per model.
//!
//! Numerically stable forms: with `m = max(z, 0)` held constant (detached), `log(1 + e^z) =
//! m + log(e^{−m} + e^{z−m})` and `σ(z) = e^{z−m} / (e^{−m} + e^{z−m})` (both exponents are at
//! most 0 and the denominator lies in [1, 2]); the cross-entropy subtracts each row's (detached)
//! maximum before its log-sum-exp. Detaching the shift changes no gradient: the shifted forms
//! are equal to the unshifted ones for every shift.

use candle_core::{D, DType, Error, Result, Tensor};

/// `[K, B, width]` outputs and `[B]` targets: returns `(K, B, width)`.
fn check_batch(what: &str, outputs: &Tensor, targets: &Tensor) -> Result<(usize, usize, usize)> {
    let (models, batch, width) = outputs.dims3()?;
    if targets.dims() != [batch] {
        return Err(Error::Msg(format!(
            "{what}: targets {:?} for outputs {:?} (expected [{batch}])",
            targets.dims(),
            outputs.dims()
        )));
    }
    if batch == 0 {
        return Err(Error::Msg(format!("{what}: an empty batch")));
    }
    Ok((models, batch, width))
}

/// Single-output `[K, B, 1]` check for the binary losses.
fn check_binary(what: &str, logits: &Tensor, targets: &Tensor) -> Result<(usize, usize)> {
    let (models, batch, width) = check_batch(what, logits, targets)?;
    if width != 1 {
        return Err(Error::Msg(format!(
            "{what}: logits {:?} must have one output (width 1)",
            logits.dims()
        )));
    }
    Ok((models, batch))
}

/// A `[B]` target vector as a `[1, B, 1]` tensor of the outputs' dtype and device.
fn as_column(targets: &Tensor, like: &Tensor) -> Result<Tensor> {
    let batch = targets.dim(0)?;
    targets
        .to_device(like.device())?
        .to_dtype(like.dtype())?
        .reshape((1, batch, 1))
}

/// A `[B]` tensor's values as f64 (labels, 0/1 targets, sensitive attributes).
fn host_values(values: &Tensor) -> Result<Vec<f64>> {
    values.to_dtype(DType::F64)?.to_vec1::<f64>()
}

/// Mean over the batch of `[K, B, 1]`: `[K]`.
fn batch_mean(values: &Tensor) -> Result<Tensor> {
    values.mean(1)?.squeeze(1)
}

/// Cross-entropy of class logits `[K, B, C]` against labels `[B]` (u32, `< C`): `[K]`, the mean
/// over the batch of `log Σ_c e^{z_c} − z_label` (PyTorch's `CrossEntropyLoss`).
///
/// # Errors
/// Shapes that do not fit, labels out of range, and candle's errors.
pub fn cross_entropy(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    let (models, batch, classes) = check_batch("cross_entropy", logits, labels)?;
    if labels.dtype() != DType::U32 {
        return Err(Error::Msg(format!(
            "cross_entropy: labels must be u32, got {:?}",
            labels.dtype()
        )));
    }
    if let Some(bad) = labels
        .to_vec1::<u32>()?
        .into_iter()
        .find(|&l| l as usize >= classes)
    {
        return Err(Error::Msg(format!(
            "cross_entropy: label {bad} out of range for {classes} classes"
        )));
    }
    let shifted = logits.broadcast_sub(&logits.max_keepdim(D::Minus1)?.detach())?;
    let log_sum_exp = shifted.exp()?.sum_keepdim(D::Minus1)?.log()?;
    let index = labels
        .to_device(logits.device())?
        .reshape((1, batch, 1))?
        .broadcast_as((models, batch, 1))?
        .contiguous()?;
    let picked = shifted.contiguous()?.gather(&index, D::Minus1)?;
    batch_mean(&(log_sum_exp - picked)?)
}

/// `log(1 + e^z)` with the stable form of the module docs.
fn softplus(z: &Tensor) -> Result<Tensor> {
    let shift = z.relu()?.detach();
    let sum = (shift.neg()?.exp()? + (z - &shift)?.exp()?)?;
    shift + sum.log()?
}

/// `σ(z) = 1 / (1 + e^{−z})` with the stable form of the module docs.
fn sigmoid(z: &Tensor) -> Result<Tensor> {
    let shift = z.relu()?.detach();
    let numerator = (z - &shift)?.exp()?;
    let denominator = (shift.neg()?.exp()? + &numerator)?;
    numerator / denominator
}

/// Binary cross-entropy of logits `[K, B, 1]` against 0/1 targets `[B]` (any float dtype):
/// `[K]`, the mean over the batch of `log(1 + e^z) − y·z` (PyTorch's `BCEWithLogitsLoss`).
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn bce_with_logits(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    check_binary("bce_with_logits", logits, targets)?;
    let y = as_column(targets, logits)?;
    batch_mean(&(softplus(logits)? - logits.broadcast_mul(&y)?)?)
}

/// LibMOON's relaxed difference of equal opportunity (`DEOHyperbolicTangentRelaxation`, c = 1)
/// of logits `[K, B, 1]`, 0/1 targets `[B]` and a 0/1 sensitive attribute `[B]` (non-zero =
/// group 1): `[K]`, `(1/B)·|Σ_{s=0, y=1} tanh(σ(z)) − Σ_{s=1, y=1} tanh(σ(z))|` with `B` the
/// batch size (not the group sizes), as LibMOON.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn deo(logits: &Tensor, targets: &Tensor, sensitive: &Tensor) -> Result<Tensor> {
    let (_, batch) = check_binary("deo", logits, targets)?;
    check_batch("deo", logits, sensitive)?;
    // Each example's sign in the difference: +1 (s = 0, y = 1), −1 (s = 1, y = 1), 0 (y ≠ 1).
    let signs: Vec<f64> = host_values(targets)?
        .into_iter()
        .zip(host_values(sensitive)?)
        .map(|(y, s)| match (y == 1.0, s != 0.0) {
            (true, false) => 1.0,
            (true, true) => -1.0,
            (false, _) => 0.0,
        })
        .collect();
    let signs = as_column(&Tensor::new(signs, logits.device())?, logits)?;
    let relaxed = sigmoid(logits)?.tanh()?;
    let difference = relaxed.broadcast_mul(&signs)?.sum(1)?.squeeze(1)?;
    difference.abs()? / batch as f64
}

/// Mean squared error of outputs `[K, B, 1]` against targets `[B]`: `[K]`, the mean over the
/// batch of `(o − y)²`.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn mse(outputs: &Tensor, targets: &Tensor) -> Result<Tensor> {
    check_binary("mse", outputs, targets)?;
    let y = as_column(targets, outputs)?;
    batch_mean(&outputs.broadcast_sub(&y)?.sqr()?)
}

/// The outputs `[K, B, width]` as `K` rows of `B·width` f64 values.
fn host_rows(outputs: &Tensor) -> Result<Vec<Vec<f64>>> {
    outputs
        .detach()
        .to_dtype(DType::F64)?
        .flatten_from(1)?
        .to_vec2::<f64>()
}

/// Accuracy of each model (`[K]` fractions in [0, 1]): for class logits `[K, B, C]` with C > 1,
/// the first maximal logit (as PyTorch's `argmax`) against labels `[B]`; for one logit `[K, B,
/// 1]`, the prediction `z > 0` against 0/1 targets `[B]`. No gradient.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn accuracy(logits: &Tensor, labels: &Tensor) -> Result<Vec<f64>> {
    let (_, batch, width) = check_batch("accuracy", logits, labels)?;
    let labels = host_values(labels)?;
    let rows = host_rows(logits)?;
    Ok(rows
        .iter()
        .map(|row| {
            let correct = row
                .chunks_exact(width)
                .zip(&labels)
                .filter(|&(z, &label)| {
                    let predicted = if width == 1 {
                        f64::from(u8::from(z[0] > 0.0))
                    } else {
                        first_argmax(z) as f64
                    };
                    predicted == label
                })
                .count();
            correct as f64 / batch as f64
        })
        .collect())
}

/// Index of the first maximum (NaN counts as the maximum, as PyTorch's `argmax`).
fn first_argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate().skip(1) {
        if v > values[best] || (v.is_nan() && !values[best].is_nan()) {
            best = i;
        }
    }
    best
}

/// The hard difference of equal opportunity of each model (`[K]`): `|TPR_{s=0} − TPR_{s=1}|`,
/// the gap in true-positive rates between the two groups of the sensitive attribute, predicting
/// positive where `σ(z) > 0.5` (`z > 0`). A group without positive examples has rate 0. No
/// gradient.
///
/// # Errors
/// Shapes that do not fit, and candle's errors.
pub fn deo_hard(logits: &Tensor, targets: &Tensor, sensitive: &Tensor) -> Result<Vec<f64>> {
    check_binary("deo_hard", logits, targets)?;
    check_batch("deo_hard", logits, sensitive)?;
    let targets = host_values(targets)?;
    let sensitive = host_values(sensitive)?;
    let rows = host_rows(logits)?;
    Ok(rows
        .iter()
        .map(|row| {
            let mut positives = [0usize; 2];
            let mut found = [0usize; 2];
            for ((&z, &y), &s) in row.iter().zip(&targets).zip(&sensitive) {
                if y == 1.0 {
                    let group = usize::from(s != 0.0);
                    positives[group] += 1;
                    found[group] += usize::from(z > 0.0);
                }
            }
            let rate = |g: usize| {
                if positives[g] == 0 {
                    0.0
                } else {
                    found[g] as f64 / positives[g] as f64
                }
            };
            (rate(0) - rate(1)).abs()
        })
        .collect())
}

#[cfg(test)]
mod tests;
