//! Elementary functions, correctly rounded in every format, mode and overflow policy.
//!
//! exp, exp2, exp10, expm1, log, log2, log10, log1p, pow, pown, rootn, rsqrt, hypot,
//! sin, cos, tan, asin, acos, atan, atan2, sinh, cosh, tanh, asinh, acosh, atanh, erf and
//! erfc, on the codes of any [`FloatFormat`](crate::FloatFormat) (and on typed [`Fp<F>`](crate::float::Fp)
//! values), with the IEEE 754 special values and flags.
//!
//! # How a value is computed
//! Each function is a *kernel* that encloses its value in an interval of multi-precision
//! numbers (`Mp`, 64·N-bit significands, every operation rounded outward), adding a
//! bound for each truncated series. Ziv's test then asks whether the enclosure pins the
//! value down to 126 bits with a sticky bit; if not, the kernel runs again at a higher
//! precision (192, 512, then 1,280 bits). The decided value is an [`Exact`] that rounds,
//! in every format of at most 53 bits and every mode (the stochastic ones read 64 bits
//! below the last kept bit), exactly as the true value does — so the result goes through
//! the crate's one rounding step, [`FloatFormat::round`](crate::FloatFormat::round), like every other operation.
//! Exact results (exp 0, log2 of a power of two, pow(9, 0.5), …) are found exactly, and
//! values a hair away from the argument or from 1 (sin x for tiny x, exp x for tiny x,
//! tanh of a large x) are decided from that fact, not by precision.
//!
//! ```
//! use lowprec::{FloatFormat, NoRandom, Rounding};
//! use lowprec::math::Unary;
//! let bf16 = FloatFormat::BF16;
//! let x = bf16.from_f64(1.0);
//! assert_eq!(bf16.to_f64(bf16.unary(Unary::Exp, x)), 2.71875);
//! // Any mode: e lies between 2.703125 and 2.71875 in bfloat16.
//! let down = bf16.unary_with(Unary::Exp, x, Rounding::TowardNegative, &mut NoRandom);
//! assert_eq!(bf16.to_f64(down.value), 2.703125);
//! ```
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | [`Unary`], [`Binary`], the value-level entry points ([`unary`], [`binary`], [`pown`], [`rootn`]) |
//! | `api.rs` | the functions on codes: `FloatFormat::unary_with` and friends, `Fp<F>` methods |
//! | `mp.rs`, `iv.rs` | multi-precision numbers with directed rounding, and their enclosures |
//! | `consts.rs` | π, ln 2, ln 10, 2/√π, 2/π to 3,072 bits (generated, checked against MPFR) |
//! | `ziv.rs` | the precision ladder and the 126-bit decision |
//! | `fast.rs` | the binary64 fast path of exp, log, sin, cos, tanh and erf for formats of up to 38 bits |
//! | `exp.rs`, `log.rs` | exp, exp2, exp10, expm1; log, log2, log10, log1p |
//! | `trig.rs`, `atrig.rs` | sin, cos, tan (with the reduction modulo π/2); asin, acos, atan, atan2 |
//! | `hyperbolic.rs` | sinh, cosh, tanh, asinh, acosh, atanh |
//! | `erf.rs` | erf, erfc |
//! | `pow.rs` | pow, pown, rootn, rsqrt, hypot |

use crate::float::Exact;
use crate::float::arith::Outcome;
use crate::rounding::{Status, StatusAnd};

mod api;
mod atrig;
mod consts;
mod erf;
mod exp;
mod fast;
mod hyperbolic;
mod iv;
mod log;
mod mp;
mod pow;
#[cfg(feature = "alloc")]
mod table;
#[cfg(feature = "alloc")]
pub use table::{Table, TableError};
mod trig;
mod ziv;

pub(crate) use trig::quadrant;

/// π between two exact values with 128-bit significands: `lo < π < hi`.
pub(crate) fn pi_bounds() -> (Exact, Exact) {
    let pi = consts::PI.iv::<2>();
    let exact = |m: mp::Mp<2>| {
        let (t, e, _) = m.truncate(128);
        Exact::from_parts(false, t, e as i32)
    };
    (exact(pi.lo), exact(pi.hi))
}

