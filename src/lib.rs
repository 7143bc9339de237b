//! tradeoff: gradient-based multi-objective optimisation and Pareto-set learning.
pub use tradeoff_pareto as pareto;
