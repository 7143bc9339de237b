//! LibMOON's set metrics (lmin, soft lmin, spacing, sparsity, span) and preference-based metrics (inner product, cross angle, PBI), without LibMOON's ×100 display scaling.
//!
//! Y is the point set (`n_points × n_obj`, minimisation) and λ the preference matrix of the same
//! shape, row i paired with point i. The definitions are those of LibMOON's
//! `libmoon/metrics/metrics.py` at GitHub commit b43d825 (`compute_lmin`, `compute_soft_lmin`, …);
//! LibMOON's `compute_indicators` multiplies spacing and sparsity by 100, these functions do not.
//!
//! Every function returns `Err` for invalid input (non-finite values, a preference matrix of the
//! wrong shape, a zero preference row, a bad parameter) and `Ok(None)` when the metric is undefined
//! for the set (e.g. a pairwise metric of fewer than two points, where LibMOON raises or returns
//! NaN/∞).
//!
//! ```
//! # fn main() -> tradeoff_pareto::Result<()> {
//! use tradeoff_pareto::{lmin, span, Matrix};
//! let y = Matrix::from_rows(&[[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])?;
//! assert!((lmin(&y)?.unwrap() - 0.5f64.sqrt()).abs() < 1e-15);
//! assert_eq!(span(&y)?, Some(1.0));
//! # Ok(())
//! # }
//! ```

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::neighbours::nearest_squared_distances;

/// LibMOON's default sharpness `h` of [`soft_lmin`] (its `K = 20`).
pub const SOFT_LMIN_H: f64 = 20.0;

/// LibMOON's penalty `θ` of [`pbi`] (`coeff = 5.0`).
pub const PBI_THETA: f64 = 5.0;

/// Checks that every value is finite; an empty set is allowed here.
fn check_finite(m: &Matrix, what: &'static str) -> Result<()> {
    match m.first_non_finite() {
        Some((row, column)) => Err(Error::NonFinite { what, row, column }),
        None => Ok(()),
    }
}

