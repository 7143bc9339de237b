//! The DTLZ suite (Deb, Thiele, Laumanns & Zitzler 2005): seven problems scalable in the number
//! of objectives m ≥ 2, defined exactly as in pymoo 0.6.
//!
//! The variables split into m − 1 position variables `x_p = (x_1, …, x_{m−1})` and
//! k = n − m + 1 distance variables `x_d = (x_m, …, x_n)`; the Pareto set is where the distance
//! function g reaches its minimum. Sizes: n_obj ≥ 2 and n_var ≥ n_obj (k ≥ 1); the default
//! `n_var` is `n_obj + k − 1` with the paper's k (5 for DTLZ1, 10 for DTLZ2–6, 20 for DTLZ7).
//! pymoo's own default is n_var = 10 (7 for DTLZ1) for every m, i.e. k = 8 at m = 3: pass it
//! explicitly to reproduce pymoo's default setting.

use std::f64::consts::PI;
use std::fmt;

use candle_core::Tensor;
use tradeoff_pareto::Matrix;

use crate::error::Result;
use crate::problem::{Problem, ProblemInfo};
use crate::registry::{ProblemEntry, ProblemSpec, free_size};
use crate::zdt::{DERIVATIVE_FLOOR, front_from_columns, linspace, synthetic_problem};

const CITATION: &str = "K. Deb, L. Thiele, M. Laumanns, E. Zitzler. Scalable test problems for \
     evolutionary multiobjective optimization. In Evolutionary Multiobjective Optimization, \
     Springer, 2005, pp. 105-145";

// ---------------------------------------------------------------------------------------------
// Shared pieces: sizes, distance functions, shape functions, lattice.
// ---------------------------------------------------------------------------------------------

/// Checks `n_obj ≥ 2` and `n_var ≥ n_obj` (at least one distance variable).
pub(crate) fn check_sizes(name: &str, n_var: usize, n_obj: usize) -> Result<(usize, usize)> {
    let n_obj = free_size(name, "n_obj", n_obj, 2, Some(n_obj))?;
    let n_var = free_size(name, "n_var", n_var, n_obj, Some(n_var))?;
    Ok((n_var, n_obj))
}

/// Sizes from a registry spec: `n_obj` defaults to 3, `n_var` to `n_obj + k − 1`.
pub(crate) fn spec_sizes(name: &str, k: usize, spec: &ProblemSpec) -> Result<(usize, usize)> {
    let n_obj = free_size(name, "n_obj", 3, 2, spec.n_obj)?;
    let n_var = free_size(name, "n_var", n_obj + k - 1, n_obj, spec.n_var)?;
    Ok((n_var, n_obj))
}

/// `[0, 1]^n` box, reference point of ones, DTLZ citation.
fn base_info(name: &str, n_var: usize, n_obj: usize) -> ProblemInfo {
    ProblemInfo::new(name, n_var, n_obj)
        .with_uniform_bounds(0.0, 1.0)
        .with_citation(CITATION)
}

/// DTLZ1/3's multimodal distance: `100·(k + Σ ((x − ½)² − cos(20π(x − ½))))`.
fn g_multimodal(xd: &[f64]) -> f64 {
    let s: f64 = xd
        .iter()
        .map(|&x| (x - 0.5) * (x - 0.5) - (20.0 * PI * (x - 0.5)).cos())
        .sum();
    100.0 * (xd.len() as f64 + s)
}

/// `∂g/∂x` of [`g_multimodal`] for one distance variable.
fn dg_multimodal(x: f64) -> f64 {
    100.0 * (2.0 * (x - 0.5) + 20.0 * PI * (20.0 * PI * (x - 0.5)).sin())
}

/// DTLZ2/4/5's distance: `Σ (x − ½)²`.
fn g_sphere(xd: &[f64]) -> f64 {
    xd.iter().map(|&x| (x - 0.5) * (x - 0.5)).sum()
}

/// `∂g/∂x` of [`g_sphere`].
fn dg_sphere(x: f64) -> f64 {
    2.0 * (x - 0.5)
}

/// The two tensor distance functions, on the `[K, k]` distance block; results are `[K, 1]`.
fn g_multimodal_tensor(xd: &Tensor) -> candle_core::Result<Tensor> {
    let k = xd.dim(1)? as f64;
    let d = (xd - 0.5)?;
    let terms = (d.sqr()? - (&d * (20.0 * PI))?.cos()?)?;
    terms.sum_keepdim(1)?.affine(100.0, 100.0 * k)
}

fn g_sphere_tensor(xd: &Tensor) -> candle_core::Result<Tensor> {
    (xd - 0.5)?.sqr()?.sum_keepdim(1)
}

/// Product of a slice with entry `skip` left out.
fn product_except(values: &[f64], skip: usize) -> f64 {
    values
        .iter()
        .enumerate()
        .filter(|&(q, _)| q != skip)
        .map(|(_, v)| v)
        .product()
}

/// DTLZ1's (and MaF1's) linear shape of objective `i` (0-based) over the `m − 1` position
/// variables: `Π_{j<L} x_j · (1 − x_L)` with `L = m − 1 − i` (no last factor for `i = 0`).
pub(crate) fn linear_shape(xp: &[f64], i: usize) -> f64 {
    let l = xp.len() - i;
    let mut q: f64 = xp[..l].iter().product();
    if i > 0 {
        q *= 1.0 - xp[l];
    }
    q
}

/// `∂/∂x_j` of [`linear_shape`] for every position variable, into `out` (length `m − 1`).
pub(crate) fn linear_shape_grad(xp: &[f64], i: usize, out: &mut [f64]) {
    let l = xp.len() - i;
    let tail = if i > 0 { 1.0 - xp[l] } else { 1.0 };
    out.fill(0.0);
    for (j, d) in out[..l].iter_mut().enumerate() {
        *d = product_except(&xp[..l], j) * tail;
    }
    if i > 0 {
        out[l] = -xp[..l].iter().product::<f64>();
    }
}

