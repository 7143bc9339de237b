//! The 2-D staircase of the 3-D sweeps: the non-dominated `(x, y)` points seen so far, with
//! `x` replaced by its rank so that a [`RankSet`] gives neighbours in O(log₆₄ n).

use super::rankset::RankSet;

/// Ranks of `n` points by `(x, y)` ascending: `rank[i]` for point `i`, and `x` by rank.
pub(crate) fn ranks_by_xy(n: usize, xy: impl Fn(usize) -> (f64, f64)) -> (Vec<usize>, Vec<f64>) {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&i, &j| {
        let (a, b) = (xy(i), xy(j));
        a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
    });
    let mut rank = vec![0; n];
    let mut x_by_rank = Vec::with_capacity(n);
    for (k, &i) in order.iter().enumerate() {
        rank[i] = k;
        x_by_rank.push(xy(i).0);
    }
    (rank, x_by_rank)
}

/// A staircase of mutually non-dominated 2-D points inside the box `[−∞, rx) × [−∞, ry)`:
/// sorted by `x` (rank) ascending, `y` strictly descending.
pub(crate) struct Stairs {
    set: RankSet,
    x: Vec<f64>,
    y: Vec<f64>,
    rx: f64,
    ry: f64,
}

impl Stairs {
    /// An empty staircase over points whose `x` by rank is `x_by_rank`.
    pub(crate) fn new(x_by_rank: Vec<f64>, rx: f64, ry: f64) -> Self {
        let n = x_by_rank.len();
        Self {
            set: RankSet::new(n),
            x: x_by_rank,
            y: vec![0.0; n],
            rx,
            ry,
        }
    }

    /// The area that the point of rank `k` with height `y` would add (0 when the staircase
    /// weakly dominates it). Does not change the staircase.
    pub(crate) fn added(&self, k: usize, y: f64) -> f64 {
        let mut h = match self.set.pred(k) {
            Some(j) if self.y[j] <= y => return 0.0,
            Some(j) => self.y[j],
            None => self.ry,
        };
        let mut cur = self.x[k];
        let mut added = 0.0;
        let mut from = k;
        loop {
            match self.set.succ(from) {
                Some(j) => {
                    added += (self.x[j] - cur) * (h - y);
                    if self.y[j] < y {
                        return added;
                    }
                    h = self.y[j];
                    cur = self.x[j];
                    from = j + 1;
                }
                None => return added + (self.rx - cur) * (h - y),
            }
        }
    }

    /// Inserts the point of rank `k` with height `y`, removes the points it weakly dominates and
    /// returns the area it adds (0, and no change, when the staircase weakly dominates it).
    pub(crate) fn insert(&mut self, k: usize, y: f64) -> f64 {
        let mut h = match self.set.pred(k) {
            Some(j) if self.y[j] <= y => return 0.0,
            Some(j) => self.y[j],
            None => self.ry,
        };
        let mut cur = self.x[k];
        let mut added = 0.0;
        loop {
            match self.set.succ(k) {
                Some(j) => {
                    added += (self.x[j] - cur) * (h - y);
                    if self.y[j] < y {
                        break;
                    }
                    h = self.y[j];
                    cur = self.x[j];
                    self.set.remove(j);
                }
                None => {
                    added += (self.rx - cur) * (h - y);
                    break;
                }
            }
        }
        self.set.insert(k);
        self.y[k] = y;
        added
    }
}
