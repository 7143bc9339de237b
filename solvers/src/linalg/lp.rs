//! A small dense linear-programming solver (two-phase simplex with Bland's rule), used by EPO
//! and PMGDA.

#![allow(clippy::needless_range_loop)]

/// How an LP ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LpStatus {
    Optimal,
    Infeasible,
    Unbounded,
    IterationLimit,
}

/// The result of [`LinearProgram::maximize`].
#[derive(Clone, Debug)]
pub(crate) struct LpSolution {
    pub status: LpStatus,
    /// The optimal point (zeros unless `status` is `Optimal`).
    pub x: Vec<f64>,
    /// Simplex pivots over both phases.
    pub iters: usize,
}

/// `max cᵀx` s.t. `a_i x ≤ b_i` / `a_i x ≥ b_i` / `a_i x = b_i`, `x ≥ 0`, for small dense
/// problems: two-phase tableau simplex with Bland's rule (no cycling, finite). Each
/// constraint row and the objective are scaled by their largest coefficient first, so the
/// fixed tolerances are relative.
#[derive(Clone, Debug)]
pub(crate) struct LinearProgram {
    n: usize,
    pub objective: Vec<f64>,
    rows: Vec<(Vec<f64>, Sense, f64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sense {
    Le,
    Ge,
    Eq,
}

const PIVOT_TOL: f64 = 1e-11;
const COST_TOL: f64 = 1e-11;
const FEAS_TOL: f64 = 1e-9;

impl LinearProgram {
    /// `n` non-negative variables, zero objective, no constraints.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            objective: vec![0.0; n],
            rows: Vec::new(),
        }
    }

    /// `aᵀx ≤ b`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn add_le(&mut self, a: Vec<f64>, b: f64) {
        self.rows.push((a, Sense::Le, b));
    }

    /// `aᵀx ≥ b`.
    pub fn add_ge(&mut self, a: Vec<f64>, b: f64) {
        self.rows.push((a, Sense::Ge, b));
    }

    /// `aᵀx = b`.
    pub fn add_eq(&mut self, a: Vec<f64>, b: f64) {
        self.rows.push((a, Sense::Eq, b));
    }

    /// Solves the program.
    pub fn maximize(&self) -> LpSolution {
        let n = self.n;
        // Normalise rows to `≤`/`=` with b ≥ 0, scaled by their largest coefficient.
        let mut rows: Vec<(Vec<f64>, Sense, f64)> = Vec::with_capacity(self.rows.len());
        for (a, sense, b) in &self.rows {
            let scale = a.iter().fold(0.0_f64, |s, v| s.max(v.abs()));
            if scale == 0.0 {
                let ok = match sense {
                    Sense::Le => *b >= -FEAS_TOL,
                    Sense::Ge => *b <= FEAS_TOL,
                    Sense::Eq => b.abs() <= FEAS_TOL,
                };
                if !ok {
                    return self.failed(LpStatus::Infeasible, 0);
                }
                continue;
            }
            let mut a: Vec<f64> = a.iter().map(|v| v / scale).collect();
            let mut b = b / scale;
            let mut sense = *sense;
            if b < 0.0 {
                a.iter_mut().for_each(|v| *v = -*v);
                b = -b;
                sense = match sense {
                    Sense::Le => Sense::Ge,
                    Sense::Ge => Sense::Le,
                    Sense::Eq => Sense::Eq,
                };
            }
            rows.push((a, sense, b));
        }
        let n_rows = rows.len();
        let n_slack = rows.iter().filter(|r| r.1 != Sense::Eq).count();
        let n_art = rows.iter().filter(|r| r.1 != Sense::Le).count();
        let n_cols = n + n_slack + n_art;
        let rhs = n_cols;
        let mut t = vec![vec![0.0; n_cols + 1]; n_rows];
        let mut basis = vec![0usize; n_rows];
        let (mut next_slack, mut next_art) = (n, n + n_slack);
        for (r, (a, sense, b)) in rows.iter().enumerate() {
            t[r][..n].copy_from_slice(a);
            t[r][rhs] = *b;
            match sense {
                Sense::Le => {
                    t[r][next_slack] = 1.0;
                    basis[r] = next_slack;
                    next_slack += 1;
                }
                Sense::Ge => {
                    t[r][next_slack] = -1.0;
                    next_slack += 1;
                    t[r][next_art] = 1.0;
                    basis[r] = next_art;
                    next_art += 1;
                }
                Sense::Eq => {
                    t[r][next_art] = 1.0;
                    basis[r] = next_art;
                    next_art += 1;
                }
            }
        }
        let first_art = n + n_slack;
        let max_iters = 50 * (n_cols + n_rows + 10);
        let mut iters = 0;

        // Phase 1: maximise −Σ artificials.
        if n_art > 0 {
            let cost: Vec<f64> = (0..n_cols)
                .map(|j| if j >= first_art { -1.0 } else { 0.0 })
                .collect();
            match run_simplex(&mut t, &mut basis, &cost, n_cols, &mut iters, max_iters) {
                LpStatus::Optimal => {}
                LpStatus::IterationLimit => return self.failed(LpStatus::IterationLimit, iters),
                // Phase 1 is bounded by 0; anything else is a numerical failure.
                _ => return self.failed(LpStatus::Infeasible, iters),
            }
            let infeasibility: f64 = (0..t.len())
                .filter(|&r| basis[r] >= first_art)
                .map(|r| t[r][rhs])
                .sum();
            if infeasibility > FEAS_TOL {
                return self.failed(LpStatus::Infeasible, iters);
            }
            // Drive the remaining (zero-valued) artificials out of the basis.
            let mut r = 0;
            while r < t.len() {
                if basis[r] >= first_art {
                    if let Some(j) = (0..first_art).find(|&j| t[r][j].abs() > PIVOT_TOL) {
                        pivot(&mut t, &mut basis, r, j);
                        iters += 1;
                    } else {
                        // A redundant row.
                        t.remove(r);
                        basis.remove(r);
                        continue;
                    }
                }
                r += 1;
            }
            // Forbid artificials from re-entering.
            for row in t.iter_mut() {
                for v in &mut row[first_art..n_cols] {
                    *v = 0.0;
                }
            }
        }

        // Phase 2.
        let scale = self.objective.iter().fold(0.0_f64, |s, v| s.max(v.abs()));
        let cost: Vec<f64> = (0..n_cols)
            .map(|j| {
                if j < n && scale > 0.0 {
                    self.objective[j] / scale
                } else {
                    0.0
                }
            })
            .collect();
        let status = run_simplex(&mut t, &mut basis, &cost, first_art, &mut iters, max_iters);
        if status != LpStatus::Optimal {
            return self.failed(status, iters);
        }
        let mut x = vec![0.0; n];
        for (r, &b) in basis.iter().enumerate() {
            if b < n {
                x[b] = t[r][rhs].max(0.0);
            }
        }
        LpSolution {
            status: LpStatus::Optimal,
            x,
            iters,
        }
    }

    fn failed(&self, status: LpStatus, iters: usize) -> LpSolution {
        LpSolution {
            status,
            x: vec![0.0; self.n],
            iters,
        }
    }
}

