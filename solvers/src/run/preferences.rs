//! Checking and normalising a preference set before a run.

use tradeoff_pareto::Matrix;

use crate::error::{Error, Result};

/// Distance from 1 within which a row's sum counts as 1 and the row is kept as given
/// (the rule of [`tradeoff_pareto::normalize_preference`]).
pub const PREFERENCE_SUM_TOLERANCE: f64 = tradeoff_pareto::PREFERENCE_SUM_TOLERANCE;

/// The preference set with every row on the simplex: rows must be finite and non-negative with
/// a positive sum; a row whose sum is within [`PREFERENCE_SUM_TOLERANCE`] of 1 is kept bit for
/// bit, any other row is divided by its sum.
///
/// # Errors
/// [`Error::InvalidPreference`] naming the first row that is non-finite, has a negative entry
/// or does not have a positive sum.
///
/// ```
/// use tradeoff_pareto::Matrix;
/// use tradeoff_solvers::normalize_preferences;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let p = Matrix::from_rows(&[[1.0, 3.0], [0.1, 0.9]])?;
/// let q = normalize_preferences(&p)?;
/// assert_eq!(q.row(0), [0.25, 0.75]);
/// assert_eq!(q.row(1), [0.1, 0.9]); // sums to one (within 1e-12): kept as given
/// assert!(normalize_preferences(&Matrix::from_rows(&[[-1.0, 2.0]])?).is_err());
/// # Ok(()) }
/// ```
pub fn normalize_preferences(preferences: &Matrix) -> Result<Matrix> {
    let mut out = preferences.clone();
    for i in 0..out.n_rows() {
        let row = out.row_mut(i);
        let normalized =
            tradeoff_pareto::normalize_preference(row).map_err(|_| Error::InvalidPreference {
                reason: format!(
                    "preference {i} ({row:?}) must be finite and non-negative with a positive sum"
                ),
            })?;
        row.copy_from_slice(&normalized);
    }
    Ok(out)
}
