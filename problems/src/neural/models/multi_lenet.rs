//! LibMOON's MultiLeNet: a two-convolution LeNet trunk with one linear head per task.

use candle_core::{DType, Device, Result, Tensor};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::ModelError;
use super::init_draws::{ParameterSpec, draw_parameters};
use crate::neural::layers;
use crate::neural::{NamedParameter, Network};

/// The options of [`MultiLeNet`]; the defaults are LibMOON's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MultiLeNetConfig {
    /// Output channels of the first convolution (default 10).
    pub conv1_channels: usize,
    /// Output channels of the second convolution (default 20).
    pub conv2_channels: usize,
    /// Side of both square kernels (default 5).
    pub kernel: usize,
    /// Width of the shared fully connected layer, the representation (default 50).
    pub hidden: usize,
    /// Classes per task, the width of each head (default 10).
    pub n_classes: usize,
    /// Number of tasks, one linear head each (default 2: the left and the right digit).
    pub n_tasks: usize,
}

impl Default for MultiLeNetConfig {
    fn default() -> Self {
        Self {
            conv1_channels: 10,
            conv2_channels: 20,
            kernel: 5,
            hidden: 50,
            n_classes: 10,
            n_tasks: 2,
        }
    }
}

/// LibMOON's MultiLeNet (`libmoon/model/lenet.py`) for `K` stacked models:
/// `Conv(C→10, k5) – MaxPool2 – ReLU – Conv(10→20, k5) – MaxPool2 – ReLU – Flatten –
/// Linear(→50) – ReLU` as the trunk and one `Linear(50→10)` head per task (LibMOON's
/// `private_left`, `private_right`). On 36×36 MultiMNIST images the sides go 36 → 32 (conv) →
/// 16 (pool) → 12 (conv) → 6 (pool), the flattened width is 6·6·20 = 720, and one model has
/// 42,350 parameters.
///
/// - Input: a batch `[B, H, W, C]` (NHWC), `[B, H, W]` for one channel, or `[B, H·W·C]`.
/// - Representation: `[K, B, hidden]` (after the ReLU). Heads: `n_tasks` logits `[K, B, n_classes]`.
/// - Parameters (leading dimension `K`): `conv1.weight [kh·kw·C, c1]`, `conv1.bias [c1]`,
///   `conv2.weight [kh·kw·c1, c2]`, `conv2.bias [c2]`, `fc.weight [flat, hidden]`,
///   `fc.bias [hidden]`, `heads.{t}.weight [hidden, n_classes]`, `heads.{t}.bias [n_classes]`;
///   convolution rows in im2col order `(dy·kw + dx)·C_in + c` (see [`crate::neural::layers`]).
/// - Initialisation: PyTorch's defaults, `U(±1/√fan_in)` for every weight and bias
///   (`fan_in = kh·kw·C_in` for a convolution).
///
/// **Layout differs from PyTorch's.** Activations are NHWC, so the flatten before `fc` reads the
/// `[H, W, C]` feature map row-major (`(y·W + x)·C + c`) where PyTorch's NCHW flatten reads
/// `(c·H + y)·W + x`; the rows of `fc.weight` are permuted accordingly, and dense weights are
/// stored `[in, out]` (PyTorch: `[out, in]`), convolution weights `[kh·kw·C_in, C_out]`
/// (PyTorch: `[C_out, C_in, kh, kw]`). The function computed is the same; exchanging weights
/// with PyTorch needs these permutations.
#[derive(Clone, Debug)]
pub struct MultiLeNet {
    config: MultiLeNetConfig,
    /// `[H, W, C]` of one example.
    input_shape: [usize; 3],
    /// Width of the flattened feature map after the second pool.
    flat: usize,
    n_models: usize,
    dtype: DType,
    device: Device,
    parameters: Vec<NamedParameter>,
}

impl MultiLeNet {
    /// The architecture's name.
    pub const NAME: &'static str = "multi-lenet";
    /// LibMOON's MultiMNIST input, `[H, W, C]`.
    pub const MULTI_MNIST_INPUT: [usize; 3] = [36, 36, 1];

