//! `lowprec._lowprec`: the compiled half of the `lowprec` Python package. This file only
//! registers the functions; each concept has its own file.

use pyo3::prelude::*;

mod args;
mod arrays;
mod block;
mod errors;
mod fixed;
mod float;
mod lmul;
mod math;
mod qat;

#[pymodule]
fn _lowprec(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(float::formats, m)?)?;
    m.add_function(wrap_pyfunction!(float::format_info, m)?)?;
    m.add_function(wrap_pyfunction!(float::format_name, m)?)?;
    m.add_function(wrap_pyfunction!(float::encode, m)?)?;
    m.add_function(wrap_pyfunction!(float::decode, m)?)?;
    m.add_function(wrap_pyfunction!(float::quantize, m)?)?;
    m.add_function(wrap_pyfunction!(fixed::fixed_cast, m)?)?;
    m.add_function(wrap_pyfunction!(fixed::fixed_to_float, m)?)?;
    m.add_function(wrap_pyfunction!(lmul::lmul, m)?)?;
    m.add_function(wrap_pyfunction!(lmul::lmul_matmul, m)?)?;
    m.add_function(wrap_pyfunction!(qat::qfx_forward, m)?)?;
    m.add_function(wrap_pyfunction!(qat::qfx_backward, m)?)?;
    m.add_function(wrap_pyfunction!(qat::lsq_forward, m)?)?;
    m.add_function(wrap_pyfunction!(qat::lsq_backward, m)?)?;
    m.add_function(wrap_pyfunction!(qat::pact_forward, m)?)?;
    m.add_function(wrap_pyfunction!(qat::pact_backward, m)?)?;
    m.add_function(wrap_pyfunction!(qat::khot_project, m)?)?;
    m.add_function(wrap_pyfunction!(qat::khot_backward, m)?)?;
    m.add_function(wrap_pyfunction!(block::block_quantize, m)?)?;
    m.add_function(wrap_pyfunction!(block::block_dequantize, m)?)?;
    m.add_function(wrap_pyfunction!(block::block_chop, m)?)?;
    m.add_function(wrap_pyfunction!(block::block_tensor_scale, m)?)?;
    m.add_function(wrap_pyfunction!(math::math, m)?)?;
    m.add_function(wrap_pyfunction!(math::math_functions, m)?)?;
    m.add_function(wrap_pyfunction!(math::math2, m)?)?;
    m.add_function(wrap_pyfunction!(math::math2_functions, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
