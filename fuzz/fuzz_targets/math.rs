//! The elementary functions of `lowprec::math` in random formats against MPFR:
//! - a preset format (fp64, fp32, bf16, fp16, the FP8s, …) or any format
//!   `FloatFormat::new` accepts, any function (the 23 one-argument ones, pow, atan2,
//!   hypot, pown and rootn with small and huge n), any operand codes, rounding mode
//!   (deterministic or stochastic), overflow policy and random seed: no panic, and the
//!   result is a code of the format;
//! - the result and its flags equal those of rounding MPFR's value once with
//!   `FloatFormat::round` (itself checked against MPFR by the test suite). MPFR computes
//!   the function at 126 bits toward zero, and its ternary value becomes the sticky bit:
//!   126 bits and a sticky bit round in every mode as the true value does (the same
//!   decision the kernels make, so stochastic modes draw the same bits too). Values
//!   beyond MPFR's exponent range (exp of a huge number, pown with a huge n) become the
//!   crate's stand-ins at 2^±`FAR_EXPONENT`, which every format rounds as the true value.
//!   The special cases come from MPFR too, which follows IEEE 754 §9.2 (C99 Annex F),
//!   except for rsqrt(−0), which IEEE 754 makes −∞ and MPFR +∞; an infinite result from
//!   finite operands is an exact infinity (toward zero never overflows to ∞), so it is
//!   `divide-by-zero`; a NaN from NaN operands is quiet, from others `invalid`.
//!
//! `LOWPREC_FUZZ_MATH=exp,log,pow` limits a run to the named functions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::float::{Exact, FAR_EXPONENT, Finite};
use lowprec::math::{Binary, Unary};
use lowprec::{FloatFormat, Overflow, Round, SplitMix64, Status, StatusAnd};
use lowprec_fuzz::{Bytes, format, mode};
use rug::float::{Round as MpRound, Special};
use rug::ops::Pow;
use rug::{Float, Integer};
use std::cmp::Ordering;
use std::sync::OnceLock;

/// A function call's shape.
#[derive(Clone, Copy, Debug)]
enum Call {
    Unary(Unary),
    Binary(Binary),
    Pown(i64),
    Rootn(i64),
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::Unary(f) => f.name(),
            Call::Binary(f) => f.name(),
            Call::Pown(_) => "pown",
            Call::Rootn(_) => "rootn",
        }
    }
}

/// The functions `LOWPREC_FUZZ_MATH` names (all when unset).
fn enabled(name: &str) -> bool {
    static ONLY: OnceLock<Option<Vec<String>>> = OnceLock::new();
    ONLY.get_or_init(|| {
        std::env::var("LOWPREC_FUZZ_MATH")
            .ok()
            .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
    })
    .as_ref()
    .is_none_or(|names| names.iter().any(|n| n == name))
}

/// The working precision of the reference: the kernels' 126 bits.
const PREC: u32 = 126;

/// An exact value as an MPFR number (exactly: at most 128 significant bits).
fn mp(x: Exact) -> Float {
    match x {
        Exact::Nan { .. } => Float::with_val(PREC, Special::Nan),
        Exact::Inf { negative: false } => Float::with_val(PREC, Special::Infinity),
        Exact::Inf { negative: true } => Float::with_val(PREC, Special::NegInfinity),
        Exact::Zero { negative: false } => Float::with_val(PREC, Special::Zero),
        Exact::Zero { negative: true } => Float::with_val(PREC, Special::NegZero),
        Exact::Finite(f) => {
            let m = Float::with_val(128, Integer::from(f.sig)) << f.exp;
            if f.negative { -m } else { m }
        }
    }
}

/// What the operation must return: a value to round, a quiet NaN passed on, `invalid` or
/// `divide-by-zero`.
#[derive(Debug)]
enum Want {
    Value(Exact),
    QuietNan,
    Invalid,
    DivByZero { negative: bool },
}

/// MPFR's value of the call at 126 bits toward zero; `None` where MPFR has no such
/// function (rootn with n beyond the i32 range).
/// Whether a finite argument's magnitude is at least 2^1537.
fn beyond_reduction(a: Exact) -> bool {
    match a {
        Exact::Finite(f) if f.sig != 0 => {
            i64::from(f.exp) + 127 - i64::from(f.sig.leading_zeros()) > 1536
        }
        _ => false,
    }
}

