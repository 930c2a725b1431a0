//! Side-by-side throughput of lowprec's slice kernels, `half`'s slice conversions and a
//! plain memory stream, in million elements per second on one core (best of several
//! repeats over the same data).
//!
//! ```text
//! cargo run --release --example throughput -- [--n 4194304] [--reps 7] [--data-dir DIR]
//! ```
//!
//! Prints one `name<TAB>M el/s` line per operation. With `--data-dir`, the inputs are also
//! written there (`f32.bin`, `f64.bin`, little-endian) so that `scripts/bench_peers.py`
//! measures the Python peers on the very same values; `scripts/bench-peers.sh` runs both
//! and prints the comparison table.
//!
//! The data are standard normal values (Box–Muller from a seeded SplitMix64), the usual
//! shape of weights and activations: about 1.2 % of them are E4M3FN subnormals. The `f64`
//! data are the same draws at full `f64` precision, so stochastic rounding is never exact.

use std::hint::black_box;
use std::time::Instant;

use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};
use lowprec::float::slice;
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};

struct Args {
    n: usize,
    reps: usize,
    data_dir: Option<String>,
    only: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        n: 1 << 22,
        reps: 7,
        data_dir: None,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--n" => args.n = value()?.parse().map_err(|e| format!("--n: {e}"))?,
            "--reps" => args.reps = value()?.parse().map_err(|e| format!("--reps: {e}"))?,
            "--data-dir" => args.data_dir = Some(value()?),
            "--only" => args.only = Some(value()?),
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    if args.n == 0 || args.reps == 0 {
        return Err("--n and --reps must be positive".into());
    }
    Ok(args)
}

/// Standard normal draws (Box–Muller), at f64 precision.
fn normal_data(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    let mut unit = || ((rng.next_u64() >> 11) as f64 + 0.5) * 2f64.powi(-53); // (0, 1)
    let mut out = Vec::with_capacity(n + 1);
    while out.len() < n {
        let (u, v) = (unit(), unit());
        let r = (-2.0 * u.ln()).sqrt();
        let t = 2.0 * std::f64::consts::PI * v;
        out.push(r * t.cos());
        out.push(r * t.sin());
    }
    out.truncate(n);
    out
}

/// Best throughput of `reps` runs of `f` over `n` elements, in million elements/s.
fn measure(n: usize, reps: usize, mut f: impl FnMut()) -> f64 {
    if n == 0 {
        return f64::NAN; // skipped by --only
    }
    f(); // warm caches, page in the destination
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    n as f64 / best / 1e6
}

