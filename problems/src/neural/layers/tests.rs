//! Tests of the layers: custom ops against central finite differences in f64, against the
//! candle-op references, and hand-computed cases.

use candle_core::{DType, Device, Result, Tensor, Var};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use super::candle_ops;

type Layer<'a> = &'a dyn Fn(&[Tensor]) -> Result<Tensor>;

fn normal(shape: &[usize], seed: u64) -> Tensor {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = shape.iter().product();
    let data: Vec<f64> = (0..n).map(|_| rng.sample(StandardNormal)).collect();
    Tensor::from_vec(data, shape, &Device::Cpu).unwrap()
}

/// Values that are pairwise at least 0.1 apart and at least 0.05 from 0, in random order: no
/// ties in a pooling window and no ReLU kink within a finite-difference step.
fn distinct(shape: &[usize], seed: u64) -> Tensor {
    let mut rng = StdRng::seed_from_u64(seed);
    let n: usize = shape.iter().product();
    let mut data: Vec<f64> = (0..n)
        .map(|i| (i as f64 - (n / 2) as f64 + 0.5) * 0.1)
        .collect();
    data.shuffle(&mut rng);
    Tensor::from_vec(data, shape, &Device::Cpu).unwrap()
}

/// `Σ layer(inputs) ⊙ R` for a fixed random cotangent `R`.
fn contract(layer: Layer, inputs: &[Tensor], seed: u64) -> Result<Tensor> {
    let out = layer(inputs)?;
    let cotangent = normal(out.dims(), seed).to_dtype(out.dtype())?;
    (out * cotangent)?.sum_all()
}

/// The gradients of `Σ layer ⊙ R` with respect to the inputs listed in `wrt`, by backward.
fn backward_gradients(layer: Layer, inputs: &[Tensor], wrt: &[usize]) -> Result<Vec<Vec<f64>>> {
    let vars: Vec<Option<Var>> = (0..inputs.len())
        .map(|i| {
            wrt.contains(&i)
                .then(|| Var::from_tensor(&inputs[i]).unwrap())
        })
        .collect();
    let args: Vec<Tensor> = inputs
        .iter()
        .zip(&vars)
        .map(|(t, v)| {
            v.as_ref()
                .map_or_else(|| t.clone(), |v| v.as_tensor().clone())
        })
        .collect();
    let grads = contract(layer, &args, 99)?.backward()?;
    wrt.iter()
        .map(|&i| {
            let var = vars[i].as_ref().unwrap();
            grads
                .get(var)
                .expect("a gradient for every input asked for")
                .to_dtype(DType::F64)?
                .flatten_all()?
                .to_vec1::<f64>()
        })
        .collect()
}

