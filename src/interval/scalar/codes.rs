//! Bounds of any [`FloatFormat`] through the exact core: the directed operations on
//! [`Ext`] codes ([`Codes`]), which serve runtime formats and typed [`Fp<F>`] values, and
//! the `f32` and `f64` bounds wherever their fast paths step aside.

use core::cmp::Ordering;
use core::fmt;

use super::ext::{ExtOps, ExtScalar};
use super::{Dir, Ext, IEEE, StaticScalar};
use crate::float::slice::Code;
use crate::float::{Class, Exact, FloatFormat, Format, Fp};
use crate::rounding::{NoRandom, RandomBits, Round, Rounding, Status, StatusAnd};

/// The midpoint (a + b)/2 of two finite codes, rounded to nearest even once: by the
/// arithmetic fast path where the format has one, else the exact dot product a·½ + b·½
/// (or, where ½ is not a value of the format, through binary64, which holds the exact
/// midpoint of any two values of a format within its range).
pub(super) fn mid_code<R: RandomBits>(
    f: &FloatFormat,
    a: u64,
    b: u64,
    rng: &mut R,
) -> StatusAnd<u64> {
    if f.host() {
        // Formats of the arithmetic fast path: a/2 and b/2 are binary64 values (the
        // formats stay far inside binary64's range), their sum is s + e exactly
        // (TwoSum), rounded once.
        if let (Some(x), Some(y)) = (f.host_decode(a), f.host_decode(b)) {
            let (s, e) = crate::float::fast::two_sum(x * 0.5, y * 0.5);
            if s == 0.0 {
                return StatusAnd::new(0, Status::OK);
            }
            if let Some(r) = f.round_host(s, e, Rounding::TiesToEven, IEEE, rng) {
                return r;
            }
        }
    }
    let half = f.from_f64_with(0.5, Round::new(Rounding::TiesToEven, IEEE), rng);
    if half.status.is_ok() {
        if let Ok(r) = f.dot_exact(
            &[a, b],
            &[half.value; 2],
            f,
            Round::new(Rounding::TiesToEven, IEEE),
            rng,
        ) {
            return r;
        }
    }
    // ½ is not in the format: halve the sum, rounded to odd first (enough bits for one
    // correct rounding afterwards whenever the format has fewer than 52 bits).
    let sum = f.sum_exact(
        &[a, b],
        &FloatFormat::FP64,
        Round::new(Rounding::ToOdd, IEEE),
        rng,
    );
    let h = f64::from_bits(sum.value) * 0.5;
    f.from_f64_with(h, Round::new(Rounding::TiesToEven, IEEE), rng)
}

/// Turns the result of a directed (or nearest) rounding of a finite exact value into
/// a bound: infinity and NaN codes (NaN is how formats without ∞ overflow outward, and
/// how unsigned formats refuse negative values rounded down) become ±∞ in the rounding's
/// direction; an overflow saturated at ±max in the outward direction (MX formats) too.
#[inline(always)]
pub(super) fn normalize(f: &FloatFormat, r: StatusAnd<u64>, mode: Rounding) -> Ext<u64> {
    let up = match mode {
        Rounding::TowardPositive => Some(true),
        Rounding::TowardNegative => Some(false),
        _ => None,
    };
    let code = r.value;
    let (neg, _) = f.split(code);
    match f.classify(code) {
        Class::Infinite => {
            if neg {
                Ext::NegInf
            } else {
                Ext::PosInf
            }
        }
        Class::Nan => match up {
            Some(false) => Ext::NegInf,
            _ => Ext::PosInf,
        },
        _ => {
            if r.status.contains(Status::OVERFLOW) {
                match up {
                    Some(true) if !neg => return Ext::PosInf,
                    Some(false) if neg => return Ext::NegInf,
                    None => return if neg { Ext::NegInf } else { Ext::PosInf },
                    _ => {}
                }
            }
            if !f.has_zero()
                && up == Some(false)
                && code & f.mag_mask() == 0
                && r.status.contains(Status::UNDERFLOW)
            {
                // A format without zero rounds tiny values to its smallest value in every
                // mode: below it, only −∞ bounds from below.
                return Ext::NegInf;
            }
            Ext::Finite(code)
        }
    }
}

/// The order of a bound's kind: −∞, finite, +∞.
fn rank(a: Ext<u64>) -> i8 {
    match a {
        Ext::NegInf => -1,
        Ext::Finite(_) => 0,
        Ext::PosInf => 1,
    }
}

