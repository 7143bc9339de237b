//! Pareto-set learning over neural networks: the gradient through the generated parameters
//! equals central finite differences in f64 for every family; the functional forward equals
//! the network's own forward bit for bit; a resumed run equals the uninterrupted one; a
//! preference per minibatch example.

use std::sync::Arc;

use candle_core::{DType, Device, Tensor};
use rand::SeedableRng;
use tradeoff_pareto::Matrix;
use tradeoff_problems::neural::models::build_network;
use tradeoff_problems::neural::registry::{NeuralSetup, NeuralSpec, build_neural};
use tradeoff_problems::neural::{ExampleSet, epoch_order};
use tradeoff_psl::neural::{
    NeuralGenerator, NeuralModelConfig, NeuralModelKind, NeuralTrainConfig, NeuralTrainer,
    PreferenceDraw,
};
use tradeoff_psl::{LossSpec, Precision};

use crate::common::init;

fn kinds() -> Vec<NeuralModelKind> {
    vec![
        NeuralModelKind::Hypernet { width: 6, depth: 2 },
        NeuralModelKind::Conditioned,
        NeuralModelKind::Pamal { shared_start: true },
        NeuralModelKind::Pamal {
            shared_start: false,
        },
        NeuralModelKind::LowRank { rank: 2 },
    ]
}

/// Compas with a tiny MLP `20 → 4 → 3 → 1` in f64.
fn small_setup(dtype: DType) -> NeuralSetup {
    let mut spec = NeuralSpec::new("compas");
    spec.model = Some("mlp".into());
    spec.model_config = serde_json::json!({ "hidden": [4, 3] });
    spec.batch_size = 32;
    spec.dtype = dtype;
    build_neural(&spec).unwrap()
}

fn train_set(setup: &NeuralSetup) -> Arc<dyn ExampleSet> {
    Arc::clone(&setup.splits.iter().find(|(n, _)| n == "train").unwrap().1)
}

fn generator(setup: &NeuralSetup, kind: NeuralModelKind, precision: Precision) -> NeuralGenerator {
    let config = NeuralModelConfig {
        kind,
        n_obj: 2,
        seed: 3,
        precision,
    };
    NeuralGenerator::new(config, setup.problem.network().as_ref()).unwrap()
}

/// Perturbs entry `j` of variable `v` by `delta`.
fn nudge(generator: &NeuralGenerator, v: usize, j: usize, delta: f64) {
    let var = &generator.vars()[v];
    let mut values = var
        .as_tensor()
        .flatten_all()
        .unwrap()
        .to_vec1::<f64>()
        .unwrap();
    values[j] += delta;
    var.set(&Tensor::from_vec(values, var.shape(), &Device::Cpu).unwrap())
        .unwrap();
}

#[test]
fn gradient_through_generated_parameters_equals_finite_differences() {
    init();
    let setup = small_setup(DType::F64);
    for kind in kinds() {
        for loss in ["ls", "tche", "epo"] {
            let g = generator(&setup, kind.clone(), Precision::F64);
            let mut config = NeuralTrainConfig::new(LossSpec::new(loss), 2);
            config.pref_batch = 3;
            config.batch = 32;
            // Move off the zero-initialised factors (low-rank B, FiLM) so that every part has
            // a gradient worth checking.
            let mut trainer =
                NeuralTrainer::new(&g, &setup.problem, train_set(&setup), 0, config.clone())
                    .unwrap();
            for _ in 0..3 {
                trainer.step().unwrap();
            }
            let analytic = trainer.gradient(7).unwrap();
            let mut checked = 0;
            for (v, grad) in analytic.grads.iter().enumerate() {
                for j in (0..grad.len()).step_by((grad.len() / 3).max(1)) {
                    let h = 1e-6;
                    nudge(&g, v, j, h);
                    let plus = trainer.gradient(7).unwrap().loss;
                    nudge(&g, v, j, -2.0 * h);
                    let minus = trainer.gradient(7).unwrap().loss;
                    nudge(&g, v, j, h);
                    let fd = (plus - minus) / (2.0 * h);
                    if loss == "epo" {
                        // EPO's weights are constants of the step (LibMOON's mean(α ⊙ F)):
                        // its loss value α·f moves with α, so compare only where the
                        // weights did not switch.
                        continue;
                    }
                    assert!(
                        (fd - grad[j]).abs() <= 1e-6 * (1.0 + fd.abs()),
                        "{} {loss} var {} [{j}]: finite difference {fd}, gradient {}",
                        kind.name(),
                        g.var_names()[v],
                        grad[j]
                    );
                    checked += 1;
                }
            }
            assert!(loss == "epo" || checked > 0);
            assert!(analytic.grads.iter().flatten().all(|v| v.is_finite()));
        }
    }
}

