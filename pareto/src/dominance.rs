//! Pareto dominance (minimisation), non-dominated filtering and non-dominated sorting.
//!
//! `a` dominates `b` when `a` is no worse in every objective and strictly better in at least one.
//! Exact duplicates do not dominate each other, so every copy of a non-dominated point is
//! non-dominated.
//!
//! ```
//! use tradeoff_pareto::{Matrix, NonDominatedSort, dominates, n_nondominated, non_dominated_indices};
//! # fn main() -> tradeoff_pareto::Result<()> {
//! let points = Matrix::from_rows(&[[1.0, 3.0], [2.0, 2.0], [2.0, 2.0], [3.0, 3.0]])?;
//! assert!(dominates(points.row(1), points.row(3)));
//! assert_eq!(non_dominated_indices(&points), vec![0, 1, 2]);
//! assert_eq!(n_nondominated(&points), 2); // the two copies of (2, 2) count once
//! let sort = NonDominatedSort::new(&points);
//! assert_eq!(sort.fronts(), &[vec![0, 1, 2], vec![3]]);
//! assert_eq!(sort.ranks(), &[0, 0, 0, 1]);
//! # Ok(())
//! # }
//! ```

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::matrix::Matrix;

/// How two objective vectors compare under Pareto dominance (minimisation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dominance {
    /// The first vector dominates the second.
    Dominates,
    /// The second vector dominates the first.
    DominatedBy,
    /// The vectors are equal in every objective.
    Equal,
    /// Neither dominates the other (also for NaN entries and for vectors of different lengths).
    Incomparable,
}

/// Compares `a` with `b` under Pareto dominance (minimisation).
///
/// Vectors of different lengths, and vectors with a NaN entry, are [`Dominance::Incomparable`]
/// (a NaN never compares as better, worse or equal). Cost O(m).
pub fn compare(a: &[f64], b: &[f64]) -> Dominance {
    if a.len() != b.len() {
        return Dominance::Incomparable;
    }
    let (mut a_better, mut b_better) = (false, false);
    for (&x, &y) in a.iter().zip(b) {
        if x < y {
            a_better = true;
        } else if y < x {
            b_better = true;
        } else if x != y {
            return Dominance::Incomparable; // NaN
        }
    }
    match (a_better, b_better) {
        (true, false) => Dominance::Dominates,
        (false, true) => Dominance::DominatedBy,
        (false, false) => Dominance::Equal,
        (true, true) => Dominance::Incomparable,
    }
}

/// True when `a` dominates `b`: `a_i ≤ b_i` for every objective and `a_i < b_i` for at least one.
///
/// False for vectors of different lengths. Cost O(m).
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && weakly_dominates(a, b) && a.iter().zip(b).any(|(x, y)| x < y)
}

/// True when `a` weakly dominates `b`: `a_i ≤ b_i` for every objective (equal vectors included).
///
/// False for vectors of different lengths. Cost O(m).
pub fn weakly_dominates(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x <= y)
}

/// Indices (ascending) of the points that no other point dominates.
///
/// `points` is `n_points × n_obj`. Every copy of a non-dominated point is kept, since equal
/// vectors do not dominate each other (moocore's `is_nondominated(keep_weakly=True)`). A point
/// with a NaN entry is incomparable with every point, so it is kept and removes nothing.
///
/// Cost: O(n log n) for one or two objectives (sort and sweep), O(n log n) for three (sweep with
/// a balanced-tree staircase), otherwise O(m · n · k) where k is the number of non-dominated
/// points (a lexicographic presort, after which each point is checked only against the
/// non-dominated points before it).
pub fn non_dominated_indices(points: &Matrix) -> Vec<usize> {
    let mask = non_dominated_mask(points);
    (0..mask.len()).filter(|&i| mask[i]).collect()
}

/// Number of distinct non-dominated points: copies of a non-dominated point count once.
///
/// This is moocore's `n_nondominated` (and the size of `is_nondominated(keep_weakly=False)`).
/// Cost as for [`non_dominated_indices`], plus sorting the non-dominated points.
pub fn n_nondominated(points: &Matrix) -> usize {
    let mut nd = non_dominated_indices(points);
    nd.sort_by(|&i, &j| lex_cmp(points.row(i), points.row(j)));
    nd.iter()
        .enumerate()
        .filter(|&(k, &i)| k == 0 || points.row(nd[k - 1]) != points.row(i))
        .count()
}

/// `mask[i]` is true when no point dominates point `i`; the same rule as
/// [`non_dominated_indices`].
pub(crate) fn non_dominated_mask(points: &Matrix) -> Vec<bool> {
    let (n, m) = points.shape();
    let mut mask = vec![true; n];
    if n <= 1 || m == 0 {
        return mask;
    }
    // Points with a NaN dominate nothing and are dominated by nothing; the sweeps below
    // assume a total order, so they only see the other points.
    let order = lex_order(points, |row| row.iter().all(|v| !v.is_nan()));
    match m {
        1 => {
            let best = points.row(order[0])[0];
            for &i in &order {
                mask[i] = points.row(i)[0] == best;
            }
        }
        2 => nd_mask_2d(points, &order, &mut mask),
        3 => nd_mask_3d(points, &order, &mut mask),
        _ => nd_mask_general(points, &order, &mut mask),
    }
    mask
}

