//! Saving and loading trained models: the weights as safetensors plus a small JSON of the
//! configuration.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};
use tradeoff_problems::{Normalization, ProblemSpec};

use crate::error::{Error, Result};
use crate::model::{ModelConfig, ParetoSetModel, build_model};
use crate::train::TrainConfig;

/// File name of the weights inside a model directory.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// File name of the configuration inside a model directory.
pub const CONFIG_FILE: &str = "model.json";
/// Version of the JSON layout (`format`, kept for readers of the first files).
pub const FORMAT_VERSION: u32 = 1;
/// Schema version of `model.json` (`schema_version`, as in every record the tool writes).
pub const MODEL_SCHEMA_VERSION: u32 = 1;

/// Files written before `schema_version` existed are version 1.
fn first_schema_version() -> u32 {
    1
}

/// A [`ProblemSpec`] as stored in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemRecord {
    /// The registry name.
    pub name: String,
    /// `n_var`, when it was given.
    pub n_var: Option<usize>,
    /// `n_obj`, when it was given.
    pub n_obj: Option<usize>,
    /// The normalisation (`authors`, `libmoon`, `none`).
    pub normalize: String,
}

impl From<&ProblemSpec> for ProblemRecord {
    fn from(spec: &ProblemSpec) -> Self {
        Self {
            name: spec.name.clone(),
            n_var: spec.n_var,
            n_obj: spec.n_obj,
            normalize: spec.normalize.name().to_string(),
        }
    }
}

impl ProblemRecord {
    /// Back to a [`ProblemSpec`].
    pub fn to_spec(&self) -> Result<ProblemSpec> {
        let normalize = Normalization::ALL
            .into_iter()
            .find(|n| n.name() == self.normalize)
            .ok_or_else(|| {
                Error::BadCheckpoint(format!("unknown normalisation '{}'", self.normalize))
            })?;
        Ok(ProblemSpec {
            name: self.name.clone(),
            n_var: self.n_var,
            n_obj: self.n_obj,
            normalize,
        })
    }
}

/// The JSON stored next to the weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedConfig {
    /// Schema version ([`MODEL_SCHEMA_VERSION`]; 1 for files written without the field).
    #[serde(default = "first_schema_version")]
    pub schema_version: u32,
    /// Layout version ([`FORMAT_VERSION`]).
    pub format: u32,
    /// The model: family, sizes, output map, precision, initialisation and its seed.
    pub model: ModelConfig,
    /// The problem the model was trained on, with its normalisation.
    pub problem: ProblemRecord,
    /// The training settings (signal and its options, seed, iterations, …), when known.
    pub training: Option<TrainConfig>,
}

/// A model read back from disk.
#[derive(Debug)]
pub struct LoadedModel {
    /// The model, with the saved weights.
    pub model: Box<dyn ParetoSetModel>,
    /// Everything stored in the JSON.
    pub saved: SavedConfig,
}

impl LoadedModel {
    /// The problem specification the model was trained on.
    pub fn problem_spec(&self) -> Result<ProblemSpec> {
        self.saved.problem.to_spec()
    }
}

fn io_err(path: PathBuf) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { path, source }
}

/// Writes `dir/model.safetensors` (every variable under its name, in the model's precision)
/// and `dir/model.json` ([`SavedConfig`]), creating `dir` if needed.
pub fn save_model(
    dir: &Path,
    model: &dyn ParetoSetModel,
    problem: &ProblemSpec,
    training: Option<&TrainConfig>,
) -> Result<()> {
    fs::create_dir_all(dir).map_err(io_err(dir.to_path_buf()))?;
    let tensors: HashMap<String, Tensor> = model
        .var_names()
        .iter()
        .zip(model.vars())
        .map(|(name, var)| (name.clone(), var.as_tensor().clone()))
        .collect();
    // Each file is written under a temporary name and renamed, so a reader (or a crash) never
    // sees a half-written model and an existing model survives a failed save.
    let weights_tmp = dir.join(format!(".{WEIGHTS_FILE}.{}.tmp", std::process::id()));
    candle_core::safetensors::save(&tensors, &weights_tmp)?;
    let saved = SavedConfig {
        schema_version: MODEL_SCHEMA_VERSION,
        format: FORMAT_VERSION,
        model: model.config().clone(),
        problem: ProblemRecord::from(problem),
        training: training.cloned(),
    };
    let path = dir.join(CONFIG_FILE);
    let json = serde_json::to_string_pretty(&saved)?;
    let tmp = dir.join(format!(".{CONFIG_FILE}.{}.tmp", std::process::id()));
    fs::write(&tmp, json).map_err(io_err(tmp.clone()))?;
    // The safetensors writer creates its file private (0600); give the weights the mode every
    // other output gets (the process's default, e.g. 0644), taken from the JSON just written.
    let mode = fs::metadata(&tmp)
        .map_err(io_err(tmp.clone()))?
        .permissions();
    fs::set_permissions(&weights_tmp, mode).map_err(io_err(weights_tmp.clone()))?;
    let weights = dir.join(WEIGHTS_FILE);
    fs::rename(&weights_tmp, &weights).map_err(io_err(weights))?;
    fs::rename(&tmp, &path).map_err(io_err(path))?;
    Ok(())
}

