//! Tests of the architectures.
