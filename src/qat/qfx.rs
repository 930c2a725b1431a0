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
/// Two kernels replace the scalar cast where they are exact. For contiguous groups
/// (per tensor, channel-major) with `SAT`, `SAT_SYM` or `SAT_ZERO`, W ≤ 22 and
/// −20 ≤ F ≤ 100, a vectorizable `f32` kernel scales by 2^F (exact), rounds with the
/// 1.5·2^23 trick plus a ±1 correction per quantization mode, clamps and scales back;
/// elements it cannot take (NaN, ±∞, 0 < |x| < 2^−100) are redone by the scalar path.
/// Otherwise an integer kernel on the `f32` bits handles `SAT`, `SAT_ZERO`, `SAT_SYM` and
/// `WRAP` with N = 0 for every quantization mode (finite inputs; `ac_fixed` only for
/// |F| ≤ 256, where the header's `double` scaling is exact); the rest (`WRAP` with N > 0,
/// `WRAP_SM`, non-finite inputs) goes through [`FixedFormat::from_f32_with`]. The tests
/// prove both kernels equal to the scalar cast.
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

/// The vectorizable `f32` kernel of one contiguous group: `SAT`, `SAT_SYM` and `SAT_ZERO`
/// with W ≤ 22 and −20 ≤ F ≤ 100. With t = x·2^F (exact: |x| ≥ 2^−100 or x = 0, so t is
/// a normal `f32` or 0; ±∞ saturates), clamped to [min − 1, max + 1] (|t| ≤ 2^22, which
/// the clamp keeps on the same side of the range), RNE(t) = (t + 1.5·2^23) − 1.5·2^23 and
/// the residual d = t − RNE(t) (exact) give every quantization mode by a ±1 correction;
/// the code, clamped (or zeroed), times 2^−F is exact. Elements outside those bounds (NaN,
/// ±∞, |x| < 2^−100) are redone by the scalar kernel.
#[derive(Clone, Copy, Debug)]
struct FloatKern {
    scale: f32,
    inv: f32,
    /// Bounds of t before rounding.
    tlo: f32,
    thi: f32,
    /// The range of codes that are not an overflow.
    lo: f32,
    hi: f32,
    /// The saturated codes below and above.
    slo: f32,
    shi: f32,
    zero: bool,
}

const TINY: f32 = f32::from_bits((127 - 100) << 23); // 2^-100

impl FloatKern {
    fn new(k: &Kern) -> Option<FloatKern> {
        let sat = matches!(
            k.over,
            OverflowMode::Sat | OverflowMode::SatSym | OverflowMode::SatZero
        );
        if !sat || k.w > 22 || !(-20..=100).contains(&k.f) {
            return None;
        }
        let pow = |e: i32| f32::from_bits(((127 + e) as u32) << 23);
        let sym = k.over == OverflowMode::SatSym && k.signed;
        let lo = if sym { k.min + 1 } else { k.min } as f32;
        let slo = if sym && k.w > 1 { k.min + 1 } else { k.min } as f32;
        Some(FloatKern {
            scale: pow(k.f),
            inv: pow(-k.f),
            tlo: k.min as f32 - 1.0,
            thi: k.max as f32 + 1.0,
            lo,
            hi: k.max as f32,
            slo,
            shi: k.max as f32,
            zero: k.over == OverflowMode::SatZero,
        })
    }

    /// Whether x is left to the scalar kernel.
    #[inline(always)]
    fn odd(x: f32) -> bool {
        let a = x.abs();
        !((TINY..=f32::MAX).contains(&a) || a == 0.0)
    }

    /// The rounded code of x·2^F (clamped to [min − 1, max + 1]).
    #[inline(always)]
    fn code<const Q: u8>(&self, x: f32) -> f32 {
        const C: f32 = 12_582_912.0;
        let t = (x * self.scale).max(self.tlo).min(self.thi);
        let r = (t + C) - C;
        let d = t - r;
        let one = |c: bool| if c { 1.0f32 } else { 0.0 };
        r + match Q {
            0 => -one(d < 0.0),
            1 => one(d > 0.0 && t < 0.0) - one(d < 0.0 && t > 0.0),
            2 => one(d == 0.5),
            3 => one(d == 0.5 && t < 0.0) - one(d == -0.5 && t > 0.0),
            4 => -one(d == -0.5),
            5 => one(d == 0.5 && t > 0.0) - one(d == -0.5 && t < 0.0),
            6 => 0.0,
            _ => one(d == 0.5) - one(d == -0.5),
        }
    }

