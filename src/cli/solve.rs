//! `tradeoff solve`: one problem, one method, one solution per preference vector.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use serde_json::{Map, Value, json};
use tradeoff::records::{
    HistoryPoint, ReportInputs, SOLVE_SCHEMA_VERSION, SolveConfigRecord, SolveRecord, SolveTimings,
    indicator_report, json_f64, json_matrix, rows_of, tool_name,
};
use tradeoff_pareto::{self as pareto, Matrix};
use tradeoff_problems::Problem;
use tradeoff_solvers::{
    Checkpoint, Control, DriverConfig, Init, InitDefinition, IterationView, Observer, Optimizer,
    OptimizerDefinition, Options, ProblemDefinition, RunDefinition, Runner, SolveResult, StopAfter,
};

use super::flags::{DEFAULT_SOLVE_LR, IterArgs, LrArgs, PrefArgs, SeedArgs, SetArgs, options_of};
use super::io::{parse_vector, prepare_out_dir, print_json, read_matrix, write_atomic};
use super::limits;
use super::problem_args::{NormalizeChoice, ProblemArgs, ProblemOptions};

/// The optimiser that applies the directions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptimizerChoice {
    /// Plain gradient descent, x ← x − lr·d.
    Sgd,
    /// Adam (β1 0.9, β2 0.999, ε 1e-8, no weight decay).
    Adam,
}

impl OptimizerChoice {
    /// The name as typed and as records store it (`sgd`, `adam`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Sgd => "sgd",
            Self::Adam => "adam",
        }
    }
}

/// Where the preference vectors come from.
#[derive(Clone, Debug, Default, Args)]
pub struct PreferenceArgs {
    /// Number of preference vectors (one solution each). Default: 8 for 2 objectives
    /// (linspace, clip 0.01), 15 for more (Riesz s-energy set, clip 0.01).
    #[arg(long = "prefs", value_name = "N", conflicts_with_all = ["prefs_file", "pref"])]
    pub n_prefs: Option<usize>,
    /// Preference vectors from a file (JSON array of arrays or CSV), one per row.
    #[arg(long, value_name = "FILE", conflicts_with = "pref")]
    pub prefs_file: Option<PathBuf>,
    #[command(flatten)]
    pub pref: PrefArgs,
}

impl PreferenceArgs {
    /// Resolves the preferences for `n_obj` objectives; every row is normalised to sum 1.
    pub fn resolve(&self, n_obj: usize, seed: u64) -> Result<(Matrix, String)> {
        let (prefs, source) = if let Some(path) = &self.prefs_file {
            (read_matrix(path)?, format!("file {}", path.display()))
        } else if let Some(p) = self.pref.vector()? {
            (Matrix::from_rows(&[p])?, "--pref".to_string())
        } else {
            let n = self.n_prefs.unwrap_or(if n_obj == 2 { 8 } else { 15 });
            if n == 0 {
                bail!("--prefs must be at least 1");
            }
            limits::check(
                &format!("preference vectors (--prefs {n})"),
                n,
                limits::MAX_PREFERENCES,
            )?;
            if n_obj == 2 {
                (
                    pareto::linspace(n, 0.01)?,
                    format!("linspace({n}, clip 0.01)"),
                )
            } else {
                let energy = pareto::riesz_energy(n_obj, n, seed)?;
                (
                    pareto::clip_preferences(&energy, 0.01)?,
                    format!("riesz s-energy({n}, seed {seed}, clip 0.01)"),
                )
            }
        };
        limits::check(
            &format!("preference vectors ({source})"),
            prefs.n_rows(),
            limits::MAX_PREFERENCES,
        )?;
        if prefs.n_cols() != n_obj {
            bail!(
                "preferences have {} entries but the problem has {n_obj} objectives",
                prefs.n_cols()
            );
        }
        let mut out = prefs.clone();
        for i in 0..out.n_rows() {
            let row = out.row_mut(i);
            let sum: f64 = row.iter().sum();
            if row.iter().any(|&v| v < 0.0) || sum <= 0.0 {
                bail!("preference {i} ({row:?}) must be non-negative with a positive sum");
            }
            row.iter_mut().for_each(|v| *v /= sum);
        }
        Ok((out, source))
    }
}

