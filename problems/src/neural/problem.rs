//! [`NeuralProblem`]: a network, its training examples and its objectives as a
//! [`GradientSource`] — minibatches per step, per-objective gradients by backward passes — and
//! [`Evaluator`], which measures the same network on any split.

use std::sync::Arc;

use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Tensor, Var};
use tradeoff_pareto::Matrix;

use super::Network;
use super::data::{Batch, epoch_order};
use crate::error::{Error, Result};
use crate::problem::JacobianBatch;
use crate::source::GradientSource;

/// A set of examples a network trains or is measured on (a split of a data set).
pub trait ExampleSet: Send + Sync {
    /// Number of examples.
    fn len(&self) -> usize;

    /// Whether the set is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The examples at `indices` as one batch.
    ///
    /// # Errors
    /// Indices out of range, and candle's errors.
    fn batch(&self, indices: &[usize], dtype: DType, device: &Device) -> Result<Batch>;
}

/// One objective of a neural problem: a differentiable loss per model, computed from the task
/// outputs and the batch, and an optional metric measured at evaluation.
pub trait Objective: Send + Sync + std::fmt::Debug {
    /// A short name (`left`, `bce`, `deo`).
    fn name(&self) -> String;

    /// The loss of each model, `[K]`, from the task outputs (each `[K, B, width]`).
    ///
    /// # Errors
    /// candle's errors.
    fn loss(&self, outputs: &[Tensor], batch: &Batch) -> Result<Tensor>;

    /// The metric of this objective's task for each model (accuracy for a classification
    /// task, the hard DEO for fairness), with its name; `None` when the objective has none.
    ///
    /// # Errors
    /// candle's errors.
    fn metric(&self, _outputs: &[Tensor], _batch: &Batch) -> Result<Option<(String, Vec<f64>)>> {
        Ok(None)
    }
}

/// The parameters of a [`Network`] as rows of a `K × P` matrix: row `k` is the concatenation,
/// in [`Network::parameters`] order, of every tensor's slice `k`.
#[derive(Clone, Debug)]
struct ParameterLayout {
    /// Per parameter: its per-model element count.
    sizes: Vec<usize>,
    n_models: usize,
}

impl ParameterLayout {
    fn of(network: &dyn Network) -> Self {
        let n_models = network.n_models();
        Self {
            sizes: network
                .parameters()
                .iter()
                .map(|p| p.var.elem_count() / n_models)
                .collect(),
            n_models,
        }
    }

    fn n_parameters(&self) -> usize {
        self.sizes.iter().sum()
    }

    /// Writes the rows of `x` into the network's variables (converted to their dtype).
    fn load(&self, network: &dyn Network, x: &Matrix) -> Result<()> {
        let p = self.n_parameters();
        if x.shape() != (self.n_models, p) {
            return Err(Error::DimensionMismatch {
                what: format!("{}: parameters (K × P)", network.name()),
                expected: self.n_models * p,
                got: x.n_rows() * x.n_cols(),
            });
        }
        let mut offset = 0;
        for (parameter, &size) in network.parameters().iter().zip(&self.sizes) {
            let mut values = Vec::with_capacity(size * self.n_models);
            for k in 0..self.n_models {
                values.extend_from_slice(&x.row(k)[offset..offset + size]);
            }
            let tensor = Tensor::from_vec(values, parameter.var.shape(), network.device())?
                .to_dtype(parameter.var.dtype())?;
            parameter.var.set(&tensor)?;
            offset += size;
        }
        Ok(())
    }

    /// The current values of the network's variables as a `K × P` matrix.
    fn read(&self, network: &dyn Network) -> Result<Matrix> {
        let mut out = Matrix::zeros(self.n_models, self.n_parameters());
        let mut offset = 0;
        for (parameter, &size) in network.parameters().iter().zip(&self.sizes) {
            let values = flat_f64(parameter.var.as_tensor())?;
            for k in 0..self.n_models {
                out.row_mut(k)[offset..offset + size]
                    .copy_from_slice(&values[k * size..(k + 1) * size]);
            }
            offset += size;
        }
        Ok(out)
    }

