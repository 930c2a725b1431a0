"""An independent float32 implementation of all-MiniLM-L6-v2 in numpy, the oracle of
tests/minilm.rs.

usage: minilm_numpy.py MODEL_DIR IDS_FILE SENTENCES_FILE
       minilm_numpy.py --bench MODEL_DIR SENTENCES_FILE

MODEL_DIR holds model.safetensors and tokenizer.json. IDS_FILE has one sentence's token ids
per line (as the Rust example computes them). The script
  1. tokenizes SENTENCES_FILE (one sentence per line) with the Python `tokenizers` package,
     padding and truncation disabled, and prints `ids-mismatch N` for each sentence whose ids
     differ from IDS_FILE's (nothing when all agree);
  2. reads the weights with its own safetensors reader (8-byte header length, JSON header,
     little-endian data) and prints, for each sentence of IDS_FILE, its embedding as
     `embedding v1 v2 ...` (mean pooling over the tokens, L2 normalised).

With --bench it is the speed baseline of scripts/bench-minilm.sh instead: it embeds the
sentences (best of 3 passes, after a warm-up) and prints `numpy tokens/s N`. GELU's erf is then
Abramowitz & Stegun 7.1.26 in numpy (error below 1.5e-7), as fast as a library erf, where the
oracle above uses Python's math.erf element by element.
"""
import json
import math
import struct
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        lo, hi = meta["data_offsets"]
        out[name] = np.frombuffer(data[lo:hi], dtype="<f4").reshape(meta["shape"])
    return out


def layer_norm(x, g, b, eps=np.float32(1e-12)):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + eps)) * g + b


def erf_exact(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x.astype(np.float64))


def erf_fast(x):
    t = 1.0 / (1.0 + np.float32(0.3275911) * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


ERF = erf_exact


def gelu(x):
    return (0.5 * x * (1.0 + ERF(x / np.float32(math.sqrt(2.0))))).astype(np.float32)


def embed(w, ids):
    x = w["embeddings.word_embeddings.weight"][ids]
    x = x + w["embeddings.position_embeddings.weight"][: len(ids)]
    x = x + w["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    heads, d = 12, 32
    for i in range(6):
        p = f"encoder.layer.{i}."

        def lin(name, v):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q = lin("attention.self.query", x).reshape(-1, heads, d).transpose(1, 0, 2)
        k = lin("attention.self.key", x).reshape(-1, heads, d).transpose(1, 0, 2)
        v = lin("attention.self.value", x).reshape(-1, heads, d).transpose(1, 0, 2)
        s = (q @ k.transpose(0, 2, 1)) / np.float32(math.sqrt(d))
        s = np.exp(s - s.max(axis=-1, keepdims=True))
        s = s / s.sum(axis=-1, keepdims=True)
        c = (s @ v).transpose(1, 0, 2).reshape(-1, heads * d)
        a = lin("attention.output.dense", c)
        h = layer_norm(x + a, w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"])
        f = lin("output.dense", gelu(lin("intermediate.dense", h)))
        x = layer_norm(h + f, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    e = x.mean(axis=0)
    return e / max(np.linalg.norm(e), 1e-12)


def bench(model_dir, sentences_file):
    global ERF
    import time
    from tokenizers import Tokenizer

    ERF = erf_fast
    tok = Tokenizer.from_file(model_dir + "/tokenizer.json")
    tok.no_padding()
    tok.no_truncation()
    sentences = [line.strip() for line in open(sentences_file) if line.strip()]
    ids = [np.array(tok.encode(s).ids) for s in sentences]
    w = load(model_dir + "/model.safetensors")
    tokens = sum(len(i) for i in ids)
    embed(w, ids[0])
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for i in ids:
            embed(w, i)
        best = min(best, time.perf_counter() - start)
    print(f"numpy tokens/s {tokens / best:.1f}")


def main():
    if sys.argv[1] == "--bench":
        bench(sys.argv[2], sys.argv[3])
        return
    model_dir, ids_file, sentences_file = sys.argv[1:4]
    ids = [[int(t) for t in line.split()] for line in open(ids_file) if line.strip()]
    sentences = [line.strip() for line in open(sentences_file) if line.strip()]
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(model_dir + "/tokenizer.json")
    tok.no_padding()
    tok.no_truncation()
    for n, (s, mine) in enumerate(zip(sentences, ids)):
        if tok.encode(s).ids != mine:
            print(f"ids-mismatch {n}")
    if len(sentences) != len(ids):
        print(f"ids-mismatch count {len(sentences)} {len(ids)}")
    w = load(model_dir + "/model.safetensors")
    for s in ids:
        e = embed(w, np.array(s))
        print("embedding " + " ".join(repr(float(v)) for v in e))


if __name__ == "__main__":
    main()