/// How the run starts, how long it runs, and where it reports.
#[derive(Clone, Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub iters: IterArgs,
    #[command(flatten)]
    pub lr: LrArgs,
    /// Optimiser.
    #[arg(long, value_enum, default_value_t = OptimizerChoice::Adam, value_name = "NAME")]
    pub optimizer: OptimizerChoice,
    #[command(flatten)]
    pub seed: SeedArgs,
    /// Start points from a file (one row per preference, n_var columns).
    #[arg(long, value_name = "FILE", conflicts_with = "init_box")]
    pub init: Option<PathBuf>,
    /// Start points uniform in [LO, HI]^n (clamped to the bounds), e.g. `-0.316,0.316`.
    #[arg(long, value_name = "LO,HI", allow_hyphen_values = true)]
    pub init_box: Option<String>,
    /// Hypervolume reference point (default: the problem's, see `list problems`).
    #[arg(long = "ref", value_name = "R1,R2,..", allow_hyphen_values = true)]
    pub reference: Option<String>,
    /// Record indicators every N iterations.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub record_every: usize,
    /// Stop once every solution's step is shorter than this (0: run all iterations).
    #[arg(long, value_name = "T", default_value_t = 0.0)]
    pub tol: f64,
}

impl RunArgs {
    /// `--iters` (default [`super::flags::DEFAULT_ITERS`]).
    pub fn iters(&self) -> usize {
        self.iters.get()
    }

    /// `--lr`, or [`DEFAULT_SOLVE_LR`].
    pub fn lr(&self) -> f64 {
        self.lr.or(DEFAULT_SOLVE_LR)
    }

    /// `--seed`.
    pub fn seed(&self) -> u64 {
        self.seed.seed
    }

    /// The driver configuration for a problem, with `--seed`.
    pub fn config(&self, problem: &dyn Problem, n_points: usize) -> Result<DriverConfig> {
        self.config_for_seed(problem, n_points, self.seed())
    }

    /// The driver configuration for a problem, with the start drawn from `seed`.
    pub fn config_for_seed(
        &self,
        problem: &dyn Problem,
        n_points: usize,
        seed: u64,
    ) -> Result<DriverConfig> {
        let info = problem.info();
        let held = limits::product(&[n_points, info.n_var]);
        limits::check(
            &format!(
                "decision-variable values ({n_points} preferences × n_var {})",
                info.n_var
            ),
            held,
            limits::MAX_HELD_VALUES,
        )?;
        limits::check(
            &format!(
                "variable-steps ({n_points} preferences × n_var {} × {} iterations)",
                info.n_var,
                self.iters()
            ),
            limits::product(&[held, self.iters()]),
            limits::MAX_WORK,
        )?;
        let optimizer = match self.optimizer {
            OptimizerChoice::Sgd => Optimizer::sgd(self.lr()),
            OptimizerChoice::Adam => Optimizer::adam(self.lr()),
        };
        let init = if let Some(path) = &self.init {
            let x = read_matrix(path)?;
            if x.shape() != (n_points, info.n_var) {
                bail!(
                    "{}: {}×{} start points, expected {n_points}×{} (one row per preference, n_var columns)",
                    path.display(),
                    x.n_rows(),
                    x.n_cols(),
                    info.n_var
                );
            }
            Init::Given(x)
        } else if let Some(text) = &self.init_box {
            let v = parse_vector(text, "--init-box")?;
            let [lo, hi] = v[..] else {
                bail!("--init-box needs two values LO,HI, got '{text}'");
            };
            // The library checks lo < hi (Init::validate, through DriverConfig::validate).
            Init::Box { lo, hi, seed }
        } else {
            if info.lower.is_none() {
                bail!(
                    "{} has no box: give --init-box LO,HI or --init FILE",
                    info.name
                );
            }
            Init::UniformInBounds { seed }
        };
        if self.iters() == 0 {
            bail!("--iters must be at least 1");
        }
        let mut config = DriverConfig::default()
            .with_max_iters(self.iters())
            .with_optimizer(optimizer)
            .with_tolerance(self.tol)
            .with_record_every(self.record_every)
            .with_init(init);
        if let Some(text) = &self.reference {
            let r = parse_vector(text, "--ref")?;
            if r.len() != info.n_obj {
                bail!(
                    "--ref has {} values but {} has {} objectives",
                    r.len(),
                    info.name,
                    info.n_obj
                );
            }
            config = config.with_reference_point(r);
        }
        config.validate().map_err(|e| match e {
            tradeoff_solvers::ParamsError::Invalid {
                name: "record_every",
                ..
            } => anyhow::anyhow!("--record-every must be at least 1"),
            other => other.into(),
        })?;
        Ok(config)
    }
}

