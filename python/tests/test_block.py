"""Block formats: block_quantize / block_dequantize / block_chop against gfloat 0.5.2's
OCP MX block quantization (its scale rule and element rounding, and its literal
quantize_block calls), along any axis, and the errors."""

import warnings
import zlib

import numpy as np
import pytest

import lowprec

gfloat = pytest.importorskip("gfloat")
from gfloat import formats as gformats  # noqa: E402

MX = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"]
MODES = {
    "rne": "TiesToEven",
    "rna": "TiesToAway",
    "rtz": "TowardZero",
    "rup": "TowardPositive",
    "rdn": "TowardNegative",
}


def seed_of(*parts):
    """A seed that depends on the test's parameters only (str hashes vary per run)."""
    return zlib.crc32(repr(parts).encode())


def random_blocks(rng, n_blocks, k=32):
    """Blocks whose largest magnitude spans many binades, with elements far below it,
    and grid points of a known scale."""
    amax_exp = rng.integers(-60, 60, n_blocks)
    rel = rng.standard_normal((n_blocks, k)) * 2.0 ** rng.integers(-12, 1, (n_blocks, k))
    x = rel * 2.0 ** amax_exp[:, None]
    grid = (rng.integers(-64, 64, (4, k)) / 8.0) * 2.0 ** rng.integers(-3, 4, (4, 1))
    return np.concatenate([x, grid]).astype(np.float32)


def gfloat_block(preset, blocks, mode):
    """(scale codes, element codes, values) by gfloat's scale rule and element rounding."""
    fi = getattr(gformats, f"format_info_{preset}")
    rnd = getattr(gfloat.RoundMode, MODES[mode])
    b = blocks.astype(np.float64)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scales = np.array([gfloat.compute_scale_amax(fi.etype.emax, r) for r in b])
        r = gfloat.round_ndarray(fi.etype, (b / scales[:, None]).reshape(-1), rnd, True)
        codes = gfloat.encode_ndarray(fi.etype, r)
        scode = gfloat.encode_ndarray(fi.stype, gfloat.round_ndarray(fi.stype, scales, rnd, True))
        sval = gfloat.decode_ndarray(fi.stype, scode)
        vals = sval[:, None] * gfloat.decode_ndarray(fi.etype, codes).reshape(b.shape)
    return scode.astype(np.uint8), codes.astype(np.uint8).reshape(b.shape), vals


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("preset", MX)
def test_against_gfloat(preset, mode):
    rng = np.random.default_rng(seed_of(preset, mode))
    blocks = random_blocks(rng, 300)
    scales, codes = lowprec.block_quantize(blocks, preset, rounding=mode)
    assert scales.shape == (blocks.shape[0], 1) and codes.shape == blocks.shape
    assert scales.dtype == np.uint8 and codes.dtype == np.uint8
    want_s, want_c, want_v = gfloat_block(preset, blocks, mode)
    np.testing.assert_array_equal(scales[:, 0], want_s)
    np.testing.assert_array_equal(codes, want_c)
    vals = lowprec.block_dequantize(scales, codes, preset)
    np.testing.assert_array_equal(vals.astype(np.float64), want_v.astype(np.float32))
    np.testing.assert_array_equal(lowprec.block_chop(blocks, preset, rounding=mode), vals)


@pytest.mark.parametrize("preset", MX)
def test_against_gfloat_quantize_block(preset):
    fi = getattr(gformats, f"format_info_{preset}")
    rng = np.random.default_rng(7)
    blocks = random_blocks(rng, 40)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = np.array(
            [
                gfloat.quantize_block(
                    fi, b.astype(np.float64), gfloat.compute_scale_amax, gfloat.RoundMode.TiesToEven
                )
                for b in blocks
            ]
        )
    np.testing.assert_array_equal(lowprec.block_chop(blocks, preset), want.astype(np.float32))


@pytest.mark.parametrize("preset", MX + ["nvfp4", "bfp8", "bfp4"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_axes_and_chop(preset, axis):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((40, 3, 37)) * 10).astype(np.float32)
    g = lowprec.block_tensor_scale(x, preset)
    scales, codes = lowprec.block_quantize(x, preset, axis=axis)
    assert codes.shape == x.shape
    n = x.shape[axis]
    want_shape = list(x.shape)
    want_shape[axis] = scales.shape[axis]
    assert list(scales.shape) == want_shape
    block = 16 if preset in ("nvfp4", "bfp8", "bfp4") else 32
    assert scales.shape[axis] == -(-n // block)
    vals = lowprec.block_dequantize(scales, codes, preset, axis=axis, tensor_scale=g)
    np.testing.assert_array_equal(lowprec.block_chop(x, preset, axis=axis), vals)
    # The same as quantizing each block run on its own, axis last.
    moved = np.moveaxis(x, axis, -1)
    s0, c0 = lowprec.block_quantize(
        np.ascontiguousarray(moved[1, 2]), preset, tensor_scale=g
    )
    np.testing.assert_array_equal(np.moveaxis(codes, axis, -1)[1, 2], c0)
    np.testing.assert_array_equal(np.moveaxis(scales, axis, -1)[1, 2], s0)


def test_stochastic_is_seeded():
    x = np.full(64, 0.3, np.float32)
    a = lowprec.block_chop(x, "mxfp4_e2m1", rounding="sr", seed=3)
    b = lowprec.block_chop(x, "mxfp4_e2m1", rounding="sr", seed=3)
    np.testing.assert_array_equal(a, b)
    assert set(a.tolist()) == {0.25, 0.375}
    with pytest.raises(ValueError, match="seed"):
        lowprec.block_quantize(x, "mxfp4_e2m1", rounding="sr")


def test_examples_and_specials():
    s, c = lowprec.block_quantize(np.array([1.0, -0.3, 5.0, 100.0], np.float32), "mxfp4_e2m1")
    assert s.tolist() == [131] and c.tolist() == [0, 8, 1, 7]
    codes = np.array([1, 7, 15], np.uint8)
    v = lowprec.block_dequantize(np.array([0xFF], np.uint8), codes, "mxfp4_e2m1")
    assert np.isnan(v).all()
    s, _ = lowprec.block_quantize(np.zeros(5, np.float32), "mxfp8_e4m3")
    assert s.tolist() == [0]


def test_errors():
    x = np.ones((2, 40), np.float32)
    with pytest.raises(ValueError, match="bad block format"):
        lowprec.block_quantize(x, "mxfp9")
    with pytest.raises(ValueError, match="rounding"):
        lowprec.block_quantize(x, "mxfp8_e4m3", rounding="nearest")
    with pytest.raises(ValueError, match="float32"):
        lowprec.block_quantize(x.astype(np.float64), "mxfp8_e4m3")
    with pytest.raises(ValueError, match="out of range"):
        lowprec.block_chop(x, "mxfp8_e4m3", axis=2)
    s, c = lowprec.block_quantize(x, "mxfp8_e4m3")
    with pytest.raises(ValueError, match="scales"):
        lowprec.block_dequantize(s[:, :1].repeat(3, axis=1), c, "mxfp8_e4m3")
    with pytest.raises(ValueError, match="differ outside"):
        lowprec.block_dequantize(s[:1], c, "mxfp8_e4m3")
    with pytest.raises(ValueError, match="uint8"):
        lowprec.block_dequantize(s.astype(np.uint16), c, "mxfp8_e4m3")
    with pytest.raises(ValueError, match="tensor_scale"):
        lowprec.block_dequantize(*lowprec.block_quantize(x, "nvfp4"), "nvfp4")
