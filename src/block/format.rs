//! The block-format descriptor [`BlockFormat`], its parts, presets and names.

use core::fmt;
use core::str::FromStr;

use super::BlockError;
use crate::float::FloatFormat;

/// The format of the elements of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElementFormat {
    /// A floating-point format of at most 8 bits (E4M3FN, E5M2, E3M2, E2M3, E2M1, …).
    Float(FloatFormat),
    /// A `bits`-bit two's-complement integer read with `frac_bits` fraction bits: the
    /// code c (as a signed integer) stands for c · 2^−frac_bits. MXINT8 is
    /// `Int { bits: 8, frac_bits: 6 }` (−2 … 1.984375).
    Int {
        /// Width of the code, 2..=8.
        bits: u32,
        /// Fraction bits, 0..=32.
        frac_bits: u32,
    },
}

impl ElementFormat {
    /// Width of an element code in bits.
    ///
    /// ```
    /// use lowprec::block::ElementFormat;
    /// use lowprec::FloatFormat;
    /// assert_eq!(ElementFormat::Float(FloatFormat::E2M1).width(), 4);
    /// assert_eq!(ElementFormat::Int { bits: 8, frac_bits: 6 }.width(), 8);
    /// ```
    pub const fn width(&self) -> u32 {
        match *self {
            ElementFormat::Float(f) => f.width(),
            ElementFormat::Int { bits, .. } => bits,
        }
    }

    /// emax_elem of the OCP MX specification: the exponent of the largest power of two
    /// not above the largest finite element value (8 for E4M3FN, 2 for E2M1, 0 for MXINT8).
    ///
    /// ```
    /// use lowprec::block::BlockFormat;
    /// assert_eq!(BlockFormat::MXFP8_E4M3.element.emax(), 8);
    /// assert_eq!(BlockFormat::MXINT8.element.emax(), 0);
    /// ```
    pub const fn emax(&self) -> i32 {
        match *self {
            ElementFormat::Float(f) => f.emax(),
            // The largest value is (2^(bits−1) − 1) · 2^−frac, whose leading bit is
            // 2^(bits − 2 − frac).
            ElementFormat::Int { bits, frac_bits } => bits as i32 - 2 - frac_bits as i32,
        }
    }
}

/// The format of a block's shared scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScaleFormat {
    /// The OCP MX E8M0 scale: a power of two 2^−127 … 2^127, 0xFF = NaN.
    E8M0,
    /// Any floating-point format of at most 8 bits (E4M3FN for NVFP4). Only its
    /// non-negative values are used.
    Float(FloatFormat),
    /// No scale: the elements are the values (every scale is 1, no scale codes).
    None,
}

impl ScaleFormat {
    /// The float format of the scale codes (`None` for [`ScaleFormat::None`]).
    ///
    /// ```
    /// use lowprec::block::ScaleFormat;
    /// use lowprec::FloatFormat;
    /// assert_eq!(ScaleFormat::E8M0.float(), Some(FloatFormat::E8M0));
    /// assert_eq!(ScaleFormat::None.float(), None);
    /// ```
    pub const fn float(&self) -> Option<FloatFormat> {
        match *self {
            ScaleFormat::E8M0 => Some(FloatFormat::E8M0),
            ScaleFormat::Float(f) => Some(f),
            ScaleFormat::None => None,
        }
    }
}

