//! Fixed-point intervals against exact rational arithmetic (GMP through `rug`).
//!
//! For random formats (W = 1…64, I from −8 to W + 8, signed and unsigned) and random
//! intervals of their values:
//! - tightness: each bound equals the exact extreme of the set result, rounded once
//!   outward to the quantum 2^−F by GMP's floor/ceil — and beyond the format's range, ±∞
//!   outward or the extreme value inward;
//! - containment: exact results of random points of the inputs lie inside the output;
//! - integer functions and cancellation: GMP's floor/ceil/trunc/round of the bounds and
//!   exact widths;
//! - the typed `Fx<F>` intervals give the same bounds as the runtime ones.

use proptest::prelude::*;
use rug::{Integer, Rational};

use lowprec::fixed::{ApFixed, FixedFormat, FixedParams, Fx};
use lowprec::interval::{Ext, Interval};

/// A random format: (W, I, signed).
fn format() -> impl Strategy<Value = FixedFormat> {
    (1u32..=64, any::<bool>(), -8i32..=8).prop_map(|(w, signed, di)| {
        let i = (w as i32 + di).clamp(-8, w as i32 + 8);
        FixedFormat::new(FixedParams {
            signed,
            ..FixedParams::ap_fixed(w, i)
        })
        .unwrap()
    })
}

/// A raw integer of `f`, biased toward the extremes, zero and small values.
fn raw_in(f: &FixedFormat, pick: u64, kind: u8) -> i128 {
    let (min, max) = (f.min_raw(), f.max_raw());
    let span = (max - min) as u128 + 1;
    match kind % 8 {
        0 => min,
        1 => max,
        2 => 0.clamp(min, max),
        3 => (pick as i128 % 16 - 8).clamp(min, max),
        4 => (max - (pick % 4) as i128).max(min),
        _ => min + (u128::from(pick) % span) as i128,
    }
}

/// An interval of `f`'s raws: (lo, hi).
fn pair_in(f: &FixedFormat, a: (u64, u8), b: (u64, u8)) -> (i128, i128) {
    let (x, y) = (raw_in(f, a.0, a.1), raw_in(f, b.0, b.1));
    (x.min(y), x.max(y))
}

fn value(f: &FixedFormat, raw: i128) -> Rational {
    let v = Rational::from(raw);
    let e = f.frac_bits();
    if e >= 0 {
        v / (Integer::from(1) << e as u32)
    } else {
        v * (Integer::from(1) << (-e) as u32)
    }
}

/// The tightest fixed-point bound below (`down`) or above an exact value.
fn bound(f: &FixedFormat, x: &Rational, down: bool) -> Ext<i128> {
    let e = f.frac_bits();
    let scaled = if e >= 0 {
        x.clone() * (Integer::from(1) << e as u32)
    } else {
        x.clone() / (Integer::from(1) << (-e) as u32)
    };
    let r = if down { scaled.floor() } else { scaled.ceil() };
    let r = r.numer().clone();
    let (min, max) = (Integer::from(f.min_raw()), Integer::from(f.max_raw()));
    if r > max {
        if down {
            Ext::Finite(f.max_raw())
        } else {
            Ext::PosInf
        }
    } else if r < min {
        if down {
            Ext::NegInf
        } else {
            Ext::Finite(f.min_raw())
        }
    } else {
        Ext::Finite(r.to_i128().unwrap())
    }
}

fn tight(f: &FixedFormat, v: &[Rational]) -> (Ext<i128>, Ext<i128>) {
    let lo = v.iter().min().unwrap();
    let hi = v.iter().max().unwrap();
    (bound(f, lo, true), bound(f, hi, false))
}

fn iv(f: FixedFormat, p: (i128, i128)) -> Interval<FixedFormat> {
    Interval::new_in(f, f.bits_of(p.0), f.bits_of(p.1))
}

fn bounds(x: Interval<FixedFormat>) -> (Ext<i128>, Ext<i128>) {
    (x.inf(), x.sup())
}

