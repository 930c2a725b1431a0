//! Quantization-aware training: QFX (trainable binary point), LSQ, PACT and K-hot
//! projection, forward passes and gradients on `float32` arrays.
//!
//! The parameters (binary points, step sizes, clipping levels) come as a 1-D `float32`
//! array, one per group of `layout`: `tensor` (one), `major` (channel-major: one per
//! leading block of the flattened C-ordered tensor) or `last` (channel-last). The Python
//! layer maps an `axis` onto these.

use lowprec::fixed::{Family, OverflowMode, Quantization};
use lowprec::qat::{
    KHot, Layout, Lsq, Pact, Qfx, QfxParams, khot_backward as khot_grad, khot_project as khot_proj,
};
use numpy::{PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::args::fixed_format;
use crate::arrays::{describe, elements, new_array, read, typed};
use crate::errors::{lowprec_error, value_error};

/// `obj` as a `float32` array (`what` names it in messages).
fn f32_array<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<PyReadonlyArrayDyn<'py, f32>> {
    let a = typed::<f32>(obj).ok_or_else(|| {
        value_error(format!(
            "{what} must be a float32 numpy array, got {}",
            describe(obj)
        ))
    })?;
    read(a)
}

/// The parameters: a 1-D `float32` array, one per group.
fn params(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<f32>> {
    let a = f32_array(obj, what)?;
    if a.ndim() != 1 {
        return Err(value_error(format!(
            "{what} must be 1-D (one per channel), got shape {:?}",
            a.shape()
        )));
    }
    Ok(elements(&a).into_owned())
}

/// The layout of `channels` parameter sets by name.
fn layout(name: &str, channels: usize) -> PyResult<Layout> {
    match name {
        "tensor" => {
            if channels != 1 {
                return Err(value_error(format!(
                    "a per-tensor quantizer takes one parameter, got {channels}"
                )));
            }
            Ok(Layout::PerTensor)
        }
        "major" => Ok(Layout::ChannelMajor { channels }),
        "last" => Ok(Layout::ChannelLast { channels }),
        _ => Err(value_error(format!(
            "unknown layout {name:?}: expected tensor, major or last"
        ))),
    }
}

/// Checks that `b` has the shape of `a`.
fn same_shape(a: &[usize], b: &[usize], what: &str, of: &str) -> PyResult<()> {
    if a == b {
        Ok(())
    } else {
        Err(value_error(format!(
            "{what} has shape {b:?}, {of} has shape {a:?}"
        )))
    }
}

/// A new `float32` array of `shape` filled by `fill` (run without the GIL).
fn fill_f32<'py>(
    py: Python<'py>,
    shape: &[usize],
    fill: impl FnOnce(&mut [f32]) -> PyResult<()> + Send,
) -> PyResult<Bound<'py, PyArrayDyn<f32>>> {
    let out = new_array::<f32>(py, shape);
    {
        let mut w = out
            .try_readwrite()
            .map_err(|e| value_error(e.to_string()))?;
        let dst = w.as_slice_mut().map_err(|e| value_error(e.to_string()))?;
        py.detach(|| fill(dst))?;
    }
    Ok(out)
}

/// A `float32` vector as a 1-D array.
fn vec_f32<'py>(py: Python<'py>, v: Vec<f32>) -> Bound<'py, PyAny> {
    numpy::PyArray1::from_vec(py, v).into_any()
}

/// The quantization mode and family of `AP_RND`, `AC_RND_CONV_ODD`, ….
fn quantization(name: &str) -> PyResult<(Family, Quantization)> {
    let (family, suffix) = prefixed(name);
    Quantization::ALL
        .into_iter()
        .find(|q| Some(q.suffix()) == suffix)
        .map(|q| (family, q))
        .ok_or_else(|| {
            value_error(format!(
                "unknown quantization mode {name:?}: expected AP_TRN, AP_TRN_ZERO, AP_RND, \
                 AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV (or AC_..., AC_RND_CONV_ODD)"
            ))
        })
}

/// The overflow mode, family and saturation bits of `AP_SAT`, `AP_WRAP,2`, ….
fn overflow_mode(name: &str) -> PyResult<(Family, OverflowMode, u32)> {
    let bad = || {
        value_error(format!(
            "unknown overflow mode {name:?}: expected AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, \
             AP_WRAP, AP_WRAP_SM (AP_WRAP,N / AP_WRAP_SM,N with N saturation bits) or AC_..."
        ))
    };
    let (mode, n) = match name.split_once(',') {
        Some((m, n)) => (m.trim(), Some(n.trim())),
        None => (name.trim(), None),
    };
    let (family, suffix) = prefixed(mode);
    let o = OverflowMode::ALL
        .into_iter()
        .find(|o| Some(o.suffix()) == suffix)
        .ok_or_else(bad)?;
    let n = match n {
        None => 0,
        Some(n) => n.parse::<u32>().map_err(|_| bad())?,
    };
    Ok((family, o, n))
}

