//! Typed values [`Fp<F>`]: a format's code in the smallest unsigned integer, with
//! operators, `num_traits` and `bytemuck` support.
//!
//! The format is an associated constant of a zero-sized marker type (the presets are in
//! [`formats`]; define your own with [`Format`]), so generic code monomorphizes to the
//! same algorithms that runtime [`FloatFormat`]s use. Operators round to nearest, ties
//! to even, with the format's IEEE overflow behaviour; the `_with` methods take any mode
//! and return the status flags.
//!
//! ```
//! use lowprec::float::{Fp, formats::{E4m3fn, Bf16}};
//! let a = Fp::<E4m3fn>::from_f64(1.5);
//! let b = Fp::<E4m3fn>::from_f64(2.75);
//! assert_eq!((a * b).to_f64(), 4.0);            // 4.125 rounds to 4 (3 fraction bits)
//! assert_eq!(format!("{:#x}", a * b), "0x48");
//! let x: Fp<Bf16> = Fp::from_f32(3.14159);
//! assert_eq!(x.to_f32(), 3.140625);
//! assert_eq!(core::mem::size_of::<Fp<E4m3fn>>(), 1);
//! ```

// bytemuck's derives restate `Fp`'s `F: Format` bound in a where clause.
#![allow(clippy::multiple_bound_locations)]

use core::cmp::Ordering;
use core::fmt;
use core::marker::PhantomData;
use core::num::FpCategory;
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use super::format::{Class, FloatFormat};
use super::slice::Code;
use crate::rounding::{NoRandom, RandomBits, Round, StatusAnd};

/// A floating-point format known at compile time: a marker type for [`Fp`].
///
/// Markers are zero-sized `Pod` types, so that `Fp<F>` is `Pod` too.
///
/// ```
/// use lowprec::FloatFormat;
/// use lowprec::float::{Format, Fp};
///
/// /// A 16-bit custom format: 6 exponent bits, 9 fraction bits.
/// #[derive(Clone, Copy, Default, bytemuck::Zeroable, bytemuck::Pod)]
/// #[repr(C)]
/// struct E6m9;
/// impl Format for E6m9 {
///     type Bits = u16;
///     const FORMAT: FloatFormat = match FloatFormat::ieee(6, 9) {
///         Ok(f) => f,
///         Err(_) => panic!("invalid format"), // a compile-time error
///     };
/// }
/// let x = Fp::<E6m9>::from_f64(1.0 / 3.0);
/// assert_eq!(x.to_f64(), 0.33349609375); // 1/3 to 10 significant bits
/// ```
pub trait Format: bytemuck::Pod + Default + Send + Sync {
    /// The code type: an unsigned integer at least as wide as the format
    /// (checked at compile time).
    type Bits: Code
        + bytemuck::Pod
        + Eq
        + Ord
        + core::hash::Hash
        + fmt::Debug
        + Default
        + Send
        + Sync;
    /// The format.
    const FORMAT: FloatFormat;
}

/// A value of the format `F`: its code in `F::Bits`, nothing else.
#[derive(Clone, Copy, Default, bytemuck::Zeroable, bytemuck::Pod)]
#[repr(transparent)]
pub struct Fp<F: Format> {
    bits: F::Bits,
    _format: PhantomData<F>,
}

/// The preset formats as marker types for [`Fp`].
pub mod formats {
    use super::Format;
    use crate::FloatFormat;

