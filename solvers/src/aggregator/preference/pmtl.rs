//! ParetoMTL (Lin et al. 2019), generalised from LibMOON's two objectives to any number.

use crate::aggregator::preference::pmgda::MgdaSolve;
use crate::aggregator::{Aggregation, Aggregator, Diagnostics, Family, MethodInfo, StepInput};
use crate::error::{Error, ParamsError, Result};
use crate::method::entry::GradientNeed;
use crate::method::options::{BuildContext, Options};
use crate::method::params::{MethodParams, option_choices, params};
use crate::method::state::MethodState;
use tradeoff_pareto::Matrix;

/// When ParetoMTL leaves its first (feasibility-seeking) stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PmtlSwitch {
    /// After a fixed warm-up of `warmup` calls (the paper and LibMOON's paper-era code:
    /// a fifth of the iterations).
    Warmup,
    /// As soon as a stage-1 step finds no active constraint (sticky). LibMOON's HEAD does this
    /// once *every* subproblem of the set reports it in the same iteration; one aggregator
    /// sees one subproblem, so a driver wanting the set-level rule calls
    /// [`ParetoMtl::enter_stage2`] itself (see [`ParetoMtl::last_active`]).
    LibMoon,
}

option_choices!(PmtlSwitch {
    Warmup = "warmup",
    LibMoon = "libmoon",
});

/// Which stage a [`ParetoMtl`] is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PmtlStage {
    /// Stage 1: find a feasible start inside the preference sector.
    Init,
    /// Stage 2: constrained MGDA inside the sector.
    Constrained,
}

/// Parameters of [`ParetoMtl`].
#[derive(Clone, Debug, PartialEq)]
pub struct PmtlParams {
    /// The full set of reference preferences (K rows of length `n_obj`, non-negative, non-zero).
    /// ParetoMTL splits the objective space into sectors around them. No default: required
    /// before the first step (option `prefs`, row-major, with `n_obj`).
    pub prefs: Vec<Vec<f64>>,
    /// Which reference preference this subproblem follows. `None` (default): the row of
    /// `prefs` closest in angle to [`StepInput::preference`].
    pub index: Option<usize>,
    /// Total number of iterations of the run. Default 500 (LibMOON's synthetic benchmark).
    pub iters: usize,
    /// Stage-1 length for [`PmtlSwitch::Warmup`]. `None` (default): `iters / 5`.
    pub warmup: Option<usize>,
    /// The stage-switch rule. Default [`PmtlSwitch::Warmup`] (the paper).
    pub switch: PmtlSwitch,
    /// How the min-norm sub-problems are solved. Default [`MgdaSolve::Exact`].
    pub mgda: MgdaSolve,
}

params! {
    /// ParetoMTL's options as given (`prefs` flat with rows of `n_obj`; `index`, `iters` and
    /// the preference set fall back to the run's context); read into [`PmtlParams`].
    pub struct PmtlOptions {
        /// The reference preferences, row-major. Default: the run's preference set.
        prefs: Option<Vec<f64>> = None => "(required)", any,
            "the reference preference set, comma-separated, row-major (n_obj per row)";
        /// Row length of `prefs`. Default 2.
        n_obj: usize = 2, any, "row length of prefs";
        /// The row this subproblem follows. Default: the context's row, else the closest.
        index: Option<usize> = None => "(match the step's preference)", any,
            "which row of prefs this subproblem follows";
        /// Total iterations. Default 500, or the run's when the context has it.
        iters: usize = 500, any, "total iterations of the run (sets the default warm-up)";
        /// Stage-1 length. Default `iters / 5`.
        warmup: Option<usize> = None => "iters/5", any, "stage-1 length (switch=warmup)";
        /// The stage-switch rule. Default [`PmtlSwitch::Warmup`].
        switch: PmtlSwitch = PmtlSwitch::Warmup => "warmup", any,
            "warmup (paper) or libmoon (leave stage 1 once no constraint is active)";
        /// The min-norm solves. Default [`MgdaSolve::Exact`] (as PMGDA's `mgda`).
        mgda: MgdaSolve = MgdaSolve::Exact => "exact", any,
            "exact min-norm, or libmoon (two-row closed form clamped to 0.999/0.001)";
    }
}

