//! Properties of fixed-point casts and arithmetic over random formats and values:
//! casts are monotone (saturating modes), idempotent on representable values, agree with
//! the float core's rounding of the same value at the same quantum, exact arithmetic
//! agrees with exact rational arithmetic (through `rug`), and sums cast into a format
//! agree with the definition of the cast applied to the rational sum, however far apart
//! the binary points are.

use lowprec::fixed::{Fixed, FixedFormat, FixedParams, OverflowMode, Quantization, Wide};
use lowprec::float::Exact;
use lowprec::{FloatFormat, Overflow, Round, SplitMix64};
use proptest::prelude::*;
use rug::Rational;

fn format() -> impl Strategy<Value = FixedFormat> {
    (
        1u32..=64,
        -20i32..=90,
        any::<bool>(),
        0u8..7,
        0u8..5,
        0u32..3,
    )
        .prop_filter_map("valid", |(w, i, s, q, o, n)| {
            let i = i.min(w as i32 + 20);
            FixedFormat::new(FixedParams {
                signed: s,
                quantization: Quantization::from_code(q)?,
                overflow: OverflowMode::from_code(o)?,
                sat_bits: n,
                ..FixedParams::ap_fixed(w, i)
            })
            .ok()
        })
}

/// Operand types and a target whose binary points may lie far apart; the target's LSB
/// is often within a few bits of an operand's (the sticky-bit boundary of the wide path).
fn wide_triple() -> impl Strategy<Value = (FixedFormat, FixedFormat, FixedFormat)> {
    let side = || (1u32..=64, -400i32..=400, any::<bool>());
    (
        side(),
        side(),
        (1u32..=64, any::<bool>(), 0u8..8, 0usize..3, any::<bool>()),
        (0u8..3, -5i32..=5, -400i32..=400),
    )
        .prop_map(
            |((wa, ia, sa), (wb, ib, sb), (w, s, q, o, ac), (near, d, i))| {
                let plain = |w, i, s| {
                    FixedFormat::new(FixedParams {
                        signed: s,
                        ..FixedParams::ap_fixed(w, i)
                    })
                };
                let fa = plain(wa, ia, sa).expect("valid");
                let fb = plain(wb, ib, sb).expect("valid");
                // The target's F: an operand's F + d, or random.
                let f = match near {
                    0 => fa.frac_bits() + d,
                    1 => fb.frac_bits() + d,
                    _ => w as i32 - i,
                };
                let i = (w as i32 - f).clamp(-8000, 8000);
                let o = [OverflowMode::Sat, OverflowMode::SatZero, OverflowMode::Wrap][o];
                let q = Quantization::from_code(if ac { q } else { q % 7 }).expect("mode");
                let out = if ac {
                    FixedFormat::new(FixedParams {
                        signed: s,
                        quantization: q,
                        overflow: o,
                        ..FixedParams::ac_fixed(w, i)
                    })
                } else {
                    FixedFormat::new(FixedParams {
                        signed: s,
                        quantization: q,
                        overflow: o,
                        ..FixedParams::ap_fixed(w, i)
                    })
                };
                (fa, fb, out.expect("valid"))
            },
        )
}

/// The cast of a rational by the definition: ⌊x·2^F⌋ plus the mode's increment, then the
/// overflow mode (`SAT`, `SAT_ZERO`, or `WRAP` with N = 0).
fn reference_cast(f: &FixedFormat, x: &Rational) -> u64 {
    use rug::Integer;
    let scaled = Rational::from(x << f.frac_bits());
    let floor = Integer::from(scaled.floor_ref());
    let rem = scaled - &floor;
    let half = Rational::from((1, 2));
    let neg = *x < 0;
    let inc = match f.quantization() {
        Quantization::Trn => false,
        Quantization::TrnZero => neg && rem != 0,
        Quantization::Rnd => rem >= half,
        Quantization::RndZero => rem > half || (rem == half && neg),
        Quantization::RndMinInf => rem > half,
        Quantization::RndInf => rem > half || (rem == half && !neg),
        Quantization::RndConv => rem > half || (rem == half && floor.is_odd()),
        Quantization::RndConvOdd => rem > half || (rem == half && floor.is_even()),
    };
    let q = floor + u32::from(inc);
    let (min, max) = (Integer::from(f.min_raw()), Integer::from(f.max_raw()));
    let raw = if q >= min && q <= max {
        q
    } else {
        match f.overflow() {
            OverflowMode::SatZero => Integer::new(),
            OverflowMode::Sat if q > max => max,
            OverflowMode::Sat => min,
            _ => q.keep_bits(f.width()),
        }
    };
    raw.to_i128_wrapping() as u64 & f.mask()
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (-1e6f64..1e6),
        (-4.0f64..4.0),
    ]
}

