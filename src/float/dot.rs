//! Dot products and sums as accelerators compute them: a chosen accumulator format and
//! rounding, each partial sum rounded ([`FloatFormat::dot`], [`FloatFormat::sum`]), or
//! exactly, with one rounding at the end ([`FloatFormat::dot_exact`],
//! [`FloatFormat::sum_exact`]) through a fixed-size Kulisch accumulator.

use core::cmp::Ordering;

use super::arith::{exact_add, exact_mul};
use super::exact::{Exact, Finite};
use super::format::FloatFormat;
use super::slice::{Code, SliceError};
use crate::rounding::{RandomBits, Round, Status, StatusAnd};

/// How a multiply-accumulate array accumulates: the accumulator's format, rounding mode
/// and overflow policy, and whether products are rounded into the accumulator format
/// before they are added (a non-fused MAC) or added exactly (a fused MAC, the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accumulator {
    /// Format of the running sum.
    pub format: FloatFormat,
    /// Rounding mode and overflow policy of every partial sum (and of products when
    /// `round_products`).
    pub round: Round,
    /// Round each product into `format` before adding it.
    pub round_products: bool,
}

impl Accumulator {
    /// A fused accumulator in `format`, rounding to nearest even, IEEE overflow.
    pub const fn new(format: FloatFormat) -> Self {
        Self {
            format,
            round: Round::NEAREST_EVEN,
            round_products: false,
        }
    }

    /// The same accumulator with another rounding of its partial sums.
    pub const fn with_round(self, round: Round) -> Self {
        Self { round, ..self }
    }

    /// The same accumulator rounding each product into its format before adding it
    /// (a non-fused multiply-accumulate).
    pub const fn with_rounded_products(self) -> Self {
        Self {
            round_products: true,
            ..self
        }
    }
}

impl FloatFormat {
    /// Σ aᵢ·bᵢ over codes of this format, accumulated left to right in `acc`: the
    /// running sum starts at +0 and each step computes `s ← round(s + aᵢ·bᵢ)` with
    /// the exact product (or `round(s + round(aᵢ·bᵢ))` when `acc.round_products`).
    /// Returns the accumulator's code and the union of all flags.
    ///
    /// ```
    /// use lowprec::{FloatFormat, SplitMix64};
    /// use lowprec::float::dot::Accumulator;
    /// let e4m3 = FloatFormat::E4M3FN;
    /// let one = 0x38u8; // 1.0
    /// let tiny = 0x08u8; // 2^-6 · 1.0 = 0.015625
    /// let a = [one, tiny, tiny, tiny, tiny];
    /// let b = [one; 5];
    /// let mut rng = SplitMix64::new(0);
    /// // In bf16 (8 bits of precision) 1 + 4 · 2^-6 = 1.0625 is exact...
    /// let bf16 = e4m3.dot(&a, &b, &Accumulator::new(FloatFormat::BF16), &mut rng).unwrap();
    /// assert_eq!(FloatFormat::BF16.to_f64(bf16.value), 1.0625);
    /// // ...while an E4M3 accumulator loses every small addend (1 + 2^-6 rounds to 1).
    /// let fp8 = e4m3.dot(&a, &b, &Accumulator::new(e4m3), &mut rng).unwrap();
    /// assert_eq!(e4m3.to_f64(fp8.value), 1.0);
    /// ```
    pub fn dot<C: Code, R: RandomBits + ?Sized>(
        &self,
        a: &[C],
        b: &[C],
        acc: &Accumulator,
        rng: &mut R,
    ) -> Result<StatusAnd<u64>, SliceError> {
        if a.len() != b.len() {
            return Err(SliceError::LengthMismatch {
                src: a.len(),
                dst: b.len(),
            });
        }
        let products = a.iter().zip(b).map(|(&x, &y)| {
            match exact_mul(self.decode(x.to_u64()), self.decode(y.to_u64())) {
                Ok(p) => (p, Status::OK),
                Err(flag) => (Exact::Nan { negative: false }, flag),
            }
        });
        Ok(accumulate(products, acc, rng))
    }

