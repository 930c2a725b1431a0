//! lowprec vs inari, f64 interval add, mul, div and a 256×256 IBP mat-vec, in one run.
//! Prints ns per operation (best of several repetitions) and the ratio lowprec/inari.
//! Both are compiled with the same RUSTFLAGS (see scripts/bench-intervals.sh).

use std::hint::black_box;
use std::time::Instant;

use inari::{Interval as I, interval};
use lowprec::interval::{Interval as L, ibp};

const N: usize = 4096;
const REPS: usize = 15;

fn rng(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// Best time per element of `f` over `REPS` runs of `inner` passes.
fn time(elems: usize, inner: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..REPS {
        let t = Instant::now();
        for _ in 0..inner {
            f();
        }
        best = best.min(t.elapsed().as_nanos() as f64 / (elems * inner) as f64);
    }
    best
}

fn main() {
    let mut s = 1u64;
    let bounds: Vec<(f64, f64)> = (0..N)
        .map(|_| {
            let a = rng(&mut s) * 4.0 - 2.0;
            // Mixed signs, and divisors away from zero for the division.
            (a, a + rng(&mut s) * 2.0)
        })
        .collect();
    let divs: Vec<(f64, f64)> = (0..N)
        .map(|_| {
            let a = 0.5 + rng(&mut s) * 2.0;
            let sign = if rng(&mut s) < 0.5 { -1.0 } else { 1.0 };
            if sign > 0.0 {
                (a, a + 1.0)
            } else {
                (-a - 1.0, -a)
            }
        })
        .collect();
    let lx: Vec<L<f64>> = bounds.iter().map(|&(a, b)| L::new(a, b)).collect();
    let ly: Vec<L<f64>> = bounds.iter().rev().map(|&(a, b)| L::new(a, b)).collect();
    let ld: Vec<L<f64>> = divs.iter().map(|&(a, b)| L::new(a, b)).collect();
    let ix: Vec<I> = bounds
        .iter()
        .map(|&(a, b)| interval!(a, b).unwrap())
        .collect();
    let iy: Vec<I> = bounds
        .iter()
        .rev()
        .map(|&(a, b)| interval!(a, b).unwrap())
        .collect();
    let id: Vec<I> = divs
        .iter()
        .map(|&(a, b)| interval!(a, b).unwrap())
        .collect();
    let mut lo = vec![L::<f64>::empty(); N];
    let mut io = vec![I::EMPTY; N];

    println!(
        "{:<22} {:>12} {:>12} {:>8}",
        "operation", "lowprec ns", "inari ns", "ratio"
    );
    let row = |name: &str, a: f64, b: f64| {
        println!("{name:<22} {a:>12.2} {b:>12.2} {:>8.2}", a / b);
    };
    macro_rules! bin {
        ($name:literal, $op:tt, $ys:ident, $iys:ident) => {{
            let a = time(N, 200, || {
                for i in 0..N {
                    lo[i] = black_box(lx[i]) $op black_box($ys[i]);
                }
                black_box(&lo);
            });
            let b = time(N, 200, || {
                for i in 0..N {
                    io[i] = black_box(ix[i]) $op black_box($iys[i]);
                }
                black_box(&io);
            });
            row($name, a, b);
        }};
    }
    bin!("f64 add", +, ly, iy);
    bin!("f64 mul", *, ly, iy);
    bin!("f64 div", /, ld, id);

    // 256×256 IBP mat-vec: point weights, interval inputs, sound bounds.
    let n = 256;
    let w: Vec<f64> = (0..n * n).map(|_| rng(&mut s) * 2.0 - 1.0).collect();
    let b: Vec<f64> = (0..n).map(|_| rng(&mut s) * 0.1).collect();
    let xl: Vec<L<f64>> = (0..n)
        .map(|_| {
            let a = rng(&mut s) - 0.5;
            L::new(a, a + 0.1)
        })
        .collect();
    let xi: Vec<I> = xl
        .iter()
        .map(|x| interval!(x.inf(), x.sup()).unwrap())
        .collect();
    let wi: Vec<I> = w.iter().map(|&v| interval!(v, v).unwrap()).collect();
    let bi: Vec<I> = b.iter().map(|&v| interval!(v, v).unwrap()).collect();
    let mut yl = vec![L::<f64>::empty(); n];
    let mut yi = vec![I::EMPTY; n];
    for (form, name) in [
        (ibp::Form::Endpoint, "ibp 256x256 endpoint"),
        (ibp::Form::MidRad, "ibp 256x256 mid-rad"),
    ] {
        let a = time(n * n, 20, || {
            ibp::dense(black_box(&w), &b, black_box(&xl), &mut yl, form).unwrap();
            black_box(&yl);
        });
        let c = time(n * n, 20, || {
            for i in 0..n {
                let mut acc = bi[i];
                for j in 0..n {
                    acc = acc + wi[i * n + j] * xi[j];
                }
                yi[i] = acc;
            }
            black_box(&yi);
        });
        row(name, a, c);
    }
    // The results agree up to inari's (also tightest) per-operation rounding.
    for (l, i) in yl.iter().zip(&yi) {
        assert!(l.inf() <= i.sup() && i.inf() <= l.sup());
    }
}
