//! Full-precision fixed-point arithmetic with the headers' result types.
//!
//! An operation on two fixed-point values gives an exact [`Wide`] value whose type
//! ([`WideFormat`]: an `ap_fixed_base<W, I, S>`, `ap_int_base<W, S>` or
//! `ac_fixed<W, I, S>` with W ≤ 128) follows the headers. `ap_fixed.h` (`RType`) and
//! `ac_fixed.h` (`rt`, `rt_unary`) spell the same result types:
//!
//! | operation | result W, I, S |
//! |---|---|
//! | a × b | W1 + W2, I1 + I2, S1 ∨ S2 |
//! | a + b | I = max(I1 + (S2 ∧ ¬S1), I2 + (S1 ∧ ¬S2)) + 1, F = max(F1, F2), S1 ∨ S2 |
//! | a − b | as a + b, always signed |
//! | a ÷ b | S2 + W1 + max(F2, 0), S2 + I1 + F2, S1 ∨ S2 |
//! | −a | W + 1, I + 1, signed |
//!
//! The families differ in the values of two operations, and in nothing else:
//!
//! | | `ap_fixed` | `ac_fixed` |
//! |---|---|---|
//! | a ÷ b | (a.raw · 2^max(F2,0)) / b.raw truncated toward zero, computed in the header's dividend width, so min ÷ −1 LSB wraps to min | the same quotient, exact: the dividend is widened by one bit for the sign, so min ÷ −1 LSB gives −min |
//! | a < b, a == b, a > b | C's usual arithmetic conversions once a signed and an unsigned operand reach 32 bits ([`Wide::header_compare`]) | exact (unsigned values carry a zero sign bit) |
//!
//! The family of a result is the operands' when they agree; `ap_int` with `ap_fixed`
//! gives `ap_fixed`, as in C++. Mixing `ac_fixed` with `ap_fixed`/`ap_int`, which C++
//! does not allow, follows the `ap_fixed` rules.
//!
//! Intermediates are `i128`: products always fit (W1 + W2 ≤ 128). Sums, differences and
//! quotients fit when their result width is at most 128, i.e. whenever the binary points
//! of the operands are less than about 63 bits apart; otherwise the operation returns
//! [`ArithError::TooWide`] (with the width C++ would use) instead of overflowing. A value
//! is rounded and overflowed only when it is written into a [`FixedFormat`]
//! ([`Wide::cast`]); `a op= b` is `a = cast(a op b)`, and for + and − it takes an exact
//! path that has no width limit.
//!
//! | file | holds |
//! |---|---|
//! | `result_type.rs` | the result types ([`WideFormat`]) and [`ArithError`] |
//! | `wide.rs` | the exact result value [`Wide`]: a × b, a ± b, a ÷ b, −a, and its cast |
//! | `compare.rs` | the exact order and the headers' comparison operators |
//! | `assign.rs` | `a += b`, `a -= b`, `a *= b` and `out = a ± b` without a width limit |
//! | `shift.rs` | `a << n` and `a >> n` in the operand's type |

mod assign;
mod compare;
mod result_type;
mod shift;
mod wide;

pub use result_type::{ArithError, WideFormat};
pub use wide::Wide;
pub(crate) use wide::{add_raw, div_raw};
