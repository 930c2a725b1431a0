//! The elementary functions of IEEE 1788 (§9.1) on intervals: exp, exp2, exp10, expm1,
//! log, log2, log10, log1p, sin, cos, tan, asin, acos, atan, atan2, sinh, cosh, tanh,
//! asinh, acosh, atanh, erf, erfc, pow and rootn.
//!
//! Each bound is the function's exact value at an argument bound (or at a point the
//! case analysis picks: an extremum of sin or cos, a corner of pow's or atan2's box),
//! decided by the kernels of [`crate::math`] and rounded once outward, so every result is
//! the tightest interval of the format. Each function is evaluated on the part of the
//! argument inside its domain (log on `[−1, 4]` is log on `[0, 4]`); whether the whole
//! argument lay inside is what the decorated versions report (`trv` when not).
//!
//! sin, cos and tan find their extrema and poles from the quadrants of the two bounds
//! (⌊x/(π/2)⌋ mod 4, computed exactly) and the interval's width, which tells apart the
//! quadrant counts that agree modulo 4.

use core::cmp::Ordering::{self, Equal, Greater, Less};

use super::scalar::{Dir, Scalar};
use super::{Decoration, Interval};
use crate::float::Exact;
use crate::float::arith::exact_add;
use crate::math::{Binary, Unary};
use crate::rounding::Rounding;

/// The value of `u` at an exact argument, rounded in `dir` (a NaN value, which the
/// kernels return only outside the domain, rounds to the infinity of that direction).
pub(super) fn unary_at<T: Scalar>(f: &T::Format, u: Unary, x: Exact, dir: Dir) -> T::Bound {
    T::from_exact(f, crate::math::unary(u, x).value, dir.rounding())
}

/// The value of `u` at two exact arguments, rounded in `dir`.
fn binary_at<T: Scalar>(f: &T::Format, u: Binary, x: Exact, y: Exact, dir: Dir) -> T::Bound {
    T::from_exact(f, crate::math::binary(u, x, y).value, dir.rounding())
}

/// An exact integer rounded in `dir`.
pub(super) fn int_at<T: Scalar>(f: &T::Format, n: i128, dir: Dir) -> T::Bound {
    match n {
        0 => T::zero(f, dir),
        _ => T::from_exact(f, Exact::from_i128(n), dir.rounding()),
    }
}

/// Orders two exact values (bounds are never NaN; a sticky value orders as equal to
/// nothing, which the callers never pass).
pub(super) fn cmp_exact(a: &Exact, b: &Exact) -> Ordering {
    a.cmp_value(b).unwrap_or(Equal)
}

/// A zero of either sign made +0 (the kernels' special values read the sign of zero;
/// the interval functions never do).
pub(super) fn unsigned_zero(x: Exact) -> Exact {
    match x {
        Exact::Zero { .. } => Exact::Zero { negative: false },
        x => x,
    }
}

/// The domain of a one-argument function: each end an integer and whether it belongs
/// to the domain; `None` for an unbounded side.
#[derive(Clone, Copy)]
struct Domain {
    lo: Option<(i128, bool)>,
    hi: Option<(i128, bool)>,
}

impl Domain {
    const ALL: Domain = Domain { lo: None, hi: None };
    const POSITIVE: Domain = Domain {
        lo: Some((0, false)),
        hi: None,
    };
    const ABOVE_MINUS_ONE: Domain = Domain {
        lo: Some((-1, false)),
        hi: None,
    };
    const UNIT: Domain = Domain {
        lo: Some((-1, true)),
        hi: Some((1, true)),
    };
    const OPEN_UNIT: Domain = Domain {
        lo: Some((-1, false)),
        hi: Some((1, false)),
    };
    const FROM_ONE: Domain = Domain {
        lo: Some((1, true)),
        hi: None,
    };
}

/// A result and whether the function was defined on the whole argument (the
/// decorated versions turn `false` into `trv`).
pub(super) type Defined<T> = (Interval<T>, bool);

/// Which extrema of sin or cos an interval holds, or that it reaches a pole of tan.
struct Turns {
    /// The interval spans a whole period (or is unbounded).
    full: bool,
    /// The quadrants entered inside the interval (bit q: quadrant q, entered at q·π/2).
    entered: u8,
}

