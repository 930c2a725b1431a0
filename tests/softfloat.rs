//! binary16, binary32 and binary64 arithmetic against Berkeley SoftFloat 3
//! (`softfloat-wrapper`) in its five rounding modes, status flags included
//! (SoftFloat detects tininess after rounding, as lowprec does).
//!
//! SoftFloat keeps its rounding mode and flags in global state, so every comparison
//! runs inside one test function, one operation after another.

use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64, Status};
use softfloat_wrapper::{ExceptionFlags, F16, F32, F64, Float, RoundingMode};

const MODES: [(Rounding, RoundingMode); 5] = [
    (Rounding::TiesToEven, RoundingMode::TiesToEven),
    (Rounding::TowardZero, RoundingMode::TowardZero),
    (Rounding::TowardNegative, RoundingMode::TowardNegative),
    (Rounding::TowardPositive, RoundingMode::TowardPositive),
    (Rounding::TiesToAway, RoundingMode::TiesToAway),
];

/// SoftFloat's flags as lowprec's `Status` (its "infinite" flag is division by zero).
fn status(flags: ExceptionFlags) -> Status {
    let mut s = Status::OK;
    for (on, flag) in [
        (flags.is_invalid(), Status::INVALID),
        (flags.is_infinite(), Status::DIV_BY_ZERO),
        (flags.is_overflow(), Status::OVERFLOW),
        (flags.is_underflow(), Status::UNDERFLOW),
        (flags.is_inexact(), Status::INEXACT),
    ] {
        if on {
            s |= flag;
        }
    }
    s
}

/// Runs one SoftFloat operation and returns its result bits and flags.
fn soft<T: Float>(op: impl FnOnce() -> T) -> (u64, Status)
where
    T::Payload: Into<u64>,
{
    let mut flags = ExceptionFlags::default();
    flags.set();
    let r = op();
    flags.get();
    (r.to_bits().into(), status(flags))
}

/// Random operand bits for a `width`-bit IEEE format with `man` fraction bits, biased
/// toward zeros, subnormals, the extreme exponents, infinities and NaNs.
fn operand(rng: &mut SplitMix64, width: u32, man: u32) -> u64 {
    let r = rng.next_u64();
    let exp_bits = width - 1 - man;
    let top = (1u64 << exp_bits) - 1;
    let exp = match r >> 59 & 15 {
        0 => 0,
        1 => top,
        2 => top - 1 - (r >> 40 & 1),
        3 => 1 + (r >> 40 & 1),
        4 => (top >> 1) + (r >> 40 & 3), // near 1
        _ => (r >> 20) % (top + 1),
    };
    let frac = match r >> 56 & 7 {
        0 => 0,
        1 => (1 << man) - 1,
        2 => 1,
        _ => rng.next_u64() & ((1 << man) - 1),
    };
    (r >> 63) << (width - 1) | exp << man | frac
}

struct Checker {
    format: FloatFormat,
    checked: u64,
}

impl Checker {
    fn check(&mut self, what: &str, want: (u64, Status), got: lowprec::StatusAnd<u64>) {
        self.checked += 1;
        let f = &self.format;
        let same_value = if f.is_nan(want.0) {
            f.is_nan(got.value)
        } else {
            want.0 == got.value
        };
        assert!(
            same_value && want.1 == got.status,
            "{} {what}: SoftFloat {:#x} [{}], lowprec {:#x} [{}]",
            f,
            want.0,
            want.1,
            got.value,
            got.status
        );
    }
}

macro_rules! run_format {
    ($T:ty, $fmt:expr, $width:expr, $man:expr, $n:expr, $seed:expr) => {{
        let f: FloatFormat = $fmt;
        let mut c = Checker {
            format: f,
            checked: 0,
        };
        let mut rng = SplitMix64::new($seed);
        let mut unused = SplitMix64::new(0);
        let ov = Overflow::Ieee;
        for i in 0..$n {
            let (mode, sfm) = MODES[i % MODES.len()];
            let a = operand(&mut rng, $width, $man);
            let mut b = operand(&mut rng, $width, $man);
            let c3 = operand(&mut rng, $width, $man);
            if i % 8 == 0 {
                // b ≈ ±a: cancellation and exact ties in sums.
                b = a ^ (b & ((1 << ($width - 1)) | 0x7));
            }
            let (x, y, z) = (
                <$T>::from_bits(a as _),
                <$T>::from_bits(b as _),
                <$T>::from_bits(c3 as _),
            );
            let ctx = |op: &str| format!("{op}({a:#x}, {b:#x}, {c3:#x}) {mode}");
            c.check(
                &ctx("add"),
                soft(|| x.add(y, sfm)),
                f.add_with(a, b, Round::new(mode, ov), &mut unused),
            );
            c.check(
                &ctx("sub"),
                soft(|| x.sub(y, sfm)),
                f.sub_with(a, b, Round::new(mode, ov), &mut unused),
            );
            c.check(
                &ctx("mul"),
                soft(|| x.mul(y, sfm)),
                f.mul_with(a, b, Round::new(mode, ov), &mut unused),
            );
            c.check(
                &ctx("div"),
                soft(|| x.div(y, sfm)),
                f.div_with(a, b, Round::new(mode, ov), &mut unused),
            );
            c.check(
                &ctx("sqrt"),
                soft(|| x.sqrt(sfm)),
                f.sqrt_with(a, Round::new(mode, ov), &mut unused),
            );
            c.check(
                &ctx("fma"),
                soft(|| x.fused_mul_add(y, z, sfm)),
                f.fma_with(a, b, c3, Round::new(mode, ov), &mut unused),
            );
            c.check(&ctx("rem"), soft(|| x.rem(y, sfm)), f.remainder(a, b));
            // SoftFloat's roundToInt here is the non-signalling variant: compare values.
            let (want, _) = soft(|| x.round_to_integral(sfm));
            let got = f.round_to_integral(a, mode, &mut unused);
            let flags = got.status.without(Status::INEXACT);
            c.check(
                &ctx("round_to_integral"),
                (want, flags),
                lowprec::StatusAnd::new(got.value, flags),
            );
            let want_cmp = if x.is_nan() || y.is_nan() {
                None
            } else {
                x.compare(y)
            };
            assert_eq!(want_cmp, f.partial_cmp(a, b), "{}", ctx("compare"));
        }
        c.checked
    }};
}

