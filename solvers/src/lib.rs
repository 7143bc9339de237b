//! Single-solution multi-objective solvers: scalarizations, gradient aggregators behind one
//! [`Aggregator`] interface, and the drivers that run them over a set of preferences.

mod aggregator;
mod error;
pub mod linalg;
mod method;
mod run;
mod scalarization;
mod set_level;

pub use aggregator::gramian_weighted::{
    FromParams, GramianWeighted, NoParams, WeightInput, Weighting,
};
pub use aggregator::preference::epo::{EPO_INFO, Epo, EpoMode, EpoParams, EpoStep};
pub use aggregator::preference::pmgda::{
    MgdaSolve, PMGDA_INFO, Pmgda, PmgdaBranch, PmgdaParams, PmgdaStep,
};
pub use aggregator::preference::pmtl::{PMTL_INFO, ParetoMtl, PmtlParams, PmtlStage, PmtlSwitch};
pub use aggregator::projection::con_fig::{
    CONFIG_INFO, ConFig, ConFigLength, ConFigParams, ConFigSolver,
};
pub use aggregator::projection::graddrop::{GRADDROP_INFO, GradDrop, GradDropParams};
pub use aggregator::projection::gradvac::{GRADVAC_INFO, GradVac, GradVacParams};
pub use aggregator::projection::m_con_fig::{M_CONFIG_INFO, MConFig, MConFigParams};
pub use aggregator::projection::pcgrad::{ConflictOrder, PCGRAD_INFO, PcGrad, PcGradParams};
pub use aggregator::weighting::aligned_mtl::{
    ALIGNED_MTL_INFO, AlignedMtl, AlignedMtlParams, ScaleMode,
};
pub use aggregator::weighting::basic::{MEAN_INFO, Mean, SUM_INFO, Sum};
pub use aggregator::weighting::cagrad::{CAGRAD_INFO, CaGrad, CaGradParams};
pub use aggregator::weighting::dualproj::{DUALPROJ_INFO, DualProj, DualProjParams};
pub use aggregator::weighting::fairgrad::{FAIRGRAD_INFO, FairGrad, FairGradParams};
pub use aggregator::weighting::imtl_g::{IMTL_G_INFO, ImtlG};
pub use aggregator::weighting::loss_weighting::{
    db_mtl::{DB_MTL_INFO, DbMtl, DbMtlParams},
    dwa::{DWA_INFO, Dwa, DwaParams, DwaWeighting},
    ew::{EW_INFO, Ew},
    excess_mtl::{EXCESS_MTL_INFO, ExcessMtl, ExcessMtlParams},
    famo::{FAMO_INFO, Famo, FamoParams, FamoWeighting},
    gls::{GLS_INFO, Gls},
    gradnorm::{GRADNORM_INFO, GradNorm, GradNormParams, GradNormWeighting},
    imtl::{IMTL_INFO, Imtl, ImtlParams, ImtlWeighting},
    lra::{LRA_INFO, Lra, LraParams},
    minmax::{MINMAX_INFO, MinMax, MinMaxParams, MinMaxWeighting},
    relobralo::{RELOBRALO_INFO, ReLoBRaLo, ReLoBRaLoParams, ReLoBRaLoWeighting},
    stch::{STCH_INFO, Stch, StchParams, StchWeighting},
    uw::{UW_INFO, Uw, UwParams, UwWeighting},
};
pub use aggregator::weighting::mgda::{MGDA_INFO, Mgda, MgdaParams};
pub use aggregator::weighting::nash_mtl::{NASH_MTL_INFO, NashMtl, NashMtlParams};
pub use aggregator::weighting::random::{RANDOM_INFO, Random, RandomParams};
pub use aggregator::weighting::upgrad::{UPGRAD_INFO, UpGrad, UpGradParams};
pub use aggregator::{
    Aggregation, Aggregator, Diagnostics, Scaling, StepInput, aggregate, combine_rows,
    first_non_finite,
};
pub use error::{Error, ParamsError, Result};
pub use linalg::Gramian;
pub use method::entry::{
    AggregatorBuilder, Constructor, Family, GradientNeed, MethodEntry, MethodInfo, OptionInfo,
    Properties, RuleBuilder, SetRuleBuilder, WeightingBuilder, build_weighting,
};
pub use method::find::{
    all_method_infos, all_methods, build_method, build_rule, build_rule_in, build_run_rule,
    find_method, method_entries, set_level_entries,
};
pub use method::options::{BuildContext, Options};
pub use method::params::{Check, MethodParams, OptionValue};
pub use method::state::{MethodRng, MethodState};
pub use run::optimizer::{
    Adam, AdamFloat, AdamForm, AdamMoments, FirstOrderOptimizer, Optimizer, OptimizerState,
    Schedule, Sgd, adam_update,
};
pub use run::{
    CHECKPOINT_DEFINITION_FILE, CHECKPOINT_SCHEMA_VERSION, CHECKPOINT_STATE_FILE, Checkpoint,
    CheckpointError, Control, DriverConfig, EpochEvaluator, EpochRecord, HistoryRecord,
    IndicatorRecorder, Init, InitDefinition, IterationView, Observer, OnRecord,
    OptimizerDefinition, PREFERENCE_SUM_TOLERANCE, PerPreference, ProblemDefinition, RunDefinition,
    RunOutcome, RunStart, RunState, Runner, SolveResult, SplitRecord, StepContext, StepRule,
    StopAfter, Termination, WeightContext, normalize_preferences, solve, solve_observed,
    solve_with_method, solve_with_rule_name,
};
pub use scalarization::{
    AASF_INFO, COSMOS_INFO, INVAGG_INFO, LS_INFO, MTCHE_INFO, PBI_INFO, PNORM_INFO, SMTCHE_INFO,
    STCHE_INFO, Scalarization, ScalarizationKind, ScalarizationParams, TCHE_INFO,
};
pub use set_level::{
    FrontModel, HVGRAD_INFO, HvGrad, HvGradParams, HvReference, MOO_SVGD_INFO, MooSvgd,
    MooSvgdParams, PmtlSet, SvgdDrive, SvgdKernel, UNIFORM_INFO, Uniform, UniformParams,
    UniformSolver,
};
