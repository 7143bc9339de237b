//! Checkpoints on disk: a run's definition (JSON with a schema version) and its state
//! (safetensors), each written through a temporary file and a rename.
//!
//! A checkpoint directory holds
//! - `checkpoint.json`: `schema_version`, the [`RunDefinition`] (problem, method and options,
//!   preferences, optimiser, learning rate and schedule, seed, init, record and checkpoint
//!   cadence, planned total) and the iteration the state is at;
//! - `checkpoint.safetensors`: the tensors `x` (`K × n_var`), `counters` (iteration, Jacobian
//!   and objective evaluation counts), `optimizer.KEY` and `rule.KEY` (every array of the
//!   optimiser's and the rule's [`MethodState`], `F64` or `U64`), and the loop's history
//!   (`history.iteration`, `history.hypervolume`, `history.igd`, `history.objectives`).
//!
//! A corrupted or mismatched checkpoint is a [`CheckpointError`] whose one line names the file
//! and what is wrong (missing tensor, wrong shape or type, bad schema version, truncated file).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use serde::{Deserialize, Serialize};
use tradeoff_pareto::Matrix;

use super::config::{DriverConfig, Init};
use super::optimizer::{Adam, AdamMoments, Optimizer, Schedule};
use super::result::HistoryRecord;
use super::state::RunState;
use crate::error::Error;
use crate::method::state::MethodState;

/// The schema version this build writes and reads.
pub const CHECKPOINT_SCHEMA_VERSION: u32 = 1;
/// The definition's file name inside a checkpoint directory.
pub const CHECKPOINT_DEFINITION_FILE: &str = "checkpoint.json";
/// The state's file name inside a checkpoint directory.
pub const CHECKPOINT_STATE_FILE: &str = "checkpoint.safetensors";

/// A checkpoint that cannot be written or read: one line naming the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The file system refused.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// The file is there but its contents do not fit.
    #[error("{}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

fn invalid(path: &Path, reason: impl Into<String>) -> CheckpointError {
    CheckpointError::Invalid {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// The problem of a run, by name and the options that build it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemDefinition {
    /// The name as given (case-insensitive).
    pub name: String,
    /// The requested number of variables (`None`: the problem's own).
    pub n_var: Option<usize>,
    /// The requested number of objectives (`None`: the problem's own).
    pub n_obj: Option<usize>,
    /// The objective normalisation's name (`authors`, `libmoon`, `none`).
    pub normalize: String,
}

/// The optimiser of a run: a built-in update rule by name, its hyperparameters, the learning
/// rate and the schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizerDefinition {
    /// `sgd` or `adam` (a user's optimiser is written by name but cannot be rebuilt from it).
    pub name: String,
    /// The base learning rate.
    pub lr: f64,
    /// The hyperparameters other than the learning rate.
    pub hyperparameters: BTreeMap<String, f64>,
    /// The learning-rate schedule.
    pub schedule: Schedule,
    /// The weight decay (absent in files written before it existed: 0).
    #[serde(default)]
    pub weight_decay: f64,
    /// The per-point gradient-norm limit.
    #[serde(default)]
    pub clip_norm: Option<f64>,
}

impl OptimizerDefinition {
    /// The definition of `optimizer`.
    pub fn of(optimizer: &Optimizer) -> Self {
        Self {
            name: optimizer.name().to_string(),
            lr: optimizer.lr(),
            hyperparameters: optimizer
                .hyperparameters()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            schedule: *optimizer.schedule(),
            weight_decay: optimizer.weight_decay(),
            clip_norm: optimizer.clip_norm(),
        }
    }

    /// The optimiser again.
    ///
    /// # Errors
    /// [`Error::InvalidState`] for an optimiser that is not built in or a missing
    /// hyperparameter.
    pub fn build(&self) -> Result<Optimizer, Error> {
        let get = |key: &str| {
            self.hyperparameters
                .get(key)
                .copied()
                .ok_or_else(|| Error::InvalidState {
                    reason: format!("optimizer {} needs the hyperparameter '{key}'", self.name),
                })
        };
        let optimizer = match self.name.as_str() {
            "sgd" => Optimizer::sgd(self.lr),
            "adam" => Optimizer::new(
                Adam::new(AdamMoments {
                    beta1: get("beta1")?,
                    beta2: get("beta2")?,
                    eps: get("eps")?,
                }),
                self.lr,
            ),
            other => {
                return Err(Error::InvalidState {
                    reason: format!("optimizer '{other}' is not built in (sgd, adam)"),
                });
            }
        };
        Ok(optimizer
            .with_schedule(self.schedule)
            .with_weight_decay(self.weight_decay)
            .with_gradient_clipping(self.clip_norm))
    }
}

