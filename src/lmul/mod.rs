//! L-Mul: floating-point multiplication by one integer addition (Luo & Sun, "Addition is
//! All You Need for Energy-efficient Language Models", 2024), for every lowprec format.
//!
//! For normal x = (1 + x_m)·2^x_e and y = (1 + y_m)·2^y_e the paper defines
//!
//! ```text
//! L-Mul(x, y) = (−1)^(x_s ⊕ y_s) · (1 + x_m + y_m + 2^−l(m)) · 2^(x_e + y_e)     (Eq. 1)
//! l(m) = m for m ≤ 3,  3 for m = 4,  4 for m > 4
//! ```
//!
//! replacing the mantissa product x_m·y_m by the constant 2^−l(m). Its experiments compute it
//! on the codes themselves: with E exponent bits, M fraction bits and bias B, the magnitude
//! bits of the result are
//!
//! ```text
//! |r| = |x| + |y| − C  (mod 2^(E+M)),   C = (B << M) − 2^(M − l(M)),   sign = x_s ⊕ y_s
//! ```
//!
//! where |x| is the code with its sign bit cleared, read as an unsigned integer. Adding the
//! codes adds the exponents and the fractions; subtracting `B << M` removes one bias; the
//! `2^(M − l)` is the offset 2^−l in units of the last fraction bit. A fraction sum of one or
//! more **carries into the exponent**, which Eq. 1 does not do: for x = y = 1.75 (fp32,
//! l = 4) Eq. 1 gives 1 + 0.75 + 0.75 + 0.0625 = 2.5625, the bit form gives
//! (1 + 0.5625)·2¹ = 3.125. Where l < M the fraction sum can even reach 2 and carry twice
//! (bf16 1.96875²: 0.96875 + 0.96875 + 0.0625 = 2, so the bit form gives 4, Eq. 1 gives 3).
//! lowprec follows the bit form ([`LMul::mul`]) and offers Eq. 1 separately
//! ([`LMul::eq1`]) so that the difference can be seen.
//!
//! | format | M | l(M) | C |
//! |---|---|---|---|
//! | fp32 | 23 | 4 | `0x3F780000` |
//! | bf16 | 7 | 4 | `0x3F78` |
//! | fp16 | 10 | 4 | `0x3BC0` |
//! | E4M3 / E4M3FN | 3 | 3 | `0x37` |
//! | E5M2 | 2 | 2 | `0x3B` |
//!
//! ## Modes
//! - [`Mode::PaperExact`] is the integer form above, bit for bit, with no special cases:
//!   the magnitude wraps modulo 2^(E+M) (fp32 0 × 0 = `0x40880000` = 4.25; large products
//!   wrap to small ones), and NaN, ∞ and subnormal codes are just integers.
//! - [`Mode::Guarded`] is the same arithmetic for normal operands with the edges made safe:
//!   zero and subnormal inputs give ±0 (as flush-to-zero hardware does; ∞ × subnormal is
//!   therefore ∞ × 0 = NaN), a result below the smallest normal gives ±0 (status
//!   `UNDERFLOW | INEXACT`), a result beyond the largest finite value goes through
//!   [`FloatFormat::round`] with the caller's [`Overflow`] policy (±max finite, ±∞, or NaN
//!   where the format has no infinity and the policy is `Ieee`), and NaN and ∞ propagate
//!   as in IEEE multiplication (NaN results are the format's canonical NaN). For finite
//!   inputs the result is never NaN unless the policy maps overflow to NaN.
//!
//!   Every special result is what [`FloatFormat::round`] makes of the exact one, so the
//!   format's layout decides: where −0 does not exist (FNUZ, IEEE P3109) zeros are +0;
//!   a format with neither ∞ nor NaN (MX FP6/FP4) saturates overflow under every policy;
//!   a NaN result in a format without NaN (an IEEE-style format with M = 0, where
//!   ∞ × 0 is the only way to get one) is +0 with `invalid`; a format without zero
//!   (E8M0) has no zero or subnormal operands, and a result below its smallest magnitude
//!   2^emin gives ±2^emin (`UNDERFLOW | INEXACT`).
//!
//! ## Reduced precision: "k-bit L-Mul"
//! [`LMul::with_k`] keeps the first k fraction bits of each operand (truncation, as the
//! paper's "keep the first k bits"), and the offset becomes 2^−l(k). The result is still a
//! code of the same format; its low M − k fraction bits are zero unless the offset lies
//! below them ([`LMul::with_offset_exponent`] sets any l ≤ M, e.g. the fixed l = 4 that the
//! paper's Table 7 analysis uses).
//!
//! ## Dot products and matrix products
//! [`dot`] and [`matmul`] sum L-Mul products in an [`Accumulator`] (format, rounding,
//! overflow, fused or not), exactly as [`FloatFormat::dot`] sums exact products: the running
//! sum starts at +0 and each step computes `s ← round(s + p)` with the exact sum and
//! [`FloatFormat::round`], left to right (`p = 0, 1, …, k − 1`). With
//! `acc.round_products` the product is first rounded into the accumulator format. The
//! paper's full-model run accumulates in fp8 E4M3 ([`PAPER_FP8_ACCUMULATOR`]); the default
//! here is fp32 with ties-to-even ([`DEFAULT_ACCUMULATOR`]).
//!
//! Two paths compute this, with the same bits and the same flags:
//! - **The fast path**, taken automatically when the accumulator is fp32 rounding to
//!   nearest even (any overflow policy, products rounded or not) and every value of the
//!   L-Mul format is exactly an `f32` (at most 23 fraction bits and fp32's exponent range,
//!   subnormals included: every preset up to fp32 except fp64). Each product is
//!   [`LMul::mul_with`] of the two codes read as an `f32` (for formats of at most 8 bits
//!   in large products, looked up in a table of all pairs built with it), and the
//!   sum is the host's `f32` addition, which is the exact path's rounding of the exact sum.
//!   `inexact` comes from the TwoSum error term of each addition. [`matmul`] walks the
//!   rows of B (for each row i of A, a chunk of 64 columns, each p) instead of its
//!   columns, which keeps each output's order p = 0, 1, …, k − 1. For bf16 and fp32
//!   (any k and l, both modes, every overflow policy) the products are computed on the
//!   `f32` bit patterns without branches (truncation mask, `|x| + |y| − C`, sign XOR, the
//!   guarded mode's special cases and flags by selects, with `mul_with`'s codes), so that
//!   [`matmul`] sums 16 columns at a time in vector registers, compiled for AVX2 where
//!   the CPU has it, and [`dot`] computes 64 products at a time. A sum that ends ∞ or
//!   NaN is added again one step at a time to find its flags (`overflow`, `invalid`) and
//!   gives the accumulator's NaN code; under a saturating accumulator policy it is
//!   computed by the exact path instead. Such sums are the slow case.
//! - **The exact path** for every other accumulator: the core's exact addition and
//!   [`FloatFormat::round`] at each step (20 to 80 times slower).
//!
//! ```
//! use lowprec::FloatFormat;
//! use lowprec::lmul::LMul;
//! let f = FloatFormat::FP32;
//! let lm = LMul::paper(f);
//! let code = |x: f32| u64::from(x.to_bits());
//! let val = |c: u64| f32::from_bits(c as u32);
//! assert_eq!(lm.offset_constant(), 0x3F78_0000);
//! assert_eq!(val(lm.mul(code(1.5), code(1.5))), 2.125);
//! assert_eq!(val(lm.mul(code(1.75), code(1.75))), 3.125);
//! assert_eq!(val(lm.mul(code(-2.0), code(3.0))), -6.25);
//! assert_eq!(val(lm.mul(0, 0)), 4.25); // no guards in the paper's form
//! ```

