//! Exact small QPs over a Gramian: non-negative least squares in Gram form (Lawson–Hanson), and
//! on top of it the projection onto the dual cone (UPGrad, DualProj) and the minimum-norm point of
//! the convex hull of the rows (MGDA).
//!
//! Lawson–Hanson is an active-set method that terminates after finitely many steps with the exact
//! solution (up to rounding in the small linear solves). It keeps the passive columns linearly
//! independent, so it also works when the Gramian is only positive *semi*-definite (duplicate or
//! zero rows, `m > n`), which Goldfarb–Idnani (quadprog) cannot.

use tradeoff_pareto::Matrix;

use super::dense::{GrowingCholesky, dot, mat_vec, max_diag};

/// How an exact inner solve ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolveStats {
    /// Active-set iterations (index additions and removals).
    pub iterations: usize,
    /// Whether the optimality conditions were met before the iteration cap.
    pub converged: bool,
    /// The largest violation of the optimality conditions at the returned point.
    pub residual: f64,
}

impl SolveStats {
    /// Combines the statistics of several solves (iterations add up; the worst residual wins).
    pub fn merge(self, other: SolveStats) -> SolveStats {
        SolveStats {
            iterations: self.iterations + other.iterations,
            converged: self.converged && other.converged,
            residual: self.residual.max(other.residual),
        }
    }
}

impl Default for SolveStats {
    fn default() -> Self {
        Self {
            iterations: 0,
            converged: true,
            residual: 0.0,
        }
    }
}

/// The default iteration cap for an `m`-variable active-set solve (Lawson–Hanson use `3m`).
pub(crate) fn default_max_iter(m: usize) -> usize {
    10 * m + 50
}

/// Solves `min ½ xᵀHx + qᵀx  s.t.  x ≥ 0` for a symmetric positive semi-definite row-major `m × m`
/// matrix `h` with `q` in the range of `H` (as for least squares: `H = AᵀA`, `q = −Aᵀb`).
///
/// Optimality: `x ≥ 0`, `g = Hx + q ≥ −tol`, `g_j = 0` where `x_j > 0`. `tol` is absolute, in the
/// units of `g`.
pub(crate) fn nnls_gram(
    h: &[f64],
    q: &[f64],
    m: usize,
    tol: f64,
    max_iter: usize,
) -> (Vec<f64>, SolveStats) {
    let mut x = vec![0.0; m];
    let mut passive = vec![false; m];
    let mut excluded = vec![false; m];
    let mut chol = GrowingCholesky::new(m, 1e-13);
    let mut grad = q.to_vec();
    let mut iterations = 0;
    let mut converged = false;
    'outer: while iterations < max_iter {
        let candidate = (0..m)
            .filter(|&j| !passive[j] && !excluded[j] && grad[j] < -tol)
            .min_by(|&a, &b| grad[a].total_cmp(&grad[b]));
        let Some(t) = candidate else {
            converged = true;
            break;
        };
        iterations += 1;
        if !chol.push(h, t) {
            // Numerically dependent on the passive columns: its gradient is rounding noise.
            excluded[t] = true;
            continue;
        }
        passive[t] = true;
        let x_before = x.clone();
        let mut first = true;
        loop {
            let idx = chol.indices().to_vec();
            let rhs: Vec<f64> = idx.iter().map(|&j| -q[j]).collect();
            let z = chol.solve(&rhs);
            if first {
                first = false;
                if z[z.len() - 1].is_nan() || z[z.len() - 1] <= 0.0 {
                    // Lawson–Hanson's safeguard: rounding made the entering variable useless.
                    chol.pop();
                    passive[t] = false;
                    excluded[t] = true;
                    continue 'outer;
                }
            }
            if z.iter().all(|&v| v > 0.0) {
                for (k, &j) in idx.iter().enumerate() {
                    x[j] = z[k];
                }
                break;
            }
            // Move from x towards z until the first passive variable hits zero.
            let mut alpha = 1.0;
            let mut blocking = idx[0];
            for (k, &j) in idx.iter().enumerate() {
                if z[k] <= 0.0 {
                    let a = x[j] / (x[j] - z[k]);
                    if a < alpha {
                        alpha = a;
                        blocking = j;
                    }
                }
            }
            for (k, &j) in idx.iter().enumerate() {
                x[j] += alpha * (z[k] - x[j]);
            }
            let mut keep = Vec::with_capacity(idx.len());
            for &j in &idx {
                if j == blocking || x[j] <= 0.0 {
                    x[j] = 0.0;
                    passive[j] = false;
                } else {
                    keep.push(j);
                }
            }
            for j in chol.rebuild(h, &keep) {
                x[j] = 0.0;
                passive[j] = false;
            }
            iterations += 1;
            if iterations >= max_iter {
                break 'outer;
            }
            if chol.indices().is_empty() {
                break;
            }
        }
        excluded.fill(false);
        // g += H (x − x_before): only the (few) changed entries, O(m) each.
        for j in 0..m {
            let dx = x[j] - x_before[j];
            if dx != 0.0 {
                for (g, hj) in grad.iter_mut().zip(&h[j * m..(j + 1) * m]) {
                    *g += dx * hj;
                }
            }
        }
    }
    grad = mat_vec(h, m, &x);
    let mut residual: f64 = 0.0;
    for j in 0..m {
        let g = grad[j] + q[j];
        if passive[j] {
            residual = residual.max(g.abs());
        } else {
            residual = residual.max(-g);
        }
    }
    (
        x,
        SolveStats {
            iterations,
            converged,
            residual,
        },
    )
}

