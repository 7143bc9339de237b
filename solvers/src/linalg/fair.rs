//! The α-fair weights of FairGrad and Nash-MTL: the positive solution of `G x = x^{−1/α}`.
//!
//! `Gx = x^{−1/α}` is the stationarity condition of the strictly convex function
//! `F(x) = ½ xᵀGx + Σ_i h(x_i)` on `x > 0`, with `h(x) = −ln x` for `α = 1` (Nash-MTL's bargaining
//! solution) and `h(x) = −x^p / p`, `p = 1 − 1/α`, otherwise. It is minimised here by damped Newton
//! steps (Hessian `G + diag(h″(x))`, fraction-to-boundary and Armijo backtracking), which converge
//! quadratically.
//!
//! A solution exists iff some direction improves every objective (`∃d: Jd > 0`). Otherwise
//! (`0` lies in the convex hull of the rows: a zero row, opposite rows, `m > n` around the origin)
//! `F` has recession directions `v ≥ 0` with `Jᵀv = 0` and the weights diverge along them, while the
//! direction `Jᵀx` converges. [`alpha_fair_weights`] returns that limit exactly: the rows `I₀` in the
//! support of such `v` are found with NNLS, the problem is solved for the other rows `R` on the
//! orthogonal complement of `span{g_i : i ∈ I₀}` (a Schur complement of `G`), and the weights of
//! `I₀` are the least-squares coefficients that realise that projection. Then `(Jd)_i > 0` on `R`
//! and `= 0` on `I₀`, and `d = 0` when every row is in `I₀`.

use tradeoff_pareto::Matrix;

use super::dense::{GrowingCholesky, dot, mat_vec};
use super::eigen::pseudo_inverse;
use super::nnls::{SolveStats, default_max_iter, min_norm_weights_raw, nnls_gram};

/// Rows are treated as jointly stationary when the squared minimum norm of their hull is below
/// this fraction of `trace(G)` (the rounding level of a Gramian is about `m·ε·trace(G)`).
const STATIONARY_TOL: f64 = 1e-13;

