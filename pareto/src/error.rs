//! Errors of the `pareto` crate.

/// What can go wrong in objective-space computations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Two sizes that must agree do not.
    #[error("{what}: expected {expected}, got {got}")]
    DimensionMismatch {
        /// What was measured.
        what: &'static str,
        /// The size required.
        expected: usize,
        /// The size found.
        got: usize,
    },
    /// Rows of a point set have different lengths.
    #[error("row {row} has {got} values, expected {expected} like the first row")]
    RaggedRows {
        /// The offending row.
        row: usize,
        /// The first row's length.
        expected: usize,
        /// This row's length.
        got: usize,
    },
    /// A value is NaN or infinite.
    #[error("{what} has a non-finite value at row {row}, column {column}")]
    NonFinite {
        /// What holds the value.
        what: &'static str,
        /// Its row.
        row: usize,
        /// Its column.
        column: usize,
    },
    /// An input must not be empty.
    #[error("{what} is empty")]
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// A parameter is out of its valid range.
    #[error("invalid {name}: {rule}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// The rule it broke, with the value.
        rule: String,
    },
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
