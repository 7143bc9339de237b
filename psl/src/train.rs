//! The Pareto-set learning trainer: Dirichlet preference batches, the per-row training signal,
//! one vector–Jacobian product through the model, gradient clipping and Adam.

use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};
use tradeoff_pareto::{Matrix, dirichlet};
use tradeoff_problems::Problem;

use crate::error::{Error, Result, invalid};
use crate::model::ParetoSetModel;
use crate::optim::{Adam, AdamParams, RawGrads};
use crate::signal::{LossSpec, Signal};

/// How the gradient of the objectives reaches the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GradientPath {
    /// [`GradientPath::Analytic`] when the problem has an analytic Jacobian, else
    /// [`GradientPath::Autodiff`].
    #[default]
    Auto,
    /// `X = model(λ)` is copied to f64, [`Problem::jacobian`] gives `F` and `J` for the whole
    /// batch, `G_b = J_bᵀ w_b / B`, and one backward pass of `Σ X ⊙ G` (with `G` a constant)
    /// gives the model's gradient: a vector–Jacobian product, no graph through the problem.
    /// The backward pass is the model's own when it has one
    /// ([`ParetoSetModel::forward_traced`], the MLP), candle's autograd otherwise.
    Analytic,
    /// `F = problem.evaluate_tensor(X)` is differentiated by candle together with the model:
    /// one backward pass of `Σ F ⊙ W / B` with `W` the constant weights. For problems without an
    /// analytic Jacobian (aggregator signals still call [`Problem::jacobian`] for their weights).
    Autodiff,
}

impl GradientPath {
    /// The name (`auto`, `analytic`, `autodiff`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Analytic => "analytic",
            Self::Autodiff => "autodiff",
        }
    }
}

/// Training settings. The defaults are LibMOON's PSL settings: 1000 iterations, batch 128,
/// Adam with learning rate `1e-3` and no weight decay, Dirichlet(1) preferences, gradients
/// clipped to global norm 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Iterations (one batch each). Default 1000.
    pub iters: usize,
    /// Preferences per batch `B`. Default 128.
    pub batch_size: usize,
    /// Adam's settings. Default lr `1e-3`, β = (0.9, 0.999), ε = `1e-8`.
    pub adam: AdamParams,
    /// Concentration `α` of the symmetric Dirichlet the preferences are drawn from. Default 1
    /// (uniform on the simplex).
    pub alpha: f64,
    /// Clip the gradient to this global L2 norm (`None`: no clipping). Default `Some(1.0)`.
    pub clip_norm: Option<f64>,
    /// Seed of the preference stream. Default 0.
    pub seed: u64,
    /// The training signal. Default `tche` (textbook weighted Tchebycheff).
    pub loss: LossSpec,
    /// How gradients are computed. Default [`GradientPath::Auto`].
    pub gradient: GradientPath,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            iters: 1000,
            batch_size: 128,
            adam: AdamParams::default(),
            alpha: 1.0,
            clip_norm: Some(1.0),
            seed: 0,
            loss: LossSpec::new("tche"),
            gradient: GradientPath::Auto,
        }
    }
}

impl TrainConfig {
    /// The defaults with this training signal.
    pub fn new(loss: LossSpec) -> Self {
        Self {
            loss,
            ..Self::default()
        }
    }

    /// Sets the number of iterations.
    #[must_use]
    pub fn with_iters(mut self, iters: usize) -> Self {
        self.iters = iters;
        self
    }

