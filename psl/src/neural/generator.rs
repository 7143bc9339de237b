//! Parameter generators: preference → the parameters of a neural network (hypernetwork,
//! preference-conditioned FiLM, PaMaL, low-rank).

use candle_core::{DType, Device, Tensor, Var};
use serde::{Deserialize, Serialize};
use tradeoff_problems::neural::Network;

use crate::error::{Error, Result, invalid};
use crate::params::{InitScheme, Linear, ParamBuilder, ParamStore, Precision, check_prefs};

/// LibMOON's Pareto HyperNetwork ray encoder width (`ray_hidden_dim = 100`).
pub const PHN_WIDTH: usize = 100;
/// LibMOON's ray encoder depth: three linear layers `m → 100 → 100 → 100`.
pub const PHN_DEPTH: usize = 3;
/// Rank of the low-rank family when none is given (LibMOON's LoRA rank).
pub const DEFAULT_RANK: usize = 5;

/// The family of a [`NeuralGenerator`] and its sizes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum NeuralModelKind {
    /// Pareto HyperNetwork (Navon et al., ICLR 2021; LibMOON's `model/hypernet.py`): a
    /// preference encoder of `depth` linear layers of `width` with ReLU between them (none after
    /// the last), then one linear head `width → numel` per parameter tensor of the target.
    Hypernet {
        /// Encoder width (LibMOON: 100).
        width: usize,
        /// Encoder layers (LibMOON: 3).
        depth: usize,
    },
    /// Preference-conditioned network: the target's own weights shared by every preference;
    /// `λ` is concatenated to the input of the first layer and modulates every hidden layer by
    /// FiLM.
    Conditioned,
    /// PaMaL (Dimitriadis et al., ICML 2023): `θ(λ) = Σ_i λ_i θ_i` over `n_obj` base networks.
    Pamal {
        /// The base networks start as copies of one initial network (`true`, the default) or
        /// from independent draws (`false`). Copies start every preference at one working
        /// network; independent draws start the mixtures at weights of lower variance than the
        /// initialisation scheme's, which train more slowly.
        #[serde(default)]
        shared_start: bool,
    },
    /// Low-rank combination (LORPMAN, Chen et al., ICML 2024): `W(λ) = W_0 + Σ_i λ_i A_i B_i`
    /// for every weight matrix, rank-`rank` factors per objective; biases shared.
    LowRank {
        /// Rank of every `A_i B_i`.
        rank: usize,
    },
}

impl NeuralModelKind {
    /// The CLI names.
    pub const NAMES: [&'static str; 4] = ["hypernet", "conditioned", "pamal", "lowrank"];

    /// The family called `name` with its default sizes (LibMOON's PHN, rank 5).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "hypernet" | "hypernetwork" | "phn" => Self::Hypernet {
                width: PHN_WIDTH,
                depth: PHN_DEPTH,
            },
            "conditioned" => Self::Conditioned,
            "pamal" => Self::Pamal { shared_start: true },
            "lowrank" | "low-rank" | "lora" => Self::LowRank { rank: DEFAULT_RANK },
            _ => return None,
        })
    }

    /// The CLI name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Hypernet { .. } => "hypernet",
            Self::Conditioned => "conditioned",
            Self::Pamal { .. } => "pamal",
            Self::LowRank { .. } => "lowrank",
        }
    }
}

/// Everything that rebuilds a generator for a given target network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeuralModelConfig {
    /// The family and its sizes.
    pub kind: NeuralModelKind,
    /// Number of objectives (preference length).
    pub n_obj: usize,
    /// Seed of the initialisation.
    pub seed: u64,
    /// Precision (the target network's).
    pub precision: Precision,
}

/// One parameter tensor of the target network, per model (the leading `K` dropped).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetParameter {
    /// The network's name for it (`conv1.weight`, `heads.0.bias`).
    pub name: String,
    /// Its shape for one model.
    pub shape: Vec<usize>,
    /// Inputs of the layer it belongs to (PyTorch's `fan_in`: the product of a weight's
    /// dimensions but the last; a bias takes its weight's).
    pub fan_in: usize,
    /// Whether it is a weight (a matrix `[fan_in, fan_out]` once flattened) or a bias.
    pub is_weight: bool,
}