/// The linear shape functions as `[K, 1]` tensors, one per objective.
pub(crate) fn linear_shape_tensors(xp: &Tensor, n_obj: usize) -> candle_core::Result<Vec<Tensor>> {
    let p = n_obj - 1;
    let columns = (0..p)
        .map(|j| xp.narrow(1, j, 1))
        .collect::<candle_core::Result<Vec<_>>>()?;
    (0..n_obj)
        .map(|i| {
            let l = p - i;
            let mut q = columns[..l]
                .iter()
                .try_fold(xp.narrow(1, 0, 1)?.ones_like()?, |acc, c| acc * c)?;
            if i > 0 {
                q = (q * columns[l].affine(-1.0, 1.0)?)?;
            }
            Ok(q)
        })
        .collect()
}

/// Spherical shape of objective `i`: `Π_{j<L} cos θ_j · sin θ_L` (no sine for `i = 0`), with
/// `L = m − 1 − i`; `sin`/`cos` hold `sin θ_j`, `cos θ_j` for the m − 1 angles.
fn sphere_shape(sin: &[f64], cos: &[f64], i: usize) -> f64 {
    let l = cos.len() - i;
    let mut p: f64 = cos[..l].iter().product();
    if i > 0 {
        p *= sin[l];
    }
    p
}

/// `∂/∂u_j` of [`sphere_shape`] where `θ_j = u_j·π/2`, into `out` (length `m − 1`).
fn sphere_shape_grad(sin: &[f64], cos: &[f64], i: usize, out: &mut [f64]) {
    let l = cos.len() - i;
    let tail = if i > 0 { sin[l] } else { 1.0 };
    out.fill(0.0);
    for (j, d) in out[..l].iter_mut().enumerate() {
        *d = -PI / 2.0 * sin[j] * product_except(&cos[..l], j) * tail;
    }
    if i > 0 {
        out[l] = PI / 2.0 * cos[l] * cos[..l].iter().product::<f64>();
    }
}

/// Fills `scratch` with `[sin θ, cos θ, ∂P_i/∂u (m rows of m − 1)]` for the angles
/// `θ_j = u_j·π/2`, where `u_j = u_of(j, x_j)` for the position variables `xp`, and returns the
/// three slices. The gradient block is only filled when `with_grad` is set.
fn sphere_parts<'a>(
    xp: &[f64],
    u_of: impl Fn(usize, f64) -> f64,
    with_grad: bool,
    scratch: &'a mut Vec<f64>,
) -> (&'a [f64], &'a [f64], &'a [f64]) {
    let p = xp.len();
    let m = p + 1;
    scratch.clear();
    scratch.resize(2 * p + m * p, 0.0);
    let (sin, rest) = scratch.split_at_mut(p);
    let (cos, grad) = rest.split_at_mut(p);
    for (j, ((s, c), &v)) in sin.iter_mut().zip(cos.iter_mut()).zip(xp).enumerate() {
        // pymoo's order of operations: u·π/2.
        (*s, *c) = (u_of(j, v) * PI / 2.0).sin_cos();
    }
    if with_grad {
        for (i, row) in grad.chunks_mut(p).enumerate() {
            sphere_shape_grad(sin, cos, i, row);
        }
    }
    (sin, cos, grad)
}

/// Writes `f_i = (1 + g)·P_i` for the spherical shape (pymoo's order: `((1 + g)·Π cos)·sin`).
fn sphere_objectives(sin: &[f64], cos: &[f64], g: f64, f: &mut [f64]) {
    let p = cos.len();
    for (i, fi) in f.iter_mut().enumerate() {
        let l = p - i;
        let mut v = (1.0 + g) * cos[..l].iter().product::<f64>();
        if i > 0 {
            v *= sin[l];
        }
        *fi = v;
    }
}

/// The spherical objectives `(1 + g)·P_i(u)` as a `[K, m]` tensor from the `m − 1` fractions
/// `u_j` (`[K, 1]` each) and `g` (`[K, 1]`).
fn sphere_tensor(u: &[Tensor], g: &Tensor) -> candle_core::Result<Tensor> {
    let p = u.len();
    let scaled = u
        .iter()
        .map(|t| t * (PI / 2.0))
        .collect::<candle_core::Result<Vec<_>>>()?;
    let cos = scaled
        .iter()
        .map(Tensor::cos)
        .collect::<candle_core::Result<Vec<_>>>()?;
    let one_plus_g = (g + 1.0)?;
    let mut f = Vec::with_capacity(p + 1);
    for i in 0..=p {
        let l = p - i;
        let mut v = cos[..l]
            .iter()
            .try_fold(one_plus_g.clone(), |acc, c| acc * c)?;
        if i > 0 {
            v = (v * scaled[l].sin()?)?;
        }
        f.push(v);
    }
    Tensor::cat(&f, 1)
}

/// The `m − 1` position columns of `x` (`[K, 1]` each).
fn position_columns(x: &Tensor, n_obj: usize) -> candle_core::Result<Vec<Tensor>> {
    (0..n_obj - 1).map(|j| x.narrow(1, j, 1)).collect()
}

/// About `n_points` points of the unit simplex `{w ≥ 0, Σ w = 1}` in `n_obj` dimensions: the
/// Das–Dennis lattice `w = c/h` (c non-negative integers summing to h) whose size
/// `C(h + m − 1, m − 1)` is closest to `n_points` (h ≥ 1, ties to the smaller lattice).
pub(crate) fn simplex_lattice(n_obj: usize, n_points: usize) -> Matrix {
    let count =
        |h: usize| -> f64 { (1..n_obj).fold(1.0, |acc, i| acc * (h + i) as f64 / i as f64) };
    let target = n_points as f64;
    let mut h = 1;
    while count(h) < target {
        h += 1;
    }
    if h > 1 && target - count(h - 1) <= count(h) - target {
        h -= 1;
    }
    let mut points = Vec::new();
    let mut current = vec![0usize; n_obj];
    compositions(h, 0, &mut current, &mut points);
    let rows = points.len() / n_obj;
    let data = points.into_iter().map(|c| c as f64 / h as f64).collect();
    Matrix::from_vec(rows, n_obj, data).expect("the lattice has rows × n_obj entries")
}

