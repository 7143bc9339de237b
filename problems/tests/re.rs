//! The RE suite against LibMOON's stored outputs, the authors' formulas and points, and exact
//! Jacobians.

use crate::common;

use common::{assert_close, check_jacobian, check_metadata_and_front, matrix, random_points};
use tradeoff_pareto::Matrix;
use tradeoff_problems::{
    Error, Normalization, Problem, ProblemSpec, Re21, Re22, Re23, Re24, Re25, Re31, Re37, Re41,
    Re42, build_problem, evaluate_with_tensors, find_problem,
};

/// Every RE problem: display name and the indices of its discrete variables.
const PROBLEMS: [(&str, &[usize]); 9] = [
    ("RE21", &[]),
    ("RE22", &[0]),
    ("RE23", &[0, 1]),
    ("RE24", &[]),
    ("RE25", &[0, 2]),
    ("RE31", &[]),
    ("RE37", &[]),
    ("RE41", &[]),
    ("RE42", &[]),
];

/// The authors' ideal and nadir points (problem-definitions.md §1.1), typed here independently
/// of the library.
fn authors_points(name: &str) -> (Vec<f64>, Vec<f64>) {
    let (ideal, nadir): (&[f64], &[f64]) = match name {
        "RE21" => (
            &[1237.8414230005742, 0.002761423749158419],
            &[2086.36956042, 0.00341421356237],
        ),
        "RE22" => (&[5.88, 0.0], &[361.262944647, 180.01547]),
        "RE23" => (&[15.9018007813, 0.0], &[5852.05896876, 1288669.78054]),
        "RE24" => (&[60.5, 0.0], &[481.608088535, 44.2819047619]),
        "RE25" => (
            &[0.037591349242869145, 0.0],
            &[0.40397042546, 2224669.22419],
        ),
        "RE31" => (
            &[5.53731918799e-05, 0.333333333333, 0.0],
            &[500.002668442, 8246211.25124, 19359919.7502],
        ),
        "RE37" => (
            &[0.00889341391106, 0.00488, -0.431499999825],
            &[0.98949120096, 0.956587924661, 0.987530948586],
        ),
        "RE41" => (
            &[15.576004, 3.58525, 10.61064375, 0.0],
            &[39.2905121788, 4.42725, 13.09138125, 9.49401929991],
        ),
        "RE42" => (
            &[
                -2756.2590400638524,
                3962.557843228888,
                1947.880856925791,
                0.0,
            ],
            &[
                -1010.5229595219643,
                13827.138456300128,
                2611.9668107424536,
                12.437669929732023,
            ],
        ),
        _ => unreachable!("{name}"),
    };
    (ideal.to_vec(), nadir.to_vec())
}

/// How LibMOON scales the raw objectives (problem-definitions.md §3): `Some((ideal, nadir,
/// factor of f1))`, or `None` for raw output.
fn libmoon_scaling(name: &str) -> Option<(Vec<f64>, Vec<f64>, f64)> {
    let (ideal, nadir) = authors_points(name);
    match name {
        // The authors' obsolete `bug_` nadir, and f1 halved.
        "RE21" => Some((ideal, vec![2886.3695604236013, 0.039999999999998245], 0.5)),
        "RE22" => Some((ideal, nadir, 0.5)),
        // RE24's nadir.
        "RE23" => Some((ideal, vec![481.608088535, 44.2819047619], 1.0)),
        "RE42" => None,
        _ => Some((ideal, nadir, 1.0)),
    }
}

fn build(name: &str, normalization: Normalization) -> Box<dyn Problem> {
    build_problem(&ProblemSpec::new(name).normalize(normalization)).expect("builds")
}

/// The stored inputs and one library's outputs for `name`.
fn fixture(name: &str, library: &str) -> (Matrix, Matrix) {
    let all = common::problems_json();
    let entry = &all["problems"][name];
    (matrix(&entry["x"]), matrix(&entry["F"][library]))
}

fn assert_matrix_close(actual: &Matrix, expected: &Matrix, rtol: f64, place: &str) {
    assert_eq!(actual.shape(), expected.shape(), "{place}: shape");
    for k in 0..actual.n_rows() {
        for i in 0..actual.n_cols() {
            let place = format!("{place} point {k} objective {i}");
            assert_close(actual.get(k, i), expected.get(k, i), 0.0, rtol, &place);
        }
    }
}

