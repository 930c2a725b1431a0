//! Text input of any size against MPFR: decimals and hex floats, huge and tiny, parsed
//! by `Exact::from_str` and rounded once, in fp64, fp32, bf16, E4M3FN, E5M2, formats
//! without subnormals, E8M0 (no zero, no sign) and the formats with the most extreme
//! biases (±2²⁰), in every deterministic mode and overflow policy, codes and flags.
//!
//! What the oracle compares:
//! - Values MPFR holds (its default exponent range, ±(2³⁰ − 1)): decimal text is read by
//!   MPFR itself (`mpfr_strtofr`, correctly rounded), truncated to 320 bits with its
//!   ternary value, which stands for the true value in every p ≤ 53 rounding; hex text
//!   is built exactly from its digits. That reaches far beyond every format (10^±3·10⁸,
//!   2^±10⁹), so lowprec's stand-ins for values beyond 2^±FAR_EXPONENT meet the true
//!   values here.
//! - Values no MPFR float holds (10^(10¹²), exponents of a thousand digits): the oracle's
//!   definition gives every value above twice the largest finite value the overflow
//!   result of its sign, mode and policy, and every value below a quarter of the
//!   smallest step the rounding of "some tiny value" of its sign; the expectation is
//!   computed on several such values MPFR does hold, and checked to agree among them.
//! - Stochastic modes, by the definitions of the rules: a value beyond the largest
//!   finite one overflows as under round-to-nearest and draws once exactly when it is
//!   inexact at the format's precision; a value below 2⁻⁶⁴ of the smallest step
//!   (δ < 2⁻⁶⁴) draws once and rounds away from zero with probability
//!   ⌈δ·2ⁿ⌉/2ⁿ = 2⁻ⁿ (proportional: only r = 0), ½ (equal: the drawn bit), 0 (P3109
//!   A, B, C). A scripted random source hands out chosen words and counts the draws.
//!
//! Also checked: the premises of `FAR_EXPONENT` (every format `FloatFormat::new`
//! accepts has its largest value below 2^FAR_EXPONENT and its finest step above
//! 2^(64 − FAR_EXPONENT)), and that a stand-in rounds — in every format, mode and
//! policy, and in fixed point — as the same significand much further out does.

mod oracle;

use std::cmp::Ordering;

use lowprec::fixed::FixedFormat;
use lowprec::float::FloatParams;
use lowprec::float::{Exact, FAR_EXPONENT, Finite, Specials};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, Overflow, RandomBits, Rounding, SplitMix64, StatusAnd};
use oracle::{Expect, In, NoDraw, POLICIES, Spec, Tally, pow2};
use rug::float::Round;
use rug::ops::Pow;
use rug::{Float, Integer};

/// Bits MPFR keeps of a decimal (the rest is its ternary value).
const PREC: u32 = 320;

/// The formats of the test.
fn formats() -> Vec<Spec> {
    [
        "fp64",
        "fp32",
        "bf16",
        "fp16",
        "e4m3fn",
        "e5m2",
        "e5m2:nosub",
        "e8m7:nosub",
        "e8m0",
        "e2m1",
        "e6m9:unsigned",
        "e11m52:bias=1048576",
        "e11m52:bias=-1048576",
        "e4m3:nosub:bias=1048576",
    ]
    .iter()
    .map(|n| Spec::new(n.parse().unwrap_or_else(|e| panic!("{n}: {e}"))))
    .collect()
}

/// A small generator for the inputs (SplitMix64 is not under test here: only its bits).
struct Gen(SplitMix64);

impl Gen {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }
    /// `n` random digits of the radix (10 or 16), the first one nonzero but rarely.
    fn digits_radix(&mut self, n: usize, radix: u32) -> String {
        let mut s: String = (0..n)
            .map(|_| char::from_digit(self.below(u64::from(radix)) as u32, radix).unwrap())
            .collect();
        if self.below(8) != 0 {
            let d = char::from_digit(1 + self.below(u64::from(radix) - 1) as u32, radix).unwrap();
            s.replace_range(0..1, &d.to_string());
        }
        s
    }
    fn digits(&mut self, n: usize) -> String {
        self.digits_radix(n, 10)
    }
    fn sign(&mut self) -> &'static str {
        ["", "-", "+"][self.below(3) as usize]
    }
}

