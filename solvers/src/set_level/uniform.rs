//! Uniform fronts: preference adaptation that maximises the minimum pairwise distance.

use tradeoff_pareto::Matrix;

use super::{batch_shape, dist2, dot};
use crate::aggregator::{Family, MethodInfo};
use crate::error::{Error, Result};
use crate::linalg::lu_solve;
use crate::method::options::Options;
use crate::method::params::{MethodParams, option_choices, params};
use crate::method::state::MethodState;
use crate::run::{PerPreference, StepContext, StepRule};

/// The per-preference solver under [`Uniform`]; each puts the solution of preference `λ` on
/// the ray through `λ`, which is what the [`FrontModel`] assumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UniformSolver {
    /// Modified Tchebycheff, `max_i f_i/λ_i` (registry `mtche`; LibMOON's UMOD uses it).
    MTche,
    /// Exact Pareto optimisation (registry `epo`).
    Epo,
    /// Preference-based MGDA (registry `pmgda`): MGDA steps corrected towards the preference
    /// ray, so its solutions too lie (within its tolerance) on the ray.
    Pmgda,
}

impl UniformSolver {
    /// The registry name.
    pub fn name(self) -> &'static str {
        match self {
            Self::MTche => "mtche",
            Self::Epo => "epo",
            Self::Pmgda => "pmgda",
        }
    }
}

params! {
    /// Parameters of [`Uniform`].
    pub struct UniformParams {
        /// The per-preference solver. Default [`UniformSolver::Pmgda`]: on DTLZ2 with Adam,
        /// mTche and EPO leave some solutions stuck on the box's faces (duplicated corner
        /// points, `l_min = 0`), PMGDA does not; on VLMOP2 the three give the same spread.
        solver: UniformSolver = UniformSolver::Pmgda => "pmgda", any,
            "per-preference solver underneath: pmgda, mtche or epo";
        /// Number of preference adaptations; they happen at iterations `⌊r·T/(rounds+1)⌋`,
        /// `r = 1..=rounds`, for a run of `T` iterations, so the solver has `T/(rounds+1)`
        /// iterations to reach the front before each adaptation and after the last. Default 4;
        /// `≥ 1`.
        rounds: usize = 4, at_least(1), "preference adaptations, at iterations r*T/(rounds+1)";
        /// Ascent steps on the preferences per adaptation. Default 300; `≥ 1`.
        steps: usize = 300, at_least(1), "ascent steps on the preferences per adaptation";
        /// Angle (radians) the most-moved preference direction turns by at the first ascent
        /// step; the step decays linearly to a tenth of it. Default 0.01; finite, `> 0`.
        step: f64 = 0.01, positive,
            "largest angle (radians) a direction turns per ascent step, decaying to a tenth";
        /// Sharpness of the soft minimum of the pairwise distances, relative to the current
        /// minimum: weights `exp(−β(d − d_min)/d_min)`. Default 20; finite, `> 0`.
        beta: f64 = 20.0 => "20", positive,
            "sharpness of the soft minimum of the pairwise distances (relative to l_min)";
        /// Lower bound of every preference entry after adaptation (entries are clamped to
        /// `[clip, 1 − clip]` and the row renormalised, as `clip_preferences`). Default 0.01;
        /// in `[0, 0.5)`.
        clip: f64 = 0.01, closed_open(0, 0.5), "lower bound of every adapted preference entry";
        /// Fit the front model on the pairs of earlier adaptations too (older pairs closer to a
        /// newer one than a quarter of the newest pairs' mean spacing are dropped). Default
        /// true.
        history: bool = true, any, "fit the front model on earlier adaptations' pairs too";
    }
}

option_choices!(UniformSolver {
    MTche = "mtche",
    Epo = "epo",
    Pmgda = "pmgda",
});

