//! MX dot products (`lowprec::block::dot_*`, `matmul_f32`) against exact rational sums.
//!
//! Every element and scale code is decoded from its format's definition
//! (`tests/block_judge/`), the dot product is the exact rational Σⱼ Xᴬⱼ Xᴮⱼ gᴬ gᴮ Σᵢ Pᵢᴬ Pᵢᴮ
//! (rug), and each rounding is the MPFR oracle's (`tests/oracle/`). Checked, on random
//! vectors of one to five blocks (short last blocks included) of every MX preset, NVFP4
//! with random tensor scales, `bfp4` and `bfp8`, and mixed element formats:
//! - the exact form (`dot_exact`, `MxExact::to_exact`) equals the rational sum;
//! - the sum rounded once into f32, bf16, fp16, E4M3FN and E5M2 in six rounding modes and
//!   two overflow policies equals the oracle's rounding of the rational sum;
//! - the f32 block-by-block form equals the literal loop d ← round(block), s ← round(s + d)
//!   done with the oracle in four modes, and for ties to even with the sums in native
//!   `f32` arithmetic;
//! - the matrix product over packed codes equals the rational sums rounded to f32;
//! - special values (NaN scales and elements, ∞ of E5M2, ∞ · 0, ∞ − ∞, signed zeros).

mod block_judge;
mod oracle;

use block_judge::{Spec as Elem, pow2};
use lowprec::block::{self, BlockError, BlockFormat, MxMatrix, MxSum, MxVector};
use lowprec::float::Exact;
use lowprec::{FloatFormat, NoRandom, Overflow, RandomBits, Round, Rounding, SplitMix64, Status};
use oracle::{In, Spec as Out, Want};
use rug::{Float, Integer, Rational};

/// A preset with its element and scale formats from their definitions.
struct Preset {
    name: &'static str,
    fmt: BlockFormat,
    elem: Elem,
    /// `true`: E8M0 scales; `false`: E4M3 scales (NVFP4).
    e8m0: bool,
}

fn presets() -> Vec<Preset> {
    let p = |name, fmt, elem, e8m0| Preset {
        name,
        fmt,
        elem,
        e8m0,
    };
    vec![
        p("mxfp8_e4m3", BlockFormat::MXFP8_E4M3, Elem::E4M3, true),
        p("mxfp8_e5m2", BlockFormat::MXFP8_E5M2, Elem::E5M2, true),
        p("mxfp6_e3m2", BlockFormat::MXFP6_E3M2, Elem::E3M2, true),
        p("mxfp6_e2m3", BlockFormat::MXFP6_E2M3, Elem::E2M3, true),
        p("mxfp4_e2m1", BlockFormat::MXFP4_E2M1, Elem::E2M1, true),
        p("mxint8", BlockFormat::MXINT8, Elem::INT8, true),
        p("nvfp4", BlockFormat::NVFP4, Elem::E2M1, false),
        p(
            "bfp4",
            BlockFormat::bfp(4).unwrap(),
            Elem::Int { bits: 4, frac: 2 },
            true,
        ),
        p(
            "bfp8",
            BlockFormat::bfp(8).unwrap(),
            Elem::Int { bits: 8, frac: 6 },
            true,
        ),
    ]
}

/// One operand: its codes and its exact values per block.
struct Operand {
    scales: Vec<u8>,
    codes: Vec<u8>,
    g: f32,
}

fn scale_value(p: &Preset, c: u8) -> Option<Rational> {
    if p.e8m0 {
        (c != 0xFF).then(|| pow2(i32::from(c) - 127))
    } else {
        Elem::E4M3.value(u32::from(c)).map(|v| v.0)
    }
}

/// A finite element code of `p`, uniformly over the finite codes.
fn finite_code(p: &Preset, rng: &mut SplitMix64) -> u8 {
    let mask = (1u64 << p.elem.width()) - 1;
    loop {
        let c = (rng.next_u64() & mask) as u8;
        if p.elem.value(u32::from(c)).is_some() {
            return c;
        }
    }
}

