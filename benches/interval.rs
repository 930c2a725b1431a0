//! Interval arithmetic throughput: f64 (error-free transformations, and the exact core on
//! binary64 codes for comparison), f32, bf16 and E4M3FN (typed), bf16 at run time,
//! fixed point (`ap_fixed<32,12>`, typed and at run time), and a 256×256 sound IBP
//! mat-vec. The side-by-side comparison with inari is
//! `scripts/bench-intervals.sh` (inari needs its own build flags).

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use lowprec::FloatFormat;
use lowprec::fixed::{ApFixed, FixedFormat, Fx};
use lowprec::float::Fp;
use lowprec::float::formats::{Bf16, E4m3fn};
use lowprec::interval::{Interval, Scalar, StaticScalar, ibp};

const N: usize = 1024;

fn rng(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// Three operand vectors.
type Operands<T> = (Vec<Interval<T>>, Vec<Interval<T>>, Vec<Interval<T>>);

/// Operand intervals: mixed signs for + and ×, divisors away from 0.
fn operands<T: Scalar>(format: T::Format) -> Operands<T> {
    let mut s = 3u64;
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut d = Vec::new();
    for _ in 0..N {
        let a = rng(&mut s) * 4.0 - 2.0;
        x.push(Interval::from_f64_in(format, a, a + rng(&mut s)));
        let c = rng(&mut s) * 4.0 - 2.0;
        y.push(Interval::from_f64_in(format, c, c + rng(&mut s)));
        let e = 0.5 + rng(&mut s) * 2.0;
        let (lo, hi) = if rng(&mut s) < 0.5 {
            (e, e + 1.0)
        } else {
            (-e - 1.0, -e)
        };
        d.push(Interval::from_f64_in(format, lo, hi));
    }
    (x, y, d)
}

fn ops<T: Scalar>(c: &mut Criterion, name: &str, format: T::Format) {
    let (x, y, d) = operands::<T>(format);
    let mut out = vec![Interval::empty_in(format); N];
    let mut g = c.benchmark_group(format!("interval/{name}"));
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("add", |b| {
        b.iter(|| {
            for i in 0..N {
                out[i] = black_box(x[i]) + black_box(y[i]);
            }
        })
    });
    g.bench_function("mul", |b| {
        b.iter(|| {
            for i in 0..N {
                out[i] = black_box(x[i]) * black_box(y[i]);
            }
        })
    });
    g.bench_function("div", |b| {
        b.iter(|| {
            for i in 0..N {
                out[i] = black_box(x[i]) / black_box(d[i]);
            }
        })
    });
    g.finish();
    black_box(out);
}

fn ibp_matvec<T: StaticScalar>(c: &mut Criterion, name: &str, value: impl Fn(f64) -> T::Value) {
    let n = 256;
    let mut s = 5u64;
    let w: Vec<T::Value> = (0..n * n).map(|_| value(rng(&mut s) * 2.0 - 1.0)).collect();
    let b: Vec<T::Value> = (0..n).map(|_| value(rng(&mut s) * 0.1)).collect();
    let x: Vec<Interval<T>> = (0..n)
        .map(|_| {
            let a = rng(&mut s) - 0.5;
            Interval::from_f64(a, a + 0.1)
        })
        .collect();
    let mut y = vec![Interval::<T>::empty(); n];
    let mut g = c.benchmark_group(format!("interval/ibp256/{name}"));
    g.throughput(Throughput::Elements((n * n) as u64));
    for (form, fname) in [
        (ibp::Form::Endpoint, "endpoint"),
        (ibp::Form::MidRad, "midrad"),
    ] {
        g.bench_function(fname, |bch| {
            bch.iter(|| ibp::dense(black_box(&w), &b, black_box(&x), &mut y, form).unwrap())
        });
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    ops::<f64>(c, "f64", ());
    ops::<FloatFormat>(c, "f64-exact-core", FloatFormat::FP64);
    ops::<f32>(c, "f32", ());
    ops::<Fp<Bf16>>(c, "bf16", ());
    ops::<Fp<E4m3fn>>(c, "e4m3fn", ());
    ops::<FloatFormat>(c, "bf16-runtime", FloatFormat::BF16);
    ibp_matvec::<f64>(c, "f64", |v| v);
    ibp_matvec::<f32>(c, "f32", |v| v as f32);
    ibp_matvec::<Fp<Bf16>>(c, "bf16", Fp::from_f64);
    ops::<Fx<Acc>>(c, "ap_fixed32_12", ());
    ops::<FixedFormat>(c, "ap_fixed32_12-runtime", Fx::<Acc>::FORMAT);
    ibp_matvec::<Fx<Acc>>(c, "ap_fixed32_12", Fx::from_f64);
}

/// A typical HLS accumulator type.
type Acc = ApFixed<32, 12>;

criterion_group!(benches, bench);
criterion_main!(benches);
