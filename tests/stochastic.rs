//! Stochastic rounding against its definitions (the IEEE P3109 rules and the table on
//! `Stochastic`):
//!
//! - every rule (proportional, equal, P3109 A/B/C) decided exactly for every discarded
//!   fraction δ on a fine grid (with and without sticky bit) and every random draw r at
//!   small n, through a scripted `RandomBits` source; the number of draws that round away
//!   is the defined probability times 2ⁿ;
//! - the same rules inside `FloatFormat::round` for every pair of neighbours of several
//!   8-bit formats (overflow, underflow flags, zero crossings included);
//! - statistics with fixed seeds: stochastic rounding is unbiased, `Equal` rounds away half
//!   the time, limited-bit rules hit their defined probabilities (all within 5 standard
//!   errors), and exact values are never changed.

mod oracle;

use lowprec::float::{Exact, Finite};
use lowprec::rounding::{Discarded, SrKind, Stochastic, round_increment};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64, Status};
use oracle::{Expect, In, POLICIES, Spec, Table, Tally, Val, Want};
use rug::{Integer, Rational};

const KINDS: [SrKind; 5] = [
    SrKind::Proportional,
    SrKind::Equal,
    SrKind::P3109A,
    SrKind::P3109B,
    SrKind::P3109C,
];

fn kind_index(kind: SrKind) -> usize {
    KINDS.iter().position(|&k| k == kind).unwrap()
}

/// A random source that returns a chosen n-bit draw r: r in the top n bits of the word (as
/// `RandomBits::bits` reads it) and a fixed junk pattern below, which must be ignored.
struct Scripted {
    r: u64,
    n: u32,
    draws: u32,
}

impl Scripted {
    fn new(r: u64, n: u32) -> Self {
        Scripted { r, n, draws: 0 }
    }
}

impl RandomBits for Scripted {
    fn next_u64(&mut self) -> u64 {
        self.draws += 1;
        if self.n == 64 {
            self.r
        } else {
            let junk = 0xA5C3_96E1_7F0B_D24Bu64 & (u64::MAX >> self.n);
            (self.r << (64 - self.n)) | junk
        }
    }
}

/// ⌊y⌋ of a nonnegative rational.
fn floor(y: &Rational) -> Integer {
    Integer::from(y.numer() / y.denom())
}

/// ⌈y⌉ of a nonnegative rational.
fn ceil(y: &Rational) -> Integer {
    let f = floor(y);
    if *y == f { f } else { f + 1u32 }
}

/// y rounded to an integer, ties to even.
fn round_even(y: &Rational) -> Integer {
    let f = floor(y);
    let rest = Rational::from(y - &f);
    match rest.cmp(&Rational::from((1, 2))) {
        std::cmp::Ordering::Less => f,
        std::cmp::Ordering::Greater => f + 1u32,
        std::cmp::Ordering::Equal => {
            if f.is_even() {
                f
            } else {
                f + 1u32
            }
        }
    }
}

/// δ as a rational: frac/2⁶⁴, plus ε/2⁶⁴ with 0 < ε < 1 when sticky.
fn delta_of(d: Discarded, eps: &Rational) -> Rational {
    let mut q = Rational::from(d.frac) / Rational::from(Integer::from(1) << 64u32);
    if d.sticky {
        q += eps / Rational::from(Integer::from(1) << 64u32);
    }
    q
}

/// The definition: does the rule round away with draw r ∈ [0, 2ⁿ)?
fn defined_away(kind: SrKind, n: u32, delta: &Rational, r: u64) -> bool {
    if *delta == 0 {
        return false; // exact values are never changed
    }
    let two_n = Integer::from(1) << n;
    let y = Rational::from(delta * &two_n); // δ·2ⁿ
    let r = Integer::from(r);
    match kind {
        // r < ⌈δ·2ⁿ⌉
        SrKind::Proportional => r < ceil(&y),
        // one random bit (which one is the implementation's choice; its probability is
        // checked separately)
        SrKind::Equal => unreachable!(),
        // ⌊δ·2ⁿ⌋ + r ≥ 2ⁿ
        SrKind::P3109A => floor(&y) + r >= two_n,
        // ⌊δ·2ⁿ⁺¹⌋/2 + r ≥ 2ⁿ − ½
        SrKind::P3109B => {
            let y2 = Rational::from(&y * 2u32);
            Rational::from(floor(&y2)) / 2u32 + Rational::from(r)
                >= Rational::from(two_n) - Rational::from((1, 2))
        }
        // round(δ·2ⁿ) + r ≥ 2ⁿ (ties to even)
        SrKind::P3109C => round_even(&y) + r >= two_n,
    }
}

