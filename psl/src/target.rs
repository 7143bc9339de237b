//! Target networks: the networks whose parameters a hypernetwork or a model combination produces.

use candle_core::Tensor;
use serde::{Deserialize, Serialize};
use tradeoff_problems::ProblemInfo;

use crate::error::{Result, invalid};

/// An element-wise activation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// No activation.
    #[default]
    Identity,
    /// `max(0, x)`.
    Relu,
    /// `tanh(x)`.
    Tanh,
    /// `1 / (1 + e^(−x))`.
    Sigmoid,
}

impl Activation {
    /// Applies the activation to a tensor.
    pub fn apply(self, x: &Tensor) -> Result<Tensor> {
        Ok(match self {
            Self::Identity => x.clone(),
            Self::Relu => x.relu()?,
            Self::Tanh => x.tanh()?,
            // σ(x) = (1 + tanh(x/2)) / 2, which has a backward pass in candle-core.
            Self::Sigmoid => x.affine(0.5, 0.0)?.tanh()?.affine(0.5, 0.5)?,
        })
    }
}

/// One layer of a [`TargetNet`].
///
/// More layer types (convolutions, for the LeNet target of multi-task problems) can be added
/// without breaking saved files: the enum is tagged by `type` in JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TargetLayer {
    /// A dense layer `y = act(x · W + b)` with `W: [input, output]` and (optionally) `b: [output]`.
    Linear {
        /// Output features.
        output: usize,
        /// Whether the layer has a bias.
        bias: bool,
        /// Activation after the layer.
        activation: Activation,
    },
}

/// One parameter tensor of a target network: its name, shape and position in the flat
/// parameter vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetTensor {
    /// `layer{i}.weight` or `layer{i}.bias`.
    pub name: String,
    /// Shape: `[input, output]` for a weight, `[output]` for a bias.
    pub shape: Vec<usize>,
    /// Offset of the first entry in the flat parameter vector.
    pub offset: usize,
    /// Inputs of the layer the tensor belongs to (its fan-in).
    pub fan_in: usize,
}

impl TargetTensor {
    /// Number of entries.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether this is a weight matrix (2-D).
    pub fn is_matrix(&self) -> bool {
        self.shape.len() == 2
    }
}

/// A network described by its layers, evaluated functionally from a flat parameter vector (one
/// per preference), so that a hypernetwork or a model combination can produce its weights.
///
/// The flat layout is layer by layer, weight (`[input, output]`, row-major) before bias.
///
/// When a Pareto-set model is trained on a [`Problem`](tradeoff_problems::Problem), the flat
/// parameter vector **is** the decision vector: the problem evaluates the target's parameters
/// (for the linear regression problem, the weights of the linear model; for a synthetic problem,
/// [`TargetNet::vector`] makes the solution itself the only "layer").
///
/// ```
/// use tradeoff_psl::TargetNet;
/// let linear = TargetNet::linear(5, 1, false); // the regression problem's model: 5 weights
/// assert_eq!(linear.n_params(), 5);
/// let mlp = TargetNet::mlp(4, &[8], 2, tradeoff_psl::Activation::Relu);
/// assert_eq!(mlp.n_params(), 4 * 8 + 8 + 8 * 2 + 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetNet {
    /// Input features.
    pub input: usize,
    /// The layers, first to last.
    pub layers: Vec<TargetLayer>,
}

impl TargetNet {
    /// A plain parameter vector of length `n`: one bias-free linear layer from a constant input
    /// of size 1, whose weight `[1, n]` is the vector.
    pub fn vector(n: usize) -> Self {
        Self::linear(1, n, false)
    }

    /// The target network a problem's decision vector describes: the linear model `n_var → 1`
    /// (no bias) for the linear regression problem (`Regression`, whose decision variables are
    /// the weights of the shared linear feature), and [`TargetNet::vector`]`(n_var)` for every
    /// other problem.
    pub fn for_problem(info: &ProblemInfo) -> Self {
        if info.name == "Regression" {
            Self::linear(info.n_var, 1, false)
        } else {
            Self::vector(info.n_var)
        }
    }

