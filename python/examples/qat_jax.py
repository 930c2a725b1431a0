"""Quantization-aware training in JAX with lowprec's QFX quantizer, deployed as ap_fixed.

A 64 -> 32 -> 10 MLP (ReLU) on the digits set (``target/data/digits.csv``: 64 pixels
0..16, then the label) is trained in float32, then fine-tuned with every weight,
bias, input and activation passed through a QFX quantizer: an 8-bit ap_fixed cast
(AP_RND_CONV, AP_SAT) whose binary point ``frac_bits`` is a trainable float: one per
output channel for the weights (one per tensor with ``--per-tensor``), one per tensor
for the biases, the input and each layer's output. The quantizer is a ``jax.custom_vjp`` whose forward pass is
``lowprec.qfx_forward`` and whose backward pass is ``lowprec.qfx_backward``, both run
through ``jax.pure_callback``; the optimizer is Adam, written here.

The deployed type of a tensor is ``ap_fixed<8, 8 - F, AP_RND_CONV, AP_SAT>`` with F the
learned latent rounded to nearest, ties to even (as the quantizer rounds it). The
deployed network is run in exact integer arithmetic: the input cast into its type,
each dense layer as the exact integer sum of bias and products (aligned to a common
binary point, held in a wide accumulator type), ReLU on that exact sum, then one cast
into the layer's output type with ``lowprec.fixed_cast``.

Usage: python qat_jax.py [--data target/data/digits.csv] [--out DIR] [--seed 0]
                         [--per-tensor]

``--out DIR`` writes ``model.json`` (the types, raw weights and biases per layer) and
``deploy.txt`` (the same, plus the test set's raw inputs, labels and fixed-point
logits, in a line-based text form: ``key value...`` per line). The ``weight`` and
``accum`` lines of a layer list one type per output channel; ``w`` holds the raw weights
row-major, one row of ``n_in`` per output.
"""

import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import lowprec  # noqa: E402

WIDTH = 8
Q_MODE = "AP_RND_CONV"
O_MODE = "AP_SAT"
SIZES = (64, 32, 10)
N_TRAIN = 1437


def qfx_quantizer(width, q, o, axis=None):
    """The QFX quantizer as a differentiable function ``(x, frac) -> y``: ``frac`` a
    scalar (per tensor, ``axis=None``) or one latent per channel along ``axis``."""

    def latent(frac):
        return float(frac) if axis is None else np.asarray(frac, np.float32)

    def forward_host(x, frac):
        y = lowprec.qfx_forward(np.asarray(x, np.float32), width, latent(frac), True, q, o,
                                axis)
        return np.asarray(y, np.float32)

    def backward_host(x, g, frac):
        gx, gf = lowprec.qfx_backward(
            np.asarray(x, np.float32), np.asarray(g, np.float32), width, latent(frac),
            True, q, o, axis,
        )
        return np.asarray(gx, np.float32), np.asarray(gf, np.float32).reshape(np.shape(frac))

    def call_forward(x, frac):
        return jax.pure_callback(
            forward_host, jax.ShapeDtypeStruct(x.shape, jnp.float32), x, frac
        )

    @jax.custom_vjp
    def qfx(x, frac):
        return call_forward(x, frac)

    def fwd(x, frac):
        return call_forward(x, frac), (x, frac)

    def bwd(res, g):
        x, frac = res
        gx, gf = jax.pure_callback(
            backward_host,
            (
                jax.ShapeDtypeStruct(x.shape, jnp.float32),
                jax.ShapeDtypeStruct(frac.shape, jnp.float32),
            ),
            x, g, frac,
        )
        return gx, gf

    qfx.defvjp(fwd, bwd)
    return qfx


qfx = qfx_quantizer(WIDTH, Q_MODE, O_MODE)
qfx_rows = qfx_quantizer(WIDTH, Q_MODE, O_MODE, axis=0)  # one latent per output channel


def ap_type(frac):
    """The deployed 8-bit type of a learned latent binary point."""
    f = int(np.round(np.float32(frac)))  # nearest, ties to even, as the quantizer
    return f"ap_fixed<{WIDTH},{WIDTH - f},{Q_MODE},{O_MODE}>"


