//! Model families: shapes, box outputs, seeded initialisation, target networks.

use candle_core::{DType, Device, Tensor};
use tradeoff_pareto::{Matrix, linspace};
use tradeoff_problems::{LinearRegression, Problem};
use tradeoff_psl::{
    Activation, CombinationBase, Conditioning, InitScheme, ModelConfig, ModelKind, OutputMap,
    Precision, TargetNet, build_model, query,
};

use crate::common::{init, problem, small_config, weight_bits};

/// Every family with its settings for a problem with `n_var` variables.
pub fn families(n_var: usize) -> Vec<ModelKind> {
    vec![
        ModelKind::Mlp,
        ModelKind::Hypernet {
            target: TargetNet::vector(n_var),
        },
        ModelKind::Conditioned {
            conditioning: Conditioning::Concat,
        },
        ModelKind::Conditioned {
            conditioning: Conditioning::Film,
        },
        ModelKind::Pamal {
            base: CombinationBase::Mlp,
        },
        ModelKind::Pamal {
            base: CombinationBase::Solution {
                target: TargetNet::vector(n_var),
            },
        },
        ModelKind::LowRank {
            base: CombinationBase::Mlp,
            rank: 3,
        },
        ModelKind::LowRank {
            base: CombinationBase::Solution {
                target: TargetNet::vector(n_var),
            },
            rank: 2,
        },
    ]
}

#[test]
fn libmoon_mlp_has_libmoon_size() {
    init();
    let p = problem("vlmop2");
    let model = build_model(&ModelConfig::for_problem(ModelKind::Mlp, p.info())).unwrap();
    // 2 → 256 → 256 → 256 → 256 → 10, with biases.
    assert_eq!(
        model.n_params(),
        3 * 256 + 3 * (256 * 256 + 256) + 256 * 10 + 10
    );
    assert_eq!(model.vars().len(), 10);
    assert_eq!(model.var_names()[0], "layer0.weight");
}

#[test]
fn every_family_maps_preferences_into_the_box() {
    init();
    let p = problem("vlmop2");
    let prefs = linspace(7, 0.0).unwrap();
    for family in families(p.info().n_var) {
        for precision in [Precision::F32, Precision::F64] {
            let config = small_config(family.clone(), p.as_ref(), 3).with_precision(precision);
            let model = build_model(&config).unwrap();
            let x = query(model.as_ref(), &prefs).unwrap();
            assert_eq!(x.shape(), (7, 10), "{family:?}");
            assert!(
                x.as_slice().iter().all(|v| (-1.0..=1.0).contains(v)),
                "{family:?}: outside [-1, 1]"
            );
            assert!(model.vars().iter().all(|v| v.dtype() == precision.dtype()));
        }
    }
}

#[test]
fn same_seed_same_weights_other_seed_other_weights() {
    init();
    let p = problem("vlmop2");
    for family in families(p.info().n_var) {
        let a = build_model(&small_config(family.clone(), p.as_ref(), 11)).unwrap();
        let b = build_model(&small_config(family.clone(), p.as_ref(), 11)).unwrap();
        let c = build_model(&small_config(family.clone(), p.as_ref(), 12)).unwrap();
        assert_eq!(
            weight_bits(a.as_ref()),
            weight_bits(b.as_ref()),
            "{family:?}"
        );
        assert_ne!(
            weight_bits(a.as_ref()),
            weight_bits(c.as_ref()),
            "{family:?}"
        );
    }
}

#[test]
fn torch_and_kaiming_bounds() {
    init();
    let p = problem("vlmop2");
    for (init_scheme, bound, bias_zero) in [
        (InitScheme::Torch, 1.0 / 32f64.sqrt(), false),
        (InitScheme::Kaiming, (6.0 / 32f64).sqrt(), true),
    ] {
        let config = small_config(ModelKind::Mlp, p.as_ref(), 0)
            .with_init(init_scheme)
            .with_precision(Precision::F64);
        let model = build_model(&config).unwrap();
        // layer1: 32 → 32.
        let w = model.vars()[2]
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1::<f64>()
            .unwrap();
        let b = model.vars()[3].as_tensor().to_vec1::<f64>().unwrap();
        assert!(w.iter().all(|v| v.abs() <= bound));
        assert!(w.iter().any(|v| v.abs() > 0.8 * bound), "bound is reached");
        assert_eq!(b.iter().all(|&v| v == 0.0), bias_zero);
    }
}

#[test]
fn combinations_start_where_their_theory_says() {
    init();
    let p = problem("vlmop2");
    let prefs = linspace(5, 0.0).unwrap();
    // Low rank: B_i = 0 at initialisation, so every preference gets the base solution.
    let lowrank = build_model(&small_config(
        ModelKind::LowRank {
            base: CombinationBase::Solution {
                target: TargetNet::vector(10),
            },
            rank: 2,
        },
        p.as_ref(),
        0,
    ))
    .unwrap();
    let x = query(lowrank.as_ref(), &prefs).unwrap();
    for k in 1..5 {
        assert_eq!(x.row(k), x.row(0));
    }
    // PaMaL on the solution: the unit preferences give the base sets, mapped onto the box.
    let pamal = build_model(
        &small_config(
            ModelKind::Pamal {
                base: CombinationBase::Solution {
                    target: TargetNet::vector(10),
                },
            },
            p.as_ref(),
            0,
        )
        .with_precision(Precision::F64)
        .with_output(OutputMap::Linear),
    )
    .unwrap();
    let theta = pamal.vars()[0].as_tensor().to_vec2::<f64>().unwrap(); // [2, 10]
    let x = query(
        pamal.as_ref(),
        &Matrix::from_rows(&[[1.0, 0.0], [0.25, 0.75]]).unwrap(),
    )
    .unwrap();
    for (j, (&a, &b)) in theta[0].iter().zip(&theta[1]).enumerate() {
        assert_eq!(x.get(0, j), a);
        assert!((x.get(1, j) - (0.25 * a + 0.75 * b)).abs() < 1e-15);
    }
}

