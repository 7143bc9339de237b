//! A user's own PDE: the 1-D heat equation `u_t = κ u_xx` on `[0, 1] × [0, 1]` with
//! `u(x, 0) = sin πx`, `u(0, t) = u(1, t) = 0` (exact solution `e^{−κπ²t} sin πx`), as a
//! physics-informed network trained with ConFIG: `cargo run --release --example heat_pinn`.

use std::f64::consts::PI;
use std::sync::Arc;

use tradeoff::pareto::Matrix;
use tradeoff::problems::GradientSource;
use tradeoff::problems::pinn::sampling::{latin_hypercube, latin_hypercube_box, linspace};
use tradeoff::problems::pinn::{
    JetCotangent, JetPoint, JetSpec, LossTerm, MlpShape, PinnProblem, PinnSpec, Precision,
    Residual, TermKind, TestSet,
};
use tradeoff::solvers::{DriverConfig, Optimizer, Options, Runner, build_run_rule};

const KAPPA: f64 = 0.1;

/// `r = u_t − κ u_xx`, inputs `(x, t)`.
#[derive(Debug)]
struct Heat;

impl Residual for Heat {
    fn jet(&self) -> JetSpec {
        // First derivatives along x (input 0) and t (input 1); the second along x.
        JetSpec::new(2, &[0, 1], &[0]).expect("a valid jet")
    }
    fn n_equations(&self) -> usize {
        1
    }
    fn residuals(&self, _x: &[f64], u: &JetPoint<'_>, out: &mut [f64]) {
        out[0] = u.d(0, 1) - KAPPA * u.dd(0, 0);
    }
    fn transpose(&self, _x: &[f64], _u: &JetPoint<'_>, g: &[f64], out: &mut JetCotangent<'_>) {
        out.add_d(0, 1, g[0]);
        out.add_dd(0, 0, -KAPPA * g[0]);
    }
}

fn exact(x: f64, t: f64) -> f64 {
    (-KAPPA * PI * PI * t).exp() * (PI * x).sin()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tradeoff::problems::configure_process();
    let interior = LossTerm {
        name: "residual".into(),
        kind: TermKind::Residual(Arc::new(|rng| {
            latin_hypercube_box(rng, 1_000, &[0.0, 0.0], &[1.0, 1.0])
        })),
    };
    let boundary_and_initial = LossTerm {
        name: "boundary+initial".into(),
        kind: TermKind::Data(Arc::new(|rng| {
            let mut inputs = Vec::new();
            for (k, t) in latin_hypercube(rng, 100, 1).into_iter().enumerate() {
                inputs.extend([(k % 2) as f64, t]); // x = 0 or 1
            }
            for x in latin_hypercube(rng, 100, 1) {
                inputs.extend([x, 0.0]);
            }
            let targets = inputs.chunks(2).map(|p| exact(p[0], p[1])).collect();
            (inputs, targets)
        })),
    };
    let (xs, ts) = (linspace(0.0, 1.0, 64), linspace(0.0, 1.0, 32));
    let mut inputs = Vec::new();
    for &t in &ts {
        for &x in &xs {
            inputs.extend([x, t]);
        }
    }
    let reference = inputs.chunks(2).map(|p| exact(p[0], p[1])).collect();
    let mut problem = PinnProblem::new(PinnSpec {
        name: "heat".into(),
        shape: MlpShape::new(2, &[20, 20, 20], 1)?,
        residual: Arc::new(Heat),
        terms: vec![interior, boundary_and_initial],
        test: TestSet {
            inputs,
            reference,
            grid: Some((32, 64)),
        },
        output_names: vec!["u".into()],
        precision: Precision::F32,
        seed: 0,
    })?;
    let evaluator = problem.evaluator();
    let before = evaluator.test_mse(problem.initial_point()?.row(0))?;

    let steps = 1_000;
    let preferences = Matrix::from_vec(1, 2, vec![0.5, 0.5])?;
    let config = DriverConfig {
        max_iters: steps,
        optimizer: Optimizer::pinn_default("config", steps),
        front_points: 0,
        ..DriverConfig::default()
    };
    let mut rule = build_run_rule("config", &Options::new(), &preferences, steps)?;
    let outcome = Runner::for_source(&mut problem, rule.as_mut(), &preferences, &config).run()?;
    let after = evaluator.test_mse(outcome.result.x.row(0))?;
    println!(
        "heat equation, ConFIG, {steps} steps in {:.1} s: test MSE {before:.3e} -> {after:.3e}",
        outcome.result.time_s
    );
    assert!(after < before / 10.0, "ConFIG should fit the heat equation");
    Ok(())
}
