//! Fixed-point casts against the real `ap_types` headers compiled by g++ (C simulation).
//!
//! - `ap_casts_from_double`: 42 types (W = 1 … 64, I < 0, I > W, I far beyond the double
//!   range, signed and unsigned) × every quantization mode × every overflow mode × N ∈
//!   {0, 1, 2} where legal (2,261 instantiations) × 2,048 doubles each: ties, just below
//!   and above ties, every quarter LSB around the range ends, overflow by one LSB, huge
//!   values, ±0, ±∞, NaN, subnormals, random doubles: 4,630,528 casts.
//! - `fixed_to_fixed`: 400 random (source, target) pairs with random modes × 256 raw
//!   source values (every code for W ≤ 8).
//! - `conversions_out`: `to_double`, `to_int`, `to_uint`, `to_int64`, `to_uint64` of every
//!   code (W ≤ 10) or 1,024 codes of each type.
//!
//! Zero mismatches are required. The compiled programs are cached under
//! `target/tmp/hls-tb/`, so only the first run pays for g++ (about a minute on 2 cores).

mod hls;

use hls::{Rng, Script, Unit, build, cpp_type, tokens};
use lowprec::fixed::{Family, FixedFormat, FixedParams, OverflowMode, Quantization};
use lowprec::float::Exact;
use lowprec::{FloatFormat, Round, SplitMix64};

/// (W, I, signed).
const TYPES: &[(u32, i32, bool)] = &[
    (1, 1, true),
    (1, 0, true),
    (1, -3, true),
    (1, 5, true),
    (3, 2, true),
    (4, 4, true),
    (5, -2, true),
    (7, 3, true),
    (8, 0, true),
    (8, 3, true),
    (8, 8, true),
    (8, 12, true),
    (12, 4, true),
    (16, 6, true),
    (16, 16, true),
    (31, 15, true),
    (32, 12, true),
    (33, 1, true),
    (40, -10, true),
    (53, 2, true),
    (64, 1, true),
    (64, 32, true),
    (64, 64, true),
    (64, -5, true),
    (64, 70, true),
    (16, -1030, true),
    (9, 1030, true),
    (1, 1, false),
    (1, 0, false),
    (2, -1, false),
    (4, 4, false),
    (8, 0, false),
    (8, 8, false),
    (12, 14, false),
    (16, 6, false),
    (32, 16, false),
    (33, 40, false),
    (63, -2, false),
    (64, 0, false),
    (64, 32, false),
    (64, 64, false),
    (64, 100, false),
];

const AP_Q: [Quantization; 7] = [
    Quantization::Trn,
    Quantization::TrnZero,
    Quantization::Rnd,
    Quantization::RndZero,
    Quantization::RndMinInf,
    Quantization::RndInf,
    Quantization::RndConv,
];

/// Every legal (Q, O, N) variant of a type.
fn variants(w: u32, i: i32, signed: bool) -> Vec<FixedFormat> {
    let mut v = Vec::new();
    for q in AP_Q {
        for (o, n) in [
            (OverflowMode::Sat, 0),
            (OverflowMode::SatZero, 0),
            (OverflowMode::SatSym, 0),
            (OverflowMode::Wrap, 0),
            (OverflowMode::Wrap, 1),
            (OverflowMode::Wrap, 2),
            (OverflowMode::WrapSm, 0),
            (OverflowMode::WrapSm, 1),
            (OverflowMode::WrapSm, 2),
        ] {
            if let Ok(f) = FixedFormat::new(FixedParams {
                signed,
                quantization: q,
                overflow: o,
                sat_bits: n,
                ..FixedParams::ap_fixed(w, i)
            }) {
                v.push(f);
            }
        }
    }
    v
}

/// The double nearest to (−1)^neg · m · 2^e.
fn dbl(neg: bool, m: u128, e: i32) -> f64 {
    let x = Exact::from_parts(neg, m, e);
    let r = FloatFormat::FP64.round(x, Round::NEAREST_EVEN, &mut SplitMix64::new(0));
    f64::from_bits(r.value)
}

