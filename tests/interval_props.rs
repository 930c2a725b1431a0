//! Property tests of interval arithmetic against MPFR/GMP (through `rug`):
//!
//! - tightness: each bound equals the exact extreme of the set result (computed as a
//!   GMP rational from the endpoints) rounded once outward by MPFR at the format's
//!   precision;
//! - containment: random points of the inputs (exact rationals between the bounds) give
//!   exact results inside the output;
//! - the integer functions (floor, ceil, trunc, rounding, sign) and the cancellative
//!   operations against GMP's rational floor/ceil/trunc/round and exact widths;
//! - the reverse operations (sqrRev, absRev, mulRev with a zero-free divisor) against
//!   exact solution sets, with x-intervals that touch rounded roots and quotients, and
//!   pownRev against MPFR's k-th roots.
//!
//! Values stay within ±2^±70 so that MPFR's unbounded exponent range and the formats'
//! agree (no overflow or subnormal results); the boundaries are covered by ITF1788.

use proptest::prelude::*;
use rug::float::Round;
use rug::{Float, Rational};

use lowprec::FloatFormat;
use lowprec::interval::Interval;

fn rat(x: f64) -> Rational {
    Rational::from_f64(x).expect("finite")
}

/// x rounded outward at `prec` bits by MPFR, as f64.
fn round(x: &Rational, prec: u32, down: bool) -> f64 {
    let r = if down { Round::Down } else { Round::Up };
    Float::with_val_round(prec, x, r).0.to_f64()
}

fn value() -> impl Strategy<Value = f64> {
    (any::<bool>(), 1u64..(1 << 53), -70i32..20).prop_map(|(neg, m, e)| {
        let v = m as f64 * 2f64.powi(e - 53);
        if neg { -v } else { v }
    })
}

fn pair() -> impl Strategy<Value = (f64, f64)> {
    (value(), value(), 0u8..8).prop_map(|(a, b, z)| {
        // Some zero bounds.
        let a = if z == 0 { 0.0 } else { a };
        if a <= b { (a, b) } else { (b, a) }
    })
}

/// Exact extremes of a set of rationals.
fn extremes(v: Vec<Rational>) -> (Rational, Rational) {
    let lo = v.iter().min().unwrap().clone();
    let hi = v.iter().max().unwrap().clone();
    (lo, hi)
}

/// The tightest interval at `prec` bits around exact extremes.
fn tight(e: (Rational, Rational), prec: u32) -> (f64, f64) {
    (round(&e.0, prec, true), round(&e.1, prec, false))
}

fn endpoints(x: (f64, f64)) -> [Rational; 2] {
    [rat(x.0), rat(x.1)]
}

/// A point of [lo, hi] at fraction t/255, exactly.
fn point(x: (f64, f64), t: u8) -> Rational {
    let (a, b) = (rat(x.0), rat(x.1));
    let t = Rational::from((t as u32, 255u32));
    a.clone() + (b - a) * t
}

fn inside(r: (f64, f64), v: &Rational) -> bool {
    rat(r.0) <= *v && *v <= rat(r.1)
}

fn products(x: (f64, f64), y: (f64, f64)) -> Vec<Rational> {
    let mut v = Vec::new();
    for a in endpoints(x) {
        for b in endpoints(y) {
            v.push(a.clone() * b);
        }
    }
    v
}

