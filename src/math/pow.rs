//! pow, pown, rootn, rsqrt and hypot.
//!
//! Every function reduces to a positive base a = |x| and the sign of the result, which
//! follows the parity rules of IEEE 754-2019 §9.2.1 (as do the special values, taken
//! before anything else).
//!
//! * The **exact** results are found with integer arithmetic before the precision ladder,
//!   which cannot decide them: writing a = o · 2^e with o odd, a^n is a 126-bit number
//!   when o = 1 or when o^n fits 128 bits; a^(m/2^k) is dyadic only when a is a perfect
//!   2^k-th power (then it is that root raised to m); a^(1/n) is dyadic only when a is a
//!   perfect n-th power, and 1/√a only when a = 4^k. hypot's exact results (hypot(3, 4)
//!   = 5) come out of the kernel itself: x² + y² is exact at 512 bits whenever the
//!   arguments lie within 2^70 of each other, and the square root of an exact square is
//!   exact.
//! * Values **far beyond every format** (|y ln a| ≥ 2^21) and values **a hair from 1**
//!   (|y ln a| < 2^−130) are decided from an enclosure of y ln a at 192 bits; hypot of
//!   arguments more than 2^70 apart is a hair above the larger one.
//! * Everything else is a Ziv kernel: a^n by repeated squaring for |n| ≤ 1,024 (one
//!   division for n < 0), √a and 1/√a for the square roots, 1/q for the reciprocal of an
//!   exact root, and e^(y ln a) otherwise (the 192-bit enclosure of y ln a computed for
//!   the screening is reused by the first rung).

use super::exp::{exp_iv, integer, lead, pow_int, unit};
use super::iv::Iv;
use super::log::log_iv;
use super::mp::Mp;
use super::ziv::{self, Kernel, beside};
use crate::float::arith::Outcome;
use crate::float::{Exact, Finite};
use crate::interval::Dir;

/// |y ln a| ≥ 2^`HUGE` puts a^y beyond 2^±(3·10⁶), far outside every format.
const HUGE: i64 = 21;
/// |y ln a| < 2^`TINY` puts a^y within 2^−130 of 1.
const TINY: i64 = -130;
/// Integer exponents up to this magnitude are evaluated by repeated squaring.
const SQUARING: u64 = 1024;
/// hypot(a, b) with b < a · 2^−`APART` is a hair above a.
const APART: i64 = 70;

/// x^y (IEEE 754 `pow`).
pub(super) fn pow(x: Exact, y: Exact) -> Outcome {
    let one = Exact::from_i128(1);
    // pow(x, ±0) = 1 and pow(+1, y) = 1, even for a NaN x or y.
    if matches!(y, Exact::Zero { .. }) {
        return Outcome::Value(one);
    }
    if let Exact::Finite(f) = x {
        if !f.negative && odd_part(&f) == (1, 0) {
            return Outcome::Value(one);
        }
    }
    if let Exact::Nan { .. } = x {
        return Outcome::Value(x);
    }
    let y = match y {
        Exact::Nan { .. } => return Outcome::Value(y),
        Exact::Inf { negative } => return Outcome::Value(pow_inf(x, negative)),
        Exact::Zero { .. } => return Outcome::Value(one),
        Exact::Finite(y) => y,
    };
    let (integral, odd) = parity(&y);
    let (x, neg) = match x {
        Exact::Zero { negative } => {
            let negative = negative && odd;
            return if y.negative {
                Outcome::DivByZero { negative }
            } else {
                Outcome::Value(Exact::Zero { negative })
            };
        }
        Exact::Inf { negative } => {
            let negative = negative && odd;
            return Outcome::Value(if y.negative {
                Exact::Zero { negative }
            } else {
                Exact::Inf { negative }
            });
        }
        Exact::Finite(x) if x.negative && !integral => return Outcome::Invalid,
        Exact::Finite(x) => (magnitude(&x), x.negative && odd),
        Exact::Nan { .. } => return Outcome::Value(x),
    };
    Outcome::Value(pow_finite(x, y, neg))
}

/// pow(x, ±∞) for a non-NaN x: 1 at |x| = 1, else 0 or +∞ by whether |x| < 1.
fn pow_inf(x: Exact, negative: bool) -> Exact {
    let below = match x {
        Exact::Zero { .. } => true,
        Exact::Finite(f) if odd_part(&f) == (1, 0) => return Exact::from_i128(1),
        Exact::Finite(f) => lead(&f) < 0,
        _ => false,
    };
    if below == negative {
        Exact::Inf { negative: false }
    } else {
        Exact::Zero { negative: false }
    }
}

