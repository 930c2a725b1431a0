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

use crate::rounding::Round;
use core::cmp::Ordering;
use core::fmt;

use crate::float::{Class, Exact, FloatFormat, Format, Fp};
use crate::rounding::{NoRandom, Overflow, RandomBits, Rounding, Status, StatusAnd};

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
pub trait StaticScalar: Scalar {
    /// The descriptor.
    const FORMAT: Self::Format;
}

const IEEE: Overflow = Overflow::Ieee;

// ---------------------------------------------------------------------------------
// f64: error-free transformations on the host's round-to-nearest arithmetic.
// ---------------------------------------------------------------------------------

/// The next `f64` above a non-NaN `x` (+∞ stays, −∞ gives −max).
#[inline(always)]
pub(crate) fn next_up_f64(x: f64) -> f64 {
    let b = x.to_bits();
    if x == 0.0 {
        f64::from_bits(1)
    } else if b >> 63 == 0 {
        // Positive: the next code up, except +∞ (0x7FF0…) which stays.
        if x == f64::INFINITY {
            x
        } else {
            f64::from_bits(b + 1)
        }
    } else {
        // Negative magnitudes shrink toward −0; −∞'s code minus one is −max.
        f64::from_bits(b - 1)
    }
}

/// The next `f64` below a non-NaN `x`.
#[cfg(feature = "std")]
#[inline(always)]
pub(crate) fn next_down_f64(x: f64) -> f64 {
    -next_up_f64(-x)
}

/// 2^995: below it, Veltkamp splitting ((2^27 + 1)·a) and the partial products of
/// TwoProduct cannot overflow.
const SPLIT_MAX: f64 = f64::from_bits((1023 + 995) << 52);
/// 2^−969 = 2^(−1022 + 53): at or above it, a product's rounding error is an `f64`
/// (no underflow of the error term).
const ERR_MIN: f64 = f64::from_bits((1023 - 969) << 52);

