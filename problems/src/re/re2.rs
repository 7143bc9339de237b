//! The two-objective RE problems: RE21, RE22, RE23, RE24, RE25.

use std::f64::consts::{PI, SQRT_2};

use candle_core::{Result, Tensor};

use super::dual::Real;
use super::ops::{c_div, div_c, violation};
use super::{LibmoonScale, ReFormula, Rounding, Spec, nearest, re_problem, total_violation};
use crate::problem::{Normalization, ProblemInfo};

// ---------------------------------------------------------------------------------------------
// RE21

/// RE21 (RE2-4-1 in the paper): four-bar truss design. 4 continuous variables, 2 objectives, no
/// constraints.
///
/// With `F = 10`, `σ = 10`, `E = 2·10⁵`, `L = 200` (so `a = F/σ = 1`):
///
/// * `f1 = L·(2x1 + √2·x2 + √x3 + x4)` (the root of `x3` itself, as in the paper and the code)
/// * `f2 = (F·L/E)·(2/x1 + 2√2/x2 − 2√2/x3 + 2/x4)`
///
/// Domain: `x1, x4 ∈ [1, 3]`, `x2, x3 ∈ [√2, 3]`.
///
/// Authors' points: ideal `(1237.8414230005742, 0.002761423749158419)`, nadir
/// `(2086.36956042, 0.00341421356237)`.
///
/// # Normalisation
/// * [`Normalization::Authors`]: `(f − ideal)/(nadir − ideal)` with the authors' points.
/// * [`Normalization::Libmoon`]: LibMOON normalises with the authors' ideal but the authors'
///   obsolete `bug_` nadir `(2886.3695604236013, 0.039999999999998245)` (from the version before
///   the 2020 fix of `E` and of a `2/x2` typo) and then halves the first objective. Its values are
///   therefore about 1/3.89 (f1) and 1/57 (f2) of the authors' normalised ones.
/// * [`Normalization::None`]: raw `f`.
///
/// ```
/// use tradeoff_pareto::Matrix;
/// use tradeoff_problems::{Normalization, Problem, Re21};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let x = Matrix::from_rows(&[[2.0; 4]])?;
/// // Raw: f1 = 200·(6 + 3√2), f2 = 0.01·(2/2 + 2√2/2 − 2√2/2 + 2/2) = 0.02.
/// let raw = Re21::new(Normalization::None).evaluate(&x)?;
/// assert!((raw.get(0, 0) - (1200.0 + 600.0 * 2f64.sqrt())).abs() < 1e-12);
/// assert!((raw.get(0, 1) - 0.02).abs() < 1e-15);
/// // The default scales with the authors' ideal and nadir points.
/// let scaled = Re21::default().evaluate(&x)?;
/// let expected = (0.02 - 0.002761423749158419) / (0.00341421356237 - 0.002761423749158419);
/// assert!((scaled.get(0, 1) - expected).abs() < 1e-12);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Re21 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<4, 2> for Re21 {
    const SPEC: Spec<4, 2> = Spec {
        name: "RE21",
        key: "re21",
        summary: "four-bar truss design (Tanabe & Ishibuchi 2020)",
        lower: [1.0, SQRT_2, SQRT_2, 1.0],
        upper: [3.0; 4],
        ideal: [1237.8414230005742, 0.002761423749158419],
        nadir: [2086.36956042, 0.00341421356237],
        libmoon: LibmoonScale::Normalised {
            ideal: [1237.8414230005742, 0.002761423749158419],
            nadir: [2886.3695604236013, 0.039999999999998245],
            first_factor: 0.5,
        },
        discrete: &[],
    };

    fn objectives<T: Real>([x1, x2, x3, x4]: [T; 4]) -> [T; 2] {
        const F: f64 = 10.0;
        const E: f64 = 2.0 * 1e5;
        const L: f64 = 200.0;
        let f1 = (x1 * 2.0 + x2 * SQRT_2 + x3.sqrt() + x4) * L;
        let f2 = (T::cst(2.0) / x1 + T::cst(2.0 * SQRT_2) / x2 - T::cst(2.0 * SQRT_2) / x3
            + T::cst(2.0) / x4)
            * ((F * L) / E);
        [f1, f2]
    }

    fn objectives_tensor([x1, x2, x3, x4]: [Tensor; 4]) -> Result<[Tensor; 2]> {
        let f1 = (((((&x1 * 2.0)? + (&x2 * SQRT_2)?)? + x3.sqrt()?)? + &x4)? * 200.0)?;
        let f2 = ((((c_div(2.0, &x1)? + c_div(2.0 * SQRT_2, &x2)?)?
            - c_div(2.0 * SQRT_2, &x3)?)?
            + c_div(2.0, &x4)?)?
            * ((10.0 * 200.0) / (2.0 * 1e5)))?;
        Ok([f1, f2])
    }
}