/// ±a^y for a > 0 and a finite nonzero y.
fn pow_finite(a: Finite, y: Finite, neg: bool) -> Exact {
    let (o, e) = odd_part(&a);
    if (o, e) == (1, 0) {
        return Exact::Finite(unit(neg));
    }
    let n = integer(&y);
    if let Some(n) = n {
        if n.unsigned_abs() <= SQUARING && lead(&a).abs() < 1000 {
            // |n log₂ a| < 2^20, and |n ln a| ≥ |ln a| > 2^−129 (a ≠ 1 has at most 128
            // bits): neither far nor a hair from 1.
            if let Some(v) = exact_power(o, e, n, neg) {
                return v;
            }
            return ziv::evaluate(&PowKernel::new(&a, How::Int(n), neg, None));
        }
    }
    let how = How::Exp(y);
    let t = exponent(&point::<3>(parts(&a)), how);
    if let Some(v) = t.as_ref().and_then(|t| screen(t, neg)) {
        return v;
    }
    // Now |y log₂ a| < 2^22: the exponents below stay small.
    if let Some(n) = n {
        if let Some(v) = exact_power(o, e, n, neg) {
            return v;
        }
        if n.unsigned_abs() <= SQUARING {
            return ziv::evaluate(&PowKernel::new(&a, How::Int(n), neg, None));
        }
    } else if let Some(v) = exact_fraction_power(o, e, &y, neg) {
        return v;
    }
    ziv::evaluate(&PowKernel::new(&a, how, neg, t))
}

/// ±(o · 2^e)^n when it is a number of at most 128 bits.
fn exact_power(o: u128, e: i64, n: i64, neg: bool) -> Option<Exact> {
    let exp = e.checked_mul(n)?;
    if exp.unsigned_abs() >= 1 << 40 {
        // Beyond every format; the screening has already decided such values.
        return None;
    }
    if o == 1 {
        return Some(ziv::finite(neg, 1, exp, false));
    }
    if n <= 0 {
        // 1/o^|n| is not dyadic.
        return None;
    }
    let p = o.checked_pow(u32::try_from(n).ok()?)?;
    Some(ziv::finite(neg, p, exp, false))
}

/// ±(o · 2^e)^y for y = ±m/2^k (m odd, k ≥ 1), when it is a number of at most 128 bits:
/// the 2^k-th root of a must be dyadic, and then its m-th power must fit.
fn exact_fraction_power(o: u128, e: i64, y: &Finite, neg: bool) -> Option<Exact> {
    let (m, ey) = odd_part(y);
    let k = u32::try_from(ey.checked_neg()?).ok()?;
    if k >= 63 {
        // Only e = 0 and o = 1 (that is, a = 1) would do.
        return None;
    }
    let root = 1i64 << k;
    if e.rem_euclid(root) != 0 {
        return None;
    }
    let w = iroot(o, root as u64)?;
    let m = i64::try_from(m).ok()?;
    exact_power(w, e >> k, if y.negative { -m } else { m }, neg)
}

/// x^n (IEEE 754 `pown`): pow with an integer exponent, whose special values agree.
pub(super) fn pown(x: Exact, n: i64) -> Outcome {
    pow(x, Exact::from_i128(n as i128))
}

/// x^(1/n) (IEEE 754 `rootn`).
pub(super) fn rootn(x: Exact, n: i64) -> Outcome {
    if n == 0 {
        // Invalid for every x, NaN included.
        return Outcome::Invalid;
    }
    let odd = n & 1 != 0;
    match x {
        Exact::Nan { .. } => Outcome::Value(x),
        Exact::Inf { negative } if negative && !odd => Outcome::Invalid,
        Exact::Inf { negative } if n > 0 => Outcome::Value(Exact::Inf { negative }),
        Exact::Inf { negative } => Outcome::Value(Exact::Zero { negative }),
        Exact::Zero { negative } if n > 0 => Outcome::Value(Exact::Zero {
            negative: negative && odd,
        }),
        Exact::Zero { negative } => Outcome::DivByZero {
            negative: negative && odd,
        },
        Exact::Finite(f) if f.negative && !odd => Outcome::Invalid,
        Exact::Finite(f) => Outcome::Value(root_finite(magnitude(&f), n, f.negative)),
    }
}

