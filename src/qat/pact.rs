//! PACT, parameterized clipping activation (Choi et al. 2018): [`Pact`] holds the formulas.

use super::lsq::{check_positive, members, round_even};
use super::{Layout, QatError, check_len};

/// A PACT quantizer: bit width and the layout of the clipping levels α (Choi et al.
/// 2018), as a baseline.
///
/// With a clipping level α > 0 per group (a [`Layout`]) and k bits, n = 2^k − 1:
///
/// y = clip(x, 0, α), y_q = ⌊y·n/α⌉·α/n (⌊·⌉: nearest, **ties to even**),
///
/// | x | ∂y_q/∂x | ∂y_q/∂α |
/// |---|---|---|
/// | 0 ≤ x < α | 1 (straight through the rounding) | 0 |
/// | x ≥ α (+∞ included) | 0 | 1 |
/// | x < 0 (−∞ included) | 0 | 0 |
/// | NaN | 0 | 0 |
///
/// ∂L/∂α is summed over each group. As in the paper, the straight-through estimator also
/// covers α: the quantization's own dependence on α (y_q moves with α/n for 0 < x < α)
/// is not included. A NaN is read as the ap_fixed cast reads it, a huge number of its
/// sign: y_q = α when its sign bit is clear, 0 when set; its gradients are 0. Every
/// x ≤ 0 (−0 included) gives +0.
///
/// Arithmetic: y·n is exact in `f64` and one division by α cannot land on or cross a
/// rounding tie (relative distance at least 2^−48 when nonzero), so ⌊y·n/α⌉ is that of
/// the exact quotient; ⌊·⌉·α is exact and the division by n, rounded to `f64` and then to
/// `f32`, is the correctly rounded `f32` of the exact α·⌊·⌉/n (the quotient stays at
/// least 2^−49 relatively away from any `f32` rounding boundary it is not on). Sums of
/// ∂L/∂α are accumulated in `f64` and rounded once.
///
/// ```
/// use lowprec::qat::{Layout, Pact};
/// let p = Pact::new(2, Layout::PerTensor)?; // levels 0, α/3, 2α/3, α
/// let x = [-1.0f32, 0.5, 1.0, 4.0];
/// let mut y = [0.0f32; 4];
/// p.forward(&x, &[3.0], &mut y)?;
/// assert_eq!(y, [0.0, 0.0, 1.0, 3.0]); // 0.5·3/3 = 0.5 is a tie: to even, 0
/// let (mut gx, mut ga) = ([0.0f32; 4], [0.0f32; 1]);
/// p.backward(&x, &[3.0], &[1.0, 2.0, 3.0, 4.0], &mut gx, &mut ga)?;
/// assert_eq!((gx, ga), ([0.0, 2.0, 3.0, 0.0], [4.0]));
/// # Ok::<(), lowprec::qat::QatError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pact {
    bits: u32,
    layout: Layout,
}

