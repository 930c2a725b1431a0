//! Property tests of add, sub, mul, div, sqrt and fma against MPFR, for random formats
//! (exponent bits 2..=11, fraction bits 1..=52 so p up to 53, bias within ±60 of the IEEE
//! default, subnormals on and off, every kind of specials, signed and unsigned), in every
//! deterministic rounding mode and overflow policy, status flags included.
//!
//! The operands are codes built from the format's textbook layout (never by lowprec) so
//! that the exact results land where rounding is delicate:
//! - near overflow (operands near max, products and quotients just past it),
//! - near underflow and the subnormal boundary (results in and around the subnormal
//!   range, tininess before and after rounding),
//! - cancellation (b ≈ −a for add, b ≈ a for sub, c ≈ −a·b for fma),
//! - at and next to midpoints: b = (2k + 1)·2^(q−1)-style addends that put a + b exactly
//!   halfway between two neighbours of its binade (quantum 2^q), or one unit of b's last
//!   place beside it; multipliers B ≡ A⁻¹·T (mod 2^d) that make the low d bits of the
//!   product A·B equal a chosen pattern T (exactly half, half ± 1, 0, ±1); fma addends
//!   c = 2^(q−1) − (a·b mod 2^q) that complete a product to a midpoint; quotients that are
//!   subnormal midpoints; radicands next to the squares of midpoints,
//! - and the special operands (zeros, infinities, quiet and signaling NaNs).
//!
//! The exact result is computed with `rug::Rational` from the textbook values of the
//! operands (IEEE 754 §6 and §7 for the special cases); quotients and roots that are not
//! short binary fractions go to the oracle as a 300-bit truncation nudged by one 600-bit
//! unit (they lie strictly between two 300-bit values, so they round like any point
//! between them). The oracle (`tests/oracle`) rounds it; codes and flags must match.
//!
//! The default run checks 12,960,000 operations (3000 formats × 6 operations × 24 operand
//! tuples × 10 modes × 3 policies) in about ten seconds; `LOWPREC_LONG=1` runs ten times
//! as many formats. `LOWPREC_SEED=n` replays a run (the seed is printed). The run also
//! counts what the operands reach (ties, near ties, cancellation, overflow, underflow,
//! special operands) and fails if a target is missed.

mod oracle;

use std::cell::Cell;

use lowprec::float::{FloatParams, Specials};
use lowprec::{FloatFormat, Overflow, RandomBits, Rounding, SplitMix64, Status};
use oracle::arith::{self, Case, Exact, Op};
use oracle::{In, Spec, Tally, Val, q_to_float};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rug::{Float, Integer};

/// Formats per default run, and operand tuples per operation and format.
const FORMATS: u32 = 3000;
const TUPLES: usize = 24;

fn long_run() -> bool {
    std::env::var("LOWPREC_LONG").is_ok_and(|v| v == "1")
}

const OPS: [Op; 6] = Op::ALL;

/// A random valid format: p up to 53, the bias mostly the IEEE one or within a few of it.
fn format_strategy() -> impl Strategy<Value = FloatFormat> {
    (
        2u32..=11,
        prop_oneof![1u32..=10, 11u32..=52, Just(52u32), Just(23u32)],
        prop_oneof![2 => Just(0i32), 1 => -3i32..=3, 1 => -60i32..=60],
        0usize..Specials::ALL.len(),
        any::<bool>(),
        prop_oneof![3 => Just(true), 1 => Just(false)],
    )
        .prop_filter_map("valid format", |(e, m, off, sp, sub, signed)| {
            let bias = (1i32 << (e - 1)) - 1 + off;
            FloatFormat::new(FloatParams {
                exp_bits: e,
                man_bits: m,
                bias,
                specials: Specials::ALL[sp],
                subnormals: sub,
                signed,
            })
            .ok()
        })
}

// ---------------------------------------------------------------------------------------
// Operands from the textbook layout.

fn bits(x: u128) -> i32 {
    128 - x.leading_zeros() as i32
}

fn below(rng: &mut SplitMix64, n: u64) -> u64 {
    if n == 0 { 0 } else { rng.next_u64() % n }
}

fn span(rng: &mut SplitMix64, lo: i64, hi: i64) -> i64 {
    lo + below(rng, (hi - lo + 1) as u64) as i64
}