/// ±a^(1/n) for a > 0 and n ≠ 0.
fn root_finite(a: Finite, n: i64, neg: bool) -> Exact {
    let m = n.unsigned_abs();
    let (o, e) = odd_part(&a);
    if (e as i128).rem_euclid(m as i128) == 0 {
        if let Some(w) = iroot(o, m) {
            // a = q^m with q = w · 2^qe.
            let qe = (e as i128 / m as i128) as i64;
            if n > 0 {
                return ziv::finite(neg, w, qe, false);
            }
            if w == 1 {
                return ziv::finite(neg, 1, -qe, false);
            }
            let q = (w, qe);
            return ziv::evaluate(&PowKernel::from_parts(q, How::Root(-1), neg, None));
        }
    }
    let how = How::Root(n);
    if m <= 2 {
        // |ln a / 2| > 2^−130 (a ≠ 1 has at most 128 bits): no hair from 1.
        return ziv::evaluate(&PowKernel::new(&a, how, neg, None));
    }
    let t = exponent(&point::<3>(parts(&a)), how);
    if let Some(v) = t.as_ref().and_then(|t| screen(t, neg)) {
        return v;
    }
    ziv::evaluate(&PowKernel::new(&a, how, neg, t))
}

/// 1/√x (IEEE 754 `rSqrt`).
pub(super) fn rsqrt(x: Exact) -> Outcome {
    match x {
        Exact::Zero { negative } => Outcome::DivByZero { negative },
        _ => rootn(x, -2),
    }
}

/// √(x² + y²).
pub(super) fn hypot(x: Exact, y: Exact) -> Outcome {
    let (a, b) = match (x, y) {
        (Exact::Inf { .. }, _) | (_, Exact::Inf { .. }) => {
            return Outcome::Value(Exact::Inf { negative: false });
        }
        (Exact::Nan { .. }, _) => return Outcome::Value(x),
        (_, Exact::Nan { .. }) => return Outcome::Value(y),
        (Exact::Zero { .. }, Exact::Zero { .. }) => {
            return Outcome::Value(Exact::Zero { negative: false });
        }
        (Exact::Finite(f), Exact::Zero { .. }) | (Exact::Zero { .. }, Exact::Finite(f)) => {
            return Outcome::Value(Exact::Finite(magnitude(&f)));
        }
        (Exact::Finite(a), Exact::Finite(b)) => (magnitude(&a), magnitude(&b)),
    };
    let (a, b) = if lead(&a) < lead(&b) { (b, a) } else { (a, b) };
    if lead(&a) - lead(&b) > APART {
        // b/a < 2^−70: √(a² + b²) = a (1 + (b/a)²/2 − …) lies within a · 2^−141 above a.
        return Outcome::Value(beside(&a, true));
    }
    Outcome::Value(ziv::evaluate(&HypotKernel { a, b }))
}

/// |x| = odd · 2^e, odd odd: (odd, e).
fn odd_part(x: &Finite) -> (u128, i64) {
    let tz = x.sig.trailing_zeros().min(127);
    (x.sig >> tz, x.exp as i64 + tz as i64)
}

/// Whether a finite value is an integer, and whether an odd one.
fn parity(y: &Finite) -> (bool, bool) {
    let (_, e) = odd_part(y);
    (e >= 0, e == 0)
}

/// |x|.
fn magnitude(x: &Finite) -> Finite {
    Finite {
        negative: false,
        ..*x
    }
}

/// The integer m-th root of o when o is a perfect m-th power.
fn iroot(o: u128, m: u64) -> Option<u128> {
    if m == 1 || o <= 1 {
        return Some(o);
    }
    if m >= 128 {
        // A root of at least 2 has an m-th power of at least 2^128 > o.
        return None;
    }
    let m = m as u32;
    let bits = 128 - o.leading_zeros();
    // lo^m ≤ o < hi^m: hi^m ≥ 2^(bits + 1) > o.
    let mut lo: u128 = 1;
    let mut hi: u128 = 1 << (bits / m + 1);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match mid.checked_pow(m) {
            Some(p) if p <= o => lo = mid,
            _ => hi = mid,
        }
    }
    (lo.checked_pow(m) == Some(o)).then_some(lo)
}

/// The decision of e^t from an enclosure of t, when e^t is far beyond every format or
/// a hair from 1 (the sign `neg` applied).
fn screen(t: &Iv<3>, neg: bool) -> Option<Exact> {
    let up = t.is_pos();
    if !up && !t.is_neg() {
        return None;
    }
    let near = if up { t.lo } else { t.hi };
    if near.lead() >= HUGE {
        let exp = if up { i64::MAX / 4 } else { -i64::MAX / 4 };
        return Some(ziv::finite(neg, 1, exp, true));
    }
    if t.mag().lead() < TINY {
        // e^t = 1 + t + …, |t| < 2^−130.
        return Some(beside(&unit(neg), up));
    }
    None
}

