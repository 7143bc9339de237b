//! M-ConFIG: ConFIG on per-objective momenta, with an Adam-like normalisation (Liu et al.,
//! ICLR 2025, conflictfree's `PseudoMomentumOperator`).

use crate::aggregator::projection::con_fig::{ConFigParams, config_direction};
use crate::aggregator::{
    Aggregation, Aggregator, Family, MethodInfo, StepInput, rescale_exponent, times_power_of_two,
};
use crate::error::{Error, ParamsError, Result};
use crate::method::options::Options;
use crate::method::params::{MethodParams, params};
use crate::method::state::MethodState;

params! {
    /// Parameters of [`MConFig`].
    pub struct MConFigParams {
        /// First-moment (per-objective momentum) rate, in [0, 1). Default 0.9.
        beta1: f64 = 0.9, closed_open(0, 1), "momentum rate of the per-objective first moments";
        /// Second-moment rate, in [0, 1). Default 0.999.
        beta2: f64 = 0.999, closed_open(0, 1), "rate of the shared second moment";
        /// Guard added to `√ŝ`, > 0. Default 1e-8 (hard-coded in conflictfree).
        eps: f64 = 1e-8, positive, "guard added to sqrt of the second moment";
        /// Objectives refreshed per [`Aggregator::aggregate`] call: 0 (default) = all; `k > 0`
        /// refreshes `k` consecutive objectives cyclically (the paper's cheap mode: its PINN
        /// experiments refresh one loss per step, conflictfree's `OrderedSliceSelector`).
        rows_per_step: usize = 0, any, "objectives refreshed per step, cyclically (0 = all)";
        ..
        /// The ConFIG step applied to the bias-corrected momenta. Default [`ConFigParams`]'s.
        config: ConFigParams;
    }
}

#[derive(Clone, Debug)]
struct State {
    n_var: usize,
    momenta: Vec<Vec<f64>>,
    seen: Vec<u64>,
    second: Vec<f64>,
    /// `E ≥ 0`: `second` holds `s·2^(−2E)`, so that squares of pseudo-gradients above `1e154`
    /// do not overflow (0 unless such a gradient was seen; raised, never lowered).
    second_exponent: i32,
    fake_m: Vec<f64>,
    t: u64,
    cursor: usize,
}

impl State {
    fn new(m: usize, n: usize) -> Self {
        Self {
            n_var: n,
            momenta: vec![vec![0.0; n]; m],
            seen: vec![0; m],
            second: vec![0.0; n],
            second_exponent: 0,
            fake_m: vec![0.0; n],
            t: 0,
            cursor: 0,
        }
    }
}

/// M-ConFIG, momentum ConFIG.
///
/// **Paper.** Q. Liu, M. Chu and N. Thuerey, "ConFIG: Towards Conflict-free Training of
/// Physics Informed Neural Networks", ICLR 2025 (arXiv:2408.11104), §3.3 (M-ConFIG); reference
/// code `conflictfree.momentum_operator.PseudoMomentumOperator` 0.1.8.
///
/// **Formula.** Per objective `i` refreshed this step: `t_i += 1`,
/// `m_i ← β₁m_i + (1−β₁)g_i` (the others keep their momenta). Until every objective has been
/// refreshed once the output is 0. Then `t += 1`, `m̂_i = m_i/(1−β₁^{t_i})`,
/// `g_c = ConFIG(m̂_1..m̂_m)`, the pseudo first moment `p = g_c(1−β₁^t)`, the pseudo gradient
/// `q = (p − β₁p_prev)/(1−β₁)`, `s ← β₂s + (1−β₂)q²`, `ŝ = s/(1−β₂^t)`, and the output is
/// `g_c/(√ŝ + ε)` elementwise. It is an Adam-like normalised step: use it with plain SGD.
///
/// **Parameters.** [`MConFigParams`]: `beta1 = 0.9`, `beta2 = 0.999`, `eps = 1e-8`,
/// `rows_per_step = 0` (all), and ConFIG's `weights`, `length`, `track_id`, `solver`.
///
/// **Which objectives were refreshed.** Through the [`Aggregator`] trait every row of `J` is
/// refreshed (or `rows_per_step` rows cyclically). A caller that back-propagated only some
/// objectives calls [`MConFig::aggregate_partial`] with their row indices; the other rows of
/// `J` are not read.
///
/// **Properties claimed.** None (stateful, normalised per coordinate). Stateful: momenta,
/// counters and second moment persist, are rebuilt when the shape changes, and
/// [`Aggregator::reset`] clears them.
///
/// **Cost.** O(kn) for the momenta of the `k` refreshed rows, ConFIG on the m momenta
/// (through their Gramian for large n: two passes over them plus O(m³)), O(n) for the second moment; O(mn) memory.
///
/// **Differences from the reference implementation.** conflictfree's default inner operator
/// (`ConFIGOperator`) uses the NaN-prone two-loss closed form for m = 2 (for example, once two
/// momenta become parallel); we always use the general ConFIG path (see [`crate::ConFig`]).
/// The second moment of pseudo-gradients above `2^400` (about `1e120`) is kept with a power-of-two
/// exponent in the state (`second_exponent`, saved only when not 0), where conflictfree's
/// squares overflow to infinity and give a zero step.
/// `losses` are not used (conflictfree's `MomentumLossRecorder` is broken and no shipped
/// weight model reads losses). conflictfree's `SeparateMomentumOperator` (broken upstream) is
/// not provided.
#[derive(Clone, Debug)]
pub struct MConFig {
    params: MConFigParams,
    state: Option<State>,
}

