//! Pareto-set models: the [`ParetoSetModel`] trait, their configuration and the five families.

mod combination;
mod conditioned;
mod hypernet;
mod mlp;

use candle_core::{DType, Device, Tensor, Var};
use serde::{Deserialize, Serialize};
use tradeoff_problems::ProblemInfo;

use crate::error::{Error, Result, invalid};
use crate::params::{InitScheme, Precision};
use crate::target::TargetNet;

pub use combination::{LowRankNet, PamalNet};
pub use conditioned::ConditionedNet;
pub use hypernet::HyperNet;
pub use mlp::PrefMlp;

/// A model of a Pareto set: it maps a batch of preferences `λ` (rows on the simplex) to the
/// solutions it predicts for them.
///
/// Shapes: `prefs` is `[B, n_obj]`, the result `[B, n_var]`, both in the model's precision
/// (preferences of another float dtype are converted). The forward pass is differentiable with
/// respect to [`ParetoSetModel::vars`].
pub trait ParetoSetModel: Send + Sync + std::fmt::Debug {
    /// Solutions `[B, n_var]` for preferences `[B, n_obj]`.
    fn forward(&self, prefs: &Tensor) -> Result<Tensor>;

    /// The trainable tensors, in a fixed order.
    fn vars(&self) -> &[Var];

    /// The names of [`ParetoSetModel::vars`] (the keys in a saved file), in the same order.
    fn var_names(&self) -> &[String];

    /// The configuration the model was built from.
    fn config(&self) -> &ModelConfig;

    /// Number of trainable scalars.
    fn n_params(&self) -> usize {
        self.vars().iter().map(|v| v.elem_count()).sum()
    }

    /// A forward pass with a hand-written backward pass, for models that have one (the
    /// trainer then skips candle's autograd, whose per-node bookkeeping costs about a quarter
    /// of a step for LibMOON's MLP). `None` (the default) means: use autograd on
    /// [`ParetoSetModel::forward`]. Both give the same gradients up to rounding.
    fn forward_traced(&self, prefs: &Tensor) -> Result<Option<Traced<'_>>> {
        let _ = prefs;
        Ok(None)
    }
}

/// A backward pass: cotangent of the output → one gradient per variable.
pub type Backward<'a> = Box<dyn FnOnce(&Tensor) -> Result<Vec<Tensor>> + 'a>;

/// The output of [`ParetoSetModel::forward_traced`] and its backward pass.
pub struct Traced<'a> {
    /// The solutions `[B, n_var]`, as [`ParetoSetModel::forward`] gives them.
    pub output: Tensor,
    /// Maps a cotangent `G` (`[B, n_var]`, the model's dtype) to the gradients of
    /// `Σ output ⊙ G`, one per variable in [`ParetoSetModel::vars`] order.
    pub backward: Backward<'a>,
}

impl std::fmt::Debug for Traced<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Traced")
            .field("output", &self.output)
            .finish_non_exhaustive()
    }
}

/// How the network's last layer is mapped to the decision space.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum OutputMap {
    /// The raw output (unbounded problems).
    Linear,
    /// `lower + (upper − lower) · sigmoid(z)` per variable (LibMOON's bounded-problem head).
    Box {
        /// Lower bounds, length `n_var`.
        lower: Vec<f64>,
        /// Upper bounds, length `n_var`.
        upper: Vec<f64>,
    },
}

impl OutputMap {
    /// The box of `info` when it has one, else [`OutputMap::Linear`].
    pub fn for_problem(info: &ProblemInfo) -> Self {
        match (&info.lower, &info.upper) {
            (Some(lower), Some(upper)) => Self::Box {
                lower: lower.clone(),
                upper: upper.clone(),
            },
            _ => Self::Linear,
        }
    }
}

/// How a [`ConditionedNet`] receives the preference.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conditioning {
    /// The preference is an extra input of every layer: `h ← relu([h, λ] · W + b)`.
    #[default]
    Concat,
    /// FiLM (Perez et al., AAAI 2018): every hidden layer's pre-activation is modulated
    /// feature-wise, `h ← relu(γ(λ) ⊙ (h · W + b) + β(λ))`, with `(γ − 1, β)` linear in `λ`.
    Film,
}

impl Conditioning {
    /// The name (`concat`, `film`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Concat => "concat",
            Self::Film => "film",
        }
    }
}