fn rational(x: &Exact) -> Rational {
    match *x {
        Exact::Finite(f) => {
            let r = Rational::from(f.sig) << f.exp;
            if f.negative { -r } else { r }
        }
        _ => Rational::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Saturating casts are monotone.
    #[test]
    fn saturating_casts_are_monotone(f in format(), x in finite(), y in finite(), sym in any::<bool>()) {
        let o = if sym && f.is_signed() { OverflowMode::SatSym } else { OverflowMode::Sat };
        let f = FixedFormat::new(FixedParams { overflow: o, sat_bits: 0, ..f.params() }).unwrap();
        let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
        let (a, b) = (Fixed::from_f64(f, lo), Fixed::from_f64(f, hi));
        prop_assert!(a <= b, "{f}: {lo} -> {}, {hi} -> {}", a.raw(), b.raw());
    }

    /// A representable value casts to itself, in every mode (except the most negative
    /// code under SAT_SYM, which the type never holds: it becomes −max).
    #[test]
    fn casts_are_idempotent(f in format(), bits in any::<u64>()) {
        let msb = 1u64 << (f.width() - 1);
        prop_assume!(!(f.overflow() == OverflowMode::SatSym && f.is_signed() && bits & f.mask() == msb));
        let x = f.to_exact(bits & f.mask());
        let r = f.from_exact_with(&x);
        prop_assert_eq!(r.value, bits & f.mask());
        prop_assert!(r.status.is_ok());
        // And through another format that holds it.
        let wide = FixedFormat::new(FixedParams::ap_fixed(64, f.int_bits() + (64 - f.width() as i32) / 2));
        if let Ok(g) = wide {
            let v = g.cast_from_with(&f, bits & f.mask());
            if !v.status.contains(lowprec::Status::INEXACT) && !v.status.contains(lowprec::Status::OVERFLOW) {
                prop_assert_eq!(f.cast_from(&g, v.value), bits & f.mask());
            }
        }
    }

    /// In range, a cast rounds as the float core rounds the same value to the precision
    /// whose quantum is the format's LSB.
    #[test]
    fn casts_match_the_float_core(f in format(), m in 0i32..=52, sig in any::<u64>(), neg in any::<bool>()) {
        // x in [2^e, 2^(e+1)) with e = m − F, so that 2^(e − m) is the format's LSB.
        let e = m - f.frac_bits();
        let mant = (sig >> 11) | (1 << 52);
        let x = (mant as f64) * 2f64.powi(e - 52) * if neg { -1.0 } else { 1.0 };
        prop_assume!(x.is_finite() && x.abs() >= f64::MIN_POSITIVE);
        let Ok(fmt) = FloatFormat::ieee(11, m as u32) else { return Ok(()) };
        let mut rng = SplitMix64::new(0);
        let fl = fmt.from_f64_with(x, Round::new(f.quantization().rounding(), Overflow::Ieee), &mut rng).value;
        let want = fmt.decode(fl);
        let got = f.from_f64_with(x);
        if !got.status.contains(lowprec::Status::OVERFLOW) {
            prop_assert_eq!(rational(&f.to_exact(got.value)), rational(&want), "{} {}", f, x);
        }
    }

    /// The AP_TRN / AP_WRAP fast path of arithmetic results agrees with the general cast
    /// (the shared rounding decision, toward −∞, then the wrap), flags included.
    #[test]
    fn trn_wrap_fast_path(
        w in 1u32..=64, i in -80i32..=80, signed in any::<bool>(),
        raw in any::<i128>(), sw in 1i64..=128, si in -60i64..=140, ss in any::<bool>(),
    ) {
        let f = FixedFormat::new(FixedParams { signed, ..FixedParams::ap_fixed(w, i) }).unwrap();
        let src = lowprec::fixed::WideFormat::new(sw, si, ss || sw == 128).unwrap();
        let x = Wide::new(raw, src);
        let fast = x.cast_with(&f);
        let general = f.round_exact(&x.to_exact(), lowprec::Rounding::TowardNegative, &mut SplitMix64::new(0));
        prop_assert_eq!(fast, general, "{} from {} raw {}", f, src, x.raw());
    }

    /// Parsing never panics (any text, non-ASCII included), and what parses prints back
    /// to a spelling that parses to the same format.
    #[test]
    fn parsing_is_total(s in "(ap_u?fixed|ac_fixed|ap_u?int|äp|)[<>, 0-9A-Z_a-z-é]{0,40}") {
        if let Ok(f) = s.parse::<FixedFormat>() {
            prop_assert_eq!(f.to_string().parse::<FixedFormat>(), Ok(f));
        }
    }

    /// Every format built from parameters prints a spelling that parses back to it.
    #[test]
    fn display_round_trips(f in format(), ac in any::<bool>(), q in 0u8..8) {
        prop_assert_eq!(f.to_string().parse::<FixedFormat>(), Ok(f));
        prop_assert_eq!(FixedFormat::new(f.params()), Ok(f));
        let q = Quantization::from_code(q).unwrap();
        let o = if f.overflow() == OverflowMode::WrapSm { OverflowMode::Wrap } else { f.overflow() };
        if ac {
            let g = FixedFormat::new(FixedParams { signed: f.is_signed(), quantization: q, overflow: o, ..FixedParams::ac_fixed(f.width(), f.int_bits()) }).unwrap();
            prop_assert_eq!(g.to_string().parse::<FixedFormat>(), Ok(g));
            prop_assert_eq!(FixedFormat::new(g.params()), Ok(g));
        }
        let i = if f.is_signed() {
            FixedFormat::ap_int(f.width())
        } else {
            FixedFormat::ap_uint(f.width())
        }
        .unwrap();
        prop_assert_eq!(i.to_string().parse::<FixedFormat>(), Ok(i));
        prop_assert_eq!(FixedFormat::new(i.params()), Ok(i));
    }

    /// `out = a ± b` casts the exact sum whatever the distance between the binary points
    /// (up to ±400 bits here, far beyond the 128-bit intermediate): it equals the
    /// definition applied to the rational sum (round with the mode, then saturate, give
    /// 0 or keep the low W bits), for ap_fixed and ac_fixed targets alike.
    #[test]
    fn wide_sums_cast_exactly(
        (fa, fb, out) in wide_triple(), x in any::<u64>(), y in any::<u64>(), sub in any::<bool>(),
    ) {
        let (x, y) = (x & fa.mask(), y & fb.mask());
        let (a, b) = (Wide::from_bits(&fa, x), Wide::from_bits(&fb, y));
        let (ra, rb) = (rational(&a.to_exact()), rational(&b.to_exact()));
        let exact = if sub { ra - rb } else { ra + rb };
        let got = out.from_sum_with(&a, &b, sub);
        prop_assert_eq!(got.value, reference_cast(&out, &exact), "{} {} {} {} {}", fa, fb, out, x, y);
        prop_assert!(!got.status.contains(lowprec::Status::INVALID));
    }

    /// Exact products, sums, differences and quotients equal rational arithmetic, for
    /// ap_fixed and ac_fixed operands (`ac` turns both into ac_fixed types).
    #[test]
    fn arithmetic_is_exact(
        fa in format(), fb in format(), x in any::<u64>(), y in any::<u64>(), ac in any::<bool>(),
    ) {
        let to_ac = |f: FixedFormat| {
            let o = if f.overflow() == OverflowMode::WrapSm { OverflowMode::Wrap } else { f.overflow() };
            FixedFormat::new(FixedParams { signed: f.is_signed(), quantization: f.quantization(), overflow: o, ..FixedParams::ac_fixed(f.width(), f.int_bits()) }).unwrap()
        };
        let (fa, fb) = if ac { (to_ac(fa), to_ac(fb)) } else { (fa, fb) };
        let (x, y) = (x & fa.mask(), y & fb.mask());
        let (a, b) = (Wide::from_bits(&fa, x), Wide::from_bits(&fb, y));
        let (ra, rb) = (rational(&a.to_exact()), rational(&b.to_exact()));
        let p = a.mul(&b).unwrap();
        prop_assert_eq!(rational(&p.to_exact()), ra.clone() * &rb);
        if let Ok(s) = a.add(&b) {
            prop_assert_eq!(rational(&s.to_exact()), ra.clone() + &rb);
        }
        if let Ok(d) = a.sub(&b) {
            prop_assert_eq!(rational(&d.to_exact()), ra.clone() - &rb);
        }
        if let Ok(q) = a.div(&b) {
            // ap_fixed divides in max(W1 + max(F2,0), W2) bits here: its most negative
            // dividend over −1 LSB wraps back to itself (the header's quirk).
            let sh = fb.frac_bits().max(0);
            let ap_wraps = !ac
                && fa.is_signed()
                && fb.is_signed()
                && a.raw() == fa.min_raw()
                && b.raw() == -1
                && fb.width() as i32 <= fa.width() as i32 + sh;
            if ap_wraps {
                prop_assert_eq!(q.raw(), fa.min_raw() << sh);
            } else {
                // Truncation of the raw quotient toward zero: |q − a/b| < one LSB of q,
                // and q lies between 0 and a/b.
                let exact = ra / &rb;
                let lsb = Rational::from(1) >> q.format().frac_bits();
                let rq = rational(&q.to_exact());
                prop_assert!((rq.clone() - &exact).abs() < lsb);
                prop_assert!(rq.clone().abs() <= exact.clone().abs());
            }
        }
        // Sums cast into a format agree with the exact path of op=.
        let s1 = fa.from_sum_with(&a, &b, false);
        if let Ok(s) = a.add(&b) {
            prop_assert_eq!(s1.value, s.cast(&fa));
        }
    }
}

/// Sums too wide for the intermediate, pinned: the cases that once went wrong.
#[test]
fn wide_sum_regressions() {
    let t = |s: &str| s.parse::<FixedFormat>().unwrap();
    // a += b with a 136-bit sum: b·2^134 vanishes modulo 2^64, AC_WRAP keeps a (the
    // header's result; the path once returned only b's wrapped bits, 0).
    let (a, b) = (
        t("ac_fixed<64,-70,false,AC_TRN_ZERO>"),
        t("ac_fixed<4,1,false,AC_RND_MIN_INF,AC_SAT_SYM>"),
    );
    assert_eq!(a.add_assign(0xe, &Wide::from_bits(&b, 2)), 0xe);
    assert_eq!(a.sub_assign(0xe, &Wide::from_bits(&b, 2)), 0xe);
    // −0.5 + 2^−281 into ap_ufixed<1,3> (LSB 4): ⌊−0.125 + ε⌋ = −1 wraps to 1. The tiny
    // operand's sticky bit once landed on the LSB of −0.5 and cancelled it exactly.
    let (tiny, half, out) = (
        t("ap_ufixed<3,-278>"),
        t("ap_fixed<1,0>"),
        t("ap_ufixed<1,3>"),
    );
    let s = out.from_sum_with(
        &Wide::from_bits(&tiny, 1),
        &Wide::from_bits(&half, 1),
        false,
    );
    assert_eq!(s.value, 1);
}
