//! Interval arithmetic: +, −, ×, ÷, the two-piece division, reciprocal, sqr, √, fma,
//! pown, abs, neg, min, max, and the 1788 overlap relation.
//!
//! Each bound is the exact bound of the set result rounded once outward, so every
//! result is the tightest interval of the format (pown: see [`Interval::pown`]).
//! Multiplication and division pick the bounds by the signs of the operands (the
//! nine-case tables), which never forms 0·∞ or ∞/∞ and needs two roundings per result
//! except when both factors straddle zero.

use core::cmp::Ordering::{self, Equal, Greater, Less};
use core::ops::{Add, Div, Mul, Neg, Sub};

use super::Interval;
use super::scalar::{Dir, Scalar};
use crate::float::{Exact, Finite};
use crate::rounding::Rounding;
use crate::u256::U256;

/// Which endpoint products bound x·y (by the nine-case sign table).
enum Plan<B> {
    /// x or y is [0, 0]: the product is [0, 0], whatever the other.
    Zero,
    /// One candidate for each bound.
    One { lo: (B, B), hi: (B, B) },
    /// Both factors contain 0 in their interior: two candidates each.
    Two { lo: [(B, B); 2], hi: [(B, B); 2] },
}

/// Sign class of a nonempty interval.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// [0, 0].
    Zero,
    /// inf ≥ 0.
    Pos,
    /// sup ≤ 0.
    Neg,
    /// inf < 0 < sup.
    Mixed,
}

impl<T: Scalar> Interval<T> {
    #[inline(always)]
    fn class(&self) -> Class {
        let f = &self.format;
        match (T::sign(f, self.lo), T::sign(f, self.hi)) {
            (Equal, Equal) => Class::Zero,
            (Equal | Greater, _) => Class::Pos,
            (_, Equal | Less) => Class::Neg,
            _ => Class::Mixed,
        }
    }

    #[inline(always)]
    fn mul_plan(&self, y: &Self) -> Plan<T::Bound> {
        let (a1, a2, b1, b2) = (self.lo, self.hi, y.lo, y.hi);
        let one = |lo, hi| Plan::One { lo, hi };
        match (self.class(), y.class()) {
            (Class::Zero, _) | (_, Class::Zero) => Plan::Zero,
            (Class::Pos, Class::Pos) => one((a1, b1), (a2, b2)),
            (Class::Pos, Class::Neg) => one((a2, b1), (a1, b2)),
            (Class::Pos, Class::Mixed) => one((a2, b1), (a2, b2)),
            (Class::Neg, Class::Pos) => one((a1, b2), (a2, b1)),
            (Class::Neg, Class::Neg) => one((a2, b2), (a1, b1)),
            (Class::Neg, Class::Mixed) => one((a1, b2), (a1, b1)),
            (Class::Mixed, Class::Pos) => one((a1, b2), (a2, b2)),
            (Class::Mixed, Class::Neg) => one((a2, b1), (a1, b1)),
            (Class::Mixed, Class::Mixed) => Plan::Two {
                lo: [(a1, b2), (a2, b1)],
                hi: [(a1, b1), (a2, b2)],
            },
        }
    }

    #[inline(always)]
    fn min_b(&self, a: T::Bound, b: T::Bound) -> T::Bound {
        if T::lt(&self.format, b, a) { b } else { a }
    }

    #[inline(always)]
    fn max_b(&self, a: T::Bound, b: T::Bound) -> T::Bound {
        if T::lt(&self.format, a, b) { b } else { a }
    }

    /// [1, 1], rounded outward where 1 is not a value of the format.
    fn one(format: T::Format) -> Self {
        let one = |mode| T::from_exact(&format, Exact::from_i128(1), mode);
        Self::raw(
            one(Rounding::TowardNegative),
            one(Rounding::TowardPositive),
            format,
        )
    }

    #[inline(always)]
    fn zero_interval(format: T::Format) -> Self {
        Self::raw(
            T::zero(&format, Dir::Down),
            T::zero(&format, Dir::Up),
            format,
        )
    }

