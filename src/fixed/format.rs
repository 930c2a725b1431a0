//! Fixed-point format descriptors: [`FixedFormat`] and its C++ spellings.

use crate::rounding::Rounding;
use core::fmt;
use core::str::FromStr;

/// Largest accepted |integer bits| of a format (`ap_fixed<8,-8192>` … `ap_fixed<8,8192>`).
pub const MAX_INT_BITS: i32 = 8192;

/// The quantization mode (`ap_q_mode` / `ac_q_mode`): how a value between two
/// representable ones is rounded when it is written into the type.
///
/// Each is a [`Rounding`] of the shared rounding decision ([`Quantization::rounding`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Quantization {
    /// `AP_TRN`: toward −∞ (the default).
    #[default]
    Trn = 0,
    /// `AP_TRN_ZERO`: toward zero.
    TrnZero = 1,
    /// `AP_RND`: nearest, ties toward +∞.
    Rnd = 2,
    /// `AP_RND_ZERO`: nearest, ties toward zero.
    RndZero = 3,
    /// `AP_RND_MIN_INF`: nearest, ties toward −∞.
    RndMinInf = 4,
    /// `AP_RND_INF`: nearest, ties away from zero.
    RndInf = 5,
    /// `AP_RND_CONV`: nearest, ties to even.
    RndConv = 6,
    /// `AC_RND_CONV_ODD`: nearest, ties to odd (ac_fixed only).
    RndConvOdd = 7,
}

impl Quantization {
    /// Every mode, in declaration order.
    pub const ALL: [Quantization; 8] = [
        Quantization::Trn,
        Quantization::TrnZero,
        Quantization::Rnd,
        Quantization::RndZero,
        Quantization::RndMinInf,
        Quantization::RndInf,
        Quantization::RndConv,
        Quantization::RndConvOdd,
    ];

    /// The rounding mode this quantization mode is.
    ///
    /// ```
    /// use lowprec::{Rounding, fixed::Quantization};
    /// assert_eq!(Quantization::RndConv.rounding(), Rounding::TiesToEven);
    /// assert_eq!(Quantization::Trn.rounding(), Rounding::TowardNegative);
    /// ```
    pub const fn rounding(self) -> Rounding {
        match self {
            Quantization::Trn => Rounding::TowardNegative,
            Quantization::TrnZero => Rounding::TowardZero,
            Quantization::Rnd => Rounding::TiesUp,
            Quantization::RndZero => Rounding::TiesToZero,
            Quantization::RndMinInf => Rounding::TiesDown,
            Quantization::RndInf => Rounding::TiesToAway,
            Quantization::RndConv => Rounding::TiesToEven,
            Quantization::RndConvOdd => Rounding::TiesToOdd,
        }
    }

    /// The mode with the given `as u8` code (0 = `Trn` … 7 = `RndConvOdd`).
    pub const fn from_code(code: u8) -> Option<Self> {
        if (code as usize) < Self::ALL.len() {
            Some(Self::ALL[code as usize])
        } else {
            None
        }
    }

    /// The name after the `AP_`/`AC_` prefix: `TRN`, `RND_CONV`, ….
    pub const fn suffix(self) -> &'static str {
        match self {
            Quantization::Trn => "TRN",
            Quantization::TrnZero => "TRN_ZERO",
            Quantization::Rnd => "RND",
            Quantization::RndZero => "RND_ZERO",
            Quantization::RndMinInf => "RND_MIN_INF",
            Quantization::RndInf => "RND_INF",
            Quantization::RndConv => "RND_CONV",
            Quantization::RndConvOdd => "RND_CONV_ODD",
        }
    }
}

