//! The PDEs of ConFIG's PINN experiments (tum-pbs/ConFIG, `experiments/PINN`): viscous Burgers
//! with its exact Cole–Hopf solution, Kovasznay flow and 3-D Beltrami flow with their analytic
//! solutions; their residuals, samplers, test grids, and [`build_pinn`] by name.
//!
//! **Losses.** Two terms by default, `[residual, boundary+initial]` (one MSE over the boundary
//! and initial points together), or three, `[residual, boundary, initial]`, with
//! [`PinnOptions::terms`] = 3 (Kovasznay is steady: two terms only). The residual loss is the
//! sum over equations of each equation's mean square (for the flows: the momentum equations and
//! continuity), as ConFIG's trainers compute it.
//!
//! **Pressure.** As in ConFIG's code, the pressure is an output like the velocities: the
//! boundary (and initial) targets hold the exact pressure, which fixes its constant, and the
//! test MSE compares the raw pressure (no mean removed) with the exact one, over every output.
//!
//! **Points.** Interior points by Latin hypercube; boundary points as ConFIG's samplers place
//! them (Burgers: half at `x = −1`, half at `x = 1`, times by Latin hypercube; Kovasznay: the
//! four sides in proportion to their lengths; Beltrami: ConFIG's layout, which puts its boundary
//! points on the cube's *edges*, two coordinates at a bound, kept as it is to match its results).

use std::f64::consts::PI;
use std::sync::{Arc, OnceLock};

use rand::Rng;
use rand::rngs::StdRng;

use super::network::{JetSpec, MlpShape};
use super::problem::{
    JetCotangent, JetPoint, LossTerm, PinnProblem, PinnSpec, Precision, Residual, TermKind, TestSet,
};
use super::sampling::{latin_hypercube, latin_hypercube_box, linspace};
use crate::error::{Error, Result};

/// The built-in PINN problems.
pub const PINN_PROBLEMS: [&str; 3] = ["burgers", "kovasznay", "beltrami"];

/// Whether `name` is a built-in PINN problem.
pub fn is_pinn_problem(name: &str) -> bool {
    PINN_PROBLEMS.contains(&name)
}

/// Burgers' viscosity, `0.01/π`.
pub const BURGERS_NU: f64 = 0.01 / PI;

/// The viscous Burgers equation `u_t + u u_x − ν u_xx = 0` (inputs `x, t`).
#[derive(Clone, Copy, Debug)]
pub struct BurgersResidual {
    /// The viscosity ν.
    pub nu: f64,
}

impl Residual for BurgersResidual {
    fn jet(&self) -> JetSpec {
        JetSpec::new(2, &[0, 1], &[0]).expect("a valid jet")
    }

    fn n_equations(&self) -> usize {
        1
    }

    fn residuals(&self, _input: &[f64], jet: &JetPoint<'_>, out: &mut [f64]) {
        out[0] = jet.d(0, 1) + jet.value(0) * jet.d(0, 0) - self.nu * jet.dd(0, 0);
    }

    fn transpose(
        &self,
        _input: &[f64],
        jet: &JetPoint<'_>,
        cotangent: &[f64],
        out: &mut JetCotangent<'_>,
    ) {
        let g = cotangent[0];
        out.add_value(0, g * jet.d(0, 0));
        out.add_d(0, 0, g * jet.value(0));
        out.add_d(0, 1, g);
        out.add_dd(0, 0, -self.nu * g);
    }
}

/// The incompressible Navier–Stokes equations in `dims` space dimensions, steady or not:
/// outputs `(velocity…, p)`, inputs `(x, y[, z][, t])`; equations: momentum per velocity
/// component, then continuity.
#[derive(Clone, Copy, Debug)]
pub struct NavierStokesResidual {
    /// Space dimensions (2 or 3).
    pub dims: usize,
    /// Whether time is the last input.
    pub unsteady: bool,
    /// The kinematic viscosity ν.
    pub nu: f64,
}