fn coin(rng: &mut SplitMix64) -> bool {
    rng.next_u64() & 1 == 1
}

/// Up to `n` ≤ 128 random bits.
fn random_bits(rng: &mut SplitMix64, n: i32) -> u128 {
    let r = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
    if n <= 0 { 0 } else { r >> (128 - n.min(128)) }
}

/// A finite nonzero value (−1)^neg · sig · 2^exp.
#[derive(Clone, Copy, Debug)]
struct Num {
    neg: bool,
    sig: u128,
    exp: i32,
}

impl Num {
    /// Exponent of the leading bit.
    fn top(&self) -> i32 {
        self.exp + bits(self.sig) - 1
    }
}

/// The grid's quantum at a value whose leading bit is 2^e: 2^(e − m) in the normal
/// range, the subnormal quantum below it (2^emin, the gap {0, 2^emin}, without
/// subnormals).
fn quantum(s: &Spec, e: i32) -> i32 {
    let m = s.m as i32;
    if e >= s.emin {
        e - m
    } else if s.sub {
        s.emin - m
    } else {
        s.emin
    }
}

/// The code of (−1)^neg · sig · 2^exp per the textbook layout, if the format holds it.
fn encode(s: &Spec, v: Num) -> Option<u64> {
    if v.sig == 0 || (v.neg && !s.signed) {
        return None;
    }
    let m = s.m as i32;
    let e = v.top();
    let (q, normal) = if e >= s.emin {
        (e - m, true)
    } else if s.sub && s.has_zero() {
        (s.emin - m, false)
    } else {
        return None;
    };
    // sig · 2^exp = K · 2^q with K an integer.
    let k = if v.exp >= q {
        let sh = (v.exp - q) as u32;
        if sh >= 128 || bits(v.sig) + sh as i32 > 127 {
            return None;
        }
        v.sig << sh
    } else {
        let sh = (q - v.exp) as u32;
        if sh >= 128 || v.sig & ((1u128 << sh) - 1) != 0 {
            return None;
        }
        v.sig >> sh
    };
    let mag = if normal {
        let biased = i64::from(e) + i64::from(s.bias);
        if biased < i64::from(s.has_zero()) || biased > 1 << 12 {
            return None;
        }
        ((biased as u64) << m) | (k as u64 - (1u64 << m))
    } else {
        k as u64
    };
    (mag <= s.max_code).then(|| mag | if v.neg { s.sign_bit() } else { 0 })
}

/// The finite nonzero value of a code per the textbook layout (via the oracle's decoder).
fn value(s: &Spec, code: u64) -> Option<Num> {
    match s.decode(code) {
        Val::Num(q) => {
            let neg = q < 0;
            // |q| = n / 2^k with n an integer of at most p bits once its zeros are gone.
            let (n, d) = q.abs().into_numer_denom();
            let k = d.significant_bits() as i32 - 1;
            let tz = n.find_one(0).expect("nonzero");
            let sig = Integer::from(&n >> tz).to_u128().expect("at most 53 bits");
            Some(Num {
                neg,
                sig,
                exp: tz as i32 - k,
            })
        }
        _ => None,
    }
}

/// A finite nonzero code for an arbitrary request: the value itself when the format
/// holds it; else its leading bits at the nearest exponent in range, truncated to the
/// grid there (max for anything larger).
fn settle(s: &Spec, v: Num, rng: &mut SplitMix64) -> u64 {
    if let Some(c) = encode(s, v) {
        return c;
    }
    if v.sig == 0 {
        return random_code(s, rng);
    }
    let m = s.m as i32;
    let neg = v.neg && s.signed;
    let lowest = if s.sub && s.has_zero() {
        s.emin - m
    } else {
        s.emin
    };
    let e = v.top().clamp(lowest, s.emax);
    let q = quantum(s, e);
    // The leading bits of v, as many as the grid has at 2^e, as K · 2^q.
    let keep = (e - q + 1).max(1);
    let drop = bits(v.sig) - keep;
    let k = if drop >= 0 {
        v.sig >> drop
    } else {
        v.sig << -drop
    };
    encode(
        s,
        Num {
            neg,
            sig: k,
            exp: q,
        },
    )
    .unwrap_or_else(|| {
        let sign = if neg { s.sign_bit() } else { 0 };
        if e >= s.emax {
            sign | s.max_code
        } else {
            random_code(s, rng)
        }
    })
}

