//! The neural seam: a [`NeuralProblem`]'s per-objective gradients against central finite
//! differences in f64, its weighted and representation paths against the Jacobian and a
//! hand-derived gradient, and the runner's resume on it bit for bit.

use std::sync::Arc;

use candle_core::{DType, Device, Tensor, Var};
use tradeoff_pareto::Matrix;
use tradeoff_problems::GradientSource;
use tradeoff_problems::neural::{
    Batch, ExampleSet, NamedParameter, Network, NeuralProblem, Objective,
};
use tradeoff_solvers::{DriverConfig, Optimizer, Options, Runner, StopAfter, build_rule};

/// `K` stacked models: `z = tanh(x W + b)` (trunk), heads `h_t = z a_t` (one per task).
#[derive(Debug)]
struct SmallNet {
    parameters: Vec<NamedParameter>,
    device: Device,
}

impl SmallNet {
    fn new(k: usize, inputs: usize, hidden: usize, tasks: usize) -> Self {
        let device = Device::Cpu;
        let mut seed = 12345_u64;
        let mut draw = |n: usize| -> Vec<f64> {
            (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 1.5
                })
                .collect()
        };
        let mut var = |name: String, shape: Vec<usize>| {
            let n = shape.iter().product();
            let t = Tensor::from_vec(draw(n), shape, &device).unwrap();
            NamedParameter {
                name,
                var: Var::from_tensor(&t).unwrap(),
            }
        };
        let mut parameters = vec![
            var("w".into(), vec![k, inputs, hidden]),
            var("b".into(), vec![k, hidden]),
        ];
        for t in 0..tasks {
            parameters.push(var(format!("head{t}"), vec![k, hidden, 1]));
        }
        Self {
            parameters,
            device: Device::Cpu,
        }
    }
}

impl Network for SmallNet {
    fn name(&self) -> &str {
        "small-net"
    }
    fn n_models(&self) -> usize {
        self.parameters[0].var.dim(0).unwrap()
    }
    fn parameters(&self) -> &[NamedParameter] {
        &self.parameters
    }
    fn trunk(&self, input: &Tensor) -> candle_core::Result<Tensor> {
        let k = self.n_models();
        let x = input
            .unsqueeze(0)?
            .broadcast_as((k, input.dim(0)?, input.dim(1)?))?;
        let h = x.contiguous()?.matmul(self.parameters[0].var.as_tensor())?;
        h.broadcast_add(&self.parameters[1].var.as_tensor().unsqueeze(1)?)?
            .tanh()
    }
    fn heads(&self, z: &Tensor, _input: &Tensor) -> candle_core::Result<Vec<Tensor>> {
        self.parameters[2..]
            .iter()
            .map(|p| z.matmul(p.var.as_tensor()))
            .collect()
    }
    fn dtype(&self) -> DType {
        DType::F64
    }
    fn device(&self) -> &Device {
        &self.device
    }
}

struct Examples {
    x: Vec<f64>,
    y: Vec<Vec<f64>>,
    inputs: usize,
}

impl Examples {
    fn new(n: usize, inputs: usize, tasks: usize) -> Self {
        let x: Vec<f64> = (0..n * inputs)
            .map(|i| ((i * 37 % 101) as f64) / 50.0 - 1.0)
            .collect();
        let y = (0..tasks)
            .map(|t| {
                (0..n)
                    .map(|i| {
                        let row = &x[i * inputs..(i + 1) * inputs];
                        if t % 2 == 0 {
                            row.iter().sum::<f64>()
                        } else {
                            row[0] - 2.0 * row[1]
                        }
                    })
                    .collect()
            })
            .collect();
        Self { x, y, inputs }
    }
}

