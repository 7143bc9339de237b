//! Set-level step rules: methods that move the whole set of `K` solutions together, and the one
//! builder that turns any method name into a [`StepRule`].
//!
//! | CLI name | type | what couples the rows |
//! |---|---|---|
//! | `hvgrad` | [`HvGrad`] | ascent on the exact hypervolume of the set (any number of objectives) |
//! | `moo-svgd` | [`MooSvgd`] | an RBF kernel between the objective vectors (Stein repulsion) |
//! | `uniform` | [`Uniform`] | preferences adapted to maximise the front's minimum pairwise distance |
//!
//! Every other registry name (scalarizations, aggregators, EPO, PMGDA, ParetoMTL, ...) runs one
//! aggregator per preference through [`PerPreference`]; [`build_rule`] picks the right one, so
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

use tradeoff_pareto::Matrix;
use tradeoff_problems::Problem;

use crate::aggregator::MethodInfo;
use crate::error::{Error, Result};
use crate::method::options::Options;
use crate::method::registry::{find_method, method_entries};
use crate::run::{DriverConfig, PerPreference, SolveResult, StepRule, solve};

/// One set-level method: its description and its constructor from options and the preference
/// set (`K × n_obj`; set-level methods take `K` and, for `uniform`, the initial preferences
/// from it).
#[derive(Clone, Copy)]
pub struct SetLevelEntry {
    /// The method's static description (family [`Family::SetLevel`](crate::Family::SetLevel)).
    pub info: &'static MethodInfo,
    /// Builds the rule (defaults for absent keys; unknown keys are an error).
    pub build: fn(&Options, &Matrix) -> Result<Box<dyn StepRule>>,
}

impl std::fmt::Debug for SetLevelEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetLevelEntry")
            .field("name", &self.info.name)
            .finish_non_exhaustive()
    }
}

fn build_hvgrad(options: &Options, _preferences: &Matrix) -> Result<Box<dyn StepRule>> {
    Ok(Box::new(HvGrad::from_options(options)?))
}

fn build_svgd(options: &Options, _preferences: &Matrix) -> Result<Box<dyn StepRule>> {
    Ok(Box::new(MooSvgd::from_options(options)?))
}

fn build_uniform(options: &Options, preferences: &Matrix) -> Result<Box<dyn StepRule>> {
    Ok(Box::new(Uniform::from_options(options, preferences)?))
}

/// The set-level methods, in the order `list solvers` shows them.
pub fn set_level_entries() -> Vec<SetLevelEntry> {
    vec![
        SetLevelEntry {
            info: &HVGRAD_INFO,
            build: build_hvgrad,
        },
        SetLevelEntry {
            info: &MOO_SVGD_INFO,
            build: build_svgd,
        },
        SetLevelEntry {
            info: &UNIFORM_INFO,
            build: build_uniform,
        },
    ]
}

/// Every method [`build_rule`] knows: the aggregator registry ([`method_entries`]) followed by
/// the set-level methods.
pub fn all_method_infos() -> Vec<&'static MethodInfo> {
    method_entries()
        .iter()
        .map(|e| e.info)
        .chain(set_level_entries().iter().map(|e| e.info))
        .collect()
}

/// The step rule for the method `name` (case-insensitive) with `options`, for the preference set
/// `preferences` (`K × n_obj`):
/// - `hvgrad`, `moo-svgd`, `uniform`: the set-level rule;
/// - `pmtl` with `switch=libmoon`: a [`PmtlSet`] (LibMOON's whole-set stage switch);
/// - any other registry name: [`PerPreference::from_method`].
///
/// # Errors
/// [`Error::UnknownMethod`] (listing every name, set-level ones included) and the method's
/// option errors.
///
/// ```
/// use tradeoff_pareto::linspace;
/// use tradeoff_solvers::{Options, build_rule};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let prefs = linspace(8, 0.01)?;
/// assert_eq!(build_rule("HVGrad", &Options::new(), &prefs)?.name(), "hvgrad");
/// assert_eq!(build_rule("epo", &Options::new(), &prefs)?.name(), "epo");
/// assert!(build_rule("hvgrad", &Options::new().with("typo", 1), &prefs).is_err());
/// assert!(build_rule("no-such-method", &Options::new(), &prefs).is_err());
/// # Ok(()) }
/// ```
pub fn build_rule(
    name: &str,
    options: &Options,
    preferences: &Matrix,
) -> Result<Box<dyn StepRule>> {
    let lower = name.trim().to_ascii_lowercase();
    if let Some(entry) = set_level_entries()
        .into_iter()
        .find(|e| e.info.name == lower)
    {
        return (entry.build)(options, preferences);
    }
    match find_method(&lower) {
        Ok(entry) => {
            if entry.info.name == crate::aggregator::preference::pmtl::PMTL_INFO.name
                && PmtlSet::wanted(options)?
            {
                return Ok(Box::new(PmtlSet::from_options(options, preferences)?));
            }
            Ok(Box::new(PerPreference::from_method(
                &lower,
                options,
                preferences,
            )?))
        }
        Err(Error::UnknownMethod { .. }) => Err(Error::UnknownMethod {
            name: name.to_string(),
            known: all_method_infos()
                .iter()
                .map(|i| i.name)
                .collect::<Vec<_>>()
                .join(", "),
        }),
        Err(e) => Err(e),
    }
}

/// [`solve`] with the rule [`build_rule`] gives for `name`, `options` and `preferences`.
///
/// # Errors
/// As [`build_rule`] and [`solve`].
pub fn solve_with_rule_name(
    problem: &dyn Problem,
    name: &str,
    options: &Options,
    preferences: &Matrix,
    config: &DriverConfig,
) -> Result<SolveResult> {
    let mut rule = build_rule(name, options, preferences)?;
    solve(problem, rule.as_mut(), preferences, config)
}

// ------------------------------------------------------------------------------------------
// Small helpers shared by the set-level rules.

/// `Σ a_i b_i`.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

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

/// Reads the optional option `ref`: one number (broadcast) or one per objective.
pub(crate) fn reference_option(
    method: &'static str,
    options: &Options,
) -> std::result::Result<Option<Vec<f64>>, crate::error::ParamsError> {
    let values = options.f64_list(method, "ref")?;
    if let Some(v) = &values {
        if v.is_empty() {
            return Err(crate::error::ParamsError::Invalid {
                method,
                name: "ref",
                rule: "must hold one number or one per objective",
                got: String::new(),
            });
        }
    }
    Ok(values)
}
