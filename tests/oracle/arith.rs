//! IEEE 754 arithmetic for the oracle: the exact result of +, −, ×, ÷, √ and fma on
//! decoded operands (the special cases of IEEE 754 §6 and §7 written out from the
//! standard, exact rational arithmetic otherwise), the expected code and flags in every
//! deterministic mode and overflow policy, and the check of lowprec's results against
//! them.

use std::cmp::Ordering;

use lowprec::float::Specials;
use lowprec::{FloatFormat, Overflow, Rounding, Status, StatusAnd};
use rug::float::Round;
use rug::{Float, Rational};

use super::{Expect, In, NoDraw, Spec, Tally, Val, Want, q_to_float};

/// An operation of the float core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Sqrt,
    Fma,
}

impl Op {
    pub const ALL: [Op; 6] = [Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Sqrt, Op::Fma];

    /// How many operands the operation reads.
    pub fn arity(self) -> usize {
        match self {
            Op::Sqrt => 1,
            Op::Fma => 3,
            _ => 2,
        }
    }
}

/// The exact result of an operation before rounding, or the flag of a special outcome.
#[derive(Debug)]
pub enum Exact {
    Value(In),
    Invalid,
    DivByZero { neg: bool },
}

pub fn is_neg(v: &Val) -> bool {
    match v {
        Val::Nan { neg } | Val::Inf { neg } | Val::Zero { neg } => *neg,
        Val::Num(q) => *q < 0,
    }
}

pub fn neg_val(v: &Val) -> Val {
    match v {
        Val::Nan { neg } => Val::Nan { neg: !neg },
        Val::Inf { neg } => Val::Inf { neg: !neg },
        Val::Zero { neg } => Val::Zero { neg: !neg },
        Val::Num(q) => Val::Num(Rational::from(-q)),
    }
}

/// A value that rounds like the exact one: a 300-bit truncation toward zero, nudged away
/// from zero by one 600-bit unit when the truncation lost something. A quotient or root
/// that is not a short binary fraction lies strictly between two 300-bit values and can
/// never be a midpoint of a ≤ 53-bit grid, so it rounds like any point between them.
pub fn near((mut f, dir): (Float, Ordering)) -> Float {
    if dir != Ordering::Equal {
        f.set_prec(600);
        if f.is_sign_negative() {
            f.next_down();
        } else {
            f.next_up();
        }
    }
    f
}

fn num(q: Rational, zero_neg: bool) -> Exact {
    if q == 0 {
        Exact::Value(In::Zero { neg: zero_neg })
    } else {
        Exact::Value(In::Num(near(Float::with_val_round(300, &q, Round::Zero))))
    }
}

/// x + y; `rdn` says whether the mode rounds toward −∞ (an exact zero sum is −0 then).
fn exact_add(x: &Val, y: &Val, rdn: bool) -> Exact {
    match (x, y) {
        (Val::Nan { .. }, _) | (_, Val::Nan { .. }) => Exact::Value(In::Nan { neg: false }),
        (Val::Inf { neg: a }, Val::Inf { neg: b }) if a != b => Exact::Invalid,
        (Val::Inf { neg }, _) | (_, Val::Inf { neg }) => Exact::Value(In::Inf { neg: *neg }),
        (Val::Zero { neg: a }, Val::Zero { neg: b }) => Exact::Value(In::Zero {
            neg: if a == b { *a } else { rdn },
        }),
        (Val::Zero { .. }, Val::Num(q)) | (Val::Num(q), Val::Zero { .. }) => {
            Exact::Value(In::Num(q_to_float(q)))
        }
        (Val::Num(a), Val::Num(b)) => num(Rational::from(a + b), rdn),
    }
}

/// x · y as a value, or `Err` for the invalid 0 · ∞.
fn product(x: &Val, y: &Val) -> Result<Val, ()> {
    let neg = is_neg(x) != is_neg(y);
    Ok(match (x, y) {
        (Val::Nan { .. }, _) | (_, Val::Nan { .. }) => Val::Nan { neg: false },
        (Val::Inf { .. }, Val::Zero { .. }) | (Val::Zero { .. }, Val::Inf { .. }) => {
            return Err(());
        }
        (Val::Inf { .. }, _) | (_, Val::Inf { .. }) => Val::Inf { neg },
        (Val::Zero { .. }, _) | (_, Val::Zero { .. }) => Val::Zero { neg },
        (Val::Num(a), Val::Num(b)) => Val::Num(Rational::from(a * b)),
    })
}