impl<T: Scalar> Interval<T> {
    /// f on the part of the interval inside `dom`, for a monotone f (`increasing` or
    /// decreasing) continuous on its domain, with its limits at open ends.
    fn monotone(self, u: Unary, dom: Domain, increasing: bool) -> Defined<T> {
        let fm = self.format;
        let f = &fm;
        if self.is_empty() {
            return (self, true);
        }
        let (mut a, mut b) = self.exact_bounds();
        let mut defined = true;
        let empty = (Self::empty_in(fm), false);
        if let Some((d, closed)) = dom.lo {
            let d = Exact::from_i128(d);
            match cmp_exact(&a, &d) {
                Less => {
                    defined = false;
                    a = d;
                }
                Equal if !closed => defined = false,
                _ => {}
            }
            if cmp_exact(&b, &d) == Less || (!closed && cmp_exact(&b, &d) == Equal) {
                return empty;
            }
        }
        if let Some((d, closed)) = dom.hi {
            let d = Exact::from_i128(d);
            match cmp_exact(&b, &d) {
                Greater => {
                    defined = false;
                    b = d;
                }
                Equal if !closed => defined = false,
                _ => {}
            }
            if cmp_exact(&a, &d) == Greater || (!closed && cmp_exact(&a, &d) == Equal) {
                return empty;
            }
        }
        let (lo, hi) = if increasing {
            (
                unary_at::<T>(f, u, a, Dir::Down),
                unary_at::<T>(f, u, b, Dir::Up),
            )
        } else {
            (
                unary_at::<T>(f, u, b, Dir::Down),
                unary_at::<T>(f, u, a, Dir::Up),
            )
        };
        (Self::raw(lo, hi, fm), defined)
    }

    pub(super) fn exp_d(self) -> Defined<T> {
        self.monotone(Unary::Exp, Domain::ALL, true)
    }
    pub(super) fn exp2_d(self) -> Defined<T> {
        self.monotone(Unary::Exp2, Domain::ALL, true)
    }
    pub(super) fn exp10_d(self) -> Defined<T> {
        self.monotone(Unary::Exp10, Domain::ALL, true)
    }
    pub(super) fn expm1_d(self) -> Defined<T> {
        self.monotone(Unary::Expm1, Domain::ALL, true)
    }
    pub(super) fn log_d(self) -> Defined<T> {
        self.monotone(Unary::Log, Domain::POSITIVE, true)
    }
    pub(super) fn log2_d(self) -> Defined<T> {
        self.monotone(Unary::Log2, Domain::POSITIVE, true)
    }
    pub(super) fn log10_d(self) -> Defined<T> {
        self.monotone(Unary::Log10, Domain::POSITIVE, true)
    }
    pub(super) fn log1p_d(self) -> Defined<T> {
        self.monotone(Unary::Log1p, Domain::ABOVE_MINUS_ONE, true)
    }
    pub(super) fn asin_d(self) -> Defined<T> {
        self.monotone(Unary::Asin, Domain::UNIT, true)
    }
    pub(super) fn acos_d(self) -> Defined<T> {
        self.monotone(Unary::Acos, Domain::UNIT, false)
    }
    pub(super) fn atan_d(self) -> Defined<T> {
        self.monotone(Unary::Atan, Domain::ALL, true)
    }
    pub(super) fn sinh_d(self) -> Defined<T> {
        self.monotone(Unary::Sinh, Domain::ALL, true)
    }
    pub(super) fn tanh_d(self) -> Defined<T> {
        self.monotone(Unary::Tanh, Domain::ALL, true)
    }
    pub(super) fn asinh_d(self) -> Defined<T> {
        self.monotone(Unary::Asinh, Domain::ALL, true)
    }
    pub(super) fn acosh_d(self) -> Defined<T> {
        self.monotone(Unary::Acosh, Domain::FROM_ONE, true)
    }
    pub(super) fn atanh_d(self) -> Defined<T> {
        self.monotone(Unary::Atanh, Domain::OPEN_UNIT, true)
    }
    pub(super) fn erf_d(self) -> Defined<T> {
        self.monotone(Unary::Erf, Domain::ALL, true)
    }
    pub(super) fn erfc_d(self) -> Defined<T> {
        self.monotone(Unary::Erfc, Domain::ALL, false)
    }

