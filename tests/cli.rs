//! End-to-end tests of the `tradeoff` binary: outputs, and clean failures on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

// `solve --checkpoint-every / --stop-after / --resume`, in this binary to share its helpers.
mod cli_resume;
// `train`: records, resume, refusals.
mod cli_train;
// `psl train/query` on neural problems: records, query = evaluation row, export, resume.
mod cli_psl_neural;
// `train` on PINN problems.
mod cli_pinn;

fn tradeoff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tradeoff"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs, expects success, parses stdout as JSON.
fn json_of(args: &[&str]) -> Value {
    let out = tradeoff(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Runs, expects exit code 2 and a one-line error containing `needle`, and no panic.
fn fails_with(args: &[&str], needle: &str) {
    let out = tradeoff(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(
        stderr.to_lowercase().contains(&needle.to_lowercase()),
        "{args:?}: expected '{needle}' in {stderr}"
    );
    assert!(out.stdout.is_empty(), "{args:?}: wrote to stdout on error");
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tradeoff-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn file(&self, name: &str, contents: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, contents).unwrap();
        p.to_string_lossy().into_owned()
    }
    fn path(&self) -> &Path {
        &self.0
    }
    /// The path of `name` inside the directory, as text.
    fn join(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn list_problems_names_every_family_with_metadata() {
    let v = json_of(&["list", "problems", "--json"]);
    let rows = v["problems"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    for name in [
        "zdt1", "zdt6", "dtlz1", "dtlz7", "vlmop1", "vlmop2", "maf1", "re21", "re42",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    // The training problems: every name `train` knows, from the registries.
    let training: Vec<&str> = v["training_problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let known: Vec<&str> = tradeoff::problems::neural::registry::NEURAL_PROBLEMS
        .iter()
        .chain(tradeoff::problems::pinn::PINN_PROBLEMS.iter())
        .copied()
        .collect();
    assert_eq!(training, known);
    let zdt1 = rows.iter().find(|r| r["name"] == "zdt1").unwrap();
    assert_eq!(zdt1["n_var"], 30);
    assert_eq!(zdt1["n_obj"], 2);
    assert_eq!(zdt1["true_front"], true);
    assert_eq!(zdt1["reference_point"], serde_json::json!([1.0, 1.0]));
    let vlmop1 = rows.iter().find(|r| r["name"] == "vlmop1").unwrap();
    assert_eq!(vlmop1["reference_point"], serde_json::json!([4.0, 4.0]));
    let re21 = rows.iter().find(|r| r["name"] == "re21").unwrap();
    assert_eq!(re21["true_front"], false);
}

#[test]
fn eval_matches_the_pymoo_reference_for_zdt1() {
    // pymoo 0.6.2 ZDT1 at the first reference point of tests/fixtures/problems.json.
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/problems.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let zdt1 = &fixture["problems"]["ZDT1"];
    let x = serde_json::to_string(&zdt1["x"]).unwrap();
    let dir = TempDir::new("eval");
    let input = dir.file("x.json", &x);
    let v = json_of(&["eval", "ZDT1", "--input", &input, "--jacobian"]);
    let ours = matrix(&v["objectives"]);
    let theirs = matrix(&zdt1["F"]["pymoo"]);
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().flatten().zip(theirs.iter().flatten()) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
    }
    let jac = v["jacobian"].as_array().unwrap();
    assert_eq!(jac.len(), ours.len());
    assert_eq!(jac[0].as_array().unwrap().len(), 2);
    assert_eq!(jac[0][0].as_array().unwrap().len(), 30);
    // ∂f1/∂x1 = 1 for ZDT1.
    assert_eq!(jac[0][0][0].as_f64().unwrap(), 1.0);
}

#[test]
fn eval_reads_csv_and_respects_size_flags() {
    let dir = TempDir::new("csv");
    let input = dir.file("x.csv", "x1,x2,x3\n0.5,0.5,0.5\n0.1,0.2,0.3\n");
    let v = json_of(&[
        "eval", "dtlz2", "--n-var", "3", "--n-obj", "2", "--input", &input,
    ]);
    let f = matrix(&v["objectives"]);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].len(), 2);
    // DTLZ2 with all distance variables at 0.5: the point lies on the unit circle.
    let r: f64 = f[0].iter().map(|v| v * v).sum::<f64>().sqrt();
    assert!((r - 1.0).abs() < 1e-12);
    assert!(v.get("jacobian").is_none());
    // A fixed size may be repeated.
    let input30 = dir.file("x30.json", &format!("[[{}]]", vec!["0.5"; 30].join(",")));
    json_of(&["eval", "zdt1", "--n-obj", "2", "--input", &input30]);
}

#[test]
fn eval_rejects_bad_input_cleanly() {
    let dir = TempDir::new("bad");
    let narrow = dir.file("narrow.json", "[[0.5, 0.5]]");
    fails_with(&["eval", "zdt1", "--input", &narrow], "n_var = 30");
    let ragged = dir.file("ragged.json", "[[0.5, 0.5], [0.1]]");
    fails_with(
        &["eval", "zdt1", "--n-var", "2", "--input", &ragged],
        "same width",
    );
    let nan = dir.file("nan.json", "[[0.5, \"nan\"]]");
    fails_with(&["eval", "zdt1", "--n-var", "2", "--input", &nan], "finite");
    let malformed = dir.file("bad.json", "[[0.5, 0.5]");
    fails_with(
        &["eval", "zdt1", "--n-var", "2", "--input", &malformed],
        "malformed JSON",
    );
    let csv = dir.file("bad.csv", "0.5,0.5\n0.1,abc\n");
    fails_with(
        &["eval", "zdt1", "--n-var", "2", "--input", &csv],
        "not a number",
    );
    let ok = dir.file("ok.json", "[[0.5, 0.5]]");
    fails_with(&["eval", "nosuch", "--input", &ok], "unknown problem");
    fails_with(&["eval", "zdt1", "--n-obj", "3", "--input", &ok], "n_obj");
    fails_with(
        &[
            "eval", "dtlz2", "--n-var", "2", "--n-obj", "3", "--input", &ok,
        ],
        "n_var",
    );
    fails_with(
        &["eval", "zdt1", "--input", "/nonexistent/x.json"],
        "cannot read",
    );
    fails_with(&["eval", "zdt1", "--n-var", "0", "--input", &ok], "n_var");
}

#[test]
fn front_samples_the_true_front() {
    let v = json_of(&["front", "zdt1", "--n", "50"]);
    let pts = matrix(&v["points"]);
    assert_eq!(pts.len(), 50);
    for p in &pts {
        assert!((p[1] - (1.0 - p[0].sqrt())).abs() < 1e-12);
    }
    let v = json_of(&["front", "dtlz2", "--n", "100", "--n-obj", "4"]);
    for p in matrix(&v["points"]) {
        assert_eq!(p.len(), 4);
        let r: f64 = p.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((r - 1.0).abs() < 1e-12);
    }
    let v = json_of(&["front", "zdt6", "--n", "10"]);
    let first = matrix(&v["points"])[0][0];
    assert!(
        (first - 0.280_775_319_1).abs() < 1e-9,
        "ZDT6 front starts at {first}"
    );
    fails_with(
        &["front", "re21", "--n", "10"],
        "no known true Pareto front",
    );
    fails_with(&["front", "dtlz5", "--n", "10", "--n-obj", "4"], "no known");
}

#[test]
fn indicators_of_a_small_set_against_hand_values() {
    let dir = TempDir::new("ind");
    let input = dir.file("f.json", "[[0.2, 0.8], [0.5, 0.5], [0.8, 0.2], [0.9, 0.9]]");
    let v = json_of(&[
        "indicators",
        "--input",
        &input,
        "--ref",
        "1,1",
        "--contributions",
    ]);
    // Union of boxes [a, (1,1)]: by a sweep over f1: [0.2,0.5)×0.2 + [0.5,0.8)×0.5 + [0.8,1)×0.8.
    let hv = 0.3 * 0.2 + 0.3 * 0.5 + 0.2 * 0.8;
    assert!((v["hypervolume"].as_f64().unwrap() - hv).abs() < 1e-12);
    assert_eq!(v["n_nondominated"], 3);
    assert_eq!(v["reference_point"], serde_json::json!([1.0, 1.0]));
    let contrib: Vec<f64> = v["hv_contributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    // Exclusive boxes: [0.2, 0.5)×[0.8, 1), [0.5, 0.8)×[0.5, 0.8), [0.8, 1)×[0.2, 0.5); the
    // dominated point adds nothing.
    let expected = [0.3 * 0.2, 0.3 * 0.3, 0.2 * 0.3, 0.0];
    for (a, b) in contrib.iter().zip(expected) {
        assert!((a - b).abs() < 1e-12, "{contrib:?}");
    }
    assert!(v.get("igd").is_none(), "no front given");
    let lmin = v["lmin"].as_f64().unwrap();
    assert!((lmin - (0.3f64 * 0.3 * 2.0).sqrt()).abs() < 1e-12);

    let front = dir.file("z.json", "[[0.0, 1.0], [1.0, 0.0]]");
    let prefs = dir.file("p.json", "[[0.8,0.2],[0.5,0.5],[0.2,0.8],[0.5,0.5]]");
    let v = json_of(&[
        "indicators",
        "--input",
        &input,
        "--front",
        &front,
        "--prefs-file",
        &prefs,
    ]);
    for key in [
        "igd",
        "igd_plus",
        "gd",
        "gd_plus",
        "avg_hausdorff",
        "epsilon_additive",
        "epsilon_mult",
        "inner_product",
        "cross_angle",
        "pbi",
    ] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    // epsilon_mult is undefined with a zero in the front.
    assert!(v["epsilon_mult"].is_null());
    // Default reference point: max + 0.1 (max − min) = 0.9 + 0.07 = 0.97.
    let r = v["reference_point"].as_array().unwrap();
    assert!((r[0].as_f64().unwrap() - 0.97).abs() < 1e-12);
}

#[test]
fn indicators_of_one_point_report_undefined_as_null() {
    let dir = TempDir::new("one");
    let input = dir.file("f.json", "[[0.5, 0.5]]");
    let v = json_of(&["indicators", "--input", &input, "--ref", "1,1"]);
    assert!((v["hypervolume"].as_f64().unwrap() - 0.25).abs() < 1e-15);
    assert!(v["lmin"].is_null());
}

#[test]
fn indicators_say_when_the_hypervolume_is_outside_f64() {
    // Issue 12 §3: `"hypervolume": null` for these points. Default reference (max + 0.1·range,
    // or max + 0.1·|max| for a constant column): (1.2e300, 1.1e300); the hypervolume is
    // (1.2e300 + 1e300)·(1.1e300 − 1e300) = 2.2e599, beyond f64.
    let dir = TempDir::new("hvrange");
    let input = dir.file("f.json", "[[1e300,1e300],[-1e300,1e300]]");
    let v = json_of(&["indicators", "--input", &input]);
    assert!(v.get("hypervolume").is_none(), "{v}");
    let note = v["skipped"]["hypervolume"].as_str().unwrap();
    assert!(note.contains("2.2000e599"), "{note}");
    let notes = v["notes"].as_array().map_or(0, |n| {
        n.iter()
            .filter(|t| t.as_str().unwrap().starts_with("hypervolume"))
            .count()
    });
    assert_eq!(notes, 0, "{v}");
    // Asked for by name (or with --ref): an error, exit 2.
    fails_with(
        &["indicators", "--input", &input, "--only", "hv"],
        "outside the range",
    );
    fails_with(
        &["indicators", "--input", &input, "--ref", "2e300,2e300"],
        "outside the range",
    );
    // Underflow: one point, box 1e-200 × 1e-200 (1e-400), asked for with --ref.
    let tiny = dir.file("t.json", "[[1e-200,1e-200]]");
    fails_with(
        &["indicators", "--input", &tiny, "--ref", "2e-200,2e-200"],
        "about 1.0000e-400",
    );
    // In range at the same scale: reported.
    let v = json_of(&["indicators", "--input", &tiny, "--ref", "1e-100,1e-100"]);
    assert!((v["hypervolume"].as_f64().unwrap() / 1e-200 - 1.0).abs() < 1e-12);
}

#[test]
fn indicators_reject_bad_input() {
    let dir = TempDir::new("indbad");
    let input = dir.file("f.json", "[[0.5, 0.5]]");
    fails_with(
        &["indicators", "--input", &input, "--ref", "1,1,1"],
        "--ref",
    );
    fails_with(
        &["indicators", "--input", &input, "--ref", "1,x"],
        "not a finite number",
    );
    let front3 = dir.file("z.json", "[[0.5, 0.5, 0.5]]");
    fails_with(
        &["indicators", "--input", &input, "--front", &front3],
        "objectives",
    );
    let prefs = dir.file("p.json", "[[0.5, 0.5], [0.5, 0.5]]");
    fails_with(
        &["indicators", "--input", &input, "--prefs-file", &prefs],
        "one preference per point",
    );
    let empty = dir.file("e.json", "[]");
    fails_with(&["indicators", "--input", &empty], "no rows");
    let txt = dir.file("f.txt", "0.5 0.5");
    fails_with(&["indicators", "--input", &txt], "unknown file type");
}

/// `n` distinct points of `m` objectives on the simplex (sum 1), as JSON: mutually
/// non-dominated up to rounding.
fn simplex_points_json(n: usize, m: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let raw: Vec<f64> = (0..m)
                .map(|j| (((i + 1) * (j + 3) * 7919) % 1009 + 1) as f64)
                .collect();
            let sum: f64 = raw.iter().sum();
            let values: Vec<String> = raw.iter().map(|v| format!("{:?}", v / sum)).collect();
            format!("[{}]", values.join(","))
        })
        .collect();
    format!("[{}]", rows.join(","))
}

/// Every indicator key `indicators` writes (besides the input's description).
const INDICATOR_KEYS: [&str; 18] = [
    "hypervolume",
    "hv_contributions",
    "n_nondominated",
    "igd",
    "igd_plus",
    "gd",
    "gd_plus",
    "avg_hausdorff",
    "epsilon_additive",
    "epsilon_mult",
    "lmin",
    "soft_lmin",
    "spacing",
    "sparsity",
    "span",
    "inner_product",
    "cross_angle",
    "pbi",
];

#[test]
fn indicators_only_computes_what_is_asked() {
    let dir = TempDir::new("only");
    let input = dir.file("f.json", "[[0.2, 0.8], [0.5, 0.5], [0.8, 0.2], [0.9, 0.9]]");
    let front = dir.file("z.json", "[[0.1, 1.0], [1.0, 0.1]]");
    let prefs = dir.file("p.json", "[[0.8,0.2],[0.5,0.5],[0.2,0.8],[0.5,0.5]]");
    let base = [
        "indicators",
        "--input",
        &input,
        "--front",
        &front,
        "--prefs-file",
        &prefs,
        "--ref",
        "1,1",
        "--contributions",
    ];
    let all = json_of(&base);
    for key in INDICATOR_KEYS {
        assert!(all.get(key).is_some(), "{key} missing from the full report");
        let mut args = base.to_vec();
        args.pop(); // --contributions: only what --only names
        args.extend(["--only", key]);
        let v = json_of(&args);
        for other in INDICATOR_KEYS {
            assert_eq!(
                v.get(other).is_some(),
                other == key,
                "--only {key}: {other}"
            );
        }
        // the same number as in the full report, bit for bit
        assert_eq!(v[key], all[key], "--only {key}");
        assert_eq!(v["n_points"], 4);
    }
    // `hv` names the hypervolume; spaces and repeats are fine
    let v = json_of(&[
        "indicators",
        "--input",
        &input,
        "--ref",
        "1,1",
        "--front",
        &front,
        "--only",
        "hv, igd,hv",
    ]);
    let hv = 0.3 * 0.2 + 0.3 * 0.5 + 0.2 * 0.8;
    assert!((v["hypervolume"].as_f64().unwrap() - hv).abs() < 1e-12);
    assert_eq!(v["igd"], all["igd"]);
    assert!(v.get("lmin").is_none() && v.get("gd").is_none());
}

#[test]
fn indicators_only_rejects_unknown_and_unavailable_names() {
    let dir = TempDir::new("onlybad");
    let input = dir.file("f.json", "[[0.5, 0.5], [0.2, 0.8]]");
    for bad in ["hypervolum", "hv,nope", "", "igd;gd"] {
        let out = tradeoff(&["indicators", "--input", &input, "--only", bad]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        for word in [
            "unknown indicator",
            "hv",
            "hypervolume",
            "epsilon_mult",
            "pbi",
        ] {
            assert!(stderr.contains(word), "{bad:?}: {word} not in {stderr}");
        }
    }
    fails_with(
        &["indicators", "--input", &input, "--only", "lmin,igd"],
        "--only igd needs --front",
    );
    fails_with(
        &["indicators", "--input", &input, "--only", "pbi"],
        "needs --prefs-file",
    );
}

#[test]
fn indicators_leave_out_a_costly_hypervolume_nobody_asked_for() {
    let dir = TempDir::new("skiphv");
    // 200 points in 10 objectives: the estimate is far above a few seconds
    let input = dir.file("f.json", &simplex_points_json(200, 10));
    let v = json_of(&["indicators", "--input", &input, "--only", "lmin,span"]);
    assert!(
        v.get("skipped").is_none(),
        "nothing left out when --only chooses"
    );
    let v = json_of(&["indicators", "--input", &input]);
    assert!(v.get("hypervolume").is_none());
    let note = v["skipped"]["hypervolume"].as_str().expect("a note");
    assert!(
        note.contains("--only hv") && note.contains("--ref"),
        "{note}"
    );
    for key in [
        "n_nondominated",
        "lmin",
        "soft_lmin",
        "spacing",
        "sparsity",
        "span",
    ] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn indicators_refuse_an_impossible_request_before_computing() {
    let dir = TempDir::new("refuse");
    // 300 points in 12 objectives: an exact hypervolume would take days
    let input = dir.file("f.json", &simplex_points_json(300, 12));
    for args in [
        vec!["indicators", "--input", &input, "--only", "hv"],
        vec![
            "indicators",
            "--input",
            &input,
            "--ref",
            "2,2,2,2,2,2,2,2,2,2,2,2",
        ],
        vec![
            "indicators",
            "--input",
            &input,
            "--only",
            "hv_contributions",
        ],
    ] {
        let out = tradeoff(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.contains("would take about") && stderr.contains("12 objectives"),
            "{stderr}"
        );
    }
}

#[test]
fn indicators_leave_out_soft_lmin_on_many_points() {
    let dir = TempDir::new("skipsoft");
    // 20,000 points on a line: 2·10⁸ pairs for soft lmin, a k-d tree for the others
    let rows: Vec<String> = (0..20_000)
        .map(|i| {
            let x = f64::from(i) / 20_000.0;
            format!("[{x:?},{:?}]", 1.0 - x)
        })
        .collect();
    let input = dir.file("f.json", &format!("[{}]", rows.join(",")));
    let v = json_of(&["indicators", "--input", &input]);
    assert!(v.get("soft_lmin").is_none());
    let note = v["skipped"]["soft_lmin"].as_str().expect("a note");
    assert!(note.contains("--only soft_lmin"), "{note}");
    assert!(v["skipped"].get("hypervolume").is_none());
    assert!(v["hypervolume"].as_f64().is_some());
    // consecutive points are 1/20,000 · √2 apart
    let lmin = v["lmin"].as_f64().unwrap();
    assert!((lmin - 2f64.sqrt() / 20_000.0).abs() < 1e-15, "{lmin}");
}

#[test]
fn prefs_methods_give_simplex_vectors() {
    let v = json_of(&[
        "prefs", "--n-obj", "2", "--n", "5", "--method", "linspace", "--clip", "0.01",
    ]);
    let p = matrix(&v["prefs"]);
    assert_eq!(p.len(), 5);
    assert!((p[0][0] - 0.01).abs() < 1e-15 && (p[4][0] - 0.99).abs() < 1e-15);
    let v = json_of(&[
        "prefs",
        "--n-obj",
        "3",
        "--n",
        "91",
        "--method",
        "das-dennis",
    ]);
    assert_eq!(matrix(&v["prefs"]).len(), 91);
    let v = json_of(&[
        "prefs",
        "--n-obj",
        "3",
        "--partitions",
        "4",
        "--method",
        "das-dennis",
    ]);
    assert_eq!(matrix(&v["prefs"]).len(), 15);
    for method in ["energy", "uniform", "dirichlet"] {
        let a = json_of(&[
            "prefs", "--n-obj", "3", "--n", "12", "--method", method, "--seed", "3",
        ]);
        let b = json_of(&[
            "prefs", "--n-obj", "3", "--n", "12", "--method", method, "--seed", "3",
        ]);
        assert_eq!(a, b, "{method}: same seed, same vectors");
        let p = matrix(&a["prefs"]);
        assert_eq!(p.len(), 12);
        for row in p {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert!(row.iter().all(|&x| x >= 0.0));
        }
    }
    fails_with(
        &[
            "prefs",
            "--n-obj",
            "3",
            "--n",
            "20",
            "--method",
            "das-dennis",
        ],
        "15",
    );
    fails_with(
        &["prefs", "--n-obj", "3", "--n", "5", "--method", "linspace"],
        "2 objectives",
    );
    fails_with(
        &["prefs", "--n-obj", "2", "--n", "5", "--method", "bogus"],
        "invalid value",
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let out = tradeoff(&["eval"]);
    assert_eq!(out.status.code(), Some(2));
    let out = tradeoff(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("indicators"));
}

#[test]
fn list_solvers_names_every_method_with_options() {
    let v = json_of(&["list", "solvers", "--json"]);
    let rows = v["solvers"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    for name in [
        "ls",
        "tche",
        "mtche",
        "pbi",
        "cosmos",
        "invagg",
        "stche",
        "smtche",
        "aasf",
        "pnorm",
        "mean",
        "sum",
        "random",
        "mgda",
        "epo",
        "pmgda",
        "pmtl",
        "pcgrad",
        "gradvac",
        "cagrad",
        "imtl-g",
        "aligned-mtl",
        "upgrad",
        "dualproj",
        "nash-mtl",
        "fairgrad",
        "graddrop",
        "config",
        "m-config",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let cagrad = rows.iter().find(|r| r["name"] == "cagrad").unwrap();
    assert_eq!(cagrad["family"], "aggregator");
    let c = cagrad["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "c")
        .expect("cagrad has option c");
    assert_eq!(c["default"], "0.5");
    let epo = rows.iter().find(|r| r["name"] == "epo").unwrap();
    assert_eq!(epo["uses_preference"], true);
}

#[test]
fn solve_writes_results_and_pictures() {
    let dir = TempDir::new("solve");
    let out = dir.path().join("run");
    let out_s = out.to_string_lossy().into_owned();
    let v = json_of(&[
        "solve",
        "--problem",
        "zdt1",
        "--n-var",
        "5",
        "--solver",
        "epo",
        "--prefs",
        "4",
        "--iters",
        "300",
        "--out",
        &out_s,
        "--json",
    ]);
    assert_eq!(matrix(&v["objectives"]).len(), 4);
    assert_eq!(matrix(&v["solutions"])[0].len(), 5);
    assert_eq!(matrix(&v["prefs"]).len(), 4);
    let hv = v["hypervolume"].as_f64().unwrap();
    assert!(hv > 0.45 && hv < 2.0 / 3.0, "ZDT1 hypervolume {hv}");
    assert!(v["igd"].as_f64().is_some());
    // Every solution reached the true front f2 = 1 − √f1.
    for f in matrix(&v["objectives"]) {
        assert!(
            (f[1] - (1.0 - f[0].sqrt())).abs() < 0.01,
            "{f:?} is off the front"
        );
    }
    assert!(v["time_s"].as_f64().unwrap() > 0.0);
    for file in [
        "result.json",
        "front.csv",
        "front.png",
        "front.svg",
        "history.png",
        "history.svg",
    ] {
        let p = out.join(file);
        assert!(
            p.metadata().map(|m| m.len() > 0).unwrap_or(false),
            "{file} missing"
        );
    }
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("result.json")).unwrap()).unwrap();
    // X and F at the same final X: F equals the problem evaluated at X.
    let x = serde_json::to_string(&record["solutions"]).unwrap();
    let input = dir.file("x.json", &x);
    let f = json_of(&["eval", "zdt1", "--n-var", "5", "--input", &input]);
    assert_eq!(f["objectives"], record["objectives"]);
    assert!(record["history"].as_array().unwrap().len() >= 2);
    // Same seed, same result, bit for bit.
    let again = json_of(&[
        "solve",
        "--problem",
        "zdt1",
        "--n-var",
        "5",
        "--solver",
        "epo",
        "--prefs",
        "4",
        "--iters",
        "300",
        "--json",
    ]);
    assert_eq!(again["objectives"], v["objectives"]);
    // A non-empty --out is refused and nothing in it is touched.
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "epo",
            "--out",
            &out_s,
        ],
        "not empty",
    );
    assert!(out.join("result.json").exists());
    // `plot` re-draws a saved run.
    std::fs::remove_file(out.join("front.png")).unwrap();
    let status = tradeoff(&["plot", &out.join("result.json").to_string_lossy()]);
    assert!(status.status.success());
    assert!(out.join("front.png").exists());
}

#[test]
fn solve_accepts_every_preference_source() {
    let dir = TempDir::new("prefsrc");
    let prefs = dir.file("p.csv", "0.2,0.8\n0.8,0.2\n");
    let v = json_of(&[
        "solve",
        "--problem",
        "vlmop2",
        "--solver",
        "mtche",
        "--prefs-file",
        &prefs,
        "--iters",
        "50",
        "--json",
    ]);
    assert_eq!(matrix(&v["prefs"]).len(), 2);
    let v = json_of(&[
        "solve",
        "--problem",
        "vlmop2",
        "--solver",
        "tche",
        "--pref",
        "1,3",
        "--iters",
        "50",
        "--json",
    ]);
    assert_eq!(matrix(&v["prefs"]), vec![vec![0.25, 0.75]]);
    let v = json_of(&[
        "solve",
        "--problem",
        "dtlz2",
        "--solver",
        "upgrad",
        "--iters",
        "20",
        "--json",
    ]);
    assert_eq!(matrix(&v["prefs"])[0].len(), 3);
    let init = dir.file("x0.json", "[[0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1]]");
    let v = json_of(&[
        "solve",
        "--problem",
        "vlmop2",
        "--solver",
        "ls",
        "--pref",
        "0.5,0.5",
        "--init",
        &init,
        "--iters",
        "1",
        "--optimizer",
        "sgd",
        "--lr",
        "1e-12",
        "--json",
    ]);
    assert!((matrix(&v["solutions"])[0][0] - 0.1).abs() < 1e-9);
}

#[test]
fn solve_rejects_bad_options() {
    fails_with(
        &["solve", "--problem", "zdt1", "--solver", "nosuch"],
        "unknown method",
    );
    fails_with(
        &["solve", "--problem", "nosuch", "--solver", "epo"],
        "unknown problem",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "cagrad",
            "--set",
            "c=abc",
        ],
        "finite number",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "cagrad",
            "--set",
            "bogus=1",
        ],
        "unknown option",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "epo",
            "--pref",
            "0.5,0.3,0.2",
        ],
        "objectives",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "epo",
            "--pref",
            "-1,2",
        ],
        "non-negative",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "epo",
            "--lr",
            "-1",
        ],
        "lr",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "epo",
            "--iters",
            "0",
        ],
        "iters",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "epo",
            "--init-box",
            "1,0",
        ],
        "LO < HI",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "epo",
            "--ref",
            "1,1,1",
        ],
        "--ref",
    );
    fails_with(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--solver",
            "epo",
            "--prefs",
            "3",
            "--pref",
            "0.5,0.5",
        ],
        "cannot be used with",
    );
}

