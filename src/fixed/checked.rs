//! Same-type arithmetic of [`Fx<F>`](Fx) that stays in `F`: `checked_*`, `saturating_*`
//! and `wrapping_*` (the `fixed` crate's vocabulary).
//!
//! Each operation takes the exact result of a op b (a, b and the result of type `F`),
//! rounds it **once** to `F`'s quantum with `F`'s quantization mode, and then, instead of
//! `F`'s overflow mode, does what its name says with a rounded value outside `F`'s range
//! (the range is every code of the type, [`FixedFormat::min_raw`] to
//! [`FixedFormat::max_raw`], whatever `F`'s overflow mode):
//!
//! | | in range | out of range |
//! |---|---|---|
//! | `checked_*` | `Some(result)` | `None` |
//! | `saturating_*` | the result | `F`'s min or max, on the side of the result |
//! | `wrapping_*` | the result | its low W bits (two's complement, no saturation bits) |
//!
//! So `saturating_*` is the HLS assignment `ap_fixed<W, I, Q, AP_SAT> r = a op b;` and
//! `wrapping_*` is `ap_fixed<W, I, Q, AP_WRAP> r = a op b;` for +, −, × and negation
//! (the header's results of those are exact, and the assignment rounds once with Q); the
//! same holds for `ac_fixed` and `ap_int` with their modes. + and − of one type never
//! round; × rounds the exact product (2F fraction bits).
//!
//! ÷ differs from HLS: here the exact quotient a / b is rounded once with Q, while the
//! headers first truncate the quotient toward zero at F fraction bits (`a / b` has
//! F fraction bits when F ≥ 0) and `ap_fixed` wraps min ÷ −1 LSB; the two agree when Q is
//! `TRN_ZERO` and the quotient is not min ÷ −1 LSB. A zero divisor gives `None`
//! (`checked_div`), and otherwise `F`'s max for a ≥ 0 and `F`'s min for a < 0 (the
//! convention of the `/` operator; C++ leaves it undefined).
//!
//! ```
//! use lowprec::fixed::{ApFixed, ApUfixed, Fx, modes::*};
//! type Q = ApFixed<8, 4, AP_RND_CONV>; // −8 … 7.9375, LSB 1/16
//! let (a, b) = (Fx::<Q>::from_f64(6.0), Fx::<Q>::from_f64(2.5));
//! assert_eq!(a.checked_add(b), None);                    // 8.5 > 7.9375
//! assert_eq!(a.saturating_add(b).to_f64(), 7.9375);
//! assert_eq!(a.wrapping_add(b).to_f64(), -7.5);          // 8.5 − 16
//! let c = Fx::<Q>::from_f64(0.3125);                     // 5/16
//! assert_eq!(c.checked_mul(c).map(|p| p.to_f64()), Some(0.125)); // 25/256 = 1.5625/16 → 2/16
//! let third = Fx::<Q>::from_f64(1.0).checked_div(Fx::<Q>::from_f64(3.0));
//! assert_eq!(third.map(|q| q.to_f64()), Some(0.3125));  // 1/3 = 5.33/16 → 5/16
//! assert_eq!(a.checked_div(Fx::<Q>::from_f64(0.0)), None);
//! type U = ApUfixed<8, 8>;
//! let (x, y) = (Fx::<U>::from_f64(3.0), Fx::<U>::from_f64(5.0));
//! assert_eq!((x.saturating_sub(y).to_f64(), x.wrapping_sub(y).to_f64()), (0.0, 254.0));
//! ```

use super::cast::Scaled;
use super::format::{FixedFormat, OverflowMode};
use super::value::{FixedType, Fx, RawInt};
use crate::rounding::{Discarded, Status, StatusAnd};

