//! Evaluation preferences, indicators and the dense front.

use tradeoff_psl::{
    LossSpec, ModelKind, TrainConfig, default_eval_size, dense_front, evaluate,
    evaluation_preferences, train,
};

use crate::common::{init, problem, small_model};

#[test]
fn libmoon_evaluation_preferences() {
    let two = evaluation_preferences(2, None).unwrap();
    assert_eq!(two.shape(), (20, 2));
    assert_eq!(two.row(0), &[0.01, 0.99]);
    assert!((two.get(19, 0) - 0.99).abs() < 1e-15);
    assert_eq!(default_eval_size(3), 200);
    let three = evaluation_preferences(3, Some(30)).unwrap();
    assert_eq!(three.shape(), (30, 3));
    for row in three.rows() {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(row.iter().all(|&v| v >= 0.0099));
    }
    assert!(evaluation_preferences(1, None).is_err());
}

#[test]
fn indicators_and_dense_front() {
    init();
    let p = problem("vlmop2");
    let model = small_model(ModelKind::Mlp, p.as_ref(), 0);
    let config = TrainConfig::new(LossSpec::new("cosmos"))
        .with_iters(100)
        .with_batch_size(32)
        .with_lr(1e-2);
    train(model.as_ref(), p.as_ref(), &config).unwrap();
    let e = evaluate(model.as_ref(), p.as_ref(), None).unwrap();
    assert_eq!(e.prefs.len(), 20);
    assert_eq!(e.solutions[0].len(), 10);
    let ind = &e.indicators;
    assert_eq!(ind.reference, vec![1.0, 1.0]);
    assert!(ind.hv > 0.25 && ind.hv < 0.33, "{}", ind.hv);
    assert!(ind.igd.unwrap() < 0.1 && ind.igd_plus.is_some());
    for v in [
        ind.lmin,
        ind.soft_lmin,
        ind.spacing,
        ind.sparsity,
        ind.span,
        ind.inner_product,
        ind.cross_angle,
        ind.pbi,
    ] {
        assert!(v.unwrap().is_finite());
    }
    // COSMOS follows the preference rays closely.
    assert!(ind.cross_angle.unwrap() < 10.0);
    let json = serde_json::to_value(&e).unwrap();
    assert!(json["indicators"]["hv"].is_number());

    let dense = dense_front(model.as_ref(), p.as_ref(), 101).unwrap();
    assert_eq!(dense.prefs.shape(), (101, 2));
    assert_eq!(dense.objectives.shape(), (101, 2));
    assert_eq!(dense.prefs.row(0), &[0.0, 1.0]);

    // Three objectives: the finest lattice within the budget; no true front for RE37.
    let p3 = problem("re37");
    let m3 = small_model(ModelKind::Mlp, p3.as_ref(), 0);
    let dense = dense_front(m3.as_ref(), p3.as_ref(), 100).unwrap();
    assert_eq!(dense.prefs.shape(), (91, 3));
    let prefs = tradeoff_pareto::das_dennis(3, 5).unwrap();
    let e3 = evaluate(m3.as_ref(), p3.as_ref(), Some(&prefs)).unwrap();
    assert!(e3.indicators.igd.is_none());
}
