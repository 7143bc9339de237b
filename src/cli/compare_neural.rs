//! `tradeoff compare` on a neural problem: `train` runs for every method × seed, single-task
//! baselines with LibMTL's Δm%, a table and charts.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};
use tradeoff_pareto::Matrix;
use tradeoff_plots::{bar_plot, curves_plot, fronts_overlay_plot};

use super::flags::options_of;
use super::io::{on_workers, prepare_out_dir, print_json, write_atomic};
use super::render::{both_formats, mean_curve};
use super::train::{
    Mode, Session, TRAIN_SCHEMA_VERSION, TrainArgs, TrainDefinition, definition_of,
};

/// What `compare` on a neural problem runs.
pub struct NeuralComparison<'a> {
    /// The neural problem.
    pub problem: String,
    /// The methods, each trained `seeds` times.
    pub methods: Vec<String>,
    /// Number of seeds.
    pub seeds: usize,
    /// The first seed.
    pub first_seed: u64,
    /// Epochs per run.
    pub epochs: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// One model per run, or a set of `prefs` models.
    pub mode: Mode,
    /// `--mode set`: models per run.
    pub prefs: Option<usize>,
    /// The minibatch size (`train`'s default when absent).
    pub batch: Option<usize>,
    /// The fairness preprocessing (`train`'s default when absent).
    pub preprocess: Option<String>,
    /// A data file in place of the embedded data.
    pub data: Option<PathBuf>,
    /// `tabular`: the target columns.
    pub targets: Vec<String>,
    /// `tabular`: the losses.
    pub losses: Vec<String>,
    /// Whether to train the single-task baselines and report Δm% (multi-task problems in
    /// `--mode mtl` only).
    pub baselines: bool,
    /// Each method's `--set SOLVER:key=value` options.
    pub solver_options: &'a dyn Fn(&str) -> Result<Vec<String>>,
    /// Where summary.json/.md, the charts and each run's directory go.
    pub out: Option<&'a Path>,
    /// Print summary.json instead of the table.
    pub json: bool,
    /// Runs at a time (one per core when absent).
    pub workers: Option<usize>,
}

/// One training run of the comparison.
struct Job {
    /// The row it belongs to: a method, or `single-task:<objective>`.
    row: String,
    /// `Some(i)`: the single-task baseline of objective `i`.
    baseline_of: Option<usize>,
    seed: u64,
    definition: TrainDefinition,
    dir: Option<PathBuf>,
}

/// The number of task objectives of a multi-task problem (the ones Δm% averages over), or
/// `None` for a problem whose objectives are not separate tasks (the fairness sets: accuracy
/// against DEO).
fn task_objectives(problem: &str, targets: &[String]) -> Option<usize> {
    match problem {
        "multi-mnist" => Some(2),
        "tabular" if targets.len() >= 2 => Some(targets.len()),
        _ => None,
    }
}

