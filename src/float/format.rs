//! Floating-point format descriptors: [`FloatFormat`], its presets and their names.

use core::fmt;
use core::str::FromStr;

/// Which codes of a format are special (infinities, NaN) and whether −0 exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Specials {
    /// IEEE 754: the all-ones exponent holds ±∞ (fraction 0) and NaN (fraction ≠ 0).
    Ieee,
    /// OCP E4M3FN style: no infinities; only the all-ones code S.1…1.1…1 is NaN.
    FiniteNan,
    /// FNUZ (Graphcore/AMD): no infinities, no −0; the single NaN is the −0 code 1.0…0.
    Fnuz,
    /// MX FP6/FP4 style: every code is a finite number (no ∞, no NaN).
    Finite,
    /// IEEE P3109: no −0; one NaN (0x80… when signed, all-ones when unsigned);
    /// `extended` formats hold ±∞ at the top codes, finite ones do not.
    P3109 {
        /// Whether the format has infinities.
        extended: bool,
    },
    /// OCP MX E8M0 scale style: no zero and no subnormals (exponent field 0 is the
    /// normal 2^(−bias)), the all-ones code is NaN, no infinity.
    NoZero,
}

impl Specials {
    /// Every layout, the P3109 one with and without infinities.
    pub const ALL: [Specials; 7] = [
        Specials::Ieee,
        Specials::FiniteNan,
        Specials::Fnuz,
        Specials::Finite,
        Specials::P3109 { extended: true },
        Specials::P3109 { extended: false },
        Specials::NoZero,
    ];
}

/// Why a format description was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FormatError {
    /// Exponent bits outside 1..=11.
    ExponentBits(u32),
    /// Fraction bits outside 0..=52.
    FractionBits(u32),
    /// Bias outside ±2²⁰.
    Bias(i32),
    /// The specials need a sign bit (FNUZ) or are incompatible with other settings.
    Inconsistent(&'static str),
    /// The format would have no positive finite value.
    NoFiniteValue,
    /// The name is not a preset or a valid custom spelling.
    UnknownName,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::ExponentBits(e) => write!(f, "exponent bits must be 1..=11, got {e}"),
            FormatError::FractionBits(m) => write!(f, "fraction bits must be 0..=52, got {m}"),
            FormatError::Bias(b) => write!(f, "bias must be within ±2^20, got {b}"),
            FormatError::Inconsistent(why) => f.write_str(why),
            FormatError::NoFiniteValue => f.write_str("the format has no positive finite value"),
            FormatError::UnknownName => f.write_str(
                "unknown format: use a preset (fp64 fp32 tf32 fp16 bf16 e5m2 e4m3 e4m3fn e4m3fnuz \
                 e5m2fnuz e4m3b11fnuz e3m4 e2m3 e3m2 e2m1 e8m0), binary{K}p{P}{s|u}{e|f}, or \
                 e{E}m{M}[:fn|:fnuz|:finite][:nosub][:bias=B]",
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FormatError {}

/// Whether an IEEE P3109 format has a sign bit (the `s`/`u` of `binaryKpPse`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Signedness {
    /// A sign bit: negative values, NaN at 0x80…0.
    Signed,
    /// No sign bit: only non-negative values.
    Unsigned,
}

/// Whether an IEEE P3109 format has infinities (the `e`/`f` of `binaryKpPse`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Domain {
    /// Extended reals: ±∞ at the top codes.
    Extended,
    /// Finite: no infinities.
    Finite,
}

/// The class of a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// Not a number.
    Nan,
    /// ±∞.
    Infinite,
    /// ±0.
    Zero,
    /// A nonzero number below the smallest normal magnitude.
    Subnormal,
    /// A normal number.
    Normal,
}

