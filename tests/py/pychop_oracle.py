"""pychop 0.6.2 as a peer for the lowprec tests.

Usage: python pychop_oracle.py DIR
    DIR/jobs.txt holds lines
        IN OUT chop EXP_BITS SIG_BITS RMODE
            pychop.Chop(exp_bits, sig_bits, rmode) (the NumPy LightChop_ backend);
        IN OUT chop_ PREC RMODE
            pychop.np.float_point.Chop_ (the classic interface), PREC a preset name
            ('h', 'b', 'q43', 'q52', 'd', ...) or custom:T:EMAX for
            Chop_(customs=Customs(t=T, emax=EMAX)).
    IN holds little-endian float64 inputs; OUT receives the chopped float64 values.
"""

import os
import sys
import warnings

import numpy as np

os.environ.setdefault("chop_backend", "auto")
import pychop  # noqa: E402
from pychop.np.float_point import Chop_  # noqa: E402

if pychop.__version__ != "0.6.2":
    sys.exit(f"pychop {pychop.__version__} found, the tests pin 0.6.2: "
             "run `bash scripts/setup-oracles.sh`")


def main(d):
    warnings.filterwarnings("ignore")
    with open(f"{d}/jobs.txt") as f:
        jobs = [line.split() for line in f if line.strip()]
    cache = {}
    for job in jobs:
        src, dst, api = job[:3]
        if src not in cache:
            cache[src] = np.fromfile(f"{d}/{src}", dtype="<f8").astype(np.float64)
        x = cache[src].copy()
        with np.errstate(all="ignore"):
            if api == "chop":
                exp_bits, sig_bits, rmode = map(int, job[3:])
                # chunk_size only splits the array into Dask blocks for the same
                # element-wise computation; one block keeps the run fast.
                ch = pychop.Chop(exp_bits, sig_bits, rmode=rmode, chunk_size=x.size + 1)
                y = ch(x)
            elif api == "chop_":
                prec, rmode = job[3], int(job[4])
                if prec.startswith("custom:"):
                    _, t, emax = prec.split(":")
                    ch = Chop_(rmode=rmode, customs=pychop.Customs(t=int(t), emax=int(emax)))
                else:
                    ch = Chop_(prec=prec, rmode=rmode)
                y = ch(x)
            else:
                sys.exit(f"unknown pychop interface {api!r}")
        y = np.asarray(y, dtype=np.float64)
        if y.shape != x.shape:
            sys.exit(f"{job}: pychop returned shape {y.shape} for {x.shape}")
        y.astype("<f8").tofile(f"{d}/{dst}")


if __name__ == "__main__":
    main(sys.argv[1])
