//! Independent oracles for lowprec's float core: MPFR (through `rug`) and, for formats of at
//! most 8 bits, a brute-force sorted table of every finite value.
//!
//! Nothing here calls lowprec's rounding, decoding or classification: a format enters only
//! through its parameters (exponent and fraction widths, bias, specials, subnormals, sign),
//! and every value, limit and code below is derived from the textbook layout
//! `(−1)^s · 2^(E − bias) · (1 + F/2^m)` (subnormals `F/2^m · 2^(1 − bias)`).
//!
//! # Rounding semantics the oracles implement
//! - The grid of a format: p = m + 1 significant bits with an unbounded exponent above
//!   2^emin; below 2^emin the quantum stays 2^(emin − m) (subnormals), or the grid is
//!   {0, 2^emin} (subnormals off). The MPFR oracle rounds at the reduced precision
//!   p_eff = p − (emin − e) for a value in [2^e, 2^(e+1)), e < emin (what `mpfr_subnormalize`
//!   does, but in one rounding from the exact input).
//! - Ties to even chooses the neighbour whose last significand bit on that grid is 0 (MPFR
//!   `RNDN`; at p_eff = 1 MPFR sends ties to the larger magnitude). Formats with p = 1 and
//!   a zero follow P3109 instead: the even neighbour is the one with the even code, i.e.
//!   the even biased exponent (0 is even); E8M0 keeps the significand rule (ties up). Ties
//!   away/to zero/up/down pick the named neighbour of MPFR's `Down`/`Up` pair. Round to odd:
//!   the truncation if it is odd by the same parity, else the other neighbour.
//! - Overflow (IEEE 754 and the OCP FP8 rules, the docs of `Overflow`): the value rounded on the grid
//!   exceeds max finite. Then `Ieee` gives ±∞ (NaN where the format has no ∞, ±max where it
//!   has neither) except for modes pointing toward zero (toward zero, to odd, toward ∓∞ for
//!   ±x), which give ±max; `SatFinite` and `SatPropagate` give ±max. Flags: overflow+inexact.
//! - Infinite inputs: ∞ where the format has it; `SatFinite` gives ±max with inexact, and so
//!   does `SatPropagate` where there is no ∞; under `Ieee`, formats with NaN but no ∞ give
//!   NaN (flags not checked: the docs do not settle them) and formats with neither ±max.
//! - Flags: inexact iff the delivered value differs from the input; underflow iff inexact and
//!   tiny after rounding (the value rounded to p bits with unbounded exponent is below 2^emin).
//! - Unsigned formats (the docs of `FloatFormat::round`): a negative value that does not
//!   round to zero gives, under `Ieee`, 0 with inexact when the mode rounds toward zero or
//!   +∞, else NaN with invalid; under the saturating policies the smallest value with
//!   inexact. A format without zero gives its smallest magnitude where the grid gives 0
//!   (signed: with the value's sign, or the sign a directed rounding points to); unsigned
//!   (E8M0), NaN for ±0 and NaN (or its smallest value when saturating) for every negative
//!   value.

#![allow(dead_code)]

pub mod arith;
pub mod stochastic;

use std::cmp::Ordering;

use lowprec::float::Specials;
use lowprec::{FloatFormat, Overflow, RandomBits, Rounding, Status, StatusAnd};
use rug::float::Round;
use rug::{Float, Integer, Rational};

/// The three overflow policies.
pub const POLICIES: [Overflow; 3] = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];

/// A random source for deterministic modes: drawing from it is a test failure.
pub struct NoDraw;

impl RandomBits for NoDraw {
    fn next_u64(&mut self) -> u64 {
        panic!("a deterministic rounding mode drew random bits")
    }
}

/// 2^k as an exact `Float`.
pub fn pow2(k: i32) -> Float {
    Float::with_val(1, Float::i_exp(1, k))
}

/// 2^k as a `Rational`.
pub fn pow2_q(k: i32) -> Rational {
    if k >= 0 {
        Rational::from(Integer::from(1) << k.unsigned_abs())
    } else {
        Rational::from((Integer::from(1), Integer::from(1) << k.unsigned_abs()))
    }
}

/// An exact `Float` from a `Rational` that has a short binary expansion.
pub fn q_to_float(q: &Rational) -> Float {
    let (f, o) = Float::with_val_round(256, q, Round::Nearest);
    assert_eq!(o, Ordering::Equal, "{q} is not a short binary fraction");
    f
}

/// An exact `Rational` from a finite `Float`.
pub fn float_to_q(f: &Float) -> Rational {
    f.to_rational().expect("finite")
}

