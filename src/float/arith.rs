//! Correctly rounded arithmetic on codes of any format: add, sub, mul, div, sqrt, fma,
//! remainder, round-to-integral, the IEEE 754-2019 min/max family, comparisons.
//!
//! Each operation computes its exact result — or, for div and sqrt, the exact result
//! truncated to at least 127 bits with a sticky bit, enough for p ≤ 53 bits and the 64
//! bits of the discarded fraction that stochastic rounding reads — and rounds it once with
//! [`FloatFormat::round`]. Status flags come back with the value; tininess is detected
//! after rounding (see [`Status`]).
//!
//! NaN results are the format's canonical NaN (payloads are not propagated); signaling
//! NaNs (IEEE formats: quiet bit clear) raise `invalid`.

use core::cmp::Ordering;

use super::exact::{Exact, Finite};
use super::format::{Class, FloatFormat, Specials};
use crate::rounding::NoRandom;
use crate::rounding::{Overflow, RandomBits, Round, Rounding, Status, StatusAnd};
use crate::u256::U256;

/// The exact sum of two nonzero finite exact values (`sticky` clear on both).
///
/// Both are aligned to the smaller exponent in 256 bits; when one is so much smaller
/// that it lies entirely below the last of 128 bits of the other, it only contributes a
/// sticky bit (and, when subtracted, a borrow of one unit from the larger).
pub(crate) fn exact_sum(x: Finite, y: Finite, mode: Rounding) -> Exact {
    let top = |f: &Finite| i64::from(f.exp) + 127 - i64::from(f.sig.leading_zeros());
    let (big, small) = if top(&x) >= top(&y) { (x, y) } else { (y, x) };
    let subtract = big.negative != small.negative;
    if top(&big) - top(&small) > 127 {
        // |small| < 2^(top_small + 1) ≤ 2^(top_big − 127): below one unit of `big` once
        // its leading bit sits at bit 127, so it is a sticky bit (and, subtracted, a
        // borrow of one unit).
        let lz = big.sig.leading_zeros();
        let sig = big.sig << lz;
        return Exact::Finite(Finite {
            negative: big.negative,
            sig: if subtract { sig - 1 } else { sig },
            exp: big.exp.saturating_sub(lz as i32),
            sticky: true,
        });
    }
    // Otherwise both fit in 256 bits at the smaller exponent: top_big − e ≤ 254.
    let e = big.exp.min(small.exp);
    let a = U256::from_u128(big.sig).shl((big.exp - e) as u32);
    let b = U256::from_u128(small.sig).shl((small.exp - e) as u32);
    let (mag, negative) = if !subtract {
        (a.add(b), big.negative)
    } else if b.lt(a) {
        (a.sub(b), big.negative)
    } else {
        (b.sub(a), small.negative)
    };
    if mag.is_zero() {
        // Exact cancellation: +0, or −0 when rounding toward −∞ (IEEE 754 §6.3).
        return Exact::Zero {
            negative: mode == Rounding::TowardNegative,
        };
    }
    let (sig, dropped, sticky) = mag.to_u128_sticky();
    Exact::Finite(Finite {
        negative,
        sig,
        exp: e + dropped as i32,
        sticky,
    })
}

/// The exact sum of two exact values, or the invalid operation ∞ − ∞.
pub(crate) fn exact_add(x: Exact, y: Exact, mode: Rounding) -> Result<Exact, Status> {
    Ok(match (x, y) {
        (Exact::Nan { .. }, _) | (_, Exact::Nan { .. }) => Exact::Nan { negative: false },
        (Exact::Inf { negative: a }, Exact::Inf { negative: b }) if a != b => {
            return Err(Status::INVALID);
        }
        (Exact::Inf { negative }, _) | (_, Exact::Inf { negative }) => Exact::Inf { negative },
        (Exact::Zero { negative: a }, Exact::Zero { negative: b }) => Exact::Zero {
            negative: if a == b {
                a
            } else {
                mode == Rounding::TowardNegative
            },
        },
        (Exact::Zero { .. }, v) | (v, Exact::Zero { .. }) => v,
        (Exact::Finite(a), Exact::Finite(b)) => exact_sum(a, b, mode),
    })
}

