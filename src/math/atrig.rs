//! asin, acos, atan and atan2.
//!
//! Everything goes through one kernel, atan of a positive enclosure: above 1 it is
//! π/2 − atan(1/v); at most 1 the argument is halved as an angle,
//! v → v / (1 + √(1 + v²)) = tan(θ/2), until it is below 1/4, and the series
//! Σ (−1)^i v^(2i+1)/(2i+1) with its tail bound gives atan, doubled back. Then
//! asin x = atan(x / √((1 − x)(1 + x))), acos x = 2 atan √((1 − x)/(1 + x)) (no
//! cancellation near either end), and atan2(y, x) = ±atan|y/x| or ±(π − atan|y/x|) with
//! y/x enclosed by one division. The IEEE 754 special cases (signed zeros, infinities) are
//! exact or multiples of π/4.

use core::cmp::Ordering;

use super::Unary;
use super::consts::PI;
use super::exp::lead;
use super::iv::Iv;
use super::mp::Mp;
use super::ziv::{self, Kernel, beside, mp_of};
use crate::float::arith::Outcome;
use crate::float::{Exact, FAR_EXPONENT, Finite};
use crate::interval::Dir::{Down, Up};

/// asin x, acos x or atan x at an exact argument.
pub(super) fn eval(f: Unary, x: Exact) -> Outcome {
    let v = match x {
        Exact::Nan { .. } => return Outcome::Value(x),
        Exact::Inf { negative } if f == Unary::Atan => return quarter_pi(negative, 2),
        Exact::Inf { .. } => return Outcome::Invalid,
        Exact::Zero { .. } if f == Unary::Acos => return quarter_pi(false, 2),
        Exact::Zero { .. } => return Outcome::Value(x),
        Exact::Finite(v) if v.sig == 0 => {
            return eval(
                f,
                Exact::Zero {
                    negative: v.negative,
                },
            );
        }
        Exact::Finite(v) => v,
    };
    let l = lead(&v);
    if f == Unary::Atan {
        if l < -130 {
            // atan x = x − x³/3 + …: a hair toward zero.
            return Outcome::Value(beside(&v, false));
        }
        return Outcome::Value(ziv::evaluate(&ATrig::Atan(v)));
    }
    // |x| against 1.
    let tz = v.sig.trailing_zeros();
    let is_one = v.sig >> tz == 1 && v.exp as i64 + tz as i64 == 0;
    if l > 0 || (l == 0 && !is_one) {
        return Outcome::Invalid;
    }
    match (f, is_one) {
        (Unary::Asin, true) => quarter_pi(v.negative, 2),
        (_, true) if v.negative => quarter_pi(false, 4),
        (_, true) => Outcome::Value(Exact::Zero { negative: false }),
        // asin x = x + x³/6 + …: a hair away from zero.
        (Unary::Asin, false) if l < -130 => Outcome::Value(beside(&v, true)),
        (Unary::Asin, false) => Outcome::Value(ziv::evaluate(&ATrig::Asin(v))),
        _ => Outcome::Value(ziv::evaluate(&ATrig::Acos(v))),
    }
}

/// ±k · π/4.
fn quarter_pi(negative: bool, k: i64) -> Outcome {
    Outcome::Value(ziv::evaluate(&ATrig::QuarterPi { negative, k }))
}

/// atan2(y, x): the angle of the point (x, y), in [−π, π].
pub(super) fn atan2(y: Exact, x: Exact) -> Outcome {
    if let Exact::Nan { .. } = y {
        return Outcome::Value(y);
    }
    if let Exact::Nan { .. } = x {
        return Outcome::Value(x);
    }
    let yneg = y.is_sign_negative();
    let xneg = x.is_sign_negative();
    let (yv, xv) = match (y, x) {
        // y = ±0: ±0 toward +x (x = +0 included), ±π toward −x (x = −0 included).
        (Exact::Zero { .. }, _) | (Exact::Finite(Finite { sig: 0, .. }), _) => {
            return if xneg {
                quarter_pi(yneg, 4)
            } else {
                Outcome::Value(Exact::Zero { negative: yneg })
            };
        }
        (Exact::Inf { .. }, Exact::Inf { .. }) => {
            return quarter_pi(yneg, if xneg { 3 } else { 1 });
        }
        (Exact::Inf { .. }, _) => return quarter_pi(yneg, 2),
        (_, Exact::Zero { .. }) | (_, Exact::Finite(Finite { sig: 0, .. })) => {
            return quarter_pi(yneg, 2);
        }
        (_, Exact::Inf { .. }) => {
            return if xneg {
                quarter_pi(yneg, 4)
            } else {
                Outcome::Value(Exact::Zero { negative: yneg })
            };
        }
        (Exact::Finite(yv), Exact::Finite(xv)) => (yv, xv),
        _ => return Outcome::Value(Exact::Nan { negative: false }),
    };
    if !xneg && lead(&yv) - lead(&xv) < -132 {
        // |y/x| < 2^−131: atan(y/x) = y/x − (y/x)³/3 + …. When y/x is a binary number,
        // the value is a hair toward zero from it, which no precision decides; otherwise
        // y/x itself lies off every 126-bit number by far more than (y/x)³ and the
        // enclosures decide.
        let (my, ey) = odd_parts(&yv);
        let (mx, ex) = odd_parts(&xv);
        if my % mx == 0 {
            let q = my / mx;
            let e = ey - ex;
            // Far below every format, any value that tiny rounds alike: keep the exponent
            // within i32 (the result is brought within range by `ziv::finite`).
            let floor = -(FAR_EXPONENT as i64) - 256;
            let e = e.max(floor);
            let r = Finite {
                negative: yneg,
                sig: q,
                exp: e as i32,
                sticky: false,
            };
            return Outcome::Value(beside(&r, false));
        }
    }
    Outcome::Value(ziv::evaluate(&ATrig::Atan2 { y: yv, x: xv }))
}

