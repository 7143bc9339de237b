//! Runtime dispatch to the widest SIMD instruction set the CPU has (AVX-512, AVX2 + FMA, or the
//! baseline), through `pulp`, without `unsafe` here.
//!
//! The kernels are plain loops marked `#[inline(always)]`; compiled inside pulp's
//! `#[target_feature]` entry points they are auto-vectorised for that instruction set. A build
//! for the baseline x86-64 target would otherwise use 4-wide SSE only.

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
pub(crate) fn vectorized<R>(kernel: impl FnOnce() -> R) -> R {
    pulp::Arch::new().dispatch(Dispatch(kernel))
}
