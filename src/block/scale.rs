//! The shared scale of a block, and the NVFP4 per-tensor scale.
//!
//! log₂ of the largest magnitude is read off its bits: ⌊log₂ a⌋ is the exponent of the
//! leading bit, ⌈log₂ a⌉ adds one unless a is a power of two, and round(log₂ a) adds one
//! when the significand m ∈ [1, 2) has m ≥ √2, i.e. m² ≥ 2, an integer comparison
//! (log₂ a is never a tie: √2 is irrational). The quotients of the `amax` rule and of
//! the tensor scale are exact quotients rounded once ([`div`]).

use super::BlockError;
use super::format::{BlockFormat, ElementFormat, ScaleRule};
use crate::float::{Exact, Finite, FloatFormat};
use crate::rounding::{NoRandom, Overflow, Round, Rounding};

/// A host float the kernels read and write (`f32`, `f64`).
pub(crate) trait Host: Copy {
    /// The float format of the host type.
    const FORMAT: FloatFormat;
    /// The magnitude's bits (sign cleared); larger bits are larger magnitudes.
    fn abs_bits(self) -> u64;
    /// The bits.
    fn bits(self) -> u64;
    /// From bits.
    fn from_bits(b: u64) -> Self;
}

impl Host for f32 {
    const FORMAT: FloatFormat = FloatFormat::FP32;
    #[inline]
    fn abs_bits(self) -> u64 {
        u64::from(self.to_bits() & 0x7FFF_FFFF)
    }
    #[inline]
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
    #[inline]
    fn from_bits(b: u64) -> Self {
        f32::from_bits(b as u32)
    }
}

impl Host for f64 {
    const FORMAT: FloatFormat = FloatFormat::FP64;
    #[inline]
    fn abs_bits(self) -> u64 {
        self.to_bits() & 0x7FFF_FFFF_FFFF_FFFF
    }
    #[inline]
    fn bits(self) -> u64 {
        self.to_bits()
    }
    #[inline]
    fn from_bits(b: u64) -> Self {
        f64::from_bits(b)
    }
}

/// The largest magnitude of `xs` as an exact value (NaN if any element is NaN).
pub(crate) fn amax<T: Host>(xs: &[T]) -> Exact {
    let inf = T::FORMAT.inf_code().unwrap_or(u64::MAX);
    let mut m = 0u64;
    for &x in xs {
        let a = x.abs_bits();
        if a > inf {
            return Exact::Nan { negative: false };
        }
        m = m.max(a);
    }
    T::FORMAT.decode(m)
}

/// The largest finite magnitude of `xs` (zero when there is none).
pub(crate) fn amax_finite<T: Host>(xs: &[T]) -> Exact {
    let inf = T::FORMAT.inf_code().unwrap_or(u64::MAX);
    let mut m = 0u64;
    for &x in xs {
        let a = x.abs_bits();
        if a < inf {
            m = m.max(a);
        }
    }
    T::FORMAT.decode(m)
}

/// The exponent of the leading bit of a nonzero finite value: ⌊log₂ |x|⌋.
pub(crate) fn floor_log2(f: &Finite) -> i32 {
    let n = 128 - f.sig.leading_zeros() as i32;
    f.exp + n - 1
}

/// The product of two exact values with significands below 2⁶⁴.
pub(crate) fn mul(a: &Finite, b: &Finite) -> Finite {
    Finite {
        negative: a.negative != b.negative,
        sig: (a.sig as u64 as u128) * (b.sig as u64 as u128),
        exp: a.exp + b.exp,
        sticky: false,
    }
}

/// The exact quotient n / d (d's significand below 2⁶⁴, n's below 2¹²⁷), truncated to at
/// least 127 − bits(d) − 1 significant bits (94 for the divisors of this module, at most
/// 32 bits wide) with a sticky bit for the remainder: ready for one rounding.
pub(crate) fn div(n: &Finite, d: &Finite) -> Finite {
    let negative = n.negative != d.negative;
    let dsig = d.sig as u64;
    if dsig.is_power_of_two() {
        return Finite {
            negative,
            sig: n.sig,
            exp: n.exp - d.exp - dsig.trailing_zeros() as i32,
            sticky: n.sticky,
        };
    }
    // n·2^sh < 2¹²⁷ and d < 2⁶⁴: the quotient has at least 63 bits.
    let sh = n.sig.leading_zeros().saturating_sub(1);
    let num = n.sig << sh;
    let dd = u128::from(dsig);
    Finite {
        negative,
        sig: num / dd,
        exp: n.exp - sh as i32 - d.exp,
        sticky: num % dd != 0 || n.sticky,
    }
}

