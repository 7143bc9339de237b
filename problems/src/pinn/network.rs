//! A tanh MLP that carries forward-mode jets: the value and the input derivatives a PDE residual
//! needs (`u_x`, `u_t`, `u_xx`, ...), packed into one `(B·N) × width` matrix per layer, and a
//! hand-written reverse pass over the packed jets that gives the weight gradient of a loss in
//! one pass.
//!
//! Layer `l` maps the packed jet `H` (`B` blocks of `N` rows) to `Z = H·W_l` (plus the bias on
//! the value block only: the derivatives of a constant vanish), then through the jet of tanh:
//! with `h = tanh z`, `s = 1 − h²`, `s' = −2hs`, the value is `h`, a first derivative
//! `h_i = s·z_i`, a pure second derivative `h_ii = s·z_ii + s'·z_i²`. No mixed derivative is
//! carried (none of the built-in PDEs needs one). Because every block goes through the same
//! `W_l`, the weight gradient is `H_packedᵀ·G_Z,packed`: one GEMM per layer for all blocks.
//!
//! The matrix products are candle's (CPU GEMM, zero-copy on the packed buffers); the jet kernels
//! are plain loops auto-vectorised through [`vectorized`]. f32 uses a rational tanh (Eigen's
//! form, error below 1e-6, see the tests) since glibc's `tanhf` costs about 30 ns an element;
//! f64 (the tests' finite differences) uses the exact `tanh`. The module runs on the CPU only.

use candle_core::{Device, Storage, Tensor, WithDType};

use crate::error::{Error, Result};
use crate::neural::layers::simd::vectorized;

/// A float type the jet network computes in: `f32` (training) or `f64` (tests, references).
pub trait Real: WithDType {
    /// `tanh` (a rational approximation with error below 1e-6 for `f32`, exact for `f64`).
    fn tanh_real(self) -> Self;
}

impl Real for f32 {
    #[inline(always)]
    fn tanh_real(self) -> Self {
        fast_tanh(self)
    }
}

impl Real for f64 {
    #[inline(always)]
    fn tanh_real(self) -> Self {
        self.tanh()
    }
}

/// Eigen's rational `tanh` for `f32` (`generic_fast_tanh_float`): a 13th-order odd polynomial
/// over a 6th-order even one on `[−7.905, 7.905]`, clamped outside. Branch-free, so loops over it
/// vectorise.
#[inline(always)]
#[allow(clippy::excessive_precision, clippy::unreadable_literal)]
fn fast_tanh(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311_1;
    const ALPHA_1: f32 = 4.893_524_558_917_86e-03;
    const ALPHA_3: f32 = 6.372_619_288_754_36e-04;
    const ALPHA_5: f32 = 1.485_722_357_179_79e-05;
    const ALPHA_7: f32 = 5.122_297_090_371_14e-08;
    const ALPHA_9: f32 = -8.604_671_522_137_35e-11;
    const ALPHA_11: f32 = 2.000_187_904_824_77e-13;
    const ALPHA_13: f32 = -2.760_768_477_423_55e-16;
    const BETA_0: f32 = 4.893_525_185_543_85e-03;
    const BETA_2: f32 = 2.268_434_632_439_00e-03;
    const BETA_4: f32 = 1.185_347_056_866_54e-04;
    const BETA_6: f32 = 1.198_258_394_667_02e-06;
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    // Plain products and sums (not `mul_add`, which becomes a libm call where the kernel is
    // not compiled with FMA).
    let mut p = ALPHA_13 * x2 + ALPHA_11;
    p = p * x2 + ALPHA_9;
    p = p * x2 + ALPHA_7;
    p = p * x2 + ALPHA_5;
    p = p * x2 + ALPHA_3;
    p = p * x2 + ALPHA_1;
    p *= x;
    let mut q = BETA_6 * x2 + BETA_4;
    q = q * x2 + BETA_2;
    q = q * x2 + BETA_0;
    p / q
}

/// Which input derivatives a jet carries: the value, first derivatives with respect to the
/// inputs in `first`, and pure second derivatives with respect to those in `second` (each also
/// in `first`).
///
/// Blocks are ordered value, then `first` in the given order, then `second`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JetSpec {
    n_inputs: usize,
    first: Vec<usize>,
    second: Vec<usize>,
    /// Per second-derivative block: the index in `first` of the same input.
    second_first: Vec<usize>,
}

