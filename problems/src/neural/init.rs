//! Seeded, fan-in-aware initialisation of network parameters (Xavier, Kaiming).
