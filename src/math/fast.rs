//! The binary64 fast path: exp, log, sin, cos, tanh and erf evaluated in `f64` with an
//! error bound, deciding the rounding for formats of small precision without the
//! multi-precision kernels.
//!
//! Each kernel returns an approximation y and a bound `err` with |f(x) − y| ≤ err · |y|,
//! proven in its comments from the rounding errors of binary64 (u = 2^−53 per
//! operation) and the truncation of its series. [`decide`] then asks whether every
//! number within that bound lies strictly inside one cell of the grid of `bits`
//! significant bits (the target's precision + 2); if so, the cell's midpoint stands in
//! for the value — no rounding boundary of the target lies inside the cell, so it
//! rounds as the value does, in every deterministic mode — and if not, or outside a
//! kernel's range, the caller falls back to the multi-precision evaluation. A wrong bound could only make this path give up less
//! often than it should, which is why each bound carries a factor of at least 2 of
//! slack over the analysis, and `tests/math_mpfr.rs` measures the actual errors.
//!
//! Exact results (exp 0, log 1, sin 0, …) never reach this path: the argument is a
//! nonzero finite value here, and no kernel's function has an exact nonzero result
//! other than log 1, which is excluded.

use super::Unary;
use crate::float::Finite;

/// ln 2 / 32 in two parts: the first has 32 significant bits, so k · `LN2_32_HI` is
/// exact for |k| < 2^21; |ln 2/32 − HI − LO| < 2^−93.
const LN2_32_HI: f64 = f64::from_bits(0x3f96_2e42_ff00_0000);
const LN2_32_LO: f64 = f64::from_bits(0xbd77_1843_2a1b_0e26);
/// 32 / ln 2.
const INV_LN2_32: f64 = f64::from_bits(0x4047_1547_652b_82fe);
/// 2^(j/32), j = 0..31, each correctly rounded (relative error ≤ 2^−53; generated with
/// 60-digit decimal arithmetic and checked against MPFR by the tests below).
const EXP2_32NDS: [f64; 32] = [
    f64::from_bits(0x3ff0000000000000),
    f64::from_bits(0x3ff059b0d3158574),
    f64::from_bits(0x3ff0b5586cf9890f),
    f64::from_bits(0x3ff11301d0125b51),
    f64::from_bits(0x3ff172b83c7d517b),
    f64::from_bits(0x3ff1d4873168b9aa),
    f64::from_bits(0x3ff2387a6e756238),
    f64::from_bits(0x3ff29e9df51fdee1),
    f64::from_bits(0x3ff306fe0a31b715),
    f64::from_bits(0x3ff371a7373aa9cb),
    f64::from_bits(0x3ff3dea64c123422),
    f64::from_bits(0x3ff44e086061892d),
    f64::from_bits(0x3ff4bfdad5362a27),
    f64::from_bits(0x3ff5342b569d4f82),
    f64::from_bits(0x3ff5ab07dd485429),
    f64::from_bits(0x3ff6247eb03a5585),
    f64::from_bits(0x3ff6a09e667f3bcd),
    f64::from_bits(0x3ff71f75e8ec5f74),
    f64::from_bits(0x3ff7a11473eb0187),
    f64::from_bits(0x3ff82589994cce13),
    f64::from_bits(0x3ff8ace5422aa0db),
    f64::from_bits(0x3ff93737b0cdc5e5),
    f64::from_bits(0x3ff9c49182a3f090),
    f64::from_bits(0x3ffa5503b23e255d),
    f64::from_bits(0x3ffae89f995ad3ad),
    f64::from_bits(0x3ffb7f76f2fb5e47),
    f64::from_bits(0x3ffc199bdd85529c),
    f64::from_bits(0x3ffcb720dcef9069),
    f64::from_bits(0x3ffd5818dcfba487),
    f64::from_bits(0x3ffdfc97337b9b5f),
    f64::from_bits(0x3ffea4afa2a490da),
    f64::from_bits(0x3fff50765b6e4540),
];
/// π/2 in three parts of 33, 33 and 53 bits: k · PIO2_1 and k · PIO2_2 are exact for
/// |k| < 2^20; |π/2 − (PIO2_1 + PIO2_2 + PIO2_3)| < 2^−122.
const PIO2_1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000);
const PIO2_2: f64 = f64::from_bits(0x3dd0_b461_1a60_0000);
const PIO2_3: f64 = f64::from_bits(0x3ba3_198a_2e03_7073);
/// 2/π.
const TWO_OVER_PI: f64 = f64::from_bits(0x3fe4_5f30_6dc9_c883);
/// ln 2 in two parts: e · `LN2_HI` is exact for |e| < 2^21; |ln 2 − HI − LO| < 2^−88.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_ff00_0000);
const LN2_LO: f64 = f64::from_bits(0xbdc7_1843_2a1b_0e26);
/// 2/√π (relative error ≤ 2^−53).
const TWO_OVER_SQRT_PI: f64 = f64::from_bits(0x3ff2_0dd7_5042_9b6d);

