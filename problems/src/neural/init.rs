//! Seeded, fan-in-aware initialisation of network parameters (Xavier, Kaiming).
//!
//! Values are drawn in f64 from the caller's `rand` generator (never candle's RNG), model after
//! model (all of model `k`'s values after model `k − 1`'s, each in the row-major order of the
//! layer's layout), then cast to the requested dtype and moved to the device: one seed gives the
//! same parameters on every device and for every thread count.

use candle_core::{DType, Device, Tensor};
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};

/// What can go wrong when initialising a parameter.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// A scheme that scales by the fans got a zero fan.
    #[error("{scheme}: fan_in {fan_in} and fan_out {fan_out} must be positive")]
    ZeroFan {
        /// The scheme's name.
        scheme: &'static str,
        /// The fan-in given.
        fan_in: usize,
        /// The fan-out given.
        fan_out: usize,
    },
    /// A gain or constant that is not a finite number (or a negative gain).
    #[error("{scheme}: {what} must be {rule}, got {value}")]
    InvalidValue {
        /// The scheme's name.
        scheme: &'static str,
        /// `gain` or `value`.
        what: &'static str,
        /// The rule broken.
        rule: &'static str,
        /// The value given.
        value: f64,
    },
    /// candle failed to build the tensor.
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
}

/// How a parameter's values are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Xavier (Glorot) normal: `N(0, σ²)` with `σ = gain·√(2 / (fan_in + fan_out))` (PyTorch's
    /// `xavier_normal_`; ConFIG's PINNs use gain 1).
    XavierNormal {
        /// The gain (1 for tanh networks as ConFIG's, `√2` for ReLU).
        gain: f64,
    },
    /// Xavier (Glorot) uniform: `U(−a, a)` with `a = gain·√(6 / (fan_in + fan_out))` (PyTorch's
    /// `xavier_uniform_`).
    XavierUniform {
        /// The gain.
        gain: f64,
    },
    /// PyTorch's default for the weights *and* biases of `nn.Linear` and `nn.Conv2d`:
    /// `U(−1/√fan_in, 1/√fan_in)` (`kaiming_uniform_` with `a = √5` for the weight, the same
    /// bound for the bias, with the fan-in of the layer's weight).
    KaimingUniform,
    /// Every value equal to this one (ConFIG's bias 0.001, zeros).
    Constant(f64),
}

/// The fans of one model's parameter, in PyTorch's sense.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fans {
    /// Inputs that feed one output.
    pub fan_in: usize,
    /// Outputs one input feeds.
    pub fan_out: usize,
}

impl Fans {
    /// A dense layer `in → out` (our weight `[in, out]`; PyTorch's `[out, in]`): `(in, out)`.
    /// Also the fans to give its bias.
    pub fn dense(inputs: usize, outputs: usize) -> Self {
        Self {
            fan_in: inputs,
            fan_out: outputs,
        }
    }

    /// A `kh × kw` convolution from `c_in` to `c_out` channels (our weight `[kh·kw·c_in,
    /// c_out]`; PyTorch's `[c_out, c_in, kh, kw]`): `(kh·kw·c_in, kh·kw·c_out)`. Also the fans to
    /// give its bias.
    pub fn conv(kernel: (usize, usize), in_channels: usize, out_channels: usize) -> Self {
        let area = kernel.0 * kernel.1;
        Self {
            fan_in: area * in_channels,
            fan_out: area * out_channels,
        }
    }
}

fn check_gain(scheme: &'static str, gain: f64) -> Result<(), InitError> {
    if gain.is_finite() && gain >= 0.0 {
        Ok(())
    } else {
        Err(InitError::InvalidValue {
            scheme,
            what: "gain",
            rule: "finite and non-negative",
            value: gain,
        })
    }
}

fn check_fans(scheme: &'static str, fans: Fans) -> Result<(), InitError> {
    if fans.fan_in == 0 || fans.fan_out == 0 {
        return Err(InitError::ZeroFan {
            scheme,
            fan_in: fans.fan_in,
            fan_out: fans.fan_out,
        });
    }
    Ok(())
}

