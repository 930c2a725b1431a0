//! Fixed point bit-exact with `ap_fixed`/`ap_ufixed`/`ap_int` (Xilinx/AMD HLS) and
//! `ac_fixed` (Siemens Catapult).
//!
//! | file | holds |
//! |---|---|
//! | `format.rs` | [`FixedFormat`] (W, I, signedness, [`Quantization`], [`OverflowMode`], N, [`Family`]) and its C++ spellings |
//! | `cast.rs` | casts: quantize with the shared rounding decision, then overflow, as the headers do |
//! | `arith/` | exact arithmetic with the headers' result types ([`Wide`], [`WideFormat`]) |
//! | `ops.rs` | operators that chain exact results (`a * b * c`), [`WideResult`] |
//! | `value.rs` | runtime values [`Fixed`] and typed values [`Fx<F>`](Fx), the markers [`ApFixed`] … |
//! | `checked.rs` | same-type `checked_*`, `saturating_*`, `wrapping_*` of [`Fx<F>`](Fx) |
//! | `modes.rs` | the quantization and overflow modes as types (`AP_RND_CONV`, `AC_SAT`, …) |
//!
//! ## Semantics (checked against the compiled headers of the hls4ml 1.3.0 wheel)
//! A cast computes ⌊x·2^F⌋ and the discarded fraction exactly, rounds once with
//! [`round_increment`](crate::rounding::round_increment) (`AP_TRN` = toward −∞,
//! `AP_TRN_ZERO` = toward zero, `AP_RND` = ties up, `AP_RND_ZERO` = ties toward zero,
//! `AP_RND_MIN_INF` = ties down, `AP_RND_INF` = ties away, `AP_RND_CONV` = ties to even,
//! `AC_RND_CONV_ODD` = ties to odd), then applies the overflow mode to the rounded
//! integer q:
//!
//! - `SAT`: clamp; `SAT_ZERO`: 0; `SAT_SYM`: clamp to ±max, and the most negative code
//!   becomes −max even when it is in range (with W = 1 the type holds {−1, 0} and −1 stays).
//! - `WRAP` with N = 0: the low W bits. N > 0, signed: the low W bits, then the MSB is
//!   the source's sign and the next N − 1 bits its complement; unsigned: the top N bits
//!   are set to 1 (on overflow and underflow alike).
//! - `WRAP_SM` (signed): N = 0: the low W bits, inverted when bit W of the *unrounded*
//!   ⌊x·2^F⌋ differs from their MSB; N = 1: inverted when the MSB differs from the
//!   source's sign, then MSB = sign; N ≥ 2: inverted when bit W − N equals the sign,
//!   then bits W − 2 … W − N are ¬sign and the MSB is the sign.
//!
//! Doubles are read as the headers read them (see [`FixedFormat::from_f64`]);
//! `to_f64` rounds ties to even; `to_int` truncates (ap) or floors (ac).
//!
//! Arithmetic is exact: a × b, a ± b, a ÷ b and −a give a [`Wide`] in the header's
//! full-precision result type, and rounding happens only on assignment (`Out r = a op b`
//! is [`Wide::cast`]; `a op= b` casts into a's type with a's modes). `ap_fixed.h`
//! (`RType`) and `ac_fixed.h` (`rt`, `rt_unary`) spell the same result types — product
//! ⟨W1 + W2, I1 + I2⟩, sum max(I1 + (S2 ∧ ¬S1), I2 + (S1 ∧ ¬S2)) + 1 integer bits and
//! max(F1, F2) fraction bits, difference likewise and always signed, quotient
//! ⟨S2 + W1 + max(F2, 0), S2 + I1 + F2⟩, negation ⟨W + 1, I + 1⟩ signed (table in
//! [`WideFormat`]) — and [`WideFormat`] keeps the family, because two values differ:
//!
//! - ÷: `ap_fixed` computes the truncated quotient in its dividend's width, so the most
//!   negative dividend over −1 LSB wraps to itself; `ac_fixed` divides magnitudes with a
//!   spare sign bit and is exact (`ac_fixed<8,8>(-128) / ac_fixed<8,8>(-1)` is 128 in
//!   `ac_fixed<9,9>`).
//! - <, ==, >: `ap_fixed` follows C's conversions once a signed and an unsigned operand
//!   reach 32 bits (−1 > 1u); `ac_fixed` compares exactly ([`Wide::header_compare`]).
//!
//! A result wider than 128 bits is [`ArithError::TooWide`] (with the width C++ would
//! use); `a += b`, `a -= b` and [`FixedFormat::from_sum`] have no width limit. One
//! `ac_fixed` behaviour is not reproduced because it is undefined: an assignment that
//! checks overflow (not `AC_WRAP`) from a source whose LSB lies more than 32·(N + 1) bits
//! above the target's (F − F2 > 32·(N + 1), N = ⌈(W + !S)/32⌉ target words) reads before
//! the source's words (`iv_equal_zeros_from` with a negative bit index) and may saturate
//! a zero; lowprec gives the exact cast there.
//!
//! Expressions chain with the operators: `a * b * c`, `a * b + c`, `-(a - b)` on
//! [`Fx`] and [`Wide`] operands keep the exact result types at every step and give a
//! [`WideResult`], the value or the first step's error (`ops.rs`). Same-type arithmetic
//! that stays in the type, `checked_*`, `saturating_*` and `wrapping_*` of [`Fx`], rounds
//! the exact result once with the type's quantization mode and replaces its overflow
//! mode (`checked.rs`). Formats are built from named parameters ([`FixedParams`]), and
//! the typed markers take the modes as types ([`modes`]: `ApFixed<16, 6, AP_RND_CONV,
//! AP_SAT>`), so a foreign or misplaced mode does not compile.
//!
//! ```
//! use lowprec::fixed::{FixedFormat, Fixed};
//! let t: FixedFormat = "ap_fixed<8,3,AP_RND_CONV,AP_SAT_SYM>".parse()?;
//! let x = Fixed::from_f64(t, -100.0);
//! assert_eq!((x.raw(), x.to_f64()), (-127, -3.96875)); // -max, not -4
//! let w: FixedFormat = "ap_fixed<4,4,AP_TRN,AP_WRAP_SM>".parse()?;
//! assert_eq!(Fixed::from_f64(w, 9.0).raw(), 6); // 9 = 0b1001: bit 4 (0) differs from the MSB: inverted
//! # Ok::<(), lowprec::fixed::FixedFormatError>(())
//! ```

mod arith;
pub(crate) mod cast;
mod checked;
mod format;
pub mod modes;
mod ops;
mod value;

pub use arith::{ArithError, Wide, WideFormat};
pub use format::{
    Family, FixedFormat, FixedFormatError, FixedParams, MAX_INT_BITS, OverflowMode, Quantization,
};
pub use ops::WideResult;
pub use value::{
    AcFixed, AcUfixed, ApFixed, ApInt, ApUfixed, ApUint, Fixed, FixedType, Fx, RawInt,
};