/// MPFR's reading of a decimal: the true value, or its 320-bit truncation plus half a
/// unit (any 0 < ε < 1 rounds alike at p ≤ 53 bits).
fn mpfr_decimal(s: &str) -> In {
    let neg = s.starts_with('-');
    let (t, ord) =
        Float::with_val_round(PREC, Float::parse(s).expect("MPFR reads it"), Round::Zero);
    assert!(t.is_finite(), "{s}: beyond MPFR's range");
    if t.is_zero() {
        assert_eq!(ord, Ordering::Equal, "{s}: below MPFR's range");
        return In::Zero { neg };
    }
    if ord == Ordering::Equal {
        return In::Num(t);
    }
    let half = pow2(t.get_exp().expect("nonzero") - PREC as i32 - 1);
    let x = if neg {
        Float::with_val(PREC + 1, &t - &half)
    } else {
        Float::with_val(PREC + 1, &t + &half)
    };
    In::Num(x)
}

/// The exact value of hex-float text `[+-]0xDIGITS[.DIGITS]p[+-]E`.
fn mpfr_hex(s: &str) -> In {
    let neg = s.starts_with('-');
    let body = s.trim_start_matches(['-', '+']);
    let body = &body[2..];
    let (sig, exp) = body.split_once(['p', 'P']).unwrap_or((body, "0"));
    let (int, frac) = sig.split_once('.').unwrap_or((sig, ""));
    let m = Integer::from_str_radix(&format!("0{int}{frac}"), 16).unwrap();
    if m == 0 {
        return In::Zero { neg };
    }
    let e: i64 = exp.parse().unwrap();
    let shift = i32::try_from(e - 4 * frac.len() as i64).unwrap();
    let bits = m.significant_bits().max(1);
    let mut x = Float::with_val(bits, m) << shift;
    assert!(x.is_normal(), "{s}: beyond MPFR's range");
    if neg {
        x = -x;
    }
    In::Num(x)
}

/// The oracle's expectations for a value of sign `neg` beyond every value of `spec`:
/// above twice its largest value (`huge`) or below a quarter of its smallest step.
/// Computed on values MPFR holds that lie there, which must agree.
fn beyond(spec: &Spec, neg: bool, huge: bool) -> Vec<(Rounding, Overflow, Expect)> {
    let far = 1 << 29;
    let values: Vec<Float> = if huge {
        vec![
            pow2(far),
            Float::with_val(2, 3) << (far - 5),
            (Float::with_val(300, Float::i_exp(1, 200)) + 1u32) << far,
            Float::with_val(64, &spec.max) << 2,
        ]
    } else {
        vec![
            pow2(-far),
            Float::with_val(2, 3) << (5 - far),
            (Float::with_val(300, Float::i_exp(1, 200)) + 1u32) << -far,
            pow2(spec.emin - spec.m as i32 - 3),
        ]
    };
    let mut out = None;
    for v in values {
        let v = if neg { -v } else { v };
        let e = spec.expect_all(&In::Num(v));
        match &out {
            None => out = Some(e),
            Some(first) => assert_eq!(&e, first, "{}: the oracle's far values differ", spec.name),
        }
    }
    out.expect("values")
}

/// Rounds the text `s` with lowprec in every deterministic mode and policy and checks
/// each result against `want`.
fn check_text(spec: &Spec, s: &str, want: &[(Rounding, Overflow, Expect)], tally: &mut Tally) {
    let x: Exact = match s.parse() {
        Ok(x) => x,
        Err(e) => {
            tally.record(Err(format!("parse error {e}")), || short(s));
            return;
        }
    };
    for (mode, policy, exp) in want {
        let got = spec
            .fmt
            .round(x, lowprec::Round::new(*mode, *policy), &mut NoDraw);
        tally.record(spec.check(got, exp), || {
            format!(
                "{} {} {}: {}",
                spec.name,
                mode.name(),
                policy.name(),
                short(s)
            )
        });
    }
}

