//! Helpers shared by the Gramian-weighted aggregators (TorchJD's `GramianWeightedAggregator`:
//! `G = JJᵀ`, `w = W(G)`, `d = Jᵀw`).

pub(crate) mod aligned_mtl;
pub(crate) mod basic;
pub(crate) mod cagrad;
pub(crate) mod dualproj;
pub(crate) mod fairgrad;
pub(crate) mod imtl_g;
pub(crate) mod mgda;
pub(crate) mod nash_mtl;
pub(crate) mod random;
pub(crate) mod upgrad;

use tradeoff_pareto::Matrix;

use crate::aggregator::{Aggregation, Diagnostics, StepInput};
use crate::error::{Error, ParamsError, Result};
use crate::linalg::{SolveStats, combine};
use crate::method::registry::MethodEntry;

/// `d = Jᵀw` with the blocked SIMD kernel, keeping `w` and the diagnostics.
pub(crate) fn weighted(
    jacobian: &Matrix,
    weights: Vec<f64>,
    diagnostics: Diagnostics,
) -> Aggregation {
    Aggregation {
        direction: combine(jacobian, &weights),
        weights: Some(weights),
        diagnostics,
    }
}

/// Inner-solver statistics as step diagnostics.
pub(crate) fn diagnostics(stats: SolveStats) -> Diagnostics {
    Diagnostics {
        inner_iters: stats.iterations,
        converged: stats.converged,
        residual: stats.residual,
    }
}

/// The vector `u` of TorchJD's `pref_vector`: the method's own option when set, else the step's
/// preference, else uniform `1/m`. Neither is normalised.
pub(crate) fn preference_vector(option: Option<&[f64]>, input: &StepInput<'_>) -> Result<Vec<f64>> {
    let m = input.n_obj();
    match option.or(input.preference) {
        Some(p) if p.len() != m => Err(Error::DimensionMismatch {
            what: if option.is_some() {
                "pref option length (n_obj)"
            } else {
                "preference length (n_obj)"
            },
            expected: m,
            got: p.len(),
        }),
        Some(p) => Ok(p.to_vec()),
        None => Ok(vec![1.0 / m as f64; m]),
    }
}

/// Validates an optional `pref` option: finite, non-negative, positive sum.
pub(crate) fn check_pref(
    method: &'static str,
    pref: Option<&[f64]>,
) -> std::result::Result<(), ParamsError> {
    if let Some(p) = pref {
        if p.is_empty()
            || p.iter().any(|v| !v.is_finite() || *v < 0.0)
            || p.iter().sum::<f64>() <= 0.0
        {
            return Err(ParamsError::Invalid {
                method,
                name: "pref",
                rule: "must be non-empty, finite and non-negative with a positive sum",
                got: format!("{p:?}"),
            });
        }
    }
    Ok(())
}

/// Checks a number against a rule, for `Params::validate`.
pub(crate) fn check(
    method: &'static str,
    name: &'static str,
    value: f64,
    ok: bool,
    rule: &'static str,
) -> std::result::Result<(), ParamsError> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(ParamsError::Invalid {
            method,
            name,
            rule,
            got: value.to_string(),
        })
    }
}

macro_rules! entry {
    ($info:expr, $ty:ty) => {
        MethodEntry {
            info: &$info,
            build: |options| Ok(Box::new(<$ty>::from_options(options)?)),
        }
    };
}

/// Registry rows of the fixed and Gramian-weighted aggregators.
pub(crate) const ENTRIES: &[MethodEntry] = &[
    entry!(
        crate::aggregator::weighting::basic::MEAN_INFO,
        crate::aggregator::weighting::basic::Mean
    ),
    entry!(
        crate::aggregator::weighting::basic::SUM_INFO,
        crate::aggregator::weighting::basic::Sum
    ),
    entry!(
        crate::aggregator::weighting::random::RANDOM_INFO,
        crate::aggregator::weighting::random::Random
    ),
    entry!(
        crate::aggregator::weighting::mgda::MGDA_INFO,
        crate::aggregator::weighting::mgda::Mgda
    ),
    entry!(
        crate::aggregator::weighting::upgrad::UPGRAD_INFO,
        crate::aggregator::weighting::upgrad::UpGrad
    ),
    entry!(
        crate::aggregator::weighting::dualproj::DUALPROJ_INFO,
        crate::aggregator::weighting::dualproj::DualProj
    ),
    entry!(
        crate::aggregator::weighting::cagrad::CAGRAD_INFO,
        crate::aggregator::weighting::cagrad::CaGrad
    ),
    entry!(
        crate::aggregator::weighting::imtl_g::IMTL_G_INFO,
        crate::aggregator::weighting::imtl_g::ImtlG
    ),
    entry!(
        crate::aggregator::weighting::aligned_mtl::ALIGNED_MTL_INFO,
        crate::aggregator::weighting::aligned_mtl::AlignedMtl
    ),
    entry!(
        crate::aggregator::weighting::nash_mtl::NASH_MTL_INFO,
        crate::aggregator::weighting::nash_mtl::NashMtl
    ),
    entry!(
        crate::aggregator::weighting::fairgrad::FAIRGRAD_INFO,
        crate::aggregator::weighting::fairgrad::FairGrad
    ),
];
