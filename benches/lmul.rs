//! L-Mul dot products against exact-multiply dot products, in bf16 and fp8 E4M3 (E4M3FN).
//!
//! Each iteration is one dot product of length 4096 accumulated in fp32 (round to
//! nearest-even, products added exactly):
//! - `lmul-guarded` / `lmul-paper`: [`lowprec::lmul::dot`] with guarded / paper-exact
//!   L-Mul products;
//! - `exact-mul`: [`FloatFormat::dot`], the exact product of the same codes;
//! - `native-f32`: the same values as `f32`, `a[i] * b[i]` summed by the host (the
//!   speed of light, not the same arithmetic).
//!
//! Criterion reports elements per second; a summary at the end (median of 31 timed runs
//! per variant) prints elements/s and the ratios to the exact-multiply dot and to native
//! f32.
//!
//! A second summary times [`lowprec::lmul::matmul`] of 64 × 384 by 384 × 384 (guarded
//! L-Mul, bf16 with k = 3 and k = 7, and E4M3FN) into the default fp32 accumulator, which takes the
//! fast path (host `f32` sums), side by side with the exact path on the same data
//! (`lmul::matmul_reference`, the core's fused accumulation), in M MAC/s.

use std::time::Instant;

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use lowprec::lmul::{self, LMul};
use lowprec::{FloatFormat, Overflow, RandomBits, SplitMix64};

const N: usize = 4096;

/// Finite codes of moderate size (|x| in [1/64, 64)), so sums stay finite.
fn codes(f: &FloatFormat, seed: u64) -> Vec<u16> {
    let mut rng = SplitMix64::new(seed);
    let mut v = Vec::with_capacity(N);
    while v.len() < N {
        let c = rng.next_u64() & f.code_mask();
        let x = f.to_f64(c);
        if x.is_finite() && x.abs() < 64.0 && x.abs() >= 1.0 / 64.0 {
            v.push(c as u16);
        }
    }
    v
}

struct Case {
    format: FloatFormat,
    name: &'static str,
    a: Vec<u16>,
    b: Vec<u16>,
    af: Vec<f32>,
    bf: Vec<f32>,
}

fn cases() -> Vec<Case> {
    [(FloatFormat::BF16, "bf16"), (FloatFormat::E4M3FN, "e4m3fn")]
        .into_iter()
        .map(|(format, name)| {
            let (a, b) = (codes(&format, 1), codes(&format, 2));
            let af = a.iter().map(|&c| format.to_f32(u64::from(c))).collect();
            let bf = b.iter().map(|&c| format.to_f32(u64::from(c))).collect();
            Case {
                format,
                name,
                a,
                b,
                af,
                bf,
            }
        })
        .collect()
}