/// The defined probability of rounding away, times 2ⁿ.
fn defined_count(kind: SrKind, n: u32, delta: &Rational) -> Integer {
    if *delta == 0 {
        return Integer::new();
    }
    let two_n = Integer::from(1) << n;
    let y = Rational::from(delta * &two_n);
    match kind {
        SrKind::Proportional => ceil(&y),
        SrKind::Equal => Integer::from(1) << (n - 1),
        SrKind::P3109A => floor(&y),
        // P(r ≥ 2ⁿ − ½ − t/2) with t = ⌊δ·2ⁿ⁺¹⌋ is ⌊(t + 1)/2⌋ / 2ⁿ.
        SrKind::P3109B => {
            let t = floor(&Rational::from(&y * 2u32));
            (t + 1u32) / 2u32
        }
        SrKind::P3109C => round_even(&y).min(two_n),
    }
}

/// Every discarded fraction on the grid of 2^-(n+3), each also with the sticky bit, with a
/// stray bit at the bottom of `frac`, and just below the next grid point.
fn deltas(n: u32) -> Vec<Discarded> {
    let g = n + 3;
    let mut out = Vec::new();
    for j in 0u64..(1 << g) {
        let frac = j << (64 - g);
        out.push(Discarded {
            frac,
            sticky: false,
        });
        out.push(Discarded { frac, sticky: true });
        out.push(Discarded {
            frac: frac | 1,
            sticky: false,
        });
        let below = frac.wrapping_add(1u64 << (64 - g)).wrapping_sub(1);
        if below > frac {
            out.push(Discarded {
                frac: below,
                sticky: true,
            });
        }
    }
    out
}

#[test]
fn every_rule_every_delta_every_draw_small_n() {
    let mut t = Tally::default();
    let eps = [Rational::from((1, 4)), Rational::from((3, 4))];
    for n in 1u32..=6 {
        for d in deltas(n) {
            for kind in KINDS {
                let mode = Rounding::Stochastic(Stochastic {
                    kind,
                    bits: n as u8,
                });
                let mut count = 0u64;
                let mut away_set = Vec::new();
                for r in 0..(1u64 << n) {
                    let mut results = [false; 4];
                    for (i, (neg, odd)) in
                        [(false, false), (false, true), (true, false), (true, true)]
                            .into_iter()
                            .enumerate()
                    {
                        let mut rng = Scripted::new(r, n);
                        results[i] = round_increment(neg, odd, d, mode, &mut rng);
                        if d.is_inexact() {
                            t.record(
                                if rng.draws == 1 {
                                    Ok(())
                                } else {
                                    Err(format!("{} draws", rng.draws))
                                },
                                || format!("{kind:?} n={n} {d:?} r={r}: draws"),
                            );
                        }
                    }
                    // Neither the sign nor the last kept bit matters.
                    t.record(
                        if results.iter().all(|&x| x == results[0]) {
                            Ok(())
                        } else {
                            Err(format!("depends on sign/parity: {results:?}"))
                        },
                        || format!("{kind:?} n={n} {d:?} r={r}"),
                    );
                    let away = results[0];
                    count += u64::from(away);
                    if away {
                        away_set.push(r);
                    }
                    if kind != SrKind::Equal {
                        for e in &eps {
                            let want = defined_away(kind, n, &delta_of(d, e), r);
                            t.record(
                                if away == want {
                                    Ok(())
                                } else {
                                    Err(format!("away = {away}, defined {want}"))
                                },
                                || format!("{kind:?} n={n} {d:?} r={r} ε={e}"),
                            );
                        }
                    }
                }
                // The probability: the number of draws that round away.
                let want = defined_count(kind, n, &delta_of(d, &eps[0]));
                t.record(
                    if want == count {
                        Ok(())
                    } else {
                        Err(format!(
                            "{count} of {} draws round away, defined {want}",
                            1 << n
                        ))
                    },
                    || format!("{kind:?} n={n} {d:?}"),
                );
                // Equal: the same half of the draws for every inexact δ (independent of δ).
                if kind == SrKind::Equal && d.is_inexact() {
                    let reference: Vec<u64> = (0..(1u64 << n))
                        .filter(|&r| {
                            round_increment(
                                false,
                                false,
                                Discarded {
                                    frac: 1 << 63,
                                    sticky: false,
                                },
                                mode,
                                &mut Scripted::new(r, n),
                            )
                        })
                        .collect();
                    t.record(
                        if away_set == reference {
                            Ok(())
                        } else {
                            Err("Equal depends on δ".to_string())
                        },
                        || format!("Equal n={n} {d:?}"),
                    );
                }
            }
        }
    }
    t.finish("stochastic rules at n = 1..=6");
}