    /// x + y (also `+`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::new(0.1, 0.1);
    /// let s = x.add(x).add(x);
    /// assert!(s.inf() < 0.30000000000000004 && s.sup() >= 0.30000000000000004);
    /// ```
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, rhs: Self) -> Self {
        let y = self.coerce(rhs);
        let f = &self.format;
        if self.is_empty() || y.is_empty() {
            return Self::empty_in(self.format);
        }
        Self::raw(
            T::add(f, self.lo, y.lo, Dir::Down),
            T::add(f, self.hi, y.hi, Dir::Up),
            self.format,
        )
    }

    /// x − y (also `-`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::new(1.0, 2.0);
    /// assert_eq!(x.sub(x), Interval::new(-1.0, 1.0));
    /// ```
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn sub(self, rhs: Self) -> Self {
        let y = self.coerce(rhs);
        let f = &self.format;
        if self.is_empty() || y.is_empty() {
            return Self::empty_in(self.format);
        }
        Self::raw(
            T::sub(f, self.lo, y.hi, Dir::Down),
            T::sub(f, self.hi, y.lo, Dir::Up),
            self.format,
        )
    }

    /// 1788 `cancelMinus`: the tightest interval containing every z with y + z = x,
    /// i.e. `[inf x − inf y, sup x − sup y]`, when x and y are bounded and
    /// wid x ≥ wid y (compared exactly); empty when x is empty and y bounded or empty;
    /// entire otherwise. The inverse of addition, where `x − y` would widen.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let (x, y) = (Interval::<f64>::new(1.0, 2.0), Interval::new(-0.5, 0.25));
    /// assert_eq!((x + y).cancel_minus(y), x);
    /// assert_eq!(y.cancel_minus(x), Interval::entire()); // wid y < wid x
    /// ```
    pub fn cancel_minus(self, y: Self) -> Self {
        self.cancel(y, false)
    }

    /// 1788 `cancelPlus`: `cancelMinus(x, −y)`, the interval z with z − y = x when it
    /// exists (see [`cancel_minus`](Self::cancel_minus)).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let (x, y) = (Interval::<f64>::new(1.0, 2.0), Interval::new(-0.5, 0.25));
    /// assert_eq!((x - y).cancel_plus(y), x);
    /// ```
    pub fn cancel_plus(self, y: Self) -> Self {
        self.cancel(y, true)
    }

    fn cancel(self, y: Self, plus: bool) -> Self {
        let y = self.coerce(y);
        if self.is_empty() && (y.is_empty() || y.is_common()) {
            return Self::empty_in(self.format);
        }
        if !self.is_common() || !y.is_common() {
            return Self::entire_in(self.format);
        }
        let f = &self.format;
        // wid x − wid y = sup x − inf x − sup y + inf y, its sign exactly.
        let e = |b| T::to_exact(f, b);
        let d = [e(self.hi), e(self.lo).neg(), e(y.hi).neg(), e(y.lo)];
        match crate::float::dot::exact_sum_sign(&d) {
            Some(Greater | Equal) => {}
            // Narrower x, or (never for one format's bounds) undecidable: every z.
            Some(Less) | None => return Self::entire_in(self.format),
        }
        if plus {
            Self::raw(
                T::add(f, self.lo, y.hi, Dir::Down),
                T::add(f, self.hi, y.lo, Dir::Up),
                self.format,
            )
        } else {
            Self::raw(
                T::sub(f, self.lo, y.lo, Dir::Down),
                T::sub(f, self.hi, y.hi, Dir::Up),
                self.format,
            )
        }
    }

    /// x × y (also `*`); `[0, 0] × y = [0, 0]` even for unbounded y.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::new(-1.0, 2.0);
    /// assert_eq!(x.mul(Interval::new(-3.0, 1.0)), Interval::new(-6.0, 3.0));
    /// assert_eq!(Interval::<f64>::point(0.0).mul(Interval::entire()), Interval::point(0.0));
    /// ```
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn mul(self, rhs: Self) -> Self {
        let y = self.coerce(rhs);
        let f = &self.format;
        if self.is_empty() || y.is_empty() {
            return Self::empty_in(self.format);
        }
        match self.mul_plan(&y) {
            Plan::Zero => Self::zero_interval(self.format),
            Plan::One { lo, hi } => Self::raw(
                T::mul(f, lo.0, lo.1, Dir::Down),
                T::mul(f, hi.0, hi.1, Dir::Up),
                self.format,
            ),
            Plan::Two { lo, hi } => Self::raw(
                self.min_b(
                    T::mul(f, lo[0].0, lo[0].1, Dir::Down),
                    T::mul(f, lo[1].0, lo[1].1, Dir::Down),
                ),
                self.max_b(
                    T::mul(f, hi[0].0, hi[0].1, Dir::Up),
                    T::mul(f, hi[1].0, hi[1].1, Dir::Up),
                ),
                self.format,
            ),
        }
    }

    /// x ÷ y (also `/`): the tightest interval containing `{a/b : a ∈ x, b ∈ y, b ≠ 0}`.
    /// A divisor with 0 in its interior gives the hull of the two pieces (see
    /// [`div_pair`](Self::div_pair)); a divisor `[0, 0]` gives the empty set.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::new(1.0, 2.0);
    /// assert_eq!(x.div(Interval::new(0.0, 4.0)), Interval::new(0.25, f64::INFINITY));
    /// assert!(x.div(Interval::point(0.0)).is_empty());
    /// ```
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn div(self, rhs: Self) -> Self {
        let y = self.coerce(rhs);
        let f = &self.format;
        let fm = self.format;
        if self.is_empty() || y.is_empty() {
            return Self::empty_in(fm);
        }
        let (a1, a2, b1, b2) = (self.lo, self.hi, y.lo, y.hi);
        let (ninf, pinf) = (T::neg_inf(f), T::pos_inf(f));
        let d = |a, b, dir| T::div(f, a, b, dir);
        let (cx, sb1, sb2) = (self.class(), T::sign(f, b1), T::sign(f, b2));
        let r = |lo, hi| Self::raw(lo, hi, fm);
        if cx == Class::Zero {
            return if sb1 == Equal && sb2 == Equal {
                Self::empty_in(fm)
            } else {
                Self::zero_interval(fm)
            };
        }
        match (sb1, sb2) {
            (Equal, Equal) => Self::empty_in(fm),
            (Greater, _) => match cx {
                Class::Pos => r(d(a1, b2, Dir::Down), d(a2, b1, Dir::Up)),
                Class::Neg => r(d(a1, b1, Dir::Down), d(a2, b2, Dir::Up)),
                _ => r(d(a1, b1, Dir::Down), d(a2, b1, Dir::Up)),
            },
            (_, Less) => match cx {
                Class::Pos => r(d(a2, b2, Dir::Down), d(a1, b1, Dir::Up)),
                Class::Neg => r(d(a2, b1, Dir::Down), d(a1, b2, Dir::Up)),
                _ => r(d(a2, b2, Dir::Down), d(a1, b2, Dir::Up)),
            },
            // y = [0, b2], b2 > 0.
            (Equal, _) => match cx {
                Class::Pos => r(d(a1, b2, Dir::Down), pinf),
                Class::Neg => r(ninf, d(a2, b2, Dir::Up)),
                _ => Self::entire_in(fm),
            },
            // y = [b1, 0], b1 < 0.
            (_, Equal) => match cx {
                Class::Pos => r(ninf, d(a1, b1, Dir::Up)),
                Class::Neg => r(d(a2, b1, Dir::Down), pinf),
                _ => Self::entire_in(fm),
            },
            // 0 inside y: the hull of two half-lines.
            _ => Self::entire_in(fm),
        }
    }

    /// The division `self ÷ y` as two pieces (1788 `mulRevToPair(y, self)`): every `z`
    /// with `z·b = a` for some `a ∈ self`, `b ∈ y`. When y has 0 in its interior and self
    /// does not contain 0, the set is two half-lines, returned lower piece first; otherwise
    /// the second piece is empty. Unlike [`div`](Self::div), `0 ∈ self` and `0 ∈ y` give
    /// the whole line (every z solves z·0 = 0).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let (a, b) = Interval::<f64>::new(1.0, 2.0).div_pair(Interval::new(-1.0, 1.0));
    /// assert_eq!(a, Interval::new(f64::NEG_INFINITY, -1.0));
    /// assert_eq!(b, Interval::new(1.0, f64::INFINITY));
    /// ```
    pub fn div_pair(self, y: Self) -> (Self, Self) {
        let y = self.coerce(y);
        let fm = self.format;
        let f = &fm;
        let empty = Self::empty_in(fm);
        if self.is_empty() || y.is_empty() {
            return (empty, empty);
        }
        let (c0, b0) = (self.contains_zero(), y.contains_zero());
        if c0 && b0 {
            return (Self::entire_in(fm), empty);
        }
        let (sb1, sb2) = (T::sign(f, y.lo), T::sign(f, y.hi));
        if sb1 == Less && sb2 == Greater {
            let (ninf, pinf) = (T::neg_inf(f), T::pos_inf(f));
            let c = if T::sign(f, self.hi) == Less {
                self.hi
            } else {
                self.lo
            };
            let (lo_piece, hi_piece) = if T::sign(f, c) == Less {
                (T::div(f, c, y.hi, Dir::Up), T::div(f, c, y.lo, Dir::Down))
            } else {
                (T::div(f, c, y.lo, Dir::Up), T::div(f, c, y.hi, Dir::Down))
            };
            return (Self::raw(ninf, lo_piece, fm), Self::raw(hi_piece, pinf, fm));
        }
        (self.div(y), empty)
    }

    #[inline]
    fn contains_zero(&self) -> bool {
        let f = &self.format;
        !self.is_empty() && T::sign(f, self.lo) != Greater && T::sign(f, self.hi) != Less
    }

    /// 1 ÷ x (1788 `recip`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(2.0, 4.0).recip(), Interval::new(0.25, 0.5));
    /// ```
    pub fn recip(self) -> Self {
        Self::one(self.format).div(self)
    }

    /// −x (also unary `-`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(-Interval::<f64>::new(1.0, f64::INFINITY), Interval::new(f64::NEG_INFINITY, -1.0));
    /// ```
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn neg(self) -> Self {
        if self.is_empty() {
            return self;
        }
        let f = &self.format;
        Self::raw(
            T::neg(f, self.hi, Dir::Down),
            T::neg(f, self.lo, Dir::Up),
            self.format,
        )
    }

    /// |x|: `[mig x, mag x]`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-3.0, 2.0).abs(), Interval::new(0.0, 3.0));
    /// ```
    pub fn abs(self) -> Self {
        match (self.mig(), self.mag()) {
            (Some(lo), Some(hi)) => Self::raw(lo, hi, self.format),
            _ => self,
        }
    }

    /// The pointwise minimum `{min(a, b)}`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let m = Interval::<f64>::new(1.0, 5.0).min(Interval::new(2.0, 3.0));
    /// assert_eq!(m, Interval::new(1.0, 3.0));
    /// ```
    pub fn min(self, other: Self) -> Self {
        let y = self.coerce(other);
        if self.is_empty() || y.is_empty() {
            return Self::empty_in(self.format);
        }
        Self::raw(
            self.min_b(self.lo, y.lo),
            self.min_b(self.hi, y.hi),
            self.format,
        )
    }

    /// The pointwise maximum `{max(a, b)}`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let m = Interval::<f64>::new(1.0, 5.0).max(Interval::new(2.0, 3.0));
    /// assert_eq!(m, Interval::new(2.0, 5.0));
    /// ```
    pub fn max(self, other: Self) -> Self {
        let y = self.coerce(other);
        if self.is_empty() || y.is_empty() {
            return Self::empty_in(self.format);
        }
        Self::raw(
            self.max_b(self.lo, y.lo),
            self.max_b(self.hi, y.hi),
            self.format,
        )
    }

    /// x²: `[mig², mag²]`, tighter than x × x when x contains 0.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-1.0, 2.0).sqr(), Interval::new(0.0, 4.0));
    /// ```
    pub fn sqr(self) -> Self {
        let f = &self.format;
        match self.even_bases() {
            Some((near, far)) => Self::raw(
                near.map_or(T::zero(f, Dir::Down), |b| T::mul(f, b, b, Dir::Down)),
                T::mul(f, far, far, Dir::Up),
                self.format,
            ),
            None => self,
        }
    }

    /// The bounds whose even powers are the smallest and the largest over x: the
    /// mignitude and magnitude, but kept with their signs — in two's complement fixed
    /// point −min is beyond the range, while min² is not (`None` for the empty set). The
    /// first is `None` when x holds 0 inside (the smallest power is 0).
    fn even_bases(&self) -> Option<(Option<T::Bound>, T::Bound)> {
        if self.is_empty() {
            return None;
        }
        let f = &self.format;
        Some(if T::sign(f, self.lo) != Less {
            (Some(self.lo), self.hi)
        } else if T::sign(f, self.hi) != Greater {
            (Some(self.hi), self.lo)
        } else {
            // −lo rounded up exceeds hi exactly when |lo| > hi (hi is a value ≥ |lo|
            // otherwise).
            let far = if T::lt(f, self.hi, T::neg(f, self.lo, Dir::Up)) {
                self.lo
            } else {
                self.hi
            };
            (None, far)
        })
    }

    /// √x over the part of x that is ≥ 0 (empty if none).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-4.0, 4.0).sqrt(), Interval::new(0.0, 2.0));
    /// let r = Interval::<f64>::point(2.0).sqrt();
    /// assert!(r.inf() < r.sup() && r.inf() <= core::f64::consts::SQRT_2 && core::f64::consts::SQRT_2 <= r.sup());
    /// ```
    pub fn sqrt(self) -> Self {
        let f = &self.format;
        if self.is_empty() || T::sign(f, self.hi) == Less {
            return Self::empty_in(self.format);
        }
        let lo = if T::sign(f, self.lo) == Greater {
            T::sqrt(f, self.lo, Dir::Down)
        } else {
            T::zero(f, Dir::Down)
        };
        Self::raw(lo, T::sqrt(f, self.hi, Dir::Up), self.format)
    }

    /// x × y + z with one rounding per bound (1788 `fma`: the tightest enclosure of
    /// `{a·b + c}`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::point(0.1);
    /// let r = x.fma(Interval::point(10.0), Interval::point(-1.0));
    /// // 0.1·10 − 1 = 2^−54 exactly (0.1 is a bit above 1/10): one rounding keeps it.
    /// assert_eq!(r, Interval::point(2f64.powi(-54)));
    /// ```
    pub fn fma(self, y: Self, z: Self) -> Self {
        let y = self.coerce(y);
        let z = self.coerce(z);
        let fm = self.format;
        let f = &fm;
        if self.is_empty() || y.is_empty() || z.is_empty() {
            return Self::empty_in(fm);
        }
        let fin = |b| T::is_finite(f, b);
        let one = |(a, b): (T::Bound, T::Bound), c: T::Bound, dir: Dir| {
            if fin(a) && fin(b) && fin(c) {
                T::fma(f, a, b, c, dir)
            } else {
                T::add(f, T::mul(f, a, b, dir), c, dir)
            }
        };
        match self.mul_plan(&y) {
            Plan::Zero => z,
            Plan::One { lo, hi } => Self::raw(one(lo, z.lo, Dir::Down), one(hi, z.hi, Dir::Up), fm),
            Plan::Two { lo, hi } => Self::raw(
                self.min_b(one(lo[0], z.lo, Dir::Down), one(lo[1], z.lo, Dir::Down)),
                self.max_b(one(hi[0], z.hi, Dir::Up), one(hi[1], z.hi, Dir::Up)),
                fm,
            ),
        }
    }

    /// xⁿ for an integer n (1788 `pown`); x⁰ = [1, 1], negative n divide.
    ///
    /// The bounds come from the exact power bracketed between two 128-bit
    /// approximations (rounded down and up at each of the ≤ 64 multiplications): when
    /// both round to the same value of the format — always, unless the exact power lies
    /// within about 2⁻¹²⁰ relative of a bound of the format without being one — the bound
    /// is the exact power rounded once; otherwise it is one unit wider.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::new(-2.0, 3.0);
    /// assert_eq!(x.pown(3), Interval::new(-8.0, 27.0));
    /// assert_eq!(x.pown(2), Interval::new(0.0, 9.0));
    /// assert_eq!(Interval::<f64>::new(2.0, 4.0).pown(-2), Interval::new(0.0625, 0.25));
    /// ```
    pub fn pown(self, n: i32) -> Self {
        let fm = self.format;
        let f = &fm;
        if self.is_empty() {
            return self;
        }
        if n == 0 {
            return Self::one(fm);
        }
        if n == 1 {
            return self;
        }
        let (ninf, pinf) = (T::neg_inf(f), T::pos_inf(f));
        let k = n.unsigned_abs();
        let even = k % 2 == 0;
        let pw = |b: T::Bound, dir: Dir| power::<T>(f, b, k, n < 0, dir);
        if n > 0 {
            if even {
                let Some((near, far)) = self.even_bases() else {
                    return self;
                };
                let lo = near.map_or(T::zero(f, Dir::Down), |b| pw(b, Dir::Down));
                return Self::raw(lo, pw(far, Dir::Up), fm);
            }
            return Self::raw(pw(self.lo, Dir::Down), pw(self.hi, Dir::Up), fm);
        }
        // n < 0.
        match self.class() {
            Class::Zero => Self::empty_in(fm),
            _ if even => {
                let Some((near, far)) = self.even_bases() else {
                    return self;
                };
                let up = match near {
                    Some(b) if T::sign(f, b) != Equal => pw(b, Dir::Up),
                    _ => pinf,
                };
                Self::raw(pw(far, Dir::Down), up, fm)
            }
            Class::Mixed => Self::entire_in(fm),
            Class::Pos => {
                let up = if T::sign(f, self.lo) == Equal {
                    pinf
                } else {
                    pw(self.lo, Dir::Up)
                };
                Self::raw(pw(self.hi, Dir::Down), up, fm)
            }
            Class::Neg => {
                let lo = if T::sign(f, self.hi) == Equal {
                    ninf
                } else {
                    pw(self.hi, Dir::Down)
                };
                Self::raw(lo, pw(self.lo, Dir::Up), fm)
            }
        }
    }

    /// How the intervals overlap (1788 `overlap`, Table 10.7).
    ///
    /// ```
    /// use lowprec::interval::{Interval, Overlap};
    /// let x = Interval::<f64>::new(1.0, 2.0);
    /// assert_eq!(x.overlap(Interval::new(2.0, 3.0)), Overlap::Meets);
    /// assert_eq!(x.overlap(Interval::new(0.0, 3.0)), Overlap::ContainedBy);
    /// ```
    pub fn overlap(self, other: Self) -> Overlap {
        let y = self.coerce(other);
        match (self.is_empty(), y.is_empty()) {
            (true, true) => return Overlap::BothEmpty,
            (true, false) => return Overlap::FirstEmpty,
            (false, true) => return Overlap::SecondEmpty,
            _ => {}
        }
        let f = &self.format;
        let c = |a, b| T::cmp(f, a, b);
        let (a1, a2, b1, b2) = (self.lo, self.hi, y.lo, y.hi);
        if c(a2, b1) == Less {
            return Overlap::Before;
        }
        if c(b2, a1) == Less {
            return Overlap::After;
        }
        let (sa, sb) = (c(a1, a2) == Less, c(b1, b2) == Less);
        if sa && sb && c(a2, b1) == Equal {
            return Overlap::Meets;
        }
        if sa && sb && c(b2, a1) == Equal {
            return Overlap::MetBy;
        }
        match (c(a1, b1), c(a2, b2)) {
            (Less, Less) => Overlap::Overlaps,
            (Equal, Less) => Overlap::Starts,
            (Greater, Less) => Overlap::ContainedBy,
            (Greater, Equal) => Overlap::Finishes,
            (Equal, Equal) => Overlap::Equals,
            (Less, Equal) => Overlap::FinishedBy,
            (Less, Greater) => Overlap::Contains,
            (Equal, Greater) => Overlap::StartedBy,
            (Greater, Greater) => Overlap::OverlappedBy,
        }
    }
}

