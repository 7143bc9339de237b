//! One Pareto-set-learning training iteration, as LibMOON's PSL benchmark runs it: VLMOP2
//! (n = 10), the m → 256⁴ → n MLP in f32, batch 128, Adam, gradient clipping; with a
//! scalarization (Tche), EPO and PMGDA weights, and the hypervolume signal. Also the parts of
//! a step (forward; forward + signal + backward) and the other model families.
//!
//! LibMOON on the same 2-core machine kind (libmoon.md §6.2/§6.4): 2.6 ms per iteration with a
//! scalarization, 513 ms with EPO, 101 ms with PMGDA.
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo bench -p tradeoff-psl --bench train_step
//! ```

#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::time::Duration;

use candle_core::{Device, Tensor};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tradeoff_pareto::dirichlet;
use tradeoff_problems::{Problem, ProblemSpec, build_problem};
use tradeoff_psl::{
    GradientPath, LossSpec, ModelConfig, ModelKind, ParetoSetModel, Signal, TrainConfig, Trainer,
    build_model, compute_gradients,
};

/// (loss, model family).
const STEPS: &[(&str, &str)] = &[
    ("tche", "mlp"),
    ("cosmos", "mlp"),
    ("epo", "mlp"),
    ("pmgda", "mlp"),
    ("hv", "mlp"),
    ("tche", "hypernet"),
    ("tche", "conditioned"),
    ("tche", "pamal"),
    ("tche", "lowrank"),
];

const BATCH: usize = 128;

fn problem() -> Box<dyn Problem> {
    build_problem(&ProblemSpec::new("vlmop2").n_var(10)).expect("vlmop2 builds")
}

fn model(problem: &dyn Problem, family: &str) -> Box<dyn ParetoSetModel> {
    let kind = ModelKind::from_name(family, problem.info().n_var).expect("known family");
    build_model(&ModelConfig::for_problem(kind, problem.info())).expect("model builds")
}

fn bench_steps(c: &mut Criterion) {
    let problem = problem();
    let mut group = c.benchmark_group("train_step");
    for &(loss, family) in STEPS {
        let model = model(problem.as_ref(), family);
        let config = TrainConfig::new(LossSpec::libmoon(loss))
            .with_batch_size(BATCH)
            .with_iters(usize::MAX);
        let mut trainer = Trainer::new(model.as_ref(), problem.as_ref(), config).expect("trainer");
        group.bench_function(BenchmarkId::new(format!("vlmop2_{family}"), loss), |b| {
            b.iter(|| black_box(trainer.step().expect("step")))
        });
    }
    group.finish();
}

fn bench_parts(c: &mut Criterion) {
    let problem = problem();
    let model = model(problem.as_ref(), "mlp");
    let prefs = dirichlet(2, BATCH, 1.0, 7).expect("preferences");
    let prefs_t = Tensor::from_slice(prefs.as_slice(), (BATCH, 2), &Device::Cpu)
        .and_then(|t| t.to_dtype(candle_core::DType::F32))
        .expect("tensor");
    let mut signal = Signal::new(&LossSpec::libmoon("tche"), problem.info()).expect("signal");
    let mut group = c.benchmark_group("parts");
    group.bench_function("vlmop2_mlp_forward", |b| {
        b.iter(|| black_box(model.forward(&prefs_t).expect("forward")))
    });
    group.bench_function("vlmop2_mlp_gradients", |b| {
        b.iter(|| {
            black_box(
                compute_gradients(
                    model.as_ref(),
                    problem.as_ref(),
                    &mut signal,
                    &prefs,
                    GradientPath::Analytic,
                )
                .expect("gradients"),
            )
        })
    });
    group.finish();
}

fn config() -> Criterion {
    // One candle thread and glibc allocator thresholds, before any tensor work (as the CLI).
    tradeoff_problems::configure_process();
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_steps, bench_parts
}
criterion_main!(benches);