/// `forward_with` the network's own parameters is its `heads(trunk(x))`, bit for bit.
#[test]
fn functional_forward_equals_the_network_forward() {
    init();
    let device = Device::Cpu;
    for (name, shape) in [
        ("multi-lenet", vec![36, 36, 1]),
        ("mlp-m1", vec![20]),
        ("shared-bottom", vec![20]),
        ("mmoe", vec![20]),
    ] {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let network = build_network(
            name,
            &serde_json::Value::Null,
            &shape,
            2,
            DType::F32,
            &device,
            &mut rng,
        )
        .unwrap();
        let mut dims = vec![5];
        dims.extend_from_slice(&shape);
        let x = Tensor::rand(0f32, 1f32, dims, &device).unwrap();
        let own: Vec<Tensor> = network
            .parameters()
            .iter()
            .map(|p| p.var.as_tensor().clone())
            .collect();
        let direct = network.heads(&network.trunk(&x).unwrap(), &x).unwrap();
        let functional = network.forward_with(&own, &x).unwrap();
        assert_eq!(direct.len(), functional.len());
        for (a, b) in direct.iter().zip(&functional) {
            let a = a.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            let b = b.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert_eq!(a, b, "{name}");
        }
    }
}

/// Every family starts from a network of the target's shape and the hypernetwork's size is
/// LibMOON's formula: encoder `(m+1)·w + (d−1)(w+1)·w`, heads `(w+1)·P`.
#[test]
fn generated_shapes_and_hypernetwork_size() {
    init();
    let setup = small_setup(DType::F32);
    let network = setup.problem.network();
    let p = network.n_parameters_per_model();
    for kind in kinds() {
        let g = generator(&setup, kind.clone(), Precision::F32);
        let prefs = Tensor::new(&[[0.2f32, 0.8], [0.5, 0.5], [0.9, 0.1]], &Device::Cpu).unwrap();
        let out = g.generate(&prefs).unwrap();
        for (t, param) in out.iter().zip(network.parameters()) {
            let mut expected = param.var.dims().to_vec();
            expected[0] = 3;
            assert_eq!(t.dims(), expected.as_slice(), "{}", kind.name());
        }
        if let NeuralModelKind::Hypernet { width, depth } = kind {
            let encoder = 3 * width + (depth - 1) * (width + 1) * width;
            assert_eq!(g.n_params(), encoder + (width + 1) * p);
        }
    }
}

/// PaMaL's shared start: every base network starts as one network, so before training every
/// preference (summing to 1) yields that network, in f64 up to rounding; independent draws give
/// different networks at different preferences.
#[test]
fn pamal_shared_start_gives_every_preference_one_network() {
    init();
    let setup = small_setup(DType::F64);
    let prefs = Tensor::new(&[[0.2f64, 0.8], [0.5, 0.5], [1.0, 0.0]], &Device::Cpu).unwrap();
    let largest_gap = |shared_start: bool| -> f64 {
        let g = generator(
            &setup,
            NeuralModelKind::Pamal { shared_start },
            Precision::F64,
        );
        let mut gap = 0.0f64;
        for t in g.generate(&prefs).unwrap() {
            let rows = t.flatten_from(1).unwrap().to_vec2::<f64>().unwrap();
            for row in &rows[1..] {
                for (a, b) in row.iter().zip(&rows[0]) {
                    gap = gap.max((a - b).abs());
                }
            }
        }
        gap
    };
    assert!(largest_gap(true) <= 1e-15, "{}", largest_gap(true));
    assert!(largest_gap(false) > 1e-3, "{}", largest_gap(false));
}