/// ⌊n · 2^s / d⌋ modulo 2¹²⁸ and the discarded fraction, with the sign `neg`: the exact
/// quotient scaled to the quantum 2^−F (s = F for two operands of one type), for
/// n, d < 2⁶⁴ and d ≠ 0.
fn quotient(neg: bool, n: u128, d: u128, s: i32) -> Scaled {
    let (kept, big, frac, sticky) = if s >= 0 {
        // Long division, shifting in at most 64 bits at a time (r < d < 2⁶⁴, so r << 64
        // fits, and each partial quotient is below 2^t).
        let (mut q, mut r, mut big) = (n / d, n % d, false);
        let mut left = s.unsigned_abs();
        while left > 0 {
            let t = left.min(64);
            let x = r << t;
            big |= q >> (128 - t) != 0;
            q = (q << t) | (x / d);
            r = x % d;
            left -= t;
        }
        let x = r << 64;
        (q, big, (x / d) as u64, x % d != 0)
    } else {
        // Divide by d · 2^k: ⌊⌊n / 2^k⌋ / d⌋ = ⌊n / (d · 2^k)⌋, and the top 64 bits of the
        // fraction are ⌊n · 2^(64 − k) / d⌋ modulo 2⁶⁴.
        let k = s.unsigned_abs();
        let kept = if k >= 64 { 0 } else { (n >> k) / d };
        let (frac, sticky) = if k <= 64 {
            let x = n << (64 - k);
            ((x / d) as u64, x % d != 0)
        } else {
            let j = k - 64;
            if j >= 128 {
                (0, n != 0)
            } else {
                let m = n >> j;
                ((m / d) as u64, n & ((1u128 << j) - 1) != 0 || m % d != 0)
            }
        };
        (kept, false, frac, sticky)
    };
    Scaled {
        neg: neg && (kept != 0 || big || frac != 0 || sticky),
        kept,
        big,
        d: Discarded { frac, sticky },
        unknown: false,
    }
}

impl<F: FixedType> Fx<F> {
    /// `F` with `AP_SAT` overflow and N = 0.
    const SAT: FixedFormat = Self::FORMAT.with_plain_overflow(OverflowMode::Sat);
    /// `F` with `AP_WRAP` overflow and N = 0.
    const WRAP: FixedFormat = Self::FORMAT.with_plain_overflow(OverflowMode::Wrap);

    /// An exact integer result of raw integers (a ± b, −a), if `F` holds it.
    #[inline(always)]
    fn in_range(raw: i128) -> Option<Self> {
        let f = Self::FORMAT;
        (f.min_raw() <= raw && raw <= f.max_raw()).then(|| Self::from_raw(raw))
    }

    /// An exact integer result of raw integers, clamped to `F`'s range.
    #[inline(always)]
    fn clamped(raw: i128) -> Self {
        let f = Self::FORMAT;
        Self::from_raw(raw.clamp(f.min_raw(), f.max_raw()))
    }

    /// A cast into [`Self::WRAP`], unless it overflowed.
    #[inline(always)]
    fn unless_overflow(r: StatusAnd<u64>) -> Option<Self> {
        (!r.status.contains(Status::OVERFLOW)).then(|| Self::from_bits(r.value))
    }

    /// The exact quotient scaled to `F`'s quantum, or `None` for a zero divisor.
    #[inline]
    fn quotient(self, rhs: Self) -> Option<Scaled> {
        let (a, b) = (self.raw().to_i128(), rhs.raw().to_i128());
        (b != 0).then(|| {
            quotient(
                (a < 0) != (b < 0),
                a.unsigned_abs(),
                b.unsigned_abs(),
                Self::FORMAT.frac_bits(),
            )
        })
    }

    /// The result of a division by zero: `F`'s max for a ≥ 0, its min for a < 0.
    #[inline]
    fn div_by_zero(self) -> Self {
        let f = Self::FORMAT;
        Self::from_raw(if self.raw().to_i128() < 0 {
            f.min_raw()
        } else {
            f.max_raw()
        })
    }