/// Groups of consecutive equal rows in a lexicographic order, as index ranges into `order`.
fn equal_groups<'a>(
    points: &'a Matrix,
    order: &'a [usize],
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= order.len() {
            return None;
        }
        let first = points.row(order[start]);
        let mut end = start + 1;
        while end < order.len() && points.row(order[end]) == first {
            end += 1;
        }
        let range = start..end;
        start = end;
        Some(range)
    })
}

fn nd_mask_2d(points: &Matrix, order: &[usize], mask: &mut [bool]) {
    // In lexicographic order every point that can dominate p comes before p; p is dominated
    // exactly when an earlier, different point has y ≤ p.y.
    let mut best = f64::INFINITY;
    for group in equal_groups(points, order) {
        let y = points.row(order[group.start])[1];
        let dominated = best <= y;
        for &i in &order[group] {
            mask[i] = !dominated;
        }
        best = best.min(y);
    }
}

fn nd_mask_3d(points: &Matrix, order: &[usize], mask: &mut [bool]) {
    // Sweep in order of (z, x, y). The staircase maps x to the minimum y of the non-dominated
    // points seen so far (x increasing, y decreasing). A point is dominated exactly when an
    // earlier, different point has x ≤ p.x and y ≤ p.y, i.e. when the staircase height at p.x
    // is at most p.y.
    let mut order = order.to_vec();
    order.sort_by(|&i, &j| {
        let (a, b) = (points.row(i), points.row(j));
        key_cmp(a[2], b[2]).then_with(|| lex_cmp(&a[..2], &b[..2]))
    });
    let mut stairs: BTreeMap<u64, f64> = BTreeMap::new();
    for group in equal_groups(points, &order) {
        let p = points.row(order[group.start]);
        let (kx, y) = (order_key(p[0]), p[1]);
        let dominated = stairs
            .range(..=kx)
            .next_back()
            .is_some_and(|(_, &sy)| sy <= y);
        for &i in &order[group] {
            mask[i] = !dominated;
        }
        if !dominated {
            let covered: Vec<u64> = stairs
                .range(kx..)
                .take_while(|&(_, &sy)| sy >= y)
                .map(|(&k, _)| k)
                .collect();
            for k in covered {
                stairs.remove(&k);
            }
            stairs.insert(kx, y);
        }
    }
}

fn nd_mask_general(points: &Matrix, order: &[usize], mask: &mut [bool]) {
    // After a lexicographic sort a point can only be dominated by an earlier one, and if it is
    // dominated at all then some earlier non-dominated point dominates it (transitivity).
    let mut kept: Vec<usize> = Vec::new();
    for group in equal_groups(points, order) {
        let p = points.row(order[group.start]);
        let hit = kept
            .iter()
            .position(|&q| weakly_dominates(points.row(q), p));
        let dominated = hit.is_some();
        if let Some(pos) = hit {
            // Move-to-front: a point that dominated one point tends to dominate the next.
            kept[..=pos].rotate_right(1);
        }
        let first = order[group.start];
        for &i in &order[group] {
            mask[i] = !dominated;
        }
        if !dominated {
            kept.push(first);
        }
    }
}

/// Non-dominated sorting: the partition of a point set into successive Pareto fronts.
///
/// Front 0 holds the non-dominated points, front 1 those dominated only by front 0, and so on;
/// `ranks()[i]` is the front of point `i`. Copies of a point share its front. Points with a NaN
/// entry are incomparable with every point and land in front 0.
///
/// Algorithm: a lexicographic presort, then each point goes to the first front that holds no
/// point dominating it, found by binary search over the fronts (ENS-BS, Zhang, Tian, Cheng and
/// Jin, "An efficient approach to nondominated sorting for evolutionary multiobjective
/// optimization", IEEE TEVC 19(2), 2015). For two objectives the test per front is O(1), so the
/// sort costs O(n log n); otherwise it costs at most O(m · n²) and O(n) memory (Deb's fast
/// non-dominated sort needs O(n²) memory).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonDominatedSort {
    fronts: Vec<Vec<usize>>,
    ranks: Vec<usize>,
}

impl NonDominatedSort {
    /// Sorts the rows of `points` (`n_points × n_obj`) into fronts.
    pub fn new(points: &Matrix) -> Self {
        let (n, m) = points.shape();
        let mut ranks = vec![0; n];
        let order = lex_order(points, |row| row.iter().all(|v| !v.is_nan()));
        let n_fronts = if order.is_empty() {
            usize::from(n > 0)
        } else if m == 2 {
            rank_2d(points, &order, &mut ranks)
        } else {
            rank_general(points, &order, &mut ranks)
        };
        let mut fronts = vec![Vec::new(); n_fronts];
        for (i, &r) in ranks.iter().enumerate() {
            fronts[r].push(i);
        }
        Self { fronts, ranks }
    }

