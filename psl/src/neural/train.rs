//! The trainer of a [`NeuralGenerator`] on a neural problem: data minibatches, Dirichlet
//! preferences, the signals of `psl`, one backward pass through the generated parameters, Adam;
//! checkpoints that resume bit for bit.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use candle_core::{DType, Device, Tensor, Var};
use tradeoff_pareto::{Matrix, dirichlet};
use tradeoff_problems::neural::{ExampleSet, NeuralProblem, epoch_order};
use tradeoff_problems::{JacobianBatch, ProblemInfo};

use super::generator::NeuralGenerator;
use crate::error::{Error, Result, invalid};
use crate::optim::{Adam, AdamParams};
use crate::signal::{LossSpec, Signal};
use crate::train::{mix, raw_from_tensors};

/// File of a neural checkpoint's tensors (the generator's variables, Adam's moments and the
/// signal's state when it keeps one).
pub const NEURAL_CHECKPOINT_TENSORS: &str = "checkpoint.safetensors";

/// Key prefix of the signal's `f64` state arrays in a checkpoint.
const SIGNAL_FLOATS: &str = "signal.floats.";
/// Key prefix of the signal's `u64` state arrays (stored as `i64`, bit for bit).
const SIGNAL_INTEGERS: &str = "signal.integers.";

/// How [`NeuralTrainer`] draws the preferences of a step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PreferenceDraw {
    /// `pref_batch` preferences per step; each preference's network reads the whole minibatch
    /// and its losses are the minibatch means.
    #[default]
    PerStep,
    /// One preference per minibatch example (`pref_batch` is not used): example `k` is read by
    /// the network of preference `k` alone, whose losses are that example's. The step's
    /// objectives have one row per example, and the signal weighs each row with its own
    /// preference (for LS, the minibatch mean of `λ_k · f(x_k)`).
    PerSample,
}

impl PreferenceDraw {
    /// The name as the CLI takes it (`step`, `sample`).
    pub fn name(self) -> &'static str {
        match self {
            Self::PerStep => "step",
            Self::PerSample => "sample",
        }
    }
}

/// Settings of [`NeuralTrainer`]. Defaults: the (`ls`, Adam lr `1e-3`, data batch 256,
/// one preference per step, Dirichlet(1), no clipping, seed 0, reference `(1, …, 1)`).
#[derive(Clone, Debug, PartialEq)]
pub struct NeuralTrainConfig {
    /// Passes over the training data.
    pub epochs: usize,
    /// Data minibatch size.
    pub batch: usize,
    /// Preferences drawn per step; every preference's network sees the whole minibatch
    /// ([`PreferenceDraw::PerStep`]).
    pub pref_batch: usize,
    /// A preference per step or per minibatch example.
    pub draw: PreferenceDraw,
    /// Adam's settings.
    pub adam: AdamParams,
    /// Concentration of the symmetric Dirichlet the preferences are drawn from.
    pub alpha: f64,
    /// Clip the generator's gradient to this global norm (`None`: no clipping).
    pub clip_norm: Option<f64>,
    /// Seed of the preference stream (the data order is the problem's, from its seed).
    pub seed: u64,
    /// The training signal.
    pub loss: LossSpec,
    /// Reference point of the hypervolume signal (and of the evaluation).
    pub reference: Vec<f64>,
}

impl NeuralTrainConfig {
    /// The defaults with this signal, for `n_obj` objectives.
    pub fn new(loss: LossSpec, n_obj: usize) -> Self {
        Self {
            epochs: 1,
            batch: 256,
            pref_batch: 1,
            draw: PreferenceDraw::PerStep,
            adam: AdamParams::default(),
            alpha: 1.0,
            clip_norm: None,
            seed: 0,
            loss,
            reference: vec![1.0; n_obj],
        }
    }

    /// Checks every rule.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a zero size or a bad α / clipping norm.
    pub fn validate(&self) -> Result<()> {
        for (what, v) in [
            ("epochs", self.epochs),
            ("batch", self.batch),
            ("pref_batch", self.pref_batch),
        ] {
            if v == 0 {
                return Err(invalid(what, "must be at least 1", 0));
            }
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(invalid("alpha", "must be finite and positive", self.alpha));
        }
        if let Some(c) = self.clip_norm {
            if !(c.is_finite() && c > 0.0) {
                return Err(invalid("clip_norm", "must be finite and positive", c));
            }
        }
        self.adam.validate()
    }
}

