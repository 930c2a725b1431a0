//! Conversions: one value (`lowprec_round_f64`, `lowprec_decode_f64`, …) and slices
//! (quantize in place or out of place, encode to codes, decode codes).
//!
//! The slice functions run lowprec's slice kernels when `status` is NULL, and the scalar
//! conversion element by element (to collect the flags) when it is not: the kernels are
//! proven equal to the scalar path, random bits included, so both give the same results.

use core::ffi::c_int;

use lowprec::float::slice::{self, Code};
use lowprec::{FloatFormat, Round, SplitMix64, Status};

use crate::format::{lowprec_format_t, lowprec_round_t};
use crate::{Error, Res, disjoint, guard, input, opt_ptr, out_ptr, output, output_span, write};

/// Rounds `x` into `fmt`: `*code` receives the code, `*status` (may be NULL) the flags.
///
/// # Safety
/// `code` is NULL or points to a writable `uint64_t`; `status` likewise to a `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_round_f64(
    fmt: lowprec_format_t,
    x: f64,
    round: lowprec_round_t,
    code: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        let (f, how) = (fmt.format()?, round.round()?);
        out_ptr(code)?;
        opt_ptr(status)?;
        let r = f.from_f64_with(x, how, &mut SplitMix64::new(round.seed));
        write(code, r.value);
        write(status, u32::from(r.status.bits()));
        Ok(())
    })
}

/// Rounds the `float` `x` into `fmt`, as `lowprec_round_f64` does.
///
/// # Safety
/// As `lowprec_round_f64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_round_f32(
    fmt: lowprec_format_t,
    x: f32,
    round: lowprec_round_t,
    code: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        let (f, how) = (fmt.format()?, round.round()?);
        out_ptr(code)?;
        opt_ptr(status)?;
        let r = f.from_f32_with(x, how, &mut SplitMix64::new(round.seed));
        write(code, r.value);
        write(status, u32::from(r.status.bits()));
        Ok(())
    })
}

/// The exact value of a code as a `double` (bits above the format's width are ignored;
/// values beyond `double`'s range or precision, only possible for formats with 11
/// exponent bits and a bias other than 1023, are rounded to nearest even).
///
/// # Safety
/// `out` is NULL or points to a writable `double`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_f64(
    fmt: lowprec_format_t,
    code: u64,
    out: *mut f64,
) -> c_int {
    guard(|| {
        let f = fmt.format()?;
        out_ptr(out)?;
        write(out, f.to_f64(code));
        Ok(())
    })
}

/// The value of a code as the nearest `float` (ties to even).
///
/// # Safety
/// `out` is NULL or points to a writable `float`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_f32(
    fmt: lowprec_format_t,
    code: u64,
    out: *mut f32,
) -> c_int {
    guard(|| {
        let f = fmt.format()?;
        out_ptr(out)?;
        write(out, f.to_f32(code));
        Ok(())
    })
}

/// The element types of the slice functions: `f32` and `f64`.
pub(crate) trait Real: Copy {
    fn round(f: &FloatFormat, x: Self, how: Round, rng: &mut SplitMix64) -> (u64, Status);
    fn decode(f: &FloatFormat, code: u64) -> Self;
}

impl Real for f32 {
    fn round(f: &FloatFormat, x: f32, how: Round, rng: &mut SplitMix64) -> (u64, Status) {
        let r = f.from_f32_with(x, how, rng);
        (r.value, r.status)
    }
    fn decode(f: &FloatFormat, code: u64) -> f32 {
        f.to_f32(code)
    }
}

impl Real for f64 {
    fn round(f: &FloatFormat, x: f64, how: Round, rng: &mut SplitMix64) -> (u64, Status) {
        let r = f.from_f64_with(x, how, rng);
        (r.value, r.status)
    }
    fn decode(f: &FloatFormat, code: u64) -> f64 {
        f.to_f64(code)
    }
}