/// A scale code: mostly near 1, sometimes anywhere in the finite range.
fn scale_code(p: &Preset, rng: &mut SplitMix64) -> u8 {
    let r = rng.next_u64();
    if p.e8m0 {
        match r % 4 {
            0 => (r >> 8) as u8 % 255,
            _ => (127 + ((r >> 8) % 21) as i32 - 10) as u8,
        }
    } else {
        // Non-negative finite E4M3 codes, zero included.
        ((r >> 8) % 0x7F) as u8
    }
}

fn tensor_scale(p: &Preset, rng: &mut SplitMix64) -> f32 {
    if !p.fmt.tensor_scale {
        return 1.0;
    }
    let r = rng.next_u64();
    let e = (r % 41) as i32 - 20;
    let m = (r >> 32) as u32 & 0x7F_FFFF;
    f32::from_bits((((127 + e) as u32) << 23) | m)
}

fn operand(p: &Preset, len: usize, rng: &mut SplitMix64) -> Operand {
    Operand {
        scales: (0..p.fmt.num_scales(len))
            .map(|_| scale_code(p, rng))
            .collect(),
        codes: (0..len).map(|_| finite_code(p, rng)).collect(),
        g: tensor_scale(p, rng),
    }
}

fn vector<'a>(p: &Preset, o: &'a Operand) -> MxVector<'a> {
    MxVector::new(p.fmt, &o.scales, &o.codes).with_tensor_scale(o.g)
}

/// The exact value of block `j` of the dot product (finite operands only), and whether
/// every product of the block is −0 (for the sign of a zero sum).
fn block_value(pa: &Preset, a: &Operand, pb: &Preset, b: &Operand, j: usize) -> (Rational, bool) {
    let bs = pa.fmt.block_size as usize;
    let lo = j * bs;
    let hi = (lo + bs).min(a.codes.len());
    let mut s = Rational::new();
    let mut all_neg_zero = true;
    let mut all_neg = true;
    for i in lo..hi {
        let (x, nx) = pa.elem.value(u32::from(a.codes[i])).unwrap();
        let (y, ny) = pb.elem.value(u32::from(b.codes[i])).unwrap();
        // The sign of a value: its sign bit, or (integers, which have no −0) its sign.
        let (sx, sy) = (nx || x < 0, ny || y < 0);
        let p = Rational::from(&x * &y);
        all_neg_zero &= p == 0 && (sx != sy);
        all_neg &= p < 0 || (p == 0 && (sx != sy));
        s += p;
    }
    let xa = scale_value(pa, a.scales[j]).unwrap();
    let xb = scale_value(pb, b.scales[j]).unwrap();
    let ga = Rational::from_f32(a.g).unwrap();
    let gb = Rational::from_f32(b.g).unwrap();
    let scale = xa * xb * ga * gb;
    if scale == 0 {
        // 0 · p keeps p's sign: every term is −0 if every product is negative or −0.
        return (Rational::new(), all_neg);
    }
    (s * scale, all_neg_zero)
}

/// A dyadic rational as an exact MPFR input (`zero_neg` for the sign of a zero).
fn exact_in(q: &Rational, zero_neg: bool) -> In {
    if *q == 0 {
        return In::Zero { neg: zero_neg };
    }
    let (f, dir) = Float::with_val_round(5000, q, rug::float::Round::Nearest);
    assert_eq!(dir, std::cmp::Ordering::Equal, "not exact in 5000 bits");
    In::Num(f)
}

fn exact_to_rational(x: &Exact) -> Option<Rational> {
    match x {
        Exact::Zero { .. } => Some(Rational::new()),
        Exact::Finite(f) => {
            assert!(!f.sticky);
            let v = Rational::from(Integer::from(f.sig)) * pow2(f.exp);
            Some(if f.negative { -v } else { v })
        }
        _ => None,
    }
}

fn significant_bits(q: &Rational) -> u32 {
    // A dyadic rational n / 2^k: the significant bits of n without trailing zeros.
    let n = q.numer().clone().abs();
    let tz = n.find_one(0).unwrap_or(0);
    n.significant_bits() - tz
}

