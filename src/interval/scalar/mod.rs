//! Interval bounds and their directed rounding: the [`Scalar`] trait and its
//! implementations for `f64`, `f32`, typed [`Fp<F>`] values and runtime
//! [`FloatFormat`] codes.
//!
//! A bound is a number of the format or ±∞ — also in formats without infinities
//! (E4M3FN, FNUZ, MX), whose intervals still need unbounded ends. `f64` and `f32`
//! bounds are themselves; lowprec formats keep their bounds as [`Ext`] codes.
//!
//! Directed rounding never touches the floating-point environment:
//! - `f64`: the host's round-to-nearest result and its exact error by an error-free
//!   transformation (Knuth's TwoSum; Dekker's TwoProduct with Veltkamp splitting, or one
//!   `mul_add` where the target has FMA and `std` is on), then one step to the
//!   neighbouring float when the error points the rounding's way. Outside the range where
//!   those transformations are exact (results near the underflow threshold, operands
//!   near overflow) the exact core decides ([`FloatFormat::FP64`]).
//! - `f32`: the operation in binary64 (products of two binary32 values are exact there),
//!   rounded to nearest binary32 and moved one step when the binary64 result lies
//!   beyond it in the rounding's direction; only when the binary64 result is itself a
//!   binary32 does the exact error decide (TwoSum, or an exact remainder). Zeros,
//!   infinities and results beyond binary32's range go to the exact core.
//! - everything else: the exact core, `FloatFormat::add(…, TowardPositive, …)` and its
//!   siblings, which round the exact result once in any mode and format.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | [`Dir`], [`Ext`], the [`Scalar`] and [`StaticScalar`] traits; whether exact interval ends are reversed |
//! | `f64.rs` | `f64` bounds by error-free transformations |
//! | `f32.rs` | `f32` bounds by binary64 arithmetic rounded once more |
//! | `codes.rs` | bounds of any [`FloatFormat`] through the exact core, for runtime formats and [`Fp<F>`] |
//! | `ext.rs` | one [`Scalar`] implementation for the types whose bounds are [`Ext`] values: float codes, fixed-point raw integers |
//!
//! [`Fp<F>`]: crate::float::Fp
//! [`FloatFormat`]: crate::FloatFormat
//! [`FloatFormat::FP64`]: crate::FloatFormat::FP64

use core::cmp::Ordering;
use core::fmt;

use crate::float::Exact;
use crate::rounding::{Overflow, Rounding};

mod codes;
mod ext;
mod f32;
mod f64;

pub(crate) use ext::{ExtOps, ExtScalar};

/// A rounding direction: toward −∞ (lower bounds) or toward +∞ (upper bounds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// Toward −∞.
    Down,
    /// Toward +∞.
    Up,
}

impl Dir {
    /// The [`Rounding`] mode of this direction.
    ///
    /// ```
    /// use lowprec::{Rounding, interval::Dir};
    /// assert_eq!(Dir::Up.rounding(), Rounding::TowardPositive);
    /// ```
    pub const fn rounding(self) -> Rounding {
        match self {
            Dir::Down => Rounding::TowardNegative,
            Dir::Up => Rounding::TowardPositive,
        }
    }

    /// The other direction.
    pub const fn flip(self) -> Dir {
        match self {
            Dir::Down => Dir::Up,
            Dir::Up => Dir::Down,
        }
    }
}

/// A bound in a lowprec format: a finite (or zero) value of the format, or ±∞.
///
/// Formats without infinities (E4M3FN, FNUZ, the MX formats) still get unbounded
/// intervals: their ±∞ bounds live here, outside the codes.
///
/// ```
/// use lowprec::interval::{Ext, Interval};
/// use lowprec::float::{Fp, formats::E4m3fn};
/// let x = Interval::<Fp<E4m3fn>>::new(Fp::from_f64(400.0), Fp::from_f64(448.0));
/// let y = x + x; // 896 is beyond E4M3FN's 448: the upper bound is +∞
/// assert_eq!(y.sup(), Ext::PosInf);
/// assert_eq!(y.inf(), Ext::Finite(Fp::from_f64(448.0)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ext<C> {
    /// −∞.
    NegInf,
    /// A finite value (never NaN, never a format's own infinity code).
    Finite(C),
    /// +∞.
    PosInf,
}

