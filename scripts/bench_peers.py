#!/usr/bin/env python3
"""Measures lowprec's Python peers on the data `examples/throughput.rs` wrote and prints
the side-by-side table (markdown) with lowprec's numbers from the same run.

Called by scripts/bench-peers.sh; by hand:

    python scripts/bench_peers.py --data DIR --lowprec DIR/lowprec.tsv \
        [--native DIR/native.tsv] [--reps 5] [--machine NAME] [--date YYYY-MM-DD]

Peers (million elements per second, best of --reps runs over the whole array):
ml_dtypes `astype` from float32 (E4M3FN, bfloat16) and back, numpy's own float16 cast,
and pychop's `Chop` (fp16 round-to-nearest on float32 data, stochastic rounding on
float64 data). pychop is 100 times slower than the rest, so it runs on a 1/16 slice.
"""

import argparse
import os
import sys
import time

import numpy as np


def best(fn, n, reps):
    """Best throughput of fn() over `reps` runs, in million elements per second."""
    fn()  # warm up
    t = min(_timed(fn) for _ in range(reps))
    return n / t / 1e6


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def read_tsv(path):
    rows = {}
    if path is None:
        return rows
    with open(path) as f:
        for line in f:
            name, value = line.split("\t")
            rows[name] = float(value)
    return rows


def peers(x32, x64, reps):
    import ml_dtypes
    import pychop
    from pychop import Chop

    pychop.backend("numpy")
    n = x32.size
    out = {}
    out["ml_dtypes_e4m3fn"] = best(lambda: x32.astype(ml_dtypes.float8_e4m3fn), n, reps)
    out["numpy_f16"] = best(lambda: x32.astype(np.float16), n, reps)
    out["ml_dtypes_bf16"] = best(lambda: x32.astype(ml_dtypes.bfloat16), n, reps)
    e4 = x32.astype(ml_dtypes.float8_e4m3fn)
    out["ml_dtypes_decode_e4m3fn"] = best(lambda: e4.astype(np.float32), n, reps)
    # pychop: a sixteenth of the data, fewer repeats (it runs at a few million elements/s).
    m = max(n // 16, 1)
    s32, s64 = x32[:m].copy(), x64[:m].copy()
    rne = Chop(exp_bits=5, sig_bits=10, rmode=1)
    out["pychop_fp16_rne"] = best(lambda: rne(s32), m, min(reps, 3))
    sr = Chop(exp_bits=5, sig_bits=10, rmode=5)
    out["pychop_fp16_sr_f64"] = best(lambda: sr(s64), m, min(reps, 3))
    return out


# (operation, lowprec row, peer label, peer key: a Python peer or a row of the Rust tool)
TABLE = [
    ("f32 → E4M3FN codes, RNE", "lowprec_f32_e4m3fn_rne",
     "ml_dtypes `astype(float8_e4m3fn)`", "ml_dtypes_e4m3fn"),
    ("f32 → E4M3FN codes, RNE, satfinite", "lowprec_f32_e4m3fn_rne_satfinite", "—", None),
    ("f32 → E4M3FN codes, toward zero", "lowprec_f32_e4m3fn_rtz", "—", None),
    ("f32 → E4M3FN codes, SR", "lowprec_f32_e4m3fn_sr", "—", None),
    ("f32 → fp16 codes, RNE", "lowprec_f32_fp16_rne",
     "`half` `convert_from_f32_slice` (F16C, runtime-detected)", "half_f32_f16"),
    ("f32 → fp16 codes, RNE", "lowprec_f32_fp16_rne", "numpy `astype(float16)`", "numpy_f16"),
    ("f32 → bf16 codes, RNE", "lowprec_f32_bf16_rne",
     "`half` `convert_from_f32_slice` (bf16)", "half_f32_bf16"),
    ("f32 → bf16 codes, RNE", "lowprec_f32_bf16_rne", "ml_dtypes `astype(bfloat16)`",
     "ml_dtypes_bf16"),
    ("f32 → fp16 values (chop), RNE", "lowprec_quantize_f32_fp16_rne",
     "pychop `Chop(5, 10, rmode=1)`", "pychop_fp16_rne"),
    ("f64 → e5m10 values (chop), SR", "lowprec_quantize_f64_e5m10_sr",
     "pychop `Chop(5, 10, rmode=5)`", "pychop_fp16_sr_f64"),
    ("E4M3FN codes → f32", "lowprec_decode_e4m3fn_f32", "ml_dtypes `astype(float32)`",
     "ml_dtypes_decode_e4m3fn"),
    ("f32 → E4M3FN, exact scalar path (reference)", "exact_scalar_f32_e4m3fn_rne", "—", None),
    ("memory stream: f32 in, u8 out (the floor)", "stream_f32_to_u8", "—", None),
]


def fmt(x):
    if x is None or x != x:
        return "—"
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--lowprec", required=True)
    ap.add_argument("--native")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--machine", default="")
    ap.add_argument("--date", default=time.strftime("%Y-%m-%d"))
    a = ap.parse_args()

    x32 = np.fromfile(os.path.join(a.data, "f32.bin"), dtype="<f4")
    x64 = np.fromfile(os.path.join(a.data, "f64.bin"), dtype="<f8")
    lp = read_tsv(a.lowprec)
    native = read_tsv(a.native)
    py = peers(x32, x64, a.reps)
    stream = lp.get("stream_f32_to_u8")

    print(f"Throughput on one core, million elements per second, best of {a.reps} runs over "
          f"{x32.size:,} standard-normal values; {a.machine}, {a.date}.")
    print("lowprec: default release build (x86-64 baseline, SSE2; f32 → fp16 with RNE through "
          "F16C where the CPU has it, detected at run time)"
          + ("; last column: built with `-C target-cpu=native`." if native else "."))
    print()
    head = "| operation | lowprec | peer | peer M el/s | lowprec ÷ peer | lowprec ÷ stream |"
    rule = "|---|---:|---|---:|---:|---:|"
    if native:
        head += " native build | native ÷ peer |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    for op, row, label, key in TABLE:
        mine = lp.get(row)
        peer = None
        if key is not None:
            peer = py.get(key, lp.get(key))
        ratio = mine / peer if mine and peer else None
        vs_stream = mine / stream if mine and stream else None
        cells = [op, fmt(mine), label, fmt(peer),
                 f"{ratio:.2f}×" if ratio else "—",
                 f"{vs_stream:.2f}" if vs_stream else "—"]
        if native:
            nat = native.get(row)
            npeer = peer
            if key is not None and key in native:
                npeer = native.get(key)  # a Rust peer, also rebuilt natively
            cells += [fmt(nat), f"{nat / npeer:.2f}×" if nat and npeer else "—"]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