    /// Adds `scale ×` the gradients in `stores` (each parameter read from the first store that
    /// holds it) into `out` (`K × P`).
    fn add_gradients(
        &self,
        network: &dyn Network,
        stores: &[&GradStore],
        out: &mut Matrix,
    ) -> Result<()> {
        let mut offset = 0;
        for (parameter, &size) in network.parameters().iter().zip(&self.sizes) {
            for store in stores {
                if let Some(gradient) = store.get(parameter.var.as_tensor()) {
                    let values = flat_f64(gradient)?;
                    for k in 0..self.n_models {
                        for (o, g) in out.row_mut(k)[offset..offset + size]
                            .iter_mut()
                            .zip(&values[k * size..(k + 1) * size])
                        {
                            *o += g;
                        }
                    }
                }
            }
            offset += size;
        }
        Ok(())
    }
}

/// A tensor's values as `f64`, in row-major order.
fn flat_f64(tensor: &Tensor) -> Result<Vec<f64>> {
    Ok(tensor
        .flatten_all()?
        .to_dtype(DType::F64)?
        .to_vec1::<f64>()?)
}

/// The graph of the step begun last.
struct StepGraph {
    /// The trunk's output (the shared representation), with its graph.
    representation: Tensor,
    /// A leaf copy of the representation the heads were computed from, when per-objective
    /// gradients stop at the representation.
    leaf: Option<Var>,
    /// The loss of each objective, each `[K]`.
    losses: Vec<Tensor>,
}

/// A network trained on a set of examples for several objectives: a [`GradientSource`].
///
/// Step `t` reads minibatch `t mod S` of epoch `t / S` (`S` = steps per epoch,
/// `⌈n / batch⌉`; the last batch of an epoch may be smaller), in the order
/// [`epoch_order`]`(seed, epoch, n)` (see the data module). With `representation_gradients` (the default where the
/// network has task heads), the heads are computed from a leaf copy of the trunk's output, so
/// the per-objective gradients with respect to the shared representation cost one head pass
/// each, and the trunk is traversed once with the combined cotangent.
pub struct NeuralProblem {
    name: String,
    network: Arc<dyn Network>,
    train: Arc<dyn ExampleSet>,
    objectives: Arc<Vec<Box<dyn Objective>>>,
    batch_size: usize,
    seed: u64,
    layout: ParameterLayout,
    initial: Matrix,
    representation_gradients: bool,
    order: Option<(usize, Vec<usize>)>,
    step: Option<StepGraph>,
}