/// Where the points start, as written in a checkpoint ([`Init`] with the points as rows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InitDefinition {
    /// [`Init::UniformInBounds`].
    UniformInBounds {
        /// The generator's seed.
        seed: u64,
    },
    /// [`Init::Box`].
    Box {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
        /// The generator's seed.
        seed: u64,
    },
    /// [`Init::Given`].
    Given {
        /// The points, one row per preference.
        points: Vec<Vec<f64>>,
    },
}

impl InitDefinition {
    /// The definition of `init`.
    pub fn of(init: &Init) -> Self {
        match init {
            Init::UniformInBounds { seed } => Self::UniformInBounds { seed: *seed },
            Init::Box { lo, hi, seed } => Self::Box {
                lo: *lo,
                hi: *hi,
                seed: *seed,
            },
            Init::Given(x) => Self::Given { points: rows_of(x) },
        }
    }

    /// The [`Init`] again.
    ///
    /// # Errors
    /// Rows of unequal lengths.
    pub fn build(&self) -> Result<Init, Error> {
        Ok(match self {
            Self::UniformInBounds { seed } => Init::UniformInBounds { seed: *seed },
            Self::Box { lo, hi, seed } => Init::Box {
                lo: *lo,
                hi: *hi,
                seed: *seed,
            },
            Self::Given { points } => Init::Given(Matrix::from_rows(points)?),
        })
    }
}

/// Everything that defines a run, as a checkpoint stores it: a resumed run takes all of it from
/// here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunDefinition {
    /// The problem.
    pub problem: ProblemDefinition,
    /// The method's name.
    pub method: String,
    /// The method's options, `key=value`, as the rule was built (options the caller filled in,
    /// such as ParetoMTL's `iters`, included).
    pub method_options: Vec<String>,
    /// The preferences, one row each (`K × n_obj`).
    pub preferences: Vec<Vec<f64>>,
    /// The optimiser, learning rate and schedule.
    pub optimizer: OptimizerDefinition,
    /// The run's seed (start points, preference sets, randomized methods).
    pub seed: u64,
    /// The start points.
    pub init: InitDefinition,
    /// The planned total number of steps ([`DriverConfig::max_iters`]).
    pub total_iters: usize,
    /// The step-norm tolerance ([`DriverConfig::tolerance`]).
    pub tolerance: f64,
    /// Indicator recording cadence ([`DriverConfig::record_every`]).
    pub record_every: usize,
    /// Checkpoint cadence (`None`: only at the end or when stopped).
    pub checkpoint_every: Option<usize>,
    /// Hypervolume reference point (`None`: the problem's).
    pub reference_point: Option<Vec<f64>>,
    /// Points of the true front sampled for IGD ([`DriverConfig::front_points`]).
    pub front_points: usize,
    /// Whether history records keep the objectives.
    pub record_objectives: bool,
    /// The caller's own fields (the CLI keeps its record's inputs here).
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl RunDefinition {
    /// The preferences as a matrix.
    ///
    /// # Errors
    /// Rows of unequal lengths.
    pub fn preference_matrix(&self) -> Result<Matrix, Error> {
        Ok(Matrix::from_rows(&self.preferences)?)
    }

    /// The driver configuration this definition describes (validated).
    ///
    /// # Errors
    /// An optimiser that is not built in, and every [`DriverConfig::validate`] error.
    pub fn driver_config(&self) -> Result<DriverConfig, Error> {
        let config = DriverConfig {
            max_iters: self.total_iters,
            optimizer: self.optimizer.build()?,
            tolerance: self.tolerance,
            record_every: self.record_every,
            record_objectives: self.record_objectives,
            reference_point: self.reference_point.clone(),
            front_points: self.front_points,
            init: self.init.build()?,
        };
        config.validate()?;
        Ok(config)
    }
}

/// The rows of `m` as vectors.
pub(crate) fn rows_of(m: &Matrix) -> Vec<Vec<f64>> {
    m.rows().map(<[f64]>::to_vec).collect()
}

/// A run's definition and its state: what `tradeoff solve --checkpoint-every` writes and
/// `--resume` reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// What the run is.
    pub definition: RunDefinition,
    /// Where it is.
    pub state: RunState,
}

