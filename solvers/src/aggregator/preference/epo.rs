//! EPO: Exact Pareto Optimal search (Mahapatra & Rajan 2020), and the small dense simplex
//! method it (and PMGDA) solve their linear programs with.

use crate::aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, OptionInfo, Properties, StepInput,
};
use crate::error::{Error, ParamsError, Result};
use crate::method::options::Options;
use crate::method::registry::MethodEntry;

/// Parameters of [`Epo`].
#[derive(Clone, Debug, PartialEq)]
pub struct EpoParams {
    /// Non-uniformity threshold: the step balances while `μ(r ⊙ l) > eps`, and descends
    /// otherwise. Default `1e-4` (LibMOON's `EPO_LP(eps=1e-4)`). Must be positive and finite.
    pub eps: f64,
    /// Lower clip of `m·l̂` inside the logarithm of the adjustment `a`. Default `1e-3`
    /// (LibMOON's hard-coded value). Must be positive and finite.
    pub log_clip: f64,
    /// In the descent ("dominance") mode, drop the constraint `αᵀCa ≥ min(max Ca, 0)`
    /// (LibMOON's `relax=True`). Default `false`.
    pub relax: bool,
}

impl Default for EpoParams {
    fn default() -> Self {
        Self {
            eps: 1e-4,
            log_clip: 1e-3,
            relax: false,
        }
    }
}

impl EpoParams {
    /// Checks every rule; the error names the parameter.
    pub fn validate(&self) -> std::result::Result<(), ParamsError> {
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return Err(ParamsError::Invalid {
                method: "epo",
                name: "eps",
                rule: "must be finite and positive",
                got: self.eps.to_string(),
            });
        }
        if !(self.log_clip.is_finite() && self.log_clip > 0.0) {
            return Err(ParamsError::Invalid {
                method: "epo",
                name: "clip",
                rule: "must be finite and positive",
                got: self.log_clip.to_string(),
            });
        }
        Ok(())
    }
}

/// Which linear program the last EPO step solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpoMode {
    /// Balance: the losses were off the preference ray (`μ > eps`).
    Balance,
    /// Dominance: on the ray; descend all objectives.
    Dominance,
}

/// What the last EPO step did (LibMOON's `last_move`, `mu_rl` and `gamma`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpoStep {
    /// The linear program solved.
    pub mode: EpoMode,
    /// The non-uniformity `μ(r ⊙ l) = Σ l̂_i log(m l̂_i)` (KL divergence from uniform).
    pub mu: f64,
    /// The LP optimum (`αᵀCa` in balance mode, `1ᵀCα` in dominance mode); `None` when the LP
    /// was infeasible and the weights fell back to the normalised preference.
    pub gamma: Option<f64>,
}

