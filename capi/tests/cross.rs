//! The C ABI against lowprec's Rust API: every entry point called through its `extern "C"`
//! function with random arguments, every rounding mode and overflow policy, and its
//! results (codes, values, flags, errors) compared with the Rust call they stand for.
//! This proves the boundary's conversions: the structs, the mode constants, the seeds,
//! the slices and the flag bits.
//!
//! Compiled into the library's unit tests (`src/lib.rs` includes it):
//! `cargo test --release --manifest-path capi/Cargo.toml`.

use core::ffi::c_int;
use std::ffi::CString;

use lowprec::fixed::{Family, FixedFormat, FixedParams, OverflowMode, Quantization};
use lowprec::float::dot::Accumulator;
use lowprec::float::slice as rs;
use lowprec::lmul::{self as rl, LMul, Mode};
use lowprec::qat::{Layout, Qfx, QfxParams};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64, StatusAnd};

use crate::arith::*;
use crate::convert::*;
use crate::fixed::*;
use crate::format::*;
use crate::lmul::*;
use crate::qat::*;
use crate::*;

/// Values per function (and per rounding mode where the function rounds).
const N: usize = 100_000;

const OK: c_int = LOWPREC_OK as c_int;

/// Every rounding mode of the ABI with its Rust meaning, written out independently of
/// the conversion under test (sr_bits 0 = the most the rule takes).
fn modes() -> Vec<(u32, u32, Rounding)> {
    let sr = |kind, bits| Rounding::Stochastic(Stochastic { kind, bits });
    vec![
        (LOWPREC_ROUND_TIES_TO_EVEN, 0, Rounding::TiesToEven),
        (LOWPREC_ROUND_TIES_TO_AWAY, 0, Rounding::TiesToAway),
        (LOWPREC_ROUND_TIES_TO_ZERO, 0, Rounding::TiesToZero),
        (LOWPREC_ROUND_TIES_UP, 0, Rounding::TiesUp),
        (LOWPREC_ROUND_TIES_DOWN, 0, Rounding::TiesDown),
        (LOWPREC_ROUND_TOWARD_POSITIVE, 0, Rounding::TowardPositive),
        (LOWPREC_ROUND_TOWARD_NEGATIVE, 0, Rounding::TowardNegative),
        (LOWPREC_ROUND_TOWARD_ZERO, 0, Rounding::TowardZero),
        (LOWPREC_ROUND_TO_ODD, 0, Rounding::ToOdd),
        (LOWPREC_ROUND_TIES_TO_ODD, 0, Rounding::TiesToOdd),
        (LOWPREC_ROUND_SR, 0, sr(SrKind::Proportional, 64)),
        (LOWPREC_ROUND_SR, 5, sr(SrKind::Proportional, 5)),
        (LOWPREC_ROUND_SR_EQUAL, 0, sr(SrKind::Equal, 1)),
        (LOWPREC_ROUND_SR_P3109A, 3, sr(SrKind::P3109A, 3)),
        (LOWPREC_ROUND_SR_P3109B, 0, sr(SrKind::P3109B, 63)),
        (LOWPREC_ROUND_SR_P3109C, 7, sr(SrKind::P3109C, 7)),
    ]
}

const OVERFLOWS: [(u32, Overflow); 3] = [
    (LOWPREC_OVERFLOW_IEEE, Overflow::Ieee),
    (LOWPREC_OVERFLOW_SAT_FINITE, Overflow::SatFinite),
    (LOWPREC_OVERFLOW_SAT_PROPAGATE, Overflow::SatPropagate),
];

/// The formats of the float tests: presets, P3109, custom ones, every specials layout.
const FORMATS: [&str; 12] = [
    "e4m3fn",
    "e5m2",
    "fp16",
    "bf16",
    "e2m1",
    "e8m0",
    "e4m3fnuz",
    "binary8p3se",
    "binary6p2uf",
    "e6m9:nosub:bias=20",
    "fp32",
    "fp64",
];

