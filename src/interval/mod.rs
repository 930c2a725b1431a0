//! Interval arithmetic in the IEEE 1788-2015 set-based flavor, over `f64`, `f32`,
//! every lowprec float format, every fixed-point format and, through the same
//! [`Scalar`] trait, any number type with correctly rounded directed arithmetic.
//!
//! An [`Interval<T>`] is a closed connected set of reals: empty, a point, a bounded
//! interval, a half-line, or the whole line. Every operation returns the tightest
//! interval of the format that contains the exact set result — each bound is the exact
//! bound rounded once outward. Rounding is done in software (error-free transformations
//! for `f64`, the exact core for everything else); the floating-point environment is
//! never changed, so the code is `no_std`, allocation-free and safe.
//!
//! ```
//! use lowprec::interval::Interval;
//! let x = Interval::<f64>::new(1.0, 2.0);
//! let y = Interval::<f64>::new(-1.0, 3.0);
//! assert_eq!(x + y, Interval::new(0.0, 5.0));
//! assert_eq!(x * y, Interval::new(-2.0, 6.0));
//! assert_eq!(x / y, Interval::entire()); // the divisor contains 0: the hull
//! let (lo, hi) = x.div_pair(y);          // the two pieces
//! assert_eq!(lo, Interval::new(f64::NEG_INFINITY, -1.0));
//! assert_eq!(hi, Interval::new(1.0 / 3.0, f64::INFINITY)); // 1/3 rounded down
//! // 1/3 is not a binary64 number: the interval encloses it.
//! let third = Interval::<f64>::new(1.0, 1.0) / Interval::new(3.0, 3.0);
//! assert_eq!(third.inf(), 1.0 / 3.0); // the nearest binary64 lies below 1/3
//! assert_eq!(third.sup(), 0.33333333333333337);
//! ```
//!
//! The same code serves low-precision formats, typed or chosen at run time:
//!
//! ```
//! use lowprec::FloatFormat;
//! use lowprec::float::{Fp, formats::Bf16};
//! use lowprec::interval::{Ext, Interval};
//! let x = Interval::<Fp<Bf16>>::new(Fp::from_f64(1.0), Fp::from_f64(1.0));
//! let y = x / Interval::new(Fp::from_f64(3.0), Fp::from_f64(3.0));
//! // 1/3 lies between the bf16 neighbours 0.333984375 and 0.33203125.
//! assert_eq!(y.inf(), Ext::Finite(Fp::from_f64(0.33203125)));
//! assert_eq!(y.sup(), Ext::Finite(Fp::from_f64(0.333984375)));
//!
//! let e4m3 = FloatFormat::E4M3FN;
//! let z = Interval::<FloatFormat>::from_f64_in(e4m3, 0.1, 0.2); // rounded outward
//! assert_eq!(z.to_f64_pair(), (0.09375, 0.203125));
//! ```
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | [`Interval`]: construction, bounds, set operations, numeric functions, relations |
//! | `scalar/` | [`Scalar`]: bounds and directed rounding for each number type; [`Ext`] bounds |
//! | `fixed.rs` | [`Scalar`] for fixed point ([`FixedFormat`](crate::fixed::FixedFormat), [`Fx`](crate::fixed::Fx)): raw-integer bounds |
//! | `ops.rs` | arithmetic: +, −, ×, ÷ (and the two-piece division), cancellative − and +, sqr, √, fma, pown, … |
//! | `integer.rs` | the piecewise-constant functions: sign, ceil, floor, trunc, rounding to integers |
//! | `elementary.rs` | exp, log, sin, cos, tan, their inverses, the hyperbolic functions, erf, pow, atan2, rootn |
//! | `reverse.rs` | reverse-mode operations: sqrRev, absRev, mulRev (constraint propagation) |
//! | `reverse_elementary.rs` | reverse-mode sin, cos, tan, cosh and pow |
//! | `decorated.rs` | [`DecoratedInterval`] with the 1788 decorations com, dac, def, trv, ill |
//! | `ibp.rs` | interval bound propagation through dense layers; accumulator range analysis |
//! | [`text`] | the 1788 text notation `[a, b]`, `[empty]`, `[entire]`, `3.56?1` |
//!
//! Mixed runtime formats: a binary operation on two `Interval<FloatFormat>` of different
//! formats first rounds the right operand outward into the left one's format.

