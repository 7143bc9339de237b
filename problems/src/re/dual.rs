//! Scalars the RE formulas are written over: plain `f64` for values, and [`Dual`] numbers that
//! carry the exact gradient alongside the value (forward-mode chain rule in plain `f64`).
//!
//! Every RE formula is written once, generically over [`Real`], and evaluated with `f64` for
//! [`crate::Problem::evaluate`] and with `Dual<n_var>` for [`crate::Problem::jacobian`]. The value
//! part of a `Dual` goes through exactly the same floating-point operations as the `f64`
//! evaluation, so the two agree bit for bit.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// A scalar the RE formulas can be evaluated with.
pub(crate) trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// A constant (zero gradient).
    fn cst(c: f64) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// `self^e` for a constant exponent.
    fn powf(self, e: f64) -> Self;
    /// `max(0, self)`, the violation `[·]_+`. Its derivative is taken as 0 at the kink and NaN
    /// maps to 0 (as numpy's `np.where(g < 0, -g, 0)` does).
    fn pos(self) -> Self;
}

impl Real for f64 {
    fn cst(c: f64) -> Self {
        c
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn powf(self, e: f64) -> Self {
        f64::powf(self, e)
    }
    fn pos(self) -> Self {
        if self > 0.0 { self } else { 0.0 }
    }
}

/// A value with its gradient with respect to `N` variables.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Dual<const N: usize> {
    /// The value.
    pub(crate) v: f64,
    /// `∂ value / ∂ x_j`.
    pub(crate) d: [f64; N],
}

impl<const N: usize> Dual<N> {
    /// The independent variable `x_j = v`.
    pub(crate) fn var(v: f64, j: usize) -> Self {
        let mut d = [0.0; N];
        d[j] = 1.0;
        Self { v, d }
    }

    /// `v` with the gradient `scale · self.d` (chain rule for a unary function).
    fn chain(self, v: f64, scale: f64) -> Self {
        Self {
            v,
            d: self.d.map(|d| d * scale),
        }
    }
}

impl<const N: usize> Add for Dual<N> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            v: self.v + o.v,
            d: std::array::from_fn(|j| self.d[j] + o.d[j]),
        }
    }
}

impl<const N: usize> Sub for Dual<N> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self {
            v: self.v - o.v,
            d: std::array::from_fn(|j| self.d[j] - o.d[j]),
        }
    }
}

impl<const N: usize> Mul for Dual<N> {
    type Output = Self;
    // The product rule.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn mul(self, o: Self) -> Self {
        Self {
            v: self.v * o.v,
            d: std::array::from_fn(|j| self.d[j] * o.v + self.v * o.d[j]),
        }
    }
}

impl<const N: usize> Div for Dual<N> {
    type Output = Self;
    // The quotient rule, (a' − (a/b)·b')/b.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn div(self, o: Self) -> Self {
        let v = self.v / o.v;
        Self {
            v,
            d: std::array::from_fn(|j| (self.d[j] - v * o.d[j]) / o.v),
        }
    }
}

impl<const N: usize> Neg for Dual<N> {
    type Output = Self;
    fn neg(self) -> Self {
        Self {
            v: -self.v,
            d: self.d.map(|d| -d),
        }
    }
}

impl<const N: usize> Add<f64> for Dual<N> {
    type Output = Self;
    fn add(self, c: f64) -> Self {
        Self {
            v: self.v + c,
            d: self.d,
        }
    }
}

impl<const N: usize> Sub<f64> for Dual<N> {
    type Output = Self;
    fn sub(self, c: f64) -> Self {
        Self {
            v: self.v - c,
            d: self.d,
        }
    }
}

impl<const N: usize> Mul<f64> for Dual<N> {
    type Output = Self;
    fn mul(self, c: f64) -> Self {
        self.chain(self.v * c, c)
    }
}

impl<const N: usize> Div<f64> for Dual<N> {
    type Output = Self;
    fn div(self, c: f64) -> Self {
        Self {
            v: self.v / c,
            d: self.d.map(|d| d / c),
        }
    }
}

impl<const N: usize> Real for Dual<N> {
    fn cst(c: f64) -> Self {
        Self { v: c, d: [0.0; N] }
    }
    fn sqrt(self) -> Self {
        let s = self.v.sqrt();
        self.chain(s, 0.5 / s)
    }
    fn powf(self, e: f64) -> Self {
        self.chain(self.v.powf(e), e * self.v.powf(e - 1.0))
    }
    fn pos(self) -> Self {
        if self.v > 0.0 { self } else { Self::cst(0.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dual_follows_the_chain_rule() {
        // h(x, y) = sqrt(x) · y / (x + 1) − 2 y^1.5 at (4, 9).
        let x = Dual::<2>::var(4.0, 0);
        let y = Dual::<2>::var(9.0, 1);
        let h = x.sqrt() * y / (x + 1.0) - y.powf(1.5) * 2.0;
        assert!((h.v - (2.0 * 9.0 / 5.0 - 54.0)).abs() < 1e-12);
        // ∂h/∂x = y·(1/(2√x)·(x+1) − √x)/(x+1)² = 9·(1.25 − 2)/25
        assert!((h.d[0] - 9.0 * (1.25 - 2.0) / 25.0).abs() < 1e-12);
        // ∂h/∂y = √x/(x+1) − 3 √y
        assert!((h.d[1] - (2.0 / 5.0 - 9.0)).abs() < 1e-12);
    }

    #[test]
    fn positive_part_has_zero_slope_at_the_kink() {
        let x = Dual::<1>::var(0.0, 0);
        assert_eq!(x.pos().d, [0.0]);
        assert_eq!((x + 1.0).pos().d, [1.0]);
        assert_eq!((x - 1.0).pos(), Dual::cst(0.0));
        assert_eq!(f64::NAN.pos(), 0.0);
    }
}
