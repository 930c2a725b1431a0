//! The exact intermediate and the one rounding step, [`FloatFormat::round`].
//!
//! Every float operation in lowprec produces an [`Exact`] value — the true result, or
//! the true result truncated with a sticky bit below its last significant bit — and
//! hands it to [`FloatFormat::round`], which rounds it once into the target format.

use core::cmp::Ordering;

use super::format::FloatFormat;
use crate::rounding::{
    NoRandom, Overflow, RandomBits, Round, Rounding, Status, StatusAnd, round_increment,
};
use crate::split::{Split, split};

/// An exact real value (or ∞/NaN) about to be rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exact {
    /// Not a number (the sign is kept where the target format has signed NaNs).
    Nan {
        /// Sign bit of the NaN.
        negative: bool,
    },
    /// ±∞.
    Inf {
        /// Whether −∞.
        negative: bool,
    },
    /// ±0.
    Zero {
        /// Whether −0.
        negative: bool,
    },
    /// A nonzero finite value.
    Finite(Finite),
}

/// A nonzero finite value (−1)^negative · (sig + ε) · 2^exp, where ε = 0 when `sticky` is
/// false and 0 < ε < 1 otherwise.
///
/// `sticky` must only be set when `sig` already has more bits than any target precision
/// (at least p + 2 significant bits), so that the lost part lies strictly below the
/// rounding position. A `sig` of zero is read as zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Finite {
    /// The sign.
    pub negative: bool,
    /// The significand, an integer.
    pub sig: u128,
    /// The exponent of the last bit of `sig`.
    pub exp: i32,
    /// Whether something nonzero lies below the last bit of `sig`.
    pub sticky: bool,
}

impl Exact {
    /// The exact value of an integer.
    pub const fn from_i128(x: i128) -> Exact {
        Exact::from_parts(x < 0, x.unsigned_abs(), 0)
    }

    /// The exact value of (−1)^negative · sig · 2^exp.
    pub const fn from_parts(negative: bool, sig: u128, exp: i32) -> Exact {
        if sig == 0 {
            Exact::Zero { negative }
        } else {
            Exact::Finite(Finite {
                negative,
                sig,
                exp,
                sticky: false,
            })
        }
    }

    /// The exact value of an `f64`.
    pub fn from_f64(x: f64) -> Exact {
        FloatFormat::FP64.decode(x.to_bits())
    }

    /// The exact value of an `f32`.
    pub fn from_f32(x: f32) -> Exact {
        FloatFormat::FP32.decode(u64::from(x.to_bits()))
    }

    /// Whether the value is negative (sign bit set, for zeros, infinities and NaNs too).
    pub const fn is_sign_negative(&self) -> bool {
        match *self {
            Exact::Nan { negative } | Exact::Inf { negative } | Exact::Zero { negative } => {
                negative
            }
            Exact::Finite(f) => f.negative,
        }
    }

    /// The same value with the sign flipped.
    pub const fn neg(self) -> Exact {
        match self {
            Exact::Nan { negative } => Exact::Nan {
                negative: !negative,
            },
            Exact::Inf { negative } => Exact::Inf {
                negative: !negative,
            },
            Exact::Zero { negative } => Exact::Zero {
                negative: !negative,
            },
            Exact::Finite(f) => Exact::Finite(Finite {
                negative: !f.negative,
                ..f
            }),
        }
    }
}

impl Exact {
    /// Orders two values (±∞ included, −0 = +0, a finite `sig` of zero is zero); `None`
    /// when one is NaN or carries a sticky bit (not an exact value).
    #[inline]
    pub(crate) fn cmp_value(&self, other: &Exact) -> Option<Ordering> {
        // The class: −∞ < negative < zero < positive < +∞.
        let class = |x: &Exact| -> Option<i8> {
            Some(match *x {
                Exact::Nan { .. } => return None,
                Exact::Finite(f) if f.sticky => return None,
                Exact::Zero { .. } => 0,
                Exact::Finite(f) if f.sig == 0 => 0,
                Exact::Finite(f) => 1 - 2 * i8::from(f.negative),
                Exact::Inf { negative } => 2 - 4 * i8::from(negative),
            })
        };
        let (ka, kb) = (class(self)?, class(other)?);
        let (Exact::Finite(a), Exact::Finite(b)) = (self, other) else {
            return Some(ka.cmp(&kb));
        };
        if ka != kb || ka == 0 {
            return Some(ka.cmp(&kb));
        }
        // Nonzero, one sign: the exponents of the leading bits, then the left-aligned
        // significands.
        let (za, zb) = (a.sig.leading_zeros(), b.sig.leading_zeros());
        let ta = i64::from(a.exp) - i64::from(za);
        let tb = i64::from(b.exp) - i64::from(zb);
        let magnitude = ta.cmp(&tb).then_with(|| (a.sig << za).cmp(&(b.sig << zb)));
        Some(if ka < 0 {
            magnitude.reverse()
        } else {
            magnitude
        })
    }

