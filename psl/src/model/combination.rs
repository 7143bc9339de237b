//! Model combination: PaMaL's convex combination of base models and its low-rank variant.

use candle_core::Tensor;

use super::{
    CombinationBase, ModelConfig, ModelKind, OutputLayer, ParetoSetModel, mlp_sizes, model_common,
};
use crate::error::{Result, invalid};
use crate::params::{ParamBuilder, ParamStore, check_prefs};
use crate::target::TargetTensor;

/// One combined layer of the MLP base.
#[derive(Clone, Debug)]
struct PamalLayer {
    /// `[fan_in, n_obj·fan_out]`: block `i` (columns `i·fan_out..`) is `W_i`.
    weight: Tensor,
    /// `[n_obj, fan_out]`: row `i` is `b_i`.
    bias: Tensor,
    fan_out: usize,
}

/// PaMaL, Pareto Manifold Learning (Dimitriadis, Frossard & Fleuret, "Pareto Manifold Learning:
/// Tackling Multiple Tasks via Ensembles of Single-Task Models", ICML 2023): `n_obj` base
/// parameter sets `θ_1 … θ_m`, one per objective, and the model for a preference is their convex
/// combination `θ(λ) = Σ_i λ_i θ_i`.
///
/// * [`CombinationBase::Mlp`]: every layer of the solution MLP `n_obj → width^depth → n_var` is
///   combined, `W(λ) = Σ λ_i W_i`, `b(λ) = Σ λ_i b_i`, and the combined network is evaluated at
///   `λ` (then the output map). A batch costs `n_obj` times the MLP's matrix products (all of
///   them in one product per layer). Parameters `layer{l}.weight` (`[fan_in, n_obj·fan_out]`)
///   and `layer{l}.bias` (`[n_obj, fan_out]`).
/// * [`CombinationBase::Solution`]: the target's parameters are the solution, `x(λ) = Σ λ_i θ_i`
///   (then the output map). Parameters `base.{tensor}` (`[n_obj, numel]`).
///
/// Each base set is initialised independently by the model's [`InitScheme`](crate::InitScheme)
/// (as in PaMaL). LibMOON has no model combination.
#[derive(Debug)]
pub struct PamalNet {
    config: ModelConfig,
    params: ParamStore,
    layers: Vec<PamalLayer>,
    /// Solution base: `[n_obj, numel]` per target tensor.
    bases: Vec<Tensor>,
    output: OutputLayer,
}

impl PamalNet {
    /// Builds and initialises the model; `config.family` must be [`ModelKind::Pamal`].
    pub fn new(config: ModelConfig) -> Result<Self> {
        config.validate()?;
        let ModelKind::Pamal { base } = &config.family else {
            return Err(invalid(
                "model family",
                "must be pamal for PamalNet",
                config.family.name(),
            ));
        };
        let m = config.n_obj;
        let mut builder = ParamBuilder::new(config.seed, config.precision, config.init);
        let mut layers = Vec::new();
        let mut bases = Vec::new();
        match base {
            CombinationBase::Mlp => {
                for (l, (fan_in, fan_out)) in mlp_sizes(&config).into_iter().enumerate() {
                    let weight = builder.weight(format!("layer{l}.weight"), fan_in, m * fan_out)?;
                    let bias = builder.bias(format!("layer{l}.bias"), &[m, fan_out], fan_in)?;
                    layers.push(PamalLayer {
                        weight,
                        bias,
                        fan_out,
                    });
                }
            }
            CombinationBase::Solution { target } => {
                for t in target.tensors() {
                    bases.push(init_target_tensor(
                        &mut builder,
                        "base",
                        &t,
                        &[m, t.numel()],
                    )?);
                }
            }
        }
        let output = OutputLayer::new(&config.output, config.precision.dtype())?;
        Ok(Self {
            params: builder.finish(),
            config,
            layers,
            bases,
            output,
        })
    }
}

