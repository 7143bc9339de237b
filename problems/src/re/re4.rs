//! The four-objective RE problems: RE41 and RE42.

use candle_core::{Result, Tensor};

use super::dual::Real;
use super::ops::{c_div, div_c, violation};
use super::{LibmoonScale, Poly, ReFormula, Spec, re_problem, total_violation};
use crate::problem::{Normalization, ProblemInfo};

// ---------------------------------------------------------------------------------------------
// RE41

/// RE41's polynomials in `x1..x7 = x[0..7]`, written exactly as in the authors' code (like terms
/// are not merged, so the values agree bit for bit).
mod re41 {
    use super::Poly;

    pub(super) const F1: Poly = Poly {
        constant: 1.98,
        terms: &[
            (4.9, &[0]),
            (6.67, &[1]),
            (6.98, &[2]),
            (4.01, &[3]),
            (1.78, &[4]),
            (0.00001, &[5]),
            (2.73, &[6]),
        ],
    };
    pub(super) const F2: Poly = Poly {
        constant: 4.72,
        terms: &[(-0.5, &[3]), (-0.19, &[1, 2])],
    };
    pub(super) const V_MBP: Poly = Poly {
        constant: 10.58,
        terms: &[(-0.674, &[0, 1]), (-0.67275, &[1])],
    };
    pub(super) const V_FD: Poly = Poly {
        constant: 16.45,
        terms: &[(-0.489, &[2, 6]), (-0.843, &[4, 5])],
    };
    /// `(c_i, P_i)` with `g_i = c_i − P_i(x)` for the first seven constraints.
    pub(super) const G: [(f64, Poly); 7] = [
        (
            1.0,
            Poly {
                constant: 1.16,
                terms: &[(-0.3717, &[1, 3]), (-0.0092928, &[2])],
            },
        ),
        (
            0.32,
            Poly {
                constant: 0.261,
                terms: &[
                    (-0.0159, &[0, 1]),
                    (-0.06486, &[0]),
                    (-0.019, &[1, 6]),
                    (0.0144, &[2, 4]),
                    (0.0154464, &[5]),
                ],
            },
        ),
        (
            0.32,
            Poly {
                constant: 0.214,
                terms: &[
                    (0.00817, &[4]),
                    (-0.045195, &[0]),
                    (-0.0135168, &[0]),
                    (0.03099, &[1, 5]),
                    (-0.018, &[1, 6]),
                    (0.007176, &[2]),
                    (0.023232, &[2]),
                    (-0.00364, &[4, 5]),
                    (-0.018, &[1, 1]),
                ],
            },
        ),
        (
            0.32,
            Poly {
                constant: 0.74,
                terms: &[
                    (-0.61, &[1]),
                    (-0.031296, &[2]),
                    (-0.031872, &[6]),
                    (0.227, &[1, 1]),
                ],
            },
        ),
        (
            32.0,
            Poly {
                constant: 28.98,
                terms: &[
                    (3.818, &[2]),
                    (-4.2, &[0, 1]),
                    (1.27296, &[5]),
                    (-2.68065, &[6]),
                ],
            },
        ),
        (
            32.0,
            Poly {
                constant: 33.86,
                terms: &[
                    (2.95, &[2]),
                    (-5.057, &[0, 1]),
                    (-3.795, &[1]),
                    (-3.4431, &[6]),
                    (1.45728, &[]),
                ],
            },
        ),
        (
            32.0,
            Poly {
                constant: 46.36,
                terms: &[(-9.9, &[1]), (-4.4505, &[0])],
            },
        ),
    ];
}

