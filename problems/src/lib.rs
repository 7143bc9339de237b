//! Multi-objective problems with exact gradients: the [`Problem`] abstraction (batched,
//! differentiable through candle, with optional analytic Jacobians), the registry of built-in
//! problems, and their true Pareto fronts.
//!
//! Built-in suites: ZDT, DTLZ, VLMOP, MaF1, the RE engineering problems, and LibMOON's
//! regression and two-Gaussian problems.

mod autodiff;
mod dtlz;
mod error;
mod maf;
pub mod neural;
pub mod pinn;
mod problem;
pub mod process;
mod re;
mod registry;
mod regression;
mod source;
mod vlmop;
mod zdt;

pub use autodiff::{TensorProblem, autodiff_jacobian, evaluate_with_tensors};
pub use dtlz::{Dtlz1, Dtlz2, Dtlz3, Dtlz4, Dtlz5, Dtlz6, Dtlz7};
pub use error::{Error, Result};
pub use maf::Maf1;
pub use problem::{JacobianBatch, Normalization, Problem, ProblemInfo};
pub use process::configure_process;
pub use re::{Re21, Re22, Re23, Re24, Re25, Re31, Re37, Re41, Re42};
pub use registry::{
    MAX_N_OBJ, MAX_N_VAR, ProblemEntry, ProblemSpec, build_problem, find_problem, fixed_size,
    free_size, problem_entries,
};
pub use regression::{LinearRegression, LinearRegressionParams, MooGaussian};
pub use source::{GradientSource, ProblemSource};
pub use vlmop::{Vlmop1, Vlmop2};
pub use zdt::{Zdt1, Zdt2, Zdt3, Zdt4, Zdt6};
