//! End-to-end tests of `tradeoff solve --checkpoint-every / --stop-after / --resume`: a run
//! interrupted and resumed writes the same `solutions`, bit for bit, as an uninterrupted one.

use std::path::Path;

use serde_json::Value;

use super::{TempDir, fails_with, tradeoff};

fn succeeds(args: &[&str]) {
    let out = tradeoff(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn result(dir: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(dir).join("result.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The uninterrupted run and the interrupted-then-resumed one, for one method.
fn check_resume(tmp: &TempDir, solver: &str, extra: &[&str]) {
    let a = tmp.join(&format!("{solver}-a"));
    let b = tmp.join(&format!("{solver}-b"));
    let base = [
        "solve",
        "--problem",
        "zdt1",
        "--n-var",
        "6",
        "--solver",
        solver,
        "--optimizer",
        "adam",
        "--seed",
        "5",
        "--prefs",
        "4",
        "--iters",
        "600",
    ];
    let mut whole = base.to_vec();
    whole.extend_from_slice(extra);
    whole.extend_from_slice(&["--out", &a]);
    succeeds(&whole);

    let mut first = base.to_vec();
    first.extend_from_slice(extra);
    first.extend_from_slice(&[
        "--checkpoint-every",
        "250",
        "--stop-after",
        "250",
        "--out",
        &b,
    ]);
    succeeds(&first);
    let stopped = result(&b);
    assert_eq!(stopped["termination"], "stopped", "{solver}");
    assert_eq!(stopped["iterations"], 250, "{solver}");
    assert!(Path::new(&b).join("checkpoint.safetensors").is_file());
    assert!(Path::new(&b).join("checkpoint.json").is_file());

    succeeds(&["solve", "--resume", &b]);
    let (whole, resumed) = (result(&a), result(&b));
    assert_eq!(resumed["iterations"], 600, "{solver}");
    // serde_json keeps every f64 exactly (float_roundtrip), so equal values are equal bits.
    assert_eq!(whole["solutions"], resumed["solutions"], "{solver}");
    assert_eq!(whole["objectives"], resumed["objectives"], "{solver}");
    assert_eq!(whole["history"], resumed["history"], "{solver}");
    assert_eq!(whole["config"], resumed["config"], "{solver}");
}

#[test]
fn an_interrupted_run_resumes_to_the_same_solutions() {
    let tmp = TempDir::new("resume-same");
    check_resume(&tmp, "epo", &[]);
    // A set-level rule.
    check_resume(&tmp, "hvgrad", &[]);
}

#[test]
fn an_interrupted_stateful_run_resumes_to_the_same_solutions() {
    let tmp = TempDir::new("resume-stateful");
    // Stateful (momentum) and randomized (per-row generators) methods: needs every method's
    // `save_state`/`load_state`.
    check_resume(&tmp, "gradvac", &[]);
    check_resume(&tmp, "random", &["--set", "seed=9"]);
    // A set-level rule with state (the adapted preferences).
    check_resume(&tmp, "uniform", &[]);
}

#[test]
fn resume_checks_its_flags_and_the_checkpoint() {
    let tmp = TempDir::new("resume-flags");
    let dir = tmp.join("run");
    succeeds(&[
        "solve",
        "--problem",
        "zdt1",
        "--n-var",
        "4",
        "--solver",
        "ls",
        "--iters",
        "40",
        "--checkpoint-every",
        "10",
        "--stop-after",
        "20",
        "--out",
        &dir,
    ]);
    // Run flags come from the checkpoint.
    fails_with(
        &["solve", "--resume", &dir, "--lr", "0.5"],
        "cannot be used with",
    );
    fails_with(
        &["solve", "--resume", &dir, "--solver", "epo"],
        "cannot be used with",
    );
    // A total at or below the saved iteration.
    fails_with(
        &["solve", "--resume", &dir, "--iters", "20"],
        "above the saved iteration 20",
    );
    // --stop-after needs somewhere to write the checkpoint.
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--stop-after",
            "5",
            "--iters",
            "10",
        ],
        "--out",
    );
    // A larger total is allowed.
    succeeds(&["solve", "--resume", &dir, "--iters", "60"]);
    assert_eq!(result(&dir)["iterations"], 60);
    assert_eq!(result(&dir)["config"]["iters"], 60);

    // A corrupted checkpoint: one line naming the file and the fault, exit code 2.
    let state = Path::new(&dir).join("checkpoint.safetensors");
    let bytes = std::fs::read(&state).unwrap();
    std::fs::write(&state, &bytes[..bytes.len() - 9]).unwrap();
    fails_with(&["solve", "--resume", &dir], "checkpoint.safetensors");
    let out = tradeoff(&["solve", "--resume", &dir]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("truncated"), "{stderr}");

    // Not a checkpoint directory.
    let empty = tmp.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    fails_with(&["solve", "--resume", &empty], "checkpoint.json");
}

#[test]
fn library_checks_replace_silent_fixes() {
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--record-every",
            "0",
            "--iters",
            "5",
        ],
        "record-every",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--init-box",
            "1,0",
            "--iters",
            "5",
        ],
        "lo < hi",
    );
}

/// A checkpoint.json edited by hand is held to a fresh run's limits: a cadence of 0 (which
/// divided by zero), a sampled front of 10^15 points (which failed to allocate) and a planned
/// total far above the work limit are each one line and exit code 2.
#[test]
fn a_hostile_checkpoint_definition_is_refused() {
    let tmp = TempDir::new("resume-hostile");
    let dir = tmp.join("run");
    succeeds(&[
        "solve",
        "--problem",
        "zdt1",
        "--n-var",
        "4",
        "--solver",
        "ls",
        "--iters",
        "10",
        "--checkpoint-every",
        "5",
        "--stop-after",
        "5",
        "--out",
        &dir,
    ]);
    let path = Path::new(&dir).join("checkpoint.json");
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let cases = [
        (
            "checkpoint_every",
            serde_json::json!(0),
            "checkpoint_every is 0",
        ),
        (
            "front_points",
            serde_json::json!(1_000_000_000_000_000u64),
            "true-front points",
        ),
        (
            "total_iters",
            serde_json::json!(1_000_000_000_000_000u64),
            "variable-steps",
        ),
    ];
    for (key, value, needle) in cases {
        let mut json = original.clone();
        json["definition"][key] = value;
        std::fs::write(&path, json.to_string()).unwrap();
        fails_with(&["solve", "--resume", &dir], needle);
    }
}
