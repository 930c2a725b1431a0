"""The QAT quantizers: qfx_forward against fixed_cast + fixed_to_float of the effective
ap_fixed type, the backward passes against the closed forms of their gradient tables,
LSQ, PACT and K-hot projection against their formulas, and the errors."""

import math
import zlib

import numpy as np
import pytest

import lowprec

QS = [
    "AP_TRN", "AP_TRN_ZERO", "AP_RND", "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF", "AP_RND_CONV",
]
OS = ["AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM", "AP_WRAP", "AP_WRAP_SM", "AP_WRAP,2"]
LN2 = math.log(2.0)


def seed_of(*parts):
    """A seed that depends on the test's parameters only (str hashes vary per run)."""
    return zlib.crc32(repr(parts).encode())


def fixed_type(width, frac, signed, q, o):
    name = "ap_fixed" if signed else "ap_ufixed"
    if q.startswith("AC_"):
        name = "ac_fixed"
        return f"{name}<{width},{width - frac},{'true' if signed else 'false'},{q},{o}>"
    return f"{name}<{width},{width - frac},{q},{o}>"


def cast(x, width, frac, signed=True, q="AP_RND", o="AP_SAT"):
    """The cast of float32 x into the effective type, as float32 (exact for W <= 24)."""
    ty = fixed_type(width, frac, signed, q, o)
    return lowprec.fixed_to_float(lowprec.fixed_cast(x, ty), ty).astype(np.float32)


def inputs(rng, width, frac, n=400):
    """Random values across and beyond the range, and exact ties of the LSB."""
    lsb = 2.0**-frac
    top = 2.0 ** (width - frac)
    rand = rng.standard_normal(n) * top * rng.choice([0.05, 0.5, 2.0], n)
    ties = (rng.integers(-(2**width), 2**width, n) + 0.5) * lsb
    special = [0.0, -0.0, top / 2, -top / 2, top, -top, lsb / 2, -lsb / 2]
    return np.concatenate([rand, ties, special]).astype(np.float32)


@pytest.mark.parametrize("signed", [True, False])
@pytest.mark.parametrize("o", OS)
@pytest.mark.parametrize("q", QS)
def test_forward_is_the_cast(q, o, signed):
    if o.startswith("AP_WRAP_SM") and not signed:
        pytest.skip("AP_WRAP_SM is signed only")
    rng = np.random.default_rng(seed_of(q, o, signed))
    for width, latent in [(8, 3.4), (4, 2.5), (6, -1.0), (12, 9.6), (1, 0.0)]:
        frac = round(latent)  # round half even, as the quantizer rounds the latent
        if width == 1 and (o.endswith(",2") or (signed and o.startswith("AP_WRAP_SM"))):
            continue
        x = inputs(rng, width, frac)
        y = lowprec.qfx_forward(x, width, latent, signed=signed, q=q, o=o)
        assert y.dtype == np.float32 and y.shape == x.shape
        np.testing.assert_array_equal(y, cast(x, width, frac, signed, q, o))


@pytest.mark.parametrize("q", ["AC_TRN", "AC_RND", "AC_RND_CONV", "AC_RND_CONV_ODD"])
@pytest.mark.parametrize("o", ["AC_SAT", "AC_SAT_SYM", "AC_WRAP"])
def test_forward_ac_fixed(q, o):
    rng = np.random.default_rng(5)
    x = inputs(rng, 8, 4)
    y = lowprec.qfx_forward(x, 8, 4.0, q=q, o=o)
    np.testing.assert_array_equal(y, cast(x, 8, 4, True, q, o))


