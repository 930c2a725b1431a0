//! The fixed-point modes: every tensor an `ap_fixed` type chosen by the range analysis of
//! `calibrate.rs`, every constant quantized by `weights.rs`.
//!
//! - `fixed` ([`Kernels::Lowprec`]): each of the six layers is a `lowprec::nn::Encoder`
//!   (the kernels that agree bit for bit with their HLS C++ twins in C simulation) with
//!   that layer's own types; the embeddings' layer norm is an `nn::LayerNorm` on the `f32`
//!   sum of the three embeddings cast into its type.
//! - `hls4ml` ([`Kernels::Hls4ml`]): the same types and composition with hls4ml's dense,
//!   softmax and layer norm at their default table settings (`hls4ml.rs`).
//!
//! A layer's softmax depends on the sentence length, so the sentences are grouped by
//! length and each distinct length gets its own encoders; the tables depend on the types
//! only, so each layer's are filled once and shared by its encoders of every length
//! (`Encoder::with_tables`; the time is reported in the notes). Mean pooling and the L2
//! normalisation run on the host in `f64` from the last layer's fixed-point outputs:
//! pooling is outside the accelerator.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use lowprec::fixed::FixedFormat;
use lowprec::float::Exact;
use lowprec::nn::{
    AttentionParams, AttentionScale, AttentionWeights, DenseParams, Encoder, EncoderParams,
    EncoderWeights, GeluForm, GeluParams, LayerNorm, LayerNormParams, Products, ResidualParams,
    Schedule, Softmax, SoftmaxParams,
};

use crate::calibrate::{self, DenseTypes, LayerTypes, ModelTypes, NormTypes};
use crate::model::{FFN, HEAD, HEADS, HIDDEN, Model};
use crate::weights::{QLayer, QModel};

/// Which kernels run the layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernels {
    /// lowprec's `nn::Encoder`.
    Lowprec,
    /// hls4ml's dense, softmax and layer norm (lowprec's for the rest).
    Hls4ml,
}

/// A fixed-point run's result.
pub struct FixedRun {
    /// One L2-normalised embedding per sentence.
    pub embeddings: Vec<Vec<f32>>,
    /// Tokens per second of the inference: as for the float modes, the one-time work is not
    /// timed (calibration, type choice, weight quantization, and building the encoders and
    /// filling their tables, which a device holds in ROM; the notes give that time).
    pub tokens_per_s: f64,
    /// The chosen types and notes, one line per layer and tensor group.
    pub types: String,
}

/// LayerNorm's ε, 10⁻¹².
pub fn epsilon() -> Result<Exact, String> {
    "1e-12"
        .parse::<Exact>()
        .map_err(|_| "epsilon does not parse".to_string())
}

/// How a layer's softmax and layer-norm intermediates were chosen.
#[derive(Default)]
pub struct Intermediates {
    /// Layers whose softmax intermediates come from `EncoderParams::minilm`.
    pub softmax_preset: Vec<usize>,
    /// Layers whose layer-norm intermediates come from `EncoderParams::minilm`.
    pub ln_preset: Vec<usize>,
}

fn dense_params(t: &DenseTypes, n_in: usize, n_out: usize) -> DenseParams {
    DenseParams {
        n_in,
        n_out,
        input: t.input,
        weight: t.weight,
        bias: t.bias,
        accum: t.accum,
        output: t.output,
        schedule: Schedule::Latency,
        relu: false,
    }
}

/// A layer norm's parameters: `LayerNormParams::for_types` where it gives a valid kernel,
/// else the preset's intermediates with this layer's types (the second field is false
/// when the preset's were taken).
pub fn ln_params(
    n: &NormTypes,
    preset: &LayerNormParams,
) -> Result<(LayerNormParams, bool), String> {
    let eps = epsilon()?;
    if let Ok(p) = LayerNormParams::for_types(HIDDEN, n.input, n.output, n.scale, n.bias, eps) {
        if LayerNorm::new(p).is_ok() {
            return Ok((p, true));
        }
    }
    Ok((
        LayerNormParams {
            input: n.input,
            output: n.output,
            scale: n.scale,
            bias: n.bias,
            ..*preset
        },
        false,
    ))
}

