//! `tradeoff compare`: several solvers × several seeds under one budget, side by side.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Result, bail};
use clap::Args;
use serde_json::{Map, Value};
use tradeoff::records::{
    COMPARISON_SCHEMA_VERSION, ComparisonConfigRecord, ComparisonRecord, ComparisonRow,
    ComparisonRun, HistoryPoint, MeanStd, RunFailure, json_f64, rows_of, tool_name,
};
use tradeoff_pareto::Matrix;
use tradeoff_problems::Problem;
use tradeoff_solvers::{DriverConfig, SolveResult};

use super::flags::{SolverSetArgs, options_of};
use super::io::{on_workers, prepare_out_dir, print_json, write_atomic};
use super::limits;
use super::problem_args::ProblemArgs;
use super::solve::{PreferenceArgs, RunArgs, build_rule, run_report};

/// Arguments of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub problem: ProblemArgs,
    /// Solvers to compare, comma-separated; see `tradeoff list solvers`.
    #[arg(
        long,
        value_name = "A,B,..",
        value_delimiter = ',',
        required = true,
        long_help = solvers_long_help()
    )]
    pub solvers: Vec<String>,
    /// Number of seeds: seeds S, S+1, ..., S+N−1 with S = --seed; seed s gives every solver the
    /// same start.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub seeds: usize,
    #[command(flatten)]
    pub set: SolverSetArgs,
    #[command(flatten)]
    pub prefs: PreferenceArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// Write summary.json, summary.csv, summary.md and the pictures (fronts, hypervolume
    /// histories, hypervolume bars; PNG and SVG) here (a new or an existing empty directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print summary.json on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Runs at a time, each on one thread [default: one per core this process may use].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub jobs: Option<u64>,
    /// Neural problems (multi-mnist, adult, compas, credit, tabular): epochs per run
    /// [default: 3].
    #[arg(long, value_name = "E")]
    pub epochs: Option<usize>,
    #[command(flatten)]
    pub neural: NeuralCompareArgs,
}

impl CompareArgs {
    /// `--solvers`, trimmed and lower-cased, empty entries dropped.
    ///
    /// # Errors
    /// When no name is left.
    pub fn solver_names(&self) -> Result<Vec<String>> {
        let solvers: Vec<String> = self
            .solvers
            .iter()
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        if solvers.is_empty() {
            bail!("--solvers names no solver");
        }
        Ok(solvers)
    }

    /// `--jobs`: the worker threads of the runs (`None`: one per core).
    pub fn workers(&self) -> Option<usize> {
        self.jobs.map(|n| usize::try_from(n).unwrap_or(usize::MAX))
    }
}

/// The flags of `compare` that only a neural problem takes.
#[derive(Debug, Args)]
pub struct NeuralCompareArgs {
    /// Neural problems: `mtl` (one model per run, default) or `set` (a set of --prefs K models
    /// per run, LibMOON's rays; the table adds the hypervolume of the training losses).
    #[arg(long, value_enum)]
    pub mode: Option<super::train::Mode>,
    /// Neural problems: the minibatch size [default: train's, 256].
    #[arg(long, value_name = "B")]
    pub batch: Option<usize>,
    /// Fairness problems: `clean` (default) or `libmoon` (LibMOON's inputs and splits).
    #[arg(long, value_name = "clean|libmoon")]
    pub preprocess: Option<String>,
    /// Neural problems: a data file in place of the embedded data (`tabular`: the CSV).
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// `tabular`: the target columns.
    #[arg(long, value_delimiter = ',', value_name = "Y1,Y2,..")]
    pub targets: Vec<String>,
    /// `tabular`: one loss per target (bce, ce, mse).
    #[arg(long, value_delimiter = ',', value_name = "L1,L2,..")]
    pub losses: Vec<String>,
    /// Multi-task problems (multi-mnist, tabular with several targets) in `--mode mtl`: skip
    /// the single-task baselines (each task trained alone with the same budget) and LibMTL's
    /// Δm% against them, which `compare` reports by default.
    #[arg(long)]
    pub no_baselines: bool,
}

