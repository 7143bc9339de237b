//! LibMOON's preference-to-solution MLP.

use candle_core::Tensor;

use super::{ModelConfig, OutputLayer, ParetoSetModel, mlp_sizes, model_common};
use crate::error::Result;
use crate::params::{Linear, ParamBuilder, ParamStore, check_prefs};

/// The preference-to-solution MLP of LibMOON (`model/simple.py::SimplePSLModel`):
/// `n_obj → width → … → width → n_var` with `depth` hidden layers and ReLU after each, then the
/// output map (a sigmoid onto the box for bounded problems, linear otherwise).
///
/// LibMOON's sizes are `width = 256`, `depth = 4` (about 200k parameters for `n_var = 10`).
///
/// Parameters: `layer{l}.weight` (`[fan_in, fan_out]`, input-major so a layer is `x · W + b`) and
/// `layer{l}.bias`, initialised by [`InitScheme`](crate::InitScheme) from the model's seed
/// (the default is PyTorch's `U(±1/√fan_in)`).
///
/// Cost per batch of B preferences: `2B·(n_obj·w + (depth−1)·w² + w·n_var)` flops forward.
#[derive(Debug)]
pub struct PrefMlp {
    config: ModelConfig,
    params: ParamStore,
    layers: Vec<Linear>,
    output: OutputLayer,
}

impl PrefMlp {
    /// Builds and initialises the network (`config.family` is not inspected).
    pub fn new(config: ModelConfig) -> Result<Self> {
        config.validate()?;
        let mut builder = ParamBuilder::new(config.seed, config.precision, config.init);
        let layers = mlp_sizes(&config)
            .into_iter()
            .enumerate()
            .map(|(l, (fan_in, fan_out))| builder.linear(&format!("layer{l}"), fan_in, fan_out))
            .collect::<Result<Vec<_>>>()?;
        let output = OutputLayer::new(&config.output, config.precision.dtype())?;
        Ok(Self {
            params: builder.finish(),
            config,
            layers,
            output,
        })
    }
}

impl ParetoSetModel for PrefMlp {
    fn forward(&self, prefs: &Tensor) -> Result<Tensor> {
        let mut h = check_prefs(prefs, self.config.n_obj, self.config.precision.dtype())?;
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h)?;
            if l < last {
                h = h.relu()?;
            }
        }
        self.output.apply(&h)
    }

    model_common!();
}
