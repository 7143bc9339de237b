//! Plots for tradeoff (work in progress).