/// A decoded code, per the textbook layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// NaN (the sign only where the format's NaNs are signed).
    Nan { neg: bool },
    /// ±∞.
    Inf { neg: bool },
    /// ±0 (−0 only where the format has it).
    Zero { neg: bool },
    /// A nonzero finite value.
    Num(Rational),
}

/// An input to round.
#[derive(Clone, Debug)]
pub enum In {
    Nan {
        neg: bool,
    },
    Inf {
        neg: bool,
    },
    Zero {
        neg: bool,
    },
    /// A nonzero finite value, held exactly.
    Num(Float),
}

impl In {
    pub fn from_f64(x: f64) -> In {
        if x.is_nan() {
            In::Nan {
                neg: x.is_sign_negative(),
            }
        } else if x.is_infinite() {
            In::Inf { neg: x < 0.0 }
        } else if x == 0.0 {
            In::Zero {
                neg: x.is_sign_negative(),
            }
        } else {
            In::Num(Float::with_val(53, x))
        }
    }

    pub fn from_f32(x: f32) -> In {
        if x.is_nan() {
            In::Nan {
                neg: x.is_sign_negative(),
            }
        } else {
            // Every f32 is exactly an f64.
            In::from_f64(f64::from(x))
        }
    }

    pub fn from_i128(x: i128) -> In {
        if x == 0 {
            In::Zero { neg: false }
        } else {
            In::Num(Float::with_val(128, Integer::from(x)))
        }
    }

    /// (−1)^neg · (sig + ε) · 2^exp with ε = 0, or ε = 1/2 standing for any 0 < ε < 1 when
    /// `sticky` (the rounding is the same for every such ε when `sig` has at least p + 2
    /// significant bits, which the caller ensures).
    pub fn from_parts(neg: bool, sig: u128, exp: i32, sticky: bool) -> In {
        if sig == 0 && !sticky {
            return In::Zero { neg };
        }
        let mut i = Integer::from(sig);
        let mut e = exp;
        if sticky {
            i = (i << 1u32) + 1u32;
            e -= 1;
        }
        let mut f = Float::with_val(130, i) << e;
        if neg {
            f = -f;
        }
        In::Num(f)
    }

    pub fn from_rational(q: &Rational) -> In {
        if *q == 0 {
            In::Zero { neg: false }
        } else {
            In::Num(q_to_float(q))
        }
    }

    pub fn is_negative(&self) -> bool {
        match self {
            In::Nan { neg } | In::Inf { neg } | In::Zero { neg } => *neg,
            In::Num(f) => f.is_sign_negative(),
        }
    }
}

/// What a rounding must produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Want {
    /// Exactly this code.
    Code(u64),
    /// Some NaN code, with this sign where the format's NaNs are signed.
    Nan { neg: bool },
}

/// The expected result of one rounding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub want: Want,
    /// The exact flags, or `None` where the documentation does not settle them.
    pub flags: Option<Status>,
}

/// The neighbours of a nonzero value on a grid and its rounding in each deterministic mode.
#[derive(Clone, Debug)]
pub struct Grid {
    /// Whether the value lies on the grid.
    pub exact: bool,
    /// Whether it lies exactly halfway between its neighbours.
    pub tie: bool,
    /// Neighbour toward −∞ (MPFR `Down`).
    pub down: Float,
    /// Neighbour toward +∞ (MPFR `Up`).
    pub up: Float,
    /// MPFR `Zero`.
    pub zero: Float,
    /// MPFR `Nearest` (ties to even).
    pub nearest: Float,
    /// Whether the truncation is odd (by the grid's parity rule).
    pub trunc_odd: bool,
    pub negative: bool,
}

