//! Multi-gate mixture-of-experts (MMoE, Ma et al. 2018) for tabular multi-task data.

use candle_core::{D, DType, Device, Result, Tensor};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::dense::DenseStack;
use super::init_draws::{ParameterSpec, draw_parameters};
use super::{ModelError, check_widths, tabular_batch, tabular_width};
use crate::neural::layers;
use crate::neural::{NamedParameter, Network};

/// The options of [`Mmoe`] (our defaults; the paper tunes them per data set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MmoeConfig {
    /// Number of experts `E` (default 4).
    pub n_experts: usize,
    /// Widths of every expert's layers, each followed by a ReLU; the last is the expert output
    /// width `d` (default `[64]`; at least one).
    pub expert: Vec<usize>,
    /// Hidden widths of every task tower, each followed by a ReLU (default `[32]`; may be empty).
    pub tower: Vec<usize>,
    /// Output width of each task's tower, one entry per task (default `[1, 1]`).
    pub task_outputs: Vec<usize>,
}

impl Default for MmoeConfig {
    fn default() -> Self {
        Self {
            n_experts: 4,
            expert: vec![64],
            tower: vec![32],
            task_outputs: vec![1, 1],
        }
    }
}

/// Multi-gate mixture-of-experts for `K` stacked models (Ma, Zhao, Yi, Chen, Hong, Chi,
/// "Modeling Task Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts",
/// KDD 2018, eq. 5–6): `E` expert MLPs `f_e` read the input; task `t` mixes them with a softmax
/// gate on the input, `g_t(x) = softmax(W_t x + b_t)`, and its tower `h_t` reads the mixture:
/// `y_t = h_t(Σ_e g_t(x)_e f_e(x))`.
///
/// - Input: a batch `[B, d_in]`.
/// - Representation (the trunk): the experts' outputs side by side, `[K, B, E·d]` (expert `e`
///   in columns `e·d .. (e+1)·d`). Heads: read the representation and the input (for the gates);
///   one output `[K, B, task_outputs[t]]` per task.
/// - Parameters: `experts.{i}.weight [E, in, out]`, `experts.{i}.bias [E, out]`,
///   `gates.{t}.weight [d_in, E]`, `gates.{t}.bias [E]`, `towers.{t}.{i}.weight`,
///   `towers.{t}.{i}.bias` (leading dimension `K`).
/// - Initialisation: PyTorch's defaults, `U(±1/√fan_in)` for weights and biases.
///
/// Differences from the paper: the gates have a bias (as LibMTL's `MMoE`, a `Linear` then a
/// softmax); the paper writes `softmax(W x)`.
#[derive(Clone, Debug)]
pub struct Mmoe {
    config: MmoeConfig,
    input_dim: usize,
    n_models: usize,
    dtype: DType,
    device: Device,
    parameters: Vec<NamedParameter>,
    experts: DenseStack,
    /// `(weight, bias)` of each task's gate.
    gates: Vec<(Tensor, Tensor)>,
    towers: Vec<DenseStack>,
}

impl Mmoe {
    /// The architecture's name.
    pub const NAME: &'static str = "mmoe";