impl Default for PmtlParams {
    fn default() -> Self {
        let o = PmtlOptions::default();
        Self {
            prefs: Vec::new(),
            index: o.index,
            iters: o.iters,
            warmup: o.warmup,
            switch: o.switch,
            mgda: o.mgda,
        }
    }
}

impl PmtlParams {
    /// Checks every rule; the error names the parameter.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        let bad = |name, rule, got: String| {
            Err(ParamsError::Invalid {
                method: "pmtl",
                name,
                rule,
                got,
            })
        };
        if let Some(first) = self.prefs.first() {
            let m = first.len();
            for row in &self.prefs {
                if row.len() != m
                    || m == 0
                    || row.iter().any(|v| !(v.is_finite() && *v >= 0.0))
                    || row.iter().all(|&v| v == 0.0)
                {
                    return bad(
                        "prefs",
                        "must be rows of equal length with finite non-negative, not all zero entries",
                        format!("{:?}", self.prefs),
                    );
                }
            }
        }
        if let Some(i) = self.index {
            if !self.prefs.is_empty() && i >= self.prefs.len() {
                return bad(
                    "index",
                    "must be below the number of preferences",
                    i.to_string(),
                );
            }
        }
        if let Some(w) = self.warmup {
            if w > self.iters {
                return bad("warmup", "must not exceed iters", w.to_string());
            }
        }
        Ok(())
    }

    /// The stage-1 length.
    pub fn warmup_len(&self) -> usize {
        self.warmup.unwrap_or(self.iters / 5)
    }
}

/// ParetoMTL: Pareto multi-task learning with a set of preference vectors.
///
/// **Paper.** X. Lin, H.-L. Zhen, Z. Li, Q. Zhang and S. Kwong, "Pareto Multi-Task Learning",
/// NeurIPS 2019 (arXiv:1912.12854), Eqs. (8)–(14) and Algorithm 1.
///
/// **Formula.** With unit reference preferences `u_j = λ_j/‖λ_j‖`, this subproblem's `u_k`,
/// `w_j = u_j − u_k` (j ≠ k) and the active set `A = {j : w_jᵀ f/‖f‖ > 0}` (the sector
/// constraints the losses violate):
/// - stage 1 (find a feasible start): `A = ∅` gives zero weights; `|A| = 1` gives `w_A`;
///   otherwise `s = argmin_{s∈Δ} ‖Σ_a s_a w_aᵀJ‖` and the weights are `Σ_a s_a w_a`;
/// - stage 2: `s = argmin_{s∈Δ} ‖Σ_i s_i ∇f_i + Σ_a s_{m+a} w_aᵀJ‖`, weights
///   `α_i = s_i + Σ_a s_{m+a} w_{a,i}`.
///
/// The direction is `d = Jᵀα`. Stage 1 lasts `warmup = iters/5` calls by default (the paper);
/// `switch=libmoon` leaves it once no constraint is active.
///
/// **Parameters.** [`PmtlParams`]: `prefs` (required), `index` (default: match the step's
/// preference), `iters = 500`, `warmup = iters/5`, `switch = warmup`, `mgda = exact`.
///
/// **Properties claimed.** None of the generic ones (the sector geometry depends on the
/// preference set, which row permutations do not permute). Stateful: it counts its calls;
/// [`Aggregator::reset`] starts stage 1 again.
///
/// **Cost.** O((m+K)mn) for the constraint gradients and their Gramian, plus one exact
/// min-norm problem (Wolfe's algorithm) of size m+|A|.
///
/// **Differences from the reference implementation** (LibMOON `pmtl_solver.py`, commit b43d825):
/// - any number of objectives (LibMOON: two);
/// - the min-norm sub-problems are solved exactly for every size; LibMOON clamps the two-row
///   closed form to γ ∈ [0.001, 0.999] (it binds in the recorded stage-1 step on the fixture
///   `orthogonal_2x2`, moving the weights by ~1e-3) and computes it in f32; `mgda=libmoon`
///   reproduces it;
/// - the default switch is the paper's warm-up (LibMOON's paper-era code); LibMOON's HEAD rule
///   is the option `switch=libmoon`, per subproblem (see [`PmtlSwitch::LibMoon`]);
/// - zero losses (`f/‖f‖` undefined) count as no active constraint instead of NaN.
#[derive(Clone, Debug)]
pub struct ParetoMtl {
    params: PmtlParams,
    calls: usize,
    stage: PmtlStage,
    last_active: Option<usize>,
}