    /// The quadrants a nonempty interval runs through (see [`Turns`]).
    fn turns(&self) -> Turns {
        let f = &self.format;
        let full = Turns {
            full: true,
            entered: 0,
        };
        if !T::is_finite(f, self.lo) || !T::is_finite(f, self.hi) {
            return full;
        }
        let (a, b) = self.exact_bounds();
        // The width to 53 bits: its error is far below the π/2 margins used here.
        let w = match exact_add(b, a.neg(), Rounding::TiesToEven) {
            Ok(w) => <f64 as Scalar>::from_exact(&(), w, Rounding::TiesToEven),
            Err(_) => f64::INFINITY,
        };
        // k quadrant boundaries inside [a, b] need (k − 1)·π/2 < w: beyond 7, k ≥ 5 or
        // w > 2π, and either way a whole period.
        if w.is_nan() || w > 7.0 {
            return full;
        }
        let q = |x: Exact| match x {
            Exact::Finite(x) => crate::math::quadrant(&x) % 4,
            _ => 0,
        };
        let (qa, qb) = (q(a), q(b));
        let n = (qb + 4 - qa) % 4;
        // k ≡ n (mod 4) and k ≤ 5: k = n needs w < (n + 1)·π/2, k = n + 4 needs
        // w > (n + 3)·π/2; the midpoint (n + 2)·π/2 tells them apart.
        let half_pi = core::f64::consts::FRAC_PI_2;
        let k = if w > f64::from(n + 2) * half_pi {
            n + 4
        } else {
            n
        };
        if k >= 4 {
            return full;
        }
        let entered = (1..=k).fold(0u8, |m, i| m | 1 << ((qa + i) % 4));
        Turns {
            full: false,
            entered,
        }
    }

    /// sin or cos: the quadrant `top` is where the maximum 1 is entered, `top + 2` the
    /// minimum −1.
    fn periodic(self, u: Unary, top: u8) -> Defined<T> {
        let fm = self.format;
        let f = &fm;
        if self.is_empty() {
            return (self, true);
        }
        let t = self.turns();
        let has = |q: u8| t.full || t.entered & (1 << (q % 4)) != 0;
        let (a, b) = self.exact_bounds();
        let lo = if has(top + 2) {
            int_at::<T>(f, -1, Dir::Down)
        } else {
            self.lower_of(
                unary_at::<T>(f, u, a, Dir::Down),
                unary_at::<T>(f, u, b, Dir::Down),
            )
        };
        let hi = if has(top) {
            int_at::<T>(f, 1, Dir::Up)
        } else {
            self.upper_of(
                unary_at::<T>(f, u, a, Dir::Up),
                unary_at::<T>(f, u, b, Dir::Up),
            )
        };
        (Self::raw(lo, hi, fm), true)
    }

    #[inline]
    fn lower_of(&self, a: T::Bound, b: T::Bound) -> T::Bound {
        if T::lt(&self.format, b, a) { b } else { a }
    }

    #[inline]
    fn upper_of(&self, a: T::Bound, b: T::Bound) -> T::Bound {
        if T::lt(&self.format, a, b) { b } else { a }
    }

    pub(super) fn sin_d(self) -> Defined<T> {
        self.periodic(Unary::Sin, 1)
    }

    pub(super) fn cos_d(self) -> Defined<T> {
        self.periodic(Unary::Cos, 0)
    }

    pub(super) fn tan_d(self) -> Defined<T> {
        let fm = self.format;
        let f = &fm;
        if self.is_empty() {
            return (self, true);
        }
        let t = self.turns();
        // Poles at π/2 + kπ: where quadrants 1 and 3 are entered.
        if t.full || t.entered & 0b1010 != 0 {
            return (Self::entire_in(fm), false);
        }
        let (a, b) = self.exact_bounds();
        let r = Self::raw(
            unary_at::<T>(f, Unary::Tan, a, Dir::Down),
            unary_at::<T>(f, Unary::Tan, b, Dir::Up),
            fm,
        );
        (r, true)
    }

