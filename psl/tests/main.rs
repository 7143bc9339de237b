//! Integration tests of `tradeoff-psl`, in one binary.

mod common;
mod evaluation;
mod finite_set;
mod gradients;
mod models;
mod neural;
mod storage;
mod training;
