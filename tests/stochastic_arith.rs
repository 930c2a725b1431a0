//! Stochastic rounding inside the arithmetic (add, sub, mul, div, fma, sqrt), against the
//! IEEE P3109 definitions and the table on `Stochastic`, with exact results from
//! `rug` (the operands' textbook values from `tests/oracle`, never lowprec's):
//!
//! - statistics with fixed seeds: for add, mul, div and fma in bf16, E4M3FN and fp16,
//!   100,000 repetitions of a fixed inexact operation under SR (proportional, 64 bits) and
//!   the P3109 variants A, B, C with 4 and 8 random bits: the mean result is within 5
//!   standard errors of the exact result (SR) or of the variant's defined expectation, and
//!   the empirical probability of rounding away from zero is within 5 standard errors of
//!   δ (SR) or of the variant's defined probability (a function of δ); every result is one
//!   of the two neighbours, and each operation draws once;
//! - exact results are never changed and draw nothing, in every stochastic mode;
//! - the decision at its exact threshold: for random inexact operations (bf16, E4M3FN,
//!   fp16, fp32, fp64; every operation; SR and P3109 A/B/C with 4 to 64 bits) the draw r
//!   just below and at the threshold that the exact δ defines (r < ⌈δ·2ⁿ⌉ for SR,
//!   ⌊δ·2ⁿ⌋ + r ≥ 2ⁿ for A, …) must give the two different neighbours, so every bit of δ
//!   that the rule reads must be right, whichever path (host fast path, 256-bit sums,
//!   long division, square root) computed it (B and C with 64 bits are left out where δ
//!   has more than 64 bits: `Discarded` keeps 64 bits and a sticky bit, and those two
//!   rules would need the 65th bit or the rest's comparison with ½);
//! - the operations and `FloatFormat::round` of the exact result, fed the same seed, give
//!   the same results and draw the same random bits (one draw per inexact rounding), for
//!   random operands over the whole range, overflow and underflow included.

mod oracle;

use std::collections::VecDeque;

use lowprec::float::{Exact, Finite};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, Overflow, RandomBits, Rounding, SplitMix64, Status, StatusAnd};
use oracle::stochastic::away_draws;
use oracle::{Grid, Spec, Val, float_to_q, q_to_float};
use rug::float::Round;
use rug::{Float, Integer, Rational};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Fma,
    Sqrt,
}

/// A random source that counts its draws.
struct Counting<R>(R, u64);

impl<R: RandomBits> RandomBits for Counting<R> {
    fn next_u64(&mut self) -> u64 {
        self.1 += 1;
        self.0.next_u64()
    }
}

/// A random source that returns scripted words and fails the test when it runs dry.
struct Script(VecDeque<u64>);

impl RandomBits for Script {
    fn next_u64(&mut self) -> u64 {
        self.0
            .pop_front()
            .expect("drew more random words than scripted")
    }
}

fn sr(kind: SrKind, bits: u8) -> Rounding {
    Rounding::Stochastic(Stochastic { kind, bits })
}

fn run<R: RandomBits>(
    f: &FloatFormat,
    op: Op,
    c: [u64; 3],
    mode: Rounding,
    rng: &mut R,
) -> StatusAnd<u64> {
    let ov = Overflow::Ieee;
    match op {
        Op::Add => f.add_with(c[0], c[1], lowprec::Round::new(mode, ov), rng),
        Op::Sub => f.sub_with(c[0], c[1], lowprec::Round::new(mode, ov), rng),
        Op::Mul => f.mul_with(c[0], c[1], lowprec::Round::new(mode, ov), rng),
        Op::Div => f.div_with(c[0], c[1], lowprec::Round::new(mode, ov), rng),
        Op::Fma => f.fma_with(c[0], c[1], c[2], lowprec::Round::new(mode, ov), rng),
        Op::Sqrt => f.sqrt_with(c[0], lowprec::Round::new(mode, ov), rng),
    }
}

