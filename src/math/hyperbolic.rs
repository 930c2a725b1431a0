//! sinh, cosh, tanh, asinh, acosh and atanh.
//!
//! Every kernel runs on |x| and restores the sign of the odd functions, and is written
//! so that no subtraction cancels:
//!
//! - with E = e^|x| − 1 (the expm1 kernel, exact in relative terms for small |x|),
//!   sinh |x| = (E + E/(E + 1))/2 and cosh x = 1 + E²/(2(E + 1));
//! - with E = e^(2|x|) − 1, tanh |x| = E/(E + 2);
//! - asinh |x| = ln(1 + t), t = |x| + x²/(1 + √(1 + x²));
//! - acosh x = ln(1 + t), t = d + √(d(2 + d)) with d = x − 1 ≥ 0;
//! - atanh |x| = the atanh series of |x| for |x| ≤ 1/4, else ln(1 + 2|x|/(1 − |x|))/2.
//!
//! The logarithms are the log1p kernel, which works from the exponent of its argument,
//! so asinh and acosh of arguments far beyond binary64's range cost what they cost at 2.
//! Below 2^−130 the values are decided by which side of x (or of 1) they lie on, and
//! sinh, cosh beyond 2^21 and tanh beyond 64 by their overflow or their distance to 1.

use super::Unary;
use super::exp::{expm1_iv, lead, unit};
use super::iv::Iv;
use super::log::{atanh_series, log_iv, log1p_iv};
use super::ziv::{self, Kernel, beside, mp_of};
use crate::float::arith::Outcome;
use crate::float::{Exact, Finite};
use core::cmp::Ordering;

/// The hyperbolic function or its inverse at an exact argument.
pub(super) fn eval(f: Unary, x: Exact) -> Outcome {
    let one = Exact::from_i128(1);
    let v = match x {
        Exact::Nan { .. } => return Outcome::Value(x),
        Exact::Inf { negative } => {
            return match f {
                Unary::Cosh => Outcome::Value(Exact::Inf { negative: false }),
                Unary::Tanh => Outcome::Value(Exact::from_i128(if negative { -1 } else { 1 })),
                Unary::Acosh if !negative => Outcome::Value(x),
                Unary::Acosh | Unary::Atanh => Outcome::Invalid,
                _ => Outcome::Value(x),
            };
        }
        Exact::Finite(v) if v.sig != 0 => v,
        _ => {
            // ±0 (a zero significand is zero whatever its sign).
            return match f {
                Unary::Cosh => Outcome::Value(one),
                Unary::Acosh => Outcome::Invalid,
                _ => Outcome::Value(x),
            };
        }
    };
    let lead = lead(&v);
    match f {
        Unary::Acosh => match x.cmp_value(&one) {
            Some(Ordering::Less) => return Outcome::Invalid,
            Some(Ordering::Equal) => return Outcome::Value(Exact::Zero { negative: false }),
            _ => {}
        },
        Unary::Atanh => {
            let abs = Exact::Finite(Finite {
                negative: false,
                ..v
            });
            match abs.cmp_value(&one) {
                Some(Ordering::Greater) => return Outcome::Invalid,
                Some(Ordering::Equal) => {
                    return Outcome::DivByZero {
                        negative: v.negative,
                    };
                }
                _ => {}
            }
        }
        _ => {}
    }
    if lead < -130 && f != Unary::Acosh {
        // |x| < 2^−130: sinh x = x + x³/6 + …, atanh x = x + x³/3 + … lie a hair beyond
        // x; tanh x = x − x³/3 + …, asinh x = x − x³/6 + … a hair inside it (the next
        // terms are below 2^−260 |x|, far inside one 126-bit unit); cosh x = 1 + x²/2 + …
        // a hair above 1.
        return Outcome::Value(match f {
            Unary::Cosh => beside(&unit(false), true),
            Unary::Sinh | Unary::Atanh => beside(&v, true),
            _ => beside(&v, false),
        });
    }
    match f {
        Unary::Sinh | Unary::Cosh if lead >= 21 => {
            // |x| ≥ 2^21: e^|x|/2 > 2^(3·10⁶), far beyond every format's range.
            let negative = f == Unary::Sinh && v.negative;
            return Outcome::Value(ziv::finite(negative, 1, i64::MAX / 4, true));
        }
        Unary::Tanh if lead >= 6 => {
            // |x| ≥ 64: 1 − tanh |x| = 2/(e^(2|x|) + 1) < 2e^−128 < 2^−184, a hair
            // inside ±1.
            return Outcome::Value(beside(&unit(v.negative), false));
        }
        _ => {}
    }
    Outcome::Value(ziv::evaluate(&HyperbolicKernel { f, x: v }))
}

struct HyperbolicKernel {
    f: Unary,
    x: Finite,
}

impl Kernel for HyperbolicKernel {
    fn enclose<const N: usize>(&self) -> Option<Iv<N>> {
        let a: Iv<N> = Iv::point(mp_of(&self.x)).abs();
        let one = Iv::int(1);
        let r = match self.f {
            Unary::Sinh => {
                let e = expm1_iv(&a)?;
                e.add(&e.div(&e.add(&one))).scale(-1)
            }
            Unary::Cosh => {
                let e = expm1_iv(&a)?;
                one.add(&e.sqr().div(&e.add(&one)).scale(-1))
            }
            Unary::Tanh => {
                let e = expm1_iv(&a.scale(1))?;
                e.div(&e.add(&Iv::int(2)))
            }
            Unary::Asinh => {
                let s = a.sqr();
                let t = a.add(&s.div(&one.add(&one.add(&s).sqrt())));
                ln_1p(&t)?
            }
            Unary::Acosh => {
                // x > 1 here: d > 0, and √(d(2 + d)) > 0.
                let d = Iv::point(mp_of(&self.x)).sub(&one);
                let t = d.add(&d.mul(&d.add(&Iv::int(2))).sqrt());
                return ln_1p(&t);
            }
            _ => {
                // |x| < 1 here.
                if a.hi.lead() < -2 {
                    atanh_series(&a)
                } else {
                    let t = a.scale(1).div(&one.sub(&a));
                    ln_1p(&t)?.scale(-1)
                }
            }
        };
        Some(if self.x.negative && self.f != Unary::Cosh {
            r.neg()
        } else {
            r
        })
    }
}

/// ln(1 + t) for t ≥ 0: one logarithm of the enclosure of 1 + t from 1/4 on (the log1p
/// kernel would take the logarithm of each end's enclosure, twice the work).
fn ln_1p<const N: usize>(t: &Iv<N>) -> Option<Iv<N>> {
    if t.is_pos() && t.lo.lead() >= -2 {
        log_iv(&t.add(&Iv::int(1)))
    } else {
        log1p_iv(t)
    }
}