#[test]
fn aggregate_checks_a_method_on_a_matrix() {
    let dir = TempDir::new("agg");
    // Two conflicting gradients: MGDA's min-norm point of the segment between them.
    let j = dir.file("j.json", "[[1.0, 0.0], [-0.5, 1.0]]");
    let v = json_of(&["aggregate", "mgda", "--input", &j]);
    let w: Vec<f64> = v["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let d: Vec<f64> = v["direction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    // g1 = (1, 0), g2 = (−0.5, 1): γ = (g2·g2 − g1·g2) / |g1 − g2|² = (1.25 + 0.5) / 3.25.
    let gamma = 1.75 / 3.25;
    assert!(
        (w[0] - gamma).abs() < 1e-12 && (w[1] - (1.0 - gamma)).abs() < 1e-12,
        "{w:?}"
    );
    assert!((d[0] - (gamma - 0.5 * (1.0 - gamma))).abs() < 1e-12);
    let v = json_of(&[
        "aggregate",
        "epo",
        "--input",
        &j,
        "--losses",
        "0.5,0.2",
        "--pref",
        "0.3,0.7",
    ]);
    assert_eq!(v["direction"].as_array().unwrap().len(), 2);
    let pref = dir.file("p.json", "[0.3, 0.7]");
    let v2 = json_of(&[
        "aggregate",
        "epo",
        "--input",
        &j,
        "--losses",
        "0.5,0.2",
        "--pref",
        &pref,
    ]);
    assert_eq!(v["direction"], v2["direction"]);
    let v = json_of(&["aggregate", "cagrad", "--input", &j, "--set", "c=0.4"]);
    assert!(v["weights"].is_array());
    fails_with(&["aggregate", "epo", "--input", &j], "preference");
    fails_with(&["aggregate", "hvgrad", "--input", &j], "set-level");
    fails_with(
        &["aggregate", "mgda", "--input", &j, "--pref", "0.5"],
        "preference length",
    );
    let bad = dir.file("bad.json", "[[1.0, \"inf\"]]");
    fails_with(&["aggregate", "mgda", "--input", &bad], "finite");
}

#[test]
fn compare_runs_solvers_over_seeds_and_writes_a_summary() {
    let dir = TempDir::new("compare");
    let out = dir.path().join("cmp");
    let out_s = out.to_string_lossy().into_owned();
    let comparison = [
        "compare",
        "--problem",
        "vlmop2",
        "--solvers",
        "epo,hvgrad,ls",
        "--seeds",
        "2",
        "--iters",
        "100",
        "--optimizer",
        "sgd",
        "--lr",
        "0.01",
        "--init-box=-0.3,0.3",
        "--json",
    ];
    let v = json_of(&[&comparison[..], &["--out", &out_s]].concat());
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        assert_eq!(row["n_runs"], 2);
        for key in [
            "hypervolume",
            "igd",
            "lmin",
            "spacing",
            "sparsity",
            "cross_angle",
            "pbi",
            "time_s",
        ] {
            assert!(row[key]["mean"].is_number(), "{key} of {}", row["solver"]);
            assert!(row[key]["std"].is_number(), "{key} of {}", row["solver"]);
        }
    }
    for file in [
        "summary.json",
        "summary.csv",
        "summary.md",
        "fronts.png",
        "fronts.svg",
        "history.png",
        "history.svg",
        "hypervolume.png",
        "hypervolume.svg",
    ] {
        assert!(out.join(file).exists(), "{file} missing");
    }
    // Seed s gives every solver the same start, and runs in parallel equal serial runs.
    let runs = v["runs"].as_array().unwrap();
    let epo_seed0 = runs
        .iter()
        .find(|r| r["solver"] == "epo" && r["seed"] == 0)
        .unwrap();
    let alone = json_of(&[
        "solve",
        "--problem",
        "vlmop2",
        "--solver",
        "epo",
        "--iters",
        "100",
        "--optimizer",
        "sgd",
        "--lr",
        "0.01",
        "--init-box=-0.3,0.3",
        "--seed",
        "0",
        "--json",
    ]);
    assert_eq!(epo_seed0["objectives"], alone["objectives"]);
    // --jobs 1 runs them one at a time, with the same results in the same order.
    let serial = json_of(&[&comparison[..], &["--jobs", "1"]].concat());
    let objectives = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["objectives"].clone())
            .collect()
    };
    assert_eq!(objectives(&serial), objectives(&v));
    fails_with(
        &[
            "compare",
            "--problem",
            "vlmop2",
            "--solvers",
            "ls",
            "--jobs",
            "0",
        ],
        "--jobs",
    );
    // The table marks the best value of each column.
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("**"), "{md}");
    // `plot` re-draws a saved comparison.
    std::fs::remove_file(out.join("fronts.png")).unwrap();
    assert!(
        tradeoff(&["plot", &out.join("summary.json").to_string_lossy()])
            .status
            .success()
    );
    assert!(out.join("fronts.png").exists());
}

