//! The one [`Scalar`] implementation of every type whose bounds are [`Ext`] values over
//! a runtime format's directed operations: [`FloatFormat`](crate::FloatFormat) and
//! [`Fp<F>`](crate::float::Fp) over float codes, [`FixedFormat`](crate::fixed::FixedFormat)
//! and [`Fx<F>`](crate::fixed::Fx) over fixed-point raw integers.
//!
//! Two traits split the work. [`ExtOps`] is a set of directed operations on the bounds
//! of a runtime format, written once per kind of number. [`ExtScalar`] says how a
//! scalar type reaches them: which operations, how its descriptor gives theirs, and how
//! its values and finite bounds convert to theirs. Every [`ExtScalar`] is a [`Scalar`]
//! through the generic implementation below, which only converts and delegates.
//!
//! Both traits, and the operation types that implement [`ExtOps`], are `pub` because
//! the generic implementation of the public [`Scalar`] names them; they sit in private
//! modules, so the crate's users can neither name nor implement them.

use core::cmp::Ordering;
use core::fmt;

use super::{Dir, Ext, Scalar};
use crate::float::Exact;
use crate::rounding::Rounding;

/// Directed operations on the [`Ext`] bounds of a runtime format whose finite bounds
/// are `Self::Finite`: the contract of the [`Scalar`] operations of the same names, with
/// the format's descriptor `Self::Format`.
pub trait ExtOps {
    /// The runtime descriptor.
    type Format;
    /// A finite bound (a code, a raw integer); also the format's value type.
    type Finite: Copy;

    /// The bound of a value; `None` for NaN.
    fn bound(f: &Self::Format, v: Self::Finite) -> Option<Ext<Self::Finite>>;
    /// The value of a bound (the extreme value of that sign for an infinite bound
    /// where the format has no infinity).
    fn value(f: &Self::Format, b: Ext<Self::Finite>) -> Self::Finite;
    /// Compares two bounds (−0 = +0).
    fn cmp(f: &Self::Format, a: Ext<Self::Finite>, b: Ext<Self::Finite>) -> Ordering;
    /// The sign of a bound.
    fn sign(f: &Self::Format, a: Ext<Self::Finite>) -> Ordering;
    /// −a rounded.
    fn neg(f: &Self::Format, a: Ext<Self::Finite>, dir: Dir) -> Ext<Self::Finite>;
    /// a + b rounded.
    fn add(
        f: &Self::Format,
        a: Ext<Self::Finite>,
        b: Ext<Self::Finite>,
        dir: Dir,
    ) -> Ext<Self::Finite>;
    /// a − b rounded.
    fn sub(
        f: &Self::Format,
        a: Ext<Self::Finite>,
        b: Ext<Self::Finite>,
        dir: Dir,
    ) -> Ext<Self::Finite>;
    /// a × b rounded.
    fn mul(
        f: &Self::Format,
        a: Ext<Self::Finite>,
        b: Ext<Self::Finite>,
        dir: Dir,
    ) -> Ext<Self::Finite>;
    /// a ÷ b rounded.
    fn div(
        f: &Self::Format,
        a: Ext<Self::Finite>,
        b: Ext<Self::Finite>,
        dir: Dir,
    ) -> Ext<Self::Finite>;
    /// a × b + c with one rounding.
    fn fma(
        f: &Self::Format,
        a: Ext<Self::Finite>,
        b: Ext<Self::Finite>,
        c: Ext<Self::Finite>,
        dir: Dir,
    ) -> Ext<Self::Finite>;
    /// √a rounded.
    fn sqrt(f: &Self::Format, a: Ext<Self::Finite>, dir: Dir) -> Ext<Self::Finite>;
    /// (a + b)/2 rounded to nearest, ties to even.
    fn mid(f: &Self::Format, a: Ext<Self::Finite>, b: Ext<Self::Finite>) -> Ext<Self::Finite>;
    /// The exact value of a bound.
    fn to_exact(f: &Self::Format, a: Ext<Self::Finite>) -> Exact;
    /// An exact value rounded once in `mode`.
    fn from_exact(f: &Self::Format, x: Exact, mode: Rounding) -> Ext<Self::Finite>;
    /// The largest finite value.
    fn max_finite(f: &Self::Format) -> Ext<Self::Finite>;
    /// 0 rounded in `dir` ([`Scalar::zero`]).
    fn zero_bound(f: &Self::Format, dir: Dir) -> Ext<Self::Finite>;
    /// The significant bits of the format's values.
    fn precision(f: &Self::Format) -> u32;
}

/// A scalar type whose bounds are [`Ext`] values of its own finite bounds, computed by
/// the operations `Self::Ops`; the generic implementation below makes it a [`Scalar`]
/// with the same `Value`, `Format` and finite bounds.
pub trait ExtScalar: Copy + fmt::Debug + 'static {
    /// The operations.
    type Ops: ExtOps;
    /// [`Scalar::Value`].
    type Value: Copy + fmt::Debug;
    /// A finite bound: [`Scalar::Bound`] is `Ext<Self::Finite>`.
    type Finite: Copy + fmt::Debug + PartialEq + Send + Sync + 'static;
    /// [`Scalar::Format`].
    type Format: Copy + fmt::Debug + PartialEq + Send + Sync + 'static;

    /// The operations' descriptor of the format `f`.
    fn ops_format(f: &Self::Format) -> <Self::Ops as ExtOps>::Format;
    /// A value as the operations' value.
    fn value_to_ops(f: &Self::Format, v: Self::Value) -> <Self::Ops as ExtOps>::Finite;
    /// The operations' value as a value.
    fn value_from_ops(f: &Self::Format, v: <Self::Ops as ExtOps>::Finite) -> Self::Value;
    /// A finite bound as the operations' finite bound.
    fn to_ops(b: Self::Finite) -> <Self::Ops as ExtOps>::Finite;
    /// The operations' finite bound as a finite bound.
    fn from_ops(b: <Self::Ops as ExtOps>::Finite) -> Self::Finite;
}

