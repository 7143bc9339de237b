//! The synthetic problems (ZDT, DTLZ, VLMOP, MaF1): values against the reference vectors
//! (`tests/fixtures/problems.json`), true fronts, analytic Jacobians against autodiff and central
//! differences, metadata, known optima and size validation.

use crate::common;

use std::f64::consts::PI;
use std::sync::OnceLock;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use common::{assert_close, check_jacobian, check_metadata_and_front, matrix, random_points};
use tradeoff_pareto::Matrix;
use tradeoff_problems::{
    Dtlz4, Error, Problem, ProblemSpec, Vlmop1, Vlmop2, Zdt1, build_problem, problem_entries,
};

/// Relative tolerance for values against the reference libraries.
const RTOL: f64 = 1e-12;

/// Every registry name this file covers.
const NAMES: [&str; 15] = [
    "zdt1", "zdt2", "zdt3", "zdt4", "zdt6", "dtlz1", "dtlz2", "dtlz3", "dtlz4", "dtlz5", "dtlz6",
    "dtlz7", "vlmop1", "vlmop2", "maf1",
];

/// One problem's entry in `problems.json` (parsed once per test binary).
fn fixture(name: &str) -> &'static serde_json::Value {
    static JSON: OnceLock<serde_json::Value> = OnceLock::new();
    let value = &JSON.get_or_init(common::problems_json)["problems"][name];
    assert!(value.is_object(), "fixture has no problem {name}");
    value
}

fn size(v: &serde_json::Value) -> usize {
    usize::try_from(v.as_u64().expect("a size")).expect("fits")
}