    /// Sets the batch size.
    #[must_use]
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }

    /// Sets Adam's learning rate.
    #[must_use]
    pub fn with_lr(mut self, lr: f64) -> Self {
        self.adam.lr = lr;
        self
    }

    /// Sets the preference seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the clipping norm (`None` disables clipping).
    #[must_use]
    pub fn with_clip_norm(mut self, clip_norm: Option<f64>) -> Self {
        self.clip_norm = clip_norm;
        self
    }

    /// Sets the Dirichlet concentration.
    #[must_use]
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the gradient path.
    #[must_use]
    pub fn with_gradient(mut self, gradient: GradientPath) -> Self {
        self.gradient = gradient;
        self
    }

    /// Checks every rule.
    pub fn validate(&self) -> Result<()> {
        if self.batch_size == 0 {
            return Err(invalid("batch_size", "must be at least 1", 0));
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

/// What one training step did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepStats {
    /// The iteration (0-based).
    pub iter: usize,
    /// Mean per-row loss of the batch (before the step).
    pub loss: f64,
    /// Global gradient norm before clipping.
    pub grad_norm: f64,
}

/// Per-iteration records of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainHistory {
    /// Mean batch loss per iteration.
    pub loss: Vec<f64>,
    /// Gradient norm before clipping per iteration.
    pub grad_norm: Vec<f64>,
    /// Wall-clock seconds of the whole run.
    pub seconds: f64,
}

/// The model's gradient for one batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// One flattened gradient per model variable ([`ParetoSetModel::vars`] order).
    pub grads: Vec<Vec<f64>>,
    /// Mean per-row loss.
    pub loss: f64,
    /// The batch's solutions, `B × n_var`.
    pub solutions: Matrix,
    /// Their objectives, `B × n_obj`.
    pub objectives: Matrix,
}

fn to_matrix(t: &Tensor) -> Result<Matrix> {
    let (rows, cols) = t.dims2()?;
    let data = t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
    Ok(Matrix::from_vec(rows, cols, data)?)
}

/// The gradient of `(1/B) Σ_b loss_b` with respect to the model's variables, for the
/// preferences `prefs` (`B × n_obj`).
///
/// The preferences are rounded to the model's precision first, and the signal sees the rounded
/// values (the ones the model sees).
pub fn compute_gradients(
    model: &dyn ParetoSetModel,
    problem: &dyn Problem,
    signal: &mut Signal,
    prefs: &Matrix,
    path: GradientPath,
) -> Result<Gradients> {
    let raw = compute_raw(model, problem, signal, prefs, path)?;
    Ok(Gradients {
        grads: raw.grads.to_f64(),
        loss: raw.loss,
        solutions: raw.solutions,
        objectives: raw.objectives,
    })
}

/// [`Gradients`] with the gradients kept in the model's precision.
struct RawGradients {
    grads: RawGrads,
    loss: f64,
    solutions: Matrix,
    objectives: Matrix,
}

fn compute_raw(
    model: &dyn ParetoSetModel,
    problem: &dyn Problem,
    signal: &mut Signal,
    prefs: &Matrix,
    path: GradientPath,
) -> Result<RawGradients> {
    let dtype = model.config().precision.dtype();
    let (b, m) = prefs.shape();
    let prefs_t = Tensor::from_slice(prefs.as_slice(), (b, m), &Device::Cpu)?.to_dtype(dtype)?;
    let lambda = to_matrix(&prefs_t)?;
    let path = match path {
        GradientPath::Auto if problem.has_analytic_jacobian() => GradientPath::Analytic,
        GradientPath::Auto => GradientPath::Autodiff,
        p => p,
    };
    // A model with a hand-written backward pass skips autograd on the analytic path.
    let traced = if path == GradientPath::Analytic {
        model.forward_traced(&prefs_t)?
    } else {
        None
    };
    let (x, manual_backward) = match traced {
        Some(t) => (t.output, Some(t.backward)),
        None => (model.forward(&prefs_t)?, None),
    };
    let solutions = to_matrix(&x)?;
    let scale = 1.0 / b as f64;
    let (surrogate, objectives, loss) = if path == GradientPath::Analytic {
        let (f, jac) = problem.jacobian(&solutions)?;
        let bw = signal.weights(&f, &lambda, Some(&jac))?;
        let (_, _, n) = jac.shape();
        let mut g = vec![0.0; b * n];
        for k in 0..b {
            let jk = jac.point(k);
            let row = &mut g[k * n..(k + 1) * n];
            for (i, &w) in bw.weights.row(k).iter().enumerate() {
                if w != 0.0 {
                    let w = w * scale;
                    for (gj, &jij) in row.iter_mut().zip(&jk[i * n..(i + 1) * n]) {
                        *gj += w * jij;
                    }
                }
            }
        }
        let g = Tensor::from_vec(g, (b, n), &Device::Cpu)?.to_dtype(dtype)?;
        if let Some(backward) = manual_backward {
            let grads = backward(&g)?;
            return Ok(RawGradients {
                grads: raw_from_tensors(&grads, dtype)?,
                loss: bw.losses.iter().sum::<f64>() * scale,
                solutions,
                objectives: f,
            });
        }
        let surrogate = (&x * &g)?.sum_all()?;
        (surrogate, f, bw.losses)
    } else {
        let x64 = if dtype == DType::F64 {
            x.clone()
        } else {
            x.to_dtype(DType::F64)?
        };
        let f_t = problem.evaluate_tensor(&x64)?;
        let f = to_matrix(&f_t)?;
        let jac = if signal.needs_jacobian() {
            Some(problem.jacobian(&solutions)?.1)
        } else {
            None
        };
        let bw = signal.weights(&f, &lambda, jac.as_ref())?;
        let w: Vec<f64> = bw.weights.as_slice().iter().map(|v| v * scale).collect();
        let w = Tensor::from_vec(w, (b, m), &Device::Cpu)?;
        let surrogate = (&f_t * &w)?.sum_all()?;
        (surrogate, f, bw.losses)
    };
    let store = surrogate.backward()?;
    let grads: Vec<Tensor> = model
        .vars()
        .iter()
        .map(|var| match store.get(var.as_tensor()) {
            Some(g) => Ok(g.clone()),
            None => var.zeros_like(),
        })
        .collect::<candle_core::Result<_>>()?;
    let grads = raw_from_tensors(&grads, dtype)?;
    let loss = loss.iter().sum::<f64>() * scale;
    Ok(RawGradients {
        grads,
        loss,
        solutions,
        objectives,
    })
}

