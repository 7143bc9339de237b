//! Adam (no weight decay) and global-norm gradient clipping, in plain Rust over the model's
//! parameter buffers; the update is the shared optimiser core's kernel
//! ([`tradeoff_solvers::adam_update`], PyTorch's rounding).

use candle_core::{DType, Device, Tensor, Var};
use serde::{Deserialize, Serialize};

use tradeoff_solvers::{AdamForm, adam_update};

use crate::error::{Result, invalid};

/// Adam's hyper-parameters (PyTorch's `torch.optim.Adam` defaults, no weight decay).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamParams {
    /// Learning rate. Default `1e-3` (LibMOON's PSL).
    pub lr: f64,
    /// First-moment decay. Default 0.9.
    pub beta1: f64,
    /// Second-moment decay. Default 0.999.
    pub beta2: f64,
    /// Denominator guard. Default `1e-8`.
    pub eps: f64,
}

impl Default for AdamParams {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

impl AdamParams {
    /// Checks every rule: `lr` finite and positive, then the one rule for Adam's moments that
    /// the driver uses too ([`AdamMoments::validate`](tradeoff_solvers::AdamMoments::validate):
    /// `beta1`, `beta2` in `[0, 1)`, `eps` finite and positive).
    pub fn validate(&self) -> Result<()> {
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(invalid("lr", "must be finite and positive", self.lr));
        }
        self.moments().validate()?;
        Ok(())
    }

    /// The decay rates and denominator guard, as the shared optimiser core takes them.
    pub fn moments(&self) -> tradeoff_solvers::AdamMoments {
        tradeoff_solvers::AdamMoments {
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
        }
    }
}

/// Scales `grads` in place so that their global L2 norm is at most `max_norm`, exactly as
/// PyTorch's `clip_grad_norm_(params, max_norm)`: with `N = ‖(g_1, …, g_k)‖₂` (accumulated in
/// f64), every gradient is multiplied by `max_norm / (N + 1e-6)` when that factor is below 1.
/// Returns `N`, the norm before clipping.
///
/// ```
/// let mut g = vec![vec![3.0, 0.0], vec![4.0]];
/// let norm = tradeoff_psl::clip_grad_norm(&mut g, 1.0);
/// assert_eq!(norm, 5.0);
/// let clipped = (g[0][0] * g[0][0] + g[1][0] * g[1][0]).sqrt();
/// assert!((clipped - 1.0).abs() < 1e-6);
/// ```
pub fn clip_grad_norm(grads: &mut [Vec<f64>], max_norm: f64) -> f64 {
    let norm = grads.iter().map(|g| sum_sq(g)).sum::<f64>().sqrt();
    let coef = max_norm / (norm + 1e-6);
    if coef < 1.0 {
        for v in grads.iter_mut().flat_map(|g| g.iter_mut()) {
            *v *= coef;
        }
    }
    norm
}

/// `Σ v²` in f64 over eight interleaved partial sums (vectorised; a fixed order, so the result
/// is reproducible).
fn sum_sq<T: Copy + Into<f64>>(values: &[T]) -> f64 {
    tradeoff_problems::neural::layers::simd::vectorized(|| sum_sq_kernel(values))
}

#[inline(always)]
fn sum_sq_kernel<T: Copy + Into<f64>>(values: &[T]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = values.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            let v: f64 = v.into();
            *a += v * v;
        }
    }
    let mut total: f64 = acc.iter().sum();
    for &v in tail {
        let v: f64 = v.into();
        total += v * v;
    }
    total
}

/// Gradients in the parameters' own precision (one flattened vector per variable), as the
/// trainer keeps them between the backward pass and the Adam step.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawGrads {
    F32(Vec<Vec<f32>>),
    F64(Vec<Vec<f64>>),
}

impl RawGrads {
    /// Global L2 norm, accumulated in f64.
    pub(crate) fn norm(&self) -> f64 {
        match self {
            Self::F32(g) => g.iter().map(|v| sum_sq(v)).sum::<f64>().sqrt(),
            Self::F64(g) => g.iter().map(|v| sum_sq(v)).sum::<f64>().sqrt(),
        }
    }