    /// Forward and backward of a chunk (`acc` gets the chunk's ∂L/∂F sum);
    /// whether some element needs the scalar kernel (then the outputs are partial).
    #[inline(always)]
    fn chunk_fb<const Q: u8, const Z: bool>(
        &self,
        xs: &[f32],
        gs: &[f32],
        ys: &mut [f32],
        gxs: &mut [f32],
        acc: &mut f64,
    ) -> bool {
        let mut bad = false;
        // Four partial sums (in element order within each), added at the end of the chunk.
        let mut part = [0.0f64; 4];
        for (j, (((yo, gxo), &x), &g)) in ys
            .iter_mut()
            .zip(gxs.iter_mut())
            .zip(xs)
            .zip(gs)
            .enumerate()
        {
            bad |= Self::odd(x);
            let r = self.code::<Q>(x);
            let inside = r >= self.lo && r <= self.hi;
            let c = if Z {
                if inside { r } else { 0.0 }
            } else {
                r.max(self.slo).min(self.shi)
            };
            let y = c * self.inv + 0.0;
            *yo = y;
            *gxo = if inside { g } else { 0.0 };
            // In range −ln2·(y − x); saturated −ln2·y; SAT_ZERO overflow 0 (y = 0 there).
            let e = f64::from(y) - if inside { f64::from(x) } else { 0.0 };
            part[j & 3] += f64::from(g) * (-LN2 * e);
        }
        *acc += (part[0] + part[1]) + (part[2] + part[3]);
        bad
    }

    /// y for a chunk; whether some element needs the scalar kernel.
    #[inline(always)]
    fn chunk<const Q: u8, const Z: bool>(&self, xs: &[f32], ys: &mut [f32]) -> bool {
        let mut bad = false;
        for (yo, &x) in ys.iter_mut().zip(xs) {
            bad |= Self::odd(x);
            let r = self.code::<Q>(x);
            let c = if Z {
                if r < self.lo || r > self.hi { 0.0 } else { r }
            } else {
                // slo ≤ lo, and every r < lo saturates to slo.
                r.max(self.slo).min(self.shi)
            };
            // + 0.0 turns a −0 code into +0, as the cast gives.
            *yo = c * self.inv + 0.0;
        }
        bad
    }

    #[cfg(test)]
    fn chunk_any<const Q: u8>(&self, xs: &[f32], ys: &mut [f32]) -> bool {
        if self.zero {
            self.chunk::<Q, true>(xs, ys)
        } else {
            self.chunk::<Q, false>(xs, ys)
        }
    }

    /// y for a contiguous group, the odd elements by the scalar kernel.
    fn run(&self, k: &Kern, xs: &[f32], ys: &mut [f32]) {
        match k.quant {
            Quantization::Trn => self.run_q::<0>(k, xs, ys),
            Quantization::TrnZero => self.run_q::<1>(k, xs, ys),
            Quantization::Rnd => self.run_q::<2>(k, xs, ys),
            Quantization::RndZero => self.run_q::<3>(k, xs, ys),
            Quantization::RndMinInf => self.run_q::<4>(k, xs, ys),
            Quantization::RndInf => self.run_q::<5>(k, xs, ys),
            Quantization::RndConv => self.run_q::<6>(k, xs, ys),
            Quantization::RndConvOdd => self.run_q::<7>(k, xs, ys),
        }
    }

    fn run_q<const Q: u8>(&self, k: &Kern, xs: &[f32], ys: &mut [f32]) {
        for (xc, yc) in xs.chunks(64).zip(ys.chunks_mut(64)) {
            let bad = if self.zero {
                self.chunk::<Q, true>(xc, yc)
            } else {
                self.chunk::<Q, false>(xc, yc)
            };
            if bad {
                for (yo, &x) in yc.iter_mut().zip(xc) {
                    *yo = k.cast(x).0;
                }
            }
        }
    }