/// A finite bound mapped by `g`; ±∞ stay.
#[inline(always)]
fn map<C, D>(b: Ext<C>, g: impl Fn(C) -> D) -> Ext<D> {
    match b {
        Ext::NegInf => Ext::NegInf,
        Ext::PosInf => Ext::PosInf,
        Ext::Finite(c) => Ext::Finite(g(c)),
    }
}

/// A bound as the operations' bound.
#[inline(always)]
fn to_ops<T: ExtScalar>(b: Ext<T::Finite>) -> Ext<<T::Ops as ExtOps>::Finite> {
    map(b, T::to_ops)
}

/// The operations' bound as a bound.
#[inline(always)]
fn from_ops<T: ExtScalar>(b: Ext<<T::Ops as ExtOps>::Finite>) -> Ext<T::Finite> {
    map(b, T::from_ops)
}

impl<T: ExtScalar> Scalar for T {
    type Value = <T as ExtScalar>::Value;
    type Bound = Ext<T::Finite>;
    type Format = <T as ExtScalar>::Format;

    #[inline(always)]
    fn neg_inf(_f: &Self::Format) -> Self::Bound {
        Ext::NegInf
    }
    #[inline(always)]
    fn pos_inf(_f: &Self::Format) -> Self::Bound {
        Ext::PosInf
    }
    #[inline(always)]
    fn bound(f: &Self::Format, v: Self::Value) -> Option<Self::Bound> {
        T::Ops::bound(&T::ops_format(f), T::value_to_ops(f, v)).map(from_ops::<T>)
    }
    #[inline(always)]
    fn value(f: &Self::Format, b: Self::Bound) -> Self::Value {
        T::value_from_ops(f, T::Ops::value(&T::ops_format(f), to_ops::<T>(b)))
    }
    #[inline(always)]
    fn cmp(f: &Self::Format, a: Self::Bound, b: Self::Bound) -> Ordering {
        T::Ops::cmp(&T::ops_format(f), to_ops::<T>(a), to_ops::<T>(b))
    }
    #[inline(always)]
    fn sign(f: &Self::Format, a: Self::Bound) -> Ordering {
        T::Ops::sign(&T::ops_format(f), to_ops::<T>(a))
    }
    #[inline(always)]
    fn is_finite(_f: &Self::Format, a: Self::Bound) -> bool {
        a.is_finite()
    }
    #[inline(always)]
    fn neg(f: &Self::Format, a: Self::Bound, dir: Dir) -> Self::Bound {
        from_ops::<T>(T::Ops::neg(&T::ops_format(f), to_ops::<T>(a), dir))
    }
    #[inline(always)]
    fn add(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound {
        let (a, b) = (to_ops::<T>(a), to_ops::<T>(b));
        from_ops::<T>(T::Ops::add(&T::ops_format(f), a, b, dir))
    }
    #[inline(always)]
    fn sub(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound {
        let (a, b) = (to_ops::<T>(a), to_ops::<T>(b));
        from_ops::<T>(T::Ops::sub(&T::ops_format(f), a, b, dir))
    }
    #[inline(always)]
    fn mul(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound {
        let (a, b) = (to_ops::<T>(a), to_ops::<T>(b));
        from_ops::<T>(T::Ops::mul(&T::ops_format(f), a, b, dir))
    }
    #[inline(always)]
    fn div(f: &Self::Format, a: Self::Bound, b: Self::Bound, dir: Dir) -> Self::Bound {
        let (a, b) = (to_ops::<T>(a), to_ops::<T>(b));
        from_ops::<T>(T::Ops::div(&T::ops_format(f), a, b, dir))
    }
    #[inline(always)]
    fn fma(
        f: &Self::Format,
        a: Self::Bound,
        b: Self::Bound,
        c: Self::Bound,
        dir: Dir,
    ) -> Self::Bound {
        let (a, b, c) = (to_ops::<T>(a), to_ops::<T>(b), to_ops::<T>(c));
        from_ops::<T>(T::Ops::fma(&T::ops_format(f), a, b, c, dir))
    }
    #[inline]
    fn sqrt(f: &Self::Format, a: Self::Bound, dir: Dir) -> Self::Bound {
        from_ops::<T>(T::Ops::sqrt(&T::ops_format(f), to_ops::<T>(a), dir))
    }
    #[inline]
    fn mid(f: &Self::Format, a: Self::Bound, b: Self::Bound) -> Self::Bound {
        let (a, b) = (to_ops::<T>(a), to_ops::<T>(b));
        from_ops::<T>(T::Ops::mid(&T::ops_format(f), a, b))
    }
    #[inline]
    fn to_exact(f: &Self::Format, a: Self::Bound) -> Exact {
        T::Ops::to_exact(&T::ops_format(f), to_ops::<T>(a))
    }
    #[inline]
    fn from_exact(f: &Self::Format, x: Exact, mode: Rounding) -> Self::Bound {
        from_ops::<T>(T::Ops::from_exact(&T::ops_format(f), x, mode))
    }
    #[inline]
    fn max_finite(f: &Self::Format) -> Self::Bound {
        from_ops::<T>(T::Ops::max_finite(&T::ops_format(f)))
    }
    #[inline]
    fn zero(f: &Self::Format, dir: Dir) -> Self::Bound {
        from_ops::<T>(T::Ops::zero_bound(&T::ops_format(f), dir))
    }
    #[inline]
    fn precision(f: &Self::Format) -> u32 {
        T::Ops::precision(&T::ops_format(f))
    }
}