use core::fmt;
use core::str::FromStr;

use crate::float::dot::Accumulator;
use crate::float::slice::Code;
use crate::float::{Class, Exact, FloatFormat};
use crate::rounding::{NoRandom, Overflow, RandomBits, Round, Rounding, Status, StatusAnd};

mod fast;

/// The paper's offset exponent l(m): the offset is 2^−l(m) for m fraction bits.
///
/// ```
/// use lowprec::lmul::offset_exponent;
/// assert_eq!([0, 1, 2, 3, 4, 5, 7, 10, 23].map(offset_exponent), [0, 1, 2, 3, 3, 4, 4, 4, 4]);
/// ```
pub const fn offset_exponent(m: u32) -> u32 {
    match m {
        0..=3 => m,
        4 => 3,
        _ => 4,
    }
}

/// Which L-Mul: the paper's bare integer form or the guarded one (see the
/// [module docs](self)).
///
/// ```
/// use lowprec::lmul::Mode;
/// assert_eq!("paper".parse::<Mode>(), Ok(Mode::PaperExact));
/// assert_eq!(Mode::Guarded.to_string(), "guarded");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// `|x| + |y| − C` modulo 2^(E+M), sign XOR: bit-identical to the paper's code,
    /// wrap-around and all.
    #[default]
    PaperExact,
    /// Zero/subnormal inputs → ±0, underflow → ±0, overflow per the [`Overflow`] policy,
    /// NaN and ∞ propagate.
    Guarded,
}

impl Mode {
    /// The command-line name (`paper`, `guarded`).
    pub const fn name(self) -> &'static str {
        match self {
            Mode::PaperExact => "paper",
            Mode::Guarded => "guarded",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mode {
    type Err = LmulError;
    /// Parses `paper` (also `paper-exact`) or `guarded`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "paper" | "paper-exact" => Ok(Mode::PaperExact),
            "guarded" => Ok(Mode::Guarded),
            _ => Err(LmulError::UnknownMode),
        }
    }
}

/// Which operand of [`matmul`] has the wrong length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operand {
    /// The left factor, m × k.
    A,
    /// The right factor, k × n.
    B,
    /// The output, m × n.
    Out,
}

/// Why an L-Mul operation or configuration was refused. Nothing is written when an
/// error is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LmulError {
    /// The two vectors of a dot product have different lengths.
    LengthMismatch {
        /// Length of `a`.
        a: usize,
        /// Length of `b`.
        b: usize,
    },
    /// A matrix slice does not have the length its dimensions give.
    Shape {
        /// Which slice.
        operand: Operand,
        /// rows × columns.
        expected: usize,
        /// The slice's length.
        got: usize,
    },
    /// rows × columns overflows `usize`.
    DimensionOverflow,
    /// The output code type is narrower than the accumulator format.
    CodeTooNarrow {
        /// Width of the accumulator format in bits.
        format_bits: u32,
        /// Width of the code type in bits.
        code_bits: u32,
    },
    /// An offset exponent above the number of fraction bits (2^(M − l) would not be an
    /// integer).
    OffsetExponent {
        /// The requested l.
        l: u32,
        /// The format's fraction bits.
        man_bits: u32,
    },
    /// An unknown mode name.
    UnknownMode,
}

