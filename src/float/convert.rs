//! Conversions between formats, host floats, integers and `half`'s types.
//!
//! Each conversion decodes its input into an [`Exact`] value and calls
//! [`FloatFormat::round`] once: there is no intermediate host-float rounding, so
//! f64 → E4M3FN is correctly rounded (ml_dtypes rounds through f32 first).

use super::exact::Exact;
use super::format::FloatFormat;
use crate::rounding::{NoRandom, RandomBits, Round, StatusAnd};

impl FloatFormat {
    /// Rounds an `f64` into this format: to nearest, ties to even, with the format's
    /// standard overflow (see [`Round`]). Returns the code.
    ///
    /// ```
    /// use lowprec::FloatFormat;
    /// // 1 + 2⁻⁴ + 2⁻⁴⁰ is just above the tie between 1 and 1.125: it rounds up.
    /// // (ml_dtypes rounds it to f32 first, lands on the tie, and returns 1.0.)
    /// let x = 1.0 + 2f64.powi(-4) + 2f64.powi(-40);
    /// let e4m3 = FloatFormat::E4M3FN;
    /// assert_eq!(e4m3.to_f64(e4m3.from_f64(x)), 1.125);
    /// ```
    #[inline]
    pub fn from_f64(&self, x: f64) -> u64 {
        self.from_f64_with(x, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// Rounds an `f64` into this format in any mode and overflow policy, with the
    /// status flags. Only stochastic modes draw from `rng`.
    ///
    /// ```
    /// use lowprec::{FloatFormat, NoRandom, Overflow, Round, Rounding, Status};
    /// let e4m3 = FloatFormat::E4M3FN;
    /// let r = e4m3.from_f64_with(500.0, Round::new(Rounding::TowardZero, Overflow::SatFinite), &mut NoRandom);
    /// assert_eq!(e4m3.to_f64(r.value), 448.0);
    /// assert_eq!(r.status, Status::OVERFLOW | Status::INEXACT);
    /// ```
    #[inline]
    pub fn from_f64_with<R: RandomBits + ?Sized>(
        &self,
        x: f64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.round(Exact::from_f64(x), how, rng)
    }

    /// Rounds an `f32` into this format (ties to even, standard overflow).
    #[inline]
    pub fn from_f32(&self, x: f32) -> u64 {
        self.from_f32_with(x, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// Rounds an `f32` into this format in any mode and overflow policy, with the flags.
    #[inline]
    pub fn from_f32_with<R: RandomBits + ?Sized>(
        &self,
        x: f32,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.round(Exact::from_f32(x), how, rng)
    }

    /// Rounds an `i128` (and so any smaller integer) into this format (ties to even,
    /// standard overflow).
    pub fn from_i128(&self, x: i128) -> u64 {
        self.from_i128_with(x, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// Rounds an `i128` into this format in any mode and overflow policy, with the flags.
    pub fn from_i128_with<R: RandomBits + ?Sized>(
        &self,
        x: i128,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.round(Exact::from_i128(x), how, rng)
    }

    /// Rounds an `i64` into this format (ties to even, standard overflow).
    pub fn from_i64(&self, x: i64) -> u64 {
        self.from_i128(i128::from(x))
    }

    /// Rounds an `i64` into this format in any mode and overflow policy, with the flags.
    pub fn from_i64_with<R: RandomBits + ?Sized>(
        &self,
        x: i64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.from_i128_with(i128::from(x), how, rng)
    }

    /// Rounds a `u64` into this format (ties to even, standard overflow).
    pub fn from_u64(&self, x: u64) -> u64 {
        self.from_i128(i128::from(x))
    }

    /// Rounds a `u64` into this format in any mode and overflow policy, with the flags.
    pub fn from_u64_with<R: RandomBits + ?Sized>(
        &self,
        x: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.from_i128_with(i128::from(x), how, rng)
    }

    /// Rounds a code of another format into this one (ties to even, standard overflow).
    ///
    /// ```
    /// use lowprec::FloatFormat;
    /// // E5M2's 57344 overflows E4M3FN (max 448): NaN, as E4M3FN has no infinity.
    /// assert_eq!(FloatFormat::E4M3FN.convert_from(&FloatFormat::E5M2, 0x7B), 0x7F);
    /// ```
    pub fn convert_from(&self, src: &FloatFormat, code: u64) -> u64 {
        self.convert_from_with(src, code, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// Rounds a code of another format into this one in any mode and overflow policy,
    /// with the flags.
    ///
    /// ```
    /// use lowprec::{FloatFormat, NoRandom, Overflow};
    /// // E5M2's 57344 saturates to E4M3FN's 448 under OCP "satfinite".
    /// let sat = FloatFormat::E4M3FN.convert_from_with(&FloatFormat::E5M2, 0x7B, Overflow::SatFinite, &mut NoRandom);
    /// assert_eq!(sat.value, 0x7E);
    /// ```
    pub fn convert_from_with<R: RandomBits + ?Sized>(
        &self,
        src: &FloatFormat,
        code: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.round(src.decode(code), how, rng)
    }

    /// The value of a code as `f64`: exact whenever it fits (every format with
    /// p ≤ 53 whose range lies within f64's), otherwise rounded to nearest, ties to even.
    pub fn to_f64(&self, code: u64) -> f64 {
        let bits = FloatFormat::FP64
            .round(self.decode(code), Round::NEAREST_EVEN, &mut NoRandom)
            .value;
        f64::from_bits(bits)
    }

    /// The value of a code as `f32`, rounded to nearest, ties to even (one rounding).
    pub fn to_f32(&self, code: u64) -> f32 {
        let bits = FloatFormat::FP32
            .round(self.decode(code), Round::NEAREST_EVEN, &mut NoRandom)
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

    /// Rounds a `half::f16` into this format (ties to even, standard overflow).
    pub fn from_f16(&self, x: half::f16) -> u64 {
        self.convert_from(&FloatFormat::FP16, u64::from(x.to_bits()))
    }

    /// Rounds a `half::f16` into this format in any mode and overflow policy, with the
    /// flags.
    pub fn from_f16_with<R: RandomBits + ?Sized>(
        &self,
        x: half::f16,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.convert_from_with(&FloatFormat::FP16, u64::from(x.to_bits()), how, rng)
    }

    /// Rounds a `half::bf16` into this format (ties to even, standard overflow).
    pub fn from_bf16(&self, x: half::bf16) -> u64 {
        self.convert_from(&FloatFormat::BF16, u64::from(x.to_bits()))
    }

    /// Rounds a `half::bf16` into this format in any mode and overflow policy, with the
    /// flags.
    pub fn from_bf16_with<R: RandomBits + ?Sized>(
        &self,
        x: half::bf16,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.convert_from_with(&FloatFormat::BF16, u64::from(x.to_bits()), how, rng)
    }

    fn rne_into(&self, dst: &FloatFormat, code: u64) -> u64 {
        dst.convert_from(self, code)
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
    let bits = FloatFormat::FP16.from_f32(x);
    half::f16::from_bits(bits as u16)
}

/// Converts `f32` to `half::bf16` with round-to-nearest-even, bit for bit as
/// `half::bf16::from_f32` does.
pub fn bf16_from_f32(x: f32) -> half::bf16 {
    let bits = FloatFormat::BF16.from_f32(x);
    half::bf16::from_bits(bits as u16)
}