fn cformat(name: &str) -> (FloatFormat, lowprec_format_t) {
    let f: FloatFormat = name.parse().unwrap();
    let c = CString::new(name).unwrap();
    let mut out = lowprec_format_t {
        exp_bits: 0,
        man_bits: 0,
        bias: 0,
        specials: 99,
        subnormals: 0,
        is_signed: 0,
    };
    assert_eq!(unsafe { lowprec_format_parse(c.as_ptr(), &mut out) }, OK);
    assert_eq!(out.format(), Ok(f));
    (f, out)
}

fn round_t(mode: u32, sr_bits: u32, overflow: u32, seed: u64) -> lowprec_round_t {
    lowprec_round_t {
        mode,
        overflow,
        sr_bits,
        seed,
    }
}

/// Random doubles for a format: random codes' values, their midpoints with neighbours
/// (ties), values beyond the range and below it, random bit patterns.
fn real(f: &FloatFormat, r: &mut SplitMix64) -> f64 {
    let u = r.next_u64();
    let code = r.next_u64() & f.code_mask();
    let v = f.to_f64(code);
    match u % 6 {
        0 => v,
        1 => v * (1.0 + f.epsilon() / 2.0),
        2 => v * (1.0 - f.epsilon() / 4.0) + f.min_subnormal() / 2.0,
        3 => v * (1.0 + (r.next_u64() >> 11) as f64 * 2f64.powi(-53) * 4.0 * f.epsilon()),
        4 => f64::from_bits(r.next_u64()),
        _ => v * 2f64.powi((r.next_u64() % 8) as i32 - 4),
    }
}

fn flags<T>(s: &StatusAnd<T>) -> u32 {
    u32::from(s.status.bits())
}

#[test]
fn scalar_rounding_and_decoding() {
    let mut r = SplitMix64::new(1);
    let mut count = 0usize;
    for (mi, (mode, bits, rounding)) in modes().into_iter().enumerate() {
        for i in 0..N {
            let (f, cf) = cformat(FORMATS[(i + mi) % FORMATS.len()]);
            let (oc, ov) = OVERFLOWS[i % 3];
            let seed = r.next_u64();
            let how = Round::new(rounding, ov);
            let x = real(&f, &mut r);
            let rt = round_t(mode, bits, oc, seed);
            let (mut code, mut st) = (0u64, 0u32);
            assert_eq!(
                unsafe { lowprec_round_f64(cf, x, rt, &mut code, &mut st) },
                OK
            );
            let want = f.from_f64_with(x, how, &mut SplitMix64::new(seed));
            assert_eq!((code, st), (want.value, flags(&want)), "{f} {x:e} {how}");
            let xf = x as f32;
            assert_eq!(
                unsafe { lowprec_round_f32(cf, xf, rt, &mut code, &mut st) },
                OK
            );
            let want = f.from_f32_with(xf, how, &mut SplitMix64::new(seed));
            assert_eq!((code, st), (want.value, flags(&want)), "{f} {xf:e} {how}");
            let (mut d, mut s) = (0f64, 0f32);
            assert_eq!(unsafe { lowprec_decode_f64(cf, code, &mut d) }, OK);
            assert_eq!(d.to_bits(), f.to_f64(code).to_bits());
            assert_eq!(unsafe { lowprec_decode_f32(cf, code, &mut s) }, OK);
            assert_eq!(s.to_bits(), f.to_f32(code).to_bits());
            count += 4;
        }
    }
    println!("scalar conversions: {count} comparisons");
}

