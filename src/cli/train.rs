//! `tradeoff train`: neural multi-task and fairness training with any method of the table —
//! one model (`--mode mtl`) or K models for K preferences trained as one batched computation
//! (`--mode set`) — with per-epoch evaluation, checkpoints and bit-for-bit resume.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tradeoff_pareto::{Matrix, hypervolume};
use tradeoff_problems::GradientSource;
use tradeoff_problems::neural::ExampleSet;
use tradeoff_problems::neural::registry::{
    NEURAL_PROBLEMS, NeuralSetup, NeuralSpec, build_neural, mtl_preferences,
};
use tradeoff_solvers::{
    Checkpoint, Control, DriverConfig, EpochEvaluator, EpochRecord, Init, InitDefinition,
    IterationView, Observer, Optimizer, OptimizerDefinition, ProblemDefinition, RunDefinition,
    RunStart, Runner, Schedule, SolveResult, SplitRecord, StopAfter,
};

use super::flags::{LrArgs, SetArgs, options_of};
use super::io::{prepare_out_dir, print_json, write_atomic};
use super::solve::CheckpointWriter;

/// The record format of `train`'s result.json and history.json.
pub const TRAIN_SCHEMA_VERSION: u32 = 1;
/// Epochs when `--epochs` is not given: enough for the defaults to show learning (MultiMNIST
/// with `--method mean` reaches about 0.7 test accuracy) in well under a minute per epoch.
pub const DEFAULT_EPOCHS: usize = 3;
/// Minibatch size when `--batch` is not given.
pub const DEFAULT_BATCH: usize = 256;
/// Learning rate of `train` (Adam on the network's weights).
pub const DEFAULT_TRAIN_LR: f64 = 1e-3;
/// Models of `--mode set` when `--prefs` is not given (LibMOON's Table B).
pub const DEFAULT_SET_PREFS: usize = 10;

/// One model, or one model per preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// One multi-task model trained with the method (its preference: equal weights).
    Mtl,
    /// K models for K preferences (LibMOON's rays), trained as one batched computation.
    Set,
}

/// What Gramian-based methods read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JacobianKind {
    /// The per-task gradients with respect to the shared representation (LibMTL's `rep_grad`,
    /// MGDA-UB), where the network has task heads; else the full Jacobian.
    Representation,
    /// The full per-parameter Jacobian (m backward passes).
    Full,
}

/// `tradeoff train` flags.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The neural problem: multi-mnist, adult, compas, credit, tabular.
    #[arg(long)]
    pub problem: Option<String>,
    /// A data file (or folder) instead of the embedded data: MNIST IDX files for multi-mnist, a
    /// CSV with the same columns for the fairness sets, the user's CSV for `tabular`.
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// Fairness preprocessing: `clean` (default: scaler fitted on the training split, numeric
    /// columns only, no leaking columns) or `libmoon` (LibMOON's, to compare with its tables).
    #[arg(long, value_name = "clean|libmoon")]
    pub preprocess: Option<String>,
    /// Validation share taken from the training data (multi-mnist: none by default).
    #[arg(long, value_name = "F")]
    pub val_fraction: Option<f64>,
    /// `tabular`: the target columns, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "Y1,Y2,..")]
    pub targets: Vec<String>,
    /// `tabular`: one loss per target (bce, mse, ce), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "L1,L2,..")]
    pub losses: Vec<String>,
    /// The network (default: the problem's own: multi-lenet, mlp-m1, shared-bottom).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// The network's options as a JSON object (e.g. '{"hidden":[64,64]}').
    #[arg(long, value_name = "JSON")]
    pub model_config: Option<String>,
    /// `mtl` (one model, default) or `set` (one model per preference).
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// The method (see `tradeoff list solvers`) [default: mean].
    #[arg(long, value_name = "M")]
    pub method: Option<String>,
    #[command(flatten)]
    pub set: SetArgs,
    /// `--mode mtl`: the model's preference (non-negative weights, one per objective, scaled to
    /// sum 1) [default: equal weights]. With `--method ls`, `--pref 1,0` trains the first task
    /// alone (a single-task baseline).
    #[arg(long = "pref", value_delimiter = ',', value_name = "W1,W2,..")]
    pub preference: Option<Vec<f64>>,
    /// `--mode set`: the number of models K (LibMOON's preference rays) [default: 10].
    #[arg(long, value_name = "K")]
    pub prefs: Option<usize>,
    /// Passes over the training data [default: 3].
    #[arg(long, value_name = "E")]
    pub epochs: Option<usize>,
    /// Minibatch size [default: 256].
    #[arg(long, value_name = "B")]
    pub batch: Option<usize>,
    #[command(flatten)]
    pub lr: LrArgs,
    /// `adam` (default, PyTorch's defaults, no weight decay) or `sgd`.
    #[arg(long, value_name = "adam|sgd")]
    pub optimizer: Option<String>,
    /// Learning-rate schedule: constant (default), cosine (to 0.1 × lr, with --warmup steps), step
    /// (× 0.1 every third of the run).
    #[arg(long, value_name = "constant|cosine|step")]
    pub schedule: Option<String>,
    /// Linear warm-up steps of the cosine schedule [default: 0].
    #[arg(long, value_name = "STEPS")]
    pub warmup: Option<usize>,
    /// Weight decay (coupled L2, as torch.optim.Adam's) [default: 0].
    #[arg(long, value_name = "X")]
    pub weight_decay: Option<f64>,
    /// Clip each model's update direction to this Euclidean norm.
    #[arg(long, value_name = "X")]
    pub clip_norm: Option<f64>,
    /// Seed of the initialisation, the minibatch order, the clean split and randomised methods.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// End after E1 epochs in total, with a checkpoint (continue with `train --resume DIR`).
    #[arg(long, value_name = "E1")]
    pub stop_after: Option<usize>,
    /// Write a checkpoint every N epochs [default: 1].
    #[arg(long, value_name = "N")]
    pub checkpoint_every: Option<usize>,
    /// Evaluate the splits every N epochs (and after the last) [default: 1].
    #[arg(long, value_name = "N")]
    pub eval_every: Option<usize>,
    /// Stop after N evaluations without a better validation loss (needs a validation split).
    #[arg(long, value_name = "N")]
    pub patience: Option<usize>,
    /// Hypervolume reference point [default: 1 per objective, as LibMOON's tables].
    #[arg(
        long = "ref",
        value_delimiter = ',',
        value_name = "R1,R2,..",
        allow_hyphen_values = true
    )]
    pub reference: Option<Vec<f64>>,
    /// What Gramian-based methods read: `representation` (default where the network has task
    /// heads) or `full`.
    #[arg(long, value_enum)]
    pub jacobian: Option<JacobianKind>,
    /// `f32` (default) or `f64`.
    #[arg(long, value_name = "f32|f64")]
    pub dtype: Option<String>,
    /// Output directory (new or empty): result.json, history.json, checkpoints, pictures
    /// [default: a new `runs/<problem>-<method>` directory; none with `--json`].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the result record as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Continue the run saved in DIR to its planned epochs (everything else from its checkpoint).
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
}