/// One step's gradient of the generator.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuralGradient {
    /// One flattened gradient per generator variable (f64 copies).
    pub grads: Vec<Vec<f64>>,
    /// Mean over the step's preferences of the signal's loss.
    pub loss: f64,
    /// The minibatch losses, one row per preference.
    pub objectives: Matrix,
    /// The preferences (rounded to the model's precision).
    pub prefs: Matrix,
}

/// Trains a [`NeuralGenerator`] on a [`NeuralProblem`].
///
/// Step `t` reads minibatch `t mod S` of epoch `t / S` (`S = ⌈n / batch⌉`) in the order
/// [`epoch_order`]`(problem seed, epoch, n)` — the multi-task trainer's — and draws
/// `pref_batch` preferences (one per minibatch example with [`PreferenceDraw::PerSample`])
/// from Dirichlet(α) with the seed `splitmix64(seed, t)`. The
/// generator produces one parameter set per preference (`[P, ...]`), the network runs them
/// stacked on the minibatch ([`Network::forward_with`](tradeoff_problems::neural::Network::forward_with)),
/// the objectives give the `P × m` losses `L`, the signal the weights `w = ∂loss/∂L` (EPO and
/// PMGDA read each preference's Jacobian with respect to its generated parameters, `m` extra
/// backward passes through the target), and the gradient of `(1/P) Σ_p w_p · L_p` is one
/// backward pass, split at the generated parameters: their cotangent first, then one pass
/// through the generator. Optional clipping, then one Adam step. Everything is a function of
/// the seeds and `t`, so a run resumed from a checkpoint is the uninterrupted run, bit for bit.
pub struct NeuralTrainer<'a> {
    generator: &'a NeuralGenerator,
    problem: &'a NeuralProblem,
    train: Arc<dyn ExampleSet>,
    config: NeuralTrainConfig,
    signal: Signal,
    adam: Adam,
    iter: usize,
    data_seed: u64,
    order: Option<(usize, Vec<usize>)>,
}

impl std::fmt::Debug for NeuralTrainer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NeuralTrainer")
            .field("config", &self.config)
            .field("iter", &self.iter)
            .finish_non_exhaustive()
    }
}

impl<'a> NeuralTrainer<'a> {
    /// A trainer of `generator` on `problem`, whose training examples are `train` and whose
    /// minibatch order comes from `data_seed`.
    ///
    /// # Errors
    /// A bad configuration or signal, a generator whose preference length is not the problem's
    /// number of objectives.
    pub fn new(
        generator: &'a NeuralGenerator,
        problem: &'a NeuralProblem,
        train: Arc<dyn ExampleSet>,
        data_seed: u64,
        config: NeuralTrainConfig,
    ) -> Result<Self> {
        config.validate()?;
        let m = problem.objectives().len();
        if generator.config().n_obj != m || config.reference.len() != m {
            return Err(Error::DimensionMismatch {
                what: "objectives of the generator / reference vs the problem",
                expected: m,
                got: generator.config().n_obj,
            });
        }
        let mut info = ProblemInfo::new(problem.network().name(), generator.n_target_params(), m);
        info.reference_point.clone_from(&config.reference);
        let signal = Signal::new(&config.loss, &info)?;
        let adam = Adam::new(generator.vars().to_vec(), config.adam)?;
        Ok(Self {
            generator,
            problem,
            train,
            config,
            signal,
            adam,
            iter: 0,
            data_seed,
            order: None,
        })
    }

    /// Minibatches per epoch.
    pub fn steps_per_epoch(&self) -> usize {
        self.train.len().div_ceil(self.config.batch)
    }

    /// Steps in the whole run.
    pub fn total_steps(&self) -> usize {
        self.config.epochs * self.steps_per_epoch()
    }

    /// Steps done so far.
    pub fn iteration(&self) -> usize {
        self.iter
    }

    /// The settings.
    pub fn config(&self) -> &NeuralTrainConfig {
        &self.config
    }

    /// Examples in step `iter`'s minibatch (`batch`, fewer in an epoch's last one).
    fn minibatch_len(&self, iter: usize) -> usize {
        let index = iter % self.steps_per_epoch();
        self.config
            .batch
            .min(self.train.len() - index * self.config.batch)
    }

