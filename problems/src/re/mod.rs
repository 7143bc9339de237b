//! The RE suite of real-world engineering problems (Tanabe & Ishibuchi 2020): RE21, RE22, RE23,
//! RE24, RE25, RE31, RE37, RE41 and RE42.
//!
//! R. Tanabe and H. Ishibuchi, *An easy-to-use real-world multi-objective optimization problem
//! suite*, Applied Soft Computing 89:106078 (2020), its supplementary file and the authors'
//! reference code (C, MATLAB, Python, jMetal; latest change 2021-05-29).
//!
//! # Common rules
//!
//! * **Constraints as an objective.** Where the authors' problem has constraints `g_i(x) ≥ 0`, its
//!   last objective is the total violation `Σ_i [−g_i(x)]_+` (unweighted), exactly as the authors
//!   define it. No other penalty is applied.
//! * **Bounds** are those of the authors' code (the ideal and nadir points were computed with
//!   them); where the paper's text differs, the problem's docs say so.
//! * **Discrete variables** are snapped in `f64` before the formula is applied and enter it as
//!   constants: their Jacobian column is zero, in [`Problem::jacobian`](crate::Problem::jacobian)
//!   and in autodiff through [`Problem::evaluate_tensor`](crate::Problem::evaluate_tensor) alike.
//!   "Nearest value in a list" scans the list in the authors' order and keeps the first strict
//!   minimum of `|v − x|` (C's `<`, numpy's `argmin`), so ties go to the earlier entry.
//!   Rounding to an integer depends on the normalisation: [`Normalization::Libmoon`] uses numpy's
//!   `np.round` (ties to even, [`f64::round_ties_even`]); [`Normalization::Authors`] and
//!   [`Normalization::None`] use the authors' C/MATLAB/Java rounding (ties away from zero,
//!   [`f64::round`]). The two differ only when a variable is exactly `k + 0.5`.
//! * **Jacobians** are exact: the formula is evaluated on dual numbers that carry the gradient
//!   through the chain rule in plain `f64`. A violation `[a]_+` has the subgradient 0 at its kink
//!   `a = 0` (in the tensor path too: `relu(a)` times the constant mask `a > 0`).
//! * **No true front** is known in closed form: [`Problem::pareto_front`](crate::Problem::pareto_front)
//!   returns `None`.
//!
//! # Normalisation
//!
//! | [`Normalization`] | objectives | reference point | ideal / nadir in [`ProblemInfo`] |
//! |---|---|---|---|
//! | `Authors` (default) | `(f − z_ideal) / (z_nadir − z_ideal)` with the authors' points | 1 in every objective | 0 and 1 |
//! | `Libmoon` | LibMOON's outputs, bit for bit (see each problem) | 1 in every objective (LibMOON's `compute_hv`), raw rule for RE42 | the authors' points mapped through LibMOON's scaling |
//! | `None` | raw `f` | `z_ideal + 1.1·(z_nadir − z_ideal)` (= 1.1·z_nadir where z_ideal = 0) | the authors' points |
//!
//! The raw reference point is the image of 1.1 in the authors' normalised space, so it lies
//! beyond the nadir even where the nadir is negative (RE42's first objective).
//!
//! LibMOON (GitHub commit b43d825, and PyPI 0.2.1, which gives the same numpy values) uses the
//! authors' formulas, bounds and lists but scales its outputs differently: it halves the first
//! normalised objective of RE21 and RE22, normalises RE21 with the authors' obsolete `bug_` nadir
//! and RE23 with RE24's nadir, and returns RE42 raw.

mod dual;
mod re2;
mod re3;
mod re4;

use candle_core::{DType, Tensor};
use tradeoff_pareto::Matrix;

use crate::error::Result;
use crate::problem::{JacobianBatch, Normalization, Problem, ProblemInfo};
use crate::registry::{ProblemEntry, ProblemSpec, fixed_size};
use dual::{Dual, Real};

pub use re2::{Re21, Re22, Re23, Re24, Re25};
pub use re3::{Re31, Re37};
pub use re4::{Re41, Re42};

/// The paper every RE problem cites.
const CITATION: &str = "R. Tanabe and H. Ishibuchi, An easy-to-use real-world multi-objective \
                        optimization problem suite, Applied Soft Computing 89:106078, 2020";

/// How LibMOON scales a problem's raw objectives.
#[derive(Clone, Copy, Debug)]
enum LibmoonScale<const M: usize> {
    /// `(f − ideal) / (nadir − ideal)`, then the first objective times `first_factor`.
    Normalised {
        ideal: [f64; M],
        nadir: [f64; M],
        first_factor: f64,
    },
    /// Raw objectives (RE42).
    Raw,
}