impl MConFig {
    /// Validates `params`.
    pub fn new(params: MConFigParams) -> std::result::Result<Self, ParamsError> {
        params.validate_for(M_CONFIG_INFO.name)?;
        Ok(Self {
            params,
            state: None,
        })
    }

    /// Reads `beta1`, `beta2`, `eps`, `rows_per_step` and ConFIG's `weights`, `length`,
    /// `track_id` and `solver`, then rejects unknown keys.
    pub fn from_options(options: &Options) -> std::result::Result<Self, ParamsError> {
        Self::new(MConFigParams::read(M_CONFIG_INFO.name, options)?)
    }

    /// The parameters.
    pub fn params(&self) -> &MConFigParams {
        &self.params
    }

    /// One step in which only the objectives in `rows_updated` were back-propagated: their
    /// rows of `input.jacobian` (m×n) are read and must be finite; the other rows are ignored
    /// (they may hold anything, e.g. stale values or zeros). An index may appear twice (its
    /// momentum is then updated twice, as conflictfree does).
    pub fn aggregate_partial(
        &mut self,
        input: &StepInput<'_>,
        rows_updated: &[usize],
    ) -> Result<Aggregation> {
        let j = input.jacobian;
        let (m, n) = (j.n_rows(), j.n_cols());
        if m == 0 {
            return Err(Error::DimensionMismatch {
                what: "Jacobian rows (objectives)",
                expected: 1,
                got: 0,
            });
        }
        for &r in rows_updated {
            if r >= m {
                return Err(Error::DimensionMismatch {
                    what: "m-config updated row index (must be below n_obj)",
                    expected: m,
                    got: r,
                });
            }
            if let Some(k) = j.row(r).iter().position(|v| !v.is_finite()) {
                return Err(Error::NonFinite {
                    what: "the Jacobian",
                    index: r * n + k,
                });
            }
        }
        if self
            .state
            .as_ref()
            .is_none_or(|s| s.momenta.len() != m || s.n_var != n)
        {
            self.state = Some(State::new(m, n));
        }
        let p = &self.params;
        let state = self.state.as_mut().expect("just set");
        for &r in rows_updated {
            state.seen[r] += 1;
            for (mk, gk) in state.momenta[r].iter_mut().zip(j.row(r)) {
                *mk = p.beta1 * *mk + (1.0 - p.beta1) * gk;
            }
        }
        if state.seen.contains(&0) {
            return Ok(Aggregation::from_direction(vec![0.0; n]));
        }
        state.t += 1;
        let mut corrected = Vec::with_capacity(m * n);
        for (mi, &ti) in state.momenta.iter().zip(&state.seen) {
            let c = 1.0 - p.beta1.powf(ti as f64);
            corrected.extend(mi.iter().map(|v| v / c));
        }
        let corrected =
            tradeoff_pareto::Matrix::from_vec(m, n, corrected).expect("m momenta of length n");
        let (gc, _) = config_direction(&corrected, &p.config)?;
        let t = state.t as f64;
        let bc1 = 1.0 - p.beta1.powf(t);
        let bc2 = 1.0 - p.beta2.powf(t);
        let mut fake_grads = vec![0.0; n];
        for k in 0..n {
            let fake_m = gc[k] * bc1;
            fake_grads[k] = (fake_m - p.beta1 * state.fake_m[k]) / (1.0 - p.beta1);
            state.fake_m[k] = fake_m;
        }
        // Squares of pseudo-gradients above 2^400 would overflow: raise the exponent E of the
        // stored second moment (exactly, by a power of two) so that they fit.
        if let Some(k) = rescale_exponent(&fake_grads) {
            let needed = -k;
            if needed > state.second_exponent && needed > 400 {
                let shift = -2 * (needed - state.second_exponent);
                for v in &mut state.second {
                    *v = times_power_of_two(*v, shift);
                }
                state.second_exponent = needed;
            }
        }
        let e = state.second_exponent;
        let mut out = vec![0.0; n];
        for k in 0..n {
            let fake_grad = times_power_of_two(fake_grads[k], -e);
            state.second[k] = p.beta2 * state.second[k] + (1.0 - p.beta2) * fake_grad * fake_grad;
            let s_hat = state.second[k] / bc2;
            out[k] = gc[k] / (times_power_of_two(s_hat.sqrt(), e) + p.eps);
        }
        Ok(Aggregation::from_direction(out))
    }
}

