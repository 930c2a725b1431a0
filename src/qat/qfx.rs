//! The QFX quantizer: `ap_fixed`/`ac_fixed` of width W with a trainable (latent, real)
//! binary point F per group, its exact forward pass and its gradients.
//!
//! The semantics and the gradient table are on [`Qfx`].

use super::{Layout, QatError, check_len};
use crate::FloatFormat;
use crate::Status;
use crate::fixed::{Family, FixedFormat, FixedParams, MAX_INT_BITS, OverflowMode, Quantization};

const LN2: f64 = core::f64::consts::LN_2;

/// The parameters of a [`Qfx`] quantizer.
///
/// ```
/// use lowprec::fixed::{OverflowMode, Quantization};
/// use lowprec::qat::{Layout, QfxParams};
/// let p = QfxParams { overflow: OverflowMode::Wrap, ..QfxParams::ap_fixed(8, Layout::PerTensor) };
/// assert_eq!((p.width, p.signed, p.quantization), (8, true, Quantization::RndConv));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QfxParams {
    /// The width W, 1 to 32.
    pub width: u32,
    /// Signed (`ap_fixed`) or unsigned (`ap_ufixed`).
    pub signed: bool,
    /// [`Family::ApFixed`] or [`Family::AcFixed`] (their casts of NaN, ±∞ and a few extreme
    /// formats differ; `ap_int` has no binary point to train and is refused).
    pub family: Family,
    /// The quantization mode.
    pub quantization: Quantization,
    /// The overflow mode.
    pub overflow: OverflowMode,
    /// The saturation bits N of `AP_WRAP`/`AP_WRAP_SM` (0 to W).
    pub sat_bits: u32,
    /// How the binary points map onto the tensor.
    pub layout: Layout,
    /// Scale the summed ∂L/∂F of a group by 1/√(N·q_max).
    pub grad_scale: bool,
}

impl QfxParams {
    /// Signed `ap_fixed<W, ·, AP_RND_CONV, AP_SAT>`, no gradient scale.
    pub const fn ap_fixed(width: u32, layout: Layout) -> Self {
        Self {
            width,
            signed: true,
            family: Family::ApFixed,
            quantization: Quantization::RndConv,
            overflow: OverflowMode::Sat,
            sat_bits: 0,
            layout,
            grad_scale: false,
        }
    }
}

/// A QFX quantizer: W-bit fixed point with one trainable binary point per group.
///
/// ## Forward
/// For a group with latent binary point `latent`, the effective format is the
/// [`FixedFormat`] with width W, the descriptor's signedness, modes and family, and
/// F = round-to-nearest-ties-to-even(`latent`), clamped to the range `FixedFormat` accepts,
/// W − [`MAX_INT_BITS`] ≤ F ≤ W + [`MAX_INT_BITS`] (I = W − F within ±`MAX_INT_BITS`;
/// ±∞ clamp to the ends; a NaN latent is refused with [`QatError::Param`]).
/// `y = cast(x)` is [`FixedFormat::from_f32`] of x followed by [`FixedFormat::to_f32`]: the
/// exact value of the result when it is an `f32` (always for W ≤ 24 unless it lies beyond
/// the `f32` range), otherwise that value rounded to the nearest `f32`, ties to even.
/// NaN and ±∞ are cast as the headers read those doubles (`ap_fixed` reads them as huge
/// numbers with their sign bit, `ac_fixed` overflows).
///
/// Two kernels replace the scalar cast where they are exact. With `SAT`, `SAT_SYM`,
/// `SAT_ZERO` or `WRAP` with N = 0, W ≤ 22 and −20 ≤ F ≤ 100, per tensor, channel-major, or
/// channel-last with at most 64 channels, a vectorizable `f32` kernel scales by 2^F
/// (exact), reduces modulo 2^W (`WRAP`), rounds with the 1.5·2^23 trick plus a ±1
/// correction per quantization mode, clamps, zeroes or wraps, and scales back; elements it
/// cannot take (NaN, ±∞, 0 < |x| < 2^−100, and under `WRAP` |x|·2^F ≥ 2^(W+22)) are redone
/// by the scalar path.
/// Otherwise an integer kernel on the `f32` bits handles `SAT`, `SAT_ZERO`, `SAT_SYM` and
/// `WRAP` with N = 0 for every quantization mode (finite inputs; `ac_fixed` only for
/// |F| ≤ 256, where the header's `double` scaling is exact); the rest (`WRAP` with N > 0,
/// `WRAP_SM`, non-finite inputs) goes through [`FixedFormat::from_f32_with`]. The tests
/// prove both kernels equal to the scalar cast. On x86-64 CPUs with AVX2 the `f32` kernel
/// runs compiled for AVX2 (chosen at run time; the same operations, the same bits).
///
/// ## Backward (g = ∂L/∂y, per element)
/// | region | ∂L/∂x | contribution to ∂L/∂F |
/// |---|---|---|
/// | in range (no overflow) | g | g · (−ln 2 · (y − x)) |
/// | `SAT`/`SAT_SYM` overflow (y clamped) | 0 | g · (−ln 2 · y) |
/// | `SAT_ZERO` overflow | 0 | 0 |
/// | `WRAP`/`WRAP_SM` overflow | g | g · (−ln 2 · (r − x)), r the rounded value before the wrap |
/// | x NaN or ±∞ | 0 | 0 |
///
/// "Overflow" is exactly the cast's [`Status::OVERFLOW`](crate::Status::OVERFLOW): under
/// `SAT_SYM` the most negative code counts as saturated (it becomes −max). y and r in the
/// table are the exact values of the codes (computed in `f64`), not their `f32` roundings.
/// What the forms differentiate (straight-through): with t = x·2^F and q the rounded code,
/// in range y = x + (q − t)·2^−F; holding the rounding residual q − t (in LSBs) fixed and
/// letting the step 2^−F vary gives ∂y/∂x = 1 and ∂y/∂F = −ln 2·(y − x) (LSQ's
/// ∂v̂/∂s = round(v/s) − v/s times ds/dF = −ln 2·s). Saturated, y = q_max·2^−F with the code
/// fixed: ∂y/∂x = 0, ∂y/∂F = −ln 2·y. F's
/// own rounding is the identity backward. `WRAP` is trained as if nothing wrapped.
/// ∂L/∂F is summed over each group in `f64` and written as `f32`; with
/// [`QfxParams::grad_scale`] the sum is multiplied by 1/√(N·q_max) (N = the group's element
/// count, q_max = max(the largest raw code, 1)), LSQ's gradient scale.
///
/// ```
/// use lowprec::qat::{Layout, Qfx, QfxParams};
/// let q = Qfx::new(QfxParams::ap_fixed(4, Layout::PerTensor))?; // ap_fixed<4, 4 - F>
/// let x = [0.3f32, -0.2, 5.0, 0.0];
/// let mut y = [0.0f32; 4];
/// q.forward(&[2.6], &x, &mut y)?; // F = 3: LSB 1/8, range [-1, 0.875]
/// assert_eq!(y, [0.25, -0.25, 0.875, 0.0]);
/// # Ok::<(), lowprec::qat::QatError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Qfx {
    p: QfxParams,
}

/// What the cast did to one element (for the gradients).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Region {
    /// No overflow, or a wrap trained as none: ∂L/∂x = g, ∂L/∂F += g·(−ln2·err).
    Pass(f64),
    /// Saturated at the value v: ∂L/∂x = 0, ∂L/∂F += g·(−ln2·v).
    Sat(f64),
    /// SAT_ZERO overflow or a non-finite input: both 0.
    Dead,
}

