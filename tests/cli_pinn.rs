//! `tradeoff train` on PINN problems: records, resume bit for bit, refusals (small networks and
//! point counts, fast in debug builds).

use super::cli_train::history_without_times;
use super::{TempDir, fails_with, json_of, tradeoff};

// The network stays small (8 × 8) and the point counts low, so debug builds run these in seconds.

const SMALL: [&str; 10] = [
    "--set",
    "n_interior=48",
    "--set",
    "n_boundary=12",
    "--set",
    "n_initial=12",
    "--model-config",
    r#"{"hidden":[8,8]}"#,
    "--eval-every",
    "5",
];

#[test]
fn pinn_train_writes_records_and_pictures() {
    let dir = TempDir::new("pinn-train");
    let out = dir.join("kovasznay");
    let record = json_of(
        &[
            &[
                "train",
                "--problem",
                "kovasznay",
                "--method",
                "sum",
                "--epochs",
                "20",
            ][..],
            &SMALL,
            &["--out", &out, "--json"],
        ]
        .concat(),
    );
    assert_eq!(record["epochs_run"], 20);
    assert_eq!(
        record["objectives_names"],
        serde_json::json!(["residual", "boundary"])
    );
    assert_eq!(record["outputs"], serde_json::json!(["u", "v", "p"]));
    assert!(record["test"]["mse"].as_f64().unwrap() > 0.0);
    assert!(record["epoch_s"].as_f64().unwrap() > 0.0);
    assert_eq!(record["train"]["losses"].as_array().unwrap().len(), 2);
    let steps: Vec<u64> = history_without_times(std::path::Path::new(&out))
        .iter()
        .map(|r| r["step"].as_u64().unwrap())
        .collect();
    assert_eq!(steps, vec![0, 5, 10, 15, 20]);
    for file in [
        "result.json",
        "losses.png",
        "solution_u.png",
        "error_p.png",
        "checkpoint.json",
    ] {
        assert!(std::path::Path::new(&out).join(file).exists(), "{file}");
    }
}

#[test]
fn pinn_resume_gives_the_uninterrupted_run_bit_for_bit() {
    let dir = TempDir::new("pinn-resume");
    for method in ["sum", "m-config", "relobralo", "config"] {
        let whole = dir.join(&format!("whole-{method}"));
        let cut = dir.join(&format!("cut-{method}"));
        let args = [
            &[
                "train",
                "--problem",
                "burgers",
                "--set",
                "terms=3",
                "--method",
                method,
            ][..],
            &["--epochs", "23", "--checkpoint-every", "5"],
            &SMALL,
        ]
        .concat();
        let straight = json_of(&[&args[..], &["--out", &whole, "--json"]].concat());
        let first = tradeoff(&[&args[..], &["--out", &cut, "--stop-after", "12"]].concat());
        assert!(
            first.status.success(),
            "{}",
            String::from_utf8_lossy(&first.stderr)
        );
        let resumed = json_of(&["train", "--resume", &cut, "--json"]);
        for key in ["test", "train", "epochs_run"] {
            assert_eq!(resumed[key], straight[key], "{method}: {key}");
        }
        assert_eq!(
            history_without_times(std::path::Path::new(&cut)),
            history_without_times(std::path::Path::new(&whole)),
            "{method}"
        );
    }
}

#[test]
fn pinn_train_refuses_bad_requests() {
    fails_with(
        &[
            "train",
            "--problem",
            "kovasznay",
            "--set",
            "terms=3",
            "--epochs",
            "2",
        ],
        "loss terms",
    );
    fails_with(
        &[
            "train",
            "--problem",
            "burgers",
            "--batch",
            "3",
            "--epochs",
            "2",
        ],
        "--batch does not apply",
    );
    fails_with(
        &[
            "train",
            "--problem",
            "burgers",
            "--method",
            "no-such",
            "--epochs",
            "2",
        ],
        "no-such",
    );
}

#[test]
fn compare_on_a_pinn_problem_gives_the_table_and_both_charts() {
    let dir = TempDir::new("pinn-compare");
    let out = dir.join("cmp");
    let mut args = vec![
        "compare",
        "--problem",
        "kovasznay",
        "--solvers",
        "sum,m-config",
        "--seeds",
        "2",
        "--epochs",
        "10",
        "--out",
        &out,
        "--json",
    ];
    let sets = [
        "sum:n_interior=32",
        "sum:n_boundary=8",
        "m-config:n_interior=32",
        "m-config:n_boundary=8",
    ];
    for s in &sets {
        args.extend(["--set", s]);
    }
    let summary = json_of(&args);
    let rows = summary["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["solver"], "sum");
    assert_eq!(rows[1]["runs"], 2);
    assert!(rows[0]["test_mse"]["mean"].as_f64().unwrap() > 0.0);
    for file in [
        "summary.md",
        "summary.json",
        "test_mse_steps.png",
        "test_mse_time.png",
        "sum/seed-0/result.json",
        "m-config/seed-1/history.json",
    ] {
        assert!(std::path::Path::new(&out).join(file).exists(), "{file}");
    }
}