def load_digits(path, seed):
    data = np.loadtxt(path, delimiter=",", dtype=np.int64)
    assert data.shape == (1797, 65), data.shape
    perm = np.random.default_rng(seed).permutation(len(data))
    data = data[perm]
    x = data[:, :64].astype(np.float32) / np.float32(16.0)  # exact: multiples of 1/16
    y = data[:, 64]
    return (x[:N_TRAIN], y[:N_TRAIN]), (x[N_TRAIN:], y[N_TRAIN:])


def init_params(key):
    params = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        key, k = jax.random.split(key)
        w = jax.random.normal(k, (n_out, n_in), jnp.float32) * math.sqrt(2.0 / n_in)
        params.append({"w": w, "b": jnp.zeros((n_out,), jnp.float32)})
    return params


def float_logits(params, x):
    h = x
    for i, p in enumerate(params):
        h = h @ p["w"].T + p["b"]
        if i + 1 < len(params):
            h = jax.nn.relu(h)
    return h


def qat_logits(params, fracs, x):
    """The forward pass with every tensor quantized: fracs holds ``in``, and per layer
    ``w``, ``b`` and ``out`` latents."""
    h = qfx(x, fracs["in"])
    for i, p in enumerate(params):
        f = fracs["layers"][i]
        w = (qfx_rows if jnp.ndim(f["w"]) else qfx)(p["w"], f["w"])
        b = qfx(p["b"], f["b"])
        h = h @ w.T + b
        if i + 1 < len(params):
            h = jax.nn.relu(h)
        h = qfx(h, f["out"])
    return h


def xent(logits, y):
    logp = jax.nn.log_softmax(logits)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))


def adam_init(tree):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, tree)
    return {"m": zeros, "v": zeros, "t": jnp.zeros((), jnp.int32)}


def adam_update(tree, grads, state, lr, b1=0.9, b2=0.999, eps=1e-8):
    t = state["t"] + 1
    m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, state["m"], grads)
    v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, state["v"], grads)
    c1 = 1 - b1 ** t.astype(jnp.float32)
    c2 = 1 - b2 ** t.astype(jnp.float32)
    new = jax.tree_util.tree_map(
        lambda p, lr_, m, v: p - lr_ * (m / c1) / (jnp.sqrt(v / c2) + eps),
        tree, lr, m, v,
    )
    return new, {"m": m, "v": v, "t": t}


def batches(rng, n, size):
    perm = rng.permutation(n)
    for i in range(0, n - size + 1, size):
        yield perm[i:i + size]


def frac_for(amax):
    """The latent binary point that just holds |x| <= amax in 8 signed bits."""
    amax = max(float(amax), 2.0 ** -20)
    int_bits = math.floor(math.log2(amax)) + 2  # sign bit + integer part
    return float(WIDTH - int_bits)


# ---------------------------------------------------------------- integer inference


def accum_type(in_t, w_t, b_t, n_in):
    """A type that holds the exact sum of the bias and n_in products exactly."""
    fi, fw, fb = (lowprec_frac(t) for t in (in_t, w_t, b_t))
    ii, iw, ib = (WIDTH - f for f in (fi, fw, fb))
    f = max(fi + fw, fb)
    # |x| <= 2^(ii-1), |w| <= 2^(iw-1), |b| <= 2^(ib-1)
    mag = max(ii + iw - 2, ib - 1) + math.ceil(math.log2(n_in + 1))
    int_bits = mag + 1
    return f"ap_fixed<{int_bits + f},{int_bits},AP_TRN,AP_WRAP>", f


def lowprec_frac(ty):
    inner = ty[ty.index("<") + 1:ty.index(">")].split(",")
    return int(inner[0]) - int(inner[1])


