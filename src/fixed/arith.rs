//! Full-precision fixed-point arithmetic with the headers' result types.
//!
//! An operation on two fixed-point values gives an exact [`Wide`] value whose type
//! ([`WideFormat`]: an `ap_fixed_base<W, I, S>`, `ap_int_base<W, S>` or
//! `ac_fixed<W, I, S>` with W ≤ 128) follows the headers. `ap_fixed.h` (`RType`) and
//! `ac_fixed.h` (`rt`, `rt_unary`) spell the same result types:
//!
//! | operation | result W, I, S |
//! |---|---|
//! | a × b | W1 + W2, I1 + I2, S1 ∨ S2 |
//! | a + b | I = max(I1 + (S2 ∧ ¬S1), I2 + (S1 ∧ ¬S2)) + 1, F = max(F1, F2), S1 ∨ S2 |
//! | a − b | as a + b, always signed |
//! | a ÷ b | S2 + W1 + max(F2, 0), S2 + I1 + F2, S1 ∨ S2 |
//! | −a | W + 1, I + 1, signed |
//!
//! The families differ in the values of two operations, and in nothing else:
//!
//! | | `ap_fixed` | `ac_fixed` |
//! |---|---|---|
//! | a ÷ b | (a.raw · 2^max(F2,0)) / b.raw truncated toward zero, computed in the header's dividend width, so min ÷ −1 LSB wraps to min | the same quotient, exact: the dividend is widened by one bit for the sign, so min ÷ −1 LSB gives −min |
//! | a < b, a == b, a > b | C's usual arithmetic conversions once a signed and an unsigned operand reach 32 bits ([`Wide::header_compare`]) | exact (unsigned values carry a zero sign bit) |
//!
//! The family of a result is the operands' when they agree; `ap_int` with `ap_fixed`
//! gives `ap_fixed`, as in C++. Mixing `ac_fixed` with `ap_fixed`/`ap_int`, which C++
//! does not allow, follows the `ap_fixed` rules.
//!
//! Intermediates are `i128`: products always fit (W1 + W2 ≤ 128). Sums, differences and
//! quotients fit when their result width is at most 128, i.e. whenever the binary points
//! of the operands are less than about 63 bits apart; otherwise the operation returns
//! [`ArithError::TooWide`] (with the width C++ would use) instead of overflowing. A value
//! is rounded and overflowed only when it is written into a [`FixedFormat`]
//! ([`Wide::cast`]); `a op= b` is `a = cast(a op b)`, and for + and − it takes an exact
//! path that has no width limit.

use super::cast::{Scaled, int_part, sign_mag};
use super::format::Family;
use super::format::FixedFormat;
use crate::float::Exact;
use crate::rounding::{Discarded, Status, StatusAnd};
use crate::split::{Split, split_at};
use crate::u256::U256;
use core::cmp::Ordering;
use core::fmt;

/// Largest |integer bits| of an intermediate type.
const MAX_WIDE_INT_BITS: i64 = 1 << 20;

/// Why an arithmetic operation has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithError {
    /// The exact result type would be wider than 128 bits (the width it needs).
    TooWide {
        /// The width of the result type.
        width: i64,
    },
    /// The integer bits of the result type left ±2²⁰.
    IntBits,
    /// Division by zero.
    DivByZero,
}

impl fmt::Display for ArithError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ArithError::TooWide { width } => write!(
                f,
                "the exact result needs {width} bits, more than the 128 of the intermediate"
            ),
            ArithError::IntBits => f.write_str("the result's integer bits leave ±2^20"),
            ArithError::DivByZero => f.write_str("division by zero"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ArithError {}

/// The type of an exact arithmetic result: `ap_fixed_base<W, I, S>`, `ap_int_base<W, S>`
/// or `ac_fixed<W, I, S>` with W ≤ 128 and the default modes (results are never
/// rounded).
///
/// It keeps the C++ family ([`Family`]) because the families compute some results
/// differently (see [`crate::fixed`], Semantics).
///
/// ```
/// use lowprec::fixed::{Family, FixedFormat, WideFormat};
/// let a = FixedFormat::ap_fixed(16, 6)?.wide();
/// let p = a.mul(a)?;
/// assert_eq!((p.width(), p.int_bits(), p.is_signed()), (32, 12, true));
/// let u = FixedFormat::ap_ufixed(8, 8)?.wide();
/// let s = u.add(FixedFormat::ap_fixed(8, 2)?.wide())?; // I = max(8 + 1, 2) + 1, F = 6
/// assert_eq!((s.width(), s.int_bits()), (16, 10));
/// let c: FixedFormat = "ac_fixed<8,3,false,AC_RND,AC_SAT>".parse()?;
/// let q = c.wide().div(c.wide())?; // ac_fixed<8 + 5, 3 + 5, false>
/// assert_eq!((q.to_string().as_str(), q.family()), ("ac_fixed<13,8,false>", Family::AcFixed));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WideFormat {
    width: u8,
    signed: bool,
    /// Whose rules the value follows (`ApInt`: an `ap_int_base` integer type).
    family: Family,
    int_bits: i32,
}

