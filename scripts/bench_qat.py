#!/usr/bin/env python3
"""The numpy side of scripts/bench-qat.sh, and the table.

Times, on the sizes of benches/qat.rs (10^6 and 10^7 f32 elements, normal with sigma 1.5,
gradients uniform in [-1, 1)), the plain numpy expressions a QAT framework would otherwise
use, in float32, one thread:

  forward          np.clip(np.round(x * 2**F), qmin, qmax) * 2**-F   (round half to even, saturate)
  forward+backward the same, plus inside = (qmin <= r <= qmax), grad_x = g * inside and
                   grad_F = sum(g * where(inside, -ln2 * (y - x), -ln2 * y))
  LSQ / PACT       their forward and backward (Esser et al. 2020, Choi et al. 2018)

per tensor, channel-major and channel-last with 64 channels (the 2**F of each channel
broadcast, the grad_F sums per channel), median of REPS timed runs after one warm-up.
It then reads criterion's medians of the lowprec benchmarks from target/criterion/qat_<n>
(run just before by the shell script, same machine, same core) and prints one markdown
table: million elements per second for lowprec and numpy, their ratio, and lowprec as a
fraction of the f32 slice copy measured in the same criterion run (the memory stream).
Every lowprec forward row is compared with numpy's round-to-even/saturate expression of
the same layout, whatever lowprec's mode (numpy has no other mode in one expression).

Usage: bench_qat.py OUT.md MACHINE [REPS]
"""
import datetime
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

SIZES = [("1e6", 1_000_000), ("1e7", 10_000_000)]
CHANNELS = 64
W = 8
QMIN, QMAX = -(1 << (W - 1)), (1 << (W - 1)) - 1
LN2 = np.float32(math.log(2.0))
MODES = [
    ("rndconv_sat", "RND_CONV, SAT"),
    ("trn_wrap", "TRN, WRAP"),
    ("rnd_satsym", "RND, SAT_SYM"),
    ("rndzero_satzero", "RND_ZERO, SAT_ZERO"),
]
LAYOUTS = [("tensor", "per tensor"), ("major", "channel-major ×64"), ("last", "channel-last ×64")]


def data(n):
    rng = np.random.default_rng(7)
    x = (rng.standard_normal(n) * 1.5).astype(np.float32)
    g = rng.uniform(-1.0, 1.0, n).astype(np.float32)
    return x, g


def fracs(layout):
    if layout == "tensor":
        return np.array([5.0], dtype=np.float32)
    return (4.0 + np.arange(CHANNELS) % 3).astype(np.float32)


def shaped(x, layout):
    """x viewed so that the per-group parameters broadcast, and the parameter shape."""
    if layout == "tensor":
        return x, ()
    if layout == "major":
        return x.reshape(CHANNELS, -1), (CHANNELS, 1)
    return x.reshape(-1, CHANNELS), (CHANNELS,)


def numpy_kernels(x, g):
    out = {}
    for layout, _ in LAYOUTS:
        xs, pshape = shaped(x, layout)
        gs, _ = shaped(g, layout)
        f = fracs(layout)
        s = np.exp2(f).astype(np.float32).reshape(pshape) if pshape else np.float32(2.0 ** f[0])
        inv = (np.float32(1.0) / s).astype(np.float32)
        axis = None if layout == "tensor" else (1 if layout == "major" else 0)

        def fwd(xs=xs, s=s, inv=inv):
            return np.clip(np.round(xs * s), QMIN, QMAX) * inv

        def fb(xs=xs, gs=gs, s=s, inv=inv, axis=axis):
            r = np.round(xs * s)
            inside = (r >= QMIN) & (r <= QMAX)
            y = np.clip(r, QMIN, QMAX) * inv
            gx = gs * inside
            gf = np.sum(gs * np.where(inside, -LN2 * (y - xs), -LN2 * y), axis=axis)
            return y, gx, gf

        out[f"fwd_{layout}"] = fwd
        out[f"fb_{layout}"] = fb

    s_lsq = np.float32(1.0 / 32.0)

    def lsq_fb():
        v = x / s_lsq
        c = np.clip(v, QMIN, QMAX)
        r = np.round(c)
        y = r * s_lsq
        inside = (v >= QMIN) & (v <= QMAX)
        gx = g * inside
        gs = np.sum(g * np.where(inside, r - v, c)) / np.float32(math.sqrt(x.size * QMAX))
        return y, gx, gs

    alpha = np.float32(4.0)
    levels = np.float32((1 << W) - 1)

    def pact_fb():
        y = np.round(np.clip(x, 0, alpha) * (levels / alpha)) * (alpha / levels)
        gx = g * ((x >= 0) & (x < alpha))
        ga = np.sum(g * (x >= alpha))
        return y, gx, ga

    def copy():
        return x.copy()

    out["lsq_fb_tensor"] = lsq_fb
    out["pact_fb_tensor"] = pact_fb
    out["copy"] = copy
    return out


