//! The ZDT suite (Zitzler, Deb & Thiele 2000): five two-objective problems on a box, defined
//! exactly as in pymoo 0.6.
//!
//! Every problem has the form f1 = f1(x1), f2 = g(x2..xn)·h(f1, g), and its Pareto set is the
//! set of points whose distance variables x2..xn minimise g (g = 1). This module also holds the
//! small helpers the synthetic families (ZDT, DTLZ, VLMOP, MaF) share: the row loops of
//! `evaluate`/`jacobian`, [`linspace`] and the derivative floor used at non-smooth points.

use std::f64::consts::PI;
use std::fmt;

use candle_core::Tensor;
use tradeoff_pareto::Matrix;

use crate::error::Result;
use crate::problem::{JacobianBatch, Problem, ProblemInfo};
use crate::registry::{ProblemEntry, ProblemSpec, fixed_size, free_size};

const CITATION: &str = "E. Zitzler, K. Deb, L. Thiele. Comparison of multiobjective evolutionary \
     algorithms: empirical results. Evolutionary Computation 8(2):173-195, 2000";

/// Smallest argument at which a derivative that is infinite at 0 (√t, t^0.25, t^0.1) is
/// evaluated: the analytic Jacobians return the derivative at `max(t, DERIVATIVE_FLOOR)`, which
/// is large, finite and of the right sign, instead of ±∞ (which would poison every Gramian).
pub(crate) const DERIVATIVE_FLOOR: f64 = f64::EPSILON;

/// `n` equally spaced values from `start` to `end`, both included (`[start]` when `n` is 1).
pub fn linspace(start: f64, end: f64, n: usize) -> Vec<f64> {
    match n {
        0 => Vec::new(),
        1 => vec![start],
        _ => {
            let step = (end - start) / (n - 1) as f64;
            (0..n)
                .map(|i| {
                    if i + 1 == n {
                        end
                    } else {
                        start + step * i as f64
                    }
                })
                .collect()
        }
    }
}

/// Evaluates a batch row by row: `row(x_k, f_k)` fills the `n_obj` objectives of one point.
///
/// The caller has already validated `x` with [`ProblemInfo::check_input`].
pub(crate) fn evaluate_rows(
    info: &ProblemInfo,
    x: &Matrix,
    mut row: impl FnMut(&[f64], &mut [f64]),
) -> Matrix {
    let mut f = Matrix::zeros(x.n_rows(), info.n_obj);
    for k in 0..x.n_rows() {
        row(x.row(k), f.row_mut(k));
    }
    f
}

/// Objectives and Jacobians row by row: `row(x_k, f_k, j_k)` fills one point's objectives and its
/// `n_obj × n_var` row-major Jacobian (which starts at zero).
///
/// The caller has already validated `x` with [`ProblemInfo::check_input`].
pub(crate) fn jacobian_rows(
    info: &ProblemInfo,
    x: &Matrix,
    mut row: impl FnMut(&[f64], &mut [f64], &mut [f64]),
) -> (Matrix, JacobianBatch) {
    let mut f = Matrix::zeros(x.n_rows(), info.n_obj);
    let mut jac = JacobianBatch::zeros(x.n_rows(), info.n_obj, info.n_var);
    for k in 0..x.n_rows() {
        row(x.row(k), f.row_mut(k), jac.point_mut(k));
    }
    (f, jac)
}

/// Implements [`Problem`] for a synthetic problem from its inherent methods:
/// `row(&self, x, f, jac, scratch)` (one point's objectives and, when `jac` is given, its
/// row-major `n_obj × n_var` Jacobian; `scratch` is a reusable buffer), `tensor(&self, x)` (the
/// candle graph) and `front(&self, n_points)`.
macro_rules! synthetic_problem {
    ($ty:ty) => {
        impl $crate::problem::Problem for $ty {
            fn info(&self) -> &$crate::problem::ProblemInfo {
                &self.info
            }

            fn evaluate_tensor(
                &self,
                x: &candle_core::Tensor,
            ) -> candle_core::Result<candle_core::Tensor> {
                self.tensor(x)
            }

            fn evaluate(
                &self,
                x: &tradeoff_pareto::Matrix,
            ) -> $crate::error::Result<tradeoff_pareto::Matrix> {
                self.info().check_input(x)?;
                let mut scratch = Vec::new();
                Ok($crate::zdt::evaluate_rows(&self.info, x, |x, f| {
                    self.row(x, f, None, &mut scratch)
                }))
            }

            fn jacobian(
                &self,
                x: &tradeoff_pareto::Matrix,
            ) -> $crate::error::Result<(tradeoff_pareto::Matrix, $crate::problem::JacobianBatch)>
            {
                self.info().check_input(x)?;
                let mut scratch = Vec::new();
                Ok($crate::zdt::jacobian_rows(&self.info, x, |x, f, j| {
                    self.row(x, f, Some(j), &mut scratch)
                }))
            }

            fn has_analytic_jacobian(&self) -> bool {
                true
            }

            fn pareto_front(&self, n_points: usize) -> Option<tradeoff_pareto::Matrix> {
                self.front(n_points)
            }
        }
    };
}
pub(crate) use synthetic_problem;

