//! Assignments of exact results: `a += b`, `a -= b` and `out = a ± b` with no limit on
//! the distance between the binary points ([`FixedFormat::from_sum`]), `a *= b`, and the
//! right operand as `ap_int` targets read it.

use super::result_type::WideFormat;
use super::wide::Wide;
use crate::fixed::cast::{Scaled, int_part, sign_mag};
use crate::fixed::format::{Family, FixedFormat};
use crate::rounding::{Discarded, Status, StatusAnd};
use crate::split::{Split, split};
use crate::u256::U256;

impl FixedFormat {
    /// `a op= b` for + and −: casts the exact a ± b (a of this format, b of any) into this
    /// format, with no limit on the distance between the binary points.
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// let acc: FixedFormat = "ap_fixed<64,32>".parse()?;
    /// let p = Wide::from_bits(&acc, acc.from_f64(1.5))
    ///     .mul(&Wide::from_bits(&acc, acc.from_f64(2.25)))?; // ap_fixed<128,64>
    /// let a = acc.from_f64(1.0);
    /// // a + p would need 129 bits; the assignment does not.
    /// assert!(Wide::from_bits(&acc, a).add(&p).is_err());
    /// assert_eq!(acc.to_f64(acc.add_assign(a, &p)), 4.375);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline(always)]
    pub fn add_assign(&self, a: u64, b: &Wide) -> u64 {
        self.add_assign_with(a, b).value
    }

    /// [`add_assign`](Self::add_assign) with the IEEE status flags it raises.
    #[inline(always)]
    pub fn add_assign_with(&self, a: u64, b: &Wide) -> StatusAnd<u64> {
        self.sum_assign(a, b, false)
    }

    /// `out = a + b` (or a − b when `sub`) for values of any types: the exact sum cast
    /// into this format, with no limit on the distance between the binary points.
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// let big = FixedFormat::ap_fixed(64, 64)?;
    /// let tiny = FixedFormat::ap_fixed(64, -64)?;
    /// let out: FixedFormat = "ap_fixed<16,8,AP_RND_CONV>".parse()?;
    /// let a = Wide::from_bits(&big, 3);
    /// let b = Wide::from_bits(&tiny, 1); // 2^-128
    /// assert!(a.add(&b).is_err()); // 193 bits
    /// assert_eq!(out.to_f64(out.from_sum(&a, &b, true)), 3.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline(always)]
    pub fn from_sum(&self, a: &Wide, b: &Wide, sub: bool) -> u64 {
        self.from_sum_with(a, b, sub).value
    }

    /// [`from_sum`](Self::from_sum) with the IEEE status flags it raises.
    #[inline(always)]
    pub fn from_sum_with(&self, a: &Wide, b: &Wide, sub: bool) -> StatusAnd<u64> {
        let r = if sub { a.sub(b) } else { a.add(b) };
        match r {
            Ok(s) => s.cast_with(self),
            Err(_) => cast_sum(
                self,
                sign_mag(a.raw, a.format.signed),
                a.format.frac_bits(),
                sign_mag(b.raw, b.format.signed),
                b.format.frac_bits(),
                sub,
            ),
        }
    }

    /// `a -= b`, as [`add_assign`](FixedFormat::add_assign).
    #[inline(always)]
    pub fn sub_assign(&self, a: u64, b: &Wide) -> u64 {
        self.sub_assign_with(a, b).value
    }

    /// [`sub_assign`](Self::sub_assign) with the IEEE status flags it raises.
    #[inline(always)]
    pub fn sub_assign_with(&self, a: u64, b: &Wide) -> StatusAnd<u64> {
        self.sum_assign(a, b, true)
    }

    #[inline(always)]
    fn sum_assign(&self, a: u64, b: &Wide, sub: bool) -> StatusAnd<u64> {
        let b = self.assign_operand(b);
        self.from_sum_with(&Wide::from_bits(self, a), &b, sub)
    }

    /// `a *= b`: the exact product cast into this format.
    #[inline(always)]
    pub fn mul_assign(&self, a: u64, b: &Wide) -> u64 {
        self.mul_assign_with(a, b).value
    }

    /// [`mul_assign`](Self::mul_assign) with the IEEE status flags it raises.
    #[inline(always)]
    pub fn mul_assign_with(&self, a: u64, b: &Wide) -> StatusAnd<u64> {
        let b = self.assign_operand(b);
        match Wide::from_bits(self, a).mul(&b) {
            Ok(p) => p.cast_with(self),
            // W ≤ 64 and the operand ≤ 64 bits (or an integer of at most 64 + … bits).
            Err(_) => StatusAnd::new(a, Status::INVALID),
        }
    }

    /// The right operand of `a op= b` as the header uses it: `ap_int` targets take the
    /// integer part of a fixed-point operand first (`to_ap_int_base()`, truncated toward
    /// zero), in max(I, 1) bits.
    #[inline(always)]
    pub fn assign_operand(&self, b: &Wide) -> Wide {
        if self.family() != Family::ApInt || b.format.frac_bits() <= 0 {
            return *b;
        }
        let i = b.format.int_bits().max(1);
        let int = int_part(b.raw, b.format.frac_bits(), b.format.int_bits(), false);
        match WideFormat::integer(i64::from(i), b.format.signed) {
            Ok(f) => Wide::new(int, f),
            Err(_) => *b,
        }
    }
}

