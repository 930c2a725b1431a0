//! A 64×64×64 fixed-point matrix multiply: `ap_fixed<16,6>` inputs and an
//! `ap_fixed<32,12>` accumulator written after every add (`acc += x[i][k] * w[k][j]`, the
//! exact product assigned with AP_TRN / AP_WRAP, as in C simulation).
//!
//! - `lowprec-typed`: [`Fx`] values, `acc += x * w`;
//! - `lowprec-runtime`: the same through runtime [`FixedFormat`]s (`Wide::mul`,
//!   `FixedFormat::add_assign`), as a tool that picks types at run time would;
//! - `i32-shifts`: the same loop on raw `i16`/`i32` integers with a wrapping add, the
//!   floor (the arithmetic is identical here: equal fraction bits, wrap to 32 bits).
//!
//! `scripts/bench-fixed.sh` runs the same loop in C++ with `ap_fixed` (g++ -O2) and prints
//! the ratios. With `LOWPREC_FIXED_SUMMARY=1` this bench skips Criterion and prints the
//! median time per matrix multiply of each variant (31 timed runs), one `name ns` a line.

use std::time::Instant;

use criterion::{Criterion, black_box, criterion_group};
use lowprec::fixed::{ApFixed, FixedFormat, Fx, Wide};

const N: usize = 64;
type In = ApFixed<16, 6>;
type Acc = ApFixed<32, 12>;

/// The inputs: raw values spread over the whole range of ap_fixed<16,6> (a fixed seed, the
/// same generator as the C++ side: x = (i·7919 + k·104729 + 12345) mod 2^16).
fn inputs() -> (Vec<Fx<In>>, Vec<Fx<In>>) {
    let raw = |a: usize, b: usize, s: usize| -> i128 {
        (((a * 7919 + b * 104_729 + s) & 0xFFFF) as u16 as i16).into()
    };
    let x = (0..N * N)
        .map(|t| Fx::from_raw(raw(t / N, t % N, 12345)))
        .collect();
    let w = (0..N * N)
        .map(|t| Fx::from_raw(raw(t / N, t % N, 54321)))
        .collect();
    (x, w)
}

fn matmul_typed(x: &[Fx<In>], w: &[Fx<In>], out: &mut [Fx<Acc>]) {
    for i in 0..N {
        for j in 0..N {
            let mut acc = Fx::<Acc>::default();
            for k in 0..N {
                acc += x[i * N + k] * w[k * N + j];
            }
            out[i * N + j] = acc;
        }
    }
}

fn matmul_runtime(f_in: &FixedFormat, f_acc: &FixedFormat, x: &[u64], w: &[u64], out: &mut [u64]) {
    for i in 0..N {
        for j in 0..N {
            let mut acc = 0u64;
            for k in 0..N {
                let a = Wide::from_bits(f_in, x[i * N + k]);
                let b = Wide::from_bits(f_in, w[k * N + j]);
                if let Ok(p) = a.mul(&b) {
                    acc = f_acc.add_assign(acc, &p);
                }
            }
            out[i * N + j] = acc;
        }
    }
}

fn matmul_i32(x: &[i16], w: &[i16], out: &mut [i32]) {
    for i in 0..N {
        for j in 0..N {
            let mut acc = 0i32;
            for k in 0..N {
                // Product: 20 fraction bits, as the accumulator's.
                acc = acc.wrapping_add(i32::from(x[i * N + k]) * i32::from(w[k * N + j]));
            }
            out[i * N + j] = acc;
        }
    }
}

struct Data {
    x: Vec<Fx<In>>,
    w: Vec<Fx<In>>,
    xb: Vec<u64>,
    wb: Vec<u64>,
    xi: Vec<i16>,
    wi: Vec<i16>,
}

fn data() -> Data {
    let (x, w) = inputs();
    let xb = x.iter().map(|v| v.to_bits()).collect();
    let wb = w.iter().map(|v| v.to_bits()).collect();
    let xi = x.iter().map(|v| v.raw() as i16).collect();
    let wi = w.iter().map(|v| v.raw() as i16).collect();
    Data {
        x,
        w,
        xb,
        wb,
        xi,
        wi,
    }
}

/// The variants: name and one timed matrix multiply; all three must agree.
fn check(d: &Data) -> i64 {
    let f_in = Fx::<In>::FORMAT;
    let f_acc = Fx::<Acc>::FORMAT;
    let mut a = vec![Fx::<Acc>::default(); N * N];
    let mut b = vec![0u64; N * N];
    let mut c = vec![0i32; N * N];
    matmul_typed(&d.x, &d.w, &mut a);
    matmul_runtime(&f_in, &f_acc, &d.xb, &d.wb, &mut b);
    matmul_i32(&d.xi, &d.wi, &mut c);
    let mut sum = 0i64;
    for t in 0..N * N {
        assert_eq!(a[t].raw() as i32, c[t]);
        assert_eq!(f_acc.raw_of(b[t]) as i32, c[t]);
        sum = sum.wrapping_add(i64::from(c[t]));
    }
    sum
}

fn median_ns(mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f();
    }
    let mut t: Vec<f64> = (0..31)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_nanos() as f64
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn summary(d: &Data) {
    let f_in = Fx::<In>::FORMAT;
    let f_acc = Fx::<Acc>::FORMAT;
    let mut a = vec![Fx::<Acc>::default(); N * N];
    let mut b = vec![0u64; N * N];
    let mut c = vec![0i32; N * N];
    println!("checksum {}", check(d));
    let typed = median_ns(|| matmul_typed(black_box(&d.x), black_box(&d.w), &mut a));
    let runtime =
        median_ns(|| matmul_runtime(&f_in, &f_acc, black_box(&d.xb), black_box(&d.wb), &mut b));
    let i32s = median_ns(|| matmul_i32(black_box(&d.xi), black_box(&d.wi), &mut c));
    println!("lowprec-typed {typed:.0}");
    println!("lowprec-runtime {runtime:.0}");
    println!("i32-shifts {i32s:.0}");
}

fn bench(c: &mut Criterion) {
    let d = data();
    check(&d);
    let f_in = Fx::<In>::FORMAT;
    let f_acc = Fx::<Acc>::FORMAT;
    let mut g = c.benchmark_group("matmul64");
    let mut a = vec![Fx::<Acc>::default(); N * N];
    g.bench_function("lowprec-typed", |bch| {
        bch.iter(|| matmul_typed(black_box(&d.x), black_box(&d.w), &mut a))
    });
    let mut b = vec![0u64; N * N];
    g.bench_function("lowprec-runtime", |bch| {
        bch.iter(|| matmul_runtime(&f_in, &f_acc, black_box(&d.xb), black_box(&d.wb), &mut b))
    });
    let mut o = vec![0i32; N * N];
    g.bench_function("i32-shifts", |bch| {
        bch.iter(|| matmul_i32(black_box(&d.xi), black_box(&d.wi), &mut o))
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    if std::env::var_os("LOWPREC_FIXED_SUMMARY").is_some() {
        summary(&data());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
