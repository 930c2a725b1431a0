//! Block-scaled formats (OCP MX, NVFP4, block floating point): `block_quantize`,
//! `block_dequantize`, `block_chop` and `block_tensor_scale`.
//!
//! The arrays come as 2-D C-ordered `(rows, n)`: one run of blocks per row, the last
//! block of a row possibly shorter. The Python layer moves the block axis last.

use lowprec::block::{
    BlockError, BlockFormat, dequantize_f32, quantize_f32_with_tensor_scale, tensor_scale_f32,
};
use numpy::{PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::args::Rounder;
use crate::arrays::{describe, elements, new_array, read, typed};
use crate::errors::{context, lowprec_error, value_error};

/// A block format from its name (`mxfp8_e4m3`, `nvfp4`, `bfp8`, ...).
fn block_format(name: &str) -> PyResult<BlockFormat> {
    name.parse()
        .map_err(|e| context(format_args!("bad block format {name:?}"), e))
}

/// A 2-D array of element type `T` (`what` names it in messages).
fn rows<'py, T: numpy::Element>(
    obj: &Bound<'py, PyAny>,
    what: &str,
    dtype: &str,
) -> PyResult<PyReadonlyArrayDyn<'py, T>> {
    let a = typed::<T>(obj).ok_or_else(|| {
        value_error(format!(
            "{what} must be a {dtype} numpy array, got {}",
            describe(obj)
        ))
    })?;
    let a = read(a)?;
    if a.ndim() != 2 {
        return Err(value_error(format!(
            "{what} must be 2-D (rows of blocks), got shape {:?}",
            a.shape()
        )));
    }
    Ok(a)
}

/// The tensor scale to use: the given one, else the one of `x` (formats without a tensor
/// scale ignore it).
fn tensor_scale(fmt: &BlockFormat, given: Option<f32>, x: &[f32]) -> f32 {
    match given {
        Some(g) => g,
        None if fmt.tensor_scale => tensor_scale_f32(fmt, x),
        None => 1.0,
    }
}

/// A write borrow of a new array.
fn writable<'py, T: numpy::Element>(
    a: &Bound<'py, PyArrayDyn<T>>,
) -> PyResult<numpy::PyReadwriteArrayDyn<'py, T>> {
    a.try_readwrite().map_err(|e| value_error(e.to_string()))
}

/// Quantizes each row of `x` (float32, 2-D) into block scales and element codes.
#[pyfunction]
#[pyo3(signature = (x, fmt, rounding, seed, tensor_scale))]
pub fn block_quantize<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    fmt: &str,
    rounding: &str,
    seed: Option<&Bound<'py, PyAny>>,
    tensor_scale: Option<f32>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let f = block_format(fmt)?;
    let mut r = Rounder::parse(rounding, "ieee", seed, None)?;
    let xa = rows::<f32>(x, "x", "float32")?;
    let (m, n) = (xa.shape()[0], xa.shape()[1]);
    let ns = f.num_scales(n);
    let src = elements(&xa);
    let g = self::tensor_scale(&f, tensor_scale, &src);
    let scales = new_array::<u8>(py, &[m, ns]);
    let codes = new_array::<u8>(py, &[m, n]);
    {
        let mut ws = writable(&scales)?;
        let mut wc = writable(&codes)?;
        let s = ws.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        let c = wc.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        let (how, rng) = (r.round, &mut r.rng);
        py.detach(|| {
            if n == 0 {
                return Ok::<(), BlockError>(());
            }
            for i in 0..m {
                let (xs, cs) = (&src[i * n..][..n], &mut c[i * n..][..n]);
                let ss = &mut s[i * ns..][..ns];
                quantize_f32_with_tensor_scale(&f, g, xs, ss, cs, how, rng)?;
            }
            Ok(())
        })
        .map_err(lowprec_error)?;
    }
    Ok((scales.into_any(), codes.into_any()))
}

