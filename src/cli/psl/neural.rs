//! `psl train` and `psl query` on neural problems: one generator (hypernetwork, conditioned
//! network, PaMaL, low-rank) for every trade-off between the tasks.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tradeoff_pareto::Matrix;
use tradeoff_problems::neural::ExampleSet;
use tradeoff_problems::neural::registry::{NEURAL_PROBLEMS, NeuralSetup, NeuralSpec, build_neural};
use tradeoff_psl::neural::{
    NeuralGenerator, NeuralModelConfig, NeuralModelKind, NeuralTrainConfig, NeuralTrainer,
    PHN_DEPTH, PHN_WIDTH, PreferenceDraw, RayEvaluation, evaluate_rays, export_network,
    load_generator, save_generator,
};
use tradeoff_psl::{AdamParams, Precision, evaluation_preferences};

use super::super::io::{prepare_out_dir, print_json, write_atomic};
use super::{ModelChoice, QueryArgs, TrainArgs, loss_spec};

/// The run definition of a neural `psl train`, written first into `DIR`: `query` and
/// `--resume` rebuild everything from it.
pub const NEURAL_FILE: &str = "neural.json";
/// The progress of a run (epoch, step, training seconds), beside `checkpoint.safetensors`.
const CHECKPOINT_FILE: &str = "checkpoint.json";
/// The trained generator's weights.
const WEIGHTS_FILE: &str = "model.safetensors";
/// Schema of neural.json, checkpoint.json and result.json (`kind: "psl-neural"`).
const SCHEMA_VERSION: u32 = 1;
/// Epochs when `--epochs` is not given (as `tradeoff train`).
const DEFAULT_EPOCHS: usize = 3;
/// Evaluation rays when `--eval-rays` is not given (LibMOON's Table F).
const DEFAULT_EVAL_RAYS: usize = 20;

/// Everything that defines a neural PSL run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Definition {
    problem: String,
    network: String,
    model: NeuralModelKind,
    loss: String,
    options: Vec<String>,
    epochs: usize,
    batch: usize,
    pref_batch: usize,
    lr: f64,
    alpha: f64,
    seed: u64,
    precision: String,
    reference: Vec<f64>,
    eval_rays: usize,
    compare_with: Option<PathBuf>,
    /// Where `--eval-prefs` took the evaluation rays from (`mtl` or a file), if given.
    #[serde(default)]
    eval_prefs_from: Option<String>,
    /// The evaluation rays of `--eval-prefs`, resolved when the run starts (`None`: evenly
    /// spaced, `eval_rays` of them).
    #[serde(default)]
    eval_prefs: Option<Vec<Vec<f64>>>,
    /// `step` (`pref_batch` preferences per step) or `sample` (one per minibatch example).
    #[serde(default = "default_pref_per")]
    pref_per: String,
}

fn default_pref_per() -> String {
    PreferenceDraw::PerStep.name().to_string()
}

impl Definition {
    fn precision(&self) -> Precision {
        if self.precision == "f64" {
            Precision::F64
        } else {
            Precision::F32
        }
    }

    /// The evaluation rays: `--eval-prefs`' when given, else `eval_rays` evenly spaced ones.
    fn evaluation_rays(&self, m: usize) -> Result<Matrix> {
        let prefs = match &self.eval_prefs {
            Some(rows) => Matrix::from_rows(rows)?,
            None => evaluation_preferences(m, Some(self.eval_rays))?,
        };
        if prefs.n_cols() != m {
            bail!(
                "the evaluation rays have {} entries, {} has {m} objectives",
                prefs.n_cols(),
                self.problem
            );
        }
        Ok(prefs)
    }

    fn setup(&self) -> Result<NeuralSetup> {
        let mut spec = NeuralSpec::new(self.problem.clone());
        spec.batch_size = self.batch;
        spec.seed = self.seed;
        spec.dtype = self.precision().dtype();
        build_neural(&spec).with_context(|| format!("building {}", self.problem))
    }

    fn generator(&self, setup: &NeuralSetup) -> Result<NeuralGenerator> {
        let config = NeuralModelConfig {
            kind: self.model.clone(),
            n_obj: setup.objectives.len(),
            seed: self.seed,
            precision: self.precision(),
        };
        Ok(NeuralGenerator::new(
            config,
            setup.problem.network().as_ref(),
        )?)
    }

