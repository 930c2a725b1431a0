//! sin, cos and tan.
//!
//! The kernel reduces the argument modulo π/2 by the Payne–Hanek method: for
//! x = m · 2^e (m an odd integer of at most 128 bits), x · 2/π modulo 4 only needs the bits
//! of 2/π whose products with m are not multiples of 4, from weight about 2^(2−e) down
//! to the fraction's working precision. Those bits come from the 3,072-bit 2/π of
//! [`consts`](super::consts); their product with m is an exact integer, and the bits of 2/π
//! left out below the window add a tail of less than 2^−(64N + 200), which the enclosure
//! carries. That gives x · 2/π = 4k + q + u with the quadrant q and |u| ≤ 1/2 (plus the
//! tail), and x ≡ q · π/2 + t (mod 2π) with t = u · π/2, |t| ≤ π/4. sin t and cos t are
//! Taylor series with their tail bounds; tan is their quotient.
//!
//! The 3,072 bits reach arguments below 2^1536, far beyond binary64 (2^1024). Larger
//! arguments exist only in formats with a custom bias; their sin, cos and tan cannot be
//! reduced with these bits and are NaN with `invalid` (and their [`quadrant`] is 4, "not
//! known").

use super::Unary;
use super::atrig::quot;
use super::consts::{PI, TWO_OVER_PI};
use super::exp::{lead, unit};
use super::iv::Iv;
use super::mp::{Mp, window};
use super::ziv::{self, Kernel, beside, mp_of};
use crate::float::arith::Outcome;
use crate::float::{Exact, Finite};
use crate::interval::Dir::{Down, Up};

/// The largest exponent L of an argument's leading bit (|x| < 2^(L+1)) that the reduction
/// handles at every precision: the window of 2/π at 1,280 bits then starts at or above
/// its last stored bit.
const MAX_LEAD: i64 = 1536;

/// Bits of the reduced fraction kept beyond the working precision: room for the
/// cancellation when x lies close to a multiple of π/2 (in binary64 x · 2/π comes no
/// closer than about 2^−62 to an integer).
const GUARD: i64 = 200;

/// Limbs of the reduction's integers: the window of 2/π (at most 64 · 20 + 200 + 130 bits)
/// times a 128-bit significand.
const CAP: usize = 32;

/// sin x, cos x or tan x at an exact argument.
pub(super) fn eval(f: Unary, x: Exact) -> Outcome {
    let v = match x {
        Exact::Nan { .. } => return Outcome::Value(x),
        Exact::Inf { .. } => return Outcome::Invalid,
        Exact::Zero { .. } if f == Unary::Cos => return Outcome::Value(Exact::from_i128(1)),
        Exact::Zero { .. } => return Outcome::Value(x),
        Exact::Finite(v) => v,
    };
    if v.sig == 0 {
        return eval(
            f,
            Exact::Zero {
                negative: v.negative,
            },
        );
    }
    let l = lead(&v);
    if l < -130 {
        // sin x = x − x³/6 + …, tan x = x + x³/3 + …, cos x = 1 − x²/2 + … with
        // |x| < 2^−130: a hair inside x, outside x, below 1.
        return Outcome::Value(match f {
            Unary::Sin => beside(&v, false),
            Unary::Tan => beside(&v, true),
            _ => beside(&unit(false), false),
        });
    }
    if l > MAX_LEAD {
        return Outcome::Invalid;
    }
    Outcome::Value(ziv::evaluate(&TrigKernel { f, x: v }))
}

/// ⌊x / (π/2)⌋ mod 4 for a nonzero finite x, exactly: the quadrant that the
/// interval functions need to find the extrema of sin and cos inside an interval.
///
/// It is 4 ("not known") for |x| ≥ 2^1537, beyond the reach of the stored bits of 2/π
/// (such arguments occur only in formats with a custom bias). The sticky bit of `x` is
/// ignored.
pub(crate) fn quadrant(x: &crate::float::Finite) -> u8 {
    if x.sig == 0 {
        return 0;
    }
    let l = lead(x);
    if l < 0 {
        // 0 < |x| < 1 < π/2.
        return if x.negative { 3 } else { 0 };
    }
    if l > MAX_LEAD {
        return 4;
    }
    let (m, e) = odd_parts(x);
    for frac in [64 * 3 + GUARD, 64 * 20 + GUARD] {
        let Some(r) = reduce(m, e, frac) else {
            return 4;
        };
        // |x| · 2/π = 4k + q + u with u in [F · 2^−bits, F · 2^−bits + 2^−frac): the
        // floor is 4k + q unless the interval reaches the next integer.
        if r.below_next_integer() {
            // |x| · 2/π is never an integer: for x < 0 the floor of −|x| · 2/π is
            // −(4k + q) − 1.
            return if x.negative { 3 - r.q } else { r.q };
        }
    }
    4
}