use core::cmp::Ordering;
use core::fmt;

mod decorated;
mod elementary;
mod fixed;
pub mod ibp;
mod integer;
mod ops;
mod reverse;
mod reverse_elementary;
mod scalar;
pub mod text;

pub use decorated::{DecoratedInterval, Decoration};
pub use ops::Overlap;
pub use scalar::{Dir, Ext, Scalar, StaticScalar};
pub use text::ParseIntervalError;

use crate::float::Exact;
use crate::rounding::Rounding;

/// A closed interval of reals with bounds of type `T` (IEEE 1788 set-based flavor).
///
/// Invariant: either empty, or `inf ≤ sup` with `inf < +∞` and `sup > −∞`.
/// The descriptor of a runtime format travels with the interval (`T::Format`, a
/// zero-sized `()` for `f64`, `f32` and [`Fp<F>`](crate::float::Fp)).
pub struct Interval<T: Scalar> {
    pub(crate) lo: T::Bound,
    pub(crate) hi: T::Bound,
    pub(crate) format: T::Format,
}

impl<T: Scalar> Clone for Interval<T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Scalar> Copy for Interval<T> {}

/// Why two numbers do not make an interval (1788 `numsToInterval`'s undefined operation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntervalError {
    /// A bound is NaN.
    Nan,
    /// The lower bound exceeds the upper one, or a bound is an infinity on the wrong side.
    Order,
    /// A finite bound is not a value of the format (an infinity or NaN code, or a raw
    /// integer beyond a fixed-point range).
    NotAValue,
}

impl fmt::Display for IntervalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IntervalError::Nan => "an interval bound is NaN",
            IntervalError::NotAValue => "a finite bound is not a value of the format",
            IntervalError::Order => {
                "the bounds do not form an interval (lower > upper or ±∞ misplaced)"
            }
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for IntervalError {}

impl<T: StaticScalar> Interval<T> {
    /// `[lo, hi]`; the empty interval if the bounds do not make one (NaN, `lo > hi`,
    /// `lo = +∞` or `hi = −∞`), as 1788's `numsToInterval` does after signalling.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(1.0, 2.0).sup(), 2.0);
    /// assert!(Interval::<f64>::new(2.0, 1.0).is_empty());
    /// ```
    #[inline]
    pub fn new(lo: T::Value, hi: T::Value) -> Self {
        Self::new_in(T::FORMAT, lo, hi)
    }

    /// `[lo, hi]`, or why not.
    ///
    /// ```
    /// use lowprec::interval::{Interval, IntervalError};
    /// assert_eq!(Interval::<f32>::try_new(f32::NAN, 1.0), Err(IntervalError::Nan));
    /// ```
    pub fn try_new(lo: T::Value, hi: T::Value) -> Result<Self, IntervalError> {
        Self::try_new_in(T::FORMAT, lo, hi)
    }

    /// The empty set.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::empty().is_empty());
    /// ```
    #[inline]
    pub fn empty() -> Self {
        Self::empty_in(T::FORMAT)
    }

    /// The whole real line `[−∞, +∞]`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::entire().is_entire());
    /// ```
    #[inline]
    pub fn entire() -> Self {
        Self::entire_in(T::FORMAT)
    }

    /// The point interval `[x, x]` (empty for NaN or an infinity).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::point(2.5).is_singleton());
    /// ```
    #[inline]
    pub fn point(x: T::Value) -> Self {
        Self::new(x, x)
    }

