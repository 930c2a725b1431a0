//! The quantized-transformer kernels of `lowprec::nn` on random configurations and inputs:
//! - every kernel (`Requant`, `Dense` in both schedules, `Residual`, `Softmax`, `LayerNorm`,
//!   `Gelu`, and hls4ml's `Dense`, `Softmax`, `LayerNorm`) never panics on any
//!   configuration (random `ap_fixed`/`ap_ufixed`/`ac_fixed` types with every quantization
//!   and overflow mode) or input; a configuration `new` refuses is a typed error of the
//!   kinds the kernel documents, and an accepted one runs on every in-range input;
//! - every output raw integer lies in its type's range;
//! - independent oracles, never the kernel's code: a `Requant` equals `Wide::cast` of the
//!   same exact value; `Dense` equals the literal schedule of its contract in `Wide`
//!   arithmetic (every product and partial sum cast into the accumulator for `Latency`,
//!   the exact sum cast once for `Wide`, ReLU on the accumulator), which compares the
//!   fast paths (bounded `i32`/`i64` dot products, the `i64` step-by-step schedule with
//!   per-mode rounding addends) with the definition; hls4ml's `Dense` likewise in each
//!   strategy's documented order; `Residual` equals `FixedFormat::from_sum`; `Softmax`
//!   and `LayerNorm` equal their contracts' steps computed in exact integer arithmetic
//!   with `Wide` casts, their table entries equal MPFR's e^−c, 1/μ and 1/√μ rounded by
//!   `FixedFormat::from_exact`; `Gelu` equals MPFR's GELU (erf or tanh form, 300 bits) of
//!   the input's cell centre rounded by `from_exact`, out(x) above the window and 0
//!   below it;
//! - structural properties the softmax contracts imply: equal inputs give equal outputs
//!   (both softmaxes), a larger input never gets a smaller output when every table and
//!   output type saturates, hls4ml's argmax is one-hot at the first maximum.
//!
//! Tables are small (at most 2^8 entries) and kept per configuration, so an execution
//! stays fast. `LOWPREC_FUZZ_NN_STATS=1` prints, every 2^16 dense layers, how many
//! outputs took each path of `Dense` (computed from the contract's bounds).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::fixed::{FixedFormat, FixedParams, OverflowMode, Wide, WideFormat};
use lowprec::float::Exact;
use lowprec::nn::{
    self, Dense, DenseParams, Gelu, GeluForm, GeluParams, LayerNorm, LayerNormParams, NnError,
    Requant, Residual, ResidualParams, Schedule, Softmax, SoftmaxParams,
};
use lowprec_fuzz::{Bytes, fixed_format, fixed_format_in};
use rug::float::{Constant, Round as MpRound};
use rug::{Float, Integer};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

// ---------------------------------------------------------------------------------------
// Values and the oracle's exact arithmetic.

/// A raw integer of `f` (within its range): an end of the range or a value next to one,
/// random bits, or a value of a few bits (mostly small magnitudes).
fn raw(b: &mut Bytes<'_>, f: &FixedFormat) -> i64 {
    raw_capped(b, f, 64)
}

/// [`raw`] with small values of at most `cap` bits.
fn raw_capped(b: &mut Bytes<'_>, f: &FixedFormat, cap: u32) -> i64 {
    let (lo, hi) = (f.min_raw(), f.max_raw());
    let sel = b.byte();
    let v: i128 = match sel & 7 {
        0 => [lo, hi, 0, 1, -1, lo + 1, hi - 1, lo / 2][usize::from(sel >> 3) % 8],
        1 => f.raw_of(b.u64()),
        _ => {
            let bits = (u32::from(sel >> 3) % 33).min(cap);
            let bytes = bits.div_ceil(8);
            let m = (0..bytes).fold(0u64, |a, _| a << 8 | u64::from(b.byte()));
            let m = if bits == 0 {
                0
            } else {
                m & (u64::MAX >> (64 - bits))
            };
            if sel & 0x80 != 0 {
                -i128::from(m)
            } else {
                i128::from(m)
            }
        }
    };
    v.clamp(lo, hi) as i64
}

/// A raw integer of `f` with at most `bits` magnitude bits, from a generator.
fn raw_rng(rng: &mut u64, f: &FixedFormat, bits: u32) -> i64 {
    let r = splitmix(rng);
    let m = if bits == 0 {
        0
    } else {
        (r >> 1) >> (63 - bits.min(63))
    };
    let v = if r & 1 == 1 {
        -i128::from(m)
    } else {
        i128::from(m)
    };
    v.clamp(f.min_raw(), f.max_raw()) as i64
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The value of raw integer `raw` of `f`, exactly.
fn wide_of(f: &FixedFormat, raw: i64) -> Wide {
    Wide::from_bits(f, f.bits_of(i128::from(raw)))
}

/// The cast of an exact value into `to`, as the raw integer.
fn cast(w: &Wide, to: &FixedFormat) -> i64 {
    to.raw_of(w.cast(to)) as i64
}

/// An exact dyadic value raw · 2^−frac: the oracle's own arithmetic (plain `i128`,
/// every step checked), cast by `Wide::cast`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Q {
    raw: i128,
    frac: i32,
}

fn shl(v: i128, s: i32) -> i128 {
    assert!(s >= 0);
    if v == 0 {
        return 0;
    }
    assert!(
        s < 127 && (v << s) >> s == v,
        "oracle: {v} << {s} leaves i128"
    );
    v << s
}

impl Q {
    fn of(f: &FixedFormat, raw: i64) -> Q {
        Q {
            raw: i128::from(raw),
            frac: f.frac_bits(),
        }
    }
    fn zero() -> Q {
        Q { raw: 0, frac: 0 }
    }
    fn add(self, o: Q) -> Q {
        let frac = self.frac.max(o.frac);
        let raw = shl(self.raw, frac - self.frac)
            .checked_add(shl(o.raw, frac - o.frac))
            .expect("oracle: a sum leaves i128");
        Q { raw, frac }
    }
    fn sub(self, o: Q) -> Q {
        self.add(Q {
            raw: o.raw.checked_neg().expect("oracle: negation"),
            frac: o.frac,
        })
    }
    fn mul(self, o: Q) -> Q {
        Q {
            raw: self
                .raw
                .checked_mul(o.raw)
                .expect("oracle: a product leaves i128"),
            frac: self.frac + o.frac,
        }
    }
    fn wide(self) -> Wide {
        let f = WideFormat::new(128, 128 - i64::from(self.frac), true).expect("oracle format");
        Wide::new(self.raw, f)
    }
    fn cast(self, to: &FixedFormat) -> i64 {
        cast(&self.wide(), to)
    }
}

