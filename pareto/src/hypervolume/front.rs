//! Fronts of mutually non-dominated points that answer "what would this point add?" (its
//! exclusive hypervolume against the front) and accept insertions. They drive the sweeps along
//! the last objective that compute the hypervolume in four and more objectives.

use super::exact::hv_inside;

/// A front in `dim` objectives, all points strictly inside the reference box.
pub(crate) enum Front {
    /// Three objectives: O(n) contribution queries (see [`Front3`]).
    Three(Front3),
    /// Four or more objectives: contributions through limited sets (see [`FrontN`]).
    Many(FrontN),
}

impl Front {
    /// An empty front for points of `reference.len()` objectives (at least 3).
    pub(crate) fn new(reference: &[f64]) -> Self {
        if reference.len() == 3 {
            Self::Three(Front3::new([reference[0], reference[1], reference[2]]))
        } else {
            Self::Many(FrontN::new(reference))
        }
    }

    /// The volume that `p` adds to the front, or `None` when a point of the front weakly
    /// dominates `p` (it then adds nothing).
    pub(crate) fn contribution(&mut self, p: &[f64]) -> Option<f64> {
        match self {
            Self::Three(f) => f.contribution([p[0], p[1], p[2]]),
            Self::Many(f) => f.contribution(p),
        }
    }

    /// Adds `p`, which no point of the front weakly dominates, and drops the points it weakly
    /// dominates.
    pub(crate) fn insert(&mut self, p: &[f64]) {
        match self {
            Self::Three(f) => f.insert([p[0], p[1], p[2]]),
            Self::Many(f) => f.insert(p),
        }
    }

    /// Adds `p` unless a point of the front weakly dominates it; returns whether it was added.
    pub(crate) fn try_insert(&mut self, p: &[f64]) -> bool {
        let dominated = match self {
            Self::Three(f) => f.covers([p[0], p[1], p[2]]),
            Self::Many(f) => f.covers(p),
        };
        if !dominated {
            self.insert(p);
        }
        !dominated
    }
}

/// A 3-D front kept twice, sorted by `z` and sorted by `x` (structure of arrays).
///
/// A contribution query is the one-contribution problem of Guerreiro and Fonseca ("Computing and
/// updating hypervolume contributions in up to four dimensions", IEEE TEVC 22(3), 2018), solved
/// in O(n) after the presort: one pass in `x` order builds the region that `p` adds at its own
/// height (the part of `[p, r]` in the `xy`-plane not covered by points below `p` in `z`), then
/// a pass up the `z` order cuts that staircase-shaped region with the points above `p`, adding
/// `area × Δz` on the way, until a point covers `p` in `xy`.
pub(crate) struct Front3 {
    r: [f64; 3],
    // sorted by z
    zx: Vec<f64>,
    zy: Vec<f64>,
    zz: Vec<f64>,
    // sorted by x
    xx: Vec<f64>,
    xy: Vec<f64>,
    xz: Vec<f64>,
    // the region `p` adds: steps (u, h) with u increasing and h decreasing
    steps: Vec<(f64, f64)>,
}

impl Front3 {
    fn new(r: [f64; 3]) -> Self {
        Self {
            r,
            zx: Vec::new(),
            zy: Vec::new(),
            zz: Vec::new(),
            xx: Vec::new(),
            xy: Vec::new(),
            xz: Vec::new(),
            steps: Vec::new(),
        }
    }

