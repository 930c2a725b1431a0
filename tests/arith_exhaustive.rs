//! Every operand pair of every ≤ 8-bit preset through add, sub, mul and div (and every
//! operand through sqrt), in every deterministic rounding mode and overflow policy,
//! against the MPFR oracle of `tests/oracle`: the exact result is computed with rational
//! arithmetic (the IEEE 754 special cases written out here from the standard) and
//! rounded by the oracle. Codes and status flags must match.

mod oracle;

use lowprec::float::Specials;
use lowprec::{FloatFormat, Overflow, Rounding, Status, StatusAnd};
use oracle::{Expect, In, NoDraw, Spec, Tally, Val, Want, q_to_float};
use rug::float::Round;
use rug::{Float, Rational};

#[derive(Clone, Copy, Debug)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// The exact result of `x op y` before rounding, or the flag of a special outcome.
enum Exact {
    Value(In),
    Invalid,
    DivByZero { neg: bool },
}

fn neg_val(v: &Val) -> Val {
    match v {
        Val::Nan { neg } => Val::Nan { neg: !neg },
        Val::Inf { neg } => Val::Inf { neg: !neg },
        Val::Zero { neg } => Val::Zero { neg: !neg },
        Val::Num(q) => Val::Num(Rational::from(-q)),
    }
}

fn is_neg(v: &Val) -> bool {
    match v {
        Val::Nan { neg } | Val::Inf { neg } | Val::Zero { neg } => *neg,
        Val::Num(q) => *q < 0,
    }
}

/// IEEE 754 §6 and §7 special cases, then exact rational arithmetic.
fn exact(op: Op, x: &Val, y: &Val, mode: Rounding) -> Exact {
    let num = |q: Rational, zero_neg: bool| {
        if q == 0 {
            Exact::Value(In::Zero { neg: zero_neg })
        } else {
            Exact::Value(In::Num(near(Float::with_val_round(300, &q, Round::Down))))
        }
    };
    if matches!(x, Val::Nan { .. }) || matches!(y, Val::Nan { .. }) {
        return Exact::Value(In::Nan { neg: false });
    }
    let sign = is_neg(x) != is_neg(y);
    match op {
        Op::Sub => exact(Op::Add, x, &neg_val(y), mode),
        Op::Add => match (x, y) {
            (Val::Inf { neg: a }, Val::Inf { neg: b }) if a != b => Exact::Invalid,
            (Val::Inf { neg }, _) | (_, Val::Inf { neg }) => Exact::Value(In::Inf { neg: *neg }),
            (Val::Zero { neg: a }, Val::Zero { neg: b }) => Exact::Value(In::Zero {
                neg: if a == b {
                    *a
                } else {
                    mode == Rounding::TowardNegative
                },
            }),
            (Val::Zero { .. }, Val::Num(q)) | (Val::Num(q), Val::Zero { .. }) => {
                Exact::Value(In::Num(q_to_float(q)))
            }
            (Val::Num(a), Val::Num(b)) => {
                num(Rational::from(a + b), mode == Rounding::TowardNegative)
            }
            _ => unreachable!(),
        },
        Op::Mul => match (x, y) {
            (Val::Inf { .. }, Val::Zero { .. }) | (Val::Zero { .. }, Val::Inf { .. }) => {
                Exact::Invalid
            }
            (Val::Inf { .. }, _) | (_, Val::Inf { .. }) => Exact::Value(In::Inf { neg: sign }),
            (Val::Zero { .. }, _) | (_, Val::Zero { .. }) => Exact::Value(In::Zero { neg: sign }),
            (Val::Num(a), Val::Num(b)) => num(Rational::from(a * b), sign),
            _ => unreachable!(),
        },
        Op::Div => match (x, y) {
            (Val::Inf { .. }, Val::Inf { .. }) | (Val::Zero { .. }, Val::Zero { .. }) => {
                Exact::Invalid
            }
            (Val::Inf { .. }, _) => Exact::Value(In::Inf { neg: sign }),
            (_, Val::Inf { .. }) | (Val::Zero { .. }, _) => Exact::Value(In::Zero { neg: sign }),
            (Val::Num(_), Val::Zero { .. }) => Exact::DivByZero { neg: sign },
            (Val::Num(a), Val::Num(b)) => num(Rational::from(a / b), sign),
            _ => unreachable!(),
        },
    }
}

/// A value that rounds like the exact one: a 300-bit rounding toward −∞ of it, exact or
/// nudged up by one 600-bit unit (toward the exact value) when it lost something. A
/// quotient or root that is not a short binary fraction lies strictly between two
/// 300-bit values and can never be a midpoint of a ≤ 53-bit grid, so it rounds like any
/// point between them.
fn near((mut f, dir): (Float, std::cmp::Ordering)) -> Float {
    if dir != std::cmp::Ordering::Equal {
        f.set_prec(600);
        f.next_up();
    }
    f
}

/// IEEE 754 §6.2.1: in binary interchange formats a NaN is signaling when the first
/// fraction bit is 0.
fn signaling(f: &FloatFormat, spec: &Spec, code: u64) -> bool {
    f.specials() == Specials::Ieee
        && f.man_bits() > 0
        && spec.is_nan_code(code)
        && code & (1 << (f.man_bits() - 1)) == 0
}