    fn train_config(&self) -> Result<NeuralTrainConfig> {
        let mut spec = tradeoff_psl::LossSpec::new(self.loss.clone());
        for option in &self.options {
            let (k, v) = option
                .split_once('=')
                .with_context(|| format!("--set {option}: expected key=value"))?;
            spec = spec.with(k.trim(), v.trim());
        }
        let mut config = NeuralTrainConfig::new(spec, self.reference.len());
        config.epochs = self.epochs;
        config.batch = self.batch;
        config.pref_batch = self.pref_batch;
        config.draw = if self.pref_per == PreferenceDraw::PerSample.name() {
            PreferenceDraw::PerSample
        } else {
            PreferenceDraw::PerStep
        };
        config.adam = AdamParams {
            lr: self.lr,
            ..AdamParams::default()
        };
        config.alpha = self.alpha;
        config.seed = self.seed;
        config.reference.clone_from(&self.reference);
        Ok(config)
    }
}

/// The saved progress of a run.
#[derive(Debug, Serialize, Deserialize)]
struct Progress {
    schema_version: u32,
    iteration: usize,
    epoch: usize,
    train_s: f64,
}

fn definition_of(args: &TrainArgs) -> Result<Definition> {
    let problem = args.problem.problem.to_ascii_lowercase();
    if args.iters.iters.is_some() {
        bail!("--iters is for synthetic problems: a neural problem trains for --epochs E");
    }
    let model = match args.model.unwrap_or(ModelChoice::Hypernet) {
        ModelChoice::Mlp => bail!(
            "--model mlp is for synthetic problems; a neural problem takes hypernet, conditioned, pamal or lowrank"
        ),
        ModelChoice::Hypernet => NeuralModelKind::Hypernet {
            width: args.width.unwrap_or(PHN_WIDTH),
            depth: args.depth.unwrap_or(PHN_DEPTH),
        },
        ModelChoice::Conditioned => NeuralModelKind::Conditioned,
        ModelChoice::Pamal => NeuralModelKind::Pamal {
            shared_start: args.bases_start != Some(super::BasesStart::Independent),
        },
        ModelChoice::Lowrank => NeuralModelKind::LowRank {
            rank: args.rank.unwrap_or(tradeoff_psl::neural::DEFAULT_RANK),
        },
    };
    if args.bases_start.is_some() && !matches!(model, NeuralModelKind::Pamal { .. }) {
        bail!("--bases-start is for --model pamal");
    }
    if args.rank.is_some() && !matches!(model, NeuralModelKind::LowRank { .. }) {
        bail!("--rank is for --model lowrank");
    }
    if (args.width.is_some() || args.depth.is_some())
        && !matches!(model, NeuralModelKind::Hypernet { .. })
    {
        bail!("--width/--depth size the hypernetwork's preference encoder (--model hypernet)");
    }
    let positive = |v: Option<usize>, default: usize, flag: &str| -> Result<usize> {
        let v = v.unwrap_or(default);
        if v == 0 {
            bail!("{flag} must be at least 1");
        }
        Ok(v)
    };
    let epochs = positive(args.epochs, DEFAULT_EPOCHS, "--epochs")?;
    let batch = positive(args.batch, super::super::train::DEFAULT_BATCH, "--batch")?;
    let pref_batch = positive(args.pref_batch, 1, "--pref-batch")?;
    let pref_per = match args.pref_per {
        Some(super::PrefPerChoice::Sample) => {
            if args.pref_batch.is_some() {
                bail!(
                    "--pref-per sample draws one preference per minibatch example: --pref-batch does not apply"
                );
            }
            PreferenceDraw::PerSample
        }
        _ => PreferenceDraw::PerStep,
    };
    let mut eval_rays = positive(args.eval_rays, DEFAULT_EVAL_RAYS, "--eval-rays")?;
    super::super::limits::check("preferences per step (--pref-batch)", pref_batch, 4096)?;
    super::super::limits::check("examples per batch (--batch)", batch, 1_000_000)?;
    super::super::limits::check("epochs (--epochs)", epochs, 1_000_000)?;
    super::super::limits::check("evaluation rays (--eval-rays)", eval_rays, 10_000)?;
    super::super::flags::check_stop_after(args.stop_after, epochs, args.out.is_some())?;
    let reference = args.reference.clone().unwrap_or_else(|| vec![1.0; 2]);
    if reference.iter().any(|v| !v.is_finite()) {
        bail!("--ref must hold finite numbers");
    }
    let loss = args.loss.clone().unwrap_or_else(|| "ls".into());
    loss_spec(&loss, &args.set)?;
    let eval_prefs = match args.eval_prefs.as_deref() {
        None => None,
        Some(from) if from.eq_ignore_ascii_case("mtl") => {
            let rays = tradeoff_problems::neural::registry::mtl_preferences(&problem, eval_rays);
            Some(rays.rows().map(<[f64]>::to_vec).collect::<Vec<_>>())
        }
        Some(file) => {
            if args.eval_rays.is_some() {
                bail!(
                    "--eval-rays counts evenly spaced (or --eval-prefs mtl) rays; the file of --eval-prefs gives its own"
                );
            }
            Some(read_rays(Path::new(file))?)
        }
    };
    if let Some(rays) = &eval_prefs {
        eval_rays = rays.len();
    }
    if let Some(dir) = &args.compare_with {
        // Refused now rather than after the training.
        read_finite_set(dir, &problem)?;
    }
    Ok(Definition {
        network: tradeoff_problems::neural::registry::default_model(&problem).to_string(),
        problem,
        model,
        loss,
        options: args.set.set.clone(),
        epochs,
        batch,
        pref_batch,
        lr: args.lr.or(super::DEFAULT_PSL_LR),
        alpha: args.alpha,
        seed: args.seed.seed,
        precision: args.precision.name().to_string(),
        reference,
        eval_rays,
        compare_with: args.compare_with.clone(),
        eval_prefs_from: args.eval_prefs.clone(),
        eval_prefs,
        pref_per: pref_per.name().to_string(),
    })
}

