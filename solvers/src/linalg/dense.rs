//! Small dense helpers for `m × m` problems (`m` ≤ a few dozen): row-major slices, a Cholesky
//! factor that grows one index at a time, and Gaussian elimination with partial pivoting.

// Triangular solves index two arrays with the same counters; ranges read clearer than zips.
#![allow(clippy::needless_range_loop)]

/// `Σ a_i b_i`.
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `A x` for a row-major `m × m` matrix `a`.
pub(crate) fn mat_vec(a: &[f64], m: usize, x: &[f64]) -> Vec<f64> {
    (0..m).map(|i| dot(&a[i * m..(i + 1) * m], x)).collect()
}

/// Largest diagonal entry of a row-major `m × m` matrix (0 for an empty one).
pub(crate) fn max_diag(a: &[f64], m: usize) -> f64 {
    (0..m).map(|i| a[i * m + i]).fold(0.0, f64::max)
}

/// The Cholesky factor `L` (`LLᵀ = H_SS`) of a principal submatrix of a symmetric `m × m` matrix
/// `H`, over an ordered index set `S` that grows by [`GrowingCholesky::push`] and shrinks by
/// [`GrowingCholesky::pop`] or a rebuild.
#[derive(Clone, Debug)]
pub(crate) struct GrowingCholesky {
    m: usize,
    /// `L`, row-major with stride `m`; row `k` belongs to `indices[k]`.
    l: Vec<f64>,
    indices: Vec<usize>,
    /// A pivot `d²` with `d² ≤ rel_pivot · H_jj` is treated as zero (a dependent index).
    rel_pivot: f64,
}

impl GrowingCholesky {
    pub(crate) fn new(m: usize, rel_pivot: f64) -> Self {
        Self {
            m,
            l: vec![0.0; m * m],
            indices: Vec::with_capacity(m),
            rel_pivot,
        }
    }

    pub(crate) fn indices(&self) -> &[usize] {
        &self.indices
    }

    /// Appends index `j`; returns `false` (and leaves the factor unchanged) when `H_jj` minus the
    /// part explained by the current indices is not clearly positive.
    pub(crate) fn push(&mut self, h: &[f64], j: usize) -> bool {
        let m = self.m;
        let k = self.indices.len();
        let mut row = vec![0.0; k];
        for p in 0..k {
            let mut v = h[self.indices[p] * m + j];
            for q in 0..p {
                v -= self.l[p * m + q] * row[q];
            }
            row[p] = v / self.l[p * m + p];
        }
        let hjj = h[j * m + j];
        let d2 = hjj - dot(&row, &row);
        if d2.is_nan() || d2 <= self.rel_pivot * hjj.abs() || d2 <= 0.0 {
            return false;
        }
        self.l[k * m..k * m + k].copy_from_slice(&row);
        self.l[k * m + k] = d2.sqrt();
        self.indices.push(j);
        true
    }

    /// Removes the last index.
    pub(crate) fn pop(&mut self) {
        self.indices.pop();
    }

    /// Refactors over `indices` (in that order), skipping any that turn out dependent; returns
    /// the skipped ones.
    pub(crate) fn rebuild(&mut self, h: &[f64], indices: &[usize]) -> Vec<usize> {
        self.indices.clear();
        let mut skipped = Vec::new();
        for &j in indices {
            if !self.push(h, j) {
                skipped.push(j);
            }
        }
        skipped
    }

    /// Solves `H_SS z = rhs` (`rhs` ordered like [`GrowingCholesky::indices`]).
    pub(crate) fn solve(&self, rhs: &[f64]) -> Vec<f64> {
        let m = self.m;
        let k = self.indices.len();
        let mut y = rhs.to_vec();
        for p in 0..k {
            let mut v = y[p];
            for q in 0..p {
                v -= self.l[p * m + q] * y[q];
            }
            y[p] = v / self.l[p * m + p];
        }
        for p in (0..k).rev() {
            let mut v = y[p];
            for q in p + 1..k {
                v -= self.l[q * m + p] * y[q];
            }
            y[p] = v / self.l[p * m + p];
        }
        y
    }
}

/// Solves `A X = B` in place for a row-major `k × k` matrix `a` and `r` right-hand sides stored
/// row-major in `b` (`k × r`), by Gaussian elimination with partial pivoting. Returns `false`
/// when a pivot is below `rel_pivot` times the largest entry of `A` (numerically singular).
pub(crate) fn lu_solve(a: &mut [f64], k: usize, b: &mut [f64], r: usize, rel_pivot: f64) -> bool {
    let scale = a.iter().fold(0.0_f64, |acc, v| acc.max(v.abs()));
    if scale == 0.0 {
        return false;
    }
    for col in 0..k {
        let piv = (col..k)
            .max_by(|&x, &y| a[x * k + col].abs().total_cmp(&a[y * k + col].abs()))
            .expect("non-empty range");
        if a[piv * k + col].abs() <= rel_pivot * scale {
            return false;
        }
        if piv != col {
            for c in 0..k {
                a.swap(piv * k + c, col * k + c);
            }
            for c in 0..r {
                b.swap(piv * r + c, col * r + c);
            }
        }
        let p = a[col * k + col];
        for row in col + 1..k {
            let f = a[row * k + col] / p;
            if f != 0.0 {
                for c in col..k {
                    a[row * k + c] -= f * a[col * k + c];
                }
                for c in 0..r {
                    b[row * r + c] -= f * b[col * r + c];
                }
            }
        }
    }
    for col in (0..k).rev() {
        let p = a[col * k + col];
        for c in 0..r {
            let mut v = b[col * r + c];
            for q in col + 1..k {
                v -= a[col * k + q] * b[q * r + c];
            }
            b[col * r + c] = v / p;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_cholesky_solves_and_detects_dependence() {
        // H = A Aᵀ for rows a0 = (1, 0), a1 = (1, 1), a2 = (2, 2) (a2 = 2·a1: dependent).
        let h = [1.0, 1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 4.0, 8.0];
        let mut c = GrowingCholesky::new(3, 1e-12);
        assert!(c.push(&h, 0));
        assert!(c.push(&h, 1));
        assert!(!c.push(&h, 2));
        let z = c.solve(&[1.0, 2.0]);
        // [[1, 1], [1, 2]] z = [1, 2] → z = (0, 1).
        assert!((z[0] - 0.0).abs() < 1e-14 && (z[1] - 1.0).abs() < 1e-14);
        c.pop();
        assert_eq!(c.indices(), &[0]);
        assert_eq!(c.rebuild(&h, &[1, 2]), vec![2]);
    }

    #[test]
    fn lu_solves_a_pivoting_system() {
        let mut a = [0.0, 1.0, 1.0, 1.0];
        let mut b = [2.0, 3.0];
        assert!(lu_solve(&mut a, 2, &mut b, 1, 1e-14));
        assert_eq!(b, [1.0, 2.0]);
        let mut singular = [1.0, 2.0, 2.0, 4.0];
        let mut b = [1.0, 1.0];
        assert!(!lu_solve(&mut singular, 2, &mut b, 1, 1e-14));
    }
}
