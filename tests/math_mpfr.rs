//! The elementary functions of `lowprec::math` against MPFR (through `rug`) and CORE-MATH:
//! codes and IEEE flags, in every deterministic rounding mode and overflow policy.
//!
//! The expected results come from `tests/oracle`: MPFR's value of the function (see
//! `oracle/math.rs`: computed toward zero with its ternary value, so the direction of
//! every inexact value is exact) is rounded into each format by the oracle's own grid
//! rounding, which never calls lowprec's. lowprec's side is evaluated once per argument
//! (`math::unary` and friends, the value decided to 126 bits) and rounded with
//! `FloatFormat::round` in every mode and policy; the functions on codes
//! (`FloatFormat::unary_with` and friends) are checked too, in one mode and policy per
//! argument (cycling through all of them), signaling NaNs included.
//!
//! - every code of every format of at most 16 bits (the presets fp16, bf16, the FP8, FP6
//!   and FP4 formats, E8M0, and every 8-bit P3109 format) for each one-argument function,
//!   in the 10 deterministic modes and 3 overflow policies;
//! - pow, atan2 and hypot on every pair of codes of the presets of at most 8 bits (and
//!   ten 8-bit P3109 formats with `LOWPREC_LONG=1`), in round to nearest and the
//!   directed modes; pown and rootn for n in {−3, −1, 0, 2, 3, 4} (−9..9 with
//!   `LOWPREC_LONG=1`) on every code of fp16, bf16 and the presets of at most 8 bits;
//! - the stochastic modes (SR and P3109 A, B, C with 4 to 64 random bits) by their
//!   definitions, at the exact thresholds of the draw that the exact discarded fraction
//!   defines, on 150 inexact fp16 and bf16 arguments per function (2,000 with
//!   `LOWPREC_LONG=1`);
//! - binary32: random arguments for every function in every mode (20,000 per function;
//!   10^6 with `LOWPREC_LONG=1`) against MPFR, and in round to nearest against CORE-MATH
//!   as a second oracle; arguments whose value lies very close to a rounding boundary;
//! - binary64: random arguments (2,000 per function; 10^5 with `LOWPREC_LONG=1`) against
//!   MPFR in every mode, and CORE-MATH in round to nearest.

#[path = "oracle/math.rs"]
mod math_oracle;
mod oracle;

use std::collections::VecDeque;

use lowprec::float::{Domain, Exact, Signedness};
use lowprec::math::{self, Binary, Unary};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64, Status, StatusAnd};
use math_oracle::{Fun, exact_of, val_of_f64, value};
use oracle::arith::{Exact as Res, expectations, signaling};
use oracle::stochastic::away_draws;
use oracle::{Expect, NoDraw, Spec, Tally, Val, Want, float_to_q, q_to_float};
use rug::{Integer, Rational};

/// The working precision of MPFR for deterministic modes (see `oracle/math.rs`: any
/// precision of at least p + 2 bits decides the rounding of a p-bit format).
const PREC: u32 = 128;

fn long() -> bool {
    std::env::var("LOWPREC_LONG").is_ok_and(|v| v == "1")
}

/// Every 8-bit P3109 format (or, by default, a few: p = 1, 3, 4 signed and p = 1, 4
/// unsigned, extended and finite).
fn p3109_formats(all: bool) -> Vec<Spec> {
    let mut out = Vec::new();
    for p in 1..=8 {
        for signedness in [Signedness::Signed, Signedness::Unsigned] {
            for domain in [Domain::Extended, Domain::Finite] {
                let pick = matches!(
                    (p, signedness),
                    (1 | 3 | 4, Signedness::Signed) | (1 | 4, Signedness::Unsigned)
                );
                if !(all || pick) {
                    continue;
                }
                if let Ok(f) = FloatFormat::p3109(8, p, signedness, domain) {
                    out.push(Spec::new(f));
                }
            }
        }
    }
    out
}