impl Grid {
    /// Rounds nonzero `x` onto the grid of `p` significant bits, unbounded above. With
    /// `floor = Some((emin, qmin))`, values below 2^emin are rounded at the fixed quantum
    /// 2^qmin instead (qmin = emin − m with subnormals, emin without).
    ///
    /// `exp_parity = Some(bias)` makes a nonzero grid point odd when its biased exponent
    /// ⌊log2 |v|⌋ + bias is odd (P3109's rule for p = 1); otherwise a grid point k · 2^q is
    /// odd when k is (IEEE 754, MPFR).
    pub fn new(x: &Float, p: u32, floor: Option<(i32, i32)>, exp_parity: Option<i32>) -> Grid {
        let negative = x.is_sign_negative();
        let e = x.get_exp().expect("nonzero finite") - 1; // ⌊log2 |x|⌋
        let p_eff = match floor {
            Some((emin, qmin)) if e < emin => i64::from(e) - i64::from(qmin) + 1,
            _ => i64::from(p),
        };
        if p_eff >= 1 {
            let pe = p_eff as u32;
            let (down, o) = Float::with_val_round(pe, x, Round::Down);
            let (up, _) = Float::with_val_round(pe, x, Round::Up);
            let (zero, _) = Float::with_val_round(pe, x, Round::Zero);
            let (nearest, _) = Float::with_val_round(pe, x, Round::Nearest);
            let exact = o == Ordering::Equal;
            // A value is halfway iff it needs exactly one more bit than the grid has.
            let tie = !exact && Float::with_val_round(pe + 1, x, Round::Zero).1 == Ordering::Equal;
            // The truncation is k · 2^q with q the quantum of x's binade.
            let q = e - pe as i32 + 1;
            let scaled = Float::with_val(pe, zero.abs_ref()) << -q;
            assert!(scaled.is_integer());
            let k_odd = scaled.to_integer().expect("finite").is_odd();
            let trunc_odd = match exp_parity {
                Some(bias) => (i64::from(e) + i64::from(bias)) & 1 == 1,
                None => k_odd,
            };
            if !exact && tie && exp_parity.is_none() {
                // MPFR's own ties-to-even agrees with the parity rule.
                let mpfr_away = nearest.cmp_abs(&zero) == Some(Ordering::Greater);
                assert_eq!(mpfr_away, trunc_odd, "{x}");
            }
            Grid {
                exact,
                tie,
                down,
                up,
                zero,
                nearest,
                trunc_odd,
                negative,
            }
        } else {
            // Below the first grid point 2^qmin: the neighbours are 0 and ±2^qmin.
            let (_, qmin) = floor.expect("p ≥ 1");
            let g = pow2(qmin);
            let half = pow2(qmin - 1);
            let z = if negative {
                -Float::new(1)
            } else {
                Float::new(1)
            };
            let sg = if negative { -g.clone() } else { g.clone() };
            let tie = x.cmp_abs(&half) == Some(Ordering::Equal);
            let nearest = if x.cmp_abs(&half) == Some(Ordering::Greater) {
                sg.clone()
            } else {
                // Below the half, or the tie: 0 = 0·2^qmin is the even neighbour.
                z.clone()
            };
            let (down, up) = if negative {
                (sg, z.clone())
            } else {
                (z.clone(), sg)
            };
            Grid {
                exact: false,
                tie,
                down,
                up,
                zero: z,
                nearest,
                trunc_odd: false,
                negative,
            }
        }
    }

    /// The neighbour away from zero.
    fn away(&self) -> &Float {
        if self.negative { &self.down } else { &self.up }
    }

    /// The rounding in a deterministic mode.
    pub fn pick(&self, mode: Rounding) -> &Float {
        if self.exact {
            return &self.zero; // = x
        }
        match mode {
            Rounding::TiesToEven if self.tie => {
                if self.trunc_odd {
                    self.away()
                } else {
                    &self.zero
                }
            }
            Rounding::TiesToEven => &self.nearest,
            Rounding::TiesToAway if self.tie => self.away(),
            Rounding::TiesToZero if self.tie => &self.zero,
            Rounding::TiesUp if self.tie => &self.up,
            Rounding::TiesDown if self.tie => &self.down,
            // A tie goes to the odd neighbour: the truncation if it is odd, else away.
            Rounding::TiesToOdd if self.tie => {
                if self.trunc_odd {
                    &self.zero
                } else {
                    self.away()
                }
            }
            Rounding::TiesToAway
            | Rounding::TiesToZero
            | Rounding::TiesUp
            | Rounding::TiesDown
            | Rounding::TiesToOdd => &self.nearest,
            Rounding::TowardPositive => &self.up,
            Rounding::TowardNegative => &self.down,
            Rounding::TowardZero => &self.zero,
            Rounding::ToOdd => {
                if self.trunc_odd {
                    &self.zero
                } else {
                    self.away()
                }
            }
            Rounding::Stochastic(_) => panic!("not a deterministic mode"),
        }
    }
}

/// The parameters of a format and what the textbook layout derives from them.
#[derive(Clone, Debug)]
pub struct Spec {
    pub fmt: FloatFormat,
    pub name: String,
    pub e: u32,
    pub m: u32,
    pub bias: i32,
    pub specials: Specials,
    pub sub: bool,
    pub signed: bool,
    /// Precision m + 1.
    pub p: u32,
    /// Exponent of the smallest normal value.
    pub emin: i32,
    /// Exponent of the largest finite value.
    pub emax: i32,
    /// Largest finite magnitude code.
    pub max_code: u64,
    /// Largest finite value.
    pub max: Float,
    /// 2^emin.
    pub min_normal: Float,
}

