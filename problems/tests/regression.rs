//! LibMOON's linear regression and two-Gaussian problems: Jacobians, data reproducibility and
//! known minima.

use crate::common;

use common::{assert_close, check_jacobian, check_metadata_and_front, random_points};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tradeoff_pareto::Matrix;
use tradeoff_problems::{
    Error, LinearRegression, LinearRegressionParams, MooGaussian, Normalization, Problem,
    ProblemSpec, build_problem, evaluate_with_tensors, find_problem,
};

fn small() -> LinearRegression {
    LinearRegression::new(LinearRegressionParams {
        n_features: 3,
        n_outputs: 4,
        n_samples: 10,
        seed: 7,
    })
    .unwrap()
}

/// `min_a ‖y_k − a·Xw‖²`, computed directly from the residual (not from the projection formula).
fn residual_objective(problem: &LinearRegression, w: &[f64], k: usize) -> f64 {
    let (x, y) = (problem.inputs(), problem.targets());
    let z: Vec<f64> = (0..x.n_rows())
        .map(|i| x.row(i).iter().zip(w).map(|(a, b)| a * b).sum())
        .collect();
    let zz: f64 = z.iter().map(|v| v * v).sum();
    let a = if zz == 0.0 {
        0.0
    } else {
        (0..x.n_rows()).map(|i| y.get(i, k) * z[i]).sum::<f64>() / zz
    };
    (0..x.n_rows())
        .map(|i| (y.get(i, k) - a * z[i]).powi(2))
        .sum()
}

/// Least squares by the normal equations `XᵀX w = Xᵀy` and Gaussian elimination with partial
/// pivoting (independent of the library's QR).
#[allow(clippy::needless_range_loop)] // index notation reads like the textbook algorithm
fn normal_equations(x: &Matrix, y: &[f64]) -> Vec<f64> {
    let p = x.n_cols();
    let mut a = vec![vec![0.0; p + 1]; p];
    for (r, row) in a.iter_mut().enumerate() {
        for c in 0..p {
            row[c] = (0..x.n_rows()).map(|i| x.get(i, r) * x.get(i, c)).sum();
        }
        row[p] = (0..x.n_rows()).map(|i| x.get(i, r) * y[i]).sum();
    }
    for col in 0..p {
        let pivot = (col..p)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        for r in col + 1..p {
            let factor = a[r][col] / a[col][col];
            for c in col..=p {
                a[r][c] -= factor * a[col][c];
            }
        }
    }
    let mut w = vec![0.0; p];
    for r in (0..p).rev() {
        let tail: f64 = (r + 1..p).map(|c| a[r][c] * w[c]).sum();
        w[r] = (a[r][p] - tail) / a[r][r];
    }
    w
}

#[test]
fn regression_defaults_are_libmoons() {
    let problem = LinearRegression::default();
    let info = problem.info();
    assert_eq!((info.n_var, info.n_obj), (5, 2));
    assert_eq!(problem.inputs().shape(), (40, 5));
    assert_eq!(problem.targets().shape(), (40, 2));
    assert_eq!(problem.params().seed, 0);
    assert_eq!(info.reference_point, vec![8.0, 8.0]);
    assert_eq!(info.lower.as_deref(), Some(&[0.0; 5][..]));
    assert_eq!(info.upper.as_deref(), Some(&[1.0; 5][..]));
    assert!(info.nadir.is_none() && problem.pareto_front(10).is_none());
    // U[0, 1) data.
    for &v in problem
        .inputs()
        .as_slice()
        .iter()
        .chain(problem.targets().as_slice())
    {
        assert!((0.0..1.0).contains(&v));
    }
    check_metadata_and_front(&problem);
    check_metadata_and_front(&small());
}

#[test]
fn same_seed_gives_the_same_data_bit_for_bit() {
    let a = LinearRegression::default();
    let b = build_problem(&ProblemSpec::new("regression")).unwrap();
    let c = LinearRegression::default();
    assert_eq!(a.inputs().as_slice(), c.inputs().as_slice());
    assert_eq!(a.targets().as_slice(), c.targets().as_slice());
    let x = random_points(&a, 5, 1, 0.0);
    assert_eq!(
        a.evaluate(&x).unwrap().as_slice(),
        b.evaluate(&x).unwrap().as_slice()
    );
    let other = LinearRegression::new(LinearRegressionParams {
        seed: 1,
        ..Default::default()
    })
    .unwrap();
    assert_ne!(a.inputs().as_slice(), other.inputs().as_slice());
}