/// The 1788 overlap states of two intervals ([`Interval::overlap`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Overlap {
    BothEmpty,
    FirstEmpty,
    SecondEmpty,
    Before,
    Meets,
    Overlaps,
    Starts,
    ContainedBy,
    Finishes,
    Equals,
    FinishedBy,
    Contains,
    StartedBy,
    OverlappedBy,
    MetBy,
    After,
}

impl Overlap {
    /// The 1788 name (`before`, `containedBy`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Overlap::BothEmpty => "bothEmpty",
            Overlap::FirstEmpty => "firstEmpty",
            Overlap::SecondEmpty => "secondEmpty",
            Overlap::Before => "before",
            Overlap::Meets => "meets",
            Overlap::Overlaps => "overlaps",
            Overlap::Starts => "starts",
            Overlap::ContainedBy => "containedBy",
            Overlap::Finishes => "finishes",
            Overlap::Equals => "equals",
            Overlap::FinishedBy => "finishedBy",
            Overlap::Contains => "contains",
            Overlap::StartedBy => "startedBy",
            Overlap::OverlappedBy => "overlappedBy",
            Overlap::MetBy => "metBy",
            Overlap::After => "after",
        }
    }
}

// ----- pown: the exact power between two 128-bit brackets ------------------------------

/// A positive number sig · 2^exp with `sig` normalized (bit 127 set).
#[derive(Clone, Copy)]
struct W {
    sig: u128,
    exp: i64,
}