fn random_code(s: &Spec, rng: &mut SplitMix64) -> u64 {
    rng.next_u64() & s.code_mask()
}

/// A code of interest: near max, near 2^emin, the subnormal boundary, the smallest
/// values, near 1, random finite values, and the special codes.
fn anchor(s: &Spec, rng: &mut SplitMix64) -> u64 {
    let m = s.m;
    let j = below(rng, 3);
    let one = 1u64 << m;
    let mag = match below(rng, 16) {
        0 | 1 => s.max_code - j.min(s.max_code),
        2 => one + j,
        3 => one.saturating_sub(1 + j),
        4 => 1 + j,
        5 | 6 => {
            // Near 1.0: biased exponent = bias.
            let c = (i64::from(s.bias) << m) + span(rng, -2, 2);
            c.clamp(0, s.max_code as i64) as u64
        }
        7 => 0,
        8 => return random_code(s, rng),
        9 => {
            // Infinities and NaNs, where the format has them (else a random code).
            let c = random_code(s, rng);
            if s.has_inf() && coin(rng) {
                return s.inf_code(coin(rng) && s.signed);
            }
            if s.specials == Specials::Ieee && m > 1 && coin(rng) {
                // A signaling NaN: exponent all ones, quiet bit clear, payload nonzero.
                let sign = if coin(rng) { s.sign_bit() } else { 0 };
                return sign | (((1u64 << s.e) - 1) << m) | 1;
            }
            if s.has_nan() {
                return s.canonical_nan(coin(rng));
            }
            return c;
        }
        _ => below(rng, s.max_code + 1),
    };
    let mag = mag.min(s.max_code);
    if s.signed && coin(rng) {
        mag | s.sign_bit()
    } else {
        mag
    }
}

/// A finite nonzero anchor, or a random normal value.
fn finite_anchor(s: &Spec, rng: &mut SplitMix64) -> (u64, Num) {
    for _ in 0..8 {
        let c = anchor(s, rng);
        if let Some(v) = value(s, c) {
            return (c, v);
        }
    }
    let one = 1u64 << s.m;
    let c = one + below(rng, s.max_code - one + 1);
    (c, value(s, c).expect("a normal code"))
}

/// The sign flipped (for signed formats).
fn flip(s: &Spec, c: u64) -> u64 {
    if s.signed { c ^ s.sign_bit() } else { c }
}

/// A magnitude code moved by a few steps, staying finite and nonnegative.
fn nudge(s: &Spec, c: u64, rng: &mut SplitMix64) -> u64 {
    let sign = c & s.sign_bit();
    let mag = i128::from(c & s.mag_mask()) + i128::from(span(rng, -2, 2));
    sign | mag.clamp(0, i128::from(s.max_code)) as u64
}

/// b such that a + b lies at, or one unit of b's last place beside, a midpoint of the
/// grid near a (quantum 2^q, q within a binade of a's quantum, not below the smallest).
fn midpoint_addend(s: &Spec, a: Num, rng: &mut SplitMix64) -> u64 {
    let p = s.p as i32;
    let qa = quantum(s, a.top());
    let qmin = quantum(s, s.emin - 1);
    let q = (qa + span(rng, -2, 1) as i32).max(qmin);
    // b = ((2·off + 1)·2^k + d) · 2^(q − 1 − k): a + b ≡ 2^(q−1) + d·2^(q−1−k) (mod 2^q)
    // when a is a multiple of 2^q.
    let off_bits = span(rng, 0, i64::from((p - 2).max(0))) as i32;
    let odd = 2 * random_bits(rng, off_bits) + 1;
    let room = p - bits(odd);
    // Mostly b's last bit as far down as it goes: a + b then lies 2^(−1−k) units from
    // the midpoint (d = ±1), the closest p-bit operands can come.
    let k = if coin(rng) {
        room.max(0)
    } else {
        span(rng, 0, i64::from(room.max(0))) as i32
    };
    let d: i128 = match below(rng, 4) {
        0 | 1 => 0,
        2 => 1,
        _ => -1,
    };
    let sig = ((odd << k) as i128 + d).max(1) as u128;
    let neg = s.signed && coin(rng);
    settle(
        s,
        Num {
            neg,
            sig,
            exp: q - 1 - k,
        },
        rng,
    )
}

