//! L-Mul (Luo & Sun 2024): products of two codes by one integer addition, and dot and
//! matrix products of L-Mul products summed in an accumulator format.

use core::ffi::c_int;

use lowprec::SplitMix64;
use lowprec::float::dot::Accumulator;
use lowprec::float::slice::Code;
use lowprec::lmul::{self, LMul, Mode};

use crate::format::{flag, lowprec_format_t, lowprec_round_t, overflow};
use crate::{Error, Res, disjoint, guard, input, opt_ptr, out_ptr, output, output_span, write};

/// L-Mul mode: the paper's integer form `|x| + |y| − C` modulo 2^(E+M), no special cases.
pub const LOWPREC_LMUL_PAPER: u32 = 0;
/// L-Mul mode: the same for normal operands, zeros, subnormals, overflow, NaN and ∞
/// handled safely (the overflow policy decides what an overflowing product becomes).
pub const LOWPREC_LMUL_GUARDED: u32 = 1;

/// An L-Mul unit: format, mode, overflow policy (guarded mode), kept fraction bits `k`
/// (negative: all of them) and offset exponent `l` (negative: the paper's l(k)).
///
/// `k` above the fraction bits is clamped; `l` above them is `LOWPREC_ERR_PARAM`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct lowprec_lmul_t {
    /// The operands' and result's format.
    pub format: lowprec_format_t,
    /// `LOWPREC_LMUL_PAPER` or `LOWPREC_LMUL_GUARDED`.
    pub mode: u32,
    /// One of `LOWPREC_OVERFLOW_*` (guarded mode only).
    pub overflow: u32,
    /// Fraction bits kept of each operand; negative: all.
    pub k: i32,
    /// The offset exponent l (the offset is 2^-l); negative: l(k) as in the paper.
    pub l: i32,
}

impl lowprec_lmul_t {
    fn lmul(&self) -> Result<LMul, Error> {
        let f = self.format.format()?;
        let mode = match self.mode {
            LOWPREC_LMUL_PAPER => Mode::PaperExact,
            LOWPREC_LMUL_GUARDED => Mode::Guarded,
            _ => return Err(Error::Mode),
        };
        let mut lm = LMul::new(f, mode, overflow(self.overflow)?);
        if let Ok(k) = u32::try_from(self.k) {
            lm = lm.with_k(k);
        }
        if let Ok(l) = u32::try_from(self.l) {
            lm = lm.with_offset_exponent(l).map_err(|_| Error::Param)?;
        }
        Ok(lm)
    }
}

/// The accumulator of dot and matrix products: its format, the rounding of every partial
/// sum (stochastic modes draw from one stream seeded by `round.seed` per call, in the
/// order of the additions), and `round_products` 1 to round each product into the
/// accumulator format before adding it (0: fused, the product added exactly).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct lowprec_accum_t {
    /// The running sum's format.
    pub format: lowprec_format_t,
    /// How partial sums (and products, with `round_products`) are rounded.
    pub round: lowprec_round_t,
    /// 0 or 1.
    pub round_products: u32,
}

impl lowprec_accum_t {
    fn accumulator(&self) -> Result<Accumulator, Error> {
        Ok(Accumulator {
            format: self.format.format()?,
            round: self.round.round()?,
            round_products: flag(self.round_products).ok_or(Error::Format)?,
        })
    }
}

/// `*out` = L-Mul(a, b), `*status` (may be NULL) its flags (the paper's mode raises none).
///
/// # Safety
/// `out` is NULL or points to a writable `uint64_t`; `status` is NULL or points to a
/// writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_lmul_mul(
    lm: lowprec_lmul_t,
    a: u64,
    b: u64,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        let lm = lm.lmul()?;
        out_ptr(out)?;
        opt_ptr(status)?;
        let r = lm.mul_with(a, b);
        write(out, r.value);
        write(status, u32::from(r.status.bits()));
        Ok(())
    })
}

fn dot<C: Code>(
    lm: lowprec_lmul_t,
    a: *const C,
    b: *const C,
    n: usize,
    acc: lowprec_accum_t,
    out: *mut u64,
    status: *mut u32,
) -> Res {
    let (lm_, acc_) = (lm.lmul()?, acc.accumulator()?);
    if lm_.format().width() > C::BITS {
        return Err(Error::Format);
    }
    out_ptr(out)?;
    opt_ptr(status)?;
    let (a, _) = input(a, n)?;
    let (b, _) = input(b, n)?;
    let r = lmul::dot(&lm_, a, b, &acc_, &mut SplitMix64::new(acc.round.seed))
        .map_err(|_| Error::Length)?;
    write(out, r.value);
    write(status, u32::from(r.status.bits()));
    Ok(())
}

