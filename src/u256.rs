//! The crate's 256-bit unsigned integer: wide enough for the exact sum of two 128-bit
//! significands aligned to a common exponent (float add, sub and fma, fixed-point sums
//! of any alignment) and for the full product of two 128-bit integers (float mul and
//! sqrt, interval powers).

/// A 256-bit unsigned integer `hi·2¹²⁸ + lo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct U256 {
    pub hi: u128,
    pub lo: u128,
}

impl U256 {
    /// Zero.
    pub const ZERO: U256 = U256 { hi: 0, lo: 0 };

    /// The value of a `u128`.
    #[inline(always)]
    pub const fn from_u128(x: u128) -> Self {
        Self { hi: 0, lo: x }
    }

    /// `self << s` for any s (bits shifted past bit 255 are lost).
    #[inline(always)]
    pub const fn shl(self, s: u32) -> Self {
        if s == 0 {
            self
        } else if s < 128 {
            Self {
                hi: (self.hi << s) | (self.lo >> (128 - s)),
                lo: self.lo << s,
            }
        } else if s < 256 {
            Self {
                hi: self.lo << (s - 128),
                lo: 0,
            }
        } else {
            Self::ZERO
        }
    }

    /// `self >> r` for any r.
    #[inline(always)]
    pub const fn shr(self, r: u32) -> Self {
        if r == 0 {
            self
        } else if r < 128 {
            Self {
                hi: self.hi >> r,
                lo: (self.lo >> r) | (self.hi << (128 - r)),
            }
        } else if r < 256 {
            Self {
                hi: 0,
                lo: self.hi >> (r - 128),
            }
        } else {
            Self::ZERO
        }
    }

    /// Wrapping sum (callers guarantee no carry out of bit 255).
    #[inline(always)]
    pub const fn add(self, o: Self) -> Self {
        let (lo, carry) = self.lo.overflowing_add(o.lo);
        Self {
            hi: self.hi.wrapping_add(o.hi).wrapping_add(carry as u128),
            lo,
        }
    }

    /// Wrapping difference (callers guarantee `self >= o`).
    #[inline(always)]
    pub const fn sub(self, o: Self) -> Self {
        let (lo, borrow) = self.lo.overflowing_sub(o.lo);
        Self {
            hi: self.hi.wrapping_sub(o.hi).wrapping_sub(borrow as u128),
            lo,
        }
    }

    /// `self < o`.
    #[inline(always)]
    pub const fn lt(self, o: Self) -> bool {
        self.hi < o.hi || (self.hi == o.hi && self.lo < o.lo)
    }

    /// Whether the value is zero.
    #[inline(always)]
    pub const fn is_zero(self) -> bool {
        self.hi == 0 && self.lo == 0
    }

    /// The full product of two `u128` values.
    #[inline]
    pub const fn mul(a: u128, b: u128) -> Self {
        let (a1, a0) = (a >> 64, a & (u64::MAX as u128));
        let (b1, b0) = (b >> 64, b & (u64::MAX as u128));
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        // Middle column: p01 + p10 + carry of p00, split into its low and high 64 bits.
        let (mid, c1) = p01.overflowing_add(p10);
        let (lo, c2) = p00.overflowing_add(mid << 64);
        let hi = p11 + (mid >> 64) + ((c1 as u128) << 64) + c2 as u128;
        Self { hi, lo }
    }

    /// The top 128 significant bits and whether any bit below them is set, with the
    /// number of bits dropped: `self = (sig + ε)·2^dropped`, 0 ≤ ε < 1, ε > 0 iff sticky.
    #[inline]
    pub const fn to_u128_sticky(self) -> (u128, u32, bool) {
        if self.hi == 0 {
            return (self.lo, 0, false);
        }
        let drop = 128 - self.hi.leading_zeros();
        if drop == 128 {
            return (self.hi, 128, self.lo != 0);
        }
        let sig = (self.hi << (128 - drop)) | (self.lo >> drop);
        let sticky = self.lo << (128 - drop) != 0;
        (sig, drop, sticky)
    }
}

