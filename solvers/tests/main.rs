//! Integration tests of `tradeoff-solvers`, in one binary (one link step instead of 11).

mod common;
mod conflict_methods;
mod driver;
mod gramian_aggregators;
mod loss_weightings;
mod method_state;
mod neural_source;
mod preference_methods;
mod properties;
mod resume;
mod scalarizations;
mod set_level;
