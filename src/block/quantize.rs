//! Slice kernels: quantize (values → scale codes + element codes), dequantize, chop.
//!
//! Each element is **one rounding** of the exact quotient V / (X · g) (X the block
//! scale, g the tensor scale). With a power-of-two divisor the quotient is V with its
//! exponent moved, exactly. Otherwise (NVFP4: an E4M3 scale times an `f32` tensor scale)
//! the divisor's significand D has at most 8 + 24 = 32 bits; V's significand is shifted
//! to 127 bits and divided by D as integers, so the quotient has at least 127 − 32 − 1 =
//! 94 significant bits and the remainder becomes the sticky bit ([`Finite`]). The element
//! keeps at most 8 bits, so its rounding position lies in the exact quotient bits, and the
//! first 64 discarded bits — all that any mode reads, stochastic rounding included — are
//! exact quotient bits, the sticky bit standing for everything below: every mode decides
//! exactly as on the true quotient, and rounds once. The rounding itself is
//! [`FloatFormat::round`](crate::FloatFormat::round), the crate's one rounding step, or
//! for integer elements [`Exact::round_to_integral`] and a clamp.
//! `tests/block_props.rs` checks every element against the exact rational quotient.
//!
//! # The fast path
//!
//! The plain forms [`quantize_f32`] and [`chop_f32`] take a faster route for the common
//! formats (see [`fast_element`] for the exact conditions: an E8M0 scale under a
//! power-of-two rule, no tensor scale, float elements), with results identical bit for
//! bit to the exact path's (the `_with` forms, which always take the exact path). Per
//! block, the largest magnitude is read off the bits; blocks holding a NaN or ±∞, and
//! all-zero blocks, take the exact path. Otherwise the scale code comes from the exact
//! scale function ([`scale_of`]), the block's values are multiplied by 2^−k (2^k the
//! scale) in `f32`, and the crate's slice kernel
//! ([`encode_f32_with`](crate::float::slice::encode_f32_with), or
//! [`quantize_f32_with`](crate::float::slice::quantize_f32_with) for chop) rounds the
//! scaled values of many blocks in one call. The proof that this is the exact path's one
//! rounding is at [`fast_scaled`]; chop's dequantization is at [`chop_fast`].
//!
//! Only the plain forms take it, because they return no flags: the slice kernels do not
//! compute IEEE flags, and the `_with` forms return them (their `Status`), which the
//! fast path would have to recompute element by element with the format's exact
//! overflow and tininess rules. The `_with` forms stay on the exact path.

use super::format::{BlockFormat, ElementFormat, ScaleRule};
use super::scale::{Host, amax, div, floor_log2, mul, one, scale_of, tensor_scale_of_host};
use super::{BlockError, check_len};
use crate::float::{Exact, Finite, FloatFormat, slice};
use crate::rounding::{NoRandom, Overflow, RandomBits, Round, Rounding, Status, StatusAnd};

/// The element overflow policy: the specification's clamp unless ±∞ is to propagate.
pub(super) fn element_round(how: Round) -> Round {
    match how.overflow {
        Overflow::Ieee => how.with_overflow(Overflow::SatFinite),
        _ => how,
    }
}

/// Rounds the exact quotient `q` into the element format: the code and the flags.
fn round_element<R: RandomBits + ?Sized>(
    e: &ElementFormat,
    q: Exact,
    how: Round,
    rng: &mut R,
) -> StatusAnd<u8> {
    match *e {
        ElementFormat::Float(f) => {
            let r = f.round(q, how, rng);
            StatusAnd::new(r.value as u8, r.status)
        }
        ElementFormat::Int { bits, frac_bits } => round_int(bits, frac_bits, q, how.mode, rng),
    }
}

fn round_int<R: RandomBits + ?Sized>(
    bits: u32,
    frac_bits: u32,
    q: Exact,
    mode: Rounding,
    rng: &mut R,
) -> StatusAnd<u8> {
    let mask = (1u64 << bits) - 1;
    let hi = (1u128 << (bits - 1)) - 1;
    let lo = 1u128 << (bits - 1);
    let sat = |negative: bool| {
        let code = if negative { lo as u64 } else { hi as u64 };
        StatusAnd::new(code as u8, Status::OVERFLOW | Status::INEXACT)
    };
    let f = match q {
        Exact::Nan { .. } => return StatusAnd::new(0, Status::INVALID),
        Exact::Zero { .. } => return StatusAnd::new(0, Status::OK),
        Exact::Inf { negative } => return sat(negative),
        Exact::Finite(f) => f,
    };
    let scaled = Exact::Finite(Finite {
        exp: f.exp + frac_bits as i32,
        ..f
    });
    let (r, inexact) = scaled.round_to_integral(mode, rng);
    let status = if inexact { Status::INEXACT } else { Status::OK };
    let Exact::Finite(n) = r else {
        return StatusAnd::new(0, status);
    };
    // n.sig · 2^n.exp with n.exp ≥ 0: beyond 2^bits it saturates.
    if n.exp >= bits as i32 || n.sig >> (bits as i32 - n.exp.max(0)) != 0 {
        return sat(n.negative);
    }
    let m = n.sig << n.exp.max(0);
    if (n.negative && m > lo) || (!n.negative && m > hi) {
        return sat(n.negative);
    }
    let v = if n.negative {
        (m as u64).wrapping_neg()
    } else {
        m as u64
    };
    StatusAnd::new((v & mask) as u8, status)
}

