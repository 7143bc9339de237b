//! `tradeoff psl train` and `tradeoff psl query`: learn the whole Pareto set once, then answer
//! any preference instantly.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use tradeoff::records::{
    PSL_SCHEMA_VERSION, PslConfigRecord, PslHistoryRecord, PslRecord, PslTimings, json_matrix,
    tool_name,
};
use tradeoff_pareto::Matrix;
use tradeoff_plots::{PslPlot, psl_plot};
use tradeoff_psl::{
    LossSpec, ModelConfig, ModelKind, Precision, TrainConfig, Trainer, build_model, dense_front,
    evaluate, load_model, query, save_model,
};

use super::flags::{DEFAULT_PSL_LR, IterArgs, LrArgs, PrefArgs, SeedArgs, SetArgs};
use super::io::{prepare_out_dir, print_json, read_matrix, write_atomic};
use super::limits;
use super::problem_args::ProblemArgs;
use super::render::both_formats;

mod neural;

/// `psl` subcommands.
#[derive(Debug, Subcommand)]
pub enum PslCommand {
    /// Train a Pareto-set model on a problem and save it with its evaluation and a picture.
    Train(Box<TrainArgs>),
    /// Ask a saved model for the solutions of given preferences (no training).
    Query(QueryArgs),
}

/// Arguments of `psl`.
#[derive(Debug, Args)]
pub struct PslArgs {
    #[command(subcommand)]
    command: PslCommand,
}

/// Model families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelChoice {
    /// Preference → solution MLP (LibMOON's m → 256⁴ → n, ReLU; sigmoid onto the box).
    Mlp,
    /// Hypernetwork emitting the parameters of a target network (the linear model for `regression`).
    Hypernet,
    /// The target network takes the preference as an extra input.
    Conditioned,
    /// PaMaL model combination: θ(λ) = Σ λ_i θ_i.
    Pamal,
    /// Low-rank combination: W(λ) = W_0 + Σ λ_i A_i B_i.
    Lowrank,
}

impl ModelChoice {
    /// The name as typed and as records store it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mlp => "mlp",
            Self::Hypernet => "hypernet",
            Self::Conditioned => "conditioned",
            Self::Pamal => "pamal",
            Self::Lowrank => "lowrank",
        }
    }
}

/// How a neural `psl train` draws its preferences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PrefPerChoice {
    /// `--pref-batch` preferences per step, each network seeing the whole minibatch.
    Step,
    /// One preference per minibatch example.
    Sample,
}

/// How PaMaL's base networks start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BasesStart {
    /// Copies of one initial network.
    Same,
    /// Independent draws.
    Independent,
}

/// Floating-point precision of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PrecisionChoice {
    /// 32-bit floats (default, as LibMOON).
    F32,
    /// 64-bit floats.
    F64,
}

impl PrecisionChoice {
    /// The name as typed and as records store it.
    pub fn name(self) -> &'static str {
        match self {
            Self::F32 => "f32",
            Self::F64 => "f64",
        }
    }
}

