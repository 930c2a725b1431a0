#!/usr/bin/env python3
"""Throughput of the lowprec Python package beside ml_dtypes, numpy and pychop, in one run.

    python python/bench/bench_python.py [--n 10000000] [--reps 5]

Every operation runs on the same float32 standard-normal values (float64 for the rows
marked f64), single-threaded; the table gives million elements per second (best of
--reps runs over the whole array, after one warm-up) and lowprec's ratio to the peer.
pychop runs at a few million elements per second, so it is timed on a sixteenth of the
data. Prints a Markdown table.
"""

import argparse
import importlib.metadata
import platform
import time

import numpy as np

import lowprec


def best(fn, n, reps):
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return n / min(times) / 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10**7)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    n, reps = a.n, a.reps

    import ml_dtypes

    x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    x64 = x.astype(np.float64)
    e4 = lowprec.encode(x, "e4m3fn")
    e4_ml = x.astype(ml_dtypes.float8_e4m3fn)
    out32 = np.empty_like(x)

    try:
        import pychop
        from pychop import Chop

        pychop.backend("numpy")
        m = max(n // 16, 1)
        s32, s64 = x[:m].copy(), x64[:m].copy()
        chop_fp16 = Chop(exp_bits=5, sig_bits=10, rmode=1)
        chop_bf16_sr = Chop(exp_bits=8, sig_bits=7, rmode=5)
        pychop_fp16 = best(lambda: chop_fp16(s32), m, min(reps, 3))
        pychop_bf16_sr = best(lambda: chop_bf16_sr(s64), m, min(reps, 3))
        pychop_version = importlib.metadata.version("pychop")
    except ImportError:
        pychop_fp16 = pychop_bf16_sr = None
        pychop_version = None

    rows = [
        ("f32 → E4M3FN codes, RNE",
         best(lambda: lowprec.encode(x, "e4m3fn"), n, reps),
         "ml_dtypes `astype(float8_e4m3fn)`",
         best(lambda: x.astype(ml_dtypes.float8_e4m3fn), n, reps)),
        ("f32 → bf16 codes, RNE",
         best(lambda: lowprec.encode(x, "bf16"), n, reps),
         "ml_dtypes `astype(bfloat16)`",
         best(lambda: x.astype(ml_dtypes.bfloat16), n, reps)),
        ("f32 → fp16 codes, RNE",
         best(lambda: lowprec.encode(x, "fp16"), n, reps),
         "numpy `astype(float16)`",
         best(lambda: x.astype(np.float16), n, reps)),
        ("f32 → E4M3FN values (quantize), RNE",
         best(lambda: lowprec.quantize(x, "e4m3fn", out=out32), n, reps),
         "ml_dtypes `astype(float8_e4m3fn).astype(float32)`",
         best(lambda: x.astype(ml_dtypes.float8_e4m3fn).astype(np.float32), n, reps)),
        ("f32 → fp16 values (quantize), RNE",
         best(lambda: lowprec.quantize(x, "fp16", out=out32), n, reps),
         "pychop `Chop(5, 10, rmode=1)`", pychop_fp16),
        ("f32 → E4M3FN values (quantize), SR",
         best(lambda: lowprec.quantize(x, "e4m3fn", "sr", seed=0, out=out32), n, reps),
         "—", None),
        ("f32 → bf16 values (quantize), SR",
         best(lambda: lowprec.quantize(x, "bf16", "sr", seed=0, out=out32), n, reps),
         "—", None),
        ("f64 → bf16 values (quantize), SR",
         best(lambda: lowprec.quantize(x64, "bf16", "sr", seed=0), n, reps),
         "pychop `Chop(8, 7, rmode=5)` (f64)", pychop_bf16_sr),
        ("E4M3FN codes → f32 (decode)",
         best(lambda: lowprec.decode(e4, "e4m3fn"), n, reps),
         "ml_dtypes `astype(float32)`",
         best(lambda: e4_ml.astype(np.float32), n, reps)),
    ]

    def show(v):
        return "—" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:,.1f}")

    versions = [f"numpy {np.__version__}", f"ml_dtypes {importlib.metadata.version('ml_dtypes')}"]
    if pychop_version:
        versions.append(f"pychop {pychop_version} (numpy backend, on {n // 16:,} values)")
    print(f"Million elements per second, one thread, best of {reps} runs over {n:,} "
          f"standard-normal values; {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {', '.join(versions)}.")
    print()
    print("| operation | lowprec | peer | peer M el/s | lowprec ÷ peer |")
    print("|---|---:|---|---:|---:|")
    for op, mine, label, peer in rows:
        ratio = f"{mine / peer:.2f}×" if peer else "—"
        print(f"| {op} | {show(mine)} | {label} | {show(peer)} | {ratio} |")


if __name__ == "__main__":
    main()
