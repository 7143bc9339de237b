//! `tradeoff train --problem burgers|kovasznay|beltrami`: physics-informed networks trained with
//! any method of the table, one optimisation step per epoch on freshly drawn collocation points,
//! with the test error against the exact solution recorded every few steps, checkpoints and
//! bit-for-bit resume.
//!
//! Problem options ride on `--set` next to the method's: `terms=2|3` (default 2:
//! `[residual, boundary+initial]`; 3: `[residual, boundary, initial]`, not Kovasznay),
//! `n_interior`, `n_boundary`, `n_initial` (default ConFIG's counts). The network's hidden widths
//! come from `--model-config '{"hidden":[50,50,50,50,50]}'` (the default).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tradeoff_pareto::Matrix;
use tradeoff_problems::GradientSource;
use tradeoff_problems::pinn::{PinnEvaluator, PinnOptions, PinnProblem, Precision, build_pinn};
use tradeoff_solvers::{
    Checkpoint, Control, DriverConfig, Init, InitDefinition, IterationView, Observer, Optimizer,
    OptimizerDefinition, ProblemDefinition, RunDefinition, RunStart, RunState, Runner, Schedule,
    SolveResult, StopAfter,
};

use super::flags::options_of;
use super::io::{on_workers, prepare_out_dir, print_json, write_atomic};
use super::train::TrainArgs;

/// The record format of a PINN run's result.json and history.json.
pub const PINN_SCHEMA_VERSION: u32 = 1;
/// Steps when `--epochs` is not given.
pub const DEFAULT_PINN_EPOCHS: usize = 1_000;
/// History records every this many steps (`--eval-every`).
pub const DEFAULT_RECORD_EVERY: usize = 10;
/// Checkpoints every this many steps (`--checkpoint-every`).
pub const DEFAULT_CHECKPOINT_EVERY: usize = 100;

/// The `--set` keys that configure the problem rather than the method.
const PROBLEM_KEYS: [&str; 4] = ["terms", "n_interior", "n_boundary", "n_initial"];

/// Everything that defines a PINN run: stored in the checkpoint, so a resumed run is the same
/// run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PinnDefinition {
    /// `burgers`, `kovasznay` or `beltrami`.
    pub problem: String,
    /// The method.
    pub method: String,
    /// The method's options (`key=value`).
    pub options: Vec<String>,
    /// Loss terms (2 or 3).
    pub terms: usize,
    /// Interior / boundary / initial points per step (`None`: ConFIG's).
    pub n_interior: Option<usize>,
    /// Boundary points per step.
    pub n_boundary: Option<usize>,
    /// Initial-condition points per step.
    pub n_initial: Option<usize>,
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Steps (one per epoch).
    pub epochs: usize,
    /// Base learning rate.
    pub lr: f64,
    /// `adam` or `sgd`.
    pub optimizer: String,
    /// Warm-up steps of the cosine schedule.
    pub warmup: usize,
    /// The seed.
    pub seed: u64,
    /// History cadence in steps.
    pub record_every: usize,
    /// Checkpoint cadence in steps.
    pub checkpoint_every: usize,
    /// `f32` or `f64`.
    pub dtype: String,
}

impl PinnDefinition {
    fn options(&self) -> PinnOptions {
        PinnOptions {
            terms: self.terms,
            n_interior: self.n_interior,
            n_boundary: self.n_boundary,
            n_initial: self.n_initial,
            hidden: self.hidden.clone(),
            precision: if self.dtype == "f64" {
                Precision::F64
            } else {
                Precision::F32
            },
            seed: self.seed,
        }
    }

    fn optimizer(&self) -> Result<Optimizer> {
        let base = match self.optimizer.as_str() {
            "adam" => Optimizer::adam(self.lr),
            "sgd" => Optimizer::sgd(self.lr),
            other => bail!("--optimizer '{other}' is not one of adam, sgd"),
        };
        let optimizer = base.with_schedule(Schedule::Cosine {
            warmup: self.warmup,
            min_factor: 0.1,
        });
        optimizer.validate().map_err(anyhow::Error::msg)?;
        Ok(optimizer)
    }
}