re_problem!(Re21, 4, 2);

// ---------------------------------------------------------------------------------------------
// RE22

/// The 77 admissible values of RE22's `x1`, in the authors' order. The authors' C, MATLAB and
/// Python code all contain `3, 10` (two entries) where `3.10` was almost certainly meant; the list
/// is kept as published, so 3.10 is never produced and 10 is reachable for `x1 ∈ (9.74, 10.135)`.
const RE22_X1_VALUES: [f64; 77] = [
    0.20, 0.31, 0.40, 0.44, 0.60, 0.62, 0.79, 0.80, 0.88, 0.93, 1.0, 1.20, 1.24, 1.32, 1.40, 1.55,
    1.58, 1.60, 1.76, 1.80, 1.86, 2.0, 2.17, 2.20, 2.37, 2.40, 2.48, 2.60, 2.64, 2.79, 2.80, 3.0,
    3.08, 3.0, 10.0, 3.16, 3.41, 3.52, 3.60, 3.72, 3.95, 3.96, 4.0, 4.03, 4.20, 4.34, 4.40, 4.65,
    4.74, 4.80, 4.84, 5.0, 5.28, 5.40, 5.53, 5.72, 6.0, 6.16, 6.32, 6.60, 7.11, 7.20, 7.80, 7.90,
    8.0, 8.40, 8.69, 9.0, 9.48, 10.27, 11.0, 11.06, 11.85, 12.0, 13.0, 14.0, 15.0,
];

/// RE22 (RE2-3-2): reinforced concrete beam design. 3 variables (`x1` discrete), 2 objectives;
/// the second objective is the constraint violation.
///
/// `x1` is snapped to the nearest of 77 reinforcement areas (first of equal distances, in the
/// authors' list order, which contains `3, 10` instead of `3.10` as in all the authors' code);
/// `x2`, `x3` are continuous.
///
/// * `f1 = 29.4·x1 + 0.6·x2·x3`
/// * `g1 = x1·x3 − 7.735·x1²/x2 − 180 ≥ 0`, `g2 = 4 − x3/x2 ≥ 0`
/// * `f2 = [−g1]_+ + [−g2]_+`
///
/// Domain: `x1 ∈ [0.2, 15]`, `x2 ∈ [0, 20]`, `x3 ∈ [0, 40]`. Authors' points: ideal `(5.88, 0)`,
/// nadir `(361.262944647, 180.01547)`.
///
/// # Normalisation
/// * [`Normalization::Authors`]: `(f − ideal)/(nadir − ideal)`.
/// * [`Normalization::Libmoon`]: the same, then the first objective halved (LibMOON's `0.5 *`).
/// * [`Normalization::None`]: raw `f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Re22 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<3, 2> for Re22 {
    const SPEC: Spec<3, 2> = Spec {
        name: "RE22",
        key: "re22",
        summary: "reinforced concrete beam design (Tanabe & Ishibuchi 2020)",
        lower: [0.2, 0.0, 0.0],
        upper: [15.0, 20.0, 40.0],
        ideal: [5.88, 0.0],
        nadir: [361.262944647, 180.01547],
        libmoon: LibmoonScale::Normalised {
            ideal: [5.88, 0.0],
            nadir: [361.262944647, 180.01547],
            first_factor: 0.5,
        },
        discrete: &[0],
    };

    fn snap(x: &mut [f64; 3], _rounding: Rounding) {
        x[0] = nearest(&RE22_X1_VALUES, x[0]);
    }

    fn objectives<T: Real>([x1, x2, x3]: [T; 3]) -> [T; 2] {
        let f1 = x1 * 29.4 + x2 * 0.6 * x3;
        let g1 = x1 * x3 - (x1 * x1 / x2) * 7.735 - 180.0;
        let g2 = T::cst(4.0) - x3 / x2;
        [f1, total_violation(&[g1, g2])]
    }

    fn objectives_tensor([x1, x2, x3]: [Tensor; 3]) -> Result<[Tensor; 2]> {
        let f1 = ((&x1 * 29.4)? + ((&x2 * 0.6)? * &x3)?)?;
        let g1 = (((&x1 * &x3)? - (((&x1 * &x1)? / &x2)? * 7.735)?)? - 180.0)?;
        let g2 = (4.0 - (&x3 / &x2)?)?;
        Ok([f1, violation(&[g1, g2])?])
    }
}