/// How a kernel computes its power of a.
#[derive(Clone, Copy)]
enum How {
    /// a^n by repeated squaring (|n| ≤ [`SQUARING`]).
    Int(i64),
    /// a^y = e^(y ln a).
    Exp(Finite),
    /// a^(1/n): a or 1/a for n = ±1, √a or 1/√a for n = ±2, else e^(ln a / n).
    Root(i64),
}

/// A positive (sig, exp) as (u128, i64).
fn parts(a: &Finite) -> (u128, i64) {
    (a.sig, a.exp as i64)
}

/// The point sig · 2^exp (exact: N ≥ 2 limbs hold 128 bits).
fn point<const N: usize>(a: (u128, i64)) -> Iv<N> {
    Iv::point(Mp::from_parts(false, a.0, a.1, Dir::Down))
}

/// The exponent t of a^y = e^t: y ln a or ln a / n.
fn exponent<const N: usize>(a: &Iv<N>, how: How) -> Option<Iv<N>> {
    let l = log_iv(a)?;
    match how {
        How::Exp(y) => Some(l.mul(&Iv::point(ziv::mp_of(&y)))),
        How::Root(n) => Some(l.div_int(n)),
        How::Int(n) => Some(l.mul_int(n)),
    }
}

/// ±a^y for a > 0.
struct PowKernel {
    /// a as (sig, exp).
    a: (u128, i64),
    how: How,
    neg: bool,
    /// The exponent's enclosure at the first rung, when already computed.
    t3: Option<Iv<3>>,
}

impl PowKernel {
    fn new(a: &Finite, how: How, neg: bool, t3: Option<Iv<3>>) -> PowKernel {
        PowKernel::from_parts(parts(a), how, neg, t3)
    }

    fn from_parts(a: (u128, i64), how: How, neg: bool, t3: Option<Iv<3>>) -> PowKernel {
        PowKernel { a, how, neg, t3 }
    }
}

impl Kernel for PowKernel {
    fn enclose<const N: usize>(&self) -> Option<Iv<N>> {
        let a: Iv<N> = point(self.a);
        let one = Iv::int(1);
        let v = match self.how {
            How::Int(n) => {
                let p = pow_int(&a, n.unsigned_abs());
                if n < 0 { one.div(&p) } else { p }
            }
            How::Root(n) if n.unsigned_abs() <= 2 => {
                let r = if n.unsigned_abs() == 2 { a.sqrt() } else { a };
                if n < 0 { one.div(&r) } else { r }
            }
            how => {
                let t = match self.t3 {
                    Some(t) if N == 3 => t.convert::<N>(),
                    _ => exponent(&a, how)?,
                };
                exp_narrow(&t)?
            }
        };
        Some(if self.neg { v.neg() } else { v })
    }
}

/// An enclosure of e^t for every t in a narrow enclosure [lo, hi] (hi − lo ≤ 1), by one
/// evaluation: e^t ≤ e^lo · e^d with d = hi − lo, and e^d ≤ 1 + d + d² ≤ 1 + 2d for
/// 0 ≤ d ≤ 1.
fn exp_narrow<const N: usize>(t: &Iv<N>) -> Option<Iv<N>> {
    if t.lo == t.hi {
        return exp_iv(t);
    }
    let d = Mp::sub(&t.hi, &t.lo, Dir::Up);
    if d.lead() >= 0 {
        return exp_iv(t);
    }
    let e = exp_iv(&Iv::point(t.lo))?;
    let grow = Mp::add(&Mp::from_i64(1), &d.scale(1), Dir::Up);
    Some(Iv::new(e.lo, Mp::mul(&e.hi, &grow, Dir::Up)))
}

/// √(a² + b²) for a ≥ b > 0 within 2^70 of each other.
struct HypotKernel {
    a: Finite,
    b: Finite,
}

