//! Format descriptors against the published definitions (OCP FP8 and MX specs, IEEE 754,
//! ml_dtypes' `finfo`, the P3109 interim report), name parsing, and validation errors.

use lowprec::float::{Class, FloatParams, Specials};
use lowprec::{FloatFormat, FormatError};
use proptest::prelude::*;

/// (name, width, max finite, min normal, min subnormal, epsilon, #NaN codes, #Inf codes, #zero codes)
/// from the specifications, written out by hand.
#[allow(clippy::type_complexity)]
const SPEC: &[(&str, u32, f64, f64, f64, f64, u32, u32, u32)] = &[
    (
        "fp16",
        16,
        65504.0,
        6.103515625e-5,
        5.960464477539063e-8,
        9.765625e-4,
        2046,
        2,
        2,
    ),
    (
        "bf16",
        16,
        3.3895313892515355e38,
        1.1754943508222875e-38,
        9.183549615799121e-41,
        7.8125e-3,
        254,
        2,
        2,
    ),
    (
        "e5m2",
        8,
        57344.0,
        6.103515625e-5,
        1.52587890625e-5,
        0.25,
        6,
        2,
        2,
    ),
    ("e4m3", 8, 240.0, 0.015625, 0.001953125, 0.125, 14, 2, 2),
    ("e4m3fn", 8, 448.0, 0.015625, 0.001953125, 0.125, 2, 0, 2),
    (
        "e4m3fnuz",
        8,
        240.0,
        0.0078125,
        0.0009765625,
        0.125,
        1,
        0,
        1,
    ),
    (
        "e5m2fnuz",
        8,
        57344.0,
        3.0517578125e-5,
        7.62939453125e-6,
        0.25,
        1,
        0,
        1,
    ),
    (
        "e4m3b11fnuz",
        8,
        30.0,
        0.0009765625,
        0.0001220703125,
        0.125,
        1,
        0,
        1,
    ),
    ("e3m4", 8, 15.5, 0.25, 0.015625, 0.0625, 30, 2, 2),
    ("e2m3", 6, 7.5, 1.0, 0.125, 0.125, 0, 0, 2),
    ("e3m2", 6, 28.0, 0.25, 0.0625, 0.25, 0, 0, 2),
    ("e2m1", 4, 6.0, 1.0, 0.5, 0.5, 0, 0, 2),
    (
        "e8m0",
        8,
        1.7014118346046923e38,
        5.877471754111438e-39,
        5.877471754111438e-39,
        1.0,
        1,
        0,
        0,
    ),
    // P3109 binary8p3 (E5, bias 16): extended has ±Inf at 0x7F/0xFF, NaN at 0x80, no −0.
    (
        "binary8p3se",
        8,
        49152.0,
        3.0517578125e-5,
        7.62939453125e-6,
        0.25,
        1,
        2,
        1,
    ),
    (
        "binary8p3sf",
        8,
        57344.0,
        3.0517578125e-5,
        7.62939453125e-6,
        0.25,
        1,
        0,
        1,
    ),
    (
        "binary8p4se",
        8,
        224.0,
        0.0078125,
        0.0009765625,
        0.125,
        1,
        2,
        1,
    ),
    (
        "binary8p1se",
        8,
        4.611686018427388e18,
        1.0842021724855044e-19,
        1.0842021724855044e-19,
        1.0,
        1,
        2,
        1,
    ),
];

#[test]
fn presets_match_the_specifications() {
    for &(name, width, max, min_normal, min_sub, eps, nans, infs, zeros) in SPEC {
        let f: FloatFormat = name.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(f.width(), width, "{name} width");
        assert_eq!(f.max_value(), max, "{name} max");
        assert_eq!(f.min_normal(), min_normal, "{name} min normal");
        assert_eq!(f.min_subnormal(), min_sub, "{name} min subnormal");
        assert_eq!(f.epsilon(), eps, "{name} epsilon");
        assert_eq!(f.unit_roundoff(), eps / 2.0, "{name} unit roundoff");
        let count = |class: Class| {
            (0..1u64 << width)
                .filter(|&c| f.classify(c) == class)
                .count() as u32
        };
        assert_eq!(count(Class::Nan), nans, "{name} NaN codes");
        assert_eq!(count(Class::Infinite), infs, "{name} Inf codes");
        assert_eq!(count(Class::Zero), zeros, "{name} zero codes");
        assert_eq!(f.num_codes(), 1u128 << width);
    }
}

#[test]
fn wide_presets_match_the_host_types() {
    let fp32 = FloatFormat::FP32;
    assert_eq!(fp32.max_value(), f64::from(f32::MAX));
    assert_eq!(fp32.min_normal(), f64::from(f32::MIN_POSITIVE));
    assert_eq!(fp32.epsilon(), f64::from(f32::EPSILON));
    let fp64 = FloatFormat::FP64;
    assert_eq!(fp64.max_value(), f64::MAX);
    assert_eq!(fp64.min_normal(), f64::MIN_POSITIVE);
    assert_eq!(fp64.min_subnormal(), f64::from_bits(1));
    assert_eq!(fp64.epsilon(), f64::EPSILON);
    assert_eq!(fp64.num_codes(), 1u128 << 64);
    // tf32: 8 exponent bits, 10 fraction bits.
    assert_eq!(
        FloatFormat::TF32.max_value(),
        (2.0 - 2f64.powi(-10)) * 2f64.powi(127)
    );
}

#[test]
fn every_preset_name_round_trips() {
    for (name, f) in FloatFormat::PRESETS {
        assert_eq!(name.parse::<FloatFormat>(), Ok(f));
        assert_eq!(name.to_uppercase().parse::<FloatFormat>(), Ok(f));
        assert_eq!(f.to_string(), name);
    }
}

