//! LSQ, learned step size quantization (Esser et al., ICLR 2020): [`Lsq`] holds the formulas.

use super::{Layout, QatError, check_len};
use crate::float::FloatFormat;

/// Round to nearest, ties to even, keeping the sign of a zero result (as
/// `f64::round_ties_even`, which needs `std`).
#[inline]
pub(super) fn round_even(x: f64) -> f64 {
    const BIG: f64 = 4_503_599_627_370_496.0; // 2^52: from here on every f64 is an integer
    if !(x > -BIG && x < BIG) {
        x // NaN, ±∞ and integers
    } else if !x.is_sign_negative() {
        (x + BIG) - BIG
    } else {
        // A negative x (−0 included) rounds to a negative integer or to 0, which gets x's sign.
        f64::from_bits(((x - BIG) + BIG).to_bits() | (1 << 63))
    }
}

/// The element indices of group `c` of a checked layout over `len` elements.
#[inline]
pub(super) fn members(
    layout: &Layout,
    c: usize,
    len: usize,
) -> core::iter::StepBy<core::ops::Range<usize>> {
    match *layout {
        Layout::PerTensor => (0..len).step_by(1),
        Layout::ChannelMajor { channels } => {
            let n = len / channels;
            (c * n..(c + 1) * n).step_by(1)
        }
        Layout::ChannelLast { channels } => (c..len).step_by(channels),
    }
}

/// 1/√(n·q) in `f64` (√ correctly rounded, no_std), 0 when n·q = 0.
pub(super) fn inv_sqrt(n: usize, q: f64) -> f64 {
    let p = n as f64 * q;
    if p > 0.0 {
        1.0 / f64::from_bits(FloatFormat::FP64.sqrt(p.to_bits()))
    } else {
        0.0
    }
}

/// Checks that every parameter is finite and positive.
pub(super) fn check_positive(p: &[f32], what: &'static str) -> Result<(), QatError> {
    if p.iter().all(|s| s.is_finite() && *s > 0.0) {
        Ok(())
    } else {
        Err(QatError::Param(what))
    }
}

/// An LSQ quantizer: bit width, signedness, layout of the step sizes and the gradient
/// scale switch: LSQ (Esser et al., ICLR 2020), as a baseline.
///
/// With a step size s per group (a [`Layout`]) and Q_N, Q_P from the bit width b
/// (signed: Q_N = 2^(b−1), Q_P = 2^(b−1) − 1; unsigned: Q_N = 0, Q_P = 2^b − 1):
///
/// | region (r = v/s) | v̂ | ∂v̂/∂v | ∂v̂/∂s |
/// |---|---|---|---|
/// | −Q_N < r < Q_P | ⌊r⌉·s | 1 | ⌊r⌉ − r |
/// | r ≤ −Q_N | −Q_N·s | 0 | −Q_N |
/// | r ≥ Q_P | Q_P·s | 0 | Q_P |
/// | v NaN | Q_P·s (sign bit clear) or −Q_N·s (set) | 0 | 0 |
///
/// ⌊·⌉ rounds to nearest, **ties to even**. A zero result is +0, as the zero code of a
/// fixed-point format reads. The boundaries belong to the clipped regions,
/// as in the paper's equation for ∂v̂/∂s (both formulas agree there for v̂). A NaN is read
/// as the ap_fixed cast reads it, a huge number of its sign (so it saturates), with zero
/// gradients; ±∞ are ordinary clipped values. ∂L/∂s is the sum over the group of
/// ∂L/∂v̂·∂v̂/∂s, times the gradient scale 1/√(N·Q_P) (N = the group's element count)
/// when it is enabled (the default, as the paper recommends).
///
/// Arithmetic: v/s is one `f64` division of two `f32`s, which never lands on or crosses
/// a rounding tie or a clipping bound it does not lie on exactly (their relative distance
/// from v/s is at least 2^−49 when nonzero), so ⌊r⌉ and the region are those of the exact
/// v/s; ⌊r⌉·s is exact in `f64` and rounded once to `f32`. The sums of ∂L/∂s are
/// accumulated in `f64` and rounded once.
///
/// ```
/// use lowprec::qat::{Layout, Lsq};
/// let q = Lsq::new(4, true, Layout::PerTensor)?; // Q_N = 8, Q_P = 7
/// let v = [0.3f32, -2.0, 1.25, 0.375];
/// let mut y = [0.0f32; 4];
/// q.forward(&v, &[0.25], &mut y)?;
/// assert_eq!(y, [0.25, -2.0, 1.25, 0.5]); // 0.375/0.25 = 1.5: ties to even, 2
/// let (mut gv, mut gs) = ([0.0f32; 4], [0.0f32; 1]);
/// q.backward(&v, &[0.25], &[1.0; 4], &mut gv, &mut gs)?;
/// assert_eq!(gv, [1.0, 0.0, 1.0, 1.0]); // -2.0/0.25 = -8 = -Q_N: clipped
/// // (1 - 1.2) + (-8) + 0 + (2 - 1.5), scaled by 1/sqrt(4 * 7)
/// assert!((gs[0] as f64 - (-7.7 / 28f64.sqrt())).abs() < 1e-6);
/// # Ok::<(), lowprec::qat::QatError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lsq {
    bits: u32,
    signed: bool,
    layout: Layout,
    grad_scale: bool,
}

