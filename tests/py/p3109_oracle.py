"""Expected P3109 codes from pychop's P3109 draft emulator (pychop.p3109).

Usage: p3109_oracle.py OUTDIR

For a set of P3109 formats, writes the inputs (float64, little-endian) and, for every
rounding mode and saturation policy, the codes pychop's emulator gives (uint16). The
emulator computes in float64, which is exact for these formats (it refuses formats whose
values or midpoints float64 cannot hold). Stochastic modes are fed explicit random bits,
which are written too. OUTDIR/manifest.txt lists one block per line:
    k p signed domain mode saturate srnumbits inputs_file codes_file bits_file
"""
import sys
from pathlib import Path

import numpy as np
from pychop.p3109 import P3109Format, p3109_decode, p3109_encode

MODES = ["nearest_even", "nearest_away", "toward_zero", "toward_positive",
         "toward_negative", "to_odd"]
SR_MODES = ["stochastic_a", "stochastic_b", "stochastic_c"]
SATURATIONS = ["none", "finite", "propagate"]


def formats():
    for k, p in [(8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (6, 2), (6, 3), (4, 2), (3, 1),
                 (10, 4), (12, 6), (16, 11), (16, 8)]:
        for signed in (True, False):
            if signed and p >= k:
                continue
            for domain in ("extended", "finite"):
                try:
                    yield P3109Format(k, p, signed, domain)
                except ValueError:
                    pass


def inputs(fmt, rng):
    codes = np.arange(1 << fmt.k, dtype=np.uint32)
    values = p3109_decode(codes, fmt)
    finite = np.unique(values[np.isfinite(values)])
    mids = (finite[1:] + finite[:-1]) / 2
    if len(finite) > 1024:
        # Wide formats: every value near zero and near the top, and a sample in between.
        keep = np.zeros(len(mids), bool)
        keep[:256] = keep[-256:] = True
        keep[rng.choice(len(mids), 512, replace=False)] = True
        finite, mids = finite[:-1][keep], mids[keep]
    # Points at every sixteenth of each gap: the discarded fractions δ = j/16 that
    # separate the stochastic variants (ties of variant C's rounding of δ·2ⁿ among them).
    gaps = np.concatenate([finite[1:, None] * (j / 16) + finite[:-1, None] * (1 - j / 16)
                           for j in (1, 3, 4, 5, 7, 9, 11, 12, 13, 15)], axis=None)
    base = np.concatenate([finite, mids, gaps, [fmt.max * 1.5, fmt.max * 2, fmt.max * 1e6,
                                          fmt.smallest_subnormal / 2, fmt.smallest_subnormal / 3,
                                          np.inf, -np.inf, np.nan, 0.0, -0.0]])
    near = np.concatenate([np.nextafter(base, np.inf), np.nextafter(base, -np.inf)])
    # Random values spread over the format's range and a little beyond it, both signs.
    lo, hi = np.log2(fmt.smallest_subnormal) - 2, np.log2(fmt.max) + 2
    rand = np.exp2(rng.uniform(lo, hi, 4000)) * rng.choice([-1.0, 1.0], 4000)
    x = np.concatenate([base, -base, near, -near, rand])
    return x[np.isfinite(x) | np.isinf(x) | np.isnan(x)].astype(np.float64)


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3109)
    lines = []
    for i, fmt in enumerate(formats()):
        x = inputs(fmt, rng)
        xfile = f"x{i}.bin"
        x.tofile(out / xfile)
        for mode in MODES + SR_MODES:
            for sat in SATURATIONS:
                for nbits in ([1, 3, 8] if mode in SR_MODES else [0]):
                    kw = {}
                    bfile = "-"
                    if nbits:
                        bits = rng.integers(0, 1 << nbits, len(x), dtype=np.uint8)
                        bfile = f"b{i}_{mode}_{sat}_{nbits}.bin"
                        bits.tofile(out / bfile)
                        kw = dict(srbits=bits, srnumbits=nbits)
                    codes = p3109_encode(x, fmt, rounding=mode, saturate=sat, **kw).astype(np.uint16)
                    cfile = f"c{i}_{mode}_{sat}_{nbits}.bin"
                    codes.tofile(out / cfile)
                    lines.append(f"{fmt.k} {fmt.precision} {int(fmt.signed)} {fmt.domain} {mode} "
                                 f"{sat} {nbits} {xfile} {cfile} {bfile}")
    (out / "manifest.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
