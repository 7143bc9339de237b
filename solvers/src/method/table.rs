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
use crate::aggregator::weighting::aligned_mtl::{ALIGNED_MTL_INFO, AlignedMtlWeighting};
use crate::aggregator::weighting::basic::{MEAN_INFO, MeanWeighting, SUM_INFO, SumWeighting};
use crate::aggregator::weighting::cagrad::{CAGRAD_INFO, CaGradWeighting};
use crate::aggregator::weighting::dualproj::{DUALPROJ_INFO, DualProjWeighting};
use crate::aggregator::weighting::fairgrad::{FAIRGRAD_INFO, FairGradWeighting};
use crate::aggregator::weighting::imtl_g::{IMTL_G_INFO, ImtlGWeighting};
use crate::aggregator::weighting::loss_weighting::{
    db_mtl::{DB_MTL_INFO, DbMtl},
    dwa::{DWA_INFO, DwaWeighting},
    ew::{EW_INFO, EwWeighting},
    excess_mtl::{EXCESS_MTL_INFO, ExcessMtl},
    famo::{FAMO_INFO, FamoWeighting},
    gls::{GLS_INFO, GlsWeighting},
    gradnorm::{GRADNORM_INFO, GradNormWeighting},
    imtl::{IMTL_INFO, ImtlWeighting},
    lra::{LRA_INFO, Lra},
    minmax::{MINMAX_INFO, MinMaxWeighting},
    relobralo::{RELOBRALO_INFO, ReLoBRaLoWeighting},
    stch::{STCH_INFO, StchWeighting},
    uw::{UW_INFO, UwWeighting},
};
use crate::aggregator::weighting::mgda::{MGDA_INFO, MgdaWeighting};
use crate::aggregator::weighting::nash_mtl::{NASH_MTL_INFO, NashMtl};
use crate::aggregator::weighting::random::{RANDOM_INFO, Random};
use crate::aggregator::weighting::upgrad::{UPGRAD_INFO, UpGradWeighting};
use crate::method::entry::{MethodEntry, build_weighting};
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

/// A weighting row (its aggregator is `GramianWeighted` around it).
macro_rules! weighting {
    ($info:expr, $weighting:ty) => {
        MethodEntry::weighting(&$info, build_weighting::<$weighting>)
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
    weighting!(MEAN_INFO, MeanWeighting),
    weighting!(SUM_INFO, SumWeighting),
    MethodEntry::weighting(&RANDOM_INFO, |o, c| {
        Ok(Box::new(Random::from_options_in(o, c)?.into_weighting()))
    }),
    weighting!(MGDA_INFO, MgdaWeighting),
    weighting!(UPGRAD_INFO, UpGradWeighting),
    weighting!(DUALPROJ_INFO, DualProjWeighting),
    weighting!(CAGRAD_INFO, CaGradWeighting),
    weighting!(IMTL_G_INFO, ImtlGWeighting),
    weighting!(ALIGNED_MTL_INFO, AlignedMtlWeighting),
    aggregator!(NASH_MTL_INFO, |o, _| NashMtl::from_options(o)),
    weighting!(FAIRGRAD_INFO, FairGradWeighting),
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
    weighting!(EW_INFO, EwWeighting),
    weighting!(DWA_INFO, DwaWeighting),
    weighting!(UW_INFO, UwWeighting),
    weighting!(GLS_INFO, GlsWeighting),
    weighting!(FAMO_INFO, FamoWeighting),
    weighting!(STCH_INFO, StchWeighting),
    weighting!(GRADNORM_INFO, GradNormWeighting),
    weighting!(IMTL_INFO, ImtlWeighting),
    aggregator!(DB_MTL_INFO, |o, _| DbMtl::from_options(o)),
    aggregator!(EXCESS_MTL_INFO, |o, _| ExcessMtl::from_options(o)),
    aggregator!(LRA_INFO, |o, _| Lra::from_options(o)),
    weighting!(RELOBRALO_INFO, ReLoBRaLoWeighting),
    weighting!(MINMAX_INFO, MinMaxWeighting),
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
    use crate::{AlignedMtl, CaGrad, DualProj, FairGrad, ImtlG, Mean, Mgda, Sum, UpGrad};

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
        check::<DbMtl>();
        check::<ExcessMtl>();
        check::<crate::Ew>();
        check::<crate::Dwa>();
        check::<crate::Uw>();
        check::<crate::Gls>();
        check::<crate::Famo>();
        check::<crate::Stch>();
        check::<crate::GradNorm>();
        check::<crate::Imtl>();
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
