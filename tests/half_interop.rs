//! lowprec against the `half` crate: f32 → f16/bf16 with ties-to-even bit for bit, every
//! f16/bf16 code through lowprec's `half` interop, and `half`'s from-f64 misrounding
//! just above ties (its f64 conversions go through a narrower type first), where lowprec is right.
//!
//! The default run covers every f32 bit pattern with a stride of 61 (70 million, on all
//! threads), plus every f32 within 4 ulps of every f16/bf16 value and of every midpoint
//! between neighbours (which includes the subnormal boundaries, the overflow thresholds
//! 65520 and the bf16 ones, and the ties with zero). `LOWPREC_EXHAUSTIVE=1` checks all
//! 2^32 patterns instead (about ten minutes on two cores).

use half::{bf16, f16};
use lowprec::float::formats::{Bf16, Fp16};
use lowprec::float::{Class, Fp, bf16_from_f32, f16_from_f32};
use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};

/// Whether two 16-bit results agree: same bits, or both NaN (payloads not compared).
fn same(a: u16, a_nan: bool, b: u16, b_nan: bool) -> bool {
    a == b || (a_nan && b_nan)
}

/// Checks one f32 input against `half`; returns a description on mismatch.
fn check(x: f32) -> Option<String> {
    let (l, h) = (f16_from_f32(x), f16::from_f32(x));
    if !same(l.to_bits(), l.is_nan(), h.to_bits(), h.is_nan()) {
        return Some(format!(
            "f16: f32 {x:e} ({:#010x}): lowprec {:#06x}, half {:#06x}",
            x.to_bits(),
            l.to_bits(),
            h.to_bits()
        ));
    }
    let (l, h) = (bf16_from_f32(x), bf16::from_f32(x));
    if !same(l.to_bits(), l.is_nan(), h.to_bits(), h.is_nan()) {
        return Some(format!(
            "bf16: f32 {x:e} ({:#010x}): lowprec {:#06x}, half {:#06x}",
            x.to_bits(),
            l.to_bits(),
            h.to_bits()
        ));
    }
    // The typed one-call conversions, read back through the `half` interop.
    let (l, h) = (f16::from(Fp::<Fp16>::from(x)), f16::from_f32(x));
    if !same(l.to_bits(), l.is_nan(), h.to_bits(), h.is_nan()) {
        return Some(format!(
            "Fp<Fp16>::from: f32 {x:e} ({:#010x}): lowprec {:#06x}, half {:#06x}",
            x.to_bits(),
            l.to_bits(),
            h.to_bits()
        ));
    }
    let (l, h) = (bf16::from(Fp::<Bf16>::from(x)), bf16::from_f32(x));
    if !same(l.to_bits(), l.is_nan(), h.to_bits(), h.is_nan()) {
        return Some(format!(
            "Fp<Bf16>::from: f32 {x:e} ({:#010x}): lowprec {:#06x}, half {:#06x}",
            x.to_bits(),
            l.to_bits(),
            h.to_bits()
        ));
    }
    None
}

/// Checks the f32 patterns `start, start + stride, …` below 2^32 on all threads; returns
/// (patterns checked, mismatch count, first mismatches).
fn sweep(stride: u64) -> (u64, u64, Vec<String>) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let total = (1u64 << 32).div_ceil(stride);
    let per = total.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let (mut n, mut bad, mut first) = (0u64, 0u64, Vec::new());
                    for i in (t * per)..((t + 1) * per).min(total) {
                        n += 1;
                        if let Some(msg) = check(f32::from_bits((i * stride) as u32)) {
                            bad += 1;
                            if first.len() < 20 {
                                first.push(msg);
                            }
                        }
                    }
                    (n, bad, first)
                })
            })
            .collect();
        handles.into_iter().fold((0, 0, Vec::new()), |mut acc, h| {
            let (n, bad, first) = h.join().expect("sweep thread");
            acc.0 += n;
            acc.1 += bad;
            acc.2.extend(first);
            acc
        })
    })
}

fn next_up_f32(x: f32) -> f32 {
    match x {
        0.0 => f32::from_bits(1),
        x if x > 0.0 => f32::from_bits(x.to_bits() + 1),
        x => f32::from_bits(x.to_bits() - 1),
    }
}

fn next_down_f32(x: f32) -> f32 {
    -next_up_f32(-x)
}