fn write_le<T: Copy>(path: &str, xs: &[T], to_le: impl Fn(T) -> Vec<u8>) -> std::io::Result<()> {
    let bytes: Vec<u8> = xs.iter().flat_map(|&x| to_le(x)).collect();
    std::fs::write(path, bytes)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("throughput: {e}");
            std::process::exit(2);
        }
    };
    let (n, reps) = (args.n, args.reps);
    let x64 = normal_data(n, 2026);
    let x32: Vec<f32> = x64.iter().map(|&x| x as f32).collect();
    if let Some(dir) = &args.data_dir {
        let written = write_le(&format!("{dir}/f32.bin"), &x32, |x| {
            x.to_le_bytes().to_vec()
        })
        .and_then(|()| {
            write_le(&format!("{dir}/f64.bin"), &x64, |x| {
                x.to_le_bytes().to_vec()
            })
        });
        if let Err(e) = written {
            eprintln!("throughput: cannot write data to {dir}: {e}");
            std::process::exit(1);
        }
    }

    let mut rng = SplitMix64::new(1);
    let rne = Rounding::TiesToEven;
    let ieee = Overflow::Ieee;
    let mut u8s = vec![0u8; n];
    let mut u16s = vec![0u16; n];
    let mut f32s = vec![0f32; n];
    let mut f64s = vec![0f64; n];
    let mut h16 = vec![f16::ZERO; n];
    let mut hb16 = vec![bf16::ZERO; n];
    let row = |name: &str, v: f64| {
        if !v.is_nan() {
            println!("{name}\t{v:.1}");
        }
    };
    let only = args.only.clone();
    // `--only SUBSTRING` runs just the matching operations (n = 0 skips the others).
    let pick = |name: &str| match &only {
        Some(o) if !name.contains(o.as_str()) => 0,
        _ => n,
    };

    row(
        "stream_f32_to_u8",
        measure(pick("stream_f32_to_u8"), reps, || {
            for (s, d) in x32.iter().zip(u8s.iter_mut()) {
                *d = (s.to_bits() >> 24) as u8;
            }
            black_box(&mut u8s);
        }),
    );
    let e4m3fn = FloatFormat::E4M3FN;
    row(
        "lowprec_f32_e4m3fn_rne",
        measure(pick("lowprec_f32_e4m3fn_rne"), reps, || {
            slice::encode_f32_with(
                &e4m3fn,
                black_box(&x32),
                &mut u8s,
                Round::new(rne, ieee),
                &mut rng,
            )
            .unwrap();
            black_box(&mut u8s);
        }),
    );
    row(
        "lowprec_f32_e4m3fn_rne_satfinite",
        measure(pick("lowprec_f32_e4m3fn_rne_satfinite"), reps, || {
            let sat = Overflow::SatFinite;
            slice::encode_f32_with(
                &e4m3fn,
                black_box(&x32),
                &mut u8s,
                Round::new(rne, sat),
                &mut rng,
            )
            .unwrap();
            black_box(&mut u8s);
        }),
    );
    row(
        "lowprec_f32_e4m3fn_rtz",
        measure(pick("lowprec_f32_e4m3fn_rtz"), reps, || {
            let rtz = Rounding::TowardZero;
            slice::encode_f32_with(
                &e4m3fn,
                black_box(&x32),
                &mut u8s,
                Round::new(rtz, ieee),
                &mut rng,
            )
            .unwrap();
            black_box(&mut u8s);
        }),
    );
    row(
        "lowprec_f32_e4m3fn_sr",
        measure(pick("lowprec_f32_e4m3fn_sr"), reps, || {
            slice::encode_f32_with(
                &e4m3fn,
                black_box(&x32),
                &mut u8s,
                Round::new(Rounding::SR, ieee),
                &mut rng,
            )
            .unwrap();
            black_box(&mut u8s);
        }),
    );
    let fp16 = FloatFormat::FP16;
    row(
        "lowprec_f32_fp16_rne",
        measure(pick("lowprec_f32_fp16_rne"), reps, || {
            slice::encode_f32_with(
                &fp16,
                black_box(&x32),
                &mut u16s,
                Round::new(rne, ieee),
                &mut rng,
            )
            .unwrap();
            black_box(&mut u16s);
        }),
    );
    row(
        "half_f32_f16",
        measure(pick("half_f32_f16"), reps, || {
            h16.convert_from_f32_slice(black_box(&x32));
            black_box(&mut h16);
        }),
    );
    let bf = FloatFormat::BF16;
    row(
        "lowprec_f32_bf16_rne",
        measure(pick("lowprec_f32_bf16_rne"), reps, || {
            slice::encode_f32_with(
                &bf,
                black_box(&x32),
                &mut u16s,
                Round::new(rne, ieee),
                &mut rng,
            )
            .unwrap();
            black_box(&mut u16s);
        }),
    );
    row(
        "half_f32_bf16",
        measure(pick("half_f32_bf16"), reps, || {
            hb16.convert_from_f32_slice(black_box(&x32));
            black_box(&mut hb16);
        }),
    );
    row(
        "lowprec_quantize_f32_fp16_rne",
        measure(pick("lowprec_quantize_f32_fp16_rne"), reps, || {
            slice::quantize_f32_to_with(
                &fp16,
                black_box(&x32),
                &mut f32s,
                Round::new(rne, ieee),
                &mut rng,
            )
            .unwrap();
            black_box(&mut f32s);
        }),
    );
    row(
        "lowprec_quantize_f64_e5m10_sr",
        measure(pick("lowprec_quantize_f64_e5m10_sr"), reps, || {
            let sr = Rounding::SR;
            slice::quantize_f64_to_with(
                &fp16,
                black_box(&x64),
                &mut f64s,
                Round::new(sr, ieee),
                &mut rng,
            )
            .unwrap();
            black_box(&mut f64s);
        }),
    );
    row(
        "lowprec_decode_e4m3fn_f32",
        measure(pick("lowprec_decode_e4m3fn_f32"), reps, || {
            slice::decode_to_f32(&e4m3fn, black_box(&u8s), &mut f32s).unwrap();
            black_box(&mut f32s);
        }),
    );
    row(
        "exact_scalar_f32_e4m3fn_rne",
        measure(pick("exact_scalar") / 16, 1, || {
            for (s, d) in x32[..n / 16].iter().zip(u8s.iter_mut()) {
                *d = e4m3fn
                    .from_f32_with(*s, Round::new(rne, ieee), &mut rng)
                    .value as u8;
            }
            black_box(&mut u8s);
        }),
    );
}