/// The parameters of a [`FloatFormat`], by name: what [`FloatFormat::new`] checks and
/// [`FloatFormat::params`] gives back.
///
/// Start from [`FloatParams::ieee`] and name what differs (struct update syntax works in
/// `const` items, see [`FloatFormat::new`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FloatParams {
    /// Exponent field width E, 1 to 11.
    pub exp_bits: u32,
    /// Stored fraction (trailing significand) width, 0 to 52.
    pub man_bits: u32,
    /// Exponent bias, within ±2²⁰.
    pub bias: i32,
    /// Which codes are special.
    pub specials: Specials,
    /// Whether the format has subnormal numbers.
    pub subnormals: bool,
    /// Whether the format has a sign bit.
    pub signed: bool,
}

impl FloatParams {
    /// An IEEE-style format: bias 2^(E−1) − 1, IEEE specials, subnormals, a sign bit.
    /// (For E outside 1..=11 the bias is 0; [`FloatFormat::new`] rejects E there.)
    pub const fn ieee(exp_bits: u32, man_bits: u32) -> Self {
        let bias = if exp_bits >= 1 && exp_bits <= 11 {
            (1 << (exp_bits - 1)) - 1
        } else {
            0
        };
        Self {
            exp_bits,
            man_bits,
            bias,
            specials: Specials::Ieee,
            subnormals: true,
            signed: true,
        }
    }
}

/// A floating-point format: exponent and fraction widths, bias, specials, subnormals, sign.
///
/// A `FloatFormat` that exists is valid: every constructor checks its parameters once
/// and later code never re-checks them. Codes are the format's bit patterns in the low
/// bits of a `u64` (sign, then exponent, then fraction).
///
/// ```
/// use lowprec::FloatFormat;
/// let f: FloatFormat = "e4m3fn".parse().unwrap();
/// assert_eq!(f, FloatFormat::E4M3FN);
/// assert_eq!(f.max_value(), 448.0);
/// assert_eq!(f.min_subnormal(), 2f64.powi(-9));
/// let custom: FloatFormat = "e6m9:nosub".parse().unwrap();
/// assert_eq!((custom.exp_bits(), custom.man_bits(), custom.bias()), (6, 9, 31));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FloatFormat {
    exp_bits: u8,
    man_bits: u8,
    signed: bool,
    subnormals: bool,
    specials: Specials,
    bias: i32,
    /// Largest finite magnitude code (sign bit clear).
    max_mag: u64,
    /// Mask of the exponent and fraction bits.
    mag_mask: u64,
    /// The sign bit's mask (0 when unsigned).
    sign_bit: u64,
    /// For formats that may take the host-float fast path of arithmetic (`fast.rs`): the
    /// binary64 bits of the largest finite magnitude; 0 for the others.
    host_max: u64,
}

const fn ok(f: Result<FloatFormat, FormatError>) -> FloatFormat {
    match f {
        Ok(f) => f,
        Err(_) => panic!("invalid preset"),
    }
}

