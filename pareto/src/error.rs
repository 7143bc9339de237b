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
    /// A value must be strictly positive (e.g. for the multiplicative ε-indicator) and is not.
    #[error(
        "{what} has a non-positive value {value} at row {row}, column {column}; all values must be > 0"
    )]
    NonPositive {
        /// What holds the value.
        what: &'static str,
        /// Its row.
        row: usize,
        /// Its column.
        column: usize,
        /// The value found.
        value: f64,
    },
    /// No Das–Dennis lattice has exactly the requested number of points.
    #[error(
        "no Das-Dennis lattice with {n_obj} objectives has {n_points} points; \
         the nearest are {smaller} points ({smaller_partitions} partitions) \
         and {larger} points ({larger_partitions} partitions)"
    )]
    LatticeSize {
        /// Number of objectives.
        n_obj: usize,
        /// The number of points asked for.
        n_points: usize,
        /// The largest lattice size below `n_points`.
        smaller: usize,
        /// Its partition count.
        smaller_partitions: usize,
        /// The smallest lattice size above `n_points`.
        larger: usize,
        /// Its partition count.
        larger_partitions: usize,
    },
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