/// RE41 (RE4-7-1): car side-impact design. 7 continuous variables, 4 objectives; the fourth
/// objective is the constraint violation.
///
/// * `f1 = 1.98 + 4.9x1 + 6.67x2 + 6.98x3 + 4.01x4 + 1.78x5 + 0.00001x6 + 2.73x7`
/// * `f2 = 4.72 − 0.5x4 − 0.19x2x3`
/// * `V_mbp = 10.58 − 0.674x1x2 − 0.67275x2`, `V_fd = 16.45 − 0.489x3x7 − 0.843x5x6`,
///   `f3 = (V_mbp + V_fd)/2`
/// * ten constraints `g_i ≥ 0`, written exactly as in the authors' code (like terms not merged):
///   - `g1 = 1 − (1.16 − 0.3717x2x4 − 0.0092928x3)`
///   - `g2 = 0.32 − (0.261 − 0.0159x1x2 − 0.06486x1 − 0.019x2x7 + 0.0144x3x5 + 0.0154464x6)`
///   - `g3 = 0.32 − (0.214 + 0.00817x5 − 0.045195x1 − 0.0135168x1 + 0.03099x2x6 − 0.018x2x7
///     + 0.007176x3 + 0.023232x3 − 0.00364x5x6 − 0.018x2²)`
///   - `g4 = 0.32 − (0.74 − 0.61x2 − 0.031296x3 − 0.031872x7 + 0.227x2²)`
///   - `g5 = 32 − (28.98 + 3.818x3 − 4.2x1x2 + 1.27296x6 − 2.68065x7)`
///   - `g6 = 32 − (33.86 + 2.95x3 − 5.057x1x2 − 3.795x2 − 3.4431x7 + 1.45728)`
///   - `g7 = 32 − (46.36 − 9.9x2 − 4.4505x1)`
///   - `g8 = 4 − f2`, `g9 = 9.9 − V_mbp`, `g10 = 15.7 − V_fd`
/// * `f4 = Σ [−g_i]_+`
///
/// Domain: `[0.5, 1.5] × [0.45, 1.35] × [0.5, 1.5] × [0.5, 1.5] × [0.875, 2.625] × [0.4, 1.2]
/// × [0.4, 1.2]`. Authors' points: ideal `(15.576004, 3.58525, 10.61064375, 0)`, nadir
/// `(39.2905121788, 4.42725, 13.09138125, 9.49401929991)`.
///
/// # Normalisation
/// [`Normalization::Libmoon`] equals [`Normalization::Authors`] here (LibMOON uses the authors'
/// points); [`Normalization::None`] gives raw `f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Re41 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<7, 4> for Re41 {
    const SPEC: Spec<7, 4> = Spec {
        name: "RE41",
        key: "re41",
        summary: "car side-impact design (Tanabe & Ishibuchi 2020)",
        lower: [0.5, 0.45, 0.5, 0.5, 0.875, 0.4, 0.4],
        upper: [1.5, 1.35, 1.5, 1.5, 2.625, 1.2, 1.2],
        ideal: [15.576004, 3.58525, 10.61064375, 0.0],
        nadir: [39.2905121788, 4.42725, 13.09138125, 9.49401929991],
        libmoon: LibmoonScale::Normalised {
            ideal: [15.576004, 3.58525, 10.61064375, 0.0],
            nadir: [39.2905121788, 4.42725, 13.09138125, 9.49401929991],
            first_factor: 1.0,
        },
        discrete: &[],
    };

    fn objectives<T: Real>(x: [T; 7]) -> [T; 4] {
        let f1 = re41::F1.eval(&x);
        let f2 = re41::F2.eval(&x);
        let v_mbp = re41::V_MBP.eval(&x);
        let v_fd = re41::V_FD.eval(&x);
        let f3 = (v_mbp + v_fd) * 0.5;
        let g: [T; 10] = std::array::from_fn(|i| match i {
            0..7 => {
                let (c, p) = &re41::G[i];
                T::cst(*c) - p.eval(&x)
            }
            7 => T::cst(4.0) - f2,
            8 => T::cst(9.9) - v_mbp,
            _ => T::cst(15.7) - v_fd,
        });
        [f1, f2, f3, total_violation(&g)]
    }

    fn objectives_tensor(x: [Tensor; 7]) -> Result<[Tensor; 4]> {
        let f1 = re41::F1.tensor(&x)?;
        let f2 = re41::F2.tensor(&x)?;
        let v_mbp = re41::V_MBP.tensor(&x)?;
        let v_fd = re41::V_FD.tensor(&x)?;
        let f3 = ((&v_mbp + &v_fd)? * 0.5)?;
        let mut g = re41::G
            .iter()
            .map(|(c, p)| *c - p.tensor(&x)?)
            .collect::<Result<Vec<_>>>()?;
        g.push((4.0 - &f2)?);
        g.push((9.9 - &v_mbp)?);
        g.push((15.7 - &v_fd)?);
        Ok([f1, f2, f3, violation(&g)?])
    }
}