#[test]
fn objective_is_the_residual_of_the_best_scaled_shared_feature() {
    for problem in [LinearRegression::default(), small()] {
        let x = random_points(&problem, 10, 2, 0.0);
        let f = problem.evaluate(&x).unwrap();
        for p in 0..x.n_rows() {
            for k in 0..problem.info().n_obj {
                let expected = residual_objective(&problem, x.row(p), k);
                assert_close(f.get(p, k), expected, 1e-12, 1e-12, "residual form");
            }
            // Invariant to the scale of the weights.
            let scaled: Vec<f64> = x.row(p).iter().map(|v| -3.5 * v).collect();
            let f_scaled = problem
                .evaluate(&Matrix::from_rows(&[scaled]).unwrap())
                .unwrap();
            for k in 0..problem.info().n_obj {
                assert_close(
                    f_scaled.get(0, k),
                    f.get(p, k),
                    1e-12,
                    1e-12,
                    "scale invariance",
                );
            }
        }
    }
}

#[test]
fn least_squares_solution_minimises_its_objective() {
    for problem in [LinearRegression::default(), small()] {
        let (x, y) = (problem.inputs(), problem.targets());
        let ideal = problem.info().ideal.clone().expect("ideal point");
        let mut rng = StdRng::seed_from_u64(11);
        for (k, &ideal_k) in ideal.iter().enumerate() {
            let y_k: Vec<f64> = (0..x.n_rows()).map(|i| y.get(i, k)).collect();
            let w = problem.least_squares(k).unwrap();
            let w_ref = normal_equations(x, &y_k);
            for (a, b) in w.iter().zip(&w_ref) {
                assert_close(*a, *b, 1e-10, 1e-9, "least-squares weights");
            }
            let at = Matrix::from_rows(std::slice::from_ref(&w)).unwrap();
            let (f, jac) = problem.jacobian(&at).unwrap();
            // The minimum is the plain least-squares residual ‖y_k − X w‖², and the ideal point.
            let rss: f64 = (0..x.n_rows())
                .map(|i| {
                    let fit: f64 = x.row(i).iter().zip(&w).map(|(a, b)| a * b).sum();
                    (y_k[i] - fit).powi(2)
                })
                .sum();
            assert_close(f.get(0, k), rss, 1e-12, 1e-11, "minimum = RSS");
            assert_close(f.get(0, k), ideal_k, 0.0, 1e-15, "ideal point");
            // Stationary there.
            for j in 0..problem.info().n_var {
                assert_close(jac.get(0, k, j), 0.0, 1e-10, 0.0, "gradient at the minimum");
            }
            // No random weight vector does better.
            for _ in 0..2000 {
                let v: Vec<f64> = (0..problem.info().n_var)
                    .map(|_| 2.0 * rng.random::<f64>() - 1.0)
                    .collect();
                let fv = problem.evaluate(&Matrix::from_rows(&[v]).unwrap()).unwrap();
                assert!(fv.get(0, k) >= f.get(0, k) - 1e-12);
            }
        }
        assert!(problem.least_squares(problem.info().n_obj).is_none());
    }
    // Fewer samples than features: no unique least-squares solution, no ideal point.
    let wide = LinearRegression::new(LinearRegressionParams {
        n_features: 6,
        n_samples: 4,
        ..Default::default()
    })
    .unwrap();
    assert!(wide.least_squares(0).is_none() && wide.info().ideal.is_none());
}

#[test]
fn regression_jacobians_are_exact() {
    for (seed, problem) in [(3, LinearRegression::default()), (4, small())] {
        assert!(problem.has_analytic_jacobian());
        let x = random_points(&problem, 8, seed, 0.02);
        check_jacobian(&problem, &x, &[], 1e-6);
        // Outside the box too (the formula has no bounds).
        let x = random_points(&problem, 4, seed + 10, -1.0);
        check_jacobian(&problem, &x, &[], 1e-6);
    }
}

