//! Interval bound propagation (IBP) through dense layers, and the range analysis that
//! sizes `ap_fixed` accumulators.
//!
//! A dense layer computes `y = W·x + b` (W row-major, `outputs × inputs`). Given a box
//! of inputs (one [`Interval`] per input), IBP returns a box that contains every output:
//!
//! - [`dense`] (sound, point weights) in **endpoint form** — each output bound is a
//!   weighted sum of the input bounds picked by the weights' signs, accumulated left to
//!   right with every product and sum rounded outward — or **centre-radius form** —
//!   `W·mid ± |W|·rad`, also outward-rounded. The endpoint form is never wider, and it
//!   contains more than the exact outputs: by monotonicity of rounding, it also contains
//!   the outputs of the same layer evaluated in the format with round-to-nearest in the
//!   same order, which is what the deployed network computes.
//! - [`dense_interval`] (sound, interval weights): interval arithmetic throughout.
//! - [`dense_fast`]: the same forms in plain round-to-nearest `f32`/`f64` arithmetic,
//!   without the guarantee (a bound may miss the true one by a few units in the last place).
//!
//! Activations: [`relu`], and [`monotone`] for any nondecreasing function given with its
//! directed roundings. [`accumulator_range`] computes the exact range of each
//! accumulator, [`int_bits`] the fewest `ap_fixed` integer bits that hold it and
//! [`AccRange::accumulator_format`] the accumulator type itself.
//!
//! Every function works for every [`Scalar`], fixed point included: with `Fx<F>` or
//! [`FixedFormat`] intervals the sums and products are those of the fixed-point type,
//! rounded outward to its quantum (a bound beyond the type's range is ±∞).
//!
//! ```
//! use lowprec::interval::{Interval, ibp};
//! let w = [1.0f32, -2.0, 0.5, 0.25];      // 2 × 2
//! let b = [0.0f32, 1.0];
//! let x = [Interval::new(-1.0f32, 1.0), Interval::new(0.0, 2.0)];
//! let mut y = [Interval::<f32>::empty(); 2];
//! ibp::dense(&w, &b, &x, &mut y, ibp::Form::Endpoint)?;
//! assert_eq!(y[0], Interval::new(-5.0, 1.0));
//! assert_eq!(y[1], Interval::new(0.5, 2.0));
//! ibp::relu(&mut y);
//! assert_eq!(y[0], Interval::new(0.0, 1.0));
//! # Ok::<(), lowprec::interval::ibp::IbpError>(())
//! ```

use core::cmp::Ordering;
use core::fmt;
use core::ops::{Add, Mul, Sub};

use super::Interval;
use super::scalar::{Dir, Scalar};
use crate::FloatFormat;
use crate::fixed::{Family, FixedFormat, FixedFormatError, FixedParams, OverflowMode};
use crate::float::Exact;
use crate::float::pow2;
use crate::rounding::{NoRandom, Overflow, Round, Rounding};

/// How a dense layer's bounds are formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// Weighted sums of the input bounds chosen by each weight's sign (tightest).
    Endpoint,
    /// `W·mid ± |W|·rad` (the form GPU implementations use).
    MidRad,
}

/// Shape errors of the IBP functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IbpError {
    /// `weights.len() != outputs × inputs`, or another slice has the wrong length.
    Shape {
        /// The length expected.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The range is unbounded (or negative for an unsigned accumulator): no fixed-point
    /// type holds it.
    Unbounded,
    /// The accumulator type would need W = I + F outside 1..=64 (or an I beyond the limit).
    Format(FixedFormatError),
}