/// The exact value of an element code.
pub(super) fn element_value(e: &ElementFormat, code: u8) -> Exact {
    match *e {
        ElementFormat::Float(f) => f.decode(u64::from(code)),
        ElementFormat::Int { bits, frac_bits } => {
            let sh = 64 - bits;
            let c = ((u64::from(code) << sh) as i64) >> sh;
            Exact::from_parts(c < 0, u128::from(c.unsigned_abs()), -(frac_bits as i32))
        }
    }
}

/// The NaN code of the element format (0 where it has none).
fn element_nan(e: &ElementFormat) -> u8 {
    match e {
        ElementFormat::Float(f) => f.nan_code().unwrap_or(0) as u8,
        ElementFormat::Int { .. } => 0,
    }
}

/// The tensor scale as an exact value (1 for formats without one).
fn tensor_exact(fmt: &BlockFormat, g: f32) -> Result<Finite, BlockError> {
    if !fmt.tensor_scale {
        return Ok(one());
    }
    match Exact::from_f32(g) {
        Exact::Finite(f) if !f.negative => Ok(f),
        _ => Err(BlockError::TensorScale),
    }
}

/// Quantizes one block: writes the element codes through `put`, returns the scale code.
fn quantize_block<T: Host, R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    g: &Finite,
    xs: &[T],
    how: Round,
    rng: &mut R,
    mut put: impl FnMut(usize, u8, &Exact),
) -> StatusAnd<u8> {
    let s = scale_of(fmt, &amax(xs), g);
    let mut status = Status::OK;
    let d = match s.value {
        Exact::Finite(x) => Some(mul(&x, g)),
        Exact::Zero { .. } => None,
        _ => {
            let nan = element_nan(&fmt.element);
            for i in 0..xs.len() {
                put(i, nan, &Exact::Nan { negative: false });
            }
            return StatusAnd::new(s.code, Status::INVALID);
        }
    };
    for (i, &x) in xs.iter().enumerate() {
        let v = T::FORMAT.decode(x.bits());
        let q = match (&d, v) {
            (Some(d), Exact::Finite(f)) => Exact::Finite(div(&f, d)),
            // A zero scale (an `amax` scale that rounded to zero): the elements are zero,
            // and a nonzero value so represented has underflowed.
            (None, v) => {
                if matches!(v, Exact::Finite(_)) {
                    status = status.union(Status::UNDERFLOW).union(Status::INEXACT);
                }
                Exact::Zero {
                    negative: v.is_sign_negative(),
                }
            }
            (_, v) => v,
        };
        let r = round_element(&fmt.element, q, how, rng);
        status = status.union(r.status);
        put(i, r.value, &s.value);
    }
    StatusAnd::new(s.code, status)
}

fn quantize_impl<T: Host, R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    g: f32,
    src: &[T],
    scales: &mut [u8],
    codes: &mut [u8],
    how: Round,
    rng: &mut R,
) -> Result<Status, BlockError> {
    fmt.validate()?;
    check_len("scales", fmt.num_scales(src.len()), scales.len())?;
    check_len("codes", src.len(), codes.len())?;
    let g = tensor_exact(fmt, g)?;
    let how = element_round(how);
    let bs = fmt.block_size as usize;
    let mut status = Status::OK;
    for (b, (xs, cs)) in src.chunks(bs).zip(codes.chunks_mut(bs)).enumerate() {
        let r = quantize_block(fmt, &g, xs, how, rng, |i, c, _| cs[i] = c);
        if let Some(s) = scales.get_mut(b) {
            *s = r.value;
        }
        status = status.union(r.status);
    }
    Ok(status)
}

// ---------------------------------------------------------------------------------------
// The fast path (plain forms: round to nearest, no flags returned)
// ---------------------------------------------------------------------------------------

/// Elements per slice-kernel call of the fast path: chunks of whole blocks, long enough
/// that the kernel's per-call setup is small beside the work. The chunk buffers live on
/// the stack (with a 255-entry scale cache of about 3 KiB), so builds without `std`
/// (firmware) use short chunks: about 4.5 KiB of stack in all instead of 13 KiB. Blocks
/// longer than a chunk take the exact path.
#[cfg(feature = "std")]
const CHUNK: usize = 2048;
#[cfg(not(feature = "std"))]
const CHUNK: usize = 256;

/// At most this many blocks per chunk: their amax are taken first, in one loop over the
/// chunk (independent loads, which keep more of the memory stream in flight).
const CHUNK_BLOCKS: usize = 128;