/// The values of block scales and element codes (2-D, one run of blocks per row).
#[pyfunction]
#[pyo3(signature = (scales, codes, fmt, tensor_scale))]
pub fn block_dequantize<'py>(
    py: Python<'py>,
    scales: &Bound<'py, PyAny>,
    codes: &Bound<'py, PyAny>,
    fmt: &str,
    tensor_scale: Option<f32>,
) -> PyResult<Bound<'py, PyAny>> {
    let f = block_format(fmt)?;
    let g = match tensor_scale {
        Some(g) => g,
        None if f.tensor_scale => {
            return Err(value_error(format!(
                "block format {fmt:?} has a tensor scale: pass tensor_scale= \
                 (block_tensor_scale of the quantized tensor)"
            )));
        }
        None => 1.0,
    };
    let sa = rows::<u8>(scales, "scales", "uint8")?;
    let ca = rows::<u8>(codes, "codes", "uint8")?;
    let (m, n) = (ca.shape()[0], ca.shape()[1]);
    let ns = f.num_scales(n);
    if sa.shape() != [m, ns] {
        return Err(value_error(format!(
            "scales has shape {:?}, codes of shape {:?} need {:?} ({ns} scales per {n} elements)",
            sa.shape(),
            ca.shape(),
            [m, ns]
        )));
    }
    let (s, c) = (elements(&sa), elements(&ca));
    let out = new_array::<f32>(py, &[m, n]);
    {
        let mut w = writable(&out)?;
        let d = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        py.detach(|| {
            if n == 0 {
                return Ok::<(), BlockError>(());
            }
            for i in 0..m {
                let (ss, cs) = (&s[i * ns..][..ns], &c[i * n..][..n]);
                dequantize_f32(&f, g, ss, cs, &mut d[i * n..][..n])?;
            }
            Ok(())
        })
        .map_err(lowprec_error)?;
    }
    Ok(out.into_any())
}

/// Quantize then dequantize each row of `x` (float32, 2-D) under one tensor scale.
#[pyfunction]
#[pyo3(signature = (x, fmt, rounding, seed, tensor_scale))]
pub fn block_chop<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    fmt: &str,
    rounding: &str,
    seed: Option<&Bound<'py, PyAny>>,
    tensor_scale: Option<f32>,
) -> PyResult<Bound<'py, PyAny>> {
    let f = block_format(fmt)?;
    let mut r = Rounder::parse(rounding, "ieee", seed, None)?;
    let xa = rows::<f32>(x, "x", "float32")?;
    let (m, n) = (xa.shape()[0], xa.shape()[1]);
    let ns = f.num_scales(n);
    let src = elements(&xa);
    let g = self::tensor_scale(&f, tensor_scale, &src);
    let out = new_array::<f32>(py, &[m, n]);
    {
        let mut w = writable(&out)?;
        let d = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        let (how, rng) = (r.round, &mut r.rng);
        py.detach(|| {
            if n == 0 {
                return Ok::<(), BlockError>(());
            }
            let (mut s, mut c) = (vec![0u8; ns], vec![0u8; n]);
            for (xs, ds) in src.chunks(n).zip(d.chunks_mut(n)) {
                quantize_f32_with_tensor_scale(&f, g, xs, &mut s, &mut c, how, rng)?;
                dequantize_f32(&f, g, &s, &c, ds)?;
            }
            Ok(())
        })
        .map_err(lowprec_error)?;
    }
    Ok(out.into_any())
}

/// The per-tensor scale of `x` (float32, any shape) in a format that has one, else 1.
#[pyfunction]
pub fn block_tensor_scale(x: &Bound<'_, PyAny>, fmt: &str) -> PyResult<f32> {
    let f = block_format(fmt)?;
    let a = typed::<f32>(x).ok_or_else(|| {
        value_error(format!(
            "x must be a float32 numpy array, got {}",
            describe(x)
        ))
    })?;
    let a = read(a)?;
    Ok(self::tensor_scale(&f, None, &elements(&a)))
}
