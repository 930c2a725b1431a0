//! log, log2, log10 and log1p.
//!
//! The kernel writes x = m · 2^e with m in [1/√2, √2) and sums
//! ln m = 2 atanh z = 2 Σ z^(2i+1)/(2i+1), z = (m − 1)/(m + 1), |z| < 0.172, with its tail
//! bound; ln x = e · ln 2 + ln m. log1p below 1/4 uses z = x/(2 + x), so tiny arguments
//! keep their relative precision. log2 and log10 divide by ln 2 and ln 10, except at
//! powers of two and ten, where they are exact integers.

use super::Unary;
use super::consts::{LN2, LN10};
use super::exp::lead;
use super::iv::Iv;
use super::mp::Mp;
use super::ziv::{self, Kernel, beside, mp_of};
use crate::float::arith::Outcome;
use crate::float::{Exact, Finite};

/// ln x, log₂ x, log₁₀ x or ln(1 + x) at an exact argument.
pub(super) fn eval(f: Unary, x: Exact) -> Outcome {
    let v = match x {
        Exact::Nan { .. } => return Outcome::Value(x),
        Exact::Inf { negative: false } => return Outcome::Value(x),
        Exact::Inf { negative: true } => return Outcome::Invalid,
        Exact::Zero { .. } if f == Unary::Log1p => return Outcome::Value(x),
        Exact::Zero { .. } => return Outcome::DivByZero { negative: true },
        Exact::Finite(v) => v,
    };
    if f == Unary::Log1p {
        let minus_one = Exact::from_i128(-1);
        match x.cmp_value(&minus_one) {
            Some(core::cmp::Ordering::Less) => return Outcome::Invalid,
            Some(core::cmp::Ordering::Equal) => return Outcome::DivByZero { negative: true },
            _ => {}
        }
        if lead(&v) < -130 {
            // ln(1 + x) = x − x²/2 + …: a hair below x.
            return Outcome::Value(beside(&v, v.negative));
        }
        return Outcome::Value(ziv::evaluate(&LogKernel { f, x: v }));
    }
    if v.negative {
        return Outcome::Invalid;
    }
    if let Some(k) = exact_log(f, &v) {
        return Outcome::Value(Exact::from_i128(k as i128));
    }
    Outcome::Value(ziv::evaluate(&LogKernel { f, x: v }))
}

/// The exact integer results: ln 1 = 0, log₂ 2^k = k, log₁₀ 10^k = k.
fn exact_log(f: Unary, x: &Finite) -> Option<i64> {
    let tz = x.sig.trailing_zeros();
    let odd = x.sig >> tz;
    let e = x.exp as i64 + tz as i64;
    match f {
        Unary::Log if odd == 1 && e == 0 => Some(0),
        Unary::Log2 if odd == 1 => Some(e),
        Unary::Log10 if e >= 0 => {
            // 10^k = 5^k · 2^k.
            let mut p: u128 = 1;
            for k in 0..=e.min(55) {
                if p == odd && k == e {
                    return Some(k);
                }
                p = p.checked_mul(5)?;
            }
            None
        }
        _ => None,
    }
}

struct LogKernel {
    f: Unary,
    x: Finite,
}

impl Kernel for LogKernel {
    fn enclose<const N: usize>(&self) -> Option<Iv<N>> {
        let x: Mp<N> = mp_of(&self.x);
        match self.f {
            Unary::Log => log_point(&x),
            Unary::Log2 => Some(log_point(&x)?.div(&LN2.iv())),
            Unary::Log10 => Some(log_point(&x)?.div(&LN10.iv())),
            _ => log1p_iv(&Iv::point(x)),
        }
    }
}

/// An enclosure of ln t for every t in the enclosure (t > 0).
pub(super) fn log_iv<const N: usize>(t: &Iv<N>) -> Option<Iv<N>> {
    if !t.is_pos() {
        return None;
    }
    if t.lo == t.hi {
        return log_point(&t.lo);
    }
    Some(Iv::new(log_point(&t.lo)?.lo, log_point(&t.hi)?.hi))
}

/// √2 · 2^63, rounded down: the split of [1, 2) into [1, √2) and [√2, 2).
const SQRT2_TOP: u64 = 0xB504_F333_F9DE_6484;

fn log_point<const N: usize>(x: &Mp<N>) -> Option<Iv<N>> {
    if x.is_zero() || x.neg {
        return None;
    }
    let mut e = x.lead();
    let mut m = x.scale(-e); // in [1, 2)
    if m.sig[N - 1] > SQRT2_TOP {
        e += 1;
        m = m.scale(-1);
    }
    let one = Iv::int(1);
    let m = Iv::point(m);
    let z = m.sub(&one).div(&m.add(&one));
    let s = atanh_series(&z);
    Some(LN2.iv::<N>().mul_int(e).add(&s.scale(1)))
}

/// An enclosure of ln(1 + t) for every t in the enclosure (t > −1).
pub(super) fn log1p_iv<const N: usize>(t: &Iv<N>) -> Option<Iv<N>> {
    if t.lo == t.hi {
        return log1p_point(&t.lo);
    }
    Some(Iv::new(log1p_point(&t.lo)?.lo, log1p_point(&t.hi)?.hi))
}

fn log1p_point<const N: usize>(x: &Mp<N>) -> Option<Iv<N>> {
    if x.is_zero() {
        return Some(Iv::int(0));
    }
    if x.lead() >= -2 {
        // |x| ≥ 1/4: ln of 1 + x, which loses nothing that matters.
        return log_iv(&Iv::point(*x).add(&Iv::int(1)));
    }
    let x = Iv::point(*x);
    let z = x.div(&x.add(&Iv::int(2)));
    Some(atanh_series(&z).scale(1))
}

/// Σ z^(2i+1)/(2i+1) = atanh z for |z| ≤ 1/4, with its tail.
pub(super) fn atanh_series<const N: usize>(z: &Iv<N>) -> Iv<N> {
    let w = z.sqr();
    let mut sum = *z;
    let mut p = *z;
    let zl = z.mag().lead();
    let eps = Mp::<N>::BITS + 8 - zl;
    for i in 1..100_000i64 {
        p = p.mul(&w);
        let m = p.mag();
        if m.is_zero() || m.lead() < -eps {
            // The rest is at most |p| / (1 − w) < 2|p|.
            return sum.widen(&m.scale(1));
        }
        sum = sum.add(&p.div_int(2 * i + 1));
    }
    sum
}