/// The magnitude of a nonzero finite x as m · 2^e with m odd.
fn odd_parts(x: &Finite) -> (u128, i64) {
    let tz = x.sig.trailing_zeros();
    (x.sig >> tz, x.exp as i64 + tz as i64)
}

/// The reduction |x| · 2/π = 4k + q + u, u in [F · 2^−bits, F · 2^−bits + 2^−frac).
struct Reduced {
    /// q, in 0..4.
    q: u8,
    /// F, an integer of `bits` bits (little-endian limbs).
    frac: [u64; CAP],
    /// The number of fraction bits.
    bits: i64,
    /// The tail exponent: the left-out bits of 2/π add less than 2^−`tail`.
    tail: i64,
}

/// Reduces m · 2^e (m odd, nonzero) modulo 4 after multiplying by 2/π, keeping `frac`
/// bits of the fraction beyond the significand's own width; `None` when the stored bits
/// of 2/π do not reach that far.
fn reduce(m: u128, e: i64, frac: i64) -> Option<Reduced> {
    let width = 128 - m.leading_zeros() as i64;
    let total = 64 * TWO_OVER_PI.words.len() as i64; // 2/π = T · 2^−total
    // Bit k of T carries m · 2^(k + e − total): from k = total + 2 − e on, a multiple of 4.
    let k_hi = total.min(total + 2 - e);
    // Bits below k_lo are left out: they add less than m · 2^(k_lo + e − total)
    // ≤ 2^(width + k_lo + e − total) = 2^−frac.
    let k_lo = total - e - width - frac;
    if k_lo < 0 {
        return None;
    }
    let mut w = [0u64; CAP];
    let span = k_hi - k_lo;
    if span > 0 {
        let limbs = ((span + 63) / 64) as usize;
        if limbs + 2 > CAP {
            return None;
        }
        for (j, limb) in w.iter_mut().take(limbs).enumerate() {
            *limb = window(TWO_OVER_PI.words, k_lo + 64 * j as i64);
        }
        let top = (span % 64) as u32;
        if top != 0 {
            w[limbs - 1] &= (1u64 << top) - 1;
        }
    }
    // P = W · m, the value P · 2^(k_lo + e − total) = P · 2^−bits.
    let mut p = [0u64; CAP];
    for (i, &mi) in [m as u64, (m >> 64) as u64].iter().enumerate() {
        let mut carry: u128 = 0;
        for j in 0..CAP - 2 {
            let t = w[j] as u128 * mi as u128 + p[i + j] as u128 + carry;
            p[i + j] = t as u64;
            carry = t >> 64;
        }
        p[i + CAP - 2] = carry as u64;
    }
    let bits = width + frac;
    if bits + 2 > 64 * CAP as i64 {
        return None;
    }
    let q = (window(&p, bits) & 3) as u8;
    let mut out = [0u64; CAP];
    let full = (bits / 64) as usize;
    out[..full].copy_from_slice(&p[..full]);
    let r = (bits % 64) as u32;
    if r != 0 {
        out[full] = p[full] & ((1u64 << r) - 1);
    }
    Some(Reduced {
        q,
        frac: out,
        bits,
        tail: frac,
    })
}

impl Reduced {
    /// Whether F · 2^−bits + 2^−tail < 1, so that the integer part is q for sure.
    fn below_next_integer(&self) -> bool {
        // Add 2^(bits − tail) to F and see whether the sum reaches 2^bits.
        let mut s = self.frac;
        let pos = self.bits - self.tail;
        let mut idx = (pos / 64) as usize;
        let mut add = 1u64 << (pos % 64);
        while idx < CAP && add != 0 {
            let (v, c) = s[idx].overflowing_add(add);
            s[idx] = v;
            add = c as u64;
            idx += 1;
        }
        window(&s, self.bits) & 1 == 0
    }

    /// The quadrant q' and an enclosure of u' with |x| · 2/π ≡ q' + u' (mod 4),
    /// u' in [−1/2, 1/2] (plus the tail).
    fn centred<const N: usize>(&self) -> (u8, Iv<N>) {
        let eps = Mp::pow2(false, -self.tail);
        let half = (window(&self.frac, self.bits - 1) & 1) == 1;
        if !half {
            let lo = Mp::round(false, -self.bits, &self.frac, false, Down);
            let hi = Mp::round(false, -self.bits, &self.frac, false, Up);
            return (self.q, Iv::new(lo, Mp::add(&hi, &eps, Up)));
        }
        // u' = u − 1 = −(2^bits − F) · 2^−bits: the complement, computed exactly.
        let mut g = [0u64; CAP];
        let mut carry = true;
        for (gi, &fi) in g.iter_mut().zip(self.frac.iter()) {
            let (v, c) = (!fi).overflowing_add(carry as u64);
            *gi = v;
            carry = c;
        }
        let full = (self.bits / 64) as usize;
        let r = (self.bits % 64) as u32;
        for (i, gi) in g.iter_mut().enumerate() {
            if i > full || (i == full && r == 0) {
                *gi = 0;
            } else if i == full {
                *gi &= (1u64 << r) - 1;
            }
        }
        let lo = Mp::round(true, -self.bits, &g, false, Down);
        let hi = Mp::round(true, -self.bits, &g, false, Up);
        ((self.q + 1) & 3, Iv::new(lo, Mp::add(&hi, &eps, Up)))
    }
}