impl FloatFormat {
    /// IEEE binary64.
    pub const FP64: Self = ok(Self::ieee(11, 52));
    /// IEEE binary32.
    pub const FP32: Self = ok(Self::ieee(8, 23));
    /// NVIDIA TensorFloat-32 (8 exponent bits, 10 fraction bits, 19 bits stored).
    pub const TF32: Self = ok(Self::ieee(8, 10));
    /// IEEE binary16.
    pub const FP16: Self = ok(Self::ieee(5, 10));
    /// bfloat16.
    pub const BF16: Self = ok(Self::ieee(8, 7));
    /// OCP FP8 E5M2 (IEEE specials).
    pub const E5M2: Self = ok(Self::ieee(5, 2));
    /// IEEE-like E4M3 with infinities (max 240; pychop's "q43").
    pub const E4M3: Self = ok(Self::ieee(4, 3));
    /// OCP FP8 E4M3FN: no infinities, NaN only at S.1111.111, max 448.
    pub const E4M3FN: Self = ok(Self::new(FloatParams {
        specials: Specials::FiniteNan,
        ..FloatParams::ieee(4, 3)
    }));
    /// E4M3FNUZ (bias 8, single NaN 0x80, no −0; max 240).
    pub const E4M3FNUZ: Self = ok(Self::new(FloatParams {
        bias: 8,
        specials: Specials::Fnuz,
        ..FloatParams::ieee(4, 3)
    }));
    /// E5M2FNUZ (bias 16, single NaN 0x80, no −0; max 57344).
    pub const E5M2FNUZ: Self = ok(Self::new(FloatParams {
        bias: 16,
        specials: Specials::Fnuz,
        ..FloatParams::ieee(5, 2)
    }));
    /// E4M3B11FNUZ (bias 11, single NaN 0x80, no −0; max 30).
    pub const E4M3B11FNUZ: Self = ok(Self::new(FloatParams {
        bias: 11,
        specials: Specials::Fnuz,
        ..FloatParams::ieee(4, 3)
    }));
    /// E3M4 (IEEE specials, bias 3; max 15.5).
    pub const E3M4: Self = ok(Self::ieee(3, 4));
    /// OCP MX FP6 E2M3 (no ∞, no NaN; max 7.5).
    pub const E2M3: Self = ok(Self::new(FloatParams {
        specials: Specials::Finite,
        ..FloatParams::ieee(2, 3)
    }));
    /// OCP MX FP6 E3M2 (no ∞, no NaN; max 28).
    pub const E3M2: Self = ok(Self::new(FloatParams {
        specials: Specials::Finite,
        ..FloatParams::ieee(3, 2)
    }));
    /// OCP MX FP4 E2M1 (no ∞, no NaN; max 6).
    pub const E2M1: Self = ok(Self::new(FloatParams {
        specials: Specials::Finite,
        ..FloatParams::ieee(2, 1)
    }));
    /// OCP MX E8M0 scale: unsigned powers of two 2⁻¹²⁷..2¹²⁷, 0xFF = NaN.
    pub const E8M0: Self = ok(Self::new(FloatParams {
        specials: Specials::NoZero,
        subnormals: false,
        signed: false,
        ..FloatParams::ieee(8, 0)
    }));

