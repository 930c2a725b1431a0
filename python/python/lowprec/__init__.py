"""Exact low-precision rounding on numpy arrays.

Custom floating-point formats (OCP FP8, FNUZ, MX FP6/FP4/E8M0, IEEE P3109, bf16, fp16,
any ``e{E}m{M}``) with every rounding mode and overflow policy, ap_fixed/ac_fixed-exact
fixed point, L-Mul, quantization-aware training quantizers (QFX, LSQ, PACT, K-hot) with
their gradients, block-scaled formats (OCP MX, NVFP4, block floating point) and
correctly rounded elementary functions on codes. Every result is the exact value rounded
once; the work is done in Rust (the ``lowprec`` crate) with the GIL released.

Format names, rounding modes (``rne rna rnz rnu rnd rno rtz rup rdn rto sr sr-equal
sr-a sr-b sr-c``) and overflow policies (``ieee satfinite satpropagate``) are those of
the ``lowprec`` command line. Stochastic modes need ``seed=``: one SplitMix64 stream,
drawn in element order (C order), so results are reproducible.
"""

import numpy as _np

from . import _lowprec

__version__ = _lowprec.__version__

__all__ = [
    "formats",
    "format_info",
    "encode",
    "decode",
    "quantize",
    "fixed_cast",
    "fixed_to_float",
    "lmul",
    "lmul_matmul",
    "qfx_forward",
    "qfx_backward",
    "lsq_forward",
    "lsq_backward",
    "pact_forward",
    "pact_backward",
    "khot_project",
    "khot_backward",
    "block_quantize",
    "block_dequantize",
    "block_chop",
    "block_tensor_scale",
    "math",
    "math_functions",
    "math2",
    "math2_functions",
    "exp",
    "log",
    "tanh",
    "erf",
]

# The lowprec formats that numpy or ml_dtypes has as a dtype, by canonical name (each
# checked bit for bit against ml_dtypes by the tests: every code decodes alike).
_NUMPY_DTYPES = {"fp16": "float16", "fp32": "float32", "fp64": "float64"}
_ML_DTYPES = {
    "bf16": "bfloat16",
    "e5m2": "float8_e5m2",
    "e4m3": "float8_e4m3",
    "e4m3fn": "float8_e4m3fn",
    "e4m3fnuz": "float8_e4m3fnuz",
    "e5m2fnuz": "float8_e5m2fnuz",
    "e4m3b11fnuz": "float8_e4m3b11fnuz",
    "e3m4": "float8_e3m4",
    "e2m3": "float6_e2m3fn",
    "e3m2": "float6_e3m2fn",
    "e2m1": "float4_e2m1fn",
    "e8m0": "float8_e8m0fnu",
}
_UINT = {1: _np.uint8, 2: _np.uint16, 4: _np.uint32, 8: _np.uint64}


def _ml_dtype(fmt):
    """The numpy / ml_dtypes dtype of the format ``fmt``, or None where there is none."""
    name = _lowprec.format_name(fmt)
    if name in _NUMPY_DTYPES:
        return _np.dtype(_NUMPY_DTYPES[name])
    if name in _ML_DTYPES:
        try:
            import ml_dtypes
        except ImportError as e:
            raise ValueError(
                f"format {fmt!r} as an ml_dtypes dtype needs the ml_dtypes package"
            ) from e
        return _np.dtype(getattr(ml_dtypes, _ML_DTYPES[name]))
    return None


def _array(x):
    """``x`` itself when it is an ndarray, else ``np.asarray(x)``."""
    return x if isinstance(x, _np.ndarray) else _np.asarray(x)


def _codes(codes, fmt, what):
    """Codes as an unsigned array: uint arrays as they are, the format's own numpy or
    ml_dtypes dtype viewed as the unsigned integers of its itemsize."""
    codes = _array(codes)
    if codes.dtype.kind == "u":
        return codes
    own = _ml_dtype(fmt)
    if own is not None and codes.dtype == own:
        return codes.view(_UINT[codes.dtype.itemsize])
    expected = f" or an array of dtype {own}" if own is not None else ""
    raise ValueError(
        f"{what} must be unsigned integer codes{expected} for format {fmt!r}, "
        f"got an array of dtype {codes.dtype}"
    )


def formats():
    return _lowprec.formats()


def format_info(fmt):
    return _lowprec.format_info(fmt)


def encode(x, fmt, rounding="rne", overflow="ieee", seed=None, random_bits=None, dtype=None):
    codes = _lowprec.encode(_array(x), fmt, rounding, overflow, seed, random_bits)
    if dtype is None:
        return codes
    if isinstance(dtype, str) and dtype == "ml_dtypes":
        own = _ml_dtype(fmt)
        if own is None:
            raise ValueError(f"format {fmt!r} has no numpy or ml_dtypes dtype")
        return codes.view(own)
    raise ValueError(f"dtype must be None or 'ml_dtypes', got {dtype!r}")


def decode(codes, fmt):
    return _lowprec.decode(_codes(codes, fmt, "codes"), fmt)