/// The overflow mode (`ap_o_mode` / `ac_o_mode`): what happens to a rounded value outside
/// the type's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum OverflowMode {
    /// `AP_SAT`: clamp to the nearest end of the range.
    Sat = 0,
    /// `AP_SAT_ZERO`: overflow gives 0.
    SatZero = 1,
    /// `AP_SAT_SYM`: clamp to ±max (signed types never hold the most negative code).
    SatSym = 2,
    /// `AP_WRAP`: keep the low W bits (with N saturation bits, see [`FixedFormat`]); the default.
    #[default]
    Wrap = 3,
    /// `AP_WRAP_SM`: sign-magnitude wrap (signed ap_fixed only).
    WrapSm = 4,
}

impl OverflowMode {
    /// Every mode, in declaration order.
    pub const ALL: [OverflowMode; 5] = [
        OverflowMode::Sat,
        OverflowMode::SatZero,
        OverflowMode::SatSym,
        OverflowMode::Wrap,
        OverflowMode::WrapSm,
    ];

    /// The mode with the given `as u8` code (0 = `Sat` … 4 = `WrapSm`).
    pub const fn from_code(code: u8) -> Option<Self> {
        if (code as usize) < Self::ALL.len() {
            Some(Self::ALL[code as usize])
        } else {
            None
        }
    }

    /// The name after the `AP_`/`AC_` prefix: `SAT`, `WRAP_SM`, ….
    pub const fn suffix(self) -> &'static str {
        match self {
            OverflowMode::Sat => "SAT",
            OverflowMode::SatZero => "SAT_ZERO",
            OverflowMode::SatSym => "SAT_SYM",
            OverflowMode::Wrap => "WRAP",
            OverflowMode::WrapSm => "WRAP_SM",
        }
    }
}

/// Which C++ type family a format models: the same numbers, slightly different rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Family {
    /// Xilinx `ap_fixed` / `ap_ufixed` (`ap_fixed.h`).
    #[default]
    ApFixed,
    /// Xilinx `ap_int` / `ap_uint`: integers (I = W) that truncate toward zero on assignment
    /// from fixed point, and read doubles as `ap_int_base(double)` does.
    ApInt,
    /// Mentor/Siemens `ac_fixed` (`ac_fixed.h`): no N, no WRAP_SM, adds `AC_RND_CONV_ODD`;
    /// `to_int()` floors.
    AcFixed,
}

/// Why a fixed-point format was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixedFormatError {
    /// The width W is outside 1..=64.
    Width(i64),
    /// The integer bits I are outside ±[`MAX_INT_BITS`].
    IntBits(i64),
    /// The number of saturation bits N is larger than W.
    SatBits {
        /// N.
        n: i64,
        /// W.
        width: u32,
    },
    /// `AP_WRAP_SM` on an unsigned type.
    WrapSmUnsigned,
    /// A mode the family does not have (`AC_RND_CONV_ODD` in ap_fixed, `WRAP_SM` or N in
    /// ac_fixed).
    NotInFamily(&'static str),
    /// An unknown quantization mode name.
    UnknownQuantization,
    /// An unknown overflow mode name.
    UnknownOverflow,
    /// The signedness of an `ac_fixed` is neither `true` nor `false`.
    BadSign,
    /// A number that is not an integer (or too large).
    BadNumber,
    /// The text is not a type spelling at all.
    Syntax,
}