    pub(super) fn cosh_d(self) -> Defined<T> {
        let fm = self.format;
        let f = &fm;
        if self.is_empty() {
            return (self, true);
        }
        let (a, b) = self.exact_bounds();
        let c = |x: Exact, dir: Dir| unary_at::<T>(f, Unary::Cosh, x, dir);
        let r = match (T::sign(f, self.lo), T::sign(f, self.hi)) {
            (Equal | Greater, _) => Self::raw(c(a, Dir::Down), c(b, Dir::Up), fm),
            (_, Equal | Less) => Self::raw(c(b, Dir::Down), c(a, Dir::Up), fm),
            _ => {
                let far = if cmp_exact(&a.neg(), &b) == Greater {
                    a
                } else {
                    b
                };
                Self::raw(int_at::<T>(f, 1, Dir::Down), c(far, Dir::Up), fm)
            }
        };
        (r, true)
    }

    pub(super) fn pow_d(self, y: Self) -> Defined<T> {
        let y = self.coerce(y);
        let fm = self.format;
        let f = &fm;
        let empty = Self::empty_in(fm);
        if self.is_empty() || y.is_empty() {
            return (empty, true);
        }
        if T::sign(f, self.hi) == Less {
            return (empty, false);
        }
        let ypos = T::sign(f, y.lo) == Greater;
        let defined = match T::sign(f, self.lo) {
            Greater => true,
            Equal => ypos,
            Less => false,
        };
        let (xl, xh) = self.exact_bounds();
        let xl = if T::sign(f, self.lo) == Greater {
            xl
        } else {
            Exact::Zero { negative: false }
        };
        let (yl, yh) = y.exact_bounds();
        if T::sign(f, self.hi) == Equal {
            // x = 0: 0^y = 0 for y > 0, undefined otherwise.
            return if T::sign(f, y.hi) == Greater {
                (
                    Self::raw(T::zero(f, Dir::Down), T::zero(f, Dir::Up), fm),
                    defined,
                )
            } else {
                (empty, false)
            };
        }
        // x^y is monotone in each argument on (0, ∞) × ℝ: the extremes lie at the
        // corners (at x = 0, the limits from x > 0, which are IEEE 754's pow(+0, y)).
        let corners = [(xl, yl), (xl, yh), (xh, yl), (xh, yh)];
        let p = |(x, y): (Exact, Exact), dir: Dir| {
            binary_at::<T>(f, Binary::Pow, unsigned_zero(x), unsigned_zero(y), dir)
        };
        let mut lo = p(corners[0], Dir::Down);
        let mut hi = p(corners[0], Dir::Up);
        for &c in &corners[1..] {
            lo = self.lower_of(lo, p(c, Dir::Down));
            hi = self.upper_of(hi, p(c, Dir::Up));
        }
        (Self::raw(lo, hi, fm), defined)
    }