/// `--solvers`' long help: the names come from the method table.
fn solvers_long_help() -> String {
    format!(
        "Solvers to compare, comma-separated; see `tradeoff list solvers`. Each one of: {}.",
        super::list::solver_names()
    )
}

/// The columns of the table: (key in the indicator report, header, larger is better).
const COLUMNS: &[(&str, &str, bool)] = &[
    ("hypervolume", "HV", true),
    ("igd", "IGD", false),
    ("lmin", "lmin", true),
    ("spacing", "spacing", false),
    ("sparsity", "sparsity", false),
    ("cross_angle", "cross angle (°)", false),
    ("pbi", "PBI", false),
    ("time_s", "time (s)", false),
];

/// One finished (or failed) run.
struct RunOutcome {
    solver: String,
    seed: u64,
    outcome: std::result::Result<(SolveResult, Map<String, Value>), String>,
}

impl NeuralCompareArgs {
    /// The first of these flags that was given, if any (for refusing them where they do not
    /// apply).
    fn first_given(&self) -> Option<&'static str> {
        [
            ("--mode", self.mode.is_some()),
            ("--batch", self.batch.is_some()),
            ("--preprocess", self.preprocess.is_some()),
            ("--data", self.data.is_some()),
            ("--targets", !self.targets.is_empty()),
            ("--losses", !self.losses.is_empty()),
            ("--no-baselines", self.no_baselines),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }
}