/// The weights `x` solving `G x = x^{−1/α}` for a Gramian `g` (`n_obj × n_obj`), or its limit
/// when no positive solution exists (see the module docs); `alpha > 0`.
///
/// `start` warm-starts Newton (used only when it has length `n_obj` and positive entries);
/// `max_iter` caps the Newton steps and `tol` bounds the residual `max_i |(Gx)_i x_i^{1/α} − 1|`
/// reported in the statistics. A zero `g` gives zero weights.
pub fn alpha_fair_weights(
    g: &Matrix,
    alpha: f64,
    start: Option<&[f64]>,
    max_iter: usize,
    tol: f64,
) -> (Vec<f64>, SolveStats) {
    let m = g.n_rows();
    let gs = g.as_slice();
    let trace: f64 = (0..m).map(|i| gs[i * m + i]).sum();
    if trace.is_nan() || trace <= 0.0 {
        return (vec![0.0; m], SolveStats::default());
    }
    let (w, mut stats) = min_norm_weights_raw(gs, m, 1e-14, default_max_iter(m));
    let min_norm2 = dot(&w, &mat_vec(gs, m, &w));
    if min_norm2 > STATIONARY_TOL * trace {
        let (x, newton) = newton(gs, m, alpha, start, max_iter, tol);
        stats.iterations += newton.iterations;
        stats.converged &= newton.converged;
        stats.residual = newton.residual;
        return (x, stats);
    }
    // Degenerate: find I₀ = indices in the support of some v ≥ 0 with Jᵀv = 0, one index at a
    // time (the supports of the NNLS solutions may carry rounding-level entries).
    let mut in_i0 = vec![false; m];
    for i in 0..m {
        // Is −g_i in the cone of the other rows?  min_{x ≥ 0} ‖g_i + Σ_{j≠i} x_j g_j‖².
        let others: Vec<usize> = (0..m).filter(|&j| j != i).collect();
        let k = others.len();
        let h: Vec<f64> = others
            .iter()
            .flat_map(|&a| others.iter().map(move |&b| gs[a * m + b]))
            .collect();
        let q: Vec<f64> = others.iter().map(|&a| gs[a * m + i]).collect();
        let (x, s) = nnls_gram(&h, &q, k, 1e-14 * trace, default_max_iter(k));
        stats.iterations += s.iterations;
        let value = gs[i * m + i] + dot(&q, &x);
        in_i0[i] = value <= STATIONARY_TOL * trace;
    }
    let i0: Vec<usize> = (0..m).filter(|&i| in_i0[i]).collect();
    let r: Vec<usize> = (0..m).filter(|&i| !in_i0[i]).collect();
    let mut weights = vec![0.0; m];
    if r.is_empty() {
        return (weights, stats);
    }
    // Reduced Gramian of the R rows projected onto span{g_i : i ∈ I₀}^⊥.
    let sub = |rows: &[usize], cols: &[usize]| -> Vec<f64> {
        rows.iter()
            .flat_map(|&a| cols.iter().map(move |&b| gs[a * m + b]))
            .collect()
    };
    let g_ii = Matrix::from_vec(i0.len(), i0.len(), sub(&i0, &i0)).expect("square block");
    let pinv = pseudo_inverse(&g_ii, 1e-12);
    let g_ir = sub(&i0, &r); // |I₀| × |R|
    let k0 = i0.len();
    let kr = r.len();
    // coef = pinv(G_II) G_IR  (|I₀| × |R|)
    let mut coef = vec![0.0; k0 * kr];
    for a in 0..k0 {
        for b in 0..kr {
            coef[a * kr + b] = (0..k0).map(|c| pinv.get(a, c) * g_ir[c * kr + b]).sum();
        }
    }
    let mut reduced = sub(&r, &r);
    for a in 0..kr {
        for b in 0..kr {
            let corr: f64 = (0..k0).map(|c| g_ir[c * kr + a] * coef[c * kr + b]).sum();
            reduced[a * kr + b] -= corr;
        }
    }
    let start_r: Option<Vec<f64>> = start
        .filter(|s| s.len() == m)
        .map(|s| r.iter().map(|&i| s[i]).collect());
    let (x_r, newton) = newton(&reduced, kr, alpha, start_r.as_deref(), max_iter, tol);
    stats.iterations += newton.iterations;
    stats.converged &= newton.converged;
    stats.residual = newton.residual;
    for (b, &i) in r.iter().enumerate() {
        weights[i] = x_r[b];
    }
    for (a, &i) in i0.iter().enumerate() {
        weights[i] = -(0..kr).map(|b| coef[a * kr + b] * x_r[b]).sum::<f64>();
    }
    (weights, stats)
}

/// `h′(x) = −x^{−1/α}` and `h″(x) = x^{−1/α−1} / α`.
#[inline]
fn derivatives(x: f64, alpha: f64) -> (f64, f64) {
    let inv = if alpha == 1.0 {
        1.0 / x
    } else {
        x.powf(-1.0 / alpha)
    };
    (-inv, inv / (alpha * x))
}

/// `h(x)`.
#[inline]
fn penalty(x: f64, alpha: f64) -> f64 {
    if alpha == 1.0 {
        -x.ln()
    } else {
        let p = 1.0 - 1.0 / alpha;
        -x.powf(p) / p
    }
}

fn objective(g: &[f64], m: usize, x: &[f64], alpha: f64) -> f64 {
    0.5 * dot(x, &mat_vec(g, m, x)) + x.iter().map(|&v| penalty(v, alpha)).sum::<f64>()
}

/// `max_i |(Gx)_i x_i^{1/α} − 1|`.
fn residual(gx: &[f64], x: &[f64], alpha: f64) -> f64 {
    gx.iter()
        .zip(x)
        .map(|(&a, &b)| {
            let scale = if alpha == 1.0 { b } else { b.powf(1.0 / alpha) };
            (a * scale - 1.0).abs()
        })
        .fold(0.0, f64::max)
}

