//! Fronts of mutually non-dominated points that answer "what would this point add?" (its
//! exclusive hypervolume against the front) and accept insertions. They drive the sweeps along
//! the last objective that compute the hypervolume in four and more objectives.

use super::exact::{hv_inside, hv_inside_sorted_last};

/// A front in `dim` objectives, all points strictly inside the reference box.
pub(crate) enum Front {
    /// Three objectives: O(n) contribution queries (see [`Front3`]).
    Three(Front3),
    /// Four to 64 objectives: contributions through limited sets (see [`FrontN`]).
    Many(Box<FrontN>),
    /// More than 64 objectives: limited sets without the bit-mask prefilter.
    Wide(FrontWide),
}

/// The most objectives [`FrontN`] handles (one bit per objective in a `u64`).
pub(crate) const MAX_MASKED: usize = 64;

impl Front {
    /// An empty front for points of `reference.len()` objectives (at least 3).
    pub(crate) fn new(reference: &[f64]) -> Self {
        match reference.len() {
            3 => Self::Three(Front3::new([reference[0], reference[1], reference[2]])),
            4..=MAX_MASKED => Self::Many(Box::new(FrontN::new(reference))),
            _ => Self::Wide(FrontWide::new(reference)),
        }
    }

    /// The volume that `p` adds to the front, or `None` when a point of the front weakly
    /// dominates `p` (it then adds nothing).
    pub(crate) fn contribution(&mut self, p: &[f64]) -> Option<f64> {
        match self {
            Self::Three(f) => f.contribution([p[0], p[1], p[2]]),
            Self::Many(f) => f.contribution(p),
            Self::Wide(f) => f.contribution(p),
        }
    }

    /// Adds `p`, which no point of the front weakly dominates, and drops the points it weakly
    /// dominates.
    pub(crate) fn insert(&mut self, p: &[f64]) {
        match self {
            Self::Three(f) => f.insert([p[0], p[1], p[2]]),
            Self::Many(f) => f.insert(p),
            Self::Wide(f) => f.insert(p),
        }
    }

    /// [`Front::contribution`] followed, unless `p` is dominated, by [`Front::insert`].
    pub(crate) fn add(&mut self, p: &[f64]) -> Option<f64> {
        match self {
            Self::Many(f) => {
                let c = f.contribution(p)?;
                f.insert_after_contribution(p);
                Some(c)
            }
            _ => {
                let c = self.contribution(p)?;
                self.insert(p);
                Some(c)
            }
        }
    }

    /// Adds `p` unless a point of the front weakly dominates it; returns whether it was added.
    pub(crate) fn try_insert(&mut self, p: &[f64]) -> bool {
        let dominated = match self {
            Self::Three(f) => f.covers([p[0], p[1], p[2]]),
            Self::Many(f) => f.covers(p),
            Self::Wide(f) => f.covers(p),
        };
        if !dominated {
            self.insert(p);
        }
        !dominated
    }
}

/// A 3-D front sorted by `z` (structure of arrays).
///
/// A contribution query is the one-contribution problem of Guerreiro and Fonseca ("Computing and
/// updating hypervolume contributions in up to four dimensions", IEEE TEVC 22(3), 2018), solved
/// in O(n) plus a sort of the few points that shape the answer: branch-free passes over the
/// points below `p` in `z` build the region that `p` adds at its own height (the part of
/// `[p, r]` in the `xy`-plane that they leave uncovered, a staircase), then a pass up the `z`
/// order cuts that region with the points above `p`, adding `area × Δz` on the way, until a
/// point covers `p` in `xy`.
pub(crate) struct Front3 {
    r: [f64; 3],
    x: Vec<f64>,
    y: Vec<f64>,
    z: Vec<f64>,
    // scratch: the points that shape the region, then its steps (u, h), u increasing and h
    // decreasing
    cand: Vec<(f64, f64)>,
    steps: Vec<(f64, f64)>,
}

impl Front3 {
    pub(crate) fn new(r: [f64; 3]) -> Self {
        Self {
            r,
            x: Vec::new(),
            y: Vec::new(),
            z: Vec::new(),
            cand: Vec::new(),
            steps: Vec::new(),
        }
    }

