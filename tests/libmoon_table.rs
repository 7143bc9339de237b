//! LibMOON's synthetic table reproduced end to end (the setting of its Table A):
//! VLMOP2 (1 − exp(−‖x ∓ 1/√n‖²)), n = 10, K = 8 preferences (linspace, clip 0.01), SGD lr 0.01,
//! 500 iterations, x0 uniform in [−1/√10, 1/√10]^10, reference point (1, 1), seeds 0, 1, 2.
//!
//! LibMOON's numbers (its paper's table, re-run figures in the project notes): EPO 0.283, PMGDA
//! 0.283, Tche 0.283, mTche 0.282, COSMOS 0.285, LS 0.043, smooth Tche 0.240; ours must be at most
//! 0.003 below (or higher). Tche is textbook here (λ_k ∇f_k), which moves 1/λ_k slower than
//! LibMOON's unweighted step: its row is met at 2,000 iterations. MGDA and PBI land wherever their
//! start leads, so they are checked against an independent step-by-step reference run of the same
//! method from the same start.
//!
//! Also LibMOON's Table C: multi-output linear regression on LibMOON's own data
//! (`--normalize libmoon`), through the `tradeoff compare` command.

use std::process::Command;

use tradeoff::pareto::{Matrix, cross_angle, hypervolume, linspace};
use tradeoff::problems::{Problem, ProblemSpec, build_problem};
use tradeoff::solvers::{DriverConfig, Init, Optimizer, Options, SolveResult, solve_with_method};

const SEEDS: [u64; 3] = [0, 1, 2];

fn problem() -> Box<dyn Problem> {
    build_problem(&ProblemSpec::new("vlmop2").n_var(10)).unwrap()
}

fn config(iters: usize, seed: u64) -> DriverConfig {
    let h = 1.0 / 10f64.sqrt();
    DriverConfig::default()
        .with_max_iters(iters)
        .with_optimizer(Optimizer::sgd(0.01))
        .with_record_every(iters)
        .with_init(Init::Box {
            lo: -h,
            hi: h,
            seed,
        })
}

fn run(method: &str, options: &Options, iters: usize, seed: u64) -> SolveResult {
    let p = problem();
    solve_with_method(
        p.as_ref(),
        method,
        options,
        &linspace(8, 0.01).unwrap(),
        &config(iters, seed),
    )
    .unwrap()
}

fn mean_hypervolume(method: &str, options: &Options, iters: usize) -> f64 {
    SEEDS
        .iter()
        .map(|&s| hypervolume(&run(method, options, iters, s).objectives, &[1.0, 1.0]).unwrap())
        .sum::<f64>()
        / SEEDS.len() as f64
}

#[test]
fn preference_methods_match_or_beat_libmoon() {
    for (method, libmoon) in [
        ("epo", 0.283),
        ("pmgda", 0.283),
        ("mtche", 0.282),
        ("cosmos", 0.285),
        ("ls", 0.043),
        ("stche", 0.240),
    ] {
        let hv = mean_hypervolume(method, &Options::new(), 500);
        assert!(
            hv >= libmoon - 0.003,
            "{method}: mean hypervolume {hv:.4}, LibMOON {libmoon}"
        );
    }
    // Textbook Tche: the same optimum, reached with 2,000 iterations.
    let hv = mean_hypervolume("tche", &Options::new(), 2000);
    assert!(hv >= 0.283 - 0.003, "tche (2000 iterations): {hv:.4}");
    // LibMOON's own Tche step reaches it within the 500 iterations.
    let hv = mean_hypervolume("tche", &Options::new().with("libmoon", "true"), 500);
    assert!(hv >= 0.283 - 0.003, "tche libmoon=true: {hv:.4}");
}

#[test]
fn epo_aligns_with_its_preferences() {
    // LibMOON reports the mean over seeds of the mean angle over the 8 solutions: 0.046°.
    let prefs = linspace(8, 0.01).unwrap();
    let angles: Vec<f64> = SEEDS
        .iter()
        .map(|&seed| {
            let r = run("epo", &Options::new(), 500, seed);
            cross_angle(&r.objectives, &prefs).unwrap().unwrap()
        })
        .collect();
    let mean = angles.iter().sum::<f64>() / angles.len() as f64;
    assert!(mean < 0.1, "mean angle {mean}° (per seed {angles:?})");
    assert!(angles.iter().all(|&a| a < 0.5), "{angles:?}");
}

