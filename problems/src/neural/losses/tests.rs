//! Tests of the losses: hand-computed values, stability at large logits, and gradients against
//! central finite differences in f64.

use candle_core::{DType, Device, Result, Tensor, Var};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use super::{accuracy, bce_with_logits, cross_entropy, deo, deo_hard, mse};

fn tensor(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape, &Device::Cpu).unwrap()
}

fn values(t: &Tensor) -> Vec<f64> {
    t.to_dtype(DType::F64).unwrap().to_vec1::<f64>().unwrap()
}

fn assert_close(what: &str, got: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(got.len(), expected.len(), "{what}: lengths");
    for (j, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g - e).abs() <= tolerance * (1.0 + e.abs()),
            "{what}[{j}]: {g} against {e}"
        );
    }
}

/// Checks the gradient of `Σ_k c_k·loss_k` (fixed random `c`) with respect to the outputs
/// against central differences (step 1e-6) in f64.
fn check_gradient(what: &str, loss: &dyn Fn(&Tensor) -> Result<Tensor>, outputs: &Tensor) {
    let models = outputs.dim(0).unwrap();
    let mut rng = StdRng::seed_from_u64(5);
    let weights: Vec<f64> = (0..models).map(|_| rng.sample(StandardNormal)).collect();
    let weights = tensor(&weights, &[models]);
    let scalar = |x: &Tensor| (loss(x).unwrap() * &weights).unwrap().sum_all().unwrap();
    let var = Var::from_tensor(outputs).unwrap();
    let grads = scalar(var.as_tensor()).backward().unwrap();
    let analytic = grads.get(&var).unwrap().flatten_all().unwrap();
    let base = outputs.flatten_all().unwrap().to_vec1::<f64>().unwrap();
    let step = 1e-6;
    let numeric: Vec<f64> = (0..base.len())
        .map(|j| {
            let at = |delta: f64| {
                let mut data = base.clone();
                data[j] += delta;
                scalar(&tensor(&data, outputs.dims()))
                    .to_scalar::<f64>()
                    .unwrap()
            };
            (at(step) - at(-step)) / (2.0 * step)
        })
        .collect();
    assert_close(what, &values(&analytic), &numeric, 1e-7);
}

fn normal(shape: &[usize], seed: u64) -> Tensor {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = shape.iter().product();
    let data: Vec<f64> = (0..n)
        .map(|_| 2.0 * rng.sample::<f64, _>(StandardNormal))
        .collect();
    tensor(&data, shape)
}

#[test]
fn cross_entropy_of_hand_computed_cases() {
    // Model 0: rows [1, 2, 3] (label 2) and [0, 0, 0] (label 0):
    // (log(1 + e^−1 + e^−2) + log 3) / 2. Model 1: [1000, 0] rows, stable.
    let labels = Tensor::new(&[2u32, 0], &Device::Cpu).unwrap();
    let logits = tensor(&[1.0, 2.0, 3.0, 0.0, 0.0, 0.0], &[1, 2, 3]);
    let got = values(&cross_entropy(&logits, &labels).unwrap());
    assert_close("cross_entropy", &got, &[0.7531091265562451], 1e-14);

    let labels = Tensor::new(&[0u32, 1], &Device::Cpu).unwrap();
    let logits = tensor(&[1000.0, 0.0, 1000.0, 0.0, 0.0, 0.0, 0.0, 0.0], &[2, 2, 2]);
    let got = values(&cross_entropy(&logits, &labels).unwrap());
    // Model 0: (0 + 1000) / 2; model 1: log 2.
    assert_close("cross_entropy, large", &got, &[500.0, 2f64.ln()], 1e-14);
    let got = values(&cross_entropy(&logits.to_dtype(DType::F32).unwrap(), &labels).unwrap());
    assert_close("cross_entropy, large, f32", &got, &[500.0, 2f64.ln()], 1e-6);
}

#[test]
fn cross_entropy_refuses_a_label_out_of_range() {
    let labels = Tensor::new(&[0u32, 3], &Device::Cpu).unwrap();
    let error = cross_entropy(&normal(&[1, 2, 3], 1), &labels).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("label 3 out of range for 3 classes"),
        "{error}"
    );
    let labels = Tensor::new(&[0u32, 1, 2], &Device::Cpu).unwrap();
    assert!(cross_entropy(&normal(&[1, 2, 3], 1), &labels).is_err());
}

#[test]
fn bce_with_logits_of_hand_computed_cases() {
    // log 2 (z = 0, y = 1), log(1 + e²) (z = 2, y = 0), 1000 (z = −1000, y = 1), 0 (z = 1000,
    // y = 1): means over the two examples of each model.
    let targets = tensor(&[1.0, 0.0], &[2]);
    let logits = tensor(&[0.0, 2.0, -1000.0, 0.0], &[2, 2, 1]);
    let got = values(&bce_with_logits(&logits, &targets).unwrap());
    let expected = [
        (2f64.ln() + 2.1269280110429727) / 2.0,
        (1000.0 + 2f64.ln()) / 2.0,
    ];
    assert_close("bce", &got, &expected, 1e-14);
    let targets = tensor(&[1.0, 1.0], &[2]);
    let logits = tensor(&[1000.0, 40.0], &[1, 2, 1]);
    let got = values(&bce_with_logits(&logits, &targets).unwrap());
    assert_close("bce, large", &got, &[(-40f64).exp() / 2.0], 1e-14);
    let got = values(&bce_with_logits(&logits.to_dtype(DType::F32).unwrap(), &targets).unwrap());
    assert!(got[0].is_finite() && got[0].abs() < 1e-7);
}