/// What the parameters of a model combination describe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum CombinationBase {
    /// The preference-to-solution MLP (`n_obj → width^depth → n_var`, ReLU, the output map):
    /// every layer's weights and biases are combined, and the combined network is evaluated
    /// at the preference.
    Mlp,
    /// The parameters of `target` are the solution itself (`target.n_params() = n_var`), as
    /// for the regression problem's linear model; the output map is applied to them.
    Solution {
        /// The target network.
        target: TargetNet,
    },
}

/// The model family and its family-specific settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum ModelKind {
    /// [`PrefMlp`]: LibMOON's preference-to-solution MLP.
    Mlp,
    /// [`HyperNet`]: a hypernetwork emitting the parameters of `target`, which are the
    /// solution (`target.n_params() = n_var`).
    Hypernet {
        /// The target network whose parameters are produced.
        target: TargetNet,
    },
    /// [`ConditionedNet`]: one shared network that takes the preference as an input.
    Conditioned {
        /// How the preference enters.
        conditioning: Conditioning,
    },
    /// [`PamalNet`]: `θ(λ) = Σ_i λ_i θ_i` over `n_obj` base parameter sets.
    Pamal {
        /// What the parameters describe.
        base: CombinationBase,
    },
    /// [`LowRankNet`]: `W(λ) = W_0 + Σ_i λ_i A_i B_i` with rank-`rank` factors.
    LowRank {
        /// What the parameters describe.
        base: CombinationBase,
        /// Rank of every `A_i B_i`.
        rank: usize,
    },
}

impl ModelKind {
    /// The CLI names, in order.
    pub const NAMES: [&'static str; 5] = ["mlp", "hypernet", "conditioned", "pamal", "lowrank"];

    /// The family called `name` (case-insensitive; `low-rank` is accepted too) with its default
    /// settings for a problem with `n_var` variables: a hypernetwork whose target is the
    /// solution vector ([`TargetNet::vector`]), concatenation conditioning, combinations of
    /// the MLP, rank 5 (LibMOON's LoRA rank).
    pub fn from_name(name: &str, n_var: usize) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "mlp" => Self::Mlp,
            "hypernet" | "hypernetwork" => Self::Hypernet {
                target: TargetNet::vector(n_var),
            },
            "conditioned" => Self::Conditioned {
                conditioning: Conditioning::Concat,
            },
            "pamal" => Self::Pamal {
                base: CombinationBase::Mlp,
            },
            "lowrank" | "low-rank" | "lora" => Self::LowRank {
                base: CombinationBase::Mlp,
                rank: 5,
            },
            _ => return None,
        })
    }

    /// [`ModelKind::from_name`] for a problem: the hypernetwork's target is
    /// [`TargetNet::for_problem`] (the linear model for the regression problem).
    pub fn for_problem(name: &str, info: &ProblemInfo) -> Option<Self> {
        Some(match Self::from_name(name, info.n_var)? {
            Self::Hypernet { .. } => Self::Hypernet {
                target: TargetNet::for_problem(info),
            },
            kind => kind,
        })
    }

    /// The CLI name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Mlp => "mlp",
            Self::Hypernet { .. } => "hypernet",
            Self::Conditioned { .. } => "conditioned",
            Self::Pamal { .. } => "pamal",
            Self::LowRank { .. } => "lowrank",
        }
    }

    /// Default `(width, depth)`: 256 × 4 (LibMOON's MLP) for every family except the
    /// hypernetwork, whose preference encoder is Navon et al.'s 100 × 3.
    pub fn default_size(&self) -> (usize, usize) {
        match self {
            Self::Hypernet { .. } => (100, 3),
            _ => (256, 4),
        }
    }
}

/// Everything needed to rebuild a model: family, sizes, output map, precision and the seeded
/// initialisation. Serialised into a saved model's JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// The family and its settings.
    pub family: ModelKind,
    /// Preference length (number of objectives).
    pub n_obj: usize,
    /// Solution length (number of decision variables).
    pub n_var: usize,
    /// Hidden width.
    pub width: usize,
    /// Number of hidden layers (of the preference encoder, for the hypernetwork).
    pub depth: usize,
    /// The map onto the decision space.
    pub output: OutputMap,
    /// Parameter precision.
    pub precision: Precision,
    /// Initialisation scheme.
    pub init: InitScheme,
    /// Seed of the initialisation.
    pub seed: u64,
}

