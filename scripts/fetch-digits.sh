#!/usr/bin/env bash
# Obtains the handwritten digits data set (UCI optdigits test part: 1,797 images of 8×8
# pixels with values 0..16, and their labels) from the scikit-learn wheel on PyPI, which
# ships it as sklearn/datasets/data/digits.csv.gz, and writes it uncompressed to
# target/data/digits.csv (one image per line: 64 pixel values, then the label).
# Idempotent: a second run downloads nothing. The data is never copied into the repository.
#
# Prints the path of the CSV file on standard output (progress goes to standard error).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.7.2
OUT=target/data/digits.csv
STAMP=target/data/.digits-scikit-learn-$VERSION

if ! [ -f "$STAMP" ] || ! [ -f "$OUT" ]; then
    if [ -x target/oracle-venv/bin/pip ]; then
        PIP=(target/oracle-venv/bin/pip)
    else
        PIP=(python3 -m pip)
    fi
    command -v unzip >/dev/null 2>&1 || {
        echo "fetch-digits: unzip is missing (scripts/setup-oracles.sh installs it)" >&2
        exit 1
    }
    mkdir -p target/data
    TMP=$(mktemp -d target/data.tmp.XXXXXX)
    trap 'rm -rf "$TMP"' EXIT
    echo "fetch-digits: pip download --no-deps scikit-learn==$VERSION" >&2
    "${PIP[@]}" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
        -d "$TMP/wheel" "scikit-learn==$VERSION" >&2
    WHEEL=$(ls "$TMP"/wheel/scikit_learn-"$VERSION"-*.whl)
    unzip -p "$WHEEL" sklearn/datasets/data/digits.csv.gz | gunzip > "$TMP/digits.csv"
    LINES=$(wc -l < "$TMP/digits.csv")
    [ "$LINES" -eq 1797 ] || {
        echo "fetch-digits: expected 1797 lines in digits.csv, found $LINES" >&2
        exit 1
    }
    mv "$TMP/digits.csv" "$OUT"
    touch "$STAMP"
fi
echo "$PWD/$OUT"
