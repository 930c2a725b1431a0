//! Operators that chain exact results: `a * b * c`, `a * b + c`, `-(a - b)` for [`Fx`]
//! and [`Wide`] operands, with the headers' result types at every step.
//!
//! `Fx<A> op Fx<B>` is a [`Wide`] (its type is checked at compile time to fit 128 bits).
//! Every operation with a [`Wide`] operand can need a type wider than 128 bits, so it
//! gives a [`WideResult`]: the exact value, or the [`ArithError`] that stopped the chain
//! ([`ArithError::TooWide`] with the width C++ would use, [`ArithError::DivByZero`]).
//! A [`WideResult`] is itself an operand, and an error passes through the rest of the
//! chain unchanged (the first error wins), so the whole expression is checked once, at
//! the end:
//!
//! ```
//! use lowprec::fixed::{ApFixed, ArithError, Fx, Wide, WideResult};
//! type T = ApFixed<16, 6>;
//! type Out = ApFixed<24, 12>;
//! let (a, b, c) = (Fx::<T>::from_f64(1.5), Fx::<T>::from_f64(-2.25), Fx::<T>::from_f64(3.0));
//! let p = a * b * c;                      // ap_fixed<48,18>: exact
//! assert_eq!(p.into_result()?.to_f64(), -10.125);
//! let r: Fx<Out> = (a * b + c).try_into()?; // Out r = a * b + c;
//! assert_eq!(r.to_f64(), -0.375);
//! let n = -(a - b);                       // ap_fixed<18,8>
//! assert_eq!(n.into_result()?.format().to_string(), "ap_fixed<18,8>");
//! // ap_fixed<16,6>⁹ needs 144 bits:
//! let big = a * b * c * a * b * c * a * b * c;
//! assert_eq!(big.into_result(), Err(ArithError::TooWide { width: 144 }));
//! let q = a * b / (c - c);                // a division by zero anywhere in the chain
//! assert_eq!(q.err(), Some(ArithError::DivByZero));
//! # Ok::<(), ArithError>(())
//! ```
//!
//! The runtime [`Wide`] values of [`Fixed`](super::Fixed) arithmetic chain the same way.
//! (`Wide`'s inherent methods [`Wide::mul`] and friends take references and return a
//! `Result`; with `core::ops::Mul` imported, `a.mul(&b)` names the operator instead:
//! write `Wide::mul(&a, &b)` or `a * b` there.)

use super::arith::{ArithError, Wide};
use super::value::{FixedType, Fx};
use core::ops;

/// The result of exact arithmetic with a [`Wide`] operand: the exact value in the
/// header's result type, or why there is none. The arithmetic operators take it as an
/// operand and pass an error on, so `a * b * c + d` is one `WideResult`.
///
/// Take the value with [`into_result`](WideResult::into_result) (or `Result::from`, then
/// `?`), or cast it into a typed value with `Fx::<F>::try_from`, which rounds and
/// overflows with `F`'s modes as an assignment does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WideResult(Result<Wide, ArithError>);

impl WideResult {
    /// The exact value, or the first error of the chain.
    #[inline(always)]
    pub fn into_result(self) -> Result<Wide, ArithError> {
        self.0
    }
    /// The exact value, if the chain has one.
    #[inline(always)]
    pub fn ok(self) -> Option<Wide> {
        self.0.ok()
    }
    /// The first error of the chain, if any.
    #[inline(always)]
    pub fn err(self) -> Option<ArithError> {
        self.0.err()
    }
}

impl From<Wide> for WideResult {
    #[inline(always)]
    fn from(w: Wide) -> Self {
        WideResult(Ok(w))
    }
}

impl From<Result<Wide, ArithError>> for WideResult {
    #[inline(always)]
    fn from(r: Result<Wide, ArithError>) -> Self {
        WideResult(r)
    }
}

impl From<WideResult> for Result<Wide, ArithError> {
    #[inline(always)]
    fn from(r: WideResult) -> Self {
        r.0
    }
}

impl<F: FixedType> TryFrom<WideResult> for Fx<F> {
    type Error = ArithError;
    /// `F r = expression;`: the exact result cast into `F` with `F`'s modes
    /// ([`Fx::from_wide`]), or the chain's error.
    #[inline(always)]
    fn try_from(r: WideResult) -> Result<Self, ArithError> {
        r.0.map(Fx::from_wide)
    }
}

/// An operand of a chain, as the exact value or the error it carries.
trait Operand: Copy {
    fn value(self) -> Result<Wide, ArithError>;
}

impl Operand for Wide {
    #[inline(always)]
    fn value(self) -> Result<Wide, ArithError> {
        Ok(self)
    }
}

impl Operand for WideResult {
    #[inline(always)]
    fn value(self) -> Result<Wide, ArithError> {
        self.0
    }
}

impl<F: FixedType> Operand for Fx<F> {
    #[inline(always)]
    fn value(self) -> Result<Wide, ArithError> {
        Ok(self.wide())
    }
}

/// a op b for any two operands: the left operand's error first, then the right one's,
/// then the operation's.
#[inline(always)]
fn apply(
    a: impl Operand,
    b: impl Operand,
    op: fn(&Wide, &Wide) -> Result<Wide, ArithError>,
) -> WideResult {
    WideResult(a.value().and_then(|a| b.value().and_then(|b| op(&a, &b))))
}

/// The four binary operators for one (left, right) pair of operand types.
macro_rules! binary_ops {
    ($([$($g:tt)*] $lhs:ty, $rhs:ty;)*) => {$(
        impl<$($g)*> ops::Add<$rhs> for $lhs {
            type Output = WideResult;
            /// The exact sum ([`Wide::add`]).
            #[inline(always)]
            fn add(self, b: $rhs) -> WideResult {
                apply(self, b, Wide::add)
            }
        }
        impl<$($g)*> ops::Sub<$rhs> for $lhs {
            type Output = WideResult;
            /// The exact difference ([`Wide::sub`]).
            #[inline(always)]
            fn sub(self, b: $rhs) -> WideResult {
                apply(self, b, Wide::sub)
            }
        }
        impl<$($g)*> ops::Mul<$rhs> for $lhs {
            type Output = WideResult;
            /// The exact product ([`Wide::mul`]).
            #[inline(always)]
            fn mul(self, b: $rhs) -> WideResult {
                apply(self, b, Wide::mul)
            }
        }
        impl<$($g)*> ops::Div<$rhs> for $lhs {
            type Output = WideResult;
            /// The header's quotient ([`Wide::div`]); a zero divisor is
            /// [`ArithError::DivByZero`].
            #[inline(always)]
            fn div(self, b: $rhs) -> WideResult {
                apply(self, b, Wide::div)
            }
        }
    )*};
}

binary_ops! {
    [] Wide, Wide;
    [] Wide, WideResult;
    [] WideResult, Wide;
    [] WideResult, WideResult;
    [B: FixedType] Wide, Fx<B>;
    [A: FixedType] Fx<A>, Wide;
    [B: FixedType] WideResult, Fx<B>;
    [A: FixedType] Fx<A>, WideResult;
}

impl ops::Neg for Wide {
    type Output = WideResult;
    /// The exact negation, in ⟨W + 1, I + 1⟩ ([`Wide::neg`]).
    #[inline(always)]
    fn neg(self) -> WideResult {
        WideResult(Wide::neg(&self))
    }
}

impl ops::Neg for WideResult {
    type Output = WideResult;
    /// The exact negation, or the error.
    #[inline(always)]
    fn neg(self) -> WideResult {
        WideResult(self.0.and_then(|w| Wide::neg(&w)))
    }
}