/// The family of a result: the operands' when they agree, otherwise `ap_fixed`
/// (`ap_int` with `ap_fixed` gives `ap_fixed` in C++; C++ has no mix with `ac_fixed`).
#[inline(always)]
const fn join(a: Family, b: Family) -> Family {
    match (a, b) {
        (Family::ApInt, Family::ApInt) => Family::ApInt,
        (Family::AcFixed, Family::AcFixed) => Family::AcFixed,
        _ => Family::ApFixed,
    }
}

impl WideFormat {
    /// `ap_fixed_base<W, I, S>`: 1 ≤ W ≤ 128, |I| ≤ 2²⁰.
    #[inline(always)]
    pub const fn new(width: i64, int_bits: i64, signed: bool) -> Result<Self, ArithError> {
        Self::of_family(width, int_bits, signed, Family::ApFixed)
    }

    /// `ap_int_base<W, S>`: an integer type (I = W), whose division the header computes
    /// without ap_fixed's dividend-width wrap.
    #[inline(always)]
    pub const fn integer(width: i64, signed: bool) -> Result<Self, ArithError> {
        Self::of_family(width, width, signed, Family::ApInt)
    }

    /// `ac_fixed<W, I, S>` (modes `AC_TRN`, `AC_WRAP`): 1 ≤ W ≤ 128, |I| ≤ 2²⁰.
    ///
    /// ```
    /// use lowprec::fixed::WideFormat;
    /// let f = WideFormat::ac(40, -3, false)?;
    /// assert_eq!(f.to_string(), "ac_fixed<40,-3,false>");
    /// assert!(WideFormat::ac(129, 0, true).is_err());
    /// # Ok::<(), lowprec::fixed::ArithError>(())
    /// ```
    #[inline(always)]
    pub const fn ac(width: i64, int_bits: i64, signed: bool) -> Result<Self, ArithError> {
        Self::of_family(width, int_bits, signed, Family::AcFixed)
    }

    /// The type ⟨W, I, S⟩ of a family (for `ApInt`, I must equal W).
    #[inline(always)]
    const fn of_family(
        width: i64,
        int_bits: i64,
        signed: bool,
        family: Family,
    ) -> Result<Self, ArithError> {
        if width < 1 || width > 128 {
            return Err(ArithError::TooWide { width });
        }
        if int_bits < -MAX_WIDE_INT_BITS || int_bits > MAX_WIDE_INT_BITS {
            return Err(ArithError::IntBits);
        }
        Ok(Self {
            width: width as u8,
            signed,
            family,
            int_bits: int_bits as i32,
        })
    }

    /// Whether this is an integer (`ap_int_base`) type.
    pub const fn is_integer(&self) -> bool {
        matches!(self.family, Family::ApInt)
    }

    /// The C++ family whose rules the value follows: `ApFixed` (`ap_fixed_base`),
    /// `ApInt` (`ap_int_base`) or `AcFixed` (`ac_fixed`).
    #[inline(always)]
    pub const fn family(&self) -> Family {
        self.family
    }

    /// Width W.
    #[inline(always)]
    pub const fn width(&self) -> u32 {
        self.width as u32
    }
    /// Integer bits I.
    #[inline(always)]
    pub const fn int_bits(&self) -> i32 {
        self.int_bits
    }
    /// Fraction bits F = W − I.
    #[inline(always)]
    pub const fn frac_bits(&self) -> i32 {
        self.width as i32 - self.int_bits
    }
    /// Whether the type is signed.
    #[inline(always)]
    pub const fn is_signed(&self) -> bool {
        self.signed
    }