/// Everything that defines a training run: stored in the checkpoint, so a resumed run is the
/// same run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainDefinition {
    /// The neural problem.
    pub problem: String,
    /// The data path, if not the embedded data.
    pub data: Option<PathBuf>,
    /// The fairness preprocessing.
    pub preprocess: String,
    /// The validation share.
    pub val_fraction: Option<f64>,
    /// `tabular` targets.
    pub targets: Vec<String>,
    /// `tabular` losses.
    pub losses: Vec<String>,
    /// The network.
    pub model: String,
    /// The network's options.
    pub model_config: Value,
    /// One model or a set.
    pub mode: Mode,
    /// The method.
    pub method: String,
    /// The method's options as given.
    pub options: Vec<String>,
    /// `--mode mtl`: the model's preference (sums to 1); equal weights when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preference: Option<Vec<f64>>,
    /// Number of models.
    pub n_models: usize,
    /// Planned epochs.
    pub epochs: usize,
    /// Minibatch size.
    pub batch: usize,
    /// Base learning rate.
    pub lr: f64,
    /// `adam` or `sgd`.
    pub optimizer: String,
    /// The schedule's name.
    pub schedule: String,
    /// Warm-up steps.
    pub warmup: usize,
    /// Weight decay.
    pub weight_decay: f64,
    /// Gradient-norm clipping.
    pub clip_norm: Option<f64>,
    /// The seed.
    pub seed: u64,
    /// Checkpoint cadence in epochs.
    pub checkpoint_every: usize,
    /// Evaluation cadence in epochs.
    pub eval_every: usize,
    /// Early-stopping patience.
    pub patience: Option<usize>,
    /// Hypervolume reference point.
    pub reference: Vec<f64>,
    /// What Gramian-based methods read.
    pub jacobian: Option<JacobianKind>,
    /// `f32` or `f64`.
    pub dtype: String,
}

impl TrainDefinition {
    fn spec(&self) -> Result<NeuralSpec> {
        let mut spec = NeuralSpec::new(self.problem.clone());
        spec.data.clone_from(&self.data);
        spec.preprocess.clone_from(&self.preprocess);
        spec.val_fraction = self.val_fraction;
        spec.targets.clone_from(&self.targets);
        spec.losses.clone_from(&self.losses);
        spec.model = Some(self.model.clone());
        spec.model_config = self.model_config.clone();
        spec.n_models = self.n_models;
        spec.batch_size = self.batch;
        spec.seed = self.seed;
        spec.dtype = match self.dtype.as_str() {
            "f32" => tradeoff::candle::DType::F32,
            "f64" => tradeoff::candle::DType::F64,
            other => bail!("--dtype '{other}' is not one of f32, f64"),
        };
        spec.representation_gradients = self.jacobian.map(|j| j == JacobianKind::Representation);
        Ok(spec)
    }

    fn optimizer(&self, total: usize) -> Result<Optimizer> {
        let optimizer = match self.optimizer.as_str() {
            "adam" => Optimizer::adam(self.lr),
            "sgd" => Optimizer::sgd(self.lr),
            other => bail!("--optimizer '{other}' is not one of adam, sgd"),
        };
        let schedule = match self.schedule.as_str() {
            "constant" => Schedule::Constant,
            "cosine" => Schedule::Cosine {
                warmup: self.warmup,
                min_factor: 0.1,
            },
            "step" => Schedule::Step {
                every: (total / 3).max(1),
                gamma: 0.1,
            },
            other => bail!("--schedule '{other}' is not one of constant, cosine, step"),
        };
        let optimizer = optimizer
            .with_schedule(schedule)
            .with_weight_decay(self.weight_decay)
            .with_gradient_clipping(self.clip_norm);
        optimizer.validate().map_err(anyhow::Error::msg)?;
        Ok(optimizer)
    }

