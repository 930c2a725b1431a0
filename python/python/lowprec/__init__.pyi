from typing import Literal, Optional, TypedDict, Union

import numpy as np
import numpy.typing as npt

__version__: str

Rounding = Literal[
    "rne", "rna", "rnz", "rnu", "rnd", "rno", "rtz", "rup", "rdn", "rto",
    "sr", "sr-equal", "sr-a", "sr-b", "sr-c",
]
OverflowPolicy = Literal["ieee", "satfinite", "satpropagate"]
FloatArray = Union[npt.NDArray[np.float32], npt.NDArray[np.float64]]
CodeArray = npt.NDArray[np.unsignedinteger]

class FormatInfo(TypedDict):
    exp_bits: int
    frac_bits: int
    bias: int
    specials: str
    max: float
    min_normal: float
    min_subnormal: float
    width: int

def formats() -> list[str]:
    """The preset format names, in the order ``lowprec formats`` lists them.

    Besides the presets, every function takes IEEE P3109 names
    (``binary{K}p{P}{s|u}{e|f}``) and custom ``e{E}m{M}`` names followed by any of
    ``:fn :fnuz :finite :p3109e :p3109f :nozero :unsigned :nosub :bias=B``.
    """

def format_info(fmt: str) -> FormatInfo:
    """The parameters of the format ``fmt``.

    Keys: ``exp_bits`` and ``frac_bits`` (stored fraction bits), ``bias``, ``specials``
    (``ieee``, ``fn``, ``fnuz``, ``finite``, ``p3109e``, ``p3109f`` or ``nozero``), ``max``
    (largest finite value), ``min_normal``, ``min_subnormal`` (the smallest positive
    value: the smallest normal in formats without subnormals), all as floats, and
    ``width`` (bits per code). Raises ValueError for a bad format name.
    """

def encode(
    x: npt.ArrayLike,
    fmt: str,
    rounding: Rounding = "rne",
    overflow: OverflowPolicy = "ieee",
    seed: Optional[int] = None,
    random_bits: Optional[int] = None,
    dtype: Optional[Literal["ml_dtypes"]] = None,
) -> np.ndarray:
    """Rounds ``x`` into the format ``fmt`` and returns the codes.

    ``x`` is a float32 or float64 array of any shape and strides (C-contiguous arrays are
    read in place, others copied once); its values are taken exactly, float64 through
    the float64 kernel. The codes come in the smallest unsigned dtype that holds the
    format's width (uint8, uint16, uint32 or uint64), in the shape of ``x``.

    ``rounding`` is any mode of the command line; the stochastic ones (``sr``,
    ``sr-equal``, ``sr-a``, ``sr-b``, ``sr-c``) need ``seed`` (an int 0 to 2^64-1) and
    draw ``random_bits`` bits (1 to 64, default 64) per inexact element from one
    SplitMix64 stream in C order, as ``lowprec round --seed`` does. ``overflow`` is
    ``ieee`` (infinity, or NaN where the format has none), ``satfinite`` or
    ``satpropagate``.

    ``dtype="ml_dtypes"`` returns the codes viewed as the format's ml_dtypes dtype
    (bfloat16, float8_e4m3fn, float4_e2m1fn, ...; numpy float16/32/64 for
    fp16/fp32/fp64); ValueError for formats that ml_dtypes does not have.
    """

def decode(codes: npt.ArrayLike, fmt: str) -> np.ndarray:
    """The values of the codes of the format ``fmt``.

    ``codes`` is an unsigned integer array (at least as wide as the format) or an array of
    the format's ml_dtypes dtype. The result is float32 when every value of the format
    is a float32 (every preset but fp64), else float64, and exact. Codes with bits above
    the format's width are a ValueError.
    """

def quantize(
    x: FloatArray,
    fmt: str,
    rounding: Rounding = "rne",
    overflow: OverflowPolicy = "ieee",
    seed: Optional[int] = None,
    random_bits: Optional[int] = None,
    out: Optional[FloatArray] = None,
) -> FloatArray:
    """Rounds each element of ``x`` into ``fmt`` and back ("chop"): same dtype and shape.

    ``x`` is float32 or float64. Values that the host type cannot hold exactly (formats
    wider than it) are rounded once more to nearest-even. ``rounding``, ``overflow``,
    ``seed`` and ``random_bits`` are those of :func:`encode`. With ``out`` (an array of the
    dtype and shape of ``x``, or ``x`` itself for in place) the result is written there
    and ``out`` is returned.
    """

