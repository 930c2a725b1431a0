//! Comparisons of exact values: the exact order ([`Wide::cmp_value`], through
//! `Exact::cmp_value`, the crate's one exact comparison) and the headers' operators
//! ([`Wide::header_compare`]).

use super::result_type::join;
use super::wide::Wide;
use crate::fixed::format::{Family, FixedFormat};
use core::cmp::Ordering;

impl Wide {
    /// Compares the exact values of two values of any types.
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// let a = FixedFormat::ap_ufixed(8, 8)?;
    /// let b = FixedFormat::ap_fixed(8, 1)?;
    /// let x = Wide::from_bits(&a, 0);          // 0
    /// let y = Wide::from_bits(&b, 0xFF);       // -2^-7
    /// assert_eq!(x.cmp_value(&y), core::cmp::Ordering::Greater);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cmp_value(&self, b: &Wide) -> Ordering {
        // Two finite exact values without sticky bits: always ordered.
        self.to_exact()
            .cmp_value(&b.to_exact())
            .unwrap_or(Ordering::Equal)
    }

    /// The headers' comparison operators (`<`, `==`, `>`), as `(a < b, a == b, a > b)`.
    ///
    /// For `ac_fixed` operands this is the exact comparison ([`cmp_value`](Wide::cmp_value)):
    /// `ac_fixed` keeps unsigned values with a zero sign bit and compares two's
    /// complement words. For `ap_fixed`/`ap_int` it equals the exact comparison except
    /// when one operand is signed and the other unsigned and one of the (aligned) widths
    /// is at least 32 bits: then the headers follow C's usual arithmetic conversions and
    /// compare bit patterns as unsigned, so a negative value compares greater than a
    /// non-negative one (and `==` compares the patterns modulo 2^max(W1, W2, 32)).
    ///
    /// ```
    /// use lowprec::fixed::{FixedFormat, Wide};
    /// let s = FixedFormat::ap_int(32)?;
    /// let u = FixedFormat::ap_uint(32)?;
    /// let (a, b) = (Wide::from_bits(&s, s.bits_of(-1)), Wide::from_bits(&u, 1));
    /// assert_eq!(a.header_compare(&b), (false, false, true)); // -1 > 1u, as in C
    /// assert_eq!(a.cmp_value(&b), core::cmp::Ordering::Less);
    /// let s: FixedFormat = "ac_fixed<32,32,true>".parse()?;
    /// let u: FixedFormat = "ac_fixed<32,32,false>".parse()?;
    /// let (a, b) = (Wide::from_bits(&s, s.bits_of(-1)), Wide::from_bits(&u, 1));
    /// assert_eq!(a.header_compare(&b), (true, false, false)); // ac_fixed: -1 < 1
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn header_compare(&self, b: &Wide) -> (bool, bool, bool) {
        let exact = self.cmp_value(b);
        let (fa, fb) = (self.format.frac_bits(), b.format.frac_bits());
        let (mut wa, mut wb) = (i64::from(self.format.width()), i64::from(b.format.width()));
        // The operand with fewer fraction bits is widened (a gets one more integer bit).
        if fa > fb {
            wb += i64::from(fa) - i64::from(fb);
        } else if fa < fb {
            wa += i64::from(fb) - i64::from(fa) + 1;
        }
        let (sa, sb) = (self.format.signed, b.format.signed);
        let exact_result = (
            exact == Ordering::Less,
            exact == Ordering::Equal,
            exact == Ordering::Greater,
        );
        if sa == sb || join(self.format.family, b.format.family) == Family::AcFixed {
            return exact_result;
        }
        let (na, nb) = (sa && self.raw < 0, sb && b.raw < 0);
        // `==`: the patterns modulo 2^M (only a negative value against a large unsigned
        // one can differ from the exact answer).
        let m = wa.max(wb).max(32);
        let eq = if exact == Ordering::Equal {
            true
        } else if (na || nb) && m <= 120 {
            let (neg, pos) = if na { (self, b) } else { (b, self) };
            let f = fa.max(fb);
            let align = |w: &Wide| -> Option<i128> {
                let sh = (f - w.format.frac_bits()) as u32;
                w.raw.checked_mul(1i128.checked_shl(sh)?)
            };
            match (align(neg), align(pos)) {
                (Some(v), Some(u)) => v + (1i128 << m) == u,
                _ => false,
            }
        } else {
            false
        };
        if wa < 32 && wb < 32 {
            return (exact_result.0, eq, exact_result.2);
        }
        // The unsigned comparison applies when the unsigned operand is at least as wide.
        let unsigned_cmp = if sa { wb >= wa } else { wa >= wb };
        if !unsigned_cmp || !(na || nb) {
            return (exact_result.0, eq, exact_result.2);
        }
        // The negative (signed) operand's pattern is the larger one.
        if na {
            (false, eq, true)
        } else {
            (true, eq, false)
        }
    }
}

impl FixedFormat {
    /// Compares the values of two fixed-point numbers of any types.
    pub fn cmp_bits(&self, a: u64, other: &FixedFormat, b: u64) -> Ordering {
        Wide::from_bits(self, a).cmp_value(&Wide::from_bits(other, b))
    }
}