impl TargetParameter {
    /// Number of entries.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// Output features of its layer (the last dimension).
    pub fn fan_out(&self) -> usize {
        self.shape.last().copied().unwrap_or(1)
    }
}

/// The parameter tensors of one model of `network`, in [`Network::parameters`] order.
///
/// # Errors
/// [`Error::InvalidConfig`] for a network with no parameters.
pub fn target_parameters(network: &dyn Network) -> Result<Vec<TargetParameter>> {
    let k = network.n_models();
    let mut out: Vec<TargetParameter> = Vec::new();
    let mut last_fan_in = 1;
    for p in network.parameters() {
        let dims = p.var.dims();
        let shape: Vec<usize> = if dims.first() == Some(&k) {
            dims[1..].to_vec()
        } else {
            dims.to_vec()
        };
        let is_weight = shape.len() >= 2 && !p.name.ends_with(".bias");
        let fan_in = if is_weight {
            shape[shape.len() - 2]
        } else {
            last_fan_in
        };
        if is_weight {
            last_fan_in = fan_in;
        }
        out.push(TargetParameter {
            name: p.name.clone(),
            shape,
            fan_in,
            is_weight,
        });
    }
    if out.is_empty() {
        return Err(invalid("target network", "must have parameters", 0));
    }
    Ok(out)
}

/// A layer of the target for FiLM: its weight and bias indices, its output features
/// (`groups · fan_out`), and whether it is hidden (neither the last layer nor part of a task
/// head `heads.*` / tower `towers.*`). A grouped layer (MMoE's experts: weight `[G, in, out]`,
/// bias `[G, out]`) is `G` layers side by side.
#[derive(Clone, Debug)]
struct Layer {
    weight: usize,
    bias: usize,
    width: usize,
    groups: usize,
    hidden: bool,
}

fn layers_of(target: &[TargetParameter]) -> Vec<Layer> {
    let mut layers = Vec::new();
    for i in 0..target.len().saturating_sub(1) {
        let (w, b) = (&target[i], &target[i + 1]);
        let groups = match w.shape.len() {
            2 => 1,
            3 => w.shape[0],
            _ => continue,
        };
        let bias_shape: Vec<usize> = if groups == 1 && w.shape.len() == 2 {
            vec![w.fan_out()]
        } else {
            vec![groups, w.fan_out()]
        };
        if w.is_weight && !b.is_weight && b.shape == bias_shape {
            layers.push(Layer {
                weight: i,
                bias: i + 1,
                width: groups * w.fan_out(),
                groups,
                hidden: !(w.name.starts_with("heads.") || w.name.starts_with("towers.")),
            });
        }
    }
    if let Some(last) = layers.last_mut() {
        last.hidden = false;
    }
    layers
}

/// The family-specific trainable tensors.
#[derive(Debug)]
enum Parts {
    Hypernet {
        encoder: Vec<Linear>,
        heads: Vec<Linear>,
    },
    Conditioned {
        base: Vec<Tensor>,
        /// Per FiLM layer: its index in `layers`, and `(γ − 1, β) = λ·G + g` as a [`Linear`]
        /// `[n_obj, 2·width]`.
        film: Vec<(usize, Linear)>,
        /// The first layer's weight for the concatenated preference, `[n_obj, width]`.
        concat: Tensor,
        layers: Vec<Layer>,
    },
    Pamal {
        /// Per target tensor `[n_obj, numel]`: the base networks.
        bases: Vec<Tensor>,
    },
    LowRank {
        base: Vec<Tensor>,
        /// Per target tensor: `(A [n_obj, fan_in, r], B [n_obj, r, fan_out])` for a weight.
        factors: Vec<Option<(Tensor, Tensor)>>,
    },
}

