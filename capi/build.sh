#!/usr/bin/env bash
# The C ABI: checks formatting and lints, builds liblowprec.a and liblowprec.so
# (release), checks that the checked-in include/lowprec.h is what cbindgen generates from
# capi/src, then compiles and runs the C test (plain, and with AddressSanitizer + UBSan,
# against the static library; once more against the shared library), the C++ HLS-style
# testbench against the real ap_types headers, and the Rust cross-check of every entry
# point against the Rust API (capi/tests/cross.rs; in release, sharing the library's
# build). Needs gcc and g++ (scripts/setup-oracles.sh installs them).
#
#   bash capi/build.sh            # build, check the header, run the tests
#   bash capi/build.sh --update   # regenerate include/lowprec.h, then the same
set -euo pipefail
cd "$(dirname "$0")/.."

CBINDGEN_VERSION=0.29.4
TOOLS=target/tools
OUT=target/capi
CBINDGEN="$TOOLS/bin/cbindgen"

step() { printf '\n== %s\n' "$*"; }

if ! "$CBINDGEN" --version 2>/dev/null | grep -qx "cbindgen $CBINDGEN_VERSION"; then
    step "installing cbindgen $CBINDGEN_VERSION into $TOOLS"
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --root "$TOOLS"
fi

step "capi: cargo fmt --check, clippy with warnings denied"
cargo fmt --manifest-path capi/Cargo.toml -- --check
cargo clippy --quiet --manifest-path capi/Cargo.toml --target-dir "$OUT" --all-targets -- -D warnings

step "liblowprec.a and liblowprec.so (release)"
cargo build --quiet --release --manifest-path capi/Cargo.toml --target-dir "$OUT"
LIB="$OUT/release"

step "include/lowprec.h is up to date"
mkdir -p "$OUT"
"$CBINDGEN" --quiet --config capi/cbindgen.toml --crate lowprec-c --output "$OUT/lowprec.h" capi
if [ "${1:-}" = "--update" ]; then
    cp "$OUT/lowprec.h" include/lowprec.h
    echo "include/lowprec.h regenerated"
elif ! diff -u include/lowprec.h "$OUT/lowprec.h"; then
    echo "include/lowprec.h is out of date: run 'bash capi/build.sh --update' and commit it" >&2
    exit 1
fi

# What the static library needs from the system (cargo's --print native-static-libs on
# Linux/glibc).
SYSLIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl)
CFLAGS=(-std=c11 -Wall -Wextra -Werror -Iinclude)

step "C test (gcc -std=c11, static library)"
gcc "${CFLAGS[@]}" -O2 capi/tests/test_capi.c "$LIB/liblowprec.a" "${SYSLIBS[@]}" -o "$OUT/test_capi"
"$OUT/test_capi"

step "C test with -fsanitize=address,undefined"
gcc "${CFLAGS[@]}" -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
    capi/tests/test_capi.c "$LIB/liblowprec.a" "${SYSLIBS[@]}" -o "$OUT/test_capi_asan"
"$OUT/test_capi_asan"

step "C test against the shared library"
gcc "${CFLAGS[@]}" -O2 capi/tests/test_capi.c -L"$LIB" -llowprec -lm -o "$OUT/test_capi_shared"
LD_LIBRARY_PATH="$LIB" "$OUT/test_capi_shared"

step "C++ testbench: the golden model through lowprec.h against ap_fixed (g++ -std=c++14)"
HEADERS="$(bash hls/fetch-headers.sh | tail -n 2 | head -n 1)"
g++ -std=c++14 -O0 -Wall -Wextra -Werror -Iinclude -isystem "$HEADERS/ap_types" \
    hls/tb/capi_fixed_tb.cpp "$LIB/liblowprec.a" "${SYSLIBS[@]}" -o "$OUT/capi_fixed_tb"
# The headers print a spurious "assign NaN to ap integer value" for some ap_int inputs
# (see the testbench's comment); everything else is shown.
"$OUT/capi_fixed_tb" 2>&1 | grep -v '^WARNING: assign NaN to ap integer value$'

step "Rust cross-check: every entry point against lowprec's Rust API"
cargo test --release --manifest-path capi/Cargo.toml --target-dir "$OUT"
