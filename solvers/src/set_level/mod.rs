//! Set-level step rules: methods that move the whole set of `K` solutions together.
//!
//! | CLI name | type | what couples the rows |
//! |---|---|---|
//! | `hvgrad` | [`HvGrad`] | ascent on the exact hypervolume of the set (any number of objectives) |
//! | `moo-svgd` | [`MooSvgd`] | an RBF kernel between the objective vectors (Stein repulsion) |
//! | `uniform` | [`Uniform`] | preferences adapted to maximise the front's minimum pairwise distance |
//!
//! Every other registry name (scalarizations, aggregators, EPO, PMGDA, ParetoMTL, ...) runs one
//! aggregator per preference through [`PerPreference`](crate::PerPreference);
//! [`build_rule`](crate::build_rule) picks the right one, so
//! `solve --solver NAME` and `compare --solvers a,b` need no special cases. Two names need a note:
//!
//! - **ParetoMTL with `switch=libmoon`** becomes a [`PmtlSet`]: LibMOON's current code leaves the
//!   first stage only once *every* subproblem of the set finds no active sector constraint in the
//!   same iteration, which one aggregator per row cannot see. (Through
//!   [`solve_with_method`](crate::solve_with_method) the same option switches each row on its own.)
//! - **The random-weights baseline** is the registry's `random` aggregator (RLW: fresh
//!   Dirichlet(1) weights per row and step, `d_k = J_kᵀw`, seeded per row). LibMOON's `Random`
//!   core draws `U(0, 1)^m` per step and (at its HEAD) does not normalise them; the Dirichlet
//!   weights are those uniform draws normalised onto the simplex up to the distribution
//!   (exponential rather than uniform entries), so `random` covers it and no separate name is
//!   added.
//!
//! The set-level methods take their options as `key=value` text like the aggregators; unknown
//! keys are errors. Their names are case-insensitive.

mod hvgrad;
mod pmtl_set;
mod svgd;
mod uniform;

pub use hvgrad::{HVGRAD_INFO, HvGrad, HvGradParams, HvReference};
pub use pmtl_set::PmtlSet;
pub use svgd::{MOO_SVGD_INFO, MooSvgd, MooSvgdParams, SvgdDrive, SvgdKernel};
pub use uniform::{FrontModel, UNIFORM_INFO, Uniform, UniformParams, UniformSolver};

use crate::error::{Error, Result};

// ------------------------------------------------------------------------------------------
// Small helpers shared by the set-level rules.

pub(crate) use crate::linalg::dot;

/// `out += c · v`.
pub(crate) fn axpy(out: &mut [f64], c: f64, v: &[f64]) {
    if c != 0.0 {
        for (o, x) in out.iter_mut().zip(v) {
            *o += c * x;
        }
    }
}

/// `‖a − b‖²`.
pub(crate) fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Checks that the directions' batch matches the context and that the objectives have `n_obj`
/// columns; returns `(K, n_obj, n_var)`.
pub(crate) fn batch_shape(ctx: &crate::run::StepContext<'_>) -> Result<(usize, usize, usize)> {
    let (k, m, n) = ctx.jacobians.shape();
    if ctx.objectives.shape() != (k, m) {
        return Err(Error::DimensionMismatch {
            what: "objective rows (one per Jacobian)",
            expected: k,
            got: ctx.objectives.n_rows(),
        });
    }
    if let Some(index) = ctx
        .objectives
        .as_slice()
        .iter()
        .position(|v| !v.is_finite())
    {
        return Err(Error::NonFinite {
            what: "the objectives",
            index,
        });
    }
    Ok((k, m, n))
}