fn num(s: &Spec, code: u64) -> Option<Rational> {
    match s.decode(code) {
        Val::Num(q) => Some(q),
        Val::Zero { .. } => Some(Rational::new()),
        _ => None,
    }
}

/// The exact result of `op` on finite operands (`None` for non-finite operands, division
/// by zero, the square root of a negative number, and irrational roots, which come back
/// through [`exact_float`] instead).
fn exact_q(s: &Spec, op: Op, c: [u64; 3]) -> Option<Rational> {
    let x = num(s, c[0])?;
    let y = || num(s, c[1]);
    Some(match op {
        Op::Add => x + y()?,
        Op::Sub => x - y()?,
        Op::Mul => x * y()?,
        Op::Div => {
            let y = y()?;
            if y == 0 {
                return None;
            }
            x / y
        }
        Op::Fma => x * y()? + num(s, c[2])?,
        Op::Sqrt => return None,
    })
}

/// The exact result as a `Float` that rounds like it at every precision up to 600 bits
/// below its leading bit: exact when it has at most 300 bits, otherwise its 300-bit
/// truncation toward zero nudged away from zero by one 600-bit unit. Also the exact δ
/// below needs the rational, which quotients and sums have; roots come with `None`.
fn exact_float(s: &Spec, op: Op, c: [u64; 3]) -> Option<(Float, Option<Rational>)> {
    let near = |(mut f, dir): (Float, std::cmp::Ordering)| {
        if dir != std::cmp::Ordering::Equal {
            f.set_prec(600);
            if f.is_sign_negative() {
                f.next_down();
            } else {
                f.next_up();
            }
        }
        f
    };
    if op == Op::Sqrt {
        let x = num(s, c[0])?;
        if x <= 0 {
            return None;
        }
        let root = near(Float::with_val_round(
            300,
            q_to_float(&x).sqrt_ref(),
            Round::Zero,
        ));
        return Some((root, None));
    }
    let q = exact_q(s, op, c)?;
    if q == 0 {
        return None;
    }
    let f = near(Float::with_val_round(300, &q, Round::Zero));
    Some((f, Some(q)))
}

/// The two neighbours of an inexact value in the format, toward and away from zero,
/// with their codes and the exact discarded fraction δ; `None` when the value is exact,
/// overflows, or has zero as a neighbour.
struct Between {
    toward: u64,
    away: u64,
    toward_q: Rational,
    away_q: Rational,
    delta: Rational,
}

fn between(s: &Spec, x: &Float, q: Option<&Rational>) -> Option<Between> {
    let g: Grid = s.grid(x);
    if g.exact || g.down.is_zero() || g.up.is_zero() {
        return None;
    }
    let (down, up) = (float_to_q(&g.down), float_to_q(&g.up));
    let max = float_to_q(&s.max);
    if down.clone().abs() > max || up.clone().abs() > max {
        return None;
    }
    let (toward_q, away_q) = if g.negative { (up, down) } else { (down, up) };
    // δ from the exact rational where there is one; roots get it to 600 bits, which
    // fixes the first 300 bits beyond any p ≤ 53 bits exactly (enough for 64-bit draws).
    let xq = match q {
        Some(q) => q.clone(),
        None => float_to_q(x),
    };
    let delta = Rational::from(&xq - &toward_q) / Rational::from(&away_q - &toward_q);
    Some(Between {
        toward: s.encode(&q_to_float(&toward_q)),
        away: s.encode(&q_to_float(&away_q)),
        toward_q,
        away_q,
        delta,
    })
}

/// The defined probability of rounding away: the share of draws in [`away_draws`].
fn defined_p(kind: SrKind, n: u32, delta: &Rational) -> Rational {
    let (lo, hi) = away_draws(kind, n, delta);
    Rational::from((hi - lo, Integer::from(1) << n))
}

// ---------------------------------------------------------------------------------------
// Statistics with fixed seeds.