/// How the shared scale of a block follows from its largest magnitude amax.
///
/// With e = emax of the element format ([`ElementFormat::emax`]):
///
/// | rule | scale | name |
/// |---|---|---|
/// | [`Floor`](ScaleRule::Floor) | 2^(⌊log₂ amax⌋ − e), the OCP MX v1.0 rule | `floor` |
/// | [`Ceil`](ScaleRule::Ceil) | 2^(⌈log₂ amax⌉ − e) | `ceil` |
/// | [`Nearest`](ScaleRule::Nearest) | 2^(round(log₂ amax) − e) (log₂ amax is never a tie) | `nearest` |
/// | [`AmaxOverMax`](ScaleRule::AmaxOverMax) | amax / max_elem rounded into the scale format, ties to even (NVFP4) | `amax` |
///
/// The powers of two are clamped into the scale format's range (2^−127 … 2^127 for E8M0).
/// With a tensor scale g, amax / g takes the place of amax in the power-of-two rules (and
/// `amax` divides by max_elem · g), so that element × scale × g stays within range.
/// log₂ is decided exactly from the bits, never by a floating-point logarithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScaleRule {
    /// 2^(⌊log₂ amax⌋ − emax_elem): the OCP MX rule.
    Floor,
    /// 2^(⌈log₂ amax⌉ − emax_elem): no element saturates.
    Ceil,
    /// 2^(round(log₂ amax) − emax_elem).
    Nearest,
    /// amax / max_elem (divided by the tensor scale when there is one), rounded once into
    /// the scale format, ties to even, saturating: NVFP4's block scale.
    AmaxOverMax,
}

impl ScaleRule {
    const fn name(self) -> &'static str {
        match self {
            ScaleRule::Floor => "floor",
            ScaleRule::Ceil => "ceil",
            ScaleRule::Nearest => "nearest",
            ScaleRule::AmaxOverMax => "amax",
        }
    }
}

/// A block-scaled format: blocks of `block_size` elements sharing one scale, and
/// optionally a second-level per-tensor `f32` scale.
///
/// A value is element × scale (× tensor scale). Build one with [`BlockFormat::new`]
/// (validated), take a preset, or parse a name (see [`FromStr`](#impl-FromStr-for-BlockFormat)).
///
/// | preset | element | block | scale | rule | tensor scale |
/// |---|---|---|---|---|---|
/// | `mxfp8_e4m3` | E4M3FN | 32 | E8M0 | floor | no |
/// | `mxfp8_e5m2` | E5M2 | 32 | E8M0 | floor | no |
/// | `mxfp6_e3m2` | E3M2 | 32 | E8M0 | floor | no |
/// | `mxfp6_e2m3` | E2M3 | 32 | E8M0 | floor | no |
/// | `mxfp4_e2m1` | E2M1 | 32 | E8M0 | floor | no |
/// | `mxint8` | int8, 6 fraction bits | 32 | E8M0 | floor | no |
/// | `nvfp4` | E2M1 | 16 | E4M3FN | amax | yes |
/// | `bfp<N>` (N = 2..=8) | N-bit int, N − 2 fraction bits | 16 | E8M0 | floor | no |
///
/// `bfp<N>` is block floating point: the E8M0 scale is the block's shared exponent and
/// the elements are N-bit two's-complement mantissas in [−2, 2).
///
/// ```
/// use lowprec::block::{BlockFormat, ScaleRule};
/// let f: BlockFormat = "mxfp8_e4m3:block=16".parse()?;
/// assert_eq!(f.block_size, 16);
/// assert_eq!(f.to_string(), "mxfp8_e4m3:block=16");
/// let b: BlockFormat = "bfp6:rule=ceil".parse()?;
/// assert_eq!(b.rule, ScaleRule::Ceil);
/// assert_eq!(BlockFormat::NVFP4.to_string(), "nvfp4");
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlockFormat {
    /// The element format.
    pub element: ElementFormat,
    /// Elements per block, 1..=1024 (the last block of a slice may be shorter).
    pub block_size: u32,
    /// The scale format.
    pub scale: ScaleFormat,
    /// The scale rule.
    pub rule: ScaleRule,
    /// Whether a per-tensor `f32` scale g = amax_tensor / (max_scale · max_elem) is
    /// applied on top of the block scales (NVFP4).
    pub tensor_scale: bool,
}