/// Draws `n` values of the scheme in f64.
fn draw<R: Rng + ?Sized>(
    init: Init,
    fans: Fans,
    n: usize,
    rng: &mut R,
) -> Result<Vec<f64>, InitError> {
    let uniform = |bound: f64, rng: &mut R| -> Result<Vec<f64>, InitError> {
        let distribution = Uniform::new(-bound, bound).map_err(|_| InitError::InvalidValue {
            scheme: "uniform",
            what: "bound",
            rule: "positive and finite",
            value: bound,
        })?;
        Ok((0..n).map(|_| distribution.sample(rng)).collect())
    };
    match init {
        Init::XavierNormal { gain } => {
            check_gain("xavier-normal", gain)?;
            check_fans("xavier-normal", fans)?;
            let std = gain * (2.0 / (fans.fan_in + fans.fan_out) as f64).sqrt();
            if std == 0.0 {
                return Ok(vec![0.0; n]);
            }
            let distribution = Normal::new(0.0, std).map_err(|_| InitError::InvalidValue {
                scheme: "xavier-normal",
                what: "gain",
                rule: "finite and non-negative",
                value: gain,
            })?;
            Ok((0..n).map(|_| distribution.sample(rng)).collect())
        }
        Init::XavierUniform { gain } => {
            check_gain("xavier-uniform", gain)?;
            check_fans("xavier-uniform", fans)?;
            let bound = gain * (6.0 / (fans.fan_in + fans.fan_out) as f64).sqrt();
            if bound == 0.0 {
                return Ok(vec![0.0; n]);
            }
            uniform(bound, rng)
        }
        Init::KaimingUniform => {
            check_fans("kaiming-uniform", fans)?;
            uniform(1.0 / (fans.fan_in as f64).sqrt(), rng)
        }
        Init::Constant(value) => {
            if !value.is_finite() {
                return Err(InitError::InvalidValue {
                    scheme: "constant",
                    what: "value",
                    rule: "finite",
                    value,
                });
            }
            Ok(vec![value; n])
        }
    }
}

