//! Integration tests of `tradeoff-psl`, in one binary.

mod common;
mod evaluation;
mod gradients;
mod models;
mod storage;
mod training;
