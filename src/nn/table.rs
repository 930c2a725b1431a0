//! What the kernels' lookup tables share: rounding an exactly computed value into a
//! table type, filling a caller's slice, and writing a kernel configuration with its
//! tables as a C++ header.
//!
//! Every entry is computed by lowprec itself: the function's value at the entry's exact
//! (dyadic) argument by [`math::unary`](crate::math::unary) or
//! [`math::pown`](crate::math::pown), which decide it to 126 bits with a sticky bit, and
//! then the table type's own cast ([`FixedFormat::from_exact`]). That decides every cast
//! that saturates; a wrapping type whose LSB lies more than about 2^−124 times below an
//! entry would need bits the value does not carry, and such an entry is refused
//! ([`NnError::TableMargin`]) instead of guessed. No platform `expf` is ever called, so
//! the tables are the same on every machine and in every build.
//!
//! A configuration's C++ header holds one `struct` named by the caller: the types as
//! typedefs, the constants as `static const int`, and each table as a static member
//! function that reads a function-local `static const` array (a ROM in HLS) and returns
//! entry i as `ap_uint<W>`: the raw bit pattern of the table type, which the kernel
//! reads back with `.range()`. The array's element is the narrowest C unsigned integer
//! type that holds W bits (plain integers compile in a second where 65,536 `ap_uint`
//! initializers take g++ half a minute; the high bits are zero). Function-local statics
//! keep the header free of one-definition
//! problems when it is included by several translation units.

use core::fmt::Write;

use crate::Status;
use crate::fixed::FixedFormat;
use crate::float::Exact;

use super::{NnError, check_len};

/// The raw integer of an exact value rounded into a table type (its quantization and
/// overflow modes). NaN and infinities cannot reach it: callers pass finite values.
///
/// The value is decided to 126 bits with a sticky bit: enough for every saturating cast
/// of at most 64 bits, but a wrapping type keeps the bits down to its LSB, and when that
/// LSB lies so far below the value that its bits are not known the cast says so
/// (`invalid`): the entry is then refused ([`NnError::TableMargin`]) rather than guessed.
pub(crate) fn entry_of(
    table: &'static str,
    index: usize,
    fmt: &FixedFormat,
    x: &Exact,
) -> Result<i64, NnError> {
    let r = fmt.from_exact_with(x);
    if r.status.contains(Status::INVALID) {
        return Err(NnError::TableMargin { table, index });
    }
    Ok(fmt.raw_of(r.value) as i64)
}

/// Fills `out` (of length `len`) with `entry(0) … entry(len − 1)`.
pub(crate) fn fill(
    what: &'static str,
    out: &mut [i64],
    len: usize,
    mut entry: impl FnMut(usize) -> Result<i64, NnError>,
) -> Result<(), NnError> {
    check_len(what, len, out.len())?;
    for (j, o) in out.iter_mut().enumerate() {
        *o = entry(j)?;
    }
    Ok(())
}

/// Checks that `name` can name a C++ struct: an ASCII letter or `_`, then letters,
/// digits or `_`, at most 200 characters.
///
/// ```
/// use lowprec::nn::check_cpp_name;
/// assert!(check_cpp_name("attn_softmax_cfg").is_ok());
/// assert!(check_cpp_name("3x").is_err());
/// ```
pub fn check_cpp_name(name: &str) -> Result<(), NnError> {
    let b = name.as_bytes();
    let ok = !b.is_empty()
        && b.len() <= 200
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    if ok {
        Ok(())
    } else {
        Err(NnError::Config(
            "the C++ name must be an identifier (letters, digits, '_')",
        ))
    }
}

/// The error of a failed write into the caller's `core::fmt::Write`.
pub(crate) const WRITE_FAILED: NnError = NnError::Config("writing the C++ header failed");

/// Writes `f`'s C++ spelling, closed with a space so that `>>` never appears.
pub(crate) struct Cpp<'a>(pub &'a FixedFormat);

impl core::fmt::Display for Cpp<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ", self.0)
    }
}