impl W {
    fn from_finite(f: &Finite) -> W {
        let lz = f.sig.leading_zeros();
        W {
            sig: f.sig << lz,
            exp: i64::from(f.exp) - i64::from(lz),
        }
    }

    /// a·b rounded down (`up` false) or up to 128 bits.
    fn mul(a: W, b: W, up: bool) -> W {
        let U256 { hi, lo } = U256::mul(a.sig, b.sig);
        // hi ≥ 2^126: normalize by at most one bit.
        let (mut sig, rest, mut exp) = if hi >> 127 == 1 {
            (hi, lo, a.exp + b.exp + 128)
        } else {
            ((hi << 1) | (lo >> 127), lo << 1, a.exp + b.exp + 127)
        };
        if up && rest != 0 {
            sig = sig.wrapping_add(1);
            if sig == 0 {
                sig = 1 << 127;
                exp += 1;
            }
        }
        W { sig, exp }
    }

    /// 1/a for a significand of at most 64 bits (every bound of every format): the
    /// quotient 2^191 / m by two 64-bit long-division steps, rounded down or up to 128 bits.
    fn recip(f: &Finite, up: bool) -> W {
        let lz = f.sig.leading_zeros();
        // m = sig normalized into [2^63, 2^64) (sig ≤ 2^64 for decoded values).
        let (m, e) = if lz >= 64 {
            (f.sig << (lz - 64), i64::from(f.exp) - i64::from(lz - 64))
        } else {
            (f.sig >> (64 - lz), i64::from(f.exp) + i64::from(64 - lz))
        };
        // |x| = m·2^e, so 1/|x| = (2^191/m)·2^(−191−e).
        if m == 1 << 63 {
            return W {
                sig: 1 << 127,
                exp: -63 - e - 127,
            };
        }
        let n = 1u128 << 127;
        let (q1, r1) = (n / m, n % m);
        let (q0, r0) = ((r1 << 64) / m, (r1 << 64) % m);
        // q1 < 2^64 since m > 2^63, so the quotient q1·2^64 + q0 fits in 128 bits.
        let mut q = (q1 << 64) | q0;
        if up && r0 != 0 {
            q += 1;
        }
        let lz = q.leading_zeros();
        W {
            sig: q << lz,
            exp: -191 - e - i64::from(lz),
        }
    }