/// The presets of at most `bits` bits.
fn presets(bits: u32) -> Vec<Spec> {
    FloatFormat::PRESETS
        .iter()
        .filter(|(_, f)| f.width() <= bits)
        .map(|(_, f)| Spec::new(*f))
        .collect()
}

/// The formats whose every code is checked: the presets of at most 16 bits and every
/// 8-bit P3109 format.
fn le16() -> Vec<Spec> {
    let mut v = presets(16);
    v.extend(p3109_formats(true));
    v
}

/// The formats whose every pair of codes is checked: the presets (and a few P3109
/// formats with `LOWPREC_LONG=1`).
fn le8() -> Vec<Spec> {
    let mut v = presets(8);
    if long() {
        v.extend(p3109_formats(false));
    }
    v
}

/// lowprec's code and flags against an expectation. The sign of a NaN is not checked:
/// IEEE 754 leaves it open for the results of these functions.
fn check(s: &Spec, got: StatusAnd<u64>, ex: &Expect) -> Result<(), String> {
    let mut ex = ex.clone();
    if matches!(ex.want, Want::Nan { .. }) && s.is_nan_code(got.value) {
        ex.want = Want::Nan {
            neg: got.value & s.sign_bit() != 0,
        };
    }
    s.check(got, &ex)
}

/// The flag of a special outcome.
fn special(res: &Res) -> Status {
    match res {
        Res::Invalid => Status::INVALID,
        Res::DivByZero { .. } => Status::DIV_BY_ZERO,
        Res::Value(_) => Status::OK,
    }
}

/// Checks lowprec's value-level result (`math::unary` and friends) rounded into `s` in
/// every mode and policy of `exps` (those `keep` accepts) against the oracle.
fn check_value(
    s: &Spec,
    res: &Res,
    got: &StatusAnd<Exact>,
    exps: &[(Rounding, Overflow, Expect)],
    keep: impl Fn(Rounding) -> bool,
    t: &mut Tally,
    ctx: &dyn Fn() -> String,
) {
    let sp = special(res);
    t.record(
        if got.status == sp {
            Ok(())
        } else {
            Err(format!("status [{}], want [{sp}]", got.status))
        },
        ctx,
    );
    for (mode, policy, ex) in exps {
        if !keep(*mode) {
            continue;
        }
        let r = s
            .fmt
            .round(got.value, Round::new(*mode, *policy), &mut NoDraw);
        // As the functions on codes do: an exact infinity raises divide-by-zero alone.
        let r = match res {
            Res::DivByZero { .. } => StatusAnd::new(r.value, Status::DIV_BY_ZERO),
            _ => StatusAnd::new(r.value, r.status | got.status),
        };
        t.record(check(s, r, ex), || format!("{} {mode} {policy}", ctx()));
    }
}