/// +∞, or −∞ when `negative`.
fn inf(negative: bool) -> Ext<u64> {
    if negative { Ext::NegInf } else { Ext::PosInf }
}

/// ±0 rounded to nearest into the format, as a bound.
fn zero(f: &FloatFormat, negative: bool) -> Ext<u64> {
    let z = f.from_f64_with(
        if negative { -0.0 } else { 0.0 },
        Round::new(Rounding::TiesToEven, IEEE),
        &mut NoRandom,
    );
    normalize(f, z, Rounding::TiesToEven)
}

/// The result of an operation rounded in `dir`, as a bound.
#[inline(always)]
fn done(f: &FloatFormat, r: StatusAnd<u64>, dir: Dir) -> Ext<u64> {
    normalize(f, r, dir.rounding())
}

/// Directed operations on [`Ext`] codes of a runtime format.
pub struct Codes;

impl ExtOps for Codes {
    type Format = FloatFormat;
    type Finite = u64;

    #[inline(always)]
    fn bound(f: &FloatFormat, c: u64) -> Option<Ext<u64>> {
        let c = c & f.code_mask();
        match f.classify(c) {
            Class::Nan => None,
            Class::Infinite => Some(if f.split(c).0 {
                Ext::NegInf
            } else {
                Ext::PosInf
            }),
            _ => Some(Ext::Finite(c)),
        }
    }

    #[inline(always)]
    fn value(f: &FloatFormat, b: Ext<u64>) -> u64 {
        match b {
            Ext::Finite(c) => c,
            Ext::PosInf => f.inf_code().unwrap_or(f.max_mag()),
            Ext::NegInf => match f.inf_code() {
                Some(i) => i | f.sign_bit(),
                None if f.is_signed() => f.max_mag() | f.sign_bit(),
                None => 0,
            },
        }
    }