    /// The fronts, best first; each lists point indices in ascending order.
    pub fn fronts(&self) -> &[Vec<usize>] {
        &self.fronts
    }

    /// The front (0-based rank) of every point, indexed like the rows of the input.
    pub fn ranks(&self) -> &[usize] {
        &self.ranks
    }

    /// The number of fronts (0 for an empty point set).
    pub fn n_fronts(&self) -> usize {
        self.fronts.len()
    }

    /// Consumes the sort and returns `(fronts, ranks)`.
    pub fn into_parts(self) -> (Vec<Vec<usize>>, Vec<usize>) {
        (self.fronts, self.ranks)
    }
}

/// Assigns ranks for two objectives; returns the number of fronts.
fn rank_2d(points: &Matrix, order: &[usize], ranks: &mut [usize]) -> usize {
    // min_y[k] is the smallest y in front k so far. Every member of a front precedes p in
    // lexicographic order, so front k dominates p exactly when min_y[k] ≤ p.y (p's copies form
    // one group and are ranked together). min_y increases with k, so binary search applies.
    let mut min_y: Vec<f64> = Vec::new();
    for group in equal_groups(points, order) {
        let y = points.row(order[group.start])[1];
        let k = min_y.partition_point(|&v| v <= y);
        if k == min_y.len() {
            min_y.push(y);
        } else {
            min_y[k] = y;
        }
        for &i in &order[group] {
            ranks[i] = k;
        }
    }
    min_y.len().max(1)
}

/// Assigns ranks for any number of objectives (ENS-BS); returns the number of fronts.
fn rank_general(points: &Matrix, order: &[usize], ranks: &mut [usize]) -> usize {
    let mut fronts: Vec<Vec<usize>> = Vec::new();
    for group in equal_groups(points, order) {
        let p = points.row(order[group.start]);
        // Whether a member of front k dominates p; the newest members are the likeliest.
        let dominated_by = |k: usize| -> bool {
            fronts[k]
                .iter()
                .rev()
                .any(|&q| weakly_dominates(points.row(q), p))
        };
        let (mut lo, mut hi) = (0, fronts.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if dominated_by(mid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo == fronts.len() {
            fronts.push(Vec::new());
        }
        fronts[lo].push(order[group.start]);
        for &i in &order[group] {
            ranks[i] = lo;
        }
    }
    fronts.len().max(1)
}

/// A `u64` whose unsigned order is the numeric order of non-NaN `f64` values, with `-0.0` and
/// `0.0` mapped to the same key.
pub(crate) fn order_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Numeric comparison of non-NaN values that treats `-0.0` and `0.0` as equal.
pub(crate) fn key_cmp(a: f64, b: f64) -> Ordering {
    order_key(a).cmp(&order_key(b))
}

/// Lexicographic comparison of two vectors of non-NaN values.
pub(crate) fn lex_cmp(a: &[f64], b: &[f64]) -> Ordering {
    for (&x, &y) in a.iter().zip(b) {
        match key_cmp(x, y) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

/// Indices of the rows that pass `keep`, sorted lexicographically.
fn lex_order(points: &Matrix, keep: impl Fn(&[f64]) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.n_rows())
        .filter(|&i| keep(points.row(i)))
        .collect();
    order.sort_by(|&i, &j| lex_cmp(points.row(i), points.row(j)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_cases() {
        assert_eq!(compare(&[1.0, 2.0], &[2.0, 2.0]), Dominance::Dominates);
        assert_eq!(compare(&[2.0, 2.0], &[1.0, 2.0]), Dominance::DominatedBy);
        assert_eq!(compare(&[1.0, 2.0], &[1.0, 2.0]), Dominance::Equal);
        assert_eq!(compare(&[1.0, 3.0], &[2.0, 2.0]), Dominance::Incomparable);
        assert_eq!(
            compare(&[1.0, f64::NAN], &[2.0, 2.0]),
            Dominance::Incomparable
        );
        assert_eq!(compare(&[1.0], &[2.0, 2.0]), Dominance::Incomparable);
        assert_eq!(compare(&[-0.0], &[0.0]), Dominance::Equal);
    }

    #[test]
    fn order_key_is_monotone() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -1e-300,
            -0.0,
            0.0,
            1e-300,
            1.0,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(order_key(w[0]) <= order_key(w[1]));
        }
        assert_eq!(order_key(-0.0), order_key(0.0));
    }

    #[test]
    fn nan_points_are_kept_and_remove_nothing() {
        for m in 2..5 {
            let mut a = vec![f64::NAN; m];
            a[0] = 0.0;
            let b = vec![0.5; m];
            let c = vec![1.0; m];
            let points = Matrix::from_rows(&[a, b, c]).unwrap();
            assert_eq!(non_dominated_indices(&points), vec![0, 1], "m = {m}");
            assert_eq!(NonDominatedSort::new(&points).ranks(), &[0, 0, 1]);
        }
    }

    #[test]
    fn public_types_are_send_sync() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<Dominance>();
        check::<NonDominatedSort>();
    }
}
