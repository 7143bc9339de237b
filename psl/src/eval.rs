//! Querying and evaluating a trained model: LibMOON's evaluation preferences, every indicator,
//! and a dense sample of the learned front.

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};
use tradeoff_pareto::{
    Matrix, SOFT_LMIN_H, clip_preferences, cross_angle, das_dennis, das_dennis_size, igd, igd_plus,
    inner_product, linspace, lmin, pbi, riesz_energy, soft_lmin, spacing, span, sparsity,
};
use tradeoff_problems::Problem;

use crate::error::{Result, invalid};
use crate::model::ParetoSetModel;

/// LibMOON's number of evaluation preferences: 20 for two objectives, 200 for more.
pub fn default_eval_size(n_obj: usize) -> usize {
    if n_obj <= 2 { 20 } else { 200 }
}

/// LibMOON's evaluation preferences (`get_uniform_pref(n, n_obj, clip_eps = 0.01)`):
/// for two objectives `λ₁ = linspace(0.01, 0.99, n)`; for more, a Riesz s-energy set of `n`
/// points (pymoo's "energy" directions with seed 1, our port [`riesz_energy`]) clipped to
/// `[0.01, 0.99]` and renormalised. `n` defaults to [`default_eval_size`].
pub fn evaluation_preferences(n_obj: usize, n_points: Option<usize>) -> Result<Matrix> {
    let n = n_points.unwrap_or_else(|| default_eval_size(n_obj));
    Ok(match n_obj {
        0 | 1 => return Err(invalid("n_obj", "must be at least 2", n_obj)),
        2 => linspace(n, 0.01)?,
        m => clip_preferences(&riesz_energy(m, n, 1)?, 0.01)?,
    })
}

/// The solutions (`B × n_var`, f64) the model predicts for `prefs` (`B × n_obj`).
///
/// The preferences are rounded to the model's precision; the same model and preferences give
/// the same numbers bit for bit.
pub fn query(model: &dyn ParetoSetModel, prefs: &Matrix) -> Result<Matrix> {
    let (b, m) = prefs.shape();
    let t = Tensor::from_slice(prefs.as_slice(), (b, m), &Device::Cpu)?
        .to_dtype(model.config().precision.dtype())?;
    let x = model.forward(&t)?;
    let (rows, cols) = x.dims2()?;
    let data = x.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
    Ok(Matrix::from_vec(rows, cols, data)?)
}

/// Every indicator of a point set; `None` where an indicator is undefined (e.g. a pairwise
/// metric of one point) or unavailable (IGD without a known true front).
///
/// Spacing and sparsity are **not** multiplied by 100 (LibMOON's PSL tables show them ×100).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    /// Hypervolume with respect to [`Indicators::reference`].
    pub hv: f64,
    /// The reference point used (the problem's).
    pub reference: Vec<f64>,
    /// IGD to the problem's true front, when it is known.
    pub igd: Option<f64>,
    /// IGD+ to the problem's true front, when it is known.
    pub igd_plus: Option<f64>,
    /// Minimum pairwise distance.
    pub lmin: Option<f64>,
    /// Soft minimum pairwise distance (`h = 20`).
    pub soft_lmin: Option<f64>,
    /// Spacing.
    pub spacing: Option<f64>,
    /// Sparsity.
    pub sparsity: Option<f64>,
    /// Span.
    pub span: Option<f64>,
    /// Mean inner product with the preference.
    pub inner_product: Option<f64>,
    /// Mean angle to the preference (degrees).
    pub cross_angle: Option<f64>,
    /// Mean PBI (`θ = 5`).
    pub pbi: Option<f64>,
}

/// Points on the true front used for IGD.
const FRONT_POINTS: usize = 1000;

/// Computes every indicator of `objectives` (paired row-wise with `prefs`) for `problem`.
pub fn indicators(
    problem: &dyn Problem,
    objectives: &Matrix,
    prefs: &Matrix,
) -> Result<Indicators> {
    let reference = problem.info().reference_point.clone();
    let hv = tradeoff_pareto::hypervolume(objectives, &reference)?;
    let front = problem.pareto_front(FRONT_POINTS);
    let (igd_v, igd_plus_v) = match &front {
        Some(front) => (
            Some(igd(objectives, front)?),
            Some(igd_plus(objectives, front)?),
        ),
        None => (None, None),
    };
    Ok(Indicators {
        hv,
        reference,
        igd: igd_v,
        igd_plus: igd_plus_v,
        lmin: lmin(objectives)?,
        soft_lmin: soft_lmin(objectives, SOFT_LMIN_H)?,
        spacing: spacing(objectives)?,
        sparsity: sparsity(objectives)?,
        span: span(objectives)?,
        inner_product: inner_product(objectives, prefs)?,
        cross_angle: cross_angle(objectives, prefs)?,
        pbi: pbi(objectives, prefs)?,
    })
}

/// A model queried at a set of preferences, with the indicators of the result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The preferences, `K × n_obj` (rows).
    pub prefs: Vec<Vec<f64>>,
    /// The predicted solutions, `K × n_var`.
    pub solutions: Vec<Vec<f64>>,
    /// Their objectives, `K × n_obj`.
    pub objectives: Vec<Vec<f64>>,
    /// The indicators of the objectives.
    pub indicators: Indicators,
}

/// Queries `model` at `prefs`, evaluates the solutions on `problem` and computes every
/// indicator. With `prefs = None`, LibMOON's [`evaluation_preferences`].
pub fn evaluate(
    model: &dyn ParetoSetModel,
    problem: &dyn Problem,
    prefs: Option<&Matrix>,
) -> Result<Evaluation> {
    let owned;
    let prefs = match prefs {
        Some(p) => p,
        None => {
            owned = evaluation_preferences(problem.info().n_obj, None)?;
            &owned
        }
    };
    let solutions = query(model, prefs)?;
    let objectives = problem.evaluate(&solutions)?;
    let indicators = indicators(problem, &objectives, prefs)?;
    Ok(Evaluation {
        prefs: prefs.to_rows(),
        solutions: solutions.to_rows(),
        objectives: objectives.to_rows(),
        indicators,
    })
}

/// A dense sample of the learned front for plotting.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseFront {
    /// The preferences: `linspace(n, 0)` for two objectives, the finest Das–Dennis lattice of
    /// at most `n` points (simplex vertices included) for more.
    pub prefs: Matrix,
    /// The predicted solutions.
    pub solutions: Matrix,
    /// Their objectives.
    pub objectives: Matrix,
}

/// Queries the model on about `n_points` evenly spread preferences covering the whole simplex.
pub fn dense_front(
    model: &dyn ParetoSetModel,
    problem: &dyn Problem,
    n_points: usize,
) -> Result<DenseFront> {
    let m = problem.info().n_obj;
    let prefs = match m {
        0 | 1 => return Err(invalid("n_obj", "must be at least 2", m)),
        2 => linspace(n_points.max(2), 0.0)?,
        _ => {
            // The finest lattice with at most `n_points` points (at least one partition).
            let mut h = 1;
            while das_dennis_size(m, h + 1).is_some_and(|size| size <= n_points) {
                h += 1;
            }
            das_dennis(m, h)?
        }
    };
    let solutions = query(model, &prefs)?;
    let objectives = problem.evaluate(&solutions)?;
    Ok(DenseFront {
        prefs,
        solutions,
        objectives,
    })
}
