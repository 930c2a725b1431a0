//! Reverse-mode elementary functions of IEEE 1788 (§10.5.4): `coshRev`, `powRev1` and
//! `powRev2` — for a function g and intervals c (and x), the tightest interval holding
//! every v ∈ x with g(v) ∈ c.
//!
//! The pow reverses are unions of images of boxes under x = z^(1/y) and
//! y = log z / log x, each monotone in both arguments on the pieces where log x and y
//! keep their signs, so each piece's bounds are values at its corners (limits at open
//! or infinite corners). A corner value is bracketed: the logarithms to 126 bits,
//! narrowed outward to 64 bits, divided outward, and carried through 2^t. When both ends
//! of the bracket round alike, that is the bound; otherwise the one value of the format
//! between them is the bound if it is an exact solution (checked with the pow kernel),
//! and else the outer rounding — one unit wider than the tightest, only when the true
//! value lies within about 2⁻⁶⁰ relative of a value of the format.

use core::cmp::Ordering::{Equal, Greater, Less};

use super::Interval;
use super::elementary::{cmp_exact, int_at, unary_at};
use super::scalar::{Dir, Scalar};
use crate::float::Exact;
use crate::float::arith::exact_quotient;
use crate::math::{Binary, Unary};

/// A real value at a corner: an infinity, a zero (signed, for limits), or a nonzero
/// finite value between two exact ends with at most 64-bit significands.
#[derive(Clone, Copy)]
enum Val {
    Inf(bool),
    Zero(bool),
    Br(Exact, Exact),
}

/// `x` with its significand cut to 64 bits, rounded toward +∞ (`up`) or −∞.
fn narrow(x: Exact, up: bool) -> Exact {
    let Exact::Finite(f) = x else { return x };
    let bits = 128 - f.sig.leading_zeros();
    if bits <= 64 && !f.sticky {
        return x;
    }
    let s = bits.saturating_sub(64);
    let mut q = f.sig >> s;
    let lost = (s > 0 && f.sig & ((1u128 << s) - 1) != 0) || f.sticky;
    let mut exp = f.exp.saturating_add(s as i32);
    if lost && up != f.negative {
        q += 1;
        if q >> 64 != 0 {
            q >>= 1;
            exp = exp.saturating_add(1);
        }
    }
    Exact::from_parts(f.negative, q, exp)
}

impl Val {
    /// A kernel's value (126 bits and a sticky bit), bracketed.
    fn of(x: Exact) -> Val {
        match x {
            Exact::Inf { negative } => Val::Inf(negative),
            Exact::Zero { negative } => Val::Zero(negative),
            Exact::Finite(f) if f.sig == 0 => Val::Zero(f.negative),
            Exact::Nan { .. } => Val::Br(
                Exact::Inf { negative: true },
                Exact::Inf { negative: false },
            ),
            x => Val::Br(narrow(x, false), narrow(x, true)),
        }
    }

    fn negative(&self) -> bool {
        match *self {
            Val::Inf(n) | Val::Zero(n) => n,
            Val::Br(a, _) => a.is_sign_negative(),
        }
    }

    /// self ÷ d, with the limits 0/0 → 0 and ∞/∞ → 0 at corners where the box's
    /// values have no single limit (any value between its neighbours' serves the hull).
    fn div(self, d: Val) -> Val {
        let neg = self.negative() != d.negative();
        match (self, d) {
            (Val::Inf(_), Val::Inf(_)) | (Val::Zero(_), Val::Zero(_)) => Val::Zero(false),
            (Val::Inf(_), _) => Val::Inf(neg),
            (_, Val::Zero(_)) => Val::Inf(neg),
            (Val::Zero(_), _) | (_, Val::Inf(_)) => Val::Zero(neg),
            (Val::Br(a0, a1), Val::Br(b0, b1)) => {
                let q = |a: Exact, b: Exact, up: bool| match (a, b) {
                    (Exact::Finite(p), Exact::Finite(q)) => {
                        narrow(Exact::Finite(exact_quotient(p, q)), up)
                    }
                    _ => Exact::Inf { negative: !up },
                };
                let lows = [
                    q(a0, b0, false),
                    q(a0, b1, false),
                    q(a1, b0, false),
                    q(a1, b1, false),
                ];
                let highs = [
                    q(a0, b0, true),
                    q(a0, b1, true),
                    q(a1, b0, true),
                    q(a1, b1, true),
                ];
                let min = lows
                    .into_iter()
                    .reduce(|m, v| if cmp_exact(&v, &m) == Less { v } else { m });
                let max = highs
                    .into_iter()
                    .reduce(|m, v| if cmp_exact(&v, &m) == Greater { v } else { m });
                match (min, max) {
                    (Some(lo), Some(hi)) => Val::Br(lo, hi),
                    _ => Val::Zero(false),
                }
            }
        }
    }
}