impl fmt::Display for LmulError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LmulError::LengthMismatch { a, b } => {
                write!(f, "dot product of vectors of lengths {a} and {b}")
            }
            LmulError::Shape {
                operand,
                expected,
                got,
            } => write!(
                f,
                "matrix {operand:?} has {got} elements, its dimensions give {expected}"
            ),
            LmulError::DimensionOverflow => f.write_str("matrix dimensions overflow usize"),
            LmulError::CodeTooNarrow {
                format_bits,
                code_bits,
            } => write!(
                f,
                "a {format_bits}-bit accumulator does not fit in {code_bits}-bit codes"
            ),
            LmulError::OffsetExponent { l, man_bits } => write!(
                f,
                "offset exponent {l} exceeds the format's {man_bits} fraction bits"
            ),
            LmulError::UnknownMode => f.write_str("unknown L-Mul mode (use paper or guarded)"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for LmulError {}

/// An L-Mul configuration: format, mode, kept fraction bits k, offset exponent l, and the
/// overflow policy of [`Mode::Guarded`]. Built once, then applied to codes.
///
/// ```
/// use lowprec::{FloatFormat, Overflow};
/// use lowprec::lmul::{LMul, Mode};
/// let e4m3 = FloatFormat::E4M3FN;
/// let lm = LMul::guarded(e4m3, Overflow::SatFinite);
/// assert_eq!((lm.mode(), lm.k(), lm.offset_exponent()), (Mode::Guarded, 3, 3));
/// assert_eq!(lm.offset_constant(), 0x37);
/// // 1.5 × 1.5: fractions .5 + .5 + 2^-3 carry into the exponent: 2 × 1.125 = 2.25.
/// assert_eq!(e4m3.to_f64(lm.mul(0x3C, 0x3C)), 2.25);
/// // 448 × 2 saturates under SatFinite; 0 × 448 is 0 (the paper's form would wrap).
/// assert_eq!(e4m3.to_f64(lm.mul(0x7E, 0x40)), 448.0);
/// assert_eq!(lm.mul(0x00, 0x7E), 0x00);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LMul {
    format: FloatFormat,
    mode: Mode,
    overflow: Overflow,
    k: u32,
    l: u32,
    /// Magnitude bits kept by the operand truncation.
    keep: u64,
    /// 2^(M − l): the offset in units of the last fraction bit.
    offset: u64,
}

impl LMul {
    /// L-Mul in `format` with `mode`, all fraction bits kept (k = M, l = l(M)); `overflow`
    /// only matters in [`Mode::Guarded`].
    pub const fn new(format: FloatFormat, mode: Mode, overflow: Overflow) -> Self {
        let m = format.man_bits();
        let l = offset_exponent(m);
        Self {
            format,
            mode,
            overflow,
            k: m,
            l,
            keep: format.mag_mask(),
            offset: 1u64 << (m - l),
        }
    }

    /// The paper's integer form ([`Mode::PaperExact`]) in `format`.
    pub const fn paper(format: FloatFormat) -> Self {
        Self::new(format, Mode::PaperExact, Overflow::Ieee)
    }

    /// [`Mode::Guarded`] L-Mul in `format` with the given overflow policy.
    pub const fn guarded(format: FloatFormat, overflow: Overflow) -> Self {
        Self::new(format, Mode::Guarded, overflow)
    }

    /// The paper's "k-bit L-Mul": keep the first `k` fraction bits of each operand
    /// (truncation) and use the offset 2^−l(k). `k` is clamped to the format's fraction
    /// bits.
    ///
    /// ```
    /// use lowprec::FloatFormat;
    /// use lowprec::lmul::LMul;
    /// let lm = LMul::paper(FloatFormat::FP32).with_k(3);
    /// assert_eq!((lm.k(), lm.offset_exponent()), (3, 3));
    /// // 1.9 is kept as 1.875 (0b1.111); 1.875 × 1 = 1 + .875 + 0 + 2^-3 carries: 2.0.
    /// let r = lm.mul(u64::from(1.9f32.to_bits()), u64::from(1.0f32.to_bits()));
    /// assert_eq!(f32::from_bits(r as u32), 2.0);
    /// ```
    pub const fn with_k(self, k: u32) -> Self {
        let m = self.format.man_bits();
        let k = if k < m { k } else { m };
        let l = offset_exponent(k);
        // Clear the M − k fraction bits below the first k.
        let dropped = (1u64 << (m - k)) - 1;
        Self {
            k,
            l,
            keep: self.format.mag_mask() & !dropped,
            offset: 1u64 << (m - l),
            ..self
        }
    }

    /// Uses the offset 2^−l instead of 2^−l(k) (any l ≤ M; the paper's Table 7 analysis
    /// uses a fixed l = 4).
    ///
    /// ```
    /// use lowprec::FloatFormat;
    /// use lowprec::lmul::LMul;
    /// let lm = LMul::paper(FloatFormat::BF16).with_k(2).with_offset_exponent(4).unwrap();
    /// assert_eq!(lm.offset_constant(), 0x3F78);
    /// assert!(LMul::paper(FloatFormat::E5M2).with_offset_exponent(3).is_err());
    /// ```
    pub const fn with_offset_exponent(self, l: u32) -> Result<Self, LmulError> {
        let m = self.format.man_bits();
        if l > m {
            return Err(LmulError::OffsetExponent { l, man_bits: m });
        }
        Ok(Self {
            l,
            offset: 1u64 << (m - l),
            ..self
        })
    }

    /// The same configuration with another overflow policy.
    pub const fn with_overflow(self, overflow: Overflow) -> Self {
        Self { overflow, ..self }
    }

    /// The format.
    pub const fn format(&self) -> FloatFormat {
        self.format
    }
    /// The mode.
    pub const fn mode(&self) -> Mode {
        self.mode
    }
    /// The overflow policy of [`Mode::Guarded`].
    pub const fn overflow(&self) -> Overflow {
        self.overflow
    }
    /// Fraction bits kept of each operand.
    pub const fn k(&self) -> u32 {
        self.k
    }
    /// The offset exponent l: the offset is 2^−l.
    pub const fn offset_exponent(&self) -> u32 {
        self.l
    }

    /// The paper's constant C = (bias << M) − 2^(M − l), modulo 2^(E+M) (the same for
    /// every format whose bias is positive and below 2^E).
    pub const fn offset_constant(&self) -> u64 {
        let m = self.format.man_bits();
        // (bias << M) mod 2^64 is exact mod 2^(E+M) ≤ 2^63; a negative bias wraps likewise.
        ((self.format.bias() as i64 as u64).wrapping_shl(m)).wrapping_sub(self.offset)
            & self.format.mag_mask()
    }

    /// The operand truncation: the code with the fraction bits below the first k cleared
    /// (sign and exponent unchanged).
    pub const fn truncate(&self, code: u64) -> u64 {
        let code = code & self.format.code_mask();
        code & (self.keep | self.format.sign_bit())
    }

    /// L-Mul of two codes (bits above the format's width are ignored), in the configured
    /// mode and overflow policy. [`mul_with`](Self::mul_with) returns the flags too.
    #[inline]
    pub fn mul(&self, a: u64, b: u64) -> u64 {
        self.mul_with(a, b).value
    }

