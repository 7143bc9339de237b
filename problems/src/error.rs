//! Errors of the `problems` crate.

/// What can go wrong when building or evaluating a problem.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No problem has this name.
    #[error("unknown problem '{name}' (known: {known})")]
    UnknownProblem {
        /// The name asked for.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },
    /// A size option is impossible for this problem.
    #[error("{problem}: {what} must be {rule}, got {got}")]
    InvalidSize {
        /// The problem's name.
        problem: String,
        /// `n_var` or `n_obj`.
        what: &'static str,
        /// The rule, e.g. "2 (fixed)" or "at least 2".
        rule: String,
        /// The size asked for.
        got: usize,
    },
    /// An input has the wrong shape.
    #[error("{what}: expected {expected}, got {got}")]
    DimensionMismatch {
        /// What was measured.
        what: String,
        /// The size required.
        expected: usize,
        /// The size found.
        got: usize,
    },
    /// An input holds NaN or an infinity.
    #[error("{what} has a non-finite value at row {row}, column {column}")]
    NonFinite {
        /// What holds the value.
        what: &'static str,
        /// Its row.
        row: usize,
        /// Its column.
        column: usize,
    },
    /// A point lies outside the problem's box, where its objectives are not defined.
    #[error(
        "{problem}: row {row}, column {column} is {value}, outside the box ({bound} bound {limit})"
    )]
    OutOfBounds {
        /// The problem's name.
        problem: String,
        /// The point's row.
        row: usize,
        /// The variable's column.
        column: usize,
        /// The value found.
        value: f64,
        /// `"lower"` or `"upper"`: the bound crossed.
        bound: &'static str,
        /// The bound's value.
        limit: f64,
    },
    /// This problem has no such capability (e.g. no known true front).
    #[error("{problem}: {what}")]
    Unsupported {
        /// The problem's name.
        problem: String,
        /// What is not supported, and why.
        what: String,
    },
    /// An error from the tensor library during autodiff.
    #[error("tensor computation failed: {0}")]
    Tensor(#[from] candle_core::Error),
    /// An error from the objective-space layer.
    #[error(transparent)]
    Pareto(#[from] tradeoff_pareto::Error),
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
