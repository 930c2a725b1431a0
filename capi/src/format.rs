//! Floating-point formats as C values ([`lowprec_format_t`]), and how to round
//! ([`lowprec_round_t`]: mode, overflow policy, stochastic bits and seed).

use core::ffi::{c_char, c_int};

use lowprec::float::{FloatParams, Specials};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, Overflow, Round, Rounding};

use crate::{Error, c_str, guard, out_ptr, write};

/// Specials: IEEE 754 (±∞ at the all-ones exponent, NaN there with a nonzero fraction).
pub const LOWPREC_SPECIALS_IEEE: u32 = 0;
/// Specials: OCP E4M3FN style (no ∞; only S.1…1.1…1 is NaN).
pub const LOWPREC_SPECIALS_FINITE_NAN: u32 = 1;
/// Specials: FNUZ (no ∞, no −0; the −0 code is the single NaN). Needs a sign bit.
pub const LOWPREC_SPECIALS_FNUZ: u32 = 2;
/// Specials: MX FP6/FP4 style (every code is a finite number).
pub const LOWPREC_SPECIALS_FINITE: u32 = 3;
/// Specials: IEEE P3109 extended (±∞ at the top codes, one NaN, no −0).
pub const LOWPREC_SPECIALS_P3109_EXTENDED: u32 = 4;
/// Specials: IEEE P3109 finite (no ∞, one NaN, no −0).
pub const LOWPREC_SPECIALS_P3109_FINITE: u32 = 5;
/// Specials: OCP MX E8M0 style (no zero, no subnormals, the all-ones code is NaN).
pub const LOWPREC_SPECIALS_NO_ZERO: u32 = 6;

/// A floating-point format, by value: the parameters of lowprec's `FloatFormat`.
///
/// Fill it with `lowprec_format_parse`, or set the fields: `exp_bits` 1..=11, `man_bits`
/// (stored fraction bits) 0..=52, `bias` within ±2^20, `specials` one of
/// `LOWPREC_SPECIALS_*`, `subnormals` and `is_signed` 0 or 1. Every function that takes
/// one checks it and returns `LOWPREC_ERR_FORMAT` when it is not a valid format (e.g.
/// FNUZ without a sign bit, `NO_ZERO` with subnormals). Codes are the format's bit
/// patterns in the low bits of an unsigned integer (sign, exponent, fraction).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct lowprec_format_t {
    /// Exponent field width E, 1 to 11.
    pub exp_bits: u32,
    /// Stored fraction width M, 0 to 52.
    pub man_bits: u32,
    /// Exponent bias.
    pub bias: i32,
    /// One of `LOWPREC_SPECIALS_*`.
    pub specials: u32,
    /// 1: the format has subnormals; 0: it has none.
    pub subnormals: u32,
    /// 1: the format has a sign bit; 0: unsigned.
    pub is_signed: u32,
}

impl lowprec_format_t {
    /// The struct of a Rust format.
    pub fn from_format(f: &FloatFormat) -> Self {
        let p = f.params();
        let specials = match p.specials {
            Specials::Ieee => LOWPREC_SPECIALS_IEEE,
            Specials::FiniteNan => LOWPREC_SPECIALS_FINITE_NAN,
            Specials::Fnuz => LOWPREC_SPECIALS_FNUZ,
            Specials::Finite => LOWPREC_SPECIALS_FINITE,
            Specials::P3109 { extended: true } => LOWPREC_SPECIALS_P3109_EXTENDED,
            Specials::P3109 { extended: false } => LOWPREC_SPECIALS_P3109_FINITE,
            Specials::NoZero => LOWPREC_SPECIALS_NO_ZERO,
        };
        Self {
            exp_bits: p.exp_bits,
            man_bits: p.man_bits,
            bias: p.bias,
            specials,
            subnormals: p.subnormals as u32,
            is_signed: p.signed as u32,
        }
    }

    /// The Rust format, checked by `FloatFormat::new`.
    pub(crate) fn format(&self) -> Result<FloatFormat, Error> {
        let specials = match self.specials {
            LOWPREC_SPECIALS_IEEE => Specials::Ieee,
            LOWPREC_SPECIALS_FINITE_NAN => Specials::FiniteNan,
            LOWPREC_SPECIALS_FNUZ => Specials::Fnuz,
            LOWPREC_SPECIALS_FINITE => Specials::Finite,
            LOWPREC_SPECIALS_P3109_EXTENDED => Specials::P3109 { extended: true },
            LOWPREC_SPECIALS_P3109_FINITE => Specials::P3109 { extended: false },
            LOWPREC_SPECIALS_NO_ZERO => Specials::NoZero,
            _ => return Err(Error::Format),
        };
        FloatFormat::new(FloatParams {
            exp_bits: self.exp_bits,
            man_bits: self.man_bits,
            bias: self.bias,
            specials,
            subnormals: flag(self.subnormals).ok_or(Error::Format)?,
            signed: flag(self.is_signed).ok_or(Error::Format)?,
        })
        .map_err(|_| Error::Format)
    }
}

