//! Shared support for the aggregator integration tests: seeded matrix samplers, fixed input sets,
//! property asserts and the reference vectors of `tests/fixtures/aggregators.json`.
//!
//! Use it from a test file with `mod common;`. Every random draw is seeded. The asserts follow
//! TorchJD's `tests/unit/aggregation/_asserts.py` (see `/work/shared/notes/aggregators.md` §2.4);
//! each call of an aggregator goes through [`run`], which resets the method first, so properties
//! are checked on first-call behaviour (stateful and randomised methods included).

#![allow(dead_code)]

use std::sync::OnceLock;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use serde_json::Value;
use tradeoff_pareto::Matrix;
use tradeoff_solvers::{Aggregation, Aggregator, StepInput, aggregate};

// ------------------------------------------------------------------------------------------
// Vectors and matrices

/// `Σ a_i b_i`.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `‖v‖₂`.
pub fn norm(v: &[f64]) -> f64 {
    dot(v, v).sqrt()
}

/// `max_i |v_i|` (0 for an empty vector).
pub fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |a, x| a.max(x.abs()))
}

/// `‖J‖_F`.
pub fn frobenius(j: &Matrix) -> f64 {
    norm(j.as_slice())
}

/// `J d` (length `n_obj`).
pub fn mat_vec(j: &Matrix, d: &[f64]) -> Vec<f64> {
    j.rows().map(|r| dot(r, d)).collect()
}

/// `Jᵀ w` (length `n_var`), computed naively.
pub fn combine(j: &Matrix, w: &[f64]) -> Vec<f64> {
    let mut d = vec![0.0; j.n_cols()];
    for (row, &wi) in j.rows().zip(w) {
        for (dk, gk) in d.iter_mut().zip(row) {
            *dk += wi * gk;
        }
    }
    d
}

/// `G = JJᵀ`, computed naively (row-major `n_obj × n_obj`).
pub fn gramian(j: &Matrix) -> Vec<f64> {
    let m = j.n_rows();
    let mut g = vec![0.0; m * m];
    for a in 0..m {
        for b in 0..m {
            g[a * m + b] = dot(j.row(a), j.row(b));
        }
    }
    g
}

/// `c·J`.
pub fn scaled(j: &Matrix, c: f64) -> Matrix {
    let data = j.as_slice().iter().map(|v| v * c).collect();
    Matrix::from_vec(j.n_rows(), j.n_cols(), data).unwrap()
}

/// `diag(c)·J`: row `i` times `c_i`.
pub fn scale_rows(j: &Matrix, c: &[f64]) -> Matrix {
    let mut out = j.clone();
    for (i, &ci) in c.iter().enumerate() {
        for v in out.row_mut(i) {
            *v *= ci;
        }
    }
    out
}

/// Rows of `j` in the order `perm` (row `k` of the result is row `perm[k]` of `j`).
pub fn permute_rows(j: &Matrix, perm: &[usize]) -> Matrix {
    j.select_rows(perm)
}

/// Builds a matrix from literal rows.
pub fn matrix<R: AsRef<[f64]>>(rows: &[R]) -> Matrix {
    Matrix::from_rows(rows).unwrap()
}

/// `|a_k − e_k| ≤ atol + rtol·|e_k|` for every `k`, with a readable message.
pub fn assert_close(actual: &[f64], expected: &[f64], atol: f64, rtol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    for (k, (a, e)) in actual.iter().zip(expected).enumerate() {
        let ok = (a - e).abs() <= atol + rtol * e.abs() || (a.is_nan() && e.is_nan());
        assert!(
            ok,
            "{what}: entry {k}: got {a:e}, expected {e:e} (atol {atol:e}, rtol {rtol:e})\n  got      {actual:?}\n  expected {expected:?}"
        );
    }
}

/// Like [`assert_close`], with the absolute tolerance relative to the largest expected entry:
/// `|a_k − e_k| ≤ tol·max(max_j |e_j|, floor)`.
pub fn assert_close_scaled(actual: &[f64], expected: &[f64], tol: f64, floor: f64, what: &str) {
    let scale = max_abs(expected).max(floor);
    assert_close(actual, expected, tol * scale, 0.0, what);
}

