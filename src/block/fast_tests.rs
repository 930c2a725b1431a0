//! The fast path of the plain forms ([`quantize_f32`], [`chop_f32`]) against the exact
//! path (the `_with` forms, which always take it), bit for bit: scale codes, element
//! codes and chopped values, on every preset, and, calling the fast path directly, in
//! every round-to-nearest mode and saturating overflow policy. The fast path returns no
//! flags (the plain forms return none), so there are no flags to compare.
//!
//! The inputs are built to reach every branch of the fast path's proof: blocks whose
//! amax is a power of two 2^(k + emax) (scale 2^k under every rule) or one `f32` ulp
//! below a power of two, filled with the element grid scaled by 2^k — every element
//! value, every midpoint (a tie of every round-to-nearest rule) and the `f32` values one
//! ulp either side — for scales from 2^−127 to the largest the element allows, so that
//! scaled values underflow `f32` and straddle half the smallest subnormal; subnormal and
//! largest-magnitude inputs; NaN, ±∞ and all-zero blocks between fast blocks (so the
//! chunks are split into runs); slices whose length leaves a short tail; and random data.

use proptest::prelude::*;
use std::vec;
use std::vec::Vec;

use super::quantize::{chop_fast, element_round, fast_element, quantize_fast};
use super::*;
use crate::{FloatFormat, NoRandom, Overflow, Round, Rounding};

const NEAREST: [Rounding; 6] = [
    Rounding::TiesToEven,
    Rounding::TiesToAway,
    Rounding::TiesToZero,
    Rounding::TiesUp,
    Rounding::TiesDown,
    Rounding::TiesToOdd,
];

const POLICIES: [Overflow; 3] = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];

fn with_rule(f: BlockFormat, rule: ScaleRule) -> BlockFormat {
    BlockFormat { rule, ..f }
}

fn with_block(f: BlockFormat, block_size: u32) -> BlockFormat {
    BlockFormat { block_size, ..f }
}

/// Every preset, each power-of-two rule for the MX float ones, and a few block sizes.
fn formats() -> Vec<BlockFormat> {
    let mx = [
        BlockFormat::MXFP8_E4M3,
        BlockFormat::MXFP8_E5M2,
        BlockFormat::MXFP6_E3M2,
        BlockFormat::MXFP6_E2M3,
        BlockFormat::MXFP4_E2M1,
    ];
    let mut v = Vec::new();
    for f in mx {
        for rule in [ScaleRule::Floor, ScaleRule::Ceil, ScaleRule::Nearest] {
            v.push(with_rule(f, rule));
        }
        v.push(with_block(f, 1));
        v.push(with_block(f, 7));
        v.push(with_block(f, 1024));
    }
    v.push(BlockFormat::MXINT8);
    v.push(BlockFormat::NVFP4);
    for n in 2..=8 {
        v.push(BlockFormat::bfp(n).unwrap());
    }
    v
}

fn next_up(x: f32) -> f32 {
    if x.is_nan() || x == f32::INFINITY {
        x
    } else if x == 0.0 {
        f32::from_bits(1)
    } else if x > 0.0 {
        f32::from_bits(x.to_bits() + 1)
    } else {
        f32::from_bits(x.to_bits() - 1)
    }
}

fn next_down(x: f32) -> f32 {
    -next_up(-x)
}

/// The non-negative element values and the midpoints between neighbours, as `f64`.
fn grid(el: &FloatFormat) -> Vec<f64> {
    let mut vals: Vec<f64> = (0..=el.max_mag()).map(|c| el.to_f64(c)).collect();
    vals.retain(|v| v.is_finite() && *v >= 0.0);
    vals.sort_by(f64::total_cmp);
    vals.dedup();
    let mut out = vals.clone();
    for w in vals.windows(2) {
        out.push((w[0] + w[1]) / 2.0);
    }
    // Beyond the largest value: the overflow region up to 2^(emax + 1).
    let top = 2f64.powi(el.emax() + 1);
    out.push((vals[vals.len() - 1] + top) / 2.0);
    out.push(top);
    out
}

