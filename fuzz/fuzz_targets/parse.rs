//! Parsing never panics, and what is parsed is right:
//! - a parsed `FloatFormat`'s `Display` parses back to the same format;
//! - an exact `Exact`'s hex-float text parses back to the same value;
//! - wherever Rust's `f64`/`f32` parsers (correctly rounded, and independent of lowprec)
//!   accept the text, `Exact::from_str` accepts it too (unless it is over lowprec's
//!   length or exponent limits) and rounding it once, ties to even, gives the same bits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::Round;
use lowprec::float::{Exact, ParseExactError};
use lowprec::{FloatFormat, Overflow, Rounding, SplitMix64};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(f) = s.parse::<FloatFormat>() {
        let shown = f.to_string();
        assert_eq!(
            shown.parse::<FloatFormat>(),
            Ok(f),
            "{s:?} displays as {shown:?}"
        );
    }

    let parsed = s.parse::<Exact>();
    if let Ok(x) = parsed
        && !matches!(x, Exact::Finite(f) if f.sticky)
    {
        let shown = x.to_string();
        assert_eq!(shown.parse::<Exact>(), Ok(x), "{s:?} displays as {shown:?}");
    }

    let mut rng = SplitMix64::new(0);
    let rne = Rounding::TiesToEven;
    if let Ok(y) = s.parse::<f64>() {
        match parsed {
            Ok(x) => {
                let bits = FloatFormat::FP64
                    .round(x, Round::new(rne, Overflow::Ieee), &mut rng)
                    .value;
                if y.is_nan() {
                    assert!(f64::from_bits(bits).is_nan(), "{s:?}");
                } else {
                    assert_eq!(bits, y.to_bits(), "{s:?}: lowprec {bits:#x}, f64 {y:e}");
                }
            }
            Err(ParseExactError::TooLong { .. } | ParseExactError::ExponentOutOfRange { .. }) => {}
            Err(e) => panic!("{s:?}: f64 parses it, lowprec says {e}"),
        }
    }
    if let (Ok(y), Ok(x)) = (s.parse::<f32>(), parsed) {
        let bits = FloatFormat::FP32
            .round(x, Round::new(rne, Overflow::Ieee), &mut rng)
            .value;
        if y.is_nan() {
            assert!(f32::from_bits(bits as u32).is_nan(), "{s:?}");
        } else {
            assert_eq!(
                bits,
                u64::from(y.to_bits()),
                "{s:?}: lowprec {bits:#x}, f32 {y:e}"
            );
        }
    }
});
