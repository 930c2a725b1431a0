//! Float formats: `formats`, `format_info`, `encode`, `decode`, `quantize`.

use lowprec::FloatFormat;
use lowprec::float::Specials;
use lowprec::float::slice::{
    Code, decode_to_f32, decode_to_f64, encode_f32_with, encode_f64_with, quantize_f32_to_with,
    quantize_f32_with, quantize_f64_to_with, quantize_f64_with,
};
use numpy::{Element, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::args::{Rounder, float_format};
use crate::arrays::{
    FloatArray, code_array, describe, elements, float_array, new_array, or_all, read, typed,
    with_codes,
};
use crate::errors::{lowprec_error, value_error};

/// The preset names, in the order `lowprec formats` lists them.
#[pyfunction]
pub fn formats() -> Vec<&'static str> {
    FloatFormat::PRESETS.iter().map(|(name, _)| *name).collect()
}

/// The command line's name of a format's special values.
fn specials_name(s: Specials) -> &'static str {
    match s {
        Specials::Ieee => "ieee",
        Specials::FiniteNan => "fn",
        Specials::Fnuz => "fnuz",
        Specials::Finite => "finite",
        Specials::P3109 { extended: true } => "p3109e",
        Specials::P3109 { extended: false } => "p3109f",
        Specials::NoZero => "nozero",
    }
}

/// A format's parameters and extreme values.
#[pyfunction]
pub fn format_info<'py>(py: Python<'py>, fmt: &str) -> PyResult<Bound<'py, PyDict>> {
    let f = float_format(fmt)?;
    let d = PyDict::new(py);
    d.set_item("exp_bits", f.exp_bits())?;
    d.set_item("frac_bits", f.man_bits())?;
    d.set_item("bias", f.bias())?;
    d.set_item("specials", specials_name(f.specials()))?;
    d.set_item("max", f.max_value())?;
    d.set_item("min_normal", f.min_normal())?;
    d.set_item("min_subnormal", f.min_subnormal())?;
    d.set_item("width", f.width())?;
    Ok(d)
}

/// The canonical name of a format (the preset name where one exists): what the Python
/// layer matches against the ml_dtypes names.
#[pyfunction]
pub fn format_name(fmt: &str) -> PyResult<String> {
    Ok(float_format(fmt)?.to_string())
}

/// Whether every value of the format is a `float32` (then decoding gives `float32`).
pub fn fits_f32(f: &FloatFormat) -> bool {
    f.man_bits() <= 23 && f.emax() <= 127 && f.emin() - f.man_bits() as i32 >= -149
}

/// Rounds the elements of `x` into `fmt` and stores their codes in a new array of `C`.
fn encode_as<'py, C: Code + Element>(
    py: Python<'py>,
    x: &FloatArray<'py>,
    fmt: &FloatFormat,
    r: &mut Rounder,
) -> PyResult<Bound<'py, PyAny>> {
    let out = new_array::<C>(py, &x.shape());
    {
        let mut w = out
            .try_readwrite()
            .map_err(|e| value_error(e.to_string()))?;
        let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        let (how, rng) = (r.round, &mut r.rng);
        match x {
            FloatArray::F32(a) => {
                let src = elements(a);
                py.detach(|| encode_f32_with(fmt, &src, dst, how, rng))
            }
            FloatArray::F64(a) => {
                let src = elements(a);
                py.detach(|| encode_f64_with(fmt, &src, dst, how, rng))
            }
        }
        .map_err(lowprec_error)?;
    }
    Ok(out.into_any())
}

/// Rounds `x` (float32 or float64) into `fmt` and returns the codes, in the smallest
/// unsigned dtype that holds the format's width.
#[pyfunction]
#[pyo3(signature = (x, fmt, rounding = "rne", overflow = "ieee", seed = None, random_bits = None))]
pub fn encode<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    fmt: &str,
    rounding: &str,
    overflow: &str,
    seed: Option<&Bound<'py, PyAny>>,
    random_bits: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let f = float_format(fmt)?;
    let mut r = Rounder::parse(rounding, overflow, seed, random_bits)?;
    let x = float_array(x, "x")?;
    match f.width() {
        0..=8 => encode_as::<u8>(py, &x, &f, &mut r),
        9..=16 => encode_as::<u16>(py, &x, &f, &mut r),
        17..=32 => encode_as::<u32>(py, &x, &f, &mut r),
        _ => encode_as::<u64>(py, &x, &f, &mut r),
    }
}

/// Checks that no code has bits above the format's width.
pub fn check_codes_fit(f: &FloatFormat, bits: u64, what: &str) -> PyResult<()> {
    let extra = bits & !f.code_mask();
    if extra == 0 {
        Ok(())
    } else {
        Err(value_error(format!(
            "{what} holds codes wider than the {}-bit format {f} (bits 0x{extra:x} set)",
            f.width()
        )))
    }
}