/// Appends every composition of `left` into the slots `index..` of `current` to `out`.
fn compositions(left: usize, index: usize, current: &mut [usize], out: &mut Vec<usize>) {
    if index + 1 == current.len() {
        current[index] = left;
        out.extend_from_slice(current);
        return;
    }
    for c in (0..=left).rev() {
        current[index] = c;
        compositions(left - c, index + 1, current, out);
    }
}

/// Each lattice row scaled to unit Euclidean norm (the positive orthant of the unit sphere).
fn sphere_front(n_obj: usize, n_points: usize) -> Matrix {
    let mut front = simplex_lattice(n_obj, n_points);
    for k in 0..front.n_rows() {
        let row = front.row_mut(k);
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        row.iter_mut().for_each(|v| *v /= norm);
    }
    front
}

macro_rules! dtlz_struct {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $k:expr, $build:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $ty {
            info: ProblemInfo,
        }

        impl $ty {
            /// The paper's number of distance variables k; the default `n_var` is `n_obj + k − 1`.
            pub const DEFAULT_K: usize = $k;

            /// The problem with `n_var` variables and `n_obj` objectives (`n_obj ≥ 2`,
            /// `n_var ≥ n_obj`).
            pub fn new(n_var: usize, n_obj: usize) -> Result<Self> {
                let (n_var, n_obj) = check_sizes($name, n_var, n_obj)?;
                Ok(Self {
                    info: Self::make_info(n_var, n_obj),
                })
            }
        }

        impl Default for $ty {
            /// Three objectives and `n_var = 2 + k`.
            fn default() -> Self {
                Self {
                    info: Self::make_info(3 + $k - 1, 3),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.info.name)
            }
        }

        fn $build(spec: &ProblemSpec) -> Result<Box<dyn Problem>> {
            let (n_var, n_obj) = spec_sizes($name, $k, spec)?;
            Ok(Box::new($ty::new(n_var, n_obj)?))
        }
    };
}

// ---------------------------------------------------------------------------------------------
// DTLZ1
// ---------------------------------------------------------------------------------------------

dtlz_struct!(
    /// DTLZ1: linear front (a simplex), multimodal distance function.
    ///
    /// Deb, Thiele, Laumanns & Zitzler, "Scalable test problems for evolutionary multiobjective
    /// optimization", in Evolutionary Multiobjective Optimization, Springer 2005, §6.1.
    ///
    /// ```text
    /// g   = 100·(k + Σ_{i=m}^{n} ((x_i − ½)² − cos(20π(x_i − ½))))
    /// f_1 = ½(1 + g)·x_1 ⋯ x_{m−1}
    /// f_i = ½(1 + g)·x_1 ⋯ x_{m−i}·(1 − x_{m−i+1})     (i = 2, …, m)
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n_obj ≥ 2, n_var ≥ n_obj, default k = 5 (n = 7 at m = 3).
    /// - Pareto set: distance variables = ½ (g = 0); 11^k − 1 local fronts.
    /// - True front: the simplex Σ f_i = ½, f ≥ 0; ideal 0, nadir ½. [`Problem::pareto_front`]
    ///   samples it on a Das–Dennis lattice with about `n_points` points.
    /// - Reference point: 1 in every objective.
    ///
    /// Differences from LibMOON: none in the values; LibMOON fixes m = 3, its default bounds
    /// have length 30 whatever `n_var` is, and it has no front.
    Dtlz1,
    "DTLZ1",
    5,
    build_dtlz1
);

impl Dtlz1 {
    fn make_info(n_var: usize, n_obj: usize) -> ProblemInfo {
        base_info("DTLZ1", n_var, n_obj)
            .with_reference_point(vec![1.0; n_obj])
            .with_ideal_nadir(vec![0.0; n_obj], vec![0.5; n_obj])
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, scratch: &mut Vec<f64>) {
        let (n, m) = (x.len(), f.len());
        let (xp, xd) = x.split_at(m - 1);
        let g = g_multimodal(xd);
        for (i, fi) in f.iter_mut().enumerate() {
            // pymoo's order: (½(1 + g)·Π x)·(1 − x_L).
            let l = m - 1 - i;
            let mut v = 0.5 * (1.0 + g) * xp[..l].iter().product::<f64>();
            if i > 0 {
                v *= 1.0 - xp[l];
            }
            *fi = v;
        }
        if let Some(jac) = jac {
            scratch.resize(m - 1, 0.0);
            for (i, row) in jac.chunks_mut(n).enumerate() {
                linear_shape_grad(xp, i, scratch);
                for (d, &s) in row.iter_mut().zip(scratch.iter()) {
                    *d = 0.5 * (1.0 + g) * s;
                }
                let q = linear_shape(xp, i);
                for (d, &xj) in row[m - 1..].iter_mut().zip(xd) {
                    *d = 0.5 * q * dg_multimodal(xj);
                }
            }
        }
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (n, m) = (self.info.n_var, self.info.n_obj);
        let g = g_multimodal_tensor(&x.narrow(1, m - 1, n - m + 1)?)?;
        let half = g.affine(0.5, 0.5)?;
        let shapes = linear_shape_tensors(&x.narrow(1, 0, m - 1)?, m)?;
        let f = shapes
            .iter()
            .map(|q| &half * q)
            .collect::<candle_core::Result<Vec<_>>>()?;
        Tensor::cat(&f, 1)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let mut front = simplex_lattice(self.info.n_obj, n_points);
        front.as_mut_slice().iter_mut().for_each(|v| *v *= 0.5);
        Some(front)
    }
}

synthetic_problem!(Dtlz1);

// ---------------------------------------------------------------------------------------------
// DTLZ2, DTLZ3, DTLZ4: the spherical shape with u = x^α.
// ---------------------------------------------------------------------------------------------

