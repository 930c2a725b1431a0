//! Slice kernels: quantize (values → scale codes + element codes), dequantize, chop.
//!
//! Each element is **one rounding** of the exact quotient V / (X · g) (X the block
//! scale, g the tensor scale). With a power-of-two divisor the quotient is V with its
//! exponent moved, exactly. Otherwise (NVFP4: an E4M3 scale times an `f32` tensor scale)
//! the divisor's significand D has at most 8 + 24 = 32 bits; V's significand is shifted
//! to 127 bits and divided by D as integers, so the quotient has at least 127 − 32 − 1 =
//! 94 significant bits and the remainder becomes the sticky bit ([`Finite`]). The element
//! keeps at most 8 bits, so its rounding position lies in the exact quotient bits, and the
//! first 64 discarded bits — all that any mode reads, stochastic rounding included — are
//! exact quotient bits, the sticky bit standing for everything below: every mode decides
//! exactly as on the true quotient, and rounds once. The rounding itself is
//! [`FloatFormat::round`](crate::FloatFormat::round), the crate's one rounding step, or
//! for integer elements [`Exact::round_to_integral`] and a clamp.
//! `tests/block_props.rs` checks every element against the exact rational quotient.

use super::BlockError;
use super::format::{BlockFormat, ElementFormat};
use super::scale::{Host, amax, div, mul, one, scale_of, tensor_scale_of_host};
use crate::float::{Exact, Finite};
use crate::rounding::{NoRandom, Overflow, RandomBits, Round, Rounding, Status, StatusAnd};

/// The element overflow policy: the specification's clamp unless ±∞ is to propagate.
fn element_round(how: Round) -> Round {
    match how.overflow {
        Overflow::Ieee => how.with_overflow(Overflow::SatFinite),
        _ => how,
    }
}

/// Rounds the exact quotient `q` into the element format: the code and the flags.
fn round_element<R: RandomBits + ?Sized>(
    e: &ElementFormat,
    q: Exact,
    how: Round,
    rng: &mut R,
) -> StatusAnd<u8> {
    match *e {
        ElementFormat::Float(f) => {
            let r = f.round(q, how, rng);
            StatusAnd::new(r.value as u8, r.status)
        }
        ElementFormat::Int { bits, frac_bits } => round_int(bits, frac_bits, q, how.mode, rng),
    }
}

fn round_int<R: RandomBits + ?Sized>(
    bits: u32,
    frac_bits: u32,
    q: Exact,
    mode: Rounding,
    rng: &mut R,
) -> StatusAnd<u8> {
    let mask = (1u64 << bits) - 1;
    let hi = (1u128 << (bits - 1)) - 1;
    let lo = 1u128 << (bits - 1);
    let sat = |negative: bool| {
        let code = if negative { lo as u64 } else { hi as u64 };
        StatusAnd::new(code as u8, Status::OVERFLOW | Status::INEXACT)
    };
    let f = match q {
        Exact::Nan { .. } => return StatusAnd::new(0, Status::INVALID),
        Exact::Zero { .. } => return StatusAnd::new(0, Status::OK),
        Exact::Inf { negative } => return sat(negative),
        Exact::Finite(f) => f,
    };
    let scaled = Exact::Finite(Finite {
        exp: f.exp + frac_bits as i32,
        ..f
    });
    let (r, inexact) = scaled.round_to_integral(mode, rng);
    let status = if inexact { Status::INEXACT } else { Status::OK };
    let Exact::Finite(n) = r else {
        return StatusAnd::new(0, status);
    };
    // n.sig · 2^n.exp with n.exp ≥ 0: beyond 2^bits it saturates.
    if n.exp >= bits as i32 || n.sig >> (bits as i32 - n.exp.max(0)) != 0 {
        return sat(n.negative);
    }
    let m = n.sig << n.exp.max(0);
    if (n.negative && m > lo) || (!n.negative && m > hi) {
        return sat(n.negative);
    }
    let v = if n.negative {
        (m as u64).wrapping_neg()
    } else {
        m as u64
    };
    StatusAnd::new((v & mask) as u8, status)
}

