//! Exact text input and output for [`Exact`] values.
//!
//! [`Exact`] implements [`FromStr`] for every real number written as a decimal (`0.1`,
//! `-1.5e-7`, `1e-400`, `1e999999999999`) or a hex float (`-0x1.8p-3`, `0x.8p1`), with
//! digit strings and exponents of any length, and for `inf`, `-inf`, `nan`, `+0` and `-0`.
//! The parsed value is the true value, or — when it has more bits than a `u128` holds —
//! the true value truncated to at least 125 significant bits with a sticky bit, which is
//! what [`FloatFormat::round`](crate::FloatFormat::round) needs to round it correctly once.
//! A value whose leading bit lies beyond 2^±[`FAR_EXPONENT`], far outside every format,
//! is given a stand-in at 2^±`FAR_EXPONENT` that every format rounds exactly as it would
//! round the true value.
//!
//! [`Exact`] implements [`Display`](fmt::Display) (and [`LowerHex`](fmt::LowerHex), the
//! same text) as a hex float with a normalized significand: `0x1.cp+2`, `-0x1p-9`,
//! `0x0p+0`, `-0x0p+0`, `inf`, `-inf`, `nan`, `-nan`. The text of every exact value whose
//! leading bit lies within 2^±`FAR_EXPONENT` (every parsed value's does) parses back to
//! the same value.
//!
//! Decimals that are not small integers need arbitrary-precision arithmetic and so the
//! `alloc` feature, unless they lie beyond every format's range; hex floats, infinities,
//! NaN and zeros never allocate.

use super::exact::{Exact, Finite};
use core::fmt;
use core::str::FromStr;

/// The leading-bit exponent of the stand-ins for values beyond every format's range:
/// 2²⁰ + 2¹² + 1 = 1052673.
///
/// A parsed finite value whose leading bit 2^L lies at L ≥ `FAR_EXPONENT` keeps its sign,
/// significand and sticky bit, and its exponent is lowered to make L = `FAR_EXPONENT`; one
/// at L ≤ −`FAR_EXPONENT` likewise has it raised to make L = −`FAR_EXPONENT`. A decimal
/// that lies beyond either bound by its digit count and exponent alone is not converted:
/// it becomes the significand 2¹²⁷ with the sticky bit set, at that L.
///
/// No format tells a stand-in from the true value, because every
/// [`FloatFormat`](crate::FloatFormat) has at most 11 exponent bits, at most 52 fraction
/// bits and a bias within ±2²⁰:
///
/// - Its largest finite value is below 2^(emax + 1) ≤ 2^(2¹¹ + 2²⁰), so any value at or
///   above 2^`FAR_EXPONENT` rounds, in every mode, to a significand of at least 1 with an
///   exponent above emax: [`round`](crate::FloatFormat::round) returns the overflow result
///   of the sign, mode and overflow policy, whatever the magnitude. A stochastic mode draws
///   one random number exactly when the value is inexact at the format's precision
///   p ≤ 53, that is, when its significand has more than p bits after trailing zeros or a
///   sticky bit: the stand-in keeps both. (A decimal n·10^e with e ≥ 23 has the odd factor
///   5^e > 2⁵³, so it is inexact in every format, as the sticky 2¹²⁷ is.)
/// - Its finest quantum is 2^(emin − m) ≥ 2^(−2²⁰ − 52) (emin ≥ −bias; without
///   subnormals the quantum below 2^emin is 2^emin). A nonzero value below
///   2^(1 − `FAR_EXPONENT`) < 2^(−2²⁰ − 116) is less than 2⁻⁶⁴ of it: it rounds from
///   nothing kept and a discarded fraction 0 < δ < 2⁻⁶⁴, whose first 64 bits are zero
///   and whose sticky bit is set, the same for every such value. So every mode gives the
///   same code and flags (underflow, inexact), and stochastic modes make the same one draw
///   with the same outcome: P(away) = ⌈δ·2ⁿ⌉/2ⁿ = 2⁻ⁿ for the proportional rule, ⌊δ·2ⁿ⌋,
///   ⌊δ·2ⁿ⁺¹⌋/2 and round(δ·2ⁿ) are 0 for the P3109 rules, ½ for the equal one.
///
/// Fixed-point casts ([`FixedFormat::from_exact`](crate::fixed::FixedFormat::from_exact)),
/// whose quantum 2^−F has |F| ≤ 8256, see both kinds alike too: all bits above the format
/// (overflow, the same low bits and sticky bit), or all below it. Rounding once is all a
/// stand-in is good for: it is not the true value, and two values beyond the same bound may
/// compare equal.
///
/// ```
/// use lowprec::float::{Exact, FAR_EXPONENT};
/// use lowprec::{FloatFormat, Overflow, Round, Rounding, SplitMix64};
/// let lead = |x: Exact| match x {
///     Exact::Finite(f) => f.exp + 127 - f.sig.leading_zeros() as i32,
///     _ => unreachable!(),
/// };
/// let huge: Exact = "1e999999999999".parse()?;
/// let tiny: Exact = "-1e-400000000".parse()?;
/// assert_eq!((lead(huge), lead(tiny)), (FAR_EXPONENT, -FAR_EXPONENT));
/// let mut rng = SplitMix64::new(0);
/// let r = FloatFormat::BF16.round(huge, Round::new(Rounding::TowardZero, Overflow::Ieee), &mut rng);
/// assert_eq!(r.value, 0x7f7f); // the largest finite bf16, overflow and inexact
/// let r = FloatFormat::BF16.round(tiny, Round::new(Rounding::TowardNegative, Overflow::Ieee), &mut rng);
/// assert_eq!(r.value, 0x8001); // −2⁻¹³³, the smallest subnormal, underflow and inexact
/// # Ok::<(), lowprec::float::ParseExactError>(())
/// ```
pub const FAR_EXPONENT: i32 = (1 << 20) + (1 << 12) + 1;