impl ParetoSetModel for PamalNet {
    fn forward(&self, prefs: &Tensor) -> Result<Tensor> {
        let prefs = check_prefs(prefs, self.config.n_obj, self.config.precision.dtype())?;
        let (b, m) = prefs.dims2()?;
        let z = if self.layers.is_empty() {
            let parts = self
                .bases
                .iter()
                .map(|base| prefs.matmul(base))
                .collect::<candle_core::Result<Vec<_>>>()?;
            cat_or_single(parts)?
        } else {
            let weights = prefs.unsqueeze(2)?; // [B, m, 1]
            let last = self.layers.len() - 1;
            let mut h = prefs.clone();
            for (l, layer) in self.layers.iter().enumerate() {
                let all = h.matmul(&layer.weight)?.reshape((b, m, layer.fan_out))?;
                let combined = all.broadcast_mul(&weights)?.sum(1)?;
                h = (combined + prefs.matmul(&layer.bias)?)?;
                if l < last {
                    h = h.relu()?;
                }
            }
            h
        };
        self.output.apply(&z)
    }

    model_common!();
}

/// One low-rank layer of the MLP base.
#[derive(Clone, Debug)]
struct LowRankLayer {
    weight: Tensor,
    bias: Tensor,
    /// `[fan_in, n_obj·rank]`: block `i` is `A_i`.
    down: Tensor,
    /// `[n_obj·rank, fan_out]`: block `i` (rows) is `B_i`.
    up: Tensor,
}

/// One tensor of the solution base.
#[derive(Clone, Debug)]
struct LowRankTensor {
    /// `θ_0` for this tensor, `[1, numel]`.
    base: Tensor,
    /// `(A [m, rows, r], B [m, r, cols])` for matrices; `None` for biases.
    factors: Option<(Tensor, Tensor)>,
    numel: usize,
}

/// Low-rank model combination (after Chen et al., "Efficient Pareto Manifold Learning with
/// Low-Rank Structure", ICML 2024): a shared base plus one rank-`r` update per objective,
/// `W(λ) = W_0 + Σ_i λ_i A_i B_i`, for every weight matrix; biases are shared (`b_0` only).
///
/// * [`CombinationBase::Mlp`]: every layer of the solution MLP, evaluated at `λ`. A batch costs
///   the MLP plus two thin products per layer:
///   `h·W(λ) = h·W_0 + ((h·[A_1…A_m]) ⊙ (λ ⊗ 1_r))·[B_1; …; B_m]`. Parameters `layer{l}.weight`,
///   `layer{l}.bias`, `layer{l}.lora_a` (`[fan_in, n_obj·rank]`), `layer{l}.lora_b`
///   (`[n_obj·rank, fan_out]`).
/// * [`CombinationBase::Solution`]: the target's parameters are the solution; each weight
///   matrix of the target gets `θ_0 + Σ λ_i A_i B_i`. Parameters `base.{tensor}`,
///   `lora_a.{tensor}` (`[n_obj, rows, rank]`), `lora_b.{tensor}` (`[n_obj, rank, cols]`).
///
/// Initialisation: `W_0`, `b_0` and `A_i` by the model's [`InitScheme`](crate::InitScheme),
/// `B_i = 0` (as LoRA), so every preference starts at the same base model.
///
/// **Difference from LibMOON** (`model/lora_model.py`): LibMOON's LoRA-PSL adds a single pair,
/// `W(λ) = W + λ_1·A·B`, scaled by the **first** preference component only, on the first two
/// layers of its multi-task network (rank 5, initialised kaiming·1e-3); here each objective has
/// its own pair weighted by its own `λ_i`, on every layer, which is symmetric in the objectives
/// and reduces to LibMOON's form for `λ_2 = 1 − λ_1` only up to a reparametrisation.
#[derive(Debug)]
pub struct LowRankNet {
    config: ModelConfig,
    params: ParamStore,
    rank: usize,
    layers: Vec<LowRankLayer>,
    tensors: Vec<LowRankTensor>,
    output: OutputLayer,
}