/// 2^−k as f64 (k ≤ 1022).
const fn pow2_neg(k: u32) -> f64 {
    f64::from_bits(((1023 - k) as u64) << 52)
}

/// A stand-in for f(x) that every rounding to `bits` − 2 or fewer significant bits, in
/// every deterministic mode, treats as it treats f(x): the midpoint of the cell of the
/// `bits`-bit grid that holds every number within the kernel's error bound of its
/// approximation (a number of `bits` + 1 significant bits, never a representable number
/// or a midpoint of the coarser grid). `None` when the bound straddles a cell boundary,
/// for arguments outside the kernels' ranges, and for functions without a kernel here.
pub(super) fn eval(f: Unary, x: f64, bits: u32) -> Option<f64> {
    if !(4..=40).contains(&bits) || x == 0.0 || !x.is_finite() {
        return None;
    }
    if let Some(mid) = tiny(f, x, bits) {
        return Some(mid);
    }
    let near_one = match f {
        Unary::Tanh => x.abs() >= 20.0,
        Unary::Erf => x.abs() >= 6.0,
        _ => false,
    };
    if near_one {
        // 1 − |tanh x| < 2e^(−40) < 2^−56 for |x| ≥ 20, and 1 − |erf x| = erfc |x| <
        // e^(−36)/(6√π) < 2^−55 for |x| ≥ 6: the value lies strictly inside the cell just
        // below ±1 of every grid of at most 40 bits.
        let mid = 1.0 - pow2_neg(bits + 1);
        return Some(if x < 0.0 { -mid } else { mid });
    }
    let (y, err) = match f {
        Unary::Exp => exp(x)?,
        Unary::Log => log(x)?,
        Unary::Sin => sin_cos(x, false)?,
        Unary::Cos => sin_cos(x, true)?,
        Unary::Tanh => tanh(x)?,
        Unary::Erf => erf(x)?,
        _ => return None,
    };
    decide(y, err, bits)
}

/// The stand-ins of tiny arguments, where the value is a hair from x or from 1 and the
/// kernels' relative bounds cannot tell which side of that grid point it lies on.
///
/// Every grid cell of `bits` bits next to a nonzero y is at least |y| · 2^−bits wide, and
/// x itself (at most `bits` − 2 bits) is a grid point. So y · (1 ∓ 2^−(bits+1)) lies
/// strictly inside the cell just below or above |y|, within 2^−53 relative however it
/// rounds, and e^x, sin x, tanh x, cos x lie in those cells when:
/// - |x| < 2^−(bits+1): 1 < e^x < 1 + x + x² < 1 + 2^(1−bits) for x > 0, and
///   1 − 2^−bits < 1 + x < e^x < 1 for x < 0;
/// - |x| < 2^−(bits/2+2): |x| − |x|³/6 < |sin x| < |x| and |x| − |x|³/3 < |tanh x| < |x|,
///   with |x|³/3 < |x| · 2^−(bits+4); 1 − x²/2 < cos x < 1 with x²/2 < 2^−(bits+5).
fn tiny(f: Unary, x: f64, bits: u32) -> Option<f64> {
    let a = x.abs();
    let hair = pow2_neg(bits + 1);
    match f {
        Unary::Exp if a < hair => Some(if x > 0.0 { 1.0 + hair } else { 1.0 - hair }),
        Unary::Sin | Unary::Tanh if a < pow2_neg(bits / 2 + 2) => Some(x * (1.0 - hair)),
        Unary::Cos if a < pow2_neg(bits / 2 + 2) => Some(1.0 - hair),
        _ => None,
    }
}

/// A finite value as `f64` when its magnitude lies well inside the normal range (so
/// that the kernels' results stay normal).
pub(super) fn to_f64(x: &Finite) -> Option<f64> {
    let len = 128 - x.sig.leading_zeros() as i32;
    if len == 0 || len > 53 {
        return None;
    }
    let lead = x.exp + len - 1;
    if !(-900..=900).contains(&lead) {
        return None;
    }
    // sig < 2^53 converts exactly; the two scalings are exact (normal range throughout).
    let half = x.exp / 2;
    let v = x.sig as f64 * crate::float::pow2(half) * crate::float::pow2(x.exp - half);
    Some(if x.negative { -v } else { v })
}