/// Casts a ± b into `to` exactly, whatever the distance between the binary points: the
/// path of `op=` when the intermediate type would be wider than 128 bits.
#[cold]
#[inline(never)]
fn cast_sum(
    to: &FixedFormat,
    a: (bool, u128),
    fa: i32,
    b: (bool, u128),
    fb: i32,
    sub: bool,
) -> StatusAnd<u64> {
    let (na, ma) = a;
    let (nb, mb) = (b.0 ^ sub, b.1);
    if mb == 0 {
        return to.cast_scaled(Scaled::new(na, ma, -fa, false, to.frac_bits()));
    }
    if ma == 0 {
        return to.cast_scaled(Scaled::new(nb, mb, -fb, false, to.frac_bits()));
    }
    // Align both to the finer quantum in 256 bits. When the operands are far apart, the
    // finer one's bits below 2^−g, g = max(F + 3, hf + 1), are first jammed into one
    // sticky bit: lo becomes odd at the quantum 2^−g while hi is even there (g > hf), so
    // hi ± lo is odd, i.e. the sum rounded to odd 3 or more bits below the target's LSB.
    // An odd value lies strictly between the same target grid points and midpoints as
    // the exact sum, so this changes no rounding decision, no bit at or above the LSB
    // and no overflow. (With g = hf, hi could be odd and hi − lo land on a grid point.)
    let (hi, hf, mut lo, mut lf) = if fa <= fb {
        ((na, ma), fa, (nb, mb), fb)
    } else {
        ((nb, mb), fb, (na, ma), fa)
    };
    let g = (i64::from(to.frac_bits()) + 3).max(i64::from(hf) + 1);
    if i64::from(lf) > g && i64::from(lf) - i64::from(hf) >= 128 {
        // lo's bits at and above 2^−g, and one sticky bit for those below.
        let Split { kept, d, .. } = split(lo.1, false, i64::from(lf) - g);
        lo.1 = kept | u128::from(d.is_inexact());
        lf = g as i32;
    }
    let gap = i64::from(lf) - i64::from(hf);
    if gap > 128 {
        // hi·2^gap ± lo no longer fits 256 bits; it is dominated by hi·2^gap.
        if let Some(s) = dominant_sum(hi, lo, gap, lf, to.frac_bits()) {
            return to.cast_scaled(s);
        }
        // Unreachable (see `dominant_sum`): flag the result as unknown.
        let r = to.cast_scaled(Scaled::new(hi.0, hi.1, -hf, false, to.frac_bits()));
        return StatusAnd::new(r.value, r.status | Status::INVALID);
    }
    // Exact: hi·2^gap + lo ≤ (2¹²⁸ − 1)·2¹²⁸ + 2¹²⁸ − 1 = 2²⁵⁶ − 1 for gap ≤ 128.
    let h = U256::from_u128(hi.1).shl(gap as u32);
    let l = U256::from_u128(lo.1);
    let (neg, mag) = if hi.0 == lo.0 {
        (hi.0, h.add(l))
    } else if l.lt(h) {
        (hi.0, h.sub(l))
    } else {
        (lo.0, l.sub(h))
    };
    to.cast_scaled(Scaled::new(neg, mag, -lf, false, to.frac_bits()))
}

/// The scaled value of M·2^−lf at the quantum 2^−to, with M = hi·2^gap ± lo (the sign of
/// hi, lo's subtracted when their signs differ), for gap > 128: what a cast needs of a
/// sum too wide for 256 bits.
///
/// Since lo < 2¹²⁸ < 2^gap, M has hi's sign. Only ⌊|M|·2^(to−lf)⌋ modulo 2¹²⁸, whether it
/// reaches 2¹²⁸, and the discarded bits matter. `cast_sum` jams lo so that lf ≤
/// max(to + 3, hf + 1), hence lf ≤ to + 3 here (r = lf − to ≤ 3 discarded bits, all of
/// them lo's); `None` if that does not hold.
fn dominant_sum(hi: (bool, u128), lo: (bool, u128), gap: i64, lf: i32, to: i32) -> Option<Scaled> {
    let sub = hi.0 != lo.0;
    let (h, l) = (hi.1, lo.1);
    let s = i64::from(to) - i64::from(lf);
    if s >= 0 {
        // |M|·2^s ≥ (2^gap − 2¹²⁸)·2^s ≥ 2¹²⁸ (gap ≥ 129), and h·2^(gap+s) vanishes
        // modulo 2¹²⁸: the low bits are ±l·2^s.
        let low = if s >= 128 { 0 } else { l << s };
        return Some(Scaled {
            neg: hi.0,
            kept: if sub { low.wrapping_neg() } else { low },
            big: true,
            d: Discarded::EXACT,
            unknown: false,
        });
    }
    let r = s.unsigned_abs();
    if r > 3 {
        return None;
    }
    let r = r as u32;
    let g2 = (gap - i64::from(r)) as u32; // ≥ 126
    let fmask = (1u128 << r) - 1;
    // ⌊(h·2^gap ± l) / 2^r⌋ = h·2^g2 ± c, and the r discarded bits.
    let (c, fbits) = if sub {
        // −l = −⌈l/2^r⌉·2^r + ((−l) mod 2^r).
        (
            (l >> r) + u128::from(l & fmask != 0),
            l.wrapping_neg() & fmask,
        )
    } else {
        (l >> r, l & fmask)
    };
    let (kept, big) = if g2 <= 128 {
        let t = U256::from_u128(h).shl(g2);
        let t = if sub {
            t.sub(U256::from_u128(c))
        } else {
            t.add(U256::from_u128(c))
        };
        (t.lo, t.hi != 0)
    } else {
        // h·2^g2 ∓ c ≥ 2¹²⁹ − 2¹²⁵, and h·2^g2 vanishes modulo 2¹²⁸.
        (if sub { c.wrapping_neg() } else { c }, true)
    };
    Some(Scaled {
        neg: hi.0,
        kept,
        big,
        d: Discarded {
            // The r ≤ 3 bits, left-aligned in 64 bits.
            frac: (fbits as u64) << (64 - r),
            sticky: false,
        },
        unknown: false,
    })
}