/// The exact product of two exact values whose significands have at most 64 bits each
/// (every decoded code does), or the invalid operation 0 × ∞.
pub(crate) fn exact_mul(x: Exact, y: Exact) -> Result<Exact, Status> {
    let negative = x.is_sign_negative() != y.is_sign_negative();
    Ok(match (x, y) {
        (Exact::Nan { .. }, _) | (_, Exact::Nan { .. }) => Exact::Nan { negative: false },
        (Exact::Inf { .. }, Exact::Zero { .. }) | (Exact::Zero { .. }, Exact::Inf { .. }) => {
            return Err(Status::INVALID);
        }
        (Exact::Inf { .. }, _) | (_, Exact::Inf { .. }) => Exact::Inf { negative },
        (Exact::Zero { .. }, _) | (_, Exact::Zero { .. }) => Exact::Zero { negative },
        (Exact::Finite(a), Exact::Finite(b)) => {
            let p = U256::mul(a.sig, b.sig);
            let (sig, dropped, sticky) = p.to_u128_sticky();
            Exact::Finite(Finite {
                negative,
                sig,
                exp: a.exp.saturating_add(b.exp).saturating_add(dropped as i32),
                sticky: sticky || a.sticky || b.sticky,
            })
        }
    })
}

/// The quotient p ÷ q of two nonzero finite values whose significands have at most 64
/// bits each (`sticky` clear), truncated to at least 127 bits with a sticky bit: p + 2
/// bits for the deterministic modes and p + 64 for the 64 bits of the discarded fraction
/// that stochastic rounding reads.
#[inline]
pub(crate) fn exact_quotient(p: Finite, q: Finite) -> Finite {
    // Long division in two 64-bit steps. With d ≤ 64 the bits of q.sig, the dividend's
    // leading bit goes to bit d + 62, so the first quotient q1 = n / q.sig lies in
    // [2^62, 2^64); the remainder r1 < q.sig < 2^64 gives the next 64 bits
    // (r1·2^64) / q.sig.
    let d = 128 - q.sig.leading_zeros() as i32;
    let sh = d + 62 - (127 - p.sig.leading_zeros() as i32);
    let n = p.sig << sh;
    let (q1, r1) = (n / q.sig, n % q.sig);
    let m = r1 << 64;
    Finite {
        negative: p.negative != q.negative,
        sig: (q1 << 64) | (m / q.sig),
        exp: p
            .exp
            .saturating_sub(sh)
            .saturating_sub(q.exp)
            .saturating_sub(64),
        sticky: m % q.sig != 0,
    }
}

/// The square root of a positive finite value whose significand has at most 126 bits
/// (`sticky` clear), truncated to 128 bits with a sticky bit.
#[inline]
pub(crate) fn exact_root(f: Finite) -> Finite {
    // Scale so the radicand's leading bit is bit 126 or 127 with an even exponent left
    // over; its integer root r1 then has 64 bits.
    let msb = 127 - f.sig.leading_zeros() as i32;
    let mut s = 126 - msb;
    if (f.exp - s) & 1 != 0 {
        s += 1;
    }
    let n = f.sig << s;
    let r1 = n.isqrt();
    // 64 more bits of the root: ⌊√(n·2^128)⌋ = r1·2^64 + t with t < 2^64 the largest t
    // such that (r1·2^64 + t)² ≤ n·2^128, i.e. r1·t·2^65 + t² ≤ rem·2^128 with
    // rem = n − r1² ≤ 2·r1. Dropping t² gives the upper bound rem·2^63 / r1, too large
    // by at most t²/(2^65·r1) < 1 (r1 ≥ 2^63), so at most one step down.
    let rem = n - r1 * r1;
    let mut t = ((rem << 63) / r1).min(u128::from(u64::MAX));
    let target = U256 { hi: rem, lo: 0 };
    let square = |t: u128| U256::mul(r1 << 1, t).shl(64).add(U256::mul(t, t));
    while target.lt(square(t)) {
        t -= 1;
    }
    Finite {
        negative: false,
        sig: (r1 << 64) | t,
        exp: ((f.exp - s) >> 1) - 64,
        sticky: square(t) != target,
    }
}

/// Operation results before rounding: an exact value, or a special outcome.
pub(crate) enum Outcome {
    Value(Exact),
    /// Invalid operation: NaN and `invalid`.
    Invalid,
    /// Exact infinite result of a finite operation (division by zero).
    DivByZero {
        negative: bool,
    },
}