impl fmt::Display for FixedFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FixedFormatError::Width(w) => write!(f, "width W must be 1 to 64, got {w}"),
            FixedFormatError::IntBits(i) => write!(
                f,
                "integer bits I must be within -{MAX_INT_BITS} to {MAX_INT_BITS}, got {i}"
            ),
            FixedFormatError::SatBits { n, width } => {
                write!(f, "saturation bits N must be 0 to W = {width}, got {n}")
            }
            FixedFormatError::WrapSmUnsigned => {
                f.write_str("AP_WRAP_SM needs a signed type (ap_ufixed cannot use it)")
            }
            FixedFormatError::NotInFamily(why) => f.write_str(why),
            FixedFormatError::UnknownQuantization => f.write_str(
                "unknown quantization mode: expected AP_TRN, AP_TRN_ZERO, AP_RND, AP_RND_ZERO, \
                 AP_RND_MIN_INF, AP_RND_INF or AP_RND_CONV (ac_fixed: the same with AC_, and \
                 AC_RND_CONV_ODD)",
            ),
            FixedFormatError::UnknownOverflow => f.write_str(
                "unknown overflow mode: expected AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP or \
                 AP_WRAP_SM (ac_fixed: AC_SAT, AC_SAT_ZERO, AC_SAT_SYM or AC_WRAP)",
            ),
            FixedFormatError::BadSign => {
                f.write_str("the signedness of ac_fixed must be true or false")
            }
            FixedFormatError::BadNumber => f.write_str("W, I and N must be integers"),
            FixedFormatError::Syntax => f.write_str(
                "expected ap_fixed<W,I[,Q[,O[,N]]]>, ap_ufixed<…>, ac_fixed<W,I[,S[,Q[,O]]]>, \
                 ap_int<W> or ap_uint<W>",
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FixedFormatError {}

/// A fixed-point format: `ap_[u]fixed<W, I, Q, O, N>`, `ac_fixed<W, I, S, Q, O>`,
/// `ap_[u]int<W>`.
///
/// A value is its raw two's-complement integer of W bits (1 ≤ W ≤ 64); F = W − I is the
/// number of fraction bits, so the value is raw · 2^−F. I may be negative (all bits are
/// fraction bits below the binary point) or larger than W (the LSB weighs more than 1),
/// within ±[`MAX_INT_BITS`]. The modes act only when a value is written into the type
/// (casts, `op=`); arithmetic results are exact (see [`crate::fixed::WideFormat`]).
///
/// `AP_WRAP` with N > 0 saturation bits: on overflow the low W bits are kept, then, for
/// signed types, the MSB is set to the source's sign and the next N − 1 bits to its
/// complement; for unsigned types the top N bits are set to 1. `AP_WRAP_SM`
/// (sign-magnitude wrap) is described in [`crate::fixed`].
///
/// A `FixedFormat` that exists is valid; the constructors check everything once.
///
/// ```
/// use lowprec::fixed::{FixedFormat, Quantization, OverflowMode};
/// let f: FixedFormat = "ap_fixed<12,4,AP_RND,AP_WRAP,2>".parse()?;
/// assert_eq!((f.width(), f.int_bits(), f.frac_bits(), f.is_signed()), (12, 4, 8, true));
/// assert_eq!((f.quantization(), f.overflow(), f.sat_bits()), (Quantization::Rnd, OverflowMode::Wrap, 2));
/// assert_eq!(f.to_string(), "ap_fixed<12,4,AP_RND,AP_WRAP,2>");
/// assert_eq!("ap_ufixed<8, 2>".parse::<FixedFormat>()?.to_string(), "ap_ufixed<8,2>");
/// assert!("ap_ufixed<8,2,AP_TRN,AP_WRAP_SM>".parse::<FixedFormat>().is_err());
/// # Ok::<(), lowprec::fixed::FixedFormatError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixedFormat {
    width: u8,
    signed: bool,
    quant: Quantization,
    overflow: OverflowMode,
    sat_bits: u8,
    family: Family,
    int_bits: i32,
}