/// The rounded magnitude of |x|·2^F (x finite): the sign, the low 64 bits of
/// ⌊|x|·2^F⌋ rounded by the mode, and whether it is ≥ 2^40 (then |x|·2^F is an integer).
#[inline(always)]
fn round_mag(x: f32, f: i32, q: Quantization) -> (bool, u64, bool) {
    let b = x.to_bits();
    let neg = b >> 31 == 1;
    let e = ((b >> 23) & 0xFF) as i32;
    let frac = u64::from(b & 0x7F_FFFF);
    let (m, ex) = if e == 0 {
        (frac, -149)
    } else {
        (frac | 0x80_0000, e - 150)
    };
    if m == 0 {
        return (neg, 0, false);
    }
    let s = i64::from(ex) + i64::from(f);
    if s >= 0 {
        // m < 2^24: exact below 2^40; modulo 2^64 beyond (0 once s ≥ 64).
        let low = if s < 64 { m << s as u32 } else { 0 };
        let big = s >= 40 || low >> 40 != 0;
        return (neg, low, big);
    }
    let d = (-s) as u64;
    // kept = ⌊m / 2^d⌋; rem compared with half = 2^(d − 1).
    let (kept, above, tie, nonzero) = if d >= 26 {
        // m < 2^24 ≤ 2^(d − 2): below half, nonzero.
        (0u64, false, false, true)
    } else {
        let kept = m >> d;
        let rem = m & ((1u64 << d) - 1);
        let half = 1u64 << (d - 1);
        (kept, rem > half, rem == half, rem != 0)
    };
    let odd = kept & 1 == 1;
    let inc = match q {
        Quantization::Trn => neg && nonzero,
        Quantization::TrnZero => false,
        Quantization::Rnd => above || (tie && !neg),
        Quantization::RndZero => above,
        Quantization::RndMinInf => above || (tie && neg),
        Quantization::RndInf => above || tie,
        Quantization::RndConv => above || (tie && odd),
        Quantization::RndConvOdd => above || (tie && !odd),
    };
    (neg, kept + u64::from(inc), false)
}

/// v·2^k in `f64`, exact unless the result leaves the `f64` range.
#[inline(always)]
fn ldexp(mut v: f64, mut k: i32) -> f64 {
    const UP: f64 = f64::from_bits((1023 + 1000) << 52);
    const DOWN: f64 = f64::from_bits((1023 - 1000) << 52);
    while k > 1000 {
        v *= UP;
        k -= 1000;
    }
    while k < -1000 {
        v *= DOWN;
        k += 1000;
    }
    v * f64::from_bits(((1023 + k) as u64) << 52)
}

/// One group's cast, set up once.
#[derive(Clone, Copy, Debug)]
struct Kern {
    fmt: FixedFormat,
    f: i32,
    fast: bool,
    quant: Quantization,
    over: OverflowMode,
    signed: bool,
    w: u32,
    min: i64,
    max: i64,
}

impl Kern {
    fn new(fmt: FixedFormat) -> Kern {
        let f = fmt.frac_bits();
        let over = fmt.overflow();
        let fast = match over {
            OverflowMode::Sat | OverflowMode::SatZero | OverflowMode::SatSym => true,
            OverflowMode::Wrap => fmt.sat_bits() == 0,
            OverflowMode::WrapSm => false,
        } && (fmt.family() == Family::ApFixed || f.abs() <= 256);
        Kern {
            fmt,
            f,
            fast,
            quant: fmt.quantization(),
            over,
            signed: fmt.is_signed(),
            w: fmt.width(),
            min: fmt.min_raw() as i64,
            max: fmt.max_raw() as i64,
        }
    }

    /// The exact value q·2^−F in `f64`.
    #[inline(always)]
    fn value(&self, q: i64) -> f64 {
        ldexp(q as f64, -self.f)
    }

    /// y and the region of x.
    #[inline(always)]
    fn cast(&self, x: f32) -> (f32, Region) {
        if !x.is_finite() {
            let bits = self.fmt.from_f32(x);
            return (self.fmt.to_f32(bits), Region::Dead);
        }
        let (neg, mag, big) = round_mag(x, self.f, self.quant);
        // The rounded q, modulo 2^64 (exact unless `big`).
        let q = if neg {
            (mag as i64).wrapping_neg()
        } else {
            mag as i64
        };
        if !self.fast {
            let r = self.fmt.from_f32_with(x);
            let y = self.fmt.to_f32(r.value);
            let over = r.status.contains(Status::OVERFLOW);
            let region = match self.over {
                _ if !over => Region::Pass(self.fmt.to_f64(r.value) - f64::from(x)),
                OverflowMode::Sat | OverflowMode::SatSym => Region::Sat(self.fmt.to_f64(r.value)),
                OverflowMode::SatZero => Region::Dead,
                OverflowMode::Wrap | OverflowMode::WrapSm => Region::Pass(if big {
                    0.0
                } else {
                    self.value(q) - f64::from(x)
                }),
            };
            return (y, region);
        }
        let sym = self.over == OverflowMode::SatSym && self.signed;
        let in_range = !big && q <= self.max && (q > self.min || (q == self.min && !sym));
        if in_range {
            let v = self.value(q);
            return (v as f32, Region::Pass(v - f64::from(x)));
        }
        // Overflow (rounding may have carried into it). Negative: a nonzero rounded q.
        let below = neg && (big || mag != 0);
        match self.over {
            OverflowMode::SatZero => (0.0, Region::Dead),
            OverflowMode::Sat | OverflowMode::SatSym => {
                let c = if !below {
                    self.max
                } else if sym && self.w > 1 {
                    self.min + 1
                } else {
                    self.min
                };
                let v = self.value(c);
                (v as f32, Region::Sat(v))
            }
            _ => {
                // WRAP, N = 0: the low W bits (of q modulo 2^64; W ≤ 32).
                let sh = 64 - self.w;
                let c = if self.signed {
                    (q << sh) >> sh
                } else {
                    ((q as u64) << sh >> sh) as i64
                };
                let err = if big {
                    0.0
                } else {
                    self.value(q) - f64::from(x)
                };
                (self.value(c) as f32, Region::Pass(err))
            }
        }
    }
}

/// The vectorizable `f32` kernel: `SAT`, `SAT_SYM`, `SAT_ZERO` and `WRAP` with N = 0, with
/// W ≤ 22 and −20 ≤ F ≤ 100, over contiguous runs of elements whose groups repeat every
/// `period` elements (one group: per tensor or channel-major; the channels of a
/// channel-last tensor with at most [`LANES`] channels).
///
/// With t = x·2^F (exact: |x| ≥ 2^−100 or x = 0, so t is a normal `f32` or 0), the
/// saturating modes clamp t to [min − 1, max + 1] (|t| ≤ 2^22, which the clamp keeps on the
/// same side of the range); `WRAP` instead subtracts k·2^W, k = RNE(t·2^−W) (so the reduced
/// t′ lies in [−2^(W−1), 2^(W−1)]; the subtraction is exact, and q − t = q′ − t′ for the
/// rounded codes since k·2^W is an even integer; |t| ≥ 2^(W+22), where the trick would not
/// give k exactly, is left to the scalar kernel). Then RNE(t) = (t + 1.5·2^23) − 1.5·2^23 and
/// the residual d = t − RNE(t) (exact) give every quantization mode by a ±1 correction
/// (the sign taken from the unreduced t); the code, clamped, zeroed or wrapped once by
/// ±2^W into [min, max], times 2^−F is exact. Elements outside those bounds (NaN, ±∞,
/// 0 < |x| < 2^−100, and under `WRAP` an x·2^F beyond the `f32` range) are redone by the
/// scalar kernel.
#[derive(Clone, Copy, Debug)]
struct FloatKern {
    lane: Lane,
    /// 0: saturate, 1: zero on overflow, 2: wrap.
    over: u8,
    /// 2^W and 2^−W.
    modw: f32,
    invw: f32,
    /// The bits of 2^(W + 22): under `WRAP`, |t| beyond it goes to the scalar kernel.
    tbig: i32,
}

