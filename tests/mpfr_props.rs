//! Property tests of the one rounding step against MPFR, for random formats (exponent bits
//! 2..=11, fraction bits 0..=52, bias within ±60 of the IEEE default, subnormals on and off,
//! every kind of specials, signed and unsigned) and random inputs concentrated near
//! overflow, underflow, the subnormal boundary, powers of two and halfway cases, entering
//! through every conversion (`Exact` with and without sticky bit, f64, f32, i64, u64, i128),
//! in every deterministic mode and overflow policy, with status flags.
//!
//! The default run checks well over 200,000 roundings; `LOWPREC_LONG=1` runs ten times as
//! many cases. `LOWPREC_SEED=n` replays a run (the seed is printed).

mod oracle;

use std::cell::Cell;

use lowprec::float::{Exact, Finite, FloatParams, Specials};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64, Status, StatusAnd};
use oracle::{In, NoDraw, Spec, Tally};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rug::{Float, Integer};

/// Formats per run, and inputs per format.
const CASES: u32 = 4000;
const INPUTS: usize = 64;

/// How often the inputs hit the cases of interest (judged by the oracle's expectations).
#[derive(Default, Debug, Clone, Copy)]
struct Coverage {
    inputs: u64,
    /// Halfway between two neighbours (ties-away and ties-to-zero differ).
    ties: u64,
    /// Inexact but not a tie.
    inexact: u64,
    /// Overflow under ties-to-even.
    overflow: u64,
    /// Underflow under ties-to-even.
    underflow: u64,
    /// Representable.
    exact: u64,
}

impl Coverage {
    fn add(&mut self, o: Coverage) {
        self.inputs += o.inputs;
        self.ties += o.ties;
        self.inexact += o.inexact;
        self.overflow += o.overflow;
        self.underflow += o.underflow;
        self.exact += o.exact;
    }
}

fn long_run() -> bool {
    std::env::var("LOWPREC_LONG").is_ok_and(|v| v == "1")
}

