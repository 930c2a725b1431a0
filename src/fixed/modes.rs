//! Quantization and overflow modes as types, for the parameters of [`ApFixed`],
//! [`ApUfixed`], [`AcFixed`] and [`AcUfixed`], spelled as in C++:
//! `ApFixed<16, 6, AP_RND_CONV, AP_SAT>`, `AcFixed<8, 3, AC_RND_CONV_ODD, AC_SAT_SYM>`.
//!
//! Each family accepts only its own modes, so a wrong or foreign mode is a compile-time
//! error: the `AP_` modes implement [`ApQMode`] and [`ApOMode`], the `AC_` ones
//! [`AcQMode`] and [`AcOMode`]. `AC_RND_CONV_ODD` exists only for `ac_fixed`,
//! `AP_WRAP_SM` only for `ap_fixed`, and `ap_ufixed` rejects `AP_WRAP_SM` (it needs a sign
//! bit: [`ApUOMode`]). Each mode names its runtime value ([`ApQMode::MODE`], …).
//!
//! ```
//! use lowprec::fixed::{AcFixed, ApFixed, ApUfixed, Fx, Quantization, modes::*};
//! let x = Fx::<ApFixed<16, 6, AP_RND_CONV, AP_SAT>>::from_f64(100.0);
//! assert_eq!(x.to_f64(), 31.9990234375); // saturated
//! let y = Fx::<AcFixed<8, 3, AC_RND_CONV_ODD, AC_SAT_SYM>>::from_f64(-100.0);
//! assert_eq!(y.raw(), -127);
//! let z = Fx::<ApUfixed<8, 4, AP_TRN, AP_WRAP, 2>>::from_f64(17.0);
//! assert_eq!(z.to_f64(), 13.0); // 17 wraps to 1, and the top N = 2 bits are set
//! assert_eq!(<AP_RND_CONV as ApQMode>::MODE, Quantization::RndConv);
//! ```
//!
//! Rejected at compile time (each block below fails to compile):
//!
//! A number where a mode belongs (the mode codes of C++'s enums are not modes here):
//! ```compile_fail,E0747
//! use lowprec::fixed::{ApFixed, Fx};
//! let x = Fx::<ApFixed<16, 6, 7, 0>>::from_f64(1.0);
//! ```
//! An `ac_fixed` quantization mode in an `ap_fixed` (and the converse):
//! ```compile_fail,E0277
//! use lowprec::fixed::{ApFixed, Fx, modes::*};
//! let x = Fx::<ApFixed<16, 6, AC_RND, AP_SAT>>::from_f64(1.0);
//! ```
//! ```compile_fail,E0277
//! use lowprec::fixed::{ApUfixed, Fx, modes::*};
//! let x = Fx::<ApUfixed<16, 6, AC_RND_CONV_ODD>>::from_f64(1.0);
//! ```
//! ```compile_fail,E0277
//! use lowprec::fixed::{AcFixed, Fx, modes::*};
//! let x = Fx::<AcFixed<16, 6, AP_RND, AC_SAT>>::from_f64(1.0);
//! ```
//! An `ap_fixed` overflow mode in an `ac_fixed` (`AP_WRAP_SM` has no `ac_fixed`
//! counterpart; the `AP_` spellings of the others are rejected too):
//! ```compile_fail,E0277
//! use lowprec::fixed::{AcFixed, Fx, modes::*};
//! let x = Fx::<AcFixed<16, 6, AC_TRN, AP_WRAP_SM>>::from_f64(1.0);
//! ```
//! ```compile_fail,E0277
//! use lowprec::fixed::{AcUfixed, Fx, modes::*};
//! let x = Fx::<AcUfixed<16, 6, AC_TRN, AP_SAT>>::from_f64(1.0);
//! ```
//! A quantization mode in the overflow position, and the converse:
//! ```compile_fail,E0277
//! use lowprec::fixed::{ApFixed, Fx, modes::*};
//! let x = Fx::<ApFixed<16, 6, AP_SAT, AP_RND>>::from_f64(1.0);
//! ```
//! `AP_WRAP_SM` in an unsigned type:
//! ```compile_fail,E0277
//! use lowprec::fixed::{ApUfixed, Fx, modes::*};
//! let x = Fx::<ApUfixed<16, 6, AP_TRN, AP_WRAP_SM>>::from_f64(1.0);
//! ```
//! The same types with their own modes compile:
//! ```
//! use lowprec::fixed::{AcFixed, AcUfixed, ApFixed, ApUfixed, Fx, modes::*};
//! let _ = Fx::<ApFixed<16, 6, AP_RND, AP_SAT>>::from_f64(1.0);
//! let _ = Fx::<ApFixed<16, 6, AP_TRN, AP_WRAP_SM>>::from_f64(1.0);
//! let _ = Fx::<ApUfixed<16, 6, AP_RND_CONV>>::from_f64(1.0);
//! let _ = Fx::<AcFixed<16, 6, AC_RND_CONV_ODD, AC_SAT>>::from_f64(1.0);
//! let _ = Fx::<AcFixed<16, 6, AC_TRN, AC_WRAP>>::from_f64(1.0);
//! let _ = Fx::<AcUfixed<16, 6, AC_TRN, AC_SAT>>::from_f64(1.0);
//! ```
//!
//! [`ApFixed`]: super::ApFixed
//! [`ApUfixed`]: super::ApUfixed
//! [`AcFixed`]: super::AcFixed
//! [`AcUfixed`]: super::AcUfixed