/// The exact value of an element code.
pub(super) fn element_value(e: &ElementFormat, code: u8) -> Exact {
    match *e {
        ElementFormat::Float(f) => f.decode(u64::from(code)),
        ElementFormat::Int { bits, frac_bits } => {
            let sh = 64 - bits;
            let c = ((u64::from(code) << sh) as i64) >> sh;
            Exact::from_parts(c < 0, u128::from(c.unsigned_abs()), -(frac_bits as i32))
        }
    }
}

/// The NaN code of the element format (0 where it has none).
fn element_nan(e: &ElementFormat) -> u8 {
    match e {
        ElementFormat::Float(f) => f.nan_code().unwrap_or(0) as u8,
        ElementFormat::Int { .. } => 0,
    }
}

fn check(what: &'static str, expected: usize, got: usize) -> Result<(), BlockError> {
    if expected == got {
        Ok(())
    } else {
        Err(BlockError::Length {
            what,
            expected,
            got,
        })
    }
}

/// The tensor scale as an exact value (1 for formats without one).
fn tensor_exact(fmt: &BlockFormat, g: f32) -> Result<Finite, BlockError> {
    if !fmt.tensor_scale {
        return Ok(one());
    }
    match Exact::from_f32(g) {
        Exact::Finite(f) if !f.negative => Ok(f),
        _ => Err(BlockError::TensorScale),
    }
}

/// Quantizes one block: writes the element codes through `put`, returns the scale code.
fn quantize_block<T: Host, R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    g: &Finite,
    xs: &[T],
    how: Round,
    rng: &mut R,
    mut put: impl FnMut(usize, u8, &Exact),
) -> StatusAnd<u8> {
    let s = scale_of(fmt, &amax(xs), g);
    let mut status = Status::OK;
    let d = match s.value {
        Exact::Finite(x) => Some(mul(&x, g)),
        Exact::Zero { .. } => None,
        _ => {
            let nan = element_nan(&fmt.element);
            for i in 0..xs.len() {
                put(i, nan, &Exact::Nan { negative: false });
            }
            return StatusAnd::new(s.code, Status::INVALID);
        }
    };
    for (i, &x) in xs.iter().enumerate() {
        let v = T::FORMAT.decode(x.bits());
        let q = match (&d, v) {
            (Some(d), Exact::Finite(f)) => Exact::Finite(div(&f, d)),
            // A zero scale (an `amax` scale that rounded to zero): the elements are zero,
            // and a nonzero value so represented has underflowed.
            (None, v) => {
                if matches!(v, Exact::Finite(_)) {
                    status = status.union(Status::UNDERFLOW).union(Status::INEXACT);
                }
                Exact::Zero {
                    negative: v.is_sign_negative(),
                }
            }
            (_, v) => v,
        };
        let r = round_element(&fmt.element, q, how, rng);
        status = status.union(r.status);
        put(i, r.value, &s.value);
    }
    StatusAnd::new(s.code, status)
}

fn quantize_impl<T: Host, R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    g: f32,
    src: &[T],
    scales: &mut [u8],
    codes: &mut [u8],
    how: Round,
    rng: &mut R,
) -> Result<Status, BlockError> {
    fmt.validate()?;
    check("scales", fmt.num_scales(src.len()), scales.len())?;
    check("codes", src.len(), codes.len())?;
    let g = tensor_exact(fmt, g)?;
    let how = element_round(how);
    let bs = fmt.block_size as usize;
    let mut status = Status::OK;
    for (b, (xs, cs)) in src.chunks(bs).zip(codes.chunks_mut(bs)).enumerate() {
        let r = quantize_block(fmt, &g, xs, how, rng, |i, c, _| cs[i] = c);
        if let Some(s) = scales.get_mut(b) {
            *s = r.value;
        }
        status = status.union(r.status);
    }
    Ok(status)
}

