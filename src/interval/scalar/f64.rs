//! `f64` bounds: the host's round-to-nearest result and its exact error by an
//! error-free transformation, then one step to the neighbouring float when the error
//! points the rounding's way; the exact core ([`FloatFormat::FP64`]) where those
//! transformations are not exact.

use core::cmp::Ordering;

use super::codes::{mid_code, normalize};
use super::{Dir, Ext, IEEE, Scalar, StaticScalar};
use crate::float::{Exact, FloatFormat};
use crate::rounding::{NoRandom, Round, Rounding, StatusAnd};

/// The next `f64` above a non-NaN `x` (+∞ stays, −∞ gives −max).
#[inline(always)]
fn next_up_f64(x: f64) -> f64 {
    let b = x.to_bits();
    if x == 0.0 {
        f64::from_bits(1)
    } else if b >> 63 == 0 {
        // Positive: the next code up, except +∞ (0x7FF0…) which stays.
        if x == f64::INFINITY {
            x
        } else {
            f64::from_bits(b + 1)
        }
    } else {
        // Negative magnitudes shrink toward −0; −∞'s code minus one is −max.
        f64::from_bits(b - 1)
    }
}

/// The next `f64` below a non-NaN `x`.
#[cfg(feature = "std")]
#[inline(always)]
fn next_down_f64(x: f64) -> f64 {
    -next_up_f64(-x)
}

/// 2^995: below it, Veltkamp splitting ((2^27 + 1)·a) and the partial products of
/// TwoProduct cannot overflow.
const SPLIT_MAX: f64 = f64::from_bits((1023 + 995) << 52);
/// 2^−969 = 2^(−1022 + 53): at or above it, a product's rounding error is an `f64`
/// (no underflow of the error term).
const ERR_MIN: f64 = f64::from_bits((1023 - 969) << 52);

