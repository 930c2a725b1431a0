//! Block-scaled formats: OCP Microscaling (MXFP8, MXFP6, MXFP4, MXINT8), NVFP4-style
//! two-level scaling and block floating point.
//!
//! A block of `block_size` narrow elements shares one scale; a value is
//! element × scale (× a per-tensor `f32` scale in NVFP4). The scale follows from the
//! block's largest magnitude by a [`ScaleRule`], decided exactly from the bits; each
//! element is **one rounding** of the exact quotient V / scale into the element format,
//! in any [`Rounding`](crate::Rounding) mode (stochastic ones included), saturating at
//! ±max as the OCP MX specification requires.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | module docs, [`BlockError`], re-exports |
//! | `format.rs` | [`BlockFormat`], [`ElementFormat`], [`ScaleFormat`], [`ScaleRule`], presets, names |
//! | `scale.rs` | the shared scale of a block ([`block_scale`]) and the NVFP4 tensor scale ([`tensor_scale_f32`]) |
//! | `quantize.rs` | slice kernels: [`quantize_f32`], [`dequantize_f32`], [`chop_f32`] and their `_with`/`f64` forms |
//! | `pack.rs` | packing element codes into bytes ([`pack`], [`unpack`]) |
//! | `dot.rs` | MX `Dot`/`DotGeneral` ([`dot_exact`], [`dot_with`], [`dot_f32`]) and [`matmul_f32`] over packed blocks |
//!
//! ```
//! use lowprec::block::{self, BlockFormat};
//! let fmt: BlockFormat = "mxfp4_e2m1".parse()?;
//! let xs = [1.0f32, -0.3, 5.0, 100.0];
//! let mut scales = [0u8; 1];
//! let mut codes = [0u8; 4];
//! block::quantize_f32(&fmt, &xs, &mut scales, &mut codes)?;
//! // amax = 100: scale 2^(⌊log2 100⌋ − 2) = 2^4 (E8M0 code 127 + 4).
//! assert_eq!(scales, [131]);
//! let mut back = [0f32; 4];
//! block::dequantize_f32(&fmt, 1.0, &scales, &codes, &mut back)?;
//! assert_eq!(back, [0.0, -0.0, 8.0, 96.0]);
//! let mut packed = [0u8; 2];
//! block::pack(fmt.element.width(), &codes, &mut packed)?;
//! # Ok::<(), lowprec::block::BlockError>(())
//! ```
//!
//! ## Special values
//! The OCP MX v1.0 specification defines a NaN scale (E8M0 0xFF) to make every element of
//! its block NaN, and leaves the conversion of non-finite inputs to the implementation.
//! Here:
//! - a block holding a NaN gets the NaN scale (the scale format's NaN; E8M0 0xFF), its
//!   element codes are the element format's NaN (0 where it has none), and the status
//!   says `INVALID`; every value of the block dequantizes to NaN where the scale or
//!   the element format has a NaN (a block format with neither cannot hold one: its
//!   codes are 0 and the `INVALID` flag is the only trace);
//! - ±∞ counts as the largest magnitude: the scale rule gives the largest scale
//!   (2^127 for E8M0), and the infinite elements saturate to ±max element (see the
//!   overflow policy below);
//! - an all-zero block gets the smallest scale (E8M0 2^−127, as gfloat does): every scale
//!   represents the zeros exactly, and the smallest lets a test on the scale alone find
//!   near-zero blocks. Zeros keep their sign where the element format has −0.
//!
//! ## Overflow
//! Elements saturate, as the specification's "clamping normal numbers to max normal"
//! says: [`Overflow::Ieee`](crate::Overflow::Ieee) (the default) and
//! [`Overflow::SatFinite`](crate::Overflow::SatFinite) both give ±max for a finite
//! quotient beyond the range and for ±∞; [`Overflow::SatPropagate`](crate::Overflow::SatPropagate)
//! saturates finite quotients and keeps ±∞ where the element format has infinities (E5M2).