impl std::fmt::Debug for NeuralProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NeuralProblem")
            .field("name", &self.name)
            .field("network", &self.network.name())
            .field("examples", &self.train.len())
            .field("objectives", &self.objectives)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl NeuralProblem {
    /// A problem training `network` (its current parameters are the initial point) on `train`
    /// with minibatches of `batch_size`, shuffled from `seed`.
    ///
    /// # Errors
    /// [`Error::InvalidSize`] for an empty training set, a zero batch size or no objective.
    pub fn new(
        name: impl Into<String>,
        network: Arc<dyn Network>,
        train: Arc<dyn ExampleSet>,
        objectives: Vec<Box<dyn Objective>>,
        batch_size: usize,
        seed: u64,
    ) -> Result<Self> {
        let name = name.into();
        for (what, got) in [
            ("training examples", train.len()),
            ("the batch size", batch_size),
            ("objectives", objectives.len()),
        ] {
            if got == 0 {
                return Err(Error::InvalidSize {
                    problem: name.clone(),
                    what,
                    rule: "at least 1".into(),
                    got,
                });
            }
        }
        let layout = ParameterLayout::of(network.as_ref());
        let initial = layout.read(network.as_ref())?;
        let representation_gradients = network.has_task_heads();
        Ok(Self {
            name,
            network,
            train,
            objectives: Arc::new(objectives),
            batch_size,
            seed,
            layout,
            initial,
            representation_gradients,
            order: None,
            step: None,
        })
    }

    /// Whether Gramian-based methods read the per-objective gradients with respect to the
    /// shared representation (`true`, LibMTL's `rep_grad`) or the full per-parameter Jacobian.
    #[must_use]
    pub fn with_representation_gradients(mut self, on: bool) -> Self {
        self.representation_gradients = on;
        self
    }

    /// The network.
    pub fn network(&self) -> &Arc<dyn Network> {
        &self.network
    }

    /// The objectives, in order (their losses from task outputs, for a caller that runs the
    /// network itself, e.g. with generated parameters).
    pub fn objectives(&self) -> &[Box<dyn Objective>] {
        &self.objectives
    }

    /// The minibatch size.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// The objectives' names.
    pub fn objective_names(&self) -> Vec<String> {
        self.objectives.iter().map(|o| o.name()).collect()
    }

    /// An evaluator sharing this problem's network and objectives.
    pub fn evaluator(&self) -> Evaluator {
        Evaluator {
            network: Arc::clone(&self.network),
            objectives: Arc::clone(&self.objectives),
            layout: self.layout.clone(),
            batch_size: self.batch_size,
        }
    }

    fn steps(&self) -> usize {
        self.train.len().div_ceil(self.batch_size)
    }

    fn graph(&self) -> Result<&StepGraph> {
        self.step.as_ref().ok_or_else(|| Error::Unsupported {
            problem: self.name.clone(),
            what: "gradients were asked for before begin_step".into(),
        })
    }

    /// `Σ_i Σ_k w_{k,i} L_{k,i}` of the step's graph (`None` when every weight is zero).
    fn weighted_loss(&self, weights: &Matrix) -> Result<Option<Tensor>> {
        let graph = self.graph()?;
        let k = self.layout.n_models;
        if weights.shape() != (k, graph.losses.len()) {
            return Err(Error::DimensionMismatch {
                what: format!("{}: weights (K × m)", self.name),
                expected: k * graph.losses.len(),
                got: weights.n_rows() * weights.n_cols(),
            });
        }
        let mut total: Option<Tensor> = None;
        for (i, loss) in graph.losses.iter().enumerate() {
            let column: Vec<f64> = (0..k).map(|row| weights.get(row, i)).collect();
            if column.iter().all(|&w| w == 0.0) {
                continue;
            }
            let w = Tensor::from_vec(column, k, loss.device())?.to_dtype(loss.dtype())?;
            let term = (loss * w)?.sum_all()?;
            total = Some(match total {
                None => term,
                Some(t) => (t + term)?,
            });
        }
        Ok(total)
    }

    /// The gradient of `total` (a scalar of the step's graph) with respect to every parameter,
    /// `K × P`: through the heads, then (with representation gradients) one trunk pass with
    /// the representation's cotangent.
    fn gradient_of(&self, total: Option<&Tensor>) -> Result<Matrix> {
        let graph = self.graph()?;
        let mut out = Matrix::zeros(self.layout.n_models, self.layout.n_parameters());
        let Some(total) = total else {
            return Ok(out);
        };
        let heads = total.backward()?;
        match &graph.leaf {
            None => {
                self.layout
                    .add_gradients(self.network.as_ref(), &[&heads], &mut out)?;
            }
            Some(leaf) => {
                let trunk = match heads.get(leaf.as_tensor()) {
                    Some(cotangent) => Some(
                        (&graph.representation * cotangent.detach())?
                            .sum_all()?
                            .backward()?,
                    ),
                    None => None,
                };
                let mut stores = vec![&heads];
                if let Some(trunk) = &trunk {
                    stores.push(trunk);
                }
                self.layout
                    .add_gradients(self.network.as_ref(), &stores, &mut out)?;
            }
        }
        Ok(out)
    }
}

impl GradientSource for NeuralProblem {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn n_obj(&self) -> usize {
        self.objectives.len()
    }

    fn n_var(&self) -> usize {
        self.layout.n_parameters()
    }

    fn n_points(&self) -> usize {
        self.layout.n_models
    }

    fn initial_point(&mut self) -> Result<Matrix> {
        Ok(self.initial.clone())
    }

