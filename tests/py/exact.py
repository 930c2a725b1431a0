"""Exact rounding oracle for the lowprec tests.

Rounds binary64 inputs into a target format with exact rational arithmetic
(``fractions.Fraction`` and Python integers; no floating-point operation touches a
value before the final, exact conversion of a representable result back to float).
The formats are written out below from their specifications (OCP FP8 / MX, IEEE 754,
the ml_dtypes documentation), not taken from lowprec.

Usage: python exact.py DIR
    DIR/jobs.txt holds lines "IN OUT FORMAT MODE"; IN is a file of little-endian
    float64 inputs, OUT receives the correctly rounded results as float64 (NaN for a
    NaN result, signed zeros and infinities as such).

FORMAT: an ml_dtypes dtype name (float8_e4m3fn, ..., bfloat16, float16), or
"ieee:E:M" (IEEE 754 style, E exponent bits, M fraction bits, bias 2^(E-1)-1,
subnormals, infinities and NaNs), optionally with ":nosub".
MODE: rne (ties to even), rna (ties away), rnz (ties toward zero), rup (toward +inf),
rdn (toward -inf), rtz (toward zero), rto (round to odd: truncate, then set the last
bit if anything was discarded; exact values are unchanged).
"""

import math
import struct
import sys
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Fmt:
    p: int  # precision in bits, hidden bit included
    emin: int  # exponent of the smallest normal number
    max: Fraction  # largest finite value
    subnormals: bool = True
    inf: bool = True  # has +-infinity
    nan: bool = True  # has a NaN
    negzero: bool = True  # -0 is a distinct value
    signed: bool = True
    zero: bool = True  # has a zero at all


def _fr(mant_num, mant_den, exp):
    """mant_num / mant_den * 2**exp as a Fraction."""
    return Fraction(mant_num, mant_den) * Fraction(2) ** exp


# Largest finite values from the specifications: (2 - 2^-(p-1)) * 2^emax for the IEEE
# layouts; the OCP E4M3FN loses its top code to NaN (1.75 * 2^8 = 448); the FNUZ formats
# keep every code of the top binade (their NaN is the -0 code).
FORMATS = {
    "float8_e4m3fn": Fmt(p=4, emin=-6, max=_fr(7, 4, 8), inf=False),
    "float8_e4m3fnuz": Fmt(p=4, emin=-7, max=_fr(15, 8, 7), inf=False, negzero=False),
    "float8_e5m2": Fmt(p=3, emin=-14, max=_fr(7, 4, 15)),
    "float8_e5m2fnuz": Fmt(p=3, emin=-15, max=_fr(7, 4, 15), inf=False, negzero=False),
    "float8_e4m3b11fnuz": Fmt(p=4, emin=-10, max=_fr(15, 8, 4), inf=False, negzero=False),
    "float8_e4m3": Fmt(p=4, emin=-6, max=_fr(15, 8, 7)),
    "float8_e3m4": Fmt(p=5, emin=-2, max=_fr(31, 16, 3)),
    # OCP MX E8M0: unsigned powers of two 2^-127 .. 2^127, no zero, 0xFF is NaN.
    "float8_e8m0fnu": Fmt(
        p=1, emin=-127, max=_fr(1, 1, 127), subnormals=False, inf=False, negzero=False,
        signed=False, zero=False,
    ),
    # OCP MX FP6/FP4: no infinity, no NaN.
    "float6_e2m3fn": Fmt(p=4, emin=0, max=_fr(15, 8, 2), inf=False, nan=False),
    "float6_e3m2fn": Fmt(p=3, emin=-2, max=_fr(7, 4, 4), inf=False, nan=False),
    "float4_e2m1fn": Fmt(p=2, emin=0, max=_fr(3, 2, 2), inf=False, nan=False),
    "bfloat16": Fmt(p=8, emin=-126, max=_fr(255, 128, 127)),
    "float16": Fmt(p=11, emin=-14, max=_fr(2047, 1024, 15)),
}


def fmt_by_name(name):
    if name in FORMATS:
        return FORMATS[name]
    parts = name.split(":")
    if parts[0] == "ieee" and len(parts) in (3, 4):
        e, m = int(parts[1]), int(parts[2])
        bias = 2 ** (e - 1) - 1
        subnormals = True
        if len(parts) == 4:
            if parts[3] != "nosub":
                raise ValueError(f"unknown option in {name!r}")
            subnormals = False
        return Fmt(p=m + 1, emin=1 - bias, max=_fr(2 ** (m + 1) - 1, 2**m, bias),
                   subnormals=subnormals)
    raise ValueError(f"unknown format {name!r}")