re_problem!(Re22, 3, 2);

// ---------------------------------------------------------------------------------------------
// RE23

/// RE23 (RE2-4-3): pressure vessel design. 4 variables (`x1`, `x2` discrete), 2 objectives; the
/// second objective is the constraint violation.
///
/// `x1 = 0.0625·round(x1)`, `x2 = 0.0625·round(x2)` (multiples of 1/16 inch); `x3`, `x4`
/// continuous.
///
/// * `f1 = 0.6224·x1·x3·x4 + 1.7781·x2·x3² + 3.1661·x1²·x4 + 19.84·x1²·x3`
/// * `g1 = x1 − 0.0193·x3`, `g2 = x2 − 0.00954·x3`,
///   `g3 = π·x3²·x4 + (4/3)·π·x3³ − 1 296 000` (all `≥ 0`)
/// * `f2 = Σ [−g_i]_+`
///
/// Domain: `x1, x2 ∈ [1, 100]`, `x3 ∈ [10, 200]`, `x4 ∈ [10, 240]`. Authors' points: ideal
/// `(15.9018007813, 0)`, nadir `(5852.05896876, 1288669.78054)`.
///
/// # Normalisation
/// * [`Normalization::Authors`]: `(f − ideal)/(nadir − ideal)`.
/// * [`Normalization::Libmoon`]: LibMOON normalises with the authors' ideal but **RE24's** nadir
///   `(481.608088535, 44.2819047619)`, so its values are about 12.5× (f1) and 29 100× (f2) the
///   authors' normalised ones (they look raw but are not).
/// * [`Normalization::None`]: raw `f`.
///
/// Rounding: ties away from zero for `Authors`/`None`, to even for `Libmoon` (module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct Re23 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<4, 2> for Re23 {
    const SPEC: Spec<4, 2> = Spec {
        name: "RE23",
        key: "re23",
        summary: "pressure vessel design (Tanabe & Ishibuchi 2020)",
        lower: [1.0, 1.0, 10.0, 10.0],
        upper: [100.0, 100.0, 200.0, 240.0],
        ideal: [15.9018007813, 0.0],
        nadir: [5852.05896876, 1288669.78054],
        libmoon: LibmoonScale::Normalised {
            ideal: [15.9018007813, 0.0],
            nadir: [481.608088535, 44.2819047619],
            first_factor: 1.0,
        },
        discrete: &[0, 1],
    };

    fn snap(x: &mut [f64; 4], rounding: Rounding) {
        x[0] = 0.0625 * rounding.round(x[0]);
        x[1] = 0.0625 * rounding.round(x[1]);
    }

    fn objectives<T: Real>([x1, x2, x3, x4]: [T; 4]) -> [T; 2] {
        let f1 = x1 * 0.6224 * x3 * x4
            + x2 * 1.7781 * x3 * x3
            + x1 * 3.1661 * x1 * x4
            + x1 * 19.84 * x1 * x3;
        let g1 = x1 - x3 * 0.0193;
        let g2 = x2 - x3 * 0.00954;
        let g3 = x3 * PI * x3 * x4 + (x3 * PI * x3 * x3) * (4.0 / 3.0) - 1_296_000.0;
        [f1, total_violation(&[g1, g2, g3])]
    }

    fn objectives_tensor([x1, x2, x3, x4]: [Tensor; 4]) -> Result<[Tensor; 2]> {
        let f1 = (((((&x1 * 0.6224)? * &x3)? * &x4)? + (((&x2 * 1.7781)? * &x3)? * &x3)?)?
            + (((&x1 * 3.1661)? * &x1)? * &x4)?)?;
        let f1 = (f1 + (((&x1 * 19.84)? * &x1)? * &x3)?)?;
        let g1 = (&x1 - (&x3 * 0.0193)?)?;
        let g2 = (&x2 - (&x3 * 0.00954)?)?;
        let g3 = ((((&x3 * PI)? * &x3)? * &x4)? + ((((&x3 * PI)? * &x3)? * &x3)? * (4.0 / 3.0))?)?;
        let g3 = (g3 - 1_296_000.0)?;
        Ok([f1, violation(&[g1, g2, g3])?])
    }
}