#[test]
fn zero_weights_give_the_target_norms() {
    let problem = LinearRegression::default();
    let x = Matrix::zeros(1, 5);
    let (f, jac) = problem.jacobian(&x).unwrap();
    let y = problem.targets();
    for k in 0..2 {
        let norm: f64 = (0..40).map(|i| y.get(i, k) * y.get(i, k)).sum();
        assert_close(f.get(0, k), norm, 0.0, 1e-14, "‖y_k‖²");
    }
    assert!(jac.as_slice().iter().all(|&g| g == 0.0));
    let f_tensor = evaluate_with_tensors(&problem, &x).unwrap();
    assert_close(
        f_tensor.get(0, 0),
        f.get(0, 0),
        0.0,
        1e-14,
        "tensor path at 0",
    );
}

#[test]
fn regression_registry_sizes() {
    let entry = find_problem("Regression").unwrap();
    assert_eq!(entry.name, "regression");
    let problem = build_problem(&ProblemSpec::new("regression").n_var(3).n_obj(4)).unwrap();
    assert_eq!((problem.info().n_var, problem.info().n_obj), (3, 4));
    assert!(matches!(
        build_problem(&ProblemSpec::new("regression").n_var(0)),
        Err(Error::InvalidSize { what: "n_var", .. })
    ));
    assert!(matches!(
        build_problem(&ProblemSpec::new("regression").n_obj(0)),
        Err(Error::InvalidSize { what: "n_obj", .. })
    ));
    let problem = LinearRegression::default();
    let wrong = Matrix::zeros(1, 4);
    assert!(matches!(
        problem.evaluate(&wrong),
        Err(Error::DimensionMismatch { .. })
    ));
}

#[test]
fn moo_gaussian_values_gradients_and_front() {
    let problem = MooGaussian::default();
    let info = problem.info();
    assert_eq!((info.n_var, info.n_obj), (1, 2));
    assert!(info.lower.is_none() && info.upper.is_none());
    assert_eq!(info.reference_point, vec![1.0, 1.0]);
    // KL(N(0,1) ‖ N(0.25,1)) = 0.25²/2 and KL(N(1,1) ‖ N(0.25,1)) = 0.75²/2.
    let x = Matrix::from_rows(&[[0.25], [-2.0]]).unwrap();
    let (f, jac) = problem.jacobian(&x).unwrap();
    assert_eq!(f.row(0), &[0.03125, 0.28125]);
    assert_eq!(f.row(1), &[2.0, 4.5]);
    assert_eq!(jac.matrix(0).as_slice(), &[0.25, -0.75]);
    for (seed, n) in [(5, 1), (6, 4)] {
        let problem = MooGaussian::new(n).unwrap();
        check_metadata_and_front(&problem);
        let x = random_points(&problem, 8, seed, 0.0);
        check_jacobian(&problem, &x, &[], 1e-7);
        // The front is the image of the segment x = t·1, t ∈ [0, 1].
        let front = problem.pareto_front(11).unwrap();
        assert_eq!(front.shape(), (11, 2));
        let segment: Vec<Vec<f64>> = (0..11).map(|i| vec![i as f64 / 10.0; n]).collect();
        let f = problem
            .evaluate(&Matrix::from_rows(&segment).unwrap())
            .unwrap();
        for p in 0..11 {
            for i in 0..2 {
                assert_close(front.get(p, i), f.get(p, i), 1e-15, 1e-14, "front");
            }
        }
        // Its ends are the ideal's coordinates and the nadir.
        assert_eq!(front.row(0), &[0.0, n as f64 / 2.0]);
        assert_eq!(front.row(10), &[n as f64 / 2.0, 0.0]);
        assert_eq!(problem.info().nadir, Some(vec![n as f64 / 2.0; 2]));
    }
}

