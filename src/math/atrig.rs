//! asin, acos, atan and atan2.

use super::Unary;
use crate::float::Exact;
use crate::float::arith::Outcome;

/// asin x, acos x or atan x at an exact argument.
pub(super) fn eval(_f: Unary, _x: Exact) -> Outcome {
    Outcome::Invalid
}

/// atan2(y, x).
pub(super) fn atan2(_y: Exact, _x: Exact) -> Outcome {
    Outcome::Invalid
}