/// A model of the Pareto set of a neural problem: preferences `[P, n_obj]` → one parameter set
/// of the target network per preference (tensors `[P, ...]` in [`Network::parameters`] order),
/// differentiable, so that the target's loss reaches the generator's variables through
/// [`Network::forward_with`] in one backward pass.
///
/// Families ([`NeuralModelKind`]; all weights from one seeded generator, PyTorch's default
/// `U(±1/√fan_in)` unless stated):
/// * **hypernet**: LibMOON's PHN. With MultiLeNet (42,350 target parameters) and the default
///   encoder 2 → 100 → 100 → 100 the hypernetwork has 20,500 encoder parameters and
///   100·42,350 + 42,350 = 4,277,350 in its ten heads: 4,297,850 in all (LibMOON's own PHN,
///   whose LeNet target has 31,910 parameters, has 3,243,410).
/// * **conditioned**: the target's weights `θ` are shared; the preference is concatenated to
///   the first layer's input and every hidden layer is modulated by FiLM (Perez et al., AAAI
///   2018), `z ← γ(λ) ⊙ z + β(λ)` per output feature (channel), `(γ − 1, β) = λ·G_l + g_l`
///   with `G_l, g_l` zero at the start. Both act on generated parameters: a per-feature FiLM
///   of `z = W x + b` is `W' = W·diag(γ)`, `b' = γ ⊙ b + β`; the concatenated `λ` (constant
///   over the input, e.g. `n_obj` constant channels of a valid convolution) adds `λ·V` to the
///   first layer's bias, `V` being the sum of the kernel weights of those channels. `V` is drawn
///   `U(±1/√fan_in)`. Hidden layers: every `(weight, bias)` pair but the last and the `heads.*`.
/// * **pamal**: `n_obj` networks `θ_i`, `θ(λ) = Σ λ_i θ_i`, started as copies of one initial
///   network (or independently drawn, `shared_start: false`).
/// * **lowrank**: `θ_0` (one network), and per weight matrix `[fan_in, fan_out]` (a
///   convolution's `[kh·kw·C_in, C_out]`) factors `A_i` (`U(±1/√fan_in)`) and `B_i` (zero, so
///   every preference starts at `θ_0`), `W(λ) = W_0 + Σ_i λ_i A_i B_i`; biases are `θ_0`'s.
#[derive(Debug)]
pub struct NeuralGenerator {
    config: NeuralModelConfig,
    target: Vec<TargetParameter>,
    params: ParamStore,
    parts: Parts,
}

impl NeuralGenerator {
    /// Builds and initialises a generator for the parameters of `network` (its shapes only;
    /// its values are not read).
    ///
    /// # Errors
    /// A zero size, fewer than two objectives, a network without parameters.
    pub fn new(config: NeuralModelConfig, network: &dyn Network) -> Result<Self> {
        Self::for_target(config, target_parameters(network)?)
    }

