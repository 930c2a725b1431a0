//! L-Mul against independent restatements: the paper's integer form written directly on
//! `u32`/`u8` codes, a value-level model of the guarded mode in exact rational terms
//! (every 8-bit operand pair), the core's own dot product for the accumulation, and
//! property tests of the guarded mode (sign symmetry, commutativity, no NaN from finite
//! inputs, error within the analytic bound).

use lowprec::float::dot::Accumulator;
use lowprec::float::{Class, Exact};
use lowprec::lmul::{self, LMul, LmulError, Mode, Operand, offset_exponent};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64, Status};
use proptest::prelude::*;

/// The paper's Python/PTX form on fp32 codes, written independently of the library.
fn paper_fp32(a: u32, b: u32) -> u32 {
    let sign = (a ^ b) & 0x8000_0000;
    let mag = (a & 0x7FFF_FFFF)
        .wrapping_add(b & 0x7FFF_FFFF)
        .wrapping_sub(0x3F78_0000)
        & 0x7FFF_FFFF;
    mag | sign
}

#[test]
fn paper_form_fp32_matches_the_papers_code() {
    let lm = LMul::paper(FloatFormat::FP32);
    let mut rng = SplitMix64::new(1);
    for _ in 0..200_000 {
        let (a, b) = (rng.next_u64() as u32, rng.next_u64() as u32);
        assert_eq!(
            lm.mul(u64::from(a), u64::from(b)),
            u64::from(paper_fp32(a, b))
        );
    }
    // Golden values worked by hand from the L-Mul paper's integer form.
    let p = |x: f32, y: f32| f32::from_bits(paper_fp32(x.to_bits(), y.to_bits()));
    assert_eq!(p(1.0, 1.0), 1.0625);
    assert_eq!(p(1.5, 1.5), 2.125);
    assert_eq!(p(1.75, 1.75), 3.125);
    assert_eq!(p(-2.0, 3.0), -6.25);
    assert_eq!(paper_fp32(3.6f32.to_bits(), 2.1f32.to_bits()), 0x40F4_CCCC);
    assert_eq!(p(0.0, 0.0), 4.25);
}

#[test]
fn paper_form_8_bit_exhaustive() {
    // (format, C) with the integer form on 7 magnitude bits written out directly.
    for (f, c) in [
        (FloatFormat::E4M3, 0x37u8),
        (FloatFormat::E4M3FN, 0x37),
        (FloatFormat::E5M2, 0x3B),
    ] {
        let lm = LMul::paper(f);
        assert_eq!(lm.offset_constant(), u64::from(c));
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let want =
                    ((a & 0x7F).wrapping_add(b & 0x7F).wrapping_sub(c) & 0x7F) | ((a ^ b) & 0x80);
                assert_eq!(lm.mul(u64::from(a), u64::from(b)), u64::from(want));
            }
        }
    }
}

#[test]
fn paper_form_truncation_keeps_first_k_bits() {
    // bf16 with k = 3: operands lose their 4 low fraction bits, the offset is 2^-3.
    let f = FloatFormat::BF16;
    let lm = LMul::paper(f).with_k(3);
    assert_eq!(lm.offset_constant(), 0x3F80 - 0x10);
    let mut rng = SplitMix64::new(2);
    for _ in 0..100_000 {
        let a = (rng.next_u64() & 0xFFFF) as u16;
        let b = (rng.next_u64() & 0xFFFF) as u16;
        let t = |x: u16| x & 0x7FF0;
        let want = (t(a).wrapping_add(t(b)).wrapping_sub(0x3F70) & 0x7FFF) | ((a ^ b) & 0x8000);
        assert_eq!(lm.mul(u64::from(a), u64::from(b)), u64::from(want));
    }
}

/// An exact dyadic rational m·2^e (m may be 0), enough for L-Mul values.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Dyadic {
    neg: bool,
    m: u128,
    e: i32,
}

/// The value of a normal code: (1 + frac/2^M)·2^(biased − bias) as 2^M + frac at e − M.
fn normal_parts(f: &FloatFormat, mag: u64) -> (u64, i32) {
    let m = f.man_bits();
    let frac = mag & ((1 << m) - 1);
    let biased = (mag >> m) as i32;
    (frac, biased - f.bias())
}