/// The model of the front that [`Uniform`] fits: the preference → objective map
/// `F(λ) = ρ(û)·û` with `û = λ/‖λ‖`.
///
/// It rests on the property of the exact per-preference solvers underneath: mTche (with ideal
/// point 0), EPO and PMGDA put the solution of preference `λ` on the ray through `λ` from the
/// origin, `f ∝ λ` (PMGDA within its tolerance), so the front is described by its radius `ρ` along each direction (objectives
/// must be positive, as those solvers assume). The radius is fitted from observed pairs
/// `(û_j, ρ_j = ⟨f_j, û_j⟩)` by Gaussian radial-basis interpolation on the unit sphere around
/// their mean:
///
/// ```text
/// ρ(u) = ρ̄ + Σ_j c_j exp(−‖u − û_j‖²/(2σ²)),   (Φ + 10⁻⁸·I) c = ρ − ρ̄
/// ```
///
/// with `σ` 1.5 times the mean nearest-neighbour distance of the `û_j` (so the model is smooth
/// at the data's spacing and reverts to `ρ̄` far from the data). Any number of objectives.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontModel {
    centers: Vec<Vec<f64>>,
    coef: Vec<f64>,
    mean: f64,
    sigma2: f64,
}

impl FrontModel {
    /// Fits the model to `preferences` (`N × n_obj`, non-negative, non-zero rows) and the
    /// objectives reached with them (`N × n_obj`).
    ///
    /// # Errors
    /// Shapes that differ, no rows, a zero preference row.
    pub fn fit(preferences: &Matrix, objectives: &Matrix) -> Result<Self> {
        if preferences.shape() != objectives.shape() {
            return Err(Error::DimensionMismatch {
                what: "front model objective rows (one per preference)",
                expected: preferences.n_rows(),
                got: objectives.n_rows(),
            });
        }
        if preferences.n_rows() == 0 {
            return Err(Error::DimensionMismatch {
                what: "front model pairs",
                expected: 1,
                got: 0,
            });
        }
        let mut centers = Vec::with_capacity(preferences.n_rows());
        let mut radii = Vec::with_capacity(preferences.n_rows());
        for (p, f) in preferences.rows().zip(objectives.rows()) {
            let u = unit(p).ok_or_else(|| Error::InvalidPreference {
                reason: format!("a zero row cannot give a direction: {p:?}"),
            })?;
            radii.push(dot(f, &u));
            centers.push(u);
        }
        Ok(Self::from_pairs(centers, &radii))
    }

    /// The model through unit directions `centers` with radii `radii`.
    fn from_pairs(centers: Vec<Vec<f64>>, radii: &[f64]) -> Self {
        let n = centers.len();
        let mean = radii.iter().sum::<f64>() / n as f64;
        let spacing = mean_nearest_distance(&centers);
        let sigma = if spacing > 0.0 { 1.5 * spacing } else { 1.0 };
        let sigma2 = sigma * sigma;
        let mut coef = vec![0.0; n];
        if n > 1 {
            let mut ridge = 1e-8;
            loop {
                let mut a = vec![0.0; n * n];
                for i in 0..n {
                    for j in 0..n {
                        a[i * n + j] = (-dist2(&centers[i], &centers[j]) / (2.0 * sigma2)).exp();
                    }
                    a[i * n + i] += ridge;
                }
                let mut b: Vec<f64> = radii.iter().map(|r| r - mean).collect();
                if lu_solve(&mut a, n, &mut b, 1, 1e-14) {
                    coef = b;
                    break;
                }
                if ridge > 1.0 {
                    break; // give up: the model is the mean radius
                }
                ridge *= 100.0;
            }
        }
        Self {
            centers,
            coef,
            mean,
            sigma2,
        }
    }

    /// The fitted radius `ρ(u)` along the unit direction `u`.
    pub fn radius(&self, u: &[f64]) -> f64 {
        self.mean
            + self
                .centers
                .iter()
                .zip(&self.coef)
                .map(|(c, w)| w * (-dist2(u, c) / (2.0 * self.sigma2)).exp())
                .sum::<f64>()
    }

