//! Fixed-point types as C values ([`lowprec_fixed_t`]): `ap_fixed`, `ap_ufixed`, `ap_int`,
//! `ap_uint` and `ac_fixed`, bit-exact with the C++ headers; casts from `double` with the
//! type's quantization and overflow modes, to `double`, and between types.
//!
//! A value is held as its W raw bits in the low bits of a `uint64_t` (the two's complement
//! bits of a signed type, not sign-extended: what `x.range()` gives in C++).

use core::ffi::{c_char, c_int};

use lowprec::fixed::{Family, FixedFormat, FixedParams, OverflowMode, Quantization};

use crate::format::flag;
use crate::{
    Error, Res, c_str, disjoint, guard, input, opt_ptr, out_ptr, output, output_span, write,
};

/// Family: Xilinx `ap_fixed` / `ap_ufixed`.
pub const LOWPREC_FAMILY_AP_FIXED: u32 = 0;
/// Family: Xilinx `ap_int` / `ap_uint` (I = W, `AP_TRN_ZERO`, `AP_WRAP`, N = 0).
pub const LOWPREC_FAMILY_AP_INT: u32 = 1;
/// Family: Siemens `ac_fixed` (no N, no `WRAP_SM`; adds `AC_RND_CONV_ODD`).
pub const LOWPREC_FAMILY_AC_FIXED: u32 = 2;

/// Quantization: `AP_TRN` (toward −∞, the default).
pub const LOWPREC_Q_TRN: u32 = 0;
/// Quantization: `AP_TRN_ZERO` (toward zero).
pub const LOWPREC_Q_TRN_ZERO: u32 = 1;
/// Quantization: `AP_RND` (nearest, ties toward +∞).
pub const LOWPREC_Q_RND: u32 = 2;
/// Quantization: `AP_RND_ZERO` (nearest, ties toward zero).
pub const LOWPREC_Q_RND_ZERO: u32 = 3;
/// Quantization: `AP_RND_MIN_INF` (nearest, ties toward −∞).
pub const LOWPREC_Q_RND_MIN_INF: u32 = 4;
/// Quantization: `AP_RND_INF` (nearest, ties away from zero).
pub const LOWPREC_Q_RND_INF: u32 = 5;
/// Quantization: `AP_RND_CONV` (nearest, ties to even).
pub const LOWPREC_Q_RND_CONV: u32 = 6;
/// Quantization: `AC_RND_CONV_ODD` (nearest, ties to odd; `ac_fixed` only).
pub const LOWPREC_Q_RND_CONV_ODD: u32 = 7;

/// Overflow: `AP_SAT` (clamp).
pub const LOWPREC_O_SAT: u32 = 0;
/// Overflow: `AP_SAT_ZERO` (overflow gives 0).
pub const LOWPREC_O_SAT_ZERO: u32 = 1;
/// Overflow: `AP_SAT_SYM` (clamp to ±max).
pub const LOWPREC_O_SAT_SYM: u32 = 2;
/// Overflow: `AP_WRAP` (the low W bits, with N saturation bits; the default).
pub const LOWPREC_O_WRAP: u32 = 3;
/// Overflow: `AP_WRAP_SM` (sign-magnitude wrap; signed `ap_fixed` only).
pub const LOWPREC_O_WRAP_SM: u32 = 4;