MODES = ("rne", "rna", "rnz", "rup", "rdn", "rtz", "rto")


def round_exact(x, fmt, mode):
    """Correctly rounds the float x (taken exactly) into fmt; returns a float."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if math.isnan(x):
        return math.nan
    neg = math.copysign(1.0, x) < 0
    sgn = -1 if neg else 1

    def signed_max():
        return float(fmt.max) * sgn

    if math.isinf(x):
        if neg and not fmt.signed:
            return math.nan
        if fmt.inf:
            return x
        return math.nan if fmt.nan else signed_max()
    if x == 0:
        if not fmt.zero:
            return math.nan
        return -0.0 if neg and fmt.negzero else 0.0

    # x = m * 2^ex exactly, m a positive integer (as_integer_ratio is exact and its
    # denominator is a power of two).
    num, den = abs(x).as_integer_ratio()
    m, ex = num, 1 - den.bit_length()
    e = m.bit_length() - 1 + ex  # exponent of the leading bit: 2^e <= |x| < 2^(e+1)
    # Quantum (weight of the last kept bit): p bits below the leading one in the normal
    # range; fixed at the subnormal spacing 2^(emin - p + 1) below it, or at 2^emin when
    # the format flushes (its only values below 2^emin are 0 and 2^emin).
    if e >= fmt.emin:
        qe = e - (fmt.p - 1)
    elif fmt.subnormals:
        qe = fmt.emin - (fmt.p - 1)
    else:
        qe = fmt.emin
    # |x| / 2^qe = n + r / 2^sh with 0 <= r < 2^sh: n kept, r discarded.
    sh = qe - ex
    if sh <= 0:
        n, r, half = m << -sh, 0, 1
    else:
        n, r, half = m >> sh, m & ((1 << sh) - 1), 1 << (sh - 1)
    if r == 0:
        inc = False
    elif mode == "rne":
        inc = r > half or (r == half and n % 2 == 1)
    elif mode == "rna":
        inc = r >= half
    elif mode == "rnz":
        inc = r > half
    elif mode == "rup":
        inc = not neg
    elif mode == "rdn":
        inc = neg
    elif mode == "rtz":
        inc = False
    else:  # rto
        inc = n % 2 == 0
    n += inc

    if neg and not fmt.signed:
        # Negative values have no representation; only a zero result could be returned.
        return 0.0 if n == 0 and fmt.zero else math.nan
    # Compare n * 2^qe with the largest finite value only when its leading bit is at
    # least as high (the Fraction comparison is the slow part).
    max_exp = fmt.max.numerator.bit_length() - fmt.max.denominator.bit_length()
    if n.bit_length() - 1 + qe >= max_exp and n * Fraction(2) ** qe > fmt.max:
        # Overflow (IEEE 754 7.4): directed modes pointing toward zero, and round to odd
        # (whose truncation is the largest finite value), give the largest finite value;
        # the others give infinity, or NaN where the format has no infinity, or the
        # largest finite value where it has neither (MX FP6/FP4 saturate).
        inward = mode in ("rtz", "rto") or (mode == "rup" and neg) or (mode == "rdn" and not neg)
        if inward or not (fmt.inf or fmt.nan):
            return signed_max()
        return math.inf * sgn if fmt.inf else math.nan
    if n == 0:
        if not fmt.zero:
            # No zero: the smallest value is the only candidate below.
            return float(Fraction(2) ** fmt.emin)
        return -0.0 if neg and fmt.negzero else 0.0
    # n < 2^54 and n * 2^qe is a value of the format, inside binary64's range: ldexp
    # is exact here.
    return math.ldexp(n, qe) * sgn


def main(d):
    with open(f"{d}/jobs.txt") as jobs:
        for line in jobs:
            if not line.strip():
                continue
            src, dst, name, mode = line.split()
            fmt = fmt_by_name(name)
            with open(f"{d}/{src}", "rb") as f:
                data = f.read()
            xs = struct.unpack(f"<{len(data) // 8}d", data)
            ys = [round_exact(x, fmt, mode) for x in xs]
            with open(f"{d}/{dst}", "wb") as f:
                f.write(struct.pack(f"<{len(ys)}d", *ys))


if __name__ == "__main__":
    main(sys.argv[1])