fn in_range(what: &str, f: &FixedFormat, y: i64) {
    let r = i128::from(y);
    assert!(
        r >= f.min_raw() && r <= f.max_raw(),
        "{what}: output raw {y} outside {f} [{}, {}]",
        f.min_raw(),
        f.max_raw()
    );
}

/// 64-bit unsigned types are the one type problem every kernel refuses.
fn any_u64(fs: &[FixedFormat]) -> bool {
    fs.iter().any(|f| !f.is_signed() && f.width() == 64)
}

// ---------------------------------------------------------------------------------------
// MPFR.

const PREC: u32 = 300;

/// MPFR's value (inexact when `inexact`) as an `Exact`: 126 bits toward zero, the rest as
/// the sticky bit. A value below MPFR's exponent range (e^−c for a huge c) becomes a
/// stand-in far below every fixed-point type's LSB, with its sign.
fn exact_of(v: &Float, inexact: bool) -> Exact {
    assert!(v.is_finite());
    if v.is_zero() {
        let negative = v.is_sign_negative();
        return if inexact {
            match Exact::from_parts(negative, 1, i32::MIN / 2) {
                Exact::Finite(mut f) => {
                    f.sticky = true;
                    Exact::Finite(f)
                }
                e => e,
            }
        } else {
            Exact::Zero { negative }
        };
    }
    let (t, dir) = Float::with_val_round(126, v, MpRound::Zero);
    let (m, e) = t.to_integer_exp().expect("finite");
    let sig = m.abs().to_u128().expect("126 bits");
    match Exact::from_parts(t.is_sign_negative(), sig, e) {
        Exact::Finite(mut f) => {
            f.sticky = inexact || dir != Ordering::Equal;
            Exact::Finite(f)
        }
        e => e,
    }
}

/// Whether a type wraps on overflow.
fn wraps(f: &FixedFormat) -> bool {
    matches!(f.overflow(), OverflowMode::Wrap | OverflowMode::WrapSm)
}

/// MPFR's value `v` (inexact when `inexact`) rounded into `f` by `from_exact`, as the raw
/// integer; `None` where this oracle cannot decide it: a wrapping type keeps the value's
/// bits down to its LSB, and the oracle carries 126 bits and a sticky bit, so a value more
/// than 2^120 LSBs large is left out (the kernels refuse such entries with `TableMargin`,
/// `nn/gelu-wrap-beyond-126-bits`). Saturating types only need the direction.
fn round_into(f: &FixedFormat, v: &Float, inexact: bool) -> Option<i64> {
    let wraps = matches!(f.overflow(), OverflowMode::Wrap | OverflowMode::WrapSm);
    if wraps && !v.is_zero() {
        let e = i64::from(v.get_exp().expect("finite"));
        if e + i64::from(f.frac_bits()) > 120 {
            return None;
        }
    }
    Some(f.raw_of(f.from_exact(&exact_of(v, inexact))) as i64)
}

/// `num` · 2^−`shift` exactly.
fn mp_dyadic(num: i128, shift: i32) -> Float {
    let x = Float::with_val(PREC, Integer::from(num));
    if shift >= 0 { x >> shift } else { x << -shift }
}

/// GELU(x) for x = twice · 2^−(frac + 1), in the erf or tanh form (inexact unless 0).
/// With a = |x| and g = Φ(−a) = ½·erfc(a/√2) (erf) or 1/(1 + e^{2v}),
/// v = √(2/π)(a + 0.044715·a³) (tanh): GELU(x) = x − a·g for x > 0 (the difference rounded
/// toward zero, so that a value just below x stays below it) and −a·g for x < 0.
fn gelu_mp(form: GeluForm, twice: i128, frac: i32) -> Float {
    if twice == 0 {
        return Float::new(PREC);
    }
    let x = mp_dyadic(twice, frac + 1);
    let a = x.clone().abs();
    let g = match form {
        GeluForm::Erf => {
            let s2 = Float::with_val(PREC, 2).sqrt();
            let z = Float::with_val(PREC, &a / &s2);
            z.erfc() / 2u32
        }
        GeluForm::Tanh => {
            let k = Float::with_val(PREC, Float::parse("0.044715").expect("literal"));
            let c = (Float::with_val(PREC, 2) / Float::with_val(PREC, Constant::Pi)).sqrt();
            let a3 = Float::with_val(PREC, &a * &a) * &a;
            let v = c * (Float::with_val(PREC, &a + k * a3));
            let e = (v * 2u32).exp();
            Float::with_val(PREC, 1) / (e + 1u32)
        }
    };
    let t = Float::with_val(PREC, &a * &g);
    if twice > 0 {
        Float::with_val_round(PREC, &x - &t, MpRound::Zero).0
    } else {
        -t
    }
}

// ---------------------------------------------------------------------------------------
// Requant.

