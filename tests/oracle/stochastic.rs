//! The stochastic rounding rules by their definitions: which draws round away from zero,
//! for a discarded fraction δ given exactly (a GMP rational).

use lowprec::rounding::SrKind;
use rug::{Integer, Rational};

/// ⌊y⌋.
pub fn floor(y: &Rational) -> Integer {
    Integer::from(y.numer() / y.denom())
}

/// ⌈y⌉.
pub fn ceil(y: &Rational) -> Integer {
    let f = floor(y);
    if *y == f { f } else { f + 1u32 }
}

/// y rounded to an integer, ties to even.
pub fn round_even(y: &Rational) -> Integer {
    let f = floor(y);
    match Rational::from(y - &f).cmp(&Rational::from((1, 2))) {
        std::cmp::Ordering::Less => f,
        std::cmp::Ordering::Greater => f + 1u32,
        std::cmp::Ordering::Equal if f.is_even() => f,
        std::cmp::Ordering::Equal => f + 1u32,
    }
}

/// The draws r ∈ [0, 2ⁿ) that round away from zero, as a half-open range [lo, hi), per
/// the definition of each rule (IEEE P3109 for A, B and C):
/// proportional r < ⌈δ·2ⁿ⌉; A ⌊δ·2ⁿ⌋ + r ≥ 2ⁿ; B ⌊δ·2ⁿ⁺¹⌋/2 + r ≥ 2ⁿ − ½;
/// C round(δ·2ⁿ) + r ≥ 2ⁿ (ties to even).
pub fn away_draws(kind: SrKind, n: u32, delta: &Rational) -> (Integer, Integer) {
    let two_n = Integer::from(1) << n;
    let y = Rational::from(delta * &two_n);
    match kind {
        SrKind::Proportional => (Integer::new(), ceil(&y)),
        SrKind::P3109A => (&two_n - floor(&y), two_n),
        SrKind::P3109B => {
            // 2r ≥ 2ⁿ⁺¹ − 1 − ⌊δ·2ⁿ⁺¹⌋  ⇔  r ≥ ⌈(2ⁿ⁺¹ − 1 − f)/2⌉.
            let f = floor(&Rational::from(&y * 2u32));
            let t = Rational::from((Integer::from(&two_n * 2u32) - 1u32 - f, 2u32));
            (ceil(&t), two_n)
        }
        SrKind::P3109C => (&two_n - round_even(&y), two_n),
        SrKind::Equal => unreachable!("one random bit, not a function of δ"),
    }
}
