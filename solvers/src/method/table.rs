//! The method table: every method the crate offers, in the order `list solvers` shows them.
//! This is the one file that names every method; adding one is one line here (and its file).

use crate::aggregator::preference::epo::{EPO_INFO, Epo};
use crate::aggregator::preference::pmgda::{PMGDA_INFO, Pmgda};
use crate::aggregator::preference::pmtl::{PMTL_INFO, ParetoMtl};
use crate::aggregator::projection::con_fig::{CONFIG_INFO, ConFig};
use crate::aggregator::projection::graddrop::{GRADDROP_INFO, GradDrop};
use crate::aggregator::projection::gradvac::{GRADVAC_INFO, GradVac};
use crate::aggregator::projection::m_con_fig::{M_CONFIG_INFO, MConFig};
use crate::aggregator::projection::pcgrad::{PCGRAD_INFO, PcGrad};
use crate::aggregator::weighting::aligned_mtl::{ALIGNED_MTL_INFO, AlignedMtl};
use crate::aggregator::weighting::basic::{MEAN_INFO, Mean, SUM_INFO, Sum};
use crate::aggregator::weighting::cagrad::{CAGRAD_INFO, CaGrad};
use crate::aggregator::weighting::dualproj::{DUALPROJ_INFO, DualProj};
use crate::aggregator::weighting::fairgrad::{FAIRGRAD_INFO, FairGrad};
use crate::aggregator::weighting::imtl_g::{IMTL_G_INFO, ImtlG};
use crate::aggregator::weighting::mgda::{MGDA_INFO, Mgda};
use crate::aggregator::weighting::nash_mtl::{NASH_MTL_INFO, NashMtl};
use crate::aggregator::weighting::random::{RANDOM_INFO, Random};
use crate::aggregator::weighting::upgrad::{UPGRAD_INFO, UpGrad};
use crate::method::entry::MethodEntry;
use crate::scalarization::{Scalarization, ScalarizationKind as Kind};
use crate::set_level::{
    HVGRAD_INFO, HvGrad, MOO_SVGD_INFO, MooSvgd, PmtlSet, UNIFORM_INFO, Uniform,
};

/// An aggregator row from `|options, context| constructor`.
macro_rules! aggregator {
    ($info:expr, |$o:ident, $c:pat_param| $make:expr) => {
        MethodEntry::aggregator(&$info, |$o, $c| Ok(Box::new($make?)))
    };
}

/// A scalarization row.
macro_rules! scalarization {
    ($kind:expr) => {
        MethodEntry::aggregator($kind.info(), |o, _| {
            Ok(Box::new(Scalarization::from_options($kind, o)?))
        })
    };
}

/// A set-level row.
macro_rules! set_level {
    ($info:expr, |$o:ident, $c:pat_param| $make:expr) => {
        MethodEntry::set_level(&$info, |$o, $c| Ok(Box::new($make?)))
    };
}

/// Every method, in the order `list solvers` shows them.
pub static METHODS: &[MethodEntry] = &[
    scalarization!(Kind::Ls),
    scalarization!(Kind::Tche),
    scalarization!(Kind::MTche),
    scalarization!(Kind::Pbi),
    scalarization!(Kind::Cosmos),
    scalarization!(Kind::InvAgg),
    scalarization!(Kind::STche),
    scalarization!(Kind::SmTche),
    scalarization!(Kind::Aasf),
    scalarization!(Kind::PNorm),
    aggregator!(MEAN_INFO, |o, _| Mean::from_options(o)),
    aggregator!(SUM_INFO, |o, _| Sum::from_options(o)),
    aggregator!(RANDOM_INFO, |o, c| Random::from_options_in(o, c)),
    aggregator!(MGDA_INFO, |o, _| Mgda::from_options(o)),
    aggregator!(UPGRAD_INFO, |o, _| UpGrad::from_options(o)),
    aggregator!(DUALPROJ_INFO, |o, _| DualProj::from_options(o)),
    aggregator!(CAGRAD_INFO, |o, _| CaGrad::from_options(o)),
    aggregator!(IMTL_G_INFO, |o, _| ImtlG::from_options(o)),
    aggregator!(ALIGNED_MTL_INFO, |o, _| AlignedMtl::from_options(o)),
    aggregator!(NASH_MTL_INFO, |o, _| NashMtl::from_options(o)),
    aggregator!(FAIRGRAD_INFO, |o, _| FairGrad::from_options(o)),
    aggregator!(EPO_INFO, |o, _| Epo::from_options(o)),
    aggregator!(PMGDA_INFO, |o, _| Pmgda::from_options(o)),
    MethodEntry::aggregator_or_set(
        &PMTL_INFO,
        |o, c| Ok(Box::new(ParetoMtl::from_options_in(o, c)?)),
        PmtlSet::build_if_wanted,
    ),
    aggregator!(PCGRAD_INFO, |o, _| PcGrad::from_options(o)),
    aggregator!(GRADVAC_INFO, |o, c| GradVac::from_options_in(o, c)),
    aggregator!(GRADDROP_INFO, |o, c| GradDrop::from_options_in(o, c)),
    aggregator!(CONFIG_INFO, |o, _| ConFig::from_options(o)),
    aggregator!(M_CONFIG_INFO, |o, _| MConFig::from_options(o)),
    set_level!(HVGRAD_INFO, |o, _| HvGrad::from_options(o)),
    set_level!(MOO_SVGD_INFO, |o, _| MooSvgd::from_options(o)),
    set_level!(UNIFORM_INFO, |o, c| Uniform::from_options(
        o,
        c.require_preferences()?
    )),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregator::gramian_weighted::NoParams;
    use crate::aggregator::weighting::{
        aligned_mtl::AlignedMtlParams, cagrad::CaGradParams, fairgrad::FairGradParams,
        mgda::MgdaParams, nash_mtl::NashMtlParams, random::RandomParams, upgrad::UpGradParams,
    };

    #[test]
    fn method_types_are_send_sync_and_unpin() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<Mean>();
        check::<Sum>();
        check::<Random>();
        check::<Mgda>();
        check::<UpGrad>();
        check::<DualProj>();
        check::<CaGrad>();
        check::<ImtlG>();
        check::<AlignedMtl>();
        check::<NashMtl>();
        check::<FairGrad>();
        check::<Epo>();
        check::<Pmgda>();
        check::<ParetoMtl>();
        check::<PcGrad>();
        check::<GradVac>();
        check::<GradDrop>();
        check::<ConFig>();
        check::<MConFig>();
        check::<Scalarization>();
        check::<NoParams>();
        check::<AlignedMtlParams>();
        check::<CaGradParams>();
        check::<FairGradParams>();
        check::<MgdaParams>();
        check::<NashMtlParams>();
        check::<RandomParams>();
        check::<UpGradParams>();
    }

    #[test]
    fn names_are_unique_lower_case_kebab() {
        let mut names: Vec<&str> = METHODS.iter().map(|e| e.info.name).collect();
        for name in &names {
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), METHODS.len());
    }
}
