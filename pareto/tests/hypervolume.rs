//! Hypervolume, contributions and gradient: moocore/pymoo/LibMOON reference values, brute force
//! (inclusion–exclusion, leave-one-out, finite differences) and invariance properties.

use crate::common;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use common::{matrix, num, vector};
use serde_json::Value;
use tradeoff_pareto::{
    Matrix, NonDominatedSort, hv_contributions, hypervolume, hypervolume_gradient,
};

const INDICATORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/indicators.json"
));
const AGGREGATORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/aggregators.json"
));

fn assert_close(actual: f64, expected: f64, atol: f64, rtol: f64, what: &str) {
    let tol = atol + rtol * expected.abs();
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual:e}, expected {expected:e} (diff {:e}, tol {tol:e})",
        (actual - expected).abs()
    );
}

struct Case {
    id: String,
    points: Matrix,
    reference: Vec<f64>,
    results: Value,
}

fn indicator_cases() -> Vec<Case> {
    let json: Value = serde_json::from_str(INDICATORS).expect("indicators.json parses");
    json["point_sets"]
        .as_array()
        .expect("point_sets")
        .iter()
        .map(|set| {
            let id = set["id"].as_str().expect("id").to_string();
            Case {
                points: matrix(&set["points"]),
                reference: vector(&set["ref_point"]),
                results: json["results"][&id].clone(),
                id,
            }
        })
        .collect()
}

fn random_points(rng: &mut StdRng, n: usize, m: usize, grid: Option<f64>) -> Matrix {
    let data = (0..n * m)
        .map(|_| {
            let v = rng.random::<f64>();
            grid.map_or(v, |g| (v / g).floor() * g)
        })
        .collect();
    Matrix::from_vec(n, m, data).unwrap()
}

/// Points uniform on the simplex (sum 1): mutually non-dominated.
fn simplex_points(rng: &mut StdRng, n: usize, m: usize) -> Matrix {
    let mut data = Vec::with_capacity(n * m);
    for _ in 0..n {
        let e: Vec<f64> = (0..m).map(|_| -rng.random::<f64>().ln()).collect();
        let s: f64 = e.iter().sum();
        data.extend(e.iter().map(|v| v / s));
    }
    Matrix::from_vec(n, m, data).unwrap()
}

/// Inclusion–exclusion over all subsets of the points inside the reference box.
fn hv_brute(points: &Matrix, r: &[f64]) -> f64 {
    let inside: Vec<&[f64]> = points
        .rows()
        .filter(|p| p.iter().zip(r).all(|(a, b)| a < b))
        .collect();
    let n = inside.len();
    assert!(n <= 16);
    let mut total = 0.0;
    for mask in 1u32..(1 << n) {
        let mut corner = vec![f64::NEG_INFINITY; r.len()];
        for (i, p) in inside.iter().enumerate() {
            if mask & (1 << i) != 0 {
                for (c, &v) in corner.iter_mut().zip(p.iter()) {
                    *c = c.max(v);
                }
            }
        }
        let vol: f64 = corner.iter().zip(r).map(|(a, b)| b - a).product();
        total += if mask.count_ones() % 2 == 1 {
            vol
        } else {
            -vol
        };
    }
    total
}

fn without_row(points: &Matrix, k: usize) -> Matrix {
    let keep: Vec<usize> = (0..points.n_rows()).filter(|&i| i != k).collect();
    points.select_rows(&keep)
}

#[test]
fn hypervolume_matches_moocore() {
    for case in indicator_cases() {
        let expected = num(&case.results["moocore"]["hypervolume"]);
        let got = hypervolume(&case.points, &case.reference).unwrap();
        assert_close(got, expected, 0.0, 1e-10, &case.id);
        // pymoo 0.6.1.1 has its own (pure Python) implementation.
        let pure = &case.results["pymoo_0.6.1.1_pure_python"]["hv"];
        if pure.is_number() {
            assert_close(got, num(pure), 0.0, 1e-10, &format!("{} pymoo", case.id));
        }
    }
}

#[test]
fn contributions_match_moocore() {
    let mut n_checked = 0;
    for case in indicator_cases() {
        let Some(expected) = case.results["moocore"].get("hv_contributions") else {
            continue;
        };
        let expected = vector(expected);
        let got = hv_contributions(&case.points, &case.reference).unwrap();
        assert_eq!(got.len(), expected.len());
        let hv = hypervolume(&case.points, &case.reference).unwrap();
        for (k, (&g, &e)) in got.iter().zip(&expected).enumerate() {
            // Relative to the value, with an absolute floor far below any non-zero value.
            assert_close(g, e, 1e-15 * hv, 1e-9, &format!("{} point {k}", case.id));
        }
        n_checked += 1;
    }
    assert!(n_checked >= 20);
}

