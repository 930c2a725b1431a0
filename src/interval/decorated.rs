//! Decorated intervals (IEEE 1788-2015 §8): an interval with a [`Decoration`] saying
//! what is known about the function evaluated to produce it.
//!
//! Each operation's result decoration is the minimum of its inputs' decorations and the
//! operation's local decoration: `com` when the operation is defined and continuous on
//! the (bounded) inputs and the result is bounded, `dac` when it is defined and
//! continuous but the result overflowed to an unbounded interval (or an input was
//! unbounded), `trv` when the operation is undefined somewhere on the inputs (division by
//! an interval containing 0, √ of negative numbers, negative powers of intervals
//! containing 0) and for set operations (intersection, hull). `ill` marks NaI, the
//! result of an invalid construction; it propagates through everything.

use core::cmp::Ordering;
use core::fmt;

use super::Interval;
use super::integer::Piecewise;
use super::scalar::{Scalar, StaticScalar};

/// The 1788 decorations, ordered `ill < trv < def < dac < com`.
///
/// ```
/// use lowprec::interval::Decoration;
/// assert!(Decoration::Trv < Decoration::Com);
/// assert_eq!(Decoration::Dac.to_string(), "dac");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decoration {
    /// Ill-formed: Not an Interval (NaI).
    Ill,
    /// Trivial: nothing is known.
    Trv,
    /// Defined: every operation was defined on its inputs.
    Def,
    /// Defined and continuous.
    Dac,
    /// Common: defined, continuous, and bounded (nonempty, bounded inputs and result).
    Com,
}