#[test]
fn compare_reports_a_failed_run_and_keeps_the_others() {
    let dir = TempDir::new("cmpfail");
    // EPO needs strictly positive preferences (its ray weights are 1/λ): with a zero entry its
    // runs fail, while LS runs normally.
    let prefs = dir.file("p.json", "[[1.0, 0.0], [0.5, 0.5]]");
    let out = tradeoff(&[
        "compare",
        "--problem",
        "vlmop2",
        "--solvers",
        "epo,ls",
        "--seeds",
        "1",
        "--iters",
        "20",
        "--prefs-file",
        &prefs,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("failed"), "{stdout}");
    assert!(stdout.contains("| ls |"), "{stdout}");
    fails_with(
        &["compare", "--problem", "vlmop2", "--solvers", "epo,nosuch"],
        "unknown method",
    );
    fails_with(
        &[
            "compare",
            "--problem",
            "vlmop2",
            "--solvers",
            "epo",
            "--set",
            "ls:c=1",
        ],
        "SOLVER",
    );
    fails_with(
        &[
            "compare",
            "--problem",
            "vlmop2",
            "--solvers",
            "epo",
            "--seeds",
            "0",
        ],
        "--seeds",
    );
}

#[test]
fn psl_train_saves_a_model_that_query_reproduces_bit_for_bit() {
    let dir = TempDir::new("psl");
    let out = dir.path().join("model");
    let out_s = out.to_string_lossy().into_owned();
    let v = json_of(&[
        "psl",
        "train",
        "--problem",
        "vlmop2",
        "--model",
        "mlp",
        "--loss",
        "cosmos",
        "--iters",
        "60",
        "--batch",
        "32",
        "--width",
        "32",
        "--depth",
        "2",
        "--out",
        &out_s,
        "--json",
    ]);
    let evaluation = &v["evaluation"];
    assert_eq!(
        matrix(&evaluation["prefs"]).len(),
        20,
        "LibMOON's 20 evaluation preferences"
    );
    assert!(evaluation["indicators"]["hv"].as_f64().unwrap() > 0.2);
    for file in [
        "model.safetensors",
        "model.json",
        "result.json",
        "front.png",
        "front.svg",
    ] {
        assert!(out.join(file).exists(), "{file} missing");
    }
    let prefs = dir.file(
        "p.json",
        &serde_json::to_string(&evaluation["prefs"]).unwrap(),
    );
    let q = json_of(&["psl", "query", &out_s, "--prefs-file", &prefs, "--json"]);
    assert_eq!(
        q["solutions"], evaluation["solutions"],
        "load → query is bit for bit"
    );
    assert_eq!(q["objectives"], evaluation["objectives"]);
    let one = json_of(&["psl", "query", &out_s, "--pref", "0.3,0.7", "--json"]);
    assert_eq!(matrix(&one["objectives"]).len(), 1);
    fails_with(
        &["psl", "query", &out_s, "--pref", "0.3,0.3,0.4"],
        "objectives",
    );
    fails_with(
        &[
            "psl",
            "query",
            &dir.path().to_string_lossy(),
            "--pref",
            "0.5,0.5",
        ],
        "cannot load",
    );
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "vlmop2",
            "--loss",
            "nosuch",
            "--iters",
            "1",
        ],
        "nosuch",
    );
    fails_with(
        &[
            "psl",
            "train",
            "--problem",
            "vlmop2",
            "--iters",
            "1",
            "--out",
            &out_s,
        ],
        "not empty",
    );
}

