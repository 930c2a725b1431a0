//! Run-time CPU dispatch: one portable kernel source, compiled a second time with a wider
//! instruction set and chosen per call from what the CPU reports.
//!
//! The crate is built for the target's baseline (SSE2 on x86-64), because users install it
//! from the registry without `RUSTFLAGS`. A kernel written as plain loops over slices, with
//! everything it calls `#[inline(always)]`, is passed to [`wide`] as a closure: on an
//! x86-64 CPU with AVX2 and FMA (detected once by `std`, which caches the answer) the
//! closure runs inside a function compiled with those features, so the same source is
//! vectorized 8 `f32` lanes wide; elsewhere, and without `std`, it runs as built.
//!
//! The results are the same bit for bit: the features change which instructions carry out
//! each IEEE operation, not the operations (Rust never contracts a multiply and an add
//! into a fused one, and never reorders floating-point sums), so the kernels' proofs and
//! tests cover both builds. With `float/slice/f16c.rs` this is the crate's only `unsafe`
//! code.

/// Runs `f`, compiled with AVX2 and FMA enabled when this CPU has them.
///
/// `f` should be an `#[inline(always)]` closure whose callees are `#[inline(always)]`
/// too: code that is not inlined into the wide function keeps the baseline instructions.
#[inline(always)]
pub(crate) fn wide<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if avx2_fma() {
        // SAFETY: `avx2_fma()` has just found AVX2 and FMA on this CPU (and an operating
        // system that saves the 256-bit registers), all that `run_avx2_fma` requires.
        return unsafe { run_avx2_fma(f) };
    }
    f()
}

/// Whether this CPU runs AVX2 and FMA code (a cached load after the first call).
#[cfg(all(feature = "std", target_arch = "x86_64"))]
fn avx2_fma() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// `f()`, compiled with AVX2 and FMA.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[target_feature(enable = "avx2,fma")]
fn run_avx2_fma<R>(f: impl FnOnce() -> R) -> R {
    f()
}