/// Checks that `prefs` is finite, has the shape of `points` and no zero-norm row.
fn check_prefs(points: &Matrix, prefs: &Matrix) -> Result<()> {
    check_finite(points, "points")?;
    check_finite(prefs, "preferences")?;
    if prefs.n_rows() != points.n_rows() {
        return Err(Error::DimensionMismatch {
            what: "number of preference rows",
            expected: points.n_rows(),
            got: prefs.n_rows(),
        });
    }
    if prefs.n_cols() != points.n_cols() {
        return Err(Error::DimensionMismatch {
            what: "number of objectives of the preferences",
            expected: points.n_cols(),
            got: prefs.n_cols(),
        });
    }
    if let Some(row) = prefs.rows().position(|r| r.iter().all(|&v| v == 0.0)) {
        return Err(Error::InvalidParameter {
            name: "preferences",
            rule: format!("row {row} is zero; a preference needs a non-zero norm"),
        });
    }
    Ok(())
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// The distance from every point to its nearest other point (`+∞` for a single point), through
/// a k-d tree: O(n log n · m) for small m, O(n) memory.
fn nearest_distances(points: &Matrix) -> Vec<f64> {
    let mut d = nearest_squared_distances(points);
    for v in &mut d {
        *v = v.sqrt();
    }
    d
}

/// Number of unordered pairs `n (n − 1) / 2` of a set of `n` points: the work of [`soft_lmin`],
/// which sums over every pair (in f64, so that it cannot overflow).
pub fn soft_lmin_pairs(n_points: usize) -> f64 {
    let n = n_points as f64;
    n * (n - 1.0) / 2.0
}

/// Minimum pairwise distance, `lmin(Y) = min_{i ≠ j} ‖yᵢ − yⱼ‖` (higher is more uniform).
///
/// LibMOON's `compute_lmin`. Duplicated points give 0. `None` for fewer than two points (LibMOON
/// raises). Cost: nearest neighbours through a k-d tree, about O(n log n · m) for a few
/// objectives (tending to O(n² · m) as m grows), O(n) memory.
pub fn lmin(points: &Matrix) -> Result<Option<f64>> {
    Ok(lmin_and_spacing(points)?.0)
}

/// [`lmin`] and [`spacing`] from one nearest-neighbour search (the same values as the two
/// calls, at the cost of one).
pub fn lmin_and_spacing(points: &Matrix) -> Result<(Option<f64>, Option<f64>)> {
    check_finite(points, "points")?;
    let n = points.n_rows();
    if n < 2 {
        return Ok((None, None));
    }
    let nearest = nearest_distances(points);
    let lmin = nearest.iter().copied().reduce(f64::min);
    let mean = nearest.iter().sum::<f64>() / n as f64;
    let var = nearest.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / n as f64;
    Ok((lmin, Some(var.sqrt())))
}

/// Soft minimum pairwise distance,
/// `soft_lmin(Y) = −(1/h) · ln Σ_{i ≠ j} exp(−h ‖yᵢ − yⱼ‖)` over **ordered** pairs.
///
/// LibMOON's `compute_soft_lmin` with its `K` as `h` (default [`SOFT_LMIN_H`] = 20). Every
/// unordered pair counts twice, as in LibMOON's code (its docs show an extra `1/(N(N−1))` that the
/// code lacks). A smooth lower bound of [`lmin`]: `lmin − ln(N(N−1))/h ≤ soft_lmin ≤ lmin`.
/// Computed with a shifted log-sum-exp, so large `h` does not underflow. `h` must be finite and
/// `> 0`. `None` for fewer than two points (LibMOON returns +∞).
///
/// Cost: the sum needs every pair, so O(n² · m) time ([`soft_lmin_pairs`] terms), streamed in
/// O(n) memory (the shift, [`lmin`], comes from a k-d tree first).
pub fn soft_lmin(points: &Matrix, h: f64) -> Result<Option<f64>> {
    if !(h.is_finite() && h > 0.0) {
        return Err(Error::InvalidParameter {
            name: "h",
            rule: format!("must be finite and > 0, got {h}"),
        });
    }
    let Some(d_min) = lmin(points)? else {
        return Ok(None);
    };
    let n = points.n_rows();
    // Σ over ordered pairs = 2 Σ over i < j, summed in the order i < j.
    let shifted: f64 = (0..n)
        .flat_map(|i| {
            (i + 1..n).map(move |j| (-h * (dist(points.row(i), points.row(j)) - d_min)).exp())
        })
        .sum();
    Ok(Some(d_min - (2.0 * shifted).ln() / h))
}

/// Spacing, the population standard deviation of the nearest-neighbour distances:
/// `spacing(Y) = sqrt((1/N) Σᵢ (dᵢ − d̄)²)`, `dᵢ = min_{j ≠ i} ‖yᵢ − yⱼ‖`, `d̄ = (1/N) Σᵢ dᵢ`.
///
/// LibMOON's `compute_spacing` (numpy `std`, ddof = 0; lower is more even). `None` for fewer
/// than two points (LibMOON returns NaN). Cost as [`lmin`].
pub fn spacing(points: &Matrix) -> Result<Option<f64>> {
    Ok(lmin_and_spacing(points)?.1)
}

/// Sparsity of the non-dominated subset P of Y (duplicates kept, as in pymoo's sorting):
/// `sparsity(Y) = (1/(|P| − 1)) Σ_k Σ_{i=1}^{|P|−1} (s_{k,i} − s_{k,i+1})²`, where `s_k` is the
/// k-th objective of P sorted ascending.
///
/// LibMOON's `compute_sparsity` (from PSL-MOBO; lower is denser). As in LibMOON, a single
/// non-dominated point gives `Some(0.0)`. `None` for an empty set. Cost: the non-dominated
/// filter of [`crate::non_dominated_indices`] (O(n log n) for up to three objectives), then
/// one sort per objective.
pub fn sparsity(points: &Matrix) -> Result<Option<f64>> {
    check_finite(points, "points")?;
    let n = points.n_rows();
    if n == 0 {
        return Ok(None);
    }
    let nd = crate::dominance::non_dominated_indices(points);
    if nd.len() < 2 {
        return Ok(Some(0.0));
    }
    let mut total = 0.0;
    let mut column = Vec::with_capacity(nd.len());
    for k in 0..points.n_cols() {
        column.clear();
        column.extend(nd.iter().map(|&i| points.get(i, k)));
        column.sort_by(f64::total_cmp);
        total += column
            .windows(2)
            .map(|w| (w[0] - w[1]) * (w[0] - w[1]))
            .sum::<f64>();
    }
    Ok(Some(total / (nd.len() - 1) as f64))
}

/// Span, the smallest per-objective range: `span(Y) = min_k (maxᵢ y_{ik} − minᵢ y_{ik})`.
///
/// LibMOON's `compute_span` (higher covers more). A single point gives `Some(0.0)`; `None` for an
/// empty set or a set without objectives.
pub fn span(points: &Matrix) -> Result<Option<f64>> {
    check_finite(points, "points")?;
    if points.is_empty() {
        return Ok(None);
    }
    Ok((0..points.n_cols())
        .map(|k| {
            let (lo, hi) = points
                .rows()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                    (lo.min(r[k]), hi.max(r[k]))
                });
            hi - lo
        })
        .reduce(f64::min))
}

