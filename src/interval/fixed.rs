//! Fixed-point bounds: [`Scalar`] for runtime [`FixedFormat`]s and typed [`Fx<F>`].
//!
//! A bound is a raw integer r (the value r·2^−F) or ±∞ ([`Ext`]): an interval's bounds
//! are mathematical, so a result beyond the format's range becomes an unbounded end
//! (outward) or the format's extreme value (inward), never a wrapped or saturated code —
//! the format's quantization and overflow modes play no part. Sums are exact in `i128`;
//! products, quotients, roots and fused multiply-adds go through the exact core
//! (64 × 64-bit products, ≥ 127-bit quotients and roots with a sticky bit), and every
//! result is rounded once to the quantum by the crate's one rounding decision.
//!
//! ```
//! use lowprec::fixed::FixedFormat;
//! use lowprec::interval::{Ext, Interval};
//! let q = FixedFormat::ap_fixed(8, 4)?; // [-8, 7.9375] in steps of 1/16
//! let x = Interval::<FixedFormat>::from_f64_in(q, 0.1, 0.3); // rounded outward
//! assert_eq!(x.to_f64_pair(), (0.0625, 0.3125));
//! let y = x * Interval::from_f64_in(q, 3.0, 3.0);
//! assert_eq!(y.to_f64_pair(), (0.1875, 0.9375));
//! let z = Interval::<FixedFormat>::from_f64_in(q, 7.0, 7.5) + Interval::from_f64_in(q, 1.0, 1.0);
//! assert_eq!((z.inf(), z.sup()), (Ext::Finite(127), Ext::PosInf)); // 8 is beyond the range
//! # Ok::<(), lowprec::fixed::FixedFormatError>(())
//! ```

use core::cmp::Ordering;

use super::scalar::{Dir, Ext, ExtOps, ExtScalar, StaticScalar};
use crate::fixed::cast::Quantized;
use crate::fixed::{FixedFormat, FixedType, Fx, RawInt};
use crate::float::arith::{exact_add, exact_mul, exact_quotient, exact_root};
use crate::float::{Exact, Finite};
use crate::rounding::Rounding;

/// A raw integer of the format's range, as a bound.
type Bound = Ext<i128>;

/// The bound for the exact raw integer `r` (any `i128`): itself when the format holds
/// it, else ±∞ outward or the nearest extreme inward.
#[inline]
fn fit(f: &FixedFormat, r: i128, dir: Dir) -> Bound {
    if r > f.max_raw() {
        match dir {
            Dir::Up => Ext::PosInf,
            Dir::Down => Ext::Finite(f.max_raw()),
        }
    } else if r < f.min_raw() {
        match dir {
            Dir::Down => Ext::NegInf,
            Dir::Up => Ext::Finite(f.min_raw()),
        }
    } else {
        Ext::Finite(r)
    }
}

/// An exact value rounded once to the format in `mode`. Beyond the range, directed
/// modes give ±∞ outward and the extreme inward; nearest modes give ±∞.
#[inline]
fn round(f: &FixedFormat, x: &Exact, mode: Rounding) -> Bound {
    if let Exact::Nan { .. } = x {
        return match mode {
            Rounding::TowardNegative => Ext::NegInf,
            _ => Ext::PosInf,
        };
    }
    match f.quantize(x, mode) {
        Quantized::Raw(r) => Ext::Finite(r),
        Quantized::Above if mode == Rounding::TowardNegative && !matches!(x, Exact::Inf { .. }) => {
            Ext::Finite(f.max_raw())
        }
        Quantized::Above => Ext::PosInf,
        Quantized::Below if mode == Rounding::TowardPositive && !matches!(x, Exact::Inf { .. }) => {
            Ext::Finite(f.min_raw())
        }
        Quantized::Below => Ext::NegInf,
    }
}

/// The exact value of a finite raw integer r·2^−F.
#[inline]
fn finite(f: &FixedFormat, r: i128) -> Finite {
    Finite {
        negative: r < 0,
        sig: r.unsigned_abs(),
        exp: -f.frac_bits(),
        sticky: false,
    }
}

/// +∞, or −∞ when `negative`.
fn inf(negative: bool) -> Bound {
    if negative { Ext::NegInf } else { Ext::PosInf }
}

