//! sin, cos and tan.

use super::Unary;
use crate::float::Exact;
use crate::float::arith::Outcome;

/// sin x, cos x or tan x at an exact argument.
pub(super) fn eval(_f: Unary, _x: Exact) -> Outcome {
    Outcome::Invalid
}

/// ⌊x / (π/2)⌋ mod 4 for a nonzero finite x, exactly: the quadrant that the
/// interval functions need to find the extrema of sin and cos inside an interval.
pub(crate) fn quadrant(_x: &crate::float::Finite) -> u8 {
    0
}