/// A front given as columns, as a matrix (`n_points × n_obj`).
pub(crate) fn front_from_columns(columns: &[Vec<f64>]) -> Matrix {
    let n = columns.first().map_or(0, Vec::len);
    let m = columns.len();
    let mut front = Matrix::zeros(n, m);
    for (i, column) in columns.iter().enumerate() {
        for (k, &v) in column.iter().enumerate() {
            front.set(k, i, v);
        }
    }
    front
}

/// `1 + 9·Σ_{j≥2} x_j / (n − 1)` as a `[K, 1]` tensor (ZDT1–3).
fn linear_g_tensor(x: &Tensor) -> candle_core::Result<Tensor> {
    let n = x.dim(1)?;
    x.narrow(1, 1, n - 1)?
        .sum_keepdim(1)?
        .affine(9.0 / (n - 1) as f64, 1.0)
}

/// The two tensor columns `[f1, f2]` joined into `[K, 2]`.
fn pair(f1: Tensor, f2: Tensor) -> candle_core::Result<Tensor> {
    Tensor::cat(&[f1, f2], 1)
}

/// ZDT1 and ZDT4 share `h = 1 − √(f1/g)`: returns `f2 = g·h`, `∂f2/∂f1` and `∂f2/∂g`.
fn sqrt_h(f1: f64, g: f64) -> (f64, f64, f64) {
    let r = f1 / g;
    let f2 = g * (1.0 - r.sqrt());
    // ∂f2/∂f1 = −½·√(g/f1), which is −∞ at f1 = 0: evaluated at the floor there.
    let d_f1 = -0.5 / r.max(DERIVATIVE_FLOOR).sqrt();
    // ∂f2/∂g = 1 − ½·√(f1/g), finite everywhere.
    let d_g = 1.0 - 0.5 * r.sqrt();
    (f2, d_f1, d_g)
}

/// The struct, constructors, `Display` and registry builder of a two-objective problem with a free
/// `n_var` (default `$default_n`, at least `$min_n`): ZDT and VLMOP share it.
macro_rules! two_objective_struct {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $default_n:expr, $min_n:expr, $build:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $ty {
            info: ProblemInfo,
        }

        impl $ty {
            /// The default number of decision variables.
            pub const DEFAULT_N_VAR: usize = $default_n;
            /// The smallest number of decision variables.
            pub const MIN_N_VAR: usize = $min_n;

            /// The problem with `n_var ≥ MIN_N_VAR` decision variables.
            pub fn new(n_var: usize) -> Result<Self> {
                let n_var = free_size($name, "n_var", n_var, Self::MIN_N_VAR, Some(n_var))?;
                Ok(Self {
                    info: Self::make_info(n_var),
                })
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                Self {
                    info: Self::make_info(Self::DEFAULT_N_VAR),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.info.name)
            }
        }

        fn $build(spec: &ProblemSpec) -> Result<Box<dyn Problem>> {
            fixed_size($name, "n_obj", 2, spec.n_obj)?;
            let n_var = free_size($name, "n_var", $ty::DEFAULT_N_VAR, $ty::MIN_N_VAR, spec.n_var)?;
            Ok(Box::new($ty::new(n_var)?))
        }
    };
}

pub(crate) use two_objective_struct;