/// Damped Newton on `F` (see the module docs) for a Gramian that admits a positive solution.
fn newton(
    g: &[f64],
    m: usize,
    alpha: f64,
    start: Option<&[f64]>,
    max_iter: usize,
    tol: f64,
) -> (Vec<f64>, SolveStats) {
    let mut x: Vec<f64> = match start {
        Some(s) if s.len() == m && s.iter().all(|&v| v > 0.0 && v.is_finite()) => s.to_vec(),
        _ => {
            // The best multiple of 1: t·(1ᵀG1) = m·t^{−1/α}.
            let total: f64 = g.iter().sum();
            let t = if total > 0.0 {
                (m as f64 / total).powf(alpha / (alpha + 1.0))
            } else {
                1.0
            };
            vec![t; m]
        }
    };
    let mut iterations = 0;
    let mut gx = mat_vec(g, m, &x);
    let mut res = residual(&gx, &x, alpha);
    let mut f = objective(g, m, &x, alpha);
    let mut chol = GrowingCholesky::new(m, 1e-15);
    let all: Vec<usize> = (0..m).collect();
    // One more (polishing) step after reaching `tol`: it costs little and usually reaches the
    // rounding level; the best iterate is kept.
    let mut polishing = false;
    let mut best = (x.clone(), res);
    while iterations < max_iter {
        if res <= tol {
            if polishing {
                break;
            }
            polishing = true;
        }
        iterations += 1;
        let mut hess = g.to_vec();
        let mut grad = vec![0.0; m];
        for i in 0..m {
            let (d1, d2) = derivatives(x[i], alpha);
            grad[i] = gx[i] + d1;
            hess[i * m + i] += d2;
        }
        if !chol.rebuild(&hess, &all).is_empty() {
            break;
        }
        let neg: Vec<f64> = grad.iter().map(|v| -v).collect();
        let step = chol.solve(&neg);
        let slope = dot(&grad, &step);
        if slope.is_nan() || slope >= 0.0 {
            break;
        }
        let mut s: f64 = 1.0;
        for i in 0..m {
            if step[i] < 0.0 {
                s = s.min(-0.95 * x[i] / step[i]);
            }
        }
        let mut accepted = false;
        if -slope <= 0.25 {
            // Newton decrement λ < 1/2: the region of quadratic convergence, where the objective
            // decrease (≈ λ²/2) may be below its rounding, so Armijo's test is meaningless. Take
            // the (boundary-safeguarded) full step.
            x = x.iter().zip(&step).map(|(a, b)| a + s * b).collect();
            f = objective(g, m, &x, alpha);
            accepted = true;
        } else {
            for _ in 0..60 {
                let trial: Vec<f64> = x.iter().zip(&step).map(|(a, b)| a + s * b).collect();
                let ft = objective(g, m, &trial, alpha);
                if ft <= f + 1e-4 * s * slope {
                    x = trial;
                    f = ft;
                    accepted = true;
                    break;
                }
                s *= 0.5;
            }
        }
        gx = mat_vec(g, m, &x);
        res = residual(&gx, &x, alpha);
        if res < best.1 {
            best = (x.clone(), res);
        }
        if !accepted {
            // No decrease left at rounding level.
            break;
        }
    }
    let (x, res) = best;
    (
        x,
        SolveStats {
            iterations,
            converged: res <= tol,
            residual: res,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagonal_gramian_has_the_closed_form() {
        // G = diag(1, 4): x_i² G_ii = 1 → x = (1, 0.5).
        let g = Matrix::from_rows(&[[1.0, 0.0], [0.0, 4.0]]).unwrap();
        let (x, stats) = alpha_fair_weights(&g, 1.0, None, 50, 1e-12);
        assert!(
            (x[0] - 1.0).abs() < 1e-12 && (x[1] - 0.5).abs() < 1e-12,
            "{x:?}"
        );
        assert!(stats.converged);
        // α = 2: G x = x^{−1/2} → x_i = G_ii^{−2/3}.
        let (x, _) = alpha_fair_weights(&g, 2.0, None, 50, 1e-12);
        assert!((x[1] - 4f64.powf(-2.0 / 3.0)).abs() < 1e-12);
    }

    #[test]
    fn zero_row_is_left_out_in_the_limit() {
        // Rows (1, 0), (0, 0), (0, 2): the limit solves the two non-zero rows alone.
        let g = Matrix::from_rows(&[[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 4.0]]).unwrap();
        let (x, stats) = alpha_fair_weights(&g, 1.0, None, 50, 1e-12);
        assert!(
            (x[0] - 1.0).abs() < 1e-12 && (x[2] - 0.5).abs() < 1e-12,
            "{x:?}"
        );
        assert!(stats.converged);
    }

    #[test]
    fn opposite_rows_give_zero() {
        let g = Matrix::from_rows(&[[1.0, -1.0], [-1.0, 1.0]]).unwrap();
        let (x, _) = alpha_fair_weights(&g, 1.0, None, 50, 1e-12);
        assert_eq!(x, vec![0.0, 0.0]);
    }
}