/// The fixed description of one RE problem.
#[derive(Clone, Copy, Debug)]
struct Spec<const N: usize, const M: usize> {
    /// Display name (`RE21`).
    name: &'static str,
    /// Registry name (`re21`).
    key: &'static str,
    /// One line for `list problems`.
    summary: &'static str,
    lower: [f64; N],
    upper: [f64; N],
    /// The authors' ideal point (current, non-`bug_` files).
    ideal: [f64; M],
    /// The authors' nadir point (current, non-`bug_` files).
    nadir: [f64; M],
    libmoon: LibmoonScale<M>,
    /// Indices of the discrete variables.
    discrete: &'static [usize],
}

/// Rounding to an integer for the discrete variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rounding {
    /// Ties away from zero: C `round`, MATLAB `round` (the authors' C and MATLAB code).
    TiesAway,
    /// Ties to even: numpy's `np.round` (the authors' Python code and LibMOON).
    TiesEven,
}

impl Rounding {
    fn for_normalization(normalization: Normalization) -> Self {
        match normalization {
            Normalization::Libmoon => Self::TiesEven,
            Normalization::Authors | Normalization::None => Self::TiesAway,
        }
    }

    fn round(self, x: f64) -> f64 {
        match self {
            Self::TiesAway => x.round(),
            Self::TiesEven => x.round_ties_even(),
        }
    }
}

/// The entry of `list` nearest to `x`: the first strict minimum of `|v − x|` in list order.
fn nearest(list: &[f64], x: f64) -> f64 {
    let mut best = list[0];
    let mut best_distance = (list[0] - x).abs();
    for &v in &list[1..] {
        let distance = (v - x).abs();
        if distance < best_distance {
            best = v;
            best_distance = distance;
        }
    }
    best
}

/// The affine map applied to raw objective `i`: `(f − offset) / divisor · factor`.
#[derive(Clone, Copy, Debug)]
struct Scale {
    offset: f64,
    divisor: f64,
    factor: f64,
}

impl Scale {
    const IDENTITY: Self = Self {
        offset: 0.0,
        divisor: 1.0,
        factor: 1.0,
    };

    fn all<const N: usize, const M: usize>(
        spec: &Spec<N, M>,
        normalization: Normalization,
    ) -> [Self; M] {
        std::array::from_fn(|i| match (normalization, spec.libmoon) {
            (Normalization::None, _) | (Normalization::Libmoon, LibmoonScale::Raw) => {
                Self::IDENTITY
            }
            (Normalization::Authors, _) => Self {
                offset: spec.ideal[i],
                divisor: spec.nadir[i] - spec.ideal[i],
                factor: 1.0,
            },
            (
                Normalization::Libmoon,
                LibmoonScale::Normalised {
                    ideal,
                    nadir,
                    first_factor,
                },
            ) => Self {
                offset: ideal[i],
                divisor: nadir[i] - ideal[i],
                factor: if i == 0 { first_factor } else { 1.0 },
            },
        })
    }

    /// Same operations, in the same order, as numpy's `(f − ideal) / (nadir − ideal)` followed
    /// by `0.5 * f[:, 0]`.
    fn apply<T: Real>(self, f: T) -> T {
        (f - self.offset) / self.divisor * self.factor
    }

    fn apply_tensor(self, f: &Tensor) -> candle_core::Result<Tensor> {
        let shifted = (f - self.offset)?;
        let scaled = shifted.div(&full_like(&shifted, self.divisor)?)?;
        scaled * self.factor
    }
}

/// A problem's formula: raw objectives from (snapped) decision variables.
trait ReFormula<const N: usize, const M: usize> {
    /// The problem's fixed description.
    const SPEC: Spec<N, M>;

    /// Replaces the discrete variables of one point by their snapped values.
    fn snap(x: &mut [f64; N], rounding: Rounding) {
        let _ = (x, rounding);
    }

    /// Raw objectives of one point whose discrete variables are already snapped.
    fn objectives<T: Real>(x: [T; N]) -> [T; M];

    /// Raw objectives as tensor ops: every `x[j]` and every result is a `[K, 1]` f64 tensor;
    /// the discrete columns are already snapped constants.
    fn objectives_tensor(x: [Tensor; N]) -> candle_core::Result<[Tensor; M]>;
}