/// Weights `v` of the projection of `Jᵀu` onto the dual cone `{d : Jd ≥ 0}`, given only
/// `G = JJᵀ` (`n_obj × n_obj`): the solution of `min ½ vᵀGv  s.t.  v ≥ u` (Proposition 1 of
/// Quinton & Rey, *Jacobian Descent for Multi-Objective Optimization*, arXiv:2406.16232).
///
/// Exact (Lawson–Hanson on `v = u + x`, `x ≥ 0`); `G` may be singular: the direction `Jᵀv` is
/// unique, `v` is one solution. The residual in the statistics is in units of `G·u`.
pub fn project_to_dual_cone(gramian: &Matrix, u: &[f64]) -> (Vec<f64>, SolveStats) {
    let m = gramian.n_rows();
    project_to_dual_cone_raw(gramian.as_slice(), m, u, default_max_iter(m))
}

pub(crate) fn project_to_dual_cone_raw(
    h: &[f64],
    m: usize,
    u: &[f64],
    max_iter: usize,
) -> (Vec<f64>, SolveStats) {
    let q = mat_vec(h, m, u);
    let u_max = u.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
    let tol = 1e-13 * max_diag(h, m) * u_max;
    let (x, stats) = nnls_gram(h, &q, m, tol, max_iter);
    let v = u.iter().zip(&x).map(|(a, b)| a + b).collect();
    (v, stats)
}

/// Weights `w` on the simplex of the minimum-norm point `Jᵀw` of the convex hull of the rows of
/// `J`, given only `G = JJᵀ` (`n_obj × n_obj`): the solution of `min wᵀGw  s.t.  w ≥ 0, Σw = 1`.
///
/// Exact, through Lawson & Hanson's reduction of least-distance programming to NNLS:
/// `min_{x≥0} ‖[Jᵀ; γ1ᵀ]x − [0; γ]‖²` and `w = x / Σx`. For a zero `G` every `w` is optimal and
/// the uniform one is returned. The residual in the statistics is the optimality gap
/// `max(0, wᵀGw − min_i (Gw)_i)` relative to `trace(G)`.
pub fn min_norm_weights(gramian: &Matrix) -> (Vec<f64>, SolveStats) {
    let m = gramian.n_rows();
    min_norm_weights_raw(gramian.as_slice(), m, 1e-14, default_max_iter(m))
}

