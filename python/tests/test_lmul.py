"""lmul and lmul_matmul against the `lowprec op lmul` command line and a numpy
reference of the accumulation."""

import ml_dtypes
import numpy as np
import pytest

import lowprec


def cli_lmul(cli, fmt, a, b, mode, k=None, overflow="ieee"):
    args = ["op", "lmul", "--format", fmt, "--lmul-mode", mode, "--overflow", overflow]
    if k is not None:
        args += ["--k", str(k)]
    lines = cli(args, [f"{x:x} {y:x}" for x, y in zip(a.tolist(), b.tolist())])
    return np.array([int(line.split()[0], 16) for line in lines], dtype=np.uint64)


@pytest.mark.parametrize("mode", ["guarded", "paper"])
@pytest.mark.parametrize("overflow", ["ieee", "satfinite"])
def test_every_e4m3fn_pair_matches_the_cli(cli, mode, overflow):
    a, b = np.meshgrid(np.arange(256, dtype=np.uint8), np.arange(256, dtype=np.uint8))
    a, b = a.ravel(), b.ravel()
    got = lowprec.lmul(a, b, "e4m3fn", mode=mode, overflow=overflow)
    assert got.dtype == np.uint8 and got.shape == a.shape
    assert np.array_equal(got.astype(np.uint64), cli_lmul(cli, "e4m3fn", a, b, mode, overflow=overflow))


@pytest.mark.parametrize("fmt", ["bf16", "fp16", "e5m2", "e2m1", "fp32"])
@pytest.mark.parametrize("mode", ["guarded", "paper"])
@pytest.mark.parametrize("k", [None, 0, 2, 5])
def test_random_pairs_match_the_cli(cli, fmt, mode, k):
    width = lowprec.format_info(fmt)["width"]
    rng = np.random.default_rng(width)
    dt = {4: np.uint8, 8: np.uint8, 16: np.uint16, 32: np.uint32}[width]
    a = rng.integers(0, 1 << width, size=4000, dtype=np.uint64).astype(dt)
    b = rng.integers(0, 1 << width, size=4000, dtype=np.uint64).astype(dt)
    got = lowprec.lmul(a.reshape(40, 100), b.reshape(40, 100), fmt, mode=mode, k=k)
    assert got.dtype == dt and got.shape == (40, 100)
    assert np.array_equal(got.ravel().astype(np.uint64), cli_lmul(cli, fmt, a, b, mode, k))


def test_lmul_golden_values_and_ml_dtypes_inputs():
    e4 = ml_dtypes.float8_e4m3fn
    a = np.array([1.5, 1.75, -2.0, 0.0, 448.0], e4)
    b = np.array([1.5, 1.0, 3.0, 448.0, 2.0], e4)
    # 1.5 * 1.5: fractions .5 + .5 + 2^-3 carry: 2.25; 1.75 * 1: 1 + .75 + 2^-3 = 1.875;
    # -2 * 3: -(1 + .5 + 2^-3) * 4 = -6.5; 0 * 448 = 0 (guarded); 448 * 2
    # overflows: NaN under ieee (E4M3FN has no inf), 448 under satfinite.
    r = lowprec.decode(lowprec.lmul(a, b, "e4m3fn"), "e4m3fn")
    assert r[:4].tolist() == [2.25, 1.875, -6.5, 0.0] and np.isnan(r[4])
    r = lowprec.decode(lowprec.lmul(a, b, "e4m3fn", overflow="satfinite"), "e4m3fn")
    assert r[4] == 448.0
    f32 = lambda x: np.array(x, np.float32).view(np.uint32)  # noqa: E731
    # The paper's form: fp32 0 * 0 = 4.25.
    assert lowprec.lmul(f32([0.0]), f32([0.0]), "fp32", mode="paper").view(np.float32)[0] == 4.25
    assert lowprec.lmul(f32([1.75]), f32([1.75]), "fp32", mode="paper").view(np.float32)[0] == 3.125


def lmul_reference(a, b, fmt, acc_dtype, mode="guarded", k=None):
    """The L-Mul matrix product computed with `lowprec.lmul` for the products and numpy
    scalars for the sums: left to right from +0, each sum correctly rounded in acc_dtype."""
    ca, cb = lowprec.encode(a, fmt), lowprec.encode(b, fmt)
    m, kk = a.shape
    n = b.shape[1]
    prods = lowprec.decode(
        lowprec.lmul(np.repeat(ca[:, :, None], n, 2), np.repeat(cb[None, :, :], m, 0), fmt, mode=mode, k=k), fmt
    )
    out = np.zeros((m, n), acc_dtype)
    for i in range(m):
        for j in range(n):
            s = acc_dtype(0.0)
            for p in range(kk):
                s = acc_dtype(s + acc_dtype(prods[i, p, j]))
            out[i, j] = s
    return out


