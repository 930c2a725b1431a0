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


def rounder(fmt, mode):
    """A function that correctly rounds a float (taken exactly) into fmt in the given
    mode and returns the result as a float. Constants are computed once per (fmt, mode).
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    p1 = fmt.p - 1
    emin = fmt.emin
    # Quantum of the values below 2^emin: the subnormal spacing 2^(emin - p + 1), or
    # 2^emin when the format flushes (its only values below 2^emin are 0 and 2^emin).
    q_low = emin - p1 if fmt.subnormals else emin
    fmax = fmt.max
    max_float = float(fmax)  # exact: the largest value is representable
    # Exponent of the leading bit of the largest value (its denominator is 2^k).
    max_exp = fmax.numerator.bit_length() - fmax.denominator.bit_length()
    min_float = math.ldexp(1.0, emin)

    def over(neg):
        # Overflow (IEEE 754 7.4): directed modes pointing toward zero, and round to odd
        # (whose truncation is the largest finite value), give the largest finite value;
        # the others give infinity, or NaN where the format has no infinity, or the
        # largest finite value where it has neither (MX FP6/FP4 saturate).
        inward = mode in ("rtz", "rto") or (mode == "rup" and neg) or (mode == "rdn" and not neg)
        if inward or not (fmt.inf or fmt.nan):
            return -max_float if neg else max_float
        if fmt.inf:
            return -math.inf if neg else math.inf
        return math.nan

    def rnd(x):
        if x != x:
            return math.nan
        neg = math.copysign(1.0, x) < 0
        if math.isinf(x):
            if neg and not fmt.signed:
                return math.nan
            if fmt.inf:
                return x
            if fmt.nan:
                return math.nan
            return -max_float if neg else max_float
        if x == 0:
            if not fmt.zero:
                return math.nan
            return -0.0 if neg and fmt.negzero else 0.0

        # |x| = m * 2^ex exactly, m a positive integer (as_integer_ratio is exact and
        # its denominator is a power of two).
        m, den = abs(x).as_integer_ratio()
        ex = 1 - den.bit_length()
        e = m.bit_length() - 1 + ex  # 2^e <= |x| < 2^(e+1)
        # Quantum (weight of the last kept bit): p bits below the leading one in the
        # normal range, q_low below it.
        qe = e - p1 if e >= emin else q_low
        # |x| / 2^qe = n + r / 2^sh with 0 <= r < 2^sh: n is kept, r discarded.
        sh = qe - ex
        if sh <= 0:
            n, r, half = m << -sh, 0, 1
        else:
            n, r, half = m >> sh, m & ((1 << sh) - 1), 1 << (sh - 1)
        if r:
            if mode == "rne":
                n += r > half or (r == half and n & 1)
            elif mode == "rna":
                n += r >= half
            elif mode == "rnz":
                n += r > half
            elif mode == "rup":
                n += not neg
            elif mode == "rdn":
                n += neg
            elif mode == "rto":
                n |= 1
            # rtz: truncation

        if neg and not fmt.signed:
            # Negative values have no representation; only a zero result could be returned.
            return 0.0 if n == 0 and fmt.zero else math.nan
        # Compare n * 2^qe with the largest value only when its leading bit is as high.
        if n and n.bit_length() - 1 + qe >= max_exp and n * Fraction(2) ** qe > fmax:
            return over(neg)
        if n == 0:
            if not fmt.zero:
                # No zero: the smallest value is the only candidate below.
                return min_float
            return -0.0 if neg and fmt.negzero else 0.0
        # n < 2^54 and n * 2^qe is a value of the format inside binary64's range:
        # ldexp is exact here.
        v = math.ldexp(n, qe)
        return -v if neg else v

    return rnd


def round_exact(x, fmt, mode):
    """Correctly rounds the float x (taken exactly) into fmt; returns a float."""
    return rounder(fmt, mode)(x)


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
            rnd = rounder(fmt, mode)
            ys = [rnd(x) for x in xs]
            with open(f"{d}/{dst}", "wb") as f:
                f.write(struct.pack(f"<{len(ys)}d", *ys))


if __name__ == "__main__":
    main(sys.argv[1])
