//! The JAX quantization-aware training example (`python/examples/qat_jax.py`) against
//! lowprec's fixed-point inference: the example trains a 64 → 32 → 10 MLP on the digits
//! set with the QFX quantizer, deploys it as ap_fixed types and raw integers, and computes
//! the test set's logits in exact integer arithmetic through the Python package. Here the
//! same deployed model runs through [`lowprec::nn::Dense`] (`Schedule::Wide`: the exact
//! sum cast once into the accumulator type, ReLU, the cast into the output type), and every
//! logit must be equal bit for bit; the accuracy must be that of a working classifier.
//!
//! Needs the oracle environment with jax (`bash scripts/setup-oracles.sh`) and the digits
//! data in `target/data/digits.csv`.

mod pyoracle;

use std::path::Path;
use std::process::Command;

use lowprec::fixed::FixedFormat;
use lowprec::nn::{Dense, DenseParams, Schedule};
use pyoracle::{TempDir, python};

/// One layer of `deploy.txt`: the weight and accumulator types are per output channel.
struct Layer {
    n_in: usize,
    n_out: usize,
    relu: bool,
    input: FixedFormat,
    weight: Vec<FixedFormat>,
    bias: FixedFormat,
    accum: Vec<FixedFormat>,
    output: FixedFormat,
    w: Vec<i64>,
    b: Vec<i64>,
}

/// The deployed model and the example's test set and logits.
struct Deployed {
    input: FixedFormat,
    layers: Vec<Layer>,
    qat_accuracy: f64,
    x: Vec<Vec<i64>>,
    y: Vec<usize>,
    logits: Vec<Vec<i64>>,
}

fn ints(rest: &str) -> Vec<i64> {
    rest.split_whitespace()
        .map(|t| {
            t.parse()
                .unwrap_or_else(|e| panic!("bad integer {t:?}: {e}"))
        })
        .collect()
}

fn ty(s: &str) -> FixedFormat {
    s.trim()
        .parse()
        .unwrap_or_else(|e| panic!("bad type {s:?}: {e:?}"))
}

/// One type per output channel (a single type stands for all of them).
fn types(s: &str, n: usize) -> Vec<FixedFormat> {
    let t: Vec<FixedFormat> = s.split_whitespace().map(ty).collect();
    match t.len() {
        1 => vec![t[0]; n],
        k if k == n => t,
        k => panic!("{k} types for {n} channels"),
    }
}

/// Parses `deploy.txt`: one `key value…` record per line.
fn parse(text: &str) -> Deployed {
    let mut lines = text.lines().map(|l| l.split_once(' ').unwrap_or((l, "")));
    let mut next = |want: &str| -> String {
        let (k, v) = lines.next().unwrap_or_else(|| panic!("missing {want}"));
        assert_eq!(k, want, "deploy.txt: expected {want}");
        v.to_string()
    };
    let input = ty(&next("input_type"));
    let n_layers: usize = next("layers").trim().parse().unwrap();
    let mut layers = Vec::new();
    for _ in 0..n_layers {
        let shape: Vec<i64> = ints(&next("layer"));
        let (n_in, n_out) = (shape[0] as usize, shape[1] as usize);
        let input = ty(&next("input"));
        let weight = types(&next("weight"), n_out);
        let bias = ty(&next("bias"));
        let accum = types(&next("accum"), n_out);
        let output = ty(&next("output"));
        let w = ints(&next("w"));
        let b = ints(&next("b"));
        assert_eq!((w.len(), b.len()), (n_in * n_out, n_out));
        layers.push(Layer {
            n_in,
            n_out,
            relu: shape[2] != 0,
            input,
            weight,
            bias,
            accum,
            output,
            w,
            b,
        });
    }
    let qat_accuracy: f64 = next("qat_accuracy").trim().parse().unwrap();
    let n: usize = next("test").trim().parse().unwrap();
    let (mut x, mut y, mut logits) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        x.push(ints(&next("x")));
        y.push(next("y").trim().parse().unwrap());
        logits.push(ints(&next("logits")));
    }
    Deployed {
        input,
        layers,
        qat_accuracy,
        x,
        y,
        logits,
    }
}

#[test]
fn qat_jax_digits_bit_exact() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = TempDir::new("qat-jax");
    let py = python();
    let out = Command::new(&py)
        .arg(root.join("python/examples/qat_jax.py"))
        .arg("--data")
        .arg(root.join("target/data/digits.csv"))
        .arg("--out")
        .arg(tmp.dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", py.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "qat_jax.py failed ({}):\n{stdout}\n{}\nIf jax is missing, run `bash scripts/setup-oracles.sh`.",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{stdout}");
    let text = std::fs::read_to_string(tmp.file("deploy.txt")).expect("deploy.txt");
    let m = parse(&text);
    assert!(!m.x.is_empty());
    assert_eq!(m.layers.first().map(|l| l.input), Some(m.input));

    // The whole test set through the layers; each output channel is a one-output Dense
    // layer with that channel's weight and accumulator types.
    let rows = m.x.len();
    let mut h: Vec<i64> = m.x.concat();
    let mut width = m.layers[0].n_in;
    for (i, l) in m.layers.iter().enumerate() {
        assert_eq!(l.n_in, width, "layer {i}: input size");
        if i > 0 {
            assert_eq!(l.input, m.layers[i - 1].output, "layer {i}: input type");
        }
        let mut y = vec![0i64; rows * l.n_out];
        let mut col = vec![0i64; rows];
        for j in 0..l.n_out {
            let dense = Dense::new(DenseParams {
                n_in: l.n_in,
                n_out: 1,
                input: l.input,
                weight: l.weight[j],
                bias: l.bias,
                accum: l.accum[j],
                output: l.output,
                schedule: Schedule::Wide,
                relu: l.relu,
            })
            .unwrap_or_else(|e| panic!("layer {i}, channel {j}: {e:?}"));
            let w = &l.w[j * l.n_in..(j + 1) * l.n_in];
            dense
                .run_rows(rows, &h, w, &l.b[j..=j], &mut col)
                .unwrap_or_else(|e| panic!("layer {i}, channel {j}: {e:?}"));
            for (r, &v) in col.iter().enumerate() {
                y[r * l.n_out + j] = v;
            }
        }
        h = y;
        width = l.n_out;
    }

    let mut correct = 0;
    for (r, (want, &label)) in m.logits.iter().zip(&m.y).enumerate() {
        let got = &h[r * width..(r + 1) * width];
        assert_eq!(got, &want[..], "test image {r}: logits differ");
        // The first largest logit is the prediction.
        let pred = (0..width).fold(0, |best, j| if got[j] > got[best] { j } else { best });
        correct += usize::from(pred == label);
    }
    let fixed_accuracy = correct as f64 / rows as f64;
    eprintln!(
        "{rows} test images: fixed-point accuracy {fixed_accuracy:.4}, QAT accuracy {:.4}",
        m.qat_accuracy
    );
    assert!(m.qat_accuracy > 0.85, "QAT accuracy {}", m.qat_accuracy);
    assert!(
        fixed_accuracy > 0.85,
        "fixed-point accuracy {fixed_accuracy}"
    );
}