    /// The value rounded to an integer in `mode` (zeros keep the value's sign; ±∞ and
    /// NaN are returned as they are), and whether that changed it.
    ///
    /// ```
    /// use lowprec::Rounding;
    /// use lowprec::float::Exact;
    /// let x = Exact::from_f64(-2.5);
    /// let (r, inexact) = x.round_to_integral(Rounding::TiesToEven, &mut lowprec::SplitMix64::new(0));
    /// assert_eq!((r, inexact), (Exact::from_i128(-2), true));
    /// let (r, _) = Exact::from_f64(-0.25).round_to_integral(Rounding::TowardPositive, &mut lowprec::SplitMix64::new(0));
    /// assert_eq!(r, Exact::Zero { negative: true });
    /// ```
    pub fn round_to_integral<R: RandomBits + ?Sized>(
        self,
        mode: Rounding,
        rng: &mut R,
    ) -> (Exact, bool) {
        let Exact::Finite(f) = self else {
            return (self, false);
        };
        if f.exp >= 0 {
            // An integer already; a sticky part lies below every precision, so the
            // value keeps it (and is inexact).
            return (self, f.sticky);
        }
        let Split { kept, d, .. } = split(f.sig, f.sticky, -i64::from(f.exp));
        let n = kept + u128::from(round_increment(f.negative, kept & 1 == 1, d, mode, rng));
        let v = if n == 0 {
            Exact::Zero {
                negative: f.negative,
            }
        } else {
            Exact::from_parts(f.negative, n, 0)
        };
        (v, d.is_inexact())
    }
}

impl FloatFormat {
    /// Decodes a code into its exact value (bits above the format's width are ignored).
    ///
    /// ```
    /// use lowprec::{FloatFormat, float::Exact};
    /// assert_eq!(FloatFormat::E4M3FN.decode(0x3C), Exact::from_parts(false, 0b1100, -3)); // 1.5
    /// assert_eq!(FloatFormat::E4M3FN.decode(0xFF), Exact::Nan { negative: true });
    /// ```
    pub const fn decode(&self, code: u64) -> Exact {
        let (neg, mag) = self.split(code);
        let m = self.man_bits();
        match self.classify(code) {
            super::Class::Nan => Exact::Nan {
                negative: neg && self.nan_has_sign(),
            },
            super::Class::Infinite => Exact::Inf { negative: neg },
            super::Class::Zero => Exact::Zero {
                negative: neg && self.has_neg_zero(),
            },
            super::Class::Subnormal => Exact::from_parts(neg, mag as u128, self.emin() - m as i32),
            super::Class::Normal => {
                let biased = (mag >> m) as i32;
                let sig = (mag & ((1u64 << m) - 1)) | (1u64 << m);
                Exact::from_parts(neg, sig as u128, biased - self.bias() - m as i32)
            }
        }
    }

    /// Rounds an exact value into this format: **the one rounding step** of lowprec.
    ///
    /// Returns the code and the IEEE status flags. NaN inputs give the format's NaN
    /// (the sign kept where NaNs are signed); formats without NaN (MX FP6/FP4) give +0 and
    /// raise `invalid`. Negative values in unsigned formats give NaN and `invalid` unless
    /// they round to zero, the mode rounds toward zero or +∞ (which gives 0), or the
    /// overflow policy saturates (which gives the smallest value). In a format without
    /// zero (E8M0), zero is NaN and tiny values give the smallest value.
    ///
    /// Overflow under round-to-odd gives ±max finite, as under round-toward-zero (its
    /// truncation step cannot leave the finite range).
    ///
    /// ```
    /// use lowprec::{FloatFormat, NoRandom, Round, float::Exact};
    /// let f = FloatFormat::E4M3FN;
    /// let r = f.round(Exact::from_f64(464.0), Round::default(), &mut NoRandom);
    /// assert_eq!(r.value, 0x7E); // 448: the tie goes to the even neighbour
    /// let r = f.round(Exact::from_f64(465.0), Round::default(), &mut NoRandom);
    /// assert_eq!(r.value, 0x7F); // NaN: E4M3FN has no infinity
    /// ```
    pub fn round<R: RandomBits + ?Sized>(
        &self,
        x: Exact,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let Round { mode, overflow } = how.into();
        match x {
            Exact::Nan { negative } => self.nan_result(negative, Status::OK),
            Exact::Inf { negative } => self.inf_result(negative, overflow),
            Exact::Zero { negative } => self.zero_result(negative, Status::OK),
            Exact::Finite(f) => {
                if f.sig == 0 {
                    self.zero_result(f.negative, Status::OK)
                } else {
                    self.round_finite(f, mode, overflow, rng)
                }
            }
        }
    }