fn reference(call: Call, a: Exact, b: Exact) -> Option<Want> {
    let x = mp(a);
    let rz = MpRound::Zero;
    let (v, dir): (Float, Ordering) = match call {
        Call::Unary(f) => {
            macro_rules! r {
                ($inc:expr) => {
                    Float::with_val_round(PREC, $inc, rz)
                };
            }
            match f {
                Unary::Exp => r!(x.exp_ref()),
                Unary::Exp2 => r!(x.exp2_ref()),
                Unary::Exp10 => r!(x.exp10_ref()),
                Unary::Expm1 => r!(x.exp_m1_ref()),
                Unary::Log => r!(x.ln_ref()),
                Unary::Log2 => r!(x.log2_ref()),
                Unary::Log10 => r!(x.log10_ref()),
                Unary::Log1p => r!(x.ln_1p_ref()),
                Unary::Rsqrt => {
                    // IEEE 754 rSqrt(−0) = −∞ (MPFR gives +∞).
                    if a == (Exact::Zero { negative: true }) {
                        return Some(Want::DivByZero { negative: true });
                    }
                    r!(x.recip_sqrt_ref())
                }
                // lowprec's documented limit: from 2^1537 on (custom formats with a large
                // bias) its 3,072 bits of 2/π cannot reduce the argument, and sin, cos and
                // tan give NaN and invalid.
                Unary::Sin | Unary::Cos | Unary::Tan if beyond_reduction(a) => {
                    return Some(Want::Invalid);
                }
                Unary::Sin => r!(x.sin_ref()),
                Unary::Cos => r!(x.cos_ref()),
                Unary::Tan => r!(x.tan_ref()),
                Unary::Asin => r!(x.asin_ref()),
                Unary::Acos => r!(x.acos_ref()),
                Unary::Atan => r!(x.atan_ref()),
                Unary::Sinh => r!(x.sinh_ref()),
                Unary::Cosh => r!(x.cosh_ref()),
                Unary::Tanh => r!(x.tanh_ref()),
                Unary::Asinh => r!(x.asinh_ref()),
                Unary::Acosh => r!(x.acosh_ref()),
                Unary::Atanh => r!(x.atanh_ref()),
                Unary::Erf => r!(x.erf_ref()),
                Unary::Erfc => r!(x.erfc_ref()),
            }
        }
        Call::Binary(f) => {
            let y = mp(b);
            match f {
                Binary::Pow => Float::with_val_round(PREC, (&x).pow(&y), rz),
                // atan2(y = a, x = b).
                Binary::Atan2 => Float::with_val_round(PREC, x.atan2_ref(&y), rz),
                Binary::Hypot => Float::with_val_round(PREC, x.hypot_ref(&y), rz),
            }
        }
        Call::Pown(n) => Float::with_val_round(PREC, (&x).pow(&Integer::from(n)), rz),
        Call::Rootn(n) => {
            let n = i32::try_from(n).ok()?;
            Float::with_val_round(PREC, x.root_i_ref(n), rz)
        }
    };
    let args = match call {
        Call::Binary(_) => vec![a, b],
        _ => vec![a],
    };
    let any_nan = args.iter().any(|x| matches!(x, Exact::Nan { .. }));
    let any_inf = args.iter().any(|x| matches!(x, Exact::Inf { .. }));
    let negative = v.is_sign_negative();
    Some(if v.is_nan() {
        // rootn(x, 0) is invalid for every x, a quiet NaN included (as C23's rootn).
        if any_nan && !matches!(call, Call::Rootn(0)) {
            Want::QuietNan
        } else {
            Want::Invalid
        }
    } else if v.is_infinite() {
        if any_inf {
            Want::Value(Exact::Inf { negative })
        } else {
            Want::DivByZero { negative }
        }
    } else if v.is_zero() {
        if dir == Ordering::Equal {
            Want::Value(Exact::Zero { negative })
        } else {
            // Below MPFR's exponent range: a stand-in far below every format.
            Want::Value(Exact::Finite(Finite {
                negative,
                sig: 1 << 127,
                exp: -FAR_EXPONENT - 127,
                sticky: true,
            }))
        }
    } else {
        let (m, e) = v.to_integer_exp()?;
        let sig = m.abs().to_u128()?;
        let bits = 128 - sig.leading_zeros() as i32;
        // The exponent of the leading bit, kept within the stand-ins' range.
        let lead = i64::from(e) + i64::from(bits) - 1;
        let lead = lead.clamp(-i64::from(FAR_EXPONENT), i64::from(FAR_EXPONENT)) as i32;
        Want::Value(Exact::Finite(Finite {
            negative,
            sig,
            exp: lead - (bits - 1),
            sticky: dir != Ordering::Equal,
        }))
    })
}

