//! The fast path of arithmetic: formats whose values and exact products fit in `f64`.
//!
//! For a format with p ≤ 26 bits of precision whose finest quantum is at least 2^−511 and
//! whose largest exponent is at most 511 (bf16, fp16, tf32, fp32, every 8-bit format but
//! E8M0, and most custom formats), every value is an `f64`, every product of two values is
//! an `f64` exactly (2p ≤ 52 bits, exponents within the normal range), and a sum is an
//! `f64` plus an exactly known error (Knuth's TwoSum). So the exact result of +, −, ×
//! and fma is `s + e` with `s` an `f64` and `|e| ≤ ulp(s)/2`, and only the sign of `e`
//! matters for rounding `s + e` to p ≤ 26 bits: `e` lies strictly below the last of
//! s's 53 bits, far below the p-th. `round_host` rounds that pair on the f64's bits,
//! asking `round_increment` (the crate's one rounding decision) about the discarded bits
//! as the exact path does; anything out of its way (specials, zeros, the subnormal range,
//! overflow, stochastic modes) goes to [`FloatFormat::round`] as an [`Exact`] built from
//! the pair.
//!
//! These are shortcuts of the exact path: the unit tests below compare `round_host` with
//! [`FloatFormat::round`] in every mode, and the arithmetic tests compare the operations
//! with MPFR over every operand pair of the 8-bit formats and with SoftFloat for
//! binary16/32.

use super::arith::exact_sum;
use super::exact::Exact;
use super::format::{FloatFormat, Specials};
use crate::rounding::{
    Discarded, NoRandom, Overflow, RandomBits, Round, Rounding, Status, StatusAnd, round_increment,
};

impl FloatFormat {
    /// Whether the format qualifies for the host-float fast path (see the module docs).
    pub(crate) const fn host_eligible(&self) -> bool {
        self.man_bits() >= 1
            && self.man_bits() <= 25
            // A normal binade: `host_decode` and `round_host` assume one (IEEE-style
            // formats with one exponent bit have only subnormals, ∞ and NaN).
            && self.max_mag() >= 1 << self.man_bits()
            && self.is_signed()
            && !matches!(self.specials(), Specials::NoZero)
            && self.quantum_min() >= -511
            && self.emax() <= 511
    }

    /// The value of a finite code as `f64`, or `None` for NaN and ±∞.
    #[inline(always)]
    pub(crate) fn host_decode(&self, code: u64) -> Option<f64> {
        let code = code & self.code_mask();
        let mag = code & self.mag_mask();
        // The sign bit moved to bit 63 (eligible formats are signed).
        let sign = (code & self.sign_bit()) << (63 - self.exp_bits() - self.man_bits());
        let m = self.man_bits();
        let one = 1u64 << m;
        // Normal codes [2^m, max_mag] in one unsigned comparison.
        let bits = if mag.wrapping_sub(one) <= self.max_mag() - one {
            // 2^(E − bias) · 1.F: the code's fields left-aligned in an f64, whose exponent
            // field E then only needs the constant 1023 − bias added.
            (mag << (52 - m)).wrapping_add(self.host_rebias())
        } else if mag > self.max_mag() {
            return None;
        } else if mag == 0 {
            if sign != 0 && !self.has_neg_zero() {
                return None; // the NaN at the −0 code (FNUZ, P3109)
            }
            0
        } else if self.has_subnormals() {
            // F · 2^(emin − m): both factors exact, so is the product (no underflow).
            let scale = f64::from_bits(((i64::from(self.quantum_min()) + 1023) as u64) << 52);
            (mag as f64 * scale).to_bits()
        } else {
            0 // a zero-exponent code of a format without subnormals reads as zero
        };
        Some(f64::from_bits(bits | sign))
    }

    /// The binary64 bits of the largest finite magnitude (formats with a normal binade).
    pub(crate) const fn host_max_bits(&self) -> u64 {
        (self.max_mag() << (52 - self.man_bits())).wrapping_add(self.host_rebias())
    }

    /// (1023 − bias)·2^52: what turns a format's exponent field, aligned with an f64's,
    /// into the f64's.
    #[inline(always)]
    pub(crate) const fn host_rebias(&self) -> u64 {
        ((1023 - self.bias() as i64) as u64) << 52
    }