    fn preferences(&self, n_obj: usize) -> Result<Matrix> {
        match self.mode {
            Mode::Mtl => match &self.preference {
                Some(w) if w.len() != n_obj => bail!(
                    "--pref has {} weights but {} has {n_obj} objectives",
                    w.len(),
                    self.problem
                ),
                Some(w) => Ok(Matrix::from_vec(1, n_obj, w.clone())?),
                None => Ok(Matrix::from_vec(1, n_obj, vec![1.0 / n_obj as f64; n_obj])?),
            },
            Mode::Set => {
                if n_obj != 2 {
                    bail!(
                        "--mode set: LibMOON's preference rays need 2 objectives, {} has {n_obj}",
                        self.problem
                    );
                }
                Ok(mtl_preferences(&self.problem, self.n_models))
            }
        }
    }
}

/// Runs `tradeoff train`.
pub fn run(args: TrainArgs) -> Result<()> {
    if let Some(dir) = args.resume.clone() {
        return resume(args, &dir);
    }
    if super::pinn::is_pinn(args.problem.as_deref()) {
        return super::pinn::run(&args);
    }
    let definition = definition_of(&args)?;
    // Without --out (and without --json, whose record goes to stdout), the run writes into a
    // new directory of its own under runs/.
    let out = match (&args.out, args.json) {
        (Some(dir), _) => Some(dir.clone()),
        (None, false) => Some(default_out_dir(&definition)),
        (None, true) => None,
    };
    if let Some(dir) = &out {
        prepare_out_dir(dir)?;
    }
    Session::build(definition, out, args.stop_after, args.json)?.execute(None)
}

/// `runs/<problem>-<method>[-<mode>]`, with `-2`, `-3`, ... appended while that name is taken.
fn default_out_dir(definition: &TrainDefinition) -> PathBuf {
    let mut name = format!("{}-{}", definition.problem, definition.method);
    if definition.mode == Mode::Set {
        name.push_str("-set");
    }
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = PathBuf::from("runs");
    (1..)
        .map(|k| {
            if k == 1 {
                base.join(&name)
            } else {
                base.join(format!("{name}-{k}"))
            }
        })
        .find(|dir| !dir.exists())
        .unwrap_or_else(|| base.join(name))
}

pub(super) fn definition_of(args: &TrainArgs) -> Result<TrainDefinition> {
    let problem = args
        .problem
        .clone()
        .unwrap_or_else(|| "multi-mnist".to_string())
        .to_ascii_lowercase();
    if !NEURAL_PROBLEMS.contains(&problem.as_str()) {
        bail!(
            "unknown neural problem '{problem}' (known: {})",
            NEURAL_PROBLEMS.join(", ")
        );
    }
    let mode = args.mode.unwrap_or(Mode::Mtl);
    let preference = match &args.preference {
        None => None,
        Some(_) if mode == Mode::Set => {
            bail!("--pref is for --mode mtl: --mode set trains one model per preference ray")
        }
        Some(w) => {
            if w.iter().any(|v| !v.is_finite() || *v < 0.0) {
                bail!("--pref must hold finite non-negative weights");
            }
            let total: f64 = w.iter().sum();
            if total <= 0.0 {
                bail!("--pref must have a positive weight");
            }
            Some(w.iter().map(|v| v / total).collect())
        }
    };
    let n_models = match mode {
        Mode::Mtl => {
            if args.prefs.is_some() {
                bail!("--prefs K is for --mode set (one model per preference)");
            }
            1
        }
        Mode::Set => args.prefs.unwrap_or(DEFAULT_SET_PREFS),
    };
    let positive = |value: Option<usize>, default: usize, flag: &str| -> Result<usize> {
        let v = value.unwrap_or(default);
        if v == 0 {
            bail!("{flag} must be at least 1");
        }
        Ok(v)
    };
    let epochs = positive(args.epochs, DEFAULT_EPOCHS, "--epochs")?;
    let batch = positive(args.batch, DEFAULT_BATCH, "--batch")?;
    positive(Some(n_models), 1, "--prefs")?;
    super::limits::check("models (--prefs)", n_models, 10_000)?;
    super::limits::check("examples per batch (--batch)", batch, 1_000_000)?;
    super::limits::check("epochs (--epochs)", epochs, 1_000_000)?;
    super::flags::check_stop_after(args.stop_after, epochs, args.out.is_some())?;
    let model_config = match &args.model_config {
        Some(text) => serde_json::from_str(text)
            .with_context(|| format!("--model-config is not JSON: {text}"))?,
        None => Value::Null,
    };
    let method = args
        .method
        .clone()
        .unwrap_or_else(|| "mean".to_string())
        .to_ascii_lowercase();
    let options = args.set.set.clone();
    options_of(&options)?;
    let reference = args.reference.clone().unwrap_or_default();
    if reference.iter().any(|v| !v.is_finite()) {
        bail!("--ref must hold finite numbers");
    }
    let definition = TrainDefinition {
        model: args.model.clone().unwrap_or_else(|| {
            tradeoff_problems::neural::registry::default_model(&problem).to_string()
        }),
        problem,
        data: args.data.clone(),
        preprocess: args.preprocess.clone().unwrap_or_else(|| "clean".into()),
        val_fraction: args.val_fraction,
        targets: args.targets.clone(),
        losses: args.losses.clone(),
        model_config,
        mode,
        method,
        options,
        preference,
        n_models,
        epochs,
        batch,
        lr: args.lr.or(DEFAULT_TRAIN_LR),
        optimizer: args.optimizer.clone().unwrap_or_else(|| "adam".into()),
        schedule: args.schedule.clone().unwrap_or_else(|| "constant".into()),
        warmup: args.warmup.unwrap_or(0),
        weight_decay: args.weight_decay.unwrap_or(0.0),
        clip_norm: args.clip_norm,
        seed: args.seed.unwrap_or(super::flags::DEFAULT_SEED),
        checkpoint_every: positive(args.checkpoint_every, 1, "--checkpoint-every")?,
        eval_every: positive(args.eval_every, 1, "--eval-every")?,
        patience: args.patience,
        reference,
        jacobian: args.jacobian,
        dtype: args.dtype.clone().unwrap_or_else(|| "f32".into()),
    };
    // Fail on a bad optimiser or schedule before any data is read.
    definition.optimizer(1)?;
    definition.spec()?;
    Ok(definition)
}