#[test]
fn moo_gaussian_registry_sizes() {
    let problem = build_problem(&ProblemSpec::new("moo-gaussian")).unwrap();
    assert_eq!((problem.info().n_var, problem.info().n_obj), (1, 2));
    let problem = build_problem(&ProblemSpec::new("MOO-Gaussian").n_var(3)).unwrap();
    assert_eq!(problem.info().n_var, 3);
    assert!(matches!(
        build_problem(&ProblemSpec::new("moo-gaussian").n_obj(3)),
        Err(Error::InvalidSize { what: "n_obj", .. })
    ));
    assert!(build_problem(&ProblemSpec::new("moo-gaussian").n_var(0)).is_err());
}

/// LibMOON's data file, read here independently of the crate's embedded copy.
fn libmoon_file() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/libmoon_regression.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn libmoon_data_are_the_files_bit_for_bit() {
    let problem = LinearRegression::libmoon();
    assert!(problem.has_libmoon_data() && !LinearRegression::default().has_libmoon_data());
    let file = libmoon_file();
    for (key, matrix, cols) in [("X", problem.inputs(), 5), ("Y", problem.targets(), 2)] {
        let rows = file[key].as_array().unwrap();
        assert_eq!(matrix.shape(), (rows.len(), cols));
        assert_eq!(rows.len(), 40);
        for (i, row) in rows.iter().enumerate() {
            let row: Vec<f64> = row
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            assert_eq!(matrix.row(i), &row[..], "{key} row {i}");
        }
    }
    // numpy's first draws after np.random.seed(0), as printed by numpy itself.
    assert_eq!(
        problem.inputs().row(0),
        &[
            0.5488135039273248,
            0.7151893663724195,
            0.6027633760716439,
            0.5448831829968969,
            0.4236547993389047
        ]
    );
    // LibMOON's sizes, box and reference point (its `get_hv_ref` for `regression` is (8, 8)).
    let info = problem.info();
    assert_eq!((info.n_var, info.n_obj), (5, 2));
    assert_eq!(problem.params(), &LinearRegressionParams::default());
    assert_eq!(info.reference_point, vec![8.0, 8.0]);
    assert_eq!(info.lower.as_deref(), Some(&[0.0; 5][..]));
    assert_eq!(info.upper.as_deref(), Some(&[1.0; 5][..]));
    check_metadata_and_front(&problem);
    // The box is for starts only: iterates are not projected (as in LibMOON's loop), while the
    // generated instance keeps projecting.
    assert!(!info.project && LinearRegression::default().info().project);
    let outside = Matrix::from_rows(&[[-0.5, 0.2, 1.5, 0.3, 2.0]]).unwrap();
    let mut x = outside.clone();
    info.project_to_bounds(&mut x);
    assert_eq!(x, outside);
    LinearRegression::default().info().project_to_bounds(&mut x);
    assert_eq!(x.row(0), &[0.0, 0.2, 1.0, 0.3, 1.0]);
}

#[test]
fn libmoon_objectives_match_exact_rational_values() {
    // f_k = ‖y_k‖² − (y_kᵀz)²/(zᵀz), z = Xw, evaluated in exact rational arithmetic (Python's
    // `fractions.Fraction` over the file's doubles), then rounded once to a double:
    //     X = [[Fraction(v) for v in r] for r in d["X"]]; Y likewise
    //     z = [sum(a*b for a, b in zip(r, w)) for r in X]; s = sum(v*v for v in z)
    //     f_k = float(sum(y*y for y in Y[:, k]) - sum(y*v for y, v in zip(Y[:, k], z))**2 / s)
    let problem = LinearRegression::libmoon();
    let cases: [([f64; 5], [f64; 2]); 3] = [
        ([1.0; 5], [3.290853215806085, 4.941925907382657]),
        (
            [0.5, 0.25, 0.125, 0.0625, 1.0],
            [3.6881877565898193, 5.311534320936275],
        ),
        (
            [1.0, 0.0, 0.0, 0.0, 0.0],
            [4.778485738602233, 5.32340944035549],
        ),
    ];
    for (w, expected) in cases {
        let x = Matrix::from_rows(&[w]).unwrap();
        let f = problem.evaluate(&x).unwrap();
        let f_tensor = evaluate_with_tensors(&problem, &x).unwrap();
        for (k, &value) in expected.iter().enumerate() {
            assert_close(f.get(0, k), value, 0.0, 1e-14, "exact value");
            assert_close(f_tensor.get(0, k), value, 0.0, 1e-14, "tensor path");
        }
    }
}

