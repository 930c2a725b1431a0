//! Fixed point: `fixed_cast` (floats to raw integers of a C++ type) and `fixed_to_float`.

use lowprec::fixed::FixedFormat;
use numpy::{PyArrayMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::args::fixed_format;
use crate::arrays::{FloatArray, describe, elements, float_array, new_array, read, typed};
use crate::errors::value_error;

/// The type of `ty`, refused when its raw integers do not fit int64 (`ap_uint<64>`,
/// `ap_ufixed<64, I>`).
fn int64_type(ty: &str) -> PyResult<FixedFormat> {
    let f = fixed_format(ty)?;
    if f.max_raw() > i128::from(i64::MAX) {
        return Err(value_error(format!(
            "the raw integers of {ty:?} (unsigned, {} bits) do not fit int64",
            f.width()
        )));
    }
    Ok(f)
}

/// Casts floats into the fixed-point type `ty` as the C++ headers cast a double (a
/// float32 is read through its exact double): the raw integers, value = raw · 2^−F.
#[pyfunction]
pub fn fixed_cast<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    ty: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = int64_type(ty)?;
    let x = float_array(x, "x")?;
    let out = new_array::<i64>(py, &x.shape());
    {
        let mut w = out
            .try_readwrite()
            .map_err(|e| value_error(e.to_string()))?;
        let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        match &x {
            FloatArray::F32(a) => {
                let src = elements(a);
                py.detach(|| {
                    for (d, &s) in dst.iter_mut().zip(src.iter()) {
                        *d = f.raw_of(f.from_f32(s)) as i64;
                    }
                });
            }
            FloatArray::F64(a) => {
                let src = elements(a);
                py.detach(|| {
                    for (d, &s) in dst.iter_mut().zip(src.iter()) {
                        *d = f.raw_of(f.from_f64(s)) as i64;
                    }
                });
            }
        }
    }
    Ok(out.into_any())
}

/// The values of raw integers of the type `ty` as float64 (nearest, ties to even).
#[pyfunction]
pub fn fixed_to_float<'py>(
    py: Python<'py>,
    raw: &Bound<'py, PyAny>,
    ty: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = int64_type(ty)?;
    let a = typed::<i64>(raw).ok_or_else(|| {
        value_error(format!(
            "raw must be an int64 numpy array of raw integers, got {}",
            describe(raw)
        ))
    })?;
    let a = read(a)?;
    let src = elements(&a);
    let (lo, hi) = (f.min_raw(), f.max_raw());
    if let Some(bad) = src.iter().find(|&&r| !(lo..=hi).contains(&i128::from(r))) {
        return Err(value_error(format!(
            "raw integer {bad} lies outside {ty:?}'s range {lo} to {hi}"
        )));
    }
    let out = new_array::<f64>(py, a.shape());
    {
        let mut w = out
            .try_readwrite()
            .map_err(|e| value_error(e.to_string()))?;
        let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        py.detach(|| {
            for (d, &r) in dst.iter_mut().zip(src.iter()) {
                *d = f.to_f64(f.bits_of(i128::from(r)));
            }
        });
    }
    Ok(out.into_any())
}
