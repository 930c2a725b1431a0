#!/usr/bin/env bash
# Obtains the Xilinx `ap_types` and Mentor `ac_types` headers, and hls4ml's own Vivado
# kernels (`nnet_utils`), from the hls4ml wheel on PyPI and caches them under
# target/hls-headers/ (idempotent: a second run downloads nothing). The headers are never
# copied into the repository.
#
# Prints two lines on standard output (progress goes to standard error):
#   the vivado template directory H: compile with -I$H/ap_types -I$H
#     (hls4ml's kernels are in $H/nnet_utils: #include "nnet_utils/nnet_dense.h")
#   the ac_types include directory:   compile with -I<that>
#
# Each tree has its own stamp, so a cache made before a tree was added gets the missing
# tree on the next run: .complete (ap_types, ac_types) and .nnet_utils (nnet_utils).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.3.0
DEST=target/hls-headers/hls4ml-$VERSION
STAMP=$DEST/.complete
NNET_STAMP=$DEST/.nnet_utils
AP=$DEST/hls4ml/templates/vivado
AC=$DEST/hls4ml/templates/catapult/ac_types/include

if ! [ -f "$STAMP" ] || ! [ -f "$NNET_STAMP" ]; then
    if [ -x target/oracle-venv/bin/pip ]; then
        PIP=(target/oracle-venv/bin/pip)
    else
        PIP=(python3 -m pip)
    fi
    command -v unzip >/dev/null 2>&1 || {
        echo "fetch-headers: unzip is missing (scripts/setup-oracles.sh installs it)" >&2
        exit 1
    }
    TMP=$(mktemp -d target/hls-headers.tmp.XXXXXX 2>/dev/null || {
        mkdir -p target
        mktemp -d target/hls-headers.tmp.XXXXXX
    })
    trap 'rm -rf "$TMP"' EXIT
    echo "fetch-headers: pip download --no-deps hls4ml==$VERSION" >&2
    "${PIP[@]}" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
        -d "$TMP/wheel" "hls4ml==$VERSION" >&2
    WHEEL=$(ls "$TMP"/wheel/hls4ml-"$VERSION"-*.whl)
    # Only the header trees: the ap_types and ac_types templates (and their licences),
    # and the Vivado nnet_utils kernels.
    unzip -q -o "$WHEEL" 'hls4ml/templates/vivado/ap_types/*' \
        'hls4ml/templates/catapult/ac_types/*' \
        'hls4ml/templates/vivado/nnet_utils/*' -d "$TMP/out"
    for f in vivado/ap_types/ap_fixed.h vivado/nnet_utils/nnet_dense.h; do
        [ -f "$TMP/out/hls4ml/templates/$f" ] || {
            echo "fetch-headers: $f not found in $WHEEL" >&2
            exit 1
        }
    done
    if [ -f "$STAMP" ]; then
        # An older cache: add the missing nnet_utils tree next to the others (a rename,
        # so a concurrent reader sees the whole tree or none of it).
        if ! [ -d "$AP/nnet_utils" ]; then
            mv "$TMP/out/hls4ml/templates/vivado/nnet_utils" "$AP/nnet_utils" 2>/dev/null ||
                [ -d "$AP/nnet_utils" ]
        fi
    else
        rm -rf "$DEST"
        mkdir -p "$(dirname "$DEST")"
        mv "$TMP/out" "$DEST"
        touch "$STAMP"
    fi
    touch "$NNET_STAMP"
fi
echo "$PWD/$AP"
echo "$PWD/$AC"
