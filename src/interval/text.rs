//! Text input and output in the IEEE 1788 interval notation.
//!
//! Parsing accepts `[a, b]`, `[a]` (a point), `[a,]` and `[,b]` (half-lines), `[]` and
//! `[empty]`, `[entire]` and `[,]`, the uncertain form `m?r` (`3.56?1` = [3.55, 3.57],
//! `3.56?` = ± half a unit of the last digit, `m??` unbounded, `u`/`d` for one-sided,
//! an `e` exponent after all: `2.500?5e+27`), and for decorated intervals a `_com`,
//! `_dac`, `_def`, `_trv` suffix and `[nai]`. Numbers are decimals, hex floats
//! (`0x1.8p-3`), `inf`/`infinity` with a sign, and rationals `p/q`; each bound is the
//! exact number rounded once outward (decimals other than small integers need the
//! `alloc` feature, see [`Exact`]'s parser). Letters are case-insensitive.
//!
//! Display prints `[lo, hi]` with decimal bounds rounded outward (so reading the text
//! back gives an interval containing this one), `[empty]` or `[entire]`; the precision
//! (`{:.5}`) is the number of significant digits, by default enough to tell apart any
//! two values of the format. `{:x}` prints the bounds exactly as hex floats.
//!
//! ```
//! use lowprec::interval::{DecoratedInterval, Interval};
//! let x: Interval<f64> = "[0.1, 2/3]".parse()?;
//! assert!(x.inf() < 0.1 && x.sup() > 2.0 / 3.0);
//! assert_eq!(x.to_string(), "[0.099999999999999991, 0.66666666666666675]");
//! assert_eq!(format!("{:.3}", x), "[0.0999, 0.667]");
//! assert_eq!(format!("{:x}", Interval::<f64>::new(0.5, 1.0)), "[0x1p-1, 0x1p+0]");
//! let y: Interval<f64> = "3.56?1".parse()?;
//! assert!(y.inf() <= 3.55 && y.sup() >= 3.57);
//! let d: DecoratedInterval<f64> = "[1, 1e400]_com".parse()?;
//! assert_eq!(d.to_string(), "[1, inf]_dac"); // rounding overflowed: no longer bounded
//! # Ok::<(), lowprec::interval::ParseIntervalError>(())
//! ```

use core::fmt::{self, Write};
use core::str::FromStr;

use super::Interval;
use super::decorated::{DecoratedInterval, Decoration};
use super::scalar::{Dir, Scalar, StaticScalar, reversed};
use crate::float::{Exact, Finite, ParseExactError};

/// Why a string is not an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseIntervalError {
    /// Not in the 1788 notation (brackets, commas, `?` form).
    Syntax,
    /// A bound is not a number.
    Number(ParseExactError),
    /// A bound is not allowed there (`[+inf]`, `[inf, inf]`) or the bounds are reversed.
    Invalid,
    /// A decoration where none is allowed (bare intervals), an unknown decoration, or one
    /// that does not fit the interval (`[]_com`, `[1,]_com`, `_ill`).
    Decoration,
    /// `[nai]` where a bare interval was asked for.
    Nai,
}

