//! Whole-format lookup tables of a one-argument function (feature `alloc`).
//!
//! A format of at most 16 bits has at most 65,536 codes, so a function rounded one fixed
//! way can be computed for every code once and then read back: [`Table`] does that with
//! [`FloatFormat::unary_with`] itself, so a lookup returns exactly what the scalar call
//! returns (value and flags), at the cost of one load.

use super::Unary;
use crate::float::FloatFormat;
use crate::rounding::{NoRandom, Round, Status, StatusAnd};
use alloc::vec::Vec;
use core::fmt;

/// Why a [`Table`] cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableError {
    /// The format is wider than [`Table::MAX_WIDTH`] bits (its width is given).
    TooWide(u32),
    /// The rounding mode is stochastic: its results depend on random bits, so no table
    /// holds them.
    Stochastic,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::TooWide(w) => write!(
                f,
                "a table covers formats of at most {} bits, not {w}",
                Table::MAX_WIDTH
            ),
            TableError::Stochastic => {
                f.write_str("a table needs a deterministic rounding mode, not a stochastic one")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TableError {}

/// Every result of one function in one format, rounded one deterministic way: each
/// [`eval`](Table::eval) is a single lookup.
///
/// [`Table::new`] calls [`FloatFormat::unary_with`] once for each of the 2^width codes
/// and keeps the result codes and their flags (3 bytes a code: 192 KiB for a 16-bit
/// format, 768 bytes for an 8-bit one), so a lookup is exactly as correct as the scalar
/// call it replaces. Building costs 2^width correctly rounded evaluations (for bfloat16,
/// tens of milliseconds); it pays off when a function is applied to many values of a
/// small format, as in quantized inference or in exhaustive tests.
///
/// ```
/// use lowprec::math::{Table, TableError, Unary};
/// use lowprec::{FloatFormat, NoRandom, Round, Rounding, Status};
/// let bf16 = FloatFormat::BF16;
/// let exp = Table::new(bf16, Unary::Exp, Round::default()).unwrap();
/// let one = bf16.from_f64(1.0);
/// assert_eq!(bf16.to_f64(exp.eval(one)), 2.71875);
/// assert_eq!(exp.eval_with(one), bf16.unary_with(Unary::Exp, one, Round::default(), &mut NoRandom));
/// assert_eq!(exp.eval_with(one).status, Status::INEXACT);
///
/// // Toward −∞ in E4M3FN: log 0 = −∞ has no code there, so it is NaN.
/// let e4m3 = FloatFormat::E4M3FN;
/// let log = Table::new(e4m3, Unary::Log, Rounding::TowardNegative).unwrap();
/// assert_eq!(log.eval_with(0).status, Status::DIV_BY_ZERO);
///
/// assert_eq!(Table::new(FloatFormat::FP32, Unary::Exp, Round::default()).unwrap_err(),
///            TableError::TooWide(32));
/// assert_eq!(Table::new(bf16, Unary::Exp, Rounding::SR).unwrap_err(), TableError::Stochastic);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    format: FloatFormat,
    function: Unary,
    round: Round,
    /// The result code of each code.
    values: Vec<u16>,
    /// The flags of each code.
    status: Vec<Status>,
}

impl Table {
    /// The widest format a table covers, in bits.
    pub const MAX_WIDTH: u32 = 16;

    /// Computes f of every code of `format`, rounded as `how` says; an error for a format
    /// wider than 16 bits or a stochastic mode.
    pub fn new(format: FloatFormat, f: Unary, how: impl Into<Round>) -> Result<Table, TableError> {
        let round = how.into();
        let width = format.width();
        if width > Table::MAX_WIDTH {
            return Err(TableError::TooWide(width));
        }
        if round.mode.is_stochastic() {
            return Err(TableError::Stochastic);
        }
        let n = 1usize << width;
        let mut values = Vec::with_capacity(n);
        let mut status = Vec::with_capacity(n);
        for code in 0..n as u64 {
            let r = format.unary_with(f, code, round, &mut NoRandom);
            // A result is a code of the format, so it fits in its 16 bits.
            values.push(r.value as u16);
            status.push(r.status);
        }
        Ok(Table {
            format,
            function: f,
            round,
            values,
            status,
        })
    }

    /// The rounded f(code). Bits of `code` above the format's width are ignored.
    #[inline]
    pub fn eval(&self, code: u64) -> u64 {
        let i = self.index(code);
        self.values.get(i).map_or(0, |&v| u64::from(v))
    }

    /// The rounded f(code) with its flags, as [`FloatFormat::unary_with`] returns them.
    #[inline]
    pub fn eval_with(&self, code: u64) -> StatusAnd<u64> {
        let i = self.index(code);
        StatusAnd::new(
            self.values.get(i).map_or(0, |&v| u64::from(v)),
            self.status.get(i).copied().unwrap_or_default(),
        )
    }

    /// The format of the arguments and results.
    pub fn format(&self) -> FloatFormat {
        self.format
    }

    /// The function.
    pub fn function(&self) -> Unary {
        self.function
    }

    /// The rounding mode and overflow policy of every result.
    pub fn round(&self) -> Round {
        self.round
    }

    /// The table index of a code: its bits within the format's width.
    #[inline]
    fn index(&self, code: u64) -> usize {
        (code & self.format.code_mask()) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rounding;
    use crate::rounding::Overflow;

    /// The proof that a table is the scalar path: every bf16 code, two functions, two
    /// rounding set-ups.
    #[test]
    fn bf16_table_is_the_scalar_path() {
        let bf16 = FloatFormat::BF16;
        for (f, how) in [
            (Unary::Exp, Round::default()),
            (
                Unary::Log1p,
                Round::new(Rounding::TowardNegative, Overflow::SatFinite),
            ),
        ] {
            let t = Table::new(bf16, f, how).unwrap();
            assert_eq!((t.format(), t.function(), t.round()), (bf16, f, how));
            for code in 0..1u64 << 16 {
                let want = bf16.unary_with(f, code, how, &mut NoRandom);
                assert_eq!(t.eval_with(code), want, "{f:?} {code:#06x}");
                assert_eq!(t.eval(code), want.value);
                // Bits above the width are ignored.
                assert_eq!(t.eval(code | 1 << 20), want.value);
            }
        }
    }

    #[test]
    fn every_small_format_and_errors() {
        let e4m3 = FloatFormat::E4M3FN;
        for mode in Rounding::DETERMINISTIC {
            let t = Table::new(e4m3, Unary::Exp2, mode).unwrap();
            for code in 0..256 {
                assert_eq!(
                    t.eval_with(code),
                    e4m3.unary_with(Unary::Exp2, code, mode, &mut NoRandom)
                );
            }
        }
        assert_eq!(
            Table::new(FloatFormat::FP32, Unary::Exp, Round::default()),
            Err(TableError::TooWide(32))
        );
        assert_eq!(
            Table::new(e4m3, Unary::Exp, Rounding::SR),
            Err(TableError::Stochastic)
        );
        assert!(alloc::format!("{}", TableError::TooWide(32)).contains("16 bits"));
    }
}
