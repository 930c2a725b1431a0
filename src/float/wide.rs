//! A 256-bit unsigned integer, just wide enough for exact sums of two 128-bit
//! significands aligned to a common exponent (add, sub, fma, dot products).

/// A 256-bit unsigned integer `hi·2¹²⁸ + lo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct U256 {
    pub hi: u128,
    pub lo: u128,
}

impl U256 {
    pub const fn from_u128(x: u128) -> Self {
        Self { hi: 0, lo: x }
    }

    /// `self << s` for s < 256 (bits shifted past bit 255 are lost; callers keep clear of them).
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
            Self { hi: 0, lo: 0 }
        }
    }

    /// Wrapping sum (callers guarantee no carry out of bit 255).
    pub const fn add(self, o: Self) -> Self {
        let (lo, carry) = self.lo.overflowing_add(o.lo);
        Self {
            hi: self.hi.wrapping_add(o.hi).wrapping_add(carry as u128),
            lo,
        }
    }

    /// Wrapping difference (callers guarantee `self >= o`).
    pub const fn sub(self, o: Self) -> Self {
        let (lo, borrow) = self.lo.overflowing_sub(o.lo);
        Self {
            hi: self.hi.wrapping_sub(o.hi).wrapping_sub(borrow as u128),
            lo,
        }
    }

    pub const fn lt(self, o: Self) -> bool {
        self.hi < o.hi || (self.hi == o.hi && self.lo < o.lo)
    }

    pub const fn is_zero(self) -> bool {
        self.hi == 0 && self.lo == 0
    }

    /// Full product of two `u128` values.
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
