//! An exact judge of block quantization, independent of lowprec: element formats decoded
//! from their definitions, every quotient an exact rational (rug), every rounding a
//! brute-force choice among all values of the target format.
#![allow(dead_code)] // each test target uses a different subset

use rug::{Integer, Rational};

/// An element (or scale) format, from its definition.
#[derive(Clone, Copy, Debug)]
pub enum Spec {
    /// Sign-magnitude float: exponent bits, fraction bits, bias, NaN/Inf layout.
    Float {
        e: u32,
        m: u32,
        bias: i32,
        kind: Kind,
    },
    /// Two's complement, `bits` wide, `frac` fraction bits.
    Int { bits: u32, frac: u32 },
    /// The OCP MX scale: code c is 2^(c − 127), 0xFF is NaN.
    E8M0,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// IEEE: exponent all ones is ∞/NaN.
    Ieee,
    /// OCP E4M3FN: only S.1111.111 is NaN.
    Fn,
    /// MX FP6/FP4: every code finite.
    Finite,
}

impl Spec {
    pub const E4M3: Spec = Spec::Float {
        e: 4,
        m: 3,
        bias: 7,
        kind: Kind::Fn,
    };
    pub const E5M2: Spec = Spec::Float {
        e: 5,
        m: 2,
        bias: 15,
        kind: Kind::Ieee,
    };
    pub const E3M2: Spec = Spec::Float {
        e: 3,
        m: 2,
        bias: 3,
        kind: Kind::Finite,
    };
    pub const E2M3: Spec = Spec::Float {
        e: 2,
        m: 3,
        bias: 1,
        kind: Kind::Finite,
    };
    pub const E2M1: Spec = Spec::Float {
        e: 2,
        m: 1,
        bias: 1,
        kind: Kind::Finite,
    };
    pub const INT8: Spec = Spec::Int { bits: 8, frac: 6 };

    pub fn width(&self) -> u32 {
        match *self {
            Spec::Float { e, m, .. } => 1 + e + m,
            Spec::Int { bits, .. } => bits,
            Spec::E8M0 => 8,
        }
    }

    /// The value of a code: `None` for NaN and ∞; zeros carry their sign separately.
    pub fn value(&self, code: u32) -> Option<(Rational, bool)> {
        match *self {
            Spec::Float { e, m, bias, kind } => {
                let neg = code >> (e + m) & 1 == 1;
                let mag = code & ((1 << (e + m)) - 1);
                let ex = mag >> m;
                let fr = mag & ((1 << m) - 1);
                match kind {
                    Kind::Ieee if ex == (1 << e) - 1 => return None,
                    Kind::Fn if mag == (1 << (e + m)) - 1 => return None,
                    _ => {}
                }
                let (sig, exp) = if ex == 0 {
                    (fr, 1 - bias - m as i32)
                } else {
                    (fr | (1 << m), ex as i32 - bias - m as i32)
                };
                let v = pow2(exp) * Rational::from(sig);
                Some((if neg { -v } else { v }, neg))
            }
            Spec::E8M0 => (code != 0xFF).then(|| (pow2(code as i32 - 127), false)),
            Spec::Int { bits, frac } => {
                let c = if code >> (bits - 1) & 1 == 1 {
                    code as i64 - (1i64 << bits)
                } else {
                    code as i64
                };
                Some((Rational::from(c) * pow2(-(frac as i32)), false))
            }
        }
    }

    /// The largest finite value.
    pub fn max(&self) -> Rational {
        (0..1u32 << self.width())
            .filter_map(|c| self.value(c).map(|v| v.0))
            .max()
            .unwrap()
    }

    /// emax_elem: the exponent of the largest power of two not above the largest value.
    pub fn emax(&self) -> i32 {
        floor_log2(&self.max())
    }
}

/// 2^e exactly.
pub fn pow2(e: i32) -> Rational {
    if e >= 0 {
        Rational::from(Integer::from(1) << e as u32)
    } else {
        Rational::from((Integer::from(1), Integer::from(1) << (-e) as u32))
    }
}

/// ⌊log₂ a⌋ of a positive rational, by comparisons with powers of two.
pub fn floor_log2(a: &Rational) -> i32 {
    assert!(*a > 0);
    let mut k = 0i32;
    while pow2(k) > *a {
        k -= 1;
    }
    while pow2(k + 1) <= *a {
        k += 1;
    }
    k
}

/// A deterministic rounding mode (lowprec and gfloat names line up by index).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    TiesToEven,
    TiesToAway,
    TowardZero,
    TowardPositive,
    TowardNegative,
}

/// The quotient to round: a finite rational (with its sign, for zeros) or ±∞.
#[derive(Clone, Debug)]
pub enum Q {
    Finite(Rational, bool),
    Inf(bool),
}

/// Every finite value of a format with its code and sign, sorted by value.
pub struct Table {
    all: Vec<(u32, Rational, bool)>,
}