#[test]
fn psl_trains_every_model_family() {
    for model in ["mlp", "hypernet", "conditioned", "pamal", "lowrank"] {
        let v = json_of(&[
            "psl",
            "train",
            "--problem",
            "regression",
            "--model",
            model,
            "--loss",
            "ls",
            "--iters",
            "100",
            "--lr",
            "0.01",
            "--batch",
            "16",
            "--width",
            "16",
            "--depth",
            "1",
            "--json",
        ]);
        // Batches are random: compare the mean loss of the first and last ten steps.
        let loss: Vec<f64> = v["history"]["loss"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let first = loss[..10].iter().sum::<f64>() / 10.0;
        let last = loss[loss.len() - 10..].iter().sum::<f64>() / 10.0;
        assert!(last < first, "{model}: mean loss {first} → {last}");
    }
}

#[test]
fn list_prints_a_table_for_people_and_json_with_the_flag() {
    for (what, header, row, option) in [
        ("problems", "PROBLEM", "zdt1", "30"),
        ("solvers", "SOLVER", "cagrad", "c=0.5"),
    ] {
        let out = tradeoff(&["list", what]);
        assert!(out.status.success(), "list {what}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "list {what} is a table by default"
        );
        let first = text.lines().next().unwrap();
        assert!(first.starts_with(header), "{first}");
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(row))
            .unwrap_or_else(|| panic!("no {row} line in {text}"));
        assert!(line.contains(option), "{line}");
        let v = json_of(&["list", what, "--json"]);
        assert!(v[what].as_array().unwrap().len() > 5);
    }
}

