//! The block-scaled formats of `lowprec::block` on random names, formats, data and codes,
//! against exact rational arithmetic (`rug`):
//! - names: `BlockFormat::from_str` never panics on any text (the input's bytes as lossy
//!   UTF-8) nor on names built from the grammar (a preset, `bfp<N>` or `block`, then
//!   `element=`, `block=`, `scale=`, `rule=`, `tensor=` options in any order, repeated,
//!   with float format names carrying their own `:` options, numbers of any length, bad
//!   keys and values); a built name parses to exactly the format `BlockFormat::new`
//!   makes of its parts (the last option of a key wins), or to the typed error of the
//!   part that is wrong; every parsed format's `Display` parses back to an equal format,
//!   and so does the `Display` of every valid format built field by field;
//! - formats built field by field (any float element from `lowprec_fuzz::format`, mostly
//!   of at most 8 bits, integer elements of any width and fraction bits, any scale
//!   format, rule, block size including 0 and huge, tensor scale on or off): `validate`
//!   accepts exactly the documented formats (element ≤ 8 bits or an integer of 2..=8
//!   bits with ≤ 32 fraction bits, block 1..=1024, a scale format of ≤ 8 bits holding a
//!   positive value — decided here from its value table —, no tensor scale without block
//!   scales), with the documented error; with an invalid format every entry point
//!   (quantize, dequantize, chop, `block_scale`, `tensor_scale_f32`, the dot products)
//!   returns an error (`tensor_scale_f32` 1), never panics;
//! - quantize (`quantize_f32_with`, `quantize_f64_with`, their `_with_tensor_scale`
//!   forms; every rounding mode, stochastic ones with a seeded `SplitMix64`, every
//!   overflow policy) on data built around each block's grid (element values times a
//!   power of two, ties of the element grid, one `f32`/`f64` ulp off, amax at and below
//!   powers of two, subnormals, huge values, NaN, ±∞, zeros, short tails): the tensor
//!   scale is amax_finite / (max_scale · max_elem) rounded once to `f32` (1 without one,
//!   the smallest subnormal for an underflow); every scale code is the documented rule
//!   computed here from the rational amax (⌊log₂⌋, ⌈log₂⌉, round(log₂) by exact
//!   comparison, clamped to the scale format's powers of two; `amax` by brute force over
//!   the scale format's values, ties to the even code, saturating), the smallest scale
//!   for an all-zero block, the largest for an infinite amax, the scale format's NaN for
//!   a block holding a NaN; every deterministic element is the exact quotient
//!   V / (X · g) rounded once into the element format by brute force over every element
//!   value (nearest by rational comparison with the mode's tie rule, the directed modes,
//!   ±max beyond the range and for ±∞ unless `SatPropagate` keeps an infinity), a
//!   stochastic one is one of the two neighbours; INEXACT is raised iff some element is
//!   inexact and INVALID iff some block holds a NaN; `dequantize_f32`/`_f64` give X · g · P
//!   exactly, rounded once (ties to even, subnormals included) by a rounding written
//!   here; `chop_f32_with`/`chop_f64_with` equal quantize + dequantize bit for bit and
//!   draw the same random bits;
//! - pack/unpack: for every width 1..=8 and length the packed bytes are the
//!   little-endian bit stream computed here bit by bit, unpack gives the codes back
//!   (masked to the width), wrong widths and lengths are typed errors;
//! - dot: `dot_exact` of two vectors of blocks (quantized data or raw codes, any pair of
//!   formats with the same block size, tensor scales) equals the exact rational sum of
//!   X_A · X_B · g_A · g_B · P_A · P_B when every value is finite, its `to_f32` and
//!   `dot_with` (`MxSum::Once` into fp32, ties to even and the directed modes, `Ieee` and
//!   `SatFinite`) equal that rational rounded once by the rounding written here; with
//!   a NaN operand the result is NaN.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::block::{
    self, BlockError, BlockFormat, ElementFormat, MxSum, MxVector, ScaleFormat, ScaleRule,
};
use lowprec::float::{Exact, FloatParams, Specials};
use lowprec::{FloatFormat, NoRandom, Overflow, RandomBits, Round, Rounding, SplitMix64, Status};
use lowprec_fuzz::{Bytes, mode};
use rug::{Integer, Rational};

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    match b.byte() % 16 {
        0 => text(&mut b),
        1 | 2 => name(&mut b),
        3 => fields(&mut b),
        4 => packing(&mut b),
        5..=7 => dot(&mut b),
        _ => quantize(&mut b),
    }
});

// ---------------------------------------------------------------------------------------
// Exact values.

fn pow2(e: i64) -> Rational {
    let one = Integer::from(1);
    if e >= 0 {
        Rational::from(one << e as u32)
    } else {
        Rational::from((Integer::from(1), one << (-e) as u32))
    }
}

/// The value of a finite `Exact` (None for NaN, ±∞; zeros are 0).
fn rat(x: &Exact) -> Option<Rational> {
    match *x {
        Exact::Zero { .. } => Some(Rational::new()),
        Exact::Finite(f) => {
            let v = Rational::from(Integer::from(f.sig)) * pow2(i64::from(f.exp));
            Some(if f.negative { -v } else { v })
        }
        _ => None,
    }
}

/// ⌊log₂ r⌋ of a positive rational.
fn floor_log2(r: &Rational) -> i64 {
    let (n, d) = (r.numer(), r.denom());
    let mut e = i64::from(n.significant_bits()) - i64::from(d.significant_bits());
    // 2^e ≤ r < 2^(e+1) after at most one correction.
    if *r < pow2(e) {
        e -= 1;
    }
    e
}

fn is_pow2(r: &Rational) -> bool {
    r.denom().is_power_of_two() && r.numer().is_power_of_two()
}

/// A binary format of precision `p` with quantum 2^qmin and largest finite value below
/// 2^emax_plus1: `f32` is (24, −149, 128), `f64` (53, −1074, 1024).
#[derive(Clone, Copy)]
struct Host {
    p: i64,
    qmin: i64,
    top: i64,
}
const F32: Host = Host {
    p: 24,
    qmin: -149,
    top: 128,
};
const F64: Host = Host {
    p: 53,
    qmin: -1074,
    top: 1024,
};