    fn nan_result(&self, negative: bool, status: Status) -> StatusAnd<u64> {
        match self.nan_code() {
            Some(nan) => {
                let sign = if negative && self.nan_has_sign() {
                    self.sign_bit()
                } else {
                    0
                };
                StatusAnd::new(nan | sign, status)
            }
            None => StatusAnd::new(0, status | Status::INVALID),
        }
    }

    pub(crate) fn zero_result(&self, negative: bool, status: Status) -> StatusAnd<u64> {
        if !self.has_zero() {
            return self.nan_result(false, status | Status::INVALID);
        }
        let sign = if negative && self.has_neg_zero() {
            self.sign_bit()
        } else {
            0
        };
        StatusAnd::new(sign, status)
    }

    /// ±max finite, or for unsigned formats asked for a negative value, the smallest value.
    fn max_result(&self, negative: bool, status: Status) -> StatusAnd<u64> {
        if negative && !self.is_signed() {
            return StatusAnd::new(0, status);
        }
        let sign = if negative { self.sign_bit() } else { 0 };
        StatusAnd::new(sign | self.max_mag(), status)
    }

    fn inf_result(&self, negative: bool, overflow: Overflow) -> StatusAnd<u64> {
        if negative && !self.is_signed() {
            return match overflow {
                Overflow::Ieee => self.nan_result(false, Status::INVALID),
                _ => self.max_result(true, Status::INEXACT),
            };
        }
        match (overflow, self.inf_code()) {
            (Overflow::SatFinite, _) => self.max_result(negative, Status::INEXACT),
            (_, Some(inf)) => {
                let sign = if negative { self.sign_bit() } else { 0 };
                StatusAnd::new(sign | inf, Status::OK)
            }
            // No infinity to propagate: saturate (as P3109 finite formats do).
            (Overflow::SatPropagate, None) => self.max_result(negative, Status::INEXACT),
            // No infinity: NaN, an invalid operation, where there is one (OCP E4M3FN,
            // FNUZ), else saturate (MX).
            (_, None) if self.has_nan() => self.nan_result(negative, Status::INVALID),
            (_, None) => self.max_result(negative, Status::INEXACT),
        }
    }

    /// The result of a finite value beyond the largest finite one.
    pub(crate) fn overflow_result(
        &self,
        negative: bool,
        mode: Rounding,
        overflow: Overflow,
    ) -> StatusAnd<u64> {
        let flags = Status::OVERFLOW | Status::INEXACT;
        let inward = match mode {
            Rounding::TowardZero | Rounding::ToOdd => true,
            Rounding::TowardPositive => negative,
            Rounding::TowardNegative => !negative,
            _ => false,
        };
        if inward || overflow != Overflow::Ieee {
            return self.max_result(negative, flags);
        }
        match self.inf_code() {
            Some(inf) => {
                let sign = if negative { self.sign_bit() } else { 0 };
                StatusAnd::new(sign | inf, flags)
            }
            None if self.has_nan() => self.nan_result(negative, flags),
            None => self.max_result(negative, flags),
        }
    }

    /// Whether the code of `kept · 2^q` is odd: the parity that ties-to-even and
    /// round-to-odd look at.
    ///
    /// For p ≥ 2 the code's last bit is the significand's last bit (IEEE 754). With p = 1
    /// every normal significand is 1 and IEEE 754 leaves the tie open; P3109 decides by the
    /// code's last bit, i.e. the exponent's: by the code formula below that is
    /// (q + bias + kept − 1) mod 2. E8M0 instead keeps the significand rule, so its ties
    /// round up, as in OCP MX and ml_dtypes.
    #[inline]
    fn code_is_odd(&self, kept: u128, q: i32) -> bool {
        if self.man_bits() == 0 && self.has_zero() {
            (i64::from(q) + i64::from(self.bias()) + kept as i64 - 1) & 1 == 1
        } else {
            kept & 1 == 1
        }
    }