/// The constants of one group in the `f32` kernel.
#[derive(Clone, Copy, Debug)]
struct Lane {
    scale: f32,
    inv: f32,
    /// Bounds of t before rounding (saturating modes).
    tlo: f32,
    thi: f32,
    /// The range of codes that are not an overflow.
    lo: f32,
    hi: f32,
    /// The saturated codes below and above.
    slo: f32,
    shi: f32,
}

/// The widest channel-last period the `f32` kernel takes (its chunk length).
const LANES: usize = 64;

/// Where element j of a chunk takes its group's constants.
trait Lanes {
    fn lane(&self, j: usize) -> Lane;
}

impl Lanes for Lane {
    #[inline(always)]
    fn lane(&self, _: usize) -> Lane {
        *self
    }
}

/// One group per lane (channel-last: lane j holds channel j mod C).
#[derive(Clone, Copy, Debug)]
struct PerLane {
    scale: [f32; LANES],
    inv: [f32; LANES],
    tlo: [f32; LANES],
    thi: [f32; LANES],
    lo: [f32; LANES],
    hi: [f32; LANES],
    slo: [f32; LANES],
    shi: [f32; LANES],
}

impl PerLane {
    fn new(lanes: &[Lane]) -> PerLane {
        let mut p = PerLane {
            scale: [0.0; LANES],
            inv: [0.0; LANES],
            tlo: [0.0; LANES],
            thi: [0.0; LANES],
            lo: [0.0; LANES],
            hi: [0.0; LANES],
            slo: [0.0; LANES],
            shi: [0.0; LANES],
        };
        for j in 0..LANES {
            let l = lanes[j % lanes.len()];
            p.scale[j] = l.scale;
            p.inv[j] = l.inv;
            p.tlo[j] = l.tlo;
            p.thi[j] = l.thi;
            p.lo[j] = l.lo;
            p.hi[j] = l.hi;
            p.slo[j] = l.slo;
            p.shi[j] = l.shi;
        }
        p
    }
}

impl Lanes for PerLane {
    #[inline(always)]
    fn lane(&self, j: usize) -> Lane {
        Lane {
            scale: self.scale[j],
            inv: self.inv[j],
            tlo: self.tlo[j],
            thi: self.thi[j],
            lo: self.lo[j],
            hi: self.hi[j],
            slo: self.slo[j],
            shi: self.shi[j],
        }
    }
}

const TINY: f32 = f32::from_bits((127 - 100) << 23); // 2^-100

/// One element by the `f32` kernel: y, whether ∂L/∂x = g, the ∂L/∂F error as
/// (a − b)·2^−F under `WRAP`, (a − b) otherwise (evaluated in `f64`, where it is exact), and
/// whether the element is left to the scalar kernel.
type Elem = (f32, bool, (f32, f32), bool);

/// A kernel instantiated for one (quantization, overflow) pair as const parameters (`Q`:
/// the [`Quantization`] in declaration order, `O`: the float kernel's overflow class).
trait ModeKernel {
    fn call<const Q: u8, const O: u8>(self);
}

/// Calls `k` with the const parameters of the run-time modes: the one place where the
/// modes become type-level constants, for the forward and the backward kernels alike.
#[inline(always)]
fn for_mode<K: ModeKernel>(over: u8, q: Quantization, k: K) {
    #[inline(always)]
    fn by_q<const O: u8, K: ModeKernel>(q: Quantization, k: K) {
        match q {
            Quantization::Trn => k.call::<0, O>(),
            Quantization::TrnZero => k.call::<1, O>(),
            Quantization::Rnd => k.call::<2, O>(),
            Quantization::RndZero => k.call::<3, O>(),
            Quantization::RndMinInf => k.call::<4, O>(),
            Quantization::RndInf => k.call::<5, O>(),
            Quantization::RndConv => k.call::<6, O>(),
            Quantization::RndConvOdd => k.call::<7, O>(),
        }
    }
    match over {
        0 => by_q::<0, K>(q, k),
        1 => by_q::<1, K>(q, k),
        _ => by_q::<2, K>(q, k),
    }
}

impl FloatKern {
    fn new(k: &Kern) -> Option<FloatKern> {
        let over = match k.over {
            OverflowMode::Sat | OverflowMode::SatSym => 0,
            OverflowMode::SatZero => 1,
            OverflowMode::Wrap if k.fmt.sat_bits() == 0 => 2,
            _ => return None,
        };
        if k.w > 22 || !(-20..=100).contains(&k.f) {
            return None;
        }
        let pow = |e: i32| f32::from_bits(((127 + e) as u32) << 23);
        let sym = k.over == OverflowMode::SatSym && k.signed;
        let lo = if sym { k.min + 1 } else { k.min } as f32;
        let slo = if sym && k.w > 1 { k.min + 1 } else { k.min } as f32;
        Some(FloatKern {
            lane: Lane {
                scale: pow(k.f),
                inv: pow(-k.f),
                tlo: k.min as f32 - 1.0,
                thi: k.max as f32 + 1.0,
                lo,
                hi: k.max as f32,
                slo,
                shi: k.max as f32,
            },
            over,
            modw: pow(k.w as i32),
            invw: pow(-(k.w as i32)),
            tbig: pow(k.w as i32 + 22).to_bits() as i32,
        })
    }

    /// Whether x is left to the scalar kernel.
    #[inline(always)]
    fn odd(x: f32) -> bool {
        // On the bits, as signed integers (which SSE2 compares): |x| in (0, 2^−100) or
        // ≥ ∞ (NaN included); `|` rather than `||`, so that no branch is taken.
        let a = (x.to_bits() & 0x7FFF_FFFF) as i32;
        (a >= 0x7F80_0000) | ((a != 0) & (a < TINY.to_bits() as i32))
    }

    /// The rounded code of t (|t| ≤ 2^22), the sign for the modes that need it from s.
    #[inline(always)]
    fn round<const Q: u8>(t: f32, s: f32) -> f32 {
        const C: f32 = 12_582_912.0;
        let r = (t + C) - C;
        let d = t - r;
        let one = |c: bool| if c { 1.0f32 } else { 0.0 };
        r + match Q {
            0 => -one(d < 0.0),
            1 => one((d > 0.0) & (s < 0.0)) - one((d < 0.0) & (s > 0.0)),
            2 => one(d == 0.5),
            3 => one((d == 0.5) & (s < 0.0)) - one((d == -0.5) & (s > 0.0)),
            4 => -one(d == -0.5),
            5 => one((d == 0.5) & (s > 0.0)) - one((d == -0.5) & (s < 0.0)),
            6 => 0.0,
            _ => one(d == 0.5) - one(d == -0.5),
        }
    }

    /// One element (O: 0 saturate, 1 zero, 2 wrap).
    #[inline(always)]
    fn elem<const Q: u8, const O: u8>(&self, l: &Lane, x: f32) -> Elem {
        let t = x * l.scale;
        if O == 2 {
            const C: f32 = 12_582_912.0;
            // |t| < 2^(W + 22) here (the rest is flagged): RNE(t·2^−W) by the same trick.
            let k = (t * self.invw + C) - C;
            let tr = t - k * self.modw;
            let q = Self::round::<Q>(tr, t);
            let c =
                q + if q < l.lo { self.modw } else { 0.0 } - if q > l.hi { self.modw } else { 0.0 };
            let bad = Self::odd(x) | ((t.to_bits() & 0x7FFF_FFFF) as i32 >= self.tbig);
            // + 0.0 turns a −0 code into +0, as the cast gives.
            (c * l.inv + 0.0, true, (q, tr), bad)
        } else {
            // (Comparisons rather than f32::max/min: NaN never reaches here unflagged.)
            let tc = if t < l.tlo { l.tlo } else { t };
            let tc = if tc > l.thi { l.thi } else { tc };
            let r = Self::round::<Q>(tc, tc);
            let inside = (r >= l.lo) & (r <= l.hi);
            let c = if O == 1 {
                if inside { r } else { 0.0 }
            } else {
                // slo ≤ lo, and every r < lo saturates to slo.
                let c = if r < l.slo { l.slo } else { r };
                if c > l.shi { l.shi } else { c }
            };
            let y = c * l.inv + 0.0;
            // In range −ln2·(y − x); saturated −ln2·y; SAT_ZERO overflow 0 (y = 0 there).
            (y, inside, (y, if inside { x } else { 0.0 }), Self::odd(x))
        }
    }