/// Reads a model written by [`save_model`]: rebuilds it from the JSON, then overwrites every
/// variable with the saved tensor (names, shapes and dtypes must match), so a query gives the
/// same numbers as the model that was saved, bit for bit.
pub fn load_model(dir: &Path) -> Result<LoadedModel> {
    let path = dir.join(CONFIG_FILE);
    let text = fs::read_to_string(&path).map_err(io_err(path))?;
    let saved = parse_saved_config(&text)?;
    let model = build_model(&saved.model)?;
    let weights_path = dir.join(WEIGHTS_FILE);
    if !weights_path.exists() {
        return Err(Error::Io {
            path: weights_path,
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    }
    let tensors = candle_core::safetensors::load(&weights_path, &Device::Cpu)?;
    attach_weights(model, saved, &tensors)
}

/// [`load_model`] from the two files' contents (`model.json`'s text and
/// `model.safetensors`' bytes) instead of a directory: the same checks, the same model.
///
/// # Errors
/// As [`load_model`], less the file-system errors.
pub fn load_model_from_bytes(config: &str, weights: &[u8]) -> Result<LoadedModel> {
    let saved = parse_saved_config(config)?;
    let model = build_model(&saved.model)?;
    let tensors = candle_core::safetensors::load_buffer(weights, &Device::Cpu)?;
    attach_weights(model, saved, &tensors)
}

/// Parses `model.json` and checks its versions and the model's sizes
/// ([`ModelConfig::validate`]), before anything is allocated.
///
/// # Errors
/// [`Error::Json`] for text that does not parse, [`Error::BadCheckpoint`] for another schema
/// version or format, and every [`ModelConfig::validate`] error.
pub fn parse_saved_config(text: &str) -> Result<SavedConfig> {
    let saved: SavedConfig = serde_json::from_str(text)?;
    if saved.schema_version > MODEL_SCHEMA_VERSION {
        return Err(Error::BadCheckpoint(format!(
            "schema_version {} is newer than this version reads ({MODEL_SCHEMA_VERSION})",
            saved.schema_version
        )));
    }
    if saved.format != FORMAT_VERSION {
        return Err(Error::BadCheckpoint(format!(
            "format {} is not supported (this version reads {FORMAT_VERSION})",
            saved.format
        )));
    }
    saved.model.validate()?;
    Ok(saved)
}

/// Overwrites every variable of `model` with its saved tensor (names, shapes and dtypes must
/// match).
fn attach_weights(
    model: Box<dyn ParetoSetModel>,
    saved: SavedConfig,
    tensors: &HashMap<String, Tensor>,
) -> Result<LoadedModel> {
    if tensors.len() != model.vars().len() {
        return Err(Error::BadCheckpoint(format!(
            "{} tensors in the file, the model has {}",
            tensors.len(),
            model.vars().len()
        )));
    }
    for (name, var) in model.var_names().iter().zip(model.vars()) {
        let t = tensors
            .get(name)
            .ok_or_else(|| Error::BadCheckpoint(format!("tensor '{name}' is missing")))?;
        if t.dims() != var.dims() || t.dtype() != var.dtype() {
            return Err(Error::BadCheckpoint(format!(
                "tensor '{name}' is {:?} {:?}, the model expects {:?} {:?}",
                t.dtype(),
                t.dims(),
                var.dtype(),
                var.dims()
            )));
        }
        var.set(t)?;
    }
    Ok(LoadedModel { model, saved })
}
