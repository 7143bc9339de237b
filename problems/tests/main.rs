//! Integration tests of `tradeoff-problems`, in one binary (one link step instead of 4).

mod common;
mod neural_data;
mod re;
mod regression;
mod synthetic;
