//! The gradient of the hypervolume with respect to the points' objective values.
//!
//! Entry `(k, i)` is minus the (m − 1)-dimensional volume of the face of point `k`'s exclusive
//! region that is orthogonal to axis `i`: the part of `{z : z_i = a_i, a_j ≤ z_j ≤ r_j (j ≠ i)}`
//! not covered by a point `b` with `b_i < a_i`. One sweep per axis computes it for every point:
//! in order of `a_i`, each point's face is its exclusive contribution, in the other m − 1
//! objectives, against the front of the points already passed; points with equal `a_i` are
//! queried before any of them is inserted.

use super::front::Front;
use super::stairs::{Stairs, ranks_by_xy};
use crate::matrix::Matrix;

/// Fills `grad` (`n_points × n_obj`, zeroed) for `points` with reference `r`.
pub(crate) fn gradient(points: &Matrix, r: &[f64], grad: &mut Matrix) {
    let m = r.len();
    for axis in 0..m {
        // Points whose face can be non-empty: inside in the other objectives and a_i ≤ r_i.
        let mut cand: Vec<usize> = (0..points.n_rows())
            .filter(|&k| {
                let a = points.row(k);
                (0..m).all(|j| if j == axis { a[j] <= r[j] } else { a[j] < r[j] })
            })
            .collect();
        cand.sort_unstable_by(|&a, &b| points.get(a, axis).total_cmp(&points.get(b, axis)));
        let groups = tie_groups(&cand, |k| points.get(k, axis));
        let proj = |k: usize| -> Vec<f64> {
            let a = points.row(k);
            (0..m).filter(|&j| j != axis).map(|j| a[j]).collect()
        };
        let r_proj: Vec<f64> = (0..m).filter(|&j| j != axis).map(|j| r[j]).collect();
        let inside = |k: usize| points.get(k, axis) < r[axis];
        match m {
            1 => {
                // The face is a point: covered as soon as any point lies strictly below.
                if let Some(first) = groups.first() {
                    for &k in &cand[first.clone()] {
                        grad.set(k, axis, -1.0);
                    }
                }
            }
            2 => {
                let mut min_other = r_proj[0];
                for g in groups {
                    for &k in &cand[g.clone()] {
                        let face = (min_other - proj(k)[0]).max(0.0);
                        grad.set(k, axis, -face);
                    }
                    for &k in cand[g].iter().filter(|&&k| inside(k)) {
                        min_other = min_other.min(proj(k)[0]);
                    }
                }
            }
            3 => {
                let (rank, x_by_rank) = ranks_by_xy(cand.len(), |t| {
                    let q = proj(cand[t]);
                    (q[0], q[1])
                });
                let mut stairs = Stairs::new(x_by_rank, r_proj[0], r_proj[1]);
                for g in groups {
                    for t in g.clone() {
                        let face = stairs.added(rank[t], proj(cand[t])[1]);
                        grad.set(cand[t], axis, -face);
                    }
                    for t in g.filter(|&t| inside(cand[t])) {
                        stairs.insert(rank[t], proj(cand[t])[1]);
                    }
                }
            }
            _ => {
                let mut front = Front::new(&r_proj);
                for g in groups {
                    if g.len() == 1 {
                        let k = cand[g.start];
                        let q = proj(k);
                        if let Some(face) = front.contribution(&q) {
                            grad.set(k, axis, -face);
                            if inside(k) {
                                front.insert(&q);
                            }
                        }
                        continue;
                    }
                    for &k in &cand[g.clone()] {
                        let face = front.contribution(&proj(k)).unwrap_or(0.0);
                        grad.set(k, axis, -face);
                    }
                    for &k in cand[g].iter().filter(|&&k| inside(k)) {
                        front.try_insert(&proj(k));
                    }
                }
            }
        }
    }
}

/// Ranges of equal keys in `sorted` (sorted by `key`).
fn tie_groups(sorted: &[usize], key: impl Fn(usize) -> f64) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let mut start = 0;
    while start < sorted.len() {
        let v = key(sorted[start]);
        let mut end = start + 1;
        while end < sorted.len() && key(sorted[end]) == v {
            end += 1;
        }
        groups.push(start..end);
        start = end;
    }
    groups
}
