//! The per-element kernels ("lanes") of encoding and quantizing, each with its proof.
//! A lane rounds one host value into the format and returns its code or, for `VALUE`,
//! the host bits of the rounded value; the loops in `run.rs` call one lane per element.
//!
//! Every compare below is signed (`slt`): |x| bits are below 2^(BITS−1), and so is every
//! code a lane computes for a finite input (shown where the code is formed).

use super::host::{Host, Word};
use super::plan::{Clamp, Finish, FinishKind, Plan};
use crate::rounding::{Discarded, RandomBits, Rounding, round_increment};

/// Round-to-nearest-even in one formula for normal and subnormal results.
///
/// Let E' = max(E, emin) where 2^E ≤ |x| < 2^(E+1), and C = 2^(E' + s). Then
/// |x| < 2^(E'+1) ≤ C (s ≥ 1), so y = |x| + C lies in [C, 2C], where the host's spacing
/// is 2^(E' + s − MAN) = 2^(E' − m): the format's quantum at |x| (for E' = emin also the
/// subnormal quantum). The host's RNE addition therefore rounds |x| once, correctly, to
/// r = y − C (exact: Sterbenz), ties to even on y's last bit, which is r's quantum count's
/// parity, the code's parity (C's is even; m ≥ 1). Counting quanta, y's bits exceed C's
/// by the significand r/2^(E'−m) ∈ [2^m, 2^(m+1)] (below 2^m for a subnormal result),
/// so code = bits(y) − bits(C) + ((E' + bias − 1) << m), a carry included. With
/// bits(C) = bits(2^E') + (s << MAN) and (E' + host bias) << m = bits(2^E') >> s:
/// code = bits(y) − bits(2^E') + (bits(2^E') >> s) + K. C is finite for every |x| below
/// the overflow threshold because emax + s + 1 ≤ host bias; at and above it the lane's
/// code is not used (`big`, or a [`Clamp`]).
#[inline(always)]
pub(super) fn rne_lane<H: Host, F: FinishKind, const VALUE: bool>(
    p: &Plan<H>,
    clamp: &Clamp<H>,
    x: H,
) -> H::Bits {
    let clamped = !matches!(F::FINISH, Finish::Full);
    let bits = x.to_bits();
    let a = bits & p.abs_mask;
    let xa = H::from_bits(a);
    let xa = if !clamped || xa < clamp.limit {
        xa
    } else {
        clamp.limit
    };
    // 2^E' from |x|'s exponent bits (`max` as a compare-select: never NaN here).
    let e = H::from_bits(xa.to_bits() & p.inf_bits);
    let e = if e > p.min_normal { e } else { p.min_normal };
    let e_bits = e.to_bits();
    let c = H::from_bits(e_bits.wadd(p.dropped_exp));
    let y = xa + c;
    // code ≤ max_mag + 1 < 2^(BITS−1) for |x| below the threshold.
    let code = y
        .to_bits()
        .wsub(e_bits)
        .wadd(e_bits >> p.dropped_bits)
        .wadd(p.code_offset);
    let v = if VALUE { (y - c).to_bits() } else { code };
    if clamped {
        return p.finish_clamped::<F, VALUE>(clamp, bits, a, if VALUE { v } else { code });
    }
    p.finish::<VALUE>(a, bits.sign_fill(), !a.slt(p.overflow_threshold), code, v)
}

/// Any deterministic mode: integer rounding for normal-range results, and for `SUB` a
/// magic-addend subnormal path. Branchless.
#[inline(always)]
pub(super) fn split_lane<
    H: Host,
    const RNE: bool,
    const SUB: bool,
    F: FinishKind,
    const VALUE: bool,