/// The magnitude of a nonzero finite x as m · 2^e with m odd.
fn odd_parts(x: &Finite) -> (u128, i64) {
    let tz = x.sig.trailing_zeros();
    (x.sig >> tz, x.exp as i64 + tz as i64)
}

/// x / y for an enclosure y that lies on one side of 0: two divisions (where
/// [`Iv::div`] tries all four pairs of ends in both directions).
pub(super) fn quot<const N: usize>(x: &Iv<N>, y: &Iv<N>) -> Iv<N> {
    if y.is_neg() {
        return quot(&x.neg(), &y.neg());
    }
    // y > 0: the quotient grows with x; each end divides by the end of y that makes it
    // smallest (lower) or largest (upper).
    let nonneg = |m: &Mp<N>| m.sign() != Ordering::Less;
    let lo_den = if nonneg(&x.lo) { &y.hi } else { &y.lo };
    let hi_den = if nonneg(&x.hi) { &y.lo } else { &y.hi };
    Iv::new(Mp::div(&x.lo, lo_den, Down), Mp::div(&x.hi, hi_den, Up))
}

/// The kernels.
enum ATrig {
    Atan(Finite),
    Asin(Finite),
    Acos(Finite),
    Atan2 {
        y: Finite,
        x: Finite,
    },
    /// (−1)^negative · k · π/4.
    QuarterPi {
        negative: bool,
        k: i64,
    },
}

impl Kernel for ATrig {
    fn enclose<const N: usize>(&self) -> Option<Iv<N>> {
        let one = Iv::<N>::int(1);
        let (negative, v) = match *self {
            ATrig::QuarterPi { negative, k } => (negative, PI.iv::<N>().mul_int(k).scale(-2)),
            ATrig::Atan(x) => {
                let a = Iv::point(mp_of::<N>(&x).abs());
                (x.negative, atan_pos(&a)?)
            }
            ATrig::Asin(x) => {
                let a = Iv::point(mp_of::<N>(&x).abs());
                let d = one.sub(&a).mul(&one.add(&a));
                if !d.is_pos() {
                    return None;
                }
                (x.negative, atan_pos(&quot(&a, &d.sqrt()))?)
            }
            ATrig::Acos(x) => {
                let a = Iv::point(mp_of::<N>(&x));
                let r = quot(&one.sub(&a), &one.add(&a));
                if !r.is_pos() {
                    return None;
                }
                (false, atan_pos(&r.sqrt())?.scale(1))
            }
            ATrig::Atan2 { y, x } => {
                let r = quot(
                    &Iv::point(mp_of::<N>(&y).abs()),
                    &Iv::point(mp_of::<N>(&x).abs()),
                );
                let a = atan_pos(&r)?;
                // x < 0: the angle is π − atan|y/x| from the negative axis.
                let a = if x.negative { PI.iv().sub(&a) } else { a };
                (y.negative, a)
            }
        };
        Some(if negative { v.neg() } else { v })
    }
}

/// atan v for every v in a positive enclosure.
fn atan_pos<const N: usize>(v: &Iv<N>) -> Option<Iv<N>> {
    if !v.is_pos() {
        return None;
    }
    if v.lo.cmp(&Mp::from_i64(1)) == Ordering::Greater {
        // atan v = π/2 − atan(1/v), the latter below π/4: no cancellation.
        let inv = quot(&Iv::int(1), v);
        return Some(PI.iv::<N>().scale(-1).sub(&atan_small(&inv)?));
    }
    atan_small(v)
}

/// The most angle halvings: from v ≤ 1 two reach tan(π/16) < 1/4.
const MAX_HALVINGS: i64 = 6;