/// EPO, Exact Pareto Optimal search.
///
/// **Paper.** D. Mahapatra and V. Rajan, "Multi-Task Learning with User Preferences: Gradient
/// Descent with Controlled Ascent in Pareto Optimization", ICML 2020 (PMLR 119), §3–4;
/// arXiv:2010.06313 extends it.
///
/// **Formula.** With the preference `λ` (positive), `r = 1/λ`, losses `l` (positive), `J` (m×n):
/// `l̂ = r⊙l / Σ r⊙l`, the non-uniformity `μ = Σ_i l̂_i log(m l̂_i)`, the adjustment
/// `a = r ⊙ (log max(m l̂, clip) − μ)`, `C = JJᵀ`. If `μ > eps` (balance), with
/// `J⁺ = {i : (Ca)_i > 0}` and `J* = argmax r⊙l`:
/// `max_α αᵀCa` s.t. `α ∈ Δ`, `(Cα)_i ≥ (Ca)_i` for `i ∉ J⁺`, `(Cα)_{J*} ≥ 0` (when `J⁺ = ∅`:
/// `Cα ≥ 0`). Otherwise (dominance): `max_α 1ᵀCα` s.t. `α ∈ Δ`, `Cα ≥ 0`,
/// `αᵀCa ≥ min(max Ca, 0)` (dropped with `relax`). An infeasible LP gives `α = λ/Σλ`.
/// The direction is `d = Jᵀα`.
///
/// **Parameters.** [`EpoParams`]: `eps = 1e-4`, `clip = 1e-3`, `relax = false`.
///
/// **Properties claimed.** Weights on the simplex; permutation invariant (rows of `J`, losses
/// and preference permuted together) whenever the LP optimum is unique. Not non-conflicting
/// in the balance mode by design (it ascends the objective that is too good).
///
/// **Cost.** O(m²n) for `C`, then one dense LP with m variables and ≤ m+1 constraints solved
/// by a few simplex pivots of O(m²) each. Measured on the 15 fixture inputs (m ≤ 10, n ≤ 50):
/// 6–100 µs per step in an unoptimised debug build, against ~2.8 ms per LP for LibMOON's
/// cvxpy + GLPK (libmoon.md §3.2.2).
///
/// **Differences from the reference implementation** (LibMOON `epo_solver.py`, commit b43d825):
/// - the LP is solved exactly by our dense two-phase simplex (Bland's rule, each row scaled by
///   its largest coefficient) instead of cvxpy + GLPK; 14 of the 15 `epo_solve_epo` vectors in
///   the shared fixtures agree to 1e-9. The 15th (`J` ~ 1e-6, so `C` ~ 1e-12) is below GLPK's
///   absolute tolerances, which stop at the first vertex (γ = −7.7e-12); our scaled LP finds
///   the better vertex (γ = +3.0e-12). Among tied optima we return the vertex Bland's rule
///   reaches first;
/// - zero preference entries (`r = ∞`) are an error instead of NaN/inf weights;
/// - when `Σ r⊙l ≤ 0` (non-positive losses, outside EPO's assumptions) `μ` is undefined;
///   we take the dominance step instead of propagating NaN.
#[derive(Clone, Debug)]
pub struct Epo {
    params: EpoParams,
    last: Option<EpoStep>,
}

impl Epo {
    /// Validates `params`.
    pub fn new(params: EpoParams) -> std::result::Result<Self, ParamsError> {
        params.validate()?;
        Ok(Self { params, last: None })
    }

    /// Reads `eps`, `clip` and `relax`, then rejects unknown keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        let d = EpoParams::default();
        let params = EpoParams {
            eps: options.f64("epo", "eps", d.eps)?,
            log_clip: options.f64("epo", "clip", d.log_clip)?,
            relax: options.bool("epo", "relax", d.relax)?,
        };
        options.finish("epo")?;
        Self::new(params)
    }

    /// The parameters.
    pub fn params(&self) -> &EpoParams {
        &self.params
    }

    /// What the last call did (`None` before the first call).
    pub fn last_step(&self) -> Option<EpoStep> {
        self.last
    }
}

impl std::fmt::Display for Epo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EPO")
    }
}

