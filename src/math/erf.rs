//! erf and erfc.

use super::Unary;
use crate::float::Exact;
use crate::float::arith::Outcome;

/// erf x or erfc x at an exact argument.
pub(super) fn eval(_f: Unary, _x: Exact) -> Outcome {
    Outcome::Invalid
}
