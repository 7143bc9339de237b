//! Errors of the `psl` crate.

use std::path::PathBuf;

/// What can go wrong when building, training, evaluating, saving or loading a Pareto-set model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value breaks its rule.
    #[error("{what} {rule}, got {got}")]
    InvalidConfig {
        /// The setting, e.g. `batch_size`.
        what: &'static str,
        /// The rule, e.g. "must be at least 1".
        rule: &'static str,
        /// The value given.
        got: String,
    },
    /// Sizes that do not fit together.
    #[error("{what}: expected {expected}, got {got}")]
    DimensionMismatch {
        /// What was measured.
        what: &'static str,
        /// The size required.
        expected: usize,
        /// The size found.
        got: usize,
    },
    /// No training signal has this name.
    #[error("unknown loss '{name}' (known: {known})")]
    UnknownLoss {
        /// The name asked for.
        name: String,
        /// The known names.
        known: String,
    },
    /// A loss option that the signal does not have, or a value that does not parse.
    #[error("loss {loss}: {message}")]
    BadLossOption {
        /// The signal's name.
        loss: String,
        /// What is wrong.
        message: String,
    },
    /// An aggregator returned no weights, so it cannot drive a Pareto-set model.
    #[error("{method} returns no weights; Pareto-set learning needs weights w with d = Jᵀw")]
    NoWeights {
        /// The method's name.
        method: &'static str,
    },
    /// Training produced a NaN or infinite value.
    #[error(
        "training diverged at iteration {iter}: non-finite {what} (try a smaller learning rate)"
    )]
    NonFinite {
        /// What became non-finite (loss, gradient, objectives).
        what: &'static str,
        /// The iteration.
        iter: usize,
    },
    /// A saved model is missing a tensor or has one of the wrong shape.
    #[error("saved model: {0}")]
    BadCheckpoint(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A JSON file that does not parse.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// An error from the tensor library.
    #[error("tensor computation failed: {0}")]
    Tensor(#[from] candle_core::Error),
    /// An error from a problem.
    #[error(transparent)]
    Problem(#[from] tradeoff_problems::Error),
    /// An error from a scalarization or aggregator.
    #[error(transparent)]
    Solver(#[from] tradeoff_solvers::Error),
    /// Invalid scalarization or aggregator parameters.
    #[error(transparent)]
    Params(#[from] tradeoff_solvers::ParamsError),
    /// An error from the objective-space layer (preferences, indicators).
    #[error(transparent)]
    Pareto(#[from] tradeoff_pareto::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn invalid(what: &'static str, rule: &'static str, got: impl ToString) -> Error {
    Error::InvalidConfig {
        what,
        rule,
        got: got.to_string(),
    }
}
