//! Interval operations in random formats never panic and contain what they must:
//! - any format `FloatFormat::new` accepts, intervals from any codes (bounded, half-lines,
//!   the whole line, empty), every operation of `lowprec::interval` on them: no panic,
//!   and every result is a valid interval of the format;
//! - containment, judged by the float core's directed rounding (itself checked against
//!   MPFR by the test suite): for points a ∈ x, b ∈ y, c ∈ z, the result of +, −, ×, ÷,
//!   fma, sqr, √ and the integer functions contains op(a, b) rounded down and rounded up;
//! - the reverse operations keep every point v ∈ x whose image certainly lies in c
//!   (v², |v|, v·b for a point b, vⁿ, bracketed by directed roundings).
#![no_main]

use core::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use lowprec::float::Class;
use lowprec::interval::{Ext, Interval};
use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64, Status, StatusAnd};
use lowprec_fuzz::{Bytes, format};

type I = Interval<FloatFormat>;

/// An interval from the input: two codes in order, or a half-line, the line, empty.
fn interval(f: FloatFormat, b: &mut Bytes<'_>) -> I {
    let mask = if f.width() == 64 {
        u64::MAX
    } else {
        (1 << f.width()) - 1
    };
    let (a, c) = (b.u64() & mask, b.u64() & mask);
    let (lo, hi) = match f.partial_cmp(a, c) {
        Some(Ordering::Greater) => (c, a),
        Some(_) => (a, c),
        None => return I::empty_in(f),
    };
    let (lo, hi) = (Ext::Finite(lo), Ext::Finite(hi));
    let r = match b.byte() % 8 {
        0 => I::from_bounds_in(f, Ext::NegInf, hi),
        1 => I::from_bounds_in(f, lo, Ext::PosInf),
        2 => Ok(I::entire_in(f)),
        3 => Ok(I::empty_in(f)),
        _ => I::from_bounds_in(f, lo, hi),
    };
    r.unwrap_or_else(|_| I::empty_in(f))
}

/// A point of `x` (a code), if x has one: a finite bound or a code between the bounds.
fn point(f: &FloatFormat, x: &I, pick: u64) -> Option<u64> {
    if x.is_empty() {
        return None;
    }
    let inside = |c: u64| contains(f, x, c);
    let cands = [x.inf(), x.sup()];
    match pick % 3 {
        0 | 1 => match cands[pick as usize % 2] {
            Ext::Finite(c) => Some(c),
            _ => None,
        },
        _ => {
            let mask = if f.width() == 64 {
                u64::MAX
            } else {
                (1 << f.width()) - 1
            };
            let c = (pick >> 2) & mask;
            inside(c).then_some(c)
        }
    }
}

/// Whether the finite, non-NaN code `c` lies in `x`.
fn contains(f: &FloatFormat, x: &I, c: u64) -> bool {
    if x.is_empty() || f.is_nan(c) || (f.classify(c) == Class::Infinite) {
        return false;
    }
    let above = match x.inf() {
        Ext::NegInf => true,
        Ext::PosInf => false,
        Ext::Finite(l) => f.partial_cmp(l, c) != Some(Ordering::Greater),
    };
    let below = match x.sup() {
        Ext::PosInf => true,
        Ext::NegInf => false,
        Ext::Finite(h) => f.partial_cmp(c, h) != Some(Ordering::Greater),
    };
    above && below
}