>(
    p: &Plan<H>,
    clamp: &Clamp<H>,
    x: H,
) -> H::Bits {
    let clamped = !matches!(F::FINISH, Finish::Full);
    let one = H::Bits::ONE;
    let t = &p.table;
    let bits = x.to_bits();
    let a0 = bits & p.abs_mask;
    let negm = bits.sign_fill();
    let a = if !clamped || H::from_bits(a0) < clamp.limit {
        a0
    } else {
        clamp.limit.to_bits()
    };

    // Normal-range result (|x| ≥ 2^emin, a normal host number): the code is the host's
    // exponent and top m fraction bits, rebiased. Rounding adds B < 2^s below them:
    // ((a + B) >> s) = (a >> s) + [d + B ≥ 2^s] for the dropped bits d, and a carry out
    // of the fraction runs into the exponent (1.1…1 + ulp = 10.0…0, the next binade's
    // first code; past the largest exponent it lands beyond max_mag: overflow). The
    // code is below (host bias + 2 + bias) << m ≤ 2^(BITS−1) (bias ≤ host bias, m ≤ MAN).
    let odd_bit = (a >> p.dropped_bits) & one;
    let b = if RNE {
        // B = 2^(s−1) − 1 + odd: increments iff d > half, or d = half and odd.
        t.normal.base.wadd(odd_bit)
    } else {
        t.normal.at(negm, H::Bits::ZERO.wsub(odd_bit))
    };
    let kept_n = a.wadd(b) >> p.dropped_bits;
    let code_n = kept_n.wadd(p.rebias);
    let v_n = kept_n << p.dropped_bits;

    let (code, v) = if SUB {
        // Subnormal-range result (|x| < 2^emin ≤ C·2^−s): y = |x| + C lies in [C, 2C]
        // where the host's spacing is exactly the format's quantum q = 2^q_min, so the
        // host's RNE addition rounds |x| to a multiple of q once, correctly; y's bits
        // count quanta above C's (2C's bits are C's plus 2^MAN: the carry into the normal
        // range).
        let xa = H::from_bits(a);
        let y = xa + p.magic;
        let mut kept_s = y.to_bits().wsub(p.magic_bits);
        if !RNE {
            // r = y − C is exact (Sterbenz: C ≤ y ≤ 2C); err = |x| − r is exact (r = 0,
            // or r ≥ q and |err| ≤ q/2 so r/2 ≤ |x| ≤ 2r). From the nearest kept value
            // and err's sign and size, recover truncation and the discarded fraction δ:
            // err < 0 ⇒ trunc = kept − 1, δ = 1 − |err|/q ≥ ½; err > 0 ⇒ δ = err/q ≤ ½.
            let r = y - p.magic;
            let err = xa - r;
            let zero = H::ZERO;
            let up = err < zero;
            // (Bitwise `|`/`&` on the compares: short-circuits would keep the loop from
            // vectorizing.)
            let eq = (err == p.half_quantum) | (zero - err == p.half_quantum);
            let gt = up & !eq;
            let inexact = err != zero;
            let trunc = kept_s.wsub(H::Bits::mask(up) & one);
            // d2 = [inexact] + [δ ≥ ½] + [δ > ½]: 0, 1, 2 or 3.
            let d2 = (H::Bits::mask(inexact) & one)
                .wadd(H::Bits::mask(eq | gt) & one)
                .wadd(H::Bits::mask(gt) & one);
            let oddm = H::Bits::ZERO.wsub(trunc & one);
            let bias = t.subnormal.at(negm, oddm);
            kept_s = trunc.wadd(d2.wadd(bias) >> 2);
        }
        // Value bits: C + kept·q − C, exact (Sterbenz); without subnormals q = 2^emin.
        let code_s = kept_s << p.subnormal_shift;
        let v_s = (H::from_bits(p.magic_bits.wadd(kept_s)) - p.magic).to_bits();
        let sub = a.slt(p.min_normal_bits);
        (
            if sub { code_s } else { code_n },
            if sub { v_s } else { v_n },
        )
    } else {
        (code_n, v_n)
    };
    if clamped {
        return p.finish_clamped::<F, VALUE>(clamp, bits, a0, if VALUE { v } else { code });
    }
    p.finish::<VALUE>(a, negm, p.max_mag.slt(code), code, v)
}