    /// `∇ρ(u)` (ambient gradient, length `n_obj`).
    fn radius_gradient(&self, u: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; u.len()];
        for (c, w) in self.centers.iter().zip(&self.coef) {
            let e = w * (-dist2(u, c) / (2.0 * self.sigma2)).exp() / self.sigma2;
            for ((gi, ui), ci) in g.iter_mut().zip(u).zip(c) {
                *gi -= e * (ui - ci);
            }
        }
        g
    }

    /// The predicted objective vector `ρ(û)·û` for a preference `λ` (non-negative, non-zero).
    pub fn predict(&self, preference: &[f64]) -> Vec<f64> {
        match unit(preference) {
            Some(u) => {
                let r = self.radius(&u);
                u.iter().map(|v| r * v).collect()
            }
            None => vec![f64::NAN; preference.len()],
        }
    }

    /// The number of `(preference, objective)` pairs the model was fitted on.
    pub fn n_pairs(&self) -> usize {
        self.centers.len()
    }
}

fn unit(v: &[f64]) -> Option<Vec<f64>> {
    let n = dot(v, v).sqrt();
    (n > 0.0 && n.is_finite()).then(|| v.iter().map(|x| x / n).collect())
}

fn mean_nearest_distance(points: &[Vec<f64>]) -> f64 {
    if points.len() < 2 {
        return 0.0;
    }
    let mut total = 0.0;
    for (i, p) in points.iter().enumerate() {
        let nearest = points
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, q)| dist2(p, q))
            .fold(f64::INFINITY, f64::min);
        total += nearest.sqrt();
    }
    total / points.len() as f64
}

/// Clamps every entry to `[clip, 1 − clip]` after scaling the row onto the simplex, then
/// renormalises (LibMOON's `clip_preferences` on one row).
fn clip_row(v: &mut [f64], clip: f64) {
    let s: f64 = v.iter().map(|x| x.max(0.0)).sum();
    for x in v.iter_mut() {
        *x = if s > 0.0 { x.max(0.0) / s } else { 1.0 };
        *x = x.clamp(clip, 1.0 - clip);
    }
    let s: f64 = v.iter().sum();
    for x in v.iter_mut() {
        *x /= s;
    }
}

