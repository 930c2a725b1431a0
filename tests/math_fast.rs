//! The binary64 fast path of the elementary functions (`src/math/fast.rs`) against the
//! multi-precision path, which `tests/math_mpfr.rs` proves against MPFR: for exp, log,
//! sin, cos, tanh and erf, every code of fp16, bf16 and the 8-bit presets, and random
//! binary32 values (all bit patterns, and values inside each kernel's range), in every
//! deterministic mode and overflow policy, codes and flags must be the exact path's.
//!
//! `FloatFormat::unary_with` takes the fast path in deterministic modes wherever it
//! decides; `math::unary` followed by `FloatFormat::round` never does.

use lowprec::float::Exact;
use lowprec::math::{Unary, unary};
use lowprec::{FloatFormat, NoRandom, Overflow, RandomBits, Round, Rounding, SplitMix64};

const FUNCTIONS: [Unary; 6] = [
    Unary::Exp,
    Unary::Log,
    Unary::Sin,
    Unary::Cos,
    Unary::Tanh,
    Unary::Erf,
];

const POLICIES: [Overflow; 3] = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];

/// Compares the two paths at one code in every mode and policy; returns the number of
/// comparisons.
fn check(fmt: FloatFormat, f: Unary, code: u64) -> usize {
    // The fast path takes finite nonzero arguments with finite values only; the special
    // outcomes (log 0, NaN) are the exact path's alone and proven in math_mpfr.rs.
    let x = fmt.decode(code);
    let r = unary(f, x);
    let (value, exact_flags) = (r.value, r.status);
    if !matches!(x, Exact::Finite(_)) || !matches!(value, Exact::Finite(_)) {
        return 0;
    }
    let mut n = 0;
    for mode in Rounding::DETERMINISTIC {
        for overflow in POLICIES {
            let how = Round::new(mode, overflow);
            let want = fmt.round(value, how, &mut NoRandom);
            let got = fmt.unary_with(f, code, how, &mut NoRandom);
            assert_eq!(
                (got.value, got.status),
                (want.value, want.status | exact_flags),
                "{} of {code:#x} in {fmt}, {mode:?}, {overflow:?}",
                f.name()
            );
            n += 1;
        }
    }
    n
}

#[test]
fn every_code_of_16_bit_and_8_bit_presets() {
    let mut n = 0;
    for fmt in [
        FloatFormat::FP16,
        FloatFormat::BF16,
        FloatFormat::E5M2,
        FloatFormat::E4M3FN,
        FloatFormat::E4M3FNUZ,
        FloatFormat::E3M4,
        FloatFormat::E2M3,
        FloatFormat::E2M1,
    ] {
        for f in FUNCTIONS {
            for code in 0..1u64 << fmt.width() {
                n += check(fmt, f, code);
            }
        }
    }
    println!("{n} comparisons");
}

#[test]
fn random_binary32() {
    let fmt = FloatFormat::FP32;
    let mut rng = SplitMix64::new(2026);
    let mut n = 0;
    for f in FUNCTIONS {
        for i in 0..20_000 {
            let code = if i % 2 == 0 {
                rng.next_u64() & 0xffff_ffff
            } else {
                // Inside the kernels' ranges: |x| < 16, both signs.
                let u = (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
                u64::from((32.0 * u - 16.0).to_bits())
            };
            n += check(fmt, f, code);
        }
    }
    println!("{n} comparisons");
}