/// `train --resume DIR`: everything from the checkpoint.
fn resume(args: TrainArgs, dir: &Path) -> Result<()> {
    let given = [
        ("--problem", args.problem.is_some()),
        ("--data", args.data.is_some()),
        ("--preprocess", args.preprocess.is_some()),
        ("--model", args.model.is_some()),
        ("--mode", args.mode.is_some()),
        ("--method", args.method.is_some()),
        ("--set", !args.set.set.is_empty()),
        ("--prefs", args.prefs.is_some()),
        ("--pref", args.preference.is_some()),
        ("--epochs", args.epochs.is_some()),
        ("--batch", args.batch.is_some()),
        ("--lr", args.lr.lr.is_some()),
        ("--optimizer", args.optimizer.is_some()),
        ("--seed", args.seed.is_some()),
        ("--out", args.out.is_some()),
    ];
    if let Some((flag, _)) = given.iter().find(|(_, g)| *g) {
        bail!(
            "train --resume takes the run from its checkpoint: {flag} cannot be given (only --stop-after and --json)"
        );
    }
    let checkpoint = Checkpoint::load(dir)?;
    if checkpoint.definition.extra.contains_key("pinn") {
        return super::pinn::resume(&args, dir, checkpoint);
    }
    let definition: TrainDefinition = serde_json::from_value(
        checkpoint
            .definition
            .extra
            .get("train")
            .cloned()
            .with_context(|| format!("{}: not a checkpoint of `tradeoff train`", dir.display()))?,
    )
    .with_context(|| format!("{}: the training definition does not parse", dir.display()))?;
    let session = Session::build(
        definition,
        Some(dir.to_path_buf()),
        args.stop_after,
        args.json,
    )?;
    if let Some(stop) = args.stop_after {
        let saved_epoch = checkpoint.state.iteration / session.steps_per_epoch;
        if stop <= saved_epoch || stop >= session.definition.epochs {
            bail!(
                "--stop-after {stop} must be after the saved epoch {saved_epoch} and before {}",
                session.definition.epochs
            );
        }
    }
    session.execute(Some(checkpoint.state))
}

/// One training run, fresh or resumed.
pub(super) struct Session {
    definition: TrainDefinition,
    setup: NeuralSetup,
    preferences: Matrix,
    config: DriverConfig,
    steps_per_epoch: usize,
    out: Option<PathBuf>,
    stop_after: Option<usize>,
    json: bool,
}

impl Session {
    pub(super) fn build(
        mut definition: TrainDefinition,
        out: Option<PathBuf>,
        stop_after: Option<usize>,
        json: bool,
    ) -> Result<Self> {
        let setup = build_neural(&definition.spec()?)
            .with_context(|| format!("building {}", definition.problem))?;
        let n_obj = setup.problem.n_obj();
        if definition.reference.is_empty() {
            definition.reference = vec![1.0; n_obj];
        } else if definition.reference.len() != n_obj {
            bail!(
                "--ref has {} values, {} has {n_obj} objectives",
                definition.reference.len(),
                definition.problem
            );
        }
        let preferences = definition.preferences(n_obj)?;
        let steps_per_epoch = setup.problem.steps_per_epoch().unwrap_or(1);
        let total = definition
            .epochs
            .checked_mul(steps_per_epoch)
            .context("--epochs × steps per epoch overflows")?;
        let config = DriverConfig {
            max_iters: total,
            optimizer: definition.optimizer(total)?,
            tolerance: 0.0,
            // The runner's own indicator records (minibatch losses) only at the ends; the
            // epoch evaluator measures the splits.
            record_every: total.max(1),
            record_objectives: false,
            reference_point: Some(definition.reference.clone()),
            front_points: 0,
            init: Init::default(),
        };
        if definition.patience.is_some() && !setup.splits.iter().any(|(n, _)| n == "val") {
            bail!("--patience needs a validation split (--val-fraction F)");
        }
        Ok(Self {
            definition,
            setup,
            preferences,
            config,
            steps_per_epoch,
            out,
            stop_after,
            json,
        })
    }