fn matches(want: &Want, got: u64, out: &Out) -> bool {
    match want {
        Want::Code(c) => *c == got,
        Want::Nan { .. } => matches!(out.fmt.decode(got), Exact::Nan { .. }),
    }
}

const MODES: [Rounding; 6] = [
    Rounding::TiesToEven,
    Rounding::TiesToAway,
    Rounding::TowardZero,
    Rounding::TowardPositive,
    Rounding::TowardNegative,
    Rounding::ToOdd,
];
const POLICIES: [Overflow; 2] = [Overflow::Ieee, Overflow::SatFinite];

#[test]
fn dot_products_match_exact_rational_sums() {
    let outs: Vec<Out> = [
        FloatFormat::FP32,
        FloatFormat::BF16,
        FloatFormat::FP16,
        FloatFormat::E4M3FN,
        FloatFormat::E5M2,
    ]
    .into_iter()
    .map(Out::new)
    .collect();
    let f32s = Out::new(FloatFormat::FP32);
    let ps = presets();
    let mut rng = SplitMix64::new(0x05EE_DD07);
    let (mut vectors, mut roundings, mut wide) = (0usize, 0usize, 0usize);
    // Each preset with itself, and a few mixed pairs of element formats.
    let mut pairs: Vec<(usize, usize)> = (0..ps.len()).map(|i| (i, i)).collect();
    pairs.extend([(0, 1), (2, 4), (0, 5), (6, 8), (7, 8), (1, 4)]);
    for &(ia, ib) in &pairs {
        let (pa, pb) = (&ps[ia], &ps[ib]);
        let bs = pa.fmt.block_size as usize;
        let n = if ia == ib { 1200 } else { 300 };
        for _ in 0..n {
            let nb = 1 + (rng.next_u64() % 5) as usize;
            let len = (nb - 1) * bs + 1 + (rng.next_u64() % bs as u64) as usize;
            let a = operand(pa, len, &mut rng);
            let b = operand(pb, len, &mut rng);
            let (va, vb) = (vector(pa, &a), vector(pb, &b));
            let blocks: Vec<(Rational, bool)> =
                (0..nb).map(|j| block_value(pa, &a, pb, &b, j)).collect();
            let total: Rational = blocks.iter().map(|b| b.0.clone()).sum();
            let all_neg_zero = blocks.iter().all(|b| b.1);
            let what = format!(
                "{}·{} a={:x?}/{:x?}/{} b={:x?}/{:x?}/{}",
                pa.name, pb.name, a.scales, a.codes, a.g, b.scales, b.codes, b.g
            );

            // The exact form.
            let x = block::dot_exact(&va, &vb).unwrap();
            match x.to_exact() {
                Some(e) => {
                    assert_eq!(exact_to_rational(&e), Some(total.clone()), "{what}");
                    if total == 0 {
                        assert_eq!(
                            e,
                            Exact::Zero {
                                negative: all_neg_zero
                            },
                            "{what}"
                        );
                    }
                }
                None => {
                    assert!(significant_bits(&total) > 128, "{what}");
                    wide += 1;
                }
            }

            // Rounded once.
            for out in &outs {
                for mode in MODES {
                    let zero_neg = all_neg_zero || mode == Rounding::TowardNegative;
                    let all = out.expect_all(&exact_in(&total, zero_neg));
                    for policy in POLICIES {
                        let want = &all
                            .iter()
                            .find(|(m, p, _)| *m == mode && *p == policy)
                            .unwrap()
                            .2;
                        let sum = MxSum::Once {
                            format: out.fmt,
                            round: Round::new(mode, policy),
                        };
                        let got = block::dot_with(&va, &vb, sum, &mut NoRandom).unwrap();
                        assert!(
                            matches(&want.want, got.value, out),
                            "{what} → {} {mode:?} {policy:?}: got {:x}, want {:?}",
                            out.name,
                            got.value,
                            want.want
                        );
                        if let Some(flags) = want.flags {
                            assert_eq!(got.status, flags, "{what} → {} {mode:?}", out.name);
                        }
                        roundings += 1;
                    }
                }
            }
            // The exact form rounds the same way.
            let r = x.round(&FloatFormat::BF16, Rounding::TowardZero, &mut NoRandom);
            let once = MxSum::Once {
                format: FloatFormat::BF16,
                round: Round::from(Rounding::TowardZero),
            };
            assert_eq!(
                r,
                block::dot_with(&va, &vb, once, &mut NoRandom).unwrap(),
                "{what}"
            );

            // f32 block by block: the literal loop with the oracle's roundings.
            for (mode, policy) in [
                (Rounding::TiesToEven, Overflow::Ieee),
                (Rounding::TowardZero, Overflow::Ieee),
                (Rounding::TowardPositive, Overflow::Ieee),
                (Rounding::TowardNegative, Overflow::SatFinite),
            ] {
                let round = |q: &Rational, zero_neg: bool| -> u64 {
                    match f32s.expect(&exact_in(q, zero_neg), mode, policy).want {
                        Want::Code(c) => c,
                        Want::Nan { .. } => panic!("a finite sum rounded to NaN"),
                    }
                };
                let value = |c: u64| f32::from_bits(c as u32);
                let mut s = 0u64; // +0
                let mut native = 0f32;
                let mut inf = false;
                for (q, neg_zero) in &blocks {
                    let d = round(q, *neg_zero || mode == Rounding::TowardNegative);
                    let (sv, dv) = (value(s), value(d));
                    native += dv;
                    if !sv.is_finite() || !dv.is_finite() {
                        // ∞ + finite or ∞ ± ∞: IEEE 754 as the native sum does it.
                        inf = true;
                        s = u64::from((sv + dv).to_bits());
                        continue;
                    }
                    let t = Rational::from_f32(sv).unwrap() + Rational::from_f32(dv).unwrap();
                    let zero_neg = if sv == 0.0 && dv == 0.0 {
                        if sv.is_sign_negative() == dv.is_sign_negative() {
                            sv.is_sign_negative()
                        } else {
                            mode == Rounding::TowardNegative
                        }
                    } else {
                        mode == Rounding::TowardNegative
                    };
                    s = round(&t, zero_neg);
                }
                let got = block::dot_with(
                    &va,
                    &vb,
                    MxSum::F32Blocks {
                        round: Round::new(mode, policy),
                    },
                    &mut NoRandom,
                )
                .unwrap();
                let gv = value(got.value);
                let sv = value(s);
                assert!(
                    got.value == s || (gv.is_nan() && sv.is_nan()),
                    "{what} blockwise {mode:?} {policy:?}: got {gv:e}, want {sv:e}"
                );
                if mode == Rounding::TiesToEven {
                    assert!(
                        native.to_bits() == got.value as u32 || (gv.is_nan() && native.is_nan()),
                        "{what} blockwise native f32: got {gv:e}, native {native:e}"
                    );
                }
                let _ = inf;
                roundings += 1;
            }
            vectors += 1;
        }
    }
    println!(
        "MX dot products: {vectors} vectors, {roundings} roundings checked, {wide} exact sums wider than 128 bits"
    );
}

