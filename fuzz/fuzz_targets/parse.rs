//! Parsing never panics, and what is parsed is right:
//! - a parsed `FloatFormat`'s `Display` parses back to the same format;
//! - a parsed finite `Exact` keeps the contract of `Finite` (an odd significand when
//!   exact, at least 127 significant bits with a sticky bit) and its leading bit lies
//!   within 2^±FAR_EXPONENT; when exact, its hex-float text parses back to the same value;
//! - wherever Rust's `f64`/`f32` parsers (correctly rounded, and independent of lowprec)
//!   accept the text, `Exact::from_str` accepts it too and rounding it once, ties to even,
//!   gives the same bits (exponents and digit strings of any length: `1e-99999999999`,
//!   a thousand-digit exponent, values far beyond every format). Rust's parsers stop
//!   reading a written exponent once it passes 65536, which can be wrong when tens of
//!   thousands of digits come before it (`1` and 200 000 zeros, then `e-` and a thousand
//!   nines, reads as +∞): such texts are left out of this comparison;
//! - the claim that makes the stand-ins beyond 2^±FAR_EXPONENT sound: the parsed
//!   significand placed at 2^±FAR_EXPONENT and at 2^±(FAR_EXPONENT + k), k up to 2³⁰,
//!   rounds to the same code and flags, drawing the same random bits, in a format, mode
//!   and overflow policy read from the input's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::float::{Exact, FAR_EXPONENT, Finite};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};
use lowprec_fuzz::{Bytes, format, mode};

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
    if let Ok(Exact::Finite(f)) = parsed {
        let lead = f.exp + 127 - f.sig.leading_zeros() as i32;
        assert!(f.sig != 0 && lead.abs() <= FAR_EXPONENT, "{s:?}: {f:?}");
        if f.sticky {
            assert!(f.sig >> 126 != 0, "{s:?}: a sticky bit below {f:?}");
        } else {
            assert!(f.sig & 1 == 1, "{s:?}: {f:?} is not normalized");
        }
        stand_ins_round_alike(data, f);
    }
    if let Ok(x) = parsed
        && !matches!(x, Exact::Finite(f) if f.sticky)
    {
        let shown = x.to_string();
        assert_eq!(shown.parse::<Exact>(), Ok(x), "{s:?} displays as {shown:?}");
    }

    let mut rng = SplitMix64::new(0);
    let rne = Rounding::TiesToEven;
    if s.len() >= 60_000 && large_exponent(s) {
        return;
    }
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

/// Whether the text's exponent after `e` is 65536 or more in magnitude.
fn large_exponent(s: &str) -> bool {
    let Some((_, exp)) = s.rsplit_once(['e', 'E']) else {
        return false;
    };
    let digits = exp.trim_start_matches(['+', '-']).trim_start_matches('0');
    digits.len() > 5 || digits.parse::<u32>().is_ok_and(|e| e >= 65536)
}

/// `f`'s significand and sticky bit with the leading bit at 2^±FAR_EXPONENT and further
/// out round alike, in a format, mode and policy read from `data`.
fn stand_ins_round_alike(data: &[u8], f: Finite) {
    let mut b = Bytes(data);
    let Some(fmt) = format(&mut b) else {
        return;
    };
    let mode = mode(&mut b);
    let policy =
        [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate][usize::from(b.byte() % 3)];
    let k = 1 + (b.u64() % (1 << 30)) as i32;
    let seed = b.u64();
    let lead = f.exp + 127 - f.sig.leading_zeros() as i32;
    for side in [1, -1] {
        let at = |to: i32| {
            Exact::Finite(Finite {
                exp: f.exp - lead + side * to,
                ..f
            })
        };
        let (mut r1, mut r2) = (SplitMix64::new(seed), SplitMix64::new(seed));
        let near = fmt.round(at(FAR_EXPONENT), Round::new(mode, policy), &mut r1);
        let far = fmt.round(at(FAR_EXPONENT + k), Round::new(mode, policy), &mut r2);
        assert_eq!(
            (near.value, near.status),
            (far.value, far.status),
            "{fmt} {mode} {policy}: {f:?} at 2^{}(FAR_EXPONENT + {k})",
            if side > 0 { "" } else { "-" }
        );
        assert_eq!(
            r1.next_u64(),
            r2.next_u64(),
            "{fmt} {mode}: the draws differ"
        );
    }
}