impl ExampleSet for Examples {
    fn len(&self) -> usize {
        self.y[0].len()
    }
    fn batch(
        &self,
        idx: &[usize],
        dtype: DType,
        device: &Device,
    ) -> tradeoff_problems::Result<Batch> {
        let x: Vec<f64> = idx
            .iter()
            .flat_map(|&i| self.x[i * self.inputs..(i + 1) * self.inputs].to_vec())
            .collect();
        let targets = self
            .y
            .iter()
            .map(|y| {
                Tensor::new(idx.iter().map(|&i| y[i]).collect::<Vec<_>>(), device)?.to_dtype(dtype)
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Batch {
            input: Tensor::from_vec(x, (idx.len(), self.inputs), device)?.to_dtype(dtype)?,
            targets,
            sensitive: None,
        })
    }
}

#[derive(Debug)]
struct Mse(usize);

impl Objective for Mse {
    fn name(&self) -> String {
        format!("mse{}", self.0)
    }
    fn loss(&self, outputs: &[Tensor], batch: &Batch) -> tradeoff_problems::Result<Tensor> {
        let d = outputs[self.0]
            .squeeze(2)?
            .broadcast_sub(&batch.targets[self.0].unsqueeze(0)?)?;
        Ok(d.sqr()?.mean(1)?)
    }
}

fn problem(k: usize, tasks: usize, representation: bool) -> NeuralProblem {
    let objectives: Vec<Box<dyn Objective>> = (0..tasks).map(|t| Box::new(Mse(t)) as _).collect();
    NeuralProblem::new(
        "small",
        Arc::new(SmallNet::new(k, 3, 4, tasks)),
        Arc::new(Examples::new(50, 3, tasks)),
        objectives,
        16,
        7,
    )
    .unwrap()
    .with_representation_gradients(representation)
}

#[test]
fn jacobian_rows_match_central_differences() {
    for representation in [false, true] {
        let mut p = problem(2, 2, representation);
        let x = p.initial_point().unwrap();
        let iteration = 5; // a middle batch of the first epoch
        p.begin_step(&x, iteration).unwrap();
        let jacobian = p.jacobian().unwrap();
        let (k, m, n) = jacobian.shape();
        assert_eq!((k, m), (2, 2));
        let h = 1e-6;
        for point in 0..k {
            for j in (0..n).step_by(3) {
                let mut plus = x.clone();
                plus.set(point, j, x.get(point, j) + h);
                let mut minus = x.clone();
                minus.set(point, j, x.get(point, j) - h);
                let f_plus = p.begin_step(&plus, iteration).unwrap();
                let f_minus = p.begin_step(&minus, iteration).unwrap();
                for i in 0..m {
                    let fd = (f_plus.get(point, i) - f_minus.get(point, i)) / (2.0 * h);
                    let exact = jacobian.get(point, i, j);
                    assert!(
                        (fd - exact).abs() <= 1e-7 * (1.0 + exact.abs()),
                        "point {point} objective {i} parameter {j}: {fd} vs {exact}"
                    );
                    // The other model's losses do not move.
                    let other = 1 - point;
                    assert_eq!(f_plus.get(other, i), f_minus.get(other, i));
                }
            }
        }
    }
}

#[test]
fn combined_gradient_is_the_weighted_jacobian() {
    for representation in [false, true] {
        let mut p = problem(2, 3, representation);
        let x = p.initial_point().unwrap();
        p.begin_step(&x, 0).unwrap();
        let jacobian = p.jacobian().unwrap();
        let weights = Matrix::from_rows(&[[0.2, 0.5, 0.3], [1.0, 0.0, 2.0]]).unwrap();
        let combined = p.combined_gradient(&weights).unwrap();
        let n = jacobian.shape().2;
        for k in 0..2 {
            for j in 0..n {
                let want: f64 = (0..3)
                    .map(|i| weights.get(k, i) * jacobian.get(k, i, j))
                    .sum();
                assert!((combined.get(k, j) - want).abs() < 1e-12, "{k} {j}");
            }
        }
    }
}

/// `∂L_t/∂z = (2/B)(z a_t − y_t) a_tᵀ` per example, computed here from the parameters.
#[test]
fn representation_gramians_match_the_hand_derived_gradient() {
    let mut p = problem(1, 2, true);
    let x = p.initial_point().unwrap();
    p.begin_step(&x, 0).unwrap();
    let gramians = p
        .representation_gramians()
        .unwrap()
        .expect("the network has heads");
    // Rebuild the step's batch: epoch 0's first 16 examples in its order.
    let order = tradeoff_problems::neural::epoch_order(7, 0, 50);
    let data = Examples::new(50, 3, 2);
    let row = x.row(0);
    let (w, b, a) = (&row[0..12], &row[12..16], [&row[16..20], &row[20..24]]);
    let mut grads = [Vec::new(), Vec::new()];
    for &e in &order[..16] {
        let xe = &data.x[e * 3..e * 3 + 3];
        let z: Vec<f64> = (0..4)
            .map(|h| (b[h] + (0..3).map(|c| xe[c] * w[c * 4 + h]).sum::<f64>()).tanh())
            .collect();
        for t in 0..2 {
            let out: f64 = z.iter().zip(a[t]).map(|(zi, ai)| zi * ai).sum();
            let r = 2.0 / 16.0 * (out - data.y[t][e]);
            grads[t].extend(a[t].iter().map(|ai| r * ai));
        }
    }
    for i in 0..2 {
        for j in 0..2 {
            let want: f64 = grads[i].iter().zip(&grads[j]).map(|(u, v)| u * v).sum();
            let got = gramians[0].get(i, j);
            assert!(
                (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
                "{i}{j}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn runs_resume_bit_for_bit_across_epochs() {
    let preferences = Matrix::from_rows(&[[0.5, 0.5], [0.8, 0.2]]).unwrap();
    let config = DriverConfig {
        max_iters: 12, // 4 steps per epoch (50 examples, batch 16): three epochs
        optimizer: Optimizer::adam(1e-2),
        ..DriverConfig::default()
    };
    for method in ["mean", "ls", "upgrad", "pcgrad", "mgda"] {
        let mut p = problem(2, 2, true);
        let mut rule = build_rule(method, &Options::new(), &preferences).unwrap();
        let whole = Runner::for_source(&mut p, rule.as_mut(), &preferences, &config)
            .run()
            .unwrap();
        let mut p = problem(2, 2, true);
        let mut rule = build_rule(method, &Options::new(), &preferences).unwrap();
        let mut stop = StopAfter(5);
        let first = Runner::for_source(&mut p, rule.as_mut(), &preferences, &config)
            .with_observer(&mut stop)
            .run()
            .unwrap();
        let mut p = problem(2, 2, true);
        let mut rule = build_rule(method, &Options::new(), &preferences).unwrap();
        let rest = Runner::for_source(&mut p, rule.as_mut(), &preferences, &config)
            .resume_from(first.state)
            .run()
            .unwrap();
        assert_eq!(rest.result.x, whole.result.x, "{method}");
        assert_eq!(rest.result.objectives, whole.result.objectives, "{method}");
        assert!(
            whole
                .result
                .objectives
                .as_slice()
                .iter()
                .all(|v| v.is_finite())
        );
    }
}

/// Delegates to a [`NeuralProblem`] but computes the whole Jacobian when asked for some rows.
struct FullRows(NeuralProblem);

impl GradientSource for FullRows {
    fn name(&self) -> String {
        self.0.name()
    }
    fn n_obj(&self) -> usize {
        self.0.n_obj()
    }
    fn n_var(&self) -> usize {
        self.0.n_var()
    }
    fn n_points(&self) -> usize {
        self.0.n_points()
    }
    fn initial_point(&mut self) -> tradeoff_problems::Result<Matrix> {
        self.0.initial_point()
    }
    fn epoch_of(&self, iteration: usize) -> Option<usize> {
        self.0.epoch_of(iteration)
    }
    fn begin_step(&mut self, x: &Matrix, iteration: usize) -> tradeoff_problems::Result<Matrix> {
        self.0.begin_step(x, iteration)
    }
    fn jacobian(&mut self) -> tradeoff_problems::Result<tradeoff_problems::JacobianBatch> {
        self.0.jacobian()
    }
    fn combined_gradient(&mut self, weights: &Matrix) -> tradeoff_problems::Result<Matrix> {
        self.0.combined_gradient(weights)
    }
    fn full_objectives(&mut self, x: &Matrix) -> tradeoff_problems::Result<Matrix> {
        self.0.full_objectives(x)
    }
}

#[test]
fn jacobian_rows_compute_only_the_rows_asked_for() {
    let mut p = problem(2, 3, false);
    let x = p.initial_point().unwrap();
    p.begin_step(&x, 1).unwrap();
    let full = p.jacobian().unwrap();
    let some = p.jacobian_rows(&[2]).unwrap();
    let n = full.shape().2;
    for k in 0..2 {
        for j in 0..n {
            assert_eq!(some.get(k, 2, j), full.get(k, 2, j));
            assert_eq!(some.get(k, 0, j), 0.0);
            assert_eq!(some.get(k, 1, j), 0.0);
        }
    }
}

/// M-ConFIG with one loss per step back-propagates one objective per step, and its run is
/// the run it makes when every row is computed.
#[test]
fn m_config_one_row_per_step_equals_the_full_jacobian_run() {
    let preferences = Matrix::from_rows(&[[0.5, 0.5]]).unwrap();
    let config = DriverConfig {
        max_iters: 9,
        optimizer: Optimizer::sgd(1e-2),
        ..DriverConfig::default()
    };
    let options = Options::new().with("rows_per_step", 1);
    let mut rule = build_rule("m-config", &options, &preferences).unwrap();
    let mut p = problem(1, 2, false);
    let partial = Runner::for_source(&mut p, rule.as_mut(), &preferences, &config)
        .run()
        .unwrap();
    let mut rule = build_rule("m-config", &options, &preferences).unwrap();
    let mut full = FullRows(problem(1, 2, false));
    let whole = Runner::for_source(&mut full, rule.as_mut(), &preferences, &config)
        .run()
        .unwrap();
    assert_eq!(partial.result.x, whole.result.x);
    assert_ne!(
        partial.result.x,
        p.initial_point().unwrap(),
        "the run moved"
    );
}
