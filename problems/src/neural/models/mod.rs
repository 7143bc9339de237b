//! The architectures: MultiLeNet, the fairness MLPs, shared-bottom and MMoE.
//!
//! Every architecture implements [`Network`] for `K` stacked models, in f32 (the default) or
//! f64, on a device the caller chooses; its parameters are drawn from a caller's `rand`
//! generator with PyTorch's default initialisation (`U(±1/√fan_in)` for weights and biases).
//! [`build_network`] builds one by name from a JSON configuration (`null` or `{}` for the
//! defaults), so a CLI's `--model NAME --set key=value` maps onto it directly.
//!
//! ```
//! use candle_core::{DType, Device, Tensor};
//! use rand::{SeedableRng, rngs::StdRng};
//! use tradeoff_problems::neural::Network;
//! use tradeoff_problems::neural::models::build_network;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut rng = StdRng::seed_from_u64(0);
//! let config = serde_json::json!({ "hidden": [16, 8] });
//! let net = build_network("mlp", &config, &[5], 3, DType::F32, &Device::Cpu, &mut rng)?;
//! assert_eq!(net.n_parameters_per_model(), (5 * 16 + 16) + (16 * 8 + 8) + (8 + 1));
//! let x = Tensor::zeros((4, 5), DType::F32, &Device::Cpu)?;
//! let z = net.trunk(&x)?;
//! let outputs = net.heads(&z, &x)?;
//! assert_eq!(outputs[0].dims(), &[3, 4, 1]); // [K, B, 1]
//! # Ok(())
//! # }
//! ```

mod dense;
mod fairness_mlp;
mod init_draws;
mod mmoe;
mod multi_lenet;
mod shared_bottom;
#[cfg(test)]
mod tests;

pub use fairness_mlp::{Mlp, MlpConfig};
pub use mmoe::{Mmoe, MmoeConfig};
pub use multi_lenet::{MultiLeNet, MultiLeNetConfig};
pub use shared_bottom::{SharedBottom, SharedBottomConfig};

use candle_core::{DType, Device, Tensor};
use rand::Rng;
use serde::de::DeserializeOwned;

use super::Network;

/// The element type the architectures use unless asked otherwise (f64 is the other choice,
/// for gradient checks and exact comparisons).
pub const DEFAULT_DTYPE: DType = DType::F32;

/// The names [`build_network`] knows, in the order `list` shows them.
pub const NETWORK_NAMES: [&str; 8] = [
    "multi-lenet",
    "mlp",
    "mlp-m1",
    "mlp-m2",
    "mlp-m3",
    "mlp-m4",
    "shared-bottom",
    "mmoe",
];