const fn mx(element: FloatFormat) -> BlockFormat {
    BlockFormat {
        element: ElementFormat::Float(element),
        block_size: 32,
        scale: ScaleFormat::E8M0,
        rule: ScaleRule::Floor,
        tensor_scale: false,
    }
}

impl BlockFormat {
    /// OCP MXFP8 with E4M3FN elements.
    pub const MXFP8_E4M3: Self = mx(FloatFormat::E4M3FN);
    /// OCP MXFP8 with E5M2 elements.
    pub const MXFP8_E5M2: Self = mx(FloatFormat::E5M2);
    /// OCP MXFP6 with E3M2 elements.
    pub const MXFP6_E3M2: Self = mx(FloatFormat::E3M2);
    /// OCP MXFP6 with E2M3 elements.
    pub const MXFP6_E2M3: Self = mx(FloatFormat::E2M3);
    /// OCP MXFP4 with E2M1 elements.
    pub const MXFP4_E2M1: Self = mx(FloatFormat::E2M1);
    /// OCP MXINT8: 8-bit two's-complement elements with 6 fraction bits.
    pub const MXINT8: Self = BlockFormat {
        element: ElementFormat::Int {
            bits: 8,
            frac_bits: 6,
        },
        ..mx(FloatFormat::E2M1)
    };
    /// NVFP4-style: E2M1 elements in blocks of 16, an E4M3FN block scale amax/6 (over the
    /// tensor scale), and a per-tensor `f32` scale amax_tensor / (448 · 6).
    pub const NVFP4: Self = BlockFormat {
        element: ElementFormat::Float(FloatFormat::E2M1),
        block_size: 16,
        scale: ScaleFormat::Float(FloatFormat::E4M3FN),
        rule: ScaleRule::AmaxOverMax,
        tensor_scale: true,
    };