/// The values of the codes: float32 when every value of the format is a float32,
/// else float64.
#[pyfunction]
pub fn decode<'py>(
    py: Python<'py>,
    codes: &Bound<'py, PyAny>,
    fmt: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = float_format(fmt)?;
    let c = code_array(codes, "codes")?;
    let shape = c.shape();
    if fits_f32(&f) {
        let out = new_array::<f32>(py, &shape);
        {
            let mut w = out
                .try_readwrite()
                .map_err(|e| value_error(e.to_string()))?;
            let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
            with_codes!(&c, |s| {
                check_codes_fit(&f, py.detach(|| or_all(&s)), "codes")?;
                py.detach(|| decode_to_f32(&f, &s, dst))
                    .map_err(lowprec_error)?
            });
        }
        Ok(out.into_any())
    } else {
        let out = new_array::<f64>(py, &shape);
        {
            let mut w = out
                .try_readwrite()
                .map_err(|e| value_error(e.to_string()))?;
            let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
            with_codes!(&c, |s| {
                check_codes_fit(&f, py.detach(|| or_all(&s)), "codes")?;
                py.detach(|| decode_to_f64(&f, &s, dst))
                    .map_err(lowprec_error)?
            });
        }
        Ok(out.into_any())
    }
}

/// Quantizing one element type: `src` into a new array, or into `out` (which may be `x`
/// itself).
macro_rules! quantize_typed {
    ($py:expr, $t:ty, $a:expr, $x:expr, $out:expr, $f:expr, $r:expr, $to:ident, $inplace:ident) => {{
        let (py, f, r): (Python<'_>, &FloatFormat, &mut Rounder) = ($py, $f, $r);
        let (how, rng) = (r.round, &mut r.rng);
        match $out {
            None => {
                let shape = $a.shape().to_vec();
                let out = new_array::<$t>(py, &shape);
                {
                    let ro = read($a)?;
                    let src = elements(&ro);
                    let mut w = out
                        .try_readwrite()
                        .map_err(|e| value_error(e.to_string()))?;
                    let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
                    py.detach(|| $to(f, &src, dst, how, rng))
                        .map_err(lowprec_error)?;
                }
                Ok(out.into_any())
            }
            Some(o) => {
                let o_arr = typed::<$t>(o).ok_or_else(|| {
                    value_error(format!(
                        "out must be a numpy array of the dtype of x ({}), got {}",
                        stringify!($t).replace('f', "float"),
                        describe(o)
                    ))
                })?;
                if o_arr.shape() != $a.shape() {
                    return Err(value_error(format!(
                        "out has shape {:?}, x has shape {:?}",
                        o_arr.shape(),
                        $a.shape()
                    )));
                }
                if o.is($x) {
                    // In place: give up the read borrow of x, then write to it.
                    let mut w = o_arr
                        .try_readwrite()
                        .map_err(|e| value_error(format!("cannot write to out: {e}")))?;
                    if w.is_c_contiguous() {
                        if let Ok(xs) = w.as_slice_mut() {
                            py.detach(|| $inplace(f, xs, how, rng));
                            return Ok(o.clone());
                        }
                    }
                    let mut tmp: Vec<$t> = w.as_array().iter().copied().collect();
                    py.detach(|| $inplace(f, &mut tmp, how, rng));
                    w.as_array_mut()
                        .iter_mut()
                        .zip(tmp)
                        .for_each(|(d, s)| *d = s);
                    Ok(o.clone())
                } else {
                    let ro = read($a)?;
                    let src = elements(&ro);
                    let mut w = o_arr
                        .try_readwrite()
                        .map_err(|e| value_error(format!("cannot write to out: {e}")))?;
                    if w.is_c_contiguous() {
                        if let Ok(dst) = w.as_slice_mut() {
                            py.detach(|| $to(f, &src, dst, how, rng))
                                .map_err(lowprec_error)?;
                            return Ok(o.clone());
                        }
                    }
                    let mut tmp: Vec<$t> = src.to_vec();
                    py.detach(|| $inplace(f, &mut tmp, how, rng));
                    w.as_array_mut()
                        .iter_mut()
                        .zip(tmp)
                        .for_each(|(d, s)| *d = s);
                    Ok(o.clone())
                }
            }
        }
    }};
}

/// Rounds `x` into `fmt` and back ("chop"): same dtype and shape as `x`, or written
/// into `out` (which may be `x` itself).
#[pyfunction]
#[pyo3(signature = (x, fmt, rounding = "rne", overflow = "ieee", seed = None, random_bits = None, out = None))]
#[allow(clippy::too_many_arguments)]
pub fn quantize<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    fmt: &str,
    rounding: &str,
    overflow: &str,
    seed: Option<&Bound<'py, PyAny>>,
    random_bits: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let f = float_format(fmt)?;
    let mut r = Rounder::parse(rounding, overflow, seed, random_bits)?;
    let out = out.filter(|o| !o.is_none());
    if let Some(a) = typed::<f32>(x) {
        quantize_typed!(
            py,
            f32,
            a,
            x,
            out,
            &f,
            &mut r,
            quantize_f32_to_with,
            quantize_f32_with
        )
    } else if let Some(a) = typed::<f64>(x) {
        quantize_typed!(
            py,
            f64,
            a,
            x,
            out,
            &f,
            &mut r,
            quantize_f64_to_with,
            quantize_f64_with
        )
    } else {
        Err(value_error(format!(
            "x must be a float32 or float64 numpy array, got {}",
            describe(x)
        )))
    }
}
