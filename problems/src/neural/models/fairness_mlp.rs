//! LibMOON's fairness MLPs M1–M4: one logit read by both objectives (BCE and DEO).

use candle_core::{DType, Device, Result, Tensor};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::dense::DenseStack;
use super::init_draws::draw_parameters;
use super::{ModelError, check_widths, tabular_batch, tabular_width};
use crate::neural::{NamedParameter, Network};

/// The options of [`Mlp`]: its hidden widths.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MlpConfig {
    /// Hidden widths, each followed by a ReLU; the output is one logit (default `[128, 128]`,
    /// LibMOON's M1). An empty list gives logistic regression.
    pub hidden: Vec<usize>,
}

impl Default for MlpConfig {
    fn default() -> Self {
        Self::m1()
    }
}

impl MlpConfig {
    /// LibMOON's M1: `d → 128 → 128 → 1`.
    pub fn m1() -> Self {
        Self {
            hidden: vec![128, 128],
        }
    }

    /// LibMOON's M2: `d → 256 → 256 → 1`.
    pub fn m2() -> Self {
        Self {
            hidden: vec![256, 256],
        }
    }

    /// LibMOON's M3: `d → 128 → 128 → 128 → 1`.
    pub fn m3() -> Self {
        Self {
            hidden: vec![128, 128, 128],
        }
    }

    /// LibMOON's M4: `d → 256 → 256 → 256 → 1`.
    pub fn m4() -> Self {
        Self {
            hidden: vec![256, 256, 256],
        }
    }
}

/// A ReLU MLP with one output logit for `K` stacked models: LibMOON's fairness classifiers
/// (`libmoon/model/fair_model.py`, `FullyConnected`, architectures M1–M4; M1 on Adult's 88
/// features has 28,033 parameters).
///
/// - Input: a batch `[B, d]`.
/// - Representation: the logit `[K, B, 1]` (the whole MLP is the trunk). Heads: the identity,
///   one output `[K, B, 1]` that both objectives (BCE with logits and DEO) read.
/// - Parameters: `layers.{i}.weight [in, out]`, `layers.{i}.bias [out]` (leading dimension
///   `K`; PyTorch stores the transposed weight `[out, in]`).
/// - Initialisation: PyTorch's defaults, `U(±1/√fan_in)` for weights and biases.
#[derive(Clone, Debug)]
pub struct Mlp {
    name: String,
    config: MlpConfig,
    input_dim: usize,
    n_models: usize,
    dtype: DType,
    device: Device,
    parameters: Vec<NamedParameter>,
    stack: DenseStack,
}

impl Mlp {
    /// The architecture's name when built with custom widths.
    pub const NAME: &'static str = "mlp";

    /// Builds `n_models` stacked MLPs for examples of `d` features (`input_shape` = `[d]`),
    /// drawing the parameters from `rng`.
    ///
    /// # Errors
    /// A zero width or input size; a dtype other than f32/f64; `n_models = 0`.
    pub fn new(
        config: &MlpConfig,
        input_shape: &[usize],
        n_models: usize,
        dtype: DType,
        device: &Device,
        rng: &mut impl Rng,
    ) -> std::result::Result<Self, ModelError> {
        let input_dim = tabular_width(Self::NAME, input_shape)?;
        check_widths(Self::NAME, "hidden", &config.hidden, 0)?;
        let mut widths = config.hidden.clone();
        widths.push(1);
        let specs = DenseStack::specs("layers", input_dim, &widths, None);
        let parameters = draw_parameters(&specs, n_models, dtype, device, rng)?;
        let stack = DenseStack::new(&parameters);
        Ok(Self {
            name: Self::NAME.to_string(),
            config: config.clone(),
            input_dim,
            n_models,
            dtype,
            device: device.clone(),
            parameters,
            stack,
        })
    }

    /// The same network under another name (the registry's `mlp-m1` … `mlp-m4`).
    #[must_use]
    pub fn with_name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &MlpConfig {
        &self.config
    }

    /// The number of input features `d`.
    pub fn input_dim(&self) -> usize {
        self.input_dim
    }
}

impl Network for Mlp {
    fn name(&self) -> &str {
        &self.name
    }

    /// No task heads: both objectives (BCE and DEO) read the one logit, so the per-objective
    /// gradients are taken over every parameter (as LibMOON does).
    fn has_task_heads(&self) -> bool {
        false
    }

    fn n_models(&self) -> usize {
        self.n_models
    }

    fn parameters(&self) -> &[NamedParameter] {
        &self.parameters
    }

    fn trunk(&self, input: &Tensor) -> Result<Tensor> {
        let x = tabular_batch(&self.name, input, self.input_dim, self.dtype)?;
        self.stack.forward(&x, true, false)
    }

    fn heads(&self, representation: &Tensor, _input: &Tensor) -> Result<Vec<Tensor>> {
        Ok(vec![representation.clone()])
    }

    fn forward_with(&self, parameters: &[Tensor], input: &Tensor) -> Result<Vec<Tensor>> {
        super::check_parameter_count(&self.name, parameters, self.parameters.len())?;
        let x = tabular_batch(&self.name, input, self.input_dim, self.dtype)?;
        Ok(vec![
            DenseStack::of_tensors(parameters).forward(&x, true, false)?,
        ])
    }

    fn dtype(&self) -> DType {
        self.dtype
    }

    fn device(&self) -> &Device {
        &self.device
    }
}
