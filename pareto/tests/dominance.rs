//! Dominance, non-dominated filtering and sorting: moocore's counts and brute force.

use crate::common;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use common::matrix;
use serde_json::Value;
use tradeoff_pareto::{
    Dominance, Matrix, NonDominatedSort, compare, dominates, n_nondominated, non_dominated_indices,
    weakly_dominates,
};

const INDICATORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/indicators.json"
));

fn random_points(rng: &mut StdRng, n: usize, m: usize, grid: Option<f64>) -> Matrix {
    let data = (0..n * m)
        .map(|_| {
            let v = rng.random::<f64>();
            grid.map_or(v, |g| (v / g).floor() * g)
        })
        .collect();
    Matrix::from_vec(n, m, data).unwrap()
}

fn brute_non_dominated(points: &Matrix) -> Vec<usize> {
    (0..points.n_rows())
        .filter(|&i| (0..points.n_rows()).all(|j| !dominates(points.row(j), points.row(i))))
        .collect()
}

#[test]
fn counts_match_moocore() {
    let json: Value = serde_json::from_str(INDICATORS).expect("indicators.json parses");
    for set in json["point_sets"].as_array().unwrap() {
        let id = set["id"].as_str().unwrap();
        let points = matrix(&set["points"]);
        let moocore = &json["results"][id]["moocore"];
        let distinct = moocore["n_nondominated"].as_u64().unwrap() as usize;
        let with_copies = moocore["n_nondominated_keep_weakly"].as_u64().unwrap() as usize;
        assert_eq!(n_nondominated(&points), distinct, "{id}");
        assert_eq!(non_dominated_indices(&points).len(), with_copies, "{id}");
        assert_eq!(
            NonDominatedSort::new(&points).fronts()[0].len(),
            with_copies,
            "{id}"
        );
    }
}

#[test]
fn compare_is_consistent_with_dominates() {
    let mut rng = StdRng::seed_from_u64(10);
    for _ in 0..2000 {
        let m = rng.random_range(1..5);
        let p = random_points(&mut rng, 2, m, Some(0.5));
        let (a, b) = (p.row(0), p.row(1));
        let expected = match (dominates(a, b), dominates(b, a), a == b) {
            (true, _, _) => Dominance::Dominates,
            (_, true, _) => Dominance::DominatedBy,
            (_, _, true) => Dominance::Equal,
            _ => Dominance::Incomparable,
        };
        assert_eq!(compare(a, b), expected);
        assert_eq!(weakly_dominates(a, b), dominates(a, b) || a == b);
    }
    assert!(!dominates(&[1.0, 2.0], &[1.0, 2.0]));
    assert!(weakly_dominates(&[1.0, 2.0], &[1.0, 2.0]));
    assert!(!dominates(&[1.0], &[2.0, 3.0]));
}

#[test]
fn non_dominated_matches_brute_force() {
    let mut rng = StdRng::seed_from_u64(11);
    for m in 1..=6 {
        for trial in 0..30 {
            let n = 1 + 7 * trial;
            // Coarse grids give ties and duplicates.
            let grid = [None, Some(0.1), Some(0.34)][trial % 3];
            let points = random_points(&mut rng, n, m, grid);
            let expected = brute_non_dominated(&points);
            assert_eq!(
                non_dominated_indices(&points),
                expected,
                "m={m} trial={trial}"
            );
            let mut distinct: Vec<Vec<f64>> =
                expected.iter().map(|&i| points.row(i).to_vec()).collect();
            distinct.sort_by(|a, b| a.partial_cmp(b).unwrap());
            distinct.dedup();
            assert_eq!(n_nondominated(&points), distinct.len());
        }
    }
}

#[test]
fn non_dominated_on_large_front() {
    // All points of a simplex are mutually non-dominated; add dominated shifted copies.
    let mut rng = StdRng::seed_from_u64(12);
    for m in 2..=5 {
        let n = 500;
        let mut rows = Vec::new();
        for _ in 0..n {
            let e: Vec<f64> = (0..m).map(|_| -rng.random::<f64>().ln()).collect();
            let s: f64 = e.iter().sum();
            rows.push(e.iter().map(|v| v / s).collect::<Vec<f64>>());
        }
        for k in 0..n / 5 {
            let shifted: Vec<f64> = rows[k].iter().map(|v| v + 0.01).collect();
            rows.push(shifted);
        }
        let points = Matrix::from_rows(&rows).unwrap();
        assert_eq!(
            non_dominated_indices(&points),
            (0..n).collect::<Vec<_>>(),
            "m={m}"
        );
        let sort = NonDominatedSort::new(&points);
        assert_eq!(sort.n_fronts(), 2);
        assert_eq!(sort.fronts()[1], (n..n + n / 5).collect::<Vec<_>>());
    }
}

/// Peel fronts by brute force: each front is the non-dominated part of what is left.
fn brute_fronts(points: &Matrix) -> Vec<Vec<usize>> {
    let mut left: Vec<usize> = (0..points.n_rows()).collect();
    let mut fronts = Vec::new();
    while !left.is_empty() {
        let front: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&i| {
                left.iter()
                    .all(|&j| !dominates(points.row(j), points.row(i)))
            })
            .collect();
        left.retain(|i| !front.contains(i));
        fronts.push(front);
    }
    fronts
}

#[test]
fn sort_matches_peeling() {
    let mut rng = StdRng::seed_from_u64(13);
    for m in 1..=5 {
        for trial in 0..25 {
            let n = 1 + 6 * trial;
            let grid = [None, Some(0.1), Some(0.3)][trial % 3];
            let points = random_points(&mut rng, n, m, grid);
            let sort = NonDominatedSort::new(&points);
            let expected = brute_fronts(&points);
            assert_eq!(sort.fronts(), expected.as_slice(), "m={m} trial={trial}");
            for (k, front) in expected.iter().enumerate() {
                for &i in front {
                    assert_eq!(sort.ranks()[i], k);
                }
            }
        }
    }
}

#[test]
fn empty_and_single() {
    let empty = Matrix::zeros(0, 3);
    assert!(non_dominated_indices(&empty).is_empty());
    assert_eq!(n_nondominated(&empty), 0);
    let sort = NonDominatedSort::new(&empty);
    assert_eq!(sort.n_fronts(), 0);
    let one = Matrix::from_rows(&[[1.0, 2.0, 3.0]]).unwrap();
    assert_eq!(non_dominated_indices(&one), vec![0]);
    let (fronts, ranks) = NonDominatedSort::new(&one).into_parts();
    assert_eq!(fronts, vec![vec![0]]);
    assert_eq!(ranks, vec![0]);
}