impl LowRankNet {
    /// Builds and initialises the model; `config.family` must be [`ModelKind::LowRank`].
    pub fn new(config: ModelConfig) -> Result<Self> {
        config.validate()?;
        let ModelKind::LowRank { base, rank } = &config.family else {
            return Err(invalid(
                "model family",
                "must be lowrank for LowRankNet",
                config.family.name(),
            ));
        };
        let (m, r) = (config.n_obj, *rank);
        let mut builder = ParamBuilder::new(config.seed, config.precision, config.init);
        let mut layers = Vec::new();
        let mut tensors = Vec::new();
        match base {
            CombinationBase::Mlp => {
                for (l, (fan_in, fan_out)) in mlp_sizes(&config).into_iter().enumerate() {
                    let lin = builder.linear(&format!("layer{l}"), fan_in, fan_out)?;
                    let down = builder.weight(format!("layer{l}.lora_a"), fan_in, m * r)?;
                    let up = builder.zeros(format!("layer{l}.lora_b"), &[m * r, fan_out])?;
                    layers.push(LowRankLayer {
                        weight: lin.weight,
                        bias: lin.bias,
                        down,
                        up,
                    });
                }
            }
            CombinationBase::Solution { target } => {
                for t in target.tensors() {
                    let base = init_target_tensor(&mut builder, "base", &t, &[1, t.numel()])?;
                    let factors = if t.is_matrix() {
                        let (rows, cols) = (t.shape[0], t.shape[1]);
                        let a = builder.weight_shaped(
                            format!("lora_a.{}", t.name),
                            &[m, rows, r],
                            t.fan_in,
                        )?;
                        let b = builder.zeros(format!("lora_b.{}", t.name), &[m, r, cols])?;
                        Some((a, b))
                    } else {
                        None
                    };
                    tensors.push(LowRankTensor {
                        base,
                        factors,
                        numel: t.numel(),
                    });
                }
            }
        }
        let output = OutputLayer::new(&config.output, config.precision.dtype())?;
        Ok(Self {
            params: builder.finish(),
            config,
            rank: r,
            layers,
            tensors,
            output,
        })
    }
}

impl ParetoSetModel for LowRankNet {
    fn forward(&self, prefs: &Tensor) -> Result<Tensor> {
        let prefs = check_prefs(prefs, self.config.n_obj, self.config.precision.dtype())?;
        let (b, m) = prefs.dims2()?;
        let z = if self.layers.is_empty() {
            let parts = self
                .tensors
                .iter()
                .map(|t| -> Result<Tensor> {
                    let base = t.base.broadcast_as((b, t.numel))?;
                    Ok(match &t.factors {
                        Some((a, up)) => {
                            let delta = a.matmul(up)?.reshape((m, t.numel))?;
                            prefs.matmul(&delta)?.broadcast_add(&t.base)?
                        }
                        None => base,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            cat_or_single(parts)?
        } else {
            let weights = prefs.unsqueeze(2)?; // [B, m, 1]
            let last = self.layers.len() - 1;
            let mut h = prefs.clone();
            for (l, layer) in self.layers.iter().enumerate() {
                let low = h
                    .matmul(&layer.down)?
                    .reshape((b, m, self.rank))?
                    .broadcast_mul(&weights)?
                    .reshape((b, m * self.rank))?
                    .matmul(&layer.up)?;
                let z = (h.matmul(&layer.weight)? + low)?;
                h = crate::ops::bias_act(&z, &layer.bias, l < last)?;
            }
            h
        };
        self.output.apply(&z)
    }

    model_common!();
}

/// A parameter for target tensor `t` of the given shape, drawn as a weight or a bias of the
/// target's layer.
fn init_target_tensor(
    builder: &mut ParamBuilder,
    prefix: &str,
    t: &TargetTensor,
    shape: &[usize],
) -> Result<Tensor> {
    let name = format!("{prefix}.{}", t.name);
    if t.is_matrix() {
        builder.weight_shaped(name, shape, t.fan_in)
    } else {
        builder.bias(name, shape, t.fan_in)
    }
}

fn cat_or_single(mut parts: Vec<Tensor>) -> Result<Tensor> {
    Ok(if parts.len() == 1 {
        parts.pop().expect("one part")
    } else {
        Tensor::cat(&parts, 1)?
    })
}