re_problem!(Re41, 7, 4);

// ---------------------------------------------------------------------------------------------
// RE42

/// RE42 (RE4-6-2): conceptual marine (bulk carrier) design. 6 continuous variables
/// `x = (L, B, D, T, V_k, C_B)`, 4 objectives; the fourth objective is the constraint violation.
///
/// Intermediate quantities, in order: `Δ = 1.025·L·B·T·C_B`, `V = 0.5144·V_k`, `g = 9.8065`,
/// `F_n = V/√(g·L)`, `a = 4977.06·C_B² − 8105.61·C_B + 4456.51`,
/// `b = −10847.2·C_B² + 12817·C_B − 6960.32`, power `P = Δ^(2/3)·V_k³/(a + b·F_n)`,
/// `W_o = L^0.8·B^0.6·D^0.3·C_B^0.1`, `W_s = 0.034·L^1.7·B^0.7·D^0.4·C_B^0.5`, `W_m = 0.17·P^0.9`,
/// lightship weight `W_l = W_s + W_o + W_m`, ship cost `1.3·(2000·W_s^0.85 + 3500·W_o + 2400·P^0.8)`,
/// capital costs `0.2 · ship cost`, `DWT = Δ − W_l`, running costs `40000·DWT^0.3`,
/// sea days `(5000/24)·V_k` (the authors' formula, sic), daily consumption
/// `c = 0.19·P·24/1000 + 0.2`, fuel cost `1.05·c·sea days·100`, port cost `6.3·DWT^0.8`,
/// fuel carried `c·(sea days + 5)`, miscellaneous DWT `2·DWT^0.5`,
/// cargo DWT `DWT − fuel carried − misc DWT`, port days `2·(cargo DWT/8000 + 0.5)`,
/// `RTPA = 350/(sea days + port days)`, voyage costs `(fuel cost + port cost)·RTPA`,
/// annual costs `capital + running + voyage`, annual cargo `cargo DWT·RTPA`.
///
/// * `f1 = annual costs/annual cargo` (transport cost), `f2 = W_l`, `f3 = −annual cargo`
/// * `g1 = L/B − 6`, `g2 = 15 − L/D`, `g3 = 19 − L/T`, `g4 = 0.45·DWT^0.31 − T`,
///   `g5 = 0.7·D + 0.7 − T`, `g6 = 500 000 − DWT` (the authors' 2021-05-29 fix; 50 000 before),
///   `g7 = DWT − 3000`, `g8 = 0.32 − F_n`, `g9 = KB + BMT − KG − 0.07·B` with `KB = 0.53·T`,
///   `BMT = (0.085·C_B − 0.002)·B²/(T·C_B)`, `KG = 1 + 0.52·D` (all `≥ 0`)
/// * `f4 = Σ [−g_i]_+`
///
/// Because the sea days are about 3000, the fuel carried exceeds the deadweight in most of the
/// box: annual cargo is then negative, `f1` negative and `f3` positive. This is the authors'
/// definition, and their ideal and nadir points were computed with it.
///
/// Domain: `L ∈ [150, 274.32]`, `B ∈ [20, 32.31]`, `D ∈ [13, 25]`, `T ∈ [10, 11.71]`,
/// `V_k ∈ [14, 18]`, `C_B ∈ [0.63, 0.75]`. Authors' points: ideal
/// `(−2756.2590400638524, 3962.557843228888, 1947.880856925791, 0)`, nadir
/// `(−1010.5229595219643, 13827.138456300128, 2611.9668107424536, 12.437669929732023)`.
///
/// # Normalisation
/// * [`Normalization::Authors`]: `(f − ideal)/(nadir − ideal)`.
/// * [`Normalization::Libmoon`]: raw `f`, because LibMOON computes the normalised values but
///   returns the raw ones. The reference point is then the raw one of [`Normalization::None`].
/// * [`Normalization::None`]: raw `f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Re42 {
    normalization: Normalization,
    info: ProblemInfo,
}