impl Aggregator for Epo {
    fn info(&self) -> &'static MethodInfo {
        &EPO_INFO
    }

    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let losses = input.require_losses("epo")?;
        let pref = input.require_preference("epo")?;
        let m = input.n_obj();
        if pref.iter().any(|&p| p <= 0.0) {
            return Err(Error::InvalidPreference {
                reason: format!(
                    "epo uses r = 1/preference, so every entry must be positive, got {pref:?} \
                     (clip corner rays, e.g. to 1e-2)"
                ),
            });
        }
        let r: Vec<f64> = pref.iter().map(|p| 1.0 / p).collect();
        let rl: Vec<f64> = r.iter().zip(losses).map(|(a, b)| a * b).collect();
        let sum_rl: f64 = rl.iter().sum();
        let c = crate::linalg::gramian_rows(input.jacobian);

        let (mu, a) = if sum_rl > 0.0 && sum_rl.is_finite() {
            let lhat: Vec<f64> = rl.iter().map(|v| v / sum_rl).collect();
            let mu = non_uniformity(&lhat);
            let a: Vec<f64> = (0..m)
                .map(|i| r[i] * ((m as f64 * lhat[i]).max(self.params.log_clip).ln() - mu))
                .collect();
            (mu, a)
        } else {
            (0.0, vec![0.0; m])
        };
        let ca = mat_vec(&c, &a);

        let mut lp = LinearProgram::new(m);
        lp.add_eq(vec![1.0; m], 1.0);
        let mode = if mu > self.params.eps {
            lp.objective = ca.clone();
            let positive: Vec<bool> = ca.iter().map(|&v| v > 0.0).collect();
            if positive.iter().any(|&p| p) {
                let top = rl.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                for i in 0..m {
                    let rhs = if rl[i] == top {
                        Some(0.0)
                    } else if positive[i] {
                        None
                    } else {
                        Some(ca[i])
                    };
                    if let Some(rhs) = rhs {
                        lp.add_ge(c[i].clone(), rhs);
                    }
                }
            } else {
                for row in &c {
                    lp.add_ge(row.clone(), 0.0);
                }
            }
            EpoMode::Balance
        } else {
            lp.objective = (0..m).map(|j| (0..m).map(|i| c[i][j]).sum()).collect();
            if !self.params.relax {
                let max_ca = ca.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                lp.add_ge(ca.clone(), max_ca.min(0.0));
            }
            for row in &c {
                lp.add_ge(row.clone(), 0.0);
            }
            EpoMode::Dominance
        };
        let solution = lp.maximize();
        let (weights, gamma) = match solution.status {
            LpStatus::Optimal => {
                let alpha = solution.x;
                let gamma = lp.objective.iter().zip(&alpha).map(|(a, b)| a * b).sum();
                (alpha, Some(gamma))
            }
            _ => {
                let total: f64 = pref.iter().sum();
                (pref.iter().map(|p| p / total).collect(), None)
            }
        };
        self.last = Some(EpoStep { mode, mu, gamma });
        Ok(
            Aggregation::from_weights(input.jacobian, weights).with_diagnostics(Diagnostics {
                inner_iters: solution.iters,
                converged: solution.status == LpStatus::Optimal,
                residual: 0.0,
            }),
        )
    }

    fn reset(&mut self) {
        self.last = None;
    }
}

/// `Σ l̂_i log(m l̂_i)` over the entries above machine epsilon, after clipping at 0
/// (LibMOON's `mu(rl, normed=True)`).
fn non_uniformity(lhat: &[f64]) -> f64 {
    let m = lhat.len() as f64;
    lhat.iter()
        .map(|&v| v.max(0.0))
        .filter(|&v| v > f64::EPSILON)
        .map(|v| v * (v * m).ln())
        .sum()
}

pub(crate) fn mat_vec(a: &[Vec<f64>], x: &[f64]) -> Vec<f64> {
    a.iter()
        .map(|row| row.iter().zip(x).map(|(p, q)| p * q).sum())
        .collect()
}

/// The registry row.
pub static EPO_INFO: MethodInfo = MethodInfo {
    name: "epo",
    display: "EPO",
    family: Family::PreferenceGuided,
    citation: "Mahapatra & Rajan, Multi-Task Learning with User Preferences: Gradient Descent with Controlled Ascent in Pareto Optimization, ICML 2020",
    uses_preference: true,
    needs_losses: true,
    stateful: false,
    randomized: false,
    properties: Properties {
        non_conflicting: false,
        permutation_invariant: true,
        linear_under_scaling: false,
        weights_on_simplex: true,
    },
    options: &[
        OptionInfo {
            name: "eps",
            default: "1e-4",
            doc: "non-uniformity above which the step balances instead of descending",
        },
        OptionInfo {
            name: "clip",
            default: "1e-3",
            doc: "lower clip of m*l_hat inside the log of the adjustment",
        },
        OptionInfo {
            name: "relax",
            default: "false",
            doc: "drop the a^T C alpha constraint in the descent mode",
        },
    ],
};

fn build(options: &Options) -> Result<Box<dyn Aggregator>> {
    Ok(Box::new(Epo::from_options(options)?))
}

/// Registry row.
pub(crate) const ENTRIES: &[MethodEntry] = &[MethodEntry {
    info: &EPO_INFO,
    build,
}];

// ---------------------------------------------------------------------------------------------
// A small dense linear-programming solver.
// ---------------------------------------------------------------------------------------------

