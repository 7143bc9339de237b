//! Distance-based indicators and LibMOON's set metrics against the shared reference vectors
//! (`tests/fixtures/indicators.json`: moocore 0.3.2, pymoo 0.6.2 and 0.6.1.1, LibMOON b43d825 and
//! 0.2.1), plus properties.

use crate::common;

use common::{fixture, matrix};
use serde_json::Value;
use tradeoff_pareto::{
    Matrix, Result, SOFT_LMIN_H, average_hausdorff, cross_angle, epsilon_additive,
    epsilon_multiplicative, gd, gd_plus, igd, igd_plus, inner_product, lmin, pbi, soft_lmin,
    spacing, span, sparsity,
};

/// A reference value: a number (non-finite ones are strings) or `{"error": ...}`.
#[derive(Debug)]
enum Expected {
    Value(f64),
    Error,
}

fn expected(v: &Value) -> Expected {
    match v {
        Value::Number(n) => Expected::Value(n.as_f64().expect("f64")),
        Value::String(s) => Expected::Value(match s.as_str() {
            "nan" => f64::NAN,
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            other => panic!("unexpected string value {other:?}"),
        }),
        Value::Object(o) if o.contains_key("error") => Expected::Error,
        other => panic!("unexpected reference value {other}"),
    }
}

fn assert_close(actual: f64, expected: f64, atol: f64, rtol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= atol + rtol * expected.abs(),
        "{what}: got {actual:e}, expected {expected:e} (diff {:e})",
        (actual - expected).abs()
    );
}

/// Reference values are compared to 1e-9 relative (1e-12 absolute near zero).
const RTOL: f64 = 1e-9;
const ATOL: f64 = 1e-12;

/// Checks a `Result<f64>` indicator: an error in the reference means we must refuse too.
fn check_indicator(ours: Result<f64>, reference: &Value, what: &str) {
    match expected(reference) {
        Expected::Value(e) => assert_close(ours.expect(what), e, ATOL, RTOL, what),
        Expected::Error => assert!(ours.is_err(), "{what}: reference refused, we gave {ours:?}"),
    }
}

/// Checks a set metric: a reference error, NaN or ±∞ means the metric is undefined, so `None`.
fn check_metric(ours: Option<f64>, reference: &Value, what: &str) {
    match expected(reference) {
        Expected::Value(e) if e.is_finite() => {
            assert_close(ours.expect(what), e, ATOL, RTOL, what);
        }
        _ => assert_eq!(ours, None, "{what}: reference undefined ({reference})"),
    }
}

struct PointSet {
    id: String,
    points: Matrix,
    front: Matrix,
    prefs: Matrix,
}

fn point_sets(fx: &Value) -> Vec<PointSet> {
    fx["point_sets"]
        .as_array()
        .expect("point_sets")
        .iter()
        .map(|s| {
            let points = matrix(&s["points"]);
            let front = matrix(&fx["fronts"][s["front_id"].as_str().expect("front_id")]);
            let (n, m) = points.shape();
            // LibMOON's preference metrics use 1/m for every point where prefs is null
            let prefs = if s["prefs"].is_null() {
                Matrix::from_vec(n, m, vec![1.0 / m as f64; n * m]).expect("shape")
            } else {
                matrix(&s["prefs"])
            };
            PointSet {
                id: s["id"].as_str().expect("id").to_owned(),
                points,
                front,
                prefs,
            }
        })
        .collect()
}

#[test]
fn distance_indicators_match_moocore_and_pymoo() {
    let fx = fixture("indicators.json");
    let mut checked = 0;
    for s in point_sets(&fx) {
        let (a, z) = (&s.points, &s.front);
        let res = &fx["results"][&s.id];
        let mc = &res["moocore"];
        let id = &s.id;
        check_indicator(igd(a, z), &mc["igd"], &format!("{id} moocore igd"));
        check_indicator(
            igd_plus(a, z),
            &mc["igd_plus"],
            &format!("{id} moocore igd+"),
        );
        check_indicator(
            average_hausdorff(a, z),
            &mc["avg_hausdorff_dist"],
            &format!("{id} moocore avg hausdorff"),
        );
        check_indicator(
            epsilon_additive(a, z),
            &mc["epsilon_additive"],
            &format!("{id} moocore eps+"),
        );
        check_indicator(
            epsilon_multiplicative(a, z),
            &mc["epsilon_mult"],
            &format!("{id} moocore eps*"),
        );
        for lib in ["pymoo_0.6.2", "pymoo_0.6.1.1_pure_python"] {
            let p = &res[lib];
            check_indicator(igd(a, z), &p["igd"], &format!("{id} {lib} igd"));
            check_indicator(igd_plus(a, z), &p["igd_plus"], &format!("{id} {lib} igd+"));
            check_indicator(gd(a, z), &p["gd"], &format!("{id} {lib} gd"));
            check_indicator(gd_plus(a, z), &p["gd_plus"], &format!("{id} {lib} gd+"));
        }
        checked += 1;
    }
    assert_eq!(checked, 28);
}