    /// Forward and backward of a contiguous group; the ∂L/∂F sum.
    fn run_fb(
        &self,
        k: &Kern,
        xs: &[f32],
        gs: &[f32],
        ys: Option<&mut [f32]>,
        gxs: &mut [f32],
    ) -> f64 {
        match (k.quant, self.zero) {
            (Quantization::Trn, false) => self.run_fb_q::<0, false>(k, xs, gs, ys, gxs),
            (Quantization::TrnZero, false) => self.run_fb_q::<1, false>(k, xs, gs, ys, gxs),
            (Quantization::Rnd, false) => self.run_fb_q::<2, false>(k, xs, gs, ys, gxs),
            (Quantization::RndZero, false) => self.run_fb_q::<3, false>(k, xs, gs, ys, gxs),
            (Quantization::RndMinInf, false) => self.run_fb_q::<4, false>(k, xs, gs, ys, gxs),
            (Quantization::RndInf, false) => self.run_fb_q::<5, false>(k, xs, gs, ys, gxs),
            (Quantization::RndConv, false) => self.run_fb_q::<6, false>(k, xs, gs, ys, gxs),
            (Quantization::RndConvOdd, false) => self.run_fb_q::<7, false>(k, xs, gs, ys, gxs),
            (Quantization::Trn, true) => self.run_fb_q::<0, true>(k, xs, gs, ys, gxs),
            (Quantization::TrnZero, true) => self.run_fb_q::<1, true>(k, xs, gs, ys, gxs),
            (Quantization::Rnd, true) => self.run_fb_q::<2, true>(k, xs, gs, ys, gxs),
            (Quantization::RndZero, true) => self.run_fb_q::<3, true>(k, xs, gs, ys, gxs),
            (Quantization::RndMinInf, true) => self.run_fb_q::<4, true>(k, xs, gs, ys, gxs),
            (Quantization::RndInf, true) => self.run_fb_q::<5, true>(k, xs, gs, ys, gxs),
            (Quantization::RndConv, true) => self.run_fb_q::<6, true>(k, xs, gs, ys, gxs),
            (Quantization::RndConvOdd, true) => self.run_fb_q::<7, true>(k, xs, gs, ys, gxs),
        }
    }

    fn run_fb_q<const Q: u8, const Z: bool>(
        &self,
        k: &Kern,
        xs: &[f32],
        gs: &[f32],
        mut ys: Option<&mut [f32]>,
        gxs: &mut [f32],
    ) -> f64 {
        let mut acc = 0.0f64;
        let mut buf = [0.0f32; 64];
        for (c, ((xc, gc), gxc)) in xs
            .chunks(64)
            .zip(gs.chunks(64))
            .zip(gxs.chunks_mut(64))
            .enumerate()
        {
            let yc = match ys.as_deref_mut() {
                Some(y) => &mut y[c * 64..c * 64 + xc.len()],
                None => &mut buf[..xc.len()],
            };
            let before = acc;
            if self.chunk_fb::<Q, Z>(xc, gc, yc, gxc, &mut acc) {
                acc = before;
                for (((yo, gxo), &x), &g) in yc.iter_mut().zip(gxc.iter_mut()).zip(xc).zip(gc) {
                    let (y, gx, d) = scalar_fb(k, x, g);
                    *yo = y;
                    *gxo = gx;
                    acc += d;
                }
            }
        }
        acc
    }

    /// [`run`](Self::run) in place.
    fn run_in_place(&self, k: &Kern, xs: &mut [f32]) {
        let mut buf = [0.0f32; 64];
        for c in xs.chunks_mut(64) {
            let b = &mut buf[..c.len()];
            b.copy_from_slice(c);
            self.run(k, b, c);
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
        for (g, &l) in frac.iter().enumerate() {
            let k = self.kern(l)?;
            let (start, step, n) = span(self.p.layout, g, len);
            if step == 1 {
                let (xs, ys) = (&x[start..start + n], &mut y[start..start + n]);
                if let Some(fk) = FloatKern::new(&k) {
                    fk.run(&k, xs, ys);
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
        for (g, &l) in frac.iter().enumerate() {
            let k = self.kern(l)?;
            let (start, step, n) = span(self.p.layout, g, len);
            if let (1, Some(fk)) = (step, FloatKern::new(&k)) {
                fk.run_in_place(&k, &mut x[start..start + n]);
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
        for (g, &l) in frac.iter().enumerate() {
            let k = self.kern(l)?;
            let (start, step, n) = span(self.p.layout, g, len);
            let fk = if step == 1 { FloatKern::new(&k) } else { None };
            let acc = if let Some(fk) = fk {
                let r = start..start + n;
                let ys = y.as_deref_mut().map(|y| &mut y[r.clone()]);
                fk.run_fb(&k, &x[r.clone()], &grad_y[r.clone()], ys, &mut grad_x[r])
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
        // signedness, W and F at its bounds.
        let mut m = 0;
        for o in [
            OverflowMode::Sat,
            OverflowMode::SatZero,
            OverflowMode::SatSym,
        ] {
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
                            })
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
                            if !(a >= TINY || a == 0.0) || !x.is_finite() {
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
        assert!(m > 100_000, "{m}");
        let p = QfxParams {
            overflow: OverflowMode::WrapSm,
            ..QfxParams::ap_fixed(6, Layout::PerTensor)
        };
        assert!(!Kern::new(Qfx::new(p).unwrap().format(2.0).unwrap()).fast);
    }
}
