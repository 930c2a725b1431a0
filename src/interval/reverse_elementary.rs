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
use super::elementary::{cmp_exact, int_at, unary_at, unsigned_zero};
use super::scalar::{Dir, Scalar};
use crate::float::Exact;
use crate::float::arith::{exact_add, exact_quotient};
use crate::math::{Binary, Unary};
use crate::rounding::Rounding;

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
    narrow_to(x, up, 64)
}

/// `x` (sticky bit included) with its significand cut to `keep` bits, rounded toward +∞
/// (`up`) or −∞: an exact value (sticky clear) on that side of `x`.
fn narrow_to(x: Exact, up: bool, keep: u32) -> Exact {
    let Exact::Finite(f) = x else { return x };
    let bits = 128 - f.sig.leading_zeros();
    if bits <= keep && !f.sticky {
        return x;
    }
    let s = bits.saturating_sub(keep);
    let mut q = f.sig >> s;
    let lost = (s > 0 && f.sig & ((1u128 << s) - 1) != 0) || f.sticky;
    let mut exp = f.exp.saturating_add(s as i32);
    if lost && up != f.negative {
        q += 1;
        if q >> keep.max(1) != 0 {
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
    /// assert_eq!(v.sup(), 1.3169578969248168); // arcosh 2 = 1.31695789692481670…, rounded up
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

// ----- sinRev, cosRev, tanRev --------------------------------------------------------
//
// For f = sin, cos or tan and a nonempty c, the solution set S = {v : f(v) ∈ c} is
// periodic, and outside it lie the gaps: open intervals where f > max c ("above") or
// f < min c ("below"). The lower bound of the hull of S ∩ [a, b] is a itself when
// f(a) ∈ c; otherwise a lies in a gap and the bound is that gap's far end s* = a + δ,
// where δ is the distance from a to the end, found from the angle of a within its gap
// (from sin a and cos a, or tan a). Symmetrically for the upper bound from b. S ∩ [a, b]
// is empty exactly when a and b lie in the same gap, i.e. when s* > b.
//
// The end s* is bracketed in exact values with 120-bit significands (kernel values at
// 126 bits are narrowed outward, sums are exact before narrowing), so the bracket is
// about 2^−117 wide relative to s*. s* is transcendental (an arcsine, arccosine or
// arctangent of a value of the format plus a nonzero multiple of π, or a plus such a
// distance), so when the bracket's ends round to different values of the format, the
// one value v of the format inside it is compared with s* exactly: near a gap's end, v
// lies in the closed gap exactly when f(v) lies beyond (or on) the corresponding bound
// of c, which the correctly rounded kernels decide. (A format of more than about 110
// bits could hold several values inside a bracket; then the outer rounding is kept,
// still an enclosure.)

/// Significand bits of the ends of [`Br`].
const BR_BITS: u32 = 120;

/// A bracket `lo ≤ v ≤ hi` of a real value, its ends exact (sticky clear).
#[derive(Clone, Copy)]
struct Br {
    lo: Exact,
    hi: Exact,
}

impl Br {
    /// An exact value (a bound of the format).
    fn point(x: Exact) -> Br {
        Br {
            lo: narrow_to(x, false, BR_BITS),
            hi: narrow_to(x, true, BR_BITS),
        }
    }

    /// A kernel's value (126 bits and a sticky bit).
    fn of(x: Exact) -> Br {
        Br::point(x)
    }

    /// π, from the stored constant.
    fn pi() -> Br {
        let (lo, hi) = crate::math::pi_bounds();
        Br { lo, hi }
    }

    /// The bracket times 2^k (exact).
    fn scale(self, k: i32) -> Br {
        let s = |x: Exact| match x {
            Exact::Finite(f) => Exact::from_parts(f.negative, f.sig, f.exp.saturating_add(k)),
            x => x,
        };
        Br {
            lo: s(self.lo),
            hi: s(self.hi),
        }
    }

    fn neg(self) -> Br {
        Br {
            lo: self.hi.neg(),
            hi: self.lo.neg(),
        }
    }

    fn add(self, o: Br) -> Br {
        let sum = |x: Exact, y: Exact, up: bool| {
            let mode = if up {
                Rounding::TowardPositive
            } else {
                Rounding::TowardNegative
            };
            match exact_add(x, y, mode) {
                Ok(v) => narrow_to(v, up, BR_BITS),
                Err(_) => Exact::Inf { negative: !up },
            }
        };
        Br {
            lo: sum(self.lo, o.lo, false),
            hi: sum(self.hi, o.hi, true),
        }
    }

    fn sub(self, o: Br) -> Br {
        self.add(o.neg())
    }

    /// The bracket cut to [−1, 1] (the values bracketed are sines or cosines).
    fn unit(self) -> Br {
        let (m1, p1) = (Exact::from_i128(-1), Exact::from_i128(1));
        let clamp = |x: Exact| {
            if cmp_exact(&x, &m1) == Less {
                m1
            } else if cmp_exact(&x, &p1) == Greater {
                p1
            } else {
                x
            }
        };
        Br {
            lo: clamp(self.lo),
            hi: clamp(self.hi),
        }
    }

    /// An increasing function over the bracket.
    fn up(self, u: Unary) -> Br {
        Br {
            lo: Br::of(crate::math::unary(u, self.lo).value).lo,
            hi: Br::of(crate::math::unary(u, self.hi).value).hi,
        }
    }

    /// A decreasing function over the bracket.
    fn down(self, u: Unary) -> Br {
        Br {
            lo: Br::of(crate::math::unary(u, self.hi).value).lo,
            hi: Br::of(crate::math::unary(u, self.lo).value).hi,
        }
    }

    /// Whether every value of the bracket is ≥ x.
    fn all_ge(&self, x: &Exact) -> bool {
        cmp_exact(&self.lo, x) != Less
    }

    /// Whether every value of the bracket is ≤ x.
    fn all_le(&self, x: &Exact) -> bool {
        cmp_exact(&self.hi, x) != Greater
    }
}

/// The angle ψ ∈ (−π, π) with cos ψ in `c` and sin ψ in `s` (brackets of the same
/// point of the unit circle), bracketed through the better conditioned of arcsine and
/// arccosine (slope at most 2 on the pieces used).
fn angle(c: Br, s: Br) -> Br {
    let half = Exact::from_parts(false, 1, -1);
    let (c, s) = (c.unit(), s.unit());
    let zero = Exact::Zero { negative: false };
    if c.all_ge(&half) {
        // |ψ| ≤ π/3 + ε: ψ = asin(sin ψ).
        return s.up(Unary::Asin);
    }
    let positive = s.all_ge(&zero);
    let negative = s.all_le(&zero);
    if !positive && !negative {
        // sin ψ of unknown sign with cos ψ < 1/2 happens only near ψ = ±π.
        let pi = Br::pi();
        return Br {
            lo: pi.neg().lo,
            hi: pi.hi,
        };
    }
    let magnitude = if c.all_le(&half.neg()) {
        // |ψ| ≥ 2π/3 − ε: |ψ| = π − asin|sin ψ|.
        let m = if positive { s } else { s.neg() };
        Br::pi().sub(m.up(Unary::Asin))
    } else {
        // |cos ψ| < 1/2 + ε: |ψ| = acos(cos ψ).
        c.down(Unary::Acos)
    };
    if positive { magnitude } else { magnitude.neg() }
}

/// Where a value of the format lies for f and c.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// f(v) ∈ c (or f(v) is beyond the kernels: an argument beyond 2^1536).
    In,
    /// f(v) > max c.
    Above,
    /// f(v) < min c.
    Below,
}

/// The periodic functions whose reverses are built here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Periodic {
    Sin,
    Cos,
    Tan,
}

impl<T: Scalar> Interval<T> {
    /// The hull of `{v ∈ x : f(v) ∈ c}` with c = `self` (see the section comment).
    fn periodic_rev(self, x: Self, g: Periodic) -> Self {
        let x = self.coerce(x);
        let fm = self.format;
        let f = &fm;
        let empty = Self::empty_in(fm);
        if self.is_empty() || x.is_empty() {
            return empty;
        }
        let (cl, ch) = self.exact_bounds();
        let (m1, p1) = (Exact::from_i128(-1), Exact::from_i128(1));
        let bounded = g != Periodic::Tan;
        if bounded && (cmp_exact(&cl, &p1) == Greater || cmp_exact(&ch, &m1) == Less) {
            return empty;
        }
        // The gaps that exist: f > max c needs max c below the supremum of f, f < min c
        // needs min c above its infimum.
        let above = if bounded {
            cmp_exact(&ch, &p1) == Less
        } else {
            T::is_finite(f, self.hi)
        };
        let below = if bounded {
            cmp_exact(&cl, &m1) == Greater
        } else {
            T::is_finite(f, self.lo)
        };
        if !above && !below {
            // f takes only values of c: every argument solves.
            return x;
        }
        let u = match g {
            Periodic::Sin => Unary::Sin,
            Periodic::Cos => Unary::Cos,
            Periodic::Tan => Unary::Tan,
        };
        let val = |v: Exact| crate::math::unary(u, unsigned_zero(v)).value;
        let is_nan = |y: &Exact| matches!(y, Exact::Nan { .. });
        let place = |v: Exact| {
            let y = val(v);
            if is_nan(&y) {
                return Place::In;
            }
            if T::lt(f, T::from_exact(f, y, Dir::Down.rounding()), self.lo) {
                Place::Below
            } else if T::lt(f, self.hi, T::from_exact(f, y, Dir::Up.rounding())) {
                Place::Above
            } else {
                Place::In
            }
        };
        // f(v) ≥ max c, and f(v) ≤ min c, decided exactly (false where unknown).
        let at_least_hi = |v: Exact| {
            let y = val(v);
            !is_nan(&y) && !T::lt(f, T::from_exact(f, y, Dir::Down.rounding()), self.hi)
        };
        let at_most_lo = |v: Exact| {
            let y = val(v);
            !is_nan(&y) && !T::lt(f, self.lo, T::from_exact(f, y, Dir::Up.rounding()))
        };
        let sign_of = |v: Exact, negative: bool| {
            let y = val(v);
            !is_nan(&y) && !matches!(y, Exact::Zero { .. }) && y.is_sign_negative() == negative
        };
        let pi = Br::pi();
        // Near the far end s* of the gap holding a: whether v ≤ s*. Near the near end t*
        // of the gap holding b: whether v ≥ t*.
        let before_end = |v: Exact, p: Place| match (g, p) {
            (Periodic::Tan, _) if below => at_most_lo(v),
            // The gap ends at a pole: v before it has tan v > 0.
            (Periodic::Tan, _) => sign_of(v, false),
            (_, Place::Above) => at_least_hi(v),
            _ => at_most_lo(v),
        };
        let after_start = |v: Exact, p: Place| match (g, p) {
            (Periodic::Tan, _) if above => at_least_hi(v),
            (Periodic::Tan, _) => sign_of(v, true),
            (_, Place::Above) => at_least_hi(v),
            _ => at_most_lo(v),
        };
        // The distances from a point of a gap to the gap's far end (`forward`) and to its
        // near end (backward).
        let distances = |v: Exact, p: Place| -> (Br, Br) {
            if g == Periodic::Tan {
                // φ = atan(tan v) ∈ (−π/2, π/2); the branch's solutions run from
                // atan(min c) to atan(max c) (±π/2 for unbounded c).
                let phi = Br::of(val(v)).up(Unary::Atan);
                let at = |b: Exact, inf: Br| match b {
                    Exact::Inf { negative: true } => inf.neg(),
                    Exact::Inf { negative: false } => inf,
                    b => Br::of(crate::math::unary(Unary::Atan, unsigned_zero(b)).value),
                };
                let lo_end = at(cl, pi.scale(-1));
                let hi_end = at(ch, pi.scale(-1));
                return if p == Place::Above {
                    (pi.add(lo_end).sub(phi), phi.sub(hi_end))
                } else {
                    (lo_end.sub(phi), phi.sub(hi_end).add(pi))
                };
            }
            // The gap is (−w, w) around its centre, v = centre + ψ.
            let s = Br::of(crate::math::unary(Unary::Sin, unsigned_zero(v)).value);
            let c = Br::of(crate::math::unary(Unary::Cos, unsigned_zero(v)).value);
            let (w, cos_psi, sin_psi) = match (g, p) {
                // Centre π/2: cos ψ = sin v, sin ψ = −cos v; w = acos(max c).
                (Periodic::Sin, Place::Above) => (Br::of(acos(ch)), s, c.neg()),
                // Centre −π/2: cos ψ = −sin v, sin ψ = cos v; w = acos(−min c).
                (Periodic::Sin, _) => (Br::of(acos(cl.neg())), s.neg(), c),
                // Centre 0.
                (_, Place::Above) => (Br::of(acos(ch)), c, s),
                // Centre π: cos ψ = −cos v, sin ψ = −sin v.
                _ => (Br::of(acos(cl.neg())), c.neg(), s.neg()),
            };
            let psi = angle(cos_psi, sin_psi);
            (w.sub(psi), psi.add(w))
        };
        // The ends inside (−1, 1) lie in the principal period: there a + δ would lose
        // the relative precision to cancellation (and miss an end at exactly 0), so
        // they are taken from the kernels directly. For sin these are asin(min c)
        // (entered from below) and asin(max c) (left upward); for cos ±acos of a bound;
        // for tan atan of a bound.
        let principal = |p: Place, forward: bool| -> Option<Br> {
            let k = |u: Unary, x: Exact| Br::of(crate::math::unary(u, unsigned_zero(x)).value);
            match (g, p, forward) {
                (Periodic::Sin, Place::Below, true) => Some(k(Unary::Asin, cl)),
                (Periodic::Sin, Place::Above, false) => Some(k(Unary::Asin, ch)),
                (Periodic::Sin, _, _) => None,
                (Periodic::Cos, Place::Above, true) => Some(k(Unary::Acos, ch)),
                (Periodic::Cos, Place::Above, false) => Some(k(Unary::Acos, ch).neg()),
                (Periodic::Cos, _, true) => Some(k(Unary::Acos, cl).neg()),
                (Periodic::Cos, _, false) => Some(k(Unary::Acos, cl)),
                (Periodic::Tan, _, true) if below => Some(k(Unary::Atan, cl)),
                (Periodic::Tan, _, false) if above => Some(k(Unary::Atan, ch)),
                (Periodic::Tan, _, _) => None,
            }
        };
        let near_zero = |e: &Br| cmp_exact(&e.lo, &m1) == Greater && cmp_exact(&e.hi, &p1) == Less;
        let (a, b) = x.exact_bounds();
        let (pa, pb) = (
            if T::is_finite(f, x.lo) {
                place(a)
            } else {
                Place::In
            },
            if T::is_finite(f, x.hi) {
                place(b)
            } else {
                Place::In
            },
        );
        let lo = if pa == Place::In {
            x.lo
        } else {
            let mut end = Br::point(a).add(distances(a, pa).0);
            if near_zero(&end) {
                end = principal(pa, true).unwrap_or(end);
            }
            let d = T::from_exact(f, end.lo, Dir::Down.rounding());
            let u = T::from_exact(f, end.hi, Dir::Down.rounding());
            if T::cmp(f, d, u) == Equal || !before_end(T::to_exact(f, u), pa) {
                d
            } else {
                u
            }
        };
        let hi = if pb == Place::In {
            x.hi
        } else {
            let mut start = Br::point(b).sub(distances(b, pb).1);
            if near_zero(&start) {
                start = principal(pb, false).unwrap_or(start);
            }
            let u = T::from_exact(f, start.hi, Dir::Up.rounding());
            let d = T::from_exact(f, start.lo, Dir::Up.rounding());
            if T::cmp(f, d, u) == Equal || !after_start(T::to_exact(f, d), pb) {
                u
            } else {
                d
            }
        };
        // a and b in the same gap: s* > b, which the lower bound shows as ≥ b.
        let same_gap = (pa != Place::In && !T::lt(f, lo, x.hi))
            || (pb != Place::In && !T::lt(f, x.lo, hi))
            || T::lt(f, hi, lo);
        if same_gap {
            return empty;
        }
        Self::raw(lo, hi, fm)
    }

    /// 1788 `sinRev(c)` on `self` = c: the hull of `{v : sin v ∈ c}` — the whole line
    /// when c meets [−1, 1], else empty.
    pub fn sin_rev(self) -> Self {
        self.sin_rev_within(Self::entire_in(self.format))
    }

    /// 1788 `sinRev(c, x)`: the tightest interval holding `{v ∈ x : sin v ∈ c}` with c =
    /// `self`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let c = Interval::<f64>::point(0.0);
    /// let v = c.sin_rev_within(Interval::new(3.0, 3.5));
    /// assert_eq!(v, Interval::new(core::f64::consts::PI, core::f64::consts::PI.next_up()));
    /// assert!(c.sin_rev_within(Interval::new(2.0, 2.5)).is_empty());
    /// ```
    pub fn sin_rev_within(self, x: Self) -> Self {
        self.periodic_rev(x, Periodic::Sin)
    }

    /// 1788 `cosRev(c)`: the hull of `{v : cos v ∈ c}` with c = `self`.
    pub fn cos_rev(self) -> Self {
        self.cos_rev_within(Self::entire_in(self.format))
    }

    /// 1788 `cosRev(c, x)`: the tightest interval holding `{v ∈ x : cos v ∈ c}` with c =
    /// `self`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let c = Interval::<f64>::new(-1.0, 0.0);
    /// let v = c.cos_rev_within(Interval::new(0.0, 2.0));
    /// assert_eq!(v, Interval::new(core::f64::consts::FRAC_PI_2, 2.0));
    /// ```
    pub fn cos_rev_within(self, x: Self) -> Self {
        self.periodic_rev(x, Periodic::Cos)
    }

    /// 1788 `tanRev(c)`: the hull of `{v : tan v ∈ c}` with c = `self`.
    pub fn tan_rev(self) -> Self {
        self.tan_rev_within(Self::entire_in(self.format))
    }

    /// 1788 `tanRev(c, x)`: the tightest interval holding `{v ∈ x : tan v ∈ c}` with c =
    /// `self`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let c = Interval::<f64>::new(0.0, 1.0);
    /// let v = c.tan_rev_within(Interval::new(-1.0, 1.0));
    /// assert_eq!(v, Interval::new(0.0, core::f64::consts::FRAC_PI_4.next_up()));
    /// ```
    pub fn tan_rev_within(self, x: Self) -> Self {
        self.periodic_rev(x, Periodic::Tan)
    }
}

/// arccos of an exact value in [−1, 1] (126 bits and a sticky bit).
fn acos(x: Exact) -> Exact {
    crate::math::unary(Unary::Acos, unsigned_zero(x)).value
}
