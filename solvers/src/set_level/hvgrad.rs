//! HVGrad: gradient ascent on the hypervolume of the whole set.

use tradeoff_pareto::{Matrix, NonDominatedSort, hypervolume_gradient};

use super::{axpy, batch_shape};
use crate::aggregator::{Family, MethodInfo};
use crate::error::{Error, ParamsError, Result};
use crate::method::options::Options;
use crate::method::params::{MethodParams, option_choices, params};
use crate::method::state::MethodState;
use crate::run::{PerPreference, StepContext, StepRule};

/// Which reference point the objective-space hypervolume gradient uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HvReference {
    /// One dynamic point for the whole set, shared by every front:
    /// `r_i = max(base_i, M_i + margin·|M_i|)` with `M_i = max_k F_ki` (LibMOON and Deist et
    /// al.: `max(ref, 1.1·max_k F_k)`).
    Set,
    /// One dynamic point per non-dominated front, from that front's own maxima (same formula).
    Front,
    /// The base reference point as given (option `ref`, required).
    Fixed,
}

params! {
    /// Parameters of [`HvGrad`].
    pub struct HvGradParams {
        /// Base reference point: one value (broadcast) or one per objective. The dynamic
        /// reference never lies below it. `None` (default): purely dynamic. LibMOON uses its
        /// problem table (`get_hv_ref`: (1, 1) for the exponential VLMOP, 1.2 otherwise).
        reference as "ref": Option<Vec<f64>> = None => "(none: purely dynamic)", finite_list,
            "base reference point: one number or one per objective; the dynamic one never goes below it";
        /// Relative margin of the dynamic reference above the objectives' maxima. Default 0.1
        /// (LibMOON's factor 1.1); finite, `≥ 0`.
        margin: f64 = 0.1, non_negative,
            "dynamic reference r = max(ref, M + margin*|M|), M the objectives' maxima (LibMOON: 1.1*max)";
        /// Which reference. Default [`HvReference::Set`] (LibMOON).
        dynamic: HvReference = HvReference::Set => "set", any,
            "set (one point for all fronts, LibMOON), front (per front) or fixed (ref as given)";
        /// Scale each solution's objective-space gradient to unit length (LibMOON's
        /// `obj_space_normalize`). Default true.
        normalize: bool = true, any,
            "scale each solution's objective-space gradient to unit length";
        /// Fraction of the run's iterations, at the start, during which every row follows the
        /// preference-guided `warmup_solver` on the driver's preferences instead of the
        /// hypervolume gradient. Default 0.1 (LibMOON has no warm-up: `warmup=0` reproduces
        /// it); in `[0, 1)`.
        warmup: f64 = 0.1, closed_open(0, 1),
            "fraction of the iterations run by warmup_solver on the preferences first";
        /// The registry method of the warm-up (as an option: one of pmgda, epo, mtche, tche, cosmos, pbi, ls).
        /// Default `pmgda`.
        warmup_solver: String = "pmgda".to_string() => "pmgda", any,
            "preference-guided warm-up: pmgda, epo, mtche, tche, cosmos, pbi or ls";
    }
}

option_choices!(HvReference {
    Set = "set",
    Front = "front",
    Fixed = "fixed",
});

impl HvGradParams {
    /// Checks every rule; the error names the parameter.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        self.validate_for(HVGRAD_INFO.name)?;
        if crate::method::find::find_method(&self.warmup_solver).is_err() {
            return Err(ParamsError::Invalid {
                method: "hvgrad",
                name: "warmup_solver",
                rule: "must be a registry method (see list solvers)",
                got: self.warmup_solver.clone(),
            });
        }
        if self.dynamic == HvReference::Fixed && self.reference.is_none() {
            return Err(ParamsError::Invalid {
                method: "hvgrad",
                name: "dynamic",
                rule: "fixed needs a reference point (option ref)",
                got: "fixed".into(),
            });
        }
        Ok(())
    }
}

