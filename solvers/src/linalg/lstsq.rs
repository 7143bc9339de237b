//! Minimum-norm least squares on the rows of a wide matrix: the pseudo-inverse coefficients by
//! a one-sided Jacobi SVD, and Householder least squares (ConFIG's two solvers).

use crate::linalg::dot;

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// `y` with `U⁺w = Uᵀy`, `y = V Σ⁺² Vᵀ w`, from a one-sided (Hestenes) Jacobi SVD of the rows of
/// `U` (m×n): rotations `V` (m×m) make the rows of `B = VᵀU` orthogonal, so `U = V B`,
/// `σ_i = ‖B_i‖`. Singular values at or below `rcond·σ_max` are treated as zero, with `rcond =
/// max(m,n)·ε` (`torch.linalg.pinv`'s default) when `None`.
#[allow(clippy::needless_range_loop)] // two rows rotated together
pub(crate) fn pinv_coefficients(
    u: &[Vec<f64>],
    n: usize,
    w: &[f64],
    rcond: Option<f64>,
) -> Vec<f64> {
    let m = u.len();
    let mut b: Vec<Vec<f64>> = u.to_vec();
    let mut v = vec![vec![0.0; m]; m]; // v[i][k] = V_ik
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for _sweep in 0..100 {
        let mut rotated = false;
        for p in 0..m {
            for q in p + 1..m {
                let alpha = dot(&b[p], &b[p]);
                let beta = dot(&b[q], &b[q]);
                let gamma = dot(&b[p], &b[q]);
                if gamma == 0.0 || gamma.abs() <= 1e-15 * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = if zeta >= 0.0 { 1.0 } else { -1.0 }
                    / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                for k in 0..n {
                    let (bp, bq) = (b[p][k], b[q][k]);
                    b[p][k] = c * bp - s * bq;
                    b[q][k] = s * bp + c * bq;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let sigma: Vec<f64> = b.iter().map(|r| norm(r)).collect();
    let smax = sigma.iter().copied().fold(0.0, f64::max);
    let cutoff = rcond.unwrap_or(m.max(n) as f64 * f64::EPSILON) * smax;
    // c = Σ⁺² Vᵀ w
    let c: Vec<f64> = (0..m)
        .map(|k| {
            if sigma[k] > cutoff && sigma[k] > 0.0 {
                (0..m).map(|i| v[i][k] * w[i]).sum::<f64>() / (sigma[k] * sigma[k])
            } else {
                0.0
            }
        })
        .collect();
    (0..m)
        .map(|i| (0..m).map(|k| v[i][k] * c[k]).sum())
        .collect()
}

/// The minimum-norm least-squares solution of `U d = w` (`U` m×n given by rows) through a
/// Householder QR with column pivoting of `Uᵀ` (a complete orthogonal decomposition, as
/// LAPACK `gelsy`). Rank cut-off `rcond·|R₀₀|`, with `rcond = max(m,n)·ε` when `None`.
pub(crate) fn lstsq_min_norm(u: &[Vec<f64>], n: usize, w: &[f64], rcond: Option<f64>) -> Vec<f64> {
    let m = u.len();
    // Columns of A = Uᵀ (n×m) are the rows of U.
    let mut cols: Vec<Vec<f64>> = u.to_vec();
    let mut perm: Vec<usize> = (0..m).collect();
    let steps = m.min(n);
    let mut reflectors: Vec<(Vec<f64>, f64)> = Vec::with_capacity(steps); // (v, β), v on k..n
    let mut diag = Vec::with_capacity(steps);
    for k in 0..steps {
        let p = (k..m)
            .max_by(|&a, &b| {
                let na: f64 = cols[a][k..].iter().map(|x| x * x).sum();
                let nb: f64 = cols[b][k..].iter().map(|x| x * x).sum();
                na.total_cmp(&nb).then(b.cmp(&a))
            })
            .expect("k < m");
        cols.swap(k, p);
        perm.swap(k, p);
        let x = &cols[k][k..];
        let xn = norm(x);
        if xn == 0.0 {
            break;
        }
        let alpha = if x[0] > 0.0 { -xn } else { xn };
        let mut vk = x.to_vec();
        vk[0] -= alpha;
        let vv = dot(&vk, &vk);
        let beta = if vv > 0.0 { 2.0 / vv } else { 0.0 };
        for col in cols.iter_mut().skip(k + 1) {
            let s = beta * dot(&vk, &col[k..]);
            for (ci, vi) in col[k..].iter_mut().zip(&vk) {
                *ci -= s * vi;
            }
        }
        cols[k][k] = alpha;
        for ci in cols[k][k + 1..].iter_mut() {
            *ci = 0.0;
        }
        reflectors.push((vk, beta));
        diag.push(alpha.abs());
    }
    let Some(&r00) = diag.first() else {
        return vec![0.0; n];
    };
    let cutoff = rcond.unwrap_or(m.max(n) as f64 * f64::EPSILON) * r00;
    let r = diag.iter().take_while(|&&d| d > cutoff).count();
    if r == 0 {
        return vec![0.0; n];
    }
    // Equations: for each k < m, Σ_{i<r} R[i][k] z_i = w[perm[k]], i.e. M z = b with
    // M = R_rᵀ (m×r, full column rank). Solve by Householder QR of M.
    let mut mcols: Vec<Vec<f64>> = (0..r)
        .map(|i| {
            (0..m)
                .map(|k| if i <= k { cols[k][i] } else { 0.0 })
                .collect()
        })
        .collect();
    let mut rhs: Vec<f64> = perm.iter().map(|&i| w[i]).collect();
    for i in 0..r {
        let x = &mcols[i][i..];
        let xn = norm(x);
        let alpha = if x[0] > 0.0 { -xn } else { xn };
        let mut vk = x.to_vec();
        vk[0] -= alpha;
        let vv = dot(&vk, &vk);
        let beta = if vv > 0.0 { 2.0 / vv } else { 0.0 };
        for col in mcols.iter_mut().skip(i + 1) {
            let s = beta * dot(&vk, &col[i..]);
            for (ci, vi) in col[i..].iter_mut().zip(&vk) {
                *ci -= s * vi;
            }
        }
        let s = beta * dot(&vk, &rhs[i..]);
        for (ri, vi) in rhs[i..].iter_mut().zip(&vk) {
            *ri -= s * vi;
        }
        mcols[i][i] = alpha;
    }
    let mut z = vec![0.0; n];
    for i in (0..r).rev() {
        let mut s = rhs[i];
        for (j, col) in mcols.iter().enumerate().take(r).skip(i + 1) {
            s -= col[i] * z[j];
        }
        z[i] = s / mcols[i][i];
    }
    // d = Q z = H_0 H_1 ⋯ H_{r−1} z.
    for k in (0..r).rev() {
        let (vk, beta) = &reflectors[k];
        let s = beta * dot(vk, &z[k..]);
        for (zi, vi) in z[k..].iter_mut().zip(vk) {
            *zi -= s * vi;
        }
    }
    z
}