/// The template parameters of a fixed-point format, by name: what [`FixedFormat::new`]
/// checks and [`FixedFormat::params`] gives back.
///
/// Start from the C++ type with its default modes and name what differs (struct update
/// syntax works in `const` items):
///
/// ```
/// use lowprec::fixed::{Family, FixedFormat, FixedParams, OverflowMode, Quantization};
/// let p = FixedParams {
///     quantization: Quantization::RndConv,
///     overflow: OverflowMode::Sat,
///     ..FixedParams::ap_fixed(16, 8)
/// };
/// assert_eq!((p.family, p.width, p.int_bits, p.signed, p.sat_bits), (Family::ApFixed, 16, 8, true, 0));
/// let f = FixedFormat::new(p)?;
/// assert_eq!(f.to_string(), "ap_fixed<16,8,AP_RND_CONV,AP_SAT>");
/// assert_eq!(f.params(), p);
/// # Ok::<(), lowprec::fixed::FixedFormatError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixedParams {
    /// The C++ type family.
    pub family: Family,
    /// The width W, 1 to 64.
    pub width: u32,
    /// The integer bits I (sign bit included), within ±[`MAX_INT_BITS`]; I = W for `ap_int`.
    pub int_bits: i32,
    /// Whether the type is signed (`ap_fixed` / `ap_ufixed`, `ac_fixed<W, I, true/false>`,
    /// `ap_int` / `ap_uint`).
    pub signed: bool,
    /// The quantization mode Q (`ap_int`: [`Quantization::TrnZero`]).
    pub quantization: Quantization,
    /// The overflow mode O (`ap_int`: [`OverflowMode::Wrap`]).
    pub overflow: OverflowMode,
    /// The saturation bits N of `ap_fixed`, 0 to W (0 for the other families).
    pub sat_bits: u32,
}

impl FixedParams {
    /// `ap_fixed<W, I>`: signed, `AP_TRN`, `AP_WRAP`, N = 0.
    pub const fn ap_fixed(width: u32, int_bits: i32) -> Self {
        Self {
            family: Family::ApFixed,
            width,
            int_bits,
            signed: true,
            quantization: Quantization::Trn,
            overflow: OverflowMode::Wrap,
            sat_bits: 0,
        }
    }

    /// `ap_ufixed<W, I>`: unsigned, `AP_TRN`, `AP_WRAP`, N = 0.
    pub const fn ap_ufixed(width: u32, int_bits: i32) -> Self {
        Self {
            signed: false,
            ..Self::ap_fixed(width, int_bits)
        }
    }

    /// `ac_fixed<W, I>` (= `ac_fixed<W, I, true, AC_TRN, AC_WRAP>`); set `signed: false`
    /// for `ac_fixed<W, I, false>`.
    pub const fn ac_fixed(width: u32, int_bits: i32) -> Self {
        Self {
            family: Family::AcFixed,
            ..Self::ap_fixed(width, int_bits)
        }
    }

    /// `ap_int<W>`: I = W, truncation toward zero on assignment, `AP_WRAP`.
    pub const fn ap_int(width: u32) -> Self {
        Self {
            family: Family::ApInt,
            quantization: Quantization::TrnZero,
            ..Self::ap_fixed(width, width as i32)
        }
    }

    /// `ap_uint<W>`.
    pub const fn ap_uint(width: u32) -> Self {
        Self {
            signed: false,
            ..Self::ap_int(width)
        }
    }
}

