//! Exact text input and output for [`Exact`] values.
//!
//! [`Exact`] implements [`FromStr`] for decimals (`0.1`, `-1.5e-7`, `1e-400`), hex floats
//! (`-0x1.8p-3`, `0x.8p1`), `inf`, `-inf`, `nan`, `+0` and `-0`, always taken exactly:
//! the parsed value is the true value, or — when it has more bits than a `u128` holds —
//! the true value truncated to at least 125 significant bits with a sticky bit, which is
//! what [`FloatFormat::round`](crate::FloatFormat::round) needs to round it correctly once.
//!
//! [`Exact`] implements [`Display`](fmt::Display) (and [`LowerHex`](fmt::LowerHex), the
//! same text) as a hex float with a normalized significand: `0x1.cp+2`, `-0x1p-9`,
//! `0x0p+0`, `-0x0p+0`, `inf`, `-inf`, `nan`, `-nan`. Every exact value's text parses back
//! to the same value.
//!
//! Decimals that are not small integers need arbitrary-precision arithmetic and so the
//! `alloc` feature; hex floats, infinities, NaN and zeros never allocate.

use super::exact::{Exact, Finite};
use core::fmt;
use core::str::FromStr;

/// Inputs longer than this many bytes are rejected with [`ParseExactError::TooLong`].
pub const MAX_TEXT_LEN: usize = 100_000;

/// Largest accepted |exponent| after `e` in a decimal (`1e1000000` is accepted,
/// `1e1000001` is not). Every format's range lies well inside: the largest finite value
/// of any [`FloatFormat`](crate::FloatFormat) is below 10^316275.
pub const MAX_DECIMAL_EXPONENT: i64 = 1_000_000;

/// Largest accepted |exponent| after `p` in a hex float.
pub const MAX_BINARY_EXPONENT: i64 = 10_000_000;

/// Why a string is not an exact real value.
///
/// ```
/// use lowprec::float::{Exact, ParseExactError};
/// assert_eq!("".parse::<Exact>(), Err(ParseExactError::Empty));
/// assert_eq!("1.2.3".parse::<Exact>(), Err(ParseExactError::InvalidChar { index: 3, ch: '.' }));
/// assert_eq!("1e".parse::<Exact>(), Err(ParseExactError::MissingExponent));
/// assert!(matches!("1e2000000".parse::<Exact>(), Err(ParseExactError::ExponentOutOfRange { .. })));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseExactError {
    /// The input is empty (or only a sign).
    Empty,
    /// The input has more than [`MAX_TEXT_LEN`] bytes.
    TooLong {
        /// Length of the input in bytes.
        len: usize,
    },
    /// A character that does not belong at this place.
    InvalidChar {
        /// Byte offset of the character (0-based).
        index: usize,
        /// The character.
        ch: char,
    },
    /// The significand has no digits (`.`, `0x`, `e5`, `0xp1`).
    NoDigits,
    /// An `e` or `p` is not followed by a (signed) decimal exponent.
    MissingExponent,
    /// The written exponent lies beyond [`MAX_DECIMAL_EXPONENT`] (after `e`) or
    /// [`MAX_BINARY_EXPONENT`] (after `p`).
    ExponentOutOfRange {
        /// Whether the exponent was a hex float's binary one.
        binary: bool,
    },
    /// The decimal needs arbitrary-precision arithmetic, which needs the `alloc` feature.
    /// Without it, decimals are accepted when their significant digits form an integer
    /// below 10¹⁹ and their value is that integer times 10⁰…10²⁷ (`464`, `2.5e4`,
    /// `1e20`), which is exact in 128 bits.
    NeedsAlloc,
}

impl fmt::Display for ParseExactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ParseExactError::Empty => f.write_str("empty number"),
            ParseExactError::TooLong { len } => write!(
                f,
                "number too long: {len} characters, at most {MAX_TEXT_LEN} are accepted"
            ),
            ParseExactError::InvalidChar { index, ch } => write!(
                f,
                "invalid character {ch:?} at column {} (expected a decimal like -1.5e-7, a hex \
                 float like -0x1.8p-3, inf, -inf or nan)",
                index + 1
            ),
            ParseExactError::NoDigits => f.write_str("the number has no digits"),
            ParseExactError::MissingExponent => {
                f.write_str("the exponent after 'e' or 'p' has no digits")
            }
            ParseExactError::ExponentOutOfRange { binary: false } => write!(
                f,
                "decimal exponent beyond ±{MAX_DECIMAL_EXPONENT} (far outside every format's range)"
            ),
            ParseExactError::ExponentOutOfRange { binary: true } => write!(
                f,
                "binary exponent beyond ±{MAX_BINARY_EXPONENT} (far outside every format's range)"
            ),
            ParseExactError::NeedsAlloc => f.write_str(
                "this decimal needs the `alloc` feature (without it only integers below 10^19 \
                 times 10^0..10^27 are exact)",
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParseExactError {}

/// The zero-copy pieces of a decimal or hex significand: digits before and after the
/// point (each a run of ASCII digits of the radix), and the written exponent.
struct Parts<'a> {
    int: &'a [u8],
    frac: &'a [u8],
    exp: i64,
}