/// The text, shortened for messages.
fn short(s: &str) -> String {
    if s.len() <= 80 {
        s.to_string()
    } else {
        format!("{}...{} ({} chars)", &s[..40], &s[s.len() - 30..], s.len())
    }
}

/// Random decimals and hex floats of every size: moderate ones and ones beyond every
/// format that MPFR still holds against MPFR, astronomically large and small ones
/// against the definition.
#[test]
fn random_huge_and_tiny_text() {
    let specs = formats();
    let mut g = Gen(SplitMix64::new(0x7e47));
    let mut tally = Tally::default();
    let (mut held, mut astronomical) = (0, 0);
    for i in 0..1500 {
        let digits = match g.below(10) {
            0 => 200 + g.below(2000) as usize,
            1..=3 => 1,
            _ => 1 + g.below(40) as usize,
        };
        let hex = i % 3 == 0;
        let d = g.digits_radix(digits, if hex { 16 } else { 10 });
        let (int, frac) = d.split_at(g.below(digits as u64 + 1) as usize);
        let sign = g.sign();
        let neg = sign == "-";
        // |exponent|: log-uniform up to 10^9 (MPFR holds decimals up to about 10^±3·10⁸
        // and hex up to 2^±10⁹), then astronomically far: 10^12 to 10^18, and beyond.
        let k = g.below(26);
        let text;
        let want: Vec<Vec<(Rounding, Overflow, Expect)>>;
        if k < 19 {
            let limit: u64 = if hex { 1_000_000_000 } else { 300_000_000 };
            let e = (g.below(10u64.pow(k as u32 / 2) + 1)).min(limit) as i64;
            let e = if g.below(2) == 0 { e } else { -e };
            text = if hex {
                format!("{sign}0x{int}.{frac}p{e}")
            } else {
                format!("{sign}{int}.{frac}e{e}")
            };
            let x = if hex {
                mpfr_hex(&text)
            } else {
                mpfr_decimal(&text)
            };
            want = specs.iter().map(|s| s.expect_all(&x)).collect();
            held += 1;
        } else {
            // 10^(10^k) and further: with at most a few thousand digits, beyond every
            // format on the side of the exponent's sign.
            let e = match k {
                19..=24 => (10u64.pow(12 + (k as u32 - 19)) + g.below(1 << 40)).to_string(),
                _ => {
                    let n = 20 + g.below(1000) as usize;
                    format!("{}{}", 1 + g.below(9), g.digits(n))
                }
            };
            let huge = g.below(2) == 0;
            let minus = if huge { "" } else { "-" };
            text = if hex {
                format!("{sign}0x{int}.{frac}p{minus}{e}")
            } else {
                format!("{sign}{int}.{frac}e{minus}{e}")
            };
            let zero = d.bytes().all(|b| b == b'0');
            want = specs
                .iter()
                .map(|s| {
                    if zero {
                        s.expect_all(&In::Zero { neg })
                    } else {
                        beyond(s, neg, huge)
                    }
                })
                .collect();
            astronomical += 1;
        }
        for (spec, want) in specs.iter().zip(&want) {
            check_text(spec, &text, want, &mut tally);
        }
    }
    println!("{held} texts MPFR holds, {astronomical} beyond it");
    tally.finish("random huge and tiny text against MPFR");
}

/// The exact decimal digits and exponent of a nonzero dyadic value: x = K·10^e.
fn exact_decimal(x: &Float) -> (Integer, i64) {
    let (m, e) = x.to_integer_exp().expect("finite");
    let m = m.abs();
    if e >= 0 {
        (m << e as u32, 0)
    } else {
        (m * Integer::from(5).pow(e.unsigned_abs()), i64::from(e))
    }
}