    /// Forward and backward of a chunk (`part[j]` gets element j's ∂L/∂F contribution
    /// divided by −ln 2);
    /// whether some element needs the scalar kernel (then the outputs are partial).
    #[inline(always)]
    fn chunk_fb<const Q: u8, const O: u8, L: Lanes>(
        &self,
        lanes: &L,
        xs: &[f32],
        gs: &[f32],
        ys: &mut [f32],
        gxs: &mut [f32],
        part: &mut [f64; LANES],
    ) -> bool {
        let mut bad = false;
        // Two passes, each of which vectorizes: the f32 work, then the f64 products.
        let (mut ea, mut eb) = ([0.0f32; LANES], [0.0f32; LANES]);
        for (j, (((((yo, gxo), &x), &g), a), b)) in ys
            .iter_mut()
            .zip(gxs.iter_mut())
            .zip(xs)
            .zip(gs)
            .zip(ea.iter_mut())
            .zip(eb.iter_mut())
            .enumerate()
        {
            let (y, pass, e, odd) = self.elem::<Q, O>(&lanes.lane(j), x);
            bad |= odd;
            *yo = y;
            *gxo = if pass { g } else { 0.0 };
            (*a, *b) = e;
        }
        // −ln 2 (and 2^−F under WRAP) are applied to the sums (run_fb_q).
        for (((p, &g), &a), &b) in part.iter_mut().zip(gs).zip(&ea).zip(&eb) {
            *p = f64::from(g) * (f64::from(a) - f64::from(b));
        }
        bad
    }

    /// y for a chunk; whether some element needs the scalar kernel.
    #[inline(always)]
    fn chunk<const Q: u8, const O: u8, L: Lanes>(
        &self,
        lanes: &L,
        xs: &[f32],
        ys: &mut [f32],
    ) -> bool {
        let mut bad = false;
        for (j, (yo, &x)) in ys.iter_mut().zip(xs).enumerate() {
            let (y, _, _, odd) = self.elem::<Q, O>(&lanes.lane(j), x);
            bad |= odd;
            *yo = y;
        }
        bad
    }

    #[cfg(test)]
    fn chunk_any<const Q: u8>(&self, xs: &[f32], ys: &mut [f32]) -> bool {
        match self.over {
            0 => self.chunk::<Q, 0, _>(&self.lane, xs, ys),
            1 => self.chunk::<Q, 1, _>(&self.lane, xs, ys),
            _ => self.chunk::<Q, 2, _>(&self.lane, xs, ys),
        }
    }

    /// y for a run whose element i belongs to group `ks[i % ks.len()]` (`lanes` built from
    /// them; ks.len() ≤ [`LANES`]), the odd elements by the scalar kernel.
    /// Runs compiled for the widest instruction set the CPU has (`dispatch::wide`).
    fn run<L: Lanes>(&self, lanes: &L, ks: &[Kern], xs: &[f32], ys: &mut [f32]) {
        struct Forward<'a, L> {
            fk: &'a FloatKern,
            lanes: &'a L,
            ks: &'a [Kern],
            xs: &'a [f32],
            ys: &'a mut [f32],
        }
        impl<L: Lanes> ModeKernel for Forward<'_, L> {
            #[inline(always)]
            fn call<const Q: u8, const O: u8>(self) {
                self.fk
                    .run_q::<Q, O, L>(self.lanes, self.ks, self.xs, self.ys);
            }
        }
        let k = Forward {
            fk: self,
            lanes,
            ks,
            xs,
            ys,
        };
        crate::dispatch::wide(
            #[inline(always)]
            || for_mode(self.over, ks[0].quant, k),
        )
    }

    #[inline(always)]
    fn run_q<const Q: u8, const O: u8, L: Lanes>(
        &self,
        lanes: &L,
        ks: &[Kern],
        xs: &[f32],
        ys: &mut [f32],
    ) {
        let n = LANES - LANES % ks.len();
        for (xc, yc) in xs.chunks(n).zip(ys.chunks_mut(n)) {
            if self.chunk::<Q, O, L>(lanes, xc, yc) {
                for (j, (yo, &x)) in yc.iter_mut().zip(xc).enumerate() {
                    *yo = ks[j % ks.len()].cast(x).0;
                }
            }
        }
    }

    /// Forward and backward of a run (groups as in [`run`](Self::run)); adds element j's
    /// ∂L/∂F contribution to `acc[j % ks.len()]`. Dispatched as [`run`](Self::run).
    #[allow(clippy::too_many_arguments)]
    fn run_fb<L: Lanes>(
        &self,
        lanes: &L,
        ks: &[Kern],
        xs: &[f32],
        gs: &[f32],
        ys: Option<&mut [f32]>,
        gxs: &mut [f32],
        acc: &mut [f64],
    ) {
        struct ForwardBackward<'a, L> {
            fk: &'a FloatKern,
            lanes: &'a L,
            ks: &'a [Kern],
            xs: &'a [f32],
            gs: &'a [f32],
            ys: Option<&'a mut [f32]>,
            gxs: &'a mut [f32],
            acc: &'a mut [f64],
        }
        impl<L: Lanes> ModeKernel for ForwardBackward<'_, L> {
            #[inline(always)]
            fn call<const Q: u8, const O: u8>(self) {
                let k = self;
                k.fk.run_fb_q::<Q, O, L>(k.lanes, k.ks, k.xs, k.gs, k.ys, k.gxs, k.acc);
            }
        }
        let k = ForwardBackward {
            fk: self,
            lanes,
            ks,
            xs,
            gs,
            ys,
            gxs,
            acc,
        };
        crate::dispatch::wide(
            #[inline(always)]
            || for_mode(self.over, ks[0].quant, k),
        )
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn run_fb_q<const Q: u8, const O: u8, L: Lanes>(
        &self,
        lanes: &L,
        ks: &[Kern],
        xs: &[f32],
        gs: &[f32],
        mut ys: Option<&mut [f32]>,
        gxs: &mut [f32],
        acc: &mut [f64],
    ) {
        let p = ks.len();
        let n = LANES - LANES % p;
        let mut buf = [0.0f32; LANES];
        let mut part = [0.0f64; LANES];
        let mut sums = [0.0f64; LANES];
        for (c, ((xc, gc), gxc)) in xs
            .chunks(n)
            .zip(gs.chunks(n))
            .zip(gxs.chunks_mut(n))
            .enumerate()
        {
            let yc = match ys.as_deref_mut() {
                Some(y) => &mut y[c * n..c * n + xc.len()],
                None => &mut buf[..xc.len()],
            };
            if self.chunk_fb::<Q, O, L>(lanes, xc, gc, yc, gxc, &mut part) {
                for (j, (((yo, gxo), &x), &g)) in yc
                    .iter_mut()
                    .zip(gxc.iter_mut())
                    .zip(xc)
                    .zip(gc)
                    .enumerate()
                {
                    let (y, gx, d) = scalar_fb(&ks[j % p], x, g);
                    *yo = y;
                    *gxo = gx;
                    part[j] = d / (-LN2 * Self::unit::<O, L>(lanes, j));
                }
            }
            for (s, d) in sums.iter_mut().zip(&part[..xc.len()]) {
                *s += d;
            }
        }
        for (j, s) in sums[..n].iter().enumerate() {
            acc[j % p] += -LN2 * (s * Self::unit::<O, L>(lanes, j));
        }
    }

    /// The factor of lane j's (a − b) in the ∂L/∂F error: 2^−F under `WRAP`, else 1.
    #[inline(always)]
    fn unit<const O: u8, L: Lanes>(lanes: &L, j: usize) -> f64 {
        if O == 2 {
            f64::from(lanes.lane(j).inv)
        } else {
            1.0
        }
    }

    /// [`run`](Self::run) in place.
    fn run_in_place<L: Lanes>(&self, lanes: &L, ks: &[Kern], xs: &mut [f32]) {
        let n = LANES - LANES % ks.len();
        let mut buf = [0.0f32; LANES];
        for c in xs.chunks_mut(n) {
            let b = &mut buf[..c.len()];
            b.copy_from_slice(c);
            self.run(lanes, ks, b, c);
        }
    }
}

