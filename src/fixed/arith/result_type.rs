//! The result types of exact arithmetic ([`WideFormat`]: the headers' `RType`, `rt` and
//! `rt_unary` rules) and why an operation has none ([`ArithError`]).

use crate::fixed::format::{Family, FixedFormat};
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
    pub(super) width: u8,
    pub(super) signed: bool,
    /// Whose rules the value follows (`ApInt`: an `ap_int_base` integer type).
    pub(super) family: Family,
    pub(super) int_bits: i32,
}

/// The family of a result: the operands' when they agree, otherwise `ap_fixed`
/// (`ap_int` with `ap_fixed` gives `ap_fixed` in C++; C++ has no mix with `ac_fixed`).
#[inline(always)]
pub(super) const fn join(a: Family, b: Family) -> Family {
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
