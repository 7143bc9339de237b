//! Shared checks for every problem: Jacobians against autodiff and central differences,
//! metadata consistency, true-front sanity, and access to the reference vectors.
#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tradeoff_pareto::Matrix;
use tradeoff_problems::{Problem, autodiff_jacobian};

/// The parsed `tests/fixtures/problems.json`.
pub fn problems_json() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/problems.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture readable"))
        .expect("fixture is JSON")
}

/// A JSON number, or one of the strings "nan", "inf", "-inf".
pub fn number(v: &serde_json::Value) -> f64 {
    match v {
        serde_json::Value::String(s) if s == "nan" => f64::NAN,
        serde_json::Value::String(s) if s == "inf" => f64::INFINITY,
        serde_json::Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        _ => v.as_f64().expect("a number"),
    }
}

/// A JSON array of arrays of numbers as a matrix.
pub fn matrix(v: &serde_json::Value) -> Matrix {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r.as_array().expect("row").iter().map(number).collect())
        .collect();
    Matrix::from_rows(&rows).expect("rectangular")
}

/// `|a − b| ≤ atol + rtol·|b|`, with a message naming the place.
pub fn assert_close(actual: f64, expected: f64, atol: f64, rtol: f64, place: &str) {
    let ok = (actual - expected).abs() <= atol + rtol * expected.abs()
        || (actual.is_nan() && expected.is_nan())
        || actual == expected;
    assert!(ok, "{place}: got {actual:e}, expected {expected:e}");
}

/// `k` seeded points uniform in the problem's box (or in `[-1, 1]` without one), shrunk by
/// `margin` (a fraction of the width) away from the edges, for finite differences.
pub fn random_points(problem: &dyn Problem, k: usize, seed: u64, margin: f64) -> Matrix {
    let info = problem.info();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut x = Matrix::zeros(k, info.n_var);
    for p in 0..k {
        for j in 0..info.n_var {
            let (lo, hi) = match (&info.lower, &info.upper) {
                (Some(l), Some(u)) => (l[j], u[j]),
                _ => (-1.0, 1.0),
            };
            let w = hi - lo;
            let (lo, hi) = (lo + margin * w, hi - margin * w);
            x.set(p, j, lo + (hi - lo) * rng.random::<f64>());
        }
    }
    x
}

/// Checks the analytic Jacobian against autodiff (tight) and central differences (loose).
///
/// Columns listed in `skip_columns` (discrete variables) are skipped by the finite-difference
/// check and must be zero in the analytic Jacobian.
pub fn check_jacobian(problem: &dyn Problem, x: &Matrix, skip_columns: &[usize], fd_rtol: f64) {
    let name = &problem.info().name;
    let (f, jac) = problem.jacobian(x).expect("jacobian");
    let f_plain = problem.evaluate(x).expect("evaluate");
    let (f_auto, jac_auto) = autodiff_jacobian(problem, x).expect("autodiff");
    let (k, m, n) = jac.shape();
    for p in 0..k {
        for i in 0..m {
            let place = format!("{name} point {p} objective {i}");
            assert_close(f.get(p, i), f_plain.get(p, i), 0.0, 1e-14, &place);
            assert_close(f_auto.get(p, i), f.get(p, i), 1e-12, 1e-12, &place);
            for j in 0..n {
                let place = format!("{name} point {p} d f{i} / d x{j}");
                let a = jac.get(p, i, j);
                assert_close(
                    jac_auto.get(p, i, j),
                    a,
                    1e-10,
                    1e-9,
                    &format!("{place} (autodiff)"),
                );
                if skip_columns.contains(&j) {
                    assert_eq!(a, 0.0, "{place}: discrete column must be zero");
                    continue;
                }
                let h = 1e-6 * (1.0 + x.get(p, j).abs());
                let mut plus = x.select_rows(&[p]);
                let mut minus = plus.clone();
                plus.set(0, j, x.get(p, j) + h);
                minus.set(0, j, x.get(p, j) - h);
                let fp = problem.evaluate(&plus).expect("evaluate").get(0, i);
                let fm = problem.evaluate(&minus).expect("evaluate").get(0, i);
                let fd = (fp - fm) / (2.0 * h);
                let scale = f.get(p, i).abs().max(1.0);
                assert_close(
                    a,
                    fd,
                    fd_rtol * scale,
                    fd_rtol,
                    &format!("{place} (central difference)"),
                );
            }
        }
    }
}

/// Checks metadata against outputs and the true front (when there is one).
pub fn check_metadata_and_front(problem: &dyn Problem) {
    let info = problem.info();
    assert_eq!(
        info.reference_point.len(),
        info.n_obj,
        "{}: reference point",
        info.name
    );
    if let (Some(l), Some(u)) = (&info.lower, &info.upper) {
        assert_eq!(l.len(), info.n_var);
        assert_eq!(u.len(), info.n_var);
        assert!(l.iter().zip(u).all(|(a, b)| a < b), "{}: bounds", info.name);
    }
    let x = random_points(problem, 3, 7, 0.0);
    let f = problem.evaluate(&x).expect("evaluate");
    assert_eq!(f.shape(), (3, info.n_obj));
    if let Some(front) = problem.pareto_front(50) {
        assert_eq!(front.n_cols(), info.n_obj, "{}: front width", info.name);
        assert!(front.n_rows() > 0);
        assert!(front.first_non_finite().is_none());
        // No front point strictly dominates another.
        for a in front.rows() {
            for b in front.rows() {
                let strictly = a.iter().zip(b).all(|(x, y)| x < y);
                assert!(
                    !strictly,
                    "{}: front point {a:?} dominates {b:?}",
                    info.name
                );
            }
        }
    }
}
