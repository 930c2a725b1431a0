//! The elementary functions on codes: `math` (exp, log, sin, tanh, erf, … by name) and
//! `math2` (pow, atan2, hypot), correctly rounded in the format, any rounding mode and
//! overflow policy.

use lowprec::FloatFormat;
use lowprec::float::slice::Code;
use lowprec::math::{Binary, Unary};
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

/// The two-argument function of a name.
fn binary(name: &str) -> PyResult<Binary> {
    Binary::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Binary::ALL.iter().map(|f| f.name()).collect();
        value_error(format!(
            "unknown two-argument function {name:?}: expected one of {}",
            names.join(" ")
        ))
    })
}

/// The names `math2` takes.
#[pyfunction]
pub fn math2_functions() -> Vec<&'static str> {
    Binary::ALL.iter().map(|f| f.name()).collect()
}

/// The codes of an array as `u64`, checked against the format's width.
fn codes_u64(
    py: Python<'_>,
    f: &FloatFormat,
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<(Vec<usize>, Vec<u64>)> {
    let c = code_array(obj, what)?;
    let shape = c.shape();
    let vals = with_codes!(&c, |s| {
        check_codes_fit(f, py.detach(|| or_all(&s)), what)?;
        s.iter().map(|a| a.to_u64()).collect::<Vec<u64>>()
    });
    Ok((shape, vals))
}

/// f(a, b) element-wise (a and b of one shape), each correctly rounded into `fmt`;
/// for `atan2`, a is y and b is x.
#[pyfunction]
#[pyo3(signature = (name, a, b, fmt, rounding = "rne", overflow = "ieee", seed = None, random_bits = None))]
#[allow(clippy::too_many_arguments)]
pub fn math2<'py>(
    py: Python<'py>,
    name: &str,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    fmt: &str,
    rounding: &str,
    overflow: &str,
    seed: Option<&Bound<'py, PyAny>>,
    random_bits: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let func = binary(name)?;
    let f: FloatFormat = float_format(fmt)?;
    let mut r = Rounder::parse(rounding, overflow, seed, random_bits)?;
    let (shape, av) = codes_u64(py, &f, a, "a")?;
    let (bshape, bv) = codes_u64(py, &f, b, "b")?;
    if shape != bshape {
        return Err(value_error(format!(
            "a has shape {shape:?}, b has shape {bshape:?}"
        )));
    }
    let (how, rng) = (r.round, &mut r.rng);
    let vals: Vec<u64> = py.detach(|| {
        av.iter()
            .zip(&bv)
            .map(|(&x, &y)| f.binary_with(func, x, y, how, rng).value)
            .collect()
    });
    match f.width() {
        0..=8 => store::<u8>(py, &shape, &vals, |v| v as u8),
        9..=16 => store::<u16>(py, &shape, &vals, |v| v as u16),
        17..=32 => store::<u32>(py, &shape, &vals, |v| v as u32),
        _ => store::<u64>(py, &shape, &vals, |v| v),
    }
}
