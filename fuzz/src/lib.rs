//! What the fuzz targets share: reading a random format and rounding mode from the input.

use lowprec::fixed::{Family, FixedFormat, FixedParams, OverflowMode, Quantization};
use lowprec::float::{FloatParams, Specials};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, Rounding};

/// Reads the test case's parameters from the front of the input.
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    /// The next byte, 0 once the input is used up.
    pub fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    /// The next eight bytes, big-endian.
    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| acc << 8 | u64::from(self.byte()))
    }
}

/// A format from five or six bytes, or `None` when `FloatFormat::new` rejects it.
pub fn format(b: &mut Bytes<'_>) -> Option<FloatFormat> {
    let exp_bits = 1 + u32::from(b.byte()) % 11;
    let man_bits = u32::from(b.byte()) % 53;
    let flags = b.byte();
    let bias_byte = b.byte();
    let bias = match flags >> 5 {
        // Mostly the IEEE bias, sometimes near it, sometimes far from it.
        0..=3 => (1 << (exp_bits - 1)) - 1,
        4 | 5 => (1 << (exp_bits - 1)) - 1 + i32::from(bias_byte as i8),
        _ => i32::from(i16::from_le_bytes([bias_byte, b.byte()])) * 32,
    };
    let specials = Specials::ALL[usize::from(flags) % Specials::ALL.len()];
    let subnormals = flags & 0x08 == 0;
    let signed = flags & 0x10 == 0;
    FloatFormat::new(FloatParams {
        exp_bits,
        man_bits,
        bias,
        specials,
        subnormals,
        signed,
    })
    .ok()
}

/// Any rounding mode, stochastic ones with 1 to 64 random bits.
pub fn mode(b: &mut Bytes<'_>) -> Rounding {
    let m = b.byte();
    let bits = 1 + b.byte() % 64;
    let sr = |kind| Rounding::Stochastic(Stochastic { kind, bits });
    let det = Rounding::DETERMINISTIC.len();
    match usize::from(m) % (det + 5) {
        i if i < det => Rounding::DETERMINISTIC[i],
        i if i == det => sr(SrKind::Proportional),
        i if i == det + 1 => sr(SrKind::Equal),
        i if i == det + 2 => sr(SrKind::P3109A),
        i if i == det + 3 => sr(SrKind::P3109B),
        _ => sr(SrKind::P3109C),
    }
}

/// A fixed-point format from five bytes: `ap_fixed`, `ap_ufixed` or `ac_fixed` (signed or
/// not), a width in `widths` (clamped to 1..=64), integer bits I in [−W, 2W], every
/// quantization and overflow mode the family has, and N saturation bits (mostly 0) for
/// `AP_WRAP`/`AP_WRAP_SM`. Every byte string gives a valid format: modes a family lacks
/// are drawn from the ones it has.
pub fn fixed_format_in(b: &mut Bytes<'_>, widths: core::ops::RangeInclusive<u32>) -> FixedFormat {
    let (lo, hi) = (*widths.start().max(&1), *widths.end().min(&64));
    let hi = hi.max(lo);
    let kind = b.byte();
    let width = lo + u32::from(b.byte()) % (hi - lo + 1);
    let int_bits = -(width as i32) + i32::from(b.byte()) % (3 * width as i32 + 1);
    let modes = b.byte();
    let n_byte = b.byte();
    let (family, signed) = match kind % 4 {
        0 => (Family::ApFixed, true),
        1 => (Family::ApFixed, false),
        2 => (Family::AcFixed, true),
        _ => (Family::AcFixed, false),
    };
    let quantization = match family {
        // ap_fixed has no ties-to-odd.
        Family::ApFixed => Quantization::ALL[usize::from(modes & 7) % 7],
        _ => Quantization::ALL[usize::from(modes & 7)],
    };
    // WRAP_SM only for signed ap_fixed.
    let overflows = if family == Family::ApFixed && signed {
        5
    } else {
        4
    };
    let overflow = [
        OverflowMode::Sat,
        OverflowMode::SatZero,
        OverflowMode::SatSym,
        OverflowMode::Wrap,
        OverflowMode::WrapSm,
    ][usize::from(modes >> 3) % overflows];
    let sat_bits = match overflow {
        OverflowMode::Wrap | OverflowMode::WrapSm
            if family == Family::ApFixed && n_byte & 0xC0 == 0xC0 =>
        {
            u32::from(n_byte & 0x3F) % (width + 1)
        }
        _ => 0,
    };
    FixedFormat::new(FixedParams {
        family,
        width,
        int_bits,
        signed,
        quantization,
        overflow,
        sat_bits,
    })
    .expect("the reader only builds valid formats")
}

/// [`fixed_format_in`] with any width 1..=64.
pub fn fixed_format(b: &mut Bytes<'_>) -> FixedFormat {
    fixed_format_in(b, 1..=64)
}
