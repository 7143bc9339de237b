//! The two passes over a wide Jacobian: the Gramian `G = JJᵀ` and the combination `d = Jᵀw`.
//!
//! `J` is `m × n` with `n` up to 10⁶ and `m` up to a few dozen, so both are memory-bound passes
//! over `J`. The Gramian is computed block-wise over columns (each block of every row stays in
//! L1/L2 while all `m(m+1)/2` dot products are accumulated on it) with register tiles of up to
//! 4 × 4 rows and explicit SIMD lanes; `Jᵀw` accumulates 4 rows at a time into an L1-resident
//! block of `d`. The SIMD instruction set (AVX-512, AVX2+FMA, or scalar) is picked at run time by
//! `pulp`, without `unsafe` code here.

use pulp::{Simd, WithSimd};
use tradeoff_pareto::Matrix;

/// Columns per block: 512 `f64` = 4 KiB per row segment, so a 4 × 4 tile reads 32 KiB.
const GRAM_BLOCK: usize = 512;
/// Columns per block of `d` in [`combine`].
const COMBINE_BLOCK: usize = 2048;

/// `G = JJᵀ` (`n_obj × n_obj`, symmetric), in one blocked pass over `jacobian` (`n_obj × n_var`).
///
/// (`gemm` 0.19's packed f64 product with `Parallelism::None` was measured slower than this kernel
/// at every size of interest — one thread, n = 10⁵ and 10⁶: UPGrad at m = 10 took 0.62 vs 0.48 ms
/// and at m = 40 10.7 vs 6.7 ms (n = 10⁵), 112 vs 71 ms (n = 10⁶) — so it is not used.)
///
/// Entry `(i, j)` is the dot product of rows `i` and `j`. The summation order differs from a
/// naive loop, so results agree with it to rounding only.
pub fn gramian(jacobian: &Matrix) -> Matrix {
    let (m, n) = jacobian.shape();
    let mut out = vec![0.0; m * m];
    if n > 0 && m > 0 {
        pulp::Arch::new().dispatch(GramKernel {
            data: jacobian.as_slice(),
            m,
            n,
            out: &mut out,
        });
    }
    // The kernel fills the lower triangle (and parts of the upper one): mirror the lower.
    for i in 0..m {
        for j in 0..i {
            out[j * m + i] = out[i * m + j];
        }
    }
    Matrix::from_vec(m, m, out).expect("m × m data for an m × m matrix")
}

/// `d = Jᵀw = Σ_i w_i J_i` (length `n_var`), in one blocked pass over `jacobian`
/// (`n_obj × n_var`). `weights` has length `n_obj`.
pub fn combine(jacobian: &Matrix, weights: &[f64]) -> Vec<f64> {
    let (m, n) = jacobian.shape();
    debug_assert_eq!(weights.len(), m, "one weight per row");
    let mut out = vec![0.0; n];
    if n > 0 && m > 0 {
        pulp::Arch::new().dispatch(CombineKernel {
            data: jacobian.as_slice(),
            m,
            n,
            weights,
            out: &mut out,
        });
    }
    out
}

/// The Gramian `G = JJᵀ` of a step, the one representation every method reads: stored as
/// `(J/s)(J/s)ᵀ` with `s` a power of two (usually 1), so that Jacobians whose squared entries
/// would overflow or underflow still give a usable, exactly rescaled Gramian. Row `i` is `g[i]`.
///
/// The true Gramian is `scale² · matrix`. Methods whose weights depend on `G` only up to a positive
/// factor (all but FairGrad) use `matrix` directly; FairGrad rescales its solution with `scale`.
#[derive(Clone, Debug, PartialEq)]
pub struct Gramian {
    /// `(J/s)(J/s)ᵀ`, `n_obj × n_obj`.
    pub matrix: Matrix,
    /// `s`, a power of two.
    pub scale: f64,
}

impl Gramian {
    /// Computes the Gramian of `jacobian` (`n_obj × n_var`), rescaling `J` by a power of two first
    /// only when `trace(JJᵀ)` overflows or is so small (< 1e-200) that entries may have underflowed.
    /// The extra pass happens only in that case.
    pub fn new(jacobian: &Matrix) -> Self {
        let matrix = gramian(jacobian);
        let trace = trace(&matrix);
        if trace.is_finite() && (trace > 1e-200 || trace == 0.0 && all_zero(jacobian)) {
            return Self { matrix, scale: 1.0 };
        }
        let max_abs = jacobian
            .as_slice()
            .iter()
            .fold(0.0_f64, |acc, v| acc.max(v.abs()));
        if max_abs == 0.0 {
            return Self { matrix, scale: 1.0 };
        }
        // A power of two, so dividing by it is exact.
        let scale = 2.0_f64.powi(max_abs.log2().floor() as i32);
        let scaled: Vec<f64> = jacobian.as_slice().iter().map(|v| v / scale).collect();
        let scaled = Matrix::from_vec(jacobian.n_rows(), jacobian.n_cols(), scaled)
            .expect("same shape as the Jacobian");
        Self {
            matrix: gramian(&scaled),
            scale,
        }
    }