    /// L-Mul of two codes with the IEEE status flags. [`Mode::PaperExact`] never raises a
    /// flag; [`Mode::Guarded`] raises `invalid` (∞ × 0, signaling NaN), `overflow |
    /// inexact` and `underflow | inexact`.
    ///
    /// An L-Mul unit is configured once, as a hardware multiplier is: its overflow policy
    /// is part of the [`LMul`] value ([`with_overflow`](Self::with_overflow)), and its
    /// results never need random bits (the only rounding is at the ends of the range).
    #[inline(always)]
    pub fn mul_with(&self, a: u64, b: u64) -> StatusAnd<u64> {
        match self.mode {
            Mode::PaperExact => StatusAnd::new(self.mul_paper(a, b), Status::OK),
            Mode::Guarded => self.mul_guarded(a, b),
        }
    }

    #[inline(always)]
    fn mul_paper(&self, a: u64, b: u64) -> u64 {
        let f = &self.format;
        let (sa, ma) = f.split(a);
        let (sb, mb) = f.split(b);
        let sign = if sa != sb { f.sign_bit() } else { 0 };
        // E + M ≤ 63, so the sum of two magnitudes cannot overflow u64 before the mask.
        let mag = (ma & self.keep) + (mb & self.keep);
        sign | (mag.wrapping_sub(self.offset_constant()) & f.mag_mask())
    }

    /// [`Mode::Guarded`]: the common case (two normal operands, a normal product) inline,
    /// everything else in [`mul_guarded_general`](Self::mul_guarded_general), which gives
    /// the same bits for the common case too.
    #[inline(always)]
    fn mul_guarded(&self, a: u64, b: u64) -> StatusAnd<u64> {
        let f = &self.format;
        let (sa, ma) = f.split(a);
        let (sb, mb) = f.split(b);
        let m = f.man_bits();
        // A magnitude in [2^M, max_mag] is a normal number in every layout (what
        // `classify` says: not above max_mag, not the FNUZ NaN −0, exponent field ≠ 0).
        let normal = |mag: u64| mag >> m != 0 && mag <= f.max_mag();
        if normal(ma) && normal(mb) {
            let c = (i128::from(f.bias()) << m) - i128::from(self.offset);
            let s = i128::from(ma & self.keep) + i128::from(mb & self.keep) - c;
            let min_normal = if f.has_zero() { 1i128 << m } else { 0 };
            if s >= min_normal && s <= i128::from(f.max_mag()) {
                let sign = if sa != sb { f.sign_bit() } else { 0 };
                return StatusAnd::new(sign | s as u64, Status::OK);
            }
        }
        self.mul_guarded_general(a, b)
    }

    #[inline(never)]
    fn mul_guarded_general(&self, a: u64, b: u64) -> StatusAnd<u64> {
        let f = &self.format;
        let (sa, ma) = f.split(a);
        let (sb, mb) = f.split(b);
        let negative = sa != sb;
        let (ca, cb) = (f.classify(a), f.classify(b));
        let zeroish = |c: Class| matches!(c, Class::Zero | Class::Subnormal);
        let ne = &mut NoRandom;
        let rne = Rounding::TiesToEven;
        if ca == Class::Nan || cb == Class::Nan {
            let flags = if f.is_signaling(a) || f.is_signaling(b) {
                Status::INVALID
            } else {
                Status::OK
            };
            let r = f.round(
                Exact::Nan { negative: false },
                Round::new(rne, self.overflow),
                ne,
            );
            return StatusAnd::new(r.value, r.status | flags);
        }
        if ca == Class::Infinite || cb == Class::Infinite {
            if zeroish(ca) || zeroish(cb) {
                let r = f.round(
                    Exact::Nan { negative: false },
                    Round::new(rne, self.overflow),
                    ne,
                );
                return StatusAnd::new(r.value, r.status | Status::INVALID);
            }
            return f.round(Exact::Inf { negative }, Round::new(rne, self.overflow), ne);
        }
        if zeroish(ca) || zeroish(cb) {
            return f.round(Exact::Zero { negative }, Round::new(rne, self.overflow), ne);
        }
        // Both normal. The exact integer S = |x| + |y| − C: its bits above M are the
        // biased exponent (a fraction carry included), its low M bits the fraction.
        let m = f.man_bits();
        let c = (i128::from(f.bias()) << m) - i128::from(self.offset);
        let s = i128::from(ma & self.keep) + i128::from(mb & self.keep) - c;
        let min_normal = if f.has_zero() { 1i128 << m } else { 0 };
        if s >= min_normal && s <= i128::from(f.max_mag()) {
            let sign = if negative { f.sign_bit() } else { 0 };
            return StatusAnd::new(sign | s as u64, Status::OK);
        }
        if s < min_normal {
            if f.has_zero() {
                let r = f.round(Exact::Zero { negative }, Round::new(rne, self.overflow), ne);
                return StatusAnd::new(r.value, r.status | Status::UNDERFLOW | Status::INEXACT);
            }
            // A format without zero (E8M0): the value lies in (0, 2^emin), so the nearest
            // representable number is ±2^emin, the code sign | 0 (what the core's
            // rounding to nearest gives too).
            let sign = if negative { f.sign_bit() } else { 0 };
            return StatusAnd::new(sign, Status::UNDERFLOW | Status::INEXACT);
        }
        // Beyond the largest finite value: the value (2^M + fraction)·2^(⌊S/2^M⌋ − bias − M)
        // with an unbounded exponent, rounded by the core with the overflow policy.
        f.round(
            self.unbounded_value(negative, s),
            Round::new(rne, self.overflow),
            ne,
        )
    }