/// Arguments of `solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pub problem: ProblemArgs,
    /// Method: a scalarization, an aggregator or a set-level method; see `tradeoff list solvers`.
    #[arg(long, value_name = "NAME", default_value = "epo", long_help = solver_long_help())]
    pub solver: String,
    #[command(flatten)]
    pub set: SetArgs,
    #[command(flatten)]
    pub prefs: PreferenceArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// Write result.json, front.csv, front.png, front.svg, history.png, history.svg here
    /// (a new or an existing empty directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write a checkpoint of the run (checkpoint.json, checkpoint.safetensors) into --out every
    /// N iterations and at the end; `solve --resume DIR` continues it.
    #[arg(long, value_name = "N", requires = "out")]
    pub checkpoint_every: Option<usize>,
    /// End the run after K iterations in total, with a checkpoint (into --out, or the resumed
    /// DIR), as an interruption or a scheduler's time slot would.
    #[arg(long, value_name = "K")]
    pub stop_after: Option<usize>,
    /// Continue the checkpointed run in DIR up to its planned total (or a new total given by
    /// --iters) and rewrite DIR's outputs. Everything that defines the run comes from the
    /// checkpoint: any other run flag is an error (--stop-after and --json are allowed).
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = [
            "problem", "n_var", "n_obj", "normalize", "solver", "set", "n_prefs", "prefs_file",
            "pref", "lr", "optimizer", "seed", "init", "init_box", "reference", "record_every",
            "tol", "out", "checkpoint_every",
        ]
    )]
    pub resume: Option<PathBuf>,
    /// Print one JSON object on stdout instead of the human summary.
    #[arg(long)]
    pub json: bool,
}

/// `--solver`'s long help: the names come from the method table.
fn solver_long_help() -> String {
    format!(
        "Method: a scalarization, an aggregator or a set-level method; see `tradeoff list \
         solvers`. One of: {}.",
        super::list::solver_names()
    )
}

/// Runs `solve`.
pub fn run(args: SolveArgs) -> Result<()> {
    if let Some(dir) = args.resume.clone() {
        return resume(&args, &dir);
    }
    let problem = args.problem.build()?;
    let info = problem.info().clone();
    let (prefs, prefs_source) = args.prefs.resolve(info.n_obj, args.run.seed())?;
    let iters = args.run.iters();
    let method_options = effective_options(&args.solver, &args.set.set, iters)?;
    let options = options_of(&method_options)?;
    // Build up front so that a bad name or option fails before any work.
    let rule = build_rule(&args.solver, &options, &prefs, iters)?;
    let config = args.run.config(problem.as_ref(), prefs.n_rows())?;
    if args.checkpoint_every == Some(0) {
        bail!("--checkpoint-every must be at least 1");
    }
    if let Some(k) = args.stop_after {
        if args.out.is_none() {
            bail!("--stop-after needs --out DIR (the checkpoint goes there)");
        }
        if k == 0 || k >= iters {
            bail!("--stop-after must be between 1 and --iters - 1, got {k}");
        }
    }
    if let Some(dir) = &args.out {
        prepare_out_dir(dir)?;
    }
    let mut extra = Map::new();
    extra.insert("problem_name".into(), json!(args.problem.problem));
    extra.insert("options".into(), json!(args.set.set));
    extra.insert("prefs_source".into(), json!(prefs_source));
    extra.insert(
        "init".into(),
        json!(
            args.run
                .init
                .as_ref()
                .map(|p| p.display().to_string())
                .or_else(|| args.run.init_box.clone().map(|b| format!("box {b}")))
                .unwrap_or_else(|| "uniform in bounds".to_string())
        ),
    );
    let definition = RunDefinition {
        problem: ProblemDefinition {
            name: args.problem.problem.clone(),
            n_var: args.problem.options.n_var,
            n_obj: args.problem.options.n_obj,
            normalize: args.problem.options.normalize.name().to_string(),
        },
        method: args.solver.to_ascii_lowercase(),
        method_options,
        preferences: prefs.to_rows(),
        optimizer: OptimizerDefinition::of(&config.optimizer),
        seed: args.run.seed(),
        init: InitDefinition::of(&config.init),
        total_iters: config.max_iters,
        tolerance: config.tolerance,
        record_every: config.record_every,
        checkpoint_every: args.checkpoint_every,
        reference_point: config.reference_point.clone(),
        front_points: config.front_points,
        record_objectives: config.record_objectives,
        extra,
    };
    let checkpointed = args.checkpoint_every.is_some() || args.stop_after.is_some();
    let session = Session {
        problem,
        rule,
        prefs,
        config,
        definition,
        out: args.out.clone(),
        checkpointed,
        stop_after: args.stop_after,
        json: args.json,
    };
    session.execute(None)
}