impl fmt::Display for IbpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IbpError::Shape { expected, got } => {
                write!(f, "slice length {got}, expected {expected}")
            }
            IbpError::Unbounded => {
                f.write_str("the accumulator range is unbounded (or negative for an unsigned type)")
            }
            IbpError::Format(e) => write!(f, "no accumulator type: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for IbpError {}

fn check(expected: usize, got: usize) -> Result<(), IbpError> {
    if expected == got {
        Ok(())
    } else {
        Err(IbpError::Shape { expected, got })
    }
}

/// Checks `w.len() = y.len() · x.len()` and `b.len() = y.len()`.
fn shape(w: usize, b: usize, x: usize, y: usize) -> Result<(), IbpError> {
    check(y, b)?;
    check(x.saturating_mul(y), w)
}

/// Sound IBP through a dense layer with point weights: `y ⊇ {W·x + b : x ∈ box}`.
///
/// `w` is row-major (`y.len() × x.len()`), `b` has one bias per output. A NaN weight or
/// bias makes its output the whole line. Every rounding is outward, so the result holds
/// the exact outputs; in [`Form::Endpoint`] it also holds the outputs computed in the
/// format with round-to-nearest, summing left to right from the bias.
///
/// ```
/// use lowprec::interval::{Interval, ibp};
/// let w = [0.1f64, 0.2];
/// let x = [Interval::point(1.0), Interval::point(1.0)];
/// let mut y = [Interval::<f64>::empty()];
/// ibp::dense(&w, &[0.0], &x, &mut y, ibp::Form::Endpoint)?;
/// // 0.1 + 0.2 rounds to 0.30000000000000004; the bounds bracket the exact sum.
/// assert!(y[0].inf() <= 0.30000000000000004 && y[0].sup() >= 0.30000000000000004);
/// assert!(y[0].inf() < y[0].sup());
/// # Ok::<(), lowprec::interval::ibp::IbpError>(())
/// ```
pub fn dense<T: Scalar>(
    w: &[T::Value],
    b: &[T::Value],
    x: &[Interval<T>],
    y: &mut [Interval<T>],
    form: Form,
) -> Result<(), IbpError> {
    shape(w.len(), b.len(), x.len(), y.len())?;
    let Some(first) = x.first() else {
        for (yi, &bi) in y.iter_mut().zip(b) {
            *yi = point_or_entire(bi, Interval::entire_in(yi.format));
        }
        return Ok(());
    };
    let fm = first.format;
    let f = &fm;
    if x.iter().any(|xi| xi.is_empty()) {
        y.fill(Interval::empty_in(fm));
        return Ok(());
    }
    let n = x.len();
    let entire = Interval::entire_in(fm);
    match form {
        Form::Endpoint => {
            for (i, yi) in y.iter_mut().enumerate() {
                let Some(bias) = T::bound(f, b[i]) else {
                    *yi = entire;
                    continue;
                };
                let (mut lo, mut hi) = (bias, bias);
                let mut nan = false;
                for (&wij, xj) in w[i * n..(i + 1) * n].iter().zip(x) {
                    let Some(wb) = T::bound(f, wij) else {
                        nan = true;
                        break;
                    };
                    let xj = first.coerce(*xj);
                    // The bound products: w ≥ 0 takes [w·lo, w·hi], w < 0 [w·hi, w·lo];
                    // zero weights contribute exactly 0 (also against infinite inputs).
                    let (pl, ph) = match T::sign(f, wb) {
                        Ordering::Equal => continue,
                        Ordering::Greater => (
                            T::mul(f, wb, xj.lo, Dir::Down),
                            T::mul(f, wb, xj.hi, Dir::Up),
                        ),
                        Ordering::Less => (
                            T::mul(f, wb, xj.hi, Dir::Down),
                            T::mul(f, wb, xj.lo, Dir::Up),
                        ),
                    };
                    lo = T::add(f, lo, pl, Dir::Down);
                    hi = T::add(f, hi, ph, Dir::Up);
                }
                *yi = if nan {
                    entire
                } else {
                    Interval::raw(lo, hi, fm)
                };
            }
        }
        Form::MidRad => {
            for (i, yi) in y.iter_mut().enumerate() {
                let Some(bias) = T::bound(f, b[i]) else {
                    *yi = entire;
                    continue;
                };
                // Centre enclosure [cl, ch] of W·mid + b, and radius bound r ≥ |W|·rad.
                let (mut cl, mut ch, mut r) = (bias, bias, T::zero(f, Dir::Up));
                let mut nan = false;
                for (&wij, xj) in w[i * n..(i + 1) * n].iter().zip(x) {
                    let Some(wb) = T::bound(f, wij) else {
                        nan = true;
                        break;
                    };
                    if T::sign(f, wb) == Ordering::Equal {
                        continue;
                    }
                    let xj = first.coerce(*xj);
                    let (Some(m), Some(rad)) = (xj.mid(), xj.rad()) else {
                        continue;
                    };
                    // mid and rad satisfy [m − rad, m + rad] ⊇ xj (rad rounded up).
                    cl = T::add(f, cl, T::mul(f, wb, m, Dir::Down), Dir::Down);
                    ch = T::add(f, ch, T::mul(f, wb, m, Dir::Up), Dir::Up);
                    let aw = if T::sign(f, wb) == Ordering::Less {
                        T::neg(f, wb, Dir::Up)
                    } else {
                        wb
                    };
                    r = T::add(f, r, T::mul(f, aw, rad, Dir::Up), Dir::Up);
                }
                *yi = if nan {
                    entire
                } else {
                    Interval::raw(T::sub(f, cl, r, Dir::Down), T::add(f, ch, r, Dir::Up), fm)
                };
            }
        }
    }
    Ok(())
}

fn point_or_entire<T: Scalar>(v: T::Value, entire: Interval<T>) -> Interval<T> {
    let f = &entire.format;
    match T::bound(f, v) {
        Some(b) if T::is_finite(f, b) => Interval::raw(b, b, entire.format),
        _ => entire,
    }
}

/// Sound IBP with interval weights and biases (quantization uncertainty, weight
/// perturbations): interval arithmetic, `y_i = b_i + Σ_j w_ij·x_j` from left to right.
///
/// ```
/// use lowprec::interval::{Interval, ibp};
/// let w = [Interval::new(0.9f64, 1.1), Interval::new(-1.0, -0.5)];
/// let x = [Interval::<f64>::new(1.0, 2.0), Interval::new(0.0, 1.0)];
/// let mut y = [Interval::empty()];
/// ibp::dense_interval(&w, &[Interval::point(0.0)], &x, &mut y)?;
/// assert!(y[0].contains(1.0 * 1.5 - 0.75 * 0.5));
/// # Ok::<(), lowprec::interval::ibp::IbpError>(())
/// ```
pub fn dense_interval<T: Scalar>(
    w: &[Interval<T>],
    b: &[Interval<T>],
    x: &[Interval<T>],
    y: &mut [Interval<T>],
) -> Result<(), IbpError> {
    shape(w.len(), b.len(), x.len(), y.len())?;
    let n = x.len();
    for (i, yi) in y.iter_mut().enumerate() {
        let mut acc = b[i];
        for (wij, xj) in w[i * n..(i + 1) * n].iter().zip(x) {
            acc = acc + *wij * *xj;
        }
        *yi = acc;
    }
    Ok(())
}

/// ReLU on a box: `[max(lo, 0), max(hi, 0)]`.
///
/// ```
/// use lowprec::interval::{Interval, ibp};
/// let mut y = [Interval::<f64>::new(-2.0, 3.0), Interval::new(-2.0, -1.0)];
/// ibp::relu(&mut y);
/// assert_eq!(y, [Interval::new(0.0, 3.0), Interval::point(0.0)]);
/// ```
pub fn relu<T: Scalar>(y: &mut [Interval<T>]) {
    for yi in y {
        if yi.is_empty() {
            continue;
        }
        let f = &yi.format;
        if T::sign(f, yi.lo) == Ordering::Less {
            yi.lo = T::zero(f, Dir::Down);
        }
        if T::sign(f, yi.hi) == Ordering::Less {
            yi.hi = T::zero(f, Dir::Up);
        }
    }
}

/// A nondecreasing activation on a box: `[g(lo, Down), g(hi, Up)]`, where `g(v, dir)`
/// must return f(v) rounded in `dir` (a lower bound of f(v) for `Down`, an upper bound
/// for `Up`) and handle ±∞ bounds.
///
/// ```
/// use lowprec::interval::{Dir, Interval, ibp};
/// // Hard sigmoid clamp(x/4 + 1/2, 0, 1): exact in binary64 for these inputs.
/// let hs = |v: f64, _: Dir| (v / 4.0 + 0.5).clamp(0.0, 1.0);
/// let mut y = [Interval::<f64>::new(-1.0, f64::INFINITY)];
/// ibp::monotone(&mut y, hs);
/// assert_eq!(y[0], Interval::new(0.25, 1.0));
/// ```
pub fn monotone<T: Scalar>(y: &mut [Interval<T>], g: impl Fn(T::Bound, Dir) -> T::Bound) {
    for yi in y {
        if yi.is_empty() {
            continue;
        }
        let (lo, hi) = (g(yi.lo, Dir::Down), g(yi.hi, Dir::Up));
        let f = &yi.format;
        *yi = if T::le(f, lo, hi) && lo != T::pos_inf(f) && hi != T::neg_inf(f) {
            Interval::raw(lo, hi, yi.format)
        } else {
            Interval::entire_in(yi.format)
        };
    }
}

/// The host float types of the fast mode.
pub trait HostFloat:
    Copy + PartialOrd + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self>
{
    /// 0.
    const ZERO: Self;
    /// ½.
    const HALF: Self;
    /// |x|.
    fn abs(self) -> Self;
}

impl HostFloat for f64 {
    const ZERO: f64 = 0.0;
    const HALF: f64 = 0.5;
    fn abs(self) -> f64 {
        if self < 0.0 { -self } else { self }
    }
}

impl HostFloat for f32 {
    const ZERO: f32 = 0.0;
    const HALF: f32 = 0.5;
    fn abs(self) -> f32 {
        if self < 0.0 { -self } else { self }
    }
}

/// Fast (unguaranteed) IBP in round-to-nearest host arithmetic, on bound slices:
/// `(lo, hi)` in, `(y_lo, y_hi)` out. Bounds may be off by a few units in the last place
/// in either direction; use [`dense`] where the enclosure must hold.
///
/// ```
/// use lowprec::interval::ibp;
/// let w = [1.0f32, -2.0];
/// let (mut ylo, mut yhi) = ([0.0f32], [0.0f32]);
/// ibp::dense_fast(&w, &[0.5], &[-1.0, 0.0], &[1.0, 2.0], &mut ylo, &mut yhi, ibp::Form::MidRad)?;
/// assert_eq!((ylo[0], yhi[0]), (-4.5, 1.5));
/// # Ok::<(), lowprec::interval::ibp::IbpError>(())
/// ```
pub fn dense_fast<F: HostFloat>(
    w: &[F],
    b: &[F],
    lo: &[F],
    hi: &[F],
    y_lo: &mut [F],
    y_hi: &mut [F],
    form: Form,
) -> Result<(), IbpError> {
    shape(w.len(), b.len(), lo.len(), y_lo.len())?;
    check(lo.len(), hi.len())?;
    check(y_lo.len(), y_hi.len())?;
    let n = lo.len();
    for (i, (yl, yh)) in y_lo.iter_mut().zip(y_hi.iter_mut()).enumerate() {
        let row = &w[i * n..(i + 1) * n];
        match form {
            Form::Endpoint => {
                let (mut l, mut h) = (b[i], b[i]);
                for ((&wij, &a), &c) in row.iter().zip(lo).zip(hi) {
                    let (p, q) = (wij * a, wij * c);
                    let pos = wij >= F::ZERO;
                    l = l + if pos { p } else { q };
                    h = h + if pos { q } else { p };
                }
                *yl = l;
                *yh = h;
            }
            Form::MidRad => {
                let (mut c, mut r) = (b[i], F::ZERO);
                for ((&wij, &a), &d) in row.iter().zip(lo).zip(hi) {
                    let m = (a + d) * F::HALF;
                    c = c + wij * m;
                    r = r + wij.abs() * ((d - a) * F::HALF);
                }
                *yl = c - r;
                *yh = c + r;
            }
        }
    }
    Ok(())
}

/// ReLU on bound slices (fast mode).
pub fn relu_fast<F: HostFloat>(lo: &mut [F], hi: &mut [F]) {
    for v in lo.iter_mut().chain(hi.iter_mut()) {
        if *v < F::ZERO {
            *v = F::ZERO;
        }
    }
}

// ----- range analysis ------------------------------------------------------------------

/// The exact range of one accumulator of a dense layer over an input box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AccRange {
    /// The smallest final value `b + Σ w·x`, rounded down to binary64.
    pub lo: f64,
    /// The largest final value, rounded up to binary64.
    pub hi: f64,
    /// A lower bound of every partial sum `b + Σ_{j<k} w_j·x_j` (k = 0…n), rounded
    /// outward: what a saturating accumulator that adds left to right must hold.
    pub prefix_lo: f64,
    /// An upper bound of every partial sum.
    pub prefix_hi: f64,
}