impl Spec {
    pub fn new(fmt: FloatFormat) -> Spec {
        let (e, m) = (fmt.exp_bits(), fmt.man_bits());
        let signed = fmt.is_signed();
        let specials = fmt.specials();
        let top = (1u64 << (e + m)) - 1; // all magnitude bits set
        let max_code = match specials {
            // Exponent field all ones minus one, fraction all ones.
            Specials::Ieee => (((1u64 << e) - 2) << m) | ((1u64 << m) - 1),
            Specials::FiniteNan | Specials::NoZero => top - 1,
            Specials::Fnuz | Specials::Finite => top,
            // Signed: 0x80.. is NaN, ±∞ are the two all-ones magnitudes; unsigned: all ones
            // is NaN and all ones minus one is +∞.
            Specials::P3109 { extended } => top - u64::from(!signed) - u64::from(extended),
        };
        let bias = fmt.bias();
        let emin = match specials {
            Specials::NoZero => -bias,
            _ => 1 - bias,
        };
        let mut s = Spec {
            fmt,
            name: fmt.to_string(),
            e,
            m,
            bias,
            specials,
            sub: fmt.has_subnormals(),
            signed,
            p: m + 1,
            emin,
            emax: 0,
            max_code,
            max: Float::new(1),
            min_normal: pow2(emin),
        };
        let max_q = s.mag_value(max_code);
        s.max = q_to_float(&max_q);
        s.emax = s.max.get_exp().expect("max is nonzero") - 1;
        s
    }

    pub fn width(&self) -> u32 {
        self.e + self.m + u32::from(self.signed)
    }
    pub fn code_mask(&self) -> u64 {
        u64::MAX >> (64 - self.width())
    }
    pub fn mag_mask(&self) -> u64 {
        (1u64 << (self.e + self.m)) - 1
    }
    pub fn sign_bit(&self) -> u64 {
        if self.signed {
            1u64 << (self.e + self.m)
        } else {
            0
        }
    }
    pub fn has_inf(&self) -> bool {
        matches!(
            self.specials,
            Specials::Ieee | Specials::P3109 { extended: true }
        )
    }
    /// IEEE formats without fraction bits have no NaN code.
    pub fn has_nan(&self) -> bool {
        match self.specials {
            Specials::Ieee => self.m > 0,
            Specials::Finite => false,
            _ => true,
        }
    }
    pub fn has_zero(&self) -> bool {
        !matches!(self.specials, Specials::NoZero)
    }
    pub fn has_neg_zero(&self) -> bool {
        self.signed
            && matches!(
                self.specials,
                Specials::Ieee | Specials::FiniteNan | Specials::Finite
            )
    }
    pub fn signed_nan(&self) -> bool {
        self.signed && matches!(self.specials, Specials::Ieee | Specials::FiniteNan)
    }
    fn sign(&self, neg: bool) -> u64 {
        if neg { self.sign_bit() } else { 0 }
    }
    pub fn inf_code(&self, neg: bool) -> u64 {
        match self.specials {
            Specials::Ieee => self.sign(neg) | (((1u64 << self.e) - 1) << self.m),
            Specials::P3109 { extended: true } if self.signed => self.sign(neg) | self.mag_mask(),
            Specials::P3109 { extended: true } => self.mag_mask() - 1,
            _ => panic!("{}: no infinity", self.name),
        }
    }
    /// The canonical NaN: the quiet NaN (fraction MSB only) for IEEE formats, the one NaN
    /// code elsewhere; the sign kept where NaNs are signed.
    pub fn canonical_nan(&self, neg: bool) -> u64 {
        let s = if self.signed_nan() { self.sign(neg) } else { 0 };
        match self.specials {
            Specials::Ieee => s | (((1u64 << self.e) - 1) << self.m) | (1u64 << (self.m - 1)),
            Specials::FiniteNan => s | self.mag_mask(),
            Specials::Fnuz => self.sign_bit(),
            Specials::P3109 { .. } if self.signed => self.sign_bit(),
            Specials::P3109 { .. } | Specials::NoZero => self.mag_mask(),
            Specials::Finite => panic!("{}: no NaN", self.name),
        }
    }
    fn zero_code(&self, neg: bool) -> u64 {
        self.sign(neg && self.has_neg_zero())
    }

    /// The value of a finite magnitude code by the textbook formula.
    pub fn mag_value(&self, mag: u64) -> Rational {
        let m = self.m;
        let ef = (mag >> m) as i32;
        let f = mag & ((1u64 << m) - 1);
        if ef == 0 && self.has_zero() {
            if self.sub {
                // F/2^m · 2^(1 − bias)
                Rational::from(f) * pow2_q(1 - self.bias - m as i32)
            } else {
                Rational::new()
            }
        } else {
            // (1 + F/2^m) · 2^(E − bias)
            (Rational::from(1) + Rational::from(f) * pow2_q(-(m as i32))) * pow2_q(ef - self.bias)
        }
    }