    /// The tightest interval containing the real `[lo, hi]` given as `f64`s.
    ///
    /// ```
    /// use lowprec::float::{Fp, formats::E4m3fn};
    /// use lowprec::interval::Interval;
    /// let x = Interval::<Fp<E4m3fn>>::from_f64(0.1, 0.1);
    /// assert_eq!(x.to_f64_pair(), (0.09375, 0.1015625));
    /// ```
    pub fn from_f64(lo: f64, hi: f64) -> Self {
        Self::from_f64_in(T::FORMAT, lo, hi)
    }

    /// The tightest interval containing the exact real interval `[lo, hi]`.
    pub fn from_exact(lo: Exact, hi: Exact) -> Self {
        Self::from_exact_in(T::FORMAT, lo, hi)
    }
}

impl<T: Scalar> Interval<T> {
    /// From bounds that already satisfy the invariant.
    #[inline(always)]
    pub(crate) fn raw(lo: T::Bound, hi: T::Bound, format: T::Format) -> Self {
        Self { lo, hi, format }
    }

    /// `[lo, hi]` in `format` (empty if they do not make an interval).
    ///
    /// ```
    /// use lowprec::FloatFormat;
    /// use lowprec::interval::Interval;
    /// let f = FloatFormat::FP16;
    /// let x = Interval::<FloatFormat>::new_in(f, 0x3C00, 0x4000); // [1, 2]
    /// assert_eq!(x.to_f64_pair(), (1.0, 2.0));
    /// ```
    #[inline]
    pub fn new_in(format: T::Format, lo: T::Value, hi: T::Value) -> Self {
        Self::try_new_in(format, lo, hi).unwrap_or_else(|_| Self::empty_in(format))
    }

    /// `[lo, hi]` in `format`, or why not.
    #[inline]
    pub fn try_new_in(
        format: T::Format,
        lo: T::Value,
        hi: T::Value,
    ) -> Result<Self, IntervalError> {
        let (Some(a), Some(b)) = (T::bound(&format, lo), T::bound(&format, hi)) else {
            return Err(IntervalError::Nan);
        };
        Self::from_bounds_in(format, a, b)
    }

    /// `[lo, hi]` from bounds, or why not.
    #[inline]
    pub fn from_bounds_in(
        format: T::Format,
        lo: T::Bound,
        hi: T::Bound,
    ) -> Result<Self, IntervalError> {
        let f = &format;
        let foreign = |b: T::Bound| T::is_finite(f, b) && T::bound(f, T::value(f, b)) != Some(b);
        if foreign(lo) || foreign(hi) {
            return Err(IntervalError::NotAValue);
        }
        if T::le(f, lo, hi) && lo != T::pos_inf(f) && hi != T::neg_inf(f) {
            Ok(Self::raw(lo, hi, format))
        } else {
            Err(IntervalError::Order)
        }
    }

    /// The empty set in `format`.
    #[inline(always)]
    pub fn empty_in(format: T::Format) -> Self {
        Self::raw(T::pos_inf(&format), T::neg_inf(&format), format)
    }

    /// The whole line in `format`.
    #[inline(always)]
    pub fn entire_in(format: T::Format) -> Self {
        Self::raw(T::neg_inf(&format), T::pos_inf(&format), format)
    }

    /// The tightest interval of `format` containing the real `[lo, hi]`
    /// (empty if they do not make an interval).
    pub fn from_f64_in(format: T::Format, lo: f64, hi: f64) -> Self {
        if lo.is_nan() || hi.is_nan() || lo > hi || lo == f64::INFINITY || hi == f64::NEG_INFINITY {
            return Self::empty_in(format);
        }
        Self::from_exact_in(format, Exact::from_f64(lo), Exact::from_f64(hi))
    }

    /// The tightest interval of `format` containing the exact real `[lo, hi]` (empty
    /// if they do not make one).
    pub fn from_exact_in(format: T::Format, lo: Exact, hi: Exact) -> Self {
        let bad = matches!(lo, Exact::Nan { .. } | Exact::Inf { negative: false })
            || matches!(hi, Exact::Nan { .. } | Exact::Inf { negative: true })
            || scalar::reversed(lo, hi);
        if bad {
            return Self::empty_in(format);
        }
        let f = &format;
        Self::raw(
            T::from_exact(f, lo, Rounding::TowardNegative),
            T::from_exact(f, hi, Rounding::TowardPositive),
            format,
        )
    }