    fn run_definition(&self) -> Result<RunDefinition> {
        let mut extra = Map::new();
        extra.insert("train".into(), serde_json::to_value(&self.definition)?);
        Ok(RunDefinition {
            problem: ProblemDefinition {
                name: self.definition.problem.clone(),
                n_var: None,
                n_obj: None,
                normalize: "none".into(),
            },
            method: self.definition.method.clone(),
            method_options: self.definition.options.clone(),
            preferences: self.preferences.rows().map(<[f64]>::to_vec).collect(),
            optimizer: OptimizerDefinition::of(&self.config.optimizer),
            seed: self.definition.seed,
            init: InitDefinition::of(&Init::default()),
            total_iters: self.config.max_iters,
            tolerance: 0.0,
            record_every: self.config.record_every,
            checkpoint_every: Some(self.definition.checkpoint_every * self.steps_per_epoch),
            reference_point: Some(self.definition.reference.clone()),
            front_points: 0,
            record_objectives: false,
            extra,
        })
    }

    fn execute(self, start: Option<tradeoff_solvers::RunState>) -> Result<()> {
        self.run_session(start, true).map(|_| ())
    }

    /// Runs the session, writes its outputs, prints its report when `report`, and returns its
    /// result record.
    pub(super) fn run_session(
        mut self,
        start: Option<tradeoff_solvers::RunState>,
        report: bool,
    ) -> Result<Value> {
        let run_definition = self.run_definition()?;
        let options = options_of(&self.definition.options)?;
        let mut rule = tradeoff_solvers::build_run_rule(
            &self.definition.method,
            &options,
            &self.preferences,
            self.config.max_iters,
        )?;
        let splits: Vec<(String, Arc<dyn ExampleSet>)> = self.setup.splits.clone();
        let earlier = match (&start, &self.out) {
            (Some(state), Some(dir)) => read_history(dir, state.iteration / self.steps_per_epoch)?,
            _ => Vec::new(),
        };
        let mut evaluator = EpochEvaluator::new(
            self.setup.problem.evaluator(),
            splits,
            self.steps_per_epoch,
            self.definition.eval_every,
            self.definition.reference.clone(),
        )
        .with_patience(self.definition.patience)
        .continuing(earlier);
        let mut best = BestKeeper {
            evaluator: &mut evaluator,
            dir: self.out.as_ref().map(|d| d.join("best")),
            definition: &run_definition,
            mode: self.definition.mode,
            seen: 0,
        };
        let mut progress = EpochProgress::new(
            self.steps_per_epoch,
            std::io::stderr().is_terminal(),
            self.setup.objectives.clone(),
        );
        let mut stop = self.stop_after.map(|e| StopAfter(e * self.steps_per_epoch));
        let mut writer = self.out.as_deref().map(|dir| CheckpointWriter {
            dir,
            every: self.definition.checkpoint_every * self.steps_per_epoch,
            definition: &run_definition,
        });
        let method = self.definition.method.clone();
        let problem_name = self.definition.problem.clone();
        let outcome = {
            let mut runner = Runner::for_source(
                &mut self.setup.problem,
                rule.as_mut(),
                &self.preferences,
                &self.config,
            )
            .with_observer(&mut progress)
            .with_observer(&mut best);
            if let Some(writer) = writer.as_mut() {
                runner = runner.with_observer(writer);
            }
            if let Some(stop) = stop.as_mut() {
                runner = runner.with_observer(stop);
            }
            if let Some(state) = start {
                runner = runner.resume_from(state);
            }
            runner
                .run()
                .with_context(|| format!("{method} on {problem_name}"))?
        };
        if let Some(dir) = &self.out {
            // History first, then the checkpoint that points at it, then the result last.
            write_history(dir, evaluator.records(), self.definition.mode)?;
            Checkpoint {
                definition: run_definition,
                state: outcome.state.clone(),
            }
            .save(dir)?;
        }
        let record = self.result_record(&outcome.result, &evaluator)?;
        if let Some(dir) = &self.out {
            draw_pictures(
                dir,
                &self.definition,
                &self.setup.objectives,
                evaluator.records(),
            );
            write_atomic(
                &dir.join("result.json"),
                serde_json::to_string_pretty(&record)?.as_bytes(),
            )?;
        }
        if report {
            if self.json {
                print_json(&record)?;
            } else {
                print_text(&self, &outcome.result, &evaluator);
            }
        }
        Ok(record)
    }