    /// Decodes a code by the textbook layout.
    pub fn decode(&self, code: u64) -> Val {
        let code = code & self.code_mask();
        let neg = code & self.sign_bit() != 0;
        let mag = code & self.mag_mask();
        let ef_all = (1u64 << self.e) - 1;
        let ef = mag >> self.m;
        let f = mag & ((1u64 << self.m) - 1);
        let nan = Val::Nan {
            neg: neg && self.signed_nan(),
        };
        match self.specials {
            Specials::Ieee if ef == ef_all => {
                return if f == 0 { Val::Inf { neg } } else { nan };
            }
            Specials::FiniteNan | Specials::NoZero if mag == self.mag_mask() => return nan,
            Specials::Fnuz if neg && mag == 0 => return nan,
            Specials::P3109 { extended } => {
                if self.signed {
                    if neg && mag == 0 {
                        return nan;
                    }
                    if extended && mag == self.mag_mask() {
                        return Val::Inf { neg };
                    }
                } else {
                    if mag == self.mag_mask() {
                        return nan;
                    }
                    if extended && mag == self.mag_mask() - 1 {
                        return Val::Inf { neg: false };
                    }
                }
            }
            _ => {}
        }
        let v = self.mag_value(mag);
        if v == 0 {
            Val::Zero {
                neg: neg && self.has_neg_zero(),
            }
        } else if neg {
            Val::Num(-v)
        } else {
            Val::Num(v)
        }
    }

    pub fn is_nan_code(&self, code: u64) -> bool {
        matches!(self.decode(code), Val::Nan { .. })
    }

    /// The code of a nonzero value on the format's grid within ±max.
    pub fn encode(&self, r: &Float) -> u64 {
        let neg = r.is_sign_negative();
        assert!(self.signed || !neg, "{}: negative value {r}", self.name);
        let a = Float::with_val(r.prec(), r.abs_ref());
        let ex = a.get_exp().expect("nonzero") - 1;
        let m = self.m as i32;
        let mag = if ex >= self.emin {
            let biased = i64::from(ex) + i64::from(self.bias);
            assert!(biased >= i64::from(self.has_zero()), "{}: {r}", self.name);
            let sig = Float::with_val(a.prec(), &a << (m - ex));
            assert!(sig.is_integer(), "{}: {r} off the grid", self.name);
            let sig = sig.to_integer().expect("finite").to_u64().expect("small");
            assert!(sig >> self.m == 1);
            ((biased as u64) << self.m) | (sig - (1u64 << self.m))
        } else {
            assert!(self.sub, "{}: {r} below the normal range", self.name);
            let f = Float::with_val(a.prec(), &a << (m - self.emin));
            assert!(f.is_integer(), "{}: {r} off the subnormal grid", self.name);
            let f = f.to_integer().expect("finite").to_u64().expect("small");
            assert!(f < (1u64 << self.m));
            f
        };
        assert!(mag <= self.max_code, "{}: {r} beyond max", self.name);
        self.sign(neg) | mag
    }

    /// Rounds `x` on the format's grid (the MPFR oracle), in mode `mode`.
    pub fn grid(&self, x: &Float) -> Grid {
        let qmin = if self.sub {
            self.emin - self.m as i32
        } else {
            self.emin
        };
        Grid::new(x, self.p, Some((self.emin, qmin)), self.exp_parity())
    }

    /// P3109's parity rule for p = 1 formats with a zero (see [`Grid::new`]).
    pub fn exp_parity(&self) -> Option<i32> {
        (self.m == 0 && self.has_zero()).then_some(self.bias)
    }

    /// Whether `x` is tiny after rounding in `mode` (rounded to p bits, exponent unbounded).
    pub fn tiny_after(&self, x: &Float, unbounded: Option<&Grid>, mode: Rounding) -> bool {
        if x.cmp_abs(&self.min_normal) != Some(Ordering::Less) {
            return false;
        }
        match unbounded {
            Some(g) => g.pick(mode).cmp_abs(&self.min_normal) == Some(Ordering::Less),
            None => true,
        }
    }

    /// An invalid result: NaN, or +0 where the format has no NaN (both with invalid).
    fn invalid(&self) -> Expect {
        Expect {
            want: if self.has_nan() {
                Want::Nan { neg: false }
            } else {
                Want::Code(0)
            },
            flags: Some(Status::INVALID),
        }
    }

    /// Turns a value rounded on the grid into the delivered code and flags: the overflow
    /// policy, zero, unsigned and no-zero rules.
    pub fn finish(
        &self,
        negative: bool,
        mode: Rounding,
        policy: Overflow,
        r: &Float,
        inexact: bool,
        tiny: bool,
    ) -> Expect {
        self.finish_coded(negative, mode, policy, r, inexact, tiny, None)
    }

