//! The float arithmetic that fills hls4ml's tables, and the margin proofs for the two
//! library functions that are not correctly rounded (`expf`, `pow`).
//!
//! Floats are codes of [`FloatFormat::FP32`] / [`FloatFormat::FP64`] (`u64`), and every
//! operation is lowprec's correctly rounded one, ties to even: the IEEE operation the
//! compiled C++ performs, on every host.

use core::cmp::Ordering;

use crate::fixed::FixedFormat;
use crate::float::{Exact, FloatFormat};
use crate::math::{Unary, pown, unary};
use crate::nn::NnError;
use crate::rounding::{NoRandom, Rounding};

pub(super) const F32: FloatFormat = FloatFormat::FP32;
pub(super) const F64: FloatFormat = FloatFormat::FP64;

/// The binary32 code of +1.
pub(super) const F32_ONE: u64 = 0x3F80_0000;
/// The binary64 code of +1.
pub(super) const F64_ONE: u64 = 0x3FF0_0000_0000_0000;

/// Rounds an exact value to the nearest binary32 or binary64 number, ties to even.
pub(super) fn round(fmt: &FloatFormat, x: Exact) -> u64 {
    fmt.round(x, Rounding::TiesToEven, &mut NoRandom).value
}

/// The exact value raw · 2^−frac.
pub(super) fn exact_raw(raw: i128, frac: i32) -> Exact {
    Exact::from_parts(raw < 0, raw.unsigned_abs(), -frac)
}

/// `(float)x` of an `ap_fixed` value (`ap_fixed_base::to_float`: ties to even; exact
/// for the table index values, which have few significant bits).
pub(super) fn f32_of_fixed(raw: i128, frac: i32) -> u64 {
    round(&F32, exact_raw(raw, frac))
}

/// A float (`f32` or `f64` code of `from`) assigned to a fixed-point type: the header
/// reads the exact double of it.
pub(super) fn fixed_of_float(from: &FloatFormat, code: u64, to: &FixedFormat) -> i64 {
    let d = if from.width() == 32 {
        F64.convert_from(&F32, code)
    } else {
        code
    };
    let bits = to.from_f64(f64::from_bits(d));
    to.raw_of(bits) as i64
}

/// A binary32 or binary64 code rounded (ties to even) to binary32: `(float)d`.
pub(super) fn f32_of_f64(code: u64) -> u64 {
    F32.convert_from(&F64, code)
}

/// The integer `i` as a binary32 number (`(float)i`, exact for |i| ≤ 2^24).
pub(super) fn f32_of_int(i: i64) -> u64 {
    F32.from_i64(i)
}

/// The integer `i` as a binary64 number.
pub(super) fn f64_of_int(i: i64) -> u64 {
    F64.from_i64(i)
}

/// The positive floats next to `code` (positive codes, +0 and +∞ stay put).
fn pred(fmt: &FloatFormat, code: u64) -> u64 {
    let _ = fmt;
    code.saturating_sub(1)
}

fn succ(fmt: &FloatFormat, code: u64) -> u64 {
    let inf = fmt.inf_code().unwrap_or(u64::MAX);
    if code >= inf { code } else { code + 1 }
}

/// The floats of `fmt` within 1 ulp of the positive exact value `v`, under any reading
/// of "ulp" at a binade boundary: the two neighbours of `v` (one if `v` is exact) and
/// the next number on each side.
fn within_one_ulp(fmt: &FloatFormat, v: Exact) -> [u64; 4] {
    let down = fmt.round(v, Rounding::TowardNegative, &mut NoRandom).value;
    let up = fmt.round(v, Rounding::TowardPositive, &mut NoRandom).value;
    [pred(fmt, down), down, up, succ(fmt, up)]
}

/// binary32's exponent range with five more significand bits: its grid in a binade of
/// binary32 is 1/32 of binary32's ulp.
const F32X32: FloatFormat = match FloatFormat::ieee(8, 28) {
    Ok(f) => f,
    Err(_) => panic!("invalid built-in format"),
};

