//! The kernels' one cast step: an exact intermediate raw · 2^−f written into a
//! fixed-point type, planned once per (f, type) pair.
//!
//! Every kernel computes exactly in `i128` (products of raw integers, aligned sums), as the
//! C++ operators do in their full-precision result types, and rounds only where the C++
//! kernel assigns to a typed variable. That assignment is [`Requant::apply`]: it gives
//! what [`Wide::cast`](crate::fixed::Wide::cast) gives for the same value and type, so the
//! rounding is the crate's one fixed-point cast. The plan adds a shortcut for the common
//! types (a rounding mode of `ap_fixed`/`ac_fixed`, overflow `SAT`, `SAT_SYM`, `SAT_ZERO` or
//! `WRAP` without saturation bits, W ≤ 63, a shift of at most 100 bits): the floor of the
//! shifted value and the discarded remainder decide the increment as the mode's definition
//! reads on two's complement (see [`Quantization`]), then the overflow mode clamps, zeroes
//! or wraps. Every other type takes the general cast. The tests prove the shortcut equal
//! to the general cast for every mode, overflow mode and shift on both sides of every
//! rounding boundary and of both ends of the range.

use crate::fixed::{FixedFormat, OverflowMode, Quantization};

/// A planned cast of raw · 2^−`from_frac` (any `i128`) into a fixed-point type.
///
/// ```
/// use lowprec::fixed::FixedFormat;
/// use lowprec::nn::Requant;
/// let acc: FixedFormat = "ap_fixed<8,3,AP_RND_CONV,AP_SAT>".parse()?;
/// let q = Requant::new(10, acc); // from a product with 10 fraction bits
/// assert_eq!(q.apply(48 << 5), 48);   // 1.5 exactly
/// assert_eq!(q.apply(16), 0);         // 2^-6: half an LSB, a tie to even
/// assert_eq!(q.apply(1 << 20), 127);  // 1024 saturates at 3.96875
/// # Ok::<(), lowprec::fixed::FixedFormatError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requant {
    to: FixedFormat,
    from_frac: i32,
    plan: Plan,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    /// The general cast.
    General,
    /// The shortcut: left shift (`shift ≥ 0`) or right shift by `-shift` with rounding.
    Fast {
        shift: i32,
        quant: Quantization,
        overflow: OverflowMode,
        min: i64,
        max: i64,
        signed: bool,
        width: u32,
    },
}

impl Requant {
    /// Plans the cast of values with `from_frac` fraction bits into `to`.
    pub const fn new(from_frac: i32, to: FixedFormat) -> Requant {
        let shift = to.frac_bits() as i64 - from_frac as i64;
        let overflow_ok = match to.overflow() {
            OverflowMode::Sat | OverflowMode::SatSym | OverflowMode::SatZero => true,
            OverflowMode::Wrap => to.sat_bits() == 0,
            OverflowMode::WrapSm => false,
        };
        let plan = if overflow_ok && to.width() <= 63 && shift >= -100 && shift <= 100 {
            // SAT_SYM never holds the most negative code, except in W = 1 ({−1, 0}).
            let sym =
                matches!(to.overflow(), OverflowMode::SatSym) && to.is_signed() && to.width() > 1;
            let max = to.max_raw() as i64;
            Plan::Fast {
                shift: shift as i32,
                quant: to.quantization(),
                overflow: to.overflow(),
                min: if sym { -max } else { to.min_raw() as i64 },
                max,
                signed: to.is_signed(),
                width: to.width(),
            }
        } else {
            Plan::General
        };
        Requant {
            to,
            from_frac,
            plan,
        }
    }

    /// The target type.
    pub const fn to(&self) -> FixedFormat {
        self.to
    }

    /// The fraction bits of the values it reads.
    pub const fn from_frac(&self) -> i32 {
        self.from_frac
    }

    /// Casts raw · 2^−`from_frac`: the target's raw integer (sign-extended for signed
    /// types; an unsigned 64-bit target gives its bit pattern).
    #[inline(always)]
    pub fn apply(&self, raw: i128) -> i64 {
        match self.plan {
            Plan::General => self.general(raw),
            Plan::Fast {
                shift,
                quant,
                overflow,
                min,
                max,
                signed,
                width,
            } => {
                let q = if shift >= 0 {
                    let lim = 1i128 << (126 - shift);
                    if raw >= lim || raw < -lim {
                        // Far beyond any W ≤ 63 type: only the direction and, for a
                        // wrap, the low bits matter (which the wrapping shift keeps).
                        return match overflow {
                            OverflowMode::Wrap => {
                                wrap(raw.wrapping_shl(shift as u32), signed, width)
                            }
                            OverflowMode::SatZero => 0,
                            _ if raw < 0 => min,
                            _ => max,
                        };
                    }
                    raw << shift
                } else {
                    let r = (-shift) as u32;
                    let floor = raw >> r;
                    let rem = (raw & ((1i128 << r) - 1)) as u128;
                    let half = 1u128 << (r - 1);
                    let inc = match quant {
                        Quantization::Trn => false,
                        Quantization::TrnZero => raw < 0 && rem != 0,
                        Quantization::Rnd => rem >= half,
                        Quantization::RndZero => rem > half || (rem == half && raw < 0),
                        Quantization::RndMinInf => rem > half,
                        Quantization::RndInf => rem > half || (rem == half && raw >= 0),
                        Quantization::RndConv => rem > half || (rem == half && floor & 1 == 1),
                        Quantization::RndConvOdd => rem > half || (rem == half && floor & 1 == 0),
                    };
                    floor + i128::from(inc)
                };
                if q >= i128::from(min) && q <= i128::from(max) {
                    return q as i64;
                }
                match overflow {
                    OverflowMode::Wrap => wrap(q, signed, width),
                    OverflowMode::SatZero => 0,
                    _ if q < 0 => min,
                    _ => max,
                }
            }
        }
    }