/// Directed operations on raw-integer bounds of a runtime format.
pub struct Raws;

impl ExtOps for Raws {
    type Format = FixedFormat;
    type Finite = i128;

    #[inline]
    fn from_exact(f: &FixedFormat, x: Exact, mode: Rounding) -> Bound {
        round(f, &x, mode)
    }

    #[inline]
    fn to_exact(f: &FixedFormat, a: Bound) -> Exact {
        match a {
            Ext::NegInf => Exact::Inf { negative: true },
            Ext::PosInf => Exact::Inf { negative: false },
            Ext::Finite(0) => Exact::Zero { negative: false },
            Ext::Finite(r) => Exact::Finite(finite(f, r)),
        }
    }

    /// Every raw integer is a bound (fixed point has no NaN).
    #[inline]
    fn bound(_f: &FixedFormat, r: i128) -> Option<Bound> {
        Some(Ext::Finite(r))
    }

    /// The raw integer of a bound; ±∞ give the extreme values.
    #[inline]
    fn value(f: &FixedFormat, b: Bound) -> i128 {
        match b {
            Ext::Finite(r) => r,
            Ext::PosInf => f.max_raw(),
            Ext::NegInf => f.min_raw(),
        }
    }

    #[inline]
    fn max_finite(f: &FixedFormat) -> Bound {
        Ext::Finite(f.max_raw())
    }

    #[inline]
    fn zero_bound(_f: &FixedFormat, _dir: Dir) -> Bound {
        Ext::Finite(0)
    }

    #[inline]
    fn precision(f: &FixedFormat) -> u32 {
        f.width()
    }

    #[inline]
    fn cmp(_f: &FixedFormat, a: Bound, b: Bound) -> Ordering {
        let rank = |x: Bound| match x {
            Ext::NegInf => (-1, 0),
            Ext::Finite(r) => (0, r),
            Ext::PosInf => (1, 0),
        };
        rank(a).cmp(&rank(b))
    }

    #[inline]
    fn sign(_f: &FixedFormat, a: Bound) -> Ordering {
        match a {
            Ext::NegInf => Ordering::Less,
            Ext::PosInf => Ordering::Greater,
            Ext::Finite(r) => r.cmp(&0),
        }
    }

    #[inline]
    fn neg(f: &FixedFormat, a: Bound, dir: Dir) -> Bound {
        match a {
            Ext::NegInf => Ext::PosInf,
            Ext::PosInf => Ext::NegInf,
            Ext::Finite(r) => fit(f, -r, dir),
        }
    }

    #[inline]
    fn add(f: &FixedFormat, a: Bound, b: Bound, dir: Dir) -> Bound {
        match (a, b) {
            // |r| < 2^64: the sum is exact.
            (Ext::Finite(x), Ext::Finite(y)) => fit(f, x + y, dir),
            (Ext::Finite(_), i) | (i, _) => i,
        }
    }