/// One row of DTLZ2/3/4: spherical shape of `u_j = x_j^α` with distance `g`/`dg`.
fn power_sphere_row(
    alpha: f64,
    g_of: fn(&[f64]) -> f64,
    dg_of: fn(f64) -> f64,
    x: &[f64],
    f: &mut [f64],
    jac: Option<&mut [f64]>,
    scratch: &mut Vec<f64>,
) {
    let (n, m) = (x.len(), f.len());
    let p = m - 1;
    let (xp, xd) = x.split_at(p);
    let g = g_of(xd);
    let u_of = |_: usize, v: f64| if alpha == 1.0 { v } else { v.powf(alpha) };
    let (sin, cos, grad) = sphere_parts(xp, u_of, jac.is_some(), scratch);
    sphere_objectives(sin, cos, g, f);
    if let Some(jac) = jac {
        for (i, row) in jac.chunks_mut(n).enumerate() {
            let dp = &grad[i * p..(i + 1) * p];
            for ((d, &dpj), &xj) in row.iter_mut().zip(dp).zip(xp) {
                let du = if alpha == 1.0 {
                    1.0
                } else {
                    alpha * xj.powf(alpha - 1.0)
                };
                *d = (1.0 + g) * dpj * du;
            }
            let shape = sphere_shape(sin, cos, i);
            for (d, &xj) in row[p..].iter_mut().zip(xd) {
                *d = shape * dg_of(xj);
            }
        }
    }
}

dtlz_struct!(
    /// DTLZ2: spherical (concave) front.
    ///
    /// Deb, Thiele, Laumanns & Zitzler, Springer 2005, §6.2.
    ///
    /// ```text
    /// g   = Σ_{i=m}^{n} (x_i − ½)²,   θ_j = x_j·π/2
    /// f_1 = (1 + g)·cos θ_1 ⋯ cos θ_{m−1}
    /// f_i = (1 + g)·cos θ_1 ⋯ cos θ_{m−i}·sin θ_{m−i+1}     (i = 2, …, m)
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n_obj ≥ 2, n_var ≥ n_obj, default k = 10 (n = 12 at m = 3).
    /// - Pareto set: distance variables = ½ (g = 0).
    /// - True front: the unit sphere's positive orthant, ‖f‖ = 1; ideal 0, nadir 1.
    ///   [`Problem::pareto_front`] projects a Das–Dennis lattice of about `n_points` points onto it.
    /// - Reference point: 1 in every objective.
    ///
    /// Differences from LibMOON: none in the values; LibMOON fixes m = 3 and has no front.
    Dtlz2,
    "DTLZ2",
    10,
    build_dtlz2
);

impl Dtlz2 {
    fn make_info(n_var: usize, n_obj: usize) -> ProblemInfo {
        base_info("DTLZ2", n_var, n_obj)
            .with_reference_point(vec![1.0; n_obj])
            .with_ideal_nadir(vec![0.0; n_obj], vec![1.0; n_obj])
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, scratch: &mut Vec<f64>) {
        power_sphere_row(1.0, g_sphere, dg_sphere, x, f, jac, scratch);
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (n, m) = (self.info.n_var, self.info.n_obj);
        let g = g_sphere_tensor(&x.narrow(1, m - 1, n - m + 1)?)?;
        sphere_tensor(&position_columns(x, m)?, &g)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        Some(sphere_front(self.info.n_obj, n_points))
    }
}

synthetic_problem!(Dtlz2);

dtlz_struct!(
    /// DTLZ3: spherical front with DTLZ1's multimodal distance function.
    ///
    /// Deb, Thiele, Laumanns & Zitzler, Springer 2005, §6.3.
    ///
    /// ```text
    /// g   = 100·(k + Σ_{i=m}^{n} ((x_i − ½)² − cos(20π(x_i − ½)))),   θ_j = x_j·π/2
    /// f_i = as DTLZ2
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n_obj ≥ 2, n_var ≥ n_obj, default k = 10 (n = 12 at m = 3).
    /// - Pareto set: distance variables = ½ (g = 0); 3^k − 1 local fronts.
    /// - True front: ‖f‖ = 1, f ≥ 0; ideal 0, nadir 1 (Das–Dennis sample, as [`Dtlz2`]).
    /// - Reference point: 1 in every objective.
    ///
    /// Differences from LibMOON: none in the values; LibMOON fixes m = 3, its default bounds
    /// have length 30 whatever `n_var` is, and it has no front.
    Dtlz3,
    "DTLZ3",
    10,
    build_dtlz3
);

impl Dtlz3 {
    fn make_info(n_var: usize, n_obj: usize) -> ProblemInfo {
        base_info("DTLZ3", n_var, n_obj)
            .with_reference_point(vec![1.0; n_obj])
            .with_ideal_nadir(vec![0.0; n_obj], vec![1.0; n_obj])
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, scratch: &mut Vec<f64>) {
        power_sphere_row(1.0, g_multimodal, dg_multimodal, x, f, jac, scratch);
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (n, m) = (self.info.n_var, self.info.n_obj);
        let g = g_multimodal_tensor(&x.narrow(1, m - 1, n - m + 1)?)?;
        sphere_tensor(&position_columns(x, m)?, &g)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        Some(sphere_front(self.info.n_obj, n_points))
    }
}

synthetic_problem!(Dtlz3);

/// DTLZ4: spherical front with a biased density (`θ_j = x_j^α·π/2`, α = 100).
///
/// Deb, Thiele, Laumanns & Zitzler, Springer 2005, §6.4.
///
/// ```text
/// g   = Σ_{i=m}^{n} (x_i − ½)²,   θ_j = x_j^α·π/2,   α = 100
/// f_i = as DTLZ2
/// ```
///
/// - Domain: `[0, 1]^n`, n_obj ≥ 2, n_var ≥ n_obj, default k = 10 (n = 12 at m = 3).
/// - Parameter: α, default 100 (the paper's and pymoo's value), any finite α > 0 through
///   [`Dtlz4::with_alpha`].
/// - Pareto set: distance variables = ½ (g = 0).
/// - True front: ‖f‖ = 1, f ≥ 0; ideal 0, nadir 1 (Das–Dennis sample, as [`Dtlz2`]).
/// - Reference point: 1 in every objective.
///
/// Differences from LibMOON: LibMOON uses α = 20, so its values differ from the paper's;
/// `Dtlz4::with_alpha(n_var, 3, 20.0)` reproduces them. LibMOON fixes m = 3 and has no front.
#[derive(Clone, Debug, PartialEq)]
pub struct Dtlz4 {
    info: ProblemInfo,
    alpha: f64,
}