/// The family of a mode name by its prefix and the name after it.
fn prefixed(name: &str) -> (Family, Option<&str>) {
    if let Some(s) = name.strip_prefix("AP_") {
        (Family::ApFixed, Some(s))
    } else if let Some(s) = name.strip_prefix("AC_") {
        (Family::AcFixed, Some(s))
    } else {
        (Family::ApFixed, None)
    }
}

/// A QFX quantizer from the Python arguments.
fn qfx(
    width: i64,
    signed: bool,
    q: &str,
    o: &str,
    layout: Layout,
    grad_scale: bool,
) -> PyResult<Qfx> {
    if !(1..=32).contains(&width) {
        return Err(value_error(format!("width must be 1 to 32, got {width}")));
    }
    let (fq, quantization) = quantization(q)?;
    let (fo, overflow, sat_bits) = overflow_mode(o)?;
    if fq != fo {
        return Err(value_error(format!(
            "q {q:?} and o {o:?} name different families (AP_ and AC_)"
        )));
    }
    Qfx::new(QfxParams {
        width: width as u32,
        signed,
        family: fq,
        quantization,
        overflow,
        sat_bits,
        layout,
        grad_scale,
    })
    .map_err(|e| value_error(format!("bad QFX quantizer ({q}, {o}, width {width}): {e}")))
}

/// y = the fixed-point cast of `x`, each group in `ap_fixed<width, width − F, q, o>` with
/// F = round-half-even(`frac`).
#[pyfunction]
#[pyo3(signature = (x, frac, width, signed, q, o, layout))]
#[allow(clippy::too_many_arguments)]
pub fn qfx_forward<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    frac: &Bound<'py, PyAny>,
    width: i64,
    signed: bool,
    q: &str,
    o: &str,
    layout: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let frac = params(frac, "frac_bits")?;
    let quant = qfx(
        width,
        signed,
        q,
        o,
        self::layout(layout, frac.len())?,
        false,
    )?;
    let xa = f32_array(x, "x")?;
    let src = elements(&xa);
    let out = fill_f32(py, xa.shape(), |y| {
        quant.forward(&frac, &src, y).map_err(lowprec_error)
    })?;
    Ok(out.into_any())
}

/// (∂L/∂x, ∂L/∂frac) of [`qfx_forward`] for the upstream gradient `grad_y`.
#[pyfunction]
#[pyo3(signature = (x, grad_y, frac, width, signed, q, o, layout, grad_scale))]
#[allow(clippy::too_many_arguments)]
pub fn qfx_backward<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    grad_y: &Bound<'py, PyAny>,
    frac: &Bound<'py, PyAny>,
    width: i64,
    signed: bool,
    q: &str,
    o: &str,
    layout: &str,
    grad_scale: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let frac = params(frac, "frac_bits")?;
    let quant = qfx(
        width,
        signed,
        q,
        o,
        self::layout(layout, frac.len())?,
        grad_scale,
    )?;
    let xa = f32_array(x, "x")?;
    let ga = f32_array(grad_y, "grad_y")?;
    same_shape(xa.shape(), ga.shape(), "grad_y", "x")?;
    let (src, g) = (elements(&xa), elements(&ga));
    let mut gf = vec![0.0f32; frac.len()];
    let gx = fill_f32(py, xa.shape(), |gx| {
        quant
            .backward(&frac, &src, &g, gx, &mut gf)
            .map_err(lowprec_error)
    })?;
    Ok((gx.into_any(), vec_f32(py, gf)))
}

/// An LSQ quantizer from the Python arguments.
fn lsq(bits: i64, signed: bool, layout: Layout, grad_scale: bool) -> PyResult<Lsq> {
    let b = u32::try_from(bits).map_err(|_| value_error(format!("bad bits {bits}")))?;
    Lsq::new(b, signed, layout)
        .map(|q| q.with_grad_scale(grad_scale))
        .map_err(|e| value_error(format!("bad LSQ quantizer (bits {bits}): {e}")))
}

/// LSQ: v̂ = round-half-even(clip(v/s, −Q_N, Q_P))·s.
#[pyfunction]
pub fn lsq_forward<'py>(
    py: Python<'py>,
    v: &Bound<'py, PyAny>,
    s: &Bound<'py, PyAny>,
    bits: i64,
    signed: bool,
    layout: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let s = params(s, "s")?;
    let quant = lsq(bits, signed, self::layout(layout, s.len())?, true)?;
    let va = f32_array(v, "v")?;
    let src = elements(&va);
    let out = fill_f32(py, va.shape(), |y| {
        quant.forward(&src, &s, y).map_err(lowprec_error)
    })?;
    Ok(out.into_any())
}

