#!/usr/bin/env python3
"""Block quantization throughput: lowprec (benches/block.rs) beside gfloat and pychop.

Usage: bench_block.py LOWPREC_SUMMARY [SAMPLE_LOG2]

LOWPREC_SUMMARY holds the lines `name elements best-ns` that
`LOWPREC_BLOCK_SUMMARY=1 cargo bench --bench block` prints. The peers run here, on the
same input distribution (random sign and significand, exponents in 2^-6 .. 2^6), as a
user would call them on a large array:

- gfloat 0.5.2, per block (the array reshaped into blocks of 32): quantize =
  `compute_scale_amax` then `encode_block` (scale and element codes), chop =
  `quantize_block` (quantize-dequantize); and gfloat's vectorized path (one
  `compute_scale_amax` per block, then `round_ndarray` and `encode_ndarray` on the whole
  array), which is the fastest way its API offers to get the codes;
- pychop 0.6.2, `pychop.mx_formats.mx_quantize` (NumPy backend; quantize-dequantize).

The slow peers run on a smaller sample (2^SAMPLE_LOG2 elements, default 2^14; the
vectorized gfloat path on 2^18) and are reported in elements per second: their cost
per element does not depend on the array size. Prints a markdown table: elements/s,
lowprec's speed over the peer's on the same operation, and the fraction of the plain
f32 copy stream (the copy of the largest size, 2^24 elements, measured by the bench).
"""
import importlib.metadata
import sys
import time
import warnings

import numpy as np


def data(n, seed=1):
    rng = np.random.default_rng(seed)
    sig = 1.0 + rng.random(n)
    exp = rng.integers(-6, 7, n)
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return (sign * sig * np.exp2(exp)).astype(np.float32)


def rate(fn, n, min_time=1.0):
    """Elements per second: the best of repeated runs, at least min_time in total."""
    best = float("inf")
    total = 0.0
    runs = 0
    while runs < 2 or (total < min_time and runs < 50):
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        best = min(best, dt)
        total += dt
        runs += 1
    return n / best


def peers(sample_log2):
    from gfloat import (RoundMode, compute_scale_amax, encode_block, encode_ndarray,
                        quantize_block, round_ndarray)
    from gfloat import formats
    import pychop.mx_formats as pmx

    warnings.filterwarnings("ignore")
    out = {}
    n = 1 << sample_log2
    nv = 1 << (sample_log2 + 4)
    for short, fi_name, pname in [("mxfp8", "mxfp8_e4m3", "mxfp8_e4m3"),
                                  ("mxfp4", "mxfp4_e2m1", "mxfp4_e2m1")]:
        fi = getattr(formats, f"format_info_{fi_name}")
        emax = fi.etype.emax
        rnd = RoundMode.TiesToEven
        x = data(n).astype(np.float64)
        blocks = x.reshape(-1, fi.k)
        xv = data(nv).astype(np.float64)
        blocks_v = xv.reshape(-1, fi.k)

        def g_quant():
            for b in blocks:
                s = compute_scale_amax(emax, b)
                list(encode_block(fi, s, b / s, rnd))

        def g_chop():
            for b in blocks:
                quantize_block(fi, b, compute_scale_amax, rnd)

        def g_vec():
            scales = np.array([compute_scale_amax(emax, b) for b in blocks_v])
            scaled = blocks_v / scales[:, None]
            codes = encode_ndarray(fi.etype, round_ndarray(fi.etype, scaled.reshape(-1), rnd, True))
            sc = encode_ndarray(fi.stype, round_ndarray(fi.stype, scales, rnd, True))
            return codes, sc

        xf = data(n)

        def p_chop():
            pmx.mx_quantize(xf, format=pname, block_size=32, backend="numpy")

        with np.errstate(all="ignore"):
            out[(f"quantize_{short}", f"gfloat encode_block per block (2^{sample_log2})")] = rate(g_quant, n)
            out[(f"quantize_{short}", f"gfloat vectorized encode_ndarray (2^{sample_log2 + 4})")] = rate(g_vec, nv)
            out[(f"chop_{short}", f"gfloat quantize_block per block (2^{sample_log2})")] = rate(g_chop, n)
            out[(f"chop_{short}", f"pychop mx_quantize (2^{sample_log2})")] = rate(p_chop, n)
    return out


def main():
    summary = sys.argv[1]
    sample_log2 = int(sys.argv[2]) if len(sys.argv) > 2 else 14
    ours = {}
    for line in open(summary):
        p = line.split()
        if len(p) == 3:
            name, n, ns = p[0], int(p[1]), float(p[2])
            ours[(name, n)] = n / ns * 1e9
    sizes = sorted({n for _, n in ours})
    big = sizes[-1]
    copy = {n: ours[("copy", n)] for n in sizes if ("copy", n) in ours}
    theirs = peers(sample_log2)
    versions = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in ("gfloat", "pychop", "numpy"))

    def fmt(r):
        return f"{r / 1e6:,.1f}" if r >= 1e6 else f"{r / 1e6:.4f}"

    print(f"Elements per second (M el/s), one core; peers: {versions}.")
    print()
    print("| kernel | implementation | M el/s | lowprec (2^24) ÷ this | fraction of the f32 copy stream |")
    print("|---|---|---:|---:|---:|")
    kernels = []
    for (name, _) in ours:
        if name not in kernels:
            kernels.append(name)
    for k in kernels:
        for n in sizes:
            if (k, n) not in ours:
                continue
            r = ours[(k, n)]
            frac = r / copy[n] if n in copy else float("nan")
            print(f"| {k} | lowprec, 2^{n.bit_length() - 1} elements | {fmt(r)} | | {frac:.3f} |")
        for (pk, impl), r in theirs.items():
            if pk == k and (k, big) in ours:
                print(f"| {k} | {impl} | {fmt(r)} | {ours[(k, big)] / r:,.0f}× | {r / copy[big]:.6f} |")


if __name__ == "__main__":
    main()
