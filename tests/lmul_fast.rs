//! The fast path of `lmul::dot` and `lmul::matmul` (fp32 accumulator, ties to even: host
//! `f32` sums) against the exact path (`lmul::dot_reference` / `lmul::matmul_reference`,
//! the core's accumulation of the same L-Mul products): codes and flags bit for bit, for
//! every 8-bit preset, bf16 with k = 3 and k = 7, fp16 and fp32, both modes, every
//! overflow policy of the L-Mul and of the accumulator, with and without rounded products.

use lowprec::float::dot::Accumulator;
use lowprec::lmul::{self, LMul, Mode};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};
use proptest::prelude::*;

const POLICIES: [Overflow; 3] = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];

/// The L-Mul formats: every preset of at most 8 bits (all have fp32-exact values), then
/// bf16 (k = 3, k = 7), fp16 and fp32.
fn lmul_formats() -> Vec<(FloatFormat, u32)> {
    let mut v: Vec<(FloatFormat, u32)> = FloatFormat::PRESETS
        .iter()
        .filter(|(_, f)| f.width() <= 8)
        .map(|(_, f)| (*f, f.man_bits()))
        .collect();
    assert!(v.len() >= 11);
    v.extend([
        (FloatFormat::BF16, 3),
        (FloatFormat::BF16, 7),
        (FloatFormat::FP16, 10),
        (FloatFormat::FP32, 23),
    ]);
    v
}

fn lmul_of(f: FloatFormat, k: u32, mode: Mode, ov: Overflow) -> LMul {
    LMul::new(f, mode, ov).with_k(k)
}

/// fp32 accumulators that take the fast path: every overflow policy, fused or not.
fn accumulators() -> Vec<Accumulator> {
    let mut v = Vec::new();
    for ov in POLICIES {
        let acc =
            Accumulator::new(FloatFormat::FP32).with_round(Round::new(Rounding::TiesToEven, ov));
        v.push(acc);
        v.push(acc.with_rounded_products());
    }
    v
}

/// A code: mostly moderate values (around 1, both signs), sometimes a special one (±0,
/// NaN, ±∞, ±max, subnormals, the smallest normal) or any code at all (huge and tiny
/// values that overflow fp32 sums), as `spice` (0..=255) says.
fn code(f: &FloatFormat, rng: &mut SplitMix64, spice: u64) -> u64 {
    let m = f.man_bits();
    let r = rng.next_u64();
    let sign = if r & 1 == 1 { f.sign_bit() } else { 0 };
    let pick = (r >> 1) & 0xFF;
    if pick < spice / 2 {
        rng.next_u64() & f.code_mask()
    } else if pick < spice {
        let specials = [
            0,
            f.sign_bit(),
            f.max_mag(),
            f.max_mag() | f.sign_bit(),
            f.inf_code().unwrap_or(0),
            f.nan_code().unwrap_or(0),
            1,
            (1 << m) | sign,
            (1 << m) - 1,
            f.mag_mask(),
            f.code_mask(),
        ];
        specials[(r >> 9) as usize % specials.len()] & f.code_mask()
    } else {
        // |x| in [2^-4, 2^4): biased exponent bias ± 4.
        let e = (f.bias() as i64 + ((r >> 9) % 8) as i64 - 4).clamp(1, (f.max_mag() >> m) as i64);
        let frac = (r >> 16) & ((1 << m) - 1);
        sign | (((e as u64) << m) | frac).min(f.max_mag())
    }
}

fn vector(f: &FloatFormat, rng: &mut SplitMix64, len: usize, spice: u64) -> Vec<u32> {
    (0..len).map(|_| code(f, rng, spice) as u32).collect()
}

fn check_dot(lm: &LMul, a: &[u32], b: &[u32], acc: &Accumulator) {
    let fast = lmul::dot(lm, a, b, acc, &mut SplitMix64::new(0)).unwrap();
    let exact = lmul::dot_reference(lm, a, b, acc, &mut SplitMix64::new(0)).unwrap();
    assert_eq!(
        (fast.value, fast.status),
        (exact.value, exact.status),
        "{lm:?} {acc:?}\na = {a:x?}\nb = {b:x?}"
    );
}

