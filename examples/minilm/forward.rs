//! The floating-point forward pass of all-MiniLM-L6-v2 (BERT, post-LN), written once and
//! parametrised by [`Numerics`]: what a mode does to weights, to the operands of each
//! matrix product and to each activation. The sentences of a batch are concatenated token
//! by token (no padding); the linear layers, LayerNorm, GELU and the residuals run on all
//! tokens at once, attention runs sentence by sentence.

use std::ops::Range;

use crate::model::{FFN, HEAD, HEADS, HIDDEN, LN_EPS, Linear, Model, Norm};

/// What a numeric mode does. Every method sees `f32` values; a mode emulates its format by
/// rounding them (see each mode in `numerics.rs`).
pub trait Numerics {
    /// A linear layer's weights as the mode stores them.
    type Weights;
    /// Converts a linear layer once, before inference.
    fn prepare(&self, l: &Linear) -> Self::Weights;
    /// `y = x·Wᵀ + b` for `x` of `rows × n_in` (`segs`: each sentence's rows, for modes
    /// whose scales span a tensor), into `y` (`rows × n_out`).
    fn linear(
        &self,
        x: &[f32],
        rows: usize,
        segs: &[Range<usize>],
        w: &Self::Weights,
        y: &mut [f32],
    );
    /// Attention scores `s = q·kᵀ` of one head: `q` is `m × d`, `k` is `n × d`, `s` is `m × n`.
    fn scores(&self, q: &[f32], k: &[f32], m: usize, n: usize, d: usize, s: &mut [f32]);
    /// Attention context `c = p·v` of one head: `p` is `m × n`, `v` is `n × d`, `c` is `m × d`.
    fn context(&self, p: &[f32], v: &[f32], m: usize, n: usize, d: usize, c: &mut [f32]);
    /// Rounds an activation tensor after an operation (nothing for modes that keep `f32`
    /// activations).
    fn round(&self, x: &mut [f32]);
}

/// Which activation an observer sees (see [`forward`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    /// The embeddings' sum (word + position + type), LayerNorm's input.
    EmbedSum,
    /// The embeddings' LayerNorm output: the first layer's input.
    Embed,
    /// Q, K, V projections.
    Q,
    /// Keys.
    K,
    /// Values.
    V,
    /// Raw attention scores q·kᵀ (before the 1/√d scale).
    Scores,
    /// Softmax output.
    Probs,
    /// Attention context (heads concatenated).
    Context,
    /// Attention output projection.
    AttnOut,
    /// First residual sum X + A (LayerNorm 1's input).
    Residual1,
    /// LayerNorm 1's output.
    Ln1,
    /// FFN up-projection (GELU's input).
    Up,
    /// GELU's output.
    Gelu,
    /// FFN down-projection.
    Down,
    /// Second residual sum (LayerNorm 2's input).
    Residual2,
    /// LayerNorm 2's output: the layer's output.
    Ln2,
}

/// A mode's weights for every layer (Q, K, V, O, up, down).
pub struct Prepared<W> {
    layers: Vec<[W; 6]>,
}

impl<W> Prepared<W> {
    /// Converts the model's linear layers for `n`.
    pub fn new<N: Numerics<Weights = W>>(n: &N, model: &Model) -> Prepared<W> {
        let layers = model
            .layers
            .iter()
            .map(|l| [&l.q, &l.k, &l.v, &l.o, &l.up, &l.down].map(|w| n.prepare(w)))
            .collect();
        Prepared { layers }
    }
}

/// The rows of each sentence in the concatenated batch.
pub fn segments(ids: &[Vec<u32>]) -> Vec<Range<usize>> {
    let mut start = 0;
    ids.iter()
        .map(|s| {
            let r = start..start + s.len();
            start = r.end;
            r
        })
        .collect()
}

fn layer_norm(x: &[f32], ln: &Norm, y: &mut [f32]) {
    for (xr, yr) in x.chunks_exact(HIDDEN).zip(y.chunks_exact_mut(HIDDEN)) {
        let mean = xr.iter().sum::<f32>() / HIDDEN as f32;
        let var = xr.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / HIDDEN as f32;
        let inv = 1.0 / (var + LN_EPS).sqrt();
        for (((o, &v), &g), &b) in yr.iter_mut().zip(xr).zip(&ln.gamma).zip(&ln.beta) {
            *o = (v - mean) * inv * g + b;
        }
    }
}

fn softmax_rows(s: &mut [f32], n: usize) {
    for row in s.chunks_exact_mut(n) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        let inv = 1.0 / sum;
        for v in row.iter_mut() {
            *v *= inv;
        }
    }
}