/// What can go wrong when building a network.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// No architecture has this name.
    #[error("unknown network '{name}' (known: {known})")]
    UnknownNetwork {
        /// The name asked for.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },
    /// The configuration could not be read (an unknown key, a wrong type).
    #[error("{network}: bad configuration: {message}")]
    BadConfig {
        /// The architecture's name.
        network: String,
        /// What the parser said, on one line.
        message: String,
    },
    /// A configuration value breaks its rule.
    #[error("{network}: {what} must be {rule}, got {got}")]
    InvalidConfig {
        /// The architecture's name.
        network: String,
        /// The option (or derived size) at fault.
        what: String,
        /// The rule it breaks.
        rule: String,
        /// The value found.
        got: String,
    },
    /// The per-example input shape does not fit the architecture.
    #[error("{network}: the input shape must be {expected}, got {got:?}")]
    InputShape {
        /// The architecture's name.
        network: String,
        /// What the architecture takes.
        expected: String,
        /// The shape given.
        got: Vec<usize>,
    },
    /// The architectures are built in f32 or f64 only.
    #[error("the dtype must be f32 or f64, got {dtype:?}")]
    UnsupportedDtype {
        /// The dtype asked for.
        dtype: DType,
    },
    /// A network holds at least one model.
    #[error("the number of stacked models must be at least 1, got 0")]
    NoModels,
    /// An error from the tensor library.
    #[error("tensor computation failed: {0}")]
    Tensor(#[from] candle_core::Error),
}

/// Builds the architecture `name` (one of [`NETWORK_NAMES`]) for `n_models` stacked models.
///
/// - `config`: the architecture's options as a JSON object (`null` or `{}` for the defaults;
///   missing keys take their defaults, unknown keys are errors): [`MultiLeNetConfig`] for
///   `multi-lenet`, [`MlpConfig`] for `mlp`, [`SharedBottomConfig`], [`MmoeConfig`]. The
///   `mlp-m1` … `mlp-m4` presets (LibMOON's fairness MLPs) take no options.
/// - `input_shape`: the shape of one example as the data loader gives it (without the batch
///   dimension): `[H, W, C]` or `[H, W]` for `multi-lenet` (LibMOON's `[36, 36]` or
///   `[36, 36, 1]`), `[d]` (or any shape of `d` elements) for the others.
///
/// # Errors
/// [`ModelError`]: an unknown name (listing the known ones), a bad configuration, an input shape
/// the architecture cannot take, a dtype other than f32/f64, `n_models = 0`.
pub fn build_network(
    name: &str,
    config: &serde_json::Value,
    input_shape: &[usize],
    n_models: usize,
    dtype: DType,
    device: &Device,
    rng: &mut impl Rng,
) -> Result<Box<dyn Network>, ModelError> {
    // Each configurable architecture: its configuration parsed, then built.
    macro_rules! build {
        ($network:ident) => {
            Box::new($network::new(
                &parse_config(name, config)?,
                input_shape,
                n_models,
                dtype,
                device,
                rng,
            )?)
        };
    }
    Ok(match name {
        "multi-lenet" => build!(MultiLeNet),
        "mlp" => build!(Mlp),
        "mlp-m1" | "mlp-m2" | "mlp-m3" | "mlp-m4" => {
            if !(config.is_null() || config.as_object().is_some_and(|o| o.is_empty())) {
                return Err(ModelError::BadConfig {
                    network: name.to_string(),
                    message: "a preset takes no options (use 'mlp' with \"hidden\" widths)"
                        .to_string(),
                });
            }
            let config = match name {
                "mlp-m1" => MlpConfig::m1(),
                "mlp-m2" => MlpConfig::m2(),
                "mlp-m3" => MlpConfig::m3(),
                _ => MlpConfig::m4(),
            };
            Box::new(Mlp::new(&config, input_shape, n_models, dtype, device, rng)?.with_name(name))
        }
        "shared-bottom" => build!(SharedBottom),
        "mmoe" => build!(Mmoe),
        _ => {
            return Err(ModelError::UnknownNetwork {
                name: name.to_string(),
                known: NETWORK_NAMES.join(", "),
            });
        }
    })
}

/// Reads an architecture's configuration; `null` gives the defaults.
fn parse_config<C: DeserializeOwned + Default>(
    network: &str,
    config: &serde_json::Value,
) -> Result<C, ModelError> {
    if config.is_null() {
        return Ok(C::default());
    }
    serde_json::from_value(config.clone()).map_err(|error| ModelError::BadConfig {
        network: network.to_string(),
        message: error.to_string().replace('\n', " "),
    })
}

/// The width `d` of a tabular example of shape `input_shape` (the product of its dimensions).
fn tabular_width(network: &str, input_shape: &[usize]) -> Result<usize, ModelError> {
    let width: usize = input_shape.iter().product();
    if input_shape.is_empty() || width == 0 {
        return Err(ModelError::InputShape {
            network: network.to_string(),
            expected: "[d] with d ≥ 1".to_string(),
            got: input_shape.to_vec(),
        });
    }
    Ok(width)
}

/// Checks that every width in `widths` is positive (and that there is at least `min_len`).
fn check_widths(
    network: &str,
    what: &str,
    widths: &[usize],
    min_len: usize,
) -> Result<(), ModelError> {
    if widths.len() < min_len || widths.contains(&0) {
        return Err(ModelError::InvalidConfig {
            network: network.to_string(),
            what: what.to_string(),
            rule: if min_len == 0 {
                "a list of positive widths".to_string()
            } else {
                format!("a list of at least {min_len} positive widths")
            },
            got: format!("{widths:?}"),
        });
    }
    Ok(())
}

/// A data batch `[B, ...]` as `[B, width]` in `dtype` (a tabular network's input).
fn tabular_batch(
    network: &str,
    input: &Tensor,
    width: usize,
    dtype: DType,
) -> candle_core::Result<Tensor> {
    let dims = input.dims();
    let per_example: usize = dims.iter().skip(1).product();
    if dims.len() < 2 || per_example != width {
        candle_core::bail!("{network}: input of shape {dims:?}, expected [B, {width}]");
    }
    input.reshape((dims[0], width))?.to_dtype(dtype)
}

/// Checks that a functional forward received one tensor per parameter.
fn check_parameter_count(
    network: &str,
    parameters: &[Tensor],
    expected: usize,
) -> candle_core::Result<()> {
    if parameters.len() != expected {
        candle_core::bail!(
            "{network}: {} parameter tensors for a network of {expected}",
            parameters.len()
        );
    }
    Ok(())
}
