//! Runtime dispatch of CPU kernels (the layers', and `psl`'s) to the widest SIMD instruction set
//! the CPU has, through `pulp`, without `unsafe` here.
//!
//! The kernels are plain loops marked `#[inline(always)]`; compiled inside pulp's
//! `#[target_feature]` entry points they are auto-vectorised for AVX-512 or AVX2 + FMA, where a
//! build for the baseline x86-64 target would use 4-wide SSE only.

struct Dispatch<F>(F);

impl<R, F: FnOnce() -> R> pulp::WithSimd for Dispatch<F> {
    type Output = R;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> R {
        (self.0)()
    }
}

/// Runs `kernel` compiled for the best available instruction set.
#[inline(always)]
pub fn vectorized<R>(kernel: impl FnOnce() -> R) -> R {
    pulp::Arch::new().dispatch(Dispatch(kernel))
}
