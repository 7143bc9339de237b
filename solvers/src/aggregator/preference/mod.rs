//! Preference-guided methods from multi-objective optimisation: EPO, PMGDA and ParetoMTL.

pub(crate) mod epo;
pub(crate) mod pmgda;
pub(crate) mod pmtl;
