//! Rounding modes, overflow policies, random bits, and the one rounding decision.
//!
//! Every rounding in lowprec — float conversions and arithmetic, fixed-point casts,
//! interval bounds — ends in [`round_increment`]: given what was kept and what was
//! discarded, it says whether the kept magnitude is incremented by one unit. The
//! ap_fixed quantization modes are rounding modes too (the table on [`Rounding`]).

use core::fmt;
use core::str::FromStr;

/// How an inexact value is rounded to a representable one.
///
/// Deterministic modes name the IEEE 754 / ap_fixed rule; stochastic modes draw
/// random bits from a [`RandomBits`] source that the caller passes in (there is no
/// global generator).
///
/// | mode | IEEE 754 / OCP | ap_fixed | pychop `round=` |
/// |---|---|---|---|
/// | [`TiesToEven`](Rounding::TiesToEven) | roundTiesToEven | `AP_RND_CONV` | 1 |
/// | [`TiesToAway`](Rounding::TiesToAway) | roundTiesToAway | `AP_RND_INF` | 8 |
/// | [`TiesToZero`](Rounding::TiesToZero) | — | `AP_RND_ZERO` | 7 |
/// | [`TiesUp`](Rounding::TiesUp) | — | `AP_RND` | — |
/// | [`TiesDown`](Rounding::TiesDown) | — | `AP_RND_MIN_INF` | — |
/// | [`TowardPositive`](Rounding::TowardPositive) | roundTowardPositive | — | 2 |
/// | [`TowardNegative`](Rounding::TowardNegative) | roundTowardNegative | `AP_TRN` | 3 |
/// | [`TowardZero`](Rounding::TowardZero) | roundTowardZero | `AP_TRN_ZERO` | 4 |
/// | [`ToOdd`](Rounding::ToOdd) | round-to-odd | — (`AC_RND_CONV_ODD` is *ties* to odd) | 9 |
/// | [`TiesToOdd`](Rounding::TiesToOdd) | — | `AC_RND_CONV_ODD` (ac_fixed) | — |
/// | [`Stochastic`](Rounding::Stochastic) | P3109 stochastic | — | 5, 6 |
///
/// ```
/// use lowprec::{FloatFormat, NoRandom, Rounding};
/// let e4m3 = FloatFormat::E4M3FN;
/// // 1.0625 lies exactly between 1.0 and 1.125 in E4M3FN.
/// let even = e4m3.from_f64(1.0625);
/// let away = e4m3.from_f64_with(1.0625, Rounding::TiesToAway, &mut NoRandom).value;
/// assert_eq!((e4m3.to_f64(even), e4m3.to_f64(away)), (1.0, 1.125));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Rounding {
    /// Nearest; ties to the even neighbour (the IEEE default).
    #[default]
    TiesToEven,
    /// Nearest; ties away from zero.
    TiesToAway,
    /// Nearest; ties toward zero.
    TiesToZero,
    /// Nearest; ties toward +∞.
    TiesUp,
    /// Nearest; ties toward −∞.
    TiesDown,
    /// Toward +∞ (ceiling).
    TowardPositive,
    /// Toward −∞ (floor).
    TowardNegative,
    /// Toward zero (truncation of the magnitude).
    TowardZero,
    /// Round to odd: truncate, then set the last bit if anything was discarded.
    /// Exact values are returned unchanged.
    ToOdd,
    /// Nearest; ties to the odd neighbour (ac_fixed's `AC_RND_CONV_ODD`).
    TiesToOdd,
    /// Stochastic rounding, see [`Stochastic`].
    Stochastic(Stochastic),
}

