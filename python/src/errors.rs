//! Every error reaches Python as a `ValueError` carrying lowprec's own message.

use std::fmt::Display;

use pyo3::PyErr;
use pyo3::exceptions::PyValueError;

/// A `ValueError` with `msg`.
pub fn value_error(msg: impl Into<String>) -> PyErr {
    PyValueError::new_err(msg.into())
}

/// A lowprec error as a `ValueError`, its `Display` message prefixed by what was being
/// done (`bad format "e9m9": ...`).
pub fn context(what: impl Display, e: impl Display) -> PyErr {
    value_error(format!("{what}: {e}"))
}

/// A lowprec error as a `ValueError` with its `Display` message alone.
pub fn lowprec_error(e: impl Display) -> PyErr {
    value_error(e.to_string())
}