// ------------------------------------------------------------------------------------------
// Samplers

/// Seeded random matrices of a given rank or stationarity class (TorchJD's
/// `_matrix_samplers.py`).
pub struct Sampler {
    rng: StdRng,
}

impl Sampler {
    /// A sampler with its own generator.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// The generator (for permutations and scalings in the asserts).
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// A standard normal draw.
    pub fn normal(&mut self) -> f64 {
        self.rng.sample(StandardNormal)
    }

    /// A uniform draw in `[0, 1)`.
    pub fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// A uniformly random permutation of `0..m`.
    pub fn permutation(&mut self, m: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..m).collect();
        p.shuffle(&mut self.rng);
        p
    }

    /// An `m × n` matrix of i.i.d. standard normal entries.
    pub fn gaussian(&mut self, m: usize, n: usize) -> Matrix {
        let data = (0..m * n).map(|_| self.normal()).collect();
        Matrix::from_vec(m, n, data).unwrap()
    }

    /// `k ≤ dim` orthonormal vectors of length `dim` (Gram–Schmidt on Gaussian vectors: Haar).
    pub fn orthonormal(&mut self, dim: usize, k: usize) -> Vec<Vec<f64>> {
        assert!(k <= dim, "at most dim orthonormal vectors");
        let mut basis: Vec<Vec<f64>> = Vec::with_capacity(k);
        while basis.len() < k {
            let mut v: Vec<f64> = (0..dim).map(|_| self.normal()).collect();
            for _ in 0..2 {
                for b in &basis {
                    let p = dot(&v, b);
                    for (vi, bi) in v.iter_mut().zip(b) {
                        *vi -= p * bi;
                    }
                }
            }
            let nv = norm(&v);
            if nv > 1e-8 {
                basis.push(v.iter().map(|x| x / nv).collect());
            }
        }
        basis
    }

    /// An `m × n` matrix of rank `r` (`r ≤ min(m, n)`): `U diag(|s|) Vᵀ` with Haar `U`, `V` and
    /// `s` standard normal (TorchJD's `NormalSampler`).
    pub fn with_rank(&mut self, m: usize, n: usize, r: usize) -> Matrix {
        assert!(r <= m.min(n), "rank at most min(m, n)");
        let u = self.orthonormal(m, r);
        let v = self.orthonormal(n, r);
        let s: Vec<f64> = (0..r).map(|_| self.normal().abs()).collect();
        let mut j = Matrix::zeros(m, n);
        for k in 0..r {
            for (i, &uki) in u[k].iter().enumerate() {
                for (c, &vkc) in v[k].iter().enumerate() {
                    let cur = j.get(i, c);
                    j.set(i, c, cur + uki * s[k] * vkc);
                }
            }
        }
        j
    }

    /// An `m × n` matrix of rank at most `r` with a positive `v` such that `vᵀJ = 0`: every
    /// direction conflicts with some row (strongly stationary).
    pub fn strongly_stationary(&mut self, m: usize, n: usize, r: usize) -> Matrix {
        let a = self.with_rank(m, n, r.min(m.min(n)));
        let v: Vec<f64> = (0..m).map(|_| 0.1 + self.uniform()).collect();
        let vv = dot(&v, &v);
        // J = (I − vvᵀ/‖v‖²) A.
        let mut j = a.clone();
        for c in 0..n {
            let col: Vec<f64> = (0..m).map(|i| a.get(i, c)).collect();
            let p = dot(&v, &col) / vv;
            for i in 0..m {
                j.set(i, c, col[i] - p * v[i]);
            }
        }
        j
    }

    /// An `m × n` matrix (`n ≥ 1`) with a direction `d` such that `Jd > 0` (not weakly
    /// stationary): random rows shifted along a common unit vector.
    pub fn non_weak(&mut self, m: usize, n: usize) -> Matrix {
        let mut j = self.gaussian(m, n);
        let d = &self.orthonormal(n, 1)[0];
        for i in 0..m {
            let p = dot(j.row(i), d);
            let shift = 0.5 + self.uniform() - p;
            for (x, dk) in j.row_mut(i).iter_mut().zip(d) {
                *x += shift * dk;
            }
        }
        j
    }

    /// `dim − basis.len()` orthonormal vectors of length `dim` orthogonal to the orthonormal
    /// `basis`, uniformly distributed (TorchJD's `_sample_semi_orthonormal_complement`: Gaussian
    /// vectors projected off the basis, then orthonormalised).
    pub fn orthonormal_complement(&mut self, dim: usize, basis: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let mut all: Vec<Vec<f64>> = basis.to_vec();
        while all.len() < dim {
            let mut v: Vec<f64> = (0..dim).map(|_| self.normal()).collect();
            for _ in 0..2 {
                for b in &all {
                    let p = dot(&v, b);
                    for (vi, bi) in v.iter_mut().zip(b) {
                        *vi -= p * bi;
                    }
                }
            }
            let nv = norm(&v);
            if nv > 1e-8 {
                all.push(v.iter().map(|x| x / nv).collect());
            }
        }
        all.split_off(basis.len())
    }

    /// `Σ_k columns[k]·|s_k|·v_kᵀ` over the first `r` of `columns` (length `m`) with `v_k` Haar
    /// orthonormal in `R^n` and `s_k` standard normal: an `m × n` matrix of rank `r` whose
    /// left singular vectors are the given columns.
    fn with_left_singular_vectors(&mut self, columns: &[Vec<f64>], n: usize, r: usize) -> Matrix {
        let m = columns[0].len();
        let v = self.orthonormal(n, r);
        let s: Vec<f64> = (0..r).map(|_| self.normal().abs()).collect();
        let mut j = Matrix::zeros(m, n);
        for k in 0..r {
            for (i, &uki) in columns[k].iter().enumerate() {
                for (c, &vkc) in v[k].iter().enumerate() {
                    let cur = j.get(i, c);
                    j.set(i, c, cur + uki * s[k] * vkc);
                }
            }
        }
        j
    }

    /// TorchJD's `StrongSampler`: an `m × n` matrix of rank `r ≤ min(m − 1, n)` orthogonal to a
    /// positive `v` (`vᵀJ = 0`, `v > 0`: strongly stationary). Its left singular vectors are a
    /// uniformly random orthonormal basis of `v`'s complement.
    pub fn torchjd_strong(&mut self, m: usize, n: usize, r: usize) -> Matrix {
        assert!(
            m > 1 && r > 0 && r < m && r <= n,
            "TorchJD's rule: 0 < r ≤ min(m − 1, n)"
        );
        let v: Vec<f64> = (0..m).map(|_| self.normal().abs()).collect();
        let nv = norm(&v);
        let u1 = vec![v.iter().map(|x| x / nv).collect::<Vec<f64>>()];
        let u2 = self.orthonormal_complement(m, &u1);
        self.with_left_singular_vectors(&u2, n, r)
    }

    /// TorchJD's `StrictlyWeakSampler`: a positive `u` is split at a random index of a random
    /// permutation into two orthogonal non-negative unit vectors `v`, `v'`; the matrix (rank `r ≤
    /// min(m − 1, n)`) is orthogonal to `v` (weakly stationary: `vᵀJ = 0`, `v ≥ 0`) and has `v'`
    /// as a left singular vector with a positive singular value, so no positive `w` has `wᵀJ = 0`
    /// (not strongly stationary).
    pub fn torchjd_strictly_weak(&mut self, m: usize, n: usize, r: usize) -> Matrix {
        assert!(
            m > 1 && r > 0 && r < m && r <= n,
            "TorchJD's rule: 0 < r ≤ min(m − 1, n)"
        );
        let u: Vec<f64> = (0..m).map(|_| self.normal().abs()).collect();
        let split = self.rng.random_range(1..m);
        let perm = self.permutation(m);
        let mut v = vec![0.0; m];
        let mut v_prime = vec![0.0; m];
        for (k, &i) in perm.iter().enumerate() {
            if k < split {
                v[i] = u[i];
            } else {
                v_prime[i] = u[i];
            }
        }
        for w in [&mut v, &mut v_prime] {
            let nw = norm(w);
            w.iter_mut().for_each(|x| *x /= nw);
        }
        let basis = vec![v, v_prime];
        let complement = self.orthonormal_complement(m, &basis);
        // Columns 1..=r of [v, v', complement]: v' first, v left out.
        let mut columns = vec![basis[1].clone()];
        columns.extend(complement);
        self.with_left_singular_vectors(&columns, n, r)
    }

    /// TorchJD's `NonWeakSampler`: an `m × n` matrix of rank `r ≥ 1` with a positive left
    /// singular vector `u` (positive singular value), so no non-negative non-zero `v` has
    /// `vᵀJ = 0` (not weakly stationary).
    pub fn torchjd_non_weak(&mut self, m: usize, n: usize, r: usize) -> Matrix {
        assert!(r > 0 && r <= m.min(n), "TorchJD's rule: 0 < r ≤ min(m, n)");
        let u: Vec<f64> = (0..m).map(|_| self.normal().abs()).collect();
        let nu = norm(&u);
        let u1 = vec![u.iter().map(|x| x / nu).collect::<Vec<f64>>()];
        let mut columns = u1.clone();
        columns.extend(self.orthonormal_complement(m, &u1));
        self.with_left_singular_vectors(&columns, n, r)
    }
}