/// `psl train` on a neural problem (or `--resume DIR`).
pub fn train(args: TrainArgs) -> Result<()> {
    if let Some(dir) = args.resume.clone() {
        return resume(&args, &dir);
    }
    if !NEURAL_PROBLEMS.contains(&args.problem.problem.to_ascii_lowercase().as_str()) {
        bail!("--resume aside, this path is for neural problems");
    }
    let definition = definition_of(&args)?;
    if let Some(dir) = &args.out {
        prepare_out_dir(dir)?;
        write_atomic(
            &dir.join(NEURAL_FILE),
            &serde_json::to_vec_pretty(&json!({
                "schema_version": SCHEMA_VERSION,
                "kind": "psl-neural",
                "definition": definition,
            }))?,
        )?;
    }
    run(
        &definition,
        args.out.as_deref(),
        args.stop_after,
        args.json,
        false,
    )
}

/// Preferences from a file (JSON array of arrays or CSV), each row non-negative with a positive
/// sum; a row that does not sum to 1 is normalised (as `psl query` does).
fn read_rays(path: &Path) -> Result<Vec<Vec<f64>>> {
    let matrix = super::super::io::read_matrix(path)?;
    if matrix.n_rows() == 0 {
        bail!("{}: no preference", path.display());
    }
    matrix
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let sum: f64 = row.iter().sum();
            if row.iter().any(|v| !v.is_finite() || *v < 0.0) || sum <= 0.0 {
                bail!(
                    "{}: preference {} must hold non-negative numbers with a positive sum",
                    path.display(),
                    i + 1
                );
            }
            Ok(if (sum - 1.0).abs() <= 1e-12 {
                row.to_vec()
            } else {
                row.iter().map(|v| v / sum).collect()
            })
        })
        .collect()
}

/// What `--compare-with DIR` reads of a `tradeoff train --mode set` run (its `result.json`).
struct FiniteSet {
    /// The models' preference rays, one per row.
    prefs: Matrix,
    /// Final losses on the training split, a row per model (absent from older records).
    train: Option<Matrix>,
    /// Final losses on the test split, a row per model.
    test: Matrix,
    /// Training wall time of all the models together.
    time_s: f64,
    /// Its method and epochs (for the record).
    method: Value,
    epochs: Value,
}

