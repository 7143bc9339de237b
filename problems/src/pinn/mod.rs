//! Physics-informed neural networks: a tanh MLP with forward-mode jets, PDE residual losses,
//! collocation sampling, and the PDE problems of ConFIG's experiments as [`GradientSource`]s.
//!
//! [`GradientSource`]: crate::GradientSource

pub mod network;

pub use network::{JetForward, JetSpec, MlpShape, MlpWeights, Real};