impl Residual for NavierStokesResidual {
    fn jet(&self) -> JetSpec {
        let space: Vec<usize> = (0..self.dims).collect();
        let mut first = space.clone();
        if self.unsteady {
            first.push(self.dims);
        }
        JetSpec::new(self.dims + usize::from(self.unsteady), &first, &space).expect("a valid jet")
    }

    fn n_equations(&self) -> usize {
        self.dims + 1
    }

    #[allow(clippy::needless_range_loop)] // k is both an output and an equation index
    fn residuals(&self, _input: &[f64], jet: &JetPoint<'_>, out: &mut [f64]) {
        let n = self.dims;
        for k in 0..n {
            let mut r = jet.d(n, k);
            if self.unsteady {
                r += jet.d(k, n);
            }
            for j in 0..n {
                r += jet.value(j) * jet.d(k, j) - self.nu * jet.dd(k, j);
            }
            out[k] = r;
        }
        out[n] = (0..n).map(|j| jet.d(j, j)).sum();
    }

    fn transpose(
        &self,
        _input: &[f64],
        jet: &JetPoint<'_>,
        cotangent: &[f64],
        out: &mut JetCotangent<'_>,
    ) {
        let n = self.dims;
        #[allow(clippy::needless_range_loop)] // k is both an output and an equation index
        for k in 0..n {
            let g = cotangent[k];
            out.add_d(n, k, g);
            if self.unsteady {
                out.add_d(k, n, g);
            }
            for j in 0..n {
                out.add_value(j, g * jet.d(k, j));
                out.add_d(k, j, g * jet.value(j));
                out.add_dd(k, j, -self.nu * g);
            }
        }
        for j in 0..n {
            out.add_d(j, j, cotangent[n]);
        }
    }
}

/// The exact solution of Burgers' equation with `u(x, 0) = −sin πx`, `u(±1, t) = 0`, by the
/// Cole–Hopf transform: with `η = x − y`,
/// `u = −∫ sin(π(x−η)) F(x−η) G(η) dη / ∫ F(x−η) G(η) dη`, `F(y) = exp(−cos(πy)/(2πν))`,
/// `G(η) = exp(−η²/(4νt))`.
///
/// Both integrals are computed by the trapezoid rule on a uniform grid in `η` over
/// `|η| ≤ √(560 νt)` (where `G` is below `e^{−140}`, past the range `e^{±50}` of `F`), the
/// exponents shifted by their maximum. The integrands are smooth and decay like Gaussians, so
/// the rule converges faster than any power of the spacing; the spacing is a third of the
/// narrowest width `1/√(π/(2ν) + 1/(2νt))` of the integrand's peaks, divided by `refine`.
///
/// **Accuracy.** Where the solution is smooth, doubling the grid changes `u` by less than 1e-12
/// (tested below 1e-9). Near the shock at `x = 0` (from `t ≈ 1/π`) the same holds for the
/// quadrature, but the solution is steep: `|u_x(0, t)|` peaks at 152.00516 at `t = 1.6037/π`
/// (Basdevant et al., Computers & Fluids 14, 1986, the standard reference value, which the tests
/// reproduce to 1e-3 by finite differences of this function), so near the shock an error δ in
/// `x` moves `u` by up to 152 δ — an f32 coordinate (δ ≈ 6e-8) moves it by about 1e-5.
pub fn burgers_exact(x: f64, t: f64, nu: f64, refine: f64) -> f64 {
    if t <= 0.0 {
        return -(PI * x).sin();
    }
    let a = 1.0 / (2.0 * PI * nu);
    let b = 1.0 / (4.0 * nu * t);
    let width = 1.0 / (PI / (2.0 * nu) + 2.0 * b).sqrt();
    let h = width / (3.0 * refine.max(1.0));
    let half = (140.0 / b).sqrt();
    let steps = (half / h).ceil() as i64;
    let exponent = |eta: f64| -(PI * (x - eta)).cos() * a - eta * eta * b;
    let mut top = f64::NEG_INFINITY;
    for k in -steps..=steps {
        top = top.max(exponent(k as f64 * h));
    }
    let (mut numerator, mut denominator) = (0.0, 0.0);
    for k in -steps..=steps {
        let eta = k as f64 * h;
        let weight = (exponent(eta) - top).exp();
        numerator += (PI * (x - eta)).sin() * weight;
        denominator += weight;
    }
    -numerator / denominator
}