    /// The type of a × b.
    #[inline(always)]
    pub const fn mul(self, b: WideFormat) -> Result<Self, ArithError> {
        Self::of_family(
            self.width as i64 + b.width as i64,
            self.int_bits as i64 + b.int_bits as i64,
            self.signed || b.signed,
            join(self.family, b.family),
        )
    }

    /// The integer bits of a ± b.
    #[inline(always)]
    const fn sum_int(self, b: WideFormat) -> i64 {
        let i1 = self.int_bits as i64 + (b.signed && !self.signed) as i64;
        let i2 = b.int_bits as i64 + (self.signed && !b.signed) as i64;
        (if i1 > i2 { i1 } else { i2 }) + 1
    }

    #[inline(always)]
    const fn max_frac(self, b: WideFormat) -> i64 {
        let (f1, f2) = (self.frac_bits() as i64, b.frac_bits() as i64);
        if f1 > f2 { f1 } else { f2 }
    }

    /// The type of a + b.
    #[inline(always)]
    pub const fn add(self, b: WideFormat) -> Result<Self, ArithError> {
        let i = self.sum_int(b);
        Self::of_family(
            i + self.max_frac(b),
            i,
            self.signed || b.signed,
            join(self.family, b.family),
        )
    }

    /// The type of a − b (always signed).
    #[inline(always)]
    pub const fn sub(self, b: WideFormat) -> Result<Self, ArithError> {
        let i = self.sum_int(b);
        Self::of_family(i + self.max_frac(b), i, true, join(self.family, b.family))
    }

    /// The type of a ÷ b.
    #[inline(always)]
    pub const fn div(self, b: WideFormat) -> Result<Self, ArithError> {
        let f2 = b.frac_bits() as i64;
        let s2 = b.signed as i64;
        Self::of_family(
            s2 + self.width as i64 + if f2 > 0 { f2 } else { 0 },
            s2 + self.int_bits as i64 + f2,
            self.signed || b.signed,
            join(self.family, b.family),
        )
    }

    /// The type of −a.
    #[inline(always)]
    pub const fn neg(self) -> Result<Self, ArithError> {
        if self.is_integer() {
            // ap_int's −a is 0 − a: max(W, 1 + S) + 1 bits (ap_int<1> gives ap_int<3>).
            let w = self.width as i64;
            let w = if w > 1 + self.signed as i64 {
                w
            } else {
                1 + self.signed as i64
            };
            return Self::integer(w + 1, true);
        }
        Self::of_family(
            self.width as i64 + 1,
            self.int_bits as i64 + 1,
            true,
            self.family,
        )
    }
}

impl fmt::Display for WideFormat {
    /// `ap_fixed<W,I>`, `ap_ufixed<W,I>`, `ap_int<W>`, `ap_uint<W>` or `ac_fixed<W,I,S>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = if self.signed { "" } else { "u" };
        match self.family {
            Family::ApInt => write!(f, "ap_{u}int<{}>", self.width),
            Family::ApFixed => write!(f, "ap_{u}fixed<{},{}>", self.width, self.int_bits),
            Family::AcFixed => write!(
                f,
                "ac_fixed<{},{},{}>",
                self.width, self.int_bits, self.signed
            ),
        }
    }
}

impl FixedFormat {
    /// The format as an intermediate type (same W, I, S and family; modes dropped).
    pub const fn wide(&self) -> WideFormat {
        WideFormat {
            width: self.width() as u8,
            signed: self.is_signed(),
            family: self.family(),
            int_bits: self.int_bits(),
        }
    }
}