    /// The format descriptor.
    #[inline(always)]
    pub fn format(&self) -> T::Format {
        self.format
    }

    /// `other` in this interval's format: itself when the formats agree, else rounded
    /// outward.
    #[inline(always)]
    pub(crate) fn coerce(&self, other: Self) -> Self {
        if T::same_format(&self.format, &other.format) {
            other
        } else {
            self.convert_other(other)
        }
    }

    #[inline(never)]
    fn convert_other(&self, other: Self) -> Self {
        if other.is_empty() {
            return Self::empty_in(self.format);
        }
        let (lo, hi) = other.exact_bounds();
        Self::from_exact_in(self.format, lo, hi)
    }

    /// This interval rounded outward into another scalar type or format.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// use lowprec::float::{Fp, formats::Bf16};
    /// let x = Interval::<f64>::new(0.1, 0.2);
    /// let y: Interval<Fp<Bf16>> = x.convert_in(());
    /// assert!(y.to_f64_pair().0 <= 0.1 && y.to_f64_pair().1 >= 0.2);
    /// ```
    pub fn convert_in<U: Scalar>(&self, format: U::Format) -> Interval<U> {
        if self.is_empty() {
            return Interval::empty_in(format);
        }
        let (lo, hi) = self.exact_bounds();
        Interval::from_exact_in(format, lo, hi)
    }

    /// The exact values of the bounds (empty: `(+∞, −∞)`).
    pub fn exact_bounds(&self) -> (Exact, Exact) {
        let f = &self.format;
        (T::to_exact(f, self.lo), T::to_exact(f, self.hi))
    }

    /// The bounds as `f64` rounded outward (empty: `(+∞, −∞)`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f32>::new(0.5, 1.5).to_f64_pair(), (0.5, 1.5));
    /// ```
    pub fn to_f64_pair(&self) -> (f64, f64) {
        let (lo, hi) = self.exact_bounds();
        (
            <f64 as Scalar>::from_exact(&(), lo, Rounding::TowardNegative),
            <f64 as Scalar>::from_exact(&(), hi, Rounding::TowardPositive),
        )
    }

    // ----- bounds and numeric functions ---------------------------------------------

    /// The lower bound: +∞ for the empty set, and −0 for a zero bound (1788 `inf`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(0.0, 1.0).inf().to_bits(), (-0.0f64).to_bits());
    /// assert_eq!(Interval::<f64>::empty().inf(), f64::INFINITY);
    /// ```
    #[inline]
    pub fn inf(&self) -> T::Bound {
        let f = &self.format;
        if T::sign(f, self.lo) == Ordering::Equal && !self.is_empty() {
            T::neg(f, T::zero(f, Dir::Up), Dir::Down)
        } else {
            self.lo
        }
    }

    /// The upper bound: −∞ for the empty set, and +0 for a zero bound (1788 `sup`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-1.0, -0.0).sup().to_bits(), 0);
    /// ```
    #[inline]
    pub fn sup(&self) -> T::Bound {
        let f = &self.format;
        if T::sign(f, self.hi) == Ordering::Equal && !self.is_empty() {
            T::zero(f, Dir::Up)
        } else {
            self.hi
        }
    }

    /// The midpoint rounded to nearest; 0 for the whole line, ±max for half-lines,
    /// `None` for the empty set (1788 `mid`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(1.0, 2.0).mid(), Some(1.5));
    /// assert_eq!(Interval::<f64>::new(0.0, f64::INFINITY).mid(), Some(f64::MAX));
    /// ```
    pub fn mid(&self) -> Option<T::Bound> {
        if self.is_empty() {
            return None;
        }
        let f = &self.format;
        let (lf, hf) = (T::is_finite(f, self.lo), T::is_finite(f, self.hi));
        Some(match (lf, hf) {
            (true, true) => T::mid(f, self.lo, self.hi),
            (false, false) => T::zero(f, Dir::Up),
            (false, true) => T::neg(f, T::max_finite(f), Dir::Down),
            (true, false) => T::max_finite(f),
        })
    }