/// [`min_norm_weights`] on a row-major slice, with the NNLS dual-feasibility tolerance `tol`
/// relative to the largest diagonal entry of `g`.
pub(crate) fn min_norm_weights_raw(
    g: &[f64],
    m: usize,
    tol: f64,
    max_iter: usize,
) -> (Vec<f64>, SolveStats) {
    let gamma = max_diag(g, m);
    if gamma.is_nan() || gamma <= 0.0 {
        return (vec![1.0 / m as f64; m], SolveStats::default());
    }
    let mut h = g.to_vec();
    for v in &mut h {
        *v += gamma;
    }
    let q = vec![-gamma; m];
    let (x, mut stats) = nnls_gram(&h, &q, m, tol * gamma, max_iter);
    let sum: f64 = x.iter().sum();
    let w: Vec<f64> = if sum > 0.0 {
        x.iter().map(|v| v / sum).collect()
    } else {
        vec![1.0 / m as f64; m]
    };
    stats.residual = hull_gap(g, m, &w);
    (w, stats)
}

/// `max(0, wᵀGw − min_i (Gw)_i) / trace(G)`: zero exactly at the minimum-norm point of the hull.
pub(crate) fn hull_gap(g: &[f64], m: usize, w: &[f64]) -> f64 {
    let gw = mat_vec(g, m, w);
    let norm2 = dot(w, &gw);
    let min = gw.iter().copied().fold(f64::INFINITY, f64::min);
    let trace: f64 = (0..m).map(|i| g[i * m + i]).sum();
    if trace > 0.0 {
        ((norm2 - min) / trace).max(0.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nnls_matches_a_hand_solved_case() {
        // min ½‖x − (1, −1)‖² over x ≥ 0 → x = (1, 0).
        let h = [1.0, 0.0, 0.0, 1.0];
        let q = [-1.0, 1.0];
        let (x, stats) = nnls_gram(&h, &q, 2, 1e-14, 100);
        assert_eq!(x, vec![1.0, 0.0]);
        assert!(stats.converged);
    }

    #[test]
    fn min_norm_of_two_rows() {
        // Rows (1, 0) and (0, 2): G = diag(1, 4) → w = (0.8, 0.2), point (0.8, 0.4).
        let g = Matrix::from_rows(&[[1.0, 0.0], [0.0, 4.0]]).unwrap();
        let (w, stats) = min_norm_weights(&g);
        assert!((w[0] - 0.8).abs() < 1e-14 && (w[1] - 0.2).abs() < 1e-14);
        assert!(stats.converged && stats.residual < 1e-14);
    }

    #[test]
    fn min_norm_with_duplicates_and_zero_rows() {
        // Rows a, a, 0: the minimum-norm point is 0.
        let g = Matrix::from_rows(&[[2.0, 2.0, 0.0], [2.0, 2.0, 0.0], [0.0, 0.0, 0.0]]).unwrap();
        let (w, stats) = min_norm_weights(&g);
        assert!((w[2] - 1.0).abs() < 1e-12, "{w:?}");
        assert!(stats.converged);
    }

    #[test]
    fn dual_cone_projection_of_an_inside_point_is_itself() {
        let g = Matrix::from_rows(&[[1.0, 0.5], [0.5, 1.0]]).unwrap();
        let (v, stats) = project_to_dual_cone(&g, &[0.5, 0.5]);
        assert_eq!(v, vec![0.5, 0.5]);
        assert_eq!(stats.iterations, 0);
    }

    #[test]
    fn dual_cone_projection_of_opposite_rows() {
        // Rows g and −g: the dual cone is g^⊥, and the projection of g/2 is 0 → Jᵀv = 0, v1 = v2.
        let g = Matrix::from_rows(&[[1.0, -1.0], [-1.0, 1.0]]).unwrap();
        let (v, stats) = project_to_dual_cone(&g, &[0.5, 0.0]);
        assert!((v[0] - v[1]).abs() < 1e-14 && v[0] >= 0.5, "{v:?}");
        assert!(stats.converged);
    }
}