/// Whether `problem` is a PINN problem (`train` and `compare` hand it here).
pub fn is_pinn(problem: Option<&str>) -> bool {
    problem.is_some_and(|p| tradeoff_problems::pinn::is_pinn_problem(&p.to_ascii_lowercase()))
}

/// Runs `tradeoff train` on a PINN problem.
pub fn run(args: &TrainArgs) -> Result<()> {
    let definition = definition_of(args)?;
    if let Some(dir) = &args.out {
        prepare_out_dir(dir)?;
    }
    let record = execute(&definition, args.out.as_deref(), args.stop_after, None)?;
    report(&record, args.json)
}

/// `train --resume DIR` of a PINN checkpoint.
pub fn resume(args: &TrainArgs, dir: &Path, checkpoint: Checkpoint) -> Result<()> {
    let definition: PinnDefinition = serde_json::from_value(
        checkpoint
            .definition
            .extra
            .get("pinn")
            .cloned()
            .context("not a PINN checkpoint")?,
    )
    .with_context(|| format!("{}: the PINN definition does not parse", dir.display()))?;
    if let Some(stop) = args.stop_after {
        if stop <= checkpoint.state.iteration || stop >= definition.epochs {
            bail!(
                "--stop-after {stop} must be after the saved step {} and before {}",
                checkpoint.state.iteration,
                definition.epochs
            );
        }
    }
    let record = execute(
        &definition,
        Some(dir),
        args.stop_after,
        Some(checkpoint.state),
    )?;
    report(&record, args.json)
}

fn report(record: &Value, json: bool) -> Result<()> {
    if json {
        return print_json(record);
    }
    let config = &record["config"];
    println!(
        "{} on {} ({} parameters): {} steps, {}",
        config["method"].as_str().unwrap_or("?"),
        config["problem"].as_str().unwrap_or("?"),
        record["n_parameters"],
        record["epochs_run"],
        record["termination"].as_str().unwrap_or("?"),
    );
    println!(
        "  test MSE {:.4e}; train losses {}; {:.1} ms per step",
        record["test"]["mse"].as_f64().unwrap_or(f64::NAN),
        record["train"]["losses"],
        record["epoch_s"].as_f64().unwrap_or(0.0) * 1e3
    );
    Ok(())
}