impl Pact {
    /// A PACT quantizer of `bits` bits (1..=24) with α per group of `layout`.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Pact};
    /// assert!(Pact::new(0, Layout::PerTensor).is_err());
    /// assert_eq!(Pact::new(4, Layout::PerTensor)?.levels(), 15);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn new(bits: u32, layout: Layout) -> Result<Pact, QatError> {
        if bits < 1 || bits > 24 {
            return Err(QatError::Param("PACT bits must be 1..=24"));
        }
        Ok(Pact { bits, layout })
    }

    /// n = 2^k − 1, the number of steps between 0 and α.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Pact};
    /// assert_eq!(Pact::new(8, Layout::PerTensor)?.levels(), 255);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn levels(&self) -> u32 {
        (1 << self.bits) - 1
    }

    /// The layout of the clipping levels.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Pact};
    /// let l = Layout::ChannelMajor { channels: 2 };
    /// assert_eq!(Pact::new(8, l)?.layout(), l);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn layout(&self) -> Layout {
        self.layout
    }

    fn check(&self, len: usize, alpha: &[f32]) -> Result<(), QatError> {
        self.layout.check(len, alpha.len())?;
        check_positive(alpha, "PACT clipping levels must be finite and positive")
    }

    /// y_q = ⌊clip(x, 0, α)·n/α⌉·α/n into `y`, α taken per group of the layout.
    ///
    /// Errors (nothing is written): a layout that does not fit `x.len()` or an α count
    /// other than its group count, `y` of another length, an α that is not finite and
    /// positive.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Pact};
    /// let p = Pact::new(1, Layout::ChannelLast { channels: 2 })?; // levels 0 and α
    /// let mut y = [0.0f32; 4];
    /// p.forward(&[0.6, 0.6, f32::NAN, -f32::NAN], &[1.0, 2.0], &mut y)?;
    /// assert_eq!(y, [1.0, 0.0, 1.0, 0.0]); // 0.6 > α/2 = 0.5 but < 1; NaN: by its sign
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn forward(&self, x: &[f32], alpha: &[f32], y: &mut [f32]) -> Result<(), QatError> {
        self.check(x.len(), alpha)?;
        check_len("y", x.len(), y.len())?;
        let n = f64::from(self.levels());
        let len = x.len();
        for (i, (xi, yi)) in x.iter().zip(y.iter_mut()).enumerate() {
            let a = f64::from(alpha[self.layout.group(i, len)]);
            let c = if xi.is_nan() {
                if xi.is_sign_negative() { 0.0 } else { a }
            } else if *xi > 0.0 {
                f64::from(*xi).min(a)
            } else {
                0.0 // x ≤ 0, −0 included: +0
            };
            let q = round_even(c * n / a);
            *yi = (q * a / n) as f32;
        }
        Ok(())
    }

    /// The gradients: `grad_x[i]` = ∂L/∂yᵢ·[0 ≤ xᵢ < α] and `grad_alpha[c]` = Σ over
    /// group c of ∂L/∂yᵢ·[xᵢ ≥ α], both overwritten.
    ///
    /// Errors (nothing is written): as [`forward`](Self::forward), and `grad_y`, `grad_x`
    /// not of `x`'s length or `grad_alpha` not of `alpha`'s.
    ///
    /// ```
    /// use lowprec::qat::{Layout, Pact};
    /// let p = Pact::new(4, Layout::ChannelMajor { channels: 2 })?;
    /// let (mut gx, mut ga) = ([0.0f32; 4], [0.0f32; 2]);
    /// let x = [0.0, 1.0, 2.0, f32::INFINITY]; // channel 0: x[0], x[1]; channel 1: x[2], x[3]
    /// p.backward(&x, &[1.0, 2.0], &[1.0, 2.0, 3.0, 4.0], &mut gx, &mut ga)?;
    /// assert_eq!((gx, ga), ([1.0, 0.0, 0.0, 0.0], [2.0, 7.0]));
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn backward(
        &self,
        x: &[f32],
        alpha: &[f32],
        grad_y: &[f32],
        grad_x: &mut [f32],
        grad_alpha: &mut [f32],
    ) -> Result<(), QatError> {
        self.check(x.len(), alpha)?;
        check_len("grad_y", x.len(), grad_y.len())?;
        check_len("grad_x", x.len(), grad_x.len())?;
        check_len("grad_alpha", alpha.len(), grad_alpha.len())?;
        let len = x.len();
        for (i, ((xi, g), gx)) in x.iter().zip(grad_y).zip(grad_x.iter_mut()).enumerate() {
            let a = alpha[self.layout.group(i, len)];
            // NaN compares false both ways: 0.
            *gx = if *xi >= 0.0 && *xi < a { *g } else { 0.0 };
        }
        for (c, (a, ga)) in alpha.iter().zip(grad_alpha.iter_mut()).enumerate() {
            let mut acc = 0.0f64;
            for i in members(&self.layout, c, len) {
                if x[i] >= *a {
                    acc += f64::from(grad_y[i]);
                }
            }
            *ga = acc as f32;
        }
        Ok(())
    }
}