    fn result_record(&self, result: &SolveResult, evaluator: &EpochEvaluator) -> Result<Value> {
        let records = evaluator.records();
        let last = records.last();
        let epochs_run = result.iterations / self.steps_per_epoch;
        let mut record = Map::new();
        record.insert("schema_version".into(), json!(TRAIN_SCHEMA_VERSION));
        record.insert(
            "tool".into(),
            json!(format!("tradeoff {}", env!("CARGO_PKG_VERSION"))),
        );
        record.insert("config".into(), serde_json::to_value(&self.definition)?);
        record.insert("model".into(), json!(self.setup.model));
        record.insert("n_parameters".into(), json!(self.setup.n_parameters));
        record.insert("objectives_names".into(), json!(self.setup.objectives));
        record.insert("tasks".into(), json!(self.setup.tasks));
        record.insert("epochs_run".into(), json!(epochs_run));
        record.insert("termination".into(), json!(result.termination.name()));
        let time_s = last.map_or(0.0, |r| r.time_s);
        record.insert("time_s".into(), json!(time_s));
        let epoch_s = if epochs_run > 0 {
            time_s / epochs_run as f64
        } else {
            0.0
        };
        record.insert("epoch_s".into(), json!(epoch_s));
        if let Some(last) = last {
            record.insert("epoch".into(), json!(last.epoch));
            let mut running = Map::new();
            running.insert(
                "losses".into(),
                losses_json(&last.train_running, self.definition.mode),
            );
            if let Ok(hv) = hypervolume(&last.train_running, &self.definition.reference) {
                running.insert("hypervolume".into(), json!(hv));
            }
            record.insert("train_running".into(), Value::Object(running));
            if let Some(first) = last.splits.first() {
                // The objectives whose accuracy each split's `accuracy` lists, in its order.
                let accuracy_of: Vec<&str> = first
                    .metrics
                    .iter()
                    .filter_map(|(name, _)| name.strip_prefix("accuracy."))
                    .collect();
                record.insert("accuracy_of".into(), json!(accuracy_of));
            }
            for split in &last.splits {
                record.insert(split.name.clone(), split_json(split, self.definition.mode));
            }
            if self.definition.mode == Mode::Set {
                if let Some(test) = last.split("test") {
                    record.insert("objectives".into(), matrix_json(&test.losses));
                }
            }
        }
        record.insert("prefs".into(), matrix_json(&self.preferences));
        if let Some((epoch, loss)) = evaluator.best() {
            record.insert("best_val".into(), json!({"epoch": epoch, "loss": loss}));
        }
        if let Some(dir) = &self.out {
            record.insert("out".into(), json!(dir.display().to_string()));
        }
        record.insert(
            "notes".into(),
            json!([
                "train/val/test: each split measured at the end of the last evaluated epoch with the final weights (mean over the split)",
                "train_running: the mean of the last epoch's minibatch losses, each taken before its step (LibMOON's reported training loss)",
                "time_s: training wall time (evaluation and checkpoints excluded); epoch_s = time_s / epochs run"
            ]),
        );
        Ok(Value::Object(record))
    }
}

/// A matrix as rows.
fn matrix_json(m: &Matrix) -> Value {
    Value::Array(m.rows().map(|r| json!(r)).collect())
}

/// Losses of one model as a list, of a set as one row per model.
fn losses_json(losses: &Matrix, mode: Mode) -> Value {
    match mode {
        Mode::Mtl => json!(losses.row(0)),
        Mode::Set => matrix_json(losses),
    }
}

/// One split's record: losses, accuracy (one entry per classification task; a row per model
/// for a set), the relaxed and hard DEO for fairness, the hypervolume.
fn split_json(split: &SplitRecord, mode: Mode) -> Value {
    let mut out = Map::new();
    out.insert("losses".into(), losses_json(&split.losses, mode));
    let accuracy: Vec<&(String, Vec<f64>)> = split
        .metrics
        .iter()
        .filter(|(name, _)| name.starts_with("accuracy"))
        .collect();
    if !accuracy.is_empty() {
        let k = split.losses.n_rows();
        let rows: Vec<Vec<f64>> = (0..k)
            .map(|model| accuracy.iter().map(|(_, v)| v[model]).collect())
            .collect();
        out.insert(
            "accuracy".into(),
            match mode {
                Mode::Mtl => json!(rows[0]),
                Mode::Set => json!(rows),
            },
        );
    }
    if let Some((_, hard)) = split.metrics.iter().find(|(name, _)| name == "deo_hard") {
        let relaxed: Vec<f64> = split.losses.rows().map(|r| r[r.len() - 1]).collect();
        match mode {
            Mode::Mtl => {
                out.insert("deo".into(), json!(relaxed[0]));
                out.insert("deo_hard".into(), json!(hard[0]));
            }
            Mode::Set => {
                out.insert("deo".into(), json!(relaxed));
                out.insert("deo_hard".into(), json!(hard));
            }
        }
    }
    if let Some(hv) = split.hypervolume {
        out.insert("hypervolume".into(), json!(hv));
    }
    Value::Object(out)
}

/// history.json's form of the epoch records (exact: floats round-trip).
#[derive(Serialize, Deserialize)]
struct HistoryFile {
    schema_version: u32,
    records: Vec<Value>,
}

/// One epoch's record: `epoch`, `time_s`, `train_running` and each split in the result's form
/// ([`split_json`]), plus the split's raw `metrics` by name (what `--resume` reads back).
fn record_json(record: &EpochRecord, mode: Mode) -> Value {
    let mut out = Map::new();
    out.insert("epoch".into(), json!(record.epoch));
    out.insert("time_s".into(), json!(record.time_s));
    out.insert(
        "train_running".into(),
        json!({"losses": losses_json(&record.train_running, mode)}),
    );
    for split in &record.splits {
        let mut s = split_json(split, mode);
        if let Value::Object(fields) = &mut s {
            fields.insert(
                "metrics".into(),
                Value::Object(
                    split
                        .metrics
                        .iter()
                        .map(|(n, v)| (n.clone(), json!(v)))
                        .collect(),
                ),
            );
        }
        out.insert(split.name.clone(), s);
    }
    Value::Object(out)
}

