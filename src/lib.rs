//! # lowprec
//!
//! Exact low-precision arithmetic for embedded targets, FPGA golden models and
//! quantization-aware training: custom floating-point formats (IEEE, OCP FP8, FNUZ,
//! MX FP6/FP4/E8M0, IEEE P3109, bf16, tf32) with every rounding mode and overflow
//! policy, each result computed exactly and rounded once.
//!
//! ```
//! use lowprec::{FloatFormat, NoRandom, Overflow, Rounding, SplitMix64, Status};
//! use lowprec::float::{Fp, formats::Bf16};
//!
//! let fmt: FloatFormat = "e4m3fn".parse()?;          // OCP FP8 E4M3FN
//!
//! // One correct rounding from f64: to nearest, ties to even, by default.
//! let code = fmt.from_f64(0.3);
//! assert_eq!(code, 0x2A);                             // code 0x2A
//! assert_eq!(fmt.to_f64(code), 0.3125);               // its exact value
//!
//! // Overflow follows the standard: E4M3FN has no infinity, so 500 is NaN...
//! assert_eq!(fmt.from_f64(500.0), 0x7F);
//! // ...unless the conversion saturates, as OCP "satfinite" does. The `_with` forms
//! // take any mode and overflow policy and return the IEEE status flags.
//! let sat = fmt.from_f64_with(500.0, Overflow::SatFinite, &mut NoRandom);
//! assert_eq!(fmt.to_f64(sat.value), 448.0);
//! assert_eq!(sat.status, Status::OVERFLOW | Status::INEXACT);
//!
//! // Typed values: the format is part of the type, the operators round to nearest.
//! let x = Fp::<Bf16>::from(3.14159_f32);
//! assert_eq!((x * x).to_f32(), 9.875);
//! assert_eq!(half::bf16::from(x), half::bf16::from_f32(3.14159));
//!
//! // Quantize a slice in place ("chop"), here with stochastic rounding: only the
//! // stochastic modes ask for a random source.
//! let mut xs = [0.1f32, 1.0, 3.3];
//! let mut rng = SplitMix64::new(42);
//! lowprec::float::slice::quantize_f32_with(&fmt, &mut xs, Rounding::SR, &mut rng);
//! assert_eq!(xs[1], 1.0);
//! # Ok::<(), lowprec::FormatError>(())
//! ```
//!
//! ## Features
//! - `std` (default): `std::error::Error` impls; implies `alloc`.
//! - `alloc`: [`math::Table`], the precomputed results of a function in a format of at most
//!   16 bits.
//! - `cli`: the `lowprec` command-line golden-vector tool.
//! - `fixed`: lossless conversions between [`lowprec::fixed`](crate::fixed) values and the
//!   `fixed` crate's `FixedI32<U16>` and friends.
//!
//! Correctly rounded elementary functions (exp … erfc, pow, atan2, hypot) in every format and
//! mode are in [`math`]: `fmt.unary(lowprec::math::Unary::Exp, code)`, `x.sin()` on typed
//! values.
//!
//! Fixed point bit-exact with `ap_fixed`/`ac_fixed` is in [`fixed`]:
//! `"ap_fixed<16,6,AP_RND_CONV,AP_SAT>".parse::<lowprec::fixed::FixedFormat>()`.
//!
//! Without default features the crate is `#![no_std]`, allocation-free and panic-free on
//! every input; it builds for `thumbv7em-none-eabihf`.
#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod block;
pub mod fixed;
pub mod float;
pub mod interval;
pub mod lmul;
pub mod math;
pub mod nn;
pub mod qat;
pub mod rounding;
// The exact building blocks that every part shares: the 256-bit integer and the split
// of a value at its last kept bit (with `rounding::round_increment`, the one rounding
// decision, and `float::Exact::cmp_value`, the one exact comparison).
// Run-time CPU dispatch: a target-feature function, called after detection.
#[allow(unsafe_code)]
mod dispatch;
mod split;
mod u256;

pub use float::{FloatFormat, FormatError};
pub use rounding::{
    NoRandom, Overflow, RandomBits, Round, Rounding, SplitMix64, Status, StatusAnd,
};

/// The README's examples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