re_problem!(Re23, 4, 2);

// ---------------------------------------------------------------------------------------------
// RE24

/// RE24 (RE2-2-4): hatch cover design. 2 continuous variables, 2 objectives; the second objective
/// is the constraint violation.
///
/// With `E = 700 000`, `σ_b,max = 700`, `τ_max = 450`, `δ_max = 1.5`: `σ_k = E·x1²/100`,
/// `σ_b = 4500/(x1·x2)`, `τ = 1800/x2`, `δ = 56.2·10⁴/(E·x1·x2²)`.
///
/// * `f1 = x1 + 120·x2`
/// * `g1 = 1 − σ_b/σ_b,max`, `g2 = 1 − τ/τ_max`, `g3 = 1 − δ/δ_max`, `g4 = 1 − σ_b/σ_k` (all `≥ 0`)
/// * `f2 = Σ [−g_i]_+`
///
/// Domain (the code's): `x1 ∈ [0.5, 4]`, `x2 ∈ [0.5, 50]`; the paper's text says `x2 ∈ [4, 50]`,
/// but the ideal `f1 = 60.5 = 0.5 + 120·0.5` assumes the code's bounds. Authors' points: ideal
/// `(60.5, 0)`, nadir `(481.608088535, 44.2819047619)`.
///
/// # Normalisation
/// [`Normalization::Libmoon`] equals [`Normalization::Authors`] here (LibMOON uses the authors'
/// points); [`Normalization::None`] gives raw `f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Re24 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<2, 2> for Re24 {
    const SPEC: Spec<2, 2> = Spec {
        name: "RE24",
        key: "re24",
        summary: "hatch cover design (Tanabe & Ishibuchi 2020)",
        lower: [0.5, 0.5],
        upper: [4.0, 50.0],
        ideal: [60.5, 0.0],
        nadir: [481.608088535, 44.2819047619],
        libmoon: LibmoonScale::Normalised {
            ideal: [60.5, 0.0],
            nadir: [481.608088535, 44.2819047619],
            first_factor: 1.0,
        },
        discrete: &[],
    };

    fn objectives<T: Real>([x1, x2]: [T; 2]) -> [T; 2] {
        const E: f64 = 700_000.0;
        let f1 = x1 + x2 * 120.0;
        let sigma_k = x1 * E * x1 / 100.0;
        let sigma_b = T::cst(4500.0) / (x1 * x2);
        let tau = T::cst(1800.0) / x2;
        let delta = T::cst(56.2 * 10000.0) / (x1 * E * x2 * x2);
        let g1 = T::cst(1.0) - sigma_b / 700.0;
        let g2 = T::cst(1.0) - tau / 450.0;
        let g3 = T::cst(1.0) - delta / 1.5;
        let g4 = T::cst(1.0) - sigma_b / sigma_k;
        [f1, total_violation(&[g1, g2, g3, g4])]
    }

    fn objectives_tensor([x1, x2]: [Tensor; 2]) -> Result<[Tensor; 2]> {
        const E: f64 = 700_000.0;
        let f1 = (&x1 + (&x2 * 120.0)?)?;
        let sigma_k = div_c(&((&x1 * E)? * &x1)?, 100.0)?;
        let sigma_b = c_div(4500.0, &(&x1 * &x2)?)?;
        let tau = c_div(1800.0, &x2)?;
        let delta = c_div(56.2 * 10000.0, &((((&x1 * E)? * &x2)? * &x2)?))?;
        let g1 = (1.0 - div_c(&sigma_b, 700.0)?)?;
        let g2 = (1.0 - div_c(&tau, 450.0)?)?;
        let g3 = (1.0 - div_c(&delta, 1.5)?)?;
        let g4 = (1.0 - (&sigma_b / &sigma_k)?)?;
        Ok([f1, violation(&[g1, g2, g3, g4])?])
    }
}

