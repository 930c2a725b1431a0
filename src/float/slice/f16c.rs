//! `f32` ↔ IEEE binary16 through the x86 F16C instructions (`vcvtps2ph`, `vcvtph2ps`),
//! eight lanes at a time, for CPUs that report F16C and AVX at run time.
//!
//! With `dispatch.rs`, this is the crate's only `unsafe` code: the `#[target_feature]` functions may only run
//! on a CPU with those features, and the 256-bit loads and stores take raw pointers.
//! Every entry point checks the features first and returns `false`, writing nothing,
//! when they are missing; the caller then runs the portable kernel.
//!
//! What the instructions compute, and why it is the portable kernel's result bit for bit
//! (the callers in `api.rs` use this path only for binary16 with ties-to-even and IEEE
//! overflow): `vcvtps2ph` with immediate 0 rounds to nearest, ties to even, whatever the
//! MXCSR rounding field says (bit 2 of the immediate is clear), overflows to ±∞, keeps
//! subnormal results and the sign of zero (it ignores MXCSR.FTZ; `f32` subnormal inputs
//! round to ±0 with or without DAZ); `vcvtph2ps` is exact. They differ from lowprec only on NaN: F16C keeps the payload's top bits and
//! quiets a signalling NaN, while lowprec's result depends on the sign alone. So every
//! NaN lane is replaced before the conversion (encoding) or after it (decoding) by
//! lowprec's NaN of the same sign, `sign | nan` as `f32` bits, where the caller passes
//! `nan` (a quiet NaN whose payload fits binary16, so F16C keeps it unchanged).

#[cfg(target_arch = "x86")]
use core::arch::x86::{
    _MM_FROUND_TO_NEAREST_INT, _mm_loadu_si128, _mm_storeu_si128, _mm256_cvtph_ps, _mm256_cvtps_ph,
    _mm256_loadu_ps, _mm256_storeu_ps,
};
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::{
    _MM_FROUND_TO_NEAREST_INT, _mm_loadu_si128, _mm_storeu_si128, _mm256_cvtph_ps, _mm256_cvtps_ph,
    _mm256_loadu_ps, _mm256_storeu_ps,
};

use super::Code;

/// Whether this CPU (and its operating system, which must save the 256-bit registers)
/// runs F16C and AVX code. std caches the answer: after the first call this is a load.
fn detected() -> bool {
    std::is_x86_feature_detected!("avx") && std::is_x86_feature_detected!("f16c")
}

/// Encodes `src` into binary16 codes in `dst` (the shorter length), ties to even, NaN
/// lanes as `sign | nan`. Returns `false`, writing nothing, without F16C.
pub(super) fn encode<C: Code>(src: &[f32], dst: &mut [C], nan: u32) -> bool {
    if !detected() {
        return false;
    }
    // SAFETY: `detected()` has just found AVX and F16C, all that `encode_avx` requires.
    unsafe { encode_avx(src, dst, nan) };
    true
}

/// Rounds `src` to binary16 and back into `dst` (the shorter length), as [`encode`]
/// followed by an exact decode. Returns `false`, writing nothing, without F16C.
pub(super) fn quantize(src: &[f32], dst: &mut [f32], nan: u32) -> bool {
    if !detected() {
        return false;
    }
    // SAFETY: `detected()` has just found AVX and F16C, all that `quantize_avx` requires.
    unsafe { quantize_avx(src, dst, nan) };
    true
}

/// [`quantize`] in place.
pub(super) fn quantize_in_place(xs: &mut [f32], nan: u32) -> bool {
    if !detected() {
        return false;
    }
    // SAFETY: `detected()` has just found AVX and F16C, all that
    // `quantize_in_place_avx` requires.
    unsafe { quantize_in_place_avx(xs, nan) };
    true
}

/// Decodes binary16 codes (the low 16 bits of each) into `dst` (the shorter length),
/// NaN results as `sign | nan`. Returns `false`, writing nothing, without F16C.
pub(super) fn decode<C: Code>(src: &[C], dst: &mut [f32], nan: u32) -> bool {
    if !detected() {
        return false;
    }
    // SAFETY: `detected()` has just found AVX and F16C, all that `decode_avx` requires.
    unsafe { decode_avx(src, dst, nan) };
    true
}

// The loops: whole chunks of eight, then the tail through a zero-padded chunk. Each calls
// an eight-lane function below. Calling those is `unsafe` only for their target features,
// which every function here also enables: each of these runs only where its caller
// guaranteed AVX and F16C, as the safe entry points above do.

/// # Safety
/// The CPU must support AVX and F16C.
#[target_feature(enable = "avx,f16c")]
unsafe fn encode_avx<C: Code>(src: &[f32], dst: &mut [C], nan: u32) {
    let mut s = src.chunks_exact(8);
    let mut d = dst.chunks_exact_mut(8);
    for (s, d) in (&mut s).zip(&mut d) {
        // SAFETY: AVX and F16C are present (this function's contract).
        let h = unsafe { to_f16x8(&lanes(s), nan) };
        store(d, h.map(|h| C::from_u64(u64::from(h))));
    }
    // SAFETY: as above.
    let h = unsafe { to_f16x8(&lanes(s.remainder()), nan) };
    store(d.into_remainder(), h.map(|h| C::from_u64(u64::from(h))));
}

/// # Safety
/// The CPU must support AVX and F16C.
#[target_feature(enable = "avx,f16c")]
unsafe fn quantize_avx(src: &[f32], dst: &mut [f32], nan: u32) {
    let mut s = src.chunks_exact(8);
    let mut d = dst.chunks_exact_mut(8);
    for (s, d) in (&mut s).zip(&mut d) {
        // SAFETY: AVX and F16C are present (this function's contract).
        store(d, unsafe { round_f16x8(&lanes(s), nan) });
    }
    // SAFETY: as above.
    store(d.into_remainder(), unsafe {
        round_f16x8(&lanes(s.remainder()), nan)
    });
}