/// Kovasznay's `λ = 1/(2ν) − √(1/(4ν²) + 4π²)` for Reynolds number `re`.
pub fn kovasznay_lambda(re: f64) -> f64 {
    let nu = 1.0 / re;
    1.0 / (2.0 * nu) - (1.0 / (4.0 * nu * nu) + 4.0 * PI * PI).sqrt()
}

/// Kovasznay flow at `(x, y)`: `(u, v, p)`.
pub fn kovasznay_exact(x: f64, y: f64, lambda: f64) -> [f64; 3] {
    let e = (lambda * x).exp();
    [
        1.0 - e * (2.0 * PI * y).cos(),
        lambda / (2.0 * PI) * e * (2.0 * PI * y).sin(),
        0.5 * (1.0 - (2.0 * lambda * x).exp()),
    ]
}

/// Beltrami flow (Ethier & Steinman) with `a = d = 1`, `ν = 1` at `(x, y, z, t)`:
/// `(u, v, w, p)`.
pub fn beltrami_exact(x: f64, y: f64, z: f64, t: f64) -> [f64; 4] {
    let (a, d) = (1.0f64, 1.0f64);
    let decay = (-d * d * t).exp();
    let u = -a * ((a * x).exp() * (a * y + d * z).sin() + (a * z).exp() * (a * x + d * y).cos());
    let v = -a * ((a * y).exp() * (a * z + d * x).sin() + (a * x).exp() * (a * y + d * z).cos());
    let w = -a * ((a * z).exp() * (a * x + d * y).sin() + (a * y).exp() * (a * z + d * x).cos());
    let p = -0.5
        * a
        * a
        * ((2.0 * a * x).exp()
            + (2.0 * a * y).exp()
            + (2.0 * a * z).exp()
            + 2.0 * (a * x + d * y).sin() * (a * z + d * x).cos() * (a * (y + z)).exp()
            + 2.0 * (a * y + d * z).sin() * (a * x + d * y).cos() * (a * (z + x)).exp()
            + 2.0 * (a * z + d * x).sin() * (a * y + d * z).cos() * (a * (x + y)).exp());
    [u * decay, v * decay, w * decay, p * decay * decay]
}

/// Options of [`build_pinn`].
#[derive(Clone, Debug, PartialEq)]
pub struct PinnOptions {
    /// Loss terms: 2 (`[residual, boundary+initial]`, default) or 3 (`[residual, boundary,
    /// initial]`; not for Kovasznay).
    pub terms: usize,
    /// Interior collocation points per step (default: ConFIG's).
    pub n_interior: Option<usize>,
    /// Boundary points per step (default: ConFIG's).
    pub n_boundary: Option<usize>,
    /// Initial-condition points per step (default: ConFIG's).
    pub n_initial: Option<usize>,
    /// Hidden widths (default ConFIG's `[50; 5]`).
    pub hidden: Vec<usize>,
    /// The compute type.
    pub precision: Precision,
    /// Seed of the initialisation and of the points.
    pub seed: u64,
}

impl Default for PinnOptions {
    fn default() -> Self {
        Self {
            terms: 2,
            n_interior: None,
            n_boundary: None,
            n_initial: None,
            hidden: vec![50; 5],
            precision: Precision::F32,
            seed: 0,
        }
    }
}

fn residual_term(sampler: impl Fn(&mut StdRng) -> Vec<f64> + Send + Sync + 'static) -> LossTerm {
    LossTerm {
        name: "residual".into(),
        kind: TermKind::Residual(Arc::new(sampler)),
    }
}