#[test]
fn libmoon_objectives_are_brute_force_sums_of_squared_errors() {
    // LibMOON's loss is the residual sum of squares ‖y_k − P y_k‖² (no 1/n): recompute it from
    // the residual, and check that no other scale of the shared feature fits better.
    let problem = LinearRegression::libmoon();
    let (x, y) = (problem.inputs(), problem.targets());
    let points = random_points(&problem, 10, 21, 0.0);
    let f = problem.evaluate(&points).unwrap();
    for p in 0..points.n_rows() {
        let z: Vec<f64> = (0..40)
            .map(|i| x.row(i).iter().zip(points.row(p)).map(|(a, b)| a * b).sum())
            .collect();
        for k in 0..2 {
            let sse = |a: f64| -> f64 { (0..40).map(|i| (y.get(i, k) - a * z[i]).powi(2)).sum() };
            let best = residual_objective(&problem, points.row(p), k);
            assert_close(f.get(p, k), best, 1e-12, 1e-12, "residual sum of squares");
            let a_star = (0..40).map(|i| y.get(i, k) * z[i]).sum::<f64>()
                / z.iter().map(|v| v * v).sum::<f64>();
            assert_close(
                sse(a_star),
                f.get(p, k),
                1e-12,
                1e-12,
                "SSE at the best scale",
            );
            for step in [-1e-2, -1e-4, 1e-4, 1e-2] {
                assert!(sse(a_star * (1.0 + step)) >= f.get(p, k) - 1e-12);
            }
        }
    }
    // The usual checks of the generated instance hold on LibMOON's data too.
    assert!(problem.has_analytic_jacobian());
    check_jacobian(&problem, &random_points(&problem, 8, 22, 0.02), &[], 1e-6);
    let ideal = problem.info().ideal.clone().unwrap();
    for (k, &ideal_k) in ideal.iter().enumerate() {
        let y_k: Vec<f64> = (0..40).map(|i| y.get(i, k)).collect();
        let w = normal_equations(x, &y_k);
        let rss: f64 = (0..40)
            .map(|i| {
                let fit: f64 = x.row(i).iter().zip(&w).map(|(a, b)| a * b).sum();
                (y_k[i] - fit).powi(2)
            })
            .sum();
        assert_close(ideal_k, rss, 1e-12, 1e-11, "ideal = least-squares RSS");
    }
}

#[test]
fn normalize_libmoon_selects_libmoons_data() {
    let libmoon = LinearRegression::libmoon();
    let generated = LinearRegression::default();
    let x = random_points(&libmoon, 4, 23, 0.0);
    let spec = ProblemSpec::new("regression");
    let built = build_problem(&spec.clone().normalize(Normalization::Libmoon)).unwrap();
    assert_eq!(
        built.evaluate(&x).unwrap().as_slice(),
        libmoon.evaluate(&x).unwrap().as_slice()
    );
    assert_eq!(built.info(), libmoon.info());
    // The sizes are LibMOON's: they may be repeated, not changed.
    let same = spec
        .clone()
        .normalize(Normalization::Libmoon)
        .n_var(5)
        .n_obj(2);
    assert!(build_problem(&same).is_ok());
    for wrong in [
        spec.clone().normalize(Normalization::Libmoon).n_var(3),
        spec.clone().normalize(Normalization::Libmoon).n_obj(3),
    ] {
        assert!(matches!(
            build_problem(&wrong),
            Err(Error::InvalidSize { .. })
        ));
    }
    // Every other choice keeps the generated data.
    for normalize in [Normalization::Authors, Normalization::None] {
        let built = build_problem(&spec.clone().normalize(normalize)).unwrap();
        assert_eq!(
            built.evaluate(&x).unwrap().as_slice(),
            generated.evaluate(&x).unwrap().as_slice()
        );
    }
    assert_ne!(
        libmoon.evaluate(&x).unwrap().as_slice(),
        generated.evaluate(&x).unwrap().as_slice()
    );
}