/// Uniform: a per-preference solver whose preferences are moved, a few times during the run, so
/// that the front it reaches has the largest minimum pairwise distance (UMOD's idea), for any
/// number of objectives.
///
/// **Paper.** The max-min-distance (`l_min`) objective and the alternation of solving and
/// preference adaptation follow LibMOON's UMOD (X. Zhang et al., "LibMOON: A Gradient-based
/// MultiObjective OptimizatioN Library in PyTorch", NeurIPS 2024 Datasets and Benchmarks,
/// `umod_solver.py`); the packing view of a uniform front is Y. Hamada et al.'s and X. Zhang's
/// "uniform Pareto front" line of work.
///
/// **Method.** Rows are solved by the per-preference `solver` (PMGDA by default, mTche or EPO) with
/// the rule's current preferences `λ_k`. At iterations `⌊r·T/(rounds+1)⌋` the rule
/// 1. fits a [`FrontModel`] `F(λ) = ρ(û)û` to the current pairs `(λ_k, f_k)` (and those of earlier
///    adaptations);
/// 2. moves the unit directions `u_k = λ_k/‖λ_k‖` by `steps` normalised gradient-ascent steps
///    on the soft minimum of the model's pairwise distances
///    `S = −(d_min/β)·ln Σ_{k<l} exp(−β d_kl/d_min)`, `d_kl = ‖F(u_k) − F(u_l)‖`, keeping the
///    directions on the sphere and each `λ` entry `≥ clip`, and keeps the iterate with the
///    largest model `l_min`;
/// 3. hands the new preferences `λ_k = u_k/Σu_k` to the solver, which moves the solutions onto
///    the front at them during the next phase.
///
/// **Parameters.** [`UniformParams`]: `solver = pmgda`, `rounds = 4`, `steps = 300`,
/// `step = 0.01`, `beta = 20`, `clip = 0.01`, `history = true`.
///
/// **Properties claimed.** None of the aggregator properties (set-level rule). Stateful: the
/// adapted preferences and the model; [`StepRule::reset`] restores the initial preferences.
/// Note that [`SolveResult::preferences`](crate::SolveResult::preferences) holds the *initial*
/// preferences; [`Uniform::preferences`] gives the adapted ones.
///
/// **Cost.** The solver's, plus per adaptation an `N × N` solve (N pairs) and
/// `steps · O(K²·m + K·N·m)`.
///
/// **Differences from the reference implementation** (LibMOON `umod_solver.py`,
/// `base_solver.py`):
/// - any number of objectives: preferences are unit directions in the positive orthant; LibMOON
///   parameterises them by one angle (2-D only) and does not renormalise them onto the simplex;
/// - the front model is the radial RBF interpolant above instead of an MLP `(m−1) → 128 → 128 → m`
///   trained 2000 Adam steps, and the `l_min` ascent is on a soft minimum with normalised steps
///   instead of 2000 Adam steps on the hard minimum;
/// - adaptations are spread over the run (`rounds`); LibMOON adapts every 2000 iterations, so
///   with its usual 500–1000 iterations it never adapts;
/// - the default solver underneath is PMGDA (LibMOON: mTche, our `solver=mtche`).
#[derive(Debug)]
pub struct Uniform {
    params: UniformParams,
    inner: PerPreference,
    prefs: Option<Matrix>,
    history_prefs: Vec<Vec<f64>>,
    history_objs: Vec<Vec<f64>>,
    rounds_done: usize,
    model: Option<FrontModel>,
}

impl Uniform {
    /// The rule for `K = preferences.n_rows()` solutions; the initial preferences are the
    /// driver's (taken at the first step after each reset).
    ///
    /// # Errors
    /// Invalid `params`; an empty preference set.
    pub fn new(params: UniformParams, preferences: &Matrix) -> Result<Self> {
        params.validate_for(UNIFORM_INFO.name)?;
        let inner = PerPreference::from_method(params.solver.name(), &Options::new(), preferences)?;
        Ok(Self {
            params,
            inner,
            prefs: None,
            history_prefs: Vec::new(),
            history_objs: Vec::new(),
            rounds_done: 0,
            model: None,
        })
    }

    /// Reads `solver` (`pmgda` | `mtche` | `epo`), `rounds`, `steps`, `step`, `beta`, `clip` and `history`,
    /// then rejects unknown keys.
    ///
    /// # Errors
    /// As [`Uniform::new`], and option errors.
    pub fn from_options(options: &Options, preferences: &Matrix) -> Result<Self> {
        Self::new(
            UniformParams::read(UNIFORM_INFO.name, options)?,
            preferences,
        )
    }

    /// The parameters.
    pub fn params(&self) -> &UniformParams {
        &self.params
    }

    /// The current (adapted) preferences, `K × n_obj`; `None` before the first step.
    pub fn preferences(&self) -> Option<&Matrix> {
        self.prefs.as_ref()
    }

    /// The front model of the last adaptation.
    pub fn model(&self) -> Option<&FrontModel> {
        self.model.as_ref()
    }

    /// Adaptations done since the last reset.
    pub fn rounds_done(&self) -> usize {
        self.rounds_done
    }