fn requant(b: &mut Bytes<'_>) {
    let to = fixed_format(b);
    let sel = b.byte();
    let from_frac = if sel & 0xE0 == 0xE0 {
        i32::from(i16::from_be_bytes([b.byte(), b.byte()])) % 300
    } else {
        to.frac_bits() + i32::from(b.byte() as i8)
    };
    let q = Requant::new(from_frac, to);
    assert_eq!((q.to(), q.from_frac()), (to, from_frac));
    let shift = i64::from(to.frac_bits()) - i64::from(from_frac);
    for _ in 0..1 + sel % 4 {
        let kind = b.byte();
        let x: i128 = match kind % 4 {
            // Anything.
            0 => (i128::from(b.u64()) << 64 | i128::from(b.u64())) >> (kind >> 2),
            // A value of the target's range, rescaled, plus a nudge: both sides of the
            // rounding boundaries (a right shift) and of the range's ends.
            _ => {
                let base = i128::from(raw(b, &to)).saturating_add(i128::from(b.byte() as i8));
                let scaled = if shift >= 0 {
                    if shift < 127 {
                        base >> shift
                    } else {
                        base >> 127
                    }
                } else if -shift < 100 {
                    base.saturating_mul(1i128 << -shift)
                } else {
                    base
                };
                let half = if shift < 0 && -shift < 120 {
                    1i128 << (-shift - 1)
                } else {
                    0
                };
                let nudge = match kind >> 2 & 7 {
                    0 => 0,
                    1 => half,
                    2 => -half,
                    3 => half + 1,
                    4 => half - 1,
                    5 => 1 - half,
                    6 => -half - 1,
                    _ => i128::from(b.byte() as i8),
                };
                scaled.saturating_add(nudge)
            }
        };
        let got = q.apply(x);
        let want = to.raw_of(
            Q {
                raw: x,
                frac: from_frac,
            }
            .wide()
            .cast(&to),
        ) as i64;
        assert_eq!(got, want, "Requant::new({from_frac}, {to}).apply({x})");
        if to.is_signed() || to.width() != 64 {
            in_range("requant", &to, got);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Dense.

static STATS: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];
const STAT_NAMES: [&str; 9] = [
    "layers",
    "latency fast i32",
    "latency fast i64",
    "latency fast i128",
    "latency steps64",
    "latency steps",
    "wide i32",
    "wide i64",
    "wide i128",
];

fn stat(i: usize) {
    STATS[i].fetch_add(1, AtomicOrdering::Relaxed);
}

fn print_stats() {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("LOWPREC_FUZZ_NN_STATS").is_some()) {
        return;
    }
    if STATS[0]
        .load(AtomicOrdering::Relaxed)
        .is_multiple_of(1 << 16)
    {
        let s: Vec<String> = STAT_NAMES
            .iter()
            .zip(&STATS)
            .map(|(n, c)| format!("{n}: {}", c.load(AtomicOrdering::Relaxed)))
            .collect();
        eprintln!("nn dense paths: {}", s.join(", "));
    }
}

/// Which path the module documentation says output (x, w) takes (counted for the stats).
fn classify(p: &DenseParams, x: &[i64], w: &[i64], a0: i64) {
    let m = x.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0);
    let l: u128 = w.iter().map(|v| u128::from(v.unsigned_abs())).sum();
    let ml = u128::from(m).checked_mul(l);
    let dot = |base: usize| match ml {
        Some(ml) if ml < 1 << 31 => base,
        Some(ml) if ml < 1 << 63 => base + 1,
        _ => base + 2,
    };
    if p.schedule == Schedule::Wide {
        stat(dot(6));
        return;
    }
    let fp = p.input.frac_bits() + p.weight.frac_bits();
    let hi = p.accum.max_raw();
    let sym =
        p.accum.overflow() == OverflowMode::SatSym && p.accum.is_signed() && p.accum.width() > 1;
    let lo = if sym { -hi } else { p.accum.min_raw() };
    let s = p.accum.frac_bits() - fp;
    if let Some(ml) = ml.filter(|_| s >= 0) {
        let bound = if ml == 0 {
            Some(0)
        } else if ml < 1 << 63 && s < 64 {
            Some((ml << s) as i128)
        } else {
            None
        };
        if let Some(bd) = bound {
            let a0 = i128::from(a0);
            if -bd >= lo && bd <= hi && a0 - bd >= lo && a0 + bd <= hi {
                stat(dot(1));
                return;
            }
        }
    }
    let r = fp - p.accum.frac_bits();
    let steps64 = p.accum.width() <= 60
        && match p.accum.overflow() {
            OverflowMode::WrapSm => false,
            OverflowMode::Wrap => p.accum.sat_bits() == 0,
            _ => true,
        }
        && (-62..=60).contains(&r)
        && ml.is_some_and(|ml| ml < 1 << 61);
    stat(if steps64 { 4 } else { 5 });
}

/// The latency schedule of the contract, literally in `Wide` arithmetic, over the
/// (input, weight) pairs in the given order; `None` for the wide schedule's exact sum.
fn dense_oracle(
    p: &DenseParams,
    pairs: impl Iterator<Item = (i64, i64)> + Clone,
    bias: i64,
    relu: bool,
) -> i64 {
    let acc_t = &p.accum;
    let acc = match p.schedule {
        Schedule::Latency => {
            let mut acc = cast(&wide_of(&p.bias, bias), acc_t);
            for (x, w) in pairs {
                let prod = wide_of(&p.input, x)
                    .mul(&wide_of(&p.weight, w))
                    .expect("a product of two ≤ 64-bit values");
                let m = cast(&prod, acc_t);
                let sum = wide_of(acc_t, acc)
                    .add(&wide_of(acc_t, m))
                    .expect("a sum of two accumulator values");
                acc = cast(&sum, acc_t);
            }
            acc
        }
        Schedule::Wide => {
            let mut s = Q::of(&p.bias, bias);
            for (x, w) in pairs {
                s = s.add(Q::of(&p.input, x).mul(Q::of(&p.weight, w)));
            }
            s.cast(acc_t)
        }
    };
    let acc = if relu && acc < 0 { 0 } else { acc };
    cast(&wide_of(acc_t, acc), &p.output)
}