/// One element through the scalar integer path: any mode, stochastic included. The
/// element is split into kept bits and the discarded fraction exactly as the exact path
/// splits the decoded value, and `decide` — [`round_increment`] with the call's mode —
/// says whether to increment, drawing random bits only for inexact values.
#[inline(always)]
pub(super) fn scalar_lane<H: Host, const VALUE: bool>(
    p: &Plan<H>,
    x: H,
    decide: &mut ByMode<'_, impl RandomBits + ?Sized>,
) -> H::Bits {
    let one = H::Bits::ONE;
    let zero = H::Bits::ZERO;
    let bits = x.to_bits();
    let a = bits & p.abs_mask;
    let negm = bits.sign_fill();
    let neg = negm != zero;
    if !a.slt(p.min_normal_bits) && a.slt(p.inf_bits) {
        // Normal-range result: drop s bits; δ·2⁶⁴ = d << (64 − s), nothing below it
        // (d ≠ 0 implies s ≥ 1). The code is at least 2^m, never zero: the sign stays.
        let trunc = a >> p.dropped_bits;
        let d = (a & ((one << p.dropped_bits).wsub(one))).to_u64();
        let code_t = trunc.wadd(p.rebias);
        let inc = d != 0
            && decide.decide(
                neg,
                code_t & one == one,
                Discarded {
                    frac: d << (64 - p.dropped_bits),
                    sticky: false,
                },
            );
        let inc = H::Bits::from_u64(u64::from(inc));
        let code = code_t.wadd(inc);
        if p.max_mag.slt(code) {
            return p.finish::<VALUE>(a, negm, true, code, zero);
        }
        return if VALUE {
            (trunc.wadd(inc) << p.dropped_bits) | (bits & p.host_sign)
        } else {
            code | (negm & p.code_sign)
        };
    }
    if !a.slt(p.inf_bits) {
        // NaN or ±∞: the per-sign selects give the result; nothing is drawn.
        return p.finish::<VALUE>(a, negm, false, zero, zero);
    }
    // |x| = sig · 2^(E − BIAS − MAN) with E = max(exponent field, 1); the format's
    // quantum 2^q_min lies sh = q_min + BIAS + MAN − E ≥ s ≥ 0 bits above the last bit
    // (E ≤ emin + BIAS, equality only for host subnormals when emin is the host's).
    // δ·2⁶⁴ is the low sh bits of sig aligned to the top of a u64 (0 < sh < 64), or
    // sig >> (sh − 64) with the rest in the sticky bit.
    let field = (a >> H::MAN).to_u64();
    let sig = (a & ((one << H::MAN).wsub(one))).to_u64() | (u64::from(field != 0) << H::MAN);
    let sh = (i64::from(p.quantum_exp) + i64::from(H::BIAS) + i64::from(H::MAN)
        - field.max(1) as i64) as u64;
    let (trunc, frac, sticky) = if sh == 0 {
        (sig, 0, false)
    } else if sh < 64 {
        (sig >> sh, sig << (64 - sh), false)
    } else if sh < 128 {
        let k = sh - 64;
        (0, sig >> k, sig & ((1u64 << k) - 1) != 0)
    } else {
        (0, 0, sig != 0)
    };
    let inc = decide.decide(neg, trunc & 1 == 1, Discarded { frac, sticky });
    let kept = H::Bits::from_u64(trunc + u64::from(inc));
    let v = (H::from_bits(p.magic_bits.wadd(kept)) - p.magic).to_bits();
    let code = kept << p.subnormal_shift;
    p.finish::<VALUE>(a, negm, p.max_mag.slt(code), code, v)
}

/// [`round_increment`] with a fixed mode and generator.
pub(super) struct ByMode<'r, R: ?Sized> {
    mode: Rounding,
    rng: &'r mut R,
}

impl<'r, R: RandomBits + ?Sized> ByMode<'r, R> {
    /// Decisions in `mode`, drawing from `rng`.
    #[inline(always)]
    pub fn new(mode: Rounding, rng: &'r mut R) -> Self {
        ByMode { mode, rng }
    }

    /// Whether to increment the kept value: [`round_increment`] with this mode.
    #[inline(always)]
    pub fn decide(&mut self, negative: bool, odd: bool, d: Discarded) -> bool {
        round_increment(negative, odd, d, self.mode, self.rng)
    }
}