def quantize(x, fmt, rounding="rne", overflow="ieee", seed=None, random_bits=None, out=None):
    return _lowprec.quantize(_array(x), fmt, rounding, overflow, seed, random_bits, out)


def fixed_cast(x, ty):
    return _lowprec.fixed_cast(_array(x), ty)


def fixed_to_float(raw, ty):
    raw = _array(raw)
    if raw.dtype != _np.int64 and raw.dtype.kind in "iu" and _np.can_cast(raw.dtype, _np.int64):
        raw = raw.astype(_np.int64)
    return _lowprec.fixed_to_float(raw, ty)


def lmul(a_codes, b_codes, fmt, mode="guarded", k=None, overflow="ieee"):
    a = _codes(a_codes, fmt, "a_codes")
    b = _codes(b_codes, fmt, "b_codes")
    return _lowprec.lmul(a, b, fmt, mode, k, overflow)


def lmul_matmul(
    a, b, fmt, mode="guarded", k=None, overflow="ieee", accumulator="fp32", acc_rounding="rne"
):
    return _lowprec.lmul_matmul(
        _array(a), _array(b), fmt, mode, k, overflow, accumulator, acc_rounding
    )


def _groups(x, p, axis, what):
    """Lays out a quantizer's parameters ``p`` over ``x``: per tensor (``axis=None``, ``p``
    a scalar) or one per channel along ``axis`` (``p`` 1-D). Returns ``(x, p, layout,
    undo)``: ``x`` arranged so that the channels are its first or last axis, ``p`` as a 1-D
    float32 array, the layout name and the function that puts an output back in place."""
    x = _array(x)
    if axis is None:
        p = _np.asarray(p)
        if p.ndim != 0:
            raise ValueError(
                f"{what} must be a scalar for a per-tensor quantizer (axis=None), "
                f"got an array of shape {p.shape}; pass axis= for one per channel"
            )
        return x, _np.asarray(p, dtype=_np.float32).reshape(1), "tensor", lambda y: y
    if isinstance(axis, bool) or not isinstance(axis, (int, _np.integer)):
        raise ValueError(f"axis must be None or an int, got {axis!r}")
    if x.ndim == 0 or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {x.ndim} dimensions")
    axis = int(axis) % x.ndim
    p = _np.asarray(p)
    if p.dtype.kind != "f":
        raise ValueError(f"{what} must be a float array, got an array of dtype {p.dtype}")
    if p.shape != (x.shape[axis],):
        raise ValueError(
            f"{what} must be 1-D with one value per channel ({x.shape[axis]} along axis "
            f"{axis}), got shape {p.shape}"
        )
    p = _np.ascontiguousarray(p, dtype=_np.float32)
    if axis == 0:
        return x, p, "major", lambda y: y
    if axis == x.ndim - 1:
        return x, p, "last", lambda y: y
    moved = _np.moveaxis(x, axis, -1)
    return moved, p, "last", lambda y: _np.moveaxis(y, -1, axis)


def _moved(g, x, axis):
    """The gradient ``g`` (shape of ``x``) arranged as ``_groups`` arranged ``x``."""
    g = _array(g)
    if g.shape != _array(x).shape:
        raise ValueError(f"the gradient has shape {g.shape}, x has shape {_array(x).shape}")
    if axis is None:
        return g
    axis = int(axis) % g.ndim
    if axis in (0, g.ndim - 1):
        return g
    return _np.moveaxis(g, axis, -1)


def _param_grad(g, axis):
    """A parameter gradient: a float per tensor, the float32 array per channel."""
    return float(g[0]) if axis is None else g


def qfx_forward(x, width, frac_bits, signed=True, q="AP_RND", o="AP_SAT", axis=None):
    xs, f, layout, undo = _groups(x, frac_bits, axis, "frac_bits")
    return undo(_lowprec.qfx_forward(xs, f, width, signed, q, o, layout))


def qfx_backward(
    x, grad_y, width, frac_bits, signed=True, q="AP_RND", o="AP_SAT", axis=None,
    grad_scale=False,
):
    xs, f, layout, undo = _groups(x, frac_bits, axis, "frac_bits")
    gy = _moved(grad_y, x, axis)
    gx, gf = _lowprec.qfx_backward(xs, gy, f, width, signed, q, o, layout, grad_scale)
    return undo(gx), _param_grad(gf, axis)


def lsq_forward(v, s, bits, signed=True, axis=None):
    vs, sp, layout, undo = _groups(v, s, axis, "s")
    return undo(_lowprec.lsq_forward(vs, sp, bits, signed, layout))


def lsq_backward(v, s, grad_out, bits, signed=True, axis=None, grad_scale=True):
    vs, sp, layout, undo = _groups(v, s, axis, "s")
    g = _moved(grad_out, v, axis)
    gv, gs = _lowprec.lsq_backward(vs, sp, g, bits, signed, layout, grad_scale)
    return undo(gv), _param_grad(gs, axis)