/// Central differences of `Σ layer ⊙ R` (step 1e-6, in f64).
fn finite_differences(layer: Layer, inputs: &[Tensor], wrt: &[usize]) -> Result<Vec<Vec<f64>>> {
    let step = 1e-6;
    let mut result = Vec::new();
    for &i in wrt {
        let base = inputs[i].flatten_all()?.to_vec1::<f64>()?;
        let mut gradient = Vec::with_capacity(base.len());
        for j in 0..base.len() {
            let value = |delta: f64| -> Result<f64> {
                let mut data = base.clone();
                data[j] += delta;
                let mut args = inputs.to_vec();
                args[i] = Tensor::from_vec(data, inputs[i].dims(), &Device::Cpu)?;
                contract(layer, &args, 99)?.to_scalar::<f64>()
            };
            gradient.push((value(step)? - value(-step)?) / (2.0 * step));
        }
        result.push(gradient);
    }
    Ok(result)
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

/// Checks the layer's gradients against finite differences in f64.
fn check_finite_differences(what: &str, layer: Layer, inputs: &[Tensor], wrt: &[usize]) {
    let analytic = backward_gradients(layer, inputs, wrt).unwrap();
    let numeric = finite_differences(layer, inputs, wrt).unwrap();
    for ((a, n), i) in analytic.iter().zip(&numeric).zip(wrt) {
        assert_close(&format!("{what}: input {i}"), a, n, 1e-6);
    }
}

/// Checks values and gradients of the layer against a reference, in f64 and (values, looser) in
/// f32.
fn check_against(what: &str, ours: Layer, reference: Layer, inputs: &[Tensor], wrt: &[usize]) {
    let values = |layer: Layer, inputs: &[Tensor]| -> Vec<f64> {
        layer(inputs)
            .unwrap()
            .to_dtype(DType::F64)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f64>()
            .unwrap()
    };
    let ours_shape = ours(inputs).unwrap().dims().to_vec();
    assert_eq!(
        ours_shape,
        reference(inputs).unwrap().dims(),
        "{what}: shape"
    );
    assert_close(
        &format!("{what}: values"),
        &values(ours, inputs),
        &values(reference, inputs),
        1e-12,
    );
    let single: Vec<Tensor> = inputs
        .iter()
        .map(|t| t.to_dtype(DType::F32).unwrap())
        .collect();
    assert_close(
        &format!("{what}: f32 values"),
        &values(ours, &single),
        &values(reference, inputs),
        1e-5,
    );
    let a = backward_gradients(ours, inputs, wrt).unwrap();
    let b = backward_gradients(reference, inputs, wrt).unwrap();
    for ((a, b), i) in a.iter().zip(&b).zip(wrt) {
        assert_close(&format!("{what}: gradient {i}"), a, b, 1e-12);
    }
    let a = backward_gradients(ours, &single, wrt).unwrap();
    for ((a, b), i) in a.iter().zip(&b).zip(wrt) {
        assert_close(&format!("{what}: f32 gradient {i}"), a, b, 1e-4);
    }
}

#[test]
fn conv2d_shared_input_matches_finite_differences_and_candle() {
    let conv: Layer = &|x| super::conv2d_shared_input(&x[0], &x[1], &x[2], (3, 2));
    let reference: Layer = &|x| candle_ops::conv2d_shared_input(&x[0], &x[1], &x[2], (3, 2));
    for (models, batch, h, w, c, out) in
        [(1, 2, 6, 5, 2, 3), (3, 3, 5, 4, 1, 2), (3, 1, 3, 2, 3, 4)]
    {
        let inputs = [
            normal(&[batch, h, w, c], 1),
            normal(&[models, 3 * 2 * c, out], 2),
            normal(&[models, out], 3),
        ];
        let what = format!("conv2d_shared_input K={models} {batch}×{h}×{w}×{c}→{out}");
        check_finite_differences(&what, conv, &inputs, &[1, 2]);
        check_against(&what, conv, reference, &inputs, &[1, 2]);
    }
}

#[test]
fn conv2d_matches_finite_differences_and_candle() {
    let conv: Layer = &|x| super::conv2d(&x[0], &x[1], &x[2], (2, 3));
    let reference: Layer = &|x| candle_ops::conv2d(&x[0], &x[1], &x[2], (2, 3));
    for (models, batch, h, w, c, out) in
        [(1, 2, 4, 5, 2, 3), (3, 2, 3, 4, 2, 2), (3, 1, 2, 3, 1, 1)]
    {
        let inputs = [
            normal(&[models, batch, h, w, c], 4),
            normal(&[models, 2 * 3 * c, out], 5),
            normal(&[models, out], 6),
        ];
        let what = format!("conv2d K={models} {batch}×{h}×{w}×{c}→{out}");
        check_finite_differences(&what, conv, &inputs, &[0, 1, 2]);
        check_against(&what, conv, reference, &inputs, &[0, 1, 2]);
    }
}

#[test]
fn max_pool_matches_finite_differences_and_candle() {
    let pool: Layer = &|x| super::max_pool2x2(&x[0]);
    let pool_relu: Layer = &|x| super::max_pool2x2_relu(&x[0]);
    let reference: Layer = &|x| candle_ops::max_pool2x2(&x[0]);
    let reference_relu: Layer = &|x| candle_ops::max_pool2x2(&x[0])?.relu();
    for (models, batch, h, w, c) in [(1, 2, 4, 6, 3), (3, 2, 2, 4, 2), (3, 1, 6, 2, 1)] {
        let inputs = [distinct(&[models, batch, h, w, c], 7)];
        let what = format!("max_pool2x2 K={models} {batch}×{h}×{w}×{c}");
        check_finite_differences(&what, pool, &inputs, &[0]);
        check_against(&what, pool, reference, &inputs, &[0]);
        let what = format!("max_pool2x2_relu K={models} {batch}×{h}×{w}×{c}");
        check_finite_differences(&what, pool_relu, &inputs, &[0]);
        check_against(&what, pool_relu, reference_relu, &inputs, &[0]);
    }
}

/// The reason for the custom pool: candle's `max_pool2d` gives a unique window maximum a quarter
/// of its gradient (candle-core 0.11.1 multiplies by the number of maxima over 4 instead of
/// dividing by the number of maxima), where the derivative is 1.
#[test]
fn candle_max_pool_gradient_is_wrong_and_ours_is_right() {
    let data = vec![1.0f64, 2.0, 3.0, 4.0];
    let candle_pool = |x: &Tensor| x.reshape((1, 1, 2, 2))?.max_pool2d(2)?.sum_all();
    // Central differences of candle's (correct) forward pass: 1 at the unique maximum.
    let step = 1e-6;
    let numeric: Vec<f64> = (0..4)
        .map(|j| {
            let at = |delta: f64| {
                let mut d = data.clone();
                d[j] += delta;
                let x = Tensor::from_vec(d, 4, &Device::Cpu).unwrap();
                candle_pool(&x).unwrap().to_scalar::<f64>().unwrap()
            };
            (at(step) - at(-step)) / (2.0 * step)
        })
        .collect();
    assert_close("finite differences", &numeric, &[0.0, 0.0, 0.0, 1.0], 1e-9);

    let nchw = Var::from_vec(data.clone(), 4, &Device::Cpu).unwrap();
    let grads = candle_pool(nchw.as_tensor()).unwrap().backward().unwrap();
    let candle = grads.get(&nchw).unwrap().to_vec1::<f64>().unwrap();
    assert_eq!(
        candle,
        [0.0, 0.0, 0.0, 0.25],
        "candle's max_pool2d gradient"
    );

    let nhwc = Var::from_vec(data, (1, 1, 2, 2, 1), &Device::Cpu).unwrap();
    let grads = super::max_pool2x2(&nhwc)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let ours = grads.get(&nhwc).unwrap().flatten_all().unwrap();
    assert_close("ours", &ours.to_vec1::<f64>().unwrap(), &numeric, 1e-9);
}

#[test]
fn max_pool_sends_a_tie_to_the_first_maximum_in_row_major_order() {
    // One window per channel: channel 0 = [5, 5; 1, 5], channel 1 = [0, 2; 2, -1].
    let x = Var::from_vec(
        vec![5.0f64, 0.0, 5.0, 2.0, 1.0, 2.0, 5.0, -1.0],
        (1, 1, 2, 2, 2),
        &Device::Cpu,
    )
    .unwrap();
    let y = super::max_pool2x2(&x).unwrap();
    assert_eq!(
        y.flatten_all().unwrap().to_vec1::<f64>().unwrap(),
        [5.0, 2.0]
    );
    let upstream = Tensor::new(&[10.0f64, 20.0], &Device::Cpu)
        .unwrap()
        .reshape((1, 1, 1, 1, 2))
        .unwrap();
    let grads = (y * upstream)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let g = grads
        .get(&x)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f64>()
        .unwrap();
    assert_eq!(g, [10.0, 0.0, 0.0, 20.0, 0.0, 0.0, 0.0, 0.0]);
}

#[test]
fn max_pool_relu_passes_no_gradient_through_a_non_positive_maximum() {
    let x = Var::from_vec(
        vec![-1.0f64, -2.0, -3.0, -0.5],
        (1, 1, 2, 2, 1),
        &Device::Cpu,
    )
    .unwrap();
    let y = super::max_pool2x2_relu(&x).unwrap();
    assert_eq!(y.flatten_all().unwrap().to_vec1::<f64>().unwrap(), [0.0]);
    let grads = y.sum_all().unwrap().backward().unwrap();
    let g = grads
        .get(&x)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f64>()
        .unwrap();
    assert_eq!(g, [0.0; 4]);
}

#[test]
fn linear_layers_match_finite_differences_and_candle() {
    let linear: Layer = &|x| super::linear(&x[0], &x[1], &x[2]);
    let linear_relu: Layer = &|x| super::linear_relu(&x[0], &x[1], &x[2]);
    let reference: Layer = &|x| candle_ops::linear(&x[0], &x[1], &x[2]);
    let reference_relu: Layer = &|x| candle_ops::linear(&x[0], &x[1], &x[2])?.relu();
    let shared: Layer = &|x| super::linear_shared_input(&x[0], &x[1], &x[2]);
    let shared_relu: Layer = &|x| super::linear_shared_input_relu(&x[0], &x[1], &x[2]);
    let shared_reference: Layer = &|x| candle_ops::linear_shared_input(&x[0], &x[1], &x[2]);
    let shared_reference_relu: Layer =
        &|x| candle_ops::linear_shared_input(&x[0], &x[1], &x[2])?.relu();
    for (models, batch, n_in, n_out) in [(1, 4, 5, 3), (3, 2, 3, 4), (3, 1, 1, 1)] {
        let what = format!("linear K={models} {batch}×{n_in}→{n_out}");
        // Inputs of distinct values keep every pre-activation away from the ReLU's kink.
        let inputs = [
            distinct(&[models, batch, n_in], 8),
            normal(&[models, n_in, n_out], 9),
            normal(&[models, n_out], 10),
        ];
        check_finite_differences(&what, linear, &inputs, &[0, 1, 2]);
        check_against(&what, linear, reference, &inputs, &[0, 1, 2]);
        check_finite_differences(&what, linear_relu, &inputs, &[0, 1, 2]);
        check_against(&what, linear_relu, reference_relu, &inputs, &[0, 1, 2]);
        let inputs = [
            distinct(&[batch, n_in], 11),
            normal(&[models, n_in, n_out], 12),
            normal(&[models, n_out], 13),
        ];
        let what = format!("linear_shared_input K={models} {batch}×{n_in}→{n_out}");
        check_finite_differences(&what, shared, &inputs, &[1, 2]);
        check_against(&what, shared, shared_reference, &inputs, &[1, 2]);
        check_finite_differences(&what, shared_relu, &inputs, &[1, 2]);
        check_against(&what, shared_relu, shared_reference_relu, &inputs, &[1, 2]);
    }
}

#[test]
fn relu_matches_finite_differences_and_candle() {
    let relu: Layer = &|x| super::relu(&x[0]);
    let reference: Layer = &|x| x[0].relu();
    for shape in [vec![1, 7], vec![3, 2, 5]] {
        let inputs = [distinct(&shape, 14)];
        check_finite_differences("relu", relu, &inputs, &[0]);
        check_against("relu", relu, reference, &inputs, &[0]);
    }
    // At 0 the gradient is 0, as PyTorch's (candle's own relu gives 1).
    let x = Var::from_vec(vec![0.0f64, 1.0, -1.0], 3, &Device::Cpu).unwrap();
    let grads = super::relu(&x)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let g = grads.get(&x).unwrap().to_vec1::<f64>().unwrap();
    assert_eq!(g, [0.0, 1.0, 0.0]);
}

#[test]
fn the_data_of_a_shared_input_layer_gets_no_gradient() {
    // A data tensor that depends on a variable: the layer treats it as data all the same.
    let source = Var::from_tensor(&normal(&[2, 4, 4, 1], 15)).unwrap();
    let data = (source.as_tensor() * 2.0).unwrap();
    let weight = Var::from_tensor(&normal(&[2, 4, 3], 16)).unwrap();
    let bias = Var::from_tensor(&normal(&[2, 3], 17)).unwrap();
    let y = super::conv2d_shared_input(&data, &weight, &bias, (2, 2)).unwrap();
    let grads = y.sum_all().unwrap().backward().unwrap();
    assert!(grads.get(&source).is_none());
    assert!(grads.get(&weight).is_some() && grads.get(&bias).is_some());
}

#[test]
fn layers_refuse_shapes_that_do_not_fit() {
    let x = normal(&[2, 4, 4, 1], 18);
    let w = normal(&[2, 5, 3], 19); // 5 ≠ 2·2·1
    let b = normal(&[2, 3], 20);
    assert!(super::conv2d_shared_input(&x, &w, &b, (2, 2)).is_err());
    assert!(super::conv2d_shared_input(&x, &normal(&[2, 4, 3], 21), &b, (5, 5)).is_err());
    assert!(super::max_pool2x2(&normal(&[1, 1, 3, 4, 1], 22)).is_err());
    assert!(super::linear(&normal(&[3, 2, 5], 23), &w, &b).is_err());
}