    /// [`Spec::finish`] with `r`'s code, if known, to spare encoding it again.
    #[allow(clippy::too_many_arguments)]
    fn finish_coded(
        &self,
        negative: bool,
        mode: Rounding,
        policy: Overflow,
        r: &Float,
        inexact: bool,
        tiny: bool,
        code: Option<u64>,
    ) -> Expect {
        let mut flags = Status::OK;
        if inexact {
            flags |= Status::INEXACT;
            if tiny {
                flags |= Status::UNDERFLOW;
            }
        }
        let r_zero = r.is_zero();
        if negative && !self.signed && !(r_zero && self.has_zero()) {
            let toward_zero = matches!(mode, Rounding::TowardZero | Rounding::TowardPositive);
            return match policy {
                Overflow::Ieee if toward_zero && self.has_zero() => Expect {
                    want: Want::Code(0),
                    flags: Some(Status::INEXACT),
                },
                Overflow::Ieee => self.invalid(),
                // The smallest value (0, or 2^emin without zero).
                _ => Expect {
                    want: Want::Code(0),
                    flags: Some(Status::INEXACT),
                },
            };
        }
        if r_zero {
            let code = if self.has_zero() {
                self.zero_code(negative)
            } else {
                // No zero: ±2^emin, the smallest magnitude, with the value's sign or the
                // one a directed rounding points to (above a tiny −x lies +2^emin).
                let up = match mode {
                    Rounding::TowardPositive => false,
                    Rounding::TowardNegative => true,
                    _ => negative,
                };
                self.sign(up)
            };
            return Expect {
                want: Want::Code(code),
                flags: Some(flags),
            };
        }
        if r.cmp_abs(&self.max) == Some(Ordering::Greater) {
            let flags = Some(Status::OVERFLOW | Status::INEXACT);
            let inward = match mode {
                Rounding::TowardZero | Rounding::ToOdd => true,
                Rounding::TowardPositive => negative,
                Rounding::TowardNegative => !negative,
                _ => false,
            };
            let max = Want::Code(self.sign(negative) | self.max_code);
            let want = if inward || policy != Overflow::Ieee {
                max
            } else if self.has_inf() {
                Want::Code(self.inf_code(negative))
            } else if self.has_nan() {
                Want::Nan { neg: negative }
            } else {
                max
            };
            return Expect { want, flags };
        }
        Expect {
            want: Want::Code(code.unwrap_or_else(|| self.encode(r))),
            flags: Some(flags),
        }
    }

    /// The expected result of rounding `x` in a deterministic `mode` under `policy`.
    pub fn expect(&self, x: &In, mode: Rounding, policy: Overflow) -> Expect {
        self.expect_all(x)
            .into_iter()
            .find(|(md, po, _)| *md == mode && *po == policy)
            .expect("deterministic mode")
            .2
    }

    /// The expected results of rounding `x` in every deterministic mode and policy.
    pub fn expect_all(&self, x: &In) -> Vec<(Rounding, Overflow, Expect)> {
        let mut out = Vec::with_capacity(30);
        match x {
            In::Num(v) => {
                let g = self.grid(v);
                let unb = if v.cmp_abs(&self.min_normal) == Some(Ordering::Less) {
                    Some(Grid::new(v, self.p, None, self.exp_parity()))
                } else {
                    None
                };
                // The modes share at most four distinct results: encode each once.
                let mut codes: Vec<(*const Float, u64)> = Vec::with_capacity(4);
                for mode in Rounding::DETERMINISTIC {
                    let r = g.pick(mode);
                    let tiny = self.tiny_after(v, unb.as_ref(), mode);
                    let representable = !r.is_zero()
                        && r.cmp_abs(&self.max) != Some(Ordering::Greater)
                        && (self.signed || !g.negative);
                    let code = representable.then(|| {
                        match codes.iter().find(|(p, _)| std::ptr::eq(*p, r)) {
                            Some(&(_, c)) => c,
                            None => {
                                let c = self.encode(r);
                                codes.push((r as *const Float, c));
                                c
                            }
                        }
                    });
                    for policy in POLICIES {
                        let e =
                            self.finish_coded(g.negative, mode, policy, r, !g.exact, tiny, code);
                        out.push((mode, policy, e));
                    }
                }
            }
            _ => {
                for mode in Rounding::DETERMINISTIC {
                    for policy in POLICIES {
                        out.push((mode, policy, self.expect_special(x, policy)));
                    }
                }
            }
        }
        out
    }