/// The directed operations of `Interval<f32>` (binary64 arithmetic rounded once more,
/// `lowprec::interval::Scalar for f32`) against SoftFloat's binary32 operations rounded
/// toward ±∞. Operands are finite or infinite, never NaN (interval bounds); what the
/// `Scalar` contract leaves out is skipped: results SoftFloat calls invalid (∞ − ∞,
/// 0 · ∞, √−x), divisions by zero, and fma with an infinite operand (intervals compute
/// those as a product and a sum). Zeros compare equal whatever their signs (bounds are
/// reals). Half of the pairs have exponents 20 to 70 apart, where the binary64 sum (or
/// fma) rounds onto a binary32 and the error term decides.
fn interval_f32_matches_softfloat(n: usize) -> u64 {
    use lowprec::interval::{Dir, Scalar};
    let mut rng = SplitMix64::new(1788);
    let finite = |rng: &mut SplitMix64| loop {
        let x = F32::from_bits(operand(rng, 32, 23) as u32);
        if !x.is_nan() {
            return x;
        }
    };
    let mut checked = 0;
    for i in 0..n {
        let x = finite(&mut rng);
        let mut y = finite(&mut rng);
        let z = finite(&mut rng);
        if i % 2 == 0 {
            // y = ±x·2^−k·(1 + small), k in 20..70: sums whose binary64 rounding is a
            // binary32 only because the small part was rounded away.
            let k = 20 + rng.next_u64() % 50;
            let xv = f32::from_bits(x.to_bits());
            let tweak = 1.0 + (rng.next_u64() % 1024) as f32 * f32::EPSILON;
            let yv = xv
                * tweak
                * (2f32).powi(-(k as i32))
                * if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 };
            y = F32::from_bits(yv.to_bits());
        }
        let (a, b, c) = (
            f32::from_bits(x.to_bits()),
            f32::from_bits(y.to_bits()),
            f32::from_bits(z.to_bits()),
        );
        for (dir, sfm) in [
            (Dir::Up, RoundingMode::TowardPositive),
            (Dir::Down, RoundingMode::TowardNegative),
        ] {
            let cases: [(&str, bool, F32, f32); 6] = [
                (
                    "add",
                    false,
                    x.add(y, sfm),
                    <f32 as Scalar>::add(&(), a, b, dir),
                ),
                (
                    "sub",
                    false,
                    x.sub(y, sfm),
                    <f32 as Scalar>::sub(&(), a, b, dir),
                ),
                (
                    "mul",
                    false,
                    x.mul(y, sfm),
                    <f32 as Scalar>::mul(&(), a, b, dir),
                ),
                (
                    "div",
                    b == 0.0,
                    x.div(y, sfm),
                    <f32 as Scalar>::div(&(), a, b, dir),
                ),
                (
                    "fma",
                    !(a.is_finite() && b.is_finite() && c.is_finite()),
                    x.fused_mul_add(y, z, sfm),
                    <f32 as Scalar>::fma(&(), a, b, c, dir),
                ),
                (
                    "sqrt",
                    false,
                    x.sqrt(sfm),
                    <f32 as Scalar>::sqrt(&(), a, dir),
                ),
            ];
            for (op, skip, want, got) in cases {
                if skip || want.is_nan() {
                    continue;
                }
                checked += 1;
                // Bounds are reals: −0 and +0 are the same bound.
                let want = f32::from_bits(want.to_bits());
                assert!(
                    want.to_bits() == got.to_bits() || (want == 0.0 && got == 0.0),
                    "interval f32 {op}({a:e}, {b:e}, {c:e}) {dir:?}: SoftFloat {want:e}, lowprec {got:e}",
                );
            }
        }
    }
    checked
}

#[test]
fn ieee_formats_match_softfloat() {
    let n16 = run_format!(F16, FloatFormat::FP16, 16u32, 10u32, 1_000_000usize, 16);
    let n32 = run_format!(F32, FloatFormat::FP32, 32u32, 23u32, 1_000_000usize, 32);
    let n64 = run_format!(F64, FloatFormat::FP64, 64u32, 52u32, 1_000_000usize, 64);
    println!("SoftFloat: {n16} fp16, {n32} fp32, {n64} fp64 operations checked with flags");
    // SoftFloat's state is global: the interval check runs in the same test.
    let ni = interval_f32_matches_softfloat(1_000_000);
    println!("SoftFloat: {ni} directed binary32 interval-bound operations checked");
}