struct TrigKernel {
    f: Unary,
    x: Finite,
}

impl Kernel for TrigKernel {
    fn enclose<const N: usize>(&self) -> Option<Iv<N>> {
        let (q, t) = if lead(&self.x) < -1 {
            // |x| < 1/2 < π/4: no reduction.
            (0, Iv::point(mp_of::<N>(&self.x).abs()))
        } else {
            let (m, e) = odd_parts(&self.x);
            let r = reduce(m, e, Mp::<N>::BITS + GUARD)?;
            let (q, u) = r.centred::<N>();
            (q, u.mul(&PI.iv::<N>().scale(-1)))
        };
        // t may be negative: sin t = −sin |t|, cos t = cos |t|.
        let (tneg, t) = if t.lo.sign() != core::cmp::Ordering::Less {
            (false, t)
        } else if t.hi.sign() != core::cmp::Ordering::Greater {
            (true, t.neg())
        } else {
            return None;
        };
        let sin = |t: &Iv<N>| {
            let s = sin_series(t);
            if tneg { s.neg() } else { s }
        };
        let v = match (self.f, q) {
            (Unary::Sin, 0) | (Unary::Cos, 3) => sin(&t),
            (Unary::Sin, 1) | (Unary::Cos, 0) => cos_series(&t),
            (Unary::Sin, 2) | (Unary::Cos, 1) => sin(&t).neg(),
            (Unary::Sin, _) | (Unary::Cos, _) => cos_series(&t).neg(),
            (_, q) => {
                let (s, c) = (sin(&t), cos_series(&t));
                if q & 1 == 0 {
                    // tan t.
                    if !c.is_pos() {
                        return None;
                    }
                    quot(&s, &c)
                } else {
                    // tan(t + π/2) = −cot t.
                    if !(s.is_pos() || s.is_neg()) {
                        return None;
                    }
                    quot(&c, &s).neg()
                }
            }
        };
        // sin and tan are odd, cos even.
        Some(if self.x.negative && self.f != Unary::Cos {
            v.neg()
        } else {
            v
        })
    }
}

/// sin t = Σ (−1)^i t^(2i+1)/(2i+1)! for 0 ≤ t ≤ 1, with its tail.
fn sin_series<const N: usize>(t: &Iv<N>) -> Iv<N> {
    let m = t.mag();
    if m.is_zero() {
        return *t;
    }
    alternating(t, t, Mp::<N>::BITS + 8 - m.lead(), |i| {
        (2 * i) * (2 * i + 1)
    })
}

/// cos t = Σ (−1)^i t^(2i)/(2i)! for 0 ≤ t ≤ 1, with its tail.
fn cos_series<const N: usize>(t: &Iv<N>) -> Iv<N> {
    alternating(&Iv::int(1), t, Mp::<N>::BITS + 8, |i| (2 * i - 1) * (2 * i))
}