#[test]
fn set_metrics_match_libmoon() {
    let fx = fixture("indicators.json");
    let mut checked = 0;
    for s in point_sets(&fx) {
        let (y, w, id) = (&s.points, &s.prefs, &s.id);
        let gh = &fx["results"][id]["libmoon_github"];
        let lm = lmin(y).unwrap();
        check_metric(lm, &gh["compute_lmin"], &format!("{id} lmin"));
        let soft = soft_lmin(y, SOFT_LMIN_H).unwrap();
        check_metric(soft, &gh["compute_soft_lmin"], &format!("{id} soft lmin"));
        let sp = spacing(y).unwrap();
        check_metric(sp, &gh["compute_spacing"], &format!("{id} spacing"));
        let spars = sparsity(y).unwrap();
        check_metric(spars, &gh["compute_sparsity"], &format!("{id} sparsity"));
        check_metric(span(y).unwrap(), &gh["compute_span"], &format!("{id} span"));
        check_metric(
            inner_product(y, w).unwrap(),
            &gh["compute_inner_product"],
            &format!("{id} inner product"),
        );
        check_metric(
            cross_angle(y, w).unwrap(),
            &gh["compute_cross_angle"],
            &format!("{id} cross angle"),
        );
        check_metric(pbi(y, w).unwrap(), &gh["compute_pbi"], &format!("{id} pbi"));

        // LibMOON 0.2.1: compute_MMS = −lmin, the rest share the GitHub definitions
        let old = &fx["results"][id]["libmoon_pypi_0.2.1"];
        check_metric(lm.map(|v| -v), &old["compute_MMS"], &format!("{id} MMS"));
        check_metric(soft, &old["compute_soft_MMS"], &format!("{id} soft MMS"));
        check_metric(sp, &old["compute_spacing"], &format!("{id} 0.2.1 spacing"));
        check_metric(
            spars,
            &old["compute_sparsity_mit"],
            &format!("{id} sparsity_mit"),
        );
        checked += 1;
    }
    assert_eq!(checked, 28);
}

#[test]
fn front_against_itself_is_zero() {
    let fx = fixture("indicators.json");
    for (name, f) in fx["fronts"].as_object().expect("fronts") {
        let z = matrix(f);
        for (what, v) in [
            ("igd", igd(&z, &z)),
            ("igd+", igd_plus(&z, &z)),
            ("gd", gd(&z, &z)),
            ("gd+", gd_plus(&z, &z)),
            ("avg hausdorff", average_hausdorff(&z, &z)),
            ("eps+", epsilon_additive(&z, &z)),
        ] {
            assert_eq!(v.unwrap(), 0.0, "{name} {what}");
        }
    }
    // the multiplicative ε of a positive set against itself is 1
    let z = Matrix::from_rows(&[[0.2, 0.9], [0.5, 0.5], [0.9, 0.1]]).unwrap();
    assert_eq!(epsilon_multiplicative(&z, &z).unwrap(), 1.0);
}

/// Reorders rows by a fixed permutation (reversal interleaved with a stride).
fn permute(m: &Matrix) -> Matrix {
    let n = m.n_rows();
    let mut order: Vec<usize> = (0..n).rev().collect();
    order.sort_by_key(|&i| (i * 7919) % n.max(1));
    m.select_rows(&order)
}