fn data_term(
    name: &str,
    sampler: impl Fn(&mut StdRng) -> (Vec<f64>, Vec<f64>) + Send + Sync + 'static,
) -> LossTerm {
    LossTerm {
        name: name.into(),
        kind: TermKind::Data(Arc::new(sampler)),
    }
}

/// Concatenates two draws (boundary then initial, from one generator).
fn concatenated(
    first: impl Fn(&mut StdRng) -> (Vec<f64>, Vec<f64>) + Send + Sync + 'static,
    second: impl Fn(&mut StdRng) -> (Vec<f64>, Vec<f64>) + Send + Sync + 'static,
) -> impl Fn(&mut StdRng) -> (Vec<f64>, Vec<f64>) + Send + Sync + 'static {
    move |rng| {
        let (mut x, mut y) = first(rng);
        let (x2, y2) = second(rng);
        x.extend(x2);
        y.extend(y2);
        (x, y)
    }
}

/// The Burgers test grid: `t = linspace(0, 1, 100)` × the 256 cell centres of `[−1, 1]`
/// (ConFIG's simulation grid), rows along `t`, with the exact solution.
pub fn burgers_test_set() -> TestSet {
    static CACHE: OnceLock<TestSet> = OnceLock::new();
    CACHE
        .get_or_init(|| {
            let ts = linspace(0.0, 1.0, 100);
            let xs: Vec<f64> = (0..256).map(|j| -1.0 + (j as f64 + 0.5) / 128.0).collect();
            let mut inputs = Vec::with_capacity(2 * 25_600);
            let mut reference = Vec::with_capacity(25_600);
            for &t in &ts {
                for &x in &xs {
                    inputs.extend([x, t]);
                    reference.push(burgers_exact(x, t, BURGERS_NU, 1.0));
                }
            }
            TestSet {
                inputs,
                reference,
                grid: Some((100, 256)),
            }
        })
        .clone()
}

fn burgers(options: &PinnOptions) -> Result<PinnSpec> {
    let n_interior = options.n_interior.unwrap_or(10_000);
    let n_boundary = options.n_boundary.unwrap_or(250);
    let n_initial = options.n_initial.unwrap_or(250);
    let boundary = move |rng: &mut StdRng| {
        let t = latin_hypercube(rng, n_boundary, 1);
        let half = n_boundary / 2;
        let inputs = t
            .iter()
            .enumerate()
            .flat_map(|(k, &t)| [if k < half { -1.0 } else { 1.0 }, t])
            .collect();
        (inputs, vec![0.0; n_boundary])
    };
    let initial = move |rng: &mut StdRng| {
        let x = latin_hypercube_box(rng, n_initial, &[-1.0], &[1.0]);
        let targets = x.iter().map(|&x| -(PI * x).sin()).collect();
        (x.iter().flat_map(|&x| [x, 0.0]).collect(), targets)
    };
    let residual =
        residual_term(move |rng| latin_hypercube_box(rng, n_interior, &[-1.0, 0.0], &[1.0, 1.0]));
    let terms = unsteady_terms("burgers", options.terms, residual, boundary, initial)?;
    Ok(PinnSpec {
        name: "burgers".into(),
        shape: MlpShape::new(2, &options.hidden, 1)?,
        residual: Arc::new(BurgersResidual { nu: BURGERS_NU }),
        terms,
        test: burgers_test_set(),
        output_names: vec!["u".into()],
        precision: options.precision,
        seed: options.seed,
    })
}

/// The loss terms of an unsteady problem: the residual, then `[boundary + initial]` (`terms = 2`,
/// ConFIG's default) or `[boundary, initial]` (`terms = 3`).
fn unsteady_terms(
    problem: &str,
    terms: usize,
    residual: LossTerm,
    boundary: impl Fn(&mut StdRng) -> (Vec<f64>, Vec<f64>) + Send + Sync + 'static,
    initial: impl Fn(&mut StdRng) -> (Vec<f64>, Vec<f64>) + Send + Sync + 'static,
) -> Result<Vec<LossTerm>> {
    match terms {
        2 => Ok(vec![
            residual,
            data_term("boundary+initial", concatenated(boundary, initial)),
        ]),
        3 => Ok(vec![
            residual,
            data_term("boundary", boundary),
            data_term("initial", initial),
        ]),
        other => Err(bad_terms(problem, other)),
    }
}