    macro_rules! presets {
        ($($(#[$doc:meta])* $name:ident: $bits:ty = $fmt:ident;)*) => {$(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, bytemuck::Zeroable, bytemuck::Pod)]
            #[repr(C)]
            pub struct $name;
            impl Format for $name {
                type Bits = $bits;
                const FORMAT: FloatFormat = FloatFormat::$fmt;
            }
        )*};
    }

    presets! {
        /// IEEE binary64.
        Fp64: u64 = FP64;
        /// IEEE binary32.
        Fp32: u32 = FP32;
        /// TensorFloat-32 (19 bits, stored in a `u32`).
        Tf32: u32 = TF32;
        /// IEEE binary16.
        Fp16: u16 = FP16;
        /// bfloat16.
        Bf16: u16 = BF16;
        /// OCP FP8 E5M2.
        E5m2: u8 = E5M2;
        /// IEEE-like E4M3 (with infinities).
        E4m3: u8 = E4M3;
        /// OCP FP8 E4M3FN.
        E4m3fn: u8 = E4M3FN;
        /// E4M3FNUZ.
        E4m3fnuz: u8 = E4M3FNUZ;
        /// E5M2FNUZ.
        E5m2fnuz: u8 = E5M2FNUZ;
        /// E4M3B11FNUZ.
        E4m3b11fnuz: u8 = E4M3B11FNUZ;
        /// E3M4.
        E3m4: u8 = E3M4;
        /// MX FP6 E2M3.
        E2m3: u8 = E2M3;
        /// MX FP6 E3M2.
        E3m2: u8 = E3M2;
        /// MX FP4 E2M1.
        E2m1: u8 = E2M1;
        /// MX E8M0 scale.
        E8m0: u8 = E8M0;
    }
}

impl<F: Format> Fp<F> {
    /// The format.
    pub const FORMAT: FloatFormat = {
        assert!(
            F::FORMAT.width() <= F::Bits::BITS,
            "the format is wider than its code type"
        );
        F::FORMAT
    };

    /// The value with the given code (bits above the format's width are cleared).
    #[inline]
    pub fn from_bits(bits: F::Bits) -> Self {
        Self::from_code(bits.to_u64())
    }

    #[inline]
    pub(crate) fn from_code(code: u64) -> Self {
        Self {
            bits: F::Bits::from_u64(code & Self::FORMAT.code_mask()),
            _format: PhantomData,
        }
    }

    /// The code.
    #[inline]
    pub fn to_bits(self) -> F::Bits {
        self.bits
    }

    #[inline]
    pub(crate) fn code(self) -> u64 {
        self.bits.to_u64()
    }

    #[inline]
    pub(crate) fn lift(r: StatusAnd<u64>) -> StatusAnd<Self> {
        StatusAnd::new(Self::from_code(r.value), r.status)
    }

