//! The `hls4ml` mode: each encoder layer composed as `lowprec::nn::encoder` composes it
//! (attention: Q/K/V dense, per head the exact scores cast to the score type, the scale,
//! softmax, the context, the output dense; residual; layer norm; FFN dense; GELU; dense;
//! residual; layer norm), with the types of the `fixed` mode, and hls4ml 1.3.0's own
//! kernels (`lowprec::nn::hls4ml`, bit-exact models of `nnet_utils`) at the converter's
//! default settings for the dense layers (latency strategy), the softmax (stable, default
//! tables) and the layer norms (4,096-entry table over variances in [0, 1)). hls4ml has
//! no kernel for GELU, the residual adds or the attention products and scale: those are
//! lowprec's (`nn::Gelu`, `nn::Residual`, and the casts of `nn::Attention`'s contract by
//! `nn::Requant`, its scale constant from `nn::Attention`). The embeddings' layer norm is
//! hls4ml's too.
//!
//! hls4ml's layer-norm `accum_t` holds the sums, the mean, the differences, their squares
//! and the variance; it is given 2·F_in fraction bits (every square exact) and the integer
//! bits of a sum of 384 squares of the input's range.

use std::time::Instant;

use lowprec::fixed::FixedFormat;
use lowprec::nn::hls4ml::{self as h, SoftmaxImpl};
use lowprec::nn::{Attention, Gelu, Requant, Residual, ResidualParams};

use crate::calibrate::{LayerTypes, ModelTypes, NormTypes};
use crate::fixed::{Intermediates, by_length, embed_sum, encoder_params, gelu_params, pool};
use crate::model::{FFN, HEAD, HEADS, HIDDEN, Model};
use crate::weights::{QDense, QModel, QNorm};

/// The lines printed with the mode's types: the kernels, and what hls4ml's layer-norm
/// table does to MiniLM (`ln_rows`: the calibration's layer-norm input rows, how many of
/// variance ≥ 1, the largest variance).
pub fn notes(ln_rows: (usize, usize, f64)) -> String {
    let (n, big, max) = ln_rows;
    format!(
        "kernels: hls4ml 1.3.0's dense (latency), softmax (stable, default tables) and layer norm \
         (default table); lowprec's GELU, residual adds and attention products and scale (hls4ml has none)\n\
         hls4ml's layer-norm table covers variances in [0, 1) only (4,096 entries of ap_ufixed<8,5>): \
         {big} of the calibration's {n} layer-norm input rows have variance ≥ 1 (up to {max:.0}), \
         read its last entry (1/√var ≈ 1) and leave the layer norm unnormalised, up to {:.0}× too large\n",
        max.sqrt()
    )
}

/// hls4ml's layer-norm `accum_t` for input type `input`: 2·F_in fraction bits and room
/// for Σ (x − mean)² over the row.
fn ln_accum(input: &FixedFormat) -> Result<FixedFormat, String> {
    let c = HIDDEN.next_power_of_two().trailing_zeros() as i32;
    let i = 2 * input.int_bits() + c + 1;
    let f = 2 * input.frac_bits();
    u32::try_from(i + f)
        .ok()
        .filter(|&w| w <= 63)
        .and_then(|w| FixedFormat::ap_fixed(w, i).ok())
        .ok_or_else(|| format!("no layer-norm accumulator for {input}"))
}

fn ln_params(n: &NormTypes) -> Result<h::LayerNormParams, String> {
    Ok(h::LayerNormParams::with_converter_defaults(
        HIDDEN,
        n.input,
        n.output,
        ln_accum(&n.input)?,
        n.scale,
        n.bias,
        12,
    ))
}

fn dense<'a>(
    q: &QDense,
    w: &'a [i64],
    b: &'a [i64],
    t: &crate::calibrate::DenseTypes,
) -> Result<h::Dense<'a>, String> {
    let p = h::DenseParams::with_converter_defaults(
        q.n_in, q.n_out, t.input, t.output, t.weight, t.bias, t.accum,
    );
    h::Dense::new(p, w, b).map_err(|e| e.to_string())
}

fn norm<'a>(n: &NormTypes, q: &'a QNorm, table: &'a mut [i64]) -> Result<h::LayerNorm<'a>, String> {
    h::LayerNorm::new(ln_params(n)?, &q.g, &q.b, table).map_err(|e| e.to_string())
}

/// One layer's kernels that do not depend on the sentence length.
struct Layer<'a> {
    /// The layer's types.
    t: &'a LayerTypes,
    /// hls4ml's dense layers: Q, K, V, O, up, down.
    dense: [h::Dense<'a>; 6],
    /// hls4ml's layer norm after the attention.
    ln1: h::LayerNorm<'a>,
    /// hls4ml's layer norm after the FFN.
    ln2: h::LayerNorm<'a>,
    /// lowprec's GELU.
    gelu: lowprec::nn::GeluKernel<'a>,
    /// lowprec's residual add X + A.
    res1: Residual,
    /// lowprec's residual add H + F₂.
    res2: Residual,
    /// The exact Q·Kᵀ into the score type.
    score_q: Requant,
    /// The exact score · scale into the softmax's input type.
    scaled_q: Requant,
    /// The exact P·V into the context type.
    ctx_q: Requant,
    /// 1/√32 in the scale type (`nn::Attention`'s constant).
    scale_raw: i64,
}