/// Rounds a rational once into a host format: `Some(value)` as an `f64` (exact for both
/// formats), `None` for an overflow to ±∞ (with the sign), or the largest finite.
/// Directed modes as in IEEE 754; `sat` saturates every overflow.
fn round_host(h: Host, v: &Rational, m: Rounding, sat: bool) -> f64 {
    if *v == 0 {
        return 0.0;
    }
    let neg = *v < 0;
    let a = Rational::from(v.abs_ref());
    let e = floor_log2(&a);
    let qe = (e - (h.p - 1)).max(h.qmin);
    let t = a * pow2(-qe);
    let fl = Integer::from(t.floor_ref());
    let frac = Rational::from(&t - &fl);
    let half = Rational::from((1, 2));
    let up = match m {
        Rounding::TiesToEven => frac > half || (frac == half && fl.is_odd()),
        Rounding::TowardZero => false,
        Rounding::TowardPositive => frac != 0 && !neg,
        Rounding::TowardNegative => frac != 0 && neg,
        _ => unreachable!(),
    };
    let n = if up { fl + 1 } else { fl };
    let max = (1u64 << h.p) - 1;
    let val = Rational::from(n.clone()) * pow2(qe);
    let max_val = Rational::from(max) * pow2(h.top - h.p);
    let mag = if val > max_val {
        let to_inf = !sat
            && match m {
                Rounding::TiesToEven => true,
                Rounding::TowardZero => false,
                Rounding::TowardPositive => !neg,
                Rounding::TowardNegative => neg,
                _ => unreachable!(),
            };
        if to_inf {
            f64::INFINITY
        } else {
            max_val.to_f64()
        }
    } else {
        // n < 2^54 and qe ≥ −1074: exact in f64 (n · 2^qe is a host value).
        val.to_f64()
    };
    if neg { -mag } else { mag }
}

