//! Block formats beyond the OCP rule against exact rationals (rug): the ceil and
//! nearest scale rules, the `amax` rule (amax / max_elem rounded into the scale format)
//! with E8M0, E4M3FN and E5M2 scales, NVFP4's two-level scaling (per-tensor f32 scale
//! g = amax / (max_scale · max_elem), block scale amax_block / (max_elem · g) rounded into
//! E4M3FN, elements V / (scale · g)), integer elements, every block size up to 40 with
//! tails, and every deterministic mode. Each scale and element is checked against the
//! exact quotient rounded once, by brute force over all values of the target format
//! (`tests/block_judge/`); stochastic rounding against the two neighbours of the exact
//! quotient. Plus names: every preset and option prints and parses back.

mod block_judge;

use block_judge::{Mode, Q, Spec, floor_log2, pow2, round, to_f64_exact};
use lowprec::block::{self, BlockFormat, ElementFormat, ScaleFormat, ScaleRule};
use lowprec::{FloatFormat, NoRandom, RandomBits, Round, Rounding, SplitMix64};
use proptest::prelude::*;
use rug::{Float, Rational};

const ELEMENTS: [(ElementFormat, Spec); 6] = [
    (ElementFormat::Float(FloatFormat::E2M1), Spec::E2M1),
    (ElementFormat::Float(FloatFormat::E4M3FN), Spec::E4M3),
    (ElementFormat::Float(FloatFormat::E2M3), Spec::E2M3),
    (ElementFormat::Float(FloatFormat::E5M2), Spec::E5M2),
    (
        ElementFormat::Int {
            bits: 8,
            frac_bits: 6,
        },
        Spec::Int { bits: 8, frac: 6 },
    ),
    (
        ElementFormat::Int {
            bits: 4,
            frac_bits: 2,
        },
        Spec::Int { bits: 4, frac: 2 },
    ),
];

const SCALES: [(ScaleFormat, Spec); 3] = [
    (ScaleFormat::E8M0, Spec::E8M0),
    (ScaleFormat::Float(FloatFormat::E4M3FN), Spec::E4M3),
    (ScaleFormat::Float(FloatFormat::E5M2), Spec::E5M2),
];

const RULES: [ScaleRule; 4] = [
    ScaleRule::Floor,
    ScaleRule::Ceil,
    ScaleRule::Nearest,
    ScaleRule::AmaxOverMax,
];

const MODES: [(Mode, Rounding); 5] = [
    (Mode::TiesToEven, Rounding::TiesToEven),
    (Mode::TiesToAway, Rounding::TiesToAway),
    (Mode::TowardZero, Rounding::TowardZero),
    (Mode::TowardPositive, Rounding::TowardPositive),
    (Mode::TowardNegative, Rounding::TowardNegative),
];