fn dense(b: &mut Bytes<'_>) {
    let flags = b.byte();
    let large = flags & 0xC0 == 0xC0;
    let shaped = flags & 0x20 == 0;
    let relu = flags & 1 != 0;
    let n_in = if large {
        64 + usize::from(b.byte()) * 320 / 255
    } else {
        1 + usize::from(b.byte() % 8)
    };
    let n_out = if large {
        1 + usize::from(b.byte() % 2)
    } else {
        1 + usize::from(b.byte() % 8)
    };
    let rows = if large {
        1
    } else {
        match b.byte() {
            r @ 0..=239 => 1 + usize::from(r % 3),
            r => 60 + usize::from(r % 10),
        }
    };
    let (input, weight, bias, accum) = if shaped {
        // Types shaped for the fast paths: narrow inputs and weights, an accumulator
        // whose fraction bits lie around F_x + F_w.
        let input = fixed_format_in(b, 1..=24);
        let weight = fixed_format_in(b, 1..=16);
        let bias = fixed_format_in(b, 1..=32);
        let fp = input.frac_bits() + weight.frac_bits();
        let frac = fp + i32::from(b.byte() % 9) - 4;
        let w = 8 + u32::from(b.byte()) % 57;
        let modes = fixed_format_in(b, w..=w);
        let accum = FixedFormat::new(FixedParams {
            width: w,
            int_bits: w as i32 - frac,
            ..modes.params()
        })
        .unwrap_or(modes);
        (input, weight, bias, accum)
    } else {
        (
            fixed_format(b),
            fixed_format(b),
            fixed_format(b),
            fixed_format(b),
        )
    };
    let output = fixed_format(b);
    // Magnitude caps: small values keep M·L under the fast paths' bounds.
    let (cap_x, cap_w) = (u32::from(b.byte() % 65), u32::from(b.byte() % 65));
    let (x, w, bs): (Vec<i64>, Vec<i64>, Vec<i64>) = if large {
        let mut rng = b.u64();
        (
            (0..rows * n_in)
                .map(|_| raw_rng(&mut rng, &input, cap_x))
                .collect(),
            (0..n_out * n_in)
                .map(|_| raw_rng(&mut rng, &weight, cap_w))
                .collect(),
            (0..n_out).map(|_| raw(b, &bias)).collect(),
        )
    } else {
        let x: Vec<i64> = (0..n_in).map(|_| raw_capped(b, &input, cap_x)).collect();
        let w = (0..n_out * n_in)
            .map(|_| raw_capped(b, &weight, cap_w))
            .collect();
        let bs = (0..n_out).map(|_| raw(b, &bias)).collect();
        // Further rows: variations of the first.
        let mut rng = b.u64();
        let mut xs = x.clone();
        for _ in 1..rows {
            xs.extend(x.iter().map(|&v| {
                let r = splitmix(&mut rng);
                if r & 3 == 0 {
                    raw_rng(&mut rng, &input, cap_x)
                } else {
                    v
                }
            }));
        }
        (xs, w, bs)
    };
    let types = [input, weight, bias, accum, output];
    for schedule in [Schedule::Latency, Schedule::Wide] {
        let p = DenseParams {
            n_in,
            n_out,
            input,
            weight,
            bias,
            accum,
            output,
            schedule,
            relu,
        };
        let d = match Dense::new(p) {
            Ok(d) => d,
            Err(e) => {
                let documented = match e {
                    NnError::Format { .. } => any_u64(&types),
                    NnError::TooWide { .. } => schedule == Schedule::Wide,
                    _ => false,
                };
                assert!(documented, "Dense::new({p:?}): {e:?}");
                continue;
            }
        };
        let mut y = vec![0i64; rows * n_out];
        d.run_rows(rows, &x, &w, &bs, &mut y)
            .unwrap_or_else(|e| panic!("Dense::run_rows({p:?}): {e:?}"));
        stat(0);
        for r in 0..rows {
            let xr = &x[r * n_in..][..n_in];
            for j in 0..n_out {
                let wr = &w[j * n_in..][..n_in];
                let got = y[r * n_out + j];
                in_range("dense", &output, got);
                let a0 = cast(&wide_of(&bias, bs[j]), &accum);
                classify(&p, xr, wr, a0);
                let want =
                    dense_oracle(&p, xr.iter().copied().zip(wr.iter().copied()), bs[j], relu);
                assert_eq!(
                    got, want,
                    "Dense {p:?}\nrow {r} output {j}: x = {xr:?}, w = {wr:?}, b = {}",
                    bs[j]
                );
            }
        }
        print_stats();
    }
}

// ---------------------------------------------------------------------------------------
// Residual.

fn residual(b: &mut Bytes<'_>) {
    let (fa, fb, fo) = (fixed_format(b), fixed_format(b), fixed_format(b));
    let n = usize::from(b.byte() % 9);
    let a: Vec<i64> = (0..n).map(|_| raw(b, &fa)).collect();
    let c: Vec<i64> = (0..n).map(|_| raw(b, &fb)).collect();
    let p = ResidualParams {
        a: fa,
        b: fb,
        output: fo,
    };
    let r = match Residual::new(p) {
        Ok(r) => r,
        Err(e) => {
            let documented = match e {
                NnError::Format { .. } => any_u64(&[fa, fb, fo]),
                NnError::TooWide { .. } => true,
                _ => false,
            };
            assert!(documented, "Residual::new({p:?}): {e:?}");
            return;
        }
    };
    let mut y = vec![0i64; n];
    r.run(&a, &c, &mut y)
        .unwrap_or_else(|e| panic!("Residual::run({p:?}): {e:?}"));
    for i in 0..n {
        in_range("residual", &fo, y[i]);
        let want = fo.raw_of(fo.from_sum(&wide_of(&fa, a[i]), &wide_of(&fb, c[i]), false)) as i64;
        assert_eq!(y[i], want, "Residual {p:?}: {} + {}", a[i], c[i]);
    }
}

// ---------------------------------------------------------------------------------------
// Softmax.

/// A softmax configuration's exp and inverse tables.
type Tables = (Vec<i64>, Vec<i64>);

thread_local! {
    static SOFTMAX_TABLES: RefCell<HashMap<String, Result<Tables, NnError>>> = RefCell::new(HashMap::new());
    static LAYERNORM_TABLES: RefCell<HashMap<String, Result<Vec<i64>, NnError>>> = RefCell::new(HashMap::new());
    static GELU_TABLES: RefCell<HashMap<String, Result<Vec<i64>, NnError>>> = RefCell::new(HashMap::new());
}

/// A saturating overflow mode (the cast is monotone).
fn saturates(f: &FixedFormat) -> bool {
    matches!(f.overflow(), OverflowMode::Sat | OverflowMode::SatSym)
}