impl ReFormula<6, 4> for Re42 {
    const SPEC: Spec<6, 4> = Spec {
        name: "RE42",
        key: "re42",
        summary: "conceptual marine (bulk carrier) design (Tanabe & Ishibuchi 2020)",
        lower: [150.0, 20.0, 13.0, 10.0, 14.0, 0.63],
        upper: [274.32, 32.31, 25.0, 11.71, 18.0, 0.75],
        ideal: [
            -2756.2590400638524,
            3962.557843228888,
            1947.880856925791,
            0.0,
        ],
        nadir: [
            -1010.5229595219643,
            13827.138456300128,
            2611.9668107424536,
            12.437669929732023,
        ],
        libmoon: LibmoonScale::Raw,
        discrete: &[],
    };

    fn objectives<T: Real>([l, b, d, t, vk, cb]: [T; 6]) -> [T; 4] {
        let displacement = l * 1.025 * b * t * cb;
        let v = vk * 0.5144;
        let froude = v / (l * 9.8065).powf(0.5);
        let a = cb * 4977.06 * cb - cb * 8105.61 + 4456.51;
        let bb = cb * -10847.2 * cb + cb * 12817.0 - 6960.32;
        let power = displacement.powf(2.0 / 3.0) * vk.powf(3.0) / (a + bb * froude);
        let outfit = l.powf(0.8) * b.powf(0.6) * d.powf(0.3) * cb.powf(0.1);
        let steel = l.powf(1.7) * 0.034 * b.powf(0.7) * d.powf(0.4) * cb.powf(0.5);
        let machinery = power.powf(0.9) * 0.17;
        let light_ship = steel + outfit + machinery;
        let ship_cost =
            (steel.powf(0.85) * 2000.0 + outfit * 3500.0 + power.powf(0.8) * 2400.0) * 1.3;
        let capital = ship_cost * 0.2;
        let dwt = displacement - light_ship;
        let running = dwt.powf(0.3) * 40000.0;
        let sea_days = vk * (5000.0 / 24.0);
        let daily = power * 0.19 * 24.0 / 1000.0 + 0.2;
        let fuel_cost = daily * 1.05 * sea_days * 100.0;
        let port_cost = dwt.powf(0.8) * 6.3;
        let fuel_carried = daily * (sea_days + 5.0);
        let misc = dwt.powf(0.5) * 2.0;
        let cargo = dwt - fuel_carried - misc;
        let port_days = (cargo / 8000.0 + 0.5) * 2.0;
        let rtpa = T::cst(350.0) / (sea_days + port_days);
        let voyage = (fuel_cost + port_cost) * rtpa;
        let annual_costs = capital + running + voyage;
        let annual_cargo = cargo * rtpa;

        let kb = t * 0.53;
        let bmt = (cb * 0.085 - 0.002) * b * b / (t * cb);
        let kg = d * 0.52 + 1.0;
        let g = [
            l / b - 6.0,
            -(l / d) + 15.0,
            -(l / t) + 19.0,
            dwt.powf(0.31) * 0.45 - t,
            d * 0.7 + 0.7 - t,
            T::cst(500_000.0) - dwt,
            dwt - 3000.0,
            T::cst(0.32) - froude,
            kb + bmt - kg - b * 0.07,
        ];
        [
            annual_costs / annual_cargo,
            light_ship,
            -annual_cargo,
            total_violation(&g),
        ]
    }