    pub(crate) fn contribution(&mut self, p: [f64; 3]) -> Option<f64> {
        let [px, py, pz] = p;
        let [rx, ry, rz] = self.r;
        let n = self.z.len();
        let below = count_le(&self.z, pz);
        let (xs, ys) = (&self.x[..below], &self.y[..below]);

        // Below p: h0 is the lowest point left of p (it bounds the region's height at px;
        // h0 ≤ py means p is weakly dominated); x_end is the leftmost point right of p and
        // not above it (it ends the region).
        let (h0, x_end) = bounds_below(xs, ys, px, py, rx, ry);
        if h0 <= py {
            return None;
        }
        let mut x_end = x_end;
        // The points strictly inside the rectangle cut its top-right part into steps.
        self.cand.clear();
        inside_rectangle(xs, ys, [px, py, x_end, h0], &mut self.cand);
        self.cand
            .sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let steps = &mut self.steps;
        steps.clear();
        steps.push((px, h0));
        let mut h = h0;
        for &(x, y) in &self.cand {
            if y < h {
                h = y;
                steps.push((x, y));
            }
        }
        let mut area = 0.0;
        for k in 0..steps.len() {
            let end = steps.get(k + 1).map_or(x_end, |s| s.0);
            area += (end - steps[k].0) * (steps[k].1 - py);
        }

        // Sweep up in z.
        let mut volume = 0.0;
        let mut last_z = pz;
        for j in below..n {
            let (qx, qy) = (self.x[j], self.y[j]);
            if qx >= x_end || qy >= steps[0].1 {
                continue;
            }
            let (ux, uy) = (qx.max(px), qy.max(py));
            let k = steps.iter().take_while(|s| s.0 <= ux).count() - 1;
            if steps[k].1 <= uy {
                continue;
            }
            let qz = self.z[j];
            volume += area * (qz - last_z);
            last_z = qz;
            if qx <= px && qy <= py {
                return Some(volume);
            }
            let mut t = k;
            while t + 1 < steps.len() && steps[t + 1].1 > uy {
                t += 1;
            }
            for i in k..=t {
                let end = steps.get(i + 1).map_or(x_end, |s| s.0);
                area -= (end - steps[i].0.max(ux)) * (steps[i].1 - uy);
            }
            let keep = if steps[k].0 < ux { k + 1 } else { k };
            if qy > py {
                steps.splice(keep..=t, std::iter::once((ux, uy)));
            } else {
                // q cuts the region's right end (t is the last step).
                x_end = ux;
                steps.truncate(keep);
            }
        }
        Some(volume + area * (rz - last_z))
    }

    /// Empties the front, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.x.clear();
        self.y.clear();
        self.z.clear();
    }

    fn covers(&self, p: [f64; 3]) -> bool {
        let [px, py, pz] = p;
        let below = self.z.partition_point(|&z| z <= pz);
        self.x[..below]
            .iter()
            .zip(&self.y[..below])
            .any(|(&x, &y)| x <= px && y <= py)
    }

    pub(crate) fn insert(&mut self, p: [f64; 3]) {
        let [px, py, pz] = p;
        // Points weakly dominated by p lie at or above pz; look before writing anything.
        let from = self.z.partition_point(|&z| z < pz);
        let dominated = |x: f64, y: f64| (px <= x) & (py <= y);
        if let Some(first) = first_covered(&self.x[from..], &self.y[from..], px, py) {
            let first = from + first;
            // Branch-free compaction: always copy, advance only past survivors.
            let mut w = first;
            for j in first + 1..self.z.len() {
                let (x, y, z) = (self.x[j], self.y[j], self.z[j]);
                self.x[w] = x;
                self.y[w] = y;
                self.z[w] = z;
                w += usize::from(!dominated(x, y));
            }
            self.x.truncate(w);
            self.y.truncate(w);
            self.z.truncate(w);
        }
        self.x.insert(from, px);
        self.y.insert(from, py);
        self.z.insert(from, pz);
    }
}

