//! Times MultiLeNet-shaped work at batch 256 (input 1×36×36, f32): the layers' custom CPU ops
//! against the same network written with candle's own ops (`layers::candle_ops`).
//!
//! Run on one thread, optimised:
//! `RAYON_NUM_THREADS=1 cargo run --release -p tradeoff-problems --example layers_bench`
//! (without a release build: `cargo build` with `--config
//! 'profile.dev.package.tradeoff-problems.opt-level=3'`; the dependencies already are at 3).
//!
//! Rows: the convolutional trunk (conv1 1→10 k5 on 36×36, 2×2 pool, ReLU, conv2 10→20 k5, pool,
//! ReLU), forward and forward + backward; then the whole MultiLeNet (trunk, FC 720→50, ReLU,
//! two heads 50→10, the sum of the two cross-entropy losses). Each figure is the minimum over
//! a few rounds after one warm-up round.

use std::time::Instant;

use candle_core::{DType, Device, Result, Tensor, Var};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tradeoff_problems::neural::init::{Fans, Init, initialize};
use tradeoff_problems::neural::layers::{self, candle_ops};
use tradeoff_problems::neural::losses::cross_entropy;

const BATCH: usize = 256;
const ROUNDS: usize = 4;

struct Net {
    conv1: (Var, Var),
    conv2: (Var, Var),
    fc: (Var, Var),
    heads: [(Var, Var); 2],
}

fn parameter(shape: &[usize], fans: Fans, rng: &mut StdRng) -> Result<Var> {
    let t = initialize(
        Init::KaimingUniform,
        1,
        shape,
        fans,
        rng,
        DType::F32,
        &Device::Cpu,
    )
    .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
    Var::from_tensor(&t)
}

impl Net {
    fn new(rng: &mut StdRng) -> Result<Self> {
        let c1 = Fans::conv((5, 5), 1, 10);
        let c2 = Fans::conv((5, 5), 10, 20);
        let fc = Fans::dense(720, 50);
        let head = Fans::dense(50, 10);
        Ok(Self {
            conv1: (parameter(&[25, 10], c1, rng)?, parameter(&[10], c1, rng)?),
            conv2: (parameter(&[250, 20], c2, rng)?, parameter(&[20], c2, rng)?),
            fc: (parameter(&[720, 50], fc, rng)?, parameter(&[50], fc, rng)?),
            heads: [
                (
                    parameter(&[50, 10], head, rng)?,
                    parameter(&[10], head, rng)?,
                ),
                (
                    parameter(&[50, 10], head, rng)?,
                    parameter(&[10], head, rng)?,
                ),
            ],
        })
    }

    /// The trunk with the custom ops (pool and ReLU fused when `fused`).
    fn trunk(&self, x: &Tensor, fused: bool) -> Result<Tensor> {
        let pool_relu = |t: &Tensor| {
            if fused {
                layers::max_pool2x2_relu(t)
            } else {
                layers::relu(&layers::max_pool2x2(t)?)
            }
        };
        let y = layers::conv2d_shared_input(x, &self.conv1.0, &self.conv1.1, (5, 5))?;
        let y = pool_relu(&y)?;
        let y = layers::conv2d(&y, &self.conv2.0, &self.conv2.1, (5, 5))?;
        pool_relu(&y)
    }

    /// The trunk with candle's own ops.
    fn trunk_candle(&self, x: &Tensor) -> Result<Tensor> {
        let y = candle_ops::conv2d_shared_input(x, &self.conv1.0, &self.conv1.1, (5, 5))?;
        let y = candle_ops::max_pool2x2(&y)?.relu()?;
        let y = candle_ops::conv2d(&y, &self.conv2.0, &self.conv2.1, (5, 5))?;
        candle_ops::max_pool2x2(&y)?.relu()
    }

    /// The summed cross-entropy of the two heads, with the custom ops or candle's.
    fn loss(&self, x: &Tensor, labels: &[Tensor; 2], custom: bool) -> Result<Tensor> {
        let trunk = if custom {
            self.trunk(x, true)?
        } else {
            self.trunk_candle(x)?
        };
        let flat = trunk.reshape((1, BATCH, 720))?;
        let dense = |input: &Tensor, (w, b): &(Var, Var)| {
            if custom {
                layers::linear(input, w, b)
            } else {
                candle_ops::linear(input, w, b)
            }
        };
        let hidden = dense(&flat, &self.fc)?.relu()?;
        let mut total = None;
        for (head, labels) in self.heads.iter().zip(labels) {
            let loss = cross_entropy(&dense(&hidden, head)?, labels)?;
            total = Some(match total {
                None => loss,
                Some(t) => (t + loss)?,
            });
        }
        total.expect("two heads").sum_all()
    }
}

/// Minimum wall time in milliseconds over the rounds, after one warm-up call.
fn time(mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    f()?;
    let mut best = f64::INFINITY;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        f()?;
        best = best.min(start.elapsed().as_secs_f64() * 1e3);
    }
    Ok(best)
}

