//! The fast path of arithmetic: formats whose values and exact products fit in `f64`.
//!
//! For a format with p ≤ 26 bits of precision whose finest quantum is at least 2^−511 and
//! whose largest exponent is at most 511 (bf16, fp16, tf32, fp32, every 8-bit format but
//! E8M0, and most custom formats), every value is an `f64`, every product of two values is
//! an `f64` exactly (2p ≤ 52 bits, exponents within the normal range), and a sum is an
//! `f64` plus an exactly known error (Knuth's TwoSum). So the exact result of +, −, ×
//! and fma is `s + e` with `s` an `f64` and `|e| ≤ ulp(s)/2`, and only the sign of `e`
//! matters for rounding `s + e` to p ≤ 26 bits: `e` lies strictly below the last of
//! s's 53 bits, far below the p-th. [`round_host`] rounds that pair with the one rounding
//! decision; anything out of its way (specials, zeros, the subnormal range, overflow)
//! goes to [`FloatFormat::round`] as an [`Exact`] built from the same pair.
//!
//! These are shortcuts of DESIGN.md §1: the arithmetic tests compare them with MPFR over
//! every operand pair of the 8-bit formats and with SoftFloat for binary16/32.

use super::exact::{Exact, Finite};
use super::format::{FloatFormat, Specials};
use crate::rounding::{
    Discarded, Overflow, RandomBits, Rounding, Status, StatusAnd, round_increment,
};

impl FloatFormat {
    /// Whether the format qualifies for the host-float fast path (see the module docs).
    pub(crate) const fn host_eligible(&self) -> bool {
        self.man_bits() >= 1
            && self.man_bits() <= 25
            && self.is_signed()
            && !matches!(self.specials(), Specials::NoZero)
            && self.quantum_min() >= -511
            && self.emax() <= 511
    }

    /// The value of a finite code as `f64`, or `None` for NaN and ±∞.
    #[inline(always)]
    pub(crate) fn host_decode(&self, code: u64) -> Option<f64> {
        let (neg, mag) = self.split(code);
        if mag > self.max_mag() {
            return None;
        }
        let m = self.man_bits();
        let e = (mag >> m) as i64;
        let frac = mag & ((1u64 << m) - 1);
        let abs = if e == 0 {
            if neg && mag == 0 && matches!(self.specials(), Specials::Fnuz | Specials::P3109 { .. })
            {
                return None; // the NaN at the −0 code
            }
            if !self.has_subnormals() {
                0.0
            } else {
                // frac · 2^(emin − m): both factors exact, the product exact (no underflow).
                frac as f64
                    * f64::from_bits(((i64::from(self.emin()) - i64::from(m) + 1023) as u64) << 52)
            }
        } else {
            // 2^(e − bias) · 1.frac: rebias the exponent, left-align the fraction.
            let biased = e - i64::from(self.bias()) + 1023;
            f64::from_bits((biased as u64) << 52 | frac << (52 - m))
        };
        Some(if neg { -abs } else { abs })
    }