#[test]
fn brute_force_inclusion_exclusion() {
    let mut rng = StdRng::seed_from_u64(1);
    for m in 2..=6 {
        for trial in 0..40 {
            let n = 1 + trial % 10;
            // Every other trial on a coarse grid: many ties and duplicates.
            let grid = (trial % 2 == 1).then_some(0.2);
            let points = random_points(&mut rng, n, m, grid);
            let r = vec![if trial % 3 == 0 { 0.9 } else { 1.1 }; m];
            let expected = hv_brute(&points, &r);
            let got = hypervolume(&points, &r).unwrap();
            assert_close(got, expected, 1e-14, 1e-12, &format!("m={m} trial={trial}"));
        }
    }
}

#[test]
fn brute_force_many_objectives() {
    // Deep recursions, and more than 64 objectives (no bit-mask prefilter).
    let mut rng = StdRng::seed_from_u64(9);
    for (m, n_max) in [(7, 9), (9, 7), (66, 5), (70, 4)] {
        for trial in 0..6 {
            let n = 1 + trial % n_max;
            let grid = (trial % 2 == 1).then_some(0.25);
            let points = random_points(&mut rng, n, m, grid);
            let r = vec![1.05; m];
            let expected = hv_brute(&points, &r);
            let got = hypervolume(&points, &r).unwrap();
            assert_close(
                got,
                expected,
                1e-300,
                1e-11,
                &format!("m={m} trial={trial}"),
            );
            let contributions = hv_contributions(&points, &r).unwrap();
            assert!(contributions.iter().all(|c| c.is_finite() && *c >= 0.0));
            let grad = hypervolume_gradient(&points, &r).unwrap();
            assert!(grad.as_slice().iter().all(|g| g.is_finite() && *g <= 0.0));
        }
    }
}

/// Contributions are leave-one-out differences on the non-dominated set (moocore's rule).
#[test]
fn contributions_are_leave_one_out() {
    let mut rng = StdRng::seed_from_u64(2);
    for m in 2..=5 {
        for trial in 0..30 {
            let n = 2 + trial % 12;
            let grid = (trial % 2 == 1).then_some(0.25);
            let points = random_points(&mut rng, n, m, grid);
            let r = vec![1.0; m];
            let nd = tradeoff_pareto::non_dominated_indices(&points);
            let front = points.select_rows(&nd);
            let hv = hypervolume(&front, &r).unwrap();
            let got = hv_contributions(&points, &r).unwrap();
            for (k, &g) in got.iter().enumerate() {
                let expected = match nd.iter().position(|&i| i == k) {
                    Some(pos) => hv - hypervolume(&without_row(&front, pos), &r).unwrap(),
                    None => 0.0,
                };
                assert_close(
                    g,
                    expected,
                    1e-13,
                    1e-9,
                    &format!("m={m} trial={trial} k={k}"),
                );
            }
        }
    }
}

#[test]
fn contributions_on_larger_fronts() {
    // The O(n log n) sweeps (m = 2, 3) and the limited-set route (m ≥ 4) against leave-one-out.
    let mut rng = StdRng::seed_from_u64(3);
    for (m, n) in [(2, 300), (3, 120), (4, 40), (5, 25)] {
        let points = simplex_points(&mut rng, n, m);
        let r = vec![1.1; m];
        let hv = hypervolume(&points, &r).unwrap();
        let got = hv_contributions(&points, &r).unwrap();
        for (k, &g) in got.iter().enumerate() {
            let expected = hv - hypervolume(&without_row(&points, k), &r).unwrap();
            assert_close(g, expected, 1e-14 * hv, 1e-9, &format!("m={m} k={k}"));
        }
    }
}

#[test]
fn hypervolume_is_invariant_under_objective_permutation() {
    // Each objective order sends the sweeps along different axes.
    let mut rng = StdRng::seed_from_u64(4);
    for (m, n) in [(3, 500), (4, 200), (5, 60), (6, 25)] {
        let points = simplex_points(&mut rng, n, m);
        let r = vec![1.1; m];
        let base = hypervolume(&points, &r).unwrap();
        for shift in 1..m {
            let rotated: Vec<Vec<f64>> = points
                .rows()
                .map(|p| (0..m).map(|j| p[(j + shift) % m]).collect())
                .collect();
            let got = hypervolume(&Matrix::from_rows(&rotated).unwrap(), &r).unwrap();
            assert_close(got, base, 0.0, 1e-12, &format!("m={m} shift={shift}"));
        }
    }
}