    /// 1 as a `W`.
    const ONE: W = W {
        sig: 1 << 127,
        exp: -127,
    };

    /// Bounds of b^k from bounds `lo ≤ b ≤ hi`, by squaring and multiplying, each
    /// product rounded outward to 128 bits.
    fn pow(mut bl: W, mut bh: W, k: u32) -> (W, W) {
        let (mut lo, mut hi) = (W::ONE, W::ONE);
        let mut e = k;
        while e > 0 {
            if e & 1 == 1 {
                lo = W::mul(lo, bl, false);
                hi = W::mul(hi, bh, true);
            }
            e >>= 1;
            if e > 0 {
                bl = W::mul(bl, bl, false);
                bh = W::mul(bh, bh, true);
            }
        }
        (lo, hi)
    }

    /// The exact value m·2^s (m > 0), the exponent kept in range as in [`W::exact`].
    fn exact_parts(m: u128, s: i64) -> Exact {
        Exact::from_parts(false, m, s.clamp(-(1 << 30), 1 << 30) as i32)
    }

    fn exact(self, negative: bool) -> Exact {
        // Beyond any format's range either way; keeps the i32 exponent from wrapping.
        let exp = self.exp.clamp(-(1 << 30), 1 << 30) as i32;
        Exact::Finite(Finite {
            negative,
            sig: self.sig,
            exp,
            sticky: false,
        })
    }
}