impl FloatFormat {
    /// Whether a code is a signaling NaN (IEEE formats: a NaN with the quiet bit clear).
    pub const fn is_signaling(&self, code: u64) -> bool {
        matches!(self.specials(), Specials::Ieee)
            && self.man_bits() > 0
            && matches!(self.classify(code), Class::Nan)
            && code & (1u64 << (self.man_bits() - 1)) == 0
    }

    /// Whether a code is a NaN.
    #[inline]
    pub const fn is_nan(&self, code: u64) -> bool {
        matches!(self.classify(code), Class::Nan)
    }

    pub(crate) fn signaling(&self, codes: &[u64]) -> Status {
        if codes.iter().any(|&c| self.is_signaling(c)) {
            Status::INVALID
        } else {
            Status::OK
        }
    }

    pub(crate) fn finish<R: RandomBits + ?Sized>(
        &self,
        outcome: Outcome,
        flags: Status,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let r = match outcome {
            Outcome::Value(v) => self.round(v, Round::new(mode, overflow), rng),
            Outcome::Invalid => {
                let nan = self.round(
                    Exact::Nan { negative: false },
                    Round::new(mode, overflow),
                    rng,
                );
                StatusAnd::new(nan.value, nan.status | Status::INVALID)
            }
            Outcome::DivByZero { negative } => {
                let inf = self.round(Exact::Inf { negative }, Round::new(mode, overflow), rng);
                // The exact result is infinite: only the division-by-zero flag is raised.
                StatusAnd::new(inf.value, Status::DIV_BY_ZERO)
            }
        };
        StatusAnd::new(r.value, r.status | flags)
    }

