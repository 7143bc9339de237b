//! Linear algebra shared by the Gramian-based aggregators.
//!
//! Two passes over the wide Jacobian `J` (`n_obj × n_var`): [`gramian`] (`G = JJᵀ`) and
//! [`combine`] (`d = Jᵀw`). Everything else works on `n_obj × n_obj` matrices and is exact up to
//! rounding: the Jacobi eigensolver and pseudo-inverse, Lawson–Hanson NNLS with the dual-cone
//! projection and the minimum-norm point of the hull built on it, the Euclidean projection onto the
//! simplex, the α-fair weights (`Gx = x^{−1/α}`), a small simplex LP (EPO, PMGDA), the exact
//! minimum-norm point of a hull from its Gramian (Wolfe), and minimum-norm least squares
//! (ConFIG).

mod dense;
mod eigen;
mod fair;
mod gramian;
mod lp;
mod lstsq;
mod min_norm;
mod nnls;
mod simplex;

pub use eigen::{SymmetricEigen, pseudo_inverse, symmetric_eigen};
pub use fair::alpha_fair_weights;
pub use gramian::{Gramian, combine, gramian, normalized, trace};
pub use nnls::{SolveStats, min_norm_weights, project_to_dual_cone};
pub use simplex::project_onto_simplex;

pub(crate) use dense::{dot, lu_solve, mat_vec};
pub(crate) use lp::{LinearProgram, LpStatus};
pub(crate) use lstsq::{lstsq_min_norm, pinv_coefficients};
pub(crate) use min_norm::{MinNorm, min_norm_simplex};
pub(crate) use nnls::{default_max_iter, hull_gap, min_norm_weights_raw, project_to_dual_cone_raw};