/// A matrix from rows, or a one-row matrix from a flat list (one model's losses).
fn matrix_from(value: &Value) -> Option<Matrix> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(value.clone())
        .ok()
        .or_else(|| Some(vec![serde_json::from_value(value.clone()).ok()?]))?;
    Matrix::from_rows(&rows).ok()
}

fn record_from(value: &Value) -> Option<EpochRecord> {
    let object = value.as_object()?;
    let mut splits = Vec::new();
    for name in ["train", "val", "test"] {
        let Some(s) = object.get(name) else { continue };
        let metrics = s
            .get("metrics")?
            .as_object()?
            .iter()
            .map(|(n, v)| Some((n.clone(), serde_json::from_value(v.clone()).ok()?)))
            .collect::<Option<Vec<_>>>()?;
        splits.push(SplitRecord {
            name: name.into(),
            losses: matrix_from(s.get("losses")?)?,
            metrics,
            hypervolume: s.get("hypervolume").and_then(Value::as_f64),
        });
    }
    Some(EpochRecord {
        epoch: usize::try_from(object.get("epoch")?.as_u64()?).ok()?,
        time_s: object.get("time_s")?.as_f64()?,
        train_running: matrix_from(object.get("train_running")?.get("losses")?)?,
        splits,
    })
}

fn write_history(dir: &Path, records: &[EpochRecord], mode: Mode) -> Result<()> {
    let file = HistoryFile {
        schema_version: TRAIN_SCHEMA_VERSION,
        records: records.iter().map(|r| record_json(r, mode)).collect(),
    };
    write_atomic(
        &dir.join("history.json"),
        serde_json::to_string_pretty(&file)?.as_bytes(),
    )
}

/// The records of history.json up to `epoch` (a checkpoint's).
fn read_history(dir: &Path, epoch: usize) -> Result<Vec<EpochRecord>> {
    let path = dir.join("history.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let file: HistoryFile = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a training history", path.display()))?;
    file.records
        .iter()
        .map(|r| {
            record_from(r).with_context(|| format!("{}: a record does not parse", path.display()))
        })
        .filter(|r| r.as_ref().map_or(true, |r| r.epoch <= epoch))
        .collect()
}

/// The epoch evaluator; after each evaluation it writes `DIR/history.json` and, when the
/// validation loss improved, a checkpoint in `DIR/best` ("the last and the best" are kept).
struct BestKeeper<'a> {
    evaluator: &'a mut EpochEvaluator,
    dir: Option<PathBuf>,
    definition: &'a RunDefinition,
    mode: Mode,
    seen: usize,
}

impl Observer for BestKeeper<'_> {
    fn start(&mut self, start: &RunStart<'_>) -> tradeoff_solvers::Result<()> {
        self.seen = self.evaluator.records().len();
        self.evaluator.start(start)
    }

    fn evaluated(&mut self, iteration: usize, objectives: &Matrix) -> tradeoff_solvers::Result<()> {
        self.evaluator.evaluated(iteration, objectives)
    }

    fn iteration(&mut self, view: &IterationView<'_>) -> tradeoff_solvers::Result<Control> {
        let control = self.evaluator.iteration(view)?;
        let records = self.evaluator.records().len();
        if records > self.seen {
            self.seen = records;
            if let Some(out) = self.dir.as_deref().and_then(Path::parent) {
                // Each epoch's record is on disk before the epoch's checkpoint, so a run killed
                // later resumes with its whole history.
                write_history(out, self.evaluator.records(), self.mode).map_err(|e| {
                    tradeoff_solvers::Error::InvalidState {
                        reason: format!("cannot write history.json: {e:#}"),
                    }
                })?;
            }
            if let (true, Some(dir)) = (self.evaluator.improved(), &self.dir) {
                Checkpoint {
                    definition: self.definition.clone(),
                    state: view.state(),
                }
                .save(dir)?;
            }
        }
        Ok(control)
    }
}

/// The progress bar of a training run: epoch, step, the running losses, ETA; on a terminal only.
struct EpochProgress {
    bar: super::progress::Progress,
    steps_per_epoch: usize,
    names: Vec<String>,
    last: Option<Matrix>,
}

impl EpochProgress {
    fn new(steps_per_epoch: usize, visible: bool, names: Vec<String>) -> Self {
        Self {
            bar: super::progress::Progress::new(0, visible),
            steps_per_epoch,
            names,
            last: None,
        }
    }
}

impl Observer for EpochProgress {
    fn start(&mut self, start: &RunStart<'_>) -> tradeoff_solvers::Result<()> {
        self.bar.length(start.max_iters);
        self.bar.set(start.iteration);
        Ok(())
    }

    fn evaluated(
        &mut self,
        _iteration: usize,
        objectives: &Matrix,
    ) -> tradeoff_solvers::Result<()> {
        self.last = Some(objectives.clone());
        Ok(())
    }