/// The one-argument functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unary {
    /// e^x.
    Exp,
    /// 2^x.
    Exp2,
    /// 10^x.
    Exp10,
    /// e^x − 1.
    Expm1,
    /// ln x.
    Log,
    /// log₂ x.
    Log2,
    /// log₁₀ x.
    Log10,
    /// ln(1 + x).
    Log1p,
    /// 1/√x.
    Rsqrt,
    /// sin x.
    Sin,
    /// cos x.
    Cos,
    /// tan x.
    Tan,
    /// arcsin x.
    Asin,
    /// arccos x.
    Acos,
    /// arctan x.
    Atan,
    /// sinh x.
    Sinh,
    /// cosh x.
    Cosh,
    /// tanh x.
    Tanh,
    /// arsinh x.
    Asinh,
    /// arcosh x.
    Acosh,
    /// artanh x.
    Atanh,
    /// The error function.
    Erf,
    /// The complementary error function 1 − erf x.
    Erfc,
}

/// The two-argument functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Binary {
    /// x^y (IEEE 754 `pow`).
    Pow,
    /// The angle of the point (x, y) — called as atan2(y, x).
    Atan2,
    /// √(x² + y²).
    Hypot,
}

impl Unary {
    /// Every one-argument function.
    pub const ALL: [Unary; 23] = [
        Unary::Exp,
        Unary::Exp2,
        Unary::Exp10,
        Unary::Expm1,
        Unary::Log,
        Unary::Log2,
        Unary::Log10,
        Unary::Log1p,
        Unary::Rsqrt,
        Unary::Sin,
        Unary::Cos,
        Unary::Tan,
        Unary::Asin,
        Unary::Acos,
        Unary::Atan,
        Unary::Sinh,
        Unary::Cosh,
        Unary::Tanh,
        Unary::Asinh,
        Unary::Acosh,
        Unary::Atanh,
        Unary::Erf,
        Unary::Erfc,
    ];

