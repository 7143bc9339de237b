//! The built-in neural problems by name: data set + network + objectives as a
//! [`NeuralProblem`], with its splits for evaluation and LibMOON's preference rays.

use std::path::PathBuf;
use std::sync::Arc;

use candle_core::{DType, Device, Tensor};
use rand::SeedableRng;
use tradeoff_pareto::Matrix;

use super::data::{
    DATASET_NAMES, Dataset, DatasetOptions, Preprocess, Split, TaskKind, load_dataset,
};
use super::losses;
use super::models::build_network;
use super::{Batch, ExampleSet, NeuralProblem, Objective};
use crate::error::{Error, Result};

/// What builds a neural problem: the data set and how it is read, the network, the number of
/// stacked models and the minibatches.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuralSpec {
    /// `multi-mnist`, `adult`, `compas`, `credit` or `tabular`.
    pub problem: String,
    /// A file (or folder) to read instead of the embedded data (required for `tabular`).
    pub data: Option<PathBuf>,
    /// The fairness sets' preprocessing (`clean`, the default, or `libmoon`).
    pub preprocess: String,
    /// The validation share (see the data loaders; `None`: the data set's default).
    pub val_fraction: Option<f64>,
    /// `tabular`: the target columns.
    pub targets: Vec<String>,
    /// `tabular`: one loss per target (`bce`, `mse`, `ce`).
    pub losses: Vec<String>,
    /// The network (`None`: the problem's own: `multi-lenet` for MultiMNIST, `mlp-m1` for the
    /// fairness sets, `shared-bottom` for `tabular`).
    pub model: Option<String>,
    /// The network's options as JSON (`null`: its defaults).
    pub model_config: serde_json::Value,
    /// Number of stacked models `K` (1 for one multi-task model).
    pub n_models: usize,
    /// The minibatch size.
    pub batch_size: usize,
    /// The seed of the initialisation, the minibatch order and the clean split.
    pub seed: u64,
    /// `f32` (the default) or `f64`.
    pub dtype: DType,
    /// Whether Gramian-based methods read gradients with respect to the shared representation
    /// (`None`: where the network has task heads).
    pub representation_gradients: Option<bool>,
}

impl NeuralSpec {
    /// The defaults for `problem`: embedded data, clean preprocessing, the problem's network,
    /// one model, batch 256, seed 0, f32.
    pub fn new(problem: impl Into<String>) -> Self {
        Self {
            problem: problem.into(),
            data: None,
            preprocess: "clean".into(),
            val_fraction: None,
            targets: Vec::new(),
            losses: Vec::new(),
            model: None,
            model_config: serde_json::Value::Null,
            n_models: 1,
            batch_size: 256,
            seed: 0,
            dtype: DType::F32,
            representation_gradients: None,
        }
    }

    /// The network this spec builds.
    pub fn model_name(&self) -> String {
        self.model
            .clone()
            .unwrap_or_else(|| default_model(&self.problem).to_string())
    }
}

/// The names of the built-in neural problems.
pub const NEURAL_PROBLEMS: [&str; 5] = DATASET_NAMES;

/// The network a problem trains by default.
pub fn default_model(problem: &str) -> &'static str {
    match problem {
        "multi-mnist" => "multi-lenet",
        "adult" | "compas" | "credit" => "mlp-m1",
        _ => "shared-bottom",
    }
}

/// Whether `name` is a built-in neural problem.
pub fn is_neural_problem(name: &str) -> bool {
    NEURAL_PROBLEMS.contains(&name)
}

/// A built problem with what evaluating it needs.
pub struct NeuralSetup {
    /// The problem (a [`super::GradientSource`]).
    pub problem: NeuralProblem,
    /// The splits by name (`train`, `val` where there is one, `test`).
    pub splits: Vec<(String, Arc<dyn ExampleSet>)>,
    /// The network's name.
    pub model: String,
    /// The number of parameters of one model.
    pub n_parameters: usize,
    /// The data set's task names.
    pub tasks: Vec<String>,
    /// The objectives' names.
    pub objectives: Vec<String>,
}

impl std::fmt::Debug for NeuralSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NeuralSetup")
            .field("problem", &self.problem)
            .field("model", &self.model)
            .field("objectives", &self.objectives)
            .finish_non_exhaustive()
    }
}