/// Flattened copies of the gradient tensors in the model's precision.
pub(crate) fn raw_from_tensors(grads: &[Tensor], dtype: DType) -> Result<RawGrads> {
    fn collect<T: candle_core::WithDType>(grads: &[Tensor]) -> Result<Vec<Vec<T>>> {
        grads
            .iter()
            .map(|g| Ok(g.flatten_all()?.to_vec1::<T>()?))
            .collect()
    }
    Ok(if dtype == DType::F64 {
        RawGrads::F64(collect::<f64>(grads)?)
    } else {
        RawGrads::F32(collect::<f32>(grads)?)
    })
}

/// SplitMix64: a seed per iteration from the run's seed.
pub(crate) fn mix(seed: u64, stream: u64) -> u64 {
    let mut z = seed
        .wrapping_add(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Trains a [`ParetoSetModel`] on a [`Problem`].
///
/// Each iteration: draw `B` preferences from Dirichlet(α) (iteration `t` uses the seed
/// `splitmix64(seed, t)`, so runs are reproducible bit for bit and independent of the model's
/// initialisation seed); `X = model(λ)`; the signal's weights `w_b = ∂loss_b/∂f` at
/// `f(X)` (see [`Signal`]); the model's gradient of `(1/B) Σ_b loss_b` by one backward pass
/// ([`GradientPath`]); clipping to the global norm; one Adam step.
///
/// Differences from LibMOON's `BasePSLSolver`: EPO and PMGDA reuse one aggregator for every row
/// and every iteration and take each row's Jacobian from the problem in one batched call
/// (LibMOON rebuilds 128 cvxpy problems and runs `B·m` backward passes per iteration); the
/// preference stream is seeded per run (LibMOON's `get_problem` reseeds numpy's global
/// generator, so its three seeds share one preference stream).
pub struct Trainer<'a> {
    model: &'a dyn ParetoSetModel,
    problem: &'a dyn Problem,
    config: TrainConfig,
    signal: Signal,
    adam: Adam,
    iter: usize,
}

impl std::fmt::Debug for Trainer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trainer")
            .field("config", &self.config)
            .field("iter", &self.iter)
            .finish_non_exhaustive()
    }
}