/// A stochastic rounding rule: which rule, and how many random bits it draws.
///
/// Let δ ∈ [0, 1) be the discarded fraction of one unit in the last place and
/// r a uniform draw of `bits` random bits (r ∈ [0, 2ⁿ)). The magnitude is
/// rounded away from zero when
///
/// | kind | condition | P(away) |
/// |---|---|---|
/// | [`Proportional`](SrKind::Proportional) | r < ⌈δ·2ⁿ⌉ | δ, within 2⁻ⁿ (exactly δ when δ has ≤ n bits) |
/// | [`P3109A`](SrKind::P3109A) | ⌊δ·2ⁿ⌋ + r ≥ 2ⁿ | ⌊δ·2ⁿ⌋/2ⁿ (fraction truncated) |
/// | [`P3109B`](SrKind::P3109B) | ⌊δ·2ⁿ⁺¹⌋/2 + r ≥ 2ⁿ − ½ | half-offset |
/// | [`P3109C`](SrKind::P3109C) | round(δ·2ⁿ) + r ≥ 2ⁿ | fraction rounded to n bits (ties to even) |
/// | [`Equal`](SrKind::Equal) | one random bit is set | ½ for every inexact value |
///
/// Exact values are never changed. `bits` is clamped to 1..=64 (1..=63 for variants B
/// and C, which need one bit of δ beyond the n random bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stochastic {
    /// The rule.
    pub kind: SrKind,
    /// Number of random bits drawn per rounding (1..=64; `Equal` always draws one).
    pub bits: u8,
}

/// The stochastic rounding rules of [`Stochastic`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SrKind {
    /// Probability proportional to the distance (pychop mode 5, CPFloat mode 5).
    Proportional,
    /// Equal probability for both neighbours (pychop mode 6).
    Equal,
    /// IEEE P3109 stochastic rounding, variant A (discarded fraction truncated to n bits).
    P3109A,
    /// IEEE P3109 stochastic rounding, variant B (half-offset).
    P3109B,
    /// IEEE P3109 stochastic rounding, variant C (discarded fraction rounded to n bits).
    P3109C,
}

impl Stochastic {
    /// Stochastic rounding proportional to the distance, with `bits` random bits.
    pub const fn proportional(bits: u8) -> Self {
        Self {
            kind: SrKind::Proportional,
            bits,
        }
    }
}

impl Rounding {
    /// Every deterministic mode, in declaration order.
    pub const DETERMINISTIC: [Rounding; 10] = [
        Rounding::TiesToEven,
        Rounding::TiesToAway,
        Rounding::TiesToZero,
        Rounding::TiesUp,
        Rounding::TiesDown,
        Rounding::TowardPositive,
        Rounding::TowardNegative,
        Rounding::TowardZero,
        Rounding::ToOdd,
        Rounding::TiesToOdd,
    ];

    /// Stochastic rounding proportional to the distance with 64 random bits.
    pub const SR: Rounding = Rounding::Stochastic(Stochastic::proportional(64));

    /// Whether the mode draws random bits.
    pub const fn is_stochastic(self) -> bool {
        matches!(self, Rounding::Stochastic(_))
    }

    /// Whether the mode is one of the round-to-nearest modes.
    pub const fn is_nearest(self) -> bool {
        matches!(
            self,
            Rounding::TiesToEven
                | Rounding::TiesToAway
                | Rounding::TiesToZero
                | Rounding::TiesUp
                | Rounding::TiesDown
                | Rounding::TiesToOdd
        )
    }

