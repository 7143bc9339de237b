//! Finding methods by name in the table and building them: one aggregator
//! ([`build_method`]) or the step rule of a whole run ([`build_rule`]).

use tradeoff_pareto::Matrix;

use crate::aggregator::{Aggregator, MethodInfo};
use crate::error::{Error, Result};
use crate::method::entry::{Constructor, MethodEntry};
use crate::method::options::{BuildContext, Options};
use crate::method::table::METHODS;
use crate::run::{PerPreference, StepRule};

/// Every method of the table (aggregators and set-level rules), in the order `list solvers`
/// shows them.
pub fn all_methods() -> &'static [MethodEntry] {
    METHODS
}

/// The aggregators (every method but the set-level rules), in table order.
pub fn method_entries() -> Vec<MethodEntry> {
    METHODS
        .iter()
        .filter(|e| e.is_aggregator())
        .copied()
        .collect()
}

/// The set-level rules, in table order.
pub fn set_level_entries() -> Vec<MethodEntry> {
    METHODS
        .iter()
        .filter(|e| !e.is_aggregator())
        .copied()
        .collect()
}

/// Every method's description, in table order.
pub fn all_method_infos() -> Vec<&'static MethodInfo> {
    METHODS.iter().map(|e| e.info).collect()
}

/// The table row for `name` (case-insensitive), set-level rules included.
///
/// # Errors
/// [`Error::UnknownMethod`] listing every name.
pub fn find_method(name: &str) -> Result<MethodEntry> {
    let lower = name.trim().to_ascii_lowercase();
    METHODS
        .iter()
        .find(|e| e.info.name == lower)
        .copied()
        .ok_or_else(|| Error::UnknownMethod {
            name: name.to_string(),
            known: METHODS
                .iter()
                .map(|e| e.info.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Builds the aggregator `name` with `options` and no run context.
///
/// # Errors
/// [`Error::UnknownMethod`], [`Error::SetLevelMethod`] for a set-level rule, and the method's
/// option errors.
pub fn build_method(name: &str, options: &Options) -> Result<Box<dyn Aggregator>> {
    find_method(name)?.build(options)
}

/// The step rule for the method `name` (case-insensitive) with `options`, for the preference set
/// `preferences` (`K × n_obj`):
/// - a set-level rule (`hvgrad`, `moo-svgd`, `uniform`) as it is;
/// - an aggregator whose options ask for a whole-set rule (`pmtl` with `switch=libmoon`:
///   [`PmtlSet`](crate::PmtlSet)) that rule;
/// - any other aggregator: one instance per preference row ([`PerPreference`]).
///
/// # Errors
/// [`Error::UnknownMethod`] (listing every name) and the method's option errors.
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
    build_rule_in(
        name,
        options,
        &BuildContext::none().with_preferences(preferences),
    )
}

/// [`build_rule`] for a run of `iters` iterations: methods whose defaults depend on the run's
/// length (ParetoMTL's warm-up, a fifth of `iters`) get it unless `options` set it.
///
/// # Errors
/// As [`build_rule`].
pub fn build_run_rule(
    name: &str,
    options: &Options,
    preferences: &Matrix,
    iters: usize,
) -> Result<Box<dyn StepRule>> {
    build_rule_in(name, options, &BuildContext::run(preferences, iters))
}

/// [`build_rule`] in an explicit context (which must hold the preference set).
///
/// # Errors
/// As [`build_rule`]; [`Error::MissingInput`] when the context has no preference set.
pub fn build_rule_in(
    name: &str,
    options: &Options,
    context: &BuildContext<'_>,
) -> Result<Box<dyn StepRule>> {
    let entry = find_method(name)?;
    match entry.constructor {
        Constructor::SetLevel(build) => build(options, context),
        Constructor::Weighting(_) => Ok(Box::new(PerPreference::from_entry(
            &entry, options, context,
        )?)),
        Constructor::Aggregator { set_rule, .. } => {
            if let Some(set_rule) = set_rule {
                if let Some(rule) = set_rule(options, context)? {
                    return Ok(rule);
                }
            }
            Ok(Box::new(PerPreference::from_entry(
                &entry, options, context,
            )?))
        }
    }
}
