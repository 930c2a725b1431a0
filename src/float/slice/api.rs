//! The public functions: argument checks, the F16C dispatch where it applies, then the
//! portable kernels ([`run`], [`decode`]).

use core::fmt;

use super::decode::decode;
#[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
use super::f16c;
use super::run::{Copying, InPlace, run};
use crate::float::FloatFormat;
use crate::rounding::{NoRandom, RandomBits, Round};
#[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
use crate::rounding::{Overflow, Rounding};

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
/// Element for element this is `fmt.to_f32(fmt.from_f32_with(x, how, rng).value)`,
/// including the random bits drawn (see the [module docs](super)); for formats wider than
/// `f32` the rounded value is rounded once more, to nearest-even, into `f32`.
///
/// ```
/// use lowprec::FloatFormat;
/// let mut xs = [0.3f32, 1.0625, -70000.0, f32::NAN];
/// let fp16 = FloatFormat::FP16;
/// lowprec::float::slice::quantize_f32(&fp16, &mut xs);
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
/// Element for element this is `fmt.to_f64(fmt.from_f64_with(x, how, rng).value)`,
/// with one correct rounding from `f64` (no detour through `f32`); only formats with a
/// wider exponent range than `f64` round a second time.
///
/// ```
/// use lowprec::FloatFormat;
/// // 1 + 2⁻⁴ + 2⁻⁴⁰ lies just above a tie of E4M3FN: it rounds up to 1.125.
/// let mut xs = [1.0 + 2f64.powi(-4) + 2f64.powi(-40), 448.0, 1e-9];
/// lowprec::float::slice::quantize_f64(&FloatFormat::E4M3FN, &mut xs);
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
/// use lowprec::{FloatFormat, NoRandom, Rounding};
/// let src = [0.1f32, 2.7];
/// let mut dst = [0f32; 2];
/// lowprec::float::slice::quantize_f32_to_with(&FloatFormat::BF16, &src, &mut dst, Rounding::TowardZero, &mut NoRandom)?;
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
/// use lowprec::{FloatFormat, NoRandom, Rounding};
/// let src = [0.1f64, -0.1];
/// let mut dst = [0f64; 2];
/// let fp16 = FloatFormat::FP16;
/// lowprec::float::slice::quantize_f64_to_with(&fp16, &src, &mut dst, Rounding::TowardPositive, &mut NoRandom)?;
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
/// Element for element this is `fmt.from_f32_with(x, how, rng).value`, including
/// the random bits drawn (see the [module docs](super)).
///
/// # Errors
/// [`SliceError::CodeTooNarrow`] when the format is wider than `C`,
/// [`SliceError::LengthMismatch`] when the slices differ in length.
///
/// ```
/// use lowprec::FloatFormat;
/// let src = [1.0f32, 65520.0, -2.0f32.powi(-24)];
/// let mut dst = [0u16; 3];
/// lowprec::float::slice::encode_f32(&FloatFormat::FP16, &src, &mut dst)?;
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
/// Element for element this is `fmt.from_f64_with(x, how, rng).value`: one
/// correct rounding from `f64`.
///
/// # Errors
/// [`SliceError::CodeTooNarrow`] when the format is wider than `C`,
/// [`SliceError::LengthMismatch`] when the slices differ in length.
///
/// ```
/// use lowprec::{FloatFormat, Rounding, SplitMix64};
/// let e5m10 = FloatFormat::FP16;
/// let src = [1.0f64 + 2f64.powi(-11), 3.0];
/// let mut dst = [0u16; 2];
/// let mut rng = SplitMix64::new(1);
/// lowprec::float::slice::encode_f64_with(&e5m10, &src, &mut dst, Rounding::SR, &mut rng)?;
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
// When the F16C path may run (x86 and x86-64, with `std` for the run-time feature check)
// ---------------------------------------------------------------------------------------

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
pub(super) fn f16c_nan(fmt: &FloatFormat, mode: Rounding, overflow: Overflow) -> Option<u32> {
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
pub(super) fn f16c_decode_nan(fmt: &FloatFormat) -> Option<u32> {
    if *fmt != FloatFormat::FP16 {
        return None;
    }
    let (pos, neg) = (fmt.to_f32(0x7FFF), fmt.to_f32(0xFFFF));
    let ok = pos.is_nan() && pos.is_sign_positive() && neg.to_bits() == pos.to_bits() | 0x8000_0000;
    ok.then_some(pos.to_bits())
}