/// Modular inverse of an odd number modulo 2^128 (Newton's iteration).
fn inverse(a: u128) -> u128 {
    let mut x = a; // correct to 3 bits
    for _ in 0..7 {
        x = x.wrapping_mul(2u128.wrapping_sub(a.wrapping_mul(x)));
    }
    x
}

/// A low-bits pattern of width d: exactly half, half ± 1, 0, ±1, or random.
fn pattern(d: i32, rng: &mut SplitMix64) -> u128 {
    if d <= 0 {
        return 0;
    }
    let half = 1u128 << (d - 1);
    let mask = if d >= 128 {
        u128::MAX
    } else {
        (1u128 << d) - 1
    };
    let t = match below(rng, 8) {
        0..=2 => half,
        3 => half + 1,
        4 => half.wrapping_sub(1),
        5 => 1,
        6 => mask, // −1
        _ => random_bits(rng, d),
    };
    t & mask
}

/// b for a given a such that the product's bits below its rounding position follow a
/// chosen pattern, with the product's exponent near `target`.
fn pattern_factor(s: &Spec, a: Num, target: i32, rng: &mut SplitMix64) -> u64 {
    let m = s.m as i32;
    // b = B · 2^eb with B ∈ [2^m, 2^(m+1)); the product's leading bit is near
    // top(a) + m + eb (+1 with a carry), its last bit at a.exp + eb.
    let eb = target - a.top() - m;
    let e_prod = a.top() + m + eb + i32::from(coin(rng));
    let d = quantum(s, e_prod) - (a.exp + eb);
    let tz = a.sig.trailing_zeros() as i32;
    let low = (1u128 << m) - 1;
    let big = if d > tz {
        // a.sig · B ≡ T (mod 2^d) ⇐ odd · B ≡ T / 2^tz (mod 2^(d − tz)), for T a multiple
        // of 2^tz; B's leading bit is forced, so at most its m low bits follow.
        let odd = a.sig >> tz;
        let t = pattern(d.min(127), rng) >> tz;
        inverse(odd).wrapping_mul(t)
    } else {
        random_bits(rng, m)
    };
    let sig = (1u128 << m) | (big & low);
    settle(
        s,
        Num {
            neg: s.signed && coin(rng),
            sig,
            exp: eb,
        },
        rng,
    )
}