macro_rules! zdt_struct {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $default_n:expr, $build:ident) => {
        two_objective_struct!($(#[$doc])* $ty, $name, $default_n, 2, $build);
    };
}

zdt_struct!(
    /// ZDT1: convex front.
    ///
    /// Zitzler, Deb & Thiele, "Comparison of multiobjective evolutionary algorithms: empirical
    /// results", Evolutionary Computation 8(2), 2000, problem T1.
    ///
    /// ```text
    /// f1 = x1
    /// g  = 1 + 9/(n − 1) · Σ_{i=2}^{n} x_i
    /// f2 = g · (1 − √(f1/g))
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n ≥ 2, default n = 30.
    /// - Pareto set: x1 ∈ [0, 1], x2..xn = 0 (g = 1).
    /// - True front: f2 = 1 − √f1, f1 ∈ [0, 1]; ideal (0, 0), nadir (1, 1).
    /// - Reference point: (1, 1).
    /// - Gradient: ∂f2/∂x1 = −½√(g/f1) is −∞ at x1 = 0; the analytic Jacobian evaluates it at
    ///   f1/g = ε (machine epsilon) there, about −3.4·10⁷.
    ///
    /// Differences from LibMOON: its torch path agrees with pymoo and with this; its numpy path
    /// returns f2 = 1 − √(f1/g), without the factor g (a bug).
    ///
    /// ```
    /// use tradeoff_problems::{Problem, Zdt1};
    /// use tradeoff_pareto::Matrix;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let problem = Zdt1::new(2)?;
    /// let f = problem.evaluate(&Matrix::from_rows(&[[0.25, 0.0]])?)?;
    /// assert!((f.get(0, 1) - 0.5).abs() < 1e-15); // on the front: 1 − √0.25
    /// # Ok(()) }
    /// ```
    Zdt1,
    "ZDT1",
    30,
    build_zdt1
);

zdt_struct!(
    /// ZDT2: concave front.
    ///
    /// Zitzler, Deb & Thiele, Evolutionary Computation 8(2), 2000, problem T2.
    ///
    /// ```text
    /// f1 = x1
    /// g  = 1 + 9/(n − 1) · Σ_{i=2}^{n} x_i
    /// f2 = g · (1 − (f1/g)²)
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n ≥ 2, default n = 30.
    /// - Pareto set: x1 ∈ [0, 1], x2..xn = 0.
    /// - True front: f2 = 1 − f1², f1 ∈ [0, 1]; ideal (0, 0), nadir (1, 1).
    /// - Reference point: (1, 1).
    ///
    /// Differences from LibMOON: none found (both of its paths agree with pymoo).
    Zdt2,
    "ZDT2",
    30,
    build_zdt2
);

zdt_struct!(
    /// ZDT3: disconnected front (five pieces).
    ///
    /// Zitzler, Deb & Thiele, Evolutionary Computation 8(2), 2000, problem T3.
    ///
    /// ```text
    /// f1 = x1
    /// g  = 1 + 9/(n − 1) · Σ_{i=2}^{n} x_i
    /// f2 = g · (1 − √(f1/g) − (f1/g) · sin(10π f1))
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n ≥ 2, default n = 30.
    /// - Pareto set: x2..xn = 0 and x1 in the five intervals below.
    /// - True front: f2 = 1 − √f1 − f1·sin(10π f1) restricted to its non-dominated pieces,
    ///   f1 ∈ [0, 0.0830015349] ∪ [0.1822287280, 0.2577623634] ∪ [0.4093136748, 0.4538821041]
    ///   ∪ [0.6183967944, 0.6525117038] ∪ [0.8233317983, 0.8518328654] (ends at local minima
    ///   of f2, starts where f2 falls back below the previous minimum; computed to 16 digits);
    ///   ideal (0, −0.7733690123), nadir (0.8518328654, 1).
    /// - Reference point: (1, 1).
    /// - Gradient: as for [`Zdt1`], ∂f2/∂x1 is evaluated at f1/g = ε when x1 = 0.
    /// - Front sampling: `n_points / 5` equally spaced points on each piece (the remainder goes to
    ///   the first pieces), as pymoo does. pymoo's piece bounds have 10 digits (9 for the second
    ///   start, 0.182228780, 5·10⁻⁸ inside the piece), and its pieces 3–5 start 10⁻¹¹ before the
    ///   true starts, at points dominated by about 10⁻¹⁰; ours are exact.
    ///
    /// Differences from LibMOON: its default bounds have length 30 whatever `n_var` is.
    Zdt3,
    "ZDT3",
    30,
    build_zdt3
);

zdt_struct!(
    /// ZDT4: convex front with many local fronts (21⁹ at n = 10; multimodal g).
    ///
    /// Zitzler, Deb & Thiele, Evolutionary Computation 8(2), 2000, problem T4.
    ///
    /// ```text
    /// f1 = x1
    /// g  = 1 + 10(n − 1) + Σ_{i=2}^{n} (x_i² − 10 cos(4π x_i))
    /// f2 = g · (1 − √(f1/g))
    /// ```
    ///
    /// - Domain: x1 ∈ [0, 1], x2..xn ∈ [−5, 5], n ≥ 2, default n = 10.
    /// - Pareto set: x1 ∈ [0, 1], x2..xn = 0.
    /// - True front: f2 = 1 − √f1, f1 ∈ [0, 1]; ideal (0, 0), nadir (1, 1).
    /// - Reference point: (1, 1).
    /// - Gradient: as for [`Zdt1`], ∂f2/∂x1 is evaluated at f1/g = ε when x1 = 0.
    ///
    /// Differences from LibMOON: none found in the values; its bounds have a fixed length of 10.
    Zdt4,
    "ZDT4",
    10,
    build_zdt4
);

zdt_struct!(
    /// ZDT6: concave, non-uniformly dense front.
    ///
    /// Zitzler, Deb & Thiele, Evolutionary Computation 8(2), 2000, problem T6.
    ///
    /// ```text
    /// f1 = 1 − exp(−4 x1) · sin⁶(6π x1)
    /// g  = 1 + 9 · (Σ_{i=2}^{n} x_i / (n − 1))^0.25
    /// f2 = g · (1 − (f1/g)²)
    /// ```
    ///
    /// - Domain: `[0, 1]^n`, n ≥ 2, default n = 10.
    /// - Pareto set: x2..xn = 0, x1 ∈ [0, 1]; f1 never goes below 0.2807753188 (its minimum,
    ///   at x1 = atan(9π)/(6π); pymoo rounds it up to 0.2807753191).
    /// - True front: f2 = 1 − f1², f1 ∈ [0.2807753188, 1]; ideal (0.2807753188, 0),
    ///   nadir (1, 0.9211652204).
    /// - Reference point: (1, 1).
    /// - Gradient: ∂g/∂x_i = (9/4)(n − 1)^−1 · s^−0.75 with s = Σ x_i/(n − 1) is +∞ on the Pareto
    ///   set (s = 0); the analytic Jacobian evaluates it at s = ε there.
    ///
    /// Differences from LibMOON: its `_get_pf` samples f1 over [0, 1], but f1 < 0.2807753188 is
    /// unattainable; its default bounds have length 30 whatever `n_var` is.
    Zdt6,
    "ZDT6",
    10,
    build_zdt6
);

/// The start of ZDT6's front: the minimum of `1 − exp(−4t)·sin⁶(6πt)` over [0, 1], reached at
/// t* = atan(9π)/(6π) = 0.0814577969 (pymoo rounds it up to 0.2807753191).
const ZDT6_F1_MIN: f64 = 0.280_775_318_815_369_77;

/// The five non-dominated pieces of ZDT3's front, in f1 = x1. Each piece ends at a local
/// minimum of f2 and the next one starts where f2 falls back below that minimum. The starts are
/// rounded up at the 11th decimal so that in floating point each start is strictly below the
/// previous end in f2 (pymoo's 10-digit bounds start pieces 3–5 at points dominated by 1e−10).
const ZDT3_REGIONS: [[f64; 2]; 5] = [
    [0.0, 0.083_001_534_926_911_63],
    [0.182_228_728_03, 0.257_762_363_387_830_2],
    [0.409_313_674_81, 0.453_882_104_088_830_2],
    [0.618_396_794_44, 0.652_511_703_804_662_5],
    [0.823_331_798_33, 0.851_832_865_436_413_9],
];

fn zdt3_front_f2(f1: f64) -> f64 {
    1.0 - f1.sqrt() - f1 * (10.0 * PI * f1).sin()
}

fn unit_box_info(name: &str, n_var: usize) -> ProblemInfo {
    ProblemInfo::new(name, n_var, 2)
        .with_uniform_bounds(0.0, 1.0)
        .with_reference_point(vec![1.0, 1.0])
        .with_citation(CITATION)
}

impl Zdt1 {
    fn make_info(n_var: usize) -> ProblemInfo {
        unit_box_info("ZDT1", n_var).with_ideal_nadir(vec![0.0, 0.0], vec![1.0, 1.0])
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, _: &mut Vec<f64>) {
        let n = x.len();
        let c = 9.0 / (n - 1) as f64;
        let f1 = x[0];
        let g = 1.0 + c * x[1..].iter().sum::<f64>();
        let (f2, d_f1, d_g) = sqrt_h(f1, g);
        f[0] = f1;
        f[1] = f2;
        if let Some(jac) = jac {
            jac[0] = 1.0;
            jac[n] = d_f1;
            jac[n + 1..].fill(d_g * c);
        }
    }
}

impl Zdt1 {
    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let f1 = x.narrow(1, 0, 1)?;
        let g = linear_g_tensor(x)?;
        let h = (&f1 / &g)?.sqrt()?.affine(-1.0, 1.0)?;
        pair(f1, (g * h)?)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let f1 = linspace(0.0, 1.0, n_points.max(2));
        let f2 = f1.iter().map(|t| 1.0 - t.sqrt()).collect();
        Some(front_from_columns(&[f1, f2]))
    }
}