/// The guarded L-Mul of two normal operands as a real number, from its definition:
/// 1 + x_m + y_m + 2^−l with the integer part of x_m + y_m + 2^−l carried into the exponent.
fn lmul_value(f: &FloatFormat, lm: &LMul, a: u64, b: u64) -> Dyadic {
    let m = f.man_bits();
    let (sa, ma) = f.split(lm.truncate(a));
    let (sb, mb) = f.split(lm.truncate(b));
    let (fa, ea) = normal_parts(f, ma);
    let (fb, eb) = normal_parts(f, mb);
    let l = lm.offset_exponent();
    // In units of 2^-M: one = 2^M, offset = 2^(M − l).
    let one = 1u128 << m;
    // F = x_m + y_m + 2^-l in units of 2^-M; its integer part carries into the exponent
    // (twice when F ≥ 2, possible when l < M), the rest is the fraction.
    let f_sum = u128::from(fa) + u128::from(fb) + (1u128 << (m - l));
    let carry = (f_sum / one) as i32;
    let s = one + f_sum % one;
    let e = ea + eb - m as i32 + carry;
    Dyadic {
        neg: sa != sb,
        m: s,
        e,
    }
}

fn dyadic_of(f: &FloatFormat, code: u64) -> Option<Dyadic> {
    match f.decode(code) {
        Exact::Finite(x) => Some(Dyadic {
            neg: x.negative,
            m: x.sig,
            e: x.exp,
        }),
        Exact::Zero { negative } => Some(Dyadic {
            neg: negative,
            m: 0,
            e: 0,
        }),
        _ => None,
    }
}

fn same_value(x: Dyadic, y: Dyadic) -> bool {
    if x.m == 0 || y.m == 0 {
        return x.m == y.m;
    }
    let norm = |d: Dyadic| {
        let tz = d.m.trailing_zeros();
        (d.neg, d.m >> tz, d.e + tz as i32)
    };
    norm(x) == norm(y)
}