/// Every finite value of a 16-bit format (decoded by `half`) in increasing order.
fn sorted_values(to_f32: impl Fn(u16) -> f32) -> Vec<f32> {
    let mut v: Vec<f32> = (0..=u16::MAX)
        .map(to_f32)
        .filter(|x| x.is_finite())
        .collect();
    v.sort_by(f32::total_cmp);
    v.dedup_by(|a, b| a == b); // +0 and −0 are one point of the grid
    v
}

/// Every f16/bf16 value and midpoint between neighbours (plus the overflow midpoints),
/// with 4 f32 ulps on each side.
fn neighbourhoods() -> Vec<f32> {
    let mut points = Vec::new();
    for (values, top) in [
        (sorted_values(|b| f16::from_bits(b).to_f32()), 65520.0f32),
        (
            sorted_values(|b| bf16::from_bits(b).to_f32()),
            f32::from_bits(0x7F7F_8000),
        ),
    ] {
        points.extend_from_slice(&values);
        for w in values.windows(2) {
            let mid = w[0] + (w[1] - w[0]) / 2.0;
            assert!(
                w[0] < mid && mid < w[1],
                "the midpoint of {} and {} is an f32",
                w[0],
                w[1]
            );
            points.push(mid);
        }
        points.extend_from_slice(&[top, -top]);
    }
    let mut out = Vec::with_capacity(points.len() * 9);
    for p in points {
        let (mut up, mut down) = (p, p);
        out.push(p);
        for _ in 0..4 {
            up = next_up_f32(up);
            down = next_down_f32(down);
            out.push(up);
            out.push(down);
        }
    }
    out.extend_from_slice(&[
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7F80_0001),
        f32::from_bits(0xFF80_0001),
        f32::from_bits(0x7FBF_FFFF),
        f32::MAX,
        f32::MIN_POSITIVE,
        f32::from_bits(1),
    ]);
    out
}

#[test]
fn f32_to_f16_and_bf16_bit_for_bit_with_half() {
    let exhaustive = std::env::var_os("LOWPREC_EXHAUSTIVE").is_some_and(|v| v != "0");
    let stride = if exhaustive { 1 } else { 61 };
    let t = std::time::Instant::now();
    let (n, bad, mut first) = sweep(stride);
    let near = neighbourhoods();
    let mut near_bad = 0usize;
    for &x in &near {
        if let Some(msg) = check(x) {
            near_bad += 1;
            if first.len() < 40 {
                first.push(msg);
            }
        }
    }
    println!(
        "{n} f32 patterns (stride {stride}) and {} points near f16/bf16 values and midpoints, \
         each to f16 and bf16, in {:.1?}",
        near.len(),
        t.elapsed()
    );
    assert!(
        bad == 0 && near_bad == 0,
        "{bad} strided and {near_bad} near-boundary inputs differ from half:\n{}",
        first.join("\n")
    );
}

/// The presets of at most 19 bits, whose every value f32 holds exactly.
const SMALL: [FloatFormat; 14] = [
    FloatFormat::FP16,
    FloatFormat::BF16,
    FloatFormat::E5M2,
    FloatFormat::E4M3,
    FloatFormat::E4M3FN,
    FloatFormat::E4M3FNUZ,
    FloatFormat::E5M2FNUZ,
    FloatFormat::E4M3B11FNUZ,
    FloatFormat::E3M4,
    FloatFormat::E2M3,
    FloatFormat::E3M2,
    FloatFormat::E2M1,
    FloatFormat::E8M0,
    FloatFormat::TF32,
];

