//! Training: every family improves, runs are reproducible, clipping and Adam are what the
//! trainer applies.

use tradeoff_problems::{LinearRegression, Problem};
use tradeoff_psl::{
    Adam, CombinationBase, GradientPath, LossSpec, ModelKind, OutputMap, Precision, Signal,
    TargetNet, TrainConfig, Trainer, build_model, clip_grad_norm, compute_gradients, evaluate,
    train,
};

use crate::common::{bits, hv, init, problem, small_config, small_model, weight_bits};
use crate::models::families;

fn quick(loss: LossSpec, iters: usize) -> TrainConfig {
    TrainConfig::new(loss)
        .with_iters(iters)
        .with_batch_size(32)
        .with_lr(1e-2)
}

#[test]
fn every_family_improves_the_hypervolume_on_vlmop2() {
    init();
    let p = problem("vlmop2");
    for family in families(p.info().n_var) {
        let model = small_model(family.clone(), p.as_ref(), 0);
        let before = hv(model.as_ref(), p.as_ref());
        train(
            model.as_ref(),
            p.as_ref(),
            &quick(LossSpec::new("cosmos"), 150),
        )
        .unwrap();
        let after = hv(model.as_ref(), p.as_ref());
        assert!(after > before + 0.05, "{family:?}: {before} -> {after}");
        assert!(after > 0.25, "{family:?}: {after}");
    }
}

#[test]
fn every_signal_trains_the_mlp() {
    init();
    let p = problem("vlmop2");
    // (signal, iterations, whether its loss must fall: LibMOON's Tche/mTche report the
    // unweighted active objective, and EPO/PMGDA report α·f with α changing, which can rise
    // while the front improves).
    for (loss, iters, falls) in [
        (LossSpec::libmoon("tche"), 150, false),
        (LossSpec::new("tche"), 150, true),
        (LossSpec::libmoon("mtche"), 150, false),
        (LossSpec::new("pbi"), 150, true),
        (LossSpec::new("stche"), 150, true),
        (LossSpec::new("aasf"), 150, true),
        (LossSpec::new("epo"), 60, false),
        (LossSpec::new("pmgda"), 60, false),
        (LossSpec::new("hv"), 150, true),
        (
            LossSpec::new("hv").with("ref", "1.1").with("power", "1"),
            150,
            true,
        ),
    ] {
        let model = small_model(ModelKind::Mlp, p.as_ref(), 1);
        let before = hv(model.as_ref(), p.as_ref());
        let history = train(model.as_ref(), p.as_ref(), &quick(loss.clone(), iters)).unwrap();
        let after = hv(model.as_ref(), p.as_ref());
        assert_eq!(history.loss.len(), iters);
        let head: f64 = history.loss[..10].iter().sum();
        let tail: f64 = history.loss[iters - 10..].iter().sum();
        assert!(
            !falls || tail < head,
            "{}: loss {head} -> {tail}",
            loss.label()
        );
        assert!(
            after > before + 0.05,
            "{}: hv {before} -> {after}",
            loss.label()
        );
    }
}

#[test]
fn hypernet_and_combinations_learn_the_regression_front() {
    init();
    let p = LinearRegression::default();
    let target = TargetNet::linear(5, 1, false);
    for family in [
        ModelKind::Hypernet {
            target: target.clone(),
        },
        ModelKind::Pamal {
            base: CombinationBase::Solution {
                target: target.clone(),
            },
        },
        ModelKind::LowRank {
            base: CombinationBase::Solution {
                target: target.clone(),
            },
            rank: 1,
        },
    ] {
        let config = small_config(family.clone(), &p, 2).with_output(OutputMap::Linear);
        let model = build_model(&config).unwrap();
        let before = hv(model.as_ref(), &p);
        let history = train(model.as_ref(), &p, &quick(LossSpec::new("tche"), 200)).unwrap();
        let after = hv(model.as_ref(), &p);
        let head: f64 = history.loss[..10].iter().sum();
        let tail: f64 = history.loss[190..].iter().sum();
        assert!(tail < head, "{family:?}: loss {head} -> {tail}");
        assert!(after > before, "{family:?}: hv {before} -> {after}");
    }
}

