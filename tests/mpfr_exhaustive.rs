//! Exhaustive checks of the float core against independent oracles (MPFR through `rug`, and a
//! brute-force sorted table of values for formats of at most 8 bits):
//!
//! - every code of every format of at most 16 bits decodes to its textbook value and
//!   round-trips, in every deterministic mode and overflow policy;
//! - for every format of at most 8 bits: every value, every midpoint between neighbours
//!   (including the overflow threshold beyond max and the midpoint below the smallest
//!   subnormal), each ± one f32 ulp, and values far beyond both ends, in every
//!   deterministic mode and overflow policy, with status flags;
//! - every code of every format of at most 8 bits (and of fp16, bf16) converted into every
//!   format of at most 8 bits (a few, from fp16 and bf16), in every mode and policy;
//! - fp16 and bf16 from more than 10⁶ f32 inputs each: every value and every midpoint
//!   ± 1 and 2 ulps, plus random f32s, in every mode and policy (and lowprec's RNE
//!   shortcuts `f16_from_f32`, `bf16_from_f32`).

mod oracle;

use lowprec::float::{Class, Exact};
use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64, Status};
use oracle::{Expect, In, NoDraw, POLICIES, Spec, Table, Tally, Val, Want};
use rug::Rational;

/// Formats of at most 8 bits: the presets, P3109 formats and custom spellings.
const SMALL: &[&str] = &[
    "e5m2",
    "e4m3",
    "e4m3fn",
    "e4m3fnuz",
    "e5m2fnuz",
    "e4m3b11fnuz",
    "e3m4",
    "e2m3",
    "e3m2",
    "e2m1",
    "e8m0",
    "binary8p3se",
    "binary8p4sf",
    "binary8p1ue",
    "binary8p1se",
    "binary8p2uf",
    "binary8p5se",
    "binary8p6sf",
    "binary6p2se",
    "binary6p3uf",
    "binary4p2sf",
    "binary3p1ue",
    "e4m3:nosub",
    "e5m2:fnuz:nosub",
    "e4m3:fn:nosub",
    "e2m1:finite:nosub",
    "e3m2:p3109e:unsigned:nosub",
    "e2m3:bias=-2",
    "e3m3:fnuz:bias=1",
    "e1m3",
    "e1m6",
    "e2m0",
    "e3m0:finite",
    "e4m1:nozero:nosub",
    "e7m0:nozero:nosub:unsigned",
];

/// Formats of 9 to 16 bits (codes checked exhaustively, rounding by the MPFR oracle only).
const MEDIUM: &[&str] = &[
    "fp16",
    "bf16",
    "e5m10:nosub",
    "e8m7:fn",
    "e6m9:fnuz:nosub",
    "binary16p11se",
    "binary16p8uf",
    "binary12p4se",
];

fn spec(name: &str) -> Spec {
    let fmt: FloatFormat = name.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
    Spec::new(fmt)
}

/// Every format of at most 16 bits under test, the ≤ 16-bit presets included.
fn all_le16() -> Vec<Spec> {
    let mut names: Vec<&str> = FloatFormat::PRESETS
        .iter()
        .filter(|(_, f)| f.width() <= 16)
        .map(|(n, _)| *n)
        .collect();
    for n in SMALL.iter().chain(MEDIUM) {
        if !names.contains(n) {
            names.push(n);
        }
    }
    names.into_iter().map(spec).collect()
}

fn exact_to_val(x: Exact) -> Val {
    match x {
        Exact::Nan { negative } => Val::Nan { neg: negative },
        Exact::Inf { negative } => Val::Inf { neg: negative },
        Exact::Zero { negative } => Val::Zero { neg: negative },
        Exact::Finite(f) => {
            assert!(!f.sticky, "decode set sticky");
            let v = Rational::from(f.sig) * oracle::pow2_q(f.exp);
            if v == 0 {
                Val::Zero { neg: f.negative }
            } else if f.negative {
                Val::Num(-v)
            } else {
                Val::Num(v)
            }
        }
    }
}

/// A host float (as f64) against a textbook value; `signed_nan` says whether the NaN sign
/// is meaningful.
fn host_matches(x: f64, v: &Val, signed_nan: bool) -> bool {
    match v {
        Val::Nan { neg } => x.is_nan() && (!signed_nan || x.is_sign_negative() == *neg),
        Val::Inf { neg } => x.is_infinite() && (x < 0.0) == *neg,
        Val::Zero { neg } => x == 0.0 && x.is_sign_negative() == *neg,
        Val::Num(q) => Rational::from_f64(x).is_some_and(|h| h == *q),
    }
}