impl AccRange {
    /// The narrowest accumulator type like `template` — its family, signedness,
    /// fractional bits F and modes — that never overflows: the fewest integer bits I
    /// ([`int_bits`]) and W = I + F.
    ///
    /// A wrapping accumulator (`AP_WRAP` with N = 0) computes modulo 2^W, so its partial
    /// sums may overflow as long as the final value fits: it is sized by `[lo, hi]`.
    /// Every other overflow mode acts on each partial sum, which must then fit:
    /// `[prefix_lo, prefix_hi]`. `AP_SAT_SYM` gives up the most negative code. The range
    /// is that of exact accumulation (every product held exactly, as ap_fixed's
    /// full-precision product types do); an accumulator that rounds each product can
    /// stray up to one unit per term beyond it.
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// use lowprec::interval::ibp::AccRange;
    /// let r = AccRange { lo: -1.5, hi: 0.625, prefix_lo: -2.5, prefix_hi: 0.625 };
    /// let sat: FixedFormat = "ap_fixed<32,12,AP_TRN,AP_SAT>".parse()?;
    /// let wrap: FixedFormat = "ap_fixed<32,12>".parse()?;
    /// assert_eq!(r.accumulator_format(sat)?.to_string(), "ap_fixed<23,3,AP_TRN,AP_SAT>");
    /// assert_eq!(r.accumulator_format(wrap)?.to_string(), "ap_fixed<22,2>");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accumulator_format(&self, template: FixedFormat) -> Result<FixedFormat, IbpError> {
        let t = template;
        let modular = t.overflow() == OverflowMode::Wrap && t.sat_bits() == 0;
        let (lo, hi) = if modular {
            (self.lo, self.hi)
        } else {
            (self.prefix_lo, self.prefix_hi)
        };
        let (lo, hi) = if t.overflow() == OverflowMode::SatSym && t.is_signed() {
            // [−max, max]: the magnitude decides.
            let m = hi.max(-lo);
            (-m, m)
        } else {
            (lo, hi)
        };
        let f = t.frac_bits();
        let i = int_bits(lo, hi, t.is_signed(), f).ok_or(IbpError::Unbounded)?;
        // At least one bit (a range of only zero fits any I).
        let i = i.max(1 - f);
        let w = i64::from(i) + i64::from(f);
        let width = u32::try_from(w).map_err(|_| IbpError::Format(FixedFormatError::Width(w)))?;
        let r = match t.family() {
            Family::ApFixed => FixedFormat::new(FixedParams {
                width,
                int_bits: i,
                sat_bits: t.sat_bits().min(width),
                ..t.params()
            }),
            Family::AcFixed => FixedFormat::new(FixedParams {
                width,
                int_bits: i,
                ..t.params()
            }),
            Family::ApInt if t.is_signed() => FixedFormat::ap_int(width),
            Family::ApInt => FixedFormat::ap_uint(width),
        };
        r.map_err(IbpError::Format)
    }
}

