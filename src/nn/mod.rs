//! Quantized-transformer kernels: golden models of fixed-point HLS kernels, bit for bit.
//!
//! Each kernel computes what its C++ twin in `hls/include/lowprec/nn/` computes: exact
//! integer arithmetic where C++ computes in full-precision result types, and one
//! fixed-point cast ([`Requant`]) wherever C++ assigns to a typed variable. Types are
//! values ([`FixedFormat`](crate::fixed::FixedFormat)) in a kernel's configuration, so
//! one configuration serves typed code and types chosen at run time; the slices a kernel
//! reads and writes are raw integers (`i64`) or typed values ([`Fx`](crate::fixed::Fx)),
//! through [`Element`].
//!
//! The module is `no_std` and allocates nothing: outputs, scratch space and lookup tables
//! are the caller's slices. Every shape, type or table problem is an [`NnError`].
//!
//! | file | holds |
//! |---|---|
//! | `element.rs` | [`Element`]: raw integers and typed values as kernel inputs and outputs |
//! | `requant.rs` | [`Requant`]: the one cast step of every kernel, planned once |
//! | `error.rs` | [`NnError`] |
//! | `dense.rs` | [`Dense`]: the dense layer (latency and wide schedules, bias, ReLU) |
//! | `residual.rs` | [`Residual`]: the residual add |
//! | `hls4ml/` | [`hls4ml`]: golden models of hls4ml 1.3.0's own kernels |
//! | `table.rs` | what the lookup tables share: exact entries, caller slices, C++ headers ([`check_cpp_name`]) |
//! | `gelu.rs` | [`Gelu`]: GELU (erf form or tanh approximation) as a table of correctly rounded values |
//! | `layernorm.rs` | [`LayerNorm`]: layer norm over the full range, 1/√(var + ε) by a normalising shift and a table |
//! | `softmax.rs` | [`Softmax`]: max-subtracted softmax with exp and reciprocal tables |
//! | `attention.rs` | [`Attention`]: multi-head self-attention (exact or L-Mul attention products) |
//! | `encoder.rs` | [`Encoder`]: one BERT encoder layer (post-LN) |

pub mod attention;
pub mod dense;
mod element;
pub mod encoder;
mod error;
pub mod gelu;
pub mod hls4ml;
pub mod layernorm;
mod requant;
pub mod residual;
pub mod softmax;
mod table;

pub use attention::{
    Attention, AttentionKernel, AttentionParams, AttentionScale, AttentionWeights, Products,
};
pub use dense::{Dense, DenseParams, Schedule};
pub use element::Element;
pub(crate) use element::{check_element, check_format};
pub use encoder::{Encoder, EncoderKernel, EncoderParams, EncoderWeights};
pub use error::NnError;
pub(crate) use error::check_len;
pub use gelu::{Gelu, GeluForm, GeluKernel, GeluParams};
pub use layernorm::{LayerNorm, LayerNormKernel, LayerNormParams};
pub use requant::Requant;
pub use residual::{Residual, ResidualParams};
pub use softmax::{Softmax, SoftmaxKernel, SoftmaxParams};
pub use table::check_cpp_name;

/// `ap_fixed<W,I,AP_RND_CONV,AP_SAT>` (or `ap_ufixed`): the intermediate types that the
/// `for_types` constructors pick.
pub(crate) fn rnd_sat(
    signed: bool,
    width: u32,
    int_bits: i32,
) -> Result<crate::fixed::FixedFormat, NnError> {
    use crate::fixed::{FixedFormat, FixedParams, OverflowMode, Quantization};
    let shape = if signed {
        FixedParams::ap_fixed(width, int_bits)
    } else {
        FixedParams::ap_ufixed(width, int_bits)
    };
    FixedFormat::new(FixedParams {
        quantization: Quantization::RndConv,
        overflow: OverflowMode::Sat,
        ..shape
    })
    .map_err(|_| NnError::Config("an intermediate type would need more than 64 bits"))
}