re_problem!(Re24, 2, 2);

// ---------------------------------------------------------------------------------------------
// RE25

/// The 42 wire diameters of RE25's `x3`, in the authors' order.
const RE25_X3_VALUES: [f64; 42] = [
    0.009, 0.0095, 0.0104, 0.0118, 0.0128, 0.0132, 0.014, 0.015, 0.0162, 0.0173, 0.018, 0.02,
    0.023, 0.025, 0.028, 0.032, 0.035, 0.041, 0.047, 0.054, 0.063, 0.072, 0.08, 0.092, 0.105, 0.12,
    0.135, 0.148, 0.162, 0.177, 0.192, 0.207, 0.225, 0.244, 0.263, 0.283, 0.307, 0.331, 0.362,
    0.394, 0.4375, 0.5,
];

/// RE25 (RE2-3-5): coil compression spring design. 3 variables (`x1`, `x3` discrete), 2
/// objectives; the second objective is the constraint violation.
///
/// `x1 = round(x1)` (number of coils), `x2` continuous (coil diameter), `x3` snapped to the
/// nearest of 42 wire diameters. With `F_max = 1000`, `S = 189 000`, `G = 11.5·10⁶`,
/// `l_max = 14`, `F_p = 300`, `σ_pm = 6`, `σ_w = 1.25`:
/// `C_f = (4(x2/x3) − 1)/(4(x2/x3) − 4) + 0.615·x3/x2`, `K = G·x3⁴/(8·x1·x2³)`,
/// `σ_p = F_p/K`, `l_f = F_max/K + 1.05·(x1 + 2)·x3`.
///
/// * `f1 = π²·x2·x3²·(x1 + 2)/4`
/// * `g1 = S − 8·C_f·F_max·x2/(π·x3³)`, `g2 = l_max − l_f`, `g3 = x2/x3 − 3`, `g4 = σ_pm − σ_p`,
///   `g5 = l_f − σ_p − (F_max − F_p)/K − 1.05·(x1 + 2)·x3`, `g6 = σ_w − (F_max − F_p)/K`
///   (all `≥ 0`; `g5` is identically 0 up to rounding, as in the authors' code)
/// * `f2 = Σ [−g_i]_+`
///
/// Domain (the code's): `x1 ∈ [1, 70]`, `x2 ∈ [0.6, 3]`, `x3 ∈ [0.09, 0.5]`. The paper's text
/// says `x2 ∈ [0.6, 30]`, and the code's lower bound 0.09 (not 0.009) makes only the 19 diameters
/// from 0.092 up reachable. Authors' points: ideal `(0.037591349242869145, 0)`, nadir
/// `(0.40397042546, 2224669.22419)`.
///
/// # Normalisation
/// [`Normalization::Libmoon`] equals [`Normalization::Authors`] here except for the rounding
/// rule of `x1` at exact ties (module docs); [`Normalization::None`] gives raw `f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Re25 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<3, 2> for Re25 {
    const SPEC: Spec<3, 2> = Spec {
        name: "RE25",
        key: "re25",
        summary: "coil compression spring design (Tanabe & Ishibuchi 2020)",
        lower: [1.0, 0.6, 0.09],
        upper: [70.0, 3.0, 0.5],
        ideal: [0.037591349242869145, 0.0],
        nadir: [0.40397042546, 2224669.22419],
        libmoon: LibmoonScale::Normalised {
            ideal: [0.037591349242869145, 0.0],
            nadir: [0.40397042546, 2224669.22419],
            first_factor: 1.0,
        },
        discrete: &[0, 2],
    };

    fn snap(x: &mut [f64; 3], rounding: Rounding) {
        x[0] = rounding.round(x[0]);
        x[2] = nearest(&RE25_X3_VALUES, x[2]);
    }

    fn objectives<T: Real>([x1, x2, x3]: [T; 3]) -> [T; 2] {
        const F_MAX: f64 = 1000.0;
        const S: f64 = 189_000.0;
        const G: f64 = 11.5 * 1e6;
        const L_MAX: f64 = 14.0;
        const F_P: f64 = 300.0;
        const SIGMA_PM: f64 = 6.0;
        const SIGMA_W: f64 = 1.25;
        let f1 = x2 * (PI * PI) * x3 * x3 * (x1 + 2.0) / 4.0;
        let c_f = (x2 / x3 * 4.0 - 1.0) / (x2 / x3 * 4.0 - 4.0) + x3 * 0.615 / x2;
        let k = x3 * G * x3 * x3 * x3 / (x1 * 8.0 * x2 * x2 * x2);
        let l_f = T::cst(F_MAX) / k + (x1 + 2.0) * 1.05 * x3;
        let sigma_p = T::cst(F_P) / k;
        let g1 = T::cst(S) - c_f * 8.0 * F_MAX * x2 / (x3 * PI * x3 * x3);
        let g2 = T::cst(L_MAX) - l_f;
        let g3 = x2 / x3 - 3.0;
        let g4 = T::cst(SIGMA_PM) - sigma_p;
        let g5 = -sigma_p - T::cst(F_MAX - F_P) / k - (x1 + 2.0) * 1.05 * x3 + l_f;
        let g6 = T::cst(SIGMA_W) - T::cst(F_MAX - F_P) / k;
        [f1, total_violation(&[g1, g2, g3, g4, g5, g6])]
    }

    fn objectives_tensor([x1, x2, x3]: [Tensor; 3]) -> Result<[Tensor; 2]> {
        const F_MAX: f64 = 1000.0;
        const G: f64 = 11.5 * 1e6;
        let x1p2 = (&x1 + 2.0)?;
        let f1 = ((((&x2 * (PI * PI))? * &x3)? * &x3)? * &x1p2)?;
        let f1 = div_c(&f1, 4.0)?;
        let ratio4 = ((&x2 / &x3)? * 4.0)?;
        let c_f = (((&ratio4 - 1.0)? / (&ratio4 - 4.0)?)? + ((&x3 * 0.615)? / &x2)?)?;
        let k = ((((&x3 * G)? * &x3)? * &x3)? * &x3)?;
        let den = ((((&x1 * 8.0)? * &x2)? * &x2)? * &x2)?;
        let k = (k / den)?;
        let coil = ((&x1p2 * 1.05)? * &x3)?;
        let l_f = (c_div(F_MAX, &k)? + &coil)?;
        let sigma_p = c_div(300.0, &k)?;
        let stress = ((((&c_f * 8.0)? * F_MAX)? * &x2)? / (((&x3 * PI)? * &x3)? * &x3)?)?;
        let g1 = (189_000.0 - stress)?;
        let g2 = (14.0 - &l_f)?;
        let g3 = ((&x2 / &x3)? - 3.0)?;
        let g4 = (6.0 - &sigma_p)?;
        let load = c_div(F_MAX - 300.0, &k)?;
        let g5 = (((sigma_p.neg()? - &load)? - &coil)? + &l_f)?;
        let g6 = (1.25 - &load)?;
        Ok([f1, violation(&[g1, g2, g3, g4, g5, g6])?])
    }
}

re_problem!(Re25, 3, 2);