fn main() -> Result<()> {
    let mut rng = StdRng::seed_from_u64(0);
    let net = Net::new(&mut rng)?;
    let mut uniform = |n: usize, low: f32, high: f32| -> Vec<f32> {
        (0..n).map(|_| rng.random_range(low..high)).collect()
    };
    let x = Tensor::from_vec(
        uniform(BATCH * 36 * 36, 0.0, 1.0),
        (BATCH, 36, 36, 1),
        &Device::Cpu,
    )?;
    let labels = [
        Tensor::from_vec(
            (0..BATCH as u32).map(|i| i % 10).collect(),
            BATCH,
            &Device::Cpu,
        )?,
        Tensor::from_vec(
            (0..BATCH as u32).map(|i| (i / 10) % 10).collect(),
            BATCH,
            &Device::Cpu,
        )?,
    ];
    let cotangent = Tensor::from_vec(
        uniform(BATCH * 6 * 6 * 20, -1.0, 1.0),
        (1, BATCH, 6, 6, 20),
        &Device::Cpu,
    )?;
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "unset".into());
    println!(
        "MultiLeNet shapes, batch {BATCH}, f32, RAYON_NUM_THREADS={threads}, min of {ROUNDS} rounds (ms)"
    );
    println!("{:<44} {:>10} {:>10}", "", "custom ops", "candle ops");

    let trunk_fused = time(|| net.trunk(&x, true).map(|_| ()))?;
    let trunk_separate = time(|| net.trunk(&x, false).map(|_| ()))?;
    let trunk_candle = time(|| net.trunk_candle(&x).map(|_| ()))?;
    println!(
        "{:<44} {:>10.1} {:>10.1}",
        "trunk forward (pool+relu fused)", trunk_fused, trunk_candle
    );
    println!(
        "{:<44} {:>10.1} {:>10}",
        "trunk forward (pool, relu separate)", trunk_separate, ""
    );

    let backward = |y: Tensor| -> Result<()> {
        (y * &cotangent)?.sum_all()?.backward()?;
        Ok(())
    };
    let trunk_fused = time(|| backward(net.trunk(&x, true)?))?;
    let trunk_separate = time(|| backward(net.trunk(&x, false)?))?;
    let trunk_candle = time(|| backward(net.trunk_candle(&x)?))?;
    println!(
        "{:<44} {:>10.1} {:>10.1}",
        "trunk forward + backward (fused)", trunk_fused, trunk_candle
    );
    println!(
        "{:<44} {:>10.1} {:>10}",
        "trunk forward + backward (separate)", trunk_separate, ""
    );

    // Each layer alone, forward + backward of a random contraction of its output.
    let pooled = Var::from_vec(
        uniform(BATCH * 16 * 16 * 10, -1.0, 1.0),
        (1, BATCH, 16, 16, 10),
        &Device::Cpu,
    )?;
    let conv1_out = Var::from_vec(
        uniform(BATCH * 32 * 32 * 10, -1.0, 1.0),
        (1, BATCH, 32, 32, 10),
        &Device::Cpu,
    )?;
    let contract = |y: Tensor| -> Result<()> {
        let c = Tensor::ones(y.dims(), y.dtype(), y.device())?;
        (y * c)?.sum_all()?.backward()?;
        Ok(())
    };
    let rows: [(&str, f64, f64); 3] = [
        (
            "conv1 (shared input) forward + backward",
            time(|| {
                contract(layers::conv2d_shared_input(
                    &x,
                    &net.conv1.0,
                    &net.conv1.1,
                    (5, 5),
                )?)
            })?,
            time(|| {
                contract(candle_ops::conv2d_shared_input(
                    &x,
                    &net.conv1.0,
                    &net.conv1.1,
                    (5, 5),
                )?)
            })?,
        ),
        (
            "pool1 + relu forward + backward",
            time(|| contract(layers::max_pool2x2_relu(&conv1_out)?))?,
            time(|| contract(candle_ops::max_pool2x2(&conv1_out)?.relu()?))?,
        ),
        (
            "conv2 forward + backward",
            time(|| contract(layers::conv2d(&pooled, &net.conv2.0, &net.conv2.1, (5, 5))?))?,
            time(|| {
                contract(candle_ops::conv2d(
                    &pooled,
                    &net.conv2.0,
                    &net.conv2.1,
                    (5, 5),
                )?)
            })?,
        ),
    ];
    for (name, ours, candle) in rows {
        println!("{name:<44} {ours:>10.1} {candle:>10.1}");
    }

    let forward = time(|| net.loss(&x, &labels, true).map(|_| ()))?;
    let forward_candle = time(|| net.loss(&x, &labels, false).map(|_| ()))?;
    println!(
        "{:<44} {:>10.1} {:>10.1}",
        "MultiLeNet forward, two CE losses", forward, forward_candle
    );
    let full = time(|| {
        net.loss(&x, &labels, true)?.backward()?;
        Ok(())
    })?;
    let full_candle = time(|| {
        net.loss(&x, &labels, false)?.backward()?;
        Ok(())
    })?;
    println!(
        "{:<44} {:>10.1} {:>10.1}",
        "MultiLeNet forward + backward of the sum", full, full_candle
    );
    Ok(())
}