/// The marker of a block that took the exact path, in [`chop_fast`]'s table of scale
/// exponents (which lie in −127 ..= 127).
const EXACT_BLOCK: i8 = i8::MIN;

/// The element format of `fmt` when the fast path serves it, rounding with `how` (the
/// element policy of [`element_round`]):
///
/// - the scale is E8M0 under a power-of-two rule (floor, ceil, nearest) and there is no
///   tensor scale, so the scale is 2^k with −127 ≤ k ≤ 127 and the quotient V / 2^k;
/// - the elements are a signed float format with a zero whose finest quantum 2^q_min has
///   q_min ≥ −124 and whose emax lies in 0 ..= 120 (every MX element format: q_min is
///   −9 for E4M3FN, −16 for E5M2, −1 for E2M1), as [`fast_scaled`]'s proof requires;
/// - the mode rounds to nearest (any tie rule), as [`fast_scaled`]'s proof requires for
///   values that underflow `f32` after scaling, and the overflow policy saturates finite
///   values (so the codes of finite inputs are finite: [`chop_fast`] relies on it);
/// - the block fits a chunk ([`CHUNK`] elements: 2048 with `std`, 256 without).
///
/// Directed and stochastic modes only reach the `_with` forms, which take the exact path.
pub(super) fn fast_element(fmt: &BlockFormat, how: Round) -> Option<FloatFormat> {
    let ElementFormat::Float(el) = fmt.element else {
        return None;
    };
    let ok = how.mode.is_nearest()
        && matches!(how.overflow, Overflow::SatFinite | Overflow::SatPropagate)
        && fmt.scale.float() == Some(FloatFormat::E8M0)
        && !fmt.tensor_scale
        && matches!(
            fmt.rule,
            ScaleRule::Floor | ScaleRule::Ceil | ScaleRule::Nearest
        )
        && el.is_signed()
        && el.has_zero()
        && el.quantum_min() >= -124
        && (0..=120).contains(&el.emax())
        && fmt.block_size as usize <= CHUNK;
    ok.then_some(el)
}

/// 2^e as an `f32`, exactly, for −149 ≤ e ≤ 127 (a subnormal below −126).
#[inline(always)]
fn pow2_f32(e: i32) -> f32 {
    if e >= -126 {
        f32::from_bits(((e + 127) as u32) << 23)
    } else {
        f32::from_bits(1u32 << (e + 149).clamp(0, 22))
    }
}

/// The scale of a block whose largest magnitude has the `f32` bits `m` (positive,
/// finite): its code and the exponent k of its value 2^k, from the exact scale function
/// ([`scale_of`]); `None` for a scale that is not a power of two in −127 ..= 127, which
/// the rules of [`fast_element`] never give (such blocks would take the exact path).
fn exact_scale(fmt: &BlockFormat, m: u32) -> Option<(u8, i8)> {
    let s = scale_of(fmt, &FloatFormat::FP32.decode(u64::from(m)), &one());
    let Exact::Finite(v) = s.value else {
        return None;
    };
    let k = floor_log2(&v);
    let pow2 = v.sig.is_power_of_two() && !v.sticky && !v.negative;
    (pow2 && (-127..=127).contains(&k)).then_some((s.code, k as i8))
}

/// What [`ScaleCache`] knows about one binade of amax.
#[derive(Clone, Copy)]
enum Binade {
    /// Not asked yet.
    Unknown,
    /// amax with fraction bits below `t` get `lo`, the others `hi` (code, exponent).
    Split { t: u32, lo: (u8, i8), hi: (u8, i8) },
    /// Ask [`exact_scale`] for every block.
    Uncached,
}

/// The scales of the blocks, by the binade of their amax: each binade is filled on first
/// use from the exact scale function ([`exact_scale`]), so that a block costs a table
/// look-up instead of an exact rounding.
///
/// Proof: under the power-of-two rules (floor, ceil, nearest of log₂ amax, then clamped
/// into E8M0's range) the exponent k of the scale is a non-decreasing function of amax,
/// and the code is a function of k (the E8M0 encoding of 2^k). Within the binade of a
/// normal `f32` exponent field E, amax = 2^(E − 127) · (1 + f / 2²³) grows with the
/// fraction bits f. With lo = the scale at f = 0 and hi = the scale at f = 2²³ − 1: if
/// they agree, every f has that scale (k is squeezed between equal values); otherwise
/// a binary search finds the least t whose scale is hi (the set of such f is an interval
/// ending at 2²³ − 1, k being monotone), and t − 1 is checked to have scale lo, so that
/// every f < t has lo (squeezed between f = 0 and f = t − 1) and every f ≥ t has hi
/// (squeezed between t and 2²³ − 1). Any other outcome marks the binade uncached.
/// Subnormal amax (E = 0) always asks the exact function.
struct ScaleCache {
    binades: [Binade; 255],
}

impl ScaleCache {
    const fn new() -> Self {
        ScaleCache {
            binades: [Binade::Unknown; 255],
        }
    }