#[test]
fn eval_and_front_take_the_problem_as_a_flag_too() {
    let dir = TempDir::new("problem-flag");
    let input = dir.file("x.json", "[[0.1, 0.2, 0.3], [0.5, 0.5, 0.5]]");
    let positional = json_of(&["eval", "zdt1", "--n-var", "3", "--input", &input]);
    let flag = json_of(&[
        "eval",
        "--problem",
        "zdt1",
        "--n-var",
        "3",
        "--input",
        &input,
    ]);
    assert_eq!(positional, flag);
    let positional = json_of(&["front", "zdt1", "--n", "5"]);
    let flag = json_of(&["front", "--problem", "zdt1", "--n", "5"]);
    assert_eq!(positional, flag);
    // Both forms at once is a usage error.
    let out = tradeoff(&["front", "zdt1", "--problem", "zdt2"]);
    assert_eq!(out.status.code(), Some(2));
    // `compare` takes `solve`'s default problem when none is named.
    let v = json_of(&[
        "compare",
        "--solvers",
        "ls",
        "--seeds",
        "1",
        "--iters",
        "5",
        "--prefs",
        "2",
        "--json",
    ]);
    assert_eq!(v["config"]["problem_name"], "vlmop2");
}

/// Reads a JSON file.
fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Writes `value` to `path` without its `schema_version` (as files written before it existed).
fn drop_schema_version(path: &Path) {
    let mut value = read_json(path);
    value.as_object_mut().unwrap().remove("schema_version");
    std::fs::write(path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

#[test]
fn records_have_a_schema_version_and_plot_reads_them_back() {
    let dir = TempDir::new("records");
    let run = dir.path().join("run");
    let run_s = run.to_string_lossy().into_owned();
    json_of(&[
        "solve",
        "--problem",
        "zdt1",
        "--n-var",
        "4",
        "--solver",
        "pmtl",
        "--prefs",
        "3",
        "--iters",
        "20",
        "--out",
        &run_s,
        "--json",
    ]);
    let record = read_json(&run.join("result.json"));
    assert_eq!(record["schema_version"], 2);
    assert_eq!(record["config"]["normalize"], "authors");
    assert_eq!(record["config"]["optimizer"], "adam");
    // ParetoMTL takes the run's iteration count; the record says so as an option, not as text.
    assert_eq!(record["config"]["method_options_effective"]["iters"], "20");
    assert_eq!(matrix(&record["solutions"]).len(), 3);
    let result = run.join("result.json");
    for _ in 0..2 {
        std::fs::remove_file(run.join("front.png")).unwrap();
        assert!(
            tradeoff(&["plot", &result.to_string_lossy()])
                .status
                .success()
        );
        assert!(run.join("front.png").exists());
        drop_schema_version(&result);
    }

    let cmp = dir.path().join("cmp");
    let cmp_s = cmp.to_string_lossy().into_owned();
    json_of(&[
        "compare",
        "--solvers",
        "ls,epo",
        "--seeds",
        "1",
        "--iters",
        "20",
        "--prefs",
        "3",
        "--out",
        &cmp_s,
        "--json",
    ]);
    let summary_path = cmp.join("summary.json");
    let summary = read_json(&summary_path);
    assert_eq!(summary["schema_version"], 1);
    assert_eq!(summary["kind"], "comparison");
    assert!(summary["rows"][0]["hypervolume"]["mean"].is_number());
    for _ in 0..2 {
        std::fs::remove_file(cmp.join("hypervolume.png")).unwrap();
        assert!(
            tradeoff(&["plot", &summary_path.to_string_lossy()])
                .status
                .success()
        );
        assert!(cmp.join("hypervolume.png").exists());
        drop_schema_version(&summary_path);
    }
    // A file that is neither is refused in one line.
    let other = dir.file("other.json", "{\"objectives\": 3}");
    fails_with(&["plot", &other], "other.json");
}

/// Trains a small PSL model on VLMOP2 (5 steps, width 8, depth 1) into `dir/model`.
fn small_psl_model(dir: &TempDir) -> PathBuf {
    let out = dir.path().join("model");
    json_of(&[
        "psl",
        "train",
        "--problem",
        "vlmop2",
        "--iters",
        "5",
        "--batch",
        "8",
        "--width",
        "8",
        "--depth",
        "1",
        "--out",
        &out.to_string_lossy(),
        "--json",
    ]);
    out
}

#[test]
fn model_json_has_a_schema_version_and_query_reads_it_back() {
    let dir = TempDir::new("model-record");
    let out = small_psl_model(&dir);
    let model_json = out.join("model.json");
    let saved = read_json(&model_json);
    assert_eq!(saved["schema_version"], 1);
    assert_eq!(saved["model"]["width"], 8);
    assert_eq!(saved["model"]["depth"], 1);
    let result = read_json(&out.join("result.json"));
    assert_eq!(result["schema_version"], 1);
    assert_eq!(result["config"]["model"], "mlp");
    assert_eq!(result["config"]["precision"], "f32");
    assert_eq!(result["config"]["lr"], 1e-3);
    let out_s = out.to_string_lossy().into_owned();
    let first = json_of(&["psl", "query", &out_s, "--pref", "0.3,0.7", "--json"]);
    drop_schema_version(&model_json);
    let again = json_of(&["psl", "query", &out_s, "--pref", "0.3,0.7", "--json"]);
    assert_eq!(
        first, again,
        "a model.json without schema_version reads the same"
    );
}

/// Runs, expects exit code 2 and exactly one line on stderr containing every needle.
fn refused(args: &[&str], needles: &[&str]) {
    fails_with(args, needles[0]);
    let out = tradeoff(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: expected '{needle}' in {stderr}"
        );
    }
}

#[test]
fn oversized_requests_are_refused_before_work_starts() {
    // Each of these used to abort (allocation failure) or run for minutes: now one line
    // naming the limit and what the request would need.
    refused(
        &[
            "compare",
            "--problem",
            "vlmop2",
            "--solvers",
            "epo",
            "--seeds",
            "100000000",
            "--iters",
            "1",
        ],
        &["100000000 runs", "limit of 10000"],
    );
    refused(
        &[
            "compare",
            "--solvers",
            "ls,epo",
            "--seeds",
            "10000",
            "--iters",
            "1",
        ],
        &["20000 runs", "limit of 10000"],
    );
    refused(
        &["solve", "--prefs", "10000000", "--iters", "1"],
        &["10000000 preference vectors", "limit of 100000"],
    );
    refused(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--n-var",
            "1000000",
            "--prefs",
            "1000",
            "--iters",
            "1",
        ],
        &["1000000000 decision-variable values", "limit of 100000000"],
    );
    refused(
        &[
            "solve",
            "--problem",
            "zdt1",
            "--n-var",
            "1000",
            "--prefs",
            "1000",
            "--iters",
            "10000000",
        ],
        &["variable-steps", "limit of 1000000000000"],
    );
    refused(
        &[
            "psl",
            "train",
            "--batch",
            "100000000",
            "--iters",
            "2",
            "--width",
            "8",
            "--depth",
            "1",
        ],
        &["800000000 activation values", "limit of 100000000"],
    );
    refused(
        &["front", "zdt1", "--n", "100000000"],
        &["100000000 front points", "limit of 1000000"],
    );
}