impl ParetoMtl {
    /// Validates `params`.
    pub fn new(params: PmtlParams) -> std::result::Result<Self, ParamsError> {
        params.validate()?;
        let stage = if params.switch == PmtlSwitch::Warmup && params.warmup_len() == 0 {
            PmtlStage::Constrained
        } else {
            PmtlStage::Init
        };
        Ok(Self {
            params,
            calls: 0,
            stage,
            last_active: None,
        })
    }

    /// Reads `prefs` (comma-separated, row-major) with `n_obj` (its row length, default 2),
    /// `index`, `iters`, `warmup`, `switch` (`warmup` | `libmoon`) and `mgda` (`exact` |
    /// `libmoon`), then rejects unknown keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::from_options_in(options, &BuildContext::none())
    }

    /// As [`ParetoMtl::from_options`], with what the run knows for the keys left unset: the
    /// preference set (`prefs`), this instance's row (`index`) and the run's iteration count
    /// (`iters`, which sets the default warm-up).
    pub fn from_options_in(
        options: &Options,
        context: &BuildContext<'_>,
    ) -> std::result::Result<Self, ParamsError> {
        let o = PmtlOptions::read(PMTL_INFO.name, options)?;
        let (n_obj, iters) = (o.n_obj, o.iters);
        let prefs = match o.prefs {
            None => context.preferences.map(Matrix::to_rows).unwrap_or_default(),
            Some(flat) => {
                if n_obj == 0 || flat.len() % n_obj != 0 {
                    return Err(ParamsError::Invalid {
                        method: "pmtl",
                        name: "prefs",
                        rule: "must hold a multiple of n_obj numbers",
                        got: format!("{} numbers with n_obj = {n_obj}", flat.len()),
                    });
                }
                flat.chunks(n_obj).map(<[f64]>::to_vec).collect()
            }
        };
        Self::new(PmtlParams {
            prefs,
            index: o.index.or(context.row),
            iters: if options.contains("iters") {
                iters
            } else {
                context.iters.unwrap_or(iters)
            },
            warmup: o.warmup,
            switch: o.switch,
            mgda: o.mgda,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &PmtlParams {
        &self.params
    }

    /// The current stage.
    pub fn stage(&self) -> PmtlStage {
        self.stage
    }

    /// Calls since construction or the last reset.
    pub fn calls(&self) -> usize {
        self.calls
    }

    /// The number of active sector constraints at the last call (`None` before the first).
    pub fn last_active(&self) -> Option<usize> {
        self.last_active
    }

    /// Moves to stage 2 now (for drivers implementing LibMOON's set-level switch).
    pub fn enter_stage2(&mut self) {
        self.stage = PmtlStage::Constrained;
    }

    /// The stage-1 and stage-2 weights for losses `f`, Jacobian `J` and subproblem `k`, without
    /// touching the state. Returns `(weights, |A|, inner iterations)`.
    fn weights(
        &self,
        stage: PmtlStage,
        j: &tradeoff_pareto::Matrix,
        f: &[f64],
        k: usize,
    ) -> (Vec<f64>, usize, usize) {
        let m = j.n_rows();
        let unit = |v: &[f64]| -> Vec<f64> {
            let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            v.iter().map(|x| x / n).collect()
        };
        let uk = unit(&self.params.prefs[k]);
        let fnorm = f.iter().map(|x| x * x).sum::<f64>().sqrt();
        let active: Vec<Vec<f64>> = if fnorm > 0.0 {
            self.params
                .prefs
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != k)
                .map(|(_, p)| {
                    let u = unit(p);
                    u.iter().zip(&uk).map(|(a, b)| a - b).collect::<Vec<f64>>()
                })
                .filter(|w| w.iter().zip(f).map(|(a, b)| a * b / fnorm).sum::<f64>() > 0.0)
                .collect()
        } else {
            Vec::new()
        };
        let na = active.len();
        // Rows w_aᵀJ of the active constraints.
        let constraint_rows: Vec<Vec<f64>> = active
            .iter()
            .map(|w| crate::aggregator::combine_rows(j, w))
            .collect();
        match stage {
            PmtlStage::Init => {
                if na == 0 {
                    return (vec![0.0; m], 0, 0);
                }
                let (s, iters) = if na == 1 {
                    (vec![1.0], 0)
                } else {
                    let mn = self.params.mgda.solve(&gram_rows(&constraint_rows));
                    (mn.weights, mn.iters)
                };
                let mut weights = vec![0.0; m];
                for (a, w) in active.iter().enumerate() {
                    for i in 0..m {
                        weights[i] += s[a] * w[i];
                    }
                }
                (weights, na, iters)
            }
            PmtlStage::Constrained => {
                let mut rows: Vec<Vec<f64>> = j.rows().map(<[f64]>::to_vec).collect();
                rows.extend(constraint_rows);
                let mn = self.params.mgda.solve(&gram_rows(&rows));
                let s = mn.weights;
                let mut weights = s[..m].to_vec();
                for (a, w) in active.iter().enumerate() {
                    for i in 0..m {
                        weights[i] += s[m + a] * w[i];
                    }
                }
                (weights, na, mn.iters)
            }
        }
    }

    fn subproblem(&self, pref: &[f64]) -> usize {
        if let Some(i) = self.params.index {
            return i;
        }
        let pn = pref.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut best = (0, f64::NEG_INFINITY);
        for (i, p) in self.params.prefs.iter().enumerate() {
            let n = p.iter().map(|v| v * v).sum::<f64>().sqrt();
            let cos = p.iter().zip(pref).map(|(a, b)| a * b).sum::<f64>() / (n * pn);
            if cos > best.1 {
                best = (i, cos);
            }
        }
        best.0
    }
}

/// Gramian of explicit rows (equal lengths).
fn gram_rows(rows: &[Vec<f64>]) -> crate::linalg::Gramian {
    let j = tradeoff_pareto::Matrix::from_rows(rows).expect("constraint rows have n_var entries");
    crate::linalg::Gramian::unscaled(&j)
}

crate::method::entry::display_as!(ParetoMtl);

impl Aggregator for ParetoMtl {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let losses = input.require_losses("pmtl")?;
        let pref = input.require_preference("pmtl")?;
        let m = input.n_obj();
        if self.params.prefs.is_empty() {
            return Err(Error::MissingInput {
                method: "pmtl",
                input: "the reference preference set (option prefs)",
            });
        }
        let row_len = self.params.prefs[0].len();
        if row_len != m {
            return Err(Error::DimensionMismatch {
                what: "pmtl preference-set row length (n_obj)",
                expected: m,
                got: row_len,
            });
        }
        let k = self.subproblem(pref);
        if self.params.switch == PmtlSwitch::Warmup
            && self.stage == PmtlStage::Init
            && self.calls >= self.params.warmup_len()
        {
            self.stage = PmtlStage::Constrained;
        }
        let (weights, n_active, iters) = self.weights(self.stage, input.jacobian, losses, k);
        if self.params.switch == PmtlSwitch::LibMoon
            && self.stage == PmtlStage::Init
            && n_active == 0
        {
            self.stage = PmtlStage::Constrained;
        }
        self.calls += 1;
        self.last_active = Some(n_active);
        Ok(
            Aggregation::from_weights(input.jacobian, weights).with_diagnostics(Diagnostics {
                inner_iters: iters,
                converged: true,
                residual: 0.0,
            }),
        )
    }

    fn reset(&mut self) {
        *self = Self::new(self.params.clone()).expect("parameters were validated");
    }

    /// The call count, the stage, and the active-constraint count of the last call.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        let stage = u64::from(self.stage == PmtlStage::Constrained);
        state.put_integers("calls", &[self.calls as u64, stage]);
        if let Some(active) = self.last_active {
            state.put_integers("last_active", &[active as u64]);
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        let words = state.integers("calls")?;
        let &[calls, stage] = words else {
            return Err(Error::InvalidState {
                reason: format!("'calls' holds {} words, ParetoMTL saves 2", words.len()),
            });
        };
        self.calls = calls as usize;
        self.stage = if stage == 1 {
            PmtlStage::Constrained
        } else {
            PmtlStage::Init
        };
        self.last_active = if state.contains("last_active") {
            Some(state.integer("last_active")? as usize)
        } else {
            None
        };
        Ok(())
    }

    crate::method::entry::info_is!(PMTL_INFO);
}

