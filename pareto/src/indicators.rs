//! Distance-based quality indicators against a reference front: GD, GD+, IGD, IGD+, the average Hausdorff distance and the additive and multiplicative ε-indicators.
//!
//! Every function takes the approximation set `points` (A, `n_points × n_obj`) and the reference
//! front `front` (Z, `n_front × n_obj`), minimisation in every objective, and follows moocore
//! 0.3.2 and pymoo 0.6.2 (p = 1, the plain mean). `d(a, z)` is the Euclidean distance and
//! `d⁺(a, z) = sqrt(Σᵢ max(aᵢ − zᵢ, 0)²)` the "dominance-compliant" distance of Ishibuchi et al. (2015).
//!
//! Both sets must be non-empty, finite and have the same number of objectives (at least one);
//! otherwise the functions return [`Error::Empty`], [`Error::NonFinite`] or
//! [`Error::DimensionMismatch`].
//!
//! Cost: every `min` over a set is answered by a k-d tree over that set (exact: the same values
//! as the pairwise scan, bit for bit), about O((|A| + |Z|) log · n_obj) for a few objectives,
//! tending to O(|A|·|Z|·n_obj) as n_obj grows; memory O(|A| + |Z|).
//!
//! ```
//! # fn main() -> tradeoff_pareto::Result<()> {
//! use tradeoff_pareto::{igd, Matrix};
//! let front = Matrix::from_rows(&[[0.0, 1.0], [1.0, 0.0]])?;
//! let points = Matrix::from_rows(&[[0.0, 2.0]])?;
//! // distances from the front points to the single point: 1 and sqrt(5)
//! assert!((igd(&points, &front)? - (1.0 + 5f64.sqrt()) / 2.0).abs() < 1e-15);
//! # Ok(())
//! # }
//! ```

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::neighbours::{
    Cost, EpsilonAdditive, EpsilonMultiplicative, KdTree, PlusFromFront, PlusToFront,
    SquaredEuclidean,
};

/// Checks that `m` is a non-empty, finite point set with at least one objective.
pub(crate) fn check_set(m: &Matrix, what: &'static str) -> Result<()> {
    if m.is_empty() {
        return Err(Error::Empty { what });
    }
    if m.n_cols() == 0 {
        return Err(Error::Empty {
            what: "objective vector",
        });
    }
    if let Some((row, column)) = m.first_non_finite() {
        return Err(Error::NonFinite { what, row, column });
    }
    Ok(())
}

/// Checks both sets and that they have the same number of objectives.
fn check_pair(points: &Matrix, front: &Matrix) -> Result<()> {
    check_set(points, "points")?;
    check_set(front, "reference front")?;
    if front.n_cols() != points.n_cols() {
        return Err(Error::DimensionMismatch {
            what: "number of objectives of the reference front",
            expected: points.n_cols(),
            got: front.n_cols(),
        });
    }
    Ok(())
}

/// `(1/|outer|) Σ_{o ∈ outer} sqrt(min_{i ∈ inner} C::cost(i, o))`, the minima found through a
/// k-d tree over `inner`.
fn mean_min_dist<C: Cost>(outer: &Matrix, inner: &Matrix) -> f64 {
    let tree = KdTree::new(inner);
    let total: f64 = outer
        .rows()
        .map(|o| tree.nearest::<C>(o, usize::MAX).sqrt())
        .sum();
    total / outer.n_rows() as f64
}

/// Inverted generational distance, `IGD(A, Z) = (1/|Z|) Σ_{z ∈ Z} min_{a ∈ A} d(a, z)`.
///
/// `points` is A (`n_points × n_obj`), `front` is Z (`n_front × n_obj`). Equals moocore's `igd`
/// and pymoo's `IGD`.
pub fn igd(points: &Matrix, front: &Matrix) -> Result<f64> {
    check_pair(points, front)?;
    Ok(mean_min_dist::<SquaredEuclidean>(front, points))
}

/// IGD+, `IGD⁺(A, Z) = (1/|Z|) Σ_{z ∈ Z} min_{a ∈ A} d⁺(a, z)` with
/// `d⁺(a, z) = sqrt(Σᵢ max(aᵢ − zᵢ, 0)²)`.
///
/// Weakly Pareto-compliant (Ishibuchi et al., EMO 2015). Equals moocore's `igd_plus` and pymoo's
/// `IGDPlus`.
pub fn igd_plus(points: &Matrix, front: &Matrix) -> Result<f64> {
    check_pair(points, front)?;
    Ok(mean_min_dist::<PlusFromFront>(front, points))
}

/// Generational distance, `GD(A, Z) = (1/|A|) Σ_{a ∈ A} min_{z ∈ Z} d(a, z)` (pymoo's `GD`, p = 1).
pub fn gd(points: &Matrix, front: &Matrix) -> Result<f64> {
    check_pair(points, front)?;
    Ok(mean_min_dist::<SquaredEuclidean>(points, front))
}