// ------------------------------------------------------------------------------------------
// Fixed input sets

/// A named input.
#[derive(Clone, Debug)]
pub struct Case {
    /// What it is, for messages.
    pub name: String,
    /// `J`, `n_obj × n_var`.
    pub jacobian: Matrix,
}

impl Case {
    /// A case.
    pub fn new(name: impl Into<String>, jacobian: Matrix) -> Self {
        Self {
            name: name.into(),
            jacobian,
        }
    }
}

/// Random matrices of given rank (TorchJD's normal set, plus `m = 1` and `m > n`) and the
/// three stationarity classes.
pub fn typical_matrices(seed: u64) -> Vec<Case> {
    let mut s = Sampler::new(seed);
    let mut out = Vec::new();
    for (m, n, r) in [
        (1, 1, 1),
        (1, 5, 1),
        (2, 5, 2),
        (4, 3, 1),
        (4, 3, 2),
        (4, 3, 3),
        (5, 40, 5),
        (9, 11, 5),
        (9, 11, 9),
        (12, 4, 4),
    ] {
        out.push(Case::new(
            format!("normal({m},{n},rank {r})"),
            s.with_rank(m, n, r),
        ));
    }
    for (m, n, r) in [
        (20, 10, 10),
        (20, 10, 5),
        (20, 10, 1),
        (6, 30, 5),
        (20, 100, 19),
    ] {
        out.push(Case::new(
            format!("strongly stationary({m},{n},rank ≤ {r})"),
            s.strongly_stationary(m, n, r),
        ));
    }
    for (m, n) in [(3, 2), (6, 30), (10, 10)] {
        out.push(Case::new(format!("non-weak({m},{n})"), s.non_weak(m, n)));
    }
    out
}