/// The largest finite magnitude of an element format, exactly.
pub(crate) fn max_elem(e: &ElementFormat) -> Finite {
    match *e {
        ElementFormat::Float(f) => match f.decode(f.max_mag()) {
            Exact::Finite(m) => m,
            _ => one(),
        },
        ElementFormat::Int { bits, frac_bits } => Finite {
            negative: false,
            sig: (1u128 << (bits - 1)) - 1,
            exp: -(frac_bits as i32),
            sticky: false,
        },
    }
}

pub(crate) const fn one() -> Finite {
    Finite {
        negative: false,
        sig: 1,
        exp: 0,
        sticky: false,
    }
}

/// Whether (a / g) / 2^fl ≥ √2, i.e. a² ≥ 2^(2·fl + 1) · g², decided on integers:
/// a = A · 2^ea (A < 2⁵⁴, a host float) and g = G · 2^eg (G < 2²⁴, an `f32`).
fn ge_sqrt2(a: &Finite, g: &Finite, fl: i32) -> bool {
    let a2 = a.sig * a.sig; // < 2¹⁰⁸
    let g2 = g.sig * g.sig; // < 2⁴⁸
    let bits = |x: u128| 128 - x.leading_zeros() as i64;
    let t = 2 * i64::from(a.exp) - (2 * i64::from(fl) + 1 + 2 * i64::from(g.exp));
    if t >= 0 {
        bits(a2) + t > 127 || (a2 << t) >= g2
    } else {
        bits(g2) - t <= 127 && a2 >= (g2 << -t)
    }
}

/// The shared scale of one block: its code and its exact value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockScale {
    /// The scale code (0 for [`ScaleFormat::None`](super::ScaleFormat::None)).
    pub code: u8,
    /// The value of the scale: a positive finite number, zero (a scale format with zero
    /// under the `amax` rule), or NaN.
    pub value: Exact,
}

/// The power of two 2^e clamped into a scale format's range, as a code and a value.
fn pow2_scale(f: &FloatFormat, e: i32) -> BlockScale {
    let e = e.clamp(f.quantum_min(), f.emax());
    let v = Exact::from_parts(false, 1, e);
    BlockScale {
        code: f.round(v, Round::NEAREST_EVEN, &mut NoRandom).value as u8,
        value: v,
    }
}

/// The scale of a block whose largest magnitude is `amax`, under the tensor scale `g`.
pub(crate) fn scale_of(fmt: &BlockFormat, amax: &Exact, g: &Finite) -> BlockScale {
    let Some(sf) = fmt.scale.float() else {
        return BlockScale {
            code: 0,
            value: Exact::Finite(one()),
        };
    };
    let emax = fmt.element.emax();
    let a = match *amax {
        Exact::Nan { .. } => {
            return BlockScale {
                code: sf.nan_code().unwrap_or(0) as u8,
                value: Exact::Nan { negative: false },
            };
        }
        // An all-zero block: the smallest scale.
        Exact::Zero { .. } => return pow2_scale(&sf, i32::MIN / 2),
        Exact::Inf { .. } => return pow2_scale(&sf, i32::MAX / 2).max_for(fmt, &sf),
        Exact::Finite(a) => a,
    };
    // The pow2 rules look at amax / g (g = 1 without a tensor scale).
    let r = div(&a, g);
    let fl = floor_log2(&r);
    let e = match fmt.rule {
        ScaleRule::Floor => fl,
        ScaleRule::Ceil => fl + i32::from(!r.sig.is_power_of_two() || r.sticky),
        ScaleRule::Nearest => fl + i32::from(ge_sqrt2(&a, g, fl)),
        ScaleRule::AmaxOverMax => {
            let d = mul(&max_elem(&fmt.element), g);
            let q = div(&a, &d);
            let how = Round::new(Rounding::TiesToEven, Overflow::SatFinite);
            let r = sf.round(Exact::Finite(q), how, &mut NoRandom);
            return BlockScale {
                code: r.value as u8,
                value: sf.decode(r.value),
            };
        }
    };
    pow2_scale(&sf, e - emax)
}

