#!/usr/bin/env bash
# The fixed-point matrix multiply of benches/fixed.rs (64x64x64, ap_fixed<16,6> inputs,
# ap_fixed<32,12> accumulator written after every add), timed side by side:
#   - C++ with the real ap_fixed headers (hls/tb/matmul_bench.cpp, g++ -O2, C simulation),
#   - lowprec, typed (Fx) and runtime (FixedFormat) values (cargo bench, release),
#   - the same loop on plain i16/i32 with a wrapping add (the floor).
# Checks that all produce the same results (checksum), then prints the time per matrix
# multiply (the least of three medians of 31 runs, the programs alternating) and the ratios.
#
#   bash scripts/bench-fixed.sh
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t DIRS < <(bash hls/fetch-headers.sh)
H="${DIRS[0]}"
OUT=target/bench-fixed
mkdir -p "$OUT"
g++ -O2 -std=c++17 -I"$H/ap_types" -I"$H" hls/tb/matmul_bench.cpp -o "$OUT/matmul_bench"
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi
# Build the Rust side first, then alternate the two programs three times: each variant's
# time is the least of its three medians, so that a busy machine penalizes neither side.
LOWPREC_FIXED_SUMMARY=1 cargo bench --quiet --bench fixed >/dev/null 2>&1
RUNS=()
for _ in 1 2 3; do
    RUNS+=("$("${PIN[@]}" "$OUT/matmul_bench")")
    RUNS+=("$(LOWPREC_FIXED_SUMMARY=1 "${PIN[@]}" cargo bench --quiet --bench fixed 2>/dev/null)")
done

python3 - "${RUNS[@]}" <<'PY'
import sys
vals = {}
sums = []
for block in sys.argv[1:]:
    for line in block.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "checksum":
            sums.append(int(parts[1]))
        elif len(parts) == 2:
            v = float(parts[1])
            vals[parts[0]] = min(v, vals.get(parts[0], v))
if len(set(sums)) != 1:
    sys.exit(f"checksums differ: {sums}")
cpp = vals["cpp-ap_fixed"]
floor = vals["i32-shifts"]
print(f"64x64x64 matmul, ap_fixed<16,6> x ap_fixed<16,6> -> ap_fixed<32,12> (checksum {sums[0]})")
print(f"{'variant':<18}{'us/matmul':>12}{'MMAC/s':>10}{'vs C++':>10}{'vs i32':>10}")
for name in ["cpp-ap_fixed", "lowprec-typed", "lowprec-runtime", "i32-shifts"]:
    ns = vals[name]
    print(f"{name:<18}{ns/1e3:>12.1f}{64**3/ns*1e3:>10.1f}{cpp/ns:>9.1f}x{ns/floor:>9.2f}x")
PY
