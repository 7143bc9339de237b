//! Errors of the `plots` crate.

use std::path::PathBuf;

/// What can go wrong while drawing or writing a picture.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The output path does not end in a known picture extension.
    #[error("cannot tell the picture format of {}: expected a name ending in .png or .svg", path.display())]
    UnknownFormat {
        /// The output path.
        path: PathBuf,
    },
    /// An input holds nothing to draw.
    #[error("{what} is empty")]
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// An input holds values, but none of them is finite.
    #[error("{what} has no finite values to draw")]
    NoFiniteValues {
        /// What held only NaN or infinite values.
        what: &'static str,
    },
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
    /// A picture needs at least two objectives (columns).
    #[error("{what} has {got} objective(s): a front plot needs at least 2 columns")]
    TooFewObjectives {
        /// What had too few columns.
        what: &'static str,
        /// The number of columns found.
        got: usize,
    },
    /// The requested picture size has a zero side.
    #[error("invalid picture size {width}x{height}: both sides must be positive")]
    InvalidSize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The embedded font could not be loaded.
    #[error("cannot load the embedded DejaVu Sans font")]
    Font,
    /// The drawing backend failed.
    #[error("drawing failed: {message}")]
    Backend {
        /// The backend's own description of the failure.
        message: String,
    },
    /// PNG encoding failed.
    #[error("cannot encode {} as PNG: {message}", path.display())]
    Encode {
        /// The output path.
        path: PathBuf,
        /// The encoder's description of the failure.
        message: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for Error
{
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        Error::Backend {
            message: e.to_string(),
        }
    }
}
