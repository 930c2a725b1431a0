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