/// A parameter of `models` stacked models, each of shape `shape` (our layouts: dense weight
/// `[in, out]`, convolution weight `[kh·kw·c_in, c_out]`, bias `[out]`): a tensor `[models,
/// ...shape]` of `dtype` on `device`, model `k` drawn after model `k − 1` from `rng`.
///
/// # Errors
/// [`InitError::ZeroFan`] for a fan-scaled scheme with a zero fan, [`InitError::InvalidValue`]
/// for a non-finite or negative gain or a non-finite constant, and candle's errors.
pub fn initialize<R: Rng + ?Sized>(
    init: Init,
    models: usize,
    shape: &[usize],
    fans: Fans,
    rng: &mut R,
    dtype: DType,
    device: &Device,
) -> Result<Tensor, InitError> {
    let n = models * shape.iter().product::<usize>();
    let values = draw(init, fans, n, rng)?;
    let dims: Vec<usize> = std::iter::once(models)
        .chain(shape.iter().copied())
        .collect();
    Ok(Tensor::from_vec(values, dims, &Device::Cpu)?
        .to_dtype(dtype)?
        .to_device(device)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn sample(init: Init, fans: Fans, seed: u64) -> Vec<f64> {
        let mut rng = StdRng::seed_from_u64(seed);
        initialize(init, 2, &[50_000], fans, &mut rng, DType::F64, &Device::Cpu)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f64>()
            .unwrap()
    }

    fn moments(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, variance)
    }

    /// Mean and variance within 4 standard errors of the distribution's, for `10⁵` draws
    /// (`fourth` = the distribution's fourth central moment, for the variance's error).
    fn check_moments(what: &str, values: &[f64], variance: f64, fourth: f64) {
        let n = values.len() as f64;
        let (m, v) = moments(values);
        let mean_error = (variance / n).sqrt();
        let variance_error = ((fourth - variance * variance) / n).sqrt();
        assert!(
            m.abs() < 4.0 * mean_error,
            "{what}: mean {m} (error {mean_error})"
        );
        assert!(
            (v - variance).abs() < 4.0 * variance_error,
            "{what}: variance {v} against {variance} (error {variance_error})"
        );
    }

    #[test]
    fn moments_of_each_scheme() {
        let fans = Fans::dense(30, 20);
        // Xavier normal, gain 1.5: σ² = 2.25·2/50; fourth moment 3σ⁴.
        let variance = 2.25 * 2.0 / 50.0;
        let values = sample(Init::XavierNormal { gain: 1.5 }, fans, 1);
        check_moments(
            "xavier-normal",
            &values,
            variance,
            3.0 * variance * variance,
        );
        // Uniform(−a, a): σ² = a²/3, fourth moment a⁴/5.
        let uniform = |bound: f64| (bound * bound / 3.0, bound.powi(4) / 5.0);
        let bound = 2.0 * (6.0f64 / 50.0).sqrt();
        let values = sample(Init::XavierUniform { gain: 2.0 }, fans, 2);
        assert!(values.iter().all(|v| v.abs() <= bound));
        let (variance, fourth) = uniform(bound);
        check_moments("xavier-uniform", &values, variance, fourth);
        // PyTorch's nn.Conv2d(10, 20, 5) default: bound 1/√250.
        let bound = 1.0 / 250f64.sqrt();
        let values = sample(Init::KaimingUniform, Fans::conv((5, 5), 10, 20), 3);
        assert!(values.iter().all(|v| v.abs() <= bound));
        let (variance, fourth) = uniform(bound);
        check_moments("kaiming-uniform", &values, variance, fourth);
        let values = sample(Init::Constant(0.001), fans, 4);
        assert!(values.iter().all(|&v| v == 0.001));
    }

    #[test]
    fn same_seed_same_bits_and_models_drawn_in_turn() {
        let fans = Fans::dense(4, 3);
        let init = Init::XavierNormal { gain: 1.0 };
        let stacked = |seed: u64, dtype: DType| {
            let mut rng = StdRng::seed_from_u64(seed);
            initialize(init, 3, &[4, 3], fans, &mut rng, dtype, &Device::Cpu).unwrap()
        };
        let a = stacked(7, DType::F64)
            .flatten_all()
            .unwrap()
            .to_vec1::<f64>()
            .unwrap();
        let b = stacked(7, DType::F64)
            .flatten_all()
            .unwrap()
            .to_vec1::<f64>()
            .unwrap();
        assert_eq!(
            a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            b.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        assert_ne!(
            a,
            stacked(8, DType::F64)
                .flatten_all()
                .unwrap()
                .to_vec1::<f64>()
                .unwrap()
        );
        // Three single models drawn one after the other from one generator are the stack.
        let mut rng = StdRng::seed_from_u64(7);
        let mut one_by_one = Vec::new();
        for _ in 0..3 {
            let t = initialize(init, 1, &[4, 3], fans, &mut rng, DType::F64, &Device::Cpu).unwrap();
            one_by_one.extend(t.flatten_all().unwrap().to_vec1::<f64>().unwrap());
        }
        assert_eq!(a, one_by_one);
        // f32 is the f64 draw rounded.
        let single = stacked(7, DType::F32);
        assert_eq!(single.dims(), [3, 4, 3]);
        let single = single.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!(single.iter().zip(&a).all(|(&s, &d)| s == d as f32));
    }

    #[test]
    fn invalid_settings_are_refused() {
        let mut rng = StdRng::seed_from_u64(0);
        let mut try_init = |init: Init, fans: Fans| {
            initialize(init, 1, &[2], fans, &mut rng, DType::F32, &Device::Cpu)
        };
        assert!(matches!(
            try_init(Init::KaimingUniform, Fans::dense(0, 3)),
            Err(InitError::ZeroFan { fan_in: 0, .. })
        ));
        assert!(matches!(
            try_init(Init::XavierNormal { gain: f64::NAN }, Fans::dense(2, 3)),
            Err(InitError::InvalidValue { what: "gain", .. })
        ));
        assert!(matches!(
            try_init(Init::XavierUniform { gain: -1.0 }, Fans::dense(2, 3)),
            Err(InitError::InvalidValue { what: "gain", .. })
        ));
        assert!(matches!(
            try_init(Init::Constant(f64::INFINITY), Fans::dense(2, 3)),
            Err(InitError::InvalidValue { what: "value", .. })
        ));
    }
}