/// A fixed-point type, by value: the template parameters of
/// `ap_fixed<W, I, Q, O, N>` / `ap_ufixed` / `ap_int<W>` / `ac_fixed<W, I, S, Q, O>`.
///
/// Fill it with `lowprec_fixed_parse`, or set the fields: `family` one of
/// `LOWPREC_FAMILY_*`, `width` 1..=64, `int_bits` within ±8192, `is_signed` 0 or 1,
/// `quantization` one of `LOWPREC_Q_*`, `overflow` one of `LOWPREC_O_*`, `sat_bits`
/// 0..=W. An invalid combination is `LOWPREC_ERR_FORMAT` in every function.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct lowprec_fixed_t {
    /// One of `LOWPREC_FAMILY_*`.
    pub family: u32,
    /// The width W.
    pub width: u32,
    /// The integer bits I (sign bit included).
    pub int_bits: i32,
    /// 1: signed; 0: unsigned.
    pub is_signed: u32,
    /// One of `LOWPREC_Q_*`.
    pub quantization: u32,
    /// One of `LOWPREC_O_*`.
    pub overflow: u32,
    /// The saturation bits N of `AP_WRAP` / `AP_WRAP_SM` (0 for the other families).
    pub sat_bits: u32,
}

impl lowprec_fixed_t {
    /// The struct of a Rust fixed-point format.
    pub fn from_format(f: &FixedFormat) -> Self {
        let p = f.params();
        Self {
            family: match p.family {
                Family::ApFixed => LOWPREC_FAMILY_AP_FIXED,
                Family::ApInt => LOWPREC_FAMILY_AP_INT,
                Family::AcFixed => LOWPREC_FAMILY_AC_FIXED,
            },
            width: p.width,
            int_bits: p.int_bits,
            is_signed: p.signed as u32,
            quantization: p.quantization as u32,
            overflow: p.overflow as u32,
            sat_bits: p.sat_bits,
        }
    }

    /// The Rust parameters, each field checked (the combination is not).
    pub(crate) fn params(&self) -> Result<FixedParams, Error> {
        let family = match self.family {
            LOWPREC_FAMILY_AP_FIXED => Family::ApFixed,
            LOWPREC_FAMILY_AP_INT => Family::ApInt,
            LOWPREC_FAMILY_AC_FIXED => Family::AcFixed,
            _ => return Err(Error::Format),
        };
        let quantization = u8::try_from(self.quantization)
            .ok()
            .and_then(Quantization::from_code)
            .ok_or(Error::Format)?;
        let overflow = u8::try_from(self.overflow)
            .ok()
            .and_then(OverflowMode::from_code)
            .ok_or(Error::Format)?;
        Ok(FixedParams {
            family,
            width: self.width,
            int_bits: self.int_bits,
            signed: flag(self.is_signed).ok_or(Error::Format)?,
            quantization,
            overflow,
            sat_bits: self.sat_bits,
        })
    }

    /// The Rust format, checked by `FixedFormat::new`.
    pub(crate) fn format(&self) -> Result<FixedFormat, Error> {
        FixedFormat::new(self.params()?).map_err(|_| Error::Format)
    }
}

/// Fills `*out` with the type spelled `name` as in C++: `ap_fixed<W,I[,Q[,O[,N]]]>`,
/// `ap_ufixed<…>`, `ap_int<W>`, `ap_uint<W>`, `ac_fixed<W,I[,S[,Q[,O]]]>` with the modes'
/// C++ names (`"ap_fixed<8,3,AP_RND,AP_SAT>"`).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `out` is NULL or points to a writable
/// `lowprec_fixed_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_fixed_parse(
    name: *const c_char,
    out: *mut lowprec_fixed_t,
) -> c_int {
    guard(|| {
        out_ptr(out)?;
        let f: FixedFormat = c_str(name)?.parse().map_err(|_| Error::Format)?;
        write(out, lowprec_fixed_t::from_format(&f));
        Ok(())
    })
}

/// Casts a `double` into the type, exactly as the C++ constructor from `double` does
/// (quantization, then overflow; NaN and ±∞ as the headers read them): `*bits` receives
/// the W raw bits, `*status` (may be NULL) the flags (`INEXACT` when rounded, `OVERFLOW`
/// when the overflow mode acted, `INVALID` for NaN).
///
/// # Safety
/// `bits` is NULL or points to a writable `uint64_t`; `status` is NULL or points to a
/// writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_fixed_from_f64(
    t: lowprec_fixed_t,
    x: f64,
    bits: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        let f = t.format()?;
        out_ptr(bits)?;
        opt_ptr(status)?;
        let r = f.from_f64_with(x);
        write(bits, r.value);
        write(status, u32::from(r.status.bits()));
        Ok(())
    })
}