/// How an LP ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LpStatus {
    Optimal,
    Infeasible,
    Unbounded,
    IterationLimit,
}

/// The result of [`LinearProgram::maximize`].
#[derive(Clone, Debug)]
pub(crate) struct LpSolution {
    pub status: LpStatus,
    /// The optimal point (zeros unless `status` is `Optimal`).
    pub x: Vec<f64>,
    /// Simplex pivots over both phases.
    pub iters: usize,
}

/// `max cᵀx` s.t. `a_i x ≤ b_i` / `a_i x ≥ b_i` / `a_i x = b_i`, `x ≥ 0`, for small dense
/// problems: two-phase tableau simplex with Bland's rule (no cycling, finite). Each
/// constraint row and the objective are scaled by their largest coefficient first, so the
/// fixed tolerances are relative.
#[derive(Clone, Debug)]
pub(crate) struct LinearProgram {
    n: usize,
    pub objective: Vec<f64>,
    rows: Vec<(Vec<f64>, Sense, f64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sense {
    Le,
    Ge,
    Eq,
}

const PIVOT_TOL: f64 = 1e-11;
const COST_TOL: f64 = 1e-11;
const FEAS_TOL: f64 = 1e-9;

impl LinearProgram {
    /// `n` non-negative variables, zero objective, no constraints.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            objective: vec![0.0; n],
            rows: Vec::new(),
        }
    }