/// The JSON file's contents.
#[derive(Serialize, Deserialize)]
struct DefinitionFile {
    schema_version: u32,
    /// The iteration the state file is at (the two files must agree).
    iteration: usize,
    /// `[K, n_var]` of the iterate.
    x_shape: [usize; 2],
    definition: RunDefinition,
}

/// `[...]` of a shape for messages.
fn shape_text(shape: &[usize]) -> String {
    format!("{shape:?}")
}

impl Checkpoint {
    /// Writes both files into `dir` (created if missing), each through a temporary file and a
    /// rename, the state first.
    ///
    /// # Errors
    /// [`CheckpointError::Io`] when a file cannot be written; [`CheckpointError::Invalid`] for
    /// a state key held both as floats and as integers.
    pub fn save(&self, dir: &Path) -> Result<(), CheckpointError> {
        std::fs::create_dir_all(dir).map_err(|source| CheckpointError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let state_path = dir.join(CHECKPOINT_STATE_FILE);
        let bytes = self.state_bytes(&state_path)?;
        write_atomic(&state_path, &bytes)?;
        let file = DefinitionFile {
            schema_version: CHECKPOINT_SCHEMA_VERSION,
            iteration: self.state.iteration,
            x_shape: [self.state.x.n_rows(), self.state.x.n_cols()],
            definition: self.definition.clone(),
        };
        let definition_path = dir.join(CHECKPOINT_DEFINITION_FILE);
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| invalid(&definition_path, format!("cannot encode: {e}")))?;
        write_atomic(&definition_path, &json)
    }