impl Dtlz4 {
    /// The paper's number of distance variables k; the default `n_var` is `n_obj + k − 1`.
    pub const DEFAULT_K: usize = 10;
    /// The paper's bias exponent α.
    pub const DEFAULT_ALPHA: f64 = 100.0;

    /// The problem with `n_var` variables and `n_obj` objectives (`n_obj ≥ 2`, `n_var ≥ n_obj`)
    /// and α = 100.
    pub fn new(n_var: usize, n_obj: usize) -> Result<Self> {
        Self::with_alpha(n_var, n_obj, Self::DEFAULT_ALPHA)
    }

    /// The problem with a bias exponent `alpha` (finite, > 0) other than 100.
    pub fn with_alpha(n_var: usize, n_obj: usize, alpha: f64) -> Result<Self> {
        let (n_var, n_obj) = check_sizes("DTLZ4", n_var, n_obj)?;
        if !(alpha.is_finite() && alpha > 0.0) {
            return Err(crate::error::Error::Unsupported {
                problem: "DTLZ4".to_string(),
                what: format!("alpha must be finite and positive, got {alpha}"),
            });
        }
        Ok(Self {
            info: Self::make_info(n_var, n_obj),
            alpha,
        })
    }

    /// The bias exponent α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    fn make_info(n_var: usize, n_obj: usize) -> ProblemInfo {
        base_info("DTLZ4", n_var, n_obj)
            .with_reference_point(vec![1.0; n_obj])
            .with_ideal_nadir(vec![0.0; n_obj], vec![1.0; n_obj])
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, scratch: &mut Vec<f64>) {
        power_sphere_row(self.alpha, g_sphere, dg_sphere, x, f, jac, scratch);
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (n, m) = (self.info.n_var, self.info.n_obj);
        let g = g_sphere_tensor(&x.narrow(1, m - 1, n - m + 1)?)?;
        let u = position_columns(x, m)?
            .iter()
            .map(|c| c.powf(self.alpha))
            .collect::<candle_core::Result<Vec<_>>>()?;
        sphere_tensor(&u, &g)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        Some(sphere_front(self.info.n_obj, n_points))
    }
}

impl Default for Dtlz4 {
    /// Three objectives, `n_var = 12`, α = 100.
    fn default() -> Self {
        Self {
            info: Self::make_info(3 + Self::DEFAULT_K - 1, 3),
            alpha: Self::DEFAULT_ALPHA,
        }
    }
}

impl fmt::Display for Dtlz4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.info.name)
    }
}

fn build_dtlz4(spec: &ProblemSpec) -> Result<Box<dyn Problem>> {
    let (n_var, n_obj) = spec_sizes("DTLZ4", Dtlz4::DEFAULT_K, spec)?;
    Ok(Box::new(Dtlz4::new(n_var, n_obj)?))
}

synthetic_problem!(Dtlz4);

// ---------------------------------------------------------------------------------------------
// DTLZ5, DTLZ6: degenerate fronts.
// ---------------------------------------------------------------------------------------------

/// One row of DTLZ5/6: `u_1 = x_1`, `u_j = (1 + 2g·x_j)/(2(1 + g))` for j ≥ 2.
fn degenerate_row(
    g_of: fn(&[f64]) -> f64,
    dg_of: fn(f64) -> f64,
    x: &[f64],
    f: &mut [f64],
    jac: Option<&mut [f64]>,
    scratch: &mut Vec<f64>,
) {
    let (n, m) = (x.len(), f.len());
    let p = m - 1;
    let (xp, xd) = x.split_at(p);
    let g = g_of(xd);
    let u_of = |j: usize, v: f64| {
        if j == 0 {
            v
        } else {
            // pymoo's order: 1/(2(1 + g))·(1 + 2g·x).
            1.0 / (2.0 * (1.0 + g)) * (1.0 + 2.0 * g * v)
        }
    };
    let (sin, cos, grad) = sphere_parts(xp, u_of, jac.is_some(), scratch);
    sphere_objectives(sin, cos, g, f);
    if let Some(jac) = jac {
        for (i, row) in jac.chunks_mut(n).enumerate() {
            let dp = &grad[i * p..(i + 1) * p];
            // ∂u_1/∂x_1 = 1; ∂u_j/∂x_j = g/(1 + g) for j ≥ 2.
            row[0] = (1.0 + g) * dp[0];
            for (d, &dpj) in row[1..p].iter_mut().zip(&dp[1..]) {
                *d = g * dpj;
            }
            // Through g: ∂f_i/∂g = P_i + (1 + g)·Σ_{j≥2} ∂P_i/∂u_j·(2x_j − 1)/(2(1 + g)²).
            let through_u: f64 =
                (1..p).map(|j| dp[j] * (2.0 * xp[j] - 1.0)).sum::<f64>() / (2.0 * (1.0 + g));
            let df_dg = sphere_shape(sin, cos, i) + through_u;
            for (d, &xj) in row[p..].iter_mut().zip(xd) {
                *d = df_dg * dg_of(xj);
            }
        }
    }
}

/// The DTLZ5/6 objectives as a tensor, given `g` (`[K, 1]`).
fn degenerate_tensor(x: &Tensor, n_obj: usize, g: &Tensor) -> candle_core::Result<Tensor> {
    let columns = position_columns(x, n_obj)?;
    let denominator = g.affine(2.0, 2.0)?;
    let mut u = Vec::with_capacity(columns.len());
    for (j, c) in columns.into_iter().enumerate() {
        if j == 0 {
            u.push(c);
        } else {
            u.push(((c * g)?.affine(2.0, 1.0)? / &denominator)?);
        }
    }
    sphere_tensor(&u, g)
}

