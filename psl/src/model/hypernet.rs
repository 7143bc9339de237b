//! Pareto hypernetwork: preference → parameters of a target network.

use candle_core::Tensor;

use super::{ModelConfig, ModelKind, OutputLayer, ParetoSetModel, model_common};
use crate::error::{Result, invalid};
use crate::params::{Linear, ParamBuilder, ParamStore, check_prefs};
use crate::target::TargetNet;

/// A Pareto hypernetwork (Navon et al., "Learning the Pareto Front with Hypernetworks",
/// ICLR 2021): a preference encoder `n_obj → width^depth` (ReLU after each layer) followed by
/// one linear head per parameter tensor of the target network; the heads' outputs are
/// concatenated into the target's flat parameter vector (layout of [`TargetNet::tensors`]),
/// which is the solution, after the output map.
///
/// Defaults: `width = 100`, `depth = 3` (Navon et al.'s ray encoder). LibMOON's version is
/// hard-wired to two objectives and a LeNet target; here any `n_obj` and any [`TargetNet`] work
/// (the first use is the linear regression problem, whose target is the linear model
/// [`TargetNet::linear`]`(p, 1, false)`).
///
/// Parameters: `encoder{l}.weight|bias`, then `head.{tensor}.weight|bias` for every target
/// tensor, all initialised by the model's [`InitScheme`](crate::InitScheme).
#[derive(Debug)]
pub struct HyperNet {
    config: ModelConfig,
    params: ParamStore,
    encoder: Vec<Linear>,
    heads: Vec<Linear>,
    target: TargetNet,
    output: OutputLayer,
}

impl HyperNet {
    /// Builds and initialises the hypernetwork; `config.family` must be
    /// [`ModelKind::Hypernet`].
    pub fn new(config: ModelConfig) -> Result<Self> {
        config.validate()?;
        let ModelKind::Hypernet { target } = &config.family else {
            return Err(invalid(
                "model family",
                "must be hypernet for HyperNet",
                config.family.name(),
            ));
        };
        let target = target.clone();
        let mut builder = ParamBuilder::new(config.seed, config.precision, config.init);
        let mut encoder = Vec::with_capacity(config.depth);
        let mut input = config.n_obj;
        for l in 0..config.depth {
            encoder.push(builder.linear(&format!("encoder{l}"), input, config.width)?);
            input = config.width;
        }
        let heads = target
            .tensors()
            .iter()
            .map(|t| builder.linear(&format!("head.{}", t.name), input, t.numel()))
            .collect::<Result<Vec<_>>>()?;
        let output = OutputLayer::new(&config.output, config.precision.dtype())?;
        Ok(Self {
            params: builder.finish(),
            config,
            encoder,
            heads,
            target,
            output,
        })
    }

    /// The target network.
    pub fn target(&self) -> &TargetNet {
        &self.target
    }
}

impl ParetoSetModel for HyperNet {
    fn forward(&self, prefs: &Tensor) -> Result<Tensor> {
        let mut h = check_prefs(prefs, self.config.n_obj, self.config.precision.dtype())?;
        for layer in &self.encoder {
            h = layer.forward_act(&h, true)?;
        }
        let theta = if self.heads.len() == 1 {
            self.heads[0].forward(&h)?
        } else {
            let parts = self
                .heads
                .iter()
                .map(|head| head.forward(&h))
                .collect::<Result<Vec<_>>>()?;
            Tensor::cat(&parts, 1)?
        };
        self.output.apply(&theta)
    }

    model_common!();
}