/// An exact fixed-point value of a [`WideFormat`]: the result of arithmetic before it is
/// written into a [`FixedFormat`].
///
/// The raw integer is an `i128`; for an unsigned 128-bit type it holds the bit pattern.
///
/// ```
/// use lowprec::fixed::{FixedFormat, Wide};
/// let a: FixedFormat = "ap_fixed<8,4>".parse()?;
/// let out: FixedFormat = "ap_fixed<6,3,AP_RND,AP_SAT>".parse()?;
/// let x = Wide::from_bits(&a, a.from_f64(1.75).value);
/// let y = Wide::from_bits(&a, a.from_f64(-2.5).value);
/// let p = x.mul(&y)?;                      // exact: -4.375 in ap_fixed<16,8>
/// assert_eq!((p.format().width(), p.format().int_bits(), p.to_f64()), (16, 8, -4.375));
/// assert_eq!(out.to_f64(p.cast(&out).value), -4.0); // saturates at -4
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Wide {
    raw: i128,
    format: WideFormat,
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
        let (neg, mag) = sign_mag(self.raw, self.format.signed);
        let x = Exact::from_parts(neg, mag, -self.format.frac_bits());
        let r = crate::FloatFormat::FP64.round(
            x,
            crate::Rounding::TiesToEven,
            crate::Overflow::Ieee,
            &mut crate::rounding::NoRandom,
        );
        f64::from_bits(r.value)
    }

    /// Writes the value into a fixed-point format: quantization, then overflow.
    #[inline(always)]
    pub fn cast(&self, to: &FixedFormat) -> StatusAnd<u64> {
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

    /// Compares the exact values of two values of any types.
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// let a = FixedFormat::ap_ufixed(8, 8)?;
    /// let b = FixedFormat::ap_fixed(8, 1)?;
    /// let x = Wide::from_bits(&a, 0);          // 0
    /// let y = Wide::from_bits(&b, 0xFF);       // -2^-7
    /// assert_eq!(x.cmp_value(&y), core::cmp::Ordering::Greater);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cmp_value(&self, b: &Wide) -> Ordering {
        // Two finite exact values without sticky bits: always ordered.
        self.to_exact()
            .cmp_value(&b.to_exact())
            .unwrap_or(Ordering::Equal)
    }
}

impl Wide {
    /// The headers' comparison operators (`<`, `==`, `>`), as `(a < b, a == b, a > b)`.
    ///
    /// For `ac_fixed` operands this is the exact comparison ([`cmp_value`](Wide::cmp_value)):
    /// `ac_fixed` keeps unsigned values with a zero sign bit and compares two's
    /// complement words. For `ap_fixed`/`ap_int` it equals the exact comparison except
    /// when one operand is signed and the other unsigned and one of the (aligned) widths
    /// is at least 32 bits: then the headers follow C's usual arithmetic conversions and
    /// compare bit patterns as unsigned, so a negative value compares greater than a
    /// non-negative one (and `==` compares the patterns modulo 2^max(W1, W2, 32)).
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// let s = FixedFormat::ap_int(32, true)?;
    /// let u = FixedFormat::ap_int(32, false)?;
    /// let (a, b) = (Wide::from_bits(&s, s.bits_of(-1)), Wide::from_bits(&u, 1));
    /// assert_eq!(a.header_compare(&b), (false, false, true)); // -1 > 1u, as in C
    /// assert_eq!(a.cmp_value(&b), core::cmp::Ordering::Less);
    /// let s: FixedFormat = "ac_fixed<32,32,true>".parse()?;
    /// let u: FixedFormat = "ac_fixed<32,32,false>".parse()?;
    /// let (a, b) = (Wide::from_bits(&s, s.bits_of(-1)), Wide::from_bits(&u, 1));
    /// assert_eq!(a.header_compare(&b), (true, false, false)); // ac_fixed: -1 < 1
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn header_compare(&self, b: &Wide) -> (bool, bool, bool) {
        let exact = self.cmp_value(b);
        let (fa, fb) = (self.format.frac_bits(), b.format.frac_bits());
        let (mut wa, mut wb) = (i64::from(self.format.width()), i64::from(b.format.width()));
        // The operand with fewer fraction bits is widened (a gets one more integer bit).
        if fa > fb {
            wb += i64::from(fa) - i64::from(fb);
        } else if fa < fb {
            wa += i64::from(fb) - i64::from(fa) + 1;
        }
        let (sa, sb) = (self.format.signed, b.format.signed);
        let exact_result = (
            exact == Ordering::Less,
            exact == Ordering::Equal,
            exact == Ordering::Greater,
        );
        if sa == sb || join(self.format.family, b.format.family) == Family::AcFixed {
            return exact_result;
        }
        let (na, nb) = (sa && self.raw < 0, sb && b.raw < 0);
        // `==`: the patterns modulo 2^M (only a negative value against a large unsigned
        // one can differ from the exact answer).
        let m = wa.max(wb).max(32);
        let eq = if exact == Ordering::Equal {
            true
        } else if (na || nb) && m <= 120 {
            let (neg, pos) = if na { (self, b) } else { (b, self) };
            let f = fa.max(fb);
            let align = |w: &Wide| -> Option<i128> {
                let sh = (f - w.format.frac_bits()) as u32;
                w.raw.checked_mul(1i128.checked_shl(sh)?)
            };
            match (align(neg), align(pos)) {
                (Some(v), Some(u)) => v + (1i128 << m) == u,
                _ => false,
            }
        } else {
            false
        };
        if wa < 32 && wb < 32 {
            return (exact_result.0, eq, exact_result.2);
        }
        // The unsigned comparison applies when the unsigned operand is at least as wide.
        let unsigned_cmp = if sa { wb >= wa } else { wa >= wb };
        if !unsigned_cmp || !(na || nb) {
            return (exact_result.0, eq, exact_result.2);
        }
        // The negative (signed) operand's pattern is the larger one.
        if na {
            (false, eq, true)
        } else {
            (true, eq, false)
        }
    }
}