/// log₂ of a corner coordinate z ≥ 0 (0 and +∞ give −∞ and +∞; `below_one` signs the
/// zero of log₂ 1 approached from below).
fn log2_of(z: Exact, below_one: bool) -> Val {
    match z {
        Exact::Zero { .. } => Val::Inf(true),
        Exact::Inf { .. } => Val::Inf(false),
        z => match crate::math::unary(Unary::Log2, z).value {
            Exact::Zero { .. } => Val::Zero(below_one),
            v => Val::of(v),
        },
    }
}

/// A bound from a bracket `[lo, hi]` of a value, rounded in `dir`; `exact` tells
/// whether a value of the format is the value itself.
fn settle<T: Scalar>(
    f: &T::Format,
    lo: Exact,
    hi: Exact,
    dir: Dir,
    exact: impl Fn(Exact) -> bool,
) -> T::Bound {
    let a = T::from_exact(f, lo, dir.rounding());
    let b = T::from_exact(f, hi, dir.rounding());
    if T::cmp(f, a, b) == Equal {
        return a;
    }
    let (outer, inner) = match dir {
        Dir::Down => (a, b),
        Dir::Up => (b, a),
    };
    if T::is_finite(f, inner) && exact(T::to_exact(f, inner)) {
        inner
    } else {
        outer
    }
}

/// Whether `pow(x, y)` is exactly `z`.
fn pow_is(x: Exact, y: Exact, z: Exact) -> bool {
    let p = crate::math::binary(Binary::Pow, x, y).value;
    matches!(p, Exact::Finite(f) if !f.sticky) && p.cmp_value(&z) == Some(Equal)
}

impl<T: Scalar> Interval<T> {
    /// The hull of `piece ∩ x` over the pieces. The pieces' ends may be limits that no
    /// solution attains (x = 1 as y → 0 in `powRev1`), so an intersection that collapses
    /// to a single value `v` is kept only if `solves(v)` (which may answer `true` when
    /// it cannot decide).
    fn hull_within(x: Self, pieces: &[Self], solves: impl Fn(T::Bound) -> bool) -> Self {
        pieces.iter().fold(Self::empty_in(x.format), |h, p| {
            let r = x.intersection(*p);
            if r.is_singleton() && !solves(r.lo) {
                h
            } else {
                h.hull(r)
            }
        })
    }

    /// 1788 `coshRev(c)` on `self` = c: the hull of `{v : cosh v ∈ c}`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let c = Interval::<f64>::new(1.0, 1.0);
    /// assert_eq!(c.cosh_rev(), Interval::point(0.0));
    /// assert!(Interval::<f64>::new(0.0, 0.5).cosh_rev().is_empty());
    /// ```
    pub fn cosh_rev(self) -> Self {
        self.cosh_rev_within(Self::entire_in(self.format))
    }

    /// 1788 `coshRev(c, x)`: the hull of `{v ∈ x : cosh v ∈ c}` with c = `self`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let c = Interval::<f64>::new(1.0, 2.0);
    /// let v = c.cosh_rev_within(Interval::new(0.0, 10.0));
    /// assert_eq!(v.inf(), 0.0);
    /// assert_eq!(v.sup(), 2f64.acosh());
    /// ```
    pub fn cosh_rev_within(self, x: Self) -> Self {
        let x = self.coerce(x);
        let fm = self.format;
        let f = &fm;
        if self.is_empty() || x.is_empty() {
            return Self::empty_in(fm);
        }
        let (cl, ch) = self.exact_bounds();
        let one = Exact::from_i128(1);
        if cmp_exact(&ch, &one) == Less {
            return Self::empty_in(fm);
        }
        let cl = if cmp_exact(&cl, &one) == Less {
            one
        } else {
            cl
        };
        let right = Self::raw(
            unary_at::<T>(f, Unary::Acosh, cl, Dir::Down),
            unary_at::<T>(f, Unary::Acosh, ch, Dir::Up),
            fm,
        );
        Self::hull_within(x, &[right, right.neg()], |_| true)
    }

