//! The elementary functions on codes ([`FloatFormat`]) and on typed values ([`Fp<F>`]).
//!
//! Each function decodes its arguments, asks the kernel for the value decided to 126
//! bits ([`super::unary`] and friends) — or, in a deterministic mode, to the format's
//! precision + 2 bits by the binary64 fast path where it can — and rounds it once with
//! [`FloatFormat::round`]; a signaling NaN argument raises `invalid`, as the arithmetic
//! does.

use super::{Binary, Unary, binary_outcome, fast, pown_outcome, rootn_outcome, unary_outcome};
use crate::float::arith::Outcome;
use crate::float::{Exact, FloatFormat, Format, Fp};
use crate::rounding::{NoRandom, Overflow, RandomBits, Round, Rounding, StatusAnd};

impl FloatFormat {
    /// f(a), correctly rounded to nearest, ties to even, with the standard overflow.
    ///
    /// ```
    /// use lowprec::FloatFormat;
    /// use lowprec::math::Unary;
    /// let f = FloatFormat::FP16;
    /// let y = f.unary(Unary::Sin, f.from_f64(1.0));
    /// assert_eq!(f.to_f64(y), 0.84130859375); // sin 1 = 0.84147…, to 11 bits
    /// ```
    pub fn unary(&self, f: Unary, a: u64) -> u64 {
        self.unary_with(f, a, Round::default(), &mut NoRandom).value
    }

    /// f(a) rounded as `how` says, with the IEEE flags.
    pub fn unary_with<R: RandomBits + ?Sized>(
        &self,
        f: Unary,
        a: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let Round { mode, overflow } = how.into();
        // (The fast path takes finite arguments only: no signaling NaN to flag.)
        if !mode.is_stochastic() {
            if let Some(r) = self.fast_unary(f, a, mode, overflow, rng) {
                return r;
            }
        }
        self.settle(&[a], Round::new(mode, overflow), rng, || {
            unary_outcome(f, self.decode(a))
        })
    }

    /// The outcome of a function at `codes`, rounded once, with the flags. A signaling NaN
    /// argument gives a quiet NaN and `invalid` (IEEE 754 §6.2), also where a quiet NaN
    /// would not propagate (pow(NaN, 0) = 1, hypot(∞, NaN) = ∞).
    fn settle<R: RandomBits + ?Sized>(
        &self,
        codes: &[u64],
        how: Round,
        rng: &mut R,
        outcome: impl FnOnce() -> Outcome,
    ) -> StatusAnd<u64> {
        let flags = self.signaling(codes);
        let outcome = if flags.is_ok() {
            outcome()
        } else {
            Outcome::Invalid
        };
        self.finish(outcome, flags, how.mode, how.overflow, rng)
    }

    /// The binary64 fast path of a deterministic mode (see `fast.rs`): the value's
    /// stand-in rounded on the host's bits where the format allows, else once through
    /// the exact path; `None` where the fast path cannot decide.
    #[inline]
    fn fast_unary<R: RandomBits + ?Sized>(
        &self,
        f: Unary,
        a: u64,
        mode: Rounding,
        overflow: Overflow,
        rng: &mut R,
    ) -> Option<StatusAnd<u64>> {
        let bits = self.precision() + 2;
        if self.host_eligible() {
            let x = self.host_decode(a)?;
            // These formats lie within 2^±511: e^x beyond ±700 is far outside them.
            let mid = fast::far_exp(f, x).or_else(|| fast::eval(f, x, bits))?;
            // The host rounding leaves the far subnormal corners to the exact one.
            return Some(
                self.round_host(mid, 0.0, mode, overflow, rng)
                    .unwrap_or_else(|| {
                        self.round(Exact::from_f64(mid), Round::new(mode, overflow), rng)
                    }),
            );
        }
        let Exact::Finite(x) = self.decode(a) else {
            return None;
        };
        let mid = fast::eval(f, fast::to_f64(&x)?, bits)?;
        Some(self.round(Exact::from_f64(mid), Round::new(mode, overflow), rng))
    }