/// The definition from `train`'s flags.
pub fn definition_of(args: &TrainArgs) -> Result<PinnDefinition> {
    let problem = args
        .problem
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    for (flag, given) in [
        ("--data", args.data.is_some()),
        ("--preprocess", args.preprocess.is_some()),
        ("--val-fraction", args.val_fraction.is_some()),
        ("--mode", args.mode.is_some()),
        ("--prefs", args.prefs.is_some()),
        ("--pref", args.preference.is_some()),
        ("--targets", !args.targets.is_empty()),
        ("--losses", !args.losses.is_empty()),
        ("--batch", args.batch.is_some()),
        ("--model", args.model.is_some()),
        ("--schedule", args.schedule.is_some()),
        ("--weight-decay", args.weight_decay.is_some()),
        ("--clip-norm", args.clip_norm.is_some()),
        ("--patience", args.patience.is_some()),
        ("--ref", args.reference.is_some()),
        ("--jacobian", args.jacobian.is_some()),
    ] {
        if given {
            bail!("{flag} does not apply to the PINN problem {problem}");
        }
    }
    let method = args
        .method
        .clone()
        .unwrap_or_else(|| "sum".into())
        .to_ascii_lowercase();
    let mut options = Vec::new();
    let mut problem_options = PinnOptions::default();
    for pair in &args.set.set {
        let (key, value) = pair.split_once('=').unwrap_or((pair.as_str(), ""));
        if PROBLEM_KEYS.contains(&key.trim()) {
            let n: usize = value
                .trim()
                .parse()
                .with_context(|| format!("--set {pair}: {key} takes a count"))?;
            match key.trim() {
                "terms" => problem_options.terms = n,
                "n_interior" => problem_options.n_interior = Some(n),
                "n_boundary" => problem_options.n_boundary = Some(n),
                _ => problem_options.n_initial = Some(n),
            }
        } else {
            options.push(pair.clone());
        }
    }
    // ConFIG's M-ConFIG refreshes one loss per step in its PINN experiments.
    if method == "m-config" && !options.iter().any(|o| o.starts_with("rows_per_step")) {
        options.push("rows_per_step=1".into());
    }
    options_of(&options)?;
    let epochs = args.epochs.unwrap_or(DEFAULT_PINN_EPOCHS);
    if epochs == 0 {
        bail!("--epochs must be at least 1");
    }
    super::limits::check("epochs (--epochs)", epochs, 100_000_000)?;
    super::flags::check_stop_after(args.stop_after, epochs, args.out.is_some())?;
    if let Some(text) = &args.model_config {
        let value: Value = serde_json::from_str(text)
            .with_context(|| format!("--model-config is not JSON: {text}"))?;
        if let Some(hidden) = value.get("hidden") {
            problem_options.hidden = serde_json::from_value(hidden.clone())
                .context("--model-config: hidden must be a list of widths")?;
        }
    }
    let positive = |value: Option<usize>, default: usize, flag: &str| -> Result<usize> {
        let v = value.unwrap_or(default);
        if v == 0 {
            bail!("{flag} must be at least 1");
        }
        Ok(v)
    };
    let default_optimizer = Optimizer::pinn_default(&method, epochs);
    let definition = PinnDefinition {
        problem,
        options,
        terms: problem_options.terms,
        n_interior: problem_options.n_interior,
        n_boundary: problem_options.n_boundary,
        n_initial: problem_options.n_initial,
        hidden: problem_options.hidden,
        epochs,
        lr: args.lr.or(default_optimizer.lr()),
        optimizer: args
            .optimizer
            .clone()
            .unwrap_or_else(|| default_optimizer.name().to_ascii_lowercase()),
        warmup: args.warmup.unwrap_or((epochs / 100).min(100)),
        seed: args.seed.unwrap_or(super::flags::DEFAULT_SEED),
        record_every: positive(args.eval_every, DEFAULT_RECORD_EVERY, "--eval-every")?,
        checkpoint_every: positive(
            args.checkpoint_every,
            DEFAULT_CHECKPOINT_EVERY,
            "--checkpoint-every",
        )?,
        dtype: args.dtype.clone().unwrap_or_else(|| "f32".into()),
        method,
    };
    if !["f32", "f64"].contains(&definition.dtype.as_str()) {
        bail!("--dtype '{}' is not one of f32, f64", definition.dtype);
    }
    definition.optimizer()?;
    Ok(definition)
}

/// One record of history.json: the step, the training time so far, the test MSE and the losses
/// of the step's points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PinnRecord {
    /// Steps taken.
    pub step: usize,
    /// Training wall time so far (evaluation and checkpoints excluded), seconds.
    pub time_s: f64,
    /// Test MSE against the exact solution.
    pub test_mse: f64,
    /// The loss terms at this step's collocation points (the final record: at the fixed
    /// evaluation draw).
    pub losses: Vec<f64>,
}

#[derive(Serialize, Deserialize)]
struct HistoryFile {
    schema_version: u32,
    records: Vec<PinnRecord>,
}

fn write_history(dir: &Path, records: &[PinnRecord]) -> Result<()> {
    let file = HistoryFile {
        schema_version: PINN_SCHEMA_VERSION,
        records: records.to_vec(),
    };
    write_atomic(
        &dir.join("history.json"),
        serde_json::to_string_pretty(&file)?.as_bytes(),
    )
}

/// The records of `dir/history.json` up to `step`.
pub fn read_history(dir: &Path, step: usize) -> Result<Vec<PinnRecord>> {
    let path = dir.join("history.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let file: HistoryFile = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a PINN history", path.display()))?;
    Ok(file
        .records
        .into_iter()
        .filter(|r| r.step <= step)
        .collect())
}