/// The interval of an exact real known by its directed roundings: `r` must contain it.
fn check(f: &FloatFormat, what: &str, r: &I, down: StatusAnd<u64>, up: StatusAnd<u64>) {
    let (d, u) = (down.value, up.value);
    let invalid = (down.status | up.status).contains(Status::INVALID);
    if invalid || f.is_nan(d) || f.is_nan(u) {
        // An invalid point operation (0·∞, ∞ − ∞, √ of a negative number: NaN, or +0
        // in formats without NaN) or an overflow to NaN.
        return;
    }
    assert!(
        !r.is_empty(),
        "{what}: empty result {r:?} for [{d:#x}, {u:#x}] in {f}"
    );
    let lo_ok = match r.inf() {
        Ext::NegInf => true,
        Ext::PosInf => false,
        Ext::Finite(l) => {
            (f.classify(d) == Class::Infinite) || f.partial_cmp(l, d) != Some(Ordering::Greater)
        }
    };
    let hi_ok = match r.sup() {
        Ext::PosInf => true,
        Ext::NegInf => false,
        Ext::Finite(h) => {
            (f.classify(u) == Class::Infinite) || f.partial_cmp(u, h) != Some(Ordering::Greater)
        }
    };
    assert!(
        lo_ok && hi_ok,
        "{what}: {r:?} misses [{d:#x}, {u:#x}] in {f}"
    );
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let Some(f) = format(&mut b) else {
        return;
    };
    let (x, y, z) = (
        interval(f, &mut b),
        interval(f, &mut b),
        interval(f, &mut b),
    );
    let n = i32::from(b.byte() as i8) % 9;
    let picks = [b.u64(), b.u64(), b.u64()];
    let rng = &mut SplitMix64::new(0);
    let (dn, up) = (Rounding::TowardNegative, Rounding::TowardPositive);
    let pol = Overflow::Ieee;

    // Every operation, for panics and valid results.
    let results = [
        x + y,
        x - y,
        x * y,
        x / y,
        x.fma(y, z),
        x.sqr(),
        x.sqrt(),
        x.pown(n),
        x.abs(),
        -x,
        x.min(y),
        x.max(y),
        x.hull(y),
        x.intersection(y),
        x.floor(),
        x.ceil(),
        x.trunc(),
        x.round_ties_to_even(),
        x.round_ties_to_away(),
        x.sign(),
        x.cancel_minus(y),
        x.cancel_plus(y),
        x.sqr_rev_within(y),
        x.abs_rev_within(y),
        x.pown_rev_within(y, n),
        x.mul_rev_within(y, z),
        x.div_pair(y).0,
        x.div_pair(y).1,
        x.recip(),
    ];
    for (i, r) in results.iter().enumerate() {
        if !r.is_empty() {
            assert!(
                I::from_bounds_in(f, r.inf(), r.sup()).is_ok(),
                "result {i}: invalid interval {r:?} from {x:?} {y:?} {z:?} n = {n} in {f}"
            );
        }
    }
    let _ = (x.mid_rad(), x.wid(), x.mag(), x.mig(), x.to_string());

    // Containment of point results.
    let (Some(a), Some(c)) = (point(&f, &x, picks[0]), point(&f, &y, picks[1])) else {
        return;
    };
    check(
        &f,
        "add",
        &results[0],
        f.add_with(a, c, Round::new(dn, pol), rng),
        f.add_with(a, c, Round::new(up, pol), rng),
    );
    check(
        &f,
        "sub",
        &results[1],
        f.sub_with(a, c, Round::new(dn, pol), rng),
        f.sub_with(a, c, Round::new(up, pol), rng),
    );
    check(
        &f,
        "mul",
        &results[2],
        f.mul_with(a, c, Round::new(dn, pol), rng),
        f.mul_with(a, c, Round::new(up, pol), rng),
    );
    if f.classify(c) != Class::Zero {
        check(
            &f,
            "div",
            &results[3],
            f.div_with(a, c, Round::new(dn, pol), rng),
            f.div_with(a, c, Round::new(up, pol), rng),
        );
    }
    if let Some(e) = point(&f, &z, picks[2]) {
        let (lo, hi) = (
            f.fma_with(a, c, e, Round::new(dn, pol), rng),
            f.fma_with(a, c, e, Round::new(up, pol), rng),
        );
        check(&f, "fma", &results[4], lo, hi);
    }
    check(
        &f,
        "sqr",
        &results[5],
        f.mul_with(a, a, Round::new(dn, pol), rng),
        f.mul_with(a, a, Round::new(up, pol), rng),
    );
    check(
        &f,
        &format!("sqrt of {a:#x} in {x:?}"),
        &results[6],
        f.sqrt_with(a, Round::new(dn, pol), rng),
        f.sqrt_with(a, Round::new(up, pol), rng),
    );
    for (i, mode) in [
        (14, Rounding::TowardNegative),
        (15, Rounding::TowardPositive),
        (16, Rounding::TowardZero),
        (17, Rounding::TiesToEven),
        (18, Rounding::TiesToAway),
    ] {
        // An integer: rounding it into the format (down and up) brackets it.
        let v = f.round_to_integral(a, mode, rng);
        let e = f.decode(v.value);
        let (lo, hi) = (
            f.round(e, Round::new(dn, pol), rng),
            f.round(e, Round::new(up, pol), rng),
        );
        check(&f, "integer function", &results[i], lo, hi);
    }

    // Reverse operations: v = c ∈ y (the x-interval) with g(v) certainly in x.
    // (Overflow saturates in formats without ∞, and formats without zero round tiny
    // values up to their smallest one: the roundings then bracket nothing.)
    let bracketed = |lo: &StatusAnd<u64>, hi: &StatusAnd<u64>| {
        let st = lo.status | hi.status;
        [Status::OVERFLOW, Status::UNDERFLOW, Status::INVALID]
            .iter()
            .all(|&s| !st.contains(s))
    };
    let certainly_in = |lo: StatusAnd<u64>, hi: StatusAnd<u64>| {
        bracketed(&lo, &hi) && contains(&f, &x, lo.value) && contains(&f, &x, hi.value)
    };
    let v = c;
    if certainly_in(
        f.mul_with(v, v, Round::new(dn, pol), rng),
        f.mul_with(v, v, Round::new(up, pol), rng),
    ) {
        assert!(
            contains(&f, &results[22], v),
            "sqrRev {x:?} {y:?} misses {v:#x} in {f}"
        );
    }
    let av = f.abs(v);
    if contains(&f, &x, av) {
        assert!(
            contains(&f, &results[23], v),
            "absRev {x:?} {y:?} misses {v:#x} in {f}"
        );
    }
    if let Some(w) = point(&f, &z, picks[2]) {
        // mulRev(x, y, z): v ∈ z with β·v ∈ y for some β ∈ x; here β = a.
        let (lo, hi) = (
            f.mul_with(a, w, Round::new(dn, pol), rng),
            f.mul_with(a, w, Round::new(up, pol), rng),
        );
        if bracketed(&lo, &hi) && contains(&f, &y, lo.value) && contains(&f, &y, hi.value) {
            assert!(
                contains(&f, &results[25], w),
                "mulRev {x:?} {y:?} {z:?} misses {w:#x} in {f}"
            );
        }
    }
});