#[test]
fn matmul_over_packed_blocks_matches_rational_sums() {
    let ps = presets();
    let f32s = Out::new(FloatFormat::FP32);
    let mut rng = SplitMix64::new(99);
    let mut entries = 0;
    for p in &ps {
        let w = p.fmt.element.width();
        let bs = p.fmt.block_size as usize;
        for _ in 0..6 {
            let m = 1 + (rng.next_u64() % 4) as usize;
            let n = 1 + (rng.next_u64() % 4) as usize;
            let k = 1 + (rng.next_u64() % (3 * bs as u64)) as usize;
            let a: Vec<Operand> = (0..m).map(|_| operand(p, k, &mut rng)).collect();
            let mut b: Vec<Operand> = (0..n).map(|_| operand(p, k, &mut rng)).collect();
            // One tensor scale per matrix.
            let (ga, gb) = (a[0].g, b[0].g);
            for o in &mut b {
                o.g = gb;
            }
            let pack = |rows: &[Operand]| -> (Vec<u8>, Vec<u8>) {
                let codes: Vec<u8> = rows.iter().flat_map(|r| r.codes.clone()).collect();
                let scales: Vec<u8> = rows.iter().flat_map(|r| r.scales.clone()).collect();
                let mut packed = vec![0u8; block::packed_len(w, codes.len())];
                block::pack(w, &codes, &mut packed).unwrap();
                (scales, packed)
            };
            let (sa, pa) = pack(&a);
            let (sb, pb) = pack(&b);
            let ma = MxMatrix::new(p.fmt, &sa, &pa).with_tensor_scale(ga);
            let mb = MxMatrix::new(p.fmt, &sb, &pb).with_tensor_scale(gb);
            for sum in [
                MxSum::default(),
                MxSum::F32Blocks {
                    round: Round::default(),
                },
            ] {
                let mut c = vec![0f32; m * n];
                block::matmul_f32(&ma, &mb, m, n, k, sum, &mut NoRandom, &mut c).unwrap();
                for r in 0..m {
                    for col in 0..n {
                        let mut ar = Operand {
                            scales: a[r].scales.clone(),
                            codes: a[r].codes.clone(),
                            g: ga,
                        };
                        ar.g = ga;
                        let got = c[r * n + col];
                        let row_dot = block::dot_with(
                            &vector(p, &ar),
                            &vector(p, &b[col]),
                            sum,
                            &mut NoRandom,
                        )
                        .unwrap();
                        assert_eq!(
                            got.to_bits(),
                            row_dot.value as u32,
                            "{} ({r},{col})",
                            p.name
                        );
                        if sum == MxSum::default() {
                            let nb = p.fmt.num_blocks(k);
                            let blocks: Vec<(Rational, bool)> = (0..nb)
                                .map(|j| block_value(p, &ar, p, &b[col], j))
                                .collect();
                            let total: Rational = blocks.iter().map(|b| b.0.clone()).sum();
                            let zn = blocks.iter().all(|b| b.1);
                            let want = f32s
                                .expect(&exact_in(&total, zn), Rounding::TiesToEven, Overflow::Ieee)
                                .want;
                            assert!(
                                matches(&want, u64::from(got.to_bits()), &f32s),
                                "{} ({r},{col})",
                                p.name
                            );
                        }
                        entries += 1;
                    }
                }
            }
        }
    }
    println!("matmul entries checked: {entries}");
}