/// [`quantize_f32_with`] rounding to nearest, ties to even: the common case in one call.
/// Returns the tensor scale (1 for formats without one).
///
/// # Errors
/// [`BlockError::Length`] unless `scales` holds [`BlockFormat::num_scales`] entries and
/// `codes` one per value; the errors of [`BlockFormat::validate`] for a format built
/// field by field.
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let xs = [0.0f32, 1.0, 2.5, -448.0];
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 4]);
/// block::quantize_f32(&BlockFormat::MXFP8_E4M3, &xs, &mut scales, &mut codes)?;
/// assert_eq!(scales, [127]); // 2^(⌊log2 448⌋ − 8) = 1
/// assert_eq!(codes, [0x00, 0x38, 0x42, 0xFE]);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f32(
    fmt: &BlockFormat,
    src: &[f32],
    scales: &mut [u8],
    codes: &mut [u8],
) -> Result<f32, BlockError> {
    quantize_f32_with(fmt, src, scales, codes, Round::NEAREST_EVEN, &mut NoRandom).map(|r| r.value)
}

/// Quantizes `f32` values into block scales and element codes (one `u8` per element,
/// unpacked; see [`pack`](super::pack)) in any rounding mode; the tensor scale, where
/// the format has one, is computed from `src` first ([`tensor_scale_f32`](super::tensor_scale_f32))
/// and returned with the union of the elements' flags. The last block may be shorter.
///
/// # Errors
/// As [`quantize_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{Rounding, SplitMix64, Status};
/// let xs = [0.3f32; 32];
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 32]);
/// let mut rng = SplitMix64::new(7);
/// let r = block::quantize_f32_with(&BlockFormat::MXFP4_E2M1, &xs, &mut scales, &mut codes, Rounding::SR, &mut rng)?;
/// assert!(r.status.contains(Status::INEXACT));
/// // 0.3 / 2^−4 = 4.8 lies between the E2M1 values 4 and 6: both appear.
/// assert!(codes.contains(&0x6) && codes.contains(&0x7));
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f32_with<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    src: &[f32],
    scales: &mut [u8],
    codes: &mut [u8],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<StatusAnd<f32>, BlockError> {
    let g = tensor_scale_of_host(fmt, src);
    let s = quantize_impl(fmt, g, src, scales, codes, how.into(), rng)?;
    Ok(StatusAnd::new(g, s))
}

/// [`quantize_f32_with`] under a given tensor scale (a calibrated one, or the scale of a
/// larger tensor quantized in pieces). The tensor scale is ignored by formats without one.
///
/// # Errors
/// As [`quantize_f32`], and [`BlockError::TensorScale`] when the format uses a tensor
/// scale and `tensor_scale` is not positive and finite.
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::NoRandom;
/// let xs = [6.0f32, 3.0];
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 2]);
/// block::quantize_f32_with_tensor_scale(&BlockFormat::NVFP4, 0.5, &xs, &mut scales, &mut codes, lowprec::Round::default(), &mut NoRandom)?;
/// // Block scale 6 / (6 · 0.5) = 2 (E4M3 0x40); elements 6 / (2 · 0.5) = 6, 3.
/// assert_eq!((scales, codes), ([0x40], [0x7, 0x5]));
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f32_with_tensor_scale<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    tensor_scale: f32,
    src: &[f32],
    scales: &mut [u8],
    codes: &mut [u8],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<Status, BlockError> {
    quantize_impl(fmt, tensor_scale, src, scales, codes, how.into(), rng)
}

/// [`quantize_f32_with`] on `f64` values (each element one rounding of the exact
/// quotient; the tensor scale is an `f32`).
///
/// # Errors
/// As [`quantize_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{NoRandom, Round};
/// let xs = [1.0f64 + 1e-12, 2.0];
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 2]);
/// block::quantize_f64_with(&BlockFormat::MXINT8, &xs, &mut scales, &mut codes, Round::default(), &mut NoRandom)?;
/// assert_eq!((scales, codes), ([128], [32, 64])); // 2^1 · 32/64, 2^1 · 64/64
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f64_with<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    src: &[f64],
    scales: &mut [u8],
    codes: &mut [u8],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<StatusAnd<f32>, BlockError> {
    let g = tensor_scale_of_host(fmt, src);
    let s = quantize_impl(fmt, g, src, scales, codes, how.into(), rng)?;
    Ok(StatusAnd::new(g, s))
}