    /// The preferences of step `iter` (`pref_batch × n_obj`, or one row per minibatch example
    /// with [`PreferenceDraw::PerSample`]; entries at least `1e-12`).
    ///
    /// # Errors
    /// From the Dirichlet sampler.
    pub fn preferences(&self, iter: usize) -> Result<Matrix> {
        let rows = match self.config.draw {
            PreferenceDraw::PerStep => self.config.pref_batch,
            PreferenceDraw::PerSample => self.minibatch_len(iter),
        };
        let mut prefs = dirichlet(
            self.generator.config().n_obj,
            rows,
            self.config.alpha,
            mix(self.config.seed, iter as u64),
        )?;
        for v in prefs.as_mut_slice() {
            *v = v.max(1e-12);
        }
        Ok(prefs)
    }

    fn indices(&mut self, iter: usize) -> Vec<usize> {
        let steps = self.steps_per_epoch();
        let (epoch, index) = (iter / steps, iter % steps);
        if self.order.as_ref().is_none_or(|(e, _)| *e != epoch) {
            self.order = Some((epoch, epoch_order(self.data_seed, epoch, self.train.len())));
        }
        let order = &self.order.as_ref().expect("set above").1;
        let end = ((index + 1) * self.config.batch).min(order.len());
        order[index * self.config.batch..end].to_vec()
    }

    /// The generator's gradient at step `iter`'s minibatch and preferences, at the current
    /// weights (nothing is updated).
    ///
    /// # Errors
    /// candle's and the signal's errors.
    pub fn gradient(&mut self, iter: usize) -> Result<NeuralGradient> {
        let (grads, loss, objectives, prefs) = self.raw_gradient(iter)?;
        Ok(NeuralGradient {
            grads: grads.to_f64(),
            loss,
            objectives,
            prefs,
        })
    }