    /// f(a, b) correctly rounded to nearest, ties to even (for [`Binary::Atan2`], a is y
    /// and b is x).
    pub fn binary(&self, f: Binary, a: u64, b: u64) -> u64 {
        self.binary_with(f, a, b, Round::default(), &mut NoRandom)
            .value
    }

    /// f(a, b) rounded as `how` says, with the IEEE flags.
    pub fn binary_with<R: RandomBits + ?Sized>(
        &self,
        f: Binary,
        a: u64,
        b: u64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.settle(&[a, b], how.into(), rng, || {
            binary_outcome(f, self.decode(a), self.decode(b))
        })
    }

    /// a^n for an integer n, correctly rounded to nearest, ties to even.
    pub fn pown(&self, a: u64, n: i64) -> u64 {
        self.pown_with(a, n, Round::default(), &mut NoRandom).value
    }

    /// a^n rounded as `how` says, with the IEEE flags.
    pub fn pown_with<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        n: i64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.settle(&[a], how.into(), rng, || pown_outcome(self.decode(a), n))
    }

    /// a^(1/n) for an integer n, correctly rounded to nearest, ties to even.
    pub fn rootn(&self, a: u64, n: i64) -> u64 {
        self.rootn_with(a, n, Round::default(), &mut NoRandom).value
    }

    /// a^(1/n) rounded as `how` says, with the IEEE flags.
    pub fn rootn_with<R: RandomBits + ?Sized>(
        &self,
        a: u64,
        n: i64,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.settle(&[a], how.into(), rng, || rootn_outcome(self.decode(a), n))
    }
}

macro_rules! typed_unary {
    ($($name:ident => $f:ident),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "` of the value, correctly rounded to nearest, ties to even.")]
            pub fn $name(self) -> Self {
                self.unary(Unary::$f)
            }
        )*
    };
}

impl<F: Format> Fp<F> {
    /// f(self) correctly rounded to nearest, ties to even.
    ///
    /// ```
    /// use lowprec::float::{Fp, formats::Bf16};
    /// use lowprec::math::Unary;
    /// let x = Fp::<Bf16>::from(2.0f32);
    /// assert_eq!(x.unary(Unary::Log2).to_f32(), 1.0);
    /// assert_eq!(x.exp().to_f32(), 7.375); // e² = 7.389…
    /// ```
    pub fn unary(self, f: Unary) -> Self {
        Fp::from_code(F::FORMAT.unary(f, self.code()))
    }

    /// f(self) rounded as `how` says, with the IEEE flags.
    pub fn unary_with<R: RandomBits + ?Sized>(
        self,
        f: Unary,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<Self> {
        Fp::lift(F::FORMAT.unary_with(f, self.code(), how, rng))
    }

    typed_unary! {
        exp => Exp, exp2 => Exp2, exp10 => Exp10, exp_m1 => Expm1,
        ln => Log, log2 => Log2, log10 => Log10, ln_1p => Log1p, rsqrt => Rsqrt,
        sin => Sin, cos => Cos, tan => Tan, asin => Asin, acos => Acos, atan => Atan,
        sinh => Sinh, cosh => Cosh, tanh => Tanh, asinh => Asinh, acosh => Acosh,
        atanh => Atanh, erf => Erf, erfc => Erfc,
    }

    /// self^y (IEEE 754 `pow`), correctly rounded to nearest, ties to even.
    pub fn powf(self, y: Self) -> Self {
        Fp::from_code(F::FORMAT.binary(Binary::Pow, self.code(), y.code()))
    }

    /// The angle of the point (x, self) in (−π, π] (`atan2(self, x)`).
    pub fn atan2(self, x: Self) -> Self {
        Fp::from_code(F::FORMAT.binary(Binary::Atan2, self.code(), x.code()))
    }

    /// √(self² + y²) without intermediate overflow.
    pub fn hypot(self, y: Self) -> Self {
        Fp::from_code(F::FORMAT.binary(Binary::Hypot, self.code(), y.code()))
    }

    /// self^n for an integer n.
    pub fn powi(self, n: i64) -> Self {
        Fp::from_code(F::FORMAT.pown(self.code(), n))
    }

    /// self^(1/n) for an integer n.
    pub fn rootn(self, n: i64) -> Self {
        Fp::from_code(F::FORMAT.rootn(self.code(), n))
    }
}
