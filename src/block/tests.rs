//! The OCP Microscaling Formats (MX) v1.0 specification's definitions as unit tests: the
//! E8M0 scale's encodings, the element formats' value ranges and emax_elem, the
//! conversion of a vector to an MX block (shared_exp = ⌊log₂ max|V_i|⌋ − emax_elem,
//! X = 2^shared_exp clamped to the E8M0 range, P_i = V_i / X rounded to nearest even and
//! clamped to ±max normal), and the special values (a NaN scale makes the block NaN).

use super::*;
use crate::float::Exact;
use crate::{FloatFormat, NoRandom, Round, Rounding, Status};

fn q(fmt: &BlockFormat, xs: &[f32]) -> (u8, [u8; 32], Status) {
    let mut s = [0u8; 1];
    let mut c = [0u8; 32];
    let r = quantize_f32_with(
        fmt,
        xs,
        &mut s,
        &mut c[..xs.len()],
        Round::default(),
        &mut NoRandom,
    )
    .unwrap();
    (s[0], c, r.status)
}

fn deq(fmt: &BlockFormat, s: u8, codes: &[u8]) -> [f64; 32] {
    let mut out = [0f64; 32];
    dequantize_f64(fmt, 1.0, &[s], codes, &mut out[..codes.len()]).unwrap();
    out
}

#[test]
fn e8m0_encodings() {
    // Bias 127, no sign, no zero: 0x00 = 2^−127, 0x7F = 1, 0xFE = 2^127, 0xFF = NaN.
    let f = FloatFormat::E8M0;
    assert_eq!(f.decode(0x00), Exact::from_parts(false, 1, -127));
    assert_eq!(f.to_f64(0x7F), 1.0);
    assert_eq!(f.decode(0xFE), Exact::from_parts(false, 1, 127));
    assert!(f.to_f64(0xFF).is_nan());
}

#[test]
fn element_ranges_and_emax() {
    // The specification's table of element formats: max normal and emax_elem.
    let table: [(BlockFormat, f64, i32); 6] = [
        (BlockFormat::MXFP8_E5M2, 57344.0, 15),
        (BlockFormat::MXFP8_E4M3, 448.0, 8),
        (BlockFormat::MXFP6_E3M2, 28.0, 4),
        (BlockFormat::MXFP6_E2M3, 7.5, 2),
        (BlockFormat::MXFP4_E2M1, 6.0, 2),
        (BlockFormat::MXINT8, 1.984375, 0),
    ];
    for (fmt, max, emax) in table {
        assert_eq!(fmt.element.emax(), emax, "{fmt}");
        assert_eq!(fmt.block_size, 32);
        assert_eq!(fmt.scale, ScaleFormat::E8M0);
        if let ElementFormat::Float(f) = fmt.element {
            assert_eq!(f.max_value(), max, "{fmt}");
        }
    }
    // FP4 E2M1 values: ±{0, 0.5, 1, 1.5, 2, 3, 4, 6}.
    let e2m1: [f64; 8] = core::array::from_fn(|c| FloatFormat::E2M1.to_f64(c as u64));
    assert_eq!(e2m1, [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]);
    // MXINT8: two's complement with an implicit 2^−6: −2 … 1 63/64.
    let codes = [0x80u8, 0xFF, 0x00, 0x01, 0x7F];
    let v = deq(&BlockFormat::MXINT8, 127, &codes);
    assert_eq!(v[..5], [-2.0, -0.015625, 0.0, 0.015625, 1.984375]);
}

#[test]
fn conversion_of_a_vector() {
    // MXFP8 E4M3: max |V| = 10 → ⌊log₂ 10⌋ = 3, shared_exp = 3 − 8 = −5, X = 2^−5.
    let xs = [10.0f32, 1.0, -0.1, 0.0];
    let (s, c, _) = q(&BlockFormat::MXFP8_E4M3, &xs);
    assert_eq!(s, 127 - 5);
    let v = deq(&BlockFormat::MXFP8_E4M3, s, &c[..4]);
    // 10 / 2^−5 = 320 is an E4M3 value; 0.1 · 32 = 3.2 rounds to 3.25.
    assert_eq!(v[..4], [10.0, 1.0, -3.25 / 32.0, 0.0]);

    // MXFP4: max |V| = 7 → X = 2^(2 − 2) = 1; 7 clamps to max normal 6 (no overflow to NaN).
    let (s, c, st) = q(&BlockFormat::MXFP4_E2M1, &[7.0, -7.0, 2.5, 0.25]);
    assert_eq!(s, 127);
    assert_eq!(c[..4], [0x7, 0xF, 0x4, 0x0]); // 6, −6, 2 (tie to even), 0 (tie to even)
    assert!(st.contains(Status::OVERFLOW));

    // MXFP8 E4M3 near the top: 480 / 2^0 rounds to 512 > 448: clamped to 448.
    let (s, c, _) = q(&BlockFormat::MXFP8_E4M3, &[480.0]);
    assert_eq!((s, c[0]), (127, 0x7E));

    // MXINT8: max |V| = 3 → X = 2^(1 − 0) = 2; 3 / 2 = 1.5 = 96/64; −3.99/2 → −2 (code 0x80).
    let (s, c, _) = q(&BlockFormat::MXINT8, &[3.0, -3.99, 0.01]);
    assert_eq!(s, 128);
    assert_eq!(c[..3], [96, 0x80, 0]);

    // The scale is clamped to E8M0's range: tiny blocks get 2^−127.
    let tiny = f32::from_bits(1); // 2^−149
    let (s, c, _) = q(&BlockFormat::MXFP8_E4M3, &[tiny]);
    assert_eq!(s, 0);
    // 2^−149 / 2^−127 = 2^−22: below half of E4M3's smallest subnormal 2^−9.
    assert_eq!(c[0], 0);
    // f32::MAX: ⌊log₂⌋ = 127 → X = 2^119; MAX / X = 2^8 · (2 − 2^−23) rounds to 512: 448.
    let (s, c, _) = q(&BlockFormat::MXFP8_E4M3, &[f32::MAX]);
    assert_eq!((s, c[0]), (127 + 119, 0x7E));
}

