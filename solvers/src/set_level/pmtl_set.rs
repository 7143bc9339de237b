//! ParetoMTL with LibMOON's whole-set stage switch.

use tradeoff_pareto::Matrix;

use crate::aggregator::preference::pmtl::{
    PMTL_INFO, ParetoMtl, PmtlParams, PmtlStage, PmtlSwitch,
};
use crate::aggregator::{Aggregator, StepInput, aggregate};
use crate::error::{Error, Result};
use crate::method::options::{BuildContext, Options};
use crate::method::state::MethodState;
use crate::run::{StepContext, StepRule};

/// ParetoMTL over a preference set, leaving stage 1 the way LibMOON's current code does: once
/// **every** subproblem finds no active sector constraint in the same iteration (sticky).
///
/// LibMOON `pmtl_solver.py::PMTLCore.get_alpha_array` (HEAD): while `stage1_finish` is false
/// every subproblem takes its stage-1 step, and `stage1_finish` becomes `all(A_k = ∅)`; the
/// iteration that finds it still uses the stage-1 weights (all zero), the next one starts stage
/// 2. The paper (and LibMOON's paper-era code) uses a fixed warm-up of a fifth of the
/// iterations instead: that is the `pmtl` aggregator's default, and `switch=libmoon` on the
/// aggregator alone switches each subproblem on its own. [`build_rule`](crate::build_rule)
/// returns this rule for `pmtl` with `switch=libmoon`.
///
/// Row `k` follows preference `k` of the set; the preference set is the driver's unless the
/// option `prefs` gives one. The options are those of [`ParetoMtl`]; `iters` and `warmup` have
/// no effect here.
///
/// Cost: that of `K` ParetoMTL steps.
#[derive(Debug)]
pub struct PmtlSet {
    rows: Vec<ParetoMtl>,
    jacobian: Matrix,
}

impl PmtlSet {
    /// Whether `options` ask for LibMOON's switch (`switch=libmoon`).
    pub(crate) fn wanted(options: &Options) -> Result<bool> {
        Ok(options.value(PMTL_INFO.name, "switch")? == Some(PmtlSwitch::LibMoon))
    }

    /// The rule when `options` ask for LibMOON's whole-set switch, else `None` (the method
    /// table's whole-set constructor for `pmtl`).
    ///
    /// # Errors
    /// As [`PmtlSet::from_options`]; [`Error::MissingInput`] without a preference set.
    pub(crate) fn build_if_wanted(
        options: &Options,
        context: &BuildContext<'_>,
    ) -> Result<Option<Box<dyn StepRule>>> {
        if Self::wanted(options)? {
            let preferences = context.require_preferences()?;
            Ok(Some(Box::new(Self::from_options(options, preferences)?)))
        } else {
            Ok(None)
        }
    }

    /// One [`ParetoMtl`] per row of `preferences` (`K × n_obj`), parsed from `options` as the
    /// aggregator parses them.
    ///
    /// # Errors
    /// The aggregator's option errors; a preference set (`prefs`) with fewer than `K` rows.
    pub fn from_options(options: &Options, preferences: &Matrix) -> Result<Self> {
        let parsed = ParetoMtl::from_options(options)?;
        let mut params: PmtlParams = parsed.params().clone();
        if params.prefs.is_empty() {
            params.prefs = preferences.to_rows();
        }
        if params.prefs.len() < preferences.n_rows() {
            return Err(Error::DimensionMismatch {
                what: "pmtl preference-set rows (at least K)",
                expected: preferences.n_rows(),
                got: params.prefs.len(),
            });
        }
        // Stage 1 never ends by itself: the set decides.
        params.switch = PmtlSwitch::Warmup;
        params.iters = usize::MAX;
        params.warmup = Some(usize::MAX);
        let rows = (0..preferences.n_rows())
            .map(|k| {
                ParetoMtl::new(PmtlParams {
                    index: Some(k),
                    ..params.clone()
                })
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Self {
            rows,
            jacobian: Matrix::zeros(0, 0),
        })
    }

    /// The stage the set is in.
    pub fn stage(&self) -> PmtlStage {
        self.rows.first().map_or(PmtlStage::Init, ParetoMtl::stage)
    }

    /// The per-row ParetoMTL aggregators.
    pub fn rows(&self) -> &[ParetoMtl] {
        &self.rows
    }
}

impl StepRule for PmtlSet {
    fn name(&self) -> &str {
        PMTL_INFO.name
    }

