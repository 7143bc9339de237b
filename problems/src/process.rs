//! Process-wide settings for candle work, applied once by every entry point (CLI, benches, examples, tests).

use std::sync::Once;

static CONFIGURED: Once = Once::new();

/// Sets the process up for candle work on CPU; call it first thing in `main` (or before any
/// tensor work in a test or a benchmark).
///
/// - `RAYON_NUM_THREADS=1` unless the variable is already set: unset, candle re-reads
///   /proc/cpuinfo on every matrix product (27 µs against 0.9 µs for a small one), and one
///   thread measured fastest for our sizes; runs are parallelised by the callers, not by candle.
/// - On Linux with glibc, raises `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD` to 1 GiB: every
///   candle op allocates a fresh buffer, and with glibc's defaults the larger ones are mmapped
///   and unmapped each time, whose page faults cost up to half of a training step (measured: an
///   MLP step 2.5× faster). The buffers of K stacked models (`train --mode set`) outgrow
///   smaller thresholds: with 512 / 256 MiB a MultiMNIST epoch of 5 models took 1.74× as long
///   (128 s against 74 s, on a shared core), while one model's epoch did not change.
///
/// Only the first call does the work; later calls (from any thread) wait for it and return.
/// Neither setting changes a computed number.
pub fn configure_process() {
    CONFIGURED.call_once(|| {
        if std::env::var_os("RAYON_NUM_THREADS").is_none() {
            // SAFETY: `set_var` is unsound only while another thread reads or writes the
            // environment. Callers run this before starting threads (first thing in `main`), and
            // test threads that call it concurrently are blocked by the `Once` until it returns.
            #[allow(unsafe_code)]
            unsafe {
                std::env::set_var("RAYON_NUM_THREADS", "1");
            }
        }
        raise_malloc_thresholds();
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn raise_malloc_thresholds() {
    const M_TRIM_THRESHOLD: i32 = -1;
    const M_MMAP_THRESHOLD: i32 = -3;
    #[allow(unsafe_code)]
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: glibc's `mallopt` takes two integers and only changes allocator tuning; it is
    // thread-safe (it takes the arena locks), and the values are valid for both parameters.
    #[allow(unsafe_code)]
    unsafe {
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
        mallopt(M_MMAP_THRESHOLD, 1 << 30);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn raise_malloc_thresholds() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_one_candle_thread_unless_set_and_is_idempotent() {
        configure_process();
        configure_process();
        assert!(std::env::var_os("RAYON_NUM_THREADS").is_some());
    }
}