/// Arguments of `psl train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    problem: ProblemArgs,
    /// Model family [default: mlp; hypernet for a neural problem, where mlp does not apply].
    #[arg(long, value_enum, value_name = "KIND")]
    model: Option<ModelChoice>,
    /// Training signal: a scalarization (tche, mtche, ls, cosmos, pbi, stche, smtche, aasf,
    /// pnorm, invagg), epo, pmgda, or hv (expected hypervolume over random directions)
    /// [default: tche; ls for a neural problem].
    #[arg(long, value_name = "NAME")]
    loss: Option<String>,
    // `--set key=value`: options of the loss, e.g. `libmoon=true` for LibMOON's unweighted Tche.
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    iters: IterArgs,
    /// Synthetic problems: preferences per batch (Dirichlet samples) [default: 128]. Neural
    /// problems: the data minibatch [default: 256].
    #[arg(long, value_name = "B")]
    batch: Option<usize>,
    /// Neural problems: passes over the training data [default: 3]. Not with --iters.
    #[arg(long, value_name = "E")]
    epochs: Option<usize>,
    /// Neural problems: preferences drawn per step, each network seeing the whole minibatch
    /// [default: 1].
    #[arg(long, value_name = "P")]
    pref_batch: Option<usize>,
    /// Neural problems, --model pamal: the base networks start as copies of one network
    /// (`same`) or from independent draws [default: same].
    #[arg(long, value_enum, value_name = "same|independent")]
    bases_start: Option<BasesStart>,
    /// Neural problems: rank of the low-rank family [default: 5].
    #[arg(long, value_name = "R")]
    rank: Option<usize>,
    /// Neural problems: evaluation rays (linspace(0.01, 0.99) for two objectives) [default: 20].
    #[arg(long, value_name = "N")]
    eval_rays: Option<usize>,
    /// Neural problems: evaluate at these rays instead of --eval-rays' evenly spaced ones: a
    /// file (JSON array of arrays or CSV, one preference per row) or `mtl` (LibMOON's
    /// `get_mtl_prefs`, the rays of `tradeoff train --mode set`, --eval-rays of them).
    #[arg(long, value_name = "FILE|mtl")]
    eval_prefs: Option<String>,
    /// Neural problems: `step` draws --pref-batch preferences per step, each network seeing
    /// the whole minibatch; `sample` draws one preference per minibatch example, each example
    /// read by its own preference's network [default: step].
    #[arg(long, value_enum, value_name = "step|sample")]
    pref_per: Option<PrefPerChoice>,
    /// Neural problems: hypervolume reference point [default: 1 per objective].
    #[arg(
        long = "ref",
        value_delimiter = ',',
        value_name = "R1,R2,..",
        allow_hyphen_values = true
    )]
    reference: Option<Vec<f64>>,
    /// Neural problems: a `tradeoff train --mode set` output directory whose test losses (its
    /// finite set) are drawn beside the learned front in front.png.
    #[arg(long, value_name = "DIR")]
    compare_with: Option<PathBuf>,
    /// Neural problems: end after E1 epochs with a checkpoint (continue with `--resume DIR`).
    #[arg(long, value_name = "E1")]
    stop_after: Option<usize>,
    /// Neural problems: continue the run saved in DIR to its planned epochs.
    #[arg(long, value_name = "DIR")]
    resume: Option<PathBuf>,
    // `--lr`: Adam (no weight decay) on the network's weights.
    #[command(flatten)]
    lr: LrArgs,
    /// Dirichlet concentration of the sampled preferences.
    #[arg(long, value_name = "A", default_value_t = 1.0)]
    alpha: f64,
    #[command(flatten)]
    seed: SeedArgs,
    /// Hidden width of the network (default: the family's, 256 for the MLP).
    #[arg(long, value_name = "W")]
    width: Option<usize>,
    /// Hidden layers (default: the family's, 4 for the MLP).
    #[arg(long, value_name = "D")]
    depth: Option<usize>,
    /// Precision of the model.
    #[arg(long, value_enum, default_value_t = PrecisionChoice::F32, value_name = "P")]
    precision: PrecisionChoice,
    /// Write model.safetensors, model.json, result.json, front.png, front.svg here (a new or
    /// an existing empty directory).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print one JSON object on stdout instead of the human summary.
    #[arg(long)]
    json: bool,
}

/// Arguments of `psl query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A directory written by `psl train --out`.
    dir: PathBuf,
    #[command(flatten)]
    pref: PrefArgs,
    /// Preferences from a file (JSON array of arrays or CSV), one per row.
    #[arg(long, value_name = "FILE", conflicts_with = "pref")]
    prefs_file: Option<PathBuf>,
    /// Print `{"prefs", "solutions", "objectives"}` as JSON (neural: `{"prefs", "test":
    /// {"losses", "accuracy"}}`).
    #[arg(long)]
    json: bool,
    /// Neural models: write the network of `--pref` to DIR2 (`model.safetensors` with the
    /// network's parameter names, `network.json`), loadable as a plain model of the problem.
    #[arg(long, value_name = "DIR2")]
    export: Option<PathBuf>,
}

impl PslArgs {
    /// `psl train`'s `(iters, lr, seed)`, with their defaults.
    #[cfg(test)]
    pub fn train_flags(&self) -> Option<(usize, f64, u64)> {
        match &self.command {
            PslCommand::Train(a) => Some((a.iters.get(), a.lr.or(DEFAULT_PSL_LR), a.seed.seed)),
            PslCommand::Query(_) => None,
        }
    }

    /// `psl train`'s problem.
    #[cfg(test)]
    pub fn problem_name(&self) -> Option<String> {
        match &self.command {
            PslCommand::Train(a) => Some(a.problem.problem.clone()),
            PslCommand::Query(_) => None,
        }
    }
}

/// Runs `psl`.
pub fn run(args: PslArgs) -> Result<()> {
    match args.command {
        PslCommand::Train(a) => train(*a),
        PslCommand::Query(a) => query_model(a),
    }
}

