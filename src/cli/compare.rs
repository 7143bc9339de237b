//! `tradeoff compare`: several solvers × several seeds under one budget, side by side.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::{Map, Value, json};
use tradeoff::records::{json_f64, json_matrix};
use tradeoff_pareto::Matrix;
use tradeoff_problems::Problem;
use tradeoff_solvers::{DriverConfig, Options, SolveResult};

use super::io::{prepare_out_dir, print_json, write_atomic};
use super::problem_args::ProblemOptions;
use super::solve::{PreferenceArgs, RunArgs, build_rule, run_report};

/// Arguments of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Problem name (case-insensitive); see `tradeoff list problems`.
    #[arg(long, value_name = "NAME")]
    pub problem: String,
    #[command(flatten)]
    pub problem_options: ProblemOptions,
    /// Solvers to compare, comma-separated; see `tradeoff list solvers`.
    #[arg(long, value_name = "A,B,..", value_delimiter = ',', required = true)]
    pub solvers: Vec<String>,
    /// Number of seeds: seeds S, S+1, ..., S+N−1 with S = --seed; seed s gives every solver the
    /// same start.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub seeds: usize,
    /// A method option for one solver, `SOLVER:key=value` (repeatable).
    #[arg(long = "set", value_name = "SOLVER:KEY=VALUE")]
    pub set: Vec<String>,
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

/// The `key=value` pairs of `--set SOLVER:key=value` for one solver.
fn option_pairs(solver: &str, sets: &[String]) -> Result<Vec<String>> {
    let mut pairs = Vec::new();
    for s in sets {
        let (name, pair) = s
            .split_once(':')
            .with_context(|| format!("--set '{s}' must be SOLVER:key=value"))?;
        if name.trim().eq_ignore_ascii_case(solver) {
            pairs.push(pair.to_string());
        }
    }
    Ok(pairs)
}

fn parse_options(pairs: &[String]) -> Result<Options> {
    Options::parse(pairs).map_err(anyhow::Error::msg)
}

/// Runs `compare`.
pub fn run(args: CompareArgs) -> Result<()> {
    if args.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    let problem = args.problem_options.build(&args.problem)?;
    let info = problem.info().clone();
    let solvers: Vec<String> = args
        .solvers
        .iter()
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if solvers.is_empty() {
        bail!("--solvers names no solver");
    }
    for s in &args.set {
        let name = s
            .split_once(':')
            .map(|(n, _)| n.trim().to_ascii_lowercase());
        if !name.as_ref().is_some_and(|n| solvers.contains(n)) {
            bail!("--set '{s}': must be SOLVER:key=value with SOLVER one of --solvers");
        }
    }
    let (prefs, prefs_source) = args.prefs.resolve(info.n_obj, args.run.seed)?;
    // Check every name, option and configuration before any run starts.
    // Options are parsed per run from their text: `Options` is not shared across threads.
    let mut options: Vec<Vec<String>> = Vec::new();
    for solver in &solvers {
        let pairs = option_pairs(solver, &args.set)?;
        build_rule(
            solver,
            &parse_options(&pairs)?,
            &prefs,
            args.run.iterations(),
        )?;
        options.push(pairs);
    }
    let seeds: Vec<u64> = (0..args.seeds as u64).map(|s| args.run.seed + s).collect();
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
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<RunOutcome>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(i, j)) = jobs.get(k) else { break };
                    let outcome = one_run(
                        problem.as_ref(),
                        &solvers[i],
                        &options[i],
                        &prefs,
                        &configs[j],
                        &reference,
                        front.as_ref(),
                    );
                    let record = RunOutcome {
                        solver: solvers[i].clone(),
                        seed: seeds[j],
                        outcome,
                    };
                    outcomes
                        .lock()
                        .expect("no worker panics while holding the lock")[k] = Some(record);
                    progress.set(done.fetch_add(1, Ordering::SeqCst) + 1);
                }
            });
        }
    });
    progress.finish();
    let outcomes: Vec<RunOutcome> = outcomes
        .into_inner()
        .expect("workers finished")
        .into_iter()
        .map(|o| o.expect("every job ran"))
        .collect();

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
        let mut rule = build_rule(solver, &parse_options(options)?, prefs, config.max_iters)?;
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
) -> Value {
    let mut rows = Vec::new();
    for solver in solvers {
        let mine: Vec<&RunOutcome> = outcomes.iter().filter(|o| &o.solver == solver).collect();
        let ok: Vec<&Map<String, Value>> = mine
            .iter()
            .filter_map(|o| o.outcome.as_ref().ok().map(|(_, r)| r))
            .collect();
        let mut row = Map::new();
        row.insert("solver".into(), json!(solver));
        row.insert("n_runs".into(), json!(ok.len()));
        for &(key, _, _) in COLUMNS {
            let values: Vec<f64> = ok
                .iter()
                .filter_map(|r| r.get(key).and_then(Value::as_f64))
                .collect();
            if values.is_empty() {
                continue;
            }
            let (mean, std) = mean_std(&values);
            row.insert(
                key.into(),
                json!({"mean": json_f64(mean), "std": json_f64(std)}),
            );
        }
        let failures: Vec<Value> = mine
            .iter()
            .filter_map(|o| {
                o.outcome
                    .as_ref()
                    .err()
                    .map(|e| json!({"seed": o.seed, "error": e}))
            })
            .collect();
        row.insert("failures".into(), Value::Array(failures));
        rows.push(Value::Object(row));
    }
    let runs: Vec<Value> = outcomes
        .iter()
        .filter_map(|o| {
            let (result, report) = o.outcome.as_ref().ok()?;
            Some(json!({
                "solver": o.solver,
                "seed": o.seed,
                "indicators": report,
                "objectives": json_matrix(&result.objectives),
                "solutions": json_matrix(&result.x),
                "termination": result.termination.name(),
                "history": result.history.iter().map(|h| json!({
                    "iteration": h.iteration,
                    "hypervolume": json_f64(h.hypervolume),
                    "igd": h.igd.map(json_f64),
                })).collect::<Vec<_>>(),
            }))
        })
        .collect();
    json!({
        "schema_version": 1,
        "kind": "comparison",
        "tool": format!("tradeoff {}", env!("CARGO_PKG_VERSION")),
        "config": {
            "problem": problem,
            "problem_name": args.problem,
            "n_var": args.problem_options.n_var,
            "n_obj": args.problem_options.n_obj,
            "normalize": format!("{:?}", args.problem_options.normalize).to_ascii_lowercase(),
            "solvers": solvers,
            "options": args.set,
            "seeds": args.seeds,
            "first_seed": args.run.seed,
            "prefs": prefs_source,
            "iters": args.run.iterations(),
            "lr": args.run.lr,
            "optimizer": format!("{:?}", args.run.optimizer).to_ascii_lowercase(),
            "init_box": args.run.init_box,
            "reference_point": reference,
        },
        "prefs": json_matrix(prefs),
        "rows": rows,
        "runs": runs,
    })
}