#[test]
fn compare_refuses_a_solver_named_twice() {
    refused(
        &["compare", "--solvers", "epo,EPO", "--iters", "1"],
        &["'epo' twice"],
    );
}

#[test]
fn eval_refuses_points_outside_the_box() {
    let dir = TempDir::new("eval-box");
    let below = dir.file("below.json", "[[0.5, 0.5], [-1.0, 0.5]]");
    let args = ["eval", "zdt1", "--n-var", "2", "--input", below.as_str()];
    refused(&args, &["row 1, column 0 is -1", "lower bound 0"]);
    let mut with_jacobian = args.to_vec();
    with_jacobian.push("--jacobian");
    refused(&with_jacobian, &["row 1, column 0 is -1"]);
    let above = dir.file("above.json", "[[1e6, 1e6, 1e6, 1e6]]");
    refused(
        &["eval", "re21", "--input", above.as_str()],
        &["row 0, column 0", "upper bound"],
    );
    // Inside the box: numbers, never null.
    let inside = dir.file("inside.json", "[[0.0, 1.0], [1.0, 0.0]]");
    let out = tradeoff(&[
        "eval",
        "zdt1",
        "--n-var",
        "2",
        "--input",
        inside.as_str(),
        "--jacobian",
    ]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("null"));
}