#[test]
fn hypervolume_properties() {
    let mut rng = StdRng::seed_from_u64(5);
    for m in 2..=5 {
        let n = 30;
        let points = random_points(&mut rng, n, m, None);
        let r = vec![1.1; m];
        let base = hypervolume(&points, &r).unwrap();

        // Permuting the points changes nothing.
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            perm.swap(i, rng.random_range(0..=i));
        }
        let got = hypervolume(&points.select_rows(&perm), &r).unwrap();
        assert_close(got, base, 0.0, 1e-12, "permutation");

        // Adding a dominated point, a duplicate or points outside the box changes nothing.
        let mut rows = points.to_rows();
        let mut worse = rows[0].clone();
        worse.iter_mut().for_each(|v| *v += 0.01);
        rows.push(worse);
        rows.push(rows[1].clone());
        rows.push(vec![1.2; m]);
        let mut edge = vec![0.0; m];
        edge[m - 1] = 1.1; // on the reference boundary
        rows.push(edge);
        let got = hypervolume(&Matrix::from_rows(&rows).unwrap(), &r).unwrap();
        assert_close(got, base, 0.0, 1e-12, "extra points");

        // Scaling one objective (points and reference) by c scales HV by c.
        let c = 3.5;
        for axis in 0..m {
            let mut scaled = points.clone();
            for i in 0..n {
                scaled.set(i, axis, c * points.get(i, axis));
            }
            let mut rs = r.clone();
            rs[axis] *= c;
            let got = hypervolume(&scaled, &rs).unwrap();
            assert_close(got, c * base, 0.0, 1e-12, "scaling");
        }

        // Translating points and reference together changes nothing.
        let shifted: Vec<Vec<f64>> = points
            .rows()
            .map(|p| p.iter().map(|v| v - 7.0).collect())
            .collect();
        let rs: Vec<f64> = r.iter().map(|v| v - 7.0).collect();
        let got = hypervolume(&Matrix::from_rows(&shifted).unwrap(), &rs).unwrap();
        assert_close(got, base, 1e-12, 1e-10, "translation");
    }
}

#[test]
fn single_point_and_outside() {
    let p = Matrix::from_rows(&[[0.5, 0.5, 0.5, 0.5]]).unwrap();
    assert_close(
        hypervolume(&p, &[1.0; 4]).unwrap(),
        0.0625,
        0.0,
        1e-15,
        "single",
    );
    let out = Matrix::from_rows(&[[1.5, 0.1], [0.1, 1.0], [2.0, 2.0]]).unwrap();
    assert_eq!(hypervolume(&out, &[1.0, 1.0]).unwrap(), 0.0);
    assert_eq!(hv_contributions(&out, &[1.0, 1.0]).unwrap(), vec![0.0; 3]);
}

fn central_difference(points: &Matrix, r: &[f64], k: usize, i: usize, h: f64) -> f64 {
    let mut plus = points.clone();
    plus.set(k, i, points.get(k, i) + h);
    let mut minus = points.clone();
    minus.set(k, i, points.get(k, i) - h);
    (hypervolume(&plus, r).unwrap() - hypervolume(&minus, r).unwrap()) / (2.0 * h)
}

#[test]
fn gradient_matches_central_differences() {
    let mut rng = StdRng::seed_from_u64(6);
    for (m, n) in [(2, 20), (3, 20), (4, 15), (5, 10), (6, 8)] {
        for trial in 0..3 {
            // Random points (some dominated, a few outside the box) and simplex fronts.
            let points = if trial == 0 {
                simplex_points(&mut rng, n, m)
            } else {
                random_points(&mut rng, n, m, None)
            };
            let r = vec![if trial == 2 { 0.8 } else { 1.1 }; m];
            let grad = hypervolume_gradient(&points, &r).unwrap();
            for k in 0..n {
                for i in 0..m {
                    let fd = central_difference(&points, &r, k, i, 1e-7);
                    let g = grad.get(k, i);
                    assert!(g <= 0.0);
                    assert_close(
                        g,
                        fd,
                        1e-7,
                        1e-5,
                        &format!("m={m} trial={trial} k={k} i={i}"),
                    );
                }
            }
        }
    }
}