def median_time(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2]


def criterion_ns(label, name):
    f = Path("target/criterion") / f"qat_{label}" / name / "new" / "estimates.json"
    if not f.exists():
        return None
    return json.loads(f.read_text())["median"]["point_estimate"]


def main():
    out_path, machine = sys.argv[1], sys.argv[2]
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    rows = []
    for label, n in SIZES:
        x, g = data(n)
        npk = numpy_kernels(x, g)
        nps = {k: n / median_time(fn, reps) / 1e6 for k, fn in npk.items()}
        ns_copy = criterion_ns(label, "copy")
        stream = None if ns_copy is None else n / ns_copy * 1e3

        def lp(name):
            t = criterion_ns(label, name)
            return None if t is None else n / t * 1e3

        def row(what, name, peer, target):
            v = lp(name)
            p = nps.get(peer)
            rows.append((what, label, v, p, target, stream))

        rows.append(("f32 slice copy (the stream)", label, stream, nps["copy"], None, stream))
        for layout, ldesc in LAYOUTS:
            for mode, mdesc in MODES:
                row(f"forward {mdesc}, {ldesc}", f"fwd_{mode}_{layout}", f"fwd_{layout}", "fwd")
            if layout == "tensor":
                row(f"forward in place RND_CONV, SAT, {ldesc}", "fwdip_rndconv_sat_tensor",
                    "fwd_tensor", "fwd")
            for mode, mdesc in MODES:
                row(f"forward+backward {mdesc}, {ldesc}", f"fb_{mode}_{layout}", f"fb_{layout}",
                    "fb")
        row("LSQ forward, backward (per tensor)", "lsq_fb_tensor", "lsq_fb_tensor", None)
        row("PACT forward, backward (per tensor)", "pact_fb_tensor", "pact_fb_tensor", None)

    def cell(v):
        return "—" if v is None else f"{v:,.0f}"

    lines = [
        f"Measured {datetime.date.today()} on {machine} with `bash scripts/bench-qat.sh`: one core",
        f"(taskset), lowprec from `cargo bench --bench qat` (criterion median), numpy {np.__version__}",
        "(float32, one thread, median of "
        f"{reps} runs) in the same run; million elements per second. numpy column: the plain",
        "expression `np.clip(np.round(x*2**F), qmin, qmax)*2**-F` (and its masked gradients",
        "for forward+backward) of the same layout, whatever lowprec's mode. ÷ stream: lowprec",
        "over the `f32` slice copy of the same criterion run. Targets: forward ≥ 1× numpy",
        "and ≥ 0.5 of the stream; forward+backward ≥ 10× numpy.",
        "",
        "| kernel | n | lowprec | numpy | lowprec ÷ numpy | lowprec ÷ stream | target met |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for what, label, v, p, target, stream in rows:
        ratio = None if v is None or p is None else v / p
        frac = None if v is None or stream is None else v / stream
        met = ""
        if target == "fwd" and ratio is not None and frac is not None:
            met = "yes" if ratio >= 1.0 and frac >= 0.5 else "**no**"
        elif target == "fb" and ratio is not None:
            met = "yes" if ratio >= 10.0 else "**no**"
        lines.append(
            f"| {what} | 10^{label[-1]} | {cell(v)} | {cell(p)} | "
            f"{'—' if ratio is None else f'{ratio:.2f}×'} | "
            f"{'—' if frac is None else f'{frac:.2f}'} | {met} |"
        )
    text = "\n".join(lines) + "\n"
    Path(out_path).write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
