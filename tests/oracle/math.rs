//! The elementary functions for the oracle: the value of each function of `lowprec::math`
//! from MPFR, with the IEEE 754 §9.2 flags derived from what MPFR returns.
//!
//! MPFR computes each function at `prec` bits rounded toward zero and reports whether that
//! was exact (its ternary value). An inexact truncation t is replaced by t nudged away from
//! zero by one unit of 2·`prec` bits ([`near`]): the true value lies strictly between t
//! and the next `prec`-bit number, where no number of fewer than `prec` bits lies, so the
//! nudged value rounds like the true one in every deterministic mode of every format of at
//! most `prec` − 2 bits, and its discarded fraction δ agrees with the true one in its first
//! `prec` − p − 1 bits (what the stochastic modes read). Exact results (exp 0, log2 8,
//! pow(9, 0.5), …) come out of MPFR with ternary 0 and stay exact.
//!
//! Results beyond MPFR's exponent range (exp of 10^38) come back as MPFR's largest number
//! or zero with a nonzero ternary; both are replaced by a value far beyond every format
//! (±1.5·2^(±2^20)), which rounds like the true one.
//!
//! The flags: a NaN from arguments none of which is NaN is `invalid`; an exact infinity
//! from finite arguments (log 0, atanh ±1, pow(0, −1), rsqrt 0, …) is `divide-by-zero`
//! (MPFR's special values follow C99 Annex F, which agrees with IEEE 754 §9.2 on every
//! function here); every other result is a value. A signaling NaN argument is the caller's
//! business (invalid, and a quiet NaN, IEEE 754 §6.2). Two cases are set by hand:
//! rsqrt(−0) = −∞ (IEEE 754 §9.2.1; MPFR gives +∞) and rootn(x, 0), invalid for every x.

use std::cmp::Ordering;

use lowprec::float::{Exact as LpExact, Finite};
use lowprec::math::{Binary, Unary};
use rug::float::Round;
use rug::ops::Pow;
use rug::{Float, Rational};

use crate::oracle::arith::{Exact, near};
use crate::oracle::{In, Val, q_to_float};

/// A function of `lowprec::math`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fun {
    U(Unary),
    B(Binary),
    /// x^n.
    Pown(i32),
    /// x^(1/n).
    Rootn(i32),
}

impl Fun {
    pub fn name(self) -> String {
        match self {
            Fun::U(f) => f.name().to_string(),
            Fun::B(f) => f.name().to_string(),
            Fun::Pown(n) => format!("pown(·, {n})"),
            Fun::Rootn(n) => format!("rootn(·, {n})"),
        }
    }
}

/// A decoded value as an exact MPFR number (NaN, ±∞ and ±0 included).
pub fn float_of(v: &Val) -> Float {
    match v {
        Val::Nan { .. } => Float::with_val(64, rug::float::Special::Nan),
        Val::Inf { neg: false } => Float::with_val(64, rug::float::Special::Infinity),
        Val::Inf { neg: true } => Float::with_val(64, rug::float::Special::NegInfinity),
        Val::Zero { neg: false } => Float::with_val(64, rug::float::Special::Zero),
        Val::Zero { neg: true } => Float::with_val(64, rug::float::Special::NegZero),
        Val::Num(q) => q_to_float(q),
    }
}

/// The decoded value of an f64, by its bit layout.
pub fn val_of_f64(x: f64) -> Val {
    if x.is_nan() {
        Val::Nan {
            neg: x.is_sign_negative(),
        }
    } else if x.is_infinite() {
        Val::Inf { neg: x < 0.0 }
    } else if x == 0.0 {
        Val::Zero {
            neg: x.is_sign_negative(),
        }
    } else {
        Val::Num(Rational::from_f64(x).expect("finite"))
    }
}

/// lowprec's `Exact` of a decoded value, built from the textbook value (not from
/// lowprec's decoding): sign, an integer significand and a power of two.
pub fn exact_of(v: &Val) -> LpExact {
    match v {
        Val::Nan { neg } => LpExact::Nan { negative: *neg },
        Val::Inf { neg } => LpExact::Inf { negative: *neg },
        Val::Zero { neg } => LpExact::Zero { negative: *neg },
        Val::Num(q) => {
            let neg = *q < 0;
            let a = Rational::from(q.abs_ref());
            // |q| = n / 2^k (values of binary formats are dyadic).
            let (n, d) = a.into_numer_denom();
            assert!(d.is_power_of_two(), "{q} is not dyadic");
            let k = d.significant_bits() as i32 - 1;
            // Strip trailing zeros so that the significand fits 128 bits.
            let tz = n.find_one(0).expect("nonzero");
            let sig = (n >> tz).to_u128().expect("at most 128 significant bits");
            LpExact::Finite(Finite {
                negative: neg,
                sig,
                exp: tz as i32 - k,
                sticky: false,
            })
        }
    }
}

