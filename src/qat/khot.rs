//! K-hot (multiplier-free) projection of fixed-point values and its shift-add form: the
//! overview is on [`KHot`].

use super::{QatError, check_len};
use crate::fixed::cast::Quantized;
use crate::fixed::{FixedFormat, OverflowMode};
use crate::float::Exact;

/// Which K-hot set a projection uses: the K-hot projection and its shift-add form.
///
/// A raw integer is *K-hot* when it is a sum of at most K signed powers of two:
///
/// - [`KHot::Binary`]: its magnitude has at most K one-bits (the product w·x is then at
///   most K shifted copies of x, all added or all subtracted);
/// - [`KHot::Csd`]: its canonical signed-digit (CSD, non-adjacent) form has at most K
///   nonzero digits (the product is at most K shifted copies of x, each added or
///   subtracted). The CSD form has the fewest nonzero digits of all signed-digit forms,
///   so this is exactly "a sum of at most K terms ±2^e".
///
/// [`project_raw`] maps a raw integer of a [`FixedFormat`] to the nearest K-hot raw
/// integer of the same format (exactly; **ties go to the smaller magnitude**, i.e. toward
/// zero, so the rule is symmetric in the sign). [`khot_project`](super::khot_project) does it
/// on `f32` slices:
/// the ap_fixed cast of each element into the format ([`FixedFormat::from_f32`]), the
/// projection of its raw integer, then the value of the result ([`FixedFormat::to_f32`]:
/// exact for W ≤ 24 unless the binary point lies beyond `f32`'s exponent range; otherwise
/// the nearest `f32`, ties to even).
/// [`khot_backward`](super::khot_backward) is the straight-through gradient, masked by the
/// cast's overflow region.
/// [`terms`] gives the shift-add decomposition an HLS kernel uses instead of a multiplier.
///
/// ```
/// use lowprec::fixed::FixedFormat;
/// use lowprec::qat::{KHot, project_raw, terms};
/// let f = FixedFormat::ap_fixed(8, 8)?; // raw integers -128..=127
/// assert_eq!(project_raw(&f, 118, 2, KHot::Binary)?, 96); // 64 + 32 (128 is out of range)
/// assert_eq!(project_raw(&f, 118, 2, KHot::Csd)?, 120); // 128 − 8
/// let t = terms(120, 2, KHot::Csd)?;
/// assert_eq!(t.apply(7), 120 * 7); // (7 << 7) − (7 << 3)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ```
/// use lowprec::qat::{KHot, weight};
/// assert_eq!(weight(0b0111, KHot::Binary), 3);
/// assert_eq!(weight(0b0111, KHot::Csd), 2); // 8 - 1
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KHot {
    /// At most K one-bits in the magnitude (plain binary).
    Binary,
    /// At most K nonzero digits in the canonical signed-digit (non-adjacent) form.
    Csd,
}

/// The number of terms of `raw` in a form: one-bits of |raw| ([`KHot::Binary`]) or
/// nonzero digits of the canonical signed-digit form ([`KHot::Csd`]).
///
/// ```
/// use lowprec::qat::{KHot, weight};
/// assert_eq!(weight(-12, KHot::Binary), 2);
/// assert_eq!(weight(i128::MIN, KHot::Csd), 1);
/// assert_eq!(weight(0, KHot::Csd), 0);
/// ```
pub fn weight(raw: i128, form: KHot) -> u32 {
    match form {
        KHot::Binary => raw.unsigned_abs().count_ones(),
        KHot::Csd => {
            let mut w = 0;
            naf_digits(raw, |_, _| w += 1);
            w
        }
    }
}

/// Calls `f(negative, position)` for each nonzero digit of the non-adjacent form of `raw`,
/// lowest first (the digits of |raw| with their signs flipped when raw < 0).
fn naf_digits(raw: i128, mut f: impl FnMut(bool, u32)) {
    let flip = raw < 0;
    let mut m = raw.unsigned_abs();
    let mut carry = false; // the value is m + carry·2^128
    let mut i = 0u32;
    while m != 0 || carry {
        if m & 1 != 0 {
            // The digit is 1 when m ≡ 1 (mod 4), −1 when m ≡ 3: what remains is ≡ 0 (mod 4).
            let minus = m & 2 != 0;
            f(minus != flip, i);
            if minus {
                let (s, c) = m.overflowing_add(1);
                m = s;
                carry = c;
            } else {
                m -= 1;
            }
        }
        m = (m >> 1) | (u128::from(carry) << 127);
        carry = false;
        i += 1;
    }
}

