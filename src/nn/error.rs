//! The one error type of the `nn` kernels.

use crate::fixed::FixedFormat;
use core::fmt;

/// Why a kernel configuration or a call was refused. Kernels never panic: every shape,
/// type and table problem is one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NnError {
    /// A slice has the wrong length (`what` names it).
    Length {
        /// Which argument.
        what: &'static str,
        /// The length the configuration asks for.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A fixed-point type the kernel cannot use (`reason` says why), e.g. an unsigned
    /// 64-bit type whose raw integers do not fit an `i64`.
    Format {
        /// Which type of the configuration.
        what: &'static str,
        /// The type.
        format: FixedFormat,
        /// Why it is refused.
        reason: &'static str,
    },
    /// Typed values ([`Fx`](crate::fixed::Fx)) whose type is not the configuration's.
    FormatMismatch {
        /// Which argument.
        what: &'static str,
        /// The configuration's type.
        expected: FixedFormat,
        /// The values' type.
        got: FixedFormat,
    },
    /// An exact intermediate result would need more than 128 bits.
    TooWide {
        /// Which intermediate.
        what: &'static str,
    },
    /// An invalid size or parameter (`what` says which and why).
    Config(&'static str),
    /// A lookup table entry that cannot be proven: its value lies too close to a rounding
    /// boundary of the table type for the precision it is decided to (or, in a wrapping
    /// type, too far above the type's LSB for its low bits to be known), or — for the
    /// hls4ml models — close enough that the platform function the emulated kernel calls
    /// (glibc's `expf`) could round it differently.
    TableMargin {
        /// Which table.
        table: &'static str,
        /// The first entry that cannot be proven.
        index: usize,
    },
}

impl fmt::Display for NnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NnError::Length {
                what,
                expected,
                got,
            } => write!(f, "{what}: expected {expected} values, got {got}"),
            NnError::Format {
                what,
                format,
                reason,
            } => write!(f, "{what} type {format}: {reason}"),
            NnError::FormatMismatch {
                what,
                expected,
                got,
            } => write!(
                f,
                "{what}: values of type {got}, the configuration says {expected}"
            ),
            NnError::TooWide { what } => {
                write!(f, "{what}: the exact result would need more than 128 bits")
            }
            NnError::Config(what) => write!(f, "invalid configuration: {what}"),
            NnError::TableMargin { table, index } => write!(
                f,
                "{table} table entry {index} cannot be proven in the table type (its value lies \
                 too close to a rounding boundary, or far above a wrapping type's LSB): choose \
                 a coarser or saturating type"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for NnError {}

/// Checks a slice length.
#[inline]
pub(crate) fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), NnError> {
    if expected == got {
        Ok(())
    } else {
        Err(NnError::Length {
            what,
            expected,
            got,
        })
    }
}