/// The raw objectives re-derived from LibMOON's stored numpy outputs by inverting its scaling,
/// with an absolute tolerance per entry for the rounding of that inversion.
fn raw_from_libmoon(name: &str) -> (Matrix, Matrix, Matrix) {
    let (x, lm) = fixture(name, "libmoon_github_numpy");
    let mut raw = lm.clone();
    let mut tol = Matrix::zeros(lm.n_rows(), lm.n_cols());
    if let Some((ideal, nadir, factor)) = libmoon_scaling(name) {
        for k in 0..lm.n_rows() {
            for i in 0..lm.n_cols() {
                let f = if i == 0 { factor } else { 1.0 };
                let spread = (lm.get(k, i) / f) * (nadir[i] - ideal[i]);
                raw.set(k, i, spread + ideal[i]);
                tol.set(k, i, 1e-12 * (spread.abs() + ideal[i].abs()));
            }
        }
    }
    (x, raw, tol)
}

#[test]
fn libmoon_mode_reproduces_libmoon_numpy_outputs() {
    for (name, _) in PROBLEMS {
        let (x, expected) = fixture(name, "libmoon_github_numpy");
        let f = build(name, Normalization::Libmoon).evaluate(&x).unwrap();
        assert_matrix_close(
            &f,
            &expected,
            1e-12,
            &format!("{name} libmoon_github_numpy"),
        );
        // PyPI 0.2.1 gives the same numpy values.
        let (_, pypi) = fixture(name, "libmoon_pypi_0.2.1_numpy");
        assert_matrix_close(
            &f,
            &pypi,
            1e-12,
            &format!("{name} libmoon_pypi_0.2.1_numpy"),
        );
    }
}

#[test]
fn libmoon_mode_matches_libmoon_torch_where_it_exists() {
    // Only RE21, RE22 and RE37 have a working torch path in LibMOON (GitHub).
    for name in ["RE21", "RE22", "RE37"] {
        let (x, expected) = fixture(name, "libmoon_github_torch");
        let problem = build(name, Normalization::Libmoon);
        let f = problem.evaluate(&x).unwrap();
        assert_matrix_close(
            &f,
            &expected,
            1e-12,
            &format!("{name} libmoon_github_torch"),
        );
        let f_tensor = evaluate_with_tensors(problem.as_ref(), &x).unwrap();
        assert_matrix_close(&f_tensor, &expected, 1e-12, &format!("{name} tensor path"));
    }
}

#[test]
fn raw_objectives_equal_the_authors_formulas_rederived_from_libmoon() {
    // LibMOON's numpy path uses the authors' formulas (problem-definitions.md §3.1); undoing its
    // scaling gives the raw values, including for RE21 (obsolete nadir, halved f1), RE22 (halved
    // f1), RE23 (RE24's nadir) and RE42 (raw output).
    for (name, _) in PROBLEMS {
        let (x, raw, tol) = raw_from_libmoon(name);
        let f = build(name, Normalization::None).evaluate(&x).unwrap();
        for k in 0..x.n_rows() {
            for i in 0..f.n_cols() {
                let place = format!("{name} point {k} objective {i}");
                assert_close(f.get(k, i), raw.get(k, i), tol.get(k, i), 1e-12, &place);
            }
        }
    }
}

#[test]
fn authors_mode_is_the_raw_value_normalised_with_the_authors_points() {
    for (name, _) in PROBLEMS {
        let (ideal, nadir) = authors_points(name);
        let (x, _) = fixture(name, "libmoon_github_numpy");
        let mut x_all = random_points(build(name, Normalization::None).as_ref(), 20, 3, 0.0);
        x_all = Matrix::from_rows(&x.rows().chain(x_all.rows()).collect::<Vec<_>>()).unwrap();
        let raw = build(name, Normalization::None).evaluate(&x_all).unwrap();
        let f = build(name, Normalization::Authors)
            .evaluate(&x_all)
            .unwrap();
        for k in 0..x_all.n_rows() {
            for i in 0..f.n_cols() {
                let expected = (raw.get(k, i) - ideal[i]) / (nadir[i] - ideal[i]);
                let place = format!("{name} point {k} objective {i}");
                assert_close(f.get(k, i), expected, 1e-15, 1e-13, &place);
            }
        }
    }
}

