//! What the fuzz targets share: reading a random format and rounding mode from the input.

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