/// A front in four or more objectives, stored by column.
///
/// The contribution of `p` is `vol([p, r]) − HV(L)`, where `L` is the limited set
/// `{max(q, p) : q in the front}` (While, Bradstreet and Barone, "A fast way of calculating
/// exact hypervolumes", IEEE TEVC 16(1), 2012). Most limited points are dominated; a linear
/// prefilter removes those that a point worse than `p` in a single objective dominates before
/// the exact computation.
pub(crate) struct FrontN {
    r: Vec<f64>,
    /// One column per objective, rows sorted by the last objective.
    cols: Vec<Vec<f64>>,
    /// For a front built by [`FrontN::from_points`]: the input index of every row.
    order: Vec<usize>,
    // scratch
    worse: Vec<u64>,
    not_better: Vec<u64>,
    covered: Vec<u64>,
    best: Vec<f64>,
    survivors: Vec<usize>,
    pairs: Vec<Vec<(f64, f64)>>,
    limited: Vec<f64>,
    inner: Option<Front3>,
}

/// Fronts of at most this many objectives also use the pair prefilter of
/// [`FrontN::filter_by_pairs`] (it checks every pair of objectives).
const MAX_PAIR_FILTER: usize = 8;

impl FrontN {
    fn new(r: &[f64]) -> Self {
        Self {
            r: r.to_vec(),
            cols: vec![Vec::new(); r.len()],
            order: Vec::new(),
            worse: Vec::new(),
            not_better: Vec::new(),
            covered: Vec::new(),
            best: Vec::new(),
            survivors: Vec::new(),
            pairs: Vec::new(),
            limited: Vec::new(),
            inner: None,
        }
    }

    fn len(&self) -> usize {
        self.cols[0].len()
    }

    /// A front holding the rows of `pts` (`r.len()` values each), which must be mutually
    /// non-dominated.
    pub(crate) fn from_points(pts: &[f64], r: &[f64]) -> Self {
        let d = r.len();
        let mut order: Vec<usize> = (0..pts.len() / d).collect();
        order.sort_by(|&i, &j| pts[i * d + d - 1].total_cmp(&pts[j * d + d - 1]));
        let mut front = Self::new(r);
        for &i in &order {
            for (col, &v) in front.cols.iter_mut().zip(&pts[i * d..(i + 1) * d]) {
                col.push(v);
            }
        }
        front.order = order;
        front
    }

    /// The contribution of every point given to [`FrontN::from_points`] against the others, in
    /// the order given.
    pub(crate) fn exclusive_all(&mut self) -> Vec<f64> {
        let mut out = vec![0.0; self.len()];
        for k in 0..self.len() {
            let p: Vec<f64> = self.cols.iter().map(|col| col[k]).collect();
            out[self.order[k]] = self.contribution_skipping(&p, Some(k)).unwrap_or(0.0);
        }
        out
    }

    fn contribution(&mut self, p: &[f64]) -> Option<f64> {
        self.contribution_skipping(p, None)
    }

    fn contribution_skipping(&mut self, p: &[f64], skip: Option<usize>) -> Option<f64> {
        let (d, n) = (self.r.len(), self.len());
        // worse[i]: bit j set when point i is worse than p in objective j; not_better[i]: when
        // it is not better (for the insertion of p that may follow).
        self.worse.clear();
        self.worse.resize(n, 0);
        self.not_better.clear();
        self.not_better.resize(n, 0);
        for (j, col) in self.cols.iter().enumerate() {
            let pj = p[j];
            for ((w, nb), &v) in self.worse.iter_mut().zip(&mut self.not_better).zip(col) {
                *w |= u64::from(v > pj) << j;
                *nb |= u64::from(v >= pj) << j;
            }
        }
        if let Some(i) = skip {
            // Neither a dominator nor a one-off point; left out of the limited set below.
            self.worse[i] = u64::MAX;
        }
        // A point worse than p in a single objective j limits to p with its own value at j;
        // best[j] is the best such value. It dominates every limited point whose value at j
        // (worse than p there) is at least best[j].
        self.best.clear();
        self.best.resize(d, f64::INFINITY);
        for (i, &w) in self.worse.iter().enumerate() {
            if w == 0 {
                return None;
            }
            if w.is_power_of_two() {
                let j = w.trailing_zeros() as usize;
                self.best[j] = self.best[j].min(self.cols[j][i]);
            }
        }
        self.covered.clear();
        self.covered.resize(n, 0);
        for (j, col) in self.cols.iter().enumerate() {
            let bj = self.best[j];
            for (c, &v) in self.covered.iter_mut().zip(col) {
                *c |= u64::from(bj <= v) << j;
            }
        }
        self.survivors.clear();
        for (i, (&w, &c)) in self.worse.iter().zip(&self.covered).enumerate() {
            let keep = if w.is_power_of_two() {
                // Worse in a single objective j: covered only by a strictly better one.
                let j = w.trailing_zeros() as usize;
                self.cols[j][i] <= self.best[j]
            } else {
                c & w == 0
            };
            if keep && skip != Some(i) {
                self.survivors.push(i);
            }
        }
        if d <= MAX_PAIR_FILTER {
            self.filter_by_pairs();
        }
        self.limited.clear();
        for &i in &self.survivors {
            self.limited
                .extend(self.cols.iter().zip(p).map(|(col, &b)| col[i].max(b)));
        }
        // The rows are sorted by the last objective, and so is the limited set.
        let boxed: f64 = p.iter().zip(&self.r).map(|(a, b)| b - a).product();
        let hv = if d == 4 {
            let inner = self
                .inner
                .get_or_insert_with(|| Front3::new([self.r[0], self.r[1], self.r[2]]));
            inner.clear();
            sweep_4d(inner, self.limited.chunks_exact(4), self.r[3])
        } else {
            hv_inside_sorted_last(&self.limited, d, &self.r)
        };
        Some(boxed - hv)
    }