/// Σ (−1)^i a_i with a_0 = `first` and a_i = a_(i−1) · t²/d(i), summed until a term falls
/// below 2^−eps. For 0 ≤ t ≤ 1 and the divisors of sin and cos (≥ 2 · 3), the terms fall
/// by a factor of 6 or more, so the rest is at most 2|term|.
fn alternating<const N: usize>(
    first: &Iv<N>,
    t: &Iv<N>,
    eps: i64,
    d: impl Fn(i64) -> i64,
) -> Iv<N> {
    let w = t.sqr();
    let mut sum = *first;
    let mut term = *first;
    for i in 1..10_000i64 {
        term = term.mul(&w).div_int(d(i));
        let m = term.mag();
        if m.is_zero() || m.lead() < -eps {
            return sum.widen(&m.scale(1));
        }
        sum = if i % 2 == 1 {
            sum.sub(&term)
        } else {
            sum.add(&term)
        };
    }
    // Not reached (the terms fall below 2^−eps long before), but an enclosure anyway.
    Iv::new(Mp::from_i64(-1), Mp::from_i64(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::float::FloatFormat;
    use crate::rounding::{NoRandom, RandomBits};
    use rug::Float;

    fn finite(negative: bool, sig: u128, exp: i32) -> Finite {
        Finite {
            negative,
            sig,
            exp,
            sticky: false,
        }
    }

    /// ⌊x / (π/2)⌋ mod 4 by MPFR at 4,000 bits.
    fn mpfr_quadrant(x: &Finite) -> u8 {
        let p = 4000;
        let mut v = Float::with_val(p, x.sig) << x.exp;
        if x.negative {
            v = -v;
        }
        let half_pi = Float::with_val(p, rug::float::Constant::Pi) / 2u32;
        let q = (v / half_pi).floor();
        let r = q.to_integer().unwrap().mod_u(4);
        r as u8
    }

    /// The quadrant of small, moderate, huge, negative and near-multiple-of-π/2 arguments
    /// against MPFR; beyond the stored bits of 2/π it is 4.
    #[test]
    fn quadrant_matches_mpfr() {
        let mut rng = crate::SplitMix64::new(3);
        let mut xs = alloc::vec::Vec::new();
        for k in 1..400u64 {
            // The binary64 numbers around k · π/2.
            let v = k as f64 * core::f64::consts::FRAC_PI_2;
            for d in [-1i64, 0, 1] {
                let b = (v.to_bits() as i64 + d) as u64;
                xs.push(f64::from_bits(b));
            }
        }
        for _ in 0..3000 {
            let odd = (rng.next_u64() >> 11) | 1;
            let e = (rng.next_u64() % 1100) as i32 - 60;
            xs.push(odd as f64 * 2f64.powi(e - 52));
        }
        let h = core::f64::consts::FRAC_PI_2;
        xs.extend([
            f64::MAX,
            1e300,
            0.1,
            1.0,
            h,
            f64::from_bits(h.to_bits() + 1),
        ]);
        for x in xs {
            for neg in [false, true] {
                let Exact::Finite(mut f) = Exact::from_f64(x) else {
                    continue;
                };
                f.negative = neg;
                assert_eq!(quadrant(&f), mpfr_quadrant(&f), "{x:e} neg {neg}");
            }
        }
        // 128-bit significands at the top of the range.
        for _ in 0..200 {
            let sig = (rng.next_u64() as u128) << 64 | rng.next_u64() as u128 | 1 << 127;
            let f = finite(rng.next_u64() & 1 == 1, sig, 1536 - 127);
            assert_eq!(quadrant(&f), mpfr_quadrant(&f));
        }
        assert_eq!(quadrant(&finite(false, 1, 1537)), 4);
        assert_eq!(quadrant(&finite(true, 1, -3)), 3);
    }

    /// sin, cos and tan of arguments up to 2^1536 (a format with a lowered bias has them)
    /// against MPFR; beyond that they are NaN with `invalid`.
    #[test]
    fn far_arguments() {
        let mut rng = crate::SplitMix64::new(5);
        for i in 0..300 {
            let odd = ((rng.next_u64() >> 11) | 1) as u128;
            let exp = 1536 - 52 - (i % 400);
            let x = Exact::from_parts(i % 3 == 0, odd, exp);
            let mut xf = Float::with_val(53, odd) << exp;
            if i % 3 == 0 {
                xf = -xf;
            }
            for f in [Unary::Sin, Unary::Cos, Unary::Tan] {
                let Outcome::Value(e) = eval(f, x) else {
                    panic!("{f:?} {i}");
                };
                let got = FloatFormat::FP64.round(e, crate::Round::default(), &mut NoRandom);
                let want = match f {
                    Unary::Sin => Float::with_val(53, xf.sin_ref()),
                    Unary::Cos => Float::with_val(53, xf.cos_ref()),
                    _ => Float::with_val(53, xf.tan_ref()),
                };
                assert_eq!(f64::from_bits(got.value), want.to_f64(), "{f:?} {i}");
            }
        }
        let far = Exact::from_parts(false, 3, 1536);
        assert!(matches!(eval(Unary::Sin, far), Outcome::Invalid));
    }

    /// The exact and special cases.
    #[test]
    fn special_values() {
        let z = |negative| Exact::Zero { negative };
        let value = |o: Outcome| match o {
            Outcome::Value(v) => Some(v),
            _ => None,
        };
        assert_eq!(value(eval(Unary::Sin, z(true))), Some(z(true)));
        assert_eq!(value(eval(Unary::Tan, z(false))), Some(z(false)));
        assert_eq!(value(eval(Unary::Cos, z(true))), Some(Exact::from_i128(1)));
        for f in [Unary::Sin, Unary::Cos, Unary::Tan] {
            let inf = Exact::Inf { negative: true };
            assert!(matches!(eval(f, inf), Outcome::Invalid));
        }
    }
}