    /// Σ xᵢ over codes of this format, accumulated left to right in `acc` (each
    /// partial sum rounded), starting from +0.
    pub fn sum<C: Code, R: RandomBits + ?Sized>(
        &self,
        xs: &[C],
        acc: &Accumulator,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let f = &acc.format;
        let mut status = Status::OK;
        let mut code = f
            .round(Exact::Zero { negative: false }, acc.round, rng)
            .value;
        for &x in xs {
            let t = match exact_add(f.decode(code), self.decode(x.to_u64()), acc.round.mode) {
                Ok(t) => t,
                Err(flag) => {
                    status |= flag;
                    Exact::Nan { negative: false }
                }
            };
            let r = f.round(t, acc.round, rng);
            status |= r.status;
            code = r.value;
        }
        StatusAnd::new(code, status)
    }

    /// Σ aᵢ·bᵢ computed exactly and rounded once into `out`: what a wide
    /// fixed-point (Kulisch) accumulator gives. The sum is exact for any length below
    /// 2⁶⁴ terms. An exact zero is +0 (−0 if every product is −0, or when rounding
    /// toward −∞ as IEEE 754 does for cancellation).
    ///
    /// ```
    /// use lowprec::{FloatFormat, NoRandom, Round};
    /// let f = FloatFormat::FP32;
    /// let big = f32::to_bits(1e30) as u64;
    /// let one = f32::to_bits(1.0) as u64;
    /// let neg = f32::to_bits(-1e30) as u64;
    /// // (1e30·1e30 + 1·1 − 1e30·1e30) is 1 exactly; a float accumulator would say 0.
    /// let a = [big, one, neg];
    /// let b = [big, one, big];
    /// let r = f.dot_exact(&a, &b, &f, Round::default(), &mut NoRandom).unwrap();
    /// assert_eq!(f32::from_bits(r.value as u32), 1.0);
    /// ```
    pub fn dot_exact<C: Code, R: RandomBits + ?Sized>(
        &self,
        a: &[C],
        b: &[C],
        out: &FloatFormat,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> Result<StatusAnd<u64>, SliceError> {
        if a.len() != b.len() {
            return Err(SliceError::LengthMismatch {
                src: a.len(),
                dst: b.len(),
            });
        }
        let mut k = Kulisch::new(self, 2);
        for (&x, &y) in a.iter().zip(b) {
            match exact_mul(self.decode(x.to_u64()), self.decode(y.to_u64())) {
                Ok(p) => k.add(p),
                Err(_) => k.invalid = true,
            }
        }
        Ok(k.finish(out, how.into(), rng))
    }

    /// Σ xᵢ computed exactly and rounded once into `out`.
    pub fn sum_exact<C: Code, R: RandomBits + ?Sized>(
        &self,
        xs: &[C],
        out: &FloatFormat,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let mut k = Kulisch::new(self, 1);
        for &x in xs {
            k.add(self.decode(x.to_u64()));
        }
        k.finish(out, how.into(), rng)
    }
}

/// The accumulation loop of [`FloatFormat::dot`] (and of `lmul::dot`): from +0,
/// `s ← round(s + p)` for each exact product `p` (rounded into the accumulator format
/// first when `acc.round_products`), with the flags each product raised.
pub(crate) fn accumulate<R: RandomBits + ?Sized>(
    products: impl Iterator<Item = (Exact, Status)>,
    acc: &Accumulator,
    rng: &mut R,
) -> StatusAnd<u64> {
    let f = &acc.format;
    let mut status = Status::OK;
    let mut code = f
        .round(Exact::Zero { negative: false }, acc.round, rng)
        .value;
    for (mut p, flags) in products {
        status |= flags;
        if acc.round_products {
            let r = f.round(p, acc.round, rng);
            status |= r.status;
            p = f.decode(r.value);
        }
        let t = match exact_add(f.decode(code), p, acc.round.mode) {
            Ok(t) => t,
            Err(flag) => {
                status |= flag;
                Exact::Nan { negative: false }
            }
        };
        let r = f.round(t, acc.round, rng);
        status |= r.status;
        code = r.value;
    }
    StatusAnd::new(code, status)
}

/// The sign of the exact sum of finite values (zeros included), or `None` when an
/// addend is infinite, NaN or inexact (sticky), or their exponents span more than the accumulator (about
/// 4,200 bits: never for the values of one format).
pub(crate) fn exact_sum_sign(terms: &[Exact]) -> Option<Ordering> {
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    for t in terms {
        match t {
            Exact::Finite(f) if !f.sticky => {
                lo = lo.min(i64::from(f.exp));
                hi = hi.max(i64::from(f.exp) + 128);
            }
            Exact::Zero { .. } => {}
            _ => return None,
        }
    }
    if lo == i64::MAX {
        return Some(Ordering::Equal);
    }
    // Room for the widest addend and the carries of a handful of them.
    if hi - lo > (LIMBS as i64 - 1) * 64 {
        return None;
    }
    let mut acc = Kulisch::at(lo);
    for &t in terms {
        acc.add(t);
    }
    Some(acc.sign())
}

/// Limbs of the Kulisch accumulator: enough for products of binary64 values
/// (2 · (1023 + 1074 + 1) = 4196 bits) plus 64 bits of carry headroom.
const LIMBS: usize = 68;

/// A fixed-point two's-complement accumulator whose last bit is the smallest product's
/// (or value's) last bit, so every addend is added exactly.
#[derive(Clone)]
pub(crate) struct Kulisch {
    limbs: [u64; LIMBS],
    /// Exponent of bit 0.
    offset: i64,
    pos_inf: bool,
    neg_inf: bool,
    nan: bool,
    invalid: bool,
    /// Whether every addend so far was −0 (and there was one).
    all_neg_zero: bool,
}

impl Kulisch {
    /// For sums of `terms`-fold products (1: values, 2: products) of format `f`.
    fn new(f: &FloatFormat, terms: i64) -> Self {
        Self::at(terms * i64::from(f.emin() - f.man_bits() as i32))
    }

