//! LibMOON's synthetic table (Table A of its paper) reproduced: VLMOP2 (the exponential
//! Fonseca–Fleming form), n = 10, K = 8 preferences (linspace, clip 0.01), SGD lr 0.01,
//! 500 iterations, x0 uniform in [−1/√10, 1/√10]^10, hypervolume reference (1, 1), seeds 0–2.
//!
//! Prints a markdown table: our mean ± std hypervolume next to LibMOON's, EPO's mean angle to its
//! preference, and the solver time per run (the fastest of `REPEATS` runs, loop only).
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo run --release --example libmoon_synthetic
//! ```

use std::time::Instant;

use tradeoff::pareto::{cross_angle, hypervolume, linspace};
use tradeoff::problems::{ProblemSpec, build_problem};
use tradeoff::solvers::{DriverConfig, Init, Optimizer, Options, solve_with_method};

/// One row: (method, options, iterations, LibMOON's hypervolume, LibMOON's solve time per run
/// in seconds).
type Row = (
    &'static str,
    &'static [(&'static str, &'static str)],
    usize,
    f64,
    f64,
);

const ROWS: &[Row] = &[
    ("epo", &[], 500, 0.283, 9.31),
    ("pmgda", &[], 500, 0.283, 1.49),
    ("tche", &[], 2000, 0.283, 0.55),
    ("tche", &[], 500, 0.283, 0.55),
    ("tche", &[("libmoon", "true")], 500, 0.283, 0.55),
    ("mtche", &[], 500, 0.282, 0.55),
    ("mtche", &[("libmoon", "true")], 500, 0.282, 0.55),
    ("cosmos", &[], 500, 0.285, 0.57),
    ("ls", &[], 500, 0.043, 0.55),
    ("stche", &[], 500, 0.240, f64::NAN),
    ("mgda", &[], 500, 0.228, 0.68),
    ("pbi", &[], 500, 0.281, 0.58),
];

const SEEDS: [u64; 3] = [0, 1, 2];
const REPEATS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let problem = build_problem(&ProblemSpec::new("vlmop2").n_var(10))?;
    let prefs = linspace(8, 0.01)?;
    let half_width = 1.0 / 10f64.sqrt();
    println!(
        "| method | iterations | hypervolume (ours, mean ± std) | LibMOON | mean angle to preference (°) | time per run (ours) | LibMOON | speed-up |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for &(method, options, iters, libmoon_hv, libmoon_time) in ROWS {
        let mut opts = Options::new();
        for (k, v) in options {
            opts = opts.with(k, v);
        }
        let mut hvs = Vec::new();
        let mut angles = Vec::new();
        let mut best_time = f64::INFINITY;
        for seed in SEEDS {
            let config = DriverConfig::default()
                .with_max_iters(iters)
                .with_optimizer(Optimizer::sgd(0.01))
                .with_record_every(iters)
                .with_init(Init::Box {
                    lo: -half_width,
                    hi: half_width,
                    seed,
                });
            let r = solve_with_method(problem.as_ref(), method, &opts, &prefs, &config)?;
            hvs.push(hypervolume(&r.objectives, &[1.0, 1.0])?);
            angles.push(cross_angle(&r.objectives, &prefs)?.unwrap_or(f64::NAN));
            // Runs are deterministic: repeat only to time them (solver loop and recording).
            for _ in 0..REPEATS {
                let t = Instant::now();
                solve_with_method(problem.as_ref(), method, &opts, &prefs, &config)?;
                best_time = best_time.min(t.elapsed().as_secs_f64());
            }
        }
        let mean = hvs.iter().sum::<f64>() / hvs.len() as f64;
        let std = (hvs.iter().map(|h| (h - mean).powi(2)).sum::<f64>() / hvs.len() as f64).sqrt();
        let angle = angles.iter().sum::<f64>() / angles.len() as f64;
        let speedup = libmoon_time / best_time;
        let label = if options.is_empty() {
            method.to_string()
        } else {
            format!(
                "{method} ({})",
                options
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        println!(
            "| {label} | {iters} | {mean:.4} ± {std:.4} | {libmoon_hv:.3} | {angle:.3} | {:.2} ms | {} | {} |",
            best_time * 1e3,
            if libmoon_time.is_nan() {
                "–".to_string()
            } else {
                format!("{libmoon_time:.2} s")
            },
            if speedup.is_nan() {
                "–".to_string()
            } else {
                format!("{speedup:.0}×")
            },
        );
    }
    Ok(())
}