impl Kernel for HypotKernel {
    fn enclose<const N: usize>(&self) -> Option<Iv<N>> {
        let a: Iv<N> = Iv::point(ziv::mp_of(&self.a));
        let b: Iv<N> = Iv::point(ziv::mp_of(&self.b));
        // Exact at 512 bits: the squares span at most 2 · (128 + 71) bits together.
        Some(a.sqr().add(&b.sqr()).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Float;
    use rug::float::Round;
    use rug::ops::Pow;

    fn ex(x: f64) -> Exact {
        Exact::from_f64(x)
    }

    /// An outcome as a comparable pair.
    fn out(o: Outcome) -> (&'static str, Exact) {
        match o {
            Outcome::Value(v) => ("value", v),
            Outcome::Invalid => INVALID,
            Outcome::DivByZero { negative } => div(negative),
        }
    }

    /// The invalid outcome.
    const INVALID: (&str, Exact) = ("invalid", Exact::Nan { negative: false });

    /// The divide-by-zero outcome.
    fn div(negative: bool) -> (&'static str, Exact) {
        ("div", Exact::Inf { negative })
    }

    fn value(o: Outcome) -> Exact {
        match o {
            Outcome::Value(v) => v,
            _ => panic!("not a value"),
        }
    }

    /// Whether two values are the same (finite ones exactly, without a sticky bit).
    fn same(a: Exact, b: Exact) -> bool {
        match (a, b) {
            (Exact::Finite(f), Exact::Finite(_)) => {
                !f.sticky && a.cmp_value(&b) == Some(core::cmp::Ordering::Equal)
            }
            _ => a == b,
        }
    }

    /// The exact value, with no sticky bit.
    fn exact(o: Outcome, want: Exact) {
        let got = value(o);
        assert!(same(got, want), "{got:?} is not {want:?}");
    }

    /// The decided value as rounded to binary64 toward −∞ and +∞.
    fn f64_down_up(e: Exact) -> (f64, f64) {
        let r = |mode| {
            let how = crate::Round::new(mode, crate::Overflow::Ieee);
            let bits = crate::FloatFormat::FP64.round(e, how, &mut crate::NoRandom);
            f64::from_bits(bits.value)
        };
        (
            r(crate::Rounding::TowardNegative),
            r(crate::Rounding::TowardPositive),
        )
    }

    fn mpfr_down_up(f: impl Fn(Round) -> Float) -> (f64, f64) {
        (f(Round::Down).to_f64(), f(Round::Up).to_f64())
    }

    #[test]
    fn exact_results() {
        exact(pow(ex(9.0), ex(0.5)), ex(3.0));
        exact(pow(ex(0.25), ex(-1.5)), ex(8.0));
        exact(pow(ex(-3.0), ex(3.0)), ex(-27.0));
        exact(pow(ex(3.0), ex(20.0)), Exact::from_i128(3_486_784_401));
        exact(pow(ex(2f64.powi(64)), ex(-3.0 / 64.0)), ex(0.125));
        exact(pown(ex(-3.0), 79), Exact::from_i128(-(3i128.pow(79))));
        exact(pown(ex(-1.0), i64::MIN), ex(1.0));
        exact(pown(ex(-1.0), i64::MAX), ex(-1.0));
        exact(rootn(ex(2f64.powi(66) * 27.0), 3), ex(3.0 * 2f64.powi(22)));
        exact(rootn(ex(-8.0), -3), ex(-0.5));
        exact(rsqrt(ex(2f64.powi(-20))), ex(1024.0));
        exact(hypot(ex(3.0), ex(-4.0)), ex(5.0));
        exact(
            hypot(ex(3.0 * 2f64.powi(-1000)), ex(4.0 * 2f64.powi(-1000))),
            ex(5.0 * 2f64.powi(-1000)),
        );
        // (k² − 1)/2, k, (k² + 1)/2: a triple whose squares need more than 192 bits
        // apart, found exact at 512.
        let k = (1u64 << 26) as f64 + 1.0;
        exact(
            hypot(ex((k * k - 1.0) / 2.0), ex(k)),
            ex((k * k + 1.0) / 2.0),
        );
        // Not exact: 8^(1/3) with 1/3 rounded, 2^(60/64).
        for v in [
            pow(ex(8.0), ex(1.0 / 3.0)),
            pow(ex(2f64.powi(60)), ex(1.0 / 64.0)),
        ] {
            assert!(matches!(value(v), Exact::Finite(f) if f.sticky));
        }
    }

    #[test]
    fn against_mpfr() {
        let p = 53;
        let fl = |x: f64| Float::with_val(64, x);
        let cases = [
            (3.0, -40.0),
            (8.0, 1.0 / 3.0),
            (2f64.powi(60), 1.0 / 64.0),
            (0.7, 123.456),
            (1.0 + f64::EPSILON, 2f64.powi(60)),
            (-1.5, -1001.0),
            (1e-30, 0.999),
            (123.0, -0.5),
        ];
        for (x, y) in cases {
            let want = mpfr_down_up(|r| Float::with_val_round(p, (&fl(x)).pow(&fl(y)), r).0);
            assert_eq!(f64_down_up(value(pow(ex(x), ex(y)))), want, "pow({x}, {y})");
            let want = mpfr_down_up(|r| Float::with_val_round(p, fl(x).hypot_ref(&fl(y)), r).0);
            assert_eq!(
                f64_down_up(value(hypot(ex(x), ex(y)))),
                want,
                "hypot({x}, {y})"
            );
            for n in [-7i64, -3, -2, 3, 5] {
                if x < 0.0 && n % 2 == 0 {
                    continue;
                }
                let want =
                    mpfr_down_up(|r| Float::with_val_round(p, fl(x).root_i_ref(n as i32), r).0);
                assert_eq!(f64_down_up(value(rootn(ex(x), n))), want, "rootn({x}, {n})");
                let want = mpfr_down_up(|r| Float::with_val_round(p, (&fl(x)).pow(n as i32), r).0);
                assert_eq!(f64_down_up(value(pown(ex(x), n))), want, "pown({x}, {n})");
            }
        }
    }

    #[test]
    fn far_and_near_one() {
        let tiny = 5e-324;
        let below_one = 1.0 - f64::EPSILON / 2.0;
        let above_one = 1.0 + f64::EPSILON;
        assert_eq!(f64_down_up(value(pown(ex(2.0), i64::MIN))), (0.0, tiny));
        assert_eq!(
            f64_down_up(value(pown(ex(-2.0), i64::MAX))),
            (f64::NEG_INFINITY, -f64::MAX)
        );
        assert_eq!(
            f64_down_up(value(rootn(ex(2.0), i64::MAX))),
            (1.0, above_one)
        );
        assert_eq!(
            f64_down_up(value(rootn(ex(2.0), i64::MIN))),
            (below_one, 1.0)
        );
        assert_eq!(
            f64_down_up(value(pow(ex(2.0), ex(-1e-300)))),
            (below_one, 1.0)
        );
        assert_eq!(f64_down_up(value(pow(ex(0.5), ex(1e300)))), (0.0, tiny));
        assert_eq!(
            f64_down_up(value(hypot(ex(1.0), ex(1e-30)))),
            (1.0, above_one)
        );
    }

    #[test]
    fn special_values() {
        let (nan, inf) = (f64::NAN, f64::INFINITY);
        let is = exact;
        let one = ex(1.0);
        is(pow(ex(nan), ex(-0.0)), one);
        is(pow(ex(1.0), ex(nan)), one);
        is(pow(ex(-1.0), ex(-inf)), one);
        is(pow(ex(-0.0), ex(-inf)), ex(inf));
        is(pow(ex(-0.0), ex(3.0)), ex(-0.0));
        is(pow(ex(-0.0), ex(0.5)), ex(0.0));
        is(pow(ex(-inf), ex(-3.0)), ex(-0.0));
        is(pow(ex(-inf), ex(0.5)), ex(inf));
        is(pow(ex(-0.5), ex(-inf)), ex(inf));
        is(pow(ex(-2.0), ex(-inf)), ex(0.0));
        assert_eq!(out(pow(ex(-0.0), ex(-3.0))), div(true));
        assert_eq!(out(pow(ex(-0.0), ex(-0.5))), div(false));
        assert_eq!(out(pow(ex(-2.0), ex(0.5))), INVALID);
        is(pown(ex(nan), 0), one);
        assert_eq!(out(pown(ex(-0.0), -2)), div(false));
        assert_eq!(out(rootn(ex(nan), 0)), INVALID);
        assert_eq!(out(rootn(ex(-4.0), 2)), INVALID);
        assert_eq!(out(rootn(ex(-inf), -2)), INVALID);
        is(rootn(ex(-inf), -3), ex(-0.0));
        is(rootn(ex(-0.0), 2), ex(0.0));
        assert_eq!(out(rootn(ex(-0.0), -3)), div(true));
        assert_eq!(out(rsqrt(ex(-0.0))), div(true));
        assert_eq!(out(rsqrt(ex(-1.0))), INVALID);
        is(rsqrt(ex(inf)), ex(0.0));
        is(hypot(ex(nan), ex(-inf)), ex(inf));
        is(hypot(ex(-0.0), ex(-0.0)), ex(0.0));
        is(hypot(ex(-3.0), ex(0.0)), ex(3.0));
    }
}