/// The greatest K-hot value ≤ m and the least K-hot value ≥ m (`None` when there is none:
/// K = 0 and m > 0), for a magnitude m ≤ 2^64.
fn bounds(m: u128, k: u32, form: KHot) -> (u128, Option<u128>) {
    match form {
        KHot::Binary => binary_bounds(m, k),
        KHot::Csd => csd_bounds(m, k),
    }
}

fn binary_bounds(m: u128, k: u32) -> (u128, Option<u128>) {
    if m.count_ones() <= k {
        return (m, Some(m));
    }
    if k == 0 {
        return (0, None);
    }
    // The greatest value ≤ m with ≤ k one-bits keeps m's top k one-bits; the least value
    // ≥ m adds the lowest kept bit's weight (any value strictly between agrees with the
    // kept bits above it and adds a nonzero low part: k + 1 bits).
    let (mut lo, mut rest, mut p) = (0u128, m, 0u32);
    for _ in 0..k {
        p = 127 - rest.leading_zeros();
        lo |= 1 << p;
        rest ^= 1 << p;
    }
    (lo, Some(lo + (1 << p)))
}

/// One entry of the CSD table: the greatest value ≤ t and the least ≥ t with at most the
/// level's number of signed digits (`NO_LO` / `NO_HI` when there is none).
#[derive(Clone, Copy)]
struct Pair {
    lo: i128,
    hi: i128,
}

const NO_LO: i128 = i128::MIN;
const NO_HI: i128 = i128::MAX;
/// Bit positions 0..=65 (a magnitude ≤ 2^64 has at most 65 bits).
const POS: usize = 66;

/// `2^e + x` with the sentinels kept.
#[inline]
fn add_lo(e: u32, x: i128) -> i128 {
    if x == NO_LO { NO_LO } else { (1i128 << e) + x }
}
#[inline]
fn add_hi(e: u32, x: i128) -> i128 {
    if x == NO_HI { NO_HI } else { (1i128 << e) + x }
}
/// `−x` mapping the sentinels onto each other.
#[inline]
fn neg_bound(x: i128) -> i128 {
    match x {
        NO_LO => NO_HI,
        NO_HI => NO_LO,
        _ => -x,
    }
}

/// CSD bounds by a table over bit positions and digit budgets.
///
/// Let v > 0 have its leading CSD digit at e; the non-adjacent tail gives
/// 2^e·2/3 < v < 2^e·4/3. For t > 0 with top bit n, the greatest K-hot v ≤ t lies in
/// [2^n, t] and the least v ≥ t in [t, 2^(n+1)] (2^n and 2^(n+1) are 1-hot), so in both
/// cases e ∈ {n, n + 1} and v − 2^e has at most K − 1 digits:
///
/// floor_K(t) = max(2^n + floor_{K−1}(t − 2^n), 2^(n+1) + floor_{K−1}(t − 2^(n+1))),
/// ceil_K(t) likewise with min and ceil, and floor_K(−t) = −ceil_K(t).
///
/// Every target reached from m is a_j = m mod 2^j or c_j = a_j − 2^j (up to the sign)
/// for some bit position j, so one row per position and budget holds them all.
fn csd_bounds(m: u128, k: u32) -> (u128, Option<u128>) {
    let m_i = m as i128;
    if weight(m_i, KHot::Csd) <= k {
        return (m, Some(m));
    }
    if k == 0 {
        return (0, None);
    }
    let len = (128 - m.leading_zeros()) as usize; // a_len = m, len ≤ 65
    let a = |j: usize| m_i & ((1i128 << j) - 1);
    let c = |j: usize| a(j) - (1i128 << j);
    // Budget 0: only 0.
    let mut prev = [[Pair { lo: 0, hi: 0 }; 2]; POS];
    for (j, row) in prev.iter_mut().enumerate().take(len + 1) {
        for (slot, t) in row.iter_mut().zip([a(j), c(j)]) {
            *slot = Pair {
                lo: if t >= 0 { 0 } else { NO_LO },
                hi: if t <= 0 { 0 } else { NO_HI },
            };
        }
    }
    for _ in 1..=k {
        let mut cur = prev;
        for (j, row) in cur.iter_mut().enumerate().take(len + 1) {
            *row = [csd_step(a(j), &prev), csd_step(c(j), &prev)];
        }
        prev = cur;
    }
    let p = prev[len][0];
    // m > 0 and k ≥ 1: both bounds exist (m's top power and the next one are 1-hot).
    (p.lo.max(0) as u128, (p.hi != NO_HI).then_some(p.hi as u128))
}

