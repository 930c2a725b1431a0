//! pow, pown, rootn, rsqrt and hypot.

use crate::float::Exact;
use crate::float::arith::Outcome;

/// x^y (IEEE 754 `pow`).
pub(super) fn pow(_x: Exact, _y: Exact) -> Outcome {
    Outcome::Invalid
}

/// x^n.
pub(super) fn pown(_x: Exact, _n: i64) -> Outcome {
    Outcome::Invalid
}

/// x^(1/n).
pub(super) fn rootn(_x: Exact, _n: i64) -> Outcome {
    Outcome::Invalid
}

/// 1/√x.
pub(super) fn rsqrt(_x: Exact) -> Outcome {
    Outcome::Invalid
}

/// √(x² + y²).
pub(super) fn hypot(_x: Exact, _y: Exact) -> Outcome {
    Outcome::Invalid
}