    pub(super) fn atan2_d(self, x: Self) -> (Self, Decoration) {
        let x = self.coerce(x);
        let fm = self.format;
        let f = &fm;
        if self.is_empty() || x.is_empty() {
            return (Self::empty_in(fm), Decoration::Com);
        }
        let s = |b| T::sign(f, b);
        let origin =
            s(self.lo) != Greater && s(self.hi) != Less && s(x.lo) != Greater && s(x.hi) != Less;
        let y_zero = s(self.lo) == Equal && s(self.hi) == Equal;
        let x_zero = s(x.lo) == Equal && s(x.hi) == Equal;
        if y_zero && x_zero {
            return (Self::empty_in(fm), Decoration::Trv);
        }
        // Undefined at the origin; elsewhere continuous except across the cut.
        let local = |continuous: bool| match (origin, continuous) {
            (true, _) => Decoration::Trv,
            (false, true) => Decoration::Com,
            (false, false) => Decoration::Def,
        };
        // The branch cut, the negative x axis, met from below: every angle near ±π.
        if s(x.lo) == Less && s(self.lo) == Less && s(self.hi) != Less {
            let pi = |dir: Dir| {
                let v = binary_at::<T>(
                    f,
                    Binary::Atan2,
                    Exact::Zero { negative: false },
                    Exact::from_i128(-1),
                    dir,
                );
                if dir == Dir::Down {
                    T::neg(f, v, Dir::Down)
                } else {
                    v
                }
            };
            let r = Self::raw(pi(Dir::Down), pi(Dir::Up), fm);
            return (r, local(false));
        }
        // Otherwise the angle is continuous on the box (without the origin), and its
        // extremes lie at the corners other than the origin (IEEE 754's atan2 at
        // infinite coordinates gives the limits).
        let (yl, yh) = self.exact_bounds();
        let (xl, xh) = x.exact_bounds();
        let is_zero = |e: &Exact| matches!(e, Exact::Zero { .. });
        let mut lo: Option<T::Bound> = None;
        let mut hi: Option<T::Bound> = None;
        for (yv, xv) in [(yl, xl), (yl, xh), (yh, xl), (yh, xh)] {
            if is_zero(&yv) && is_zero(&xv) {
                continue;
            }
            let (yv, xv) = (unsigned_zero(yv), unsigned_zero(xv));
            let d = binary_at::<T>(f, Binary::Atan2, yv, xv, Dir::Down);
            let u = binary_at::<T>(f, Binary::Atan2, yv, xv, Dir::Up);
            lo = Some(lo.map_or(d, |l| self.lower_of(l, d)));
            hi = Some(hi.map_or(u, |h| self.upper_of(h, u)));
        }
        match (lo, hi) {
            (Some(lo), Some(hi)) => (Self::raw(lo, hi, fm), local(true)),
            _ => (Self::empty_in(fm), Decoration::Trv),
        }
    }

    pub(super) fn rootn_d(self, n: i32) -> Defined<T> {
        let fm = self.format;
        let f = &fm;
        let empty = Self::empty_in(fm);
        if self.is_empty() {
            return (self, true);
        }
        if n == 0 {
            return (empty, false);
        }
        let r = |x: Exact, dir: Dir| {
            T::from_exact(
                f,
                crate::math::rootn(unsigned_zero(x), i64::from(n)).value,
                dir.rounding(),
            )
        };
        let (a, b) = self.exact_bounds();
        let (sa, sb) = (T::sign(f, self.lo), T::sign(f, self.hi));
        let even = n % 2 == 0;
        let zero = Exact::Zero { negative: false };
        let (ninf, pinf) = (T::neg_inf(f), T::pos_inf(f));
        let raw = |lo, hi| Self::raw(lo, hi, fm);
        if n > 0 {
            if even {
                if sb == Less {
                    return (empty, false);
                }
                let a = if sa == Less { zero } else { a };
                return (raw(r(a, Dir::Down), r(b, Dir::Up)), sa != Less);
            }
            return (raw(r(a, Dir::Down), r(b, Dir::Up)), true);
        }
        // n < 0: decreasing on each side of 0, undefined at 0.
        if even {
            if sb != Greater {
                return (empty, false);
            }
            let hi = if sa == Greater { r(a, Dir::Up) } else { pinf };
            return (raw(r(b, Dir::Down), hi), sa == Greater);
        }
        match (sa, sb) {
            (Greater, _) | (_, Less) => (raw(r(b, Dir::Down), r(a, Dir::Up)), true),
            (Equal, Equal) => (empty, false),
            (Equal, _) => (raw(r(b, Dir::Down), pinf), false),
            (_, Equal) => (raw(ninf, r(a, Dir::Up)), false),
            _ => (Self::entire_in(fm), false),
        }
    }
}