fn e8m0(name: &str) -> BlockFormat {
    name.parse().unwrap()
}

fn f32_of(r: lowprec::StatusAnd<u64>) -> (f32, Status) {
    (f32::from_bits(r.value as u32), r.status)
}

#[test]
fn special_values() {
    let once = MxSum::default();
    let blocks = MxSum::F32Blocks {
        round: Round::default(),
    };
    let dot = |a: &MxVector, b: &MxVector, s: MxSum| {
        f32_of(block::dot_with(a, b, s, &mut NoRandom).unwrap())
    };
    // A NaN scale makes the dot product NaN, even against zeros; quietly.
    let f = e8m0("mxfp8_e4m3:block=2");
    let a = MxVector::new(f, &[127, 0xFF], &[0x38, 0x38, 0, 0]);
    let z = MxVector::new(f, &[127, 127], &[0, 0, 0, 0]);
    for s in [once, blocks] {
        let (v, st) = dot(&a, &z, s);
        assert!(v.is_nan());
        assert!(!st.contains(Status::INVALID));
    }
    assert_eq!(
        block::dot_exact(&a, &z).unwrap().to_exact(),
        Some(Exact::Nan { negative: false })
    );
    // An E4M3 NaN element.
    let n = MxVector::new(f, &[127, 127], &[0x7F, 0, 0, 0]);
    assert!(dot(&n, &z, once).0.is_nan());
    // E5M2: ∞ · finite = ∞; ∞ · 0 and ∞ − ∞ are invalid.
    let g = e8m0("mxfp8_e5m2:block=2");
    let inf = MxVector::new(g, &[127], &[0x7C, 0x3C]); // +∞, 1
    let one = MxVector::new(g, &[127], &[0x3C, 0x3C]);
    let zero_one = MxVector::new(g, &[127], &[0x00, 0x3C]);
    let neg = MxVector::new(g, &[127], &[0x3C, 0xFC]); // 1, −∞
    for s in [once, blocks] {
        assert_eq!(dot(&inf, &one, s), (f32::INFINITY, Status::OK));
        let (v, st) = dot(&inf, &zero_one, s);
        assert!(v.is_nan() && st.contains(Status::INVALID));
        let (v, st) = dot(&inf, &neg, s); // ∞·1 + 1·(−∞)
        assert!(v.is_nan() && st.contains(Status::INVALID));
    }
    // Across blocks: +∞ in block 0, −∞ in block 1.
    let g1 = e8m0("mxfp8_e5m2:block=1");
    let pm = MxVector::new(g1, &[127, 127], &[0x7C, 0xFC]);
    let ones = MxVector::new(g1, &[127, 127], &[0x3C, 0x3C]);
    for s in [once, blocks] {
        let (v, st) = dot(&pm, &ones, s);
        assert!(v.is_nan() && st.contains(Status::INVALID));
    }
    // f32 block by block overflows where the exact sum does not: 2^127·2^127 − 2^127·2^127.
    let big = MxVector::new(g1, &[254, 254], &[0x3C, 0xBC]);
    let (v, st) = dot(&big, &big, once); // 2^254 + 2^254
    assert!(v == f32::INFINITY && st.contains(Status::OVERFLOW));
    let cancel = MxVector::new(g1, &[254, 254], &[0x3C, 0xBC]);
    let pos = MxVector::new(g1, &[254, 254], &[0x3C, 0x3C]);
    assert_eq!(dot(&cancel, &pos, once), (0.0, Status::OK));
    let (v, st) = dot(&cancel, &pos, blocks);
    assert!(v.is_nan() && st.contains(Status::INVALID) && st.contains(Status::OVERFLOW));
    // Signed zeros: −0 only when every product is −0 (or rounding toward −∞).
    let m0 = MxVector::new(g, &[127], &[0x80, 0x80]); // −0, −0
    let p1 = MxVector::new(g, &[127], &[0x3C, 0x3C]);
    let (v, _) = dot(&m0, &p1, once);
    assert!(v == 0.0 && v.is_sign_negative());
    let c = MxVector::new(g, &[127], &[0x3C, 0xBC]); // 1·1 + (−1)·1
    let (v, _) = dot(&c, &p1, once);
    assert!(v == 0.0 && v.is_sign_positive());
    let down = MxSum::Once {
        format: FloatFormat::FP32,
        round: Round::from(Rounding::TowardNegative),
    };
    let (v, _) = dot(&c, &p1, down);
    assert!(v == 0.0 && v.is_sign_negative());
    // NVFP4: a zero block scale makes its block zero.
    let nv = MxVector::new(BlockFormat::NVFP4, &[0x00], &[0x7, 0x7]);
    assert_eq!(dot(&nv, &nv, once), (0.0, Status::OK));
    // A NaN result in a format without NaN: +0 and INVALID.
    let r = block::dot_with(
        &pm,
        &ones,
        MxSum::Once {
            format: FloatFormat::E2M1,
            round: Round::default(),
        },
        &mut NoRandom,
    )
    .unwrap();
    assert_eq!(r.value, 0);
    assert!(r.status.contains(Status::INVALID));
}