    /// A single dense layer `input → output`.
    pub fn linear(input: usize, output: usize, bias: bool) -> Self {
        Self {
            input,
            layers: vec![TargetLayer::Linear {
                output,
                bias,
                activation: Activation::Identity,
            }],
        }
    }

    /// A multilayer perceptron `input → hidden… → output` with `activation` after every hidden
    /// layer and none after the last; every layer has a bias.
    pub fn mlp(input: usize, hidden: &[usize], output: usize, activation: Activation) -> Self {
        let mut layers: Vec<TargetLayer> = hidden
            .iter()
            .map(|&h| TargetLayer::Linear {
                output: h,
                bias: true,
                activation,
            })
            .collect();
        layers.push(TargetLayer::Linear {
            output,
            bias: true,
            activation: Activation::Identity,
        });
        Self { input, layers }
    }

    /// Checks that every size is positive and there is at least one layer.
    pub fn validate(&self) -> Result<()> {
        if self.input == 0 {
            return Err(invalid("target input", "must be at least 1", 0));
        }
        if self.layers.is_empty() {
            return Err(invalid("target layers", "must hold at least one layer", 0));
        }
        for layer in &self.layers {
            let TargetLayer::Linear { output, .. } = layer;
            if *output == 0 {
                return Err(invalid("target layer output", "must be at least 1", 0));
            }
        }
        Ok(())
    }

    /// Output features of the last layer.
    pub fn n_output(&self) -> usize {
        self.layers
            .last()
            .map(|TargetLayer::Linear { output, .. }| *output)
            .unwrap_or(self.input)
    }

    /// The parameter tensors in flat order.
    pub fn tensors(&self) -> Vec<TargetTensor> {
        let mut out = Vec::new();
        let mut offset = 0;
        let mut input = self.input;
        for (i, layer) in self.layers.iter().enumerate() {
            let TargetLayer::Linear { output, bias, .. } = *layer;
            out.push(TargetTensor {
                name: format!("layer{i}.weight"),
                shape: vec![input, output],
                offset,
                fan_in: input,
            });
            offset += input * output;
            if bias {
                out.push(TargetTensor {
                    name: format!("layer{i}.bias"),
                    shape: vec![output],
                    offset,
                    fan_in: input,
                });
                offset += output;
            }
            input = output;
        }
        out
    }

    /// Length of the flat parameter vector.
    pub fn n_params(&self) -> usize {
        self.tensors().iter().map(TargetTensor::numel).sum()
    }

    /// Runs the target network with one parameter vector per batch row.
    ///
    /// `params` is `[B, n_params]` and `input` is `[B, S, input]` (S samples per row); the
    /// result is `[B, S, n_output]`. Differentiable with respect to both.
    pub fn forward(&self, params: &Tensor, input: &Tensor) -> Result<Tensor> {
        let (b, p) = params.dims2()?;
        if p != self.n_params() {
            return Err(crate::Error::DimensionMismatch {
                what: "target parameters per row",
                expected: self.n_params(),
                got: p,
            });
        }
        let mut h = input.clone();
        let tensors = self.tensors();
        let mut next = 0;
        for layer in &self.layers {
            let TargetLayer::Linear {
                output,
                bias,
                activation,
            } = *layer;
            let w = &tensors[next];
            next += 1;
            let weight = params
                .narrow(1, w.offset, w.numel())?
                .reshape((b, w.shape[0], output))?;
            h = h.matmul(&weight)?;
            if bias {
                let t = &tensors[next];
                next += 1;
                let bias = params
                    .narrow(1, t.offset, output)?
                    .reshape((b, 1, output))?;
                h = h.broadcast_add(&bias)?;
            }
            h = activation.apply(&h)?;
        }
        Ok(h)
    }
}
