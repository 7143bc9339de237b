//! Trainable parameters: seeded initialisation, the named parameter store, and the small layer
//! helpers every model is built from.

use candle_core::{DType, Device, Tensor, Var};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// Floating-point precision of a model's parameters and computations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    /// 32-bit floats (the default, as LibMOON's PyTorch models).
    #[default]
    F32,
    /// 64-bit floats.
    F64,
}

impl Precision {
    /// The candle dtype.
    pub fn dtype(self) -> DType {
        match self {
            Self::F32 => DType::F32,
            Self::F64 => DType::F64,
        }
    }

    /// The name (`f32`, `f64`).
    pub fn name(self) -> &'static str {
        match self {
            Self::F32 => "f32",
            Self::F64 => "f64",
        }
    }
}

/// How weights are initialised. Every scheme draws from a [`StdRng`] seeded with the model's
/// seed, in the order the parameters are created, so the same configuration gives the same
/// weights bit for bit (candle's own CPU initialisers cannot be seeded).
///
/// Each uniform draw is `(2u − 1)·bound` with `u` a `f64` in `[0, 1)`, rounded to the model's
/// precision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InitScheme {
    /// PyTorch's `nn.Linear` default (what LibMOON's models get): weights and biases
    /// `U(±1/√fan_in)`.
    #[default]
    Torch,
    /// He (Kaiming) uniform for ReLU networks: weights `U(±√(6/fan_in))`, biases 0.
    Kaiming,
}

impl InitScheme {
    /// The name (`torch`, `kaiming`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Torch => "torch",
            Self::Kaiming => "kaiming",
        }
    }

    fn weight_bound(self, fan_in: usize) -> f64 {
        let fan_in = fan_in.max(1) as f64;
        match self {
            Self::Torch => 1.0 / fan_in.sqrt(),
            Self::Kaiming => (6.0 / fan_in).sqrt(),
        }
    }

    fn bias_bound(self, fan_in: usize) -> f64 {
        match self {
            Self::Torch => 1.0 / (fan_in.max(1) as f64).sqrt(),
            Self::Kaiming => 0.0,
        }
    }
}

/// The named trainable tensors of a model, in creation order.
#[derive(Clone, Debug, Default)]
pub(crate) struct ParamStore {
    pub(crate) names: Vec<String>,
    pub(crate) vars: Vec<Var>,
}

/// Creates parameters from one seeded generator.
pub(crate) struct ParamBuilder {
    rng: StdRng,
    dtype: DType,
    scheme: InitScheme,
    store: ParamStore,
}