/// One budget level of the CSD table for target t (a_j or c_j), from the level below.
fn csd_step(t: i128, prev: &[[Pair; 2]; POS]) -> Pair {
    let u = t.unsigned_abs();
    if u.count_ones() <= 1 {
        return Pair { lo: t, hi: t }; // 0 or ±2^n: itself
    }
    let n = 127 - u.leading_zeros();
    let (pa, pc) = (prev[n as usize][0], prev[n as usize][1]);
    if t > 0 {
        // t = a_j: t − 2^n = a_n, t − 2^(n+1) = c_n.
        Pair {
            lo: add_lo(n, pa.lo).max(add_lo(n + 1, pc.lo)),
            hi: add_hi(n, pa.hi).min(add_hi(n + 1, pc.hi)),
        }
    } else {
        // t = c_j, u = −t: u − 2^n = −c_n, u − 2^(n+1) = −a_n.
        let ceil_u = add_hi(n, neg_bound(pc.lo)).min(add_hi(n + 1, neg_bound(pa.lo)));
        let floor_u = add_lo(n, neg_bound(pc.hi)).max(add_lo(n + 1, neg_bound(pa.hi)));
        Pair {
            lo: neg_bound(ceil_u),
            hi: neg_bound(floor_u),
        }
    }
}

/// The nearest K-hot raw integer of the format to an in-range `raw` (ties toward zero).
fn nearest(fmt: &FixedFormat, raw: i128, k: u32, form: KHot) -> i128 {
    let m = raw.unsigned_abs();
    let (lo, hi) = bounds(m, k, form);
    // The largest magnitude the format holds on raw's side (the negative side's 2^(W−1)
    // is 1-hot, so only the positive side can push the upper candidate out).
    let limit = if raw < 0 {
        fmt.min_raw().unsigned_abs()
    } else {
        fmt.max_raw() as u128
    };
    let pick = match hi {
        Some(h) if h <= limit && h - m < m - lo => h,
        _ => lo,
    };
    if raw < 0 {
        -(pick as i128)
    } else {
        pick as i128
    }
}

/// The nearest raw integer of `fmt` to `raw` that is K-hot in `form`; a tie goes to the
/// smaller magnitude. The result is always in the format's range (for a signed type,
/// −2^(W−1) is 1-hot; a value whose nearest K-hot neighbour above lies beyond the
/// maximum gets the one below). K = 0 gives 0.
///
/// Errors: `raw` outside `[fmt.min_raw(), fmt.max_raw()]` is [`QatError::Param`].
///
/// ```
/// use lowprec::fixed::FixedFormat;
/// use lowprec::qat::{KHot, project_raw};
/// let f = FixedFormat::ap_fixed(8, 8)?;
/// assert_eq!(project_raw(&f, 6, 1, KHot::Binary)?, 4);   // 6 is between 4 and 8: tie, down
/// assert_eq!(project_raw(&f, -7, 1, KHot::Binary)?, -8);
/// assert_eq!(project_raw(&f, 127, 1, KHot::Binary)?, 64); // 128 is out of range
/// assert_eq!(project_raw(&f, 127, 2, KHot::Csd)?, 127);   // 128 - 1
/// assert!(project_raw(&f, 128, 2, KHot::Csd).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn project_raw(fmt: &FixedFormat, raw: i128, k: u32, form: KHot) -> Result<i128, QatError> {
    if raw < fmt.min_raw() || raw > fmt.max_raw() {
        return Err(QatError::Param("raw integer outside the format's range"));
    }
    Ok(nearest(fmt, raw, k, form))
}

/// K-hot projection of `f32` values: `y[i]` = the value of the nearest K-hot raw integer
/// ([`project_raw`]) to the raw integer of the ap_fixed cast of `x[i]` into `fmt`
/// ([`FixedFormat::from_f32`], any quantization and overflow mode), as an `f32`
/// ([`FixedFormat::to_f32`]: exact when W ≤ 24 and the binary point lies within `f32`'s
/// exponent range, else nearest, ties to even).
///
/// NaN and ±∞ are whatever the cast makes of them (the C++ headers read a NaN as a huge
/// number of its sign, so `AP_SAT` gives ±max), then projected: the output is always a
/// finite value of the format.
///
/// Errors: `x` and `y` of different lengths ([`QatError::Length`]); nothing is written.
///
/// ```
/// use lowprec::fixed::FixedFormat;
/// use lowprec::qat::{KHot, khot_project};
/// let f: FixedFormat = "ap_fixed<8,3,AP_RND_CONV,AP_SAT>".parse()?;
/// let mut y = [0.0f32; 4];
/// khot_project(&f, 2, KHot::Csd, &[0.9, -1.3, 100.0, f32::NAN], &mut y)?;
/// // raw 29 is a tie of 28 = 32 − 4 and 30 = 32 − 2: the smaller; max raw 127 = 128 − 1
/// assert_eq!(y, [0.875, -1.25, 3.96875, 3.96875]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn project(
    fmt: &FixedFormat,
    k: u32,
    form: KHot,
    x: &[f32],
    y: &mut [f32],
) -> Result<(), QatError> {
    check_len("y", x.len(), y.len())?;
    for (xi, yi) in x.iter().zip(y.iter_mut()) {
        let raw = fmt.raw_of(fmt.from_f32(*xi));
        *yi = fmt.to_f32(fmt.bits_of(nearest(fmt, raw, k, form)));
    }
    Ok(())
}