/// HVGrad: every solution follows the gradient of the set's hypervolume, front by front.
///
/// **Papers.** H. Wang, A. Deutz, T. Bäck and M. Emmerich, "Hypervolume Indicator Gradient
/// Ascent Multi-objective Optimization", EMO 2017 (LNCS 10173), §3; T. Deist, M. Grewal,
/// F. Dankers, T. Alderliesten and P. Bosman, "Multi-Objective Learning to Predict Pareto Fronts
/// Using Hypervolume Maximization", arXiv:2102.04523 (2021), §3 (the per-front scheme and the
/// dynamic reference point that LibMOON's `GradHVSolver` ports).
///
/// **Formula.** Round the objectives `F` (`K × n_obj`) to a grid of `1e-9` times each
/// objective's largest magnitude (so values equal up to rounding noise tie: on a box face where
/// an objective is `cos(π/2)·… ≈ 6e-17`, noise would otherwise make a point that is worse in
/// every meaningful digit "non-dominated", with a gradient only along the noise), and sort them
/// into non-dominated fronts ([`NonDominatedSort`]). For each front `P` take `G = ∂HV(P; r)/∂F_P`
/// ([`hypervolume_gradient`], entries `≤ 0`) with the reference `r` below; each row `g_k` is
/// scaled to unit length, `ĝ_k = g_k/‖g_k‖` (rows with `‖g_k‖ ≈ 0`, e.g. a point on the
/// reference boundary, stay 0), and mapped through the solution's Jacobian:
///
/// ```text
/// d_k = J_kᵀ (−ĝ_k)        (x ← x − lr·d increases HV to first order)
/// ```
///
/// Reference: `r_i = max(base_i, M_i + margin·|M_i|)`, `M_i` the largest `i`-th objective of
/// the set ([`HvReference::Set`], default) or of the front ([`HvReference::Front`]); with
/// non-negative objectives this is LibMOON's `max(ref, 1.1·max F)`. A point that is maximal
/// in some objective still gets a non-zero gradient in that objective, which a fixed reference
/// at the front's corner would not give.
///
/// **Warm-up (our addition; default `warmup = 0.1`, `warmup = 0` is LibMOON's plain ascent).**
/// With `warmup = w > 0` the first `w·T`
/// iterations of a `T`-iteration run take the steps of the preference-guided `warmup_solver`
/// (PMGDA by default) on the driver's preferences; the hypervolume ascent starts from the spread
/// set they reach. Far from the front, the hypervolume gradient of a set drives its extreme points
/// outward, and on problems whose Jacobian degenerates on the box faces (DTLZ2: at `x_i ∈ {0, 1}`
/// some objectives stop depending on `x`), points that reach a face stay there: such a
/// configuration is a first-order stationary point of the hypervolume on the box. On DTLZ2
/// (n = 10, 15 solutions, Adam 0.01, 1,000 iterations, uniform starts) plain HVGrad ends at
/// hypervolume 0.57 ± 0.11 (3 objectives, reference 1.1) against PMGDA's 0.625; with
/// `warmup = 0.3` it reaches 0.6596 on 10 of 10 seeds (4 objectives: 0.8718 against 0.806).
/// The default 0.1 gives 0.6595 (3 objectives) and 0.8705 (4 objectives) there, and costs little
/// where no face traps points: on LibMOON's VLMOP2 setting (K = 8, SGD 0.01, 500 iterations)
/// 0.2879 ± 0.0005 against 0.2895 without warm-up (LibMOON re-run: 0.289, paper: 0.286).
///
/// **Parameters.** [`HvGradParams`]: `ref` (none), `margin = 0.1`, `dynamic = set`,
/// `normalize = true`, `warmup = 0.1`, `warmup_solver = pmgda`.
///
/// **Properties claimed.** None of the aggregator properties (it is a set-level rule); it
/// works for any number of objectives. Stateless without warm-up; with it, the warm-up
/// aggregators' state is dropped by [`StepRule::reset`].
///
/// **Cost.** Per step: the non-dominated sort plus one hypervolume gradient per front
/// (O(K log K) for 2 and 3 objectives, O(m·K²) for 4, see [`hypervolume_gradient`]) plus
/// O(K·m·n) for the `J_kᵀ` products. LibMOON computes the same gradient with O(m·K²) calls of a
/// Python hypervolume routine.
///
/// **Differences from the reference implementation** (LibMOON `gradhv_solver.py` and
/// `hv_grad/functions_hv_grad_3d.py`, from Deist et al.'s code):
/// - the hypervolume gradient is exact for any number of objectives (LibMOON's multi-sweep is
///   exact too; ours is a sweep per axis, no Python HV calls);
/// - exact copies of a point each get the gradient the point would have alone; LibMOON puts
///   duplicates and weakly dominated boundary points in an "undefined" set with gradient 0;
/// - the dynamic margin is `margin·|M_i|` instead of the factor `1.1·M_i`, which is the same for
///   non-negative objectives and stays above `M_i` for negative ones;
/// - LibMOON's base reference comes from a problem table; here it is the option `ref` (none by
///   default, so the reference is purely dynamic);
/// - objectives are rounded to a relative grid of `1e-9` before sorting and differentiating;
/// - the optional preference-guided warm-up.
#[derive(Debug)]
pub struct HvGrad {
    params: HvGradParams,
    /// The warm-up rule, built at the first warm-up step (it needs the preferences).
    warmup: Option<PerPreference>,
    /// A loaded warm-up state, applied when the warm-up rule is built.
    pending: Option<MethodState>,
}