/// The positive finite values of a scale spec, ascending.
fn positives(s: &Spec) -> Vec<Rational> {
    let mut v: Vec<Rational> = (0..1u32 << s.width())
        .filter_map(|c| s.value(c).map(|x| x.0))
        .filter(|x| *x > 0)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The exact scale of a block with largest magnitude `amax` (0 allowed): the value.
fn judge_scale(
    fmt: &BlockFormat,
    sspec: &Spec,
    espec: &Spec,
    amax: &Rational,
    g: &Rational,
) -> Rational {
    let pos = positives(sspec);
    if *amax == 0 {
        // The smallest positive scale.
        return pos[0].clone();
    }
    if fmt.rule == ScaleRule::AmaxOverMax {
        let q = amax / (espec.max() * g);
        return round(sspec, &Q::Finite(q, false), Mode::TiesToEven).1;
    }
    // The power-of-two rules look at amax / g.
    let a = Rational::from(amax / g);
    let fl = floor_log2(&a);
    let e = match fmt.rule {
        ScaleRule::Floor => fl,
        ScaleRule::Ceil => fl + i32::from(a != pow2(fl)),
        _ => fl + i32::from(Rational::from(&a * &a) >= pow2(2 * fl + 1)),
    } - espec.emax();
    // Clamped to the powers of two of the scale format.
    let lo = floor_log2(&pos[0]);
    let hi = floor_log2(pos.last().unwrap());
    pow2(e.clamp(lo, hi))
}

/// A random f32 of magnitude about 2^e.
fn value(r: &mut SplitMix64, e: i32) -> f32 {
    let v = r.next_u64();
    if v % 16 == 0 {
        return if v & 32 != 0 { -0.0 } else { 0.0 };
    }
    let ex = (e - ((v >> 8) % 12) as i32 + 127).clamp(1, 254) as u32;
    f32::from_bits(((v & 1) as u32) << 31 | ex << 23 | ((v >> 32) as u32 & 0x7F_FFFF))
}

fn check_case(seed: u64) {
    let mut r = SplitMix64::new(seed);
    let pick = |r: &mut SplitMix64, n: usize| (r.next_u64() % n as u64) as usize;
    let (element, espec) = ELEMENTS[pick(&mut r, ELEMENTS.len())];
    let (scale, sspec) = SCALES[pick(&mut r, SCALES.len())];
    let rule = RULES[pick(&mut r, RULES.len())];
    let tensor = r.next_u64() % 2 == 0;
    let bs = 1 + pick(&mut r, 40) as u32;
    let fmt = BlockFormat::new(element, bs, scale, rule, tensor).unwrap();
    let (mode, rounding) = MODES[pick(&mut r, MODES.len())];
    let n = 1 + pick(&mut r, 120);
    let center = pick(&mut r, 80) as i32 - 40;
    let xs: Vec<f32> = (0..n)
        .map(|_| {
            let spread = pick(&mut r, 20) as i32;
            value(&mut r, center + spread)
        })
        .collect();

    // The tensor scale.
    let amax_t = xs
        .iter()
        .map(|&x| Rational::from_f32(x.abs()).unwrap())
        .max()
        .unwrap();
    let g = if !tensor || amax_t == 0 {
        Rational::from(1)
    } else {
        let q = &amax_t / sspec.max() / espec.max();
        // Nearest, ties to even, in binary32's exponent range (subnormals included); a
        // quotient that rounds to zero gives the smallest positive f32, as documented.
        let (mut f, dir) = Float::with_val_round(24, &q, rug::float::Round::Nearest);
        f.subnormalize_ieee_round(dir, rug::float::Round::Nearest);
        let g = f.to_f32();
        Rational::from_f32(if g == 0.0 { f32::from_bits(1) } else { g }).unwrap()
    };
    let g32 = g.to_f32();
    assert_eq!(
        block::tensor_scale_f32(&fmt, &xs),
        g32,
        "tensor scale of {fmt}"
    );

    let mut scales = vec![0u8; fmt.num_scales(n)];
    let mut codes = vec![0u8; n];
    let how = Round::from(rounding);
    let _ =
        block::quantize_f32_with(&fmt, &xs, &mut scales, &mut codes, how, &mut NoRandom).unwrap();
    let mut vals = vec![0f64; n];
    block::dequantize_f64(&fmt, g32, &scales, &codes, &mut vals).unwrap();
    let mut chopped = xs.clone();
    block::chop_f32_with(&fmt, &mut chopped, how, &mut NoRandom).unwrap();

    for (b, blk) in xs.chunks(bs as usize).enumerate() {
        let amax = blk
            .iter()
            .map(|&x| Rational::from_f32(x.abs()).unwrap())
            .max()
            .unwrap();
        let s = judge_scale(&fmt, &sspec, &espec, &amax, &g);
        let sval = sspec.value(u32::from(scales[b])).map(|v| v.0);
        assert_eq!(
            sval.as_ref(),
            Some(&s),
            "{fmt} {mode:?}: scale of block {b} {blk:?}"
        );
        let d = Rational::from(&s * &g);
        for (i, &x) in blk.iter().enumerate() {
            let k = b * bs as usize + i;
            let (code, v) = if d == 0 {
                round(
                    &espec,
                    &Q::Finite(Rational::new(), x.is_sign_negative()),
                    mode,
                )
            } else {
                let q = Rational::from_f32(x).unwrap() / &d;
                round(&espec, &Q::Finite(q, x.is_sign_negative()), mode)
            };
            assert_eq!(
                u32::from(codes[k]),
                code,
                "{fmt} {mode:?}: element {k} = {x:e} of {blk:?}"
            );
            let neg = espec.value(code).map(|v| v.1).unwrap_or(false);
            let exact = to_f64_exact(&Rational::from(&v * &d), neg);
            assert_eq!(vals[k].to_bits(), exact.to_bits(), "{fmt}: value {k}");
            assert_eq!(
                chopped[k].to_bits(),
                (exact as f32).to_bits(),
                "{fmt}: chop {k}"
            );
        }
    }

    // Stochastic rounding: each element is one of the two neighbours of the exact
    // quotient, and chop draws the same bits as quantize.
    let mut rq = SplitMix64::new(seed ^ 1);
    let mut rc = SplitMix64::new(seed ^ 1);
    let sr = Round::from(Rounding::SR);
    let _ = block::quantize_f32_with(&fmt, &xs, &mut scales, &mut codes, sr, &mut rq).unwrap();
    block::dequantize_f64(&fmt, g32, &scales, &codes, &mut vals).unwrap();
    let mut chopped = xs.clone();
    block::chop_f32_with(&fmt, &mut chopped, sr, &mut rc).unwrap();
    for (b, blk) in xs.chunks(bs as usize).enumerate() {
        let s = sspec.value(u32::from(scales[b])).unwrap().0;
        let d = Rational::from(&s * &g);
        for (i, &x) in blk.iter().enumerate() {
            let k = b * bs as usize + i;
            let q = if d == 0 {
                Rational::new()
            } else {
                Rational::from_f32(x).unwrap() / &d
            };
            let dn = round(&espec, &Q::Finite(q.clone(), false), Mode::TowardNegative).1;
            let up = round(&espec, &Q::Finite(q, false), Mode::TowardPositive).1;
            let got = espec.value(u32::from(codes[k])).unwrap().0;
            assert!(got == dn || got == up, "{fmt} SR: element {k}");
            assert_eq!(
                chopped[k].to_bits(),
                (vals[k] as f32).to_bits(),
                "{fmt} SR chop {k}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn scales_and_elements_are_one_rounding_of_the_exact_quotient(seed in any::<u64>()) {
        check_case(seed);
    }
}

#[test]
fn nvfp4_two_level_example() {
    // amax_tensor = 2688 · 3 = 8064: g = 3. A block with amax 36: scale 36 / (6 · 3) = 2.
    let fmt = BlockFormat::NVFP4;
    let mut xs = [0f32; 32];
    xs[0] = 8064.0;
    xs[16] = 36.0;
    xs[17] = -10.0;
    let (mut scales, mut codes) = ([0u8; 2], [0u8; 32]);
    let g = block::quantize_f32(&fmt, &xs, &mut scales, &mut codes).unwrap();
    assert_eq!(g, 3.0);
    assert_eq!(FloatFormat::E4M3FN.to_f64(u64::from(scales[0])), 448.0);
    assert_eq!(FloatFormat::E4M3FN.to_f64(u64::from(scales[1])), 2.0);
    // −10 / (2 · 3) = −1.666…: E2M1 −1.5 (nearest).
    assert_eq!(FloatFormat::E2M1.to_f64(u64::from(codes[17])), -1.5);
}

#[test]
fn names_round_trip() {
    let mut names: Vec<String> = BlockFormat::PRESETS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    names.extend((2..=8).map(|n| format!("bfp{n}")));
    let opts = [
        "",
        ":block=16",
        ":block=1",
        ":rule=ceil",
        ":rule=nearest",
        ":rule=amax",
        ":scale=e4m3fn",
        ":scale=none",
        ":tensor=on",
        ":scale=e5m2:rule=amax:tensor=on",
        ":element=e3m4",
        ":element=int6.3",
        ":element=e6m1:nosub:bias=20:block=8",
    ];
    let mut count = 0;
    for n in &names {
        for o in opts {
            let Ok(f) = format!("{n}{o}").parse::<BlockFormat>() else {
                continue;
            };
            let s = f.to_string();
            assert_eq!(s.parse::<BlockFormat>(), Ok(f), "{n}{o} printed as {s}");
            count += 1;
        }
    }
    assert!(count > 100);
    assert_eq!(
        "MXFP4_E2M1".parse::<BlockFormat>(),
        Ok(BlockFormat::MXFP4_E2M1)
    );
    for bad in [
        "mxfp9",
        "bfp9",
        "bfp1",
        "mxfp8_e4m3:block=0",
        "mxfp8_e4m3:block=2000",
        "mxfp8_e4m3:foo=1",
        "mxfp8_e4m3:rule=up",
        "mxfp8_e4m3:scale=fp16",
        "mxfp8_e4m3:element=bf16",
        "mxint8:scale=none:tensor=on",
        "mxfp8_e4m3:block",
        "",
    ] {
        assert!(bad.parse::<BlockFormat>().is_err(), "{bad} parsed");
    }
}