/// Casts a ± b into `to` exactly, whatever the distance between the binary points: the
/// path of `op=` when the intermediate type would be wider than 128 bits.
#[cold]
#[inline(never)]
fn cast_sum(
    to: &FixedFormat,
    a: (bool, u128),
    fa: i32,
    b: (bool, u128),
    fb: i32,
    sub: bool,
) -> StatusAnd<u64> {
    let (na, ma) = a;
    let (nb, mb) = (b.0 ^ sub, b.1);
    if mb == 0 {
        return to.cast_scaled(Scaled::new(na, ma, -fa, false, to.frac_bits()));
    }
    if ma == 0 {
        return to.cast_scaled(Scaled::new(nb, mb, -fb, false, to.frac_bits()));
    }
    // Align both to the finer quantum in 256 bits. When the operands are far apart, the
    // finer one's bits below 2^−g, g = max(F + 3, hf + 1), are first jammed into one
    // sticky bit: lo becomes odd at the quantum 2^−g while hi is even there (g > hf), so
    // hi ± lo is odd, i.e. the sum rounded to odd 3 or more bits below the target's LSB.
    // An odd value lies strictly between the same target grid points and midpoints as
    // the exact sum, so this changes no rounding decision, no bit at or above the LSB
    // and no overflow. (With g = hf, hi could be odd and hi − lo land on a grid point.)
    let (hi, hf, mut lo, mut lf) = if fa <= fb {
        ((na, ma), fa, (nb, mb), fb)
    } else {
        ((nb, mb), fb, (na, ma), fa)
    };
    let g = (i64::from(to.frac_bits()) + 3).max(i64::from(hf) + 1);
    if i64::from(lf) > g && i64::from(lf) - i64::from(hf) >= 128 {
        // lo's bits at and above 2^−g, and one sticky bit for those below.
        let r = (i64::from(lf) - g).min(256) as i32;
        let Split { kept, d, .. } = split_at(lo.1, 0, false, r);
        lo.1 = kept | u128::from(d.is_inexact());
        lf = g as i32;
    }
    let gap = i64::from(lf) - i64::from(hf);
    if gap > 128 {
        // hi·2^gap ± lo no longer fits 256 bits; it is dominated by hi·2^gap.
        if let Some(s) = dominant_sum(hi, lo, gap, lf, to.frac_bits()) {
            return to.cast_scaled(s);
        }
        // Unreachable (see `dominant_sum`): flag the result as unknown.
        let r = to.cast_scaled(Scaled::new(hi.0, hi.1, -hf, false, to.frac_bits()));
        return StatusAnd::new(r.value, r.status | Status::INVALID);
    }
    // Exact: hi·2^gap + lo ≤ (2¹²⁸ − 1)·2¹²⁸ + 2¹²⁸ − 1 = 2²⁵⁶ − 1 for gap ≤ 128.
    let h = U256::from_u128(hi.1).shl(gap as u32);
    let l = U256::from_u128(lo.1);
    let (neg, mag) = if hi.0 == lo.0 {
        (hi.0, h.add(l))
    } else if l.lt(h) {
        (hi.0, h.sub(l))
    } else {
        (lo.0, l.sub(h))
    };
    to.cast_scaled(Scaled::new(neg, mag, -lf, false, to.frac_bits()))
}