fn inside(f: &FixedFormat, r: (Ext<i128>, Ext<i128>), v: &Rational) -> bool {
    let lo_ok = match r.0 {
        Ext::NegInf => true,
        Ext::Finite(a) => value(f, a) <= *v,
        Ext::PosInf => false,
    };
    let hi_ok = match r.1 {
        Ext::PosInf => true,
        Ext::Finite(b) => *v <= value(f, b),
        Ext::NegInf => false,
    };
    lo_ok && hi_ok
}

/// The point lo + (hi − lo)·t/255 of a raw pair, exactly.
fn point(f: &FixedFormat, p: (i128, i128), t: u8) -> Rational {
    let (a, b) = (value(f, p.0), value(f, p.1));
    a.clone() + (b - a) * Rational::from((u32::from(t), 255u32))
}

/// ⌊√x⌋ and ⌈√x⌉ of a nonnegative rational at the quantum of `f`, as bounds.
fn sqrt_bounds(f: &FixedFormat, x: &Rational) -> (Ext<i128>, Ext<i128>) {
    // r = √(x·2^2F): floor(√q) = isqrt(⌊q⌋); the ceiling is one more unless q = r².
    let e = 2 * f.frac_bits();
    let q = if e >= 0 {
        x.clone() * (Integer::from(1) << e as u32)
    } else {
        x.clone() / (Integer::from(1) << (-e) as u32)
    };
    let fl = q.clone().floor().numer().clone();
    let r = fl.sqrt();
    let exact = q == (r.clone() * &r);
    let up = if exact { r.clone() } else { r.clone() + 1 };
    let scale = |n: Integer| Rational::from(n) * value(f, 1);
    (bound(f, &scale(r), true), bound(f, &scale(up), false))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn fixed_arithmetic_is_tight_and_contains(
        f in format(),
        a in (any::<u64>(), any::<u8>()), b in (any::<u64>(), any::<u8>()),
        c in (any::<u64>(), any::<u8>()), d in (any::<u64>(), any::<u8>()),
        g in (any::<u64>(), any::<u8>()), h in (any::<u64>(), any::<u8>()),
        t in any::<u8>(), u in any::<u8>(),
    ) {
        let (x, y, z) = (pair_in(&f, a, b), pair_in(&f, c, d), pair_in(&f, g, h));
        let (ix, iy, iz) = (iv(f, x), iv(f, y), iv(f, z));
        let (x0, x1) = (value(&f, x.0), value(&f, x.1));
        let (y0, y1) = (value(&f, y.0), value(&f, y.1));
        let (z0, z1) = (value(&f, z.0), value(&f, z.1));
        let (px, py, pz) = (point(&f, x, t), point(&f, y, u), point(&f, z, t ^ u));

        let add = bounds(ix + iy);
        prop_assert_eq!(add, tight(&f, &[x0.clone() + &y0, x1.clone() + &y1]));
        prop_assert!(inside(&f, add, &(px.clone() + &py)));

        let sub = bounds(ix - iy);
        prop_assert_eq!(sub, tight(&f, &[x0.clone() - &y1, x1.clone() - &y0]));
        prop_assert!(inside(&f, sub, &(px.clone() - &py)));

        let prods = [x0.clone() * &y0, x0.clone() * &y1, x1.clone() * &y0, x1.clone() * &y1];
        let mul = bounds(ix * iy);
        prop_assert_eq!(mul, tight(&f, &prods));
        prop_assert!(inside(&f, mul, &(px.clone() * &py)));

        let fma = bounds(ix.fma(iy, iz));
        let (plo, phi) = (prods.iter().min().unwrap(), prods.iter().max().unwrap());
        prop_assert_eq!(fma, tight(&f, &[plo.clone() + &z0, phi.clone() + &z1]));
        prop_assert!(inside(&f, fma, &(px.clone() * &py + &pz)));

        if y.0 > 0 || y.1 < 0 {
            let q: Vec<Rational> = [&x0, &x1]
                .iter()
                .flat_map(|a| [&y0, &y1].map(|b| (*a).clone() / b))
                .collect();
            let div = bounds(ix / iy);
            prop_assert_eq!(div, tight(&f, &q));
            prop_assert!(inside(&f, div, &(px.clone() / &py)));
        }

        let sq = [x0.clone() * &x0, x1.clone() * &x1];
        let mut want = tight(&f, &sq);
        if x.0 <= 0 && x.1 >= 0 {
            want.0 = Ext::Finite(0);
        }
        prop_assert_eq!(bounds(ix.sqr()), want);

        let cube = bounds(ix.pown(3));
        prop_assert_eq!(cube, tight(&f, &[x0.clone() * &x0 * &x0, x1.clone() * &x1 * &x1]));

        if x.1 >= 0 {
            let lo = if x.0 > 0 { x0.clone() } else { Rational::new() };
            let s = bounds(ix.sqrt());
            prop_assert_eq!(s, (sqrt_bounds(&f, &lo).0, sqrt_bounds(&f, &x1).1));
        }

        // neg and abs are exact within the range; −min of a signed type is beyond it.
        let neg = bounds(-ix);
        prop_assert_eq!(neg, tight(&f, &[Rational::from(-&x1), Rational::from(-&x0)]));
        let abs = bounds(ix.abs());
        let mut want = tight(&f, &[x0.clone().abs(), x1.clone().abs()]);
        if x.0 <= 0 && x.1 >= 0 {
            want.0 = Ext::Finite(0);
        }
        prop_assert_eq!(abs, want);

        // Integer functions: the exact integers, rounded outward where the format lacks
        // them (I ≤ 0: no nonzero integer; unsigned: no −1).
        let both = |g: fn(Rational) -> Rational| tight(&f, &[g(x0.clone()), g(x1.clone())]);
        prop_assert_eq!(bounds(ix.floor()), both(|q| q.floor()));
        prop_assert_eq!(bounds(ix.ceil()), both(|q| q.ceil()));
        prop_assert_eq!(bounds(ix.trunc()), both(|q| q.trunc()));
        prop_assert_eq!(bounds(ix.round_ties_to_away()), both(|q| q.round()));
        prop_assert_eq!(bounds(ix.sign()), both(|q| Rational::from(q.cmp0() as i32)));

        // Cancellation: exact widths decide; the bounds are exact differences rounded.
        let wide_enough = x1.clone() - &x0 >= y1.clone() - &y0;
        let entire = (Ext::NegInf, Ext::PosInf);
        let minus = if wide_enough { tight(&f, &[x0.clone() - &y0, x1.clone() - &y1]) } else { entire };
        prop_assert_eq!(bounds(ix.cancel_minus(iy)), minus);
        let plus = if wide_enough { tight(&f, &[x0.clone() + &y1, x1.clone() + &y0]) } else { entire };
        prop_assert_eq!(bounds(ix.cancel_plus(iy)), plus);

        // Reverse operations with c = x and the x-interval y. sqrRev on y ≥ 0: the piece
        // [√max(x0, 0), √x1] ∩ y, exactly, bounds rounded outward.
        let lo = if x0 > 0 { x0.clone() } else { Rational::new() };
        if y.0 >= 0 {
            let empty = x1 < 0 || y1.clone() * &y1 < lo || y0.clone() * &y0 > x1;
            let want = (!empty).then(|| {
                let l = if y0.clone() * &y0 >= lo { Ext::Finite(y.0) } else { sqrt_bounds(&f, &lo).0 };
                let h = if y1.clone() * &y1 <= x1 { Ext::Finite(y.1) } else { sqrt_bounds(&f, &x1).1 };
                (l, h)
            });
            let r = ix.sqr_rev_within(iy);
            prop_assert_eq!((!r.is_empty()).then(|| bounds(r)), want, "sqrRev {:?} {:?}", x, y);
            let r = ix.pown_rev_within(iy, 2);
            prop_assert_eq!((!r.is_empty()).then(|| bounds(r)), want, "pownRev {:?} {:?}", x, y);
        }
        // absRev: the exact pieces [lo, x1] and [−x1, −lo] meet y; a point of y that the
        // test below can decide: each bound is a value of y or of ±x.
        let r = ix.abs_rev_within(iy);
        let holds = |v: &Rational| {
            let a = v.clone().abs();
            x1 >= 0 && a >= lo && a <= x1
        };
        for v in [&y0, &y1, &px] {
            if *v >= y0 && *v <= y1 && holds(v) {
                prop_assert!(inside(&f, bounds(r), v), "absRev {:?} {:?} misses {}", x, y, v);
            }
        }
        if !r.is_empty() {
            let (Ext::Finite(a), Ext::Finite(b)) = bounds(r) else { panic!("finite") };
            prop_assert!(holds(&value(&f, a)) && holds(&value(&f, b)), "absRev {:?} {:?}", x, y);
        }

        // mid is the nearest value to the exact midpoint (ties to even), rad covers it.
        let (m, r) = ix.mid_rad().unwrap();
        let Ext::Finite(m) = m else { panic!("finite mid") };
        let exact_mid = (x0.clone() + &x1) / 2;
        let mut d = value(&f, m);
        d -= &exact_mid;
        let d = d.abs();
        prop_assert!(d <= value(&f, 1) / 2, "mid {} of {:?}", m, x);
        if let Ext::Finite(r) = r {
            prop_assert!(value(&f, m) - value(&f, r) <= x0 && x1 <= value(&f, m) + value(&f, r));
        }
    }

    #[test]
    fn half_lines_and_formats_conversion(f in format(), g in format(), a in (any::<u64>(), any::<u8>()), b in (any::<u64>(), any::<u8>())) {
        let x = pair_in(&f, a, b);
        let (x0, x1) = (value(&f, x.0), value(&f, x.1));
        // Converting into another format rounds each bound outward.
        let ix = iv(f, x);
        let y: Interval<FixedFormat> = ix.convert_in(g);
        prop_assert_eq!(bounds(y), (bound(&g, &x0, true), bound(&g, &x1, false)));
        // [lo, +∞) × a positive point is a half-line; times zero, the point 0.
        let half = Interval::<FixedFormat>::from_bounds_in(f, Ext::Finite(x.0), Ext::PosInf).unwrap();
        if f.max_raw() > 0 {
            let p = iv(f, (f.max_raw(), f.max_raw()));
            let prod = half * p;
            prop_assert_eq!(prod.sup(), Ext::PosInf);
            prop_assert_eq!(prod.inf(), bound(&f, &(x0.clone() * value(&f, f.max_raw())), true));
        }
        let zero = iv(f, (0, 0));
        prop_assert_eq!(bounds(half * zero), (Ext::Finite(0), Ext::Finite(0)));
    }
}