/// `solve --resume DIR`: everything from the checkpoint, `--iters` a new total.
fn resume(args: &SolveArgs, dir: &Path) -> Result<()> {
    let checkpoint = Checkpoint::load(dir)?;
    let mut definition = checkpoint.definition;
    let saved = checkpoint.state.iteration;
    if let Some(total) = args.run.iters.iters {
        if total <= saved {
            bail!("--iters {total} must be above the saved iteration {saved}");
        }
        definition.total_iters = total;
    }
    if let Some(k) = args.stop_after {
        if k <= saved || k >= definition.total_iters {
            bail!(
                "--stop-after must be above the saved iteration {saved} and below the total {}, got {k}",
                definition.total_iters
            );
        }
    }
    let problem_options = ProblemOptions {
        n_var: definition.problem.n_var,
        n_obj: definition.problem.n_obj,
        normalize: NormalizeChoice::from_str(&definition.problem.normalize, true)
            .map_err(|e| anyhow::anyhow!("{}: normalize: {e}", dir.display()))?,
    };
    let problem = problem_options.build(&definition.problem.name)?;
    let prefs = definition.preference_matrix()?;
    check_resumed_size(dir, &definition, &prefs, problem.info().n_var)?;
    let options = options_of(&definition.method_options)?;
    let rule = build_rule(&definition.method, &options, &prefs, definition.total_iters)?;
    let config = definition.driver_config()?;
    let session = Session {
        problem,
        rule,
        prefs,
        config,
        definition,
        out: Some(dir.to_path_buf()),
        checkpointed: true,
        stop_after: args.stop_after,
        json: args.json,
    };
    session.execute(Some(checkpoint.state))
}

/// The limits of a fresh run, applied to a checkpoint's definition (a file can say anything):
/// the preference count, the values held, the work planned and the sampled front's size.
fn check_resumed_size(
    dir: &Path,
    definition: &RunDefinition,
    prefs: &Matrix,
    n_var: usize,
) -> Result<()> {
    let n_points = prefs.n_rows();
    let source = format!("checkpoint {}", dir.display());
    limits::check(
        &format!("preference vectors ({source})"),
        n_points,
        limits::MAX_PREFERENCES,
    )?;
    let held = limits::product(&[n_points, n_var]);
    limits::check(
        &format!("decision-variable values ({n_points} preferences × n_var {n_var}, {source})"),
        held,
        limits::MAX_HELD_VALUES,
    )?;
    limits::check(
        &format!(
            "variable-steps ({n_points} preferences × n_var {n_var} × {} iterations, {source})",
            definition.total_iters
        ),
        limits::product(&[held, definition.total_iters]),
        limits::MAX_WORK,
    )?;
    limits::check(
        &format!("true-front points (front_points, {source})"),
        definition.front_points,
        limits::MAX_FRONT_POINTS,
    )
}

/// The method options as the rule is built: `--set`, plus the run's iteration count for a
/// method with an `iters` option (ParetoMTL's warm-up is a fraction of the run) unless set, so
/// that a resumed run (whose total `--iters` may grow) builds the same rule.
fn effective_options(name: &str, set: &[String], iters: usize) -> Result<Vec<String>> {
    let mut out = set.to_vec();
    let lower = name.trim().to_ascii_lowercase();
    let takes_iters = tradeoff_solvers::all_method_infos()
        .iter()
        .find(|i| i.name == lower)
        .is_some_and(|i| i.options.iter().any(|o| o.name == "iters"));
    if takes_iters && !options_of(set)?.contains("iters") {
        out.push(format!("iters={iters}"));
    }
    Ok(out)
}

