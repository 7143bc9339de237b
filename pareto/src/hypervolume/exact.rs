//! Exact hypervolume of points that lie strictly inside the reference box.

use super::front::{Front, Front3, sweep_4d};
use super::stairs::{Stairs, ranks_by_xy};
use crate::dominance::lex_cmp;

/// Hypervolume of the row-major points `pts` (`d` values each) with reference `r`; every
/// point must satisfy `p < r` in every objective.
pub(crate) fn hv_inside(pts: &[f64], d: usize, r: &[f64]) -> f64 {
    hv_dispatch(pts, d, r, false)
}

/// [`hv_inside`] for points already sorted by their last objective (ascending).
pub(crate) fn hv_inside_sorted_last(pts: &[f64], d: usize, r: &[f64]) -> f64 {
    hv_dispatch(pts, d, r, true)
}

fn hv_dispatch(pts: &[f64], d: usize, r: &[f64], sorted_last: bool) -> f64 {
    let n = pts.len() / d;
    match (n, d) {
        (0, _) => 0.0,
        (1, _) => pts.iter().zip(r).map(|(a, b)| b - a).product(),
        (_, 1) => r[0] - pts.iter().copied().fold(f64::INFINITY, f64::min),
        (_, 2) => hv2d(pts, r),
        (_, 3) => hv3d(pts, r),
        (_, 4) => hv4d(pts, r, sorted_last),
        _ => hv_sweep(pts, d, r, sorted_last),
    }
}

/// Two objectives: sort by `x` and add one horizontal strip per staircase point. O(n log n).
fn hv2d(pts: &[f64], r: &[f64]) -> f64 {
    let mut xy: Vec<(f64, f64)> = pts.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    xy.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut hv = 0.0;
    let mut last_y = r[1];
    for (x, y) in xy {
        if y < last_y {
            hv += (r[0] - x) * (last_y - y);
            last_y = y;
        }
    }
    hv
}

/// Three objectives: sweep up in `z`, keeping the area of the `xy` staircase of the points
/// below (Beume, Fonseca, López-Ibáñez, Paquete and Vahrenhold, "On the complexity of computing
/// the hypervolume indicator", IEEE TEVC 13(5), 2009). O(n log n).
fn hv3d(pts: &[f64], r: &[f64]) -> f64 {
    let n = pts.len() / 3;
    let p = |i: usize| &pts[3 * i..3 * i + 3];
    let (rank, x_by_rank) = ranks_by_xy(n, |i| (p(i)[0], p(i)[1]));
    let mut by_z: Vec<usize> = (0..n).collect();
    by_z.sort_unstable_by(|&i, &j| p(i)[2].total_cmp(&p(j)[2]));
    let mut stairs = Stairs::new(x_by_rank, r[0], r[1]);
    let (mut area, mut hv) = (0.0, 0.0);
    for (t, &i) in by_z.iter().enumerate() {
        area += stairs.insert(rank[i], p(i)[1]);
        let next_z = by_z.get(t + 1).map_or(r[2], |&j| p(j)[2]);
        hv += area * (next_z - p(i)[2]);
    }
    hv
}

/// Four objectives: [`hv_sweep`] with the points sorted in place (no indirection).
fn hv4d(pts: &[f64], r: &[f64], sorted_last: bool) -> f64 {
    let mut sorted: Vec<[f64; 4]> = pts
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2], p[3]])
        .collect();
    if !sorted_last {
        sorted.sort_unstable_by(|a, b| a[3].total_cmp(&b[3]));
    }
    let mut front = Front3::new([r[0], r[1], r[2]]);
    sweep_4d(&mut front, sorted.iter().map(|p| &p[..]), r[3])
}

/// Four or more objectives: sweep up the last objective; each point adds its exclusive
/// (d − 1)-dimensional volume against the front of the points below it (HV4D+ of Guerreiro and
/// Fonseca, IEEE TEVC 22(3), 2018, for d = 4; the same sweep with limited-set contributions
/// above). O(n²) for d = 4.
fn hv_sweep(pts: &[f64], d: usize, r: &[f64], sorted_last: bool) -> f64 {
    let n = pts.len() / d;
    let last = d - 1;
    let mut order: Vec<usize> = (0..n).collect();
    if !sorted_last {
        order.sort_unstable_by(|&i, &j| pts[i * d + last].total_cmp(&pts[j * d + last]));
    }
    let mut front = Front::new(&r[..last]);
    let (mut volume, mut hv) = (0.0, 0.0);
    for (t, &i) in order.iter().enumerate() {
        let p = &pts[i * d..(i + 1) * d];
        if let Some(c) = front.add(&p[..last]) {
            volume += c;
        }
        let next = order.get(t + 1).map_or(r[last], |&j| pts[j * d + last]);
        hv += volume * (next - p[last]);
    }
    hv
}

/// Reorders the rows of `pts` (`d` values each) so that the distinct non-dominated rows come
/// first, and returns their number. Rows are sorted by their sum (a dominating row never has a
/// larger floating-point sum), so each row is only checked against the rows kept before it.
pub(crate) fn filter_non_dominated(pts: &mut [f64], d: usize) -> usize {
    let n = pts.len() / d;
    if n <= 1 {
        return n;
    }
    let mut keyed: Vec<(f64, usize)> = (0..n)
        .map(|i| (pts[i * d..(i + 1) * d].iter().sum(), i))
        .collect();
    keyed.sort_unstable_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| lex_cmp(&pts[a.1 * d..(a.1 + 1) * d], &pts[b.1 * d..(b.1 + 1) * d]))
    });
    let mut kept: Vec<f64> = Vec::with_capacity(n * d);
    for &(_, i) in &keyed {
        let p = &pts[i * d..(i + 1) * d];
        let dominated = kept
            .chunks_exact(d)
            .rev()
            .any(|q| q.iter().zip(p).all(|(a, b)| a <= b));
        if !dominated {
            kept.extend_from_slice(p);
        }
    }
    pts[..kept.len()].copy_from_slice(&kept);
    kept.len() / d
}
