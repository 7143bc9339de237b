//! Preference-conditioned network: one shared network that takes the preference as an input.

use candle_core::Tensor;

use super::{Conditioning, ModelConfig, ModelKind, OutputLayer, ParetoSetModel, model_common};
use crate::error::{Result, invalid};
use crate::params::{Linear, ParamBuilder, ParamStore, check_prefs};

/// A preference-conditioned network: the target network's weights are shared by all
/// preferences and the preference enters as an input (Ruchte & Grabocka, "Scalable Pareto
/// Front Approximation for Deep Multi-Objective Learning", ICDM 2021, COSMOS; Dosovitskiy &
/// Djolonga, "You Only Train Once", ICLR 2020, for FiLM conditioning).
///
/// The target here is the solution MLP `n_obj → width^depth → n_var` (ReLU, then the output
/// map); for multi-task problems the same layers take the data as their first input.
///
/// * [`Conditioning::Concat`]: `λ` is an extra input of every layer, `h ← relu([h, λ]·W + b)`
///   (the first layer sees `λ` alone). Parameters `layer{l}.weight` (`[fan_in + n_obj, fan_out]`
///   from the second layer on) and `layer{l}.bias`.
/// * [`Conditioning::Film`]: FiLM (Perez et al., AAAI 2018) on every hidden layer,
///   `h ← relu(γ_l(λ) ⊙ (h·W_l + b_l) + β_l(λ))` with `(γ_l − 1, β_l) = λ·G_l + g_l`. The trunk
///   input is `λ`. The FiLM generator `film.weight` (`[n_obj, 2·depth·width]`) and `film.bias`
///   start at zero, so the network starts as the plain MLP with `γ = 1`, `β = 0`.
#[derive(Debug)]
pub struct ConditionedNet {
    config: ModelConfig,
    params: ParamStore,
    conditioning: Conditioning,
    layers: Vec<Linear>,
    film: Option<Linear>,
    output: OutputLayer,
}

impl ConditionedNet {
    /// Builds and initialises the network; `config.family` must be
    /// [`ModelKind::Conditioned`].
    pub fn new(config: ModelConfig) -> Result<Self> {
        config.validate()?;
        let ModelKind::Conditioned { conditioning } = config.family else {
            return Err(invalid(
                "model family",
                "must be conditioned for ConditionedNet",
                config.family.name(),
            ));
        };
        let mut builder = ParamBuilder::new(config.seed, config.precision, config.init);
        let (m, w) = (config.n_obj, config.width);
        let mut layers = Vec::with_capacity(config.depth + 1);
        let mut input = m;
        for l in 0..=config.depth {
            let fan_out = if l == config.depth { config.n_var } else { w };
            let fan_in = match conditioning {
                Conditioning::Concat if l > 0 => input + m,
                _ => input,
            };
            layers.push(builder.linear(&format!("layer{l}"), fan_in, fan_out)?);
            input = fan_out;
        }
        let film = match conditioning {
            Conditioning::Film if config.depth > 0 => {
                let cols = 2 * config.depth * w;
                let weight = builder.zeros("film.weight".into(), &[m, cols])?;
                let bias = builder.zeros("film.bias".into(), &[cols])?;
                Some(Linear { weight, bias })
            }
            _ => None,
        };
        let output = OutputLayer::new(&config.output, config.precision.dtype())?;
        Ok(Self {
            params: builder.finish(),
            config,
            conditioning,
            layers,
            film,
            output,
        })
    }
}

impl ParetoSetModel for ConditionedNet {
    fn forward(&self, prefs: &Tensor) -> Result<Tensor> {
        let prefs = check_prefs(prefs, self.config.n_obj, self.config.precision.dtype())?;
        let last = self.layers.len() - 1;
        let w = self.config.width;
        let film = match &self.film {
            Some(generator) => Some(generator.forward(&prefs)?),
            None => None,
        };
        let mut h = prefs.clone();
        for (l, layer) in self.layers.iter().enumerate() {
            let input = match self.conditioning {
                Conditioning::Concat if l > 0 => Tensor::cat(&[&h, &prefs], 1)?,
                _ => h,
            };
            h = match &film {
                Some(film) if l < last => {
                    let z = layer.forward(&input)?;
                    let gamma = film.narrow(1, 2 * l * w, w)?;
                    let beta = film.narrow(1, (2 * l + 1) * w, w)?;
                    // γ = 1 + Δγ: z·γ + β = z + z·Δγ + β.
                    ((&z + (&z * gamma)?)? + beta)?.relu()?
                }
                _ => layer.forward_act(&input, l < last)?,
            };
        }
        self.output.apply(&h)
    }

    model_common!();
}
