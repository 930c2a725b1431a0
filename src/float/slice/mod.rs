//! Fast kernels over slices: quantize ("chop"), encode to codes, decode codes.
//!
//! These are the hot path for quantization-aware training and data preparation. Every
//! function here gives, element for element, exactly what the scalar conversions give —
//! [`FloatFormat::from_f32`] / [`FloatFormat::from_f64`] for codes, followed by
//! [`FloatFormat::to_f32`] / [`FloatFormat::to_f64`] for quantized values — only faster:
//!
//! | function | per element |
//! |---|---|
//! | [`quantize_f32_with`], [`quantize_f32_to_with`] | `fmt.to_f32(fmt.from_f32_with(x, how, rng).value)` |
//! | [`quantize_f64_with`], [`quantize_f64_to_with`] | `fmt.to_f64(fmt.from_f64_with(x, how, rng).value)` |
//! | [`encode_f32_with`], [`encode_f64_with`] | `fmt.from_f32_with(x, how, rng).value` / `fmt.from_f64_with(…).value` as a [`Code`] |
//! | [`decode_to_f32`], [`decode_to_f64`] | `fmt.to_f32(code)` / `fmt.to_f64(code)` |
//!
//! Each `_with` function has a plain form without `how` and `rng` ([`quantize_f32`],
//! [`encode_f32`], …) that rounds to nearest, ties to even, with the standard overflow.
//!
//! A quantized value is the rounded code converted back to the host type. That is exact
//! whenever the format's values fit the host type; for formats wider than the host (more
//! fraction bits, or a wider exponent range: e.g. quantizing `f32` data into tf32 is exact,
//! into `e8m30` it is not) the code's value is rounded once more, to nearest-even, into the
//! host type — exactly as `to_f32` does.
//!
//! # Random bits
//!
//! Elements are processed in index order. An element draws random bits only when it is
//! rounded inexactly in a stochastic mode, with one call of [`RandomBits::bits`] for the
//! mode's number of bits, exactly as the scalar conversion does; exact values, zeros,
//! infinities and NaNs draw nothing, and deterministic modes never touch the generator.
//! So a slice function leaves the generator in the same state as the scalar conversions
//! called on each element in order, and produces the same codes.
//!
//! # Status flags
//!
//! Slice functions do not report IEEE status flags; use the scalar conversions, which
//! return [`StatusAnd`](crate::StatusAnd), when the flags matter.
//!
//! # Fast paths
//!
//! A format is *kernel-friendly* for a host type when it is signed, has a zero, has no
//! more fraction bits than the host, its smallest normal is a normal host number, and
//! (for `f32`) its codes fit in 31 bits: every preset but E8M0 from `f64`, and every
//! preset but fp64 and E8M0 from `f32`. For those formats:
//!
//! - **round-to-nearest-even** runs a branchless kernel that the compiler vectorizes.
//!   For formats whose range sits well inside the host's (fp16, every 8-bit format) one
//!   formula serves normal and subnormal results: |x| plus a power of two C chosen per
//!   binade so that the host's spacing at C is the format's quantum at |x|, which makes
//!   the host's own RNE addition the one correct rounding, and the code falls out of the
//!   sum's bits. Formats with the host's exponent range (bf16, tf32) round the host bits
//!   directly: bias, shift, rebias. Overflow, ±∞ and NaN are a clamp before rounding
//!   and compare-and-selects after it;
//! - **the other deterministic modes** use the integer kernel with a rounding bias, and
//!   a subnormal path that recovers the discarded fraction exactly from the host's
//!   rounding error; both take their decisions from a per-mode table computed by asking
//!   [`round_increment`] itself (the crate's one rounding decision) about one value
//!   below, at and above a tie for each sign and parity;
//! - **stochastic modes** split each element into the kept bits and the discarded
//!   fraction with integer operations and call [`round_increment`] with the same
//!   arguments the exact path would, so they draw the same random bits.
//!
//! Every other format goes through the exact path ([`FloatFormat::round`]). Each
//! shortcut states its proof next to the code, and `tests/slice.rs` checks the kernels
//! against the exact path on both sides of every point where a rounding can change, in
//! every mode, policy and preset (and on all 2^32 `f32` inputs with `LOWPREC_LONG=1`).
//! The proofs assume IEEE 754 binary32/binary64 arithmetic with round-to-nearest-even
//! and subnormals, as Rust specifies for `f32`/`f64` (x87-only targets without SSE2 do
//! not provide it).
//!
//! The kernels are portable Rust without `unsafe`; the compiler vectorizes them for the
//! target's baseline (SSE2 on x86-64). Building with wider vector units enabled (for
//! example `RUSTFLAGS="-C target-cpu=native"`) speeds them up further.
//!
//! One case is dispatched at run time instead: on x86 and x86-64 with the `std` feature,
//! when the CPU has F16C and AVX, `f32` → IEEE binary16 ([`FloatFormat::FP16`]) with
//! ties-to-even and [`Overflow::Ieee`] ([`encode_f32`], [`quantize_f32`],
//! [`quantize_f32_to`]) and binary16 → `f32` ([`decode_to_f32`]) use the
//! `vcvtps2ph`/`vcvtph2ps` instructions, eight elements at a time, as the `half` crate
//! does. Their results are the portable kernel's bit for bit: the instructions round to
//! nearest-even by their immediate operand (not the MXCSR), overflow to ±∞ and keep
//! subnormal results, and NaN lanes, whose payloads F16C would keep, are replaced by
//! lowprec's NaN of the same sign. With `dispatch.rs`, this is the crate's only `unsafe` code, in a small
//! private module; every other format, mode, policy and target runs the portable kernels.
//!
//! ```
//! use lowprec::{FloatFormat, NoRandom, Overflow};
//! use lowprec::float::slice;
//!
//! let fmt = FloatFormat::E4M3FN;
//! let src = [0.3f32, -1.0625, 500.0, 1e-4];
//! let mut codes = [0u8; 4];
//! slice::encode_f32_with(&fmt, &src, &mut codes, Overflow::SatFinite, &mut NoRandom)?;
//! assert_eq!(codes, [0x2A, 0xB8, 0x7E, 0x00]); // 0.3125, −1.0 (tie to even), 448, 0
//! let mut back = [0f32; 4];
//! slice::decode_to_f32(&fmt, &codes, &mut back)?;
//! assert_eq!(back, [0.3125, -1.0, 448.0, 0.0]);
//! # Ok::<(), lowprec::float::slice::SliceError>(())
//! ```
//!
//! | file | holds |
//! |---|---|
//! | `api.rs` | the public functions, [`Code`], [`SliceError`], and when the F16C path may run |
//! | `host.rs` | the host types `f32`/`f64` and their bit words, as the kernels use them |
//! | `plan.rs` | the per-call constants of encoding and quantizing: kernel choice, rounding table, results of the special inputs |
//! | `lanes.rs` | the per-element kernels, each with its proof |
//! | `run.rs` | the loops: the plan's kernel over a slice, in place or into a destination |
//! | `decode.rs` | decoding codes, with its own per-call constants |
//! | `f16c.rs` | `f32` ↔ binary16 through F16C (with `dispatch.rs`, the crate's only `unsafe` code) |
//!
//! [`FloatFormat::from_f32`]: crate::FloatFormat::from_f32
//! [`FloatFormat::from_f64`]: crate::FloatFormat::from_f64
//! [`FloatFormat::to_f32`]: crate::FloatFormat::to_f32
//! [`FloatFormat::to_f64`]: crate::FloatFormat::to_f64
//! [`FloatFormat::round`]: crate::FloatFormat::round
//! [`FloatFormat::FP16`]: crate::FloatFormat::FP16
//! [`Overflow::Ieee`]: crate::Overflow::Ieee
//! [`RandomBits::bits`]: crate::RandomBits::bits
//! [`round_increment`]: crate::rounding::round_increment

mod api;
mod decode;
mod host;
mod lanes;
mod plan;
mod run;

// binary16 through F16C (x86 and x86-64, with `std` for the run-time feature check).
// With `dispatch.rs`, the crate's only `unsafe` code: target-feature functions and the vector
// loads and stores, each block with its proof.
#[cfg(all(feature = "std", any(target_arch = "x86", target_arch = "x86_64")))]
#[allow(unsafe_code)]
mod f16c;
#[cfg(all(
    test,
    feature = "std",
    any(target_arch = "x86", target_arch = "x86_64")
))]
mod f16c_tests;

pub use api::{
    Code, SliceError, decode_to_f32, decode_to_f64, encode_f32, encode_f32_with, encode_f64,
    encode_f64_with, quantize_f32, quantize_f32_to, quantize_f32_to_with, quantize_f32_with,
    quantize_f64, quantize_f64_to, quantize_f64_to_with, quantize_f64_with,
};