/// The exact result of `op` on `x` (and `y`, `z` as the operation reads them); `rdn`
/// says whether the mode rounds toward −∞, which decides the sign of an exact zero sum.
pub fn exact(op: Op, x: &Val, y: &Val, z: &Val, rdn: bool) -> Exact {
    match op {
        Op::Add => exact_add(x, y, rdn),
        Op::Sub => exact_add(x, &neg_val(y), rdn),
        Op::Mul => match product(x, y) {
            Err(()) => Exact::Invalid,
            Ok(Val::Num(q)) => num(q, false),
            Ok(Val::Nan { .. }) => Exact::Value(In::Nan { neg: false }),
            Ok(Val::Inf { neg }) => Exact::Value(In::Inf { neg }),
            Ok(Val::Zero { neg }) => Exact::Value(In::Zero { neg }),
        },
        Op::Div => {
            let neg = is_neg(x) != is_neg(y);
            match (x, y) {
                (Val::Nan { .. }, _) | (_, Val::Nan { .. }) => Exact::Value(In::Nan { neg: false }),
                (Val::Inf { .. }, Val::Inf { .. }) | (Val::Zero { .. }, Val::Zero { .. }) => {
                    Exact::Invalid
                }
                (Val::Inf { .. }, _) => Exact::Value(In::Inf { neg }),
                (_, Val::Inf { .. }) | (Val::Zero { .. }, _) => Exact::Value(In::Zero { neg }),
                (Val::Num(_), Val::Zero { .. }) => Exact::DivByZero { neg },
                (Val::Num(a), Val::Num(b)) => num(Rational::from(a / b), neg),
            }
        }
        // MPFR's square root at 300 bits with a sticky bit is the exact root for rounding
        // purposes (an irrational root is never a midpoint).
        Op::Sqrt => match x {
            Val::Nan { .. } => Exact::Value(In::Nan { neg: false }),
            Val::Zero { neg } => Exact::Value(In::Zero { neg: *neg }),
            Val::Inf { neg: false } => Exact::Value(In::Inf { neg: false }),
            Val::Inf { neg: true } => Exact::Invalid,
            Val::Num(q) if *q < 0 => Exact::Invalid,
            Val::Num(q) => Exact::Value(In::Num(near(Float::with_val_round(
                300,
                q_to_float(q).sqrt_ref(),
                Round::Zero,
            )))),
        },
        // 0 · ∞ + c is invalid, also for a quiet NaN c (IEEE 754 §7.2 leaves the flag to
        // the implementation then; the result is NaN either way, see `case`).
        Op::Fma => match product(x, y) {
            Err(()) => Exact::Invalid,
            Ok(p) => exact_add(&p, z, rdn),
        },
    }
}

/// IEEE 754 §6.2.1: in binary interchange formats a NaN is signaling when the first
/// fraction bit is 0.
pub fn signaling(s: &Spec, code: u64) -> bool {
    s.specials == Specials::Ieee && s.m > 0 && s.is_nan_code(code) && code & (1 << (s.m - 1)) == 0
}

/// The expected results in every mode and policy. `extra` is added to every flag set.
pub fn expectations(s: &Spec, e: &Exact, extra: Status) -> Vec<(Rounding, Overflow, Expect)> {
    let with = |x: &In, add: Status, replace: Option<Status>| {
        s.expect_all(x)
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

/// lowprec's result of `op` on the codes `c` (deterministic modes only).
pub fn run(
    f: &FloatFormat,
    op: Op,
    c: [u64; 3],
    mode: Rounding,
    policy: Overflow,
) -> StatusAnd<u64> {
    let r = &mut NoDraw;
    match op {
        Op::Add => f.add_with(c[0], c[1], lowprec::Round::new(mode, policy), r),
        Op::Sub => f.sub_with(c[0], c[1], lowprec::Round::new(mode, policy), r),
        Op::Mul => f.mul_with(c[0], c[1], lowprec::Round::new(mode, policy), r),
        Op::Div => f.div_with(c[0], c[1], lowprec::Round::new(mode, policy), r),
        Op::Sqrt => f.sqrt_with(c[0], lowprec::Round::new(mode, policy), r),
        Op::Fma => f.fma_with(c[0], c[1], c[2], lowprec::Round::new(mode, policy), r),
    }
}

/// One operation on given codes: its exact result (under ties-to-even) and what every
/// deterministic mode and policy must deliver.
pub struct Case {
    pub exact: Exact,
    pub expect: Vec<(Rounding, Overflow, Expect)>,
}

/// The exact result of `op` on the codes `c` (decoded: `vals`) and its expectations:
/// signaling operands add invalid, an exact zero sum is −0 toward −∞, and
/// fma(0, ∞, qNaN) may or may not signal invalid.
pub fn case(s: &Spec, op: Op, c: [u64; 3], vals: [&Val; 3]) -> Case {
    let extra = if c[..op.arity()].iter().any(|&code| signaling(s, code)) {
        Status::INVALID
    } else {
        Status::OK
    };
    let e = exact(op, vals[0], vals[1], vals[2], false);
    let mut expect = expectations(s, &e, extra);
    if matches!(e, Exact::Value(In::Zero { .. })) && matches!(op, Op::Add | Op::Sub | Op::Fma) {
        let rdn = expectations(s, &exact(op, vals[0], vals[1], vals[2], true), extra);
        for (want, r) in expect.iter_mut().zip(rdn) {
            if want.0 == Rounding::TowardNegative {
                *want = r;
            }
        }
    }
    if op == Op::Fma
        && matches!(e, Exact::Invalid)
        && matches!(vals[2], Val::Nan { .. })
        && !signaling(s, c[2])
    {
        for want in &mut expect {
            want.2.flags = None;
        }
    }
    Case { exact: e, expect }
}

/// Checks lowprec's `op` on the codes `c` (decoded: `vals`) in every deterministic mode
/// and policy; returns the case for callers that also look at what it reached.
pub fn check(s: &Spec, op: Op, c: [u64; 3], vals: [&Val; 3], t: &mut Tally) -> Case {
    let case = case(s, op, c, vals);
    for (mode, policy, want) in &case.expect {
        let got = run(&s.fmt, op, c, *mode, *policy);
        t.record(s.check(got, want), || {
            let operands = c[..op.arity()]
                .iter()
                .map(|x| format!("{x:#x}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{} {op:?}({operands}) = {:?} {mode} {policy}",
                s.name, case.exact
            )
        });
    }
    case
}
