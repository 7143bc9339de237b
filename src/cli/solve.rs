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
use tradeoff_solvers::{DriverConfig, Init, Optimizer, Options, SolveResult};

use super::flags::{DEFAULT_SOLVE_LR, IterArgs, LrArgs, PrefArgs, SeedArgs, SetArgs};
use super::io::{parse_vector, prepare_out_dir, print_json, read_matrix, write_atomic};
use super::limits;
use super::problem_args::ProblemArgs;

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
    /// `--iters`.
    pub fn iters(&self) -> usize {
        self.iters.iters
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
            if v.len() != 2 || v[0] >= v[1] {
                bail!("--init-box needs LO,HI with LO < HI, got '{text}'");
            }
            Init::Box {
                lo: v[0],
                hi: v[1],
                seed,
            }
        } else {
            if info.lower.is_none() {
                bail!(
                    "{} has no box: give --init-box LO,HI or --init FILE",
                    info.name
                );
            }
            Init::UniformInBounds { seed }
        };
        let mut config = DriverConfig::default()
            .with_max_iters(self.iters())
            .with_optimizer(optimizer)
            .with_tolerance(self.tol)
            .with_record_every(self.record_every.max(1))
            .with_init(init);
        if self.iters() == 0 {
            bail!("--iters must be at least 1");
        }
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
    let problem = args.problem.build()?;
    let info = problem.info().clone();
    let options = args.set.options()?;
    let (prefs, prefs_source) = args.prefs.resolve(info.n_obj, args.run.seed())?;
    // Build up front so that a bad name or option fails before any work.
    let mut rule = build_rule(&args.solver, &options, &prefs, args.run.iters())?;
    let config = args.run.config(problem.as_ref(), prefs.n_rows())?;
    if let Some(dir) = &args.out {
        prepare_out_dir(dir)?;
    }
    let progress =
        super::progress::Progress::new(args.run.iters(), std::io::stderr().is_terminal());
    let result = tradeoff_solvers::solve_observed(
        problem.as_ref(),
        rule.as_mut(),
        &prefs,
        &config,
        &mut |record| {
            progress.set(record.iteration);
            progress.message(format!("hv {:.4}", record.hypervolume));
        },
    )
    .with_context(|| format!("{} on {}", args.solver, info.name))?;
    progress.finish();
    let reference = config
        .reference_point
        .clone()
        .unwrap_or_else(|| info.reference_point.clone());
    let front = problem.pareto_front(1000);
    let report = run_report(problem.as_ref(), &result, &reference, front.as_ref())?;
    let record = result_record(
        &args,
        &info,
        &options,
        &prefs_source,
        &reference,
        &result,
        &report,
    )?;
    if let Some(dir) = &args.out {
        write_outputs(
            dir,
            &record,
            &result,
            &info.name,
            &args.solver.to_ascii_lowercase(),
            front.as_ref(),
        )?;
    }
    if args.json {
        let mut summary = Map::new();
        summary.insert("problem".into(), json!(info.name));
        summary.insert("solver".into(), json!(args.solver.to_ascii_lowercase()));
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
        if let Some(dir) = &args.out {
            summary.insert("out".into(), json!(dir.display().to_string()));
        }
        print_json(&Value::Object(summary))
    } else {
        print_summary(&args, &info.name, &result, &report);
        Ok(())
    }
}

/// The step rule for a solver name: a set-level method, or a per-preference aggregator.
///
/// A method with an `iters` option (ParetoMTL's warm-up is a fraction of the run) gets the
/// run's iteration count unless the user set it.
pub fn build_rule(
    name: &str,
    options: &Options,
    prefs: &Matrix,
    iters: usize,
) -> Result<Box<dyn tradeoff_solvers::StepRule>> {
    let mut options = options.clone();
    let lower = name.trim().to_ascii_lowercase();
    let takes_iters = tradeoff_solvers::all_method_infos()
        .iter()
        .find(|i| i.name == lower)
        .is_some_and(|i| i.options.iter().any(|o| o.name == "iters"));
    if takes_iters && !options.contains("iters") {
        options = options.with("iters", iters);
    }
    Ok(tradeoff_solvers::build_rule(name, &options, prefs)?)
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
    args: &SolveArgs,
    info: &tradeoff_problems::ProblemInfo,
    options: &Options,
    prefs_source: &str,
    reference: &[f64],
    result: &SolveResult,
    report: &Map<String, Value>,
) -> Result<SolveRecord> {
    Ok(SolveRecord {
        schema_version: SOLVE_SCHEMA_VERSION,
        tool: tool_name(),
        config: SolveConfigRecord {
            problem: info.name.clone(),
            problem_name: args.problem.problem.clone(),
            n_var: info.n_var,
            n_obj: info.n_obj,
            normalize: args.problem.options.normalize.name().to_string(),
            solver: args.solver.to_ascii_lowercase(),
            options: args.set.set.clone(),
            prefs: prefs_source.to_string(),
            iters: args.run.iters(),
            lr: args.run.lr(),
            optimizer: args.run.optimizer.name().to_string(),
            seed: args.run.seed(),
            init: args
                .run
                .init
                .as_ref()
                .map(|p| p.display().to_string())
                .or_else(|| args.run.init_box.clone().map(|b| format!("box {b}")))
                .unwrap_or_else(|| "uniform in bounds".to_string()),
            reference_point: reference.to_vec(),
            record_every: args.run.record_every,
            tol: args.run.tol,
            method_options_effective: effective_options(&args.solver, options, args)?,
        },
        solutions: rows_of(&result.x),
        objectives: rows_of(&result.objectives),
        prefs: rows_of(&result.preferences),
        indicators: report.clone(),
        history: result
            .history
            .iter()
            .map(|h| HistoryPoint {
                iteration: h.iteration,
                hypervolume: h.hypervolume,
                igd: h.igd,
            })
            .collect(),
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

/// The options the method was built with, key → value: `--set`'s, and the run's iteration
/// count where [`build_rule`] fills it in.
fn effective_options(
    solver: &str,
    options: &Options,
    args: &SolveArgs,
) -> Result<BTreeMap<String, String>> {
    let mut map: BTreeMap<String, String> = args
        .set
        .pairs()?
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase().replace('-', "_"), v))
        .collect();
    let lower = solver.trim().to_ascii_lowercase();
    let takes_iters = tradeoff_solvers::all_method_infos()
        .iter()
        .find(|i| i.name == lower)
        .is_some_and(|i| i.options.iter().any(|o| o.name == "iters"));
    if takes_iters && !options.contains("iters") {
        map.insert("iters".into(), args.run.iters().to_string());
    }
    Ok(map)
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

fn print_summary(args: &SolveArgs, name: &str, result: &SolveResult, report: &Map<String, Value>) {
    let hv = report["hypervolume"].as_f64().unwrap_or(f64::NAN);
    let mut line = format!(
        "{} on {name}: {} solutions, {} iterations ({}), hypervolume {hv:.6}",
        args.solver.to_ascii_lowercase(),
        result.x.n_rows(),
        result.iterations,
        result.termination,
    );
    if let Some(igd) = report.get("igd").and_then(Value::as_f64) {
        line.push_str(&format!(", IGD {igd:.6}"));
    }
    line.push_str(&format!(", solver time {:.2} ms", result.time_s * 1e3));
    println!("{line}");
    if let Some(dir) = &args.out {
        println!(
            "wrote {}/{{result.json, front.csv, front.png, front.svg, history.png, history.svg}}",
            dir.display()
        );
    }
}