/// Runs `compare`.
pub fn run(args: CompareArgs) -> Result<()> {
    if args.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    if super::pinn::is_pinn(Some(&args.problem.problem)) {
        if args.run.iters.iters.is_some() {
            bail!("--iters is for synthetic problems: a PINN problem trains for --epochs E steps");
        }
        if let Some(flag) = args.neural.first_given() {
            bail!(
                "{flag} is for the data-set problems (multi-mnist, adult, compas, credit, tabular), not a PINN"
            );
        }
        return super::pinn::compare(&args);
    }
    if tradeoff_problems::neural::registry::is_neural_problem(&args.problem.problem) {
        if args.run.iters.iters.is_some() {
            bail!("--iters is for synthetic problems: a neural problem trains for --epochs E");
        }
        return compare_neural(&args);
    }
    if args.epochs.is_some() {
        bail!("--epochs is for neural problems: a synthetic problem runs for --iters N");
    }
    if let Some(flag) = args.neural.first_given() {
        bail!("{flag} is for neural problems");
    }
    let problem = args.problem.build()?;
    let info = problem.info().clone();
    let solvers = args.solver_names()?;
    for (i, s) in solvers.iter().enumerate() {
        if solvers[..i].contains(s) {
            bail!(
                "--solvers names '{s}' twice: name each solver once (seeds repeat a solver: --seeds)"
            );
        }
    }
    let n_runs = limits::product(&[args.seeds, solvers.len()]);
    limits::check(
        &format!("runs (--seeds {} × {} solvers)", args.seeds, solvers.len()),
        n_runs,
        limits::MAX_RUNS,
    )?;
    for s in &args.set.set {
        let name = s
            .split_once(':')
            .map(|(n, _)| n.trim().to_ascii_lowercase());
        if !name.as_ref().is_some_and(|n| solvers.contains(n)) {
            bail!("--set '{s}': must be SOLVER:key=value with SOLVER one of --solvers");
        }
    }
    let (prefs, prefs_source) = args.prefs.resolve(info.n_obj, args.run.seed())?;
    let held = limits::product(&[n_runs, prefs.n_rows(), info.n_var]);
    limits::check(
        &format!(
            "decision-variable values ({n_runs} runs × {} preferences × n_var {})",
            prefs.n_rows(),
            info.n_var
        ),
        held,
        limits::MAX_HELD_VALUES,
    )?;
    limits::check(
        &format!(
            "variable-steps ({n_runs} runs × {} preferences × n_var {} × {} iterations)",
            prefs.n_rows(),
            info.n_var,
            args.run.iters()
        ),
        limits::product(&[held, args.run.iters()]),
        limits::MAX_WORK,
    )?;
    // Check every name, option and configuration before any run starts.
    // Options are parsed per run from their text: `Options` is not shared across threads.
    let mut options: Vec<Vec<String>> = Vec::new();
    for solver in &solvers {
        let pairs = args.set.for_solver(solver)?;
        build_rule(solver, &options_of(&pairs)?, &prefs, args.run.iters())?;
        options.push(pairs);
    }
    let seeds: Vec<u64> = (0..args.seeds as u64)
        .map(|s| args.run.seed() + s)
        .collect();
    let configs: Vec<DriverConfig> = seeds
        .iter()
        .map(|&s| {
            args.run
                .config_for_seed(problem.as_ref(), prefs.n_rows(), s)
        })
        .collect::<Result<_>>()?;
    if let Some(dir) = &args.out {
        prepare_out_dir(dir)?;
    }
    let reference = configs[0]
        .reference_point
        .clone()
        .unwrap_or_else(|| info.reference_point.clone());
    let front = problem.pareto_front(1000);

    let jobs: Vec<(usize, usize)> = (0..solvers.len())
        .flat_map(|i| (0..seeds.len()).map(move |j| (i, j)))
        .collect();
    let progress = super::progress::Progress::new(jobs.len(), std::io::stderr().is_terminal());
    let done = AtomicUsize::new(0);
    let outcomes: Vec<RunOutcome> = on_workers(&jobs, args.workers(), |_, &(i, j)| {
        let outcome = one_run(
            problem.as_ref(),
            &solvers[i],
            &options[i],
            &prefs,
            &configs[j],
            &reference,
            front.as_ref(),
        );
        progress.set(done.fetch_add(1, Ordering::SeqCst) + 1);
        RunOutcome {
            solver: solvers[i].clone(),
            seed: seeds[j],
            outcome,
        }
    });
    progress.finish();

    let summary = summary_json(
        &args,
        &info.name,
        &solvers,
        &outcomes,
        &prefs,
        &prefs_source,
        &reference,
    );
    if let Some(dir) = &args.out {
        write_comparison(dir, &summary, &info.name, front.as_ref())?;
    }
    if args.json {
        print_json(&summary)?;
    } else {
        print!("{}", markdown_table(&summary, front.is_some()));
        if let Some(dir) = &args.out {
            println!(
                "wrote {}/{{summary.json, summary.csv, summary.md, fronts, history, hypervolume (.png, .svg)}}",
                dir.display()
            );
        }
    }
    let failures = outcomes.iter().filter(|o| o.outcome.is_err()).count();
    if failures == outcomes.len() {
        bail!("every run failed (see the table)");
    }
    Ok(())
}

fn one_run(
    problem: &dyn Problem,
    solver: &str,
    options: &[String],
    prefs: &Matrix,
    config: &DriverConfig,
    reference: &[f64],
    front: Option<&Matrix>,
) -> std::result::Result<(SolveResult, Map<String, Value>), String> {
    let run = || -> Result<(SolveResult, Map<String, Value>)> {
        let mut rule = build_rule(solver, &options_of(options)?, prefs, config.max_iters)?;
        let result = tradeoff_solvers::solve(problem, rule.as_mut(), prefs, config)?;
        let mut report = run_report(problem, &result, reference, front)?;
        report.insert("time_s".into(), json_f64(result.time_s));
        Ok((result, report))
    };
    run().map_err(|e| format!("{e:#}"))
}

fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