    /// As [`NeuralGenerator::new`] from the target's parameter list.
    ///
    /// # Errors
    /// As [`NeuralGenerator::new`].
    pub fn for_target(config: NeuralModelConfig, target: Vec<TargetParameter>) -> Result<Self> {
        let m = config.n_obj;
        if m < 2 {
            return Err(invalid("n_obj", "must be at least 2", m));
        }
        let mut builder = ParamBuilder::new(config.seed, config.precision, InitScheme::Torch);
        let draw = |builder: &mut ParamBuilder, prefix: &str, t: &TargetParameter, rows| {
            let mut shape = vec![rows];
            shape.push(t.numel());
            if t.is_weight {
                builder.weight_shaped(format!("{prefix}{}", t.name), &shape, t.fan_in)
            } else {
                builder.bias(format!("{prefix}{}", t.name), &shape, t.fan_in)
            }
        };
        let parts = match &config.kind {
            NeuralModelKind::Hypernet { width, depth } => {
                if *width == 0 || *depth == 0 {
                    return Err(invalid(
                        "hypernet encoder",
                        "must have width and depth of at least 1",
                        format!("{width} x {depth}"),
                    ));
                }
                let mut encoder = Vec::with_capacity(*depth);
                let mut input = m;
                for l in 0..*depth {
                    encoder.push(builder.linear(&format!("encoder{l}"), input, *width)?);
                    input = *width;
                }
                let heads = target
                    .iter()
                    .map(|t| builder.linear(&format!("head.{}", t.name), input, t.numel()))
                    .collect::<Result<Vec<_>>>()?;
                Parts::Hypernet { encoder, heads }
            }
            NeuralModelKind::Pamal { shared_start } => Parts::Pamal {
                bases: target
                    .iter()
                    .map(|t| {
                        if *shared_start {
                            let bound = builder.bound(t.fan_in, !t.is_weight);
                            builder.uniform_tiled(format!("bases.{}", t.name), m, t.numel(), bound)
                        } else {
                            draw(&mut builder, "bases.", t, m)
                        }
                    })
                    .collect::<Result<_>>()?,
            },
            NeuralModelKind::LowRank { rank } => {
                if *rank == 0 {
                    return Err(invalid("rank", "must be at least 1", 0));
                }
                let base = target
                    .iter()
                    .map(|t| draw(&mut builder, "base.", t, 1))
                    .collect::<Result<Vec<_>>>()?;
                let mut factors = Vec::with_capacity(target.len());
                for t in &target {
                    factors.push(if t.is_weight {
                        let fan_in = t.numel() / t.fan_out();
                        let a = builder.weight_shaped(
                            format!("lowrank.{}.a", t.name),
                            &[m, fan_in, *rank],
                            fan_in,
                        )?;
                        let b = builder
                            .zeros(format!("lowrank.{}.b", t.name), &[m, *rank, t.fan_out()])?;
                        Some((a, b))
                    } else {
                        None
                    });
                }
                Parts::LowRank { base, factors }
            }
            NeuralModelKind::Conditioned => {
                let base = target
                    .iter()
                    .map(|t| draw(&mut builder, "base.", t, 1))
                    .collect::<Result<Vec<_>>>()?;
                let layers = layers_of(&target);
                let first = layers.first().ok_or_else(|| {
                    invalid(
                        "conditioned target",
                        "must have a (weight, bias) layer",
                        "none",
                    )
                })?;
                let concat = builder.weight_shaped(
                    "concat.weight".into(),
                    &[m, first.width],
                    target[first.weight].fan_in,
                )?;
                let mut film = Vec::new();
                for (index, layer) in layers.iter().enumerate().filter(|(_, l)| l.hidden) {
                    let name = &target[layer.weight].name;
                    let prefix = name.strip_suffix(".weight").unwrap_or(name);
                    let weight =
                        builder.zeros(format!("film.{prefix}.weight"), &[m, 2 * layer.width])?;
                    let bias = builder.zeros(format!("film.{prefix}.bias"), &[2 * layer.width])?;
                    film.push((index, Linear { weight, bias }));
                }
                Parts::Conditioned {
                    base,
                    film,
                    concat,
                    layers,
                }
            }
        };
        Ok(Self {
            config,
            target,
            params: builder.finish(),
            parts,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &NeuralModelConfig {
        &self.config
    }

    /// The target's parameter tensors.
    pub fn target(&self) -> &[TargetParameter] {
        &self.target
    }

    /// Parameters of one target model.
    pub fn n_target_params(&self) -> usize {
        self.target.iter().map(TargetParameter::numel).sum()
    }

    /// The trainable tensors, in a fixed order.
    pub fn vars(&self) -> &[Var] {
        &self.params.vars
    }

    /// Their names (the keys of a saved file).
    pub fn var_names(&self) -> &[String] {
        &self.params.names
    }

    /// Number of trainable scalars.
    pub fn n_params(&self) -> usize {
        self.params.vars.iter().map(|v| v.elem_count()).sum()
    }

    /// The target's parameters for preferences `prefs` (`[P, n_obj]`): one tensor `[P, ...]`
    /// per target tensor, differentiable with respect to [`NeuralGenerator::vars`].
    ///
    /// # Errors
    /// A preference width other than `n_obj`, and candle's errors.
    pub fn generate(&self, prefs: &Tensor) -> Result<Vec<Tensor>> {
        let lambda = check_prefs(prefs, self.config.n_obj, self.config.precision.dtype())?;
        let p = lambda.dim(0)?;
        let shaped = |t: Tensor, param: &TargetParameter| -> Result<Tensor> {
            let mut shape = vec![p];
            shape.extend_from_slice(&param.shape);
            Ok(t.reshape(shape)?)
        };
        let mut out = Vec::with_capacity(self.target.len());
        match &self.parts {
            Parts::Hypernet { encoder, heads } => {
                let mut h = lambda.clone();
                let last = encoder.len() - 1;
                for (l, layer) in encoder.iter().enumerate() {
                    h = layer.forward_act(&h, l < last)?;
                }
                for (head, param) in heads.iter().zip(&self.target) {
                    out.push(shaped(head.forward(&h)?, param)?);
                }
            }
            Parts::Pamal { bases } => {
                for (base, param) in bases.iter().zip(&self.target) {
                    out.push(shaped(lambda.matmul(base)?, param)?);
                }
            }
            Parts::LowRank { base, factors } => {
                for ((theta, factor), param) in base.iter().zip(factors).zip(&self.target) {
                    let theta = theta.broadcast_as((p, param.numel()))?;
                    let value = match factor {
                        Some((a, b)) => {
                            let products =
                                a.matmul(b)?.reshape((self.config.n_obj, param.numel()))?;
                            (lambda.matmul(&products)? + theta)?
                        }
                        None => theta.contiguous()?,
                    };
                    out.push(shaped(value, param)?);
                }
            }
            Parts::Conditioned {
                base,
                film,
                concat,
                layers,
            } => {
                let mut values: Vec<Tensor> = base
                    .iter()
                    .map(|t| Ok(t.broadcast_as((p, t.dim(1)?))?.contiguous()?))
                    .collect::<Result<_>>()?;
                // The concatenated preference: λ·V added to the first layer's bias.
                let first = &layers[0];
                values[first.bias] = (&values[first.bias] + lambda.matmul(concat)?)?;
                for (index, generator) in film {
                    let layer = &layers[*index];
                    let w = layer.width;
                    let modulation = generator.forward(&lambda)?;
                    let delta_gamma = modulation.narrow(1, 0, w)?;
                    let beta = modulation.narrow(1, w, w)?;
                    let fan_in = self.target[layer.weight].numel() / w;
                    let weight = if layer.groups == 1 {
                        let weight = values[layer.weight].reshape((p, fan_in, w))?;
                        let scale = delta_gamma.reshape((p, 1, w))?;
                        // W' = W ⊙ γ = W + W ⊙ (γ − 1), column by column.
                        (&weight + weight.broadcast_mul(&scale)?)?
                    } else {
                        // Each group's weight [in, out] by its own columns' γ.
                        let (g, out) = (layer.groups, w / layer.groups);
                        let weight = values[layer.weight].reshape((p, g, fan_in, out))?;
                        let scale = delta_gamma.reshape((p, g, 1, out))?;
                        (&weight + weight.broadcast_mul(&scale)?)?
                    };
                    values[layer.weight] = weight.reshape((p, fan_in * w))?;
                    let bias = &values[layer.bias];
                    values[layer.bias] = ((bias + (bias * &delta_gamma)?)? + beta)?;
                }
                for (value, param) in values.into_iter().zip(&self.target) {
                    out.push(shaped(value, param)?);
                }
            }
        }
        Ok(out)
    }

    /// The target's parameters for each row of `prefs` as a `P × n_target_params` matrix (rows
    /// in [`Network::parameters`] order, f64 copies of the generated values), computed one
    /// preference at a time so that a row does not depend on the others.
    ///
    /// # Errors
    /// As [`NeuralGenerator::generate`].
    pub fn parameters_for(
        &self,
        prefs: &tradeoff_pareto::Matrix,
    ) -> Result<tradeoff_pareto::Matrix> {
        let (rows, m) = prefs.shape();
        let n = self.n_target_params();
        let mut out = tradeoff_pareto::Matrix::zeros(rows, n);
        for r in 0..rows {
            let t = Tensor::from_slice(prefs.row(r), (1, m), &Device::Cpu)?
                .to_dtype(self.config.precision.dtype())?;
            let mut offset = 0;
            for tensor in self.generate(&t)? {
                let values = tensor
                    .detach()
                    .flatten_all()?
                    .to_dtype(DType::F64)?
                    .to_vec1::<f64>()?;
                out.row_mut(r)[offset..offset + values.len()].copy_from_slice(&values);
                offset += values.len();
            }
            if offset != n {
                return Err(Error::DimensionMismatch {
                    what: "generated parameters",
                    expected: n,
                    got: offset,
                });
            }
        }
        Ok(out)
    }
}