#[test]
fn every_rule_large_n_and_clamped_bits() {
    let mut t = Tally::default();
    let mut rng = SplitMix64::new(0xD1CE);
    for n in [32u32, 60, 61, 62, 63, 64] {
        for _ in 0..4000 {
            let frac = match rng.next_u64() % 4 {
                0 => rng.next_u64() >> (rng.next_u64() % 64),
                1 => (rng.next_u64() >> (64 - n.min(63))) << (64 - n.min(63)),
                2 => 1u64 << 63,
                _ => rng.next_u64(),
            };
            let r = if n == 64 {
                rng.next_u64()
            } else {
                match rng.next_u64() % 3 {
                    0 => (1u64 << n) - 1 - (rng.next_u64() % 4).min((1u64 << n) - 1),
                    1 => rng.next_u64() % 4,
                    _ => rng.next_u64() >> (64 - n),
                }
            };
            for sticky in [false, true] {
                let d = Discarded { frac, sticky };
                for kind in [
                    SrKind::Proportional,
                    SrKind::P3109A,
                    SrKind::P3109B,
                    SrKind::P3109C,
                ] {
                    let mode = Rounding::Stochastic(Stochastic {
                        kind,
                        bits: n as u8,
                    });
                    let away = round_increment(false, false, d, mode, &mut Scripted::new(r, n));
                    // B and C look at δ to n + 1 bits, which `Discarded` (64 bits and a
                    // sticky bit) holds for n ≤ 63: they draw at most 63 bits, the top
                    // 63 of the word.
                    let (n_eff, r_eff) = match kind {
                        SrKind::P3109B | SrKind::P3109C if n == 64 => (63, r >> 1),
                        _ => (n, r),
                    };
                    let want =
                        defined_away(kind, n_eff, &delta_of(d, &Rational::from((1, 4))), r_eff);
                    t.record(
                        if away == want {
                            Ok(())
                        } else {
                            Err(format!("away = {away}, defined {want}"))
                        },
                        || format!("{kind:?} n={n} {d:?} r={r:#x}"),
                    );
                }
            }
        }
    }
    // `bits` is clamped to 1..=64: 0 draws like 1, 65 and 255 like 64.
    for (bits, as_bits) in [(0u8, 1u8), (65, 64), (255, 64)] {
        for kind in KINDS {
            for _ in 0..2000 {
                let d = Discarded {
                    frac: rng.next_u64(),
                    sticky: rng.next_u64() % 2 == 0,
                };
                let word = rng.next_u64();
                let mut a = SplitMix64::new(word);
                let mut b = SplitMix64::new(word);
                let x = round_increment(
                    false,
                    false,
                    d,
                    Rounding::Stochastic(Stochastic { kind, bits }),
                    &mut a,
                );
                let y = round_increment(
                    false,
                    false,
                    d,
                    Rounding::Stochastic(Stochastic {
                        kind,
                        bits: as_bits,
                    }),
                    &mut b,
                );
                t.record(
                    if x == y {
                        Ok(())
                    } else {
                        Err(format!("{x} vs {y}"))
                    },
                    || format!("{kind:?} bits={bits} {d:?}"),
                );
            }
        }
    }
    t.finish("stochastic rules at large n, clamped bits");
}

