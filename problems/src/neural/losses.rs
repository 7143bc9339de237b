//! Training losses and metrics (cross-entropy, BCE with logits, relaxed DEO, MSE, accuracy).