/// 2,048 doubles that probe a type's rounding and overflow boundaries.
fn inputs(w: u32, i: i32, signed: bool, rng: &mut Rng) -> Vec<u64> {
    let f = w as i32 - i;
    let mut xs: Vec<f64> = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::MAX,
        -f64::MAX,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::from_bits(1),
        -f64::from_bits(1),
        f64::from_bits(0x000F_FFFF_FFFF_FFFF),
        -f64::from_bits(0x000F_FFFF_FFFF_FFFF),
        1e300,
        -1e300,
        1e-300,
        -1e-300,
    ];
    for _ in 0..8 {
        let sub = f64::from_bits(1 + rng.below(0x000F_FFFF_FFFF_FFFF));
        xs.push(if rng.below(2) == 0 { sub } else { -sub });
    }
    // Raw points: around 0, the range ends, one LSB beyond, and random ones.
    let max = if signed {
        (1i128 << (w - 1)) - 1
    } else {
        (1i128 << w) - 1
    };
    let min = if signed { -(1i128 << (w - 1)) } else { 0 };
    let mut ks: Vec<i128> = vec![
        0,
        1,
        -1,
        2,
        -2,
        3,
        -3,
        max,
        max - 1,
        max + 1,
        max + 2,
        min,
        min + 1,
        min - 1,
        min - 2,
        2 * max + 1,
        2 * min - 1,
        -max,
        -max - 1,
    ];
    for _ in 0..45 {
        let span = (max - min + 1) as u128;
        let k =
            min + (u128::from(rng.next()) << 64 | u128::from(rng.next())).rem_euclid(span) as i128;
        ks.push(k);
    }
    // Each raw point k with offsets in quarters of an LSB (2 = the tie) and just beside
    // the tie: (4k + j) · 2^−(F+2), (2k + 1) · 2^−(F+1) ± 2^−(F+1+d).
    for &k in &ks {
        for j in 0..4 {
            let v = 4 * k + j;
            xs.push(dbl(v < 0, v.unsigned_abs(), -f - 2));
        }
        for d in [20, 45] {
            let t = (2 * k + 1) << d;
            for s in [-1, 1] {
                let v = t + s;
                xs.push(dbl(v < 0, v.unsigned_abs(), -f - 1 - d));
            }
        }
    }
    // Random doubles near the type's range, then anywhere.
    while xs.len() < 1800 {
        let m = u128::from(rng.next() >> 11);
        let e = -f - 60 + rng.range(-8, w as i64 + 12) as i32;
        xs.push(dbl(rng.below(2) == 0, m, e));
    }
    while xs.len() < 2048 {
        xs.push(f64::from_bits(rng.next()));
    }
    xs.truncate(2048);
    xs.into_iter().map(f64::to_bits).collect()
}

/// Inputs of one type, and its variants (entry index, format).
type Group = (Vec<u64>, Vec<(usize, FixedFormat)>);