/// Text for K·10^e (K > 0) cut to `n` significant digits, rounded down or up.
fn cut(k: &Integer, e: i64, n: usize, up: bool) -> String {
    let digits = k.to_string();
    if digits.len() <= n {
        return format!("{digits}e{e}");
    }
    let drop = (digits.len() - n) as u32;
    let mut kept = k / Integer::from(10).pow(drop);
    if up {
        kept += 1;
    }
    format!("{kept}e{}", e + i64::from(drop))
}

/// Decimals and hex floats at and next to the thresholds of each format: the largest
/// value, the midpoint above it (where nearest modes overflow), the smallest subnormal
/// and half of it, the smallest normal, written exactly, cut short (rounded down and up
/// to 1 to 60 digits), and with a digit just above or below them far beyond every kept
/// place.
#[test]
fn thresholds_of_every_format() {
    let mut tally = Tally::default();
    let mut g = Gen(SplitMix64::new(0x7e48));
    let mut long = 0;
    for spec in formats() {
        let m = spec.m as i32;
        let qmin = if spec.sub { spec.emin - m } else { spec.emin };
        let ulp_max = pow2(spec.emax - m);
        let mut points = vec![
            spec.max.clone(),
            Float::with_val(200, &spec.max + &Float::with_val(200, &ulp_max / 2u32)),
            Float::with_val(200, &spec.max + &ulp_max),
            pow2(qmin),
            pow2(qmin - 1),
            Float::with_val(2, 3) << (qmin - 1),
            spec.min_normal.clone(),
        ];
        if spec.sub {
            points.push(Float::with_val(200, &spec.min_normal - pow2(qmin - 1)));
        }
        for p in &points {
            let (k, e) = exact_decimal(p);
            let exact_digits = k.to_string().len();
            let mut texts: Vec<String> = Vec::new();
            // Written out in full only where that is short enough, or once per format
            // for its smallest step (733 000 digits for the extreme biases).
            if exact_digits <= 2000 || (p == &pow2(qmin - 1) && exact_digits < 800_000) {
                let digits = k.to_string();
                texts.push(format!("{digits}e{e}"));
                texts.push(format!("{digits}{}1e{}", "0".repeat(3), e - 4));
                let below = Integer::from(&k - 1u32).to_string();
                texts.push(format!("{below}{}e{}", "9".repeat(3), e - 3));
                long += usize::from(exact_digits > 2000);
            }
            for _ in 0..3 {
                let n = 1 + g.below(60) as usize;
                texts.push(cut(&k, e, n, false));
                texts.push(cut(&k, e, n, true));
            }
            // Hex: exact, and a bit above and below at a random depth.
            let (hm, he) = p.to_integer_exp().expect("finite");
            texts.push(format!("0x{:x}p{he}", hm));
            let depth = 1 + g.below(150) as u32;
            let hm_deep = Integer::from(&hm << depth);
            texts.push(format!(
                "0x{:x}p{}",
                Integer::from(&hm_deep + 1u32),
                i64::from(he) - i64::from(depth)
            ));
            texts.push(format!(
                "0x{:x}p{}",
                Integer::from(&hm_deep - 1u32),
                i64::from(he) - i64::from(depth)
            ));
            for t in texts {
                for neg in [false, true] {
                    let s = if neg { format!("-{t}") } else { t.clone() };
                    let x = if t.starts_with("0x") {
                        mpfr_hex(&s)
                    } else {
                        mpfr_decimal(&s)
                    };
                    check_text(&spec, &s, &spec.expect_all(&x), &mut tally);
                }
            }
        }
    }
    assert!(
        long >= 2,
        "the extreme formats' smallest steps were written out"
    );
    tally.finish("thresholds of every format against MPFR");
}

/// A random source that hands out scripted words and counts the draws.
struct Script {
    word: u64,
    draws: u32,
}

