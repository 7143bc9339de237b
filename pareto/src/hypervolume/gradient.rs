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
        // Row t: the other objectives of point cand[t].
        let d = m - 1;
        let proj: Vec<f64> = cand
            .iter()
            .flat_map(|&k| {
                let a = points.row(k);
                (0..m).filter(move |&j| j != axis).map(move |j| a[j])
            })
            .collect();
        let q = |t: usize| &proj[t * d..(t + 1) * d];
        let r_proj: Vec<f64> = (0..m).filter(|&j| j != axis).map(|j| r[j]).collect();
        let inside = |t: usize| points.get(cand[t], axis) < r[axis];
        let mut set = |t: usize, face: f64| grad.set(cand[t], axis, -face);
        match d {
            0 => {
                // The face is a point: covered as soon as any point lies strictly below.
                if let Some(first) = groups.first() {
                    first.clone().for_each(|t| set(t, 1.0));
                }
            }
            1 => {
                let mut min_other = r_proj[0];
                for g in groups {
                    for t in g.clone() {
                        set(t, (min_other - q(t)[0]).max(0.0));
                    }
                    for t in g.filter(|&t| inside(t)) {
                        min_other = min_other.min(q(t)[0]);
                    }
                }
            }
            2 => {
                let (rank, x_by_rank) = ranks_by_xy(cand.len(), |t| (q(t)[0], q(t)[1]));
                let mut stairs = Stairs::new(x_by_rank, r_proj[0], r_proj[1]);
                for g in groups {
                    for t in g.clone() {
                        set(t, stairs.added(rank[t], q(t)[1]));
                    }
                    for t in g.filter(|&t| inside(t)) {
                        stairs.insert(rank[t], q(t)[1]);
                    }
                }
            }
            _ => {
                let mut front = Front::new(&r_proj);
                for g in groups {
                    if g.len() == 1 {
                        let t = g.start;
                        let face = if inside(t) {
                            front.add(q(t))
                        } else {
                            front.contribution(q(t))
                        };
                        set(t, face.unwrap_or(0.0));
                        continue;
                    }
                    for t in g.clone() {
                        set(t, front.contribution(q(t)).unwrap_or(0.0));
                    }
                    for t in g.filter(|&t| inside(t)) {
                        front.try_insert(q(t));
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
