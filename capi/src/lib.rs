//! The C ABI of lowprec: `liblowprec.a` / `liblowprec.so` and the header
//! `include/lowprec.h` (generated from these sources by cbindgen, checked in).
//!
//! | file | holds |
//! |---|---|
//! | `lib.rs` | error codes, status flags, the boundary code (slices, out-pointers, panic guard) |
//! | `format.rs` | float formats ([`lowprec_format_t`]), modes, overflow, [`lowprec_round_t`] |
//! | `convert.rs` | scalar rounding and decoding, slice quantize / encode / decode |
//! | `arith.rs` | add, sub, mul, div, sqrt, fma on codes |
//! | `fixed.rs` | fixed-point types ([`lowprec_fixed_t`]) and their casts |
//! | `lmul.rs` | L-Mul products, dot products and matrix products |
//! | `qat.rs` | the QFX quantizer's forward and backward passes |
//!
//! # Design of the ABI
//!
//! - **Values, not handles.** A format is a small `#[repr(C)]` struct of plain integers
//!   ([`lowprec_format_t`], [`lowprec_fixed_t`]) that C keeps by value: no allocation, no
//!   free, no lifetime, and a testbench can build one as a literal. Every call rebuilds
//!   the Rust descriptor from it with the library's checked constructor
//!   (`FloatFormat::new`, `FixedFormat::new`; a few comparisons), so a struct that C
//!   filled with anything at all is either a valid format or `LOWPREC_ERR_FORMAT`.
//!   `lowprec_format_parse` / `lowprec_fixed_parse` fill the structs from the names the
//!   Rust API parses (`"e4m3fn"`, `"ap_fixed<8,3,AP_RND,AP_SAT>"`).
//! - **No Rust `bool` or `enum` crosses the boundary.** C may store any bit pattern in
//!   a `bool` or an enum, and a Rust `bool` other than 0/1 or an enum with an unlisted
//!   discriminant is undefined behaviour before any check can run. Flags and modes are
//!   `uint32_t` fields and arguments with the values of the `LOWPREC_*` constants, each
//!   converted with a check: an out-of-range value is `LOWPREC_ERR_MODE` (or
//!   `LOWPREC_ERR_FORMAT` inside a format).
//! - **Every function returns `int`**: `LOWPREC_OK` (0) or a negative `LOWPREC_ERR_*`
//!   code. Results go through out-pointers; nothing is written to any output when an
//!   error is returned. IEEE status flags (`LOWPREC_STATUS_*`, the union over all elements
//!   of a slice) go through a `uint32_t *status` that may be NULL.
//! - **Stochastic rounding** is deterministic per call: [`lowprec_round_t`] carries a
//!   `uint64_t seed`, and each call draws from one SplitMix64 stream started from it, in
//!   element order (exactly what the Rust API does with `SplitMix64::new(seed)`). Two
//!   calls with the same seed draw the same bits: vary the seed between calls.
//! - **Pointers and lengths.** A pointer may be NULL when its length is 0; otherwise NULL
//!   (or a pointer not aligned for its type) is `LOWPREC_ERR_NULL`. The caller guarantees
//!   that a non-NULL pointer points to that many valid elements, as the header says.
//!   Outputs must not overlap inputs (`LOWPREC_ERR_OVERLAP`), except where a function
//!   says that the same pointer may be passed for in-place operation.
//! - **Unsafe code only at the boundary**: turning pointers into slices and writing
//!   out-pointers, in the functions at the end of this file, each with a `// SAFETY:`
//!   comment that names the caller's contract.
//! - **No panic crosses the boundary.** The library does not panic on any input; the
//!   entry points check every argument before calling it, and each is also wrapped in
//!   `std::panic::catch_unwind`, so that a panic (a bug) is `LOWPREC_ERR_INTERNAL`
//!   rather than an abort.
//!
//! This crate uses `std` (for `catch_unwind`); a `no_std` build of the C ABI for firmware
//! (`panic = "abort"`, no unwinding guard) is future work.
#![allow(non_camel_case_types, clippy::upper_case_acronyms)]