/// Reads the finite set of the `train --mode set` run in `dir`, which must be on `problem`.
fn read_finite_set(dir: &Path, problem: &str) -> Result<FiniteSet> {
    let path = dir.join("result.json");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "--compare-with: cannot read {} (a `tradeoff train --mode set --out DIR` run)",
            path.display()
        )
    })?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let config = &value["config"];
    if config["mode"] != "set" {
        bail!(
            "--compare-with {}: not a `train --mode set` run (mode {})",
            dir.display(),
            config["mode"]
        );
    }
    if config["problem"].as_str() != Some(problem) {
        bail!(
            "--compare-with {}: a run on {}, this one is on {problem}",
            dir.display(),
            config["problem"]
        );
    }
    let matrix = |v: &Value, what: &str| -> Result<Matrix> {
        let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone())
            .with_context(|| format!("{}: no {what}", path.display()))?;
        Ok(Matrix::from_rows(&rows)?)
    };
    let prefs = matrix(&value["prefs"], "prefs")?;
    let test = matrix(&value["test"]["losses"], "test.losses")?;
    let train = if value["train"]["losses"].is_array() {
        Some(matrix(&value["train"]["losses"], "train.losses")?)
    } else {
        None
    };
    if test.n_rows() != prefs.n_rows() {
        bail!("{}: test.losses and prefs differ in rows", path.display());
    }
    Ok(FiniteSet {
        prefs,
        train,
        test,
        time_s: value["time_s"].as_f64().unwrap_or(f64::NAN),
        method: config["method"].clone(),
        epochs: value["epochs_run"].clone(),
    })
}