    /// NaN, ±∞ and ±0 inputs (the same in every rounding mode).
    pub fn expect_special(&self, x: &In, policy: Overflow) -> Expect {
        let max = |neg: bool| Want::Code(self.sign(neg) | self.max_code);
        match *x {
            In::Nan { neg } => {
                if self.has_nan() {
                    Expect {
                        want: Want::Nan { neg },
                        flags: Some(Status::OK),
                    }
                } else {
                    Expect {
                        want: Want::Code(0),
                        flags: Some(Status::INVALID),
                    }
                }
            }
            In::Zero { neg } => {
                if self.has_zero() {
                    Expect {
                        want: Want::Code(self.zero_code(neg)),
                        flags: Some(Status::OK),
                    }
                } else {
                    self.invalid()
                }
            }
            In::Inf { neg } => {
                if neg && !self.signed {
                    return match policy {
                        Overflow::Ieee => self.invalid(),
                        _ => Expect {
                            want: Want::Code(0),
                            flags: Some(Status::INEXACT),
                        },
                    };
                }
                if policy == Overflow::SatFinite
                    || (policy == Overflow::SatPropagate && !self.has_inf())
                {
                    Expect {
                        want: max(neg),
                        flags: Some(Status::INEXACT),
                    }
                } else if self.has_inf() {
                    Expect {
                        want: Want::Code(self.inf_code(neg)),
                        flags: Some(Status::OK),
                    }
                } else if self.has_nan() {
                    Expect {
                        want: Want::Nan { neg },
                        flags: None,
                    }
                } else {
                    Expect {
                        want: max(neg),
                        flags: Some(Status::INEXACT),
                    }
                }
            }
            In::Num(_) => panic!("not special"),
        }
    }

    /// Compares a result of lowprec with an expectation.
    pub fn check(&self, got: StatusAnd<u64>, exp: &Expect) -> Result<(), String> {
        let code_ok = match exp.want {
            Want::Code(c) => got.value == c,
            Want::Nan { neg } => {
                got.value & !self.code_mask() == 0
                    && self.is_nan_code(got.value)
                    && (!self.signed_nan() || (got.value & self.sign_bit() != 0) == neg)
            }
        };
        let flags_ok = exp.flags.is_none_or(|f| f == got.status);
        if code_ok && flags_ok {
            Ok(())
        } else {
            Err(format!(
                "got {:#x} [{}], want {:?} [{}]",
                got.value,
                got.status,
                exp.want,
                exp.flags.map_or("unchecked".to_string(), |f| f.to_string()),
            ))
        }
    }
}

/// The brute-force oracle for formats of at most 8 bits: every finite value in order.
pub struct Table {
    pub spec: Spec,
    /// (value, code) ascending; zero once; beyond ±max the next grid points as
    /// "virtual" values (code `None`), so that the overflow threshold is a midpoint.
    pub vals: Vec<(Rational, Option<u64>)>,
}

impl Table {
    pub fn new(spec: Spec) -> Table {
        assert!(spec.width() <= 8);
        let mut vals: Vec<(Rational, Option<u64>)> = Vec::new();
        for code in 0..=spec.code_mask() {
            match spec.decode(code) {
                Val::Num(v) => vals.push((v, Some(code))),
                Val::Zero { neg: false } if code == 0 => vals.push((Rational::new(), Some(0))),
                _ => {}
            }
        }
        let max = float_to_q(&spec.max);
        // The grid point after max: max plus the quantum of max's binade (the subnormal
        // quantum when max itself is subnormal), the value of the code after max's.
        let next: Rational = &max + pow2_q(spec.emax.max(spec.emin) - spec.m as i32);
        vals.push((next.clone(), None));
        if !spec.has_zero() {
            // The grid below 2^emin is {0, 2^emin}; a 0 there means "the smallest value".
            vals.push((Rational::new(), None));
        }
        if !spec.signed {
            // Unsigned: round in the signed extension; the caller maps negatives.
            let neg: Vec<_> = vals
                .iter()
                .filter(|(v, _)| *v != 0)
                .map(|(v, _)| (Rational::from(-v), None))
                .collect();
            vals.extend(neg);
        } else {
            vals.push((-next, None));
        }
        vals.sort_by(|a, b| a.0.cmp(&b.0));
        vals.dedup_by(|a, b| a.0 == b.0);
        Table { spec, vals }
    }

    /// Parity of a (possibly virtual) grid value for the ties-to-even and to-odd rules: the
    /// last bit of its code, which is the significand's last bit when there are fraction
    /// bits and the exponent's (P3109's rule) when there are none. Zero is even. E8M0 (no
    /// fraction bits, no zero) keeps the significand rule: every significand is 1, odd.
    /// Virtual values beyond ±max take the parity of the code after max's; a negative
    /// virtual value in an unsigned format mirrors its positive value.
    fn odd(&self, v: &Rational) -> bool {
        if *v == 0 {
            return false;
        }
        if self.spec.m == 0 && !self.spec.has_zero() {
            return true;
        }
        let a = Rational::from(v.abs_ref());
        if let Ok(i) = self.vals.binary_search_by(|(w, _)| w.cmp(&a)) {
            if let Some(code) = self.vals[i].1 {
                return code & 1 == 1;
            }
        }
        // The grid point after max.
        (self.spec.max_code + 1) & 1 == 1
    }

