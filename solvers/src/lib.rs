//! Single-solution multi-objective solvers: scalarizations, gradient aggregators behind one
//! [`Aggregator`] interface, and the drivers that run them over a set of preferences.

mod aggregator;
mod aligned_mtl;
mod basic;
mod cagrad;
mod config;
mod driver;
mod dualproj;
mod epo;
mod error;
mod fairgrad;
mod graddrop;
mod gradvac;
mod imtl_g;
pub mod linalg;
mod mconfig;
mod mgda;
mod nash_mtl;
mod optimizer;
mod options;
mod pcgrad;
mod pmgda;
mod pmtl;
mod random;
mod registry;
mod scalarization;
mod set_level;
mod upgrad;
mod weighting;

pub use aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, OptionInfo, Properties, StepInput,
    aggregate, combine_rows, first_non_finite,
};
pub use aligned_mtl::{ALIGNED_MTL_INFO, AlignedMtl, AlignedMtlParams, ScaleMode};
pub use basic::{MEAN_INFO, Mean, SUM_INFO, Sum};
pub use cagrad::{CAGRAD_INFO, CaGrad, CaGradParams};
pub use config::{CONFIG_INFO, ConFig, ConFigLength, ConFigParams, ConFigSolver};
pub use driver::{
    DriverConfig, HistoryRecord, Init, PerPreference, SolveResult, StepContext, StepRule,
    Termination, solve, solve_observed, solve_with_method,
};
pub use dualproj::{DUALPROJ_INFO, DualProj, DualProjParams};
pub use epo::{EPO_INFO, Epo, EpoMode, EpoParams, EpoStep};
pub use error::{Error, ParamsError, Result};
pub use fairgrad::{FAIRGRAD_INFO, FairGrad, FairGradParams};
pub use graddrop::{GRADDROP_INFO, GradDrop, GradDropParams};
pub use gradvac::{GRADVAC_INFO, GradVac, GradVacParams};
pub use imtl_g::{IMTL_G_INFO, ImtlG};
pub use mconfig::{M_CONFIG_INFO, MConFig, MConFigParams};
pub use mgda::{MGDA_INFO, Mgda, MgdaParams};
pub use nash_mtl::{NASH_MTL_INFO, NashMtl, NashMtlParams};
pub use optimizer::{Optimizer, OptimizerState};
pub use options::Options;
pub use pcgrad::{ConflictOrder, PCGRAD_INFO, PcGrad, PcGradParams};
pub use pmgda::{MgdaSolve, PMGDA_INFO, Pmgda, PmgdaBranch, PmgdaParams, PmgdaStep};
pub use pmtl::{PMTL_INFO, ParetoMtl, PmtlParams, PmtlStage, PmtlSwitch};
pub use random::{RANDOM_INFO, Random, RandomParams};
pub use registry::{MethodEntry, build_method, find_method, method_entries};
pub use scalarization::{
    AASF_INFO, COSMOS_INFO, INVAGG_INFO, LS_INFO, MTCHE_INFO, PBI_INFO, PNORM_INFO, SMTCHE_INFO,
    STCHE_INFO, Scalarization, ScalarizationKind, ScalarizationParams, TCHE_INFO,
};
pub use set_level::{
    FrontModel, HVGRAD_INFO, HvGrad, HvGradParams, HvReference, MOO_SVGD_INFO, MooSvgd,
    MooSvgdParams, PmtlSet, SetLevelEntry, SvgdDrive, SvgdKernel, UNIFORM_INFO, Uniform,
    UniformParams, UniformSolver, all_method_infos, build_rule, set_level_entries,
    solve_with_rule_name,
};
pub use upgrad::{UPGRAD_INFO, UpGrad, UpGradParams};
