//! The three-objective RE problems: RE31 and RE37.

use candle_core::{Result, Tensor};

use super::dual::Real;
use super::ops::violation;
use super::{LibmoonScale, Poly, ReFormula, Spec, re_problem, total_violation};
use crate::problem::{Normalization, ProblemInfo};

// ---------------------------------------------------------------------------------------------
// RE31

/// RE31 (RE3-3-1): two-bar truss design. 3 continuous variables, 3 objectives; the third
/// objective is the constraint violation.
///
/// * `f1 = x1·√(16 + x3²) + x2·√(1 + x3²)`
/// * `f2 = 20·√(16 + x3²)/(x1·x3)`
/// * `g1 = 0.1 − f1`, `g2 = 10⁵ − f2`, `g3 = 10⁵ − 80·√(1 + x3²)/(x3·x2)` (all `≥ 0`)
/// * `f3 = Σ [−g_i]_+`
///
/// Domain: `x1, x2 ∈ [10⁻⁵, 100]`, `x3 ∈ [1, 3]`. Authors' points: ideal
/// `(5.53731918799e−05, 0.333333333333, 0)`, nadir `(500.002668442, 8246211.25124, 19359919.7502)`.
///
/// # Normalisation
/// [`Normalization::Libmoon`] equals [`Normalization::Authors`] here (LibMOON uses the authors'
/// points); [`Normalization::None`] gives raw `f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Re31 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<3, 3> for Re31 {
    const SPEC: Spec<3, 3> = Spec {
        name: "RE31",
        key: "re31",
        summary: "two-bar truss design (Tanabe & Ishibuchi 2020)",
        lower: [0.00001, 0.00001, 1.0],
        upper: [100.0, 100.0, 3.0],
        ideal: [5.53731918799e-05, 0.333333333333, 0.0],
        nadir: [500.002668442, 8246211.25124, 19359919.7502],
        libmoon: LibmoonScale::Normalised {
            ideal: [5.53731918799e-05, 0.333333333333, 0.0],
            nadir: [500.002668442, 8246211.25124, 19359919.7502],
            first_factor: 1.0,
        },
        discrete: &[],
    };

    fn objectives<T: Real>([x1, x2, x3]: [T; 3]) -> [T; 3] {
        let long = (x3 * x3 + 16.0).sqrt();
        let short = (x3 * x3 + 1.0).sqrt();
        let f1 = x1 * long + x2 * short;
        let f2 = long * 20.0 / (x1 * x3);
        let g1 = T::cst(0.1) - f1;
        let g2 = T::cst(100_000.0) - f2;
        let g3 = T::cst(100_000.0) - short * 80.0 / (x3 * x2);
        [f1, f2, total_violation(&[g1, g2, g3])]
    }

    fn objectives_tensor([x1, x2, x3]: [Tensor; 3]) -> Result<[Tensor; 3]> {
        let x3sq = (&x3 * &x3)?;
        let long = (&x3sq + 16.0)?.sqrt()?;
        let short = (&x3sq + 1.0)?.sqrt()?;
        let f1 = ((&x1 * &long)? + (&x2 * &short)?)?;
        let f2 = ((&long * 20.0)? / (&x1 * &x3)?)?;
        let g1 = (0.1 - &f1)?;
        let g2 = (100_000.0 - &f2)?;
        let g3 = (100_000.0 - ((&short * 80.0)? / (&x3 * &x2)?)?)?;
        Ok([f1, f2, violation(&[g1, g2, g3])?])
    }
}

re_problem!(Re31, 3, 3);

// ---------------------------------------------------------------------------------------------
// RE37