impl FixedFormat {
    /// The format with the given parameters, checked: W in 1..=64, |I| ≤ [`MAX_INT_BITS`],
    /// N ≤ W, and the family's rules (no `AC_RND_CONV_ODD` in `ap_fixed`, no N or
    /// `WRAP_SM` in `ac_fixed`, `AP_WRAP_SM` only on signed types, `ap_int` exactly as
    /// [`FixedParams::ap_int`] describes it).
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, FixedFormatError, FixedParams, Quantization::*, OverflowMode::*};
    /// const Q8_8: FixedFormat = match FixedFormat::new(FixedParams {
    ///     quantization: RndConv,
    ///     overflow: Sat,
    ///     ..FixedParams::ap_fixed(16, 8)
    /// }) {
    ///     Ok(f) => f,
    ///     Err(_) => panic!("invalid format"), // a compile-time error
    /// };
    /// assert_eq!(Q8_8.to_string(), "ap_fixed<16,8,AP_RND_CONV,AP_SAT>");
    /// let ac = FixedFormat::new(FixedParams { signed: false, ..FixedParams::ac_fixed(8, 3) })?;
    /// assert_eq!(ac.to_string(), "ac_fixed<8,3,false>");
    /// assert_eq!(FixedFormat::new(FixedParams::ap_fixed(65, 8)), Err(FixedFormatError::Width(65)));
    /// assert_eq!(
    ///     FixedFormat::new(FixedParams { overflow: WrapSm, ..FixedParams::ap_ufixed(8, 3) }),
    ///     Err(FixedFormatError::WrapSmUnsigned)
    /// );
    /// # Ok::<(), FixedFormatError>(())
    /// ```
    pub const fn new(p: FixedParams) -> Result<Self, FixedFormatError> {
        match p.family {
            Family::ApFixed => {
                if matches!(p.quantization, Quantization::RndConvOdd) {
                    return Err(FixedFormatError::NotInFamily(
                        "AC_RND_CONV_ODD is an ac_fixed mode; ap_fixed has no ties-to-odd",
                    ));
                }
            }
            Family::AcFixed => {
                if p.sat_bits != 0 {
                    return Err(FixedFormatError::NotInFamily(
                        "ac_fixed has no saturation bits N",
                    ));
                }
                if matches!(p.overflow, OverflowMode::WrapSm) {
                    return Err(FixedFormatError::NotInFamily(
                        "ac_fixed has no WRAP_SM overflow mode",
                    ));
                }
            }
            Family::ApInt => {
                if p.width < 1 || p.width > 64 {
                    return Err(FixedFormatError::Width(p.width as i64));
                }
                if p.int_bits != p.width as i32
                    || !matches!(p.quantization, Quantization::TrnZero)
                    || !matches!(p.overflow, OverflowMode::Wrap)
                    || p.sat_bits != 0
                {
                    return Err(FixedFormatError::NotInFamily(
                        "ap_int<W> has I = W, AP_TRN_ZERO, AP_WRAP and N = 0",
                    ));
                }
            }
        }
        Self::build(
            p.width,
            p.int_bits,
            p.signed,
            p.quantization,
            p.overflow,
            p.sat_bits,
            p.family,
        )
    }

    /// The parameters of the format ([`FixedFormat::new`] of them gives it back).
    pub const fn params(&self) -> FixedParams {
        FixedParams {
            family: self.family,
            width: self.width as u32,
            int_bits: self.int_bits,
            signed: self.signed,
            quantization: self.quant,
            overflow: self.overflow,
            sat_bits: self.sat_bits as u32,
        }
    }

    /// `ap_fixed<W, I>` with the default modes (`AP_TRN`, `AP_WRAP`, N = 0).
    pub const fn ap_fixed(width: u32, int_bits: i32) -> Result<Self, FixedFormatError> {
        Self::new(FixedParams::ap_fixed(width, int_bits))
    }

    /// `ap_ufixed<W, I>` with the default modes.
    pub const fn ap_ufixed(width: u32, int_bits: i32) -> Result<Self, FixedFormatError> {
        Self::new(FixedParams::ap_ufixed(width, int_bits))
    }

    /// `ap_int<W>` with the default modes.
    pub const fn ap_int(width: u32) -> Result<Self, FixedFormatError> {
        Self::new(FixedParams::ap_int(width))
    }

    /// `ap_uint<W>` with the default modes.
    pub const fn ap_uint(width: u32) -> Result<Self, FixedFormatError> {
        Self::new(FixedParams::ap_uint(width))
    }

    const fn build(
        width: u32,
        int_bits: i32,
        signed: bool,
        quant: Quantization,
        overflow: OverflowMode,
        sat_bits: u32,
        family: Family,
    ) -> Result<Self, FixedFormatError> {
        if width < 1 || width > 64 {
            return Err(FixedFormatError::Width(width as i64));
        }
        if int_bits < -MAX_INT_BITS || int_bits > MAX_INT_BITS {
            return Err(FixedFormatError::IntBits(int_bits as i64));
        }
        if sat_bits > width {
            return Err(FixedFormatError::SatBits {
                n: sat_bits as i64,
                width,
            });
        }
        if matches!(overflow, OverflowMode::WrapSm) && !signed {
            return Err(FixedFormatError::WrapSmUnsigned);
        }
        Ok(Self {
            width: width as u8,
            signed,
            quant,
            overflow,
            sat_bits: sat_bits as u8,
            family,
            int_bits,
        })
    }

    /// The format with overflow mode `overflow` and N = 0, everything else kept, without
    /// the family's rules (the casts of `saturating_*` and `wrapping_*` use `Sat` and
    /// `Wrap`, which every family's cast handles).
    pub(crate) const fn with_plain_overflow(self, overflow: OverflowMode) -> Self {
        Self {
            overflow,
            sat_bits: 0,
            ..self
        }
    }

    /// `ap_fixed<W, I>` / `ap_ufixed<W, I>` with the default modes, for parameters the
    /// caller knows are valid (W is clamped to 1..=64 and I to ±[`MAX_INT_BITS`]).
    #[cfg_attr(not(feature = "fixed"), allow(dead_code))]
    pub(crate) const fn plain(width: u32, int_bits: i32, signed: bool) -> Self {
        let width = if width < 1 {
            1
        } else if width > 64 {
            64
        } else {
            width
        };
        let int_bits = if int_bits < -MAX_INT_BITS {
            -MAX_INT_BITS
        } else if int_bits > MAX_INT_BITS {
            MAX_INT_BITS
        } else {
            int_bits
        };
        Self {
            width: width as u8,
            signed,
            quant: Quantization::Trn,
            overflow: OverflowMode::Wrap,
            sat_bits: 0,
            family: Family::ApFixed,
            int_bits,
        }
    }

    /// Width W in bits.
    #[inline(always)]
    pub const fn width(&self) -> u32 {
        self.width as u32
    }
    /// Integer bits I (including the sign bit of signed types).
    #[inline(always)]
    pub const fn int_bits(&self) -> i32 {
        self.int_bits
    }
    /// Fraction bits F = W − I (negative when I > W).
    #[inline(always)]
    pub const fn frac_bits(&self) -> i32 {
        self.width as i32 - self.int_bits
    }
    /// Whether the type is signed (two's complement).
    #[inline(always)]
    pub const fn is_signed(&self) -> bool {
        self.signed
    }
    /// The quantization mode.
    #[inline(always)]
    pub const fn quantization(&self) -> Quantization {
        self.quant
    }
    /// The overflow mode.
    #[inline(always)]
    pub const fn overflow(&self) -> OverflowMode {
        self.overflow
    }
    /// The number of saturation bits N of `AP_WRAP` / `AP_WRAP_SM`.
    #[inline(always)]
    pub const fn sat_bits(&self) -> u32 {
        self.sat_bits as u32
    }
    /// The C++ type family.
    #[inline(always)]
    pub const fn family(&self) -> Family {
        self.family
    }
    /// Mask of the W raw bits.
    #[inline(always)]
    pub const fn mask(&self) -> u64 {
        u64::MAX >> (64 - self.width as u32)
    }
    /// The smallest raw integer (−2^(W−1), or 0 when unsigned).
    #[inline(always)]
    pub const fn min_raw(&self) -> i128 {
        if self.signed {
            -(1i128 << (self.width - 1))
        } else {
            0
        }
    }
    /// The largest raw integer (2^(W−1) − 1, or 2^W − 1 when unsigned).
    #[inline(always)]
    pub const fn max_raw(&self) -> i128 {
        if self.signed {
            (1i128 << (self.width - 1)) - 1
        } else {
            (1i128 << self.width) - 1
        }
    }
    /// The raw integer held by the W low bits of `bits` (sign-extended when signed).
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// let f = FixedFormat::ap_fixed(8, 4)?;
    /// assert_eq!(f.raw_of(0xF8), -8);
    /// assert_eq!(FixedFormat::ap_ufixed(8, 4)?.raw_of(0xF8), 248);
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    #[inline(always)]
    pub const fn raw_of(&self, bits: u64) -> i128 {
        let sh = 64 - self.width as u32;
        if self.signed {
            (((bits << sh) as i64) >> sh) as i128
        } else {
            ((bits << sh) >> sh) as i128
        }
    }
    /// The W low bits of a raw integer (wrapping).
    #[inline(always)]
    pub const fn bits_of(&self, raw: i128) -> u64 {
        raw as u64 & self.mask()
    }

    /// Whether the format is a plain type whose modes are the defaults (`AP_TRN`,
    /// `AP_WRAP`, N = 0): the form of arithmetic results.
    pub const fn has_default_modes(&self) -> bool {
        matches!(self.quant, Quantization::Trn)
            && matches!(self.overflow, OverflowMode::Wrap)
            && self.sat_bits == 0
    }
}

