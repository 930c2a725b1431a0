//! # lowprec
//!
//! Exact low-precision arithmetic for embedded targets, FPGA golden models and
//! quantization-aware training: custom floating-point formats (IEEE, OCP FP8, FNUZ,
//! MX FP6/FP4/E8M0, IEEE P3109, bf16, tf32) with every rounding mode and overflow
//! policy, each result computed exactly and rounded once.
//!
//! ```
//! use lowprec::{FloatFormat, Rounding, Overflow, SplitMix64};
//!
//! let fmt: FloatFormat = "e4m3fn".parse()?;          // OCP FP8 E4M3FN
//! let mut rng = SplitMix64::new(42);                  // only stochastic modes draw from it
//!
//! // One correct rounding from f64, with IEEE status flags.
//! let r = fmt.from_f64(0.3, Rounding::TiesToEven, Overflow::Ieee, &mut rng);
//! assert_eq!(r.value, 0x2A);                          // code 0x2A
//! assert_eq!(fmt.to_f64(r.value), 0.3125);            // its exact value
//! assert!(r.status.contains(lowprec::Status::INEXACT));
//!
//! // Overflow follows the standard: E4M3FN has no infinity, so 500 is NaN...
//! let nan = fmt.from_f64(500.0, Rounding::TiesToEven, Overflow::Ieee, &mut rng).value;
//! assert_eq!(nan, 0x7F);
//! // ...unless the conversion saturates, as OCP "satfinite" does.
//! let sat = fmt.from_f64(500.0, Rounding::TiesToEven, Overflow::SatFinite, &mut rng).value;
//! assert_eq!(fmt.to_f64(sat), 448.0);
//!
//! // Quantize a slice in place ("chop"), here with stochastic rounding.
//! let mut xs = [0.1f32, 1.0, 3.3];
//! lowprec::float::slice::quantize_f32(&fmt, &mut xs, Rounding::SR, Overflow::Ieee, &mut rng);
//! assert_eq!(xs[1], 1.0);
//! # Ok::<(), lowprec::FormatError>(())
//! ```
//!
//! ## Features
//! - `std` (default): `std::error::Error` impls; implies `alloc`.
//! - `alloc`: nothing yet beyond `core`; reserved for allocating helpers.
//! - `cli`: the `lowprec` command-line golden-vector tool.
//! - `fixed`: lossless conversions between [`lowprec::fixed`](crate::fixed) values and the
//!   `fixed` crate's `FixedI32<U16>` and friends.
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

pub mod fixed;
pub mod float;
pub mod interval;
pub mod lmul;
pub mod rounding;
// The exact building blocks that every part shares: the 256-bit integer and the split
// of a value at its last kept bit (with `rounding::round_increment`, the one rounding
// decision, and `float::Exact::cmp_value`, the one exact comparison).
mod split;
mod u256;

pub use float::{FloatFormat, FormatError};
pub use rounding::{Overflow, RandomBits, Rounding, SplitMix64, Status, StatusAnd};