#[test]
fn slices() {
    let mut r = SplitMix64::new(2);
    let mut count = 0usize;
    for (mi, (mode, bits, rounding)) in modes().into_iter().enumerate() {
        for (fi, name) in FORMATS.iter().enumerate() {
            let (f, cf) = cformat(name);
            let (oc, ov) = OVERFLOWS[(mi + fi) % 3];
            let how = Round::new(rounding, ov);
            let seed = r.next_u64();
            let rt = round_t(mode, bits, oc, seed);
            let n = N / FORMATS.len() + 1;
            let xs: Vec<f64> = (0..n).map(|_| real(&f, &mut r)).collect();
            let xf: Vec<f32> = xs.iter().map(|&x| x as f32).collect();

            // Quantize f32 and f64, in place and out of place, with and without flags.
            let mut want = xf.clone();
            rs::quantize_f32_with(&f, &mut want, how, &mut SplitMix64::new(seed));
            let mut want_st = 0u32;
            let mut g = SplitMix64::new(seed);
            for &x in &xf {
                want_st |= flags(&f.from_f32_with(x, how, &mut g));
            }
            let mut got = vec![0f32; n];
            let mut st = 0u32;
            let rc =
                unsafe { lowprec_quantize_f32(cf, xf.as_ptr(), got.as_mut_ptr(), n, rt, &mut st) };
            assert_eq!(rc, OK);
            assert!(same_f32(&got, &want) && st == want_st, "{f} {how}");
            let mut inplace = xf.clone();
            let p = inplace.as_mut_ptr();
            let rc = unsafe { lowprec_quantize_f32(cf, p, p, n, rt, core::ptr::null_mut()) };
            assert_eq!(rc, OK);
            assert!(same_f32(&inplace, &want), "{f} {how}");
            let mut want64 = xs.clone();
            rs::quantize_f64_with(&f, &mut want64, how, &mut SplitMix64::new(seed));
            let mut got64 = vec![0f64; n];
            let rc = unsafe {
                lowprec_quantize_f64(cf, xs.as_ptr(), got64.as_mut_ptr(), n, rt, &mut st)
            };
            assert_eq!(rc, OK);
            assert!(same_f64(&got64, &want64), "{f} {how}");
            count += 3 * n;

            // Encode into the narrowest code type that holds the format, and into u64;
            // decode back.
            let w = f.width();
            macro_rules! enc {
                ($t:ty, $f32fn:ident, $f64fn:ident, $d32:ident, $d64:ident) => {
                    if w <= <$t>::BITS {
                        let mut want = vec![0 as $t; n];
                        rs::encode_f32_with(&f, &xf, &mut want, how, &mut SplitMix64::new(seed))
                            .unwrap();
                        let mut got = vec![0 as $t; n];
                        for status in [core::ptr::null_mut(), &mut st as *mut u32] {
                            let rc =
                                unsafe { $f32fn(cf, xf.as_ptr(), got.as_mut_ptr(), n, rt, status) };
                            assert_eq!(rc, OK);
                            assert_eq!(got, want, "{f} {how}");
                        }
                        assert_eq!(st, want_st);
                        rs::encode_f64_with(&f, &xs, &mut want, how, &mut SplitMix64::new(seed))
                            .unwrap();
                        let rc =
                            unsafe { $f64fn(cf, xs.as_ptr(), got.as_mut_ptr(), n, rt, &mut st) };
                        assert_eq!(rc, OK);
                        assert_eq!(got, want, "{f} {how}");
                        let mut d32 = vec![0f32; n];
                        let mut w32 = vec![0f32; n];
                        rs::decode_to_f32(&f, &got, &mut w32).unwrap();
                        assert_eq!(unsafe { $d32(cf, got.as_ptr(), d32.as_mut_ptr(), n) }, OK);
                        assert!(same_f32(&d32, &w32));
                        let mut d64 = vec![0f64; n];
                        let mut w64 = vec![0f64; n];
                        rs::decode_to_f64(&f, &got, &mut w64).unwrap();
                        assert_eq!(unsafe { $d64(cf, got.as_ptr(), d64.as_mut_ptr(), n) }, OK);
                        assert!(same_f64(&d64, &w64));
                        count += 5 * n;
                    } else {
                        let mut got = vec![0 as $t; 1];
                        let rc =
                            unsafe { $f32fn(cf, xf.as_ptr(), got.as_mut_ptr(), 1, rt, &mut st) };
                        assert_eq!(rc, LOWPREC_ERR_FORMAT as c_int);
                    }
                };
            }
            enc!(
                u8,
                lowprec_encode_f32_u8,
                lowprec_encode_f64_u8,
                lowprec_decode_u8_f32,
                lowprec_decode_u8_f64
            );
            enc!(
                u16,
                lowprec_encode_f32_u16,
                lowprec_encode_f64_u16,
                lowprec_decode_u16_f32,
                lowprec_decode_u16_f64
            );
            enc!(
                u32,
                lowprec_encode_f32_u32,
                lowprec_encode_f64_u32,
                lowprec_decode_u32_f32,
                lowprec_decode_u32_f64
            );
            enc!(
                u64,
                lowprec_encode_f32_u64,
                lowprec_encode_f64_u64,
                lowprec_decode_u64_f32,
                lowprec_decode_u64_f64
            );
        }
    }
    println!("slice conversions: {count} elements compared");
}