def fixed_cast(x: npt.ArrayLike, ty: str) -> npt.NDArray[np.int64]:
    """Casts floats into the fixed-point C++ type ``ty``, bit-exact with its header.

    ``ty`` is ``ap_fixed<W,I[,Q[,O[,N]]]>``, ``ap_ufixed<...>``, ``ap_int<W>``,
    ``ap_uint<W>`` or ``ac_fixed<W,I[,S[,Q[,O]]]>`` with the headers' quantization
    (``AP_TRN``, ``AP_RND``, ``AP_RND_CONV``, ...) and overflow modes (``AP_SAT``,
    ``AP_WRAP``, ...). ``x`` is float32 or float64, read as the header reads a double.
    Returns the raw integers as int64 (value = raw * 2^-(W-I)); ValueError for types
    whose raw integers do not fit int64 (unsigned 64-bit types).
    """

def fixed_to_float(raw: npt.ArrayLike, ty: str) -> npt.NDArray[np.float64]:
    """The values of raw integers of the fixed-point type ``ty`` as float64 (nearest,
    ties to even, as ``to_double()``). ``raw`` is an integer array whose values lie in
    the type's range (ValueError otherwise)."""

def lmul(
    a_codes: npt.ArrayLike,
    b_codes: npt.ArrayLike,
    fmt: str,
    mode: Literal["guarded", "paper"] = "guarded",
    k: Optional[int] = None,
    overflow: OverflowPolicy = "ieee",
) -> np.ndarray:
    """L-Mul (Luo & Sun 2024) of two code arrays of the same shape, element by element.

    ``mode="paper"`` is the paper's integer form ``|a| + |b| - C`` with no special
    cases; ``"guarded"`` makes zeros, subnormals, underflow, overflow (by ``overflow``),
    NaN and infinity safe. ``k`` keeps the first k fraction bits of each operand (default
    all). Codes are unsigned arrays or the format's ml_dtypes arrays; the result is
    codes in the smallest unsigned dtype of the format's width. As ``lowprec op lmul``.
    """

def lmul_matmul(
    a: FloatArray,
    b: FloatArray,
    fmt: str,
    mode: Literal["guarded", "paper"] = "guarded",
    k: Optional[int] = None,
    overflow: OverflowPolicy = "ieee",
    accumulator: str = "fp32",
    acc_rounding: Rounding = "rne",
) -> FloatArray:
    """The matrix product of ``a`` (m x k) and ``b`` (k x n) with L-Mul products.

    Both operands are rounded into ``fmt`` (ties to even, with the ``overflow`` policy),
    multiplied by L-Mul (``mode``, ``k``, ``overflow`` as in :func:`lmul`) and summed left
    to right from +0 in the ``accumulator`` format, each partial sum rounded by
    ``acc_rounding`` (a deterministic mode). Returns float32, or float64 when the
    accumulator has values that float32 cannot hold.
    """

FloatLike = Union[float, npt.ArrayLike]

def qfx_forward(
    x: npt.NDArray[np.float32],
    width: int,
    frac_bits: FloatLike,
    signed: bool = True,
    q: str = "AP_RND",
    o: str = "AP_SAT",
    axis: Optional[int] = None,
) -> npt.NDArray[np.float32]:
    """The QFX quantizer's forward pass: ``x`` cast into W-bit fixed point with a
    trainable binary point.

    ``frac_bits`` is the latent binary point: a float (per tensor, ``axis=None``) or a 1-D
    float array with one value per channel along ``axis`` (any axis; the result keeps
    ``x``'s shape). Each group's binary point is F = the latent rounded to nearest, ties
    to even (clamped to the range fixed point allows; NaN is a ValueError), and
    y = the cast of ``x`` into ``ap_fixed<width, width - F, q, o>`` (``ap_ufixed`` when
    ``signed`` is False), exactly as :func:`fixed_cast` then :func:`fixed_to_float` give it
    (as float32: exact for width <= 24). ``x`` must be float32, any shape and strides.

    ``width`` is 1 to 32. ``q`` is a quantization mode (``AP_TRN``, ``AP_TRN_ZERO``,
    ``AP_RND``, ``AP_RND_ZERO``, ``AP_RND_MIN_INF``, ``AP_RND_INF``, ``AP_RND_CONV``), ``o``
    an overflow mode (``AP_SAT``, ``AP_SAT_ZERO``, ``AP_SAT_SYM``, ``AP_WRAP``,
    ``AP_WRAP_SM``; ``AP_WRAP,N`` with N saturation bits). ``AC_`` names instead (with
    ``AC_RND_CONV_ODD``) select ``ac_fixed``; q and o must be of one family.
    """