/// One run of `solve`, fresh or resumed: everything it needs, from the flags or a checkpoint.
struct Session {
    problem: Box<dyn Problem>,
    rule: Box<dyn tradeoff_solvers::StepRule>,
    prefs: Matrix,
    config: DriverConfig,
    definition: RunDefinition,
    out: Option<PathBuf>,
    /// Whether checkpoints are written (every N, at a stop and at the end).
    checkpointed: bool,
    stop_after: Option<usize>,
    json: bool,
}

/// Writes the checkpoint into the output directory every `every` iterations (`solve`, and
/// `train` at epoch ends).
pub(super) struct CheckpointWriter<'a> {
    pub(super) dir: &'a Path,
    pub(super) every: usize,
    pub(super) definition: &'a RunDefinition,
}

impl Observer for CheckpointWriter<'_> {
    fn iteration(&mut self, view: &IterationView<'_>) -> tradeoff_solvers::Result<Control> {
        if view.iteration % self.every == 0 && view.iteration < view.max_iters {
            Checkpoint {
                definition: self.definition.clone(),
                state: view.state(),
            }
            .save(self.dir)?;
        }
        Ok(Control::Continue)
    }
}

impl Session {
    fn execute(mut self, start: Option<tradeoff_solvers::RunState>) -> Result<()> {
        let info = self.problem.info().clone();
        let solver = self.definition.method.clone();
        let mut progress =
            super::progress::Progress::new(self.config.max_iters, std::io::stderr().is_terminal());
        let mut stop = self.stop_after.map(StopAfter);
        let mut writer = match (&self.out, self.definition.checkpoint_every) {
            (Some(dir), Some(every)) => Some(CheckpointWriter {
                dir,
                every,
                definition: &self.definition,
            }),
            _ => None,
        };
        let mut runner = Runner::new(
            self.problem.as_ref(),
            self.rule.as_mut(),
            &self.prefs,
            &self.config,
        )
        .with_observer(&mut progress);
        if let Some(writer) = writer.as_mut() {
            runner = runner.with_observer(writer);
        }
        if let Some(stop) = stop.as_mut() {
            runner = runner.with_observer(stop);
        }
        if let Some(state) = start {
            runner = runner.resume_from(state);
        }
        let outcome = runner
            .run()
            .with_context(|| format!("{solver} on {}", info.name))?;
        if let (true, Some(dir)) = (self.checkpointed, &self.out) {
            Checkpoint {
                definition: self.definition.clone(),
                state: outcome.state.clone(),
            }
            .save(dir)?;
        }
        let result = outcome.result;
        let reference = self
            .config
            .reference_point
            .clone()
            .unwrap_or_else(|| info.reference_point.clone());
        let front = self.problem.pareto_front(1000);
        let report = run_report(self.problem.as_ref(), &result, &reference, front.as_ref())?;
        let record = result_record(&self.definition, &info, &reference, &result, &report)?;
        if let Some(dir) = &self.out {
            write_outputs(dir, &record, &result, &info.name, &solver, front.as_ref())?;
        }
        if self.json {
            let mut summary = Map::new();
            summary.insert("problem".into(), json!(info.name));
            summary.insert("solver".into(), json!(solver));
            summary.insert("hypervolume".into(), report["hypervolume"].clone());
            if let Some(igd) = report.get("igd") {
                summary.insert("igd".into(), igd.clone());
            }
            summary.insert("time_s".into(), json_f64(result.time_s));
            summary.insert("termination".into(), json!(result.termination.name()));
            summary.insert("indicators".into(), Value::Object(report.clone()));
            summary.insert("objectives".into(), json_matrix(&result.objectives));
            summary.insert("solutions".into(), json_matrix(&result.x));
            summary.insert("prefs".into(), json_matrix(&result.preferences));
            if let Some(dir) = &self.out {
                summary.insert("out".into(), json!(dir.display().to_string()));
            }
            print_json(&Value::Object(summary))
        } else {
            print_summary(&solver, self.out.as_deref(), &info.name, &result, &report);
            Ok(())
        }
    }
}

/// The step rule for a solver name: a set-level method, or a per-preference aggregator.
///
/// The library gives the run's iteration count to methods whose defaults depend on it
/// (ParetoMTL's warm-up is a fraction of the run) unless the user set it.
pub fn build_rule(
    name: &str,
    options: &Options,
    prefs: &Matrix,
    iters: usize,
) -> Result<Box<dyn tradeoff_solvers::StepRule>> {
    Ok(tradeoff_solvers::build_run_rule(
        name, options, prefs, iters,
    )?)
}