    fn contribution(&mut self, p: [f64; 3]) -> Option<f64> {
        let [px, py, pz] = p;
        let [rx, ry, rz] = self.r;
        let n = self.xx.len();
        let steps = &mut self.steps;
        steps.clear();

        // The region at height pz: the points with q.z ≤ pz and q.x ≤ px bound its height at
        // u = px; the first one with q.x > px and q.y ≤ py ends it; the others cut steps.
        let mut j = 0;
        let mut h = ry;
        while j < n && self.xx[j] <= px {
            if self.xz[j] <= pz {
                let qy = self.xy[j];
                if qy <= py {
                    return None;
                }
                h = h.min(qy);
            }
            j += 1;
        }
        steps.push((px, h));
        let mut x_end = rx;
        while j < n {
            if self.xz[j] <= pz {
                let qy = self.xy[j];
                if qy <= py {
                    x_end = self.xx[j];
                    break;
                }
                if qy < h {
                    h = qy;
                    steps.push((self.xx[j], qy));
                }
            }
            j += 1;
        }
        let mut area = 0.0;
        for k in 0..steps.len() {
            let end = steps.get(k + 1).map_or(x_end, |s| s.0);
            area += (end - steps[k].0) * (steps[k].1 - py);
        }

        // Sweep up in z.
        let start = self.zz.partition_point(|&z| z <= pz);
        let mut volume = 0.0;
        let mut last_z = pz;
        for j in start..n {
            let (qx, qy) = (self.zx[j], self.zy[j]);
            if qx >= x_end || qy >= steps[0].1 {
                continue;
            }
            let (ux, uy) = (qx.max(px), qy.max(py));
            let k = steps.partition_point(|s| s.0 <= ux) - 1;
            if steps[k].1 <= uy {
                continue;
            }
            let qz = self.zz[j];
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

    fn covers(&self, p: [f64; 3]) -> bool {
        let [px, py, pz] = p;
        (0..self.xx.len())
            .take_while(|&j| self.xx[j] <= px)
            .any(|j| self.xy[j] <= py && self.xz[j] <= pz)
    }

    fn insert(&mut self, p: [f64; 3]) {
        let [px, py, pz] = p;
        let dominated = |x: f64, y: f64, z: f64| px <= x && py <= y && pz <= z;

        let from = self.zz.partition_point(|&z| z < pz);
        let mut w = from;
        for j in from..self.zz.len() {
            let (x, y, z) = (self.zx[j], self.zy[j], self.zz[j]);
            if !dominated(x, y, z) {
                self.zx[w] = x;
                self.zy[w] = y;
                self.zz[w] = z;
                w += 1;
            }
        }
        self.zx.truncate(w);
        self.zy.truncate(w);
        self.zz.truncate(w);
        let at = self.zz.partition_point(|&z| z < pz);
        self.zx.insert(at, px);
        self.zy.insert(at, py);
        self.zz.insert(at, pz);

        let from = self.xx.partition_point(|&x| x < px);
        let mut w = from;
        for j in from..self.xx.len() {
            let (x, y, z) = (self.xx[j], self.xy[j], self.xz[j]);
            if !dominated(x, y, z) {
                self.xx[w] = x;
                self.xy[w] = y;
                self.xz[w] = z;
                w += 1;
            }
        }
        self.xx.truncate(w);
        self.xy.truncate(w);
        self.xz.truncate(w);
        let at = self.xx.partition_point(|&x| x < px);
        self.xx.insert(at, px);
        self.xy.insert(at, py);
        self.xz.insert(at, pz);
    }
}

/// A front in four or more objectives, stored row-major.
///
/// The contribution of `p` is `vol([p, r]) − HV(L)`, where `L` is the non-dominated part of the
/// limited set `{max(q, p) : q in the front}` (While, Bradstreet and Barone, "A fast way of
/// calculating exact hypervolumes", IEEE TEVC 16(1), 2012): `L` is usually far smaller than the
/// front.
pub(crate) struct FrontN {
    r: Vec<f64>,
    pts: Vec<f64>,
    limited: Vec<f64>,
}

impl FrontN {
    fn new(r: &[f64]) -> Self {
        Self {
            r: r.to_vec(),
            pts: Vec::new(),
            limited: Vec::new(),
        }
    }

    fn contribution(&mut self, p: &[f64]) -> Option<f64> {
        let d = self.r.len();
        self.limited.clear();
        for q in self.pts.chunks_exact(d) {
            if q.iter().zip(p).all(|(a, b)| a <= b) {
                return None;
            }
            self.limited.extend(q.iter().zip(p).map(|(&a, &b)| a.max(b)));
        }
        let n_kept = super::exact::filter_non_dominated(&mut self.limited, d);
        self.limited.truncate(n_kept * d);
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
