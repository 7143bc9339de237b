//! Exclusive hypervolume contributions.

use super::exact::{filter_non_dominated, hv_inside};
use super::front::{FrontN, MAX_MASKED};
use super::rankset::RankSet;
use super::stairs::ranks_by_xy;
use std::collections::VecDeque;

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
        let prev_y = if t == 0 {
            r[1]
        } else {
            pts[2 * order[t - 1] + 1]
        };
        out[i] = (next_x - pts[2 * i]) * (prev_y - pts[2 * i + 1]);
    }
    out
}

/// Three objectives: sweep up in `z` with the `xy` staircase of the points below.
///
/// At every height a staircase point `p` owns the rectangle between its neighbours,
/// `[p.x, right.x) × [p.y, left.y)`, minus what its *inner* points cover: the points it removed
/// from the staircase (they lie in `p`'s quadrant, below in `z`, and still cover part of it).
/// Whenever an insertion changes that region (a new neighbour cuts it from the right or from
/// the top, which also drops inner points from the ends of the list), the owned area times the
/// height it was held is banked and the area is updated from the cut part alone. Every point
/// enters and leaves one inner list once, so the sweep costs O(n log n) with the sorts.
fn contributions_3d(pts: &[f64], r: &[f64]) -> Vec<f64> {
    let n = pts.len() / 3;
    let p = |i: usize| &pts[3 * i..3 * i + 3];
    let (rank, xs) = ranks_by_xy(n, |i| (p(i)[0], p(i)[1]));
    let mut by_z: Vec<usize> = (0..n).collect();
    by_z.sort_unstable_by(|&i, &j| p(i)[2].total_cmp(&p(j)[2]));

    let mut set = RankSet::new(n);
    // All by rank.
    let mut ys = vec![0.0; n];
    let mut area = vec![0.0; n];
    let mut since = vec![0.0; n];
    let mut acc = vec![0.0; n];
    let mut inner: Vec<VecDeque<usize>> = vec![VecDeque::new(); n];
    let mut removed: Vec<usize> = Vec::new();
    let pred = |set: &RankSet, k: usize| if k == 0 { None } else { set.pred(k - 1) };
    for &i in &by_z {
        let (k, py, z) = (rank[i], p(i)[1], p(i)[2]);
        let left = pred(&set, k);
        removed.clear();
        let mut next = set.succ(k);
        while let Some(j) = next {
            if ys[j] < py {
                break;
            }
            removed.push(j);
            next = set.succ(j + 1);
        }
        let right = next;
        let old_right_of_left = removed.first().or(right.as_ref()).map_or(r[0], |&j| xs[j]);
        let old_top_of_right = removed.last().or(left.as_ref()).map_or(r[1], |&j| ys[j]);
        for &j in &removed {
            acc[j] += area[j] * (z - since[j]);
            inner[j].clear();
            set.remove(j);
        }
        set.insert(k);
        ys[k] = py;

        // The new point's region: its rectangle minus the staircase of its inner points.
        let top = left.map_or(r[1], |j| ys[j]);
        let right_x = right.map_or(r[0], |j| xs[j]);
        let mut a = 0.0;
        let (mut from, mut h) = (xs[k], top);
        for &j in &removed {
            a += (xs[j] - from) * (h - py);
            from = xs[j];
            h = ys[j];
        }
        area[k] = a + (right_x - from) * (h - py);
        since[k] = z;
        inner[k].extend(removed.iter().copied());

        if let Some(l) = left {
            // Cut from the right at x = xs[k].
            acc[l] += area[l] * (z - since[l]);
            since[l] = z;
            let (yl, top_l) = (ys[l], pred(&set, l).map_or(r[1], |j| ys[j]));
            let list = &mut inner[l];
            let mut lost = 0.0;
            let mut edge = old_right_of_left;
            while let Some(&d) = list.back() {
                if xs[d] < xs[k] {
                    break;
                }
                lost += (edge - xs[d]) * (ys[d] - yl);
                edge = xs[d];
                list.pop_back();
            }
            let h = list.back().map_or(top_l, |&d| ys[d]);
            area[l] -= lost + (edge - xs[k]) * (h - yl);
        }
        if let Some(q) = right {
            // Cut from the top at y = py.
            acc[q] += area[q] * (z - since[q]);
            since[q] = z;
            let right_q = set.succ(q + 1).map_or(r[0], |j| xs[j]);
            let list = &mut inner[q];
            let mut lost = 0.0;
            let (mut from, mut h) = (xs[q], old_top_of_right);
            loop {
                let end = list.front().map_or(right_q, |&d| xs[d]);
                lost += (end - from) * (h - py);
                match list.front() {
                    Some(&d) if ys[d] >= py => {
                        from = xs[d];
                        h = ys[d];
                        list.pop_front();
                    }
                    _ => break,
                }
            }
            area[q] -= lost;
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
    if (4..=MAX_MASKED).contains(&d) {
        return FrontN::from_points(pts, r).exclusive_all();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_3d_matches_limited_sets() {
        // Mutually non-dominated points on a plane.
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in 2..40 {
            let mut pts = Vec::new();
            for _ in 0..n {
                let (a, b) = (next(), next());
                let (x, y) = if a + b > 1.0 {
                    (1.0 - a, 1.0 - b)
                } else {
                    (a, b)
                };
                pts.extend([x, y, 1.0 - x - y]);
            }
            let r = [1.0; 3];
            let fast = contributions_3d(&pts, &r);
            let slow = contributions_limited(&pts, 3, &r);
            for (f, s) in fast.iter().zip(&slow) {
                assert!(
                    (f - s).abs() < 1e-12,
                    "n={n}: {fast:?} vs {slow:?}\n{pts:?}"
                );
            }
        }
    }
}
