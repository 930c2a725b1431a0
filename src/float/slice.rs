//! Fast kernels over slices: quantize ("chop"), encode to codes, decode codes.
//!
//! These are the hot path for quantization-aware training and data preparation. Every
//! function here gives, element for element, exactly what the scalar conversions give —
//! [`FloatFormat::from_f32`] / [`FloatFormat::from_f64`] for codes, followed by
//! [`FloatFormat::to_f32`] / [`FloatFormat::to_f64`] for quantized values — only faster:
//!
//! | function | per element |
//! |---|---|
//! | [`quantize_f32`], [`quantize_f32_to`] | `fmt.to_f32(fmt.from_f32_with(x, Round::new(mode, overflow), rng).value)` |
//! | [`quantize_f64`], [`quantize_f64_to`] | `fmt.to_f64(fmt.from_f64_with(x, Round::new(mode, overflow), rng).value)` |
//! | [`encode_f32`], [`encode_f64`] | `fmt.from_f32(x, …).value` / `fmt.from_f64(x, …).value` as a [`Code`] |
//! | [`decode_to_f32`], [`decode_to_f64`] | `fmt.to_f32(code)` / `fmt.to_f64(code)` |
//!
//! A quantized value is the rounded code converted back to the host type. That is exact
//! whenever the format's values fit the host type; for formats wider than the host (more
//! fraction bits, or a wider exponent range: e.g. quantizing `f32` data into tf32 is exact,
//! into `e8m30` it is not) the code's value is rounded once more, to nearest-even, into the
//! host type — exactly as `to_f32` does.
//!
//! # Random bits
//!
//! Elements are processed in index order. An element draws random bits only when it is
//! rounded inexactly in a stochastic mode, with one call of [`RandomBits::bits`] for the
//! mode's number of bits, exactly as the scalar conversion does; exact values, zeros,
//! infinities and NaNs draw nothing, and deterministic modes never touch the generator.
//! So a slice function leaves the generator in the same state as the scalar conversions
//! called on each element in order, and produces the same codes.
//!
//! # Status flags
//!
//! Slice functions do not report IEEE status flags; use the scalar conversions, which
//! return [`StatusAnd`](crate::StatusAnd), when the flags matter.
//!
//! # Fast paths
//!
//! A format is *kernel-friendly* for a host type when it is signed, has a zero, has no
//! more fraction bits than the host, its smallest normal is a normal host number, and
//! (for `f32`) its codes fit in 31 bits: every preset but E8M0 from `f64`, and every
//! preset but fp64 and E8M0 from `f32`. For those formats:
//!
//! - **round-to-nearest-even** runs a branchless kernel that the compiler vectorizes.
//!   For formats whose range sits well inside the host's (fp16, every 8-bit format) one
//!   formula serves normal and subnormal results: |x| plus a power of two C chosen per
//!   binade so that the host's spacing at C is the format's quantum at |x|, which makes
//!   the host's own RNE addition the one correct rounding, and the code falls out of the
//!   sum's bits. Formats with the host's exponent range (bf16, tf32) round the host bits
//!   directly: bias, shift, rebias. Overflow, ±∞ and NaN are a clamp before rounding
//!   and compare-and-selects after it;
//! - **the other deterministic modes** use the integer kernel with a rounding bias, and
//!   a subnormal path that recovers the discarded fraction exactly from the host's
//!   rounding error; both take their decisions from a per-mode table computed by asking
//!   [`round_increment`] itself (the crate's one rounding decision) about one value
//!   below, at and above a tie for each sign and parity;
//! - **stochastic modes** split each element into the kept bits and the discarded
//!   fraction with integer operations and call [`round_increment`] with the same
//!   arguments the exact path would, so they draw the same random bits.
//!
//! Every other format goes through the exact path ([`FloatFormat::round`]). Each
//! shortcut states its proof next to the code, and `tests/slice.rs` checks the kernels
//! against the exact path on both sides of every point where a rounding can change, in
//! every mode, policy and preset (and on all 2^32 `f32` inputs with `LOWPREC_LONG=1`).
//! The proofs assume IEEE 754 binary32/binary64 arithmetic with round-to-nearest-even
//! and subnormals, as Rust specifies for `f32`/`f64` (x87-only targets without SSE2 do
//! not provide it).
//!
//! The kernels are portable Rust without `unsafe`; the compiler vectorizes them for the
//! target's baseline (SSE2 on x86-64). Building with wider vector units enabled (for
//! example `RUSTFLAGS="-C target-cpu=native"`) speeds them up further.
//!
//! One case is dispatched at run time instead: on x86 and x86-64 with the `std` feature,
//! when the CPU has F16C and AVX, `f32` → IEEE binary16 ([`FloatFormat::FP16`]) with
//! ties-to-even and [`Overflow::Ieee`] ([`encode_f32`], [`quantize_f32`],
//! [`quantize_f32_to`]) and binary16 → `f32` ([`decode_to_f32`]) use the
//! `vcvtps2ph`/`vcvtph2ps` instructions, eight elements at a time, as the `half` crate
//! does. Their results are the portable kernel's bit for bit: the instructions round to
//! nearest-even by their immediate operand (not the MXCSR), overflow to ±∞ and keep
//! subnormal results, and NaN lanes, whose payloads F16C would keep, are replaced by
//! lowprec's NaN of the same sign. This is the crate's only `unsafe` code, in a small
//! private module; every other format, mode, policy and target runs the portable kernels.
//!
//! ```
//! use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
//! use lowprec::float::slice;
//!
//! let fmt = FloatFormat::E4M3FN;
//! let src = [0.3f32, -1.0625, 500.0, 1e-4];
//! let mut codes = [0u8; 4];
//! let mut rng = SplitMix64::new(7);
//! slice::encode_f32_with(&fmt, &src, &mut codes, Round::new(Rounding::TiesToEven, Overflow::SatFinite), &mut rng)?;
//! assert_eq!(codes, [0x2A, 0xB8, 0x7E, 0x00]); // 0.3125, −1.0 (tie to even), 448, 0
//! let mut back = [0f32; 4];
//! slice::decode_to_f32(&fmt, &codes, &mut back)?;
//! assert_eq!(back, [0.3125, -1.0, 448.0, 0.0]);
//! # Ok::<(), lowprec::float::slice::SliceError>(())
//! ```

use crate::rounding::Round;
use core::fmt;
use core::ops::{Add, BitAnd, BitOr, BitXor, Not, Shl, Shr, Sub};

use super::exact::Exact;
use super::format::{FloatFormat, pow2};
use crate::rounding::NoRandom;
use crate::rounding::{
    Discarded, Overflow, RandomBits, Rounding, SrKind, Status, Stochastic, round_increment,
};

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

/// Why a slice operation was refused. Nothing is written when an error is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SliceError {
    /// Source and destination have different lengths.
    LengthMismatch {
        /// Length of the source slice.
        src: usize,
        /// Length of the destination slice.
        dst: usize,
    },
    /// The format's codes are wider than the code type.
    CodeTooNarrow {
        /// Width of the format's codes in bits.
        format_bits: u32,
        /// Width of the code type in bits.
        code_bits: u32,
    },
}

