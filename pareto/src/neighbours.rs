//! Nearest neighbours through a k-d tree: within one point set and from one set to another, in O(n log n)-ish time and O(n) memory (no n × n table).
//!
//! The tree only prunes with lower bounds that hold in floating point, and every distance it
//! returns is computed by the same function, on the same pair, as a brute-force scan would: the
//! minima are therefore bit for bit those of the scan.

use crate::matrix::Matrix;

/// Buckets of at most this many points are scanned directly.
const LEAF: usize = 8;

/// A distance-like cost `cost(a, b)` between a point `a` of the set a tree holds and a query
/// `b`, with a lower bound for every point on one side of a splitting plane.
pub(crate) trait Cost {
    /// The cost between the tree point `a` and the query `b`.
    fn cost(a: &[f64], b: &[f64]) -> f64;
    /// A lower bound of `cost(a, b)` over every `a` with `a[axis] ≥ split` (`above`) or
    /// `a[axis] ≤ split` (`!above`), given `query = b[axis]`; `-∞` when there is none.
    fn bound(query: f64, split: f64, above: bool) -> f64;
}

/// Squared Euclidean distance, summed over the coordinates in order.
pub(crate) struct SquaredEuclidean;

impl Cost for SquaredEuclidean {
    fn cost(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
    }
    fn bound(query: f64, split: f64, _above: bool) -> f64 {
        // |a − q| ≥ |split − q| on the far side, and rounding keeps the order; a sum of
        // non-negative rounded terms is at least each term.
        (query - split) * (query - split)
    }
}

/// `d⁺(a, z)² = Σᵢ max(aᵢ − zᵢ, 0)²` with the tree holding the approximation set (`a`) and the
/// query a reference point `z` (IGD+).
pub(crate) struct PlusFromFront;

impl Cost for PlusFromFront {
    fn cost(a: &[f64], z: &[f64]) -> f64 {
        sq_plus(a, z)
    }
    fn bound(query: f64, split: f64, above: bool) -> f64 {
        if above {
            let d = (split - query).max(0.0);
            d * d
        } else {
            0.0
        }
    }
}

/// `d⁺(a, z)²` with the tree holding the reference front (`z`) and the query a point `a` of the
/// approximation set (GD+).
pub(crate) struct PlusToFront;

impl Cost for PlusToFront {
    fn cost(z: &[f64], a: &[f64]) -> f64 {
        sq_plus(a, z)
    }
    fn bound(query: f64, split: f64, above: bool) -> f64 {
        if above {
            0.0
        } else {
            let d = (query - split).max(0.0);
            d * d
        }
    }
}

/// `Σᵢ max(aᵢ − zᵢ, 0)²`, summed in coordinate order.
fn sq_plus(a: &[f64], z: &[f64]) -> f64 {
    a.iter()
        .zip(z)
        .map(|(x, y)| {
            let d = (x - y).max(0.0);
            d * d
        })
        .sum()
}

/// `maxᵢ (aᵢ − zᵢ)` with the tree holding the approximation set (additive ε-indicator).
pub(crate) struct EpsilonAdditive;

impl Cost for EpsilonAdditive {
    fn cost(a: &[f64], z: &[f64]) -> f64 {
        a.iter()
            .zip(z)
            .map(|(&x, &y)| x - y)
            .fold(f64::NEG_INFINITY, f64::max)
    }
    fn bound(query: f64, split: f64, above: bool) -> f64 {
        if above {
            split - query
        } else {
            f64::NEG_INFINITY
        }
    }
}

/// `maxᵢ (aᵢ / zᵢ)` with the tree holding the approximation set; every value must be `> 0`
/// (multiplicative ε-indicator).
pub(crate) struct EpsilonMultiplicative;

impl Cost for EpsilonMultiplicative {
    fn cost(a: &[f64], z: &[f64]) -> f64 {
        a.iter()
            .zip(z)
            .map(|(&x, &y)| x / y)
            .fold(f64::NEG_INFINITY, f64::max)
    }
    fn bound(query: f64, split: f64, above: bool) -> f64 {
        if above {
            split / query
        } else {
            f64::NEG_INFINITY
        }
    }
}

/// A k-d tree over the rows of a matrix (implicit: a permutation of the rows and one splitting
/// axis per inner node).
pub(crate) struct KdTree<'a> {
    points: &'a Matrix,
    /// Row indices; node `[lo, hi)` has its splitting point at `(lo + hi) / 2`, the rows
    /// before it are `≤` its coordinate along the axis and the rows after it `≥`.
    order: Vec<usize>,
    /// The splitting axis of the node whose splitting point is at each position.
    axis: Vec<u8>,
}

