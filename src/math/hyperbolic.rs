//! sinh, cosh, tanh, asinh, acosh and atanh.

use super::Unary;
use crate::float::Exact;
use crate::float::arith::Outcome;

/// The hyperbolic function or its inverse at an exact argument.
pub(super) fn eval(_f: Unary, _x: Exact) -> Outcome {
    Outcome::Invalid
}