synthetic_problem!(Zdt1);

impl Zdt2 {
    fn make_info(n_var: usize) -> ProblemInfo {
        unit_box_info("ZDT2", n_var).with_ideal_nadir(vec![0.0, 0.0], vec![1.0, 1.0])
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, _: &mut Vec<f64>) {
        let n = x.len();
        let f1 = x[0];
        // pymoo's order of operations: 1 + 9·c/(n − 1).
        let g = 1.0 + 9.0 * x[1..].iter().sum::<f64>() / (n - 1) as f64;
        let r = f1 / g;
        f[0] = f1;
        f[1] = g * (1.0 - r * r);
        if let Some(jac) = jac {
            jac[0] = 1.0;
            // f2 = g − f1²/g.
            jac[n] = -2.0 * r;
            jac[n + 1..].fill((1.0 + r * r) * 9.0 / (n - 1) as f64);
        }
    }
}

impl Zdt2 {
    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let f1 = x.narrow(1, 0, 1)?;
        let g = linear_g_tensor(x)?;
        let h = (&f1 / &g)?.sqr()?.affine(-1.0, 1.0)?;
        pair(f1, (g * h)?)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let f1 = linspace(0.0, 1.0, n_points.max(2));
        let f2 = f1.iter().map(|t| 1.0 - t * t).collect();
        Some(front_from_columns(&[f1, f2]))
    }
}