impl fmt::Display for ParseIntervalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseIntervalError::Syntax => f.write_str(
                "not an interval: expected [a, b], [a], [empty], [entire] or m?r (IEEE 1788 notation)",
            ),
            ParseIntervalError::Number(e) => write!(f, "invalid bound: {e}"),
            ParseIntervalError::Invalid => f.write_str("the bounds do not make an interval"),
            ParseIntervalError::Decoration => {
                f.write_str("invalid or misplaced decoration (com, dac, def, trv)")
            }
            ParseIntervalError::Nai => f.write_str("[nai] is not a bare interval"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParseIntervalError {}

/// A number of the text: exact, or a ratio of two exact numbers.
#[derive(Clone, Copy)]
enum Num {
    Exact(Exact),
    Ratio(Exact, Exact),
}

impl Num {
    fn parse(s: &str) -> Result<Num, ParseIntervalError> {
        let s = s.trim();
        let num = |t: &str| -> Result<Exact, ParseIntervalError> {
            let x: Exact = t.parse().map_err(ParseIntervalError::Number)?;
            if matches!(x, Exact::Nan { .. }) {
                return Err(ParseIntervalError::Invalid);
            }
            Ok(x)
        };
        match s.split_once('/') {
            Some((p, q)) => {
                let (p, q) = (num(p)?, num(q)?);
                let finite = |x: &Exact| !matches!(x, Exact::Inf { .. });
                if !finite(&p) || !finite(&q) || matches!(q, Exact::Zero { .. }) {
                    return Err(ParseIntervalError::Invalid);
                }
                Ok(Num::Ratio(p, q))
            }
            None => Ok(Num::Exact(num(s)?)),
        }
    }

    fn inf_sign(&self) -> Option<bool> {
        match self {
            Num::Exact(Exact::Inf { negative }) => Some(*negative),
            _ => None,
        }
    }

    /// The number rounded once in `dir` (ratios: an exact quotient of integer bounds of
    /// p and q, see `ratio`).
    fn round<T: Scalar>(&self, f: &T::Format, dir: Dir) -> T::Bound {
        match *self {
            Num::Exact(x) => T::from_exact(f, x, dir.rounding()),
            Num::Ratio(p, q) => T::from_exact(f, ratio(p, q, dir), dir.rounding()),
        }
    }

    /// Compares the exact values where cheap (ratios: after rounding, see the caller).
    fn exact(&self) -> Option<Exact> {
        match self {
            Num::Exact(x) => Some(*x),
            Num::Ratio(..) => None,
        }
    }
}

/// A number between p/q and the rounding of p/q in `dir`: p/q itself when p and q are
/// integers of at most 64 significant bits times powers of two (every short decimal), else a
/// bound of p/q toward `dir` from integer bounds of p and q.
fn ratio(p: Exact, q: Exact, dir: Dir) -> Exact {
    let (Exact::Finite(p), Exact::Finite(q)) = (p, q) else {
        return Exact::Zero { negative: false };
    };
    let negative = p.negative != q.negative;
    // Round the magnitude away from zero when going up for a positive result or down
    // for a negative one.
    let away = (dir == Dir::Up) != negative;
    let trunc = |x: &Finite, bits: u32, up: bool| -> (u128, i32) {
        // x's significand cut to `bits` bits, rounded up or down (sticky counts).
        let n = 128 - x.sig.leading_zeros();
        if n <= bits {
            let s = x.sig + u128::from(up && x.sticky);
            (s, x.exp)
        } else {
            let sh = n - bits;
            let kept = x.sig >> sh;
            let lost = x.sig & ((1u128 << sh) - 1) != 0 || x.sticky;
            (kept + u128::from(up && lost), x.exp + sh as i32)
        }
    };
    let (ps, pe) = trunc(&p, 126, away);
    let (qs, qe) = trunc(&q, 64, !away);
    let lz = ps.leading_zeros();
    let n = ps << lz;
    Exact::Finite(Finite {
        negative,
        sig: n / qs,
        exp: pe - lz as i32 - qe,
        sticky: n % qs != 0,
    })
}

/// A fixed-capacity text buffer.
struct Buf<const N: usize> {
    b: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    fn new() -> Self {
        Self { b: [0; N], len: 0 }
    }
    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.b[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> Write for Buf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > N {
            return Err(fmt::Error);
        }
        self.b[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Parsed interval text before it meets a format.
struct Parsed {
    lo: Num,
    hi: Num,
    /// Whether the exact interval is bounded (for `_com`).
    bounded: bool,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    Nai,
    Bounds,
}

fn inf(negative: bool) -> Num {
    Num::Exact(Exact::Inf { negative })
}

fn parse_body(body: &str) -> Result<Parsed, ParseIntervalError> {
    let body = body.trim();
    let special = |kind| {
        Ok(Parsed {
            lo: inf(false),
            hi: inf(true),
            bounded: true,
            kind,
        })
    };
    if let Some(inner) = body.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or(ParseIntervalError::Syntax)?
            .trim();
        if inner.is_empty() || inner.eq_ignore_ascii_case("empty") {
            return special(Kind::Empty);
        }
        if inner.eq_ignore_ascii_case("nai") {
            return special(Kind::Nai);
        }
        if inner.eq_ignore_ascii_case("entire") {
            return Ok(Parsed {
                lo: inf(true),
                hi: inf(false),
                bounded: false,
                kind: Kind::Bounds,
            });
        }
        let (lo, hi) = match inner.split_once(',') {
            Some((a, b)) => {
                let a = a.trim();
                let b = b.trim();
                let lo = if a.is_empty() {
                    inf(true)
                } else {
                    Num::parse(a)?
                };
                let hi = if b.is_empty() {
                    inf(false)
                } else {
                    Num::parse(b)?
                };
                (lo, hi)
            }
            None => {
                let x = Num::parse(inner)?;
                if x.inf_sign().is_some() {
                    return Err(ParseIntervalError::Invalid);
                }
                (x, x)
            }
        };
        if lo.inf_sign() == Some(false) || hi.inf_sign() == Some(true) {
            return Err(ParseIntervalError::Invalid);
        }
        let bounded = lo.inf_sign().is_none() && hi.inf_sign().is_none();
        return Ok(Parsed {
            lo,
            hi,
            bounded,
            kind: Kind::Bounds,
        });
    }
    parse_uncertain(body)
}

/// The uncertain form `m?r[u|d][e±k]`.
fn parse_uncertain(s: &str) -> Result<Parsed, ParseIntervalError> {
    let (m, rest) = s.split_once('?').ok_or(ParseIntervalError::Syntax)?;
    let (negative, digits) = match m.as_bytes().first() {
        Some(b'-') => (true, &m[1..]),
        Some(b'+') => (false, &m[1..]),
        _ => (false, m),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return Err(ParseIntervalError::Syntax);
    }
    // Radius: digits, nothing (half a unit), or '?' (unbounded).
    let rest_b = rest.as_bytes();
    let (radius, mut i) = if rest_b.first() == Some(&b'?') {
        (None, 1)
    } else {
        let n = rest_b.iter().take_while(|b| b.is_ascii_digit()).count();
        (Some(&rest[..n]), n)
    };
    let mut side = 0i8; // −1 down, +1 up
    match rest_b.get(i).map(|b| b.to_ascii_lowercase()) {
        Some(b'u') => {
            side = 1;
            i += 1;
        }
        Some(b'd') => {
            side = -1;
            i += 1;
        }
        _ => {}
    }
    let exp10: i64 = match rest_b.get(i).map(|b| b.to_ascii_lowercase()) {
        None => 0,
        Some(b'e') => exponent(&rest[i + 1..]).ok_or(ParseIntervalError::Syntax)?,
        Some(_) => return Err(ParseIntervalError::Syntax),
    };
    let k = frac.len() as i64;
    // The digits of m as an integer M, in units of 10^(exp10 − k).
    let mut mm: i128 = 0;
    let mut big = false;
    for b in int.bytes().chain(frac.bytes()) {
        match mm
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(b - b'0')))
        {
            Some(v) => mm = v,
            None => big = true,
        }
    }
    if big {
        return Err(ParseIntervalError::Syntax);
    }
    if negative {
        mm = -mm;
    }
    let Some(r) = radius else {
        // Unbounded radius: one-sided half-lines or the whole line.
        let m = exact_int(mm, exp10 - k)?;
        let (lo, hi) = match side {
            1 => (m, inf(false)),
            -1 => (inf(true), m),
            _ => (inf(true), inf(false)),
        };
        return Ok(Parsed {
            lo,
            hi,
            bounded: false,
            kind: Kind::Bounds,
        });
    };
    // Half a unit: scale by 10 and use a radius of 5.
    let (mm, rr, scale) = if r.is_empty() {
        (mm.checked_mul(10), Some(5i128), exp10 - k - 1)
    } else {
        (Some(mm), r.parse::<i128>().ok(), exp10 - k)
    };
    let (lo, hi) = match (mm, rr) {
        (Some(mm), Some(rr)) => {
            let lo = if side == 1 {
                Some(mm)
            } else {
                mm.checked_sub(rr)
            };
            let hi = if side == -1 {
                Some(mm)
            } else {
                mm.checked_add(rr)
            };
            match (lo, hi) {
                (Some(lo), Some(hi)) => (exact_int(lo, scale)?, exact_int(hi, scale)?),
                _ => return Err(ParseIntervalError::Syntax),
            }
        }
        // A radius too long for 128 bits: beyond every format's range after scaling
        // only when huge, so bound it by ±∞ (valid, and what any format rounds it to
        // once the radius exceeds 10^38 units).
        _ => {
            let m = exact_int(mm.unwrap_or(0), scale)?;
            let lo = if side == 1 { m } else { inf(true) };
            let hi = if side == -1 { m } else { inf(false) };
            (lo, hi)
        }
    };
    Ok(Parsed {
        lo,
        hi,
        bounded: true,
        kind: Kind::Bounds,
    })
}

/// A decimal exponent `[+-]digits` of any length, saturated at ±2⁵⁸: the significand of
/// the uncertain form fits an `i128` (at most 39 digits), so an exponent that large puts
/// the bounds beyond every format's range whether saturated or not.
fn exponent(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let e = digits
        .bytes()
        .fold(0i64, |e, b| (e * 10 + i64::from(b - b'0')).min(1 << 58));
    Some(if negative { -e } else { e })
}

/// The exact number n·10^e.
fn exact_int(n: i128, e: i64) -> Result<Num, ParseIntervalError> {
    let mut b = Buf::<64>::new();
    write!(b, "{n}e{e}").map_err(|_| ParseIntervalError::Syntax)?;
    let x: Exact = b.as_str().parse().map_err(ParseIntervalError::Number)?;
    Ok(Num::Exact(x))
}

/// Splits a trailing `_dec` off.
fn split_decoration(s: &str) -> (&str, Option<&str>) {
    let s = s.trim();
    match s.rsplit_once('_') {
        Some((body, dec)) => (body, Some(dec)),
        None => (s, None),
    }
}

impl Parsed {
    fn interval<T: Scalar>(&self, format: T::Format) -> Result<Interval<T>, ParseIntervalError> {
        match self.kind {
            Kind::Empty => return Ok(Interval::empty_in(format)),
            Kind::Nai => return Err(ParseIntervalError::Nai),
            Kind::Bounds => {}
        }
        if let (Some(a), Some(b)) = (self.lo.exact(), self.hi.exact()) {
            if reversed(a, b) {
                // Reversed bounds are undefined unless rounding makes them meet: 1788's
                // "possibly undefined" case, resolved as its examples do.
                let f = &format;
                let (lo, hi) = (
                    self.lo.round::<T>(f, Dir::Down),
                    self.hi.round::<T>(f, Dir::Up),
                );
                if T::lt(f, hi, lo) {
                    return Err(ParseIntervalError::Invalid);
                }
            }
        }
        let f = &format;
        let lo = self.lo.round::<T>(f, Dir::Down);
        let hi = self.hi.round::<T>(f, Dir::Up);
        Interval::from_bounds_in(format, lo, hi).map_err(|_| ParseIntervalError::Invalid)
    }
}

impl<T: Scalar> Interval<T> {
    /// Parses 1788 interval text into `format` (see the [module docs](self)).
    ///
    /// ```
    /// use lowprec::FloatFormat;
    /// use lowprec::interval::Interval;
    /// let x = Interval::<FloatFormat>::parse_in(FloatFormat::E4M3FN, "[0.1, 500]")?;
    /// assert_eq!(x.to_string(), "[0.0937, inf]"); // 500 exceeds E4M3FN's 448
    /// # Ok::<(), lowprec::interval::ParseIntervalError>(())
    /// ```
    pub fn parse_in(format: T::Format, s: &str) -> Result<Self, ParseIntervalError> {
        let (body, dec) = split_decoration(s);
        if dec.is_some() {
            return Err(ParseIntervalError::Decoration);
        }
        parse_body(body)?.interval(format)
    }
}

impl<T: StaticScalar> FromStr for Interval<T> {
    type Err = ParseIntervalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_in(T::FORMAT, s)
    }
}