/// One SGD step x ← clamp(x − lr·d) with `direction(f, J, λ)` per row, from the problem's own
/// analytic Jacobian: an independent reimplementation of the finite-set loop.
fn reference_run(
    problem: &dyn Problem,
    x0: &Matrix,
    prefs: &Matrix,
    iters: usize,
    direction: impl Fn(&[f64], &[Vec<f64>], &[f64]) -> Vec<f64>,
) -> Matrix {
    let info = problem.info();
    let (lo, hi) = (info.lower.clone().unwrap(), info.upper.clone().unwrap());
    let mut x = x0.clone();
    for _ in 0..iters {
        let (f, jac) = problem.jacobian(&x).unwrap();
        for k in 0..x.n_rows() {
            let rows: Vec<Vec<f64>> = (0..2).map(|i| jac.matrix(k).row(i).to_vec()).collect();
            let d = direction(f.row(k), &rows, prefs.row(k));
            for (j, dj) in d.iter().enumerate() {
                let v = x.get(k, j) - 0.01 * dj;
                x.set(k, j, v.clamp(lo[j], hi[j]));
            }
        }
    }
    x
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// MGDA for two gradients in closed form (Sener & Koltun 2018, Alg. 1): the min-norm point of
/// the segment [g1, g2].
fn mgda_two(_f: &[f64], g: &[Vec<f64>], _pref: &[f64]) -> Vec<f64> {
    let diff: Vec<f64> = g[0].iter().zip(&g[1]).map(|(a, b)| a - b).collect();
    let denom = dot(&diff, &diff);
    let gamma = if denom == 0.0 {
        0.5
    } else {
        (dot(&g[1], &g[1]) - dot(&g[0], &g[1])) / denom
    }
    .clamp(0.0, 1.0);
    g[0].iter()
        .zip(&g[1])
        .map(|(a, b)| gamma * a + (1.0 - gamma) * b)
        .collect()
}

/// The gradient of PBI (θ = 1): s = d1 + θ d2, d1 = ⟨f, λ̂⟩, d2 = ‖f − d1 λ̂‖; ∂s/∂f = λ̂ +
/// θ (f − d1 λ̂)/d2, then d = Jᵀ ∂s/∂f.
fn pbi_theta_one(f: &[f64], g: &[Vec<f64>], pref: &[f64]) -> Vec<f64> {
    let norm = dot(pref, pref).sqrt();
    let unit: Vec<f64> = pref.iter().map(|p| p / norm).collect();
    let d1 = dot(f, &unit);
    let residual: Vec<f64> = f.iter().zip(&unit).map(|(fi, ui)| fi - d1 * ui).collect();
    let d2 = dot(&residual, &residual).sqrt();
    let w: Vec<f64> = (0..2)
        .map(|i| unit[i] + if d2 > 0.0 { residual[i] / d2 } else { 0.0 })
        .collect();
    (0..g[0].len())
        .map(|j| w[0] * g[0][j] + w[1] * g[1][j])
        .collect()
}

#[test]
fn mgda_and_pbi_equal_a_reference_run_from_the_same_start() {
    let p = problem();
    let prefs = linspace(8, 0.01).unwrap();
    for seed in SEEDS {
        let x0 = config(500, seed).init.sample(p.info(), 8).unwrap();
        for (method, reference) in [
            (
                "mgda",
                reference_run(p.as_ref(), &x0, &prefs, 500, mgda_two),
            ),
            (
                "pbi",
                reference_run(p.as_ref(), &x0, &prefs, 500, pbi_theta_one),
            ),
        ] {
            let ours = run(method, &Options::new(), 500, seed);
            for (a, b) in ours.x.as_slice().iter().zip(reference.as_slice()) {
                assert!((a - b).abs() < 1e-9, "{method} seed {seed}: {a} vs {b}");
            }
            let hv = hypervolume(&ours.objectives, &[1.0, 1.0]).unwrap();
            assert!(hv > 0.15, "{method} seed {seed}: hypervolume {hv}");
        }
    }
}

/// LibMOON's own runs from given starts (`tests/fixtures/libmoon_same_start.json`, provenance
/// in `tests/fixtures/PROVENANCE.md`): MGDA-UB, MOO-SVGD and ParetoMTL on the Table A setting
/// with LibMOON's options (`mgda libmoon=true`, `moo-svgd mgda=libmoon kernel=libmoon
/// drive=weights`, `pmtl mgda=libmoon switch=libmoon`) land within 0.003 of LibMOON's final
/// hypervolume from the same `x0`.
#[test]
fn libmoon_runs_from_the_same_starts() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/libmoon_same_start.json"
    );
    let text = std::fs::read_to_string(path).expect("read the fixture");
    let data: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let cases = data["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 9);
    let p = problem();
    let prefs = linspace(8, 0.01).unwrap();
    for case in cases {
        let rows: Vec<Vec<f64>> = case["x0"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect()
            })
            .collect();
        let x0 = Matrix::from_rows(&rows).unwrap();
        let solver = case["solver"].as_str().unwrap();
        let mut options = Options::new();
        for option in case["options"].as_array().unwrap() {
            let (key, value) = option.as_str().unwrap().split_once('=').unwrap();
            options.set(key, value);
        }
        let config = DriverConfig::default()
            .with_max_iters(500)
            .with_optimizer(Optimizer::sgd(0.01))
            .with_record_every(500)
            .with_init(Init::Given(x0));
        let result = solve_with_method(p.as_ref(), solver, &options, &prefs, &config).unwrap();
        let hv = hypervolume(&result.objectives, &[1.0, 1.0]).unwrap();
        let libmoon = case["hypervolume"].as_f64().unwrap();
        assert!(
            (hv - libmoon).abs() <= 0.003,
            "{solver} {options:?}: hypervolume {hv:.5}, LibMOON ({}) {libmoon:.5}",
            case["libmoon_solver"]
        );
    }
}