/// `Σ_i [−g_i]_+`, added left to right (the authors' order).
fn total_violation<T: Real>(g: &[T]) -> T {
    g[1..].iter().fold((-g[0]).pos(), |t, &gi| t + (-gi).pos())
}

/// A polynomial as the authors write it, `c_0 + Σ_i c_i · x_{v_i1} · x_{v_i2} ⋯`, evaluated in
/// their order: terms added left to right, each term multiplied left to right starting with its
/// coefficient. A term subtracted in the authors' code has a negative coefficient here, which
/// rounds identically (`a − c·x = a + (−c)·x` exactly in IEEE arithmetic).
struct Poly {
    constant: f64,
    /// `(c_i, [v_i1, v_i2, …])`; an empty variable list is a constant term.
    terms: &'static [(f64, &'static [usize])],
}

impl Poly {
    fn eval<T: Real, const N: usize>(&self, x: &[T; N]) -> T {
        let mut acc = T::cst(self.constant);
        for &(c, vars) in self.terms {
            let term = match vars.split_first() {
                None => T::cst(c),
                Some((&first, rest)) => rest.iter().fold(x[first] * c, |t, &v| t * x[v]),
            };
            acc = acc + term;
        }
        acc
    }

    fn tensor<const N: usize>(&self, x: &[Tensor; N]) -> candle_core::Result<Tensor> {
        let mut acc: Option<Tensor> = None;
        let mut pending = self.constant;
        for &(c, vars) in self.terms {
            let Some((&first, rest)) = vars.split_first() else {
                // A constant term: fold it in as an affine shift.
                acc = match acc {
                    Some(a) => Some((a + c)?),
                    None => {
                        pending += c;
                        None
                    }
                };
                continue;
            };
            let mut term = (&x[first] * c)?;
            for &v in rest {
                term = (term * &x[v])?;
            }
            acc = Some(match acc {
                // c_0 + term, as an affine shift of the term (addition is commutative).
                None => (term + pending)?,
                Some(a) => (a + term)?,
            });
        }
        match acc {
            Some(a) => Ok(a),
            None => full_like(&x[0], pending),
        }
    }
}

/// A tensor of the shape of `t` filled with `c`, without gradient.
fn full_like(t: &Tensor, c: f64) -> candle_core::Result<Tensor> {
    Tensor::full(c, t.shape(), t.device())?.to_dtype(t.dtype())
}

/// Tensor helpers that perform the same IEEE operation as the `f64` code (candle's `t / c`
/// multiplies by the reciprocal, which would not round the same way).
mod ops {
    use candle_core::{Result, Tensor};

    /// `t / c`, an exact IEEE division.
    pub(super) fn div_c(t: &Tensor, c: f64) -> Result<Tensor> {
        t.div(&super::full_like(t, c)?)
    }

    /// `c / t`, an exact IEEE division.
    pub(super) fn c_div(c: f64, t: &Tensor) -> Result<Tensor> {
        super::full_like(t, c)?.div(t)
    }

    /// `[a]_+ = max(0, a)` with the subgradient 0 at `a = 0`: `relu(a)` times the constant mask
    /// `a > 0` (candle's `relu` alone has slope 1 at 0).
    pub(super) fn pos(a: &Tensor) -> Result<Tensor> {
        let mask = a.detach().gt(0.0)?.to_dtype(a.dtype())?;
        a.relu()?.mul(&mask)
    }

    /// The sum of the violations `[−g_i]_+`, added left to right.
    pub(super) fn violation(g: &[Tensor]) -> Result<Tensor> {
        let mut total = pos(&g[0].neg()?)?;
        for gi in &g[1..] {
            total = (total + pos(&gi.neg()?)?)?;
        }
        Ok(total)
    }
}

fn info<P: ReFormula<N, M>, const N: usize, const M: usize>(
    normalization: Normalization,
) -> ProblemInfo {
    let spec = P::SPEC;
    let scale = Scale::all(&spec, normalization);
    let ideal = std::array::from_fn::<f64, M, _>(|i| scale[i].apply(spec.ideal[i]));
    let nadir = std::array::from_fn::<f64, M, _>(|i| scale[i].apply(spec.nadir[i]));
    let raw_output = matches!(
        (normalization, spec.libmoon),
        (Normalization::None, _) | (Normalization::Libmoon, LibmoonScale::Raw)
    );
    let reference_point = if raw_output {
        (0..M)
            .map(|i| spec.ideal[i] + 1.1 * (spec.nadir[i] - spec.ideal[i]))
            .collect()
    } else {
        vec![1.0; M]
    };
    ProblemInfo::new(spec.name, N, M)
        .with_bounds(spec.lower.to_vec(), spec.upper.to_vec())
        .with_reference_point(reference_point)
        .with_ideal_nadir(ideal.to_vec(), nadir.to_vec())
        .with_citation(CITATION)
}

