#!/usr/bin/env bash
# Elementary-function throughput (benches/math.rs) in one run, as markdown tables:
#   - binary32 exp, log, sin, tanh, erf: lowprec's correctly rounded functions on codes,
#     the `libm` crate and the `core-math` crate, on the same 1,024 inputs, in ns per call
#     and as time ratios to libm and core-math;
#   - bfloat16 and E4M3FN: a `lowprec::math::Table` lookup against the scalar call;
#   - the time to build a table.
# Pinned to one core (taskset) where available. Extra arguments go to criterion, e.g.
#
#   bash scripts/bench-math.sh --warm-up-time 1 --measurement-time 3
set -euo pipefail
cd "$(dirname "$0")/.."

PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi
"${PIN[@]}" cargo bench --quiet --bench math -- "$@" >&2

MACHINE="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
python3 - "${MACHINE:-unknown CPU}" <<'PY'
import datetime
import json
import sys
from pathlib import Path

ROOT = Path("target/criterion")
N = 1024  # inputs per iteration in benches/math.rs
FUNCTIONS = ["exp", "log", "sin", "tanh", "erf"]


def ns(group, impl, per=N):
    """Median time per call in ns, or None when the benchmark did not run."""
    f = ROOT / group / impl / "new" / "estimates.json"
    if not f.exists():
        return None
    return json.loads(f.read_text())["median"]["point_estimate"] / per


def cell(x, digits=1):
    return "—" if x is None else f"{x:.{digits}f}"


def ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:.1f}×"


print(f"Measured {datetime.date.today()} on {sys.argv[1]} with `bash scripts/bench-math.sh`,")
print("one core; median ns per call over 1,024 inputs (ratios are times: higher is slower).")
print()
print("| binary32 | lowprec (ns) | libm (ns) | core-math (ns) | lowprec ÷ libm | lowprec ÷ core-math |")
print("|---|---:|---:|---:|---:|---:|")
for f in FUNCTIONS:
    g = f"math_{f}_fp32"
    lp, lm, cm = ns(g, "lowprec"), ns(g, "libm"), ns(g, "core-math")
    print(f"| {f} | {cell(lp)} | {cell(lm, 2)} | {cell(cm, 2)} | {ratio(lp, lm)} | {ratio(lp, cm)} |")
print()
print("| function | bf16 table (ns) | bf16 scalar (ns) | speed-up | e4m3fn table (ns) | e4m3fn scalar (ns) | speed-up |")
print("|---|---:|---:|---:|---:|---:|---:|")
for f in FUNCTIONS:
    cells = []
    for fmt in ["bf16", "e4m3fn"]:
        g = f"math_{f}_{fmt}"
        t, s = ns(g, "lowprec-table"), ns(g, "lowprec")
        cells += [cell(t, 2), cell(s), ratio(s, t)]
    print(f"| {f} | " + " | ".join(cells) + " |")
print()
builds = []
for fmt in ["bf16", "e4m3fn"]:
    t = ns("math_table_build/exp", fmt, per=1)
    if t is not None:
        builds.append(f"{fmt} {t / 1e6:.2f} ms" if t >= 1e5 else f"{fmt} {t / 1e3:.1f} µs")
if builds:
    print("Building an exp table: " + ", ".join(builds) + ".")
PY