    /// [`clip_grad_norm`] in the gradients' precision; returns the norm before clipping.
    pub(crate) fn clip(&mut self, max_norm: f64) -> f64 {
        let norm = self.norm();
        let coef = max_norm / (norm + 1e-6);
        if coef < 1.0 {
            match self {
                Self::F32(g) => {
                    let c = coef as f32;
                    tradeoff_problems::neural::layers::simd::vectorized(|| {
                        g.iter_mut().flatten().for_each(|v| *v *= c)
                    });
                }
                Self::F64(g) => tradeoff_problems::neural::layers::simd::vectorized(|| {
                    g.iter_mut().flatten().for_each(|v| *v *= coef);
                }),
            }
        }
        norm
    }

    pub(crate) fn to_f64(&self) -> Vec<Vec<f64>> {
        match self {
            Self::F32(g) => g
                .iter()
                .map(|v| v.iter().map(|&x| f64::from(x)).collect())
                .collect(),
            Self::F64(g) => g.clone(),
        }
    }
}

/// One buffer's Adam state in the model's precision.
#[derive(Clone, Debug)]
enum Buffers {
    F32 {
        values: Vec<Vec<f32>>,
        m: Vec<Vec<f32>>,
        v: Vec<Vec<f32>>,
    },
    F64 {
        values: Vec<Vec<f64>>,
        m: Vec<Vec<f64>>,
        v: Vec<Vec<f64>>,
    },
}

/// Adam without weight decay (Kingma & Ba 2015), PyTorch's update rule in the parameters' own
/// precision:
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `θ ← θ − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)`.
///
/// The optimiser keeps a copy of the parameter values (read once from the `Var`s) and writes
/// the updated values back with [`Var::set`] after each step, so the `Var`s must not be changed
/// by anyone else while it is in use.
#[derive(Clone, Debug)]
pub struct Adam {
    params: AdamParams,
    vars: Vec<Var>,
    step: i32,
    buffers: Buffers,
}

impl Adam {
    /// An optimiser over `vars` (all of one float dtype, f32 or f64).
    pub fn new(vars: Vec<Var>, params: AdamParams) -> Result<Self> {
        params.validate()?;
        let dtype = vars.first().map_or(DType::F32, |v| v.dtype());
        if vars.iter().any(|v| v.dtype() != dtype) {
            return Err(invalid(
                "parameters",
                "must all have the same dtype",
                "mixed",
            ));
        }
        let buffers = match dtype {
            DType::F64 => {
                let values = vars
                    .iter()
                    .map(|v| v.as_tensor().flatten_all()?.to_vec1::<f64>())
                    .collect::<candle_core::Result<Vec<_>>>()?;
                let zeros: Vec<Vec<f64>> = values.iter().map(|v| vec![0.0; v.len()]).collect();
                Buffers::F64 {
                    values,
                    m: zeros.clone(),
                    v: zeros,
                }
            }
            DType::F32 => {
                let values = vars
                    .iter()
                    .map(|v| v.as_tensor().flatten_all()?.to_vec1::<f32>())
                    .collect::<candle_core::Result<Vec<_>>>()?;
                let zeros: Vec<Vec<f32>> = values.iter().map(|v| vec![0.0; v.len()]).collect();
                Buffers::F32 {
                    values,
                    m: zeros.clone(),
                    v: zeros,
                }
            }
            other => {
                return Err(invalid(
                    "parameter dtype",
                    "must be f32 or f64",
                    format!("{other:?}"),
                ));
            }
        };
        Ok(Self {
            params,
            vars,
            step: 0,
            buffers,
        })
    }

    /// The hyper-parameters.
    pub fn params(&self) -> &AdamParams {
        &self.params
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.step as usize
    }

    /// The state a checkpoint needs: the step count and the first and second moments, one
    /// flat tensor per variable in the parameters' precision (exact copies).
    pub(crate) fn state_tensors(&self) -> Result<(usize, Vec<Tensor>, Vec<Tensor>)> {
        fn flat<T: candle_core::WithDType>(buffers: &[Vec<T>]) -> Result<Vec<Tensor>> {
            buffers
                .iter()
                .map(|b| Ok(Tensor::from_slice(b, b.len(), &Device::Cpu)?))
                .collect()
        }
        let (m, v) = match &self.buffers {
            Buffers::F32 { m, v, .. } => (flat(m)?, flat(v)?),
            Buffers::F64 { m, v, .. } => (flat(m)?, flat(v)?),
        };
        Ok((self.step as usize, m, v))
    }

