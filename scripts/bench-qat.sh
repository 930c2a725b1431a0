#!/usr/bin/env bash
# QAT quantizer throughput against numpy, in one run, as a markdown table:
#   1. `cargo bench --bench qat` (benches/qat.rs, criterion, release): lowprec's Qfx
#      forward in four quantization × overflow modes (RND_CONV/SAT, TRN/WRAP, RND/SAT_SYM,
#      RND_ZERO/SAT_ZERO), per tensor, channel-major and channel-last (64 channels),
#      forward in place, forward+backward, LSQ and PACT forward+backward, and an f32 slice
#      copy (the memory stream), on 10^6 and 10^7 f32 elements;
#   2. scripts/bench_qat.py: the plain numpy expressions a QAT framework would otherwise use
#      (`np.clip(np.round(x*2**F), qmin, qmax)*2**-F` and its masked gradients; LSQ and
#      PACT by their formulas) on the same sizes and layouts, then the table from criterion's
#      medians and numpy's: million elements per second, lowprec ÷ numpy, lowprec ÷ stream.
# Both run pinned to the same core (taskset, where available), numpy with one thread
# (elementwise numpy does not thread, but the BLAS/OpenMP pools are pinned to 1 anyway).
# The table goes to stdout and to target/bench-qat/qat.md (or the path given).
#
#   bash scripts/bench-qat.sh [OUT.md]
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="${1:-target/bench-qat/qat.md}"
mkdir -p "$(dirname "$OUT")"
PY=target/oracle-venv/bin/python
if [ ! -x "$PY" ]; then
    echo "no $PY: run scripts/setup-oracles.sh first (it installs numpy there)" >&2
    exit 1
fi
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi
"${PIN[@]}" cargo bench --quiet --bench qat >&2
MACHINE="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    "${PIN[@]}" "$PY" scripts/bench_qat.py "$OUT" "${MACHINE:-unknown CPU}"