/// Splits `s` (the text after the sign and any `0x`) into significand digits and exponent.
/// `offset` is the byte offset of `s` in the whole input, for error positions.
fn split_number(s: &[u8], offset: usize, hex: bool) -> Result<Parts<'_>, ParseExactError> {
    let is_digit = |b: u8| {
        if hex {
            b.is_ascii_hexdigit()
        } else {
            b.is_ascii_digit()
        }
    };
    let exp_char = if hex { b'p' } else { b'e' };
    let run = |from: usize| from + s[from..].iter().take_while(|&&b| is_digit(b)).count();
    let int_end = run(0);
    let (frac, mut i) = if s.get(int_end) == Some(&b'.') {
        let end = run(int_end + 1);
        (&s[int_end + 1..end], end)
    } else {
        (&s[int_end..int_end], int_end)
    };
    let int = &s[..int_end];
    if int.is_empty() && frac.is_empty() {
        // "." or "0x" or "e5": point out a stray character if there is one.
        return match s.get(i) {
            Some(&b) if b.to_ascii_lowercase() != exp_char && b != b'.' => {
                Err(invalid(s, offset, i))
            }
            _ => Err(ParseExactError::NoDigits),
        };
    }
    let mut exp = 0i64;
    if let Some(&b) = s.get(i) {
        if b.to_ascii_lowercase() != exp_char {
            return Err(invalid(s, offset, i));
        }
        i += 1;
        let negative = match s.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        // Saturate far above both limits: the value is only compared with them.
        while let Some(&b) = s.get(i) {
            if !b.is_ascii_digit() {
                return Err(invalid(s, offset, i));
            }
            exp = (exp * 10 + i64::from(b - b'0')).min(1 << 40);
            i += 1;
        }
        if i == start {
            return Err(ParseExactError::MissingExponent);
        }
        let limit = if hex {
            MAX_BINARY_EXPONENT
        } else {
            MAX_DECIMAL_EXPONENT
        };
        if exp > limit {
            return Err(ParseExactError::ExponentOutOfRange { binary: hex });
        }
        if negative {
            exp = -exp;
        }
    }
    Ok(Parts { int, frac, exp })
}

/// The error for the (possibly multi-byte) character starting at byte `i` of `s`.
fn invalid(s: &[u8], offset: usize, i: usize) -> ParseExactError {
    // `s` is a suffix of a `str` that starts at a char boundary, and the bytes before `i`
    // are ASCII, so a char starts at `i`.
    let ch = core::str::from_utf8(&s[i..])
        .ok()
        .and_then(|t| t.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    ParseExactError::InvalidChar {
        index: offset + i,
        ch,
    }
}

/// A finite value from its exact significand parts; exact values get an odd significand.
fn finite(negative: bool, sig: u128, exp: i64, sticky: bool) -> Exact {
    if sig == 0 {
        return Exact::Zero { negative };
    }
    let (sig, exp) = if sticky {
        (sig, exp)
    } else {
        let tz = sig.trailing_zeros();
        (sig >> tz, exp + i64::from(tz))
    };
    // The input limits keep every exponent within ±(10^7 + 4·10^5 + 2^22): no clamping
    // ever happens, it only keeps the conversion total.
    let exp = exp.clamp(i64::from(i32::MIN / 2), i64::from(i32::MAX / 2)) as i32;
    Exact::Finite(Finite {
        negative,
        sig,
        exp,
        sticky,
    })
}

/// A hex float's value. The digits form an integer M = (sig + ε)·2^shift: digits are
/// appended exactly while they fit in 128 bits, and once `sig` is full (2¹²⁷ ≤ sig) the
/// rest only feeds the sticky bit, so a sticky significand has 128 bits (the contract of
/// [`Finite`]).
fn parse_hex(negative: bool, p: &Parts<'_>) -> Exact {
    let mut sig: u128 = 0;
    let mut shift: i64 = 0;
    let mut sticky = false;
    for &b in p.int.iter().chain(p.frac.iter()) {
        let d = u128::from((b as char).to_digit(16).unwrap_or(0));
        // M' = 16·M + d. Keep `room` of the 4 new bits (room = 4 while sig < 2¹²⁴), the
        // other 4 − room low bits of d go to the sticky bit. Once shift > 0, sig ≥ 2¹²⁷
        // and room = 0: d lies wholly below the kept bits.
        let room = sig.leading_zeros().min(4);
        let lost = 4 - room;
        sig = (sig << room) | (d >> lost);
        sticky |= d & ((1 << lost) - 1) != 0;
        shift += i64::from(lost);
    }
    // value = M · 16^(−fraction digits) · 2^p.
    let exp = p.exp + shift - 4 * p.frac.len() as i64;
    finite(negative, sig, exp, sticky)
}

/// The decimal digits of a significand with leading and trailing zeros removed, as an
/// iterator over digit values, and the decimal exponent of the last one.
struct Digits<'a> {
    int: &'a [u8],
    frac: &'a [u8],
    /// Significant digits, skipping `skip` leading ones of `int ++ frac`.
    skip: usize,
    count: usize,
    /// value = (the `count` digits as an integer) · 10^exp10.
    exp10: i64,
}