    fn state_bytes(&self, path: &Path) -> Result<Vec<u8>, CheckpointError> {
        let state = &self.state;
        // Owned little-endian buffers first, views over them second.
        let mut buffers: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
        let mut put_f64 = |name: String, shape: Vec<usize>, values: &[f64]| {
            let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            buffers.push((name, Dtype::F64, shape, bytes));
        };
        put_f64(
            "x".into(),
            vec![state.x.n_rows(), state.x.n_cols()],
            state.x.as_slice(),
        );
        let history = &state.history;
        put_f64(
            "history.hypervolume".into(),
            vec![history.len()],
            &history.iter().map(|r| r.hypervolume).collect::<Vec<_>>(),
        );
        if history.iter().any(|r| r.igd.is_some()) {
            let igd: Vec<f64> = history.iter().map(|r| r.igd.unwrap_or(f64::NAN)).collect();
            put_f64("history.igd".into(), vec![history.len()], &igd);
        }
        if !history.is_empty() && history.iter().all(|r| r.objectives.is_some()) {
            let objectives: Vec<f64> = history
                .iter()
                .filter_map(|r| r.objectives.as_ref())
                .flat_map(|o| o.as_slice().iter().copied())
                .collect();
            let (k, m) = history[0].objectives.as_ref().map_or((0, 0), Matrix::shape);
            put_f64(
                "history.objectives".into(),
                vec![history.len(), k, m],
                &objectives,
            );
        }
        for (prefix, method) in [("optimizer", &state.optimizer), ("rule", &state.rule)] {
            for (key, values) in &method.floats {
                if method.integers.contains_key(key) {
                    return Err(invalid(
                        path,
                        format!("{prefix} state key '{key}' is held both as floats and integers"),
                    ));
                }
                put_f64(format!("{prefix}.{key}"), vec![values.len()], values);
            }
        }
        let mut put_u64 = |name: String, values: &[u64]| {
            let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            buffers.push((name, Dtype::U64, vec![values.len()], bytes));
        };
        put_u64(
            "counters".into(),
            &[
                state.iteration as u64,
                state.n_jacobian_evaluations as u64,
                state.n_evaluations as u64,
            ],
        );
        put_u64(
            "history.iteration".into(),
            &history
                .iter()
                .map(|r| r.iteration as u64)
                .collect::<Vec<_>>(),
        );
        for (prefix, method) in [("optimizer", &state.optimizer), ("rule", &state.rule)] {
            for (key, values) in &method.integers {
                put_u64(format!("{prefix}.{key}"), values);
            }
        }
        let views = buffers
            .iter()
            .map(|(name, dtype, shape, bytes)| {
                TensorView::new(*dtype, shape.clone(), bytes)
                    .map(|view| (name.clone(), view))
                    .map_err(|e| invalid(path, format!("tensor '{name}': {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let metadata = HashMap::from([(
            "schema_version".to_string(),
            CHECKPOINT_SCHEMA_VERSION.to_string(),
        )]);
        safetensors::serialize(views, Some(metadata))
            .map_err(|e| invalid(path, format!("cannot encode: {e}")))
    }

    /// Reads the checkpoint in `dir`.
    ///
    /// # Errors
    /// A [`CheckpointError`] naming the file and what is wrong: a missing file, a file that
    /// does not parse (corrupted or truncated), another schema version, a missing tensor, a
    /// tensor of the wrong type or shape, or two files that disagree on the iteration.
    pub fn load(dir: &Path) -> Result<Self, CheckpointError> {
        let definition_path = dir.join(CHECKPOINT_DEFINITION_FILE);
        let text = std::fs::read(&definition_path).map_err(|source| CheckpointError::Io {
            path: definition_path.clone(),
            source,
        })?;
        let file = parse_definition(&definition_path, &text)?;
        let state_path = dir.join(CHECKPOINT_STATE_FILE);
        let bytes = std::fs::read(&state_path).map_err(|source| CheckpointError::Io {
            path: state_path.clone(),
            source,
        })?;
        file.with_state(&state_path, &bytes)
    }

    /// [`Checkpoint::load`] from the two files' contents: `checkpoint.json`'s bytes and
    /// `checkpoint.safetensors`' bytes. The paths only name the files in errors.
    ///
    /// # Errors
    /// As [`Checkpoint::load`], less the file-system errors.
    pub fn from_bytes(
        definition_path: &Path,
        definition: &[u8],
        state_path: &Path,
        state: &[u8],
    ) -> Result<Self, CheckpointError> {
        parse_definition(definition_path, definition)?.with_state(state_path, state)
    }
}

/// Parses `checkpoint.json` (schema version first, then the whole file).
fn parse_definition(
    definition_path: &Path,
    text: &[u8],
) -> Result<DefinitionFile, CheckpointError> {
    let version: serde_json::Value = serde_json::from_slice(text).map_err(|e| {
        invalid(
            definition_path,
            format!("not valid JSON (corrupted or truncated?): {e}"),
        )
    })?;
    match version
        .get("schema_version")
        .and_then(serde_json::Value::as_u64)
    {
        Some(v) if v == u64::from(CHECKPOINT_SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(invalid(
                definition_path,
                format!("schema version {v}, this build reads version {CHECKPOINT_SCHEMA_VERSION}"),
            ));
        }
        None => {
            return Err(invalid(definition_path, "no schema_version"));
        }
    }
    let file: DefinitionFile = serde_json::from_value(version)
        .map_err(|e| invalid(definition_path, format!("bad run definition: {e}")))?;
    // A cadence of 0 would divide by zero in a checkpoint writer.
    if file.definition.checkpoint_every == Some(0) {
        return Err(invalid(
            definition_path,
            "bad run definition: checkpoint_every is 0 (it must be at least 1, or null)",
        ));
    }
    Ok(file)
}

impl DefinitionFile {
    /// The checkpoint this definition and the state file's bytes make.
    fn with_state(self, state_path: &Path, bytes: &[u8]) -> Result<Checkpoint, CheckpointError> {
        let file = self;
        let tensors = SafeTensors::deserialize(bytes).map_err(|e| {
            invalid(
                state_path,
                format!("not a safetensors file (corrupted or truncated?): {e:?}"),
            )
        })?;
        let reader = Reader {
            path: state_path,
            tensors: &tensors,
        };
        let [k, n] = file.x_shape;
        let x = Matrix::from_vec(k, n, reader.f64s("x", &[k, n])?)
            .map_err(|e| invalid(state_path, format!("tensor 'x': {e}")))?;
        let counters = reader.u64s("counters", &[3])?;
        let to_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        let iteration = to_usize(counters[0]);
        if iteration != file.iteration {
            return Err(invalid(
                state_path,
                format!(
                    "the state is at iteration {iteration} but {CHECKPOINT_DEFINITION_FILE} says {} (files from two different saves)",
                    file.iteration
                ),
            ));
        }
        let iterations = reader.u64s("history.iteration", &[])?;
        let r = iterations.len();
        let hypervolume = reader.f64s("history.hypervolume", &[r])?;
        let igd = if reader.has("history.igd") {
            Some(reader.f64s("history.igd", &[r])?)
        } else {
            None
        };
        let objectives = if reader.has("history.objectives") {
            let shape = reader.shape("history.objectives")?;
            if shape.len() != 3 || shape[0] != r {
                return Err(invalid(
                    state_path,
                    format!(
                        "tensor 'history.objectives' has shape {}, expected [{r}, K, n_obj]",
                        shape_text(&shape)
                    ),
                ));
            }
            Some((
                reader.f64s("history.objectives", &shape)?,
                shape[1],
                shape[2],
            ))
        } else {
            None
        };
        let mut history = Vec::with_capacity(r);
        for (i, &it) in iterations.iter().enumerate() {
            let objectives = match &objectives {
                Some((values, k, m)) => Some(
                    Matrix::from_vec(*k, *m, values[i * k * m..(i + 1) * k * m].to_vec())
                        .map_err(|e| invalid(state_path, format!("history.objectives: {e}")))?,
                ),
                None => None,
            };
            history.push(HistoryRecord {
                iteration: to_usize(it),
                hypervolume: hypervolume[i],
                igd: igd.as_ref().map(|v| v[i]).filter(|v| !v.is_nan()),
                objectives,
            });
        }
        let state = RunState {
            x,
            optimizer: reader.method_state("optimizer")?,
            rule: reader.method_state("rule")?,
            iteration,
            n_jacobian_evaluations: to_usize(counters[1]),
            n_evaluations: to_usize(counters[2]),
            history,
        };
        Ok(Checkpoint {
            definition: file.definition,
            state,
        })
    }
}

/// Typed reads from a safetensors file, with one-line errors.
struct Reader<'a> {
    path: &'a Path,
    tensors: &'a SafeTensors<'a>,
}

impl Reader<'_> {
    fn has(&self, name: &str) -> bool {
        self.tensors.names().contains(&name)
    }