/// [`quantize_f32_with_tensor_scale`] on `f64` values.
///
/// # Errors
/// As [`quantize_f32_with_tensor_scale`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{NoRandom, Round};
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 1]);
/// block::quantize_f64_with_tensor_scale(&BlockFormat::NVFP4, 1.0, &[6.0], &mut scales, &mut codes, Round::default(), &mut NoRandom)?;
/// assert_eq!((scales, codes), ([0x38], [0x7])); // scale 1, element 6
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f64_with_tensor_scale<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    tensor_scale: f32,
    src: &[f64],
    scales: &mut [u8],
    codes: &mut [u8],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<Status, BlockError> {
    quantize_impl(fmt, tensor_scale, src, scales, codes, how.into(), rng)
}

/// The value element × scale × g, rounded once (ties to even) into the host format.
fn dequantize_one<T: Host>(elem: Exact, scale: &Exact, g: &Finite) -> T {
    let v = match (elem, scale) {
        (Exact::Nan { .. }, _) | (_, Exact::Nan { .. }) | (_, Exact::Inf { .. }) => {
            Exact::Nan { negative: false }
        }
        (Exact::Inf { .. }, Exact::Zero { .. }) => Exact::Nan { negative: false },
        (Exact::Inf { negative }, _) => Exact::Inf { negative },
        (Exact::Zero { negative }, _) => Exact::Zero { negative },
        (Exact::Finite(e), Exact::Zero { .. }) => Exact::Zero {
            negative: e.negative,
        },
        (Exact::Finite(e), Exact::Finite(s)) => Exact::Finite(mul(&mul(&e, s), g)),
    };
    T::from_bits(T::FORMAT.round(v, Round::NEAREST_EVEN, &mut NoRandom).value)
}

fn dequantize_impl<T: Host>(
    fmt: &BlockFormat,
    tensor_scale: f32,
    scales: &[u8],
    codes: &[u8],
    dst: &mut [T],
) -> Result<(), BlockError> {
    fmt.validate()?;
    check("scales", fmt.num_scales(codes.len()), scales.len())?;
    check("destination", codes.len(), dst.len())?;
    let g = tensor_exact(fmt, tensor_scale)?;
    let bs = fmt.block_size as usize;
    for (b, (cs, out)) in codes.chunks(bs).zip(dst.chunks_mut(bs)).enumerate() {
        let s = match (fmt.scale.float(), scales.get(b)) {
            (Some(sf), Some(&c)) => sf.decode(u64::from(c)),
            _ => Exact::Finite(one()),
        };
        for (o, &c) in out.iter_mut().zip(cs) {
            *o = dequantize_one(element_value(&fmt.element, c), &s, &g);
        }
    }
    Ok(())
}

/// Dequantizes block scales and element codes into `f32` values: element × scale ×
/// tensor scale, exactly, rounded once to `f32` (ties to even; exact for every MX
/// format whose values lie in `f32`'s range). A NaN scale makes its whole block NaN.
/// `tensor_scale` is ignored by formats without one.
///
/// # Errors
/// [`BlockError::Length`] unless `scales` holds [`BlockFormat::num_scales`] entries and
/// `dst` one per code; [`BlockError::TensorScale`] as in [`quantize_f32_with_tensor_scale`];
/// the errors of [`BlockFormat::validate`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let mut xs = [0f32; 3];
/// block::dequantize_f32(&BlockFormat::MXFP4_E2M1, 1.0, &[127 + 3], &[0x1, 0x7, 0xF], &mut xs)?;
/// assert_eq!(xs, [4.0, 48.0, -48.0]); // 0.5·8, 6·8, −6·8
/// block::dequantize_f32(&BlockFormat::MXFP4_E2M1, 1.0, &[0xFF], &[0x1, 0x7, 0xF], &mut xs)?;
/// assert!(xs.iter().all(|x| x.is_nan()));
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn dequantize_f32(
    fmt: &BlockFormat,
    tensor_scale: f32,
    scales: &[u8],
    codes: &[u8],
    dst: &mut [f32],
) -> Result<(), BlockError> {
    dequantize_impl(fmt, tensor_scale, scales, codes, dst)
}

