//! Checking and normalising a preference set before a run.

use tradeoff_pareto::Matrix;

use crate::error::{Error, Result};

/// Distance from 1 within which a row's sum counts as 1 and the row is kept as given.
pub const PREFERENCE_SUM_TOLERANCE: f64 = 1e-12;

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
        let sum: f64 = row.iter().sum();
        if row.iter().any(|v| !v.is_finite() || *v < 0.0) || !(sum > 0.0 && sum.is_finite()) {
            return Err(Error::InvalidPreference {
                reason: format!(
                    "preference {i} ({row:?}) must be finite and non-negative with a positive sum"
                ),
            });
        }
        if (sum - 1.0).abs() > PREFERENCE_SUM_TOLERANCE {
            row.iter_mut().for_each(|v| *v /= sum);
        }
    }
    Ok(out)
}