/// With ties (coarse grid) HV is not differentiable; the gradient is the derivative from below.
#[test]
fn gradient_with_ties_is_the_derivative_from_below() {
    let mut rng = StdRng::seed_from_u64(7);
    let h = 1e-6;
    for m in 2..=5 {
        for _ in 0..10 {
            let n = 8;
            let points = random_points(&mut rng, n, m, Some(0.25));
            let r = vec![1.0; m]; // some values equal the reference
            let hv = hypervolume(&points, &r).unwrap();
            let grad = hypervolume_gradient(&points, &r).unwrap();
            for k in 0..n {
                for i in 0..m {
                    let mut lower = points.clone();
                    lower.set(k, i, points.get(k, i) - h);
                    let from_below = (hv - hypervolume(&lower, &r).unwrap()) / h;
                    assert_close(
                        grad.get(k, i),
                        from_below,
                        1e-8,
                        1e-5,
                        &format!("m={m} k={k} i={i}"),
                    );
                }
            }
        }
    }
}

#[test]
fn gradient_two_objectives_closed_form() {
    let points =
        Matrix::from_rows(&[[0.1, 0.9], [0.3, 0.6], [0.6, 0.3], [0.9, 0.1], [0.7, 0.7]]).unwrap();
    let grad = hypervolume_gradient(&points, &[1.0, 1.0]).unwrap();
    let expected = [
        [-0.1, -0.2],
        [-0.3, -0.3],
        [-0.3, -0.3],
        [-0.2, -0.1],
        [0.0, 0.0],
    ];
    for (k, row) in expected.iter().enumerate() {
        for (i, &e) in row.iter().enumerate() {
            assert_close(grad.get(k, i), e, 1e-15, 1e-12, "closed form");
        }
    }
}

/// LibMOON's raw HV gradient is −(ours), computed front by front (float32 in LibMOON).
#[test]
fn gradient_matches_libmoon_front_by_front() {
    let json: Value = serde_json::from_str(AGGREGATORS).expect("aggregators.json parses");
    let block = &json["libmoon_hv_gradient"];
    for (case, result) in block["cases"]
        .as_array()
        .unwrap()
        .iter()
        .zip(block["results"].as_array().unwrap())
    {
        let id = case["id"].as_str().unwrap();
        assert_eq!(result["id"].as_str().unwrap(), id);
        let points = matrix(&case["points"]);
        let r = vector(&case["ref"]);
        let raw = matrix(&result["raw"]);
        let mut ours = Matrix::zeros(points.n_rows(), points.n_cols());
        for front in NonDominatedSort::new(&points).fronts() {
            let g = hypervolume_gradient(&points.select_rows(front), &r).unwrap();
            for (t, &k) in front.iter().enumerate() {
                ours.row_mut(k).copy_from_slice(g.row(t));
            }
        }
        for k in 0..points.n_rows() {
            for i in 0..points.n_cols() {
                assert_close(
                    -ours.get(k, i),
                    raw.get(k, i),
                    1e-6,
                    1e-6,
                    &format!("{id} ({k}, {i})"),
                );
            }
        }
        // On the first front the whole-set gradient agrees too.
        let whole = hypervolume_gradient(&points, &r).unwrap();
        for &k in &NonDominatedSort::new(&points).fronts()[0] {
            for i in 0..points.n_cols() {
                assert_close(-whole.get(k, i), raw.get(k, i), 1e-6, 1e-6, id);
            }
        }
    }
}

#[test]
fn large_sets_agree_across_routes() {
    // m = 3 sweep against the m = 4 sweep with a constant 4th objective (and the m = 5 sweep
    // with two constant objectives): same volume times the constant factors.
    let mut rng = StdRng::seed_from_u64(8);
    let points = simplex_points(&mut rng, 400, 3);
    let hv3 = hypervolume(&points, &[1.1; 3]).unwrap();
    let lift = |extra: usize| {
        let rows: Vec<Vec<f64>> = points
            .rows()
            .map(|p| {
                let mut v = p.to_vec();
                v.extend(std::iter::repeat_n(0.5, extra));
                v
            })
            .collect();
        Matrix::from_rows(&rows).unwrap()
    };
    let hv4 = hypervolume(&lift(1), &[1.1; 4]).unwrap();
    assert_close(hv4, hv3 * 0.6, 0.0, 1e-12, "lift to 4");
    let hv5 = hypervolume(&lift(2), &[1.1; 5]).unwrap();
    assert_close(hv5, hv3 * 0.36, 0.0, 1e-12, "lift to 5");
}