#[test]
fn three_objectives_train() {
    init();
    let p = problem("re37");
    let model = small_model(ModelKind::Mlp, p.as_ref(), 0);
    let prefs = tradeoff_pareto::das_dennis(3, 4).unwrap();
    let before = evaluate(model.as_ref(), p.as_ref(), Some(&prefs))
        .unwrap()
        .indicators
        .hv;
    train(
        model.as_ref(),
        p.as_ref(),
        &quick(LossSpec::new("cosmos"), 100),
    )
    .unwrap();
    let after = evaluate(model.as_ref(), p.as_ref(), Some(&prefs))
        .unwrap()
        .indicators
        .hv;
    assert!(after > before, "{before} -> {after}");
}

#[test]
fn same_seed_same_run_bit_for_bit() {
    init();
    let p = problem("vlmop2");
    let run = |model_seed: u64, train_seed: u64, loss: &str| {
        let model = small_model(ModelKind::Mlp, p.as_ref(), model_seed);
        let history = train(
            model.as_ref(),
            p.as_ref(),
            &quick(LossSpec::new(loss), 30).with_seed(train_seed),
        )
        .unwrap();
        let front = evaluate(model.as_ref(), p.as_ref(), None).unwrap();
        let loss_bits: Vec<u64> = history.loss.iter().map(|v| v.to_bits()).collect();
        (weight_bits(model.as_ref()), loss_bits, front.objectives)
    };
    for loss in ["tche", "epo", "hv"] {
        assert_eq!(run(4, 9, loss), run(4, 9, loss), "{loss}");
        assert_ne!(
            run(4, 9, loss).0,
            run(4, 10, loss).0,
            "{loss}: the train seed matters"
        );
        assert_ne!(
            run(4, 9, loss).0,
            run(5, 9, loss).0,
            "{loss}: the model seed matters"
        );
    }
}

#[test]
fn preference_stream_is_dirichlet_and_seeded() {
    init();
    let p = problem("vlmop2");
    let model = small_model(ModelKind::Mlp, p.as_ref(), 0);
    let trainer = Trainer::new(model.as_ref(), p.as_ref(), quick(LossSpec::new("ls"), 1)).unwrap();
    let a = trainer.preferences(3).unwrap();
    assert_eq!(a.shape(), (32, 2));
    assert_eq!(bits(&a), bits(&trainer.preferences(3).unwrap()));
    assert_ne!(bits(&a), bits(&trainer.preferences(4).unwrap()));
    for row in a.rows() {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(row.iter().all(|&v| v > 0.0));
    }
}

#[test]
fn clip_grad_norm_matches_pytorch() {
    let mut g = vec![vec![3.0, 0.0, 0.0], vec![0.0, 4.0]];
    let norm = clip_grad_norm(&mut g, 0.5);
    assert_eq!(norm, 5.0);
    let coef = 0.5 / (5.0 + 1e-6);
    assert_eq!(g, vec![vec![3.0 * coef, 0.0, 0.0], vec![0.0, 4.0 * coef]]);
    // Below the threshold nothing changes.
    let mut small = vec![vec![0.3], vec![0.4]];
    assert_eq!(clip_grad_norm(&mut small, 1.0), 0.5);
    assert_eq!(small, vec![vec![0.3], vec![0.4]]);
}