    /// The named presets, `bfp<N>` aside.
    pub const PRESETS: [(&'static str, BlockFormat); 7] = [
        ("mxfp8_e4m3", Self::MXFP8_E4M3),
        ("mxfp8_e5m2", Self::MXFP8_E5M2),
        ("mxfp6_e3m2", Self::MXFP6_E3M2),
        ("mxfp6_e2m3", Self::MXFP6_E2M3),
        ("mxfp4_e2m1", Self::MXFP4_E2M1),
        ("mxint8", Self::MXINT8),
        ("nvfp4", Self::NVFP4),
    ];

    /// Block floating point with `bits`-bit elements (2..=8): two's complement with
    /// `bits − 2` fraction bits (values in [−2, 2)), an E8M0 shared exponent by the floor
    /// rule, blocks of 16.
    ///
    /// # Errors
    /// [`BlockError::IntElement`] when `bits` is outside 2..=8.
    ///
    /// ```
    /// use lowprec::block::{BlockFormat, ElementFormat};
    /// let f = BlockFormat::bfp(6)?;
    /// assert_eq!(f.element, ElementFormat::Int { bits: 6, frac_bits: 4 });
    /// assert_eq!(f.block_size, 16);
    /// # Ok::<(), lowprec::block::BlockError>(())
    /// ```
    pub const fn bfp(bits: u32) -> Result<Self, BlockError> {
        if bits < 2 || bits > 8 {
            return Err(BlockError::IntElement {
                bits,
                frac_bits: bits.saturating_sub(2),
            });
        }
        Ok(BlockFormat {
            element: ElementFormat::Int {
                bits,
                frac_bits: bits - 2,
            },
            block_size: 16,
            ..mx(FloatFormat::E2M1)
        })
    }

    /// A validated block format.
    ///
    /// # Errors
    /// [`BlockError::ElementTooWide`] for a float element wider than 8 bits,
    /// [`BlockError::IntElement`] for an integer element outside 2..=8 bits or with more
    /// than 32 fraction bits, [`BlockError::ScaleTooWide`] for a scale wider than 8 bits,
    /// [`BlockError::BlockSize`] outside 1..=1024, [`BlockError::Inconsistent`] for a tensor
    /// scale without block scales or a scale format with no positive value.
    ///
    /// ```
    /// use lowprec::block::{BlockFormat, ElementFormat, ScaleFormat, ScaleRule};
    /// use lowprec::FloatFormat;
    /// let f = BlockFormat::new(
    ///     ElementFormat::Float(FloatFormat::E4M3FN),
    ///     16,
    ///     ScaleFormat::E8M0,
    ///     ScaleRule::Ceil,
    ///     false,
    /// )?;
    /// assert_eq!(f.to_string(), "mxfp8_e4m3:block=16:rule=ceil");
    /// assert!(BlockFormat::new(f.element, 0, f.scale, f.rule, false).is_err());
    /// # Ok::<(), lowprec::block::BlockError>(())
    /// ```
    pub const fn new(
        element: ElementFormat,
        block_size: u32,
        scale: ScaleFormat,
        rule: ScaleRule,
        tensor_scale: bool,
    ) -> Result<Self, BlockError> {
        match element {
            ElementFormat::Float(f) => {
                if f.width() > 8 {
                    return Err(BlockError::ElementTooWide(f.width()));
                }
            }
            ElementFormat::Int { bits, frac_bits } => {
                if bits < 2 || bits > 8 || frac_bits > 32 {
                    return Err(BlockError::IntElement { bits, frac_bits });
                }
            }
        }
        if block_size == 0 || block_size > 1024 {
            return Err(BlockError::BlockSize(block_size));
        }
        // E8M0 named as a float format is the E8M0 scale.
        let scale = match scale {
            ScaleFormat::Float(f)
                if f.width() == 8
                    && matches!(f.specials(), crate::float::Specials::NoZero)
                    && f.exp_bits() == 8
                    && f.bias() == 127
                    && !f.is_signed() =>
            {
                ScaleFormat::E8M0
            }
            s => s,
        };
        match scale {
            ScaleFormat::Float(f) => {
                if f.width() > 8 {
                    return Err(BlockError::ScaleTooWide(f.width()));
                }
                // The largest magnitude code is the largest value; 0 is a positive value
                // in formats without zero (E8M0 style), zero in the others.
                let top_positive = matches!(f.decode(f.max_mag()), crate::float::Exact::Finite(_));
                if f.emax() < f.quantum_min() || !top_positive {
                    return Err(BlockError::Inconsistent(
                        "the scale format has no positive value",
                    ));
                }
            }
            ScaleFormat::None if tensor_scale => {
                return Err(BlockError::Inconsistent(
                    "a tensor scale needs block scales (scale=none has none)",
                ));
            }
            _ => {}
        }
        Ok(BlockFormat {
            element,
            block_size,
            scale,
            rule,
            tensor_scale,
        })
    }

    /// Checks a format built field by field (the fields are public): what [`BlockFormat::new`]
    /// checks.
    ///
    /// # Errors
    /// As [`BlockFormat::new`].
    ///
    /// ```
    /// use lowprec::block::BlockFormat;
    /// let bad = BlockFormat { block_size: 0, ..BlockFormat::MXFP8_E4M3 };
    /// assert!(bad.validate().is_err());
    /// assert!(BlockFormat::NVFP4.validate().is_ok());
    /// ```
    pub const fn validate(&self) -> Result<(), BlockError> {
        match Self::new(
            self.element,
            self.block_size,
            self.scale,
            self.rule,
            self.tensor_scale,
        ) {
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The number of blocks (and scale codes) of a slice of `len` elements: ⌈len / block⌉.
    ///
    /// ```
    /// use lowprec::block::BlockFormat;
    /// assert_eq!(BlockFormat::MXFP4_E2M1.num_blocks(65), 3);
    /// ```
    pub const fn num_blocks(&self, len: usize) -> usize {
        if self.block_size == 0 {
            return 0;
        }
        len.div_ceil(self.block_size as usize)
    }

    /// The number of scale codes a slice of `len` elements needs (0 without block scales).
    ///
    /// ```
    /// use lowprec::block::BlockFormat;
    /// assert_eq!(BlockFormat::MXFP8_E4M3.num_scales(64), 2);
    /// ```
    pub const fn num_scales(&self, len: usize) -> usize {
        match self.scale {
            ScaleFormat::None => 0,
            _ => self.num_blocks(len),
        }
    }
}

fn float_name(f: &FloatFormat, out: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(out, "{f}")
}

fn element_name(e: &ElementFormat, out: &mut fmt::Formatter<'_>) -> fmt::Result {
    match e {
        ElementFormat::Float(f) => float_name(f, out),
        ElementFormat::Int { bits, frac_bits } => write!(out, "int{bits}.{frac_bits}"),
    }
}

fn scale_name(s: &ScaleFormat, out: &mut fmt::Formatter<'_>) -> fmt::Result {
    match s {
        ScaleFormat::E8M0 => out.write_str("e8m0"),
        ScaleFormat::None => out.write_str("none"),
        ScaleFormat::Float(f) => float_name(f, out),
    }
}

impl fmt::Display for BlockFormat {
    /// The preset name, followed by `:key=value` for each field that differs from it;
    /// formats with no preset element print as `block:element=…` and their differences
    /// from an MX block (block 32, E8M0, floor, no tensor scale).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = match self.element {
            ElementFormat::Int { bits, frac_bits }
                if (2..=8).contains(&bits) && bits.checked_sub(2) == Some(frac_bits) =>
            {
                if bits == 8 {
                    f.write_str("mxint8")?;
                    Self::MXINT8
                } else {
                    write!(f, "bfp{bits}")?;
                    Self::bfp(bits).map_err(|_| fmt::Error)?
                }
            }
            _ => {
                let preset = Self::PRESETS.iter().find(|(_, p)| *p == *self).or_else(|| {
                    Self::PRESETS
                        .iter()
                        .find(|(_, p)| p.element == self.element)
                });
                match preset {
                    Some((name, p)) => {
                        f.write_str(name)?;
                        *p
                    }
                    None => {
                        f.write_str("block:element=")?;
                        element_name(&self.element, f)?;
                        BlockFormat {
                            element: self.element,
                            ..Self::MXFP8_E4M3
                        }
                    }
                }
            }
        };
        if self.block_size != base.block_size {
            write!(f, ":block={}", self.block_size)?;
        }
        if self.scale != base.scale {
            f.write_str(":scale=")?;
            scale_name(&self.scale, f)?;
        }
        if self.rule != base.rule {
            write!(f, ":rule={}", self.rule.name())?;
        }
        if self.tensor_scale != base.tensor_scale {
            f.write_str(if self.tensor_scale {
                ":tensor=on"
            } else {
                ":tensor=off"
            })?;
        }
        Ok(())
    }
}

const KEYS: [&str; 5] = ["block", "scale", "rule", "tensor", "element"];

fn is_key(part: &str) -> bool {
    part.split_once('=').is_some_and(|(k, _)| KEYS.contains(&k))
}

fn parse_float(s: &str) -> Result<FloatFormat, BlockError> {
    s.parse::<FloatFormat>()
        .map_err(|_| BlockError::UnknownName)
}

fn parse_element(s: &str) -> Result<ElementFormat, BlockError> {
    if let Some(rest) = s.strip_prefix("int") {
        let (b, fr) = rest.split_once('.').ok_or(BlockError::UnknownName)?;
        let bits = parse_num(b)?;
        let frac_bits = parse_num(fr)?;
        return Ok(ElementFormat::Int { bits, frac_bits });
    }
    parse_float(s).map(ElementFormat::Float)
}

fn parse_num(s: &str) -> Result<u32, BlockError> {
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BlockError::UnknownName);
    }
    s.parse().map_err(|_| BlockError::UnknownName)
}