/// A C flag: 0 or 1, anything else refused.
pub(crate) const fn flag(x: u32) -> Option<bool> {
    match x {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// Rounding mode: nearest, ties to even (the IEEE default).
pub const LOWPREC_ROUND_TIES_TO_EVEN: u32 = 0;
/// Rounding mode: nearest, ties away from zero.
pub const LOWPREC_ROUND_TIES_TO_AWAY: u32 = 1;
/// Rounding mode: nearest, ties toward zero.
pub const LOWPREC_ROUND_TIES_TO_ZERO: u32 = 2;
/// Rounding mode: nearest, ties toward +∞.
pub const LOWPREC_ROUND_TIES_UP: u32 = 3;
/// Rounding mode: nearest, ties toward −∞.
pub const LOWPREC_ROUND_TIES_DOWN: u32 = 4;
/// Rounding mode: toward +∞.
pub const LOWPREC_ROUND_TOWARD_POSITIVE: u32 = 5;
/// Rounding mode: toward −∞.
pub const LOWPREC_ROUND_TOWARD_NEGATIVE: u32 = 6;
/// Rounding mode: toward zero.
pub const LOWPREC_ROUND_TOWARD_ZERO: u32 = 7;
/// Rounding mode: round to odd.
pub const LOWPREC_ROUND_TO_ODD: u32 = 8;
/// Rounding mode: nearest, ties to odd.
pub const LOWPREC_ROUND_TIES_TO_ODD: u32 = 9;
/// Stochastic rounding, probability proportional to the distance (`sr_bits` random bits).
pub const LOWPREC_ROUND_SR: u32 = 10;
/// Stochastic rounding, both neighbours with probability 1/2 (one random bit).
pub const LOWPREC_ROUND_SR_EQUAL: u32 = 11;
/// IEEE P3109 stochastic rounding, variant A (`sr_bits` random bits).
pub const LOWPREC_ROUND_SR_P3109A: u32 = 12;
/// IEEE P3109 stochastic rounding, variant B (`sr_bits` random bits, at most 63).
pub const LOWPREC_ROUND_SR_P3109B: u32 = 13;
/// IEEE P3109 stochastic rounding, variant C (`sr_bits` random bits, at most 63).
pub const LOWPREC_ROUND_SR_P3109C: u32 = 14;

/// Overflow: IEEE 754 (nearest and stochastic modes overflow to ±∞, or NaN where the
/// format has no ∞; directed modes toward zero give ±max).
pub const LOWPREC_OVERFLOW_IEEE: u32 = 0;
/// Overflow: OCP "satfinite" (every overflow and every infinity gives ±max finite).
pub const LOWPREC_OVERFLOW_SAT_FINITE: u32 = 1;
/// Overflow: IEEE P3109 "SaturatePropagate" (finite overflow gives ±max, ∞ stays ∞).
pub const LOWPREC_OVERFLOW_SAT_PROPAGATE: u32 = 2;

/// How to round: a mode, an overflow policy, and for the stochastic modes the number of
/// random bits per rounding and the seed of the SplitMix64 stream that one call draws
/// from (in element order).
///
/// All zeros is the IEEE default: nearest ties to even, IEEE overflow. `sr_bits` 0 means
/// the most the rule takes (64; 63 for P3109 variants B and C; 1 for
/// `LOWPREC_ROUND_SR_EQUAL`); otherwise 1 up to that. Deterministic modes ignore
/// `sr_bits` and `seed`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct lowprec_round_t {
    /// One of `LOWPREC_ROUND_*`.
    pub mode: u32,
    /// One of `LOWPREC_OVERFLOW_*`.
    pub overflow: u32,
    /// Random bits per stochastic rounding: 0 (the most the rule takes) or 1..=64.
    pub sr_bits: u32,
    /// The seed of the call's SplitMix64 stream.
    pub seed: u64,
}

/// The Rust rounding mode of a `LOWPREC_ROUND_*` value, with `sr_bits` (0 = the most
/// the rule takes: 64, or 63 for P3109 variants B and C; 1 for `SR_EQUAL`).
pub(crate) fn rounding(mode: u32, sr_bits: u32) -> Result<Rounding, Error> {
    let sr = |kind, max: u32| match sr_bits {
        0 => Ok(Rounding::Stochastic(Stochastic {
            kind,
            bits: max as u8,
        })),
        1.. if sr_bits <= max => Ok(Rounding::Stochastic(Stochastic {
            kind,
            bits: sr_bits as u8,
        })),
        _ => Err(Error::Mode),
    };
    match mode {
        LOWPREC_ROUND_TIES_TO_EVEN => Ok(Rounding::TiesToEven),
        LOWPREC_ROUND_TIES_TO_AWAY => Ok(Rounding::TiesToAway),
        LOWPREC_ROUND_TIES_TO_ZERO => Ok(Rounding::TiesToZero),
        LOWPREC_ROUND_TIES_UP => Ok(Rounding::TiesUp),
        LOWPREC_ROUND_TIES_DOWN => Ok(Rounding::TiesDown),
        LOWPREC_ROUND_TOWARD_POSITIVE => Ok(Rounding::TowardPositive),
        LOWPREC_ROUND_TOWARD_NEGATIVE => Ok(Rounding::TowardNegative),
        LOWPREC_ROUND_TOWARD_ZERO => Ok(Rounding::TowardZero),
        LOWPREC_ROUND_TO_ODD => Ok(Rounding::ToOdd),
        LOWPREC_ROUND_TIES_TO_ODD => Ok(Rounding::TiesToOdd),
        LOWPREC_ROUND_SR => sr(SrKind::Proportional, 64),
        LOWPREC_ROUND_SR_EQUAL => sr(SrKind::Equal, 1),
        LOWPREC_ROUND_SR_P3109A => sr(SrKind::P3109A, 64),
        LOWPREC_ROUND_SR_P3109B => sr(SrKind::P3109B, 63),
        LOWPREC_ROUND_SR_P3109C => sr(SrKind::P3109C, 63),
        _ => Err(Error::Mode),
    }
}

/// The Rust overflow policy of a `LOWPREC_OVERFLOW_*` value.
pub(crate) fn overflow(x: u32) -> Result<Overflow, Error> {
    match x {
        LOWPREC_OVERFLOW_IEEE => Ok(Overflow::Ieee),
        LOWPREC_OVERFLOW_SAT_FINITE => Ok(Overflow::SatFinite),
        LOWPREC_OVERFLOW_SAT_PROPAGATE => Ok(Overflow::SatPropagate),
        _ => Err(Error::Mode),
    }
}

impl lowprec_round_t {
    /// The Rust rounding, checked.
    pub(crate) fn round(&self) -> Result<Round, Error> {
        Ok(Round::new(
            rounding(self.mode, self.sr_bits)?,
            overflow(self.overflow)?,
        ))
    }
}

/// Fills `*out` with the format named `name` (NUL-terminated): a preset (`fp64 fp32
/// tf32 fp16 bf16 e5m2 e4m3 e4m3fn e4m3fnuz e5m2fnuz e4m3b11fnuz e3m4 e2m3 e3m2 e2m1
/// e8m0`), an IEEE P3109 name `binary{K}p{P}{s|u}{e|f}`, or a custom
/// `e{E}m{M}[:fn|:fnuz|:finite|:p3109e|:p3109f|:nozero][:unsigned][:nosub][:bias=B]`
/// (case-insensitive).
///
/// Returns `LOWPREC_ERR_NULL` if `name` or `out` is NULL, `LOWPREC_ERR_FORMAT` if the
/// name is not a format.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `out` is NULL or points to a writable
/// `lowprec_format_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_format_parse(
    name: *const c_char,
    out: *mut lowprec_format_t,
) -> c_int {
    guard(|| {
        out_ptr(out)?;
        let f: FloatFormat = c_str(name)?.parse().map_err(|_| Error::Format)?;
        write(out, lowprec_format_t::from_format(&f));
        Ok(())
    })
}

/// Checks a format struct: `LOWPREC_OK` if it is a valid format, else `LOWPREC_ERR_FORMAT`.
/// When `width` is not NULL it receives the width of the format's codes in bits (sign,
/// exponent and fraction).
///
/// # Safety
/// `width` is NULL or points to a writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_format_check(fmt: lowprec_format_t, width: *mut u32) -> c_int {
    guard(|| {
        crate::opt_ptr(width)?;
        let f = fmt.format()?;
        write(width, f.width());
        Ok(())
    })
}