/// Records the test error and losses every `every` steps (step 0 included), writes history.json
/// and then, every `checkpoint_every` steps, the checkpoint; keeps the training time (its own
/// work excluded). Must be the runner's last observer.
struct Recorder<'a> {
    evaluator: PinnEvaluator,
    every: usize,
    checkpoint_every: usize,
    dir: Option<&'a Path>,
    definition: &'a RunDefinition,
    records: Vec<PinnRecord>,
    x: Vec<f64>,
    time_offset: f64,
    started: Option<Instant>,
    own: Duration,
}

impl Recorder<'_> {
    fn training_time(&self) -> f64 {
        self.time_offset
            + self
                .started
                .map_or(0.0, |s| s.elapsed().saturating_sub(self.own).as_secs_f64())
    }

    fn map_error(e: &anyhow::Error) -> tradeoff_solvers::Error {
        tradeoff_solvers::Error::InvalidState {
            reason: format!("{e:#}"),
        }
    }

    fn record(&mut self, step: usize, losses: Vec<f64>, x: &[f64]) -> tradeoff_solvers::Result<()> {
        let test_mse = self
            .evaluator
            .test_mse(x)
            .map_err(|e| Self::map_error(&e.into()))?;
        let time_s = self.training_time();
        self.records.retain(|r| r.step != step);
        self.records.push(PinnRecord {
            step,
            time_s,
            test_mse,
            losses,
        });
        if let Some(dir) = self.dir {
            write_history(dir, &self.records).map_err(|e| Self::map_error(&e))?;
        }
        Ok(())
    }
}

impl Observer for Recorder<'_> {
    fn start(&mut self, start: &RunStart<'_>) -> tradeoff_solvers::Result<()> {
        self.x = start.x.row(0).to_vec();
        self.time_offset = self
            .records
            .iter()
            .filter(|r| r.step <= start.iteration)
            .map(|r| r.time_s)
            .fold(0.0, f64::max);
        self.started = Some(Instant::now());
        Ok(())
    }

    fn evaluated(&mut self, iteration: usize, objectives: &Matrix) -> tradeoff_solvers::Result<()> {
        let begin = Instant::now();
        if iteration % self.every == 0 {
            let x = std::mem::take(&mut self.x);
            self.record(iteration, objectives.row(0).to_vec(), &x)?;
            self.x = x;
        }
        self.own += begin.elapsed();
        Ok(())
    }

    fn iteration(&mut self, view: &IterationView<'_>) -> tradeoff_solvers::Result<Control> {
        let begin = Instant::now();
        self.x.clear();
        self.x.extend_from_slice(view.x.row(0));
        if let Some(dir) = self.dir {
            if view.iteration % self.checkpoint_every == 0 && view.iteration < view.max_iters {
                Checkpoint {
                    definition: self.definition.clone(),
                    state: view.state(),
                }
                .save(dir)?;
            }
        }
        self.own += begin.elapsed();
        Ok(Control::Continue)
    }
}

/// Shows the step and the last losses on a terminal.
struct Progress {
    bar: super::progress::Progress,
    last: Vec<f64>,
}

impl Observer for Progress {
    fn start(&mut self, start: &RunStart<'_>) -> tradeoff_solvers::Result<()> {
        self.bar.length(start.max_iters);
        self.bar.set(start.iteration);
        Ok(())
    }

    fn evaluated(&mut self, _: usize, objectives: &Matrix) -> tradeoff_solvers::Result<()> {
        self.last = objectives.row(0).to_vec();
        Ok(())
    }

    fn iteration(&mut self, view: &IterationView<'_>) -> tradeoff_solvers::Result<Control> {
        if view.iteration % 10 == 0 {
            self.bar.set(view.iteration);
            let text: Vec<String> = self.last.iter().map(|v| format!("{v:.3e}")).collect();
            self.bar.message(format!("losses {}", text.join(" ")));
        }
        Ok(Control::Continue)
    }