/// The midpoint of the cell of the `bits`-bit grid that holds every number within
/// err · |y| of y, if one cell does.
fn decide(y: f64, err: f64, bits: u32) -> Option<f64> {
    if !y.is_normal() || err.is_nan() || err >= 1e-6 {
        return None;
    }
    let b = y.to_bits();
    let m = (b & ((1 << 52) - 1)) | (1 << 52);
    // The bound in units of y's last bit (m < 2^53), rounded up generously; err < 2^−20,
    // so the conversion is exact and in range.
    let margin = (err * 9_007_199_254_740_992.0) as i64 as u64 + 2;
    let cell = 1u64 << (53 - bits);
    let d = m & (cell - 1);
    (d > margin && d + margin < cell).then(|| f64::from_bits((b & !(cell - 1)) | cell >> 1))
}

/// 1.5 · 2^52: adding it to a value of magnitude below 2^51 rounds the value to an
/// integer (ties to even) in the last place of the sum.
const SHIFTER: f64 = 6_755_399_441_055_744.0;

/// The nearest integer of a value of magnitude below 2^50, as `f64` and as `i64`,
/// without a float-to-integer conversion.
#[inline(always)]
fn round_int(v: f64) -> (f64, i64) {
    let t = v + SHIFTER;
    let k = (t.to_bits() & ((1 << 52) - 1)) as i64 - (1 << 51);
    (t - SHIFTER, k)
}

/// e^x for |x| ≤ 700.
///
/// x = k · ln2/32 + r with |r| ≤ ln2/64 + 2^−40 < 0.01084: k · HI is exact (|k| < 2^15),
/// x − k · HI is exact (Sterbenz, or k = 0), and subtracting k · LO adds at most
/// u·|r| + 2^−72, so e^r carries a relative error below 2^−58. The degree-5 Taylor
/// polynomial of e^r leaves 0.01084^6/6! < 2^−48.6; its evaluation (1 + r) + r²·(…),
/// whose second part is below 2^−12, errs by less than 2.1u. The table entry and the
/// final product add 2u; scaling by 2^q is exact (normal results). In all, below
/// 2^−48.6 + 4.2u < 2^−48.1; the bound claimed is 2^−47.
fn exp(x: f64) -> Option<(f64, f64)> {
    if x.abs() > 700.0 {
        return None;
    }
    let (kf, k) = round_int(x * INV_LN2_32);
    let r = (x - kf * LN2_32_HI) - kf * LN2_32_LO;
    let r2 = r * r;
    let p = (1.0 + r) + r2 * ((0.5 + r * (1.0 / 6.0)) + r2 * (1.0 / 24.0 + r * (1.0 / 120.0)));
    let j = k.rem_euclid(32) as usize;
    let q = (k - j as i64) / 32;
    let t = EXP2_32NDS.get(j).copied()?;
    let scale = f64::from_bits(((q + 1023) as u64) << 52);
    Some((t * p * scale, pow2_neg(47)))
}

/// ln(j/32) for j = 23..45, each correctly rounded (relative error ≤ 2^−53; generated
/// with 60-digit decimal arithmetic and checked against MPFR by the tests below).
const LN_32NDS: [f64; 23] = [
    f64::from_bits(0xbfd522ae0738a3d8),
    f64::from_bits(0xbfd269621134db92),
    f64::from_bits(0xbfcf991c6cb3b379),
    f64::from_bits(0xbfca93ed3c8ad9e3),
    f64::from_bits(0xbfc5bf406b543db2),
    f64::from_bits(0xbfc1178e8227e47c),
    f64::from_bits(0xbfb9335e5d594989),
    f64::from_bits(0xbfb08598b59e3a07),
    f64::from_bits(0xbfa0415d89e74444),
    f64::from_bits(0x0000000000000000),
    f64::from_bits(0x3f9f829b0e783300),
    f64::from_bits(0x3faf0a30c01162a6),
    f64::from_bits(0x3fb6f0d28ae56b4c),
    f64::from_bits(0x3fbe27076e2af2e6),
    f64::from_bits(0x3fc29552f81ff523),
    f64::from_bits(0x3fc5ff3070a793d4),
    f64::from_bits(0x3fc9525a9cf456b4),
    f64::from_bits(0x3fcc8ff7c79a9a22),
    f64::from_bits(0x3fcfb9186d5e3e2b),
    f64::from_bits(0x3fd1675cababa60e),
    f64::from_bits(0x3fd2e8e2bae11d31),
    f64::from_bits(0x3fd4618bc21c5ec2),
    f64::from_bits(0x3fd5d1bdbf5809ca),
];