pub mod arith;
pub mod convert;
pub mod fixed;
pub mod format;
pub mod lmul;
pub mod qat;

pub use format::{lowprec_format_t, lowprec_round_t};
pub use {fixed::lowprec_fixed_t, lmul::lowprec_accum_t, lmul::lowprec_lmul_t, qat::lowprec_qfx_t};

use core::ffi::c_int;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The return values of every function: `LOWPREC_OK` (0) or a negative error code.
///
/// The functions return them as `int`; the enumeration names the values.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum lowprec_error {
    /// Success.
    LOWPREC_OK = 0,
    /// A required pointer is NULL (or not aligned for its type).
    LOWPREC_ERR_NULL = -1,
    /// A format name does not parse, a format struct is not a valid format, or a format
    /// does not fit the code type of the call.
    LOWPREC_ERR_FORMAT = -2,
    /// A rounding mode, overflow policy or other mode value is not one of its constants.
    LOWPREC_ERR_MODE = -3,
    /// Lengths or dimensions that do not match (or whose byte size overflows).
    LOWPREC_ERR_LENGTH = -4,
    /// An output buffer overlaps an input (other than the in-place use a function allows).
    LOWPREC_ERR_OVERLAP = -5,
    /// Another invalid argument (a NaN binary point of QFX, an L-Mul offset exponent above
    /// the fraction bits, a channel count that does not divide the length, …).
    LOWPREC_ERR_PARAM = -6,
    /// An internal error (a panic caught at the boundary): please report it.
    LOWPREC_ERR_INTERNAL = -7,
}

pub use lowprec_error::*;

/// IEEE status flag: invalid operation.
pub const LOWPREC_STATUS_INVALID: u32 = 1;
/// IEEE status flag: division by zero.
pub const LOWPREC_STATUS_DIV_BY_ZERO: u32 = 2;
/// IEEE status flag: overflow.
pub const LOWPREC_STATUS_OVERFLOW: u32 = 4;
/// IEEE status flag: underflow (tiny after rounding and inexact).
pub const LOWPREC_STATUS_UNDERFLOW: u32 = 8;
/// IEEE status flag: inexact.
pub const LOWPREC_STATUS_INEXACT: u32 = 16;

/// The errors of the entry points, converted to the `LOWPREC_ERR_*` codes at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Error {
    Null,
    Format,
    Mode,
    Length,
    Overlap,
    Param,
}

impl Error {
    pub(crate) const fn code(self) -> c_int {
        (match self {
            Error::Null => LOWPREC_ERR_NULL,
            Error::Format => LOWPREC_ERR_FORMAT,
            Error::Mode => LOWPREC_ERR_MODE,
            Error::Length => LOWPREC_ERR_LENGTH,
            Error::Overlap => LOWPREC_ERR_OVERLAP,
            Error::Param => LOWPREC_ERR_PARAM,
        }) as c_int
    }
}

pub(crate) type Res = Result<(), Error>;

/// Runs an entry point's body: its result as an `int`, a panic as `LOWPREC_ERR_INTERNAL`.
pub(crate) fn guard(body: impl FnOnce() -> Res) -> c_int {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => LOWPREC_OK as c_int,
        Ok(Err(e)) => e.code(),
        Err(_) => LOWPREC_ERR_INTERNAL as c_int,
    }
}

/// A borrowed input buffer: its address range, for the overlap checks.
#[derive(Clone, Copy)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn of<T>(ptr: *const T, len: usize) -> Span {
        let start = ptr as usize;
        Span {
            start,
            end: start + len * size_of::<T>(),
        }
    }

    fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Checks that a buffer of `len` elements at `ptr` may be made a slice: non-NULL and
