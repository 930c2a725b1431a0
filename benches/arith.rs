//! Arithmetic throughput: lowprec against rustc_apfloat (LLVM's APFloat in Rust) and
//! Berkeley SoftFloat (`softfloat-wrapper`) on the formats they share, in one run.
//!
//! Each iteration runs one operation over 4096 operand pairs (or triples) of random
//! finite codes; criterion reports elements per second.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use lowprec::{FloatFormat, Overflow, RandomBits, Rounding, SplitMix64};
use rustc_apfloat::ieee::{BFloat, Float8E4M3FN, IeeeFloat, Semantics};
use rustc_apfloat::{Float, Round};
use softfloat_wrapper::{BF16, Float as _, RoundingMode};

const N: usize = 4096;

/// e6m9 (16 bits) for rustc_apfloat.
struct E6m9S;
impl Semantics for E6m9S {
    const BITS: usize = 16;
    const EXP_BITS: usize = 6;
}
type E6m9 = IeeeFloat<E6m9S>;

fn finite_codes(f: &FloatFormat, seed: u64) -> Vec<u64> {
    let mut rng = SplitMix64::new(seed);
    let mut v = Vec::with_capacity(N);
    while v.len() < N {
        let c = rng.next_u64() & f.code_mask();
        // Values of moderate size, so that products and sums stay finite.
        let x = f.to_f64(c);
        if x.is_finite() && x.abs() < 64.0 && x.abs() > 1.0 / 64.0 {
            v.push(c);
        }
    }
    v
}

fn bench_format<A: Float>(c: &mut Criterion, name: &str, f: FloatFormat, soft: bool) {
    let (a, b, d) = (
        finite_codes(&f, 1),
        finite_codes(&f, 2),
        finite_codes(&f, 3),
    );
    let mut rng = SplitMix64::new(0);
    let (rne, ov) = (Rounding::TiesToEven, Overflow::Ieee);
    let ap = |v: &[u64]| {
        v.iter()
            .map(|&x| A::from_bits(u128::from(x)))
            .collect::<Vec<A>>()
    };
    let (xa, xb, xd) = (ap(&a), ap(&b), ap(&d));
    let sf = |v: &[u64]| {
        v.iter()
            .map(|&x| BF16::from_bits(x as u16))
            .collect::<Vec<BF16>>()
    };
    let (sa, sb, sd) = (sf(&a), sf(&b), sf(&d));

    for op in ["add", "mul", "fma"] {
        let mut g = c.benchmark_group(format!("{op}/{name}"));
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function(BenchmarkId::from_parameter("lowprec"), |bch| {
            bch.iter(|| {
                let mut acc = 0u64;
                for i in 0..N {
                    let r = match op {
                        "add" => f.add(a[i], b[i], rne, ov, &mut rng),
                        "mul" => f.mul(a[i], b[i], rne, ov, &mut rng),
                        _ => f.fma(a[i], b[i], d[i], rne, ov, &mut rng),
                    };
                    acc ^= r.value;
                }
                black_box(acc)
            })
        });
        g.bench_function(BenchmarkId::from_parameter("rustc_apfloat"), |bch| {
            bch.iter(|| {
                let mut acc = 0u128;
                for i in 0..N {
                    let r = match op {
                        "add" => xa[i].add_r(xb[i], Round::NearestTiesToEven).value,
                        "mul" => xa[i].mul_r(xb[i], Round::NearestTiesToEven).value,
                        _ => {
                            xa[i]
                                .mul_add_r(xb[i], xd[i], Round::NearestTiesToEven)
                                .value
                        }
                    };
                    acc ^= r.to_bits();
                }
                black_box(acc)
            })
        });
        if soft {
            g.bench_function(BenchmarkId::from_parameter("softfloat"), |bch| {
                bch.iter(|| {
                    let mut acc = 0u16;
                    for i in 0..N {
                        let r = match op {
                            "add" => sa[i].add(sb[i], RoundingMode::TiesToEven),
                            "mul" => sa[i].mul(sb[i], RoundingMode::TiesToEven),
                            _ => sa[i].fused_mul_add(sb[i], sd[i], RoundingMode::TiesToEven),
                        };
                        acc ^= r.to_bits();
                    }
                    black_box(acc)
                })
            });
        }
        g.finish();
    }
}

fn arith(c: &mut Criterion) {
    bench_format::<Float8E4M3FN>(c, "e4m3fn", FloatFormat::E4M3FN, false);
    bench_format::<BFloat>(c, "bf16", FloatFormat::BF16, true);
    bench_format::<E6m9>(c, "e6m9", "e6m9".parse().unwrap(), false);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1))
        .sample_size(20);
    targets = arith
}
criterion_main!(benches);
