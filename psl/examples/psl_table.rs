//! LibMOON's Pareto-set-learning tables (its Tables D and E) reproduced: the m → 256⁴ → n MLP,
//! batch 128, Adam 1e-3, 1000 iterations, Dirichlet(1) preferences, gradients clipped to norm 1;
//! evaluation at 20 (two objectives) or 200 (three) preferences clipped at 0.01; hypervolume with
//! reference 1 in every objective; VLMOP2 with n = 10, RE21 and RE37 with LibMOON's
//! normalisation. Seeds 0, 1, 2 (model initialisation and preference stream).
//!
//! Prints a markdown table (our mean ± std hypervolume next to LibMOON's) and the mean time per
//! training iteration.
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo run --release -p tradeoff-psl --example psl_table
//! # a subset: PSL_ROWS=vlmop2 PSL_SEEDS=1 PSL_ITERS=200 …
//! ```

use std::time::Instant;

use tradeoff_problems::{Normalization, ProblemSpec, build_problem};
use tradeoff_psl::{LossSpec, ModelConfig, ModelKind, TrainConfig, build_model, evaluate, train};

/// (problem, n_var, loss, LibMOON's hypervolume, LibMOON's seconds per iteration or NaN).
const ROWS: &[(&str, Option<usize>, &str, f64, f64)] = &[
    ("vlmop2", Some(10), "cosmos", 0.318, 0.0026),
    ("vlmop2", Some(10), "tche", 0.319, 0.0026),
    ("vlmop2", Some(10), "epo", 0.319, 0.513),
    ("vlmop2", Some(10), "pmgda", 0.319, 0.101),
    ("re21", None, "tche", 0.820, f64::NAN),
    ("re21", None, "mtche", 0.820, f64::NAN),
    ("re21", None, "cosmos", 0.792, f64::NAN),
    ("re21", None, "epo", 0.811, f64::NAN),
    ("re37", None, "tche", 0.548, f64::NAN),
    ("re37", None, "cosmos", 0.536, f64::NAN),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    configure_process();
    let seeds: u64 = env_or("PSL_SEEDS", 3);
    let iters: usize = env_or("PSL_ITERS", 1000);
    let filter = std::env::var("PSL_ROWS").unwrap_or_default();
    println!(
        "| problem | loss | hypervolume (ours, mean ± std over {seeds} seeds) | LibMOON | Δ | ms per iteration (ours) | LibMOON |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &(name, n_var, loss, libmoon_hv, libmoon_time) in ROWS {
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
            let training = TrainConfig::new(LossSpec::libmoon(loss))
                .with_iters(iters)
                .with_seed(seed);
            let start = Instant::now();
            train(model.as_ref(), problem.as_ref(), &training)?;
            per_iter = per_iter.min(start.elapsed().as_secs_f64() / iters as f64);
            hvs.push(evaluate(model.as_ref(), problem.as_ref(), None)?.indicators.hv);
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
            LossSpec::libmoon(loss).label(),
            mean - libmoon_hv,
            per_iter * 1e3,
        );
    }
    Ok(())
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One candle thread (set before any tensor work) and glibc allocator thresholds high enough
/// that candle's per-op buffers are not mmapped and unmapped every time; as the CLI does.
fn configure_process() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        // SAFETY: first thing in main, before any other thread exists.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("RAYON_NUM_THREADS", "1");
        }
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        #[allow(unsafe_code)]
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        // SAFETY: allocator tuning only, before any other thread starts.
        #[allow(unsafe_code)]
        unsafe {
            mallopt(-1, 512 << 20); // M_TRIM_THRESHOLD
            mallopt(-3, 256 << 20); // M_MMAP_THRESHOLD
        }
    }
}