    /// a + b, or `None` when it is outside `F`'s range (never rounded).
    #[inline]
    pub fn checked_add(self, rhs: Self) -> Option<Self> {
        Self::in_range(self.raw().to_i128() + rhs.raw().to_i128())
    }
    /// a − b, or `None` when it is outside `F`'s range (never rounded).
    #[inline]
    pub fn checked_sub(self, rhs: Self) -> Option<Self> {
        Self::in_range(self.raw().to_i128() - rhs.raw().to_i128())
    }
    /// −a, or `None` when it is outside `F`'s range (the most negative value of a signed
    /// type, any nonzero value of an unsigned one).
    #[inline]
    pub fn checked_neg(self) -> Option<Self> {
        Self::in_range(-self.raw().to_i128())
    }
    /// a × b rounded with `F`'s quantization mode, or `None` when that is outside `F`'s
    /// range.
    #[inline]
    pub fn checked_mul(self, rhs: Self) -> Option<Self> {
        Self::unless_overflow((self * rhs).cast_with(&Self::WRAP))
    }
    /// a ÷ b (the exact quotient) rounded with `F`'s quantization mode, or `None` when
    /// that is outside `F`'s range or b is zero.
    #[inline]
    pub fn checked_div(self, rhs: Self) -> Option<Self> {
        Self::unless_overflow(Self::WRAP.cast_scaled(self.quotient(rhs)?))
    }

    /// a + b clamped to `F`'s range (never rounded).
    #[inline]
    pub fn saturating_add(self, rhs: Self) -> Self {
        Self::clamped(self.raw().to_i128() + rhs.raw().to_i128())
    }
    /// a − b clamped to `F`'s range (never rounded).
    #[inline]
    pub fn saturating_sub(self, rhs: Self) -> Self {
        Self::clamped(self.raw().to_i128() - rhs.raw().to_i128())
    }
    /// −a clamped to `F`'s range.
    #[inline]
    pub fn saturating_neg(self) -> Self {
        Self::clamped(-self.raw().to_i128())
    }
    /// a × b rounded with `F`'s quantization mode, then clamped to `F`'s range.
    #[inline]
    pub fn saturating_mul(self, rhs: Self) -> Self {
        Self::from_bits((self * rhs).cast(&Self::SAT))
    }
    /// a ÷ b (the exact quotient) rounded with `F`'s quantization mode, then clamped to
    /// `F`'s range; for b = 0, `F`'s max when a ≥ 0 and its min when a < 0.
    #[inline]
    pub fn saturating_div(self, rhs: Self) -> Self {
        match self.quotient(rhs) {
            Some(q) => Self::from_bits(Self::SAT.cast_scaled(q).value),
            None => self.div_by_zero(),
        }
    }

    /// a + b wrapped to `F`'s W bits (never rounded).
    #[inline]
    pub fn wrapping_add(self, rhs: Self) -> Self {
        Self::from_raw(self.raw().to_i128() + rhs.raw().to_i128())
    }
    /// a − b wrapped to `F`'s W bits (never rounded).
    #[inline]
    pub fn wrapping_sub(self, rhs: Self) -> Self {
        Self::from_raw(self.raw().to_i128() - rhs.raw().to_i128())
    }
    /// −a wrapped to `F`'s W bits.
    #[inline]
    pub fn wrapping_neg(self) -> Self {
        Self::from_raw(-self.raw().to_i128())
    }
    /// a × b rounded with `F`'s quantization mode, then wrapped to `F`'s W bits.
    #[inline]
    pub fn wrapping_mul(self, rhs: Self) -> Self {
        Self::from_bits((self * rhs).cast(&Self::WRAP))
    }
    /// a ÷ b (the exact quotient) rounded with `F`'s quantization mode, then wrapped to
    /// `F`'s W bits; for b = 0, `F`'s max when a ≥ 0 and its min when a < 0.
    #[inline]
    pub fn wrapping_div(self, rhs: Self) -> Self {
        match self.quotient(rhs) {
            Some(q) => Self::from_bits(Self::WRAP.cast_scaled(q).value),
            None => self.div_by_zero(),
        }
    }
}
