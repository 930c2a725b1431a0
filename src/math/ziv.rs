//! Ziv's strategy: evaluate an enclosure of the value, and when it is too wide to decide
//! the rounding, evaluate again at a higher precision.
//!
//! A value is decided once it is known to [`RESOLVED`] = 126 bits with a sticky bit: as
//! the [`Exact`] T + ε (0 < ε < 1 unit of T's last bit), or exactly. That stands in for
//! the true value in every rounding of every format: a format has at most 53 bits of
//! precision and stochastic rounding reads 64 bits below them, 117 bits in all, and no
//! rounding boundary of that fineness lies strictly inside (T, T + 1). So one decision
//! serves every format and mode, and the rounding itself stays the crate's one rounding
//! step, [`FloatFormat::round`](crate::FloatFormat::round).
//!
//! The precisions are 192, 512 and 1,280 bits. The third is reached by the exact-looking
//! cases only: values within 2^−180 of a 126-bit number, such as 10^−k or 3^−40 or
//! erfc(20). A value that is still undecided at 1,280 bits would have to lie within
//! about 2^−1,200 of such a number without being it; the kernels detect the values that
//! are such numbers (exact results, and the tiny-argument cases where the value is a
//! hair away from the argument or from 1) before they get here.

use super::iv::Iv;
use super::mp::Mp;
use crate::float::{Exact, FAR_EXPONENT, Finite};

/// The bits to which every value is resolved.
pub(crate) const RESOLVED: u32 = 126;

/// A function evaluation: an enclosure of its value at any precision.
pub(crate) trait Kernel {
    /// An enclosure [lo, hi] of the value, strict (lo < value < hi) unless lo = hi, in
    /// which case it is the value. `None` when this precision cannot produce one.
    fn enclose<const N: usize>(&self) -> Option<Iv<N>>;
}

/// The value of a kernel, decided to [`RESOLVED`] bits.
pub(crate) fn evaluate(k: &impl Kernel) -> Exact {
    if let Some(e) = k.enclose::<3>().and_then(|iv| decide(&iv)) {
        return e;
    }
    if let Some(e) = k.enclose::<8>().and_then(|iv| decide(&iv)) {
        return e;
    }
    match k.enclose::<20>() {
        Some(iv) => decide(&iv).unwrap_or_else(|| exact_of(&iv.lo)),
        None => Exact::Nan { negative: false },
    }
}

/// The decision of an enclosure, if it allows one.
pub(crate) fn decide<const N: usize>(iv: &Iv<N>) -> Option<Exact> {
    let (lo, hi) = (iv.lo, iv.hi);
    if lo == hi {
        return Some(exact_of(&lo));
    }
    if lo.is_zero() || hi.is_zero() || lo.neg != hi.neg {
        return None;
    }
    let negative = lo.neg;
    // The magnitude lies strictly between a and b.
    let (a, b) = if negative {
        (hi.abs(), lo.abs())
    } else {
        (lo, hi)
    };
    let (ta, ea, _) = a.truncate(RESOLVED);
    let (tb, eb, inexact) = b.truncate(RESOLVED);
    // The largest 126-bit number strictly below b.
    let (tb, eb) = if inexact {
        (tb, eb)
    } else if tb == 1 << (RESOLVED - 1) {
        ((1 << RESOLVED) - 1, eb - 1)
    } else {
        (tb - 1, eb)
    };
    (ta == tb && ea == eb).then(|| finite(negative, ta, ea, true))
}

/// An exact `Mp` value as an [`Exact`] (truncated with a sticky bit beyond 126 bits).
pub(crate) fn exact_of<const N: usize>(x: &Mp<N>) -> Exact {
    if x.is_zero() {
        return Exact::Zero { negative: false };
    }
    let (t, e, inexact) = x.truncate(RESOLVED);
    finite(x.neg, t, e, inexact)
}

/// (−1)^negative · (sig + ε) · 2^exp as an [`Exact`], its exponent brought within
/// ±[`FAR_EXPONENT`] where it lies beyond (every format rounds such a value as it would
/// the true one).
pub(crate) fn finite(negative: bool, sig: u128, exp: i64, sticky: bool) -> Exact {
    let lead = exp + 127 - sig.leading_zeros() as i64;
    let far = FAR_EXPONENT as i64;
    let exp = if lead > far {
        exp - (lead - far)
    } else if lead < -far {
        exp + (-far - lead)
    } else {
        exp
    };
    Exact::Finite(Finite {
        negative,
        sig,
        exp: exp as i32,
        sticky: sticky || lead.abs() > far,
    })
}

/// A value a hair away from the exact nonzero `x`: strictly between x and the next
/// 126-bit number toward larger magnitude (`away`) or toward zero. The tiny-argument
/// cases use it (sin x just inside x, exp x just above 1).
pub(crate) fn beside(x: &Finite, away: bool) -> Exact {
    let len = 128 - x.sig.leading_zeros() as i64;
    if len == 0 {
        return Exact::Zero {
            negative: x.negative,
        };
    }
    let shift = RESOLVED as i64 - len;
    if shift < 0 {
        // More than 126 bits: the truncation already lies strictly below x, and the value
        // (a hair from x) in the same cell as x, on either side.
        let cut = x.sig & ((1u128 << -shift) - 1) != 0;
        if cut {
            return finite(x.negative, x.sig >> -shift, x.exp as i64 - shift, true);
        }
    }
    let (sig, exp) = if shift >= 0 {
        (x.sig << shift, x.exp as i64 - shift)
    } else {
        (x.sig >> -shift, x.exp as i64 - shift)
    };
    if away {
        finite(x.negative, sig, exp, true)
    } else if sig == 1 << (RESOLVED - 1) {
        finite(x.negative, (1 << RESOLVED) - 1, exp - 1, true)
    } else {
        finite(x.negative, sig - 1, exp, true)
    }
}

/// An exact finite input as an `Mp` (inputs have at most 128 significant bits).
pub(crate) fn mp_of<const N: usize>(x: &Finite) -> Mp<N> {
    Mp::from_parts(x.negative, x.sig, x.exp as i64, crate::interval::Dir::Down)
}