/// Σ L-Mul(a[i], b[i]) over `n` 8-bit codes, summed left to right from +0 in `acc`:
/// `*out` receives the accumulator's code, `*status` (may be NULL) the union of all flags.
///
/// # Safety
/// `a` and `b` are NULL (only when `n` is 0) or point to `n` valid elements; `out` is NULL
/// or points to a writable `uint64_t`; `status` is NULL or points to a writable
/// `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_lmul_dot_u8(
    lm: lowprec_lmul_t,
    a: *const u8,
    b: *const u8,
    n: usize,
    acc: lowprec_accum_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| dot(lm, a, b, n, acc, out, status))
}

/// As `lowprec_lmul_dot_u8`, on 16-bit codes.
///
/// # Safety
/// As `lowprec_lmul_dot_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_lmul_dot_u16(
    lm: lowprec_lmul_t,
    a: *const u16,
    b: *const u16,
    n: usize,
    acc: lowprec_accum_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| dot(lm, a, b, n, acc, out, status))
}

/// As `lowprec_lmul_dot_u8`, on 32-bit codes.
///
/// # Safety
/// As `lowprec_lmul_dot_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_lmul_dot_u32(
    lm: lowprec_lmul_t,
    a: *const u32,
    b: *const u32,
    n: usize,
    acc: lowprec_accum_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| dot(lm, a, b, n, acc, out, status))
}

#[allow(clippy::too_many_arguments)]
fn matmul<C: Code>(
    lm: lowprec_lmul_t,
    a: *const C,
    b: *const C,
    out: *mut u64,
    m: usize,
    k: usize,
    n: usize,
    acc: lowprec_accum_t,
    status: *mut u32,
) -> Res {
    let (lm_, acc_) = (lm.lmul()?, acc.accumulator()?);
    if lm_.format().width() > C::BITS {
        return Err(Error::Format);
    }
    opt_ptr(status)?;
    let size = |r: usize, c: usize| r.checked_mul(c).ok_or(Error::Length);
    let (a, sa) = input(a, size(m, k)?)?;
    let (b, sb) = input(b, size(k, n)?)?;
    let out_len = size(m, n)?;
    let so = output_span(out, out_len)?;
    disjoint(&[so], &[sa, sb])?;
    let out = output(out, out_len);
    let mut rng = SplitMix64::new(acc.round.seed);
    let s = lmul::matmul(&lm_, a, b, out, m, k, n, &acc_, &mut rng).map_err(|_| Error::Length)?;
    write(status, u32::from(s.bits()));
    Ok(())
}

/// The matrix product C = A·B with L-Mul products: `a` is m × k, `b` is k × n, `out` is
/// m × n, row-major; each `out[i·n + j]` is the accumulator code of the dot product of
/// row i and column j (as `lowprec_lmul_dot_u8`; the random stream runs on through the
/// elements in row-major order). `*status` (may be NULL) receives the union of all flags.
/// `out` must not overlap `a` or `b`.
///
/// # Safety
/// `a`, `b` and `out` are NULL (only when their element count is 0) or point to m·k, k·n
/// and m·n valid elements (`out` writable); `status` is NULL or points to a writable
/// `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_lmul_matmul_u8(
    lm: lowprec_lmul_t,
    a: *const u8,
    b: *const u8,
    out: *mut u64,
    m: usize,
    k: usize,
    n: usize,
    acc: lowprec_accum_t,
    status: *mut u32,
) -> c_int {
    guard(|| matmul(lm, a, b, out, m, k, n, acc, status))
}

/// As `lowprec_lmul_matmul_u8`, on 16-bit codes.
///
/// # Safety
/// As `lowprec_lmul_matmul_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_lmul_matmul_u16(
    lm: lowprec_lmul_t,
    a: *const u16,
    b: *const u16,
    out: *mut u64,
    m: usize,
    k: usize,
    n: usize,
    acc: lowprec_accum_t,
    status: *mut u32,
) -> c_int {
    guard(|| matmul(lm, a, b, out, m, k, n, acc, status))
}

/// As `lowprec_lmul_matmul_u8`, on 32-bit codes.
///
/// # Safety
/// As `lowprec_lmul_matmul_u8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_lmul_matmul_u32(
    lm: lowprec_lmul_t,
    a: *const u32,
    b: *const u32,
    out: *mut u64,
    m: usize,
    k: usize,
    n: usize,
    acc: lowprec_accum_t,
    status: *mut u32,
) -> c_int {
    guard(|| matmul(lm, a, b, out, m, k, n, acc, status))
}
