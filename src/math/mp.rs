//! Multi-precision binary numbers with directed rounding: the arithmetic the elementary
//! functions are evaluated in.
//!
//! An [`Mp<N>`] is (−1)^neg · sig · 2^exp with an `N`-limb significand (64·N bits),
//! normalized so that its top bit is set (or all zero for 0). Every operation computes
//! its exact result, or that result truncated with a sticky bit, and rounds it once
//! toward −∞ or +∞ ([`Dir`]); an exact result comes back unchanged. [`Iv`](super::iv::Iv)
//! pairs two of them into an enclosure, which is how every error bound of the function
//! kernels is carried: no error analysis by hand, only enclosures that cannot lie.
//!
//! The significand is a little-endian limb array and the arithmetic is the schoolbook
//! one (bitwise long division and square root): these numbers only run when the fast
//! evaluations cannot decide a rounding, or in formats where they are fast enough.

use core::cmp::Ordering;

use crate::interval::Dir;

/// The most limbs any precision uses (1,280 bits): the widest buffer of the arithmetic.
pub(crate) const MAX_LIMBS: usize = 20;
/// Scratch length: a full product of two `MAX_LIMBS` significands plus headroom.
const WIDE: usize = 2 * MAX_LIMBS + 2;

/// A signed binary number with a 64·N-bit significand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mp<const N: usize> {
    /// The sign (ignored for zero, which is always +0 here).
    pub neg: bool,
    /// The exponent of the significand's last bit.
    pub exp: i64,
    /// The significand, little-endian; the top bit of `sig[N - 1]` is set unless zero.
    pub sig: [u64; N],
}

/// Bits `[pos, pos + 64)` of the little-endian integer `src` (zeros outside it; `pos`
/// may be negative).
#[inline]
pub(super) fn window(src: &[u64], pos: i64) -> u64 {
    let get = |i: i64| -> u64 {
        if i < 0 || i >= src.len() as i64 {
            0
        } else {
            src[i as usize]
        }
    };
    let q = pos.div_euclid(64);
    let r = pos.rem_euclid(64) as u32;
    if r == 0 {
        get(q)
    } else {
        (get(q) >> r) | (get(q + 1) << (64 - r))
    }
}

/// Whether any bit of `src` below position `pos` is set.
fn any_below(src: &[u64], pos: i64) -> bool {
    if pos <= 0 {
        return false;
    }
    let q = (pos / 64) as usize;
    let r = (pos % 64) as u32;
    let full = q.min(src.len());
    if src[..full].iter().any(|&w| w != 0) {
        return true;
    }
    r != 0 && q < src.len() && src[q] & ((1u64 << r) - 1) != 0
}

/// The number of significant bits of `src` (0 for zero).
fn bit_len(src: &[u64]) -> i64 {
    for i in (0..src.len()).rev() {
        if src[i] != 0 {
            return 64 * i as i64 + 64 - src[i].leading_zeros() as i64;
        }
    }
    0
}

/// `a += b` over `a.len()` limbs (b shorter or equal); returns the carry out.
fn add_into(a: &mut [u64], b: &[u64]) -> bool {
    let mut carry = false;
    for i in 0..a.len() {
        let bi = if i < b.len() { b[i] } else { 0 };
        let (s1, c1) = a[i].overflowing_add(bi);
        let (s2, c2) = s1.overflowing_add(carry as u64);
        a[i] = s2;
        carry = c1 || c2;
    }
    carry
}

/// `a -= b` over `a.len()` limbs; returns the borrow out.
fn sub_into(a: &mut [u64], b: &[u64]) -> bool {
    let mut borrow = false;
    for i in 0..a.len() {
        let bi = if i < b.len() { b[i] } else { 0 };
        let (s1, c1) = a[i].overflowing_sub(bi);
        let (s2, c2) = s1.overflowing_sub(borrow as u64);
        a[i] = s2;
        borrow = c1 || c2;
    }
    borrow
}

