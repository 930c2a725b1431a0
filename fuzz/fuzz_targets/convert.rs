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
use lowprec::float::{Exact, slice};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, SplitMix64};
use lowprec_fuzz::{Bytes, format, mode};

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
        fmt.from_f64_with(x64, Round::new(mode, overflow), &mut rng)
            .value,
        fmt.from_f32_with(xs32[0], Round::new(mode, overflow), &mut rng)
            .value,
    ] {
        assert_eq!(
            code & !fmt.code_mask(),
            0,
            "{fmt}: code {code:#x} out of range"
        );
        let again = fmt
            .round(fmt.decode(code), Round::new(mode, overflow), &mut rng)
            .value;
        assert_eq!(
            again, code,
            "{fmt} {mode} {overflow}: {code:#x} rounds to {again:#x}"
        );
    }

    // The exact text of an f64 reads back as the same value.
    let text = Exact::from_f64(x64).to_string();
    let back: Exact = text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let bits = FloatFormat::FP64
        .round(back, Round::NEAREST_EVEN, &mut rng)
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
    slice::encode_f32_with(
        &fmt,
        &xs32,
        &mut codes,
        Round::new(mode, overflow),
        &mut fast,
    )
    .expect("u64 holds every code");
    for (&x, &c) in xs32.iter().zip(&codes) {
        let want = fmt
            .from_f32_with(x, Round::new(mode, overflow), &mut slow)
            .value;
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
    slice::encode_f64_with(
        &fmt,
        &xs64,
        &mut codes,
        Round::new(mode, overflow),
        &mut fast,
    )
    .expect("u64 holds every code");
    for (&x, &c) in xs64.iter().zip(&codes) {
        let want = fmt
            .from_f64_with(x, Round::new(mode, overflow), &mut slow)
            .value;
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
    slice::quantize_f32_with(&fmt, &mut q, Round::new(mode, overflow), &mut fast);
    for (&x, &y) in xs32.iter().zip(&q) {
        let want = fmt.to_f32(
            fmt.from_f32_with(x, Round::new(mode, overflow), &mut slow)
                .value,
        );
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