def test_forward_non_finite_and_shapes():
    x = np.array([[np.inf, -np.inf], [np.nan, 1.0]], np.float32)
    y = lowprec.qfx_forward(x, 8, 4.0)
    np.testing.assert_array_equal(y, cast(x, 8, 4))
    # Non-contiguous input, 0-d and empty arrays.
    big = np.arange(24, dtype=np.float32).reshape(4, 6) / 7
    np.testing.assert_array_equal(lowprec.qfx_forward(big[:, ::2], 6, 3.0), cast(big[:, ::2], 6, 3))
    assert lowprec.qfx_forward(np.float32(0.3), 4, 3.0).shape == ()
    assert lowprec.qfx_forward(np.zeros((0, 3), np.float32), 4, 3.0).shape == (0, 3)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_forward_per_channel(axis):
    rng = np.random.default_rng(11)
    x = (rng.standard_normal((3, 4, 5)) * 4).astype(np.float32)
    n = x.shape[axis]
    latent = rng.uniform(-1, 7, n).astype(np.float32)
    y = lowprec.qfx_forward(x, 6, latent, q="AP_RND_CONV", o="AP_SAT", axis=axis)
    assert y.shape == x.shape
    for c in range(n):
        xs = np.take(x, c, axis=axis)
        want = cast(xs, 6, int(np.round(latent[c])), True, "AP_RND_CONV", "AP_SAT")
        np.testing.assert_array_equal(np.take(y, c, axis=axis), want)


def closed_form_backward(x, g, width, frac, signed, q, o):
    """(grad_x, grad_F) of the region table, with the overflow region read off a wide cast
    (the rounded code before any overflow handling) and y, r as exact float64 values."""
    ty = fixed_type(width, frac, signed, q, o)
    wide = fixed_type(width + 24, frac, True, q, "AP_SAT")
    raw = lowprec.fixed_cast(x, wide).astype(np.float64)  # the rounded code, unbounded
    y = lowprec.fixed_to_float(lowprec.fixed_cast(x, ty), ty)
    lo = -(2 ** (width - 1)) if signed else 0
    hi = 2 ** (width - 1) - 1 if signed else 2**width - 1
    if o == "AP_SAT_SYM" and signed:
        lo += 1
    over = (raw < lo) | (raw > hi)
    xd, gd = x.astype(np.float64), g.astype(np.float64)
    r = raw * 2.0**-frac
    if o.startswith("AP_WRAP"):
        gx = g.copy()
        gf = gd * (-LN2 * (r - xd))
    elif o == "AP_SAT_ZERO":
        gx = np.where(over, 0, g).astype(np.float32)
        gf = np.where(over, 0.0, gd * (-LN2 * (y - xd)))
    else:
        gx = np.where(over, 0, g).astype(np.float32)
        gf = np.where(over, gd * (-LN2 * y), gd * (-LN2 * (y - xd)))
    return gx, gf.sum()


@pytest.mark.parametrize("signed", [True, False])
@pytest.mark.parametrize("o", ["AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM", "AP_WRAP"])
@pytest.mark.parametrize("q", QS)
def test_backward_closed_form(q, o, signed):
    rng = np.random.default_rng(seed_of(q, o, signed, "bw"))
    for width, frac in [(8, 3), (5, 1), (10, 8)]:
        x = inputs(rng, width, frac, 200)
        g = rng.standard_normal(x.size).astype(np.float32)
        gx, gf = lowprec.qfx_backward(x, g, width, float(frac), signed=signed, q=q, o=o)
        want_gx, want_gf = closed_form_backward(x, g, width, frac, signed, q, o)
        np.testing.assert_array_equal(gx, want_gx)
        assert isinstance(gf, float)
        assert gf == pytest.approx(want_gf, rel=1e-6, abs=1e-9)