impl<'a> Digits<'a> {
    fn new(p: &Parts<'a>) -> Self {
        let all = || p.int.iter().chain(p.frac.iter());
        let total = p.int.len() + p.frac.len();
        let lead = all().take_while(|&&b| b == b'0').count();
        let trail = if lead == total {
            0
        } else {
            p.frac
                .iter()
                .rev()
                .chain(p.int.iter().rev())
                .take_while(|&&b| b == b'0')
                .count()
        };
        // |exp| ≤ 10⁶ and the lengths are ≤ 10⁵: no overflow in i64.
        let exp10 = p.exp - p.frac.len() as i64 + trail as i64;
        Digits {
            int: p.int,
            frac: p.frac,
            skip: lead,
            count: total - lead - trail,
            exp10,
        }
    }

    fn iter(&self) -> impl Iterator<Item = u8> + '_ {
        self.int
            .iter()
            .chain(self.frac.iter())
            .skip(self.skip)
            .take(self.count)
            .map(|&b| b - b'0')
    }
}

fn parse_decimal(negative: bool, p: &Parts<'_>) -> Result<Exact, ParseExactError> {
    let d = Digits::new(p);
    if d.count == 0 {
        return Ok(Exact::Zero { negative });
    }
    // Fast path, no allocation: at most 19 digits (< 10¹⁹ < 2⁶⁴) times 5^e with
    // 0 ≤ e ≤ 27 (5²⁷ < 2⁶³) is below 2¹²⁷: exact in a u128, and 10^e = 5^e·2^e.
    if d.count <= 19 && (0..=27).contains(&d.exp10) {
        let int = d.iter().fold(0u128, |acc, x| acc * 10 + u128::from(x));
        let sig = int * 5u128.pow(d.exp10 as u32);
        return Ok(finite(negative, sig, d.exp10, false));
    }
    #[cfg(feature = "alloc")]
    {
        let (sig, exp, sticky) = big::decimal_to_binary(&d);
        Ok(finite(negative, sig, exp, sticky))
    }
    #[cfg(not(feature = "alloc"))]
    {
        Err(ParseExactError::NeedsAlloc)
    }
}

impl FromStr for Exact {
    type Err = ParseExactError;

    /// Parses a real number exactly: the true value, or for values with more bits than a
    /// `u128` holds, the value truncated to at least 125 significant bits with the sticky bit
    /// set (see [`Finite`]); rounding it once with [`FloatFormat::round`](crate::FloatFormat::round)
    /// is correct. Inputs are bounded: at most [`MAX_TEXT_LEN`] bytes, exponents within
    /// ±[`MAX_DECIMAL_EXPONENT`] (decimal) or ±[`MAX_BINARY_EXPONENT`] (hex), so the work is
    /// bounded too (well under a second in release builds). Decimals other than small
    /// integers need the `alloc` feature ([`ParseExactError::NeedsAlloc`]).
    ///
    /// Grammar (letters case-insensitive, no surrounding whitespace):
    /// `[+-]` followed by `inf`, `infinity`, `nan`, a decimal `digits[.digits][e[+-]digits]`
    /// (either digit run may be empty, not both), or a hex float
    /// `0x hexdigits[.hexdigits][p[+-]digits]`.
    ///
    /// ```
    /// use lowprec::float::{Exact, Finite};
    /// // Hex floats and exact decimals come out exactly, with an odd significand.
    /// assert_eq!("-0x1.8p-3".parse(), Ok(Exact::from_parts(true, 3, -4)));
    /// assert_eq!("0x.8p1".parse(), Ok(Exact::from_parts(false, 1, 0)));
    /// assert_eq!("2.5e+4".parse(), Ok(Exact::from_parts(false, 25_000 >> 3, 3)));
    /// assert_eq!("-0".parse(), Ok(Exact::Zero { negative: true }));
    /// assert_eq!("-inf".parse(), Ok(Exact::Inf { negative: true }));
    ///
    /// // 0.1 has no finite binary expansion: a long truncated significand and a sticky bit.
    /// let Ok(Exact::Finite(f)) = "0.1".parse::<Exact>() else { panic!() };
    /// assert!(f.sticky && f.sig >> 126 == 1);
    /// assert_eq!(f.sig >> 64, 0x6666_6666_6666_6666); // 0.1 = 0x1.999…p-4
    ///
    /// // Rounded once, it gives the correctly rounded bf16 code.
    /// use lowprec::{FloatFormat, Round, SplitMix64};
    /// let r = FloatFormat::BF16.round(Exact::Finite(f), Round::NEAREST_EVEN, &mut SplitMix64::new(0));
    /// assert_eq!(r.value, 0x3DCD);
    /// # Ok::<(), lowprec::float::ParseExactError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() > MAX_TEXT_LEN {
            return Err(ParseExactError::TooLong { len: s.len() });
        }
        let bytes = s.as_bytes();
        let (negative, start) = match bytes.first() {
            Some(b'-') => (true, 1),
            Some(b'+') => (false, 1),
            _ => (false, 0),
        };
        let body = &bytes[start..];
        if body.is_empty() {
            return Err(ParseExactError::Empty);
        }
        if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
            return Ok(Exact::Inf { negative });
        }
        if body.eq_ignore_ascii_case(b"nan") {
            return Ok(Exact::Nan { negative });
        }
        if body.len() >= 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
            let parts = split_number(&body[2..], start + 2, true)?;
            return Ok(parse_hex(negative, &parts));
        }
        let parts = split_number(body, start, false)?;
        parse_decimal(negative, &parts)
    }
}