    /// The second prefilter: a point worse than `p` in exactly two objectives `j, k` limits to
    /// `p` with its own values at `j` and `k`, and dominates every limited point worse in both
    /// `j` and `k` (and perhaps more) with values at least as large there. Keeps the survivors
    /// that no such point dominates (copies of one limited point are all kept).
    fn filter_by_pairs(&mut self) {
        let d = self.r.len();
        for stairs in &mut self.pairs {
            stairs.clear();
        }
        self.pairs.resize(d * d, Vec::new());
        let mut any_pair = false;
        for &i in &self.survivors {
            let w = self.worse[i];
            if w.count_ones() == 2 {
                any_pair = true;
                let (j, k) = (w.trailing_zeros() as usize, 63 - w.leading_zeros() as usize);
                self.pairs[j * d + k].push((self.cols[j][i], self.cols[k][i]));
            }
        }
        if !any_pair {
            return;
        }
        for stairs in &mut self.pairs {
            if stairs.len() > 1 {
                // Keep the prefix minima: x ascending, y strictly descending.
                stairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
                let mut kept = 0;
                for t in 0..stairs.len() {
                    if kept == 0 || stairs[t].1 < stairs[kept - 1].1 {
                        stairs[kept] = stairs[t];
                        kept += 1;
                    }
                }
                stairs.truncate(kept);
            }
        }
        let (pairs, cols, worse) = (&self.pairs, &self.cols, &self.worse);
        self.survivors.retain(|&i| {
            let w = worse[i];
            let mut rest = w;
            while rest != 0 {
                let j = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                let mut others = rest;
                while others != 0 {
                    let k = others.trailing_zeros() as usize;
                    others &= others - 1;
                    let stairs = &pairs[j * d + k];
                    let (qx, qy) = (cols[j][i], cols[k][i]);
                    // Quick rejections: nothing left of qx, or nothing below qy.
                    match (stairs.first(), stairs.last()) {
                        (Some(first), Some(last)) if first.0 <= qx && last.1 <= qy => {}
                        _ => continue,
                    }
                    let at = stairs.partition_point(|s| s.0 <= qx);
                    let (sx, sy) = stairs[at - 1];
                    let dominated = if w.count_ones() == 2 {
                        // Same pair: strictly better somewhere.
                        sy < qy || (sy == qy && sx < qx)
                    } else {
                        sy <= qy
                    };
                    if dominated {
                        return false;
                    }
                }
            }
            true
        });
    }

    fn covers(&self, p: &[f64]) -> bool {
        (0..self.len()).any(|i| self.cols.iter().zip(p).all(|(col, &b)| col[i] <= b))
    }

    fn insert(&mut self, p: &[f64]) {
        let n = self.len();
        self.not_better.clear();
        self.not_better.resize(n, 0);
        for (j, col) in self.cols.iter().enumerate() {
            let pj = p[j];
            for (nb, &v) in self.not_better.iter_mut().zip(col) {
                *nb |= u64::from(v >= pj) << j;
            }
        }
        self.insert_after_contribution(p);
    }

