#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs the oracles, then formatting, lints,
# docs, the no_std build for a Cortex-M target, every test (against MPFR, ml_dtypes,
# pychop and half), and a compile check of the benchmarks and fuzz targets.
set -euo pipefail
cd "$(dirname "$0")/.."

LOWPREC_PYTHON="$(bash scripts/setup-oracles.sh | tail -n 1)"
export LOWPREC_PYTHON

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy, every target and feature, warnings denied"
cargo clippy --all-targets --all-features -- -D warnings
cargo clippy --lib --no-default-features -- -D warnings

step "docs, warnings denied"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --all-features --quiet

step "no_std build for thumbv7em-none-eabihf"
cargo build --quiet --lib --no-default-features --target thumbv7em-none-eabihf

step "benchmarks and fuzz targets compile"
cargo bench --no-run --quiet
if [ -f fuzz/Cargo.toml ]; then
    (cd fuzz && cargo check --quiet --bins)
fi

step "QFX digits experiment (its models are checked against C simulation by tests/qfx_digits_hls.rs)"
cargo run --release --quiet --example qfx_digits -- --emit target/qfx-digits

step "tests"
cargo test --all-features

step "Python package: rustfmt, clippy, pytest (against ml_dtypes, numpy and the lowprec command line)"
(cd python && cargo fmt -- --check)
CARGO_TARGET_DIR=target/python cargo clippy --manifest-path python/Cargo.toml -- -D warnings
# The command-line oracle is the executable the Rust tests just built (feature cli).
LOWPREC_CLI=target/debug/lowprec "$LOWPREC_PYTHON" -m pytest -q python/tests

step "C ABI: header up to date, C (ASan/UBSan) and C++ ap_fixed tests, Rust cross-check"
bash capi/build.sh
