//! Dot products and sums against MPFR: the sequential accumulation re-done step by step
//! with exact rational products and sums rounded by the MPFR oracle, and the exact
//! (Kulisch) variants against the exact rational sum rounded once.

mod oracle;

use lowprec::float::dot::Accumulator;
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};
use oracle::{In, NoDraw, Spec, Val, Want};
use rug::{Float, Rational};

/// A short binary fraction as an exact MPFR value (sums of products of binary64 values
/// span up to about 4,200 bits).
fn exact_in(q: &Rational) -> In {
    if *q == 0 {
        return In::Zero { neg: false };
    }
    let (f, dir) = Float::with_val_round(5000, q, rug::float::Round::Nearest);
    assert_eq!(dir, std::cmp::Ordering::Equal, "not exact in 5000 bits");
    In::Num(f)
}

/// Finite codes only, biased toward small exponents so sums cancel and carry.
fn finite_code(rng: &mut SplitMix64, spec: &Spec, fmt: &FloatFormat) -> u64 {
    loop {
        let c = rng.next_u64() & fmt.code_mask();
        if matches!(spec.decode(c), Val::Num(_) | Val::Zero { .. }) {
            return c;
        }
    }
}

fn rational(v: &Val) -> Rational {
    match v {
        Val::Num(q) => q.clone(),
        _ => Rational::new(),
    }
}

#[test]
fn sequential_dot_and_sum_match_step_by_step_mpfr() {
    let inputs = [FloatFormat::E4M3FN, FloatFormat::E5M2, FloatFormat::BF16];
    let accs = [
        FloatFormat::FP32,
        FloatFormat::BF16,
        FloatFormat::E4M3FN,
        FloatFormat::FP16,
    ];
    let modes = [
        Rounding::TiesToEven,
        Rounding::TowardZero,
        Rounding::TowardPositive,
    ];
    let mut rng = SplitMix64::new(7);
    let mut checked = 0;
    for fin in inputs {
        let sin = Spec::new(fin);
        for facc in accs {
            let sacc = Spec::new(facc);
            for mode in modes {
                for round_products in [false, true] {
                    let acc = Accumulator {
                        format: facc,
                        round: Round::new(mode, Overflow::SatFinite),
                        round_products,
                    };
                    for _ in 0..40 {
                        let n = (rng.next_u64() % 48) as usize;
                        let a: Vec<u16> = (0..n)
                            .map(|_| finite_code(&mut rng, &sin, &fin) as u16)
                            .collect();
                        let b: Vec<u16> = (0..n)
                            .map(|_| finite_code(&mut rng, &sin, &fin) as u16)
                            .collect();
                        // The oracle: s ← round(s + a·b), products exact or rounded first.
                        let mut s = 0u64; // +0 in every accumulator format here
                        for (&x, &y) in a.iter().zip(&b) {
                            let mut p =
                                rational(&sin.decode(x.into())) * rational(&sin.decode(y.into()));
                            if round_products {
                                let Want::Code(c) =
                                    sacc.expect(&exact_in(&p), mode, acc.round.overflow).want
                                else {
                                    panic!("finite product rounded to NaN")
                                };
                                p = rational(&sacc.decode(c));
                            }
                            let t = rational(&sacc.decode(s)) + p;
                            let x = if t == 0 {
                                In::Zero {
                                    neg: mode == Rounding::TowardNegative,
                                }
                            } else {
                                exact_in(&t)
                            };
                            let Want::Code(c) = sacc.expect(&x, mode, acc.round.overflow).want
                            else {
                                panic!("finite sum rounded to NaN")
                            };
                            s = c;
                        }
                        let got = fin.dot(&a, &b, &acc, &mut NoDraw).unwrap().value;
                        assert_eq!(
                            got, s,
                            "{fin} → {facc} {mode} products rounded: {round_products}; a={a:x?} b={b:x?}"
                        );
                        checked += 1;
                        if !round_products {
                            // sum(x) is dot(x, 1).
                            let sum = fin.sum(&a, &acc, &mut NoDraw).value;
                            let one = fin
                                .from_f64_with(1.0, Round::NEAREST_EVEN, &mut NoDraw)
                                .value as u16;
                            let via_dot =
                                fin.dot(&a, &vec![one; n], &acc, &mut NoDraw).unwrap().value;
                            assert_eq!(sum, via_dot);
                        }
                    }
                }
            }
        }
    }
    println!("sequential dot products checked: {checked}");
}

#[test]
fn exact_dot_and_sum_match_the_rational_sum() {
    let mut rng = SplitMix64::new(11);
    let cases = [
        (FloatFormat::E4M3FN, FloatFormat::FP32),
        (FloatFormat::E5M2, FloatFormat::BF16),
        (FloatFormat::BF16, FloatFormat::BF16),
        (FloatFormat::FP64, FloatFormat::FP64),
        (FloatFormat::FP16, FloatFormat::E4M3FN),
    ];
    for (fin, out) in cases {
        let (sin, sout) = (Spec::new(fin), Spec::new(out));
        for i in 0..3000 {
            let n = (rng.next_u64() % 40) as usize + 1;
            let mut a: Vec<u64> = (0..n).map(|_| finite_code(&mut rng, &sin, &fin)).collect();
            let mut b: Vec<u64> = (0..n).map(|_| finite_code(&mut rng, &sin, &fin)).collect();
            if i % 3 == 0 {
                // Products that cancel in pairs, a[k]·b[k] + a[k]·(−b[k]), around a residue.
                let half = n / 2;
                for k in 0..half {
                    a[half + k] = a[k];
                    b[half + k] = b[k] ^ fin.sign_bit();
                }
            }
            let exact: Rational = a
                .iter()
                .zip(&b)
                .map(|(&x, &y)| rational(&sin.decode(x)) * rational(&sin.decode(y)))
                .sum();
            for mode in [
                Rounding::TiesToEven,
                Rounding::TowardNegative,
                Rounding::TowardZero,
            ] {
                let got = fin
                    .dot_exact(&a, &b, &out, Round::new(mode, Overflow::Ieee), &mut NoDraw)
                    .unwrap();
                if exact == 0 {
                    // The sign of an exact zero is a convention (documented on dot_exact).
                    assert!(
                        matches!(sout.decode(got.value), Val::Zero { .. }),
                        "{fin}: {a:x?} {b:x?}"
                    );
                    continue;
                }
                let want = sout.expect(&exact_in(&exact), mode, Overflow::Ieee);
                if let Err(e) = sout.check(got, &want) {
                    panic!("{fin} → {out} {mode}: {e}; a={a:x?} b={b:x?}");
                }
            }
            // sum_exact of the same codes.
            let exact_sum: Rational = a.iter().map(|&x| rational(&sin.decode(x))).sum();
            if exact_sum != 0 {
                let want = sout.expect(&exact_in(&exact_sum), Rounding::TiesToEven, Overflow::Ieee);
                let got = fin.sum_exact(&a, &out, Round::NEAREST_EVEN, &mut NoDraw);
                assert!(sout.check(got, &want).is_ok(), "{fin} sum_exact {a:x?}");
            }
        }
    }
}
