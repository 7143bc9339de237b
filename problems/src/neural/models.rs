//! The architectures: MultiLeNet, the fairness MLPs, shared-bottom and MMoE.