fn bad_terms(problem: &str, got: usize) -> Error {
    Error::InvalidSize {
        problem: problem.into(),
        what: "loss terms",
        rule: if problem == "kovasznay" {
            "2 (a steady flow: residual and boundary)".into()
        } else {
            "2 or 3".into()
        },
        got,
    }
}

fn kovasznay(options: &PinnOptions) -> Result<PinnSpec> {
    const RE: f64 = 40.0;
    let lambda = kovasznay_lambda(RE);
    let (x0, x1, y0, y1) = (-0.5, 1.0, -0.5, 1.5);
    let n_interior = options.n_interior.unwrap_or(20_000);
    let n_boundary = options.n_boundary.unwrap_or(1_000);
    if options.terms != 2 {
        return Err(bad_terms("kovasznay", options.terms));
    }
    let boundary = move |rng: &mut StdRng| {
        let n_tb = (n_boundary as f64 / (x1 - x0 + y1 - y0) * (x1 - x0)) as usize;
        let n_lr = n_boundary - n_tb;
        let mut inputs = Vec::with_capacity(2 * n_boundary);
        for (k, x) in latin_hypercube_box(rng, n_tb, &[x0], &[x1])
            .into_iter()
            .enumerate()
        {
            inputs.extend([x, if k < n_tb / 2 { y0 } else { y1 }]);
        }
        for (k, y) in latin_hypercube_box(rng, n_lr, &[y0], &[y1])
            .into_iter()
            .enumerate()
        {
            inputs.extend([if k < n_lr / 2 { x0 } else { x1 }, y]);
        }
        let targets = inputs
            .chunks(2)
            .flat_map(|p| kovasznay_exact(p[0], p[1], lambda))
            .collect();
        (inputs, targets)
    };
    let terms = vec![
        residual_term(move |rng| latin_hypercube_box(rng, n_interior, &[x0, y0], &[x1, y1])),
        data_term("boundary", boundary),
    ];
    // ConFIG's validation grid for 1001 points: 27 × 37, meshgrid rows along y.
    let (xs, ys) = (linspace(x0, x1, 27), linspace(y0, y1, 37));
    let mut inputs = Vec::new();
    let mut reference = Vec::new();
    for &y in &ys {
        for &x in &xs {
            inputs.extend([x, y]);
            reference.extend(kovasznay_exact(x, y, lambda));
        }
    }
    Ok(PinnSpec {
        name: "kovasznay".into(),
        shape: MlpShape::new(2, &options.hidden, 3)?,
        residual: Arc::new(NavierStokesResidual {
            dims: 2,
            unsteady: false,
            nu: 1.0 / RE,
        }),
        terms,
        test: TestSet {
            inputs,
            reference,
            grid: Some((37, 27)),
        },
        output_names: vec!["u".into(), "v".into(), "p".into()],
        precision: options.precision,
        seed: options.seed,
    })
}

/// Fills `count` values: the first `a` with `lo`, the next `b` with `hi`, the rest with `lo`
/// (ConFIG's edge layout).
fn split_values(count: usize, a: usize, b: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..count)
        .map(|k| if k >= a && k < a + b { hi } else { lo })
        .collect()
}

fn beltrami_targets(inputs: &[f64]) -> Vec<f64> {
    inputs
        .chunks(4)
        .flat_map(|p| beltrami_exact(p[0], p[1], p[2], p[3]))
        .collect()
}