impl JetSpec {
    /// The value only (boundary and initial losses, evaluation).
    pub fn value_only(n_inputs: usize) -> Self {
        Self {
            n_inputs,
            first: Vec::new(),
            second: Vec::new(),
            second_first: Vec::new(),
        }
    }

    /// A jet with first derivatives along the inputs `first` and pure second derivatives along
    /// `second`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for an input index out of range, a repeated one, or a second
    /// derivative whose first derivative is not carried.
    pub fn new(n_inputs: usize, first: &[usize], second: &[usize]) -> Result<Self> {
        let bad = |what: String| Error::Unsupported {
            problem: "jet".into(),
            what,
        };
        for (list, name) in [(first, "first"), (second, "second")] {
            for (k, &i) in list.iter().enumerate() {
                if i >= n_inputs {
                    return Err(bad(format!(
                        "{name} derivative along input {i}, the network has {n_inputs} inputs"
                    )));
                }
                if list[..k].contains(&i) {
                    return Err(bad(format!(
                        "{name} derivative along input {i} listed twice"
                    )));
                }
            }
        }
        let second_first = second
            .iter()
            .map(|i| {
                first.iter().position(|f| f == i).ok_or_else(|| {
                    bad(format!(
                        "the second derivative along input {i} needs its first derivative"
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            n_inputs,
            first: first.to_vec(),
            second: second.to_vec(),
            second_first,
        })
    }

    /// Number of network inputs.
    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    /// Number of blocks `B` (value, first and second derivatives).
    pub fn n_blocks(&self) -> usize {
        1 + self.first.len() + self.second.len()
    }

    /// The block of the first derivative along `input`, if carried.
    pub fn first_block(&self, input: usize) -> Option<usize> {
        self.first.iter().position(|&i| i == input).map(|k| 1 + k)
    }

    /// The block of the second derivative along `input`, if carried.
    pub fn second_block(&self, input: usize) -> Option<usize> {
        self.second
            .iter()
            .position(|&i| i == input)
            .map(|k| 1 + self.first.len() + k)
    }
}

/// The layer widths of a tanh MLP, `[inputs, hidden…, outputs]`; parameters are laid out layer
/// after layer as the weight `in × out` (row-major) then the bias `out`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MlpShape {
    widths: Vec<usize>,
}

impl MlpShape {
    /// `inputs → hidden[0] → … → outputs`, tanh after every hidden layer, linear output.
    ///
    /// # Errors
    /// [`Error::InvalidSize`] for a zero width.
    pub fn new(inputs: usize, hidden: &[usize], outputs: usize) -> Result<Self> {
        let widths: Vec<usize> = std::iter::once(inputs)
            .chain(hidden.iter().copied())
            .chain(std::iter::once(outputs))
            .collect();
        if let Some(&w) = widths.iter().find(|&&w| w == 0) {
            return Err(Error::InvalidSize {
                problem: "mlp".into(),
                what: "a layer width",
                rule: "at least 1".into(),
                got: w,
            });
        }
        Ok(Self { widths })
    }

    /// The widths `[inputs, hidden…, outputs]`.
    pub fn widths(&self) -> &[usize] {
        &self.widths
    }

    /// Number of inputs.
    pub fn n_inputs(&self) -> usize {
        self.widths[0]
    }

    /// Number of outputs.
    pub fn n_outputs(&self) -> usize {
        self.widths[self.widths.len() - 1]
    }

    /// Number of layers (weight matrices).
    pub fn n_layers(&self) -> usize {
        self.widths.len() - 1
    }

    /// Number of parameters.
    pub fn n_parameters(&self) -> usize {
        self.widths.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }

    /// The offset of layer `l`'s weight in the parameter vector (its bias follows the weight).
    fn offset(&self, layer: usize) -> usize {
        self.widths[..=layer]
            .windows(2)
            .map(|w| w[0] * w[1] + w[1])
            .sum()
    }

    /// Parameters drawn as ConFIG's PINNs: Xavier-normal weights (gain 1) and biases 0.001, from
    /// `rng` (layer after layer, each weight in row-major `in × out` order).
    ///
    /// # Errors
    /// The initialiser's errors.
    pub fn initialize<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> Result<Vec<f64>> {
        use crate::neural::init::{Fans, Init, initialize};
        let mut out = Vec::with_capacity(self.n_parameters());
        for w in self.widths.windows(2) {
            let tensor = initialize(
                Init::XavierNormal { gain: 1.0 },
                1,
                &[w[0], w[1]],
                Fans::dense(w[0], w[1]),
                rng,
                candle_core::DType::F64,
                &Device::Cpu,
            )
            .map_err(|e| Error::Unsupported {
                problem: "mlp".into(),
                what: e.to_string(),
            })?;
            out.extend(tensor.flatten_all()?.to_vec1::<f64>()?);
            out.extend(std::iter::repeat_n(0.001, w[1]));
        }
        Ok(out)
    }
}

/// The parameters of an [`MlpShape`] in the compute type: weights as candle tensors, biases as
/// vectors.
#[derive(Debug)]
pub struct MlpWeights<T: Real> {
    shape: MlpShape,
    weights: Vec<Tensor>,
    biases: Vec<Vec<T>>,
}

impl<T: Real> MlpWeights<T> {
    /// The weights in `parameters` (`n_parameters` values, [`MlpShape`]'s layout).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] for a wrong length, and candle's errors.
    pub fn new(shape: &MlpShape, parameters: &[f64]) -> Result<Self> {
        if parameters.len() != shape.n_parameters() {
            return Err(Error::DimensionMismatch {
                what: "mlp parameters".into(),
                expected: shape.n_parameters(),
                got: parameters.len(),
            });
        }
        let mut weights = Vec::with_capacity(shape.n_layers());
        let mut biases = Vec::with_capacity(shape.n_layers());
        for layer in 0..shape.n_layers() {
            let (i, o) = (shape.widths[layer], shape.widths[layer + 1]);
            let at = shape.offset(layer);
            let w: Vec<T> = parameters[at..at + i * o]
                .iter()
                .map(|&v| T::from_f64(v))
                .collect();
            weights.push(Tensor::from_vec(w, (i, o), &Device::Cpu)?);
            biases.push(
                parameters[at + i * o..at + i * o + o]
                    .iter()
                    .map(|&v| T::from_f64(v))
                    .collect(),
            );
        }
        Ok(Self {
            shape: shape.clone(),
            weights,
            biases,
        })
    }

    /// The shape.
    pub fn shape(&self) -> &MlpShape {
        &self.shape
    }

    /// The forward pass of the jets of `inputs` (`N × n_inputs`, row-major): the packed output
    /// jet and what the reverse pass needs.
    ///
    /// # Errors
    /// Shapes and candle's errors.
    pub fn forward(&self, spec: &JetSpec, inputs: &[f64]) -> Result<JetForward<T>> {
        let d = self.shape.n_inputs();
        if spec.n_inputs != d || inputs.len() % d != 0 {
            return Err(Error::DimensionMismatch {
                what: "jet inputs (N × n_inputs)".into(),
                expected: d,
                got: spec.n_inputs,
            });
        }
        let n = inputs.len() / d;
        let blocks = spec.n_blocks();
        // The input jet: x itself, then ∂x/∂x_i = e_i, then zero second derivatives.
        let mut h0 = vec![T::zero(); blocks * n * d];
        for (dst, src) in h0[..n * d].iter_mut().zip(inputs) {
            *dst = T::from_f64(*src);
        }
        for (k, &input) in spec.first.iter().enumerate() {
            for row in 0..n {
                h0[((1 + k) * n + row) * d + input] = T::one();
            }
        }
        let mut layer_inputs = vec![Tensor::from_vec(h0, (blocks * n, d), &Device::Cpu)?];
        let mut pre = Vec::with_capacity(self.shape.n_layers());
        let last = self.shape.n_layers() - 1;
        for layer in 0..=last {
            let z = layer_inputs[layer].matmul(&self.weights[layer])?;
            let width = self.shape.widths[layer + 1];
            if layer == last {
                let mut out = with_slice::<T, _>(&z, <[T]>::to_vec)?;
                for row in out[..n * width].chunks_exact_mut(width) {
                    for (v, b) in row.iter_mut().zip(&self.biases[layer]) {
                        *v += *b;
                    }
                }
                return Ok(JetForward {
                    spec: spec.clone(),
                    n_points: n,
                    layer_inputs,
                    pre,
                    output: out,
                });
            }
            let h = with_slice::<T, _>(&z, |z| {
                jet_tanh_forward(spec, n, width, z, &self.biases[layer])
            })?;
            pre.push(z);
            layer_inputs.push(Tensor::from_vec(h, (blocks * n, width), &Device::Cpu)?);
        }
        unreachable!("the last layer returns")
    }

    /// The values only at `inputs` (`N × n_inputs`): `N × n_outputs` in f64.
    ///
    /// # Errors
    /// As [`MlpWeights::forward`].
    pub fn predict(&self, inputs: &[f64]) -> Result<Vec<f64>> {
        let spec = JetSpec::value_only(self.shape.n_inputs());
        Ok(self
            .forward(&spec, inputs)?
            .output
            .iter()
            .map(|v| v.to_f64())
            .collect())
    }
}

/// What [`MlpWeights::forward`] keeps for the reverse pass, and the packed output jet.
#[derive(Debug)]
pub struct JetForward<T: Real> {
    spec: JetSpec,
    n_points: usize,
    /// Per layer: its packed input jet `(B·N) × in`.
    layer_inputs: Vec<Tensor>,
    /// Per hidden layer: its packed pre-activation jet (bias not added).
    pre: Vec<Tensor>,
    /// The packed output jet `(B·N) × n_outputs`, row-major.
    output: Vec<T>,
}

impl<T: Real> JetForward<T> {
    /// The jet spec.
    pub fn spec(&self) -> &JetSpec {
        &self.spec
    }

    /// Number of points `N`.
    pub fn n_points(&self) -> usize {
        self.n_points
    }

    /// The packed output jet: block `b`, point `p`, output `c` at `(b·N + p)·n_outputs + c`.
    pub fn output(&self) -> &[T] {
        &self.output
    }

    /// The gradient with respect to the parameters (f64, [`MlpShape`]'s layout) of the loss whose
    /// gradient with respect to the packed output jet is `cotangent` (same layout as
    /// [`JetForward::output`]).
    ///
    /// # Errors
    /// A cotangent of the wrong length, and candle's errors.
    pub fn backward(&self, weights: &MlpWeights<T>, cotangent: &[T]) -> Result<Vec<f64>> {
        let shape = &weights.shape;
        let (n, blocks) = (self.n_points, self.spec.n_blocks());
        if cotangent.len() != self.output.len() {
            return Err(Error::DimensionMismatch {
                what: "output-jet cotangent".into(),
                expected: self.output.len(),
                got: cotangent.len(),
            });
        }
        let mut gradient = vec![0.0; shape.n_parameters()];
        let last = shape.n_layers() - 1;
        let mut g = Tensor::from_vec(
            cotangent.to_vec(),
            (blocks * n, shape.n_outputs()),
            &Device::Cpu,
        )?;
        for layer in (0..=last).rev() {
            let (i, o) = (shape.widths[layer], shape.widths[layer + 1]);
            if layer != last {
                // g holds ∂L/∂H_{layer+1}; turn it into ∂L/∂Z_layer.
                let gz = with_slice::<T, _>(&g, |gh| {
                    with_slice::<T, _>(&self.pre[layer], |z| {
                        with_slice::<T, _>(&self.layer_inputs[layer + 1], |h| {
                            jet_tanh_backward(&self.spec, n, o, gh, z, h)
                        })
                    })
                })???;
                g = Tensor::from_vec(gz, (blocks * n, o), &Device::Cpu)?;
            }
            let at = shape.offset(layer);
            let dw = self.layer_inputs[layer].t()?.matmul(&g)?;
            with_slice::<T, _>(&dw, |dw| {
                for (dst, v) in gradient[at..at + i * o].iter_mut().zip(dw) {
                    *dst = v.to_f64();
                }
            })?;
            with_slice::<T, _>(&g, |g| {
                let bias = &mut gradient[at + i * o..at + i * o + o];
                for row in g[..n * o].chunks_exact(o) {
                    for (dst, v) in bias.iter_mut().zip(row) {
                        *dst += v.to_f64();
                    }
                }
            })?;
            if layer > 0 {
                g = g.matmul(&weights.weights[layer].t()?)?;
            }
        }
        Ok(gradient)
    }
}

/// Runs `f` on the contiguous CPU data of `tensor`.
fn with_slice<T: WithDType, R>(tensor: &Tensor, f: impl FnOnce(&[T]) -> R) -> Result<R> {
    let (storage, layout) = tensor.storage_and_layout();
    let Storage::Cpu(cpu) = &*storage else {
        return Err(Error::Unsupported {
            problem: "jet network".into(),
            what: "runs on the CPU only".into(),
        });
    };
    let data = T::cpu_storage_as_slice(cpu)?;
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(f(&data[start..end])),
        None => {
            drop(storage);
            let copy = tensor.contiguous()?;
            with_slice(&copy, f)
        }
    }
}

/// The packed jet of `tanh(z + b)` (bias on the value block only), `(B·N) × width`.
fn jet_tanh_forward<T: Real>(
    spec: &JetSpec,
    n: usize,
    width: usize,
    z: &[T],
    bias: &[T],
) -> Vec<T> {
    let blocks = spec.n_blocks();
    let first = spec.first.len();
    let mut out = vec![T::zero(); blocks * n * width];
    vectorized(|| {
        let mut s = vec![T::zero(); width];
        let mut sp = vec![T::zero(); width];
        let two = T::from_f64(2.0);
        let block = n * width;
        let (value_out, derivative_out) = out.split_at_mut(block);
        let mut derivative_out: Vec<&mut [T]> = derivative_out.chunks_exact_mut(block).collect();
        for row in 0..n {
            let at = row * width..(row + 1) * width;
            for ((((o, &zv), &b), sj), spj) in value_out[at.clone()]
                .iter_mut()
                .zip(&z[at.clone()])
                .zip(bias)
                .zip(s.iter_mut())
                .zip(sp.iter_mut())
            {
                let h = (zv + b).tanh_real();
                *o = h;
                let sv = T::one() - h * h;
                *sj = sv;
                *spj = T::zero() - two * h * sv;
            }
            for k in 0..first {
                let zk = &z[(1 + k) * block..][at.clone()];
                for ((o, &zv), &sj) in derivative_out[k][at.clone()].iter_mut().zip(zk).zip(&s) {
                    *o = sj * zv;
                }
            }
            for (q, &f) in spec.second_first.iter().enumerate() {
                let zq = &z[(1 + first + q) * block..][at.clone()];
                let zf = &z[(1 + f) * block..][at.clone()];
                for ((((o, &zqv), &zfv), &sj), &spj) in derivative_out[first + q][at.clone()]
                    .iter_mut()
                    .zip(zq)
                    .zip(zf)
                    .zip(&s)
                    .zip(&sp)
                {
                    *o = sj * zqv + spj * zfv * zfv;
                }
            }
        }
    });
    out
}

/// The reverse of [`jet_tanh_forward`]: `∂L/∂Z` from `∂L/∂H` (`gh`), the pre-activation `z`
/// (bias not added) and the output `h` (whose value block is `tanh(z + b)`).
fn jet_tanh_backward<T: Real>(
    spec: &JetSpec,
    n: usize,
    width: usize,
    gh: &[T],
    z: &[T],
    h: &[T],
) -> Vec<T> {
    let blocks = spec.n_blocks();
    let first = spec.first.len();
    let mut gz = vec![T::zero(); blocks * n * width];
    vectorized(|| {
        let mut s = vec![T::zero(); width];
        let mut sp = vec![T::zero(); width];
        let mut spp = vec![T::zero(); width];
        let mut value = vec![T::zero(); width];
        let two = T::from_f64(2.0);
        let four = T::from_f64(4.0);
        let block = n * width;
        let (value_gz, derivative_gz) = gz.split_at_mut(block);
        let mut derivative_gz: Vec<&mut [T]> = derivative_gz.chunks_exact_mut(block).collect();
        for row in 0..n {
            let at = row * width..(row + 1) * width;
            for (((((hv, &g), sj), spj), sppj), v) in h[at.clone()]
                .iter()
                .zip(&gh[at.clone()])
                .zip(s.iter_mut())
                .zip(sp.iter_mut())
                .zip(spp.iter_mut())
                .zip(value.iter_mut())
            {
                let sv = T::one() - *hv * *hv;
                *sj = sv;
                *spj = T::zero() - two * *hv * sv;
                *sppj = four * *hv * *hv * sv - two * sv * sv;
                *v = g * sv;
            }
            for (q, &f) in spec.second_first.iter().enumerate() {
                let gq = &gh[(1 + first + q) * block..][at.clone()];
                let zq = &z[(1 + first + q) * block..][at.clone()];
                let zf = &z[(1 + f) * block..][at.clone()];
                for (((((o, &g), &zqv), &zfv), &sj), (&spj, (&sppj, v))) in derivative_gz[first + q]
                    [at.clone()]
                .iter_mut()
                .zip(gq)
                .zip(zq)
                .zip(zf)
                .zip(&s)
                .zip(sp.iter().zip(spp.iter().zip(value.iter_mut())))
                {
                    *o = g * sj;
                    *v += g * (spj * zqv + sppj * zfv * zfv);
                }
            }
            for k in 0..first {
                let gk = &gh[(1 + k) * block..][at.clone()];
                let zk = &z[(1 + k) * block..][at.clone()];
                for ((((o, &g), &zv), &sj), (&spj, v)) in derivative_gz[k][at.clone()]
                    .iter_mut()
                    .zip(gk)
                    .zip(zk)
                    .zip(&s)
                    .zip(sp.iter().zip(value.iter_mut()))
                {
                    *v += g * spj * zv;
                    *o = g * sj;
                }
            }
            // The second-derivative blocks feed their first-derivative block: 2·g_q·s'·z_f.
            for (q, &f) in spec.second_first.iter().enumerate() {
                let gq = &gh[(1 + first + q) * block..][at.clone()];
                let zf = &z[(1 + f) * block..][at.clone()];
                for (((o, &g), &zfv), &spj) in derivative_gz[f][at.clone()]
                    .iter_mut()
                    .zip(gq)
                    .zip(zf)
                    .zip(&sp)
                {
                    *o += two * g * spj * zfv;
                }
            }
            value_gz[at].copy_from_slice(&value);
        }
    });
    gz
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn network(widths: &[usize], seed: u64) -> (MlpShape, Vec<f64>) {
        let shape = MlpShape::new(
            widths[0],
            &widths[1..widths.len() - 1],
            widths[widths.len() - 1],
        )
        .unwrap();
        let mut rng = StdRng::seed_from_u64(seed);
        let mut p = shape.initialize(&mut rng).unwrap();
        // Larger biases than ConFIG's 0.001, so every term of the jet is exercised.
        for (k, v) in p.iter_mut().enumerate() {
            *v += 0.05 * ((k % 7) as f64 - 3.0);
        }
        (shape, p)
    }

    fn values(shape: &MlpShape, p: &[f64], x: &[f64]) -> Vec<f64> {
        MlpWeights::<f64>::new(shape, p)
            .unwrap()
            .predict(x)
            .unwrap()
    }

    #[test]
    fn fast_tanh_is_within_a_micro_of_tanh() {
        let mut worst = 0.0f64;
        for k in -200_000..=200_000 {
            let x = k as f32 * 1e-4;
            let err = (f64::from(fast_tanh(x)) - f64::from(x).tanh()).abs();
            worst = worst.max(err);
        }
        assert!(worst < 1e-6, "worst error {worst}");
        assert_eq!(fast_tanh(50.0), fast_tanh(8.0));
    }

    /// Every carried derivative against central differences of the value in f64.
    #[test]
    fn jet_derivatives_match_finite_differences() {
        let (shape, p) = network(&[3, 7, 6, 2], 4);
        let weights = MlpWeights::<f64>::new(&shape, &p).unwrap();
        let spec = JetSpec::new(3, &[2, 0, 1], &[0, 2]).unwrap();
        let x = [0.3, -0.7, 0.45, -0.2, 0.1, 0.9];
        let n = 2;
        let fwd = weights.forward(&spec, &x).unwrap();
        let out = fwd.output();
        let h = 1e-4;
        for point in 0..n {
            for input in 0..3 {
                let mut plus = x;
                let mut minus = x;
                plus[point * 3 + input] += h;
                minus[point * 3 + input] -= h;
                let (fp, fm, f0) = (
                    values(&shape, &p, &plus),
                    values(&shape, &p, &minus),
                    values(&shape, &p, &x),
                );
                for c in 0..2 {
                    let first = (fp[point * 2 + c] - fm[point * 2 + c]) / (2.0 * h);
                    let second =
                        (fp[point * 2 + c] - 2.0 * f0[point * 2 + c] + fm[point * 2 + c]) / (h * h);
                    let b = spec.first_block(input).unwrap();
                    let got = out[(b * n + point) * 2 + c];
                    assert!((got - first).abs() < 1e-8, "d/dx{input}: {got} vs {first}");
                    if let Some(b) = spec.second_block(input) {
                        let got = out[(b * n + point) * 2 + c];
                        assert!(
                            (got - second).abs() < 1e-5,
                            "d2/dx{input}2: {got} vs {second}"
                        );
                    }
                    assert_eq!(out[point * 2 + c], f0[point * 2 + c]);
                }
            }
        }
    }

    /// The weight gradient of a loss that reads every block nonlinearly, against central
    /// differences over every parameter in f64.
    #[test]
    fn weight_gradient_matches_finite_differences() {
        let (shape, p) = network(&[2, 5, 4, 2], 9);
        let spec = JetSpec::new(2, &[0, 1], &[0]).unwrap();
        let x = [0.3, -0.7, 0.45, -0.2, -0.8, 0.6];
        let loss = |p: &[f64]| -> (f64, Vec<f64>) {
            let weights = MlpWeights::<f64>::new(&shape, p).unwrap();
            let fwd = weights.forward(&spec, &x).unwrap();
            let out = fwd.output();
            // L = Σ out_k² · c_k + Π of two entries, so the cotangent varies by entry.
            let coef: Vec<f64> = (0..out.len()).map(|k| 0.3 + 0.1 * k as f64).collect();
            let l = out.iter().zip(&coef).map(|(o, c)| c * o * o).sum::<f64>() + out[1] * out[5];
            let mut g: Vec<f64> = out.iter().zip(&coef).map(|(o, c)| 2.0 * c * o).collect();
            g[1] += out[5];
            g[5] += out[1];
            (l, fwd.backward(&weights, &g).unwrap())
        };
        let (_, gradient) = loss(&p);
        let h = 1e-6;
        for k in 0..p.len() {
            let mut plus = p.clone();
            let mut minus = p.clone();
            plus[k] += h;
            minus[k] -= h;
            let fd = (loss(&plus).0 - loss(&minus).0) / (2.0 * h);
            assert!(
                (gradient[k] - fd).abs() < 1e-7 * (1.0 + fd.abs()),
                "parameter {k}: {} vs {fd}",
                gradient[k]
            );
        }
    }

    #[test]
    fn f32_agrees_with_f64() {
        let (shape, p) = network(&[2, 50, 50, 1], 2);
        let spec = JetSpec::new(2, &[0, 1], &[0]).unwrap();
        let x: Vec<f64> = (0..40).map(|k| (k as f64 * 0.37).sin()).collect();
        let a = MlpWeights::<f64>::new(&shape, &p).unwrap();
        let b = MlpWeights::<f32>::new(&shape, &p).unwrap();
        let (fa, fb) = (a.forward(&spec, &x).unwrap(), b.forward(&spec, &x).unwrap());
        for (u, v) in fa.output().iter().zip(fb.output()) {
            assert!(
                (u - f64::from(*v)).abs() < 1e-4 * (1.0 + u.abs()),
                "{u} vs {v}"
            );
        }
    }

    #[test]
    fn xavier_shapes_and_bias() {
        let shape = MlpShape::new(2, &[50; 5], 1).unwrap();
        assert_eq!(shape.n_parameters(), 10_401);
        let p = shape.initialize(&mut StdRng::seed_from_u64(1)).unwrap();
        assert_eq!(p.len(), 10_401);
        assert_eq!(&p[100..150], &[0.001; 50][..]);
        assert!(JetSpec::new(2, &[0], &[1]).is_err());
    }
}