/// Mean inner product with the (raw, unnormalised) preferences:
/// `IP(Y, Λ) = (1/N) Σᵢ ⟨yᵢ, λᵢ⟩` (lower is better).
///
/// LibMOON's `compute_inner_product`. `prefs` has the shape of `points`. `None` for an empty set.
pub fn inner_product(points: &Matrix, prefs: &Matrix) -> Result<Option<f64>> {
    check_prefs(points, prefs)?;
    Ok(mean(
        points.rows().zip(prefs.rows()).map(|(y, l)| dot(y, l)),
        points.n_rows(),
    ))
}

/// Mean angle, in degrees, between each point and its preference:
/// `CA(Y, Λ) = (1/N) Σᵢ arccos(clip(⟨yᵢ, λᵢ⟩ / (‖yᵢ‖ ‖λᵢ‖), −1, 1)) · 180/π` (lower is better).
///
/// LibMOON's `compute_cross_angle`. `None` for an empty set or when a point is the zero vector
/// (its angle is undefined; LibMOON returns NaN).
pub fn cross_angle(points: &Matrix, prefs: &Matrix) -> Result<Option<f64>> {
    check_prefs(points, prefs)?;
    let mut angles = Vec::with_capacity(points.n_rows());
    for (y, l) in points.rows().zip(prefs.rows()) {
        let ny = norm(y);
        if ny == 0.0 {
            return Ok(None);
        }
        let cos = (dot(y, l) / (ny * norm(l))).clamp(-1.0, 1.0);
        angles.push(cos.acos().to_degrees());
    }
    Ok(mean(angles.into_iter(), points.n_rows()))
}

/// Mean penalty-based boundary intersection with LibMOON's `θ = 5` ([`PBI_THETA`]); see
/// [`pbi_with_theta`].
pub fn pbi(points: &Matrix, prefs: &Matrix) -> Result<Option<f64>> {
    pbi_with_theta(points, prefs, PBI_THETA)
}

