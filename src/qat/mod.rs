//! Quantization-aware training (QAT): quantizers over `f32` slices with exact forward passes
//! and their gradients, for training frameworks that hand over flat tensors.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | [`Layout`] (per tensor or per channel), [`QatError`] |
//! | `qfx.rs` | [`Qfx`]: W-bit fixed point with a trainable binary point per group, exact forward, gradients, PTQ initialisation |
//! | `khot.rs` | K-hot (multiplier-free) projection ([`KHot`], [`project_raw`], [`khot_project`], [`khot_backward`]) and the shift-add form ([`terms`]) |
//! | `lsq.rs` | the LSQ baseline ([`Lsq`]: learned step size, Esser et al. 2020) |
//! | `pact.rs` | the PACT baseline ([`Pact`]: learned clipping level, Choi et al. 2018) |

use core::fmt;

mod khot;
mod lsq;
mod pact;
mod qfx;

pub use khot::{
    KHot, MAX_TERMS, Term, Terms, backward as khot_backward, project as khot_project, project_raw,
    terms, weight,
};
pub use lsq::Lsq;
pub use pact::Pact;
pub use qfx::{Qfx, QfxParams};

/// How a quantizer's parameters map onto a flat tensor of `len` elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One parameter set for the whole tensor.
    PerTensor,
    /// One per channel, channel-major: element i belongs to channel i / (len / channels)
    /// (e.g. a weight tensor [out, in] per output channel).
    ChannelMajor {
        /// The number of channels (it divides the length).
        channels: usize,
    },
    /// One per channel, channel-last: element i belongs to channel i % channels (e.g.
    /// activations [batch, features] per feature).
    ChannelLast {
        /// The number of channels (it divides the length).
        channels: usize,
    },
}

impl Layout {
    /// The number of parameter sets.
    pub const fn groups(&self) -> usize {
        match *self {
            Layout::PerTensor => 1,
            Layout::ChannelMajor { channels } | Layout::ChannelLast { channels } => channels,
        }
    }

    /// Checks a tensor of `len` elements against the layout and `params` parameter sets.
    pub fn check(&self, len: usize, params: usize) -> Result<(), QatError> {
        let g = self.groups();
        if g == 0 || len % g != 0 {
            return Err(QatError::Layout { len, channels: g });
        }
        if params != g {
            return Err(QatError::Length {
                what: "parameters",
                expected: g,
                got: params,
            });
        }
        Ok(())
    }

    /// The parameter set of element `i` of a tensor of `len` elements (checked layout).
    #[inline(always)]
    pub const fn group(&self, i: usize, len: usize) -> usize {
        match *self {
            Layout::PerTensor => 0,
            Layout::ChannelMajor { channels } => i / (len / channels),
            Layout::ChannelLast { channels } => i % channels,
        }
    }
}

/// Why a quantizer refused a call. Quantizers never panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QatError {
    /// A slice has the wrong length (`what` names it).
    Length {
        /// Which argument.
        what: &'static str,
        /// The length the call asks for.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The channel count does not divide the tensor's length (or is 0).
    Layout {
        /// The tensor's length.
        len: usize,
        /// The channel count.
        channels: usize,
    },
    /// An invalid parameter (`what` says which and why).
    Param(&'static str),
}

impl fmt::Display for QatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QatError::Length {
                what,
                expected,
                got,
            } => write!(f, "{what}: expected {expected} values, got {got}"),
            QatError::Layout { len, channels } => {
                write!(
                    f,
                    "{channels} channels do not divide a tensor of {len} elements"
                )
            }
            QatError::Param(what) => write!(f, "invalid parameter: {what}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for QatError {}

/// Checks a slice length.
#[inline]
pub(crate) fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), QatError> {
    if expected == got {
        Ok(())
    } else {
        Err(QatError::Length {
            what,
            expected,
            got,
        })
    }
}