def dense_exact(x_raw, w_raw, b_raw, in_t, w_ts, b_t, out_t, relu):
    """One dense layer on raw integers: per output j (weight type ``w_ts[j]``) the exact
    sum of bias and products (Python ints), ReLU, then one cast into ``out_t``."""
    fi, fb = lowprec_frac(in_t), lowprec_frac(b_t)
    xs = [[int(v) for v in row] for row in x_raw]
    cols = []
    for wr, b, w_t in zip(w_raw, b_raw, w_ts):
        fw = lowprec_frac(w_t)
        f = max(fi + fw, fb)
        ps, bs = f - fi - fw, f - fb
        wr = [int(v) for v in wr]
        col = []
        for row in xs:
            s = (sum(a * c for a, c in zip(row, wr)) << ps) + (int(b) << bs)
            if relu and s < 0:
                s = 0
            # The exact value s * 2^-f is a float64 number (|s| < 2^53), so the cast
            # below is the cast of the exact sum.
            assert abs(s) < 2 ** 53
            col.append(math.ldexp(s, -f))
        cols.append(col)
    vals = np.array(cols, np.float64).T
    return lowprec.fixed_cast(vals, out_t)


def deploy(params, fracs):
    in_t = ap_type(fracs["in"])
    layers = []
    prev_t = in_t
    for i, p in enumerate(params):
        f = fracs["layers"][i]
        n_out, n_in = p["w"].shape
        w_ts = [ap_type(v) for v in np.broadcast_to(np.asarray(f["w"]), (n_out,))]
        b_t, out_t = ap_type(f["b"]), ap_type(f["out"])
        w = np.asarray(p["w"], np.float64)
        layers.append({
            "n_in": int(n_in),
            "n_out": int(n_out),
            "relu": i + 1 < len(params),
            "input": prev_t,
            "weight": w_ts,
            "bias": b_t,
            "accum": [accum_type(prev_t, w_t, b_t, n_in)[0] for w_t in w_ts],
            "output": out_t,
            "w": np.stack([lowprec.fixed_cast(w[j], w_ts[j]) for j in range(n_out)]),
            "b": lowprec.fixed_cast(np.asarray(p["b"], np.float64), b_t),
        })
        prev_t = out_t
    return in_t, layers


def run_fixed(in_t, layers, x):
    h = lowprec.fixed_cast(np.asarray(x, np.float64), in_t)
    x_raw = h
    for layer in layers:
        h = dense_exact(h, layer["w"], layer["b"], layer["input"], layer["weight"],
                        layer["bias"], layer["output"], layer["relu"])
    return x_raw, h