impl<C> Ext<C> {
    /// Whether the bound is finite.
    pub const fn is_finite(&self) -> bool {
        matches!(self, Ext::Finite(_))
    }
    /// The finite value, if any.
    pub fn finite(self) -> Option<C> {
        match self {
            Ext::Finite(c) => Some(c),
            _ => None,
        }
    }
}

/// Numbers that can bound an interval, with correctly rounded directed arithmetic.
///
/// Implemented for `f64`, `f32`, [`Fp<F>`] (any compile-time format),
/// [`FloatFormat`] (runtime formats, whose values are `u64` codes), and fixed point:
/// [`FixedFormat`](crate::fixed::FixedFormat) (bounds are raw integers or ±∞) and typed
/// [`Fx<F>`](crate::fixed::Fx).
///
/// The interval code never asks for an undefined operation (∞ − ∞, 0 · ∞, 0/0, ∞/∞,
/// x/0, √ of a negative number); implementations may return any bound for those, but
/// never panic. Every other operation returns the exact result rounded once in the
/// direction asked (so an exact result comes back unchanged).
///
/// [`Fp<F>`]: crate::float::Fp
/// [`FloatFormat`]: crate::FloatFormat
pub trait Scalar: Copy + fmt::Debug + 'static {
    /// A value of the format (`f64`, `Fp<F>`, or a `u64` code for runtime formats).
    type Value: Copy + fmt::Debug;
    /// An interval bound: a value of the format other than NaN, or ±∞.
    type Bound: Copy + fmt::Debug + PartialEq + Send + Sync + 'static;
    /// The runtime descriptor: `()` when the type fixes the format.
    type Format: Copy + fmt::Debug + PartialEq + Send + Sync + 'static;

    /// −∞.
    fn neg_inf(f: &Self::Format) -> Self::Bound;
    /// +∞.
    fn pos_inf(f: &Self::Format) -> Self::Bound;
    /// The bound of a value; `None` for NaN.
    fn bound(f: &Self::Format, v: Self::Value) -> Option<Self::Bound>;
    /// The value of a finite bound, or of an infinite one where the format has
    /// infinities (else the largest finite value of that sign).
    fn value(f: &Self::Format, b: Self::Bound) -> Self::Value;
    /// Compares two bounds (−0 = +0).
    fn cmp(f: &Self::Format, a: Self::Bound, b: Self::Bound) -> Ordering;
    /// a < b.
    #[inline(always)]
    fn lt(f: &Self::Format, a: Self::Bound, b: Self::Bound) -> bool {
        Self::cmp(f, a, b) == Ordering::Less
    }
    /// a ≤ b.
    #[inline(always)]
    fn le(f: &Self::Format, a: Self::Bound, b: Self::Bound) -> bool {
        Self::cmp(f, a, b) != Ordering::Greater
    }
    /// The sign of a bound: `Less` below zero, `Equal` for ±0, `Greater` above.
    fn sign(f: &Self::Format, a: Self::Bound) -> Ordering;
    /// Whether a bound is finite.
    fn is_finite(f: &Self::Format, a: Self::Bound) -> bool;
    /// −a rounded (exact in signed formats).
    fn neg(f: &Self::Format, a: Self::Bound, dir: Dir) -> Self::Bound;
    /// a + b rounded.
    fn add(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound;
    /// a − b rounded.
    fn sub(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound;
    /// a × b rounded.
    fn mul(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound;
    /// a ÷ b rounded.
    fn div(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound;
    /// a × b + c with one rounding (finite operands).
    fn fma(
        f: &Self::Format,
        a: Self::Bound,
        b: Self::Bound,
        c: Self::Bound,
        dir: Dir,
    ) -> Self::Bound;
    /// √a rounded (a ≥ 0).
    fn sqrt(f: &Self::Format, a: Self::Bound, dir: Dir) -> Self::Bound;
    /// (a + b)/2 rounded to nearest, ties to even (finite a, b).
    fn mid(f: &Self::Format, a: Self::Bound, b: Self::Bound) -> Self::Bound;
    /// The exact value of a bound.
    fn to_exact(f: &Self::Format, a: Self::Bound) -> Exact;
    /// An exact value rounded once: directed, or to nearest (NaN gives ±∞ in the
    /// rounding's direction, +∞ for nearest).
    fn from_exact(f: &Self::Format, x: Exact, mode: Rounding) -> Self::Bound;
    /// The largest finite value.
    fn max_finite(f: &Self::Format) -> Self::Bound;
    /// 0 rounded in `dir`: +0 in every format with a zero; in a format without one
    /// (`Specials::NoZero`) the smallest value above it, or the largest below it (−2^emin,
    /// or −∞ when unsigned).
    fn zero(f: &Self::Format, dir: Dir) -> Self::Bound;
    /// Whether two descriptors are the same format.
    #[inline(always)]
    fn same_format(a: &Self::Format, b: &Self::Format) -> bool {
        a == b
    }
    /// The significant bits of the format's values (how many digits text output needs).
    fn precision(f: &Self::Format) -> u32;
}

/// Scalars whose format is known at compile time (`f64`, `f32`, [`Fp<F>`]): their
/// intervals need no descriptor at construction.
///
/// [`Fp<F>`]: crate::float::Fp
pub trait StaticScalar: Scalar {
    /// The descriptor.
    const FORMAT: Self::Format;
}

/// The overflow policy that the directed operations ask the exact core for.
const IEEE: Overflow = Overflow::Ieee;

/// Whether `lo > hi`, for interval ends given as exact values that may carry a sticky
/// part (inexact values, such as parsed decimals): [`Exact::cmp_value`] of the values
/// truncated to their significands, a tie going to the end with the sticky part (the
/// larger magnitude). A zero significand reads as zero.
pub(crate) fn reversed(lo: Exact, hi: Exact) -> bool {
    let truncated = |x: Exact| match x {
        Exact::Finite(f) => Exact::from_parts(f.negative, f.sig, f.exp),
        x => x,
    };
    let sticky = |x: Exact| matches!(x, Exact::Finite(f) if f.sticky && f.sig != 0);
    let (a, b) = (truncated(lo), truncated(hi));
    match a.cmp_value(&b) {
        Some(Ordering::Equal) => {
            // Same sign, same truncation: lo is larger when it alone has the sticky part
            // and is positive, or hi alone has it and is negative.
            sticky(lo) != sticky(hi) && sticky(lo) != a.is_sign_negative()
        }
        order => order == Some(Ordering::Greater),
    }
}

#[cfg(test)]
mod tests {
    use super::reversed;
    use crate::float::{Exact, Finite};

    /// On exact values, `reversed` is the host's `>` on `f64` (±0 equal, ±∞ ordered):
    /// every pair of zeros, infinities, extremes and neighbours, which share leading bits.
    #[test]
    fn reversed_orders_exact_values_like_the_host() {
        let up = |x: f64| f64::from_bits(x.to_bits() + 1);
        let magnitudes = [
            0.0,
            5e-324,
            1e-310,
            1.0,
            up(1.0),
            1.5,
            3.0,
            f64::MAX,
            f64::INFINITY,
        ];
        let values = magnitudes.iter().flat_map(|&x| [x, -x]);
        for a in values.clone() {
            for b in values.clone() {
                let got = reversed(Exact::from_f64(a), Exact::from_f64(b));
                assert_eq!(got, a > b, "{a:e} {b:e}");
            }
        }
    }

    /// A sticky part lies below the significand's last bit; a zero significand is zero.
    #[test]
    fn reversed_with_sticky_parts_and_zero_significands() {
        let x = |negative, sig, sticky| {
            Exact::Finite(Finite {
                negative,
                sig,
                exp: -4,
                sticky,
            })
        };
        // (3 + ε)/16 > 3/16 and −3/16 > −(3 + ε)/16.
        assert!(reversed(x(false, 3, true), x(false, 3, false)));
        assert!(!reversed(x(false, 3, false), x(false, 3, true)));
        assert!(!reversed(x(true, 3, true), x(true, 3, false)));
        assert!(reversed(x(true, 3, false), x(true, 3, true)));
        // Different truncations decide: 0.2 and 0.1 parse to long significands with
        // sticky parts.
        let tenth: Exact = "0.1".parse().unwrap();
        let fifth: Exact = "0.2".parse().unwrap();
        assert!(reversed(fifth, tenth));
        assert!(!reversed(tenth, fifth));
        assert!(!reversed(tenth, tenth));
        assert!(reversed(tenth.neg(), fifth.neg()));
        // Zero significands, with or without a sticky part, are zero.
        let zero = Exact::Zero { negative: false };
        assert!(!reversed(x(false, 0, true), zero));
        assert!(!reversed(zero, x(true, 0, false)));
        assert!(reversed(x(false, 1, false), x(true, 0, true)));
    }
}
