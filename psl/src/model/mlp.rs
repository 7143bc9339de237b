//! LibMOON's preference-to-solution MLP.

use candle_core::Tensor;

use super::{ModelConfig, OutputLayer, ParetoSetModel, Traced, mlp_sizes, model_common};
use crate::error::Result;
use crate::ops;
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
            h = layer.forward_act(&h, l < last)?;
        }
        self.output.apply(&h)
    }

    /// The same function on detached weights (no graph), keeping every layer's input and
    /// output; the backward pass is `g ← g ⊙ [a_l > 0]`, `∂W_l = h_lᵀg`, `∂b_l = Σ_rows g`,
    /// `g ← g·W_lᵀ`, layer by layer from the top.
    fn forward_traced(&self, prefs: &Tensor) -> Result<Option<Traced<'_>>> {
        let prefs = check_prefs(prefs, self.config.n_obj, self.config.precision.dtype())?;
        let weights: Vec<(Tensor, Tensor)> = self
            .layers
            .iter()
            .map(|l| (l.weight.detach(), l.bias.detach()))
            .collect();
        let last = weights.len() - 1;
        let mut inputs = Vec::with_capacity(weights.len());
        let mut outputs = Vec::with_capacity(weights.len());
        let mut h = prefs.detach();
        for (l, (w, b)) in weights.iter().enumerate() {
            let a = ops::bias_act_no_grad(&h.matmul(w)?, b, l < last)?;
            inputs.push(h);
            h = a.clone();
            outputs.push(a);
        }
        let (output, t) = self.output.apply_traced(&h)?;
        let backward = move |cotangent: &Tensor| -> Result<Vec<Tensor>> {
            let mut g = self.output.backward(t.as_ref(), cotangent)?;
            let mut grads = vec![None; 2 * weights.len()];
            for l in (0..weights.len()).rev() {
                if l < last {
                    g = ops::relu_mask(&g, &outputs[l])?;
                }
                grads[2 * l] = Some(inputs[l].t()?.matmul(&g)?);
                grads[2 * l + 1] = Some(ops::column_sum(&g)?);
                if l > 0 {
                    g = g.matmul(&weights[l].0.t()?)?;
                }
            }
            Ok(grads
                .into_iter()
                .map(|g| g.expect("every layer is visited"))
                .collect())
        };
        Ok(Some(Traced {
            output,
            backward: Box::new(backward),
        }))
    }

    model_common!();
}