def test_backward_non_finite_and_grad_scale():
    x = np.array([np.nan, np.inf, -np.inf, 0.3], np.float32)
    g = np.ones(4, np.float32)
    gx, gf = lowprec.qfx_backward(x, g, 4, 3.0)
    np.testing.assert_array_equal(gx, [0, 0, 0, 1])
    assert gf == pytest.approx(-LN2 * (0.25 - float(np.float32(0.3))), rel=1e-6)
    # 1/sqrt(N q_max): N = 4, q_max = 7.
    _, gs = lowprec.qfx_backward(x, g, 4, 3.0, grad_scale=True)
    assert gs == pytest.approx(gf / math.sqrt(4 * 7), rel=1e-6)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_backward_per_channel(axis):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((4, 3, 5)) * 3).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    n = x.shape[axis]
    latent = np.arange(n, dtype=np.float32) + 1
    gx, gf = lowprec.qfx_backward(x, g, 5, latent, axis=axis)
    assert gx.shape == x.shape and gf.shape == (n,) and gf.dtype == np.float32
    for c in range(n):
        xs, gs = np.take(x, c, axis=axis), np.take(g, c, axis=axis)
        want_gx, want_gf = lowprec.qfx_backward(xs, gs, 5, float(latent[c]))
        np.testing.assert_array_equal(np.take(gx, c, axis=axis), want_gx)
        assert gf[c] == pytest.approx(want_gf, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"q": "AP_ROUND"}, "quantization mode"),
        ({"q": "RND"}, "quantization mode"),
        ({"o": "AP_SATURATE"}, "overflow mode"),
        ({"o": "AP_WRAP,x"}, "overflow mode"),
        ({"q": "AC_RND", "o": "AP_SAT"}, "families"),
        ({"width": 0}, "width"),
        ({"width": 33}, "width"),
        ({"frac_bits": float("nan")}, "invalid parameter"),
        ({"frac_bits": np.zeros(3, np.float32)}, "scalar"),
    ],
)
def test_qfx_errors(kwargs, match):
    args = {"x": np.ones(4, np.float32), "width": 8, "frac_bits": 4.0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        lowprec.qfx_forward(**args)


def test_qfx_shape_errors():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(ValueError, match="one value per channel"):
        lowprec.qfx_forward(x, 8, np.zeros(2, np.float32), axis=1)
    with pytest.raises(ValueError, match="out of range"):
        lowprec.qfx_forward(x, 8, np.zeros(2, np.float32), axis=2)
    with pytest.raises(ValueError, match="shape"):
        lowprec.qfx_backward(x, np.ones(6, np.float32), 8, 4.0)
    with pytest.raises(ValueError, match="float32"):
        lowprec.qfx_forward(x.astype(np.float64), 8, 4.0)
    with pytest.raises(ValueError, match="invalid parameter"):
        lowprec.qfx_forward(x, 8, np.array([1.0, np.nan, 2.0], np.float32), axis=1)


def lsq_closed(v, s, g, bits, signed, scale):
    qn = 2 ** (bits - 1) if signed else 0
    qp = 2 ** (bits - 1) - 1 if signed else 2**bits - 1
    r = v.astype(np.float64) / s
    inside = (r > -qn) & (r < qp)
    y = np.where(inside, np.round(r), np.where(r <= -qn, -qn, qp)) * s
    gv = np.where(inside, g, 0).astype(np.float32)
    ds = np.where(inside, np.round(r) - r, np.where(r <= -qn, -qn, qp))
    gs = (g.astype(np.float64) * ds).sum()
    if scale:
        gs /= math.sqrt(v.size * qp)
    return (y + 0.0).astype(np.float32), gv, gs


@pytest.mark.parametrize("bits, signed", [(4, True), (2, False), (8, True), (3, False)])
def test_lsq(bits, signed):
    rng = np.random.default_rng(bits)
    s = 0.25
    v = np.concatenate([rng.standard_normal(300) * 2 ** (bits - 2), (np.arange(-20, 20) + 0.5) * s])
    v = v.astype(np.float32)
    g = rng.standard_normal(v.size).astype(np.float32)
    y = lowprec.lsq_forward(v, s, bits, signed)
    want_y, want_gv, want_gs = lsq_closed(v, s, g, bits, signed, True)
    np.testing.assert_array_equal(y, want_y)
    gv, gs = lowprec.lsq_backward(v, s, g, bits, signed)
    np.testing.assert_array_equal(gv, want_gv)
    assert gs == pytest.approx(want_gs, rel=1e-6)
    _, gs0 = lowprec.lsq_backward(v, s, g, bits, signed, grad_scale=False)
    assert gs0 == pytest.approx(lsq_closed(v, s, g, bits, signed, False)[2], rel=1e-6)


def test_lsq_per_channel_and_errors():
    v = np.array([[0.375, 9.0], [0.5, -2.0]], np.float32)
    gv, gs = lowprec.lsq_backward(
        v, np.array([0.5, 2.0], np.float32), np.ones_like(v), 2, False, axis=1, grad_scale=False
    )
    np.testing.assert_array_equal(gv, [[1, 0], [1, 0]])
    np.testing.assert_array_equal(gs, [0.25, 3.0])
    y = lowprec.lsq_forward(
        np.array([[0.4, 9.0], [0.4, 9.0]], np.float32), np.array([0.5, 2.0]), 2, False, axis=0
    )
    np.testing.assert_array_equal(y, [[0.5, 1.5], [0.0, 6.0]])
    with pytest.raises(ValueError, match="LSQ"):
        lowprec.lsq_forward(v, 0.5, 1, True)
    with pytest.raises(ValueError, match="invalid parameter"):
        lowprec.lsq_forward(v, -0.5, 4)


def test_pact():
    rng = np.random.default_rng(9)
    alpha, bits = 3.0, 3
    n = 2**bits - 1
    x = np.concatenate([rng.uniform(-2, 5, 300), np.arange(8) * alpha / n + alpha / (2 * n)])
    x = np.concatenate([x, [np.inf, -np.inf, alpha]]).astype(np.float32)
    g = rng.standard_normal(x.size).astype(np.float32)
    y = lowprec.pact_forward(x, alpha, bits)
    c = np.clip(x.astype(np.float64), 0, alpha)
    want = (np.round(c * n / alpha) * alpha / n).astype(np.float32)
    np.testing.assert_array_equal(y, want)
    gx, ga = lowprec.pact_backward(x, alpha, g, bits)
    xd = x.astype(np.float64)
    np.testing.assert_array_equal(gx, np.where((xd >= 0) & (xd < alpha), g, 0).astype(np.float32))
    assert ga == pytest.approx(g[xd >= alpha].astype(np.float64).sum(), rel=1e-6)
    # Per channel, and the errors.
    gx, ga = lowprec.pact_backward(
        np.array([[0.0, 1.0], [2.0, np.inf]], np.float32),
        np.array([1.0, 2.0], np.float32),
        np.array([[1, 2], [3, 4]], np.float32),
        4,
        axis=0,
    )
    np.testing.assert_array_equal(gx, [[1, 0], [0, 0]])
    np.testing.assert_array_equal(ga, [2, 7])
    with pytest.raises(ValueError, match="PACT"):
        lowprec.pact_forward(x, alpha, 0)
    with pytest.raises(ValueError, match="invalid parameter"):
        lowprec.pact_forward(x, 0.0, 4)


def csd_weight(m):
    w = 0
    while m:
        if m & 1:
            w += 1
            m -= 2 - (m & 3)  # digit +1 when m = 1 mod 4, -1 when m = 3 mod 4
        m >>= 1
    return w


def brute_khot(raw, lo, hi, k, form):
    best = None
    for c in range(lo, hi + 1):
        wt = bin(abs(c)).count("1") if form == "binary" else csd_weight(abs(c))
        if wt > k:
            continue
        key = (abs(c - raw), abs(c))
        if best is None or key < best[0]:
            best = (key, c)
    return best[1]


@pytest.mark.parametrize("form", ["binary", "csd"])
@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_khot_project_brute_force(k, form):
    ty = "ap_fixed<7,3,AP_RND_CONV,AP_SAT>"  # raw -64..63, LSB 1/16
    raws = np.arange(-64, 64)
    x = (raws / 16.0).astype(np.float32)
    y = lowprec.khot_project(x, ty, k, form)
    want = np.array([brute_khot(int(r), -64, 63, k, form) for r in raws]) / 16.0
    np.testing.assert_array_equal(y, want.astype(np.float32))


def test_khot_examples_and_errors():
    ty = "ap_fixed<8,3,AP_RND_CONV,AP_SAT>"
    y = lowprec.khot_project(np.array([0.9, -1.3, 100.0, np.nan], np.float32), ty, 2)
    np.testing.assert_array_equal(y, [0.875, -1.25, 3.96875, 3.96875])
    x = np.array([0.3, 1.8, 1.9, np.nan], np.float32)
    g = lowprec.khot_backward(x, np.ones(4, np.float32), "ap_fixed<4,2,AP_RND,AP_SAT>")
    np.testing.assert_array_equal(g, [1, 1, 0, 0])
    with pytest.raises(ValueError, match="K-hot form"):
        lowprec.khot_project(np.ones(2, np.float32), ty, 2, "ternary")
    with pytest.raises(ValueError, match="bad type"):
        lowprec.khot_project(np.ones(2, np.float32), "ap_fixed<0,1>", 2)
    with pytest.raises(ValueError, match="shape"):
        lowprec.khot_backward(np.ones(2, np.float32), np.ones(3, np.float32), ty)
