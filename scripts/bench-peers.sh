#!/usr/bin/env bash
# Side-by-side throughput of lowprec's slice kernels and their peers, in one run:
# builds examples/throughput.rs in release, runs it (lowprec, `half`, a plain memory
# stream), then runs the Python peers (ml_dtypes, numpy, pychop) on the very same data
# through scripts/bench_peers.py, and prints one markdown table with the machine and date.
#
#   bash scripts/bench-peers.sh [--native] [--n ELEMENTS] [--reps N]
#
# --native also builds and runs the tool with RUSTFLAGS="-C target-cpu=native" (in
# target/native) and adds its column: the kernels are plain Rust that the compiler
# vectorizes, so wider vector units (AVX2, AVX-512) speed them up at build time. The
# binary16 conversions with ties-to-even take F16C in both builds when the CPU has it
# (detected at run time, as `half` does).
# Everything runs pinned to one core (taskset) where available.
set -euo pipefail
cd "$(dirname "$0")/.."

N=$((1 << 22))
REPS=7
NATIVE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --native) NATIVE=1 ;;
        --n) N="$2"; shift ;;
        --reps) REPS="$2"; shift ;;
        *) echo "usage: $0 [--native] [--n ELEMENTS] [--reps N]" >&2; exit 2 ;;
    esac
    shift
done

PY="$(bash scripts/setup-oracles.sh | tail -n 1)"
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi

cargo build --quiet --release --example throughput
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
"${PIN[@]}" target/release/examples/throughput --n "$N" --reps "$REPS" --data-dir "$DATA" \
    > "$DATA/lowprec.tsv"

NATIVE_ARGS=()
if [ "$NATIVE" = 1 ]; then
    RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native \
        cargo build --quiet --release --example throughput
    "${PIN[@]}" target/native/release/examples/throughput --n "$N" --reps "$REPS" \
        > "$DATA/native.tsv"
    NATIVE_ARGS=(--native "$DATA/native.tsv")
fi

MACHINE="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
# The Python peers single-threaded, and without this machine's OpenBLAS overrides.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    "${PIN[@]}" "$PY" scripts/bench_peers.py --data "$DATA" --lowprec "$DATA/lowprec.tsv" \
    "${NATIVE_ARGS[@]}" --reps "$REPS" --machine "${MACHINE:-unknown CPU}" \
    --date "$(date -u +%Y-%m-%d)"