/// Hand-made degenerate inputs: zero matrices, a zero row, duplicate, parallel, opposite and
/// orthogonal rows, `m = 1`, `m > n`, a dominant row.
pub fn degenerate_matrices() -> Vec<Case> {
    vec![
        Case::new("zero 1x1", Matrix::zeros(1, 1)),
        Case::new("zero 4x3", Matrix::zeros(4, 3)),
        Case::new("zero 9x11", Matrix::zeros(9, 11)),
        Case::new("zero row", matrix(&[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])),
        Case::new(
            "zero rows 4x3",
            matrix(&[
                [0.0, 0.0, 0.0],
                [1.0, -1.0, 0.5],
                [0.0, 0.0, 0.0],
                [0.3, 0.2, 1.0],
            ]),
        ),
        Case::new("parallel", matrix(&[[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]])),
        Case::new("opposite", matrix(&[[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]])),
        Case::new(
            "duplicates",
            matrix(&[[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
        ),
        Case::new("orthogonal", matrix(&[[1.0, 0.0], [0.0, 1.0]])),
        Case::new("single row", matrix(&[[0.5, -2.0, 1.0]])),
        Case::new(
            "m > n",
            matrix(&[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5], [0.3, -1.0]]),
        ),
        Case::new(
            "dominant row",
            matrix(&[[1000.0, 1.0, 0.0], [0.0, 1.0, 1.0], [-1.0, 0.0, 1.0]]),
        ),
        Case::new(
            "opposite pair + other",
            matrix(&[[1.0, 0.0, 0.0], [-2.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
        ),
    ]
}

/// Random matrices times `{0, 1e-10, 1e-3, 1e3, 1e5, 1e10, 1e15}` (TorchJD's scaled set).
pub fn scaled_matrices(seed: u64) -> Vec<Case> {
    let mut s = Sampler::new(seed);
    let bases = [
        s.with_rank(2, 5, 2),
        s.with_rank(4, 3, 2),
        s.with_rank(9, 11, 9),
    ];
    let mut out = Vec::new();
    for base in &bases {
        for c in [0.0, 1e-10, 1e-3, 1e3, 1e5, 1e10, 1e15] {
            out.push(Case::new(
                format!("{}x{} × {c:e}", base.n_rows(), base.n_cols()),
                scaled(base, c),
            ));
        }
    }
    out
}

/// [`typical_matrices`], [`degenerate_matrices`] and [`scaled_matrices`].
pub fn all_matrices(seed: u64) -> Vec<Case> {
    let mut v = typical_matrices(seed);
    v.extend(degenerate_matrices());
    v.extend(scaled_matrices(seed.wrapping_add(1)));
    v
}

/// TorchJD's matrix families (`tests/unit/aggregation/_inputs.py` and `_matrix_samplers.py` of
/// TorchJD, rebuilt with our seeded generator: TorchJD's own draws come from torch's generator):
/// `strong`, `strictly weak` and `non-weak` matrices at TorchJD's stationarity sizes (20 × 10 of
/// rank 10, 5 and 1; 20 × 100 of rank 1 and 19), and TorchJD's normal matrices (1 × 1 to
/// 9 × 11) times its scales `{0, 1e-10, 1e3, 1e5, 1e10, 1e15}`.
pub fn torchjd_matrices(seed: u64) -> Vec<Case> {
    let mut s = Sampler::new(seed);
    let stationarity = [
        (20, 10, 10),
        (20, 10, 5),
        (20, 10, 1),
        (20, 100, 1),
        (20, 100, 19),
    ];
    let mut out = Vec::new();
    for (m, n, r) in stationarity {
        out.push(Case::new(
            format!("torchjd strong({m}x{n}, rank {r})"),
            s.torchjd_strong(m, n, r),
        ));
    }
    for (m, n, r) in stationarity {
        out.push(Case::new(
            format!("torchjd strictly weak({m}x{n}, rank {r})"),
            s.torchjd_strictly_weak(m, n, r),
        ));
    }
    for (m, n, r) in stationarity {
        out.push(Case::new(
            format!("torchjd non-weak({m}x{n}, rank {r})"),
            s.torchjd_non_weak(m, n, r),
        ));
    }
    let normal: Vec<Matrix> = [
        (1, 1, 1),
        (4, 3, 1),
        (4, 3, 2),
        (4, 3, 3),
        (9, 11, 5),
        (9, 11, 9),
    ]
    .into_iter()
    .map(|(m, n, r)| s.with_rank(m, n, r))
    .collect();
    for c in [0.0, 1e-10, 1e3, 1e5, 1e10, 1e15] {
        for base in &normal {
            out.push(Case::new(
                format!("torchjd normal {}x{} × {c:e}", base.n_rows(), base.n_cols()),
                scaled(base, c),
            ));
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// Asserts

/// Resets `agg`, then aggregates `j` through the validating entry point.
pub fn run(agg: &mut dyn Aggregator, j: &Matrix) -> Aggregation {
    agg.reset();
    aggregate(agg, &StepInput::new(j))
        .unwrap_or_else(|e| panic!("{}: aggregate failed: {e}", agg.info().name))
}

/// The output has length `n_var` and finite entries; weights, when given, have length `n_obj`,
/// are finite and give the direction (`d = Jᵀw` up to `1e-12` relative).
pub fn assert_expected_structure(agg: &mut dyn Aggregator, case: &Case) {
    let j = &case.jacobian;
    let a = run(agg, j);
    let name = agg.info().name;
    assert_eq!(
        a.direction.len(),
        j.n_cols(),
        "{name} on {}: direction length",
        case.name
    );
    assert!(
        a.direction.iter().all(|v| v.is_finite()),
        "{name} on {}: non-finite direction {:?}",
        case.name,
        a.direction
    );
    if let Some(w) = &a.weights {
        assert_eq!(
            w.len(),
            j.n_rows(),
            "{name} on {}: weights length",
            case.name
        );
        assert!(
            w.iter().all(|v| v.is_finite()),
            "{name} on {}: weights {w:?}",
            case.name
        );
        let d = combine(j, w);
        let scale = frobenius(j) * max_abs(w) + max_abs(&d);
        assert_close(
            &a.direction,
            &d,
            1e-12 * scale + f64::MIN_POSITIVE,
            0.0,
            &format!("{name} on {}: d = Jᵀw", case.name),
        );
    }
}

/// Non-conflicting: `(Jd)_i ≥ −((atol + 1e-13)·‖J‖_F² + rtol·‖J‖_F·‖d‖)` for every row.
///
/// `rtol` covers rounding relative to the largest possible `|⟨g_i, d⟩|`, and `1e-13·‖J‖_F²` the
/// rounding of a direction that is zero in exact arithmetic; `atol` covers methods whose guarantee
/// holds up to a regularisation of the trace-normalised Gramian (UPGrad and DualProj with
/// `reg_eps`: `(Jd)_i ≥ −reg_eps·‖J‖_F²·w_i`, so pass `reg_eps·max(1, max_k w_k)`).
pub fn assert_non_conflicting(j: &Matrix, d: &[f64], atol: f64, rtol: f64, what: &str) {
    let f = frobenius(j);
    let bound = (atol + 1e-13) * f * f + rtol * f * norm(d);
    for (i, v) in mat_vec(j, d).iter().enumerate() {
        assert!(
            *v >= -bound,
            "{what}: ⟨g_{i}, d⟩ = {v:e} < −{bound:e} (conflict)\n  d = {d:?}"
        );
    }
}

/// Weights on the probability simplex up to `tol`.
pub fn assert_weights_on_simplex(w: &[f64], tol: f64, what: &str) {
    assert!(
        w.iter().all(|&v| v >= -tol),
        "{what}: negative weight in {w:?}"
    );
    let s: f64 = w.iter().sum();
    assert!(
        (s - 1.0).abs() <= tol,
        "{what}: weights sum to {s}, not 1: {w:?}"
    );
}

/// `d(PJ) = d(J)` for `n_runs` random row permutations `P`, per entry up to
/// `atol·‖d‖ + floor·‖J‖_F·max(1, max_k |w_k|)` (`floor` is the size below which a direction
/// counts as zero: rounding, or a regularisation residue).
pub fn assert_permutation_invariant(
    agg: &mut dyn Aggregator,
    case: &Case,
    sampler: &mut Sampler,
    n_runs: usize,
    atol: f64,
    floor: f64,
) {
    let j = &case.jacobian;
    let a = run(agg, j);
    let d = a.direction;
    let tol = atol * norm(&d) + floor * frobenius(j) * weight_scale(a.weights.as_deref());
    for _ in 0..n_runs {
        let perm = sampler.permutation(j.n_rows());
        let dp = run(agg, &permute_rows(j, &perm)).direction;
        assert_close(
            &dp,
            &d,
            tol,
            0.0,
            &format!("{} on {}: permutation {perm:?}", agg.info().name, case.name),
        );
    }
}

/// Linear under scaling (TorchJD's definition): with `c₁, c₂ ~ U[0,1)^m` and `α, β ~ U[0,1)`,
/// `d(diag(αc₁ + βc₂)J) = α·d(diag(c₁)J) + β·d(diag(c₂)J)`, per entry up to
/// `atol·scale + floor·‖J‖_F` with `scale` the largest of the three norms (`floor`: see
/// [`assert_permutation_invariant`]).
pub fn assert_linear_under_scaling(
    agg: &mut dyn Aggregator,
    case: &Case,
    sampler: &mut Sampler,
    n_runs: usize,
    atol: f64,
    floor: f64,
) {
    let j = &case.jacobian;
    let m = j.n_rows();
    for _ in 0..n_runs {
        let c1: Vec<f64> = (0..m).map(|_| sampler.uniform()).collect();
        let c2: Vec<f64> = (0..m).map(|_| sampler.uniform()).collect();
        let (a, b) = (sampler.uniform(), sampler.uniform());
        let c: Vec<f64> = c1.iter().zip(&c2).map(|(x, y)| a * x + b * y).collect();
        let d1 = run(agg, &scale_rows(j, &c1)).direction;
        let d2 = run(agg, &scale_rows(j, &c2)).direction;
        let d = run(agg, &scale_rows(j, &c)).direction;
        let expected: Vec<f64> = d1.iter().zip(&d2).map(|(x, y)| a * x + b * y).collect();
        let scale = norm(&d).max(norm(&d1)).max(norm(&d2));
        assert_close(
            &d,
            &expected,
            atol * scale + floor * frobenius(j),
            0.0,
            &format!("{} on {}: linear under scaling", agg.info().name, case.name),
        );
    }
}

/// After [`Aggregator::reset`] the method repeats its first call exactly, even after other calls.
pub fn assert_reset_restores_first_call(agg: &mut dyn Aggregator, inputs: &[Matrix]) {
    agg.reset();
    let first: Vec<Aggregation> = inputs
        .iter()
        .map(|j| aggregate(agg, &StepInput::new(j)).unwrap())
        .collect();
    agg.reset();
    for (j, want) in inputs.iter().zip(&first) {
        let got = aggregate(agg, &StepInput::new(j)).unwrap();
        assert_eq!(&got, want, "{}: reset does not restore", agg.info().name);
    }
}

/// `max(1, max_k |w_k|)`, or 1 without weights.
pub fn weight_scale(weights: Option<&[f64]>) -> f64 {
    weights.map_or(1.0, |w| max_abs(w).max(1.0))
}

/// Tolerances for [`assert_claimed_properties`].
#[derive(Clone, Copy, Debug)]
pub struct PropertyTolerances {
    /// `atol` of [`assert_non_conflicting`], relative to `‖J‖_F²·max(1, max_k |w_k|)`.
    pub non_conflicting_atol: f64,
    /// `rtol` of [`assert_non_conflicting`] (relative to `‖J‖_F·‖d‖`).
    pub non_conflicting_rtol: f64,
    /// `atol` of [`assert_permutation_invariant`] (relative to `‖d‖`).
    pub permutation_atol: f64,
    /// `atol` of [`assert_linear_under_scaling`] (relative to the largest output norm).
    pub linear_atol: f64,
    /// Below `floor·‖J‖_F·max(1, max_k |w_k|)` a direction counts as zero in the permutation and
    /// linearity checks.
    pub floor: f64,
    /// Tolerance of [`assert_weights_on_simplex`].
    pub simplex_tol: f64,
}

impl Default for PropertyTolerances {
    fn default() -> Self {
        Self {
            non_conflicting_atol: 0.0,
            non_conflicting_rtol: 1e-10,
            permutation_atol: 1e-9,
            linear_atol: 1e-9,
            floor: 1e-13,
            simplex_tol: 1e-12,
        }
    }
}

/// Runs every check that `agg.info().properties` claims (plus the structure check) on `cases`:
/// a false claim fails here.
pub fn assert_claimed_properties(
    agg: &mut dyn Aggregator,
    cases: &[Case],
    seed: u64,
    tol: PropertyTolerances,
) {
    let props = agg.info().properties;
    let name = agg.info().name;
    let mut sampler = Sampler::new(seed);
    for case in cases {
        assert_expected_structure(agg, case);
        let a = run(agg, &case.jacobian);
        if props.non_conflicting {
            assert_non_conflicting(
                &case.jacobian,
                &a.direction,
                tol.non_conflicting_atol * weight_scale(a.weights.as_deref()),
                tol.non_conflicting_rtol,
                &format!("{name} on {}", case.name),
            );
        }
        if props.weights_on_simplex {
            let w = a
                .weights
                .as_ref()
                .expect("simplex weights claimed but none returned");
            assert_weights_on_simplex(w, tol.simplex_tol, &format!("{name} on {}", case.name));
        }
        if props.permutation_invariant {
            assert_permutation_invariant(
                agg,
                case,
                &mut sampler,
                3,
                tol.permutation_atol,
                tol.floor,
            );
        }
        if props.linear_under_scaling {
            assert_linear_under_scaling(agg, case, &mut sampler, 3, tol.linear_atol, tol.floor);
        }
    }
}

// ------------------------------------------------------------------------------------------
// Reference vectors (tests/fixtures/aggregators.json; layout in tests/fixtures/VECTORS-SCHEMA.md)

/// The parsed `aggregators.json`.
pub fn fixtures() -> &'static Value {
    static FIXTURES: OnceLock<Value> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/aggregators.json"
        );
        let text = std::fs::read_to_string(path).expect("read tests/fixtures/aggregators.json");
        serde_json::from_str(&text).expect("aggregators.json is valid JSON")
    })
}

/// A JSON number, or one of the strings `"nan"`, `"inf"`, `"-inf"`.
pub fn number(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("f64"),
        Value::String(s) => match s.as_str() {
            "nan" => f64::NAN,
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            other => panic!("unexpected string {other:?} in a numeric field"),
        },
        other => panic!("unexpected value {other} in a numeric field"),
    }
}

/// A JSON array of numbers.
pub fn vector(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(number).collect()
}

/// One fixture matrix with its metadata.
#[derive(Clone, Debug)]
pub struct FixtureMatrix {
    /// Its id (`torchjd_doc_2x3`, `zero_row_3x5`, …).
    pub id: String,
    /// Its kind, in words.
    pub kind: String,
    /// `J`.
    pub jacobian: Matrix,
    /// The loss values recorded with it.
    pub losses: Vec<f64>,
    /// The preference recorded with it.
    pub pref: Vec<f64>,
}

/// Every matrix of the fixture file, in file order.
pub fn fixture_matrices() -> Vec<FixtureMatrix> {
    fixtures()["matrices"]
        .as_array()
        .expect("matrices")
        .iter()
        .map(|m| {
            let rows: Vec<Vec<f64>> = m["J"].as_array().unwrap().iter().map(vector).collect();
            FixtureMatrix {
                id: m["id"].as_str().unwrap().to_string(),
                kind: m["kind"].as_str().unwrap_or("").to_string(),
                jacobian: Matrix::from_rows(&rows).unwrap(),
                losses: m.get("losses").map(vector).unwrap_or_default(),
                pref: m.get("pref").map(vector).unwrap_or_default(),
            }
        })
        .collect()
}

/// The fixture matrix `id`.
pub fn fixture_matrix(id: &str) -> FixtureMatrix {
    fixture_matrices()
        .into_iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no fixture matrix {id}"))
}

/// `results[id][library][name]`, or `None` when absent or recorded as `{"error": …}`.
pub fn reference(id: &str, library: &str, name: &str) -> Option<&'static Value> {
    let v = fixtures()["results"].get(id)?.get(library)?.get(name)?;
    if v.get("error").is_some() {
        None
    } else {
        Some(v)
    }
}

/// The error text a reference recorded instead of a value, if any.
pub fn reference_error(id: &str, library: &str, name: &str) -> Option<&'static str> {
    fixtures()["results"]
        .get(id)?
        .get(library)?
        .get(name)?
        .get("error")?
        .as_str()
}