    fn end(&mut self, _: &SolveResult) -> tradeoff_solvers::Result<()> {
        self.bar.finish();
        Ok(())
    }
}

fn run_definition_of(definition: &PinnDefinition, optimizer: &Optimizer) -> Result<RunDefinition> {
    let mut extra = Map::new();
    extra.insert("pinn".into(), serde_json::to_value(definition)?);
    Ok(RunDefinition {
        problem: ProblemDefinition {
            name: definition.problem.clone(),
            n_var: None,
            n_obj: None,
            normalize: "none".into(),
        },
        method: definition.method.clone(),
        method_options: definition.options.clone(),
        preferences: Vec::new(),
        optimizer: OptimizerDefinition::of(optimizer),
        seed: definition.seed,
        init: InitDefinition::of(&Init::default()),
        total_iters: definition.epochs,
        tolerance: 0.0,
        record_every: definition.record_every,
        checkpoint_every: Some(definition.checkpoint_every),
        reference_point: None,
        front_points: 0,
        record_objectives: false,
        extra,
    })
}

fn execute(
    definition: &PinnDefinition,
    out: Option<&Path>,
    stop_after: Option<usize>,
    start: Option<RunState>,
) -> Result<Value> {
    execute_inner(definition, out, stop_after, start, None)
}

fn execute_inner(
    definition: &PinnDefinition,
    out: Option<&Path>,
    stop_after: Option<usize>,
    start: Option<RunState>,
    history: Option<&mut Vec<PinnRecord>>,
) -> Result<Value> {
    let mut problem: PinnProblem = build_pinn(&definition.problem, &definition.options())
        .with_context(|| format!("building {}", definition.problem))?;
    let n_obj = problem.n_obj();
    let preferences = Matrix::from_vec(1, n_obj, vec![1.0 / n_obj as f64; n_obj])?;
    let optimizer = definition.optimizer()?;
    let config = DriverConfig {
        max_iters: definition.epochs,
        optimizer: optimizer.clone(),
        tolerance: 0.0,
        record_every: definition.record_every,
        record_objectives: false,
        reference_point: None,
        front_points: 0,
        init: Init::default(),
    };
    let run_definition = run_definition_of(definition, &optimizer)?;
    let options = options_of(&definition.options)?;
    let mut rule = tradeoff_solvers::build_run_rule(
        &definition.method,
        &options,
        &preferences,
        definition.epochs,
    )?;
    // A segment that stopped off the cadence left a final record there: the resumed run
    // records that step afresh (or not at all), as the uninterrupted run does.
    let earlier = match (&start, out) {
        (Some(state), Some(dir)) => read_history(dir, state.iteration)?
            .into_iter()
            .filter(|r| r.step % definition.record_every == 0)
            .collect(),
        _ => Vec::new(),
    };
    let evaluator = problem.evaluator();
    let names = problem.objective_names();
    let n_parameters = problem.n_var();
    let mut recorder = Recorder {
        evaluator: evaluator.clone(),
        every: definition.record_every,
        checkpoint_every: definition.checkpoint_every,
        dir: out,
        definition: &run_definition,
        records: earlier,
        x: Vec::new(),
        time_offset: 0.0,
        started: None,
        own: Duration::ZERO,
    };
    let mut progress = Progress {
        bar: super::progress::Progress::new(0, std::io::stderr().is_terminal()),
        last: Vec::new(),
    };
    let mut stop = stop_after.map(StopAfter);
    let outcome = {
        let mut runner = Runner::for_source(&mut problem, rule.as_mut(), &preferences, &config)
            .with_observer(&mut progress);
        if let Some(stop) = stop.as_mut() {
            runner = runner.with_observer(stop);
        }
        runner = runner.with_observer(&mut recorder);
        if let Some(state) = start {
            runner = runner.resume_from(state);
        }
        runner
            .run()
            .with_context(|| format!("{} on {}", definition.method, definition.problem))?
    };
    let result = &outcome.result;
    let time_s = recorder.training_time();
    let steps = result.iterations;
    recorder
        .record(steps, result.objectives.row(0).to_vec(), result.x.row(0))
        .map_err(anyhow::Error::from)?;
    let (test_mse, prediction) = evaluator.predict_test(result.x.row(0))?;
    if let Some(dir) = out {
        Checkpoint {
            definition: run_definition.clone(),
            state: outcome.state.clone(),
        }
        .save(dir)?;
        draw_pictures(
            dir,
            definition,
            &evaluator,
            &prediction,
            &recorder.records,
            &names,
        );
    }
    let mut record = Map::new();
    record.insert("schema_version".into(), json!(PINN_SCHEMA_VERSION));
    record.insert(
        "tool".into(),
        json!(format!("tradeoff {}", env!("CARGO_PKG_VERSION"))),
    );
    record.insert("config".into(), serde_json::to_value(definition)?);
    record.insert("n_parameters".into(), json!(n_parameters));
    record.insert("objectives_names".into(), json!(names));
    record.insert("outputs".into(), json!(evaluator.output_names()));
    record.insert("epochs_run".into(), json!(steps));
    record.insert("termination".into(), json!(result.termination.name()));
    record.insert("time_s".into(), json!(time_s));
    record.insert(
        "epoch_s".into(),
        json!(if steps > 0 {
            time_s / steps as f64
        } else {
            0.0
        }),
    );
    record.insert("test".into(), json!({"mse": test_mse}));
    record.insert("train".into(), json!({"losses": result.objectives.row(0)}));
    if let Some(dir) = out {
        record.insert("out".into(), json!(dir.display().to_string()));
    }
    record.insert(
        "notes".into(),
        json!([
            "one epoch = one optimisation step on freshly drawn collocation points (Latin hypercube)",
            "test.mse: mean square error over every test point and output (pressure included, as ConFIG's code: raw, the boundary data fix its constant) against the exact solution",
            "train.losses: each loss term at a fixed evaluation draw of collocation points, at the final weights",
            "time_s: training wall time (sampling, forward, backward, update; test evaluation and checkpoints excluded); epoch_s = time_s / steps"
        ]),
    );
    let record = Value::Object(record);
    if let Some(history) = history {
        history.clone_from(&recorder.records);
    }
    if let Some(dir) = out {
        write_atomic(
            &dir.join("result.json"),
            serde_json::to_string_pretty(&record)?.as_bytes(),
        )?;
    }
    Ok(record)
}

