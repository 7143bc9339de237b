//! tradeoff: gradient-based multi-objective optimisation and Pareto-set learning.
//!
//! This crate re-exports the workspace's library crates under short names and holds the
//! experiment records shared by the command-line tool:
//! - [`pareto`]: objective-space maths (dominance, hypervolume, indicators, preferences);
//! - [`problems`]: the `Problem` trait and the built-in problem suites;
//! - [`solvers`]: scalarizations, gradient aggregators and the preference-set driver;
//! - [`records`]: every indicator of a point set as one JSON object.

pub use tradeoff_pareto as pareto;
pub use tradeoff_problems as problems;
pub use tradeoff_solvers as solvers;

pub mod records;