fn textbook_class(s: &Spec, v: &Val) -> Class {
    match v {
        Val::Nan { .. } => Class::Nan,
        Val::Inf { .. } => Class::Infinite,
        Val::Zero { .. } => Class::Zero,
        Val::Num(q) => {
            if s.has_zero() && Rational::from(q.abs_ref()) < oracle::pow2_q(s.emin) {
                Class::Subnormal
            } else {
                Class::Normal
            }
        }
    }
}

fn val_to_in(v: &Val) -> In {
    match v {
        Val::Nan { neg } => In::Nan { neg: *neg },
        Val::Inf { neg } => In::Inf { neg: *neg },
        Val::Zero { neg } => In::Zero { neg: *neg },
        Val::Num(q) => In::from_rational(q),
    }
}

#[test]
fn every_code_decodes_and_round_trips() {
    let fp32 = Spec::new(FloatFormat::FP32);
    let mut total = Tally::default();
    for s in all_le16() {
        let f = s.fmt;
        let mut t = Tally::default();
        for code in 0..=s.code_mask() {
            let v = s.decode(code);
            let ctx = || format!("{} code {code:#x} ({v:?})", s.name);
            let got = exact_to_val(f.decode(code));
            t.record(
                if got == v {
                    Ok(())
                } else {
                    Err(format!("decode gives {got:?}"))
                },
                ctx,
            );
            let x = f.to_f64(code);
            t.record(
                if host_matches(x, &v, s.signed_nan()) {
                    Ok(())
                } else {
                    Err(format!("to_f64 gives {x:e}"))
                },
                ctx,
            );
            // to_f32 rounds (bf16-range formats with more precision, e8m7 beyond f32's
            // max): the MPFR oracle for binary32, ties to even, gives the expected bits.
            let x32 = f.to_f32(code);
            let e32 = fp32.expect(&val_to_in(&v), Rounding::TiesToEven, Overflow::Ieee);
            let e32 = Expect { flags: None, ..e32 };
            let got32 = lowprec::StatusAnd::new(u64::from(x32.to_bits()), Status::OK);
            t.record(fp32.check(got32, &e32), || {
                format!("{} to_f32 gives {x32:e}", ctx())
            });
            let class = f.classify(code);
            t.record(
                if class == textbook_class(&s, &v) {
                    Ok(())
                } else {
                    Err(format!("classify gives {class:?}"))
                },
                ctx,
            );
            // Round trip: rounding the decoded value gives the code back (its canonical
            // spelling for zeros and NaNs), exactly, in every mode and policy.
            for mode in Rounding::DETERMINISTIC {
                for policy in POLICIES {
                    let want = match &v {
                        Val::Num(_) => Expect {
                            want: Want::Code(code),
                            flags: Some(Status::OK),
                        },
                        Val::Nan { neg } => Expect {
                            want: Want::Code(s.canonical_nan(*neg)),
                            flags: Some(Status::OK),
                        },
                        Val::Inf { neg } => s.expect_special(&In::Inf { neg: *neg }, policy),
                        Val::Zero { neg } => s.expect_special(&In::Zero { neg: *neg }, policy),
                    };
                    let got = f.round(f.decode(code), Round::new(mode, policy), &mut NoDraw);
                    t.record(s.check(got, &want), || {
                        format!("{} round trip {mode} {policy}", ctx())
                    });
                    if matches!(v, Val::Num(_)) {
                        let got = f.from_f64_with(x, Round::new(mode, policy), &mut NoDraw);
                        t.record(s.check(got, &want), || {
                            format!("{} from_f64(to_f64) {mode} {policy}", ctx())
                        });
                    }
                }
            }
        }
        println!(
            "{}: {} codes, {} checks, {} failures",
            s.name,
            s.code_mask() + 1,
            t.checks,
            t.failures
        );
        total.merge(t);
    }
    total.finish("decode and round trip, formats of at most 16 bits");
}

fn next_up32(x: f32) -> f32 {
    if x.is_nan() || x == f32::INFINITY {
        x
    } else if x == 0.0 {
        f32::from_bits(1)
    } else if x > 0.0 {
        f32::from_bits(x.to_bits() + 1)
    } else {
        f32::from_bits(x.to_bits() - 1)
    }
}