/// Builds the neural problem `spec` describes.
///
/// Objectives: MultiMNIST the cross-entropy of each digit (accuracy as metric); the fairness
/// sets the binary cross-entropy of the label (accuracy) and LibMOON's relaxed DEO (the hard
/// DEO, the gap in true-positive rates at 0.5, as metric); `tabular` one loss per target.
///
/// # Errors
/// An unknown problem or network (the error lists the valid names), bad data, a bad network
/// configuration.
pub fn build_neural(spec: &NeuralSpec) -> Result<NeuralSetup> {
    let options = DatasetOptions {
        data: spec.data.clone(),
        preprocess: Preprocess::parse(&spec.preprocess).map_err(data_error)?,
        val_fraction: spec.val_fraction,
        seed: spec.seed,
        targets: spec.targets.clone(),
        losses: spec.losses.clone(),
    };
    let dataset = load_dataset(&spec.problem, &options).map_err(data_error)?;
    build_from_dataset(spec, dataset)
}

/// Builds the problem of `spec` on an already loaded data set.
///
/// # Errors
/// As [`build_neural`].
pub fn build_from_dataset(spec: &NeuralSpec, dataset: Dataset) -> Result<NeuralSetup> {
    let model = spec.model_name();
    let objectives = objectives_for(&dataset)?;
    let device = Device::Cpu;
    let mut rng = rand::rngs::StdRng::seed_from_u64(spec.seed);
    let network = build_network(
        &model,
        &spec.model_config,
        &dataset.input_shape,
        spec.n_models,
        spec.dtype,
        &device,
        &mut rng,
    )
    .map_err(|e| Error::Unsupported {
        problem: spec.problem.clone(),
        what: e.to_string(),
    })?;
    let network: Arc<dyn super::Network> = Arc::from(network);
    let n_parameters = network.n_parameters_per_model();
    let tasks = dataset.tasks.iter().map(|t| t.name.clone()).collect();
    let mut splits: Vec<(String, Arc<dyn ExampleSet>)> = Vec::new();
    let train: Arc<dyn ExampleSet> = Arc::new(dataset.train);
    splits.push(("train".into(), Arc::clone(&train)));
    if let Some(val) = dataset.val {
        if !val.is_empty() {
            splits.push(("val".into(), Arc::new(val)));
        }
    }
    splits.push(("test".into(), Arc::new(dataset.test)));
    let mut problem = NeuralProblem::new(
        dataset.name.clone(),
        network,
        train,
        objectives,
        spec.batch_size,
        spec.seed,
    )?;
    if let Some(on) = spec.representation_gradients {
        problem = problem.with_representation_gradients(on);
    }
    let objectives = problem.objective_names();
    Ok(NeuralSetup {
        problem,
        splits,
        model,
        n_parameters,
        tasks,
        objectives,
    })
}

fn data_error(error: super::data::DataError) -> Error {
    Error::Unsupported {
        problem: "data".into(),
        what: error.to_string(),
    }
}

/// The objectives of a data set's tasks (fairness sets: BCE and DEO of the one task).
fn objectives_for(dataset: &Dataset) -> Result<Vec<Box<dyn Objective>>> {
    let fairness = matches!(dataset.name.as_str(), "adult" | "compas" | "credit");
    if fairness {
        return Ok(vec![
            Box::new(TaskLoss {
                name: "bce".into(),
                output: 0,
                target: 0,
                kind: TaskKind::Binary,
            }),
            Box::new(Deo {
                output: 0,
                target: 0,
            }),
        ]);
    }
    Ok(dataset
        .tasks
        .iter()
        .enumerate()
        .map(|(t, task)| {
            Box::new(TaskLoss {
                name: task.name.clone(),
                output: t,
                target: t,
                kind: task.kind,
            }) as Box<dyn Objective>
        })
        .collect())
}

/// The loss of one task: cross-entropy (classes), BCE with logits (binary) or MSE
/// (regression) of head `output` against target `target`; accuracy as metric for the
/// classification kinds.
#[derive(Debug)]
struct TaskLoss {
    name: String,
    output: usize,
    target: usize,
    kind: TaskKind,
}

fn output(outputs: &[Tensor], index: usize) -> Result<&Tensor> {
    outputs.get(index).ok_or_else(|| Error::DimensionMismatch {
        what: "network outputs (one per task)".into(),
        expected: index + 1,
        got: outputs.len(),
    })
}