/// The far-out stand-in for results beyond MPFR's exponent range.
fn clamp(f: Float) -> Float {
    const FAR: i32 = 1 << 20;
    let e = f.get_exp().expect("nonzero finite");
    let stand_in = |k: i32| {
        let v = Float::with_val(8, 1.5) << k;
        if f.is_sign_negative() { -v } else { v }
    };
    if e > FAR {
        stand_in(FAR)
    } else if e < -FAR {
        stand_in(-FAR)
    } else {
        f
    }
}

/// MPFR's value of `fun` at `args` (exact `Float`s) at `prec` bits toward zero, and its
/// ternary value.
pub fn mpfr(fun: Fun, args: &[Float], prec: u32) -> (Float, Ordering) {
    let x = &args[0];
    let z = Round::Zero;
    match fun {
        Fun::U(f) => {
            let (mut y, exact) = Float::with_val_round(prec, x, Round::Nearest);
            assert!(
                x.is_nan() || exact == Ordering::Equal,
                "argument wider than {prec} bits"
            );
            let o = match f {
                Unary::Exp => y.exp_round(z),
                Unary::Exp2 => y.exp2_round(z),
                Unary::Exp10 => y.exp10_round(z),
                Unary::Expm1 => y.exp_m1_round(z),
                Unary::Log => y.ln_round(z),
                Unary::Log2 => y.log2_round(z),
                Unary::Log10 => y.log10_round(z),
                Unary::Log1p => y.ln_1p_round(z),
                Unary::Rsqrt => y.recip_sqrt_round(z),
                Unary::Sin => y.sin_round(z),
                Unary::Cos => y.cos_round(z),
                Unary::Tan => y.tan_round(z),
                Unary::Asin => y.asin_round(z),
                Unary::Acos => y.acos_round(z),
                Unary::Atan => y.atan_round(z),
                Unary::Sinh => y.sinh_round(z),
                Unary::Cosh => y.cosh_round(z),
                Unary::Tanh => y.tanh_round(z),
                Unary::Asinh => y.asinh_round(z),
                Unary::Acosh => y.acosh_round(z),
                Unary::Atanh => y.atanh_round(z),
                Unary::Erf => y.erf_round(z),
                Unary::Erfc => y.erfc_round(z),
            };
            (y, o)
        }
        Fun::B(f) => {
            let w = &args[1];
            match f {
                Binary::Pow => Float::with_val_round(prec, x.pow(w), z),
                // atan2(y, x): the first argument is y.
                Binary::Atan2 => Float::with_val_round(prec, x.atan2_ref(w), z),
                Binary::Hypot => Float::with_val_round(prec, x.hypot_ref(w), z),
            }
        }
        Fun::Pown(n) => Float::with_val_round(prec, x.pow(n), z),
        Fun::Rootn(n) => Float::with_val_round(prec, x.root_i_ref(n), z),
    }
}

/// The oracle's result of `fun` at the decoded `args`: a value that rounds like the true
/// one (see the module docs), or `invalid`, or an exact infinity (`divide-by-zero`).
pub fn value(fun: Fun, args: &[&Val], prec: u32) -> Exact {
    match (fun, args[0]) {
        // IEEE 754 §9.2.1: rSqrt(−0) is −∞ (MPFR's `rec_sqrt` gives +∞, a documented
        // difference).
        (Fun::U(Unary::Rsqrt), Val::Zero { neg: true }) => {
            return Exact::DivByZero { neg: true };
        }
        // rootn(x, 0) is invalid, read as for every x, a quiet NaN included (the
        // exponent, not the NaN, makes it invalid).
        (Fun::Rootn(0), _) => return Exact::Invalid,
        _ => {}
    }
    let floats: Vec<Float> = args.iter().map(|v| float_of(v)).collect();
    let any_nan = floats.iter().any(Float::is_nan);
    let all_finite = floats.iter().all(Float::is_finite);
    let (y, o) = mpfr(fun, &floats, prec);
    if y.is_nan() {
        return if any_nan {
            Exact::Value(In::Nan { neg: false })
        } else {
            Exact::Invalid
        };
    }
    let neg = y.is_sign_negative();
    if y.is_infinite() {
        assert_eq!(
            o,
            Ordering::Equal,
            "{}: MPFR overflowed toward zero",
            fun.name()
        );
        return if all_finite {
            Exact::DivByZero { neg }
        } else {
            Exact::Value(In::Inf { neg })
        };
    }
    if y.is_zero() && o == Ordering::Equal {
        return Exact::Value(In::Zero { neg });
    }
    Exact::Value(In::Num(clamp(near((y, o)))))
}