impl HvGrad {
    /// Validates `params`.
    pub fn new(params: HvGradParams) -> std::result::Result<Self, ParamsError> {
        params.validate()?;
        Ok(Self {
            params,
            warmup: None,
            pending: None,
        })
    }

    /// Reads `ref` (one number or comma-separated, one per objective), `margin`, `dynamic`
    /// (`set` | `front` | `fixed`), `normalize`, `warmup` and `warmup_solver` (one of
    /// pmgda, epo, mtche, tche, cosmos, pbi, ls), then rejects unknown keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        let name = HVGRAD_INFO.name;
        let mut params = HvGradParams::read(name, options)?;
        params.warmup_solver = WARMUP_SOLVERS
            .iter()
            .find(|c| c.eq_ignore_ascii_case(&params.warmup_solver))
            .ok_or_else(|| ParamsError::BadChoice {
                method: name,
                name: "warmup_solver".to_string(),
                choices: WARMUP_SOLVERS.join(", "),
                got: params.warmup_solver.clone(),
            })?
            .to_string();
        Self::new(params)
    }

    /// The parameters.
    pub fn params(&self) -> &HvGradParams {
        &self.params
    }

    /// The reference point for the rows `rows` of `objectives` (`m` values).
    fn reference_for(&self, objectives: &Matrix, rows: &[usize], m: usize) -> Result<Vec<f64>> {
        let base = match &self.params.reference {
            None => None,
            Some(r) if r.len() == 1 => Some(vec![r[0]; m]),
            Some(r) if r.len() == m => Some(r.clone()),
            Some(r) => {
                return Err(Error::DimensionMismatch {
                    what: "hvgrad reference point length (n_obj)",
                    expected: m,
                    got: r.len(),
                });
            }
        };
        if self.params.dynamic == HvReference::Fixed {
            return Ok(base.expect("validated: fixed needs a reference"));
        }
        let mut r = vec![f64::NEG_INFINITY; m];
        for &k in rows {
            for (ri, &f) in r.iter_mut().zip(objectives.row(k)) {
                *ri = ri.max(f);
            }
        }
        for (i, ri) in r.iter_mut().enumerate() {
            *ri += self.params.margin * ri.abs();
            if let Some(b) = &base {
                *ri = ri.max(b[i]);
            }
        }
        Ok(r)
    }

    /// The objective-space ascent weights `−ĝ_k` (`K × n_obj`, entries `≥ 0`) for `objectives`
    /// (`K × n_obj`, finite): the rows LibMOON's `GradHVCore.get_alpha_array` returns.
    ///
    /// # Errors
    /// A base reference point of the wrong length.
    pub fn weights(&self, objectives: &Matrix) -> Result<Matrix> {
        let (k, m) = objectives.shape();
        let mut weights = Matrix::zeros(k, m);
        if k == 0 {
            return Ok(weights);
        }
        let snapped = snap(objectives);
        let objectives = &snapped;
        let all: Vec<usize> = (0..k).collect();
        let set_reference = match self.params.dynamic {
            HvReference::Front => None,
            _ => Some(self.reference_for(objectives, &all, m)?),
        };
        let sort = NonDominatedSort::new(objectives);
        for front in sort.fronts() {
            let reference = match &set_reference {
                Some(r) => r.clone(),
                None => self.reference_for(objectives, front, m)?,
            };
            let points = objectives.select_rows(front);
            let grad = hypervolume_gradient(&points, &reference)?;
            for (t, &row) in front.iter().enumerate() {
                let g = grad.row(t);
                let norm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
                // LibMOON: np.isclose(w, 0) leaves the row unscaled (it is ~0 anyway).
                let scale = if self.params.normalize && norm > 1e-8 {
                    1.0 / norm
                } else {
                    1.0
                };
                for (w, &gi) in weights.row_mut(row).iter_mut().zip(g) {
                    *w = -gi * scale;
                }
            }
        }
        Ok(weights)
    }
}