    /// The scale of a block whose amax has the positive finite `f32` bits `m`.
    #[inline(always)]
    fn get(&mut self, fmt: &BlockFormat, m: u32) -> Option<(u8, i8)> {
        let e = (m >> 23) as usize;
        let f = m & 0x7F_FFFF;
        let Some(slot) = self.binades.get_mut(e).filter(|_| e > 0) else {
            return exact_scale(fmt, m);
        };
        if let Binade::Unknown = *slot {
            *slot = Self::fill(fmt, (e as u32) << 23);
        }
        match *slot {
            Binade::Split { t, lo, hi } => Some(if f < t { lo } else { hi }),
            _ => exact_scale(fmt, m),
        }
    }

    /// Asks the exact function about the binade whose smallest member has bits `base`.
    #[cold]
    fn fill(fmt: &BlockFormat, base: u32) -> Binade {
        let top = 0x7F_FFFF;
        let (Some(lo), Some(hi)) = (exact_scale(fmt, base), exact_scale(fmt, base | top)) else {
            return Binade::Uncached;
        };
        if lo == hi {
            return Binade::Split { t: 0, lo, hi };
        }
        // Invariant: the scale at `a` is not hi, the scale at `b` is.
        let (mut a, mut b) = (0u32, top);
        while b - a > 1 {
            let mid = a + (b - a) / 2;
            if exact_scale(fmt, base | mid) == Some(hi) {
                b = mid;
            } else {
                a = mid;
            }
        }
        if exact_scale(fmt, base | a) == Some(lo) {
            Binade::Split { t: b, lo, hi }
        } else {
            Binade::Uncached
        }
    }
}

/// The bits of a block's largest magnitude, as `i32` (|x| bits are below 2^31, larger
/// bits are larger magnitudes, NaN lies above ∞).
#[inline(always)]
fn block_amax(xs: &[f32]) -> i32 {
    xs.iter()
        .fold(0i32, |m, &x| m.max((x.to_bits() & 0x7FFF_FFFF) as i32))
}

/// The scale of a block with amax bits `m` ([`block_amax`]) for the fast path (code,
/// exponent k of 2^k), or `None` for a block that takes the exact path: a NaN or ±∞ in
/// it, all zeros, or a scale that [`exact_scale`] refuses.
#[inline(always)]
fn fast_scale(fmt: &BlockFormat, cache: &mut ScaleCache, m: i32) -> Option<(u8, i32)> {
    if m == 0 || m >= 0x7F80_0000 {
        return None;
    }
    cache.get(fmt, m as u32).map(|(c, k)| (c, i32::from(k)))
}

/// Writes x · 2^−k for the values `xs` of a block with scale 2^k into `out`.
///
/// Proof that rounding these `f32` values into the element format gives the exact
/// path's codes (one rounding of the exact quotient q = x / 2^k), for the formats and
/// modes of [`fast_element`]:
///
/// - 2^−k is an `f32` exactly (−127 ≤ −k ≤ 127; 2^−127 is a subnormal, exactly
///   representable), so y = x · 2^−k is one IEEE multiplication, correctly rounded
///   (ties to even): y = q whenever q is an `f32`. A single multiplication suffices
///   even for k = 127: the operand 2^−127 is exact, and only the product can round.
/// - No overflow: |x| ≤ amax < 2^(⌊log₂ amax⌋ + 1), and every power-of-two rule gives
///   k ≥ ⌊log₂ amax⌋ − emax unless clamped at 127, so |q| < 2^(emax + 1) ≤ 2^121, or,
///   when clamped (⌊log₂ amax⌋ − emax ≥ 127, possible only for emax = 0 with the ceil or
///   nearest rule), |q| < 2^128 · 2^−127 = 2. A clamp at −127 makes |q| smaller still.
/// - |q| ≥ 2^−126: q is x (24 significant bits at most) times a power of two, in the
///   normal range of `f32`: an `f32`, so y = q, the same value, the same code.
/// - |q| < 2^−126: y may differ from q, by at most half the subnormal spacing, 2^−150,
///   and |y| ≤ 2^−126 (rounding is monotone and 2^−126 is an `f32`). The element's
///   smallest positive value is 2^q_min with q_min ≥ −124, so |q| and |y| both lie
///   strictly below half of it, 2^(q_min − 1) ≥ 2^−125. Every round-to-nearest rule
///   (any tie rule: neither value is a tie) rounds both to zero, with their sign, which
///   is x's sign for both (an IEEE product's sign is the exclusive or of the operands'
///   signs, also when it rounds to zero). The element format has ±0 or one zero
///   ([`fast_element`] requires a zero): either way the same code. This is where
///   directed modes would differ (toward +∞, a positive q below 2^−150 rounds up, and a
///   y rounded to +0 down): they are not served.
/// - Zeros: ±0 · 2^−k = ±0, and the exact path's quotient of ±0 is ±0.
///
/// The slice kernel rounds each y as [`FloatFormat::round`] rounds the exact value of
/// y (its documented contract), with the same mode and overflow policy: the exact
/// path's decision on q.
#[inline(always)]
fn fast_scaled(xs: &[f32], k: i32, out: &mut [f32]) {
    let m = pow2_f32(-k);
    for (y, &x) in out.iter_mut().zip(xs) {
        *y = x * m;
    }
}