fn softmax(b: &mut Bytes<'_>) {
    let n = 1 + usize::from(b.byte() % 8);
    let sel = b.byte();
    let input = fixed_format_in(b, 1..=40);
    let output = fixed_format(b);
    let unit = |b: &mut Bytes<'_>, int_bits: i32| {
        let m = fixed_format_in(b, 4..=40);
        FixedFormat::new(FixedParams {
            int_bits,
            ..m.params()
        })
        .unwrap_or(m)
    };
    let (exp_table, inv_table, inv, accum) = if sel & 1 == 0 {
        // Types that hold what they should: e ≤ 1, 1/μ ∈ (½, 1], the sum ≤ n.
        let c = (n as u32).next_power_of_two().trailing_zeros() as i32;
        let extra = i32::from(b.byte() % 3);
        (unit(b, 1), unit(b, 1), unit(b, 1), unit(b, 1 + c + extra))
    } else {
        (
            fixed_format(b),
            fixed_format(b),
            fixed_format(b),
            fixed_format(b),
        )
    };
    let r_e = if sel & 2 == 0 {
        input.int_bits() - i32::from(b.byte() % 6)
    } else {
        i32::from(b.byte() as i8)
    };
    let span = r_e + input.frac_bits();
    let exp_index_bits = if sel & 4 == 0 && span >= 1 {
        1 + u32::from(b.byte()) % (span.min(8) as u32)
    } else {
        u32::from(b.byte() % 24)
    };
    let inv_index_bits = 1 + u32::from(b.byte() % 8);
    let p = SoftmaxParams {
        n,
        input,
        output,
        exp_table,
        exp_index_bits,
        exp_range_log2: r_e,
        accum,
        inv_table,
        inv_index_bits,
        inv,
    };
    let types = [input, output, exp_table, accum, inv_table, inv];
    let sm = match Softmax::new(p) {
        Ok(s) => s,
        Err(e) => {
            let documented = match e {
                NnError::Format { .. } => any_u64(&types),
                NnError::TooWide { .. } | NnError::Config(_) => true,
                _ => false,
            };
            assert!(documented, "Softmax::new({p:?}): {e:?}");
            return;
        }
    };
    if exp_index_bits > 8 {
        // Accepted, but a table too large to fill in every execution.
        return;
    }
    // A row with repeated values.
    let mut x: Vec<i64> = Vec::with_capacity(n);
    for i in 0..n {
        let s = b.byte();
        if i > 0 && s & 3 == 0 {
            x.push(x[usize::from(s >> 2) % i]);
        } else {
            x.push(raw(b, &input));
        }
    }
    let key = format!(
        "{:?}",
        SoftmaxParams {
            n: 1,
            output: input,
            ..p
        }
    );
    let tables = SOFTMAX_TABLES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 20_000 {
            c.clear();
        }
        c.entry(key)
            .or_insert_with(|| {
                let mut e = vec![0; sm.exp_table_len()];
                let mut i = vec![0; sm.inv_table_len()];
                let loaded = sm.load(&mut e, &mut i).map(|_| ());
                loaded.map(|()| (e, i))
            })
            .clone()
    });
    let (exp, invt) = match tables {
        Ok(t) => t,
        // Refused entries: only a wrapping table type far below its entries.
        Err(NnError::TableMargin { .. }) if wraps(&exp_table) || wraps(&inv_table) => return,
        Err(e) => panic!("Softmax::load({p:?}): {e:?}"),
    };
    let k = sm.with_tables(&exp, &invt).expect("table lengths");
    let mut y = vec![0i64; n];
    k.run(&x, &mut y)
        .unwrap_or_else(|e| panic!("Softmax::run({p:?}): {e:?}"));
    for &v in &y {
        in_range("softmax", &output, v);
    }

    // The contract's steps, in exact arithmetic.
    let f_in = input.frac_bits();
    let range_bits = r_e + f_in;
    let s = range_bits - exp_index_bits as i32;
    let m = *x.iter().max().expect("n ≥ 1");
    let e_of = |xi: i64| -> (i64, Option<usize>) {
        let d = i128::from(m) - i128::from(xi);
        if d >> range_bits != 0 {
            (0, None)
        } else {
            let j = (d >> s) as usize;
            (exp[j], Some(j))
        }
    };
    let mut sum = 0i64;
    let mut used = Vec::new();
    for &xi in &x {
        let (e, j) = e_of(xi);
        used.extend(j);
        sum = accum.raw_of(accum.from_sum(&wide_of(&accum, sum), &wide_of(&exp_table, e), false))
            as i64;
    }
    // The exp entries the row read, against MPFR: e^−c_j, c_j·2^(F_in+1) = 2j·2^s + 2^s − 1.
    used.sort_unstable();
    used.dedup();
    for j in used {
        let twice = ((j as i128) << (s + 1)) + (1i128 << s) - 1;
        let c = mp_dyadic(twice, f_in + 1);
        let v = (-c).exp();
        if let Some(want) = round_into(&exp_table, &v, twice != 0) {
            assert_eq!(exp[j], want, "Softmax {p:?}: exp table entry {j}");
        }
    }
    let want: Vec<i64> = if sum <= 0 {
        vec![0; n]
    } else {
        let big = i128::from(sum);
        let pos = 127 - big.leading_zeros() as i32;
        let bits = inv_index_bits as i32;
        let mask = (1i128 << bits) - 1;
        let j = if pos >= bits {
            (big >> (pos - bits)) & mask
        } else {
            (big << (bits - pos)) & mask
        } as usize;
        // Entry j: 1/(1 + (j + ½)·2^−B_r) = 2^(B_r+1) / (2^(B_r+1) + 2j + 1).
        let num = Float::with_val(PREC, Integer::from(1u64 << (bits + 1)));
        let den = Float::with_val(PREC, Integer::from((1u64 << (bits + 1)) + 2 * j as u64 + 1));
        let (v, dir) = Float::with_val_round(PREC, &num / &den, MpRound::Zero);
        let entry = match round_into(&inv_table, &v, dir != Ordering::Equal) {
            Some(entry) => entry,
            None => return,
        };
        assert_eq!(invt[j], entry, "Softmax {p:?}: inverse table entry {j}");
        // inv = inv_t(T[j] · 2^(F_acc − p)).
        let inv_raw = Q {
            raw: i128::from(entry),
            frac: inv_table.frac_bits() - accum.frac_bits() + pos,
        }
        .cast(&inv);
        x.iter()
            .map(|&xi| {
                let prod = wide_of(&exp_table, e_of(xi).0)
                    .mul(&wide_of(&inv, inv_raw))
                    .expect("a product of two ≤ 64-bit values");
                cast(&prod, &output)
            })
            .collect()
    };
    assert_eq!(y, want, "Softmax {p:?}: x = {x:?}, sum raw {sum}");
    // What the contract implies, without the steps.
    let monotone = [exp_table, inv_table, inv, output].iter().all(saturates);
    for i in 0..n {
        for j in 0..n {
            if x[i] == x[j] {
                assert_eq!(y[i], y[j], "Softmax {p:?}: equal inputs {x:?} → {y:?}");
            }
            if monotone && x[i] > x[j] {
                assert!(y[i] >= y[j], "Softmax {p:?}: {x:?} → {y:?} not monotone");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// LayerNorm.

fn layernorm(b: &mut Bytes<'_>) {
    let dim = 1 + usize::from(b.byte() % 8);
    let sel = b.byte();
    let input = fixed_format_in(b, 1..=32);
    let output = fixed_format(b);
    let scale = fixed_format_in(b, 1..=24);
    let bias = fixed_format_in(b, 1..=24);
    let epsilon = match b.byte() % 5 {
        0 => Exact::Zero { negative: false },
        1 => "1e-12".parse().expect("literal"),
        2 => "1e-5".parse().expect("literal"),
        3 => Exact::from_parts(false, u128::from(b.byte()), -i32::from(b.byte() % 90)),
        _ => Exact::from_parts(
            b.byte() & 1 == 1,
            u128::from(b.u64()),
            i32::from(b.byte() as i8),
        ),
    };
    let rsqrt_index_bits = 2 + u32::from(b.byte() % 7);
    let p = if sel & 1 == 0 {
        match LayerNormParams::for_types(dim, input, output, scale, bias, epsilon) {
            Ok(p) => {
                // Sometimes other modes for the intermediates.
                let mut p = LayerNormParams {
                    rsqrt_index_bits,
                    ..p
                };
                if sel & 2 != 0 {
                    let re = |b: &mut Bytes<'_>, f: FixedFormat| {
                        let m = fixed_format_in(b, f.width()..=f.width());
                        FixedFormat::new(FixedParams {
                            int_bits: f.int_bits(),
                            signed: f.is_signed() || m.is_signed(),
                            ..m.params()
                        })
                        .unwrap_or(f)
                    };
                    p.accum = re(b, p.accum);
                    p.mean = re(b, p.mean);
                    p.sq_accum = re(b, p.sq_accum);
                    p.var = re(b, p.var);
                    p.norm = re(b, p.norm);
                    p.rsqrt_table = re(b, p.rsqrt_table);
                }
                p
            }
            Err(_) => return,
        }
    } else {
        LayerNormParams {
            dim,
            input,
            output,
            accum: fixed_format(b),
            dim_recip: fixed_format(b),
            mean: fixed_format(b),
            sq_accum: fixed_format(b),
            var: fixed_format(b),
            epsilon,
            epsilon_type: fixed_format(b),
            rsqrt_table: fixed_format_in(b, 1..=32),
            rsqrt_index_bits,
            norm: fixed_format(b),
            scale,
            bias,
        }
    };
    let types = [
        p.input,
        p.output,
        p.accum,
        p.dim_recip,
        p.mean,
        p.sq_accum,
        p.var,
        p.epsilon_type,
        p.rsqrt_table,
        p.norm,
        p.scale,
        p.bias,
    ];
    let ln = match LayerNorm::new(p) {
        Ok(l) => l,
        Err(e) => {
            let documented = match e {
                NnError::Format { .. } => any_u64(&types),
                NnError::TooWide { .. } | NnError::Config(_) => true,
                // 1/D or ε refused: a wrapping type far below the value.
                NnError::TableMargin { .. } => wraps(&p.dim_recip) || wraps(&p.epsilon_type),
                _ => false,
            };
            assert!(documented, "LayerNorm::new({p:?}): {e:?}");
            return;
        }
    };
    let mut x: Vec<i64> = Vec::with_capacity(dim);
    for i in 0..dim {
        let s = b.byte();
        if i > 0 && s & 3 == 0 {
            x.push(x[usize::from(s >> 2) % i]);
        } else {
            x.push(raw(b, &input));
        }
    }
    let g: Vec<i64> = (0..dim).map(|_| raw(b, &scale)).collect();
    let be: Vec<i64> = (0..dim).map(|_| raw(b, &bias)).collect();
    let key = format!("{:?} {}", p.rsqrt_table, p.rsqrt_index_bits);
    let table = LAYERNORM_TABLES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 20_000 {
            c.clear();
        }
        c.entry(key)
            .or_insert_with(|| {
                let mut t = vec![0; ln.table_len()];
                let loaded = ln.load(&mut t).map(|_| ());
                loaded.map(|()| t)
            })
            .clone()
    });
    let table = match table {
        Ok(t) => t,
        Err(NnError::TableMargin { .. }) if wraps(&p.rsqrt_table) => return,
        Err(e) => panic!("LayerNorm::load({p:?}): {e:?}"),
    };
    let k = ln.with_table(&table).expect("table length");
    let mut y = vec![0i64; dim];
    k.run(&x, &g, &be, &mut y)
        .unwrap_or_else(|e| panic!("LayerNorm::run({p:?}): {e:?}"));
    for &v in &y {
        in_range("layer norm", &p.output, v);
    }

    // The contract's steps, in exact arithmetic.
    let (num, den) = (Float::with_val(64, 1), Float::with_val(64, dim as u32));
    let (rv, dir) = Float::with_val_round(PREC, &num / &den, MpRound::Zero);
    let Some(r) = round_into(&p.dim_recip, &rv, dir != Ordering::Equal) else {
        return;
    };
    assert_eq!(ln.dim_recip_raw(), r, "LayerNorm {p:?}: 1/D");
    let eps = p.epsilon_type.raw_of(p.epsilon_type.from_exact(&p.epsilon)) as i64;
    assert_eq!(ln.epsilon_raw(), eps, "LayerNorm {p:?}: ε");
    let rq = Q::of(&p.dim_recip, r);
    let mut sum = 0i64;
    for &v in &x {
        sum = Q::of(&p.accum, sum).add(Q::of(&input, v)).cast(&p.accum);
    }
    let mean = Q::of(&p.accum, sum).mul(rq).cast(&p.mean);
    let d: Vec<Q> = x
        .iter()
        .map(|&v| Q::of(&input, v).sub(Q::of(&p.mean, mean)))
        .collect();
    let mut sq = 0i64;
    for di in &d {
        sq = Q::of(&p.sq_accum, sq).add(di.mul(*di)).cast(&p.sq_accum);
    }
    let var = Q::of(&p.sq_accum, sq).mul(rq).cast(&p.var);
    let v = Q::of(&p.var, var).add(Q::of(&p.epsilon_type, eps));
    assert_eq!(v.frac, p.var.frac_bits().max(p.epsilon_type.frac_bits()));
    let want: Vec<i64> = if v.raw <= 0 {
        be.iter()
            .map(|&bi| Q::of(&p.bias, bi).cast(&p.output))
            .collect()
    } else {
        let fv = v.frac;
        let pos = 127 - v.raw.leading_zeros() as i32;
        let q = pos - (pos - fv).rem_euclid(2);
        let k2 = q - fv; // 2k
        let bb = p.rsqrt_index_bits as i32;
        // ⌊μ·2^(B−2)⌋ with μ = V/2^q.
        let top = if q >= bb - 2 {
            v.raw >> (q - (bb - 2))
        } else {
            v.raw << ((bb - 2) - q)
        };
        let j = (top - (1i128 << (bb - 2))) as usize;
        assert!(j < ln.table_len());
        // Entry j: 1/√μ_j, μ_j = (2(j + 2^(B−2)) + 1)/2^(B−1).
        let mu = mp_dyadic(2 * (j as i128 + (1i128 << (bb - 2))) + 1, bb - 1);
        let (tv, dir) = Float::with_val_round(PREC, mu.recip_sqrt_ref(), MpRound::Zero);
        let Some(entry) = round_into(&p.rsqrt_table, &tv, dir != Ordering::Equal) else {
            return;
        };
        assert_eq!(table[j], entry, "LayerNorm {p:?}: rsqrt table entry {j}");
        d.iter()
            .zip(&g)
            .zip(&be)
            .map(|((di, &gi), &bi)| {
                // n = norm_t(d · T[j] · 2^−k).
                let t = di.mul(Q::of(&p.rsqrt_table, entry));
                let n = Q {
                    raw: t.raw,
                    frac: t.frac + k2 / 2,
                }
                .cast(&p.norm);
                Q::of(&p.norm, n)
                    .mul(Q::of(&p.scale, gi))
                    .add(Q::of(&p.bias, bi))
                    .cast(&p.output)
            })
            .collect()
    };
    assert_eq!(
        y, want,
        "LayerNorm {p:?}: x = {x:?}, γ = {g:?}, β = {be:?}; sum {sum} mean {mean} sq {sq} var {var}"
    );
}

