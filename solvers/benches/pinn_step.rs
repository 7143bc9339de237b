//! Wall time of one PINN training step (Burgers: 10,000 interior + 250 boundary + 250 initial
//! points, the 2→50×5→1 tanh network, f32) through the runner, per method: `sum` (ConFIG's
//! "Adam" baseline), `config` (both gradients), `m-config` with one loss per step, and a loss
//! weighting. Sampling, forward, backward and update are timed; records are excluded.
//!
//! ConFIG's own PyTorch code on this machine kind: 221–248 ms per Adam step under load, about
//! 210 ms quiet (`/work/shared/notes/neural.md` §2); targets: `sum` ≤ 110 ms, `m-config` ≤ 0.55×
//! `config`.
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo bench -p tradeoff-solvers --bench pinn_step
//! ```

#![allow(missing_docs)]

use tradeoff_pareto::Matrix;
use tradeoff_problems::pinn::{PinnOptions, build_pinn};
use tradeoff_solvers::{DriverConfig, Optimizer, Options, Runner, build_run_rule};

fn main() {
    tradeoff_problems::configure_process();
    let steps: usize = std::env::var("PINN_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let mut times = Vec::new();
    for (method, options) in [
        ("sum", Options::new()),
        ("config", Options::new()),
        ("m-config", Options::new().with("rows_per_step", 1)),
        ("lra", Options::new()),
    ] {
        if build_run_rule(method, &options, &Matrix::zeros(1, 2), 1).is_err() {
            println!("{method:>10}: not in the method table");
            continue;
        }
        let mut problem = build_pinn("burgers", &PinnOptions::default()).expect("burgers");
        let preferences = Matrix::from_vec(1, 2, vec![0.5, 0.5]).expect("1 × 2");
        let config = DriverConfig {
            max_iters: steps,
            optimizer: Optimizer::pinn_default(method, steps),
            record_every: steps,
            front_points: 0,
            ..DriverConfig::default()
        };
        let mut rule = build_run_rule(method, &options, &preferences, steps).expect("rule");
        let outcome = Runner::for_source(&mut problem, rule.as_mut(), &preferences, &config)
            .run()
            .expect("run");
        let per_step = outcome.result.time_s / steps as f64;
        println!("{method:>10}: {:8.1} ms per step", per_step * 1e3);
        times.push((method, per_step));
    }
    let time = |name: &str| times.iter().find(|(m, _)| *m == name).map(|(_, t)| *t);
    if let (Some(m), Some(c)) = (time("m-config"), time("config")) {
        println!("m-config / config = {:.3}", m / c);
    }
}