synthetic_problem!(Zdt2);

impl Zdt3 {
    fn make_info(n_var: usize) -> ProblemInfo {
        let last = ZDT3_REGIONS[4][1];
        unit_box_info("ZDT3", n_var)
            .with_ideal_nadir(vec![0.0, zdt3_front_f2(last)], vec![last, 1.0])
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, _: &mut Vec<f64>) {
        let n = x.len();
        let f1 = x[0];
        let g = 1.0 + 9.0 * x[1..].iter().sum::<f64>() / (n - 1) as f64;
        let r = f1 / g;
        let (s, c) = (10.0 * PI * f1).sin_cos();
        f[0] = f1;
        f[1] = g * (1.0 - r.sqrt() - r * s);
        if let Some(jac) = jac {
            jac[0] = 1.0;
            // f2 = g − √(f1·g) − f1·sin(10π f1).
            jac[n] = -0.5 / r.max(DERIVATIVE_FLOOR).sqrt() - s - 10.0 * PI * f1 * c;
            jac[n + 1..].fill((1.0 - 0.5 * r.sqrt()) * 9.0 / (n - 1) as f64);
        }
    }
}

impl Zdt3 {
    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let f1 = x.narrow(1, 0, 1)?;
        let g = linear_g_tensor(x)?;
        let r = (&f1 / &g)?;
        let wave = (&r * (&f1 * (10.0 * PI))?.sin()?)?;
        let h = ((r.sqrt()?.affine(-1.0, 1.0)?) - wave)?;
        pair(f1, (g * h)?)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let n_points = n_points.max(10);
        let (per, extra) = (n_points / 5, n_points % 5);
        let f1: Vec<f64> = ZDT3_REGIONS
            .iter()
            .enumerate()
            .flat_map(|(i, [a, b])| linspace(*a, *b, per + usize::from(i < extra)))
            .collect();
        let f2 = f1.iter().map(|&t| zdt3_front_f2(t)).collect();
        Some(front_from_columns(&[f1, f2]))
    }
}

