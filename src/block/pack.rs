//! Packing element codes into bytes.
//!
//! Codes of `width` bits are laid end to end in a little-endian bit stream: code i
//! occupies bits i·width … i·width + width − 1, bit k of the stream being bit k mod 8 of
//! byte k / 8. So two FP4 codes share a byte (element 0 in the low nibble), four FP6
//! codes fill three bytes (element 0 in bits 0–5 of byte 0, element 1 in bits 6–7 of
//! byte 0 and 0–3 of byte 1, …), and 8-bit codes are one per byte. The unused high bits
//! of a last partial byte are zero. This is the common convention of MX software
//! (element 0 in the low bits).

use super::BlockError;

/// The number of bytes `len` codes of `width` bits take: ⌈len · width / 8⌉.
///
/// ```
/// assert_eq!(lowprec::block::packed_len(4, 5), 3);
/// assert_eq!(lowprec::block::packed_len(6, 4), 3);
/// ```
pub const fn packed_len(width: u32, len: usize) -> usize {
    (len.saturating_mul(width as usize)).div_ceil(8)
}

fn check_width(width: u32) -> Result<(), BlockError> {
    if (1..=8).contains(&width) {
        Ok(())
    } else {
        Err(BlockError::PackWidth(width))
    }
}

/// Packs `codes` of `width` bits (1..=8; bits above the width are ignored) into `out`,
/// which must hold exactly [`packed_len`] bytes.
///
/// # Errors
/// [`BlockError::PackWidth`] for a width outside 1..=8, [`BlockError::Length`] for an
/// output of the wrong length.
///
/// ```
/// let mut out = [0u8; 2];
/// lowprec::block::pack(4, &[0x1, 0x2, 0xF], &mut out)?;
/// assert_eq!(out[..2], [0x21, 0x0F]);
/// let mut six = [0u8; 3];
/// lowprec::block::pack(6, &[0x3F, 0, 0, 0x01], &mut six)?;
/// assert_eq!(six, [0x3F, 0x00, 0x04]);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn pack(width: u32, codes: &[u8], out: &mut [u8]) -> Result<(), BlockError> {
    check_width(width)?;
    let n = packed_len(width, codes.len());
    if out.len() != n {
        return Err(BlockError::Length {
            what: "packed bytes",
            expected: n,
            got: out.len(),
        });
    }
    match width {
        8 => out.copy_from_slice(codes),
        4 => {
            // Whole pairs in a loop the compiler vectorizes, then an odd last code.
            let pairs = codes.chunks_exact(2);
            let last = pairs.remainder();
            for (o, pair) in out.iter_mut().zip(pairs) {
                *o = (pair[0] & 0xF) | ((pair[1] & 0xF) << 4);
            }
            if let (Some(o), [c]) = (out.last_mut(), last) {
                *o = c & 0xF;
            }
        }
        _ => {
            let mask = ((1u16 << width) - 1) as u8;
            out.fill(0);
            let mut acc = 0u32;
            let mut nbits = 0u32;
            let mut j = 0;
            for &c in codes {
                acc |= u32::from(c & mask) << nbits;
                nbits += width;
                while nbits >= 8 {
                    out[j] = acc as u8;
                    j += 1;
                    acc >>= 8;
                    nbits -= 8;
                }
            }
            if nbits > 0 {
                out[j] = acc as u8;
            }
        }
    }
    Ok(())
}

/// Unpacks `out.len()` codes of `width` bits (1..=8) from `bytes`, which must hold
/// exactly [`packed_len`] bytes for them; the inverse of [`pack`].
///
/// # Errors
/// As [`pack`].
///
/// ```
/// let mut codes = [0u8; 3];
/// lowprec::block::unpack(4, &[0x21, 0x0F], &mut codes)?;
/// assert_eq!(codes, [0x1, 0x2, 0xF]);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn unpack(width: u32, bytes: &[u8], out: &mut [u8]) -> Result<(), BlockError> {
    check_width(width)?;
    let n = packed_len(width, out.len());
    if bytes.len() != n {
        return Err(BlockError::Length {
            what: "packed bytes",
            expected: n,
            got: bytes.len(),
        });
    }
    match width {
        8 => out.copy_from_slice(bytes),
        4 => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = (bytes[i / 2] >> ((i & 1) * 4)) & 0xF;
            }
        }
        _ => {
            let mask = (1u32 << width) - 1;
            let mut acc = 0u32;
            let mut nbits = 0u32;
            let mut j = 0;
            for o in out.iter_mut() {
                while nbits < width {
                    acc |= u32::from(bytes[j]) << nbits;
                    j += 1;
                    nbits += 8;
                }
                *o = (acc & mask) as u8;
                acc >>= width;
                nbits -= width;
            }
        }
    }
    Ok(())
}
