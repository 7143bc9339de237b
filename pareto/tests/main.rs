//! Integration tests of `tradeoff-pareto`, in one binary (one link step instead of 4).

mod common;
mod dominance;
mod hypervolume;
mod indicators;
mod preferences;