def qfx_backward(
    x: npt.NDArray[np.float32],
    grad_y: npt.NDArray[np.float32],
    width: int,
    frac_bits: FloatLike,
    signed: bool = True,
    q: str = "AP_RND",
    o: str = "AP_SAT",
    axis: Optional[int] = None,
    grad_scale: bool = False,
) -> tuple[npt.NDArray[np.float32], Union[float, npt.NDArray[np.float32]]]:
    """The gradients of :func:`qfx_forward`: ``(grad_x, grad_frac_bits)`` for the upstream
    gradient ``grad_y`` (float32, the shape of ``x``).

    Per element, with g = grad_y and y, r the exact values of the cast and of the rounded
    code before any overflow handling:

    ======================================  =========  ==========================
    region                                  grad_x     contribution to grad_frac
    ======================================  =========  ==========================
    in range                                g          g * (-ln 2 * (y - x))
    ``SAT`` / ``SAT_SYM`` overflow           0          g * (-ln 2 * y)
    ``SAT_ZERO`` overflow                   0          0
    ``WRAP`` / ``WRAP_SM`` overflow          g          g * (-ln 2 * (r - x))
    x NaN or +-inf                          0          0
    ======================================  =========  ==========================

    Under ``SAT_SYM`` the most negative code counts as saturated. The contributions are
    summed per group in float64: ``grad_frac_bits`` is a float per tensor, a float32 array
    (one per channel) with ``axis``. ``grad_scale=True`` multiplies each group's sum by
    1/sqrt(N * q_max) (N its element count, q_max the largest raw code), LSQ's scale.
    """

def lsq_forward(
    v: npt.NDArray[np.float32],
    s: FloatLike,
    bits: int,
    signed: bool = True,
    axis: Optional[int] = None,
) -> npt.NDArray[np.float32]:
    """LSQ (learned step size quantization, Esser et al. 2020):
    v_hat = round(clip(v / s, -Q_N, Q_P)) * s, round to nearest with ties to even.

    Signed: Q_N = 2^(bits-1), Q_P = 2^(bits-1) - 1 (bits 2 to 24); unsigned: Q_N = 0,
    Q_P = 2^bits - 1 (bits 1 to 24). ``s`` is the step size, finite and positive: a float
    per tensor or a 1-D array per channel along ``axis``. ``v`` is float32; a NaN
    saturates by its sign. A zero result is +0.
    """

def lsq_backward(
    v: npt.NDArray[np.float32],
    s: FloatLike,
    grad_out: npt.NDArray[np.float32],
    bits: int,
    signed: bool = True,
    axis: Optional[int] = None,
    grad_scale: bool = True,
) -> tuple[npt.NDArray[np.float32], Union[float, npt.NDArray[np.float32]]]:
    """The gradients of :func:`lsq_forward`: ``(grad_v, grad_s)``.

    With r = v / s: inside (-Q_N < r < Q_P) grad_v = grad_out and d v_hat / d s =
    round(r) - r; at or below -Q_N grad_v = 0 and d v_hat / d s = -Q_N; at or above Q_P
    grad_v = 0 and d v_hat / d s = Q_P; NaN gives 0 for both. ``grad_s`` sums grad_out *
    d v_hat / d s over each group (a float per tensor, a float32 array per channel), times
    1/sqrt(N * Q_P) when ``grad_scale`` (the default).
    """

def pact_forward(
    x: npt.NDArray[np.float32],
    alpha: FloatLike,
    bits: int,
    axis: Optional[int] = None,
) -> npt.NDArray[np.float32]:
    """PACT (parameterized clipping activation, Choi et al. 2018):
    y = round(clip(x, 0, alpha) * n / alpha) * alpha / n, n = 2^bits - 1 (bits 1 to 24),
    ties to even, correctly rounded to float32.

    ``alpha`` is finite and positive: a float per tensor or a 1-D array per channel along
    ``axis``. A NaN gives alpha when its sign bit is clear, 0 when set; x <= 0 gives +0.
    """

