//! Hypervolume benchmarks: 1,000 and 10,000 mutually non-dominated points drawn uniformly on the
//! simplex (sum 1) in 2–5 objectives, reference point 1.1 in every objective.
//!
//! `cargo bench -p tradeoff-pareto --bench hypervolume` runs criterion (about a minute and a
//! half). For a quick plain table (median and minimum of a few runs per cell, next to moocore's
//! time) set `HV_TABLE`: `HV_TABLE=all cargo bench -p tradeoff-pareto --bench hypervolume`
//! (`HV_TABLE=m4`: the 4-objective cells; `HV_TABLE=m4_n1000`: one cell; `HV_TABLE=extra`:
//! `hv_contributions` and `hypervolume_gradient`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tradeoff_pareto::{Matrix, hv_contributions, hypervolume, hypervolume_gradient};

/// (n_obj, n_points, criterion sample size, moocore 0.3.2 time in ms for comparison).
const CASES: &[(usize, usize, usize, f64)] = &[
    (2, 1_000, 100, 0.10),
    (2, 10_000, 100, 1.1),
    (3, 1_000, 100, 0.19),
    (3, 10_000, 50, 3.2),
    (4, 1_000, 50, 1.0),
    (4, 10_000, 10, 42.0),
    (5, 1_000, 10, 10.6),
    (5, 10_000, 10, 990.0),
];

const REFERENCE: f64 = 1.1;

/// `n` points uniform on the simplex: normalised exponential draws (seeded).
fn simplex(n: usize, m: usize, seed: u64) -> Matrix {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut data = Vec::with_capacity(n * m);
    for _ in 0..n {
        let e: Vec<f64> = (0..m).map(|_| -(1.0 - rng.random::<f64>()).ln()).collect();
        let s: f64 = e.iter().sum();
        data.extend(e.iter().map(|v| v / s));
    }
    Matrix::from_vec(n, m, data).expect("n × m values")
}

fn table(filter: &str) {
    println!("| m | n | ours, median (ms) | ours, min (ms) | moocore 0.3.2 (ms) | HV |");
    println!("|---|---|---|---|---|---|");
    for &(m, n, _, moocore_ms) in CASES {
        let id = format!("m{m}_n{n}");
        if filter != "all" && id != filter && !id.starts_with(&format!("{filter}_")) {
            continue;
        }
        let points = simplex(n, m, 42);
        let reference = vec![REFERENCE; m];
        let mut times = Vec::new();
        let started = Instant::now();
        let mut hv = 0.0;
        while times.len() < 5 || (started.elapsed() < Duration::from_secs(2) && times.len() < 200) {
            let t = Instant::now();
            hv = hypervolume(black_box(&points), black_box(&reference)).expect("valid input");
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        let (median, min) = (times[times.len() / 2], times[0]);
        println!("| {m} | {n} | {median:.3} | {min:.3} | {moocore_ms} | {hv:.12} |");
    }
}

/// Median milliseconds of `f` over at least 3 runs and about a second.
fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 3 || (started.elapsed() < Duration::from_secs(1) && times.len() < 100) {
        let t = Instant::now();
        f();
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Plain timings of the contributions and the gradient (`HV_TABLE=extra`).
fn extra_table() {
    println!("| m | n | hv_contributions (ms) | hypervolume_gradient (ms) |");
    println!("|---|---|---|---|");
    for (m, n) in [
        (2, 1_000),
        (2, 10_000),
        (3, 1_000),
        (3, 10_000),
        (4, 1_000),
        (5, 200),
    ] {
        let points = simplex(n, m, 42);
        let reference = vec![REFERENCE; m];
        let c = median_ms(|| {
            black_box(hv_contributions(black_box(&points), &reference).expect("valid"));
        });
        let g = median_ms(|| {
            black_box(hypervolume_gradient(black_box(&points), &reference).expect("valid"));
        });
        println!("| {m} | {n} | {c:.3} | {g:.3} |");
    }
}

fn main() {
    if std::env::var("HV_TABLE").as_deref() == Ok("extra") {
        extra_table();
        return;
    }
    if let Ok(value) = std::env::var("HV_TABLE") {
        table(&value);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("hypervolume");
    for &(m, n, samples, _) in CASES {
        let points = simplex(n, m, 42);
        let reference = vec![REFERENCE; m];
        group.sample_size(samples);
        group.bench_with_input(
            BenchmarkId::new("simplex", format!("m{m}_n{n}")),
            &(points, reference),
            |b, (points, reference)| {
                b.iter(|| {
                    hypervolume(black_box(points), black_box(reference)).expect("valid input")
                })
            },
        );
    }
    group.finish();
    c.final_summary();
}
