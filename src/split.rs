//! The split at the last kept bit: an exact value cut into the kept integer and the
//! discarded part ([`Discarded`]) that [`round_increment`](crate::rounding::round_increment)
//! decides on. Float rounding, fixed-point casts and fixed-point sums of any alignment
//! all split here, on 128-bit significands or on 256-bit exact sums ([`Word`]).

use crate::rounding::Discarded;
use crate::u256::U256;

/// An unsigned integer that [`split`] cuts: `u128` or [`U256`].
pub(crate) trait Word: Copy {
    /// The number of bits.
    const BITS: u32;
    /// Zero.
    const ZERO: Self;
    /// `self << s`, 0 < s < BITS.
    fn shl(self, s: u32) -> Self;
    /// `self >> r`, 0 < r < BITS.
    fn shr(self, r: u32) -> Self;
    /// Whether the value is zero.
    fn is_zero(self) -> bool;
    /// The top 64 bits, and whether any bit below them is set.
    fn top_u64(self) -> (u64, bool);
    /// The value modulo 2¹²⁸, and whether it is at least 2¹²⁸.
    fn to_u128(self) -> (u128, bool);
}

impl Word for u128 {
    const BITS: u32 = 128;
    const ZERO: Self = 0;
    #[inline(always)]
    fn shl(self, s: u32) -> Self {
        self << s
    }
    #[inline(always)]
    fn shr(self, r: u32) -> Self {
        self >> r
    }
    #[inline(always)]
    fn is_zero(self) -> bool {
        self == 0
    }
    #[inline(always)]
    fn top_u64(self) -> (u64, bool) {
        ((self >> 64) as u64, self as u64 != 0)
    }
    #[inline(always)]
    fn to_u128(self) -> (u128, bool) {
        (self, false)
    }
}

impl Word for U256 {
    const BITS: u32 = 256;
    const ZERO: Self = U256::ZERO;
    #[inline(always)]
    fn shl(self, s: u32) -> Self {
        U256::shl(self, s)
    }
    #[inline(always)]
    fn shr(self, r: u32) -> Self {
        U256::shr(self, r)
    }
    #[inline(always)]
    fn is_zero(self) -> bool {
        U256::is_zero(self)
    }
    #[inline(always)]
    fn top_u64(self) -> (u64, bool) {
        ((self.hi >> 64) as u64, self.hi as u64 != 0 || self.lo != 0)
    }
    #[inline(always)]
    fn to_u128(self) -> (u128, bool) {
        (self.lo, self.hi != 0)
    }
}

/// The value `sig + ε` (0 < ε < 1 when `sticky`, else ε = 0) split after dropping its
/// low `drop` bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Split<T> {
    /// ⌊(sig + ε)·2^−drop⌋ modulo 2^BITS.
    pub kept: T,
    /// Whether ⌊(sig + ε)·2^−drop⌋ ≥ 2^BITS (bits shifted out at the top).
    pub carried: bool,
    /// What lies below the last kept bit, in units of it: only ε when drop ≤ 0.
    pub d: Discarded,
}

/// Splits `sig + ε` (0 < ε < 1 when `sticky`, else ε = 0) after its low `drop` bits (a
/// negative `drop` shifts left): the kept integer, whether it lost bits at the top, and
/// the discarded fraction — the one place where an exact value is cut for rounding. A
/// value m·2^e splits at the quantum 2^q with drop = q − e.
///
/// When drop ≤ 0 nothing but ε is discarded, so a `sticky` value is then only known to
/// lie strictly between `kept` and `kept + 1`.
#[inline(always)]
pub(crate) fn split<T: Word>(sig: T, sticky: bool, drop: i64) -> Split<T> {
    if drop <= 0 {
        // A left shift by −drop: nothing discarded but the sticky part.
        let (kept, carried) = if drop == 0 {
            (sig, false)
        } else if drop <= -i64::from(T::BITS) {
            (T::ZERO, !sig.is_zero())
        } else {
            let l = (-drop) as u32;
            (sig.shl(l), !sig.shr(T::BITS - l).is_zero())
        };
        return Split {
            kept,
            carried,
            d: Discarded { frac: 0, sticky },
        };
    }
    let (kept, frac, lost) = if drop < i64::from(T::BITS) {
        // The discarded `drop` bits, left-aligned: δ·2^BITS.
        let r = drop as u32;
        (sig.shr(r), sig.shl(T::BITS - r), false)
    } else {
        // Everything is discarded: δ·2^BITS = sig · 2^(BITS − drop).
        let down = drop - i64::from(T::BITS);
        let (frac, lost) = if down >= i64::from(T::BITS) {
            (T::ZERO, !sig.is_zero())
        } else if down == 0 {
            (sig, false)
        } else {
            let down = down as u32;
            (sig.shr(down), !sig.shl(T::BITS - down).is_zero())
        };
        (T::ZERO, frac, lost)
    };
    let (top, rest) = frac.top_u64();
    Split {
        kept,
        carried: false,
        d: Discarded {
            frac: top,
            sticky: sticky || lost || rest,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounding::{RandomBits, SplitMix64};

    /// The 256-bit split of a 128-bit value equals its 128-bit split wherever the kept
    /// part fits, and both reassemble the value: kept·2^q + δ·2^q = sig·2^exp.
    #[test]
    fn widths_agree_and_reassemble() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..200_000 {
            let sig = (u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64()))
                >> (rng.next_u64() % 128);
            let sticky = rng.next_u64() & 1 == 1;
            let exp = (rng.next_u64() % 64) as i32 - 32;
            let q = exp + (rng.next_u64() % 600) as i32 - 300;
            let s = i64::from(q) - i64::from(exp);
            let narrow = split(sig, sticky, s);
            let wide = split(U256::from_u128(sig), sticky, s);
            assert_eq!(narrow.d, wide.d, "{sig:x} {exp} {q}");
            if s >= -128 {
                assert_eq!(
                    (narrow.kept, narrow.carried),
                    (wide.kept.lo, wide.kept.hi != 0 || wide.carried),
                    "{sig:x} {exp} {q}"
                );
            }
            // Reassembly: sig = kept·2^s + (the discarded s bits), whose top 64 bits are
            // `frac` and whose rest is `sticky` (with ε's).
            if (1..=128).contains(&s) {
                let s = s as u32;
                let low = if s == 128 {
                    sig
                } else {
                    sig & ((1u128 << s) - 1)
                };
                let back = U256::from_u128(narrow.kept)
                    .shl(s)
                    .add(U256::from_u128(low));
                assert_eq!(back, U256::from_u128(sig));
                let (top, rest) = if s <= 64 {
                    ((low as u64) << (64 - s), false)
                } else {
                    (
                        (low >> (s - 64)) as u64,
                        low & ((1u128 << (s - 64)) - 1) != 0,
                    )
                };
                assert_eq!(
                    narrow.d,
                    Discarded {
                        frac: top,
                        sticky: rest || sticky
                    }
                );
            }
        }
    }
}