/// The modes of the statistical tests: SR with 64 bits and P3109 A, B, C with 4 and 8.
fn stat_modes() -> Vec<(SrKind, u8)> {
    let mut v = vec![(SrKind::Proportional, 64)];
    for kind in [SrKind::P3109A, SrKind::P3109B, SrKind::P3109C] {
        for bits in [4, 8] {
            v.push((kind, bits));
        }
    }
    v
}

/// One fixed inexact operation: format, operation, operand codes, and the discarded
/// fraction δ derived by hand (checked against the exact computation).
struct Case {
    fmt: FloatFormat,
    op: Op,
    codes: [u64; 3],
    delta: (u32, u32),
    why: &'static str,
}

fn stat_cases() -> Vec<Case> {
    let (bf16, e4m3, fp16) = (FloatFormat::BF16, FloatFormat::E4M3FN, FloatFormat::FP16);
    let case = |fmt, op, codes, delta, why| Case {
        fmt,
        op,
        codes,
        delta,
        why,
    };
    vec![
        case(
            bf16,
            Op::Add,
            [0x3f80, 0x3b28, 0],
            (21, 64),
            "1 + 1.3125·2^-9: a unit is 2^-7, δ = 1.3125/4",
        ),
        case(
            bf16,
            Op::Mul,
            [0x3f85, 0x3f83, 0],
            (15, 128),
            "(1 + 5·2^-7)(1 + 3·2^-7) = 1 + 8·2^-7 + 15·2^-14",
        ),
        case(
            bf16,
            Op::Div,
            [0x3f80, 0x4040, 0],
            (2, 3),
            "1/3 = 1.0101010|1010…·2^-2",
        ),
        case(
            bf16,
            Op::Div,
            [0xbf80, 0x4040, 0],
            (2, 3),
            "-1/3: the magnitude rounds as for 1/3",
        ),
        case(
            bf16,
            Op::Fma,
            [0x3f85, 0x3f83, 0xbf80],
            (7, 8),
            "(1 + 5·2^-7)(1 + 3·2^-7) − 1 = 2^-4 + 15·2^-14, unit 2^-11",
        ),
        case(
            e4m3,
            Op::Add,
            [0x38, 0x0b, 0],
            (11, 64),
            "1 + 1.375·2^-6: a unit is 2^-3, δ = 1.375/8",
        ),
        case(
            e4m3,
            Op::Mul,
            [0x39, 0x3b, 0],
            (3, 8),
            "1.125 · 1.375 = 1.546875 = 1.5 + 0.375·2^-3",
        ),
        case(
            e4m3,
            Op::Div,
            [0x38, 0x44, 0],
            (2, 3),
            "1/3 = 1.010|1010…·2^-2",
        ),
        case(
            e4m3,
            Op::Fma,
            [0x39, 0x3b, 0x81],
            (23, 64),
            "1.125 · 1.375 − 2^-9 = 1.5 + (0.375 − 2^-6)·2^-3",
        ),
        case(
            fp16,
            Op::Add,
            [0x3c00, 0x0e66, 0],
            (1638, 4096),
            "1 + (1 + 614/1024)·2^-12: a unit is 2^-10",
        ),
        case(
            fp16,
            Op::Mul,
            [0x3c01, 0x3c03, 0],
            (3, 1024),
            "(1 + 2^-10)(1 + 3·2^-10) = 1 + 4·2^-10 + 3·2^-20: below 2^-8, so the 4- and 8-bit variants never round up",
        ),
        case(
            fp16,
            Op::Div,
            [0x3c00, 0x4200, 0],
            (1, 3),
            "1/3 = 1.0101010101|0101…·2^-2",
        ),
        case(
            fp16,
            Op::Fma,
            [0x3c01, 0x3c03, 0xbc00],
            (3, 4),
            "(1 + 2^-10)(1 + 3·2^-10) − 1 = 2^-8 + 3·2^-20, unit 2^-18",
        ),
    ]
}