/// A seeded sweep of 1,100,000 dot products of lengths 0..=70 over every format, mode,
/// L-Mul policy and accumulator.
#[test]
fn seeded_sweep_of_dot_products() {
    let mut rng = SplitMix64::new(0x5EED);
    let accs = accumulators();
    let formats = lmul_formats();
    let configs = formats.len() * 2 * POLICIES.len() * accs.len();
    let per = 1_100_000usize.div_ceil(configs);
    let mut total = 0usize;
    let mut non_finite = 0usize;
    for &(f, k) in &formats {
        for mode in [Mode::PaperExact, Mode::Guarded] {
            for ov in POLICIES {
                let lm = lmul_of(f, k, mode, ov);
                for acc in &accs {
                    for t in 0..per {
                        let len = (rng.next_u64() % 71) as usize;
                        // Every fourth vector pair without specials; the others with
                        // specials at a rate from 1/256 to 1/2.
                        let spice = if t % 4 == 0 { 0 } else { rng.next_u64() % 129 };
                        let a = vector(&f, &mut rng, len, spice);
                        let b = vector(&f, &mut rng, len, spice);
                        check_dot(&lm, &a, &b, acc);
                        let r = lmul::dot(&lm, &a, &b, acc, &mut SplitMix64::new(0)).unwrap();
                        if !f32::from_bits(r.value as u32).is_finite() {
                            non_finite += 1;
                        }
                        total += 1;
                    }
                }
            }
        }
    }
    assert!(total >= 1_000_000, "{total}");
    // Both the finite and the ∞/NaN outputs are well represented.
    assert!(
        non_finite > total / 20 && non_finite < total / 2,
        "{non_finite} of {total}"
    );
}

/// Sums that overflow fp32: bf16 and fp32 products near fp32's largest value.
#[test]
fn overflowing_sums() {
    let big = 0x7F00u32; // bf16 2^127
    for ov in POLICIES {
        for acc in accumulators() {
            let lm = LMul::guarded(FloatFormat::BF16, ov).with_k(3);
            let one = 0x3F80u32;
            for (a, b) in [
                (vec![big, big], vec![one, one]),
                (vec![big, big, big | 0x8000], vec![one, one, one]),
                (vec![big, big | 0x8000, big], vec![one, one, one]),
                (vec![0x7F80, 0xFF80], vec![one, one]),
                (vec![0x7F80, 0x7FC1], vec![one, one]),
                (vec![big, big, 0x7FC0], vec![one, one, one]),
                (vec![big, big, 0xFF80], vec![one, one, one]),
            ] {
                check_dot(&lm, &a, &b, &acc);
                check_dot(&LMul::paper(FloatFormat::BF16), &a, &b, &acc);
            }
        }
    }
}

fn check_matmul(
    lm: &LMul,
    acc: &Accumulator,
    m: usize,
    k: usize,
    n: usize,
    rng: &mut SplitMix64,
    spice: u64,
) {
    let f = lm.format();
    let a = vector(&f, rng, m * k, spice);
    let b = vector(&f, rng, k * n, spice);
    let mut fast = vec![0x1234_5678u32; m * n];
    let mut exact = vec![0x9ABC_DEF0u32; m * n];
    let sf = lmul::matmul(lm, &a, &b, &mut fast, m, k, n, acc, &mut SplitMix64::new(0)).unwrap();
    let se = lmul::matmul_reference(
        lm,
        &a,
        &b,
        &mut exact,
        m,
        k,
        n,
        acc,
        &mut SplitMix64::new(0),
    )
    .unwrap();
    assert_eq!(sf, se, "{lm:?} {acc:?} {m}×{k}×{n}");
    assert!(fast == exact, "{lm:?} {acc:?} {m}×{k}×{n}");
    // u64 output codes give the same codes.
    let mut wide = vec![0u64; m * n];
    let sw = lmul::matmul(lm, &a, &b, &mut wide, m, k, n, acc, &mut SplitMix64::new(0)).unwrap();
    assert_eq!(sw, sf);
    assert!(wide.iter().zip(&fast).all(|(&w, &f)| w == u64::from(f)));
}

/// Matrix products of every shape from {0, 1, 63, 64, 65, 130}³ (the chunk of 64 columns
/// and its edges), for E4M3FN, bf16 (k = 3) and fp16.
#[test]
fn matmul_shapes() {
    let dims = [0usize, 1, 63, 64, 65, 130];
    let mut rng = SplitMix64::new(42);
    let configs = [
        (LMul::guarded(FloatFormat::E4M3FN, Overflow::SatFinite), 0),
        (LMul::paper(FloatFormat::E4M3FN), 0),
        (
            LMul::guarded(FloatFormat::BF16, Overflow::Ieee).with_k(3),
            2,
        ),
        (LMul::guarded(FloatFormat::FP16, Overflow::Ieee), 1),
    ];
    for (lm, spice) in configs {
        for &m in &dims {
            for &k in &dims {
                for &n in &dims {
                    let acc = accumulators()[(m + k + n) % 6];
                    if m * k * n <= 300_000 || (m, n) == (130, 130) && k <= 65 {
                        check_matmul(&lm, &acc, m, k, n, &mut rng, spice);
                    }
                }
            }
        }
    }
    check_matmul(
        &configs[2].0,
        &accumulators()[0],
        130,
        130,
        130,
        &mut rng,
        2,
    );
}