#[test]
fn documented_relations_between_libmoon_and_the_authors() {
    // Problems where LibMOON uses the authors' points: identical to the authors' normalisation.
    for name in ["RE24", "RE25", "RE31", "RE37", "RE41"] {
        let (x, lm) = fixture(name, "libmoon_github_numpy");
        let f = build(name, Normalization::Authors).evaluate(&x).unwrap();
        assert_matrix_close(&f, &lm, 1e-12, &format!("{name} authors = libmoon"));
    }
    // RE22: f1 halved, f2 the same.
    let (x, lm) = fixture("RE22", "libmoon_github_numpy");
    let f = build("RE22", Normalization::Authors).evaluate(&x).unwrap();
    for k in 0..x.n_rows() {
        assert_close(f.get(k, 0), 2.0 * lm.get(k, 0), 0.0, 1e-12, "RE22 f1");
        assert_close(f.get(k, 1), lm.get(k, 1), 0.0, 1e-12, "RE22 f2");
    }
    // RE42: LibMOON returns raw values.
    let (x, lm) = fixture("RE42", "libmoon_github_numpy");
    let f = build("RE42", Normalization::None).evaluate(&x).unwrap();
    assert_matrix_close(&f, &lm, 1e-12, "RE42 none = libmoon");
    // RE21 and RE23 differ from the authors' normalisation by the documented factors.
    for (name, ratio) in [("RE21", [3.89, 57.0]), ("RE23", [12.5, 29_100.0])] {
        let (ideal, nadir) = authors_points(name);
        let (_, lm_nadir, factor) = libmoon_scaling(name).unwrap();
        let (x, lm) = fixture(name, "libmoon_github_numpy");
        let f = build(name, Normalization::Authors).evaluate(&x).unwrap();
        for i in 0..2 {
            let exact = (nadir[i] - ideal[i]) / (lm_nadir[i] - ideal[i]) * [factor, 1.0][i];
            // The rounded ratios quoted in problem-definitions.md §3.
            let quoted = if name == "RE21" {
                1.0 / ratio[i]
            } else {
                ratio[i]
            };
            assert_close(exact, quoted, 0.0, 0.02, &format!("{name} ratio {i}"));
            for k in 0..x.n_rows() {
                let place = format!("{name} point {k} objective {i}");
                assert_close(lm.get(k, i), f.get(k, i) * exact, 1e-12, 1e-11, &place);
            }
        }
    }
}