impl<'a> Trainer<'a> {
    /// A trainer for `model` on `problem`; checks that their sizes agree.
    pub fn new(
        model: &'a dyn ParetoSetModel,
        problem: &'a dyn Problem,
        config: TrainConfig,
    ) -> Result<Self> {
        config.validate()?;
        let info = problem.info();
        let mc = model.config();
        if mc.n_obj != info.n_obj {
            return Err(Error::DimensionMismatch {
                what: "model n_obj vs problem n_obj",
                expected: info.n_obj,
                got: mc.n_obj,
            });
        }
        if mc.n_var != info.n_var {
            return Err(Error::DimensionMismatch {
                what: "model n_var vs problem n_var",
                expected: info.n_var,
                got: mc.n_var,
            });
        }
        let signal = Signal::new(&config.loss, info)?;
        let adam = Adam::new(model.vars().to_vec(), config.adam)?;
        Ok(Self {
            model,
            problem,
            config,
            signal,
            adam,
            iter: 0,
        })
    }

    /// The settings.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// Iterations done so far.
    pub fn iteration(&self) -> usize {
        self.iter
    }

    /// The preferences of iteration `iter` (`batch_size × n_obj`). Entries below `1e-12` are
    /// raised to `1e-12` (never seen with α = 1; it keeps `1/λ` finite for small α).
    pub fn preferences(&self, iter: usize) -> Result<Matrix> {
        let mut prefs = dirichlet(
            self.problem.info().n_obj,
            self.config.batch_size,
            self.config.alpha,
            mix(self.config.seed, iter as u64),
        )?;
        for v in prefs.as_mut_slice() {
            *v = v.max(1e-12);
        }
        Ok(prefs)
    }

    /// One iteration.
    pub fn step(&mut self) -> Result<StepStats> {
        let iter = self.iter;
        let prefs = self.preferences(iter)?;
        let mut g = compute_raw(
            self.model,
            self.problem,
            &mut self.signal,
            &prefs,
            self.config.gradient,
        )
        .map_err(|e| match e {
            // After a step, a non-finite model output means the weights diverged.
            Error::Problem(tradeoff_problems::Error::NonFinite { .. }) if iter > 0 => {
                Error::NonFinite {
                    what: "model output",
                    iter,
                }
            }
            other => other,
        })?;
        if !g.loss.is_finite() {
            return Err(Error::NonFinite { what: "loss", iter });
        }
        let grad_norm = match self.config.clip_norm {
            Some(c) => g.grads.clip(c),
            None => g.grads.norm(),
        };
        if !grad_norm.is_finite() {
            return Err(Error::NonFinite {
                what: "gradient",
                iter,
            });
        }
        self.adam.step_raw(&g.grads)?;
        self.iter += 1;
        Ok(StepStats {
            iter,
            loss: g.loss,
            grad_norm,
        })
    }

    /// Runs the remaining iterations, calling `observer` after each.
    pub fn run(&mut self, mut observer: impl FnMut(&StepStats)) -> Result<TrainHistory> {
        let start = Instant::now();
        let mut history = TrainHistory::default();
        while self.iter < self.config.iters {
            let stats = self.step()?;
            history.loss.push(stats.loss);
            history.grad_norm.push(stats.grad_norm);
            observer(&stats);
        }
        history.seconds = start.elapsed().as_secs_f64();
        Ok(history)
    }
}

/// Trains `model` on `problem` for `config.iters` iterations (see [`Trainer`]).
///
/// ```
/// use tradeoff_problems::{build_problem, ProblemSpec};
/// use tradeoff_psl::{build_model, train, LossSpec, ModelConfig, ModelKind, TrainConfig};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let problem = build_problem(&ProblemSpec::new("vlmop2"))?;
/// let model = build_model(&ModelConfig::for_problem(ModelKind::Mlp, problem.info()).with_width(32))?;
/// let config = TrainConfig::new(LossSpec::new("cosmos")).with_iters(20).with_batch_size(16);
/// let history = train(model.as_ref(), problem.as_ref(), &config)?;
/// assert_eq!(history.loss.len(), 20);
/// # Ok(()) }
/// ```
pub fn train(
    model: &dyn ParetoSetModel,
    problem: &dyn Problem,
    config: &TrainConfig,
) -> Result<TrainHistory> {
    Trainer::new(model, problem, config.clone())?.run(|_| {})
}