/// One row of `x` with its discrete variables snapped.
fn snapped_row<P: ReFormula<N, M>, const N: usize, const M: usize>(
    x: &Matrix,
    k: usize,
    rounding: Rounding,
) -> [f64; N] {
    let mut row: [f64; N] = x
        .row(k)
        .try_into()
        .expect("check_input verified the row length");
    P::snap(&mut row, rounding);
    row
}

fn evaluate<P: ReFormula<N, M>, const N: usize, const M: usize>(
    info: &ProblemInfo,
    normalization: Normalization,
    x: &Matrix,
) -> Result<Matrix> {
    info.check_input(x)?;
    let rounding = Rounding::for_normalization(normalization);
    let scale = Scale::all(&P::SPEC, normalization);
    let mut f = Matrix::zeros(x.n_rows(), M);
    for k in 0..x.n_rows() {
        let raw = P::objectives(snapped_row::<P, N, M>(x, k, rounding));
        for (i, value) in f.row_mut(k).iter_mut().enumerate() {
            *value = scale[i].apply(raw[i]);
        }
    }
    Ok(f)
}

fn jacobian<P: ReFormula<N, M>, const N: usize, const M: usize>(
    info: &ProblemInfo,
    normalization: Normalization,
    x: &Matrix,
) -> Result<(Matrix, JacobianBatch)> {
    info.check_input(x)?;
    let rounding = Rounding::for_normalization(normalization);
    let scale = Scale::all(&P::SPEC, normalization);
    let discrete = P::SPEC.discrete;
    let mut f = Matrix::zeros(x.n_rows(), M);
    let mut jac = JacobianBatch::zeros(x.n_rows(), M, N);
    for k in 0..x.n_rows() {
        let row = snapped_row::<P, N, M>(x, k, rounding);
        let duals: [Dual<N>; N] = std::array::from_fn(|j| {
            if discrete.contains(&j) {
                Dual::cst(row[j])
            } else {
                Dual::var(row[j], j)
            }
        });
        let raw = P::objectives(duals);
        let point = jac.point_mut(k);
        for i in 0..M {
            let fi = scale[i].apply(raw[i]);
            f.set(k, i, fi.v);
            point[i * N..(i + 1) * N].copy_from_slice(&fi.d);
        }
    }
    Ok((f, jac))
}

fn evaluate_tensor<P: ReFormula<N, M>, const N: usize, const M: usize>(
    normalization: Normalization,
    x: &Tensor,
) -> candle_core::Result<Tensor> {
    let x = x.to_dtype(DType::F64)?;
    let (k, n) = x.dims2()?;
    if n != N {
        candle_core::bail!("{}: expected {N} columns, got {n}", P::SPEC.name);
    }
    let rounding = Rounding::for_normalization(normalization);
    let discrete = P::SPEC.discrete;
    // Snapped values of the discrete columns, fed back as constants (zero gradient).
    let snapped = if discrete.is_empty() {
        Vec::new()
    } else {
        let values = x.detach().flatten_all()?.to_vec1::<f64>()?;
        values
            .chunks_exact(N)
            .map(|row| {
                let mut row: [f64; N] = row.try_into().expect("chunks of length N");
                P::snap(&mut row, rounding);
                row
            })
            .collect::<Vec<_>>()
    };
    let columns = (0..N)
        .map(|j| {
            if discrete.contains(&j) {
                let column = snapped.iter().map(|row| row[j]).collect::<Vec<_>>();
                Tensor::from_vec(column, (k, 1), x.device())
            } else {
                x.narrow(1, j, 1)
            }
        })
        .collect::<candle_core::Result<Vec<_>>>()?;
    let columns: [Tensor; N] = columns
        .try_into()
        .unwrap_or_else(|_| unreachable!("N columns"));
    let raw = P::objectives_tensor(columns)?;
    let scale = Scale::all(&P::SPEC, normalization);
    let scaled = raw
        .iter()
        .zip(scale)
        .map(|(f, s)| s.apply_tensor(f))
        .collect::<candle_core::Result<Vec<_>>>()?;
    Tensor::cat(&scaled, 1)
}

