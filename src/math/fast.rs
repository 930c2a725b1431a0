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
//! The tables are printed by `scripts/gen-fast-tables.py` (decimal arithmetic) and
//! checked against MPFR by the tests below.
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
/// 2^(j/32), j = 0..31, each correctly rounded (relative error ≤ 2^−53).
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

/// A stand-in for e^x with |x| > 700, for formats whose values lie within 2^±511: 2^1000
/// (overflow) or 2^−1000 (far below the smallest subnormal) round there as e^x does.
pub(super) fn far_exp(f: Unary, x: f64) -> Option<f64> {
    match f {
        Unary::Exp if x > 700.0 => Some(crate::float::pow2(1000)),
        Unary::Exp if x < -700.0 => Some(crate::float::pow2(-1000)),
        _ => None,
    }
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

/// 1/c of each row of the logarithm's table (see `log`).
const LOG_INV: [f64; 128] = [
    f64::from_bits(0x3ff0000000000000),
    f64::from_bits(0x3fefa11caa01fa12),
    f64::from_bits(0x3fef6310aca0dbb5),
    f64::from_bits(0x3fef25f644230ab5),
    f64::from_bits(0x3feee9c7f8458e02),
    f64::from_bits(0x3feeae807aba01eb),
    f64::from_bits(0x3fee741aa59750e4),
    f64::from_bits(0x3fee3a9179dc1a73),
    f64::from_bits(0x3fee01e01e01e01e),
    f64::from_bits(0x3fedca01dca01dca),
    f64::from_bits(0x3fed92f2231e7f8a),
    f64::from_bits(0x3fed5cac807572b2),
    f64::from_bits(0x3fed272ca3fc5b1a),
    f64::from_bits(0x3fecf26e5c44bfc6),
    f64::from_bits(0x3fecbe6d9601cbe7),
    f64::from_bits(0x3fec8b265afb8a42),
    f64::from_bits(0x3fec5894d10d4986),
    f64::from_bits(0x3fec26b5392ea01c),
    f64::from_bits(0x3febf583ee868d8b),
    f64::from_bits(0x3febc4fd65883e7b),
    f64::from_bits(0x3feb951e2b18ff23),
    f64::from_bits(0x3feb65e2e3beee05),
    f64::from_bits(0x3feb37484ad806ce),
    f64::from_bits(0x3feb094b31d922a4),
    f64::from_bits(0x3feadbe87f94905e),
    f64::from_bits(0x3feaaf1d2f87ebfd),
    f64::from_bits(0x3fea82e65130e159),
    f64::from_bits(0x3fea574107688a4a),
    f64::from_bits(0x3fea2c2a87c51ca0),
    f64::from_bits(0x3fea01a01a01a01a),
    f64::from_bits(0x3fe9d79f176b682d),
    f64::from_bits(0x3fe9ae24ea5510da),
    f64::from_bits(0x3fe9852f0d8ec0ff),
    f64::from_bits(0x3fe95cbb0be377ae),
    f64::from_bits(0x3fe934c67f9b2ce6),
    f64::from_bits(0x3fe90d4f120190d5),
    f64::from_bits(0x3fe8e6527af1373f),
    f64::from_bits(0x3fe8bfce8062ff3a),
    f64::from_bits(0x3fe899c0f601899c),
    f64::from_bits(0x3fe87427bcc092b9),
    f64::from_bits(0x3fe84f00c2780614),
    f64::from_bits(0x3fe82a4a0182a4a0),
    f64::from_bits(0x3fe8060180601806),
    f64::from_bits(0x3fe7e225515a4f1d),
    f64::from_bits(0x3fe7beb3922e017c),
    f64::from_bits(0x3fe79baa6bb6398b),
    f64::from_bits(0x3fe77908119ac60d),
    f64::from_bits(0x3fe756cac201756d),
    f64::from_bits(0x3fe734f0c541fe8d),
    f64::from_bits(0x3fe713786d9c7c09),
    f64::from_bits(0x3fe6f26016f26017),
    f64::from_bits(0x3fe6d1a62681c861),
    f64::from_bits(0x3fe6b1490aa31a3d),
    f64::from_bits(0x3ff691473a88d0c0),
    f64::from_bits(0x3ff6719f3601671a),
    f64::from_bits(0x3ff6524f853b4aa3),
    f64::from_bits(0x3ff63356b88ac0de),
    f64::from_bits(0x3ff614b36831ae94),
    f64::from_bits(0x3ff5f66434292dfc),
    f64::from_bits(0x3ff5d867c3ece2a5),
    f64::from_bits(0x3ff5babcc647fa91),
    f64::from_bits(0x3ff59d61f123ccaa),
    f64::from_bits(0x3ff5805601580560),
    f64::from_bits(0x3ff56397ba7c52e2),
    f64::from_bits(0x3ff54725e6bb82fe),
    f64::from_bits(0x3ff52aff56a8054b),
    f64::from_bits(0x3ff50f22e111c4c5),
    f64::from_bits(0x3ff4f38f62dd4c9b),
    f64::from_bits(0x3ff4d843bedc2c4c),
    f64::from_bits(0x3ff4bd3edda68fe1),
    f64::from_bits(0x3ff4a27fad76014a),
    f64::from_bits(0x3ff4880522014880),
    f64::from_bits(0x3ff46dce34596066),
    f64::from_bits(0x3ff453d9e2c776ca),
    f64::from_bits(0x3ff43a2730abee4d),
    f64::from_bits(0x3ff420b5265e5951),
    f64::from_bits(0x3ff40782d10e6566),
    f64::from_bits(0x3ff3ee8f42a5af07),
    f64::from_bits(0x3ff3d5d991aa75c6),
    f64::from_bits(0x3ff3bd60d9232955),
    f64::from_bits(0x3ff3a524387ac822),
    f64::from_bits(0x3ff38d22d366088e),
    f64::from_bits(0x3ff3755bd1c945ee),
    f64::from_bits(0x3ff35dce5f9f2af8),
    f64::from_bits(0x3ff34679ace01346),
    f64::from_bits(0x3ff32f5ced6a1dfa),
    f64::from_bits(0x3ff3187758e9ebb6),
    f64::from_bits(0x3ff301c82ac40260),
    f64::from_bits(0x3ff2eb4ea1fed14b),
    f64::from_bits(0x3ff2d50a012d50a0),
    f64::from_bits(0x3ff2bef98e5a3711),
    f64::from_bits(0x3ff2a91c92f3c105),
    f64::from_bits(0x3ff293725bb804a5),
    f64::from_bits(0x3ff27dfa38a1ce4d),
    f64::from_bits(0x3ff268b37cd60127),
    f64::from_bits(0x3ff2539d7e9177b2),
    f64::from_bits(0x3ff23eb79717605b),
    f64::from_bits(0x3ff22a0122a0122a),
    f64::from_bits(0x3ff21579804855e6),
    f64::from_bits(0x3ff2012012012012),
    f64::from_bits(0x3ff1ecf43c7fb84c),
    f64::from_bits(0x3ff1d8f5672e4abd),
    f64::from_bits(0x3ff1c522fc1ce059),
    f64::from_bits(0x3ff1b17c67f2bae3),
    f64::from_bits(0x3ff19e0119e0119e),
    f64::from_bits(0x3ff18ab083902bdb),
    f64::from_bits(0x3ff1778a191bd684),
    f64::from_bits(0x3ff1648d50fc3201),
    f64::from_bits(0x3ff151b9a3fdd5c9),
    f64::from_bits(0x3ff13f0e8d344724),
    f64::from_bits(0x3ff12c8b89edc0ac),
    f64::from_bits(0x3ff11a3019a74826),
    f64::from_bits(0x3ff107fbbe011080),
    f64::from_bits(0x3ff0f5edfab325a2),
    f64::from_bits(0x3ff0e40655826011),
    f64::from_bits(0x3ff0d24456359e3a),
    f64::from_bits(0x3ff0c0a7868b4171),
    f64::from_bits(0x3ff0af2f722eecb5),
    f64::from_bits(0x3ff09ddba6af8360),
    f64::from_bits(0x3ff08cabb37565e2),
    f64::from_bits(0x3ff07b9f29b8eae2),
    f64::from_bits(0x3ff06ab59c7912fb),
    f64::from_bits(0x3ff059eea0727586),
    f64::from_bits(0x3ff04949cc1664c5),
    f64::from_bits(0x3ff038c6b78247fc),
    f64::from_bits(0x3ff02864fc7729e9),
    f64::from_bits(0x3ff0182436517a37),
    f64::from_bits(0x3ff0000000000000),
];

/// −ln of each `LOG_INV` entry, correctly rounded (relative error ≤ 2^−53).
const LOG_NEG_LN_INV: [f64; 128] = [
    f64::from_bits(0x0000000000000000),
    f64::from_bits(0x3f87dc475f810a69),
    f64::from_bits(0x3f93cea44346a584),
    f64::from_bits(0x3f9b9fc027af919a),
    f64::from_bits(0x3fa1b0d98923d97f),
    f64::from_bits(0x3fa58a5bafc8e4d3),
    f64::from_bits(0x3fa95c830ec8e3f2),
    f64::from_bits(0x3fad276b8adb0b56),
    f64::from_bits(0x3fb075983598e471),
    f64::from_bits(0x3fb253f62f0a1417),
    f64::from_bits(0x3fb42edcbea646ee),
    f64::from_bits(0x3fb60658a93750c4),
    f64::from_bits(0x3fb7da766d7b12d0),
    f64::from_bits(0x3fb9ab42462033ae),
    f64::from_bits(0x3fbb78c82bb0eda0),
    f64::from_bits(0x3fbd4313d66cb35d),
    f64::from_bits(0x3fbf0a30c01162a4),
    f64::from_bits(0x3fc0671512ca596f),
    f64::from_bits(0x3fc14785846742ac),
    f64::from_bits(0x3fc2266f190a5acd),
    f64::from_bits(0x3fc303d718e47fd5),
    f64::from_bits(0x3fc3dfc2b0ecc62a),
    f64::from_bits(0x3fc4ba36f39a55e5),
    f64::from_bits(0x3fc59338d9982085),
    f64::from_bits(0x3fc66acd4272ad51),
    f64::from_bits(0x3fc740f8f54037a3),
    f64::from_bits(0x3fc815c0a14357e9),
    f64::from_bits(0x3fc8e928de886d41),
    f64::from_bits(0x3fc9bb362e7dfb85),
    f64::from_bits(0x3fca8becfc882f19),
    f64::from_bits(0x3fcb5b519e8fb5a6),
    f64::from_bits(0x3fcc2968558c18c2),
    f64::from_bits(0x3fccf6354e09c5dd),
    f64::from_bits(0x3fcdc1bca0abec7b),
    f64::from_bits(0x3fce8c0252aa5a60),
    f64::from_bits(0x3fcf550a564b7b37),
    f64::from_bits(0x3fd00e6c45ad501d),
    f64::from_bits(0x3fd071b85fcd590d),
    f64::from_bits(0x3fd0d46b579ab74b),
    f64::from_bits(0x3fd136870293a8b0),
    f64::from_bits(0x3fd1980d2dd4236f),
    f64::from_bits(0x3fd1f8ff9e48a2f3),
    f64::from_bits(0x3fd2596010df763a),
    f64::from_bits(0x3fd2b9303ab89d25),
    f64::from_bits(0x3fd31871c9544185),
    f64::from_bits(0x3fd3772662bfd85c),
    f64::from_bits(0x3fd3d54fa5c1f710),
    f64::from_bits(0x3fd432ef2a04e813),
    f64::from_bits(0x3fd49006804009d0),
    f64::from_bits(0x3fd4ec9732600269),
    f64::from_bits(0x3fd548a2c3add263),
    f64::from_bits(0x3fd5a42ab0f4cfe2),
    f64::from_bits(0x3fd5ff3070a793d4),
    f64::from_bits(0xbfd602d08af091ec),
    f64::from_bits(0xbfd5a8cadbbedfa1),
    f64::from_bits(0xbfd54f431b7be1a8),
    f64::from_bits(0xbfd4f637ebba9810),
    f64::from_bits(0xbfd49da7f3bcc420),
    f64::from_bits(0xbfd44591e0539f49),
    f64::from_bits(0xbfd3edf463c1683e),
    f64::from_bits(0xbfd396ce359bbf53),
    f64::from_bits(0xbfd3401e12aecba0),
    f64::from_bits(0xbfd2e9e2bce12286),
    f64::from_bits(0xbfd2941afb186b7c),
    f64::from_bits(0xbfd23ec5991eba49),
    f64::from_bits(0xbfd1e9e1678899f5),
    f64::from_bits(0xbfd1956d3b9bc2f9),
    f64::from_bits(0xbfd14167ef367784),
    f64::from_bits(0xbfd0edd060b78082),
    f64::from_bits(0xbfd09aa572e6c6d4),
    f64::from_bits(0xbfd047e60cde83b7),
    f64::from_bits(0xbfcfeb2233ea07cb),
    f64::from_bits(0xbfcf474b134df228),
    f64::from_bits(0xbfcea4449f04aaf5),
    f64::from_bits(0xbfce020cc6235ab5),
    f64::from_bits(0xbfcd60a17f903514),
    f64::from_bits(0xbfccc000c9db3c52),
    f64::from_bits(0xbfcc2028ab17f9b5),
    f64::from_bits(0xbfcb811730b823d4),
    f64::from_bits(0xbfcae2ca6f672bd8),
    f64::from_bits(0xbfca454082e6ab03),
    f64::from_bits(0xbfc9a8778debaa3a),
    f64::from_bits(0xbfc90c6db9fcbcdb),
    f64::from_bits(0xbfc871213750e994),
    f64::from_bits(0xbfc7d6903caf5acd),
    f64::from_bits(0xbfc73cb9074fd14d),
    f64::from_bits(0xbfc6a399dabbd383),
    f64::from_bits(0xbfc60b3100b09474),
    f64::from_bits(0xbfc5737cc9018cdd),
    f64::from_bits(0xbfc4dc7b897bc1c7),
    f64::from_bits(0xbfc4462b9dc9b3dc),
    f64::from_bits(0xbfc3b08b6757f2a7),
    f64::from_bits(0xbfc31b994d3a4f86),
    f64::from_bits(0xbfc28753bc11aba2),
    f64::from_bits(0xbfc1f3b925f25d44),
    f64::from_bits(0xbfc160c8024b27b0),
    f64::from_bits(0xbfc0ce7ecdccc28b),
    f64::from_bits(0xbfc03cdc0a51ec0d),
    f64::from_bits(0xbfbf57bc7d9005db),
    f64::from_bits(0xbfbe3707ee30487b),
    f64::from_bits(0xbfbd179788219362),
    f64::from_bits(0xbfbbf968769fca18),
    f64::from_bits(0xbfbadc77ee5aea8e),
    f64::from_bits(0xbfb9c0c32d4d254d),
    f64::from_bits(0xbfb8a6477a91dc29),
    f64::from_bits(0xbfb78d02263d82d7),
    f64::from_bits(0xbfb674f089365a78),
    f64::from_bits(0xbfb55e10050e0382),
    f64::from_bits(0xbfb4485e03dbdfb0),
    f64::from_bits(0xbfb333d7f8183f4a),
    f64::from_bits(0xbfb2207b5c7854a1),
    f64::from_bits(0xbfb10e45b3cae829),
    f64::from_bits(0xbfaffa6911ab9309),
    f64::from_bits(0xbfadda8adc67ee59),
    f64::from_bits(0xbfabbcebfc68f424),
    f64::from_bits(0xbfa9a187b573de81),
    f64::from_bits(0xbfa788595a3577c8),
    f64::from_bits(0xbfa5715c4c03cee1),
    f64::from_bits(0xbfa35c8bfaa13069),
    f64::from_bits(0xbfa149e3e4005a8d),
    f64::from_bits(0xbf9e72bf2813ce6a),
    f64::from_bits(0xbf9a55f548c5c427),
    f64::from_bits(0xbf963d6178690bbe),
    f64::from_bits(0xbf9228fb1fea2e0a),
    f64::from_bits(0xbf8c317384c75f0d),
    f64::from_bits(0xbf841929f968330c),
    f64::from_bits(0xbf78121214586b02),
    f64::from_bits(0x0000000000000000),
];

/// ln x for a positive normal x other than 1.
///
/// x = m · 2^e with m in [1, 2); the top 7 fraction bits j pick a row, from j = 53 on with
/// m halved (and e raised), so the reduced m lies in [√2/2, √2). With the row's
/// i ≈ 1/c: ln m = −ln i + ln(1 + r), r = m · i − 1. The product errs by at most u
/// (|m · i| < 1.01; exact in the rows j = 0 and 127, where i = 1) and the subtraction is
/// exact (Sterbenz), so |r| < 0.0079 and r is off by at most u. The degree-7 Taylor
/// polynomial of ln(1 + r) leaves |r|^7/8 < 2^−52 relative, its evaluation (the part
/// after r scaled by |r|) < 0.1u. In the rows other than 0 and 127, |ln m| > 0.0039, so
/// r's error is below 2^−45 relative to ln m, and −ln i (u) adds at most 1.5u there since
/// |ln i| < 1.5|ln m|. e · ln 2 is e · HI exact plus e · LO, and the final sum with ln m
/// loses at most a factor 2 (|ln m| ≤ ln2/2 ≤ |e · ln 2|/2 when e ≠ 0): below 2^−43.9;
/// the bound claimed is 2^−43.
fn log(x: f64) -> Option<(f64, f64)> {
    if x <= 0.0 || !x.is_normal() || x == 1.0 {
        return None;
    }
    let b = x.to_bits();
    let mut e = ((b >> 52) & 0x7ff) as i64 - 1023;
    let j = ((b >> 45) & 127) as usize;
    let mut m = f64::from_bits((b & ((1 << 52) - 1)) | (1023 << 52));
    if j >= 53 {
        m *= 0.5;
        e += 1;
    }
    let inv = LOG_INV.get(j).copied()?;
    let neg_ln = LOG_NEG_LN_INV.get(j).copied()?;
    let r = m * inv - 1.0;
    let r2 = r * r;
    let tail =
        (-0.5 + r * (1.0 / 3.0)) + r2 * ((-0.25 + r * 0.2) + r2 * (-1.0 / 6.0 + r * (1.0 / 7.0)));
    let lnm = neg_ln + (r + r2 * tail);
    let ef = e as f64;
    let y = ef * LN2_HI + (lnm + ef * LN2_LO);
    Some((y, pow2_neg(43)))
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

/// (2/√π)(−1)^n/(n!(2n+1)), n = 0..12: erf x = x Σ b_n x^(2n), each correctly rounded.
const ERF_SMALL: [f64; 13] = [
    f64::from_bits(0x3ff20dd750429b6d),
    f64::from_bits(0xbfd812746b0379e7),
    f64::from_bits(0x3fbce2f21a042be2),
    f64::from_bits(0xbf9b82ce31288b51),
    f64::from_bits(0x3f7565bcd0e6a53f),
    f64::from_bits(0xbf4c02db40040b86),
    f64::from_bits(0x3f1f9a326f9b89b7),
    f64::from_bits(0xbeef4d25c3e0c2eb),
    f64::from_bits(0x3ebb9e6c9dc651a3),
    f64::from_bits(0xbe85f742ec43e71a),
    f64::from_bits(0x3e4fcc5720624c1c),
    f64::from_bits(0xbe151d7181c5d36d),
    f64::from_bits(0x3dd9e6ad5e55a730),
];

/// erf around c = k/4, k = 2..24: the Taylor coefficients erf^(m)(c)/m!, m = 0..13,
/// each correctly rounded, from erf^(m+1)(x) = (2/√π)(−1)^m H_m(x) e^(−x²) with the
/// Hermite recurrence H_(n+1) = 2x H_n − 2n H_(n−1).
const ERF_TAYLOR: [[f64; 14]; 23] = [
    [
        f64::from_bits(0x3fe0a7ef5c18edd2),
        f64::from_bits(0x3fec1efca49a5011),
        f64::from_bits(0xbfdc1efca49a5011),
        f64::from_bits(0xbfc2bf531866e00c),
        f64::from_bits(0x3fc76f27de80980e),
        f64::from_bits(0x3f7dfeeb5a3e3346),
        f64::from_bits(0xbfa99f13b26a7676),
        f64::from_bits(0x3f7623c617f0f515),
        f64::from_bits(0x3f8493d480930d14),
        f64::from_bits(0xbf61c1645ee62c3c),
        f64::from_bits(0xbf59b6f2543cb46c),
        f64::from_bits(0x3f404c10aa85c4bd),
        f64::from_bits(0x3f29bca40e3c05b8),
        f64::from_bits(0xbf1658951157f288),
    ],
    [
        f64::from_bits(0x3fe6c1c9759d0e5f),
        f64::from_bits(0x3fe492e42d78d2c5),
        f64::from_bits(0xbfdedc5644353c27),
        f64::from_bits(0x3f9b6e8591f66e5b),
        f64::from_bits(0x3fc349b5eaa14598),
        f64::from_bits(0xbfab42a1890ce411),
        f64::from_bits(0xbf9b8477966b3381),
        f64::from_bits(0x3f92e0afb0bb961e),
        f64::from_bits(0x3f62db332f9e64d4),
        f64::from_bits(0xbf704105cd6d527e),
        f64::from_bits(0x3f286234ec3372d9),
        f64::from_bits(0x3f44725abcb993b6),
        f64::from_bits(0xbf1bd5eea735c608),
        f64::from_bits(0xbf13db33dbe2237e),
    ],
    [
        f64::from_bits(0x3feaf767a741088b),
        f64::from_bits(0x3fda911f096fbc26),
        f64::from_bits(0xbfda911f096fbc26),
        f64::from_bits(0x3fc1b614b0f52819),
        f64::from_bits(0x3fb1b614b0f52819),
        f64::from_bits(0xbfb1b614b0f52819),
        f64::from_bits(0x3f72e45a565ad570),
        f64::from_bits(0x3f8f096fd702f0ef),
        f64::from_bits(0xbf7391146bb981a2),
        f64::from_bits(0xbf5ee30d995fae39),
        f64::from_bits(0x3f54176c4374eb1e),
        f64::from_bits(0x3f166b6afbde3cc2),
        f64::from_bits(0xbf2a38bca0efc115),
        f64::from_bits(0x3ef3a035a7960672),
    ],
    [
        f64::from_bits(0x3fed8865d98abe01),
        f64::from_bits(0x3fce4652fadcb6b2),
        f64::from_bits(0xbfd2ebf3dcc9f22f),
        f64::from_bits(0x3fc571d01c5c56be),
        f64::from_bits(0xbf793a9a7bb7ed94),
        f64::from_bits(0xbfa8281ce0b34fa4),
        f64::from_bits(0x3f95d0003af70568),
        f64::from_bits(0x3f6db43c97264485),
        f64::from_bits(0xbf775672cebadac5),
        f64::from_bits(0x3f4cc22555d6cd4e),
        f64::from_bits(0x3f4a0074f860d925),
        f64::from_bits(0xbf353b177f074426),
        f64::from_bits(0xbf0ba66102895704),
        f64::from_bits(0x3f0d4520093cdd9e),
    ],
    [
        f64::from_bits(0x3feeea5557137ae0),
        f64::from_bits(0x3fbe723726b824a9),
        f64::from_bits(0xbfc6d5a95d0a1b7f),
        f64::from_bits(0x3fc1c2a02beb6ab8),
        f64::from_bits(0xbfa6d5a95d0a1b7f),
        f64::from_bits(0xbf8e723726b824a9),
        f64::from_bits(0x3f93ca3d72c47e3b),
        f64::from_bits(0xbf736d73a61dbabf),
        f64::from_bits(0xbf635ae4e395fa0c),
        f64::from_bits(0x3f5c0380c3978d47),
        f64::from_bits(0xbf185b5f522cea21),
        f64::from_bits(0xbf30acef87389254),
        f64::from_bits(0x3f145db0652058b6),
        f64::from_bits(0x3ef2d3d58b8fbd36),
    ],
    [
        f64::from_bits(0x3fef92d077f8d56d),
        f64::from_bits(0x3fab055303221015),
        f64::from_bits(0xbfb7a4a8a2bdce13),
        f64::from_bits(0x3fb7148c3d57c312),
        f64::from_bits(0xbfa8a0da54306154),
        f64::from_bits(0x3f7b22257dd01249),
        f64::from_bits(0x3f825b378c92a6c0),
        f64::from_bits(0xbf78d10fb6b8006f),
        f64::from_bits(0x3f47ec1d1d8d3387),
        f64::from_bits(0x3f4d4cf0ad2e6ca3),
        f64::from_bits(0xbf3d041eea2258ae),
        f64::from_bits(0xbed6d70cffe71229),
        f64::from_bits(0x3f12007a6d7935c6),
        f64::from_bits(0xbef294d49e1a631d),
    ],
    [
        f64::from_bits(0x3fefd9ae142795e3),
        f64::from_bits(0x3f9529b9e8cf9a1e),
        f64::from_bits(0xbfa529b9e8cf9a1e),
        f64::from_bits(0x3fa8b0ae3a478923),
        f64::from_bits(0xbfa1a2c59757ab19),
        f64::from_bits(0x3f8ace7404c2b226),
        f64::from_bits(0x3f3e1935ea65d580),
        f64::from_bits(0xbf6bae0ab9d91458),
        f64::from_bits(0x3f5a11434425e8e8),
        f64::from_bits(0xbf0a46c56b1bf347),
        f64::from_bits(0xbf313917bd98236a),
        f64::from_bits(0x3f1b3399158e1fda),
        f64::from_bits(0x3ed5efa63f686f78),
        f64::from_bits(0xbef1082811096fe0),
    ],
    [
        f64::from_bits(0x3feff404760319b4),
        f64::from_bits(0x3f7d4143a9dfe965),
        f64::from_bits(0xbf9074b60f8df349),
        f64::from_bits(0x3f963ef61e824425),
        f64::from_bits(0xbf938a98327890e6),
        f64::from_bits(0x3f85d3b17bbe0f22),
        f64::from_bits(0xbf67cae0d45b1a6a),
        f64::from_bits(0xbf45f8313b6fdd59),
        f64::from_bits(0x3f50602e33b9ef4a),
        f64::from_bits(0xbf38352cd05696b8),
        f64::from_bits(0xbee80c1330a27b22),
        f64::from_bits(0x3f111321ce0dc8f3),
        f64::from_bits(0xbef7ca5429a38511),
        f64::from_bits(0xbeb65937983af9a4),
    ],
    [
        f64::from_bits(0x3feffcaa8f4c9bea),
        f64::from_bits(0x3f61d83170fbf6fb),
        f64::from_bits(0xbf764e3dcd3af4ba),
        f64::from_bits(0x3f8119da0c46ccb1),
        f64::from_bits(0xbf81a89b97ceac69),
        f64::from_bits(0x3f790e81283faace),
        f64::from_bits(0xbf66ecdbf67c97f8),
        f64::from_bits(0x3f41c610bcb9f2f4),
        f64::from_bits(0x3f311551df364baf),
        f64::from_bits(0xbf3067178c82ec16),
        f64::from_bits(0x3f14a84485ac08c0),
        f64::from_bits(0x3ed58bd113f5a0ac),
        f64::from_bits(0xbeed87265f65a35a),
        f64::from_bits(0x3ed3acdbedf3bf9d),
    ],
    [
        f64::from_bits(0x3fefff2cfb0453d9),
        f64::from_bits(0x3f43360ccd23db3a),
        f64::from_bits(0xbf5a6a519a114d70),
        f64::from_bits(0x3f669cf466ccdf62),
        f64::from_bits(0xbf6ab0c273ac263e),
        f64::from_bits(0x3f66935960664d74),
        f64::from_bits(0xbf5b2755bfd73556),
        f64::from_bits(0x3f452b6263f0c0e7),
        f64::from_bits(0xbf17557726380065),
        f64::from_bits(0xbf12abb3cb37d67f),
        f64::from_bits(0x3f0cd592454e7d28),
        f64::from_bits(0xbef09d09f8254931),
        f64::from_bits(0xbeb1f87c15445595),
        f64::from_bits(0x3ec68b7ad440ba03),
    ],
    [
        f64::from_bits(0x3fefffd1ac4135f9),
        f64::from_bits(0x3f22408e9ba3327f),
        f64::from_bits(0xbf3b60d5e974cbbe),
        f64::from_bits(0x3f49db74b1d1dcde),
        f64::from_bits(0xbf511c85b1e8ff57),
        f64::from_bits(0x3f50a7b5546b5147),
        f64::from_bits(0xbf482f235b05094e),
        f64::from_bits(0x3f3998b47c657967),
        f64::from_bits(0xbf21aa5e236f52b3),
        f64::from_bits(0x3eed2a33c9487ebd),
        f64::from_bits(0x3ef05ff38163998d),
        f64::from_bits(0xbee6a2c7a4c7a4fa),
        f64::from_bits(0x3ec96c6821168fd5),
        f64::from_bits(0x3e808f85acf3b805),
    ],
    [
        f64::from_bits(0x3feffff6f9f67e55),
        f64::from_bits(0x3efe9b5e8d00ce77),
        f64::from_bits(0xbf18de3cd290a7c0),
        f64::from_bits(0x3f29aa489e3cad21),
        f64::from_bits(0xbf32c7d5ef053eb0),
        f64::from_bits(0x3f3490a4d230eab9),
        f64::from_bits(0xbf3145464ea2872b),
        f64::from_bits(0x3f2647f721c135eb),
        f64::from_bits(0xbf1567479c97cce7),
        f64::from_bits(0x3efb2c3201a66dd9),
        f64::from_bits(0xbec38933c0f0c9fa),
        f64::from_bits(0xbec8070948011d1b),
        f64::from_bits(0x3ebff3236f426a50),
        f64::from_bits(0xbea26552b63b3912),
    ],
    [
        f64::from_bits(0x3feffffe710d565e),
        f64::from_bits(0x3ed6a597219a93da),
        f64::from_bits(0xbef3d0e43d67415e),
        f64::from_bits(0x3f062ccea63cb0c5),
        f64::from_bits(0xbf11c07721ac7fe5),
        f64::from_bits(0x3f1586bafc9b9889),
        f64::from_bits(0xbf146153fb989863),
        f64::from_bits(0x3f0e827fafaa2516),
        f64::from_bits(0xbf01f6304de1316e),
        f64::from_bits(0x3ef013525f7fb03f),
        f64::from_bits(0xbed377413bec5d3b),
        f64::from_bits(0x3e9dd7f3b681270f),
        f64::from_bits(0x3e9dc7faa4de456a),
        f64::from_bits(0xbe943ea60cc4f9a7),
    ],
    [
        f64::from_bits(0x3fefffffc2f171e3),
        f64::from_bits(0x3ead9371e2ff7c35),
        f64::from_bits(0xbecbba3ac4cf8472),
        f64::from_bits(0x3ee0b6a7b0f1b586),
        f64::from_bits(0xbeed06f586093ea7),
        f64::from_bits(0x3ef3436bc9fc46f6),
        f64::from_bits(0xbef4357b5546e9f3),
        f64::from_bits(0x3ef110de49c0acd0),
        f64::from_bits(0xbee7566beee1bb2f),
        f64::from_bits(0x3ed99f5c54c5ea75),
        f64::from_bits(0xbec5d6903bb02d10),
        f64::from_bits(0x3eaa0431133a7b2d),
        f64::from_bits(0xbe7833324e429526),
        f64::from_bits(0xbe6ec7d23a1cdfff),
    ],
    [
        f64::from_bits(0x3feffffff7b91176),
        f64::from_bits(0x3e810b1488aeb235),
        f64::from_bits(0xbea10b1488aeb235),
        f64::from_bits(0x3eb603a5308c50da),
        f64::from_bits(0xbec4980e25286cab),
        f64::from_bits(0x3ecda5f10dc53b57),
        f64::from_bits(0xbed10505376d0801),
        f64::from_bits(0x3ecfd7c656d671e1),
        f64::from_bits(0xbec88c7af5f0dc2a),
        f64::from_bits(0x3ebf42465a91b073),
        f64::from_bits(0xbeb0475684ebb659),
        f64::from_bits(0x3e9ae54ff8450a05),
        f64::from_bits(0xbe8021190700479c),
        f64::from_bits(0x3e52b7c6c451e776),
    ],
    [
        f64::from_bits(0x3fefffffff01a8b6),
        f64::from_bits(0x3e5155a09065d4f7),
        f64::from_bits(0xbe726afa996c3246),
        f64::from_bits(0x3e895ea6fdffb3af),
        f64::from_bits(0xbe996ba7366c000e),
        f64::from_bits(0x3ea3b468019bd292),
        f64::from_bits(0xbea8868e1d27f2d6),
        f64::from_bits(0x3ea916e92305502a),
        f64::from_bits(0xbea566f01cad15b6),
        f64::from_bits(0x3e9eab4e6fa86d63),
        f64::from_bits(0xbe92758b2a0beedc),
        f64::from_bits(0x3e827d982a66f4e9),
        f64::from_bits(0xbe6e03eb4cee755c),
        f64::from_bits(0x3e5263bc8a1901e0),
    ],
    [
        f64::from_bits(0x3fefffffffe4fa30),
        f64::from_bits(0x3e1f1e3523b41d7d),
        f64::from_bits(0xbe4180fde4155096),
        f64::from_bits(0x3e599b8665618d99),
        f64::from_bits(0xbe6b598cb4614deb),
        f64::from_bits(0x3e76b1baf456a84e),
        f64::from_bits(0xbe7e650e3452e100),
        f64::from_bits(0x3e80d678f85bb98f),
        f64::from_bits(0xbe7f5f31b5e1314c),
        f64::from_bits(0x3e78d2e638d9f75b),
        f64::from_bits(0xbe70c3a43aa7835e),
        f64::from_bits(0x3e634ee6a127de73),
        f64::from_bits(0xbe52cd5b428c9554),
        f64::from_bits(0x3e3e48b0513e1226),
    ],
    [
        f64::from_bits(0x3feffffffffd759d),
        f64::from_bits(0x3de8a61745ec7d1d),
        f64::from_bits(0xbe0d453ba308d493),
        f64::from_bits(0x3e26a8aeba4765ae),
        f64::from_bits(0xbe39b017abbf1539),
        f64::from_bits(0x3e46b43c95302c89),
        f64::from_bits(0xbe5042f2a66410c6),
        f64::from_bits(0x3e535dc831945a9b),
        f64::from_bits(0xbe53834e4e13dedc),
        f64::from_bits(0x3e50d4cf48c6599f),
        f64::from_bits(0xbe490aa132c72227),
        f64::from_bits(0x3e401e4c086668e5),
        f64::from_bits(0xbe31eeb043bb237d),
        f64::from_bits(0x3e211dd029bd7bfb),
    ],
    [
        f64::from_bits(0x3fefffffffffc9e8),
        f64::from_bits(0x3db13af4f04f9998),
        f64::from_bits(0xbdd589b22c637ffe),
        f64::from_bits(0x3df196da0aa69776),
        f64::from_bits(0xbe0516d3cb76c2a8),
        f64::from_bits(0x3e13c51d0aaa4419),
        f64::from_bits(0xbe1e23586e1d0236),
        f64::from_bits(0x3e232c72906e2a3c),
        f64::from_bits(0xbe24bcea4d4fbdb3),
        f64::from_bits(0x3e23505fd6432e1e),
        f64::from_bits(0xbe1f41226936ced5),
        f64::from_bits(0x3e1617998494db7c),
        f64::from_bits(0xbe0b5969cc99e94f),
        f64::from_bits(0x3dfd9d11175dbd2e),
    ],
    [
        f64::from_bits(0x3feffffffffffc05),
        f64::from_bits(0x3d75422ef5d8949d),
        f64::from_bits(0xbd9be6dda2ac430e),
        f64::from_bits(0x3db7f8a0f3e23794),
        f64::from_bits(0xbdce4cb4aea710d1),
        f64::from_bits(0x3dde044b3eb1a717),
        f64::from_bits(0xbde83ea4ba25a448),
        f64::from_bits(0x3df065958aed15d7),
        f64::from_bits(0xbdf2ec54e940db0f),
        f64::from_bits(0x3df2e385fc3a026f),
        f64::from_bits(0xbdf07815c45933ca),
        f64::from_bits(0x3de9425acbdd20ea),
        f64::from_bits(0xbde11c7574f11f87),
        f64::from_bits(0x3dd484483b3371da),
    ],
    [
        f64::from_bits(0x3fefffffffffffbe),
        f64::from_bits(0x3d37258610b3b233),
        f64::from_bits(0xbd5fd39856f71506),
        f64::from_bits(0x3d7cb12e2f5ebf8f),
        f64::from_bits(0xbd931011e96bfded),
        f64::from_bits(0x3da3e4a1f8967022),
        f64::from_bits(0xbdb0f6e89cd80910),
        f64::from_bits(0x3db84a4e0fbb7acc),
        f64::from_bits(0xbdbdc38bc64eeb79),
        f64::from_bits(0x3dbfa7a9e1187297),
        f64::from_bits(0xbdbd8771a9aefedb),
        f64::from_bits(0x3db85963d3fa1f4e),
        f64::from_bits(0xbdb1d8920b8301b7),
        f64::from_bits(0x3da7554a960d4f69),
    ],
    [
        f64::from_bits(0x3feffffffffffffc),
        f64::from_bits(0x3cf63daf8b4b1e0c),
        f64::from_bits(0xbd1ff8ac583bfb31),
        f64::from_bits(0x3d3e2d06d6fd401a),
        f64::from_bits(0xbd5505d9535a1b81),
        f64::from_bits(0x3d670b70116486d4),
        f64::from_bits(0xbd74aed68293ee4f),
        f64::from_bits(0x3d7f3c5929c895ef),
        f64::from_bits(0xbd843c123ee60917),
        f64::from_bits(0x3d86d18ea5326ed0),
        f64::from_bits(0xbd86a4e3a492865b),
        f64::from_bits(0x3d83f07e3641ce1c),
        f64::from_bits(0xbd7f5afa7fd1b99a),
        f64::from_bits(0x3d761d0f54a3aefa),
    ],
    [
        f64::from_bits(0x3ff0000000000000),
        f64::from_bits(0x3cb2dc119095729f),
        f64::from_bits(0xbcdc4a1a58e02bee),
        f64::from_bits(0x3cfbe584a5dd0ee0),
        f64::from_bits(0xbd145542efe11f93),
        f64::from_bits(0x3d275a81c0090eef),
        f64::from_bits(0xbd35ff7d49a4b77e),
        f64::from_bits(0x3d4177209e5be27d),
        f64::from_bits(0xbd47d75137ef0936),
        f64::from_bits(0x3d4c645ed673f594),
        f64::from_bits(0xbd4dd502a7c15df2),
        f64::from_bits(0x3d4be5ea11961469),
        f64::from_bits(0xbd4760caa2d5df63),
        f64::from_bits(0x3d41a53adc08df04),
    ],
];

/// Σ c_m t^m, m = 0..13, by Estrin's scheme.
#[inline(always)]
fn poly14(c: &[f64; 14], t: f64) -> f64 {
    let t2 = t * t;
    let t4 = t2 * t2;
    let t8 = t4 * t4;
    let p = |i: usize| c[i] + t * c[i + 1];
    let q0 = p(0) + t2 * p(2);
    let q1 = p(4) + t2 * p(6);
    let q2 = p(8) + t2 * p(10);
    let q3 = p(12);
    (q0 + t4 * q1) + t8 * (q2 + t4 * q3)
}

/// erf x for |x| < 6.
///
/// Below 1/2 in magnitude, erf x = x Σ b_n w^n (w = x² < 1/4, n ≤ 12): the tail is below
/// 2^−62, the terms' magnitudes sum to at most 1.2 times the sum (≥ 1.04), so Estrin's
/// scheme (depth 5) and the coefficients err by < 7.2u, and w and the product by 2u:
/// below 9.2u < 2^−49.7, claimed as 2^−48. Above, erf x = Σ a_m h^m, the Taylor
/// polynomial of degree 13 at the nearest c = k/4 (|h| = |x − c| ≤ 1/8, exact by
/// Sterbenz): by Cramér's bound |H_n(ξ)| e^(−ξ²/2) < 1.09 · 2^(n/2) √(n!), the remainder is
/// below 1.13 · 1.09 · 2^6.5 √(13!) / 14! · 8^−14 < 2^−55 while erf x > 0.52; the terms'
/// magnitudes sum to at most 1.6 times the value, so the evaluation and the coefficients
/// err by < 11.2u: below 2^−49.2, claimed as 2^−47.
fn erf(x: f64) -> Option<(f64, f64)> {
    let a = x.abs();
    if a >= 6.0 {
        return None;
    }
    if a < 0.5 {
        let w = x * x;
        let w2 = w * w;
        let w4 = w2 * w2;
        let b = &ERF_SMALL;
        let p = |i: usize| b[i] + w * b[i + 1];
        let s = (p(0) + w2 * p(2))
            + w4 * ((p(4) + w2 * p(6)) + w4 * ((p(8) + w2 * p(10)) + w4 * b[12]));
        return Some((x * s, pow2_neg(48)));
    }
    let (c, k) = round_int(a * 4.0);
    let h = a - c * 0.25;
    let row = ERF_TAYLOR.get(usize::try_from(k - 2).ok()?)?;
    let y = poly14(row, h);
    Some((if x < 0.0 { -y } else { y }, pow2_neg(47)))
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
        let tsp = Float::with_val(p, 2u32) / Float::with_val(p, rug::float::Constant::Pi).sqrt();
        let mut fact = Float::with_val(p, 1u32);
        for (n, &b) in ERF_SMALL.iter().enumerate() {
            if n > 0 {
                fact *= n as u32;
            }
            let sign: i32 = if n % 2 == 0 { 1 } else { -1 };
            let want =
                Float::with_val(p, &tsp * sign) / (Float::with_val(p, &fact) * (2 * n + 1) as u32);
            assert_eq!(b, want.to_f64(), "ERF_SMALL[{n}]");
        }
        for (k, row) in (2u32..).zip(ERF_TAYLOR.iter()) {
            // erf^(m)(c)/m! from MPFR's erf by the Hermite recurrence at 300 bits.
            let c = Float::with_val(p, k) / 4u32;
            let e = Float::with_val(p, -Float::with_val(p, &c * &c)).exp();
            let mut h = [Float::with_val(p, 1u32), Float::with_val(p, 2u32 * &c)];
            let mut fact = Float::with_val(p, 1u32);
            assert_eq!(
                row[0],
                Float::with_val(p, c.erf_ref()).to_f64(),
                "erf({k}/4)"
            );
            for (m, &a) in row.iter().enumerate().skip(1) {
                fact *= m as u32;
                let hm1 = h[0].clone();
                let sign: i32 = if m % 2 == 1 { 1 } else { -1 };
                let want: Float = Float::with_val(p, &tsp * &hm1) * &e * sign / &fact;
                assert_eq!(a, want.to_f64(), "erf^({m})({k}/4)/{m}!");
                // Advance the recurrence: H_(m+1) = 2c H_m − 2m H_(m−1).
                let next = Float::with_val(p, 2u32 * Float::with_val(p, &c * &h[1]))
                    - Float::with_val(p, &h[0] * (2 * m as u32));
                h = [h[1].clone(), next];
            }
        }
        for (j, (&i, &l)) in LOG_INV.iter().zip(LOG_NEG_LN_INV.iter()).enumerate() {
            let want = Float::with_val(p, Float::with_val(p, i).ln()).to_f64();
            assert_eq!(l, -want, "−ln of row {j}");
            // The row's 1/c lies within 2^−7 of 1/m for every m of the row.
            let m = 1.0 + (j as f64 + 0.5) / 128.0;
            let m = if j >= 53 { m / 2.0 } else { m };
            assert!((m * i - 1.0).abs() < 0.0079, "row {j}");
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
