//! Exclusive hypervolume contributions.

use super::exact::{filter_non_dominated, hv_inside};
use super::rankset::RankSet;
use super::stairs::ranks_by_xy;

/// Contributions of distinct, mutually non-dominated points strictly inside the reference box
/// (row-major, `d` values each): `HV(P) − HV(P ∖ {p})` for every `p`.
pub(crate) fn contributions_distinct(pts: &[f64], d: usize, r: &[f64]) -> Vec<f64> {
    let n = pts.len() / d;
    match (n, d) {
        (0, _) => Vec::new(),
        (1, _) => vec![hv_inside(pts, d, r)],
        (_, 2) => contributions_2d(pts, r),
        (_, 3) => contributions_3d(pts, r),
        _ => contributions_limited(pts, d, r),
    }
}

/// Two objectives: after sorting by `x`, point `k` owns `[x_k, x_{k+1}) × [y_k, y_{k−1})`.
fn contributions_2d(pts: &[f64], r: &[f64]) -> Vec<f64> {
    let n = pts.len() / 2;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&i, &j| pts[2 * i].total_cmp(&pts[2 * j]));
    let mut out = vec![0.0; n];
    for (t, &i) in order.iter().enumerate() {
        let next_x = order.get(t + 1).map_or(r[0], |&j| pts[2 * j]);
        let prev_y = if t == 0 { r[1] } else { pts[2 * order[t - 1] + 1] };
        out[i] = (next_x - pts[2 * i]) * (prev_y - pts[2 * i + 1]);
    }
    out
}

/// Three objectives: sweep up in `z` with the `xy` staircase of the points below. A staircase
/// point owns the rectangle between its neighbours; whenever an insertion changes that
/// rectangle, the old area times the height it was held is banked. O(n log n).
fn contributions_3d(pts: &[f64], r: &[f64]) -> Vec<f64> {
    let n = pts.len() / 3;
    let p = |i: usize| &pts[3 * i..3 * i + 3];
    let (rank, x_by_rank) = ranks_by_xy(n, |i| (p(i)[0], p(i)[1]));
    let mut id_of_rank = vec![0; n];
    for i in 0..n {
        id_of_rank[rank[i]] = i;
    }
    let mut by_z: Vec<usize> = (0..n).collect();
    by_z.sort_unstable_by(|&i, &j| p(i)[2].total_cmp(&p(j)[2]));

    let mut set = RankSet::new(n);
    let mut y_by_rank = vec![0.0; n];
    let mut area = vec![0.0; n]; // by rank
    let mut since = vec![0.0; n]; // by rank
    let mut acc = vec![0.0; n]; // by rank
    // The rectangle owned by the staircase point of rank k.
    let owned = |set: &RankSet, y_by_rank: &[f64], k: usize| -> f64 {
        let right = set.succ(k + 1).map_or(r[0], |j| x_by_rank[j]);
        let top = if k == 0 { None } else { set.pred(k - 1) }.map_or(r[1], |j| y_by_rank[j]);
        (right - x_by_rank[k]) * (top - y_by_rank[k])
    };
    for &i in &by_z {
        let (k, y, z) = (rank[i], p(i)[1], p(i)[2]);
        // Points weakly dominated in xy by the new point leave the staircase.
        while let Some(j) = set.succ(k) {
            if y_by_rank[j] < y {
                break;
            }
            acc[j] += area[j] * (z - since[j]);
            set.remove(j);
        }
        set.insert(k);
        y_by_rank[k] = y;
        area[k] = owned(&set, &y_by_rank, k);
        since[k] = z;
        let neighbours = [
            if k == 0 { None } else { set.pred(k - 1) },
            set.succ(k + 1),
        ];
        for j in neighbours.into_iter().flatten() {
            acc[j] += area[j] * (z - since[j]);
            area[j] = owned(&set, &y_by_rank, j);
            since[j] = z;
        }
    }
    let mut k = set.succ(0);
    while let Some(j) = k {
        acc[j] += area[j] * (r[2] - since[j]);
        k = set.succ(j + 1);
    }
    (0..n).map(|i| acc[rank[i]]).collect()
}

/// Any number of objectives: `vol([p, r]) − HV(non-dominated part of {max(q, p) : q ≠ p})`
/// for every point (the exclusive hypervolume of While, Bradstreet and Barone, 2012).
fn contributions_limited(pts: &[f64], d: usize, r: &[f64]) -> Vec<f64> {
    let n = pts.len() / d;
    let mut limited = Vec::with_capacity(pts.len());
    (0..n)
        .map(|i| {
            let p = &pts[i * d..(i + 1) * d];
            limited.clear();
            for j in (0..n).filter(|&j| j != i) {
                let q = &pts[j * d..(j + 1) * d];
                limited.extend(q.iter().zip(p).map(|(&a, &b)| a.max(b)));
            }
            let kept = filter_non_dominated(&mut limited, d);
            let boxed: f64 = p.iter().zip(r).map(|(a, b)| b - a).product();
            boxed - hv_inside(&limited[..kept * d], d, r)
        })
        .collect()
}
