#!/usr/bin/env bash
# Interval benchmarks: lowprec's criterion bench (f64 and low-precision formats), then
# lowprec vs inari side by side in one run. inari refuses to build without a Haswell-or-
# newer target CPU, so the comparison lives in its own crate (benches/inari-compare) built
# with that RUSTFLAGS; both libraries get the same flags there.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench interval -- --quick "$@"
cd benches/inari-compare
RUSTFLAGS='-C target-cpu=haswell' cargo run --release --quiet
