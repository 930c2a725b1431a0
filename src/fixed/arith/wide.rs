//! The exact result value [`Wide`] and its operations: a × b, a ± b, a ÷ b and −a
//! computed exactly in the headers' result type.

use super::result_type::{ArithError, WideFormat, join};
use crate::fixed::cast::sign_mag;
use crate::fixed::format::{Family, FixedFormat};
use crate::float::Exact;
use crate::rounding::{Round, StatusAnd};

/// An exact fixed-point value of a [`WideFormat`]: the result of arithmetic before it is
/// written into a [`FixedFormat`].
///
/// The raw integer is an `i128`; for an unsigned 128-bit type it holds the bit pattern.
///
/// ```
/// use lowprec::fixed::{FixedFormat, Wide};
/// let a: FixedFormat = "ap_fixed<8,4>".parse()?;
/// let out: FixedFormat = "ap_fixed<6,3,AP_RND,AP_SAT>".parse()?;
/// let x = Wide::from_bits(&a, a.from_f64(1.75));
/// let y = Wide::from_bits(&a, a.from_f64(-2.5));
/// let p = x.mul(&y)?;                      // exact: -4.375 in ap_fixed<16,8>
/// assert_eq!((p.format().width(), p.format().int_bits(), p.to_f64()), (16, 8, -4.375));
/// assert_eq!(out.to_f64(p.cast(&out)), -4.0); // saturates at -4
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Wide {
    pub(super) raw: i128,
    pub(super) format: WideFormat,
}

/// Adds or subtracts two raw integers after aligning them to `frac` fraction bits (the
/// result type guarantees that every aligned value fits in 128 bits).
#[inline(always)]
pub(crate) fn add_raw(a: i128, fa: i32, b: i128, fb: i32, frac: i32, sub: bool) -> i128 {
    let a = a.wrapping_shl((frac - fa) as u32);
    let b = b.wrapping_shl((frac - fb) as u32);
    if sub {
        a.wrapping_sub(b)
    } else {
        a.wrapping_add(b)
    }
}

/// The truncating quotient (a · 2^max(F2,0)) / b of the headers' division, or `None` for
/// a zero divisor. The result type (at most 128 bits) guarantees that dividend and
/// quotient fit: the dividend has W1 + max(F2,0) bits, one fewer than the result when
/// b is signed, so i128::MIN ÷ −1 cannot occur.
#[inline(always)]
pub(crate) fn div_raw(a: i128, fa: WideFormat, b: i128, fb: WideFormat) -> Option<i128> {
    if b == 0 {
        return None;
    }
    let sh = fb.frac_bits().max(0) as u32;
    if !fa.signed && !fb.signed {
        let n = (a as u128).wrapping_shl(sh);
        Some((n / b as u128) as i128)
    } else {
        let n = a.wrapping_shl(sh);
        let q = n.wrapping_div(b);
        if let Family::ApInt | Family::AcFixed = join(fa.family, fb.family) {
            // ap_int divides in the result's width; ac_fixed divides magnitudes with a
            // spare sign bit (`iv_div`): both give the exact quotient, which the result
            // type holds.
            return Some(q);
        }
        // The header divides in max(W1 + max(F2,0) + (S2 ∧ ¬S1), W2 + (S1 ∧ ¬S2)) bits,
        // where the most negative dividend over −1 wraps back to itself.
        let w1 = (fa.width() + sh + u32::from(fb.signed && !fa.signed))
            .max(fb.width() + u32::from(fa.signed && !fb.signed))
            .min(128);
        Some((q << (128 - w1)) >> (128 - w1))
    }
}

impl Wide {
    /// The value with raw integer `raw` of type `format` (the raw integer is wrapped to
    /// the W bits).
    pub const fn new(raw: i128, format: WideFormat) -> Wide {
        let sh = 128 - format.width();
        let raw = if format.signed {
            (raw << sh) >> sh
        } else {
            ((raw << sh) as u128 >> sh) as i128
        };
        Wide { raw, format }
    }

