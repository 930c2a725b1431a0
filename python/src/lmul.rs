//! L-Mul: `lmul` on code arrays and `lmul_matmul` on float matrices.

use lowprec::float::dot::Accumulator;
use lowprec::float::slice::{Code, decode_to_f32, decode_to_f64, encode_f32_with, encode_f64_with};
use lowprec::lmul::{self as lm, LMul, Mode};
use lowprec::{FloatFormat, NoRandom, Overflow, Round, Rounding};
use numpy::{Element, PyArrayMethods};
use pyo3::prelude::*;

use crate::args::{float_format, overflow as parse_overflow, rounding as parse_rounding};
use crate::arrays::{FloatArray, code_array, elements, float_array, new_array, or_all, with_codes};
use crate::errors::{context, lowprec_error, value_error};
use crate::float::{check_codes_fit, fits_f32};

/// The L-Mul configuration from the arguments `fmt`, `mode`, `k` and `overflow`.
fn config(
    f: FloatFormat,
    mode: &str,
    k: Option<&Bound<'_, PyAny>>,
    overflow: &str,
) -> PyResult<LMul> {
    let mode: Mode = mode
        .parse()
        .map_err(|e| context(format_args!("bad L-Mul mode {mode:?}"), e))?;
    let ov = parse_overflow(overflow)?;
    let mut l = LMul::new(f, mode, ov);
    if let Some(k) = k.filter(|k| !k.is_none()) {
        let n: i64 = k
            .extract()
            .ok()
            .filter(|_| !k.is_instance_of::<pyo3::types::PyFloat>())
            .ok_or_else(|| value_error(format!("k must be an int, got {k}")))?;
        if !(0..=52).contains(&n) {
            return Err(value_error(format!(
                "k must be a number of fraction bits 0 to 52, got {n}"
            )));
        }
        l = l.with_k(n as u32);
    }
    Ok(l)
}

/// The codes of an array as u64, in C order, checked against the format.
fn codes_u64(
    obj: &Bound<'_, PyAny>,
    f: &FloatFormat,
    what: &str,
) -> PyResult<(Vec<usize>, Vec<u64>)> {
    let c = code_array(obj, what)?;
    let shape = c.shape();
    let v: Vec<u64> = with_codes!(&c, |s| {
        check_codes_fit(f, or_all(&s), what)?;
        s.iter().map(|c| c.to_u64()).collect()
    });
    Ok((shape, v))
}

fn lmul_as<'py, C: Code + Element>(
    py: Python<'py>,
    l: &LMul,
    shape: &[usize],
    a: &[u64],
    b: &[u64],
) -> PyResult<Bound<'py, PyAny>> {
    let out = new_array::<C>(py, shape);
    {
        let mut w = out
            .try_readwrite()
            .map_err(|e| value_error(e.to_string()))?;
        let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        py.detach(|| {
            for ((d, &x), &y) in dst.iter_mut().zip(a).zip(b) {
                *d = C::from_u64(l.mul(x, y));
            }
        });
    }
    Ok(out.into_any())
}

/// L-Mul of two code arrays of the same shape, element by element.
#[pyfunction]
#[pyo3(signature = (a_codes, b_codes, fmt, mode = "guarded", k = None, overflow = "ieee"))]
pub fn lmul<'py>(
    py: Python<'py>,
    a_codes: &Bound<'py, PyAny>,
    b_codes: &Bound<'py, PyAny>,
    fmt: &str,
    mode: &str,
    k: Option<&Bound<'py, PyAny>>,
    overflow: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = float_format(fmt)?;
    let l = config(f, mode, k, overflow)?;
    let (sa, a) = codes_u64(a_codes, &f, "a_codes")?;
    let (sb, b) = codes_u64(b_codes, &f, "b_codes")?;
    if sa != sb {
        return Err(value_error(format!(
            "a_codes has shape {sa:?}, b_codes has shape {sb:?}: they must be equal"
        )));
    }
    match f.width() {
        0..=8 => lmul_as::<u8>(py, &l, &sa, &a, &b),
        9..=16 => lmul_as::<u16>(py, &l, &sa, &a, &b),
        17..=32 => lmul_as::<u32>(py, &l, &sa, &a, &b),
        _ => lmul_as::<u64>(py, &l, &sa, &a, &b),
    }
}

/// A float matrix rounded into `f` (ties to even, with the overflow policy) as codes,
/// with its dimensions.
fn matrix_codes(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    f: &FloatFormat,
    ov: Overflow,
    what: &str,
) -> PyResult<(usize, usize, Vec<u64>)> {
    let x = float_array(obj, what)?;
    let shape = x.shape();
    let [rows, cols] = shape[..] else {
        return Err(value_error(format!(
            "{what} must be a 2-D matrix, got shape {shape:?}"
        )));
    };
    let mut codes = vec![0u64; rows * cols];
    let how = Round::new(Rounding::TiesToEven, ov);
    match &x {
        FloatArray::F32(a) => {
            let src = elements(a);
            py.detach(|| encode_f32_with(f, &src, &mut codes, how, &mut NoRandom))
        }
        FloatArray::F64(a) => {
            let src = elements(a);
            py.detach(|| encode_f64_with(f, &src, &mut codes, how, &mut NoRandom))
        }
    }
    .map_err(lowprec_error)?;
    Ok((rows, cols, codes))
}

/// The matrix product a·b with L-Mul products summed in the accumulator format.
#[pyfunction]
#[pyo3(signature = (a, b, fmt, mode = "guarded", k = None, overflow = "ieee", accumulator = "fp32", acc_rounding = "rne"))]
#[allow(clippy::too_many_arguments)]
pub fn lmul_matmul<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    fmt: &str,
    mode: &str,
    k: Option<&Bound<'py, PyAny>>,
    overflow: &str,
    accumulator: &str,
    acc_rounding: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = float_format(fmt)?;
    let l = config(f, mode, k, overflow)?;
    let acc_format = float_format(accumulator)?;
    let acc_mode = parse_rounding(acc_rounding, 64)?;
    if acc_mode.is_stochastic() {
        return Err(value_error(format!(
            "acc_rounding {acc_rounding:?} is stochastic: lmul_matmul takes the deterministic modes rne rna rnz rnu rnd rno rtz rup rdn rto"
        )));
    }
    let acc = Accumulator::new(acc_format).with_round(Round::new(acc_mode, Overflow::Ieee));
    let ov = l.overflow();
    let (m, ka, ac) = matrix_codes(py, a, &f, ov, "a")?;
    let (kb, n, bc) = matrix_codes(py, b, &f, ov, "b")?;
    if ka != kb {
        return Err(value_error(format!(
            "a is {m}x{ka} and b is {kb}x{n}: the inner dimensions differ"
        )));
    }
    let mut codes = vec![0u64; m * n];
    py.detach(|| lm::matmul(&l, &ac, &bc, &mut codes, m, ka, n, &acc, &mut NoRandom))
        .map_err(lowprec_error)?;
    let shape = [m, n];
    if fits_f32(&acc_format) {
        let out = new_array::<f32>(py, &shape);
        {
            let mut w = out
                .try_readwrite()
                .map_err(|e| value_error(e.to_string()))?;
            let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
            decode_to_f32(&acc_format, &codes, dst).map_err(lowprec_error)?;
        }
        Ok(out.into_any())
    } else {
        let out = new_array::<f64>(py, &shape);
        {
            let mut w = out
                .try_readwrite()
                .map_err(|e| value_error(e.to_string()))?;
            let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
            decode_to_f64(&acc_format, &codes, dst).map_err(lowprec_error)?;
        }
        Ok(out.into_any())
    }
}