    /// `aᵀx ≤ b`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn add_le(&mut self, a: Vec<f64>, b: f64) {
        self.rows.push((a, Sense::Le, b));
    }

    /// `aᵀx ≥ b`.
    pub fn add_ge(&mut self, a: Vec<f64>, b: f64) {
        self.rows.push((a, Sense::Ge, b));
    }

    /// `aᵀx = b`.
    pub fn add_eq(&mut self, a: Vec<f64>, b: f64) {
        self.rows.push((a, Sense::Eq, b));
    }

    /// Solves the program.
    pub fn maximize(&self) -> LpSolution {
        let n = self.n;
        // Normalise rows to `≤`/`=` with b ≥ 0, scaled by their largest coefficient.
        let mut rows: Vec<(Vec<f64>, Sense, f64)> = Vec::with_capacity(self.rows.len());
        for (a, sense, b) in &self.rows {
            let scale = a.iter().fold(0.0_f64, |s, v| s.max(v.abs()));
            if scale == 0.0 {
                let ok = match sense {
                    Sense::Le => *b >= -FEAS_TOL,
                    Sense::Ge => *b <= FEAS_TOL,
                    Sense::Eq => b.abs() <= FEAS_TOL,
                };
                if !ok {
                    return self.failed(LpStatus::Infeasible, 0);
                }
                continue;
            }
            let mut a: Vec<f64> = a.iter().map(|v| v / scale).collect();
            let mut b = b / scale;
            let mut sense = *sense;
            if b < 0.0 {
                a.iter_mut().for_each(|v| *v = -*v);
                b = -b;
                sense = match sense {
                    Sense::Le => Sense::Ge,
                    Sense::Ge => Sense::Le,
                    Sense::Eq => Sense::Eq,
                };
            }
            rows.push((a, sense, b));
        }
        let n_rows = rows.len();
        let n_slack = rows.iter().filter(|r| r.1 != Sense::Eq).count();
        let n_art = rows.iter().filter(|r| r.1 != Sense::Le).count();
        let n_cols = n + n_slack + n_art;
        let rhs = n_cols;
        let mut t = vec![vec![0.0; n_cols + 1]; n_rows];
        let mut basis = vec![0usize; n_rows];
        let (mut next_slack, mut next_art) = (n, n + n_slack);
        for (r, (a, sense, b)) in rows.iter().enumerate() {
            t[r][..n].copy_from_slice(a);
            t[r][rhs] = *b;
            match sense {
                Sense::Le => {
                    t[r][next_slack] = 1.0;
                    basis[r] = next_slack;
                    next_slack += 1;
                }
                Sense::Ge => {
                    t[r][next_slack] = -1.0;
                    next_slack += 1;
                    t[r][next_art] = 1.0;
                    basis[r] = next_art;
                    next_art += 1;
                }
                Sense::Eq => {
                    t[r][next_art] = 1.0;
                    basis[r] = next_art;
                    next_art += 1;
                }
            }
        }
        let first_art = n + n_slack;
        let max_iters = 50 * (n_cols + n_rows + 10);
        let mut iters = 0;

        // Phase 1: maximise −Σ artificials.
        if n_art > 0 {
            let cost: Vec<f64> = (0..n_cols)
                .map(|j| if j >= first_art { -1.0 } else { 0.0 })
                .collect();
            match run_simplex(&mut t, &mut basis, &cost, n_cols, &mut iters, max_iters) {
                LpStatus::Optimal => {}
                LpStatus::IterationLimit => return self.failed(LpStatus::IterationLimit, iters),
                // Phase 1 is bounded by 0; anything else is a numerical failure.
                _ => return self.failed(LpStatus::Infeasible, iters),
            }
            let infeasibility: f64 = (0..t.len())
                .filter(|&r| basis[r] >= first_art)
                .map(|r| t[r][rhs])
                .sum();
            if infeasibility > FEAS_TOL {
                return self.failed(LpStatus::Infeasible, iters);
            }
            // Drive the remaining (zero-valued) artificials out of the basis.
            let mut r = 0;
            while r < t.len() {
                if basis[r] >= first_art {
                    if let Some(j) = (0..first_art).find(|&j| t[r][j].abs() > PIVOT_TOL) {
                        pivot(&mut t, &mut basis, r, j);
                        iters += 1;
                    } else {
                        // A redundant row.
                        t.remove(r);
                        basis.remove(r);
                        continue;
                    }
                }
                r += 1;
            }
            // Forbid artificials from re-entering.
            for row in t.iter_mut() {
                for v in &mut row[first_art..n_cols] {
                    *v = 0.0;
                }
            }
        }

        // Phase 2.
        let scale = self.objective.iter().fold(0.0_f64, |s, v| s.max(v.abs()));
        let cost: Vec<f64> = (0..n_cols)
            .map(|j| {
                if j < n && scale > 0.0 {
                    self.objective[j] / scale
                } else {
                    0.0
                }
            })
            .collect();
        let status = run_simplex(&mut t, &mut basis, &cost, first_art, &mut iters, max_iters);
        if status != LpStatus::Optimal {
            return self.failed(status, iters);
        }
        let mut x = vec![0.0; n];
        for (r, &b) in basis.iter().enumerate() {
            if b < n {
                x[b] = t[r][rhs].max(0.0);
            }
        }
        LpSolution {
            status: LpStatus::Optimal,
            x,
            iters,
        }
    }

    fn failed(&self, status: LpStatus, iters: usize) -> LpSolution {
        LpSolution {
            status,
            x: vec![0.0; self.n],
            iters,
        }
    }
}

/// Primal simplex on the tableau `t` (last column = rhs) maximising `costᵀx` over the columns
/// `0..n_enter`, Bland's rule.
fn run_simplex(
    t: &mut [Vec<f64>],
    basis: &mut [usize],
    cost: &[f64],
    n_enter: usize,
    iters: &mut usize,
    max_iters: usize,
) -> LpStatus {
    let rhs = t.first().map_or(0, |r| r.len() - 1);
    loop {
        // Reduced costs d_j = c_j − c_Bᵀ T_j.
        let entering = (0..n_enter).find(|&j| {
            if basis.contains(&j) {
                return false;
            }
            let d = cost[j]
                - t.iter()
                    .zip(basis.iter())
                    .map(|(row, &b)| cost[b] * row[j])
                    .sum::<f64>();
            d > COST_TOL
        });
        let Some(e) = entering else {
            return LpStatus::Optimal;
        };
        let mut leave: Option<(usize, f64)> = None;
        for (r, row) in t.iter().enumerate() {
            if row[e] > PIVOT_TOL {
                let ratio = row[rhs] / row[e];
                leave = match leave {
                    None => Some((r, ratio)),
                    Some((lr, lratio)) => {
                        if ratio < lratio - 1e-12
                            || (ratio <= lratio + 1e-12 && basis[r] < basis[lr])
                        {
                            Some((r, ratio))
                        } else {
                            Some((lr, lratio))
                        }
                    }
                };
            }
        }
        let Some((r, _)) = leave else {
            return LpStatus::Unbounded;
        };
        pivot(t, basis, r, e);
        *iters += 1;
        if *iters > max_iters {
            return LpStatus::IterationLimit;
        }
    }
}