    /// 1788 `powRev1(b, c, x)` with b = `self`: the hull of `{v ∈ x : v^y ∈ c for some
    /// y ∈ b}` (v^y defined: v > 0, or v = 0 and y > 0).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let (b, c) = (Interval::<f64>::point(2.0), Interval::new(4.0, 9.0));
    /// let v = b.pow_rev1(c, Interval::new(0.0, 10.0));
    /// assert!(v.inf() <= 2.0 && v.sup() >= 3.0);
    /// ```
    pub fn pow_rev1(self, c: Self, x: Self) -> Self {
        let (c, x) = (self.coerce(c), self.coerce(x));
        let fm = self.format;
        let f = &fm;
        let empty = Self::empty_in(fm);
        let s = |b| T::sign(f, b);
        if self.is_empty() || c.is_empty() || x.is_empty() || s(c.hi) == Less || s(x.hi) == Less {
            return empty;
        }
        let one = Exact::from_i128(1);
        let (bl, bh) = self.exact_bounds();
        let (cl, ch) = c.exact_bounds();
        let zero = Exact::Zero { negative: false };
        let cl = if s(c.lo) == Greater { cl } else { zero };
        let mut pieces = [empty; 4];
        if s(c.lo) != Greater && s(self.hi) == Greater {
            pieces[0] = Self::raw(T::zero(f, Dir::Down), T::zero(f, Dir::Up), fm);
        }
        let has_one = cmp_exact(&cl, &one) != Greater && cmp_exact(&ch, &one) != Less;
        if has_one && s(self.lo) != Greater && s(self.hi) != Less {
            pieces[1] = Self::raw(T::zero(f, Dir::Down), T::pos_inf(f), fm);
        }
        if s(c.hi) == Greater {
            let y_val = |y: Exact, limit_negative: bool| match y {
                Exact::Inf { negative } => Val::Inf(negative),
                Exact::Zero { .. } => Val::Zero(limit_negative),
                y => Val::Br(y, y),
            };
            // x = 2^(log₂ z / y) at a corner (z, y), rounded in `dir`.
            let corner = |z: Exact, y: Exact, yv: Val, dir: Dir| -> T::Bound {
                match log2_of(z, false).div(yv) {
                    Val::Inf(true) => T::zero(f, dir),
                    Val::Inf(false) => T::pos_inf(f),
                    Val::Zero(_) => int_at::<T>(f, 1, dir),
                    Val::Br(lo, hi) => {
                        let e = |t| crate::math::unary(Unary::Exp2, t).value;
                        settle::<T>(f, e(lo), e(hi), dir, |v| pow_is(v, y, z))
                    }
                }
            };
            let piece = |ys: [(Exact, Val); 2]| {
                let mut lo = T::pos_inf(f);
                let mut hi = T::neg_inf(f);
                for z in [cl, ch] {
                    for (y, yv) in ys {
                        let d = corner(z, y, yv, Dir::Down);
                        let u = corner(z, y, yv, Dir::Up);
                        if T::lt(f, d, lo) {
                            lo = d;
                        }
                        if T::lt(f, hi, u) {
                            hi = u;
                        }
                    }
                }
                Self::raw(lo, hi, fm)
            };
            if s(self.hi) == Greater {
                let yl = if s(self.lo) == Greater { bl } else { zero };
                pieces[2] = piece([(yl, y_val(yl, false)), (bh, y_val(bh, false))]);
            }
            if s(self.lo) == Less {
                let yh = if s(self.hi) == Less { bh } else { zero };
                pieces[3] = piece([(bl, y_val(bl, true)), (yh, y_val(yh, true))]);
            }
        }
        let b = self;
        Self::hull_within(x, &pieces, |v| {
            // 1^y = 1 and 0^y = 0 (y > 0) need no kernel.
            match T::to_exact(f, v) {
                Exact::Zero { .. } => return pieces[0] != empty,
                e if cmp_exact(&e, &one) == Equal => return has_one,
                _ => {}
            }
            let p = Self::raw(v, v, fm);
            !p.pow(b).intersection(c).is_empty()
        })
    }

