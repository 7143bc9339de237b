//! LibMOON's Pareto-set-learning tables (its Tables D and E) reproduced: the m → 256⁴ → n MLP,
//! batch 128, Adam 1e-3, 1000 iterations, Dirichlet(1) preferences, gradients clipped to norm 1;
//! evaluation at 20 (two objectives) or 200 (three) preferences clipped at 0.01; hypervolume with
//! reference 1 in every objective; VLMOP2 with n = 10, RE21 and RE37 with LibMOON's
//! normalisation. Seeds 0, 1, 2 (model initialisation and preference stream).
//!
//! Prints a markdown table (our mean ± std hypervolume next to LibMOON's) and the fastest seed's
//! mean time per training iteration; then the learned fronts queried at the preferences of a
//! finite-set run, against that run.
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo run --release -p tradeoff-psl --example psl_table
//! # a subset: PSL_ROWS=vlmop2 PSL_SEEDS=1 PSL_ITERS=200 …
//! ```

use std::time::Instant;

use tradeoff_pareto::{clip_preferences, das_dennis, hypervolume, linspace};
use tradeoff_problems::{Normalization, ProblemSpec, build_problem};
use tradeoff_psl::{
    LossSpec, ModelConfig, ModelKind, TrainConfig, build_model, evaluate, query, train,
};
use tradeoff_solvers::{DriverConfig, Init, Optimizer, Options, solve_with_method};

/// One row of LibMOON's tables.
struct Row {
    problem: &'static str,
    n_var: Option<usize>,
    loss: &'static str,
    /// LibMOON's definition of the loss (`libmoon=true` for Tche/mTche: the unweighted active
    /// objective) instead of our default (the weighted maximum).
    libmoon_def: bool,
    /// LibMOON's hypervolume (its Tables D and E).
    libmoon_hv: f64,
    /// LibMOON's seconds per iteration (libmoon.md §6.4), NaN where not measured.
    libmoon_s: f64,
}

/// Tche and mTche run twice: with LibMOON's definition and with our default.
#[allow(clippy::approx_constant)] // 0.318 is LibMOON's hypervolume, not 1/π
const ROWS: &[Row] = &[
    Row {
        problem: "vlmop2",
        n_var: Some(10),
        loss: "cosmos",
        libmoon_def: true,
        libmoon_hv: 0.318,
        libmoon_s: 0.0026,
    },
    Row {
        problem: "vlmop2",
        n_var: Some(10),
        loss: "tche",
        libmoon_def: true,
        libmoon_hv: 0.319,
        libmoon_s: 0.0026,
    },
    Row {
        problem: "vlmop2",
        n_var: Some(10),
        loss: "tche",
        libmoon_def: false,
        libmoon_hv: 0.319,
        libmoon_s: 0.0026,
    },
    Row {
        problem: "vlmop2",
        n_var: Some(10),
        loss: "epo",
        libmoon_def: true,
        libmoon_hv: 0.319,
        libmoon_s: 0.513,
    },
    Row {
        problem: "vlmop2",
        n_var: Some(10),
        loss: "pmgda",
        libmoon_def: true,
        libmoon_hv: 0.319,
        libmoon_s: 0.101,
    },
    Row {
        problem: "re21",
        n_var: None,
        loss: "tche",
        libmoon_def: true,
        libmoon_hv: 0.820,
        libmoon_s: f64::NAN,
    },
    Row {
        problem: "re21",
        n_var: None,
        loss: "tche",
        libmoon_def: false,
        libmoon_hv: 0.820,
        libmoon_s: f64::NAN,
    },
    Row {
        problem: "re21",
        n_var: None,
        loss: "mtche",
        libmoon_def: true,
        libmoon_hv: 0.820,
        libmoon_s: f64::NAN,
    },
    Row {
        problem: "re21",
        n_var: None,
        loss: "mtche",
        libmoon_def: false,
        libmoon_hv: 0.820,
        libmoon_s: f64::NAN,
    },
    Row {
        problem: "re21",
        n_var: None,
        loss: "cosmos",
        libmoon_def: true,
        libmoon_hv: 0.792,
        libmoon_s: f64::NAN,
    },
    Row {
        problem: "re21",
        n_var: None,
        loss: "epo",
        libmoon_def: true,
        libmoon_hv: 0.811,
        libmoon_s: f64::NAN,
    },
    Row {
        problem: "re37",
        n_var: None,
        loss: "tche",
        libmoon_def: true,
        libmoon_hv: 0.548,
        libmoon_s: f64::NAN,
    },
    Row {
        problem: "re37",
        n_var: None,
        loss: "tche",
        libmoon_def: false,
        libmoon_hv: 0.548,
        libmoon_s: f64::NAN,
    },
    Row {
        problem: "re37",
        n_var: None,
        loss: "cosmos",
        libmoon_def: true,
        libmoon_hv: 0.536,
        libmoon_s: f64::NAN,
    },
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tradeoff_problems::configure_process();
    let seeds: u64 = env_or("PSL_SEEDS", 3);
    let iters: usize = env_or("PSL_ITERS", 1000);
    let filter = std::env::var("PSL_ROWS").unwrap_or_default();
    println!(
        "| problem | loss | hypervolume (ours, mean ± std over {seeds} seeds) | LibMOON | Δ | ms per iteration (ours) | LibMOON |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in ROWS {
        let Row {
            problem: name,
            n_var,
            loss,
            libmoon_def,
            libmoon_hv,
            libmoon_s: libmoon_time,
        } = *row;
        if !filter.is_empty() && !filter.split(',').any(|f| f == name || f == loss) {
            continue;
        }
        let mut spec = ProblemSpec::new(name).normalize(Normalization::Libmoon);
        spec.n_var = n_var;
        let problem = build_problem(&spec)?;
        let mut hvs = Vec::new();
        let mut per_iter = f64::INFINITY;
        for seed in 0..seeds {
            let config = ModelConfig::for_problem(ModelKind::Mlp, problem.info()).with_seed(seed);
            let model = build_model(&config)?;
            let training = TrainConfig::new(spec_for(loss, libmoon_def))
                .with_iters(iters)
                .with_seed(seed);
            let start = Instant::now();
            train(model.as_ref(), problem.as_ref(), &training)?;
            per_iter = per_iter.min(start.elapsed().as_secs_f64() / iters as f64);
            hvs.push(
                evaluate(model.as_ref(), problem.as_ref(), None)?
                    .indicators
                    .hv,
            );
        }
        let mean = hvs.iter().sum::<f64>() / hvs.len() as f64;
        let std = (hvs.iter().map(|h| (h - mean).powi(2)).sum::<f64>() / hvs.len() as f64).sqrt();
        let libmoon_ms = if libmoon_time.is_nan() {
            "–".to_string()
        } else {
            format!("{:.1}", libmoon_time * 1e3)
        };
        println!(
            "| {} | {} | {mean:.4} ± {std:.4} | {libmoon_hv:.3} | {:+.4} | {:.2} | {libmoon_ms} |",
            problem.info().name,
            spec_for(loss, libmoon_def).label(),
            mean - libmoon_hv,
            per_iter * 1e3,
        );
    }
    finite_set_comparison(seeds, iters)?;
    Ok(())
}