    /// Restores what [`Adam::state_tensors`] saved (the variables' values are read again from
    /// the `Var`s, which the caller has restored first).
    pub(crate) fn load_state_tensors(
        &mut self,
        step: usize,
        m_saved: &[Tensor],
        v_saved: &[Tensor],
    ) -> Result<()> {
        fn read<T: candle_core::WithDType>(saved: &[Tensor], into: &mut [Vec<T>]) -> Result<()> {
            if saved.len() != into.len() {
                return Err(crate::Error::BadCheckpoint(format!(
                    "Adam state for {} variables, the model has {}",
                    saved.len(),
                    into.len()
                )));
            }
            for (t, buffer) in saved.iter().zip(into.iter_mut()) {
                let values = t.flatten_all()?.to_vec1::<T>()?;
                if values.len() != buffer.len() {
                    return Err(crate::Error::BadCheckpoint(format!(
                        "Adam state of {} values for a variable of {}",
                        values.len(),
                        buffer.len()
                    )));
                }
                *buffer = values;
            }
            Ok(())
        }
        match &mut self.buffers {
            Buffers::F32 { values, m, v } => {
                read(m_saved, m)?;
                read(v_saved, v)?;
                for (value, var) in values.iter_mut().zip(&self.vars) {
                    *value = var.as_tensor().flatten_all()?.to_vec1::<f32>()?;
                }
            }
            Buffers::F64 { values, m, v } => {
                read(m_saved, m)?;
                read(v_saved, v)?;
                for (value, var) in values.iter_mut().zip(&self.vars) {
                    *value = var.as_tensor().flatten_all()?.to_vec1::<f64>()?;
                }
            }
        }
        self.step = i32::try_from(step)
            .map_err(|_| crate::Error::BadCheckpoint(format!("Adam step {step} too large")))?;
        Ok(())
    }

    /// One update with one gradient per variable (flattened, f64; rounded to the parameters'
    /// precision before use).
    pub fn step(&mut self, grads: &[Vec<f64>]) -> Result<()> {
        let raw = match self.buffers {
            Buffers::F32 { .. } => RawGrads::F32(
                grads
                    .iter()
                    .map(|g| g.iter().map(|&x| x as f32).collect())
                    .collect(),
            ),
            Buffers::F64 { .. } => RawGrads::F64(grads.to_vec()),
        };
        self.step_raw(&raw)
    }

    /// One update with gradients in the parameters' precision.
    pub(crate) fn step_raw(&mut self, grads: &RawGrads) -> Result<()> {
        let n_grads = match grads {
            RawGrads::F32(g) => g.len(),
            RawGrads::F64(g) => g.len(),
        };
        if n_grads != self.vars.len() {
            return Err(crate::Error::DimensionMismatch {
                what: "gradients (one per variable)",
                expected: self.vars.len(),
                got: n_grads,
            });
        }
        self.step += 1;
        let moments = self.params.moments();
        let (lr, t) = (self.params.lr, u64::try_from(self.step).unwrap_or(0));
        match (&mut self.buffers, grads) {
            (Buffers::F32 { values, m, v }, RawGrads::F32(g)) => {
                for (k, var) in self.vars.iter().enumerate() {
                    tradeoff_problems::neural::layers::simd::vectorized(|| {
                        adam_update(
                            &mut values[k],
                            &mut m[k],
                            &mut v[k],
                            &g[k],
                            &moments,
                            lr,
                            t,
                            AdamForm::PyTorch,
                        );
                    });
                    var.set(&Tensor::from_slice(&values[k], var.shape(), &Device::Cpu)?)?;
                }
            }
            (Buffers::F64 { values, m, v }, RawGrads::F64(g)) => {
                for (k, var) in self.vars.iter().enumerate() {
                    tradeoff_problems::neural::layers::simd::vectorized(|| {
                        adam_update(
                            &mut values[k],
                            &mut m[k],
                            &mut v[k],
                            &g[k],
                            &moments,
                            lr,
                            t,
                            AdamForm::PyTorch,
                        );
                    });
                    var.set(&Tensor::from_slice(&values[k], var.shape(), &Device::Cpu)?)?;
                }
            }
            _ => {
                return Err(invalid(
                    "gradients",
                    "must have the parameters' dtype",
                    "another dtype",
                ));
            }
        }
        Ok(())
    }
}