fn beltrami(options: &PinnOptions) -> Result<PinnSpec> {
    let n_interior = options.n_interior.unwrap_or(25_000);
    let n_boundary = options.n_boundary.unwrap_or(5_000);
    let n_initial = options.n_initial.unwrap_or(5_000);
    let boundary = move |rng: &mut StdRng| {
        // ConFIG's layout: per axis, points along that axis with the two other coordinates at
        // the cube's bounds (its edges), in proportion to the axes' lengths (equal here).
        let n_each = (n_boundary as f64 / 6.0 * 2.0) as usize;
        let counts = [n_each, n_each, n_boundary - 2 * n_each];
        let mut columns: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for (axis, &n) in counts.iter().enumerate() {
            let free = latin_hypercube_box(rng, n, &[-1.0], &[1.0]);
            // x-edges: y alternates low/high/low, z is low then high; y-edges: x alternates, z
            // halves; z-edges: x alternates, y halves.
            let (alternating, halves) = [(1, 2), (0, 2), (0, 1)][axis];
            let fixed_a = split_values(n, n / 4, n / 2, -1.0, 1.0);
            let fixed_b = split_values(n, n / 2, n - n / 2, -1.0, 1.0);
            columns[axis].extend(free);
            columns[alternating].extend(fixed_a);
            columns[halves].extend(fixed_b);
        }
        let times = latin_hypercube(rng, n_boundary, 1);
        let inputs: Vec<f64> = (0..n_boundary)
            .flat_map(|k| [columns[0][k], columns[1][k], columns[2][k], times[k]])
            .collect();
        let targets = beltrami_targets(&inputs);
        (inputs, targets)
    };
    let initial = move |rng: &mut StdRng| {
        let space = latin_hypercube_box(rng, n_initial, &[-1.0; 3], &[1.0; 3]);
        let inputs: Vec<f64> = space
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 0.0])
            .collect();
        let targets = beltrami_targets(&inputs);
        (inputs, targets)
    };
    let residual = residual_term(move |rng| {
        latin_hypercube_box(rng, n_interior, &[-1.0, -1.0, -1.0, 0.0], &[1.0; 4])
    });
    let terms = unsteady_terms("beltrami", options.terms, residual, boundary, initial)?;
    // ConFIG's validation set for 2001 points: 5 times × a 7 × 7 × 8 mesh.
    let (xs, ys, zs) = (
        linspace(-1.0, 1.0, 7),
        linspace(-1.0, 1.0, 7),
        linspace(-1.0, 1.0, 8),
    );
    let mut inputs = Vec::new();
    for t in linspace(0.0, 1.0, 5) {
        for &y in &ys {
            for &x in &xs {
                for &z in &zs {
                    inputs.extend([x, y, z, t]);
                }
            }
        }
    }
    let reference = beltrami_targets(&inputs);
    Ok(PinnSpec {
        name: "beltrami".into(),
        shape: MlpShape::new(4, &options.hidden, 4)?,
        residual: Arc::new(NavierStokesResidual {
            dims: 3,
            unsteady: true,
            nu: 1.0,
        }),
        terms,
        test: TestSet {
            inputs,
            reference,
            grid: None,
        },
        output_names: vec!["u".into(), "v".into(), "w".into(), "p".into()],
        precision: options.precision,
        seed: options.seed,
    })
}

/// The specification of a built-in PINN problem (`burgers`, `kovasznay`, `beltrami`).
///
/// # Errors
/// An unknown name, an impossible number of terms, a zero width.
pub fn pinn_spec(name: &str, options: &PinnOptions) -> Result<PinnSpec> {
    match name {
        "burgers" => burgers(options),
        "kovasznay" => kovasznay(options),
        "beltrami" => beltrami(options),
        other => Err(Error::UnknownProblem {
            name: other.into(),
            known: PINN_PROBLEMS.join(", "),
        }),
    }
}

/// A built-in PINN problem.
///
/// # Errors
/// As [`pinn_spec`] and [`PinnProblem::new`].
pub fn build_pinn(name: &str, options: &PinnOptions) -> Result<PinnProblem> {
    PinnProblem::new(pinn_spec(name, options)?)
}