/// aligned unless `len` is 0, and at most `isize::MAX` bytes.
fn check_ptr<T>(ptr: *const T, len: usize) -> Result<Span, Error> {
    if len == 0 {
        return Ok(Span { start: 0, end: 0 });
    }
    if ptr.is_null() || !ptr.is_aligned() {
        return Err(Error::Null);
    }
    let bytes = len.checked_mul(size_of::<T>()).ok_or(Error::Length)?;
    if bytes > isize::MAX as usize || (ptr as usize).checked_add(bytes).is_none() {
        return Err(Error::Length);
    }
    Ok(Span::of(ptr, len))
}

/// Fails with `LOWPREC_ERR_OVERLAP` when any output span overlaps any other span given.
pub(crate) fn disjoint(outputs: &[Span], inputs: &[Span]) -> Res {
    for (i, o) in outputs.iter().enumerate() {
        if inputs.iter().any(|s| o.overlaps(*s)) || outputs[i + 1..].iter().any(|s| o.overlaps(*s))
        {
            return Err(Error::Overlap);
        }
    }
    Ok(())
}

/// An input slice of `len` elements at `ptr` (checked as [`check_ptr`] says).
pub(crate) fn input<'a, T>(ptr: *const T, len: usize) -> Result<(&'a [T], Span), Error> {
    let span = check_ptr(ptr, len)?;
    if len == 0 {
        return Ok((&[], span));
    }
    // SAFETY: the header's contract for every input pointer: when the length is not 0 it
    // points to `len` initialised elements that stay valid and unmodified during the call.
    // It is non-NULL and aligned (checked), and the byte size fits `isize` (checked).
    Ok((unsafe { core::slice::from_raw_parts(ptr, len) }, span))
}

/// The address range of an output buffer, checked, before any slice of it exists (so that
/// the overlap checks run before an aliasing `&mut` could be made).
pub(crate) fn output_span<T>(ptr: *mut T, len: usize) -> Result<Span, Error> {
    check_ptr(ptr as *const T, len)
}

/// An output slice of `len` elements at `ptr`; call it only after [`output_span`] and
/// [`disjoint`] accepted the buffer.
pub(crate) fn output<'a, T>(ptr: *mut T, len: usize) -> &'a mut [T] {
    if len == 0 || ptr.is_null() {
        return &mut [];
    }
    // SAFETY: the header's contract for every output pointer: when the length is not 0 it
    // points to `len` writable elements (initialised: they are plain integers or floats)
    // that nothing else reads or writes during the call. `output_span` checked that it is
    // non-NULL, aligned and of a size that fits `isize`; `disjoint` checked that it does
    // not overlap any input or other output of the call.
    unsafe { core::slice::from_raw_parts_mut(ptr, len) }
}

/// Checks a required scalar out-pointer.
pub(crate) fn out_ptr<T>(ptr: *mut T) -> Res {
    if ptr.is_null() || !ptr.is_aligned() {
        Err(Error::Null)
    } else {
        Ok(())
    }
}

/// Checks an optional (may be NULL) out-pointer.
pub(crate) fn opt_ptr<T>(ptr: *mut T) -> Res {
    if !ptr.is_null() && !ptr.is_aligned() {
        Err(Error::Null)
    } else {
        Ok(())
    }
}

/// Writes a scalar result through a pointer checked by [`out_ptr`] or [`opt_ptr`]
/// (nothing when it is NULL).
pub(crate) fn write<T>(ptr: *mut T, value: T) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: the header's contract for scalar out-pointers: non-NULL ones point to one
    // writable, aligned object of the type (non-NULL and alignment checked before).
    unsafe { ptr.write(value) }
}

/// Reads a NUL-terminated C string as UTF-8 text.
pub(crate) fn c_str<'a>(ptr: *const core::ffi::c_char) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::Null);
    }
    // SAFETY: the header's contract for names: a non-NULL pointer to a NUL-terminated
    // string that stays valid and unmodified during the call.
    let s = unsafe { core::ffi::CStr::from_ptr(ptr) };
    s.to_str().map_err(|_| Error::Format)
}

/// The cross-check against the Rust API (kept in `tests/` with the C tests; compiled
/// here because an integration test could not name both this crate and `lowprec`).
#[cfg(test)]
#[path = "../tests/cross.rs"]
mod cross;