type Q = ApFixed<12, 4>;

#[test]
fn typed_intervals_match_runtime_ones() {
    let f = Fx::<Q>::FORMAT;
    let mut seen = 0;
    for a in (f.min_raw()..=f.max_raw()).step_by(97) {
        for b in (a..=f.max_raw()).step_by(389) {
            let t = Interval::<Fx<Q>>::new(Fx::from_raw(a), Fx::from_raw(b));
            let r = iv(f, (a, b));
            let u = Interval::<Fx<Q>>::new(Fx::from_raw(-b / 3), Fx::from_raw(a / 5 + 1));
            let s = iv(f, (-b / 3, a / 5 + 1));
            let lower = |e: Ext<Fx<Q>>| match e {
                Ext::Finite(v) => Ext::Finite(i128::from(v.raw())),
                Ext::PosInf => Ext::PosInf,
                Ext::NegInf => Ext::NegInf,
            };
            for (tt, rr) in [
                (t + u, r + s),
                (t - u, r - s),
                (t * u, r * s),
                (t / u, r / s),
            ] {
                assert_eq!((lower(tt.inf()), lower(tt.sup())), bounds(rr), "[{a}, {b}]");
            }
            seen += 1;
        }
    }
    assert!(seen > 100);
}

#[test]
fn text_output_of_fixed_intervals() {
    let f: FixedFormat = "ap_fixed<8,4>".parse().unwrap();
    let x = Interval::<FixedFormat>::from_f64_in(f, 0.1, 0.3);
    assert_eq!(x.to_string(), "[0.0625, 0.3125]");
    assert_eq!(format!("{x:x}"), "[0x1p-4, 0x1.4p-2]");
}