fn next_down32(x: f32) -> f32 {
    -next_up32(-x)
}

/// Pushes `x` and its f32 neighbours `k` ulps either side (x must be an f32 value).
fn push_around(out: &mut Vec<f64>, x: f64, k: usize) {
    let x32 = x as f32;
    out.push(x);
    if f64::from(x32) != x {
        // Beyond f32's range (the grid point after bf16's or E8M0's max): no f32 ulp.
        assert!(x32.is_infinite(), "{x:e} is not an f32");
        return;
    }
    let (mut up, mut down) = (x32, x32);
    for _ in 0..k {
        up = next_up32(up);
        down = next_down32(down);
        out.push(f64::from(up));
        out.push(f64::from(down));
    }
}

/// Checks lowprec (from f64, and from f32 where the input is one) against the MPFR oracle,
/// and, where a table is given, the table oracle against the MPFR one.
///
/// `extra` may add a check per input, mode and policy, given the MPFR expectation.
fn check_inputs(
    s: &Spec,
    table: Option<&Table>,
    inputs: &[f64],
    t: &mut Tally,
    extra: impl Fn(f64, Rounding, Overflow, &Expect) -> Option<Result<(), String>>,
) {
    let f = s.fmt;
    for &x in inputs {
        let input = In::from_f64(x);
        let is_f32 = x.is_nan() || f64::from(x as f32) == x || x.is_infinite();
        for (mode, policy, e) in s.expect_all(&input) {
            let ctx = || format!("{} x = {x:e} ({x:?}) {mode} {policy}", s.name);
            t.record(
                s.check(
                    f.from_f64_with(x, Round::new(mode, policy), &mut NoDraw),
                    &e,
                ),
                || format!("{} from_f64", ctx()),
            );
            if is_f32 {
                let x32 = if x.is_nan() {
                    if x.is_sign_negative() {
                        -f32::NAN
                    } else {
                        f32::NAN
                    }
                } else {
                    x as f32
                };
                t.record(
                    s.check(
                        f.from_f32_with(x32, Round::new(mode, policy), &mut NoDraw),
                        &e,
                    ),
                    || format!("{} from_f32", ctx()),
                );
            }
            if let Some(r) = extra(x, mode, policy, &e) {
                t.record(r, || format!("{} extra check", ctx()));
            }
            if let Some(table) = table {
                let w = table.want(&input, mode, policy);
                t.record(
                    if w == e.want {
                        Ok(())
                    } else {
                        Err(format!("oracles disagree: table {w:?}, MPFR {:?}", e.want))
                    },
                    ctx,
                );
            }
        }
    }
}