const REPS: u32 = 100_000;

#[test]
fn means_and_probabilities_within_five_standard_errors() {
    let mut seed = 0x5EED_0000u64;
    for case in stat_cases() {
        let s = Spec::new(case.fmt);
        let (x, q) = exact_float(&s, case.op, case.codes).expect("finite");
        let q = q.expect("rational");
        let b = between(&s, &x, Some(&q)).expect("an inexact operation");
        assert_eq!(
            b.delta,
            Rational::from(case.delta),
            "{} {:?}: δ of {}",
            case.fmt,
            case.op,
            case.why
        );
        let unit = Rational::from(&b.away_q - &b.toward_q); // signed
        for (kind, bits) in stat_modes() {
            seed += 1;
            let mode = sr(kind, bits);
            let p = if kind == SrKind::Proportional {
                // ⌈δ·2⁶⁴⌉/2⁶⁴: δ itself within 2^-64.
                defined_p(kind, 64, &b.delta)
            } else {
                defined_p(kind, u32::from(bits), &b.delta)
            };
            let mut rng = Counting(SplitMix64::new(seed), 0);
            let (mut ups, mut sum) = (0u32, 0f64);
            let (tv, av) = (b.toward_q.to_f64(), b.away_q.to_f64());
            for _ in 0..REPS {
                let r = run(&case.fmt, case.op, case.codes, mode, &mut rng);
                assert_eq!(r.status, Status::INEXACT, "{} {mode}", case.why);
                if r.value == b.away {
                    ups += 1;
                    sum += av;
                } else {
                    assert_eq!(r.value, b.toward, "{} {mode}: not a neighbour", case.why);
                    sum += tv;
                }
            }
            assert_eq!(rng.1, u64::from(REPS), "{} {mode}: one draw each", case.why);
            let ctx = format!(
                "{} {:?} {mode}({bits}) [{}]: δ = {}, p = {p}, {ups} of {REPS} away",
                case.fmt, case.op, case.why, b.delta
            );
            let pf = p.to_f64();
            let n = f64::from(REPS);
            let se_p = (pf * (1.0 - pf) / n).sqrt();
            if se_p == 0.0 {
                // A certain outcome: p = 0 or 1, exactly.
                assert_eq!(f64::from(ups), pf * n, "{ctx}");
            } else {
                let z = (f64::from(ups) / n - pf).abs() / se_p;
                assert!(z <= 5.0, "{ctx}: probability off by {z:.1} SE");
            }
            // The mean against the expectation toward + p·unit, which for SR (and for the
            // variants whenever δ has at most n bits) is the exact result itself.
            let expect = &b.toward_q + Rational::from(&p * &unit);
            if kind == SrKind::Proportional || p == b.delta {
                let gap = Rational::from(&expect - &q).abs();
                let tiny = unit.clone().abs() >> 64u32;
                assert!(
                    gap <= tiny,
                    "{ctx}: the expectation is not the exact result"
                );
            }
            let mean = sum / n;
            let se_mean = se_p * unit.to_f64().abs();
            let off = (mean - expect.to_f64()).abs();
            if se_mean == 0.0 {
                assert_eq!(off, 0.0, "{ctx}");
            } else {
                assert!(
                    off <= 5.0 * se_mean,
                    "{ctx}: mean {mean} off by {:.1} SE",
                    off / se_mean
                );
            }
        }
    }
}