/// # Safety
/// The CPU must support AVX and F16C.
#[target_feature(enable = "avx,f16c")]
unsafe fn quantize_in_place_avx(xs: &mut [f32], nan: u32) {
    let mut chunks = xs.chunks_exact_mut(8);
    for x in &mut chunks {
        // SAFETY: AVX and F16C are present (this function's contract).
        let r = unsafe { round_f16x8(&lanes(x), nan) };
        store(x, r);
    }
    let x = chunks.into_remainder();
    // SAFETY: as above.
    let r = unsafe { round_f16x8(&lanes(x), nan) };
    store(x, r);
}

/// # Safety
/// The CPU must support AVX and F16C.
#[target_feature(enable = "avx,f16c")]
unsafe fn decode_avx<C: Code>(src: &[C], dst: &mut [f32], nan: u32) {
    let mut s = src.chunks_exact(8);
    let mut d = dst.chunks_exact_mut(8);
    for (s, d) in (&mut s).zip(&mut d) {
        // SAFETY: AVX and F16C are present (this function's contract).
        store(d, unsafe { from_f16x8(&codes(s), nan) });
    }
    // SAFETY: as above.
    store(d.into_remainder(), unsafe {
        from_f16x8(&codes(s.remainder()), nan)
    });
}

/// The first eight elements of `s` (fewer: the rest zero, which every lane function
/// accepts), as an array: the lane functions then read exactly eight.
#[inline(always)]
fn lanes<T: Copy + Default>(s: &[T]) -> [T; 8] {
    let mut a = [T::default(); 8];
    for (a, s) in a.iter_mut().zip(s) {
        *a = *s;
    }
    a
}

/// [`lanes`] of codes: their low 16 bits.
#[inline(always)]
fn codes<C: Code>(s: &[C]) -> [u16; 8] {
    let mut a = [0u16; 8];
    for (a, s) in a.iter_mut().zip(s) {
        *a = s.to_u64() as u16;
    }
    a
}

/// Stores the first `d.len()` (at most eight) lanes.
#[inline(always)]
fn store<T: Copy>(d: &mut [T], lanes: [T; 8]) {
    for (d, l) in d.iter_mut().zip(lanes) {
        *d = l;
    }
}

// The eight-lane functions. Their raw-pointer accesses are to arrays passed by reference
// (or local), whose types fix their sizes: `[f32; 8]` is 32 bytes, the width of one
// unaligned `_mm256_loadu_ps`/`_mm256_storeu_ps`; `[u16; 8]` is 16 bytes, the width of
// one unaligned `_mm_loadu_si128`/`_mm_storeu_si128`. No pointer is offset.

/// `sign | nan` in the NaN lanes, the others unchanged (safe code that the compiler turns
/// into a compare and a blend).
#[inline(always)]
fn nan_to(x: [f32; 8], nan: u32) -> [f32; 8] {
    x.map(|v| {
        if v.is_nan() {
            f32::from_bits((v.to_bits() & 0x8000_0000) | nan)
        } else {
            v
        }
    })
}

/// Eight `f32` to binary16 codes, ties to even, NaN lanes first replaced by `sign | nan`.
///
/// # Safety
/// The CPU must support AVX and F16C.
#[target_feature(enable = "avx,f16c")]
#[inline]
unsafe fn to_f16x8(x: &[f32; 8], nan: u32) -> [u16; 8] {
    let x = nan_to(*x, nan);
    let mut out = [0u16; 8];
    // SAFETY: AVX and F16C are present (this function's contract). The load reads the 32
    // bytes of `x` and the store writes the 16 bytes of `out` (see above); both accept
    // any alignment.
    unsafe {
        let v = _mm256_loadu_ps(x.as_ptr());
        let h = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(v);
        _mm_storeu_si128(out.as_mut_ptr().cast(), h);
    }
    out
}

/// Eight binary16 codes to `f32` (exact), NaN results replaced by `sign | nan`.
///
/// # Safety
/// The CPU must support AVX and F16C.
#[target_feature(enable = "avx,f16c")]
#[inline]
unsafe fn from_f16x8(h: &[u16; 8], nan: u32) -> [f32; 8] {
    let mut out = [0f32; 8];
    // SAFETY: AVX and F16C are present (this function's contract). The load reads the 16
    // bytes of `h` and the store writes the 32 bytes of `out` (see above); both accept
    // any alignment.
    unsafe {
        let v = _mm256_cvtph_ps(_mm_loadu_si128(h.as_ptr().cast()));
        _mm256_storeu_ps(out.as_mut_ptr(), v);
    }
    nan_to(out, nan)
}

/// Eight `f32` rounded to binary16 (ties to even) and back. A NaN lane becomes the code
/// of `sign | nan` (quiet, payload kept), which decodes to `sign | nan` again.
///
/// # Safety
/// The CPU must support AVX and F16C.
#[target_feature(enable = "avx,f16c")]
#[inline]
unsafe fn round_f16x8(x: &[f32; 8], nan: u32) -> [f32; 8] {
    let x = nan_to(*x, nan);
    let mut out = [0f32; 8];
    // SAFETY: AVX and F16C are present (this function's contract). The load reads the 32
    // bytes of `x` and the store writes the 32 bytes of `out` (see above); both accept
    // any alignment.
    unsafe {
        let v = _mm256_loadu_ps(x.as_ptr());
        let h = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(v);
        _mm256_storeu_ps(out.as_mut_ptr(), _mm256_cvtph_ps(h));
    }
    out
}