/// Encodes the scaled values `ys` into `codes` through the slice kernel.
fn encode_run(el: &FloatFormat, ys: &[f32], codes: &mut [u8], how: Round) {
    // Cannot fail: the lengths are equal and a validated element fits a `u8`.
    let _ = slice::encode_f32_with(el, ys, codes, how, &mut NoRandom);
}

/// The fast path of [`quantize_f32`]: as [`quantize_impl`] without flags, for a format
/// that [`fast_element`] accepts (checked by the caller, lengths too). The block loop
/// runs through [`wide`](crate::dispatch::wide): compiled with AVX2 where the CPU has it
/// (the same IEEE operations, so the same results); the slice kernels it calls are not
/// inlined into it and keep the baseline instructions.
pub(super) fn quantize_fast(
    fmt: &BlockFormat,
    el: &FloatFormat,
    src: &[f32],
    scales: &mut [u8],
    codes: &mut [u8],
    how: Round,
) {
    let bs = fmt.block_size as usize;
    let per = (CHUNK / bs).clamp(1, CHUNK_BLOCKS) * bs;
    let mut buf = [0f32; CHUNK];
    let mut amax = [0i32; CHUNK_BLOCKS];
    let mut cache = ScaleCache::new();
    let g = one();
    crate::dispatch::wide(
        #[inline(always)]
        || {
            let chunks = src
                .chunks(per)
                .zip(codes.chunks_mut(per))
                .zip(scales.chunks_mut(per / bs));
            for ((xs, cs), ss) in chunks {
                // `run`: where the scaled values not yet encoded start; `at`: the next block.
                for (a, bx) in amax.iter_mut().zip(xs.chunks(bs)) {
                    *a = block_amax(bx);
                }
                let (mut run, mut at) = (0, 0);
                for ((bx, s), &m) in xs.chunks(bs).zip(ss.iter_mut()).zip(&amax) {
                    let end = at + bx.len();
                    if let Some((code, k)) = fast_scale(fmt, &mut cache, m) {
                        fast_scaled(bx, k, &mut buf[at..end]);
                        *s = code;
                    } else {
                        encode_run(el, &buf[run..at], &mut cs[run..at], how);
                        let out = &mut cs[at..end];
                        *s = quantize_block(fmt, &g, bx, how, &mut NoRandom, |i, c, _| out[i] = c)
                            .value;
                        run = end;
                    }
                    at = end;
                }
                encode_run(el, &buf[run..at], &mut cs[run..at], how);
            }
        },
    );
}

/// Rounds the scaled values in place through the slice kernel: each becomes its
/// element's value (exact in `f32`: [`fast_element`]'s formats lie within `f32`'s range
/// and precision).
fn quantize_run(el: &FloatFormat, ys: &mut [f32], how: Round) {
    slice::quantize_f32_with(el, ys, how, &mut NoRandom);
}

/// The fast path of [`chop_f32`], for a format that [`fast_element`] accepts. Its block
/// loop, like [`quantize_fast`]'s, runs through [`wide`](crate::dispatch::wide) (AVX2 where
/// the CPU has it; the slice kernels it calls are compiled for the baseline).
///
/// Dequantization: the element value v (an `f32`, exactly, after [`quantize_run`];
/// finite, as the overflow policy saturates and the inputs are finite) times 2^k (an
/// `f32` exactly, −127 ≤ k ≤ 127) is one IEEE multiplication, rounded once to nearest,
/// ties to even, overflowing to ±∞ as IEEE rounding does: exactly the exact path's
/// element × scale rounded once into `f32` ([`dequantize_one`]), ±0 included.
pub(super) fn chop_fast(fmt: &BlockFormat, el: &FloatFormat, xs: &mut [f32], how: Round) {
    let bs = fmt.block_size as usize;
    let per = (CHUNK / bs).max(1) * bs;
    let mut buf = [0f32; CHUNK];
    let mut ks = [EXACT_BLOCK; CHUNK];
    let mut cache = ScaleCache::new();
    let g = one();
    crate::dispatch::wide(
        #[inline(always)]
        || {
            for xs in xs.chunks_mut(per) {
                let (mut run, mut at) = (0, 0);
                for (bx, kb) in xs.chunks_mut(bs).zip(ks.iter_mut()) {
                    let end = at + bx.len();
                    if let Some((_, k)) = fast_scale(fmt, &mut cache, block_amax(bx)) {
                        fast_scaled(bx, k, &mut buf[at..end]);
                        *kb = k as i8;
                    } else {
                        quantize_run(el, &mut buf[run..at], how);
                        let _ = chop_block(fmt, &g, bx, how, &mut NoRandom);
                        *kb = EXACT_BLOCK;
                        run = end;
                    }
                    at = end;
                }
                quantize_run(el, &mut buf[run..at], how);
                let blocks = xs.chunks_mut(bs).zip(buf.chunks(bs)).zip(&ks);
                for ((bx, vs), &k) in blocks {
                    if k != EXACT_BLOCK {
                        let m = pow2_f32(i32::from(k));
                        for (x, &v) in bx.iter_mut().zip(vs) {
                            *x = v * m;
                        }
                    }
                }
            }
        },
    );
}