    /// [`FrontN::insert`] right after [`FrontN::contribution`] for the same `p`, whose
    /// `not_better` masks it reuses.
    fn insert_after_contribution(&mut self, p: &[f64]) {
        let n = self.len();
        // p weakly dominates point i when point i is not better in any objective.
        let all = u64::MAX >> (64 - self.r.len());
        if let Some(first) = self.not_better.iter().position(|&w| w == all) {
            for col in &mut self.cols {
                let mut k = first;
                for i in first + 1..n {
                    col[k] = col[i];
                    k += usize::from(self.not_better[i] != all);
                }
                col.truncate(k);
            }
        }
        let at = self.cols[self.r.len() - 1].partition_point(|&v| v <= p[self.r.len() - 1]);
        for (col, &v) in self.cols.iter_mut().zip(p) {
            col.insert(at, v);
        }
    }
}

/// A front in more than 64 objectives, row-major; contributions through the whole limited set.
pub(crate) struct FrontWide {
    r: Vec<f64>,
    pts: Vec<f64>,
    limited: Vec<f64>,
}

impl FrontWide {
    fn new(r: &[f64]) -> Self {
        Self {
            r: r.to_vec(),
            pts: Vec::new(),
            limited: Vec::new(),
        }
    }

    fn contribution(&mut self, p: &[f64]) -> Option<f64> {
        let d = self.r.len();
        if self.covers(p) {
            return None;
        }
        self.limited.clear();
        for q in self.pts.chunks_exact(d) {
            self.limited
                .extend(q.iter().zip(p).map(|(&a, &b)| a.max(b)));
        }
        let boxed: f64 = p.iter().zip(&self.r).map(|(a, b)| b - a).product();
        Some(boxed - hv_inside(&self.limited, d, &self.r))
    }

    fn covers(&self, p: &[f64]) -> bool {
        self.pts
            .chunks_exact(self.r.len())
            .any(|q| q.iter().zip(p).all(|(a, b)| a <= b))
    }

    fn insert(&mut self, p: &[f64]) {
        let d = self.r.len();
        let mut w = 0;
        for j in 0..self.pts.len() / d {
            let dominated = (0..d).all(|c| p[c] <= self.pts[j * d + c]);
            if !dominated {
                self.pts.copy_within(j * d..(j + 1) * d, w * d);
                w += 1;
            }
        }
        self.pts.truncate(w * d);
        self.pts.extend_from_slice(p);
    }
}

/// The 4-D hypervolume of `points` (sorted by their 4th objective, all inside the reference
/// box) by the sweep of HV4D+: `front` must be empty and hold the first three reference
/// values; `r3` is the fourth.
pub(crate) fn sweep_4d<'a>(
    front: &mut Front3,
    points: impl Iterator<Item = &'a [f64]> + Clone,
    r3: f64,
) -> f64 {
    let (mut volume, mut hv) = (0.0, 0.0);
    let mut ahead = points.clone().skip(1);
    for p in points {
        let q = [p[0], p[1], p[2]];
        if let Some(c) = front.contribution(q) {
            volume += c;
            front.insert(q);
        }
        let next = ahead.next().map_or(r3, |n| n[3]);
        hv += volume * (next - p[3]);
    }
    hv
}

/// The number of values `≤ v` in the ascending `sorted`.
#[inline]
fn count_le(sorted: &[f64], v: f64) -> usize {
    if sorted.len() <= 32 {
        // Branch-free: cheaper than a binary search on short fronts.
        sorted.iter().map(|&z| usize::from(z <= v)).sum()
    } else {
        sorted.partition_point(|&z| z <= v)
    }
}

/// Lanes of the branch-free scans below (they vectorise).
const LANES: usize = 8;

