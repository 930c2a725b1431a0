//! Properties of fixed-point casts and arithmetic over random formats and values:
//! casts are monotone (saturating modes), idempotent on representable values, agree with
//! the float core's rounding of the same value at the same quantum, and exact arithmetic
//! agrees with exact rational arithmetic (through `rug`).

use lowprec::fixed::{Fixed, FixedFormat, OverflowMode, Quantization, Wide};
use lowprec::float::Exact;
use lowprec::{FloatFormat, Overflow, SplitMix64};
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
            FixedFormat::ap(
                w,
                i,
                s,
                Quantization::from_code(q)?,
                OverflowMode::from_code(o)?,
                n,
            )
            .ok()
        })
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
        let f = f.with_modes(f.quantization(), o, 0).unwrap();
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
        let r = f.from_exact(&x);
        prop_assert_eq!(r.value, bits & f.mask());
        prop_assert!(r.status.is_ok());
        // And through another format that holds it.
        let wide = FixedFormat::ap(64, f.int_bits() + (64 - f.width() as i32) / 2, true,
            Quantization::Trn, OverflowMode::Wrap, 0);
        if let Ok(g) = wide {
            let v = g.cast_from(&f, bits & f.mask());
            if !v.status.contains(lowprec::Status::INEXACT) && !v.status.contains(lowprec::Status::OVERFLOW) {
                prop_assert_eq!(f.cast_from(&g, v.value).value, bits & f.mask());
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
        let fl = fmt.from_f64(x, f.quantization().rounding(), Overflow::Ieee, &mut rng).value;
        let want = fmt.decode(fl);
        let got = f.from_f64(x);
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
        let f = FixedFormat::ap(w, i, signed, Quantization::Trn, OverflowMode::Wrap, 0).unwrap();
        let src = lowprec::fixed::WideFormat::new(sw, si, ss || sw == 128).unwrap();
        let x = Wide::new(raw, src);
        let fast = x.cast(&f);
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
        let q = Quantization::from_code(q).unwrap();
        let o = if f.overflow() == OverflowMode::WrapSm { OverflowMode::Wrap } else { f.overflow() };
        if ac {
            let g = FixedFormat::ac(f.width(), f.int_bits(), f.is_signed(), q, o).unwrap();
            prop_assert_eq!(g.to_string().parse::<FixedFormat>(), Ok(g));
        }
        let i = FixedFormat::ap_int(f.width(), f.is_signed()).unwrap();
        prop_assert_eq!(i.to_string().parse::<FixedFormat>(), Ok(i));
    }

    /// Exact products, sums, differences and quotients equal rational arithmetic.
    #[test]
    fn arithmetic_is_exact(fa in format(), fb in format(), x in any::<u64>(), y in any::<u64>()) {
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
            // Truncation of the raw quotient toward zero: |q − a/b| < one LSB of q, and
            // q lies between 0 and a/b.
            let exact = ra / &rb;
            let lsb = Rational::from(1) >> q.format().frac_bits();
            let rq = rational(&q.to_exact());
            prop_assert!((rq.clone() - &exact).abs() < lsb);
            prop_assert!(rq.clone().abs() <= exact.clone().abs());
        }
        // Sums cast into a format agree with the exact path of op=.
        let s1 = fa.from_sum(&a, &b, false);
        if let Ok(s) = a.add(&b) {
            prop_assert_eq!(s1.value, s.cast(&fa).value);
        }
    }
}
