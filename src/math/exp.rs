//! exp, exp2, exp10 and expm1.
//!
//! The kernel reduces x = k·ln 2 + r (|r| ≤ ln 2 / 2, the product k·ln 2 enclosed with a
//! 3,072-bit ln 2), sums the Taylor series of e^(r/256) with its tail bound, squares eight
//! times and scales by 2^k. exp2 and exp10 multiply by ln 2 and ln 10 first; integer
//! arguments of exp2 and exp10 are exact powers (10^−n is 1/10^n, enclosed by an exact
//! power and one division). expm1 sums its own series below 1/2 (no cancellation).

use super::Unary;
use super::consts::{LN2, LN10};
use super::iv::Iv;
use super::mp::Mp;
use super::ziv::{self, Kernel, beside, mp_of};
use crate::float::arith::Outcome;
use crate::float::{Exact, Finite};

/// e^x, 2^x, 10^x or e^x − 1 at an exact argument.
pub(super) fn eval(f: Unary, x: Exact) -> Outcome {
    let one = Exact::from_i128(1);
    let x = match x {
        Exact::Nan { .. } => return Outcome::Value(x),
        Exact::Inf { negative } => {
            return Outcome::Value(match (negative, f) {
                (false, _) => x,
                (true, Unary::Expm1) => Exact::from_i128(-1),
                (true, _) => Exact::Zero { negative: false },
            });
        }
        Exact::Zero { .. } if f == Unary::Expm1 => return Outcome::Value(x),
        Exact::Zero { .. } => return Outcome::Value(one),
        Exact::Finite(x) => x,
    };
    let lead = lead(&x);
    if lead >= 21 {
        // |x| ≥ 2^21: far beyond every format's range (2^±(3·10⁶) and more).
        return Outcome::Value(match (x.negative, f) {
            (false, _) => ziv::finite(false, 1, i64::MAX / 4, true),
            (true, Unary::Expm1) => beside(&unit(true), false),
            (true, _) => ziv::finite(false, 1, -i64::MAX / 4, true),
        });
    }
    if lead < -130 {
        // e^x = 1 + x + O(x²) with |x| < 2^−130: a hair above or below 1 (the same for
        // 2^x and 10^x), and e^x − 1 a hair above x (for x < 0, toward zero).
        return Outcome::Value(match f {
            Unary::Expm1 => beside(&x, !x.negative),
            _ => beside(&unit(false), !x.negative),
        });
    }
    if f == Unary::Expm1 && x.negative && lead >= 7 {
        // e^x < 2^−184 for x ≤ −128: e^x − 1 is a hair above −1.
        return Outcome::Value(beside(&unit(true), false));
    }
    Outcome::Value(ziv::evaluate(&ExpKernel { f, x }))
}

/// The exponent of the leading bit of a nonzero finite value.
pub(super) fn lead(x: &Finite) -> i64 {
    x.exp as i64 + 127 - x.sig.leading_zeros() as i64
}

/// ±1.
pub(super) fn unit(negative: bool) -> Finite {
    Finite {
        negative,
        sig: 1,
        exp: 0,
        sticky: false,
    }
}

/// Whether a finite value is an integer, and which (when it fits an `i64`).
pub(super) fn integer(x: &Finite) -> Option<i64> {
    let tz = x.sig.trailing_zeros() as i64;
    if x.exp as i64 + tz < 0 {
        return None;
    }
    let mag = lead(x);
    if mag >= 62 {
        return None;
    }
    let v = (x.sig >> tz) as i64;
    let v = v << (x.exp as i64 + tz);
    Some(if x.negative { -v } else { v })
}

struct ExpKernel {
    f: Unary,
    x: Finite,
}

