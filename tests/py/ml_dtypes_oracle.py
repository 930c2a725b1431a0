"""ml_dtypes (and numpy float16) as an oracle for the lowprec tests.

Usage:
  python ml_dtypes_oracle.py decode DIR
      DIR/jobs.txt: lines "NAME BITS". Writes DIR/NAME.f32 and DIR/NAME.f64: the value
      of every code 0 .. 2^BITS - 1, converted by ml_dtypes to float32 and float64.
      Also checks the exact oracle's table of this format (exact.py) against
      ml_dtypes.finfo, so that the two oracles describe the same format.
  python ml_dtypes_oracle.py convert DIR
      DIR/jobs.txt: lines "IN OUT NAME SRC" with SRC f32 or f64. Reads IN as
      little-endian float32/float64, converts with `astype(dtype)` and writes the codes
      to OUT (one byte per code for 8-bit and narrower dtypes, two for 16-bit).

NAME is an ml_dtypes dtype name, or float16 (numpy's own).
"""

import sys
from fractions import Fraction

import ml_dtypes
import numpy as np

import exact

if ml_dtypes.__version__ != "0.6.0":
    sys.exit(f"ml_dtypes {ml_dtypes.__version__} found, the tests pin 0.6.0: "
             "run `bash scripts/setup-oracles.sh`")


def dtype(name):
    return np.dtype(np.float16) if name == "float16" else np.dtype(getattr(ml_dtypes, name))


def code_type(dt):
    return {1: np.uint8, 2: np.uint16}[dt.itemsize]


def jobs(d):
    with open(f"{d}/jobs.txt") as f:
        return [line.split() for line in f if line.strip()]


def check_table(name, dt):
    fmt = exact.FORMATS[name]
    fi = ml_dtypes.finfo(dt)
    pairs = [
        ("max", Fraction(float(fi.max)), fmt.max),
        ("smallest normal", Fraction(float(fi.smallest_normal)), Fraction(2) ** fmt.emin),
    ]
    if fmt.subnormals:
        pairs.append(("smallest subnormal", Fraction(float(fi.smallest_subnormal)),
                      Fraction(2) ** (fmt.emin - fmt.p + 1)))
    pairs.append(("precision bits", fi.nmant + 1, fmt.p))
    for what, got, want in pairs:
        if got != want:
            sys.exit(f"exact.py's {name}: {what} is {want}, ml_dtypes.finfo says {got}")


def decode(d):
    for name, bits in jobs(d):
        dt = dtype(name)
        check_table(name, dt)
        codes = np.arange(2 ** int(bits), dtype=code_type(dt)).view(dt)
        codes.astype(np.float32).astype("<f4").tofile(f"{d}/{name}.f32")
        codes.astype(np.float64).astype("<f8").tofile(f"{d}/{name}.f64")


def convert(d):
    for src, dst, name, kind in jobs(d):
        dt = dtype(name)
        x = np.fromfile(f"{d}/{src}", dtype={"f32": "<f4", "f64": "<f8"}[kind])
        x = x.astype({"f32": np.float32, "f64": np.float64}[kind])
        with np.errstate(all="ignore"):
            y = x.astype(dt)
        y.view(code_type(dt)).astype(code_type(dt)().dtype.newbyteorder("<")).tofile(f"{d}/{dst}")


if __name__ == "__main__":
    {"decode": decode, "convert": convert}[sys.argv[1]](sys.argv[2])