/// Compares two little-endian integers of equal length.
fn cmp_limbs(a: &[u64], b: &[u64]) -> Ordering {
    for i in (0..a.len()).rev() {
        match a[i].cmp(&b[i]) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// `a <<= 1` over `a.len()` limbs; returns the bit shifted out.
fn shl1(a: &mut [u64]) -> bool {
    let mut carry = 0;
    for w in a.iter_mut() {
        let out = *w >> 63;
        *w = (*w << 1) | carry;
        carry = out;
    }
    carry != 0
}

/// `a >>= 1` over `a.len()` limbs.
fn shr1(a: &mut [u64]) {
    let mut carry = 0;
    for w in a.iter_mut().rev() {
        let out = *w & 1;
        *w = (*w >> 1) | (carry << 63);
        carry = out;
    }
}

impl<const N: usize> Mp<N> {
    /// Zero.
    pub const ZERO: Mp<N> = Mp {
        neg: false,
        exp: 0,
        sig: [0; N],
    };

    /// The number of significand bits.
    pub const BITS: i64 = 64 * N as i64;

    /// Rounds (−1)^neg · (mag + ε) · 2^exp, where `mag` is any little-endian integer and
    /// 0 < ε < 1 when `sticky`, to N limbs toward `dir`.
    pub fn round(neg: bool, exp: i64, mag: &[u64], sticky: bool, dir: Dir) -> Mp<N> {
        let len = bit_len(mag);
        if len == 0 {
            // A zero significand with a sticky part lies strictly between 0 and the
            // unit: the directed results are 0 and one unit at `exp`.
            let away = sticky && (dir == Dir::Up) != neg;
            return if away { Mp::pow2(neg, exp) } else { Mp::ZERO };
        }
        let shift = len - Self::BITS; // bits dropped (negative: zeros appended)
        let mut sig = [0u64; N];
        for (j, w) in sig.iter_mut().enumerate() {
            *w = window(mag, shift + 64 * j as i64);
        }
        let inexact = sticky || any_below(mag, shift);
        let mut out = Mp {
            neg,
            exp: exp + shift,
            sig,
        };
        if inexact && (dir == Dir::Up) != neg {
            // Away from zero: one unit more.
            if add_into(&mut out.sig, &[1]) {
                out.sig[N - 1] = 1 << 63;
                out.exp += 1;
            }
        }
        out
    }

    /// ±2^e.
    pub fn pow2(neg: bool, e: i64) -> Mp<N> {
        let mut sig = [0u64; N];
        sig[N - 1] = 1 << 63;
        Mp {
            neg,
            exp: e - (Self::BITS - 1),
            sig,
        }
    }

    /// An integer, exactly (N ≥ 1 holds 64 bits).
    pub fn from_i64(x: i64) -> Mp<N> {
        Mp::round(x < 0, 0, &[x.unsigned_abs()], false, Dir::Down)
    }

    /// (−1)^neg · sig · 2^exp rounded toward `dir` (exact when N ≥ 2).
    pub fn from_parts(neg: bool, sig: u128, exp: i64, dir: Dir) -> Mp<N> {
        Mp::round(neg, exp, &[sig as u64, (sig >> 64) as u64], false, dir)
    }

    /// The significand limbs, with the sign and exponent, for the series of other
    /// precisions: the value rounded toward `dir` into M limbs.
    pub fn convert<const M: usize>(&self, dir: Dir) -> Mp<M> {
        Mp::round(self.neg, self.exp, &self.sig, false, dir)
    }

    /// Whether zero.
    pub fn is_zero(&self) -> bool {
        self.sig[N - 1] == 0
    }

    /// The sign: `Less`, `Equal` (zero) or `Greater`.
    pub fn sign(&self) -> Ordering {
        if self.is_zero() {
            Ordering::Equal
        } else if self.neg {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    }

    /// The exponent of the leading bit: the value's magnitude lies in [2^e, 2^(e+1)).
    /// (Meaningless for zero.)
    pub fn lead(&self) -> i64 {
        self.exp + Self::BITS - 1
    }

    /// −x.
    pub fn neg(self) -> Mp<N> {
        Mp {
            neg: !self.neg && !self.is_zero(),
            ..self
        }
    }

    /// |x|.
    pub fn abs(self) -> Mp<N> {
        Mp { neg: false, ..self }
    }

    /// x · 2^k (exact).
    pub fn scale(self, k: i64) -> Mp<N> {
        if self.is_zero() {
            return self;
        }
        Mp {
            exp: self.exp + k,
            ..self
        }
    }

    /// An approximation as `f64` (for choosing reduction steps, never for results).
    pub fn to_f64(self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let top = self.sig[N - 1] as f64;
        let lead = self.lead();
        let m = top * crate::float::pow2(-63); // in [1, 2)
        let e = lead.clamp(-1100, 1100) as i32;
        let v = m * crate::float::pow2(e / 2) * crate::float::pow2(e - e / 2);
        if self.neg { -v } else { v }
    }

    /// Compares the values.
    pub fn cmp(&self, other: &Mp<N>) -> Ordering {
        match (self.sign(), other.sign()) {
            (a, b) if a != b => return a.cmp(&b),
            (Ordering::Equal, _) => return Ordering::Equal,
            _ => {}
        }
        let mag = self.cmp_abs(other);
        if self.neg { mag.reverse() } else { mag }
    }

    /// Compares the magnitudes.
    pub fn cmp_abs(&self, other: &Mp<N>) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        self.lead()
            .cmp(&other.lead())
            .then_with(|| cmp_limbs(&self.sig, &other.sig))
    }

    /// a + b rounded toward `dir`.
    pub fn add(a: &Mp<N>, b: &Mp<N>, dir: Dir) -> Mp<N> {
        if a.is_zero() {
            return *b;
        }
        if b.is_zero() {
            return *a;
        }
        // Larger magnitude first.
        let (x, y) = if a.cmp_abs(b) == Ordering::Less {
            (b, a)
        } else {
            (a, b)
        };
        // x occupies limbs 2..N+2 of an (N + 3)-limb buffer (the top limb takes the
        // carry); y is shifted into place and whatever falls below the buffer becomes a
        // sticky part.
        let n = N + 3;
        let mut buf = [0u64; WIDE];
        buf[2..N + 2].copy_from_slice(&x.sig);
        let base = x.exp - 128; // exponent of buf's last bit
        let d = y.exp - base; // y's last bit relative to buf's last bit
        let mut ys = [0u64; WIDE];
        for (j, w) in ys[..n].iter_mut().enumerate() {
            *w = window(&y.sig, 64 * j as i64 - d);
        }
        let lost = any_below(&y.sig, -d);
        let mag = &mut buf[..n];
        if x.neg == y.neg {
            add_into(mag, &ys[..n]);
            Mp::round(x.neg, base, mag, lost, dir)
        } else {
            sub_into(mag, &ys[..n]);
            if lost {
                // x − (y_kept + ε) = (x − y_kept − 1) + (1 − ε).
                sub_into(mag, &[1]);
            }
            Mp::round(x.neg, base, mag, lost, dir)
        }
    }

    /// a − b rounded toward `dir`.
    pub fn sub(a: &Mp<N>, b: &Mp<N>, dir: Dir) -> Mp<N> {
        Mp::add(a, &b.neg(), dir)
    }

    /// a · b rounded toward `dir`.
    pub fn mul(a: &Mp<N>, b: &Mp<N>, dir: Dir) -> Mp<N> {
        if a.is_zero() || b.is_zero() {
            return Mp::ZERO;
        }
        let mut prod = [0u64; WIDE];
        for i in 0..N {
            let mut carry: u128 = 0;
            for j in 0..N {
                let t = a.sig[i] as u128 * b.sig[j] as u128 + prod[i + j] as u128 + carry;
                prod[i + j] = t as u64;
                carry = t >> 64;
            }
            prod[i + N] = carry as u64;
        }
        Mp::round(a.neg != b.neg, a.exp + b.exp, &prod[..2 * N], false, dir)
    }

    /// a · k rounded toward `dir`.
    pub fn mul_u64(a: &Mp<N>, k: u64, dir: Dir) -> Mp<N> {
        let mut prod = [0u64; WIDE];
        let mut carry: u128 = 0;
        for (p, &w) in prod.iter_mut().zip(a.sig.iter()) {
            let t = w as u128 * k as u128 + carry;
            *p = t as u64;
            carry = t >> 64;
        }
        prod[N] = carry as u64;
        Mp::round(a.neg, a.exp, &prod[..N + 1], false, dir)
    }

    /// a / k rounded toward `dir` (k > 0).
    pub fn div_u64(a: &Mp<N>, k: u64, dir: Dir) -> Mp<N> {
        if k == 0 || a.is_zero() {
            return *a;
        }
        // One extra limb of quotient below the significand keeps p bits.
        let mut num = [0u64; WIDE];
        num[1..N + 1].copy_from_slice(&a.sig);
        let mut rem: u128 = 0;
        for i in (0..N + 1).rev() {
            let cur = (rem << 64) | num[i] as u128;
            num[i] = (cur / k as u128) as u64;
            rem = cur % k as u128;
        }
        Mp::round(a.neg, a.exp - 64, &num[..N + 1], rem != 0, dir)
    }

    /// a / b rounded toward `dir` (b ≠ 0; a zero divisor gives a).
    pub fn div(a: &Mp<N>, b: &Mp<N>, dir: Dir) -> Mp<N> {
        if a.is_zero() || b.is_zero() {
            return *a;
        }
        // Both significands are normalized: the quotient of a·2^(K−1) by b has K or
        // K − 1 bits; K = 64N + 2 keeps more than N limbs.
        let n = N + 1;
        let mut rem = [0u64; WIDE];
        rem[..N].copy_from_slice(&a.sig);
        let mut den = [0u64; WIDE];
        den[..N].copy_from_slice(&b.sig);
        let mut q = [0u64; WIDE];
        let k = Self::BITS + 2;
        for _ in 0..k {
            shl1(&mut q[..n + 1]);
            if cmp_limbs(&rem[..n], &den[..n]) != Ordering::Less {
                sub_into(&mut rem[..n], &den[..n]);
                q[0] |= 1;
            }
            shl1(&mut rem[..n]);
        }
        let sticky = rem[..n].iter().any(|&w| w != 0);
        Mp::round(
            a.neg != b.neg,
            a.exp - b.exp - (k - 1),
            &q[..n + 1],
            sticky,
            dir,
        )
    }

    /// √a rounded toward `dir` (a ≥ 0; a negative a gives 0).
    pub fn sqrt(a: &Mp<N>, dir: Dir) -> Mp<N> {
        if a.is_zero() || a.neg {
            return Mp::ZERO;
        }
        // m = sig · 2^(64N + t) with exp − 64N − t even: √(sig·2^exp) = √m · 2^((exp−64N−t)/2),
        // and √m has 64N + t/2 bits or so, at least N limbs.
        let t = (a.exp - Self::BITS).rem_euclid(2);
        let len = 2 * N + 1;
        let mut m = [0u64; WIDE];
        m[N..2 * N].copy_from_slice(&a.sig);
        if t == 1 {
            shl1(&mut m[..len]);
        }
        let e = (a.exp - Self::BITS - t) / 2;
        // Digit-by-digit square root.
        let mut res = [0u64; WIDE];
        let mut bit = [0u64; WIDE];
        let top = bit_len(&m[..len]) - 1;
        let b = top - top % 2;
        bit[(b / 64) as usize] = 1 << (b % 64);
        let mut tmp = [0u64; WIDE];
        while bit[..len].iter().any(|&w| w != 0) {
            tmp[..len].copy_from_slice(&res[..len]);
            add_into(&mut tmp[..len], &bit[..len]);
            if cmp_limbs(&m[..len], &tmp[..len]) != Ordering::Less {
                sub_into(&mut m[..len], &tmp[..len]);
                shr1(&mut res[..len]);
                add_into(&mut res[..len], &bit[..len]);
            } else {
                shr1(&mut res[..len]);
            }
            shr1(&mut bit[..len]);
            shr1(&mut bit[..len]);
        }
        let sticky = m[..len].iter().any(|&w| w != 0);
        Mp::round(false, e, &res[..len], sticky, dir)
    }

    /// The leading `bits` bits (≤ 128) of the magnitude as an integer T with
    /// |x| ∈ [T, T + 1) · 2^e, and e: the truncation to that many bits.
    pub fn truncate(&self, bits: u32) -> (u128, i64, bool) {
        let shift = Self::BITS - bits as i64;
        let lo = window(&self.sig, shift) as u128;
        let hi = if bits > 64 {
            window(&self.sig, shift + 64) as u128
        } else {
            0
        };
        let t = if bits >= 128 {
            (hi << 64) | lo
        } else {
            ((hi << 64) | lo) & ((1u128 << bits) - 1)
        };
        (t, self.exp + shift, any_below(&self.sig, shift))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Float;
    use rug::float::Round;

    fn to_rug<const N: usize>(x: &Mp<N>) -> Float {
        let mut f = Float::with_val(64 * N as u32 + 8, 0);
        for (i, &w) in x.sig.iter().enumerate() {
            f += Float::with_val(64, w) << (64 * i as u32);
        }
        f <<= x.exp as i32;
        if x.neg { -f } else { f }
    }

    fn from_rug<const N: usize>(f: &Float) -> Mp<N> {
        let mut g = Float::with_val(64 * N as u32, f);
        let neg = g.is_sign_negative();
        g = g.abs();
        if g.is_zero() {
            return Mp::ZERO;
        }
        let e = g.get_exp().unwrap() as i64 - 64 * N as i64;
        g >>= e as i32;
        let int = g.to_integer().unwrap();
        let mut sig = [0u64; N];
        int.write_digits(&mut sig, rug::integer::Order::Lsf);
        Mp { neg, exp: e, sig }
    }

    fn check<const N: usize>(name: &str, got: Mp<N>, exact: &Float, dir: Dir) {
        let r = match dir {
            Dir::Down => Round::Down,
            Dir::Up => Round::Up,
        };
        let want = Float::with_val_round(64 * N as u32, exact, r).0;
        assert_eq!(to_rug(&got), want, "{name} {dir:?}: exact {exact}");
        if !got.is_zero() {
            assert!(got.sig[N - 1] >> 63 == 1, "{name}: not normalized");
        }
    }

    fn values<const N: usize>(rng: &mut crate::SplitMix64) -> Mp<N> {
        use crate::RandomBits;
        let mut sig = [0u64; N];
        for w in sig.iter_mut() {
            *w = rng.next_u64();
        }
        // Sparse significands too: runs of zeros and ones exercise the carries.
        match rng.next_u64() % 4 {
            0 => sig[..N - 1].iter_mut().for_each(|w| *w = 0),
            1 => sig[..N - 1].iter_mut().for_each(|w| *w = u64::MAX),
            _ => {}
        }
        sig[N - 1] |= 1 << 63;
        let exp = (rng.next_u64() % 400) as i64 - 200 - 64 * N as i64;
        Mp {
            neg: rng.next_u64() & 1 == 1,
            exp,
            sig,
        }
    }

    fn run<const N: usize>() {
        let mut rng = crate::SplitMix64::new(7);
        let prec = 4 * 64 * N as u32 + 4000;
        for i in 0..3000 {
            let a: Mp<N> = values(&mut rng);
            let mut b: Mp<N> = values(&mut rng);
            if i % 5 == 0 {
                b.exp = a.exp + (i as i64 % 7) - 3; // near cancellation
                b.neg = !a.neg;
            }
            let (fa, fb) = (to_rug(&a), to_rug(&b));
            assert_eq!(to_rug(&from_rug::<N>(&fa)), fa);
            for dir in [Dir::Down, Dir::Up] {
                check(
                    "add",
                    Mp::add(&a, &b, dir),
                    &Float::with_val(prec, &fa + &fb),
                    dir,
                );
                check(
                    "sub",
                    Mp::sub(&a, &b, dir),
                    &Float::with_val(prec, &fa - &fb),
                    dir,
                );
                check(
                    "mul",
                    Mp::mul(&a, &b, dir),
                    &Float::with_val(prec, &fa * &fb),
                    dir,
                );
                check(
                    "div",
                    Mp::div(&a, &b, dir),
                    &Float::with_val(prec, &fa / &fb),
                    dir,
                );
                let k = 1 + (i as u64 * 2654435761) % 1_000_003;
                check(
                    "mul_u64",
                    Mp::mul_u64(&a, k, dir),
                    &Float::with_val(prec, &fa * k),
                    dir,
                );
                check(
                    "div_u64",
                    Mp::div_u64(&a, k, dir),
                    &Float::with_val(prec, &fa / k),
                    dir,
                );
                let pa = a.abs();
                check(
                    "sqrt",
                    Mp::sqrt(&pa, dir),
                    &Float::with_val(prec, to_rug(&pa).sqrt_ref()),
                    dir,
                );
            }
        }
        // Exact results come back unchanged, and ties of sign vanish.
        let one = Mp::<N>::from_i64(1);
        assert_eq!(Mp::sub(&one, &one, Dir::Down), Mp::ZERO);
        assert_eq!(Mp::sqrt(&Mp::<N>::from_i64(9), Dir::Up), Mp::from_i64(3));
    }

    /// Every operation against MPFR, in both directions, at 1, 3 and 8 limbs.
    #[test]
    fn arithmetic_matches_mpfr() {
        run::<1>();
        run::<3>();
        run::<8>();
    }
}
