//! Elementary-function throughput: lowprec's correctly rounded functions against the
//! `libm` crate (a port of musl's libm: fast, not correctly rounded in every case) and the
//! `core-math` crate (the CORE-MATH project's correctly rounded binary32 functions, C),
//! on the same 1,024 binary32 inputs per function; and, for bfloat16 and E4M3FN, a
//! [`Table`] lookup against the scalar call it replaces.
//!
//! Groups are named `math_FUNCTION_FORMAT`, each implementation a benchmark in it;
//! `scripts/bench-math.sh` runs this bench and prints the markdown table of the README.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use lowprec::math::{Table, Unary};
use lowprec::{FloatFormat, RandomBits, Round, SplitMix64};

/// Inputs per iteration.
const N: usize = 1024;

/// The functions compared, each with its libm and core-math counterparts and the range
/// its binary32 inputs are drawn from (uniform in value).
type F32Fn = fn(f32) -> f32;
const FUNCTIONS: [(Unary, F32Fn, F32Fn, f32, f32); 5] = [
    (Unary::Exp, libm::expf, core_math::expf, -87.0, 88.0),
    (Unary::Log, libm::logf, core_math::logf, 0.0, 1.0e6),
    (Unary::Sin, libm::sinf, core_math::sinf, -100.0, 100.0),
    (Unary::Tanh, libm::tanhf, core_math::tanhf, -10.0, 10.0),
    (Unary::Erf, libm::erff, core_math::erff, -5.0, 5.0),
];

/// `N` binary32 values uniform in [lo, hi).
fn inputs(lo: f32, hi: f32, seed: u64) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    (0..N)
        .map(|_| {
            let u = (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
            let x = lo + (hi - lo) * u;
            // log of 0 is a special case, not a measurement of the function.
            if x == 0.0 { hi / 2.0 } else { x }
        })
        .collect()
}

fn binary32(c: &mut Criterion) {
    let fp32 = FloatFormat::FP32;
    for (i, (f, libm_f, core_f, lo, hi)) in FUNCTIONS.into_iter().enumerate() {
        let xs = inputs(lo, hi, i as u64 + 1);
        let codes: Vec<u64> = xs.iter().map(|x| u64::from(x.to_bits())).collect();
        let mut g = c.benchmark_group(format!("math_{}_fp32", f.name()));
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function(BenchmarkId::from_parameter("lowprec"), |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for &x in &codes {
                    acc ^= fp32.unary(f, black_box(x));
                }
                acc
            })
        });
        g.bench_function(BenchmarkId::from_parameter("libm"), |b| {
            b.iter(|| {
                let mut acc = 0u32;
                for &x in &xs {
                    acc ^= libm_f(black_box(x)).to_bits();
                }
                acc
            })
        });
        g.bench_function(BenchmarkId::from_parameter("core-math"), |b| {
            b.iter(|| {
                let mut acc = 0u32;
                for &x in &xs {
                    acc ^= core_f(black_box(x)).to_bits();
                }
                acc
            })
        });
        g.finish();
    }
}

/// `N` random codes of a format that are finite values.
fn finite_codes(f: &FloatFormat, seed: u64) -> Vec<u64> {
    let mut rng = SplitMix64::new(seed);
    let mut v = Vec::with_capacity(N);
    while v.len() < N {
        let c = rng.next_u64() & f.code_mask();
        if f.to_f64(c).is_finite() {
            v.push(c);
        }
    }
    v
}

fn small_formats(c: &mut Criterion) {
    for (name, fmt) in [("bf16", FloatFormat::BF16), ("e4m3fn", FloatFormat::E4M3FN)] {
        for (i, (f, ..)) in FUNCTIONS.into_iter().enumerate() {
            let codes = finite_codes(&fmt, 100 + i as u64);
            let table = Table::new(fmt, f, Round::default()).expect("a 16-bit format");
            let mut g = c.benchmark_group(format!("math_{}_{name}", f.name()));
            g.throughput(Throughput::Elements(N as u64));
            g.bench_function(BenchmarkId::from_parameter("lowprec-table"), |b| {
                b.iter(|| {
                    let mut acc = 0u64;
                    for &x in &codes {
                        acc ^= table.eval(black_box(x));
                    }
                    acc
                })
            });
            g.bench_function(BenchmarkId::from_parameter("lowprec"), |b| {
                b.iter(|| {
                    let mut acc = 0u64;
                    for &x in &codes {
                        acc ^= fmt.unary(f, black_box(x));
                    }
                    acc
                })
            });
            g.finish();
        }
    }
}

/// Building a table once: the cost a lookup amortizes.
fn table_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("math_table_build");
    g.sample_size(10);
    for (name, fmt) in [("bf16", FloatFormat::BF16), ("e4m3fn", FloatFormat::E4M3FN)] {
        g.bench_function(BenchmarkId::new("exp", name), |b| {
            b.iter(|| Table::new(black_box(fmt), Unary::Exp, Round::default()))
        });
    }
    g.finish();
}

criterion_group!(benches, binary32, small_formats, table_build);
criterion_main!(benches);