crate::method::entry::display_as!(MConFig);

impl Aggregator for MConFig {
    fn aggregate(&mut self, input: &StepInput<'_>) -> Result<Aggregation> {
        let m = input.n_obj();
        let k = self.params.rows_per_step;
        if k == 0 || k >= m {
            let all: Vec<usize> = (0..m).collect();
            return self.aggregate_partial(input, &all);
        }
        let start = self
            .state
            .as_ref()
            .filter(|s| s.momenta.len() == m && s.n_var == input.n_var())
            .map_or(0, |s| s.cursor);
        let rows: Vec<usize> = (0..k).map(|i| (start + i) % m).collect();
        let out = self.aggregate_partial(input, &rows)?;
        if let Some(s) = self.state.as_mut() {
            s.cursor = (start + k) % m;
        }
        Ok(out)
    }

    fn reset(&mut self) {
        self.state = None;
    }

    /// With `rows_per_step = k` (`0 < k < m`), the `k` rows after the cursor, cyclically.
    fn rows_read(&self, n_obj: usize) -> Option<Vec<usize>> {
        let k = self.params.rows_per_step;
        if k == 0 || k >= n_obj {
            return None;
        }
        let start = self
            .state
            .as_ref()
            .filter(|s| s.momenta.len() == n_obj)
            .map_or(0, |s| s.cursor);
        Some((0..k).map(|i| (start + i) % n_obj).collect())
    }

    /// The momenta, how often each loss was seen, the second moment, the pseudo-momentum
    /// buffer, the step count and the rotation cursor (empty before the first call).
    fn save_state(&self) -> MethodState {
        let mut saved = MethodState::new();
        if let Some(state) = &self.state {
            saved.put_rows("momenta", &state.momenta);
            saved.put_integers("seen", &state.seen);
            saved.put_floats("second", &state.second);
            saved.put_floats("fake_m", &state.fake_m);
            if state.second_exponent != 0 {
                saved.put_integers("second_exponent", &[state.second_exponent as u64]);
            }
            saved.put_integers(
                "counters",
                &[state.n_var as u64, state.t, state.cursor as u64],
            );
        }
        saved
    }

    fn load_state(&mut self, saved: &MethodState) -> Result<()> {
        if saved.is_empty() {
            self.state = None;
            return Ok(());
        }
        let counters = saved.integers("counters")?;
        let &[n_var, t, cursor] = counters else {
            return Err(crate::error::Error::InvalidState {
                reason: format!(
                    "'counters' holds {} words, M-ConFIG saves 3",
                    counters.len()
                ),
            });
        };
        self.state = Some(State {
            n_var: n_var as usize,
            momenta: saved.rows("momenta")?,
            seen: saved.integers("seen")?.to_vec(),
            second: saved.floats("second")?.to_vec(),
            second_exponent: match saved.integers.get("second_exponent").map(Vec::as_slice) {
                None => 0,
                Some(&[e]) if e <= 1100 => e as i32,
                Some(other) => {
                    return Err(crate::error::Error::InvalidState {
                        reason: format!(
                            "'second_exponent' must be one number in [0, 1100], got {other:?}"
                        ),
                    });
                }
            },
            fake_m: saved.floats("fake_m")?.to_vec(),
            t,
            cursor: cursor as usize,
        });
        Ok(())
    }

    crate::method::entry::info_is!(M_CONFIG_INFO);
}

/// The registry row.
pub static M_CONFIG_INFO: MethodInfo = MethodInfo::new("m-config", "M-ConFIG", Family::Aggregator)
.cite("Liu, Chu & Thuerey, ConFIG: Towards Conflict-free Training of Physics Informed Neural Networks, ICLR 2025 (arXiv:2408.11104), M-ConFIG")
.stateful()
.options(MConFigParams::OPTIONS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_validation() {
        for (edit, field) in [
            (
                (|p: &mut MConFigParams| p.beta1 = 1.0) as fn(&mut MConFigParams),
                "beta1",
            ),
            (|p: &mut MConFigParams| p.beta2 = -0.1, "beta2"),
            (|p: &mut MConFigParams| p.eps = 0.0, "eps"),
        ] {
            let mut p = MConFigParams::default();
            edit(&mut p);
            assert!(
                matches!(MConFig::new(p).unwrap_err(), ParamsError::Invalid { name, .. } if name == field)
            );
        }
        let o = Options::new()
            .with("rows_per_step", 1)
            .with("length", "min");
        assert_eq!(MConFig::from_options(&o).unwrap().params().rows_per_step, 1);
        assert!(MConFig::from_options(&Options::new().with("seed", 1)).is_err());
    }

    #[test]
    fn send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<MConFig>();
    }
}
