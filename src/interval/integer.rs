//! The piecewise-constant functions of IEEE 1788 (§9.1): sign, ceil, floor, trunc,
//! roundTiesToEven and roundTiesToAway. Each is monotone, so the image of `[a, b]` is
//! `[g(a), g(b)]` (as a set of integers; the interval is its hull). The bounds are
//! rounded to integers through the exact core and rounded back into the format outward,
//! which is exact wherever the integer is a value of the format.

use core::cmp::Ordering;

use super::scalar::{Dir, Scalar};
use super::{Decoration, Interval};
use crate::float::Exact;
use crate::rounding::{NoRandom, Rounding};

impl<T: Scalar> Interval<T> {
    /// `[g(a), g(b)]` for a monotone `g` given on bounds.
    fn monotone_image(self, g: impl Fn(&T::Format, T::Bound, Dir) -> T::Bound) -> Self {
        if self.is_empty() {
            return self;
        }
        let f = &self.format;
        Self::raw(
            g(f, self.lo, Dir::Down),
            g(f, self.hi, Dir::Up),
            self.format,
        )
    }

    /// Each bound rounded to an integer in `mode`.
    fn integral(self, mode: Rounding) -> Self {
        self.monotone_image(|f, b, dir| {
            if !T::is_finite(f, b) {
                return b;
            }
            match T::to_exact(f, b).round_to_integral(mode, &mut NoRandom).0 {
                Exact::Zero { .. } => T::zero(f, dir),
                n => T::from_exact(f, n, dir.rounding()),
            }
        })
    }

    /// The sign function over the interval: a subset of `[−1, 1]`.
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-0.5, 0.0).sign(), Interval::new(-1.0, 0.0));
    /// assert_eq!(Interval::<f64>::new(2.0, f64::INFINITY).sign(), Interval::point(1.0));
    /// ```
    pub fn sign(self) -> Self {
        self.monotone_image(|f, b, dir| {
            let s = match T::sign(f, b) {
                Ordering::Less => -1,
                Ordering::Equal => return T::zero(f, dir),
                Ordering::Greater => 1,
            };
            T::from_exact(f, Exact::from_i128(s), dir.rounding())
        })
    }

    /// `{⌈x⌉ : x ∈ self}` (its hull).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-1.5, 0.25).ceil(), Interval::new(-1.0, 1.0));
    /// ```
    pub fn ceil(self) -> Self {
        self.integral(Rounding::TowardPositive)
    }

    /// `{⌊x⌋ : x ∈ self}` (its hull).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-1.5, 0.25).floor(), Interval::new(-2.0, 0.0));
    /// ```
    pub fn floor(self) -> Self {
        self.integral(Rounding::TowardNegative)
    }

    /// Each point rounded toward zero to an integer (the hull of the results).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(-1.5, 2.75).trunc(), Interval::new(-1.0, 2.0));
    /// ```
    pub fn trunc(self) -> Self {
        self.integral(Rounding::TowardZero)
    }

    /// Each point rounded to the nearest integer, ties to even (the hull of the results).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(0.5, 2.5).round_ties_to_even(), Interval::new(0.0, 2.0));
    /// ```
    pub fn round_ties_to_even(self) -> Self {
        self.integral(Rounding::TiesToEven)
    }

    /// Each point rounded to the nearest integer, ties away from zero (the hull of the
    /// results).
    ///
    /// ```
    /// use lowprec::interval::Interval;
    /// assert_eq!(Interval::<f64>::new(0.5, 2.5).round_ties_to_away(), Interval::new(1.0, 3.0));
    /// ```
    pub fn round_ties_to_away(self) -> Self {
        self.integral(Rounding::TiesToAway)
    }

    /// The 1788 local decoration of `g` on this interval (`self` nonempty, `image` its
    /// image): a function with integer values is continuous on a connected set only
    /// where it is constant there, so two distinct bounds of the image mean a jump inside
    /// (`def`); a constant image with a jump point at a bound (⌈2⌉ on [1.1, 2], sign on
    /// [0, 0]) is continuous only restricted to x (`dac`); else `com`.
    pub(crate) fn piecewise_decoration(&self, g: Piecewise, image: &Self) -> Decoration {
        if image.is_empty() {
            return Decoration::Com;
        }
        if T::cmp(&self.format, image.lo, image.hi) != Ordering::Equal {
            return Decoration::Def;
        }
        let f = &self.format;
        let jump = |b: T::Bound| T::is_finite(f, b) && g.jumps_at(T::to_exact(f, b));
        if jump(self.lo) || jump(self.hi) {
            Decoration::Dac
        } else {
            Decoration::Com
        }
    }
}

/// The piecewise-constant functions, for their decorations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piecewise {
    Sign,
    Ceil,
    Floor,
    Trunc,
    RoundTiesToEven,
    RoundTiesToAway,
}

impl Piecewise {
    /// Whether the function is discontinuous at the finite value `x`: at 0 (sign), at the
    /// integers (ceil, floor), at the nonzero integers (trunc), at the half-integers
    /// (rounding to nearest).
    fn jumps_at(self, x: Exact) -> bool {
        let Exact::Finite(v) = x else {
            // Zero.
            return matches!(self, Piecewise::Sign | Piecewise::Ceil | Piecewise::Floor);
        };
        // x = odd · 2^k.
        let k = i64::from(v.exp) + i64::from(v.sig.trailing_zeros());
        match self {
            Piecewise::Sign => false,
            Piecewise::Ceil | Piecewise::Floor | Piecewise::Trunc => k >= 0,
            Piecewise::RoundTiesToEven | Piecewise::RoundTiesToAway => k == -1,
        }
    }
}