#[test]
fn indicators_refuse_negative_preferences() {
    let dir = TempDir::new("ind-neg-prefs");
    let points = dir.file("points.json", "[[0.2, 0.8], [0.8, 0.2]]");
    let prefs = dir.file("prefs.json", "[[0.5, 0.5], [1.5, -0.5]]");
    refused(
        &[
            "indicators",
            "--input",
            points.as_str(),
            "--prefs-file",
            prefs.as_str(),
        ],
        &["preference 1, column 1 is -0.5", "non-negative"],
    );
}

#[test]
fn psl_query_normalises_a_preference_as_solve_does() {
    let dir = TempDir::new("psl-norm");
    let out = small_psl_model(&dir);
    let out_s = out.to_string_lossy().into_owned();
    // The weights file is readable by others, as every other output (0644 under umask 022).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |name: &str| {
            std::fs::metadata(out.join(name))
                .expect(name)
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("model.safetensors"), mode("model.json"));
        assert_eq!(mode("model.safetensors"), mode("result.json"));
    }
    let raw = tradeoff(&["psl", "query", &out_s, "--pref", "3,7", "--json"]);
    let unit = tradeoff(&["psl", "query", &out_s, "--pref", "0.3,0.7", "--json"]);
    assert!(
        raw.status.success(),
        "{}",
        String::from_utf8_lossy(&raw.stderr)
    );
    assert_eq!(
        raw.stdout, unit.stdout,
        "--pref 3,7 and --pref 0.3,0.7 print the same"
    );
    let v: Value = serde_json::from_slice(&raw.stdout).expect("JSON");
    assert_eq!(matrix(&v["prefs"]), vec![vec![0.3, 0.7]]);
    refused(
        &["psl", "query", &out_s, "--pref", "-1,2"],
        &["non-negative"],
    );
    refused(
        &["psl", "query", &out_s, "--pref", "0,0"],
        &["positive sum"],
    );
}