/// The solution and error fields on the test grid (first output; every output for the flows),
/// and the loss and test-error curves. A picture that cannot be drawn is skipped with a note.
fn draw_pictures(
    dir: &Path,
    definition: &PinnDefinition,
    evaluator: &PinnEvaluator,
    prediction: &[f64],
    records: &[PinnRecord],
    names: &[String],
) {
    let note = |what: &str, e: &dyn std::fmt::Display| eprintln!("note: {what} not drawn: {e}");
    let test = evaluator.test_set();
    let outputs = evaluator.output_names();
    let n_out = outputs.len();
    if let Some((rows, columns)) = test.grid {
        let d = test.inputs.len() / (test.reference.len() / n_out);
        let range = |axis: usize| {
            let values = test.inputs.chunks(d).take(rows * columns).map(|p| p[axis]);
            values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            })
        };
        let (xr, yr) = (range(0), range(1));
        let labels = if definition.problem == "burgers" {
            ("x", "t")
        } else {
            ("x", "y")
        };
        for (c, name) in outputs.iter().enumerate() {
            let field: Vec<f64> = (0..rows * columns)
                .map(|k| prediction[k * n_out + c])
                .collect();
            let error: Vec<f64> = (0..rows * columns)
                .map(|k| (prediction[k * n_out + c] - test.reference[k * n_out + c]).abs())
                .collect();
            for (file, title, values) in [
                (
                    format!("solution_{name}.png"),
                    format!("{name} (network)"),
                    &field,
                ),
                (
                    format!("error_{name}.png"),
                    format!("|{name} − exact|"),
                    &error,
                ),
            ] {
                if let Err(e) = tradeoff_plots::heatmap_plot(
                    dir.join(&file),
                    &title,
                    values,
                    rows,
                    columns,
                    xr,
                    yr,
                    labels,
                ) {
                    note(&file, &e);
                }
            }
        }
    }
    let mut series: Vec<(String, Vec<(usize, f64)>)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                format!("log10 {n}"),
                records
                    .iter()
                    .map(|r| (r.step, r.losses.get(i).copied().unwrap_or(f64::NAN).log10()))
                    .collect(),
            )
        })
        .collect();
    series.push((
        "log10 test MSE".into(),
        records
            .iter()
            .map(|r| (r.step, r.test_mse.log10()))
            .collect(),
    ));
    let title = format!("{} on {}", definition.method, definition.problem);
    if let Err(e) =
        tradeoff_plots::history_plot(dir.join("losses.png"), &title, &series, "log10 value")
    {
        note("losses.png", &e);
    }
}