/// [`quantize_f32_with`] rounding to nearest, ties to even: the common case in one call.
/// Returns the tensor scale (1 for formats without one).
///
/// # Errors
/// [`BlockError::Length`] unless `scales` holds [`BlockFormat::num_scales`] entries and
/// `codes` one per value; the errors of [`BlockFormat::validate`] for a format built
/// field by field.
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let xs = [0.0f32, 1.0, 2.5, -448.0];
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 4]);
/// block::quantize_f32(&BlockFormat::MXFP8_E4M3, &xs, &mut scales, &mut codes)?;
/// assert_eq!(scales, [127]); // 2^(⌊log2 448⌋ − 8) = 1
/// assert_eq!(codes, [0x00, 0x38, 0x42, 0xFE]);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f32(
    fmt: &BlockFormat,
    src: &[f32],
    scales: &mut [u8],
    codes: &mut [u8],
) -> Result<f32, BlockError> {
    let how = element_round(Round::NEAREST_EVEN);
    match fast_element(fmt, how) {
        Some(el) => {
            fmt.validate()?;
            check_len("scales", fmt.num_scales(src.len()), scales.len())?;
            check_len("codes", src.len(), codes.len())?;
            quantize_fast(fmt, &el, src, scales, codes, how);
            Ok(1.0)
        }
        None => quantize_f32_with(fmt, src, scales, codes, Round::NEAREST_EVEN, &mut NoRandom)
            .map(|r| r.value),
    }
}

/// Quantizes `f32` values into block scales and element codes (one `u8` per element,
/// unpacked; see [`pack`](super::pack)) in any rounding mode; the tensor scale, where
/// the format has one, is computed from `src` first ([`tensor_scale_f32`](super::tensor_scale_f32))
/// and returned with the union of the elements' flags. The last block may be shorter.
///
/// # Errors
/// As [`quantize_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{Rounding, SplitMix64, Status};
/// let xs = [0.3f32; 32];
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 32]);
/// let mut rng = SplitMix64::new(7);
/// let r = block::quantize_f32_with(&BlockFormat::MXFP4_E2M1, &xs, &mut scales, &mut codes, Rounding::SR, &mut rng)?;
/// assert!(r.status.contains(Status::INEXACT));
/// // 0.3 / 2^−4 = 4.8 lies between the E2M1 values 4 and 6: both appear.
/// assert!(codes.contains(&0x6) && codes.contains(&0x7));
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f32_with<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    src: &[f32],
    scales: &mut [u8],
    codes: &mut [u8],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<StatusAnd<f32>, BlockError> {
    let g = tensor_scale_of_host(fmt, src);
    let s = quantize_impl(fmt, g, src, scales, codes, how.into(), rng)?;
    Ok(StatusAnd::new(g, s))
}

/// [`quantize_f32_with`] under a given tensor scale (a calibrated one, or the scale of a
/// larger tensor quantized in pieces). The tensor scale is ignored by formats without one.
///
/// # Errors
/// As [`quantize_f32`], and [`BlockError::TensorScale`] when the format uses a tensor
/// scale and `tensor_scale` is not positive and finite.
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::NoRandom;
/// let xs = [6.0f32, 3.0];
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 2]);
/// block::quantize_f32_with_tensor_scale(&BlockFormat::NVFP4, 0.5, &xs, &mut scales, &mut codes, lowprec::Round::default(), &mut NoRandom)?;
/// // Block scale 6 / (6 · 0.5) = 2 (E4M3 0x40); elements 6 / (2 · 0.5) = 6, 3.
/// assert_eq!((scales, codes), ([0x40], [0x7, 0x5]));
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f32_with_tensor_scale<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    tensor_scale: f32,
    src: &[f32],
    scales: &mut [u8],
    codes: &mut [u8],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<Status, BlockError> {
    quantize_impl(fmt, tensor_scale, src, scales, codes, how.into(), rng)
}