impl Decoration {
    /// The 1788 name: `ill`, `trv`, `def`, `dac`, `com`.
    pub const fn name(self) -> &'static str {
        match self {
            Decoration::Ill => "ill",
            Decoration::Trv => "trv",
            Decoration::Def => "def",
            Decoration::Dac => "dac",
            Decoration::Com => "com",
        }
    }

    /// Parses a name (case-insensitive).
    ///
    /// ```
    /// use lowprec::interval::Decoration;
    /// assert_eq!(Decoration::from_name("COM"), Some(Decoration::Com));
    /// ```
    pub fn from_name(s: &str) -> Option<Self> {
        [
            Decoration::Ill,
            Decoration::Trv,
            Decoration::Def,
            Decoration::Dac,
            Decoration::Com,
        ]
        .into_iter()
        .find(|d| d.name().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Decoration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An interval with a decoration (1788 decorated interval).
///
/// ```
/// use lowprec::interval::{DecoratedInterval, Decoration, Interval};
/// let x = DecoratedInterval::<f64>::new(Interval::new(1.0, 2.0));
/// assert_eq!(x.decoration(), Decoration::Com);
/// let y = x / DecoratedInterval::new(Interval::new(-1.0, 1.0));
/// assert_eq!(y.decoration(), Decoration::Trv); // division by an interval containing 0
/// assert!(y.interval().unwrap().is_entire());
/// let nai = DecoratedInterval::<f64>::nai();
/// assert!((x + nai).is_nai());
/// ```
pub struct DecoratedInterval<T: Scalar> {
    x: Interval<T>,
    d: Decoration,
}

impl<T: Scalar> Clone for DecoratedInterval<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Scalar> Copy for DecoratedInterval<T> {}

impl<T: StaticScalar> DecoratedInterval<T> {
    /// Not an Interval.
    pub fn nai() -> Self {
        Self::nai_in(T::FORMAT)
    }
}

impl<T: Scalar> DecoratedInterval<T> {
    /// The interval with its natural decoration (1788 `newDec`): `com` if nonempty and
    /// bounded, `dac` if unbounded, `trv` if empty.
    pub fn new(x: Interval<T>) -> Self {
        let d = if x.is_empty() {
            Decoration::Trv
        } else if x.is_common() {
            Decoration::Com
        } else {
            Decoration::Dac
        };
        Self { x, d }
    }

    /// NaI in a runtime format.
    pub fn nai_in(format: T::Format) -> Self {
        Self {
            x: Interval::empty_in(format),
            d: Decoration::Ill,
        }
    }

    /// The interval with a chosen decoration (1788 `setDec`): `ill` gives NaI, an empty
    /// interval is always `trv`, and `com` on an unbounded interval is lowered to `dac`.
    ///
    /// ```
    /// use lowprec::interval::{DecoratedInterval, Decoration, Interval};
    /// let e = DecoratedInterval::<f64>::set_dec(Interval::empty(), Decoration::Com);
    /// assert_eq!(e.decoration(), Decoration::Trv);
    /// ```
    pub fn set_dec(x: Interval<T>, d: Decoration) -> Self {
        let d = match d {
            Decoration::Ill => return Self::nai_in(x.format()),
            _ if x.is_empty() => Decoration::Trv,
            Decoration::Com if !x.is_common() => Decoration::Dac,
            d => d,
        };
        Self { x, d }
    }

    /// The decoration (1788 `decorationPart`).
    pub fn decoration(&self) -> Decoration {
        self.d
    }

    /// The interval, or `None` for NaI (1788 `intervalPart`, which signals for NaI).
    pub fn interval(&self) -> Option<Interval<T>> {
        if self.is_nai() { None } else { Some(self.x) }
    }

    /// Whether this is NaI.
    pub fn is_nai(&self) -> bool {
        self.d == Decoration::Ill
    }

    /// Applies `op` with local decoration `local` (computed from the inputs' intervals).
    fn lift(inputs: &[&Self], x: Interval<T>, local: Decoration) -> Self {
        let mut d = local;
        for i in inputs {
            if i.is_nai() {
                return Self::nai_in(x.format());
            }
            d = d.min(i.d);
        }
        if x.is_empty() {
            d = Decoration::Trv;
        } else if d == Decoration::Com && !x.is_common() {
            // Bounded inputs, unbounded result: overflow.
            d = Decoration::Dac;
        }
        Self { x, d }
    }

    fn local(defined: bool) -> Decoration {
        if defined {
            Decoration::Com
        } else {
            Decoration::Trv
        }
    }

    fn zero_free(x: &Interval<T>) -> bool {
        let f = &x.format;
        x.is_empty() || T::sign(f, x.lo) == Ordering::Greater || T::sign(f, x.hi) == Ordering::Less
    }

    /// x + y.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, y: Self) -> Self {
        Self::lift(&[&self, &y], self.x.add(y.x), Decoration::Com)
    }
    /// x − y.
    #[allow(clippy::should_implement_trait)]
    pub fn sub(self, y: Self) -> Self {
        Self::lift(&[&self, &y], self.x.sub(y.x), Decoration::Com)
    }
    /// x × y.
    #[allow(clippy::should_implement_trait)]
    pub fn mul(self, y: Self) -> Self {
        Self::lift(&[&self, &y], self.x.mul(y.x), Decoration::Com)
    }
    /// x ÷ y: `trv` when y contains 0.
    #[allow(clippy::should_implement_trait)]
    pub fn div(self, y: Self) -> Self {
        let local = Self::local(Self::zero_free(&y.x));
        Self::lift(&[&self, &y], self.x.div(y.x), local)
    }
    /// The two-piece division (1788 `mulRevToPair(y, self)`); pieces are `trv` when y
    /// contains 0, the second piece always.
    pub fn div_pair(self, y: Self) -> (Self, Self) {
        let (a, b) = self.x.div_pair(y.x);
        if self.is_nai() || y.is_nai() {
            return (Self::nai_in(a.format()), Self::nai_in(a.format()));
        }
        let local = Self::local(Self::zero_free(&y.x));
        (
            Self::lift(&[&self, &y], a, local),
            Self::lift(&[], b, Decoration::Trv),
        )
    }
    /// 1/x: `trv` when x contains 0.
    pub fn recip(self) -> Self {
        let local = Self::local(Self::zero_free(&self.x));
        Self::lift(&[&self], self.x.recip(), local)
    }
    /// −x.
    #[allow(clippy::should_implement_trait)]
    pub fn neg(self) -> Self {
        Self::lift(&[&self], self.x.neg(), Decoration::Com)
    }
    /// |x|.
    pub fn abs(self) -> Self {
        Self::lift(&[&self], self.x.abs(), Decoration::Com)
    }
    /// x².
    pub fn sqr(self) -> Self {
        Self::lift(&[&self], self.x.sqr(), Decoration::Com)
    }
    /// √x: `trv` unless x ⊆ [0, +∞).
    pub fn sqrt(self) -> Self {
        let f = &self.x.format;
        let ok = self.x.is_empty() || T::sign(f, self.x.lo) != Ordering::Less;
        Self::lift(&[&self], self.x.sqrt(), Self::local(ok))
    }
    /// 1788 `cancelMinus` (see [`Interval::cancel_minus`]): always `trv`, the result
    /// is not a function's image.
    pub fn cancel_minus(self, y: Self) -> Self {
        Self::cancelled(&self, &y, self.x.cancel_minus(y.x))
    }
    /// 1788 `cancelPlus` (see [`Interval::cancel_plus`]): always `trv`.
    pub fn cancel_plus(self, y: Self) -> Self {
        Self::cancelled(&self, &y, self.x.cancel_plus(y.x))
    }
    fn cancelled(x: &Self, y: &Self, r: Interval<T>) -> Self {
        if x.is_nai() || y.is_nai() {
            return Self::nai_in(r.format());
        }
        Self {
            x: r,
            d: Decoration::Trv,
        }
    }
    /// A reverse-mode result: `trv` (1788 §11.7.1: the result is not the image of a
    /// function), NaI from NaI.
    fn reverse(inputs: &[&Self], r: Interval<T>) -> Self {
        if inputs.iter().any(|i| i.is_nai()) {
            return Self::nai_in(r.format());
        }
        Self {
            x: r,
            d: Decoration::Trv,
        }
    }
    /// 1788 `sqrRev(c)` (see [`Interval::sqr_rev`]): `trv`.
    ///
    /// ```
    /// use lowprec::interval::{DecoratedInterval, Decoration, Interval};
    /// let c = DecoratedInterval::new(Interval::<f64>::new(1.0, 4.0));
    /// let r = c.sqr_rev();
    /// assert_eq!((r.interval(), r.decoration()), (Some(Interval::new(-2.0, 2.0)), Decoration::Trv));
    /// ```
    pub fn sqr_rev(self) -> Self {
        Self::reverse(&[&self], self.x.sqr_rev())
    }
    /// 1788 `absRev(c)` (see [`Interval::abs_rev`]): `trv`.
    pub fn abs_rev(self) -> Self {
        Self::reverse(&[&self], self.x.abs_rev())
    }
    /// 1788 `pownRev(c, n)` (see [`Interval::pown_rev`]): `trv`.
    pub fn pown_rev(self, n: i32) -> Self {
        Self::reverse(&[&self], self.x.pown_rev(n))
    }
    /// 1788 `pownRev(c, x, n)` (see [`Interval::pown_rev_within`]): `trv`.
    pub fn pown_rev_within(self, x: Self, n: i32) -> Self {
        Self::reverse(&[&self, &x], self.x.pown_rev_within(x.x, n))
    }
    /// 1788 `mulRev(b, c)` with b = `self` (see [`Interval::mul_rev`]): `trv`.
    pub fn mul_rev(self, c: Self) -> Self {
        Self::reverse(&[&self, &c], self.x.mul_rev(c.x))
    }
    /// 1788 `sqrRev(c, x)` (see [`Interval::sqr_rev_within`]): `trv`.
    pub fn sqr_rev_within(self, x: Self) -> Self {
        Self::reverse(&[&self, &x], self.x.sqr_rev_within(x.x))
    }
    /// 1788 `absRev(c, x)` (see [`Interval::abs_rev_within`]): `trv`.
    pub fn abs_rev_within(self, x: Self) -> Self {
        Self::reverse(&[&self, &x], self.x.abs_rev_within(x.x))
    }
    /// 1788 `mulRev(b, c, x)` with b = `self` (see [`Interval::mul_rev_within`]): `trv`.
    pub fn mul_rev_within(self, c: Self, x: Self) -> Self {
        Self::reverse(&[&self, &c, &x], self.x.mul_rev_within(c.x, x.x))
    }
    /// 1788 `coshRev(c)` (see [`Interval::cosh_rev`]): `trv`.
    pub fn cosh_rev(self) -> Self {
        Self::reverse(&[&self], self.x.cosh_rev())
    }
    /// 1788 `coshRev(c, x)` (see [`Interval::cosh_rev_within`]): `trv`.
    pub fn cosh_rev_within(self, x: Self) -> Self {
        Self::reverse(&[&self, &x], self.x.cosh_rev_within(x.x))
    }
    /// 1788 `powRev1(b, c, x)` with b = `self` (see [`Interval::pow_rev1`]): `trv`.
    pub fn pow_rev1(self, c: Self, x: Self) -> Self {
        Self::reverse(&[&self, &c, &x], self.x.pow_rev1(c.x, x.x))
    }
    /// 1788 `powRev2(a, c, y)` with a = `self` (see [`Interval::pow_rev2`]): `trv`.
    pub fn pow_rev2(self, c: Self, y: Self) -> Self {
        Self::reverse(&[&self, &c, &y], self.x.pow_rev2(c.x, y.x))
    }
    /// A piecewise-constant function and its image.
    fn piecewise(self, g: Piecewise, image: Interval<T>) -> Self {
        let local = self.x.piecewise_decoration(g, &image);
        Self::lift(&[&self], image, local)
    }
    /// sign(x).
    pub fn sign(self) -> Self {
        self.piecewise(Piecewise::Sign, self.x.sign())
    }
    /// ⌈x⌉.
    pub fn ceil(self) -> Self {
        self.piecewise(Piecewise::Ceil, self.x.ceil())
    }
    /// ⌊x⌋.
    pub fn floor(self) -> Self {
        self.piecewise(Piecewise::Floor, self.x.floor())
    }
    /// x rounded toward zero to an integer.
    pub fn trunc(self) -> Self {
        self.piecewise(Piecewise::Trunc, self.x.trunc())
    }
    /// x rounded to the nearest integer, ties to even.
    pub fn round_ties_to_even(self) -> Self {
        self.piecewise(Piecewise::RoundTiesToEven, self.x.round_ties_to_even())
    }
    /// x rounded to the nearest integer, ties away from zero.
    pub fn round_ties_to_away(self) -> Self {
        self.piecewise(Piecewise::RoundTiesToAway, self.x.round_ties_to_away())
    }
    /// x × y + z.
    pub fn fma(self, y: Self, z: Self) -> Self {
        Self::lift(&[&self, &y, &z], self.x.fma(y.x, z.x), Decoration::Com)
    }
    /// xⁿ: `trv` for n < 0 when x contains 0.
    pub fn pown(self, n: i32) -> Self {
        let ok = n >= 0 || Self::zero_free(&self.x);
        Self::lift(&[&self], self.x.pown(n), Self::local(ok))
    }
    /// min(x, y).
    pub fn min(self, y: Self) -> Self {
        Self::lift(&[&self, &y], self.x.min(y.x), Decoration::Com)
    }
    /// max(x, y).
    pub fn max(self, y: Self) -> Self {
        Self::lift(&[&self, &y], self.x.max(y.x), Decoration::Com)
    }
    /// x ∩ y (always `trv`).
    pub fn intersection(self, y: Self) -> Self {
        Self::lift(&[&self, &y], self.x.intersection(y.x), Decoration::Trv)
    }
    /// The hull of x ∪ y (always `trv`).
    pub fn hull(self, y: Self) -> Self {
        Self::lift(&[&self, &y], self.x.hull(y.x), Decoration::Trv)
    }

    /// A relation of the bare intervals; false if either is NaI.
    pub fn relation(self, y: Self, r: impl FnOnce(Interval<T>, Interval<T>) -> bool) -> bool {
        !self.is_nai() && !y.is_nai() && r(self.x, y.x)
    }
}

/// Decorated elementary functions: the local decoration is `com` where the function is
/// defined (and continuous) on the whole argument, `trv` where the argument leaves its
/// domain (log of an interval reaching 0 or below, tan over a pole, pow with x < 0 or
/// 0^y for y ≤ 0, rootn of an even or negative order at excluded points).
macro_rules! dec_elementary {
    ($($(#[$doc:meta])* $name:ident => $d:ident;)*) => {
        impl<T: Scalar> DecoratedInterval<T> {
            $(
                $(#[$doc])*
                pub fn $name(self) -> Self {
                    let (r, defined) = self.x.$d();
                    Self::lift(&[&self], r, Self::local(defined))
                }
            )*
        }
    };
}

dec_elementary! {
    /// e^x (see [`Interval::exp`]).
    ///
    /// ```
    /// use lowprec::interval::{DecoratedInterval, Decoration, Interval};
    /// let x = DecoratedInterval::new(Interval::<f64>::new(0.0, 1.0));
    /// assert_eq!(x.exp().decoration(), Decoration::Com);
    /// let big = DecoratedInterval::new(Interval::<f64>::new(0.0, 1000.0));
    /// assert_eq!(big.exp().decoration(), Decoration::Dac); // overflow
    /// ```
    exp => exp_d;
    /// 2^x.
    exp2 => exp2_d;
    /// 10^x.
    exp10 => exp10_d;
    /// e^x − 1.
    exp_m1 => expm1_d;
    /// ln x: `trv` unless x > 0 throughout.
    ///
    /// ```
    /// use lowprec::interval::{DecoratedInterval, Decoration, Interval};
    /// let x = DecoratedInterval::new(Interval::<f64>::new(0.0, 1.0));
    /// assert_eq!(x.ln().decoration(), Decoration::Trv);
    /// ```
    ln => log_d;
    /// log₂ x: `trv` unless x > 0 throughout.
    log2 => log2_d;
    /// log₁₀ x: `trv` unless x > 0 throughout.
    log10 => log10_d;
    /// ln(1 + x): `trv` unless x > −1 throughout.
    ln_1p => log1p_d;
    /// sin x.
    ///
    /// ```
    /// use lowprec::interval::{DecoratedInterval, Decoration, Interval};
    /// let x = DecoratedInterval::new(Interval::<f64>::new(0.0, 4.0));
    /// let y = x.sin();
    /// assert_eq!(y.decoration(), Decoration::Com);
    /// assert_eq!(y.interval().unwrap().sup(), 1.0);
    /// ```
    sin => sin_d;
    /// cos x.
    cos => cos_d;
    /// tan x: `trv` over a pole.
    tan => tan_d;
    /// arcsin x: `trv` unless x ⊆ [−1, 1].
    asin => asin_d;
    /// arccos x: `trv` unless x ⊆ [−1, 1].
    acos => acos_d;
    /// arctan x.
    atan => atan_d;
    /// sinh x.
    sinh => sinh_d;
    /// cosh x.
    cosh => cosh_d;
    /// tanh x.
    tanh => tanh_d;
    /// arsinh x.
    asinh => asinh_d;
    /// arcosh x: `trv` unless x ≥ 1 throughout.
    acosh => acosh_d;
    /// artanh x: `trv` unless x ⊆ (−1, 1).
    atanh => atanh_d;
    /// erf x.
    erf => erf_d;
    /// erfc x.
    erfc => erfc_d;
}

impl<T: Scalar> DecoratedInterval<T> {
    /// x^y (see [`Interval::pow`]): `trv` unless x > 0 throughout, or x ≥ 0 and y > 0.
    pub fn pow(self, y: Self) -> Self {
        let (r, defined) = self.x.pow_d(y.x);
        Self::lift(&[&self, &y], r, Self::local(defined))
    }
    /// atan2(y, x) with y = `self` (see [`Interval::atan2`]): `trv` when the box holds
    /// the origin, `def` when it crosses the negative x axis from below (the angle jumps
    /// from −π to π there).
    pub fn atan2(self, x: Self) -> Self {
        let (r, local) = self.x.atan2_d(x.x);
        Self::lift(&[&self, &x], r, local)
    }
    /// x^(1/n) (see [`Interval::rootn`]): `trv` where the argument leaves the domain.
    pub fn rootn(self, n: i32) -> Self {
        let (r, defined) = self.x.rootn_d(n);
        Self::lift(&[&self], r, Self::local(defined))
    }
}

macro_rules! dec_op {
    ($Tr:ident, $m:ident) => {
        impl<T: Scalar> core::ops::$Tr for DecoratedInterval<T> {
            type Output = Self;
            fn $m(self, rhs: Self) -> Self {
                DecoratedInterval::$m(self, rhs)
            }
        }
    };
}
dec_op!(Add, add);
dec_op!(Sub, sub);
dec_op!(Mul, mul);
dec_op!(Div, div);

impl<T: Scalar> core::ops::Neg for DecoratedInterval<T> {
    type Output = Self;
    fn neg(self) -> Self {
        DecoratedInterval::neg(self)
    }
}

impl<T: Scalar> PartialEq for DecoratedInterval<T> {
    /// Equal decorations and equal intervals (NaI equals NaI).
    fn eq(&self, other: &Self) -> bool {
        self.d == other.d && (self.is_nai() || self.x == other.x)
    }
}

impl<T: Scalar> fmt::Debug for DecoratedInterval<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_nai() {
            return f.write_str("[nai]");
        }
        write!(f, "{:?}_{}", self.x, self.d)
    }
}
