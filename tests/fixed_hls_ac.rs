//! `ac_fixed` casts against the real `ac_types` headers (Catapult) compiled by g++.
//!
//! - `ac_casts_from_double`: 22 types × 8 quantization modes (with `AC_RND_CONV_ODD`) × 4
//!   overflow modes (704 instantiations) × 1,024 doubles: ties, near ties, the range
//!   ends, ±0, ±∞, NaN, subnormals, random values (about 720,000 casts). The header's
//!   results for ±∞, NaN and doubles that leave the double range when it scales them are
//!   undefined under `AC_WRAP` (a float-to-integer conversion of ∞/NaN): skipped there.
//! - `ac_fixed_to_fixed`: 200 random pairs of ac_fixed types × 256 source codes.
//! - `ac_conversions_out`: `to_double` and the `to_int` family (floor) of 1,024 codes.

mod hls;

use hls::{Rng, Script, Unit, build, cpp_type, tokens};
use lowprec::fixed::{FixedFormat, FixedParams, OverflowMode, Quantization};

const TYPES: &[(u32, i32, bool)] = &[
    (1, 1, true),
    (1, 0, false),
    (3, 2, true),
    (4, -2, true),
    (8, 3, true),
    (8, 8, false),
    (8, 12, true),
    (12, 4, false),
    (16, 6, true),
    (16, 16, true),
    (16, -3, false),
    (24, 30, true),
    (31, 15, true),
    (32, 12, true),
    (32, 32, false),
    (33, 1, true),
    (40, -10, true),
    (48, 20, false),
    (63, 31, true),
    (64, 1, true),
    (64, 32, false),
    (64, 70, true),
];

const AC_O: [OverflowMode; 4] = [
    OverflowMode::Sat,
    OverflowMode::SatZero,
    OverflowMode::SatSym,
    OverflowMode::Wrap,
];

fn inputs(w: u32, i: i32, rng: &mut Rng) -> Vec<u64> {
    let f = w as i32 - i;
    let mut xs: Vec<f64> = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MAX,
        -f64::MAX,
        f64::from_bits(1),
        -f64::from_bits(1),
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
    ];
    let lsb = 2f64.powi(-f);
    for _ in 0..200 {
        let k = rng.range(-(1i64 << (w.min(50) - 1)) - 2, (1i64 << w.min(50)) + 2) as f64;
        for j in 0..4 {
            xs.push((k + f64::from(j) * 0.25) * lsb);
        }
    }
    while xs.len() < 1024 {
        let m = (rng.next() >> 11) as f64;
        let e = -f - 53 + rng.range(-4, w as i64 + 6) as i32;
        let x = m * 2f64.powi(e);
        xs.push(if rng.below(2) == 0 { x } else { -x });
    }
    xs.truncate(1024);
    xs.into_iter().map(f64::to_bits).collect()
}

#[test]
fn ac_casts_from_double() {
    let mut rng = Rng(11);
    let mut units = vec![Unit::new(true), Unit::new(true)];
    let mut plan = vec![Vec::new(), Vec::new()];
    for (t, &(w, i, s)) in TYPES.iter().enumerate() {
        let u = t % 2;
        let xs = inputs(w, i, &mut rng);
        let mut vs = Vec::new();
        for q in Quantization::ALL {
            for o in AC_O {
                let f = FixedFormat::new(FixedParams {
                    signed: s,
                    quantization: q,
                    overflow: o,
                    ..FixedParams::ac_fixed(w, i)
                })
                .expect("valid");
                let k =
                    units[u].entry(format!("{{&lp::cast_double<{}>, &lp::none}}", cpp_type(&f)));
                vs.push((k, f));
            }
        }
        plan[u].push((xs, vs));
    }
    let bins = build(&units);
    let (mut n, mut skipped, mut bad) = (0u64, 0u64, 0u64);
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
            for (x, g) in xs.iter().zip(tokens(&out[line])) {
                let d = f64::from_bits(*x);
                if f.overflow() == OverflowMode::Wrap
                    && (!d.is_finite() || d.abs() > 2f64.powi(900))
                {
                    skipped += 1;
                    continue;
                }
                n += 1;
                let want = f.from_f64(d);
                if g[0] != want {
                    bad += 1;
                    if bad <= 20 {
                        eprintln!(
                            "{f} x = {d:e} ({x:#x}): header {:#x}, lowprec {want:#x}",
                            g[0]
                        );
                    }
                }
            }
        }
    }
    eprintln!(
        "ac casts from double: {n} cases ({skipped} undefined ones skipped), {bad} mismatches"
    );
    assert_eq!(bad, 0);
}

