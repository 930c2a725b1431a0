//! The elementary functions on codes: `math` (exp, log, sin, tanh, erf, … by name),
//! correctly rounded in the format, any rounding mode and overflow policy.

use lowprec::FloatFormat;
use lowprec::float::slice::Code;
use lowprec::math::Unary;
use numpy::{Element, PyArrayMethods};
use pyo3::prelude::*;

use crate::args::{Rounder, float_format};
use crate::arrays::{code_array, new_array, or_all, with_codes};
use crate::errors::value_error;
use crate::float::check_codes_fit;

/// The function of a name.
fn unary(name: &str) -> PyResult<Unary> {
    Unary::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Unary::ALL.iter().map(|f| f.name()).collect();
        value_error(format!(
            "unknown function {name:?}: expected one of {}",
            names.join(" ")
        ))
    })
}

/// The names of the functions `math` takes.
#[pyfunction]
pub fn math_functions() -> Vec<&'static str> {
    Unary::ALL.iter().map(|f| f.name()).collect()
}

/// A new array of `C` of `shape` holding `vals` (each fits: the format's width).
fn store<'py, C: Element + Copy>(
    py: Python<'py>,
    shape: &[usize],
    vals: &[u64],
    conv: fn(u64) -> C,
) -> PyResult<Bound<'py, PyAny>> {
    let out = new_array::<C>(py, shape);
    {
        let mut w = out
            .try_readwrite()
            .map_err(|e| value_error(e.to_string()))?;
        let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        for (d, &v) in dst.iter_mut().zip(vals) {
            *d = conv(v);
        }
    }
    Ok(out.into_any())
}

/// f(codes), each correctly rounded into `fmt`: codes in the smallest unsigned dtype
/// that holds the format's width.
#[pyfunction]
#[pyo3(signature = (name, codes, fmt, rounding = "rne", overflow = "ieee", seed = None, random_bits = None))]
#[allow(clippy::too_many_arguments)]
pub fn math<'py>(
    py: Python<'py>,
    name: &str,
    codes: &Bound<'py, PyAny>,
    fmt: &str,
    rounding: &str,
    overflow: &str,
    seed: Option<&Bound<'py, PyAny>>,
    random_bits: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let func = unary(name)?;
    let f: FloatFormat = float_format(fmt)?;
    let mut r = Rounder::parse(rounding, overflow, seed, random_bits)?;
    let c = code_array(codes, "codes")?;
    let shape = c.shape();
    let (how, rng) = (r.round, &mut r.rng);
    let vals: Vec<u64> = with_codes!(&c, |s| {
        check_codes_fit(&f, py.detach(|| or_all(&s)), "codes")?;
        py.detach(|| {
            s.iter()
                .map(|&a| f.unary_with(func, a.to_u64(), how, rng).value)
                .collect()
        })
    });
    match f.width() {
        0..=8 => store::<u8>(py, &shape, &vals, |v| v as u8),
        9..=16 => store::<u16>(py, &shape, &vals, |v| v as u16),
        17..=32 => store::<u32>(py, &shape, &vals, |v| v as u32),
        _ => store::<u64>(py, &shape, &vals, |v| v),
    }
}
