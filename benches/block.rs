//! Block-scaled quantization throughput on large `f32` arrays, against the memory stream.
//!
//! Kernels (round to nearest, ties to even), each on 2^20, 2^22 and 2^24 elements of a
//! fixed pseudo-random input (normal-ish values spread over a few binades, so that the
//! blocks get different scales):
//! - `copy`: a plain `f32` copy (`copy_from_slice`), the memory stream;
//! - `quantize_mxfp8`: `f32` → MXFP8 (E4M3) scales and element codes (8-bit codes are
//!   their own packing);
//! - `quantize_mxfp4`: `f32` → MXFP4 (E2M1) scales and element codes, then packed two to
//!   a byte ([`block::pack`]);
//! - `dequantize_mxfp8`, `dequantize_mxfp4`: back to `f32` (MXFP4 unpacked first);
//! - `chop_mxfp8`, `chop_mxfp4`: quantize-dequantize in place (on a copy of the input, the
//!   copy included in the time).
//!
//! With `LOWPREC_BLOCK_SUMMARY=1` the bench skips Criterion and prints one line per
//! kernel and size: `name elements best-ns-per-call` (the least of a few runs), which
//! `scripts/bench-block.sh` reads.

use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput, black_box};
use lowprec::block::{self, BlockFormat};

const SIZES: [u32; 3] = [20, 22, 24];

/// The input: a SplitMix64 stream turned into values of random sign, significand and
/// exponent in 2^−6 … 2^6.
fn input(n: usize) -> Vec<f32> {
    let mut s = 0x1234_5678_9ABC_DEF0u64;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let sig = 1.0 + (z >> 40) as f32 / (1u64 << 24) as f32;
            let exp = ((z >> 8) % 13) as i32 - 6;
            let sign = if z & 1 == 0 { 1.0 } else { -1.0 };
            sign * sig * 2f32.powi(exp)
        })
        .collect()
}

/// Buffers for one size.
struct Bufs {
    x: Vec<f32>,
    y: Vec<f32>,
    scales: Vec<u8>,
    codes: Vec<u8>,
    packed4: Vec<u8>,
    q8: (Vec<u8>, Vec<u8>),
    q4: (Vec<u8>, Vec<u8>),
}

impl Bufs {
    fn new(n: usize) -> Self {
        let x = input(n);
        let nb = BlockFormat::MXFP8_E4M3.num_scales(n);
        let mut q8 = (vec![0u8; nb], vec![0u8; n]);
        block::quantize_f32(&BlockFormat::MXFP8_E4M3, &x, &mut q8.0, &mut q8.1).unwrap();
        let mut c4 = vec![0u8; n];
        let mut s4 = vec![0u8; nb];
        block::quantize_f32(&BlockFormat::MXFP4_E2M1, &x, &mut s4, &mut c4).unwrap();
        let mut p4 = vec![0u8; block::packed_len(4, n)];
        block::pack(4, &c4, &mut p4).unwrap();
        Bufs {
            y: vec![0f32; n],
            scales: vec![0u8; nb],
            codes: vec![0u8; n],
            packed4: vec![0u8; block::packed_len(4, n)],
            q8,
            q4: (s4, p4),
            x,
        }
    }
}

type Kernel = fn(&mut Bufs);

const KERNELS: [(&str, Kernel); 7] = [
    ("copy", |b| b.y.copy_from_slice(black_box(&b.x))),
    ("quantize_mxfp8", |b| {
        block::quantize_f32(&BlockFormat::MXFP8_E4M3, &b.x, &mut b.scales, &mut b.codes).unwrap();
    }),
    ("quantize_mxfp4", |b| {
        block::quantize_f32(&BlockFormat::MXFP4_E2M1, &b.x, &mut b.scales, &mut b.codes).unwrap();
        block::pack(4, &b.codes, &mut b.packed4).unwrap();
    }),
    ("dequantize_mxfp8", |b| {
        block::dequantize_f32(&BlockFormat::MXFP8_E4M3, 1.0, &b.q8.0, &b.q8.1, &mut b.y).unwrap();
    }),
    ("dequantize_mxfp4", |b| {
        block::unpack(4, &b.q4.1, &mut b.codes).unwrap();
        block::dequantize_f32(&BlockFormat::MXFP4_E2M1, 1.0, &b.q4.0, &b.codes, &mut b.y).unwrap();
    }),
    ("chop_mxfp8", |b| {
        b.y.copy_from_slice(&b.x);
        block::chop_f32(&BlockFormat::MXFP8_E4M3, &mut b.y).unwrap();
    }),
    ("chop_mxfp4", |b| {
        b.y.copy_from_slice(&b.x);
        block::chop_f32(&BlockFormat::MXFP4_E2M1, &mut b.y).unwrap();
    }),
];

fn summary() {
    let only = std::env::var("LOWPREC_BLOCK_ONLY").ok();
    for log in SIZES {
        let n = 1usize << log;
        let mut bufs = Bufs::new(n);
        for (name, k) in KERNELS {
            if only.as_deref().is_some_and(|o| !name.starts_with(o)) {
                continue;
            }
            // Fewer repetitions for the slow kernels on the large sizes.
            let mut best = f64::INFINITY;
            let mut total = 0.0;
            let mut runs = 0;
            while runs < 3 || (total < 2e9 && runs < 20) {
                let t = Instant::now();
                k(&mut bufs);
                let ns = t.elapsed().as_nanos() as f64;
                best = best.min(ns);
                total += ns;
                runs += 1;
            }
            black_box(&bufs.codes);
            black_box(&bufs.y);
            println!("{name} {n} {best:.0}");
        }
    }
}

fn benches(c: &mut Criterion) {
    for log in SIZES {
        let n = 1usize << log;
        let mut bufs = Bufs::new(n);
        for (name, k) in KERNELS {
            let mut g = c.benchmark_group(name);
            g.sample_size(10);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_function(BenchmarkId::from_parameter(format!("2^{log}")), |bch| {
                bch.iter(|| k(&mut bufs))
            });
            g.finish();
        }
    }
}

fn main() {
    if std::env::var_os("LOWPREC_BLOCK_SUMMARY").is_some() {
        summary();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
