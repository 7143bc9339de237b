//! Neural multi-objective problems: networks of stacked models, their layers and losses, data
//! sets, and the per-step gradient interface the trainer drives.
//!
//! Every network holds `K` stacked copies of one architecture (`K = 1` for one multi-task
//! model, `K` preferences for a finite set trained as one batched computation). Parameters are
//! candle [`Var`]s whose leading dimension is the model index; one backward pass of
//! `Σ_k L_{k,i}` gives every model's gradient of task `i`, since the models share no weight.

pub mod data;
pub mod init;
pub mod layers;
pub mod losses;
pub mod models;
mod problem;
pub mod registry;

pub use data::{Batch, epoch_order};
pub use problem::{Evaluation, Evaluator, ExampleSet, NeuralProblem, Objective};

use candle_core::{DType, Device, Result, Tensor, Var};

/// One parameter tensor of a [`Network`], named for checkpoints and exports.
#[derive(Clone, Debug)]
pub struct NamedParameter {
    /// A dotted name, e.g. `conv1.weight`, `heads.0.bias`.
    pub name: String,
    /// The tensor, of shape `[K, ...]`: slice `k` belongs to model `k`.
    pub var: Var,
}

/// A network of `K` stacked models with a shared trunk and task heads.
///
/// The split into [`Network::trunk`] and [`Network::heads`] is what lets a trainer compute
/// per-task gradients with respect to the shared representation (LibMTL's `rep_grad`, MGDA-UB)
/// and then one trunk pass with the combined cotangent. A network without task-specific layers
/// (the fairness MLPs, whose two objectives read one logit) returns its output as the
/// representation and its heads are the identity.
pub trait Network: Send + Sync + std::fmt::Debug {
    /// The architecture's name (`multi-lenet`, `mlp-m1`, `shared-bottom`, `mmoe`).
    fn name(&self) -> &str;

    /// Number of stacked models `K`.
    fn n_models(&self) -> usize;

    /// The parameters in a fixed order; each tensor's leading dimension is `K`.
    fn parameters(&self) -> &[NamedParameter];

    /// Number of parameters of one model, `P` (the sum over [`Network::parameters`] of each
    /// tensor's element count divided by `K`).
    fn n_parameters_per_model(&self) -> usize {
        self.parameters()
            .iter()
            .map(|p| p.var.elem_count() / self.n_models())
            .sum()
    }

    /// The shared part: a data batch (`[B, ...]`, the same for all `K` models) to the shared
    /// representation (leading dimension `K`).
    ///
    /// # Errors
    /// candle's errors (shapes, devices).
    fn trunk(&self, input: &Tensor) -> Result<Tensor>;

    /// The task outputs from the representation (and the data, for architectures whose
    /// task-specific parts read it, such as MMoE's gates): one tensor per task output, each of
    /// shape `[K, B, width]`.
    ///
    /// # Errors
    /// candle's errors (shapes, devices).
    fn heads(&self, representation: &Tensor, input: &Tensor) -> Result<Vec<Tensor>>;

    /// Whether the network has task-specific heads after a shared trunk (then Gramian-based
    /// methods may read the per-task gradients with respect to the trunk's output); `false`
    /// for a network whose objectives all read one output (the fairness MLPs).
    fn has_task_heads(&self) -> bool {
        true
    }

    /// The task outputs of [`Network::heads`] after [`Network::trunk`], computed with
    /// `parameters` in place of the network's own: one tensor per entry of
    /// [`Network::parameters`], in that order, each of the same shape except for its leading
    /// dimension `K'` (any number of models). The tensors may be outputs of another computation
    /// (a hypernetwork, a combination of networks), so that one backward pass carries the
    /// gradient through them. Architectures without it return an error (the default).
    ///
    /// # Errors
    /// Parameters of the wrong number or shape, an architecture without a functional forward,
    /// and candle's errors.
    fn forward_with(&self, parameters: &[Tensor], input: &Tensor) -> Result<Vec<Tensor>> {
        let _ = (parameters, input);
        candle_core::bail!("{}: no functional forward (forward_with)", self.name())
    }

    /// The parameters' element type.
    fn dtype(&self) -> DType;

    /// The device the parameters live on.
    fn device(&self) -> &Device;
}