synthetic_problem!(Zdt3);

impl Zdt4 {
    fn make_info(n_var: usize) -> ProblemInfo {
        let mut lower = vec![-5.0; n_var];
        let mut upper = vec![5.0; n_var];
        lower[0] = 0.0;
        upper[0] = 1.0;
        ProblemInfo::new("ZDT4", n_var, 2)
            .with_bounds(lower, upper)
            .with_reference_point(vec![1.0, 1.0])
            .with_ideal_nadir(vec![0.0, 0.0], vec![1.0, 1.0])
            .with_citation(CITATION)
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, _: &mut Vec<f64>) {
        let n = x.len();
        let f1 = x[0];
        let mut g = 1.0 + 10.0 * (n - 1) as f64;
        for &xi in &x[1..] {
            g += xi * xi - 10.0 * (4.0 * PI * xi).cos();
        }
        let (f2, d_f1, d_g) = sqrt_h(f1, g);
        f[0] = f1;
        f[1] = f2;
        if let Some(jac) = jac {
            jac[0] = 1.0;
            jac[n] = d_f1;
            for (d, &xi) in jac[n + 1..].iter_mut().zip(&x[1..]) {
                *d = d_g * (2.0 * xi + 40.0 * PI * (4.0 * PI * xi).sin());
            }
        }
    }
}

impl Zdt4 {
    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let n = x.dim(1)?;
        let f1 = x.narrow(1, 0, 1)?;
        let rest = x.narrow(1, 1, n - 1)?;
        let terms = (rest.sqr()? - ((&rest * (4.0 * PI))?.cos()? * 10.0)?)?;
        let g = (terms.sum_keepdim(1)? + (1.0 + 10.0 * (n - 1) as f64))?;
        let h = (&f1 / &g)?.sqrt()?.affine(-1.0, 1.0)?;
        pair(f1, (g * h)?)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let f1 = linspace(0.0, 1.0, n_points.max(2));
        let f2 = f1.iter().map(|t| 1.0 - t.sqrt()).collect();
        Some(front_from_columns(&[f1, f2]))
    }
}

synthetic_problem!(Zdt4);

impl Zdt6 {
    fn make_info(n_var: usize) -> ProblemInfo {
        unit_box_info("ZDT6", n_var).with_ideal_nadir(
            vec![ZDT6_F1_MIN, 0.0],
            vec![1.0, 1.0 - ZDT6_F1_MIN * ZDT6_F1_MIN],
        )
    }

    fn row(&self, x: &[f64], f: &mut [f64], jac: Option<&mut [f64]>, _: &mut Vec<f64>) {
        let n = x.len();
        let x1 = x[0];
        let e = (-4.0 * x1).exp();
        let (s, c) = (6.0 * PI * x1).sin_cos();
        let f1 = 1.0 - e * s.powi(6);
        let mean = x[1..].iter().sum::<f64>() / (n as f64 - 1.0);
        let g = 1.0 + 9.0 * mean.powf(0.25);
        let r = f1 / g;
        f[0] = f1;
        f[1] = g * (1.0 - r * r);
        if let Some(jac) = jac {
            // d/dx1 [e^{−4x1} sin⁶] = e^{−4x1} sin⁵ (−4 sin + 36π cos).
            let d_f1 = -e * s.powi(5) * (-4.0 * s + 36.0 * PI * c);
            jac[0] = d_f1;
            // f2 = g − f1²/g.
            jac[n] = -2.0 * r * d_f1;
            // ∂g/∂x_i = (9/4)·mean^−¾/(n − 1), +∞ at mean = 0: evaluated at the floor there.
            let d_g = 2.25 * mean.max(DERIVATIVE_FLOOR).powf(-0.75) / (n - 1) as f64;
            jac[n + 1..].fill((1.0 + r * r) * d_g);
        }
    }
}

