//! Symmetric eigendecomposition by the cyclic Jacobi method, and the pseudo-inverse built on it.
//!
//! Jacobi is slower than tridiagonalisation + QL for large matrices but simple, unconditionally
//! convergent and accurate to a small multiple of machine precision relative to `‖A‖`; for the
//! `m × m` Gramians of aggregators (`m` ≤ a few dozen) its cost is negligible next to `JJᵀ`.

use tradeoff_pareto::Matrix;

/// Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct SymmetricEigen {
    /// The eigenvalues, ascending.
    pub values: Vec<f64>,
    /// The eigenvectors as columns: column `k` belongs to `values[k]` (`m × m`).
    pub vectors: Matrix,
}

/// Computes `A = V diag(λ) Vᵀ` for a symmetric `m × m` matrix `a` (only its lower triangle is
/// read; the matrix is assumed symmetric).
pub fn symmetric_eigen(a: &Matrix) -> SymmetricEigen {
    let m = a.n_rows();
    debug_assert_eq!(a.n_cols(), m, "square matrix");
    let mut s = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..=i {
            let v = a.get(i, j);
            s[i * m + j] = v;
            s[j * m + i] = v;
        }
    }
    let mut v = vec![0.0; m * m];
    for i in 0..m {
        v[i * m + i] = 1.0;
    }
    let norm2: f64 = s.iter().map(|x| x * x).sum();
    for sweep in 0..60 {
        let off: f64 = (0..m)
            .flat_map(|i| (0..i).map(move |j| (i, j)))
            .map(|(i, j)| s[i * m + j] * s[i * m + j])
            .sum();
        // Off-diagonal Frobenius norm below ε‖A‖_F: the eigenvalues are accurate to that.
        if off <= (f64::EPSILON * f64::EPSILON) * norm2 || off == 0.0 {
            break;
        }
        for p in 0..m {
            for q in p + 1..m {
                let apq = s[p * m + q];
                if apq == 0.0 {
                    continue;
                }
                let app = s[p * m + p];
                let aqq = s[q * m + q];
                // After a few sweeps, drop entries below the rounding of both diagonal entries.
                let g = 100.0 * apq.abs();
                if sweep > 3 && app.abs() + g == app.abs() && aqq.abs() + g == aqq.abs() {
                    s[p * m + q] = 0.0;
                    s[q * m + p] = 0.0;
                    continue;
                }
                let theta = (aqq - app) / (2.0 * apq);
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let sn = t * c;
                // Rotate rows/columns p and q of s.
                for k in 0..m {
                    let skp = s[k * m + p];
                    let skq = s[k * m + q];
                    s[k * m + p] = c * skp - sn * skq;
                    s[k * m + q] = sn * skp + c * skq;
                }
                for k in 0..m {
                    let spk = s[p * m + k];
                    let sqk = s[q * m + k];
                    s[p * m + k] = c * spk - sn * sqk;
                    s[q * m + k] = sn * spk + c * sqk;
                }
                s[p * m + q] = 0.0;
                s[q * m + p] = 0.0;
                for k in 0..m {
                    let vkp = v[k * m + p];
                    let vkq = v[k * m + q];
                    v[k * m + p] = c * vkp - sn * vkq;
                    v[k * m + q] = sn * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&x, &y| s[x * m + x].total_cmp(&s[y * m + y]));
    let values = order.iter().map(|&k| s[k * m + k]).collect();
    let mut vectors = Matrix::zeros(m, m);
    for (col, &k) in order.iter().enumerate() {
        for i in 0..m {
            vectors.set(i, col, v[i * m + k]);
        }
    }
    SymmetricEigen { values, vectors }
}

/// The Moore–Penrose pseudo-inverse of a symmetric matrix: `Σ_{|λ_k| > rtol·max|λ|} v_k v_kᵀ / λ_k`.
///
/// `torch.linalg.pinv` uses `rtol = max(rows, cols)·ε` by default; pass `m as f64 * f64::EPSILON`
/// to match it.
pub fn pseudo_inverse(a: &Matrix, rtol: f64) -> Matrix {
    let m = a.n_rows();
    let eig = symmetric_eigen(a);
    let max_abs = eig.values.iter().fold(0.0_f64, |acc, v| acc.max(v.abs()));
    let mut out = Matrix::zeros(m, m);
    if max_abs == 0.0 {
        return out;
    }
    for (k, &lambda) in eig.values.iter().enumerate() {
        if lambda.abs() > rtol * max_abs {
            for i in 0..m {
                let vik = eig.vectors.get(i, k) / lambda;
                if vik == 0.0 {
                    continue;
                }
                for j in 0..m {
                    let cur = out.get(i, j);
                    out.set(i, j, cur + vik * eig.vectors.get(j, k));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_reconstructs_and_orders() {
        let a = Matrix::from_rows(&[[4.0, 1.0, 0.5], [1.0, 3.0, -1.0], [0.5, -1.0, 2.0]]).unwrap();
        let e = symmetric_eigen(&a);
        assert!(e.values.windows(2).all(|w| w[0] <= w[1]));
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3)
                    .map(|k| e.vectors.get(i, k) * e.values[k] * e.vectors.get(j, k))
                    .sum();
                assert!((r - a.get(i, j)).abs() < 1e-13);
            }
        }
        assert!((e.values.iter().sum::<f64>() - 9.0).abs() < 1e-13);
    }

    #[test]
    fn pseudo_inverse_of_rank_one() {
        // [[1, 2], [2, 4]] = 5 v vᵀ with v = (1, 2)/√5 → pinv = v vᵀ / 5 = [[1, 2], [2, 4]] / 25.
        let a = Matrix::from_rows(&[[1.0, 2.0], [2.0, 4.0]]).unwrap();
        let p = pseudo_inverse(&a, 2.0 * f64::EPSILON);
        for (i, j, want) in [(0, 0, 1.0), (0, 1, 2.0), (1, 1, 4.0)] {
            assert!((p.get(i, j) - want / 25.0).abs() < 1e-15);
        }
    }
}
