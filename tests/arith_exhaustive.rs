//! Every operand pair of every ≤ 8-bit preset through add, sub, mul, div and compare
//! (and every operand through sqrt), and a million random operand triples per format through fma,
//! in every deterministic rounding mode and overflow policy, against the MPFR oracle of
//! `tests/oracle`: the exact result is computed with rational arithmetic (the IEEE 754
//! special cases written out from the standard, `oracle::arith`) and rounded by the
//! oracle. Codes and status flags must match.

mod oracle;

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use lowprec::{FloatFormat, Overflow, RandomBits, Rounding, SplitMix64};
use oracle::arith::{self, Exact, Op};
use oracle::{In, Spec, Tally, Val};
use rug::{Float, Rational};

/// Random fma triples per format.
const FMA_TRIPLES: usize = 1_000_000;

/// What the fma triples reached: exact ties (ties-away and ties-to-zero differ) and exact
/// zeros from nonzero finite operands.
static FMA_TIES: AtomicU64 = AtomicU64::new(0);
static FMA_ZEROS: AtomicU64 = AtomicU64::new(0);

/// The formats of at most 8 bits: the presets and one of each other kind (P3109 signed
/// and unsigned, no subnormals, a 6-bit P3109 format, signed without zero).
fn small_formats() -> Vec<FloatFormat> {
    FloatFormat::PRESETS
        .iter()
        .map(|&(_, f)| f)
        .chain(
            [
                "binary8p3se",
                "binary8p1ue",
                "e3m2:nosub",
                "binary6p3sf",
                "e4m3:nozero:nosub",
            ]
            .map(|s| s.parse().unwrap()),
        )
        .filter(|f| f.width() <= 8)
        .collect()
}

/// Runs `check` on every format, on two threads (formats interleaved), and sums the tallies.
fn on_two_threads(formats: &[FloatFormat], check: fn(FloatFormat) -> Tally) -> Tally {
    std::thread::scope(|s| {
        let halves: Vec<_> = (0..2)
            .map(|k| {
                let mine: Vec<FloatFormat> = formats.iter().copied().skip(k).step_by(2).collect();
                s.spawn(move || {
                    let mut t = Tally::default();
                    for f in mine {
                        t.merge(check(f));
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
    })
}

fn all_pairs(fmt: FloatFormat) -> Tally {
    let spec = Spec::new(fmt);
    let n = 1u64 << fmt.width();
    let vals: Vec<Val> = (0..n).map(|c| spec.decode(c)).collect();
    let mut tally = Tally::default();
    for a in 0..n {
        let x = &vals[a as usize];
        for b in 0..n {
            let y = &vals[b as usize];
            for op in [Op::Add, Op::Sub, Op::Mul, Op::Div] {
                arith::check(&spec, op, [a, b, 0], [x, y, x], &mut tally);
            }
            let want = value_order(x, y);
            tally.record(
                if fmt.partial_cmp(a, b) == want {
                    Ok(())
                } else {
                    Err(format!("got {:?}, want {want:?}", fmt.partial_cmp(a, b)))
                },
                || format!("{fmt} compare({a:#x}, {b:#x})"),
            );
        }
        arith::check(&spec, Op::Sqrt, [a, 0, 0], [x, x, x], &mut tally);
    }
    tally
}

/// The IEEE 754 comparison of two decoded values (NaN unordered, −0 = +0).
fn value_order(x: &Val, y: &Val) -> Option<std::cmp::Ordering> {
    let key = |v: &Val| -> Option<(i8, Rational)> {
        Some(match v {
            Val::Nan { .. } => return None,
            Val::Inf { neg: true } => (-1, Rational::new()),
            Val::Inf { neg: false } => (1, Rational::new()),
            Val::Zero { .. } => (0, Rational::new()),
            Val::Num(q) => (0, q.clone()),
        })
    };
    Some(key(x)?.cmp(&key(y)?))
}

/// Random triples: three in four uniform over all codes; one in four with an addend of
/// the opposite sign within two binades of the product (cancellation, exact zeros and
/// results near the subnormal range).
fn fma_triples(fmt: FloatFormat) -> Tally {
    let spec = Spec::new(fmt);
    let n = 1u64 << fmt.width();
    let vals: Vec<Val> = (0..n).map(|c| spec.decode(c)).collect();
    let mut rng = SplitMix64::new(0xF3A ^ (u64::from(fmt.exp_bits()) << 8) ^ n);
    let mut tally = Tally::default();
    for i in 0..FMA_TRIPLES {
        let r = rng.next_u64();
        let (a, b) = (r % n, (r >> 16) % n);
        let mut c = (r >> 32) % n;
        if i % 4 == 3
            && let (Val::Num(x), Val::Num(y)) = (&vals[a as usize], &vals[b as usize])
        {
            let p = Float::with_val(64, x) * y;
            let exp = p.get_exp().unwrap() - 1 + spec.bias;
            let field = (exp + (r >> 40) as i32 % 5 - 2).clamp(0, (1 << spec.e) - 1) as u64;
            let sign = if spec.signed && !p.is_sign_negative() {
                spec.sign_bit()
            } else {
                0
            };
            c = sign | field << spec.m | (r >> 48) & ((1 << spec.m) - 1);
        }
        let (x, y, z) = (&vals[a as usize], &vals[b as usize], &vals[c as usize]);
        let case = arith::check(&spec, Op::Fma, [a, b, c], [x, y, z], &mut tally);
        let want = |mode| {
            let found = case
                .expect
                .iter()
                .find(|(m, p, _)| *m == mode && *p == Overflow::Ieee);
            found.map(|(.., e)| e.want.clone())
        };
        if want(Rounding::TiesToAway) != want(Rounding::TiesToZero) {
            FMA_TIES.fetch_add(1, Relaxed);
        }
        let finite = [x, y, z].iter().all(|v| matches!(v, Val::Num(_)));
        if finite && matches!(case.exact, Exact::Value(In::Zero { .. })) {
            FMA_ZEROS.fetch_add(1, Relaxed);
        }
    }
    tally
}

#[test]
fn all_operand_pairs_of_small_formats() {
    let total = on_two_threads(&small_formats(), all_pairs);
    assert!(total.checks > 50_000_000, "{}", total.checks);
    total.finish("exhaustive 8-bit arithmetic");
}

#[test]
fn random_fma_triples_of_small_formats() {
    let formats = small_formats();
    let total = on_two_threads(&formats, fma_triples);
    assert_eq!(total.checks, (formats.len() * FMA_TRIPLES * 30) as u64);
    let (ties, zeros) = (FMA_TIES.load(Relaxed), FMA_ZEROS.load(Relaxed));
    println!("fma triples: {ties} exact ties, {zeros} exact zeros from nonzero operands");
    let triples = (formats.len() * FMA_TRIPLES) as u64;
    assert!(
        ties * 100 > triples && zeros * 1000 > triples,
        "{ties} ties, {zeros} zeros"
    );
    total.finish("random fma triples of 8-bit formats");
}