/// The share of inexact results rounded away under `Equal` is ½.
#[test]
fn equal_probability_rounding_is_a_fair_coin() {
    for case in stat_cases() {
        let s = Spec::new(case.fmt);
        let (x, q) = exact_float(&s, case.op, case.codes).unwrap();
        let b = between(&s, &x, q.as_ref()).unwrap();
        let mut rng = Counting(SplitMix64::new(77), 0);
        let mut ups = 0u32;
        for _ in 0..REPS {
            let r = run(
                &case.fmt,
                case.op,
                case.codes,
                sr(SrKind::Equal, 1),
                &mut rng,
            );
            ups += u32::from(r.value == b.away);
            assert!(r.value == b.away || r.value == b.toward);
        }
        assert_eq!(rng.1, u64::from(REPS));
        let se = (0.25 / f64::from(REPS)).sqrt();
        let z = (f64::from(ups) / f64::from(REPS) - 0.5).abs() / se;
        assert!(z <= 5.0, "{}: {ups} away, {z:.1} SE", case.why);
    }
}

/// Every stochastic mode the tests use, limited bits included.
fn all_sr_modes() -> Vec<Rounding> {
    let mut v = vec![sr(SrKind::Proportional, 64), sr(SrKind::Equal, 1)];
    for kind in [
        SrKind::Proportional,
        SrKind::P3109A,
        SrKind::P3109B,
        SrKind::P3109C,
    ] {
        for bits in [1, 4, 8, 23, 64] {
            v.push(sr(kind, bits));
        }
    }
    v
}

