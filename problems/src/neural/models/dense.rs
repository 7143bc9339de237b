//! A stack of dense layers of `K` stacked models (optionally `G` groups per model, as MMoE's experts).

use candle_core::{Result, Tensor};

use super::init_draws::ParameterSpec;
use crate::neural::NamedParameter;
use crate::neural::layers;

/// Dense layers `input → widths[0] → … → widths[last]`, each weight `[K, (G,) in, out]` and bias
/// `[K, (G,) out]`; ReLU between layers, and after the last one when asked.
#[derive(Clone, Debug)]
pub(crate) struct DenseStack {
    /// `(weight, bias)` per layer.
    layers: Vec<(Tensor, Tensor)>,
}

impl DenseStack {
    /// The parameter specs of the stack, named `{prefix}.{i}.weight` / `.bias`, with `groups`
    /// independent copies per model when `groups` is `Some(G)` (shapes `[G, in, out]`, `[G, out]`).
    pub fn specs(
        prefix: &str,
        input: usize,
        widths: &[usize],
        groups: Option<usize>,
    ) -> Vec<ParameterSpec> {
        let mut specs = Vec::with_capacity(2 * widths.len());
        let mut fan_in = input;
        for (i, &width) in widths.iter().enumerate() {
            let [mut weight, mut bias] =
                ParameterSpec::layer(&format!("{prefix}.{i}"), vec![fan_in, width], width, fan_in);
            if let Some(g) = groups {
                weight.shape.insert(0, g);
                bias.shape.insert(0, g);
            }
            specs.push(weight);
            specs.push(bias);
            fan_in = width;
        }
        specs
    }

    /// The stack over `parameters`, which holds `(weight, bias)` pairs in layer order.
    pub fn new(parameters: &[NamedParameter]) -> Self {
        let layers = parameters
            .chunks_exact(2)
            .map(|pair| {
                (
                    pair[0].var.as_tensor().clone(),
                    pair[1].var.as_tensor().clone(),
                )
            })
            .collect();
        Self { layers }
    }

    /// The stack over plain tensors, `(weight, bias)` pairs in layer order (a functional
    /// forward with parameters computed elsewhere).
    pub fn of_tensors(tensors: &[Tensor]) -> Self {
        let layers = tensors
            .chunks_exact(2)
            .map(|pair| (pair[0].clone(), pair[1].clone()))
            .collect();
        Self { layers }
    }

    /// Applies the stack. With `shared_input` the input is a data batch `[B, in]` read by every
    /// model (and group), otherwise a per-model activation `[K(·G), B, in]`. Grouped weights
    /// `[K, G, in, out]` act as `K·G` stacked models. Output `[K(·G), B, out]`.
    pub fn forward(&self, input: &Tensor, shared_input: bool, relu_last: bool) -> Result<Tensor> {
        let mut x = input.clone();
        let n_layers = self.layers.len();
        for (i, (weight, bias)) in self.layers.iter().enumerate() {
            let (weight, bias) = if weight.rank() == 4 {
                (weight.flatten(0, 1)?, bias.flatten(0, 1)?)
            } else {
                (weight.clone(), bias.clone())
            };
            x = if i == 0 && shared_input {
                layers::linear_shared_input(&x, &weight, &bias)?
            } else {
                layers::linear(&x, &weight, &bias)?
            };
            if i + 1 < n_layers || relu_last {
                x = layers::relu(&x)?;
            }
        }
        Ok(x)
    }
}