fn random_ac(rng: &mut Rng) -> FixedFormat {
    let w = rng.range(1, 64) as u32;
    let i = rng.range(-(w as i64) / 2, w as i64 + 10) as i32;
    let q = Quantization::ALL[rng.below(8) as usize];
    let o = AC_O[rng.below(4) as usize];
    FixedFormat::new(FixedParams {
        signed: rng.below(3) != 0,
        quantization: q,
        overflow: o,
        ..FixedParams::ac_fixed(w, i)
    })
    .expect("valid")
}

fn codes(f: &FixedFormat, rng: &mut Rng) -> Vec<u64> {
    if f.width() <= 8 {
        return (0..1u64 << f.width()).collect();
    }
    let mut v = vec![0, 1, f.mask(), f.mask() >> 1, (f.mask() >> 1) + 1];
    while v.len() < 256 {
        let r = rng.next() >> rng.below(64);
        v.push(
            if rng.below(2) == 0 {
                r
            } else {
                r.wrapping_neg()
            } & f.mask(),
        );
    }
    v
}

#[test]
fn ac_fixed_to_fixed() {
    let mut rng = Rng(12);
    let mut unit = Unit::new(true);
    let mut cases = Vec::new();
    for _ in 0..200 {
        let (src, dst) = (random_ac(&mut rng), random_ac(&mut rng));
        let k = unit.entry(format!(
            "{{&lp::cast_fixed<{}, {}>, &lp::none}}",
            cpp_type(&src),
            cpp_type(&dst)
        ));
        cases.push((k, src, dst, codes(&src, &mut rng)));
    }
    let bins = build(&[unit]);
    let mut script = Script::default();
    let mut lines = Vec::new();
    for (k, src, dst, xs) in &cases {
        script.inputs(xs);
        lines.push((script.run(*k), src, dst, xs));
    }
    let out = script.execute(&bins[0]);
    let (mut n, mut bad) = (0u64, 0u64);
    for (line, src, dst, xs) in lines {
        for (x, g) in xs.iter().zip(tokens(&out[line])) {
            n += 1;
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
    eprintln!("ac fixed to fixed: {n} cases, {bad} mismatches");
    assert_eq!(bad, 0);
}

#[test]
fn ac_conversions_out() {
    let mut rng = Rng(13);
    let mut unit = Unit::new(true);
    let mut cases = Vec::new();
    for &(w, i, s) in TYPES {
        // to_int() and friends do not compile for an integer part wider than 64 bits.
        if i > 64 {
            continue;
        }
        let f = FixedFormat::new(FixedParams {
            signed: s,
            ..FixedParams::ac_fixed(w, i)
        })
        .expect("valid");
        let k = unit.entry(format!("{{&lp::convert_out<{}>, &lp::none}}", cpp_type(&f)));
        let mut xs = codes(&f, &mut rng);
        while xs.len() < 1024 && f.width() > 8 {
            xs.push(rng.next() & f.mask());
        }
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
            let int = f.to_int(*x);
            let want = [
                f.to_f64(*x).to_bits(),
                u64::from(int as i32 as u32),
                u64::from(int as u32),
                int as i64 as u64,
                int as u64,
            ];
            if g != want {
                bad += 1;
                if bad <= 20 {
                    eprintln!("{f} {x:#x}: header {g:x?}, lowprec {want:x?}");
                }
            }
        }
    }
    eprintln!("ac conversions out: {n} cases, {bad} mismatches");
    assert_eq!(bad, 0);
}