/// The trainer equals a hand-written loop of: the same preferences, `compute_gradients`,
/// `clip_grad_norm`, and `Adam::step`, bit for bit (f64 model, so no precision conversion).
#[test]
fn trainer_is_gradients_then_clipping_then_adam() {
    init();
    let p = problem("vlmop2");
    let family = ModelKind::Mlp;
    for clip in [Some(0.05), None] {
        let config = quick(LossSpec::new("tche"), 12).with_clip_norm(clip);
        let trained = build_model(
            &small_config(family.clone(), p.as_ref(), 5).with_precision(Precision::F64),
        )
        .unwrap();
        let mut trainer = Trainer::new(trained.as_ref(), p.as_ref(), config.clone()).unwrap();
        let mut norms = Vec::new();
        let history = trainer.run(|s| norms.push(s.grad_norm)).unwrap();

        let manual = build_model(
            &small_config(family.clone(), p.as_ref(), 5).with_precision(Precision::F64),
        )
        .unwrap();
        let mut adam = Adam::new(manual.vars().to_vec(), config.adam).unwrap();
        let mut signal = Signal::new(&config.loss, p.info()).unwrap();
        let mut clipped_any = false;
        for (t, (&loss, &trainer_norm)) in history.loss.iter().zip(&norms).enumerate() {
            let prefs = trainer.preferences(t).unwrap();
            let mut g = compute_gradients(
                manual.as_ref(),
                p.as_ref(),
                &mut signal,
                &prefs,
                GradientPath::Auto,
            )
            .unwrap();
            assert_eq!(g.loss, loss);
            let norm = match clip {
                Some(c) => {
                    let norm = clip_grad_norm(&mut g.grads, c);
                    let after: f64 = g.grads.iter().flatten().map(|v| v * v).sum::<f64>().sqrt();
                    if norm > c {
                        clipped_any = true;
                        let expected = c * norm / (norm + 1e-6);
                        assert!((after - expected).abs() < 1e-12 * c, "clipped to {after}");
                    }
                    norm
                }
                None => g.grads.iter().flatten().map(|v| v * v).sum::<f64>().sqrt(),
            };
            assert!((norm - trainer_norm).abs() <= 1e-12 * norm);
            adam.step(&g.grads).unwrap();
        }
        assert_eq!(
            clipped_any,
            clip.is_some(),
            "the test must exercise clipping"
        );
        assert_eq!(weight_bits(trained.as_ref()), weight_bits(manual.as_ref()));
    }
}

#[test]
fn clipping_changes_the_run_only_when_it_bites() {
    init();
    let p = problem("vlmop2");
    let run = |clip: Option<f64>| {
        let model = small_model(ModelKind::Mlp, p.as_ref(), 6);
        train(
            model.as_ref(),
            p.as_ref(),
            &quick(LossSpec::new("tche"), 10).with_clip_norm(clip),
        )
        .unwrap();
        weight_bits(model.as_ref())
    };
    assert_eq!(run(None), run(Some(1e30)));
    assert_ne!(run(None), run(Some(1e-3)));
}

#[test]
fn bad_settings_are_errors() {
    init();
    let p = problem("vlmop2");
    let model = small_model(ModelKind::Mlp, p.as_ref(), 0);
    for config in [
        quick(LossSpec::new("tche"), 1).with_batch_size(0),
        quick(LossSpec::new("tche"), 1).with_lr(-1.0),
        quick(LossSpec::new("tche"), 1).with_alpha(0.0),
        quick(LossSpec::new("tche"), 1).with_clip_norm(Some(0.0)),
        quick(LossSpec::new("nope"), 1),
        quick(LossSpec::new("tche").with("nope", "1"), 1),
        quick(LossSpec::new("hv").with("ref", "1,2,3"), 1),
    ] {
        assert!(Trainer::new(model.as_ref(), p.as_ref(), config).is_err());
    }
    // A model for another problem.
    let other = problem("re37");
    assert!(
        Trainer::new(
            model.as_ref(),
            other.as_ref(),
            quick(LossSpec::new("ls"), 1)
        )
        .is_err()
    );
}

#[test]
fn dtlz2_needs_no_analytic_shortcut() {
    init();
    // The autodiff path trains too (forced here on a problem that has an analytic Jacobian).
    let p = problem("dtlz2");
    let model = small_model(ModelKind::Mlp, p.as_ref(), 0);
    let prefs = tradeoff_pareto::das_dennis(3, 4).unwrap();
    let before = evaluate(model.as_ref(), p.as_ref(), Some(&prefs))
        .unwrap()
        .indicators
        .hv;
    let config = quick(LossSpec::new("cosmos"), 60).with_gradient(GradientPath::Autodiff);
    train(model.as_ref(), p.as_ref(), &config).unwrap();
    let after = evaluate(model.as_ref(), p.as_ref(), Some(&prefs))
        .unwrap()
        .indicators
        .hv;
    assert!(after > before, "{before} -> {after}");
    let _: &dyn Problem = p.as_ref();
}