#[test]
fn every_f16_and_bf16_code_through_the_half_interop() {
    let mut rng = SplitMix64::new(0);
    let rne = Rounding::TiesToEven;
    let mut failures = Vec::new();
    let mut fail = |msg: String| {
        if failures.len() < 40 {
            failures.push(msg);
        }
    };
    for c in 0..=u16::MAX {
        let code = u64::from(c);
        // binary16: decode, encode, and the identity conversions through half's type.
        let h = f16::from_bits(c);
        let l32 = FloatFormat::FP16.to_f32(code);
        if !(l32.to_bits() == h.to_f32().to_bits() || (l32.is_nan() && h.is_nan())) {
            fail(format!(
                "f16 {c:#06x}: lowprec to_f32 {l32:e}, half {:e}",
                h.to_f32()
            ));
        }
        let to = FloatFormat::FP16.to_f16(code);
        let back = FloatFormat::FP16
            .from_f16_with(h, Round::new(rne, Overflow::Ieee), &mut rng)
            .value;
        if h.is_nan() {
            if !to.is_nan() || FloatFormat::FP16.classify(back) != Class::Nan {
                fail(format!(
                    "f16 NaN {c:#06x}: to_f16 {:#06x}, from_f16 {back:#x}",
                    to.to_bits()
                ));
            }
        } else if to.to_bits() != c || back != code {
            fail(format!(
                "f16 {c:#06x}: to_f16 {:#06x}, from_f16 {back:#x}",
                to.to_bits()
            ));
        }
        // The typed values hold half's bits unchanged and decode them as half does.
        let typed = Fp::<Fp16>::from(h);
        if typed.to_bits() != c || f16::from(typed).to_bits() != c {
            fail(format!("Fp<Fp16> {c:#06x}: bits {:#06x}", typed.to_bits()));
        }
        if !(typed.to_f32().to_bits() == h.to_f32().to_bits() || (h.is_nan() && typed.is_nan())) {
            fail(format!(
                "Fp<Fp16> {c:#06x}: to_f32 {:e}, half {:e}",
                typed.to_f32(),
                h.to_f32()
            ));
        }
        // bfloat16 likewise.
        let b = bf16::from_bits(c);
        let typed = Fp::<Bf16>::from_bf16(b);
        if typed.to_bits() != c || typed.to_bf16().to_bits() != c {
            fail(format!("Fp<Bf16> {c:#06x}: bits {:#06x}", typed.to_bits()));
        }
        if !(typed.to_f32().to_bits() == b.to_f32().to_bits() || (b.is_nan() && typed.is_nan())) {
            fail(format!(
                "Fp<Bf16> {c:#06x}: to_f32 {:e}, half {:e}",
                typed.to_f32(),
                b.to_f32()
            ));
        }
        let l32 = FloatFormat::BF16.to_f32(code);
        if !(l32.to_bits() == b.to_f32().to_bits() || (l32.is_nan() && b.is_nan())) {
            fail(format!(
                "bf16 {c:#06x}: lowprec to_f32 {l32:e}, half {:e}",
                b.to_f32()
            ));
        }
        let to = FloatFormat::BF16.to_bf16(code);
        let back = FloatFormat::BF16
            .from_bf16_with(b, Round::new(rne, Overflow::Ieee), &mut rng)
            .value;
        if b.is_nan() {
            if !to.is_nan() || FloatFormat::BF16.classify(back) != Class::Nan {
                fail(format!(
                    "bf16 NaN {c:#06x}: to_bf16 {:#06x}, from_bf16 {back:#x}",
                    to.to_bits()
                ));
            }
        } else if to.to_bits() != c || back != code {
            fail(format!(
                "bf16 {c:#06x}: to_bf16 {:#06x}, from_bf16 {back:#x}",
                to.to_bits()
            ));
        }
        // Across: bf16 → f16 and f16 → bf16 (one rounding of an exact f32 value in half).
        let l = FloatFormat::FP16
            .from_bf16_with(b, Round::new(rne, Overflow::Ieee), &mut rng)
            .value as u16;
        let r = f16::from_f32(b.to_f32());
        if !same(l, f16::from_bits(l).is_nan(), r.to_bits(), r.is_nan()) {
            fail(format!(
                "bf16 {c:#06x} → f16: lowprec {l:#06x}, half {:#06x}",
                r.to_bits()
            ));
        }
        let l = FloatFormat::BF16
            .from_f16_with(h, Round::new(rne, Overflow::Ieee), &mut rng)
            .value as u16;
        let r = bf16::from_f32(h.to_f32());
        if !same(l, bf16::from_bits(l).is_nan(), r.to_bits(), r.is_nan()) {
            fail(format!(
                "f16 {c:#06x} → bf16: lowprec {l:#06x}, half {:#06x}",
                r.to_bits()
            ));
        }
    }
    // Every code of every small preset into f16 and bf16: lowprec rounds the exact value
    // once; half rounds the (exact) f32 value once.
    let mut count = 0usize;
    for f in SMALL {
        for code in 0..(1u64 << f.width()) {
            count += 1;
            let x = f.to_f32(code);
            if f.classify(code) != Class::Nan {
                assert_eq!(
                    f.to_f64(code),
                    f64::from(x),
                    "{f} code {code:#x}: the f32 value is exact"
                );
            }
            let (l, h) = (f.to_f16(code), f16::from_f32(x));
            if !same(l.to_bits(), l.is_nan(), h.to_bits(), h.is_nan()) {
                fail(format!(
                    "{f} {code:#x} → f16: lowprec {:#06x}, half {:#06x}",
                    l.to_bits(),
                    h.to_bits()
                ));
            }
            let (l, h) = (f.to_bf16(code), bf16::from_f32(x));
            if !same(l.to_bits(), l.is_nan(), h.to_bits(), h.is_nan()) {
                fail(format!(
                    "{f} {code:#x} → bf16: lowprec {:#06x}, half {:#06x}",
                    l.to_bits(),
                    h.to_bits()
                ));
            }
        }
    }
    println!(
        "65536 f16 and 65536 bf16 codes, {count} codes of {} presets",
        SMALL.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `half::bf16::from_f64` drops the low 32 bits of the f64 before rounding, so an input
/// just above a tie rounds as the tie (to even). `half::f16::from_f64` does the same in
/// its software path and, with x86 F16C, rounds to f32 first, which moves inputs on
/// either side of a tie onto it. lowprec rounds the exact value: the nearer neighbour.
#[test]
fn from_f64_just_off_ties_half_misrounds_lowprec_does_not() {
    let mut rng = SplitMix64::new(0);
    let rne = Rounding::TiesToEven;
    let mut report = Vec::new();
    for (name, fmt, values, half_of) in [
        (
            "f16",
            FloatFormat::FP16,
            sorted_values(|b| f16::from_bits(b).to_f32()),
            (|x| f16::from_f64(x).to_f64()) as fn(f64) -> f64,
        ),
        (
            "bf16",
            FloatFormat::BF16,
            sorted_values(|b| bf16::from_bits(b).to_f32()),
            (|x| bf16::from_f64(x).to_f64()) as fn(f64) -> f64,
        ),
    ] {
        let (mut n, mut half_wrong) = (0usize, 0usize);
        let mut example = None;
        for w in values.windows(2) {
            let (lo, hi) = (f64::from(w[0]), f64::from(w[1]));
            let mid = lo + (hi - lo) / 2.0;
            // One f64 ulp above and below the exact midpoint: the nearer neighbour is
            // hi and lo respectively, whatever the tie rule.
            let above = f64::from_bits(if mid > 0.0 {
                mid.to_bits() + 1
            } else {
                mid.to_bits() - 1
            });
            let below = f64::from_bits(if mid > 0.0 {
                mid.to_bits() - 1
            } else {
                mid.to_bits() + 1
            });
            for (x, want) in [(above, hi), (below, lo)] {
                n += 1;
                let got = fmt.to_f64(
                    fmt.from_f64_with(x, Round::new(rne, Overflow::Ieee), &mut rng)
                        .value,
                );
                assert_eq!(
                    got,
                    want,
                    "{name}: lowprec rounds {x:e} ({:#018x}) to {got:e}, the nearer value is {want:e}",
                    x.to_bits()
                );
                let h = half_of(x);
                if h != want {
                    half_wrong += 1;
                    example.get_or_insert((x, h, want));
                }
            }
        }
        let ex = example.map_or(String::new(), |(x, h, w)| {
            format!(", e.g. {x:e} → {h:e}, nearer {w:e}")
        });
        println!(
            "{name}: {n} f64 inputs one ulp off a midpoint, half::{name}::from_f64 wrong on {half_wrong}{ex}"
        );
        report.push((name, half_wrong));
    }
    // half's f16 conversion misrounds on x86 with or without F16C (aarch64 FP16 hardware
    // would round correctly); its bf16 conversion truncates on every target.
    for (name, wrong) in report {
        if name == "bf16" || cfg!(any(target_arch = "x86", target_arch = "x86_64")) {
            assert!(
                wrong > 0,
                "half::{name}::from_f64 was expected to misround just above ties"
            );
        }
    }
}

/// The `half` interop constructors are `const`, as `half`'s own are.
#[test]
fn half_interop_is_const() {
    const ONE: Fp<Fp16> = Fp::<Fp16>::from_f16(f16::ONE);
    const PI: bf16 = Fp::<Bf16>::from_bf16(bf16::PI).to_bf16();
    assert_eq!(ONE.to_f64(), 1.0);
    assert_eq!(PI, bf16::PI);
    assert_eq!(Fp::<Bf16>::from(PI).to_f32(), bf16::PI.to_f32());
}