    /// One adaptation from the current objectives (`K × n_obj`).
    fn adapt(&mut self, objectives: &Matrix) -> Result<()> {
        let prefs = self.prefs.as_mut().expect("set at the first step");
        let (k, m) = prefs.shape();
        if k < 2 || m < 2 {
            return Ok(());
        }
        // Data: the current pairs, plus older ones that are not next to a current one.
        let current_dirs: Vec<Vec<f64>> = prefs.rows().filter_map(unit).collect();
        if current_dirs.len() != k {
            return Ok(());
        }
        let mut centers = current_dirs.clone();
        let mut radii: Vec<f64> = current_dirs
            .iter()
            .zip(objectives.rows())
            .map(|(u, f)| dot(f, u))
            .collect();
        if self.params.history {
            let near = 0.25 * mean_nearest_distance(&current_dirs);
            for (p, f) in self.history_prefs.iter().zip(&self.history_objs) {
                if let Some(u) = unit(p) {
                    if current_dirs.iter().all(|c| dist2(c, &u).sqrt() >= near) {
                        radii.push(dot(f, &u));
                        centers.push(u);
                    }
                }
            }
            // Keep only what the next round should see: this round's data set.
            self.history_prefs = centers.clone();
            self.history_objs = centers
                .iter()
                .zip(&radii)
                .map(|(u, r)| u.iter().map(|v| v * r).collect())
                .collect();
        }
        let model = FrontModel::from_pairs(centers, &radii);
        let best = maximise_lmin(&model, current_dirs, &self.params);
        for (p, u) in best.iter().enumerate() {
            let row = prefs.row_mut(p);
            row.copy_from_slice(u);
            clip_row(row, self.params.clip);
        }
        self.model = Some(model);
        Ok(())
    }
}

/// The model points `ρ(u_k)u_k`.
fn model_points(model: &FrontModel, dirs: &[Vec<f64>]) -> Vec<Vec<f64>> {
    dirs.iter()
        .map(|u| {
            let r = model.radius(u);
            u.iter().map(|v| r * v).collect()
        })
        .collect()
}

fn hard_lmin(points: &[Vec<f64>]) -> f64 {
    let mut best = f64::INFINITY;
    for a in 0..points.len() {
        for b in a + 1..points.len() {
            best = best.min(dist2(&points[a], &points[b]));
        }
    }
    best.sqrt()
}

/// Projects a direction back: non-negative, preference entries `≥ clip`, unit length.
fn project_direction(u: &mut [f64], clip: f64) {
    clip_row(u, clip);
    let n = dot(u, u).sqrt();
    for v in u.iter_mut() {
        *v /= n;
    }
}

/// Normalised ascent on the soft-min distance of the model points; returns the directions with
/// the largest model `l_min` seen.
fn maximise_lmin(
    model: &FrontModel,
    mut dirs: Vec<Vec<f64>>,
    params: &UniformParams,
) -> Vec<Vec<f64>> {
    let k = dirs.len();
    let m = dirs[0].len();
    for u in &mut dirs {
        project_direction(u, params.clip);
    }
    let mut best = dirs.clone();
    let mut best_lmin = hard_lmin(&model_points(model, &dirs));
    let mut grads = vec![vec![0.0; m]; k];
    for t in 0..params.steps {
        let points = model_points(model, &dirs);
        let lmin = hard_lmin(&points);
        if lmin > best_lmin {
            best_lmin = lmin;
            best.clone_from(&dirs);
        }
        let scale = if lmin > 0.0 { lmin } else { 1e-12 };
        // Soft-min weights over the pairs, and ∂S/∂P_k = Σ_l w_kl (P_k − P_l)/d_kl.
        for g in &mut grads {
            g.fill(0.0);
        }
        let mut total = 0.0;
        let mut pairs = Vec::with_capacity(k * (k - 1) / 2);
        for a in 0..k {
            for b in a + 1..k {
                let d = dist2(&points[a], &points[b]).sqrt();
                let w = (-params.beta * (d - lmin) / scale).exp();
                total += w;
                pairs.push((a, b, d, w));
            }
        }
        for &(a, b, d, w) in &pairs {
            if d <= 0.0 {
                continue;
            }
            let c = w / (total * d);
            for i in 0..m {
                let diff = c * (points[a][i] - points[b][i]);
                grads[a][i] += diff;
                grads[b][i] -= diff;
            }
        }
        // Chain rule through P = ρ(u)u, then onto the sphere's tangent space.
        let mut max_norm: f64 = 0.0;
        for (u, g) in dirs.iter().zip(grads.iter_mut()) {
            let r = model.radius(u);
            let gr = model.radius_gradient(u);
            let ug = dot(u, g);
            for i in 0..m {
                g[i] = r * g[i] + gr[i] * ug;
            }
            let radial = dot(g, u);
            for i in 0..m {
                g[i] -= radial * u[i];
            }
            max_norm = max_norm.max(dot(g, g).sqrt());
        }
        if !(max_norm > 0.0 && max_norm.is_finite()) {
            break;
        }
        let step = params.step * (1.0 - 0.9 * t as f64 / params.steps as f64) / max_norm;
        for (u, g) in dirs.iter_mut().zip(&grads) {
            for i in 0..m {
                u[i] += step * g[i];
            }
            project_direction(u, params.clip);
        }
    }
    let lmin = hard_lmin(&model_points(model, &dirs));
    if lmin > best_lmin {
        best = dirs;
    }
    best
}