/// The operand codes of one test case for `op`.
fn operands(s: &Spec, op: Op, rng: &mut SplitMix64) -> [u64; 3] {
    let m = s.m as i32;
    let (a, av) = finite_anchor(s, rng);
    // Where results should land: near max, near 2^emin, in the subnormal range, anywhere.
    let target = match below(rng, 6) {
        0 => s.emax - span(rng, -1, 1) as i32,
        1 => s.emin + span(rng, -2, 1) as i32,
        2 => s.emin - span(rng, 1, i64::from(m + 2)) as i32,
        _ => span(rng, i64::from(s.emin - m - 2), i64::from(s.emax + 1)) as i32,
    };
    let special = below(rng, 12) == 0;
    match op {
        Op::Add | Op::Sub => {
            let b = match below(rng, 8) {
                _ if special => anchor(s, rng),
                0 => anchor(s, rng),
                // Cancellation: b ≈ −a (add) or b ≈ a (sub), a few codes apart.
                1 | 2 => {
                    let c = nudge(s, a, rng);
                    if op == Op::Add { flip(s, c) } else { c }
                }
                _ => {
                    let c = midpoint_addend(s, av, rng);
                    // For sub, a − (−b) = a + b.
                    if op == Op::Sub { flip(s, c) } else { c }
                }
            };
            let a = if special { anchor(s, rng) } else { a };
            [a, b, 0]
        }
        Op::Mul => {
            if special {
                return [anchor(s, rng), anchor(s, rng), 0];
            }
            let b = match below(rng, 4) {
                0 => anchor(s, rng),
                _ => pattern_factor(s, av, target, rng),
            };
            [a, b, 0]
        }
        Op::Div => {
            if special {
                return [anchor(s, rng), anchor(s, rng), 0];
            }
            match below(rng, 6) {
                0 => [a, anchor(s, rng), 0],
                // Quotients near 1 (just below or above, where the binade changes).
                1 => [a, nudge(s, a, rng), 0],
                // max over values just below 1: just past the overflow threshold.
                2 => {
                    let one = i64::from(s.bias) << m;
                    let mag = (one - span(rng, 1, 3)).clamp(0, s.max_code as i64) as u64;
                    [s.max_code, mag, 0]
                }
                // a = b · t with t short: quotients that are exact, of few bits, placed
                // anywhere; a third of them midpoints of the subnormal grid (t odd times
                // half the subnormal quantum), the only quotients that can be ties.
                _ => {
                    let qmin = quantum(s, s.emin - 1);
                    let bb = span(rng, 1, i64::from((m / 2).max(1))) as i32;
                    let bsig = random_bits(rng, bb) | 1 | (1u128 << (bb - 1));
                    let tb = span(rng, 1, i64::from((s.p as i32 - bits(bsig)).max(1))) as i32;
                    let tsig = random_bits(rng, tb) | 1 | (1u128 << (tb - 1));
                    let texp = if s.sub && coin(rng) {
                        qmin - 1
                    } else {
                        target - bits(tsig) + 1
                    };
                    // b's leading bit near 1, or high enough that a = b·t is normal.
                    let ttop = texp + bits(tsig) - 1;
                    let btop = if ttop < s.emin + s.p as i32 {
                        span(
                            rng,
                            i64::from(s.emin + s.p as i32 - ttop),
                            i64::from(s.emax - ttop).max(0),
                        ) as i32
                    } else {
                        span(rng, -3, 3) as i32
                    };
                    let neg = s.signed && coin(rng);
                    let bexp = btop - bits(bsig) + 1;
                    let b = settle(
                        s,
                        Num {
                            neg,
                            sig: bsig,
                            exp: bexp,
                        },
                        rng,
                    );
                    let a = match value(s, b) {
                        Some(bv) => settle(
                            s,
                            Num {
                                neg: s.signed && coin(rng),
                                sig: tsig * bv.sig,
                                exp: texp + bv.exp,
                            },
                            rng,
                        ),
                        None => anchor(s, rng),
                    };
                    [a, b, 0]
                }
            }
        }
        Op::Sqrt => {
            if special {
                return [anchor(s, rng), 0, 0];
            }
            match below(rng, 4) {
                0 => [a, 0, 0],
                // Squares of short values: exact roots.
                1 => {
                    let tb = span(rng, 1, i64::from(s.p.div_ceil(2))) as i32;
                    let t = random_bits(rng, tb) | (1u128 << (tb - 1));
                    let e = span(rng, i64::from(s.emin - m), i64::from(s.emax)) as i32;
                    let c = settle(
                        s,
                        Num {
                            neg: false,
                            sig: t * t,
                            exp: 2 * (e / 2),
                        },
                        rng,
                    );
                    [c, 0, 0]
                }
                // Next to the square of a midpoint M·2^k (M odd of p + 1 bits, so the
                // midpoint of two neighbours 2^(k+1) apart): the top p bits of M² and
                // their neighbours, so that √a lies within about 2^-p units of M·2^k.
                _ => {
                    let p = s.p as i32;
                    let mid = (random_bits(rng, p) | (1u128 << (p - 1))) * 2 + 1;
                    let sq = Integer::from(mid) * Integer::from(mid);
                    let n = sq.significant_bits() as i32;
                    let top = Integer::from(&sq >> (n - p) as u32)
                        .to_u128()
                        .expect("p bits");
                    let top = (top as i128 + span(rng, -1, 1) as i128) as u128;
                    // a = top · 2^((n − p) + 2k), its leading bit near a random exponent.
                    let e = span(rng, i64::from(s.emin), i64::from(s.emax)) as i32;
                    let k = (e - p + 1 - (n - p)).div_euclid(2);
                    let c = settle(
                        s,
                        Num {
                            neg: false,
                            sig: top,
                            exp: (n - p) + 2 * k,
                        },
                        rng,
                    );
                    [c, 0, 0]
                }
            }
        }
        Op::Fma => {
            if special {
                return [anchor(s, rng), anchor(s, rng), anchor(s, rng)];
            }
            let (b, bv) = match below(rng, 3) {
                0 => finite_anchor(s, rng),
                _ => {
                    let b = pattern_factor(s, av, target, rng);
                    match value(s, b) {
                        Some(v) => (b, v),
                        None => finite_anchor(s, rng),
                    }
                }
            };
            // The exact product P = (A·B) · 2^(ea + eb).
            let psig = av.sig * bv.sig;
            let pexp = av.exp + bv.exp;
            let pneg = av.neg != bv.neg;
            let ptop = pexp + bits(psig) - 1;
            let c = match below(rng, 8) {
                0 => anchor(s, rng),
                // A tiny addend beside the product (breaks a product tie either way).
                1 => {
                    let mag = 1 + below(rng, 2);
                    if s.signed && coin(rng) {
                        mag | s.sign_bit()
                    } else {
                        mag
                    }
                }
                // Cancellation: −P rounded to p bits toward zero, and its neighbours.
                2 | 3 => {
                    let drop = (bits(psig) - s.p as i32).max(0);
                    let c = settle(
                        s,
                        Num {
                            neg: !pneg,
                            sig: (psig >> drop).max(1),
                            exp: pexp + drop,
                        },
                        rng,
                    );
                    if coin(rng) { nudge(s, c, rng) } else { c }
                }
                // A midpoint: c = ±2^(q−1) − (P mod 2^q) with 2^q the quantum at P, so
                // that P + c = (P − P mod 2^q) + 2^(q−1), possibly nudged by a unit of c.
                _ => {
                    let q = quantum(s, ptop + span(rng, -1, 0) as i32);
                    let sh = q - pexp;
                    if (1..120).contains(&sh) {
                        let rem = psig & ((1u128 << sh) - 1);
                        let half = 1u128 << (sh - 1);
                        let (neg, sig) = if rem >= half {
                            (!pneg, rem - half)
                        } else {
                            (pneg, half - rem)
                        };
                        let sig = (sig as i128 + span(rng, -1, 1) as i128).max(1) as u128;
                        let neg = neg && s.signed;
                        settle(
                            s,
                            Num {
                                neg,
                                sig,
                                exp: pexp,
                            },
                            rng,
                        )
                    } else {
                        anchor(s, rng)
                    }
                }
            };
            [a, b, c]
        }
    }
}