/// Knuth's TwoSum error: with s = fl(a + b) finite, a + b = s + e exactly.
#[inline(always)]
fn two_sum_err(a: f64, b: f64, s: f64) -> f64 {
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

/// The exact error a·b − p of p = fl(a·b), for |a|, |b| < 2^995 and |p| ≥ 2^−969.
#[inline(always)]
fn two_prod_err(a: f64, b: f64, p: f64) -> f64 {
    #[cfg(all(feature = "std", target_feature = "fma"))]
    {
        a.mul_add(b, -p)
    }
    #[cfg(not(all(feature = "std", target_feature = "fma")))]
    {
        // Veltkamp: a = ah + al with ah on 26 bits, al on 27; Dekker's product of the
        // halves is exact term by term.
        const C: f64 = 134_217_729.0; // 2^27 + 1
        let t = C * a;
        let ah = t - (t - a);
        let al = a - ah;
        let t = C * b;
        let bh = t - (t - b);
        let bl = b - bh;
        ((ah * bh - p) + ah * bl + al * bh) + al * bl
    }
}

/// The exact core's result on f64 bit patterns.
#[inline(never)]
fn core_f64(op: impl FnOnce(&FloatFormat, &mut NoRandom) -> StatusAnd<u64>) -> f64 {
    f64::from_bits(op(&FloatFormat::FP64, &mut NoRandom).value)
}

/// a + b rounded up.
#[inline(always)]
fn add_up_f64(a: f64, b: f64) -> f64 {
    let s = a + b;
    if s.is_finite() {
        if two_sum_err(a, b, s) > 0.0 {
            next_up_f64(s)
        } else {
            s
        }
    } else if s == f64::NEG_INFINITY && a.is_finite() && b.is_finite() {
        -f64::MAX // a finite sum below −max rounds up to −max
    } else {
        s
    }
}

/// a × b rounded up.
#[inline(always)]
fn mul_up_f64(a: f64, b: f64) -> f64 {
    let p = a * b;
    let ap = p.abs();
    if (ERR_MIN..=f64::MAX).contains(&ap) && a.abs() < SPLIT_MAX && b.abs() < SPLIT_MAX {
        if two_prod_err(a, b, p) > 0.0 {
            next_up_f64(p)
        } else {
            p
        }
    } else if !a.is_finite() || !b.is_finite() || a == 0.0 || b == 0.0 {
        p // exact: an infinite or zero factor
    } else {
        core_f64(|f, r| {
            f.mul_with(
                a.to_bits(),
                b.to_bits(),
                Round::new(Rounding::TowardPositive, IEEE),
                r,
            )
        })
    }
}

/// a ÷ b rounded up.
#[inline(always)]
fn div_up_f64(a: f64, b: f64) -> f64 {
    let q = a / b;
    let aq = q.abs();
    if (ERR_MIN..=f64::MAX).contains(&aq)
        && aq < SPLIT_MAX
        && b.abs() < SPLIT_MAX
        && (ERR_MIN..=f64::MAX).contains(&a.abs())
    {
        // r = a − q·b exactly: q·b = P + E (TwoProduct), a − P is exact (Sterbenz: P is
        // within a factor 2 of a), and r is representable, so (a − P) − E is exact.
        // a/b − q = r/b has the sign of r·b.
        let pq = q * b;
        let r = (a - pq) - two_prod_err(q, b, pq);
        if (r > 0.0) == (b > 0.0) && r != 0.0 {
            next_up_f64(q)
        } else {
            q
        }
    } else if !a.is_finite() || !b.is_finite() || a == 0.0 || b == 0.0 {
        q // exact: ∞/x, x/∞, 0/x (x/0 is never asked)
    } else {
        core_f64(|f, r| {
            f.div_with(
                a.to_bits(),
                b.to_bits(),
                Round::new(Rounding::TowardPositive, IEEE),
                r,
            )
        })
    }
}

/// √a rounded in `dir` (a ≥ 0).
#[inline]
fn sqrt_f64(a: f64, dir: Dir) -> f64 {
    #[cfg(feature = "std")]
    {
        let s = a.sqrt();
        if (ERR_MIN..SPLIT_MAX).contains(&s) {
            // s·s − a exactly: s·s = P + E with P within a factor 2 of a.
            let p = s * s;
            let d = (p - a) + two_prod_err(s, s, p);
            return match dir {
                Dir::Up if d < 0.0 => next_up_f64(s),
                Dir::Down if d > 0.0 => next_down_f64(s),
                _ => s,
            };
        }
    }
    core_f64(|f, r| f.sqrt_with(a.to_bits(), Round::new(dir.rounding(), IEEE), r))
}

impl Scalar for f64 {
    type Value = f64;
    type Bound = f64;
    type Format = ();

    #[inline(always)]
    fn neg_inf(_: &()) -> f64 {
        f64::NEG_INFINITY
    }
    #[inline(always)]
    fn pos_inf(_: &()) -> f64 {
        f64::INFINITY
    }
    #[inline(always)]
    fn bound(_: &(), v: f64) -> Option<f64> {
        if v.is_nan() { None } else { Some(v) }
    }
    #[inline(always)]
    fn value(_: &(), b: f64) -> f64 {
        b
    }
    #[inline(always)]
    fn cmp(_: &(), a: f64, b: f64) -> Ordering {
        a.partial_cmp(&b).unwrap_or(Ordering::Equal)
    }
    #[inline(always)]
    fn lt(_: &(), a: f64, b: f64) -> bool {
        a < b
    }
    #[inline(always)]
    fn le(_: &(), a: f64, b: f64) -> bool {
        a <= b
    }
    #[inline(always)]
    fn sign(_: &(), a: f64) -> Ordering {
        a.partial_cmp(&0.0).unwrap_or(Ordering::Equal)
    }
    #[inline(always)]
    fn is_finite(_: &(), a: f64) -> bool {
        a.is_finite()
    }
    #[inline(always)]
    fn neg(_: &(), a: f64, _: Dir) -> f64 {
        -a
    }
    #[inline(always)]
    fn add(_: &(), a: f64, b: f64, dir: Dir) -> f64 {
        match dir {
            Dir::Up => add_up_f64(a, b),
            Dir::Down => -add_up_f64(-a, -b),
        }
    }
    #[inline(always)]
    fn sub(_: &(), a: f64, b: f64, dir: Dir) -> f64 {
        match dir {
            Dir::Up => add_up_f64(a, -b),
            Dir::Down => -add_up_f64(-a, b),
        }
    }
    #[inline(always)]
    fn mul(_: &(), a: f64, b: f64, dir: Dir) -> f64 {
        match dir {
            Dir::Up => mul_up_f64(a, b),
            Dir::Down => -mul_up_f64(-a, b),
        }
    }
    #[inline(always)]
    fn div(_: &(), a: f64, b: f64, dir: Dir) -> f64 {
        match dir {
            Dir::Up => div_up_f64(a, b),
            Dir::Down => -div_up_f64(-a, b),
        }
    }
    fn fma(_: &(), a: f64, b: f64, c: f64, dir: Dir) -> f64 {
        core_f64(|f, r| {
            f.fma_with(
                a.to_bits(),
                b.to_bits(),
                c.to_bits(),
                Round::new(dir.rounding(), IEEE),
                r,
            )
        })
    }
    #[inline]
    fn sqrt(_: &(), a: f64, dir: Dir) -> f64 {
        sqrt_f64(a, dir)
    }
    fn mid(_: &(), a: f64, b: f64) -> f64 {
        // 2^−1021: halving is exact at and above it.
        const HALVE_EXACT: f64 = f64::from_bits(2 << 52);
        if a.abs() >= HALVE_EXACT && b.abs() >= HALVE_EXACT {
            // Both halves are exact, so the sum is the one rounding.
            a * 0.5 + b * 0.5
        } else {
            core_f64(|f, r| mid_code(f, a.to_bits(), b.to_bits(), r))
        }
    }
    fn to_exact(_: &(), a: f64) -> Exact {
        Exact::from_f64(a)
    }
    fn from_exact(_: &(), x: Exact, mode: Rounding) -> f64 {
        let f = FloatFormat::FP64;
        let r = f.round(x, Round::new(mode, IEEE), &mut NoRandom);
        match normalize(&f, r, mode) {
            Ext::NegInf => f64::NEG_INFINITY,
            Ext::PosInf => f64::INFINITY,
            Ext::Finite(c) => f64::from_bits(c),
        }
    }
    fn max_finite(_: &()) -> f64 {
        f64::MAX
    }
    fn zero(_: &(), _: Dir) -> f64 {
        0.0
    }
    fn precision(_: &()) -> u32 {
        53
    }
}

impl StaticScalar for f64 {
    const FORMAT: () = ();
}

// ---------------------------------------------------------------------------------
// Codes of any format, through the exact core.
// ---------------------------------------------------------------------------------

/// The midpoint (a + b)/2 of two finite codes, rounded to nearest even once: by the
/// arithmetic fast path where the format has one, else the exact dot product a·½ + b·½
/// (or, where ½ is not a value of the format, through binary64, which holds the exact
/// midpoint of any two values of a format within its range).
fn mid_code<R: RandomBits>(f: &FloatFormat, a: u64, b: u64, rng: &mut R) -> StatusAnd<u64> {
    if f.host() {
        // Formats of the arithmetic fast path: a/2 and b/2 are binary64 values (the
        // formats stay far inside binary64's range), their sum is s + e exactly
        // (TwoSum), rounded once.
        if let (Some(x), Some(y)) = (f.host_decode(a), f.host_decode(b)) {
            let (s, e) = crate::float::fast::two_sum(x * 0.5, y * 0.5);
            if s == 0.0 {
                return StatusAnd::new(0, Status::OK);
            }
            if let Some(r) = f.round_host(s, e, Rounding::TiesToEven, IEEE, rng) {
                return r;
            }
        }
    }
    let half = f.from_f64_with(0.5, Round::new(Rounding::TiesToEven, IEEE), rng);
    if half.status.is_ok() {
        if let Ok(r) = f.dot_exact(
            &[a, b],
            &[half.value; 2],
            f,
            Round::new(Rounding::TiesToEven, IEEE),
            rng,
        ) {
            return r;
        }
    }
    // ½ is not in the format: halve the sum, rounded to odd first (enough bits for one
    // correct rounding afterwards whenever the format has fewer than 52 bits).
    let sum = f.sum_exact(
        &[a, b],
        &FloatFormat::FP64,
        Round::new(Rounding::ToOdd, IEEE),
        rng,
    );
    let h = f64::from_bits(sum.value) * 0.5;
    f.from_f64_with(h, Round::new(Rounding::TiesToEven, IEEE), rng)
}

/// Turns the result of a directed (or nearest) rounding of a finite exact value into
/// a bound: infinity and NaN codes (NaN is how formats without ∞ overflow outward, and
/// how unsigned formats refuse negative values rounded down) become ±∞ in the rounding's
/// direction; an overflow saturated at ±max in the outward direction (MX formats) too.
#[inline(always)]
fn normalize(f: &FloatFormat, r: StatusAnd<u64>, mode: Rounding) -> Ext<u64> {
    let up = match mode {
        Rounding::TowardPositive => Some(true),
        Rounding::TowardNegative => Some(false),
        _ => None,
    };
    let code = r.value;
    let (neg, _) = f.split(code);
    match f.classify(code) {
        Class::Infinite => {
            if neg {
                Ext::NegInf
            } else {
                Ext::PosInf
            }
        }
        Class::Nan => match up {
            Some(false) => Ext::NegInf,
            _ => Ext::PosInf,
        },
        _ => {
            if r.status.contains(Status::OVERFLOW) {
                match up {
                    Some(true) if !neg => return Ext::PosInf,
                    Some(false) if neg => return Ext::NegInf,
                    None => return if neg { Ext::NegInf } else { Ext::PosInf },
                    _ => {}
                }
            }
            if !f.has_zero()
                && up == Some(false)
                && code & f.mag_mask() == 0
                && r.status.contains(Status::UNDERFLOW)
            {
                // A format without zero rounds tiny values to its smallest value in every
                // mode: below it, only −∞ bounds from below.
                return Ext::NegInf;
            }
            Ext::Finite(code)
        }
    }
}

/// Directed operations on [`Ext`] codes of a runtime format.
pub(crate) mod codes {
    use super::*;

    #[inline(always)]
    pub fn bound(f: &FloatFormat, c: u64) -> Option<Ext<u64>> {
        let c = c & f.code_mask();
        match f.classify(c) {
            Class::Nan => None,
            Class::Infinite => Some(if f.split(c).0 {
                Ext::NegInf
            } else {
                Ext::PosInf
            }),
            _ => Some(Ext::Finite(c)),
        }
    }

    #[inline(always)]
    pub fn value(f: &FloatFormat, b: Ext<u64>) -> u64 {
        match b {
            Ext::Finite(c) => c,
            Ext::PosInf => f.inf_code().unwrap_or(f.max_mag()),
            Ext::NegInf => match f.inf_code() {
                Some(i) => i | f.sign_bit(),
                None if f.is_signed() => f.max_mag() | f.sign_bit(),
                None => 0,
            },
        }
    }

    #[inline(always)]
    pub fn cmp(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>) -> Ordering {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => f.partial_cmp(x, y).unwrap_or(Ordering::Equal),
            _ => rank(a).cmp(&rank(b)),
        }
    }

    fn rank(a: Ext<u64>) -> i8 {
        match a {
            Ext::NegInf => -1,
            Ext::Finite(_) => 0,
            Ext::PosInf => 1,
        }
    }

    #[inline(always)]
    pub fn sign(f: &FloatFormat, a: Ext<u64>) -> Ordering {
        match a {
            Ext::NegInf => Ordering::Less,
            Ext::PosInf => Ordering::Greater,
            Ext::Finite(c) => {
                let (neg, _) = f.split(c);
                if f.classify(c) == Class::Zero {
                    Ordering::Equal
                } else if neg {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
        }
    }

    fn inf(negative: bool) -> Ext<u64> {
        if negative { Ext::NegInf } else { Ext::PosInf }
    }

    fn zero(f: &FloatFormat, negative: bool) -> Ext<u64> {
        let z = f.from_f64_with(
            if negative { -0.0 } else { 0.0 },
            Round::new(Rounding::TiesToEven, IEEE),
            &mut NoRandom,
        );
        normalize(f, z, Rounding::TiesToEven)
    }

    #[inline(always)]
    fn done(f: &FloatFormat, r: StatusAnd<u64>, dir: Dir) -> Ext<u64> {
        normalize(f, r, dir.rounding())
    }

    #[inline(always)]
    pub fn neg(f: &FloatFormat, a: Ext<u64>, dir: Dir) -> Ext<u64> {
        match a {
            Ext::NegInf => Ext::PosInf,
            Ext::PosInf => Ext::NegInf,
            Ext::Finite(c) => {
                if f.is_signed() || f.classify(c) == Class::Zero {
                    Ext::Finite(f.neg(c) & f.code_mask())
                } else {
                    // −c < 0 has no code in an unsigned format.
                    match dir {
                        Dir::Down => Ext::NegInf,
                        Dir::Up => zero_bound(f, Dir::Up),
                    }
                }
            }
        }
    }

    #[inline(always)]
    pub fn add(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, dir: Dir) -> Ext<u64> {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => done(
                f,
                f.add_with(x, y, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            (Ext::Finite(_), i) | (i, _) => i,
        }
    }

    #[inline(always)]
    pub fn sub(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, dir: Dir) -> Ext<u64> {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => done(
                f,
                f.sub_with(x, y, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            (Ext::Finite(_), Ext::PosInf) => Ext::NegInf,
            (Ext::Finite(_), Ext::NegInf) => Ext::PosInf,
            (i, _) => i,
        }
    }

    #[inline(always)]
    pub fn mul(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, dir: Dir) -> Ext<u64> {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => done(
                f,
                f.mul_with(x, y, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            _ => {
                let (sa, sb) = (sign(f, a), sign(f, b));
                if sa == Ordering::Equal || sb == Ordering::Equal {
                    zero(f, false)
                } else {
                    inf((sa == Ordering::Less) != (sb == Ordering::Less))
                }
            }
        }
    }

    #[inline(always)]
    pub fn div(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, dir: Dir) -> Ext<u64> {
        let negative = (sign(f, a) == Ordering::Less) != (sign(f, b) == Ordering::Less);
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => done(
                f,
                f.div_with(x, y, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            // A finite value over ±∞: a (signed) zero, rounded in `dir` where the
            // format has no zero.
            (Ext::Finite(_), _) if f.has_zero() => zero(f, negative),
            (Ext::Finite(_), _) => zero_bound(f, dir),
            _ => inf(negative),
        }
    }

    #[inline(always)]
    pub fn fma(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, c: Ext<u64>, dir: Dir) -> Ext<u64> {
        match (a, b, c) {
            (Ext::Finite(x), Ext::Finite(y), Ext::Finite(z)) => done(
                f,
                f.fma_with(x, y, z, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            _ => add(f, mul(f, a, b, dir), c, dir),
        }
    }

    #[inline(always)]
    pub fn sqrt(f: &FloatFormat, a: Ext<u64>, dir: Dir) -> Ext<u64> {
        match a {
            Ext::Finite(x) => done(
                f,
                f.sqrt_with(x, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            i => i,
        }
    }

    #[inline]
    pub fn mid(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>) -> Ext<u64> {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => {
                normalize(f, mid_code(f, x, y, &mut NoRandom), Rounding::TiesToEven)
            }
            _ => zero_bound(f, Dir::Up),
        }
    }

    #[inline]
    pub fn to_exact(f: &FloatFormat, a: Ext<u64>) -> Exact {
        match a {
            Ext::NegInf => Exact::Inf { negative: true },
            Ext::PosInf => Exact::Inf { negative: false },
            Ext::Finite(c) => f.decode(c),
        }
    }

    #[inline]
    pub fn from_exact(f: &FloatFormat, x: Exact, mode: Rounding) -> Ext<u64> {
        match x {
            Exact::Inf { negative } => inf(negative),
            _ => normalize(f, f.round(x, Round::new(mode, IEEE), &mut NoRandom), mode),
        }
    }

    #[inline]
    pub fn max_finite(f: &FloatFormat) -> Ext<u64> {
        Ext::Finite(f.max_mag())
    }

    #[inline]
    pub fn zero_bound(f: &FloatFormat, dir: Dir) -> Ext<u64> {
        if f.has_zero() {
            return zero(f, false);
        }
        // Code 0 is the smallest value 2^emin of a format without zero.
        match dir {
            Dir::Up => Ext::Finite(0),
            Dir::Down if f.is_signed() => Ext::Finite(f.sign_bit()),
            Dir::Down => Ext::NegInf,
        }
    }

    #[inline]
    pub fn precision(f: &FloatFormat) -> u32 {
        f.precision()
    }
}

/// Implements [`Scalar`] by delegating to a module of directed operations on
/// [`Ext`] bounds of an inner type (`codes` for floating-point codes, `fixed::raws` for
/// fixed-point raw integers). The arguments say how to reach the runtime descriptor
/// from `Self::Format`, how values map to and from inner bounds (`$val_in`, `$val_out`,
/// given the format), and how finite bounds map to and from the inner type (`$to`,
/// `$from`).
macro_rules! ext_scalar_body {
    ($ops:ident, $fmt:expr, $val_in:expr, $val_out:expr, $to:expr, $from:expr) => {
        #[inline(always)]
        fn neg_inf(_f: &Self::Format) -> Self::Bound {
            Ext::NegInf
        }
        #[inline(always)]
        fn pos_inf(_f: &Self::Format) -> Self::Bound {
            Ext::PosInf
        }
        #[inline(always)]
        fn bound(f: &Self::Format, v: Self::Value) -> Option<Self::Bound> {
            $ops::bound(&($fmt)(f), ($val_in)(f, v)).map(|b| lift(b, $from))
        }
        #[inline(always)]
        fn value(f: &Self::Format, b: Self::Bound) -> Self::Value {
            ($val_out)(f, $ops::value(&($fmt)(f), lower(b, $to)))
        }
        #[inline(always)]
        fn cmp(f: &Self::Format, a: Self::Bound, b: Self::Bound) -> Ordering {
            $ops::cmp(&($fmt)(f), lower(a, $to), lower(b, $to))
        }
        #[inline(always)]
        fn sign(f: &Self::Format, a: Self::Bound) -> Ordering {
            $ops::sign(&($fmt)(f), lower(a, $to))
        }
        #[inline(always)]
        fn is_finite(_f: &Self::Format, a: Self::Bound) -> bool {
            a.is_finite()
        }
        #[inline(always)]
        fn neg(f: &Self::Format, a: Self::Bound, dir: Dir) -> Self::Bound {
            lift($ops::neg(&($fmt)(f), lower(a, $to), dir), $from)
        }
        #[inline(always)]
        fn add(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound {
            lift(
                $ops::add(&($fmt)(f), lower(a, $to), lower(b, $to), dir),
                $from,
            )
        }
        #[inline(always)]
        fn sub(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound {
            lift(
                $ops::sub(&($fmt)(f), lower(a, $to), lower(b, $to), dir),
                $from,
            )
        }
        #[inline(always)]
        fn mul(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound {
            lift(
                $ops::mul(&($fmt)(f), lower(a, $to), lower(b, $to), dir),
                $from,
            )
        }
        #[inline(always)]
        fn div(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound {
            lift(
                $ops::div(&($fmt)(f), lower(a, $to), lower(b, $to), dir),
                $from,
            )
        }
        #[inline(always)]
        fn fma(
            f: &Self::Format,
            a: Self::Bound,
            b: Self::Bound,
            c: Self::Bound,
            dir: Dir,
        ) -> Self::Bound {
            let r = $ops::fma(&($fmt)(f), lower(a, $to), lower(b, $to), lower(c, $to), dir);
            lift(r, $from)
        }
        #[inline]
        fn sqrt(f: &Self::Format, a: Self::Bound, dir: Dir) -> Self::Bound {
            lift($ops::sqrt(&($fmt)(f), lower(a, $to), dir), $from)
        }
        #[inline]
        fn mid(f: &Self::Format, a: Self::Bound, b: Self::Bound) -> Self::Bound {
            lift($ops::mid(&($fmt)(f), lower(a, $to), lower(b, $to)), $from)
        }
        #[inline]
        fn to_exact(f: &Self::Format, a: Self::Bound) -> Exact {
            $ops::to_exact(&($fmt)(f), lower(a, $to))
        }
        #[inline]
        fn from_exact(f: &Self::Format, x: Exact, mode: Rounding) -> Self::Bound {
            lift($ops::from_exact(&($fmt)(f), x, mode), $from)
        }
        #[inline]
        fn max_finite(f: &Self::Format) -> Self::Bound {
            lift($ops::max_finite(&($fmt)(f)), $from)
        }
        #[inline]
        fn zero(f: &Self::Format, dir: Dir) -> Self::Bound {
            lift($ops::zero_bound(&($fmt)(f), dir), $from)
        }
        #[inline]
        fn precision(f: &Self::Format) -> u32 {
            $ops::precision(&($fmt)(f))
        }
    };
}
pub(super) use ext_scalar_body;

/// A finite bound mapped by `g`; ±∞ stay.
#[inline(always)]
pub(super) fn lift<C, D>(b: Ext<C>, g: impl Fn(C) -> D) -> Ext<D> {
    match b {
        Ext::NegInf => Ext::NegInf,
        Ext::PosInf => Ext::PosInf,
        Ext::Finite(c) => Ext::Finite(g(c)),
    }
}

/// The inverse direction of [`lift`] (the same map, named for readability).
#[inline(always)]
pub(super) fn lower<C, D>(b: Ext<C>, g: impl Fn(C) -> D) -> Ext<D> {
    lift(b, g)
}

/// Runtime formats: bounds are [`Ext`] codes (`u64`), the descriptor travels with
/// the interval.
impl Scalar for FloatFormat {
    type Value = u64;
    type Bound = Ext<u64>;
    type Format = FloatFormat;
    ext_scalar_body!(
        codes,
        |f: &FloatFormat| *f,
        |_: &FloatFormat, c: u64| c,
        |_: &FloatFormat, c: u64| c,
        |c: u64| c,
        |c: u64| c
    );
}

/// Compile-time formats: bounds are [`Ext`] of [`Fp<F>`] values.
impl<F: Format + fmt::Debug + 'static> Scalar for Fp<F> {
    type Value = Fp<F>;
    type Bound = Ext<Fp<F>>;
    type Format = ();
    ext_scalar_body!(
        codes,
        |_: &()| Fp::<F>::FORMAT,
        |_: &(), v: Fp<F>| crate::float::slice::Code::to_u64(v.to_bits()),
        |_: &(), c: u64| Fp::<F>::from_bits(crate::float::slice::Code::from_u64(c)),
        |v: Fp<F>| crate::float::slice::Code::to_u64(v.to_bits()),
        |c: u64| Fp::<F>::from_bits(crate::float::slice::Code::from_u64(c))
    );
}

impl<F: Format + fmt::Debug + 'static> StaticScalar for Fp<F> {
    const FORMAT: () = ();
}

// ---------------------------------------------------------------------------------
// f32: binary64 arithmetic rounded once more in the wanted direction, the exact core
// on binary32 codes for the rest (infinities, zeros, overflow).
// ---------------------------------------------------------------------------------

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
            .unwrap_or_else(|| f32_core(|f| codes::add(f, f32_ext(a), f32_ext(b), dir)))
    }
    #[inline(always)]
    fn sub(f: &(), a: f32, b: f32, dir: Dir) -> f32 {
        Self::add(f, a, -b, dir)
    }
    #[inline(always)]
    fn mul(_: &(), a: f32, b: f32, dir: Dir) -> f32 {
        // 24 × 24 significant bits: the binary64 product is exact.
        f32_directed(f64::from(a) * f64::from(b), dir, || 0.0)
            .unwrap_or_else(|| f32_core(|f| codes::mul(f, f32_ext(a), f32_ext(b), dir)))
    }
    #[inline(always)]
    fn div(_: &(), a: f32, b: f32, dir: Dir) -> f32 {
        let (x, y) = (f64::from(a), f64::from(b));
        let q = x / y;
        // Asked only when q is a binary32: q·y is then exact (24 × 24 bits) and within
        // a factor 2 of x, so x − q·y is exact (Sterbenz); x/y − q has the sign of
        // (x − q·y)·y.
        f32_directed(q, dir, || if y > 0.0 { x - q * y } else { q * y - x })
            .unwrap_or_else(|| f32_core(|f| codes::div(f, f32_ext(a), f32_ext(b), dir)))
    }
    fn fma(_: &(), a: f32, b: f32, c: f32, dir: Dir) -> f32 {
        let p = f64::from(a) * f64::from(b); // exact
        let z = f64::from(c);
        let s = p + z;
        f32_directed(s, dir, || two_sum_err(p, z, s))
            .unwrap_or_else(|| f32_core(|f| codes::fma(f, f32_ext(a), f32_ext(b), f32_ext(c), dir)))
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
        f32_core(|f| codes::sqrt(f, f32_ext(a), dir))
    }
    fn mid(_: &(), a: f32, b: f32) -> f32 {
        ext_f32(codes::mid(&FP32, f32_ext(a), f32_ext(b)))
    }
    fn to_exact(_: &(), a: f32) -> Exact {
        Exact::from_f32(a)
    }
    fn from_exact(_: &(), x: Exact, mode: Rounding) -> f32 {
        ext_f32(codes::from_exact(&FP32, x, mode))
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

/// Compares two exact values (NaN compares equal to everything; −0 = +0).
pub(crate) fn exact_cmp(a: Exact, b: Exact) -> Ordering {
    use Ordering::*;
    let key = |x: &Exact| -> (i8, bool) {
        match x {
            Exact::Inf { negative: true } => (-2, false),
            Exact::Inf { negative: false } => (2, false),
            Exact::Zero { .. } | Exact::Nan { .. } => (0, false),
            Exact::Finite(f) if f.sig == 0 => (0, false),
            Exact::Finite(f) => (if f.negative { -1 } else { 1 }, f.negative),
        }
    };
    let (ka, neg) = key(&a);
    let (kb, _) = key(&b);
    if ka != kb || ka.abs() != 1 {
        return ka.cmp(&kb);
    }
    let (Exact::Finite(x), Exact::Finite(y)) = (a, b) else {
        return Equal;
    };
    // Compare magnitudes: leading-bit exponent first, then the aligned significands.
    let top = |f: &crate::float::Finite| i64::from(f.exp) + 127 - i64::from(f.sig.leading_zeros());
    let mag = match top(&x).cmp(&top(&y)) {
        Equal => {
            let (sx, sy) = (
                x.sig << x.sig.leading_zeros(),
                y.sig << y.sig.leading_zeros(),
            );
            sx.cmp(&sy).then(x.sticky.cmp(&y.sticky))
        }
        o => o,
    };
    if neg { mag.reverse() } else { mag }
}