#[test]
fn invariant_under_permutation() {
    let fx = fixture("indicators.json");
    let close = |a: f64, b: f64, what: &str| assert_close(a, b, 1e-14, 1e-12, what);
    for s in point_sets(&fx) {
        let (y, z, w) = (&s.points, &s.front, &s.prefs);
        let (py, pz, pw) = (permute(y), permute(z), permute(w));
        type Ind = fn(&Matrix, &Matrix) -> Result<f64>;
        let indicators: [(&str, Ind); 6] = [
            ("igd", igd),
            ("igd+", igd_plus),
            ("gd", gd),
            ("gd+", gd_plus),
            ("avg hausdorff", average_hausdorff),
            ("eps+", epsilon_additive),
        ];
        for (what, f) in indicators {
            close(
                f(&py, &pz).unwrap(),
                f(y, z).unwrap(),
                &format!("{} {what}", s.id),
            );
        }
        type Metric = fn(&Matrix) -> Result<Option<f64>>;
        let metrics: [(&str, Metric); 4] = [
            ("lmin", lmin),
            ("spacing", spacing),
            ("sparsity", sparsity),
            ("span", span),
        ];
        for (what, f) in metrics {
            let (a, b) = (f(&py).unwrap(), f(y).unwrap());
            assert_eq!(a.is_some(), b.is_some(), "{} {what}", s.id);
            if let (Some(a), Some(b)) = (a, b) {
                close(a, b, &format!("{} {what}", s.id));
            }
        }
        if let (Some(a), Some(b)) = (
            soft_lmin(&py, SOFT_LMIN_H).unwrap(),
            soft_lmin(y, SOFT_LMIN_H).unwrap(),
        ) {
            close(a, b, &format!("{} soft lmin", s.id));
        }
        type Pref = fn(&Matrix, &Matrix) -> Result<Option<f64>>;
        let pref_metrics: [(&str, Pref); 3] = [
            ("inner product", inner_product),
            ("cross angle", cross_angle),
            ("pbi", pbi),
        ];
        for (what, f) in pref_metrics {
            let (a, b) = (f(&py, &pw).unwrap(), f(y, w).unwrap());
            close(a.unwrap(), b.unwrap(), &format!("{} {what}", s.id));
        }
    }
}

#[test]
fn adding_a_dominated_point_keeps_sparsity_and_igd_plus() {
    let y = Matrix::from_rows(&[[0.0, 1.0], [0.4, 0.5], [1.0, 0.0]]).unwrap();
    let z = Matrix::from_rows(&[[0.0, 0.9], [0.5, 0.4], [0.9, 0.0]]).unwrap();
    let mut rows = y.to_rows();
    rows.push(vec![0.6, 0.7]); // dominated by (0.4, 0.5)
    let y2 = Matrix::from_rows(&rows).unwrap();
    assert_eq!(sparsity(&y2).unwrap(), sparsity(&y).unwrap());
    assert_eq!(igd_plus(&y2, &z).unwrap(), igd_plus(&y, &z).unwrap());
}

/// The O(n²) pairwise definitions the k-d tree versions replaced, kept as the oracle:
/// (lmin, soft lmin, spacing, sparsity) exactly as `set_metrics.rs` computed them before.
fn brute_force_set_metrics(y: &Matrix, h: f64) -> [Option<f64>; 4] {
    let n = y.n_rows();
    let dist = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt()
    };
    let mut pairs = Vec::new();
    let mut nearest = vec![f64::INFINITY; n];
    for i in 0..n {
        for j in i + 1..n {
            let d = dist(y.row(i), y.row(j));
            pairs.push(d);
            nearest[i] = nearest[i].min(d);
            nearest[j] = nearest[j].min(d);
        }
    }
    let lmin = pairs.iter().copied().reduce(f64::min);
    let soft = lmin.map(|d_min| {
        let shifted: f64 = pairs.iter().map(|&x| (-h * (x - d_min)).exp()).sum();
        d_min - (2.0 * shifted).ln() / h
    });
    let spacing = (n >= 2).then(|| {
        let mean = nearest.iter().sum::<f64>() / n as f64;
        let var = nearest.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / n as f64;
        var.sqrt()
    });
    let dominates = |a: &[f64], b: &[f64]| {
        a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
    };
    let sparsity = (n > 0).then(|| {
        let nd: Vec<usize> = (0..n)
            .filter(|&i| !(0..n).any(|j| dominates(y.row(j), y.row(i))))
            .collect();
        if nd.len() < 2 {
            return 0.0;
        }
        let mut total = 0.0;
        for k in 0..y.n_cols() {
            let mut column: Vec<f64> = nd.iter().map(|&i| y.get(i, k)).collect();
            column.sort_by(f64::total_cmp);
            total += column
                .windows(2)
                .map(|w| (w[0] - w[1]) * (w[0] - w[1]))
                .sum::<f64>();
        }
        total / (nd.len() - 1) as f64
    });
    [lmin, soft, spacing, sparsity]
}

