//! Reverse-mode operations of IEEE 1788 (§10.5.4): for a function g and an interval c,
//! the tightest interval containing every x (of an optional x-interval) with g(x) ∈ c —
//! what constraint propagation narrows a variable to. Built: `sqrRev`, `absRev`,
//! `pownRev` and `mulRev` (with and without the x-interval).
//!
//! The solution set is at most two intervals with exact real bounds. Each is rounded
//! outward and intersected with x, which is tight except in one case: when the
//! intersection collapses to a single value v of the format (x touches a bound that was
//! rounded toward it), the exact set may be {v} or empty — decided by checking g(v) ∈ c
//! exactly.

use core::cmp::Ordering::{self, Greater, Less};

use super::Interval;
use super::ops::{power, root_bound};
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
                    lo.map_or(T::zero(f, Dir::Down), |l| T::sqrt(f, l, Dir::Down)),
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

    /// The reverse of an even function g ≥ 0 that is monotone on [0, ∞), with
    /// c = `self`: `right` maps the bounds of c ∩ [0, ∞) (`None` for a lower bound of
    /// exactly 0) to the nonnegative solutions, rounded outward; `solves` decides a
    /// single value exactly; the negative solutions are their mirror image.
    fn even_rev(
        self,
        x: Self,
        right: impl FnOnce(Option<T::Bound>, T::Bound) -> Self,
        solves: impl Fn(T::Bound) -> bool,
    ) -> Self {
        let x = self.coerce(x);
        let f = &self.format;
        if self.is_empty() || x.is_empty() || T::sign(f, self.hi) == Less {
            return Self::empty_in(self.format);
        }
        let lo = (T::sign(f, self.lo) == Greater).then_some(self.lo);
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
            |lo, hi| Self::raw(lo.unwrap_or(T::zero(f, Dir::Down)), hi, self.format),
            |v| {
                let e = T::to_exact(f, v);
                self.holds(if e.is_sign_negative() { e.neg() } else { e })
            },
        )
    }

    /// 1788 `pownRev(c, n)` on `self` = c: the hull of `{x : xⁿ ∈ c}` (x ≠ 0 for n < 0;
    /// x⁰ = 1 for every x). The roots are bracketed to 126 bits, so each bound is the
    /// root rounded once unless it lies within about 2⁻¹²⁰ relative of a value of the
    /// format without being one, when it is one unit wider (as for [`pown`](Self::pown)).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(8.0, 27.0).pown_rev(3), Interval::new(2.0, 3.0));
    /// assert_eq!(Interval::<f64>::new(1.0, 16.0).pown_rev(4), Interval::new(-2.0, 2.0));
    /// assert_eq!(Interval::<f64>::new(0.25, 4.0).pown_rev(-2), Interval::new(-2.0, 2.0));
    /// ```
    pub fn pown_rev(self, n: i32) -> Self {
        self.pown_rev_within(Self::entire_in(self.format), n)
    }

    /// 1788 `pownRev(c, x, n)`: the hull of `{v ∈ x : vⁿ ∈ c}` with c = `self`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let c = Interval::<f64>::new(1.0, 16.0);
    /// assert_eq!(c.pown_rev_within(Interval::new(-5.0, -1.5), 2), Interval::new(-4.0, -1.5));
    /// assert!(Interval::<f64>::new(-8.0, -1.0).pown_rev_within(Interval::new(0.0, 9.0), 3).is_empty());
    /// ```
    pub fn pown_rev_within(self, x: Self, n: i32) -> Self {
        let x = self.coerce(x);
        let f = &self.format;
        let fm = self.format;
        if self.is_empty() || x.is_empty() {
            return Self::empty_in(fm);
        }
        if n == 0 {
            return if self.holds(Exact::from_i128(1)) {
                x
            } else {
                Self::empty_in(fm)
            };
        }
        let (k, recip) = (n.unsigned_abs(), n < 0);
        // ±|b|^(±1/k) for a bound b, rounded in `dir`.
        // (`None`: a bound of exactly 0.)
        let root = |b: Option<T::Bound>, negative: bool, dir: Dir| {
            let magnitude = b.map_or(Exact::from_i128(0), |b| {
                let e = T::to_exact(f, b);
                if e.is_sign_negative() { e.neg() } else { e }
            });
            let upper = (dir == Dir::Up) != negative;
            match root_bound(magnitude, k, recip, upper) {
                // 0 rounded in `dir`, as in `pown`.
                Exact::Zero { .. } if negative => T::neg(f, T::zero(f, dir.flip()), dir),
                Exact::Zero { .. } => T::zero(f, dir),
                r => T::from_exact(f, if negative { r.neg() } else { r }, dir.rounding()),
            }
        };
        // vⁿ lies in [lo, hi] (both roundings of it, or in the open interval between
        // them when they differ).
        let solves = |v: T::Bound| {
            if recip && T::sign(f, v) == Ordering::Equal {
                return false;
            }
            let lo = power::<T>(f, v, k, recip, Dir::Down);
            let hi = power::<T>(f, v, k, recip, Dir::Up);
            if T::cmp(f, lo, hi) == Ordering::Equal {
                self.contains(lo)
            } else {
                T::lt(f, self.lo, hi) && T::lt(f, lo, self.hi)
            }
        };
        let sign = |b: T::Bound| T::sign(f, b);
        let r = |lo, hi| Self::raw(lo, hi, fm);
        if k % 2 == 0 {
            if recip && sign(self.hi) != Greater {
                return Self::empty_in(fm);
            }
            // |v|^k (or |v|^−k, decreasing) over c ∩ [0, ∞).
            return self.even_rev(
                x,
                |lo, hi| {
                    if recip {
                        r(root(Some(hi), false, Dir::Down), root(lo, false, Dir::Up))
                    } else {
                        r(root(lo, false, Dir::Down), root(Some(hi), false, Dir::Up))
                    }
                },
                solves,
            );
        }
        let neg = |b: T::Bound| sign(b) == Less;
        if !recip {
            // An increasing bijection of the line.
            let piece = r(
                root(Some(self.lo), neg(self.lo), Dir::Down),
                root(Some(self.hi), neg(self.hi), Dir::Up),
            );
            return piece.clip(x, &solves);
        }
        // v^−k has the sign of v and decreases on each side of 0.
        let empty = Self::empty_in(fm);
        let positive = if sign(self.hi) == Greater {
            let a = (sign(self.lo) == Greater).then_some(self.lo);
            r(
                root(Some(self.hi), false, Dir::Down),
                root(a, false, Dir::Up),
            )
            .clip(x, &solves)
        } else {
            empty
        };
        let negative = if sign(self.lo) == Less {
            let b = (sign(self.hi) == Less).then_some(self.hi);
            r(root(b, true, Dir::Down), root(Some(self.lo), true, Dir::Up)).clip(x, &solves)
        } else {
            empty
        };
        positive.hull(negative)
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