impl<T: Scalar> DecoratedInterval<T> {
    /// Parses decorated 1788 interval text into `format`; without a decoration the
    /// interval gets its natural one (`newDec`).
    pub fn parse_in(format: T::Format, s: &str) -> Result<Self, ParseIntervalError> {
        let (body, dec) = split_decoration(s);
        let p = parse_body(body)?;
        if p.kind == Kind::Nai {
            return match dec {
                None => Ok(Self::nai_in(format)),
                Some(_) => Err(ParseIntervalError::Decoration),
            };
        }
        let x = p.interval::<T>(format)?;
        let Some(dec) = dec else {
            return Ok(Self::new(x));
        };
        let d = Decoration::from_name(dec).ok_or(ParseIntervalError::Decoration)?;
        let ok = match d {
            Decoration::Ill => false,
            _ if x.is_empty() => d == Decoration::Trv,
            Decoration::Com => p.bounded,
            _ => true,
        };
        if !ok {
            return Err(ParseIntervalError::Decoration);
        }
        Ok(Self::set_dec(x, d))
    }
}

impl<T: StaticScalar> FromStr for DecoratedInterval<T> {
    type Err = ParseIntervalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_in(T::FORMAT, s)
    }
}

// ----- output ------------------------------------------------------------------------

/// Significant decimal digits that tell apart any two values of a p-bit format:
/// ⌈p·log₁₀2⌉ + 1.
fn default_digits(p: u32) -> usize {
    (p as usize * 30103).div_ceil(100_000) + 1
}