#[test]
fn small_formats_midpoints_every_mode() {
    let mut total = Tally::default();
    for name in SMALL {
        let s = spec(name);
        let table = Table::new(s.clone());
        let mut inputs = Vec::new();
        // Every value (and the grid points one step beyond ±max), ± 1 f32 ulp.
        for (v, _) in &table.vals {
            push_around(&mut inputs, v.to_f64(), 1);
        }
        // Every midpoint between neighbours, ± 1 f32 ulp: this includes the overflow
        // thresholds and half the smallest subnormal.
        for w in table.vals.windows(2) {
            let mid = Rational::from(&w[0].0 + &w[1].0) / 2u32;
            push_around(&mut inputs, mid.to_f64(), 1);
        }
        let max = s.max.to_f64();
        let tiny = table
            .vals
            .iter()
            .map(|(v, _)| v.to_f64().abs())
            .filter(|v| *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        for x in [
            2.0 * max,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            0.0,
            tiny / 4.0,
            tiny * 0.75,
            tiny * 0.5000001,
            f64::MIN_POSITIVE,
            5e-324,
            1.0,
        ] {
            inputs.push(x);
            inputs.push(-x);
        }
        let mut t = Tally::default();
        check_inputs(&s, Some(&table), &inputs, &mut t, |_, _, _, _| None);
        println!(
            "{name}: {} inputs, {} checks, {} failures",
            inputs.len(),
            t.checks,
            t.failures
        );
        total.merge(t);
    }
    total.finish("formats of at most 8 bits: values and midpoints");
}

/// fp16 or bf16 from f32: every value and midpoint ± 2 ulps, then random f32s, to more than
/// 10⁶ inputs, each in every deterministic mode and overflow policy.
fn half_from_f32(name: &str, seed: u64) {
    let s = spec(name);
    let mut inputs = Vec::new();
    let mut vals: Vec<Rational> = (0..=s.max_code)
        .filter_map(|c| match s.decode(c) {
            Val::Num(q) => Some(q),
            _ => None,
        })
        .collect();
    // The grid point after max, so that the overflow threshold is a midpoint too.
    let next: Rational = &vals[vals.len() - 1] + oracle::pow2_q(s.emax - s.m as i32);
    vals.push(next);
    vals.insert(0, Rational::new());
    for v in &vals {
        for x in [v.to_f64(), -v.to_f64()] {
            push_around(&mut inputs, x, 2);
        }
    }
    for w in vals.windows(2) {
        let mid = (Rational::from(&w[0] + &w[1]) / 2u32).to_f64();
        push_around(&mut inputs, mid, 2);
        push_around(&mut inputs, -mid, 2);
    }
    let structured = inputs.len();
    let mut rng = SplitMix64::new(seed);
    while inputs.len() < 1_050_000 {
        let bits = lowprec::RandomBits::next_u64(&mut rng) as u32;
        inputs.push(f64::from(f32::from_bits(bits)));
    }
    inputs.push(f64::INFINITY);
    inputs.push(f64::NEG_INFINITY);
    inputs.push(f64::NAN);
    inputs.push(-f64::NAN);
    let mut t = Tally::default();
    // lowprec's RNE shortcuts into `half`'s types agree with the oracle too.
    let shortcut = |x: f64, mode, policy, e: &Expect| {
        if mode != Rounding::TiesToEven || policy != Overflow::Ieee {
            return None;
        }
        let x32 = x as f32;
        let bits = if name == "fp16" {
            lowprec::float::f16_from_f32(x32).to_bits()
        } else {
            lowprec::float::bf16_from_f32(x32).to_bits()
        };
        let got = lowprec::StatusAnd::new(u64::from(bits), Status::OK);
        let code_only = Expect {
            want: e.want.clone(),
            flags: None,
        };
        Some(s.check(got, &code_only))
    };
    check_inputs(&s, None, &inputs, &mut t, shortcut);
    println!(
        "{name}: {} f32 inputs ({structured} structured), {} checks",
        inputs.len(),
        t.checks
    );
    t.finish(&format!("{name} from f32"));
}

#[test]
fn fp16_from_f32_near_every_midpoint() {
    half_from_f32("fp16", 16);
}

#[test]
fn bf16_from_f32_near_every_midpoint() {
    half_from_f32("bf16", 17);
}

/// Every code of every small format (and of fp16 and bf16) converted into every small
/// format (into a few, from the 16-bit ones), in every mode and policy, against the MPFR
/// oracle applied to the source's textbook value.
#[test]
fn every_code_into_every_small_format() {
    let mut total = Tally::default();
    let small: Vec<Spec> = SMALL.iter().map(|n| spec(n)).collect();
    let few: Vec<&Spec> = small
        .iter()
        .filter(|s| {
            [
                "e4m3fn",
                "e5m2",
                "e2m1",
                "e8m0",
                "binary8p3se",
                "e4m3:nosub",
            ]
            .contains(&s.name.as_str())
        })
        .collect();
    assert_eq!(few.len(), 6);
    let (fp16, bf16) = (spec("fp16"), spec("bf16"));
    let mut pairs: Vec<(&Spec, &Spec)> = Vec::new();
    for src in &small {
        for dst in &small {
            pairs.push((src, dst));
        }
    }
    for dst in &few {
        pairs.push((&fp16, dst));
        pairs.push((&bf16, dst));
    }
    for (src, dst) in pairs {
        let mut t = Tally::default();
        for code in 0..=src.code_mask() {
            let input = val_to_in(&src.decode(code));
            for (mode, policy, e) in dst.expect_all(&input) {
                let got = dst.fmt.convert_from_with(
                    &src.fmt,
                    code,
                    Round::new(mode, policy),
                    &mut NoDraw,
                );
                t.record(dst.check(got, &e), || {
                    format!("{} {code:#x} into {} {mode} {policy}", src.name, dst.name)
                });
            }
        }
        total.merge(t);
    }
    total.finish("conversions between formats");
}