impl ParamBuilder {
    pub(crate) fn new(seed: u64, precision: Precision, scheme: InitScheme) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            dtype: precision.dtype(),
            scheme,
            store: ParamStore::default(),
        }
    }

    /// A parameter of `shape` drawn from `U(±bound)` (all zeros when `bound = 0`).
    pub(crate) fn uniform(&mut self, name: String, shape: &[usize], bound: f64) -> Result<Tensor> {
        let n: usize = shape.iter().product();
        let values: Vec<f64> = if bound == 0.0 {
            vec![0.0; n]
        } else {
            (0..n)
                .map(|_| (2.0 * self.rng.random::<f64>() - 1.0) * bound)
                .collect()
        };
        let t = Tensor::from_vec(values, shape, &Device::Cpu)?.to_dtype(self.dtype)?;
        let var = Var::from_tensor(&t)?;
        let tensor = var.as_tensor().clone();
        self.store.names.push(name);
        self.store.vars.push(var);
        Ok(tensor)
    }

    /// A parameter `[rows, cols]` whose rows are one draw from `U(±bound)`, repeated: copies
    /// of one initial value (PaMaL's base networks started at one point).
    pub(crate) fn uniform_tiled(
        &mut self,
        name: String,
        rows: usize,
        cols: usize,
        bound: f64,
    ) -> Result<Tensor> {
        let row: Vec<f64> = (0..cols)
            .map(|_| (2.0 * self.rng.random::<f64>() - 1.0) * bound)
            .collect();
        let values: Vec<f64> = (0..rows).flat_map(|_| row.iter().copied()).collect();
        let t = Tensor::from_vec(values, (rows, cols), &Device::Cpu)?.to_dtype(self.dtype)?;
        let var = Var::from_tensor(&t)?;
        let tensor = var.as_tensor().clone();
        self.store.names.push(name);
        self.store.vars.push(var);
        Ok(tensor)
    }

    /// The scheme's bound for a weight (`bias = false`) or bias of a layer with `fan_in` inputs.
    pub(crate) fn bound(&self, fan_in: usize, bias: bool) -> f64 {
        if bias {
            self.scheme.bias_bound(fan_in)
        } else {
            self.scheme.weight_bound(fan_in)
        }
    }

    /// A weight matrix `[fan_in, cols]` drawn by the scheme for this `fan_in`.
    pub(crate) fn weight(&mut self, name: String, fan_in: usize, cols: usize) -> Result<Tensor> {
        let bound = self.scheme.weight_bound(fan_in);
        self.uniform(name, &[fan_in, cols], bound)
    }

    /// A weight of any shape whose layer has `fan_in` inputs.
    pub(crate) fn weight_shaped(
        &mut self,
        name: String,
        shape: &[usize],
        fan_in: usize,
    ) -> Result<Tensor> {
        let bound = self.scheme.weight_bound(fan_in);
        self.uniform(name, shape, bound)
    }

    /// A bias of any shape whose layer has `fan_in` inputs.
    pub(crate) fn bias(&mut self, name: String, shape: &[usize], fan_in: usize) -> Result<Tensor> {
        let bound = self.scheme.bias_bound(fan_in);
        self.uniform(name, shape, bound)
    }

    /// An all-zero parameter.
    pub(crate) fn zeros(&mut self, name: String, shape: &[usize]) -> Result<Tensor> {
        self.uniform(name, shape, 0.0)
    }

    /// A dense layer `x · W + b` with `W: [fan_in, fan_out]`, named `{prefix}.weight` and
    /// `{prefix}.bias`.
    pub(crate) fn linear(&mut self, prefix: &str, fan_in: usize, fan_out: usize) -> Result<Linear> {
        let weight = self.weight(format!("{prefix}.weight"), fan_in, fan_out)?;
        let bias = self.bias(format!("{prefix}.bias"), &[fan_out], fan_in)?;
        Ok(Linear { weight, bias })
    }

    pub(crate) fn finish(self) -> ParamStore {
        self.store
    }
}

/// A dense layer in input-major layout: `y = x · W + b`, `W: [fan_in, fan_out]`.
#[derive(Clone, Debug)]
pub(crate) struct Linear {
    pub(crate) weight: Tensor,
    pub(crate) bias: Tensor,
}

impl Linear {
    /// `x · W + b`.
    pub(crate) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.forward_act(x, false)
    }

    /// `x · W + b`, then ReLU when `relu` (bias and activation fused, see `ops`).
    pub(crate) fn forward_act(&self, x: &Tensor, relu: bool) -> Result<Tensor> {
        Ok(crate::ops::bias_act(
            &x.matmul(&self.weight)?,
            &self.bias,
            relu,
        )?)
    }
}

/// The row count of a `[B, n_obj]` preference tensor, after checking its width and dtype.
pub(crate) fn check_prefs(prefs: &Tensor, n_obj: usize, dtype: DType) -> Result<Tensor> {
    let (_, m) = prefs.dims2()?;
    if m != n_obj {
        return Err(crate::Error::DimensionMismatch {
            what: "preference width (n_obj)",
            expected: n_obj,
            got: m,
        });
    }
    Ok(if prefs.dtype() == dtype {
        prefs.clone()
    } else {
        prefs.to_dtype(dtype)?
    })
}