/// Applies a dense layer to every row of `x` (`rows × n_in`) into `y`.
fn rows(d: &h::Dense<'_>, x: &[i64], y: &mut [i64]) -> Result<(), String> {
    let (n_in, n_out) = (d.params().n_in, d.params().n_out);
    for (xr, yr) in x.chunks_exact(n_in).zip(y.chunks_exact_mut(n_out)) {
        d.run(xr, yr).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Scratch of one sentence.
struct Buffers {
    /// Queries (`seq × HIDDEN`).
    q: Vec<i64>,
    /// Keys.
    k: Vec<i64>,
    /// Values.
    v: Vec<i64>,
    /// The heads' contexts side by side.
    ctx: Vec<i64>,
    /// The attention's output, then the FFN's.
    a: Vec<i64>,
    /// The residual sums.
    r: Vec<i64>,
    /// The first layer norm's output H.
    hh: Vec<i64>,
    /// The up-projection (`seq × FFN`).
    f: Vec<i64>,
    /// GELU's output.
    g: Vec<i64>,
    /// One row of scaled scores (`seq`).
    z: Vec<i64>,
    /// One row of probabilities.
    p: Vec<i64>,
}

impl Layer<'_> {
    /// The layer on one sentence: `x` (`seq × HIDDEN`) into `y`.
    fn run(
        &self,
        sm: &h::Softmax<'_>,
        x: &[i64],
        y: &mut [i64],
        b: &mut Buffers,
    ) -> Result<(), String> {
        let nn = |e: lowprec::nn::NnError| e.to_string();
        let seq = x.len() / HIDDEN;
        let [dq, dk, dv, dout, dup, ddown] = &self.dense;
        rows(dq, x, &mut b.q)?;
        rows(dk, x, &mut b.k)?;
        rows(dv, x, &mut b.v)?;
        for hd in 0..HEADS {
            let col = hd * HEAD;
            for i in 0..seq {
                let qi = &b.q[i * HIDDEN + col..][..HEAD];
                for (j, z) in b.z.iter_mut().enumerate() {
                    let kj = &b.k[j * HIDDEN + col..][..HEAD];
                    let dot: i128 = qi
                        .iter()
                        .zip(kj)
                        .map(|(&a, &c)| i128::from(a) * i128::from(c))
                        .sum();
                    let s = self.score_q.apply(dot);
                    *z = self
                        .scaled_q
                        .apply(i128::from(s) * i128::from(self.scale_raw));
                }
                sm.run(&b.z, &mut b.p).map_err(nn)?;
                for c in 0..HEAD {
                    let s: i128 =
                        b.p.iter()
                            .enumerate()
                            .map(|(t, &pt)| i128::from(pt) * i128::from(b.v[t * HIDDEN + col + c]))
                            .sum();
                    b.ctx[i * HIDDEN + col + c] = self.ctx_q.apply(s);
                }
            }
        }
        rows(dout, &b.ctx, &mut b.a)?;
        self.res1.run(x, &b.a, &mut b.r).map_err(nn)?;
        for (xr, hr) in b.r.chunks_exact(HIDDEN).zip(b.hh.chunks_exact_mut(HIDDEN)) {
            self.ln1.run(xr, hr).map_err(nn)?;
        }
        rows(dup, &b.hh, &mut b.f)?;
        self.gelu.run(&b.f, &mut b.g).map_err(nn)?;
        rows(ddown, &b.g, &mut b.a)?;
        self.res2.run(&b.hh, &b.a, &mut b.r).map_err(nn)?;
        for (xr, yr) in b.r.chunks_exact(HIDDEN).zip(y.chunks_exact_mut(HIDDEN)) {
            self.ln2.run(xr, yr).map_err(nn)?;
        }
        Ok(())
    }
}

/// The embeddings of every sentence with hls4ml's kernels; returns them with the seconds
/// spent building kernels and filling tables.
pub fn run(
    model: &Model,
    q: &QModel,
    types: &ModelTypes,
    ids: &[Vec<u32>],
    notes: &mut Intermediates,
) -> Result<(Vec<Vec<f32>>, f64), String> {
    let nn = |e: lowprec::nn::NnError| e.to_string();
    let t0 = Instant::now();
    let transposed: Vec<[Vec<i64>; 6]> = q
        .layers
        .iter()
        .map(|l| [&l.q, &l.k, &l.v, &l.o, &l.up, &l.down].map(QDense::transposed))
        .collect();
    let gelus = types
        .layers
        .iter()
        .map(|t| Gelu::new(gelu_params(t.up.output, t.gelu)).map_err(nn))
        .collect::<Result<Vec<_>, String>>()?;
    let mut gelu_tables: Vec<Vec<i64>> = gelus.iter().map(|g| vec![0; g.table_len()]).collect();
    let mut ln_tables: Vec<[Vec<i64>; 2]> = types
        .layers
        .iter()
        .map(|t| {
            Ok([
                vec![0; ln_params(&t.ln1)?.table_len()],
                vec![0; ln_params(&t.ln2)?.table_len()],
            ])
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut embed_table = vec![0; ln_params(&types.embed)?.table_len()];
    let embed_ln = norm(&types.embed, &q.embed_ln, &mut embed_table)?;
    let mut layers = Vec::new();
    for (li, ((((t, ql), tw), (g, gt)), [lt1, lt2])) in types
        .layers
        .iter()
        .zip(&q.layers)
        .zip(&transposed)
        .zip(gelus.iter().zip(gelu_tables.iter_mut()))
        .zip(ln_tables.iter_mut())
        .enumerate()
    {
        let qs = [&ql.q, &ql.k, &ql.v, &ql.o, &ql.up, &ql.down];
        let ts = [&t.q, &t.k, &t.v, &t.o, &t.up, &t.down];
        let mut ds = Vec::with_capacity(6);
        for i in 0..6 {
            ds.push(dense(qs[i], &tw[i], &qs[i].b, ts[i])?);
        }
        let dense: [h::Dense<'_>; 6] = ds.try_into().map_err(|_| "six dense layers".to_string())?;
        let attention = Attention::new(encoder_params(t, 1, li, notes)?.attention).map_err(nn)?;
        let res = |a, b, output| Residual::new(ResidualParams { a, b, output }).map_err(nn);
        layers.push(Layer {
            t,
            dense,
            ln1: norm(&t.ln1, &ql.ln1, lt1)?,
            ln2: norm(&t.ln2, &ql.ln2, lt2)?,
            gelu: g.load(gt).map_err(nn)?,
            res1: res(t.q.input, t.o.output, t.residual1)?,
            res2: res(t.ln1.output, t.down.output, t.residual2)?,
            score_q: Requant::new(t.q.output.frac_bits() + t.k.output.frac_bits(), t.score),
            scaled_q: Requant::new(t.score.frac_bits() + t.scale.frac_bits(), t.scaled),
            ctx_q: Requant::new(t.probs.frac_bits() + t.v.output.frac_bits(), t.o.input),
            scale_raw: attention.scale_raw(),
        });
    }
    let mut setup = t0.elapsed().as_secs_f64();
    let last = types
        .layers
        .last()
        .ok_or("the model has no layers")?
        .ln2
        .output;
    let mut out = vec![Vec::new(); ids.len()];
    for (seq, members) in by_length(ids) {
        let t1 = Instant::now();
        let params = layers
            .iter()
            .enumerate()
            .map(|(li, l)| {
                let accum = encoder_params(l.t, seq, li, notes)?.attention.softmax.accum;
                h::SoftmaxParams::with_converter_defaults(
                    seq,
                    SoftmaxImpl::Stable,
                    l.t.scaled,
                    l.t.probs,
                    accum,
                )
                .map_err(nn)
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut tables: Vec<(Vec<i64>, Vec<i64>)> = params
            .iter()
            .map(|p| {
                let (e, i) = p.table_lens();
                (vec![0; e], vec![0; i])
            })
            .collect();
        let softmax = params
            .iter()
            .zip(tables.iter_mut())
            .map(|(p, (e, i))| h::Softmax::new(*p, e, i).map_err(nn))
            .collect::<Result<Vec<_>, String>>()?;
        setup += t1.elapsed().as_secs_f64();
        let n = seq * HIDDEN;
        let mut b = Buffers {
            q: vec![0; n],
            k: vec![0; n],
            v: vec![0; n],
            ctx: vec![0; n],
            a: vec![0; n],
            r: vec![0; n],
            hh: vec![0; n],
            f: vec![0; seq * FFN],
            g: vec![0; seq * FFN],
            z: vec![0; seq],
            p: vec![0; seq],
        };
        let (mut x, mut y) = (vec![0i64; n], vec![0i64; n]);
        for &si in &members {
            let sum = embed_sum(model, &ids[si], &types.embed.input);
            for (xr, yr) in sum.chunks_exact(HIDDEN).zip(x.chunks_exact_mut(HIDDEN)) {
                embed_ln.run(xr, yr).map_err(nn)?;
            }
            for (l, sm) in layers.iter().zip(&softmax) {
                l.run(sm, &x, &mut y, &mut b)?;
                std::mem::swap(&mut x, &mut y);
            }
            out[si] = pool(&x, &last);
        }
    }
    Ok((out, setup))
}