/// The scaled value of M·2^−lf at the quantum 2^−to, with M = hi·2^gap ± lo (the sign of
/// hi, lo's subtracted when their signs differ), for gap > 128: what a cast needs of a
/// sum too wide for 256 bits.
///
/// Since lo < 2¹²⁸ < 2^gap, M has hi's sign. Only ⌊|M|·2^(to−lf)⌋ modulo 2¹²⁸, whether it
/// reaches 2¹²⁸, and the discarded bits matter. `cast_sum` jams lo so that lf ≤
/// max(to + 3, hf + 1), hence lf ≤ to + 3 here (r = lf − to ≤ 3 discarded bits, all of
/// them lo's); `None` if that does not hold.
fn dominant_sum(hi: (bool, u128), lo: (bool, u128), gap: i64, lf: i32, to: i32) -> Option<Scaled> {
    let sub = hi.0 != lo.0;
    let (h, l) = (hi.1, lo.1);
    let s = i64::from(to) - i64::from(lf);
    if s >= 0 {
        // |M|·2^s ≥ (2^gap − 2¹²⁸)·2^s ≥ 2¹²⁸ (gap ≥ 129), and h·2^(gap+s) vanishes
        // modulo 2¹²⁸: the low bits are ±l·2^s.
        let low = if s >= 128 { 0 } else { l << s };
        return Some(Scaled {
            neg: hi.0,
            kept: if sub { low.wrapping_neg() } else { low },
            big: true,
            d: Discarded::EXACT,
            unknown: false,
        });
    }
    let r = s.unsigned_abs();
    if r > 3 {
        return None;
    }
    let r = r as u32;
    let g2 = (gap - i64::from(r)) as u32; // ≥ 126
    let fmask = (1u128 << r) - 1;
    // ⌊(h·2^gap ± l) / 2^r⌋ = h·2^g2 ± c, and the r discarded bits.
    let (c, fbits) = if sub {
        // −l = −⌈l/2^r⌉·2^r + ((−l) mod 2^r).
        (
            (l >> r) + u128::from(l & fmask != 0),
            l.wrapping_neg() & fmask,
        )
    } else {
        (l >> r, l & fmask)
    };
    let (kept, big) = if g2 <= 128 {
        let t = U256::from_u128(h).shl(g2);
        let t = if sub {
            t.sub(U256::from_u128(c))
        } else {
            t.add(U256::from_u128(c))
        };
        (t.lo, t.hi != 0)
    } else {
        // h·2^g2 ∓ c ≥ 2¹²⁹ − 2¹²⁵, and h·2^g2 vanishes modulo 2¹²⁸.
        (if sub { c.wrapping_neg() } else { c }, true)
    };
    Some(Scaled {
        neg: hi.0,
        kept,
        big,
        d: Discarded {
            // The r ≤ 3 bits, left-aligned in 64 bits.
            frac: (fbits as u64) << (64 - r),
            sticky: false,
        },
        unknown: false,
    })
}

impl FixedFormat {
    /// Shifts left by `n` keeping the type (`a << n` in ap_fixed: raw bits move, the low W
    /// bits are kept; no rounding, no saturation).
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// let f = FixedFormat::ap_fixed(8, 4)?;
    /// let x = f.from_f64(1.5).value;
    /// assert_eq!(f.to_f64(f.shl(x, 2)), 6.0);
    /// assert_eq!(f.to_f64(f.shl(x, 3)), -4.0); // wrapped
    /// assert_eq!(f.to_f64(f.shr(f.from_f64(-1.5).value, 4)), -0.125); // arithmetic shift
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    #[inline]
    pub const fn shl(&self, bits: u64, n: u32) -> u64 {
        if n >= 64 {
            0
        } else {
            (bits << n) & self.mask()
        }
    }