impl ModelConfig {
    /// A model of `family` for a problem with this metadata: the family's default size, the
    /// problem's box as output map (sigmoid) when it has one, f32, PyTorch's initialisation,
    /// seed 0.
    pub fn for_problem(family: ModelKind, info: &ProblemInfo) -> Self {
        let (width, depth) = family.default_size();
        Self {
            family,
            n_obj: info.n_obj,
            n_var: info.n_var,
            width,
            depth,
            output: OutputMap::for_problem(info),
            precision: Precision::F32,
            init: InitScheme::Torch,
            seed: 0,
        }
    }

    /// Sets the hidden width.
    #[must_use]
    pub fn with_width(mut self, width: usize) -> Self {
        self.width = width;
        self
    }

    /// Sets the number of hidden layers.
    #[must_use]
    pub fn with_depth(mut self, depth: usize) -> Self {
        self.depth = depth;
        self
    }

    /// Sets the precision.
    #[must_use]
    pub fn with_precision(mut self, precision: Precision) -> Self {
        self.precision = precision;
        self
    }

    /// Sets the initialisation scheme.
    #[must_use]
    pub fn with_init(mut self, init: InitScheme) -> Self {
        self.init = init;
        self
    }

    /// Sets the initialisation seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the output map.
    #[must_use]
    pub fn with_output(mut self, output: OutputMap) -> Self {
        self.output = output;
        self
    }

    /// An estimate of the model's parameter count from its sizes alone (within a small factor,
    /// never below it), computed in `f64` so that absurd sizes cannot overflow. [`validate`]
    /// refuses a model above [`MAX_MODEL_PARAMETERS`] with it, before anything is allocated.
    ///
    /// [`validate`]: ModelConfig::validate
    pub fn parameter_estimate(&self) -> f64 {
        let (p, n, w, d) = (
            self.n_obj as f64,
            self.n_var as f64,
            self.width as f64,
            self.depth.max(1) as f64,
        );
        // n_obj → width^depth → n_var with biases.
        let mlp = (p + 1.0) * w + (d - 1.0) * (w + 1.0) * w + (w + 1.0) * n;
        match &self.family {
            ModelKind::Mlp | ModelKind::Hypernet { .. } => mlp,
            // Concatenation adds n_obj inputs to every layer; FiLM adds 2·n_obj·width per layer.
            ModelKind::Conditioned { .. } => mlp + 2.0 * p * w * (d + 1.0) + p * n,
            ModelKind::Pamal { base } => match base {
                CombinationBase::Mlp => p * mlp,
                CombinationBase::Solution { .. } => p * n,
            },
            ModelKind::LowRank { base, rank } => {
                let r = *rank as f64;
                match base {
                    CombinationBase::Mlp => mlp + p * r * (2.0 * w * (d + 1.0) + p + n),
                    CombinationBase::Solution { .. } => n + p * r * 2.0 * n,
                }
            }
        }
    }

    /// Checks sizes, bounds and the family's settings.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a zero size, a bad box or rank, or a model whose
    /// [`parameter_estimate`](ModelConfig::parameter_estimate) exceeds
    /// [`MAX_MODEL_PARAMETERS`] (checked before any allocation, so a corrupted `model.json`
    /// or a mistyped `--width` is refused at once).
    pub fn validate(&self) -> Result<()> {
        if self.n_obj == 0 {
            return Err(invalid("n_obj", "must be at least 1", 0));
        }
        if self.n_var == 0 {
            return Err(invalid("n_var", "must be at least 1", 0));
        }
        if self.width == 0 {
            return Err(invalid("width", "must be at least 1", 0));
        }
        let estimate = self.parameter_estimate();
        if estimate.is_nan() || estimate > MAX_MODEL_PARAMETERS as f64 {
            let bytes = estimate * self.precision.dtype().size_in_bytes() as f64 * 4.0;
            return Err(invalid(
                "model size",
                "must stay within 268,435,456 parameters (MAX_MODEL_PARAMETERS)",
                format!(
                    "about {estimate:.3e} parameters for width {}, depth {}, n_obj {}, n_var {} \
                     (about {:.1} GiB with the optimiser's state)",
                    self.width,
                    self.depth,
                    self.n_obj,
                    self.n_var,
                    bytes / (1u64 << 30) as f64
                ),
            ));
        }
        if let OutputMap::Box { lower, upper } = &self.output {
            for (what, v) in [("lower bounds", lower), ("upper bounds", upper)] {
                if v.len() != self.n_var {
                    return Err(Error::DimensionMismatch {
                        what,
                        expected: self.n_var,
                        got: v.len(),
                    });
                }
            }
            if lower
                .iter()
                .zip(upper)
                .any(|(l, u)| !(l.is_finite() && u.is_finite() && l <= u))
            {
                return Err(invalid(
                    "output box",
                    "must have finite lower ≤ upper",
                    format!("{lower:?} / {upper:?}"),
                ));
            }
        }
        let check_target = |target: &TargetNet| -> Result<()> {
            target.validate()?;
            if target.n_params() != self.n_var {
                return Err(Error::DimensionMismatch {
                    what: "target parameters (must equal n_var)",
                    expected: self.n_var,
                    got: target.n_params(),
                });
            }
            Ok(())
        };
        match &self.family {
            ModelKind::Mlp | ModelKind::Conditioned { .. } => {}
            ModelKind::Hypernet { target } => check_target(target)?,
            ModelKind::Pamal { base } | ModelKind::LowRank { base, .. } => {
                if let CombinationBase::Solution { target } = base {
                    check_target(target)?;
                }
            }
        }
        if let ModelKind::LowRank { rank, .. } = self.family {
            if rank == 0 {
                return Err(invalid("rank", "must be at least 1", 0));
            }
        }
        Ok(())
    }
}