/// Whether the straight-through gradient passes at `x`: the cast of `x` into `fmt` is not
/// clamped by the overflow mode.
fn passes(fmt: &FixedFormat, x: f32) -> bool {
    if x.is_nan() {
        return false;
    }
    if matches!(fmt.overflow(), OverflowMode::Wrap | OverflowMode::WrapSm) {
        return true;
    }
    let e = Exact::from_f32(x);
    match fmt.quantize(&e, fmt.quantization().rounding()) {
        Quantized::Raw(q) => {
            !(fmt.overflow() == OverflowMode::SatSym && fmt.is_signed() && q < -fmt.max_raw())
        }
        Quantized::Above | Quantized::Below => false,
    }
}

/// The straight-through gradient of [`khot_project`](super::khot_project): `grad_x[i] = grad_y[i]` where the cast
/// of `x[i]` is in range, else 0. The K-hot projection itself is passed straight through
/// (its true derivative is 0 almost everywhere); the cast follows the QFX region rule:
///
/// | x | `grad_x` |
/// |---|---|
/// | the cast's rounded value is in range | `grad_y` |
/// | `SAT`, `SAT_SYM`, `SAT_ZERO` and the rounded value out of range (for `SAT_SYM` also the most negative code, which becomes −max) | 0 |
/// | `WRAP`, `WRAP_SM` (trained as if no wrap happened), ±∞ included | `grad_y` |
/// | NaN | 0 |
///
/// Errors: lengths differ ([`QatError::Length`]); nothing is written.
///
/// ```
/// use lowprec::fixed::FixedFormat;
/// use lowprec::qat::khot_backward;
/// let f: FixedFormat = "ap_fixed<4,2,AP_RND,AP_SAT>".parse()?; // range [-2, 1.75]
/// let mut g = [0.0f32; 4];
/// khot_backward(&f, &[0.3, 1.8, 1.9, f32::NAN], &[1.0; 4], &mut g)?;
/// assert_eq!(g, [1.0, 1.0, 0.0, 0.0]); // 1.8 rounds to 1.75: in range; 1.9 rounds to 2
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn backward(
    fmt: &FixedFormat,
    x: &[f32],
    grad_y: &[f32],
    grad_x: &mut [f32],
) -> Result<(), QatError> {
    check_len("grad_y", x.len(), grad_y.len())?;
    check_len("grad_x", x.len(), grad_x.len())?;
    for ((xi, gy), gx) in x.iter().zip(grad_y).zip(grad_x.iter_mut()) {
        *gx = if passes(fmt, *xi) { *gy } else { 0.0 };
    }
    Ok(())
}

/// The most terms a decomposition holds (a 64-bit magnitude has at most 64 one-bits).
///
/// ```
/// use lowprec::qat::{KHot, MAX_TERMS, terms};
/// assert_eq!(terms(u64::MAX.into(), 64, KHot::Binary)?.len(), MAX_TERMS);
/// # Ok::<(), lowprec::qat::QatError>(())
/// ```
pub const MAX_TERMS: usize = 64;

/// One term ±(x << shift) of a shift-add product.
///
/// ```
/// use lowprec::qat::{KHot, Term, terms};
/// assert_eq!(terms(-8, 1, KHot::Csd)?.as_slice(), &[Term { negative: true, shift: 3 }]);
/// # Ok::<(), lowprec::qat::QatError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Term {
    /// Whether the shifted operand is subtracted.
    pub negative: bool,
    /// The left shift.
    pub shift: u32,
}