/// The g = 0 curve of DTLZ5/6 for m = 2 (quarter circle) and m = 3 (quarter circle in the plane
/// f1 = f2); `None` for m ≥ 4.
fn degenerate_front(n_obj: usize, n_points: usize) -> Option<Matrix> {
    let phi = linspace(0.0, PI / 2.0, n_points.max(2));
    match n_obj {
        2 => Some(front_from_columns(&[
            phi.iter().map(|t| t.cos()).collect(),
            phi.iter().map(|t| t.sin()).collect(),
        ])),
        3 => {
            let c: Vec<f64> = phi
                .iter()
                .map(|t| t.cos() * std::f64::consts::FRAC_1_SQRT_2)
                .collect();
            Some(front_from_columns(&[
                c.clone(),
                c,
                phi.iter().map(|t| t.sin()).collect(),
            ]))
        }
        _ => None,
    }
}

/// Metadata of DTLZ5/6: ideal and nadir of the curve where it is the front (m ≤ 3).
fn degenerate_info(name: &str, n_var: usize, n_obj: usize) -> ProblemInfo {
    let info = base_info(name, n_var, n_obj).with_reference_point(vec![1.1; n_obj]);
    match n_obj {
        2 => info.with_ideal_nadir(vec![0.0; 2], vec![1.0; 2]),
        3 => info.with_ideal_nadir(
            vec![0.0; 3],
            vec![
                std::f64::consts::FRAC_1_SQRT_2,
                std::f64::consts::FRAC_1_SQRT_2,
                1.0,
            ],
        ),
        _ => info,
    }
}