    /// The radius: the smallest `r` of the format with `[mid − r, mid + r] ⊇ self`
    /// (`None` for the empty set; +∞ when unbounded).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(1.0, 2.0).rad(), Some(0.5));
    /// ```
    pub fn rad(&self) -> Option<T::Bound> {
        let m = self.mid()?;
        let f = &self.format;
        if !T::is_finite(f, self.lo) || !T::is_finite(f, self.hi) {
            return Some(T::pos_inf(f));
        }
        let a = T::sub(f, m, self.lo, Dir::Up);
        let b = T::sub(f, self.hi, m, Dir::Up);
        Some(if T::lt(f, a, b) { b } else { a })
    }

    /// The midpoint and radius together (1788 `midRad`).
    pub fn mid_rad(&self) -> Option<(T::Bound, T::Bound)> {
        Some((self.mid()?, self.rad()?))
    }

    /// The width `sup − inf` rounded up (`None` for the empty set).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-1.0, 2.0).wid(), Some(3.0));
    /// ```
    pub fn wid(&self) -> Option<T::Bound> {
        if self.is_empty() {
            return None;
        }
        Some(T::sub(&self.format, self.hi, self.lo, Dir::Up))
    }

    /// The magnitude `max |x|` over the interval (`None` for the empty set).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-3.0, 2.0).mag(), Some(3.0));
    /// ```
    pub fn mag(&self) -> Option<T::Bound> {
        if self.is_empty() {
            return None;
        }
        let f = &self.format;
        let a = T::neg(f, self.lo, Dir::Up);
        Some(if T::lt(f, a, self.hi) { self.hi } else { a }).map(|m| abs_bound::<T>(f, m))
    }

    /// The mignitude `min |x|` over the interval (`None` for the empty set).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-3.0, 2.0).mig(), Some(0.0));
    /// assert_eq!(Interval::<f64>::new(-3.0, -2.0).mig(), Some(2.0));
    /// ```
    pub fn mig(&self) -> Option<T::Bound> {
        if self.is_empty() {
            return None;
        }
        let f = &self.format;
        Some(if T::sign(f, self.lo) == Ordering::Greater {
            self.lo
        } else if T::sign(f, self.hi) == Ordering::Less {
            T::neg(f, self.hi, Dir::Down)
        } else {
            T::zero(f, Dir::Down)
        })
    }

    // ----- classification -----------------------------------------------------------