#[test]
fn errors() {
    let f = BlockFormat::MXFP8_E4M3;
    let a = MxVector::new(f, &[127], &[0; 3]);
    let b = MxVector::new(f, &[127], &[0; 4]);
    assert!(matches!(
        block::dot_exact(&a, &b),
        Err(BlockError::Length { .. })
    ));
    let c = MxVector::new(e8m0("mxfp8_e4m3:block=16"), &[127], &[0; 3]);
    assert!(matches!(
        block::dot_f32(&a, &c),
        Err(BlockError::Inconsistent(_))
    ));
    let d = MxVector::new(f, &[], &[0; 3]);
    assert!(matches!(
        block::dot_f32(&a, &d),
        Err(BlockError::Length { .. })
    ));
    let nv = MxVector::new(BlockFormat::NVFP4, &[0x38], &[1]).with_tensor_scale(-1.0);
    assert_eq!(block::dot_f32(&nv, &nv), Err(BlockError::TensorScale));
    let m = MxMatrix::new(f, &[127], &[0; 4]);
    let mut out = [0f32; 1];
    assert!(
        block::matmul_f32(
            &m,
            &m,
            1,
            1,
            4,
            MxSum::Once {
                format: FloatFormat::BF16,
                round: Round::default()
            },
            &mut NoRandom,
            &mut out
        )
        .is_err()
    );
    assert!(block::matmul_f32(&m, &m, 1, 1, 5, MxSum::default(), &mut NoRandom, &mut out).is_err());
    assert!(block::matmul_f32(&m, &m, 1, 1, 4, MxSum::default(), &mut NoRandom, &mut out).is_ok());
    // Invalid formats built by hand are refused.
    let mut bad = f;
    bad.block_size = 0;
    let z = MxVector::new(bad, &[], &[0; 3]);
    assert_eq!(block::dot_f32(&z, &z), Err(BlockError::BlockSize(0)));
    bad = f;
    bad.element = lowprec::block::ElementFormat::Int {
        bits: 0,
        frac_bits: 0,
    };
    let z = MxVector::new(bad, &[127], &[0; 3]);
    assert!(block::dot_exact(&z, &z).is_err());
    // Empty vectors: +0.
    let e = MxVector::new(f, &[], &[]);
    assert_eq!(block::dot_f32(&e, &e).map(f32::to_bits), Ok(0));
}