/// Every operand pair of every 8-bit format, in each overflow policy and two k: the guarded
/// result against its value-level definition, the special cases from IEEE rules.
#[test]
fn guarded_8_bit_exhaustive_against_value_model() {
    let formats = [
        FloatFormat::E4M3,
        FloatFormat::E4M3FN,
        FloatFormat::E5M2,
        FloatFormat::E4M3FNUZ,
        FloatFormat::E5M2FNUZ,
        FloatFormat::E3M4,
        "e2m5".parse().unwrap(),
    ];
    let mut checked = 0u64;
    for f in formats {
        let max = dyadic_of(&f, f.max_mag()).unwrap();
        for overflow in [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate] {
            for k in [f.man_bits(), 1] {
                let lm = LMul::guarded(f, overflow).with_k(k);
                let round = |x: Exact| {
                    f.round(
                        x,
                        Round::new(Rounding::TiesToEven, overflow),
                        &mut SplitMix64::new(0),
                    )
                    .value
                };
                for a in 0..=255u64 {
                    for b in 0..=255u64 {
                        let got = lm.mul_with(a, b);
                        let (ca, cb) = (f.classify(a), f.classify(b));
                        let neg = f.split(a).0 != f.split(b).0;
                        let zeroish = |c: Class| matches!(c, Class::Zero | Class::Subnormal);
                        let want = if ca == Class::Nan || cb == Class::Nan {
                            round(Exact::Nan { negative: false })
                        } else if ca == Class::Infinite || cb == Class::Infinite {
                            if zeroish(ca) || zeroish(cb) {
                                assert!(got.status.contains(Status::INVALID));
                                round(Exact::Nan { negative: false })
                            } else {
                                round(Exact::Inf { negative: neg })
                            }
                        } else if zeroish(ca) || zeroish(cb) {
                            round(Exact::Zero { negative: neg })
                        } else {
                            let v = lmul_value(&f, &lm, a, b);
                            let min_normal = Dyadic {
                                neg: false,
                                m: 1,
                                e: f.emin(),
                            };
                            let abs = |d: Dyadic| (d.m as f64) * 2f64.powi(d.e);
                            if abs(v) < abs(min_normal) {
                                assert!(got.status.contains(Status::UNDERFLOW));
                                round(Exact::Zero { negative: neg })
                            } else if abs(v) > abs(max) {
                                assert!(got.status.contains(Status::OVERFLOW));
                                // Overflow: the policy's answer for a value beyond max.
                                round(Exact::from_parts(neg, max.m * 4, max.e))
                            } else {
                                let r = dyadic_of(&f, got.value).expect("finite");
                                assert!(
                                    same_value(r, v),
                                    "{f} k={k}: {a:#04x} × {b:#04x} = {:#04x}, want {v:?}",
                                    got.value
                                );
                                assert!(got.status.is_ok());
                                got.value
                            }
                        };
                        assert_eq!(got.value, want, "{f} {overflow} k={k}: {a:#04x} × {b:#04x}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 7 * 3 * 2 * 65_536);
}

#[test]
fn eq1_agrees_with_the_bit_form_without_carry_and_differs_with_it() {
    let f = FloatFormat::BF16;
    let lm = LMul::paper(f);
    let fp64 = |x: Exact| {
        f64::from_bits(
            FloatFormat::FP64
                .round(x, Round::NEAREST_EVEN, &mut SplitMix64::new(0))
                .value,
        )
    };
    let bf = |x: f32| u64::from(half::bf16::from_f32(x).to_bits());
    let mut rng = SplitMix64::new(4);
    let (mut carries, mut plain, mut doubles) = (0, 0, 0);
    for _ in 0..50_000 {
        // Operands in [1, 2): exponent 0, random 7-bit fractions.
        let a = 0x3F80 | (rng.next_u64() & 0x7F);
        let b = 0x3F80 | (rng.next_u64() & 0x7F);
        let (xa, xb) = (f.to_f64(a) - 1.0, f.to_f64(b) - 1.0);
        let c = 2f64.powi(-(offset_exponent(7) as i32));
        let eq1 = fp64(lm.eq1(a, b));
        assert_eq!(eq1, 1.0 + xa + xb + c);
        let bit = f.to_f64(lm.mul(a, b));
        if xa + xb + c < 1.0 {
            assert_eq!(bit, eq1);
            plain += 1;
        } else if xa + xb + c < 2.0 {
            // The carry: 2·(x_m + y_m + 2^-l) instead of 1 + x_m + y_m + 2^-l.
            assert_eq!(bit, 2.0 * (xa + xb + c));
            carries += 1;
        } else {
            // A double carry (l < M lets the fraction sum reach 2): 4·(x_m + y_m + 2^-l − 1).
            assert_eq!(bit, 4.0 * (xa + xb + c - 1.0));
            doubles += 1;
        }
    }
    assert!(carries > 10_000 && plain > 10_000 && doubles > 20);
    // Specials of Eq. 1 follow the guarded rules.
    assert_eq!(lm.eq1(0, bf(3.0)), Exact::Zero { negative: false });
    assert_eq!(lm.eq1(0x7F80, 0), Exact::Nan { negative: false });
}

/// The codes of `fmt` with value 1.
fn one(f: &FloatFormat) -> u64 {
    f.from_f64_with(1.0, Round::NEAREST_EVEN, &mut SplitMix64::new(0))
        .value
}

/// `lmul::dot` is `FloatFormat::dot` over the L-Mul products times one: the same
/// accumulation steps through the core's exact path, in every mode (stochastic included,
/// with the same random stream).
#[test]
fn dot_is_the_core_dot_of_the_products() {
    let inputs = [FloatFormat::E4M3FN, FloatFormat::E5M2, FloatFormat::BF16];
    let accs = [
        FloatFormat::FP32,
        FloatFormat::BF16,
        FloatFormat::E4M3FN,
        FloatFormat::FP16,
    ];
    let mut rng = SplitMix64::new(5);
    for fin in inputs {
        for facc in accs {
            for rounding in [
                Rounding::TiesToEven,
                Rounding::TowardZero,
                Rounding::TowardNegative,
                Rounding::SR,
            ] {
                for round_products in [false, true] {
                    for mode in [Mode::PaperExact, Mode::Guarded] {
                        let lm = LMul::new(fin, mode, Overflow::SatFinite);
                        let acc = Accumulator {
                            format: facc,
                            round: Round::new(rounding, Overflow::Ieee),
                            round_products,
                        };
                        for len in [0usize, 1, 7, 64] {
                            let a: Vec<u16> = (0..len)
                                .map(|_| (rng.next_u64() & fin.code_mask()) as u16)
                                .collect();
                            let b: Vec<u16> = (0..len)
                                .map(|_| (rng.next_u64() & fin.code_mask()) as u16)
                                .collect();
                            let prods: Vec<u16> = a
                                .iter()
                                .zip(&b)
                                .map(|(&x, &y)| lm.mul(u64::from(x), u64::from(y)) as u16)
                                .collect();
                            let ones = vec![one(&fin) as u16; len];
                            let seed = rng.next_u64();
                            let got =
                                lmul::dot(&lm, &a, &b, &acc, &mut SplitMix64::new(seed)).unwrap();
                            let want = fin
                                .dot(&prods, &ones, &acc, &mut SplitMix64::new(seed))
                                .unwrap();
                            let nan = facc.is_nan(got.value) && facc.is_nan(want.value);
                            assert!(
                                nan || got.value == want.value,
                                "{fin} → {facc} {rounding} {mode}: {:#x} vs {:#x}",
                                got.value,
                                want.value
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn matmul_is_dot_of_rows_and_columns() {
    let f = FloatFormat::E4M3FN;
    let lm = LMul::guarded(f, Overflow::SatFinite).with_k(2);
    let mut rng = SplitMix64::new(6);
    for (m, k, n) in [
        (3, 5, 4),
        (1, 1, 1),
        (4, 0, 2),
        (0, 3, 3),
        (2, 3, 0),
        (8, 16, 8),
    ] {
        let a: Vec<u8> = (0..m * k).map(|_| rng.next_u64() as u8 & 0x77).collect();
        let b: Vec<u8> = (0..k * n).map(|_| rng.next_u64() as u8 & 0xF7).collect();
        for acc in [lmul::DEFAULT_ACCUMULATOR, lmul::PAPER_FP8_ACCUMULATOR] {
            let mut out = vec![0u32; m * n];
            let status = lmul::matmul(
                &lm,
                &a,
                &b,
                &mut out,
                m,
                k,
                n,
                &acc,
                &mut SplitMix64::new(0),
            )
            .unwrap();
            let mut all = Status::OK;
            for i in 0..m {
                for j in 0..n {
                    let col: Vec<u8> = (0..k).map(|p| b[p * n + j]).collect();
                    let r = lmul::dot(
                        &lm,
                        &a[i * k..(i + 1) * k],
                        &col,
                        &acc,
                        &mut SplitMix64::new(0),
                    )
                    .unwrap();
                    all |= r.status;
                    assert_eq!(u64::from(out[i * n + j]), r.value, "({i}, {j})");
                }
            }
            assert_eq!(status, all);
        }
    }
}

#[test]
fn shape_errors_are_typed_and_write_nothing() {
    let lm = LMul::paper(FloatFormat::BF16);
    let acc = lmul::DEFAULT_ACCUMULATOR;
    let rng = &mut SplitMix64::new(0);
    let a = [0x3F80u16; 6];
    let b = [0x3F80u16; 6];
    let mut out = [7u32; 4];
    assert_eq!(
        lmul::dot(&lm, &a, &b[..5], &acc, rng),
        Err(LmulError::LengthMismatch { a: 6, b: 5 })
    );
    let err = |m, k, n, out: &mut [u32]| {
        lmul::matmul(&lm, &a, &b, out, m, k, n, &acc, &mut SplitMix64::new(0))
    };
    assert_eq!(
        err(2, 2, 2, &mut out),
        Err(LmulError::Shape {
            operand: Operand::A,
            expected: 4,
            got: 6
        })
    );
    assert_eq!(
        err(3, 2, 2, &mut out),
        Err(LmulError::Shape {
            operand: Operand::B,
            expected: 4,
            got: 6
        })
    );
    assert_eq!(
        err(3, 2, 3, &mut out),
        Err(LmulError::Shape {
            operand: Operand::Out,
            expected: 9,
            got: 4
        })
    );
    assert_eq!(
        err(usize::MAX, 2, 3, &mut out),
        Err(LmulError::DimensionOverflow)
    );
    assert_eq!(out, [7; 4]);
    let mut narrow = [0u16; 4];
    assert_eq!(
        lmul::matmul(&lm, &a, &b, &mut narrow, 2, 3, 2, &acc, rng),
        Err(LmulError::CodeTooNarrow {
            format_bits: 32,
            code_bits: 16
        })
    );
    assert_eq!(narrow, [0; 4]);
    // The right shapes: 2 × 3 times 3 × 2.
    assert!(lmul::matmul(&lm, &a, &b, &mut out, 2, 3, 2, &acc, rng).is_ok());
    assert_eq!(f32::from_bits(out[0]), 3.0 * 1.0625);
}

#[test]
fn paper_accumulator_is_fp8_e4m3() {
    assert_eq!(lmul::PAPER_FP8_ACCUMULATOR.format, FloatFormat::E4M3FN);
    assert_eq!(lmul::DEFAULT_ACCUMULATOR.format, FloatFormat::FP32);
    assert_eq!(lmul::DEFAULT_ACCUMULATOR.round, Round::default());
}

// ---------------------------------------------------------------------------------------
// Properties of the guarded mode.
// ---------------------------------------------------------------------------------------

fn formats() -> impl Strategy<Value = FloatFormat> {
    prop::sample::select(vec![
        FloatFormat::FP32,
        FloatFormat::BF16,
        FloatFormat::FP16,
        FloatFormat::E4M3,
        FloatFormat::E4M3FN,
        FloatFormat::E5M2,
        FloatFormat::E4M3FNUZ,
        FloatFormat::TF32,
        "e6m9".parse().unwrap(),
        "e3m2:finite".parse().unwrap(),
    ])
}

fn policies() -> impl Strategy<Value = Overflow> {
    prop::sample::select(vec![
        Overflow::Ieee,
        Overflow::SatFinite,
        Overflow::SatPropagate,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn guarded_is_commutative_and_sign_symmetric(
        f in formats(), ov in policies(), k in 0u32..24, a: u64, b: u64,
    ) {
        let lm = LMul::guarded(f, ov).with_k(k);
        let (a, b) = (a & f.code_mask(), b & f.code_mask());
        let r = lm.mul_with(a, b);
        prop_assert_eq!(r, lm.mul_with(b, a));
        // Negating an operand negates the result (NaN stays NaN; formats without −0
        // have one zero).
        if f.has_neg_zero() && !f.is_nan(a) && !f.is_nan(b) {
            let n = lm.mul_with(a ^ f.sign_bit(), b);
            if f.is_nan(r.value) {
                prop_assert!(f.is_nan(n.value));
            } else {
                prop_assert_eq!(n.value, r.value ^ f.sign_bit());
                prop_assert_eq!(n.status, r.status);
            }
        }
        // The paper's form is commutative too.
        let p = LMul::paper(f).with_k(k);
        prop_assert_eq!(p.mul(a, b), p.mul(b, a));
    }

    #[test]
    fn guarded_gives_no_nan_from_finite_inputs(
        f in formats(), ov in policies(), k in 0u32..24, a: u64, b: u64,
    ) {
        let lm = LMul::guarded(f, ov).with_k(k);
        let (a, b) = (a & f.code_mask(), b & f.code_mask());
        let finite = |c| !matches!(f.classify(c), Class::Nan | Class::Infinite);
        // The only NaN a finite product may give is the IEEE overflow of a format
        // without infinity (E4M3FN, FNUZ), as the core's multiplication does.
        let overflow_nan = ov == Overflow::Ieee && !f.has_inf();
        if finite(a) && finite(b) && !overflow_nan {
            let r = lm.mul_with(a, b);
            prop_assert!(!f.is_nan(r.value), "{} {:#x} × {:#x} = NaN", f, a, b);
            prop_assert!(!r.status.contains(Status::INVALID));
        }
    }

    /// For normal operands and a normal result, L/T − 1 ∈ [(8/9)/(1 + 2^−k)² − 1,
    /// 2c/(2 − c)] with c = 2^−l, T the exact product of the untruncated operands:
    /// without a carry L/T_k − 1 = (c − x·y)/T_k ∈ (−1/9, c]; with one it is
    /// (2c − (1−x)(1−y))/T_k ∈ [−1/9, 2c/(2 − c)]; truncation scales T by at most
    /// (1 + 2^−k)² per product.
    #[test]
    fn guarded_error_within_analytic_bound(
        f in prop::sample::select(vec![FloatFormat::FP32, FloatFormat::BF16, FloatFormat::FP16]),
        k in 0u32..24, a: u64, b: u64,
    ) {
        let lm = LMul::guarded(f, Overflow::Ieee).with_k(k);
        let (a, b) = (a & f.code_mask(), b & f.code_mask());
        let normal = |c| f.classify(c) == Class::Normal;
        let r = lm.mul_with(a, b);
        if normal(a) && normal(b) && normal(r.value) {
            let exact = f.to_f64(a) * f.to_f64(b); // ≤ 48 significant bits: exact in f64
            let ratio = f.to_f64(r.value) / exact;
            let c = 2f64.powi(-(lm.offset_exponent() as i32));
            let kk = 2f64.powi(-(lm.k() as i32));
            let lo = (8.0 / 9.0) / ((1.0 + kk) * (1.0 + kk));
            let hi = 1.0 + 2.0 * c / (2.0 - c);
            prop_assert!(ratio > 0.0);
            prop_assert!(ratio >= lo * (1.0 - 1e-12) && ratio <= hi * (1.0 + 1e-12),
                "{} k={} {:#x} × {:#x}: ratio {}", f, lm.k(), a, b, ratio);
            if lm.k() == f.man_bits() {
                prop_assert!(ratio >= 8.0 / 9.0 * (1.0 - 1e-12));
            }
        }
    }
}

#[test]
fn guarded_edges() {
    let f = FloatFormat::FP32;
    let c = |x: f32| u64::from(x.to_bits());
    let v = |r: u64| f32::from_bits(r as u32);
    for ov in [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate] {
        let lm = LMul::guarded(f, ov);
        // Zeros and subnormals give signed zeros.
        assert_eq!(lm.mul(c(-0.0), c(3.0)), c(-0.0));
        assert_eq!(lm.mul(c(1e-40), c(-3.0)), c(-0.0));
        // Underflow gives zero with the underflow flag.
        let r = lm.mul_with(c(1e-20), c(1e-20));
        assert_eq!(r.value, 0);
        assert!(r.status.contains(Status::UNDERFLOW | Status::INEXACT));
        // Overflow follows the policy.
        let r = lm.mul_with(c(1e30), c(-1e30));
        let want = match ov {
            Overflow::Ieee => f32::NEG_INFINITY,
            _ => -f32::MAX,
        };
        assert_eq!(v(r.value), want);
        assert!(r.status.contains(Status::OVERFLOW));
        // Infinities propagate (SatFinite maps them to max, as every lowprec rounding).
        let r = lm.mul_with(c(f32::INFINITY), c(-2.0));
        let want = match ov {
            Overflow::SatFinite => -f32::MAX,
            _ => f32::NEG_INFINITY,
        };
        assert_eq!(v(r.value), want);
        // ∞ × 0 is invalid; NaN propagates.
        let r = lm.mul_with(c(f32::INFINITY), 0);
        assert!(v(r.value).is_nan() && r.status.contains(Status::INVALID));
        assert!(v(lm.mul(c(f32::NAN), c(1.0))).is_nan());
    }
    // E4M3FN has no infinity: IEEE overflow is NaN, as the core's multiplication gives.
    let e = FloatFormat::E4M3FN;
    let lm = LMul::guarded(e, Overflow::Ieee);
    assert_eq!(lm.mul(0x7E, 0x48), 0x7F);
    assert_eq!(lm.mul(0xFE, 0x48), 0xFF);
    assert_eq!(LMul::guarded(e, Overflow::SatFinite).mul(0xFE, 0x48), 0xFE);
    // The paper's form wraps instead: 448 × 4 = 0x7E + 0x48 − 0x37 = 0x8F → 0x0F.
    assert_eq!(LMul::paper(e).mul(0x7E, 0x48), 0x0F);
}

#[test]
fn mode_names_round_trip() {
    for m in [Mode::PaperExact, Mode::Guarded] {
        assert_eq!(m.name().parse::<Mode>(), Ok(m));
    }
    assert_eq!("x".parse::<Mode>(), Err(LmulError::UnknownMode));
}