/// The rules inside `FloatFormat::round`: every pair of neighbours (the grid point beyond
/// ±max and zero included), δ = j/32 with and without sticky, n = 3 (so that B's half
/// offset and C's ties matter), every draw, every policy, against the definition applied
/// to the table oracle's neighbours.
#[test]
fn every_rule_inside_round_between_every_pair_of_neighbours() {
    let mut t = Tally::default();
    let n = 3u32;
    // The definitions' decisions for every (rule, sticky, j, r): δ = j/32 (+ 2^-18).
    let mut decide = std::collections::HashMap::new();
    for kind in KINDS.into_iter().filter(|&k| k != SrKind::Equal) {
        for sticky in [false, true] {
            for j in 1u128..32 {
                let mut delta = Rational::from(j) / 32u32;
                if sticky {
                    delta += oracle::pow2_q(-18);
                }
                for r in 0..(1u64 << n) {
                    let away = defined_away(kind, n, &delta, r);
                    decide.insert((kind_index(kind), sticky, j, r), away);
                }
            }
        }
    }
    for name in [
        "e4m3fn",
        "e5m2",
        "e2m1",
        "e4m3fnuz",
        "binary8p3se",
        "binary8p1se",
        "e4m3:nosub",
        "e8m0",
    ] {
        let s = Spec::new(name.parse::<FloatFormat>().unwrap());
        let table = Table::new(s.clone());
        let vals: Vec<Rational> = table.vals.iter().map(|(v, _)| v.clone()).collect();
        for w in vals.windows(2) {
            let (lo, hi) = (&w[0], &w[1]);
            let gap = Rational::from(hi - lo);
            // lo and hi are k·2^Q and (k+1)·2^Q with 2^Q = gap: find Q.
            let mut qe = 0i32;
            while oracle::pow2_q(qe) > gap {
                qe -= 1;
            }
            while oracle::pow2_q(qe) < gap {
                qe += 1;
            }
            assert_eq!(oracle::pow2_q(qe), gap, "{name}: neighbours {lo} {hi}");
            let neg = *hi <= 0;
            let (toward0, away) = if neg { (hi, lo) } else { (lo, hi) };
            let k = floor(&(Rational::from(toward0.abs_ref()) / &gap));
            let k = k.to_u128().unwrap();
            for j in 1u128..32 {
                for sticky in [false, true] {
                    // |x| = (k + j/32 + ε·2^-17) · 2^Q, sig widened to keep the sticky
                    // contract.
                    let (sig, exp) = ((k * 32 + j) << 12, qe - 5 - 12);
                    let x = Exact::Finite(Finite {
                        negative: neg,
                        sig,
                        exp,
                        sticky,
                    });
                    // ε = ½ stands for any 0 < ε < 1 below the last bit of sig: 2^-18 of
                    // the gap in δ.
                    let xq = Rational::from(sig) * oracle::pow2_q(exp)
                        + if sticky {
                            oracle::pow2_q(exp - 1)
                        } else {
                            Rational::new()
                        };
                    let tiny = xq < oracle::pow2_q(s.emin);
                    // The expected code and flags for each outcome and policy (no stochastic
                    // rule points inward, so the rule does not matter here).
                    let sr = Rounding::Stochastic(Stochastic::proportional(n as u8));
                    let wants: Vec<Vec<Expect>> = [toward0, away]
                        .iter()
                        .map(|target| {
                            let rf = oracle::q_to_float(target);
                            POLICIES
                                .iter()
                                .map(|&policy| s.finish(neg, sr, policy, &rf, true, tiny))
                                .collect()
                        })
                        .collect();
                    for kind in KINDS {
                        let mode = Rounding::Stochastic(Stochastic {
                            kind,
                            bits: n as u8,
                        });
                        for r in 0..(1u64 << n) {
                            let up = if kind == SrKind::Equal {
                                // Equal's rule (half the draws, the same half for every δ)
                                // is checked on its own above; here only its wiring into
                                // `round` is, through the decision for this draw.
                                round_increment(
                                    neg,
                                    false,
                                    Discarded {
                                        frac: 1 << 60,
                                        sticky: false,
                                    },
                                    mode,
                                    &mut Scripted::new(r, n),
                                )
                            } else {
                                decide[&(kind_index(kind), sticky, j, r)]
                            };
                            for (i, policy) in POLICIES.into_iter().enumerate() {
                                let want = &wants[usize::from(up)][i];
                                let got = s.fmt.round(
                                    x,
                                    Round::new(mode, policy),
                                    &mut Scripted::new(r, n),
                                );
                                t.record(s.check(got, want), || {
                                    format!(
                                        "{name} x = {}{xq} ({lo}..{hi}) {kind:?} r={r} {policy}",
                                        if neg { "-" } else { "+" }
                                    )
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    t.finish("stochastic rules inside round");
}

/// Rounds `x` (strictly between lo and hi, positive) `trials` times and returns how often it
/// went to hi.
fn count_up(f: &FloatFormat, x: f64, hi: u64, mode: Rounding, trials: u32, seed: u64) -> u32 {
    let mut rng = SplitMix64::new(seed);
    let mut ups = 0;
    for _ in 0..trials {
        let r = f.from_f64_with(x, Round::new(mode, Overflow::Ieee), &mut rng);
        ups += u32::from(r.value == hi);
    }
    ups
}

/// |frequency − p| within 5 standard errors of a binomial(trials, p).
fn within_5se(ups: u32, trials: u32, p: f64) -> Result<(), String> {
    let freq = f64::from(ups) / f64::from(trials);
    let se = (p * (1.0 - p) / f64::from(trials)).sqrt();
    if (freq - p).abs() <= 5.0 * se {
        Ok(())
    } else {
        Err(format!(
            "frequency {freq} vs {p}: {:.1} standard errors",
            (freq - p).abs() / se
        ))
    }
}

/// Test points: (format, x) with x strictly between two neighbours.
fn stat_points() -> Vec<(&'static str, f64)> {
    vec![
        ("e4m3fn", 1.0 + 0.3 * 0.125),
        ("e4m3fn", 0.1),
        ("e4m3fn", 300.7),
        ("e4m3fn", -3.3e-3),
        ("e4m3fn", 440.0), // between 416 and 448
        ("bf16", 1.0 + 0.7 * 2f64.powi(-7)),
        ("bf16", -std::f64::consts::PI),
        ("bf16", 1e-39),
        ("bf16", 3.0e38),
    ]
}

/// The codes of the neighbours of x toward and away from zero (MPFR oracle) and the exact
/// discarded fraction δ = (x − toward) / (away − toward).
fn neighbours(s: &Spec, x: f64) -> (u64, u64, Rational) {
    let g = s.grid(&rug::Float::with_val(53, x));
    assert!(!g.exact);
    let (t, a) = if x < 0.0 {
        (&g.up, &g.down)
    } else {
        (&g.down, &g.up)
    };
    let (xq, tq, aq) = (
        Rational::from_f64(x).unwrap(),
        oracle::float_to_q(t),
        oracle::float_to_q(a),
    );
    let delta = Rational::from(&xq - &tq) / Rational::from(&aq - &tq);
    (s.encode(t), s.encode(a), delta)
}

#[test]
fn stochastic_rounding_is_unbiased() {
    let mut t = Tally::default();
    let trials = 200_000;
    for (i, (name, x)) in stat_points().into_iter().enumerate() {
        let f: FloatFormat = name.parse().unwrap();
        let s = Spec::new(f);
        let (lo, hi, dq) = neighbours(&s, x);
        let delta = dq.to_f64();
        // 64 random bits: P(away) = ⌈δ·2⁶⁴⌉/2⁶⁴, δ within 2⁻⁶⁴; the mean of the rounded values
        // is x within 5 standard errors of the mean.
        let ups = count_up(&f, x, hi, Rounding::SR, trials, 1000 + i as u64);
        let (vlo, vhi) = (f.to_f64(lo), f.to_f64(hi));
        let mean = vlo + (vhi - vlo) * f64::from(ups) / f64::from(trials);
        let se = (vhi - vlo).abs() * (delta * (1.0 - delta) / f64::from(trials)).sqrt();
        t.record(
            if (mean - x).abs() <= 5.0 * se {
                Ok(())
            } else {
                Err(format!(
                    "mean {mean} vs {x}: {:.1} SE",
                    (mean - x).abs() / se
                ))
            },
            || format!("{name} SR mean of {x}"),
        );
        // Every rule with 4 random bits hits its defined probability; Equal hits ½.
        for kind in KINDS {
            let mode = Rounding::Stochastic(Stochastic { kind, bits: 4 });
            let ups = count_up(&f, x, hi, mode, trials, 2000 + i as u64);
            let p = defined_count(kind, 4, &dq).to_f64() / 16.0;
            t.record(within_5se(ups, trials, p), || {
                format!("{name} {kind:?}/4 bits of {x} (δ = {delta})")
            });
        }
    }
    t.finish("stochastic statistics");
}

#[test]
fn slice_kernel_stochastic_rounding_is_unbiased() {
    // The slice kernel's SR path: the mean of many quantized copies of x is x.
    let mut t = Tally::default();
    for (i, (name, x)) in stat_points().into_iter().enumerate() {
        let f: FloatFormat = name.parse().unwrap();
        let s = Spec::new(f);
        // The kernel takes f32: the f32 nearest the point (still between two neighbours).
        let x32 = x as f32;
        let x = f64::from(x32);
        let (lo, hi, dq) = neighbours(&s, x);
        let delta = dq.to_f64();
        let (vlo, vhi) = (f.to_f64(lo), f.to_f64(hi));
        let n = 200_000;
        let mut xs = vec![x32; n];
        let mut rng = SplitMix64::new(3000 + i as u64);
        lowprec::float::slice::quantize_f32_with(
            &f,
            &mut xs,
            Round::new(Rounding::SR, Overflow::Ieee),
            &mut rng,
        );
        let ups = xs.iter().filter(|&&y| f64::from(y) == vhi).count() as u32;
        let downs = xs.iter().filter(|&&y| f64::from(y) == vlo).count();
        t.record(
            if downs + ups as usize == n {
                Ok(())
            } else {
                Err(format!(
                    "{} results are neither neighbour",
                    n - downs - ups as usize
                ))
            },
            || format!("{name} slice SR of {x}"),
        );
        t.record(within_5se(ups, n as u32, delta), || {
            format!("{name} slice SR of {x}")
        });
    }
    t.finish("slice kernel stochastic statistics");
}

#[test]
fn exact_values_are_never_changed() {
    let mut t = Tally::default();
    let mut rng = SplitMix64::new(7);
    for name in [
        "e4m3fn",
        "e5m2",
        "e2m1",
        "e3m2",
        "binary8p3se",
        "binary8p1ue",
        "e8m0",
        "e4m3:nosub",
        "bf16",
    ] {
        let s = Spec::new(name.parse::<FloatFormat>().unwrap());
        for code in 0..=s.code_mask() {
            let v = s.decode(code);
            for kind in KINDS {
                for bits in [1u8, 4, 64] {
                    let mode = Rounding::Stochastic(Stochastic { kind, bits });
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
                        let got =
                            s.fmt
                                .round(s.fmt.decode(code), Round::new(mode, policy), &mut rng);
                        t.record(s.check(got, &want), || {
                            format!("{name} code {code:#x} {kind:?}/{bits} {policy}")
                        });
                    }
                }
            }
        }
    }
    t.finish("exact values under stochastic rounding");
}