#[test]
fn deo_of_a_hand_computed_case() {
    // σ(z) = 0.5, 0.75, 0.25 for the positives; the last example is negative.
    // |tanh 0.5 + tanh 0.25 − tanh 0.75| / 4 (group s = 0: examples 0 and 2; s = 1: example 1).
    let z = [0.0, 3f64.ln(), -(3f64.ln()), 5.0];
    let logits = tensor(&z, &[1, 4, 1]);
    let targets = tensor(&[1.0, 1.0, 1.0, 0.0], &[4]);
    let sensitive = tensor(&[0.0, 1.0, 0.0, 1.0], &[4]);
    let got = values(&deo(&logits, &targets, &sensitive).unwrap());
    assert_close("deo", &got, &[0.01797171681910789], 1e-14);
    // Swapping the groups leaves the absolute difference unchanged; f32 targets work too.
    let swapped = tensor(&[1.0, 0.0, 1.0, 0.0], &[4])
        .to_dtype(DType::F32)
        .unwrap();
    let got = values(&deo(&logits, &targets, &swapped).unwrap());
    assert_close("deo, swapped", &got, &[0.01797171681910789], 1e-14);
}

#[test]
fn mse_of_a_hand_computed_case() {
    let outputs = tensor(&[1.0, 2.0, 0.0, -1.0], &[2, 2, 1]);
    let targets = tensor(&[0.0, 4.0], &[2]);
    let got = values(&mse(&outputs, &targets).unwrap());
    // Model 0: (1 + 4) / 2; model 1: (0 + 25) / 2.
    assert_close("mse", &got, &[2.5, 12.5], 0.0);
}

#[test]
fn loss_gradients_match_finite_differences() {
    for models in [1, 3] {
        let labels = Tensor::new(&[2u32, 0, 3, 3, 1], &Device::Cpu).unwrap();
        check_gradient(
            &format!("cross_entropy K={models}"),
            &|x| cross_entropy(x, &labels),
            &normal(&[models, 5, 4], 2),
        );
        let targets = tensor(&[1.0, 0.0, 1.0, 1.0, 0.0, 1.0], &[6]);
        let sensitive = tensor(&[0.0, 1.0, 1.0, 0.0, 0.0, 1.0], &[6]);
        let logits = normal(&[models, 6, 1], 3);
        check_gradient(
            &format!("bce K={models}"),
            &|x| bce_with_logits(x, &targets),
            &logits,
        );
        check_gradient(
            &format!("deo K={models}"),
            &|x| deo(x, &targets, &sensitive),
            &logits,
        );
        check_gradient(&format!("mse K={models}"), &|x| mse(x, &targets), &logits);
    }
}

#[test]
fn accuracy_of_hand_computed_cases() {
    // Classes: model 0 predicts [1, 0 (first of a tie), 2], model 1 predicts [0, 1, 2].
    let logits = tensor(
        &[
            0.0, 5.0, 1.0, 3.0, 3.0, 0.0, 0.0, 0.0, 1.0, //
            9.0, 5.0, 1.0, 0.0, 3.0, 0.0, 0.0, 0.0, 1.0,
        ],
        &[2, 3, 3],
    );
    let labels = Tensor::new(&[1u32, 1, 2], &Device::Cpu).unwrap();
    assert_close(
        "accuracy",
        &accuracy(&logits, &labels).unwrap(),
        &[2.0 / 3.0, 2.0 / 3.0],
        0.0,
    );
    // Binary: z > 0 predicts 1 (z = 0 predicts 0).
    let logits = tensor(&[0.5, -0.5, 0.0, 2.0], &[1, 4, 1]);
    let targets = tensor(&[1.0, 0.0, 1.0, 0.0], &[4]);
    assert_close(
        "binary accuracy",
        &accuracy(&logits, &targets).unwrap(),
        &[0.5],
        0.0,
    );
}

#[test]
fn deo_hard_of_a_hand_computed_case() {
    // Positives of group 0: z = 1, −1, 2 (rate 2/3); of group 1: z = 3, −2 (rate 1/2);
    // negatives (y = 0) do not count.
    let logits = tensor(&[1.0, -1.0, 2.0, 3.0, -2.0, 5.0], &[1, 6, 1]);
    let targets = tensor(&[1.0, 1.0, 1.0, 1.0, 1.0, 0.0], &[6]);
    let sensitive = tensor(&[0.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[6]);
    let got = deo_hard(&logits, &targets, &sensitive).unwrap();
    assert_close("deo_hard", &got, &[2.0 / 3.0 - 0.5], 1e-15);
}