/// |b|^k (or |b|^−k) with the sign of b^k, rounded in `dir`, for a bound b.
pub(super) fn power<T: Scalar>(
    f: &T::Format,
    b: T::Bound,
    k: u32,
    recip: bool,
    dir: Dir,
) -> T::Bound {
    let negative = T::sign(f, b) == Less && k % 2 == 1;
    let mode = dir.rounding();
    let zero_or_inf = |inf: bool| {
        if inf {
            if negative {
                T::neg_inf(f)
            } else {
                T::pos_inf(f)
            }
        } else {
            // 0 rounded in `dir` (a −0 keeps its sign where the format has one).
            if negative {
                T::neg(f, T::zero(f, dir.flip()), dir)
            } else {
                T::zero(f, dir)
            }
        }
    };
    let x = match T::to_exact(f, b) {
        Exact::Finite(x) if x.sig != 0 => x,
        Exact::Inf { .. } => return zero_or_inf(!recip),
        _ => return zero_or_inf(recip),
    };
    // Magnitude brackets: lo ≤ |b|^k ≤ hi (of 1/|b| for negative powers).
    let (bl, bh) = if recip {
        (W::recip(&x, false), W::recip(&x, true))
    } else {
        let base = W::from_finite(&x);
        (base, base)
    };
    let (lo, hi) = W::pow(bl, bh, k);
    // The magnitude bound that is outward for this direction and sign.
    let outward_up = (dir == Dir::Up) != negative;
    let (near, far) = if outward_up { (lo, hi) } else { (hi, lo) };
    let r_far = T::from_exact(f, far.exact(negative), mode);
    let r_near = T::from_exact(f, near.exact(negative), mode);
    // Both ends of the bracket rounding alike pin down the rounding of the exact power;
    // otherwise the far end is still a valid bound.
    if T::cmp(f, r_far, r_near) == Equal {
        r_near
    } else {
        r_far
    }
}