/// Where v/s lies.
enum Region {
    Inside { q: f64, r: f64 },
    Below,
    Above,
    Nan { negative: bool },
}

impl Lsq {
    /// An LSQ quantizer of `bits` bits (unsigned: 1..=24, signed: 2..=24, so that
    /// Q_P ≥ 1 and every level is an exact `f32` integer), gradient scale enabled.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Lsq};
    /// assert!(Lsq::new(1, true, Layout::PerTensor).is_err());
    /// assert_eq!(Lsq::new(8, false, Layout::PerTensor)?.q_p(), 255);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn new(bits: u32, signed: bool, layout: Layout) -> Result<Lsq, QatError> {
        if bits > 24 || bits < 1 + signed as u32 {
            return Err(QatError::Param(
                "LSQ bits must be 1..=24 (unsigned) or 2..=24 (signed)",
            ));
        }
        Ok(Lsq {
            bits,
            signed,
            layout,
            grad_scale: true,
        })
    }

    /// The same quantizer with the gradient scale 1/√(N·Q_P) on ∂L/∂s on or off.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Lsq};
    /// let q = Lsq::new(8, true, Layout::PerTensor)?.with_grad_scale(false);
    /// assert!(!q.grad_scale());
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn with_grad_scale(self, on: bool) -> Lsq {
        Lsq {
            grad_scale: on,
            ..self
        }
    }

    /// Whether the gradient scale is applied.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Lsq};
    /// assert!(Lsq::new(8, true, Layout::PerTensor)?.grad_scale());
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn grad_scale(&self) -> bool {
        self.grad_scale
    }

    /// The layout of the step sizes.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Lsq};
    /// let l = Layout::ChannelLast { channels: 3 };
    /// assert_eq!(Lsq::new(8, true, l)?.layout(), l);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn layout(&self) -> Layout {
        self.layout
    }

    /// Q_N: 2^(b−1) signed, 0 unsigned.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Lsq};
    /// assert_eq!(Lsq::new(4, true, Layout::PerTensor)?.q_n(), 8);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn q_n(&self) -> u32 {
        if self.signed { 1 << (self.bits - 1) } else { 0 }
    }

    /// Q_P: 2^(b−1) − 1 signed, 2^b − 1 unsigned.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Lsq};
    /// assert_eq!(Lsq::new(4, true, Layout::PerTensor)?.q_p(), 7);
    /// assert_eq!(Lsq::new(4, false, Layout::PerTensor)?.q_p(), 15);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn q_p(&self) -> u32 {
        if self.signed {
            (1 << (self.bits - 1)) - 1
        } else {
            (1 << self.bits) - 1
        }
    }

    fn region(&self, v: f32, s: f32) -> Region {
        if v.is_nan() {
            return Region::Nan {
                negative: v.is_sign_negative(),
            };
        }
        let r = f64::from(v) / f64::from(s);
        if r <= -f64::from(self.q_n()) {
            Region::Below
        } else if r >= f64::from(self.q_p()) {
            Region::Above
        } else {
            Region::Inside {
                q: round_even(r),
                r,
            }
        }
    }

    fn check(&self, len: usize, s: &[f32]) -> Result<(), QatError> {
        self.layout.check(len, s.len())?;
        check_positive(s, "LSQ step sizes must be finite and positive")
    }

    /// v̂ = ⌊clip(v/s, −Q_N, Q_P)⌉·s into `out`, s taken per group of the layout.
    ///
    /// Errors (nothing is written): a layout that does not fit `v.len()` or a step count
    /// other than its group count, `out` of another length, a step size that is not
    /// finite and positive.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Lsq};
    /// let q = Lsq::new(2, false, Layout::ChannelMajor { channels: 2 })?; // levels 0..=3
    /// let mut y = [0.0f32; 4];
    /// q.forward(&[0.4, 9.0, 0.4, 9.0], &[0.5, 2.0], &mut y)?;
    /// assert_eq!(y, [0.5, 1.5, 0.0, 6.0]);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn forward(&self, v: &[f32], s: &[f32], out: &mut [f32]) -> Result<(), QatError> {
        self.check(v.len(), s)?;
        check_len("out", v.len(), out.len())?;
        let (qn, qp) = (f64::from(self.q_n()), f64::from(self.q_p()));
        let len = v.len();
        for (i, (vi, o)) in v.iter().zip(out.iter_mut()).enumerate() {
            let si = s[self.layout.group(i, len)];
            let q = match self.region(*vi, si) {
                Region::Inside { q, .. } => q,
                Region::Below | Region::Nan { negative: true } => -qn,
                Region::Above | Region::Nan { negative: false } => qp,
            };
            // + 0.0 turns a −0 (from −Q_N = −0 or a small negative v) into +0.
            *o = (q * f64::from(si)) as f32 + 0.0;
        }
        Ok(())
    }

    /// The gradients: `grad_v[i]` = ∂L/∂v̂ᵢ·∂v̂ᵢ/∂vᵢ and `grad_s[c]` = Σ over group c of
    /// ∂L/∂v̂ᵢ·∂v̂ᵢ/∂s (times 1/√(N·Q_P) when the scale is on), both overwritten.
    ///
    /// Errors (nothing is written): as [`forward`](Self::forward), and `grad_out`,
    /// `grad_v` not of `v`'s length or `grad_s` not of `s`'s.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Lsq};
    /// let q = Lsq::new(2, false, Layout::ChannelLast { channels: 2 })?.with_grad_scale(false);
    /// let (mut gv, mut gs) = ([0.0f32; 4], [0.0f32; 2]);
    /// // channel 0 holds v[0], v[2] (s = 0.5), channel 1 holds v[1], v[3] (s = 2)
    /// // v/s = 0.75, 4.5, 1, −1: inside, above (Q_P = 3), inside, below (Q_N = 0)
    /// q.backward(&[0.375, 9.0, 0.5, -2.0], &[0.5, 2.0], &[1.0; 4], &mut gv, &mut gs)?;
    /// assert_eq!(gv, [1.0, 0.0, 1.0, 0.0]);
    /// assert_eq!(gs, [(1.0 - 0.75) + 0.0, 3.0 + 0.0]);
    /// assert!(q.backward(&[0.0; 4], &[0.5; 4], &[1.0; 4], &mut gv, &mut gs).is_err());
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn backward(
        &self,
        v: &[f32],
        s: &[f32],
        grad_out: &[f32],
        grad_v: &mut [f32],
        grad_s: &mut [f32],
    ) -> Result<(), QatError> {
        self.check(v.len(), s)?;
        check_len("grad_out", v.len(), grad_out.len())?;
        check_len("grad_v", v.len(), grad_v.len())?;
        check_len("grad_s", s.len(), grad_s.len())?;
        let (qn, qp) = (f64::from(self.q_n()), f64::from(self.q_p()));
        let len = v.len();
        let groups = self.layout.groups();
        let scale = if self.grad_scale {
            inv_sqrt(len / groups, qp)
        } else {
            1.0
        };
        for (i, ((vi, g), gv)) in v.iter().zip(grad_out).zip(grad_v.iter_mut()).enumerate() {
            let si = s[self.layout.group(i, len)];
            *gv = match self.region(*vi, si) {
                Region::Inside { .. } => *g,
                _ => 0.0,
            };
        }
        for (c, (sc, gs)) in s.iter().zip(grad_s.iter_mut()).enumerate() {
            let mut acc = 0.0f64;
            for i in members(&self.layout, c, len) {
                let d = match self.region(v[i], *sc) {
                    Region::Inside { q, r } => q - r,
                    Region::Below => -qn,
                    Region::Above => qp,
                    Region::Nan { .. } => 0.0,
                };
                acc += f64::from(grad_out[i]) * d;
            }
            *gs = if len == 0 { 0.0 } else { (acc * scale) as f32 };
        }
        Ok(())
    }
}