#[test]
fn raw_values_at_hand_computed_points() {
    let none = Normalization::None;
    let eval = |problem: &dyn Problem, x: &[f64]| {
        problem.evaluate(&Matrix::from_rows(&[x]).unwrap()).unwrap()
    };

    // RE21 at x = 2: f1 = 200·(6 + 3√2), f2 = 0.01·(1 + √2 − √2 + 1).
    let f = eval(&Re21::new(none), &[2.0; 4]);
    assert_close(
        f.get(0, 0),
        1200.0 + 600.0 * 2f64.sqrt(),
        0.0,
        1e-15,
        "RE21 f1",
    );
    assert_close(f.get(0, 1), 0.02, 0.0, 1e-15, "RE21 f2");

    // RE22: x1 = 9.9 snaps to the list's stray 10; f1 = 294 + 0.6·200,
    // g1 = 200 − 77.35 − 180 = −57.35, g2 = 4 − 2 ≥ 0.
    let f = eval(&Re22::new(none), &[9.9, 10.0, 20.0]);
    assert_close(f.get(0, 0), 414.0, 0.0, 1e-15, "RE22 f1");
    assert_close(f.get(0, 1), 57.35, 0.0, 1e-13, "RE22 f2");
    // 3.10 is never produced: [3.04, 3.12) → 3.08 and [3.12, 3.285) → 3.16.
    for (x1, snapped) in [(3.1, 3.08), (3.11, 3.08), (3.13, 3.16), (3.28, 3.16)] {
        let f = eval(&Re22::new(none), &[x1, 10.0, 20.0]);
        assert_close(f.get(0, 0), 29.4 * snapped + 120.0, 0.0, 1e-15, "RE22 snap");
    }
    // 9.74 is exactly halfway between 9.48 and 10 in f64; the earlier list entry (10) wins.
    let f = eval(&Re22::new(none), &[9.74, 10.0, 20.0]);
    assert_close(f.get(0, 0), 414.0, 0.0, 1e-15, "RE22 tie");

    // RE24 at (1, 10): feasible, f = (1201, 0). At (1, 1): g1 = 1 − 4500/700 and g2 = 1 − 4
    // are violated, g3 and g4 hold: f2 = 38/7 + 3 = 59/7.
    let f = eval(&Re24::new(none), &[1.0, 10.0]);
    assert_eq!((f.get(0, 0), f.get(0, 1)), (1201.0, 0.0));
    let f = eval(&Re24::new(none), &[1.0, 1.0]);
    assert_close(f.get(0, 0), 121.0, 0.0, 1e-15, "RE24 f1");
    assert_close(f.get(0, 1), 59.0 / 7.0, 0.0, 1e-14, "RE24 f2");

    // RE31 at (1, 1, 3): f1 = √25 + √10, f2 = 20·5/3, only g1 = 0.1 − f1 is violated.
    let f = eval(&Re31::new(none), &[1.0, 1.0, 3.0]);
    assert_close(f.get(0, 0), 5.0 + 10f64.sqrt(), 0.0, 1e-15, "RE31 f1");
    assert_close(f.get(0, 1), 100.0 / 3.0, 0.0, 1e-15, "RE31 f2");
    assert_close(f.get(0, 2), 4.9 + 10f64.sqrt(), 0.0, 1e-14, "RE31 f3");

    // RE37 at 0: the constants; at 1: the sums of the coefficients.
    let f = eval(&Re37::new(none), &[0.0; 4]);
    assert_eq!(f.row(0), &[0.692, 0.153, 0.370]);
    let f = eval(&Re37::new(none), &[1.0; 4]);
    assert_close(f.get(0, 0), 0.20514, 0.0, 1e-13, "RE37 f1(1)");
    let f2_sum = 0.153 - 0.322 + 0.396 + 0.424 + 0.0226 + 0.175 + 0.0185 - 0.0701 - 0.251
        + 0.179
        + 0.0150
        + 0.0134
        + 0.0296
        + 0.0752
        + 0.0192;
    assert_close(f.get(0, 1), f2_sum, 0.0, 1e-13, "RE37 f2(1)");

    // RE41 at its lower bounds: f1, f2, f3 by hand.
    let lo = [0.5, 0.45, 0.5, 0.5, 0.875, 0.4, 0.4];
    let f = eval(&Re41::new(none), &lo);
    let f1 = 1.98
        + 4.9 * 0.5
        + 6.67 * 0.45
        + 6.98 * 0.5
        + 4.01 * 0.5
        + 1.78 * 0.875
        + 0.00001 * 0.4
        + 2.73 * 0.4;
    let f2 = 4.72 - 0.5 * 0.5 - 0.19 * 0.45 * 0.5;
    let v_mbp = 10.58 - 0.674 * 0.5 * 0.45 - 0.67275 * 0.45;
    let v_fd = 16.45 - 0.489 * 0.5 * 0.4 - 0.843 * 0.875 * 0.4;
    assert_close(f.get(0, 0), f1, 0.0, 1e-14, "RE41 f1");
    assert_close(f.get(0, 1), f2, 0.0, 1e-14, "RE41 f2");
    assert_close(f.get(0, 2), (v_mbp + v_fd) / 2.0, 0.0, 1e-14, "RE41 f3");
}

