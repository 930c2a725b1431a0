//! `f32` bounds: the operation in binary64 (products of two binary32 values are exact
//! there), rounded to nearest binary32 and moved one step when the binary64 result lies
//! beyond it in the rounding's direction; the exact core on binary32 codes for the rest
//! (zeros, infinities, overflow).

use core::cmp::Ordering;

use super::codes::Codes;
use super::ext::ExtOps;
use super::f64::two_sum_err;
use super::{Dir, Ext, Scalar, StaticScalar};
use crate::float::{Exact, FloatFormat};
use crate::rounding::Rounding;

/// The next `f32` above a finite `x`.
#[inline(always)]
fn next_up_f32(x: f32) -> f32 {
    let b = x.to_bits();
    if x == 0.0 {
        f32::from_bits(1)
    } else if b >> 31 == 0 {
        f32::from_bits(b + 1)
    } else {
        f32::from_bits(b - 1)
    }
}

/// The binary32 result of an operation whose exact value x has `s` as its binary64
/// rounding to nearest, rounded in `dir` as if from x itself; `err` returns a number
/// with the sign of x − s. `None` where `s` is 0, not finite or beyond binary32's
/// range: the exact core decides those.
///
/// Operands that are binary32 values keep every result used here inside binary64's
/// normal range (products ≥ 2^−298, quotients ≥ 2^−277, magnitudes < 2^257), so `s` is
/// the exact value rounded once. A binary32 other than `s` is a binary64 other than `s`,
/// so x lies on the same side of it as `s` does (|x − s| is at most half the gap to the
/// next binary64, and an x at that midpoint is no binary32). Only when `s` is itself a
/// binary32 does the sign of x − s decide, and `err` is asked for it.
#[inline(always)]
fn f32_directed(s: f64, dir: Dir, err: impl FnOnce() -> f64) -> Option<f32> {
    // Nonzero results here are at least 2^−298; 0, NaN and ∞ fail the test.
    if !(f64::MIN_POSITIVE..=f64::from(f32::MAX)).contains(&s.abs()) {
        return None;
    }
    let r = s as f32; // to nearest, within range
    let rs = f64::from(r);
    let d = if rs == s { err() } else { s - rs };
    Some(match dir {
        Dir::Up if d > 0.0 => next_up_f32(r),
        Dir::Down if d < 0.0 => -next_up_f32(-r),
        _ => r,
    })
}

#[inline(always)]
fn f32_ext(x: f32) -> Ext<u64> {
    if x == f32::INFINITY {
        Ext::PosInf
    } else if x == f32::NEG_INFINITY {
        Ext::NegInf
    } else {
        Ext::Finite(u64::from(x.to_bits()))
    }
}

#[inline(always)]
fn ext_f32(b: Ext<u64>) -> f32 {
    match b {
        Ext::NegInf => f32::NEG_INFINITY,
        Ext::PosInf => f32::INFINITY,
        Ext::Finite(c) => f32::from_bits(c as u32),
    }
}

const FP32: FloatFormat = FloatFormat::FP32;

/// The exact core's result on binary32 bounds, kept out of line: the binary64 path
/// handles all but zeros, infinities and overflow.
#[cold]
#[inline(never)]
fn f32_core(op: impl FnOnce(&FloatFormat) -> Ext<u64>) -> f32 {
    ext_f32(op(&FP32))
}

impl Scalar for f32 {
    type Value = f32;
    type Bound = f32;
    type Format = ();