impl Kernel for ExpKernel {
    fn enclose<const N: usize>(&self) -> Option<Iv<N>> {
        let x: Iv<N> = Iv::point(mp_of(&self.x));
        match self.f {
            Unary::Exp => exp_iv(&x),
            Unary::Exp2 => match integer(&self.x) {
                Some(n) => Some(Iv::point(Mp::pow2(false, n))),
                None => exp_iv(&x.mul(&LN2.iv())),
            },
            Unary::Exp10 => match integer(&self.x) {
                Some(n) => {
                    let p = pow_int(&Iv::int(10), n.unsigned_abs());
                    Some(if n < 0 { Iv::int(1).div(&p) } else { p })
                }
                None => exp_iv(&x.mul(&LN10.iv())),
            },
            _ => expm1_iv(&x),
        }
    }
}

/// x^n for n ≥ 0 by squaring (exact while the powers fit N limbs).
pub(super) fn pow_int<const N: usize>(x: &Iv<N>, mut n: u64) -> Iv<N> {
    let mut acc = Iv::int(1);
    let mut base = *x;
    while n > 0 {
        if n & 1 == 1 {
            acc = acc.mul(&base);
        }
        n >>= 1;
        if n > 0 {
            base = base.mul(&base);
        }
    }
    acc
}

/// An enclosure of e^t for every t in the enclosure.
pub(super) fn exp_iv<const N: usize>(t: &Iv<N>) -> Option<Iv<N>> {
    if t.lo == t.hi {
        return exp_point(&t.lo);
    }
    Some(Iv::new(exp_point(&t.lo)?.lo, exp_point(&t.hi)?.hi))
}

/// Halvings of the reduced argument before the series (undone by squarings).
const HALVINGS: i64 = 8;

fn exp_point<const N: usize>(x: &Mp<N>) -> Option<Iv<N>> {
    if x.is_zero() {
        return Some(Iv::int(1));
    }
    let xf = x.to_f64();
    if xf.is_nan() || xf.abs() >= 4.0e6 {
        return None;
    }
    let y = xf * core::f64::consts::LOG2_E;
    let k = if y >= 0.0 {
        (y + 0.5) as i64
    } else {
        (y - 0.5) as i64
    };
    let r = Iv::point(*x).sub(&LN2.iv::<N>().mul_int(k));
    let s = r.scale(-HALVINGS);
    let mut e = exp_series(&s);
    for _ in 0..HALVINGS {
        e = e.sqr();
    }
    Some(e.scale(k))
}

/// Σ s^i/i! for |s| < 1/2, with its tail.
fn exp_series<const N: usize>(s: &Iv<N>) -> Iv<N> {
    let mut sum = Iv::int(1);
    let mut term = Iv::int(1);
    let eps = Mp::<N>::BITS + 8;
    for i in 1..10_000 {
        term = term.mul(s).div_int(i);
        let m = term.mag();
        if m.is_zero() || m.lead() < -eps {
            // The rest is at most 2|term| (|s| < 1).
            return sum.widen(&m.scale(1));
        }
        sum = sum.add(&term);
    }
    sum
}

/// An enclosure of e^t − 1 for every t in the enclosure.
pub(super) fn expm1_iv<const N: usize>(t: &Iv<N>) -> Option<Iv<N>> {
    if t.lo == t.hi {
        return expm1_point(&t.lo);
    }
    Some(Iv::new(expm1_point(&t.lo)?.lo, expm1_point(&t.hi)?.hi))
}

fn expm1_point<const N: usize>(x: &Mp<N>) -> Option<Iv<N>> {
    if x.is_zero() {
        return Some(Iv::int(0));
    }
    if x.lead() >= -1 {
        // |x| ≥ 1/2: e^x − 1 loses at most two bits to the subtraction.
        return Some(exp_point(x)?.sub(&Iv::int(1)));
    }
    let s = Iv::point(*x);
    let mut sum = s;
    let mut term = s;
    let eps = Mp::<N>::BITS + 8 - x.lead();
    for i in 2..10_000 {
        term = term.mul(&s).div_int(i);
        let m = term.mag();
        if m.is_zero() || m.lead() < -eps {
            return Some(sum.widen(&m.scale(1)));
        }
        sum = sum.add(&term);
    }
    Some(sum)
}