    /// The command-line name (`rne rna rnz rnu rnd rno rtz rup rdn rto sr sr-equal sr-a sr-b sr-c`).
    pub const fn name(self) -> &'static str {
        match self {
            Rounding::TiesToEven => "rne",
            Rounding::TiesToAway => "rna",
            Rounding::TiesToZero => "rnz",
            Rounding::TiesUp => "rnu",
            Rounding::TiesDown => "rnd",
            Rounding::TowardPositive => "rup",
            Rounding::TowardNegative => "rdn",
            Rounding::TowardZero => "rtz",
            Rounding::ToOdd => "rto",
            Rounding::TiesToOdd => "rno",
            Rounding::Stochastic(s) => match s.kind {
                SrKind::Proportional => "sr",
                SrKind::Equal => "sr-equal",
                SrKind::P3109A => "sr-a",
                SrKind::P3109B => "sr-b",
                SrKind::P3109C => "sr-c",
            },
        }
    }

    /// Parses a command-line name, giving stochastic modes `bits` random bits.
    pub fn parse_with_bits(name: &str, bits: u8) -> Result<Self, ParseModeError> {
        let sr = |kind| {
            Ok(Rounding::Stochastic(Stochastic {
                kind,
                bits: bits.clamp(1, 64),
            }))
        };
        match name {
            "rne" => Ok(Rounding::TiesToEven),
            "rna" => Ok(Rounding::TiesToAway),
            "rnz" => Ok(Rounding::TiesToZero),
            "rnu" => Ok(Rounding::TiesUp),
            "rnd" => Ok(Rounding::TiesDown),
            "rup" => Ok(Rounding::TowardPositive),
            "rdn" => Ok(Rounding::TowardNegative),
            "rtz" => Ok(Rounding::TowardZero),
            "rto" => Ok(Rounding::ToOdd),
            "rno" => Ok(Rounding::TiesToOdd),
            "sr" => sr(SrKind::Proportional),
            "sr-equal" => sr(SrKind::Equal),
            "sr-a" => sr(SrKind::P3109A),
            "sr-b" => sr(SrKind::P3109B),
            "sr-c" => sr(SrKind::P3109C),
            _ => Err(ParseModeError),
        }
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for an unknown rounding-mode or overflow-policy name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseModeError;

impl fmt::Display for ParseModeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "unknown mode (rounding: rne rna rnz rnu rnd rno rtz rup rdn rto sr sr-equal sr-a sr-b sr-c; \
             overflow: ieee satfinite satpropagate)",
        )
    }
}

impl FromStr for Rounding {
    type Err = ParseModeError;
    /// Parses a command-line name; stochastic modes get 64 random bits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_with_bits(s, 64)
    }
}

/// What happens to a finite value too large for the format, and to infinities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Overflow {
    /// IEEE 754: round-to-nearest and stochastic modes overflow to ±∞ (or NaN where the
    /// format has no infinity, as OCP E4M3FN and FNUZ do, or ±max for MX formats that
    /// have neither); directed modes that point toward zero give ±max finite.
    /// Infinite inputs stay infinite (NaN / ±max likewise).
    #[default]
    Ieee,
    /// OCP "satfinite": every overflow and every infinity gives ±max finite.
    SatFinite,
    /// P3109 "SaturatePropagate": finite overflow gives ±max finite, infinities stay
    /// infinite (±max where the format has no infinity).
    SatPropagate,
}

impl Overflow {
    /// The command-line name (`ieee satfinite satpropagate`).
    pub const fn name(self) -> &'static str {
        match self {
            Overflow::Ieee => "ieee",
            Overflow::SatFinite => "satfinite",
            Overflow::SatPropagate => "satpropagate",
        }
    }
}

impl fmt::Display for Overflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Overflow {
    type Err = ParseModeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ieee" => Ok(Overflow::Ieee),
            "satfinite" => Ok(Overflow::SatFinite),
            "satpropagate" => Ok(Overflow::SatPropagate),
            _ => Err(ParseModeError),
        }
    }
}

/// How to round a result: a [`Rounding`] mode and an [`Overflow`] policy.
///
/// Every `_with` operation of the crate takes one (anything that converts into it: a
/// `Rounding` alone keeps the default overflow, an `Overflow` alone keeps ties-to-even,
/// and a `(Rounding, Overflow)` pair sets both). The default is what the plain operations
/// use: round to nearest, ties to even, with the format's standard overflow
/// ([`Overflow::Ieee`]: ±∞, or NaN where the format has no infinity).
///
/// Random bits are asked for separately, by the `_with` operations' last argument, and
/// only stochastic modes draw from it; deterministic callers pass [`&mut NoRandom`](NoRandom).
///
/// ```
/// use lowprec::{FloatFormat, NoRandom, Overflow, Round, Rounding};
/// let e5m2 = FloatFormat::E5M2;
/// assert_eq!(Round::default(), Round::new(Rounding::TiesToEven, Overflow::Ieee));
/// // The one-call form is the default rounding...
/// assert_eq!(e5m2.from_f64(1e6), e5m2.inf_code().unwrap());
/// // ...and the `_with` form takes any mode and policy, and returns the flags.
/// let sat = e5m2.from_f64_with(1e6, Overflow::SatFinite, &mut NoRandom);
/// assert_eq!(e5m2.to_f64(sat.value), 57344.0);
/// assert!(sat.status.contains(lowprec::Status::OVERFLOW));
/// let down = e5m2.from_f64_with(0.3, Rounding::TowardNegative, &mut NoRandom);
/// assert_eq!(e5m2.to_f64(down.value), 0.25);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Round {
    /// The rounding mode.
    pub mode: Rounding,
    /// The overflow policy.
    pub overflow: Overflow,
}

