//! Tests of the architectures: parameter counts against LibMOON's (and hand counts), forward
//! passes against naive loop implementations, the K-stack against K separate models, gradients
//! against central finite differences in f64, and seeded initialisation.

use candle_core::{DType, Device, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::neural::Network;

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// A batch of uniform values in [−1, 1) of the given shape, in `dtype`.
fn random_input(shape: &[usize], seed: u64, dtype: DType) -> Tensor {
    let mut rng = rng(seed);
    let n: usize = shape.iter().product();
    let values: Vec<f64> = (0..n).map(|_| 2.0 * rng.random::<f64>() - 1.0).collect();
    Tensor::from_vec(values, shape, &Device::Cpu)
        .unwrap()
        .to_dtype(dtype)
        .unwrap()
}

fn forward(net: &dyn Network, input: &Tensor) -> Vec<Tensor> {
    let representation = net.trunk(input).unwrap();
    net.heads(&representation, input).unwrap()
}

fn values(tensor: &Tensor) -> Vec<f64> {
    tensor
        .flatten_all()
        .unwrap()
        .to_dtype(DType::F64)
        .unwrap()
        .to_vec1()
        .unwrap()
}

/// Model `k`'s slice of parameter `index`, flattened.
fn slice(net: &dyn Network, index: usize, k: usize) -> Vec<f64> {
    values(&net.parameters()[index].var.as_tensor().get(k).unwrap())
}

fn tiny_lenet_config() -> MultiLeNetConfig {
    MultiLeNetConfig {
        conv1_channels: 2,
        conv2_channels: 3,
        kernel: 3,
        hidden: 4,
        n_classes: 3,
        n_tasks: 2,
    }
}

/// A tiny image `[H, W, C]`: 10×14 → conv 8×12 → pool 4×6 → conv 2×4 → pool 1×2.
const TINY_IMAGE: [usize; 3] = [10, 14, 2];

fn tiny_mmoe_config() -> MmoeConfig {
    MmoeConfig {
        n_experts: 3,
        expert: vec![4, 3],
        tower: vec![2],
        task_outputs: vec![1, 2],
    }
}

fn tiny_shared_bottom_config() -> SharedBottomConfig {
    SharedBottomConfig {
        trunk: vec![5, 4],
        head: vec![3],
        task_outputs: vec![1, 2, 1],
    }
}

/// Every architecture, tiny, with its per-example input shape.
fn tiny_networks(n_models: usize, dtype: DType, seed: u64) -> Vec<(Box<dyn Network>, Vec<usize>)> {
    let device = Device::Cpu;
    let mut rng = rng(seed);
    vec![
        (
            Box::new(
                MultiLeNet::new(
                    &tiny_lenet_config(),
                    &TINY_IMAGE,
                    n_models,
                    dtype,
                    &device,
                    &mut rng,
                )
                .unwrap(),
            ) as Box<dyn Network>,
            TINY_IMAGE.to_vec(),
        ),
        (
            Box::new(
                Mlp::new(
                    &MlpConfig { hidden: vec![4, 3] },
                    &[5],
                    n_models,
                    dtype,
                    &device,
                    &mut rng,
                )
                .unwrap(),
            ),
            vec![5],
        ),
        (
            Box::new(
                SharedBottom::new(
                    &tiny_shared_bottom_config(),
                    &[5],
                    n_models,
                    dtype,
                    &device,
                    &mut rng,
                )
                .unwrap(),
            ),
            vec![5],
        ),
        (
            Box::new(
                Mmoe::new(
                    &tiny_mmoe_config(),
                    &[5],
                    n_models,
                    dtype,
                    &device,
                    &mut rng,
                )
                .unwrap(),
            ),
            vec![5],
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Parameter counts.

#[test]
fn multi_lenet_has_libmoon_parameter_count() {
    // LibMOON's MultiLeNet on 36×36 MultiMNIST: 42,350 parameters (shared/notes/libmoon.md §2.4).
    let net = MultiLeNet::new(
        &MultiLeNetConfig::default(),
        &MultiLeNet::MULTI_MNIST_INPUT,
        1,
        DType::F32,
        &Device::Cpu,
        &mut rng(0),
    )
    .unwrap();
    assert_eq!(net.n_parameters_per_model(), 42_350);
    let shapes: Vec<(&str, Vec<usize>)> = net
        .parameters()
        .iter()
        .map(|p| (p.name.as_str(), p.var.dims().to_vec()))
        .collect();
    assert_eq!(
        shapes,
        vec![
            ("conv1.weight", vec![1, 25, 10]),
            ("conv1.bias", vec![1, 10]),
            ("conv2.weight", vec![1, 250, 20]),
            ("conv2.bias", vec![1, 20]),
            ("fc.weight", vec![1, 720, 50]),
            ("fc.bias", vec![1, 50]),
            ("heads.0.weight", vec![1, 50, 10]),
            ("heads.0.bias", vec![1, 10]),
            ("heads.1.weight", vec![1, 50, 10]),
            ("heads.1.bias", vec![1, 10]),
        ]
    );
    // Sener & Koltun's 28×28 variant: 28 → 24 → 12 → 8 → 4, flatten 4·4·20 = 320.
    let net = MultiLeNet::new(
        &MultiLeNetConfig::default(),
        &[28, 28],
        2,
        DType::F32,
        &Device::Cpu,
        &mut rng(0),
    )
    .unwrap();
    assert_eq!(net.parameters()[4].var.dims(), &[2, 320, 50]);
}

#[test]
fn fairness_mlps_have_libmoon_parameter_counts() {
    let count = |name: &str, d: usize| {
        build_network(
            name,
            &serde_json::Value::Null,
            &[d],
            1,
            DType::F32,
            &Device::Cpu,
            &mut rng(0),
        )
        .unwrap()
        .n_parameters_per_model()
    };
    // LibMOON's M1 on Adult (88), Compas (20), Credit (90): shared/notes/libmoon.md §2.4.
    assert_eq!(count("mlp-m1", 88), 28_033);
    assert_eq!(count("mlp-m1", 20), 19_329);
    assert_eq!(count("mlp-m1", 90), 28_289);
    assert_eq!(count("mlp", 88), 28_033);
    // By hand, d = 88: M2 (88·256+256) + (256·256+256) + (256+1) = 22,784 + 65,792 + 257.
    assert_eq!(count("mlp-m2", 88), 88_833);
    // M3: (88·128+128) + 2·(128·128+128) + 129 = 11,392 + 33,024 + 129.
    assert_eq!(count("mlp-m3", 88), 44_545);
    // M4: 22,784 + 2·65,792 + 257.
    assert_eq!(count("mlp-m4", 88), 154_625);
}

#[test]
fn tabular_networks_have_hand_counted_parameters() {
    let nets = tiny_networks(1, DType::F32, 0);
    // Shared-bottom 5 → 5 → 4, three heads 4 → 3 → {1, 2, 1}:
    // trunk (5·5 + 5) + (5·4 + 4) = 54; heads (15 + 4) + (15 + 8) + (15 + 4).
    assert_eq!(nets[2].0.n_parameters_per_model(), 54 + 19 + 23 + 19);
    // MMoE, 3 experts 5 → 4 → 3: 3·(24 + 15) = 117; 2 gates 5 → 3: 2·18 = 36;
    // towers 3 → 2 → {1, 2}: (8 + 3) + (8 + 6) = 25.
    assert_eq!(nets[3].0.n_parameters_per_model(), 117 + 36 + 25);
    // Tiny LeNet, C = 2, k = 3: conv1 9·2·2 + 2 = 38; conv2 9·2·3 + 3 = 57;
    // 10×14 → 8×12 → 4×6 → 2×4 → 1×2, flatten 1·2·3 = 6, fc 6·4 + 4 = 28; heads 2·(4·3 + 3) = 30.
    assert_eq!(nets[0].0.n_parameters_per_model(), 38 + 57 + 28 + 30);
}

// ---------------------------------------------------------------------------------------------
// Shapes.

#[test]
fn output_shapes_for_one_and_three_models() {
    for dtype in [DType::F32, DType::F64] {
        for n_models in [1, 3] {
            for (net, shape) in tiny_networks(n_models, dtype, 1) {
                let batch = 4;
                let mut input_shape = vec![batch];
                input_shape.extend(&shape);
                let input = random_input(&input_shape, 2, dtype);
                let representation = net.trunk(&input).unwrap();
                assert_eq!(representation.dim(0).unwrap(), n_models, "{}", net.name());
                assert_eq!(representation.dim(1).unwrap(), batch, "{}", net.name());
                assert_eq!(representation.dtype(), dtype);
                let widths: Vec<Vec<usize>> = net
                    .heads(&representation, &input)
                    .unwrap()
                    .iter()
                    .map(|t| t.dims().to_vec())
                    .collect();
                let expected: Vec<Vec<usize>> = match net.name() {
                    "multi-lenet" => vec![vec![n_models, batch, 3]; 2],
                    "mlp" => vec![vec![n_models, batch, 1]],
                    "shared-bottom" => [1, 2, 1].map(|w| vec![n_models, batch, w]).to_vec(),
                    "mmoe" => [1, 2].map(|w| vec![n_models, batch, w]).to_vec(),
                    other => panic!("unexpected network {other}"),
                };
                assert_eq!(widths, expected, "{}", net.name());
            }
        }
    }
    // The full-size MultiLeNet on a MultiMNIST batch, NHWC, [B, H, W] and flat inputs alike.
    let net = MultiLeNet::new(
        &MultiLeNetConfig::default(),
        &[36, 36],
        3,
        DType::F32,
        &Device::Cpu,
        &mut rng(0),
    )
    .unwrap();
    for shape in [vec![2, 36, 36, 1], vec![2, 36, 36], vec![2, 1296]] {
        let input = random_input(&shape, 3, DType::F32);
        let representation = net.trunk(&input).unwrap();
        assert_eq!(representation.dims(), &[3, 2, 50]);
        for logits in net.heads(&representation, &input).unwrap() {
            assert_eq!(logits.dims(), &[3, 2, 10]);
        }
    }
    assert!(
        net.trunk(&random_input(&[2, 35, 36], 3, DType::F32))
            .is_err()
    );
}

#[test]
fn mlp_heads_are_the_identity() {
    let nets = tiny_networks(2, DType::F32, 0);
    let net = &nets[1].0;
    let input = random_input(&[3, 5], 0, DType::F32);
    let representation = net.trunk(&input).unwrap();
    let outputs = net.heads(&representation, &input).unwrap();
    assert_eq!(outputs.len(), 1);
    assert_eq!(values(&outputs[0]), values(&representation));
}

// ---------------------------------------------------------------------------------------------
// Forward passes against naive loops (f64).

fn dense(x: &[f64], weight: &[f64], bias: &[f64], relu: bool) -> Vec<f64> {
    let (n_in, n_out) = (x.len(), bias.len());
    assert_eq!(weight.len(), n_in * n_out);
    (0..n_out)
        .map(|j| {
            let y = bias[j] + (0..n_in).map(|i| x[i] * weight[i * n_out + j]).sum::<f64>();
            if relu { y.max(0.0) } else { y }
        })
        .collect()
}

/// Valid stride-1 convolution of one `[h, w, c]` image, weight rows `(dy·k + dx)·c + ci`.
fn conv(
    x: &[f64],
    (h, w, c): (usize, usize, usize),
    weight: &[f64],
    bias: &[f64],
    k: usize,
) -> Vec<f64> {
    let out = bias.len();
    let (oh, ow) = (h - k + 1, w - k + 1);
    let mut y = vec![0.0; oh * ow * out];
    for oy in 0..oh {
        for ox in 0..ow {
            for o in 0..out {
                let mut sum = bias[o];
                for dy in 0..k {
                    for dx in 0..k {
                        for ci in 0..c {
                            sum += x[((oy + dy) * w + ox + dx) * c + ci]
                                * weight[((dy * k + dx) * c + ci) * out + o];
                        }
                    }
                }
                y[(oy * ow + ox) * out + o] = sum;
            }
        }
    }
    y
}

/// 2×2 max-pool then ReLU of one `[h, w, c]` map.
fn pool_relu(x: &[f64], (h, w, c): (usize, usize, usize)) -> Vec<f64> {
    let mut y = vec![0.0; (h / 2) * (w / 2) * c];
    for py in 0..h / 2 {
        for px in 0..w / 2 {
            for ci in 0..c {
                let at = |dy: usize, dx: usize| x[((2 * py + dy) * w + 2 * px + dx) * c + ci];
                let m = at(0, 0).max(at(0, 1)).max(at(1, 0)).max(at(1, 1));
                y[(py * (w / 2) + px) * c + ci] = m.max(0.0);
            }
        }
    }
    y
}

fn assert_close(actual: &[f64], expected: &[f64], tolerance: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance * (1.0 + e.abs()),
            "{what}[{i}]: {a} vs {e}"
        );
    }
}

/// Row `b` of model `k` of a `[K, B, width]` output.
fn row(output: &Tensor, k: usize, b: usize) -> Vec<f64> {
    values(&output.get(k).unwrap().get(b).unwrap())
}

#[test]
fn multi_lenet_forward_matches_naive_loops() {
    let nets = tiny_networks(2, DType::F64, 4);
    let net = &nets[0].0;
    let [h, w, c] = TINY_IMAGE;
    let input = random_input(&[3, h, w, c], 5, DType::F64);
    let outputs = forward(net.as_ref(), &input);
    let k_size = 3;
    for k in 0..2 {
        let p = |i: usize| slice(net.as_ref(), i, k);
        for b in 0..3 {
            let x = values(&input.get(b).unwrap());
            let y = conv(&x, (h, w, c), &p(0), &p(1), k_size);
            let y = pool_relu(&y, (h - 2, w - 2, 2));
            let (h2, w2) = ((h - 2) / 2, (w - 2) / 2);
            let y = conv(&y, (h2, w2, 2), &p(2), &p(3), k_size);
            let y = pool_relu(&y, (h2 - 2, w2 - 2, 3));
            let z = dense(&y, &p(4), &p(5), true);
            for (task, output) in outputs.iter().enumerate() {
                let logits = dense(&z, &p(6 + 2 * task), &p(7 + 2 * task), false);
                assert_close(&row(output, k, b), &logits, 1e-12, "lenet logits");
            }
        }
    }
}

#[test]
fn tabular_forwards_match_naive_loops() {
    let nets = tiny_networks(2, DType::F64, 6);
    let input = random_input(&[3, 5], 7, DType::F64);
    for k in 0..2 {
        for b in 0..3 {
            let x = values(&input.get(b).unwrap());
            // MLP 5 → 4 → 3 → 1.
            let net = nets[1].0.as_ref();
            let p = |i: usize| slice(net, i, k);
            let y = dense(
                &dense(&dense(&x, &p(0), &p(1), true), &p(2), &p(3), true),
                &p(4),
                &p(5),
                false,
            );
            assert_close(&row(&forward(net, &input)[0], k, b), &y, 1e-12, "mlp");
            // Shared-bottom 5 → 5 → 4 (ReLU), heads 4 → 3 (ReLU) → {1, 2, 1}.
            let net = nets[2].0.as_ref();
            let p = |i: usize| slice(net, i, k);
            let z = dense(&dense(&x, &p(0), &p(1), true), &p(2), &p(3), true);
            let outputs = forward(net, &input);
            for (task, output) in outputs.iter().enumerate() {
                let at = 4 + 4 * task;
                let y = dense(
                    &dense(&z, &p(at), &p(at + 1), true),
                    &p(at + 2),
                    &p(at + 3),
                    false,
                );
                assert_close(&row(output, k, b), &y, 1e-12, "shared-bottom");
            }
            // MMoE: 3 experts 5 → 4 → 3 (ReLU after both), gates 5 → 3 softmax,
            // towers 3 → 2 (ReLU) → {1, 2}.
            let net = nets[3].0.as_ref();
            let p = |i: usize| slice(net, i, k);
            let part = |v: Vec<f64>, e: usize, n: usize| v[e * n..(e + 1) * n].to_vec();
            let experts: Vec<Vec<f64>> = (0..3)
                .map(|e| {
                    let h = dense(&x, &part(p(0), e, 20), &part(p(1), e, 4), true);
                    dense(&h, &part(p(2), e, 12), &part(p(3), e, 3), true)
                })
                .collect();
            let outputs = forward(net, &input);
            let representation = net.trunk(&input).unwrap();
            assert_close(
                &row(&representation, k, b),
                &experts.concat(),
                1e-12,
                "mmoe experts",
            );
            for (task, output) in outputs.iter().enumerate() {
                let logits = dense(&x, &p(4 + 2 * task), &p(5 + 2 * task), false);
                let max = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let exp: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
                let total: f64 = exp.iter().sum();
                let mixed: Vec<f64> = (0..3)
                    .map(|j| (0..3).map(|e| exp[e] / total * experts[e][j]).sum())
                    .collect();
                let at = 8 + 4 * task;
                let y = dense(
                    &dense(&mixed, &p(at), &p(at + 1), true),
                    &p(at + 2),
                    &p(at + 3),
                    false,
                );
                assert_close(&row(output, k, b), &y, 1e-12, "mmoe tower");
            }
        }
    }
}

#[test]
fn mmoe_gates_lie_on_the_simplex() {
    let mut rng = rng(8);
    let net = Mmoe::new(
        &MmoeConfig::default(),
        &[7],
        2,
        DType::F32,
        &Device::Cpu,
        &mut rng,
    )
    .unwrap();
    let input = random_input(&[5, 7], 9, DType::F32);
    for task in 0..2 {
        let gate = net.gate(task, &input).unwrap();
        assert_eq!(gate.dims(), &[2, 5, 4]);
        let sums = values(&gate.sum(2).unwrap());
        assert_close(&sums, &[1.0; 10], 1e-6, "gate sums");
        assert!(values(&gate).iter().all(|&g| g > 0.0));
    }
    assert!(net.gate(2, &input).is_err());
}

// ---------------------------------------------------------------------------------------------
// K stacked models against K separate ones.

#[test]
fn stacked_forward_equals_separate_forwards() {
    for dtype in [DType::F32, DType::F64] {
        let tolerance = if dtype == DType::F32 { 1e-6 } else { 1e-14 };
        let stacked = tiny_networks(3, dtype, 10);
        let single = tiny_networks(1, dtype, 11);
        for ((stack, shape), (one, _)) in stacked.iter().zip(&single) {
            let mut input_shape = vec![4];
            input_shape.extend(shape);
            let input = random_input(&input_shape, 12, dtype);
            let stacked_outputs = forward(stack.as_ref(), &input);
            for k in 0..3 {
                for (target, source) in one.parameters().iter().zip(stack.parameters()) {
                    let model_slice = source.var.as_tensor().narrow(0, k, 1).unwrap();
                    target.var.set(&model_slice.contiguous().unwrap()).unwrap();
                }
                let outputs = forward(one.as_ref(), &input);
                for (task, output) in outputs.iter().enumerate() {
                    assert_close(
                        &values(&output.get(0).unwrap()),
                        &values(&stacked_outputs[task].get(k).unwrap()),
                        tolerance,
                        &format!("{} model {k} task {task}", stack.name()),
                    );
                }
            }
        }
    }
    // The same check on the full-size MultiLeNet in f32.
    let device = Device::Cpu;
    let config = MultiLeNetConfig::default();
    let stack =
        MultiLeNet::new(&config, &[36, 36, 1], 3, DType::F32, &device, &mut rng(13)).unwrap();
    let one = MultiLeNet::new(&config, &[36, 36, 1], 1, DType::F32, &device, &mut rng(14)).unwrap();
    let input = random_input(&[8, 36, 36, 1], 15, DType::F32);
    let stacked_outputs = forward(&stack, &input);
    for k in 0..3 {
        for (target, source) in one.parameters().iter().zip(stack.parameters()) {
            let model_slice = source.var.as_tensor().narrow(0, k, 1).unwrap();
            target.var.set(&model_slice.contiguous().unwrap()).unwrap();
        }
        for (task, output) in forward(&one, &input).iter().enumerate() {
            assert_close(
                &values(&output.get(0).unwrap()),
                &values(&stacked_outputs[task].get(k).unwrap()),
                1e-6,
                &format!("multi-lenet model {k} task {task}"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Gradients against central finite differences (f64).

/// `L = Σ_t Σ (c_t ⊙ y_t + ½ y_t²)` with fixed random `c_t`: nonlinear in the outputs, so the
/// check reaches every layer's second-order interplay.
fn loss(net: &dyn Network, input: &Tensor, coefficients: &[Tensor]) -> Tensor {
    let outputs = forward(net, input);
    let mut total = Tensor::new(0.0f64, &Device::Cpu).unwrap();
    for (output, c) in outputs.iter().zip(coefficients) {
        let term = ((output * c).unwrap() + (output.sqr().unwrap() * 0.5).unwrap()).unwrap();
        total = (total + term.sum_all().unwrap()).unwrap();
    }
    total
}

fn check_gradients(net: &dyn Network, input: &Tensor) {
    let representation = net.trunk(input).unwrap();
    let coefficients: Vec<Tensor> = net
        .heads(&representation, input)
        .unwrap()
        .iter()
        .enumerate()
        .map(|(t, y)| random_input(y.dims(), 100 + t as u64, DType::F64))
        .collect();
    let gradients = loss(net, input, &coefficients).backward().unwrap();
    let step = 1e-6;
    let mut checked = 0;
    for parameter in net.parameters() {
        let var = &parameter.var;
        let analytic = values(gradients.get(var).expect("every parameter gets a gradient"));
        let original = values(var.as_tensor());
        let shape = var.dims().to_vec();
        let at = |perturbed: &[f64]| {
            var.set(&Tensor::from_vec(perturbed.to_vec(), shape.as_slice(), &Device::Cpu).unwrap())
                .unwrap();
            loss(net, input, &coefficients).to_scalar::<f64>().unwrap()
        };
        for i in 0..original.len() {
            let mut perturbed = original.clone();
            perturbed[i] = original[i] + step;
            let plus = at(&perturbed);
            perturbed[i] = original[i] - step;
            let minus = at(&perturbed);
            let numeric = (plus - minus) / (2.0 * step);
            assert!(
                (numeric - analytic[i]).abs() <= 1e-6 * (1.0 + analytic[i].abs()),
                "{}: {}[{i}] analytic {} vs finite difference {numeric}",
                net.name(),
                parameter.name,
                analytic[i]
            );
            checked += 1;
        }
        at(&original);
    }
    assert_eq!(checked, net.n_parameters_per_model() * net.n_models());
}

#[test]
fn gradients_match_finite_differences() {
    for (net, shape) in tiny_networks(2, DType::F64, 20) {
        let mut input_shape = vec![3];
        input_shape.extend(&shape);
        let input = random_input(&input_shape, 21, DType::F64);
        check_gradients(net.as_ref(), &input);
    }
}

// ---------------------------------------------------------------------------------------------
// Initialisation.

#[test]
fn initialisation_is_determined_by_the_seed() {
    let all_values = |nets: &[(Box<dyn Network>, Vec<usize>)]| -> Vec<Vec<f64>> {
        nets.iter()
            .flat_map(|(net, _)| net.parameters().iter().map(|p| values(p.var.as_tensor())))
            .collect()
    };
    let first = all_values(&tiny_networks(3, DType::F64, 30));
    let again = all_values(&tiny_networks(3, DType::F64, 30));
    let other = all_values(&tiny_networks(3, DType::F64, 31));
    assert_eq!(first, again, "same seed, same bits");
    assert!(
        first.iter().zip(&other).all(|(a, b)| a != b),
        "another seed, other draws"
    );

    // Model 0 of a stack is the single model drawn from the same seed (draws go model by model),
    // and the f32 network holds the f64 draws rounded to f32.
    let device = Device::Cpu;
    let config = MultiLeNetConfig::default();
    let stack = MultiLeNet::new(&config, &[36, 36], 3, DType::F64, &device, &mut rng(32)).unwrap();
    let one = MultiLeNet::new(&config, &[36, 36], 1, DType::F64, &device, &mut rng(32)).unwrap();
    let single = MultiLeNet::new(&config, &[36, 36], 3, DType::F32, &device, &mut rng(32)).unwrap();
    for ((s, o), f) in stack
        .parameters()
        .iter()
        .zip(one.parameters())
        .zip(single.parameters())
    {
        let stacked = s.var.as_tensor();
        assert_eq!(
            values(&stacked.get(0).unwrap()),
            values(&o.var.as_tensor().get(0).unwrap())
        );
        assert_ne!(
            values(&stacked.get(0).unwrap()),
            values(&stacked.get(1).unwrap())
        );
        let rounded = values(&stacked.to_dtype(DType::F32).unwrap());
        assert_eq!(rounded, values(f.var.as_tensor()));
    }
}

#[test]
fn initialisation_follows_pytorch_defaults() {
    // PyTorch's Linear/Conv2d defaults: U(±1/√fan_in) for weights and biases, so the mean is 0
    // and the variance bound²/3.
    let net = MultiLeNet::new(
        &MultiLeNetConfig::default(),
        &[36, 36, 1],
        4,
        DType::F64,
        &Device::Cpu,
        &mut rng(40),
    )
    .unwrap();
    let fan_ins = [25, 25, 250, 250, 720, 720, 50, 50, 50, 50];
    for (parameter, fan_in) in net.parameters().iter().zip(fan_ins) {
        let bound = 1.0 / f64::from(fan_in).sqrt();
        let v = values(parameter.var.as_tensor());
        assert!(
            v.iter().all(|x| x.abs() <= bound),
            "{} exceeds its bound",
            parameter.name
        );
        if v.len() >= 10_000 {
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let variance = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
            // Standard errors: mean bound/√(3n); variance (bound²/3)·√(0.8/n).
            assert!(
                mean.abs() < 5.0 * bound / (3.0 * n).sqrt(),
                "{}: mean {mean}",
                parameter.name
            );
            let expected = bound * bound / 3.0;
            assert!(
                (variance - expected).abs() < 5.0 * expected * (0.8 / n).sqrt(),
                "{}: variance {variance} vs {expected}",
                parameter.name
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Registry and validation.

fn build(
    name: &str,
    config: serde_json::Value,
    shape: &[usize],
) -> Result<Box<dyn Network>, ModelError> {
    build_network(
        name,
        &config,
        shape,
        2,
        DType::F32,
        &Device::Cpu,
        &mut rng(0),
    )
}

#[test]
fn registry_builds_every_name_with_defaults() {
    for name in NETWORK_NAMES {
        let shape: &[usize] = if name == "multi-lenet" {
            &[36, 36, 1]
        } else {
            &[12]
        };
        let net = build(name, serde_json::Value::Null, shape).unwrap();
        assert_eq!(net.name(), name);
        assert_eq!(net.n_models(), 2);
        let net = build(name, serde_json::json!({}), shape).unwrap();
        assert_eq!(net.name(), name);
    }
}

#[test]
fn registry_reads_configurations() {
    let net = build(
        "mmoe",
        serde_json::json!({ "n_experts": 2, "expert": [3], "tower": [], "task_outputs": [1, 1, 1] }),
        &[4],
    )
    .unwrap();
    // Experts 2·(4·3 + 3) = 30; gates 3·(4·2 + 2) = 30; towers 3·(3 + 1) = 12.
    assert_eq!(net.n_parameters_per_model(), 72);
    let net = build(
        "shared-bottom",
        serde_json::json!({ "task_outputs": [3] }),
        &[4],
    )
    .unwrap();
    // Defaults trunk [128, 64], head [32]: (4·128 + 128) + (128·64 + 64) + (64·32 + 32) + (32·3 + 3).
    assert_eq!(net.n_parameters_per_model(), 640 + 8256 + 2080 + 99);
}

#[test]
fn registry_errors_are_one_line_and_name_the_problem() {
    let message = |result: Result<Box<dyn Network>, ModelError>| result.unwrap_err().to_string();
    let unknown = message(build("lenet", serde_json::Value::Null, &[36, 36]));
    assert_eq!(
        unknown,
        "unknown network 'lenet' (known: multi-lenet, mlp, mlp-m1, mlp-m2, mlp-m3, mlp-m4, shared-bottom, mmoe)"
    );
    let typo = message(build("mlp", serde_json::json!({ "hiden": [3] }), &[4]));
    assert!(
        typo.starts_with("mlp: bad configuration: unknown field `hiden`"),
        "{typo}"
    );
    let preset = message(build("mlp-m2", serde_json::json!({ "hidden": [3] }), &[4]));
    assert!(preset.contains("takes no options"), "{preset}");
    let zero = message(build(
        "shared-bottom",
        serde_json::json!({ "trunk": [4, 0] }),
        &[4],
    ));
    assert_eq!(
        zero,
        "shared-bottom: trunk must be a list of at least 1 positive widths, got [4, 0]"
    );
    let odd = message(build("multi-lenet", serde_json::Value::Null, &[30, 30]));
    assert!(
        odd.starts_with("multi-lenet: the input shape must be"),
        "{odd}"
    );
    let empty = message(build("mmoe", serde_json::Value::Null, &[]));
    assert!(
        empty.starts_with("mmoe: the input shape must be"),
        "{empty}"
    );
    for text in [unknown, typo, preset, zero, odd, empty] {
        assert!(!text.contains('\n'), "{text}");
    }
    let dtype = build_network(
        "mlp",
        &serde_json::Value::Null,
        &[3],
        1,
        DType::BF16,
        &Device::Cpu,
        &mut rng(0),
    );
    assert!(matches!(
        dtype,
        Err(ModelError::UnsupportedDtype { dtype: DType::BF16 })
    ));
    let none = build_network(
        "mlp",
        &serde_json::Value::Null,
        &[3],
        0,
        DType::F32,
        &Device::Cpu,
        &mut rng(0),
    );
    assert!(matches!(none, Err(ModelError::NoModels)));
}

#[test]
fn configurations_round_trip_through_json() {
    let config = MmoeConfig::default();
    let text = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<MmoeConfig>(&text).unwrap(), config);
    assert_eq!(
        serde_json::from_str::<MultiLeNetConfig>("{}").unwrap(),
        MultiLeNetConfig::default()
    );
    assert_eq!(
        serde_json::from_str::<MlpConfig>("{}").unwrap(),
        MlpConfig::m1()
    );
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<MultiLeNet>();
    check::<Mlp>();
    check::<SharedBottom>();
    check::<Mmoe>();
    check::<ModelError>();
    check::<MultiLeNetConfig>();
    check::<MlpConfig>();
    check::<SharedBottomConfig>();
    check::<MmoeConfig>();
}