/// Draws one uniform value (helper for samplers written by users).
pub fn uniform<R: Rng + ?Sized>(rng: &mut R, lower: f64, upper: f64) -> f64 {
    lower + (upper - lower) * rng.random::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burgers_quadrature_is_converged_and_odd() {
        for &(x, t) in &[
            (0.3, 0.2),
            (-0.7, 0.9),
            (0.05, 0.6),
            (0.9, 0.01),
            (0.5, 1.0),
        ] {
            let coarse = burgers_exact(x, t, BURGERS_NU, 1.0);
            let fine = burgers_exact(x, t, BURGERS_NU, 2.0);
            assert!(
                (coarse - fine).abs() < 1e-9,
                "({x}, {t}): {coarse} vs {fine}"
            );
            let mirrored = burgers_exact(-x, t, BURGERS_NU, 1.0);
            assert!((coarse + mirrored).abs() < 1e-12);
        }
        // Small times: the initial condition, moved little.
        let early = burgers_exact(0.5, 1e-4, BURGERS_NU, 1.0);
        assert!((early + 1.0).abs() < 1e-3, "{early}");
    }

    /// Basdevant et al. (1986): max |u_x(0, t)| = 152.00516 at t = 1.6037/π.
    #[test]
    fn burgers_reproduces_the_published_maximum_slope() {
        let t = 1.6037 / PI;
        let h = 1e-6;
        let slope = (burgers_exact(h, t, BURGERS_NU, 2.0) - burgers_exact(-h, t, BURGERS_NU, 2.0))
            / (2.0 * h);
        assert!((slope.abs() - 152.00516).abs() < 1e-3, "{slope}");
    }

    /// The residuals of the exact flows vanish (their derivatives by central differences).
    #[test]
    fn analytic_flows_solve_their_equations() {
        let lambda = kovasznay_lambda(40.0);
        let h = 1e-4;
        let (x, y) = (0.3, 0.7);
        let f = |dx: f64, dy: f64| kovasznay_exact(x + dx, y + dy, lambda);
        let mut jet = vec![0.0; 5 * 3];
        let spec = NavierStokesResidual {
            dims: 2,
            unsteady: false,
            nu: 1.0 / 40.0,
        };
        let js = spec.jet();
        for c in 0..3 {
            jet[c] = f(0.0, 0.0)[c];
            for (input, (dx, dy)) in [(0, (h, 0.0)), (1, (0.0, h))] {
                let (p, m) = (f(dx, dy)[c], f(-dx, -dy)[c]);
                jet[js.first_block(input).unwrap() * 3 + c] = (p - m) / (2.0 * h);
                jet[js.second_block(input).unwrap() * 3 + c] =
                    (p - 2.0 * f(0.0, 0.0)[c] + m) / (h * h);
            }
        }
        let mut r = [0.0; 3];
        spec.residuals(&[x, y], &JetPoint::new(&js, 3, &jet), &mut r);
        assert!(r.iter().all(|v| v.abs() < 1e-5), "{r:?}");

        let spec = NavierStokesResidual {
            dims: 3,
            unsteady: true,
            nu: 1.0,
        };
        let js = spec.jet();
        let point = [0.2, -0.4, 0.6, 0.3];
        let g = |k: usize, d: f64| {
            let mut p = point;
            p[k] += d;
            beltrami_exact(p[0], p[1], p[2], p[3])
        };
        let mut jet = vec![0.0; 8 * 4];
        let centre = g(0, 0.0);
        for c in 0..4 {
            jet[c] = centre[c];
            for input in 0..4 {
                let (p, m) = (g(input, h)[c], g(input, -h)[c]);
                jet[js.first_block(input).unwrap() * 4 + c] = (p - m) / (2.0 * h);
                if let Some(b) = js.second_block(input) {
                    jet[b * 4 + c] = (p - 2.0 * centre[c] + m) / (h * h);
                }
            }
        }
        let mut r = [0.0; 4];
        spec.residuals(&point, &JetPoint::new(&js, 4, &jet), &mut r);
        assert!(r.iter().all(|v| v.abs() < 1e-4), "{r:?}");
    }
}