    /// With bit 0 at 2^offset.
    pub(crate) fn at(offset: i64) -> Self {
        Self {
            limbs: [0; LIMBS],
            offset,
            pos_inf: false,
            neg_inf: false,
            nan: false,
            invalid: false,
            all_neg_zero: true,
        }
    }

    /// Records an invalid operation (∞ · 0) among the addends: the sum is NaN.
    pub(crate) fn set_invalid(&mut self) {
        self.invalid = true;
    }

    /// Adds `x` exactly (its exponent must not be below the offset).
    pub(crate) fn add(&mut self, x: Exact) {
        match x {
            Exact::Nan { .. } => self.nan = true,
            Exact::Inf { negative } => {
                self.all_neg_zero = false;
                if negative {
                    self.neg_inf = true
                } else {
                    self.pos_inf = true
                }
            }
            Exact::Zero { negative } => self.all_neg_zero &= negative,
            Exact::Finite(f) => {
                self.all_neg_zero = false;
                self.add_finite(f)
            }
        }
    }

    /// Adds ±sig·2^exp; exp ≥ offset for every value of the accumulator's format.
    fn add_finite(&mut self, f: Finite) {
        let shift = (i64::from(f.exp) - self.offset).max(0) as u64;
        let (limb, bit) = ((shift / 64) as usize, (shift % 64) as u32);
        // sig · 2^bit spans at most three limbs.
        let lo = (f.sig << bit) as u64;
        let mid = ((f.sig << bit) >> 64) as u64;
        let hi = if bit == 0 {
            0
        } else {
            (f.sig >> (128 - bit)) as u64
        };
        let parts = [lo, mid, hi];
        if f.negative {
            let mut borrow = false;
            for i in limb..LIMBS {
                let p = parts.get(i - limb).copied().unwrap_or(0);
                let (d1, b1) = self.limbs[i].overflowing_sub(p);
                let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
                self.limbs[i] = d2;
                borrow = b1 || b2;
                if !borrow && i >= limb + 2 {
                    break;
                }
            }
        } else {
            let mut carry = false;
            for i in limb..LIMBS {
                let p = parts.get(i - limb).copied().unwrap_or(0);
                let (s1, c1) = self.limbs[i].overflowing_add(p);
                let (s2, c2) = s1.overflowing_add(u64::from(carry));
                self.limbs[i] = s2;
                carry = c1 || c2;
                if !carry && i >= limb + 2 {
                    break;
                }
            }
        }
    }