impl FromStr for BlockFormat {
    type Err = BlockError;

    /// Parses `NAME[:key=value]…`, case-insensitive.
    ///
    /// `NAME` is a preset (`mxfp8_e4m3 mxfp8_e5m2 mxfp6_e3m2 mxfp6_e2m3 mxfp4_e2m1
    /// mxint8 nvfp4`), `bfp<N>` (N = 2..=8), or `block` (an MX block of E4M3FN elements,
    /// to be changed by `element=`). The keys:
    ///
    /// | key | value |
    /// |---|---|
    /// | `element` | a float format name ([`FloatFormat`]'s spelling, its own `:` options included) or `int<B>.<F>` (B-bit two's complement, F fraction bits) |
    /// | `block` | the block size, 1..=1024 |
    /// | `scale` | `e8m0`, `none`, or a float format name |
    /// | `rule` | `floor`, `ceil`, `nearest`, `amax` |
    /// | `tensor` | `on` or `off` (the per-tensor `f32` scale) |
    ///
    /// Unknown names, keys and values are [`BlockError::UnknownName`] or
    /// [`BlockError::BadOption`]; the result is validated as by [`BlockFormat::new`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut buf = [0u8; 128];
        let s = s.trim();
        if s.len() > buf.len() || !s.is_ascii() {
            return Err(BlockError::UnknownName);
        }
        buf[..s.len()].copy_from_slice(s.as_bytes());
        buf[..s.len()].make_ascii_lowercase();
        let s = core::str::from_utf8(&buf[..s.len()]).map_err(|_| BlockError::UnknownName)?;
        let (head, mut rest) = match s.split_once(':') {
            Some((h, r)) => (h, Some(r)),
            None => (s, None),
        };
        let mut f = if head == "block" {
            Self::MXFP8_E4M3
        } else if let Some(n) = head.strip_prefix("bfp") {
            Self::bfp(parse_num(n)?)?
        } else {
            Self::PRESETS
                .iter()
                .find(|(name, _)| *name == head)
                .map(|(_, p)| *p)
                .ok_or(BlockError::UnknownName)?
        };
        while let Some(r) = rest {
            // One option: `key=value`, where a format value runs on through the parts
            // that are not themselves options (a float format's own `:nosub`, `:bias=B`).
            let (key, after) = r.split_once('=').ok_or(BlockError::BadOption)?;
            if !KEYS.contains(&key) {
                return Err(BlockError::BadOption);
            }
            let mut end = after.len();
            let mut pos = 0;
            let mut next = None;
            for part in after.split(':') {
                if pos > 0 && is_key(part) {
                    end = pos - 1;
                    next = Some(&after[pos..]);
                    break;
                }
                pos += part.len() + 1;
            }
            let value = &after[..end];
            rest = next;
            match key {
                "block" => f.block_size = parse_num(value).map_err(|_| BlockError::BadOption)?,
                "rule" => {
                    f.rule = match value {
                        "floor" => ScaleRule::Floor,
                        "ceil" => ScaleRule::Ceil,
                        "nearest" => ScaleRule::Nearest,
                        "amax" => ScaleRule::AmaxOverMax,
                        _ => return Err(BlockError::BadOption),
                    }
                }
                "tensor" => {
                    f.tensor_scale = match value {
                        "on" => true,
                        "off" => false,
                        _ => return Err(BlockError::BadOption),
                    }
                }
                "scale" => {
                    f.scale = match value {
                        "e8m0" => ScaleFormat::E8M0,
                        "none" => ScaleFormat::None,
                        v => ScaleFormat::Float(parse_float(v).map_err(|_| BlockError::BadOption)?),
                    }
                }
                _ => f.element = parse_element(value).map_err(|_| BlockError::BadOption)?,
            }
        }
        Self::new(f.element, f.block_size, f.scale, f.rule, f.tensor_scale)
    }
}