#[test]
fn ap_casts_from_double() {
    let mut rng = Rng(1);
    // Types in chunks of about 350 instantiations per translation unit.
    let mut units = Vec::new();
    let mut plan: Vec<Vec<Group>> = Vec::new();
    let mut unit = Unit::new(false);
    let mut groups = Vec::new();
    for &(w, i, s) in TYPES {
        let xs = inputs(w, i, s, &mut rng);
        let vs: Vec<(usize, FixedFormat)> = variants(w, i, s)
            .into_iter()
            .map(|f| {
                let k = unit.entry(format!("{{&lp::cast_double<{}>, &lp::none}}", cpp_type(&f)));
                (k, f)
            })
            .collect();
        groups.push((xs, vs));
        if unit.entries.len() >= 350 {
            units.push(std::mem::replace(&mut unit, Unit::new(false)));
            plan.push(std::mem::take(&mut groups));
        }
    }
    if !unit.entries.is_empty() {
        units.push(unit);
        plan.push(groups);
    }
    let bins = build(&units);
    let (mut cases, mut bad) = (0u64, 0u64);
    for (bin, groups) in bins.iter().zip(&plan) {
        let mut script = Script::default();
        let mut lines = Vec::new();
        for (xs, vs) in groups {
            script.inputs(xs);
            for &(k, f) in vs {
                lines.push((script.run(k), f, xs));
            }
        }
        let out = script.execute(bin);
        for (line, f, xs) in lines {
            let got = tokens(&out[line]);
            assert_eq!(got.len(), xs.len());
            for (x, g) in xs.iter().zip(got) {
                cases += 1;
                let want = f.from_f64(f64::from_bits(*x));
                if g[0] != want {
                    bad += 1;
                    if bad <= 20 {
                        eprintln!(
                            "{f} x = {:e} ({x:#018x}): header {:#x}, lowprec {want:#x}",
                            f64::from_bits(*x),
                            g[0]
                        );
                    }
                }
            }
        }
    }
    eprintln!("ap casts from double: {cases} cases, {bad} mismatches");
    assert_eq!(bad, 0);
    assert!(cases >= 4_500_000);
}

/// A random ap format (any family member: ap_fixed, ap_ufixed, ap_int, ap_uint).
fn random_format(rng: &mut Rng) -> FixedFormat {
    loop {
        let w = match rng.below(4) {
            0 => rng.range(1, 8),
            1 => rng.range(9, 32),
            2 => rng.range(33, 63),
            _ => 64,
        } as u32;
        let signed = rng.below(3) != 0;
        if rng.below(8) == 0 {
            return hls::ap_int_type(w, signed);
        }
        let i = match rng.below(4) {
            0 => rng.range(-8, 0),
            1 => rng.range(0, w as i64),
            2 => rng.range(w as i64, w as i64 + 20),
            _ => rng.range(-(w as i64), 2 * w as i64),
        } as i32;
        let q = AP_Q[rng.below(7) as usize];
        let o = OverflowMode::ALL[rng.below(5) as usize];
        let n = rng.below(u64::from(w.min(3)) + 1) as u32;
        if let Ok(f) = FixedFormat::new(FixedParams {
            signed,
            quantization: q,
            overflow: o,
            sat_bits: n,
            ..FixedParams::ap_fixed(w, i)
        }) {
            return f;
        }
    }
}

/// Raw values of a format worth casting: every code of narrow types, else edges and random.
fn raw_inputs(f: &FixedFormat, n: usize, rng: &mut Rng) -> Vec<u64> {
    if f.width() <= 8 {
        return (0..1u64 << f.width()).collect();
    }
    let mut v = vec![
        0,
        1,
        f.mask(),
        f.mask() >> 1,
        (f.mask() >> 1) + 1,
        (f.mask() >> 1) + 2,
        f.mask() - 1,
    ];
    while v.len() < n {
        let r = rng.next();
        // Mix full-range values with small magnitudes (both signs).
        let x = match rng.below(3) {
            0 => r,
            1 => r >> rng.below(64),
            _ => (r >> rng.below(64)).wrapping_neg(),
        };
        v.push(x & f.mask());
    }
    v
}

/// Whether the header asserts (aborts the C simulation) on this cast: `operator=` reads
/// the source bit F2 − F − 1 even when it lies beyond the source's width.
fn header_asserts(src: &FixedFormat, dst: &FixedFormat) -> bool {
    let (f2, f) = (src.frac_bits(), dst.frac_bits());
    dst.family() != Family::ApInt && f2 > f && f2 - f > src.width() as i32
}