/// `(min{y : x ≤ px} ∪ {ry}, min{x : x > px, y ≤ py} ∪ {rx})` over the points `(xs, ys)`.
#[inline]
fn bounds_below(xs: &[f64], ys: &[f64], px: f64, py: f64, rx: f64, ry: f64) -> (f64, f64) {
    let mut h = [ry; LANES];
    let mut e = [rx; LANES];
    let (cx, cy) = (xs.chunks_exact(LANES), ys.chunks_exact(LANES));
    let (tail_x, tail_y) = (cx.remainder(), cy.remainder());
    for (bx, by) in cx.zip(cy) {
        for l in 0..LANES {
            let (x, y) = (bx[l], by[l]);
            let hy = if x <= px { y } else { f64::INFINITY };
            h[l] = if hy < h[l] { hy } else { h[l] };
            let ex = if (x > px) & (y <= py) {
                x
            } else {
                f64::INFINITY
            };
            e[l] = if ex < e[l] { ex } else { e[l] };
        }
    }
    let mut h0 = h.iter().copied().fold(ry, f64::min);
    let mut x_end = e.iter().copied().fold(rx, f64::min);
    for (&x, &y) in tail_x.iter().zip(tail_y) {
        if x <= px {
            h0 = h0.min(y);
        } else if y <= py {
            x_end = x_end.min(x);
        }
    }
    (h0, x_end)
}

/// Appends the points strictly inside the rectangle `(x0, y0)–(x1, y1)` (`rect = [x0, y0, x1,
/// y1]`) to `out`.
#[inline]
fn inside_rectangle(xs: &[f64], ys: &[f64], rect: [f64; 4], out: &mut Vec<(f64, f64)>) {
    let [x0, y0, x1, y1] = rect;
    let inside = |x: f64, y: f64| (x > x0) & (x < x1) & (y > y0) & (y < y1);
    let (cx, cy) = (xs.chunks_exact(LANES), ys.chunks_exact(LANES));
    let (tail_x, tail_y) = (cx.remainder(), cy.remainder());
    for (bx, by) in cx.zip(cy) {
        let mut any = false;
        for l in 0..LANES {
            any |= inside(bx[l], by[l]);
        }
        if any {
            for l in 0..LANES {
                if inside(bx[l], by[l]) {
                    out.push((bx[l], by[l]));
                }
            }
        }
    }
    for (&x, &y) in tail_x.iter().zip(tail_y) {
        if inside(x, y) {
            out.push((x, y));
        }
    }
}

/// The first index with `x ≥ px` and `y ≥ py`.
#[inline]
fn first_covered(xs: &[f64], ys: &[f64], px: f64, py: f64) -> Option<usize> {
    let covered = |x: f64, y: f64| (px <= x) & (py <= y);
    let (cx, cy) = (xs.chunks_exact(LANES), ys.chunks_exact(LANES));
    let tail = cx.len() * LANES;
    for (c, (bx, by)) in cx.zip(cy).enumerate() {
        let mut any = false;
        for l in 0..LANES {
            any |= covered(bx[l], by[l]);
        }
        if any {
            return (0..LANES)
                .find(|&l| covered(bx[l], by[l]))
                .map(|l| c * LANES + l);
        }
    }
    (tail..xs.len()).find(|&j| covered(xs[j], ys[j]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefilters of `FrontN` against `FrontWide` (whole limited set), on grids with many
    /// ties and with continuous values.
    #[test]
    fn prefilters_do_not_change_contributions() {
        let mut state = 99u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for d in 4..=6 {
            for trial in 0..12 {
                let grid = [0.0, 0.125, 0.25][trial % 3];
                let r = vec![1.0; d];
                let mut fast = FrontN::new(&r);
                let mut slow = FrontWide::new(&r);
                for _ in 0..40 {
                    let p: Vec<f64> = (0..d)
                        .map(|_| {
                            let v = 0.999 * next();
                            if grid > 0.0 {
                                (v / grid).floor() * grid
                            } else {
                                v
                            }
                        })
                        .collect();
                    let (a, b) = (fast.contribution(&p), slow.contribution(&p));
                    match (a, b) {
                        (Some(a), Some(b)) => {
                            assert!((a - b).abs() <= 1e-12, "d={d}: {a} vs {b}")
                        }
                        (None, None) => {}
                        _ => panic!("d={d}: {a:?} vs {b:?}"),
                    }
                    assert_eq!(fast.try_insert_here(&p), slow.try_insert_here(&p));
                }
            }
        }
    }

    impl FrontN {
        fn try_insert_here(&mut self, p: &[f64]) -> bool {
            let ok = !self.covers(p);
            if ok {
                self.insert(p);
            }
            ok
        }
    }

    impl FrontWide {
        fn try_insert_here(&mut self, p: &[f64]) -> bool {
            let ok = !self.covers(p);
            if ok {
                self.insert(p);
            }
            ok
        }
    }
}
