//! Errors of the `solvers` crate.

/// A method parameter (option) is invalid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamsError {
    /// A parameter breaks its rule.
    #[error("{method}: {name} {rule}, got {got}")]
    Invalid {
        /// The method's name.
        method: &'static str,
        /// The parameter's name.
        name: &'static str,
        /// The rule, e.g. "must be positive".
        rule: &'static str,
        /// The value given.
        got: String,
    },
    /// An option that the method does not have.
    #[error("{method}: unknown option '{name}' (options: {known})")]
    UnknownOption {
        /// The method's name.
        method: &'static str,
        /// The option given.
        name: String,
        /// The method's options, comma-separated.
        known: String,
    },
    /// Option text that is not of the form `key=value`.
    #[error("option '{text}' is not of the form key=value")]
    Malformed {
        /// The text given.
        text: String,
    },
    /// The same option given twice (which one should win is the user's call, not ours).
    #[error("option '{key}' is given twice ('{first}', then '{second}'): give it once")]
    Repeated {
        /// The option's key (normalised: lower case, `-` as `_`).
        key: String,
        /// The first value.
        first: String,
        /// The second value.
        second: String,
    },
    /// An option value that is not one of the option's choices.
    #[error("{method}: option '{name}' expects one of {choices}, got '{got}'")]
    BadChoice {
        /// The method's name.
        method: &'static str,
        /// The option's name.
        name: String,
        /// The valid choices, comma-separated.
        choices: String,
        /// The text given.
        got: String,
    },
    /// An option value that does not parse.
    #[error("{method}: option '{name}' expects {expected}, got '{got}'")]
    BadValue {
        /// The method's name.
        method: &'static str,
        /// The option's name.
        name: String,
        /// What was expected ("a number", "true or false").
        expected: &'static str,
        /// The text given.
        got: String,
    },
}

/// What can go wrong when aggregating or solving.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Invalid parameters.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// No method has this name.
    #[error("unknown method '{name}' (known: {known})")]
    UnknownMethod {
        /// The name asked for.
        name: String,
        /// The known names.
        known: String,
    },
    /// A set-level rule asked for as an aggregator of one Jacobian.
    #[error(
        "{name} is a set-level method (it moves the whole set of solutions together), not an \
         aggregator of one Jacobian: run it through a rule (solve_with_method, build_rule)"
    )]
    SetLevelMethod {
        /// The method's name.
        name: &'static str,
    },
    /// Inputs of the wrong size.
    #[error("{what}: expected {expected}, got {got}")]
    DimensionMismatch {
        /// What was measured.
        what: &'static str,
        /// The size required.
        expected: usize,
        /// The size found.
        got: usize,
    },
    /// A NaN or infinite input.
    #[error("{what} has a non-finite value at index {index}")]
    NonFinite {
        /// What holds the value.
        what: &'static str,
        /// Its flat index.
        index: usize,
    },
    /// A method's output is not finite although its input is: the answer does not fit in f64
    /// (e.g. a direction of about `2·10³⁰⁸`), or the method broke down at this scale.
    #[error(
        "{method}: the {what} has a non-finite value at index {index} although the Jacobian is \
         finite (the result does not fit in f64 at this scale): rescale the objectives"
    )]
    NonFiniteOutput {
        /// The method's name.
        method: &'static str,
        /// `direction` or `weights`.
        what: &'static str,
        /// The flat index of the first non-finite value.
        index: usize,
    },
    /// The method needs an input that was not given.
    #[error("{method} needs {input}")]
    MissingInput {
        /// The method's name.
        method: &'static str,
        /// The missing input ("a preference vector", "the losses").
        input: &'static str,
    },
    /// A preference vector with a negative entry or zero sum.
    #[error("invalid preference vector: {reason}")]
    InvalidPreference {
        /// Why it is invalid.
        reason: String,
    },
    /// A loss value outside what the method can take (a logarithm of a non-positive loss).
    #[error("{method}: loss {index} is {value}, but the method needs {rule}")]
    InvalidLoss {
        /// The method's name.
        method: &'static str,
        /// The objective's index.
        index: usize,
        /// The value given.
        value: f64,
        /// What the method needs ("positive losses (it takes their logarithm)").
        rule: &'static str,
    },
    /// An inner solver failed outright (not merely unconverged).
    #[error("{method}: inner solver failed: {status}")]
    SolverFailed {
        /// The method's name.
        method: &'static str,
        /// What the solver reported.
        status: String,
    },
    /// A saved method or run state that does not fit (missing key, wrong length, other method).
    #[error("invalid saved state: {reason}")]
    InvalidState {
        /// What is wrong, naming the key.
        reason: String,
    },
    /// A checkpoint that cannot be written or read.
    #[error(transparent)]
    Checkpoint(#[from] crate::run::CheckpointError),
    /// An error of the problem layer.
    #[error(transparent)]
    Problem(#[from] tradeoff_problems::Error),
    /// An error of the objective-space layer.
    #[error(transparent)]
    Pareto(#[from] tradeoff_pareto::Error),
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