    /// The sign of the finite sum so far.
    fn sign(&self) -> Ordering {
        if self.limbs[LIMBS - 1] >> 63 == 1 {
            Ordering::Less
        } else if self.limbs.iter().any(|&l| l != 0) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }

    /// Rounds the sum once into `out`.
    pub(crate) fn finish<R: RandomBits + ?Sized>(
        self,
        out: &FloatFormat,
        how: Round,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let (x, status) = self.value(how.mode);
        let r = out.round(x, how, rng);
        StatusAnd::new(r.value, r.status | status)
    }

    /// The sum: NaN (with `INVALID` for ∞ − ∞ or an invalid product), ±∞, a zero (signed
    /// as [`FloatFormat::dot_exact`] says, under rounding mode `mode`), or the finite sum
    /// truncated to 128 significant bits with a sticky bit for the rest.
    pub(crate) fn value(&self, mode: crate::Rounding) -> (Exact, Status) {
        if self.invalid || (self.pos_inf && self.neg_inf) {
            return (Exact::Nan { negative: false }, Status::INVALID);
        } else if self.nan {
            return (Exact::Nan { negative: false }, Status::OK);
        } else if self.pos_inf || self.neg_inf {
            let x = Exact::Inf {
                negative: self.neg_inf,
            };
            return (x, Status::OK);
        }
        let mut limbs = self.limbs;
        let negative = limbs[LIMBS - 1] >> 63 == 1;
        if negative {
            // Two's complement negation: invert and add one.
            let mut carry = true;
            for l in limbs.iter_mut() {
                let (s, c) = (!*l).overflowing_add(u64::from(carry));
                *l = s;
                carry = c;
            }
        }
        let Some(top) = limbs.iter().rposition(|&l| l != 0) else {
            let negative = self.all_neg_zero || mode == crate::Rounding::TowardNegative;
            return (Exact::Zero { negative }, Status::OK);
        };
        // The top 128 bits from limbs top, top−1, top−2 (left-aligned), sticky below.
        let lz = limbs[top].leading_zeros();
        let limb = |i: usize| if i <= top { limbs[i] } else { 0 };
        let get = |i: isize| if i >= 0 { limb(i as usize) } else { 0 };
        let t = top as isize;
        let w2 = u128::from(get(t)) << 64 | u128::from(get(t - 1));
        let w0 = get(t - 2);
        let sig = if lz == 0 {
            w2
        } else {
            (w2 << lz) | u128::from(w0 >> (64 - lz))
        };
        let below_lost = if lz == 0 { w0 } else { w0 << lz };
        let sticky = below_lost != 0 || (0..(t - 2).max(0)).any(|i| get(i) != 0);
        let exp = self.offset + (t - 1) as i64 * 64 - i64::from(lz);
        let exp = exp.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        let x = Exact::Finite(Finite {
            negative,
            sig,
            exp,
            sticky,
        });
        (x, Status::OK)
    }
}
