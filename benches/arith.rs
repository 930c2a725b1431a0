//! Arithmetic throughput: lowprec (runtime formats, and typed `Fp<F>` values) against rustc_apfloat (LLVM's APFloat in Rust) and
//! Berkeley SoftFloat (`softfloat-wrapper`) on the formats they share, in one run.
//!
//! Each iteration runs one operation over 4096 operand pairs (or triples) of random
//! finite codes; criterion reports elements per second.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use lowprec::float::slice::Code;
use lowprec::float::{Format, Fp, formats};
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

/// e6m9 for lowprec's typed values.
#[derive(Clone, Copy, Default, bytemuck::Zeroable, bytemuck::Pod)]
#[repr(C)]
struct LpE6m9;
impl Format for LpE6m9 {
    type Bits = u16;
    const FORMAT: FloatFormat = match FloatFormat::ieee(6, 9) {
        Ok(f) => f,
        Err(_) => panic!("invalid format"),
    };
}

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

fn bench_format<F: Format, A: Float>(c: &mut Criterion, name: &str, soft: bool) {
    let f = F::FORMAT;
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
    let fp = |v: &[u64]| {
        v.iter()
            .map(|&x| Fp::<F>::from_bits(F::Bits::from_u64(x)))
            .collect::<Vec<_>>()
    };
    let (ta, tb, td) = (fp(&a), fp(&b), fp(&d));
    let sf = |v: &[u64]| {
        v.iter()
            .map(|&x| BF16::from_bits(x as u16))
            .collect::<Vec<BF16>>()
    };
    let (sa, sb, sd) = (sf(&a), sf(&b), sf(&d));

    // One loop per operation and implementation, nothing but the operation inside.
    macro_rules! run {
        ($g:expr, $id:expr, $acc:expr, $body:expr) => {
            $g.bench_function(BenchmarkId::from_parameter($id), |bch| {
                bch.iter(|| {
                    let mut acc = $acc;
                    for i in 0..N {
                        acc ^= $body(i);
                    }
                    black_box(acc)
                })
            });
        };
    }
    let nearest = Round::NearestTiesToEven;
    let sfm = RoundingMode::TiesToEven;

    let mut g = c.benchmark_group(format!("add_{name}"));
    g.throughput(Throughput::Elements(N as u64));
    run!(g, "lowprec", 0u64, |i: usize| f
        .add_with(a[i], b[i], lowprec::Round::new(rne, ov), &mut rng)
        .value);
    run!(g, "lowprec-typed", 0u64, |i: usize| (ta[i] + tb[i])
        .to_bits()
        .to_u64());
    run!(g, "rustc_apfloat", 0u128, |i: usize| xa[i]
        .add_r(xb[i], nearest)
        .value
        .to_bits());
    if soft {
        run!(g, "softfloat", 0u16, |i: usize| sa[i]
            .add(sb[i], sfm)
            .to_bits());
    }
    g.finish();

    let mut g = c.benchmark_group(format!("mul_{name}"));
    g.throughput(Throughput::Elements(N as u64));
    run!(g, "lowprec", 0u64, |i: usize| f
        .mul_with(a[i], b[i], lowprec::Round::new(rne, ov), &mut rng)
        .value);
    run!(g, "lowprec-typed", 0u64, |i: usize| (ta[i] * tb[i])
        .to_bits()
        .to_u64());
    run!(g, "rustc_apfloat", 0u128, |i: usize| xa[i]
        .mul_r(xb[i], nearest)
        .value
        .to_bits());
    if soft {
        run!(g, "softfloat", 0u16, |i: usize| sa[i]
            .mul(sb[i], sfm)
            .to_bits());
    }
    g.finish();

    let mut g = c.benchmark_group(format!("fma_{name}"));
    g.throughput(Throughput::Elements(N as u64));
    run!(g, "lowprec", 0u64, |i: usize| f
        .fma_with(a[i], b[i], d[i], lowprec::Round::new(rne, ov), &mut rng)
        .value);
    run!(g, "lowprec-typed", 0u64, |i: usize| ta[i]
        .mul_add(tb[i], td[i])
        .to_bits()
        .to_u64());
    run!(g, "rustc_apfloat", 0u128, |i: usize| xa[i]
        .mul_add_r(xb[i], xd[i], nearest)
        .value
        .to_bits());
    if soft {
        run!(g, "softfloat", 0u16, |i: usize| sa[i]
            .fused_mul_add(sb[i], sd[i], sfm)
            .to_bits());
    }
    g.finish();
}

fn arith(c: &mut Criterion) {
    bench_format::<formats::E4m3fn, Float8E4M3FN>(c, "e4m3fn", false);
    bench_format::<formats::Bf16, BFloat>(c, "bf16", true);
    bench_format::<LpE6m9, E6m9>(c, "e6m9", false);
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
