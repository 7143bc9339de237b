//! A learned Pareto set queried at the K preferences of a finite-set run lands on that run's
//! front: hypervolumes within 0.01 on VLMOP2 (K = 8) and DTLZ2 (K = 15).
//!
//! Both sides use the same method (PMGDA: the finite set with one solution per preference, the
//! model trained on Dirichlet(1) preference batches), the problem's own reference point, seed 0.

use tradeoff_pareto::{Matrix, clip_preferences, das_dennis, hypervolume, linspace};
use tradeoff_problems::{ProblemSpec, build_problem};
use tradeoff_psl::{LossSpec, ModelConfig, ModelKind, TrainConfig, build_model, query, train};
use tradeoff_solvers::{DriverConfig, Init, Optimizer, Options, solve_with_method};

fn compare(name: &str, prefs: &Matrix) -> (f64, f64) {
    let problem = build_problem(&ProblemSpec::new(name)).unwrap();
    let reference = problem.info().reference_point.clone();
    let config = DriverConfig::default()
        .with_max_iters(2000)
        .with_optimizer(Optimizer::adam(0.01))
        .with_init(Init::UniformInBounds { seed: 0 });
    let run =
        solve_with_method(problem.as_ref(), "pmgda", &Options::new(), prefs, &config).unwrap();
    let finite = hypervolume(&run.objectives, &reference).unwrap();
    let model = build_model(
        &ModelConfig::for_problem(ModelKind::Mlp, problem.info())
            .with_width(64)
            .with_depth(2)
            .with_seed(0),
    )
    .unwrap();
    let training = TrainConfig::new(LossSpec::new("pmgda"))
        .with_iters(1000)
        .with_batch_size(64)
        .with_lr(3e-3)
        .with_seed(0);
    train(model.as_ref(), problem.as_ref(), &training).unwrap();
    let objectives = problem
        .evaluate(&query(model.as_ref(), prefs).unwrap())
        .unwrap();
    let learned = hypervolume(&objectives, &reference).unwrap();
    eprintln!(
        "{name}: finite-set PMGDA {finite:.4}, learned front at the same preferences {learned:.4}"
    );
    (finite, learned)
}

#[test]
fn learned_front_matches_a_finite_set_run_on_vlmop2() {
    let (finite, learned) = compare("vlmop2", &linspace(8, 0.01).unwrap());
    assert!(
        (finite - learned).abs() < 0.01,
        "finite set {finite:.4}, learned {learned:.4}"
    );
}

#[test]
fn learned_front_matches_a_finite_set_run_on_dtlz2() {
    let prefs = clip_preferences(&das_dennis(3, 4).unwrap(), 0.01).unwrap();
    let (finite, learned) = compare("dtlz2", &prefs);
    assert!(
        (finite - learned).abs() < 0.01,
        "finite set {finite:.4}, learned {learned:.4}"
    );
}