/// The value of a code as text for messages.
fn show(v: &Val) -> String {
    match v {
        Val::Num(q) => format!("{:e}", q.to_f64()),
        v => format!("{v:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Every code of every format of at most 16 bits.

fn unary_every_code(f: Unary) {
    let mut t = Tally::default();
    let mut k = 0usize;
    for s in le16() {
        for code in 0..=s.code_mask() {
            let v = s.decode(code);
            let res = value(Fun::U(f), &[&v], PREC);
            let got = math::unary(f, exact_of(&v));
            let exps = expectations(&s, &res, Status::OK);
            let ctx = || format!("{} {} code {code:#x} = {}", f.name(), s.name, show(&v));
            check_value(&s, &res, &got, &exps, |_| true, &mut t, &ctx);
            // The function on codes, in one mode and policy.
            k = (k + 7) % exps.len();
            let (mode, policy, ex) = &exps[k];
            let ex = if signaling(&s, code) {
                expectations(&s, &Res::Invalid, Status::OK).swap_remove(k).2
            } else {
                ex.clone()
            };
            let g = s
                .fmt
                .unary_with(f, code, Round::new(*mode, *policy), &mut NoDraw);
            t.record(check(&s, g, &ex), || {
                format!("{} unary_with {mode} {policy}", ctx())
            });
        }
    }
    t.finish(&format!("{} on every code of 16 bits or fewer", f.name()));
}

macro_rules! unary_every_code_tests {
    ($($name:ident => $f:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                unary_every_code(Unary::$f);
            }
        )*
    };
}

unary_every_code_tests! {
    every_code_exp => Exp, every_code_exp2 => Exp2, every_code_exp10 => Exp10,
    every_code_expm1 => Expm1, every_code_log => Log, every_code_log2 => Log2,
    every_code_log10 => Log10, every_code_log1p => Log1p, every_code_rsqrt => Rsqrt,
    every_code_sin => Sin, every_code_cos => Cos, every_code_tan => Tan,
    every_code_asin => Asin, every_code_acos => Acos, every_code_atan => Atan,
    every_code_sinh => Sinh, every_code_cosh => Cosh, every_code_tanh => Tanh,
    every_code_asinh => Asinh, every_code_acosh => Acosh, every_code_atanh => Atanh,
    every_code_erf => Erf, every_code_erfc => Erfc,
}

// ---------------------------------------------------------------------------------------
// Two arguments: every pair of codes of the formats of at most 8 bits.

/// Round to nearest (ties to even and away) and the directed modes.
fn nearest_or_directed(mode: Rounding) -> bool {
    matches!(
        mode,
        Rounding::TiesToEven
            | Rounding::TiesToAway
            | Rounding::TowardPositive
            | Rounding::TowardNegative
            | Rounding::TowardZero
    )
}

fn binary_every_pair(f: Binary) {
    let mut t = Tally::default();
    let mut k = 0usize;
    for s in le8() {
        let vals: Vec<Val> = (0..=s.code_mask()).map(|c| s.decode(c)).collect();
        for a in 0..=s.code_mask() {
            for b in 0..=s.code_mask() {
                let (va, vb) = (&vals[a as usize], &vals[b as usize]);
                let res = value(Fun::B(f), &[va, vb], PREC);
                let got = math::binary(f, exact_of(va), exact_of(vb));
                let exps = expectations(&s, &res, Status::OK);
                let ctx = || {
                    format!(
                        "{} {} codes {a:#x}, {b:#x} = {}, {}",
                        f.name(),
                        s.name,
                        show(va),
                        show(vb)
                    )
                };
                check_value(&s, &res, &got, &exps, nearest_or_directed, &mut t, &ctx);
                k = (k + 7) % exps.len();
                let (mode, policy, ex) = &exps[k];
                let ex = if signaling(&s, a) || signaling(&s, b) {
                    expectations(&s, &Res::Invalid, Status::OK).swap_remove(k).2
                } else {
                    ex.clone()
                };
                let g = s
                    .fmt
                    .binary_with(f, a, b, Round::new(*mode, *policy), &mut NoDraw);
                t.record(check(&s, g, &ex), || {
                    format!("{} binary_with {mode} {policy}", ctx())
                });
            }
        }
    }
    t.finish(&format!(
        "{} on every pair of codes of 8 bits or fewer",
        f.name()
    ));
}

#[test]
fn every_pair_pow() {
    binary_every_pair(Binary::Pow);
}

#[test]
fn every_pair_atan2() {
    binary_every_pair(Binary::Atan2);
}

#[test]
fn every_pair_hypot() {
    binary_every_pair(Binary::Hypot);
}

/// The exponents of pown and rootn.
fn exponents() -> Vec<i32> {
    if long() {
        (-9..=9).collect()
    } else {
        vec![-3, -1, 0, 2, 3, 4]
    }
}

fn integer_power(root: bool) {
    let mut t = Tally::default();
    let mut k = 0usize;
    let mut formats = vec![Spec::new(FloatFormat::FP16), Spec::new(FloatFormat::BF16)];
    formats.extend(presets(8));
    for s in formats {
        for n in exponents() {
            let fun = if root { Fun::Rootn(n) } else { Fun::Pown(n) };
            for code in 0..=s.code_mask() {
                let v = s.decode(code);
                let res = value(fun, &[&v], PREC);
                let got = if root {
                    math::rootn(exact_of(&v), i64::from(n))
                } else {
                    math::pown(exact_of(&v), i64::from(n))
                };
                let exps = expectations(&s, &res, Status::OK);
                let ctx = || format!("{} {} code {code:#x} = {}", fun.name(), s.name, show(&v));
                check_value(&s, &res, &got, &exps, |_| true, &mut t, &ctx);
                k = (k + 7) % exps.len();
                let (mode, policy, ex) = &exps[k];
                let ex = if signaling(&s, code) {
                    expectations(&s, &Res::Invalid, Status::OK).swap_remove(k).2
                } else {
                    ex.clone()
                };
                let how = Round::new(*mode, *policy);
                let g = if root {
                    s.fmt.rootn_with(code, i64::from(n), how, &mut NoDraw)
                } else {
                    s.fmt.pown_with(code, i64::from(n), how, &mut NoDraw)
                };
                t.record(check(&s, g, &ex), || {
                    format!("{} on codes {mode} {policy}", ctx())
                });
            }
        }
    }
    t.finish(if root {
        "rootn on every code of fp16, bf16 and the 8-bit presets"
    } else {
        "pown on every code of fp16, bf16 and the 8-bit presets"
    });
}

#[test]
fn every_code_pown() {
    integer_power(false);
}

#[test]
fn every_code_rootn() {
    integer_power(true);
}

// ---------------------------------------------------------------------------------------
// Stochastic rounding at the exact thresholds of the draw.

/// A random source that returns scripted words and fails the test when it runs dry.
struct Script(VecDeque<u64>);

impl RandomBits for Script {
    fn next_u64(&mut self) -> u64 {
        self.0
            .pop_front()
            .expect("drew more random words than scripted")
    }
}

fn stochastic_thresholds(f: Unary) {
    let kinds = [
        SrKind::Proportional,
        SrKind::P3109A,
        SrKind::P3109B,
        SrKind::P3109C,
    ];
    let per = if long() { 2000 } else { 150 };
    let mut rng = SplitMix64::new(0x05EE_D3A7);
    let mut t = Tally::default();
    for fmt in [FloatFormat::FP16, FloatFormat::BF16] {
        let s = Spec::new(fmt);
        let mut found = 0;
        let mut tries = 0;
        while found < per && tries < 100 * per {
            tries += 1;
            let code = rng.next_u64() & s.code_mask();
            let v = s.decode(code);
            if !matches!(v, Val::Num(_)) {
                continue;
            }
            // 300 bits: δ's first 64 bits (and the rest's comparison with ½) exact.
            let Res::Value(oracle::In::Num(x)) = value(Fun::U(f), &[&v], 300) else {
                continue;
            };
            let g = s.grid(&x);
            if g.exact || g.down.is_zero() || g.up.is_zero() {
                continue;
            }
            let (down, up) = (float_to_q(&g.down), float_to_q(&g.up));
            let max = float_to_q(&s.max);
            if Rational::from(down.abs_ref()) > max || Rational::from(up.abs_ref()) > max {
                continue;
            }
            found += 1;
            let (toward, away) = if g.negative { (up, down) } else { (down, up) };
            let xq = float_to_q(&x);
            let delta = Rational::from(&xq - &toward) / Rational::from(&away - &toward);
            let toward_code = s.encode(&q_to_float(&toward));
            let away_code = s.encode(&q_to_float(&away));
            for kind in kinds {
                for bits in [4u32, 8, 27, 53, 64] {
                    let bits = if matches!(kind, SrKind::P3109B | SrKind::P3109C) {
                        bits.min(63)
                    } else {
                        bits
                    };
                    let mode = Rounding::Stochastic(Stochastic {
                        kind,
                        bits: bits as u8,
                    });
                    let (lo, hi) = away_draws(kind, bits, &delta);
                    let one = Integer::from(1) << bits;
                    for end in [&lo, &hi] {
                        for r in [Integer::from(end - 1u32), end.clone()] {
                            if r < 0 || r >= one {
                                continue;
                            }
                            let away_wanted = r >= lo && r < hi;
                            let r64 = r.to_u64().expect("below 2^64");
                            let word = if bits == 64 {
                                r64
                            } else {
                                (r64 << (64 - bits)) | (0x5A5A_5A5A_5A5A_5A5A >> bits)
                            };
                            let mut script = Script(VecDeque::from([word]));
                            let got = s.fmt.unary_with(
                                f,
                                code,
                                Round::new(mode, Overflow::Ieee),
                                &mut script,
                            );
                            let want = if away_wanted { away_code } else { toward_code };
                            t.record(
                                    if got.value == want && script.0.is_empty() {
                                        Ok(())
                                    } else {
                                        Err(format!(
                                            "got {:#x} ({} draws left), want {want:#x}",
                                            got.value,
                                            script.0.len()
                                        ))
                                    },
                                    || {
                                        format!(
                                            "{} {} code {code:#x} = {} {mode}: draw {r}, δ = {}, away iff r in [{lo}, {hi})",
                                            f.name(),
                                            s.name,
                                            show(&v),
                                            delta.to_f64()
                                        )
                                    },
                                );
                        }
                    }
                }
            }
        }
        assert!(
            found > 0,
            "{} {}: no inexact argument found",
            f.name(),
            s.name
        );
    }
    t.finish(&format!(
        "{} stochastic at the thresholds of the draw",
        f.name()
    ));
}

macro_rules! stochastic_tests {
    ($($name:ident => $f:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                stochastic_thresholds(Unary::$f);
            }
        )*
    };
}

stochastic_tests! {
    stochastic_exp => Exp, stochastic_expm1 => Expm1, stochastic_exp10 => Exp10,
    stochastic_log => Log, stochastic_log1p => Log1p, stochastic_log2 => Log2,
    stochastic_rsqrt => Rsqrt, stochastic_sin => Sin, stochastic_cos => Cos,
    stochastic_atan => Atan, stochastic_tanh => Tanh, stochastic_asinh => Asinh,
    stochastic_erf => Erf, stochastic_erfc => Erfc,
}

// ---------------------------------------------------------------------------------------
// binary32 and binary64: random arguments, MPFR and CORE-MATH.

/// A random f64 whose value is that of an f32 when `single`: mostly moderate magnitudes
/// (2^-30 to 2^12), some near 1, and some random bit patterns (huge, tiny, subnormal,
/// infinite, NaN).
fn random_arg(rng: &mut SplitMix64, single: bool) -> f64 {
    let w = rng.next_u64();
    let sign = if w & 1 == 1 { -1.0 } else { 1.0 };
    let frac = (w >> 11) as f64 / (1u64 << 53) as f64; // [0, 1)
    let x = match (w >> 1) % 10 {
        0 | 1 => {
            let bits = rng.next_u64();
            if single {
                f64::from(f32::from_bits(bits as u32))
            } else {
                f64::from_bits(bits)
            }
        }
        2 => sign * (1.0 + frac * 2f64.powi(-((rng.next_u64() % 40) as i32))),
        _ => {
            let e = (rng.next_u64() % 43) as i32 - 30;
            sign * (1.0 + frac) * 2f64.powi(e)
        }
    };
    if single { f64::from(x as f32) } else { x }
}

/// CORE-MATH's correctly rounded binary32 function (round to nearest).
fn core_math_f32(f: Fun, x: f32, y: f32) -> f32 {
    use core_math as cm;
    match f {
        Fun::U(u) => match u {
            Unary::Exp => cm::expf(x),
            Unary::Exp2 => cm::exp2f(x),
            Unary::Exp10 => cm::exp10f(x),
            Unary::Expm1 => cm::expm1f(x),
            Unary::Log => cm::logf(x),
            Unary::Log2 => cm::log2f(x),
            Unary::Log10 => cm::log10f(x),
            Unary::Log1p => cm::log1pf(x),
            Unary::Rsqrt => cm::rsqrtf(x),
            Unary::Sin => cm::sinf(x),
            Unary::Cos => cm::cosf(x),
            Unary::Tan => cm::tanf(x),
            Unary::Asin => cm::asinf(x),
            Unary::Acos => cm::acosf(x),
            Unary::Atan => cm::atanf(x),
            Unary::Sinh => cm::sinhf(x),
            Unary::Cosh => cm::coshf(x),
            Unary::Tanh => cm::tanhf(x),
            Unary::Asinh => cm::asinhf(x),
            Unary::Acosh => cm::acoshf(x),
            Unary::Atanh => cm::atanhf(x),
            Unary::Erf => cm::erff(x),
            Unary::Erfc => cm::erfcf(x),
        },
        Fun::B(Binary::Pow) => cm::powf(x, y),
        Fun::B(Binary::Atan2) => cm::atan2f(x, y),
        Fun::B(Binary::Hypot) => cm::hypotf(x, y),
        Fun::Pown(_) | Fun::Rootn(_) => unreachable!(),
    }
}

/// CORE-MATH's correctly rounded binary64 function (round to nearest).
fn core_math_f64(f: Fun, x: f64, y: f64) -> f64 {
    use core_math as cm;
    match f {
        Fun::U(u) => match u {
            Unary::Exp => cm::exp(x),
            Unary::Exp2 => cm::exp2(x),
            Unary::Exp10 => cm::exp10(x),
            Unary::Expm1 => cm::expm1(x),
            Unary::Log => cm::log(x),
            Unary::Log2 => cm::log2(x),
            Unary::Log10 => cm::log10(x),
            Unary::Log1p => cm::log1p(x),
            Unary::Rsqrt => cm::rsqrt(x),
            Unary::Sin => cm::sin(x),
            Unary::Cos => cm::cos(x),
            Unary::Tan => cm::tan(x),
            Unary::Asin => cm::asin(x),
            Unary::Acos => cm::acos(x),
            Unary::Atan => cm::atan(x),
            Unary::Sinh => cm::sinh(x),
            Unary::Cosh => cm::cosh(x),
            Unary::Tanh => cm::tanh(x),
            Unary::Asinh => cm::asinh(x),
            Unary::Acosh => cm::acosh(x),
            Unary::Atanh => cm::atanh(x),
            Unary::Erf => cm::erf(x),
            Unary::Erfc => cm::erfc(x),
        },
        Fun::B(Binary::Pow) => cm::pow(x, y),
        Fun::B(Binary::Atan2) => cm::atan2(x, y),
        Fun::B(Binary::Hypot) => cm::hypot(x, y),
        Fun::Pown(_) | Fun::Rootn(_) => unreachable!(),
    }
}

/// lowprec's value of `f` at (x, y) (y ignored for one-argument functions).
fn lowprec_value(f: Fun, x: &Val, y: &Val) -> StatusAnd<Exact> {
    match f {
        Fun::U(u) => math::unary(u, exact_of(x)),
        Fun::B(b) => math::binary(b, exact_of(x), exact_of(y)),
        Fun::Pown(n) => math::pown(exact_of(x), i64::from(n)),
        Fun::Rootn(n) => math::rootn(exact_of(x), i64::from(n)),
    }
}

/// One argument (pair) of a host format: lowprec against MPFR in every mode and policy,
/// on codes in one mode, and against CORE-MATH in round to nearest.
fn check_host(s: &Spec, f: Fun, x: f64, y: f64, k: &mut usize, t: &mut Tally) {
    let single = s.fmt == FloatFormat::FP32;
    let (vx, vy) = (val_of_f64(x), val_of_f64(y));
    let args: Vec<&Val> = match f {
        Fun::B(_) => vec![&vx, &vy],
        _ => vec![&vx],
    };
    let res = value(f, &args, PREC);
    let got = lowprec_value(f, &vx, &vy);
    let exps = expectations(s, &res, Status::OK);
    let ctx = || match f {
        Fun::B(_) => format!("{} {} ({x:e}, {y:e})", f.name(), s.name),
        _ => format!("{} {} {x:e}", f.name(), s.name),
    };
    check_value(s, &res, &got, &exps, |_| true, t, &ctx);
    // On codes, in one mode and policy.
    let code = |v: f64| {
        if single {
            u64::from((v as f32).to_bits())
        } else {
            v.to_bits()
        }
    };
    *k = (*k + 7) % exps.len();
    let (mode, policy, ex) = &exps[*k];
    let how = Round::new(*mode, *policy);
    let g = match f {
        Fun::U(u) => s.fmt.unary_with(u, code(x), how, &mut NoDraw),
        Fun::B(b) => s.fmt.binary_with(b, code(x), code(y), how, &mut NoDraw),
        _ => unreachable!(),
    };
    // A random NaN argument may be a signaling one on codes: a quiet NaN and invalid.
    let sig = signaling(s, code(x)) || matches!(f, Fun::B(_)) && signaling(s, code(y));
    let ex = if sig {
        &Expect {
            want: Want::Nan { neg: false },
            flags: Some(Status::INVALID),
        }
    } else {
        ex
    };
    t.record(check(s, g, ex), || {
        format!("{} on codes {mode} {policy}", ctx())
    });
    // CORE-MATH, round to nearest.
    let rn = s
        .fmt
        .round(got.value, Round::NEAREST_EVEN, &mut NoDraw)
        .value;
    let (want, is_nan) = if single {
        let c = core_math_f32(f, x as f32, y as f32);
        (u64::from(c.to_bits()), c.is_nan())
    } else {
        let c = core_math_f64(f, x, y);
        (c.to_bits(), c.is_nan())
    };
    let ok = if is_nan {
        s.is_nan_code(rn)
    } else {
        rn == want
    };
    t.record(
        if ok {
            Ok(())
        } else {
            Err(format!("got {rn:#x}, CORE-MATH {want:#x}"))
        },
        || format!("{} CORE-MATH", ctx()),
    );
}

fn host_random(fmt: FloatFormat, f: Fun, count: usize, seed: u64) {
    let s = Spec::new(fmt);
    let single = fmt == FloatFormat::FP32;
    let mut rng = SplitMix64::new(seed);
    let mut t = Tally::default();
    let mut k = 0;
    for _ in 0..count {
        let x = random_arg(&mut rng, single);
        let y = random_arg(&mut rng, single);
        check_host(&s, f, x, y, &mut k, &mut t);
    }
    t.finish(&format!(
        "{} on {count} random {} arguments",
        f.name(),
        s.name
    ));
}

fn binary32_random(f: Fun) {
    let n = if long() { 1_000_000 } else { 20_000 };
    host_random(FloatFormat::FP32, f, n, 0xB32);
}

fn binary64_random(f: Fun) {
    let n = if long() { 100_000 } else { 2_000 };
    host_random(FloatFormat::FP64, f, n, 0xB64);
}

macro_rules! host_tests {
    ($($b32:ident, $b64:ident => $f:expr),* $(,)?) => {
        $(
            #[test]
            fn $b32() {
                binary32_random($f);
            }
            #[test]
            fn $b64() {
                binary64_random($f);
            }
        )*
    };
}

host_tests! {
    binary32_exp, binary64_exp => Fun::U(Unary::Exp),
    binary32_exp2, binary64_exp2 => Fun::U(Unary::Exp2),
    binary32_exp10, binary64_exp10 => Fun::U(Unary::Exp10),
    binary32_expm1, binary64_expm1 => Fun::U(Unary::Expm1),
    binary32_log, binary64_log => Fun::U(Unary::Log),
    binary32_log2, binary64_log2 => Fun::U(Unary::Log2),
    binary32_log10, binary64_log10 => Fun::U(Unary::Log10),
    binary32_log1p, binary64_log1p => Fun::U(Unary::Log1p),
    binary32_rsqrt, binary64_rsqrt => Fun::U(Unary::Rsqrt),
    binary32_sin, binary64_sin => Fun::U(Unary::Sin),
    binary32_cos, binary64_cos => Fun::U(Unary::Cos),
    binary32_tan, binary64_tan => Fun::U(Unary::Tan),
    binary32_asin, binary64_asin => Fun::U(Unary::Asin),
    binary32_acos, binary64_acos => Fun::U(Unary::Acos),
    binary32_atan, binary64_atan => Fun::U(Unary::Atan),
    binary32_sinh, binary64_sinh => Fun::U(Unary::Sinh),
    binary32_cosh, binary64_cosh => Fun::U(Unary::Cosh),
    binary32_tanh, binary64_tanh => Fun::U(Unary::Tanh),
    binary32_asinh, binary64_asinh => Fun::U(Unary::Asinh),
    binary32_acosh, binary64_acosh => Fun::U(Unary::Acosh),
    binary32_atanh, binary64_atanh => Fun::U(Unary::Atanh),
    binary32_erf, binary64_erf => Fun::U(Unary::Erf),
    binary32_erfc, binary64_erfc => Fun::U(Unary::Erfc),
    binary32_pow, binary64_pow => Fun::B(Binary::Pow),
    binary32_atan2, binary64_atan2 => Fun::B(Binary::Atan2),
    binary32_hypot, binary64_hypot => Fun::B(Binary::Hypot),
}

/// binary32 arguments whose value lies within about 2^-53 (relative) of a rounding
/// boundary of binary32 (a grid point or a midpoint, so 29 or more bits past the last
/// kept bit decide the rounding), and arguments that once went wrong. The close cases were
/// found by scanning every 7th f32 code from 0x30000000 to 0x43000000 with CORE-MATH's
/// correctly rounded binary64 function and keeping the arguments whose binary64 result
/// has its 29 bits below the binary32 last bit within 2 units of 0, 2^28 or 2^29 (exact
/// results, such as exp2 5, left out).
const HARD_F32: &[(Unary, u32)] = &[
    (Unary::Exp, 0x369f_ffe7),
    (Unary::Exp, 0x371f_ffce),
    (Unary::Exp, 0x373f_ffb8),
    (Unary::Exp2, 0x3b42_9d37),
    (Unary::Exp10, 0x374a_60e0),
    (Unary::Expm1, 0x36bf_fff4),
    (Unary::Expm1, 0x37bf_ffd0),
    (Unary::Expm1, 0x3a25_4e7a),
    // exp10 of non-integers beyond ±1.74·10^6: 10^x overflows and underflows every format.
    (Unary::Exp10, 0x49f6_0557), // 2015402.875
    (Unary::Exp10, 0xc9d7_5e0b), // -1764289.375
];

#[test]
fn binary32_hard_cases() {
    let s = Spec::new(FloatFormat::FP32);
    let mut t = Tally::default();
    let mut k = 0;
    for &(f, bits) in HARD_F32 {
        let x = f64::from(f32::from_bits(bits));
        check_host(&s, Fun::U(f), x, 0.0, &mut k, &mut t);
    }
    t.finish("binary32 arguments close to a rounding boundary");
}