    /// The exact path of a two-operand operation: decode, compute exactly, round once.
    #[inline(never)]
    fn binary_exact<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        op: fn(Exact, Exact, Rounding) -> Result<Exact, Status>,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let flags = self.signaling(&[a, b]);
        let outcome = match op(self.decode(a), self.decode(b), mode) {
            Ok(v) => Outcome::Value(v),
            Err(_) => Outcome::Invalid,
        };
        self.finish(outcome, flags, mode, overflow, rng)
    }

    /// a + b, correctly rounded to nearest, ties to even, with the format's standard
    /// overflow. [`add_with`](Self::add_with) takes any mode and returns the flags.
    ///
    /// ```
    /// use lowprec::{FloatFormat, NoRandom, Overflow, Status};
    /// let f = FloatFormat::E4M3FN;
    /// // 448 + 16 = 464 ties to 448 (even); 448 + 32 overflows to NaN (no infinity)...
    /// let (max, sixteen, big) = (f.from_f64(448.0), f.from_f64(16.0), f.from_f64(32.0));
    /// assert_eq!(f.add(max, sixteen), max);
    /// assert_eq!(f.add(max, big), f.nan_code().unwrap());
    /// // ...or saturates under OCP "satfinite", raising overflow and inexact.
    /// let r = f.add_with(max, big, Overflow::SatFinite, &mut NoRandom);
    /// assert_eq!((r.value, r.status), (max, Status::OVERFLOW | Status::INEXACT));
    /// ```
    #[inline(always)]
    pub fn add(&self, a: u64, b: u64) -> u64 {
        self.add_with(a, b, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// a + b, correctly rounded in any mode and overflow policy, with the flags.
    #[inline(always)]
    pub fn add_with<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let Round { mode, overflow } = how.into();
        if self.host() {
            if let Some(r) = self.host_add(a, b, mode, overflow, rng) {
                return r;
            }
        }
        self.binary_exact(a, b, exact_add, mode, overflow, rng)
    }

    /// a − b, correctly rounded to nearest, ties to even (standard overflow).
    #[inline(always)]
    pub fn sub(&self, a: u64, b: u64) -> u64 {
        self.sub_with(a, b, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// a − b, correctly rounded in any mode and overflow policy, with the flags.
    #[inline(always)]
    pub fn sub_with<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let Round { mode, overflow } = how.into();
        if self.host() {
            if let Some(r) = self.host_add(a, self.neg(b), mode, overflow, rng) {
                return r;
            }
        }
        self.binary_exact(
            a,
            b,
            |x, y, m| exact_add(x, y.neg(), m),
            mode,
            overflow,
            rng,
        )
    }

    /// a × b, correctly rounded to nearest, ties to even (standard overflow).
    #[inline(always)]
    pub fn mul(&self, a: u64, b: u64) -> u64 {
        self.mul_with(a, b, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// a × b, correctly rounded in any mode and overflow policy, with the flags.
    #[inline(always)]
    pub fn mul_with<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let Round { mode, overflow } = how.into();
        if self.host() {
            if let Some(r) = self.host_mul(a, b, mode, overflow, rng) {
                return r;
            }
        }
        self.binary_exact(a, b, |x, y, _| exact_mul(x, y), mode, overflow, rng)
    }

    /// a × b + c with one rounding, correctly rounded to nearest, ties to even (standard overflow).
    #[inline(always)]
    pub fn fma(&self, a: u64, b: u64, c: u64) -> u64 {
        self.fma_with(a, b, c, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// a × b + c with a single rounding in any mode and overflow policy, with the flags.
    #[inline(always)]
    pub fn fma_with<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        c: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let Round { mode, overflow } = how.into();
        if self.host() {
            if let Some(r) = self.host_fma(a, b, c, mode, overflow, rng) {
                return r;
            }
        }
        self.fma_exact(a, b, c, mode, overflow, rng)
    }

    #[inline(never)]
    fn fma_exact<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        c: u64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let flags = self.signaling(&[a, b, c]);
        let outcome = match exact_mul(self.decode(a), self.decode(b)) {
            Err(_) => Outcome::Invalid,
            Ok(p) => match exact_add(p, self.decode(c), mode) {
                Ok(v) => Outcome::Value(v),
                Err(_) => Outcome::Invalid,
            },
        };
        self.finish(outcome, flags, mode, overflow, rng)
    }

    /// a ÷ b, correctly rounded to nearest, ties to even (standard overflow).
    #[inline(always)]
    pub fn div(&self, a: u64, b: u64) -> u64 {
        self.div_with(a, b, Round::NEAREST_EVEN, &mut NoRandom)
            .value
    }

    /// a ÷ b, correctly rounded. A finite nonzero a over zero raises `div-by-zero`
    /// and gives ±∞ (NaN or ±max where the format has no infinity, per `overflow`).
    pub fn div_with<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let Round { mode, overflow } = how.into();
        let flags = self.signaling(&[a, b]);
        let (x, y) = (self.decode(a), self.decode(b));
        let negative = x.is_sign_negative() != y.is_sign_negative();
        let outcome = match (x, y) {
            (Exact::Nan { .. }, _) | (_, Exact::Nan { .. }) => {
                Outcome::Value(Exact::Nan { negative: false })
            }
            (Exact::Inf { .. }, Exact::Inf { .. }) | (Exact::Zero { .. }, Exact::Zero { .. }) => {
                Outcome::Invalid
            }
            (Exact::Inf { .. }, _) => Outcome::Value(Exact::Inf { negative }),
            (_, Exact::Inf { .. }) | (Exact::Zero { .. }, _) => {
                Outcome::Value(Exact::Zero { negative })
            }
            (Exact::Finite(_), Exact::Zero { .. }) => Outcome::DivByZero { negative },
            (Exact::Finite(p), Exact::Finite(q)) => {
                Outcome::Value(Exact::Finite(exact_quotient(p, q)))
            }
        };
        self.finish(outcome, flags, mode, overflow, rng)
    }

    /// √a, correctly rounded to nearest, ties to even (standard overflow).
    #[inline(always)]
    pub fn sqrt(&self, a: u64) -> u64 {
        self.sqrt_with(a, Round::NEAREST_EVEN, &mut NoRandom).value
    }

    /// √a, correctly rounded in any mode and overflow policy, with the flags; √−0 = −0,
    /// and a negative a is invalid.
    pub fn sqrt_with<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let Round { mode, overflow } = how.into();
        let flags = self.signaling(&[a]);
        let outcome = match self.decode(a) {
            Exact::Nan { .. } => Outcome::Value(Exact::Nan { negative: false }),
            v @ Exact::Zero { .. } => Outcome::Value(v),
            Exact::Inf { negative: false } => Outcome::Value(Exact::Inf { negative: false }),
            Exact::Inf { negative: true } => Outcome::Invalid,
            Exact::Finite(f) if f.negative => Outcome::Invalid,
            Exact::Finite(f) => Outcome::Value(Exact::Finite(exact_root(f))),
        };
        self.finish(outcome, flags, mode, overflow, rng)
    }

    /// The IEEE 754 remainder a − n·b, n the integer nearest a/b (ties to even). It is
    /// always exact; its sign is a's when it is zero.
    pub fn remainder(&self, a: u64, b: u64) -> StatusAnd<u64> {
        self.remainder_op(a, b, true)
    }

    /// The truncated remainder a − n·b, n = a/b rounded toward zero (C's `fmod`, Rust's
    /// `%` on floats). It is always exact and has a's sign.
    pub fn fmod(&self, a: u64, b: u64) -> StatusAnd<u64> {
        self.remainder_op(a, b, false)
    }

    fn remainder_op(&self, a: u64, b: u64, nearest: bool) -> StatusAnd<u64> {
        let flags = self.signaling(&[a, b]);
        let outcome = match (self.decode(a), self.decode(b)) {
            (Exact::Nan { .. }, _) | (_, Exact::Nan { .. }) => {
                Outcome::Value(Exact::Nan { negative: false })
            }
            (Exact::Inf { .. }, _) | (_, Exact::Zero { .. }) => Outcome::Invalid,
            (x, Exact::Inf { .. }) => Outcome::Value(x),
            (x @ Exact::Zero { .. }, _) => Outcome::Value(x),
            (Exact::Finite(x), Exact::Finite(y)) => Outcome::Value(remainder_exact(x, y, nearest)),
        };
        let (mode, overflow) = (Rounding::TiesToEven, Overflow::Ieee);
        self.finish(outcome, flags, mode, overflow, &mut NoRandom)
    }

    /// Rounds a to an integral value in the given mode (IEEE roundToIntegralExact:
    /// `inexact` is raised when the value changes). Zeros keep a's sign.
    pub fn round_to_integral<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        mode: Rounding,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let flags = self.signaling(&[a]);
        let x = self.decode(a);
        let outcome = match x {
            Exact::Finite(f) if f.exp < 0 => {
                let (v, inexact) = x.round_to_integral(mode, rng);
                let inexact = if inexact { Status::INEXACT } else { Status::OK };
                let r = self.round(v, Round::NEAREST_EVEN, &mut NoRandom);
                return StatusAnd::new(r.value, r.status | flags | inexact);
            }
            v => Outcome::Value(v),
        };
        self.finish(outcome, flags, Rounding::TiesToEven, Overflow::Ieee, rng)
    }

    /// −a (a sign flip; no rounding, no flags). In formats without −0 or without a sign
    /// the zero and NaN codes map to themselves; in unsigned formats −a is NaN for a > 0.
    pub fn neg(&self, a: u64) -> u64 {
        match self.classify(a) {
            Class::Nan => a,
            Class::Zero if !self.has_neg_zero() => a & !self.sign_bit(),
            _ if !self.is_signed() => self.nan_code().unwrap_or(0),
            _ => a ^ self.sign_bit(),
        }
    }

    /// |a| (clears the sign bit; NaN codes of formats whose NaN is the −0 code stay NaN).
    pub fn abs(&self, a: u64) -> u64 {
        if self.is_nan(a) && !self.nan_has_sign() {
            a
        } else {
            a & !self.sign_bit()
        }
    }

    /// IEEE 754 comparison: `None` when either is NaN; −0 == +0.
    #[inline(always)]
    pub fn partial_cmp(&self, a: u64, b: u64) -> Option<Ordering> {
        if self.is_nan(a) || self.is_nan(b) {
            return None;
        }
        // Without a zero, magnitude code 0 is the smallest value: keys start at 1.
        let offset = i128::from(!self.has_zero());
        let key = |c: u64| {
            let (neg, mag) = self.split(c);
            // Magnitude codes are ordered like their values (zeros share the key 0).
            let mag = if matches!(self.classify(c), Class::Zero) {
                0
            } else {
                i128::from(mag) + offset
            };
            if neg { -mag } else { mag }
        };
        Some(key(a).cmp(&key(b)))
    }

    /// IEEE 754 totalOrder: −NaN < −∞ < … < −0 < +0 < … < +∞ < +NaN, NaNs ordered by
    /// payload. A format's single unsigned NaN (FNUZ, P3109) sorts above +∞.
    pub fn total_cmp(&self, a: u64, b: u64) -> Ordering {
        let key = |c: u64| {
            let c = c & self.code_mask();
            if self.is_nan(c) && !self.nan_has_sign() {
                return i128::MAX;
            }
            let (neg, mag) = self.split(c);
            // −0 sorts below +0: offset negatives by one.
            if neg {
                -i128::from(mag) - 1
            } else {
                i128::from(mag)
            }
        };
        key(a).cmp(&key(b))
    }

    fn pick(&self, a: u64, b: u64, want_max: bool, number: bool) -> StatusAnd<u64> {
        let flags = self.signaling(&[a, b]);
        let (na, nb) = (self.is_nan(a), self.is_nan(b));
        let nan = self.nan_code().unwrap_or(0);
        let value = match (na, nb) {
            (true, true) => nan,
            (true, false) if number => b,
            (false, true) if number => a,
            (true, false) | (false, true) => nan,
            (false, false) => match self.partial_cmp(a, b) {
                Some(Ordering::Less) => {
                    if want_max {
                        b
                    } else {
                        a
                    }
                }
                Some(Ordering::Greater) => {
                    if want_max {
                        a
                    } else {
                        b
                    }
                }
                // Equal: only ±0 differ; −0 is the smaller one.
                _ => {
                    let a_neg = self.split(a).0;
                    if a_neg == want_max { b } else { a }
                }
            },
        };
        StatusAnd::new(value, flags)
    }

    /// IEEE 754-2019 minimum: NaN if either operand is NaN; −0 < +0.
    pub fn minimum(&self, a: u64, b: u64) -> StatusAnd<u64> {
        self.pick(a, b, false, false)
    }
    /// IEEE 754-2019 maximum: NaN if either operand is NaN; −0 < +0.
    pub fn maximum(&self, a: u64, b: u64) -> StatusAnd<u64> {
        self.pick(a, b, true, false)
    }
    /// IEEE 754-2019 minimumNumber: a NaN operand is ignored; −0 < +0.
    pub fn minimum_number(&self, a: u64, b: u64) -> StatusAnd<u64> {
        self.pick(a, b, false, true)
    }
    /// IEEE 754-2019 maximumNumber: a NaN operand is ignored; −0 < +0.
    pub fn maximum_number(&self, a: u64, b: u64) -> StatusAnd<u64> {
        self.pick(a, b, true, true)
    }
}

