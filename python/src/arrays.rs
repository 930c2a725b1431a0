//! Reading numpy arrays: the accepted dtypes, contiguous data without a copy (other
//! layouts copied once, in C order), and new output arrays.

use std::borrow::Cow;

use numpy::ndarray::IxDyn;
use numpy::{Element, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::errors::value_error;

/// A float input array: `float32` or `float64`, any shape and strides.
pub enum FloatArray<'py> {
    F32(PyReadonlyArrayDyn<'py, f32>),
    F64(PyReadonlyArrayDyn<'py, f64>),
}

/// The elements of an input in C order: the array's own memory when it is C-contiguous
/// (and aligned), else one copy.
pub fn elements<'a, T: Element + Copy>(a: &'a PyReadonlyArrayDyn<'_, T>) -> Cow<'a, [T]> {
    if a.is_c_contiguous() {
        if let Ok(s) = a.as_slice() {
            return Cow::Borrowed(s);
        }
    }
    Cow::Owned(a.as_array().iter().copied().collect())
}

/// What an object is, for messages: its dtype for arrays, else its type name.
pub fn describe(obj: &Bound<'_, PyAny>) -> String {
    if let Ok(dtype) = obj.getattr("dtype") {
        if let Ok(name) = dtype.str() {
            return format!("an array of dtype {name}");
        }
    }
    match obj.get_type().name() {
        Ok(name) => format!("a {name}"),
        Err(_) => "an object of unknown type".into(),
    }
}

/// A typed view of `obj` if it is an array of element type `T`.
pub fn typed<'a, 'py, T: Element>(
    obj: &'a Bound<'py, PyAny>,
) -> Option<&'a Bound<'py, PyArrayDyn<T>>> {
    obj.cast::<PyArrayDyn<T>>().ok()
}

/// A read borrow of a typed array (refused while something writes to it).
pub fn read<'py, T: Element>(
    a: &Bound<'py, PyArrayDyn<T>>,
) -> PyResult<PyReadonlyArrayDyn<'py, T>> {
    a.try_readonly()
        .map_err(|e| value_error(format!("cannot read the array: {e}")))
}

/// `obj` as a float input (`what` names the argument in messages).
pub fn float_array<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<FloatArray<'py>> {
    if let Some(a) = typed::<f32>(obj) {
        return Ok(FloatArray::F32(read(a)?));
    }
    if let Some(a) = typed::<f64>(obj) {
        return Ok(FloatArray::F64(read(a)?));
    }
    Err(value_error(format!(
        "{what} must be a float32 or float64 numpy array, got {}",
        describe(obj)
    )))
}

impl FloatArray<'_> {
    pub fn shape(&self) -> Vec<usize> {
        match self {
            FloatArray::F32(a) => a.shape().to_vec(),
            FloatArray::F64(a) => a.shape().to_vec(),
        }
    }
}

/// A new C-ordered array of `shape`, zero-filled.
pub fn new_array<'py, T: Element>(py: Python<'py>, shape: &[usize]) -> Bound<'py, PyArrayDyn<T>> {
    PyArrayDyn::<T>::zeros(py, IxDyn(shape), false)
}

/// An unsigned code array: `uint8`, `uint16`, `uint32` or `uint64`.
pub enum CodeArray<'py> {
    U8(PyReadonlyArrayDyn<'py, u8>),
    U16(PyReadonlyArrayDyn<'py, u16>),
    U32(PyReadonlyArrayDyn<'py, u32>),
    U64(PyReadonlyArrayDyn<'py, u64>),
}

/// `obj` as an array of codes (`what` names the argument in messages).
pub fn code_array<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<CodeArray<'py>> {
    if let Some(a) = typed::<u8>(obj) {
        return Ok(CodeArray::U8(read(a)?));
    }
    if let Some(a) = typed::<u16>(obj) {
        return Ok(CodeArray::U16(read(a)?));
    }
    if let Some(a) = typed::<u32>(obj) {
        return Ok(CodeArray::U32(read(a)?));
    }
    if let Some(a) = typed::<u64>(obj) {
        return Ok(CodeArray::U64(read(a)?));
    }
    Err(value_error(format!(
        "{what} must be an unsigned integer numpy array (uint8, uint16, uint32 or uint64) of codes, got {}",
        describe(obj)
    )))
}

/// Runs `$body` with `$s` bound to the elements (C order) of whichever code array `$a` is.
macro_rules! with_codes {
    ($a:expr, |$s:ident| $body:expr) => {
        match $a {
            $crate::arrays::CodeArray::U8(a) => {
                let $s = $crate::arrays::elements(a);
                $body
            }
            $crate::arrays::CodeArray::U16(a) => {
                let $s = $crate::arrays::elements(a);
                $body
            }
            $crate::arrays::CodeArray::U32(a) => {
                let $s = $crate::arrays::elements(a);
                $body
            }
            $crate::arrays::CodeArray::U64(a) => {
                let $s = $crate::arrays::elements(a);
                $body
            }
        }
    };
}
pub(crate) use with_codes;

impl CodeArray<'_> {
    pub fn shape(&self) -> Vec<usize> {
        match self {
            CodeArray::U8(a) => a.shape().to_vec(),
            CodeArray::U16(a) => a.shape().to_vec(),
            CodeArray::U32(a) => a.shape().to_vec(),
            CodeArray::U64(a) => a.shape().to_vec(),
        }
    }
}

/// The bits set in any code: the OR of all (to find codes wider than a format).
pub fn or_all<C: lowprec::float::slice::Code>(codes: &[C]) -> u64 {
    codes.iter().fold(0, |acc, c| acc | c.to_u64())
}