def pact_forward(x, alpha, bits, axis=None):
    xs, a, layout, undo = _groups(x, alpha, axis, "alpha")
    return undo(_lowprec.pact_forward(xs, a, bits, layout))


def pact_backward(x, alpha, grad_y, bits, axis=None):
    xs, a, layout, undo = _groups(x, alpha, axis, "alpha")
    g = _moved(grad_y, x, axis)
    gx, ga = _lowprec.pact_backward(xs, a, g, bits, layout)
    return undo(gx), _param_grad(ga, axis)


def khot_project(x, ty, k, form="csd"):
    return _lowprec.khot_project(_array(x), ty, k, form)


def khot_backward(x, grad_y, ty):
    return _lowprec.khot_backward(_array(x), _array(grad_y), ty)


def _block_rows(a, axis, what):
    """``a`` with ``axis`` moved last, as 2-D C-ordered rows, and the moved shape."""
    a = _array(a)
    if a.ndim == 0:
        raise ValueError(f"{what} must have at least one dimension")
    if isinstance(axis, bool) or not isinstance(axis, (int, _np.integer)):
        raise ValueError(f"axis must be an int, got {axis!r}")
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {a.ndim} dimensions")
    moved = _np.moveaxis(a, int(axis), -1)
    rows = int(_np.prod(moved.shape[:-1], dtype=_np.int64))
    return moved.reshape(rows, moved.shape[-1]), moved.shape


def _block_back(out, moved_shape, axis):
    """A 2-D result put back into the shape of the input, the block axis in place."""
    return _np.moveaxis(out.reshape(moved_shape[:-1] + out.shape[-1:]), -1, int(axis))


def _tensor_scale(t):
    return None if t is None else float(t)


def block_quantize(x, fmt, rounding="rne", seed=None, axis=-1, tensor_scale=None):
    rows, shape = _block_rows(x, axis, "x")
    scales, codes = _lowprec.block_quantize(rows, fmt, rounding, seed, _tensor_scale(tensor_scale))
    return _block_back(scales, shape, axis), _block_back(codes, shape, axis)


def block_dequantize(scales, codes, fmt, axis=-1, tensor_scale=None):
    c, shape = _block_rows(codes, axis, "codes")
    s, sshape = _block_rows(scales, axis, "scales")
    if sshape[:-1] != shape[:-1]:
        raise ValueError(
            f"scales has shape {_array(scales).shape}, codes has shape {_array(codes).shape}: "
            f"they differ outside axis {axis}"
        )
    out = _lowprec.block_dequantize(s, c, fmt, _tensor_scale(tensor_scale))
    return _block_back(out, shape, axis)


def block_chop(x, fmt, rounding="rne", seed=None, axis=-1, tensor_scale=None):
    rows, shape = _block_rows(x, axis, "x")
    out = _lowprec.block_chop(rows, fmt, rounding, seed, _tensor_scale(tensor_scale))
    return _block_back(out, shape, axis)


def block_tensor_scale(x, fmt):
    return _lowprec.block_tensor_scale(_array(x), fmt)


def math(name, codes, fmt, rounding="rne", overflow="ieee", seed=None, random_bits=None):
    own = _array(codes).dtype
    c = _codes(codes, fmt, "codes")
    out = _lowprec.math(name, c, fmt, rounding, overflow, seed, random_bits)
    if own.kind != "u" and own == _ml_dtype(fmt):
        return out.view(own)
    return out


def math_functions():
    return _lowprec.math_functions()


def math2(name, a, b, fmt, rounding="rne", overflow="ieee", seed=None, random_bits=None):
    own = _array(a).dtype
    ca, cb = _codes(a, fmt, "a"), _codes(b, fmt, "b")
    out = _lowprec.math2(name, ca, cb, fmt, rounding, overflow, seed, random_bits)
    if own.kind != "u" and own == _ml_dtype(fmt):
        return out.view(own)
    return out


def math2_functions():
    return _lowprec.math2_functions()


def exp(codes, fmt, rounding="rne", overflow="ieee", seed=None, random_bits=None):
    return math("exp", codes, fmt, rounding, overflow, seed, random_bits)


def log(codes, fmt, rounding="rne", overflow="ieee", seed=None, random_bits=None):
    return math("log", codes, fmt, rounding, overflow, seed, random_bits)


def tanh(codes, fmt, rounding="rne", overflow="ieee", seed=None, random_bits=None):
    return math("tanh", codes, fmt, rounding, overflow, seed, random_bits)


def erf(codes, fmt, rounding="rne", overflow="ieee", seed=None, random_bits=None):
    return math("erf", codes, fmt, rounding, overflow, seed, random_bits)


def _doc_from_stubs():
    """Gives each function the docstring of its stub in __init__.pyi (one source)."""
    import ast
    import os

    path = os.path.join(os.path.dirname(__file__), "__init__.pyi")
    try:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except OSError:
        return
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in __all__:
            globals()[node.name].__doc__ = ast.get_docstring(node)


_doc_from_stubs()
