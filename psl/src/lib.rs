//! Pareto-set learning: neural models that map any preference `λ` (a point of the simplex) to
//! the Pareto-optimal solution it asks for, trained once over the whole simplex and then
//! queried instantly.
//!
//! * **Models** ([`ParetoSetModel`], built by [`build_model`] from a [`ModelConfig`]): LibMOON's
//!   preference-to-solution MLP ([`PrefMlp`]), a hypernetwork emitting the parameters of a
//!   target network ([`HyperNet`], [`TargetNet`]), a preference-conditioned network
//!   ([`ConditionedNet`]: λ as an extra input or FiLM modulation), and model combinations
//!   ([`PamalNet`]: `θ(λ) = Σ λ_i θ_i`; [`LowRankNet`]: `W(λ) = W_0 + Σ λ_i A_i B_i`). Weights
//!   are initialised from the model's own seed, so a configuration always gives the same model.
//! * **Training** ([`train`], [`Trainer`], [`TrainConfig`]): Dirichlet preference batches, a
//!   training signal per preference ([`LossSpec`], [`Signal`]: any scalarization, EPO or PMGDA
//!   weights, or the hypervolume signal), the model's gradient by one vector–Jacobian product
//!   through the problem's analytic Jacobian ([`GradientPath`]), global-norm clipping
//!   ([`clip_grad_norm`]) and Adam without weight decay ([`Adam`]). Reproducible bit for bit.
//! * **Evaluation** ([`evaluate`], [`query`], [`dense_front`]): LibMOON's evaluation preferences
//!   ([`evaluation_preferences`]), every indicator ([`Indicators`]).
//! * **Storage** ([`save_model`], [`load_model`]): safetensors weights plus a JSON of the
//!   configuration; a loaded model answers queries bit for bit like the saved one.
//!
//! All objectives are minimised. On CPU set `RAYON_NUM_THREADS=1` before any tensor work
//! (candle reads it on every matrix product; one thread was fastest for these sizes).
//!
//! # Differences from LibMOON's PSL (`solver/psl/core_psl.py`, commit b43d825)
//! - **Tche / mTche**: LibMOON's return the unweighted active objective `f_{k*}`; the solvers
//!   crate's default is the weighted `max_i λ_i f_i`. [`LossSpec::libmoon`] selects LibMOON's.
//!   On RE37 LibMOON's form is bimodal across seeds (about 0.465 or 0.549 hypervolume;
//!   LibMOON's own re-run gave 0.506 ± 0.042 against its table's 0.548); the weighted form
//!   gives 0.549 on every seed.
//! - **EPO / PMGDA**: one aggregator for the whole run, weights per row from the batch's
//!   analytic Jacobians (LibMOON rebuilds 128 cvxpy problems and runs `B·m` backward passes per
//!   iteration: 0.5 s and 0.1 s; here the whole iteration costs about as much as a
//!   scalarization's).
//! - **Seeding**: weights come from our seeded generator ([`InitScheme`]), preferences from a
//!   per-run seeded stream; LibMOON reseeds numpy's global generator in `get_problem`, so its
//!   seeds share one preference stream.
//! - **Models**: the hypernetwork takes any number of objectives and any [`TargetNet`]
//!   (LibMOON's is hard-wired to two objectives and LeNet); the low-rank combination gives each
//!   objective its own factors (LibMOON's LoRA scales one pair by `λ_1`); PaMaL and
//!   preference-conditioned networks are not in LibMOON.
//!
//! ```
//! use tradeoff_problems::{build_problem, ProblemSpec};
//! use tradeoff_psl::{build_model, evaluate, train, LossSpec, ModelConfig, ModelKind, TrainConfig};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let problem = build_problem(&ProblemSpec::new("vlmop2"))?;
//! let config = ModelConfig::for_problem(ModelKind::Mlp, problem.info()).with_width(32).with_depth(2);
//! let model = build_model(&config)?;
//! let before = evaluate(model.as_ref(), problem.as_ref(), None)?.indicators.hv;
//! let training = TrainConfig::new(LossSpec::new("cosmos")).with_iters(100).with_batch_size(32);
//! train(model.as_ref(), problem.as_ref(), &training)?;
//! let after = evaluate(model.as_ref(), problem.as_ref(), None)?.indicators.hv;
//! assert!(after > before);
//! # Ok(()) }
//! ```

mod error;
mod eval;
mod io;
mod model;
pub mod neural;
mod ops;
mod optim;
mod params;
mod signal;
mod target;
mod train;

pub use error::{Error, Result};
pub use eval::{
    DenseFront, Evaluation, Indicators, default_eval_size, dense_front, evaluate,
    evaluation_preferences, indicators, query,
};
pub use io::{
    CONFIG_FILE, FORMAT_VERSION, LoadedModel, MODEL_SCHEMA_VERSION, ProblemRecord, SavedConfig,
    WEIGHTS_FILE, load_model, load_model_from_bytes, parse_saved_config, save_model,
};
pub use model::{
    Backward, CombinationBase, ConditionedNet, Conditioning, HyperNet, LowRankNet,
    MAX_MODEL_PARAMETERS, ModelConfig, ModelKind, OutputMap, PamalNet, ParetoSetModel, PrefMlp,
    Traced, build_model,
};
pub use optim::{Adam, AdamParams, clip_grad_norm};
pub use params::{InitScheme, Precision};
pub use signal::{BatchWeights, LossSpec, Signal};
pub use target::{Activation, TargetLayer, TargetNet, TargetTensor};
pub use train::{
    GradientPath, Gradients, StepStats, TrainConfig, TrainHistory, Trainer, compute_gradients,
    train,
};