#[test]
fn rounding_modes_of_the_element() {
    // The element is one rounding of V / X in the caller's mode.
    let fmt = BlockFormat::MXFP4_E2M1;
    let xs = [4.0f32, 2.5];
    for (mode, want) in [
        (Rounding::TiesToEven, 0x4u8),
        (Rounding::TiesToAway, 0x5),
        (Rounding::TowardZero, 0x4),
        (Rounding::TowardPositive, 0x5),
    ] {
        let mut s = [0u8; 1];
        let mut c = [0u8; 2];
        let _ = quantize_f32_with(&fmt, &xs, &mut s, &mut c, mode, &mut NoRandom).unwrap();
        assert_eq!(c[1], want, "{mode:?}");
    }
}

#[test]
fn special_values() {
    // A NaN in the block: the scale is NaN (0xFF) and every value of the block is NaN.
    let (s, c, st) = q(&BlockFormat::MXFP8_E4M3, &[1.0, f32::NAN, 2.0]);
    assert_eq!(s, 0xFF);
    assert!(st.contains(Status::INVALID));
    assert!(
        deq(&BlockFormat::MXFP8_E4M3, s, &c[..3])[..3]
            .iter()
            .all(|v| v.is_nan())
    );
    // A NaN scale read from memory makes its block NaN whatever the elements.
    assert!(
        deq(&BlockFormat::MXINT8, 0xFF, &[0, 1])[..2]
            .iter()
            .all(|v| v.is_nan())
    );
    // ±∞: the largest scale, 2^127, and the infinity saturates to ±max.
    let (s, c, _) = q(&BlockFormat::MXFP8_E5M2, &[f32::NEG_INFINITY, 1.0]);
    assert_eq!((s, c[0], c[1]), (254, 0xFB, 0x00));
    // E5M2 elements keep ±∞ under SatPropagate.
    let mut sc = [0u8; 1];
    let mut cc = [0u8; 1];
    let how = Round::new(Rounding::TiesToEven, crate::Overflow::SatPropagate);
    let _ = quantize_f32_with(
        &BlockFormat::MXFP8_E5M2,
        &[f32::INFINITY],
        &mut sc,
        &mut cc,
        how,
        &mut NoRandom,
    )
    .unwrap();
    assert_eq!(cc[0], 0x7C);
    // An all-zero block: the smallest scale; −0 stays −0 where the element has it.
    let (s, c, _) = q(&BlockFormat::MXFP6_E2M3, &[0.0, -0.0]);
    assert_eq!((s, c[0], c[1]), (0, 0x00, 0x20));
}

#[test]
fn tails_and_lengths() {
    let fmt = "mxfp4_e2m1:block=4".parse::<BlockFormat>().unwrap();
    let xs = [1.0f32, 2.0, 3.0, 4.0, 100.0, 1.0];
    let mut s = [0u8; 2];
    let mut c = [0u8; 6];
    quantize_f32(&fmt, &xs, &mut s, &mut c).unwrap();
    assert_eq!(s, [127, 127 + 4]);
    let mut bad = [0u8; 1];
    assert!(matches!(
        quantize_f32(&fmt, &xs, &mut bad, &mut c),
        Err(BlockError::Length {
            what: "scales",
            expected: 2,
            got: 1
        })
    ));
    let mut out = [0f32; 6];
    dequantize_f32(&fmt, 1.0, &s, &c, &mut out).unwrap();
    assert_eq!(out, [1.0, 2.0, 3.0, 4.0, 96.0, 0.0]);
    assert_eq!(
        dequantize_f32(&BlockFormat::NVFP4, f32::NAN, &[0x38], &[1], &mut out[..1]),
        Err(BlockError::TensorScale)
    );
}