#[test]
fn psl_train_reports_divergence_with_its_iteration() {
    refused(
        &[
            "psl",
            "train",
            "--problem",
            "vlmop2",
            "--lr",
            "1e300",
            "--iters",
            "5",
            "--batch",
            "8",
            "--width",
            "8",
            "--depth",
            "1",
        ],
        &["training diverged at iteration"],
    );
}

#[test]
fn an_error_names_its_cause_once() {
    let out = tradeoff(&[
        "indicators",
        "--input",
        "/nonexistent/points.json",
        "--ref",
        "1,1",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let os_message = std::io::Error::from(std::io::ErrorKind::NotFound).to_string();
    let needle = "os error 2";
    assert_eq!(stderr.matches(needle).count(), 1, "{stderr} ({os_message})");
}

#[test]
fn out_accepts_a_directory_holding_only_stale_temporaries() {
    let dir = TempDir::new("stale-tmp");
    let out = dir.path().join("run");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".x.tmp"), "partial").unwrap();
    let out_s = out.to_string_lossy().into_owned();
    let run = tradeoff(&["solve", "--iters", "2", "--prefs", "2", "--out", &out_s]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.join("result.json").exists());
    // Anything else still makes the directory refused.
    std::fs::write(out.join("other.txt"), "x").unwrap();
    let again = dir.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    std::fs::write(again.join("front.csv"), "x").unwrap();
    fails_with(
        &["solve", "--iters", "2", "--out", &again.to_string_lossy()],
        "not empty",
    );
}

#[cfg(unix)]
#[test]
fn a_terminated_run_leaves_no_temporary_file() {
    let dir = TempDir::new("sigterm");
    let out = dir.path().join("run");
    let out_s = out.to_string_lossy().into_owned();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradeoff"))
        .args([
            "solve",
            "--problem",
            "zdt1",
            "--iters",
            "100000000",
            "--out",
            &out_s,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawns");
    // Wait (generously) for the run to create its directory; no timing is asserted.
    let mut polls = 0;
    while !out.exists() && polls < 6000 {
        if child.try_wait().expect("waits").is_some() {
            return; // finished first: nothing to interrupt
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        polls += 1;
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("waits");
    assert!(
        !exit.success(),
        "an interrupted run does not report success"
    );
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        leftovers.iter().all(|name| !name.ends_with(".tmp")),
        "{leftovers:?}"
    );
    assert!(!out.join("result.json").exists(), "{leftovers:?}");
    // The same command accepts the directory again.
    let again = tradeoff(&[
        "solve",
        "--problem",
        "zdt1",
        "--iters",
        "2",
        "--out",
        &out_s,
    ]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn the_readme_tour_runs_with_the_shipped_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let data = root.join("examples/data");
    let mut ran = 0;
    for line in readme
        .lines()
        .filter(|l| l.starts_with("tradeoff ") && l.contains("examples/data/"))
    {
        let command = line.split('#').next().unwrap_or(line);
        let args: Vec<String> = command
            .split_whitespace()
            .skip(1)
            .map(|a| match a.strip_prefix("examples/data/") {
                Some(name) => data.join(name).to_string_lossy().into_owned(),
                None => a.to_string(),
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = json_of(&args);
        assert!(!out.to_string().contains("null"), "{line}: {out}");
        ran += 1;
    }
    assert_eq!(
        ran, 4,
        "the tour's eval, two indicators and aggregate lines"
    );
    // Every file the tour names is shipped.
    for name in ["x.json", "F.json", "Z.json", "J.json"] {
        assert!(readme.contains(&format!("examples/data/{name}")), "{name}");
        assert!(data.join(name).exists(), "{name}");
    }
}

#[test]
fn indicators_say_why_a_metric_is_absent() {
    let dir = TempDir::new("notes");
    let points = dir.file("points.json", "[[-0.1, 0.9], [0.5, 0.4]]");
    let front = dir.file("front.json", "[[0.0, 1.0], [1.0, 0.0]]");
    let v = json_of(&[
        "indicators",
        "--input",
        &points,
        "--ref",
        "2,2",
        "--front",
        &front,
    ]);
    assert!(v["epsilon_mult"].is_null());
    let notes = v["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().starts_with("epsilon_mult is null")),
        "{notes:?}"
    );
    // A set where everything is defined has no notes.
    let fine = dir.file("fine.json", "[[0.1, 0.9], [0.5, 0.4]]");
    let positive_front = dir.file("pf.json", "[[0.05, 1.0], [1.0, 0.05]]");
    let v = json_of(&[
        "indicators",
        "--input",
        &fine,
        "--ref",
        "2,2",
        "--front",
        &positive_front,
    ]);
    assert!(v.get("notes").is_none(), "{v}");
}

#[test]
fn an_option_given_twice_is_an_error() {
    // Issue 12 §3: `--set c=0.5 --set c=0.9` took the last value without a word.
    fails_with(
        &[
            "solve", "--solver", "cagrad", "--set", "c=0.5", "--set", "c=0.9", "--iters", "2",
        ],
        "given twice",
    );
}