/// Five steps, or two then a checkpoint, a fresh trainer restored from it, three more: the
/// same weights bit for bit.
#[test]
fn resumed_training_equals_uninterrupted() {
    init();
    let setup = small_setup(DType::F32);
    for kind in kinds() {
        let mut config = NeuralTrainConfig::new(LossSpec::new("cosmos"), 2);
        config.pref_batch = 2;
        config.batch = 64;
        let straight = generator(&setup, kind.clone(), Precision::F32);
        let mut t = NeuralTrainer::new(
            &straight,
            &setup.problem,
            train_set(&setup),
            0,
            config.clone(),
        )
        .unwrap();
        for _ in 0..5 {
            t.step().unwrap();
        }
        let dir = std::env::temp_dir().join(format!(
            "tradeoff-neural-resume-{}-{}",
            kind.name(),
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let first = generator(&setup, kind.clone(), Precision::F32);
        let mut t1 =
            NeuralTrainer::new(&first, &setup.problem, train_set(&setup), 0, config.clone())
                .unwrap();
        t1.step().unwrap();
        t1.step().unwrap();
        t1.save_state(&dir).unwrap();
        let second = generator(&setup, kind.clone(), Precision::F32);
        let mut t2 =
            NeuralTrainer::new(&second, &setup.problem, train_set(&setup), 0, config).unwrap();
        t2.restore_state(&dir).unwrap();
        assert_eq!(t2.iteration(), 2);
        for _ in 0..3 {
            t2.step().unwrap();
        }
        for (a, b) in straight.vars().iter().zip(second.vars()) {
            let a = a
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            let b = b
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            assert_eq!(a, b, "{}", kind.name());
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// The training examples `indices` of `set`, as a set of their own.
struct Subset {
    set: Arc<dyn ExampleSet>,
    indices: Vec<usize>,
}

impl ExampleSet for Subset {
    fn len(&self) -> usize {
        self.indices.len()
    }

    fn batch(
        &self,
        indices: &[usize],
        dtype: DType,
        device: &Device,
    ) -> tradeoff_problems::Result<tradeoff_problems::neural::Batch> {
        let own: Vec<usize> = indices.iter().map(|&i| self.indices[i]).collect();
        self.set.batch(&own, dtype, device)
    }
}

/// A preference per minibatch example: the step's objective row `k` is example `k`'s losses
/// under the network of preference `k` (measured by the evaluator as a plain network); the
/// gradient equals central finite differences; with a one-example minibatch it is the
/// per-step draw's gradient, bit for bit.
#[test]
fn preference_per_sample() {
    init();
    let setup = small_setup(DType::F64);
    let n = train_set(&setup).len();
    for kind in kinds() {
        let g = generator(&setup, kind.clone(), Precision::F64);
        let mut config = NeuralTrainConfig::new(LossSpec::new("ls"), 2);
        config.batch = 6;
        config.draw = PreferenceDraw::PerSample;
        let mut trainer =
            NeuralTrainer::new(&g, &setup.problem, train_set(&setup), 5, config.clone()).unwrap();
        for _ in 0..2 {
            trainer.step().unwrap();
        }
        // Step 2 reads positions 12..18 of epoch 0's order.
        let order = epoch_order(5, 0, n);
        let step = trainer.gradient(2).unwrap();
        assert_eq!(step.prefs.shape(), (6, 2));
        assert_eq!(step.objectives.shape(), (6, 2));
        assert_ne!(step.prefs.row(0), step.prefs.row(1));
        let evaluator = setup.problem.evaluator();
        let mut by_hand = 0.0;
        for k in 0..6 {
            let pref = Matrix::from_vec(1, 2, step.prefs.row(k).to_vec()).unwrap();
            let one = Subset {
                set: train_set(&setup),
                indices: vec![order[12 + k]],
            };
            let measured = evaluator
                .evaluate(&g.parameters_for(&pref).unwrap(), &one)
                .unwrap();
            for (a, b) in measured.losses.row(0).iter().zip(step.objectives.row(k)) {
                assert!(
                    (a - b).abs() <= 1e-12 * (1.0 + a.abs()),
                    "{}: {a} vs {b}",
                    kind.name()
                );
            }
            by_hand += pref.row(0)[0] * step.objectives.get(k, 0)
                + pref.row(0)[1] * step.objectives.get(k, 1);
        }
        assert!(
            (step.loss - by_hand / 6.0).abs() <= 1e-12,
            "{}",
            kind.name()
        );

        for (v, grad) in step.grads.iter().enumerate() {
            for j in (0..grad.len()).step_by((grad.len() / 2).max(1)) {
                let h = 1e-6;
                nudge(&g, v, j, h);
                let plus = trainer.gradient(2).unwrap().loss;
                nudge(&g, v, j, -2.0 * h);
                let minus = trainer.gradient(2).unwrap().loss;
                nudge(&g, v, j, h);
                let fd = (plus - minus) / (2.0 * h);
                assert!(
                    (fd - grad[j]).abs() <= 1e-6 * (1.0 + fd.abs()),
                    "{} var {} [{j}]: finite difference {fd}, gradient {}",
                    kind.name(),
                    g.var_names()[v],
                    grad[j]
                );
            }
        }

        // One example per minibatch: the per-step draw of one preference, bit for bit.
        config.batch = 1;
        let per_sample =
            NeuralTrainer::new(&g, &setup.problem, train_set(&setup), 5, config.clone())
                .unwrap()
                .gradient(4)
                .unwrap();
        config.draw = PreferenceDraw::PerStep;
        let per_step = NeuralTrainer::new(&g, &setup.problem, train_set(&setup), 5, config)
            .unwrap()
            .gradient(4)
            .unwrap();
        assert_eq!(per_sample, per_step, "{}", kind.name());
    }
}

/// Every family over an MMoE target (Compas through a tiny MMoE, one task output read by both
/// objectives): the gradient through the generated parameters, grouped expert layers
/// included, equals central finite differences in f64.
#[test]
fn mmoe_target_gradient_equals_finite_differences() {
    init();
    let mut spec = NeuralSpec::new("compas");
    spec.model = Some("mmoe".into());
    spec.model_config =
        serde_json::json!({ "n_experts": 2, "expert": [3], "tower": [2], "task_outputs": [1] });
    spec.batch_size = 32;
    spec.dtype = DType::F64;
    let setup = build_neural(&spec).unwrap();
    for kind in kinds() {
        let g = generator(&setup, kind.clone(), Precision::F64);
        if kind == NeuralModelKind::Conditioned {
            // FiLM on the experts (a grouped layer) and the gates, not on the towers.
            let names = g.var_names();
            assert!(
                names.iter().any(|n| n == "film.experts.0.weight"),
                "{names:?}"
            );
            assert!(
                names.iter().any(|n| n == "film.gates.0.weight"),
                "{names:?}"
            );
            assert!(
                !names.iter().any(|n| n.starts_with("film.towers")),
                "{names:?}"
            );
        }
        let mut config = NeuralTrainConfig::new(LossSpec::new("ls"), 2);
        config.pref_batch = 2;
        config.batch = 32;
        let mut trainer =
            NeuralTrainer::new(&g, &setup.problem, train_set(&setup), 0, config).unwrap();
        for _ in 0..3 {
            trainer.step().unwrap();
        }
        let analytic = trainer.gradient(5).unwrap();
        for (v, grad) in analytic.grads.iter().enumerate() {
            for j in (0..grad.len()).step_by((grad.len() / 2).max(1)) {
                let h = 1e-6;
                nudge(&g, v, j, h);
                let plus = trainer.gradient(5).unwrap().loss;
                nudge(&g, v, j, -2.0 * h);
                let minus = trainer.gradient(5).unwrap().loss;
                nudge(&g, v, j, h);
                let fd = (plus - minus) / (2.0 * h);
                assert!(
                    (fd - grad[j]).abs() <= 1e-6 * (1.0 + fd.abs()),
                    "{} var {} [{j}]: finite difference {fd}, gradient {}",
                    kind.name(),
                    g.var_names()[v],
                    grad[j]
                );
            }
        }
    }
}

/// Resuming with a method signal: EPO and PMGDA (stateless between steps: their checkpoints
/// hold no signal state), Nash-MTL (its warm start) and random loss weighting (its generator,
/// without which the resumed run draws other weights) continue bit for bit.
#[test]
fn resumed_training_with_jacobian_signals_equals_uninterrupted() {
    init();
    let setup = small_setup(DType::F32);
    let kind = NeuralModelKind::Hypernet { width: 6, depth: 2 };
    for loss in ["epo", "pmgda", "nash-mtl", "random"] {
        let mut config = NeuralTrainConfig::new(LossSpec::new(loss), 2);
        config.pref_batch = 2;
        config.batch = 64;
        let straight = generator(&setup, kind.clone(), Precision::F32);
        let mut t = NeuralTrainer::new(
            &straight,
            &setup.problem,
            train_set(&setup),
            0,
            config.clone(),
        )
        .unwrap();
        for _ in 0..5 {
            t.step().unwrap();
        }
        let dir = std::env::temp_dir().join(format!(
            "tradeoff-neural-resume-{loss}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let first = generator(&setup, kind.clone(), Precision::F32);
        let mut t1 =
            NeuralTrainer::new(&first, &setup.problem, train_set(&setup), 0, config.clone())
                .unwrap();
        t1.step().unwrap();
        t1.step().unwrap();
        t1.save_state(&dir).unwrap();
        let has_signal_state = t1
            .state_tensors()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("signal."));
        assert_eq!(
            has_signal_state,
            loss == "nash-mtl" || loss == "random",
            "{loss}"
        );
        let second = generator(&setup, kind.clone(), Precision::F32);
        let mut t2 =
            NeuralTrainer::new(&second, &setup.problem, train_set(&setup), 0, config).unwrap();
        t2.restore_state(&dir).unwrap();
        for _ in 0..3 {
            t2.step().unwrap();
        }
        for (a, b) in straight.vars().iter().zip(second.vars()) {
            let a = a
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            let b = b
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            assert_eq!(a, b, "{loss}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