/// atan v for a positive enclosure around or below 1.
fn atan_small<const N: usize>(v: &Iv<N>) -> Option<Iv<N>> {
    let quarter = Mp::<N>::pow2(false, -2);
    let one = Iv::<N>::int(1);
    let mut w = *v;
    let mut k = 0;
    while w.hi.cmp(&quarter) == Ordering::Greater {
        if k == MAX_HALVINGS {
            return None;
        }
        // tan(θ/2) = tan θ / (1 + √(1 + tan² θ)), increasing in tan θ.
        w = quot(&w, &one.add(&one.add(&w.sqr()).sqrt()));
        k += 1;
    }
    if !w.is_pos() {
        return None;
    }
    Some(atan_series(&w).scale(k))
}

/// Σ (−1)^i w^(2i+1)/(2i+1) = atan w for 0 < w ≤ 1/4, with its tail.
fn atan_series<const N: usize>(w: &Iv<N>) -> Iv<N> {
    let sq = w.sqr();
    let mut sum = *w;
    let mut p = *w;
    let eps = Mp::<N>::BITS + 8 - w.mag().lead();
    for i in 1..100_000i64 {
        p = p.mul(&sq);
        let m = p.mag();
        if m.is_zero() || m.lead() < -eps {
            // The rest is at most |p| / (1 − w²) < 2|p|.
            return sum.widen(&m.scale(1));
        }
        let term = p.div_int(2 * i + 1);
        sum = if i % 2 == 1 {
            sum.sub(&term)
        } else {
            sum.add(&term)
        };
    }
    // Not reached; an enclosure of atan on [0, 1/4] anyway.
    Iv::new(Mp::ZERO, Mp::from_i64(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::float::FloatFormat;
    use crate::rounding::{NoRandom, Round, Rounding};
    use rug::Float;
    use rug::float::Round as R;

    /// The result rounded into binary64 (toward zero when `rtz`), as an `f64`.
    fn f64_of(o: Outcome, rtz: bool) -> f64 {
        let how = if rtz {
            Round::from(Rounding::TowardZero)
        } else {
            Round::default()
        };
        match o {
            Outcome::Value(e) => {
                f64::from_bits(FloatFormat::FP64.round(e, how, &mut NoRandom).value)
            }
            _ => f64::NAN,
        }
    }

    /// Every IEEE 754 special case of atan2 and extreme ratios, against MPFR.
    #[test]
    fn atan2_matches_mpfr() {
        let vals = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.0,
            -1.0,
            3.0,
            -0.75,
            5e-324,
            -5e-324,
            2f64.powi(-1000),
            -3.0 * 2f64.powi(-1000),
            2f64.powi(1000),
            -2f64.powi(1000),
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for y in vals {
            for x in vals {
                for (rtz, r) in [(false, R::Nearest), (true, R::Zero)] {
                    let got = f64_of(atan2(Exact::from_f64(y), Exact::from_f64(x)), rtz);
                    let (yf, xf) = (Float::with_val(53, y), Float::with_val(53, x));
                    let want = Float::with_val_round(53, yf.atan2_ref(&xf), r).0.to_f64();
                    // MPFR has no subnormals: compare where the result is normal or zero.
                    if want != 0.0 && want.abs() <= f64::MIN_POSITIVE {
                        continue;
                    }
                    assert_eq!(got.to_bits(), want.to_bits(), "atan2({y:e}, {x:e}) {rtz}");
                }
            }
        }
    }

    /// The ends of asin and acos, invalid arguments, and tiny arguments.
    #[test]
    fn ends() {
        let v = |f, x: f64| f64_of(eval(f, Exact::from_f64(x)), false);
        let half_pi = core::f64::consts::FRAC_PI_2;
        assert_eq!(v(Unary::Asin, 1.0), half_pi);
        assert_eq!(v(Unary::Asin, -1.0), -half_pi);
        assert_eq!(v(Unary::Acos, -1.0), core::f64::consts::PI);
        assert_eq!(v(Unary::Acos, 1.0).to_bits(), 0);
        assert_eq!(v(Unary::Acos, 0.0), half_pi);
        assert_eq!(v(Unary::Atan, f64::NEG_INFINITY), -half_pi);
        assert_eq!(v(Unary::Asin, -0.0).to_bits(), (-0.0f64).to_bits());
        for f in [Unary::Asin, Unary::Acos] {
            assert!(matches!(
                eval(f, Exact::from_f64(1.0000001)),
                Outcome::Invalid
            ));
            assert!(matches!(eval(f, Exact::from_f64(-2.0)), Outcome::Invalid));
            assert!(matches!(
                eval(f, Exact::Inf { negative: false }),
                Outcome::Invalid
            ));
        }
        // A hair toward zero (atan) and away (asin) from a tiny x.
        let x = 2f64.powi(-600);
        let rtz = |f| f64_of(eval(f, Exact::from_f64(x)), true);
        assert_eq!(rtz(Unary::Atan), f64::from_bits(x.to_bits() - 1));
        assert_eq!(rtz(Unary::Asin), x);
    }
}