def pact_backward(
    x: npt.NDArray[np.float32],
    alpha: FloatLike,
    grad_y: npt.NDArray[np.float32],
    bits: int,
    axis: Optional[int] = None,
) -> tuple[npt.NDArray[np.float32], Union[float, npt.NDArray[np.float32]]]:
    """The straight-through gradients of :func:`pact_forward`: ``(grad_x, grad_alpha)``.

    grad_x = grad_y where 0 <= x < alpha, else 0; grad_alpha sums grad_y over the elements
    with x >= alpha (+inf included) per group (a float per tensor, a float32 array per
    channel). NaN contributes to neither.
    """

def khot_project(
    x: npt.NDArray[np.float32],
    ty: str,
    k: int,
    form: Literal["binary", "csd"] = "csd",
) -> npt.NDArray[np.float32]:
    """K-hot (multiplier-free) projection: each element of ``x`` (float32) is cast into the
    fixed-point type ``ty`` (as :func:`fixed_cast`), its raw integer replaced by the
    nearest raw integer of the type that is a sum of at most ``k`` powers of two, and the
    value returned as float32.

    ``form="binary"``: at most k one-bits in the magnitude; ``"csd"``: at most k nonzero
    digits in the canonical signed-digit form (terms +-2^e). Ties go to the smaller
    magnitude; the result always lies in the type's range (k = 0 gives 0).
    """

def khot_backward(
    x: npt.NDArray[np.float32],
    grad_y: npt.NDArray[np.float32],
    ty: str,
) -> npt.NDArray[np.float32]:
    """The straight-through gradient of :func:`khot_project`: ``grad_y`` where the cast of
    ``x`` into ``ty`` is not clamped by the overflow mode (``WRAP`` modes and +-inf under
    them pass), 0 where it saturates or is zeroed and where x is NaN.
    """