fn same_f32(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn same_f64(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

#[test]
fn arithmetic() {
    let mut r = SplitMix64::new(3);
    let mut count = 0usize;
    for (mi, (mode, bits, rounding)) in modes().into_iter().enumerate() {
        for i in 0..N {
            let (f, cf) = cformat(FORMATS[(i + mi) % FORMATS.len()]);
            let (oc, ov) = OVERFLOWS[i % 3];
            let seed = r.next_u64();
            let how = Round::new(rounding, ov);
            let rt = round_t(mode, bits, oc, seed);
            // Codes with random bits above the width too: they are ignored on both sides.
            let (a, b, c) = (r.next_u64(), r.next_u64(), r.next_u64());
            let rng = || SplitMix64::new(seed);
            let (mut out, mut st) = (0u64, 0u32);
            let check = |rc: c_int, out: u64, st: u32, want: StatusAnd<u64>, op: &str| {
                assert_eq!(rc, OK);
                assert_eq!(
                    (out, st),
                    (want.value, flags(&want)),
                    "{op} {f} {a:x} {b:x} {how}"
                );
            };
            let rc = unsafe { lowprec_add(cf, a, b, rt, &mut out, &mut st) };
            check(rc, out, st, f.add_with(a, b, how, &mut rng()), "add");
            let rc = unsafe { lowprec_sub(cf, a, b, rt, &mut out, &mut st) };
            check(rc, out, st, f.sub_with(a, b, how, &mut rng()), "sub");
            let rc = unsafe { lowprec_mul(cf, a, b, rt, &mut out, &mut st) };
            check(rc, out, st, f.mul_with(a, b, how, &mut rng()), "mul");
            let rc = unsafe { lowprec_div(cf, a, b, rt, &mut out, &mut st) };
            check(rc, out, st, f.div_with(a, b, how, &mut rng()), "div");
            let rc = unsafe { lowprec_sqrt(cf, a, rt, &mut out, &mut st) };
            check(rc, out, st, f.sqrt_with(a, how, &mut rng()), "sqrt");
            let rc = unsafe { lowprec_fma(cf, a, b, c, rt, &mut out, &mut st) };
            check(rc, out, st, f.fma_with(a, b, c, how, &mut rng()), "fma");
            count += 6;
        }
    }
    println!("arithmetic: {count} operations compared");
}

/// A random valid fixed-point format of any family, width, integer bits and modes.
fn fixed_format(r: &mut SplitMix64) -> FixedFormat {
    loop {
        let family = [Family::ApFixed, Family::ApInt, Family::AcFixed][(r.next_u64() % 3) as usize];
        let width = 1 + (r.next_u64() % 64) as u32;
        let p = FixedParams {
            family,
            width,
            int_bits: (r.next_u64() % 80) as i32 - 20,
            signed: r.next_u64() % 2 == 0,
            quantization: Quantization::ALL[(r.next_u64() % 8) as usize],
            overflow: OverflowMode::ALL[(r.next_u64() % 5) as usize],
            sat_bits: if r.next_u64() % 2 == 0 {
                0
            } else {
                (r.next_u64() % u64::from(width + 1)) as u32
            },
        };
        let p = if family == Family::ApInt {
            FixedParams {
                signed: p.signed,
                ..FixedParams::ap_int(width)
            }
        } else {
            p
        };
        if let Ok(f) = FixedFormat::new(p) {
            return f;
        }
    }
}

fn cfixed(f: &FixedFormat) -> lowprec_fixed_t {
    // Through the C++ spelling, so that lowprec_fixed_parse is checked on every family.
    let c = CString::new(f.to_string()).unwrap();
    let mut t = lowprec_fixed_t {
        family: 9,
        width: 0,
        int_bits: 0,
        is_signed: 0,
        quantization: 0,
        overflow: 0,
        sat_bits: 0,
    };
    assert_eq!(
        unsafe { lowprec_fixed_parse(c.as_ptr(), &mut t) },
        OK,
        "{f}"
    );
    assert_eq!(t.format(), Ok(*f));
    t
}

#[test]
fn fixed_point() {
    let mut r = SplitMix64::new(4);
    let mut count = 0usize;
    let mut f = fixed_format(&mut r);
    let mut t = cfixed(&f);
    let mut g = fixed_format(&mut r);
    let mut tg = cfixed(&g);
    for i in 0..N {
        if i % 50 == 0 {
            (f, t) = (g, tg);
            g = fixed_format(&mut r);
            tg = cfixed(&g);
        }
        let lsb = 2f64.powi(-f.frac_bits());
        let x = match r.next_u64() % 4 {
            0 => (r.next_u64() as i64 >> (r.next_u64() % 64)) as f64 * lsb / 2.0,
            1 => f64::from_bits(r.next_u64()),
            2 => {
                (r.next_u64() >> 11) as f64 * 2f64.powi(-53) * lsb * 2f64.powi(f.width() as i32 + 1)
            }
            _ => {
                -((r.next_u64() >> 11) as f64)
                    * 2f64.powi(-53)
                    * lsb
                    * 2f64.powi(f.width() as i32 + 1)
            }
        };
        let (mut bits, mut st, mut v, mut raw) = (0u64, 0u32, 0f64, 0i64);
        assert_eq!(
            unsafe { lowprec_fixed_from_f64(t, x, &mut bits, &mut st) },
            OK
        );
        let want = f.from_f64_with(x);
        assert_eq!((bits, st), (want.value, flags(&want)), "{f} {x:e}");
        assert_eq!(unsafe { lowprec_fixed_to_f64(t, bits, &mut v) }, OK);
        assert_eq!(v.to_bits(), f.to_f64(bits).to_bits());
        assert_eq!(unsafe { lowprec_fixed_raw(t, bits, &mut raw) }, OK);
        assert_eq!(raw, f.raw_of(bits) as i64);
        let (mut cb, mut cs) = (0u64, 0u32);
        assert_eq!(
            unsafe { lowprec_fixed_cast(tg, t, bits, &mut cb, &mut cs) },
            OK
        );
        let want = g.cast_from_with(&f, bits);
        assert_eq!((cb, cs), (want.value, flags(&want)), "{f} -> {g}");
        count += 4;
    }
    // Slices.
    for _ in 0..20 {
        let f = fixed_format(&mut r);
        let t = cfixed(&f);
        let xs: Vec<f64> = (0..5000)
            .map(|_| (r.next_u64() as i64 >> 40) as f64 * 2f64.powi(-f.frac_bits() - 1))
            .collect();
        let (mut bits, mut vals, mut st) = (vec![0u64; xs.len()], vec![0f64; xs.len()], 0u32);
        let rc = unsafe {
            lowprec_fixed_from_f64_n(t, xs.as_ptr(), bits.as_mut_ptr(), xs.len(), &mut st)
        };
        assert_eq!(rc, OK);
        let mut want_st = 0;
        for (&x, &b) in xs.iter().zip(&bits) {
            let w = f.from_f64_with(x);
            assert_eq!(b, w.value);
            want_st |= flags(&w);
        }
        assert_eq!(st, want_st);
        let rc = unsafe { lowprec_fixed_to_f64_n(t, bits.as_ptr(), vals.as_mut_ptr(), xs.len()) };
        assert_eq!(rc, OK);
        for (&b, &v) in bits.iter().zip(&vals) {
            assert_eq!(v.to_bits(), f.to_f64(b).to_bits());
        }
        count += 2 * xs.len();
    }
    println!("fixed point: {count} comparisons");
}

#[test]
fn lmul() {
    let mut r = SplitMix64::new(5);
    let mut count = 0usize;
    let names = [
        "fp32",
        "bf16",
        "fp16",
        "e4m3fn",
        "e5m2",
        "e2m1",
        "e8m0",
        "binary8p3se",
    ];
    for i in 0..N {
        let (f, cf) = cformat(names[i % names.len()]);
        let (oc, ov) = OVERFLOWS[(i / 8) % 3];
        let guarded = i % 2 == 0;
        let (mode, cmode) = if guarded {
            (Mode::Guarded, LOWPREC_LMUL_GUARDED)
        } else {
            (Mode::PaperExact, LOWPREC_LMUL_PAPER)
        };
        let m = f.man_bits();
        let k = if i % 3 == 0 {
            -1
        } else {
            (r.next_u64() % u64::from(m + 2)) as i32
        };
        let mut lm = LMul::new(f, mode, ov);
        if k >= 0 {
            lm = lm.with_k(k as u32);
        }
        let l = if i % 5 == 0 && m > 0 {
            (r.next_u64() % u64::from(m + 1)) as i32
        } else {
            -1
        };
        if l >= 0 {
            lm = lm.with_offset_exponent(l as u32).unwrap();
        }
        let c = lowprec_lmul_t {
            format: cf,
            mode: cmode,
            overflow: oc,
            k,
            l,
        };
        let (a, b) = (r.next_u64(), r.next_u64());
        let (mut out, mut st) = (0u64, 0u32);
        assert_eq!(unsafe { lowprec_lmul_mul(c, a, b, &mut out, &mut st) }, OK);
        let want = lm.mul_with(a, b);
        assert_eq!((out, st), (want.value, flags(&want)), "{f} {a:x} {b:x}");
        count += 1;
    }
    // Dot and matrix products in every accumulator rounding mode.
    for (mi, (mode, bits, rounding)) in modes().into_iter().enumerate() {
        for (ni, name) in ["e4m3fn", "bf16", "fp32"].iter().enumerate() {
            let (f, cf) = cformat(name);
            let (oc, ov) = OVERFLOWS[(mi + ni) % 3];
            let lm = LMul::guarded(f, ov);
            let c = lowprec_lmul_t {
                format: cf,
                mode: LOWPREC_LMUL_GUARDED,
                overflow: oc,
                k: -1,
                l: -1,
            };
            for (acc_name, round_products) in [("fp32", 0u32), ("e4m3fn", 1), ("bf16", 0)] {
                let (af, caf) = cformat(acc_name);
                let seed = r.next_u64();
                let acc = Accumulator {
                    format: af,
                    round: Round::new(rounding, ov),
                    round_products: round_products == 1,
                };
                let cacc = lowprec_accum_t {
                    format: caf,
                    round: round_t(mode, bits, oc, seed),
                    round_products,
                };
                let (mm, kk, nn) = (30usize, 33usize, 24usize);
                let mask = f.code_mask();
                macro_rules! run {
                    ($t:ty, $dot:ident, $matmul:ident) => {{
                        let a: Vec<$t> =
                            (0..mm * kk).map(|_| (r.next_u64() & mask) as $t).collect();
                        let b: Vec<$t> =
                            (0..kk * nn).map(|_| (r.next_u64() & mask) as $t).collect();
                        let (mut out, mut st) = (0u64, 0u32);
                        let rc =
                            unsafe { $dot(c, a.as_ptr(), a.as_ptr(), kk, cacc, &mut out, &mut st) };
                        assert_eq!(rc, OK);
                        let want =
                            rl::dot(&lm, &a[..kk], &a[..kk], &acc, &mut SplitMix64::new(seed))
                                .unwrap();
                        assert_eq!((out, st), (want.value, flags(&want)));
                        let mut got = vec![0u64; mm * nn];
                        let rc = unsafe {
                            $matmul(
                                c,
                                a.as_ptr(),
                                b.as_ptr(),
                                got.as_mut_ptr(),
                                mm,
                                kk,
                                nn,
                                cacc,
                                &mut st,
                            )
                        };
                        assert_eq!(rc, OK);
                        let mut want = vec![0u64; mm * nn];
                        let s = rl::matmul(
                            &lm,
                            &a,
                            &b,
                            &mut want,
                            mm,
                            kk,
                            nn,
                            &acc,
                            &mut SplitMix64::new(seed),
                        )
                        .unwrap();
                        assert_eq!((got, st), (want, u32::from(s.bits())));
                        count += 1 + mm * nn;
                    }};
                }
                match f.width() {
                    8 => run!(u8, lowprec_lmul_dot_u8, lowprec_lmul_matmul_u8),
                    16 => run!(u16, lowprec_lmul_dot_u16, lowprec_lmul_matmul_u16),
                    _ => run!(u32, lowprec_lmul_dot_u32, lowprec_lmul_matmul_u32),
                }
            }
        }
    }
    println!("L-Mul: {count} results compared");
}

#[test]
fn qfx() {
    let mut r = SplitMix64::new(6);
    let mut count = 0usize;
    let mut cases = 0;
    // 4 calls per element: at least N elements through each function.
    while count < 4 * N {
        let width = 1 + (r.next_u64() % 24) as u32;
        let family = if r.next_u64() % 3 == 0 {
            Family::AcFixed
        } else {
            Family::ApFixed
        };
        let channels = [1usize, 3, 4, 70][(r.next_u64() % 4) as usize];
        let (layout, cl) = match r.next_u64() % 3 {
            0 => (Layout::PerTensor, LOWPREC_LAYOUT_PER_TENSOR),
            1 => (
                Layout::ChannelMajor { channels },
                LOWPREC_LAYOUT_CHANNEL_MAJOR,
            ),
            _ => (
                Layout::ChannelLast { channels },
                LOWPREC_LAYOUT_CHANNEL_LAST,
            ),
        };
        let p = QfxParams {
            width,
            signed: r.next_u64() % 4 != 0,
            family,
            quantization: Quantization::ALL[(r.next_u64() % 8) as usize],
            overflow: OverflowMode::ALL[(r.next_u64() % 5) as usize],
            sat_bits: if r.next_u64() % 3 == 0 {
                (r.next_u64() % u64::from(width + 1)) as u32
            } else {
                0
            },
            layout,
            grad_scale: r.next_u64() % 2 == 0,
        };
        let Ok(q) = Qfx::new(p) else { continue };
        let c = lowprec_qfx_t {
            width,
            is_signed: p.signed as u32,
            family: if family == Family::AcFixed {
                LOWPREC_FAMILY_AC_FIXED
            } else {
                LOWPREC_FAMILY_AP_FIXED
            },
            quantization: p.quantization as u32,
            overflow: p.overflow as u32,
            sat_bits: p.sat_bits,
            layout: cl,
            channels,
            grad_scale: p.grad_scale as u32,
        };
        let groups = layout.groups();
        let n = groups * (1 + (r.next_u64() % 300) as usize);
        let frac: Vec<f32> = (0..groups)
            .map(|_| (r.next_u64() % 2000) as f32 / 100.0 - 6.0)
            .collect();
        let x: Vec<f32> = (0..n)
            .map(|_| {
                ((r.next_u64() as i64 >> 40) as f32) * 2f32.powi(-((r.next_u64() % 24) as i32))
            })
            .collect();
        let gy: Vec<f32> = (0..n)
            .map(|_| (r.next_u64() % 200) as f32 / 100.0 - 1.0)
            .collect();
        let mut want = vec![0f32; n];
        q.forward(&frac, &x, &mut want).unwrap();
        let mut got = vec![0f32; n];
        let rc = unsafe {
            lowprec_qfx_forward(c, frac.as_ptr(), groups, x.as_ptr(), got.as_mut_ptr(), n)
        };
        assert_eq!(rc, OK);
        assert!(same_f32(&got, &want), "{p:?}");
        let mut inplace = x.clone();
        let ptr = inplace.as_mut_ptr();
        assert_eq!(
            unsafe { lowprec_qfx_forward(c, frac.as_ptr(), groups, ptr, ptr, n) },
            OK
        );
        assert!(same_f32(&inplace, &want));
        let (mut wgx, mut wgf) = (vec![0f32; n], vec![0f32; groups]);
        q.backward(&frac, &x, &gy, &mut wgx, &mut wgf).unwrap();
        let (mut ggx, mut ggf) = (vec![0f32; n], vec![0f32; groups]);
        let rc = unsafe {
            lowprec_qfx_backward(
                c,
                frac.as_ptr(),
                groups,
                x.as_ptr(),
                gy.as_ptr(),
                ggx.as_mut_ptr(),
                ggf.as_mut_ptr(),
                n,
            )
        };
        assert_eq!(rc, OK);
        assert!(same_f32(&ggx, &wgx) && same_f32(&ggf, &wgf));
        let mut gyv = vec![0f32; n];
        let rc = unsafe {
            lowprec_qfx_forward_backward(
                c,
                frac.as_ptr(),
                groups,
                x.as_ptr(),
                gy.as_ptr(),
                gyv.as_mut_ptr(),
                ggx.as_mut_ptr(),
                ggf.as_mut_ptr(),
                n,
            )
        };
        assert_eq!(rc, OK);
        assert!(same_f32(&gyv, &want) && same_f32(&ggx, &wgx) && same_f32(&ggf, &wgf));
        count += 4 * n;
        cases += 1;
    }
    println!("QFX: {cases} quantizers, {count} elements compared");
}

/// Every invalid value of every mode field is refused; every valid one accepted.
#[test]
fn mode_values() {
    let (_, cf) = cformat("e4m3fn");
    let mut out = 0u64;
    for mode in 0..64u32 {
        for sr_bits in [0u32, 1, 2, 63, 64, 65, u32::MAX] {
            for ov in [0u32, 1, 2, 3, u32::MAX] {
                let rt = round_t(mode, sr_bits, ov, 0);
                let rc = unsafe { lowprec_round_f64(cf, 1.3, rt, &mut out, core::ptr::null_mut()) };
                let max_bits = match mode {
                    0..=9 => u32::MAX,
                    LOWPREC_ROUND_SR | LOWPREC_ROUND_SR_P3109A => 64,
                    LOWPREC_ROUND_SR_P3109B | LOWPREC_ROUND_SR_P3109C => 63,
                    LOWPREC_ROUND_SR_EQUAL => 1,
                    _ => 0,
                };
                let valid = mode <= 14 && ov <= 2 && (mode <= 9 || sr_bits <= max_bits);
                let want = if valid { OK } else { LOWPREC_ERR_MODE as c_int };
                assert_eq!(rc, want, "mode {mode} bits {sr_bits} overflow {ov}");
            }
        }
    }
}