    #[inline(never)]
    fn general(&self, raw: i128) -> i64 {
        let bits = self.to.cast_raw_parts(raw, true, self.from_frac).value;
        self.to.raw_of(bits) as i64
    }
}

/// The low `width` bits of `q`, sign-extended for signed types.
#[inline(always)]
fn wrap(q: i128, signed: bool, width: u32) -> i64 {
    let sh = 128 - width;
    if signed {
        ((q << sh) >> sh) as i64
    } else {
        ((q as u128) << sh >> sh) as i64
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::fixed::{Family, FixedParams};
    use std::vec::Vec;

    const QUANTS: [Quantization; 8] = [
        Quantization::Trn,
        Quantization::TrnZero,
        Quantization::Rnd,
        Quantization::RndZero,
        Quantization::RndMinInf,
        Quantization::RndInf,
        Quantization::RndConv,
        Quantization::RndConvOdd,
    ];

    fn formats() -> Vec<FixedFormat> {
        let overflows = [
            (OverflowMode::Sat, 0),
            (OverflowMode::SatSym, 0),
            (OverflowMode::SatZero, 0),
            (OverflowMode::Wrap, 0),
            (OverflowMode::Wrap, 2),
            (OverflowMode::WrapSm, 0),
        ];
        let shapes = [
            (1, 1, true),
            (4, 2, true),
            (8, 3, false),
            (12, -2, true),
            (63, 20, true),
            (64, 30, true),
            (63, 9, false),
        ];
        let mut out = Vec::new();
        for (width, int_bits, signed) in shapes {
            for quantization in QUANTS {
                for (overflow, sat_bits) in overflows {
                    let family = if quantization == Quantization::RndConvOdd {
                        Family::AcFixed
                    } else {
                        Family::ApFixed
                    };
                    let p = FixedParams {
                        family,
                        width,
                        int_bits,
                        signed,
                        quantization,
                        overflow,
                        sat_bits,
                    };
                    if let Ok(f) = FixedFormat::new(p) {
                        out.push(f);
                    }
                }
            }
        }
        out
    }

    /// Raw values on both sides of every rounding boundary (for a right shift) and of
    /// both ends of the range, and far beyond.
    fn probes(fmt: &FixedFormat, from_frac: i32) -> Vec<i128> {
        let shift = i64::from(fmt.frac_bits()) - i64::from(from_frac);
        let mut v = Vec::new();
        for e in [fmt.min_raw(), fmt.max_raw(), 0, 1, -1, 5, -6] {
            // e in the source's quantum, and the half-LSB offset of a right shift.
            let (base, half) = if shift >= 0 {
                (if shift < 120 { e >> shift } else { 0 }, 0)
            } else if -shift < 60 {
                (e.saturating_mul(1i128 << -shift), 1i128 << (-shift - 1))
            } else {
                (e, 0)
            };
            for k in -3i128..=3 {
                for d in [0, half, -half, half + 1, half - 1, 1 - half] {
                    v.push(base.saturating_add(k).saturating_add(d));
                }
            }
        }
        v.extend([
            i128::MAX,
            i128::MIN,
            i128::MAX >> 1,
            i128::MIN >> 1,
            1 << 100,
            -(1 << 100),
        ]);
        v
    }

    #[test]
    fn shortcut_is_the_general_cast() {
        let mut checked = 0u64;
        let mut fast = 0u64;
        for fmt in formats() {
            for from_frac in [-70, -8, -1, 0, 1, 3, 7, 20, 40, 62, 90, 101, 140] {
                let q = Requant::new(from_frac, fmt);
                fast += u64::from(matches!(q.plan, Plan::Fast { .. }));
                for raw in probes(&fmt, from_frac) {
                    let want = fmt.raw_of(fmt.cast_raw_parts(raw, true, from_frac).value) as i64;
                    assert_eq!(q.apply(raw), want, "{fmt} from_frac {from_frac} raw {raw}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000 && fast > 1_000, "{checked} {fast}");
    }
}
