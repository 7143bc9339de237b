//! Physics-informed neural networks: a tanh MLP with forward-mode jets, PDE residual losses,
//! collocation sampling, and the PDE problems of ConFIG's experiments as [`GradientSource`]s.
//!
//! [`GradientSource`]: crate::GradientSource

pub mod network;
pub mod pdes;
pub mod problem;
pub mod sampling;

pub use network::{JetForward, JetSpec, MlpShape, MlpWeights, Real};
pub use pdes::{PINN_PROBLEMS, PinnOptions, build_pinn, is_pinn_problem, pinn_spec};
pub use problem::{
    DataSampler, JetCotangent, JetPoint, LossTerm, PinnEvaluator, PinnProblem, PinnSpec,
    PointSampler, Precision, Residual, TermKind, TestSet,
};
