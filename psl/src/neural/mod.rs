//! Pareto-set learning over neural networks: a generator maps each preference to the
//! parameters of the problem's network (MultiLeNet, the fairness MLPs, shared-bottom), trained
//! once over the simplex on data minibatches, then queried, evaluated and exported per
//! preference.

mod generator;
mod train;

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use tradeoff_pareto::{Matrix, hypervolume};
use tradeoff_problems::neural::{Evaluator, ExampleSet, Network};

pub use generator::{
    DEFAULT_RANK, NeuralGenerator, NeuralModelConfig, NeuralModelKind, PHN_DEPTH, PHN_WIDTH,
    TargetParameter, target_parameters,
};
pub use train::{
    NEURAL_CHECKPOINT_TENSORS, NeuralGradient, NeuralTrainConfig, NeuralTrainer, PreferenceDraw,
};

use crate::error::{Error, Result};

/// What the networks of a set of preferences achieve on one split.
#[derive(Clone, Debug, PartialEq)]
pub struct RayEvaluation {
    /// Mean loss per objective, one row per preference.
    pub losses: Matrix,
    /// Per metric (accuracy of each classification task, the hard DEO): its name and one value
    /// per preference.
    pub metrics: Vec<(String, Vec<f64>)>,
    /// Hypervolume of the loss rows with respect to the reference point.
    pub hypervolume: f64,
}

/// Evaluates the network of each preference (row of `prefs`) on `set`: the generator's
/// parameters for that preference alone ([`NeuralGenerator::parameters_for`]) are loaded into
/// the evaluator's one-model network and measured as a plain network, so a query or an exported
/// network at the same preference gives the same numbers bit for bit.
///
/// # Errors
/// An evaluator whose network does not hold one model of the generator's target, and candle's
/// errors.
pub fn evaluate_rays(
    generator: &NeuralGenerator,
    evaluator: &Evaluator,
    set: &dyn ExampleSet,
    prefs: &Matrix,
    reference: &[f64],
) -> Result<RayEvaluation> {
    let rows = prefs.n_rows();
    let mut losses: Option<Matrix> = None;
    let mut metrics: Vec<(String, Vec<f64>)> = Vec::new();
    for r in 0..rows {
        let pref = Matrix::from_vec(1, prefs.n_cols(), prefs.row(r).to_vec())?;
        let x = generator.parameters_for(&pref)?;
        let evaluation = evaluator.evaluate(&x, set)?;
        let m = evaluation.losses.n_cols();
        let out = losses.get_or_insert_with(|| Matrix::zeros(rows, m));
        out.row_mut(r).copy_from_slice(evaluation.losses.row(0));
        for (i, (name, values)) in evaluation.metrics.into_iter().enumerate() {
            if metrics.len() <= i {
                metrics.push((name, vec![0.0; rows]));
            }
            metrics[i].1[r] = values[0];
        }
    }
    let losses = losses.ok_or(Error::DimensionMismatch {
        what: "evaluation preferences",
        expected: 1,
        got: 0,
    })?;
    let hypervolume = hypervolume(&losses, reference)?;
    Ok(RayEvaluation {
        losses,
        metrics,
        hypervolume,
    })
}

/// Writes the generator's variables to `path` (safetensors, keyed by
/// [`NeuralGenerator::var_names`]).
///
/// # Errors
/// File and candle errors.
pub fn save_generator(generator: &NeuralGenerator, path: &Path) -> Result<()> {
    let tensors: HashMap<String, Tensor> = generator
        .var_names()
        .iter()
        .cloned()
        .zip(generator.vars().iter().map(|v| v.as_tensor().clone()))
        .collect();
    candle_core::safetensors::save(&tensors, path)?;
    Ok(())
}

/// Reads the generator's variables from `path` (written by [`save_generator`]).
///
/// # Errors
/// A missing tensor or one of another shape or dtype.
pub fn load_generator(generator: &NeuralGenerator, path: &Path) -> Result<()> {
    let tensors = candle_core::safetensors::load(path, &Device::Cpu)?;
    for (name, var) in generator.var_names().iter().zip(generator.vars()) {
        let t = tensors
            .get(name)
            .ok_or_else(|| Error::BadCheckpoint(format!("no tensor '{name}'")))?;
        if t.dims() != var.dims() || t.dtype() != var.dtype() {
            return Err(Error::BadCheckpoint(format!(
                "'{name}' has shape {:?} ({:?}), the model's is {:?} ({:?})",
                t.dims(),
                t.dtype(),
                var.dims(),
                var.dtype()
            )));
        }
        var.set(t)?;
    }
    Ok(())
}

/// Writes the network of preference `pref` as a plain model of the problem: one tensor per
/// entry of [`Network::parameters`], under the network's names and with its shapes for one
/// model (`[1, ...]`), in the network's dtype. [`load_network`] reads it back.
///
/// # Errors
/// File and candle errors.
pub fn export_network(generator: &NeuralGenerator, pref: &[f64], path: &Path) -> Result<()> {
    let x = generator.parameters_for(&Matrix::from_vec(1, pref.len(), pref.to_vec())?)?;
    let dtype = generator.config().precision.dtype();
    let mut tensors = HashMap::new();
    let mut offset = 0;
    for t in generator.target() {
        let n = t.numel();
        let mut shape = vec![1];
        shape.extend_from_slice(&t.shape);
        let values = Tensor::from_slice(&x.row(0)[offset..offset + n], shape, &Device::Cpu)?
            .to_dtype(dtype)?;
        tensors.insert(t.name.clone(), values);
        offset += n;
    }
    candle_core::safetensors::save(&tensors, path)?;
    Ok(())
}

/// Loads parameters written by [`export_network`] into a one-model `network` of the same
/// architecture.
///
/// # Errors
/// A missing tensor or one of another shape.
pub fn load_network(network: &dyn Network, path: &Path) -> Result<()> {
    let tensors = candle_core::safetensors::load(path, &Device::Cpu)?;
    for p in network.parameters() {
        let t = tensors
            .get(&p.name)
            .ok_or_else(|| Error::BadCheckpoint(format!("no tensor '{}'", p.name)))?;
        if t.dims() != p.var.dims() {
            return Err(Error::BadCheckpoint(format!(
                "'{}' has shape {:?}, the network's is {:?}",
                p.name,
                t.dims(),
                p.var.dims()
            )));
        }
        p.var
            .set(&t.to_dtype(p.var.dtype())?.to_device(network.device())?)?;
    }
    Ok(())
}

/// The parameters of a one-model network as a `1 × P` matrix (for an [`Evaluator`]).
///
/// # Errors
/// candle's errors.
pub fn network_parameters(network: &dyn Network) -> Result<Matrix> {
    let mut values = Vec::new();
    for p in network.parameters() {
        values.extend(
            p.var
                .as_tensor()
                .flatten_all()?
                .to_dtype(DType::F64)?
                .to_vec1::<f64>()?,
        );
    }
    let n = values.len();
    Ok(Matrix::from_vec(1, n, values)?)
}