    /// 1788 `powRev2(a, c, y)` with a = `self`: the hull of `{v ∈ y : x^v ∈ c for some
    /// x ∈ a}` (x^v defined: x > 0, or x = 0 and v > 0).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let (a, c) = (Interval::<f64>::point(2.0), Interval::new(4.0, 8.0));
    /// let v = a.pow_rev2(c, Interval::entire());
    /// assert!(v.inf() <= 2.0 && v.sup() >= 3.0);
    /// ```
    pub fn pow_rev2(self, c: Self, y: Self) -> Self {
        let (c, y) = (self.coerce(c), self.coerce(y));
        let fm = self.format;
        let f = &fm;
        let empty = Self::empty_in(fm);
        let s = |b| T::sign(f, b);
        if self.is_empty() || c.is_empty() || y.is_empty() || s(c.hi) == Less || s(self.hi) == Less
        {
            return empty;
        }
        let one = Exact::from_i128(1);
        let zero = Exact::Zero { negative: false };
        let (al, ah) = self.exact_bounds();
        let al = if s(self.lo) == Greater { al } else { zero };
        let (cl, ch) = c.exact_bounds();
        let cl = if s(c.lo) == Greater { cl } else { zero };
        let holds_one =
            |lo: &Exact, hi: &Exact| cmp_exact(lo, &one) != Greater && cmp_exact(hi, &one) != Less;
        let mut pieces = [empty; 5];
        if s(self.lo) != Greater && s(c.lo) != Greater {
            pieces[0] = Self::raw(T::zero(f, Dir::Down), T::pos_inf(f), fm);
        }
        let c_one = holds_one(&cl, &ch);
        if c_one && s(self.hi) == Greater {
            pieces[1] = Self::raw(T::zero(f, Dir::Down), T::zero(f, Dir::Up), fm);
        }
        if c_one && holds_one(&al, &ah) {
            pieces[2] = Self::entire_in(fm);
        }
        if s(c.hi) == Greater && s(self.hi) == Greater {
            // v = log₂ z / log₂ x at a corner (x, z), rounded in `dir`.
            let corner = |xv: Exact, below_one: bool, z: Exact, dir: Dir| -> T::Bound {
                match log2_of(z, false).div(log2_of(xv, below_one)) {
                    Val::Inf(true) => T::neg_inf(f),
                    Val::Inf(false) => T::pos_inf(f),
                    Val::Zero(_) => T::zero(f, dir),
                    Val::Br(lo, hi) => settle::<T>(f, lo, hi, dir, |v| pow_is(xv, v, z)),
                }
            };
            let piece = |xs: [Exact; 2], below_one: bool| {
                let mut lo = T::pos_inf(f);
                let mut hi = T::neg_inf(f);
                for xv in xs {
                    for z in [cl, ch] {
                        let d = corner(xv, below_one, z, Dir::Down);
                        let u = corner(xv, below_one, z, Dir::Up);
                        if T::lt(f, d, lo) {
                            lo = d;
                        }
                        if T::lt(f, hi, u) {
                            hi = u;
                        }
                    }
                }
                Self::raw(lo, hi, fm)
            };
            if cmp_exact(&al, &one) == Less {
                let xh = if cmp_exact(&ah, &one) == Less {
                    ah
                } else {
                    one
                };
                pieces[3] = piece([al, xh], true);
            }
            if cmp_exact(&ah, &one) == Greater {
                let xl = if cmp_exact(&al, &one) == Greater {
                    al
                } else {
                    one
                };
                pieces[4] = piece([xl, ah], false);
            }
        }
        let a = self;
        Self::hull_within(y, &pieces, |v| {
            // x^0 = 1 for x > 0.
            if T::sign(f, v) == Equal {
                return c_one && s(self.hi) == Greater;
            }
            let p = Self::raw(v, v, fm);
            !a.pow(p).intersection(c).is_empty()
        })
    }
}