/// The range of every accumulator `y_i = b_i + Σ_j w_ij·x_j` of a dense layer over the
/// box `x` (one [`AccRange`] per output into `out`).
///
/// The final range is exact: each extreme is the exact sum of the extreme products
/// (an exact Kulisch dot product), rounded once outward to binary64. `scratch` must hold
/// `2·(x.len() + 1)` codes (no allocation). Weights and input bounds must be finite and
/// binary64 values (every format of lowprec within binary64's range qualifies); otherwise
/// that output's range is unbounded.
///
/// ```
/// use lowprec::interval::{Interval, ibp};
/// let w = [0.5f64, -0.25, 1.0];
/// let x = [Interval::<f64>::new(-1.0, 1.0), Interval::new(0.0, 4.0), Interval::new(0.0, 0.125)];
/// let mut out = [ibp::AccRange { lo: 0.0, hi: 0.0, prefix_lo: 0.0, prefix_hi: 0.0 }];
/// let mut scratch = [0u64; 8];
/// ibp::accumulator_range(&w, &[0.0], &x, &mut out, &mut scratch)?;
/// assert_eq!((out[0].lo, out[0].hi), (-1.5, 0.625));
/// // ap_fixed<W, I> with 16 fractional bits: I = 2 holds [-2, 2 - 2^-16].
/// assert_eq!(ibp::int_bits(out[0].lo, out[0].hi, true, 16), Some(2));
/// # Ok::<(), lowprec::interval::ibp::IbpError>(())
/// ```
pub fn accumulator_range<T: Scalar>(
    w: &[T::Value],
    b: &[T::Value],
    x: &[Interval<T>],
    out: &mut [AccRange],
    scratch: &mut [u64],
) -> Result<(), IbpError> {
    shape(w.len(), b.len(), x.len(), out.len())?;
    let n = x.len();
    check(2 * (n + 1), scratch.len())?;
    let fp64 = FloatFormat::FP64;
    let (ws, xs) = scratch.split_at_mut(n + 1);
    let unbounded = AccRange {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
        prefix_lo: f64::NEG_INFINITY,
        prefix_hi: f64::INFINITY,
    };
    // Exactly representable binary64 code of an exact value, if it is one.
    let exact64 = |e: Exact| -> Option<u64> {
        if matches!(e, Exact::Inf { .. } | Exact::Nan { .. }) {
            return None;
        }
        let r = fp64.round(e, Round::NEAREST_EVEN, &mut NoRandom);
        r.status.is_ok().then_some(r.value)
    };
    let one = 1f64.to_bits();
    for (i, o) in out.iter_mut().enumerate() {
        let Some(f) = x.first().map(|x0| x0.format) else {
            *o = unbounded;
            continue;
        };
        let f = &f;
        let Some(bias) = T::bound(f, b[i]).and_then(|bb| exact64(T::to_exact(f, bb))) else {
            *o = unbounded;
            continue;
        };
        let row = &w[i * n..(i + 1) * n];
        let mut ok = true;
        let bound = |up: bool, ws: &mut [u64], xs: &mut [u64]| -> Option<f64> {
            ws[n] = one;
            xs[n] = bias;
            for (j, (&wij, xj)) in row.iter().zip(x).enumerate() {
                let wb = T::bound(f, wij)?;
                let we = exact64(T::to_exact(f, wb))?;
                let pos = T::sign(f, wb) != Ordering::Less;
                // The endpoint that makes w·x largest (up) or smallest.
                let e = if pos == up { xj.hi } else { xj.lo };
                ws[j] = we;
                xs[j] = exact64(T::to_exact(f, e))?;
            }
            let mode = if up {
                Rounding::TowardPositive
            } else {
                Rounding::TowardNegative
            };
            let r = fp64
                .dot_exact(
                    ws,
                    xs,
                    &fp64,
                    Round::new(mode, Overflow::Ieee),
                    &mut NoRandom,
                )
                .ok()?;
            Some(f64::from_bits(r.value))
        };
        let lo = bound(false, ws, xs).unwrap_or_else(|| {
            ok = false;
            f64::NEG_INFINITY
        });
        let hi = bound(true, ws, xs).unwrap_or_else(|| {
            ok = false;
            f64::INFINITY
        });
        if !ok || x.iter().any(|xj| xj.is_empty()) {
            *o = unbounded;
            continue;
        }
        // Partial sums, outward-rounded running sums (in the order of accumulation).
        let b64 = f64::from_bits(bias);
        let (mut pl, mut ph) = (b64, b64);
        let (mut min, mut max) = (b64, b64);
        for (j, xj) in x.iter().enumerate() {
            let wj = f64::from_bits(ws[j]);
            let (lo_j, hi_j) = xj.to_f64_pair();
            let d = Dir::Down;
            let u = Dir::Up;
            let (tl, th) = if wj >= 0.0 {
                (
                    <f64 as Scalar>::mul(&(), wj, lo_j, d),
                    <f64 as Scalar>::mul(&(), wj, hi_j, u),
                )
            } else {
                (
                    <f64 as Scalar>::mul(&(), wj, hi_j, d),
                    <f64 as Scalar>::mul(&(), wj, lo_j, u),
                )
            };
            let (tl, th) = if wj == 0.0 { (0.0, 0.0) } else { (tl, th) };
            pl = <f64 as Scalar>::add(&(), pl, tl, d);
            ph = <f64 as Scalar>::add(&(), ph, th, u);
            min = min.min(pl);
            max = max.max(ph);
        }
        *o = AccRange {
            lo,
            hi,
            prefix_lo: min.min(lo),
            prefix_hi: max.max(hi),
        };
    }
    Ok(())
}

