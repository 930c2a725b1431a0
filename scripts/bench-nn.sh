#!/usr/bin/env bash
# The nn golden models (benches/nn.rs, release) against the same HLS kernels in C
# simulation (hls/tb/nn_bench.cpp, g++ -O2 with the real ap_fixed headers), side by side
# at MiniLM size (64 tokens, hidden 384, FFN 1536). Checks that both print the same
# checksum per kernel, then prints per kernel the time per call of each side (the least of
# three medians, the programs alternating), the time per work item (multiply-accumulate or
# element) and the speed-up, and the same for one encoder layer's share of the kernels
# (LAYER below: which kernel runs how many times per layer); the row encoder_64x384 is
# the whole layer (lowprec::nn::Encoder against lowprec::nn::encoder) measured in one call.
#
#   bash scripts/bench-nn.sh
#
# To add a kernel: print "name ns-per-call work-items checksum" from both programs under
# the same name, and add it to LAYER if it is part of the encoder layer.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t DIRS < <(bash hls/fetch-headers.sh)
H="${DIRS[0]}"
OUT=target/bench-nn
mkdir -p "$OUT"
# The attention configurations and softmax tables, written by the golden model.
LOWPREC_NN_CPP_CONFIG="$OUT/nn_bench_cfgs.h" cargo bench --quiet --bench nn >/dev/null 2>&1
g++ -O2 -std=c++17 -I"$H/ap_types" -I"$H" -Ihls/include -I"$OUT" hls/tb/nn_bench.cpp -o "$OUT/nn_bench"
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi
CPP=()
RUST=()
for _ in 1 2 3; do
    CPP+=("$("${PIN[@]}" "$OUT/nn_bench")")
    RUST+=("$(LOWPREC_NN_SUMMARY=1 "${PIN[@]}" cargo bench --quiet --bench nn 2>/dev/null)")
done

python3 - "${#CPP[@]}" "${CPP[@]}" "${RUST[@]}" <<'PY'
import sys

# One MiniLM encoder layer (per sequence of 64 tokens): kernel -> calls per layer.
# The self-attention (its Q, K, V and output projections, four 384 -> 384 dense layers,
# included), the FFN one 384 -> 1536 and one 1536 -> 384; two residual adds.
LAYER = {
    "attention_64x384": 1,
    "dense_384x1536": 1,
    "dense_1536x384": 1,
    "residual_384": 2,
}

n = int(sys.argv[1])
blocks = sys.argv[2:]
cpp_blocks, rust_blocks = blocks[:n], blocks[n:]

def parse(bs):
    best, items, sums = {}, {}, {}
    for b in bs:
        for line in b.splitlines():
            p = line.split()
            if len(p) != 4:
                continue
            name, ns, work, chk = p[0], float(p[1]), int(p[2]), int(p[3])
            best[name] = min(ns, best.get(name, ns))
            items[name] = work
            sums.setdefault(name, set()).add(chk)
    return best, items, sums

cpp, items, csum = parse(cpp_blocks)
rust, _, rsum = parse(rust_blocks)
bad = [k for k in cpp if k in rust and csum[k] != rsum[k]]
if bad:
    sys.exit(f"checksums differ for {bad}: C++ {[csum[k] for k in bad]}, Rust {[rsum[k] for k in bad]}")

print(f"| kernel | work items | golden ns/item | csim ns/item | golden µs | csim µs | speed-up |")
print(f"|---|---:|---:|---:|---:|---:|---:|")
for k in cpp:
    if k not in rust:
        continue
    w = items[k]
    print(f"| {k} | {w} | {rust[k]/w:.3f} | {cpp[k]/w:.2f} | {rust[k]/1e3:.1f} | {cpp[k]/1e3:.1f} | {cpp[k]/rust[k]:.1f}× |")
missing = [k for k in LAYER if k not in rust or k not in cpp]
g = sum(rust[k] * c for k, c in LAYER.items() if k in rust and k in cpp)
s = sum(cpp[k] * c for k, c in LAYER.items() if k in rust and k in cpp)
label = "sum of one layer's kernels" + (f" (without {', '.join(missing)})" if missing else "")
print(f"| **{label}** | | | | {g/1e3:.1f} | {s/1e3:.1f} | **{s/g:.1f}×** |")
PY