    /// The value `x` (nonzero) rounds to in a deterministic mode, on the signed grid
    /// extended one point beyond ±max. Exact distances are compared as rationals.
    pub fn round(&self, x: &Rational, mode: Rounding) -> (Rational, bool) {
        let i = match self.vals.binary_search_by(|(w, _)| w.cmp(x)) {
            Ok(i) => return (self.vals[i].0.clone(), true),
            Err(i) => i,
        };
        let neg = *x < 0;
        // Beyond the virtual points everything overflows: any value beyond them will do.
        if i == 0 || i == self.vals.len() {
            return (Rational::from(x * 2u32), false);
        }
        let lo = &self.vals[i - 1].0;
        let hi = &self.vals[i].0;
        let (toward0, away) = if neg { (hi, lo) } else { (lo, hi) };
        let dl = Rational::from(x - lo);
        let dh = Rational::from(hi - x);
        let (lo_odd, hi_odd) = (self.odd(lo), self.odd(hi));
        let even = || {
            if lo_odd != hi_odd {
                if lo_odd { hi } else { lo }
            } else if lo_odd {
                // Both odd (no fraction bits): MPFR's rule, the larger magnitude.
                away
            } else {
                // Both even: only the gap {0, 2^emin} without subnormals, one quantum
                // 2^emin wide, where 0 is the even end.
                toward0
            }
        };
        let r = match mode {
            Rounding::TowardPositive => hi,
            Rounding::TowardNegative => lo,
            Rounding::TowardZero => toward0,
            Rounding::ToOdd => {
                if lo_odd != hi_odd {
                    if lo_odd { lo } else { hi }
                } else if lo_odd {
                    toward0
                } else {
                    away
                }
            }
            _ => match dl.cmp(&dh) {
                Ordering::Less => lo,
                Ordering::Greater => hi,
                Ordering::Equal => match mode {
                    Rounding::TiesToEven => even(),
                    Rounding::TiesToAway => away,
                    Rounding::TiesToZero => toward0,
                    Rounding::TiesUp => hi,
                    Rounding::TiesDown => lo,
                    // The odd neighbour; both odd (p = 1 without zero): toward zero, as
                    // the kept significand 1 is odd; both even (the gap {0, 2^emin}):
                    // away, as 0 is even.
                    Rounding::TiesToOdd => {
                        if lo_odd != hi_odd {
                            if lo_odd { lo } else { hi }
                        } else if lo_odd {
                            toward0
                        } else {
                            away
                        }
                    }
                    _ => unreachable!(),
                },
            },
        };
        (r.clone(), false)
    }

    /// The code (or NaN) the table oracle wants; flags are the MPFR oracle's business.
    pub fn want(&self, x: &In, mode: Rounding, policy: Overflow) -> Want {
        match x {
            In::Num(v) => {
                let q = float_to_q(v);
                let (r, exact) = self.round(&q, mode);
                let rf = q_to_float(&r);
                self.spec
                    .finish(q < 0, mode, policy, &rf, !exact, false)
                    .want
            }
            _ => self.spec.expect_special(x, policy).want,
        }
    }
}

/// Collects failures and counts checks; panics with a summary when dropped by `finish`.
#[derive(Default)]
pub struct Tally {
    pub checks: u64,
    pub failures: u64,
    pub first: Vec<String>,
}

impl Tally {
    pub fn record(&mut self, r: Result<(), String>, ctx: impl FnOnce() -> String) {
        self.checks += 1;
        if let Err(e) = r {
            self.failures += 1;
            if self.first.len() < 40 {
                self.first.push(format!("{}: {e}", ctx()));
            }
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.checks += other.checks;
        self.failures += other.failures;
        for f in other.first {
            if self.first.len() < 40 {
                self.first.push(f);
            }
        }
    }

    pub fn finish(self, what: &str) {
        println!("{what}: {} checks, {} failures", self.checks, self.failures);
        assert!(
            self.failures == 0,
            "{what}: {} of {} checks failed; first:\n{}",
            self.failures,
            self.checks,
            self.first.join("\n")
        );
        assert!(self.checks > 0, "{what}: nothing checked");
    }
}

/// `Rounding` names for messages.
pub fn mode_name(mode: Rounding) -> &'static str {
    mode.name()
}