    /// Builds `n_models` stacked MMoE networks for examples of `d_in` features (`input_shape` =
    /// `[d_in]`), drawing the parameters from `rng`.
    ///
    /// # Errors
    /// No expert, an empty expert or task list, a zero width or input size; a dtype other than
    /// f32/f64; `n_models = 0`.
    pub fn new(
        config: &MmoeConfig,
        input_shape: &[usize],
        n_models: usize,
        dtype: DType,
        device: &Device,
        rng: &mut impl Rng,
    ) -> std::result::Result<Self, ModelError> {
        let input_dim = tabular_width(Self::NAME, input_shape)?;
        if config.n_experts == 0 {
            return Err(ModelError::InvalidConfig {
                network: Self::NAME.to_string(),
                what: "n_experts".to_string(),
                rule: "at least 1".to_string(),
                got: "0".to_string(),
            });
        }
        check_widths(Self::NAME, "expert", &config.expert, 1)?;
        check_widths(Self::NAME, "tower", &config.tower, 0)?;
        check_widths(Self::NAME, "task_outputs", &config.task_outputs, 1)?;
        let n_experts = config.n_experts;
        let expert_width = *config.expert.last().expect("checked: at least one width");
        let mut specs = DenseStack::specs("experts", input_dim, &config.expert, Some(n_experts));
        let n_expert_parameters = specs.len();
        for task in 0..config.task_outputs.len() {
            specs.extend(ParameterSpec::layer(
                &format!("gates.{task}"),
                vec![input_dim, n_experts],
                n_experts,
                input_dim,
            ));
        }
        let mut tower_sizes = Vec::with_capacity(config.task_outputs.len());
        for (task, &output) in config.task_outputs.iter().enumerate() {
            let mut widths = config.tower.clone();
            widths.push(output);
            let tower = DenseStack::specs(&format!("towers.{task}"), expert_width, &widths, None);
            tower_sizes.push(tower.len());
            specs.extend(tower);
        }
        let parameters = draw_parameters(&specs, n_models, dtype, device, rng)?;
        let experts = DenseStack::new(&parameters[..n_expert_parameters]);
        let n_tasks = config.task_outputs.len();
        let gate_parameters = &parameters[n_expert_parameters..n_expert_parameters + 2 * n_tasks];
        let gates = gate_parameters
            .chunks_exact(2)
            .map(|pair| {
                (
                    pair[0].var.as_tensor().clone(),
                    pair[1].var.as_tensor().clone(),
                )
            })
            .collect();
        let mut start = n_expert_parameters + 2 * n_tasks;
        let towers = tower_sizes
            .iter()
            .map(|&size| {
                let tower = DenseStack::new(&parameters[start..start + size]);
                start += size;
                tower
            })
            .collect();
        Ok(Self {
            config: config.clone(),
            input_dim,
            n_models,
            dtype,
            device: device.clone(),
            parameters,
            experts,
            gates,
            towers,
        })
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &MmoeConfig {
        &self.config
    }

    /// The number of input features `d_in`.
    pub fn input_dim(&self) -> usize {
        self.input_dim
    }

    /// Task `task`'s gate weights on the experts for a data batch: `[K, B, E]`, rows on the
    /// simplex.
    ///
    /// # Errors
    /// A task index out of range, an input of the wrong width, and candle's errors.
    pub fn gate(&self, task: usize, input: &Tensor) -> Result<Tensor> {
        let Some((weight, bias)) = self.gates.get(task) else {
            candle_core::bail!(
                "{}: no task {task} (it has {})",
                Self::NAME,
                self.gates.len()
            );
        };
        let x = tabular_batch(Self::NAME, input, self.input_dim, self.dtype)?;
        softmax_last_dim(&layers::linear_shared_input(&x, weight, bias)?)
    }
}

/// The `K·E` experts' outputs `[K·E, B, d]` (from [`DenseStack::forward`]) side by side:
/// `[K, B, E·d]`.
fn side_by_side(y: &Tensor, k: usize, e: usize) -> Result<Tensor> {
    let (_, batch, d) = y.dims3()?;
    y.reshape((k, e, batch, d))?
        .transpose(1, 2)?
        .contiguous()?
        .reshape((k, batch, e * d))
}

/// Task outputs from the experts side by side `[K, B, E·d]`, each task's gate weights `[K, B,
/// E]` and its tower.
fn mixtures(
    representation: &Tensor,
    gates: impl Iterator<Item = Result<Tensor>>,
    towers: &[DenseStack],
    e: usize,
) -> Result<Vec<Tensor>> {
    let (k, batch, width) = representation.dims3()?;
    let experts = representation.reshape((k * batch, e, width / e))?;
    gates
        .zip(towers)
        .map(|(gate, tower)| {
            let gate = gate?.reshape((k * batch, 1, e))?;
            let mixed = gate.matmul(&experts)?.reshape((k, batch, width / e))?;
            tower.forward(&mixed, false, false)
        })
        .collect()
}

/// Softmax over the last dimension (the maximum is subtracted first, outside the graph: the
/// softmax does not depend on it).
fn softmax_last_dim(x: &Tensor) -> Result<Tensor> {
    let max = x.max_keepdim(D::Minus1)?.detach();
    let exp = x.broadcast_sub(&max)?.exp()?;
    exp.broadcast_div(&exp.sum_keepdim(D::Minus1)?)
}

impl Network for Mmoe {
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
        // The K·E experts act as K·E stacked models: [K·E, B, d] -> [K, B, E·d].
        let y = self.experts.forward(&x, true, true)?;
        side_by_side(&y, self.n_models, self.config.n_experts)
    }

    fn heads(&self, representation: &Tensor, input: &Tensor) -> Result<Vec<Tensor>> {
        let gates = (0..self.towers.len()).map(|task| self.gate(task, input));
        mixtures(representation, gates, &self.towers, self.config.n_experts)
    }

    fn forward_with(&self, parameters: &[Tensor], input: &Tensor) -> Result<Vec<Tensor>> {
        super::check_parameter_count(Self::NAME, parameters, self.parameters.len())?;
        let x = tabular_batch(Self::NAME, input, self.input_dim, self.dtype)?;
        let e = self.config.n_experts;
        let k = parameters[0].dim(0)?;
        let n_experts = 2 * self.config.expert.len();
        let n_tasks = self.config.task_outputs.len();
        let y = DenseStack::of_tensors(&parameters[..n_experts]).forward(&x, true, true)?;
        let representation = side_by_side(&y, k, e)?;
        let gate_parameters = &parameters[n_experts..n_experts + 2 * n_tasks];
        let gates = gate_parameters
            .chunks_exact(2)
            .map(|pair| softmax_last_dim(&layers::linear_shared_input(&x, &pair[0], &pair[1])?));
        let tower_parameters = &parameters[n_experts + 2 * n_tasks..];
        let towers: Vec<DenseStack> = tower_parameters
            .chunks_exact(tower_parameters.len() / n_tasks)
            .map(DenseStack::of_tensors)
            .collect();
        mixtures(&representation, gates, &towers, e)
    }

    fn dtype(&self) -> DType {
        self.dtype
    }

    fn device(&self) -> &Device {
        &self.device
    }
}
