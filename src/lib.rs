//! tradeoff: gradient-based multi-objective optimisation and Pareto-set learning.
//!
//! This crate re-exports the workspace's library crates under short names and holds the
//! experiment records shared by the command-line tool:
//! - [`pareto`]: objective-space maths (dominance, hypervolume, indicators, preferences);
//! - [`problems`]: the `Problem` trait and the built-in problem suites;
//! - [`solvers`]: scalarizations, gradient aggregators, the preference-set driver and the
//!   set-level methods;
//! - [`psl`]: Pareto-set models, their trainer, evaluation and storage;
//! - [`plots`]: PNG/SVG pictures of fronts, histories and comparisons;
//! - [`input`]: the parsers of user input (point sets as JSON or CSV, inline vectors);
//! - [`records`]: every indicator of a point set as one JSON object;
//! - [`candle`]: the tensor library (`candle-core`) in the version the workspace uses, for
//!   writing a [`problems::TensorProblem`] without a dependency of your own.

// The README's library example is compiled as a doctest of this crate.
#![doc = ""]
#![doc = include_str!("../README.md")]

/// The tensor library (`candle-core`) that problems' autodiff and the Pareto-set models use,
/// re-exported so that a `TensorProblem`'s closure needs no `candle-core` dependency (and no
/// guess of its version): `use tradeoff::candle::Tensor;`.
pub use candle_core as candle;
pub use tradeoff_pareto as pareto;
pub use tradeoff_plots as plots;
pub use tradeoff_problems as problems;
pub use tradeoff_psl as psl;
pub use tradeoff_solvers as solvers;

pub mod input;
pub mod records;