/// `tradeoff compare --problem burgers|kovasznay|beltrami`: a training run per solver × seed
/// (one worker per core), each in `DIR/SOLVER/seed-S`; the table of test MSE (mean ± standard
/// deviation over seeds), step time and training time, and charts of the test MSE against
/// iterations and against wall time (`test_mse_steps.png`, `test_mse_time.png`).
///
/// Problem options ride on `--set SOLVER:terms=3` (per solver, as method options do).
pub fn compare(args: &super::compare::CompareArgs) -> Result<()> {
    let solvers = args.solver_names()?;
    let n_runs = super::limits::product(&[args.seeds, solvers.len()]);
    super::limits::check(
        &format!("runs (--seeds {} × {} solvers)", args.seeds, solvers.len()),
        n_runs,
        super::limits::MAX_RUNS,
    )?;
    let problem = args.problem.problem.to_ascii_lowercase();
    let mut jobs = Vec::new();
    for method in &solvers {
        let mut set = super::flags::SetArgs::default();
        set.set = args.set.for_solver(method)?;
        for k in 0..args.seeds {
            let mut train = TrainArgs::parse_defaults();
            train.problem = Some(problem.clone());
            train.method = Some(method.clone());
            train.epochs = args.epochs;
            train.seed = Some(args.run.seed() + k as u64);
            train.lr.lr = args.run.lr.lr;
            train.set = set.clone();
            jobs.push((method.clone(), definition_of(&train)?));
        }
    }
    if let Some(dir) = &args.out {
        prepare_out_dir(dir)?;
    }
    let results: Vec<Option<Result<RunOutput>>> =
        on_workers(&jobs, args.workers(), |_, (method, definition)| {
            let dir = args
                .out
                .as_deref()
                .map(|root| run_dir(root, method, definition.seed));
            Some(
                dir.as_deref()
                    .map_or(Ok(()), |d| std::fs::create_dir_all(d).map_err(Into::into))
                    .and_then(|()| execute_with_history(definition, dir.as_deref())),
            )
        });
    let mut rows = Vec::new();
    let mut by_steps = Vec::new();
    let mut by_time = Vec::new();
    for method in &solvers {
        let mut records = Vec::new();
        let mut histories = Vec::new();
        for ((m, _), result) in jobs.iter().zip(&results) {
            if m != method {
                continue;
            }
            match result {
                Some(Ok((record, history))) => {
                    records.push(record.clone());
                    histories.push(history.clone());
                }
                Some(Err(e)) => bail!("{method}: {e:#}"),
                None => bail!("{method}: the run did not finish"),
            }
        }
        let column = |f: &dyn Fn(&Value) -> Option<f64>| -> Vec<f64> {
            records.iter().filter_map(f).collect()
        };
        let (mse, mse_std) = mean_std(&column(&|r| r["test"]["mse"].as_f64()));
        let (step, _) = mean_std(&column(&|r| r["epoch_s"].as_f64()));
        let (time, _) = mean_std(&column(&|r| r["time_s"].as_f64()));
        rows.push(json!({
            "solver": method,
            "test_mse": {"mean": mse, "std": mse_std},
            "epoch_s": step,
            "time_s": time,
            "runs": records.len(),
        }));
        // The seeds' mean log10 test MSE at each recorded step, and at each step's mean time.
        let steps: Vec<usize> = histories
            .first()
            .map(|h| h.iter().map(|r| r.step).collect())
            .unwrap_or_default();
        let mut points_steps = Vec::new();
        let mut points_time = Vec::new();
        for &step in &steps {
            let at: Vec<&PinnRecord> = histories
                .iter()
                .filter_map(|h| h.iter().find(|r| r.step == step))
                .collect();
            if at.len() == histories.len() {
                let n = at.len() as f64;
                let log_mse = at.iter().map(|r| r.test_mse.log10()).sum::<f64>() / n;
                let time = at.iter().map(|r| r.time_s).sum::<f64>() / n;
                points_steps.push((step as f64, log_mse));
                points_time.push((time, log_mse));
            }
        }
        by_steps.push((method.clone(), points_steps));
        by_time.push((method.clone(), points_time));
    }
    let summary = json!({
        "schema_version": PINN_SCHEMA_VERSION,
        "problem": problem,
        "seeds": args.seeds,
        "epochs": jobs.first().map(|(_, d)| d.epochs),
        "rows": rows,
        "notes": [
            "test_mse: mean and sample standard deviation over the seeds of the final test MSE",
            "epoch_s: mean training wall time per step (evaluation excluded); time_s: the run's training time",
            "runs train concurrently, one per core: wall times are comparable between the solvers of one comparison only",
        ],
    });
    let mut table = format!(
        "| solver | test MSE (mean ± std over {} seeds) | ms per step | training s |\n|---|---|---|---|\n",
        args.seeds
    );
    for row in &rows {
        table.push_str(&format!(
            "| {} | {:.3e} ± {:.1e} | {:.1} | {:.1} |\n",
            row["solver"].as_str().unwrap_or("?"),
            row["test_mse"]["mean"].as_f64().unwrap_or(f64::NAN),
            row["test_mse"]["std"].as_f64().unwrap_or(f64::NAN),
            row["epoch_s"].as_f64().unwrap_or(f64::NAN) * 1e3,
            row["time_s"].as_f64().unwrap_or(f64::NAN),
        ));
    }
    if let Some(dir) = &args.out {
        let title = format!("{problem}: test MSE");
        for (file, series, x_label) in [
            ("test_mse_steps.png", &by_steps, "step"),
            ("test_mse_time.png", &by_time, "training wall time (s)"),
        ] {
            if let Err(e) = tradeoff_plots::curves_plot(
                dir.join(file),
                &title,
                series,
                x_label,
                "log10 test MSE (mean over seeds)",
            ) {
                eprintln!("note: {file} not drawn: {e}");
            }
        }
        write_atomic(&dir.join("summary.md"), table.as_bytes())?;
        write_atomic(
            &dir.join("summary.json"),
            serde_json::to_string_pretty(&summary)?.as_bytes(),
        )?;
    }
    if args.json {
        print_json(&summary)
    } else {
        print!("{table}");
        Ok(())
    }
}

/// Mean and sample standard deviation (0 for one value).
fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// A finished run's record and history.
type RunOutput = (Value, Vec<PinnRecord>);

/// [`execute`] returning the history too.
fn execute_with_history(
    definition: &PinnDefinition,
    out: Option<&Path>,
) -> Result<(Value, Vec<PinnRecord>)> {
    let mut history = Vec::new();
    let record = execute_inner(definition, out, None, None, Some(&mut history))?;
    Ok((record, history))
}

/// A PINN run's record path for `compare`: `DIR/METHOD/seed-S`.
pub fn run_dir(root: &Path, method: &str, seed: u64) -> PathBuf {
    root.join(method).join(format!("seed-{seed}"))
}