def block_quantize(
    x: npt.NDArray[np.float32],
    fmt: str,
    rounding: Rounding = "rne",
    seed: Optional[int] = None,
    axis: int = -1,
    tensor_scale: Optional[float] = None,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """Quantizes ``x`` (float32) into the block format ``fmt``: ``(scales, codes)``.

    ``fmt`` is a preset (``mxfp8_e4m3``, ``mxfp8_e5m2``, ``mxfp6_e3m2``, ``mxfp6_e2m3``,
    ``mxfp4_e2m1``, ``mxint8``, ``nvfp4``) or ``bfp<N>`` (N = 2 to 8). Blocks run along
    ``axis``: each line of ``x`` along it is cut into blocks of the format's size (the
    last one possibly shorter) that share one scale, chosen exactly from the block's
    largest magnitude; each element is the quotient value / scale rounded once by
    ``rounding`` (stochastic modes need ``seed``, drawn line after line in C order of the
    other axes), saturating at +-max. A block holding a NaN gets the NaN scale, ±inf
    counts as the largest magnitude, an all-zero block the smallest scale.

    ``codes`` (uint8, unpacked, one per element) has the shape of ``x``; ``scales`` (uint8
    scale codes, E8M0 for the MX formats) the shape of ``x`` with the ``axis`` length
    replaced by the number of blocks. ``nvfp4`` has in addition one float32 scale per
    tensor: ``tensor_scale``, by default :func:`block_tensor_scale` of ``x``, which
    :func:`block_dequantize` needs again.
    """

def block_dequantize(
    scales: npt.NDArray[np.uint8],
    codes: npt.NDArray[np.uint8],
    fmt: str,
    axis: int = -1,
    tensor_scale: Optional[float] = None,
) -> npt.NDArray[np.float32]:
    """The values of ``(scales, codes)`` of :func:`block_quantize` (blocks along ``axis``):
    element x scale (x the tensor scale), exact, rounded once to float32. A NaN scale
    makes its whole block NaN. ``tensor_scale`` is required for formats that have one
    (``nvfp4``) and ignored otherwise. Shape mismatches are a ValueError.
    """

def block_chop(
    x: npt.NDArray[np.float32],
    fmt: str,
    rounding: Rounding = "rne",
    seed: Optional[int] = None,
    axis: int = -1,
    tensor_scale: Optional[float] = None,
) -> npt.NDArray[np.float32]:
    """``x`` quantized into ``fmt`` and back: :func:`block_dequantize` of
    :func:`block_quantize`, in one call, with the same arguments (the tensor scale of
    ``nvfp4`` by default that of the whole of ``x``).
    """

def block_tensor_scale(x: npt.NDArray[np.float32], fmt: str) -> float:
    """The per-tensor scale of ``x`` (float32, any shape) in a block format that has one
    (``nvfp4``: amax(x) / (448 * 6)), else 1.0.
    """

MathFunction = Literal[
    "exp", "exp2", "exp10", "expm1", "log", "log2", "log10", "log1p", "rsqrt",
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
    "asinh", "acosh", "atanh", "erf", "erfc",
]

def math(
    name: MathFunction,
    codes: npt.ArrayLike,
    fmt: str,
    rounding: Rounding = "rne",
    overflow: OverflowPolicy = "ieee",
    seed: Optional[int] = None,
    random_bits: Optional[int] = None,
) -> np.ndarray:
    """The elementary function ``name`` of the values of ``codes`` in the format ``fmt``,
    each correctly rounded into ``fmt``: the exact f(x) rounded once, as
    ``lowprec op NAME`` computes it.

    ``codes`` is an unsigned integer array of codes (any shape and strides; codes with
    bits above the format's width are a ValueError) or an array of the format's
    ml_dtypes dtype. The result has the shape of ``codes``: codes in the smallest
    unsigned dtype that holds the format's width, or in the ml_dtypes dtype when
    ``codes`` came in it. ``rounding``, ``overflow``, ``seed`` and ``random_bits`` are
    as in :func:`encode` (stochastic modes draw in C order, nothing for exact results).

    Special values follow IEEE 754: NaN for arguments outside the domain (log of a
    negative, atanh 2, ...), infinities for exact infinite results (log 0), a quiet NaN
    for a signaling NaN. ``sin``, ``cos``, ``tan`` take radians.
    """

def math_functions() -> list[str]:
    """The names :func:`math` takes."""

def math2(
    name: Literal["pow", "atan2", "hypot"],
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    fmt: str,
    rounding: Rounding = "rne",
    overflow: OverflowPolicy = "ieee",
    seed: Optional[int] = None,
    random_bits: Optional[int] = None,
) -> np.ndarray:
    """The two-argument function ``name`` of the values of the codes ``a`` and ``b`` (one
    shape) in the format ``fmt``, element-wise, each correctly rounded into ``fmt`` as
    ``lowprec op NAME`` computes it: ``pow`` a^b (IEEE 754 pow), ``atan2`` the angle of
    the point (b, a) (a is y, b is x), ``hypot`` sqrt(a^2 + b^2). Codes, result dtype and
    the other arguments as in :func:`math`.
    """

def math2_functions() -> list[str]:
    """The names :func:`math2` takes."""

def exp(
    codes: npt.ArrayLike,
    fmt: str,
    rounding: Rounding = "rne",
    overflow: OverflowPolicy = "ieee",
    seed: Optional[int] = None,
    random_bits: Optional[int] = None,
) -> np.ndarray:
    """e^x of the values of ``codes`` in ``fmt``, correctly rounded:
    :func:`math` ``("exp", ...)``.
    """

def log(
    codes: npt.ArrayLike,
    fmt: str,
    rounding: Rounding = "rne",
    overflow: OverflowPolicy = "ieee",
    seed: Optional[int] = None,
    random_bits: Optional[int] = None,
) -> np.ndarray:
    """ln x of the values of ``codes`` in ``fmt``, correctly rounded:
    :func:`math` ``("log", ...)``.
    """

def tanh(
    codes: npt.ArrayLike,
    fmt: str,
    rounding: Rounding = "rne",
    overflow: OverflowPolicy = "ieee",
    seed: Optional[int] = None,
    random_bits: Optional[int] = None,
) -> np.ndarray:
    """tanh x of the values of ``codes`` in ``fmt``, correctly rounded:
    :func:`math` ``("tanh", ...)``.
    """

def erf(
    codes: npt.ArrayLike,
    fmt: str,
    rounding: Rounding = "rne",
    overflow: OverflowPolicy = "ieee",
    seed: Optional[int] = None,
    random_bits: Optional[int] = None,
) -> np.ndarray:
    """erf x of the values of ``codes`` in ``fmt``, correctly rounded:
    :func:`math` ``("erf", ...)``.
    """