    #[inline]
    fn sub(f: &FixedFormat, a: Bound, b: Bound, dir: Dir) -> Bound {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => fit(f, x - y, dir),
            (Ext::Finite(_), Ext::PosInf) => Ext::NegInf,
            (Ext::Finite(_), Ext::NegInf) => Ext::PosInf,
            (i, _) => i,
        }
    }

    #[inline]
    fn mul(f: &FixedFormat, a: Bound, b: Bound, dir: Dir) -> Bound {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => {
                if x == 0 || y == 0 {
                    return Ext::Finite(0);
                }
                // The exact product (at most 128 bits), rounded once.
                let (p, q) = (finite(f, x), finite(f, y));
                let prod = Exact::Finite(Finite {
                    negative: p.negative != q.negative,
                    sig: p.sig * q.sig,
                    exp: p.exp.saturating_add(q.exp),
                    sticky: false,
                });
                round(f, &prod, dir.rounding())
            }
            _ => {
                let (sa, sb) = (Self::sign(f, a), Self::sign(f, b));
                if sa == Ordering::Equal || sb == Ordering::Equal {
                    Ext::Finite(0)
                } else {
                    inf((sa == Ordering::Less) != (sb == Ordering::Less))
                }
            }
        }
    }

    #[inline]
    fn div(f: &FixedFormat, a: Bound, b: Bound, dir: Dir) -> Bound {
        let negative = (Self::sign(f, a) == Ordering::Less) != (Self::sign(f, b) == Ordering::Less);
        match (a, b) {
            (Ext::Finite(0), _) => Ext::Finite(0),
            (Ext::Finite(x), Ext::Finite(y)) if y != 0 => {
                // (x·2^−F) / (y·2^−F) = x / y, to at least 127 bits and a sticky bit.
                let q = exact_quotient(finite(f, x), finite(f, y));
                round(f, &Exact::Finite(q), dir.rounding())
            }
            (Ext::Finite(_), Ext::Finite(_)) => inf(negative),
            (Ext::Finite(_), _) => Ext::Finite(0),
            _ => inf(negative),
        }
    }

    #[inline]
    fn fma(f: &FixedFormat, a: Bound, b: Bound, c: Bound, dir: Dir) -> Bound {
        match (a, b, c) {
            (Ext::Finite(_), Ext::Finite(_), Ext::Finite(_)) => {
                let mode = dir.rounding();
                let exact = exact_mul(Self::to_exact(f, a), Self::to_exact(f, b))
                    .and_then(|p| exact_add(p, Self::to_exact(f, c), mode));
                match exact {
                    Ok(v) => round(f, &v, mode),
                    Err(_) => Ext::Finite(0),
                }
            }
            _ => Self::add(f, Self::mul(f, a, b, dir), c, dir),
        }
    }

    #[inline]
    fn sqrt(f: &FixedFormat, a: Bound, dir: Dir) -> Bound {
        match a {
            Ext::Finite(r) if r > 0 => {
                round(f, &Exact::Finite(exact_root(finite(f, r))), dir.rounding())
            }
            Ext::Finite(_) => Ext::Finite(0),
            i => i,
        }
    }

    #[inline]
    fn mid(f: &FixedFormat, a: Bound, b: Bound) -> Bound {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => {
                // (x + y)/2, ties to even: the exact sum with one more fractional bit.
                let s = x + y;
                let half = Exact::Finite(Finite {
                    negative: s < 0,
                    sig: s.unsigned_abs(),
                    exp: -f.frac_bits() - 1,
                    sticky: false,
                });
                if s == 0 {
                    return Ext::Finite(0);
                }
                round(f, &half, Rounding::TiesToEven)
            }
            _ => Ext::Finite(0),
        }
    }
}

/// Runtime fixed-point formats: values are the W raw bits (`u64`, as the casts return
/// them), bounds the raw integers ([`Ext`]`<i128>`), and the descriptor travels with
/// the interval.
impl ExtScalar for FixedFormat {
    type Ops = Raws;
    type Value = u64;
    type Finite = i128;
    type Format = FixedFormat;

    #[inline(always)]
    fn ops_format(f: &FixedFormat) -> FixedFormat {
        *f
    }
    #[inline(always)]
    fn value_to_ops(f: &FixedFormat, v: u64) -> i128 {
        f.raw_of(v)
    }
    #[inline(always)]
    fn value_from_ops(f: &FixedFormat, r: i128) -> u64 {
        f.bits_of(r)
    }
    #[inline(always)]
    fn to_ops(r: i128) -> i128 {
        r
    }
    #[inline(always)]
    fn from_ops(r: i128) -> i128 {
        r
    }
}

/// Compile-time fixed-point formats: bounds are [`Ext`] of [`Fx<F>`] values.
impl<F: FixedType> ExtScalar for Fx<F> {
    type Ops = Raws;
    type Value = Fx<F>;
    type Finite = Fx<F>;
    type Format = ();

    #[inline(always)]
    fn ops_format(_: &()) -> FixedFormat {
        Fx::<F>::FORMAT
    }
    #[inline(always)]
    fn value_to_ops(_: &(), v: Fx<F>) -> i128 {
        v.raw().to_i128()
    }
    #[inline(always)]
    fn value_from_ops(_: &(), r: i128) -> Fx<F> {
        Fx::<F>::from_raw(r)
    }
    #[inline(always)]
    fn to_ops(v: Fx<F>) -> i128 {
        v.raw().to_i128()
    }
    #[inline(always)]
    fn from_ops(r: i128) -> Fx<F> {
        Fx::<F>::from_raw(r)
    }
}

impl<F: FixedType> StaticScalar for Fx<F> {
    const FORMAT: () = ();
}