    fn view(&self, name: &str, dtype: Dtype) -> Result<TensorView<'_>, CheckpointError> {
        let view = self
            .tensors
            .tensor(name)
            .map_err(|_| invalid(self.path, format!("missing tensor '{name}'")))?;
        if view.dtype() != dtype {
            return Err(invalid(
                self.path,
                format!(
                    "tensor '{name}' has type {:?}, expected {dtype:?}",
                    view.dtype()
                ),
            ));
        }
        Ok(view)
    }

    fn shape(&self, name: &str) -> Result<Vec<usize>, CheckpointError> {
        Ok(self.view(name, Dtype::F64)?.shape().to_vec())
    }

    /// `expected` empty: any 1-D shape.
    fn check_shape(
        &self,
        name: &str,
        view: &TensorView<'_>,
        expected: &[usize],
    ) -> Result<(), CheckpointError> {
        let ok = if expected.is_empty() {
            view.shape().len() == 1
        } else {
            view.shape() == expected
        };
        if ok {
            Ok(())
        } else {
            Err(invalid(
                self.path,
                format!(
                    "tensor '{name}' has shape {}, expected {}",
                    shape_text(view.shape()),
                    if expected.is_empty() {
                        "one dimension".to_string()
                    } else {
                        shape_text(expected)
                    }
                ),
            ))
        }
    }

    fn f64s(&self, name: &str, expected: &[usize]) -> Result<Vec<f64>, CheckpointError> {
        let view = self.view(name, Dtype::F64)?;
        self.check_shape(name, &view, expected)?;
        Ok(view
            .data()
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8-byte chunk")))
            .collect())
    }

    fn u64s(&self, name: &str, expected: &[usize]) -> Result<Vec<u64>, CheckpointError> {
        let view = self.view(name, Dtype::U64)?;
        self.check_shape(name, &view, expected)?;
        Ok(view
            .data()
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8-byte chunk")))
            .collect())
    }

    /// Every tensor under `prefix.`, as a method state.
    fn method_state(&self, prefix: &str) -> Result<MethodState, CheckpointError> {
        let mut state = MethodState::new();
        let p = format!("{prefix}.");
        for (name, view) in self.tensors.iter() {
            let Some(key) = name.strip_prefix(&p) else {
                continue;
            };
            match view.dtype() {
                Dtype::F64 => state.put_floats(key, &self.f64s(name, &[])?),
                Dtype::U64 => state.put_integers(key, &self.u64s(name, &[])?),
                other => {
                    return Err(invalid(
                        self.path,
                        format!("tensor '{name}' has type {other:?}, expected F64 or U64"),
                    ));
                }
            }
        }
        Ok(state)
    }
}

/// Writes `bytes` to `path` through `path.tmp` and a rename, so a reader never sees half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let io = |source| CheckpointError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