/// The shift-add form of a raw integer w: w·x = Σ ±(x << shift) over its terms, lowest
/// shift first. A fixed array, no allocation.
///
/// ```
/// use lowprec::qat::{KHot, Term, terms};
/// let t = terms(-6, 2, KHot::Binary)?;
/// assert_eq!(t.as_slice(), &[Term { negative: true, shift: 1 }, Term { negative: true, shift: 2 }]);
/// assert_eq!(t.apply(5), -30);
/// # Ok::<(), lowprec::qat::QatError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terms {
    items: [Term; MAX_TERMS],
    len: usize,
}

impl Terms {
    /// The terms, lowest shift first.
    ///
    /// ```
    /// use lowprec::qat::{KHot, terms};
    /// let shifts: Vec<u32> = terms(5, 2, KHot::Binary)?.as_slice().iter().map(|t| t.shift).collect();
    /// assert_eq!(shifts, [0, 2]);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn as_slice(&self) -> &[Term] {
        &self.items[..self.len.min(MAX_TERMS)]
    }

    /// The number of terms.
    ///
    /// ```
    /// use lowprec::qat::{KHot, terms};
    /// assert_eq!(terms(15, 2, KHot::Csd)?.len(), 2); // 16 − 1
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none (w = 0).
    ///
    /// ```
    /// use lowprec::qat::{KHot, terms};
    /// assert!(terms(0, 0, KHot::Csd)?.is_empty());
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// An iterator over the terms, lowest shift first.
    ///
    /// ```
    /// use lowprec::qat::{KHot, terms};
    /// assert_eq!(terms(-3, 2, KHot::Csd)?.iter().filter(|t| t.negative).count(), 1); // −4 + 1
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn iter(&self) -> core::slice::Iter<'_, Term> {
        self.as_slice().iter()
    }

    /// Σ ±(x << shift): w·x by shifts and adds only. Exact: |w| ≤ 2^64 − 1 and
    /// |x| ≤ 2^63 keep the product inside `i128`, and the partial sums wrap harmlessly.
    ///
    /// ```
    /// use lowprec::qat::{KHot, terms};
    /// assert_eq!(terms(-(1 << 63), 1, KHot::Csd)?.apply(i64::MIN), 1i128 << 126);
    /// # Ok::<(), lowprec::qat::QatError>(())
    /// ```
    pub fn apply(&self, x: i64) -> i128 {
        let x = i128::from(x);
        self.iter().fold(0i128, |acc, t| {
            let v = x << t.shift;
            if t.negative {
                acc.wrapping_sub(v)
            } else {
                acc.wrapping_add(v)
            }
        })
    }
}

impl<'a> IntoIterator for &'a Terms {
    type Item = &'a Term;
    type IntoIter = core::slice::Iter<'a, Term>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The shift-add decomposition of a K-hot raw integer: the one-bits of |raw|, all with
/// raw's sign ([`KHot::Binary`]), or the nonzero digits of its canonical signed-digit
/// form ([`KHot::Csd`]: no two adjacent, the fewest possible), lowest shift first.
///
/// Errors ([`QatError::Param`]): `raw` outside [−2^63, 2^64 − 1] (no W ≤ 64 type holds
/// it), or `raw` has more than `k` terms in `form` (project it first, [`project_raw`]).
///
/// ```
/// use lowprec::qat::{KHot, terms};
/// let t = terms(7, 2, KHot::Csd)?; // 7 = 8 − 1
/// assert_eq!(t.iter().map(|t| (t.negative, t.shift)).collect::<Vec<_>>(), [(true, 0), (false, 3)]);
/// assert!(terms(7, 2, KHot::Binary).is_err()); // three one-bits
/// # Ok::<(), lowprec::qat::QatError>(())
/// ```
pub fn terms(raw: i128, k: u32, form: KHot) -> Result<Terms, QatError> {
    if !(-(1i128 << 63)..1i128 << 64).contains(&raw) {
        return Err(QatError::Param("raw integer wider than any W ≤ 64 type"));
    }
    if weight(raw, form) > k {
        return Err(QatError::Param("raw integer has more than k terms"));
    }
    let mut out = Terms {
        items: [Term::default(); MAX_TERMS],
        len: 0,
    };
    let mut push = |negative: bool, shift: u32| {
        if let Some(slot) = out.items.get_mut(out.len) {
            *slot = Term { negative, shift };
            out.len += 1;
        }
    };
    match form {
        KHot::Binary => {
            let negative = raw < 0;
            let mut m = raw.unsigned_abs();
            while m != 0 {
                let shift = m.trailing_zeros();
                push(negative, shift);
                m &= m - 1;
            }
        }
        KHot::Csd => naf_digits(raw, push),
    }
    Ok(out)
}