#[test]
fn custom_spellings() {
    let f: FloatFormat = "e6m9".parse().unwrap();
    assert_eq!(
        (f.exp_bits(), f.man_bits(), f.bias(), f.specials()),
        (6, 9, 31, Specials::Ieee)
    );
    let f: FloatFormat = "e5m2:fnuz:bias=16".parse().unwrap();
    assert_eq!(f, FloatFormat::E5M2FNUZ);
    let f: FloatFormat = "e4m3:fn".parse().unwrap();
    assert_eq!(f, FloatFormat::E4M3FN);
    let f: FloatFormat = "e3m2:finite".parse().unwrap();
    assert_eq!(f, FloatFormat::E3M2);
    let f: FloatFormat = "e4m3:nosub:bias=-3".parse().unwrap();
    assert!(!f.has_subnormals());
    assert_eq!(f.bias(), -3);
    assert_eq!(f.min_subnormal(), f.min_normal());
    assert_eq!(f.min_normal(), 16.0);
}

#[test]
fn invalid_formats_are_typed_errors() {
    let cases: &[(&str, FormatError)] = &[
        ("e0m3", FormatError::ExponentBits(0)),
        ("e12m3", FormatError::ExponentBits(12)),
        ("e5m53", FormatError::FractionBits(53)),
        ("e11m52:bias=2000000", FormatError::Bias(2_000_000)),
        (
            "e3m2:fnuz:unsigned",
            FormatError::Inconsistent("FNUZ formats need a sign bit: their NaN is the −0 code"),
        ),
        ("e1m0", FormatError::NoFiniteValue),
        ("fp17", FormatError::UnknownName),
        ("e4m3:xyz", FormatError::UnknownName),
        ("binary8p9se", FormatError::ExponentBits(0)),
        ("", FormatError::UnknownName),
        ("e4m3:bias=", FormatError::UnknownName),
    ];
    for (s, err) in cases {
        assert_eq!(s.parse::<FloatFormat>(), Err(*err), "{s:?}");
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(
        FloatFormat::new(FloatParams::ieee(11, 52)),
        Ok(FloatFormat::FP64)
    );
    assert!(matches!(
        FloatFormat::new(FloatParams {
            bias: 0,
            ..FloatParams::ieee(11, 53)
        }),
        Err(FormatError::FractionBits(53))
    ));
    assert!(matches!(
        FloatFormat::new(FloatParams {
            bias: 0,
            specials: Specials::Finite,
            ..FloatParams::ieee(11, 52)
        })
        .map(|f| f.width()),
        Ok(64)
    ));
    assert!(
        FloatFormat::new(FloatParams {
            bias: 0,
            specials: Specials::Finite,
            ..FloatParams::ieee(10, 52)
        })
        .is_ok()
    );
    assert!(
        FloatFormat::new(FloatParams {
            bias: 0,
            specials: Specials::NoZero,
            subnormals: false,
            ..FloatParams::ieee(11, 52)
        })
        .is_ok()
    );
    assert!(matches!(
        FloatFormat::new(FloatParams {
            bias: 0,
            specials: Specials::NoZero,
            ..FloatParams::ieee(11, 52)
        }),
        Err(FormatError::Inconsistent(_))
    ));
}

/// The parameters of every preset build it again, field by field as documented.
#[test]
fn presets_from_params() {
    for (name, f) in FloatFormat::PRESETS {
        let p = f.params();
        assert_eq!(FloatFormat::new(p), Ok(f), "{name}");
        assert_eq!(
            (
                p.exp_bits,
                p.man_bits,
                p.bias,
                p.specials,
                p.subnormals,
                p.signed
            ),
            (
                f.exp_bits(),
                f.man_bits(),
                f.bias(),
                f.specials(),
                f.has_subnormals(),
                f.is_signed()
            ),
            "{name}"
        );
    }
    let e8m0 = FloatFormat::E8M0.params();
    assert_eq!(
        e8m0,
        FloatParams {
            exp_bits: 8,
            man_bits: 0,
            bias: 127,
            specials: Specials::NoZero,
            subnormals: false,
            signed: false,
        }
    );
}

fn any_format() -> impl Strategy<Value = FloatFormat> {
    (
        1u32..=11,
        0u32..=52,
        -40i32..=40,
        0usize..Specials::ALL.len(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_filter_map("valid", |(e, m, dbias, sp, sub, signed)| {
            let specials = Specials::ALL[sp];
            let bias = (1 << (e - 1)) - 1 + dbias;
            FloatFormat::new(FloatParams {
                exp_bits: e,
                man_bits: m,
                bias,
                specials,
                subnormals: sub,
                signed,
            })
            .ok()
        })
}

proptest! {
    #[test]
    fn display_parses_back(f in any_format()) {
        let s = f.to_string();
        prop_assert_eq!(s.parse::<FloatFormat>(), Ok(f), "{}", s);
        prop_assert_eq!(FloatFormat::new(f.params()), Ok(f), "{}", s);
    }

    #[test]
    fn codes_increase_with_value(f in any_format(), a in any::<u64>(), b in any::<u64>()) {
        // Among finite non-negative codes, the order of codes is the order of values.
        let mask = f.mag_mask();
        let (a, b) = (a & mask, b & mask);
        prop_assume!(a <= f.max_mag() && b <= f.max_mag());
        let (x, y) = (f.to_f64(a), f.to_f64(b));
        if a < b { prop_assert!(x <= y) } else { prop_assert!(x >= y) }
    }

    #[test]
    fn parsing_never_panics(s in "\\PC{0,24}") {
        let _ = s.parse::<FloatFormat>();
    }
}
