//! A user's own candle network on two regression tasks, trained with any method of the table
//! through the same runner as the built-in problems: `cargo run --release --example own_network`.

use std::sync::Arc;

use rand::SeedableRng;
use tradeoff::candle::{DType, Device, Result as CandleResult, Tensor, Var};
use tradeoff::pareto::Matrix;
use tradeoff::problems::Result;
use tradeoff::problems::neural::init::{Fans, Init, initialize};
use tradeoff::problems::neural::{
    Batch, ExampleSet, NamedParameter, Network, NeuralProblem, Objective,
};
use tradeoff::solvers::{DriverConfig, Optimizer, Options, Runner, build_rule};

/// `x → relu(x W1 + b1) → (W_a, W_b)`: a shared layer and one linear head per task (K = 1).
#[derive(Debug)]
struct TwoTaskNet(Vec<NamedParameter>, Device);

impl TwoTaskNet {
    /// PyTorch's default initialisation (U(±1/√fan_in)) drawn from our own seeded generator.
    fn new(inputs: usize, hidden: usize, device: &Device) -> Result<Self> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        let mut var = |name: &str, shape: &[usize], fan_in: usize| -> Result<NamedParameter> {
            let fans = Fans::dense(fan_in, shape[shape.len() - 1]);
            let t = initialize(
                Init::KaimingUniform,
                1,
                &shape[1..],
                fans,
                &mut rng,
                DType::F32,
                device,
            )
            .map_err(|e| tradeoff::problems::Error::Unsupported {
                problem: name.into(),
                what: e.to_string(),
            })?;
            Ok(NamedParameter {
                name: name.into(),
                var: Var::from_tensor(&t)?,
            })
        };
        let parameters = vec![
            var("w1", &[1, inputs, hidden], inputs)?,
            var("b1", &[1, hidden], inputs)?,
            var("head_a", &[1, hidden, 1], hidden)?,
            var("head_b", &[1, hidden, 1], hidden)?,
        ];
        Ok(Self(parameters, device.clone()))
    }
}

impl Network for TwoTaskNet {
    fn name(&self) -> &str {
        "two-task-net"
    }
    fn n_models(&self) -> usize {
        1
    }
    fn parameters(&self) -> &[NamedParameter] {
        &self.0
    }
    fn trunk(&self, input: &Tensor) -> CandleResult<Tensor> {
        let h = input.unsqueeze(0)?.matmul(self.0[0].var.as_tensor())?;
        h.broadcast_add(&self.0[1].var.as_tensor().unsqueeze(1)?)?
            .relu()
    }
    fn heads(&self, z: &Tensor, _input: &Tensor) -> CandleResult<Vec<Tensor>> {
        Ok(vec![
            z.matmul(self.0[2].var.as_tensor())?,
            z.matmul(self.0[3].var.as_tensor())?,
        ])
    }
    fn dtype(&self) -> DType {
        DType::F32
    }
    fn device(&self) -> &Device {
        &self.1
    }
}

/// `n` examples of `y_a = Σx`, `y_b = x_0 − x_1` (conflicting enough for a trade-off).
struct Examples {
    x: Vec<f32>,
    y: [Vec<f32>; 2],
    inputs: usize,
}

impl ExampleSet for Examples {
    fn len(&self) -> usize {
        self.y[0].len()
    }
    fn batch(&self, idx: &[usize], dtype: DType, device: &Device) -> Result<Batch> {
        let x: Vec<f32> = idx
            .iter()
            .flat_map(|&i| self.x[i * self.inputs..(i + 1) * self.inputs].to_vec())
            .collect();
        let y = |t: usize| {
            Tensor::new(
                idx.iter().map(|&i| self.y[t][i]).collect::<Vec<_>>(),
                device,
            )?
            .to_dtype(dtype)
        };
        Ok(Batch {
            input: Tensor::from_vec(x, (idx.len(), self.inputs), device)?.to_dtype(dtype)?,
            targets: vec![y(0)?, y(1)?],
            sensitive: None,
        })
    }
}

/// Mean squared error of head `t` against target `t`, one value per model.
#[derive(Debug)]
struct Mse(usize);

impl Objective for Mse {
    fn name(&self) -> String {
        format!("mse{}", self.0)
    }
    fn loss(&self, outputs: &[Tensor], batch: &Batch) -> Result<Tensor> {
        let diff = outputs[self.0]
            .squeeze(2)?
            .broadcast_sub(&batch.targets[self.0].unsqueeze(0)?)?;
        Ok(diff.sqr()?.mean(1)?)
    }
}

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    tradeoff::problems::configure_process();
    let (n, inputs, device) = (512, 4, Device::Cpu);
    let x: Vec<f32> = (0..n * inputs)
        .map(|i| ((i * 7919) % 200) as f32 / 100.0 - 1.0)
        .collect();
    let y = [0, 1].map(|t| {
        (0..n)
            .map(|i| {
                let r = &x[i * inputs..(i + 1) * inputs];
                if t == 0 { r.iter().sum() } else { r[0] - r[1] }
            })
            .collect()
    });
    let objectives: Vec<Box<dyn Objective>> = vec![Box::new(Mse(0)), Box::new(Mse(1))];
    let network = Arc::new(TwoTaskNet::new(inputs, 16, &device)?);
    let mut problem = NeuralProblem::new(
        "two-task",
        network,
        Arc::new(Examples { x, y, inputs }),
        objectives,
        64,
        0,
    )?;
    let preferences = Matrix::from_rows(&[[0.5, 0.5]])?;
    for method in ["mean", "upgrad", "pcgrad"] {
        let mut rule = build_rule(method, &Options::new(), &preferences)?;
        let config = DriverConfig {
            max_iters: 400,
            optimizer: Optimizer::adam(1e-2),
            ..DriverConfig::default()
        };
        let outcome =
            Runner::for_source(&mut problem, rule.as_mut(), &preferences, &config).run()?;
        println!(
            "{method:>7}: training losses {:?}",
            outcome.result.objectives.row(0)
        );
    }
    Ok(())
}