    /// The named presets, in the order `lowprec formats` lists them.
    pub const PRESETS: [(&'static str, FloatFormat); 16] = [
        ("fp64", Self::FP64),
        ("fp32", Self::FP32),
        ("tf32", Self::TF32),
        ("fp16", Self::FP16),
        ("bf16", Self::BF16),
        ("e5m2", Self::E5M2),
        ("e4m3", Self::E4M3),
        ("e4m3fn", Self::E4M3FN),
        ("e4m3fnuz", Self::E4M3FNUZ),
        ("e5m2fnuz", Self::E5M2FNUZ),
        ("e4m3b11fnuz", Self::E4M3B11FNUZ),
        ("e3m4", Self::E3M4),
        ("e2m3", Self::E2M3),
        ("e3m2", Self::E3M2),
        ("e2m1", Self::E2M1),
        ("e8m0", Self::E8M0),
    ];

    /// A format from all its parameters, checked.
    ///
    /// `exp_bits` 1..=11, `man_bits` (stored fraction bits) 0..=52 (so at most 64 bits in
    /// all), |`bias`| ≤ 2²⁰. FNUZ needs a sign bit, a format without zero has no
    /// subnormals, and the format must have a positive finite value. A format without
    /// subnormals treats codes with a zero exponent field and a nonzero fraction as ±0 on
    /// decoding and never produces them.
    ///
    /// ```
    /// use lowprec::float::{FloatFormat, FloatParams, FormatError, Specials};
    /// // OCP E4M3FN: E4M3 with the IEEE bias, no infinities, one NaN per sign.
    /// const E4M3FN: FloatFormat = match FloatFormat::new(FloatParams {
    ///     specials: Specials::FiniteNan,
    ///     ..FloatParams::ieee(4, 3)
    /// }) {
    ///     Ok(f) => f,
    ///     Err(_) => panic!("invalid format"), // a compile-time error
    /// };
    /// assert_eq!(E4M3FN, FloatFormat::E4M3FN);
    /// let no_sub = FloatFormat::new(FloatParams { subnormals: false, ..FloatParams::ieee(5, 10) })?;
    /// assert_eq!(no_sub.min_subnormal(), 2f64.powi(-14)); // the smallest normal
    /// assert_eq!(
    ///     FloatFormat::new(FloatParams { signed: false, specials: Specials::Fnuz, ..FloatParams::ieee(4, 3) }),
    ///     Err(FormatError::Inconsistent("FNUZ formats need a sign bit: their NaN is the −0 code"))
    /// );
    /// # Ok::<(), FormatError>(())
    /// ```
    pub const fn new(p: FloatParams) -> Result<Self, FormatError> {
        let FloatParams {
            exp_bits,
            man_bits,
            bias,
            specials,
            subnormals,
            signed,
        } = p;
        if exp_bits < 1 || exp_bits > 11 {
            return Err(FormatError::ExponentBits(exp_bits));
        }
        if man_bits > 52 {
            return Err(FormatError::FractionBits(man_bits));
        }
        // 1 + 11 + 52 = 64: every format fits in a u64 code.
        if bias < -(1 << 20) || bias > (1 << 20) {
            return Err(FormatError::Bias(bias));
        }
        if matches!(specials, Specials::Fnuz) && !signed {
            return Err(FormatError::Inconsistent(
                "FNUZ formats need a sign bit: their NaN is the −0 code",
            ));
        }
        if matches!(specials, Specials::NoZero) && subnormals {
            return Err(FormatError::Inconsistent(
                "a format without zero has no subnormals (use :nosub)",
            ));
        }
        let top = u64::MAX >> (64 - (exp_bits + man_bits)); // all magnitude bits set
        let max_mag = match specials {
            // Exponent field all ones minus one, fraction all ones.
            Specials::Ieee => top - (1u64 << man_bits),
            Specials::FiniteNan => top - 1,
            Specials::Fnuz | Specials::Finite => top,
            Specials::P3109 { extended } => {
                // Signed: NaN is 1.00…0 and +∞ is 0.11…1; unsigned: NaN 1…1, +∞ 1…10.
                let reserved = (!signed) as u64 + extended as u64;
                if reserved > top {
                    return Err(FormatError::NoFiniteValue);
                }
                top - reserved
            }
            Specials::NoZero => top - 1,
        };
        // A magnitude code is nonzero-valued iff code > 0 (NoZero: every code), but
        // without subnormals the smallest nonzero code is the first normal one.
        let min_nonzero = match specials {
            Specials::NoZero => 0,
            _ if subnormals => 1,
            _ => 1u64 << man_bits,
        };
        if max_mag < min_nonzero || (max_mag == 0 && !matches!(specials, Specials::NoZero)) {
            return Err(FormatError::NoFiniteValue);
        }
        let mut f = Self {
            exp_bits: exp_bits as u8,
            man_bits: man_bits as u8,
            signed,
            subnormals,
            specials,
            bias,
            max_mag,
            mag_mask: top,
            sign_bit: if signed {
                1u64 << (exp_bits + man_bits)
            } else {
                0
            },
            host_max: 0,
        };
        if f.host_eligible() {
            f.host_max = f.host_max_bits();
        }
        Ok(f)
    }

    /// An IEEE-style signed format with bias 2^(E−1) − 1 and subnormals.
    pub const fn ieee(exp_bits: u32, man_bits: u32) -> Result<Self, FormatError> {
        Self::new(FloatParams::ieee(exp_bits, man_bits))
    }

    /// The parameters of the format ([`FloatFormat::new`] of them gives it back).
    ///
    /// ```
    /// use lowprec::float::{FloatFormat, FloatParams, Specials};
    /// let p = FloatFormat::E5M2FNUZ.params();
    /// assert_eq!(p, FloatParams { bias: 16, specials: Specials::Fnuz, ..FloatParams::ieee(5, 2) });
    /// assert_eq!(FloatFormat::new(p), Ok(FloatFormat::E5M2FNUZ));
    /// ```
    pub const fn params(&self) -> FloatParams {
        FloatParams {
            exp_bits: self.exp_bits as u32,
            man_bits: self.man_bits as u32,
            bias: self.bias,
            specials: self.specials,
            subnormals: self.subnormals,
            signed: self.signed,
        }
    }

    /// The IEEE P3109 format `binaryKpP` (K bits, precision P including the hidden bit),
    /// signed or unsigned, extended (with ±∞) or finite. Bias 2^(E−1) with
    /// E = K − P + 1 − signed exponent bits (the P3109 interim report's choice, which
    /// gives `binary8p3se` the range of E5M2 shifted down by one binade).
    ///
    /// ```
    /// use lowprec::FloatFormat;
    /// use lowprec::float::{Domain, Signedness};
    /// let f = FloatFormat::p3109(8, 3, Signedness::Signed, Domain::Extended)?;
    /// assert_eq!(f, "binary8p3se".parse()?);
    /// assert!(f.has_inf());
    /// # Ok::<(), lowprec::FormatError>(())
    /// ```
    pub const fn p3109(
        k: u32,
        p: u32,
        signedness: Signedness,
        domain: Domain,
    ) -> Result<Self, FormatError> {
        let signed = matches!(signedness, Signedness::Signed);
        let extended = matches!(domain, Domain::Extended);
        if p < 1 || p > 53 || k < 2 || k > 64 {
            return Err(FormatError::Inconsistent(
                "P3109 formats need 2 ≤ K ≤ 64 and 1 ≤ P ≤ 53",
            ));
        }
        let e = k as i64 - p as i64 + 1 - signed as i64;
        if e < 1 || e > 11 {
            return Err(FormatError::ExponentBits(if e < 0 { 0 } else { e as u32 }));
        }
        let e = e as u32;
        Self::new(FloatParams {
            exp_bits: e,
            man_bits: p - 1,
            bias: 1 << (e - 1),
            specials: Specials::P3109 { extended },
            subnormals: true,
            signed,
        })
    }

    /// Exponent field width.
    pub const fn exp_bits(&self) -> u32 {
        self.exp_bits as u32
    }
    /// Stored fraction (trailing significand) width.
    pub const fn man_bits(&self) -> u32 {
        self.man_bits as u32
    }
    /// Precision in bits, including the hidden bit.
    pub const fn precision(&self) -> u32 {
        self.man_bits as u32 + 1
    }
    /// Exponent bias.
    pub const fn bias(&self) -> i32 {
        self.bias
    }
    /// The special-value layout.
    pub const fn specials(&self) -> Specials {
        self.specials
    }
    /// Whether the format has subnormal numbers.
    pub const fn has_subnormals(&self) -> bool {
        self.subnormals
    }
    /// Whether the format has a sign bit.
    pub const fn is_signed(&self) -> bool {
        self.signed
    }
    /// Total width in bits.
    pub const fn width(&self) -> u32 {
        self.exp_bits as u32 + self.man_bits as u32 + self.signed as u32
    }
    /// Number of distinct codes, 2^width (as `u128`, since binary64 has 2⁶⁴).
    pub const fn num_codes(&self) -> u128 {
        1u128 << self.width()
    }
    /// Mask of all code bits.
    #[inline(always)]
    pub const fn code_mask(&self) -> u64 {
        self.mag_mask | self.sign_bit
    }
    /// The sign bit (0 for unsigned formats).
    #[inline(always)]
    pub const fn sign_bit(&self) -> u64 {
        self.sign_bit
    }
    /// Mask of the magnitude (exponent and fraction) bits.
    #[inline(always)]
    pub const fn mag_mask(&self) -> u64 {
        self.mag_mask
    }
    /// Largest finite magnitude code.
    pub const fn max_mag(&self) -> u64 {
        self.max_mag
    }
    /// Whether arithmetic may take the host-float fast path.
    #[inline(always)]
    pub(crate) const fn host(&self) -> bool {
        self.host_max != 0
    }
    /// The binary64 bits of the largest finite magnitude, for fast-path formats.
    #[inline(always)]
    pub(crate) const fn host_max(&self) -> u64 {
        self.host_max
    }
    /// Whether the format has infinities.
    pub const fn has_inf(&self) -> bool {
        matches!(
            self.specials,
            Specials::Ieee | Specials::P3109 { extended: true }
        )
    }
    /// Whether the format has a NaN (an IEEE-style format without fraction bits has none:
    /// its all-ones exponent holds only ±∞).
    pub const fn has_nan(&self) -> bool {
        self.nan_code().is_some()
    }
    /// Whether −0 is a distinct value.
    pub const fn has_neg_zero(&self) -> bool {
        self.signed
            && matches!(
                self.specials,
                Specials::Ieee | Specials::FiniteNan | Specials::Finite
            )
    }
    /// Whether the format can represent zero.
    pub const fn has_zero(&self) -> bool {
        !matches!(self.specials, Specials::NoZero)
    }
    /// Code of +∞, if the format has infinities.
    pub const fn inf_code(&self) -> Option<u64> {
        if self.has_inf() {
            Some(self.max_mag + 1)
        } else {
            None
        }
    }
    /// The canonical (quiet, positive where signs exist) NaN code, if the format has NaN.
    pub const fn nan_code(&self) -> Option<u64> {
        match self.specials {
            // Exponent all ones, fraction MSB set; without fraction bits there is no NaN.
            Specials::Ieee if self.man_bits == 0 => None,
            Specials::Ieee => Some(self.max_mag + 1 + (1u64 << (self.man_bits - 1))),
            Specials::FiniteNan | Specials::NoZero => Some(self.max_mag + 1),
            Specials::Fnuz => Some(self.sign_bit()),
            Specials::P3109 { .. } => {
                if self.signed {
                    Some(self.sign_bit())
                } else {
                    Some(self.mag_mask())
                }
            }
            Specials::Finite => None,
        }
    }
    /// Whether NaN codes carry a meaningful sign (IEEE and E4M3FN style).
    pub(crate) const fn nan_has_sign(&self) -> bool {
        self.signed && matches!(self.specials, Specials::Ieee | Specials::FiniteNan)
    }

    /// Smallest exponent of a normal number (unbiased): 1 − bias, or −bias without zero.
    pub const fn emin(&self) -> i32 {
        match self.specials {
            Specials::NoZero => -self.bias,
            _ => 1 - self.bias,
        }
    }
    /// Exponent of the largest finite value (unbiased).
    pub const fn emax(&self) -> i32 {
        (self.max_mag >> self.man_bits) as i32 - self.bias
    }
    /// Exponent of the last place of the subnormals (or, without subnormals, of the
    /// smallest normal magnitude 2^emin itself): the finest grid step below 2^emin.
    pub(crate) const fn quantum_min(&self) -> i32 {
        if self.subnormals {
            self.emin() - self.man_bits as i32
        } else {
            self.emin()
        }
    }

    /// Splits a code into (negative, magnitude code). Unsigned formats are never negative.
    #[inline]
    pub const fn split(&self, code: u64) -> (bool, u64) {
        let code = code & self.code_mask();
        (code & self.sign_bit() != 0, code & self.mag_mask())
    }

    /// The class of a code (bits above the width are ignored).
    ///
    /// ```
    /// use lowprec::{FloatFormat, float::Class};
    /// let f = FloatFormat::E4M3FN;
    /// assert_eq!(f.classify(0x7F), Class::Nan);
    /// assert_eq!(f.classify(0x7E), Class::Normal);
    /// assert_eq!(f.classify(0x01), Class::Subnormal);
    /// assert_eq!(FloatFormat::E4M3FNUZ.classify(0x80), Class::Nan);
    /// ```
    pub const fn classify(&self, code: u64) -> Class {
        let (neg, mag) = self.split(code);
        if neg && mag == 0 && matches!(self.specials, Specials::Fnuz | Specials::P3109 { .. }) {
            return Class::Nan;
        }
        if mag > self.max_mag {
            return match self.inf_code() {
                Some(inf) if mag == inf => Class::Infinite,
                _ => Class::Nan,
            };
        }
        if matches!(self.specials, Specials::NoZero) {
            return Class::Normal;
        }
        if mag >> self.man_bits == 0 {
            if mag == 0 || !self.subnormals {
                Class::Zero
            } else {
                Class::Subnormal
            }
        } else {
            Class::Normal
        }
    }

    /// Largest finite value, as f64 (±∞ if beyond f64's range).
    pub fn max_value(&self) -> f64 {
        self.to_f64(self.max_mag)
    }
    /// Smallest positive normal value, as f64 (rounded if beyond f64's range).
    pub fn min_normal(&self) -> f64 {
        let code = match self.specials {
            Specials::NoZero => 0,
            _ => 1u64 << self.man_bits,
        };
        self.to_f64(code)
    }
    /// Smallest positive value (a subnormal where the format has them), as f64.
    pub fn min_subnormal(&self) -> f64 {
        let code = match self.specials {
            Specials::NoZero => 0,
            _ if self.subnormals => 1,
            _ => 1u64 << self.man_bits,
        };
        self.to_f64(code)
    }
    /// Machine epsilon 2^−(p−1): the distance from 1 to the next larger value.
    pub fn epsilon(&self) -> f64 {
        pow2(-(self.man_bits as i32))
    }
    /// Unit roundoff 2^−p: the largest relative error of round-to-nearest.
    pub fn unit_roundoff(&self) -> f64 {
        pow2(-(self.man_bits as i32) - 1)
    }
}

/// 2^e as f64: 0 below the subnormals, ∞ above the range.
pub(crate) fn pow2(e: i32) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else if e >= -1074 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        0.0
    }
}