/// RE37's objectives, variables `(α, HA, OA, OPTT) = (x0, x1, x2, x3)`, in the authors' order.
const RE37_F: [Poly; 3] = [
    Poly {
        constant: 0.692,
        terms: &[
            (0.477, &[0]),
            (-0.687, &[1]),
            (-0.080, &[2]),
            (-0.0650, &[3]),
            (-0.167, &[0, 0]),
            (-0.0129, &[1, 0]),
            (0.0796, &[1, 1]),
            (-0.0634, &[2, 0]),
            (-0.0257, &[2, 1]),
            (0.0877, &[2, 2]),
            (-0.0521, &[3, 0]),
            (0.00156, &[3, 1]),
            (0.00198, &[3, 2]),
            (0.0184, &[3, 3]),
        ],
    },
    Poly {
        constant: 0.153,
        terms: &[
            (-0.322, &[0]),
            (0.396, &[1]),
            (0.424, &[2]),
            (0.0226, &[3]),
            (0.175, &[0, 0]),
            (0.0185, &[1, 0]),
            (-0.0701, &[1, 1]),
            (-0.251, &[2, 0]),
            (0.179, &[2, 1]),
            (0.0150, &[2, 2]),
            (0.0134, &[3, 0]),
            (0.0296, &[3, 1]),
            (0.0752, &[3, 2]),
            (0.0192, &[3, 3]),
        ],
    },
    Poly {
        constant: 0.370,
        terms: &[
            (-0.205, &[0]),
            (0.0307, &[1]),
            (0.108, &[2]),
            (1.019, &[3]),
            (-0.135, &[0, 0]),
            (0.0141, &[1, 0]),
            (0.0998, &[1, 1]),
            (0.208, &[2, 0]),
            (-0.0301, &[2, 1]),
            (-0.226, &[2, 2]),
            (0.353, &[3, 0]),
            (-0.0497, &[3, 2]),
            (-0.423, &[3, 3]),
            (0.202, &[1, 0, 0]),
            (-0.281, &[2, 0, 0]),
            (-0.342, &[1, 1, 0]),
            (-0.245, &[1, 1, 2]),
            (0.281, &[2, 2, 1]),
            (-0.184, &[3, 3, 0]),
            (-0.281, &[1, 0, 2]),
        ],
    },
];

/// RE37 (RE3-4-7): rocket injector design. 4 continuous variables, 3 objectives (response
/// surfaces), no constraints.
///
/// With `(a, h, o, t) = (x1, x2, x3, x4)` = (α, HA, OA, OPTT):
///
/// * `f1 = 0.692 + 0.477a − 0.687h − 0.080o − 0.0650t − 0.167a² − 0.0129ha + 0.0796h² − 0.0634oa
///   − 0.0257oh + 0.0877o² − 0.0521ta + 0.00156th + 0.00198to + 0.0184t²`
/// * `f2 = 0.153 − 0.322a + 0.396h + 0.424o + 0.0226t + 0.175a² + 0.0185ha − 0.0701h² − 0.251oa
///   + 0.179oh + 0.0150o² + 0.0134ta + 0.0296th + 0.0752to + 0.0192t²`
/// * `f3 = 0.370 − 0.205a + 0.0307h + 0.108o + 1.019t − 0.135a² + 0.0141ha + 0.0998h² + 0.208oa
///   − 0.0301oh − 0.226o² + 0.353ta − 0.0497to − 0.423t² + 0.202ha² − 0.281oa² − 0.342h²a
///   − 0.245h²o + 0.281o²h − 0.184t²a − 0.281hao`
///
/// Domain: `[0, 1]⁴`. Authors' points: ideal `(0.00889341391106, 0.00488, −0.431499999825)`,
/// nadir `(0.98949120096, 0.956587924661, 0.987530948586)`.
///
/// # Normalisation
/// [`Normalization::Libmoon`] equals [`Normalization::Authors`] here (LibMOON uses the authors'
/// points); [`Normalization::None`] gives raw `f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Re37 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<4, 3> for Re37 {
    const SPEC: Spec<4, 3> = Spec {
        name: "RE37",
        key: "re37",
        summary: "rocket injector design (Tanabe & Ishibuchi 2020)",
        lower: [0.0; 4],
        upper: [1.0; 4],
        ideal: [0.00889341391106, 0.00488, -0.431499999825],
        nadir: [0.98949120096, 0.956587924661, 0.987530948586],
        libmoon: LibmoonScale::Normalised {
            ideal: [0.00889341391106, 0.00488, -0.431499999825],
            nadir: [0.98949120096, 0.956587924661, 0.987530948586],
            first_factor: 1.0,
        },
        discrete: &[],
    };

    fn objectives<T: Real>(x: [T; 4]) -> [T; 3] {
        RE37_F.each_ref().map(|p| p.eval(&x))
    }

    fn objectives_tensor(x: [Tensor; 4]) -> Result<[Tensor; 3]> {
        let [f1, f2, f3] = &RE37_F;
        Ok([f1.tensor(&x)?, f2.tensor(&x)?, f3.tensor(&x)?])
    }
}

re_problem!(Re37, 4, 3);