/// Blocks of `bs` values (the last one possibly shorter) built as the module docs say.
fn structured(fmt: &BlockFormat) -> Vec<f32> {
    let bs = fmt.block_size as usize;
    let (g, emax) = match fmt.element {
        ElementFormat::Float(el) => (grid(&el), el.emax()),
        ElementFormat::Int { .. } => ((0..=256).map(|i| f64::from(i) / 128.0).collect(), 0),
    };
    let mut blocks: Vec<Vec<f32>> = Vec::new();
    let specials: [&[f32]; 6] = [
        &[f32::NAN, 1.0],
        &[f32::INFINITY, 1.0, -3.0],
        &[-f32::INFINITY],
        &[0.0, -0.0],
        &[-0.0],
        &[1.0, -f32::NAN],
    ];
    let mut special = 0;
    let ks = (-149 - emax..=127 - emax).filter(|k| {
        matches!(k + 149 + emax, 0..=4) || k.rem_euclid(23) == 0 || (-130..=-120).contains(k)
    });
    for k in ks.chain([126 - emax]) {
        let s = 2f64.powi(k);
        // amax at a power of two, one ulp either side, and either side of √2 times it
        // (where the ceil and nearest rules change their scale).
        let p = (s * 2f64.powi(emax)) as f32;
        let r2 = (s * 2f64.powi(emax) * core::f64::consts::SQRT_2) as f32;
        let anchors = [
            p,
            next_down((s * 2f64.powi(emax + 1)) as f32),
            next_down(p),
            next_up(p),
            next_down(r2),
            r2,
            next_up(r2),
        ];
        for anchor in anchors {
            if !anchor.is_finite() || anchor == 0.0 {
                continue;
            }
            let mut vals = Vec::new();
            for &t in &g {
                let x = (t * s) as f32;
                for y in [x, next_up(x), next_down(x)] {
                    if y.abs() <= anchor {
                        vals.push(y);
                        vals.push(-y);
                    }
                }
            }
            for c in vals.chunks(bs.saturating_sub(1).max(1)) {
                let mut b = vec![anchor];
                b.extend_from_slice(c);
                b.truncate(bs);
                blocks.push(b);
                if blocks.len() % 5 == 0 {
                    blocks.push(specials[special % specials.len()].to_vec());
                    special += 1;
                }
            }
        }
    }
    // Subnormal inputs, the largest magnitudes, tiny values beside huge ones.
    let sub: Vec<f32> = (0..64).map(|i| f32::from_bits(1 + i * 0x1_0001)).collect();
    blocks.push(sub.clone());
    blocks.push(sub.iter().map(|x| -x).collect());
    blocks.push(vec![
        f32::MAX,
        -f32::MAX,
        f32::MIN_POSITIVE,
        f32::from_bits(1),
    ]);
    blocks.push(vec![2f32.powi(120), -f32::from_bits(1), 1e-40, -1e-30, 0.0]);
    blocks.push(vec![next_down(2f32.powi(127)), 3.0e38, -1.0]);
    let mut xs = Vec::new();
    for mut b in blocks {
        // Pad (or cut) each block to the block size, repeating its values, so that the
        // blocks line up with the format's.
        let n = b.len();
        let pad: Vec<f32> = (0..bs.saturating_sub(n)).map(|i| b[i % n]).collect();
        b.extend(pad);
        xs.extend_from_slice(&b[..bs]);
    }
    xs
}

/// Bit patterns of `f32` slices, so that NaNs and signed zeros compare exactly.
fn bits(xs: &[f32]) -> Vec<u32> {
    xs.iter().map(|x| x.to_bits()).collect()
}