#[test]
fn nearest_neighbour_metrics_equal_the_pairwise_scan() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    let mut rng = StdRng::seed_from_u64(12);
    for m in [2, 3, 5] {
        for n in [0, 1, 2, 3, 10, 57, 300, 600] {
            for kind in 0..3 {
                let data: Vec<f64> = (0..n * m)
                    .map(|_| match kind {
                        // continuous values
                        0 => rng.random::<f64>(),
                        // a coarse grid: ties in every coordinate and many copies
                        1 => f64::from(rng.random_range(0..4u8)) / 3.0,
                        // near a simplex, then a tenth of the rows copied below
                        _ => rng.random::<f64>() * 1e-3,
                    })
                    .collect();
                let mut y = Matrix::from_vec(n, m, data).unwrap();
                if kind == 2 {
                    for i in 0..n {
                        let row = y.row_mut(i);
                        row[i % m] += 1.0;
                    }
                    for i in (1..n).step_by(10) {
                        let copy = y.row(i - 1).to_vec();
                        y.row_mut(i).copy_from_slice(&copy);
                    }
                }
                let ours = [
                    lmin(&y).unwrap(),
                    soft_lmin(&y, SOFT_LMIN_H).unwrap(),
                    spacing(&y).unwrap(),
                    sparsity(&y).unwrap(),
                ];
                let oracle = brute_force_set_metrics(&y, SOFT_LMIN_H);
                for (k, (a, b)) in ours.iter().zip(&oracle).enumerate() {
                    match (a, b) {
                        (Some(a), Some(b)) => assert_close(
                            *a,
                            *b,
                            1e-12,
                            1e-12,
                            &format!("metric {k}, m {m}, n {n}, kind {kind}"),
                        ),
                        _ => assert_eq!(a, b, "metric {k}, m {m}, n {n}, kind {kind}"),
                    }
                }
            }
        }
    }
}

#[test]
fn front_indicators_equal_the_pairwise_scan() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    fn scan(outer: &Matrix, inner: &Matrix, cost: impl Fn(&[f64], &[f64]) -> f64) -> Vec<f64> {
        outer
            .rows()
            .map(|o| {
                inner
                    .rows()
                    .map(|i| cost(i, o))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect()
    }
    let sq = |a: &[f64], z: &[f64]| a.iter().zip(z).map(|(x, y)| (x - y) * (x - y)).sum::<f64>();
    let sq_plus = |a: &[f64], z: &[f64]| {
        a.iter()
            .zip(z)
            .map(|(x, y)| (x - y).max(0.0) * (x - y).max(0.0))
            .sum::<f64>()
    };
    let eps = |op: fn(f64, f64) -> f64| {
        move |a: &[f64], z: &[f64]| {
            a.iter()
                .zip(z)
                .map(|(&x, &y)| op(x, y))
                .fold(f64::NEG_INFINITY, f64::max)
        }
    };
    let mean_sqrt = |v: Vec<f64>| v.iter().map(|x| x.sqrt()).sum::<f64>() / v.len() as f64;
    let max = |v: Vec<f64>| v.into_iter().fold(f64::NEG_INFINITY, f64::max);
    let mut rng = StdRng::seed_from_u64(21);
    for m in [2, 3, 5] {
        for (n_a, n_z) in [(1, 1), (3, 40), (200, 150), (700, 500)] {
            for grid in [false, true] {
                let mut draw = |n: usize| {
                    let data: Vec<f64> = (0..n * m)
                        .map(|_| {
                            if grid {
                                f64::from(rng.random_range(1..5u8)) / 4.0
                            } else {
                                0.01 + rng.random::<f64>()
                            }
                        })
                        .collect();
                    Matrix::from_vec(n, m, data).unwrap()
                };
                let (a, z) = (draw(n_a), draw(n_z));
                let what = format!("m {m}, |A| {n_a}, |Z| {n_z}, grid {grid}");
                let igd_scan = mean_sqrt(scan(&z, &a, sq));
                let gd_scan = mean_sqrt(scan(&a, &z, |zz, aa| sq(aa, zz)));
                assert_eq!(igd(&a, &z).unwrap(), igd_scan, "igd {what}");
                assert_eq!(gd(&a, &z).unwrap(), gd_scan, "gd {what}");
                assert_eq!(
                    igd_plus(&a, &z).unwrap(),
                    mean_sqrt(scan(&z, &a, sq_plus)),
                    "igd+ {what}"
                );
                assert_eq!(
                    gd_plus(&a, &z).unwrap(),
                    mean_sqrt(scan(&a, &z, |zz, aa| sq_plus(aa, zz))),
                    "gd+ {what}"
                );
                assert_eq!(
                    average_hausdorff(&a, &z).unwrap(),
                    igd_scan.max(gd_scan),
                    "{what}"
                );
                assert_eq!(
                    epsilon_additive(&a, &z).unwrap(),
                    max(scan(&z, &a, eps(|x, y| x - y))),
                    "eps+ {what}"
                );
                assert_eq!(
                    epsilon_multiplicative(&a, &z).unwrap(),
                    max(scan(&z, &a, eps(|x, y| x / y))),
                    "eps× {what}"
                );
            }
        }
    }
}