/// Presets, so that common formats (and the widest) come often.
const PRESETS: [FloatFormat; 8] = [
    FloatFormat::FP64,
    FloatFormat::FP32,
    FloatFormat::BF16,
    FloatFormat::FP16,
    FloatFormat::E4M3FN,
    FloatFormat::E5M2,
    FloatFormat::E4M3FNUZ,
    FloatFormat::E2M1,
];

const OVERFLOWS: [Overflow; 3] = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let pick = b.byte();
    let fmt = if pick & 1 == 0 {
        PRESETS[usize::from(pick >> 1) % PRESETS.len()]
    } else {
        match format(&mut b) {
            Some(f) => f,
            None => return,
        }
    };
    let which = usize::from(b.byte()) % (Unary::ALL.len() + Binary::ALL.len() + 2);
    // n: mostly small, sometimes anything.
    let n_byte = b.byte();
    let n = if n_byte & 0x80 == 0 {
        i64::from(b.byte() as i8)
    } else {
        b.u64() as i64
    };
    let call = if let Some(&f) = Unary::ALL.get(which) {
        Call::Unary(f)
    } else if let Some(&f) = Binary::ALL.get(which - Unary::ALL.len()) {
        Call::Binary(f)
    } else if which == Unary::ALL.len() + Binary::ALL.len() {
        Call::Pown(n)
    } else {
        Call::Rootn(n)
    };
    if !enabled(call.name()) {
        return;
    }
    let how = Round::new(mode(&mut b), OVERFLOWS[usize::from(b.byte()) % 3]);
    let mask = fmt.code_mask();
    let (a, c) = (b.u64() & mask, b.u64() & mask);
    let seed = b.u64();

    let mut rng = SplitMix64::new(seed);
    let got = match call {
        Call::Unary(f) => fmt.unary_with(f, a, how, &mut rng),
        Call::Binary(f) => fmt.binary_with(f, a, c, how, &mut rng),
        Call::Pown(n) => fmt.pown_with(a, n, how, &mut rng),
        Call::Rootn(n) => fmt.rootn_with(a, n, how, &mut rng),
    };
    assert_eq!(got.value & !mask, 0, "{call:?} in {fmt}: not a code");

    let (x, y) = (fmt.decode(a), fmt.decode(c));
    let Some(want) = reference(call, x, y) else {
        return;
    };
    let signaling = match call {
        Call::Binary(_) => fmt.is_signaling(a) || fmt.is_signaling(c),
        _ => fmt.is_signaling(a),
    };
    let flags = if signaling {
        Status::INVALID
    } else {
        Status::OK
    };
    // A signaling NaN operand gives a quiet NaN and invalid (IEEE 754 §6.2), also where a
    // quiet NaN would not propagate (pow(NaN, 0) = 1).
    let want = if signaling { Want::QuietNan } else { want };
    let mut rng = SplitMix64::new(seed);
    let expect = match want {
        Want::Value(v) => {
            let r = fmt.round(v, how, &mut rng);
            StatusAnd::new(r.value, r.status | flags)
        }
        Want::QuietNan => {
            // Which NaN (its sign) is the format's business: only check it is one.
            assert!(
                matches!(fmt.decode(got.value), Exact::Nan { .. }),
                "{call:?} of {x:?}, {y:?} in {fmt}: a NaN operand gives {:#x}",
                got.value
            );
            assert_eq!(got.status, flags, "{call:?} of {x:?}, {y:?} in {fmt}");
            return;
        }
        Want::Invalid => {
            let r = fmt.round(Exact::Nan { negative: false }, how, &mut rng);
            StatusAnd::new(r.value, r.status | Status::INVALID | flags)
        }
        Want::DivByZero { negative } => {
            let r = fmt.round(Exact::Inf { negative }, how, &mut rng);
            StatusAnd::new(r.value, Status::DIV_BY_ZERO | flags)
        }
    };
    assert_eq!(
        (got.value, got.status),
        (expect.value, expect.status),
        "{call:?} of {a:#x} = {x:?}, {c:#x} = {y:?} in {fmt} with {how:?}: got {:?}, want {:?} ({want:?})",
        fmt.decode(got.value),
        fmt.decode(expect.value),
    );
});