    fn iteration(&mut self, view: &IterationView<'_>) -> tradeoff_solvers::Result<Control> {
        if view.iteration % 5 == 0 || view.iteration % self.steps_per_epoch == 0 {
            self.bar.set(view.iteration);
            if let Some(losses) = &self.last {
                let text: Vec<String> = self
                    .names
                    .iter()
                    .zip(losses.row(0))
                    .map(|(n, v)| format!("{n} {v:.4}"))
                    .collect();
                self.bar.message(format!(
                    "epoch {} step {} {}",
                    view.iteration / self.steps_per_epoch + 1,
                    view.iteration % self.steps_per_epoch,
                    text.join(" ")
                ));
            }
        }
        Ok(Control::Continue)
    }

    fn end(&mut self, _result: &SolveResult) -> tradeoff_solvers::Result<()> {
        self.bar.finish();
        Ok(())
    }
}

/// Loss and accuracy curves per task (test split, and train), and the test front for a set.
/// A picture that cannot be drawn is skipped with a note on stderr: the records are the result.
fn draw_pictures(
    dir: &Path,
    definition: &TrainDefinition,
    names: &[String],
    records: &[EpochRecord],
) {
    if records.is_empty() {
        return;
    }
    let mut loss_series: Vec<(String, Vec<(usize, f64)>)> = Vec::new();
    let mut accuracy_series: Vec<(String, Vec<(usize, f64)>)> = Vec::new();
    for split in ["train", "test"] {
        for (i, name) in names.iter().enumerate() {
            let points: Vec<(usize, f64)> = records
                .iter()
                .filter_map(|r| r.split(split).map(|s| (r.epoch, s.losses.get(0, i))))
                .collect();
            loss_series.push((format!("{split} {name}"), points));
        }
        if let Some(first) = records[0].split(split) {
            for (metric, _) in &first.metrics {
                let points: Vec<(usize, f64)> = records
                    .iter()
                    .filter_map(|r| {
                        r.split(split).and_then(|s| {
                            s.metrics
                                .iter()
                                .find(|(n, _)| n == metric)
                                .map(|(_, v)| (r.epoch, v[0]))
                        })
                    })
                    .collect();
                accuracy_series.push((format!("{split} {metric}"), points));
            }
        }
    }
    let title = format!("{} — {}", definition.problem, definition.method);
    let draw = |file: &str, result: tradeoff::plots::Result<()>| {
        if let Err(e) = result {
            eprintln!("note: {file} not drawn: {e}");
        }
    };
    for ext in ["png", "svg"] {
        let file = format!("losses.{ext}");
        draw(
            &file,
            tradeoff::plots::history_plot(dir.join(&file), &title, &loss_series, "loss (model 1)"),
        );
        if !accuracy_series.is_empty() {
            let file = format!("metrics.{ext}");
            draw(
                &file,
                tradeoff::plots::history_plot(
                    dir.join(&file),
                    &title,
                    &accuracy_series,
                    "metric (model 1)",
                ),
            );
        }
        if definition.mode == Mode::Set {
            if let Some(test) = records.last().and_then(|r| r.split("test")) {
                let file = format!("front.{ext}");
                let mut plot =
                    tradeoff::plots::FrontPlot::new(format!("{title}: test losses"), &test.losses);
                plot.labels = names.to_vec();
                draw(&file, tradeoff::plots::front_plot(dir.join(&file), &plot));
            }
        }
    }
}

/// The text summary.
fn print_text(session: &Session, result: &SolveResult, evaluator: &EpochEvaluator) {
    let definition = &session.definition;
    println!(
        "{} on {} ({}, {} parameters per model, {} model{}): {} epochs, {}",
        definition.method,
        definition.problem,
        session.setup.model,
        session.setup.n_parameters,
        definition.n_models,
        if definition.n_models == 1 { "" } else { "s" },
        result.iterations / session.steps_per_epoch,
        result.termination.name(),
    );
    if let Some(last) = evaluator.records().last() {
        for split in &last.splits {
            let losses: Vec<String> = session
                .setup
                .objectives
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{n} {:.4}", split.losses.get(0, i)))
                .collect();
            let metrics: Vec<String> = split
                .metrics
                .iter()
                .map(|(n, v)| format!("{n} {:.4}", v[0]))
                .collect();
            let hv = split
                .hypervolume
                .map(|h| format!(" hv {h:.4}"))
                .unwrap_or_default();
            println!(
                "  {:5} {} | {}{hv}",
                split.name,
                losses.join(" "),
                metrics.join(" ")
            );
        }
        println!(
            "  training time {:.2} s ({:.2} s per epoch, evaluation excluded)",
            last.time_s,
            last.time_s / (result.iterations as f64 / session.steps_per_epoch as f64).max(1.0)
        );
    }
    if let Some(dir) = &session.out {
        let pictures = if session.definition.mode == Mode::Set {
            "losses, metrics and front"
        } else {
            "losses and metrics"
        };
        println!(
            "  wrote to {}: result.json, history.json (one record per epoch), checkpoint.json + checkpoint.safetensors (the last epoch; best/ the best on validation), {pictures} pictures (PNG and SVG)",
            dir.display()
        );
    }
}

impl TrainArgs {
    /// Every flag unset (what `tradeoff train` with no flags means).
    pub(super) fn parse_defaults() -> Self {
        <TrainCli as clap::Parser>::parse_from(["train"]).args
    }
}

/// A parser of `TrainArgs` alone, for [`TrainArgs::parse_defaults`].
#[derive(clap::Parser)]
struct TrainCli {
    #[command(flatten)]
    args: TrainArgs,
}
