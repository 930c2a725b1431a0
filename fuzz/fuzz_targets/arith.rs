//! Arithmetic in random formats against a reference built here, with no lowprec
//! arithmetic in it:
//! - any format `FloatFormat::new` accepts, any operand codes, any operation (add, sub,
//!   mul, div, fma, sqrt), rounding mode (deterministic or stochastic), overflow policy
//!   and random stream: no panic, and the result is a valid code;
//! - the result and its flags equal those of rounding the exact result once with
//!   `FloatFormat::round` (the one rounding step, itself checked against MPFR by the
//!   test suite). The exact result is computed in this file from the operands' decoded
//!   values (`FloatFormat::decode`) with plain integer arithmetic: sums and products on a
//!   little vector-of-limbs integer, quotients by bitwise long division and square roots
//!   by the digit-by-digit method, each to at least 118 significant bits with a sticky
//!   bit, enough for any p ≤ 53 and for the 64 bits of δ that stochastic rounding reads.
//!   The IEEE 754 special cases (NaN, ∞, zeros, invalid operations, division by zero,
//!   signaling NaNs) are written out from the standard. So every shortcut of the
//!   operations — the host-float fast path of +, −, ×, fma (`src/float/fast.rs`), the
//!   256-bit aligned sums, the truncated quotients and roots — is compared with a
//!   straightforward exact computation;
//! - both sides draw the same random bits: each gets the same stream (words from the
//!   input, then a seeded SplitMix64), and afterwards both streams are at the same place.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::float::{Exact, Finite, Specials};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64, Status, StatusAnd};
use lowprec_fuzz::{Bytes, format, mode};

/// The random stream: the given words in order, then SplitMix64; counts its draws.
#[derive(Clone)]
struct Stream {
    words: Vec<u64>,
    next: usize,
    then: SplitMix64,
}

impl RandomBits for Stream {
    fn next_u64(&mut self) -> u64 {
        self.next += 1;
        match self.words.get(self.next - 1) {
            Some(&w) => w,
            None => self.then.next_u64(),
        }
    }
}

/// A nonnegative integer as little-endian 64-bit limbs (no trailing zero limbs).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u64>);

impl Big {
    /// x · 2^s.
    fn shifted(x: u128, s: u32) -> Big {
        let mut v = vec![0u64; (s / 64) as usize];
        let r = s % 64;
        // x · 2^r in three limbs.
        let lo = (x << r) as u64;
        let mid = ((x << r) >> 64) as u64;
        let hi = if r == 0 { 0 } else { (x >> (128 - r)) as u64 };
        v.extend([lo, mid, hi]);
        Big(v).trim()
    }