type Variant = (&'static str, Box<dyn Fn() -> u64>);

fn variants(c: &Case) -> Vec<Variant> {
    let acc = lmul::DEFAULT_ACCUMULATOR;
    let f = c.format;
    let (a, b) = (c.a.clone(), c.b.clone());
    let guarded = LMul::guarded(f, Overflow::Ieee);
    let paper = LMul::paper(f);
    let (a1, b1, a2, b2, a3, b3) = (
        a.clone(),
        b.clone(),
        a.clone(),
        b.clone(),
        a.clone(),
        b.clone(),
    );
    let (af, bf) = (c.af.clone(), c.bf.clone());
    vec![
        (
            "lmul-guarded",
            Box::new(move || {
                let r = lmul::dot(
                    &guarded,
                    black_box(&a1),
                    black_box(&b1),
                    &acc,
                    &mut SplitMix64::new(0),
                );
                r.map_or(0, |r| r.value)
            }),
        ),
        (
            "lmul-paper",
            Box::new(move || {
                let r = lmul::dot(
                    &paper,
                    black_box(&a2),
                    black_box(&b2),
                    &acc,
                    &mut SplitMix64::new(0),
                );
                r.map_or(0, |r| r.value)
            }),
        ),
        (
            "exact-mul",
            Box::new(move || {
                let r = f.dot(
                    black_box(&a3),
                    black_box(&b3),
                    &acc,
                    &mut SplitMix64::new(0),
                );
                r.map_or(0, |r| r.value)
            }),
        ),
        (
            "native-f32",
            Box::new(move || {
                let s: f32 = black_box(&af)
                    .iter()
                    .zip(black_box(&bf))
                    .map(|(x, y)| x * y)
                    .sum();
                u64::from(s.to_bits())
            }),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    for case in cases() {
        let mut g = c.benchmark_group(format!("dot4096/{}", case.name));
        g.throughput(Throughput::Elements(N as u64));
        for (name, run) in variants(&case) {
            g.bench_function(name, |bencher| bencher.iter(&run));
        }
        g.finish();
    }
    summary();
    matmul_summary();
}

/// Median elements/s of `run` over 31 timed batches.
fn rate(run: &dyn Fn() -> u64) -> f64 {
    let mut per = Vec::new();
    let reps = 8;
    for _ in 0..31 {
        let t = Instant::now();
        for _ in 0..reps {
            black_box(run());
        }
        per.push(t.elapsed().as_secs_f64() / reps as f64);
    }
    per.sort_by(f64::total_cmp);
    N as f64 / per[per.len() / 2]
}

fn summary() {
    println!("\n| format | variant | Melem/s | vs exact-mul | vs native f32 |");
    println!("|---|---|---|---|---|");
    for case in cases() {
        let vs = variants(&case);
        let rates: Vec<f64> = vs.iter().map(|(_, run)| rate(run.as_ref())).collect();
        let (exact, native) = (rates[2], rates[3]);
        for ((name, _), r) in vs.iter().zip(&rates) {
            println!(
                "| {} | {name} | {:.1} | {:.2}× | {:.4}× |",
                case.name,
                r / 1e6,
                r / exact,
                r / native
            );
        }
    }
    println!();
}

/// Median seconds of `runs` timed calls of `run`.
fn median_secs(runs: usize, run: &mut dyn FnMut()) -> f64 {
    let mut per: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed().as_secs_f64()
        })
        .collect();
    per.sort_by(f64::total_cmp);
    per[per.len() / 2]
}

fn matmul_summary() {
    let (m, k, n) = (64, 384, 384);
    let macs = (m * k * n) as f64;
    println!("\n| matmul {m}×{k}×{n} | fast path M MAC/s | exact path M MAC/s | speed-up |");
    println!("|---|---|---|---|");
    let acc = lmul::DEFAULT_ACCUMULATOR;
    for (name, lm) in [
        (
            "bf16 k=3 guarded",
            LMul::guarded(FloatFormat::BF16, Overflow::Ieee).with_k(3),
        ),
        (
            "bf16 k=7 guarded",
            LMul::guarded(FloatFormat::BF16, Overflow::Ieee),
        ),
        (
            "e4m3fn guarded",
            LMul::guarded(FloatFormat::E4M3FN, Overflow::SatFinite),
        ),
        ("e4m3fn paper", LMul::paper(FloatFormat::E4M3FN)),
    ] {
        let f = lm.format();
        let mut rng = SplitMix64::new(7);
        let mut pick = |len: usize| -> Vec<u16> {
            let mut v = Vec::with_capacity(len);
            while v.len() < len {
                let c = rng.next_u64() & f.code_mask();
                let x = f.to_f64(c);
                if x.is_finite() && x.abs() < 4.0 && x.abs() >= 1.0 / 64.0 {
                    v.push(c as u16);
                }
            }
            v
        };
        let (a, b) = (pick(m * k), pick(k * n));
        let mut out = vec![0u32; m * n];
        let mut out_ref = vec![0u32; m * n];
        let fast = median_secs(11, &mut || {
            let r = lmul::matmul(
                &lm,
                black_box(&a),
                black_box(&b),
                &mut out,
                m,
                k,
                n,
                &acc,
                &mut SplitMix64::new(0),
            );
            black_box(r.ok());
        });
        let exact = median_secs(3, &mut || {
            let r = lmul::matmul_reference(
                &lm,
                black_box(&a),
                black_box(&b),
                &mut out_ref,
                m,
                k,
                n,
                &acc,
                &mut SplitMix64::new(0),
            );
            black_box(r.ok());
        });
        assert_eq!(out, out_ref, "{name}: the two paths differ");
        println!(
            "| {name} | {:.1} | {:.1} | {:.1}× |",
            macs / fast / 1e6,
            macs / exact / 1e6,
            exact / fast
        );
    }
    println!();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