#![allow(non_camel_case_types)]

use super::format::{OverflowMode, Quantization};
use core::fmt::Debug;
use core::hash::Hash;

mod sealed {
    pub trait Sealed {}
}

/// The bounds every mode type has (so that the format markers can derive theirs).
pub trait Mode:
    Copy + Default + Debug + PartialEq + Eq + Hash + Send + Sync + 'static + sealed::Sealed
{
}

/// A quantization mode of `ap_fixed`/`ap_ufixed` (`ap_q_mode`): `AP_TRN` … `AP_RND_CONV`.
pub trait ApQMode: Mode {
    /// The mode's value.
    const MODE: Quantization;
}

/// An overflow mode of `ap_fixed` (`ap_o_mode`): `AP_SAT` … `AP_WRAP_SM`.
pub trait ApOMode: Mode {
    /// The mode's value.
    const MODE: OverflowMode;
}

/// An overflow mode of `ap_ufixed`: every [`ApOMode`] but `AP_WRAP_SM`.
pub trait ApUOMode: ApOMode {}

/// A quantization mode of `ac_fixed` (`ac_q_mode`): `AC_TRN` … `AC_RND_CONV_ODD`.
pub trait AcQMode: Mode {
    /// The mode's value.
    const MODE: Quantization;
}

/// An overflow mode of `ac_fixed` (`ac_o_mode`): `AC_WRAP`, `AC_SAT`, `AC_SAT_ZERO`,
/// `AC_SAT_SYM`.
pub trait AcOMode: Mode {
    /// The mode's value.
    const MODE: OverflowMode;
}

macro_rules! modes {
    ($($(#[$doc:meta])* $name:ident: $tr:ident = $ty:ident::$v:ident $(, $extra:ident)?;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;
        impl sealed::Sealed for $name {}
        impl Mode for $name {}
        impl $tr for $name {
            const MODE: $ty = $ty::$v;
        }
        $(impl $extra for $name {})?
    )*};
}

modes! {
    /// `AP_TRN`: toward −∞ (the default).
    AP_TRN: ApQMode = Quantization::Trn;
    /// `AP_TRN_ZERO`: toward zero.
    AP_TRN_ZERO: ApQMode = Quantization::TrnZero;
    /// `AP_RND`: nearest, ties toward +∞.
    AP_RND: ApQMode = Quantization::Rnd;
    /// `AP_RND_ZERO`: nearest, ties toward zero.
    AP_RND_ZERO: ApQMode = Quantization::RndZero;
    /// `AP_RND_MIN_INF`: nearest, ties toward −∞.
    AP_RND_MIN_INF: ApQMode = Quantization::RndMinInf;
    /// `AP_RND_INF`: nearest, ties away from zero.
    AP_RND_INF: ApQMode = Quantization::RndInf;
    /// `AP_RND_CONV`: nearest, ties to even.
    AP_RND_CONV: ApQMode = Quantization::RndConv;
    /// `AP_SAT`: clamp.
    AP_SAT: ApOMode = OverflowMode::Sat, ApUOMode;
    /// `AP_SAT_ZERO`: overflow gives 0.
    AP_SAT_ZERO: ApOMode = OverflowMode::SatZero, ApUOMode;
    /// `AP_SAT_SYM`: clamp to ±max.
    AP_SAT_SYM: ApOMode = OverflowMode::SatSym, ApUOMode;
    /// `AP_WRAP`: the low W bits, with N saturation bits (the default).
    AP_WRAP: ApOMode = OverflowMode::Wrap, ApUOMode;
    /// `AP_WRAP_SM`: sign-magnitude wrap (signed `ap_fixed` only).
    AP_WRAP_SM: ApOMode = OverflowMode::WrapSm;
    /// `AC_TRN`: toward −∞ (the default).
    AC_TRN: AcQMode = Quantization::Trn;
    /// `AC_TRN_ZERO`: toward zero.
    AC_TRN_ZERO: AcQMode = Quantization::TrnZero;
    /// `AC_RND`: nearest, ties toward +∞.
    AC_RND: AcQMode = Quantization::Rnd;
    /// `AC_RND_ZERO`: nearest, ties toward zero.
    AC_RND_ZERO: AcQMode = Quantization::RndZero;
    /// `AC_RND_MIN_INF`: nearest, ties toward −∞.
    AC_RND_MIN_INF: AcQMode = Quantization::RndMinInf;
    /// `AC_RND_INF`: nearest, ties away from zero.
    AC_RND_INF: AcQMode = Quantization::RndInf;
    /// `AC_RND_CONV`: nearest, ties to even.
    AC_RND_CONV: AcQMode = Quantization::RndConv;
    /// `AC_RND_CONV_ODD`: nearest, ties to odd (`ac_fixed` only).
    AC_RND_CONV_ODD: AcQMode = Quantization::RndConvOdd;
    /// `AC_SAT`: clamp.
    AC_SAT: AcOMode = OverflowMode::Sat;
    /// `AC_SAT_ZERO`: overflow gives 0.
    AC_SAT_ZERO: AcOMode = OverflowMode::SatZero;
    /// `AC_SAT_SYM`: clamp to ±max.
    AC_SAT_SYM: AcOMode = OverflowMode::SatSym;
    /// `AC_WRAP`: the low W bits (the default).
    AC_WRAP: AcOMode = OverflowMode::Wrap;
}
