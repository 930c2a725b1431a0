//! binary32 and binary64 arithmetic in round-to-nearest-even against the host's IEEE 754
//! hardware arithmetic (Rust's `f32`/`f64` operators, `sqrt` and `mul_add` are correctly
//! rounded), on random bit patterns and on operands chosen near overflow, underflow,
//! cancellation and halfway cases.

use lowprec::{FloatFormat, RandomBits, Rounding, SplitMix64};

const RNE: Rounding = Rounding::TiesToEven;

/// Random f32 bit patterns biased toward the interesting exponents.
fn operand32(rng: &mut SplitMix64) -> u32 {
    let r = rng.next_u64();
    let sign = (r >> 63) as u32;
    let exp = match r >> 60 & 7 {
        0 => 0,                          // zero / subnormal
        1 => 254 - (r >> 50 & 3) as u32, // near overflow
        2 => 1 + (r >> 50 & 3) as u32,   // near underflow
        3 => 255,                        // inf / NaN
        _ => (r >> 52 & 0xFF) as u32,
    };
    let man = match r >> 57 & 7 {
        0 => 0,
        1 => 0x7F_FFFF,
        _ => (r & 0x7F_FFFF) as u32,
    };
    sign << 31 | exp << 23 | man
}

fn same32(want: f32, got: u64) -> bool {
    if want.is_nan() {
        FloatFormat::FP32.is_nan(got)
    } else {
        u64::from(want.to_bits()) == got
    }
}

#[test]
fn binary32_matches_hardware() {
    let f = FloatFormat::FP32;
    let mut rng = SplitMix64::new(32);
    let mut sr = SplitMix64::new(0);
    for i in 0..1_000_000u32 {
        let (a, b, c) = (
            operand32(&mut rng),
            operand32(&mut rng),
            operand32(&mut rng),
        );
        // Every fourth case: b close to ±a, for cancellation.
        let b = if i % 4 == 0 { a ^ (b & 0x8000_0007) } else { b };
        let (x, y, z) = (f32::from_bits(a), f32::from_bits(b), f32::from_bits(c));
        let (a, b, c) = (u64::from(a), u64::from(b), u64::from(c));
        let check = |name: &str, want: f32, got: u64| {
            assert!(
                same32(want, got),
                "{name}({x:e}, {y:e}, {z:e}) = {want:e}, lowprec gave {:e}",
                f32::from_bits(got as u32)
            );
        };
        check("add", x + y, f.add(a, b));
        check("sub", x - y, f.sub(a, b));
        check("mul", x * y, f.mul(a, b));
        check("div", x / y, f.div(a, b));
        check("sqrt", x.sqrt(), f.sqrt(a));
        check("fma", x.mul_add(y, z), f.fma(a, b, c));
        check("rem", libm_remainder32(x, y), f.remainder(a, b).value);
        assert_eq!(x.partial_cmp(&y), f.partial_cmp(a, b), "cmp({x:e}, {y:e})");
        assert_eq!(
            x.total_cmp(&y),
            f.total_cmp(a, b),
            "total_cmp({x:e}, {y:e})"
        );
        check(
            "round_ties_even",
            x.round_ties_even(),
            f.round_to_integral(a, RNE, &mut sr).value,
        );
        check(
            "trunc",
            x.trunc(),
            f.round_to_integral(a, Rounding::TowardZero, &mut sr).value,
        );
        check(
            "floor",
            x.floor(),
            f.round_to_integral(a, Rounding::TowardNegative, &mut sr)
                .value,
        );
        check(
            "ceil",
            x.ceil(),
            f.round_to_integral(a, Rounding::TowardPositive, &mut sr)
                .value,
        );
        check(
            "round",
            x.round(),
            f.round_to_integral(a, Rounding::TiesToAway, &mut sr).value,
        );
    }
}

/// IEEE remainder through f64, exact for f32 operands: x − n·y with n = round-half-even(x/y).
/// x/y in f64 may round, so n is corrected by comparing |r| with |y|/2 exactly in f64.
fn libm_remainder32(x: f32, y: f32) -> f32 {
    if x.is_nan() || y.is_nan() || x.is_infinite() || y == 0.0 {
        return f32::NAN;
    }
    if y.is_infinite() {
        return x;
    }
    // fmod is exact; then fold into [−|y|/2, |y|/2] with ties to even quotient.
    let (xd, yd) = (f64::from(x), f64::from(y).abs());
    let r = xd % yd; // exact, sign of x
    let q_odd = ((xd - r) / yd).rem_euclid(2.0) == 1.0;
    let half = yd / 2.0;
    let r = if r.abs() > half || (r.abs() == half && q_odd) {
        r - yd.copysign(r)
    } else {
        r
    };
    if r == 0.0 {
        0.0f32.copysign(x)
    } else {
        r as f32
    }
}

#[test]
fn binary64_matches_hardware() {
    let f = FloatFormat::FP64;
    let mut rng = SplitMix64::new(64);
    for i in 0..500_000u32 {
        let pick = |rng: &mut SplitMix64| {
            let r = rng.next_u64();
            match r & 7 {
                0 => r & 0x800F_FFFF_FFFF_FFFF,                           // subnormal
                1 => (r & 0x800F_FFFF_FFFF_FFFF) | 0x7FE0_0000_0000_0000, // near overflow
                2 => (r & 0x800F_FFFF_FFFF_FFFF) | 0x0010_0000_0000_0000, // near underflow
                _ => r,
            }
        };
        let (a, b, c) = (pick(&mut rng), pick(&mut rng), pick(&mut rng));
        let b = if i % 4 == 0 {
            a ^ (b & 0x8000_0000_0000_000F)
        } else {
            b
        };
        let (x, y, z) = (f64::from_bits(a), f64::from_bits(b), f64::from_bits(c));
        let check = |name: &str, want: f64, got: u64| {
            let ok = if want.is_nan() {
                f.is_nan(got)
            } else {
                want.to_bits() == got
            };
            assert!(
                ok,
                "{name}({x:e}, {y:e}, {z:e}) = {want:e}, lowprec gave {:e}",
                f64::from_bits(got)
            );
        };
        check("add", x + y, f.add(a, b));
        check("sub", x - y, f.sub(a, b));
        check("mul", x * y, f.mul(a, b));
        check("div", x / y, f.div(a, b));
        check("sqrt", x.abs().sqrt(), f.sqrt(f.abs(a)));
        check("fma", x.mul_add(y, z), f.fma(a, b, c));
    }
}