    #[inline(always)]
    fn cmp(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>) -> Ordering {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => f.partial_cmp(x, y).unwrap_or(Ordering::Equal),
            _ => rank(a).cmp(&rank(b)),
        }
    }

    #[inline(always)]
    fn sign(f: &FloatFormat, a: Ext<u64>) -> Ordering {
        match a {
            Ext::NegInf => Ordering::Less,
            Ext::PosInf => Ordering::Greater,
            Ext::Finite(c) => {
                let (neg, _) = f.split(c);
                if f.classify(c) == Class::Zero {
                    Ordering::Equal
                } else if neg {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
        }
    }

    #[inline(always)]
    fn neg(f: &FloatFormat, a: Ext<u64>, dir: Dir) -> Ext<u64> {
        match a {
            Ext::NegInf => Ext::PosInf,
            Ext::PosInf => Ext::NegInf,
            Ext::Finite(c) => {
                if f.is_signed() || f.classify(c) == Class::Zero {
                    Ext::Finite(f.neg(c) & f.code_mask())
                } else {
                    // −c < 0 has no code in an unsigned format.
                    match dir {
                        Dir::Down => Ext::NegInf,
                        Dir::Up => Self::zero_bound(f, Dir::Up),
                    }
                }
            }
        }
    }

    #[inline(always)]
    fn add(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, dir: Dir) -> Ext<u64> {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => done(
                f,
                f.add_with(x, y, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            (Ext::Finite(_), i) | (i, _) => i,
        }
    }

    #[inline(always)]
    fn sub(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, dir: Dir) -> Ext<u64> {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => done(
                f,
                f.sub_with(x, y, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            (Ext::Finite(_), Ext::PosInf) => Ext::NegInf,
            (Ext::Finite(_), Ext::NegInf) => Ext::PosInf,
            (i, _) => i,
        }
    }

    #[inline(always)]
    fn mul(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, dir: Dir) -> Ext<u64> {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => done(
                f,
                f.mul_with(x, y, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            _ => {
                let (sa, sb) = (Self::sign(f, a), Self::sign(f, b));
                if sa == Ordering::Equal || sb == Ordering::Equal {
                    zero(f, false)
                } else {
                    inf((sa == Ordering::Less) != (sb == Ordering::Less))
                }
            }
        }
    }

    #[inline(always)]
    fn div(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, dir: Dir) -> Ext<u64> {
        let negative = (Self::sign(f, a) == Ordering::Less) != (Self::sign(f, b) == Ordering::Less);
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => done(
                f,
                f.div_with(x, y, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            // A finite value over ±∞: a (signed) zero, rounded in `dir` where the
            // format has no zero.
            (Ext::Finite(_), _) if f.has_zero() => zero(f, negative),
            (Ext::Finite(_), _) => Self::zero_bound(f, dir),
            _ => inf(negative),
        }
    }

    #[inline(always)]
    fn fma(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>, c: Ext<u64>, dir: Dir) -> Ext<u64> {
        match (a, b, c) {
            (Ext::Finite(x), Ext::Finite(y), Ext::Finite(z)) => done(
                f,
                f.fma_with(x, y, z, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            _ => Self::add(f, Self::mul(f, a, b, dir), c, dir),
        }
    }

    #[inline(always)]
    fn sqrt(f: &FloatFormat, a: Ext<u64>, dir: Dir) -> Ext<u64> {
        match a {
            Ext::Finite(x) => done(
                f,
                f.sqrt_with(x, Round::new(dir.rounding(), IEEE), &mut NoRandom),
                dir,
            ),
            i => i,
        }
    }

    #[inline]
    fn mid(f: &FloatFormat, a: Ext<u64>, b: Ext<u64>) -> Ext<u64> {
        match (a, b) {
            (Ext::Finite(x), Ext::Finite(y)) => {
                normalize(f, mid_code(f, x, y, &mut NoRandom), Rounding::TiesToEven)
            }
            _ => Self::zero_bound(f, Dir::Up),
        }
    }

    #[inline]
    fn to_exact(f: &FloatFormat, a: Ext<u64>) -> Exact {
        match a {
            Ext::NegInf => Exact::Inf { negative: true },
            Ext::PosInf => Exact::Inf { negative: false },
            Ext::Finite(c) => f.decode(c),
        }
    }

    #[inline]
    fn from_exact(f: &FloatFormat, x: Exact, mode: Rounding) -> Ext<u64> {
        match x {
            Exact::Inf { negative } => inf(negative),
            _ => normalize(f, f.round(x, Round::new(mode, IEEE), &mut NoRandom), mode),
        }
    }

    #[inline]
    fn max_finite(f: &FloatFormat) -> Ext<u64> {
        Ext::Finite(f.max_mag())
    }

    #[inline]
    fn zero_bound(f: &FloatFormat, dir: Dir) -> Ext<u64> {
        if f.has_zero() {
            return zero(f, false);
        }
        // Code 0 is the smallest value 2^emin of a format without zero.
        match dir {
            Dir::Up => Ext::Finite(0),
            Dir::Down if f.is_signed() => Ext::Finite(f.sign_bit()),
            Dir::Down => Ext::NegInf,
        }
    }

    #[inline]
    fn precision(f: &FloatFormat) -> u32 {
        f.precision()
    }
}

/// Runtime formats: bounds are [`Ext`] codes (`u64`), the descriptor travels with
/// the interval.
impl ExtScalar for FloatFormat {
    type Ops = Codes;
    type Value = u64;
    type Finite = u64;
    type Format = FloatFormat;

    #[inline(always)]
    fn ops_format(f: &FloatFormat) -> FloatFormat {
        *f
    }
    #[inline(always)]
    fn value_to_ops(_: &FloatFormat, v: u64) -> u64 {
        v
    }
    #[inline(always)]
    fn value_from_ops(_: &FloatFormat, v: u64) -> u64 {
        v
    }
    #[inline(always)]
    fn to_ops(b: u64) -> u64 {
        b
    }
    #[inline(always)]
    fn from_ops(b: u64) -> u64 {
        b
    }
}

/// Compile-time formats: bounds are [`Ext`] of [`Fp<F>`] values.
impl<F: Format + fmt::Debug + 'static> ExtScalar for Fp<F> {
    type Ops = Codes;
    type Value = Fp<F>;
    type Finite = Fp<F>;
    type Format = ();

    #[inline(always)]
    fn ops_format(_: &()) -> FloatFormat {
        Fp::<F>::FORMAT
    }
    #[inline(always)]
    fn value_to_ops(_: &(), v: Fp<F>) -> u64 {
        v.to_bits().to_u64()
    }
    #[inline(always)]
    fn value_from_ops(_: &(), v: u64) -> Fp<F> {
        Fp::<F>::from_bits(Code::from_u64(v))
    }
    #[inline(always)]
    fn to_ops(b: Fp<F>) -> u64 {
        b.to_bits().to_u64()
    }
    #[inline(always)]
    fn from_ops(b: u64) -> Fp<F> {
        Fp::<F>::from_bits(Code::from_u64(b))
    }
}

impl<F: Format + fmt::Debug + 'static> StaticScalar for Fp<F> {
    const FORMAT: () = ();
}