/// A name safe as a directory name.
fn file_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Runs the comparison: trains every job on one worker per core, then summarises.
pub fn run(comparison: &NeuralComparison<'_>) -> Result<()> {
    let base = |method: &str, seed: u64| -> Result<TrainDefinition> {
        let mut definition = definition_of(&TrainArgs {
            problem: Some(comparison.problem.clone()),
            preprocess: comparison.preprocess.clone(),
            data: comparison.data.clone(),
            targets: comparison.targets.clone(),
            losses: comparison.losses.clone(),
            method: Some(method.to_string()),
            mode: Some(comparison.mode),
            prefs: comparison.prefs,
            batch: comparison.batch,
            epochs: Some(comparison.epochs),
            seed: Some(seed),
            ..TrainArgs::parse_defaults()
        })?;
        definition.lr = comparison.lr;
        Ok(definition)
    };
    let run_dir = |row: &str, seed: u64| {
        comparison.out.map(|dir| {
            dir.join("runs")
                .join(format!("{}-seed{seed}", file_name(row)))
        })
    };
    let mut jobs = Vec::new();
    for method in &comparison.methods {
        let options = (comparison.solver_options)(method)?;
        options_of(&options)?;
        for k in 0..comparison.seeds {
            let seed = comparison.first_seed + k as u64;
            let mut definition = base(method, seed)?;
            definition.options.clone_from(&options);
            jobs.push(Job {
                row: method.clone(),
                baseline_of: None,
                seed,
                definition,
                dir: run_dir(method, seed),
            });
        }
    }
    let n_tasks = task_objectives(&comparison.problem, &comparison.targets)
        .filter(|_| comparison.baselines && comparison.mode == Mode::Mtl);
    for task in 0..n_tasks.unwrap_or(0) {
        let n = n_tasks.unwrap_or(0);
        for k in 0..comparison.seeds {
            let seed = comparison.first_seed + k as u64;
            let mut definition = base("ls", seed)?;
            let mut weights = vec![0.0; n];
            weights[task] = 1.0;
            definition.preference = Some(weights);
            let row = format!("single-task:{}", task + 1);
            let dir = run_dir(&row, seed);
            jobs.push(Job {
                row,
                baseline_of: Some(task),
                seed,
                definition,
                dir,
            });
        }
    }
    super::limits::check("runs", jobs.len(), super::limits::MAX_RUNS)?;
    if let Some(dir) = comparison.out {
        prepare_out_dir(dir)?;
    }
    let records = train_all(&jobs, comparison.workers)?;
    let summary = summarise(comparison, &jobs, &records);
    let table = summary_table(&summary);
    if let Some(dir) = comparison.out {
        draw_charts(dir, &summary, &jobs)?;
        write_atomic(&dir.join("summary.md"), table.as_bytes())?;
        // Last: a directory holding summary.json is a finished comparison.
        write_atomic(
            &dir.join("summary.json"),
            serde_json::to_string_pretty(&summary)?.as_bytes(),
        )?;
    }
    if comparison.json {
        print_json(&summary)
    } else {
        print!("{table}");
        Ok(())
    }
}

/// Trains the jobs on `workers` threads (one per core when `None`); the result records in the
/// jobs' order.
fn train_all(jobs: &[Job], workers: Option<usize>) -> Result<Vec<Value>> {
    on_workers(jobs, workers, |_, job| {
        job.dir
            .as_deref()
            .map_or(Ok(()), prepare_out_dir)
            .and_then(|()| Session::build(job.definition.clone(), job.dir.clone(), None, false))
            .and_then(|session| session.run_session(None, false))
            .map_err(|e| anyhow::anyhow!("{} (seed {}): {e:#}", job.row, job.seed))
    })
    .into_iter()
    .collect()
}

/// Mean and sample standard deviation.
fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

fn mean_std_json(values: &[f64]) -> Value {
    let (mean, std) = mean_std(values);
    json!({"mean": mean, "std": std})
}

/// The measure Δm% reads for objective `i` of a result record: its test accuracy when the
/// objective classifies (larger is better), else its test loss (smaller is better).
fn task_measure(record: &Value, i: usize) -> Option<(f64, bool)> {
    let name = record["objectives_names"][i].as_str()?;
    let accuracy_of = record["accuracy_of"].as_array()?;
    match accuracy_of.iter().position(|n| n.as_str() == Some(name)) {
        Some(j) => Some((record["test"]["accuracy"][j].as_f64()?, true)),
        None => Some((record["test"]["losses"][i].as_f64()?, false)),
    }
}

/// LibMTL's Δm% of one run against the baselines `base[i]` (the single-task measure of
/// objective `i`, mean over seeds):
/// `100 / T · Σ_i (−1)^{w_i} (B_i − M_i) / B_i`, with `w_i = 1` where larger is better, so a
/// positive Δm% is an improvement over training each task alone.
fn delta_m(record: &Value, base: &[f64]) -> Option<f64> {
    let mut total = 0.0;
    for (i, &b) in base.iter().enumerate() {
        let (m, larger_better) = task_measure(record, i)?;
        let relative = (b - m) / b;
        total += if larger_better { -relative } else { relative };
    }
    Some(100.0 * total / base.len() as f64)
}