/// GELU (erf) by a table of at most 4,096 entries over the window [−16, 16) (narrower
/// when the input type is): beyond it GELU(x) = x or 0 to within 10⁻¹⁵.
pub fn gelu_params(input: FixedFormat, output: FixedFormat) -> GeluParams {
    let r = input.int_bits().clamp(1, 5);
    let b = (r + input.frac_bits()).clamp(1, 12) as u32;
    GeluParams {
        input,
        output,
        form: GeluForm::Erf,
        window_int_bits: r,
        index_bits: b,
    }
}

/// The `nn::Encoder` configuration of a layer with types `t` for sentences of `seq`
/// tokens. Softmax and layer-norm intermediates come from the kernels' `for_types` where
/// those give a valid kernel, else from `EncoderParams::minilm` (recorded in `notes`,
/// layer index `li`).
pub fn encoder_params(
    t: &LayerTypes,
    seq: usize,
    li: usize,
    notes: &mut Intermediates,
) -> Result<EncoderParams, String> {
    let preset = EncoderParams::minilm(seq).map_err(|e| format!("preset: {e}"))?;
    let softmax = match SoftmaxParams::for_types(seq, t.scaled, t.probs) {
        Ok(p) if Softmax::new(p).is_ok() => p,
        _ => {
            if !notes.softmax_preset.contains(&li) {
                notes.softmax_preset.push(li);
            }
            SoftmaxParams {
                input: t.scaled,
                output: t.probs,
                ..preset.attention.softmax
            }
        }
    };
    let (ln1, ok1) = ln_params(&t.ln1, &preset.ln1)?;
    let (ln2, ok2) = ln_params(&t.ln2, &preset.ln2)?;
    let preset_used = !(ok1 && ok2);
    if preset_used && !notes.ln_preset.contains(&li) {
        notes.ln_preset.push(li);
    }
    let attention = AttentionParams {
        seq,
        heads: HEADS,
        head_dim: HEAD,
        q: dense_params(&t.q, HIDDEN, HIDDEN),
        k: dense_params(&t.k, HIDDEN, HIDDEN),
        v: dense_params(&t.v, HIDDEN, HIDDEN),
        score: t.score,
        scale_type: t.scale,
        scale: AttentionScale::InvSqrtHeadDim,
        softmax,
        context: t.o.input,
        o: dense_params(&t.o, HIDDEN, HIDDEN),
        products: Products::Exact,
    };
    Ok(EncoderParams {
        attention,
        residual1: ResidualParams {
            a: t.q.input,
            b: t.o.output,
            output: t.residual1,
        },
        ln1,
        ffn1: dense_params(&t.up, HIDDEN, FFN),
        gelu: gelu_params(t.up.output, t.gelu),
        ffn2: dense_params(&t.down, FFN, HIDDEN),
        residual2: ResidualParams {
            a: t.ln1.output,
            b: t.down.output,
            output: t.residual2,
        },
        ln2,
    })
}

/// The embeddings' sum (word + position + type 0, in `f32` as the reference adds them) of
/// one sentence, cast into `t` (lowprec's cast: its rounding and saturation).
pub fn embed_sum(model: &Model, ids: &[u32], t: &FixedFormat) -> Vec<i64> {
    let mut x = Vec::with_capacity(ids.len() * HIDDEN);
    for (p, &id) in ids.iter().enumerate() {
        let w = &model.word[id as usize * HIDDEN..][..HIDDEN];
        let pe = &model.position[p * HIDDEN..][..HIDDEN];
        x.extend(
            w.iter()
                .zip(pe)
                .zip(&model.token_type)
                .map(|((a, b), c)| t.raw_of(t.from_f32(a + b + c)) as i64),
        );
    }
    x
}