/// GD+, `GD⁺(A, Z) = (1/|A|) Σ_{a ∈ A} min_{z ∈ Z} d⁺(a, z)` (pymoo's `GDPlus`).
pub fn gd_plus(points: &Matrix, front: &Matrix) -> Result<f64> {
    check_pair(points, front)?;
    Ok(mean_min_dist::<PlusToFront>(points, front))
}

/// Average Hausdorff distance `Δ₁(A, Z) = max(GD(A, Z), IGD(A, Z))` (Schütze et al., IEEE TEC
/// 2012, with p = 1; moocore's `avg_hausdorff_dist` with its default p = 1).
pub fn average_hausdorff(points: &Matrix, front: &Matrix) -> Result<f64> {
    Ok(gd(points, front)?.max(igd(points, front)?))
}

/// Additive ε-indicator, `ε₊(A, Z) = max_{z ∈ Z} min_{a ∈ A} maxᵢ (aᵢ − zᵢ)`.
///
/// The smallest ε such that every front point is weakly dominated by some `a − ε`
/// (Zitzler et al., IEEE TEC 2003); moocore's `epsilon_additive`. Negative when A strictly
/// dominates Z.
pub fn epsilon_additive(points: &Matrix, front: &Matrix) -> Result<f64> {
    check_pair(points, front)?;
    Ok(epsilon::<EpsilonAdditive>(points, front))
}

/// Multiplicative ε-indicator, `ε×(A, Z) = max_{z ∈ Z} min_{a ∈ A} maxᵢ (aᵢ / zᵢ)`.
///
/// The smallest factor ε such that every front point is weakly dominated by some `a / ε`;
/// moocore's `epsilon_mult`. Only defined for strictly positive values: like moocore, a value
/// `≤ 0` in `points` (checked first) or in `front` gives [`Error::NonPositive`].
pub fn epsilon_multiplicative(points: &Matrix, front: &Matrix) -> Result<f64> {
    check_pair(points, front)?;
    for (what, m) in [("points", points), ("reference front", front)] {
        let n_cols = m.n_cols();
        if let Some(k) = m.as_slice().iter().position(|&v| v <= 0.0) {
            return Err(Error::NonPositive {
                what,
                row: k / n_cols,
                column: k % n_cols,
                value: m.as_slice()[k],
            });
        }
    }
    Ok(epsilon::<EpsilonMultiplicative>(points, front))
}

/// `max_z min_a C::cost(a, z)`, the minima found through a k-d tree over `points`.
fn epsilon<C: Cost>(points: &Matrix, front: &Matrix) -> f64 {
    let tree = KdTree::new(points);
    front
        .rows()
        .map(|z| tree.nearest::<C>(z, usize::MAX))
        .fold(f64::NEG_INFINITY, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[f64]]) -> Matrix {
        Matrix::from_rows(rows).unwrap()
    }

    #[test]
    fn hand_computed_2d() {
        let front = m(&[&[0.0, 1.0], &[1.0, 0.0]]);
        let a = m(&[&[0.5, 1.0], &[1.0, 0.5]]);
        // each front point is 0.5 from its nearest a; d⁺ ignores the better coordinates
        assert!((igd(&a, &front).unwrap() - 0.5).abs() < 1e-15);
        assert!((gd(&a, &front).unwrap() - 0.5).abs() < 1e-15);
        assert!((igd_plus(&a, &front).unwrap() - 0.5).abs() < 1e-15);
        assert!((gd_plus(&a, &front).unwrap() - 0.5).abs() < 1e-15);
        assert!((epsilon_additive(&a, &front).unwrap() - 0.5).abs() < 1e-15);
        let front = m(&[&[1.0, 2.0], &[2.0, 1.0]]);
        let a = m(&[&[2.0, 2.0]]);
        assert!((epsilon_multiplicative(&a, &front).unwrap() - 2.0).abs() < 1e-15);
    }

    #[test]
    fn errors() {
        let a = m(&[&[1.0, 2.0]]);
        let empty = Matrix::zeros(0, 2);
        assert!(matches!(igd(&empty, &a), Err(Error::Empty { .. })));
        assert!(matches!(gd(&a, &empty), Err(Error::Empty { .. })));
        let b = m(&[&[1.0, 2.0, 3.0]]);
        assert!(matches!(
            igd_plus(&a, &b),
            Err(Error::DimensionMismatch { .. })
        ));
        let nan = m(&[&[f64::NAN, 1.0]]);
        assert!(matches!(gd_plus(&nan, &a), Err(Error::NonFinite { .. })));
        let zero = m(&[&[0.0, 1.0]]);
        assert!(matches!(
            epsilon_multiplicative(&zero, &a),
            Err(Error::NonPositive {
                row: 0,
                column: 0,
                what: "points",
                ..
            })
        ));
        assert!(matches!(
            epsilon_multiplicative(&a, &zero),
            Err(Error::NonPositive {
                what: "reference front",
                ..
            })
        ));
    }
}
