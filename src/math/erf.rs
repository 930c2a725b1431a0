//! erf and erfc.
//!
//! erf |x| is the series of positive terms
//!
//! erf x = (2/√π) e^(−x²) Σ_{n≥0} 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
//!
//! whose term ratio 2x²/(2n + 3) falls below 1/2 once n > 2x², from where the rest of the
//! sum is at most twice its next term. erfc x is 1 + erf |x| for x < 0, and for x > 0
//! either 1 − erf x, which loses about x²·log₂ e bits to the subtraction, or the
//! asymptotic series
//!
//! erfc x = e^(−x²)/(x√π) · (Σ_{k<K} (−1)^k (2k − 1)!!/(2x²)^k + R_K),
//!
//! whose remainder is smaller in magnitude than its first omitted term (integrating by
//! parts K times, R_K = (−1)^K (2K − 1)!!/2^K · 2x e^(x²) ∫_x^∞ e^(−t²) t^(−2K) dt, and
//! the integral is below x^(−2K−1) ∫_x^∞ t e^(−t²) dt = e^(−x²)/(2x^(2K+1))). The series
//! is summed down to its smallest term, about e^(−x²), so it is accurate to about x²·log₂ e
//! bits: each precision takes whichever of the two keeps more bits.
//!
//! Past 9.5, erf |x| is a hair below 1 (erfc 9.5 < 2^−134); past 855, erfc x lies below
//! every format's finest quantum.

use super::Unary;
use super::consts::TWO_OVER_SQRT_PI;
use super::exp::{exp_iv, lead, unit};
use super::iv::Iv;
use super::mp::Mp;
use super::ziv::{self, Kernel, beside, mp_of};
use crate::float::arith::Outcome;
use crate::float::{Exact, Finite};
use core::cmp::Ordering;

/// erf x or erfc x at an exact argument.
pub(super) fn eval(f: Unary, x: Exact) -> Outcome {
    let erfc = f == Unary::Erfc;
    let v = match x {
        Exact::Nan { .. } => return Outcome::Value(x),
        Exact::Inf { negative } => {
            return Outcome::Value(match (erfc, negative) {
                (false, _) => Exact::from_i128(if negative { -1 } else { 1 }),
                (true, false) => Exact::Zero { negative: false },
                (true, true) => Exact::from_i128(2),
            });
        }
        Exact::Finite(v) if v.sig != 0 => v,
        _ => {
            return Outcome::Value(if erfc { Exact::from_i128(1) } else { x });
        }
    };
    let abs = Exact::Finite(Finite {
        negative: false,
        ..v
    });
    // erfc 9.5 < e^(−90.25)/(9.5√π) < 2^−134: erf |x| is a hair below 1 from here on.
    let near_one = abs.cmp_value(&Exact::from_parts(false, 19, -1)) != Some(Ordering::Less);
    if !erfc {
        if near_one {
            return Outcome::Value(beside(&unit(v.negative), false));
        }
        return Outcome::Value(ziv::evaluate(&ErfKernel { erfc, x: v }));
    }
    if lead(&v) < -130 {
        // erfc x = 1 − (2/√π)(x − x³/3 + …): a hair below 1 for x > 0, above for x < 0.
        return Outcome::Value(beside(&unit(false), v.negative));
    }
    if v.negative {
        if near_one {
            // 2 − erfc |x|, a hair below 2.
            let two = Finite {
                exp: 1,
                ..unit(false)
            };
            return Outcome::Value(beside(&two, false));
        }
        return Outcome::Value(ziv::evaluate(&ErfKernel { erfc, x: v }));
    }
    if abs.cmp_value(&Exact::from_i128(855)) != Some(Ordering::Less) {
        // erfc x < e^(−x²)/(x√π) < e^(−731025) < 2^(−1054653) for x ≥ 855: below
        // 2^−FAR_EXPONENT, where every format sees the same tiny positive value.
        return Outcome::Value(ziv::finite(false, 1, -i64::MAX / 4, true));
    }
    Outcome::Value(ziv::evaluate(&ErfKernel { erfc, x: v }))
}

struct ErfKernel {
    erfc: bool,
    x: Finite,
}

impl Kernel for ErfKernel {
    fn enclose<const N: usize>(&self) -> Option<Iv<N>> {
        let a: Iv<N> = Iv::point(mp_of(&self.x)).abs();
        let one = Iv::int(1);
        if !self.erfc {
            let r = erf_iv(&a)?;
            return Some(if self.x.negative { r.neg() } else { r });
        }
        if self.x.negative {
            return Some(one.add(&erf_iv(&a)?));
        }
        // x > 0. The subtraction keeps about BITS − 1.4427 x² bits, the asymptotic series
        // about 1.4427 x²: the series when 2.886 x² > BITS. When neither keeps the 126
        // bits of a decision with some room, this precision is skipped.
        let xf = a.hi.to_f64();
        let lost = core::f64::consts::LOG2_E * xf * xf;
        let bits = Mp::<N>::BITS as f64;
        if lost.max(bits - lost) < 150.0 {
            return None;
        }
        if 2.0 * lost > bits {
            erfc_asymptotic(&a)
        } else {
            Some(one.sub(&erf_iv(&a)?))
        }
    }
}

/// An enclosure of erf a for a point a > 0.
fn erf_iv<const N: usize>(a: &Iv<N>) -> Option<Iv<N>> {
    let s = a.sqr();
    let s2 = s.scale(1);
    // Once 2n + 3 ≥ 4x², every later term ratio 2x²/(2n + 3) is at most 1/2.
    let settled = 4.0 * s.hi.to_f64() * 1.001 + 1.0;
    let mut sum = *a;
    let mut term = *a;
    let eps = Mp::<N>::BITS + 8;
    for n in 1..100_000i64 {
        term = term.mul(&s2).div_int(2 * n + 1);
        let m = term.hi;
        if (2 * n + 3) as f64 >= settled && m.lead() < sum.lo.lead() - eps {
            // The terms from n on sum to less than 2·term_n; all are positive.
            let sum = Iv::new(
                sum.lo,
                Mp::add(&sum.hi, &m.scale(1), crate::interval::Dir::Up),
            );
            let e = exp_iv(&s.neg())?;
            return Some(TWO_OVER_SQRT_PI.iv::<N>().mul(&e).mul(&sum));
        }
        sum = sum.add(&term);
    }
    None
}

/// An enclosure of erfc a for a point a ≥ 1 by the asymptotic series, summed until its
/// terms fall below 2^−(BITS + 8) or stop decreasing.
fn erfc_asymptotic<const N: usize>(a: &Iv<N>) -> Option<Iv<N>> {
    let s2 = a.sqr().scale(1);
    let mut sum = Iv::int(1);
    let mut term = Iv::int(1);
    let eps = Mp::<N>::BITS + 8;
    for k in 1..2_000_000i64 {
        // The ratio of |term_k| to |term_(k−1)| is (2k − 1)/(2x²).
        term = term.mul_int(-(2 * k - 1)).div(&s2);
        let m = term.mag();
        let growing = Mp::from_i64(2 * k + 1).cmp(&s2.lo) != Ordering::Less;
        if m.lead() < -eps || growing {
            // The remainder after term_(k−1) is smaller in magnitude than term_k.
            let sum = sum.widen(&m);
            let e = exp_iv(&a.sqr().neg())?;
            let c = TWO_OVER_SQRT_PI.iv::<N>().scale(-1);
            return Some(c.mul(&e).div(a).mul(&sum));
        }
        sum = sum.add(&term);
    }
    None
}
