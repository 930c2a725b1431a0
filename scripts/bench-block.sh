#!/usr/bin/env bash
# Block-scaled quantization throughput in one run, on one core, as a markdown table:
# lowprec's slice kernels (benches/block.rs: f32 -> MXFP8 E4M3 and MXFP4 E2M1 scales and
# codes, MXFP4 packed two to a byte; dequantize; chop) on 2^20, 2^22 and 2^24 elements
# beside the plain f32 copy (the memory stream), and gfloat 0.5.2's and pychop 0.6.2's
# block quantization on a smaller sample (elements per second; see scripts/bench_block.py).
# Pinned to one core (taskset) where available. Needs the oracle environment
# (bash scripts/setup-oracles.sh). An optional argument is the peers' sample size as a
# power of two (default 14).
#
#   bash scripts/bench-block.sh [SAMPLE_LOG2]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=target/oracle-venv/bin/python
if [[ ! -x "$PY" ]]; then
    echo "no $PY: run bash scripts/setup-oracles.sh first" >&2
    exit 1
fi
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi
OUT=target/bench-block
mkdir -p "$OUT"
cargo bench --quiet --bench block --no-run >&2
LOWPREC_BLOCK_SUMMARY=1 "${PIN[@]}" cargo bench --quiet --bench block 2>/dev/null > "$OUT/lowprec.txt"
MACHINE="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
echo "Machine: ${MACHINE:-unknown CPU}, $(date -u +%Y-%m-%d)."
echo
"${PIN[@]}" "$PY" scripts/bench_block.py "$OUT/lowprec.txt" "${1:-14}"