    fn directions(&mut self, ctx: &StepContext<'_>) -> Result<Matrix> {
        let (k, m, n) = ctx.jacobians.shape();
        if self.rows.len() != k {
            return Err(Error::DimensionMismatch {
                what: "pmtl rows (one per preference)",
                expected: self.rows.len(),
                got: k,
            });
        }
        if self.jacobian.shape() != (m, n) {
            self.jacobian = Matrix::zeros(m, n);
        }
        let mut out = Matrix::zeros(k, n);
        for (p, row) in self.rows.iter_mut().enumerate() {
            self.jacobian
                .as_mut_slice()
                .copy_from_slice(ctx.jacobians.point(p));
            let input = StepInput::new(&self.jacobian)
                .with_losses(ctx.objectives.row(p))
                .with_preference(ctx.preferences.row(p));
            let a = aggregate(row as &mut dyn Aggregator, &input)?;
            out.row_mut(p).copy_from_slice(&a.direction);
        }
        if self.stage() == PmtlStage::Init && self.rows.iter().all(|r| r.last_active() == Some(0)) {
            for row in &mut self.rows {
                row.enter_stage2();
            }
        }
        Ok(out)
    }

    fn reset(&mut self) {
        for row in &mut self.rows {
            row.reset();
        }
    }

    /// Each row's state under `row{k}`.
    fn save_state(&self) -> MethodState {
        let mut state = MethodState::new();
        for (k, row) in self.rows.iter().enumerate() {
            state.insert_nested(&format!("row{k}"), row.save_state());
        }
        state
    }

    fn load_state(&mut self, state: &MethodState) -> Result<()> {
        for (k, row) in self.rows.iter_mut().enumerate() {
            row.load_state(&state.nested(&format!("row{k}")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradeoff_problems::JacobianBatch;

    #[test]
    fn switches_only_when_every_row_is_inside_its_sector() {
        let prefs = Matrix::from_rows(&[[0.9, 0.1], [0.1, 0.9]]).unwrap();
        let mut rule =
            PmtlSet::from_options(&Options::new().with("switch", "libmoon"), &prefs).unwrap();
        let mut jac = JacobianBatch::zeros(2, 2, 2);
        for p in 0..2 {
            jac.set(p, 0, 0, 1.0);
            jac.set(p, 1, 1, 1.0);
        }
        let x = Matrix::zeros(2, 2);
        // Row 0 sits on its ray; row 1 sits on row 0's side: it has an active constraint.
        let f = Matrix::from_rows(&[[0.9, 0.1], [0.8, 0.2]]).unwrap();
        let ctx = StepContext {
            iteration: 0,
            max_iters: 10,
            x: &x,
            objectives: &f,
            jacobians: &jac,
            preferences: &prefs,
        };
        let d = rule.directions(&ctx).unwrap();
        assert_eq!(d.row(0), &[0.0, 0.0]);
        assert_ne!(d.row(1), &[0.0, 0.0]);
        assert_eq!(rule.stage(), PmtlStage::Init);
        let f = Matrix::from_rows(&[[0.9, 0.1], [0.1, 0.9]]).unwrap();
        let ctx = StepContext {
            objectives: &f,
            ..ctx
        };
        let d = rule.directions(&ctx).unwrap();
        assert_eq!(d.as_slice(), &[0.0; 4]);
        assert_eq!(rule.stage(), PmtlStage::Constrained);
        rule.reset();
        assert_eq!(rule.stage(), PmtlStage::Init);
    }
}