/// Builds an RE problem from a registry spec (fixed sizes, `spec.normalize`).
fn build<P, const N: usize, const M: usize>(spec: &ProblemSpec) -> Result<Box<dyn Problem>>
where
    P: ReFormula<N, M> + Problem + From<Normalization> + 'static,
{
    let name = P::SPEC.name;
    fixed_size(name, "n_var", N, spec.n_var)?;
    fixed_size(name, "n_obj", M, spec.n_obj)?;
    Ok(Box::new(P::from(spec.normalize)))
}

const fn entry<P, const N: usize, const M: usize>() -> ProblemEntry
where
    P: ReFormula<N, M> + Problem + From<Normalization> + 'static,
{
    ProblemEntry {
        name: P::SPEC.key,
        family: "RE",
        summary: P::SPEC.summary,
        build: build::<P, N, M>,
    }
}

/// Implements the constructor, `Default`, `Display`, `From<Normalization>` and [`Problem`] of an
/// RE struct `{ normalization: Normalization, info: ProblemInfo }` that implements [`ReFormula`].
macro_rules! re_problem {
    ($ty:ident, $n:literal, $m:literal) => {
        impl $ty {
            /// The problem with the given objective scaling.
            pub fn new(normalization: $crate::problem::Normalization) -> Self {
                Self {
                    normalization,
                    info: super::info::<Self, $n, $m>(normalization),
                }
            }

            /// The objective scaling.
            pub fn normalization(&self) -> $crate::problem::Normalization {
                self.normalization
            }
        }

        impl Default for $ty {
            /// The authors' normalisation.
            fn default() -> Self {
                Self::new($crate::problem::Normalization::default())
            }
        }

        impl std::fmt::Display for $ty {
            /// The display name (`RE21`).
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.info.name)
            }
        }

        impl From<$crate::problem::Normalization> for $ty {
            fn from(normalization: $crate::problem::Normalization) -> Self {
                Self::new(normalization)
            }
        }

        impl $crate::problem::Problem for $ty {
            fn info(&self) -> &$crate::problem::ProblemInfo {
                &self.info
            }

            fn evaluate_tensor(
                &self,
                x: &candle_core::Tensor,
            ) -> candle_core::Result<candle_core::Tensor> {
                super::evaluate_tensor::<Self, $n, $m>(self.normalization, x)
            }

            fn evaluate(
                &self,
                x: &tradeoff_pareto::Matrix,
            ) -> $crate::error::Result<tradeoff_pareto::Matrix> {
                super::evaluate::<Self, $n, $m>(&self.info, self.normalization, x)
            }

            fn jacobian(
                &self,
                x: &tradeoff_pareto::Matrix,
            ) -> $crate::error::Result<(tradeoff_pareto::Matrix, $crate::problem::JacobianBatch)>
            {
                super::jacobian::<Self, $n, $m>(&self.info, self.normalization, x)
            }

            fn has_analytic_jacobian(&self) -> bool {
                true
            }
        }
    };
}
use re_problem;

/// Registry rows of this family.
pub(crate) const ENTRIES: &[ProblemEntry] = &[
    entry::<Re21, 4, 2>(),
    entry::<Re22, 3, 2>(),
    entry::<Re23, 4, 2>(),
    entry::<Re24, 2, 2>(),
    entry::<Re25, 3, 2>(),
    entry::<Re31, 3, 3>(),
    entry::<Re37, 4, 3>(),
    entry::<Re41, 7, 4>(),
    entry::<Re42, 6, 4>(),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_keeps_the_first_of_equal_distances() {
        let list = [1.0, 3.0, 2.0, 3.0];
        assert_eq!(nearest(&list, 2.5), 3.0);
        assert_eq!(nearest(&list, 1.5), 1.0);
        assert_eq!(nearest(&list, 9.0), 3.0);
    }

    #[test]
    fn rounding_rules_differ_only_at_ties() {
        assert_eq!(Rounding::TiesAway.round(2.5), 3.0);
        assert_eq!(Rounding::TiesEven.round(2.5), 2.0);
        assert_eq!(Rounding::TiesAway.round(3.5), 4.0);
        assert_eq!(Rounding::TiesEven.round(3.5), 4.0);
        assert_eq!(Rounding::TiesAway.round(2.4), Rounding::TiesEven.round(2.4));
    }

    #[test]
    fn problems_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Re21>();
        check::<Re22>();
        check::<Re23>();
        check::<Re24>();
        check::<Re25>();
        check::<Re31>();
        check::<Re37>();
        check::<Re41>();
        check::<Re42>();
    }
}
