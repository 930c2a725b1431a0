//! Criterion benchmarks of the `qat` quantizers on large `f32` tensors (10^6 and 10^7
//! elements, out of cache), with a plain `f32` slice copy as the memory stream they are
//! measured against. `scripts/bench-qat.sh` runs this bench and the numpy expressions a
//! QAT framework would otherwise use on the same sizes, and prints the side-by-side table.
//!
//! Groups `qat_<n>` (n = 1e6, 1e7), one benchmark per kernel:
//! - `copy`: `copy_from_slice` of x into y (the stream);
//! - `fwd_<q>_<o>_<layout>`: [`Qfx::forward`], `ap_fixed<8, 3>` (F = 5) in the modes
//!   `rndconv_sat`, `trn_wrap`, `rnd_satsym`, `rndzero_satzero`, per tensor (`tensor`),
//!   channel-major and channel-last with 64 channels (`major`, `last`; F = 4 + c % 3);
//! - `fwdip_rndconv_sat_tensor`: [`Qfx::forward_in_place`] (x copied back first outside
//!   the timing is not possible in criterion's loop, so the in-place call runs on its own
//!   output: after the first call every element is already a code, which costs the same);
//! - `fb_<q>_<o>_<layout>`: [`Qfx::forward_backward`] (y, ∂L/∂x and ∂L/∂F);
//! - `lsq_fb_tensor`, `pact_fb_tensor`: [`Lsq`] and [`Pact`] forward then backward
//!   (8 bits; they have no fused call).
//!
//! x: normal with σ = 1.5 (so a few percent saturate at ±4), ∂L/∂y uniform in [−1, 1).
//!
//! ```text
//! cargo bench --bench qat
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lowprec::fixed::{OverflowMode, Quantization};
use lowprec::qat::{Layout, Lsq, Pact, Qfx, QfxParams};
use lowprec::{RandomBits, SplitMix64};

const CHANNELS: usize = 64;

fn data(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = SplitMix64::new(seed);
    let mut u = move || ((rng.next_u64() >> 11) as f64 + 0.5) * 2f64.powi(-53);
    let mut x = Vec::with_capacity(n);
    let mut g = Vec::with_capacity(n);
    while x.len() < n {
        // Box–Muller.
        let (a, b) = (u(), u());
        let r = (-2.0 * a.ln()).sqrt() * 1.5;
        x.push((r * (std::f64::consts::TAU * b).cos()) as f32);
        g.push((2.0 * u() - 1.0) as f32);
    }
    (x, g)
}

const MODES: [(&str, Quantization, OverflowMode); 4] = [
    ("rndconv_sat", Quantization::RndConv, OverflowMode::Sat),
    ("trn_wrap", Quantization::Trn, OverflowMode::Wrap),
    ("rnd_satsym", Quantization::Rnd, OverflowMode::SatSym),
    (
        "rndzero_satzero",
        Quantization::RndZero,
        OverflowMode::SatZero,
    ),
];

fn layouts() -> [(&'static str, Layout); 3] {
    [
        ("tensor", Layout::PerTensor),
        ("major", Layout::ChannelMajor { channels: CHANNELS }),
        ("last", Layout::ChannelLast { channels: CHANNELS }),
    ]
}

fn fracs(layout: Layout) -> Vec<f32> {
    (0..layout.groups())
        .map(|c| {
            if layout.groups() == 1 {
                5.0
            } else {
                4.0 + (c % 3) as f32
            }
        })
        .collect()
}

fn qat(c: &mut Criterion) {
    for (label, n) in [("1e6", 1_000_000usize), ("1e7", 10_000_000)] {
        let (x, g) = data(n, 7);
        let mut y = vec![0.0f32; n];
        let mut gx = vec![0.0f32; n];
        let mut group = c.benchmark_group(format!("qat_{label}"));
        group
            .throughput(Throughput::Elements(n as u64))
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(if n > 1_000_000 {
                2500
            } else {
                1000
            }));
        group.bench_function("copy", |b| {
            b.iter(|| y.copy_from_slice(black_box(&x)));
        });
        for (mname, q, o) in MODES {
            for (lname, layout) in layouts() {
                let p = QfxParams {
                    quantization: q,
                    overflow: o,
                    ..QfxParams::ap_fixed(8, layout)
                };
                let qfx = Qfx::new(p).expect("valid");
                let f = fracs(layout);
                let mut gf = vec![0.0f32; f.len()];
                group.bench_function(format!("fwd_{mname}_{lname}"), |b| {
                    b.iter(|| qfx.forward(&f, black_box(&x), &mut y).expect("ok"));
                });
                group.bench_function(format!("fb_{mname}_{lname}"), |b| {
                    b.iter(|| {
                        qfx.forward_backward(&f, black_box(&x), &g, &mut y, &mut gx, &mut gf)
                            .expect("ok")
                    });
                });
            }
        }
        let qfx = Qfx::new(QfxParams::ap_fixed(8, Layout::PerTensor)).expect("valid");
        let mut xi = x.clone();
        group.bench_function("fwdip_rndconv_sat_tensor", |b| {
            b.iter(|| {
                qfx.forward_in_place(&[5.0], black_box(&mut xi))
                    .expect("ok")
            });
        });
        let lsq = Lsq::new(8, true, Layout::PerTensor).expect("valid");
        let mut gs = [0.0f32];
        group.bench_function("lsq_fb_tensor", |b| {
            b.iter(|| {
                lsq.forward(black_box(&x), &[1.0 / 32.0], &mut y)
                    .expect("ok");
                lsq.backward(&x, &[1.0 / 32.0], &g, &mut gx, &mut gs)
                    .expect("ok");
            });
        });
        let pact = Pact::new(8, Layout::PerTensor).expect("valid");
        group.bench_function("pact_fb_tensor", |b| {
            b.iter(|| {
                pact.forward(black_box(&x), &[4.0], &mut y).expect("ok");
                pact.backward(&x, &[4.0], &g, &mut gx, &mut gs).expect("ok");
            });
        });
        group.finish();
    }
}

criterion_group!(benches, qat);
criterion_main!(benches);