// ---------------------------------------------------------------------------------------
// GELU.

fn gelu(b: &mut Bytes<'_>) {
    let sel = b.byte();
    let form = if sel & 1 == 0 {
        GeluForm::Erf
    } else {
        GeluForm::Tanh
    };
    let exact = sel & 2 == 0;
    let input = {
        let f = fixed_format_in(b, 1..=if exact { 8 } else { 24 });
        FixedFormat::new(FixedParams {
            signed: sel & 0xF0 != 0xF0 || f.is_signed(),
            ..f.params()
        })
        .unwrap_or(f)
    };
    let output = fixed_format(b);
    let p = if exact {
        GeluParams::exact(input, output, form)
    } else {
        let r = input.int_bits().min(11) - i32::from(b.byte() % 4);
        let span = r + input.frac_bits();
        GeluParams {
            input,
            output,
            form,
            window_int_bits: r,
            index_bits: if span >= 1 {
                1 + u32::from(b.byte()) % (span.min(8) as u32)
            } else {
                1
            },
        }
    };
    let g = match Gelu::new(p) {
        Ok(g) => g,
        Err(e) => {
            let documented = match e {
                NnError::Format { .. } => !input.is_signed() || any_u64(&[input, output]),
                NnError::Config(_) => true,
                _ => false,
            };
            assert!(documented, "Gelu::new({p:?}): {e:?}");
            return;
        }
    };
    if p.index_bits > 8 {
        return;
    }
    let key = format!("{p:?}");
    let table = GELU_TABLES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 20_000 {
            c.clear();
        }
        c.entry(key)
            .or_insert_with(|| {
                let mut t = vec![0; g.table_len()];
                match g.load(&mut t) {
                    Ok(_) => Ok(t),
                    Err(e) => Err(e),
                }
            })
            .clone()
    });
    let table = match table {
        Ok(t) => t,
        Err(NnError::TableMargin { .. }) => return,
        Err(e) => panic!("Gelu::load({p:?}): {e:?}"),
    };
    let k = g.with_table(&table).expect("table length");
    let n = usize::from(b.byte() % 17);
    let x: Vec<i64> = (0..n).map(|_| raw(b, &input)).collect();
    let mut y = vec![0i64; n];
    k.run(&x, &mut y)
        .unwrap_or_else(|e| panic!("Gelu::run({p:?}): {e:?}"));
    let f = input.frac_bits();
    let r = p.window_int_bits;
    let window = r + f;
    let s = window - p.index_bits as i32;
    let whole = r == input.int_bits();
    for (&xi, &yi) in x.iter().zip(&y) {
        in_range("gelu", &output, yi);
        let off = i128::from(xi) + (1i128 << (window - 1));
        let want = if !whole && off >= 1i128 << window {
            Some(Q::of(&input, xi).cast(&output))
        } else if !whole && off < 0 {
            Some(0)
        } else {
            let j = off >> s;
            // 2·c_j·2^F = −2^(R+F) + (2j + 1)·2^s − 1.
            let twice = -(1i128 << window) + ((2 * j + 1) << s) - 1;
            round_into(&output, &gelu_mp(form, twice, f), twice != 0)
        };
        if let Some(want) = want {
            assert_eq!(yi, want, "GELU {p:?} of raw {xi}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// hls4ml.

fn hls4ml_dense(b: &mut Bytes<'_>) {
    use nn::hls4ml::{Dense, DenseParams, Strategy};
    let n_in = 1 + usize::from(b.byte() % 8);
    let n_out = 1 + usize::from(b.byte() % 8);
    let input = fixed_format(b);
    let output = fixed_format(b);
    let weight = fixed_format(b);
    let bias = fixed_format(b);
    let accum = fixed_format(b);
    let s = b.byte();
    let strategy = if s & 1 == 0 {
        Strategy::Latency
    } else {
        Strategy::Resource {
            reuse_factor: usize::from(s >> 1) % (2 * n_in * n_out + 2),
        }
    };
    let p = DenseParams {
        n_in,
        n_out,
        input,
        output,
        weight,
        bias,
        accum,
        strategy,
    };
    let w: Vec<i64> = (0..n_in * n_out).map(|_| raw(b, &weight)).collect();
    let bs: Vec<i64> = (0..n_out).map(|_| raw(b, &bias)).collect();
    let x: Vec<i64> = (0..n_in).map(|_| raw(b, &input)).collect();
    let d = match Dense::new(p, &w, &bs) {
        Ok(d) => d,
        Err(e) => {
            let documented = match e {
                NnError::Format { .. } => any_u64(&[input, output, weight, bias, accum]),
                NnError::Config(_) => matches!(strategy, Strategy::Resource { .. }),
                _ => false,
            };
            assert!(documented, "hls4ml::Dense::new({p:?}): {e:?}");
            return;
        }
    };
    let mut y = vec![0i64; n_out];
    d.run(&x, &mut y)
        .unwrap_or_else(|e| panic!("hls4ml::Dense::run({p:?}): {e:?}"));
    // The same chain as the latency schedule, in each strategy's documented order.
    let lp = nn::DenseParams {
        n_in,
        n_out,
        input,
        weight,
        bias,
        accum,
        output,
        schedule: Schedule::Latency,
        relu: false,
    };
    for o in 0..n_out {
        in_range("hls4ml dense", &output, y[o]);
        let order: Vec<usize> = match strategy {
            Strategy::Latency => (0..n_in).collect(),
            Strategy::Resource { reuse_factor: rf } if rf <= n_in => {
                (0..rf).flat_map(|ir| (ir..n_in).step_by(rf)).collect()
            }
            Strategy::Resource { reuse_factor: rf } if rf % n_in == 0 => (0..n_in).collect(),
            Strategy::Resource { reuse_factor: rf } => {
                let s = (o * n_in) % rf;
                if s + n_in > rf {
                    (rf - s..n_in).chain(0..rf - s).collect()
                } else {
                    (0..n_in).collect()
                }
            }
        };
        assert_eq!(order.len(), n_in);
        let pairs = order.iter().map(|&i| (x[i], w[i * n_out + o]));
        let want = dense_oracle(&lp, pairs, bs[o], false);
        assert_eq!(
            y[o], want,
            "hls4ml::Dense {p:?}: x = {x:?}, w = {w:?}, b = {bs:?}, output {o}"
        );
    }
}

fn hls4ml_softmax(b: &mut Bytes<'_>) {
    use nn::hls4ml::{Softmax, SoftmaxImpl, SoftmaxParams};
    let n = 1 + usize::from(b.byte() % 8);
    let sel = b.byte();
    let implementation = [
        SoftmaxImpl::Latency,
        SoftmaxImpl::Stable,
        SoftmaxImpl::Legacy,
        SoftmaxImpl::Argmax,
    ][usize::from(sel & 3)];
    let input = fixed_format_in(b, 1..=if sel & 4 == 0 { 7 } else { 64 });
    let output = fixed_format(b);
    let accum = fixed_format(b);
    let p = if sel & 8 == 0 && input.width() <= 7 {
        match SoftmaxParams::with_converter_defaults(n, implementation, input, output, accum) {
            Ok(p) => p,
            Err(_) => return,
        }
    } else {
        let legacy = implementation == SoftmaxImpl::Legacy;
        let size = |b: &mut Bytes<'_>| {
            if legacy {
                1 + usize::from(b.byte() % 64)
            } else {
                1usize << (b.byte() % 8)
            }
        };
        SoftmaxParams {
            n,
            input,
            output,
            implementation,
            exp_table_size: size(b),
            inv_table_size: size(b),
            exp_table: fixed_format_in(b, 1..=32),
            inv_table: fixed_format_in(b, 1..=32),
            accum,
            inv_inp: fixed_format(b),
            inp_norm: fixed_format(b),
            legacy_table: fixed_format_in(b, 1..=32),
            exp_scale: match b.byte() % 6 {
                0 => 1.0,
                1 => 0.5,
                2 => -1.0,
                3 => 0.125,
                4 => 4.0,
                _ => f32::from_bits(b.u64() as u32),
            },
        }
    };
    let (ne, ni) = p.table_lens();
    if ne > 1024 || ni > 1024 {
        return;
    }
    let (mut exp, mut inv) = (vec![0i64; ne], vec![0i64; ni]);
    let sm = match Softmax::new(p, &mut exp, &mut inv) {
        Ok(s) => s,
        Err(e) => {
            let documented = match e {
                NnError::Format { .. } => {
                    any_u64(&[p.input, p.output, p.exp_table, p.inv_table, p.accum])
                        || any_u64(&[p.inv_inp, p.inp_norm, p.legacy_table])
                }
                NnError::Config(_) | NnError::TableMargin { .. } => true,
                _ => false,
            };
            assert!(documented, "hls4ml::Softmax::new({p:?}): {e:?}");
            return;
        }
    };
    let mut x: Vec<i64> = Vec::with_capacity(n);
    for i in 0..n {
        let s = b.byte();
        if i > 0 && s & 3 == 0 {
            x.push(x[usize::from(s >> 2) % i]);
        } else {
            x.push(raw(b, &p.input));
        }
    }
    let mut y = vec![0i64; n];
    sm.run(&x, &mut y)
        .unwrap_or_else(|e| panic!("hls4ml::Softmax::run({p:?}): {e:?}"));
    for &v in &y {
        in_range("hls4ml softmax", &p.output, v);
    }
    match p.implementation {
        SoftmaxImpl::Latency | SoftmaxImpl::Stable => {
            for i in 0..n {
                for j in 0..n {
                    if x[i] == x[j] {
                        assert_eq!(y[i], y[j], "hls4ml::Softmax {p:?}: {x:?} → {y:?}");
                    }
                }
            }
        }
        SoftmaxImpl::Argmax => {
            let first = (0..n).fold(0, |best, i| if x[i] > x[best] { i } else { best });
            let zero = Q::zero().cast(&p.output);
            let one = Q { raw: 1, frac: 0 }.cast(&p.output);
            for i in 0..n {
                let want = if i == first { one } else { zero };
                assert_eq!(y[i], want, "hls4ml argmax {p:?}: {x:?} → {y:?}");
            }
        }
        SoftmaxImpl::Legacy => {}
    }
}

fn hls4ml_layernorm(b: &mut Bytes<'_>) {
    use nn::hls4ml::{LayerNorm, LayerNormParams};
    let dim = 1 + usize::from(b.byte() % 8);
    let sel = b.byte();
    let input = fixed_format(b);
    let output = fixed_format(b);
    let accum = fixed_format(b);
    let scale = fixed_format(b);
    let bias = fixed_format(b);
    let eps = u32::from(b.byte() % 40);
    let mut p =
        LayerNormParams::with_converter_defaults(dim, input, output, accum, scale, bias, eps);
    p.table_size = 1 + usize::from(b.byte());
    if sel & 1 != 0 {
        p.table = fixed_format(b);
        p.table_range_power2 = u32::from(b.byte() % 32);
    }
    let g: Vec<i64> = (0..dim).map(|_| raw(b, &scale)).collect();
    let be: Vec<i64> = (0..dim).map(|_| raw(b, &bias)).collect();
    let x: Vec<i64> = (0..dim).map(|_| raw(b, &input)).collect();
    let mut table = vec![0i64; p.table_size];
    let ln = match LayerNorm::new(p, &g, &be, &mut table) {
        Ok(l) => l,
        Err(e) => {
            let documented = match e {
                NnError::Format { .. } => any_u64(&[input, output, accum, scale, bias, p.table]),
                NnError::Config(_) | NnError::TooWide { .. } | NnError::TableMargin { .. } => true,
                _ => false,
            };
            assert!(documented, "hls4ml::LayerNorm::new({p:?}): {e:?}");
            return;
        }
    };
    let mut y = vec![0i64; dim];
    ln.run(&x, &mut y)
        .unwrap_or_else(|e| panic!("hls4ml::LayerNorm::run({p:?}): {e:?}"));
    for &v in &y {
        in_range("hls4ml layer norm", &output, v);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    match b.byte() % 10 {
        0 => requant(&mut b),
        1 | 2 => dense(&mut b),
        3 => residual(&mut b),
        4 => softmax(&mut b),
        5 => layernorm(&mut b),
        6 => gelu(&mut b),
        7 => hls4ml_dense(&mut b),
        8 => hls4ml_softmax(&mut b),
        _ => hls4ml_layernorm(&mut b),
    }
});