/// [`quantize_f32_with`] on `f64` values (each element one rounding of the exact
/// quotient; the tensor scale is an `f32`).
///
/// # Errors
/// As [`quantize_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{NoRandom, Round};
/// let xs = [1.0f64 + 1e-12, 2.0];
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 2]);
/// block::quantize_f64_with(&BlockFormat::MXINT8, &xs, &mut scales, &mut codes, Round::default(), &mut NoRandom)?;
/// assert_eq!((scales, codes), ([128], [32, 64])); // 2^1 · 32/64, 2^1 · 64/64
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f64_with<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    src: &[f64],
    scales: &mut [u8],
    codes: &mut [u8],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<StatusAnd<f32>, BlockError> {
    let g = tensor_scale_of_host(fmt, src);
    let s = quantize_impl(fmt, g, src, scales, codes, how.into(), rng)?;
    Ok(StatusAnd::new(g, s))
}

/// [`quantize_f32_with_tensor_scale`] on `f64` values.
///
/// # Errors
/// As [`quantize_f32_with_tensor_scale`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{NoRandom, Round};
/// let (mut scales, mut codes) = ([0u8; 1], [0u8; 1]);
/// block::quantize_f64_with_tensor_scale(&BlockFormat::NVFP4, 1.0, &[6.0], &mut scales, &mut codes, Round::default(), &mut NoRandom)?;
/// assert_eq!((scales, codes), ([0x38], [0x7])); // scale 1, element 6
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn quantize_f64_with_tensor_scale<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    tensor_scale: f32,
    src: &[f64],
    scales: &mut [u8],
    codes: &mut [u8],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<Status, BlockError> {
    quantize_impl(fmt, tensor_scale, src, scales, codes, how.into(), rng)
}

/// The value element × scale × g, rounded once (ties to even) into the host format.
fn dequantize_one<T: Host>(elem: Exact, scale: &Exact, g: &Finite) -> T {
    let v = match (elem, scale) {
        (Exact::Nan { .. }, _) | (_, Exact::Nan { .. }) | (_, Exact::Inf { .. }) => {
            Exact::Nan { negative: false }
        }
        (Exact::Inf { .. }, Exact::Zero { .. }) => Exact::Nan { negative: false },
        (Exact::Inf { negative }, _) => Exact::Inf { negative },
        (Exact::Zero { negative }, _) => Exact::Zero { negative },
        (Exact::Finite(e), Exact::Zero { .. }) => Exact::Zero {
            negative: e.negative,
        },
        (Exact::Finite(e), Exact::Finite(s)) => Exact::Finite(mul(&mul(&e, s), g)),
    };
    T::from_bits(T::FORMAT.round(v, Round::NEAREST_EVEN, &mut NoRandom).value)
}

fn dequantize_impl<T: Host>(
    fmt: &BlockFormat,
    tensor_scale: f32,
    scales: &[u8],
    codes: &[u8],
    dst: &mut [T],
) -> Result<(), BlockError> {
    fmt.validate()?;
    check_len("scales", fmt.num_scales(codes.len()), scales.len())?;
    check_len("destination", codes.len(), dst.len())?;
    let g = tensor_exact(fmt, tensor_scale)?;
    let bs = fmt.block_size as usize;
    for (b, (cs, out)) in codes.chunks(bs).zip(dst.chunks_mut(bs)).enumerate() {
        let s = match (fmt.scale.float(), scales.get(b)) {
            (Some(sf), Some(&c)) => sf.decode(u64::from(c)),
            _ => Exact::Finite(one()),
        };
        for (o, &c) in out.iter_mut().zip(cs) {
            *o = dequantize_one(element_value(&fmt.element, c), &s, &g);
        }
    }
    Ok(())
}

/// Dequantizes block scales and element codes into `f32` values: element × scale ×
/// tensor scale, exactly, rounded once to `f32` (ties to even; exact for every MX
/// format whose values lie in `f32`'s range). A NaN scale makes its whole block NaN.
/// `tensor_scale` is ignored by formats without one.
///
/// # Errors
/// [`BlockError::Length`] unless `scales` holds [`BlockFormat::num_scales`] entries and
/// `dst` one per code; [`BlockError::TensorScale`] as in [`quantize_f32_with_tensor_scale`];
/// the errors of [`BlockFormat::validate`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let mut xs = [0f32; 3];
/// block::dequantize_f32(&BlockFormat::MXFP4_E2M1, 1.0, &[127 + 3], &[0x1, 0x7, 0xF], &mut xs)?;
/// assert_eq!(xs, [4.0, 48.0, -48.0]); // 0.5·8, 6·8, −6·8
/// block::dequantize_f32(&BlockFormat::MXFP4_E2M1, 1.0, &[0xFF], &[0x1, 0x7, 0xF], &mut xs)?;
/// assert!(xs.iter().all(|x| x.is_nan()));
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn dequantize_f32(
    fmt: &BlockFormat,
    tensor_scale: f32,
    scales: &[u8],
    codes: &[u8],
    dst: &mut [f32],
) -> Result<(), BlockError> {
    dequantize_impl(fmt, tensor_scale, scales, codes, dst)
}