def write_out(out_dir, in_t, layers, x_raw, y, logits_raw, stats):
    os.makedirs(out_dir, exist_ok=True)
    model = {
        "input": in_t,
        "layers": [
            {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in layer.items()}
            for layer in layers
        ],
        "stats": stats,
    }
    with open(os.path.join(out_dir, "model.json"), "w") as fh:
        json.dump(model, fh, indent=1)
        fh.write("\n")
    lines = [f"input_type {in_t}", f"layers {len(layers)}"]
    for layer in layers:
        lines.append(f"layer {layer['n_in']} {layer['n_out']} {int(layer['relu'])}")
        for key in ("input", "weight", "bias", "accum", "output"):
            v = layer[key]
            lines.append(f"{key} " + (" ".join(v) if isinstance(v, list) else v))
        lines.append("w " + " ".join(str(int(v)) for v in layer["w"].flat))
        lines.append("b " + " ".join(str(int(v)) for v in layer["b"].flat))
    lines.append(f"qat_accuracy {stats['qat_accuracy']!r}")
    lines.append(f"test {x_raw.shape[0]}")
    for row, label, logit in zip(x_raw, y, logits_raw):
        lines.append("x " + " ".join(str(int(v)) for v in row))
        lines.append(f"y {int(label)}")
        lines.append("logits " + " ".join(str(int(v)) for v in logit))
    with open(os.path.join(out_dir, "deploy.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    default_data = os.path.join(here, "..", "..", "target", "data", "digits.csv")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=default_data)
    ap.add_argument("--out", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--float-epochs", type=int, default=40)
    ap.add_argument("--qat-epochs", type=int, default=15)
    ap.add_argument("--per-tensor", dest="per_channel", action="store_false",
                    help="one weight binary point per tensor (default: per output channel)")
    args = ap.parse_args(argv)
    t0 = time.time()

    (xtr, ytr), (xte, yte) = load_digits(args.data, args.seed)
    rng = np.random.default_rng(args.seed)
    batch = 64

    # Float training.
    params = init_params(jax.random.PRNGKey(args.seed))
    opt = adam_init(params)
    lr_p = jax.tree_util.tree_map(lambda _: jnp.float32(3e-3), params)

    @jax.jit
    def float_step(params, opt, x, y):
        loss, g = jax.value_and_grad(lambda p: xent(float_logits(p, x), y))(params)
        params, opt = adam_update(params, g, opt, lr_p)
        return params, opt, loss

    for _ in range(args.float_epochs):
        for idx in batches(rng, len(xtr), batch):
            params, opt, _ = float_step(params, opt, xtr[idx], ytr[idx])
    pred = np.argmax(np.asarray(float_logits(params, xte)), axis=1)
    float_acc = float(np.mean(pred == yte))

    # QAT: binary points initialized from the float ranges, then trained with the weights.
    h = np.asarray(xtr)
    fr = {"in": frac_for(np.abs(h).max()), "layers": []}
    for i, p in enumerate(params):
        h = h @ np.asarray(p["w"]).T + np.asarray(p["b"])
        if i + 1 < len(params):
            h = np.maximum(h, 0)
        fr["layers"].append({
            "w": (np.array([frac_for(m) for m in np.abs(p["w"]).max(axis=1)], np.float32)
                  if args.per_channel else frac_for(np.abs(p["w"]).max())),
            "b": frac_for(np.abs(p["b"]).max()),
            "out": frac_for(np.abs(h).max()),
        })
    fracs = jax.tree_util.tree_map(jnp.asarray, fr)
    fracs = jax.tree_util.tree_map(lambda v: v.astype(jnp.float32), fracs)
    tree = {"p": params, "f": fracs}
    opt = adam_init(tree)
    lr = {
        "p": jax.tree_util.tree_map(lambda _: jnp.float32(1e-3), params),
        "f": jax.tree_util.tree_map(lambda _: jnp.float32(2e-2), fracs),
    }

    @jax.jit
    def qat_step(tree, opt, x, y):
        def loss_fn(t):
            return xent(qat_logits(t["p"], t["f"], x), y)

        loss, g = jax.value_and_grad(loss_fn)(tree)
        tree, opt = adam_update(tree, g, opt, lr)
        return tree, opt, loss

    for _ in range(args.qat_epochs):
        for idx in batches(rng, len(xtr), batch):
            tree, opt, _ = qat_step(tree, opt, xtr[idx], ytr[idx])
    params, fracs = tree["p"], tree["f"]
    qat_pred = np.argmax(np.asarray(jax.jit(qat_logits)(params, fracs, xte)), axis=1)
    qat_acc = float(np.mean(qat_pred == yte))

    # Deployment: exact integer inference.
    in_t, layers = deploy(params, fracs)
    x_raw, logits_raw = run_fixed(in_t, layers, xte)
    fixed_acc = float(np.mean(np.argmax(logits_raw, axis=1) == yte))
    elapsed = time.time() - t0

    print(f"float test accuracy:       {float_acc:.4f}")
    print(f"QAT test accuracy:         {qat_acc:.4f}")
    print(f"fixed-point test accuracy: {fixed_acc:.4f}")
    print(f"input: {in_t}")
    for i, layer in enumerate(layers):
        f = fracs["layers"][i]
        w_kinds = sorted(set(layer["weight"]), key=lowprec_frac)
        print(f"layer {i}: weight {', '.join(w_kinds)}")
        print(f"         bias {layer['bias']}  output {layer['output']}")
        print(f"         latent binary points: weight "
              f"{np.array2string(np.asarray(f['w']), precision=2, max_line_width=200)}, "
              f"bias {float(f['b']):.3f}, output {float(f['out']):.3f}")
    print(f"time: {elapsed:.1f} s")
    stats = {
        "float_accuracy": float_acc,
        "qat_accuracy": qat_acc,
        "fixed_accuracy": fixed_acc,
        "jax": jax.__version__,
    }
    if args.out:
        write_out(args.out, in_t, layers, x_raw, yte, logits_raw, stats)
        print(f"wrote {args.out}/model.json and {args.out}/deploy.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