    fn epoch_of(&self, iteration: usize) -> Option<usize> {
        Some(iteration / self.steps())
    }

    fn steps_per_epoch(&self) -> Option<usize> {
        Some(self.steps())
    }

    fn begin_step(&mut self, x: &Matrix, iteration: usize) -> Result<Matrix> {
        self.step = None;
        let steps = self.steps();
        let (epoch, index) = (iteration / steps, iteration % steps);
        if self.order.as_ref().is_none_or(|(e, _)| *e != epoch) {
            self.order = Some((epoch, epoch_order(self.seed, epoch, self.train.len())));
        }
        let order = &self.order.as_ref().expect("set above").1;
        let end = ((index + 1) * self.batch_size).min(order.len());
        let indices = &order[index * self.batch_size..end];
        self.layout.load(self.network.as_ref(), x)?;
        let network = self.network.as_ref();
        let batch = self
            .train
            .batch(indices, network.dtype(), network.device())?;
        let representation = network.trunk(&batch.input)?;
        let leaf = if self.representation_gradients {
            Some(Var::from_tensor(&representation.detach())?)
        } else {
            None
        };
        let head_input = leaf.as_ref().map_or(&representation, |v| v.as_tensor());
        let outputs = network.heads(head_input, &batch.input)?;
        let losses = self
            .objectives
            .iter()
            .map(|o| o.loss(&outputs, &batch))
            .collect::<Result<Vec<_>>>()?;
        let values = loss_matrix(&losses, self.layout.n_models)?;
        self.step = Some(StepGraph {
            representation,
            leaf,
            losses,
        });
        Ok(values)
    }

    fn jacobian(&mut self) -> Result<JacobianBatch> {
        let all: Vec<usize> = (0..self.n_obj()).collect();
        self.jacobian_rows(&all)
    }

    fn jacobian_rows(&mut self, rows: &[usize]) -> Result<JacobianBatch> {
        let (k, m, p) = (self.layout.n_models, self.n_obj(), self.n_var());
        let mut out = JacobianBatch::zeros(k, m, p);
        for &i in rows.iter().filter(|&&i| i < m) {
            let mut weights = Matrix::zeros(k, m);
            for row in 0..k {
                weights.set(row, i, 1.0);
            }
            let total = self.weighted_loss(&weights)?;
            let rows = self.gradient_of(total.as_ref())?;
            for row in 0..k {
                out.point_mut(row)[i * p..(i + 1) * p].copy_from_slice(rows.row(row));
            }
        }
        Ok(out)
    }

    fn combined_gradient(&mut self, weights: &Matrix) -> Result<Matrix> {
        let total = self.weighted_loss(weights)?;
        self.gradient_of(total.as_ref())
    }

    fn representation_gramians(&mut self) -> Result<Option<Vec<Matrix>>> {
        let graph = self.graph()?;
        let Some(leaf) = &graph.leaf else {
            return Ok(None);
        };
        let k = self.layout.n_models;
        let mut rows: Vec<Vec<f64>> = Vec::with_capacity(graph.losses.len());
        for loss in &graph.losses {
            let grads = loss.sum_all()?.backward()?;
            let values = match grads.get(leaf.as_tensor()) {
                Some(g) => flat_f64(g)?,
                None => vec![0.0; leaf.elem_count()],
            };
            rows.push(values);
        }
        let per_model = leaf.elem_count() / k;
        let m = rows.len();
        let mut gramians = Vec::with_capacity(k);
        for model in 0..k {
            let span = model * per_model..(model + 1) * per_model;
            let mut g = Matrix::zeros(m, m);
            for i in 0..m {
                for j in 0..=i {
                    let v: f64 = rows[i][span.clone()]
                        .iter()
                        .zip(&rows[j][span.clone()])
                        .map(|(a, b)| a * b)
                        .sum();
                    g.set(i, j, v);
                    g.set(j, i, v);
                }
            }
            gramians.push(g);
        }
        Ok(Some(gramians))
    }

