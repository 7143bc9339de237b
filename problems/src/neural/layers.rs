//! Layers as CPU custom ops where candle is slow or wrong (im2col convolution, 2×2 max-pool, fused bias).