fn is_nan(x: &Exact) -> bool {
    matches!(x, Exact::Nan { .. })
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

// ---------------------------------------------------------------------------------------
// Formats.

/// A float format of at most 8 bits (mostly), or any from `lowprec_fuzz::format`.
fn small_float(b: &mut Bytes<'_>) -> Option<FloatFormat> {
    let sel = b.byte();
    if sel & 0xE0 == 0xE0 {
        return lowprec_fuzz::format(b);
    }
    let exp_bits = 1 + u32::from(b.byte()) % 6;
    let flags = b.byte();
    let signed = flags & 0x10 == 0;
    let room = 8 - exp_bits - u32::from(signed);
    let man_bits = u32::from(sel) % (room + 1);
    let specials = Specials::ALL[usize::from(flags) % Specials::ALL.len()];
    let ieee = (1i32 << (exp_bits - 1)) - 1;
    let bias = match flags >> 5 {
        0..=4 => ieee,
        _ => ieee + i32::from(b.byte() as i8) / 8,
    };
    FloatFormat::new(FloatParams {
        exp_bits,
        man_bits,
        bias,
        specials,
        subnormals: flags & 0x08 == 0,
        signed,
    })
    .ok()
}

fn element_format(b: &mut Bytes<'_>) -> Option<ElementFormat> {
    let sel = b.byte();
    match sel % 8 {
        0..=2 => Some(ElementFormat::Float(
            [
                FloatFormat::E4M3FN,
                FloatFormat::E5M2,
                FloatFormat::E3M2,
                FloatFormat::E2M3,
                FloatFormat::E2M1,
            ][usize::from(sel >> 3) % 5],
        )),
        3 | 4 => {
            let x = b.byte();
            let bits = if x & 0x80 == 0 {
                2 + u32::from(x) % 7
            } else {
                u32::from(x & 0x7F) % 12
            };
            let f = b.byte();
            let frac_bits = if f & 0x80 == 0 {
                u32::from(f) % 10
            } else {
                u32::from(f & 0x7F) % 40
            };
            Some(ElementFormat::Int { bits, frac_bits })
        }
        _ => small_float(b).map(ElementFormat::Float),
    }
}

fn scale_format(b: &mut Bytes<'_>) -> Option<ScaleFormat> {
    let sel = b.byte();
    Some(match sel % 8 {
        0..=3 => ScaleFormat::E8M0,
        4 => ScaleFormat::Float(FloatFormat::E4M3FN),
        5 => ScaleFormat::None,
        _ => ScaleFormat::Float(small_float(b)?),
    })
}

fn rule(b: &mut Bytes<'_>) -> ScaleRule {
    [
        ScaleRule::Floor,
        ScaleRule::Ceil,
        ScaleRule::Nearest,
        ScaleRule::AmaxOverMax,
    ][usize::from(b.byte() % 4)]
}

fn block_size(b: &mut Bytes<'_>) -> u32 {
    let s = b.byte();
    match s % 8 {
        0..=4 => 1 + u32::from(b.byte()) % 40,
        5 => 1 << (s >> 4).min(10),
        6 => 1020 + u32::from(s >> 3) % 8,
        _ => [0, u32::MAX, 1 << 20, 2048][usize::from(s >> 6)],
    }
}

/// A format built field by field (not validated).
fn raw_format(b: &mut Bytes<'_>) -> Option<BlockFormat> {
    let sel = b.byte();
    if sel % 4 == 0 {
        let mut f = BlockFormat::PRESETS[usize::from(sel >> 2) % 7].1;
        if sel & 0x80 != 0 {
            f.block_size = block_size(b);
        }
        return Some(f);
    }
    Some(BlockFormat {
        element: element_format(b)?,
        block_size: block_size(b),
        scale: scale_format(b)?,
        rule: rule(b),
        tensor_scale: b.byte() & 3 == 0,
    })
}

/// The finite values of a format of at most 8 bits, with their codes.
fn table(f: &FloatFormat) -> Vec<(u8, Rational, bool)> {
    (0..(1u64 << f.width()))
        .filter_map(|c| {
            let x = f.decode(c);
            rat(&x).map(|v| (c as u8, v, x.is_sign_negative()))
        })
        .collect()
}

/// What `validate` must say, decided from the documented rules.
fn expected_validity(f: &BlockFormat) -> Result<(), BlockError> {
    match f.element {
        ElementFormat::Float(e) if e.width() > 8 => {
            return Err(BlockError::ElementTooWide(e.width()));
        }
        ElementFormat::Int { bits, frac_bits } if !(2..=8).contains(&bits) || frac_bits > 32 => {
            return Err(BlockError::IntElement { bits, frac_bits });
        }
        _ => {}
    }
    if !(1..=1024).contains(&f.block_size) {
        return Err(BlockError::BlockSize(f.block_size));
    }
    match f.scale {
        ScaleFormat::Float(s) if s.width() > 8 => Err(BlockError::ScaleTooWide(s.width())),
        ScaleFormat::Float(s) if !table(&s).iter().any(|(_, v, _)| *v > 0) => {
            Err(BlockError::Inconsistent(""))
        }
        ScaleFormat::None if f.tensor_scale => Err(BlockError::Inconsistent("")),
        _ => Ok(()),
    }
}

fn same_error(a: &BlockError, b: &BlockError) -> bool {
    match (a, b) {
        (BlockError::Inconsistent(_), BlockError::Inconsistent(_)) => true,
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------------------
// Names.

fn text(b: &mut Bytes<'_>) {
    let s = String::from_utf8_lossy(b.0).into_owned();
    if let Ok(f) = s.parse::<BlockFormat>() {
        roundtrip(&f);
    }
}

fn roundtrip(f: &BlockFormat) {
    let shown = f.to_string();
    let back: BlockFormat = shown
        .parse()
        .unwrap_or_else(|e| panic!("{f:?} displays as {shown:?}, which fails: {e:?}"));
    assert_eq!(back, *f, "{shown:?}");
}

fn float_name(f: &FloatFormat) -> String {
    f.to_string()
}

fn number(b: &mut Bytes<'_>) -> (String, Option<u32>) {
    let s = b.byte();
    let n = match s % 4 {
        0 => u64::from(b.byte()),
        1 => u64::from(b.byte()) << 2 | u64::from(s >> 6),
        2 => b.u64() % 10_000_000,
        _ => b.u64(),
    };
    let mut t = n.to_string();
    if s & 0x20 != 0 {
        t.insert(0, '0');
    }
    let v = if t.len() <= 6 { Some(n as u32) } else { None };
    (t, v)
}

fn apply(p: &mut Result<BlockFormat, BlockError>, g: impl Fn(&mut BlockFormat)) {
    if let Ok(f) = p {
        g(f);
    }
}

fn name(b: &mut Bytes<'_>) {
    let head = b.byte();
    let mut s = String::new();
    // The format the name stands for, or the error it must give.
    let head_result: Result<BlockFormat, BlockError> = match head % 10 {
        0..=6 => {
            let (n, p) = BlockFormat::PRESETS[usize::from(head % 7)];
            s.push_str(n);
            Ok(p)
        }
        7 => {
            s.push_str("block");
            Ok(BlockFormat::MXFP8_E4M3)
        }
        8 => {
            let (t, v) = number(b);
            s.push_str("bfp");
            s.push_str(&t);
            match v {
                Some(v) => BlockFormat::bfp(v),
                None => Err(BlockError::UnknownName),
            }
        }
        _ => {
            s.push_str(["mxfp8", "bfp", "mx", "nvfp4x", "", "e4m3"][usize::from(head >> 5) % 6]);
            Err(BlockError::UnknownName)
        }
    };
    let mut pending = head_result;
    let n_opts = b.byte() % 6;
    let mut bad = None;
    for _ in 0..n_opts {
        let k = b.byte();
        match k % 7 {
            0 => {
                let (t, v) = number(b);
                s.push_str(":block=");
                s.push_str(&t);
                match v {
                    Some(v) => apply(&mut pending, |f| f.block_size = v),
                    None => bad = bad.or(Some(BlockError::BadOption)),
                }
            }
            1 => {
                let r = rule(b);
                let n = match r {
                    ScaleRule::Floor => "floor",
                    ScaleRule::Ceil => "ceil",
                    ScaleRule::Nearest => "nearest",
                    ScaleRule::AmaxOverMax => "amax",
                };
                s.push_str(":rule=");
                s.push_str(n);
                apply(&mut pending, |f| f.rule = r);
            }
            2 => {
                let on = k & 0x80 != 0;
                s.push_str(if on { ":tensor=on" } else { ":tensor=off" });
                apply(&mut pending, |f| f.tensor_scale = on);
            }
            3 => {
                let Some(sc) = scale_format(b) else { return };
                let n = match sc {
                    ScaleFormat::E8M0 => "e8m0".to_string(),
                    ScaleFormat::None => "none".to_string(),
                    ScaleFormat::Float(f) => float_name(&f),
                };
                // A float name that does not parse back to itself is left out.
                if let ScaleFormat::Float(f) = sc
                    && n.parse::<FloatFormat>() != Ok(f)
                {
                    return;
                }
                s.push_str(":scale=");
                s.push_str(&n);
                apply(&mut pending, |f| f.scale = sc);
            }
            4 => {
                let Some(e) = element_format(b) else { return };
                let n = match e {
                    ElementFormat::Float(f) => {
                        let n = float_name(&f);
                        if n.parse::<FloatFormat>() != Ok(f) {
                            return;
                        }
                        n
                    }
                    ElementFormat::Int { bits, frac_bits } => format!("int{bits}.{frac_bits}"),
                };
                s.push_str(":element=");
                s.push_str(&n);
                apply(&mut pending, |f| f.element = e);
            }
            5 => {
                s.push_str(
                    [
                        ":blocks=4",
                        ":rule=up",
                        ":tensor=1",
                        ":scale=e9m9x",
                        ":element=int8",
                        ":",
                        ":block",
                    ][usize::from(k >> 4) % 7],
                );
                bad = bad.or(Some(BlockError::BadOption));
            }
            _ => {
                // Upper case is the same name.
                s = s.to_uppercase();
            }
        }
    }
    if b.byte() & 7 == 0 {
        s = format!("  {s}\t");
    }
    let want = match (pending, bad) {
        (Err(e), _) => Err(e),
        (Ok(_), Some(e)) => Err(e),
        (Ok(f), None) => BlockFormat::new(f.element, f.block_size, f.scale, f.rule, f.tensor_scale),
    };
    let got = s.parse::<BlockFormat>();
    if s.trim().len() > 128 {
        assert_eq!(got, Err(BlockError::UnknownName), "{s:?}");
        return;
    }
    match (&got, &want) {
        (Ok(g), Ok(w)) => assert_eq!(g, w, "{s:?}"),
        (Err(g), Err(w)) => {
            // A bad head is found before the options; a bad option before validation.
            assert!(
                same_error(g, w) || matches!(g, BlockError::BadOption | BlockError::UnknownName),
                "{s:?}: {g:?}, expected {w:?}"
            );
        }
        _ => panic!("{s:?}: {got:?}, expected {want:?}"),
    }
    if let Ok(f) = got {
        roundtrip(&f);
    }
}

// ---------------------------------------------------------------------------------------
// Validation and entry points on invalid formats.

fn fields(b: &mut Bytes<'_>) {
    let Some(f) = raw_format(b) else { return };
    let want = expected_validity(&f);
    let got = f.validate();
    match (&got, &want) {
        (Ok(()), Ok(())) => {}
        (Err(g), Err(w)) => assert!(same_error(g, w), "{f:?}: {g:?}, expected {w:?}"),
        _ => panic!("{f:?}: {got:?}, expected {want:?}"),
    }
    if got.is_ok() {
        // Display of a valid format parses back to what `new` makes of it.
        let made = BlockFormat::new(f.element, f.block_size, f.scale, f.rule, f.tensor_scale)
            .expect("validate accepted it");
        roundtrip(&made);
        return;
    }
    let xs = [1.0f32, -2.5, 0.0, 3.0];
    let ys = [1.0f64, -2.5, 0.0, 3.0];
    let mut sc = vec![0u8; f.num_scales(4)];
    let mut codes = [0u8; 4];
    let mut out32 = [0f32; 4];
    let mut out64 = [0f64; 4];
    let mut rng = SplitMix64::new(1);
    let how = Round::default();
    assert!(block::quantize_f32_with(&f, &xs, &mut sc, &mut codes, how, &mut rng).is_err());
    assert!(block::quantize_f64_with(&f, &ys, &mut sc, &mut codes, how, &mut rng).is_err());
    assert!(
        block::quantize_f32_with_tensor_scale(&f, 1.0, &xs, &mut sc, &mut codes, how, &mut rng)
            .is_err()
    );
    assert!(
        block::quantize_f64_with_tensor_scale(&f, 1.0, &ys, &mut sc, &mut codes, how, &mut rng)
            .is_err()
    );
    assert!(block::quantize_f32(&f, &xs, &mut sc, &mut codes).is_err());
    assert!(block::dequantize_f32(&f, 1.0, &sc, &codes, &mut out32).is_err());
    assert!(block::dequantize_f64(&f, 1.0, &sc, &codes, &mut out64).is_err());
    assert!(block::chop_f32_with(&f, &mut out32, how, &mut rng).is_err());
    assert!(block::chop_f64_with(&f, &mut out64, how, &mut rng).is_err());
    assert!(block::chop_f32(&f, &mut out32).is_err());
    assert!(block::block_scale(&f, &xs, 1.0).is_err());
    assert_eq!(block::tensor_scale_f32(&f, &xs), 1.0);
    assert_eq!(block::tensor_scale_f64(&f, &ys), 1.0);
    let v = MxVector::new(f, &sc, &codes);
    let ok = MxVector::new(BlockFormat::MXFP8_E4M3, &[127], &codes);
    assert!(block::dot_exact(&v, &v).is_err());
    assert!(block::dot_exact(&v, &ok).is_err());
    assert!(block::dot_with(&ok, &v, MxSum::default(), &mut rng).is_err());
    assert!(block::dot_f32(&v, &ok).is_err());
}

// ---------------------------------------------------------------------------------------
// Packing.

fn packing(b: &mut Bytes<'_>) {
    let w = b.byte();
    let width = if w & 0x80 == 0 {
        1 + u32::from(w) % 8
    } else {
        u32::from(w & 0x7F) % 12
    };
    let len = usize::from(b.byte()) + usize::from(b.byte() & 1) * 256;
    let codes: Vec<u8> = (0..len).map(|_| b.byte()).collect();
    let n = (len * width as usize).div_ceil(8);
    let mut out = vec![0xA5u8; n];
    let r = block::pack(width, &codes, &mut out);
    if !(1..=8).contains(&width) {
        assert_eq!(r, Err(BlockError::PackWidth(width)));
        let mut back = vec![0u8; len];
        assert_eq!(
            block::unpack(width, &out, &mut back),
            Err(BlockError::PackWidth(width))
        );
        return;
    }
    r.expect("pack");
    assert_eq!(block::packed_len(width, len), n);
    let mut want = vec![0u8; n];
    for (i, &c) in codes.iter().enumerate() {
        for j in 0..width as usize {
            if c >> j & 1 != 0 {
                let k = i * width as usize + j;
                want[k / 8] |= 1 << (k % 8);
            }
        }
    }
    assert_eq!(out, want, "width {width}");
    let mut back = vec![0xFFu8; len];
    block::unpack(width, &out, &mut back).expect("unpack");
    let mask = ((1u16 << width) - 1) as u8;
    let masked: Vec<u8> = codes.iter().map(|c| c & mask).collect();
    assert_eq!(back, masked);
    // Wrong lengths.
    let mut long = vec![0u8; n + 1];
    assert!(matches!(
        block::pack(width, &codes, &mut long),
        Err(BlockError::Length { .. })
    ));
    assert!(matches!(
        block::unpack(width, &long, &mut back),
        Err(BlockError::Length { .. })
    ));
}

// ---------------------------------------------------------------------------------------
// Quantization.

/// The values of an element format: (code, value, is −0), finite only.
struct Elements {
    vals: Vec<(u8, Rational, bool)>,
    /// Sorted distinct values with a representative code (+0's for zero).
    sorted: Vec<(Rational, u8)>,
    has_neg_zero: bool,
    int: bool,
    nan: Option<u8>,
    inf: bool,
}

fn elements(e: &ElementFormat) -> Elements {
    let (vals, nan, inf) = match *e {
        ElementFormat::Float(f) => (
            table(&f),
            f.nan_code().map(|c| c as u8),
            f.inf_code().is_some(),
        ),
        ElementFormat::Int { bits, frac_bits } => {
            let v = (0..1u32 << bits)
                .map(|c| {
                    let s = if c >= 1 << (bits - 1) {
                        i64::from(c) - (1i64 << bits)
                    } else {
                        i64::from(c)
                    };
                    (
                        c as u8,
                        Rational::from(s) * pow2(-i64::from(frac_bits)),
                        false,
                    )
                })
                .collect();
            (v, None, false)
        }
    };
    let mut sorted: Vec<(Rational, u8)> = vals
        .iter()
        .filter(|(_, _, nz)| !nz)
        .map(|(c, v, _)| (v.clone(), *c))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.dedup_by(|a, b| a.0 == b.0);
    let has_neg_zero = vals.iter().any(|(_, v, nz)| *nz && *v == 0);
    Elements {
        vals,
        sorted,
        has_neg_zero,
        int: matches!(e, ElementFormat::Int { .. }),
        nan,
        inf,
    }
}

/// The value of an element code (None for NaN, ±∞ as ±1/0 marked by `Err`).
fn element_value(e: &ElementFormat, code: u8) -> Exact {
    match *e {
        ElementFormat::Float(f) => f.decode(u64::from(code) & ((1 << f.width()) - 1)),
        ElementFormat::Int { bits, frac_bits } => {
            let c = u32::from(code) & ((1 << bits) - 1);
            let s = if c >= 1 << (bits - 1) {
                i64::from(c) - (1i64 << bits)
            } else {
                i64::from(c)
            };
            if s == 0 {
                Exact::Zero { negative: false }
            } else {
                Exact::from_parts(s < 0, s.unsigned_abs() as u128, -(frac_bits as i32))
            }
        }
    }
}

/// The two neighbours of q in the sorted values (equal when q is a value), clamped to
/// the range. `None` when q lies below the smallest value of an unsigned format.
fn neighbours(el: &Elements, q: &Rational) -> Option<(usize, usize)> {
    let s = &el.sorted;
    let i = s.partition_point(|(v, _)| v < q);
    if i < s.len() && s[i].0 == *q {
        return Some((i, i));
    }
    if i == 0 {
        // Below the range: saturation (or an unsigned format's negative side).
        if s[0].0 >= 0 && *q < 0 {
            return None;
        }
        return Some((0, 0));
    }
    if i == s.len() {
        return Some((i - 1, i - 1));
    }
    Some((i - 1, i))
}

/// Whether the code counts as even for the tie rules (its last bit; for integers the
/// integer's).
fn even(code: u8) -> bool {
    code & 1 == 0
}

/// The expected element value of the deterministic rounding of q (finite).
fn round_det(el: &Elements, q: &Rational, m: Rounding) -> Option<(Rational, bool)> {
    let (i, j) = neighbours(el, q)?;
    let (lo, hi) = (&el.sorted[i], &el.sorted[j]);
    if i == j {
        let exact = lo.0 == *q;
        return Some((lo.0.clone(), !exact));
    }
    let dl = Rational::from(q - &lo.0);
    let dh = Rational::from(&hi.0 - q);
    let neg = *q < 0;
    let toward_zero = if neg { hi } else { lo };
    let away = if neg { lo } else { hi };
    let pick = match m {
        Rounding::TowardPositive => hi,
        Rounding::TowardNegative => lo,
        Rounding::TowardZero => toward_zero,
        Rounding::ToOdd => {
            if even(lo.1) {
                hi
            } else {
                lo
            }
        }
        _ if dl < dh => lo,
        _ if dh < dl => hi,
        Rounding::TiesToEven => {
            if even(lo.1) {
                lo
            } else {
                hi
            }
        }
        Rounding::TiesToOdd => {
            if even(lo.1) {
                hi
            } else {
                lo
            }
        }
        Rounding::TiesToAway => away,
        Rounding::TiesToZero => toward_zero,
        Rounding::TiesUp => hi,
        Rounding::TiesDown => lo,
        Rounding::Stochastic(_) => unreachable!(),
    };
    Some((pick.0.clone(), true))
}

/// Data around a block's grid: element values times a power of two, ties, ulp
/// neighbours, specials.
fn datum(b: &mut Bytes<'_>, el: &Elements, base: i32, f64_data: bool) -> f64 {
    let sel = b.byte();
    let pick = |b: &mut Bytes<'_>| -> Rational {
        let i = usize::from(b.byte()) % el.sorted.len();
        el.sorted[i].0.clone()
    };
    let shift = |x: Rational, k: i32| x * pow2(i64::from(k));
    let x = match sel % 12 {
        0 => {
            if f64_data {
                f64::from_bits(b.u64())
            } else {
                f64::from(f32::from_bits(b.u64() as u32))
            }
        }
        1 => [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            f64::from(f32::MAX),
            f64::from(f32::from_bits(1)),
            f64::from(f32::MIN_POSITIVE),
        ][usize::from(sel >> 4) % 8],
        2..=5 => shift(pick(b), base).to_f64(),
        6..=8 => {
            // A tie between two neighbours.
            let i = usize::from(b.byte()) % el.sorted.len();
            let j = (i + 1).min(el.sorted.len() - 1);
            let t = Rational::from(&el.sorted[i].0 + &el.sorted[j].0) / 2;
            shift(t, base).to_f64()
        }
        9 => {
            // A power of two (the amax at a power of two), or just below.
            let k = i32::from(b.byte() as i8);
            let p = 2f64.powi(k);
            if sel & 0x40 != 0 { p } else { -p }
        }
        10 => {
            let k = i32::from(b.byte() as i8) * 2;
            (f64::from(b.byte()) + 1.0) * 2f64.powi(k)
        }
        _ => 0.0,
    };
    let x = if f64_data { x } else { f64::from(x as f32) };
    // One ulp off, up or down.
    match sel >> 6 {
        1 if x.is_finite() && x != 0.0 => {
            if f64_data {
                f64::from_bits(x.to_bits() + 1)
            } else {
                f64::from(f32::from_bits((x as f32).to_bits() + 1))
            }
        }
        2 if x.is_finite() && x != 0.0 => {
            if f64_data {
                f64::from_bits(x.to_bits() - 1)
            } else {
                f64::from(f32::from_bits((x as f32).to_bits() - 1))
            }
        }
        _ => x,
    }
}

/// The scale of a block as the documented rule says: (value or None for NaN, and
/// whether the code matches).
fn expected_scale(
    fmt: &BlockFormat,
    sf: &FloatFormat,
    block: &[f64],
    g: &Rational,
    el: &Elements,
) -> Option<Rational> {
    let stab = table(sf);
    let pos: Vec<&(u8, Rational, bool)> = stab.iter().filter(|(_, v, _)| *v > 0).collect();
    let minpos = pos.iter().map(|p| &p.1).min().expect("validated").clone();
    let maxv = pos.iter().map(|p| &p.1).max().expect("validated").clone();
    let (lo_e, hi_e) = (floor_log2(&minpos), floor_log2(&maxv));
    // The smallest power of two ≥ minpos: minpos is a power of two in these formats.
    assert!(is_pow2(&minpos));
    if block.iter().any(|x| x.is_nan()) {
        return None;
    }
    let max_elem = el.sorted.last().expect("nonempty").0.clone();
    let emax = floor_log2(&max_elem);
    let inf = block.iter().any(|x| x.is_infinite());
    let amax = block
        .iter()
        .filter(|x| x.is_finite())
        .map(|x| Rational::from_f64(x.abs()).expect("finite"))
        .max()
        .unwrap_or_default();
    if !inf && amax == 0 {
        return Some(pow2(lo_e));
    }
    if fmt.rule == ScaleRule::AmaxOverMax {
        if inf {
            return Some(maxv);
        }
        let q = amax / (max_elem * g);
        return Some(round_scale(sf, &stab, &q));
    }
    if inf {
        return Some(pow2(hi_e));
    }
    let r = amax / g;
    let fl = floor_log2(&r);
    let e = match fmt.rule {
        ScaleRule::Floor => fl,
        ScaleRule::Ceil => fl + i64::from(!is_pow2(&r)),
        _ => {
            let sq = Rational::from(&r * &r);
            fl + i64::from(sq >= pow2(2 * fl + 1))
        }
    };
    Some(pow2((e - emax).clamp(lo_e, hi_e)))
}

/// q ≥ 0 rounded into the scale format's non-negative values, ties to the even code,
/// saturating. A format of precision 1 without zero (E8M0 style) keeps IEEE 754's
/// significand rule, as lowprec documents: of 2^k and 2^(k+1) the upper is even (its
/// significand at the quantum 2^k is 2), so its ties round up.
fn round_scale(sf: &FloatFormat, stab: &[(u8, Rational, bool)], q: &Rational) -> Rational {
    let p1_no_zero = sf.man_bits() == 0 && !stab.iter().any(|(_, v, _)| *v == 0);
    let mut vals: Vec<(Rational, u8)> = stab
        .iter()
        .filter(|(_, v, nz)| *v >= 0 && !nz)
        .map(|(c, v, _)| (v.clone(), *c))
        .collect();
    // Stable: each value keeps its smallest code (formats without subnormals have many
    // codes of zero; the tie rule reads the canonical one).
    vals.sort_by(|a, b| a.0.cmp(&b.0));
    vals.dedup_by(|a, b| a.0 == b.0);
    let i = vals.partition_point(|(v, _)| v < q);
    if i == vals.len() {
        return vals[i - 1].0.clone();
    }
    if vals[i].0 == *q || i == 0 {
        return vals[i].0.clone();
    }
    let (lo, hi) = (&vals[i - 1], &vals[i]);
    let dl = Rational::from(q - &lo.0);
    let dh = Rational::from(&hi.0 - q);
    if dl < dh || (dl == dh && even(lo.1) && !p1_no_zero) {
        lo.0.clone()
    } else {
        hi.0.clone()
    }
}

/// The tensor scale `quantize_*_with` must compute.
fn expected_tensor_scale(fmt: &BlockFormat, data: &[f64], el: &Elements) -> f32 {
    let Some(sf) = fmt.scale.float() else {
        return 1.0;
    };
    if !fmt.tensor_scale {
        return 1.0;
    }
    let amax = data
        .iter()
        .filter(|x| x.is_finite())
        .map(|x| Rational::from_f64(x.abs()).expect("finite"))
        .max()
        .unwrap_or_default();
    if amax == 0 {
        return 1.0;
    }
    let stab = table(&sf);
    let max_scale = stab.iter().map(|p| &p.1).max().expect("validated").clone();
    let max_elem = el.sorted.last().expect("nonempty").0.clone();
    let g = round_host(
        F32,
        &(amax / (max_scale * max_elem)),
        Rounding::TiesToEven,
        true,
    ) as f32;
    if g == 0.0 { f32::from_bits(1) } else { g }
}

fn tensor_arg(b: &mut Bytes<'_>) -> f32 {
    let s = b.byte();
    match s % 8 {
        0 => [
            0.0,
            -1.0,
            f32::NAN,
            f32::INFINITY,
            -0.0,
            f32::from_bits(1),
            f32::MAX,
            1.0,
        ][usize::from(s >> 5)],
        _ => (1.0 + f32::from(b.byte())) / 16.0 * 2f32.powi(i32::from(s >> 2) - 32),
    }
}

fn quantize(b: &mut Bytes<'_>) {
    let Some(fmt) = raw_format(b) else { return };
    if fmt.validate().is_err() {
        return;
    }
    let el = elements(&fmt.element);
    if el.sorted.is_empty() || !el.sorted.iter().any(|(v, _)| *v == 0) {
        return;
    }
    let how_sel = b.byte();
    let m = mode(b);
    let overflow =
        [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate][usize::from(how_sel % 3)];
    let how = Round::new(m, overflow);
    let f64_data = how_sel & 0x08 != 0;
    let given_g = how_sel & 0x30 == 0x30;
    let seed = b.u64();
    let bs = (fmt.block_size as usize).min(64);
    let nblocks = 1 + usize::from(b.byte() % 4);
    let fmt = BlockFormat {
        block_size: bs as u32,
        ..fmt
    };
    let mut data = Vec::new();
    for j in 0..nblocks {
        let base = i32::from(b.byte() as i8) / 2;
        let mut n = bs;
        if j == nblocks - 1 && b.byte() & 1 == 0 {
            n = 1 + usize::from(b.byte()) % bs;
        }
        for _ in 0..n {
            data.push(datum(b, &el, base, f64_data));
        }
    }
    let len = data.len();
    let xs32: Vec<f32> = data.iter().map(|&x| x as f32).collect();
    if !f64_data {
        data = xs32.iter().map(|&x| f64::from(x)).collect();
    }
    let mut scales = vec![0u8; fmt.num_scales(len)];
    let mut codes = vec![0u8; len];
    let mut rng = SplitMix64::new(seed);
    let arg_g = tensor_arg(b);
    let (g, status) = if given_g {
        let r = if f64_data {
            block::quantize_f64_with_tensor_scale(
                &fmt,
                arg_g,
                &data,
                &mut scales,
                &mut codes,
                how,
                &mut rng,
            )
        } else {
            block::quantize_f32_with_tensor_scale(
                &fmt,
                arg_g,
                &xs32,
                &mut scales,
                &mut codes,
                how,
                &mut rng,
            )
        };
        if fmt.tensor_scale && !(arg_g.is_finite() && arg_g > 0.0) {
            assert_eq!(r, Err(BlockError::TensorScale), "{arg_g}");
            return;
        }
        (
            if fmt.tensor_scale { arg_g } else { 1.0 },
            r.expect("valid call"),
        )
    } else {
        let r = if f64_data {
            block::quantize_f64_with(&fmt, &data, &mut scales, &mut codes, how, &mut rng)
        } else {
            block::quantize_f32_with(&fmt, &xs32, &mut scales, &mut codes, how, &mut rng)
        }
        .expect("valid call");
        let want = expected_tensor_scale(&fmt, &data, &el);
        assert_eq!(r.value.to_bits(), want.to_bits(), "tensor scale");
        (r.value, r.status)
    };
    let g_rat = Rational::from_f32(g).expect("finite");
    let sf = fmt.scale.float();
    let stochastic = matches!(m, Rounding::Stochastic(_));
    let mut any_inexact = false;
    let mut any_nan = false;
    let mut skip_flags = false;
    let mut nan_blocks = Vec::new();
    for (j, block) in data.chunks(bs).enumerate() {
        let cs = &codes[j * bs..j * bs + block.len()];
        let x = match sf {
            None => Some(Rational::from(1)),
            Some(sf) => {
                let want = expected_scale(&fmt, &sf, block, &g_rat, &el);
                let got = sf.decode(u64::from(scales[j]));
                match &want {
                    None => {
                        assert_eq!(
                            u64::from(scales[j]),
                            sf.nan_code().unwrap_or(0),
                            "NaN block scale"
                        );
                    }
                    Some(w) => {
                        let gv = rat(&got);
                        assert!(
                            gv.as_ref() == Some(w) && !got.is_sign_negative(),
                            "block {j}: scale code {:#x} = {got:?}, expected {w} ({fmt}, g {g}, block {block:?})",
                            scales[j]
                        );
                    }
                }
                want
            }
        };
        let Some(x) = x else {
            any_nan = true;
            // Every value NaN, where the scale or the element format has a NaN.
            if sf.is_some_and(|f| f.nan_code().is_some()) || el.nan.is_some() {
                nan_blocks.push(j);
            }
            for &c in cs {
                assert_eq!(c, el.nan.unwrap_or(0), "NaN block element");
            }
            continue;
        };
        for (i, (&v, &c)) in block.iter().zip(cs).enumerate() {
            let got = element_value(&fmt.element, c);
            let msg = || {
                format!(
                    "block {j} element {i}: {v:e} → {c:#x} = {got:?} ({fmt}, {how:?}, scale {x}, g {g})"
                )
            };
            if v.is_nan() {
                // Only without block scales (a NaN otherwise makes the scale NaN).
                any_nan = true;
                skip_flags = true;
                if el.nan.is_some() {
                    assert!(is_nan(&got), "{}", msg());
                }
                continue;
            }
            if v.is_infinite() {
                // ±∞: ±max, or ±∞ kept by SatPropagate where the format has one.
                let neg = v < 0.0;
                if neg && el.sorted[0].0 >= 0 {
                    // −∞ into an unsigned format.
                    skip_flags = true;
                    continue;
                }
                if overflow == Overflow::SatPropagate && el.inf {
                    assert_eq!(got, Exact::Inf { negative: neg }, "{}", msg());
                } else {
                    // Saturated: the element no longer stands for the value.
                    any_inexact = true;
                }
                if overflow == Overflow::SatPropagate && el.inf {
                } else if neg && el.sorted[0].0 >= 0 {
                    skip_flags = true;
                } else {
                    let w = if neg {
                        &el.sorted[0].0
                    } else {
                        &el.sorted.last().expect("nonempty").0
                    };
                    assert_eq!(rat(&got).as_ref(), Some(w), "{}", msg());
                }
                continue;
            }
            let q = if x == 0 {
                Rational::new()
            } else {
                Rational::from_f64(v).expect("finite") / (x.clone() * &g_rat)
            };
            let Some(gv) = rat(&got) else {
                panic!("{}: not finite", msg());
            };
            if stochastic {
                let Some((i0, i1)) = neighbours(&el, &q) else {
                    skip_flags = true;
                    continue;
                };
                assert!(
                    gv == el.sorted[i0].0 || gv == el.sorted[i1].0,
                    "{}: not a neighbour of {q}",
                    msg()
                );
                let exact = el.sorted[i0].0 == q;
                any_inexact |= !exact || (x == 0 && v != 0.0);
                if exact && q == 0 {
                    check_zero_sign(&el, &got, v.is_sign_negative(), &msg);
                }
                continue;
            }
            let Some((w, inexact)) = round_det(&el, &q, m) else {
                skip_flags = true;
                continue;
            };
            // A zero scale represents a nonzero value by zero: inexact.
            any_inexact |= inexact || (x == 0 && v != 0.0);
            assert_eq!(gv, w, "{}: expected {w} (q = {q})", msg());
            if w == 0 {
                check_zero_sign(&el, &got, q < 0 || (q == 0 && v.is_sign_negative()), &msg);
            }
        }
    }
    if !skip_flags {
        assert!(
            status.contains(Status::INEXACT) == any_inexact,
            "INEXACT: {status:?} ({fmt}, {how:?}), data {data:?}, scales {scales:?}, codes {codes:?}"
        );
        assert_eq!(
            status.contains(Status::INVALID),
            any_nan,
            "INVALID: {status:?}"
        );
    }

    // Dequantize: X · g · P rounded once.
    let mut d32 = vec![0f32; len];
    let mut d64 = vec![0f64; len];
    block::dequantize_f32(&fmt, g, &scales, &codes, &mut d32).expect("dequantize");
    block::dequantize_f64(&fmt, g, &scales, &codes, &mut d64).expect("dequantize");
    for (k, &c) in codes.iter().enumerate() {
        let x = match sf {
            None => Exact::from_parts(false, 1, 0),
            Some(sf) => sf.decode(u64::from(scales[k / bs])),
        };
        let e = element_value(&fmt.element, c);
        for (h, got) in [(F32, f64::from(d32[k])), (F64, d64[k])] {
            let want = match (rat(&x), rat(&e)) {
                _ if is_nan(&x) || is_nan(&e) || matches!(x, Exact::Inf { .. }) => f64::NAN,
                (Some(xv), None) => {
                    // An infinite element.
                    if xv == 0 {
                        f64::NAN
                    } else if e.is_sign_negative() {
                        f64::NEG_INFINITY
                    } else {
                        f64::INFINITY
                    }
                }
                (Some(xv), Some(ev)) => {
                    let p = ev * xv * &g_rat;
                    if p == 0 {
                        if e.is_sign_negative() { -0.0 } else { 0.0 }
                    } else {
                        round_host(h, &p, Rounding::TiesToEven, false)
                    }
                }
                _ => unreachable!(),
            };
            let got = if h.p == 24 {
                f64::from(got as f32)
            } else {
                got
            };
            assert!(
                same(got, want),
                "dequantize {k}: {got:e}, expected {want:e}"
            );
        }
    }

    // A block holding a NaN dequantizes to NaN.
    for &j in &nan_blocks {
        for k in j * bs..(j * bs + bs).min(len) {
            assert!(
                d32[k].is_nan() && d64[k].is_nan(),
                "NaN block {j}: {} ({fmt:?}, scales {scales:?}, codes {codes:?})",
                d32[k]
            );
        }
    }

    // Chop: quantize + dequantize, the same random bits.
    if !given_g {
        let mut rng2 = SplitMix64::new(seed);
        let mut rng3 = SplitMix64::new(seed);
        let mut sc2 = vec![0u8; fmt.num_scales(len)];
        let mut cs2 = vec![0u8; len];
        if f64_data {
            let mut ys = data.clone();
            let s1 = block::chop_f64_with(&fmt, &mut ys, how, &mut rng2).expect("chop");
            let r = block::quantize_f64_with(&fmt, &data, &mut sc2, &mut cs2, how, &mut rng3)
                .expect("quantize");
            let mut back = vec![0f64; len];
            block::dequantize_f64(&fmt, r.value, &sc2, &cs2, &mut back).expect("dequantize");
            for (k, (a, w)) in ys.iter().zip(&back).enumerate() {
                assert!(
                    same(*a, *w),
                    "chop_f64 {k}: {a:e}, expected {w:e} ({fmt:?}, {how:?}, data {data:?}, scales {sc2:?}, codes {cs2:?})"
                );
            }
            assert_eq!(s1, r.status);
        } else {
            let mut ys = xs32.clone();
            let s1 = block::chop_f32_with(&fmt, &mut ys, how, &mut rng2).expect("chop");
            let r = block::quantize_f32_with(&fmt, &xs32, &mut sc2, &mut cs2, how, &mut rng3)
                .expect("quantize");
            let mut back = vec![0f32; len];
            block::dequantize_f32(&fmt, r.value, &sc2, &cs2, &mut back).expect("dequantize");
            for (k, (a, w)) in ys.iter().zip(&back).enumerate() {
                assert!(
                    same(f64::from(*a), f64::from(*w)),
                    "chop_f32 {k}: {a:e}, expected {w:e} ({fmt:?}, {how:?}, data {data:?}, scales {sc2:?}, codes {cs2:?})"
                );
            }
            assert_eq!(s1, r.status);
        }
        assert_eq!(rng2.next_u64(), rng3.next_u64(), "random bits drawn");
    }
}

fn check_zero_sign(el: &Elements, got: &Exact, negative: bool, msg: &dyn Fn() -> String) {
    if el.int {
        return;
    }
    let want = negative && el.has_neg_zero;
    assert_eq!(got.is_sign_negative(), want, "{}: zero sign", msg());
    let _ = &el.vals;
}

// ---------------------------------------------------------------------------------------
// Dot products.

struct Operand {
    fmt: BlockFormat,
    scales: Vec<u8>,
    codes: Vec<u8>,
    g: f32,
}

fn operand(b: &mut Bytes<'_>, bs: u32, len: usize) -> Option<Operand> {
    let f = raw_format(b)?;
    let fmt = BlockFormat {
        block_size: bs,
        ..f
    };
    fmt.validate().ok()?;
    let sel = b.byte();
    let mut scales = vec![0u8; fmt.num_scales(len)];
    let mut codes = vec![0u8; len];
    let g;
    if sel & 1 == 0 {
        // Raw codes and scales.
        for c in &mut codes {
            *c = b.byte();
        }
        for s in &mut scales {
            *s = match b.byte() % 4 {
                0 => 127,
                _ => b.byte(),
            };
        }
        g = if fmt.tensor_scale {
            let t = tensor_arg(b);
            if !(t.is_finite() && t > 0.0) {
                return None;
            }
            t
        } else {
            1.0
        };
    } else {
        let el = elements(&fmt.element);
        if el.sorted.is_empty() {
            return None;
        }
        let base = i32::from(b.byte() as i8) / 4;
        let xs: Vec<f32> = (0..len)
            .map(|_| datum(b, &el, base, false) as f32)
            .collect();
        let r = block::quantize_f32_with(
            &fmt,
            &xs,
            &mut scales,
            &mut codes,
            Round::default(),
            &mut NoRandom,
        )
        .expect("valid");
        g = r.value;
    }
    Some(Operand {
        fmt,
        scales,
        codes,
        g,
    })
}

/// The value of element k of an operand: None for NaN, Err(sign) for ±∞.
fn value(o: &Operand, k: usize) -> Option<Result<Rational, bool>> {
    let bs = o.fmt.block_size as usize;
    let x = match o.fmt.scale.float() {
        None => Exact::from_parts(false, 1, 0),
        Some(sf) => sf.decode(u64::from(o.scales[k / bs])),
    };
    let e = element_value(&o.fmt.element, o.codes[k]);
    if is_nan(&x) || is_nan(&e) {
        return None;
    }
    if let Exact::Inf { negative } = x {
        // An infinite scale (raw codes of a scale format with infinities): IEEE 754 on
        // the values, ∞ · 0 NaN.
        return match rat(&e) {
            Some(ev) if ev == 0 => None,
            _ => Some(Err(negative != e.is_sign_negative())),
        };
    }
    let g = Rational::from_f32(o.g).expect("finite");
    match (rat(&x), rat(&e)) {
        (Some(xv), Some(ev)) => Some(Ok(xv * ev * g)),
        (Some(xv), None) if xv == 0 => None,
        (Some(xv), None) => Some(Err(e.is_sign_negative() != (xv < 0))),
        _ => None,
    }
}

fn dot(b: &mut Bytes<'_>) {
    let bs = 1 + u32::from(b.byte()) % 40;
    let len = usize::from(b.byte()) % 130;
    let Some(a) = operand(b, bs, len) else { return };
    let Some(c) = operand(b, bs, len) else { return };
    // Open (README, Findings): the accumulator covers scale and element formats of
    // exponents within about ±1,000, not every bias `validate` accepts.
    let far = |f: &BlockFormat| {
        let e = |x: FloatFormat| x.emax() > 1000 || x.emin() < -1000;
        f.scale.float().is_some_and(e) || matches!(f.element, ElementFormat::Float(x) if e(x))
    };
    if far(&a.fmt) || far(&c.fmt) {
        return;
    }
    let va = MxVector::new(a.fmt, &a.scales, &a.codes).with_tensor_scale(a.g);
    let vc = MxVector::new(c.fmt, &c.scales, &c.codes).with_tensor_scale(c.g);
    let x = block::dot_exact(&va, &vc).expect("valid operands");
    let sel = b.byte();
    let m = [
        Rounding::TiesToEven,
        Rounding::TowardZero,
        Rounding::TowardPositive,
        Rounding::TowardNegative,
    ][usize::from(sel % 4)];
    let sat = sel & 4 != 0;
    let how = Round::new(
        m,
        if sat {
            Overflow::SatFinite
        } else {
            Overflow::Ieee
        },
    );
    let once = block::dot_with(
        &va,
        &vc,
        MxSum::Once {
            format: FloatFormat::FP32,
            round: how,
        },
        &mut NoRandom,
    )
    .expect("valid operands");
    let got_once = f64::from(f32::from_bits(once.value as u32));
    let got_f32 = f64::from(x.to_f32());
    // The exact sum when every value is finite.
    let mut sum = Rational::new();
    let mut nan = false;
    let mut inf = false;
    for k in 0..len {
        match (value(&a, k), value(&c, k)) {
            (None, _) | (_, None) => nan = true,
            (Some(Ok(p)), Some(Ok(q))) => sum += p * q,
            _ => inf = true,
        }
    }
    if nan {
        assert!(
            got_f32.is_nan(),
            "NaN operand: {got_f32}: {:?} {:?} {:?} g {} / {:?} {:?} {:?} g {}",
            a.fmt,
            a.scales,
            a.codes,
            a.g,
            c.fmt,
            c.scales,
            c.codes,
            c.g
        );
        assert!(once.status.contains(Status::INVALID) || got_once.is_nan());
        return;
    }
    if inf {
        return;
    }
    if let Some(e) = x.to_exact() {
        assert_eq!(
            rat(&e),
            Some(sum.clone()),
            "dot_exact: {:?} {:?} {:?} g {} / {:?} {:?} {:?} g {}",
            a.fmt,
            a.scales,
            a.codes,
            a.g,
            c.fmt,
            c.scales,
            c.codes,
            c.g
        );
    }
    let want = if sum == 0 {
        0.0
    } else {
        round_host(F32, &sum, Rounding::TiesToEven, false)
    };
    assert!(
        got_f32 == want || same(got_f32, want),
        "to_f32: {got_f32:e}, expected {want:e} (sum {sum})"
    );
    let want = if sum == 0 {
        if m == Rounding::TowardNegative {
            -0.0
        } else {
            0.0
        }
    } else {
        round_host(F32, &sum, m, sat)
    };
    assert!(
        got_once == want,
        "dot_with {how:?}: {got_once:e}, expected {want:e} (sum {sum})"
    );
    assert_eq!(
        once.status.contains(Status::INEXACT),
        Rational::from_f64(want).is_none_or(|w| w != sum),
        "INEXACT"
    );
}