    fn full_objectives(&mut self, x: &Matrix) -> Result<Matrix> {
        self.step = None;
        let evaluation = self.evaluator().evaluate(x, self.train.as_ref())?;
        Ok(evaluation.losses)
    }
}

/// The losses (`K` each) as a `K × m` matrix.
fn loss_matrix(losses: &[Tensor], n_models: usize) -> Result<Matrix> {
    let mut out = Matrix::zeros(n_models, losses.len());
    for (i, loss) in losses.iter().enumerate() {
        let values = flat_f64(loss)?;
        if values.len() != n_models {
            return Err(Error::DimensionMismatch {
                what: "an objective's loss (one value per model)".into(),
                expected: n_models,
                got: values.len(),
            });
        }
        for (k, v) in values.into_iter().enumerate() {
            out.set(k, i, v);
        }
    }
    Ok(out)
}

/// What an [`Evaluator`] measures on a set: each model's mean loss per objective and each
/// objective's metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean loss over the set, `K × m` (each batch weighted by its size).
    pub losses: Matrix,
    /// Per objective with a metric: its name and its `K` values (each batch weighted by its
    /// size).
    pub metrics: Vec<(String, Vec<f64>)>,
}

/// Measures a network's objectives and metrics on any set, at given parameters, without
/// gradients.
#[derive(Clone)]
pub struct Evaluator {
    network: Arc<dyn Network>,
    objectives: Arc<Vec<Box<dyn Objective>>>,
    layout: ParameterLayout,
    batch_size: usize,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator")
            .field("network", &self.network.name())
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl Evaluator {
    /// The losses and metrics at `x` (`K × P`) on `set`, in batches of the problem's size.
    ///
    /// Metrics that are not means over examples (the hard DEO) are averaged over batches
    /// weighted by size; use a batch as large as the set for their exact value.
    ///
    /// # Errors
    /// An empty set, parameters of the wrong shape, and candle's errors.
    pub fn evaluate(&self, x: &Matrix, set: &dyn ExampleSet) -> Result<Evaluation> {
        self.evaluate_in_batches(x, set, self.batch_size)
    }

    /// As [`Evaluator::evaluate`] with batches of `batch_size`.
    ///
    /// # Errors
    /// As [`Evaluator::evaluate`].
    pub fn evaluate_in_batches(
        &self,
        x: &Matrix,
        set: &dyn ExampleSet,
        batch_size: usize,
    ) -> Result<Evaluation> {
        let n = set.len();
        if n == 0 || batch_size == 0 {
            return Err(Error::InvalidSize {
                problem: self.network.name().to_string(),
                what: "examples to evaluate on",
                rule: "at least 1".into(),
                got: n,
            });
        }
        self.layout.load(self.network.as_ref(), x)?;
        let k = self.layout.n_models;
        let m = self.objectives.len();
        let network = self.network.as_ref();
        let mut losses = Matrix::zeros(k, m);
        let mut metrics: Vec<(String, Vec<f64>)> = Vec::new();
        let indices: Vec<usize> = (0..n).collect();
        for chunk in indices.chunks(batch_size) {
            let batch = set.batch(chunk, network.dtype(), network.device())?;
            let representation = network.trunk(&batch.input)?.detach();
            let outputs: Vec<Tensor> = network
                .heads(&representation, &batch.input)?
                .into_iter()
                .map(|t| t.detach())
                .collect();
            let share = chunk.len() as f64 / n as f64;
            let mut metric_index = 0;
            for (i, objective) in self.objectives.iter().enumerate() {
                let values = flat_f64(&objective.loss(&outputs, &batch)?)?;
                for (row, v) in values.into_iter().enumerate() {
                    losses.set(row, i, losses.get(row, i) + share * v);
                }
                if let Some((name, values)) = objective.metric(&outputs, &batch)? {
                    if metrics.len() <= metric_index {
                        metrics.push((name, vec![0.0; k]));
                    }
                    for (total, v) in metrics[metric_index].1.iter_mut().zip(values) {
                        *total += share * v;
                    }
                    metric_index += 1;
                }
            }
        }
        Ok(Evaluation { losses, metrics })
    }
}
