//! The host types `f32` and `f64` and their bit words `u32` and `u64`, with the
//! operations the kernels use, and which formats the kernels serve for each.

use core::ops::{Add, BitAnd, BitOr, BitXor, Not, Shl, Shr, Sub};

use crate::float::{Exact, FloatFormat};

/// `u32` or `u64`: the bits of a host float, with the operations the kernels use.
pub(super) trait Word:
    Copy
    + PartialEq
    + PartialOrd
    + BitAnd<Output = Self>
    + BitOr<Output = Self>
    + BitXor<Output = Self>
    + Not<Output = Self>
    + Shl<u32, Output = Self>
    + Shr<u32, Output = Self>
{
    /// Width in bits.
    const BITS: u32;
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// Wrapping `self + o`.
    fn wadd(self, o: Self) -> Self;
    /// Wrapping `self − o`.
    fn wsub(self, o: Self) -> Self;
    /// All ones when `b`, else zero.
    fn mask(b: bool) -> Self;
    /// The low bits of `x`.
    fn from_u64(x: u64) -> Self;
    /// The value, zero-extended.
    fn to_u64(self) -> u64;
    /// Signed less-than (both operands below 2^(BITS−1) wherever it is used).
    fn slt(self, o: Self) -> bool;
    /// All ones when the top bit is set (an arithmetic shift right by BITS − 1).
    fn sign_fill(self) -> Self;
}

macro_rules! impl_word {
    ($($t:ty : $s:ty),*) => {$(
        impl Word for $t {
            const BITS: u32 = <$t>::BITS;
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn wadd(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn wsub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn mask(b: bool) -> Self {
                (b as $t).wrapping_neg()
            }
            #[inline(always)]
            fn from_u64(x: u64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_u64(self) -> u64 {
                self as u64
            }
            #[inline(always)]
            fn slt(self, o: Self) -> bool {
                (self as $s) < (o as $s)
            }
            #[inline(always)]
            fn sign_fill(self) -> Self {
                ((self as $s) >> (<$t>::BITS - 1)) as $t
            }
        }
    )*};
}
impl_word!(u32: i32, u64: i64);

/// `f32` or `f64`. Rust's float arithmetic is IEEE 754 binary32/binary64 with
/// round-to-nearest-even and gradual underflow; the kernels' proofs rely on exactly that.
pub(super) trait Host: Copy + PartialOrd + Add<Output = Self> + Sub<Output = Self> {
    /// The bit word of the same width.
    type Bits: Word;
    /// Stored fraction bits (23, 52).
    const MAN: u32;
    /// Exponent bias (127, 1023), which is also the largest exponent.
    const BIAS: i32;
    /// +0.
    const ZERO: Self;
    /// The bits of the value.
    fn to_bits(self) -> Self::Bits;
    /// The value of the bits.
    fn from_bits(b: Self::Bits) -> Self;
    /// The exact value, for the exact path.
    fn exact(self) -> Exact;
    /// `fmt`'s code decoded into the host type (`to_f32`, `to_f64`).
    fn from_code(fmt: &FloatFormat, code: u64) -> Self;
    /// `x` rounded to the host type (callers pass only exactly representable values).
    fn from_f64(x: f64) -> Self;

    /// Bits of 2^e, for e within the host's range (normal or subnormal).
    #[inline]
    fn pow2_bits(e: i32) -> Self::Bits {
        let biased = e + Self::BIAS;
        if biased >= 1 {
            Self::Bits::from_u64(biased as u64) << Self::MAN
        } else {
            Self::Bits::ONE << ((biased - 1 + Self::MAN as i32) as u32)
        }
    }
}

impl Host for f32 {
    type Bits = u32;
    const MAN: u32 = 23;
    const BIAS: i32 = 127;
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn to_bits(self) -> u32 {
        self.to_bits()
    }
    #[inline(always)]
    fn from_bits(b: u32) -> Self {
        f32::from_bits(b)
    }
    fn exact(self) -> Exact {
        Exact::from_f32(self)
    }
    fn from_code(fmt: &FloatFormat, code: u64) -> Self {
        fmt.to_f32(code)
    }
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

impl Host for f64 {
    type Bits = u64;
    const MAN: u32 = 52;
    const BIAS: i32 = 1023;
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn to_bits(self) -> u64 {
        self.to_bits()
    }
    #[inline(always)]
    fn from_bits(b: u64) -> Self {
        f64::from_bits(b)
    }
    fn exact(self) -> Exact {
        Exact::from_f64(self)
    }
    fn from_code(fmt: &FloatFormat, code: u64) -> Self {
        fmt.to_f64(code)
    }
    fn from_f64(x: f64) -> Self {
        x
    }
}

/// Whether `fmt`'s codes and values suit the integer kernels for host `H`.
///
/// Signed with a zero (so the code layout is sign | exponent | fraction with no value
/// at a negative code but NaN); m ≤ the host's fraction bits (so a normal result is the
/// host's bits shifted right by s = MAN − m); emin ≥ the host's emin (so every
/// normal-range result comes from a normal host number, and every host subnormal is a
/// subnormal-range result); 2^(q_min + MAN + 1) finite (the magic addend and its double
/// exist); codes narrower than the host word (room for the sign bit).
pub(super) fn kernel_friendly<H: Host>(fmt: &FloatFormat) -> bool {
    let emin = fmt.emin();
    fmt.is_signed()
        && fmt.has_zero()
        && fmt.man_bits() <= H::MAN
        && emin >= 1 - H::BIAS
        && fmt.quantum_min() + (H::MAN as i32) < H::BIAS
        && fmt.exp_bits() + fmt.man_bits() < H::Bits::BITS
}