    /// The IEEE 754 / C name (`"exp"`, `"log1p"`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Unary::Exp => "exp",
            Unary::Exp2 => "exp2",
            Unary::Exp10 => "exp10",
            Unary::Expm1 => "expm1",
            Unary::Log => "log",
            Unary::Log2 => "log2",
            Unary::Log10 => "log10",
            Unary::Log1p => "log1p",
            Unary::Rsqrt => "rsqrt",
            Unary::Sin => "sin",
            Unary::Cos => "cos",
            Unary::Tan => "tan",
            Unary::Asin => "asin",
            Unary::Acos => "acos",
            Unary::Atan => "atan",
            Unary::Sinh => "sinh",
            Unary::Cosh => "cosh",
            Unary::Tanh => "tanh",
            Unary::Asinh => "asinh",
            Unary::Acosh => "acosh",
            Unary::Atanh => "atanh",
            Unary::Erf => "erf",
            Unary::Erfc => "erfc",
        }
    }

    /// The function of a name.
    ///
    /// ```
    /// use lowprec::math::Unary;
    /// assert_eq!(Unary::from_name("log1p"), Some(Unary::Log1p));
    /// assert_eq!(Unary::from_name("lgamma"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Unary> {
        Unary::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl Binary {
    /// Every two-argument function.
    pub const ALL: [Binary; 3] = [Binary::Pow, Binary::Atan2, Binary::Hypot];

    /// The IEEE 754 / C name.
    pub const fn name(self) -> &'static str {
        match self {
            Binary::Pow => "pow",
            Binary::Atan2 => "atan2",
            Binary::Hypot => "hypot",
        }
    }

    /// The function of a name.
    pub fn from_name(name: &str) -> Option<Binary> {
        Binary::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The value of a one-argument function at an exact argument, decided to 126 bits with a
/// sticky bit (see the module docs) and ready for [`FloatFormat::round`](crate::FloatFormat::round) into any format;
/// the status holds `invalid` (NaN) or `divide-by-zero` (an exact infinity) where
/// IEEE 754 raises them. A sticky bit on the argument is ignored (arguments are values
/// of a format, which are exact).
///
/// ```
/// use lowprec::float::Exact;
/// use lowprec::math::{Unary, unary};
/// use lowprec::{FloatFormat, NoRandom, Round, Status};
/// let r = unary(Unary::Log, Exact::from_f64(0.0));
/// assert_eq!(r.value, Exact::Inf { negative: true });
/// assert_eq!(r.status, Status::DIV_BY_ZERO);
/// // One value, rounded into any format: binary64 here.
/// let e = unary(Unary::Exp, Exact::from_f64(1.0)).value;
/// let r = FloatFormat::FP64.round(e, Round::default(), &mut NoRandom);
/// assert_eq!(r.value, core::f64::consts::E.to_bits());
/// ```
pub fn unary(f: Unary, x: Exact) -> StatusAnd<Exact> {
    status_and(unary_outcome(f, x))
}

/// The value of a two-argument function (for [`Binary::Atan2`] the arguments are
/// (y, x)), as [`unary`].
pub fn binary(f: Binary, x: Exact, y: Exact) -> StatusAnd<Exact> {
    status_and(binary_outcome(f, x, y))
}

/// x^n for an integer n (IEEE 754 `pown`), as [`unary`].
pub fn pown(x: Exact, n: i64) -> StatusAnd<Exact> {
    status_and(pown_outcome(x, n))
}

/// x^(1/n) for an integer n (IEEE 754 `rootn`), as [`unary`].
pub fn rootn(x: Exact, n: i64) -> StatusAnd<Exact> {
    status_and(rootn_outcome(x, n))
}

fn status_and(o: Outcome) -> StatusAnd<Exact> {
    match o {
        Outcome::Value(v) => StatusAnd::new(v, Status::OK),
        Outcome::Invalid => StatusAnd::new(Exact::Nan { negative: false }, Status::INVALID),
        Outcome::DivByZero { negative } => {
            StatusAnd::new(Exact::Inf { negative }, Status::DIV_BY_ZERO)
        }
    }
}

/// A sticky bit on an argument is dropped: arguments are exact.
fn exact_arg(x: Exact) -> Exact {
    match x {
        Exact::Finite(f) => Exact::from_parts(f.negative, f.sig, f.exp),
        x => x,
    }
}

pub(crate) fn unary_outcome(f: Unary, x: Exact) -> Outcome {
    let x = exact_arg(x);
    match f {
        Unary::Exp | Unary::Exp2 | Unary::Exp10 | Unary::Expm1 => exp::eval(f, x),
        Unary::Log | Unary::Log2 | Unary::Log10 | Unary::Log1p => log::eval(f, x),
        Unary::Rsqrt => pow::rsqrt(x),
        Unary::Sin | Unary::Cos | Unary::Tan => trig::eval(f, x),
        Unary::Asin | Unary::Acos | Unary::Atan => atrig::eval(f, x),
        Unary::Sinh | Unary::Cosh | Unary::Tanh | Unary::Asinh | Unary::Acosh | Unary::Atanh => {
            hyperbolic::eval(f, x)
        }
        Unary::Erf | Unary::Erfc => erf::eval(f, x),
    }
}

pub(crate) fn binary_outcome(f: Binary, x: Exact, y: Exact) -> Outcome {
    let (x, y) = (exact_arg(x), exact_arg(y));
    match f {
        Binary::Pow => pow::pow(x, y),
        Binary::Atan2 => atrig::atan2(x, y),
        Binary::Hypot => pow::hypot(x, y),
    }
}

pub(crate) fn pown_outcome(x: Exact, n: i64) -> Outcome {
    pow::pown(exact_arg(x), n)
}

pub(crate) fn rootn_outcome(x: Exact, n: i64) -> Outcome {
    pow::rootn(exact_arg(x), n)
}