impl BlockScale {
    /// Under the `amax` rule an infinite amax gives the largest scale (saturation).
    fn max_for(self, fmt: &BlockFormat, sf: &FloatFormat) -> BlockScale {
        if fmt.rule == ScaleRule::AmaxOverMax {
            let code = sf.max_mag();
            BlockScale {
                code: code as u8,
                value: sf.decode(code),
            }
        } else {
            self
        }
    }
}

/// The shared scale of one block of `f32` values under the tensor scale `tensor_scale`
/// (ignored by formats without one).
///
/// # Errors
/// The errors of [`BlockFormat::validate`]; [`BlockError::TensorScale`] when the format
/// has a tensor scale and `tensor_scale` is not positive and finite.
///
/// ```
/// use lowprec::block::{BlockFormat, block_scale};
/// // OCP MX: 2^(⌊log2 amax⌋ − emax_elem); amax = 3 and E4M3's emax is 8.
/// let s = block_scale(&BlockFormat::MXFP8_E4M3, &[1.0, -3.0, 0.5], 1.0)?;
/// assert_eq!(s.code, 127 + 1 - 8);
/// // An all-zero block gets the smallest E8M0 scale, 2^−127.
/// assert_eq!(block_scale(&BlockFormat::MXFP8_E4M3, &[0.0; 4], 1.0)?.code, 0);
/// // A NaN makes the whole block NaN.
/// assert_eq!(block_scale(&BlockFormat::MXFP4_E2M1, &[1.0, f32::NAN], 1.0)?.code, 0xFF);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn block_scale(
    fmt: &BlockFormat,
    block: &[f32],
    tensor_scale: f32,
) -> Result<BlockScale, BlockError> {
    fmt.validate()?;
    let g = match Exact::from_f32(tensor_scale) {
        _ if !fmt.tensor_scale => one(),
        Exact::Finite(g) if !g.negative => g,
        _ => return Err(BlockError::TensorScale),
    };
    Ok(scale_of(fmt, &amax(block), &g))
}

/// The per-tensor scale g = amax / (max_scale · max_elem) over the finite values of
/// `xs`, rounded once to `f32` (ties to even); 1 for formats without a tensor scale, for
/// tensors with no nonzero finite value and for invalid formats (see
/// [`BlockFormat::validate`]), and the smallest positive `f32` where the quotient would
/// round to zero.
///
/// ```
/// use lowprec::block::{BlockFormat, tensor_scale_f32};
/// // NVFP4: amax / (448 · 6).
/// assert_eq!(tensor_scale_f32(&BlockFormat::NVFP4, &[2688.0, -1.0]), 1.0);
/// assert_eq!(tensor_scale_f32(&BlockFormat::MXFP4_E2M1, &[2688.0]), 1.0);
/// ```
pub fn tensor_scale_f32(fmt: &BlockFormat, xs: &[f32]) -> f32 {
    tensor_scale_of(fmt, &amax_finite(xs))
}

/// [`tensor_scale_f32`] of `f64` values (the tensor scale is an `f32` all the same).
///
/// ```
/// use lowprec::block::{BlockFormat, tensor_scale_f64};
/// assert_eq!(tensor_scale_f64(&BlockFormat::NVFP4, &[5376.0]), 2.0);
/// ```
pub fn tensor_scale_f64(fmt: &BlockFormat, xs: &[f64]) -> f32 {
    tensor_scale_of(fmt, &amax_finite(xs))
}

fn tensor_scale_of(fmt: &BlockFormat, amax: &Exact) -> f32 {
    if fmt.validate().is_err() {
        return 1.0;
    }
    let (true, Some(sf), Exact::Finite(a)) = (fmt.tensor_scale, fmt.scale.float(), amax) else {
        return 1.0;
    };
    let Exact::Finite(ms) = sf.decode(sf.max_mag()) else {
        return 1.0;
    };
    let d = mul(&ms, &max_elem(&fmt.element));
    let q = div(a, &d);
    let f32f = FloatFormat::FP32;
    let how = Round::new(Rounding::TiesToEven, Overflow::SatFinite);
    let code = f32f.round(Exact::Finite(q), how, &mut NoRandom).value;
    let g = f32::from_bits(code as u32);
    if g == 0.0 { f32::from_bits(1) } else { g }
}

/// The tensor scale of host values (1 for formats without one).
pub(crate) fn tensor_scale_of_host<T: Host>(fmt: &BlockFormat, xs: &[T]) -> f32 {
    if !fmt.tensor_scale {
        return 1.0;
    }
    tensor_scale_of(fmt, &amax_finite(xs))
}