/// LibMOON's Table C (multi-output linear regression, its `regression` problem on its own data):
/// HV with reference (8, 8), K = 10 preferences (linspace, clip 0.01), starts uniform in the box
/// [0, 1]^5, SGD lr 0.01, 1,000 iterations, seeds 0, 1, 2 (LibMOON's
/// `manual_tester/run_syn_discrete.sh`). LibMOON's numbers: EPO 15.974 (0.001), Agg-LS 16.285
/// (0.000) in its paper's Table C (Zhang et al., NeurIPS 2024 Datasets and Benchmarks; copied in
/// the project notes on LibMOON, Table C); LibMOON's own code re-run today gives EPO
/// 15.9745 ± 0.0017 and LS 16.285 ± 0.0001 (project issue 12, §4). Ours must be within 0.01.
/// LibMOON's iterates are not projected onto the box (its loop clamps a tensor it no longer
/// optimises), and neither are ours on this instance; with projection LS would give about 16.270.
#[test]
fn regression_table_c_matches_libmoon() {
    let out = Command::new(env!("CARGO_BIN_EXE_tradeoff"))
        .args([
            "compare",
            "--problem",
            "regression",
            "--normalize",
            "libmoon",
            "--solvers",
            "epo,ls",
            "--seeds",
            "3",
            "--prefs",
            "10",
            "--iters",
            "1000",
            "--optimizer",
            "sgd",
            "--lr",
            "0.01",
            "--json",
        ])
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for (k, (solver, libmoon)) in [("epo", 15.974), ("ls", 16.285)].into_iter().enumerate() {
        let row = &summary["rows"][k];
        assert_eq!(row["solver"], solver);
        assert_eq!(row["n_runs"], 3);
        let hv = row["hypervolume"]["mean"]
            .as_f64()
            .expect("a mean hypervolume");
        assert!(
            (hv - libmoon).abs() <= 0.01,
            "{solver}: mean hypervolume {hv:.4}, LibMOON {libmoon}"
        );
    }
}