/// `objectives` rounded to a grid of `SNAP` times each objective's largest magnitude, so that
/// values equal up to rounding noise tie exactly.
fn snap(objectives: &Matrix) -> Matrix {
    let (k, m) = objectives.shape();
    let mut out = objectives.clone();
    for i in 0..m {
        let scale = (0..k).fold(0.0_f64, |s, p| s.max(objectives.get(p, i).abs()));
        let step = SNAP * scale;
        if step > 0.0 {
            for p in 0..k {
                out.set(p, i, (objectives.get(p, i) / step).round() * step);
            }
        }
    }
    out
}

/// Relative grid of [`snap`].
const SNAP: f64 = 1e-9;

impl StepRule for HvGrad {
    fn name(&self) -> &str {
        HVGRAD_INFO.name
    }

    fn directions(&mut self, ctx: &StepContext<'_>) -> Result<Matrix> {
        let (k, m, n) = batch_shape(ctx)?;
        if (ctx.iteration as f64) < self.params.warmup * ctx.max_iters as f64 {
            if self.warmup.is_none() {
                self.warmup = Some(PerPreference::from_method(
                    &self.params.warmup_solver,
                    &Options::new(),
                    ctx.preferences,
                )?);
            }
            let rule = self.warmup.as_mut().expect("built above");
            if let Some(state) = self.pending.take() {
                rule.load_state(&state)?;
            }
            return rule.directions(ctx);
        }
        let weights = self.weights(ctx.objectives)?;
        let mut out = Matrix::zeros(k, n);
        for p in 0..k {
            let jac = ctx.jacobians.point(p);
            let d = out.row_mut(p);
            for i in 0..m {
                axpy(d, weights.get(p, i), &jac[i * n..(i + 1) * n]);
            }
        }
        Ok(out)
    }

    fn reset(&mut self) {
        self.warmup = None;
        self.pending = None;
    }

    /// The warm-up rule's state under `warmup`, once it exists.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        match (&self.warmup, &self.pending) {
            (Some(rule), _) => state.insert_nested("warmup", rule.save_state()),
            (None, Some(pending)) => state.insert_nested("warmup", pending.clone()),
            (None, None) => return state,
        }
        state.put_integers("warmup_built", &[1]);
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        self.warmup = None;
        self.pending = state
            .contains("warmup_built")
            .then(|| state.nested("warmup"));
        Ok(())
    }
}

/// The preference-guided methods the warm-up may use.
const WARMUP_SOLVERS: &[&str] = &["pmgda", "epo", "mtche", "tche", "cosmos", "pbi", "ls"];