impl Round {
    /// Round to nearest, ties to even, with IEEE overflow: the default.
    pub const NEAREST_EVEN: Round = Round::new(Rounding::TiesToEven, Overflow::Ieee);

    /// A mode and an overflow policy.
    #[inline]
    pub const fn new(mode: Rounding, overflow: Overflow) -> Self {
        Self { mode, overflow }
    }

    /// The same mode with another overflow policy.
    #[inline]
    pub const fn with_overflow(self, overflow: Overflow) -> Self {
        Self { overflow, ..self }
    }

    /// The same overflow policy with another mode.
    #[inline]
    pub const fn with_mode(self, mode: Rounding) -> Self {
        Self { mode, ..self }
    }
}

impl From<Rounding> for Round {
    /// The mode with the default overflow policy.
    #[inline]
    fn from(mode: Rounding) -> Self {
        Self::new(mode, Overflow::Ieee)
    }
}

impl From<Overflow> for Round {
    /// Ties-to-even with the given overflow policy.
    #[inline]
    fn from(overflow: Overflow) -> Self {
        Self::new(Rounding::TiesToEven, overflow)
    }
}

impl From<(Rounding, Overflow)> for Round {
    #[inline]
    fn from((mode, overflow): (Rounding, Overflow)) -> Self {
        Self::new(mode, overflow)
    }
}

impl fmt::Display for Round {
    /// The command-line names, `mode/overflow` (`rne/ieee`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.mode, self.overflow)
    }
}

/// A source of uniformly distributed random bits for stochastic rounding.
///
/// Implement it for your own generator (a hardware LFSR model, a counter-based
/// generator for reproducible training); [`SplitMix64`] is a small seeded default.
pub trait RandomBits {
    /// Returns 64 uniformly distributed random bits.
    fn next_u64(&mut self) -> u64;

    /// Returns `n` (1..=64) uniformly distributed random bits in the low bits.
    /// The default takes the top `n` bits of [`next_u64`](RandomBits::next_u64).
    #[inline]
    fn bits(&mut self, n: u32) -> u64 {
        let n = n.clamp(1, 64);
        self.next_u64() >> (64 - n)
    }
}

/// The random source for deterministic roundings: it never needs to be drawn from.
///
/// Pass `&mut NoRandom` to a `_with` method when the mode is deterministic; a deterministic
/// mode never asks its source for bits. If a stochastic mode is used with it anyway, every
/// draw is zero, which makes each stochastic rule a fixed (biased) rounding: variants
/// [`Proportional`](SrKind::Proportional) and [`Equal`](SrKind::Equal) then round every
/// inexact value away from zero, `P3109A`/`B`/`C` round by their fraction alone.
///
/// ```
/// use lowprec::{FloatFormat, NoRandom, Overflow, Round, Rounding};
/// let e4m3 = FloatFormat::E4M3FN;
/// let how = Round::new(Rounding::TowardZero, Overflow::SatFinite);
/// let r = e4m3.from_f64_with(1000.0, how, &mut NoRandom);
/// assert_eq!(e4m3.to_f64(r.value), 448.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoRandom;

impl RandomBits for NoRandom {
    fn next_u64(&mut self) -> u64 {
        0
    }
}