fn expectations(spec: &Spec, e: &Exact, extra: Status) -> Vec<(Rounding, Overflow, Expect)> {
    let with = |x: &In, add: Status, replace: Option<Status>| {
        spec.expect_all(x)
            .into_iter()
            .map(|(m, p, mut ex)| {
                ex.flags = match replace {
                    Some(r) => Some(r | extra),
                    None => ex.flags.map(|f| f | add | extra),
                };
                (m, p, ex)
            })
            .collect()
    };
    match e {
        Exact::Value(x) => with(x, Status::OK, None),
        // NaN and invalid (a format without NaN delivers +0, still invalid).
        Exact::Invalid => with(&In::Nan { neg: false }, Status::INVALID, None)
            .into_iter()
            .map(|(m, p, mut ex)| {
                if let Want::Nan { .. } = ex.want {
                    ex.want = Want::Nan { neg: false };
                }
                ex.flags = ex.flags.or(Some(Status::INVALID | extra));
                (m, p, ex)
            })
            .collect(),
        // The exact result is ±∞: only division by zero is signalled.
        Exact::DivByZero { neg } => with(
            &In::Inf { neg: *neg },
            Status::OK,
            Some(Status::DIV_BY_ZERO),
        ),
    }
}

fn check_format(fmt: FloatFormat) -> Tally {
    let spec = Spec::new(fmt);
    let n = 1u64 << fmt.width();
    let vals: Vec<Val> = (0..n).map(|c| spec.decode(c)).collect();
    let mut tally = Tally::default();
    for a in 0..n {
        for b in 0..n {
            let extra = if signaling(&fmt, &spec, a) || signaling(&fmt, &spec, b) {
                Status::INVALID
            } else {
                Status::OK
            };
            for op in [Op::Add, Op::Sub, Op::Mul, Op::Div] {
                // Only add/sub depend on the mode before rounding (the sign of an exact 0).
                let e_rne = exact(
                    op,
                    &vals[a as usize],
                    &vals[b as usize],
                    Rounding::TiesToEven,
                );
                let ex_rne = expectations(&spec, &e_rne, extra);
                // Only the sign of an exact zero sum depends on the mode (−0 toward −∞).
                let ex_rdn = match e_rne {
                    Exact::Value(In::Zero { .. }) if matches!(op, Op::Add | Op::Sub) => {
                        let e = exact(
                            op,
                            &vals[a as usize],
                            &vals[b as usize],
                            Rounding::TowardNegative,
                        );
                        expectations(&spec, &e, extra)
                    }
                    _ => ex_rne.clone(),
                };
                for (i, (mode, policy, _)) in ex_rne.iter().enumerate() {
                    let want = if *mode == Rounding::TowardNegative {
                        &ex_rdn[i].2
                    } else {
                        &ex_rne[i].2
                    };
                    let got: StatusAnd<u64> = match op {
                        Op::Add => fmt.add(a, b, *mode, *policy, &mut NoDraw),
                        Op::Sub => fmt.sub(a, b, *mode, *policy, &mut NoDraw),
                        Op::Mul => fmt.mul(a, b, *mode, *policy, &mut NoDraw),
                        Op::Div => fmt.div(a, b, *mode, *policy, &mut NoDraw),
                    };
                    tally.record(spec.check(got, want), || {
                        format!("{fmt} {op:?}({a:#x}, {b:#x}) {mode} {policy}")
                    });
                }
            }
        }
        // sqrt of every operand: MPFR's square root at 300 bits with a sticky bit is
        // the exact root for rounding purposes (an irrational root is never a midpoint).
        let x = &vals[a as usize];
        let extra = if signaling(&fmt, &spec, a) {
            Status::INVALID
        } else {
            Status::OK
        };
        let e = match x {
            Val::Nan { .. } => Exact::Value(In::Nan { neg: false }),
            Val::Zero { neg } => Exact::Value(In::Zero { neg: *neg }),
            Val::Inf { neg: false } => Exact::Value(In::Inf { neg: false }),
            Val::Inf { neg: true } => Exact::Invalid,
            Val::Num(q) if *q < 0 => Exact::Invalid,
            Val::Num(q) => Exact::Value(In::Num(near(Float::with_val_round(
                300,
                q_to_float(q).sqrt_ref(),
                Round::Down,
            )))),
        };
        for (mode, policy, want) in expectations(&spec, &e, extra) {
            let got = fmt.sqrt(a, mode, policy, &mut NoDraw);
            tally.record(spec.check(got, &want), || {
                format!("{fmt} sqrt({a:#x}) {mode} {policy}")
            });
        }
    }
    tally
}

#[test]
fn all_operand_pairs_of_small_formats() {
    let small: Vec<FloatFormat> = FloatFormat::PRESETS
        .iter()
        .map(|&(_, f)| f)
        .chain(
            ["binary8p3se", "binary8p1ue", "e3m2:nosub", "binary6p3sf"].map(|s| s.parse().unwrap()),
        )
        .filter(|f| f.width() <= 8)
        .collect();
    // Two threads, formats interleaved.
    let total = std::thread::scope(|s| {
        let halves: Vec<_> = (0..2)
            .map(|k| {
                let mine: Vec<FloatFormat> = small.iter().copied().skip(k).step_by(2).collect();
                s.spawn(move || {
                    let mut t = Tally::default();
                    for f in mine {
                        t.merge(check_format(f));
                    }
                    t
                })
            })
            .collect();
        let mut t = Tally::default();
        for h in halves {
            t.merge(h.join().unwrap());
        }
        t
    });
    assert!(total.checks > 50_000_000, "{}", total.checks);
    total.finish("exhaustive 8-bit arithmetic");
}