    /// The value of the magnitude integer `s` read with an unbounded exponent field.
    fn unbounded_value(&self, negative: bool, s: i128) -> Exact {
        let f = &self.format;
        let m = f.man_bits();
        let frac = (s & ((1i128 << m) - 1)) as u128;
        let biased = s >> m; // ⌊s / 2^M⌋ (arithmetic shift)
        let exp = biased - i128::from(f.bias()) - i128::from(m);
        let exp = exp.clamp(i128::from(i32::MIN / 2), i128::from(i32::MAX / 2)) as i32;
        Exact::from_parts(negative, (1u128 << m) | frac, exp)
    }

    /// The paper's Eq. 1 as written: (−1)^(x_s ⊕ y_s)·(1 + x_m + y_m + 2^−l)·2^(x_e + y_e)
    /// for normal operands (truncated to k fraction bits), as an exact value. Unlike
    /// [`mul`](Self::mul) a fraction sum of one or more does **not** carry into the
    /// exponent, so the value can exceed 2^(x_e + y_e + 1) and need more than M fraction
    /// bits; round it with [`FloatFormat::round`] if you need a code. Zero and subnormal
    /// operands give ±0, NaN gives NaN, ∞ × 0 gives NaN, ∞ gives ±∞ (as in
    /// [`Mode::Guarded`]).
    ///
    /// ```
    /// use lowprec::{FloatFormat, NoRandom, Round};
    /// use lowprec::lmul::LMul;
    /// let f = FloatFormat::FP32;
    /// let lm = LMul::paper(f);
    /// let x = u64::from(1.75f32.to_bits());
    /// let eq1 = lm.eq1(x, x);
    /// let v = FloatFormat::FP64.round(eq1, Round::default(), &mut NoRandom);
    /// assert_eq!(f64::from_bits(v.value), 2.5625); // Eq. 1
    /// assert_eq!(f32::from_bits(lm.mul(x, x) as u32), 3.125); // the bit form
    /// ```
    pub fn eq1(&self, a: u64, b: u64) -> Exact {
        let f = &self.format;
        let (sa, ma) = f.split(a);
        let (sb, mb) = f.split(b);
        let negative = sa != sb;
        let (ca, cb) = (f.classify(a), f.classify(b));
        let zeroish = |c: Class| matches!(c, Class::Zero | Class::Subnormal);
        if ca == Class::Nan || cb == Class::Nan {
            return Exact::Nan { negative: false };
        }
        if ca == Class::Infinite || cb == Class::Infinite {
            if zeroish(ca) || zeroish(cb) {
                return Exact::Nan { negative: false };
            }
            return Exact::Inf { negative };
        }
        if zeroish(ca) || zeroish(cb) {
            return Exact::Zero { negative };
        }
        let m = f.man_bits();
        let frac_mask = (1u64 << m) - 1;
        let (ta, tb) = (ma & self.keep, mb & self.keep);
        // (2^M + f_a + f_b + 2^(M − l)) · 2^(e_a + e_b − M), e = biased − bias.
        let sig = (1u128 << m)
            + u128::from(ta & frac_mask)
            + u128::from(tb & frac_mask)
            + u128::from(self.offset);
        let e = i64::from((ta >> m) as u32) + i64::from((tb >> m) as u32)
            - 2 * i64::from(f.bias())
            - i64::from(m);
        Exact::from_parts(negative, sig, e as i32)
    }
}

/// The default accumulator of [`dot`] and [`matmul`]: fp32, ties to even, IEEE overflow,
/// exact (fused) addition of each product.
pub const DEFAULT_ACCUMULATOR: Accumulator = Accumulator::new(FloatFormat::FP32);

/// The paper's full-model accumulation: OCP fp8 E4M3 (E4M3FN), ties to even.
pub const PAPER_FP8_ACCUMULATOR: Accumulator = Accumulator::new(FloatFormat::E4M3FN);

/// Σ L-Mul(`a[i]`, `b[i]`) accumulated left to right in `acc`, exactly as
/// [`FloatFormat::dot`] accumulates exact products: the sum starts at +0 and every step is
/// `s ← round(s + p)` with the exact sum (`round(s + round(p))` when
/// `acc.round_products`). Returns the accumulator's code and the union of all flags
/// (those of the L-Mul products included). An fp32 accumulator rounding to nearest even
/// takes the fast path (host `f32` sums, see the [module docs](self#dot-products-and-matrix-products)),
/// with the same result.
///
/// ```
/// use lowprec::{FloatFormat, Overflow, SplitMix64};
/// use lowprec::lmul::{self, LMul};
/// let e4m3 = FloatFormat::E4M3FN;
/// let lm = LMul::guarded(e4m3, Overflow::SatFinite);
/// let a = [0x38u8, 0x3C, 0x40]; // 1, 1.5, 2
/// let b = [0x38u8, 0x3C, 0x44]; // 1, 1.5, 3
/// // L-Mul products 1.125, 2.25, 6.5 (fp8 offsets 2^-3), summed in fp32: 9.875.
/// let r = lmul::dot(&lm, &a, &b, &lmul::DEFAULT_ACCUMULATOR, &mut SplitMix64::new(0)).unwrap();
/// assert_eq!(f32::from_bits(r.value as u32), 9.875);
/// // Accumulated in E4M3FN as the paper's full-model run does: 1.125 + 2.25 = 3.375 → 3.5,
/// // 3.5 + 6.5 = 10.
/// let r = lmul::dot(&lm, &a, &b, &lmul::PAPER_FP8_ACCUMULATOR, &mut SplitMix64::new(0)).unwrap();
/// assert_eq!(e4m3.to_f64(r.value), 10.0);
/// ```
pub fn dot<C: Code, R: RandomBits + ?Sized>(
    lm: &LMul,
    a: &[C],
    b: &[C],
    acc: &Accumulator,
    rng: &mut R,
) -> Result<StatusAnd<u64>, LmulError> {
    if a.len() != b.len() {
        return Err(LmulError::LengthMismatch {
            a: a.len(),
            b: b.len(),
        });
    }
    if fast::eligible(lm, acc) {
        if let Some(r) = fast::dot(lm, a, b, acc) {
            return Ok(r);
        }
    }
    Ok(accumulate(
        lm,
        a.iter().zip(b).map(|(x, y)| (x.to_u64(), y.to_u64())),
        acc,
        rng,
    ))
}