impl<R: RandomBits + ?Sized> RandomBits for &mut R {
    #[inline]
    fn next_u64(&mut self) -> u64 {
        (**self).next_u64()
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, seedable generator whose every
/// seed gives an independent full-period stream. Good enough for stochastic rounding,
/// not for cryptography.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }
}

impl RandomBits for SplitMix64 {
    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The discarded part of a value being rounded, in units of the kept last place.
///
/// `frac` holds the first 64 discarded bits (the fraction δ ∈ [0, 1) times 2⁶⁴, truncated)
/// and `sticky` says whether any bit below those is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Discarded {
    /// ⌊δ·2⁶⁴⌋.
    pub frac: u64,
    /// Whether δ·2⁶⁴ has a nonzero fractional part.
    pub sticky: bool,
}

impl Discarded {
    /// Nothing discarded: the value is exact.
    pub const EXACT: Discarded = Discarded {
        frac: 0,
        sticky: false,
    };

    /// Whether anything was discarded.
    #[inline]
    pub const fn is_inexact(self) -> bool {
        self.frac != 0 || self.sticky
    }

    /// Compares δ with one half.
    #[inline]
    pub const fn cmp_half(self) -> core::cmp::Ordering {
        const HALF: u64 = 1 << 63;
        if self.frac > HALF || (self.frac == HALF && self.sticky) {
            core::cmp::Ordering::Greater
        } else if self.frac == HALF {
            core::cmp::Ordering::Equal
        } else {
            core::cmp::Ordering::Less
        }
    }
}

/// The one rounding decision: whether to add one unit to the kept magnitude.
///
/// `negative` is the sign of the value, `odd` the last kept bit, `d` what was discarded.
/// Deterministic modes never touch `rng`.
///
/// ```
/// use lowprec::rounding::{round_increment, Discarded};
/// use lowprec::{Rounding, SplitMix64};
/// let tie = Discarded { frac: 1 << 63, sticky: false };
/// let mut rng = SplitMix64::new(1);
/// assert!(round_increment(false, true, tie, Rounding::TiesToEven, &mut rng)); // 1.5 → 2
/// assert!(!round_increment(false, false, tie, Rounding::TiesToEven, &mut rng)); // 2.5 → 2
/// assert!(!round_increment(true, true, tie, Rounding::TiesUp, &mut rng)); // −1.5 → −1
/// assert!(round_increment(false, false, tie, Rounding::TiesToOdd, &mut rng)); // 2.5 → 3
/// ```
#[inline(always)]
pub fn round_increment<R: RandomBits + ?Sized>(
    negative: bool,
    odd: bool,
    d: Discarded,
    mode: Rounding,
    rng: &mut R,
) -> bool {
    use core::cmp::Ordering::*;
    if !d.is_inexact() {
        return false;
    }
    let tie_up = |up: bool| match d.cmp_half() {
        Greater => true,
        Equal => up,
        Less => false,
    };
    match mode {
        Rounding::TiesToEven => tie_up(odd),
        Rounding::TiesToAway => tie_up(true),
        Rounding::TiesToZero => tie_up(false),
        Rounding::TiesUp => tie_up(!negative),
        Rounding::TiesDown => tie_up(negative),
        Rounding::TowardPositive => !negative,
        Rounding::TowardNegative => negative,
        Rounding::TowardZero => false,
        // Truncate, then force the last bit to 1: an even kept value becomes kept + 1.
        Rounding::ToOdd => !odd,
        Rounding::TiesToOdd => tie_up(!odd),
        Rounding::Stochastic(s) => stochastic_increment(s, d, rng),
    }
}

/// The stochastic part of [`round_increment`], for an inexact `d`.
#[inline]
fn stochastic_increment<R: RandomBits + ?Sized>(s: Stochastic, d: Discarded, rng: &mut R) -> bool {
    // Variants B and C look at δ to n + 1 bits; `Discarded` holds 64 bits and a sticky
    // bit, so they draw at most 63 random bits.
    let max = if matches!(s.kind, SrKind::P3109B | SrKind::P3109C) {
        63
    } else {
        64
    };
    let n = u32::from(s.bits).clamp(1, max);
    // δ·2¹²⁸ as a 128-bit integer, with the sticky bit as its last bit (δ < 1 always).
    let delta = (u128::from(d.frac) << 64) | u128::from(d.sticky);
    let r = u128::from(rng.bits(n));
    let one = 1u128 << n; // 2ⁿ
    match s.kind {
        // ⌈δ·2ⁿ⌉ = ⌊(δ·2¹²⁸ + 2¹²⁸⁻ⁿ − 1) / 2¹²⁸⁻ⁿ⌋; away iff r < ⌈δ·2ⁿ⌉.
        SrKind::Proportional => {
            let sh = 128 - n;
            let ceil = (delta >> sh) + u128::from(delta & ((1u128 << sh) - 1) != 0);
            r < ceil
        }
        SrKind::Equal => r >> (n - 1) == 1,
        SrKind::P3109A => (delta >> (128 - n)) + r >= one,
        // ⌊δ·2ⁿ⁺¹⌋/2 + r ≥ 2ⁿ − ½  ⇔  ⌊δ·2ⁿ⁺¹⌋ + 2r ≥ 2ⁿ⁺¹ − 1.
        SrKind::P3109B => (delta >> (127 - n)) + 2 * r + 1 >= 2 * one,
        SrKind::P3109C => {
            let sh = 128 - n;
            let t = delta >> sh;
            let rest = delta & ((1u128 << sh) - 1);
            let half = 1u128 << (sh - 1);
            let rounded = t + u128::from(rest > half || (rest == half && t & 1 == 1));
            rounded + r >= one
        }
    }
}

/// IEEE 754 status flags, returned with every rounded result.
///
/// Underflow is signalled when the result is tiny *after rounding* (as if the exponent
/// range were unbounded; the IEEE 754 option that Berkeley SoftFloat also uses by
/// default) and inexact. For stochastic modes tininess is judged before rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Status(u8);

impl Status {
    /// No flag raised.
    pub const OK: Status = Status(0);
    /// Invalid operation (e.g. NaN produced from non-NaN, or NaN into a format without NaN).
    pub const INVALID: Status = Status(1);
    /// Division of a finite nonzero value by zero.
    pub const DIV_BY_ZERO: Status = Status(2);
    /// The rounded result exceeded the largest finite value.
    pub const OVERFLOW: Status = Status(4);
    /// The result was tiny and inexact.
    pub const UNDERFLOW: Status = Status(8);
    /// The result differs from the exact value.
    pub const INEXACT: Status = Status(16);