    /// `x` rounded to nearest, ties to even (IEEE overflow).
    pub fn from_f64(x: f64) -> Self {
        Self::from_code(Self::FORMAT.from_f64(x))
    }
    /// `x` rounded to nearest, ties to even (IEEE overflow).
    pub fn from_f32(x: f32) -> Self {
        Self::from_code(Self::FORMAT.from_f32(x))
    }
    /// `x` rounded in any mode and overflow policy, with the status flags.
    pub fn from_f64_with<R: RandomBits + ?Sized>(
        x: f64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<Self> {
        Self::lift(Self::FORMAT.from_f64_with(x, how, rng))
    }
    /// A value of another format, rounded to nearest, ties to even.
    pub fn convert<G: Format>(x: Fp<G>) -> Self {
        Self::from_code(Self::FORMAT.convert_from(&Fp::<G>::FORMAT, x.code()))
    }
    /// The value as `f64` (exact when it fits, else rounded to nearest even).
    pub fn to_f64(self) -> f64 {
        Self::FORMAT.to_f64(self.code())
    }
    /// The value as `f32`, rounded to nearest even.
    pub fn to_f32(self) -> f32 {
        Self::FORMAT.to_f32(self.code())
    }

    /// +0 (for E8M0, which has no zero: NaN).
    pub fn zero() -> Self {
        Self::from_i64(0)
    }
    /// Largest finite value.
    pub fn max_value() -> Self {
        Self::from_code(Self::FORMAT.max_mag())
    }
    /// Most negative finite value (0 for unsigned formats).
    pub fn min_value() -> Self {
        if Self::FORMAT.is_signed() {
            Self::from_code(Self::FORMAT.max_mag() | Self::FORMAT.sign_bit())
        } else {
            Self::from_code(0)
        }
    }
    /// The canonical NaN, if the format has one.
    pub fn nan() -> Option<Self> {
        Self::FORMAT.nan_code().map(Self::from_code)
    }
    /// +∞, if the format has infinities.
    pub fn infinity() -> Option<Self> {
        Self::FORMAT.inf_code().map(Self::from_code)
    }
    /// The integer `x`, rounded to nearest even.
    pub fn from_i64(x: i64) -> Self {
        Self::from_code(Self::FORMAT.from_i64(x))
    }

    /// The class of the value.
    pub fn classify(self) -> Class {
        Self::FORMAT.classify(self.code())
    }
    /// Whether the value is NaN.
    pub fn is_nan(self) -> bool {
        self.classify() == Class::Nan
    }
    /// Whether the value is ±∞.
    pub fn is_infinite(self) -> bool {
        self.classify() == Class::Infinite
    }
    /// Whether the value is finite.
    pub fn is_finite(self) -> bool {
        !matches!(self.classify(), Class::Nan | Class::Infinite)
    }
    /// Whether the sign bit is set.
    pub fn is_sign_negative(self) -> bool {
        self.code() & Self::FORMAT.sign_bit() != 0
    }
    /// |self|.
    pub fn abs(self) -> Self {
        Self::from_code(Self::FORMAT.abs(self.code()))
    }
    /// IEEE 754 totalOrder.
    pub fn total_cmp(&self, other: &Self) -> Ordering {
        Self::FORMAT.total_cmp(self.code(), other.code())
    }
    /// √self, rounded to nearest even.
    pub fn sqrt(self) -> Self {
        Self::from_code(Self::FORMAT.sqrt(self.code()))
    }
    /// self × a + b with one rounding to nearest even.
    #[inline(always)]
    pub fn mul_add(self, a: Self, b: Self) -> Self {
        Self::from_code(Self::FORMAT.fma(self.code(), a.code(), b.code()))
    }
    /// IEEE 754-2019 minimum (NaN if either is NaN).
    pub fn minimum(self, other: Self) -> Self {
        Self::from_code(Self::FORMAT.minimum(self.code(), other.code()).value)
    }
    /// IEEE 754-2019 maximum (NaN if either is NaN).
    pub fn maximum(self, other: Self) -> Self {
        Self::from_code(Self::FORMAT.maximum(self.code(), other.code()).value)
    }

    /// self + rhs in any mode, with flags.
    pub fn add_with<R: RandomBits + ?Sized>(
        self,
        rhs: Self,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<Self> {
        Self::lift(Self::FORMAT.add_with(self.code(), rhs.code(), how, rng))
    }
    /// self − rhs in any mode, with flags.
    pub fn sub_with<R: RandomBits + ?Sized>(
        self,
        rhs: Self,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<Self> {
        Self::lift(Self::FORMAT.sub_with(self.code(), rhs.code(), how, rng))
    }
    /// self × rhs in any mode, with flags.
    pub fn mul_with<R: RandomBits + ?Sized>(
        self,
        rhs: Self,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<Self> {
        Self::lift(Self::FORMAT.mul_with(self.code(), rhs.code(), how, rng))
    }
    /// self ÷ rhs in any mode, with flags.
    pub fn div_with<R: RandomBits + ?Sized>(
        self,
        rhs: Self,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<Self> {
        Self::lift(Self::FORMAT.div_with(self.code(), rhs.code(), how, rng))
    }
    /// self × a + b in any mode, with flags.
    pub fn mul_add_with<R: RandomBits + ?Sized>(
        self,
        a: Self,
        b: Self,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<Self> {
        Self::lift(Self::FORMAT.fma_with(self.code(), a.code(), b.code(), how, rng))
    }
    /// √self in any mode, with flags.
    pub fn sqrt_with<R: RandomBits + ?Sized>(
        self,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<Self> {
        Self::lift(Self::FORMAT.sqrt_with(self.code(), how, rng))
    }

    /// Views a slice of values as their codes (no copy).
    pub fn slice_as_bits(values: &[Self]) -> &[F::Bits] {
        bytemuck::cast_slice(values)
    }
    /// Views a mutable slice of values as their codes (no copy).
    pub fn slice_as_bits_mut(values: &mut [Self]) -> &mut [F::Bits] {
        bytemuck::cast_slice_mut(values)
    }
}

macro_rules! binary_op {
    ($Op:ident, $op:ident, $OpAssign:ident, $op_assign:ident, $method:ident) => {
        impl<F: Format> $Op for Fp<F> {
            type Output = Self;
            /// Rounded to nearest, ties to even.
            #[inline(always)]
            fn $op(self, rhs: Self) -> Self {
                Self::from_code(Self::FORMAT.$method(self.code(), rhs.code()))
            }
        }
        impl<F: Format> $OpAssign for Fp<F> {
            #[inline]
            fn $op_assign(&mut self, rhs: Self) {
                *self = $Op::$op(*self, rhs);
            }
        }
    };
}

binary_op!(Add, add, AddAssign, add_assign, add);
binary_op!(Sub, sub, SubAssign, sub_assign, sub);
binary_op!(Mul, mul, MulAssign, mul_assign, mul);
binary_op!(Div, div, DivAssign, div_assign, div);

impl<F: Format> Rem for Fp<F> {
    type Output = Self;
    /// The truncated remainder self − trunc(self/rhs)·rhs, as Rust's `%` on floats
    /// (exact; see [`FloatFormat::fmod`]).
    fn rem(self, rhs: Self) -> Self {
        Self::from_code(Self::FORMAT.fmod(self.code(), rhs.code()).value)
    }
}

impl<F: Format> RemAssign for Fp<F> {
    fn rem_assign(&mut self, rhs: Self) {
        *self = *self % rhs;
    }
}

impl<F: Format> Neg for Fp<F> {
    type Output = Self;
    fn neg(self) -> Self {
        Self::from_code(Self::FORMAT.neg(self.code()))
    }
}

impl<F: Format> PartialEq for Fp<F> {
    /// IEEE equality: NaN ≠ NaN, −0 = +0.
    fn eq(&self, other: &Self) -> bool {
        Self::FORMAT.partial_cmp(self.code(), other.code()) == Some(Ordering::Equal)
    }
}

impl<F: Format> PartialOrd for Fp<F> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Self::FORMAT.partial_cmp(self.code(), other.code())
    }
}

impl<F: Format> fmt::Debug for Fp<F> {
    /// `Fp<e4m3fn>(0x3c = 1.5)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = Self::FORMAT.width().div_ceil(4) as usize;
        write!(
            f,
            "Fp<{}>({:#0w$x} = {})",
            Self::FORMAT,
            self.code(),
            self,
            w = digits + 2
        )
    }
}

impl<F: Format> fmt::Display for Fp<F> {
    /// The value as `f64` prints it (exact for every format that fits in `f64`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_f64(), f)
    }
}

impl<F: Format> fmt::LowerHex for Fp<F> {
    /// The code in hexadecimal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.code(), f)
    }
}

impl<F: Format> num_traits::Zero for Fp<F> {
    fn zero() -> Self {
        Fp::zero()
    }
    fn is_zero(&self) -> bool {
        self.classify() == Class::Zero
    }
}

impl<F: Format> num_traits::One for Fp<F> {
    fn one() -> Self {
        Self::from_i64(1)
    }
}

/// Error of [`num_traits::Num::from_str_radix`] for [`Fp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseFpError;

impl fmt::Display for ParseFpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a number in radix 10 or a hex float (decimals need the `alloc` feature)")
    }
}

impl<F: Format> From<f64> for Fp<F> {
    /// `x` rounded to nearest, ties to even, with the format's standard overflow: the
    /// same as [`Fp::from_f64`].
    ///
    /// ```
    /// use lowprec::float::{Fp, formats::{Bf16, E4m3fn}};
    /// assert_eq!(Fp::<Bf16>::from(1.0 / 3.0).to_f64(), 0.333984375);
    /// let x: Fp<E4m3fn> = 500.0.into(); // no infinity in E4M3FN: NaN
    /// assert!(x.is_nan());
    /// ```
    #[inline]
    fn from(x: f64) -> Self {
        Self::from_f64(x)
    }
}

impl<F: Format> From<f32> for Fp<F> {
    /// `x` rounded to nearest, ties to even, with the format's standard overflow: the
    /// same as [`Fp::from_f32`].
    #[inline]
    fn from(x: f32) -> Self {
        Self::from_f32(x)
    }
}

/// Bit-for-bit conversions with the `half` crate's types, which hold the same formats.
macro_rules! half_interop {
    ($marker:ident, $half:ty, $from:ident, $to:ident, $name:literal) => {
        impl Fp<formats::$marker> {
            #[doc = concat!("The ", $name, " value with the same bits (no rounding).")]
            #[inline]
            pub const fn $from(x: $half) -> Self {
                Self {
                    bits: x.to_bits(),
                    _format: PhantomData,
                }
            }
            #[doc = concat!("The same value as `", stringify!($half), "` (the same bits).")]
            #[inline]
            pub const fn $to(self) -> $half {
                <$half>::from_bits(self.bits)
            }
        }

        impl From<$half> for Fp<formats::$marker> {
            #[doc = concat!("The ", $name, " value with the same bits.")]
            #[inline]
            fn from(x: $half) -> Self {
                Self::$from(x)
            }
        }

        impl From<Fp<formats::$marker>> for $half {
            #[doc = concat!("The ", $name, " value with the same bits.")]
            #[inline]
            fn from(x: Fp<formats::$marker>) -> Self {
                x.$to()
            }
        }
    };
}

half_interop!(Fp16, half::f16, from_f16, to_f16, "IEEE binary16");
half_interop!(Bf16, half::bf16, from_bf16, to_bf16, "bfloat16");

impl<F: Format> core::str::FromStr for Fp<F> {
    type Err = ParseFpError;
    /// Parses a decimal or hex-float real exactly and rounds it once, to nearest even.
    fn from_str(s: &str) -> Result<Self, ParseFpError> {
        let x: super::Exact = s.parse().map_err(|_| ParseFpError)?;
        Ok(Self::from_code(
            Self::FORMAT
                .round(x, Round::NEAREST_EVEN, &mut NoRandom)
                .value,
        ))
    }
}

impl<F: Format> num_traits::Num for Fp<F> {
    type FromStrRadixErr = ParseFpError;
    /// Radix 10 only (decimal or hex-float text, taken exactly).
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, ParseFpError> {
        if radix != 10 {
            return Err(ParseFpError);
        }
        s.parse()
    }
}

impl<F: Format> num_traits::Bounded for Fp<F> {
    fn min_value() -> Self {
        Fp::min_value()
    }
    fn max_value() -> Self {
        Fp::max_value()
    }
}

impl<F: Format> num_traits::FromPrimitive for Fp<F> {
    fn from_i64(n: i64) -> Option<Self> {
        Some(Fp::from_i64(n))
    }
    fn from_u64(n: u64) -> Option<Self> {
        Some(Self::from_code(Self::FORMAT.from_u64(n)))
    }
    fn from_i128(n: i128) -> Option<Self> {
        Some(Self::from_code(Self::FORMAT.from_i128(n)))
    }
    fn from_u128(n: u128) -> Option<Self> {
        let x = super::Exact::from_parts(false, n, 0);
        Some(Self::from_code(
            Self::FORMAT
                .round(x, Round::NEAREST_EVEN, &mut NoRandom)
                .value,
        ))
    }
    fn from_f64(n: f64) -> Option<Self> {
        Some(Fp::from_f64(n))
    }
    fn from_f32(n: f32) -> Option<Self> {
        Some(Fp::from_f32(n))
    }
}

impl<F: Format> num_traits::ToPrimitive for Fp<F> {
    /// Truncates toward zero; `None` for NaN, ±∞ and values out of range.
    fn to_i64(&self) -> Option<i64> {
        self.to_i128().and_then(|v| i64::try_from(v).ok())
    }
    fn to_u64(&self) -> Option<u64> {
        self.to_i128().and_then(|v| u64::try_from(v).ok())
    }
    fn to_i128(&self) -> Option<i128> {
        match Self::FORMAT.decode(self.code()) {
            super::Exact::Zero { .. } => Some(0),
            super::Exact::Finite(f) => {
                let mag: u128 = if f.exp >= 0 {
                    if f.exp >= 128 || f.sig.leading_zeros() < f.exp as u32 {
                        return None;
                    }
                    f.sig << f.exp
                } else if f.exp <= -128 {
                    0
                } else {
                    f.sig >> (-f.exp)
                };
                let v = i128::try_from(mag).ok()?;
                Some(if f.negative { -v } else { v })
            }
            _ => None,
        }
    }
    fn to_f64(&self) -> Option<f64> {
        Some(Fp::to_f64(*self))
    }
    fn to_f32(&self) -> Option<f32> {
        Some(Fp::to_f32(*self))
    }
}

impl<F: Format> num_traits::NumCast for Fp<F> {
    /// Integers convert exactly-then-rounded-once; floats through `f64`.
    fn from<T: num_traits::ToPrimitive>(n: T) -> Option<Self> {
        if let Some(i) = n.to_i128() {
            return <Self as num_traits::FromPrimitive>::from_i128(i);
        }
        if let Some(u) = n.to_u128() {
            return <Self as num_traits::FromPrimitive>::from_u128(u);
        }
        n.to_f64().map(Fp::from_f64)
    }
}

/// Marker for formats with IEEE-style ±∞, NaN and −0, for which [`Fp`] implements
/// [`num_traits::float::FloatCore`].
pub trait IeeeFormat: Format {}

macro_rules! ieee {
    ($($name:ident),*) => {$(impl IeeeFormat for formats::$name {})*};
}
ieee!(Fp64, Fp32, Tf32, Fp16, Bf16, E5m2, E4m3, E3m4);

impl<F: IeeeFormat> num_traits::float::FloatCore for Fp<F> {
    fn infinity() -> Self {
        Self::from_code(Self::FORMAT.inf_code().unwrap_or(Self::FORMAT.max_mag()))
    }
    fn neg_infinity() -> Self {
        -<Self as num_traits::float::FloatCore>::infinity()
    }
    fn nan() -> Self {
        Self::from_code(Self::FORMAT.nan_code().unwrap_or(0))
    }
    fn neg_zero() -> Self {
        Self::from_code(Self::FORMAT.sign_bit())
    }
    fn min_value() -> Self {
        Fp::min_value()
    }
    fn min_positive_value() -> Self {
        Self::from_code(1u64 << Self::FORMAT.man_bits())
    }
    fn epsilon() -> Self {
        Self::from_f64(Self::FORMAT.epsilon())
    }
    fn max_value() -> Self {
        Fp::max_value()
    }
    fn classify(self) -> FpCategory {
        match Fp::classify(self) {
            Class::Nan => FpCategory::Nan,
            Class::Infinite => FpCategory::Infinite,
            Class::Zero => FpCategory::Zero,
            Class::Subnormal => FpCategory::Subnormal,
            Class::Normal => FpCategory::Normal,
        }
    }
    fn to_degrees(self) -> Self {
        Self::from_f64(self.to_f64().to_degrees())
    }
    fn to_radians(self) -> Self {
        Self::from_f64(self.to_f64().to_radians())
    }
    fn integer_decode(self) -> (u64, i16, i8) {
        let sign = if self.is_sign_negative() { -1 } else { 1 };
        match Self::FORMAT.decode(self.code()) {
            super::Exact::Finite(f) => (f.sig as u64, f.exp as i16, sign),
            _ => (0, 0, sign),
        }
    }
}
