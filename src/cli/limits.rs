//! Ceilings on the size of a request, checked before any work starts.
//!
//! A request above one of them is refused with one line naming the limit and what the request
//! would need, rather than running for hours or failing to allocate half-way.

use anyhow::{Result, bail};

/// The most preference vectors (solutions) one `solve` or `compare` run takes.
pub const MAX_PREFERENCES: usize = 100_000;
/// The most runs (seeds × solvers) one `compare` makes.
pub const MAX_RUNS: usize = 10_000;
/// The most decision-variable values held at once: runs × preferences × n_var.
pub const MAX_HELD_VALUES: usize = 100_000_000;
/// The most work one command may ask for: runs × preferences × n_var × iterations.
pub const MAX_WORK: usize = 1_000_000_000_000;
/// The most points `front --n` samples.
pub const MAX_FRONT_POINTS: usize = 1_000_000;
/// The most activation values one `psl train` batch may hold: batch × width × depth, and
/// batch × n_var.
pub const MAX_BATCH_VALUES: usize = 100_000_000;

/// The product of `factors`, saturating at `usize::MAX` (a request that overflows is over
/// every limit).
pub fn product(factors: &[usize]) -> usize {
    factors.iter().fold(1usize, |acc, &f| acc.saturating_mul(f))
}

/// Refuses `need` above `limit`: `what` says what was counted and how (e.g. "runs (--seeds
/// 100 × 2 solvers)").
pub fn check(what: &str, need: usize, limit: usize) -> Result<()> {
    if need > limit {
        let need = if need == usize::MAX {
            "more than can be counted".to_string()
        } else {
            need.to_string()
        };
        bail!("the request needs {need} {what}, above the limit of {limit}: ask for less");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_saturates_instead_of_wrapping() {
        assert_eq!(product(&[usize::MAX, 2]), usize::MAX);
        assert_eq!(product(&[3, 4, 5]), 60);
        assert_eq!(product(&[]), 1);
    }

    #[test]
    fn check_names_the_need_and_the_limit() {
        assert!(check("runs", 10, 10).is_ok());
        let message = check("runs", 11, 10).expect_err("over").to_string();
        assert!(message.contains("11 runs"), "{message}");
        assert!(message.contains("limit of 10"), "{message}");
    }
}