/// The registry row.
pub static PMTL_INFO: MethodInfo = MethodInfo::new("pmtl", "ParetoMTL", Family::PreferenceGuided)
    .cite(
        "Lin, Zhen, Li, Zhang & Kwong, Pareto Multi-Task Learning, NeurIPS 2019 (arXiv:1912.12854)",
    )
    .need(GradientNeed::Gramian)
    .uses_preference()
    .needs_losses()
    .stateful()
    .options(PmtlOptions::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_choice_lists_the_choices() {
        let e = ParetoMtl::from_options(&Options::new().with("switch", "nonsense"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("one of warmup, libmoon"), "{e}");
        let e = ParetoMtl::from_options(&Options::new().with("mgda", "nonsense"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("one of exact, libmoon"), "{e}");
    }
    use tradeoff_pareto::Matrix;

    fn two_prefs() -> Vec<Vec<f64>> {
        vec![vec![0.9, 0.1], vec![0.5, 0.5], vec![0.1, 0.9]]
    }

    #[test]
    fn options_reshape_and_validate() {
        let o = Options::new()
            .with("prefs", "0.9,0.1,0.5,0.5,0.1,0.9")
            .with("index", 1)
            .with("iters", 100);
        let p = ParetoMtl::from_options(&o).unwrap();
        assert_eq!(p.params().prefs, two_prefs());
        assert_eq!(p.params().index, Some(1));
        assert_eq!(p.params().warmup_len(), 20);
        let o = Options::new().with("prefs", "0.9,0.1,0.5");
        assert!(ParetoMtl::from_options(&o).is_err());
        let o = Options::new().with("prefs", "0.9,0.1").with("index", 3);
        assert!(matches!(
            ParetoMtl::from_options(&o).unwrap_err(),
            ParamsError::Invalid { name: "index", .. }
        ));
        let o = Options::new().with("iters", 10).with("warmup", 11);
        assert!(matches!(
            ParetoMtl::from_options(&o).unwrap_err(),
            ParamsError::Invalid { name: "warmup", .. }
        ));
        assert!(ParetoMtl::from_options(&Options::new().with("typo", 1)).is_err());
    }

    #[test]
    fn warmup_counts_calls_and_reset_restarts() {
        let mut p = ParetoMtl::new(PmtlParams {
            prefs: two_prefs(),
            iters: 10,
            ..PmtlParams::default()
        })
        .unwrap();
        let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0]]).unwrap();
        let input = StepInput::new(&j)
            .with_losses(&[1.0, 0.2])
            .with_preference(&[0.5, 0.5]);
        for _ in 0..2 {
            assert_eq!(p.stage(), PmtlStage::Init);
            p.aggregate(&input).unwrap();
        }
        p.aggregate(&input).unwrap();
        assert_eq!(p.stage(), PmtlStage::Constrained);
        p.reset();
        assert_eq!((p.stage(), p.calls()), (PmtlStage::Init, 0));
    }

    #[test]
    fn missing_preference_set_is_an_error() {
        let mut p = ParetoMtl::new(PmtlParams::default()).unwrap();
        let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0]]).unwrap();
        let input = StepInput::new(&j)
            .with_losses(&[1.0, 0.2])
            .with_preference(&[0.5, 0.5]);
        assert!(matches!(
            p.aggregate(&input),
            Err(Error::MissingInput { .. })
        ));
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ParetoMtl>();
    }
}