    /// A fixed-point value, exactly.
    #[inline(always)]
    pub const fn from_bits(format: &FixedFormat, bits: u64) -> Wide {
        Wide {
            raw: format.raw_of(bits),
            format: format.wide(),
        }
    }

    /// The raw integer (the bit pattern for unsigned 128-bit types).
    #[inline(always)]
    pub const fn raw(&self) -> i128 {
        self.raw
    }

    /// The type.
    #[inline(always)]
    pub const fn format(&self) -> WideFormat {
        self.format
    }

    /// The exact value.
    pub fn to_exact(&self) -> Exact {
        let (neg, mag) = sign_mag(self.raw, self.format.signed);
        Exact::from_parts(neg, mag, -self.format.frac_bits())
    }

    /// The nearest `f64`, ties to even.
    pub fn to_f64(&self) -> f64 {
        let r = crate::FloatFormat::FP64.round(
            self.to_exact(),
            Round::new(crate::Rounding::TiesToEven, crate::Overflow::Ieee),
            &mut crate::rounding::NoRandom,
        );
        f64::from_bits(r.value)
    }

    /// Writes the value into a fixed-point format: quantization, then overflow.
    #[inline(always)]
    pub fn cast(&self, to: &FixedFormat) -> u64 {
        self.cast_with(to).value
    }

    /// [`cast`](Self::cast) with the IEEE status flags it raises.
    #[inline(always)]
    pub fn cast_with(&self, to: &FixedFormat) -> StatusAnd<u64> {
        to.cast_raw_parts(self.raw, self.format.signed, self.format.frac_bits())
    }

    /// a × b, exact.
    #[inline(always)]
    pub fn mul(&self, b: &Wide) -> Result<Wide, ArithError> {
        let format = self.format.mul(b.format)?;
        Ok(Wide {
            raw: self.raw.wrapping_mul(b.raw),
            format,
        })
    }

    /// a + b, exact.
    #[inline(always)]
    pub fn add(&self, b: &Wide) -> Result<Wide, ArithError> {
        let format = self.format.add(b.format)?;
        Ok(self.sum_in(b, format, false))
    }

    /// a − b, exact.
    #[inline(always)]
    pub fn sub(&self, b: &Wide) -> Result<Wide, ArithError> {
        let format = self.format.sub(b.format)?;
        Ok(self.sum_in(b, format, true))
    }

    #[inline(always)]
    fn sum_in(&self, b: &Wide, format: WideFormat, sub: bool) -> Wide {
        let (fa, fb) = (self.format.frac_bits(), b.format.frac_bits());
        Wide {
            raw: add_raw(self.raw, fa, b.raw, fb, format.frac_bits(), sub),
            format,
        }
    }

    /// a ÷ b as the headers divide: (a.raw · 2^max(F2,0)) / b.raw truncated toward zero,
    /// in the type ⟨S2 + W1 + max(F2,0), S2 + I1 + F2⟩. No rounding mode applies.
    /// `ap_fixed` wraps the quotient to its dividend's width (min ÷ −1 LSB = min);
    /// `ac_fixed` and `ap_int` do not.
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// for (t, q) in [("ap_fixed<8,8>", -128.0), ("ac_fixed<8,8,true>", 128.0)] {
    ///     let f: FixedFormat = t.parse()?;
    ///     let (a, b) = (Wide::from_bits(&f, 0x80), Wide::from_bits(&f, 0xFF)); // -128, -1
    ///     let r = a.div(&b)?;
    ///     assert_eq!((r.format().width(), r.to_f64()), (9, q), "{t}");
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn div(&self, b: &Wide) -> Result<Wide, ArithError> {
        let format = self.format.div(b.format)?;
        let raw = div_raw(self.raw, self.format, b.raw, b.format).ok_or(ArithError::DivByZero)?;
        Ok(Wide::new(raw, format))
    }

    /// −a, exact, in ⟨W + 1, I + 1⟩.
    pub fn neg(&self) -> Result<Wide, ArithError> {
        let format = self.format.neg()?;
        Ok(Wide {
            raw: self.raw.wrapping_neg(),
            format,
        })
    }
}