/// The binary32 numbers `expf` may return for the positive exact value `v` = e^x: those
/// within (1/2 + 1/32) ulp of `v` (fifteen times the excess over 1/2 ulp of the error
/// glibc's `expf` documents, 0.502 ulp). Outside binary32's normal range, every number
/// within 1 ulp. Returns the candidates and their count.
fn expf_candidates(v: Exact) -> ([u64; 4], usize) {
    let min_normal = F32.decode(0x0080_0000);
    let max = F32.decode(0x7F7F_FFFF);
    if v.cmp_value(&min_normal) == Some(Ordering::Less)
        || v.cmp_value(&max) == Some(Ordering::Greater)
    {
        return (within_one_ulp(&F32, v), 4);
    }
    let down = F32.round(v, Rounding::TowardNegative, &mut NoRandom).value;
    let up = F32.round(v, Rounding::TowardPositive, &mut NoRandom).value;
    let mut out = [round(&F32, v); 4];
    let mut n = 1;
    if down != up {
        // e^x for x != 0 is transcendental, never on the 1/32-ulp grid: it lies within
        // 1/32 ulp of the midpoint iff the midpoint is one of its grid neighbours.
        let lo = F32X32
            .round(v, Rounding::TowardNegative, &mut NoRandom)
            .value;
        let hi = F32X32
            .round(v, Rounding::TowardPositive, &mut NoRandom)
            .value;
        let down_x = F32X32.convert_from(&F32, down);
        let mid = down_x + 16;
        if mid == lo || mid == hi {
            out[1] = if out[0] == down { up } else { down };
            n = 2;
        }
        // Just above a power of two, the number below it is half an ulp further away.
        if down & 0x007F_FFFF == 0 && lo == down_x {
            out[n] = pred(&F32, down);
            n += 1;
        }
    }
    (out, n)
}

/// `table_t(std::exp(float x))` for the binary32 code `x`, proven independent of the
/// libm's rounding of `expf` (see the module documentation), or
/// [`NnError::TableMargin`].
pub(super) fn exp_entry(
    x: u64,
    to: &FixedFormat,
    table: &'static str,
    index: usize,
) -> Result<i64, NnError> {
    let xv = F32.decode(x);
    if matches!(xv, Exact::Zero { .. }) {
        // e^±0 = 1 exactly (C11 F.10.3.1).
        return Ok(fixed_of_float(&F32, F32_ONE, to));
    }
    let e = unary(Unary::Exp, xv).value;
    let (cands, n) = expf_candidates(e);
    let first = fixed_of_float(&F32, cands[0], to);
    for c in &cands[1..n] {
        if fixed_of_float(&F32, *c, to) != first {
            return Err(NnError::TableMargin { table, index });
        }
    }
    Ok(first)
}

/// `(float)pow(10.0, -e)` as binary64 `pow` followed by the rounding to binary32, proven
/// independent of `pow`'s last-bit rounding, or [`NnError::TableMargin`] on the table
/// `what`.
pub(super) fn pow10_neg_f32(e: u32, what: &'static str) -> Result<u64, NnError> {
    if e == 0 {
        // pow(x, ±0) = 1 for every x (C11 F.10.4.4).
        return Ok(F32_ONE);
    }
    let v = pown(Exact::from_i128(10), -i64::from(e)).value;
    let cands = within_one_ulp(&F64, v);
    let first = f32_of_f64(cands[0]);
    if cands.iter().any(|c| f32_of_f64(*c) != first) {
        return Err(NnError::TableMargin {
            table: what,
            index: 0,
        });
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn pow10_matches_the_decimal_literal() {
        // (float)1e-e: the nearest binary32 of 10^-e, for every e a float can hold.
        for e in 0..=37u32 {
            let want = std::format!("1e-{e}").parse::<f32>().unwrap().to_bits();
            assert_eq!(pow10_neg_f32(e, "t").unwrap(), u64::from(want), "e = {e}");
        }
    }

    #[test]
    fn exp_entry_is_the_nearest_cast() {
        let t: FixedFormat = "ap_fixed<18,8,AP_RND,AP_SAT>".parse().unwrap();
        for i in -200..200 {
            let x = i as f32 / 16.0;
            let got = exp_entry(u64::from(x.to_bits()), &t, "exp", 0).unwrap();
            let want = t.raw_of(t.from_f64(f64::from(x).exp())) as i64;
            assert_eq!(got, want, "x = {x}");
        }
        // A type as fine as binary32 itself cannot be proven.
        let fine: FixedFormat = "ap_fixed<40,8,AP_RND,AP_SAT>".parse().unwrap();
        let r = (1..200)
            .find_map(|i| exp_entry(u64::from((i as f32 / 7.0).to_bits()), &fine, "exp", i).err());
        assert!(matches!(r, Some(NnError::TableMargin { table: "exp", .. })));
    }
}