impl fmt::Display for Exact {
    /// Formats the value as a hex float: `0x1.cp+2`, `-0x1p-9`, `0x0p+0`, `-0x0p+0`, `inf`,
    /// `-inf`, `nan`, `-nan`. The significand is normalized to `0x1.…` without trailing
    /// zeros. A value with the sticky bit set (inexact, see [`Finite`]) shows its truncated
    /// significand followed by `...`, as in `0x1.9999...p-4` or `0x1.0...p+0`; it does not
    /// parse back.
    ///
    /// ```
    /// use lowprec::float::Exact;
    /// assert_eq!(Exact::from_parts(false, 7, 0).to_string(), "0x1.cp+2");
    /// assert_eq!(Exact::from_parts(true, 1, -9).to_string(), "-0x1p-9");
    /// assert_eq!(Exact::from_f64(-0.0).to_string(), "-0x0p+0");
    /// assert_eq!(Exact::from_f64(f64::INFINITY).to_string(), "inf");
    /// assert_eq!(format!("{:x}", Exact::from_f64(0.1)), "0x1.999999999999ap-4");
    /// assert_eq!(format!("[{:>9}]", Exact::from_f64(1.5)), "[ 0x1.8p+0]"); // width applies
    /// // Exact values round-trip through their text.
    /// let x = Exact::from_f64(-1.0e-310);
    /// assert_eq!(x.to_string().parse::<Exact>().map(|y| y.to_string()), Ok(x.to_string()));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written into a stack buffer first, so that width, fill and alignment apply.
        let mut buf = Buf {
            bytes: [0; 96],
            len: 0,
        };
        write_hex(self, &mut buf)?;
        f.pad(buf.as_str())
    }
}

/// A fixed stack buffer for one hex float (at most 1 + 4 + 32 + 3 + 2 + 20 bytes).
struct Buf {
    bytes: [u8; 96],
    len: usize,
}