impl<'a> KdTree<'a> {
    /// Builds the tree over every row of `points` (at most 255 objectives split; more are
    /// allowed and only the first 255 are used to split). O(n log n · m).
    pub(crate) fn new(points: &'a Matrix) -> Self {
        let n = points.n_rows();
        let mut tree = Self {
            points,
            order: (0..n).collect(),
            axis: vec![0; n],
        };
        tree.build(0, n);
        tree
    }

    fn build(&mut self, lo: usize, hi: usize) {
        if hi - lo <= LEAF {
            return;
        }
        let m = self.points.n_cols().min(255);
        // Split along the widest coordinate of the node.
        let mut best = (0, f64::NEG_INFINITY);
        for k in 0..m {
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            for &i in &self.order[lo..hi] {
                let v = self.points.get(i, k);
                min = min.min(v);
                max = max.max(v);
            }
            if max - min > best.1 {
                best = (k, max - min);
            }
        }
        let k = best.0;
        let mid = (lo + hi) / 2;
        let points = self.points;
        self.order[lo..hi].select_nth_unstable_by(mid - lo, |&i, &j| {
            points.get(i, k).total_cmp(&points.get(j, k))
        });
        self.axis[mid] = u8::try_from(k).expect("k < 255");
        self.build(lo, mid);
        self.build(mid + 1, hi);
    }

    /// The smallest `C::cost(a, query)` over the rows `a` of the tree other than row `skip`
    /// (`usize::MAX` skips none); `+∞` when there is none.
    pub(crate) fn nearest<C: Cost>(&self, query: &[f64], skip: usize) -> f64 {
        let mut best = f64::INFINITY;
        self.search::<C>(0, self.order.len(), query, skip, &mut best);
        best
    }

    fn search<C: Cost>(&self, lo: usize, hi: usize, query: &[f64], skip: usize, best: &mut f64) {
        if hi - lo <= LEAF {
            for &i in &self.order[lo..hi] {
                if i != skip {
                    let c = C::cost(self.points.row(i), query);
                    if c < *best {
                        *best = c;
                    }
                }
            }
            return;
        }
        let mid = (lo + hi) / 2;
        let i = self.order[mid];
        let k = usize::from(self.axis[mid]);
        let split = self.points.get(i, k);
        if i != skip {
            let c = C::cost(self.points.row(i), query);
            if c < *best {
                *best = c;
            }
        }
        let q = query[k];
        let (near, far, far_above) = if q < split {
            ((lo, mid), (mid + 1, hi), true)
        } else {
            ((mid + 1, hi), (lo, mid), false)
        };
        self.search::<C>(near.0, near.1, query, skip, best);
        if C::bound(q, split, far_above) < *best {
            self.search::<C>(far.0, far.1, query, skip, best);
        }
    }
}

/// The squared Euclidean distance from every row to its nearest other row (`+∞` for a set of
/// one point). Copies of a point are at distance 0 from each other.
pub(crate) fn nearest_squared_distances(points: &Matrix) -> Vec<f64> {
    let tree = KdTree::new(points);
    (0..points.n_rows())
        .map(|i| tree.nearest::<SquaredEuclidean>(points.row(i), i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn brute(points: &Matrix) -> Vec<f64> {
        let n = points.n_rows();
        (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| j != i)
                    .map(|j| SquaredEuclidean::cost(points.row(j), points.row(i)))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect()
    }

    #[test]
    fn equals_the_scan_bit_for_bit() {
        let mut rng = StdRng::seed_from_u64(7);
        for m in 1..=6 {
            for n in [0, 1, 2, 3, 9, 17, 100, 500] {
                // coarse grid values: many ties and copies
                let data: Vec<f64> = (0..n * m)
                    .map(|_| f64::from(rng.random_range(0..5u8)) * 0.25)
                    .collect();
                let p = Matrix::from_vec(n, m, data).unwrap();
                assert_eq!(nearest_squared_distances(&p), brute(&p), "n {n} m {m}");
                let data: Vec<f64> = (0..n * m).map(|_| rng.random::<f64>()).collect();
                let p = Matrix::from_vec(n, m, data).unwrap();
                assert_eq!(nearest_squared_distances(&p), brute(&p), "n {n} m {m}");
            }
        }
    }
}