/// Why a string is not an exact real value.
///
/// ```
/// use lowprec::float::{Exact, ParseExactError};
/// assert_eq!("".parse::<Exact>(), Err(ParseExactError::Empty));
/// assert_eq!("1.2.3".parse::<Exact>(), Err(ParseExactError::InvalidChar { index: 3, ch: '.' }));
/// assert_eq!("1e".parse::<Exact>(), Err(ParseExactError::MissingExponent));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseExactError {
    /// The input is empty (or only a sign).
    Empty,
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
    /// The decimal needs arbitrary-precision arithmetic, which needs the `alloc` feature.
    /// Without it, decimals are accepted when their significant digits form an integer
    /// below 10¹⁹ and their value is that integer times 10⁰…10²⁷ (`464`, `2.5e4`,
    /// `1e20`), which is exact in 128 bits, and when their digit count and exponent alone
    /// put them beyond every format's range (`1e-400000`, `7e999999`; see
    /// [`FAR_EXPONENT`]).
    NeedsAlloc,
}

impl fmt::Display for ParseExactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ParseExactError::Empty => f.write_str("empty number"),
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
            ParseExactError::NeedsAlloc => f.write_str(
                "this decimal needs the `alloc` feature (without it only integers below 10^19 \
                 times 10^0..10^27, and values far beyond every format's range, are exact)",
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParseExactError {}

/// Written exponents saturate at ±2¹⁰⁰. No input is long enough (2⁶⁴ bytes) to move a
/// value by that many places, so a saturated exponent puts the value beyond the same
/// bound of [`FAR_EXPONENT`] as the written one: the result does not change. All the
/// exponent arithmetic below is in `i128`, far from overflow.
const EXPONENT_CAP: i128 = 1 << 100;

/// The zero-copy pieces of a decimal or hex significand: digits before and after the
/// point (each a run of ASCII digits of the radix), and the written exponent.
struct Parts<'a> {
    int: &'a [u8],
    frac: &'a [u8],
    /// The exponent after `e` or `p`, saturated at ±[`EXPONENT_CAP`].
    exp: i128,
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
    let mut exp = 0i128;
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
        while let Some(&b) = s.get(i) {
            if !b.is_ascii_digit() {
                return Err(invalid(s, offset, i));
            }
            exp = (exp * 10 + i128::from(b - b'0')).min(EXPONENT_CAP);
            i += 1;
        }
        if i == start {
            return Err(ParseExactError::MissingExponent);
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

/// The stand-in for a value whose leading bit lies at 2^±[`FAR_EXPONENT`] or beyond, when
/// its significand is not known: 2¹²⁷ with the sticky bit, leading bit at 2^`lead`.
fn far(negative: bool, lead: i32) -> Exact {
    Exact::Finite(Finite {
        negative,
        sig: 1 << 127,
        exp: lead - 127,
        sticky: true,
    })
}

/// The finite value (−1)^negative · (sig + ε) · 2^exp (0 < ε < 1 when `sticky`, else
/// ε = 0): exact values get an odd significand, and a leading bit beyond
/// 2^±[`FAR_EXPONENT`] is moved to that bound, keeping the significand and sticky bit.
fn finite(negative: bool, sig: u128, exp: i128, sticky: bool) -> Exact {
    if sig == 0 {
        return Exact::Zero { negative };
    }
    let (sig, exp) = if sticky {
        (sig, exp)
    } else {
        let tz = sig.trailing_zeros();
        (sig >> tz, exp + i128::from(tz))
    };
    let far = i128::from(FAR_EXPONENT);
    let lead = exp + i128::from(127 - sig.leading_zeros());
    let moved = lead.clamp(-far, far);
    // |moved| ≤ FAR_EXPONENT, so the exponent of the last bit fits an i32 easily.
    let exp = (exp + moved - lead) as i32;
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
    let mut shift: i128 = 0;
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
        shift += i128::from(lost);
    }
    // value = M · 16^(−fraction digits) · 2^p.
    let exp = p.exp + shift - 4 * p.frac.len() as i128;
    finite(negative, sig, exp, sticky)
}

/// The decimal digits of a significand with leading and trailing zeros removed, as an
/// iterator over digit values, and the decimal exponent of the last one.
struct Digits<'a> {
    int: &'a [u8],
    frac: &'a [u8],
    /// Significant digits, skipping `skip` leading ones of `int ++ frac`.
    skip: usize,
    /// The number of significant digits; the last one is not 0.
    count: usize,
    /// value = (the `count` digits as an integer) · 10^exp10.
    exp10: i128,
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
        let exp10 = p.exp - p.frac.len() as i128 + trail as i128;
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

/// Where a decimal lies, told from its digit count, exponent and last digits alone.
#[derive(Debug, PartialEq, Eq)]
enum Reach {
    /// At or above 2^FAR_EXPONENT, and inexact in every format.
    Huge,
    /// Below 2^−FAR_EXPONENT.
    Tiny,
    /// To be converted.
    Convert,
}

/// Classifies x = n·10^exp10 (n of `count` digits, the last one nonzero).
///
/// x lies in [10^(top−1), 10^top) with top = count + exp10, and 3.3219 < log₂10 < 3.3220:
/// - top·3.3219 ≤ −FAR_EXPONENT gives x < 10^top = 2^(top·log₂10) ≤ 2^−FAR_EXPONENT
///   (top < 0 there, so the larger factor log₂10 makes the power smaller);
/// - (top − 1)·3.3219 ≥ FAR_EXPONENT gives x ≥ 10^(top−1) ≥ 2^FAR_EXPONENT. Every format's
///   quantum there is 2^(FAR_EXPONENT − 52) or coarser, and x is inexact in all of them
///   when its odd part exceeds 2⁵³, as it does when x is no integer (exp10 < 0), when it
///   has the odd factor 5^exp10 > 2⁵³ (exp10 ≥ 23), or when n has fewer than 64 factors
///   of 2 (then x = odd·2^(< 64 + 23) with odd > 2^(FAR_EXPONENT − 87)). n mod 2⁶⁴ is its
///   last 64 digits mod 2⁶⁴, as 10⁶⁴ is a multiple of 2⁶⁴. Only an integer of at least
///   316 000 digits that 2⁶⁴ divides is left to convert.
fn reach(d: &Digits<'_>) -> Reach {
    let top = d.count as i128 + d.exp10;
    let far = i128::from(FAR_EXPONENT) * 10_000;
    if top * 33_219 <= -far {
        return Reach::Tiny;
    }
    if (top - 1) * 33_219 < far {
        return Reach::Convert;
    }
    let low = || {
        let last = d.count.min(64);
        d.iter().skip(d.count - last).fold(0u64, |acc, x| {
            acc.wrapping_mul(10).wrapping_add(u64::from(x))
        })
    };
    if d.exp10 < 0 || d.exp10 >= 23 || low() != 0 {
        Reach::Huge
    } else {
        Reach::Convert
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
    match reach(&d) {
        Reach::Huge => return Ok(far(negative, FAR_EXPONENT)),
        Reach::Tiny => return Ok(far(negative, -FAR_EXPONENT)),
        Reach::Convert => {}
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
    /// is correct. Values beyond 2^±[`FAR_EXPONENT`] become stand-ins that every format
    /// rounds as it rounds the true value. Digit strings and exponents may have any length.
    /// The work is linear in the length of the input, but for the decimal digits that are
    /// converted: the first 100 000 and those down to the place of the 128th significant
    /// bit, fewer than 740 000 however long the input (under a second in release builds),
    /// and all digits of an integer above 2^`FAR_EXPONENT` that 2⁶⁴ divides (it could be a
    /// power of two times a few bits), in time growing as n^1.6 (0.6 s for a million
    /// digits). Other than small integers and values far beyond every format, decimals
    /// need the `alloc` feature ([`ParseExactError::NeedsAlloc`]).
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
    ///
    /// // Far beyond every format: rounded as the true value would be.
    /// let x: Exact = "-2.5e-99999999999999999999".parse()?;
    /// let r = FloatFormat::BF16.round(x, Round::NEAREST_EVEN, &mut SplitMix64::new(0));
    /// assert_eq!(r.value, 0x8000); // −0, underflow and inexact
    /// # Ok::<(), lowprec::float::ParseExactError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
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

    /// For n > 0: (q, e, sticky) with n = (q + ε)·2^e, 2¹²⁷ ≤ q < 2¹²⁸, and 0 < ε < 1
    /// exactly when `sticky` (the top 128 bits of n).
    fn top_bits(n: &[u64]) -> (u128, i64, bool) {
        let word = |i: usize| u128::from(n.get(i).copied().unwrap_or(0));
        let shift = bit_len(n) as i64 - 128;
        if shift <= -128 {
            return (0, 0, false); // n = 0
        }
        if shift <= 0 {
            // n < 2¹²⁸ lies in its two low limbs.
            return (((word(1) << 64) | word(0)) << -shift, shift, false);
        }
        // Bits shift .. shift + 128 of n, from three limbs.
        let (limb, bit) = ((shift / 64) as usize, (shift % 64) as u32);
        let q = if bit == 0 {
            (word(limb + 1) << 64) | word(limb)
        } else {
            (((word(limb + 2) << 64) | word(limb + 1)) << (64 - bit)) | (word(limb) >> bit)
        };
        let below = n[..limb].iter().any(|&x| x != 0) || word(limb) & ((1u128 << bit) - 1) != 0;
        (q, shift, below)
    }

    /// The integer written by the next `count` digits, 19 at a time (10¹⁹ < 2⁶⁴).
    fn schoolbook_limbs(digits: &mut impl Iterator<Item = u8>, count: usize) -> Vec<u64> {
        let mut n = Vec::with_capacity(count / 19 + 1);
        let mut left = count;
        while left > 0 {
            let len = left.min(19);
            let chunk = digits
                .by_ref()
                .take(len)
                .fold(0u64, |acc, x| acc * 10 + u64::from(x));
            mul_small_add(&mut n, 10u64.pow(len as u32), chunk);
            left -= len;
        }
        n
    }

    /// The integer written by `count` decimal digits: blocks of [`BLOCK`] digits by
    /// schoolbook multiplication, then neighbouring blocks joined pairwise with
    /// 10^(BLOCK·2^k) as the base, level by level (Karatsuba products, so a million digits
    /// take a fraction of a second, where appending them one by one would take seconds).
    fn to_limbs(mut digits: impl Iterator<Item = u8>, count: usize) -> Vec<u64> {
        if count <= BLOCK {
            let mut n = schoolbook_limbs(&mut digits, count);
            trim(&mut n);
            return n;
        }
        // The most significant block takes the digits beyond a multiple of BLOCK.
        let first = match count % BLOCK {
            0 => BLOCK,
            r => r,
        };
        let mut blocks: Vec<Vec<u64>> = Vec::with_capacity(count / BLOCK + 1);
        blocks.push(schoolbook_limbs(&mut digits, first));
        for _ in 0..(count - first) / BLOCK {
            blocks.push(schoolbook_limbs(&mut digits, BLOCK));
        }
        // Least significant block first.
        blocks.reverse();
        let mut base = shl(&pow5(BLOCK as u64), BLOCK as u64); // 10^BLOCK
        while blocks.len() > 1 {
            let mut joined = Vec::with_capacity(blocks.len() / 2 + 1);
            let mut it = blocks.into_iter();
            while let Some(low) = it.next() {
                match it.next() {
                    Some(high) => {
                        let mut v = mul(&high, &base);
                        add_at(&mut v, &low, 0);
                        trim(&mut v);
                        joined.push(v);
                    }
                    None => joined.push(low),
                }
            }
            blocks = joined;
            if blocks.len() > 1 {
                base = mul(&base, &base);
                trim(&mut base);
            }
        }
        let mut n = blocks.pop().unwrap_or_default();
        trim(&mut n);
        n
    }

    /// Decimals of at most this many significant digits are converted in full, with
    /// their exact significand bits (the rest only need their leading ones).
    const KEEP_ALL: i64 = 100_000;

    /// Digits per block of [`to_limbs`]: 16 chunks of 19 digits.
    const BLOCK: usize = 19 * 16;

    /// The significant digits · 10^exp10 as (sig, exp, sticky) for [`super::finite`],
    /// converting only the digits that can matter.
    ///
    /// The value x lies in [10^(top−1), 10^top) with top = count + exp10, so its leading
    /// bit 2^L has L ≥ ⌊(top − 1)·log₂10⌋ ≥ `lower` (3.3219 < log₂10 < 3.3220, the smaller
    /// factor for top − 1 ≥ 0). Converted exactly, a value comes out as (q + ε)·2^e with
    /// 2¹²⁶ ≤ q < 2¹²⁸, so e ≥ L − 127 ≥ −t for t = max(0, 127 − lower). The digits below
    /// 10^−t only feed the sticky bit: truncating x to the multiple x_t of 10^−t below it
    /// (which keeps the leading digit, as top − 1 ≥ −t) changes neither q nor e, because
    /// (q + 1)·2^e — an integer when e ≥ 0, a multiple of 10^e otherwise — is a multiple of
    /// 10^−t above x_t, hence at least x_t + 10^−t > x. So x = (q + ε')·2^e with ε' > 0
    /// exactly when ε > 0 or a dropped digit is nonzero (the last digit is nonzero, so
    /// that is when any digit is dropped). At most top + t ≤ 740 000 digits are kept for
    /// values within 2^±FAR_EXPONENT; values above it are integers (t = 0) of any length.
    /// The first [`KEEP_ALL`] digits are always kept, so shorter decimals convert from every
    /// digit (the same bits as a conversion of every digit; with digits dropped the value's
    /// truncation is the same, but q may have 127 bits where that gives 128, or back).
    pub(super) fn decimal_to_binary(d: &Digits<'_>) -> (u128, i128, bool) {
        convert(d, KEEP_ALL)
    }

    /// [`decimal_to_binary`], always keeping the first `keep_all` digits.
    fn convert(d: &Digits<'_>, keep_all: i64) -> (u128, i128, bool) {
        // |top| < 2⁶³: values beyond 2^±FAR_EXPONENT by their digit count and exponent
        // alone are not converted, and count < 2⁶³.
        let top = (d.count as i128 + d.exp10) as i64;
        let below = top - 1;
        // (Saturating only for inputs of 2⁴⁸ digits and more, where t = 0 either way.)
        let lower = if below >= 0 {
            below.saturating_mul(33_219) / 10_000
        } else {
            (below * 33_220).div_euclid(10_000)
        };
        let t = (127 - lower).max(0);
        // top + t ≥ 1: the leading digit is kept. Keeping more digits than needed keeps
        // the argument valid (it then holds for a smaller 10^−t).
        let kept = (top + t).max(keep_all).min(d.count as i64) as usize;
        let dropped = d.count - kept;
        let n = to_limbs(d.iter(), kept);
        // value ≈ n·10^e = n·5^e·2^e. The callers bound |e| by about 1.06·10⁶ (values
        // within 2^±FAR_EXPONENT) or by 22 (longer integers above it).
        let e = d.exp10 + dropped as i128;
        let pow = pow5(e.unsigned_abs() as u64);
        let (q, qe, sticky) = if e >= 0 {
            top_bits(&mul(&n, &pow))
        } else {
            quotient(&n, &pow)
        };
        (q, i128::from(qe) + e, sticky || dropped > 0)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use alloc::format;
        use alloc::string::{String, ToString};

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

        /// A pseudo-random generator for the tests below.
        struct Lcg(u64);

        impl Lcg {
            fn next(&mut self) -> u64 {
                self.0 = self
                    .0
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                self.0 >> 11
            }
            fn below(&mut self, n: u64) -> u64 {
                self.next() % n
            }
        }

        /// The digits as an integer, appended one by one.
        fn naive_limbs(digits: &[u8]) -> Vec<u64> {
            let mut n = Vec::new();
            for &x in digits {
                mul_small_add(&mut n, 10, u64::from(x));
            }
            trim(&mut n);
            n
        }

        #[test]
        fn blocks_join_like_digit_by_digit() {
            let mut rng = Lcg(3);
            let sizes = [
                1,
                18,
                19,
                20,
                BLOCK - 1,
                BLOCK,
                BLOCK + 1,
                3 * BLOCK,
                5 * BLOCK + 7,
            ];
            for &count in sizes.iter().chain(&[2000, 4321, 9000]) {
                for _ in 0..4 {
                    let digits: Vec<u8> = (0..count).map(|_| rng.below(10) as u8).collect();
                    let got = to_limbs(digits.iter().copied(), count);
                    assert_eq!(got, naive_limbs(&digits), "{count} digits");
                }
            }
            let nines = [9u8; 3000];
            assert_eq!(to_limbs(nines.iter().copied(), 3000), naive_limbs(&nines));
        }

        #[test]
        fn top_bits_match_the_quotient_by_one() {
            let mut rng = Lcg(5);
            for len in 1..12 {
                for _ in 0..50 {
                    let mut n: Vec<u64> = (0..len).map(|_| rng.next() << rng.below(12)).collect();
                    if rng.below(3) == 0 {
                        n[0] = 0; // low limbs of zeros: exact
                    }
                    trim(&mut n);
                    if n.is_empty() {
                        continue;
                    }
                    assert_eq!(top_bits(&n), quotient(&n, &[1]), "{n:x?}");
                }
            }
        }

        /// The value truncated to 127 significant bits, with the sticky bit.
        fn to_127_bits((q, e, sticky): (u128, i128, bool)) -> (u128, i128, bool) {
            let lost = 1 - q.leading_zeros().min(1); // q ≥ 2¹²⁷: one bit too many
            (
                q >> lost,
                e + i128::from(lost),
                sticky || q & u128::from(lost) != 0,
            )
        }

        /// n·10^exp10 from every digit, the conversion before digits were dropped.
        fn convert_all(digits: &[u8], exp10: i128) -> (u128, i128, bool) {
            let n = naive_limbs(digits);
            let pow = pow5(exp10.unsigned_abs() as u64);
            let (q, qe, sticky) = if exp10 >= 0 {
                quotient(&mul(&n, &pow), &[1])
            } else {
                quotient(&n, &pow)
            };
            (q, i128::from(qe) + exp10, sticky)
        }

        /// Checks `decimal_to_binary` on digits·10^exp10 (digits without leading or
        /// trailing zeros) against converting every digit.
        fn check(digits: &[u8], exp10: i128) {
            let text: String = digits.iter().map(|&x| char::from(b'0' + x)).collect();
            let text = format!("{text}e{exp10}");
            let p = super::super::split_number(text.as_bytes(), 0, false).unwrap();
            let d = Digits::new(&p);
            assert_eq!((d.count, d.exp10), (digits.len(), exp10));
            let all = convert_all(digits, exp10);
            let shown = &text[..text.len().min(60)];
            // Up to KEEP_ALL digits: the same bits; dropping all it can, the same value.
            assert_eq!(decimal_to_binary(&d), all, "{shown}");
            assert_eq!(to_127_bits(convert(&d, 0)), to_127_bits(all), "{shown}");
        }

        /// The decimal digits of k·5^j (k < 2⁶⁴), most significant first.
        fn digits_of(k: u64, j: u32) -> Vec<u8> {
            let mut v: Vec<u8> = k.to_string().bytes().map(|b| b - b'0').rev().collect();
            for _ in 0..j {
                let mut carry = 0;
                for x in v.iter_mut() {
                    let t = *x * 5 + carry;
                    *x = t % 10;
                    carry = t / 10;
                }
                if carry > 0 {
                    v.push(carry);
                }
            }
            v.reverse();
            v
        }

        #[test]
        fn dropped_digits_only_feed_the_sticky_bit() {
            let mut rng = Lcg(11);
            for case in 0..600 {
                let count = 1 + rng.below(if case % 10 == 0 { 3000 } else { 400 }) as usize;
                let mut digits: Vec<u8> = (0..count)
                    .map(|_| match rng.below(4) {
                        0 => 9,
                        1 => 0,
                        _ => rng.below(10) as u8,
                    })
                    .collect();
                digits[0] = 1 + rng.below(9) as u8;
                let last = digits.len() - 1;
                digits[last] = 1 + rng.below(9) as u8;
                // The leading digit between 10^−700 and 10^500.
                let top = rng.below(1200) as i128 - 700;
                check(&digits, top - count as i128);
            }
        }

        #[test]
        fn digits_next_to_a_binary_value() {
            // g = k·2^−j written out (k·5^j · 10^−j), then a digit just above or below it
            // beyond every kept place: the truncation of x must not cross g.
            let mut rng = Lcg(13);
            for case in 0..300 {
                let k = rng.next() | 1;
                let j = rng.below(700) as u32;
                let g = digits_of(k, j);
                let pad = rng.below(400) as usize;
                let exp = -(j as i128) - pad as i128 - 1;
                // Above: g, zeros, 1.
                let mut above = g.clone();
                above.extend(core::iter::repeat_n(0, pad));
                above.push(1);
                check(&above, exp);
                // Below: g − 1 in its last place, nines.
                let mut below = g.clone();
                let mut i = below.len() - 1;
                while below[i] == 0 {
                    below[i] = 9;
                    i -= 1;
                }
                below[i] -= 1;
                below.extend(core::iter::repeat_n(9, pad + 1));
                if below[0] == 0 {
                    continue; // g was a power of ten
                }
                check(&below, exp);
                // And g itself, exact, scaled by a power of ten (e ≥ 0 too).
                let shift = rng.below(40) as i128 - 20 + i128::from(case % 3 == 0) * 400;
                let mut exact = g.clone();
                while exact.last() == Some(&0) {
                    exact.pop();
                }
                let zeros = (g.len() - exact.len()) as i128;
                check(&exact, zeros - i128::from(j) + shift);
            }
        }
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use std::format;
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
        // A bad character after an exponent of any length is still found.
        let long_exp = format!("1e{}x", "9".repeat(5000));
        assert_eq!(
            long_exp.parse::<Exact>(),
            Err(InvalidChar {
                index: 5002,
                ch: 'x'
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

    /// The leading-bit exponent of a finite value.
    fn lead(f: Finite) -> i64 {
        i64::from(f.exp) + 127 - i64::from(f.sig.leading_zeros())
    }

    #[test]
    fn far_values_become_stand_ins() {
        let far = i64::from(FAR_EXPONENT);
        let stand_in = |negative: bool, lead: i32| Finite {
            negative,
            sig: 1 << 127,
            exp: lead - 127,
            sticky: true,
        };
        // Decimals beyond the bounds by their digit count and exponent alone.
        let nines = "9".repeat(1000);
        for (s, want) in [
            ("1e999999999999", stand_in(false, FAR_EXPONENT)),
            ("-1e-400000000", stand_in(true, -FAR_EXPONENT)),
            ("1e1000001", stand_in(false, FAR_EXPONENT)),
            (&format!("7e{nines}"), stand_in(false, FAR_EXPONENT)),
            (&format!("-7e-{nines}"), stand_in(true, -FAR_EXPONENT)),
            (
                &format!("0.{nines}e-{nines}"),
                stand_in(false, -FAR_EXPONENT),
            ),
            // 10^316890 > 2^(FAR_EXPONENT + 8); 10^−316900 < 2^−(FAR_EXPONENT + 30).
            ("1e316890", stand_in(false, FAR_EXPONENT)),
            ("1e-316900", stand_in(false, -FAR_EXPONENT)),
            // Integers above the bound: not one (a fraction digit), odd, a multiple of
            // 10^23: all inexact in every format.
            (
                &format!("{}.5", "1".repeat(400_000)),
                stand_in(false, FAR_EXPONENT),
            ),
            (&"3".repeat(400_000), stand_in(false, FAR_EXPONENT)),
            (
                &format!("{}e23", "1".repeat(316_900)),
                stand_in(false, FAR_EXPONENT),
            ),
        ] {
            assert_eq!(fin(s), want, "{}", &s[..s.len().min(30)]);
        }
        // Hex floats keep their significand and sticky bit.
        let f = fin("0x1.8p99999999999");
        assert_eq!((f.sig, lead(f), f.sticky), (3, far, false));
        let f = fin("-0x1p-99999999999999999999999");
        assert_eq!(
            (f.sig, lead(f), f.sticky, f.negative),
            (1, -far, false, true)
        );
        let f = fin(&format!("0x1{}p{nines}", "1".repeat(40)));
        assert!(f.sticky && f.sig >> 124 == 0b1000 && lead(f) == far);
        // At the bounds: within them exact, beyond them moved.
        for (s, l) in [
            ("0x1p1052672", far - 1),
            ("0x1p1052673", far),
            ("0x1p1052674", far),
            ("0x1p-1052672", 1 - far),
            ("0x1p-1052673", -far),
            ("0x1p-1052674", -far),
        ] {
            let f = fin(s);
            assert_eq!((f.sig, lead(f), f.sticky), (1, l, false), "{s}");
        }
        // Converted decimals near the bounds: 10^316886 = 2^1052672.5… and
        // 10^−316884 = 2^−1052665.9… lie within, 10^316887 = 2^1052675.8… and
        // 10^−316887 = 2^−1052675.8… beyond (still converted: their digit count and
        // exponent alone do not tell).
        for (s, l, moved) in [
            ("1e316886", far - 1, false),
            ("1e316887", far, true),
            ("1e-316884", -1_052_666, false),
            ("1e-316887", -far, true),
        ] {
            let f = fin(s);
            assert!(f.sticky && lead(f) == l, "{s}: {f:?}");
            let (sig, exp, sticky) = big::decimal_to_binary(&digits(s));
            assert_eq!((f.sig, sticky), (sig, true));
            assert_eq!(i128::from(f.exp) != exp, moved, "{s}");
        }
    }

    /// The significant digits of a decimal without sign.
    fn digits(s: &str) -> Digits<'_> {
        let p = split_number(s.as_bytes(), 0, false).unwrap();
        Digits::new(&p)
    }

    #[test]
    fn large_inputs_are_bounded() {
        // The most work within the bounds: 684 000 digits at 10^−316000, every one of
        // them significant (kept digits reach down to 10^−(1049879)).
        let s = format!("0.{}{}", "0".repeat(316_000), "7".repeat(684_000));
        let f = fin(&s);
        assert!(f.sticky && lead(f) == -1_049_730); // log2(7/9·10^−316000) = −1049729.6
        // A million digits, far beyond, or with only a few significant ones.
        let f = fin(&"7".repeat(1_000_000));
        assert!(f.sticky && lead(f) == i64::from(FAR_EXPONENT));
        let f = fin(&format!("1.{}", "7".repeat(1_000_000)));
        assert!(f.sticky && lead(f) == 0);
        let f = fin(&format!("0x{}", "f".repeat(1_000_000)));
        assert!(f.sticky && lead(f) == i64::from(FAR_EXPONENT));
        // An exponent of a thousand digits.
        let f = fin(&format!("{}e-{}", "7".repeat(10_000), "1".repeat(1000)));
        assert!(f.sticky && lead(f) == -i64::from(FAR_EXPONENT));
    }
}