impl StepRule for Uniform {
    fn name(&self) -> &str {
        UNIFORM_INFO.name
    }

    fn directions(&mut self, ctx: &StepContext<'_>) -> Result<Matrix> {
        batch_shape(ctx)?;
        if self.prefs.is_none() {
            self.prefs = Some(ctx.preferences.clone());
        }
        let shape = self.prefs.as_ref().map(Matrix::shape);
        if shape != Some(ctx.preferences.shape()) {
            return Err(Error::DimensionMismatch {
                what: "uniform preference rows (K)",
                expected: ctx.preferences.n_rows(),
                got: shape.map_or(0, |s| s.0),
            });
        }
        let rounds = self.params.rounds;
        while self.rounds_done < rounds {
            let at = (self.rounds_done + 1) * ctx.max_iters / (rounds + 1);
            if ctx.iteration < at || at == 0 {
                break;
            }
            self.adapt(ctx.objectives)?;
            self.rounds_done += 1;
        }
        let prefs = self.prefs.as_ref().expect("set above");
        let inner_ctx = StepContext {
            preferences: prefs,
            ..*ctx
        };
        self.inner.directions(&inner_ctx)
    }

    fn reset(&mut self) {
        self.inner.reset();
        self.prefs = None;
        self.history_prefs.clear();
        self.history_objs.clear();
        self.rounds_done = 0;
        self.model = None;
    }

    /// The adapted preferences, the history the front model is fitted to, the rounds done, the
    /// model, and the inner rule's state under `inner`.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        state.insert_nested("inner", self.inner.save_state());
        if let Some(prefs) = &self.prefs {
            state.put_rows("prefs", &prefs.to_rows());
        }
        state.put_rows("history_prefs", &self.history_prefs);
        state.put_rows("history_objs", &self.history_objs);
        state.put_integers("rounds_done", &[self.rounds_done as u64]);
        if let Some(model) = &self.model {
            state.put_rows("model.centers", &model.centers);
            state.put_floats("model.coef", &model.coef);
            state.put_floats("model.scalars", &[model.mean, model.sigma2]);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.inner.load_state(&state.nested("inner"))?;
        self.prefs = if state.contains("prefs") {
            Some(Matrix::from_rows(&state.rows("prefs")?)?)
        } else {
            None
        };
        self.history_prefs = state.rows("history_prefs")?;
        self.history_objs = state.rows("history_objs")?;
        self.rounds_done = state.integer("rounds_done")? as usize;
        self.model = if state.contains("model.coef") {
            let scalars = state.floats_of_len("model.scalars", 2)?;
            Some(FrontModel {
                centers: state.rows("model.centers")?,
                coef: state.floats("model.coef")?.to_vec(),
                mean: scalars[0],
                sigma2: scalars[1],
            })
        } else {
            None
        };
        Ok(())
    }
}