/// (∂L/∂v, ∂L/∂s) of LSQ.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn lsq_backward<'py>(
    py: Python<'py>,
    v: &Bound<'py, PyAny>,
    s: &Bound<'py, PyAny>,
    grad_out: &Bound<'py, PyAny>,
    bits: i64,
    signed: bool,
    layout: &str,
    grad_scale: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let s = params(s, "s")?;
    let quant = lsq(bits, signed, self::layout(layout, s.len())?, grad_scale)?;
    let va = f32_array(v, "v")?;
    let ga = f32_array(grad_out, "grad_out")?;
    same_shape(va.shape(), ga.shape(), "grad_out", "v")?;
    let (src, g) = (elements(&va), elements(&ga));
    let mut gs = vec![0.0f32; s.len()];
    let gv = fill_f32(py, va.shape(), |gv| {
        quant
            .backward(&src, &s, &g, gv, &mut gs)
            .map_err(lowprec_error)
    })?;
    Ok((gv.into_any(), vec_f32(py, gs)))
}

/// A PACT quantizer from the Python arguments.
fn pact(bits: i64, layout: Layout) -> PyResult<Pact> {
    let b = u32::try_from(bits).map_err(|_| value_error(format!("bad bits {bits}")))?;
    Pact::new(b, layout).map_err(|e| value_error(format!("bad PACT quantizer (bits {bits}): {e}")))
}

/// PACT: y = round-half-even(clip(x, 0, α)·n/α)·α/n, n = 2^bits − 1.
#[pyfunction]
pub fn pact_forward<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    alpha: &Bound<'py, PyAny>,
    bits: i64,
    layout: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let alpha = params(alpha, "alpha")?;
    let quant = pact(bits, self::layout(layout, alpha.len())?)?;
    let xa = f32_array(x, "x")?;
    let src = elements(&xa);
    let out = fill_f32(py, xa.shape(), |y| {
        quant.forward(&src, &alpha, y).map_err(lowprec_error)
    })?;
    Ok(out.into_any())
}

/// (∂L/∂x, ∂L/∂α) of PACT.
#[pyfunction]
pub fn pact_backward<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    alpha: &Bound<'py, PyAny>,
    grad_y: &Bound<'py, PyAny>,
    bits: i64,
    layout: &str,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let alpha = params(alpha, "alpha")?;
    let quant = pact(bits, self::layout(layout, alpha.len())?)?;
    let xa = f32_array(x, "x")?;
    let ga = f32_array(grad_y, "grad_y")?;
    same_shape(xa.shape(), ga.shape(), "grad_y", "x")?;
    let (src, g) = (elements(&xa), elements(&ga));
    let mut gal = vec![0.0f32; alpha.len()];
    let gx = fill_f32(py, xa.shape(), |gx| {
        quant
            .backward(&src, &alpha, &g, gx, &mut gal)
            .map_err(lowprec_error)
    })?;
    Ok((gx.into_any(), vec_f32(py, gal)))
}

/// The K-hot form by name.
fn khot_form(name: &str) -> PyResult<KHot> {
    match name {
        "binary" => Ok(KHot::Binary),
        "csd" => Ok(KHot::Csd),
        _ => Err(value_error(format!(
            "unknown K-hot form {name:?}: expected binary or csd"
        ))),
    }
}

/// The nearest K-hot value of the type `ty` to the cast of each element of `x`.
#[pyfunction]
pub fn khot_project<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    ty: &str,
    k: i64,
    form: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = fixed_format(ty)?;
    let form = khot_form(form)?;
    let k = u32::try_from(k).map_err(|_| value_error(format!("k must be 0 or more, got {k}")))?;
    let xa = f32_array(x, "x")?;
    let src = elements(&xa);
    let out = fill_f32(py, xa.shape(), |y| {
        khot_proj(&f, k, form, &src, y).map_err(lowprec_error)
    })?;
    Ok(out.into_any())
}

/// The straight-through gradient of [`khot_project`]: `grad_y` where the cast of `x`
/// into `ty` is not clamped, else 0.
#[pyfunction]
pub fn khot_backward<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    grad_y: &Bound<'py, PyAny>,
    ty: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = fixed_format(ty)?;
    let xa = f32_array(x, "x")?;
    let ga = f32_array(grad_y, "grad_y")?;
    same_shape(xa.shape(), ga.shape(), "grad_y", "x")?;
    let (src, g) = (elements(&xa), elements(&ga));
    let out = fill_f32(py, xa.shape(), |gx| {
        khot_grad(&f, &src, &g, gx).map_err(lowprec_error)
    })?;
    Ok(out.into_any())
}