/// The value of raw bits as the nearest `double`, ties to even (C++ `to_double()`; bits
/// above W are ignored).
///
/// # Safety
/// `out` is NULL or points to a writable `double`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_fixed_to_f64(
    t: lowprec_fixed_t,
    bits: u64,
    out: *mut f64,
) -> c_int {
    guard(|| {
        let f = t.format()?;
        out_ptr(out)?;
        write(out, f.to_f64(bits));
        Ok(())
    })
}

/// The raw integer of raw bits: the W bits sign-extended for a signed type (so that
/// `*raw · 2^-(W-I)` is the value). Unsigned 64-bit types above `INT64_MAX` wrap.
///
/// # Safety
/// `raw` is NULL or points to a writable `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_fixed_raw(t: lowprec_fixed_t, bits: u64, raw: *mut i64) -> c_int {
    guard(|| {
        let f = t.format()?;
        out_ptr(raw)?;
        write(raw, f.raw_of(bits) as i64);
        Ok(())
    })
}

/// Casts a value of type `from` (its raw bits) into type `to`, as C++ assignment between
/// the two types does: `*bits` receives the raw bits in `to`, `*status` (may be NULL) the
/// flags.
///
/// # Safety
/// As `lowprec_fixed_from_f64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_fixed_cast(
    to: lowprec_fixed_t,
    from: lowprec_fixed_t,
    from_bits: u64,
    bits: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        let (t, s) = (to.format()?, from.format()?);
        out_ptr(bits)?;
        opt_ptr(status)?;
        let r = t.cast_from_with(&s, from_bits);
        write(bits, r.value);
        write(status, u32::from(r.status.bits()));
        Ok(())
    })
}

fn from_f64_slice(
    t: lowprec_fixed_t,
    src: *const f64,
    dst: *mut u64,
    n: usize,
    status: *mut u32,
) -> Res {
    let f = t.format()?;
    opt_ptr(status)?;
    let out_span = output_span(dst, n)?;
    let (src, in_span) = input(src, n)?;
    disjoint(&[out_span], &[in_span])?;
    let mut flags = 0u32;
    for (o, &x) in output(dst, n).iter_mut().zip(src) {
        let r = f.from_f64_with(x);
        flags |= u32::from(r.status.bits());
        *o = r.value;
    }
    write(status, flags);
    Ok(())
}

/// `lowprec_fixed_from_f64` of `n` doubles: `dst[i]` receives the raw bits of `src[i]`,
/// `*status` (may be NULL) the union of the flags. The buffers must not overlap.
///
/// # Safety
/// `src` and `dst` are NULL (only when `n` is 0) or point to `n` valid elements (`dst`
/// writable); `status` is NULL or points to a writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_fixed_from_f64_n(
    t: lowprec_fixed_t,
    src: *const f64,
    dst: *mut u64,
    n: usize,
    status: *mut u32,
) -> c_int {
    guard(|| from_f64_slice(t, src, dst, n, status))
}

/// `lowprec_fixed_to_f64` of `n` raw values. The buffers must not overlap.
///
/// # Safety
/// `src` and `dst` are NULL (only when `n` is 0) or point to `n` valid elements (`dst`
/// writable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_fixed_to_f64_n(
    t: lowprec_fixed_t,
    src: *const u64,
    dst: *mut f64,
    n: usize,
) -> c_int {
    guard(|| {
        let f = t.format()?;
        let out_span = output_span(dst, n)?;
        let (src, in_span) = input(src, n)?;
        disjoint(&[out_span], &[in_span])?;
        for (o, &b) in output(dst, n).iter_mut().zip(src) {
            *o = f.to_f64(b);
        }
        Ok(())
    })
}