    /// Builds `n_models` stacked MultiLeNets for examples of shape `input_shape` (`[H, W, C]`
    /// or `[H, W]`), drawing the parameters from `rng`.
    ///
    /// # Errors
    /// A zero option; an input whose feature maps do not pool evenly (both `H − k + 1` and
    /// `(H − k + 1)/2 − k + 1` must be positive and even, likewise for `W`); a dtype other than
    /// f32/f64; `n_models = 0`.
    pub fn new(
        config: &MultiLeNetConfig,
        input_shape: &[usize],
        n_models: usize,
        dtype: DType,
        device: &Device,
        rng: &mut impl Rng,
    ) -> std::result::Result<Self, ModelError> {
        let invalid = |what: &str, rule: &str, got: String| ModelError::InvalidConfig {
            network: Self::NAME.to_string(),
            what: what.to_string(),
            rule: rule.to_string(),
            got,
        };
        for (what, value) in [
            ("conv1_channels", config.conv1_channels),
            ("conv2_channels", config.conv2_channels),
            ("kernel", config.kernel),
            ("hidden", config.hidden),
            ("n_classes", config.n_classes),
            ("n_tasks", config.n_tasks),
        ] {
            if value == 0 {
                return Err(invalid(what, "at least 1", "0".to_string()));
            }
        }
        let input_shape = match *input_shape {
            [h, w] => [h, w, 1],
            [h, w, c] => [h, w, c],
            _ => [0, 0, 0],
        };
        let [h, w, c] = input_shape;
        let bad_input = || ModelError::InputShape {
            network: Self::NAME.to_string(),
            expected: format!(
                "[H, W, C] or [H, W] with H − {k} and (H − {k} + 1)/2 − {k} + 1 positive and even (likewise W), e.g. [36, 36, 1]",
                k = config.kernel
            ),
            got: input_shape.to_vec(),
        };
        if c == 0 {
            return Err(bad_input());
        }
        let pooled = |side: usize| -> Option<usize> {
            let conv1 = side
                .checked_sub(config.kernel - 1)
                .filter(|&s| s > 0 && s % 2 == 0)?;
            let conv2 = (conv1 / 2)
                .checked_sub(config.kernel - 1)
                .filter(|&s| s > 0 && s % 2 == 0)?;
            Some(conv2 / 2)
        };
        let (Some(ph), Some(pw)) = (pooled(h), pooled(w)) else {
            return Err(bad_input());
        };
        let flat = ph * pw * config.conv2_channels;
        let k2 = config.kernel * config.kernel;
        let (c1, c2) = (config.conv1_channels, config.conv2_channels);
        let mut specs = Vec::new();
        specs.extend(ParameterSpec::layer("conv1", vec![k2 * c, c1], c1, k2 * c));
        specs.extend(ParameterSpec::layer(
            "conv2",
            vec![k2 * c1, c2],
            c2,
            k2 * c1,
        ));
        specs.extend(ParameterSpec::layer(
            "fc",
            vec![flat, config.hidden],
            config.hidden,
            flat,
        ));
        for task in 0..config.n_tasks {
            specs.extend(ParameterSpec::layer(
                &format!("heads.{task}"),
                vec![config.hidden, config.n_classes],
                config.n_classes,
                config.hidden,
            ));
        }
        let parameters = draw_parameters(&specs, n_models, dtype, device, rng)?;
        Ok(Self {
            config: config.clone(),
            input_shape,
            flat,
            n_models,
            dtype,
            device: device.clone(),
            parameters,
        })
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &MultiLeNetConfig {
        &self.config
    }

    /// The shape `[H, W, C]` of one example.
    pub fn input_shape(&self) -> [usize; 3] {
        self.input_shape
    }

    fn tensor(&self, index: usize) -> &Tensor {
        self.parameters[index].var.as_tensor()
    }

    /// The trunk with the parameter tensors `p` (in [`Network::parameters`] order).
    fn trunk_of(&self, p: &[&Tensor], input: &Tensor) -> Result<Tensor> {
        let [h, w, c] = self.input_shape;
        let dims = input.dims();
        let per_example: usize = dims.iter().skip(1).product();
        if dims.len() < 2 || per_example != h * w * c {
            candle_core::bail!(
                "{}: input of shape {dims:?}, expected [B, {h}, {w}, {c}] (NHWC) or [B, {}]",
                Self::NAME,
                h * w * c
            );
        }
        let batch = dims[0];
        let n_models = p[0].dim(0)?;
        let x = input.reshape((batch, h, w, c))?.to_dtype(self.dtype)?;
        let kernel = (self.config.kernel, self.config.kernel);
        let x = layers::conv2d_shared_input(&x, p[0], p[1], kernel)?;
        let x = layers::relu(&layers::max_pool2x2(&x)?)?;
        let x = layers::conv2d(&x, p[2], p[3], kernel)?;
        let x = layers::relu(&layers::max_pool2x2(&x)?)?;
        let x = x.reshape((n_models, batch, self.flat))?;
        layers::relu(&layers::linear(&x, p[4], p[5])?)
    }

    /// The heads with the parameter tensors `p` (in [`Network::parameters`] order).
    fn heads_of(&self, p: &[&Tensor], representation: &Tensor) -> Result<Vec<Tensor>> {
        (0..self.config.n_tasks)
            .map(|task| layers::linear(representation, p[6 + 2 * task], p[7 + 2 * task]))
            .collect()
    }

    fn own_tensors(&self) -> Vec<&Tensor> {
        (0..self.parameters.len()).map(|i| self.tensor(i)).collect()
    }
}

impl Network for MultiLeNet {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn n_models(&self) -> usize {
        self.n_models
    }

    fn parameters(&self) -> &[NamedParameter] {
        &self.parameters
    }

    fn trunk(&self, input: &Tensor) -> Result<Tensor> {
        self.trunk_of(&self.own_tensors(), input)
    }

    fn heads(&self, representation: &Tensor, _input: &Tensor) -> Result<Vec<Tensor>> {
        self.heads_of(&self.own_tensors(), representation)
    }

    fn forward_with(&self, parameters: &[Tensor], input: &Tensor) -> Result<Vec<Tensor>> {
        super::check_parameter_count(Self::NAME, parameters, self.parameters.len())?;
        let p: Vec<&Tensor> = parameters.iter().collect();
        let representation = self.trunk_of(&p, input)?;
        self.heads_of(&p, &representation)
    }

    fn dtype(&self) -> DType {
        self.dtype
    }

    fn device(&self) -> &Device {
        &self.device
    }
}