/// [`dequantize_f32`] into `f64` values (exact for every format here).
///
/// # Errors
/// As [`dequantize_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let mut xs = [0f64; 1];
/// block::dequantize_f64(&BlockFormat::MXFP8_E4M3, 1.0, &[0], &[0x01], &mut xs)?;
/// assert_eq!(xs[0], 2f64.powi(-127 - 9)); // below f32's range
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn dequantize_f64(
    fmt: &BlockFormat,
    tensor_scale: f32,
    scales: &[u8],
    codes: &[u8],
    dst: &mut [f64],
) -> Result<(), BlockError> {
    dequantize_impl(fmt, tensor_scale, scales, codes, dst)
}

fn chop_impl<T: Host, R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    xs: &mut [T],
    how: Round,
    rng: &mut R,
) -> Result<Status, BlockError> {
    fmt.validate()?;
    let g = tensor_exact(fmt, tensor_scale_of_host(fmt, xs))?;
    let how = element_round(how);
    let bs = fmt.block_size as usize;
    let mut status = Status::OK;
    let mut codes = [0u8; 1024];
    for block in xs.chunks_mut(bs) {
        let n = block.len();
        let r = quantize_block(fmt, &g, block, how, rng, |i, c, _| codes[i] = c);
        status = status.union(r.status);
        // The scale as `dequantize` reads it, from its code: a block holding a NaN in a
        // format without NaN codes holds codes 0, as `quantize` writes them.
        let scale = match fmt.scale.float() {
            Some(sf) => sf.decode(u64::from(r.value)),
            None => Exact::Finite(one()),
        };
        for (x, &c) in block.iter_mut().zip(&codes[..n]) {
            *x = dequantize_one(element_value(&fmt.element, c), &scale, &g);
        }
    }
    Ok(status)
}

/// [`chop_f32_with`] rounding to nearest, ties to even.
///
/// # Errors
/// The errors of [`BlockFormat::validate`] for a format built field by field.
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let mut xs = [1.0f32, 0.3, -5.0, 0.01];
/// block::chop_f32(&BlockFormat::MXFP4_E2M1, &mut xs)?;
/// assert_eq!(xs, [1.0, 0.5, -4.0, 0.0]); // scale 2^(2 − 2) = 1; −5 is a tie, to even
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn chop_f32(fmt: &BlockFormat, xs: &mut [f32]) -> Result<(), BlockError> {
    chop_f32_with(fmt, xs, Round::NEAREST_EVEN, &mut NoRandom).map(|_| ())
}

/// Quantize-dequantize in place (for quantization-aware training): each value becomes
/// the `f32` value of its block-format representation, exactly what [`quantize_f32_with`]
/// followed by [`dequantize_f32`] gives (the same random bits drawn in the same order).
///
/// # Errors
/// As [`chop_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{Rounding, NoRandom};
/// let mut xs = [1.0f32, 0.3];
/// block::chop_f32_with(&BlockFormat::MXFP4_E2M1, &mut xs, Rounding::TowardPositive, &mut NoRandom)?;
/// assert_eq!(xs, [1.0, 0.375]); // scale 2^(0 − 2): 0.3 / 0.25 = 1.2 → 1.5
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn chop_f32_with<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    xs: &mut [f32],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<Status, BlockError> {
    chop_impl(fmt, xs, how.into(), rng)
}

/// [`chop_f64_with`] rounding to nearest, ties to even.
///
/// # Errors
/// As [`chop_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let mut xs = [3.0f64, 0.1];
/// block::chop_f64(&BlockFormat::MXFP6_E2M3, &mut xs)?;
/// assert_eq!(xs, [3.0, 0.125]);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn chop_f64(fmt: &BlockFormat, xs: &mut [f64]) -> Result<(), BlockError> {
    chop_f64_with(fmt, xs, Round::NEAREST_EVEN, &mut NoRandom).map(|_| ())
}

/// [`chop_f32_with`] on `f64` values.
///
/// # Errors
/// As [`chop_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{NoRandom, Rounding};
/// let mut xs = [3.0f64, 0.1];
/// block::chop_f64_with(&BlockFormat::MXFP6_E2M3, &mut xs, Rounding::TowardZero, &mut NoRandom)?;
/// assert_eq!(xs, [3.0, 0.0625]); // scale 2^−1: 0.2 → 0.125
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn chop_f64_with<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    xs: &mut [f64],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<Status, BlockError> {
    chop_impl(fmt, xs, how.into(), rng)
}
