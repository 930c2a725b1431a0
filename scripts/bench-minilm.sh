#!/usr/bin/env bash
# all-MiniLM-L6-v2 in every numeric mode (examples/minilm) on the fixed sentence set,
# side by side with an independent numpy + OpenBLAS implementation, in one run:
#   1. the example's summary table (mean cosine to f32, lowest cosine, worst change of a
#      pair's similarity, tokens/s on one core, speed relative to the f32 path) — README.md's
#      "A real transformer" table is this output;
#   2. numpy's tokens/s on one thread and on every core (OPENBLAS_NUM_THREADS).
# The full output goes to target/minilm/modes.txt. Extra arguments go to the example
# (e.g. --accumulator e4m3).
set -euo pipefail
cd "$(dirname "$0")/.."

PY="$(bash scripts/setup-oracles.sh | tail -n 1)"
MODEL=target/models/all-MiniLM-L6-v2
SENTENCES=examples/minilm/sentences.txt
mkdir -p target/minilm
cargo build --release --quiet --example minilm
./target/release/examples/minilm "$@" < "$SENTENCES" > target/minilm/modes.txt
sed -n '/^| mode /,$p' target/minilm/modes.txt
echo
echo "numpy + OpenBLAS, same sentences (best of 3):"
for threads in 1 "$(nproc)"; do
    printf '  %s thread(s): ' "$threads"
    OPENBLAS_NUM_THREADS=$threads "$PY" tests/py/minilm_numpy.py --bench "$MODEL" "$SENTENCES"
done