/// Writes `x` with at most `digits` significant digits, rounded toward +∞ (`up`) or −∞.
fn write_directed(w: &mut impl Write, x: f64, digits: usize, up: bool) -> fmt::Result {
    if x.is_infinite() {
        return w.write_str(if x < 0.0 { "-inf" } else { "inf" });
    }
    if x == 0.0 || x.is_nan() {
        return w.write_str("0");
    }
    // Every f64 has at most 767 significant decimal digits, so 770 digits after the
    // point are its exact expansion (core's formatting is exact at any precision).
    let mut buf = Buf::<800>::new();
    write!(buf, "{:.770e}", x.abs())?;
    let s = buf.as_str().as_bytes();
    let epos = s.iter().position(|&b| b == b'e').unwrap_or(s.len());
    let mut exp: i32 = buf.as_str()[(epos + 1).min(s.len())..].parse().unwrap_or(0);
    let mant = s[..epos].iter().filter(|b| b.is_ascii_digit());
    let n = digits.clamp(1, 40);
    let mut d = [0u8; 41];
    let mut rest_nonzero = false;
    for (i, &b) in mant.enumerate() {
        if i < n {
            d[i] = b - b'0';
        } else if b != b'0' {
            rest_nonzero = true;
            break;
        }
    }
    // Outward from zero when rounding up a positive number or down a negative one.
    if rest_nonzero && (up == (x > 0.0)) {
        let mut i = n;
        loop {
            if i == 0 {
                // 99…9 + 1 = 100…0: one more digit position.
                d[0] = 1;
                exp += 1;
                break;
            }
            i -= 1;
            if d[i] == 9 {
                d[i] = 0;
            } else {
                d[i] += 1;
                break;
            }
        }
    }
    let mut len = n;
    while len > 1 && d[len - 1] == 0 {
        len -= 1;
    }
    if x < 0.0 {
        w.write_char('-')?;
    }
    let digit = |i: usize| char::from(b'0' + d[i]);
    if (-5..17).contains(&exp) {
        if exp < 0 {
            w.write_str("0.")?;
            for _ in 0..(-exp - 1) {
                w.write_char('0')?;
            }
            for i in 0..len {
                w.write_char(digit(i))?;
            }
        } else {
            let int_len = exp as usize + 1;
            for i in 0..int_len.max(len) {
                if i == int_len {
                    w.write_char('.')?;
                }
                w.write_char(if i < len { digit(i) } else { '0' })?;
            }
        }
    } else {
        w.write_char(digit(0))?;
        if len > 1 {
            w.write_char('.')?;
            for i in 1..len {
                w.write_char(digit(i))?;
            }
        }
        write!(w, "e{exp}")?;
    }
    Ok(())
}

impl<T: Scalar> fmt::Display for Interval<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("[empty]");
        }
        if self.is_entire() {
            return f.write_str("[entire]");
        }
        let digits = f
            .precision()
            .unwrap_or_else(|| default_digits(T::precision(&self.format).min(53)));
        let (lo, hi) = self.to_f64_pair();
        f.write_char('[')?;
        write_directed(f, lo, digits, false)?;
        f.write_str(", ")?;
        write_directed(f, hi, digits, true)?;
        f.write_char(']')
    }
}

impl<T: Scalar> fmt::LowerHex for Interval<T> {
    /// The bounds exactly, as hex floats.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("[empty]");
        }
        let (lo, hi) = self.exact_bounds();
        write!(f, "[{lo}, {hi}]")
    }
}

impl<T: Scalar> fmt::Display for DecoratedInterval<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.interval() {
            None => f.write_str("[nai]"),
            Some(x) => {
                fmt::Display::fmt(&x, f)?;
                write!(f, "_{}", self.decoration())
            }
        }
    }
}