/// summary.json.
fn summarise(comparison: &NeuralComparison<'_>, jobs: &[Job], records: &[Value]) -> Value {
    let n_tasks = jobs
        .iter()
        .filter_map(|j| j.baseline_of)
        .max()
        .map(|i| i + 1);
    // The single-task baselines: objective i's measure, over the seeds of its own runs.
    let mut baselines = Vec::new();
    let mut base = Vec::new();
    for task in 0..n_tasks.unwrap_or(0) {
        let values: Vec<(f64, bool)> = jobs
            .iter()
            .zip(records)
            .filter(|(j, _)| j.baseline_of == Some(task))
            .filter_map(|(_, r)| task_measure(r, task))
            .collect();
        let numbers: Vec<f64> = values.iter().map(|v| v.0).collect();
        let (mean, _) = mean_std(&numbers);
        base.push(mean);
        let name = records
            .first()
            .and_then(|r| r["objectives_names"][task].as_str())
            .unwrap_or("")
            .to_string();
        baselines.push(json!({
            "objective": name,
            "measure": if values.first().is_some_and(|v| v.1) { "test accuracy" } else { "test loss" },
            "runs": numbers.len(),
            "value": mean_std_json(&numbers),
        }));
    }
    let mut rows = Vec::new();
    let mut runs = Vec::new();
    for method in &comparison.methods {
        let mine: Vec<(&Job, &Value)> = jobs
            .iter()
            .zip(records)
            .filter(|(j, _)| &j.row == method && j.baseline_of.is_none())
            .collect();
        let column = |f: &dyn Fn(&Value) -> Option<f64>| -> Option<Value> {
            let values: Option<Vec<f64>> = mine.iter().map(|(_, r)| f(r)).collect();
            values.filter(|v| !v.is_empty()).map(|v| mean_std_json(&v))
        };
        let first = mine.first().map(|(_, r)| *r).unwrap_or(&Value::Null);
        let n_losses = first["test"]["losses"].as_array().map_or(0, Vec::len);
        let n_accuracy = first["test"]["accuracy"].as_array().map_or(0, Vec::len);
        let losses: Vec<Value> = (0..n_losses)
            .filter_map(|i| column(&|r| r["test"]["losses"][i].as_f64()))
            .collect();
        let accuracy: Vec<Value> = (0..n_accuracy)
            .filter_map(|i| column(&|r| r["test"]["accuracy"][i].as_f64()))
            .collect();
        let mut row = Map::new();
        row.insert("method".into(), json!(method));
        row.insert("runs".into(), json!(mine.len()));
        row.insert("test_losses".into(), json!(losses));
        row.insert("test_accuracy".into(), json!(accuracy));
        if let Some(v) = column(&|r| r["test"]["hypervolume"].as_f64()) {
            row.insert("test_hypervolume".into(), v);
        }
        // LibMOON's tables: the hypervolume of a set's training losses (the last epoch's
        // minibatch means).
        if comparison.mode == Mode::Set {
            if let Some(v) = column(&|r| r["train_running"]["hypervolume"].as_f64()) {
                row.insert("train_running_hypervolume".into(), v);
            }
        }
        if !base.is_empty() {
            if let Some(v) = column(&|r| delta_m(r, &base)) {
                row.insert("delta_m".into(), v);
            }
        }
        if let Some(v) = column(&|r| r["epoch_s"].as_f64()) {
            row.insert("epoch_s".into(), v);
        }
        rows.push(Value::Object(row));
    }
    for (job, record) in jobs.iter().zip(records) {
        let mut run = Map::new();
        run.insert("row".into(), json!(job.row));
        run.insert("seed".into(), json!(job.seed));
        if let Some(dir) = &job.dir {
            run.insert("dir".into(), json!(dir.display().to_string()));
        }
        for key in ["test", "train_running", "epoch_s"] {
            run.insert(key.into(), record[key].clone());
        }
        if job.baseline_of.is_none() && !base.is_empty() {
            run.insert("delta_m".into(), json!(delta_m(record, &base)));
        }
        runs.push(Value::Object(run));
    }
    let mut notes = vec![
        "each cell: mean and sample standard deviation over the seeds of the final epoch's measure"
            .to_string(),
    ];
    if !base.is_empty() {
        notes.push(
            "delta_m: LibMTL's Δm% (percent) against the single-task baselines, each objective trained alone (`train --method ls --pref e_i`, same epochs, batch, lr and seeds); per task the test accuracy of a classification task (larger is better) or the test loss of a regression task (smaller is better); positive is better than training each task alone"
                .to_string(),
        );
    }
    json!({
        "schema_version": TRAIN_SCHEMA_VERSION,
        "kind": "neural-comparison",
        "problem": comparison.problem,
        "mode": match comparison.mode { Mode::Mtl => "mtl", Mode::Set => "set" },
        "seeds": comparison.seeds,
        "first_seed": comparison.first_seed,
        "epochs": comparison.epochs,
        "lr": comparison.lr,
        "objectives_names": records.first().map_or(Value::Null, |r| r["objectives_names"].clone()),
        "accuracy_of": records.first().map_or(Value::Null, |r| r["accuracy_of"].clone()),
        "rows": rows,
        "baselines": baselines,
        "runs": runs,
        "notes": notes,
    })
}