/// A bracket end of |t|^(1/k) (of |t|^(−1/k) with `recip`), k ≥ 1: a value at most the
/// root (`upper` false) or at least it, within 2^−120 relative; exact roots are found
/// exactly. Bisection on a 128-bit significand: each step compares the candidate's k-th
/// power, bracketed to 128 bits as in [`power`], with t.
pub(super) fn root_bound(t: Exact, k: u32, recip: bool, upper: bool) -> Exact {
    let x = match t {
        Exact::Finite(x) if x.sig != 0 && !x.sticky => x,
        Exact::Inf { .. } if recip => return Exact::Zero { negative: false },
        Exact::Inf { .. } => return Exact::Inf { negative: false },
        _ if recip => return Exact::Inf { negative: false },
        _ => return Exact::Zero { negative: false },
    };
    let k = k.max(1);
    let tw = W::from_finite(&Finite {
        negative: false,
        ..x
    });
    let one = W::ONE;
    // log2 t ∈ [l, l + 1); the root lies in (2^(top − 4), 2^(top − 2)] (the upper end
    // for 1/t^(1/k) with t a power of two), so m·2^s has m in (2^124, 2^126]: at least
    // 125 bits, and m + 3 cannot overflow.
    let l = tw.exp + 127;
    let kk = i64::from(k);
    let ceil_div = |a: i64| -((-a).div_euclid(kk));
    let top = if recip { ceil_div(-l) } else { ceil_div(l + 1) } + 2;
    let s = top - 128;
    // The candidate m·2^s to the k-th power (times t with `recip`) against t (or 1).
    let (target, scale) = if recip { (one, Some(tw)) } else { (tw, None) };
    let cmp = |m: u128| -> Option<Ordering> {
        let lz = m.leading_zeros();
        let base = W {
            sig: m << lz,
            exp: s - i64::from(lz),
        };
        let (mut lo, mut hi) = W::pow(base, base, k);
        if let Some(t) = scale {
            lo = W::mul(lo, t, false);
            hi = W::mul(hi, t, true);
        }
        let order = |a: W, b: W| a.exp.cmp(&b.exp).then(a.sig.cmp(&b.sig));
        match (order(lo, target), order(hi, target)) {
            (Equal, Equal) => Some(Equal),
            (_, Less) => Some(Less),
            (Greater, _) => Some(Greater),
            _ => None,
        }
    };
    let mut m = 0u128;
    for i in (0..127).rev() {
        let c = m | 1 << i;
        match cmp(c) {
            Some(Equal) => return W::exact_parts(c, s),
            Some(Less) => m = c,
            Some(Greater) => {}
            // The power is within 2^−120 of t: keep going, the margin below covers it.
            None => m = c,
        }
    }
    if upper {
        W::exact_parts(m + 3, s)
    } else {
        W::exact_parts(m.saturating_sub(2), s)
    }
}

// ----- operators -------------------------------------------------------------------------

macro_rules! op {
    ($Tr:ident, $m:ident) => {
        impl<T: Scalar> $Tr for Interval<T> {
            type Output = Self;
            #[inline]
            fn $m(self, rhs: Self) -> Self {
                Interval::$m(self, rhs)
            }
        }
    };
}
op!(Add, add);
op!(Sub, sub);
op!(Mul, mul);
op!(Div, div);

impl<T: Scalar> Neg for Interval<T> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Interval::neg(self)
    }
}
