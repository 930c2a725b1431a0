//! Decoding: codes to host values, by a branchless kernel for kernel-friendly formats
//! whose values all fit the host type, else by the scalar conversion.

use super::api::Code;
use super::host::{Host, Word, kernel_friendly};
use crate::float::FloatFormat;

/// Per-call constants of the decoding kernel.
#[derive(Clone, Copy)]
struct DecodePlan<H: Host> {
    /// 2^m: the first normal magnitude code.
    min_normal_code: H::Bits,
    /// s = MAN − m: a normal code's fraction sits s bits below the host's.
    dropped_bits: u32,
    /// The magnitude bits of a code.
    mag_mask: H::Bits,
    /// The code's sign bit.
    code_sign: H::Bits,
    /// The host's sign bit.
    host_sign: H::Bits,
    /// (host bias − bias) << MAN: added to mag << s for a normal code.
    rebias: H::Bits,
    /// C = 2^(q_min + MAN), whose ulp is the format's finest quantum q.
    magic: H,
    /// Host bits of C.
    magic_bits: H::Bits,
    /// All ones when codes below 2^m are subnormals (else they decode as zero).
    subnormal_mask: H::Bits,
    /// All ones when the format has −0 (the sign is kept on a zero value).
    neg_zero_mask: H::Bits,
    /// The largest finite magnitude code.
    max_mag: H::Bits,
    /// +∞'s magnitude code, or one above every magnitude.
    inf_mag: H::Bits,
    /// Host bits of the negative-zero code's value (−0, or NaN in FNUZ and P3109).
    neg_zero_value: H::Bits,
    /// Host bits of the values of +∞'s and −∞'s codes (unused without infinities).
    inf_value: [H::Bits; 2],
    /// Host bits of the values of the NaN codes, [positive, negative].
    nan_value: [H::Bits; 2],
}

impl<H: Host> DecodePlan<H> {
    /// The plan for decoding `fmt` into `H`; `None` unless the format is kernel-friendly
    /// and every value fits `H`.
    fn new(fmt: &FloatFormat) -> Option<Self> {
        // Also every value must fit the host: emax within the host's.
        if !kernel_friendly::<H>(fmt) || fmt.emax() > H::BIAS {
            return None;
        }
        let m = fmt.man_bits();
        let value = |code: u64| H::Bits::from_u64(H::from_code(fmt, code).to_bits().to_u64());
        let sign = fmt.sign_bit();
        let inf = fmt.inf_code();
        // Any code above max_mag that is not +∞ decodes as NaN (IEEE payloads and
        // E4M3FN's S.1111.111 alike); FNUZ and finite P3109 have none.
        let nan_mag = if fmt.max_mag() < fmt.mag_mask() && inf != Some(fmt.mag_mask()) {
            fmt.mag_mask()
        } else {
            fmt.max_mag()
        };
        let magic_bits = H::pow2_bits(fmt.quantum_min() + H::MAN as i32);
        Some(DecodePlan {
            min_normal_code: H::Bits::ONE << m,
            dropped_bits: H::MAN - m,
            mag_mask: H::Bits::from_u64(fmt.mag_mask()),
            code_sign: H::Bits::from_u64(sign),
            host_sign: H::Bits::ONE << (H::Bits::BITS - 1),
            rebias: H::Bits::from_u64(
                ((i64::from(H::BIAS) - i64::from(fmt.bias())) << H::MAN) as u64,
            ),
            magic: H::from_bits(magic_bits),
            magic_bits,
            subnormal_mask: H::Bits::mask(fmt.has_subnormals()),
            neg_zero_mask: H::Bits::mask(fmt.has_neg_zero()),
            max_mag: H::Bits::from_u64(fmt.max_mag()),
            inf_mag: H::Bits::from_u64(inf.unwrap_or(fmt.mag_mask() + 1)),
            neg_zero_value: value(sign),
            inf_value: [value(inf.unwrap_or(0)), value(inf.unwrap_or(0) | sign)],
            nan_value: [value(nan_mag), value(nan_mag | sign)],
        })
    }

    /// One code to host bits, branchless.
    #[inline(always)]
    fn lane(&self, code: H::Bits) -> H::Bits {
        let z = H::Bits::ZERO;
        let mag = code & self.mag_mask;
        let neg = code & self.code_sign != z;
        let negm = H::Bits::mask(neg);
        let pick = |pair: [H::Bits; 2]| pair[0] ^ (negm & (pair[0] ^ pair[1]));
        // Normal: mag = (E << m) | f, so mag << s = (E << MAN) | (f << s), and adding
        // (host bias − bias) << MAN turns E into the host's biased exponent.
        let v_n = (mag << self.dropped_bits).wadd(self.rebias);
        // Subnormal: C + mag·q − C, exact (Sterbenz), with q = the ulp of C.
        let v_s =
            (H::from_bits(self.magic_bits.wadd(mag)) - self.magic).to_bits() & self.subnormal_mask;
        // Every compare is signed: codes are below 2^(BITS−1).
        let v = if mag.slt(self.min_normal_code) {
            v_s
        } else {
            v_n
        };
        let keep = H::Bits::mask(v != z) | self.neg_zero_mask;
        let v = v | (negm & keep & self.host_sign);
        let v = if neg && mag == z {
            self.neg_zero_value
        } else {
            v
        };
        let special = if mag == self.inf_mag {
            pick(self.inf_value)
        } else {
            pick(self.nan_value)
        };
        if self.max_mag.slt(mag) { special } else { v }
    }
}

/// Decodes `src` into `dst` (the shorter length), element for element as
/// [`Host::from_code`].
#[inline]
pub(super) fn decode<H: Host, C: Code>(fmt: &FloatFormat, src: &[C], dst: &mut [H]) {
    match DecodePlan::<H>::new(fmt) {
        Some(p) => {
            for (c, d) in src.iter().zip(dst.iter_mut()) {
                *d = H::from_bits(p.lane(H::Bits::from_u64(c.to_u64())));
            }
        }
        None => {
            for (c, d) in src.iter().zip(dst.iter_mut()) {
                *d = H::from_code(fmt, c.to_u64());
            }
        }
    }
}