impl fmt::Display for FixedFormat {
    /// The C++ spelling, with the trailing default parameters left out:
    /// `ap_fixed<16,6>`, `ap_ufixed<8,2,AP_RND_CONV,AP_SAT>`, `ac_fixed<16,6,true,AC_RND>`,
    /// `ap_int<12>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (w, i) = (self.width, self.int_bits);
        let u = if self.signed { "" } else { "u" };
        match self.family {
            Family::ApInt => write!(f, "ap_{u}int<{w}>"),
            Family::ApFixed => {
                write!(f, "ap_{u}fixed<{w},{i}")?;
                let n = self.sat_bits;
                let (q, o) = (self.quant, self.overflow);
                if n != 0 {
                    write!(f, ",AP_{},AP_{},{n}", q.suffix(), o.suffix())?;
                } else if o != OverflowMode::Wrap {
                    write!(f, ",AP_{},AP_{}", q.suffix(), o.suffix())?;
                } else if q != Quantization::Trn {
                    write!(f, ",AP_{}", q.suffix())?;
                }
                f.write_str(">")
            }
            Family::AcFixed => {
                write!(f, "ac_fixed<{w},{i},{}", self.signed)?;
                let (q, o) = (self.quant, self.overflow);
                if o != OverflowMode::Wrap {
                    write!(f, ",AC_{},AC_{}", q.suffix(), o.suffix())?;
                } else if q != Quantization::Trn {
                    write!(f, ",AC_{}", q.suffix())?;
                }
                f.write_str(">")
            }
        }
    }
}

