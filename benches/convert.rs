//! Criterion benchmarks of the slice kernels, with `half`'s slice conversions, the exact
//! scalar path and a plain memory stream for scale. On x86 CPUs with F16C, the binary16
//! rows (`fp16_rne`, `quantize_fp16_rne`, `decode_fp16`) run lowprec's F16C path, as
//! `half_f16` and `half_f16_to_f32` run `half`'s. Kept quick (short warm-up and
//! measurement); `examples/throughput.rs` and `scripts/bench-peers.sh` give the
//! side-by-side table with the Python peers.
//!
//! ```text
//! cargo bench --bench convert
//! ```

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};
use lowprec::float::slice;
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};

/// 64 Ki elements: in cache, so the kernels rather than memory are measured.
const N: usize = 1 << 16;

/// Values spread like weights and activations: a random sign, a uniform fraction and an
/// exponent in [−12, 8), so every binade of E4M3FN and fp16 is hit, subnormals included.
fn data() -> (Vec<f32>, Vec<f64>) {
    let mut rng = SplitMix64::new(42);
    let x64: Vec<f64> = (0..N)
        .map(|_| {
            let r = rng.next_u64();
            let mant = 1.0 + (r >> 11) as f64 * 2f64.powi(-53);
            let e = (r & 15) as i32 - 12 + ((r >> 4) & 3) as i32 * 2;
            let x = mant * 2f64.powi(e);
            if r & 64 != 0 { -x } else { x }
        })
        .collect();
    let x32 = x64.iter().map(|&x| x as f32).collect();
    (x32, x64)
}

fn convert(c: &mut Criterion) {
    let (x32, x64) = data();
    let mut rng = SplitMix64::new(1);
    let (rne, ieee) = (Rounding::TiesToEven, Overflow::Ieee);
    let (e4m3fn, fp16, bf) = (FloatFormat::E4M3FN, FloatFormat::FP16, FloatFormat::BF16);
    let mut u8s = vec![0u8; N];
    let mut u16s = vec![0u16; N];
    let mut f32s = vec![0f32; N];
    let mut f64s = vec![0f64; N];

    let mut g = c.benchmark_group("f32_slice");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("stream_f32_to_u8", |b| {
        b.iter(|| {
            for (s, d) in black_box(&x32).iter().zip(u8s.iter_mut()) {
                *d = (s.to_bits() >> 24) as u8;
            }
        })
    });
    for (name, mode) in [
        ("e4m3fn_rne", rne),
        ("e4m3fn_rtz", Rounding::TowardZero),
        ("e4m3fn_sr", Rounding::SR),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                slice::encode_f32_with(
                    &e4m3fn,
                    black_box(&x32),
                    &mut u8s,
                    Round::new(mode, ieee),
                    &mut rng,
                )
            })
        });
    }
    g.bench_function("e4m3fn_rne_satfinite", |b| {
        let sat = Overflow::SatFinite;
        b.iter(|| {
            slice::encode_f32_with(
                &e4m3fn,
                black_box(&x32),
                &mut u8s,
                Round::new(rne, sat),
                &mut rng,
            )
        })
    });
    g.bench_function("fp16_rne", |b| {
        b.iter(|| {
            slice::encode_f32_with(
                &fp16,
                black_box(&x32),
                &mut u16s,
                Round::new(rne, ieee),
                &mut rng,
            )
        })
    });
    g.bench_function("half_f16", |b| {
        let mut h = vec![f16::ZERO; N];
        b.iter(|| h.convert_from_f32_slice(black_box(&x32)))
    });
    g.bench_function("bf16_rne", |b| {
        b.iter(|| {
            slice::encode_f32_with(
                &bf,
                black_box(&x32),
                &mut u16s,
                Round::new(rne, ieee),
                &mut rng,
            )
        })
    });
    g.bench_function("half_bf16", |b| {
        let mut h = vec![bf16::ZERO; N];
        b.iter(|| h.convert_from_f32_slice(black_box(&x32)))
    });
    g.bench_function("quantize_fp16_rne", |b| {
        b.iter(|| {
            slice::quantize_f32_to_with(
                &fp16,
                black_box(&x32),
                &mut f32s,
                Round::new(rne, ieee),
                &mut rng,
            )
        })
    });
    // The data's binary16 codes, for both decoders.
    let mut h16 = vec![0u16; N];
    slice::encode_f32_with(&fp16, &x32, &mut h16, Round::new(rne, ieee), &mut rng).unwrap();
    g.bench_function("decode_fp16", |b| {
        b.iter(|| slice::decode_to_f32(&fp16, black_box(&h16), &mut f32s))
    });
    g.bench_function("half_f16_to_f32", |b| {
        let h: Vec<f16> = h16.iter().map(|&c| f16::from_bits(c)).collect();
        b.iter(|| black_box(&h).convert_to_f32_slice(&mut f32s))
    });
    g.bench_function("decode_e4m3fn", |b| {
        b.iter(|| slice::decode_to_f32(&e4m3fn, black_box(&u8s), &mut f32s))
    });
    g.bench_function("exact_scalar_e4m3fn_rne", |b| {
        b.iter(|| {
            for (s, d) in black_box(&x32).iter().zip(u8s.iter_mut()) {
                *d = e4m3fn
                    .from_f32_with(*s, Round::new(rne, ieee), &mut rng)
                    .value as u8;
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("f64_slice");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("quantize_e5m10_sr", |b| {
        let sr = Rounding::SR;
        b.iter(|| {
            slice::quantize_f64_to_with(
                &fp16,
                black_box(&x64),
                &mut f64s,
                Round::new(sr, ieee),
                &mut rng,
            )
        })
    });
    g.bench_function("e5m10_rne", |b| {
        b.iter(|| {
            slice::encode_f64_with(
                &fp16,
                black_box(&x64),
                &mut u16s,
                Round::new(rne, ieee),
                &mut rng,
            )
        })
    });
    g.finish();
}

fn quick() -> Criterion {
    Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_millis(800))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = quick();
    targets = convert
}
criterion_main!(benches);