#[test]
fn fixed_to_fixed() {
    let mut rng = Rng(2);
    // Casts the header handles with its assertions on, and those it aborts on (compiled
    // with -DNDEBUG, where the bit it reads is not used).
    let mut units = [Unit::new(false), Unit::new(false)];
    units[1].ndebug = true;
    let mut cases = [Vec::new(), Vec::new()];
    for _ in 0..600 {
        let src = random_format(&mut rng);
        let dst = random_format(&mut rng);
        let u = usize::from(header_asserts(&src, &dst));
        let k = units[u].entry(format!(
            "{{&lp::cast_fixed<{}, {}>, &lp::none}}",
            cpp_type(&src),
            cpp_type(&dst)
        ));
        let xs = raw_inputs(&src, 256, &mut rng);
        cases[u].push((k, src, dst, xs));
    }
    let bins = build(&units);
    let (mut n, mut bad) = ([0u64; 2], 0u64);
    for u in 0..2 {
        let mut script = Script::default();
        let mut lines = Vec::new();
        for (k, src, dst, xs) in &cases[u] {
            script.inputs(xs);
            lines.push((script.run(*k), src, dst, xs));
        }
        let out = script.execute(&bins[u]);
        for (line, src, dst, xs) in lines {
            for (x, g) in xs.iter().zip(tokens(&out[line])) {
                // ap_int targets from ap_fixed sources with I < 0 read an uninitialized
                // value in the header (to_ap_int_base): not comparable.
                if dst.family() == Family::ApInt
                    && src.family() != Family::ApInt
                    && src.int_bits() < 0
                {
                    continue;
                }
                n[u] += 1;
                let want = dst.cast_from(src, *x);
                if g[0] != want {
                    bad += 1;
                    if bad <= 20 {
                        eprintln!(
                            "{src} {x:#x} -> {dst}: header {:#x}, lowprec {want:#x}",
                            g[0]
                        );
                    }
                }
            }
        }
    }
    eprintln!(
        "fixed to fixed: {} cases ({} pairs), {} more where the header asserts ({} pairs, \
         compiled with NDEBUG), {bad} mismatches",
        n[0],
        cases[0].len(),
        n[1],
        cases[1].len()
    );
    assert_eq!(bad, 0);
}

#[test]
fn conversions_out() {
    let mut rng = Rng(3);
    let mut unit = Unit::new(false);
    let mut cases = Vec::new();
    for &(w, i, s) in TYPES {
        let f = if s {
            FixedFormat::ap_fixed(w, i)
        } else {
            FixedFormat::ap_ufixed(w, i)
        }
        .expect("valid");
        let k = unit.entry(format!("{{&lp::convert_out<{}>, &lp::none}}", cpp_type(&f)));
        let xs = if w <= 10 {
            (0..1u64 << w).collect()
        } else {
            raw_inputs(&f, 1024, &mut rng)
        };
        cases.push((k, f, xs));
    }
    let bins = build(&[unit]);
    let mut script = Script::default();
    let mut lines = Vec::new();
    for (k, f, xs) in &cases {
        script.inputs(xs);
        lines.push((script.run(*k), f, xs));
    }
    let out = script.execute(&bins[0]);
    let (mut n, mut bad) = (0u64, 0u64);
    for (line, f, xs) in lines {
        for (x, g) in xs.iter().zip(tokens(&out[line])) {
            n += 1;
            let d = f.to_f64(*x);
            // The header computes the double's exponent field without range checks:
            // compare where the result is zero or a normal double.
            let normal = d == 0.0 || (d.is_finite() && d.abs() >= f64::MIN_POSITIVE);
            let int = f.to_int(*x);
            let want = [
                d.to_bits(),
                u64::from(int as i32 as u32),
                u64::from(int as u32),
                int as i64 as u64,
                int as u64,
            ];
            let mut ok = g[1..] == want[1..] || f.int_bits() < 0;
            ok &= !normal || g[0] == want[0];
            if !ok {
                bad += 1;
                if bad <= 20 {
                    eprintln!("{f} {x:#x}: header {g:x?}, lowprec {want:x?}");
                }
            }
        }
    }
    eprintln!("conversions out: {n} cases, {bad} mismatches");
    assert_eq!(bad, 0);
}
