//! Objective-space mathematics for multi-objective optimisation, in plain `f64`:
//! dominance, non-dominated sorting, exact hypervolume (any number of objectives) with
//! contributions and gradients, quality indicators, and preference vectors.
//!
//! All objectives are minimised. A point set is a [`Matrix`] of shape `n_points × n_obj`.

mod error;
mod indicators;
mod matrix;
mod neighbours;
mod preferences;
mod set_metrics;

pub use error::{Error, Result};
pub use indicators::{
    average_hausdorff, epsilon_additive, epsilon_multiplicative, gd, gd_plus, igd, igd_plus,
};
pub use matrix::Matrix;
pub use preferences::{
    MAX_ENERGY_POINTS, MAX_LATTICE_POINTS, PREFERENCE_SUM_TOLERANCE, clip_preferences, das_dennis,
    das_dennis_partitions, das_dennis_size, dirichlet, linspace, normalize_preference,
    riesz_energy, riesz_s_energy, uniform_simplex,
};
pub use set_metrics::{
    PBI_THETA, SOFT_LMIN_H, cross_angle, inner_product, lmin, lmin_and_spacing, pbi,
    pbi_with_theta, soft_lmin, soft_lmin_pairs, spacing, span, sparsity,
};

mod dominance;
mod hypervolume;

pub use dominance::{
    Dominance, NonDominatedSort, compare, dominates, n_nondominated, non_dominated_indices,
    weakly_dominates,
};
pub use hypervolume::{hv_contributions, hypervolume, hypervolume_gradient};
