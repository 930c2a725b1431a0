//! Custom floating-point formats: descriptors, the exact intermediate, the one
//! rounding step, conversions and slice kernels.
//!
//! | file | holds |
//! |---|---|
//! | `format.rs` | [`FloatFormat`], its named parameters [`FloatParams`], [`Specials`], presets and names |
//! | `exact.rs` | [`Exact`], [`FloatFormat::round`] (the one rounding step), [`FloatFormat::decode`] |
//! | `convert.rs` | from/to `f64`, `f32`, integers, other formats, `half` |
//! | `arith.rs` | correctly rounded +, −, ×, ÷, √, fma, remainder, min/max, comparisons |
//! | `dot.rs` | dot products and sums with an accumulator format, or exact (Kulisch) |
//! | `value.rs` | typed values [`Fp<F>`](Fp) with operators, `num_traits` and `half` interop |
//! | `fast.rs` | the host-float fast path of +, −, ×, fma for formats that fit in `f64` |
//! | `slice/` | fast kernels over slices (quantize, encode, decode) |

pub(crate) mod arith;
mod convert;
pub mod dot;
mod exact;
pub(crate) mod fast;
mod format;
pub mod slice;
mod text;
mod value;

pub use convert::{bf16_from_f32, f16_from_f32};
pub use exact::{Exact, Finite};
pub(crate) use format::pow2;
pub use format::{Class, Domain, FloatFormat, FloatParams, FormatError, Signedness, Specials};
pub use text::{FAR_EXPONENT, ParseExactError};
pub use value::{Format, Fp, IeeeFormat, ParseFpError, formats};