impl Table {
    pub fn new(spec: &Spec) -> Table {
        let mut all: Vec<(u32, Rational, bool)> = (0..1u32 << spec.width())
            .filter_map(|c| spec.value(c).map(|(v, n)| (c, v, n)))
            .collect();
        all.sort_by(|a, b| a.1.cmp(&b.1));
        Table { all }
    }
}

/// Rounds q into `spec` in `mode`, saturating at the extreme finite values (the OCP MX
/// clamp): returns the code and its value.
pub fn round(spec: &Spec, q: &Q, mode: Mode) -> (u32, Rational) {
    round_in(&Table::new(spec), q, mode)
}

/// [`round`] with the format's values tabulated once.
pub fn round_in(t: &Table, q: &Q, mode: Mode) -> (u32, Rational) {
    let all = &t.all;
    let top = all.last().unwrap();
    let bottom = &all[0];
    let (q, qneg) = match q {
        Q::Inf(false) => return (top.0, top.1.clone()),
        Q::Inf(true) => return (bottom.0, bottom.1.clone()),
        Q::Finite(q, n) => (q.clone(), *n),
    };
    if q > top.1 {
        return (top.0, top.1.clone());
    }
    if q < bottom.1 {
        return (bottom.0, bottom.1.clone());
    }
    // The neighbours: the last value ≤ q and the first value ≥ q.
    let i = all.partition_point(|c| c.1 <= q) - 1;
    let j = all.partition_point(|c| c.1 < q);
    let (lo, hi) = (&all[i], &all[j.min(all.len() - 1)]);
    let pick = if lo.1 == q {
        lo
    } else {
        match mode {
            Mode::TowardPositive => hi,
            Mode::TowardNegative => lo,
            Mode::TowardZero => {
                if q > 0 {
                    lo
                } else {
                    hi
                }
            }
            Mode::TiesToEven | Mode::TiesToAway => {
                let dl = Rational::from(&q - &lo.1);
                let dh = Rational::from(&hi.1 - &q);
                if dl < dh {
                    lo
                } else if dh < dl {
                    hi
                } else if mode == Mode::TiesToAway {
                    if q > 0 { hi } else { lo }
                } else if lo.0 & 1 == 0 {
                    lo
                } else {
                    hi
                }
            }
        }
    };
    let value = pick.1.clone();
    if value == 0 {
        // A zero result keeps the quotient's sign where the format has −0.
        let want_neg = qneg || q < 0;
        if let Some(z) = all.iter().find(|c| c.1 == 0 && c.2 == want_neg) {
            return (z.0, value);
        }
        let z = all.iter().find(|c| c.1 == 0).unwrap();
        return (z.0, value);
    }
    (pick.0, value)
}

/// The OCP MX result of one block: the E8M0 scale code and per element the code and the
/// value (NaN block: scale 0xFF and no elements).
pub struct MxBlock {
    pub scale: u32,
    pub elems: Option<Vec<(u32, Rational, bool)>>,
}

/// The OCP MX v1.0 conversion of a block of f32 values, exactly: X = 2^(⌊log₂ amax⌋ −
/// emax_elem) clamped to 2^−127..2^127 (2^−127 for an all-zero block, 2^127 when a value
/// is infinite), NaN anywhere makes the scale NaN; P_i = V_i / X rounded in `mode` with
/// saturation.
pub fn mx_block(spec: &Spec, xs: &[f32], mode: Mode) -> MxBlock {
    if xs.iter().any(|x| x.is_nan()) {
        return MxBlock {
            scale: 0xFF,
            elems: None,
        };
    }
    let shared = if xs.iter().any(|x| x.is_infinite()) {
        127
    } else {
        let amax = xs
            .iter()
            .map(|&x| Rational::from_f32(x.abs()).unwrap())
            .max()
            .unwrap();
        if amax == 0 {
            -127
        } else {
            (floor_log2(&amax) - spec.emax()).clamp(-127, 127)
        }
    };
    let x = pow2(shared);
    let table = Table::new(spec);
    let elems = xs
        .iter()
        .map(|&v| {
            let q = if v.is_infinite() {
                Q::Inf(v < 0.0)
            } else {
                Q::Finite(Rational::from_f32(v).unwrap() / &x, v.is_sign_negative())
            };
            let (c, val) = round_in(&table, &q, mode);
            let neg = spec.value(c).map(|v| v.1).unwrap_or(false);
            (c, val * &x, neg)
        })
        .collect();
    MxBlock {
        scale: (shared + 127) as u32,
        elems: Some(elems),
    }
}

/// The f64 with the exact value of a rational (panics if it has none).
pub fn to_f64_exact(v: &Rational, neg: bool) -> f64 {
    let f = v.to_f64();
    assert_eq!(Rational::from_f64(f).unwrap(), *v, "not exact in f64");
    if f == 0.0 && neg { -0.0 } else { f }
}
