//! sin, cos and tan.

use super::Unary;
use crate::float::Exact;
use crate::float::arith::Outcome;

/// sin x, cos x or tan x at an exact argument.
pub(super) fn eval(_f: Unary, _x: Exact) -> Outcome {
    Outcome::Invalid
}