    /// Rounds the exact value `s + e` (|e| ≤ ulp(s)/2, `e` = 0 allowed) into this format.
    #[inline(always)]
    pub(crate) fn round_host<R: RandomBits + ?Sized>(
        &self,
        s: f64,
        e: f64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let bits = s.to_bits();
        let negative = bits >> 63 == 1;
        let be = ((bits >> 52) & 0x7FF) as i32;
        let m = self.man_bits() as i32;
        let exp = be - 1023; // exponent of s's leading bit
        if be == 0 || be == 0x7FF || exp < self.emin() {
            return self.round(pair_exact(s, e), mode, overflow, rng);
        }
        let sig = bits & ((1u64 << 52) - 1) | (1u64 << 52);
        // Keep the leading p bits of the 53: shift by 52 − m ≥ 27.
        let sh = (52 - m) as u32;
        let mut kept = sig >> sh;
        let frac = sig << (64 - sh); // the discarded bits, left-aligned: δ·2⁶⁴
        // e's sign relative to s: above |s| (sticky), below |s| (borrow), or exact.
        let d = if e == 0.0 {
            Discarded {
                frac,
                sticky: false,
            }
        } else if (e < 0.0) == negative {
            Discarded { frac, sticky: true }
        } else if frac != 0 {
            // δ − ε with 0 < ε < 2⁻⁶⁴ (frac's low bits are zero): frac − 1 and sticky.
            Discarded {
                frac: frac - 1,
                sticky: true,
            }
        } else if kept > 1u64 << m {
            // Just below a grid point: one unit less, with δ = 1 − ε.
            kept -= 1;
            Discarded {
                frac: u64::MAX,
                sticky: true,
            }
        } else {
            // Just below a power of two: the previous binade's finer grid.
            return self.round(pair_exact(s, e), mode, overflow, rng);
        };
        let inc = round_increment(negative, kept & 1 == 1, d, mode, rng);
        let kept = kept + u64::from(inc);
        // The code formula of FloatFormat::round: biased exponent, then the fraction; a
        // carry to kept = 2^(m+1) lands on the next binade's first code.
        let biased = i64::from(exp) + i64::from(self.bias());
        let mag = (biased << m) + kept as i64 - (1i64 << m);
        if mag > self.max_mag() as i64 {
            return self.round(pair_exact(s, e), mode, overflow, rng);
        }
        let status = if d.is_inexact() {
            Status::INEXACT
        } else {
            Status::OK
        };
        let sign = if negative { self.sign_bit() } else { 0 };
        StatusAnd::new(sign | mag as u64, status)
    }

    /// a + b through the host path; `None` when an operand is NaN or ±∞ or the sum is 0.
    #[inline(always)]
    pub(crate) fn host_add<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> Option<StatusAnd<u64>> {
        let (x, y) = (self.host_decode(a)?, self.host_decode(b)?);
        let (s, e) = two_sum(x, y);
        if s == 0.0 {
            return None;
        }
        Some(self.round_host(s, e, mode, overflow, rng))
    }

    /// a × b through the host path (the product is exact); `None` for specials and zeros.
    #[inline(always)]
    pub(crate) fn host_mul<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> Option<StatusAnd<u64>> {
        let p = self.host_decode(a)? * self.host_decode(b)?;
        if p == 0.0 {
            return None;
        }
        Some(self.round_host(p, 0.0, mode, overflow, rng))
    }

    /// a × b + c through the host path; `None` for specials and zero results.
    #[inline(always)]
    pub(crate) fn host_fma<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        b: u64,
        c: u64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> Option<StatusAnd<u64>> {
        let p = self.host_decode(a)? * self.host_decode(b)?;
        let (s, e) = two_sum(p, self.host_decode(c)?);
        if s == 0.0 {
            return None;
        }
        Some(self.round_host(s, e, mode, overflow, rng))
    }
}

/// Knuth's TwoSum: s = fl(x + y) and e with x + y = s + e exactly (round-to-nearest
/// host arithmetic, no overflow).
#[inline(always)]
fn two_sum(x: f64, y: f64) -> (f64, f64) {
    let s = x + y;
    let bb = s - x;
    let e = (x - (s - bb)) + (y - bb);
    (s, e)
}

/// The exact value s + e as an [`Exact`]: s's 53 bits shifted up by 64, with e as a
/// sticky bit above or a borrow below (|e| < one unit of the shifted significand).
fn pair_exact(s: f64, e: f64) -> Exact {
    let x = Exact::from_f64(s);
    match x {
        Exact::Finite(f) if e != 0.0 => {
            let sig = f.sig << 64;
            let below = (e < 0.0) != f.negative;
            Exact::Finite(Finite {
                negative: f.negative,
                sig: if below { sig - 1 } else { sig },
                exp: f.exp - 64,
                sticky: true,
            })
        }
        _ => x,
    }
}