fn summary_json(
    args: &CompareArgs,
    problem: &str,
    solvers: &[String],
    outcomes: &[RunOutcome],
    prefs: &Matrix,
    prefs_source: &str,
    reference: &[f64],
) -> ComparisonRecord {
    let mut rows = Vec::new();
    for solver in solvers {
        let mine: Vec<&RunOutcome> = outcomes.iter().filter(|o| &o.solver == solver).collect();
        let ok: Vec<&Map<String, Value>> = mine
            .iter()
            .filter_map(|o| o.outcome.as_ref().ok().map(|(_, r)| r))
            .collect();
        let mut indicators = BTreeMap::new();
        for &(key, _, _) in COLUMNS {
            let values: Vec<f64> = ok
                .iter()
                .filter_map(|r| r.get(key).and_then(Value::as_f64))
                .collect();
            if values.is_empty() {
                continue;
            }
            let (mean, std) = mean_std(&values);
            indicators.insert(key.to_string(), MeanStd { mean, std });
        }
        let failures = mine
            .iter()
            .filter_map(|o| {
                o.outcome.as_ref().err().map(|e| RunFailure {
                    seed: o.seed,
                    error: e.clone(),
                })
            })
            .collect();
        rows.push(ComparisonRow {
            solver: solver.clone(),
            n_runs: ok.len(),
            indicators,
            failures,
        });
    }
    let runs = outcomes
        .iter()
        .filter_map(|o| {
            let (result, report) = o.outcome.as_ref().ok()?;
            Some(ComparisonRun {
                solver: o.solver.clone(),
                seed: o.seed,
                indicators: report.clone(),
                objectives: rows_of(&result.objectives),
                solutions: rows_of(&result.x),
                termination: result.termination.name().to_string(),
                history: HistoryPoint::of_history(&result.history),
            })
        })
        .collect();
    ComparisonRecord {
        schema_version: COMPARISON_SCHEMA_VERSION,
        kind: "comparison".to_string(),
        tool: tool_name(),
        config: ComparisonConfigRecord {
            problem: problem.to_string(),
            problem_name: args.problem.problem.clone(),
            n_var: args.problem.options.n_var,
            n_obj: args.problem.options.n_obj,
            normalize: args.problem.options.normalize.name().to_string(),
            solvers: solvers.to_vec(),
            options: args.set.set.clone(),
            seeds: args.seeds,
            first_seed: args.run.seed(),
            prefs: prefs_source.to_string(),
            iters: args.run.iters(),
            lr: args.run.lr(),
            optimizer: args.run.optimizer.name().to_string(),
            init_box: args.run.init_box.clone(),
            reference_point: reference.to_vec(),
        },
        prefs: rows_of(prefs),
        rows,
        runs,
    }
}

fn cell(row: &ComparisonRow, key: &str) -> Option<(f64, f64)> {
    row.indicators.get(key).map(|v| (v.mean, v.std))
}

/// The index of the best row per column.
fn best_rows(rows: &[ComparisonRow]) -> Vec<Option<usize>> {
    COLUMNS
        .iter()
        .map(|&(key, _, larger)| {
            rows.iter()
                .enumerate()
                .filter_map(|(i, r)| cell(r, key).map(|(m, _)| (i, m)))
                .filter(|(_, m)| m.is_finite())
                .reduce(|a, b| {
                    let better = if larger { b.1 > a.1 } else { b.1 < a.1 };
                    if better { b } else { a }
                })
                .map(|(i, _)| i)
        })
        .collect()
}

fn format_value(key: &str, mean: f64, std: f64) -> String {
    if key == "time_s" {
        format!("{:.2e} ± {:.1e}", mean, std)
    } else if key == "cross_angle" {
        format!("{mean:.3} ± {std:.3}")
    } else {
        format!("{mean:.4} ± {std:.4}")
    }
}

