//! The arguments every function shares, parsed once: the float format, the rounding mode
//! with its random bits, the overflow policy and the seed. The names are the command
//! line's (`lowprec round --help`).

use lowprec::fixed::FixedFormat;
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt};

use crate::errors::{context, value_error};

/// A float format from its name: a preset, `binary{K}p{P}{s|u}{e|f}` or `e{E}m{M}[:...]`.
pub fn float_format(name: &str) -> PyResult<FloatFormat> {
    name.parse()
        .map_err(|e| context(format_args!("bad format {name:?}"), e))
}

/// A fixed-point type from its C++ spelling (`ap_fixed<8,3,AP_RND,AP_SAT>`).
pub fn fixed_format(name: &str) -> PyResult<FixedFormat> {
    name.parse()
        .map_err(|e| context(format_args!("bad type {name:?}"), e))
}

/// An overflow policy: `ieee`, `satfinite` or `satpropagate`.
pub fn overflow(name: &str) -> PyResult<Overflow> {
    name.parse().map_err(|_| {
        value_error(format!(
            "unknown overflow policy {name:?}: expected ieee, satfinite or satpropagate"
        ))
    })
}

/// A rounding mode, stochastic modes drawing `bits` random bits.
pub fn rounding(name: &str, bits: u8) -> PyResult<Rounding> {
    Rounding::parse_with_bits(name, bits).map_err(|_| {
        value_error(format!(
            "unknown rounding mode {name:?}: expected rne rna rnz rnu rnd rno rtz rup rdn rto sr sr-equal sr-a sr-b sr-c"
        ))
    })
}

/// An integer argument taken exactly: a Python int or numpy integer (anything with
/// `__index__`), never a float or a bool. `what` names it in messages.
fn integer(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<i128> {
    let bad = || {
        let shown = obj
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| "?".into());
        value_error(format!("{what} must be an int, got {shown}"))
    };
    if obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyBool>() {
        return Err(bad());
    }
    if obj.is_instance_of::<PyInt>() || obj.hasattr("__index__").unwrap_or(false) {
        let index = obj.call_method0("__index__").map_err(|_| bad())?;
        return index
            .extract::<i128>()
            .map_err(|_| value_error(format!("{what} must lie in 0 to 2^64-1, got {index}")));
    }
    Err(bad())
}

/// The random bits per stochastic rounding: 1 to 64 (default 64).
pub fn random_bits(obj: Option<&Bound<'_, PyAny>>) -> PyResult<u8> {
    let Some(obj) = obj else {
        return Ok(64);
    };
    match integer(obj, "random_bits")? {
        n @ 1..=64 => Ok(n as u8),
        n => Err(value_error(format!("random_bits must be 1 to 64, got {n}"))),
    }
}

/// A seed: an int 0 to 2^64 − 1.
pub fn seed(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    let n = integer(obj, "seed")?;
    u64::try_from(n).map_err(|_| value_error(format!("seed must be an int 0 to 2^64-1, got {n}")))
}

/// The random source of one call: none for the deterministic modes, one SplitMix64
/// stream from the seed for the stochastic ones (drawn in element order, C order).
pub enum Rng {
    /// Deterministic modes never draw.
    None,
    /// The seeded stream.
    Seeded(SplitMix64),
}

impl RandomBits for Rng {
    #[inline]
    fn next_u64(&mut self) -> u64 {
        match self {
            Rng::None => 0,
            Rng::Seeded(r) => r.next_u64(),
        }
    }
}

/// How one call rounds: the mode and overflow policy, and its random source.
pub struct Rounder {
    /// The mode and the overflow policy.
    pub round: Round,
    /// The random source (seeded only for stochastic modes).
    pub rng: Rng,
}

impl Rounder {
    /// Parses `rounding`, `overflow`, `seed` and `random_bits`. A stochastic mode needs a
    /// seed; there is no hidden global generator. A seed given to a deterministic mode is
    /// still checked, and unused.
    pub fn parse(
        rounding_name: &str,
        overflow_name: &str,
        seed_obj: Option<&Bound<'_, PyAny>>,
        bits_obj: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Rounder> {
        let bits = random_bits(bits_obj)?;
        let mode = rounding(rounding_name, bits)?;
        let ov = overflow(overflow_name)?;
        let seed = seed_obj.map(seed).transpose()?;
        let rng = match (mode.is_stochastic(), seed) {
            (false, _) => Rng::None,
            (true, Some(s)) => Rng::Seeded(SplitMix64::new(s)),
            (true, None) => {
                return Err(value_error(format!(
                    "stochastic rounding needs seed= (rounding {rounding_name:?}): an int 0 to 2^64-1"
                )));
            }
        };
        Ok(Rounder {
            round: Round::new(mode, ov),
            rng,
        })
    }
}