/// Parses an integer template argument (optional sign, decimal digits).
fn int_arg(s: &str) -> Result<i64, FixedFormatError> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FixedFormatError::BadNumber);
    }
    let v = digits
        .bytes()
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    Ok(if neg { -v } else { v })
}

fn width_arg(s: &str) -> Result<u32, FixedFormatError> {
    let w = int_arg(s)?;
    if (1..=64).contains(&w) {
        Ok(w as u32)
    } else {
        Err(FixedFormatError::Width(w))
    }
}

fn quant_arg(s: &str, prefix: &str) -> Result<Quantization, FixedFormatError> {
    let name = s
        .strip_prefix(prefix)
        .ok_or(FixedFormatError::UnknownQuantization)?;
    Quantization::ALL
        .into_iter()
        .find(|q| q.suffix() == name)
        .ok_or(FixedFormatError::UnknownQuantization)
}

fn overflow_arg(s: &str, prefix: &str) -> Result<OverflowMode, FixedFormatError> {
    let name = s
        .strip_prefix(prefix)
        .ok_or(FixedFormatError::UnknownOverflow)?;
    OverflowMode::ALL
        .into_iter()
        .find(|o| o.suffix() == name)
        .ok_or(FixedFormatError::UnknownOverflow)
}

impl FromStr for FixedFormat {
    type Err = FixedFormatError;

