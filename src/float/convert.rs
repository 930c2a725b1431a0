//! Conversions between formats, host floats, integers and `half`'s types.
//!
//! Each conversion decodes its input into an [`Exact`] value and calls
//! [`FloatFormat::round`] once: there is no intermediate host-float rounding, so
//! f64 → E4M3FN is correctly rounded (ml_dtypes rounds through f32 first).

use super::exact::Exact;
use super::format::FloatFormat;
use crate::rounding::NoRandom;
use crate::rounding::{Overflow, RandomBits, Rounding, StatusAnd};

impl FloatFormat {
    /// Rounds an `f64` into this format.
    ///
    /// ```
    /// use lowprec::{FloatFormat, Rounding, Overflow, SplitMix64};
    /// // 1 + 2⁻⁴ + 2⁻⁴⁰ is just above the tie between 1 and 1.125: it rounds up.
    /// // (ml_dtypes rounds it to f32 first, lands on the tie, and returns 1.0.)
    /// let x = 1.0 + 2f64.powi(-4) + 2f64.powi(-40);
    /// let r = FloatFormat::E4M3FN.from_f64(x, Rounding::TiesToEven, Overflow::Ieee, &mut SplitMix64::new(0));
    /// assert_eq!(FloatFormat::E4M3FN.to_f64(r.value), 1.125);
    /// ```
    pub fn from_f64<R: RandomBits + ?Sized>(
        &self,
        x: f64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.round(Exact::from_f64(x), mode, overflow, rng)
    }

    /// Rounds an `f32` into this format.
    pub fn from_f32<R: RandomBits + ?Sized>(
        &self,
        x: f32,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.round(Exact::from_f32(x), mode, overflow, rng)
    }

    /// Rounds an `i128` (and so any smaller integer) into this format.
    pub fn from_i128<R: RandomBits + ?Sized>(
        &self,
        x: i128,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.round(Exact::from_i128(x), mode, overflow, rng)
    }

    /// Rounds an `i64` into this format.
    pub fn from_i64<R: RandomBits + ?Sized>(
        &self,
        x: i64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.from_i128(i128::from(x), mode, overflow, rng)
    }

    /// Rounds a `u64` into this format.
    pub fn from_u64<R: RandomBits + ?Sized>(
        &self,
        x: u64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.from_i128(i128::from(x), mode, overflow, rng)
    }

    /// Rounds a code of another format into this one.
    ///
    /// ```
    /// use lowprec::{FloatFormat, Rounding, Overflow, SplitMix64};
    /// let mut rng = SplitMix64::new(0);
    /// // E5M2's 57344 overflows E4M3FN (max 448): NaN by default, 448 when saturating.
    /// let big = 0x7B;
    /// let ieee = FloatFormat::E4M3FN.convert_from(&FloatFormat::E5M2, big, Rounding::TiesToEven, Overflow::Ieee, &mut rng);
    /// let sat = FloatFormat::E4M3FN.convert_from(&FloatFormat::E5M2, big, Rounding::TiesToEven, Overflow::SatFinite, &mut rng);
    /// assert_eq!((ieee.value, sat.value), (0x7F, 0x7E));
    /// ```
    pub fn convert_from<R: RandomBits + ?Sized>(
        &self,
        src: &FloatFormat,
        code: u64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.round(src.decode(code), mode, overflow, rng)
    }

    /// The value of a code as `f64`: exact whenever it fits (every format with
    /// p ≤ 53 whose range lies within f64's), otherwise rounded to nearest, ties to even.
    pub fn to_f64(&self, code: u64) -> f64 {
        let bits = FloatFormat::FP64
            .round(
                self.decode(code),
                Rounding::TiesToEven,
                Overflow::Ieee,
                &mut NoRandom,
            )
            .value;
        f64::from_bits(bits)
    }

    /// The value of a code as `f32`, rounded to nearest, ties to even (one rounding).
    pub fn to_f32(&self, code: u64) -> f32 {
        let bits = FloatFormat::FP32
            .round(
                self.decode(code),
                Rounding::TiesToEven,
                Overflow::Ieee,
                &mut NoRandom,
            )
            .value;
        f32::from_bits(bits as u32)
    }

    /// The value of a code as `half::f16` (IEEE binary16), rounded to nearest even.
    pub fn to_f16(&self, code: u64) -> half::f16 {
        half::f16::from_bits(self.rne_into(&FloatFormat::FP16, code) as u16)
    }

    /// The value of a code as `half::bf16`, rounded to nearest even.
    pub fn to_bf16(&self, code: u64) -> half::bf16 {
        half::bf16::from_bits(self.rne_into(&FloatFormat::BF16, code) as u16)
    }

    /// Rounds a `half::f16` into this format.
    pub fn from_f16<R: RandomBits + ?Sized>(
        &self,
        x: half::f16,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.convert_from(
            &FloatFormat::FP16,
            u64::from(x.to_bits()),
            mode,
            overflow,
            rng,
        )
    }

    /// Rounds a `half::bf16` into this format.
    pub fn from_bf16<R: RandomBits + ?Sized>(
        &self,
        x: half::bf16,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.convert_from(
            &FloatFormat::BF16,
            u64::from(x.to_bits()),
            mode,
            overflow,
            rng,
        )
    }

    fn rne_into(&self, dst: &FloatFormat, code: u64) -> u64 {
        dst.convert_from(
            self,
            code,
            Rounding::TiesToEven,
            Overflow::Ieee,
            &mut NoRandom,
        )
        .value
    }
}

/// Converts `f32` to `half::f16` with round-to-nearest-even, bit for bit as
/// `half::f16::from_f32` does.
///
/// ```
/// let x = 65520.0f32; // the overflow threshold of binary16
/// assert_eq!(lowprec::float::f16_from_f32(x), half::f16::from_f32(x));
/// assert!(lowprec::float::f16_from_f32(x).is_infinite());
/// ```
pub fn f16_from_f32(x: f32) -> half::f16 {
    let bits = FloatFormat::FP16
        .from_f32(x, Rounding::TiesToEven, Overflow::Ieee, &mut NoRandom)
        .value;
    half::f16::from_bits(bits as u16)
}

/// Converts `f32` to `half::bf16` with round-to-nearest-even, bit for bit as
/// `half::bf16::from_f32` does.
pub fn bf16_from_f32(x: f32) -> half::bf16 {
    let bits = FloatFormat::BF16
        .from_f32(x, Rounding::TiesToEven, Overflow::Ieee, &mut NoRandom)
        .value;
    half::bf16::from_bits(bits as u16)
}
