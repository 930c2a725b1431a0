//! Conversions into random formats never panic and agree with each other:
//! - any format `FloatFormat::new` accepts, any f64/f32 input, any mode, overflow policy
//!   and seed: the result is a valid code of the format;
//! - rounding a result's own value gives the result back (values of the format are
//!   fixed points of rounding, in every mode);
//! - the slice kernels (`slice::encode_f32`, `slice::encode_f64`, `slice::quantize_f32`)
//!   give element for element the scalar `from_f32`/`from_f64` results and leave the
//!   random generator in the same state (they draw the same random bits);
//! - an f64's exact hex-float text parses back to a value that rounds to the same f64.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::float::{Exact, Specials, slice};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, Overflow, RandomBits, Rounding, SplitMix64};

/// Reads the test case's parameters from the front of the input.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| acc << 8 | u64::from(self.byte()))
    }
}

fn format(b: &mut Bytes<'_>) -> Option<FloatFormat> {
    let exp_bits = 1 + u32::from(b.byte()) % 11;
    let man_bits = u32::from(b.byte()) % 53;
    let flags = b.byte();
    let bias_byte = b.byte();
    let bias = match flags >> 5 {
        // Mostly the IEEE bias, sometimes near it, sometimes far from it.
        0..=3 => (1 << (exp_bits - 1)) - 1,
        4 | 5 => (1 << (exp_bits - 1)) - 1 + i32::from(bias_byte as i8),
        _ => i32::from(i16::from_le_bytes([bias_byte, b.byte()])) * 32,
    };
    let specials = match flags % 7 {
        0 => Specials::Ieee,
        1 => Specials::FiniteNan,
        2 => Specials::Fnuz,
        3 => Specials::Finite,
        4 => Specials::P3109 { extended: true },
        5 => Specials::P3109 { extended: false },
        _ => Specials::NoZero,
    };
    let subnormals = flags & 0x08 == 0;
    let signed = flags & 0x10 == 0;
    FloatFormat::new(exp_bits, man_bits, bias, specials, subnormals, signed).ok()
}

fn mode(b: &mut Bytes<'_>) -> Rounding {
    let m = b.byte();
    let bits = 1 + b.byte() % 64;
    let sr = |kind| Rounding::Stochastic(Stochastic { kind, bits });
    let det = Rounding::DETERMINISTIC.len();
    match usize::from(m) % (det + 5) {
        i if i < det => Rounding::DETERMINISTIC[i],
        i if i == det => sr(SrKind::Proportional),
        i if i == det + 1 => sr(SrKind::Equal),
        i if i == det + 2 => sr(SrKind::P3109A),
        i if i == det + 3 => sr(SrKind::P3109B),
        _ => sr(SrKind::P3109C),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let Some(fmt) = format(&mut b) else {
        return;
    };
    let mode = mode(&mut b);
    let overflow =
        [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate][usize::from(b.byte() % 3)];
    let seed = b.u64();
    let x64 = f64::from_bits(b.u64());
    let mut rng = SplitMix64::new(seed);

    // One value from f64 and from f32: valid codes, and fixed points of rounding.
    let mut xs32: Vec<f32> = vec![f32::from_bits(x64.to_bits() as u32)];
    for code in [
        fmt.from_f64(x64, mode, overflow, &mut rng).value,
        fmt.from_f32(xs32[0], mode, overflow, &mut rng).value,
    ] {
        assert_eq!(
            code & !fmt.code_mask(),
            0,
            "{fmt}: code {code:#x} out of range"
        );
        let again = fmt.round(fmt.decode(code), mode, overflow, &mut rng).value;
        assert_eq!(
            again, code,
            "{fmt} {mode} {overflow}: {code:#x} rounds to {again:#x}"
        );
    }

    // The exact text of an f64 reads back as the same value.
    let text = Exact::from_f64(x64).to_string();
    let back: Exact = text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let bits = FloatFormat::FP64
        .round(back, Rounding::TiesToEven, Overflow::Ieee, &mut rng)
        .value;
    assert!(
        bits == x64.to_bits() || x64.is_nan(),
        "{x64:e} -> {text} -> {bits:#x}"
    );

    // Slice kernels against the scalar path, on the rest of the input as f32 and f64.
    xs32.extend(
        b.0.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
    );
    let xs64: Vec<f64> =
        b.0.chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect();

    let (mut fast, mut slow) = (SplitMix64::new(seed), SplitMix64::new(seed));
    let mut codes = vec![0u64; xs32.len()];
    slice::encode_f32(&fmt, &xs32, &mut codes, mode, overflow, &mut fast)
        .expect("u64 holds every code");
    for (&x, &c) in xs32.iter().zip(&codes) {
        let want = fmt.from_f32(x, mode, overflow, &mut slow).value;
        assert_eq!(
            c, want,
            "{fmt} {mode} {overflow}: encode_f32({x:e}) = {c:#x}, from_f32 = {want:#x}"
        );
    }
    assert_eq!(
        fast.next_u64(),
        slow.next_u64(),
        "encode_f32 drew other random bits"
    );

    let (mut fast, mut slow) = (SplitMix64::new(seed), SplitMix64::new(seed));
    let mut codes = vec![0u64; xs64.len()];
    slice::encode_f64(&fmt, &xs64, &mut codes, mode, overflow, &mut fast)
        .expect("u64 holds every code");
    for (&x, &c) in xs64.iter().zip(&codes) {
        let want = fmt.from_f64(x, mode, overflow, &mut slow).value;
        assert_eq!(
            c, want,
            "{fmt} {mode} {overflow}: encode_f64({x:e}) = {c:#x}, from_f64 = {want:#x}"
        );
    }
    assert_eq!(
        fast.next_u64(),
        slow.next_u64(),
        "encode_f64 drew other random bits"
    );

    let (mut fast, mut slow) = (SplitMix64::new(seed), SplitMix64::new(seed));
    let mut q = xs32.clone();
    slice::quantize_f32(&fmt, &mut q, mode, overflow, &mut fast);
    for (&x, &y) in xs32.iter().zip(&q) {
        let want = fmt.to_f32(fmt.from_f32(x, mode, overflow, &mut slow).value);
        assert!(
            y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
            "{fmt} {mode} {overflow}: quantize_f32({x:e}) = {y:e}, scalar {want:e}"
        );
    }
    assert_eq!(
        fast.next_u64(),
        slow.next_u64(),
        "quantize_f32 drew other random bits"
    );
});