impl RandomBits for Script {
    fn next_u64(&mut self) -> u64 {
        self.draws += 1;
        self.word
    }
}

/// Stochastic rounding of values beyond every format, huge and tiny, by the definitions
/// of the rules (see the module docs), with the draws counted.
#[test]
fn stochastic_beyond_every_format() {
    let specs = formats();
    let kinds = [
        SrKind::Proportional,
        SrKind::Equal,
        SrKind::P3109A,
        SrKind::P3109B,
        SrKind::P3109C,
    ];
    let mut tally = Tally::default();
    // Text, the significand's odd part in bits (0: inexact at every precision), and
    // whether MPFR holds the value (else it lies beyond every format).
    let cases: [(&str, u32, bool); 12] = [
        ("1e999999999999", 0, false),
        ("-7.25e99999999999999999999", 0, false),
        ("1e-400000000", 0, false),
        ("0x1p99999999999", 1, false),
        ("-0x1.8p99999999999", 2, false),
        ("-3e-1000000", 0, true),
        ("1e-400", 0, true),
        ("0x1.000000000001p5000000", 49, true),
        ("0x1.0000000000000000001p5000000", 81, true),
        ("-0x1p-5000000", 1, true),
        ("1e400000", 0, true),
        ("123456789e1000", 0, true),
    ];
    for spec in &specs {
        let qmin = if spec.sub {
            spec.emin - spec.m as i32
        } else {
            spec.emin
        };
        for &(text, odd_bits, held) in &cases {
            let x: Exact = text.parse().expect("parses");
            let neg = text.starts_with('-');
            // Above twice the largest value, or below 2^-64 of the smallest step.
            let huge = if held {
                let In::Num(v) = (if text.contains('x') {
                    mpfr_hex(text)
                } else {
                    mpfr_decimal(text)
                }) else {
                    unreachable!()
                };
                if v.cmp_abs(&(Float::with_val(64, &spec.max) << 1)) == Some(Ordering::Greater) {
                    true
                } else if v.cmp_abs(&pow2(qmin - 64)) == Some(Ordering::Less) {
                    false
                } else {
                    continue; // within the format's reach
                }
            } else {
                !text.contains("e-") && !text.contains("p-")
            };
            let p = spec.p;
            for kind in kinds {
                let max_bits = if matches!(kind, SrKind::P3109B | SrKind::P3109C) {
                    63
                } else {
                    64
                };
                for bits in [1u8, 7, 32, max_bits] {
                    let mode = Rounding::Stochastic(Stochastic { kind, bits });
                    let n = u32::from(bits);
                    // r = 0, r = 1, r = 2^n − 1: the top n bits of the scripted word.
                    for word in [0, 1u64 << (64 - n), u64::MAX] {
                        let r = word >> (64 - n);
                        for policy in POLICIES {
                            let mut rng = Script { word, draws: 0 };
                            let got =
                                spec.fmt
                                    .round(x, lowprec::Round::new(mode, policy), &mut rng);
                            let (want, draws) = if huge {
                                let inexact = odd_bits == 0 || odd_bits > p;
                                let w = beyond(spec, neg, true);
                                (pick(&w, Rounding::TiesToEven, policy), u32::from(inexact))
                            } else {
                                let away = match kind {
                                    SrKind::Proportional => r == 0,
                                    SrKind::Equal => r >> (n - 1) == 1,
                                    _ => false,
                                };
                                let w = beyond(spec, neg, false);
                                let directed = match (away, neg) {
                                    (false, _) => Rounding::TowardZero,
                                    (true, false) => Rounding::TowardPositive,
                                    (true, true) => Rounding::TowardNegative,
                                };
                                (pick(&w, directed, policy), 1)
                            };
                            tally.record(spec.check(got, &want), || {
                                format!(
                                    "{} {} {} r={r}: {text}",
                                    spec.name,
                                    mode.name(),
                                    policy.name()
                                )
                            });
                            tally.record(
                                if rng.draws == draws {
                                    Ok(())
                                } else {
                                    Err(format!("{} draws, want {draws}", rng.draws))
                                },
                                || format!("{} {}: {text}", spec.name, mode.name()),
                            );
                        }
                    }
                }
            }
        }
    }
    tally.finish("stochastic rounding beyond every format");
}

