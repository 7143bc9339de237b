//! The vector–Jacobian product through the problem's analytic Jacobian equals autodiff through
//! `Problem::evaluate_tensor`, and both equal finite differences.

use tradeoff_pareto::dirichlet;
use tradeoff_problems::Problem;
use tradeoff_psl::{
    GradientPath, LossSpec, ModelKind, ParetoSetModel, Precision, Signal, build_model,
    compute_gradients,
};

use crate::common::{init, problem, small_config};
use crate::models::families;

fn gradients(
    model: &dyn ParetoSetModel,
    p: &dyn Problem,
    loss: &LossSpec,
    path: GradientPath,
) -> (Vec<Vec<f64>>, f64) {
    let prefs = dirichlet(p.info().n_obj, 6, 1.0, 42).unwrap();
    let mut signal = Signal::new(loss, p.info()).unwrap();
    let g = compute_gradients(model, p, &mut signal, &prefs, path).unwrap();
    (g.grads, g.loss)
}

fn assert_close(a: &[Vec<f64>], b: &[Vec<f64>], rtol: f64, what: &str) {
    let scale = a.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(scale > 0.0, "{what}: zero gradient");
    for (x, y) in a.iter().flatten().zip(b.iter().flatten()) {
        assert!(
            (x - y).abs() <= rtol * scale,
            "{what}: {x} vs {y} (scale {scale})"
        );
    }
}

#[test]
fn vjp_equals_autodiff_for_every_family_and_signal() {
    init();
    for name in ["vlmop2", "zdt1", "re21", "dtlz2"] {
        let p = problem(name);
        for family in families(p.info().n_var) {
            let config = small_config(family.clone(), p.as_ref(), 8).with_precision(Precision::F64);
            let model = build_model(&config).unwrap();
            for loss in ["tche", "cosmos", "stche", "epo", "pmgda", "hv"] {
                let loss = LossSpec::new(loss);
                let (a, la) = gradients(model.as_ref(), p.as_ref(), &loss, GradientPath::Analytic);
                let (b, lb) = gradients(model.as_ref(), p.as_ref(), &loss, GradientPath::Autodiff);
                assert!(
                    (la - lb).abs() <= 1e-12 * la.abs().max(1.0),
                    "{name} {family:?}"
                );
                assert_close(&a, &b, 1e-9, &format!("{name} {family:?} {}", loss.label()));
            }
        }
    }
}

#[test]
fn f32_vjp_is_close_to_f64() {
    init();
    let p = problem("vlmop2");
    let loss = LossSpec::new("cosmos");
    let g32 = {
        let m = build_model(&small_config(ModelKind::Mlp, p.as_ref(), 1)).unwrap();
        gradients(m.as_ref(), p.as_ref(), &loss, GradientPath::Analytic).0
    };
    let g64 = {
        let config = small_config(ModelKind::Mlp, p.as_ref(), 1).with_precision(Precision::F64);
        let m = build_model(&config).unwrap();
        gradients(m.as_ref(), p.as_ref(), &loss, GradientPath::Analytic).0
    };
    assert_close(&g32, &g64, 1e-4, "f32 vs f64");
}

#[test]
fn gradient_matches_central_differences() {
    init();
    let p = problem("vlmop2");
    let loss = LossSpec::new("cosmos");
    let config = small_config(ModelKind::Mlp, p.as_ref(), 3).with_precision(Precision::F64);
    let model = build_model(&config).unwrap();
    let (g, _) = gradients(model.as_ref(), p.as_ref(), &loss, GradientPath::Analytic);
    // Perturb a few entries of the second layer's weight and of the last bias.
    for (var_index, entries) in [(2usize, [0usize, 17, 200]), (5, [0, 4, 9])] {
        let var = &model.vars()[var_index];
        let shape = var.shape().clone();
        let base = var
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1::<f64>()
            .unwrap();
        for &e in &entries {
            let h = 1e-6;
            let eval = |delta: f64| {
                let mut v = base.clone();
                v[e] += delta;
                var.set(
                    &candle_core::Tensor::from_vec(v, &shape, &candle_core::Device::Cpu).unwrap(),
                )
                .unwrap();
                gradients(model.as_ref(), p.as_ref(), &loss, GradientPath::Analytic).1
            };
            let fd = (eval(h) - eval(-h)) / (2.0 * h);
            eval(0.0);
            let exact = g[var_index][e];
            assert!(
                (fd - exact).abs() < 1e-6 * exact.abs().max(1.0),
                "{fd} vs {exact}"
            );
        }
    }
}

/// The MLP's hand-written backward pass (used on the analytic path) equals candle's autograd of
/// `Σ X ⊙ G` for the same cotangent.
#[test]
fn mlp_hand_written_backward_equals_autograd() {
    init();
    let p = problem("re21");
    let prefs = dirichlet(2, 9, 1.0, 5).unwrap();
    for (depth, output) in [
        (2, None),
        (0, None),
        (1, Some(tradeoff_psl::OutputMap::Linear)),
    ] {
        let mut config = small_config(ModelKind::Mlp, p.as_ref(), 4)
            .with_precision(Precision::F64)
            .with_depth(depth);
        if let Some(output) = output {
            config = config.with_output(output);
        }
        let model = build_model(&config).unwrap();
        let prefs_t =
            candle_core::Tensor::from_slice(prefs.as_slice(), (9, 2), &candle_core::Device::Cpu)
                .unwrap();
        let cotangent: Vec<f64> = (0..9 * 4)
            .map(|i| ((i * 7 % 5) as f64 - 2.0) / 3.0)
            .collect();
        let g =
            candle_core::Tensor::from_vec(cotangent, (9, 4), &candle_core::Device::Cpu).unwrap();
        let traced = model
            .forward_traced(&prefs_t)
            .unwrap()
            .expect("the MLP has one");
        let x = model.forward(&prefs_t).unwrap();
        assert_eq!(
            traced.output.to_vec2::<f64>().unwrap(),
            x.to_vec2::<f64>().unwrap()
        );
        let manual: Vec<Vec<f64>> = (traced.backward)(&g)
            .unwrap()
            .iter()
            .map(|t| t.flatten_all().unwrap().to_vec1::<f64>().unwrap())
            .collect();
        let store = (&x * &g).unwrap().sum_all().unwrap().backward().unwrap();
        let auto: Vec<Vec<f64>> = model
            .vars()
            .iter()
            .map(|v| {
                store
                    .get(v.as_tensor())
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f64>()
                    .unwrap()
            })
            .collect();
        assert_close(&manual, &auto, 1e-12, &format!("depth {depth}"));
    }
    // Families without a hand-written pass use autograd.
    let other = build_model(&small_config(
        ModelKind::Conditioned {
            conditioning: tradeoff_psl::Conditioning::Film,
        },
        p.as_ref(),
        0,
    ))
    .unwrap();
    let prefs_t = candle_core::Tensor::new(&[[0.5f32, 0.5]], &candle_core::Device::Cpu).unwrap();
    assert!(other.forward_traced(&prefs_t).unwrap().is_none());
}
