//! hls4ml-exact mode: golden models of hls4ml 1.3.0's own Vivado kernels (`nnet_utils`),
//! bit for bit.
//!
//! A team with an existing hls4ml project checks its firmware against these models: each
//! reproduces what the C++ kernel computes in C simulation, including the places where the
//! kernel rounds twice, indexes a table by the top bits of a value's pattern, or reads its
//! weights transposed. The kernels modelled:
//!
//! | kernel | C++ | model |
//! |---|---|---|
//! | `nnet::dense`, latency and resource strategies | `nnet_dense_latency.h`, `nnet_dense_resource.h` | [`Dense`] |
//! | `nnet::softmax`: latency, stable, legacy, argmax | `nnet_activation.h` | [`Softmax`] |
//! | `nnet::layernormalize` | `nnet_layernorm.h` | [`LayerNorm`] |
//!
//! Each configuration is a value ([`DenseParams`], [`SoftmaxParams`], [`LayerNormParams`])
//! whose fields are the members of the `config` struct that hls4ml's code generator writes
//! (`backends/vivado/passes/core_templates.py`), with types as
//! [`FixedFormat`]s; `with_converter_defaults` builds the
//! configuration the converter writes when the user sets nothing.
//!
//! ## Lookup tables
//!
//! hls4ml fills its tables at C-simulation time in `float`/`double` arithmetic
//! (`init_exp_table`, `init_invert_table`, `init_invert_sqr_table`, …). The models fill
//! them with lowprec's own correctly rounded binary32/binary64 operations, which are the
//! IEEE operations the compiled C++ performs, and compute the three library functions
//! involved as follows:
//!
//! - `sqrtf` is correctly rounded (IEEE 754 requires it);
//! - `expf` is not correctly rounded in glibc. Its implementation (glibc ≥ 2.27, from
//!   Arm's optimized-routines) documents an error of 0.502 ulp: the result is the nearest
//!   binary32 number to a binary64 approximation of relative error below 1.69 · 2^−34.
//!   The table entry is the table type's cast of the exact e^x, and the model proves,
//!   entry by entry, that every binary32 number within (1/2 + 1/32) ulp of e^x — fifteen
//!   times the documented excess over half an ulp — casts to the same entry; otherwise
//!   [`NnError::TableMargin`] names the entry. (A bound of a whole ulp, the "known
//!   maximum error" style of glibc's manual, would refuse hls4ml's own legacy softmax
//!   table: its `ap_fixed<18,8>` truncates, and e^x lies within an ulp above a multiple
//!   of 2^−10 for some of its 1024 entries.) Outside binary32's normal range every number
//!   within 1 ulp is considered. e^0 = 1 is exact in every libm (C11 Annex F), so x = 0
//!   needs no margin;
//! - `pow(10, -e)` (binary64, then rounded to binary32 for LayerNorm's ε) is proven the
//!   same way: every binary64 number within 1 ulp of the exact 10^−e rounds to the same
//!   binary32 number (checked for every e the configuration may use; glibc's `pow` claims
//!   0.52 ulp).
//!
//! The caller owns the table storage (`&mut [i64]`, raw integers of the table type; the
//! lengths are given by the configuration's `table_lens`), so the module allocates
//! nothing.
//!
//! ## Values
//!
//! Inputs, weights and outputs are raw integers of the configuration's types (`i64`) or
//! typed values ([`Fx`](crate::fixed::Fx)), through [`Element`](super::Element). Values
//! outside their type are refused ([`NnError::Config`]).

mod dense;
mod layernorm;
mod softmax;
mod tables;

pub use dense::{Dense, DenseParams, Strategy};
pub use layernorm::{LayerNorm, LayerNormParams};
pub use softmax::{Softmax, SoftmaxImpl, SoftmaxParams};

use super::NnError;
use crate::fixed::FixedFormat;

/// Checks that a raw integer lies in its type.
#[inline(always)]
fn check_raw(what: &'static str, fmt: &FixedFormat, raw: i64) -> Result<(), NnError> {
    let r = i128::from(raw);
    if r < fmt.min_raw() || r > fmt.max_raw() {
        Err(NnError::Config(what))
    } else {
        Ok(())
    }
}

/// Checks every raw integer of a slice.
fn check_all<E: super::Element>(
    what: &'static str,
    fmt: &FixedFormat,
    xs: &[E],
) -> Result<(), NnError> {
    xs.iter().try_for_each(|x| check_raw(what, fmt, x.to_raw()))
}

/// `nnet::ceillog2`: `x <= 2 ? 1 : 1 + ceillog2((x + 1) / 2)`.
const fn ceillog2(x: usize) -> u32 {
    let mut n = 1;
    let mut x = x;
    while x > 2 {
        x = x.div_ceil(2);
        n += 1;
    }
    n
}

/// The C++ `int(v)` of an `ap_fixed` value raw · 2^−frac (`to_int`: the integer part,
/// truncated toward zero, then its low 32 bits).
fn to_int(raw: i128, frac: i32) -> i32 {
    let t = if frac <= 0 {
        let sh = -frac;
        if sh >= 32 {
            0
        } else {
            raw.wrapping_shl(sh as u32)
        }
    } else if frac >= 127 {
        0
    } else {
        raw / (1i128 << frac)
    };
    t as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceillog2_is_the_headers() {
        // ceillog2(x) = x <= 2 ? 1 : 1 + ceillog2((x + 1) / 2)
        fn reference(x: usize) -> u32 {
            if x <= 2 {
                1
            } else {
                1 + reference(x.div_ceil(2))
            }
        }
        for x in 0..5000 {
            assert_eq!(ceillog2(x), reference(x), "{x}");
        }
        assert_eq!(ceillog2(1024), 10);
        assert_eq!(ceillog2(1025), 11);
    }

    #[test]
    fn to_int_truncates_toward_zero() {
        assert_eq!(to_int(-3, 1), -1); // -1.5
        assert_eq!(to_int(3, 1), 1);
        assert_eq!(to_int(-1, 4), 0);
        assert_eq!(to_int(5, -2), 20);
        assert_eq!(to_int(1, -40), 0); // 2^40: low 32 bits
        assert_eq!(to_int((1i128 << 32) + 7, 0), 7);
    }
}