/// Every indicator of the final front.
pub fn run_report(
    _problem: &dyn Problem,
    result: &SolveResult,
    reference: &[f64],
    front: Option<&Matrix>,
) -> Result<Map<String, Value>> {
    let inputs = ReportInputs {
        front,
        preferences: Some(&result.preferences),
        contributions: false,
    };
    Ok(indicator_report(&result.objectives, reference, inputs)?)
}

fn result_record(
    definition: &RunDefinition,
    info: &tradeoff_problems::ProblemInfo,
    reference: &[f64],
    result: &SolveResult,
    report: &Map<String, Value>,
) -> Result<SolveRecord> {
    let text = |key: &str| {
        definition
            .extra
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let given: Vec<String> = definition
        .extra
        .get("options")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let mut effective = BTreeMap::new();
    for pair in &definition.method_options {
        let (k, v) = super::flags::split_pair(pair)?;
        effective.insert(k.to_ascii_lowercase().replace('-', "_"), v);
    }
    Ok(SolveRecord {
        schema_version: SOLVE_SCHEMA_VERSION,
        tool: tool_name(),
        config: SolveConfigRecord {
            problem: info.name.clone(),
            problem_name: text("problem_name"),
            n_var: info.n_var,
            n_obj: info.n_obj,
            normalize: definition.problem.normalize.clone(),
            solver: definition.method.clone(),
            options: given,
            prefs: text("prefs_source"),
            iters: definition.total_iters,
            lr: definition.optimizer.lr,
            optimizer: definition.optimizer.name.clone(),
            seed: definition.seed,
            init: text("init"),
            reference_point: reference.to_vec(),
            record_every: definition.record_every,
            tol: definition.tolerance,
            method_options_effective: effective,
        },
        solutions: rows_of(&result.x),
        objectives: rows_of(&result.objectives),
        prefs: rows_of(&result.preferences),
        indicators: report.clone(),
        history: HistoryPoint::of_history(&result.history),
        termination: result.termination.name().to_string(),
        iterations: result.iterations,
        timings: SolveTimings {
            time_s: result.time_s,
            record_time_s: result.record_time_s,
            n_jacobian_evaluations: result.n_jacobian_evaluations,
            n_evaluations: result.n_evaluations,
        },
    })
}

fn write_outputs(
    dir: &Path,
    record: &SolveRecord,
    result: &SolveResult,
    title: &str,
    method: &str,
    front: Option<&Matrix>,
) -> Result<()> {
    let mut csv = String::new();
    let m = result.objectives.n_cols();
    let n = result.x.n_cols();
    let header: Vec<String> = (1..=m)
        .map(|i| format!("f{i}"))
        .chain((1..=m).map(|i| format!("pref{i}")))
        .chain((1..=n).map(|j| format!("x{j}")))
        .collect();
    csv.push_str(&header.join(","));
    csv.push('\n');
    for k in 0..result.x.n_rows() {
        let row: Vec<String> = result
            .objectives
            .row(k)
            .iter()
            .chain(result.preferences.row(k))
            .chain(result.x.row(k))
            .map(|v| format!("{v:?}"))
            .collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    write_atomic(&dir.join("front.csv"), csv.as_bytes())?;
    super::render::solve_plots(dir, title, method, result, front)?;
    // Last: a directory holding result.json is a finished run.
    write_atomic(
        &dir.join("result.json"),
        &serde_json::to_vec_pretty(record)?,
    )?;
    Ok(())
}

fn print_summary(
    solver: &str,
    out: Option<&Path>,
    name: &str,
    result: &SolveResult,
    report: &Map<String, Value>,
) {
    let hv = report["hypervolume"].as_f64().unwrap_or(f64::NAN);
    let mut line = format!(
        "{solver} on {name}: {} solutions, {} iterations ({}), hypervolume {hv:.6}",
        result.x.n_rows(),
        result.iterations,
        result.termination,
    );
    if let Some(igd) = report.get("igd").and_then(Value::as_f64) {
        line.push_str(&format!(", IGD {igd:.6}"));
    }
    line.push_str(&format!(", solver time {:.2} ms", result.time_s * 1e3));
    println!("{line}");
    if let Some(dir) = out {
        println!(
            "wrote {}/{{result.json, front.csv, front.png, front.svg, history.png, history.svg}}",
            dir.display()
        );
    }
}