    /// Parses the C++ spellings `ap_fixed<W,I[,Q[,O[,N]]]>`, `ap_ufixed<…>`,
    /// `ac_fixed<W,I[,S[,Q[,O]]]>`, `ap_int<W>` and `ap_uint<W>` (spaces allowed around
    /// the arguments; mode names with the family's prefix, `AP_` or `AC_`).
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, FixedFormatError};
    /// let ac: FixedFormat = "ac_fixed<16, 6, true, AC_RND, AC_SAT>".parse()?;
    /// assert_eq!(ac.to_string(), "ac_fixed<16,6,true,AC_RND,AC_SAT>");
    /// assert_eq!("ap_uint<7>".parse::<FixedFormat>()?.to_string(), "ap_uint<7>");
    /// assert_eq!("ap_fixed<0,0>".parse::<FixedFormat>(), Err(FixedFormatError::Width(0)));
    /// assert_eq!("ap_fixed<8,2,AP_ROUND>".parse::<FixedFormat>(), Err(FixedFormatError::UnknownQuantization));
    /// # Ok::<(), FixedFormatError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let open = s.find('<').ok_or(FixedFormatError::Syntax)?;
        let body = s[open + 1..]
            .strip_suffix('>')
            .ok_or(FixedFormatError::Syntax)?;
        let name = s[..open].trim_end();
        let mut args = [""; 5];
        let mut n = 0;
        for a in body.split(',') {
            if n == args.len() {
                return Err(FixedFormatError::Syntax);
            }
            args[n] = a.trim();
            n += 1;
        }
        let args = &args[..n];
        if args.iter().any(|a| a.is_empty()) {
            return Err(FixedFormatError::Syntax);
        }
        match name {
            "ap_int" | "ap_uint" => {
                let [w] = args else {
                    return Err(FixedFormatError::Syntax);
                };
                if name == "ap_int" {
                    Self::ap_int(width_arg(w)?)
                } else {
                    Self::ap_uint(width_arg(w)?)
                }
            }
            "ap_fixed" | "ap_ufixed" => {
                if args.len() < 2 {
                    return Err(FixedFormatError::Syntax);
                }
                let w = width_arg(args[0])?;
                let i = int_arg(args[1])?;
                let i = i32::try_from(i).map_err(|_| FixedFormatError::IntBits(i))?;
                let q = match args.get(2) {
                    Some(q) => quant_arg(q, "AP_")?,
                    None => Quantization::Trn,
                };
                let o = match args.get(3) {
                    Some(o) => overflow_arg(o, "AP_")?,
                    None => OverflowMode::Wrap,
                };
                let n = match args.get(4) {
                    Some(n) => {
                        let v = int_arg(n)?;
                        if !(0..=i64::from(w)).contains(&v) {
                            return Err(FixedFormatError::SatBits { n: v, width: w });
                        }
                        v as u32
                    }
                    None => 0,
                };
                Self::new(FixedParams {
                    signed: name == "ap_fixed",
                    quantization: q,
                    overflow: o,
                    sat_bits: n,
                    ..FixedParams::ap_fixed(w, i)
                })
            }
            "ac_fixed" => {
                if args.len() < 2 {
                    return Err(FixedFormatError::Syntax);
                }
                let w = width_arg(args[0])?;
                let i = int_arg(args[1])?;
                let i = i32::try_from(i).map_err(|_| FixedFormatError::IntBits(i))?;
                let signed = match args.get(2).copied() {
                    None | Some("true") => true,
                    Some("false") => false,
                    Some(_) => return Err(FixedFormatError::BadSign),
                };
                let q = match args.get(3) {
                    Some(q) => quant_arg(q, "AC_")?,
                    None => Quantization::Trn,
                };
                let o = match args.get(4) {
                    Some(o) => overflow_arg(o, "AC_")?,
                    None => OverflowMode::Wrap,
                };
                Self::new(FixedParams {
                    signed,
                    quantization: q,
                    overflow: o,
                    ..FixedParams::ac_fixed(w, i)
                })
            }
            _ => Err(FixedFormatError::Syntax),
        }
    }
}
