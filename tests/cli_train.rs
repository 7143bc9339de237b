//! `tradeoff train`: records, resume bit for bit, thread-count independence and clean refusals,
//! on the small Compas table (fast in debug builds).

use super::{TempDir, fails_with, json_of, tradeoff};
use serde_json::Value;

/// Everything of a record that must not depend on how the run was cut or scheduled.
fn outcome(record: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for key in [
        "train",
        "val",
        "test",
        "train_running",
        "objectives",
        "epochs_run",
        "prefs",
    ] {
        if let Some(v) = record.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}

/// The records of `dir/history.json` without their wall times (which no rerun reproduces).
pub(crate) fn history_without_times(dir: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("history.json")).expect("history.json");
    let value: Value = serde_json::from_str(&text).unwrap();
    value["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.as_object_mut().unwrap().remove("time_s");
            r
        })
        .collect()
}

#[test]
fn train_writes_records_with_every_split_and_metric() {
    let dir = TempDir::new("train-records");
    let out = dir.join("run");
    let record = json_of(&[
        "train",
        "--problem",
        "compas",
        "--method",
        "upgrad",
        "--epochs",
        "2",
        "--out",
        &out,
        "--json",
    ]);
    assert_eq!(record["epochs_run"], 2);
    assert!(record["time_s"].as_f64().unwrap() > 0.0);
    assert!(record["epoch_s"].as_f64().unwrap() > 0.0);
    for split in ["train", "val", "test"] {
        let s = &record[split];
        assert_eq!(
            s["losses"].as_array().unwrap().len(),
            2,
            "{split}: bce and deo"
        );
        assert_eq!(
            s["accuracy"].as_array().unwrap().len(),
            1,
            "{split}: one task"
        );
        let accuracy = s["accuracy"][0].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&accuracy));
        // The record's deo is the second objective's loss on the split.
        assert_eq!(s["deo"], s["losses"][1]);
        assert!((0.0..=1.0).contains(&s["deo_hard"].as_f64().unwrap()));
        assert!(s["hypervolume"].as_f64().is_some());
    }
    let history = history_without_times(std::path::Path::new(&out));
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["epoch"], 2);
    // Each epoch's record holds the result's per-split fields; the last one measured the
    // final weights, as the result did.
    for split in ["train", "val", "test"] {
        for key in ["losses", "accuracy", "deo", "deo_hard", "hypervolume"] {
            assert_eq!(history[1][split][key], record[split][key], "{split}.{key}");
        }
    }
    for file in [
        "result.json",
        "history.json",
        "checkpoint.json",
        "checkpoint.safetensors",
        "losses.png",
    ] {
        assert!(std::path::Path::new(&out).join(file).exists(), "{file}");
    }
    // The best validation epoch is kept beside the last checkpoint.
    let best = std::path::Path::new(&out)
        .join("best")
        .join("checkpoint.json");
    assert!(best.exists(), "best/checkpoint.json");
    assert!(
        record["best_val"]["epoch"]
            .as_u64()
            .is_some_and(|e| (1..=2).contains(&e))
    );
    // result.json is what --json printed.
    let saved: Value = serde_json::from_str(
        &std::fs::read_to_string(std::path::Path::new(&out).join("result.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(outcome(&saved), outcome(&record));
}

#[test]
fn train_resume_gives_the_uninterrupted_run_bit_for_bit() {
    let dir = TempDir::new("train-resume");
    for method in ["pcgrad", "ls", "mgda"] {
        let whole = dir.join(&format!("whole-{method}"));
        let cut = dir.join(&format!("cut-{method}"));
        let args = [
            "train",
            "--problem",
            "compas",
            "--method",
            method,
            "--epochs",
            "3",
            "--batch",
            "512",
        ];
        let straight = json_of(&[&args[..], &["--out", &whole, "--json"]].concat());
        let first = tradeoff(&[&args[..], &["--out", &cut, "--stop-after", "1"]].concat());
        assert!(
            first.status.success(),
            "{}",
            String::from_utf8_lossy(&first.stderr)
        );
        let resumed = json_of(&["train", "--resume", &cut, "--json"]);
        assert_eq!(outcome(&resumed), outcome(&straight), "{method}");
        assert_eq!(
            history_without_times(std::path::Path::new(&cut)),
            history_without_times(std::path::Path::new(&whole)),
            "{method}"
        );
    }
}

#[test]
fn train_set_mode_trains_one_model_per_preference() {
    let record = json_of(&[
        "train",
        "--problem",
        "compas",
        "--mode",
        "set",
        "--prefs",
        "3",
        "--method",
        "epo",
        "--epochs",
        "1",
        "--json",
    ]);
    assert_eq!(record["prefs"].as_array().unwrap().len(), 3);
    let objectives = record["objectives"].as_array().unwrap();
    assert_eq!(objectives.len(), 3);
    assert_eq!(record["test"]["losses"], record["objectives"]);
    assert_eq!(record["test"]["accuracy"].as_array().unwrap().len(), 3);
    // LibMOON's rays for Compas run from (0.52, 0.04) to (0.04, 0.34), normalised to sum 1.
    let first = &record["prefs"][0];
    let want = 0.52 / (0.52 + 0.04);
    assert!((first[0].as_f64().unwrap() - want).abs() < 1e-12);
}

#[test]
fn train_results_do_not_depend_on_the_thread_count() {
    let args = [
        "train",
        "--problem",
        "compas",
        "--method",
        "mean",
        "--epochs",
        "1",
        "--json",
    ];
    let run = |threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tradeoff"))
            .args(args)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(out.status.success());
        outcome(&serde_json::from_slice(&out.stdout).unwrap())
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn train_refuses_bad_requests_cleanly() {
    let dir = TempDir::new("train-bad");
    fails_with(
        &["train", "--problem", "imagenet"],
        "unknown neural problem 'imagenet'",
    );
    fails_with(
        &["train", "--problem", "compas", "--prefs", "3"],
        "--prefs K is for --mode set",
    );
    fails_with(
        &[
            "train",
            "--problem",
            "compas",
            "--mode",
            "set",
            "--pref",
            "1,0",
        ],
        "--pref is for --mode mtl",
    );
    fails_with(
        &["train", "--problem", "compas", "--pref", "1,-1"],
        "--pref must hold finite non-negative weights",
    );
    fails_with(
        &["train", "--problem", "compas", "--pref", "0,0"],
        "--pref must have a positive weight",
    );
    fails_with(
        &[
            "train",
            "--problem",
            "compas",
            "--pref",
            "1,1,1",
            "--epochs",
            "1",
        ],
        "--pref has 3 weights but compas has 2 objectives",
    );
    fails_with(
        &[
            "compare",
            "--problem",
            "vlmop2",
            "--solvers",
            "mgda",
            "--no-baselines",
        ],
        "--no-baselines is for neural problems",
    );
    fails_with(
        &["train", "--problem", "compas", "--epochs", "0"],
        "--epochs must be at least 1",
    );
    fails_with(
        &["train", "--problem", "compas", "--stop-after", "1"],
        "--stop-after",
    );
    fails_with(
        &[
            "train",
            "--problem",
            "compas",
            "--model",
            "resnet",
            "--epochs",
            "1",
        ],
        "multi-lenet",
    );
    fails_with(
        &[
            "train",
            "--problem",
            "compas",
            "--method",
            "nonsense",
            "--epochs",
            "1",
        ],
        "nonsense",
    );
    fails_with(
        &[
            "train",
            "--problem",
            "compas",
            "--data",
            &dir.join("missing.csv"),
            "--epochs",
            "1",
        ],
        "missing.csv",
    );
    fails_with(
        &[
            "train",
            "--problem",
            "compas",
            "--ref",
            "1,2,3",
            "--epochs",
            "1",
        ],
        "--ref",
    );
    fails_with(&["train", "--resume", &dir.join("nothing")], "nothing");
    let out = dir.join("done");
    json_of(&[
        "train",
        "--problem",
        "compas",
        "--epochs",
        "2",
        "--stop-after",
        "1",
        "--out",
        &out,
        "--json",
    ]);
    fails_with(
        &["train", "--resume", &out, "--method", "mgda"],
        "--method cannot be given",
    );
}

#[test]
fn compare_on_a_neural_problem_summarises_train_runs_over_seeds() {
    let summary = json_of(&[
        "compare",
        "--problem",
        "compas",
        "--solvers",
        "mean,mgda",
        "--seeds",
        "2",
        "--epochs",
        "1",
        "--json",
    ]);
    let rows = summary["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for (row, method) in rows.iter().zip(["mean", "mgda"]) {
        assert_eq!(row["method"], method);
        assert_eq!(row["runs"], 2);
        // The cell is the mean of the two `train` runs with seeds 0 and 1.
        let runs: Vec<f64> = ["0", "1"]
            .iter()
            .map(|seed| {
                let r = json_of(&[
                    "train",
                    "--problem",
                    "compas",
                    "--method",
                    method,
                    "--epochs",
                    "1",
                    "--seed",
                    seed,
                    "--json",
                ]);
                r["test"]["losses"][0].as_f64().unwrap()
            })
            .collect();
        let mean = (runs[0] + runs[1]) / 2.0;
        let got = row["test_losses"][0]["mean"].as_f64().unwrap();
        assert!(
            (got - mean).abs() <= 1e-15 * mean.abs(),
            "{method}: {got} vs {mean}"
        );
    }
}

/// A small two-task table (a binary and a real target), written by a seeded generator.
fn two_task_csv(dir: &TempDir) -> String {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut text = String::from("x1,x2,x3,y_bin,y_real\n");
    for _ in 0..300 {
        let x: Vec<f64> = (0..3).map(|_| rng.random_range(-1.0..1.0)).collect();
        let noise: f64 = rng.random_range(-0.3..0.3);
        let y_bin = u8::from(x[0] + 0.5 * x[1] + noise > 0.0);
        let y_real = x[1] - x[2] + noise;
        text.push_str(&format!(
            "{:.4},{:.4},{:.4},{y_bin},{y_real:.4}\n",
            x[0], x[1], x[2]
        ));
    }
    let path = dir.join("two_task.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn compare_reports_delta_m_against_separately_trained_single_task_baselines() {
    let dir = TempDir::new("compare-delta-m");
    let csv = two_task_csv(&dir);
    let data = [
        "--problem",
        "tabular",
        "--data",
        &csv,
        "--targets",
        "y_bin,y_real",
    ];
    let budget = ["--losses", "bce,mse", "--epochs", "2", "--batch", "32"];
    let out = dir.join("cmp");
    let mut args = vec!["compare"];
    args.extend(data);
    args.extend(budget);
    args.extend([
        "--solvers",
        "mean,mgda",
        "--seeds",
        "2",
        "--out",
        &out,
        "--json",
    ]);
    let summary = json_of(&args);
    // Each measure from separate `train` runs: the baseline of task i is `ls` with the one-hot
    // preference e_i; task 1 classifies (test accuracy, larger is better), task 2 regresses
    // (test loss, smaller is better).
    let train = |method: &str, pref: Option<&str>, seed: &str| -> Value {
        let mut args = vec!["train"];
        args.extend(data);
        args.extend(budget);
        args.extend(["--method", method, "--seed", seed, "--json"]);
        if let Some(p) = pref {
            args.extend(["--pref", p]);
        }
        json_of(&args)
    };
    let seeds = ["0", "1"];
    let base_accuracy: f64 = seeds
        .iter()
        .map(|s| {
            train("ls", Some("1,0"), s)["test"]["accuracy"][0]
                .as_f64()
                .unwrap()
        })
        .sum::<f64>()
        / 2.0;
    let base_loss: f64 = seeds
        .iter()
        .map(|s| {
            train("ls", Some("0,1"), s)["test"]["losses"][1]
                .as_f64()
                .unwrap()
        })
        .sum::<f64>()
        / 2.0;
    let baselines = summary["baselines"].as_array().unwrap();
    assert_eq!(baselines[0]["objective"], "y_bin");
    assert_eq!(baselines[0]["measure"], "test accuracy");
    assert_eq!(baselines[1]["measure"], "test loss");
    assert!((baselines[0]["value"]["mean"].as_f64().unwrap() - base_accuracy).abs() < 1e-15);
    assert!((baselines[1]["value"]["mean"].as_f64().unwrap() - base_loss).abs() < 1e-15);
    for (row, method) in summary["rows"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["mean", "mgda"])
    {
        assert_eq!(row["method"], method);
        let deltas: Vec<f64> = seeds
            .iter()
            .map(|s| {
                let r = train(method, None, s);
                let accuracy = r["test"]["accuracy"][0].as_f64().unwrap();
                let loss = r["test"]["losses"][1].as_f64().unwrap();
                100.0
                    * ((accuracy - base_accuracy) / base_accuracy + (base_loss - loss) / base_loss)
                    / 2.0
            })
            .collect();
        let mean = (deltas[0] + deltas[1]) / 2.0;
        let got = row["delta_m"]["mean"].as_f64().unwrap();
        assert!((got - mean).abs() < 1e-9, "{method}: Δm% {got} vs {mean}");
    }
    for file in [
        "summary.json",
        "summary.md",
        "delta_m.png",
        "accuracy_y_bin.svg",
        "fronts.png",
    ] {
        assert!(std::path::Path::new(&out).join(file).exists(), "{file}");
    }
    assert!(
        std::path::Path::new(&out)
            .join("runs/mgda-seed1/history.json")
            .exists()
    );
    // Without baselines: no Δm%.
    let mut args = vec!["compare"];
    args.extend(data);
    args.extend(budget);
    args.extend([
        "--solvers",
        "mean",
        "--seeds",
        "1",
        "--no-baselines",
        "--json",
    ]);
    let summary = json_of(&args);
    assert!(summary["rows"][0].get("delta_m").is_none());
    assert!(summary["baselines"].as_array().unwrap().is_empty());
}

/// The 2-D hypervolume of `points` below `reference`, by a sweep written here.
fn hypervolume_2d(points: &[[f64; 2]], reference: [f64; 2]) -> f64 {
    let mut inside: Vec<[f64; 2]> = points
        .iter()
        .copied()
        .filter(|p| p[0] < reference[0] && p[1] < reference[1])
        .collect();
    inside.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let mut volume = 0.0;
    let mut ceiling = reference[1];
    for p in inside {
        if p[1] < ceiling {
            volume += (reference[0] - p[0]) * (ceiling - p[1]);
            ceiling = p[1];
        }
    }
    volume
}

#[test]
fn compare_in_set_mode_reports_the_hypervolume_of_the_training_losses() {
    let summary = json_of(&[
        "compare",
        "--problem",
        "compas",
        "--solvers",
        "epo",
        "--mode",
        "set",
        "--prefs",
        "3",
        "--seeds",
        "1",
        "--epochs",
        "1",
        "--json",
    ]);
    let row = &summary["rows"][0];
    let record = json_of(&[
        "train",
        "--problem",
        "compas",
        "--method",
        "epo",
        "--mode",
        "set",
        "--prefs",
        "3",
        "--epochs",
        "1",
        "--json",
    ]);
    let running: Vec<[f64; 2]> =
        serde_json::from_value(record["train_running"]["losses"].clone()).unwrap();
    assert_eq!(running.len(), 3);
    let expected = hypervolume_2d(&running, [1.0, 1.0]);
    let got = row["train_running_hypervolume"]["mean"].as_f64().unwrap();
    assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
    let test: Vec<[f64; 2]> = serde_json::from_value(record["objectives"].clone()).unwrap();
    let got = row["test_hypervolume"]["mean"].as_f64().unwrap();
    assert!((got - hypervolume_2d(&test, [1.0, 1.0])).abs() < 1e-12);
    assert!(
        row.get("delta_m").is_none(),
        "fairness: no single-task baselines"
    );
}

#[test]
fn train_without_out_writes_a_new_directory_under_runs_and_says_so() {
    let dir = TempDir::new("train-default-out");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_tradeoff"))
            .args(["train", "--problem", "compas", "--epochs", "1"])
            .current_dir(dir.join(""))
            .output()
            .expect("the binary runs")
    };
    for name in ["compas-mean", "compas-mean-2"] {
        let out = run();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("wrote to runs/{name}:")), "{text}");
        for file in [
            "result.json",
            "history.json",
            "checkpoint.json",
            "losses.png",
        ] {
            let path = std::path::Path::new(&dir.join("runs"))
                .join(name)
                .join(file);
            assert!(path.exists(), "{}", path.display());
        }
    }
}