/// Quantizes `n` values: `dst[i]` = `src[i]` rounded into `fmt`, as a value. `src == dst`
/// quantizes in place; other overlaps are errors.
fn quantize<T: Real>(
    fmt: lowprec_format_t,
    src: *const T,
    dst: *mut T,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
    kernel_in_place: fn(&FloatFormat, &mut [T], Round, &mut SplitMix64),
) -> Res {
    let (f, how) = (fmt.format()?, round.round()?);
    opt_ptr(status)?;
    let in_place = n > 0 && core::ptr::eq(src, dst);
    let out_span = output_span(dst, n)?;
    let xs: &mut [T] = if in_place {
        output(dst, n)
    } else {
        let (src, in_span) = input(src, n)?;
        disjoint(&[out_span], &[in_span])?;
        let dst = output(dst, n);
        dst.copy_from_slice(src);
        dst
    };
    let mut rng = SplitMix64::new(round.seed);
    if status.is_null() {
        kernel_in_place(&f, xs, how, &mut rng);
    } else {
        let mut flags = Status::OK;
        for x in xs.iter_mut() {
            let (c, s) = T::round(&f, *x, how, &mut rng);
            flags |= s;
            *x = T::decode(&f, c);
        }
        write(status, u32::from(flags.bits()));
    }
    Ok(())
}

/// Quantizes `n` floats ("chop"): `dst[i]` becomes `src[i]` rounded into `fmt`, as a
/// `float` (formats wider than `float` are rounded once more, to nearest even). Pass
/// `src == dst` to quantize in place; other overlaps are `LOWPREC_ERR_OVERLAP`. `status`
/// (may be NULL) receives the union of the flags of every element.
///
/// # Safety
/// `src` and `dst` are NULL (only when `n` is 0) or point to `n` valid elements (`dst`
/// writable); `status` is NULL or points to a writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_quantize_f32(
    fmt: lowprec_format_t,
    src: *const f32,
    dst: *mut f32,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        quantize(fmt, src, dst, n, round, status, |f, xs, how, rng| {
            slice::quantize_f32_with(f, xs, how, rng)
        })
    })
}

/// Quantizes `n` doubles, as `lowprec_quantize_f32` does.
///
/// # Safety
/// As `lowprec_quantize_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_quantize_f64(
    fmt: lowprec_format_t,
    src: *const f64,
    dst: *mut f64,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        quantize(fmt, src, dst, n, round, status, |f, xs, how, rng| {
            slice::quantize_f64_with(f, xs, how, rng)
        })
    })
}

/// Encodes `n` reals into codes of type `C`.
#[allow(clippy::too_many_arguments)]
fn encode<T: Real, C: Code>(
    fmt: lowprec_format_t,
    src: *const T,
    dst: *mut C,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
    kernel: fn(&FloatFormat, &[T], &mut [C], Round, &mut SplitMix64) -> bool,
    from_u64: fn(u64) -> C,
) -> Res {
    let (f, how) = (fmt.format()?, round.round()?);
    if f.width() > C::BITS {
        return Err(Error::Format);
    }
    opt_ptr(status)?;
    let out_span = output_span(dst, n)?;
    let (src, in_span) = input(src, n)?;
    disjoint(&[out_span], &[in_span])?;
    let dst = output(dst, n);
    let mut rng = SplitMix64::new(round.seed);
    if status.is_null() {
        if !kernel(&f, src, dst, how, &mut rng) {
            return Err(Error::Length);
        }
    } else {
        let mut flags = Status::OK;
        for (o, &x) in dst.iter_mut().zip(src) {
            let (c, s) = T::round(&f, x, how, &mut rng);
            flags |= s;
            *o = from_u64(c);
        }
        write(status, u32::from(flags.bits()));
    }
    Ok(())
}

/// Decodes `n` codes of type `C` into reals.
fn decode<C: Code, T: Real>(
    fmt: lowprec_format_t,
    src: *const C,
    dst: *mut T,
    n: usize,
    kernel: fn(&FloatFormat, &[C], &mut [T]) -> bool,
) -> Res {
    let f = fmt.format()?;
    if f.width() > C::BITS {
        return Err(Error::Format);
    }
    let out_span = output_span(dst, n)?;
    let (src, in_span) = input(src, n)?;
    disjoint(&[out_span], &[in_span])?;
    if kernel(&f, src, output(dst, n)) {
        Ok(())
    } else {
        Err(Error::Length)
    }
}

