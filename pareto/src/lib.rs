//! Objective-space mathematics for multi-objective optimisation, in plain `f64`:
//! dominance, non-dominated sorting, exact hypervolume (any number of objectives) with
//! contributions and gradients, quality indicators, and preference vectors.
//!
//! All objectives are minimised. A point set is a [`Matrix`] of shape `n_points × n_obj`.

mod error;
mod matrix;

pub use error::{Error, Result};
pub use matrix::Matrix;