/// The comparison as a markdown table; `**bold**` marks the best value per column.
pub fn markdown_table(summary: &ComparisonRecord, has_front: bool) -> String {
    let rows = &summary.rows;
    let columns: Vec<&(&str, &str, bool)> = COLUMNS
        .iter()
        .filter(|(k, _, _)| has_front || *k != "igd")
        .collect();
    let best = best_rows(rows);
    let mut out = String::new();
    out.push_str("| solver |");
    for (_, header, larger) in &columns {
        out.push_str(&format!(" {header} {} |", if *larger { "↑" } else { "↓" }));
    }
    out.push_str(" runs |\n|---|");
    for _ in &columns {
        out.push_str("---|");
    }
    out.push_str("---|\n");
    for (i, row) in rows.iter().enumerate() {
        out.push_str(&format!("| {} |", row.solver));
        for c in &columns {
            let k = COLUMNS.iter().position(|x| x.0 == c.0).expect("a column");
            match cell(row, c.0) {
                Some((m, s)) => {
                    let text = format_value(c.0, m, s);
                    if best[k] == Some(i) {
                        out.push_str(&format!(" **{text}** |"));
                    } else {
                        out.push_str(&format!(" {text} |"));
                    }
                }
                None => out.push_str(" – |"),
            }
        }
        let failures = row.failures.len();
        let n = row.n_runs;
        if let Some(first) = row.failures.first() {
            out.push_str(&format!(
                " {n} ({failures} failed: seed {}: {}) |\n",
                first.seed, first.error
            ));
        } else {
            out.push_str(&format!(" {n} |\n"));
        }
    }
    out
}

fn summary_csv(summary: &ComparisonRecord) -> String {
    let mut out = String::from("solver,n_runs");
    for (key, _, _) in COLUMNS {
        out.push_str(&format!(",{key}_mean,{key}_std"));
    }
    out.push('\n');
    for row in &summary.rows {
        out.push_str(&format!("{},{}", row.solver, row.n_runs));
        for (key, _, _) in COLUMNS {
            match cell(row, key) {
                Some((m, s)) => out.push_str(&format!(",{m:?},{s:?}")),
                None => out.push_str(",,"),
            }
        }
        out.push('\n');
    }
    out
}

/// Writes summary.json/.csv/.md and the comparison pictures into `dir`.
pub fn write_comparison(
    dir: &Path,
    summary: &ComparisonRecord,
    title: &str,
    front: Option<&Matrix>,
) -> Result<()> {
    write_atomic(&dir.join("summary.csv"), summary_csv(summary).as_bytes())?;
    let md = format!(
        "# {title}: comparison\n\n{}",
        markdown_table(summary, front.is_some())
    );
    write_atomic(&dir.join("summary.md"), md.as_bytes())?;
    super::render::comparison_plots(dir, title, summary, front)?;
    // Last: a directory holding summary.json is a finished comparison.
    write_atomic(
        &dir.join("summary.json"),
        &serde_json::to_vec_pretty(summary)?,
    )
}

/// `compare` on a neural problem: `train` runs for every solver × seed, the single-task
/// baselines and Δm% (multi-task problems), a table and charts.
fn compare_neural(args: &CompareArgs) -> Result<()> {
    let solvers = args.solver_names()?;
    let n_runs = limits::product(&[args.seeds, solvers.len()]);
    limits::check(
        &format!("runs (--seeds {} × {} solvers)", args.seeds, solvers.len()),
        n_runs,
        limits::MAX_RUNS,
    )?;
    let mode = args.neural.mode.unwrap_or(super::train::Mode::Mtl);
    if args.prefs.n_prefs.is_some() && mode != super::train::Mode::Set {
        bail!("--prefs K is for --mode set on a neural problem (K models per run)");
    }
    super::compare_neural::run(&super::compare_neural::NeuralComparison {
        problem: args.problem.problem.to_ascii_lowercase(),
        methods: solvers,
        seeds: args.seeds,
        first_seed: args.run.seed(),
        epochs: args.epochs.unwrap_or(super::train::DEFAULT_EPOCHS),
        lr: args.run.lr.or(super::train::DEFAULT_TRAIN_LR),
        mode,
        prefs: args.prefs.n_prefs,
        batch: args.neural.batch,
        preprocess: args.neural.preprocess.clone(),
        data: args.neural.data.clone(),
        targets: args.neural.targets.clone(),
        losses: args.neural.losses.clone(),
        baselines: !args.neural.no_baselines,
        solver_options: &|solver: &str| args.set.for_solver(solver),
        out: args.out.as_deref(),
        json: args.json,
        workers: args.workers(),
    })
}