// ---------------------------------------------------------------------------------------
// The property.

/// How often the cases hit what they aim at, per operation (judged by the oracle).
#[derive(Default, Debug, Clone, Copy)]
struct Coverage {
    cases: u64,
    /// Exactly halfway between two neighbours (ties-away and ties-to-zero differ).
    ties: u64,
    /// Within 2^-6 units of a midpoint, but not on it.
    near_ties: u64,
    /// Inexact, not a tie.
    inexact: u64,
    /// Exact nonzero results.
    exact: u64,
    /// Exact results of zero from nonzero operands (total cancellation), and results at
    /// least 8 bits below the larger operand of a sum (partial cancellation).
    cancel: u64,
    /// Overflow and underflow under ties-to-even.
    overflow: u64,
    underflow: u64,
    /// NaN, infinite or zero operands, invalid operations.
    special: u64,
}

impl Coverage {
    fn add(&mut self, o: &Coverage) {
        self.cases += o.cases;
        self.ties += o.ties;
        self.near_ties += o.near_ties;
        self.inexact += o.inexact;
        self.exact += o.exact;
        self.cancel += o.cancel;
        self.overflow += o.overflow;
        self.underflow += o.underflow;
        self.special += o.special;
    }
}

/// Whether a nonzero inexact value lies within 2^-6 units of a midpoint of its grid
/// (but not on it).
fn near_tie(s: &Spec, x: &Float) -> bool {
    let g = s.grid(x);
    if g.exact || g.tie {
        return false;
    }
    let unit = Float::with_val(700, &g.up - &g.down);
    let mid = Float::with_val(700, &g.up + &g.down) / 2u32;
    let d = Float::with_val(700, x - &mid).abs() / unit;
    d <= Float::with_val(53, Float::i_exp(1, -6))
}