    /// Rounds the exact value `s + e` (|e| ≤ ulp(s)/2, `e` = 0 allowed) into this format,
    /// or `None` where the caller's exact path must decide: exact zeros (whose sign
    /// depends on the operation) and two corners of the subnormal range.
    #[inline(always)]
    pub(crate) fn round_host<R: RandomBits + ?Sized>(
        &self,
        s: f64,
        e: f64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> Option<StatusAnd<u64>> {
        if mode.is_stochastic() {
            // Stochastic rounding reads 64 bits of the discarded fraction: e's own bits
            // may lie among them.
            if s == 0.0 {
                return None;
            }
            return Some(self.round(pair_exact(s, e), Round::new(mode, overflow), rng));
        }
        let bits = s.to_bits();
        let negative = bits >> 63 == 1;
        let mut r = bits & !(1u64 << 63);
        // A 53-bit stand-in for s + e that every p ≤ 26-bit rounding treats alike: s's
        // magnitude bits with the last one set (e above |s|), or one unit less with the
        // last one set (e below |s|). Grid points and midpoints of a p-bit grid have their
        // last 53 − p ≥ 27 bits clear, so an odd stand-in is never one of them, and it
        // lies between the same two of them as s + e does.
        if e != 0.0 {
            r = if (e < 0.0) == negative {
                r | 1
            } else {
                (r - 1) | 1
            };
        }
        let m = self.man_bits();
        // 2^emin (eligible formats have zeros, so emin = 1 − bias).
        let min_normal = self.host_rebias() + (1 << 52);
        // The largest finite value: anything below it rounds to at most it.
        let max = self.host_max();
        // The format's sign bit where s is negative (an arithmetic shift spreads s's).
        let sign = ((bits as i64 >> 63) as u64) & self.sign_bit();
        if r.wrapping_sub(min_normal) < max - min_normal {
            // Normal range: the last kept bit is 2^(exponent − m), 52 − m ≥ 27 bits down.
            let (kept, rest) = round_bits(r, 52 - m, negative, mode);
            // Rebias: the f64 exponent field minus 1023 − bias is the format's.
            let mag = kept.wrapping_sub(self.host_rebias() >> (52 - m));
            let status = if rest { Status::INEXACT } else { Status::OK };
            return Some(StatusAnd::new(sign | mag, status));
        }
        if r >= max {
            // At or beyond the largest finite value (never ∞ or NaN: eligible formats keep
            // results far inside binary64's range). Rounded with binary64's unbounded
            // exponent, the value overflows exactly when its code passes the largest one.
            let (kept, rest) = round_bits(r, 52 - m, negative, mode);
            let mag = kept.wrapping_sub(self.host_rebias() >> (52 - m));
            if mag > self.max_mag() {
                return Some(self.overflow_result(negative, mode, overflow));
            }
            let status = if rest { Status::INEXACT } else { Status::OK };
            return Some(StatusAnd::new(sign | mag, status));
        }
        if r >= min_normal || r == 0 || !self.has_subnormals() {
            return None;
        }
        // Subnormal range: the last kept bit is 2^(emin − m) whatever the exponent, so
        // round the 53-bit significand at 52 − m + (emin − exponent) bits; the kept value
        // is the code itself (2^m, the smallest normal, when it rounds up).
        let exp = (r >> 52) as i64 - 1023;
        let sh = 52 - i64::from(m) + (i64::from(self.emin()) - exp);
        if sh > 62 || exp == i64::from(self.emin()) - 1 {
            // Far below the grid, or where tininess after rounding needs a second look.
            return None;
        }
        let sig = (r & ((1u64 << 52) - 1)) | (1u64 << 52);
        let (kept, rest) = round_bits(sig, sh as u32, negative, mode);
        if kept == 0 {
            // Rounded to zero (tiny and inexact); the zero's sign is the format's business.
            return Some(self.zero_result(negative, Status::UNDERFLOW | Status::INEXACT));
        }
        // Tiny after rounding: even rounded to p bits the value stays below 2^(emin−1).
        let status = if rest {
            Status::UNDERFLOW | Status::INEXACT
        } else {
            Status::OK
        };
        Some(StatusAnd::new(sign | kept, status))
    }

    /// a + b through the host path; `None` when the exact path must decide.
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
        self.round_host(s, e, mode, overflow, rng)
    }

    /// a × b through the host path (the product is exact); `None` when the exact path
    /// must decide.
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
        self.round_host(p, 0.0, mode, overflow, rng)
    }

    /// a × b + c through the host path; `None` when the exact path must decide.
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
        self.round_host(s, e, mode, overflow, rng)
    }
}

/// Rounds the integer `x` to a multiple of 2^sh (1 ≤ sh ≤ 63) in a deterministic `mode`
/// (stochastic modes never get here): x / 2^sh rounded, and whether bits were discarded.
///
/// The rounding is an addend B: x + B carries into bit sh exactly when the mode rounds
/// the magnitude up, so B = 2^sh − (the least discarded bits that round up). B is read off
/// [`round_increment`], the crate's one rounding decision, as the slice kernels' table
/// is: it looks at the discarded fraction δ only through δ = 0, δ < ½, δ = ½ and δ > ½,
/// and a larger δ never rounds up less often. So if the least δ rounds up, B = 2^sh − 1;
/// else if a δ above ½ does, B = 2^(sh−1) − 1, plus one if a tie does too; else B = 0.
/// With a constant mode (every typed operation) the questions fold into that mode's
/// addend; the tests compare `round_host` with the exact path in every mode.
#[inline(always)]
fn round_bits(x: u64, sh: u32, negative: bool, mode: Rounding) -> (u64, bool) {
    let full = 1u64 << sh;
    let half = full >> 1;
    let rest = x & (full - 1);
    let odd = (x >> sh) & 1 == 1;
    let rounds_up = |frac, sticky| {
        let d = Discarded { frac, sticky };
        round_increment(negative, odd, d, mode, &mut NoRandom)
    };
    let add = if rounds_up(1, false) {
        full - 1
    } else if rounds_up(u64::MAX, true) {
        half - 1 + u64::from(rounds_up(1 << 63, false))
    } else {
        0
    };
    ((x + add) >> sh, rest != 0)
}