#[test]
fn rounding_follows_c_for_the_authors_and_numpy_for_libmoon() {
    // RE23: x1 = 2.5 rounds to 3 (C, ties away) in authors/none mode and to 2 (numpy, ties to
    // even) in LibMOON mode.
    let at = |normalization, x1: f64| {
        let x = Matrix::from_rows(&[[x1, 40.0, 100.0, 100.0]]).unwrap();
        build("RE23", normalization).evaluate(&x).unwrap().get(0, 0)
    };
    for normalization in [Normalization::Authors, Normalization::None] {
        assert_eq!(at(normalization, 2.5), at(normalization, 3.0));
        assert_ne!(at(normalization, 2.5), at(normalization, 2.0));
    }
    assert_eq!(
        at(Normalization::Libmoon, 2.5),
        at(Normalization::Libmoon, 2.0)
    );
    assert_eq!(
        at(Normalization::Libmoon, 3.5),
        at(Normalization::Libmoon, 4.0)
    );
    // RE25's coil count as well; the tensor path snaps the same way.
    for (normalization, snapped) in [(Normalization::None, 7.0), (Normalization::Libmoon, 6.0)] {
        let problem = build("RE25", normalization);
        let x = Matrix::from_rows(&[[6.5, 1.5, 0.3], [snapped, 1.5, 0.3]]).unwrap();
        let f = problem.evaluate(&x).unwrap();
        assert_eq!(f.row(0), f.row(1));
        let f_tensor = evaluate_with_tensors(problem.as_ref(), &x).unwrap();
        assert_eq!(f_tensor.row(0), f.row(1));
    }
}

#[test]
fn tensor_path_agrees_with_the_plain_path_bit_for_bit() {
    for (name, _) in PROBLEMS {
        for normalization in Normalization::ALL {
            let problem = build(name, normalization);
            let (x, _) = fixture(name, "libmoon_github_numpy");
            let f = problem.evaluate(&x).unwrap();
            let f_tensor = evaluate_with_tensors(problem.as_ref(), &x).unwrap();
            assert_eq!(
                f.as_slice(),
                f_tensor.as_slice(),
                "{name} {normalization:?}"
            );
        }
    }
}

#[test]
fn jacobians_are_exact_for_every_normalisation() {
    for (p, (name, discrete)) in PROBLEMS.into_iter().enumerate() {
        for normalization in Normalization::ALL {
            let problem = build(name, normalization);
            assert!(problem.has_analytic_jacobian());
            let x = random_points(problem.as_ref(), 8, 100 + p as u64, 0.02);
            check_jacobian(problem.as_ref(), &x, discrete, 1e-5);
            // Also at the stored reference points.
            let (x, _) = fixture(name, "libmoon_github_numpy");
            check_jacobian(problem.as_ref(), &x, discrete, 1e-5);
        }
    }
}

#[test]
fn violation_has_zero_slope_at_its_kink() {
    // RE24 at (2, 4): τ = 1800/4 = 450 = τ_max exactly, so g2 = 0 (the kink of [−g2]_+), and the
    // other constraints hold. The subgradient 0 is used, by the analytic and the autodiff path.
    let problem = Re24::new(Normalization::None);
    let x = Matrix::from_rows(&[[2.0, 4.0]]).unwrap();
    let (f, jac) = problem.jacobian(&x).unwrap();
    assert_eq!(f.get(0, 1), 0.0);
    assert_eq!(jac.matrix(0).row(1), &[0.0, 0.0]);
    let (_, jac_auto) = tradeoff_problems::autodiff_jacobian(&problem, &x).unwrap();
    assert_eq!(jac_auto.matrix(0).row(1), &[0.0, 0.0]);
}