    /// Shifts right by `n` keeping the type (arithmetic for signed types; bits shifted out
    /// are dropped, no rounding).
    #[inline]
    pub const fn shr(&self, bits: u64, n: u32) -> u64 {
        let raw = self.raw_of(bits);
        let n = if n > 127 { 127 } else { n };
        self.bits_of(raw >> n)
    }

    /// Compares the values of two fixed-point numbers of any types.
    pub fn cmp_bits(&self, a: u64, other: &FixedFormat, b: u64) -> Ordering {
        Wide::from_bits(self, a).cmp_value(&Wide::from_bits(other, b))
    }

    /// `a op= b` for + and −: casts the exact a ± b (a of this format, b of any) into this
    /// format, with no limit on the distance between the binary points.
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// let acc: FixedFormat = "ap_fixed<64,32>".parse()?;
    /// let p = Wide::from_bits(&acc, acc.from_f64(1.5).value)
    ///     .mul(&Wide::from_bits(&acc, acc.from_f64(2.25).value))?; // ap_fixed<128,64>
    /// let a = acc.from_f64(1.0).value;
    /// // a + p would need 129 bits; the assignment does not.
    /// assert!(Wide::from_bits(&acc, a).add(&p).is_err());
    /// assert_eq!(acc.to_f64(acc.add_assign(a, &p).value), 4.375);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline(always)]
    pub fn add_assign(&self, a: u64, b: &Wide) -> StatusAnd<u64> {
        self.sum_assign(a, b, false)
    }

    /// `out = a + b` (or a − b when `sub`) for values of any types: the exact sum cast
    /// into this format, with no limit on the distance between the binary points.
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// let big = FixedFormat::ap_fixed(64, 64)?;
    /// let tiny = FixedFormat::ap_fixed(64, -64)?;
    /// let out: FixedFormat = "ap_fixed<16,8,AP_RND_CONV>".parse()?;
    /// let a = Wide::from_bits(&big, 3);
    /// let b = Wide::from_bits(&tiny, 1); // 2^-128
    /// assert!(a.add(&b).is_err()); // 193 bits
    /// assert_eq!(out.to_f64(out.from_sum(&a, &b, true).value), 3.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline(always)]
    pub fn from_sum(&self, a: &Wide, b: &Wide, sub: bool) -> StatusAnd<u64> {
        let r = if sub { a.sub(b) } else { a.add(b) };
        match r {
            Ok(s) => s.cast(self),
            Err(_) => cast_sum(
                self,
                sign_mag(a.raw, a.format.signed),
                a.format.frac_bits(),
                sign_mag(b.raw, b.format.signed),
                b.format.frac_bits(),
                sub,
            ),
        }
    }

    /// `a -= b`, as [`add_assign`](FixedFormat::add_assign).
    #[inline(always)]
    pub fn sub_assign(&self, a: u64, b: &Wide) -> StatusAnd<u64> {
        self.sum_assign(a, b, true)
    }

    #[inline(always)]
    fn sum_assign(&self, a: u64, b: &Wide, sub: bool) -> StatusAnd<u64> {
        let b = self.assign_operand(b);
        self.from_sum(&Wide::from_bits(self, a), &b, sub)
    }

    /// `a *= b`: the exact product cast into this format.
    #[inline(always)]
    pub fn mul_assign(&self, a: u64, b: &Wide) -> StatusAnd<u64> {
        let b = self.assign_operand(b);
        match Wide::from_bits(self, a).mul(&b) {
            Ok(p) => p.cast(self),
            // W ≤ 64 and the operand ≤ 64 bits (or an integer of at most 64 + … bits).
            Err(_) => StatusAnd::new(a, Status::INVALID),
        }
    }

    /// The right operand of `a op= b` as the header uses it: `ap_int` targets take the
    /// integer part of a fixed-point operand first (`to_ap_int_base()`, truncated toward
    /// zero), in max(I, 1) bits.
    #[inline(always)]
    pub fn assign_operand(&self, b: &Wide) -> Wide {
        if self.family() != Family::ApInt || b.format.frac_bits() <= 0 {
            return *b;
        }
        let i = b.format.int_bits().max(1);
        let int = int_part(b.raw, b.format.frac_bits(), b.format.int_bits(), false);
        match WideFormat::integer(i64::from(i), b.format.signed) {
            Ok(f) => Wide::new(int, f),
            Err(_) => *b,
        }
    }
}
