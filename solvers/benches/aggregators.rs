//! Time per call of every aggregator on one Jacobian, at m ∈ {2, 10, 40} objectives and
//! n ∈ {1e5, 1e6} variables (the sizes TorchJD and conflictfree were timed at).
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo bench -p tradeoff-solvers --bench aggregators
//! ```
//! Reference (one thread, n = 1e5; m = 2 / 10 / 40): TorchJD UPGrad 0.14 / 0.81 / 7.6 ms;
//! conflictfree ConFIG 3.3 / 33 / 155 ms.

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::time::Duration;
use tradeoff_pareto::Matrix;
use tradeoff_solvers::{Family, Options, StepInput, build_method, method_entries};

/// (m, n) pairs.
const SHAPES: &[(usize, usize)] = &[
    (2, 100_000),
    (10, 100_000),
    (40, 100_000),
    (2, 1_000_000),
    (10, 1_000_000),
    (40, 1_000_000),
];

fn jacobian(m: usize, n: usize, seed: u64) -> Matrix {
    let mut rng = StdRng::seed_from_u64(seed);
    let data: Vec<f64> = (0..m * n)
        .map(|_| rng.random::<f64>() * 2.0 - 1.0)
        .collect();
    Matrix::from_vec(m, n, data).expect("m·n values")
}

fn aggregators(c: &mut Criterion) {
    let methods: Vec<&str> = std::env::var("AGGREGATORS")
        .map(|v| {
            v.split(',')
                .map(|s| Box::leak(s.to_string().into_boxed_str()) as &str)
                .collect()
        })
        .unwrap_or_else(|_| {
            method_entries()
                .iter()
                .filter(|e| {
                    e.info.family == Family::Aggregator || e.info.family == Family::PreferenceGuided
                })
                .map(|e| e.info.name)
                .collect()
        });
    for &(m, n) in SHAPES {
        let jac = jacobian(m, n, 7);
        let losses: Vec<f64> = (0..m).map(|i| 1.0 + i as f64 / m as f64).collect();
        let pref: Vec<f64> = vec![1.0 / m as f64; m];
        let mut group = c.benchmark_group(format!("aggregate_m{m}_n{n}"));
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(300));
        group.measurement_time(Duration::from_secs(if n > 100_000 { 3 } else { 1 }));
        for &name in &methods {
            let Ok(mut method) = build_method(name, &Options::new()) else {
                continue;
            };
            let input = StepInput::new(&jac)
                .with_losses(&losses)
                .with_preference(&pref);
            if method.aggregate(&input).is_err() {
                continue;
            }
            group.bench_function(BenchmarkId::new(name, format!("m{m}_n{n}")), |b| {
                b.iter(|| black_box(method.aggregate(black_box(&input)).expect("aggregates")))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, aggregators);
criterion_main!(benches);