use core::fmt;

mod dot;
#[cfg(test)]
mod fast_tests;
mod format;
mod pack;
mod quantize;
mod scale;
#[cfg(test)]
mod tests;

pub use dot::{MxExact, MxMatrix, MxSum, MxVector, dot_exact, dot_f32, dot_with, matmul_f32};
pub use format::{BlockFormat, ElementFormat, ScaleFormat, ScaleRule};
pub use pack::{pack, packed_len, unpack};
pub use quantize::{
    chop_f32, chop_f32_with, chop_f64, chop_f64_with, dequantize_f32, dequantize_f64, quantize_f32,
    quantize_f32_with, quantize_f32_with_tensor_scale, quantize_f64_with,
    quantize_f64_with_tensor_scale,
};
pub use scale::{BlockScale, block_scale, tensor_scale_f32, tensor_scale_f64};

/// Why a block format or a block operation was refused. Nothing is written when an
/// error is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockError {
    /// A float element format wider than 8 bits (its width).
    ElementTooWide(u32),
    /// An integer element outside 2..=8 bits or with more than 32 fraction bits.
    IntElement {
        /// Width in bits.
        bits: u32,
        /// Fraction bits.
        frac_bits: u32,
    },
    /// A scale format wider than 8 bits (its width).
    ScaleTooWide(u32),
    /// A block size outside 1..=1024.
    BlockSize(u32),
    /// Parts of the format that do not go together.
    Inconsistent(&'static str),
    /// The name is not a preset, `bfp<N>` or `block`.
    UnknownName,
    /// An unknown option key or an invalid option value.
    BadOption,
    /// A slice has the wrong length.
    Length {
        /// Which slice.
        what: &'static str,
        /// The length it must have.
        expected: usize,
        /// The length it has.
        got: usize,
    },
    /// A packing width outside 1..=8.
    PackWidth(u32),
    /// A tensor scale that is not a positive finite number.
    TensorScale,
}

impl fmt::Display for BlockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BlockError::ElementTooWide(w) => {
                write!(f, "float elements must be at most 8 bits wide, got {w}")
            }
            BlockError::IntElement { bits, frac_bits } => write!(
                f,
                "integer elements need 2..=8 bits and at most 32 fraction bits, got {bits} bits with {frac_bits} fraction bits"
            ),
            BlockError::ScaleTooWide(w) => {
                write!(f, "scales must be at most 8 bits wide, got {w}")
            }
            BlockError::BlockSize(n) => write!(f, "block size must be 1..=1024, got {n}"),
            BlockError::Inconsistent(why) => f.write_str(why),
            BlockError::UnknownName => f.write_str(
                "unknown block format: use mxfp8_e4m3 mxfp8_e5m2 mxfp6_e3m2 mxfp6_e2m3 \
                 mxfp4_e2m1 mxint8 nvfp4 bfp<N> or block, followed by :key=value options \
                 (element, block, scale, rule, tensor)",
            ),
            BlockError::BadOption => f.write_str(
                "bad block format option: use element=FORMAT|int<B>.<F>, block=N, \
                 scale=e8m0|none|FORMAT, rule=floor|ceil|nearest|amax, tensor=on|off",
            ),
            BlockError::Length {
                what,
                expected,
                got,
            } => write!(f, "{what} must hold {expected} entries, got {got}"),
            BlockError::PackWidth(w) => write!(f, "packed codes must be 1..=8 bits wide, got {w}"),
            BlockError::TensorScale => f.write_str("the tensor scale must be positive and finite"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BlockError {}

/// `Ok` when a slice argument (`what`) has the `expected` length, else [`BlockError::Length`].
fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), BlockError> {
    if expected == got {
        Ok(())
    } else {
        Err(BlockError::Length {
            what,
            expected,
            got,
        })
    }
}