fn loss_spec(name: &str, set: &SetArgs) -> Result<LossSpec> {
    let mut spec = LossSpec::new(name);
    for (k, v) in set.pairs()? {
        spec = spec.with(&k, &v);
    }
    Ok(spec)
}

/// Refuses a batch whose activations would exceed [`limits::MAX_BATCH_VALUES`], before the
/// model is built.
fn check_batch(batch: usize, config: &ModelConfig) -> Result<()> {
    limits::check(
        &format!(
            "activation values per batch (--batch {batch} × width {} × depth {})",
            config.width,
            config.depth.max(1)
        ),
        limits::product(&[batch, config.width, config.depth.max(1)]),
        limits::MAX_BATCH_VALUES,
    )?;
    limits::check(
        &format!(
            "solution values per batch (--batch {batch} × n_var {})",
            config.n_var
        ),
        limits::product(&[batch, config.n_var]),
        limits::MAX_BATCH_VALUES,
    )
}

fn train(args: TrainArgs) -> Result<()> {
    if args.resume.is_some()
        || tradeoff_problems::neural::registry::is_neural_problem(
            &args.problem.problem.to_ascii_lowercase(),
        )
    {
        return neural::train(args);
    }
    for (flag, given) in [
        ("--epochs", args.epochs.is_some()),
        ("--pref-batch", args.pref_batch.is_some()),
        ("--rank", args.rank.is_some()),
        ("--eval-rays", args.eval_rays.is_some()),
        ("--eval-prefs", args.eval_prefs.is_some()),
        ("--pref-per", args.pref_per.is_some()),
        ("--ref", args.reference.is_some()),
        ("--compare-with", args.compare_with.is_some()),
        ("--stop-after", args.stop_after.is_some()),
    ] {
        if given {
            bail!(
                "{flag} is for neural problems (multi-mnist, adult, compas, credit); a synthetic problem runs for --iters N"
            );
        }
    }
    let model_choice = args.model.unwrap_or(ModelChoice::Mlp);
    let loss_name = args.loss.clone().unwrap_or_else(|| "tche".to_string());
    let batch = args.batch.unwrap_or(128);
    let problem = args.problem.build()?;
    let info = problem.info().clone();
    let spec = args.problem.spec();
    let iters = args.iters.get();
    let lr = args.lr.or(DEFAULT_PSL_LR);
    let seed = args.seed.seed;
    let model_name = model_choice.name();
    let kind = ModelKind::for_problem(model_name, &info)
        .with_context(|| format!("unknown model '{model_name}'"))?;
    let mut config = ModelConfig::for_problem(kind, &info)
        .with_seed(seed)
        .with_precision(match args.precision {
            PrecisionChoice::F32 => Precision::F32,
            PrecisionChoice::F64 => Precision::F64,
        });
    if let Some(w) = args.width {
        config = config.with_width(w);
    }
    if let Some(d) = args.depth {
        config = config.with_depth(d);
    }
    let training = TrainConfig::new(loss_spec(&loss_name, &args.set)?)
        .with_iters(iters)
        .with_batch_size(batch)
        .with_lr(lr)
        .with_alpha(args.alpha)
        .with_seed(seed);
    training.validate()?;
    check_batch(batch, &config)?;
    let model = build_model(&config)?;
    if let Some(dir) = &args.out {
        prepare_out_dir(dir)?;
    }
    let progress = super::progress::Progress::new(iters, std::io::stderr().is_terminal());
    let start = Instant::now();
    let mut trainer = Trainer::new(model.as_ref(), problem.as_ref(), training.clone())?;
    let history = trainer.run(|s| {
        if s.iter % 10 == 0 {
            progress.set(s.iter);
            progress.message(format!("loss {:.4}", s.loss));
        }
    })?;
    let train_s = start.elapsed().as_secs_f64();
    progress.finish();
    let evaluation = evaluate(model.as_ref(), problem.as_ref(), None)?;
    let hv = evaluation.indicators.hv;
    let igd = evaluation.indicators.igd;
    let record = PslRecord {
        schema_version: PSL_SCHEMA_VERSION,
        kind: "psl".to_string(),
        tool: tool_name(),
        config: PslConfigRecord {
            problem: info.name.clone(),
            problem_name: args.problem.problem.clone(),
            n_var: info.n_var,
            n_obj: info.n_obj,
            normalize: args.problem.options.normalize.name().to_string(),
            model: model_name.to_string(),
            loss: loss_name.clone(),
            options: args.set.set.clone(),
            iters,
            batch,
            lr,
            alpha: args.alpha,
            seed,
            precision: args.precision.name().to_string(),
            n_params: model.n_params(),
        },
        evaluation,
        history: PslHistoryRecord {
            loss: history.loss,
            grad_norm: history.grad_norm,
        },
        timings: PslTimings {
            train_s,
            per_iteration_ms: train_s * 1e3 / iters.max(1) as f64,
        },
    };
    let evaluation = &record.evaluation;
    if let Some(dir) = &args.out {
        save_model(dir, model.as_ref(), &spec, Some(&training))?;
        let dense = dense_front(model.as_ref(), problem.as_ref(), 200)?;
        let eval_prefs = Matrix::from_rows(&evaluation.prefs)?;
        let eval_objectives = Matrix::from_rows(&evaluation.objectives)?;
        let front = problem.pareto_front(1000);
        let mut plot = PslPlot::new(
            format!("{}: {model_name} ({loss_name})", info.name),
            &dense.objectives,
        )
        .with_mapping(&eval_prefs, &eval_objectives);
        if let Some(f) = &front {
            plot = plot.with_true_front(f);
        }
        both_formats(dir, "front", |p| psl_plot(p, &plot))?;
        // Last: a directory holding result.json is a finished training.
        write_atomic(
            &dir.join("result.json"),
            &serde_json::to_vec_pretty(&record)?,
        )?;
    }
    if args.json {
        let mut out = serde_json::to_value(&record)?;
        if let Some(dir) = &args.out {
            out["out"] = json!(dir.display().to_string());
        }
        print_json(&out)
    } else {
        let mut line = format!(
            "psl {model_name} on {} with {loss_name}: {} iterations, hypervolume {hv:.6} on {} evaluation preferences",
            info.name,
            iters,
            evaluation.prefs.len()
        );
        if let Some(igd) = igd {
            line.push_str(&format!(", IGD {igd:.6}"));
        }
        line.push_str(&format!(
            ", training {train_s:.2} s ({:.2} ms per iteration)",
            train_s * 1e3 / iters.max(1) as f64
        ));
        println!("{line}");
        if let Some(dir) = &args.out {
            println!(
                "wrote {}/{{model.safetensors, model.json, result.json, front.png, front.svg}}",
                dir.display()
            );
        }
        Ok(())
    }
}

