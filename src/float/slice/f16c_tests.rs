//! The F16C path against the portable kernels it replaces, bit for bit.
//!
//! The public functions dispatch to F16C on this CPU (checked first); the portable kernel
//! is [`run`] / [`decode`] called directly. Inputs, both signs throughout:
//!
//! - every NaN (all 2^23 − 1 payloads, quiet and signalling) and every `f32` subnormal;
//! - every `f32` within 4 ulps of every binary16 value and of every midpoint between
//!   neighbours (ties, the subnormal range, the smallest subnormal's half, the overflow
//!   tie 65520), and every `f32` from 65280 to 65792;
//! - every 61st `f32` bit pattern (every pattern with `LOWPREC_LONG=1`);
//! - every length 0..=40 at every start offset 0..8 (the vector tails);
//! - for decoding, every code in `u16`, `u32` and `u64` with junk above bit 16.
//!
//! Codes go to `u16`, `u32` and `u64`; values are compared by bits, in place and out of
//! place.

use std::vec::Vec;

use super::api::{f16c_decode_nan, f16c_nan};
use super::decode::decode;
use super::run::{Copying, InPlace, run};
use super::{Code, decode_to_f32, encode_f32_with, f16c, quantize_f32_to_with, quantize_f32_with};
use crate::float::FloatFormat;
use crate::rounding::{NoRandom, Overflow, Round, Rounding};

const FP16: FloatFormat = FloatFormat::FP16;
const RNE: Rounding = Rounding::TiesToEven;
const IEEE: Overflow = Overflow::Ieee;

fn long() -> bool {
    std::env::var("LOWPREC_LONG").is_ok_and(|v| v != "0" && !v.is_empty())
}

/// Whether the public functions take the F16C path here; the tests say so when not.
fn dispatched() -> bool {
    // The conditions under which the public functions call `f16c`.
    assert!(f16c_nan(&FP16, RNE, IEEE).is_some());
    assert!(f16c_decode_nan(&FP16).is_some());
    let mut probe = [0u16; 1];
    let on = f16c::encode(&[1.0], &mut probe, 0x7FC0_0000);
    if !on {
        std::eprintln!("skipped: this CPU lacks F16C or AVX, so nothing is dispatched");
    }
    on
}

fn portable_codes<C: Code>(src: &[f32], dst: &mut [C]) {
    let out = C::from_u64;
    run::<f32, _, false>(&FP16, Copying { src, dst, out }, RNE, IEEE, &mut NoRandom);
}

fn portable_values(src: &[f32]) -> Vec<u32> {
    let mut v = src.to_vec();
    run::<f32, _, true>(&FP16, InPlace(&mut v), RNE, IEEE, &mut NoRandom);
    v.iter().map(|x| x.to_bits()).collect()
}

/// Encodes (into `u16`, `u32`, `u64`) and quantizes (out of place and in place) `xs`
/// both ways; panics on the first difference. Returns the number of inputs.
fn compare(xs: &[f32]) -> usize {
    let mut want = std::vec![0u16; xs.len()];
    portable_codes(xs, &mut want);
    let want_v = portable_values(xs);

    let mut got = std::vec![0u16; xs.len()];
    encode_f32_with(&FP16, xs, &mut got, Round::new(RNE, IEEE), &mut NoRandom).unwrap();
    let mut got32 = std::vec![0u32; xs.len()];
    encode_f32_with(&FP16, xs, &mut got32, Round::new(RNE, IEEE), &mut NoRandom).unwrap();
    let mut got64 = std::vec![0u64; xs.len()];
    encode_f32_with(&FP16, xs, &mut got64, Round::new(RNE, IEEE), &mut NoRandom).unwrap();
    let mut got_v = std::vec![0f32; xs.len()];
    quantize_f32_to_with(&FP16, xs, &mut got_v, Round::new(RNE, IEEE), &mut NoRandom).unwrap();
    let mut in_place = xs.to_vec();
    quantize_f32_with(&FP16, &mut in_place, Round::new(RNE, IEEE), &mut NoRandom);

    for (i, &x) in xs.iter().enumerate() {
        let (w, wv) = (want[i], want_v[i]);
        let codes = (got[i], got32[i], got64[i]);
        assert!(
            codes == (w, u32::from(w), u64::from(w)),
            "x = {:#010x}: portable code {w:#06x}, F16C {codes:#x?}",
            x.to_bits()
        );
        let values = (got_v[i].to_bits(), in_place[i].to_bits());
        assert!(
            values == (wv, wv),
            "x = {:#010x}: portable value {wv:#010x}, F16C {values:#x?}",
            x.to_bits()
        );
    }
    xs.len()
}

/// Both signs of every pattern in `lo..=hi`.
fn range(lo: u32, hi: u32) -> impl Iterator<Item = f32> {
    (lo..=hi).flat_map(|b| [f32::from_bits(b), f32::from_bits(b | 0x8000_0000)])
}