fn pown_extremes(x: (f64, f64), n: i32) -> (Rational, Rational) {
    let p = |r: Rational| -> Rational {
        let k = n.unsigned_abs();
        let mut acc = Rational::from(1);
        for _ in 0..k {
            acc *= &r;
        }
        if n < 0 { acc.recip() } else { acc }
    };
    let mut v: Vec<Rational> = endpoints(x).into_iter().map(p).collect();
    if n % 2 == 0 && n > 0 && x.0 < 0.0 && x.1 > 0.0 {
        v.push(Rational::from(0));
    }
    extremes(v)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn f64_arithmetic_is_tight_and_contains(x in pair(), y in pair(), z in pair(), t in any::<u8>(), u in any::<u8>()) {
        let (ix, iy, iz) = (Interval::<f64>::new(x.0, x.1), Interval::new(y.0, y.1), Interval::new(z.0, z.1));
        let got = |i: Interval<f64>| (i.inf(), i.sup());
        let (px, py, pz) = (point(x, t), point(y, u), point(z, t.wrapping_add(u)));

        let add = got(ix + iy);
        let [x0, x1] = endpoints(x);
        let [y0, y1] = endpoints(y);
        prop_assert_eq!(add, tight((x0.clone() + &y0, x1.clone() + &y1), 53));
        prop_assert!(inside(add, &(px.clone() + &py)));

        let sub = got(ix - iy);
        prop_assert_eq!(sub, tight((x0.clone() - &y1, x1.clone() - &y0), 53));

        let mul = got(ix * iy);
        prop_assert_eq!(mul, tight(extremes(products(x, y)), 53));
        prop_assert!(inside(mul, &(px.clone() * &py)));

        let fma = got(ix.fma(iy, iz));
        let (lo, hi) = extremes(products(x, y));
        prop_assert_eq!(fma, tight((lo + rat(z.0), hi + rat(z.1)), 53));
        prop_assert!(inside(fma, &(px.clone() * &py + &pz)));

        if y.0 > 0.0 || y.1 < 0.0 {
            let div = got(ix / iy);
            let q: Vec<Rational> = endpoints(x).iter().flat_map(|a| endpoints(y).map(|b| a.clone() / b)).collect();
            prop_assert_eq!(div, tight(extremes(q), 53));
            prop_assert!(inside(div, &(px.clone() / &py)));
        }

        for n in [2, 3, 4, 7, -1, -2, -3] {
            if n < 0 && x.0 <= 0.0 && x.1 >= 0.0 {
                continue;
            }
            let p = got(ix.pown(n));
            prop_assert_eq!(p, tight(pown_extremes(x, n), 53), "pown {}", n);
        }
        prop_assert_eq!(got(ix.sqr()), tight(pown_extremes(x, 2), 53));

        if x.0 >= 0.0 {
            let s = got(ix.sqrt());
            let lo = Float::with_val_round(53, Float::with_val(53, x.0).sqrt_ref(), Round::Down).0.to_f64();
            let hi = Float::with_val_round(53, Float::with_val(53, x.1).sqrt_ref(), Round::Up).0.to_f64();
            prop_assert_eq!(s, (lo, hi));
        }
    }

    #[test]
    fn f64_integer_functions_and_cancellation_are_tight(x in pair(), y in pair(), z in pair()) {
        let (ix, iy, iz) = (Interval::<f64>::new(x.0, x.1), Interval::new(y.0, y.1), Interval::new(z.0, z.1));
        let got = |i: Interval<f64>| (i.inf(), i.sup());
        let [x0, x1] = endpoints(x);
        let [y0, y1] = endpoints(y);
        // The integers stay below 2^20: exact in f64.
        let both = |g: fn(Rational) -> Rational| (g(x0.clone()).to_f64(), g(x1.clone()).to_f64());
        prop_assert_eq!(got(ix.floor()), both(|q| q.floor()));
        prop_assert_eq!(got(ix.ceil()), both(|q| q.ceil()));
        prop_assert_eq!(got(ix.trunc()), both(|q| q.trunc()));
        prop_assert_eq!(got(ix.round_ties_to_away()), both(|q| q.round()));
        prop_assert_eq!(got(ix.round_ties_to_even()), both(|q| {
            let f = q.clone().floor();
            let d = q - &f;
            let half = Rational::from((1, 2));
            let odd = f.numer().is_odd();
            if d > half || (d == half && odd) { f + 1u32 } else { f }
        }));
        let sign = |v: &Rational| f64::from(v.cmp0() as i8);
        prop_assert_eq!(got(ix.sign()), (sign(&x0), sign(&x1)));

        // Cancellation: defined when wid x ≥ wid y exactly, else the whole line.
        let entire = (f64::NEG_INFINITY, f64::INFINITY);
        let wide_enough = x1.clone() - &x0 >= y1.clone() - &y0;
        let minus = if wide_enough { tight((x0.clone() - &y0, x1.clone() - &y1), 53) } else { entire };
        prop_assert_eq!(got(ix.cancel_minus(iy)), minus);
        let plus = if wide_enough { tight((x0.clone() + &y1, x1.clone() + &y0), 53) } else { entire };
        prop_assert_eq!(got(ix.cancel_plus(iy)), plus);
        prop_assert_eq!(got(ix.cancel_minus(ix)), (0.0, 0.0));
        // The inverse of addition: (y + z) cancelMinus y encloses z.
        let back = got((iy + iz).cancel_minus(iy));
        prop_assert!(inside(back, &rat(z.0)) && inside(back, &rat(z.1)), "{:?} {:?}", back, z);
    }

    #[test]
    fn f64_reverse_operations_are_tight(c in pair(), x in pair(), b in pair(), edge in 0u8..6) {
        // Some x-intervals touch a rounded root: the exact solution set is then one
        // point or empty.
        let root = |v: f64, down: bool| {
            let r = if down { Round::Down } else { Round::Up };
            Float::with_val_round(53, Float::with_val(53, v.abs()).sqrt_ref(), r).0.to_f64()
        };
        let x = match edge {
            1 => (x.0.min(root(c.0, true)), root(c.0, true)),
            2 => (root(c.1, false), x.1.max(root(c.1, false))),
            3 => (-root(c.0, true), x.1.max(-root(c.0, true))),
            _ => x,
        };
        let (ic, ix) = (Interval::<f64>::new(c.0, c.1), Interval::new(x.0, x.1));
        let got = |i: Interval<f64>| if i.is_empty() { None } else { Some((i.inf(), i.sup())) };
        let [c0, c1] = endpoints(c);
        let [x0, x1] = endpoints(x);

        // sqrRev: v ∈ x with v² ∈ c. The nonnegative piece [√lo, √hi] ∩ [a, b], exactly:
        // comparisons of squares, bounds rounded outward by MPFR.
        let lo = if c0 > 0 { c0.clone() } else { Rational::new() };
        let piece = |a: &Rational, b: &Rational| -> Option<(f64, f64)> {
            if c1 < 0 || *b < 0 || b.clone() * b < lo || (*a >= 0 && a.clone() * a > c1) {
                return None;
            }
            let l = if *a >= 0 && a.clone() * a >= lo { a.to_f64() } else { root(lo.to_f64(), true) };
            let h = if b.clone() * b <= c1 { b.to_f64() } else { root(c1.to_f64(), false) };
            Some((l, h))
        };
        let right = piece(&x0, &x1);
        let left = piece(&Rational::from(-&x1), &Rational::from(-&x0)).map(|(l, h)| (-h, -l));
        let want = match (left, right) {
            (Some(l), Some(r)) => Some((l.0, r.1)),
            (l, r) => l.or(r),
        };
        prop_assert_eq!(got(ic.sqr_rev_within(ix)), want, "sqrRev {:?} {:?}", c, x);

        // absRev: v ∈ x with |v| ∈ c.
        let absp = |a: &Rational, b: &Rational| -> Option<(f64, f64)> {
            let l = a.clone().max(lo.clone());
            let h = b.clone().min(c1.clone());
            (c1 >= 0 && l <= h).then(|| (l.to_f64(), h.to_f64()))
        };
        let right = absp(&x0, &x1);
        let left = absp(&Rational::from(-&x1), &Rational::from(-&x0)).map(|(l, h)| (-h, -l));
        let want = match (left, right) {
            (Some(l), Some(r)) => Some((l.0, r.1)),
            (l, r) => l.or(r),
        };
        prop_assert_eq!(got(ic.abs_rev_within(ix)), want, "absRev {:?} {:?}", c, x);

        // mulRev with a divisor free of zero: v ∈ x with v·β ∈ c for some β ∈ b, i.e.
        // v ∈ [min c/b, max c/b] (the four endpoint quotients), exactly.
        if b.0 > 0.0 || b.1 < 0.0 {
            let ib = Interval::<f64>::new(b.0, b.1);
            let q: Vec<Rational> = [&c0, &c1].iter().flat_map(|a| endpoints(b).map(|d| (*a).clone() / d)).collect();
            let (qlo, qhi) = extremes(q);
            let (l, h) = (x0.clone().max(qlo), x1.clone().min(qhi));
            let want = (l <= h).then(|| (round(&l, 53, true), round(&h, 53, false)));
            prop_assert_eq!(got(ib.mul_rev_within(ic, ix)), want, "mulRev {:?} {:?} {:?}", b, c, x);
            // A point next to a quotient: it holds a solution iff v·b meets c exactly.
            let qd = round(&(c0.clone() / rat(b.1)), 53, true);
            let v = rat(qd);
            let (pl, ph) = extremes(vec![v.clone() * rat(b.0), v * rat(b.1)]);
            let r = ib.mul_rev_within(ic, Interval::point(qd));
            prop_assert_eq!(!r.is_empty(), pl <= c1 && ph >= c0, "mulRev point {:?} {:?} {}", b, c, qd);
        }
    }

    #[test]
    fn f64_pown_rev_is_tight(c in pair(), which in 0usize..6) {
        let n: i32 = [2, 3, 5, -2, -3, -5][which];
        let k = n.unsigned_abs();
        // |t|^(1/k) or |t|^(−1/k), rounded at 53 bits by MPFR through 400-bit steps
        // rounded the same way (exact where the root is: 1/t^k then has ≤ 265 bits).
        let rt = |t: f64, recip: bool, down: bool| -> f64 {
            let r = if down { Round::Down } else { Round::Up };
            let mut base = Float::with_val(400, t.abs());
            if recip {
                base.recip_round(r);
            }
            let root = Float::with_val_round(400, base.root_ref(k), r).0;
            Float::with_val_round(53, &root, r).0.to_f64()
        };
        let inf = f64::INFINITY;
        let (c0, c1) = c;
        let want: Option<(f64, f64)> = match (n % 2 == 0, n > 0) {
            // Odd, positive: an increasing bijection.
            (false, true) => {
                let lo = if c0 < 0.0 { -rt(c0, false, false) } else { rt(c0, false, true) };
                let hi = if c1 < 0.0 { -rt(c1, false, true) } else { rt(c1, false, false) };
                Some((lo, hi))
            }
            (true, true) => (c1 >= 0.0).then(|| (-rt(c1, false, false), rt(c1, false, false))),
            (true, false) => (c1 > 0.0).then(|| {
                if c0 <= 0.0 { (-inf, inf) } else { (-rt(c0, true, false), rt(c0, true, false)) }
            }),
            // Odd, negative: v^−k has v's sign, decreasing on each side of 0.
            (false, false) => {
                let pos = (c1 > 0.0).then(|| {
                    (rt(c1, true, true), if c0 > 0.0 { rt(c0, true, false) } else { inf })
                });
                let neg = (c0 < 0.0).then(|| {
                    (if c1 < 0.0 { -rt(c1, true, false) } else { -inf }, -rt(c0, true, true))
                });
                match (neg, pos) {
                    (Some(a), Some(b)) => Some((a.0, b.1)),
                    (a, b) => a.or(b),
                }
            }
        };
        let r = Interval::<f64>::new(c0, c1).pown_rev(n);
        let got = (!r.is_empty()).then(|| (r.inf(), r.sup()));
        prop_assert_eq!(got, want, "pownRev {:?} {}", c, n);
    }

    #[test]
    fn bf16_and_e4m3_arithmetic_is_tight(x in pair(), y in pair(), which in any::<bool>()) {
        let (f, prec) = if which { (FloatFormat::BF16, 8) } else { (FloatFormat::E4M3FN, 4) };
        // Inputs: the f64 pairs rounded outward into the format.
        let ix = Interval::<FloatFormat>::from_f64_in(f, x.0 * 2f64.powi(-40), x.1 * 2f64.powi(-40));
        let iy = Interval::<FloatFormat>::from_f64_in(f, y.0 * 2f64.powi(-40), y.1 * 2f64.powi(-40));
        let (ax, ay) = (ix.to_f64_pair(), iy.to_f64_pair());
        // Stay inside E4M3FN's normal range for MPFR's sake: skip tiny or huge values.
        let ok = |v: f64| v == 0.0 || (v.abs() >= 2f64.powi(-4) && v.abs() <= 16.0);
        if !which && ![ax.0, ax.1, ay.0, ay.1].iter().all(|&v| ok(v)) {
            return Ok(());
        }
        // MPFR has no subnormals or overflow: compare where the result is normal.
        let (min, max) = (f.min_normal(), f.max_value());
        let normal = |r: (f64, f64)| -> bool {
            [r.0, r.1].iter().all(|&v| v == 0.0 || (v.abs() >= min && v.abs() <= max))
        };
        let add = (ix + iy).to_f64_pair();
        let [x0, x1] = endpoints(ax);
        let [y0, y1] = endpoints(ay);
        let want = tight((x0 + &y0, x1 + &y1), prec);
        if normal(want) {
            prop_assert_eq!(add, want);
        }
        let mul = (ix * iy).to_f64_pair();
        let want = tight(extremes(products(ax, ay)), prec);
        if normal(want) {
            prop_assert_eq!(mul, want);
        }
        if ay.0 > 0.0 || ay.1 < 0.0 {
            let div = (ix / iy).to_f64_pair();
            let q: Vec<Rational> = endpoints(ax).iter().flat_map(|a| endpoints(ay).map(|b| a.clone() / b)).collect();
            let want = tight(extremes(q), prec);
            if normal(want) {
                prop_assert_eq!(div, want);
            }
        }
    }
}