    fn trim(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn bits(&self) -> u32 {
        match self.0.last() {
            None => 0,
            Some(&top) => 64 * self.0.len() as u32 - top.leading_zeros(),
        }
    }

    fn bit(&self, i: u32) -> bool {
        self.0
            .get((i / 64) as usize)
            .is_some_and(|l| l >> (i % 64) & 1 == 1)
    }

    fn add(&self, o: &Big) -> Big {
        let n = self.0.len().max(o.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u128;
        for i in 0..n {
            let s = u128::from(*self.0.get(i).unwrap_or(&0))
                + u128::from(*o.0.get(i).unwrap_or(&0))
                + carry;
            out.push(s as u64);
            carry = s >> 64;
        }
        out.push(carry as u64);
        Big(out).trim()
    }

    /// self − o for self ≥ o.
    fn sub(&self, o: &Big) -> Big {
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i128;
        for i in 0..self.0.len() {
            let d = i128::from(self.0[i]) - i128::from(*o.0.get(i).unwrap_or(&0)) - borrow;
            out.push(d as u64);
            borrow = i128::from(d < 0);
        }
        assert_eq!(borrow, 0);
        Big(out).trim()
    }

    fn cmp(&self, o: &Big) -> core::cmp::Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }

    /// self · 2^e as a finite `Exact` (self ≠ 0): the top 128 bits and a sticky bit.
    fn to_finite(&self, negative: bool, e: i32) -> Finite {
        let n = self.bits();
        let drop = n.saturating_sub(128);
        let mut sig = 0u128;
        for i in (drop..n).rev() {
            sig = sig << 1 | u128::from(self.bit(i));
        }
        let sticky = (0..drop).any(|i| self.bit(i));
        Finite {
            negative,
            sig,
            exp: e + drop as i32,
            sticky,
        }
    }
}

/// (−1)^neg · m · 2^e with m > 0 (m < 2^107).
#[derive(Clone, Copy, Debug)]
struct Num {
    neg: bool,
    m: u128,
    e: i32,
}

/// The exact sum of two nonzero numbers; `None` when it is zero.
fn sum(x: Num, y: Num) -> Option<Finite> {
    let e = x.e.min(y.e);
    let a = Big::shifted(x.m, (x.e - e) as u32);
    let b = Big::shifted(y.m, (y.e - e) as u32);
    let (mag, neg) = if x.neg == y.neg {
        (a.add(&b), x.neg)
    } else {
        match a.cmp(&b) {
            core::cmp::Ordering::Greater => (a.sub(&b), x.neg),
            core::cmp::Ordering::Less => (b.sub(&a), y.neg),
            core::cmp::Ordering::Equal => return None,
        }
    };
    Some(mag.to_finite(neg, e))
}

/// The quotient x / y of nonzero numbers (m < 2^64) to 127 bits, by long division.
fn quotient(x: Num, y: Num) -> Finite {
    // x / y = (r / d) · 2^e with r / d ∈ [1, 2) after these exact shifts.
    let (mut r, mut d, mut e) = (x.m, y.m, x.e - y.e);
    while r < d {
        r <<= 1;
        e -= 1;
    }
    while r >= d << 1 {
        d <<= 1;
        e += 1;
    }
    // One quotient bit per step: q = ⌊(r / d) · 2^126⌋, the remainder stays below 2d.
    let mut q = 0u128;
    for _ in 0..127 {
        q <<= 1;
        if r >= d {
            r -= d;
            q |= 1;
        }
        r <<= 1;
    }
    Finite {
        negative: x.neg != y.neg,
        sig: q,
        exp: e - 126,
        sticky: r != 0,
    }
}

/// The square root of a positive number (m < 2^64) to 124 bits, digit by digit.
fn root(x: Num) -> Finite {
    // X = m · 2^s with 247 or 248 bits and e − s even; its root has 124 bits.
    let b = 128 - x.m.leading_zeros();
    let mut s = 248 - b as i32;
    if (x.e - s) & 1 != 0 {
        s -= 1;
    }
    let bit = |i: i32| i >= s && (x.m >> (i - s)) & 1 == 1;
    let (mut rt, mut r) = (0u128, 0u128);
    // Two radicand bits per step from the top: r < 2·rt + 1 < 2^125 keeps r·4 in range.
    for k in (0..124).rev() {
        let pair = u128::from(bit(2 * k + 1)) << 1 | u128::from(bit(2 * k));
        r = r << 2 | pair;
        let t = rt << 2 | 1;
        if r >= t {
            r -= t;
            rt = rt << 1 | 1;
        } else {
            rt <<= 1;
        }
    }
    Finite {
        negative: false,
        sig: rt,
        exp: (x.e - s) / 2,
        sticky: r != 0,
    }
}

/// A decoded operand.
#[derive(Clone, Copy, Debug)]
enum V {
    Nan,
    Inf(bool),
    Zero(bool),
    Num(Num),
}

fn value(x: Exact) -> V {
    match x {
        Exact::Nan { .. } => V::Nan,
        Exact::Inf { negative } => V::Inf(negative),
        Exact::Zero { negative } => V::Zero(negative),
        Exact::Finite(f) => {
            assert!(!f.sticky && f.sig != 0 && f.sig < 1 << 64, "decode: {f:?}");
            V::Num(Num {
                neg: f.negative,
                m: f.sig,
                e: f.exp,
            })
        }
    }
}

fn is_neg(v: V) -> bool {
    match v {
        V::Nan => false,
        V::Inf(n) | V::Zero(n) => n,
        V::Num(n) => n.neg,
    }
}

/// The exact result before rounding (IEEE 754 §6, §7, §9.2).
enum Out {
    Value(Exact),
    Invalid,
    DivByZero(bool),
}

/// x + y on special and finite values; `mode` decides the sign of an exact zero sum.
fn add(x: V, y: V, mode: Rounding) -> Out {
    let zero_sum = Exact::Zero {
        negative: mode == Rounding::TowardNegative,
    };
    Out::Value(match (x, y) {
        (V::Nan, _) | (_, V::Nan) => Exact::Nan { negative: false },
        (V::Inf(a), V::Inf(b)) if a != b => return Out::Invalid,
        (V::Inf(n), _) | (_, V::Inf(n)) => Exact::Inf { negative: n },
        (V::Zero(a), V::Zero(b)) => {
            if a == b {
                Exact::Zero { negative: a }
            } else {
                zero_sum
            }
        }
        (V::Zero(_), V::Num(n)) | (V::Num(n), V::Zero(_)) => Exact::Finite(Finite {
            negative: n.neg,
            sig: n.m,
            exp: n.e,
            sticky: false,
        }),
        (V::Num(a), V::Num(b)) => sum(a, b).map_or(zero_sum, Exact::Finite),
    })
}

/// x · y as a value (products of decoded significands fit in 106 bits).
fn mul(x: V, y: V) -> Result<V, ()> {
    let neg = is_neg(x) != is_neg(y);
    Ok(match (x, y) {
        (V::Nan, _) | (_, V::Nan) => V::Nan,
        (V::Inf(_), V::Zero(_)) | (V::Zero(_), V::Inf(_)) => return Err(()),
        (V::Inf(_), _) | (_, V::Inf(_)) => V::Inf(neg),
        (V::Zero(_), _) | (_, V::Zero(_)) => V::Zero(neg),
        (V::Num(a), V::Num(b)) => V::Num(Num {
            neg,
            m: a.m * b.m,
            e: a.e + b.e,
        }),
    })
}

fn exact_of(v: V) -> Exact {
    match v {
        V::Nan => Exact::Nan { negative: false },
        V::Inf(n) => Exact::Inf { negative: n },
        V::Zero(n) => Exact::Zero { negative: n },
        V::Num(n) => Exact::Finite(Finite {
            negative: n.neg,
            sig: n.m,
            exp: n.e,
            sticky: false,
        }),
    }
}

fn reference(op: u8, x: V, y: V, z: V, mode: Rounding) -> Out {
    match op {
        0 => add(x, y, mode),
        1 => {
            let ny = match y {
                V::Nan => V::Nan,
                V::Inf(n) => V::Inf(!n),
                V::Zero(n) => V::Zero(!n),
                V::Num(n) => V::Num(Num { neg: !n.neg, ..n }),
            };
            add(x, ny, mode)
        }
        2 => match mul(x, y) {
            Ok(p) => Out::Value(exact_of(p)),
            Err(()) => Out::Invalid,
        },
        3 => {
            let neg = is_neg(x) != is_neg(y);
            Out::Value(match (x, y) {
                (V::Nan, _) | (_, V::Nan) => Exact::Nan { negative: false },
                (V::Inf(_), V::Inf(_)) | (V::Zero(_), V::Zero(_)) => return Out::Invalid,
                (V::Inf(_), _) => Exact::Inf { negative: neg },
                (_, V::Inf(_)) | (V::Zero(_), _) => Exact::Zero { negative: neg },
                (V::Num(_), V::Zero(_)) => return Out::DivByZero(neg),
                (V::Num(a), V::Num(b)) => Exact::Finite(quotient(a, b)),
            })
        }
        // fma: 0 · ∞ is invalid even when c is a quiet NaN (IEEE 754 leaves that case to
        // the implementation; lowprec signals it).
        4 => match mul(x, y) {
            Err(()) => Out::Invalid,
            Ok(p) => add(p, z, mode),
        },
        _ => Out::Value(match x {
            V::Nan => Exact::Nan { negative: false },
            V::Zero(n) => Exact::Zero { negative: n },
            V::Inf(false) => Exact::Inf { negative: false },
            V::Inf(true) => return Out::Invalid,
            V::Num(n) if n.neg => return Out::Invalid,
            V::Num(n) => Exact::Finite(root(n)),
        }),
    }
}

/// IEEE 754 §6.2.1: in formats with IEEE specials a NaN is signaling when the first
/// fraction bit is 0.
fn signaling(f: &FloatFormat, code: u64) -> bool {
    f.specials() == Specials::Ieee
        && f.man_bits() > 0
        && matches!(f.decode(code), Exact::Nan { .. })
        && code >> (f.man_bits() - 1) & 1 == 0
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let Some(fmt) = format(&mut b) else {
        return;
    };
    let mode = mode(&mut b);
    let overflow =
        [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate][usize::from(b.byte() % 3)];
    let op = b.byte() % 6;
    let codes = [b.u64(), b.u64(), b.u64()].map(|c| c & fmt.code_mask());
    let seed = b.u64();
    let words: Vec<u64> =
        b.0.chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
    let stream = Stream {
        words,
        next: 0,
        then: SplitMix64::new(seed),
    };
    let (mut r1, mut r2) = (stream.clone(), stream);

    let [a, c1, c2] = codes;
    let got: StatusAnd<u64> = match op {
        0 => fmt.add_with(a, c1, Round::new(mode, overflow), &mut r1),
        1 => fmt.sub_with(a, c1, Round::new(mode, overflow), &mut r1),
        2 => fmt.mul_with(a, c1, Round::new(mode, overflow), &mut r1),
        3 => fmt.div_with(a, c1, Round::new(mode, overflow), &mut r1),
        4 => fmt.fma_with(a, c1, c2, Round::new(mode, overflow), &mut r1),
        _ => fmt.sqrt_with(a, Round::new(mode, overflow), &mut r1),
    };
    assert_eq!(
        got.value & !fmt.code_mask(),
        0,
        "{fmt}: code {:#x}",
        got.value
    );

    let arity = [2, 2, 2, 2, 3, 1][usize::from(op)];
    let sig = if codes[..arity].iter().any(|&c| signaling(&fmt, c)) {
        Status::INVALID
    } else {
        Status::OK
    };
    let [x, y, z] = codes.map(|c| value(fmt.decode(c)));
    let want = match reference(op, x, y, z, mode) {
        Out::Value(v) => {
            let r = fmt.round(v, Round::new(mode, overflow), &mut r2);
            StatusAnd::new(r.value, r.status | sig)
        }
        Out::Invalid => {
            let r = fmt.round(
                Exact::Nan { negative: false },
                Round::new(mode, overflow),
                &mut r2,
            );
            StatusAnd::new(r.value, r.status | Status::INVALID | sig)
        }
        // The exact result is ±∞: only division by zero is signalled.
        Out::DivByZero(neg) => {
            let r = fmt.round(
                Exact::Inf { negative: neg },
                Round::new(mode, overflow),
                &mut r2,
            );
            StatusAnd::new(r.value, Status::DIV_BY_ZERO | sig)
        }
    };
    let name = ["add", "sub", "mul", "div", "fma", "sqrt"][usize::from(op)];
    assert_eq!(
        (got.value, got.status),
        (want.value, want.status),
        "{fmt} ({fmt:?}) {name}({a:#x}, {c1:#x}, {c2:#x}) {mode:?} {overflow}: got {:#x} [{}], \
         exact reference {:#x} [{}]",
        got.value,
        got.status,
        want.value,
        want.status
    );
    assert_eq!(
        r1.next, r2.next,
        "{fmt} {name}({a:#x}, {c1:#x}, {c2:#x}) {mode:?}: drew {} words, the reference {}",
        r1.next, r2.next
    );
});