/// A function's value at an exact argument, correctly rounded by MPFR toward −∞ or +∞ at
/// 256 bits: the floor of the lower and the ceiling of the upper rounding at the
/// format's quantum are the floor and ceiling of the value itself (every integer up to
/// 2^256 is a 256-bit number, so a directed rounding cannot cross one).
type MpfrFn = fn(&mut rug::Float, rug::float::Round) -> core::cmp::Ordering;

fn mpfr_bound(f: &FixedFormat, x: &Rational, func: MpfrFn, down: bool) -> Ext<i128> {
    use rug::float::Round;
    let r = if down { Round::Down } else { Round::Up };
    let mut v = rug::Float::with_val(256, x);
    func(&mut v, r);
    match v.to_rational() {
        Some(q) => bound(f, &q, down),
        // Beyond MPFR's exponent range (exp of 2^30 and more): beyond every format's.
        None if down => Ext::Finite(f.max_raw()),
        None => Ext::PosInf,
    }
}

/// exp, tanh, erf (increasing everywhere) and ln (increasing where x > 0) of fixed-point
/// intervals: each bound is the function at the matching argument bound, rounded outward
/// to the quantum — beyond the range, ±∞ outward — against MPFR.
#[test]
fn elementary_functions_of_fixed_point_intervals() {
    use lowprec::RandomBits;
    use lowprec::SplitMix64;
    let mut rng = SplitMix64::new(1788);
    let funcs: [(&str, MpfrFn); 4] = [
        ("exp", |x, r| x.exp_round(r)),
        ("tanh", |x, r| x.tanh_round(r)),
        ("erf", |x, r| x.erf_round(r)),
        ("ln", |x, r| x.ln_round(r)),
    ];
    let mut checked = 0;
    for _ in 0..3000 {
        let w = 2 + (rng.next_u64() % 31) as u32;
        let i = (rng.next_u64() % (w as u64 + 4)) as i32 - 2;
        let f = FixedFormat::new(FixedParams {
            signed: rng.next_u64() % 4 != 0,
            ..FixedParams::ap_fixed(w, i)
        })
        .unwrap();
        let p = pair_in(
            &f,
            (rng.next_u64(), rng.next_u64() as u8),
            (rng.next_u64(), rng.next_u64() as u8),
        );
        let x = iv(f, p);
        for (name, func) in funcs {
            let got = match name {
                "exp" => x.exp(),
                "tanh" => x.tanh(),
                "erf" => x.erf(),
                _ => x.ln(),
            };
            let (a, b) = (value(&f, p.0), value(&f, p.1));
            let want = if name == "ln" {
                if b <= 0 {
                    assert!(got.is_empty(), "ln of {p:?} in {f}");
                    continue;
                }
                let lo = if a <= 0 {
                    Ext::NegInf
                } else {
                    mpfr_bound(&f, &a, func, true)
                };
                (lo, mpfr_bound(&f, &b, func, false))
            } else {
                (
                    mpfr_bound(&f, &a, func, true),
                    mpfr_bound(&f, &b, func, false),
                )
            };
            assert_eq!(bounds(got), want, "{name} of {p:?} in {f}");
            checked += 1;
        }
    }
    assert!(checked > 10_000);
}