dtlz_struct!(
    /// DTLZ5: degenerate front (a curve), as defined in pymoo.
    ///
    /// Deb, Thiele, Laumanns & Zitzler, Springer 2005, §6.5.
    ///
    /// ```text
    /// g   = Σ_{i=m}^{n} (x_i − ½)²
    /// θ_1 = x_1·π/2,   θ_j = (1 + 2g·x_j)/(2(1 + g))·π/2   (j = 2, …, m − 1)
    /// f_i = as DTLZ2 with these angles
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n_obj ≥ 2, n_var ≥ n_obj, default k = 10 (n = 12 at m = 3;
    ///   pymoo's default is n = 10).
    /// - Pareto set (m ≤ 3): distance variables = ½ (g = 0), so θ_j = π/4 for j ≥ 2.
    /// - True front: m = 2, the quarter circle ‖f‖ = 1; m = 3, the quarter circle
    ///   (cos φ/√2, cos φ/√2, sin φ), φ ∈ [0, π/2] (ideal 0, nadir (1/√2, 1/√2, 1)).
    ///   [`Problem::pareto_front`] samples φ evenly. For m ≥ 4 it returns `None` and no ideal or
    ///   nadir is set: the g = 0 curve is then not the whole front, as points with g > 0 are
    ///   non-dominated too (Ishibuchi, Masuda & Nojima, IEEE TEVC 20(5), 2016).
    /// - Reference point: 1.1 in every objective (the front lies in the unit cube; 10% margin).
    ///
    /// Differences from LibMOON: LibMOON does not provide DTLZ5.
    Dtlz5,
    "DTLZ5",
    10,
    build_dtlz5
);

impl Dtlz5 {
    fn make_info(n_var: usize, n_obj: usize) -> ProblemInfo {
        degenerate_info("DTLZ5", n_var, n_obj)
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, scratch: &mut Vec<f64>) {
        degenerate_row(g_sphere, dg_sphere, x, f, jac, scratch);
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (n, m) = (self.info.n_var, self.info.n_obj);
        let g = g_sphere_tensor(&x.narrow(1, m - 1, n - m + 1)?)?;
        degenerate_tensor(x, m, &g)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        degenerate_front(self.info.n_obj, n_points)
    }
}

synthetic_problem!(Dtlz5);

/// DTLZ6's distance: `Σ x^0.1`.
fn g_root(xd: &[f64]) -> f64 {
    xd.iter().map(|x| x.powf(0.1)).sum()
}

/// `∂g/∂x = 0.1·x^−0.9`, +∞ at x = 0 (the Pareto set): evaluated at the floor there.
fn dg_root(x: f64) -> f64 {
    0.1 * x.max(DERIVATIVE_FLOOR).powf(-0.9)
}

dtlz_struct!(
    /// DTLZ6: DTLZ5 with the harder distance function g = Σ x_i^0.1, as defined in pymoo.
    ///
    /// Deb, Thiele, Laumanns & Zitzler, Springer 2005, §6.6.
    ///
    /// ```text
    /// g   = Σ_{i=m}^{n} x_i^0.1
    /// θ_1 = x_1·π/2,   θ_j = (1 + 2g·x_j)/(2(1 + g))·π/2   (j = 2, …, m − 1)
    /// f_i = as DTLZ2 with these angles
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n_obj ≥ 2, n_var ≥ n_obj, default k = 10 (n = 12 at m = 3;
    ///   pymoo's default is n = 10).
    /// - Pareto set (m ≤ 3): distance variables = 0 (g = 0).
    /// - True front: as [`Dtlz5`] (quarter circles for m = 2, 3; `None` for m ≥ 4, for the same
    ///   reason).
    /// - Reference point: 1.1 in every objective.
    /// - Gradient: ∂g/∂x_i = 0.1·x_i^−0.9 is +∞ at x_i = 0, which is the Pareto set; the analytic
    ///   Jacobian evaluates it at x_i = ε there (about 1.1·10¹³).
    ///
    /// Differences from LibMOON: LibMOON does not provide DTLZ6.
    Dtlz6,
    "DTLZ6",
    10,
    build_dtlz6
);

impl Dtlz6 {
    fn make_info(n_var: usize, n_obj: usize) -> ProblemInfo {
        degenerate_info("DTLZ6", n_var, n_obj)
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, scratch: &mut Vec<f64>) {
        degenerate_row(g_root, dg_root, x, f, jac, scratch);
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (n, m) = (self.info.n_var, self.info.n_obj);
        let g = x.narrow(1, m - 1, n - m + 1)?.powf(0.1)?.sum_keepdim(1)?;
        degenerate_tensor(x, m, &g)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        degenerate_front(self.info.n_obj, n_points)
    }
}

synthetic_problem!(Dtlz6);

// ---------------------------------------------------------------------------------------------
// DTLZ7: disconnected front.
// ---------------------------------------------------------------------------------------------

/// Local maximum of φ(t) = t·(1 + sin 3πt) on [0, 1]: the end of the first optimal interval.
const DTLZ7_A1: f64 = 0.251_411_836_088_917_1;
/// φ(b1) = φ(a1), b1 > a1: the start of the second optimal interval.
const DTLZ7_B1: f64 = 0.631_626_530_700_061_3;
/// Global maximum of φ on [0, 1]: the end of the second optimal interval.
const DTLZ7_A2: f64 = 0.859_400_856_644_723_9;

/// φ(t) = t·(1 + sin 3πt), so that on the front f_m = 2m − Σ_{i<m} φ(f_i).
fn dtlz7_phi(t: f64) -> f64 {
    t * (1.0 + (3.0 * PI * t).sin())
}

/// `c` points spread evenly (in length) over T = [0, a1] ∪ (b1, a2], the values of f_i
/// (i < m) that appear on DTLZ7's front.
fn dtlz7_optimal_values(c: usize) -> Vec<f64> {
    let length = DTLZ7_A1 + (DTLZ7_A2 - DTLZ7_B1);
    linspace(0.0, length, c)
        .into_iter()
        .map(|s| {
            if s <= DTLZ7_A1 {
                s
            } else {
                DTLZ7_B1 + (s - DTLZ7_A1)
            }
        })
        .collect()
}

/// DTLZ7: disconnected front of 2^(m−1) patches.
///
/// Deb, Thiele, Laumanns & Zitzler, Springer 2005, §6.7.
///
/// ```text
/// f_i = x_i                                   (i = 1, …, m − 1)
/// g   = 1 + 9/k · Σ_{i=m}^{n} x_i
/// h   = m − Σ_{i<m} f_i/(1 + g) · (1 + sin(3π f_i))
/// f_m = (1 + g)·h
/// ```
///
/// - Domain: `[0, 1]^n`, n_obj ≥ 2, n_var ≥ n_obj, default k = 20 (n = 22 at m = 3; pymoo's
///   default is n = 10).
/// - Pareto set: distance variables = 0 (g = 1), and each x_i (i < m) in
///   T = [0, a1] ∪ (b1, a2] with a1 = 0.2514118361, b1 = 0.6316265307, a2 = 0.8594008566
///   (the values where φ(t) = t(1 + sin 3πt) exceeds φ at every smaller t).
/// - True front: f_m = 2m − Σ_{i<m} φ(f_i) over f_i ∈ T. The problem is separable, so this
///   holds for every m (four patches at m = 3). [`Problem::pareto_front`] lays a grid of
///   `c^(m−1)` points over T^(m−1), with c = round(n_points^(1/(m−1))) evenly spread in length
///   over T. Ideal (0, …, 0, 2m − (m−1)·φ(a2)) (2.6140087310 at m = 3), nadir
///   (a2, …, a2, 2m).
/// - Reference point: 1.1 × nadir, (0.9453, …, 0.9453, 2.2m): the nadir plus a 10% margin.
///
/// Differences from LibMOON: LibMOON does not provide DTLZ7. pymoo's own front for m ≠ 3
/// samples f_i over all of [0, 1] without a dominance filter, so it contains dominated points.
#[derive(Clone, Debug, PartialEq)]
pub struct Dtlz7 {
    info: ProblemInfo,
}

impl Dtlz7 {
    /// The paper's number of distance variables k; the default `n_var` is `n_obj + k − 1`.
    pub const DEFAULT_K: usize = 20;

    /// The problem with `n_var` variables and `n_obj` objectives (`n_obj ≥ 2`, `n_var ≥ n_obj`).
    pub fn new(n_var: usize, n_obj: usize) -> Result<Self> {
        let (n_var, n_obj) = check_sizes("DTLZ7", n_var, n_obj)?;
        Ok(Self {
            info: Self::make_info(n_var, n_obj),
        })
    }

    fn make_info(n_var: usize, n_obj: usize) -> ProblemInfo {
        let m = n_obj as f64;
        let mut ideal = vec![0.0; n_obj];
        ideal[n_obj - 1] = 2.0 * m - (m - 1.0) * dtlz7_phi(DTLZ7_A2);
        let mut nadir = vec![DTLZ7_A2; n_obj];
        nadir[n_obj - 1] = 2.0 * m;
        let reference = nadir.iter().map(|v| 1.1 * v).collect();
        base_info("DTLZ7", n_var, n_obj)
            .with_reference_point(reference)
            .with_ideal_nadir(ideal, nadir)
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, _: &mut Vec<f64>) {
        let (n, m) = (x.len(), f.len());
        let k = n - m + 1;
        let (xp, xd) = x.split_at(m - 1);
        let g = 1.0 + 9.0 / k as f64 * xd.iter().sum::<f64>();
        f[..m - 1].copy_from_slice(xp);
        let s: f64 = xp
            .iter()
            .map(|&t| t / (1.0 + g) * (1.0 + (3.0 * PI * t).sin()))
            .sum();
        f[m - 1] = (1.0 + g) * (m as f64 - s);
        if let Some(jac) = jac {
            let (head, last) = jac.split_at_mut((m - 1) * n);
            for (i, row) in head.chunks_mut(n).enumerate() {
                row[i] = 1.0;
            }
            // f_m = (1 + g)·m − Σ φ(x_i).
            for (d, &t) in last.iter_mut().zip(xp) {
                let (sin, cos) = (3.0 * PI * t).sin_cos();
                *d = -(1.0 + sin + 3.0 * PI * t * cos);
            }
            last[m - 1..].fill(m as f64 * 9.0 / k as f64);
        }
    }

    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (n, m) = (self.info.n_var, self.info.n_obj);
        let k = n - m + 1;
        let xp = x.narrow(1, 0, m - 1)?;
        let one_plus_g = x
            .narrow(1, m - 1, k)?
            .sum_keepdim(1)?
            .affine(9.0 / k as f64, 2.0)?;
        let wave = (&xp * (3.0 * PI))?.sin()?.affine(1.0, 1.0)?;
        let s = (xp.broadcast_div(&one_plus_g)? * wave)?.sum_keepdim(1)?;
        let last = (&one_plus_g * s.affine(-1.0, m as f64)?)?;
        Tensor::cat(&[xp, last], 1)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let m = self.info.n_obj;
        let d = m - 1;
        let c = ((n_points.max(1) as f64).powf(1.0 / d as f64).round() as usize).max(1);
        let values = dtlz7_optimal_values(c);
        let rows = c.pow(d as u32);
        let mut front = Matrix::zeros(rows, m);
        for r in 0..rows {
            let mut index = r;
            let row = front.row_mut(r);
            let mut sum_phi = 0.0;
            for v in row[..d].iter_mut() {
                *v = values[index % c];
                index /= c;
                sum_phi += dtlz7_phi(*v);
            }
            row[d] = 2.0 * m as f64 - sum_phi;
        }
        Some(front)
    }
}

impl Default for Dtlz7 {
    /// Three objectives and `n_var = 22`.
    fn default() -> Self {
        Self {
            info: Self::make_info(3 + Self::DEFAULT_K - 1, 3),
        }
    }
}

impl fmt::Display for Dtlz7 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.info.name)
    }
}