#[test]
fn exact_results_are_never_changed() {
    // Each: format, operation, operands, the exact result's code (by hand).
    let cases: &[(FloatFormat, Op, [u64; 3], u64)] = &[
        // bf16: 1 + 1 = 2; 1.5 · 2 = 3; 3 / 1.5 = 2; 1.5 · 2 + (−1) = 2; √4 = 2.
        (FloatFormat::BF16, Op::Add, [0x3f80, 0x3f80, 0], 0x4000),
        (FloatFormat::BF16, Op::Mul, [0x3fc0, 0x4000, 0], 0x4040),
        (FloatFormat::BF16, Op::Div, [0x4040, 0x3fc0, 0], 0x4000),
        (FloatFormat::BF16, Op::Fma, [0x3fc0, 0x4000, 0xbf80], 0x4000),
        (FloatFormat::BF16, Op::Sqrt, [0x4080, 0, 0], 0x4000),
        // E4M3FN: 448 − 448 = +0; the smallest subnormal 2^-9 + 2^-9 = 2^-8 (0x02);
        // 448 / 2 = 224 (0x76); 2^-9 · 1 = 2^-9.
        (FloatFormat::E4M3FN, Op::Sub, [0x7e, 0x7e, 0], 0x00),
        (FloatFormat::E4M3FN, Op::Add, [0x01, 0x01, 0], 0x02),
        (FloatFormat::E4M3FN, Op::Div, [0x7e, 0x40, 0], 0x76),
        (FloatFormat::E4M3FN, Op::Mul, [0x01, 0x38, 0], 0x01),
        // fp16: (1 + 2^-10)² − (1 + 2^-9) = 2^-20 exactly (0x0010); 65504 · 1 = 65504.
        (FloatFormat::FP16, Op::Fma, [0x3c01, 0x3c01, 0xbc02], 0x0010),
        (FloatFormat::FP16, Op::Mul, [0x7bff, 0x3c00, 0], 0x7bff),
        (FloatFormat::FP16, Op::Sub, [0x3c00, 0x3800, 0], 0x3800),
        (FloatFormat::FP16, Op::Sqrt, [0x5c00, 0, 0], 0x4c00),
    ];
    for &(fmt, op, codes, want) in cases {
        let s = Spec::new(fmt);
        // The expected code is the exact result, per the textbook values.
        if let Some(q) = exact_q(&s, op, codes) {
            assert_eq!(num(&s, want), Some(q), "{fmt} {op:?} {codes:x?}");
        }
        for mode in all_sr_modes() {
            let mut rng = Counting(SplitMix64::new(1), 0);
            for _ in 0..100 {
                let r = run(&fmt, op, codes, mode, &mut rng);
                assert_eq!(
                    (r.value, r.status),
                    (want, Status::OK),
                    "{fmt} {op:?} {mode}"
                );
            }
            assert_eq!(
                rng.1, 0,
                "{fmt} {op:?} {mode}: an exact result drew random bits"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The decision at its exact threshold, and the operations against `round`.

fn random_operand(s: &Spec, rng: &mut SplitMix64) -> u64 {
    loop {
        let c = rng.next_u64() & s.code_mask();
        if matches!(s.decode(c), Val::Num(_)) {
            return c;
        }
    }
}

/// Operands whose sum or product needs many bits: the second one random, or within a
/// factor 2^±70 of the first (the sum is then not an f64, for the host fast path).
fn operands(s: &Spec, op: Op, rng: &mut SplitMix64) -> [u64; 3] {
    let a = random_operand(s, rng);
    let mut b = random_operand(s, rng);
    let c = random_operand(s, rng);
    if matches!(op, Op::Add | Op::Sub) && rng.next_u64() % 2 == 0 {
        // b = a's value times about 2^-k, k up to 70: shift the exponent field down.
        let m = s.m;
        let k = 1 + rng.next_u64() % 70;
        let mag = a & s.mag_mask();
        let frac = rng.next_u64() & ((1u64 << m) - 1);
        let e = (mag >> m).saturating_sub(k).max(1);
        b = (e << m | frac) | (rng.next_u64() & s.sign_bit());
    }
    [a, b, c]
}

fn arity(op: Op) -> usize {
    match op {
        Op::Sqrt => 1,
        Op::Fma => 3,
        _ => 2,
    }
}

#[test]
fn every_bit_of_delta_at_the_threshold() {
    let formats = [
        FloatFormat::BF16,
        FloatFormat::E4M3FN,
        FloatFormat::FP16,
        FloatFormat::FP32,
        FloatFormat::FP64,
    ];
    let ops = [Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Fma, Op::Sqrt];
    let kinds = [
        SrKind::Proportional,
        SrKind::P3109A,
        SrKind::P3109B,
        SrKind::P3109C,
    ];
    let mut rng = SplitMix64::new(0x7E5_7E5);
    let mut checked = 0u64;
    for fmt in formats {
        let s = Spec::new(fmt);
        for op in ops {
            let mut found = 0;
            while found < 300 {
                let codes = operands(&s, op, &mut rng);
                let Some((x, q)) = exact_float(&s, op, codes) else {
                    continue;
                };
                let Some(b) = between(&s, &x, q.as_ref()) else {
                    continue;
                };
                found += 1;
                for kind in kinds {
                    for bits in [4u32, 8, 27, 40, 53, 64] {
                        let mode = sr(kind, bits as u8);
                        // B and C look at δ to n + 1 bits and draw at most 63 bits (the
                        // 64 bits and sticky bit of `Discarded` hold exactly that much).
                        let bits = if matches!(kind, SrKind::P3109B | SrKind::P3109C) {
                            bits.min(63)
                        } else {
                            bits
                        };
                        let (lo, hi) = away_draws(kind, bits, &b.delta);
                        let one = Integer::from(1) << bits;
                        // The draws on both sides of each end of the away range.
                        let mut probes: Vec<Integer> = Vec::new();
                        for end in [&lo, &hi] {
                            probes.push(Integer::from(end - 1u32));
                            probes.push(end.clone());
                        }
                        for r in probes {
                            if r < 0 || r >= one {
                                continue;
                            }
                            let away = r >= lo && r < hi;
                            // `bits(n)` reads the top n bits of the word: put r there,
                            // and a junk pattern below that must not matter.
                            let r64 = r.to_u64().expect("below 2^64");
                            let word = if bits == 64 {
                                r64
                            } else {
                                (r64 << (64 - bits)) | (0x5A5A_5A5A_5A5A_5A5A >> bits)
                            };
                            let mut script = Script(VecDeque::from([word]));
                            let got = run(&fmt, op, codes, mode, &mut script);
                            let want = if away { b.away } else { b.toward };
                            assert!(script.0.is_empty(), "{fmt} {op:?} {mode}: no draw");
                            assert_eq!(
                                got.value,
                                want,
                                "{fmt} {op:?}({codes:#x?}) {mode} bits {bits}: draw {r}, δ = {}, away iff r in [{lo}, {hi})",
                                b.delta.to_f64()
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    println!("{checked} threshold draws checked");
    assert!(checked > 100_000, "{checked}");
}

/// An `Exact` for a nonzero rational: its leading 120 bits and a sticky bit.
fn exact_of(q: &Rational) -> Exact {
    let neg = *q < 0;
    let a = q.clone().abs();
    let (n, d) = a.into_numer_denom();
    // 2^e ≤ |q| < 2^(e+1).
    let mut e = n.significant_bits() as i32 - d.significant_bits() as i32;
    if Rational::from((n.clone(), d.clone())) < oracle::pow2_q(e) {
        e -= 1;
    }
    // sig = ⌊|q| · 2^(119 − e)⌋.
    let k = 119 - e;
    let (num, den) = if k >= 0 {
        (n << k as u32, d)
    } else {
        (n, d << (-k) as u32)
    };
    let (sig, rem) = num.div_rem(den);
    Exact::Finite(Finite {
        negative: neg,
        sig: sig.to_u128().expect("120 bits"),
        exp: -k,
        sticky: rem != 0,
    })
}

#[test]
fn operations_draw_like_round_of_the_exact_result() {
    let formats = [
        FloatFormat::BF16,
        FloatFormat::E4M3FN,
        FloatFormat::FP16,
        FloatFormat::FP32,
        FloatFormat::FP64,
    ];
    let ops = [Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Fma];
    let mut picks = SplitMix64::new(0xD1CE);
    let mut compared = 0u64;
    for fmt in formats {
        let s = Spec::new(fmt);
        for op in ops {
            for mode in all_sr_modes() {
                let seed = picks.next_u64();
                let mut a = Counting(SplitMix64::new(seed), 0);
                let mut b = Counting(SplitMix64::new(seed), 0);
                let mut inexact = 0u64;
                for _ in 0..300 {
                    let codes = operands(&s, op, &mut picks);
                    let Some(q) = exact_q(&s, op, codes) else {
                        continue;
                    };
                    let x = if q == 0 {
                        // An exact zero sum is +0 outside toward −∞.
                        Exact::Zero { negative: false }
                    } else {
                        exact_of(&q)
                    };
                    let before = a.1;
                    let got = run(&fmt, op, codes, mode, &mut a);
                    let want = fmt.round(x, lowprec::Round::new(mode, Overflow::Ieee), &mut b);
                    assert_eq!(
                        (got.value, got.status),
                        (want.value, want.status),
                        "{fmt} {op:?}({:#x?}) {mode}",
                        &codes[..arity(op)]
                    );
                    assert_eq!(a.1, b.1, "{fmt} {op:?}({codes:#x?}) {mode}: draws differ");
                    // One draw exactly when the rounding discards something: the exact
                    // result is off the grid (an overflow of a value on it draws nothing).
                    let drew = a.1 - before;
                    let off_grid = match exact_float(&s, op, codes) {
                        Some((f, _)) => !s.grid(&f).exact,
                        None => false,
                    };
                    let is_inexact = got.status.contains(Status::INEXACT);
                    assert!(is_inexact || !off_grid);
                    assert_eq!(
                        drew,
                        u64::from(off_grid),
                        "{fmt} {op:?}({codes:#x?}) {mode}: {:#x} [{}]",
                        got.value,
                        got.status
                    );
                    inexact += u64::from(is_inexact);
                    compared += 1;
                }
                assert!(inexact > 0, "{fmt} {op:?} {mode}: nothing inexact");
                // Both generators are at the same place.
                assert_eq!(a.0.next_u64(), b.0.next_u64());
            }
        }
    }
    println!("{compared} operations compared with round()");
}