impl Buf {
    fn as_str(&self) -> &str {
        // Only `write_str` fills the buffer, with whole `str`s.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The hex-float text of [`Exact`]'s `Display`.
fn write_hex(x: &Exact, f: &mut impl fmt::Write) -> fmt::Result {
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let x = match *x {
        Exact::Nan { .. } => return write!(f, "{sign}nan"),
        Exact::Inf { .. } => return write!(f, "{sign}inf"),
        Exact::Zero { .. } => return write!(f, "{sign}0x0p+0"),
        Exact::Finite(x) if x.sig == 0 => return write!(f, "{sign}0x0p+0"),
        Exact::Finite(x) => x,
    };
    // Leading bit at position `lead`: value = 1.frac · 2^(exp + lead).
    let lead = 127 - x.sig.leading_zeros();
    let exp = i64::from(x.exp) + i64::from(lead);
    let digits = lead.div_ceil(4);
    // frac < 2^lead, shifted to fill `digits` hex digits: < 2^(4·digits) ≤ 2¹²⁸.
    let frac = (x.sig ^ (1u128 << lead)) << (4 * digits - lead);
    write!(f, "{sign}0x1")?;
    if frac != 0 || x.sticky {
        f.write_str(".")?;
    }
    if frac == 0 && x.sticky {
        f.write_str("0")?;
    }
    if frac != 0 {
        let shown = digits - frac.trailing_zeros() / 4;
        for i in 0..shown {
            let d = (frac >> (4 * (digits - 1 - i))) & 0xF;
            write!(f, "{:x}", d as u8)?;
        }
    }
    if x.sticky {
        f.write_str("...")?;
    }
    write!(f, "p{exp:+}")
}

impl fmt::LowerHex for Exact {
    /// The same hex-float text as [`Display`](fmt::Display).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Arbitrary-precision decimal to binary conversion: little-endian `u64` limbs.
#[cfg(feature = "alloc")]
mod big {
    use super::Digits;
    use alloc::vec;
    use alloc::vec::Vec;
    use core::cmp::Ordering;

    /// Removes high zero limbs.
    fn trim(v: &mut Vec<u64>) {
        while v.last() == Some(&0) {
            v.pop();
        }
    }

    /// v = v·m + a.
    fn mul_small_add(v: &mut Vec<u64>, m: u64, a: u64) {
        let mut carry = u128::from(a);
        for limb in v.iter_mut() {
            let t = u128::from(*limb) * u128::from(m) + carry;
            *limb = t as u64;
            carry = t >> 64;
        }
        if carry != 0 {
            v.push(carry as u64);
        }
    }

    /// acc[at..] += x, growing `acc` as needed.
    fn add_at(acc: &mut Vec<u64>, x: &[u64], at: usize) {
        if acc.len() < at + x.len() {
            acc.resize(at + x.len(), 0);
        }
        let mut carry = false;
        let mut i = at;
        for &y in x {
            let (s, c1) = acc[i].overflowing_add(y);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            acc[i] = s;
            carry = c1 || c2;
            i += 1;
        }
        while carry {
            if i == acc.len() {
                acc.push(1);
                break;
            }
            let (s, c) = acc[i].overflowing_add(1);
            acc[i] = s;
            carry = c;
            i += 1;
        }
    }

    /// acc -= x, where acc ≥ x.
    fn sub_assign(acc: &mut [u64], x: &[u64]) {
        let mut borrow = false;
        for (i, a) in acc.iter_mut().enumerate() {
            let y = x.get(i).copied().unwrap_or(0);
            if i >= x.len() && !borrow {
                break;
            }
            let (d, b1) = a.overflowing_sub(y);
            let (d, b2) = d.overflowing_sub(u64::from(borrow));
            *a = d;
            borrow = b1 || b2;
        }
    }

    fn cmp(a: &[u64], b: &[u64]) -> Ordering {
        // Both trimmed or not: compare as numbers, ignoring high zero limbs.
        let la = a.len() - a.iter().rev().take_while(|&&x| x == 0).count();
        let lb = b.len() - b.iter().rev().take_while(|&&x| x == 0).count();
        la.cmp(&lb)
            .then_with(|| a[..la].iter().rev().cmp(b[..lb].iter().rev()))
    }

    fn schoolbook(a: &[u64], b: &[u64]) -> Vec<u64> {
        let mut out = vec![0u64; a.len() + b.len()];
        for (i, &x) in a.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &y) in b.iter().enumerate() {
                let t = u128::from(x) * u128::from(y) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[i + b.len()] = carry as u64;
        }
        out
    }

    /// a·b (Karatsuba above 32 limbs; unbalanced operands are cut into balanced blocks).
    fn mul(a: &[u64], b: &[u64]) -> Vec<u64> {
        let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
        if b.is_empty() {
            return Vec::new();
        }
        if b.len() < 32 {
            return schoolbook(a, b);
        }
        if a.len() >= 2 * b.len() {
            let mut out = Vec::with_capacity(a.len() + b.len());
            for (k, chunk) in a.chunks(b.len()).enumerate() {
                add_at(&mut out, &mul(chunk, b), k * b.len());
            }
            return out;
        }
        // a = a1·B^m + a0, b = b1·B^m + b0; a·b = z2·B^2m + (z1 − z2 − z0)·B^m + z0,
        // z1 = (a0 + a1)(b0 + b1).
        let m = a.len() / 2;
        let (a0, a1) = a.split_at(m);
        let (b0, b1) = b.split_at(m.min(b.len()));
        let z0 = mul(a0, b0);
        let z2 = mul(a1, b1);
        let mut sa = a0.to_vec();
        add_at(&mut sa, a1, 0);
        let mut sb = b0.to_vec();
        add_at(&mut sb, b1, 0);
        let mut z1 = mul(&sa, &sb);
        sub_assign(&mut z1, &z0);
        sub_assign(&mut z1, &z2);
        let mut out = z0;
        out.reserve(a.len() + b.len());
        add_at(&mut out, &z1, m);
        add_at(&mut out, &z2, 2 * m);
        out
    }

    /// 5^k by squaring.
    fn pow5(k: u64) -> Vec<u64> {
        let mut r = vec![1u64];
        for bit in (0..64 - k.leading_zeros()).rev() {
            r = mul(&r, &r);
            trim(&mut r);
            if k >> bit & 1 == 1 {
                mul_small_add(&mut r, 5, 0);
            }
        }
        r
    }

    fn bit_len(v: &[u64]) -> u64 {
        match v.iter().rposition(|&x| x != 0) {
            Some(i) => 64 * i as u64 + 64 - u64::from(v[i].leading_zeros()),
            None => 0,
        }
    }

    fn shl(v: &[u64], s: u64) -> Vec<u64> {
        let (limbs, bits) = ((s / 64) as usize, (s % 64) as u32);
        let mut out = vec![0u64; limbs];
        out.reserve(v.len() + 1);
        if bits == 0 {
            out.extend_from_slice(v);
        } else {
            let mut carry = 0u64;
            for &x in v {
                out.push((x << bits) | carry);
                carry = x >> (64 - bits);
            }
            out.push(carry);
        }
        trim(&mut out);
        out
    }

    fn shr1_assign(v: &mut [u64]) {
        let mut carry = 0u64;
        for x in v.iter_mut().rev() {
            let next = *x << 63;
            *x = (*x >> 1) | carry;
            carry = next;
        }
    }

    /// For n, d > 0: (q, e, sticky) with n/d = (q + ε)·2^e, 2¹²⁶ ≤ q < 2¹²⁸, and
    /// 0 < ε < 1 exactly when `sticky`.
    fn quotient(n: &[u64], d: &[u64]) -> (u128, i64, bool) {
        // With s = 127 − (len n − len d): 2^(len n − 1 + s − len d) < n·2^s/d < 2^(len n + s − len d + 1),
        // that is 2¹²⁶ < n·2^s/d < 2¹²⁸.
        let s = 127 - (bit_len(n) as i64 - bit_len(d) as i64);
        let (mut r, d) = if s >= 0 {
            (shl(n, s as u64), d.to_vec())
        } else {
            (n.to_vec(), shl(d, s.unsigned_abs()))
        };
        // Binary long division: t = d·2^(127 − i) at step i; r < 2t on entry to each step.
        let mut t = shl(&d, 127);
        let mut q = 0u128;
        for i in 0..128 {
            q <<= 1;
            if cmp(&r, &t) != Ordering::Less {
                sub_assign(&mut r, &t);
                q |= 1;
            }
            if i < 127 {
                shr1_assign(&mut t);
            }
        }
        (q, -s, r.iter().any(|&x| x != 0))
    }

    /// The significant digits · 10^exp10 as (sig, exp, sticky) for [`super::finite`].
    pub(super) fn decimal_to_binary(d: &Digits<'_>) -> (u128, i64, bool) {
        // Digits into limbs, 19 at a time (10¹⁹ < 2⁶⁴).
        let mut n: Vec<u64> = Vec::with_capacity(d.count / 19 + 2);
        let (mut chunk, mut len) = (0u64, 0u32);
        for x in d.iter() {
            chunk = chunk * 10 + u64::from(x);
            len += 1;
            if len == 19 {
                mul_small_add(&mut n, 10u64.pow(19), chunk);
                (chunk, len) = (0, 0);
            }
        }
        if len > 0 {
            mul_small_add(&mut n, 10u64.pow(len), chunk);
        }
        trim(&mut n);
        // value = n·10^e = n·5^e·2^e.
        let e = d.exp10;
        let (q, qe, sticky) = if e >= 0 {
            let num = mul(&n, &pow5(e as u64));
            quotient(&num, &[1])
        } else {
            quotient(&n, &pow5(e.unsigned_abs()))
        };
        (q, qe + e, sticky)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn karatsuba_matches_schoolbook() {
            // Pseudo-random limbs from a simple LCG; sizes around the thresholds.
            let mut x = 0x1234_5678_9abc_def0u64;
            let mut next = || {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                x
            };
            for (la, lb) in [
                (33, 33),
                (64, 40),
                (100, 31),
                (200, 70),
                (97, 96),
                (300, 32),
            ] {
                let a: Vec<u64> = (0..la).map(|_| next()).collect();
                let b: Vec<u64> = (0..lb).map(|_| next()).collect();
                let mut k = mul(&a, &b);
                let mut s = schoolbook(&a, &b);
                trim(&mut k);
                trim(&mut s);
                assert_eq!(k, s, "{la}x{lb}");
            }
            // All-ones operands maximize carries.
            let a = vec![u64::MAX; 70];
            let mut k = mul(&a, &a);
            let mut s = schoolbook(&a, &a);
            trim(&mut k);
            trim(&mut s);
            assert_eq!(k, s);
        }

        #[test]
        fn pow5_small() {
            for k in 0..=27u32 {
                let mut v = pow5(u64::from(k));
                trim(&mut v);
                assert_eq!(v, vec![5u64.pow(k)]);
            }
        }
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use std::string::ToString;

    fn fin(s: &str) -> Finite {
        match s.parse::<Exact>() {
            Ok(Exact::Finite(f)) => f,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn specials_and_zeros() {
        assert_eq!("inf".parse(), Ok(Exact::Inf { negative: false }));
        assert_eq!("+Infinity".parse(), Ok(Exact::Inf { negative: false }));
        assert_eq!("-INF".parse(), Ok(Exact::Inf { negative: true }));
        assert_eq!("nan".parse(), Ok(Exact::Nan { negative: false }));
        assert_eq!("-NaN".parse(), Ok(Exact::Nan { negative: true }));
        for (s, neg) in [
            ("+0", false),
            ("-0", true),
            ("0.000", false),
            ("-0x0p5", true),
            ("0e999", false),
        ] {
            assert_eq!(s.parse(), Ok(Exact::Zero { negative: neg }), "{s}");
        }
    }

    #[test]
    fn hex_floats() {
        assert_eq!("0x1p+0".parse(), Ok(Exact::from_parts(false, 1, 0)));
        assert_eq!("0X1P0".parse(), Ok(Exact::from_parts(false, 1, 0)));
        assert_eq!("0x.8p1".parse(), Ok(Exact::from_parts(false, 1, 0)));
        assert_eq!("0x1.".parse(), Ok(Exact::from_parts(false, 1, 0)));
        assert_eq!("0xA".parse(), Ok(Exact::from_parts(false, 5, 1)));
        assert_eq!("-0x1.8p-3".parse(), Ok(Exact::from_parts(true, 3, -4)));
        assert_eq!(
            "0x1.fffffffffffffp+1023".parse(),
            Ok(norm(Exact::from_f64(f64::MAX)))
        );
        // 1 + 32 hex digits = 129 bits: the last bit only sets the sticky bit.
        let f = fin("0x100000000000000000000000000000001");
        assert!(f.sticky && f.sig == 1 << 127 && f.exp == 1);
        let f = fin("0x1.00000000000000000000000000000001");
        assert!(f.sticky && f.sig == 1 << 127 && f.exp == -127);
        // ... unless it is zero: 128 significant bits are exact.
        let f = fin("0x100000000000000000000000000000002");
        assert!(!f.sticky && f.sig == (1 << 127) + 1 && f.exp == 1);
        // Trailing zero digits beyond 128 bits are exact, and so is a long fraction.
        let f = fin("0x1000000000000000000000000000000000000");
        assert!(!f.sticky && f.sig == 1 && f.exp == 144);
        let f = fin("0x0.0000000000000000000000000000000000000001");
        assert!(!f.sticky && f.sig == 1 && f.exp == -160);
    }

    fn norm(x: Exact) -> Exact {
        match x {
            Exact::Finite(f) => {
                let tz = f.sig.trailing_zeros();
                Exact::from_parts(f.negative, f.sig >> tz, f.exp + tz as i32)
            }
            x => x,
        }
    }

    #[test]
    fn decimals_exact() {
        assert_eq!("464".parse(), Ok(Exact::from_parts(false, 29, 4)));
        assert_eq!("-1.5".parse(), Ok(Exact::from_parts(true, 3, -1)));
        assert_eq!(".25".parse(), Ok(Exact::from_parts(false, 1, -2)));
        assert_eq!(
            "1e20".parse(),
            Ok(Exact::from_parts(false, 5u128.pow(20), 20))
        );
        // 2⁻¹⁰⁷⁴ written out in full (751 significant digits) is exact.
        let tiny = "4.940656458412465441765687928682213723650598026143247644255856825006755072702087518652998363616359923797965646954457177309266567103559397963987747960107818781263007131903114045278458171678489821036887186360569987307230500063874091535649843873124733972731696151400317153853980741262385655911710266585566867681870395603106249319452715914924553293054565444011274801297099995419319894090804165633245247571478690147267801593552386115501348035264934720193790268107107491703332226844753335720832431936092382893458368060106011506169809753078342277318329247904982524730776375927247874656084778203734469699533647017972677717585125660551199131504891101451037862738167250955837389733598993664809941164205702637090279242767544565229087538682506419718265533447265625e-324";
        assert_eq!(tiny.parse(), Ok(Exact::from_parts(false, 1, -1074)));
        // Long inexact-looking but exact: 1 + 2⁻⁴ + 2⁻⁴⁰.
        assert_eq!(
            "1.0625000000009094947017729282379150390625".parse(),
            Ok(Exact::from_parts(false, (1 << 40) + (1 << 36) + 1, -40))
        );
    }

    #[test]
    fn decimals_truncated_with_sticky() {
        // 0.1 = 0x1.999…p-4: q = ⌊0.1·2^130⌋ (127 bits), ε > 0.
        let f = fin("0.1");
        assert!(f.sticky && !f.negative);
        assert_eq!(f.sig, 0x6666_6666_6666_6666_6666_6666_6666_6666);
        assert_eq!(f.exp, -130);
        assert_eq!(
            i64::from(f.exp) + 127 - i64::from(f.sig.leading_zeros()),
            -4
        );
        let f = fin("-1.5e-7");
        assert!(f.sticky && f.negative);
        // Huge and tiny values: the leading-bit exponent is ⌊log2 x⌋.
        let lead = |f: Finite| i64::from(f.exp) + 127 - i64::from(f.sig.leading_zeros());
        assert_eq!(lead(fin("1e-400")), -1329); // log2(1e-400) = −1328.77
        assert_eq!(lead(fin("2.5e+4000")), 13289); // log2(2.5e4000) = 13288.77…+1.32 = 13289.1
        assert_eq!(lead(fin("123456789012345678901234567890")), 96); // 2⁹⁶ ≈ 7.9e28
    }

    #[test]
    fn errors() {
        use ParseExactError::*;
        assert_eq!("".parse::<Exact>(), Err(Empty));
        assert_eq!("-".parse::<Exact>(), Err(Empty));
        assert_eq!(".".parse::<Exact>(), Err(NoDigits));
        assert_eq!("0x".parse::<Exact>(), Err(NoDigits));
        assert_eq!("0xp3".parse::<Exact>(), Err(NoDigits));
        assert_eq!("e5".parse::<Exact>(), Err(NoDigits));
        assert_eq!("1e".parse::<Exact>(), Err(MissingExponent));
        assert_eq!("1e+".parse::<Exact>(), Err(MissingExponent));
        assert_eq!("0x1p".parse::<Exact>(), Err(MissingExponent));
        assert_eq!(
            " 1".parse::<Exact>(),
            Err(InvalidChar { index: 0, ch: ' ' })
        );
        assert_eq!(
            "1 ".parse::<Exact>(),
            Err(InvalidChar { index: 1, ch: ' ' })
        );
        assert_eq!(
            "0x1.g".parse::<Exact>(),
            Err(InvalidChar { index: 4, ch: 'g' })
        );
        assert_eq!(
            "1e5x".parse::<Exact>(),
            Err(InvalidChar { index: 3, ch: 'x' })
        );
        assert_eq!(
            "1p5".parse::<Exact>(),
            Err(InvalidChar { index: 1, ch: 'p' })
        );
        assert_eq!(
            "--1".parse::<Exact>(),
            Err(InvalidChar { index: 1, ch: '-' })
        );
        assert_eq!(
            "1é".parse::<Exact>(),
            Err(InvalidChar { index: 1, ch: 'é' })
        );
        assert_eq!(
            "infx".parse::<Exact>(),
            Err(InvalidChar { index: 0, ch: 'i' })
        );
        assert_eq!(
            "1e1000001".parse::<Exact>(),
            Err(ExponentOutOfRange { binary: false })
        );
        assert_eq!(
            "0x1p-99999999999999999999999".parse::<Exact>(),
            Err(ExponentOutOfRange { binary: true })
        );
        let long = "1".repeat(MAX_TEXT_LEN + 1);
        assert_eq!(
            long.parse::<Exact>(),
            Err(TooLong {
                len: MAX_TEXT_LEN + 1
            })
        );
    }

    #[test]
    fn display() {
        let cases = [
            (Exact::from_parts(false, 7, 0), "0x1.cp+2"),
            (Exact::from_parts(true, 1, -9), "-0x1p-9"),
            (Exact::Zero { negative: false }, "0x0p+0"),
            (Exact::Zero { negative: true }, "-0x0p+0"),
            (Exact::Inf { negative: false }, "inf"),
            (Exact::Inf { negative: true }, "-inf"),
            (Exact::Nan { negative: false }, "nan"),
            (Exact::from_parts(false, 448, 0), "0x1.cp+8"),
            (
                Exact::from_parts(false, u128::MAX, 0),
                "0x1.fffffffffffffffffffffffffffffffep+127",
            ),
            (Exact::from_parts(false, 1 << 127, -127), "0x1p+0"),
            (Exact::from_parts(false, 0x11, 0), "0x1.1p+4"),
            (Exact::from_parts(false, 0x21, 0), "0x1.08p+5"),
        ];
        for (x, s) in cases {
            assert_eq!(x.to_string(), s);
            if !matches!(x, Exact::Nan { .. }) {
                assert_eq!(s.parse::<Exact>().map(|y| y.to_string()), Ok(s.into()));
            }
        }
        let sticky = Exact::Finite(Finite {
            negative: false,
            sig: 1 << 124,
            exp: -124,
            sticky: true,
        });
        assert_eq!(sticky.to_string(), "0x1.0...p+0");
    }

    #[test]
    fn large_inputs_are_bounded() {
        // The largest accepted work: 10⁵ digits with the extreme exponents.
        let digits = "7".repeat(MAX_TEXT_LEN - 10);
        for e in ["e+1000000", "e-1000000"] {
            let f = fin(&(digits.clone() + e));
            assert!(f.sticky);
        }
    }
}