/// The summary as Markdown tables: one row per method; the baselines below.
fn summary_table(summary: &Value) -> String {
    let cell = |v: &Value| match (v["mean"].as_f64(), v["std"].as_f64()) {
        (Some(m), Some(s)) => format!("{m:.4} ± {s:.4}"),
        _ => "–".to_string(),
    };
    let rows: Vec<&Value> = summary["rows"].as_array().into_iter().flatten().collect();
    let has = |key: &str| rows.iter().any(|r| r.get(key).is_some());
    let optional: Vec<(&str, &str)> = [
        ("test_hypervolume", "test HV"),
        ("train_running_hypervolume", "train_running HV"),
        ("delta_m", "Δm% ↑"),
        ("epoch_s", "epoch_s"),
    ]
    .into_iter()
    .filter(|(key, _)| has(key))
    .collect();
    let mut out = String::from("| method | runs | test losses | test accuracy |");
    for (_, header) in &optional {
        out.push_str(&format!(" {header} |"));
    }
    out.push_str("\n|---|---|---|---|");
    for _ in &optional {
        out.push_str("---|");
    }
    out.push('\n');
    for row in rows {
        let join = |key: &str| {
            let cells: Vec<String> = row[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(cell)
                .collect();
            if cells.is_empty() {
                "–".to_string()
            } else {
                cells.join(" / ")
            }
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |",
            row["method"].as_str().unwrap_or(""),
            row["runs"],
            join("test_losses"),
            join("test_accuracy"),
        ));
        for (key, _) in &optional {
            out.push_str(&format!(" {} |", cell(&row[*key])));
        }
        out.push('\n');
    }
    let baselines: Vec<&Value> = summary["baselines"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    if !baselines.is_empty() {
        out.push_str("\n| single-task baseline | measure | value | runs |\n|---|---|---|---|\n");
        for b in baselines {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                b["objective"].as_str().unwrap_or(""),
                b["measure"].as_str().unwrap_or(""),
                cell(&b["value"]),
                b["runs"],
            ));
        }
    }
    out
}

/// A number from `value[path...]`.
fn number_at(value: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(value, |v, key| v.get(*key))?.as_f64()
}

/// One method's mean per-epoch curve: (method, (epoch, value) points).
type Curve = (String, Vec<(usize, f64)>);