impl Zdt6 {
    fn tensor(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let n = x.dim(1)?;
        let x1 = x.narrow(1, 0, 1)?;
        let decay = x1.affine(-4.0, 0.0)?.exp()?;
        let wave = x1.affine(6.0 * PI, 0.0)?.sin()?.powf(6.0)?;
        let f1 = (decay * wave)?.affine(-1.0, 1.0)?;
        let mean = x
            .narrow(1, 1, n - 1)?
            .sum_keepdim(1)?
            .affine(1.0 / (n as f64 - 1.0), 0.0)?;
        let g = mean.powf(0.25)?.affine(9.0, 1.0)?;
        let h = (&f1 / &g)?.sqr()?.affine(-1.0, 1.0)?;
        pair(f1, (g * h)?)
    }

    fn front(&self, n_points: usize) -> Option<Matrix> {
        let f1 = linspace(ZDT6_F1_MIN, 1.0, n_points.max(2));
        let f2 = f1.iter().map(|t| 1.0 - t * t).collect();
        Some(front_from_columns(&[f1, f2]))
    }
}

synthetic_problem!(Zdt6);

/// Registry rows of this family.
pub(crate) const ENTRIES: &[ProblemEntry] = &[
    ProblemEntry {
        name: "zdt1",
        family: "ZDT",
        summary: "2 objectives, convex front, [0,1]^n (default n = 30)",
        build: build_zdt1,
    },
    ProblemEntry {
        name: "zdt2",
        family: "ZDT",
        summary: "2 objectives, concave front, [0,1]^n (default n = 30)",
        build: build_zdt2,
    },
    ProblemEntry {
        name: "zdt3",
        family: "ZDT",
        summary: "2 objectives, front in five disconnected pieces, [0,1]^n (default n = 30)",
        build: build_zdt3,
    },
    ProblemEntry {
        name: "zdt4",
        family: "ZDT",
        summary: "2 objectives, convex front, many local fronts (default n = 10)",
        build: build_zdt4,
    },
    ProblemEntry {
        name: "zdt6",
        family: "ZDT",
        summary: "2 objectives, concave non-uniform front from f1 = 0.2808 (default n = 10)",
        build: build_zdt6,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn n_var_below_two_is_rejected() {
        assert!(matches!(
            Zdt1::new(1),
            Err(Error::InvalidSize {
                what: "n_var",
                got: 1,
                ..
            })
        ));
        assert!(matches!(Zdt6::new(0), Err(Error::InvalidSize { .. })));
    }

    #[test]
    fn n_obj_is_fixed_at_two() {
        let spec = ProblemSpec::new("zdt2").n_obj(3);
        assert!(matches!(
            build_zdt2(&spec),
            Err(Error::InvalidSize {
                what: "n_obj",
                got: 3,
                ..
            })
        ));
    }

    #[test]
    fn hand_computed_zdt1() {
        // x = (0.25, 0.5, 0.5): g = 1 + 9/2·1 = 5.5, f2 = 5.5 − √(0.25·5.5).
        let f = Zdt1::new(3)
            .unwrap()
            .evaluate(&Matrix::from_rows(&[[0.25, 0.5, 0.5]]).unwrap())
            .unwrap();
        assert!((f.get(0, 1) - (5.5 - (0.25f64 * 5.5).sqrt())).abs() < 1e-14);
    }

    #[test]
    fn zdt6_front_starts_at_the_minimum_of_f1() {
        let t = (9.0 * PI).atan() / (6.0 * PI);
        let f1 = 1.0 - (-4.0 * t).exp() * (6.0 * PI * t).sin().powi(6);
        assert!((f1 - ZDT6_F1_MIN).abs() < 1e-15);
    }

    #[test]
    fn zdt3_pieces_start_below_the_previous_end() {
        for pair in ZDT3_REGIONS.windows(2) {
            let (end, start) = (pair[0][1], pair[1][0]);
            assert!(zdt3_front_f2(start) < zdt3_front_f2(end));
            assert!(zdt3_front_f2(end) - zdt3_front_f2(start) < 1e-10);
        }
    }

    #[test]
    fn linspace_includes_both_ends() {
        assert_eq!(linspace(0.0, 1.0, 3), vec![0.0, 0.5, 1.0]);
        assert_eq!(linspace(2.0, 3.0, 1), vec![2.0]);
        assert!(linspace(0.0, 1.0, 0).is_empty());
    }

    #[test]
    fn types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Zdt1>();
        check::<Zdt2>();
        check::<Zdt3>();
        check::<Zdt4>();
        check::<Zdt6>();
    }
}
