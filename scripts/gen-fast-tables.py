#!/usr/bin/env python3
"""Prints the tables of the binary64 fast path (src/math/fast.rs) as Rust items.

90-digit decimal arithmetic (Python's `decimal`), each value correctly rounded to binary64
by `float(Decimal)`; the unit tests in src/math/fast.rs check every entry against MPFR.
Run it and paste its output over the tables it names:

    python3 scripts/gen-fast-tables.py
"""
from decimal import Decimal as D, getcontext
import struct

getcontext().prec = 90
EPS = D(10) ** -88


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def atan_inv(k):
    s, t, n, sign = D(0), D(1) / k, 1, 1
    while t / n > EPS:
        s += sign * t / n
        t /= k * k
        n += 2
        sign = -sign
    return s


PI = 16 * atan_inv(5) - 4 * atan_inv(239)
TWO_OVER_SQRT_PI = 2 / PI.sqrt()


def erf(x):
    s, t, n = D(0), x, 0
    while abs(t) / (2 * n + 1) > EPS:
        s += t / (2 * n + 1)
        n += 1
        t = -t * x * x / n
    return TWO_OVER_SQRT_PI * s


def table(name, ty, values, doc):
    print("\n".join(f"/// {line}" for line in doc))
    print(f"const {name}: {ty} = [")
    for v in values:
        print(f"    f64::from_bits(0x{bits(v):016x}),")
    print("];")


table("EXP2_32NDS", "[f64; 32]", [D(2) ** (D(j) / 32) for j in range(32)],
      ["2^(j/32), j = 0..31, each correctly rounded (relative error ≤ 2^−53)."])
# The logarithm's table, indexed by the top 7 fraction bits j of x = m · 2^e, m in [1, 2):
# m is folded to m/2 (and e to e + 1) from j = 53 on, so that the argument c of each row
# lies in [√2/2, √2); c is the middle of the row's interval, except 1 for the rows next
# to 1 (j = 0 and j = 127), where the reduction is then exact. Each row is 1/c rounded
# to binary64 (any value near 1/c works) and −ln of that very binary64 value, rounded.
inv, neg_ln = [], []
for j in range(128):
    lo, hi = 1 + D(j) / 128, 1 + D(j + 1) / 128
    if j >= 53:
        lo, hi = lo / 2, hi / 2
    c = D(1) if j in (0, 127) else (lo + hi) / 2
    r = float(1 / c)
    inv.append(D(r))
    neg_ln.append(-D(r).ln())
table("LOG_INV", "[f64; 128]", inv,
      ["1/c of each row of the logarithm's table (see `log`)."])
table("LOG_NEG_LN_INV", "[f64; 128]", neg_ln,
      ["−ln of each `LOG_INV` entry, correctly rounded (relative error ≤ 2^−53)."])
fact = D(1)
small = []
for n in range(13):
    if n:
        fact *= n
    small.append(TWO_OVER_SQRT_PI * (-1) ** n / (fact * (2 * n + 1)))
table("ERF_SMALL", "[f64; 13]", small,
      ["(2/√π)(−1)^n/(n!(2n+1)), n = 0..12: erf x = x Σ b_n x^(2n), each correctly rounded."])
print("/// erf around c = k/4, k = 2..24: the Taylor coefficients erf^(m)(c)/m!, m = 0..13,")
print("/// each correctly rounded, from erf^(m+1)(x) = (2/√π)(−1)^m H_m(x) e^(−x²) with the")
print("/// Hermite recurrence H_(n+1) = 2x H_n − 2n H_(n−1).")
print("const ERF_TAYLOR: [[f64; 14]; 23] = [")
for k in range(2, 25):
    c = D(k) / 4
    e = (-(c * c)).exp()
    h = [D(1), 2 * c]
    for n in range(1, 14):
        h.append(2 * c * h[n] - 2 * n * h[n - 1])
    coefs, fact = [erf(c)], D(1)
    for m in range(1, 14):
        fact *= m
        coefs.append(TWO_OVER_SQRT_PI * (-1) ** (m - 1) * h[m - 1] * e / fact)
    print("    [")
    for v in coefs:
        print(f"        f64::from_bits(0x{bits(v):016x}),")
    print("    ],")
print("];")