/// ln x for a positive normal x other than 1.
///
/// x = m · 2^e with m in [√2/2, √2), and c = j/32 the nearest 32nd to m (j = 23..45):
/// ln m = ln c + 2 atanh z, z = (m − c)/(m + c). m − c is exact (Sterbenz), m + c and
/// the quotient err by 2u in all, |z| ≤ (1/64)/(2 · 0.7) < 0.0112, so w = z² < 2^−12.9
/// and 2 atanh z = 2z(1 + w/3 + w²/5 + w³/7) leaves w⁴/9 < 2^−54 relative, its
/// evaluation (scaled by w) adding < 0.01u: 2 atanh z errs by < 2.1u relative, and it
/// is at most 0.0224 in magnitude. ln c errs by u; for j ≠ 32, |ln c| ≥ ln(33/32) >
/// 0.0307, so |ln m| ≥ |ln c| − 0.0224 > |ln c|/4 and ln c + 2 atanh z errs by < 4u +
/// 2.1u + u relative; for j = 32, ln c = 0 exactly. e · ln 2 is e · HI exact plus e · LO,
/// and the final sum with ln m loses at most a factor 2 (|ln m| ≤ ln2/2 ≤ |e · ln 2|/2
/// when e ≠ 0), its two roundings adding 2u: below 16.2u < 2^−49; the bound claimed is
/// 2^−48.
fn log(x: f64) -> Option<(f64, f64)> {
    if x <= 0.0 || !x.is_normal() || x == 1.0 {
        return None;
    }
    let b = x.to_bits();
    let mut e = ((b >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((b & ((1 << 52) - 1)) | (1023 << 52));
    if m > core::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let (c, j) = round_int(m * 32.0);
    let c = c * (1.0 / 32.0);
    let lnc = LN_32NDS.get(usize::try_from(j - 23).ok()?).copied()?;
    let z = (m - c) / (m + c);
    let w = z * z;
    let s = w * ((1.0 / 3.0 + w * (1.0 / 5.0)) + w * w * (1.0 / 7.0));
    let lnm = lnc + (2.0 * z + 2.0 * z * s);
    let ef = e as f64;
    let y = ef * LN2_HI + (lnm + ef * LN2_LO);
    Some((y, pow2_neg(48)))
}

/// sin x or cos x for |x| < 2^19.
///
/// x = k · π/2 + r, k = round(x · 2/π) < 2^19: k · PIO2_1 and k · PIO2_2 are exact, the
/// first subtraction is exact (Sterbenz), the other two and k · PIO2_3 add at most
/// 2u·|r| + 2^−100, and the three parts miss π/2 by 2^−122 (times k: 2^−103). So
/// |r − r̂| ≤ 2u|r| + 2^−99 = δ, |r| ≤ π/4 + δ. Taylor polynomials to r^15 (sin) and
/// r^16 (cos) leave < 2^−54 relative; their evaluation, whose variable part is scaled
/// by r² ≤ 0.62 and a coefficient ≤ 1/2, errs by < 2u. An argument error δ moves sin r
/// by δ·|cos r| ≤ (δ/|r|)·|sin r|·(π/4)/sin(π/4) < 1.2(δ/|r|)|sin r| and cos r by
/// δ·|sin r| ≤ δ|cos r| (|tan r| ≤ 1). In all: 3u + 1.2δ/|r|, claimed as 2^−50 +
/// 2^−97/|r|.
fn sin_cos(x: f64, cos: bool) -> Option<(f64, f64)> {
    if x.abs() >= 524_288.0 {
        return None;
    }
    let (kf, k) = round_int(x * TWO_OVER_PI);
    let r = ((x - kf * PIO2_1) - kf * PIO2_2) - kf * PIO2_3;
    if r == 0.0 {
        return None;
    }
    let w = r * r;
    let w2 = w * w;
    let w4 = w2 * w2;
    // Estrin's scheme: pairs, then pairs of pairs (shorter dependency chains).
    let s01 = -1.0 / 6.0 + w * (1.0 / 120.0);
    let s23 = -1.0 / 5040.0 + w * (1.0 / 362_880.0);
    let s45 = -1.0 / 39_916_800.0 + w * (1.0 / 6_227_020_800.0);
    let s6 = -1.0 / 1_307_674_368_000.0;
    let sin_r = r + r * w * ((s01 + w2 * s23) + w4 * (s45 + w2 * s6));
    let c01 = -0.5 + w * (1.0 / 24.0);
    let c23 = -1.0 / 720.0 + w * (1.0 / 40_320.0);
    let c45 = -1.0 / 3_628_800.0 + w * (1.0 / 479_001_600.0);
    let c67 = -1.0 / 87_178_291_200.0 + w * (1.0 / 20_922_789_888_000.0);
    let cos_r = 1.0 + w * ((c01 + w2 * c23) + w4 * (c45 + w2 * c67));
    let q = (k + cos as i64).rem_euclid(4);
    let y = match q {
        0 => sin_r,
        1 => cos_r,
        2 => -sin_r,
        _ => -cos_r,
    };
    Some((y, pow2_neg(50) + pow2_neg(97) / r.abs()))
}

/// e^x − 1 for |x| ≤ 700, relative error at most 2^−47 (claimed bound returned).
///
/// Below 1/4 in magnitude, the Taylor polynomial to x^13 leaves (1/4)^13/13! < 2^−60
/// relative and its evaluation (the variable part scaled by |x| ≤ 1/4) errs by < 1.5u.
/// Above, e^x − 1 from [`exp`] (2^−50) amplifies its error by e^|x|/|e^x − 1| < 4.6,
/// plus one rounding: < 2^−47.
fn expm1(x: f64) -> Option<(f64, f64)> {
    if x.abs() >= 0.25 {
        let (e, err) = exp(x)?;
        return Some((e - 1.0, err * 4.6 + pow2_neg(52)));
    }
    // Σ x^i/i! for i = 1..13, by Horner from the highest term.
    let mut q = 1.0 / 6_227_020_800.0;
    for &c in INV_FACT[1..].iter().rev() {
        q = c + x * q;
    }
    let p = x * q;
    Some((p, pow2_neg(50)))
}

/// 1/i! for i = 0..12.
const INV_FACT: [f64; 13] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
];

/// tanh x = E/(E + 2), E = e^(2x) − 1, for |x| ≤ 20.
///
/// For x > 0, E > 0 and the quotient's relative error is at most twice E's plus 2u;
/// for x < 0, E + 2 lies in (1, 2] and E's error relative to E + 2 is smaller than
/// relative to E. So the bound is 2 · err(E) + 2u.
fn tanh(x: f64) -> Option<(f64, f64)> {
    if x.abs() > 20.0 {
        return None;
    }
    let (e, err) = expm1(2.0 * x)?;
    Some((e / (e + 2.0), 2.0 * err + pow2_neg(51)))
}

/// erf x for |x| < 6.
///
/// Below 1/2 in magnitude, the alternating series (2/√π) Σ (−1)^n x^(2n+1)/(n!(2n+1))
/// to n = 12: the tail is below 2^−60 relative, the terms' magnitudes sum to less than
/// 1.3 times the value, and each of the 36 operations errs by u: below 48u relative,
/// claimed as 2^−46. Above, the series of positive terms
/// (2/√π) e^(−x²) Σ 2^n x^(2n+1)/(1·3·…·(2n+1)) is summed until a term falls below
/// 2^−60 of the sum while the term ratio 2x²/(2n+3) is below 1/2 (so the tail is below
/// 2^−59); each of its n terms adds at most 3u of relative error to the sum (positive
/// terms), x² errs by u (which e^(−x²) turns into 36u at x² < 36), and exp by 2^−50.
fn erf(x: f64) -> Option<(f64, f64)> {
    let a = x.abs();
    if a >= 6.0 {
        return None;
    }
    if a < 0.5 {
        let w = x * x;
        let mut sum = 0.0;
        let mut pow = 1.0; // (−w)^n / n!
        for n in 0..13 {
            sum += pow / (2 * n + 1) as f64;
            pow *= -w / (n + 1) as f64;
        }
        return Some((TWO_OVER_SQRT_PI * x * sum, pow2_neg(46)));
    }
    let w = x * x;
    let (e, e_err) = exp(-w)?;
    let mut term = a;
    let mut sum = a;
    let mut n = 0u32;
    loop {
        n += 1;
        if n > 400 {
            return None;
        }
        term *= 2.0 * w / (2 * n + 1) as f64;
        sum += term;
        let ratio = 2.0 * w / (2 * n + 3) as f64;
        if term < sum * pow2_neg(60) && ratio < 0.5 {
            break;
        }
    }
    let y = TWO_OVER_SQRT_PI * e * sum;
    let err =
        e_err + 36.0 * pow2_neg(53) * (w + 1.0) + 3.0 * n as f64 * pow2_neg(53) + pow2_neg(50);
    Some((if x < 0.0 { -y } else { y }, err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Float;

    /// The table and the split constants against MPFR.
    #[test]
    fn constants_match_mpfr() {
        let p = 300;
        let ln2 = Float::with_val(p, rug::float::Constant::Log2);
        for (j, &t) in EXP2_32NDS.iter().enumerate() {
            let want = Float::with_val(p, Float::with_val(p, j) / 32u32).exp2();
            assert_eq!(t, want.to_f64(), "2^({j}/32)");
        }
        for (j, &t) in (23u32..).zip(LN_32NDS.iter()) {
            let want = Float::with_val(p, Float::with_val(p, j) / 32u32).ln();
            assert_eq!(t, want.to_f64(), "ln({j}/32)");
        }
        let split = |hi: f64, lo: f64, want: Float, bound: i32| {
            let err = Float::with_val(p, Float::with_val(p, want - hi) - lo).abs();
            assert!(err < Float::with_val(p, 1) >> bound, "{hi:e} {lo:e}");
            assert!(
                hi.to_bits().trailing_zeros() >= 52 - 31,
                "{hi:e} has ≤ 32 bits"
            );
        };
        split(LN2_32_HI, LN2_32_LO, Float::with_val(p, &ln2 / 32u32), 93);
        split(LN2_HI, LN2_LO, ln2.clone(), 88);
        let pio2 = Float::with_val(p, rug::float::Constant::Pi) / 2u32;
        let err = Float::with_val(p, Float::with_val(p, &pio2 - PIO2_1) - PIO2_2 - PIO2_3).abs();
        assert!(err < Float::with_val(p, 1) >> 122);
        assert!(PIO2_1.to_bits().trailing_zeros() >= 52 - 32);
        assert!(PIO2_2.to_bits().trailing_zeros() >= 52 - 32);
        assert_eq!(INV_LN2_32, Float::with_val(p, 32u32 / &ln2).to_f64());
        assert_eq!(TWO_OVER_PI, Float::with_val(p, 1u32 / &pio2).to_f64());
        let pi = Float::with_val(p, rug::float::Constant::Pi);
        assert_eq!(
            TWO_OVER_SQRT_PI,
            Float::with_val(p, 2u32 / pi.sqrt()).to_f64()
        );
    }

    /// Each kernel's claimed bound holds, with room, against MPFR on a sweep of its range.
    #[test]
    fn kernels_stay_within_their_bounds() {
        let p = 200;
        let mut rng = crate::SplitMix64::new(11);
        use crate::RandomBits;
        let mut worst = [0f64; 6];
        for i in 0..200_000 {
            let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let cases: [(usize, f64); 6] = [
                (0, (u - 0.5) * 1400.0),
                (1, crate::float::pow2((i % 200) - 100) * (1.0 + u)),
                (2, (u - 0.5) * 100.0),
                (3, (u - 0.5) * 100.0),
                (4, (u - 0.5) * 40.0),
                (5, (u - 0.5) * 11.9),
            ];
            for (k, x) in cases {
                let fx = Float::with_val(p, x);
                let (got, want) = match k {
                    0 => (exp(x), fx.exp()),
                    1 if x != 1.0 => (log(x), fx.ln()),
                    2 => (sin_cos(x, false), fx.sin()),
                    3 => (sin_cos(x, true), fx.cos()),
                    4 => (tanh(x), fx.tanh()),
                    5 => (erf(x), fx.erf()),
                    _ => continue,
                };
                let Some((y, err)) = got else { continue };
                let rel = Float::with_val(p, (Float::with_val(p, y) - &want) / &want).abs();
                let ratio = rel.to_f64() / err;
                assert!(
                    ratio < 0.5,
                    "kernel {k} at {x:e}: error {rel} vs bound {err:e}"
                );
                worst[k] = worst[k].max(ratio);
            }
        }
        // Each bound has at least a factor 2 of slack over the observed errors.
        assert!(worst.iter().all(|&w| w < 0.5), "{worst:?}");
    }
}