macro_rules! bare {
    ($($(#[$doc:meta])* $name:ident => $d:ident;)*) => {
        impl<T: Scalar> Interval<T> {
            $(
                $(#[$doc])*
                pub fn $name(self) -> Self {
                    self.$d().0
                }
            )*
        }
    };
}

bare! {
    /// e^x over the interval (1788 `exp`).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let y = Interval::<f64>::new(0.0, 1.0).exp();
    /// assert_eq!(y, Interval::new(1.0, core::f64::consts::E.next_up()));
    /// assert_eq!(Interval::<f64>::new(f64::NEG_INFINITY, 0.0).exp(), Interval::new(0.0, 1.0));
    /// ```
    exp => exp_d;
    /// 2^x (1788 `exp2`).
    exp2 => exp2_d;
    /// 10^x (1788 `exp10`).
    exp10 => exp10_d;
    /// e^x − 1.
    exp_m1 => expm1_d;
    /// ln x on the part of the interval where x > 0 (1788 `log`); empty if none.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-1.0, 1.0).ln(), Interval::new(f64::NEG_INFINITY, 0.0));
    /// ```
    ln => log_d;
    /// log₂ x where x > 0 (1788 `log2`).
    log2 => log2_d;
    /// log₁₀ x where x > 0 (1788 `log10`).
    log10 => log10_d;
    /// ln(1 + x) where x > −1.
    ln_1p => log1p_d;
    /// sin x (1788 `sin`): ±1 wherever the interval holds an extremum.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let y = Interval::<f64>::new(0.0, 2.0).sin();
    /// assert_eq!(y.inf(), 0.0);
    /// assert_eq!(y.sup(), 1.0); // π/2 lies inside
    /// assert_eq!(Interval::<f64>::new(1.0, 1.5).sin().inf(), 1f64.sin());
    /// ```
    sin => sin_d;
    /// cos x (1788 `cos`).
    cos => cos_d;
    /// tan x (1788 `tan`): the whole line when the interval reaches a pole.
    tan => tan_d;
    /// arcsin x on the part in [−1, 1] (1788 `asin`).
    asin => asin_d;
    /// arccos x on the part in [−1, 1] (1788 `acos`).
    acos => acos_d;
    /// arctan x (1788 `atan`).
    atan => atan_d;
    /// sinh x (1788 `sinh`).
    sinh => sinh_d;
    /// cosh x (1788 `cosh`).
    cosh => cosh_d;
    /// tanh x (1788 `tanh`).
    tanh => tanh_d;
    /// arsinh x (1788 `asinh`).
    asinh => asinh_d;
    /// arcosh x on the part where x ≥ 1 (1788 `acosh`).
    acosh => acosh_d;
    /// artanh x on the part in (−1, 1) (1788 `atanh`).
    atanh => atanh_d;
    /// The error function.
    erf => erf_d;
    /// The complementary error function 1 − erf x.
    erfc => erfc_d;
}

impl<T: Scalar> Interval<T> {
    /// x^y over the box (1788 `pow`, defined for x > 0, and for x = 0 when y > 0):
    /// the hull of `{a^b : a ∈ self, b ∈ y, a > 0 or (a = 0 and b > 0)}`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let x = Interval::<f64>::new(0.5, 2.0);
    /// assert_eq!(x.pow(Interval::new(2.0, 3.0)), Interval::new(0.125, 8.0));
    /// assert!(Interval::<f64>::new(-2.0, -1.0).pow(Interval::point(2.0)).is_empty());
    /// ```
    pub fn pow(self, y: Self) -> Self {
        self.pow_d(y).0
    }

    /// The angle of the points (x, y) of the box, y = `self` (1788 `atan2(y, x)`), in
    /// [−π, π]; the origin is left out.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// let y = Interval::<f64>::new(0.0, 1.0);
    /// let a = y.atan2(Interval::new(1.0, 1.0));
    /// assert_eq!(a.inf(), 0.0);
    /// assert_eq!(a.sup(), core::f64::consts::FRAC_PI_4.next_up());
    /// ```
    pub fn atan2(self, x: Self) -> Self {
        self.atan2_d(x).0
    }

    /// x^(1/n) (1788 `rootn`): for even n on the part where x ≥ 0, for negative n
    /// without x = 0; empty for n = 0.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-8.0, 27.0).rootn(3), Interval::new(-2.0, 3.0));
    /// assert_eq!(Interval::<f64>::new(-4.0, 16.0).rootn(2), Interval::new(0.0, 4.0));
    /// ```
    pub fn rootn(self, n: i32) -> Self {
        self.rootn_d(n).0
    }
}