    fn raw_gradient(
        &mut self,
        iter: usize,
    ) -> Result<(crate::optim::RawGrads, f64, Matrix, Matrix)> {
        let dtype = self.generator.config().precision.dtype();
        let prefs = self.preferences(iter)?;
        let (p, m) = prefs.shape();
        let prefs_t =
            Tensor::from_slice(prefs.as_slice(), (p, m), &Device::Cpu)?.to_dtype(dtype)?;
        let lambda = to_matrix(&prefs_t)?;
        let indices = self.indices(iter);
        let generated = self.generator.generate(&prefs_t)?;
        let leaves = generated
            .iter()
            .map(|t| Ok(Var::from_tensor(&t.detach())?))
            .collect::<Result<Vec<Var>>>()?;
        let leaf_tensors: Vec<Tensor> = leaves.iter().map(|v| v.as_tensor().clone()).collect();
        let losses = match self.config.draw {
            PreferenceDraw::PerStep => self.losses(&leaf_tensors, &indices)?,
            PreferenceDraw::PerSample => {
                // Example k through the network of preference k: m columns of p values.
                let mut columns: Vec<Vec<Tensor>> = vec![Vec::with_capacity(p); m];
                for (k, &index) in indices.iter().enumerate() {
                    let own = leaf_tensors
                        .iter()
                        .map(|t| t.narrow(0, k, 1))
                        .collect::<candle_core::Result<Vec<Tensor>>>()?;
                    for (column, loss) in columns.iter_mut().zip(self.losses(&own, &[index])?) {
                        column.push(loss);
                    }
                }
                columns
                    .iter()
                    .map(|c| Tensor::cat(c, 0))
                    .collect::<candle_core::Result<Vec<Tensor>>>()?
            }
        };
        let mut f = Matrix::zeros(p, m);
        for (i, loss) in losses.iter().enumerate() {
            let values = loss.to_dtype(DType::F64)?.to_vec1::<f64>()?;
            for (k, v) in values.into_iter().enumerate() {
                f.set(k, i, v);
            }
        }
        if f.as_slice().iter().any(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: "objectives",
                iter,
            });
        }
        let jacobians = if self.signal.needs_jacobian() {
            Some(self.jacobians(&losses, &leaves, p, m)?)
        } else {
            None
        };
        let weights = self.signal.weights(&f, &lambda, jacobians.as_ref())?;
        let scale = 1.0 / p as f64;
        let mut total: Option<Tensor> = None;
        for (i, loss) in losses.iter().enumerate() {
            let column: Vec<f64> = (0..p).map(|k| weights.weights.get(k, i) * scale).collect();
            let w = Tensor::from_vec(column, p, loss.device())?.to_dtype(loss.dtype())?;
            let term = (loss * w)?.sum_all()?;
            total = Some(match total {
                None => term,
                Some(t) => (t + term)?,
            });
        }
        let total = total.expect("at least one objective");
        let cotangents = total.backward()?;
        let mut surrogate: Option<Tensor> = None;
        for (value, leaf) in generated.iter().zip(&leaves) {
            if let Some(c) = cotangents.get(leaf.as_tensor()) {
                let term = (value * c.detach())?.sum_all()?;
                surrogate = Some(match surrogate {
                    None => term,
                    Some(s) => (s + term)?,
                });
            }
        }
        let vars = self.generator.vars();
        let grads: Vec<Tensor> = match surrogate {
            Some(s) => {
                let store = s.backward()?;
                vars.iter()
                    .map(|v| match store.get(v.as_tensor()) {
                        Some(g) => Ok(g.clone()),
                        None => v.zeros_like(),
                    })
                    .collect::<candle_core::Result<_>>()?
            }
            None => vars
                .iter()
                .map(|v| v.zeros_like())
                .collect::<candle_core::Result<_>>()?,
        };
        let loss = weights.losses.iter().sum::<f64>() * scale;
        Ok((raw_from_tensors(&grads, dtype)?, loss, f, lambda))
    }

    /// The objectives' losses (one `[K]` tensor each) of the stacked networks `parameters` on
    /// the training examples `indices`.
    fn losses(&self, parameters: &[Tensor], indices: &[usize]) -> Result<Vec<Tensor>> {
        let network = self.problem.network();
        let batch = self
            .train
            .batch(indices, network.dtype(), network.device())?;
        let outputs = network.forward_with(parameters, &batch.input)?;
        Ok(self
            .problem
            .objectives()
            .iter()
            .map(|o| o.loss(&outputs, &batch))
            .collect::<tradeoff_problems::Result<Vec<Tensor>>>()?)
    }

    /// Each preference's Jacobian of its `m` losses with respect to its generated parameters.
    fn jacobians(
        &self,
        losses: &[Tensor],
        leaves: &[Var],
        p: usize,
        m: usize,
    ) -> Result<JacobianBatch> {
        let n = self.generator.n_target_params();
        let mut out = JacobianBatch::zeros(p, m, n);
        for (i, loss) in losses.iter().enumerate() {
            let store = loss.sum_all()?.backward()?;
            let mut offset = 0;
            for leaf in leaves {
                let per = leaf.elem_count() / p;
                if let Some(g) = store.get(leaf.as_tensor()) {
                    let values = g.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()?;
                    for k in 0..p {
                        out.point_mut(k)[i * n + offset..i * n + offset + per]
                            .copy_from_slice(&values[k * per..(k + 1) * per]);
                    }
                }
                offset += per;
            }
        }
        Ok(out)
    }

    /// One step; returns the mean signal loss of the step's preferences.
    ///
    /// # Errors
    /// candle's and the signal's errors; [`Error::NonFinite`] when the gradient is not finite.
    pub fn step(&mut self) -> Result<f64> {
        let iter = self.iter;
        let (mut grads, loss, _, _) = self.raw_gradient(iter)?;
        let norm = match self.config.clip_norm {
            Some(c) => grads.clip(c),
            None => grads.norm(),
        };
        if !norm.is_finite() {
            return Err(Error::NonFinite {
                what: "gradient",
                iter,
            });
        }
        self.adam.step_raw(&grads)?;
        self.iter += 1;
        Ok(loss)
    }

    /// The generator's variables and Adam's state, by name, for a checkpoint.
    ///
    /// # Errors
    /// candle's errors.
    pub fn state_tensors(&self) -> Result<HashMap<String, Tensor>> {
        let mut out = HashMap::new();
        for (name, var) in self.generator.var_names().iter().zip(self.generator.vars()) {
            out.insert(format!("model.{name}"), var.as_tensor().clone());
        }
        let (step, m, v) = self.adam.state_tensors()?;
        for (i, (m, v)) in m.into_iter().zip(v).enumerate() {
            out.insert(format!("adam.m.{i}"), m);
            out.insert(format!("adam.v.{i}"), v);
        }
        out.insert(
            "adam.step".into(),
            Tensor::new(&[step as u32, self.iter as u32], &Device::Cpu)?,
        );
        // The signal's state, when it keeps one (none for the scalarizations, EPO, PMGDA).
        let state = self.signal.save_state();
        for (key, values) in &state.floats {
            out.insert(
                format!("{SIGNAL_FLOATS}{key}"),
                Tensor::from_slice(values, values.len(), &Device::Cpu)?,
            );
        }
        for (key, values) in &state.integers {
            // u64 words kept bit for bit in an i64 tensor (safetensors has no u64 in candle).
            let words: Vec<i64> = values.iter().map(|&v| v as i64).collect();
            out.insert(
                format!("{SIGNAL_INTEGERS}{key}"),
                Tensor::from_vec(words, values.len(), &Device::Cpu)?,
            );
        }
        Ok(out)
    }

    /// Writes [`NeuralTrainer::state_tensors`] to `dir/checkpoint.safetensors` (through a
    /// temporary file and a rename).
    ///
    /// # Errors
    /// File and candle errors.
    pub fn save_state(&self, dir: &Path) -> Result<()> {
        let path = dir.join(NEURAL_CHECKPOINT_TENSORS);
        let temporary = dir.join(format!("{NEURAL_CHECKPOINT_TENSORS}.tmp"));
        candle_core::safetensors::save(&self.state_tensors()?, &temporary)?;
        std::fs::rename(&temporary, &path).map_err(|source| Error::Io { path, source })
    }

    /// Restores the generator's variables, Adam's state and the step from
    /// `dir/checkpoint.safetensors`.
    ///
    /// # Errors
    /// A missing file or tensor, a shape that does not fit.
    pub fn restore_state(&mut self, dir: &Path) -> Result<()> {
        let tensors =
            candle_core::safetensors::load(dir.join(NEURAL_CHECKPOINT_TENSORS), &Device::Cpu)?;
        let get = |key: &str| {
            tensors
                .get(key)
                .cloned()
                .ok_or_else(|| Error::BadCheckpoint(format!("no tensor '{key}'")))
        };
        for (name, var) in self.generator.var_names().iter().zip(self.generator.vars()) {
            let t = get(&format!("model.{name}"))?;
            if t.dims() != var.dims() || t.dtype() != var.dtype() {
                return Err(Error::BadCheckpoint(format!(
                    "'{name}' has shape {:?}, the model's is {:?}",
                    t.dims(),
                    var.dims()
                )));
            }
            var.set(&t)?;
        }
        let n = self.generator.vars().len();
        let m = (0..n)
            .map(|i| get(&format!("adam.m.{i}")))
            .collect::<Result<Vec<_>>>()?;
        let v = (0..n)
            .map(|i| get(&format!("adam.v.{i}")))
            .collect::<Result<Vec<_>>>()?;
        let counters = get("adam.step")?.to_vec1::<u32>()?;
        if counters.len() != 2 {
            return Err(Error::BadCheckpoint(
                "adam.step must hold 2 counters".into(),
            ));
        }
        self.adam.load_state_tensors(counters[0] as usize, &m, &v)?;
        let mut state = tradeoff_solvers::MethodState::new();
        for (name, t) in &tensors {
            if let Some(key) = name.strip_prefix(SIGNAL_FLOATS) {
                state.put_floats(key, &t.to_dtype(DType::F64)?.to_vec1::<f64>()?);
            } else if let Some(key) = name.strip_prefix(SIGNAL_INTEGERS) {
                let words: Vec<u64> = t.to_vec1::<i64>()?.into_iter().map(|v| v as u64).collect();
                state.put_integers(key, &words);
            }
        }
        self.signal.load_state(&state)?;
        self.iter = counters[1] as usize;
        Ok(())
    }
}

fn to_matrix(t: &Tensor) -> Result<Matrix> {
    let (rows, cols) = t.dims2()?;
    let data = t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
    Ok(Matrix::from_vec(rows, cols, data)?)
}