fn pivot(t: &mut [Vec<f64>], basis: &mut [usize], r: usize, e: usize) {
    let p = t[r][e];
    t[r].iter_mut().for_each(|v| *v /= p);
    let pivot_row = t[r].clone();
    for (i, row) in t.iter_mut().enumerate() {
        if i != r {
            let f = row[e];
            if f != 0.0 {
                for (v, pv) in row.iter_mut().zip(&pivot_row) {
                    *v -= f * pv;
                }
                row[e] = 0.0;
            }
        }
    }
    basis[r] = e;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradeoff_pareto::Matrix;

    #[test]
    fn lp_small_known_optimum() {
        // max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3 → (3, 1), value 11.
        let mut lp = LinearProgram::new(2);
        lp.objective = vec![3.0, 2.0];
        lp.add_le(vec![1.0, 1.0], 4.0);
        lp.add_le(vec![1.0, 3.0], 6.0);
        lp.add_le(vec![1.0, 0.0], 3.0);
        let s = lp.maximize();
        assert_eq!(s.status, LpStatus::Optimal);
        assert!((s.x[0] - 3.0).abs() < 1e-12 && (s.x[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn lp_equality_and_ge_and_infeasible() {
        // max −x − y s.t. x + y = 1, x ≥ 0.25 (as a row) → (1, 0)? no: minimise x + y is
        // constant 1; then maximise −x: min x = 0.25 → (0.25, 0.75).
        let mut lp = LinearProgram::new(2);
        lp.objective = vec![-1.0, 0.0];
        lp.add_eq(vec![1.0, 1.0], 1.0);
        lp.add_ge(vec![1.0, 0.0], 0.25);
        let s = lp.maximize();
        assert_eq!(s.status, LpStatus::Optimal);
        assert!((s.x[0] - 0.25).abs() < 1e-12 && (s.x[1] - 0.75).abs() < 1e-12);

        let mut lp = LinearProgram::new(2);
        lp.add_eq(vec![1.0, 1.0], 1.0);
        lp.add_ge(vec![1.0, 1.0], 2.0);
        assert_eq!(lp.maximize().status, LpStatus::Infeasible);

        let mut lp = LinearProgram::new(1);
        lp.objective = vec![1.0];
        assert_eq!(lp.maximize().status, LpStatus::Unbounded);
    }

    #[test]
    fn params_validation() {
        let bad = EpoParams {
            eps: 0.0,
            ..EpoParams::default()
        };
        assert!(matches!(
            Epo::new(bad).unwrap_err(),
            ParamsError::Invalid { name: "eps", .. }
        ));
        let bad = EpoParams {
            log_clip: -1.0,
            ..EpoParams::default()
        };
        assert!(matches!(
            Epo::new(bad).unwrap_err(),
            ParamsError::Invalid { name: "clip", .. }
        ));
        let opts = Options::new().with("eps", 1e-3).with("relax", true);
        let epo = Epo::from_options(&opts).unwrap();
        assert_eq!(epo.params().eps, 1e-3);
        assert!(epo.params().relax);
        assert!(Epo::from_options(&Options::new().with("sigma", 1)).is_err());
    }

    #[test]
    fn zero_preference_is_an_error() {
        let j = Matrix::from_rows(&[[1.0, 0.0], [0.0, 1.0]]).unwrap();
        let input = StepInput::new(&j)
            .with_losses(&[1.0, 1.0])
            .with_preference(&[1.0, 0.0]);
        let mut epo = Epo::new(EpoParams::default()).unwrap();
        assert!(matches!(
            crate::aggregator::aggregate(&mut epo, &input),
            Err(Error::InvalidPreference { .. })
        ));
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Epo>();
        assert_send_sync::<EpoParams>();
    }
}
