//! What the kernels read and write: raw integers, or typed fixed-point values.

use crate::fixed::{FixedFormat, FixedType, Fx, RawInt};

use super::NnError;

/// A fixed-point value as the kernels see it: its raw integer (value = raw · 2^−F).
///
/// Two kinds implement it. `i64` is a bare raw integer whose type the kernel's
/// configuration names (the form of golden vectors and of types chosen at run time).
/// [`Fx<F>`] carries its type, and the kernels check it against the configuration
/// ([`NnError::FormatMismatch`]), so typed code cannot pass values of the wrong type.
///
/// ```
/// use lowprec::fixed::{ApFixed, Fx};
/// use lowprec::nn::Element;
/// type T = ApFixed<8, 3>;
/// let x = Fx::<T>::from_f64(1.5);
/// assert_eq!(x.to_raw(), 48); // 1.5 · 2^5
/// assert_eq!(<Fx<T> as Element>::from_raw(48).to_f64(), 1.5);
/// ```
pub trait Element: Copy {
    /// The type the values carry, if they carry one.
    const FORMAT: Option<FixedFormat>;
    /// The raw integer.
    fn to_raw(self) -> i64;
    /// The value with raw integer `raw` (which the kernels keep within the type).
    fn from_raw(raw: i64) -> Self;
}

impl Element for i64 {
    const FORMAT: Option<FixedFormat> = None;
    #[inline(always)]
    fn to_raw(self) -> i64 {
        self
    }
    #[inline(always)]
    fn from_raw(raw: i64) -> Self {
        raw
    }
}

impl<F: FixedType> Element for Fx<F> {
    const FORMAT: Option<FixedFormat> = Some(F::FORMAT);
    #[inline(always)]
    fn to_raw(self) -> i64 {
        // Formats whose raw integers do not fit an i64 are refused by `check_format`.
        self.raw().to_i128() as i64
    }
    #[inline(always)]
    fn from_raw(raw: i64) -> Self {
        Fx::from_raw(i128::from(raw))
    }
}

/// Checks that values of kind `E` may be read or written as type `format`.
#[inline]
pub(crate) fn check_element<E: Element>(
    what: &'static str,
    format: &FixedFormat,
) -> Result<(), NnError> {
    match E::FORMAT {
        Some(got) if got != *format => Err(NnError::FormatMismatch {
            what,
            expected: *format,
            got,
        }),
        _ => Ok(()),
    }
}

/// Checks that a type's raw integers fit an `i64` (every type but 64-bit unsigned ones).
#[inline]
pub(crate) fn check_format(what: &'static str, format: &FixedFormat) -> Result<(), NnError> {
    if !format.is_signed() && format.width() == 64 {
        Err(NnError::Format {
            what,
            format: *format,
            reason: "64-bit unsigned raw integers do not fit an i64",
        })
    } else {
        Ok(())
    }
}