/// The header's opening: a comment naming the kernel and its golden model, the include
/// guard and the `ap_types` includes, and `struct NAME {`.
pub(crate) fn write_open(
    w: &mut impl Write,
    name: &str,
    kernel: &str,
    model: &str,
) -> Result<(), NnError> {
    check_cpp_name(name)?;
    (|| -> core::fmt::Result {
        writeln!(
            w,
            "// {name}: configuration and lookup tables of lowprec::nn::{kernel} \
             (lowprec/nn/{kernel}.h)."
        )?;
        writeln!(
            w,
            "// Written by lowprec from exactly computed, correctly rounded values; the golden"
        )?;
        writeln!(
            w,
            "// model of this configuration is lowprec::nn::{model} with the same parameters."
        )?;
        writeln!(
            w,
            "// Table entries are the raw bit patterns of the table type."
        )?;
        writeln!(w, "#ifndef LOWPREC_NN_CFG_{name}")?;
        writeln!(w, "#define LOWPREC_NN_CFG_{name}")?;
        writeln!(w, "#include <ap_fixed.h>")?;
        writeln!(w, "#include <ap_int.h>")?;
        writeln!(w)?;
        writeln!(w, "struct {name} {{")
    })()
    .map_err(|_| WRITE_FAILED)
}

/// A typedef and the type's shape constants: `typedef T what_t;` and
/// `what_width`, `what_frac`, `what_signed`.
pub(crate) fn write_type(w: &mut impl Write, what: &str, f: &FixedFormat) -> Result<(), NnError> {
    (|| -> core::fmt::Result {
        writeln!(w, "  typedef {} {what}_t;", Cpp(f))?;
        writeln!(w, "  static const int {what}_width = {};", f.width())?;
        writeln!(w, "  static const int {what}_frac = {};", f.frac_bits())?;
        writeln!(w, "  static const bool {what}_signed = {};", f.is_signed())
    })()
    .map_err(|_| WRITE_FAILED)
}

/// `static const int name = value;`
pub(crate) fn write_const(w: &mut impl Write, name: &str, value: i64) -> Result<(), NnError> {
    writeln!(w, "  static const int {name} = {value};").map_err(|_| WRITE_FAILED)
}

/// A table as a static member function `name(i)` returning the raw bits of entry i as
/// `ap_uint<W>` of the table type `fmt`.
pub(crate) fn write_table(
    w: &mut impl Write,
    name: &str,
    fmt: &FixedFormat,
    len: usize,
    mut entry: impl FnMut(usize) -> Result<i64, NnError>,
) -> Result<(), NnError> {
    let width = fmt.width();
    let word = match width {
        0..=8 => "unsigned char",
        9..=16 => "unsigned short",
        17..=32 => "unsigned int",
        _ => "unsigned long long",
    };
    writeln!(w, "  static const int {name}_size = {len};").map_err(|_| WRITE_FAILED)?;
    writeln!(w, "  static ap_uint<{width}> {name}(unsigned i) {{").map_err(|_| WRITE_FAILED)?;
    writeln!(w, "#pragma HLS INLINE").map_err(|_| WRITE_FAILED)?;
    writeln!(w, "    static const {word} t[{len}] = {{").map_err(|_| WRITE_FAILED)?;
    for j in 0..len {
        let bits = fmt.bits_of(i128::from(entry(j)?));
        let sep = if j % 8 == 0 { "      " } else { " " };
        let end = if j + 1 == len || j % 8 == 7 {
            ",\n"
        } else {
            ","
        };
        write!(w, "{sep}0x{bits:x}{end}").map_err(|_| WRITE_FAILED)?;
    }
    writeln!(w, "    }};\n    return ap_uint<{width}>(t[i]);\n  }}").map_err(|_| WRITE_FAILED)
}

/// The header's closing.
pub(crate) fn write_close(w: &mut impl Write) -> Result<(), NnError> {
    writeln!(w, "}};\n\n#endif").map_err(|_| WRITE_FAILED)
}

/// The position of the leading one of a positive integer.
#[inline(always)]
pub(crate) fn lead(x: u128) -> u32 {
    127 - x.leading_zeros()
}