fn target(batch: &Batch, index: usize) -> Result<&Tensor> {
    batch
        .targets
        .get(index)
        .ok_or_else(|| Error::DimensionMismatch {
            what: "batch targets (one per task)".into(),
            expected: index + 1,
            got: batch.targets.len(),
        })
}

impl Objective for TaskLoss {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn loss(&self, outputs: &[Tensor], batch: &Batch) -> Result<Tensor> {
        let (out, y) = (output(outputs, self.output)?, target(batch, self.target)?);
        Ok(match self.kind {
            TaskKind::Classes(_) => losses::cross_entropy(out, y)?,
            TaskKind::Binary => losses::bce_with_logits(out, y)?,
            TaskKind::Regression => losses::mse(out, y)?,
        })
    }

    fn metric(&self, outputs: &[Tensor], batch: &Batch) -> Result<Option<(String, Vec<f64>)>> {
        match self.kind {
            TaskKind::Classes(_) | TaskKind::Binary => {
                let (out, y) = (output(outputs, self.output)?, target(batch, self.target)?);
                Ok(Some((
                    format!("accuracy.{}", self.name),
                    losses::accuracy(out, y)?,
                )))
            }
            TaskKind::Regression => Ok(None),
        }
    }
}

/// LibMOON's relaxed DEO of the one logit, with the hard DEO as its metric.
#[derive(Debug)]
struct Deo {
    output: usize,
    target: usize,
}

impl Deo {
    fn sensitive(batch: &Batch) -> Result<&Tensor> {
        batch.sensitive.as_ref().ok_or_else(|| Error::Unsupported {
            problem: "deo".into(),
            what: "the data has no sensitive attribute".into(),
        })
    }
}

impl Objective for Deo {
    fn name(&self) -> String {
        "deo".into()
    }

    fn loss(&self, outputs: &[Tensor], batch: &Batch) -> Result<Tensor> {
        let (out, y) = (output(outputs, self.output)?, target(batch, self.target)?);
        Ok(losses::deo(out, y, Self::sensitive(batch)?)?)
    }

    fn metric(&self, outputs: &[Tensor], batch: &Batch) -> Result<Option<(String, Vec<f64>)>> {
        let (out, y) = (output(outputs, self.output)?, target(batch, self.target)?);
        Ok(Some((
            "deo_hard".into(),
            losses::deo_hard(out, y, Self::sensitive(batch)?)?,
        )))
    }
}

impl ExampleSet for Split {
    fn len(&self) -> usize {
        self.len
    }

    fn batch(&self, indices: &[usize], dtype: DType, device: &Device) -> Result<Batch> {
        Split::batch(self, indices, dtype, device).map_err(data_error)
    }
}

/// LibMOON's ideal and nadir points of the neural problems' two losses (its
/// `util/constant.py`), which set the range of its preference rays.
pub fn libmoon_ideal_nadir(problem: &str) -> Option<([f64; 2], [f64; 2])> {
    match problem {
        "adult" => Some(([0.3, 0.01], [0.6, 0.12])),
        "compas" => Some(([0.04, 0.04], [0.52, 0.34])),
        "credit" => Some(([0.32, 0.002], [0.52, 0.016])),
        "multi-mnist" => Some(([0.2, 0.2], [0.36, 0.36])),
        _ => None,
    }
}

/// LibMOON's `get_mtl_prefs(problem, K)`: `K` rays with angles evenly spaced between
/// `atan2(ideal₁, nadir₀)` and `atan2(nadir₁, ideal₀)`, each `(cos θ, sin θ)` divided by its sum,
/// so the rays cover the data set's loss box; for a problem without LibMOON's points, angles
/// evenly spaced over `[0, π/2]` (its `obj_normalization` branch). Two objectives only.
pub fn mtl_preferences(problem: &str, k: usize) -> Matrix {
    let (start, end) = match libmoon_ideal_nadir(problem) {
        Some((ideal, nadir)) => (ideal[1].atan2(nadir[0]), nadir[1].atan2(ideal[0])),
        None => (0.0, std::f64::consts::FRAC_PI_2),
    };
    let mut out = Matrix::zeros(k, 2);
    for i in 0..k {
        let theta = if k == 1 {
            start
        } else {
            start + (end - start) * i as f64 / (k - 1) as f64
        };
        let (c, s) = (theta.cos(), theta.sin());
        out.set(i, 0, c / (c + s));
        out.set(i, 1, s / (c + s));
    }
    out
}