@pytest.mark.parametrize("fmt", ["e4m3fn", "bf16", "e5m2"])
@pytest.mark.parametrize("mode", ["guarded", "paper"])
def test_lmul_matmul_matches_the_reference(fmt, mode):
    rng = np.random.default_rng(7)
    a = rng.standard_normal((9, 17)).astype(np.float32)
    b = rng.standard_normal((17, 5)).astype(np.float32)
    got = lowprec.lmul_matmul(a, b, fmt, mode=mode)
    assert got.dtype == np.float32 and got.shape == (9, 5)
    assert np.array_equal(got, lmul_reference(a, b, fmt, np.float32, mode), equal_nan=True)
    got64 = lowprec.lmul_matmul(a, b, fmt, mode=mode, accumulator="fp64")
    assert got64.dtype == np.float64
    assert np.array_equal(got64, lmul_reference(a, b, fmt, np.float64, mode), equal_nan=True)
    # k = 1 fraction bit kept.
    assert np.array_equal(lowprec.lmul_matmul(a, b, fmt, mode=mode, k=1), lmul_reference(a, b, fmt, np.float32, mode, k=1), equal_nan=True)
    # float64 operands are rounded into fmt directly.
    assert np.array_equal(lowprec.lmul_matmul(a.astype(np.float64), b, fmt, mode=mode), got, equal_nan=True)


def test_lmul_matmul_accumulators():
    # The lowprec crate's own example: bf16 powers of two, products exact * (1 + 2^-4).
    a = np.array([[1.0, 2.0], [0.5, -1.0]], np.float32)
    b = np.array([[1.0, 0.0], [1.0, 4.0]], np.float32)
    assert lowprec.lmul_matmul(a, b, "bf16").tolist() == [[3.1875, 8.5], [-0.53125, -4.25]]
    # E4M3FN accumulation (the paper's fp8 run): 1.125 + 2.25 = 3.375 -> 3.5, + 6.5 = 10.
    a = np.array([[1.0, 1.5, 2.0]], np.float32)
    b = np.array([[1.0], [1.5], [3.0]], np.float32)
    assert lowprec.lmul_matmul(a, b, "e4m3fn").tolist() == [[9.875]]
    assert lowprec.lmul_matmul(a, b, "e4m3fn", accumulator="e4m3fn").tolist() == [[10.0]]
    assert lowprec.lmul_matmul(a, b, "e4m3fn", accumulator="e4m3fn", acc_rounding="rtz").tolist() == [[9.0]]


def test_lmul_errors():
    a = np.zeros(4, np.uint8)
    with pytest.raises(ValueError, match="shape"):
        lowprec.lmul(a, np.zeros(5, np.uint8), "e4m3fn")
    with pytest.raises(ValueError, match="bad L-Mul mode \"exact\""):
        lowprec.lmul(a, a, "e4m3fn", mode="exact")
    with pytest.raises(ValueError, match="k must be"):
        lowprec.lmul(a, a, "e4m3fn", k=-1)
    with pytest.raises(ValueError, match="k must be"):
        lowprec.lmul(a, a, "e4m3fn", k=1.5)
    with pytest.raises(ValueError, match="unknown overflow policy"):
        lowprec.lmul(a, a, "e4m3fn", overflow="wrap")
    with pytest.raises(ValueError, match="unsigned integer codes"):
        lowprec.lmul(np.zeros(4, np.float32), a, "e4m3fn")
    with pytest.raises(ValueError, match="wider than the 8-bit format"):
        lowprec.lmul(np.array([256], np.uint16), np.array([1], np.uint16), "e4m3fn")
    x = np.ones((3, 4), np.float32)
    with pytest.raises(ValueError, match="inner dimensions"):
        lowprec.lmul_matmul(x, x, "bf16")
    with pytest.raises(ValueError, match="2-D"):
        lowprec.lmul_matmul(np.ones(3, np.float32), x, "bf16")
    with pytest.raises(ValueError, match="float32 or float64"):
        lowprec.lmul_matmul(np.ones((3, 4), np.int32), x.T, "bf16")
    with pytest.raises(ValueError, match="stochastic"):
        lowprec.lmul_matmul(x, x.T, "bf16", acc_rounding="sr")
    with pytest.raises(ValueError, match="bad format"):
        lowprec.lmul_matmul(x, x.T, "bf16", accumulator="fp99")