#[test]
fn target_net_forward_matches_a_manual_mlp() {
    init();
    let target = TargetNet::mlp(3, &[4], 2, Activation::Relu);
    assert_eq!(target.n_params(), 3 * 4 + 4 + 4 * 2 + 2);
    let names: Vec<String> = target.tensors().into_iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "layer0.weight",
            "layer0.bias",
            "layer1.weight",
            "layer1.bias"
        ]
    );
    let p = target.n_params();
    let params: Vec<f64> = (0..2 * p)
        .map(|i| ((i * 37 % 11) as f64 - 5.0) / 7.0)
        .collect();
    let input: Vec<f64> = (0..2 * 5 * 3)
        .map(|i| ((i * 13 % 7) as f64 - 3.0) / 3.0)
        .collect();
    let params_t = Tensor::from_vec(params.clone(), (2, p), &Device::Cpu).unwrap();
    let input_t = Tensor::from_vec(input.clone(), (2, 5, 3), &Device::Cpu).unwrap();
    let out = target
        .forward(&params_t, &input_t)
        .unwrap()
        .to_vec3::<f64>()
        .unwrap();
    for b in 0..2 {
        let theta = &params[b * p..(b + 1) * p];
        for s in 0..5 {
            let x = &input[(b * 5 + s) * 3..(b * 5 + s + 1) * 3];
            let h: Vec<f64> = (0..4)
                .map(|o| {
                    (theta[12 + o] + (0..3).map(|i| x[i] * theta[i * 4 + o]).sum::<f64>()).max(0.0)
                })
                .collect();
            for o in 0..2 {
                let y =
                    theta[16 + 8 + o] + (0..4).map(|i| h[i] * theta[16 + i * 2 + o]).sum::<f64>();
                assert!((out[b][s][o] - y).abs() < 1e-12);
            }
        }
    }
}

#[test]
fn regression_hypernet_targets_the_linear_model() {
    init();
    let p = LinearRegression::default();
    let target = TargetNet::linear(5, 1, false);
    let kind = ModelKind::for_problem("hypernet", p.info()).unwrap();
    assert_eq!(
        kind,
        ModelKind::Hypernet {
            target: target.clone()
        }
    );
    let config = ModelConfig::for_problem(kind, p.info())
        .with_output(OutputMap::Linear)
        .with_precision(Precision::F64);
    let model = build_model(&config).unwrap();
    let names = model.var_names();
    assert_eq!(names.last().unwrap(), "head.layer0.weight.bias");
    // The solution is the target's parameters: running the target on the data gives z = Xw.
    let prefs = Matrix::from_rows(&[[0.5, 0.5]]).unwrap();
    let w = query(model.as_ref(), &prefs).unwrap();
    let x = p.inputs();
    let params = Tensor::from_slice(w.as_slice(), (1, 5), &Device::Cpu).unwrap();
    let data = Tensor::from_slice(x.as_slice(), (1, 40, 5), &Device::Cpu).unwrap();
    let z = target
        .forward(&params, &data)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f64>()
        .unwrap();
    for (i, zi) in z.iter().enumerate() {
        let manual: f64 = x.row(i).iter().zip(w.row(0)).map(|(a, b)| a * b).sum();
        assert!((zi - manual).abs() < 1e-12);
    }
}

#[test]
fn invalid_configs_are_rejected() {
    init();
    let p = problem("vlmop2");
    let bad_target = ModelKind::Hypernet {
        target: TargetNet::vector(9),
    };
    assert!(build_model(&ModelConfig::for_problem(bad_target, p.info())).is_err());
    let zero_rank = ModelKind::LowRank {
        base: CombinationBase::Mlp,
        rank: 0,
    };
    assert!(build_model(&ModelConfig::for_problem(zero_rank, p.info())).is_err());
    assert!(
        build_model(&ModelConfig::for_problem(ModelKind::Mlp, p.info()).with_width(0)).is_err()
    );
    // Preferences of the wrong width.
    let model = build_model(&small_config(ModelKind::Mlp, p.as_ref(), 0)).unwrap();
    let prefs = Tensor::zeros((4, 3), DType::F32, &Device::Cpu).unwrap();
    assert!(model.forward(&prefs).is_err());
    assert!(ModelKind::from_name("nope", 3).is_none());
    for name in ModelKind::NAMES {
        assert_eq!(ModelKind::from_name(name, 10).unwrap().name(), name);
    }
}

#[test]
fn model_kinds_work_on_three_objectives() {
    init();
    let p = problem("dtlz2");
    let prefs = tradeoff_pareto::das_dennis(3, 3).unwrap();
    for family in families(p.info().n_var) {
        let model = build_model(&small_config(family.clone(), p.as_ref(), 1)).unwrap();
        let x = query(model.as_ref(), &prefs).unwrap();
        assert_eq!(x.shape(), (prefs.n_rows(), p.info().n_var), "{family:?}");
        p.evaluate(&x).unwrap();
    }
}