/// Every 8-bit preset and both modes with specials in the matrices (NaN and ∞ outputs
/// that are summed again), every accumulator.
#[test]
fn matmul_with_specials_every_format() {
    let mut rng = SplitMix64::new(7);
    for (f, k) in lmul_formats() {
        for mode in [Mode::PaperExact, Mode::Guarded] {
            for (i, acc) in accumulators().into_iter().enumerate() {
                let lm = lmul_of(f, k, mode, POLICIES[i % 3]);
                check_matmul(&lm, &acc, 5, 17, 67, &mut rng, 4);
                check_matmul(&lm, &acc, 3, 9, 65, &mut rng, 40);
            }
        }
    }
}

fn any_config() -> impl Strategy<Value = (LMul, Accumulator)> {
    let formats = lmul_formats();
    (
        0..formats.len(),
        prop_oneof![Just(Mode::PaperExact), Just(Mode::Guarded)],
        0..3usize,
        0..6usize,
    )
        .prop_map(move |(fi, mode, ov, acc)| {
            let (f, k) = formats[fi];
            (lmul_of(f, k, mode, POLICIES[ov]), accumulators()[acc])
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any codes at all (the whole code space, specials included), lengths 0..=70.
    #[test]
    fn dot_fast_is_exact_on_any_codes(
        (lm, acc) in any_config(),
        pairs in prop::collection::vec((any::<u32>(), any::<u32>()), 0..=70),
    ) {
        let mask = lm.format().code_mask() as u32;
        let (a, b): (Vec<u32>, Vec<u32>) = pairs.iter().map(|&(x, y)| (x & mask, y & mask)).unzip();
        check_dot(&lm, &a, &b, &acc);
    }

    /// Moderate values with a few specials, lengths 0..=70.
    #[test]
    fn dot_fast_is_exact_on_moderate_codes(
        (lm, acc) in any_config(),
        seed in any::<u64>(),
        len in 0..=70usize,
        spice in 0..16u64,
    ) {
        let mut rng = SplitMix64::new(seed);
        let f = lm.format();
        let a = vector(&f, &mut rng, len, spice);
        let b = vector(&f, &mut rng, len, spice);
        check_dot(&lm, &a, &b, &acc);
    }

    /// Small matrix products of any shape up to 9 × 9 × 70.
    #[test]
    fn matmul_fast_is_exact(
        (lm, acc) in any_config(),
        seed in any::<u64>(),
        m in 0..=9usize,
        k in 0..=9usize,
        n in 0..=70usize,
        spice in 0..8u64,
    ) {
        check_matmul(&lm, &acc, m, k, n, &mut SplitMix64::new(seed), spice);
    }
}

/// Accumulators that do not take the fast path (another format or rounding) still give
/// the exact path's results.
#[test]
fn ineligible_accumulators_are_the_exact_path() {
    let mut rng = SplitMix64::new(3);
    let lm = LMul::guarded(FloatFormat::E4M3FN, Overflow::Ieee);
    for acc in [
        Accumulator::new(FloatFormat::BF16),
        Accumulator::new(FloatFormat::FP64),
        Accumulator::new(FloatFormat::FP32).with_round(Round::from(Rounding::TowardZero)),
        lmul::PAPER_FP8_ACCUMULATOR,
    ] {
        for _ in 0..200 {
            let len = (rng.next_u64() % 40) as usize;
            let a = vector(&lm.format(), &mut rng, len, 8);
            let b = vector(&lm.format(), &mut rng, len, 8);
            let fast = lmul::dot(&lm, &a, &b, &acc, &mut SplitMix64::new(0)).unwrap();
            let exact = lmul::dot_reference(&lm, &a, &b, &acc, &mut SplitMix64::new(0)).unwrap();
            assert_eq!(fast, exact);
        }
    }
}

/// Large products of formats of at most 8 bits look their products up in a table of all
/// pairs: every 8-bit preset, both modes, every L-Mul policy, with specials.
#[test]
fn matmul_large_8_bit_every_format() {
    let mut rng = SplitMix64::new(99);
    let accs = accumulators();
    let mut runs = 0;
    for (f, k) in lmul_formats() {
        if f.width() > 8 {
            continue;
        }
        for mode in [Mode::PaperExact, Mode::Guarded] {
            for (i, ov) in POLICIES.into_iter().enumerate() {
                if mode == Mode::PaperExact && i > 0 {
                    continue;
                }
                let lm = lmul_of(f, k, mode, ov);
                let acc = accs[(runs + i) % accs.len()];
                check_matmul(&lm, &acc, 8, 128, 1024, &mut rng, [0, 1, 6][i]);
                runs += 1;
            }
        }
    }
    assert!(runs >= 40, "{runs}");
}