/// The largest model [`ModelConfig::validate`] accepts, in parameters (2^28: 1 GiB in f32,
/// about 4 GiB once training holds gradients and Adam's two moments).
pub const MAX_MODEL_PARAMETERS: usize = 1 << 28;

/// Builds a freshly initialised model from its configuration.
///
/// ```
/// use tradeoff_problems::{build_problem, ProblemSpec};
/// use tradeoff_psl::{build_model, ModelConfig, ModelKind};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let problem = build_problem(&ProblemSpec::new("vlmop2"))?;
/// let config = ModelConfig::for_problem(ModelKind::Mlp, problem.info()).with_width(16);
/// let model = build_model(&config)?;
/// let prefs = candle_core::Tensor::new(&[[0.3f32, 0.7], [0.5, 0.5]], &candle_core::Device::Cpu)?;
/// assert_eq!(model.forward(&prefs)?.dims(), &[2, 10]);
/// # Ok(()) }
/// ```
pub fn build_model(config: &ModelConfig) -> Result<Box<dyn ParetoSetModel>> {
    config.validate()?;
    Ok(match &config.family {
        ModelKind::Mlp => Box::new(PrefMlp::new(config.clone())?),
        ModelKind::Hypernet { .. } => Box::new(HyperNet::new(config.clone())?),
        ModelKind::Conditioned { .. } => Box::new(ConditionedNet::new(config.clone())?),
        ModelKind::Pamal { .. } => Box::new(PamalNet::new(config.clone())?),
        ModelKind::LowRank { .. } => Box::new(LowRankNet::new(config.clone())?),
    })
}

/// The output map prepared as tensors.
#[derive(Clone, Debug)]
pub(crate) enum OutputLayer {
    Linear,
    /// Same box on every variable: `center + half · tanh(z/2)`.
    Uniform {
        center: f64,
        half: f64,
    },
    /// Per-variable box, `[1, n_var]` tensors.
    PerVariable {
        center: Tensor,
        half: Tensor,
    },
}

impl OutputLayer {
    pub(crate) fn new(map: &OutputMap, dtype: DType) -> Result<Self> {
        Ok(match map {
            OutputMap::Linear => Self::Linear,
            OutputMap::Box { lower, upper } => {
                let center: Vec<f64> = lower
                    .iter()
                    .zip(upper)
                    .map(|(l, u)| 0.5 * (l + u))
                    .collect();
                let half: Vec<f64> = lower
                    .iter()
                    .zip(upper)
                    .map(|(l, u)| 0.5 * (u - l))
                    .collect();
                if center.iter().all(|&c| c == center[0]) && half.iter().all(|&h| h == half[0]) {
                    Self::Uniform {
                        center: center[0],
                        half: half[0],
                    }
                } else {
                    let n = center.len();
                    Self::PerVariable {
                        center: Tensor::from_vec(center, (1, n), &Device::Cpu)?.to_dtype(dtype)?,
                        half: Tensor::from_vec(half, (1, n), &Device::Cpu)?.to_dtype(dtype)?,
                    }
                }
            }
        })
    }

