//! Seeded parameter draws for the architectures: PyTorch's default `Linear`/`Conv2d` initialisation.
//!
//! PyTorch initialises a `Linear` or `Conv2d` weight with `kaiming_uniform_(a = √5)`, whose bound
//! is `gain · √(3 / fan_in)` with `gain = √(2 / (1 + a²)) = √(1/3)`, i.e. `U(−1/√fan_in,
//! 1/√fan_in)`, and its bias with the same `U(±1/√fan_in)` (`fan_in` = input width, or
//! `C_in · kh · kw` for a convolution). The draws come from a caller's `rand` generator, never
//! from candle's: model by model (all of model 0's parameters, then model 1's, ...), each
//! parameter in its declared order and row-major, so model `k` of a `K`-stack is the same
//! whatever `K` is and the same seed gives the same bits.

use candle_core::{DType, Device, Tensor, Var};
use rand::Rng;

use super::ModelError;
use crate::neural::NamedParameter;

/// One parameter to draw: its name, its shape for one model, and its uniform bound.
#[derive(Clone, Debug)]
pub(crate) struct ParameterSpec {
    /// The dotted name.
    pub name: String,
    /// The shape of one model's slice (the stacked tensor is `[K, shape...]`).
    pub shape: Vec<usize>,
    /// Draws are uniform on `[−bound, bound)`.
    pub bound: f64,
}

impl ParameterSpec {
    /// A weight and its bias with PyTorch's default bound `1/√fan_in`: `[name.weight, name.bias]`.
    pub fn layer(
        name: &str,
        weight_shape: Vec<usize>,
        bias_width: usize,
        fan_in: usize,
    ) -> [Self; 2] {
        let bound = 1.0 / (fan_in as f64).sqrt();
        [
            Self {
                name: format!("{name}.weight"),
                shape: weight_shape,
                bound,
            },
            Self {
                name: format!("{name}.bias"),
                shape: vec![bias_width],
                bound,
            },
        ]
    }

    fn elem_count(&self) -> usize {
        self.shape.iter().product()
    }
}

/// Checks that `dtype` is one the architectures support (f32 or f64).
pub(crate) fn check_dtype(dtype: DType) -> Result<(), ModelError> {
    match dtype {
        DType::F32 | DType::F64 => Ok(()),
        other => Err(ModelError::UnsupportedDtype { dtype: other }),
    }
}

/// Draws `K` stacked copies of every parameter in `specs` (see the module docs for the order)
/// and makes them variables of `dtype` on `device`.
pub(crate) fn draw_parameters(
    specs: &[ParameterSpec],
    n_models: usize,
    dtype: DType,
    device: &Device,
    rng: &mut impl Rng,
) -> Result<Vec<NamedParameter>, ModelError> {
    check_dtype(dtype)?;
    if n_models == 0 {
        return Err(ModelError::NoModels);
    }
    let mut buffers: Vec<Vec<f64>> = specs
        .iter()
        .map(|spec| vec![0.0; n_models * spec.elem_count()])
        .collect();
    for model in 0..n_models {
        for (spec, buffer) in specs.iter().zip(&mut buffers) {
            let n = spec.elem_count();
            for value in &mut buffer[model * n..(model + 1) * n] {
                *value = spec.bound * (2.0 * rng.random::<f64>() - 1.0);
            }
        }
    }
    specs
        .iter()
        .zip(buffers)
        .map(|(spec, buffer)| {
            let shape: Vec<usize> = std::iter::once(n_models)
                .chain(spec.shape.iter().copied())
                .collect();
            let tensor = Tensor::from_vec(buffer, shape, device)?.to_dtype(dtype)?;
            Ok(NamedParameter {
                name: spec.name.clone(),
                var: Var::from_tensor(&tensor)?,
            })
        })
        .collect()
}
