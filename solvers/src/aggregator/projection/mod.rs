//! Aggregators that act on the Jacobian's rows directly (projections, dropping, ConFIG's
//! pseudo-inverse): they need `J` itself, not only its Gramian.

pub(crate) mod con_fig;
pub(crate) mod graddrop;
pub(crate) mod gradvac;
pub(crate) mod m_con_fig;
pub(crate) mod pcgrad;