/// Registry description of [`Uniform`].
pub static UNIFORM_INFO: MethodInfo = MethodInfo::new("uniform", "Uniform", Family::SetLevel)
    .cite(
        "UMOD in Zhang et al., LibMOON: A Gradient-based MultiObjective OptimizatioN \
               Library in PyTorch, NeurIPS 2024 (max-min-distance preference adaptation)",
    )
    .uses_preference()
    .needs_losses()
    .stateful()
    .options(UniformParams::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_interpolates_and_predicts_on_the_ray() {
        // Points on the quarter circle of radius 2: f = 2·û.
        let prefs = Matrix::from_rows(&[[0.9, 0.1], [0.5, 0.5], [0.1, 0.9], [0.3, 0.7]]).unwrap();
        let mut objs = prefs.clone();
        for r in 0..4 {
            let u = unit(prefs.row(r)).unwrap();
            objs.row_mut(r).copy_from_slice(&[2.0 * u[0], 2.0 * u[1]]);
        }
        let model = FrontModel::fit(&prefs, &objs).unwrap();
        assert_eq!(model.n_pairs(), 4);
        for r in 0..4 {
            let p = model.predict(prefs.row(r));
            assert!((p[0] - objs.get(r, 0)).abs() < 1e-6, "{p:?}");
        }
        let p = model.predict(&[0.7, 0.3]);
        let n = dot(&p, &p).sqrt();
        assert!((n - 2.0).abs() < 1e-6);
        assert!(FrontModel::fit(&prefs, &Matrix::zeros(3, 2)).is_err());
    }

    #[test]
    fn ascent_spreads_clumped_points_on_a_circle() {
        let dirs: Vec<Vec<f64>> = [0.1f64, 0.15, 0.2, 1.4]
            .iter()
            .map(|t| vec![t.cos(), t.sin()])
            .collect();
        let model = FrontModel::from_pairs(dirs.clone(), &[1.0; 4]);
        let before = hard_lmin(&model_points(&model, &dirs));
        let after = maximise_lmin(&model, dirs, &UniformParams::default());
        let lmin = hard_lmin(&model_points(&model, &after));
        assert!(lmin > 3.0 * before, "{before} → {lmin}");
    }

    #[test]
    fn clip_row_matches_clip_preferences() {
        let mut v = vec![0.0, 2.0];
        clip_row(&mut v, 0.01);
        assert!((v[0] - 0.01 / 1.0).abs() < 1e-12 && (v[1] - 0.99).abs() < 1e-12);
    }

    #[test]
    fn options_are_checked() {
        let prefs = Matrix::from_rows(&[[0.5, 0.5], [0.2, 0.8]]).unwrap();
        assert!(Uniform::from_options(&Options::new().with("rounds", 0), &prefs).is_err());
        assert!(Uniform::from_options(&Options::new().with("clip", 0.5), &prefs).is_err());
        assert!(Uniform::from_options(&Options::new().with("solver", "ls"), &prefs).is_err());
        assert!(Uniform::from_options(&Options::new().with("typo", 1), &prefs).is_err());
        let u = Uniform::from_options(&Options::new().with("solver", "EPO"), &prefs).unwrap();
        assert_eq!(u.params().solver, UniformSolver::Epo);
        let u = Uniform::from_options(&Options::new(), &prefs).unwrap();
        assert_eq!(u.params().solver, UniformSolver::Pmgda);
    }

    #[test]
    fn send() {
        fn check<T: Send>() {}
        check::<Uniform>();
        fn check_sync<T: Send + Sync>() {}
        check_sync::<FrontModel>();
    }
}