macro_rules! enc_kernel {
    ($f:path) => {
        |f, s, d, how, rng| $f(f, s, d, how, rng).is_ok()
    };
}

macro_rules! dec_kernel {
    ($f:path) => {
        |f, s, d| $f(f, s, d).is_ok()
    };
}

// The typed entry points are written out (not generated by a macro) so that cbindgen,
// which does not expand macros, puts each of them in the header.

/// Rounds `n` floats into `fmt` and stores their codes in `dst` (`LOWPREC_ERR_FORMAT` if
/// the format is wider than 8 bits). `status` (may be NULL) receives the union of the
/// flags. `src` and `dst` must not overlap.
///
/// # Safety
/// `src` and `dst` are NULL (only when `n` is 0) or point to `n` valid elements (`dst`
/// writable); `status` is NULL or points to a writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_encode_f32_u8(
    fmt: lowprec_format_t,
    src: *const f32,
    dst: *mut u8,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        encode(
            fmt,
            src,
            dst,
            n,
            round,
            status,
            enc_kernel!(slice::encode_f32_with),
            |c| c as u8,
        )
    })
}

/// As `lowprec_encode_f32_u8`, into 16-bit codes.
///
/// # Safety
/// As `lowprec_encode_f32_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_encode_f32_u16(
    fmt: lowprec_format_t,
    src: *const f32,
    dst: *mut u16,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        encode(
            fmt,
            src,
            dst,
            n,
            round,
            status,
            enc_kernel!(slice::encode_f32_with),
            |c| c as u16,
        )
    })
}

/// As `lowprec_encode_f32_u8`, into 32-bit codes.
///
/// # Safety
/// As `lowprec_encode_f32_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_encode_f32_u32(
    fmt: lowprec_format_t,
    src: *const f32,
    dst: *mut u32,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        encode(
            fmt,
            src,
            dst,
            n,
            round,
            status,
            enc_kernel!(slice::encode_f32_with),
            |c| c as u32,
        )
    })
}

/// As `lowprec_encode_f32_u8`, into 64-bit codes.
///
/// # Safety
/// As `lowprec_encode_f32_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_encode_f32_u64(
    fmt: lowprec_format_t,
    src: *const f32,
    dst: *mut u64,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        encode(
            fmt,
            src,
            dst,
            n,
            round,
            status,
            enc_kernel!(slice::encode_f32_with),
            |c| c,
        )
    })
}

/// Rounds `n` doubles into `fmt` (one correct rounding each) and stores their 8-bit
/// codes, as `lowprec_encode_f32_u8` does.
///
/// # Safety
/// As `lowprec_encode_f32_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_encode_f64_u8(
    fmt: lowprec_format_t,
    src: *const f64,
    dst: *mut u8,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        encode(
            fmt,
            src,
            dst,
            n,
            round,
            status,
            enc_kernel!(slice::encode_f64_with),
            |c| c as u8,
        )
    })
}

/// As `lowprec_encode_f64_u8`, into 16-bit codes.
///
/// # Safety
/// As `lowprec_encode_f32_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_encode_f64_u16(
    fmt: lowprec_format_t,
    src: *const f64,
    dst: *mut u16,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        encode(
            fmt,
            src,
            dst,
            n,
            round,
            status,
            enc_kernel!(slice::encode_f64_with),
            |c| c as u16,
        )
    })
}

/// As `lowprec_encode_f64_u8`, into 32-bit codes.
///
/// # Safety
/// As `lowprec_encode_f32_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_encode_f64_u32(
    fmt: lowprec_format_t,
    src: *const f64,
    dst: *mut u32,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        encode(
            fmt,
            src,
            dst,
            n,
            round,
            status,
            enc_kernel!(slice::encode_f64_with),
            |c| c as u32,
        )
    })
}