fn query_model(args: QueryArgs) -> Result<()> {
    if args.dir.join(neural::NEURAL_FILE).exists() {
        return neural::query(&args);
    }
    if args.export.is_some() {
        bail!(
            "--export is for models of neural problems (psl train --problem multi-mnist|adult|compas|credit)"
        );
    }
    let loaded = load_model(&args.dir)
        .with_context(|| format!("cannot load a model from {}", args.dir.display()))?;
    let problem = tradeoff_problems::build_problem(&loaded.problem_spec()?)?;
    let n_obj = problem.info().n_obj;
    let prefs = if let Some(path) = &args.prefs_file {
        read_matrix(path)?
    } else if let Some(p) = args.pref.vector()? {
        Matrix::from_rows(&[p])?
    } else {
        bail!("give --pref P1,P2,.. or --prefs-file FILE");
    };
    if prefs.n_cols() != n_obj {
        bail!(
            "preferences have {} entries but the model's problem has {n_obj} objectives",
            prefs.n_cols()
        );
    }
    // Normalised as `solve` does (only when the sum is not already 1), and printed so.
    let rows: Vec<Vec<f64>> = prefs
        .rows()
        .enumerate()
        .map(|(i, row)| {
            tradeoff_pareto::normalize_preference(row).with_context(|| format!("preference {i}"))
        })
        .collect::<Result<_>>()?;
    let prefs = Matrix::from_rows(&rows)?;
    let solutions = query(loaded.model.as_ref(), &prefs)?;
    let objectives = problem.evaluate(&solutions)?;
    if args.json {
        print_json(&json!({
            "prefs": json_matrix(&prefs),
            "solutions": json_matrix(&solutions),
            "objectives": json_matrix(&objectives),
        }))
    } else {
        for k in 0..prefs.n_rows() {
            let fmt = |r: &[f64]| {
                r.iter()
                    .map(|v| format!("{v:.6}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            println!(
                "pref [{}] -> objectives [{}]  solution [{}]",
                fmt(prefs.row(k)),
                fmt(objectives.row(k)),
                fmt(solutions.row(k))
            );
        }
        Ok(())
    }
}