/// Registry description of [`HvGrad`].
pub static HVGRAD_INFO: MethodInfo = MethodInfo::new("hvgrad", "HVGrad", Family::SetLevel)
    .cite(
        "Wang, Deutz, Bäck & Emmerich, Hypervolume Indicator Gradient Ascent \
               Multi-objective Optimization, EMO 2017; Deist et al., Multi-Objective Learning \
               to Predict Pareto Fronts Using Hypervolume Maximization, arXiv:2102.04523",
    )
    .needs_losses()
    .options(HvGradParams::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_choice_lists_the_choices() {
        let e = HvGrad::from_options(&Options::new().with("warmup_solver", "nonsense"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("pmgda, epo, mtche, tche, cosmos, pbi, ls"),
            "{e}"
        );
        let e = HvGrad::from_options(&Options::new().with("dynamic", "nonsense"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("one of set, front, fixed"), "{e}");
        let p = HvGrad::from_options(&Options::new().with("warmup_solver", "EPO")).unwrap();
        assert_eq!(p.params().warmup_solver, "epo");
    }

    #[test]
    fn weights_are_unit_ascent_directions_per_front() {
        // Front 0: (0.2, 0.8), (0.5, 0.5), (0.8, 0.2); front 1: (0.9, 0.9).
        let f = Matrix::from_rows(&[[0.2, 0.8], [0.5, 0.5], [0.8, 0.2], [0.9, 0.9]]).unwrap();
        let hv = HvGrad::new(HvGradParams::default()).unwrap();
        let w = hv.weights(&f).unwrap();
        // Set reference: 1.1 · 0.9 = 0.99 in both objectives.
        // Middle point: ∂HV/∂f = −(0.8 − 0.5, 0.8 − 0.5) → unit (1, 1)/√2.
        let s = 1.0 / 2f64.sqrt();
        assert!((w.get(1, 0) - s).abs() < 1e-12 && (w.get(1, 1) - s).abs() < 1e-12);
        // The dominated point is alone in its front: (0.99 − 0.9, 0.99 − 0.9) → (1, 1)/√2.
        assert!((w.get(3, 0) - s).abs() < 1e-12 && (w.get(3, 1) - s).abs() < 1e-12);
        for row in w.rows() {
            let n = row.iter().map(|v| v * v).sum::<f64>().sqrt();
            assert!((n - 1.0).abs() < 1e-12);
            assert!(row.iter().all(|&v| v >= 0.0));
        }
        // The extreme point (0.2, 0.8): −∂HV/∂f = (r − 0.8, 0.5 − 0.2) (reference above, next
        // point to the right).
        let raw = HvGrad::new(HvGradParams {
            normalize: false,
            ..HvGradParams::default()
        })
        .unwrap()
        .weights(&f)
        .unwrap();
        assert!((raw.get(0, 0) - (0.99 - 0.8)).abs() < 1e-8); // up to the 1e-9 grid
        assert!((raw.get(0, 1) - (0.5 - 0.2)).abs() < 1e-8);
    }

    #[test]
    fn base_reference_and_fixed_mode() {
        let f = Matrix::from_rows(&[[0.2, 0.3]]).unwrap();
        let hv = HvGrad::from_options(&Options::new().with("ref", "1")).unwrap();
        let r = hv.reference_for(&f, &[0], 2).unwrap();
        assert_eq!(r, vec![1.0, 1.0]);
        let hv = HvGrad::from_options(&Options::new().with("ref", "0.1,0.1")).unwrap();
        let r = hv.reference_for(&f, &[0], 2).unwrap();
        assert!((r[0] - 0.22).abs() < 1e-12 && (r[1] - 0.33).abs() < 1e-12);
        assert!(HvGrad::from_options(&Options::new().with("dynamic", "fixed")).is_err());
        let hv = HvGrad::from_options(&Options::new().with("dynamic", "fixed").with("ref", "2"))
            .unwrap();
        assert_eq!(hv.reference_for(&f, &[0], 2).unwrap(), vec![2.0, 2.0]);
        let hv = HvGrad::from_options(&Options::new().with("ref", "1,1,1")).unwrap();
        assert!(hv.weights(&f).is_err());
        assert!(HvGrad::from_options(&Options::new().with("margin", "-1")).is_err());
        assert!(HvGrad::from_options(&Options::new().with("nope", "1")).is_err());
    }

    #[test]
    fn send_and_sync() {
        fn check<T: Send + Sync>() {}
        fn check_send<T: Send>() {}
        check_send::<HvGrad>(); // the warm-up aggregators are Send, not Sync
        check::<HvGradParams>();
    }
}