#[cfg(test)]
mod tests {
    use super::U256;
    use crate::rounding::{RandomBits, SplitMix64};

    /// A random 256-bit value with runs of zero and one bits, so that carries, borrows
    /// and shifts cross the 128-bit boundary.
    fn random(rng: &mut SplitMix64) -> U256 {
        let mut word = || {
            let x = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
            match rng.next_u64() % 4 {
                0 => 0,
                1 => u128::MAX,
                2 => x >> (rng.next_u64() % 128),
                _ => x,
            }
        };
        U256 {
            hi: word(),
            lo: word(),
        }
    }

    /// Each operation against the same operation on four 64-bit limbs.
    #[test]
    fn operations_match_limb_arithmetic() {
        let limbs = |x: U256| {
            [
                x.lo as u64,
                (x.lo >> 64) as u64,
                x.hi as u64,
                (x.hi >> 64) as u64,
            ]
        };
        let join = |l: [u64; 4]| U256 {
            lo: u128::from(l[1]) << 64 | u128::from(l[0]),
            hi: u128::from(l[3]) << 64 | u128::from(l[2]),
        };
        let mut rng = SplitMix64::new(256);
        for _ in 0..100_000 {
            let (a, b) = (random(&mut rng), random(&mut rng));
            let (la, lb) = (limbs(a), limbs(b));
            // Sum and difference modulo 2²⁵⁶, limb by limb.
            let (mut sum, mut diff) = ([0u64; 4], [0u64; 4]);
            let (mut carry, mut borrow) = (false, false);
            for i in 0..4 {
                let (s, c1) = la[i].overflowing_add(lb[i]);
                let (s, c2) = s.overflowing_add(u64::from(carry));
                (sum[i], carry) = (s, c1 || c2);
                let (d, b1) = la[i].overflowing_sub(lb[i]);
                let (d, b2) = d.overflowing_sub(u64::from(borrow));
                (diff[i], borrow) = (d, b1 || b2);
            }
            assert_eq!(a.add(b), join(sum));
            assert_eq!(a.sub(b), join(diff));
            assert_eq!(a.lt(b), (a.hi, a.lo) < (b.hi, b.lo));
            assert_eq!(a.is_zero(), a == U256::ZERO);
            // Shifts, bit by bit.
            let s = (rng.next_u64() % 300) as u32;
            let bit = |x: U256, i: u32| {
                i < 256
                    && (if i < 128 {
                        x.lo >> i
                    } else {
                        x.hi >> (i - 128)
                    }) & 1
                        == 1
            };
            let (l, r) = (a.shl(s), a.shr(s));
            for i in 0..256 {
                assert_eq!(bit(l, i), i >= s && bit(a, i - s), "shl {s} bit {i}");
                assert_eq!(bit(r, i), bit(a, i + s), "shr {s} bit {i}");
            }
            // The full product by schoolbook multiplication of 64-bit limbs.
            let (x, y) = (a.lo, b.hi);
            let (lx, ly) = ([x as u64, (x >> 64) as u64], [y as u64, (y >> 64) as u64]);
            let mut p = [0u64; 4];
            for i in 0..2 {
                let mut carry = 0u128;
                for j in 0..2 {
                    let t = u128::from(lx[i]) * u128::from(ly[j]) + u128::from(p[i + j]) + carry;
                    p[i + j] = t as u64;
                    carry = t >> 64;
                }
                p[i + 2] = carry as u64;
            }
            assert_eq!(U256::mul(x, y), join(p));
            // The top 128 bits, the bits dropped and the sticky bit reassemble the value.
            let (sig, dropped, sticky) = a.to_u128_sticky();
            assert!(dropped == 0 || sig >> 127 == 1);
            assert_eq!(
                U256::from_u128(sig).shl(dropped),
                a.shr(dropped).shl(dropped)
            );
            assert_eq!(sticky, a.shr(dropped).shl(dropped) != a);
        }
    }
}