#[test]
fn metadata_is_consistent() {
    for (name, _) in PROBLEMS {
        let (ideal, nadir) = authors_points(name);
        for normalization in Normalization::ALL {
            let problem = build(name, normalization);
            check_metadata_and_front(problem.as_ref());
            let info = problem.info();
            assert_eq!(info.name, name);
            assert!(problem.pareto_front(10).is_none() && !problem.has_pareto_front());
            assert!(info.citation.contains("Tanabe"));
            let raw_output = normalization == Normalization::None
                || (normalization == Normalization::Libmoon && name == "RE42");
            let (info_ideal, info_nadir) =
                (info.ideal.clone().unwrap(), info.nadir.clone().unwrap());
            for i in 0..info.n_obj {
                let place = format!("{name} {normalization:?} objective {i}");
                if raw_output {
                    assert_eq!(
                        (info_ideal[i], info_nadir[i]),
                        (ideal[i], nadir[i]),
                        "{place}"
                    );
                    let r = ideal[i] + 1.1 * (nadir[i] - ideal[i]);
                    assert_close(info.reference_point[i], r, 0.0, 1e-15, &place);
                    assert!(info.reference_point[i] > nadir[i], "{place}");
                } else {
                    assert_eq!(info.reference_point[i], 1.0, "{place}");
                }
                if normalization == Normalization::Authors {
                    assert_eq!((info_ideal[i], info_nadir[i]), (0.0, 1.0), "{place}");
                }
            }
            // The bounds of the fixture (the authors' code, as LibMOON copies it).
            let all = common::problems_json();
            let bounds = &all["problems"][name]["bounds"];
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
            assert_eq!(info.lower.as_deref(), Some(&lower[..]), "{name} lower");
            assert_eq!(info.upper.as_deref(), Some(&upper[..]), "{name} upper");
        }
    }
    // LibMOON's RE21 maps the authors' nadir through its own scaling.
    let info = Re21::new(Normalization::Libmoon).info().clone();
    let nadir = info.nadir.unwrap();
    assert_close(
        nadir[0],
        0.5 * (2086.36956042 - 1237.8414230005742) / (2886.3695604236013 - 1237.8414230005742),
        0.0,
        1e-15,
        "RE21 libmoon nadir",
    );
}

#[test]
fn registry_builds_every_re_problem_with_fixed_sizes() {
    for (name, _) in PROBLEMS {
        let key = name.to_ascii_lowercase();
        let entry = find_problem(&key).unwrap();
        assert_eq!((entry.name, entry.family), (key.as_str(), "RE"));
        let problem = build_problem(&ProblemSpec::new(&key)).unwrap();
        let (n, m) = (problem.info().n_var, problem.info().n_obj);
        // Repeating the fixed sizes is fine; contradicting them is an error.
        assert!(build_problem(&ProblemSpec::new(&key).n_var(n).n_obj(m)).is_ok());
        assert!(matches!(
            build_problem(&ProblemSpec::new(&key).n_var(n + 1)),
            Err(Error::InvalidSize { what: "n_var", .. })
        ));
        assert!(matches!(
            build_problem(&ProblemSpec::new(&key).n_obj(m + 1)),
            Err(Error::InvalidSize { what: "n_obj", .. })
        ));
    }
    assert!(matches!(
        build_problem(&ProblemSpec::new("re21").n_obj(3)),
        Err(Error::InvalidSize { .. })
    ));
    // The spec's normalisation reaches the problem.
    let x = Matrix::from_rows(&[[2.0; 4]]).unwrap();
    let none = build_problem(&ProblemSpec::new("RE21").normalize(Normalization::None)).unwrap();
    assert_close(
        none.evaluate(&x).unwrap().get(0, 1),
        0.02,
        0.0,
        1e-15,
        "RE21 raw f2",
    );
    let default = build_problem(&ProblemSpec::new("RE21")).unwrap();
    assert_eq!(
        default.evaluate(&x).unwrap().as_slice(),
        Re21::default().evaluate(&x).unwrap().as_slice()
    );
    assert_eq!(Re21::default().normalization(), Normalization::Authors);
}

#[test]
fn input_errors_are_reported() {
    let problem = Re25::default();
    let wrong = Matrix::from_rows(&[[1.0, 2.0]]).unwrap();
    assert!(matches!(
        problem.evaluate(&wrong),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        problem.jacobian(&wrong),
        Err(Error::DimensionMismatch { .. })
    ));
    let nan = Matrix::from_rows(&[[1.0, f64::NAN, 0.3]]).unwrap();
    assert!(matches!(
        problem.evaluate(&nan),
        Err(Error::NonFinite { .. })
    ));
    // Empty batches are fine.
    let empty = Matrix::zeros(0, 3);
    assert_eq!(problem.evaluate(&empty).unwrap().shape(), (0, 2));
    let _ = (Re22::default(), Re23::default(), Re42::default());
}