/// [`dot`] always by the exact path (the fused accumulation of the core), never the fast
/// one: the reference the fast path is tested against.
#[doc(hidden)]
pub fn dot_reference<C: Code, R: RandomBits + ?Sized>(
    lm: &LMul,
    a: &[C],
    b: &[C],
    acc: &Accumulator,
    rng: &mut R,
) -> Result<StatusAnd<u64>, LmulError> {
    if a.len() != b.len() {
        return Err(LmulError::LengthMismatch {
            a: a.len(),
            b: b.len(),
        });
    }
    Ok(accumulate(
        lm,
        a.iter().zip(b).map(|(x, y)| (x.to_u64(), y.to_u64())),
        acc,
        rng,
    ))
}

/// The matrix product C = A·B with L-Mul products: `a` is m × k, `b` is k × n, `out` is
/// m × n, all row-major. Each `out[i·n + j]` is [`dot`] of row i of A and column j of B
/// (summed over p = 0, 1, …, k − 1 in that order, from +0) as a code of `acc.format`.
/// Returns the union of all flags. Nothing is written when the shapes do not match or
/// the output code type is narrower than the accumulator format. Nothing is allocated,
/// except on the fast path (fp32 accumulator, ties to even; see the
/// [module docs](self#dot-products-and-matrix-products)) with the `alloc` feature for a
/// format of at most 8 bits and m·k·n ≥ 2^20: a table of all 2^16 products (128 KiB).
///
/// ```
/// use lowprec::{FloatFormat, Overflow, SplitMix64};
/// use lowprec::lmul::{self, LMul};
/// let f = FloatFormat::BF16;
/// let lm = LMul::guarded(f, Overflow::Ieee);
/// let bf = |x: f32| half::bf16::from_f32(x).to_bits();
/// let a = [bf(1.0), bf(2.0), bf(0.5), bf(-1.0)]; // 2 × 2
/// let b = [bf(1.0), bf(0.0), bf(1.0), bf(4.0)]; // 2 × 2
/// let mut out = [0u32; 4];
/// lmul::matmul(&lm, &a, &b, &mut out, 2, 2, 2, &lmul::DEFAULT_ACCUMULATOR, &mut SplitMix64::new(0)).unwrap();
/// // Powers of two have zero fractions: each product is exact × (1 + 2^-4).
/// let c: Vec<f32> = out.iter().map(|&c| f32::from_bits(c)).collect();
/// assert_eq!(c, [3.1875, 8.5, -0.53125, -4.25]);
/// let mut small = [0u32; 3];
/// assert!(lmul::matmul(&lm, &a, &b, &mut small, 2, 2, 2, &lmul::DEFAULT_ACCUMULATOR, &mut SplitMix64::new(0)).is_err());
/// ```
#[allow(clippy::too_many_arguments)]
pub fn matmul<C: Code, D: Code, R: RandomBits + ?Sized>(
    lm: &LMul,
    a: &[C],
    b: &[C],
    out: &mut [D],
    m: usize,
    k: usize,
    n: usize,
    acc: &Accumulator,
    rng: &mut R,
) -> Result<Status, LmulError> {
    check_shapes::<D>(a.len(), b.len(), out.len(), m, k, n, acc)?;
    if fast::eligible(lm, acc) {
        let mut exact = |i: usize, j: usize| matmul_entry(lm, a, b, k, n, i, j, acc, rng);
        return Ok(fast::matmul(lm, a, b, out, k, n, acc, &mut exact));
    }
    Ok(matmul_exact(lm, a, b, out, m, k, n, acc, rng))
}

/// [`matmul`] always by the exact path, never the fast one: the reference the fast path
/// is tested against.
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn matmul_reference<C: Code, D: Code, R: RandomBits + ?Sized>(
    lm: &LMul,
    a: &[C],
    b: &[C],
    out: &mut [D],
    m: usize,
    k: usize,
    n: usize,
    acc: &Accumulator,
    rng: &mut R,
) -> Result<Status, LmulError> {
    check_shapes::<D>(a.len(), b.len(), out.len(), m, k, n, acc)?;
    Ok(matmul_exact(lm, a, b, out, m, k, n, acc, rng))
}

/// The shape and code-width checks of [`matmul`].
fn check_shapes<D: Code>(
    a: usize,
    b: usize,
    out: usize,
    m: usize,
    k: usize,
    n: usize,
    acc: &Accumulator,
) -> Result<(), LmulError> {
    let size = |r: usize, c: usize| r.checked_mul(c).ok_or(LmulError::DimensionOverflow);
    for (operand, expected, got) in [
        (Operand::A, size(m, k)?, a),
        (Operand::B, size(k, n)?, b),
        (Operand::Out, size(m, n)?, out),
    ] {
        if expected != got {
            return Err(LmulError::Shape {
                operand,
                expected,
                got,
            });
        }
    }
    if acc.format.width() > D::BITS {
        return Err(LmulError::CodeTooNarrow {
            format_bits: acc.format.width(),
            code_bits: D::BITS,
        });
    }
    Ok(())
}

/// One output of the matrix product by the exact path: row i of A times column j of B.
#[allow(clippy::too_many_arguments)]
fn matmul_entry<C: Code, R: RandomBits + ?Sized>(
    lm: &LMul,
    a: &[C],
    b: &[C],
    k: usize,
    n: usize,
    i: usize,
    j: usize,
    acc: &Accumulator,
    rng: &mut R,
) -> StatusAnd<u64> {
    let a_row = a.get(i * k..(i + 1) * k).unwrap_or(&[]);
    let pairs = a_row
        .iter()
        .zip(b.iter().skip(j).step_by(n.max(1)))
        .map(|(x, y)| (x.to_u64(), y.to_u64()));
    accumulate(lm, pairs, acc, rng)
}