impl fmt::Display for SliceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SliceError::LengthMismatch { src, dst } => write!(
                f,
                "slice lengths differ: source has {src} elements, destination {dst}"
            ),
            SliceError::CodeTooNarrow {
                format_bits,
                code_bits,
            } => write!(
                f,
                "a {format_bits}-bit format does not fit in {code_bits}-bit codes"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SliceError {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for u8 {}
    impl Sealed for u16 {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

/// An unsigned integer type that holds codes: `u8`, `u16`, `u32` or `u64`.
///
/// Codes sit in the low bits, as [`FloatFormat`] lays them out; a format can be stored
/// in any code type at least [`FloatFormat::width`] bits wide. The trait is sealed.
///
/// ```
/// use lowprec::float::slice::Code;
/// assert_eq!(<u16 as Code>::BITS, 16);
/// assert_eq!(0xABu8.to_u64(), 0xAB);
/// ```
pub trait Code: Copy + sealed::Sealed {
    /// Width in bits.
    const BITS: u32;
    /// The code, zero-extended.
    fn to_u64(self) -> u64;
    /// The low bits of `x` (callers only pass codes that fit).
    #[doc(hidden)]
    fn from_u64(x: u64) -> Self;
}

macro_rules! impl_code {
    ($($t:ty),*) => {$(
        impl Code for $t {
            const BITS: u32 = <$t>::BITS;
            #[inline(always)]
            fn to_u64(self) -> u64 {
                self as u64
            }
            #[inline(always)]
            fn from_u64(x: u64) -> Self {
                x as $t
            }
        }
    )*};
}
impl_code!(u8, u16, u32, u64);

/// [`quantize_f32_with`] rounding to nearest, ties to even, with the format's standard
/// overflow: the common case in one call.
pub fn quantize_f32(fmt: &FloatFormat, xs: &mut [f32]) {
    quantize_f32_with(fmt, xs, Round::NEAREST_EVEN, &mut NoRandom)
}

/// Quantizes `f32` values in place: each becomes its value rounded into `fmt` ("chop").
///
/// Element for element this is `fmt.to_f32(fmt.from_f32_with(x, Round::new(mode, overflow), rng).value)`,
/// including the random bits drawn (see the [module docs](self)); for formats wider than
/// `f32` the rounded value is rounded once more, to nearest-even, into `f32`.
///
/// ```
/// use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
/// let mut xs = [0.3f32, 1.0625, -70000.0, f32::NAN];
/// let fp16 = FloatFormat::FP16;
/// lowprec::float::slice::quantize_f32_with(&fp16, &mut xs, Round::NEAREST_EVEN, &mut SplitMix64::new(0));
/// assert_eq!(xs[..3], [0.30004883, 1.0625, f32::NEG_INFINITY]);
/// assert!(xs[3].is_nan());
/// ```
pub fn quantize_f32_with<R: RandomBits + ?Sized>(
    fmt: &FloatFormat,
    xs: &mut [f32],
    how: impl Into<Round>,
    rng: &mut R,
) {
    let Round { mode, overflow } = how.into();
    #[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
    if f16c_nan(fmt, mode, overflow).is_some_and(|nan| f16c::quantize_in_place(xs, nan)) {
        return;
    }
    run::<_, R, true>(fmt, InPlace(xs), mode, overflow, rng);
}

/// [`quantize_f64_with`] rounding to nearest, ties to even, with the format's standard
/// overflow: the common case in one call.
pub fn quantize_f64(fmt: &FloatFormat, xs: &mut [f64]) {
    quantize_f64_with(fmt, xs, Round::NEAREST_EVEN, &mut NoRandom)
}

/// Quantizes `f64` values in place: each becomes its value rounded into `fmt` ("chop").
///
/// Element for element this is `fmt.to_f64(fmt.from_f64_with(x, Round::new(mode, overflow), rng).value)`,
/// with one correct rounding from `f64` (no detour through `f32`); only formats with a
/// wider exponent range than `f64` round a second time.
///
/// ```
/// use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
/// // 1 + 2⁻⁴ + 2⁻⁴⁰ lies just above a tie of E4M3FN: it rounds up to 1.125.
/// let mut xs = [1.0 + 2f64.powi(-4) + 2f64.powi(-40), 448.0, 1e-9];
/// lowprec::float::slice::quantize_f64_with(&FloatFormat::E4M3FN, &mut xs, Round::NEAREST_EVEN, &mut SplitMix64::new(0));
/// assert_eq!(xs, [1.125, 448.0, 0.0]);
/// ```
pub fn quantize_f64_with<R: RandomBits + ?Sized>(
    fmt: &FloatFormat,
    xs: &mut [f64],
    how: impl Into<Round>,
    rng: &mut R,
) {
    let Round { mode, overflow } = how.into();
    run::<_, R, true>(fmt, InPlace(xs), mode, overflow, rng);
}

/// [`quantize_f32_to_with`] rounding to nearest, ties to even, with the format's standard
/// overflow: the common case in one call.
pub fn quantize_f32_to(fmt: &FloatFormat, src: &[f32], dst: &mut [f32]) -> Result<(), SliceError> {
    quantize_f32_to_with(fmt, src, dst, Round::NEAREST_EVEN, &mut NoRandom)
}

/// Quantizes `src` into `dst` (see [`quantize_f32`]).
///
/// # Errors
/// [`SliceError::LengthMismatch`] when the slices differ in length.
///
/// ```
/// use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
/// let src = [0.1f32, 2.7];
/// let mut dst = [0f32; 2];
/// lowprec::float::slice::quantize_f32_to_with(&FloatFormat::BF16, &src, &mut dst, Round::new(Rounding::TowardZero, Overflow::Ieee), &mut SplitMix64::new(0))?;
/// assert_eq!(dst, [0.099609375, 2.6875]);
/// # Ok::<(), lowprec::float::slice::SliceError>(())
/// ```
pub fn quantize_f32_to_with<R: RandomBits + ?Sized>(
    fmt: &FloatFormat,
    src: &[f32],
    dst: &mut [f32],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<(), SliceError> {
    let Round { mode, overflow } = how.into();
    check_len(src.len(), dst.len())?;
    #[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
    if f16c_nan(fmt, mode, overflow).is_some_and(|nan| f16c::quantize(src, dst, nan)) {
        return Ok(());
    }
    let out = |b| f32::from_bits(b as u32);
    run::<f32, R, true>(fmt, Copying { src, dst, out }, mode, overflow, rng);
    Ok(())
}

/// [`quantize_f64_to_with`] rounding to nearest, ties to even, with the format's standard
/// overflow: the common case in one call.
pub fn quantize_f64_to(fmt: &FloatFormat, src: &[f64], dst: &mut [f64]) -> Result<(), SliceError> {
    quantize_f64_to_with(fmt, src, dst, Round::NEAREST_EVEN, &mut NoRandom)
}

/// Quantizes `src` into `dst` (see [`quantize_f64`]).
///
/// # Errors
/// [`SliceError::LengthMismatch`] when the slices differ in length.
///
/// ```
/// use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
/// let src = [0.1f64, -0.1];
/// let mut dst = [0f64; 2];
/// let fp16 = FloatFormat::FP16;
/// lowprec::float::slice::quantize_f64_to_with(&fp16, &src, &mut dst, Round::new(Rounding::TowardPositive, Overflow::Ieee), &mut SplitMix64::new(0))?;
/// assert_eq!(dst, [0.10003662109375, -0.0999755859375]);
/// # Ok::<(), lowprec::float::slice::SliceError>(())
/// ```
pub fn quantize_f64_to_with<R: RandomBits + ?Sized>(
    fmt: &FloatFormat,
    src: &[f64],
    dst: &mut [f64],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<(), SliceError> {
    let Round { mode, overflow } = how.into();
    check_len(src.len(), dst.len())?;
    let out = f64::from_bits;
    run::<f64, R, true>(fmt, Copying { src, dst, out }, mode, overflow, rng);
    Ok(())
}

/// [`encode_f32_with`] rounding to nearest, ties to even, with the format's standard
/// overflow: the common case in one call.
pub fn encode_f32<C: Code>(
    fmt: &FloatFormat,
    src: &[f32],
    dst: &mut [C],
) -> Result<(), SliceError> {
    encode_f32_with(fmt, src, dst, Round::NEAREST_EVEN, &mut NoRandom)
}

/// Rounds `f32` values into `fmt` and stores their codes.
///
/// Element for element this is `fmt.from_f32_with(x, Round::new(mode, overflow), rng).value`, including
/// the random bits drawn (see the [module docs](self)).
///
/// # Errors
/// [`SliceError::CodeTooNarrow`] when the format is wider than `C`,
/// [`SliceError::LengthMismatch`] when the slices differ in length.
///
/// ```
/// use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
/// let src = [1.0f32, 65520.0, -2.0f32.powi(-24)];
/// let mut dst = [0u16; 3];
/// lowprec::float::slice::encode_f32_with(&FloatFormat::FP16, &src, &mut dst, Round::NEAREST_EVEN, &mut SplitMix64::new(0))?;
/// assert_eq!(dst, [0x3C00, 0x7C00, 0x8001]); // 1, +∞ (65520 is the overflow tie), −2⁻²⁴
/// # Ok::<(), lowprec::float::slice::SliceError>(())
/// ```
pub fn encode_f32_with<C: Code, R: RandomBits + ?Sized>(
    fmt: &FloatFormat,
    src: &[f32],
    dst: &mut [C],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<(), SliceError> {
    let Round { mode, overflow } = how.into();
    check_codes::<C>(fmt)?;
    check_len(src.len(), dst.len())?;
    #[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
    if f16c_nan(fmt, mode, overflow).is_some_and(|nan| f16c::encode(src, dst, nan)) {
        return Ok(());
    }
    let out = C::from_u64;
    run::<f32, R, false>(fmt, Copying { src, dst, out }, mode, overflow, rng);
    Ok(())
}

/// [`encode_f64_with`] rounding to nearest, ties to even, with the format's standard
/// overflow: the common case in one call.
pub fn encode_f64<C: Code>(
    fmt: &FloatFormat,
    src: &[f64],
    dst: &mut [C],
) -> Result<(), SliceError> {
    encode_f64_with(fmt, src, dst, Round::NEAREST_EVEN, &mut NoRandom)
}

/// Rounds `f64` values into `fmt` and stores their codes.
///
/// Element for element this is `fmt.from_f64_with(x, Round::new(mode, overflow), rng).value`: one
/// correct rounding from `f64`.
///
/// # Errors
/// [`SliceError::CodeTooNarrow`] when the format is wider than `C`,
/// [`SliceError::LengthMismatch`] when the slices differ in length.
///
/// ```
/// use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
/// let e5m10 = FloatFormat::FP16;
/// let src = [1.0f64 + 2f64.powi(-11), 3.0];
/// let mut dst = [0u16; 2];
/// let mut rng = SplitMix64::new(1);
/// lowprec::float::slice::encode_f64_with(&e5m10, &src, &mut dst, Round::new(Rounding::SR, Overflow::Ieee), &mut rng)?;
/// assert!(dst[0] == 0x3C00 || dst[0] == 0x3C01); // halfway: either neighbour
/// assert_eq!(dst[1], 0x4200); // exact values never move
/// # Ok::<(), lowprec::float::slice::SliceError>(())
/// ```
pub fn encode_f64_with<C: Code, R: RandomBits + ?Sized>(
    fmt: &FloatFormat,
    src: &[f64],
    dst: &mut [C],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<(), SliceError> {
    let Round { mode, overflow } = how.into();
    check_codes::<C>(fmt)?;
    check_len(src.len(), dst.len())?;
    let out = C::from_u64;
    run::<f64, R, false>(fmt, Copying { src, dst, out }, mode, overflow, rng);
    Ok(())
}

/// Decodes codes into `f32` values: element for element `fmt.to_f32(code)`.
///
/// Bits above the format's width are ignored. Values that `f32` cannot hold exactly
/// (formats wider than `f32`) are rounded to nearest-even.
///
/// # Errors
/// [`SliceError::CodeTooNarrow`] when the format is wider than `C`,
/// [`SliceError::LengthMismatch`] when the slices differ in length.
///
/// ```
/// use lowprec::FloatFormat;
/// let codes = [0x00u8, 0x01, 0x3C, 0x7E, 0x7F];
/// let mut xs = [0f32; 5];
/// lowprec::float::slice::decode_to_f32(&FloatFormat::E4M3FN, &codes, &mut xs)?;
/// assert_eq!(xs[..4], [0.0, 2f32.powi(-9), 1.5, 448.0]);
/// assert!(xs[4].is_nan());
/// # Ok::<(), lowprec::float::slice::SliceError>(())
/// ```
pub fn decode_to_f32<C: Code>(
    fmt: &FloatFormat,
    src: &[C],
    dst: &mut [f32],
) -> Result<(), SliceError> {
    check_codes::<C>(fmt)?;
    check_len(src.len(), dst.len())?;
    #[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
    if f16c_decode_nan(fmt).is_some_and(|nan| f16c::decode(src, dst, nan)) {
        return Ok(());
    }
    decode(fmt, src, dst);
    Ok(())
}

/// Decodes codes into `f64` values: element for element `fmt.to_f64(code)`.
///
/// Bits above the format's width are ignored; every format whose exponent range fits
/// `f64`'s decodes exactly.
///
/// # Errors
/// [`SliceError::CodeTooNarrow`] when the format is wider than `C`,
/// [`SliceError::LengthMismatch`] when the slices differ in length.
///
/// ```
/// use lowprec::FloatFormat;
/// let codes = [0x3C00u16, 0x7BFF, 0x0001];
/// let mut xs = [0f64; 3];
/// lowprec::float::slice::decode_to_f64(&FloatFormat::FP16, &codes, &mut xs)?;
/// assert_eq!(xs, [1.0, 65504.0, 2f64.powi(-24)]);
/// # Ok::<(), lowprec::float::slice::SliceError>(())
/// ```
pub fn decode_to_f64<C: Code>(
    fmt: &FloatFormat,
    src: &[C],
    dst: &mut [f64],
) -> Result<(), SliceError> {
    check_codes::<C>(fmt)?;
    check_len(src.len(), dst.len())?;
    decode(fmt, src, dst);
    Ok(())
}

fn check_len(src: usize, dst: usize) -> Result<(), SliceError> {
    if src == dst {
        Ok(())
    } else {
        Err(SliceError::LengthMismatch { src, dst })
    }
}

fn check_codes<C: Code>(fmt: &FloatFormat) -> Result<(), SliceError> {
    if fmt.width() <= C::BITS {
        Ok(())
    } else {
        Err(SliceError::CodeTooNarrow {
            format_bits: fmt.width(),
            code_bits: C::BITS,
        })
    }
}

// ---------------------------------------------------------------------------------------
// binary16 through F16C (x86 and x86-64, with `std` for the run-time feature check)
// ---------------------------------------------------------------------------------------

// The crate's one module with `unsafe` code: target-feature functions and the vector
// loads and stores, each block with its proof.
#[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
#[allow(unsafe_code)]
mod f16c;
#[cfg(all(
    test,
    feature = "std",
    any(target_arch = "x86", target_arch = "x86_64")
))]
mod f16c_tests;

/// The F16C path serves `f32` → binary16 ([`FloatFormat::FP16`]) with ties-to-even and
/// IEEE overflow, where `vcvtps2ph` rounds exactly as the exact path does (see
/// [`f16c`]) except on NaN inputs. For those calls, returns the `f32` bits `nan` of
/// lowprec's NaN value, so that `sign | nan` in a NaN lane gives the exact path's results:
/// its NaN code for that sign under `vcvtps2ph` (which keeps a quiet NaN's payload, here
/// of binary16 width) and its NaN value after `vcvtph2ps` (exact). The exact path's NaN
/// result depends only on the input's sign (its `Exact::Nan` carries no payload), so
/// asking it about ±NaN covers every NaN input; anything unexpected keeps the call on the
/// portable kernel.
#[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
fn f16c_nan(fmt: &FloatFormat, mode: Rounding, overflow: Overflow) -> Option<u32> {
    if *fmt != FloatFormat::FP16 || mode != Rounding::TiesToEven || overflow != Overflow::Ieee {
        return None;
    }
    let code = |x: f32| {
        fmt.from_f32_with(x, Round::new(mode, overflow), &mut NoRandom)
            .value
    };
    let (pos, neg) = (code(f32::NAN), code(-f32::NAN));
    // A positive quiet binary16 NaN (exponent all ones, quiet bit 0x200 set) and its
    // payload moved to the top of the f32 fraction: what vcvtps2ph maps back onto it.
    let nan = 0x7F80_0000 | ((pos as u32 & 0x3FF) << 13);
    let ok = pos & 0xFE00 == 0x7E00
        && neg == pos | 0x8000
        && fmt.to_f32(pos).to_bits() == nan
        && fmt.to_f32(neg).to_bits() == nan | 0x8000_0000;
    ok.then_some(nan)
}

/// The F16C path decodes binary16 codes, exactly as the exact path does except for NaN
/// codes (vcvtph2ps keeps their payloads). Returns the `f32` bits of lowprec's positive NaN
/// value, whose negation is the negative one: `to_f32` of a NaN code depends only on its
/// sign (the decoded `Exact::Nan` carries no payload), so the largest NaN code of each
/// sign stands for all.
#[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
fn f16c_decode_nan(fmt: &FloatFormat) -> Option<u32> {
    if *fmt != FloatFormat::FP16 {
        return None;
    }
    let (pos, neg) = (fmt.to_f32(0x7FFF), fmt.to_f32(0xFFFF));
    let ok = pos.is_nan() && pos.is_sign_positive() && neg.to_bits() == pos.to_bits() | 0x8000_0000;
    ok.then_some(pos.to_bits())
}

// ---------------------------------------------------------------------------------------
// Host types and their bit words
// ---------------------------------------------------------------------------------------

/// `u32` or `u64`: the bits of a host float, with the operations the kernels use.
trait Word:
    Copy
    + PartialEq
    + PartialOrd
    + BitAnd<Output = Self>
    + BitOr<Output = Self>
    + BitXor<Output = Self>
    + Not<Output = Self>
    + Shl<u32, Output = Self>
    + Shr<u32, Output = Self>
{
    const BITS: u32;
    const ZERO: Self;
    const ONE: Self;
    fn wadd(self, o: Self) -> Self;
    fn wsub(self, o: Self) -> Self;
    /// All ones when `b`, else zero.
    fn mask(b: bool) -> Self;
    /// The low bits of `x`.
    fn from_u64(x: u64) -> Self;
    fn to_u64(self) -> u64;
    /// Signed less-than (both operands below 2^(BITS−1) wherever it is used).
    fn slt(self, o: Self) -> bool;
    /// All ones when the top bit is set (an arithmetic shift right by BITS − 1).
    fn sign_fill(self) -> Self;
}

macro_rules! impl_word {
    ($($t:ty : $s:ty),*) => {$(
        impl Word for $t {
            const BITS: u32 = <$t>::BITS;
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn wadd(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn wsub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn mask(b: bool) -> Self {
                (b as $t).wrapping_neg()
            }
            #[inline(always)]
            fn from_u64(x: u64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_u64(self) -> u64 {
                self as u64
            }
            #[inline(always)]
            fn slt(self, o: Self) -> bool {
                (self as $s) < (o as $s)
            }
            #[inline(always)]
            fn sign_fill(self) -> Self {
                ((self as $s) >> (<$t>::BITS - 1)) as $t
            }
        }
    )*};
}
impl_word!(u32: i32, u64: i64);

/// `f32` or `f64`. Rust's float arithmetic is IEEE 754 binary32/binary64 with
/// round-to-nearest-even and gradual underflow; the kernels' proofs rely on exactly that.
trait Host: Copy + PartialOrd + Add<Output = Self> + Sub<Output = Self> {
    type Bits: Word;
    /// Stored fraction bits (23, 52).
    const MAN: u32;
    /// Exponent bias (127, 1023), which is also the largest exponent.
    const BIAS: i32;
    const ZERO: Self;
    fn to_bits(self) -> Self::Bits;
    fn from_bits(b: Self::Bits) -> Self;
    fn exact(self) -> Exact;
    fn from_code(fmt: &FloatFormat, code: u64) -> Self;
    /// `x` rounded to the host type (callers pass only exactly representable values).
    fn from_f64(x: f64) -> Self;

    /// Bits of 2^e, for e within the host's range (normal or subnormal).
    #[inline]
    fn pow2_bits(e: i32) -> Self::Bits {
        let biased = e + Self::BIAS;
        if biased >= 1 {
            Self::Bits::from_u64(biased as u64) << Self::MAN
        } else {
            Self::Bits::ONE << ((biased - 1 + Self::MAN as i32) as u32)
        }
    }
}

impl Host for f32 {
    type Bits = u32;
    const MAN: u32 = 23;
    const BIAS: i32 = 127;
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn to_bits(self) -> u32 {
        self.to_bits()
    }
    #[inline(always)]
    fn from_bits(b: u32) -> Self {
        f32::from_bits(b)
    }
    fn exact(self) -> Exact {
        Exact::from_f32(self)
    }
    fn from_code(fmt: &FloatFormat, code: u64) -> Self {
        fmt.to_f32(code)
    }
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

impl Host for f64 {
    type Bits = u64;
    const MAN: u32 = 52;
    const BIAS: i32 = 1023;
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn to_bits(self) -> u64 {
        self.to_bits()
    }
    #[inline(always)]
    fn from_bits(b: u64) -> Self {
        f64::from_bits(b)
    }
    fn exact(self) -> Exact {
        Exact::from_f64(self)
    }
    fn from_code(fmt: &FloatFormat, code: u64) -> Self {
        fmt.to_f64(code)
    }
    fn from_f64(x: f64) -> Self {
        x
    }
}

/// Whether `fmt`'s codes and values suit the integer kernels for host `H`.
///
/// Signed with a zero (so the code layout is sign | exponent | fraction with no value
/// at a negative code but NaN); m ≤ the host's fraction bits (so a normal result is the
/// host's bits shifted right by s = MAN − m); emin ≥ the host's emin (so every
/// normal-range result comes from a normal host number, and every host subnormal is a
/// subnormal-range result); 2^(q_min + MAN + 1) finite (the magic addend and its double
/// exist); codes narrower than the host word (room for the sign bit).
fn kernel_friendly<H: Host>(fmt: &FloatFormat) -> bool {
    let emin = fmt.emin();
    fmt.is_signed()
        && fmt.has_zero()
        && fmt.man_bits() <= H::MAN
        && emin >= 1 - H::BIAS
        && fmt.quantum_min() + (H::MAN as i32) < H::BIAS
        && fmt.exp_bits() + fmt.man_bits() < H::Bits::BITS
}

// ---------------------------------------------------------------------------------------
// Encoding and quantizing: the plan (per-call constants) and the lanes
// ---------------------------------------------------------------------------------------

/// The lean finish of [`Fast`] plans: NaN inputs give the overflow result, or take
/// their own select (`FAST_NAN`).
const FAST_NONE: u8 = 0;
const FAST_NAN: u8 = 1;
/// Not lean: the full [`Plan::finish`].
const GENERAL: u8 = 2;

/// The kernel a call runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kernel {
    /// Round-to-nearest-even, one formula for every finite result ([`rne_lane`]).
    Rne,
    /// Any deterministic mode, the normal range by integer rounding and, when `sub`, a
    /// separate subnormal path ([`split_lane`]); `rne` specializes it to ties-to-even.
    Split { sub: bool, rne: bool },
    /// The scalar integer path ([`scalar_lane`]): stochastic modes.
    Scalar,
}

/// Per-call constants of the kernels, hoisted out of the loops.
#[derive(Clone, Copy)]
struct Plan<H: Host> {
    kernel: Kernel,
    /// The lean finish, where it applies, for code and for value output.
    fast_code: Option<Fast<H>>,
    fast_value: Option<Fast<H>>,
    /// (host bits >> sign_shift) & code_sign moves the host's sign bit to the code's.
    sign_shift: u32,
    /// s = MAN − m: host fraction bits dropped for a normal-range result.
    s: u32,
    /// The format's finest quantum is 2^q_min.
    q_min: i32,
    /// |x| mask and the host sign bit.
    abs: H::Bits,
    host_sign: H::Bits,
    /// Host bits of +∞ (also the exponent mask); |x| bits above it are NaN.
    inf_bits: H::Bits,
    /// Host bits of 2^emin: |x| below it has a subnormal-range result.
    min_normal: H::Bits,
    /// code = (|x| bits >> s) + rebias for normal-range results: (bias − host bias) << m.
    rebias: H::Bits,
    /// The magic addend C = 2^(q_min + MAN), whose ulp is the format's finest quantum.
    c: H,
    c_bits: H::Bits,
    /// q/2 = 2^(q_min − 1) (or the host's least subnormal if that underflows).
    half_q: H,
    /// 0 with subnormals; m without (the kept 0/1 at quantum 2^emin is code 0 / 2^m).
    sub_shift: u32,
    max_mag: H::Bits,
    code_sign: H::Bits,
    /// All ones when the format has −0.
    neg_zero: H::Bits,
    /// [`rne_lane`]: 2^emin as a host float, s << MAN, and the code offset
    /// K = ((bias − host bias − 1) << m) − (s << MAN).
    min_normal_f: H,
    s_exp: H::Bits,
    k: H::Bits,
    /// Round-to-nearest-even kernels: the least |x| bits that overflow.
    thr: H::Bits,
    /// Results for overflow, ±∞ and NaN inputs, [positive, negative], as codes and as
    /// host-value bits; computed by the exact path.
    ovf: [H::Bits; 2],
    inf: [H::Bits; 2],
    nan: [H::Bits; 2],
    ovf_v: [H::Bits; 2],
    inf_v: [H::Bits; 2],
    nan_v: [H::Bits; 2],
    /// [`split_lane`]'s rounding table.
    table: Table<H::Bits>,
}

/// The lean finish of a round-to-nearest-even lane, for formats with −0 whose results
/// for overflow and ±∞ are one code (value) with the input's sign.
///
/// Rounding is monotone, so clamping |x| to `clamp` before rounding turns every
/// overflowing input (±∞ included, and NaN, as the compare-select `|x| < clamp ? |x| :
/// clamp` is false for NaN) into the overflow result: `clamp` is the least overflowing
/// |x| when the overflow result is the code after max_mag (IEEE ∞, E4M3FN's NaN: the
/// lane's carry produces it), or the largest non-overflowing |x| when it is max_mag
/// (saturation). The sign is then ORed in; NaN gets its own select when its result
/// differs (`FAST_NAN`), with the sign ORed in too (`nan`'s two signs are symmetric).
#[derive(Clone, Copy)]
struct Fast<H: Host> {
    clamp: H,
    kind: u8,
    nan: H::Bits,
    /// Values only: all ones when |x| ≥ the threshold must be replaced by `ovf` (the
    /// overflow value is ∞ or NaN, which no clamped lane computes).
    select_big: H::Bits,
    ovf: H::Bits,
}

/// A deterministic mode as [`split_lane`] needs it.
///
/// Normal lanes add B = b0 + (neg & bn) + (odd & bo) below the kept bits, where `odd` is
/// the host bit at position s. Subnormal lanes classify the discarded fraction δ as
/// d2 = 0 (exact), 1 (below ½), 2 (½) or 3 (above) and increment when
/// d2 + s0 + (neg & sn) + (odd & so) ≥ 4, where `odd` is the kept parity.
#[derive(Clone, Copy)]
struct Table<B> {
    b0: B,
    bn: B,
    bo: B,
    /// The subnormal lanes' bias S = s0 + (neg & sn) + (odd & so), added to d2.
    s0: B,
    sn: B,
    so: B,
}

impl<H: Host> Plan<H> {
    fn new(fmt: &FloatFormat, mode: Rounding, overflow: Overflow) -> Option<Self> {
        if !kernel_friendly::<H>(fmt) {
            return None;
        }
        let (zero, one) = (H::Bits::ZERO, H::Bits::ONE);
        let m = fmt.man_bits();
        let s = H::MAN - m;
        let q_min = fmt.quantum_min();
        let host_emin = 1 - H::BIAS;
        let bias_diff = i64::from(fmt.bias()) - i64::from(H::BIAS);
        let rebias = H::Bits::from_u64((bias_diff << m) as u64);
        let host_sign = one << (H::Bits::BITS - 1);
        let inf_bits = H::Bits::from_u64((2 * H::BIAS + 1) as u64) << H::MAN;
        let least = host_emin - H::MAN as i32;
        let c_bits = H::pow2_bits(q_min + H::MAN as i32);
        let min_normal = H::pow2_bits(fmt.emin());
        let max_mag = H::Bits::from_u64(fmt.max_mag());
        let code_sign = H::Bits::from_u64(fmt.sign_bit());
        let neg_zero = H::Bits::mask(fmt.has_neg_zero());

        let special = |x: Exact| {
            fmt.round(x, Round::new(mode, overflow), &mut NoRandom)
                .value
        };
        let value = |code: u64| H::from_code(fmt, code).to_bits();
        // An exact value far beyond every format's range: its result is the overflow
        // result of `mode` (|bias| ≤ 2²⁰ and 11 exponent bits keep emax below 2²⁴).
        let huge = |negative| Exact::from_parts(negative, 1, 1 << 24);
        let ovf = [special(huge(false)), special(huge(true))];
        let inf = [
            special(Exact::Inf { negative: false }),
            special(Exact::Inf { negative: true }),
        ];
        let nan = [
            special(Exact::Nan { negative: false }),
            special(Exact::Nan { negative: true }),
        ];
        let (ovf_v, inf_v, nan_v) = (ovf.map(value), inf.map(value), nan.map(value));
        let word = |c: [u64; 2]| c.map(H::Bits::from_u64);
        let (ovf, inf, nan) = (word(ovf), word(inf), word(nan));

        // The kernel. Ties-to-even with subnormals (m ≥ 1, so the code's parity is the
        // significand's; s ≥ 1, so something is rounded) has a one-formula kernel when
        // 2^(emax + s + 1) is finite (the per-binade addend below overflow); formats
        // whose emin is the host's keep host subnormals in the integer path (the same
        // fixed-point layout, no rebias).
        let table = Table::new(mode, s, m == 0 && bias_diff & 1 == 1);
        let rne_table = table.is_some_and(|t| t.bn == zero && t.bo == one);
        let kernel = match table {
            _ if mode.is_stochastic() => Kernel::Scalar,
            None => Kernel::Scalar,
            Some(_)
                if mode == Rounding::TiesToEven
                    && m >= 1
                    && s >= 1
                    && fmt.has_subnormals()
                    && fmt.emax() + (s as i32) < H::BIAS =>
            {
                Kernel::Rne
            }
            Some(_) => Kernel::Split {
                sub: !(fmt.emin() == host_emin && fmt.has_subnormals()),
                rne: mode == Rounding::TiesToEven && rne_table,
            },
        };

        // The least |x| whose nearest-even rounding overflows: just above, or at, the tie
        // T = max + ½ulp (whose host bits are max's plus 2^(s−1): same binade, m + 2 bits).
        let rne_kernel = matches!(
            kernel,
            Kernel::Rne
                | Kernel::Split {
                    sub: false,
                    rne: true
                }
        );
        let mut fast_code = None;
        let mut fast_value = None;
        let max_bits = value(fmt.max_mag());
        let mut thr = inf_bits;
        if rne_kernel && s >= 1 && fmt.emax() <= H::BIAS {
            // max's quantum: 2^(emax − m), or the subnormal quantum when max is subnormal
            // (formats without normal numbers, such as e1m2).
            // T has at most m + 2 ≤ MAN + 1 significant bits and lies within the host's
            // range (emax ≤ host bias, q − 1 ≥ q_min − 1 ≥ the host's least exponent as
            // s ≥ 1), so f64 arithmetic and the conversion to the host are exact.
            let q = (fmt.emax() - m as i32).max(q_min);
            let t = H::from_f64(fmt.max_value() + pow2(q - 1)).to_bits();
            let r = fmt.round(
                H::from_bits(t).exact(),
                Round::new(mode, overflow),
                &mut NoRandom,
            );
            thr = if r.status.contains(Status::OVERFLOW) {
                t
            } else {
                t.wadd(one)
            };
        }
        if thr != inf_bits && fmt.has_neg_zero() {
            let fast = |ovf: [H::Bits; 2],
                        inf: [H::Bits; 2],
                        nan: [H::Bits; 2],
                        sign: H::Bits,
                        natural: H::Bits,
                        saturated: H::Bits,
                        value: bool| {
                let symmetric = |pair: [H::Bits; 2]| pair[1] == pair[0] | sign;
                if !symmetric(ovf) || inf != ovf || !symmetric(nan) {
                    return None;
                }
                let (clamp, select_big) = if ovf[0] == saturated {
                    (thr.wsub(one), zero)
                } else if !value && ovf[0] == natural {
                    (thr, zero)
                } else if value {
                    (thr, !zero)
                } else {
                    return None;
                };
                Some(Fast {
                    clamp: H::from_bits(clamp),
                    kind: if nan == ovf { FAST_NONE } else { FAST_NAN },
                    nan: nan[0],
                    select_big,
                    ovf: ovf[0],
                })
            };
            // The lane's own code at the threshold is the one after max_mag.
            fast_code = fast(ovf, inf, nan, code_sign, max_mag.wadd(one), max_mag, false);
            fast_value = fast(ovf_v, inf_v, nan_v, host_sign, zero, max_bits, true);
        }

        let min_normal_f = H::from_bits(min_normal);
        let s_exp = H::Bits::from_u64(u64::from(s)) << H::MAN;
        let k = H::Bits::from_u64(((bias_diff - 1) << m) as u64).wsub(s_exp);
        Some(Plan {
            kernel,
            fast_code,
            fast_value,
            sign_shift: (H::Bits::BITS - 1).saturating_sub(fmt.exp_bits() + m),
            s,
            q_min,
            abs: !host_sign,
            host_sign,
            inf_bits,
            min_normal,
            rebias,
            c: H::from_bits(c_bits),
            c_bits,
            half_q: H::from_bits(H::pow2_bits((q_min - 1).max(least))),
            sub_shift: if fmt.has_subnormals() { 0 } else { m },
            max_mag,
            code_sign,
            neg_zero,
            min_normal_f,
            s_exp,
            k,
            thr,
            ovf,
            inf,
            nan,
            ovf_v,
            inf_v,
            nan_v,
            table: table.unwrap_or(Table {
                b0: zero,
                bn: zero,
                bo: zero,
                s0: zero,
                sn: zero,
                so: zero,
            }),
        })
    }

    /// Assembles a lane's result from its magnitude code `code` (or host-value bits `v`):
    /// the overflow result where `big`, the sign (none on a zero of a format without
    /// −0), then per-sign selects for overflow, NaN and ±∞ inputs. Branchless.
    #[inline(always)]
    fn finish<const VALUE: bool>(
        &self,
        a: H::Bits,
        negm: H::Bits,
        big: bool,
        code: H::Bits,
        v: H::Bits,
    ) -> H::Bits {
        let (sign, ovf, nan, inf) = if VALUE {
            (self.host_sign, self.ovf_v, self.nan_v, self.inf_v)
        } else {
            (self.code_sign, self.ovf, self.nan, self.inf)
        };
        let pick = |pair: [H::Bits; 2]| pair[0] ^ (negm & (pair[0] ^ pair[1]));
        let mag = if VALUE { v } else { code };
        let keep = H::Bits::mask(mag != H::Bits::ZERO) | self.neg_zero;
        let out = mag | (negm & keep & sign);
        let out = if big { pick(ovf) } else { out };
        let out = if self.inf_bits.slt(a) { pick(nan) } else { out };
        if a == self.inf_bits { pick(inf) } else { out }
    }

    /// The lean finish of a [`Fast`] plan (the input was clamped before rounding): the
    /// NaN select if `F` is `FAST_NAN`, then the input's sign.
    #[inline(always)]
    fn finish_fast<const F: u8, const VALUE: bool>(
        &self,
        fast: &Fast<H>,
        bits: H::Bits,
        a: H::Bits,
        mag: H::Bits,
    ) -> H::Bits {
        let mag = if VALUE {
            let big = H::Bits::mask(!a.slt(self.thr)) & fast.select_big;
            (mag & !big) | (fast.ovf & big)
        } else {
            mag
        };
        let mag = if F == FAST_NAN && self.inf_bits.slt(a) {
            fast.nan
        } else {
            mag
        };
        let sign = if VALUE {
            bits & self.host_sign
        } else {
            (bits >> self.sign_shift) & self.code_sign
        };
        mag | sign
    }
}

impl<B: Word> Table<B> {
    /// The table of a deterministic mode, read off [`round_increment`]: for each sign and
    /// parity, whether it increments a discarded fraction below, at and above one half.
    /// `None` if the answers are not monotone in δ or depend on both sign and parity (no
    /// current mode does either; such a mode would take the scalar path).
    fn new(mode: Rounding, s: u32, flip_parity: bool) -> Option<Self> {
        if mode.is_stochastic() {
            return None;
        }
        let below = Discarded {
            frac: 1,
            sticky: false,
        };
        let tie = Discarded {
            frac: 1 << 63,
            sticky: false,
        };
        let above = Discarded {
            frac: u64::MAX,
            sticky: true,
        };
        // inc[neg][odd] = [gt, eq, lt]
        let mut inc = [[[false; 3]; 2]; 2];
        for (neg, row) in inc.iter_mut().enumerate() {
            for (odd, cell) in row.iter_mut().enumerate() {
                let (n, o) = (neg == 1, odd == 1);
                *cell = [
                    round_increment(n, o, above, mode, &mut NoRandom),
                    round_increment(n, o, tie, mode, &mut NoRandom),
                    round_increment(n, o, below, mode, &mut NoRandom),
                ];
                let [gt, eq, lt] = *cell;
                if (lt && !eq) || (eq && !gt) {
                    return None;
                }
            }
        }
        // Normal lanes: inc = [d + B ≥ 2^s] for the discarded bits d ∈ [0, 2^s), so
        // B = 2^s − (the least d that increments): 2^s − 1 if every inexact d does,
        // 2^(s−1) if ties do, 2^(s−1) − 1 if only d > half does, 0 if none does.
        let bias = |[gt, eq, lt]: [bool; 3]| -> B {
            if s == 0 {
                return B::ZERO; // nothing is discarded
            }
            let half = B::ONE << (s - 1);
            if lt {
                (half << 1).wsub(B::ONE)
            } else if eq {
                half
            } else if gt {
                half.wsub(B::ONE)
            } else {
                B::ZERO
            }
        };
        // The host bit at position s is the code's parity except for m = 0 with an odd
        // bias difference, where code = (bits >> s) + rebias flips it.
        let bt = |neg: usize, odd_bit: usize| bias(inc[neg][odd_bit ^ flip_parity as usize]);
        let b0 = bt(0, 0);
        let bn = bt(1, 0).wsub(b0);
        let bo = bt(0, 1).wsub(b0);
        if bt(1, 1) != b0.wadd(bn).wadd(bo) {
            return None;
        }
        // Subnormal lanes: the same rule on a two-bit fraction d2 (0 exact, 1 below a
        // tie, 2 at it, 3 above), with the kept value's own parity.
        let b2 = |neg: usize, odd: usize| {
            let [gt, eq, lt] = inc[neg][odd];
            B::from_u64(if lt {
                3
            } else if eq {
                2
            } else {
                u64::from(gt)
            })
        };
        let s0 = b2(0, 0);
        let sn = b2(1, 0).wsub(s0);
        let so = b2(0, 1).wsub(s0);
        if b2(1, 1) != s0.wadd(sn).wadd(so) {
            return None;
        }
        Some(Table {
            b0,
            bn,
            bo,
            s0,
            sn,
            so,
        })
    }
}

// Every compare below is signed (`slt`): |x| bits are below 2^(BITS−1), and so is every
// code a lane computes for a finite input (shown where the code is formed).

/// Round-to-nearest-even in one formula for normal and subnormal results.
///
/// Let E' = max(E, emin) where 2^E ≤ |x| < 2^(E+1), and C = 2^(E' + s). Then
/// |x| < 2^(E'+1) ≤ C (s ≥ 1), so y = |x| + C lies in [C, 2C], where the host's spacing
/// is 2^(E' + s − MAN) = 2^(E' − m): the format's quantum at |x| (for E' = emin also the
/// subnormal quantum). The host's RNE addition therefore rounds |x| once, correctly, to
/// r = y − C (exact: Sterbenz), ties to even on y's last bit, which is r's quantum count's
/// parity, the code's parity (C's is even; m ≥ 1). Counting quanta, y's bits exceed C's
/// by the significand r/2^(E'−m) ∈ [2^m, 2^(m+1)] (below 2^m for a subnormal result),
/// so code = bits(y) − bits(C) + ((E' + bias − 1) << m), a carry included. With
/// bits(C) = bits(2^E') + (s << MAN) and (E' + host bias) << m = bits(2^E') >> s:
/// code = bits(y) − bits(2^E') + (bits(2^E') >> s) + K. C is finite for every |x| below
/// the overflow threshold because emax + s + 1 ≤ host bias; at and above it the lane's
/// code is not used (`big`, or the clamp of a [`Fast`] plan).
#[inline(always)]
fn rne_lane<H: Host, const F: u8, const VALUE: bool>(p: &Plan<H>, fast: &Fast<H>, x: H) -> H::Bits {
    let bits = x.to_bits();
    let a = bits & p.abs;
    let xa = H::from_bits(a);
    let xa = if F == GENERAL || xa < fast.clamp {
        xa
    } else {
        fast.clamp
    };
    // 2^E' from |x|'s exponent bits (`max` as a compare-select: never NaN here).
    let e = H::from_bits(xa.to_bits() & p.inf_bits);
    let e = if e > p.min_normal_f {
        e
    } else {
        p.min_normal_f
    };
    let e_bits = e.to_bits();
    let c = H::from_bits(e_bits.wadd(p.s_exp));
    let y = xa + c;
    // code ≤ max_mag + 1 < 2^(BITS−1) for |x| below the threshold.
    let code = y.to_bits().wsub(e_bits).wadd(e_bits >> p.s).wadd(p.k);
    let v = if VALUE { (y - c).to_bits() } else { code };
    if F != GENERAL {
        return p.finish_fast::<F, VALUE>(fast, bits, a, if VALUE { v } else { code });
    }
    p.finish::<VALUE>(a, bits.sign_fill(), !a.slt(p.thr), code, v)
}

/// Any deterministic mode: integer rounding for normal-range results, and for `SUB` a
/// magic-addend subnormal path. Branchless.
#[inline(always)]
fn split_lane<H: Host, const RNE: bool, const SUB: bool, const F: u8, const VALUE: bool>(
    p: &Plan<H>,
    fast: &Fast<H>,
    x: H,
) -> H::Bits {
    let one = H::Bits::ONE;
    let t = &p.table;
    let bits = x.to_bits();
    let a0 = bits & p.abs;
    let negm = bits.sign_fill();
    let a = if F == GENERAL || H::from_bits(a0) < fast.clamp {
        a0
    } else {
        fast.clamp.to_bits()
    };

    // Normal-range result (|x| ≥ 2^emin, a normal host number): the code is the host's
    // exponent and top m fraction bits, rebiased. Rounding adds B < 2^s below them:
    // ((a + B) >> s) = (a >> s) + [d + B ≥ 2^s] for the dropped bits d, and a carry out
    // of the fraction runs into the exponent (1.1…1 + ulp = 10.0…0, the next binade's
    // first code; past the largest exponent it lands beyond max_mag: overflow). The
    // code is below (host bias + 2 + bias) << m ≤ 2^(BITS−1) (bias ≤ host bias, m ≤ MAN).
    let odd_bit = (a >> p.s) & one;
    let b = if RNE {
        // B = 2^(s−1) − 1 + odd: increments iff d > half, or d = half and odd.
        t.b0.wadd(odd_bit)
    } else {
        t.b0.wadd(negm & t.bn)
            .wadd(H::Bits::ZERO.wsub(odd_bit) & t.bo)
    };
    let kept_n = a.wadd(b) >> p.s;
    let code_n = kept_n.wadd(p.rebias);
    let v_n = kept_n << p.s;

    let (code, v) = if SUB {
        // Subnormal-range result (|x| < 2^emin ≤ C·2^−s): y = |x| + C lies in [C, 2C]
        // where the host's spacing is exactly the format's quantum q = 2^q_min, so the
        // host's RNE addition rounds |x| to a multiple of q once, correctly; y's bits
        // count quanta above C's (2C's bits are C's plus 2^MAN: the carry into the normal
        // range).
        let xa = H::from_bits(a);
        let y = xa + p.c;
        let mut kept_s = y.to_bits().wsub(p.c_bits);
        if !RNE {
            // r = y − C is exact (Sterbenz: C ≤ y ≤ 2C); err = |x| − r is exact (r = 0,
            // or r ≥ q and |err| ≤ q/2 so r/2 ≤ |x| ≤ 2r). From the nearest kept value
            // and err's sign and size, recover truncation and the discarded fraction δ:
            // err < 0 ⇒ trunc = kept − 1, δ = 1 − |err|/q ≥ ½; err > 0 ⇒ δ = err/q ≤ ½.
            let r = y - p.c;
            let err = xa - r;
            let zero = H::ZERO;
            let up = err < zero;
            // (Bitwise `|`/`&` on the compares: short-circuits would keep the loop from
            // vectorizing.)
            let eq = (err == p.half_q) | (zero - err == p.half_q);
            let gt = up & !eq;
            let inexact = err != zero;
            let trunc = kept_s.wsub(H::Bits::mask(up) & one);
            // d2 = [inexact] + [δ ≥ ½] + [δ > ½]: 0, 1, 2 or 3.
            let d2 = (H::Bits::mask(inexact) & one)
                .wadd(H::Bits::mask(eq | gt) & one)
                .wadd(H::Bits::mask(gt) & one);
            let oddm = H::Bits::ZERO.wsub(trunc & one);
            let bias = t.s0.wadd(negm & t.sn).wadd(oddm & t.so);
            kept_s = trunc.wadd(d2.wadd(bias) >> 2);
        }
        // Value bits: C + kept·q − C, exact (Sterbenz); without subnormals q = 2^emin.
        let code_s = kept_s << p.sub_shift;
        let v_s = (H::from_bits(p.c_bits.wadd(kept_s)) - p.c).to_bits();
        let sub = a.slt(p.min_normal);
        (
            if sub { code_s } else { code_n },
            if sub { v_s } else { v_n },
        )
    } else {
        (code_n, v_n)
    };
    if F != GENERAL {
        return p.finish_fast::<F, VALUE>(fast, bits, a0, if VALUE { v } else { code });
    }
    p.finish::<VALUE>(a, negm, p.max_mag.slt(code), code, v)
}

/// One element through the scalar integer path: any mode, stochastic included. The
/// element is split into kept bits and the discarded fraction exactly as the exact path
/// splits the decoded value, and `decide` — [`round_increment`] with the call's mode —
/// says whether to increment, drawing random bits only for inexact values.
#[inline(always)]
fn scalar_lane<H: Host, const VALUE: bool>(
    p: &Plan<H>,
    x: H,
    decide: &mut ByMode<'_, impl RandomBits + ?Sized>,
) -> H::Bits {
    let one = H::Bits::ONE;
    let zero = H::Bits::ZERO;
    let bits = x.to_bits();
    let a = bits & p.abs;
    let negm = bits.sign_fill();
    let neg = negm != zero;
    if !a.slt(p.min_normal) && a.slt(p.inf_bits) {
        // Normal-range result: drop s bits; δ·2⁶⁴ = d << (64 − s), nothing below it
        // (d ≠ 0 implies s ≥ 1). The code is at least 2^m, never zero: the sign stays.
        let trunc = a >> p.s;
        let d = (a & ((one << p.s).wsub(one))).to_u64();
        let code_t = trunc.wadd(p.rebias);
        let inc = d != 0
            && decide.decide(
                neg,
                code_t & one == one,
                Discarded {
                    frac: d << (64 - p.s),
                    sticky: false,
                },
            );
        let inc = H::Bits::from_u64(u64::from(inc));
        let code = code_t.wadd(inc);
        if p.max_mag.slt(code) {
            return p.finish::<VALUE>(a, negm, true, code, zero);
        }
        return if VALUE {
            (trunc.wadd(inc) << p.s) | (bits & p.host_sign)
        } else {
            code | (negm & p.code_sign)
        };
    }
    if !a.slt(p.inf_bits) {
        // NaN or ±∞: the per-sign selects give the result; nothing is drawn.
        return p.finish::<VALUE>(a, negm, false, zero, zero);
    }
    // |x| = sig · 2^(E − BIAS − MAN) with E = max(exponent field, 1); the format's
    // quantum 2^q_min lies sh = q_min + BIAS + MAN − E ≥ s ≥ 0 bits above the last bit
    // (E ≤ emin + BIAS, equality only for host subnormals when emin is the host's).
    // δ·2⁶⁴ is the low sh bits of sig aligned to the top of a u64 (0 < sh < 64), or
    // sig >> (sh − 64) with the rest in the sticky bit.
    let field = (a >> H::MAN).to_u64();
    let sig = (a & ((one << H::MAN).wsub(one))).to_u64() | (u64::from(field != 0) << H::MAN);
    let sh =
        (i64::from(p.q_min) + i64::from(H::BIAS) + i64::from(H::MAN) - field.max(1) as i64) as u64;
    let (trunc, frac, sticky) = if sh == 0 {
        (sig, 0, false)
    } else if sh < 64 {
        (sig >> sh, sig << (64 - sh), false)
    } else if sh < 128 {
        let k = sh - 64;
        (0, sig >> k, sig & ((1u64 << k) - 1) != 0)
    } else {
        (0, 0, sig != 0)
    };
    let inc = decide.decide(neg, trunc & 1 == 1, Discarded { frac, sticky });
    let kept = H::Bits::from_u64(trunc + u64::from(inc));
    let v = (H::from_bits(p.c_bits.wadd(kept)) - p.c).to_bits();
    let code = kept << p.sub_shift;
    p.finish::<VALUE>(a, negm, p.max_mag.slt(code), code, v)
}

/// Where a kernel's results go: a separate destination, or back into the source.
trait Io<H: Host> {
    /// Runs `f` on every element in order and stores what it returns: a code, or the
    /// host bits of a value, zero-extended.
    fn apply(self, f: impl FnMut(H) -> u64);
}

/// Out of place: `out` turns a lane's result into the destination type.
struct Copying<'a, H, T, O> {
    src: &'a [H],
    dst: &'a mut [T],
    out: O,
}

impl<H: Host, T, O: Fn(u64) -> T> Io<H> for Copying<'_, H, T, O> {
    #[inline(always)]
    fn apply(self, mut f: impl FnMut(H) -> u64) {
        for (x, d) in self.src.iter().zip(self.dst.iter_mut()) {
            *d = (self.out)(f(*x));
        }
    }
}

/// In place: values only.
struct InPlace<'a, H>(&'a mut [H]);

impl<H: Host> Io<H> for InPlace<'_, H> {
    #[inline(always)]
    fn apply(self, mut f: impl FnMut(H) -> u64) {
        for x in self.0.iter_mut() {
            *x = H::from_bits(H::Bits::from_u64(f(*x)));
        }
    }
}

/// Rounds every element through the best path for `fmt` and `mode`.
fn run<H: Host, R: RandomBits + ?Sized, const VALUE: bool>(
    fmt: &FloatFormat,
    io: impl Io<H>,
    mode: Rounding,
    overflow: Overflow,
    rng: &mut R,
) {
    let Some(plan) = Plan::<H>::new(fmt, mode, overflow) else {
        io.apply(|x| {
            let code = fmt.round(x.exact(), Round::new(mode, overflow), rng).value;
            if VALUE {
                H::from_code(fmt, code).to_bits().to_u64()
            } else {
                code
            }
        });
        return;
    };
    let p = &plan;
    let (kind, fast) = match if VALUE { p.fast_value } else { p.fast_code } {
        Some(f) => (f.kind, f),
        None => (
            GENERAL,
            Fast {
                clamp: H::ZERO,
                kind: GENERAL,
                nan: H::Bits::ZERO,
                select_big: H::Bits::ZERO,
                ovf: H::Bits::ZERO,
            },
        ),
    };
    let f = &fast;
    match (p.kernel, kind) {
        (Kernel::Rne, FAST_NONE) => io.apply(|x| rne_lane::<H, FAST_NONE, VALUE>(p, f, x).to_u64()),
        (Kernel::Rne, FAST_NAN) => io.apply(|x| rne_lane::<H, FAST_NAN, VALUE>(p, f, x).to_u64()),
        (Kernel::Rne, _) => io.apply(|x| rne_lane::<H, GENERAL, VALUE>(p, f, x).to_u64()),
        (
            Kernel::Split {
                sub: false,
                rne: true,
            },
            FAST_NONE,
        ) => io.apply(|x| split_lane::<H, true, false, FAST_NONE, VALUE>(p, f, x).to_u64()),
        (
            Kernel::Split {
                sub: false,
                rne: true,
            },
            FAST_NAN,
        ) => io.apply(|x| split_lane::<H, true, false, FAST_NAN, VALUE>(p, f, x).to_u64()),
        (
            Kernel::Split {
                sub: false,
                rne: true,
            },
            _,
        ) => io.apply(|x| split_lane::<H, true, false, GENERAL, VALUE>(p, f, x).to_u64()),
        (
            Kernel::Split {
                sub: true,
                rne: true,
            },
            _,
        ) => io.apply(|x| split_lane::<H, true, true, GENERAL, VALUE>(p, f, x).to_u64()),
        (
            Kernel::Split {
                sub: false,
                rne: false,
            },
            _,
        ) => io.apply(|x| split_lane::<H, false, false, GENERAL, VALUE>(p, f, x).to_u64()),
        (
            Kernel::Split {
                sub: true,
                rne: false,
            },
            _,
        ) => io.apply(|x| split_lane::<H, false, true, GENERAL, VALUE>(p, f, x).to_u64()),
        (Kernel::Scalar, _) => match mode {
            // One loop per stochastic rule, so that the decision's dispatch on the rule
            // folds away.
            Rounding::Stochastic(Stochastic { kind, .. }) => match kind {
                SrKind::Proportional => scalar_run::<H, R, 0, VALUE>(p, io, mode, rng),
                SrKind::Equal => scalar_run::<H, R, 1, VALUE>(p, io, mode, rng),
                SrKind::P3109A => scalar_run::<H, R, 2, VALUE>(p, io, mode, rng),
                SrKind::P3109B => scalar_run::<H, R, 3, VALUE>(p, io, mode, rng),
                SrKind::P3109C => scalar_run::<H, R, 4, VALUE>(p, io, mode, rng),
            },
            _ => scalar_run::<H, R, 5, VALUE>(p, io, mode, rng),
        },
    }
}

/// The [`scalar_lane`] loop; `KIND` 0–4 fixes the stochastic rule (in `SrKind` order),
/// 5 leaves `mode` as it is.
fn scalar_run<H: Host, R: RandomBits + ?Sized, const KIND: u8, const VALUE: bool>(
    p: &Plan<H>,
    io: impl Io<H>,
    mode: Rounding,
    rng: &mut R,
) {
    let mode = match mode {
        Rounding::Stochastic(Stochastic { bits, .. }) if KIND < 5 => {
            let kind = match KIND {
                0 => SrKind::Proportional,
                1 => SrKind::Equal,
                2 => SrKind::P3109A,
                3 => SrKind::P3109B,
                _ => SrKind::P3109C,
            };
            Rounding::Stochastic(Stochastic { kind, bits })
        }
        _ => mode,
    };
    let mut decide = ByMode { mode, rng };
    io.apply(
        #[inline(always)]
        |x| scalar_lane::<H, VALUE>(p, x, &mut decide).to_u64(),
    );
}

/// [`round_increment`] with a fixed mode and generator.
struct ByMode<'r, R: ?Sized> {
    mode: Rounding,
    rng: &'r mut R,
}

impl<R: RandomBits + ?Sized> ByMode<'_, R> {
    #[inline(always)]
    fn decide(&mut self, negative: bool, odd: bool, d: Discarded) -> bool {
        round_increment(negative, odd, d, self.mode, self.rng)
    }
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

/// Per-call constants of the decoding kernel.
#[derive(Clone, Copy)]
struct DecodePlan<H: Host> {
    /// 2^m: the first normal magnitude code.
    min_normal_code: H::Bits,
    s: u32,
    mag_mask: H::Bits,
    code_sign: H::Bits,
    host_sign: H::Bits,
    /// (host bias − bias) << MAN: added to mag << s for a normal code.
    dbias: H::Bits,
    c: H,
    c_bits: H::Bits,
    /// All ones when codes below 2^m are subnormals (else they decode as zero).
    sub_keep: H::Bits,
    neg_zero: H::Bits,
    max_mag: H::Bits,
    /// +∞'s magnitude code, or one above every magnitude.
    inf_mag: H::Bits,
    /// Host bits of the special codes' values, [positive, negative]: the negative-zero
    /// code (−0, or NaN in FNUZ and P3109), ∞ and NaN.
    negzero_v: H::Bits,
    inf_v: [H::Bits; 2],
    nan_v: [H::Bits; 2],
}

impl<H: Host> DecodePlan<H> {
    fn new(fmt: &FloatFormat) -> Option<Self> {
        // Also every value must fit the host: emax within the host's.
        if !kernel_friendly::<H>(fmt) || fmt.emax() > H::BIAS {
            return None;
        }
        let m = fmt.man_bits();
        let value = |code: u64| H::Bits::from_u64(H::from_code(fmt, code).to_bits().to_u64());
        let sign = fmt.sign_bit();
        let inf = fmt.inf_code();
        // Any code above max_mag that is not +∞ decodes as NaN (IEEE payloads and
        // E4M3FN's S.1111.111 alike); FNUZ and finite P3109 have none.
        let nan_mag = if fmt.max_mag() < fmt.mag_mask() && inf != Some(fmt.mag_mask()) {
            fmt.mag_mask()
        } else {
            fmt.max_mag()
        };
        let c_bits = H::pow2_bits(fmt.quantum_min() + H::MAN as i32);
        Some(DecodePlan {
            min_normal_code: H::Bits::ONE << m,
            s: H::MAN - m,
            mag_mask: H::Bits::from_u64(fmt.mag_mask()),
            code_sign: H::Bits::from_u64(sign),
            host_sign: H::Bits::ONE << (H::Bits::BITS - 1),
            dbias: H::Bits::from_u64(
                ((i64::from(H::BIAS) - i64::from(fmt.bias())) << H::MAN) as u64,
            ),
            c: H::from_bits(c_bits),
            c_bits,
            sub_keep: H::Bits::mask(fmt.has_subnormals()),
            neg_zero: H::Bits::mask(fmt.has_neg_zero()),
            max_mag: H::Bits::from_u64(fmt.max_mag()),
            inf_mag: H::Bits::from_u64(inf.unwrap_or(fmt.mag_mask() + 1)),
            negzero_v: value(sign),
            inf_v: [value(inf.unwrap_or(0)), value(inf.unwrap_or(0) | sign)],
            nan_v: [value(nan_mag), value(nan_mag | sign)],
        })
    }

    /// One code to host bits, branchless.
    #[inline(always)]
    fn lane(&self, code: H::Bits) -> H::Bits {
        let z = H::Bits::ZERO;
        let mag = code & self.mag_mask;
        let neg = code & self.code_sign != z;
        let negm = H::Bits::mask(neg);
        let pick = |pair: [H::Bits; 2]| pair[0] ^ (negm & (pair[0] ^ pair[1]));
        // Normal: mag = (E << m) | f, so mag << s = (E << MAN) | (f << s), and adding
        // (host bias − bias) << MAN turns E into the host's biased exponent.
        let v_n = (mag << self.s).wadd(self.dbias);
        // Subnormal: C + mag·q − C, exact (Sterbenz), with q = the ulp of C.
        let v_s = (H::from_bits(self.c_bits.wadd(mag)) - self.c).to_bits() & self.sub_keep;
        // Every compare is signed: codes are below 2^(BITS−1).
        let v = if mag.slt(self.min_normal_code) {
            v_s
        } else {
            v_n
        };
        let keep = H::Bits::mask(v != z) | self.neg_zero;
        let v = v | (negm & keep & self.host_sign);
        let v = if neg && mag == z { self.negzero_v } else { v };
        let special = if mag == self.inf_mag {
            pick(self.inf_v)
        } else {
            pick(self.nan_v)
        };
        if self.max_mag.slt(mag) { special } else { v }
    }
}

fn decode<H: Host, C: Code>(fmt: &FloatFormat, src: &[C], dst: &mut [H]) {
    match DecodePlan::<H>::new(fmt) {
        Some(p) => {
            for (c, d) in src.iter().zip(dst.iter_mut()) {
                *d = H::from_bits(p.lane(H::Bits::from_u64(c.to_u64())));
            }
        }
        None => {
            for (c, d) in src.iter().zip(dst.iter_mut()) {
                *d = H::from_code(fmt, c.to_u64());
            }
        }
    }
}
