//! Shared-bottom (hard parameter sharing) network for tabular multi-task data.

use candle_core::{DType, Device, Result, Tensor};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::dense::DenseStack;
use super::init_draws::draw_parameters;
use super::{ModelError, check_widths, tabular_batch, tabular_width};
use crate::neural::{NamedParameter, Network};

/// The options of [`SharedBottom`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SharedBottomConfig {
    /// Widths of the shared trunk's layers, each followed by a ReLU; the last is the width of
    /// the representation (default `[128, 64]`; at least one).
    pub trunk: Vec<usize>,
    /// Hidden widths of every task head, each followed by a ReLU (default `[32]`; may be empty
    /// for linear heads).
    pub head: Vec<usize>,
    /// Output width of each task's head, one entry per task (default `[1, 1]`: two tasks with
    /// one logit or one regression value each).
    pub task_outputs: Vec<usize>,
}

impl Default for SharedBottomConfig {
    fn default() -> Self {
        Self {
            trunk: vec![128, 64],
            head: vec![32],
            task_outputs: vec![1, 1],
        }
    }
}

/// Hard parameter sharing (Caruana 1997; LibMTL's `HPS`) for `K` stacked models: a ReLU MLP
/// trunk shared by every task and one MLP head per task.
///
/// - Input: a batch `[B, d]`.
/// - Representation: `[K, B, trunk.last]` (after the ReLU). Heads: one output
///   `[K, B, task_outputs[t]]` per task (no activation on the output).
/// - Parameters: `trunk.{i}.weight [in, out]`, `trunk.{i}.bias [out]`,
///   `heads.{t}.{i}.weight`, `heads.{t}.{i}.bias` (leading dimension `K`).
/// - Initialisation: PyTorch's defaults, `U(±1/√fan_in)` for weights and biases.
#[derive(Clone, Debug)]
pub struct SharedBottom {
    config: SharedBottomConfig,
    input_dim: usize,
    n_models: usize,
    dtype: DType,
    device: Device,
    parameters: Vec<NamedParameter>,
    trunk: DenseStack,
    heads: Vec<DenseStack>,
}

impl SharedBottom {
    /// The architecture's name.
    pub const NAME: &'static str = "shared-bottom";

    /// Builds `n_models` stacked shared-bottom networks for examples of `d` features
    /// (`input_shape` = `[d]`), drawing the parameters from `rng`.
    ///
    /// # Errors
    /// An empty trunk or task list, a zero width or input size; a dtype other than f32/f64;
    /// `n_models = 0`.
    pub fn new(
        config: &SharedBottomConfig,
        input_shape: &[usize],
        n_models: usize,
        dtype: DType,
        device: &Device,
        rng: &mut impl Rng,
    ) -> std::result::Result<Self, ModelError> {
        let input_dim = tabular_width(Self::NAME, input_shape)?;
        check_widths(Self::NAME, "trunk", &config.trunk, 1)?;
        check_widths(Self::NAME, "head", &config.head, 0)?;
        check_widths(Self::NAME, "task_outputs", &config.task_outputs, 1)?;
        let representation = *config.trunk.last().expect("checked: at least one width");
        let mut specs = DenseStack::specs("trunk", input_dim, &config.trunk, None);
        let mut head_sizes = Vec::with_capacity(config.task_outputs.len());
        for (task, &output) in config.task_outputs.iter().enumerate() {
            let mut widths = config.head.clone();
            widths.push(output);
            let head = DenseStack::specs(&format!("heads.{task}"), representation, &widths, None);
            head_sizes.push(head.len());
            specs.extend(head);
        }
        let parameters = draw_parameters(&specs, n_models, dtype, device, rng)?;
        let n_trunk = 2 * config.trunk.len();
        let trunk = DenseStack::new(&parameters[..n_trunk]);
        let mut start = n_trunk;
        let heads = head_sizes
            .iter()
            .map(|&size| {
                let head = DenseStack::new(&parameters[start..start + size]);
                start += size;
                head
            })
            .collect();
        Ok(Self {
            config: config.clone(),
            input_dim,
            n_models,
            dtype,
            device: device.clone(),
            parameters,
            trunk,
            heads,
        })
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &SharedBottomConfig {
        &self.config
    }

    /// The number of input features `d`.
    pub fn input_dim(&self) -> usize {
        self.input_dim
    }
}

impl Network for SharedBottom {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn n_models(&self) -> usize {
        self.n_models
    }

    fn parameters(&self) -> &[NamedParameter] {
        &self.parameters
    }

    fn trunk(&self, input: &Tensor) -> Result<Tensor> {
        let x = tabular_batch(Self::NAME, input, self.input_dim, self.dtype)?;
        self.trunk.forward(&x, true, true)
    }

    fn heads(&self, representation: &Tensor, _input: &Tensor) -> Result<Vec<Tensor>> {
        self.heads
            .iter()
            .map(|head| head.forward(representation, false, false))
            .collect()
    }

    fn forward_with(&self, parameters: &[Tensor], input: &Tensor) -> Result<Vec<Tensor>> {
        super::check_parameter_count(Self::NAME, parameters, self.parameters.len())?;
        let x = tabular_batch(Self::NAME, input, self.input_dim, self.dtype)?;
        let n_trunk = 2 * self.config.trunk.len();
        let representation =
            DenseStack::of_tensors(&parameters[..n_trunk]).forward(&x, true, true)?;
        let per_head = (parameters.len() - n_trunk) / self.config.task_outputs.len();
        parameters[n_trunk..]
            .chunks_exact(per_head)
            .map(|head| DenseStack::of_tensors(head).forward(&representation, false, false))
            .collect()
    }

    fn dtype(&self) -> DType {
        self.dtype
    }

    fn device(&self) -> &Device {
        &self.device
    }
}