fn cell(row: &Value, key: &str) -> Option<(f64, f64)> {
    let v = row.get(key)?;
    Some((v["mean"].as_f64()?, v["std"].as_f64()?))
}

/// The index of the best row per column.
fn best_rows(rows: &[Value]) -> Vec<Option<usize>> {
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
pub fn markdown_table(summary: &Value, has_front: bool) -> String {
    let rows = summary["rows"].as_array().cloned().unwrap_or_default();
    let columns: Vec<&(&str, &str, bool)> = COLUMNS
        .iter()
        .filter(|(k, _, _)| has_front || *k != "igd")
        .collect();
    let best = best_rows(&rows);
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
        out.push_str(&format!("| {} |", row["solver"].as_str().unwrap_or("?")));
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
        let failures = row["failures"].as_array().map_or(0, Vec::len);
        let n = row["n_runs"].as_u64().unwrap_or(0);
        if failures > 0 {
            let first = &row["failures"][0];
            out.push_str(&format!(
                " {n} ({failures} failed: seed {}: {}) |\n",
                first["seed"],
                first["error"].as_str().unwrap_or("")
            ));
        } else {
            out.push_str(&format!(" {n} |\n"));
        }
    }
    out
}

fn summary_csv(summary: &Value) -> String {
    let mut out = String::from("solver,n_runs");
    for (key, _, _) in COLUMNS {
        out.push_str(&format!(",{key}_mean,{key}_std"));
    }
    out.push('\n');
    for row in summary["rows"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "{},{}",
            row["solver"].as_str().unwrap_or("?"),
            row["n_runs"]
        ));
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
    summary: &Value,
    title: &str,
    front: Option<&Matrix>,
) -> Result<()> {
    write_atomic(
        &dir.join("summary.json"),
        &serde_json::to_vec_pretty(summary)?,
    )?;
    write_atomic(&dir.join("summary.csv"), summary_csv(summary).as_bytes())?;
    let md = format!(
        "# {title}: comparison\n\n{}",
        markdown_table(summary, front.is_some())
    );
    write_atomic(&dir.join("summary.md"), md.as_bytes())?;
    super::render::comparison_plots(dir, title, summary, front)
}