/// Knuth's TwoSum error: with s = fl(a + b) finite, a + b = s + e exactly.
#[inline(always)]
pub(super) fn two_sum_err(a: f64, b: f64, s: f64) -> f64 {
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

/// The exact error a·b − p of p = fl(a·b), for |a|, |b| < 2^995 and |p| ≥ 2^−969.
#[inline(always)]
fn two_prod_err(a: f64, b: f64, p: f64) -> f64 {
    #[cfg(all(feature = "std", target_feature = "fma"))]
    {
        a.mul_add(b, -p)
    }
    #[cfg(not(all(feature = "std", target_feature = "fma")))]
    {
        // Veltkamp: a = ah + al with ah on 26 bits, al on 27; Dekker's product of the
        // halves is exact term by term.
        const C: f64 = 134_217_729.0; // 2^27 + 1
        let t = C * a;
        let ah = t - (t - a);
        let al = a - ah;
        let t = C * b;
        let bh = t - (t - b);
        let bl = b - bh;
        ((ah * bh - p) + ah * bl + al * bh) + al * bl
    }
}

/// The exact core's result on f64 bit patterns.
#[inline(never)]
fn core_f64(op: impl FnOnce(&FloatFormat, &mut NoRandom) -> StatusAnd<u64>) -> f64 {
    f64::from_bits(op(&FloatFormat::FP64, &mut NoRandom).value)
}

/// a + b rounded up.
#[inline(always)]
fn add_up_f64(a: f64, b: f64) -> f64 {
    let s = a + b;
    if s.is_finite() {
        if two_sum_err(a, b, s) > 0.0 {
            next_up_f64(s)
        } else {
            s
        }
    } else if s == f64::NEG_INFINITY && a.is_finite() && b.is_finite() {
        -f64::MAX // a finite sum below −max rounds up to −max
    } else {
        s
    }
}

/// a × b rounded up.
#[inline(always)]
fn mul_up_f64(a: f64, b: f64) -> f64 {
    let p = a * b;
    let ap = p.abs();
    if (ERR_MIN..=f64::MAX).contains(&ap) && a.abs() < SPLIT_MAX && b.abs() < SPLIT_MAX {
        if two_prod_err(a, b, p) > 0.0 {
            next_up_f64(p)
        } else {
            p
        }
    } else if !a.is_finite() || !b.is_finite() || a == 0.0 || b == 0.0 {
        p // exact: an infinite or zero factor
    } else {
        core_f64(|f, r| {
            f.mul_with(
                a.to_bits(),
                b.to_bits(),
                Round::new(Rounding::TowardPositive, IEEE),
                r,
            )
        })
    }
}

/// a ÷ b rounded up.
#[inline(always)]
fn div_up_f64(a: f64, b: f64) -> f64 {
    let q = a / b;
    let aq = q.abs();
    if (ERR_MIN..=f64::MAX).contains(&aq)
        && aq < SPLIT_MAX
        && b.abs() < SPLIT_MAX
        && (ERR_MIN..=f64::MAX).contains(&a.abs())
    {
        // r = a − q·b exactly: q·b = P + E (TwoProduct), a − P is exact (Sterbenz: P is
        // within a factor 2 of a), and r is representable, so (a − P) − E is exact.
        // a/b − q = r/b has the sign of r·b.
        let pq = q * b;
        let r = (a - pq) - two_prod_err(q, b, pq);
        if (r > 0.0) == (b > 0.0) && r != 0.0 {
            next_up_f64(q)
        } else {
            q
        }
    } else if !a.is_finite() || !b.is_finite() || a == 0.0 || b == 0.0 {
        q // exact: ∞/x, x/∞, 0/x (x/0 is never asked)
    } else {
        core_f64(|f, r| {
            f.div_with(
                a.to_bits(),
                b.to_bits(),
                Round::new(Rounding::TowardPositive, IEEE),
                r,
            )
        })
    }
}

/// √a rounded in `dir` (a ≥ 0).
#[inline]
fn sqrt_f64(a: f64, dir: Dir) -> f64 {
    #[cfg(feature = "std")]
    {
        let s = a.sqrt();
        if (ERR_MIN..SPLIT_MAX).contains(&s) {
            // s·s − a exactly: s·s = P + E with P within a factor 2 of a.
            let p = s * s;
            let d = (p - a) + two_prod_err(s, s, p);
            return match dir {
                Dir::Up if d < 0.0 => next_up_f64(s),
                Dir::Down if d > 0.0 => next_down_f64(s),
                _ => s,
            };
        }
    }
    core_f64(|f, r| f.sqrt_with(a.to_bits(), Round::new(dir.rounding(), IEEE), r))
}

impl Scalar for f64 {
    type Value = f64;
    type Bound = f64;
    type Format = ();

    #[inline(always)]
    fn neg_inf(_: &()) -> f64 {
        f64::NEG_INFINITY
    }
    #[inline(always)]
    fn pos_inf(_: &()) -> f64 {
        f64::INFINITY
    }
    #[inline(always)]
    fn bound(_: &(), v: f64) -> Option<f64> {
        if v.is_nan() { None } else { Some(v) }
    }
    #[inline(always)]
    fn value(_: &(), b: f64) -> f64 {
        b
    }
    #[inline(always)]
    fn cmp(_: &(), a: f64, b: f64) -> Ordering {
        a.partial_cmp(&b).unwrap_or(Ordering::Equal)
    }
    #[inline(always)]
    fn lt(_: &(), a: f64, b: f64) -> bool {
        a < b
    }
    #[inline(always)]
    fn le(_: &(), a: f64, b: f64) -> bool {
        a <= b
    }
    #[inline(always)]
    fn sign(_: &(), a: f64) -> Ordering {
        a.partial_cmp(&0.0).unwrap_or(Ordering::Equal)
    }
    #[inline(always)]
    fn is_finite(_: &(), a: f64) -> bool {
        a.is_finite()
    }
    #[inline(always)]
    fn neg(_: &(), a: f64, _: Dir) -> f64 {
        -a
    }
    #[inline(always)]
    fn add(_: &(), a: f64, b: f64, dir: Dir) -> f64 {
        match dir {
            Dir::Up => add_up_f64(a, b),
            Dir::Down => -add_up_f64(-a, -b),
        }
    }
    #[inline(always)]
    fn sub(_: &(), a: f64, b: f64, dir: Dir) -> f64 {
        match dir {
            Dir::Up => add_up_f64(a, -b),
            Dir::Down => -add_up_f64(-a, b),
        }
    }
    #[inline(always)]
    fn mul(_: &(), a: f64, b: f64, dir: Dir) -> f64 {
        match dir {
            Dir::Up => mul_up_f64(a, b),
            Dir::Down => -mul_up_f64(-a, b),
        }
    }
    #[inline(always)]
    fn div(_: &(), a: f64, b: f64, dir: Dir) -> f64 {
        match dir {
            Dir::Up => div_up_f64(a, b),
            Dir::Down => -div_up_f64(-a, b),
        }
    }
    fn fma(_: &(), a: f64, b: f64, c: f64, dir: Dir) -> f64 {
        core_f64(|f, r| {
            f.fma_with(
                a.to_bits(),
                b.to_bits(),
                c.to_bits(),
                Round::new(dir.rounding(), IEEE),
                r,
            )
        })
    }
    #[inline]
    fn sqrt(_: &(), a: f64, dir: Dir) -> f64 {
        sqrt_f64(a, dir)
    }
    fn mid(_: &(), a: f64, b: f64) -> f64 {
        // 2^−1021: halving is exact at and above it.
        const HALVE_EXACT: f64 = f64::from_bits(2 << 52);
        if a.abs() >= HALVE_EXACT && b.abs() >= HALVE_EXACT {
            // Both halves are exact, so the sum is the one rounding.
            a * 0.5 + b * 0.5
        } else {
            core_f64(|f, r| mid_code(f, a.to_bits(), b.to_bits(), r))
        }
    }
    fn to_exact(_: &(), a: f64) -> Exact {
        Exact::from_f64(a)
    }
    fn from_exact(_: &(), x: Exact, mode: Rounding) -> f64 {
        let f = FloatFormat::FP64;
        let r = f.round(x, Round::new(mode, IEEE), &mut NoRandom);
        match normalize(&f, r, mode) {
            Ext::NegInf => f64::NEG_INFINITY,
            Ext::PosInf => f64::INFINITY,
            Ext::Finite(c) => f64::from_bits(c),
        }
    }
    fn max_finite(_: &()) -> f64 {
        f64::MAX
    }
    fn zero(_: &(), _: Dir) -> f64 {
        0.0
    }
    fn precision(_: &()) -> u32 {
        53
    }
}

impl StaticScalar for f64 {
    const FORMAT: () = ();
}