impl fmt::Display for FloatFormat {
    /// The preset name where one exists, else the P3109 or custom spelling that parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, preset) in Self::PRESETS {
            if preset == *self {
                return f.write_str(name);
            }
        }
        if let Specials::P3109 { extended } = self.specials {
            let k = self.width();
            let p = self.precision();
            let e = k + 1 - p - self.signed as u32;
            if self.subnormals && self.bias == 1 << (e - 1) {
                let s = if self.signed { 's' } else { 'u' };
                let x = if extended { 'e' } else { 'f' };
                return write!(f, "binary{k}p{p}{s}{x}");
            }
        }
        write!(f, "e{}m{}", self.exp_bits, self.man_bits)?;
        match self.specials {
            // Where e{E}m{M} alone names a preset with other specials (the MX formats,
            // E8M0), say IEEE explicitly.
            Specials::Ieee if self.base_is_preset_name() => f.write_str(":ieee")?,
            Specials::Ieee => {}
            Specials::FiniteNan => f.write_str(":fn")?,
            Specials::Fnuz => f.write_str(":fnuz")?,
            Specials::Finite => f.write_str(":finite")?,
            Specials::P3109 { extended } => {
                f.write_str(if extended { ":p3109e" } else { ":p3109f" })?
            }
            Specials::NoZero => f.write_str(":nozero")?,
        }
        if !self.signed {
            f.write_str(":unsigned")?;
        }
        if !self.subnormals {
            f.write_str(":nosub")?;
        }
        if self.bias != (1 << (self.exp_bits - 1)) - 1 {
            write!(f, ":bias={}", self.bias)?;
        }
        Ok(())
    }
}