    /// Whether the interval is empty.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        T::lt(&self.format, self.hi, self.lo)
    }

    /// Whether the interval is the whole line.
    #[inline]
    pub fn is_entire(&self) -> bool {
        let f = &self.format;
        self.lo == T::neg_inf(f) && self.hi == T::pos_inf(f)
    }

    /// Whether the interval is nonempty and bounded (1788 `isCommonInterval`).
    pub fn is_common(&self) -> bool {
        !self.is_empty()
            && T::is_finite(&self.format, self.lo)
            && T::is_finite(&self.format, self.hi)
    }

    /// Whether the interval is a single point.
    pub fn is_singleton(&self) -> bool {
        !self.is_empty() && T::cmp(&self.format, self.lo, self.hi) == Ordering::Equal
    }

    /// Whether the real `x` (a finite bound) lies in the interval (1788 `isMember`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::new(1.0, 2.0).contains(1.5));
    /// assert!(!Interval::<f64>::entire().contains(f64::INFINITY));
    /// ```
    pub fn contains(&self, x: T::Bound) -> bool {
        let f = &self.format;
        T::is_finite(f, x) && T::le(f, self.lo, x) && T::le(f, x, self.hi)
    }

    // ----- set operations -----------------------------------------------------------

    /// The intersection.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::new(1.0, 3.0);
    /// assert_eq!(x.intersection(Interval::new(2.0, 4.0)), Interval::new(2.0, 3.0));
    /// assert!(x.intersection(Interval::new(4.0, 5.0)).is_empty());
    /// ```
    pub fn intersection(self, other: Self) -> Self {
        let o = self.coerce(other);
        let f = &self.format;
        let lo = if T::lt(f, self.lo, o.lo) {
            o.lo
        } else {
            self.lo
        };
        let hi = if T::lt(f, o.hi, self.hi) {
            o.hi
        } else {
            self.hi
        };
        if T::lt(f, hi, lo) {
            Self::empty_in(self.format)
        } else {
            Self::raw(lo, hi, self.format)
        }
    }

    /// The convex hull of the union.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::new(1.0, 2.0);
    /// assert_eq!(x.hull(Interval::new(4.0, 5.0)), Interval::new(1.0, 5.0));
    /// assert_eq!(x.hull(Interval::empty()), x);
    /// ```
    pub fn hull(self, other: Self) -> Self {
        let o = self.coerce(other);
        let f = &self.format;
        // The empty set's (+∞, −∞) bounds lose both comparisons.
        let lo = if T::lt(f, o.lo, self.lo) {
            o.lo
        } else {
            self.lo
        };
        let hi = if T::lt(f, self.hi, o.hi) {
            o.hi
        } else {
            self.hi
        };
        Self::raw(lo, hi, self.format)
    }

    // ----- relations ------------------------------------------------------------------

    #[inline]
    fn cmp_b(&self, a: T::Bound, b: T::Bound) -> Ordering {
        T::cmp(&self.format, a, b)
    }

    /// Bounds of `other` comparable with self's: converting would change the set, so
    /// mixed formats compare exact values.
    fn rel<R>(
        &self,
        other: &Self,
        same: impl FnOnce(&Self, &Self) -> R,
        exact: impl FnOnce([Ordering; 4]) -> R,
    ) -> R {
        if T::same_format(&self.format, &other.format) {
            same(self, other)
        } else {
            let (a, b) = self.exact_bounds();
            let (c, d) = other.exact_bounds();
            // Bounds are exact values (never NaN, no sticky part): always ordered.
            let e = |x: Exact, y: Exact| x.cmp_value(&y).unwrap_or(Ordering::Equal);
            exact([e(a, c), e(b, d), e(b, c), e(a, d)])
        }
    }

    /// Set equality (1788 `equal`); also `==`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::new(-0.0, 1.0).equal(Interval::new(0.0, 1.0)));
    /// ```
    pub fn equal(self, other: Self) -> bool {
        if self.is_empty() || other.is_empty() {
            return self.is_empty() && other.is_empty();
        }
        self.rel(
            &other,
            |a, b| a.cmp_b(a.lo, b.lo).is_eq() && a.cmp_b(a.hi, b.hi).is_eq(),
            |o| o[0].is_eq() && o[1].is_eq(),
        )
    }

    /// Whether `self ⊆ other`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::new(1.0, 2.0).subset(Interval::new(0.0, 2.0)));
    /// assert!(Interval::<f64>::empty().subset(Interval::new(0.0, 2.0)));
    /// ```
    pub fn subset(self, other: Self) -> bool {
        if self.is_empty() {
            return true;
        }
        if other.is_empty() {
            return false;
        }
        self.rel(
            &other,
            |a, b| a.cmp_b(b.lo, a.lo).is_le() && a.cmp_b(a.hi, b.hi).is_le(),
            |o| o[0].is_ge() && o[1].is_le(),
        )
    }

    /// Whether `self` lies in the interior of `other` (1788 `interior`: each bound strictly
    /// inside, or both infinite on that side).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::new(1.0, 2.0).interior(Interval::new(0.0, 3.0)));
    /// assert!(!Interval::<f64>::new(0.0, 2.0).interior(Interval::new(0.0, 3.0)));
    /// ```
    pub fn interior(self, other: Self) -> bool {
        if self.is_empty() {
            return true;
        }
        if other.is_empty() {
            return false;
        }
        let f = &self.format;
        let inf_lo = !T::is_finite(f, self.lo) && !T::is_finite(&other.format, other.lo);
        let inf_hi = !T::is_finite(f, self.hi) && !T::is_finite(&other.format, other.hi);
        self.rel(
            &other,
            |a, b| {
                (inf_lo || a.cmp_b(b.lo, a.lo).is_lt()) && (inf_hi || a.cmp_b(a.hi, b.hi).is_lt())
            },
            |o| (inf_lo || o[0].is_gt()) && (inf_hi || o[1].is_lt()),
        )
    }

    /// Whether the intervals have no common point.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::new(3.0, 4.0).disjoint(Interval::new(1.0, 2.0)));
    /// ```
    pub fn disjoint(self, other: Self) -> bool {
        if self.is_empty() || other.is_empty() {
            return true;
        }
        self.rel(
            &other,
            |a, b| a.cmp_b(a.hi, b.lo).is_lt() || a.cmp_b(b.hi, a.lo).is_lt(),
            |o| o[2].is_lt() || o[3].is_gt(),
        )
    }

    /// 1788 `less`: `inf self ≤ inf other` and `sup self ≤ sup other`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::new(1.0, 2.0).less(Interval::new(1.5, 2.0)));
    /// ```
    pub fn less(self, other: Self) -> bool {
        if self.is_empty() || other.is_empty() {
            return self.is_empty() && other.is_empty();
        }
        self.rel(
            &other,
            |a, b| a.cmp_b(a.lo, b.lo).is_le() && a.cmp_b(a.hi, b.hi).is_le(),
            |o| o[0].is_le() && o[1].is_le(),
        )
    }

    /// 1788 `strictLess`: each bound strictly less, or both infinite on that side.
    pub fn strict_less(self, other: Self) -> bool {
        if self.is_empty() || other.is_empty() {
            return self.is_empty() && other.is_empty();
        }
        let f = &self.format;
        let inf_lo = !T::is_finite(f, self.lo) && !T::is_finite(&other.format, other.lo);
        let inf_hi = !T::is_finite(f, self.hi) && !T::is_finite(&other.format, other.hi);
        self.rel(
            &other,
            |a, b| {
                (inf_lo || a.cmp_b(a.lo, b.lo).is_lt()) && (inf_hi || a.cmp_b(a.hi, b.hi).is_lt())
            },
            |o| (inf_lo || o[0].is_lt()) && (inf_hi || o[1].is_lt()),
        )
    }

    /// 1788 `precedes`: `sup self ≤ inf other` (true when either is empty).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert!(Interval::<f64>::new(1.0, 2.0).precedes(Interval::new(2.0, 3.0)));
    /// ```
    pub fn precedes(self, other: Self) -> bool {
        if self.is_empty() || other.is_empty() {
            return true;
        }
        self.rel(&other, |a, b| a.cmp_b(a.hi, b.lo).is_le(), |o| o[2].is_le())
    }

    /// 1788 `strictPrecedes`: `sup self < inf other` (true when either is empty).
    pub fn strict_precedes(self, other: Self) -> bool {
        if self.is_empty() || other.is_empty() {
            return true;
        }
        self.rel(&other, |a, b| a.cmp_b(a.hi, b.lo).is_lt(), |o| o[2].is_lt())
    }
}

/// |m| for a bound known to be ≥ its negation's rival (used by `mag`).
fn abs_bound<T: Scalar>(f: &T::Format, m: T::Bound) -> T::Bound {
    if T::sign(f, m) == Ordering::Less {
        T::neg(f, m, Dir::Up)
    } else {
        m
    }
}

impl<T: Scalar> PartialEq for Interval<T> {
    /// Set equality ([`Interval::equal`]).
    fn eq(&self, other: &Self) -> bool {
        self.equal(*other)
    }
}

impl<T: Scalar> fmt::Debug for Interval<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("Interval[empty]");
        }
        write!(f, "Interval[{:?}, {:?}]", self.lo, self.hi)
    }
}

impl<T: StaticScalar> Default for Interval<T> {
    /// The empty set.
    fn default() -> Self {
        Self::empty()
    }
}