/// Mean penalty-based boundary intersection (Zhang & Li, MOEA/D, IEEE TEC 2007):
/// `PBI(Y, Λ) = (1/N) Σᵢ (d₁ + θ d₂)`, `λ̂ = λᵢ/‖λᵢ‖`, `d₁ = ⟨yᵢ, λ̂⟩`, `d₂ = ‖yᵢ − d₁ λ̂‖`
/// (lower is better; the ideal point is taken as the origin).
///
/// LibMOON's `compute_pbi(sols, prefs, coeff = θ)`. `θ` must be finite. `None` for an empty set.
pub fn pbi_with_theta(points: &Matrix, prefs: &Matrix, theta: f64) -> Result<Option<f64>> {
    if !theta.is_finite() {
        return Err(Error::InvalidParameter {
            name: "theta",
            rule: format!("must be finite, got {theta}"),
        });
    }
    check_prefs(points, prefs)?;
    let values = points.rows().zip(prefs.rows()).map(|(y, l)| {
        let nl = norm(l);
        let d1 = dot(y, l) / nl;
        let d2 = y
            .iter()
            .zip(l)
            .map(|(yk, lk)| {
                let r = yk - d1 * lk / nl;
                r * r
            })
            .sum::<f64>()
            .sqrt();
        d1 + theta * d2
    });
    Ok(mean(values, points.n_rows()))
}

/// Mean of `n` values, `None` when `n == 0`.
fn mean(values: impl Iterator<Item = f64>, n: usize) -> Option<f64> {
    (n > 0).then(|| values.sum::<f64>() / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[f64]]) -> Matrix {
        Matrix::from_rows(rows).unwrap()
    }

    #[test]
    fn undefined_for_small_sets() {
        let one = m(&[&[0.5, 0.5]]);
        assert_eq!(lmin(&one).unwrap(), None);
        assert_eq!(soft_lmin(&one, SOFT_LMIN_H).unwrap(), None);
        assert_eq!(spacing(&one).unwrap(), None);
        assert_eq!(sparsity(&one).unwrap(), Some(0.0));
        assert_eq!(span(&one).unwrap(), Some(0.0));
        let empty = Matrix::zeros(0, 2);
        assert_eq!(span(&empty).unwrap(), None);
        assert_eq!(sparsity(&empty).unwrap(), None);
        assert_eq!(inner_product(&empty, &empty).unwrap(), None);
    }

    #[test]
    fn invalid_input() {
        let y = m(&[&[0.5, 0.5], &[1.0, 0.0]]);
        assert!(matches!(
            soft_lmin(&y, 0.0),
            Err(Error::InvalidParameter { name: "h", .. })
        ));
        let short = m(&[&[0.5, 0.5]]);
        assert!(matches!(
            pbi(&y, &short),
            Err(Error::DimensionMismatch { .. })
        ));
        let zero = m(&[&[0.5, 0.5], &[0.0, 0.0]]);
        assert!(matches!(
            cross_angle(&y, &zero),
            Err(Error::InvalidParameter { .. })
        ));
        // a zero point has no angle
        assert_eq!(cross_angle(&zero, &y).unwrap(), None);
        let nan = m(&[&[f64::NAN, 0.5]]);
        assert!(matches!(lmin(&nan), Err(Error::NonFinite { .. })));
    }

    #[test]
    fn soft_lmin_bounds_lmin() {
        let y = m(&[&[0.0, 1.0], &[0.3, 0.6], &[0.7, 0.2], &[1.0, 0.0]]);
        let l = lmin(&y).unwrap().unwrap();
        let s = soft_lmin(&y, 1e4).unwrap().unwrap();
        assert!(s <= l && s >= l - (12f64).ln() / 1e4);
    }

    #[test]
    fn pbi_on_the_ray() {
        // a point on its preference ray has d2 = 0, so PBI = ‖y‖
        let y = m(&[&[0.3, 0.4]]);
        let p = m(&[&[3.0, 4.0]]);
        assert!((pbi(&y, &p).unwrap().unwrap() - 0.5).abs() < 1e-15);
        assert!(cross_angle(&y, &p).unwrap().unwrap().abs() < 1e-6);
    }
}