impl FloatFormat {
    /// Whether `e{E}m{M}` with this format's widths names a preset whose specials are not
    /// IEEE (the MX formats `e2m3 e3m2 e2m1`, and `e8m0`).
    fn base_is_preset_name(&self) -> bool {
        Self::PRESETS.iter().any(|(name, p)| {
            plain_widths(name) == Some((self.exp_bits(), self.man_bits()))
                && !matches!(p.specials, Specials::Ieee)
        })
    }
}

/// The widths of a plain `e{E}m{M}` name.
fn plain_widths(name: &str) -> Option<(u32, u32)> {
    let (e, m) = name.strip_prefix('e')?.split_once('m')?;
    Some((parse_u32(e).ok()?, parse_u32(m).ok()?))
}

impl FromStr for FloatFormat {
    type Err = FormatError;

    /// Parses a preset name, a P3109 name `binary{K}p{P}{s|u}{e|f}`, or a custom
    /// `e{E}m{M}` followed by any of `:ieee :fn :fnuz :finite :p3109e :p3109f :nozero
    /// :unsigned :nosub :bias=B` (IEEE specials and bias 2^(E−1) − 1 by default; a name
    /// that is a preset's, such as `e2m3`, is the preset).
    /// Names are case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut buf = [0u8; 64];
        let s = s.trim();
        if s.len() > buf.len() || !s.is_ascii() {
            return Err(FormatError::UnknownName);
        }
        buf[..s.len()].copy_from_slice(s.as_bytes());
        buf[..s.len()].make_ascii_lowercase();
        let s = core::str::from_utf8(&buf[..s.len()]).map_err(|_| FormatError::UnknownName)?;
        for (name, preset) in Self::PRESETS {
            if name == s {
                return Ok(preset);
            }
        }
        if let Some(rest) = s.strip_prefix("binary") {
            return parse_p3109(rest);
        }
        parse_custom(s)
    }
}