/// GELU, erf form: x·(1 + erf(x/√2))/2.
fn gelu(x: &mut [f32]) {
    for v in x {
        *v = 0.5 * *v * (1.0 + libm::erff(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// The residual sum `y ← a + y`.
fn add_into(a: &[f32], y: &mut [f32]) {
    for (o, &x) in y.iter_mut().zip(a) {
        *o += x;
    }
}

/// One head's columns of a `rows × HIDDEN` tensor, as a contiguous `rows × HEAD` matrix.
fn head_cols(x: &[f32], rows: Range<usize>, h: usize, out: &mut Vec<f32>) {
    out.clear();
    for r in rows {
        out.extend_from_slice(&x[r * HIDDEN + h * HEAD..r * HIDDEN + (h + 1) * HEAD]);
    }
}

/// The token embeddings of a batch after the embeddings' LayerNorm (`tokens × HIDDEN`).
pub fn embed_tokens<N: Numerics>(
    n: &N,
    model: &Model,
    ids: &[Vec<u32>],
    observe: &mut impl FnMut(usize, Site, &[f32]),
) -> Vec<f32> {
    let rows: usize = ids.iter().map(Vec::len).sum();
    let mut x = Vec::with_capacity(rows * HIDDEN);
    for s in ids {
        for (p, &id) in s.iter().enumerate() {
            let w = &model.word[id as usize * HIDDEN..][..HIDDEN];
            let pe = &model.position[p * HIDDEN..][..HIDDEN];
            x.extend(
                w.iter()
                    .zip(pe)
                    .zip(&model.token_type)
                    .map(|((a, b), c)| a + b + c),
            );
        }
    }
    n.round(&mut x);
    observe(0, Site::EmbedSum, &x);
    let mut y = vec![0.0; rows * HIDDEN];
    layer_norm(&x, &model.ln, &mut y);
    n.round(&mut y);
    observe(0, Site::Embed, &y);
    y
}

/// Runs the encoder on the batch `ids` (one vector of token ids per sentence) and returns
/// each sentence's embedding: the mean of its token outputs, L2-normalised. `observe`
/// sees every activation tensor (layer index, site, values) as it is produced.
pub fn forward<N: Numerics>(
    n: &N,
    model: &Model,
    prepared: &Prepared<N::Weights>,
    ids: &[Vec<u32>],
    observe: &mut impl FnMut(usize, Site, &[f32]),
) -> Vec<Vec<f32>> {
    let segs = segments(ids);
    let rows = segs.last().map_or(0, |r| r.end);
    let mut x = embed_tokens(n, model, ids, observe);
    let (mut q, mut k, mut v) = (
        vec![0.0; rows * HIDDEN],
        vec![0.0; rows * HIDDEN],
        vec![0.0; rows * HIDDEN],
    );
    let mut ctx = vec![0.0; rows * HIDDEN];
    let mut tmp = vec![0.0; rows * HIDDEN];
    let mut h1 = vec![0.0; rows * HIDDEN];
    let mut up = vec![0.0; rows * FFN];
    let (mut qh, mut kh, mut vh) = (Vec::new(), Vec::new(), Vec::new());
    let (mut s, mut c) = (Vec::new(), Vec::new());
    let scale = 1.0 / (HEAD as f32).sqrt();
    for (li, w) in prepared.layers.iter().enumerate() {
        let [wq, wk, wv, wo, wup, wdown] = w;
        let layer = &model.layers[li];
        for (w, out, site) in [
            (wq, &mut q, Site::Q),
            (wk, &mut k, Site::K),
            (wv, &mut v, Site::V),
        ] {
            n.linear(&x, rows, &segs, w, out);
            n.round(out);
            observe(li, site, out);
        }
        for seg in &segs {
            let m = seg.len();
            for h in 0..HEADS {
                head_cols(&q, seg.clone(), h, &mut qh);
                head_cols(&k, seg.clone(), h, &mut kh);
                head_cols(&v, seg.clone(), h, &mut vh);
                s.resize(m * m, 0.0);
                n.scores(&qh, &kh, m, m, HEAD, &mut s);
                n.round(&mut s);
                observe(li, Site::Scores, &s);
                for e in s.iter_mut() {
                    *e *= scale;
                }
                n.round(&mut s);
                softmax_rows(&mut s, m);
                n.round(&mut s);
                observe(li, Site::Probs, &s);
                c.resize(m * HEAD, 0.0);
                n.context(&s, &vh, m, m, HEAD, &mut c);
                n.round(&mut c);
                for (i, r) in seg.clone().enumerate() {
                    ctx[r * HIDDEN + h * HEAD..][..HEAD].copy_from_slice(&c[i * HEAD..][..HEAD]);
                }
            }
        }
        observe(li, Site::Context, &ctx);
        n.linear(&ctx, rows, &segs, wo, &mut tmp);
        n.round(&mut tmp);
        observe(li, Site::AttnOut, &tmp);
        add_into(&x, &mut tmp);
        n.round(&mut tmp);
        observe(li, Site::Residual1, &tmp);
        layer_norm(&tmp, &layer.ln1, &mut h1);
        n.round(&mut h1);
        observe(li, Site::Ln1, &h1);
        n.linear(&h1, rows, &segs, wup, &mut up);
        n.round(&mut up);
        observe(li, Site::Up, &up);
        gelu(&mut up);
        n.round(&mut up);
        observe(li, Site::Gelu, &up);
        n.linear(&up, rows, &segs, wdown, &mut tmp);
        n.round(&mut tmp);
        observe(li, Site::Down, &tmp);
        add_into(&h1, &mut tmp);
        n.round(&mut tmp);
        observe(li, Site::Residual2, &tmp);
        layer_norm(&tmp, &layer.ln2, &mut x);
        n.round(&mut x);
        observe(li, Site::Ln2, &x);
    }
    segs.iter()
        .map(|r| pool(&x[r.start * HIDDEN..r.end * HIDDEN]))
        .collect()
}

/// Mean pooling over a sentence's tokens (`tokens × HIDDEN`), then L2 normalisation.
pub fn pool(tokens: &[f32]) -> Vec<f32> {
    let count = (tokens.len() / HIDDEN).max(1) as f32;
    let mut e = vec![0.0f32; HIDDEN];
    for t in tokens.chunks_exact(HIDDEN) {
        for (a, &v) in e.iter_mut().zip(t) {
            *a += v;
        }
    }
    for a in e.iter_mut() {
        *a /= count;
    }
    let norm = e.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
    e.iter().map(|v| v / norm).collect()
}