/// The fewest integer bits `I` of `ap_fixed<W, I>` (`signed`) or `ap_ufixed<W, I>` with
/// `frac_bits = W − I` fractional bits whose range holds `[lo, hi]`:
/// signed `[−2^(I−1), 2^(I−1) − 2^−F]`, unsigned `[0, 2^I − 2^−F]`. `None` when no I
/// does (unbounded or NaN bounds, or a negative `lo` for unsigned). Exact whenever
/// `I + frac_bits ≤ 54` (the thresholds are then binary64 values), else one bit
/// conservative at worst. I may be negative (values far below 1).
///
/// ```
/// use lowprec::interval::ibp::int_bits;
/// assert_eq!(int_bits(-8.0, 7.5, true, 1), Some(4));   // ap_fixed<5,4>: [-8, 7.5]
/// assert_eq!(int_bits(-8.0, 7.75, true, 1), Some(5));
/// assert_eq!(int_bits(0.0, 255.0, false, 0), Some(8)); // ap_ufixed<8,8>
/// assert_eq!(int_bits(-1.0, 1.0, false, 8), None);
/// ```
pub fn int_bits(lo: f64, hi: f64, signed: bool, frac_bits: i32) -> Option<i32> {
    if !(lo.is_finite() && hi.is_finite()) || lo > hi || (!signed && lo < 0.0) {
        return None;
    }
    let ulp = pow2(-frac_bits);
    // Start from a bound on the answer and walk down while the range still fits.
    let fits = |i: i32| -> bool {
        let top = pow2(i - i32::from(signed));
        // 2^(I−s) − 2^−F rounded down (exact when I − s + F ≤ 53).
        let max = <f64 as Scalar>::sub(&(), top, ulp, Dir::Down);
        let min = if signed { -top } else { 0.0 };
        lo >= min && hi <= max
    };
    let mag = lo.abs().max(hi.abs()).max(ulp);
    // Beyond 2^(I−1) ≥ 2·mag everything fits: start there.
    let mut i = (ilog2(mag) + 2 + i32::from(signed)).clamp(-1100, 1100);
    if !fits(i) {
        return None;
    }
    while i > -1100 && fits(i - 1) {
        i -= 1;
    }
    Some(i)
}

/// ⌊log₂ x⌋ for finite x > 0.
fn ilog2(x: f64) -> i32 {
    let b = x.to_bits();
    let e = ((b >> 52) & 0x7FF) as i32;
    if e == 0 {
        // Subnormal: the leading bit of the fraction.
        -1074 + (63 - (b & ((1u64 << 52) - 1)).leading_zeros() as i32)
    } else {
        e - 1023
    }
}