/// [`dequantize_f32`] into `f64` values (exact for every format here).
///
/// # Errors
/// As [`dequantize_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let mut xs = [0f64; 1];
/// block::dequantize_f64(&BlockFormat::MXFP8_E4M3, 1.0, &[0], &[0x01], &mut xs)?;
/// assert_eq!(xs[0], 2f64.powi(-127 - 9)); // below f32's range
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn dequantize_f64(
    fmt: &BlockFormat,
    tensor_scale: f32,
    scales: &[u8],
    codes: &[u8],
    dst: &mut [f64],
) -> Result<(), BlockError> {
    dequantize_impl(fmt, tensor_scale, scales, codes, dst)
}

fn chop_impl<T: Host, R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    xs: &mut [T],
    how: Round,
    rng: &mut R,
) -> Result<Status, BlockError> {
    fmt.validate()?;
    let g = tensor_exact(fmt, tensor_scale_of_host(fmt, xs))?;
    let how = element_round(how);
    let bs = fmt.block_size as usize;
    let mut status = Status::OK;
    for block in xs.chunks_mut(bs) {
        status = status.union(chop_block(fmt, &g, block, how, rng));
    }
    Ok(status)
}

/// Quantize-dequantize of one block (at most 1024 values) through the exact path.
fn chop_block<T: Host, R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    g: &Finite,
    block: &mut [T],
    how: Round,
    rng: &mut R,
) -> Status {
    let mut codes = [0u8; 1024];
    let n = block.len();
    let r = quantize_block(fmt, g, block, how, rng, |i, c, _| codes[i] = c);
    // The scale as `dequantize` reads it, from its code: a block holding a NaN in a
    // format without NaN codes holds codes 0, as `quantize` writes them.
    let scale = match fmt.scale.float() {
        Some(sf) => sf.decode(u64::from(r.value)),
        None => Exact::Finite(one()),
    };
    for (x, &c) in block.iter_mut().zip(&codes[..n]) {
        *x = dequantize_one(element_value(&fmt.element, c), &scale, g);
    }
    r.status
}

/// [`chop_f32_with`] rounding to nearest, ties to even.
///
/// # Errors
/// The errors of [`BlockFormat::validate`] for a format built field by field.
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let mut xs = [1.0f32, 0.3, -5.0, 0.01];
/// block::chop_f32(&BlockFormat::MXFP4_E2M1, &mut xs)?;
/// assert_eq!(xs, [1.0, 0.5, -4.0, 0.0]); // scale 2^(2 − 2) = 1; −5 is a tie, to even
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn chop_f32(fmt: &BlockFormat, xs: &mut [f32]) -> Result<(), BlockError> {
    let how = element_round(Round::NEAREST_EVEN);
    match fast_element(fmt, how) {
        Some(el) => {
            fmt.validate()?;
            chop_fast(fmt, &el, xs, how);
            Ok(())
        }
        None => chop_f32_with(fmt, xs, Round::NEAREST_EVEN, &mut NoRandom).map(|_| ()),
    }
}

/// Quantize-dequantize in place (for quantization-aware training): each value becomes
/// the `f32` value of its block-format representation, exactly what [`quantize_f32_with`]
/// followed by [`dequantize_f32`] gives (the same random bits drawn in the same order).
///
/// # Errors
/// As [`chop_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{Rounding, NoRandom};
/// let mut xs = [1.0f32, 0.3];
/// block::chop_f32_with(&BlockFormat::MXFP4_E2M1, &mut xs, Rounding::TowardPositive, &mut NoRandom)?;
/// assert_eq!(xs, [1.0, 0.375]); // scale 2^(0 − 2): 0.3 / 0.25 = 1.2 → 1.5
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn chop_f32_with<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    xs: &mut [f32],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<Status, BlockError> {
    chop_impl(fmt, xs, how.into(), rng)
}

/// [`chop_f64_with`] rounding to nearest, ties to even.
///
/// # Errors
/// As [`chop_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// let mut xs = [3.0f64, 0.1];
/// block::chop_f64(&BlockFormat::MXFP6_E2M3, &mut xs)?;
/// assert_eq!(xs, [3.0, 0.125]);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn chop_f64(fmt: &BlockFormat, xs: &mut [f64]) -> Result<(), BlockError> {
    chop_f64_with(fmt, xs, Round::NEAREST_EVEN, &mut NoRandom).map(|_| ())
}

/// [`chop_f32_with`] on `f64` values.
///
/// # Errors
/// As [`chop_f32`].
///
/// ```
/// use lowprec::block::{self, BlockFormat};
/// use lowprec::{NoRandom, Rounding};
/// let mut xs = [3.0f64, 0.1];
/// block::chop_f64_with(&BlockFormat::MXFP6_E2M3, &mut xs, Rounding::TowardZero, &mut NoRandom)?;
/// assert_eq!(xs, [3.0, 0.0625]); // scale 2^−1: 0.2 → 0.125
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn chop_f64_with<R: RandomBits + ?Sized>(
    fmt: &BlockFormat,
    xs: &mut [f64],
    how: impl Into<Round>,
    rng: &mut R,
) -> Result<Status, BlockError> {
    chop_impl(fmt, xs, how.into(), rng)
}