fn check_case(s: &Spec, op: Op, c: [u64; 3], t: &mut Tally, cov: &mut Coverage) {
    let vals = c.map(|code| s.decode(code));
    let Case {
        exact: e,
        expect: ex,
    } = arith::check(s, op, c, vals.each_ref(), t);
    let n = op.arity();
    // Coverage.
    cov.cases += 1;
    let find = |mode: Rounding| {
        ex.iter()
            .find(|(m, p, _)| *m == mode && *p == Overflow::Ieee)
            .map(|(_, _, e)| e.clone())
            .expect("every mode")
    };
    let (rne, rna, rnz) = (
        find(Rounding::TiesToEven),
        find(Rounding::TiesToAway),
        find(Rounding::TiesToZero),
    );
    let flags = rne.flags.unwrap_or(Status::OK);
    let operands_finite = vals[..n].iter().all(|v| matches!(v, Val::Num(_)));
    match &e {
        Exact::Value(In::Num(x)) if operands_finite => {
            if rna.want != rnz.want {
                cov.ties += 1;
            } else if flags.contains(Status::INEXACT) {
                cov.inexact += 1;
                cov.near_ties += u64::from(near_tie(s, x));
            } else {
                cov.exact += 1;
            }
            if matches!(op, Op::Add | Op::Sub | Op::Fma) {
                let big = vals[..n]
                    .iter()
                    .filter_map(|v| match v {
                        Val::Num(q) => Some(q_to_float(q).get_exp().unwrap()),
                        _ => None,
                    })
                    .max()
                    .unwrap();
                cov.cancel += u64::from(x.get_exp().unwrap() + 8 <= big);
            }
        }
        Exact::Value(In::Zero { .. }) if operands_finite => cov.cancel += 1,
        _ => cov.special += 1,
    }
    cov.overflow += u64::from(flags.contains(Status::OVERFLOW));
    cov.underflow += u64::from(flags.contains(Status::UNDERFLOW));
}

fn check_format(fmt: FloatFormat, seed: u64, t: &mut Tally, cov: &mut [Coverage; 6]) {
    let s = Spec::new(fmt);
    let mut rng = SplitMix64::new(seed);
    for (k, &op) in OPS.iter().enumerate() {
        for _ in 0..TUPLES {
            let c = operands(&s, op, &mut rng);
            check_case(&s, op, c, t, &mut cov[k]);
        }
    }
}

#[test]
fn arithmetic_in_random_formats_against_mpfr() {
    let formats = if long_run() { FORMATS * 10 } else { FORMATS };
    let seed: u64 = match std::env::var("LOWPREC_SEED") {
        Ok(v) => v.parse().expect("LOWPREC_SEED is a u64"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    };
    println!("LOWPREC_SEED={seed}");
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: formats,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    let checks = Cell::new(0u64);
    let coverage = Cell::new([Coverage::default(); 6]);
    let result = runner.run(&(format_strategy(), any::<u64>()), |(fmt, seed)| {
        let mut t = Tally::default();
        let mut cov = [Coverage::default(); 6];
        check_format(fmt, seed, &mut t, &mut cov);
        let mut all = coverage.get();
        for (a, c) in all.iter_mut().zip(&cov) {
            a.add(c);
        }
        coverage.set(all);
        checks.set(checks.get() + t.checks);
        prop_assert!(
            t.failures == 0,
            "{} of {} checks failed; first:\n{}",
            t.failures,
            t.checks,
            t.first.join("\n")
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("LOWPREC_SEED={seed}: {e}");
    }
    println!("{} operations checked against MPFR", checks.get());
    assert!(
        checks.get() >= 1_000_000,
        "too few checks: {}",
        checks.get()
    );
    // The generators reach what they aim at, for every operation.
    for (op, c) in OPS.iter().zip(coverage.get()) {
        println!("{op:?}: {c:?}");
    }
    for (op, c) in OPS.iter().zip(coverage.get()) {
        // At least one case in `per` reaches each target (about half of what a run gets).
        let share = |n: u64, per: u64| n * per >= c.cases;
        let ok = share(c.inexact, 10)
            && share(c.exact, 20)
            && share(c.overflow, 60)
            && share(c.underflow, 60)
            && share(c.special, 30)
            && match op {
                Op::Add | Op::Sub => {
                    share(c.ties, 25) && share(c.near_ties, 80) && share(c.cancel, 15)
                }
                Op::Fma => share(c.ties, 25) && share(c.near_ties, 30) && share(c.cancel, 15),
                Op::Mul => share(c.ties, 25) && share(c.near_ties, 30),
                // Quotients are midpoints only below 2^emin; roots practically never.
                Op::Div => share(c.ties, 25) && share(c.near_ties, 40),
                Op::Sqrt => share(c.near_ties, 60),
            };
        assert!(ok, "{op:?} misses a target: {c:?}");
    }
}