    /// `JJᵀ` exactly as the blocked kernel gives it (`scale = 1`, never rescaled), for methods
    /// whose results depend on the Gramian's own scale.
    pub fn unscaled(jacobian: &Matrix) -> Self {
        Self {
            matrix: gramian(jacobian),
            scale: 1.0,
        }
    }

    /// A Gramian from its rows (`m` rows of length `m`, symmetric), `scale = 1`.
    ///
    /// # Panics
    /// When the rows are not `m` rows of length `m`.
    pub fn from_rows(rows: Vec<Vec<f64>>) -> Self {
        let m = rows.len();
        let data: Vec<f64> = rows.into_iter().flatten().collect();
        Self {
            matrix: Matrix::from_vec(m, m, data).expect("m rows of length m"),
            scale: 1.0,
        }
    }

    /// The number of objectives `m`.
    pub fn n_obj(&self) -> usize {
        self.matrix.n_rows()
    }

    /// The rows of the stored matrix.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[f64]> + '_ {
        self.matrix.rows()
    }

    /// `trace(G)` of the stored matrix (the true trace is `scale²` times this).
    pub fn trace(&self) -> f64 {
        trace(&self.matrix)
    }

    /// `G / trace(G)` (scale-free), or `None` when `J` is zero.
    pub fn normalized(&self) -> Option<Matrix> {
        normalized(&self.matrix)
    }
}

impl std::ops::Index<usize> for Gramian {
    type Output = [f64];

    /// Row `i` of the stored matrix.
    fn index(&self, i: usize) -> &[f64] {
        self.matrix.row(i)
    }
}

/// `trace(G)`.
pub fn trace(gramian: &Matrix) -> f64 {
    (0..gramian.n_rows()).map(|i| gramian.get(i, i)).sum()
}

/// `G / trace(G)`, or `None` when the trace is not positive (a zero Jacobian).
pub fn normalized(gramian: &Matrix) -> Option<Matrix> {
    let t = trace(gramian);
    if t > 0.0 && t.is_finite() {
        let data = gramian.as_slice().iter().map(|v| v / t).collect();
        Some(Matrix::from_vec(gramian.n_rows(), gramian.n_cols(), data).expect("same shape"))
    } else {
        None
    }
}

fn all_zero(jacobian: &Matrix) -> bool {
    jacobian.as_slice().iter().all(|&v| v == 0.0)
}

struct GramKernel<'a> {
    data: &'a [f64],
    m: usize,
    n: usize,
    out: &'a mut [f64],
}

/// Dot products of `R` rows with `C` rows over one column block, with `R·C` SIMD accumulators.
#[inline(always)]
fn tile<S: Simd, const R: usize, const C: usize>(
    simd: S,
    a: [&[f64]; R],
    b: [&[f64]; C],
) -> [[f64; C]; R] {
    let len = a[0].len();
    let av: [&[S::f64s]; R] = std::array::from_fn(|r| S::as_simd_f64s(a[r]).0);
    let bv: [&[S::f64s]; C] = std::array::from_fn(|c| S::as_simd_f64s(b[c]).0);
    let n_vec = av[0].len();
    let mut acc = [[simd.splat_f64s(0.0); C]; R];
    for k in 0..n_vec {
        let x: [S::f64s; R] = std::array::from_fn(|r| av[r][k]);
        let y: [S::f64s; C] = std::array::from_fn(|c| bv[c][k]);
        for r in 0..R {
            for c in 0..C {
                acc[r][c] = simd.mul_add_e_f64s(x[r], y[c], acc[r][c]);
            }
        }
    }
    let done = n_vec * S::F64_LANES;
    let mut out = [[0.0; C]; R];
    for r in 0..R {
        for c in 0..C {
            let mut s = simd.reduce_sum_f64s(acc[r][c]);
            for k in done..len {
                s += a[r][k] * b[c][k];
            }
            out[r][c] = s;
        }
    }
    out
}

/// Tile height/width: 4 while at least 4 rows remain, then 2, then 1.
#[inline(always)]
fn tile_size(remaining: usize) -> usize {
    if remaining >= 4 {
        4
    } else if remaining >= 2 {
        2
    } else {
        1
    }
}