fn read_definition(dir: &Path) -> Result<Definition> {
    let path = dir.join(NEURAL_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    serde_json::from_value(value.get("definition").cloned().unwrap_or(Value::Null))
        .with_context(|| format!("{}: the definition does not parse", path.display()))
}

fn resume(args: &TrainArgs, dir: &Path) -> Result<()> {
    let given = [
        ("--model", args.model.is_some()),
        ("--loss", args.loss.is_some()),
        ("--batch", args.batch.is_some()),
        ("--epochs", args.epochs.is_some()),
        ("--iters", args.iters.iters.is_some()),
        ("--pref-batch", args.pref_batch.is_some()),
        ("--lr", args.lr.lr.is_some()),
        ("--out", args.out.is_some()),
        ("--set", !args.set.set.is_empty()),
        ("--eval-rays", args.eval_rays.is_some()),
        ("--eval-prefs", args.eval_prefs.is_some()),
        ("--pref-per", args.pref_per.is_some()),
        ("--compare-with", args.compare_with.is_some()),
    ];
    if let Some((flag, _)) = given.iter().find(|(_, g)| *g) {
        bail!(
            "psl train --resume takes the run from its checkpoint: {flag} cannot be given (only --stop-after and --json)"
        );
    }
    let definition = read_definition(dir)?;
    if !dir.join(CHECKPOINT_FILE).exists() {
        bail!("{}: no checkpoint to resume", dir.display());
    }
    run(&definition, Some(dir), args.stop_after, args.json, true)
}

fn run(
    definition: &Definition,
    out: Option<&Path>,
    stop_after: Option<usize>,
    json_output: bool,
    resuming: bool,
) -> Result<()> {
    let setup = definition.setup()?;
    let m = setup.objectives.len();
    if definition.reference.len() != m {
        bail!(
            "--ref has {} values, {} has {m} objectives",
            definition.reference.len(),
            definition.problem
        );
    }
    if definition.pref_per == PreferenceDraw::PerSample.name()
        && setup.objectives.iter().any(|o| o == "deo")
    {
        bail!(
            "--pref-per sample: {}'s DEO is a property of a batch (a difference between groups), not of one example; draw per step",
            definition.problem
        );
    }
    let generator = definition.generator(&setup)?;
    let train_set: Arc<dyn ExampleSet> = Arc::clone(
        &setup
            .splits
            .iter()
            .find(|(n, _)| n == "train")
            .context("no training split")?
            .1,
    );
    let mut trainer = NeuralTrainer::new(
        &generator,
        &setup.problem,
        train_set,
        definition.seed,
        definition.train_config()?,
    )?;
    let steps = trainer.steps_per_epoch();
    let total = trainer.total_steps();
    let mut train_s = 0.0;
    if resuming {
        let dir = out.expect("resume has a directory");
        let text = std::fs::read_to_string(dir.join(CHECKPOINT_FILE))?;
        let progress: Progress = serde_json::from_str(&text)
            .with_context(|| format!("{}: checkpoint.json does not parse", dir.display()))?;
        trainer.restore_state(dir)?;
        if trainer.iteration() != progress.iteration {
            bail!("{}: checkpoint files disagree on the step", dir.display());
        }
        train_s = progress.train_s;
        if let Some(stop) = stop_after {
            if stop <= progress.epoch || stop >= definition.epochs {
                bail!(
                    "--stop-after {stop} must be after the saved epoch {} and before {}",
                    progress.epoch,
                    definition.epochs
                );
            }
        }
    }
    let end = stop_after.map_or(total, |e| e * steps);
    let bar = super::super::progress::Progress::new(total, std::io::stderr().is_terminal());
    bar.set(trainer.iteration());
    let mut epoch_loss = 0.0;
    while trainer.iteration() < end {
        let start = Instant::now();
        let loss = trainer.step()?;
        train_s += start.elapsed().as_secs_f64();
        epoch_loss += loss;
        let iter = trainer.iteration();
        if iter % 5 == 0 || iter % steps == 0 {
            bar.set(iter);
            bar.message(format!(
                "epoch {} step {} loss {loss:.4}",
                (iter - 1) / steps + 1,
                (iter - 1) % steps + 1
            ));
        }
        if iter % steps == 0 {
            epoch_loss = 0.0;
            if let Some(dir) = out {
                trainer.save_state(dir)?;
                write_atomic(
                    &dir.join(CHECKPOINT_FILE),
                    &serde_json::to_vec_pretty(&Progress {
                        schema_version: SCHEMA_VERSION,
                        iteration: iter,
                        epoch: iter / steps,
                        train_s,
                    })?,
                )?;
            }
        }
    }
    let _ = epoch_loss;
    bar.finish();
    let epochs_run = trainer.iteration() / steps;
    if trainer.iteration() < total {
        let dir = out.expect("--stop-after has --out");
        if json_output {
            print_json(
                &json!({"stopped_after_epoch": epochs_run, "out": dir.display().to_string()}),
            )?;
        } else {
            println!(
                "stopped after epoch {epochs_run} of {}; continue with: tradeoff psl train --resume {}",
                definition.epochs,
                dir.display()
            );
        }
        return Ok(());
    }
    let eval_start = Instant::now();
    let prefs = definition.evaluation_rays(m)?;
    let evaluator = setup.problem.evaluator();
    let mut evaluation = Map::new();
    evaluation.insert("prefs".into(), matrix_json(&prefs));
    let mut test_losses = None;
    for (name, set) in &setup.splits {
        if name == "val" {
            continue;
        }
        let e = evaluate_rays(
            &generator,
            &evaluator,
            set.as_ref(),
            &prefs,
            &definition.reference,
        )?;
        if name == "test" {
            test_losses = Some(e.losses.clone());
        }
        evaluation.insert(name.clone(), split_json(&e));
    }
    let finite = definition.compare_with.as_ref().and_then(|d| {
        read_finite_set(d, &definition.problem)
            .map_err(|e| eprintln!("note: --compare-with: {e:#}"))
            .ok()
    });
    let comparison = match (&finite, &definition.compare_with) {
        (Some(f), Some(d)) => Some(compare(
            f,
            d,
            &generator,
            &setup,
            &evaluator,
            &definition.reference,
            train_s,
        )?),
        _ => None,
    };
    let eval_s = eval_start.elapsed().as_secs_f64();
    let comparison = match (comparison, &finite) {
        (Some(mut c), Some(f)) => {
            c["front"] = front_against_finite(&evaluation, f, &definition.reference)?;
            Some(c)
        }
        (c, _) => c,
    };
    let mut record = json!({
        "schema_version": SCHEMA_VERSION,
        "kind": "psl-neural",
        "tool": tradeoff::records::tool_name(),
        "config": definition,
        "network": setup.model,
        "n_target_params": setup.n_parameters,
        "n_params": generator.n_params(),
        "objectives_names": setup.objectives,
        "epochs_run": epochs_run,
        "steps_per_epoch": steps,
        "time_s": train_s,
        "epoch_s": train_s / epochs_run.max(1) as f64,
        "eval_s": eval_s,
        "evaluation": Value::Object(evaluation),
        "notes": [
            "evaluation: the network of each ray (alone) measured on the whole split; objectives are mean losses, one row per ray",
            "time_s: training wall time over all sessions of the run (evaluation and checkpoints excluded); epoch_s = time_s / epochs_run",
        ],
    });
    if let Some(c) = &comparison {
        record["comparison"] = c.clone();
        record["notes"]
            .as_array_mut()
            .expect("notes is an array")
            .push(json!("comparison: the learned networks at the finite set's rays against the finite set's final models, on the whole train and test splits; hypervolume_ratio = learned / finite set, time_ratio = learned time_s / finite set time_s"));
        record["notes"]
            .as_array_mut()
            .expect("notes is an array")
            .push(json!("comparison.front: the learned front (the evaluation rays) against the finite set's front, whatever rays each used: hypervolume_ratio = learned / finite set; epsilon_additive = the smallest ε such that every finite-set point is weakly dominated by a learned point shifted by −ε (≤ 0: the learned front covers the finite set's)"));
    }
    if let Some(dir) = out {
        save_generator(&generator, &dir.join(WEIGHTS_FILE))?;
        if let Some(test) = &test_losses {
            let learned_at_rays = comparison.as_ref().and_then(|c| {
                let rows: Vec<Vec<f64>> =
                    serde_json::from_value(c["learned"]["test"]["objectives"].clone()).ok()?;
                Matrix::from_rows(&rows).ok()
            });
            draw_front(
                dir,
                definition,
                &setup.objectives,
                test,
                finite
                    .as_ref()
                    .map(|f| &f.test)
                    .zip(learned_at_rays.as_ref()),
            );
        }
        write_atomic(
            &dir.join("result.json"),
            &serde_json::to_vec_pretty(&record)?,
        )?;
    }
    if json_output {
        print_json(&record)
    } else {
        let hv = |split: &str| {
            record["evaluation"][split]["hypervolume"]
                .as_f64()
                .map_or("-".to_string(), |v| format!("{v:.4}"))
        };
        println!(
            "psl {} on {} with {}: {epochs_run} epochs ({:.2} s per epoch), {} parameters for a {}-parameter {}; hypervolume over {} rays: train {}, test {}",
            definition.model.name(),
            definition.problem,
            definition.loss,
            train_s / epochs_run.max(1) as f64,
            generator.n_params(),
            setup.n_parameters,
            setup.model,
            definition.eval_rays,
            hv("train"),
            hv("test"),
        );
        if let Some(c) = &comparison {
            let number = |v: &Value| v.as_f64().map_or("-".to_string(), |v| format!("{v:.4}"));
            println!(
                "at the finite set's {} rays: test hypervolume {} (finite set {}, ratio {}), train {} (finite set {}, ratio {}); training time {:.1} s (finite set {:.1} s)",
                c["prefs"].as_array().map_or(0, Vec::len),
                number(&c["learned"]["test"]["hypervolume"]),
                number(&c["finite_set"]["test"]["hypervolume"]),
                number(&c["hypervolume_ratio"]["test"]),
                number(&c["learned"]["train"]["hypervolume"]),
                number(&c["finite_set"]["train"]["hypervolume"]),
                number(&c["hypervolume_ratio"]["train"]),
                train_s,
                c["finite_set"]["time_s"].as_f64().unwrap_or(f64::NAN),
            );
            println!(
                "the learned front (evaluation rays) against the finite set's front: test hypervolume ratio {}, additive epsilon {}",
                number(&c["front"]["test"]["hypervolume_ratio"]),
                number(&c["front"]["test"]["epsilon_additive"]),
            );
        }
        if let Some(dir) = out {
            println!(
                "wrote {}/{{result.json, model.safetensors, neural.json, checkpoint, front.png, front.svg}}",
                dir.display()
            );
        }
        Ok(())
    }
}

/// The learned networks at the finite set's rays against its models: both splits' losses and
/// hypervolumes (reference `reference`, recomputed for the finite set), their ratios, the times.
fn compare(
    finite: &FiniteSet,
    dir: &Path,
    generator: &NeuralGenerator,
    setup: &NeuralSetup,
    evaluator: &tradeoff_problems::neural::Evaluator,
    reference: &[f64],
    train_s: f64,
) -> Result<Value> {
    let mut learned = Map::new();
    let mut finite_record = Map::new();
    let mut ratio = Map::new();
    for (name, set) in &setup.splits {
        let finite_losses = match name.as_str() {
            "train" => finite.train.as_ref(),
            "test" => Some(&finite.test),
            _ => None,
        };
        let Some(finite_losses) = finite_losses else {
            continue;
        };
        let e = evaluate_rays(generator, evaluator, set.as_ref(), &finite.prefs, reference)?;
        let finite_hv = tradeoff_pareto::hypervolume(finite_losses, reference)?;
        learned.insert(name.clone(), split_json(&e));
        finite_record.insert(
            name.clone(),
            json!({"objectives": matrix_json(finite_losses), "hypervolume": finite_hv}),
        );
        ratio.insert(
            name.clone(),
            if finite_hv > 0.0 {
                json!(e.hypervolume / finite_hv)
            } else {
                Value::Null
            },
        );
    }
    learned.insert("time_s".into(), json!(train_s));
    finite_record.insert("time_s".into(), json!(finite.time_s));
    finite_record.insert("method".into(), finite.method.clone());
    finite_record.insert("epochs".into(), finite.epochs.clone());
    Ok(json!({
        "with": dir.display().to_string(),
        "prefs": matrix_json(&finite.prefs),
        "learned": Value::Object(learned),
        "finite_set": Value::Object(finite_record),
        "hypervolume_ratio": Value::Object(ratio),
        "time_ratio": if finite.time_s > 0.0 { json!(train_s / finite.time_s) } else { Value::Null },
    }))
}

/// The learned front at its evaluation rays against the finite set's front, per split: both
/// hypervolumes, their ratio and the additive ε-indicator of the learned front over the finite
/// set's points. This measures whether the learned front covers the finite set's even where the
/// two read preferences differently (EPO's rays are directions in objective space, a weighted
/// sum's are weights).
fn front_against_finite(
    evaluation: &Map<String, Value>,
    finite: &FiniteSet,
    reference: &[f64],
) -> Result<Value> {
    let mut out = Map::new();
    for (name, finite_losses) in [
        ("train", finite.train.as_ref()),
        ("test", Some(&finite.test)),
    ] {
        let (Some(finite_losses), Some(split)) = (finite_losses, evaluation.get(name)) else {
            continue;
        };
        let rows: Vec<Vec<f64>> = serde_json::from_value(split["objectives"].clone())?;
        let learned = Matrix::from_rows(&rows)?;
        let learned_hv = tradeoff_pareto::hypervolume(&learned, reference)?;
        let finite_hv = tradeoff_pareto::hypervolume(finite_losses, reference)?;
        out.insert(
            name.into(),
            json!({
                "learned_hypervolume": learned_hv,
                "finite_hypervolume": finite_hv,
                "hypervolume_ratio": if finite_hv > 0.0 { json!(learned_hv / finite_hv) } else { Value::Null },
                "epsilon_additive": tradeoff_pareto::epsilon_additive(&learned, finite_losses)?,
            }),
        );
    }
    Ok(Value::Object(out))
}

fn matrix_json(m: &Matrix) -> Value {
    Value::Array(m.rows().map(|r| json!(r)).collect())
}

/// One split: `objectives` (a row per ray), `accuracy` (a row per ray, one entry per
/// classification task), `deo_hard` for fairness, `hypervolume`.
fn split_json(e: &RayEvaluation) -> Value {
    let mut out = Map::new();
    out.insert("objectives".into(), matrix_json(&e.losses));
    let accuracy: Vec<&(String, Vec<f64>)> = e
        .metrics
        .iter()
        .filter(|(n, _)| n.starts_with("accuracy"))
        .collect();
    if !accuracy.is_empty() {
        let rows: Vec<Vec<f64>> = (0..e.losses.n_rows())
            .map(|r| accuracy.iter().map(|(_, v)| v[r]).collect())
            .collect();
        out.insert("accuracy".into(), json!(rows));
    }
    if let Some((_, hard)) = e.metrics.iter().find(|(n, _)| n == "deo_hard") {
        out.insert("deo_hard".into(), json!(hard));
    }
    out.insert("hypervolume".into(), json!(e.hypervolume));
    Value::Object(out)
}

/// The learned test front (losses at the evaluation rays) and, with `--compare-with DIR`, the
/// test losses of that `train --mode set` run's models (its finite set) beside the learned
/// networks' at the same rays. Skipped with a note on failure.
fn draw_front(
    dir: &Path,
    definition: &Definition,
    names: &[String],
    test: &Matrix,
    finite: Option<(&Matrix, &Matrix)>,
) {
    let title = format!(
        "{}: {} ({}), test losses",
        definition.problem,
        definition.model.name(),
        definition.loss,
    );
    for ext in ["png", "svg"] {
        let mut plot =
            tradeoff::plots::PslPlot::new(title.clone(), test).with_labels(names.to_vec());
        if let Some((f, learned)) = finite {
            plot = plot
                .with_points(format!("finite set ({} models)", f.n_rows()), f)
                .with_points("learned, same rays", learned);
        }
        if let Err(e) = tradeoff::plots::psl_plot(dir.join(format!("front.{ext}")), &plot) {
            eprintln!("note: front.{ext} not drawn: {e}");
        }
    }
}

/// `psl query DIR --pref P [--json] [--export DIR2]` on a neural run.
pub fn query(args: &QueryArgs) -> Result<()> {
    let definition = read_definition(&args.dir)?;
    let setup = definition.setup()?;
    let generator = definition.generator(&setup)?;
    load_generator(&generator, &args.dir.join(WEIGHTS_FILE))
        .with_context(|| format!("{}: no trained model (run finished?)", args.dir.display()))?;
    let m = setup.objectives.len();
    let Some(pref) = args.pref.vector()? else {
        bail!("give --pref P1,P2,.. (one preference for a neural model)");
    };
    if args.prefs_file.is_some() {
        bail!("--prefs-file is for synthetic models; give --pref P1,P2,..");
    }
    if pref.len() != m {
        bail!(
            "the preference has {} entries but {} has {m} objectives",
            pref.len(),
            definition.problem
        );
    }
    let sum: f64 = pref.iter().sum();
    if pref.iter().any(|v| !v.is_finite() || *v < 0.0) || sum <= 0.0 {
        bail!("--pref must hold non-negative numbers with a positive sum");
    }
    // Used as given when it sums to 1 (as the evaluation rays), else normalised.
    let pref: Vec<f64> = if (sum - 1.0).abs() <= 1e-12 {
        pref
    } else {
        pref.iter().map(|v| v / sum).collect()
    };
    let prefs = Matrix::from_vec(1, m, pref.clone())?;
    let test = &setup
        .splits
        .iter()
        .find(|(n, _)| n == "test")
        .context("no test split")?
        .1;
    let e = evaluate_rays(
        &generator,
        &setup.problem.evaluator(),
        test.as_ref(),
        &prefs,
        &definition.reference,
    )?;
    let mut test_record = Map::new();
    test_record.insert("losses".into(), json!(e.losses.row(0)));
    let accuracy: Vec<f64> = e
        .metrics
        .iter()
        .filter(|(n, _)| n.starts_with("accuracy"))
        .map(|(_, v)| v[0])
        .collect();
    if !accuracy.is_empty() {
        test_record.insert("accuracy".into(), json!(accuracy));
    }
    if let Some((_, hard)) = e.metrics.iter().find(|(n, _)| n == "deo_hard") {
        test_record.insert("deo_hard".into(), json!(hard[0]));
    }
    if let Some(export) = &args.export {
        prepare_out_dir(export)?;
        export_network(&generator, &pref, &export.join("model.safetensors"))?;
        write_atomic(
            &export.join("network.json"),
            &serde_json::to_vec_pretty(&json!({
                "schema_version": SCHEMA_VERSION,
                "problem": definition.problem,
                "network": setup.model,
                "model_config": Value::Null,
                "dtype": definition.precision,
                "seed": definition.seed,
                "pref": pref,
                "from": args.dir.display().to_string(),
            }))?,
        )?;
    }
    let record = json!({
        "prefs": [pref],
        "objectives_names": setup.objectives,
        "test": Value::Object(test_record),
    });
    if args.json {
        print_json(&record)
    } else {
        let names = &setup.objectives;
        let losses: Vec<String> = names
            .iter()
            .zip(e.losses.row(0))
            .map(|(n, v)| format!("{n} {v:.6}"))
            .collect();
        println!(
            "pref [{}] -> test losses {}{}",
            pref.iter()
                .map(|v| format!("{v}"))
                .collect::<Vec<_>>()
                .join(", "),
            losses.join(", "),
            if accuracy.is_empty() {
                String::new()
            } else {
                format!(
                    ", accuracy {}",
                    accuracy
                        .iter()
                        .map(|v| format!("{v:.4}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
        if let Some(export) = &args.export {
            println!(
                "wrote {}/{{model.safetensors, network.json}}",
                export.display()
            );
        }
        Ok(())
    }
}