/// Runs `compare` over `xs` in chunks (bounded memory).
fn compare_all(xs: impl Iterator<Item = f32>) -> usize {
    let mut n = 0;
    let mut buf = Vec::with_capacity(1 << 20);
    for x in xs {
        buf.push(x);
        if buf.len() == buf.capacity() {
            n += compare(&buf);
            buf.clear();
        }
    }
    n + compare(&buf)
}

#[test]
fn nans_and_subnormals() {
    if !dispatched() {
        return;
    }
    let n = compare_all(range(0x7F80_0001, 0x7FFF_FFFF)) + compare_all(range(0, 0x007F_FFFF));
    assert_eq!(n, 2 * ((1 << 23) - 1) + 2 * (1 << 23));
    std::eprintln!("F16C = portable on every NaN and subnormal input: {n}");
}

#[test]
fn around_every_binary16_boundary() {
    if !dispatched() {
        return;
    }
    let mut xs = Vec::new();
    // Every finite value and the midpoint to the next (65520 above the largest).
    for c in 0..0x7C00u64 {
        let v = FP16.to_f64(c);
        let next = if c < 0x7BFF {
            FP16.to_f64(c + 1)
        } else {
            65536.0
        };
        for t in [v, (v + next) / 2.0] {
            let b = (t as f32).to_bits();
            for k in b.saturating_sub(4)..=b + 4 {
                xs.extend([f32::from_bits(k), f32::from_bits(k | 0x8000_0000)]);
            }
        }
    }
    xs.extend(range(0x477F_0000, 0x4780_8000)); // 65280 ..= 65792
    xs.extend(range(0x7F7F_FFF0, 0x7F80_0000)); // the largest f32 and ∞
    let n = compare(&xs);
    std::eprintln!("F16C = portable around every binary16 boundary: {n} inputs");
}

#[test]
fn strided_sweep_of_all_f32() {
    if !dispatched() {
        return;
    }
    let stride = if long() { 1 } else { 61 };
    let n = std::thread::scope(|s| {
        let parts: Vec<_> = (0..2u64)
            .map(|t| {
                s.spawn(move || {
                    let lo = t << 31;
                    let hi = lo + (1 << 31);
                    compare_all(
                        (lo.div_ceil(stride) * stride..hi)
                            .step_by(stride as usize)
                            .map(|b| f32::from_bits(b as u32)),
                    )
                })
            })
            .collect();
        parts.into_iter().map(|p| p.join().unwrap()).sum::<usize>()
    });
    std::eprintln!("F16C = portable on the f32 patterns at stride {stride}: {n}");
}

#[test]
fn every_length_and_offset() {
    if !dispatched() {
        return;
    }
    let mut rng = crate::SplitMix64::new(16);
    let data: Vec<f32> = (0..48)
        .map(|i| match i % 6 {
            0 => f32::from_bits(0x7F80_0000 | (crate::RandomBits::next_u64(&mut rng) as u32)),
            1 => -65520.0,
            _ => f32::from_bits(crate::RandomBits::next_u64(&mut rng) as u32 & 0xBFFF_FFFF),
        })
        .collect();
    for start in 0..8 {
        for len in 0..=40 {
            compare(&data[start..start + len]);
        }
    }
}

#[test]
fn decode_every_code() {
    if !dispatched() {
        return;
    }
    let codes: Vec<u16> = (0..=u16::MAX).collect();
    let mut want = std::vec![0f32; codes.len()];
    decode(&FP16, &codes, &mut want);
    let mut got = std::vec![0f32; codes.len()];
    decode_to_f32(&FP16, &codes, &mut got).unwrap();
    let junk =
        |c: u16, i: usize| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) << 16 | u64::from(c);
    let c32: Vec<u32> = codes
        .iter()
        .enumerate()
        .map(|(i, &c)| junk(c, i) as u32)
        .collect();
    let mut got32 = std::vec![0f32; codes.len()];
    decode_to_f32(&FP16, &c32, &mut got32).unwrap();
    let c64: Vec<u64> = codes.iter().enumerate().map(|(i, &c)| junk(c, i)).collect();
    let mut got64 = std::vec![0f32; codes.len()];
    decode_to_f32(&FP16, &c64, &mut got64).unwrap();
    for (i, &c) in codes.iter().enumerate() {
        let w = want[i].to_bits();
        let g = (got[i].to_bits(), got32[i].to_bits(), got64[i].to_bits());
        assert!(
            g == (w, w, w),
            "code {c:#06x}: portable {w:#010x}, F16C {g:#x?}"
        );
    }
    // Every tail length, from every offset.
    for start in 0..8 {
        for len in 0..=40 {
            let src = &codes[0x7BF0 + start..0x7BF0 + start + len];
            let mut d = std::vec![0f32; len];
            decode_to_f32(&FP16, src, &mut d).unwrap();
            let w = &want[0x7BF0 + start..0x7BF0 + start + len];
            assert!(d.iter().zip(w).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
}
