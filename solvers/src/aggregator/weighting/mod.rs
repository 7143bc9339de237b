//! The weightings: each maps the Gramian `G = JJᵀ` (and, where the method needs them, the
//! losses and the preference) to weights `w`, and [`GramianWeighted`](crate::GramianWeighted)
//! makes the direction `d = Jᵀw` (TorchJD's `GramianWeightedAggregator`).

pub(crate) mod aligned_mtl;
pub(crate) mod basic;
pub(crate) mod cagrad;
pub(crate) mod dualproj;
pub(crate) mod fairgrad;
pub(crate) mod imtl_g;
pub(crate) mod loss_weighting;
pub(crate) mod mgda;
pub(crate) mod nash_mtl;
pub(crate) mod random;
pub(crate) mod upgrad;