    fn objectives_tensor([l, b, d, t, vk, cb]: [Tensor; 6]) -> Result<[Tensor; 4]> {
        let displacement = ((((&l * 1.025)? * &b)? * &t)? * &cb)?;
        let v = (&vk * 0.5144)?;
        let froude = (&v / (&l * 9.8065)?.powf(0.5)?)?;
        let a = ((((&cb * 4977.06)? * &cb)? - (&cb * 8105.61)?)? + 4456.51)?;
        let bb = ((((&cb * -10847.2)? * &cb)? + (&cb * 12817.0)?)? - 6960.32)?;
        let power = ((displacement.powf(2.0 / 3.0)? * vk.powf(3.0)?)? / (&a + (&bb * &froude)?)?)?;
        let outfit = (((l.powf(0.8)? * b.powf(0.6)?)? * d.powf(0.3)?)? * cb.powf(0.1)?)?;
        let steel =
            ((((l.powf(1.7)? * 0.034)? * b.powf(0.7)?)? * d.powf(0.4)?)? * cb.powf(0.5)?)?;
        let machinery = (power.powf(0.9)? * 0.17)?;
        let light_ship = ((&steel + &outfit)? + &machinery)?;
        let ship_cost = (((steel.powf(0.85)? * 2000.0)? + (&outfit * 3500.0)?)?
            + (power.powf(0.8)? * 2400.0)?)?;
        let capital = ((ship_cost * 1.3)? * 0.2)?;
        let dwt = (&displacement - &light_ship)?;
        let running = (dwt.powf(0.3)? * 40000.0)?;
        let sea_days = (&vk * (5000.0 / 24.0))?;
        let daily = (div_c(&((&power * 0.19)? * 24.0)?, 1000.0)? + 0.2)?;
        let fuel_cost = (((&daily * 1.05)? * &sea_days)? * 100.0)?;
        let port_cost = (dwt.powf(0.8)? * 6.3)?;
        let fuel_carried = (&daily * (&sea_days + 5.0)?)?;
        let misc = (dwt.powf(0.5)? * 2.0)?;
        let cargo = ((&dwt - &fuel_carried)? - &misc)?;
        let port_days = ((div_c(&cargo, 8000.0)? + 0.5)? * 2.0)?;
        let rtpa = c_div(350.0, &(&sea_days + &port_days)?)?;
        let voyage = ((&fuel_cost + &port_cost)? * &rtpa)?;
        let annual_costs = ((&capital + &running)? + &voyage)?;
        let annual_cargo = (&cargo * &rtpa)?;

        let kb = (&t * 0.53)?;
        let bmt = ((((&cb * 0.085)? - 0.002)? * &b)? * &b)?;
        let bmt = (bmt / (&t * &cb)?)?;
        let kg = ((&d * 0.52)? + 1.0)?;
        let g = [
            ((&l / &b)? - 6.0)?,
            (15.0 - (&l / &d)?)?,
            (19.0 - (&l / &t)?)?,
            ((dwt.powf(0.31)? * 0.45)? - &t)?,
            (((&d * 0.7)? + 0.7)? - &t)?,
            (500_000.0 - &dwt)?,
            (&dwt - 3000.0)?,
            (0.32 - &froude)?,
            ((((&kb + &bmt)? - &kg)? - (&b * 0.07)?)?),
        ];
        Ok([
            (&annual_costs / &annual_cargo)?,
            light_ship,
            annual_cargo.neg()?,
            violation(&g)?,
        ])
    }
}

re_problem!(Re42, 6, 4);