/// The learned front queried at the K preferences of a finite-set run, against that run's own
/// front: VLMOP2 (K = 8, linspace, clip 0.01) and DTLZ2 (K = 15, Das–Dennis with 4 partitions,
/// clip 0.01), EPO in both, the finite set with Adam (lr 0.01, 3000 steps, converged).
fn finite_set_comparison(seeds: u64, iters: usize) -> Result<(), Box<dyn std::error::Error>> {
    println!();
    println!(
        "| problem | K | finite-set EPO hypervolume | PSL (EPO) queried at the K preferences | Δ |"
    );
    println!("|---|---|---|---|---|");
    let cases = [
        ("vlmop2", linspace(8, 0.01)?),
        ("dtlz2", clip_preferences(&das_dennis(3, 4)?, 0.01)?),
    ];
    for (name, prefs) in cases {
        let problem = build_problem(&ProblemSpec::new(name))?;
        let reference = problem.info().reference_point.clone();
        let (mut finite, mut learned) = (0.0, 0.0);
        for seed in 0..seeds {
            let config = DriverConfig::default()
                .with_max_iters(3000)
                .with_optimizer(Optimizer::adam(0.01))
                .with_init(Init::UniformInBounds { seed });
            let run = solve_with_method(problem.as_ref(), "epo", &Options::new(), &prefs, &config)?;
            finite += hypervolume(&run.objectives, &reference)?;
            let model = build_model(
                &ModelConfig::for_problem(ModelKind::Mlp, problem.info()).with_seed(seed),
            )?;
            let training = TrainConfig::new(LossSpec::new("epo"))
                .with_iters(iters)
                .with_seed(seed);
            train(model.as_ref(), problem.as_ref(), &training)?;
            let objectives = problem.evaluate(&query(model.as_ref(), &prefs)?)?;
            learned += hypervolume(&objectives, &reference)?;
        }
        let (finite, learned) = (finite / seeds as f64, learned / seeds as f64);
        println!(
            "| {} | {} | {finite:.4} | {learned:.4} | {:+.4} |",
            problem.info().name,
            prefs.n_rows(),
            learned - finite
        );
    }
    Ok(())
}

fn spec_for(loss: &str, libmoon: bool) -> LossSpec {
    if libmoon {
        LossSpec::libmoon(loss)
    } else {
        LossSpec::new(loss)
    }
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
