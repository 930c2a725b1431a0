//! Arithmetic on codes: add, sub, mul, div, sqrt and fma, each correctly rounded once in
//! any mode and overflow policy, with the IEEE status flags.
//!
//! Operands are codes of `fmt` (bits above its width are ignored). Stochastic modes draw
//! from a SplitMix64 stream started at `round.seed` for this one operation.

use core::ffi::c_int;

use lowprec::{FloatFormat, Round, SplitMix64, StatusAnd};

use crate::format::{lowprec_format_t, lowprec_round_t};
use crate::{Res, guard, opt_ptr, out_ptr, write};

/// Checks the arguments, runs `op`, writes the code and the flags.
fn run(
    fmt: lowprec_format_t,
    round: lowprec_round_t,
    out: *mut u64,
    status: *mut u32,
    op: impl FnOnce(&FloatFormat, Round, &mut SplitMix64) -> StatusAnd<u64>,
) -> Res {
    let (f, how) = (fmt.format()?, round.round()?);
    out_ptr(out)?;
    opt_ptr(status)?;
    let r = op(&f, how, &mut SplitMix64::new(round.seed));
    write(out, r.value);
    write(status, u32::from(r.status.bits()));
    Ok(())
}

/// `*out` = a + b, correctly rounded; `*status` (may be NULL) receives the flags.
///
/// # Safety
/// `out` is NULL or points to a writable `uint64_t`; `status` is NULL or points to a
/// writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_add(
    fmt: lowprec_format_t,
    a: u64,
    b: u64,
    round: lowprec_round_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        run(fmt, round, out, status, |f, how, rng| {
            f.add_with(a, b, how, rng)
        })
    })
}

/// `*out` = a − b, correctly rounded.
///
/// # Safety
/// As `lowprec_add`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_sub(
    fmt: lowprec_format_t,
    a: u64,
    b: u64,
    round: lowprec_round_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        run(fmt, round, out, status, |f, how, rng| {
            f.sub_with(a, b, how, rng)
        })
    })
}

/// `*out` = a × b, correctly rounded.
///
/// # Safety
/// As `lowprec_add`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_mul(
    fmt: lowprec_format_t,
    a: u64,
    b: u64,
    round: lowprec_round_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        run(fmt, round, out, status, |f, how, rng| {
            f.mul_with(a, b, how, rng)
        })
    })
}

/// `*out` = a ÷ b, correctly rounded.
///
/// # Safety
/// As `lowprec_add`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_div(
    fmt: lowprec_format_t,
    a: u64,
    b: u64,
    round: lowprec_round_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        run(fmt, round, out, status, |f, how, rng| {
            f.div_with(a, b, how, rng)
        })
    })
}

/// `*out` = √a, correctly rounded.
///
/// # Safety
/// As `lowprec_add`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_sqrt(
    fmt: lowprec_format_t,
    a: u64,
    round: lowprec_round_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        run(fmt, round, out, status, |f, how, rng| {
            f.sqrt_with(a, how, rng)
        })
    })
}

/// `*out` = a × b + c, rounded once.
///
/// # Safety
/// As `lowprec_add`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lowprec_fma(
    fmt: lowprec_format_t,
    a: u64,
    b: u64,
    c: u64,
    round: lowprec_round_t,
    out: *mut u64,
    status: *mut u32,
) -> c_int {
    guard(|| {
        run(fmt, round, out, status, |f, how, rng| {
            f.fma_with(a, b, c, how, rng)
        })
    })
}
