"""The elementary functions on codes against the `lowprec op` command line: every code
of bf16, fp16 and e4m3fn through exp, log, tanh and erf, other modes and policies on a
sample, every e4m3fn pair and random bf16 pairs through pow, atan2 and hypot, and the
errors."""

import numpy as np
import pytest

import lowprec

WIDTH = {"bf16": 16, "fp16": 16, "e4m3fn": 8}


def cli_op(cli, fn, fmt, codes, *extra):
    lines = cli(["op", fn, "--format", fmt, *extra], [f"{c:x}" for c in codes.tolist()])
    return np.array([int(line.split()[0], 16) for line in lines], np.uint64)


def every_code(fmt):
    return np.arange(2 ** WIDTH[fmt], dtype=np.uint16 if WIDTH[fmt] == 16 else np.uint8)


@pytest.mark.parametrize("fn", ["exp", "log", "tanh", "erf"])
@pytest.mark.parametrize("fmt", ["bf16", "fp16", "e4m3fn"])
def test_every_code_matches_the_cli(cli, fmt, fn):
    codes = every_code(fmt)
    got = getattr(lowprec, fn)(codes, fmt)
    assert got.dtype == codes.dtype and got.shape == codes.shape
    want = cli_op(cli, fn, fmt, codes)
    np.testing.assert_array_equal(got.astype(np.uint64), want)
    np.testing.assert_array_equal(lowprec.math(fn, codes, fmt), got)


@pytest.mark.parametrize(
    "fn, rounding, overflow",
    [
        ("exp", "rup", "satfinite"),
        ("sin", "rdn", "ieee"),
        ("expm1", "rtz", "satpropagate"),
        ("atanh", "rna", "ieee"),
        ("log1p", "rno", "satfinite"),
    ],
)
def test_modes_and_policies_match_the_cli(cli, fn, rounding, overflow):
    codes = every_code("e4m3fn")
    got = lowprec.math(fn, codes, "e4m3fn", rounding=rounding, overflow=overflow)
    want = cli_op(cli, fn, "e4m3fn", codes, "--rounding", rounding, "--overflow", overflow)
    np.testing.assert_array_equal(got.astype(np.uint64), want)


def test_stochastic_matches_the_cli(cli):
    rng = np.random.default_rng(4)
    codes = rng.integers(0, 2**16, 3000).astype(np.uint16)
    got = lowprec.math("tanh", codes, "bf16", rounding="sr", seed=17, random_bits=12)
    args = ["--rounding", "sr", "--seed", "17", "--random-bits", "12"]
    want = cli_op(cli, "tanh", "bf16", codes, *args)
    np.testing.assert_array_equal(got.astype(np.uint64), want)


def cli_op2(cli, fn, fmt, a, b, *extra):
    pairs = [f"{x:x} {y:x}" for x, y in zip(a.tolist(), b.tolist())]
    lines = cli(["op", fn, "--format", fmt, *extra], pairs)
    return np.array([int(line.split()[0], 16) for line in lines], np.uint64)


@pytest.mark.parametrize("fn", ["pow", "atan2", "hypot"])
def test_every_e4m3fn_pair_matches_the_cli(cli, fn):
    a, b = np.meshgrid(every_code("e4m3fn"), every_code("e4m3fn"), indexing="ij")
    a, b = a.ravel(), b.ravel()
    got = lowprec.math2(fn, a, b, "e4m3fn")
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got.astype(np.uint64), cli_op2(cli, fn, "e4m3fn", a, b))


@pytest.mark.parametrize("fn, rounding", [("pow", "rne"), ("atan2", "rup"), ("hypot", "rtz")])
def test_random_bf16_pairs_match_the_cli(cli, fn, rounding):
    rng = np.random.default_rng(len(fn))
    a = rng.integers(0, 2**16, 5000).astype(np.uint16)
    b = rng.integers(0, 2**16, 5000).astype(np.uint16)
    got = lowprec.math2(fn, a.reshape(50, 100), b.reshape(50, 100), "bf16", rounding=rounding)
    assert got.shape == (50, 100)
    want = cli_op2(cli, fn, "bf16", a, b, "--rounding", rounding)
    np.testing.assert_array_equal(got.ravel().astype(np.uint64), want)


def test_math2_errors():
    a = np.zeros(3, np.uint16)
    assert lowprec.math2_functions() == ["pow", "atan2", "hypot"]
    with pytest.raises(ValueError, match="two-argument"):
        lowprec.math2("exp", a, a, "bf16")
    with pytest.raises(ValueError, match="shape"):
        lowprec.math2("pow", a, np.zeros(4, np.uint16), "bf16")
    with pytest.raises(ValueError, match="wider"):
        lowprec.math2("pow", a.astype(np.uint8), np.array([0, 0, 0x1FF], np.uint16), "e4m3fn")


def test_shapes_dtypes_and_names():
    codes = every_code("bf16").reshape(256, 256)[:, ::3]
    got = lowprec.exp(codes, "bf16")
    assert got.shape == codes.shape
    np.testing.assert_array_equal(got.ravel(), lowprec.exp(codes.ravel(), "bf16"))
    wide = lowprec.exp(codes.astype(np.uint64), "bf16")
    assert wide.dtype == np.uint16
    np.testing.assert_array_equal(wide, got)
    assert set(["exp", "log", "tanh", "erf", "erfc", "atanh"]) <= set(lowprec.math_functions())
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x = np.array([1.0, 2.0], ml_dtypes.bfloat16)
    y = lowprec.log(x, "bf16")
    assert y.dtype == x.dtype
    np.testing.assert_array_equal(y.view(np.uint16), lowprec.log(x.view(np.uint16), "bf16"))


def test_errors():
    codes = np.zeros(3, np.uint16)
    with pytest.raises(ValueError, match="unknown function"):
        lowprec.math("gamma", codes, "bf16")
    with pytest.raises(ValueError, match="bad format"):
        lowprec.exp(codes, "e9m9x")
    with pytest.raises(ValueError, match="wider"):
        lowprec.exp(np.array([0x100], np.uint16), "e4m3fn")
    with pytest.raises(ValueError, match="seed"):
        lowprec.exp(codes, "bf16", rounding="sr")
    with pytest.raises(ValueError, match="overflow"):
        lowprec.exp(codes, "bf16", overflow="wrap")
    with pytest.raises(ValueError, match="unsigned integer codes"):
        lowprec.exp(np.zeros(3, np.float32), "bf16")