/// The exact path of [`matmul`] (shapes already checked): each output by
/// [`matmul_entry`], row by row.
#[allow(clippy::too_many_arguments)]
fn matmul_exact<C: Code, D: Code, R: RandomBits + ?Sized>(
    lm: &LMul,
    a: &[C],
    b: &[C],
    out: &mut [D],
    m: usize,
    k: usize,
    n: usize,
    acc: &Accumulator,
    rng: &mut R,
) -> Status {
    let mut status = Status::OK;
    for (i, row) in out.chunks_exact_mut(n.max(1)).enumerate().take(m) {
        for (j, o) in row.iter_mut().enumerate() {
            let r = matmul_entry(lm, a, b, k, n, i, j, acc, rng);
            status |= r.status;
            *o = D::from_u64(r.value);
        }
    }
    status
}

/// The accumulation loop shared by [`dot`] and [`matmul`]: the core's loop of
/// [`FloatFormat::dot`], with the L-Mul product in place of the exact one.
fn accumulate<R: RandomBits + ?Sized>(
    lm: &LMul,
    pairs: impl Iterator<Item = (u64, u64)>,
    acc: &Accumulator,
    rng: &mut R,
) -> StatusAnd<u64> {
    let products = pairs.map(|(x, y)| {
        let p = lm.mul_with(x, y);
        (lm.format.decode(p.value), p.status)
    });
    crate::float::dot::accumulate(products, acc, rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SplitMix64;
    use alloc::vec::Vec;

    fn f32code(x: f32) -> u64 {
        u64::from(x.to_bits())
    }

    #[test]
    fn golden_values_fp32() {
        let lm = LMul::paper(FloatFormat::FP32);
        let p = |x: f32, y: f32| lm.mul(f32code(x), f32code(y)) as u32;
        assert_eq!(f32::from_bits(p(1.0, 1.0)), 1.0625);
        assert_eq!(f32::from_bits(p(1.5, 1.5)), 2.125);
        assert_eq!(f32::from_bits(p(1.75, 1.75)), 3.125);
        assert_eq!(f32::from_bits(p(-2.0, 3.0)), -6.25);
        assert_eq!(p(3.6, 2.1), 0x40F4_CCCC);
        assert_eq!(f32::from_bits(p(0.0, 0.0)), 4.25);
        // Guarded gives the same values for normal operands, and 0 for zeros.
        let g = LMul::guarded(FloatFormat::FP32, Overflow::Ieee);
        for (x, y) in [
            (1.0f32, 1.0f32),
            (1.5, 1.5),
            (1.75, 1.75),
            (-2.0, 3.0),
            (3.6, 2.1),
        ] {
            assert_eq!(g.mul(f32code(x), f32code(y)), u64::from(p(x, y)));
        }
        assert_eq!(g.mul(0, 0), 0);
    }

    #[test]
    fn eq1_and_bit_form_differ_on_carry() {
        let lm = LMul::paper(FloatFormat::FP32);
        let x = f32code(1.75);
        let to_f64 = |e: Exact| {
            f64::from_bits(
                FloatFormat::FP64
                    .round(e, Round::NEAREST_EVEN, &mut SplitMix64::new(0))
                    .value,
            )
        };
        assert_eq!(to_f64(lm.eq1(x, x)), 2.5625);
        assert_eq!(f32::from_bits(lm.mul(x, x) as u32), 3.125);
        // Without a carry both agree: 1.25 × 1.25 = 1 + .25 + .25 + 1/16.
        let y = f32code(1.25);
        assert_eq!(to_f64(lm.eq1(y, y)), 1.5625);
        assert_eq!(f32::from_bits(lm.mul(y, y) as u32), 1.5625);
        // A double carry in bf16: 1.96875² → 4 (bit form), 3 (Eq. 1).
        let b = LMul::paper(FloatFormat::BF16);
        assert_eq!(b.mul(0x3FFC, 0x3FFC), 0x4080);
        assert_eq!(to_f64(b.eq1(0x3FFC, 0x3FFC)), 3.0);
    }

    /// Guarded results in the layouts beyond IEEE/FN/FNUZ, derived by hand from
    /// S = |x| + |y| − C and the layouts' codes (the HLS kernel is compared exhaustively
    /// in tests/lmul_hls.rs).
    #[test]
    fn guarded_special_layouts() {
        let g = |name: &str, ov: Overflow, a: u64, b: u64| {
            let f: FloatFormat = name.parse().unwrap();
            let r = LMul::guarded(f, ov).mul_with(a, b);
            (r.value, r.status)
        };
        let (ieee, sat, prop) = (Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate);
        let uf = Status::UNDERFLOW | Status::INEXACT;
        let of = Status::OVERFLOW | Status::INEXACT;
        // MX FP4 E2M1 (C = 1): 1 × 1 = 1.5; no ∞ and no NaN, so overflow saturates under
        // every policy; a subnormal operand gives ±0 (−0 exists).
        assert_eq!(g("e2m1", ieee, 0x2, 0x2), (0x3, Status::OK));
        for ov in [ieee, sat, prop] {
            assert_eq!(g("e2m1", ov, 0x7, 0x7), (0x7, of));
            assert_eq!(g("e2m1", ov, 0x7, 0xF), (0xF, of));
        }
        assert_eq!(g("e2m1", ieee, 0x1, 0xF).0, 0x8);
        // P3109 binary8p3se (C = 63): NaN 0x80, ±∞ 0x7F/0xFF, max 0x7E, no −0.
        assert_eq!(g("binary8p3se", ieee, 0x7E, 0x7E), (0x7F, of));
        assert_eq!(g("binary8p3se", ieee, 0xFE, 0x7E), (0xFF, of));
        assert_eq!(g("binary8p3se", sat, 0xFE, 0x7E), (0xFE, of));
        assert_eq!(g("binary8p3se", prop, 0x7E, 0x7E), (0x7E, of));
        assert_eq!(g("binary8p3se", prop, 0xFF, 0x40), (0xFF, Status::OK));
        assert_eq!(g("binary8p3se", sat, 0xFF, 0x40).0, 0xFE);
        assert_eq!(g("binary8p3se", ieee, 0x7F, 0x00), (0x80, Status::INVALID));
        assert_eq!(g("binary8p3se", ieee, 0x80, 0x40).0, 0x80);
        assert_eq!(g("binary8p3se", ieee, 0xC0, 0x00), (0x00, Status::OK));
        assert_eq!(g("binary8p3se", ieee, 0x84, 0x04), (0x00, uf));
        // binary8p3sf: no ∞, max 0x7F; IEEE overflow is the (unsigned) NaN.
        assert_eq!(g("binary8p3sf", ieee, 0xFF, 0x7F), (0x80, of));
        assert_eq!(g("binary8p3sf", prop, 0xFF, 0x7F), (0xFF, of));
        // Unsigned binary8p3ue (C = 127): NaN 0xFF, ∞ 0xFE, max 0xFD.
        assert_eq!(g("binary8p3ue", ieee, 0xFD, 0xFD), (0xFE, of));
        assert_eq!(g("binary8p3ue", sat, 0xFD, 0xFD), (0xFD, of));
        assert_eq!(g("binary8p3ue", ieee, 0xFE, 0x00).0, 0xFF);
        // IEEE-style E5M0 has ∞ (0x1F) but no NaN: ∞ × 0 is +0 with `invalid`.
        assert_eq!(g("e5m0", ieee, 0x1F, 0x00), (0x00, Status::INVALID));
        assert_eq!(g("e5m0", ieee, 0x1F, 0x2F), (0x3F, Status::OK));
        // E8M0 (C = 126): 1 × 1 = 2 (M = 0: the offset is 2^0); no zero, so the smallest
        // values give the smallest value; 0xFF is NaN.
        assert_eq!(g("e8m0", ieee, 0x7F, 0x7F), (0x80, Status::OK));
        assert_eq!(g("e8m0", ieee, 0x00, 0x00), (0x00, uf));
        assert_eq!(g("e8m0", ieee, 0xFE, 0xFE), (0xFF, of));
        assert_eq!(g("e8m0", sat, 0xFE, 0xFE), (0xFE, of));
        assert_eq!(g("e8m0", ieee, 0xFF, 0x7F).0, 0xFF);
    }

    /// In a signed format without zero a product below the smallest magnitude is
    /// ±2^emin with the product's sign ([`FloatFormat::round`] returns +2^emin for both).
    #[test]
    fn no_zero_underflow_keeps_the_sign() {
        let f: FloatFormat = "e4m3:nozero:nosub".parse().unwrap();
        let lm = LMul::guarded(f, Overflow::Ieee);
        let uf = Status::UNDERFLOW | Status::INEXACT;
        assert_eq!(lm.mul_with(0x80, 0x00), StatusAnd::new(0x80, uf));
        assert_eq!(lm.mul_with(0x80, 0x80), StatusAnd::new(0x00, uf));
        assert_eq!(lm.mul_with(0x00, 0x00), StatusAnd::new(0x00, uf));
    }

    /// The inline common case of [`Mode::Guarded`] gives the general path's bits: every
    /// pair of codes of every format of at most 8 bits (k = M and k = 1, every policy),
    /// and for bf16, fp16, tf32 and fp32 every pair of a dense band around 1 and the
    /// ends of the range plus a million random pairs.
    #[test]
    fn guarded_common_case_is_the_general_path() {
        let parsed = [
            "binary8p3se",
            "binary8p3sf",
            "binary8p3ue",
            "binary8p4se",
            "e4m3:nozero:nosub",
            "e5m0",
            "e3m4",
        ]
        .map(|n| n.parse::<FloatFormat>().ok());
        let presets = FloatFormat::PRESETS.map(|(_, f)| Some(f));
        let policies = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];
        let same = |lm: &LMul, a: u64, b: u64| {
            assert_eq!(
                lm.mul_guarded(a, b),
                lm.mul_guarded_general(a, b),
                "{lm:?} {a:#x} {b:#x}"
            );
        };
        let mut small = 0;
        for f in presets.into_iter().chain(parsed).flatten() {
            if f.width() > 8 {
                continue;
            }
            small += 1;
            for ov in policies {
                for lm in [LMul::guarded(f, ov), LMul::guarded(f, ov).with_k(1)] {
                    for a in 0..(1u64 << f.width()) {
                        for b in 0..(1u64 << f.width()) {
                            same(&lm, a, b);
                        }
                    }
                }
            }
        }
        assert!(small >= 15, "{small}");
        let mut rng = SplitMix64::new(11);
        for f in [
            FloatFormat::BF16,
            FloatFormat::FP16,
            FloatFormat::TF32,
            FloatFormat::FP32,
        ] {
            let w = f.width();
            let m = f.man_bits();
            let one = (f.bias() as u64) << m;
            // 2^9 codes around 1, the smallest and the largest codes, both signs.
            let band: Vec<u64> = (0..128u64)
                .flat_map(|i| {
                    [
                        one - 64 + i,
                        i,
                        f.mag_mask() - i,
                        (one << 1).min(f.mag_mask()) - i,
                    ]
                })
                .flat_map(|c| [c, c | f.sign_bit()])
                .collect();
            for ov in policies {
                for lm in [LMul::guarded(f, ov), LMul::guarded(f, ov).with_k(3)] {
                    for &a in &band {
                        for &b in &band {
                            same(&lm, a, b);
                        }
                    }
                    for _ in 0..(1 << 17) {
                        let (a, b) = (rng.next_u64(), rng.next_u64());
                        same(&lm, a & ((1 << w) - 1), b & ((1 << w) - 1));
                    }
                }
            }
        }
    }

    #[test]
    fn constants_per_format() {
        let c = |f: FloatFormat| LMul::paper(f).offset_constant();
        assert_eq!(c(FloatFormat::FP32), 0x3F78_0000);
        assert_eq!(c(FloatFormat::BF16), 0x3F78);
        assert_eq!(c(FloatFormat::FP16), 0x3BC0);
        assert_eq!(c(FloatFormat::E4M3), 0x37);
        assert_eq!(c(FloatFormat::E4M3FN), 0x37);
        assert_eq!(c(FloatFormat::E5M2), 0x3B);
    }
}
