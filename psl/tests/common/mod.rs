//! Shared test helpers.

use tradeoff_pareto::Matrix;
use tradeoff_problems::{Normalization, Problem, ProblemSpec, build_problem};
use tradeoff_psl::{ModelConfig, ModelKind, ParetoSetModel, build_model, evaluate};

/// One candle thread and glibc allocator thresholds, as the CLI sets them (candle reads the
/// variable on every matrix product). Every test calls this first; the library's `Once` makes
/// the other test threads wait until it is done.
pub fn init() {
    tradeoff_problems::configure_process();
}

pub fn problem(name: &str) -> Box<dyn Problem> {
    build_problem(&ProblemSpec::new(name).normalize(Normalization::Libmoon)).expect("problem")
}

/// A small model of `family` (width 32, depth 2).
pub fn small_config(family: ModelKind, problem: &dyn Problem, seed: u64) -> ModelConfig {
    ModelConfig::for_problem(family, problem.info())
        .with_width(32)
        .with_depth(2)
        .with_seed(seed)
}

pub fn small_model(family: ModelKind, problem: &dyn Problem, seed: u64) -> Box<dyn ParetoSetModel> {
    build_model(&small_config(family, problem, seed)).expect("model")
}

/// Hypervolume of the model at LibMOON's evaluation preferences.
pub fn hv(model: &dyn ParetoSetModel, problem: &dyn Problem) -> f64 {
    evaluate(model, problem, None)
        .expect("evaluate")
        .indicators
        .hv
}

/// Every variable's values, flattened, as f64 bits.
pub fn weight_bits(model: &dyn ParetoSetModel) -> Vec<Vec<u64>> {
    model
        .vars()
        .iter()
        .map(|v| {
            v.as_tensor()
                .flatten_all()
                .and_then(|t| t.to_dtype(candle_core::DType::F64))
                .and_then(|t| t.to_vec1::<f64>())
                .expect("values")
                .into_iter()
                .map(f64::to_bits)
                .collect()
        })
        .collect()
}

pub fn bits(m: &Matrix) -> Vec<u64> {
    m.as_slice().iter().map(|v| v.to_bits()).collect()
}