/// Primal simplex on the tableau `t` (last column = rhs) maximising `costᵀx` over the columns
/// `0..n_enter`, Bland's rule.
fn run_simplex(
    t: &mut [Vec<f64>],
    basis: &mut [usize],
    cost: &[f64],
    n_enter: usize,
    iters: &mut usize,
    max_iters: usize,
) -> LpStatus {
    let rhs = t.first().map_or(0, |r| r.len() - 1);
    loop {
        // Reduced costs d_j = c_j − c_Bᵀ T_j.
        let entering = (0..n_enter).find(|&j| {
            if basis.contains(&j) {
                return false;
            }
            let d = cost[j]
                - t.iter()
                    .zip(basis.iter())
                    .map(|(row, &b)| cost[b] * row[j])
                    .sum::<f64>();
            d > COST_TOL
        });
        let Some(e) = entering else {
            return LpStatus::Optimal;
        };
        let mut leave: Option<(usize, f64)> = None;
        for (r, row) in t.iter().enumerate() {
            if row[e] > PIVOT_TOL {
                let ratio = row[rhs] / row[e];
                leave = match leave {
                    None => Some((r, ratio)),
                    Some((lr, lratio)) => {
                        if ratio < lratio - 1e-12
                            || (ratio <= lratio + 1e-12 && basis[r] < basis[lr])
                        {
                            Some((r, ratio))
                        } else {
                            Some((lr, lratio))
                        }
                    }
                };
            }
        }
        let Some((r, _)) = leave else {
            return LpStatus::Unbounded;
        };
        pivot(t, basis, r, e);
        *iters += 1;
        if *iters > max_iters {
            return LpStatus::IterationLimit;
        }
    }
}

fn pivot(t: &mut [Vec<f64>], basis: &mut [usize], r: usize, e: usize) {
    let p = t[r][e];
    t[r].iter_mut().for_each(|v| *v /= p);
    let pivot_row = t[r].clone();
    for (i, row) in t.iter_mut().enumerate() {
        if i != r {
            let f = row[e];
            if f != 0.0 {
                for (v, pv) in row.iter_mut().zip(&pivot_row) {
                    *v -= f * pv;
                }
                row[e] = 0.0;
            }
        }
    }
    basis[r] = e;
}