fn parse_u32(s: &str) -> Result<u32, FormatError> {
    if s.is_empty() || s.len() > 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FormatError::UnknownName);
    }
    s.parse().map_err(|_| FormatError::UnknownName)
}

fn parse_p3109(rest: &str) -> Result<FloatFormat, FormatError> {
    let (k, rest) = rest.split_once('p').ok_or(FormatError::UnknownName)?;
    if rest.len() < 3 {
        return Err(FormatError::UnknownName);
    }
    let (p, flags) = rest.split_at(rest.len() - 2);
    let signedness = match flags.as_bytes()[0] {
        b's' => Signedness::Signed,
        b'u' => Signedness::Unsigned,
        _ => return Err(FormatError::UnknownName),
    };
    let domain = match flags.as_bytes()[1] {
        b'e' => Domain::Extended,
        b'f' => Domain::Finite,
        _ => return Err(FormatError::UnknownName),
    };
    FloatFormat::p3109(parse_u32(k)?, parse_u32(p)?, signedness, domain)
}

fn parse_custom(s: &str) -> Result<FloatFormat, FormatError> {
    let mut parts = s.split(':');
    let head = parts.next().unwrap_or("");
    let rest = head.strip_prefix('e').ok_or(FormatError::UnknownName)?;
    let (e, m) = rest.split_once('m').ok_or(FormatError::UnknownName)?;
    let (e, m) = (parse_u32(e)?, parse_u32(m)?);
    if !(1..=11).contains(&e) {
        return Err(FormatError::ExponentBits(e));
    }
    let mut specials = Specials::Ieee;
    let mut subnormals = true;
    let mut signed = true;
    let mut bias = (1i32 << (e - 1)) - 1;
    for opt in parts {
        match opt {
            "ieee" => specials = Specials::Ieee,
            "fn" => specials = Specials::FiniteNan,
            "fnuz" => specials = Specials::Fnuz,
            "finite" => specials = Specials::Finite,
            "p3109e" => specials = Specials::P3109 { extended: true },
            "p3109f" => specials = Specials::P3109 { extended: false },
            "nozero" => specials = Specials::NoZero,
            "nosub" => subnormals = false,
            "unsigned" => signed = false,
            _ => {
                let b = opt.strip_prefix("bias=").ok_or(FormatError::UnknownName)?;
                let (neg, digits) = match b.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, b),
                };
                let v = parse_u32(digits)? as i32;
                bias = if neg { -v } else { v };
            }
        }
    }
    FloatFormat::new(FloatParams {
        exp_bits: e,
        man_bits: m,
        bias,
        specials,
        subnormals,
        signed,
    })
}