impl WithSimd for GramKernel<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Self { data, m, n, out } = self;
        let mut c0 = 0;
        while c0 < n {
            let c1 = (c0 + GRAM_BLOCK).min(n);
            let row = |i: usize| &data[i * n + c0..i * n + c1];
            let mut i0 = 0;
            while i0 < m {
                let ir = tile_size(m - i0);
                let mut j0 = 0;
                // Tiles of the lower triangle, the diagonal tile included.
                while j0 < i0 + ir {
                    let jr = tile_size(i0 + ir - j0);
                    macro_rules! run {
                        ($r:literal, $c:literal) => {{
                            let t = tile::<S, $r, $c>(
                                simd,
                                std::array::from_fn(|r| row(i0 + r)),
                                std::array::from_fn(|c| row(j0 + c)),
                            );
                            for (r, t_row) in t.iter().enumerate() {
                                for (c, v) in t_row.iter().enumerate() {
                                    out[(i0 + r) * m + j0 + c] += v;
                                }
                            }
                        }};
                    }
                    match (ir, jr) {
                        (4, 4) => run!(4, 4),
                        (4, 2) => run!(4, 2),
                        (4, 1) => run!(4, 1),
                        (2, 4) => run!(2, 4),
                        (2, 2) => run!(2, 2),
                        (2, 1) => run!(2, 1),
                        (1, 4) => run!(1, 4),
                        (1, 2) => run!(1, 2),
                        _ => run!(1, 1),
                    }
                    j0 += jr;
                }
                i0 += ir;
            }
            c0 = c1;
        }
    }
}

struct CombineKernel<'a> {
    data: &'a [f64],
    m: usize,
    n: usize,
    weights: &'a [f64],
    out: &'a mut [f64],
}

impl WithSimd for CombineKernel<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Self {
            data,
            m,
            n,
            weights,
            out,
        } = self;
        let mut c0 = 0;
        while c0 < n {
            let c1 = (c0 + COMBINE_BLOCK).min(n);
            let d = &mut out[c0..c1];
            let row = |i: usize| &data[i * n + c0..i * n + c1];
            let mut i = 0;
            while i < m {
                let k = (m - i).min(4);
                let rows: [&[f64]; 4] = std::array::from_fn(|r| row(i + r.min(k - 1)));
                let w: [f64; 4] = std::array::from_fn(|r| if r < k { weights[i + r] } else { 0.0 });
                if w.iter().any(|&v| v != 0.0) {
                    let wv: [S::f64s; 4] = std::array::from_fn(|r| simd.splat_f64s(w[r]));
                    let rv: [&[S::f64s]; 4] = std::array::from_fn(|r| S::as_simd_f64s(rows[r]).0);
                    let (dv, d_tail) = S::as_mut_simd_f64s(d);
                    for (j, dj) in dv.iter_mut().enumerate() {
                        let mut acc = *dj;
                        for r in 0..4 {
                            acc = simd.mul_add_e_f64s(wv[r], rv[r][j], acc);
                        }
                        *dj = acc;
                    }
                    let done = c1 - c0 - d_tail.len();
                    for (j, dj) in d_tail.iter_mut().enumerate() {
                        for r in 0..4 {
                            *dj += w[r] * rows[r][done + j];
                        }
                    }
                }
                i += k;
            }
            c0 = c1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(m: usize, n: usize, seed: u64) -> Matrix {
        let mut s = seed;
        let data = (0..m * n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
            })
            .collect();
        Matrix::from_vec(m, n, data).unwrap()
    }

    #[test]
    fn gramian_matches_naive_for_all_tile_shapes() {
        for (m, n) in [
            (1, 1),
            (2, 3),
            (3, 7),
            (5, 513),
            (7, 1030),
            (9, 64),
            (13, 3),
            (8, 5000),
            (17, 2051),
            (40, 1000),
        ] {
            let j = sample(m, n, (m * 31 + n) as u64);
            let g = gramian(&j);
            for a in 0..m {
                for b in 0..m {
                    let naive: f64 = j.row(a).iter().zip(j.row(b)).map(|(x, y)| x * y).sum();
                    assert!((g.get(a, b) - naive).abs() <= 1e-12 * (1.0 + naive.abs()));
                }
            }
        }
    }

    #[test]
    fn combine_matches_naive() {
        for (m, n) in [(1, 5), (3, 2049), (6, 17), (9, 4100)] {
            let j = sample(m, n, 7 + m as u64);
            let w: Vec<f64> = (0..m).map(|i| i as f64 - 1.5).collect();
            let d = combine(&j, &w);
            for (k, dk) in d.iter().enumerate() {
                let naive: f64 = (0..m).map(|i| w[i] * j.get(i, k)).sum();
                assert!((dk - naive).abs() <= 1e-12);
            }
        }
    }

    #[test]
    fn scaled_gramian_survives_overflow_and_underflow() {
        for factor in [1e200, 1e-180] {
            let j = Matrix::from_rows(&[[3.0 * factor, 4.0 * factor], [factor, 0.0]]).unwrap();
            let sg = Gramian::new(&j);
            let g = sg.normalized().unwrap();
            // G ∝ [[25, 3], [3, 1]], trace 26.
            assert!((g.get(0, 0) - 25.0 / 26.0).abs() < 1e-14);
            assert!((g.get(0, 1) - 3.0 / 26.0).abs() < 1e-14);
            assert!(sg.scale != 1.0);
        }
        let zero = Matrix::zeros(2, 3);
        assert!(Gramian::new(&zero).normalized().is_none());
    }
}