/// The expectation for `mode` and `policy`.
fn pick(want: &[(Rounding, Overflow, Expect)], mode: Rounding, policy: Overflow) -> Expect {
    want.iter()
        .find(|(m, p, _)| *m == mode && *p == policy)
        .map(|(_, _, e)| e.clone())
        .expect("a deterministic mode")
}

/// The premises of `FAR_EXPONENT`: `FloatFormat::new` accepts at most 11 exponent bits,
/// 52 fraction bits and a bias within ±2²⁰, and every format it accepts has its largest
/// value below 2^FAR_EXPONENT and its finest step at least 2^(65 − FAR_EXPONENT), so
/// nonzero values below 2^(1 − FAR_EXPONENT) lie under 2⁻⁶⁴ of it (by the oracle's own
/// reading of the parameters).
#[test]
fn every_format_lies_within_the_stand_ins() {
    let ieee = Specials::Ieee;
    assert!(
        FloatFormat::new(FloatParams {
            exp_bits: 12,
            man_bits: 3,
            bias: 2047,
            specials: ieee,
            subnormals: true,
            signed: true
        })
        .is_err()
    );
    assert!(
        FloatFormat::new(FloatParams {
            exp_bits: 5,
            man_bits: 53,
            bias: 15,
            specials: ieee,
            subnormals: true,
            signed: true
        })
        .is_err()
    );
    assert!(
        FloatFormat::new(FloatParams {
            exp_bits: 8,
            man_bits: 7,
            bias: (1 << 20) + 1,
            specials: ieee,
            subnormals: true,
            signed: true
        })
        .is_err()
    );
    assert!(
        FloatFormat::new(FloatParams {
            exp_bits: 8,
            man_bits: 7,
            bias: -(1 << 20) - 1,
            specials: ieee,
            subnormals: true,
            signed: true
        })
        .is_err()
    );
    let top = pow2(FAR_EXPONENT);
    let mut checked = 0;
    for e in 1..=11u32 {
        for m in [0, 1, 2, 7, 23, 52] {
            for bias in [
                -(1 << 20),
                -(1 << 20) + 1,
                0,
                (1 << (e - 1)) - 1,
                (1 << 20) - 1,
                1 << 20,
            ] {
                for specials in Specials::ALL {
                    for sub in [false, true] {
                        for signed in [false, true] {
                            let Ok(f) = FloatFormat::new(FloatParams {
                                exp_bits: e,
                                man_bits: m,
                                bias,
                                specials,
                                subnormals: sub,
                                signed,
                            }) else {
                                continue;
                            };
                            let s = Spec::new(f);
                            let qmin = if s.sub { s.emin - s.m as i32 } else { s.emin };
                            assert!(s.max < top, "{}: max {}", s.name, s.max);
                            assert!(qmin >= 65 - FAR_EXPONENT, "{}: step 2^{qmin}", s.name);
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

/// A stand-in rounds as the same significand further out does (the claim that makes it
/// sound), in every format above and random ones, every mode (stochastic with the same
/// random stream) and policy, and in fixed point; and for deterministic modes as MPFR's
/// oracle rounds that further value.
#[test]
fn stand_ins_round_as_values_further_out() {
    let mut specs = formats();
    let mut g = Gen(SplitMix64::new(0x7e49));
    while specs.len() < 60 {
        let e = 1 + g.below(11) as u32;
        let m = g.below(53) as u32;
        let bias = match g.below(3) {
            0 => (1 << (e - 1)) - 1,
            1 => g.below(1 << 21) as i32 - (1 << 20),
            _ => [-(1 << 20), 1 << 20][g.below(2) as usize],
        };
        let specials = Specials::ALL[g.below(Specials::ALL.len() as u64) as usize];
        if let Ok(f) = FloatFormat::new(FloatParams {
            exp_bits: e,
            man_bits: m,
            bias,
            specials,
            subnormals: g.below(2) == 0,
            signed: g.below(3) != 0,
        }) {
            specs.push(Spec::new(f));
        }
    }
    let mut modes: Vec<Rounding> = Rounding::DETERMINISTIC.to_vec();
    for kind in [
        SrKind::Proportional,
        SrKind::Equal,
        SrKind::P3109A,
        SrKind::P3109B,
        SrKind::P3109C,
    ] {
        for bits in [1, 13, 63] {
            modes.push(Rounding::Stochastic(Stochastic { kind, bits }));
        }
    }
    let texts = [
        "1e999999999999",
        "-1e-400000000",
        "0x1p99999999999",
        "-0x1.8p-99999999999",
        "0x1.23456789abcdef0123456789p2000000",
        "7e316887",
        "-9.99e-316887",
        "1e-316889",
    ];
    let fixed: Vec<FixedFormat> = [
        "ap_fixed<8,4,AP_TRN,AP_SAT>",
        "ap_fixed<64,-8000,AP_RND_CONV,AP_WRAP>",
        "ap_ufixed<16,8192,AP_RND,AP_SAT_SYM>",
        "ap_fixed<33,-8191,AP_RND_MIN_INF,AP_WRAP_SM,3>",
        "ac_fixed<64,8192,true,AC_RND_CONV_ODD,AC_WRAP>",
        "ap_int<64>",
    ]
    .iter()
    .map(|t| t.parse().unwrap_or_else(|e| panic!("{t}: {e:?}")))
    .collect();
    let mut tally = Tally::default();
    for text in texts {
        let Ok(Exact::Finite(f)) = text.parse::<Exact>() else {
            panic!("{text}")
        };
        let lead = f.exp + 127 - f.sig.leading_zeros() as i32;
        assert_eq!(lead.abs(), FAR_EXPONENT, "{text} is a stand-in");
        for k in [1, 1000, 1 << 20, (1 << 29) - 200] {
            let further = Finite {
                exp: f.exp + lead.signum() * k,
                ..f
            };
            let value = In::from_parts(f.negative, further.sig, further.exp, further.sticky);
            for spec in &specs {
                let oracle = spec.expect_all(&value);
                for &mode in &modes {
                    for policy in POLICIES {
                        let seed = g.0.next_u64();
                        let (mut r1, mut r2) = (SplitMix64::new(seed), SplitMix64::new(seed));
                        let a = spec.fmt.round(
                            Exact::Finite(f),
                            lowprec::Round::new(mode, policy),
                            &mut r1,
                        );
                        let b = spec.fmt.round(
                            Exact::Finite(further),
                            lowprec::Round::new(mode, policy),
                            &mut r2,
                        );
                        let ctx = || {
                            format!(
                                "{} {} {}: {text}, k = {k}",
                                spec.name,
                                mode.name(),
                                policy.name()
                            )
                        };
                        tally.record(same(a, b, r1.next_u64() == r2.next_u64()), ctx);
                        if !mode.is_stochastic() {
                            tally.record(spec.check(a, &pick(&oracle, mode, policy)), ctx);
                        }
                    }
                }
            }
            for fx in &fixed {
                let a = fx.from_exact_with(&Exact::Finite(f));
                let b = fx.from_exact_with(&Exact::Finite(further));
                tally.record(same(a, b, true), || format!("{fx}: {text}, k = {k}"));
                for mode in &modes[..] {
                    let seed = g.0.next_u64();
                    let (mut r1, mut r2) = (SplitMix64::new(seed), SplitMix64::new(seed));
                    let a = fx.round_exact(&Exact::Finite(f), *mode, &mut r1);
                    let b = fx.round_exact(&Exact::Finite(further), *mode, &mut r2);
                    tally.record(same(a, b, r1.next_u64() == r2.next_u64()), || {
                        format!("{fx} {}: {text}, k = {k}", mode.name())
                    });
                }
            }
        }
    }
    tally.finish("stand-ins against values further out");
}

/// Whether two results agree, codes, flags and draws.
fn same(a: StatusAnd<u64>, b: StatusAnd<u64>, same_draws: bool) -> Result<(), String> {
    if (a.value, a.status) == (b.value, b.status) && same_draws {
        Ok(())
    } else {
        Err(format!(
            "{:#x} [{}] against {:#x} [{}]{}",
            a.value,
            a.status,
            b.value,
            b.status,
            if same_draws { "" } else { ", other draws" }
        ))
    }
}

/// A decimal of a million digits within the formats' reach, against MPFR: every digit
/// counts up to about 10^−(t) and only feeds the sticky bit below.
#[test]
fn a_million_digits() {
    let mut g = Gen(SplitMix64::new(0x7e4a));
    let mut tally = Tally::default();
    let specs = formats();
    for (lead_zeros, n) in [(0, 1_000_000), (300_000, 700_000), (1000, 400_000)] {
        let s = format!("0.{}{}", "0".repeat(lead_zeros), g.digits(n));
        let x = mpfr_decimal(&s);
        for spec in &specs {
            check_text(spec, &s, &spec.expect_all(&x), &mut tally);
        }
    }
    // A power of two written out in decimal far above every format (331 000 digits):
    // exact, so stochastic modes draw nothing where the format's precision holds it.
    let two = Integer::from(1) << 1_100_000u32;
    for (n, odd_bits) in [(two.clone(), 1), (two.clone() * 3u32, 2), (two + 1u32, 0)] {
        let s = n.to_string();
        let x: Exact = s.parse().expect("parses");
        for spec in &specs {
            let mut rng = Script { word: 0, draws: 0 };
            let got = spec.fmt.round(
                x,
                lowprec::Round::new(Rounding::SR, Overflow::Ieee),
                &mut rng,
            );
            let want = pick(
                &beyond(spec, false, true),
                Rounding::TiesToEven,
                Overflow::Ieee,
            );
            tally.record(spec.check(got, &want), || {
                format!("{}: 2^1100000 · {odd_bits}", spec.name)
            });
            let draws = u32::from(odd_bits == 0 || odd_bits > spec.p);
            tally.record(
                if rng.draws == draws {
                    Ok(())
                } else {
                    Err(format!("{} draws", rng.draws))
                },
                || format!("{}: 2^1100000-ish with {odd_bits} odd bits", spec.name),
            );
        }
    }
    tally.finish("a million digits against MPFR");
}

/// Interval text takes bounds of any size too, rounded outward: above every binary64
/// to the largest one (down) or +∞ (up), below half its smallest step to 0 (down) or that
/// step (up); reversed bounds beyond the same end round to bounds that meet, which 1788
/// accepts.
#[test]
fn interval_bounds_of_any_size() {
    use lowprec::interval::Interval;
    let tiny = f64::from_bits(1);
    let read = |s: &str| -> (f64, f64) {
        let x: Interval<f64> = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        (x.inf(), x.sup())
    };
    assert_eq!(read("[1e-400000000, 1e999999999999]"), (0.0, f64::INFINITY));
    assert_eq!(read("[1e999999999999]"), (f64::MAX, f64::INFINITY));
    assert_eq!(read("[-0x1p-99999999999]"), (-tiny, 0.0));
    assert_eq!(read("1.5?1e999999999999"), (f64::MAX, f64::INFINITY));
    assert_eq!(read("1.5?1e-99999999999999999999999"), (0.0, tiny));
    assert_eq!(
        read("-1.5?1e99999999999999999999999"),
        (f64::NEG_INFINITY, -f64::MAX)
    );
    assert_eq!(
        read("[1e9999999999, 1e999999999]"),
        (f64::MAX, f64::INFINITY)
    );
    assert!("[1e999999999, 1e300]".parse::<Interval<f64>>().is_err());
}