    fn neg_inf(_: &()) -> f32 {
        f32::NEG_INFINITY
    }
    fn pos_inf(_: &()) -> f32 {
        f32::INFINITY
    }
    fn bound(_: &(), v: f32) -> Option<f32> {
        if v.is_nan() { None } else { Some(v) }
    }
    fn value(_: &(), b: f32) -> f32 {
        b
    }
    #[inline(always)]
    fn cmp(_: &(), a: f32, b: f32) -> Ordering {
        a.partial_cmp(&b).unwrap_or(Ordering::Equal)
    }
    #[inline(always)]
    fn lt(_: &(), a: f32, b: f32) -> bool {
        a < b
    }
    #[inline(always)]
    fn le(_: &(), a: f32, b: f32) -> bool {
        a <= b
    }
    #[inline(always)]
    fn sign(_: &(), a: f32) -> Ordering {
        a.partial_cmp(&0.0).unwrap_or(Ordering::Equal)
    }
    fn is_finite(_: &(), a: f32) -> bool {
        a.is_finite()
    }
    fn neg(_: &(), a: f32, _: Dir) -> f32 {
        -a
    }
    #[inline(always)]
    fn add(_: &(), a: f32, b: f32, dir: Dir) -> f32 {
        let (x, y) = (f64::from(a), f64::from(b));
        let s = x + y;
        f32_directed(s, dir, || two_sum_err(x, y, s))
            .unwrap_or_else(|| f32_core(|f| Codes::add(f, f32_ext(a), f32_ext(b), dir)))
    }
    #[inline(always)]
    fn sub(f: &(), a: f32, b: f32, dir: Dir) -> f32 {
        Self::add(f, a, -b, dir)
    }
    #[inline(always)]
    fn mul(_: &(), a: f32, b: f32, dir: Dir) -> f32 {
        // 24 × 24 significant bits: the binary64 product is exact.
        f32_directed(f64::from(a) * f64::from(b), dir, || 0.0)
            .unwrap_or_else(|| f32_core(|f| Codes::mul(f, f32_ext(a), f32_ext(b), dir)))
    }
    #[inline(always)]
    fn div(_: &(), a: f32, b: f32, dir: Dir) -> f32 {
        let (x, y) = (f64::from(a), f64::from(b));
        let q = x / y;
        // Asked only when q is a binary32: q·y is then exact (24 × 24 bits) and within
        // a factor 2 of x, so x − q·y is exact (Sterbenz); x/y − q has the sign of
        // (x − q·y)·y.
        f32_directed(q, dir, || if y > 0.0 { x - q * y } else { q * y - x })
            .unwrap_or_else(|| f32_core(|f| Codes::div(f, f32_ext(a), f32_ext(b), dir)))
    }
    fn fma(_: &(), a: f32, b: f32, c: f32, dir: Dir) -> f32 {
        let p = f64::from(a) * f64::from(b); // exact
        let z = f64::from(c);
        let s = p + z;
        f32_directed(s, dir, || two_sum_err(p, z, s))
            .unwrap_or_else(|| f32_core(|f| Codes::fma(f, f32_ext(a), f32_ext(b), f32_ext(c), dir)))
    }
    fn sqrt(_: &(), a: f32, dir: Dir) -> f32 {
        #[cfg(feature = "std")]
        {
            let x = f64::from(a);
            let s = x.sqrt();
            // Asked only when s is a binary32: s·s is exact and within a factor 2 of
            // x, so x − s·s is exact and has the sign of √x − s.
            if let Some(r) = f32_directed(s, dir, || x - s * s) {
                return r;
            }
        }
        f32_core(|f| Codes::sqrt(f, f32_ext(a), dir))
    }
    fn mid(_: &(), a: f32, b: f32) -> f32 {
        ext_f32(Codes::mid(&FP32, f32_ext(a), f32_ext(b)))
    }
    fn to_exact(_: &(), a: f32) -> Exact {
        Exact::from_f32(a)
    }
    fn from_exact(_: &(), x: Exact, mode: Rounding) -> f32 {
        ext_f32(Codes::from_exact(&FP32, x, mode))
    }
    fn max_finite(_: &()) -> f32 {
        f32::MAX
    }
    fn zero(_: &(), _: Dir) -> f32 {
        0.0
    }
    fn precision(_: &()) -> u32 {
        24
    }
}

impl StaticScalar for f32 {
    const FORMAT: () = ();
}