#[test]
fn stochastic_rounding_picks_a_neighbour() {
    let p = &presets()[0];
    let mut rng = SplitMix64::new(5);
    let mut draws = SplitMix64::new(6);
    let mut seen_both = 0;
    for _ in 0..300 {
        let a = operand(p, 64, &mut rng);
        let b = operand(p, 64, &mut rng);
        let (va, vb) = (vector(p, &a), vector(p, &b));
        let at = |mode: Rounding, r: &mut SplitMix64| {
            let sum = MxSum::Once {
                format: FloatFormat::BF16,
                round: Round::from(mode),
            };
            block::dot_with(&va, &vb, sum, r).unwrap().value
        };
        let down = at(Rounding::TowardNegative, &mut draws);
        let up = at(Rounding::TowardPositive, &mut draws);
        let mut got = std::collections::HashSet::new();
        for _ in 0..16 {
            let s = at(Rounding::SR, &mut draws);
            assert!(
                s == down || s == up,
                "SR gave {s:x}, neighbours {down:x} {up:x}"
            );
            got.insert(s);
        }
        seen_both += usize::from(got.len() == 2);
        // f32 block by block, stochastically: each step one of its two neighbours, so
        // the result lies between the all-down and the all-up loops.
        let f = |mode: Rounding, r: &mut SplitMix64| {
            let v = block::dot_with(
                &va,
                &vb,
                MxSum::F32Blocks {
                    round: Round::from(mode),
                },
                r,
            )
            .unwrap()
            .value;
            f32::from_bits(v as u32)
        };
        let (lo, hi) = (
            f(Rounding::TowardNegative, &mut draws),
            f(Rounding::TowardPositive, &mut draws),
        );
        let s = f(Rounding::SR, &mut draws);
        assert!(lo <= s && s <= hi, "{lo} ≤ {s} ≤ {hi}");
    }
    assert!(
        seen_both > 100,
        "stochastic rounding rarely varied: {seen_both}"
    );
}