/// The plain forms against the `_with` forms, and the fast path (where it applies) in
/// every round-to-nearest mode and policy against the exact path.
fn check_all(fmt: &BlockFormat, xs: &[f32], modes: &[Rounding]) {
    let n = xs.len();
    let nb = fmt.num_scales(n);
    let (mut s1, mut c1) = (vec![0u8; nb], vec![0u8; n]);
    let (mut s2, mut c2) = (vec![0u8; nb], vec![0u8; n]);
    let g1 = quantize_f32(fmt, xs, &mut s1, &mut c1).unwrap();
    let g2 = quantize_f32_with(
        fmt,
        xs,
        &mut s2,
        &mut c2,
        Round::NEAREST_EVEN,
        &mut NoRandom,
    )
    .unwrap();
    assert_eq!(g1.to_bits(), g2.value.to_bits(), "{fmt}");
    assert_eq!(s1, s2, "{fmt} scales");
    assert_eq!(c1, c2, "{fmt} codes");
    let (mut y1, mut y2) = (xs.to_vec(), xs.to_vec());
    chop_f32(fmt, &mut y1).unwrap();
    chop_f32_with(fmt, &mut y2, Round::NEAREST_EVEN, &mut NoRandom).unwrap();
    assert_eq!(bits(&y1), bits(&y2), "{fmt} chop");
    for &mode in modes {
        for overflow in POLICIES {
            let how = Round::new(mode, overflow);
            let Some(el) = fast_element(fmt, element_round(how)) else {
                continue;
            };
            quantize_fast(fmt, &el, xs, &mut s1, &mut c1, element_round(how));
            let _ = quantize_f32_with(fmt, xs, &mut s2, &mut c2, how, &mut NoRandom).unwrap();
            assert_eq!(s1, s2, "{fmt} {how:?} scales");
            assert_eq!(c1, c2, "{fmt} {how:?} codes");
            let (mut y1, mut y2) = (xs.to_vec(), xs.to_vec());
            chop_fast(fmt, &el, &mut y1, element_round(how));
            chop_f32_with(fmt, &mut y2, how, &mut NoRandom).unwrap();
            assert_eq!(bits(&y1), bits(&y2), "{fmt} {how:?} chop");
        }
    }
}

#[test]
fn fast_path_serves_the_mx_float_presets() {
    let how = element_round(Round::NEAREST_EVEN);
    for f in &formats()[..30] {
        assert!(fast_element(f, how).is_some(), "{f}");
    }
    for f in [BlockFormat::MXINT8, BlockFormat::NVFP4] {
        assert!(fast_element(&f, how).is_none(), "{f}");
    }
    // Directed and stochastic modes are not served.
    let f = BlockFormat::MXFP8_E4M3;
    assert!(fast_element(&f, element_round(Rounding::TowardZero.into())).is_none());
    assert!(fast_element(&f, element_round(Rounding::SR.into())).is_none());
}

#[test]
fn fast_path_is_the_exact_path_on_structured_blocks() {
    for fmt in formats() {
        let xs = structured(&fmt);
        let modes: &[Rounding] = if fmt.block_size == 32 {
            &NEAREST
        } else {
            &NEAREST[..1]
        };
        check_all(&fmt, &xs, modes);
        // Tails: a short last block.
        let bs = fmt.block_size as usize;
        for cut in [1, bs / 2, bs.saturating_sub(1)] {
            if cut > 0 && cut < xs.len() {
                check_all(&fmt, &xs[..xs.len() - cut], &NEAREST[..1]);
            }
        }
    }
}

#[test]
fn fast_path_handles_empty_and_single_values() {
    for fmt in formats() {
        check_all(&fmt, &[], &NEAREST);
        for x in [0.0f32, -0.0, 1.0, -f32::MAX, f32::from_bits(1), f32::NAN] {
            check_all(&fmt, &[x], &NEAREST);
        }
    }
}

/// Values of random sign and significand with exponents in `lo ..= hi`, a few specials.
fn value(lo: i32, hi: i32) -> impl Strategy<Value = f32> {
    prop_oneof![
        20 => (any::<bool>(), 0u32..1 << 23, lo..=hi).prop_map(|(neg, m, e)| {
            let x = f32::from_bits(m | 0x3F80_0000) * 2f32.powi(e.clamp(-126, 127));
            let x = if e < -126 { x * 2f32.powi(e + 126) } else { x };
            if neg { -x } else { x }
        }),
        1 => Just(0.0f32),
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => any::<u32>().prop_map(f32::from_bits),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fast_path_is_the_exact_path_on_random_data(
        (f, mode, xs) in (0usize..30, -160i32..120, 0i32..40, 0usize..NEAREST.len())
            .prop_flat_map(|(f, lo, span, mode)| {
                let hi = (lo + span).min(127);
                (Just(f), Just(mode), proptest::collection::vec(value(lo, hi), 0..3000))
            }),
    ) {
        check_all(&formats()[f], &xs, &NEAREST[mode..=mode]);
    }

    #[test]
    fn fast_path_is_the_exact_path_on_random_bits(
        f in 0usize..40,
        xs in proptest::collection::vec(any::<u32>().prop_map(f32::from_bits), 0..200),
    ) {
        let fmts = formats();
        check_all(&fmts[f % fmts.len()], &xs, &NEAREST);
    }
}