/// x − n·y exactly, n = x/y rounded to nearest, ties to even (`nearest`), or toward zero.
fn remainder_exact(x: Finite, y: Finite, nearest: bool) -> Exact {
    // Work on |x| = X·2^ex and |y| = Y·2^ey at the common exponent e = min(ex, ey).
    let e = x.exp.min(y.exp);
    let (big_x, big_y) = (x.sig, y.sig);
    let (r, y_at_e, q_odd) = if x.exp >= y.exp {
        // X·2^d mod Y by doubling in chunks of up to 64 bits: r < Y < 2^64 keeps
        // r·2^k < 2^128. The quotient's last bit is the last chunk's quotient's.
        let mut d = (x.exp - y.exp) as u32;
        let mut r = big_x % big_y;
        let mut q_odd = (big_x / big_y) & 1 == 1;
        while d > 0 {
            let k = d.min(64);
            let n = r << k;
            q_odd = (n / big_y) & 1 == 1;
            r = n % big_y;
            d -= k;
        }
        (r, big_y, q_odd)
    } else {
        let d = (y.exp - x.exp) as u32;
        if d > 64 {
            // |x| < 2^(ex+64) ≤ |y|/2: n = 0.
            return Exact::Finite(Finite { sticky: false, ..x });
        }
        let yy = big_y << d;
        (big_x % yy, yy, (big_x / yy) & 1 == 1)
    };
    // r ∈ [0, Y): the candidates are r (n = q) and r − Y (n = q + 1).
    let twice = r << 1;
    let (mag, flip) = match twice.cmp(&y_at_e) {
        _ if !nearest => (r, false),
        Ordering::Less => (r, false),
        Ordering::Greater => (y_at_e - r, true),
        Ordering::Equal if q_odd => (y_at_e - r, true),
        Ordering::Equal => (r, false),
    };
    if mag == 0 {
        return Exact::Zero {
            negative: x.negative,
        };
    }
    Exact::from_parts(x.negative != flip, mag, e)
}