/// A random valid format.
fn format_strategy() -> impl Strategy<Value = FloatFormat> {
    (
        2u32..=11,
        prop_oneof![0u32..=10, 0u32..=52],
        -60i32..=60,
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

/// How an input enters lowprec.
#[derive(Clone, Copy, Debug)]
enum Entry {
    Exact(Exact),
    F64(f64),
    F32(f32),
    I64(i64),
    U64(u64),
    I128(i128),
}

impl Entry {
    fn round(self, f: &FloatFormat, mode: Rounding, policy: Overflow) -> StatusAnd<u64> {
        let r = &mut NoDraw;
        match self {
            Entry::Exact(x) => f.round(x, Round::new(mode, policy), r),
            Entry::F64(x) => f.from_f64_with(x, Round::new(mode, policy), r),
            Entry::F32(x) => f.from_f32_with(x, Round::new(mode, policy), r),
            Entry::I64(x) => f.from_i64_with(x, Round::new(mode, policy), r),
            Entry::U64(x) => f.from_u64_with(x, Round::new(mode, policy), r),
            Entry::I128(x) => f.from_i128_with(x, Round::new(mode, policy), r),
        }
    }
}

fn bits128(x: u128) -> u32 {
    128 - x.leading_zeros()
}

/// (−1)^neg · (sig + sticky·ε) · 2^exp as an `Exact` and as the oracle's input, with `sig`
/// widened to at least p + 2 bits when sticky (the contract of `Finite::sticky`).
fn exact_input(s: &Spec, neg: bool, mut sig: u128, mut exp: i32, sticky: bool) -> (Entry, In) {
    if sticky {
        let want = s.p + 2;
        if bits128(sig) < want {
            let sh = want - bits128(sig);
            sig <<= sh;
            exp -= sh as i32;
        }
    }
    let x = Exact::Finite(Finite {
        negative: neg,
        sig,
        exp,
        sticky,
    });
    (Entry::Exact(x), In::from_parts(neg, sig, exp, sticky))
}

/// A positive grid point K · 2^Q of interest: max, 2^emin, the subnormal boundary, the
/// smallest value, zero, powers of two, random grid points.
fn anchor(s: &Spec, rng: &mut SplitMix64) -> (u128, i32) {
    let m = s.m as i32;
    let span = |rng: &mut SplitMix64, lo: i32, hi: i32| {
        lo + (rng.next_u64() % (hi - lo + 1) as u64) as i32
    };
    let qmax = s.emax.max(s.emin) - m;
    match rng.next_u64() % 10 {
        0 | 1 => {
            // max = K · 2^qmax
            let k = (s.max.clone() << -qmax).to_integer().expect("finite");
            (k.to_u128().expect("small"), qmax)
        }
        2 => (1u128 << m, s.emin - m),
        3 => {
            if s.sub {
                (1, s.emin - m)
            } else {
                // The middle of the gap {0, 2^emin}.
                (1, s.emin - 1)
            }
        }
        4 => {
            if s.sub && m > 0 {
                ((1u128 << m) - 1, s.emin - m)
            } else {
                (1, s.emin)
            }
        }
        5 => (0, s.emin - m),
        6 | 7 => (1, span(rng, s.emin - m - 4, s.emax + 3)),
        8 => {
            let k = (1u128 << m) | (u128::from(rng.next_u64()) & ((1u128 << m) - 1));
            (k, span(rng, s.emin - m, s.emax - m))
        }
        _ => {
            let k = u128::from(rng.next_u64()) & ((1u128 << m) - 1);
            (k.max(1), s.emin - m)
        }
    }
}

/// A value near an anchor: K · 2^s + j at exponent Q − s, with j chosen to hit the anchor,
/// its neighbours, the midpoints and their neighbours, or a random nearby point.
fn near_anchor(s: &Spec, rng: &mut SplitMix64) -> (u128, i32) {
    let (k, q) = anchor(s, rng);
    let sh: u32 = match rng.next_u64() % 10 {
        0 => 0,
        1..=6 => 1 + (rng.next_u64() % 3) as u32,
        _ => 4 + (rng.next_u64() % 67) as u32,
    };
    let base = k << sh;
    let half = if sh > 0 { 1i128 << (sh - 1) } else { 0 };
    let j: i128 = match rng.next_u64() % 8 {
        0 => 0,
        1 => 1,
        2 => -1,
        3 => half,
        4 => -half,
        5 => half + 1 - 2 * (rng.next_u64() % 2) as i128,
        6 => -half + 1 - 2 * (rng.next_u64() % 2) as i128,
        _ => {
            let lim = (1i128 << sh.min(100)).max(2);
            (rng.next_u64() as i128 % lim) - lim / 2
        }
    };
    let sig = if j >= 0 {
        base + j as u128
    } else {
        base.saturating_sub(j.unsigned_abs())
    };
    (sig.max(1), q - sh as i32)
}

/// One random input and how it enters lowprec.
fn make_input(s: &Spec, seed: u64) -> (Entry, In) {
    let mut rng = SplitMix64::new(seed);
    let neg = rng.next_u64() % 3 == 0;
    match rng.next_u64() % 16 {
        // Exact values near anchors, with and without sticky bit.
        0..=6 => {
            let (sig, exp) = near_anchor(s, &mut rng);
            let sticky = rng.next_u64() % 3 == 0;
            exact_input(s, neg, sig, exp, sticky)
        }
        // Random u128 significands of random length, anywhere in (and around) the range.
        7 | 8 => {
            let len = 1 + (rng.next_u64() % 128) as u32;
            let sig = ((u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64()))
                >> (128 - len)
                | (1u128 << (len - 1));
            let lo = s.emin - s.m as i32 - 8;
            let hi = s.emax + 4;
            let top = lo + (rng.next_u64() % (hi - lo + 1) as u64) as i32;
            let sticky = rng.next_u64() % 2 == 0;
            exact_input(s, neg, sig, top - len as i32 + 1, sticky)
        }
        // f64 and f32 near anchors (the nearest host value) and random host bits.
        9 | 10 => {
            let (sig, exp) = near_anchor(s, &mut rng);
            let mut v = Float::with_val(130, Integer::from(sig)) << exp;
            if neg {
                v = -v;
            }
            let x = v.to_f64();
            (Entry::F64(x), In::from_f64(x))
        }
        11 => {
            let x = if rng.next_u64() % 2 == 0 {
                f64::from_bits(rng.next_u64())
            } else {
                let (sig, exp) = near_anchor(s, &mut rng);
                let v = Float::with_val(130, Integer::from(sig)) << exp;
                if neg { -v.to_f64() } else { v.to_f64() }
            };
            (Entry::F64(x), In::from_f64(x))
        }
        12 => {
            let x = if rng.next_u64() % 2 == 0 {
                f32::from_bits(rng.next_u64() as u32)
            } else {
                let (sig, exp) = near_anchor(s, &mut rng);
                let v = Float::with_val(130, Integer::from(sig)) << exp;
                if neg { -v.to_f32() } else { v.to_f32() }
            };
            (Entry::F32(x), In::from_f32(x))
        }
        // Integers: near anchors (rounded to an integer) or of random length.
        _ => {
            let x: i128 = if rng.next_u64() % 2 == 0 {
                let (sig, exp) = near_anchor(s, &mut rng);
                let v = Float::with_val(130, Integer::from(sig)) << exp;
                let i = v.to_integer().expect("finite");
                i.to_i128().unwrap_or(i128::MAX)
            } else {
                let len = 1 + (rng.next_u64() % 127) as u32;
                let r = ((u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64()))
                    >> (128 - len);
                r as i128
            };
            let x = if neg { -x } else { x };
            let input = In::from_i128(x);
            let entry = match rng.next_u64() % 3 {
                0 if i64::try_from(x).is_ok() => Entry::I64(x as i64),
                1 if u64::try_from(x).is_ok() => Entry::U64(x as u64),
                _ => Entry::I128(x),
            };
            (entry, input)
        }
    }
}

/// Rounds every input of one format in every deterministic mode and policy and compares
/// with the MPFR oracle.
fn check_format(fmt: FloatFormat, seeds: &[u64], t: &mut Tally) -> Coverage {
    let s = Spec::new(fmt);
    let mut cov = Coverage::default();
    for &seed in seeds {
        let (entry, input) = make_input(&s, seed);
        let all = s.expect_all(&input);
        let find = |mode: Rounding| {
            all.iter()
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
        cov.inputs += 1;
        if matches!(input, In::Num(_)) {
            if rna.want != rnz.want {
                cov.ties += 1;
            } else if flags.contains(Status::INEXACT) {
                cov.inexact += 1;
            } else {
                cov.exact += 1;
            }
        }
        cov.overflow += u64::from(flags.contains(Status::OVERFLOW));
        cov.underflow += u64::from(flags.contains(Status::UNDERFLOW));
        for (mode, policy, e) in all {
            let got = entry.round(&fmt, mode, policy);
            t.record(s.check(got, &e), || {
                format!(
                    "{fmt:?} ({}) input {entry:?} = {input:?} {mode} {policy}",
                    s.name
                )
            });
        }
    }
    cov
}

#[test]
fn random_formats_and_inputs_against_mpfr() {
    let cases = if long_run() { CASES * 10 } else { CASES };
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
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    let checks = Cell::new(0u64);
    let formats = Cell::new(0u64);
    let coverage = Cell::new(Coverage::default());
    let strategy = (
        format_strategy(),
        proptest::collection::vec(any::<u64>(), INPUTS),
    );
    let result = runner.run(&strategy, |(fmt, seeds)| {
        let mut t = Tally::default();
        let cov = check_format(fmt, &seeds, &mut t);
        let mut c = coverage.get();
        c.add(cov);
        coverage.set(c);
        checks.set(checks.get() + t.checks);
        formats.set(formats.get() + 1);
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
    println!(
        "{} formats, {} roundings checked against MPFR",
        formats.get(),
        checks.get()
    );
    assert!(checks.get() >= 200_000, "too few checks: {}", checks.get());
    // The generator reaches what it claims to: ties, overflow, underflow, exact values.
    let c = coverage.get();
    println!("coverage: {c:?}");
    for (what, n) in [
        ("ties", c.ties),
        ("inexact non-ties", c.inexact),
        ("overflows", c.overflow),
        ("underflows", c.underflow),
        ("exact values", c.exact),
    ] {
        assert!(n * 20 >= c.inputs, "only {n} {what} in {} inputs", c.inputs);
    }
}

/// Pinned edge cases: the extremes of the parameter space (exponent and fraction widths,
/// biases up to ±2²⁰, exponents of `Exact` inputs near MPFR's ±2³⁰ limit), every input kind.
#[test]
fn extreme_formats_against_mpfr() {
    let mut t = Tally::default();
    let mut rng = SplitMix64::new(0x5EED);
    for e in [2u32, 3, 11] {
        for m in [0u32, 1, 2, 23, 52] {
            for (sp, sub, signed) in [
                (Specials::Ieee, true, true),
                (Specials::Ieee, false, true),
                (Specials::FiniteNan, true, true),
                (Specials::Fnuz, false, true),
                (Specials::Finite, true, true),
                (Specials::P3109 { extended: true }, true, false),
                (Specials::P3109 { extended: false }, true, true),
                (Specials::NoZero, false, false),
            ] {
                let ieee_bias = (1i32 << (e - 1)) - 1;
                for bias in [
                    ieee_bias - 60,
                    ieee_bias,
                    ieee_bias + 60,
                    -(1 << 20),
                    1 << 20,
                ] {
                    let Ok(fmt) = FloatFormat::new(FloatParams {
                        exp_bits: e,
                        man_bits: m,
                        bias,
                        specials: sp,
                        subnormals: sub,
                        signed,
                    }) else {
                        continue;
                    };
                    let seeds: Vec<u64> = (0..64).map(|_| rng.next_u64()).collect();
                    let _ = check_format(fmt, &seeds, &mut t);
                    // Far beyond the range either way, and the largest and smallest
                    // exponents MPFR can hold.
                    let s = Spec::new(fmt);
                    for exp in [
                        -1_073_741_000,
                        -1_000_000_000,
                        -(1 << 22),
                        1 << 22,
                        1_000_000_000,
                        1_073_741_000,
                    ] {
                        let sig = u128::from(rng.next_u64()) << (rng.next_u64() % 64);
                        for (neg, sticky) in [(false, false), (true, true)] {
                            let (entry, input) = exact_input(&s, neg, sig.max(1), exp, sticky);
                            for (mode, policy, e) in s.expect_all(&input) {
                                t.record(s.check(entry.round(&fmt, mode, policy), &e), || {
                                    format!("{} {entry:?} {mode} {policy}", s.name)
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    t.finish("extreme formats");
}