/// The comparison's charts: test accuracy per task (bars), Δm% (bars), the test hypervolume
/// (bars), the first seed's test losses of every method (one point per model), and per-epoch
/// curves (test accuracy per task, the test hypervolume), mean over seeds.
fn draw_charts(dir: &Path, summary: &Value, jobs: &[Job]) -> Result<()> {
    let title = summary["problem"].as_str().unwrap_or("").to_string();
    let rows: Vec<&Value> = summary["rows"].as_array().into_iter().flatten().collect();
    let runs: Vec<&Value> = summary["runs"].as_array().into_iter().flatten().collect();
    let bars_of = |f: &dyn Fn(&Value) -> Option<(f64, f64)>| -> Vec<(String, f64, f64)> {
        rows.iter()
            .filter_map(|r| {
                let (m, s) = f(r)?;
                Some((r["method"].as_str().unwrap_or("").to_string(), m, s))
            })
            .collect()
    };
    let pair = |v: &Value| Some((v["mean"].as_f64()?, v["std"].as_f64()?));
    // The objectives whose test accuracy the runs list, in order.
    let accuracy_names: Vec<String> = summary["accuracy_of"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    for (j, name) in accuracy_names.iter().enumerate() {
        let bars = bars_of(&|r| pair(&r["test_accuracy"][j]));
        if !bars.is_empty() && summary["mode"] == "mtl" {
            both_formats(dir, &format!("accuracy_{}", file_name(name)), |p| {
                bar_plot(
                    p,
                    &format!("{title}: test accuracy, {name}"),
                    &bars,
                    "test accuracy",
                )
            })?;
        }
    }
    for (key, file, label) in [
        ("delta_m", "delta_m", "Δm% (vs single-task)"),
        ("test_hypervolume", "hypervolume", "test hypervolume"),
        (
            "train_running_hypervolume",
            "hypervolume_train_running",
            "train_running hypervolume",
        ),
    ] {
        let bars = bars_of(&|r| pair(&r[key]));
        if !bars.is_empty() && bars.iter().any(|b| b.1.is_finite()) {
            both_formats(dir, file, |p| {
                bar_plot(p, &format!("{title}: {label}"), &bars, label)
            })?;
        }
    }
    // Test losses of every method's first seed: one point per model.
    let mut fronts: Vec<(String, Matrix)> = Vec::new();
    for row in &rows {
        let method = row["method"].as_str().unwrap_or("");
        let Some(run) = runs.iter().find(|r| r["row"] == method) else {
            continue;
        };
        let losses = &run["test"]["losses"];
        let rows_of: Option<Vec<Vec<f64>>> =
            serde_json::from_value(losses.clone()).ok().or_else(|| {
                serde_json::from_value::<Vec<f64>>(losses.clone())
                    .ok()
                    .map(|r| vec![r])
            });
        if let Some(m) = rows_of.and_then(|r| Matrix::from_rows(&r).ok()) {
            fronts.push((method.to_string(), m));
        }
    }
    if !fronts.is_empty() {
        let series: Vec<(&str, &Matrix)> = fronts.iter().map(|(n, m)| (n.as_str(), m)).collect();
        both_formats(dir, "fronts", |p| {
            fronts_overlay_plot(
                p,
                &format!("{title}: test losses (first seed)"),
                &series,
                None,
            )
        })?;
    }
    // Per-epoch curves from each run's history.json, mean over the seeds that recorded an epoch.
    let mut curves: Vec<(String, Vec<Curve>)> = accuracy_names
        .iter()
        .map(|n| (format!("accuracy_{}", file_name(n)), Vec::new()))
        .collect();
    curves.push(("hypervolume".to_string(), Vec::new()));
    for row in &rows {
        let method = row["method"].as_str().unwrap_or("");
        let histories: Vec<Value> = jobs
            .iter()
            .filter(|j| j.row == method && j.baseline_of.is_none())
            .filter_map(|j| j.dir.as_ref())
            .filter_map(|d| std::fs::read_to_string(d.join("history.json")).ok())
            .filter_map(|t| serde_json::from_str::<Value>(&t).ok())
            .collect();
        for (c, (_, series)) in curves.iter_mut().enumerate() {
            let points = histories.iter().flat_map(|h| {
                h["records"].as_array().into_iter().flatten().map(|record| {
                    let epoch = record["epoch"].as_u64().unwrap_or(0) as usize;
                    let value = if c < accuracy_names.len() {
                        record["test"]["accuracy"][c].as_f64()
                    } else {
                        number_at(record, &["test", "hypervolume"])
                    };
                    (epoch, value.unwrap_or(f64::NAN))
                })
            });
            let curve = mean_curve(points, histories.len());
            if !curve.is_empty() {
                series.push((method.to_string(), curve));
            }
        }
    }
    for (name, series) in &curves {
        if series.is_empty() || (name == "hypervolume" && summary["mode"] == "mtl") {
            continue;
        }
        let label = if name == "hypervolume" {
            "test hypervolume".to_string()
        } else {
            format!("test {}", name.replace('_', " "))
        };
        let points: Vec<(&str, Vec<(f64, f64)>)> = series
            .iter()
            .map(|(n, curve)| {
                (
                    n.as_str(),
                    curve.iter().map(|&(e, v)| (e as f64, v)).collect(),
                )
            })
            .collect();
        both_formats(dir, &format!("curves_{name}"), |p| {
            curves_plot(
                p,
                &format!("{title}: {label} per epoch (mean over seeds)"),
                &points,
                "epoch",
                &label,
            )
        })
        .with_context(|| format!("curves_{name}"))?;
    }
    Ok(())
}