/// One element's y, ∂L/∂x and ∂L/∂F contribution by the scalar kernel.
#[inline(always)]
fn scalar_fb(k: &Kern, x: f32, gy: f32) -> (f32, f32, f64) {
    let (y, region) = k.cast(x);
    let gd = f64::from(gy);
    match region {
        Region::Pass(err) => (y, gy, gd * (-LN2 * err)),
        Region::Sat(v) => (y, 0.0, gd * (-LN2 * v)),
        Region::Dead => (y, 0.0, 0.0),
    }
}

/// The elements of group `g` of a checked layout: (start, step, count).
#[inline(always)]
fn span(layout: Layout, g: usize, len: usize) -> (usize, usize, usize) {
    match layout {
        Layout::PerTensor => (0, 1, len),
        Layout::ChannelMajor { channels } => {
            let n = len / channels;
            (g * n, 1, n)
        }
        Layout::ChannelLast { channels } => (g, channels, len / channels),
    }
}

impl Qfx {
    /// Checks the parameters: W in 1..=32 and a format `FixedFormat::new` accepts
    /// (family rules, N ≤ W); anything else is [`QatError::Param`].
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams, QatError};
    /// assert!(Qfx::new(QfxParams::ap_fixed(33, Layout::PerTensor)).is_err());
    /// assert!(Qfx::new(QfxParams::ap_fixed(32, Layout::PerTensor)).is_ok());
    /// ```
    pub fn new(p: QfxParams) -> Result<Qfx, QatError> {
        if !(1..=32).contains(&p.width) {
            return Err(QatError::Param("QFX width must be 1 to 32"));
        }
        if p.family == Family::ApInt {
            return Err(QatError::Param(
                "QFX needs ap_fixed or ac_fixed (ap_int has F = 0)",
            ));
        }
        let q = Qfx { p };
        q.build(0)?;
        Ok(q)
    }

    /// The parameters.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let p = QfxParams::ap_fixed(6, Layout::ChannelLast { channels: 3 });
    /// assert_eq!(Qfx::new(p)?.params(), p);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn params(&self) -> QfxParams {
        self.p
    }

    /// The smallest and largest binary point F (I = W − F within ±[`MAX_INT_BITS`]).
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(8, Layout::PerTensor))?;
    /// assert_eq!(q.frac_range(), (8 - 8192, 8 + 8192));
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn frac_range(&self) -> (i32, i32) {
        let w = self.p.width as i32;
        (w - MAX_INT_BITS, w + MAX_INT_BITS)
    }

    /// The binary point F of a latent: round to nearest, ties to even, clamped to
    /// [`frac_range`](Self::frac_range); NaN is [`QatError::Param`].
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(8, Layout::PerTensor))?;
    /// assert_eq!((q.frac_bits(2.5)?, q.frac_bits(3.5)?, q.frac_bits(-0.6)?), (2, 4, -1));
    /// assert_eq!(q.frac_bits(f32::INFINITY)?, 8200);
    /// assert!(q.frac_bits(f32::NAN).is_err());
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn frac_bits(&self, latent: f32) -> Result<i32, QatError> {
        if latent.is_nan() {
            return Err(QatError::Param("QFX latent binary point is NaN"));
        }
        let (lo, hi) = self.frac_range();
        let c = latent.clamp(lo as f32, hi as f32);
        // |c| ≤ 2^14 < 2^22: adding and subtracting 1.5·2^23 rounds ties to even.
        const BIG: f32 = 12_582_912.0;
        let r = (c + BIG) - BIG;
        Ok(r as i32)
    }

    /// The effective format of a group with the given latent binary point.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(8, Layout::PerTensor))?;
    /// assert_eq!(q.format(5.2)?.to_string(), "ap_fixed<8,3,AP_RND_CONV,AP_SAT>");
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn format(&self, latent: f32) -> Result<FixedFormat, QatError> {
        self.build(self.frac_bits(latent)?)
    }

    fn build(&self, f: i32) -> Result<FixedFormat, QatError> {
        let p = &self.p;
        FixedFormat::new(FixedParams {
            family: p.family,
            width: p.width,
            int_bits: p.width as i32 - f,
            signed: p.signed,
            quantization: p.quantization,
            overflow: p.overflow,
            sat_bits: p.sat_bits,
        })
        .map_err(|_| QatError::Param("QFX parameters do not form a valid fixed-point format"))
    }

    fn check(&self, frac: &[f32], len: usize) -> Result<(), QatError> {
        self.p.layout.check(len, frac.len())?;
        for &l in frac {
            self.frac_bits(l)?;
        }
        Ok(())
    }

    fn kern(&self, latent: f32) -> Result<Kern, QatError> {
        Ok(Kern::new(self.format(latent)?))
    }

    /// The channel-last `f32` kernel: for at most [`LANES`] channels that all take it, the
    /// kernel, its lanes and the channels' scalar kernels (the first `channels` entries).
    #[allow(clippy::type_complexity)]
    fn last_lanes(
        &self,
        frac: &[f32],
    ) -> Result<Option<(FloatKern, PerLane, [Kern; LANES])>, QatError> {
        let Layout::ChannelLast { channels } = self.p.layout else {
            return Ok(None);
        };
        if channels > LANES {
            return Ok(None);
        }
        let k0 = self.kern(frac[0])?;
        let Some(fk) = FloatKern::new(&k0) else {
            return Ok(None);
        };
        let mut ks = [k0; LANES];
        let mut ls = [fk.lane; LANES];
        for (c, &l) in frac.iter().enumerate() {
            ks[c] = self.kern(l)?;
            match FloatKern::new(&ks[c]) {
                Some(f) => ls[c] = f.lane,
                None => return Ok(None),
            }
        }
        Ok(Some((fk, PerLane::new(&ls[..channels]), ks)))
    }

    /// y = cast(x) element-wise, each element in its group's format (see [`Qfx`]).
    /// `frac` holds one latent per group; `y` has the length of `x`.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(4, Layout::ChannelMajor { channels: 2 }))?;
    /// let mut y = [0.0f32; 4];
    /// q.forward(&[1.0, 3.0], &[0.7, 9.0, 0.7, 9.0], &mut y)?;
    /// assert_eq!(y, [0.5, 3.5, 0.75, 0.875]);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn forward(&self, frac: &[f32], x: &[f32], y: &mut [f32]) -> Result<(), QatError> {
        check_len("y", x.len(), y.len())?;
        self.check(frac, x.len())?;
        let len = x.len();
        if let Some((fk, lanes, ks)) = self.last_lanes(frac)? {
            fk.run(&lanes, &ks[..frac.len()], x, y);
            return Ok(());
        }
        for (g, &l) in frac.iter().enumerate() {
            let k = self.kern(l)?;
            let (start, step, n) = span(self.p.layout, g, len);
            if step == 1 {
                let (xs, ys) = (&x[start..start + n], &mut y[start..start + n]);
                if let Some(fk) = FloatKern::new(&k) {
                    fk.run(&fk.lane, &[k], xs, ys);
                } else {
                    for (yo, &xi) in ys.iter_mut().zip(xs) {
                        *yo = k.cast(xi).0;
                    }
                }
            } else {
                for i in (start..len).step_by(step) {
                    y[i] = k.cast(x[i]).0;
                }
            }
        }
        Ok(())
    }

    /// [`forward`](Self::forward) in place: `x` is replaced by cast(x).
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(4, Layout::PerTensor))?;
    /// let mut x = [0.3f32, 100.0];
    /// q.forward_in_place(&[3.0], &mut x)?;
    /// assert_eq!(x, [0.25, 0.875]);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn forward_in_place(&self, frac: &[f32], x: &mut [f32]) -> Result<(), QatError> {
        self.check(frac, x.len())?;
        let len = x.len();
        if let Some((fk, lanes, ks)) = self.last_lanes(frac)? {
            fk.run_in_place(&lanes, &ks[..frac.len()], x);
            return Ok(());
        }
        for (g, &l) in frac.iter().enumerate() {
            let k = self.kern(l)?;
            let (start, step, n) = span(self.p.layout, g, len);
            if let (1, Some(fk)) = (step, FloatKern::new(&k)) {
                fk.run_in_place(&fk.lane, &[k], &mut x[start..start + n]);
                continue;
            }
            for i in (start..len).step_by(step).take(n) {
                x[i] = k.cast(x[i]).0;
            }
        }
        Ok(())
    }

    /// The gradients by the region table of [`Qfx`]: `grad_x` (length of `x`) and
    /// `grad_frac` (one per group, overwritten with the group's sum).
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(4, Layout::PerTensor))?;
    /// let (mut gx, mut gf) = ([0.0f32; 2], [0.0f32]);
    /// // F = 3: 0.3 → 0.25 in range; 100 → 0.875 saturated.
    /// q.backward(&[3.0], &[0.3, 100.0], &[1.0, 1.0], &mut gx, &mut gf)?;
    /// assert_eq!(gx, [1.0, 0.0]);
    /// let want = -core::f64::consts::LN_2 * ((0.25 - 0.3f32 as f64) + 0.875);
    /// assert!((gf[0] as f64 - want).abs() < 1e-6);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn backward(
        &self,
        frac: &[f32],
        x: &[f32],
        grad_y: &[f32],
        grad_x: &mut [f32],
        grad_frac: &mut [f32],
    ) -> Result<(), QatError> {
        self.run(frac, x, grad_y, None, grad_x, grad_frac)
    }

    /// Forward and backward in one pass: `y` as [`forward`](Self::forward), `grad_x` and
    /// `grad_frac` as [`backward`](Self::backward).
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(4, Layout::PerTensor))?;
    /// let (mut y, mut gx, mut gf) = ([0.0f32; 2], [0.0f32; 2], [0.0f32]);
    /// q.forward_backward(&[3.0], &[0.3, 100.0], &[1.0, 1.0], &mut y, &mut gx, &mut gf)?;
    /// assert_eq!((y, gx), ([0.25, 0.875], [1.0, 0.0]));
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn forward_backward(
        &self,
        frac: &[f32],
        x: &[f32],
        grad_y: &[f32],
        y: &mut [f32],
        grad_x: &mut [f32],
        grad_frac: &mut [f32],
    ) -> Result<(), QatError> {
        check_len("y", x.len(), y.len())?;
        self.run(frac, x, grad_y, Some(y), grad_x, grad_frac)
    }

    fn run(
        &self,
        frac: &[f32],
        x: &[f32],
        grad_y: &[f32],
        mut y: Option<&mut [f32]>,
        grad_x: &mut [f32],
        grad_frac: &mut [f32],
    ) -> Result<(), QatError> {
        let len = x.len();
        check_len("grad_y", len, grad_y.len())?;
        check_len("grad_x", len, grad_x.len())?;
        check_len("grad_frac", frac.len(), grad_frac.len())?;
        self.check(frac, len)?;
        if let Some((fk, lanes, ks)) = self.last_lanes(frac)? {
            let c = frac.len();
            let mut acc = [0.0f64; LANES];
            fk.run_fb(&lanes, &ks[..c], x, grad_y, y, grad_x, &mut acc[..c]);
            for (gf, &a) in grad_frac.iter_mut().zip(&acc[..c]) {
                let mut a = a;
                if self.p.grad_scale {
                    a *= self.grad_scale_for(len / c);
                }
                *gf = a as f32;
            }
            return Ok(());
        }
        for (g, &l) in frac.iter().enumerate() {
            let k = self.kern(l)?;
            let (start, step, n) = span(self.p.layout, g, len);
            let fk = if step == 1 { FloatKern::new(&k) } else { None };
            let acc = if let Some(fk) = fk {
                let r = start..start + n;
                let ys = y.as_deref_mut().map(|y| &mut y[r.clone()]);
                let mut acc = [0.0f64];
                fk.run_fb(
                    &fk.lane,
                    &[k],
                    &x[r.clone()],
                    &grad_y[r.clone()],
                    ys,
                    &mut grad_x[r],
                    &mut acc,
                );
                acc[0]
            } else {
                let mut acc = 0.0f64;
                for i in (start..len).step_by(step).take(n) {
                    let (yi, gx, d) = scalar_fb(&k, x[i], grad_y[i]);
                    if let Some(y) = y.as_deref_mut() {
                        y[i] = yi;
                    }
                    grad_x[i] = gx;
                    acc += d;
                }
                acc
            };
            let mut acc = acc;
            if self.p.grad_scale {
                acc *= self.grad_scale_for(n);
            }
            grad_frac[g] = acc as f32;
        }
        Ok(())
    }

    /// The gradient scale 1/√(N·q_max) of a group of `n` elements (q_max = max(largest
    /// raw code, 1)), as applied when [`QfxParams::grad_scale`] is set.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(3, Layout::PerTensor))?; // q_max = 3
    /// assert_eq!(q.grad_scale_for(12), 1.0 / 6.0);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn grad_scale_for(&self, n: usize) -> f64 {
        let w = self.p.width;
        let qmax = if self.p.signed {
            (1u64 << (w - 1)) - 1
        } else {
            (1u64 << w) - 1
        }
        .max(1);
        let prod = n.max(1) as f64 * qmax as f64;
        let s = f64::from_bits(FloatFormat::FP64.sqrt(prod.to_bits()));
        1.0 / s
    }

    /// The largest F (within [`frac_range`](Self::frac_range)) at which `m` (and −m when
    /// signed) rounds to a code in [min, max]; `m` = 0 gives W − S (S = 1 when signed).
    fn frac_for(&self, m: f32) -> Result<i32, QatError> {
        let (lo, hi) = self.frac_range();
        let s = i32::from(self.p.signed);
        let w = self.p.width as i32;
        if m == 0.0 {
            return Ok(w - s);
        }
        // m = 1.f·2^(e−1), i.e. m in [2^(e−1), 2^e): m·2^F in [2^(W−S−1), 2^(W−S)) at F0.
        let b = m.to_bits();
        let ef = ((b >> 23) & 0xFF) as i32;
        let e = if ef == 0 {
            // Subnormal: m = frac·2^−149.
            32 - (b & 0x7F_FFFF).leading_zeros() as i32 - 149
        } else {
            ef - 126
        };
        let mut f = (w - s - e).clamp(lo, hi);
        // At most a few steps down (W − S = 0, or a rounding carry); bounded regardless.
        // Overflow judged with SAT_ZERO: the rounded code outside [min, max] (SAT_SYM's
        // relabelling of the most negative code does not count).
        let probe = Qfx {
            p: QfxParams {
                overflow: OverflowMode::SatZero,
                sat_bits: 0,
                ..self.p
            },
        };
        for _ in 0..40 {
            let fmt = probe.build(f)?;
            let over = fmt.from_f32_with(m).status.contains(Status::OVERFLOW)
                || (self.p.signed && fmt.from_f32_with(-m).status.contains(Status::OVERFLOW));
            if !over || f == lo {
                break;
            }
            f -= 1;
        }
        Ok(f)
    }

    /// The PTQ baseline: per group, the largest F at which max |x| (over the group's
    /// finite elements) rounds, with the descriptor's quantization mode, to a code inside
    /// the type's range [min, max] (for a signed type, −max |x| as well; the overflow mode
    /// plays no part, so under `SAT_SYM` the most negative code counts as inside); a group of
    /// zeros (or without finite elements) gets F = W − S, S = 1 when signed (the format
    /// holds [−1, 1) or [0, 2)). The result is clamped to [`frac_range`](Self::frac_range)
    /// and written to `frac` (one per group) as an integer-valued latent.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(8, Layout::ChannelLast { channels: 2 }))?;
    /// let mut f = [0.0f32; 2];
    /// q.init_frac_max_abs(&[3.0, 0.2, -5.0, 0.1], &mut f)?;
    /// assert_eq!(f, [4.0, 9.0]); // 5 needs ap_fixed<8,4>; 0.2 fits in ap_fixed<8,-1>
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn init_frac_max_abs(&self, x: &[f32], frac: &mut [f32]) -> Result<(), QatError> {
        let len = x.len();
        self.p.layout.check(len, frac.len())?;
        for (g, fo) in frac.iter_mut().enumerate() {
            let (start, step, n) = span(self.p.layout, g, len);
            let m = (start..len)
                .step_by(step)
                .take(n)
                .map(|i| x[i].abs())
                .filter(|a| a.is_finite())
                .fold(0.0f32, f32::max);
            *fo = self.frac_for(m)? as f32;
        }
        Ok(())
    }

    /// Like [`init_frac_max_abs`](Self::init_frac_max_abs) with the `p`-th percentile of
    /// |x| instead of the maximum (p in [0, 100]; 100 is the maximum): per group, the
    /// finite |x| sorted ascending a₁ ≤ … ≤ aₙ give a_k with k = max(1, ⌈p·n/100⌉) (the
    /// nearest-rank percentile; p·n/100 computed in `f64`). `scratch` holds at least the
    /// group size (len / groups) values and is overwritten (selection in place, no
    /// allocation). Values above the percentile saturate or wrap under the result.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Qfx, QfxParams};
    /// let q = Qfx::new(QfxParams::ap_fixed(8, Layout::PerTensor))?;
    /// let x = [0.1f32, -0.2, 0.3, 0.4, 100.0];
    /// let (mut f, mut scratch) = ([0.0f32], [0.0f32; 5]);
    /// q.init_frac_percentile(&x, 80.0, &mut scratch, &mut f)?; // the 4th of 5: 0.4
    /// assert_eq!(f, [8.0]);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn init_frac_percentile(
        &self,
        x: &[f32],
        p: f32,
        scratch: &mut [f32],
        frac: &mut [f32],
    ) -> Result<(), QatError> {
        if !(0.0..=100.0).contains(&p) {
            return Err(QatError::Param("percentile must be in [0, 100]"));
        }
        let len = x.len();
        self.p.layout.check(len, frac.len())?;
        let per = len / self.p.layout.groups();
        if scratch.len() < per {
            return Err(QatError::Length {
                what: "scratch",
                expected: per,
                got: scratch.len(),
            });
        }
        for (g, fo) in frac.iter_mut().enumerate() {
            let (start, step, n) = span(self.p.layout, g, len);
            let mut cnt = 0usize;
            for i in (start..len).step_by(step).take(n) {
                let a = x[i].abs();
                if a.is_finite() {
                    scratch[cnt] = a;
                    cnt += 1;
                }
            }
            let m = if cnt == 0 {
                0.0
            } else {
                let r = f64::from(p) * cnt as f64 / 100.0;
                let mut k = r as usize;
                if (k as f64) < r {
                    k += 1;
                }
                let k = k.clamp(1, cnt);
                let s = &mut scratch[..cnt];
                *s.select_nth_unstable_by(k - 1, f32::total_cmp).1
            };
            *fo = self.frac_for(m)? as f32;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The integer kernel is the one taken for the SAT modes and WRAP with N = 0 (the
    /// integration tests compare `forward` with the scalar cast; this pins that they
    /// exercise the kernel, not the scalar path against itself).
    #[test]
    fn kernel_taken_and_equal_to_the_cast() {
        let mut n = 0;
        for o in [
            OverflowMode::Sat,
            OverflowMode::SatZero,
            OverflowMode::SatSym,
            OverflowMode::Wrap,
        ] {
            for q in Quantization::ALL {
                let p = QfxParams {
                    family: Family::AcFixed,
                    quantization: q,
                    overflow: o,
                    ..QfxParams::ap_fixed(6, Layout::PerTensor)
                };
                let fmt = Qfx::new(p).unwrap().format(2.0).unwrap();
                let k = Kern::new(fmt);
                assert!(k.fast);
                for i in -400..400 {
                    let x = i as f32 * 0.0625 + 0.01 * (i % 3) as f32;
                    assert_eq!(
                        k.cast(x).0.to_bits(),
                        fmt.to_f32(fmt.from_f32(x)).to_bits(),
                        "{fmt} {x}"
                    );
                    n += 1;
                }
            }
        }
        assert_eq!(n, 4 * 8 * 800);
        // The f32 kernel, chunk by chunk without scalar redo, for every mode and the
        // signedness, W and F at its bounds; under WRAP also around raws shifted by whole
        // (and huge) multiples of 2^W.
        let mut m = 0;
        for o in [
            OverflowMode::Sat,
            OverflowMode::SatZero,
            OverflowMode::SatSym,
            OverflowMode::Wrap,
        ] {
            for wrapk in [0.0f64, 1.0, -3.0, 1e6, -2.5e9] {
                if wrapk != 0.0 && o != OverflowMode::Wrap {
                    continue;
                }
                for q in Quantization::ALL {
                    for (w, signed, f) in [
                        (1, true, 0),
                        (1, false, -20),
                        (5, true, 100),
                        (22, false, 3),
                        (22, true, -20),
                        (7, true, 4),
                    ] {
                        let p = QfxParams {
                            family: Family::AcFixed,
                            quantization: q,
                            overflow: o,
                            signed,
                            ..QfxParams::ap_fixed(w, Layout::PerTensor)
                        };
                        let fmt = Qfx::new(p).unwrap().format(f as f32).unwrap();
                        let k = Kern::new(fmt);
                        let fk = FloatKern::new(&k).unwrap();
                        let lsb = 2f64.powi(-f);
                        let mut xs = [0.0f32; 64];
                        let mut ys = [0.0f32; 64];
                        for base in -70i64..70 {
                            let c = (base as f64 * 0.5
                                + if base % 2 == 0 {
                                    0.0
                                } else {
                                    (k.max as f64 - 40.0).max(0.0)
                                }
                                + wrapk * 2f64.powi(w as i32))
                                * lsb;
                            for (j, x) in xs.iter_mut().enumerate() {
                                let v = c as f32;
                                let d = j as i32 - 32;
                                *x = f32::from_bits((v.to_bits() as i32 + d) as u32);
                                if j == 63 {
                                    *x = -0.0;
                                }
                                if j == 62 {
                                    *x = f32::MAX;
                                }
                                if j == 61 {
                                    *x = -f32::MAX;
                                }
                            }
                            let bad = match q {
                                Quantization::Trn => fk.chunk_any::<0>(&xs, &mut ys),
                                Quantization::TrnZero => fk.chunk_any::<1>(&xs, &mut ys),
                                Quantization::Rnd => fk.chunk_any::<2>(&xs, &mut ys),
                                Quantization::RndZero => fk.chunk_any::<3>(&xs, &mut ys),
                                Quantization::RndMinInf => fk.chunk_any::<4>(&xs, &mut ys),
                                Quantization::RndInf => fk.chunk_any::<5>(&xs, &mut ys),
                                Quantization::RndConv => fk.chunk_any::<6>(&xs, &mut ys),
                                Quantization::RndConvOdd => fk.chunk_any::<7>(&xs, &mut ys),
                            };
                            for (x, y) in xs.iter().zip(&ys) {
                                let a = x.abs();
                                let t = x * 2f32.powi(f);
                                if !(a >= TINY || a == 0.0)
                                    || !x.is_finite()
                                    || (o == OverflowMode::Wrap
                                        && t.abs() >= 2f32.powi(w as i32 + 22))
                                {
                                    assert!(bad);
                                    continue;
                                }
                                assert_eq!(
                                    y.to_bits(),
                                    fmt.to_f32(fmt.from_f32(*x)).to_bits(),
                                    "{fmt} {x:e}"
                                );
                                m += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(m > 100_000, "{m}");
        let p = QfxParams {
            overflow: OverflowMode::WrapSm,
            ..QfxParams::ap_fixed(6, Layout::PerTensor)
        };
        assert!(!Kern::new(Qfx::new(p).unwrap().format(2.0).unwrap()).fast);
    }

    /// Every layout through the public calls, against the scalar cast element by element:
    /// for W ≤ 6, every raw code of each channel's format and of the codes one wrap (2^W)
    /// beyond either end, at the code, ± half an LSB and a few `f32` ulps around those, plus
    /// NaN, ±∞, ±0, ±f32::MAX and tiny values; y and ∂L/∂x bit for bit, ∂L/∂F against the
    /// scalar kernel's per-group sum.
    #[test]
    fn f32_kernel_every_layout_exhaustive_small_widths() {
        let specials = [
            f32::NAN,
            -f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.0,
            -0.0,
            f32::MAX,
            -f32::MAX,
            1e-40,
            -3e-31,
            7.9e-31,
        ];
        let mut checked = 0usize;
        for w in 1..=6u32 {
            for signed in [true, false] {
                for o in [
                    OverflowMode::Sat,
                    OverflowMode::SatZero,
                    OverflowMode::SatSym,
                    OverflowMode::Wrap,
                ] {
                    for q in Quantization::ALL {
                        for layout in [
                            Layout::PerTensor,
                            Layout::ChannelMajor { channels: 3 },
                            Layout::ChannelLast { channels: 3 },
                            Layout::ChannelLast { channels: 64 },
                            Layout::ChannelLast { channels: 1 },
                        ] {
                            checked += check_layout(w, signed, o, q, layout, &specials);
                        }
                    }
                }
            }
        }
        assert!(checked > 1_000_000, "{checked}");
    }

    fn check_layout(
        w: u32,
        signed: bool,
        o: OverflowMode,
        q: Quantization,
        layout: Layout,
        specials: &[f32],
    ) -> usize {
        extern crate std;
        use std::vec::Vec;
        let p = QfxParams {
            width: w,
            signed,
            quantization: q,
            overflow: o,
            layout,
            ..QfxParams::ap_fixed(w, layout)
        };
        // (Combinations the headers refuse, e.g. a 1-bit signed SAT_SYM, are skipped.)
        let Ok(qfx) = Qfx::new(p) else {
            return 0;
        };
        let groups = layout.groups();
        let frac: Vec<f32> = (0..groups).map(|c| (c % 5) as f32 * 1.5 - 3.0).collect();
        if let Layout::ChannelLast { .. } = layout {
            assert!(qfx.last_lanes(&frac).unwrap().is_some());
        }
        let fmts: Vec<FixedFormat> = frac.iter().map(|&l| qfx.format(l).unwrap()).collect();
        // The values of each group's format, then laid out by the layout.
        let vals = |c: usize| -> Vec<f32> {
            let fmt = fmts[c];
            let lsb = 2f64.powi(-fmt.frac_bits());
            let (lo, hi) = (fmt.min_raw() as i64, fmt.max_raw() as i64);
            let m = 1i64 << w;
            let mut v = Vec::new();
            for r in lo - m - 2..=hi + m + 2 {
                for h in [-1.0, 0.0, 1.0] {
                    let c = ((r as f64) + 0.5 * h) * lsb;
                    let x = c as f32;
                    for d in -2i32..=2 {
                        v.push(f32::from_bits((x.to_bits() as i32 + d) as u32));
                    }
                }
            }
            v.extend_from_slice(specials);
            v
        };
        let per: Vec<Vec<f32>> = (0..groups).map(vals).collect();
        let n = per.iter().map(Vec::len).max().unwrap() + 61; // a partial last chunk
        let len = n * groups;
        let mut x = std::vec![0.0f32; len];
        let member = |i: usize| match layout {
            Layout::PerTensor => (0, i),
            Layout::ChannelMajor { .. } => (i / n, i % n),
            Layout::ChannelLast { channels } => (i % channels, i / channels),
        };
        for (i, xi) in x.iter_mut().enumerate() {
            let (c, k) = member(i);
            *xi = per[c][k % per[c].len()];
        }
        let g: Vec<f32> = (0..len)
            .map(|i| ((i * 7919) % 13) as f32 * 0.25 - 1.5)
            .collect();
        let mut y = std::vec![0.0f32; len];
        qfx.forward(&frac, &x, &mut y).unwrap();
        let mut yi = x.clone();
        qfx.forward_in_place(&frac, &mut yi).unwrap();
        let (mut y2, mut gx) = (std::vec![0.0f32; len], std::vec![0.0f32; len]);
        let mut gf = std::vec![0.0f32; groups];
        qfx.forward_backward(&frac, &x, &g, &mut y2, &mut gx, &mut gf)
            .unwrap();
        let mut want = std::vec![0.0f64; groups];
        let mut mag = std::vec![0.0f64; groups];
        for i in 0..len {
            let c = member(i).0;
            let fmt = fmts[c];
            let cast = fmt.to_f32(fmt.from_f32(x[i])).to_bits();
            assert_eq!(y[i].to_bits(), cast, "{fmt} {:?} x = {:e}", layout, x[i]);
            assert_eq!(yi[i].to_bits(), cast, "in place {fmt} x = {:e}", x[i]);
            assert_eq!(y2[i].to_bits(), cast, "fb {fmt} x = {:e}", x[i]);
            let (_, sgx, d) = scalar_fb(&Kern::new(fmt), x[i], g[i]);
            assert_eq!(
                gx[i].to_bits(),
                sgx.to_bits(),
                "grad_x {fmt} x = {:e}",
                x[i]
            );
            want[c] += d;
            mag[c] += d.abs();
        }
        for c in 0..groups {
            let tol = 1e-6 * mag[c] + 1e-30;
            assert!(
                (f64::from(gf[c]) - want[c]).abs() <= tol,
                "grad_frac {} {:?}: {} vs {}",
                fmts[c],
                layout,
                gf[c],
                want[c]
            );
        }
        len
    }
}