/// Mean pooling over a sentence's last-layer outputs (raw integers of `t`, `seq × HIDDEN`)
/// and L2 normalisation, on the host in `f64`: pooling is outside the accelerator.
pub fn pool(y: &[i64], t: &FixedFormat) -> Vec<f32> {
    let lsb = (-f64::from(t.frac_bits())).exp2();
    let count = (y.len() / HIDDEN).max(1) as f64;
    let mut e = vec![0.0f64; HIDDEN];
    for row in y.chunks_exact(HIDDEN) {
        for (a, &v) in e.iter_mut().zip(row) {
            *a += v as f64 * lsb;
        }
    }
    for a in e.iter_mut() {
        *a /= count;
    }
    let norm = e.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-12);
    e.iter().map(|v| (v / norm) as f32).collect()
}

/// The embeddings' layer norm (`nn::LayerNorm`), its parameters.
pub fn embed_ln_params(types: &ModelTypes) -> Result<(LayerNormParams, bool), String> {
    let preset = EncoderParams::minilm(1).map_err(|e| format!("preset: {e}"))?;
    ln_params(&types.embed, &preset.ln1)
}

/// The sentences' indices grouped by length (ascending).
pub fn by_length(ids: &[Vec<u32>]) -> BTreeMap<usize, Vec<usize>> {
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, s) in ids.iter().enumerate() {
        groups.entry(s.len()).or_default().push(i);
    }
    groups
}

/// What an encoder's tables depend on: its parameters without the sentence length and
/// the softmax's accumulator (the exp and inverse tables do not depend on them).
fn table_key(p: &EncoderParams) -> EncoderParams {
    let mut k = *p;
    k.attention.seq = 0;
    k.attention.softmax.n = 0;
    k.attention.softmax.accum = k.attention.softmax.inv;
    k
}

fn encoder_weights(l: &QLayer) -> EncoderWeights<'_, i64, i64> {
    EncoderWeights {
        attention: AttentionWeights {
            wq: &l.q.w,
            bq: &l.q.b,
            wk: &l.k.w,
            bk: &l.k.b,
            wv: &l.v.w,
            bv: &l.v.b,
            wo: &l.o.w,
            bo: &l.o.b,
        },
        ln1_scale: &l.ln1.g,
        ln1_bias: &l.ln1.b,
        w1: &l.up.w,
        b1: &l.up.b,
        w2: &l.down.w,
        b2: &l.down.b,
        ln2_scale: &l.ln2.g,
        ln2_bias: &l.ln2.b,
    }
}