    /// The raw bits (invalid = 1, div-by-zero = 2, overflow = 4, underflow = 8, inexact = 16;
    /// the same order as Berkeley SoftFloat's exception flags, shifted).
    pub const fn bits(self) -> u8 {
        self.0
    }
    /// Whether every flag of `other` is raised in `self`.
    pub const fn contains(self, other: Status) -> bool {
        self.0 & other.0 == other.0
    }
    /// Whether no flag is raised.
    pub const fn is_ok(self) -> bool {
        self.0 == 0
    }
    /// The union of two flag sets.
    pub const fn union(self, other: Status) -> Status {
        Status(self.0 | other.0)
    }
    /// The flags of `self` that are not in `other`.
    pub const fn without(self, other: Status) -> Status {
        Status(self.0 & !other.0)
    }
}

impl core::ops::BitOr for Status {
    type Output = Status;
    fn bitor(self, rhs: Status) -> Status {
        self.union(rhs)
    }
}

impl core::ops::BitOrAssign for Status {
    fn bitor_assign(&mut self, rhs: Status) {
        *self = self.union(rhs);
    }
}

impl fmt::Display for Status {
    /// Space-separated flag names (`invalid divbyzero overflow underflow inexact`), or `ok`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_ok() {
            return f.write_str("ok");
        }
        let names = [
            (Status::INVALID, "invalid"),
            (Status::DIV_BY_ZERO, "divbyzero"),
            (Status::OVERFLOW, "overflow"),
            (Status::UNDERFLOW, "underflow"),
            (Status::INEXACT, "inexact"),
        ];
        let mut first = true;
        for (flag, name) in names {
            if self.contains(flag) {
                if !first {
                    f.write_str(" ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

/// A value with the status flags its computation raised.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatusAnd<T> {
    /// The flags.
    pub status: Status,
    /// The value.
    pub value: T,
}

impl<T> StatusAnd<T> {
    /// Pairs a value with its flags.
    pub const fn new(value: T, status: Status) -> Self {
        Self { status, value }
    }
}