/// Knuth's TwoSum: s = fl(x + y) and e with x + y = s + e exactly (round-to-nearest
/// host arithmetic, no overflow).
#[inline(always)]
pub(crate) fn two_sum(x: f64, y: f64) -> (f64, f64) {
    let s = x + y;
    let bb = s - x;
    let e = (x - (s - bb)) + (y - bb);
    (s, e)
}

/// The exact value s + e as an [`Exact`]. Both are `f64`s, so their exact sum has at most
/// 2·1076 bits between their extreme bits; `exact_sum` keeps it exactly, or as 128 bits
/// and a sticky bit. A sticky bit in place of e would do for the deterministic modes
/// (e lies below the last of s's 53 bits, far below the rounding position), but not for
/// stochastic rounding, which reads 64 bits of the discarded fraction: e's own bits lie
/// among them.
fn pair_exact(s: f64, e: f64) -> Exact {
    match (Exact::from_f64(s), Exact::from_f64(e)) {
        (Exact::Finite(x), Exact::Finite(y)) => exact_sum(x, y, Rounding::TiesToEven),
        (x, _) => x,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounding::SplitMix64;

    /// `round_host` against the exact path (`round` of the exact s + e) in every
    /// deterministic mode (stochastic ones take the exact path itself) and overflow policy,
    /// for the eligible presets and a format without subnormals, on the values, the
    /// midpoints and their binary64 neighbours across the whole range (the subnormals, the
    /// overflow threshold and beyond), with e of either sign.
    #[test]
    fn round_host_matches_the_exact_path() {
        let no_subnormals = match FloatFormat::new(crate::float::FloatParams {
            subnormals: false,
            ..crate::float::FloatParams::ieee(4, 3)
        }) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        let formats = FloatFormat::PRESETS
            .map(|(_, f)| f)
            .into_iter()
            .chain([no_subnormals])
            .filter(FloatFormat::host_eligible);
        let policies = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];
        let mut rng = SplitMix64::new(5);
        let mut hosted = 0u64;
        for f in formats {
            // Positive finite magnitudes: all of them for small formats, else runs at the
            // bottom, the top and random places.
            let top = f.max_mag();
            let small = top < 600;
            let low = 0..=if small { top } else { 199 };
            let high = (top.saturating_sub(200)..=top).filter(move |_| !small);
            let mut pick = SplitMix64::new(top);
            let random = (0..if small { 0 } else { 400 }).map(move |_| pick.next_u64() % top);
            let value = |m: u64| f.host_decode(m).unwrap_or(0.0);
            let step = |x: f64, k: i64| f64::from_bits(x.to_bits().wrapping_add_signed(k));
            for m in low.chain(high).chain(random) {
                let v = value(m);
                // The next value up; past the largest, what it would be with more range.
                let next = if m < top {
                    value(m + 1)
                } else {
                    2.0 * v - value(m - 1)
                };
                let bases = [v, (v + next) / 2.0, 2.0 * next]
                    .into_iter()
                    .filter(|&b| b != 0.0);
                for s in bases.flat_map(|b| [b, step(b, -1), step(b, 1)]) {
                    let ulp = step(s, 1) - s;
                    for e in [0.0, ulp / 2.0, ulp / 4.0, f64::from_bits(1)] {
                        let e = if rng.next_u64() & 1 == 0 { e } else { -e };
                        for (s, mode, overflow) in [s, -s].into_iter().flat_map(|s| {
                            Rounding::DETERMINISTIC
                                .into_iter()
                                .flat_map(move |m| policies.map(|o| (s, m, o)))
                        }) {
                            let Some(got) = f.round_host(s, e, mode, overflow, &mut NoRandom)
                            else {
                                continue;
                            };
                            hosted += 1;
                            let want = f.round(
                                pair_exact(s, e),
                                Round::new(mode, overflow),
                                &mut NoRandom,
                            );
                            assert_eq!(got, want, "{f} {mode} {overflow} {s:e} + {e:e}");
                        }
                    }
                }
            }
        }
        assert!(hosted > 1_000_000, "{hosted}");
    }
}