fn build(name: &str, n_var: Option<usize>, n_obj: Option<usize>) -> Box<dyn Problem> {
    let spec = ProblemSpec {
        n_var,
        n_obj,
        ..ProblemSpec::new(name)
    };
    build_problem(&spec).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The registry problem at the fixture's sizes, the fixture's inputs, and its entry.
fn at_fixture(fixture_name: &str) -> (Box<dyn Problem>, Matrix, &'static serde_json::Value) {
    let fx = fixture(fixture_name);
    let problem = build(
        &fixture_name.to_ascii_lowercase(),
        Some(size(&fx["n_var"])),
        Some(size(&fx["n_obj"])),
    );
    (problem, matrix(&fx["x"]), fx)
}

fn assert_matrix_close(actual: &Matrix, expected: &Matrix, atol: f64, rtol: f64, place: &str) {
    assert_eq!(actual.shape(), expected.shape(), "{place}: shape");
    for k in 0..actual.n_rows() {
        for i in 0..actual.n_cols() {
            let at = format!("{place} [{k}, {i}]");
            assert_close(actual.get(k, i), expected.get(k, i), atol, rtol, &at);
        }
    }
}

/// Entry-wise product of a matrix with a scalar.
fn scaled(m: &Matrix, factor: f64) -> Matrix {
    let data = m.as_slice().iter().map(|v| v * factor).collect();
    Matrix::from_vec(m.n_rows(), m.n_cols(), data).expect("same shape")
}

fn max_abs_diff(a: &Matrix, b: &Matrix) -> f64 {
    a.as_slice()
        .iter()
        .zip(b.as_slice())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// A test of whether a point lies on a front.
type OnFront = fn(&[f64]) -> bool;

/// A two-objective front as f2 = curve(f1).
type Curve = fn(f64) -> f64;

/// φ(t) = t·(1 + sin 3πt), DTLZ7's trade-off function.
fn phi(t: f64) -> f64 {
    t * (1.0 + (3.0 * PI * t).sin())
}

// ---------------------------------------------------------------------------------------------
// Values against the reference libraries
// ---------------------------------------------------------------------------------------------

#[test]
fn zdt_and_dtlz_match_pymoo() {
    for name in [
        "ZDT1", "ZDT2", "ZDT3", "ZDT4", "ZDT6", "DTLZ1", "DTLZ2", "DTLZ3", "DTLZ4", "DTLZ5",
        "DTLZ6", "DTLZ7",
    ] {
        let (problem, x, fx) = at_fixture(name);
        let info = problem.info();
        let bounds = &fx["bounds"];
        let lower: Vec<f64> = bounds["lower"]
            .as_array()
            .unwrap()
            .iter()
            .map(common::number)
            .collect();
        let upper: Vec<f64> = bounds["upper"]
            .as_array()
            .unwrap()
            .iter()
            .map(common::number)
            .collect();
        assert_eq!(info.lower.as_ref(), Some(&lower), "{name}: lower bounds");
        assert_eq!(info.upper.as_ref(), Some(&upper), "{name}: upper bounds");
        let f = problem.evaluate(&x).unwrap();
        assert_matrix_close(
            &f,
            &matrix(&fx["F"]["pymoo"]),
            0.0,
            RTOL,
            &format!("{name} vs pymoo"),
        );
    }
}

#[test]
fn libmoon_agrees_where_it_has_no_documented_defect() {
    // LibMOON's torch path for ZDT1–6 and DTLZ1–3 (both versions) equals pymoo's definitions.
    for name in [
        "ZDT1", "ZDT2", "ZDT3", "ZDT4", "ZDT6", "DTLZ1", "DTLZ2", "DTLZ3",
    ] {
        let (problem, x, fx) = at_fixture(name);
        let f = problem.evaluate(&x).unwrap();
        for flavour in ["libmoon_github_torch", "libmoon_pypi_0.2.1_torch"] {
            let place = format!("{name} vs {flavour}");
            assert_matrix_close(&f, &matrix(&fx["F"][flavour]), 0.0, RTOL, &place);
        }
    }
}

#[test]
fn zdt1_libmoon_numpy_path_lacks_the_factor_g() {
    // Documented defect: LibMOON's numpy path returns f2 = 1 − √(f1/g) instead of g·(1 − √(f1/g)).
    let (problem, x, fx) = at_fixture("ZDT1");
    let f = problem.evaluate(&x).unwrap();
    let numpy = matrix(&fx["F"]["libmoon_github_numpy"]);
    for k in 0..x.n_rows() {
        let row = x.row(k);
        let g = 1.0 + 9.0 / (row.len() - 1) as f64 * row[1..].iter().sum::<f64>();
        let place = format!("ZDT1 numpy row {k}");
        assert_close(f.get(k, 0), numpy.get(k, 0), 0.0, RTOL, &place);
        assert_close(f.get(k, 1), g * numpy.get(k, 1), 1e-15, 1e-11, &place);
    }
}

#[test]
fn dtlz4_libmoon_uses_alpha_20() {
    // Documented defect: LibMOON's DTLZ4 has α = 20; with α = 20 we reproduce it exactly.
    let (problem, x, fx) = at_fixture("DTLZ4");
    let n_var = problem.info().n_var;
    let alpha20 = Dtlz4::with_alpha(n_var, 3, 20.0).unwrap();
    assert_eq!(alpha20.alpha(), 20.0);
    let ours20 = alpha20.evaluate(&x).unwrap();
    for flavour in ["libmoon_github_torch", "libmoon_pypi_0.2.1_torch"] {
        let libmoon = matrix(&fx["F"][flavour]);
        assert_matrix_close(
            &ours20,
            &libmoon,
            1e-15,
            RTOL,
            &format!("DTLZ4 α=20 vs {flavour}"),
        );
        // The default (α = 100, as pymoo and the paper) really differs from it.
        assert!(max_abs_diff(&problem.evaluate(&x).unwrap(), &libmoon) > 0.1);
    }
}

#[test]
fn vlmop_match_libmoon_github_and_show_the_name_swap() {
    let (vlmop1, x1, fx1) = at_fixture("VLMOP1");
    let (vlmop2, x2, fx2) = at_fixture("VLMOP2");
    let f1 = vlmop1.evaluate(&x1).unwrap();
    let f2 = vlmop2.evaluate(&x2).unwrap();
    // GitHub's class names match ours (both paths).
    for flavour in ["libmoon_github_torch", "libmoon_github_numpy"] {
        assert_matrix_close(
            &f1,
            &matrix(&fx1["F"][flavour]),
            1e-15,
            RTOL,
            "VLMOP1 vs github",
        );
        assert_matrix_close(
            &f2,
            &matrix(&fx2["F"][flavour]),
            1e-15,
            RTOL,
            "VLMOP2 vs github",
        );
    }
    // PyPI 0.2.1 swaps the definitions: its VLMOP2 is our VLMOP1 and the other way round.
    let vlmop1_on_x2 = vlmop1.evaluate(&x2).unwrap();
    let vlmop2_on_x1 = vlmop2.evaluate(&x1).unwrap();
    let pypi = "libmoon_pypi_0.2.1_torch";
    assert_matrix_close(
        &vlmop2_on_x1,
        &matrix(&fx1["F"][pypi]),
        1e-15,
        RTOL,
        "pypi VLMOP1",
    );
    assert_matrix_close(
        &vlmop1_on_x2,
        &matrix(&fx2["F"][pypi]),
        1e-15,
        RTOL,
        "pypi VLMOP2",
    );
}

#[test]
fn maf1_matches_the_authors_and_libmoon_github_halves_it() {
    let (problem, x, fx) = at_fixture("MAF1");
    assert_eq!(problem.info().name, "MaF1");
    let f = problem.evaluate(&x).unwrap();
    // PyPI 0.2.1 implements the authors' definition.
    let pypi = matrix(&fx["F"]["libmoon_pypi_0.2.1_torch"]);
    assert_matrix_close(&f, &pypi, 0.0, RTOL, "MaF1 vs libmoon 0.2.1");
    // Documented defect: GitHub divides every objective by 2.
    let github = matrix(&fx["F"]["libmoon_github_torch"]);
    assert_matrix_close(
        &f,
        &scaled(&github, 2.0),
        0.0,
        RTOL,
        "MaF1 vs 2 × libmoon github",
    );
    // LibMOON's "front" (0, 0, 0) is unattainable: every point has Σ f = (m − 1)(1 + g) ≥ m − 1.
    assert_eq!(
        matrix(&fx["pareto_front"]["libmoon_github"]["points"]).row(0),
        &[0.0; 3]
    );
    let random = random_points(problem.as_ref(), 50, 11, 0.0);
    for row in problem.evaluate(&random).unwrap().rows() {
        assert!(row.iter().sum::<f64>() >= 2.0 - 1e-12);
    }
}

// ---------------------------------------------------------------------------------------------
// True fronts
// ---------------------------------------------------------------------------------------------

#[test]
fn zdt_fronts_match_pymoo_point_by_point() {
    // pymoo's sampling is reproducible: 100 equally spaced f1 (20 per piece for ZDT3).
    for name in ["ZDT1", "ZDT2", "ZDT4"] {
        let (problem, _, fx) = at_fixture(name);
        let reference = matrix(&fx["pareto_front"]["pymoo"]["points"]);
        let ours = problem.pareto_front(reference.n_rows()).unwrap();
        assert_matrix_close(
            &ours,
            &reference,
            1e-15,
            RTOL,
            &format!("{name} front vs pymoo"),
        );
    }
    // ZDT6: pymoo starts at 0.2807753191, the exact minimum of f1 rounded up (ours:
    // 0.28077531881537); the samples differ by less than 3·10⁻¹⁰.
    let (zdt6, _, fx) = at_fixture("ZDT6");
    let reference = matrix(&fx["pareto_front"]["pymoo"]["points"]);
    assert_matrix_close(
        &zdt6.pareto_front(100).unwrap(),
        &reference,
        3e-10,
        0.0,
        "ZDT6 front",
    );
    // ZDT3: pymoo's piece bounds have 10 digits (the second start 0.182228780 only 9, 5·10⁻⁸
    // inside the piece): every pymoo point is on our curve and inside our pieces (± 10⁻⁹),
    // and the samples agree to 5·10⁻⁷ (f2 falls steeply, slope ≈ −5.5, at that start).
    let (zdt3, _, fx) = at_fixture("ZDT3");
    let reference = matrix(&fx["pareto_front"]["pymoo"]["points"]);
    let ours = zdt3.pareto_front(100).unwrap();
    assert_matrix_close(&ours, &reference, 5e-7, 0.0, "ZDT3 front");
    for (k, row) in reference.rows().enumerate() {
        let t = row[0];
        let curve = 1.0 - t.sqrt() - t * (10.0 * PI * t).sin();
        assert_close(
            row[1],
            curve,
            1e-15,
            RTOL,
            &format!("ZDT3 pymoo point {k} on the curve"),
        );
        let piece = k / 20;
        let (start, end) = (ours.get(20 * piece, 0), ours.get(20 * piece + 19, 0));
        assert!(
            t >= start - 1e-9 && t <= end + 1e-9,
            "ZDT3 pymoo point {k}: {t}"
        );
    }
}

#[test]
fn zdt6_front_starts_at_the_minimum_of_f1_not_at_zero() {
    // Documented defect: LibMOON samples ZDT6's front from f1 = 0, which no x reaches.
    let (problem, _, fx) = at_fixture("ZDT6");
    let libmoon = matrix(&fx["pareto_front"]["libmoon_github"]["points"]);
    assert!(libmoon.get(0, 0) < 0.28);
    // f1 over a fine grid of x1 around its minimiser atan(9π)/(6π) ≈ 0.0815.
    let n_var = problem.info().n_var;
    let grid: Vec<f64> = (0..=4000)
        .flat_map(|i| {
            let mut row = vec![0.0; n_var];
            row[0] = 0.07 + 0.02 * f64::from(i) / 4000.0;
            row
        })
        .collect();
    let f = problem
        .evaluate(&Matrix::from_vec(4001, n_var, grid).unwrap())
        .unwrap();
    let min_f1 = f.rows().map(|r| r[0]).fold(f64::INFINITY, f64::min);
    let start = problem.pareto_front(100).unwrap().get(0, 0);
    assert_close(
        start,
        0.280_775_318_815_369_77,
        0.0,
        1e-15,
        "ZDT6 front start",
    );
    // Grid step 5·10⁻⁶ and f1'' ≈ 1.5·10³ put the grid's minimum within 10⁻⁸ above the true one.
    assert!(
        min_f1 >= start - 1e-15 && min_f1 - start < 1e-8,
        "min f1 = {min_f1}"
    );
    assert_eq!(problem.info().ideal.as_ref().unwrap()[0], start);
}

#[test]
fn dtlz1_to_4_fronts_contain_pymoo_points() {
    // pymoo samples these fronts with seeded Riesz energy directions, which we do not reproduce:
    // check that its points and ours lie on the same surface.
    fn on_simplex(row: &[f64]) -> bool {
        (row.iter().sum::<f64>() - 0.5).abs() < 1e-9
    }
    fn on_sphere(row: &[f64]) -> bool {
        (row.iter().map(|v| v * v).sum::<f64>().sqrt() - 1.0).abs() < 1e-9
    }
    let cases: [(&str, OnFront); 4] = [
        ("DTLZ1", on_simplex),
        ("DTLZ2", on_sphere),
        ("DTLZ3", on_sphere),
        ("DTLZ4", on_sphere),
    ];
    for (name, on_front) in cases {
        let reference = matrix(&fixture(name)["pareto_front"]["pymoo"]["points"]);
        assert_eq!(reference.n_rows(), 100);
        for row in reference.rows() {
            assert!(
                on_front(row) && row.iter().all(|&v| v >= -1e-12),
                "{name}: pymoo {row:?}"
            );
        }
        for m in [2, 3, 5] {
            let problem = build(&name.to_ascii_lowercase(), None, Some(m));
            let front = problem.pareto_front(100).unwrap();
            let rows = front.n_rows();
            assert!((50..=200).contains(&rows), "{name} m = {m}: {rows} points");
            for row in front.rows() {
                assert!(
                    on_front(row) && row.iter().all(|&v| v >= 0.0),
                    "{name}: ours {row:?}"
                );
            }
        }
    }
}

#[test]
fn dtlz5_to_7_fronts() {
    for name in ["dtlz5", "dtlz6"] {
        for m in [2, 3] {
            let front = build(name, None, Some(m)).pareto_front(100).unwrap();
            assert_eq!(front.n_rows(), 100);
            for row in front.rows() {
                let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
                assert_close(norm, 1.0, 1e-14, 0.0, &format!("{name} m = {m} norm"));
                if m == 3 {
                    assert_eq!(row[0], row[1], "{name}: f1 = f2 on the front");
                }
            }
        }
        // For m ≥ 4 the g = 0 curve is not the whole front: no front is claimed.
        let problem = build(name, None, Some(4));
        assert!(problem.pareto_front(100).is_none() && !problem.has_pareto_front());
        assert!(problem.info().ideal.is_none() && problem.info().nadir.is_none());
    }
    let (a1, b1, a2) = (0.2514118360, 0.6316265307, 0.8594008567);
    for m in [2, 3, 4] {
        let front = build("dtlz7", None, Some(m)).pareto_front(100).unwrap();
        for row in front.rows() {
            let (head, last) = row.split_at(m - 1);
            for &t in head {
                assert!(
                    (0.0..=a1 + 1e-9).contains(&t) || (b1..=a2 + 1e-9).contains(&t),
                    "{t}"
                );
            }
            let expected = 2.0 * m as f64 - head.iter().map(|&t| phi(t)).sum::<f64>();
            assert_close(last[0], expected, 1e-13, 0.0, "dtlz7 front f_m");
        }
    }
    assert_eq!(
        build("dtlz7", None, Some(3))
            .pareto_front(100)
            .unwrap()
            .n_rows(),
        100
    );
}

#[test]
fn vlmop_fronts_match_libmoon_github_point_by_point() {
    for name in ["VLMOP1", "VLMOP2"] {
        let (problem, _, fx) = at_fixture(name);
        let reference = matrix(&fx["pareto_front"]["libmoon_github"]["points"]);
        let ours = problem.pareto_front(reference.n_rows()).unwrap();
        assert_matrix_close(&ours, &reference, 1e-15, RTOL, &format!("{name} front"));
    }
}

#[test]
fn maf1_front_is_the_inverted_simplex() {
    for m in [2, 3, 5] {
        let front = build("maf1", None, Some(m)).pareto_front(100).unwrap();
        for row in front.rows() {
            assert_close(
                row.iter().sum::<f64>(),
                (m - 1) as f64,
                1e-12,
                0.0,
                "MaF1 Σf",
            );
            assert!(row.iter().all(|v| (0.0..=1.0).contains(v)));
        }
    }
}

#[test]
fn fronts_span_ideal_to_nadir_and_are_not_beaten_by_random_points() {
    for name in NAMES {
        let scalable = name.starts_with("dtlz") || name == "maf1";
        let sizes: &[Option<usize>] = if scalable {
            &[None, Some(2), Some(5)]
        } else {
            &[None]
        };
        for &m in sizes {
            let problem = build(name, None, m);
            let info = problem.info();
            let Some(front) = problem.pareto_front(200) else {
                continue;
            };
            let (ideal, nadir) = (info.ideal.as_ref().unwrap(), info.nadir.as_ref().unwrap());
            for i in 0..info.n_obj {
                let column = front.rows().map(|r| r[i]);
                let (lo, hi) = column.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                });
                let place = format!("{} m = {} objective {i}", info.name, info.n_obj);
                assert_close(lo, ideal[i], 1e-9, 0.0, &format!("{place} ideal"));
                assert_close(hi, nadir[i], 1e-9, 0.0, &format!("{place} nadir"));
                assert!(hi <= info.reference_point[i], "{place}: reference point");
            }
            let random = random_points(problem.as_ref(), 200, 3, 0.0);
            let f = problem.evaluate(&random).unwrap();
            for p in f.rows() {
                for q in front.rows() {
                    let beats = p.iter().zip(q).all(|(a, b)| a < &(b - 1e-9));
                    assert!(!beats, "{}: random {p:?} dominates front {q:?}", info.name);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Known optima: points of the Pareto set evaluate onto the front
// ---------------------------------------------------------------------------------------------

/// `k` points with seeded position variables (the first `n_pos`) uniform in `[0, 1]` and the
/// distance variables set to `d`.
fn pareto_set(n_var: usize, n_pos: usize, d: f64, k: usize) -> Matrix {
    let mut rng = StdRng::seed_from_u64(5);
    let mut x = Matrix::zeros(k, n_var);
    for p in 0..k {
        for j in 0..n_var {
            x.set(p, j, if j < n_pos { rng.random::<f64>() } else { d });
        }
    }
    x
}

#[test]
fn zdt_pareto_set_evaluates_onto_the_front() {
    let curves: [(&str, Curve); 5] = [
        ("zdt1", |t| 1.0 - t.sqrt()),
        ("zdt2", |t| 1.0 - t * t),
        ("zdt3", |t| 1.0 - t.sqrt() - t * (10.0 * PI * t).sin()),
        ("zdt4", |t| 1.0 - t.sqrt()),
        ("zdt6", |t| 1.0 - t * t),
    ];
    for (name, curve) in curves {
        for n in [2, 7] {
            let problem = build(name, Some(n), None);
            let f = problem.evaluate(&pareto_set(n, 1, 0.0, 20)).unwrap();
            for row in f.rows() {
                assert_close(
                    row[1],
                    curve(row[0]),
                    1e-14,
                    1e-13,
                    &format!("{name} n = {n}"),
                );
            }
        }
    }
}

#[test]
fn dtlz_and_maf1_pareto_sets_evaluate_onto_the_front() {
    for m in [2, 3, 5] {
        let n = m + 4;
        let x_half = pareto_set(n, m - 1, 0.5, 20);
        let x_zero = pareto_set(n, m - 1, 0.0, 20);
        let sum = |r: &[f64]| r.iter().sum::<f64>();
        let norm = |r: &[f64]| r.iter().map(|v| v * v).sum::<f64>().sqrt();
        let f = |name: &str, x: &Matrix| build(name, Some(n), Some(m)).evaluate(x).unwrap();
        for row in f("dtlz1", &x_half).rows() {
            assert_close(sum(row), 0.5, 1e-14, 0.0, "DTLZ1 Σf");
        }
        for name in ["dtlz2", "dtlz3", "dtlz4"] {
            for row in f(name, &x_half).rows() {
                assert_close(norm(row), 1.0, 1e-14, 0.0, &format!("{name} ‖f‖"));
            }
        }
        for (name, x) in [("dtlz5", &x_half), ("dtlz6", &x_zero)] {
            for row in f(name, x).rows() {
                assert_close(norm(row), 1.0, 1e-14, 0.0, &format!("{name} ‖f‖"));
                if m == 3 {
                    assert_close(row[0], row[1], 1e-15, 0.0, &format!("{name} f1 = f2"));
                }
            }
        }
        for (p, row) in f("dtlz7", &x_zero).rows().enumerate() {
            let expected = 2.0 * m as f64 - (0..m - 1).map(|i| phi(x_zero.get(p, i))).sum::<f64>();
            assert_close(row[m - 1], expected, 1e-13, 0.0, "DTLZ7 f_m");
        }
        for row in f("maf1", &x_half).rows() {
            assert_close(sum(row), (m - 1) as f64, 1e-14, 0.0, "MaF1 Σf");
        }
    }
}

#[test]
fn vlmop_pareto_set_evaluates_onto_the_front() {
    for n in [1, 4, 10] {
        let a = 1.0 / (n as f64).sqrt();
        let t: Vec<f64> = (0..21).map(|i| -1.0 + 0.1 * i as f64).collect();
        let x = Matrix::from_vec(21, n, t.iter().flat_map(|&t| vec![t * a; n]).collect()).unwrap();
        let f1 = Vlmop1::new(n).unwrap().evaluate(&x).unwrap();
        let f2 = Vlmop2::new(n).unwrap().evaluate(&x).unwrap();
        for (k, &t) in t.iter().enumerate() {
            let place = format!("VLMOP n = {n} t = {t}");
            assert_close(
                f1.get(k, 0).sqrt() + f1.get(k, 1).sqrt(),
                1.0,
                1e-14,
                0.0,
                &place,
            );
            assert_close(
                f2.get(k, 0),
                1.0 - (-(1.0 - t) * (1.0 - t)).exp(),
                1e-14,
                0.0,
                &place,
            );
            assert_close(
                f2.get(k, 1),
                1.0 - (-(1.0 + t) * (1.0 + t)).exp(),
                1e-14,
                0.0,
                &place,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Jacobians
// ---------------------------------------------------------------------------------------------

/// (registry name, n_var, n_obj) to check the Jacobian at.
fn jacobian_cases() -> Vec<(&'static str, Option<usize>, Option<usize>)> {
    let mut cases = Vec::new();
    for name in ["zdt1", "zdt2", "zdt3"] {
        cases.extend([
            (name, Some(2), None),
            (name, Some(5), None),
            (name, None, None),
        ]);
    }
    for name in ["zdt4", "zdt6"] {
        cases.extend([
            (name, Some(2), None),
            (name, Some(5), None),
            (name, None, None),
        ]);
    }
    for name in [
        "dtlz1", "dtlz2", "dtlz3", "dtlz4", "dtlz5", "dtlz6", "dtlz7", "maf1",
    ] {
        cases.extend([
            (name, Some(3), Some(2)),
            (name, Some(7), Some(3)),
            (name, Some(9), Some(5)),
            (name, None, None),
        ]);
    }
    for name in ["vlmop1", "vlmop2"] {
        cases.extend([
            (name, Some(1), None),
            (name, Some(3), None),
            (name, None, None),
        ]);
    }
    cases
}

#[test]
fn analytic_jacobians_match_autodiff_and_central_differences() {
    for (seed, (name, n_var, n_obj)) in jacobian_cases().into_iter().enumerate() {
        let problem = build(name, n_var, n_obj);
        assert!(problem.has_analytic_jacobian(), "{name}");
        let x = random_points(problem.as_ref(), 4, seed as u64, 0.01);
        check_jacobian(problem.as_ref(), &x, &[], 1e-6);
    }
}

#[test]
fn jacobians_are_finite_where_a_derivative_is_infinite() {
    // x1 = 0 (√f1 in ZDT1/3/4), Σ x_i = 0 (ZDT6's fourth root), x_d = 0 (DTLZ6's x^0.1).
    for (name, n_var, n_obj) in [
        ("zdt1", 5, 2),
        ("zdt3", 5, 2),
        ("zdt4", 5, 2),
        ("zdt6", 5, 2),
        ("dtlz6", 5, 3),
    ] {
        let problem = build(name, Some(n_var), Some(n_obj));
        let x = Matrix::from_rows(&[vec![0.0; n_var], {
            let mut v = vec![0.0; n_var];
            v[0] = 0.3;
            v[1] = 0.6;
            v
        }])
        .unwrap();
        let (f, jac) = problem.jacobian(&x).unwrap();
        assert!(f.first_non_finite().is_none(), "{name}: objectives");
        assert!(
            jac.as_slice().iter().all(|v| v.is_finite()),
            "{name}: {jac:?}"
        );
    }
    // The floored derivatives keep the direction: f2 falls steeply as x1 leaves 0 (ZDT1), and g
    // rises steeply as a distance variable leaves 0 (ZDT6, DTLZ6).
    let x = Matrix::from_rows(&[[0.0, 0.0, 0.0]]).unwrap();
    let (_, jac) = Zdt1::new(3).unwrap().jacobian(&x).unwrap();
    assert!(jac.get(0, 1, 0) < -1e6);
    let (_, jac) = build("zdt6", Some(3), None)
        .jacobian(&Matrix::from_rows(&[[0.3, 0.0, 0.0]]).unwrap())
        .unwrap();
    assert!(jac.get(0, 1, 1) > 1e6);
    let (_, jac) = build("dtlz6", Some(4), Some(3))
        .jacobian(&Matrix::from_rows(&[[0.3, 0.6, 0.0, 0.0]]).unwrap())
        .unwrap();
    assert!(jac.get(0, 2, 3) > 1e6);
}

// ---------------------------------------------------------------------------------------------
// Metadata, registry and validation
// ---------------------------------------------------------------------------------------------

#[test]
fn metadata_and_fronts_are_consistent() {
    for name in NAMES {
        check_metadata_and_front(build(name, None, None).as_ref());
    }
    for name in [
        "dtlz1", "dtlz2", "dtlz3", "dtlz4", "dtlz5", "dtlz6", "dtlz7", "maf1",
    ] {
        for m in [2, 5] {
            check_metadata_and_front(build(name, Some(m + 2), Some(m)).as_ref());
        }
    }
    for name in ["zdt1", "zdt4", "vlmop1", "vlmop2"] {
        check_metadata_and_front(build(name, Some(2), None).as_ref());
    }
}

#[test]
fn registry_defaults() {
    let expected = [
        ("zdt1", "ZDT1", 30, 2),
        ("zdt2", "ZDT2", 30, 2),
        ("zdt3", "ZDT3", 30, 2),
        ("zdt4", "ZDT4", 10, 2),
        ("zdt6", "ZDT6", 10, 2),
        ("dtlz1", "DTLZ1", 7, 3),
        ("dtlz2", "DTLZ2", 12, 3),
        ("dtlz3", "DTLZ3", 12, 3),
        ("dtlz4", "DTLZ4", 12, 3),
        ("dtlz5", "DTLZ5", 12, 3),
        ("dtlz6", "DTLZ6", 12, 3),
        ("dtlz7", "DTLZ7", 22, 3),
        ("vlmop1", "VLMOP1", 10, 2),
        ("vlmop2", "VLMOP2", 10, 2),
        ("maf1", "MaF1", 12, 3),
    ];
    let names: Vec<&str> = problem_entries().iter().map(|e| e.name).collect();
    for (name, display, n_var, n_obj) in expected {
        assert!(names.contains(&name), "{name} registered");
        let problem = build(&name.to_ascii_uppercase(), None, None);
        let info = problem.info();
        assert_eq!(
            (info.name.as_str(), info.n_var, info.n_obj),
            (display, n_var, n_obj)
        );
        assert!(!info.citation.is_empty());
    }
    // n_obj scales n_var's default: n_obj + k − 1.
    assert_eq!(build("dtlz2", None, Some(5)).info().n_var, 14);
    assert_eq!(build("dtlz1", None, Some(5)).info().n_var, 9);
    assert_eq!(build("dtlz7", None, Some(4)).info().n_var, 23);
    // The reference points the docs promise.
    assert_eq!(
        build("vlmop1", None, None).info().reference_point,
        vec![4.0, 4.0]
    );
    assert_eq!(
        build("zdt3", None, None).info().reference_point,
        vec![1.0, 1.0]
    );
    assert_eq!(
        build("maf1", None, None).info().reference_point,
        vec![1.0; 3]
    );
}

#[test]
fn impossible_sizes_are_rejected() {
    let invalid = |spec: ProblemSpec, what: &str| {
        let err = build_problem(&spec).expect_err("must fail");
        assert!(
            matches!(&err, Error::InvalidSize { what: w, .. } if *w == what),
            "{spec:?}: {err}"
        );
    };
    invalid(ProblemSpec::new("zdt1").n_obj(3), "n_obj");
    invalid(ProblemSpec::new("zdt6").n_var(1), "n_var");
    invalid(ProblemSpec::new("dtlz2").n_var(2).n_obj(3), "n_var");
    invalid(ProblemSpec::new("dtlz7").n_obj(1), "n_obj");
    invalid(ProblemSpec::new("vlmop2").n_obj(3), "n_obj");
    invalid(ProblemSpec::new("vlmop1").n_var(0), "n_var");
    invalid(ProblemSpec::new("maf1").n_var(2), "n_var");
    // Repeating a fixed size is allowed.
    assert!(build_problem(&ProblemSpec::new("zdt1").n_obj(2)).is_ok());
    assert!(build_problem(&ProblemSpec::new("dtlz2").n_var(3).n_obj(3)).is_ok());
}

#[test]
fn evaluate_and_jacobian_reject_bad_input() {
    for name in NAMES {
        let problem = build(name, None, None);
        let n = problem.info().n_var;
        let short = Matrix::zeros(2, n + 1);
        assert!(matches!(
            problem.evaluate(&short),
            Err(Error::DimensionMismatch { .. })
        ));
        assert!(matches!(
            problem.jacobian(&short),
            Err(Error::DimensionMismatch { .. })
        ));
        let mut nan = random_points(problem.as_ref(), 2, 1, 0.0);
        nan.set(1, n - 1, f64::NAN);
        assert!(matches!(
            problem.evaluate(&nan),
            Err(Error::NonFinite { row: 1, .. })
        ));
        assert!(matches!(
            problem.jacobian(&nan),
            Err(Error::NonFinite { .. })
        ));
    }
}

#[test]
fn absurd_sizes_are_refused_before_building() {
    // Issue 12 §3: `solve --problem zdt1 --n-var 100000000` allocated for minutes.
    for (name, n_var, n_obj) in [
        ("zdt1", Some(100_000_000), None),
        ("dtlz2", Some(tradeoff_problems::MAX_N_VAR + 1), None),
        ("dtlz2", None, Some(tradeoff_problems::MAX_N_OBJ + 1)),
    ] {
        let mut spec = ProblemSpec::new(name);
        spec.n_var = n_var;
        spec.n_obj = n_obj;
        let err = build_problem(&spec).unwrap_err().to_string();
        assert!(err.contains("at most"), "{err}");
    }
    let mut spec = ProblemSpec::new("zdt1");
    spec.n_var = Some(tradeoff_problems::MAX_N_VAR);
    assert_eq!(build_problem(&spec).unwrap().info().n_var, 1_000_000);
}
