//! Reverse-mode operations of IEEE 1788 (§10.5.4): for a function g and an interval c,
//! the tightest interval containing every x (of an optional x-interval) with g(x) ∈ c —
//! what constraint propagation narrows a variable to. Built: `sqrRev`, `absRev` and
//! `mulRev` (with and without the x-interval).
//!
//! The solution set is at most two intervals with exact real bounds. Each is rounded
//! outward and intersected with x, which is tight except in one case: when the
//! intersection collapses to a single value v of the format (x touches a bound that was
//! rounded toward it), the exact set may be {v} or empty — decided by checking g(v) ∈ c
//! exactly.

use core::cmp::Ordering::{self, Greater, Less};

use super::Interval;
use super::scalar::{Dir, Scalar};
use crate::float::Exact;
use crate::float::arith::exact_mul;

impl<T: Scalar> Interval<T> {
    /// `x ∩ piece`, where `piece` is an outward-rounded solution set and `solves` tells
    /// whether a value of the format is an exact solution.
    fn clip(self, x: Self, solves: &impl Fn(T::Bound) -> bool) -> Self {
        let r = x.intersection(self);
        if r.is_singleton() && !solves(r.lo) {
            Self::empty_in(self.format)
        } else {
            r
        }
    }

    /// Whether the exact value `v` lies in the interval.
    fn holds(&self, v: Exact) -> bool {
        let f = &self.format;
        let le = |a: &Exact, b: &Exact| a.cmp_value(b).is_some_and(|o| o != Greater);
        !self.is_empty() && le(&T::to_exact(f, self.lo), &v) && le(&v, &T::to_exact(f, self.hi))
    }

    /// 1788 `sqrRev(c)` on `self` = c: the hull of `{x : x² ∈ c}`, i.e. `[−√sup c, √sup c]`
    /// (empty when c holds no square).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-1.0, 25.0).sqr_rev(), Interval::new(-5.0, 5.0));
    /// assert!(Interval::<f64>::new(-3.0, -1.0).sqr_rev().is_empty());
    /// ```
    pub fn sqr_rev(self) -> Self {
        self.sqr_rev_within(Self::entire_in(self.format))
    }

    /// 1788 `sqrRev(c, x)`: the hull of `{v ∈ x : v² ∈ c}` with c = `self`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let c = Interval::<f64>::new(1.0, 25.0);
    /// assert_eq!(c.sqr_rev_within(Interval::new(0.0, 7.0)), Interval::new(1.0, 5.0));
    /// assert_eq!(c.sqr_rev_within(Interval::new(-4.0, 0.5)), Interval::new(-4.0, -1.0));
    /// ```
    pub fn sqr_rev_within(self, x: Self) -> Self {
        let f = &self.format;
        self.even_rev(
            x,
            |lo, hi| {
                Self::raw(
                    T::sqrt(f, lo, Dir::Down),
                    T::sqrt(f, hi, Dir::Up),
                    self.format,
                )
            },
            |v| {
                let e = T::to_exact(f, v);
                exact_mul(e, e).is_ok_and(|sq| self.holds(sq))
            },
        )
    }

    /// The reverse of an even function g ≥ 0 that increases on [0, ∞), with c = `self`:
    /// `right` maps c ∩ [0, ∞) to the nonnegative solutions (rounded outward), `solves`
    /// decides a single value exactly; the negative solutions are their mirror image.
    fn even_rev(
        self,
        x: Self,
        right: impl FnOnce(T::Bound, T::Bound) -> Self,
        solves: impl Fn(T::Bound) -> bool,
    ) -> Self {
        let x = self.coerce(x);
        let f = &self.format;
        if self.is_empty() || x.is_empty() || T::sign(f, self.hi) == Less {
            return Self::empty_in(self.format);
        }
        let lo = if T::sign(f, self.lo) == Greater {
            self.lo
        } else {
            T::zero(f)
        };
        let right = right(lo, self.hi);
        right.clip(x, &solves).hull(right.neg().clip(x, &solves))
    }

    /// 1788 `absRev(c)` on `self` = c: the hull of `{x : |x| ∈ c}`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(1.0, 3.0).abs_rev(), Interval::new(-3.0, 3.0));
    /// ```
    pub fn abs_rev(self) -> Self {
        self.abs_rev_within(Self::entire_in(self.format))
    }

    /// 1788 `absRev(c, x)`: the hull of `{v ∈ x : |v| ∈ c}` with c = `self`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let c = Interval::<f64>::new(1.0, 3.0);
    /// assert_eq!(c.abs_rev_within(Interval::new(-2.0, 0.5)), Interval::new(-2.0, -1.0));
    /// ```
    pub fn abs_rev_within(self, x: Self) -> Self {
        let f = &self.format;
        self.even_rev(
            x,
            |lo, hi| Self::raw(lo, hi, self.format),
            |v| {
                let e = T::to_exact(f, v);
                self.holds(if e.is_sign_negative() { e.neg() } else { e })
            },
        )
    }

    /// 1788 `mulRev(b, c)` on `self` = b: the hull of `{x : b·x = c for some b ∈ b,
    /// c ∈ c}` — the hull of [`div_pair`](Self::div_pair)'s two pieces.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let b = Interval::<f64>::new(1.0, 2.0);
    /// assert_eq!(b.mul_rev(Interval::new(2.0, 4.0)), Interval::new(1.0, 4.0));
    /// ```
    pub fn mul_rev(self, c: Self) -> Self {
        self.mul_rev_within(c, Self::entire_in(self.format))
    }

    /// 1788 `mulRev(b, c, x)`: the hull of `{v ∈ x : b·v = c for some b ∈ b, c ∈ c}`
    /// with b = `self`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let (b, c) = (Interval::<f64>::new(-2.0, 1.0), Interval::new(1.0, 2.0));
    /// // c ÷ b = (−∞, −0.5] ∪ [1, +∞): x picks the pieces it meets.
    /// assert_eq!(b.mul_rev_within(c, Interval::new(-1.0, 0.5)), Interval::new(-1.0, -0.5));
    /// assert!(b.mul_rev_within(c, Interval::new(-0.25, 0.5)).is_empty());
    /// ```
    pub fn mul_rev_within(self, c: Self, x: Self) -> Self {
        let (c, x) = (self.coerce(c), self.coerce(x));
        let f = &self.format;
        let (p, q) = c.div_pair(self);
        // v·b over b ∈ self is an interval with exact bounds (±∞ for unbounded b).
        let solves = |v: T::Bound| {
            let e = T::to_exact(f, v);
            let ends = [self.lo, self.hi].map(|b| exact_mul(e, T::to_exact(f, b)));
            match ends {
                // v = 0: the products are all 0.
                _ if T::sign(f, v) == Ordering::Equal => c.holds(Exact::from_i128(0)),
                [Ok(a), Ok(b)] => {
                    let (lo, hi) = match a.cmp_value(&b) {
                        Some(Greater) => (b, a),
                        _ => (a, b),
                    };
                    let c_lo = T::to_exact(f, c.lo);
                    let c_hi = T::to_exact(f, c.hi);
                    lo.cmp_value(&c_hi).is_some_and(|o| o != Greater)
                        && hi.cmp_value(&c_lo).is_some_and(|o| o != Less)
                }
                _ => false,
            }
        };
        p.clip(x, &solves).hull(q.clip(x, &solves))
    }
}