    /// [`OutputLayer::apply`] without recording a graph, plus what its backward pass needs
    /// (`tanh(z/2)`, or nothing for the linear map).
    pub(crate) fn apply_traced(&self, z: &Tensor) -> Result<(Tensor, Option<Tensor>)> {
        Ok(match self {
            Self::Linear => (z.clone(), None),
            Self::Uniform { center, half } => {
                let t = z.affine(0.5, 0.0)?.tanh()?;
                (t.affine(*half, *center)?, Some(t))
            }
            Self::PerVariable { center, half } => {
                let t = z.affine(0.5, 0.0)?.tanh()?;
                (t.broadcast_mul(half)?.broadcast_add(center)?, Some(t))
            }
        })
    }

    /// The cotangent of `z` from that of the output: `g ⊙ half·(1 − t²)/2` with `t = tanh(z/2)`.
    pub(crate) fn backward(&self, t: Option<&Tensor>, g: &Tensor) -> Result<Tensor> {
        Ok(match (self, t) {
            (Self::Uniform { half, .. }, Some(t)) => {
                (g * t.sqr()?.affine(-0.5 * half, 0.5 * half)?)?
            }
            (Self::PerVariable { half, .. }, Some(t)) => {
                (g * t.sqr()?.affine(-0.5, 0.5)?.broadcast_mul(half)?)?
            }
            _ => g.clone(),
        })
    }

    /// `lower + (upper − lower)·σ(z)`, written as `center + half·tanh(z/2)` (the same function;
    /// candle-core has a differentiable `tanh` but no `sigmoid`).
    pub(crate) fn apply(&self, z: &Tensor) -> Result<Tensor> {
        Ok(match self {
            Self::Linear => z.clone(),
            Self::Uniform { center, half } => z.affine(0.5, 0.0)?.tanh()?.affine(*half, *center)?,
            Self::PerVariable { center, half } => z
                .affine(0.5, 0.0)?
                .tanh()?
                .broadcast_mul(half)?
                .broadcast_add(center)?,
        })
    }
}

/// Implements the bookkeeping methods of [`ParetoSetModel`] for a struct with `config`,
/// `params` fields.
macro_rules! model_common {
    () => {
        fn vars(&self) -> &[candle_core::Var] {
            &self.params.vars
        }

        fn var_names(&self) -> &[String] {
            &self.params.names
        }

        fn config(&self) -> &$crate::model::ModelConfig {
            &self.config
        }
    };
}
pub(crate) use model_common;

/// Layer sizes `n_obj → width^depth → n_var` of the preference-to-solution MLP.
pub(crate) fn mlp_sizes(config: &ModelConfig) -> Vec<(usize, usize)> {
    let mut sizes = Vec::with_capacity(config.depth + 1);
    let mut input = config.n_obj;
    for _ in 0..config.depth {
        sizes.push((input, config.width));
        input = config.width;
    }
    sizes.push((input, config.n_var));
    sizes
}

#[cfg(test)]
mod size_tests {
    use tradeoff_problems::{ProblemSpec, build_problem};

    use super::*;

    /// The estimate never undercounts (checked against the built models) and stays within a
    /// small factor, so the limit refuses only what is truly too large.
    #[test]
    fn parameter_estimate_bounds_the_real_count() {
        let problem = build_problem(&ProblemSpec::new("zdt1")).unwrap();
        for name in ModelKind::NAMES {
            for (width, depth) in [(8, 1), (16, 2), (32, 3)] {
                let kind = ModelKind::for_problem(name, problem.info()).unwrap();
                let config = ModelConfig::for_problem(kind, problem.info())
                    .with_width(width)
                    .with_depth(depth);
                let model = build_model(&config).unwrap();
                let real = model.n_params() as f64;
                let estimate = config.parameter_estimate();
                assert!(
                    estimate >= real,
                    "{name} {width}x{depth}: {estimate} < {real}"
                );
                assert!(
                    estimate <= 3.0 * real,
                    "{name} {width}x{depth}: {estimate} vs {real}"
                );
            }
        }
    }

    #[test]
    fn absurd_sizes_are_refused_before_allocation() {
        let problem = build_problem(&ProblemSpec::new("vlmop2")).unwrap();
        let wide = ModelConfig::for_problem(ModelKind::Mlp, problem.info()).with_width(1_000_000);
        let deep =
            ModelConfig::for_problem(ModelKind::Mlp, problem.info()).with_depth(1_000_000_000);
        for config in [wide, deep] {
            let message = build_model(&config).err().unwrap().to_string();
            assert!(message.contains("MAX_MODEL_PARAMETERS"), "{message}");
            assert!(message.contains("GiB"), "{message}");
        }
    }
}