fn build_dtlz7(spec: &ProblemSpec) -> Result<Box<dyn Problem>> {
    let (n_var, n_obj) = spec_sizes("DTLZ7", Dtlz7::DEFAULT_K, spec)?;
    Ok(Box::new(Dtlz7::new(n_var, n_obj)?))
}

synthetic_problem!(Dtlz7);

/// Registry rows of this family.
pub(crate) const ENTRIES: &[ProblemEntry] = &[
    ProblemEntry {
        name: "dtlz1",
        family: "DTLZ",
        summary: "m objectives (default 3), linear front, multimodal g (default n = m + 4)",
        build: build_dtlz1,
    },
    ProblemEntry {
        name: "dtlz2",
        family: "DTLZ",
        summary: "m objectives (default 3), spherical front (default n = m + 9)",
        build: build_dtlz2,
    },
    ProblemEntry {
        name: "dtlz3",
        family: "DTLZ",
        summary: "m objectives (default 3), spherical front, multimodal g (default n = m + 9)",
        build: build_dtlz3,
    },
    ProblemEntry {
        name: "dtlz4",
        family: "DTLZ",
        summary: "m objectives (default 3), spherical front, biased density alpha = 100",
        build: build_dtlz4,
    },
    ProblemEntry {
        name: "dtlz5",
        family: "DTLZ",
        summary: "m objectives (default 3), degenerate front (a curve for m <= 3)",
        build: build_dtlz5,
    },
    ProblemEntry {
        name: "dtlz6",
        family: "DTLZ",
        summary: "m objectives (default 3), degenerate front, hard g = sum x^0.1",
        build: build_dtlz6,
    },
    ProblemEntry {
        name: "dtlz7",
        family: "DTLZ",
        summary: "m objectives (default 3), 2^(m-1) disconnected patches (default n = m + 19)",
        build: build_dtlz7,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn n_obj_below_two_is_rejected() {
        assert!(matches!(
            Dtlz2::new(5, 1),
            Err(Error::InvalidSize {
                what: "n_obj",
                got: 1,
                ..
            })
        ));
    }

    #[test]
    fn n_var_below_n_obj_is_rejected() {
        assert!(matches!(
            Dtlz1::new(2, 3),
            Err(Error::InvalidSize {
                what: "n_var",
                got: 2,
                ..
            })
        ));
        let spec = ProblemSpec::new("dtlz7").n_obj(5).n_var(4);
        assert!(matches!(
            build_dtlz7(&spec),
            Err(Error::InvalidSize {
                what: "n_var",
                got: 4,
                ..
            })
        ));
    }

    #[test]
    fn alpha_must_be_positive() {
        assert!(matches!(
            Dtlz4::with_alpha(5, 3, 0.0),
            Err(Error::Unsupported { .. })
        ));
        assert!(Dtlz4::with_alpha(5, 3, f64::NAN).is_err());
    }

    #[test]
    fn lattice_sizes() {
        assert_eq!(simplex_lattice(2, 50).n_rows(), 50);
        assert_eq!(simplex_lattice(3, 100).n_rows(), 105); // h = 13, closer than 91
        assert_eq!(simplex_lattice(3, 91).n_rows(), 91);
        assert_eq!(simplex_lattice(5, 1).n_rows(), 5); // corners only
        let lattice = simplex_lattice(4, 30);
        for row in lattice.rows() {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        }
    }

    #[test]
    fn hand_computed_dtlz2() {
        // x = (0, ½, ½): θ = 0, g = 0: f = (1, 0).
        let f = Dtlz2::new(3, 2)
            .unwrap()
            .evaluate(&Matrix::from_rows(&[[0.0, 0.5, 0.5]]).unwrap())
            .unwrap();
        assert!((f.get(0, 0) - 1.0).abs() < 1e-15 && f.get(0, 1).abs() < 1e-15);
    }

    #[test]
    fn dtlz7_intervals_are_where_phi_increases_past_its_past() {
        assert!((dtlz7_phi(DTLZ7_A1) - dtlz7_phi(DTLZ7_B1)).abs() < 1e-14);
        let d = |t: f64| 1.0 + (3.0 * PI * t).sin() + 3.0 * PI * t * (3.0 * PI * t).cos();
        assert!(d(DTLZ7_A1).abs() < 1e-13 && d(DTLZ7_A2).abs() < 1e-13);
    }

    #[test]
    fn types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Dtlz1>();
        check::<Dtlz2>();
        check::<Dtlz3>();
        check::<Dtlz4>();
        check::<Dtlz5>();
        check::<Dtlz6>();
        check::<Dtlz7>();
    }
}
