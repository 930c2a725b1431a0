//! Custom floating-point formats: descriptors, the exact intermediate, the one
//! rounding step, conversions and slice kernels.
//!
//! | file | holds |
//! |---|---|
//! | `format.rs` | [`FloatFormat`], [`Specials`], presets and names |
//! | `exact.rs` | [`Exact`], [`FloatFormat::round`] (the one rounding step), [`FloatFormat::decode`] |
//! | `convert.rs` | from/to `f64`, `f32`, integers, other formats, `half` |
//! | `slice.rs` | fast kernels over slices (quantize, encode, decode) |

mod arith;
mod convert;
mod exact;
mod format;
pub mod slice;
mod text;
mod value;
mod wide;

pub use convert::{bf16_from_f32, f16_from_f32};
pub use exact::{Exact, Finite};
pub use format::{Class, FloatFormat, FormatError, Specials};
pub use text::{MAX_BINARY_EXPONENT, MAX_DECIMAL_EXPONENT, MAX_TEXT_LEN, ParseExactError};
pub use value::{Format, Fp, IeeeFormat, ParseFpError, formats};