/// The embeddings of every sentence by lowprec's `nn::Encoder`; returns them with the
/// seconds spent building encoders and filling tables.
fn run_lowprec(
    model: &Model,
    q: &QModel,
    types: &ModelTypes,
    ids: &[Vec<u32>],
    notes: &mut Intermediates,
) -> Result<(Vec<Vec<f32>>, f64), String> {
    let nn = |e: lowprec::nn::NnError| e.to_string();
    let t0 = Instant::now();
    let (ln_p, _) = embed_ln_params(types)?;
    let embed_ln = LayerNorm::new(ln_p).map_err(nn)?;
    let mut embed_table = vec![0i64; embed_ln.table_len()];
    let embed_k = embed_ln.load(&mut embed_table).map_err(nn)?;
    let mut setup = t0.elapsed().as_secs_f64();
    let weights: Vec<EncoderWeights<'_, i64, i64>> = q.layers.iter().map(encoder_weights).collect();
    let last = types
        .layers
        .last()
        .ok_or("the model has no layers")?
        .ln2
        .output;
    let mut out = vec![Vec::new(); ids.len()];
    let mut cache: Vec<Option<(EncoderParams, Vec<i64>)>> = vec![None; types.layers.len()];
    for (seq, members) in by_length(ids) {
        let t1 = Instant::now();
        let encoders = types
            .layers
            .iter()
            .enumerate()
            .map(|(li, t)| {
                let p = encoder_params(t, seq, li, notes)?;
                Encoder::new(p).map_err(|e| format!("layer {li}, {seq} tokens: {e}"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        // Fill a layer's tables once: other lengths reuse them when their table-defining
        // parameters match (they do when the types are the same).
        for (li, e) in encoders.iter().enumerate() {
            let key = table_key(e.params());
            if !matches!(&cache[li], Some((k, _)) if *k == key) {
                let mut t = vec![0i64; e.tables_len()];
                e.load(&mut t).map_err(nn)?;
                cache[li] = Some((key, t));
            }
        }
        let kernels = encoders
            .iter()
            .zip(&cache)
            .map(|(e, c)| {
                let t = c.as_ref().map_or(&[][..], |(_, t)| &t[..]);
                e.with_tables(t).map_err(nn)
            })
            .collect::<Result<Vec<_>, String>>()?;
        setup += t1.elapsed().as_secs_f64();
        let scratch_len = encoders.iter().map(Encoder::scratch_len).max().unwrap_or(0);
        let mut scratch = vec![0i64; scratch_len];
        let (mut x, mut y) = (vec![0i64; seq * HIDDEN], vec![0i64; seq * HIDDEN]);
        let qe = &q.embed_ln;
        for &si in &members {
            let sum = embed_sum(model, &ids[si], &types.embed.input);
            for (xr, yr) in sum.chunks_exact(HIDDEN).zip(x.chunks_exact_mut(HIDDEN)) {
                embed_k.run(xr, &qe.g, &qe.b, yr).map_err(nn)?;
            }
            for (k, w) in kernels.iter().zip(&weights) {
                k.run(&x, w, &mut y, &mut scratch).map_err(nn)?;
                std::mem::swap(&mut x, &mut y);
            }
            out[si] = pool(&x, &last);
        }
    }
    Ok((out, setup))
}

/// Runs a fixed-point mode: calibration on `calib`, type choice and weight quantization
/// (not timed), then the inference of `ids` (timed).
pub fn run(
    model: &Model,
    calib: &[Vec<u32>],
    ids: &[Vec<u32>],
    k: Kernels,
) -> Result<FixedRun, String> {
    if ids.iter().any(Vec::is_empty) {
        return Err("a sentence has no tokens".into());
    }
    let ranges = calibrate::calibrate(model, calib)?;
    let q = QModel::new(model)?;
    let types = calibrate::choose(&ranges, &q)?;
    let mut notes = Intermediates::default();
    let tokens: usize = ids.iter().map(Vec::len).sum();
    let start = Instant::now();
    let (embeddings, setup) = match k {
        Kernels::Lowprec => run_lowprec(model, &q, &types, ids, &mut notes)?,
        Kernels::Hls4ml => crate::hls4ml::run(model, &q, &types, ids, &mut notes)?,
    };
    let secs = start.elapsed().as_secs_f64();
    let mut s = types.describe();
    let layers = |v: &[usize]| {
        v.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if k == Kernels::Lowprec {
        if !notes.softmax_preset.is_empty() {
            let _ = writeln!(
                s,
                "softmax intermediates of EncoderParams::minilm in layers {}",
                layers(&notes.softmax_preset)
            );
        }
        if !notes.ln_preset.is_empty() {
            let _ = writeln!(
                s,
                "layer-norm intermediates of EncoderParams::minilm in layers {}",
                layers(&notes.ln_preset)
            );
        }
    }
    if k == Kernels::Hls4ml {
        s.push_str(&crate::hls4ml::notes(ranges.ln_rows));
    }
    let _ = writeln!(
        s,
        "{} sentence lengths: building encoders and tables {:.0} ms (not timed), inference {:.0} ms",
        by_length(ids).len(),
        setup * 1e3,
        (secs - setup) * 1e3
    );
    Ok(FixedRun {
        embeddings,
        tokens_per_s: tokens as f64 / (secs - setup).max(1e-9),
        types: s,
    })
}
