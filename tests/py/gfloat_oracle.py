"""gfloat 0.5.2's block quantization (the OCP MX rules) as a peer for tests/block_gfloat.rs.

Usage: python gfloat_oracle.py DIR
    DIR/jobs.txt holds lines
        IN OUT PRESET MODE LITERAL [DTYPE]
    IN holds little-endian float32 values, blocks of 32 (the MX block size);
    PRESET is a gfloat.formats.format_info_<PRESET> block format (mxfp8_e4m3, ...);
    MODE a gfloat RoundMode name (TiesToEven, TiesToAway, TowardZero, TowardPositive,
    TowardNegative). Writes
        OUT.scale  u8, one E8M0 scale code per block,
        OUT.codes  u8, one element code per value,
        OUT.vals   float64, the dequantized values (scale * element),
    where the scale of every block is gfloat.block.compute_scale_amax(emax, block)
    (called once per block) and the elements are gfloat's own vectorized rounding
    (round_ndarray with saturation, encode_ndarray) of block / scale, which is what
    encode_block does element by element. For the first LITERAL blocks the literal
    per-block calls are also made:
        OUT.lit_codes  u8, encode_block(fi, compute_scale_amax(...), block / scale, mode)
                       (scale code first, then the element codes: 33 per block),
        OUT.lit_vals   float64, quantize_block(fi, block, compute_scale_amax, mode).
    The values are passed to gfloat as float64 arrays (each float32 value exactly), so
    that gfloat's arithmetic (log2, the division by the scale) sees the exact inputs.
    With DTYPE f32 they are passed as float32 arrays instead, as a caller holding float32
    tensors would, and only the literal calls are made (OUT.scale, OUT.codes and OUT.vals
    are then empty).
"""

import importlib.metadata
import sys
import warnings

import numpy as np

from gfloat import (
    RoundMode,
    compute_scale_amax,
    decode_ndarray,
    encode_block,
    encode_ndarray,
    quantize_block,
    round_ndarray,
)
from gfloat import formats

_version = importlib.metadata.version("gfloat")
if _version != "0.5.2":
    sys.exit(f"gfloat {_version} found, the tests pin 0.5.2: run `bash scripts/setup-oracles.sh`")


def main(d):
    warnings.filterwarnings("ignore")
    with open(f"{d}/jobs.txt") as f:
        jobs = [line.split() for line in f if line.strip()]
    for job in jobs:
        src, dst, preset, mode, literal = job[:5]
        dtype = job[5] if len(job) > 5 else "f64"
        fi = getattr(formats, f"format_info_{preset}")
        rnd = getattr(RoundMode, mode)
        literal = int(literal)
        x = np.fromfile(f"{d}/{src}", dtype="<f4")
        x = x.astype(np.float32 if dtype == "f32" else np.float64)
        blocks = x.reshape(-1, fi.k)
        emax = fi.etype.emax
        if dtype == "f32":
            scode = codes = vals = np.zeros(0)
        else:
            with np.errstate(all="ignore"):
                scales = np.array([compute_scale_amax(emax, b) for b in blocks], dtype=np.float64)
                scaled = blocks / scales[:, None]
                r = round_ndarray(fi.etype, scaled.reshape(-1), rnd, True)
                codes = encode_ndarray(fi.etype, r)
                scode = encode_ndarray(fi.stype, round_ndarray(fi.stype, scales, rnd, True))
                sval = decode_ndarray(fi.stype, scode)
                vals = (sval[:, None] * decode_ndarray(fi.etype, codes).reshape(blocks.shape)).reshape(-1)
        np.asarray(scode, dtype=np.uint8).tofile(f"{d}/{dst}.scale")
        np.asarray(codes, dtype=np.uint8).tofile(f"{d}/{dst}.codes")
        vals.astype("<f8").tofile(f"{d}/{dst}.vals")
        lit_codes, lit_vals = [], []
        with np.errstate(all="ignore"):
            for b in blocks[:literal]:
                s = compute_scale_amax(emax, b)
                lit_codes.extend(encode_block(fi, s, b / s, rnd))
                lit_vals.append(quantize_block(fi, b, compute_scale_amax, rnd))
        np.asarray(lit_codes, dtype=np.uint8).tofile(f"{d}/{dst}.lit_codes")
        (np.concatenate(lit_vals) if lit_vals else np.zeros(0)).astype("<f8").tofile(
            f"{d}/{dst}.lit_vals")


if __name__ == "__main__":
    main(sys.argv[1])