    fn round_finite<R: RandomBits + ?Sized>(
        &self,
        f: Finite,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let m = self.man_bits() as i32;
        let emin = self.emin();
        // Exponent of the leading bit, and the quantum (exponent of the last kept place):
        // p bits below the leading one, but never finer than the subnormal quantum
        // 2^(emin − m). Without subnormals only the values below 2^emin change: they lie
        // in the gap {0, 2^emin}, whose quantum is 2^emin.
        let e = f.exp.saturating_add(127 - f.sig.leading_zeros() as i32);
        let q = if e < emin && !self.has_subnormals() {
            emin
        } else {
            e.saturating_sub(m).max(emin - m)
        };
        // q ≥ e − m, so kept < 2^(m+1): nothing is shifted out at the top.
        let Split { mut kept, d, .. } = split(f.sig, f.sticky, i64::from(q) - i64::from(f.exp));
        let inexact = d.is_inexact();
        kept += u128::from(round_increment(
            f.negative,
            self.code_is_odd(kept, q),
            d,
            mode,
            rng,
        ));
        let mut status = if inexact { Status::INEXACT } else { Status::OK };

        // Underflow: tiny after rounding (to p bits, unbounded exponent) and inexact.
        if inexact && e < emin {
            let tiny = if e < emin - 1 || mode.is_stochastic() {
                true
            } else {
                let Split { kept: k, d, .. } =
                    split(f.sig, f.sticky, i64::from(e - m) - i64::from(f.exp));
                let k = k + u128::from(round_increment(
                    f.negative,
                    self.code_is_odd(k, e - m),
                    d,
                    mode,
                    &mut NoRandom,
                ));
                k < (1u128 << (m + 1))
            };
            if tiny {
                status |= Status::UNDERFLOW;
            }
        }

        if f.negative && !self.is_signed() && (kept != 0 || !self.has_zero()) {
            // Below the unsigned range: rounding toward zero or +∞ lands on 0, a
            // saturating policy clamps to the smallest value, anything else is invalid.
            let inward = matches!(mode, Rounding::TowardZero | Rounding::TowardPositive);
            return match overflow {
                Overflow::Ieee if inward && self.has_zero() => StatusAnd::new(0, Status::INEXACT),
                Overflow::Ieee => self.nan_result(false, Status::INVALID),
                _ => self.max_result(true, Status::INEXACT),
            };
        }
        if kept == 0 {
            if !self.has_zero() {
                // No zero to round to: the smallest magnitude, with x's sign — or the sign
                // a directed rounding points to (above a tiny −x the nearest value is +min).
                let negative = match mode {
                    Rounding::TowardPositive => false,
                    Rounding::TowardNegative => true,
                    _ => f.negative,
                };
                let sign = if negative { self.sign_bit() } else { 0 };
                return StatusAnd::new(sign, status);
            }
            return self.zero_result(f.negative, status);
        }
        let mut q = q;
        if !self.has_subnormals() && kept < (1u128 << m) {
            // Below the normal range the grid is {0, 2^emin}: kept = 1 is the smallest normal.
            kept <<= m;
            q -= m;
        }
        // code = ((q + m + bias) << m) + kept − 2^m. For kept ∈ [2^m, 2^(m+1)) that is the
        // biased exponent of kept·2^q followed by its fraction; for a subnormal
        // (q = emin − m, biased exponent 1, kept < 2^m) it is kept itself; and a carry to
        // kept = 2^(m+1) lands on the next binade's first code.
        let biased = i128::from(q) + i128::from(m) + i128::from(self.bias());
        let mag = (biased << m) + kept as i128 - (1i128 << m);
        if mag > i128::from(self.max_mag()) {
            return self.overflow_result(f.negative, mode, overflow);
        }
        let sign = if f.negative { self.sign_bit() } else { 0 };
        StatusAnd::new(sign | mag as u64, status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounding::SplitMix64;

    /// `cmp_value` against the host's comparison of `f64` values (±0 equal, ±∞ ordered),
    /// on random bit patterns and on neighbours, which share leading bits.
    #[test]
    fn cmp_value_orders_like_the_host() {
        let mut rng = SplitMix64::new(7);
        for i in 0..200_000u32 {
            let a = f64::from_bits(rng.next_u64());
            let b = match i % 3 {
                0 => f64::from_bits(rng.next_u64()),
                1 => f64::from_bits(a.to_bits() ^ (rng.next_u64() & 0xF)),
                _ => -a,
            };
            let got = Exact::from_f64(a).cmp_value(&Exact::from_f64(b));
            assert_eq!(got, a.partial_cmp(&b), "{a:e} {b:e}");
        }
        let sticky = Exact::Finite(Finite {
            negative: false,
            sig: 1,
            exp: 0,
            sticky: true,
        });
        assert_eq!(sticky.cmp_value(&Exact::from_i128(1)), None);
        // A finite value with a zero significand is zero.
        let zero = Exact::Finite(Finite {
            negative: true,
            sig: 0,
            exp: 5,
            sticky: false,
        });
        assert_eq!(zero.cmp_value(&Exact::from_i128(0)), Some(Ordering::Equal));
        assert_eq!(
            zero.cmp_value(&Exact::from_i128(-1)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            Exact::from_i128(1).cmp_value(&zero),
            Some(Ordering::Greater)
        );
    }
}