/// As `lowprec_encode_f64_u8`, into 64-bit codes.
///
/// # Safety
/// As `lowprec_encode_f32_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_encode_f64_u64(
    fmt: lowprec_format_t,
    src: *const f64,
    dst: *mut u64,
    n: usize,
    round: lowprec_round_t,
    status: *mut u32,
) -> c_int {
    guard(|| {
        encode(
            fmt,
            src,
            dst,
            n,
            round,
            status,
            enc_kernel!(slice::encode_f64_with),
            |c| c,
        )
    })
}

/// Decodes `n` 8-bit codes into floats (nearest even where a value is not a `float`;
/// bits above the format's width are ignored). `LOWPREC_ERR_FORMAT` if the format is
/// wider than 8 bits. `src` and `dst` must not overlap.
///
/// # Safety
/// `src` and `dst` are NULL (only when `n` is 0) or point to `n` valid elements (`dst`
/// writable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_u8_f32(
    fmt: lowprec_format_t,
    src: *const u8,
    dst: *mut f32,
    n: usize,
) -> c_int {
    guard(|| decode(fmt, src, dst, n, dec_kernel!(slice::decode_to_f32)))
}

/// As `lowprec_decode_u8_f32`, from 16-bit codes.
///
/// # Safety
/// As `lowprec_decode_u8_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_u16_f32(
    fmt: lowprec_format_t,
    src: *const u16,
    dst: *mut f32,
    n: usize,
) -> c_int {
    guard(|| decode(fmt, src, dst, n, dec_kernel!(slice::decode_to_f32)))
}

/// As `lowprec_decode_u8_f32`, from 32-bit codes.
///
/// # Safety
/// As `lowprec_decode_u8_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_u32_f32(
    fmt: lowprec_format_t,
    src: *const u32,
    dst: *mut f32,
    n: usize,
) -> c_int {
    guard(|| decode(fmt, src, dst, n, dec_kernel!(slice::decode_to_f32)))
}

/// As `lowprec_decode_u8_f32`, from 64-bit codes.
///
/// # Safety
/// As `lowprec_decode_u8_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_u64_f32(
    fmt: lowprec_format_t,
    src: *const u64,
    dst: *mut f32,
    n: usize,
) -> c_int {
    guard(|| decode(fmt, src, dst, n, dec_kernel!(slice::decode_to_f32)))
}

/// Decodes `n` 8-bit codes into doubles (exact for every format whose range fits
/// `double`), as `lowprec_decode_u8_f32` does.
///
/// # Safety
/// As `lowprec_decode_u8_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_u8_f64(
    fmt: lowprec_format_t,
    src: *const u8,
    dst: *mut f64,
    n: usize,
) -> c_int {
    guard(|| decode(fmt, src, dst, n, dec_kernel!(slice::decode_to_f64)))
}

/// As `lowprec_decode_u8_f64`, from 16-bit codes.
///
/// # Safety
/// As `lowprec_decode_u8_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_u16_f64(
    fmt: lowprec_format_t,
    src: *const u16,
    dst: *mut f64,
    n: usize,
) -> c_int {
    guard(|| decode(fmt, src, dst, n, dec_kernel!(slice::decode_to_f64)))
}

/// As `lowprec_decode_u8_f64`, from 32-bit codes.
///
/// # Safety
/// As `lowprec_decode_u8_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_u32_f64(
    fmt: lowprec_format_t,
    src: *const u32,
    dst: *mut f64,
    n: usize,
) -> c_int {
    guard(|| decode(fmt, src, dst, n, dec_kernel!(slice::decode_to_f64)))
}

/// As `lowprec_decode_u8_f64`, from 64-bit codes.
///
/// # Safety
/// As `lowprec_decode_u8_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_decode_u64_f64(
    fmt: lowprec_format_t,
    src: *const u64,
    dst: *mut f64,
    n: usize,
) -> c_int {
    guard(|| decode(fmt, src, dst, n, dec_kernel!(slice::decode_to_f64)))
}
