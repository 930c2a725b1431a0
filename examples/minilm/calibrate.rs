//! The range analysis of the fixed-point modes: the `f32` forward pass over the
//! calibration sentences records each activation's [min, max] per layer, and every
//! `ap_fixed` type follows from those ranges (activations, with a margin), from the
//! weights themselves (weights, biases, γ, β) or from lowprec's interval range analysis
//! (accumulators).
//!
//! Choices, one rule per kind of tensor:
//!
//! - **activations**: a fixed width per kind ([`WIDE`] bits between layers and wherever a
//!   residual or a layer norm sits, [`NARROW`] bits for Q, K, V, the scores, the context
//!   and the FFN's GELU), `AP_RND_CONV` and `AP_SAT`, and the fewest integer bits
//!   (`ibp::int_bits`) that hold the calibrated range widened by [`MARGIN`]: ×2, one more
//!   integer bit than the calibration set needs, because a sentence outside it can reach
//!   further (the saturating types clip what goes beyond, they do not wrap). The
//!   softmax's probabilities lie in [0, 1] by definition and take no margin;
//! - **weights**: per matrix, [`WEIGHT_BITS`] bits and the fewest integer bits that hold
//!   its largest |w|, more bits where that leaves fewer than [`WEIGHT_FRAC`] fraction
//!   bits ([`weight_type`]: the one tensor that cost accuracy); **biases** [`BIAS_BITS`] bits per vector, γ and β
//!   [`BIAS_BITS`] bits per layer norm, the same way. They are rounded to nearest even and
//!   saturate (`AP_RND_CONV`, `AP_SAT`: the cast that quantizes them, see `weights.rs`);
//! - **accumulators**: `ibp::accumulator_range` over the input box (every input feature
//!   in the input tensor's calibrated range with the same margin; the quantized weights'
//!   exact values), the union over the outputs of the partial sums' range, then
//!   `AccRange::accumulator_format` with F = input F + weight F: every product is exact
//!   and no partial sum overflows, the condition of the dense kernel's integer fast path.
//!   The accumulators keep `ap_fixed`'s default modes (`AP_TRN`, `AP_WRAP`): no cast
//!   acts on an exact, in-range sum.

use std::collections::HashMap;
use std::fmt::Write as _;

use lowprec::fixed::{FixedFormat, FixedParams, OverflowMode, Quantization};
use lowprec::interval::{Interval, ibp};

use crate::forward::{Prepared, Site, forward};
use crate::model::{HEAD, HIDDEN, LAYERS, Model};
use crate::numerics::F32;
use crate::weights::QDense;

/// The range margin of activation types: the calibrated [min, max] is multiplied by 2
/// (one more integer bit) before the type is chosen.
pub const MARGIN: f64 = 2.0;
/// Activations between layers, around the residuals and the layer norms.
pub const WIDE: u32 = 18;
/// Q, K, V, the raw and scaled scores, the probabilities, the context, GELU's input and
/// output.
pub const NARROW: u32 = 16;
/// Weights of a linear layer.
pub const WEIGHT_BITS: u32 = 8;
/// Fraction bits weights keep at least (a wider type where the largest |w| needs more
/// than `WEIGHT_BITS − WEIGHT_FRAC` integer bits).
pub const WEIGHT_FRAC: i32 = 8;
/// Biases, γ and β.
pub const BIAS_BITS: u32 = 16;

/// The calibrated [min, max] of every activation (layer index, site), over the
/// calibration sentences.
pub struct Ranges {
    map: HashMap<(usize, Site), (f64, f64)>,
    /// Layer-norm input rows (the embeddings' sums and both residual sums of every
    /// layer): how many, how many of variance ≥ 1, the largest variance.
    pub ln_rows: (usize, usize, f64),
}

impl Ranges {
    /// The range of `site` in `layer` (the embeddings' sites are layer 0's).
    pub fn get(&self, layer: usize, site: Site) -> Result<(f64, f64), String> {
        self.map
            .get(&(layer, site))
            .copied()
            .ok_or_else(|| format!("calibration saw no {site:?} in layer {layer}"))
    }
}

/// Runs the `f32` forward pass over `calib` and records every activation's range.
pub fn calibrate(model: &Model, calib: &[Vec<u32>]) -> Result<Ranges, String> {
    if calib.iter().all(Vec::is_empty) {
        return Err("the calibration set has no tokens".into());
    }
    let prepared = Prepared::new(&F32, model);
    let mut map: HashMap<(usize, Site), (f64, f64)> = HashMap::new();
    let mut ln_rows = (0usize, 0usize, 0.0f64);
    forward(&F32, model, &prepared, calib, &mut |layer, site, v| {
        if matches!(site, Site::EmbedSum | Site::Residual1 | Site::Residual2) {
            for row in v.chunks_exact(HIDDEN) {
                let n = row.len() as f64;
                let mean = row.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
                let var = row
                    .iter()
                    .map(|&x| (f64::from(x) - mean).powi(2))
                    .sum::<f64>()
                    / n;
                ln_rows.0 += 1;
                ln_rows.1 += usize::from(var >= 1.0);
                ln_rows.2 = ln_rows.2.max(var);
            }
        }
        let e = map
            .entry((layer, site))
            .or_insert((f64::INFINITY, f64::NEG_INFINITY));
        for &x in v {
            let x = f64::from(x);
            e.0 = e.0.min(x);
            e.1 = e.1.max(x);
        }
    });
    if let Some(((l, s), _)) = map
        .iter()
        .find(|(_, (lo, hi))| !(lo.is_finite() && hi.is_finite()))
    {
        return Err(format!("calibration: {s:?} of layer {l} is not finite"));
    }
    Ok(Ranges { map, ln_rows })
}

/// `ap_fixed<W,I,AP_RND_CONV,AP_SAT>` (or `ap_ufixed`).
pub fn rnd_sat(signed: bool, width: u32, int_bits: i32) -> Result<FixedFormat, String> {
    let shape = if signed {
        FixedParams::ap_fixed(width, int_bits)
    } else {
        FixedParams::ap_ufixed(width, int_bits)
    };
    FixedFormat::new(FixedParams {
        quantization: Quantization::RndConv,
        overflow: OverflowMode::Sat,
        ..shape
    })
    .map_err(|e| format!("ap_fixed<{width},{int_bits}>: {e:?}"))
}

/// The `width`-bit `AP_RND_CONV, AP_SAT` type with the fewest integer bits that holds
/// [lo, hi] (signed, or unsigned when `signed` is false).
pub fn fit(lo: f64, hi: f64, width: u32, signed: bool) -> Result<FixedFormat, String> {
    let w = width as i32;
    for i in -64..=w + 64 {
        if ibp::int_bits(lo, hi, signed, w - i).is_some_and(|need| need <= i) {
            return rnd_sat(signed, width, i);
        }
    }
    Err(format!("no {width}-bit type holds [{lo}, {hi}]"))
}

/// A weight matrix's type: [`WEIGHT_BITS`] bits and the fewest integer bits that hold its
/// largest |w|, widened to keep [`WEIGHT_FRAC`] fraction bits. Plain 8-bit max-scaled
/// weights cost MiniLM most of its accuracy (mean cosine to `f32` 0.957 on
/// `sentences.txt`): the FFN down-projections hold weights up to |w| ≈ 8, which leaves
/// their typical weights (|w| ≈ 0.04) 4 fraction bits. With 8 fraction bits those
/// matrices take 12 bits, the others 8 or 9.
pub fn weight_type(values: &[f32]) -> Result<FixedFormat, String> {
    let t = constants(values, WEIGHT_BITS)?;
    if t.frac_bits() >= WEIGHT_FRAC {
        return Ok(t);
    }
    let width = u32::try_from(t.int_bits() + WEIGHT_FRAC).map_err(|e| e.to_string())?;
    constants(values, width)
}

/// An activation type for the calibrated range (lo, hi): the range times [`MARGIN`].
pub fn activation(range: (f64, f64), width: u32) -> Result<FixedFormat, String> {
    let (lo, hi) = range;
    fit(lo.min(0.0) * MARGIN, hi.max(0.0) * MARGIN, width, true)
}

/// A type for constants (weights, biases, γ, β): the fewest integer bits that hold their
/// largest magnitude, at `width` bits.
pub fn constants(values: &[f32], width: u32) -> Result<FixedFormat, String> {
    let m = values
        .iter()
        .fold(0.0f64, |m, &v| m.max(f64::from(v).abs()));
    if !m.is_finite() {
        return Err("a weight is not finite".into());
    }
    fit(-m, m, width, true)
}

/// The accumulator of a dense layer: the range of every partial sum over the box where
/// each of the `n_in` inputs lies in `input` (the calibrated range with the margin), with
/// the quantized weights `q`, sized by `AccRange::accumulator_format` at F = F_x + F_w.
pub fn accumulator(
    q: &QDense,
    input: (f64, f64),
    input_t: &FixedFormat,
) -> Result<FixedFormat, String> {
    let value = |raw: i64, t: &FixedFormat| raw as f64 * (-f64::from(t.frac_bits())).exp2();
    let w: Vec<f64> = q.w.iter().map(|&r| value(r, &q.weight)).collect();
    let b: Vec<f64> = q.b.iter().map(|&r| value(r, &q.bias)).collect();
    let (lo, hi) = (input.0.min(0.0) * MARGIN, input.1.max(0.0) * MARGIN);
    let x = vec![Interval::<f64>::new(lo, hi); q.n_in];
    let zero = ibp::AccRange {
        lo: 0.0,
        hi: 0.0,
        prefix_lo: 0.0,
        prefix_hi: 0.0,
    };
    let mut out = vec![zero; q.n_out];
    let mut scratch = vec![0u64; 2 * (q.n_in + 1)];
    ibp::accumulator_range::<f64>(&w, &b, &x, &mut out, &mut scratch)
        .map_err(|e| format!("accumulator range: {e}"))?;
    // Every partial sum of every output: the accumulator neither wraps nor rounds.
    let (plo, phi) = out.iter().fold((0.0f64, 0.0f64), |(l, h), r| {
        (l.min(r.prefix_lo), h.max(r.prefix_hi))
    });
    let all = ibp::AccRange {
        lo: plo,
        hi: phi,
        prefix_lo: plo,
        prefix_hi: phi,
    };
    let f = input_t.frac_bits() + q.weight.frac_bits();
    // Any ap_fixed with F fraction bits and default modes: only F and the modes count.
    let template = u32::try_from(f + 1)
        .ok()
        .and_then(|w| FixedFormat::ap_fixed(w, 1).ok())
        .ok_or_else(|| format!("no accumulator with {f} fraction bits"))?;
    all.accumulator_format(template)
        .map_err(|e| format!("accumulator type: {e}"))
}

/// The types of one dense layer.
#[derive(Clone, Copy, Debug)]
pub struct DenseTypes {
    /// Input.
    pub input: FixedFormat,
    /// Weights.
    pub weight: FixedFormat,
    /// Biases.
    pub bias: FixedFormat,
    /// Accumulator.
    pub accum: FixedFormat,
    /// Output.
    pub output: FixedFormat,
}

/// The types of one layer norm's inputs, outputs and constants.
#[derive(Clone, Copy, Debug)]
pub struct NormTypes {
    /// Input (the residual sum).
    pub input: FixedFormat,
    /// Output.
    pub output: FixedFormat,
    /// γ.
    pub scale: FixedFormat,
    /// β.
    pub bias: FixedFormat,
}

/// Every type of one encoder layer (see the module documentation for the rules).
#[derive(Clone, Copy, Debug)]
pub struct LayerTypes {
    /// Q, K, V projections (input: the layer's input X).
    pub q: DenseTypes,
    /// Keys.
    pub k: DenseTypes,
    /// Values.
    pub v: DenseTypes,
    /// Raw scores Q·Kᵀ.
    pub score: FixedFormat,
    /// The scale 1/√32.
    pub scale: FixedFormat,
    /// Scaled scores: the softmax's input.
    pub scaled: FixedFormat,
    /// Probabilities.
    pub probs: FixedFormat,
    /// The output projection (input: the context).
    pub o: DenseTypes,
    /// X + A.
    pub residual1: FixedFormat,
    /// Layer norm 1.
    pub ln1: NormTypes,
    /// FFN up-projection (output: GELU's input).
    pub up: DenseTypes,
    /// GELU's output.
    pub gelu: FixedFormat,
    /// FFN down-projection.
    pub down: DenseTypes,
    /// H + F₂.
    pub residual2: FixedFormat,
    /// Layer norm 2 (its output: the layer's output).
    pub ln2: NormTypes,
}

/// Every type of the model: the embeddings' sum and layer norm, then each layer's.
pub struct ModelTypes {
    /// The embeddings' sum and layer norm (its output: layer 0's input).
    pub embed: NormTypes,
    /// Per layer.
    pub layers: Vec<LayerTypes>,
}

/// A type in compact form: `ap_fixed<18,9,RC,S>` for `ap_fixed<18,9,AP_RND_CONV,AP_SAT>`.
pub fn short(t: &FixedFormat) -> String {
    t.to_string()
        .replace("AP_RND_CONV", "RC")
        .replace("AP_SAT", "S")
}

impl ModelTypes {
    /// The lines printed before the mode's matrix: one for the embeddings, then per layer
    /// one for the attention, one for the FFN and one for the residuals and layer norms.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let e = &self.embed;
        let _ = writeln!(
            s,
            "embeddings: sum {} → layer norm (γ {}, β {}) {}",
            short(&e.input),
            short(&e.scale),
            short(&e.bias),
            short(&e.output)
        );
        let d = |t: &DenseTypes| {
            format!(
                "w {} b {} acc {} → {}",
                short(&t.weight),
                short(&t.bias),
                short(&t.accum),
                short(&t.output)
            )
        };
        for (i, l) in self.layers.iter().enumerate() {
            let _ = writeln!(
                s,
                "layer {i} attention: x {} | q {} | k {} | v {} | score {} ×{} → {} | p {} | ctx {} | o {}",
                short(&l.q.input),
                d(&l.q),
                d(&l.k),
                d(&l.v),
                short(&l.score),
                short(&l.scale),
                short(&l.scaled),
                short(&l.probs),
                short(&l.o.input),
                d(&l.o)
            );
            let _ = writeln!(
                s,
                "layer {i} ffn: up {} | gelu {} | down {}",
                d(&l.up),
                short(&l.gelu),
                d(&l.down)
            );
            let n = |t: &NormTypes| {
                format!(
                    "{} → (γ {}, β {}) {}",
                    short(&t.input),
                    short(&t.scale),
                    short(&t.bias),
                    short(&t.output)
                )
            };
            let _ = writeln!(
                s,
                "layer {i} norms: res1+ln1 {} | res2+ln2 {}",
                n(&l.ln1),
                n(&l.ln2)
            );
        }
        s
    }
}

/// Chooses every type from the calibrated ranges `r` and the quantized model `w`
/// (weights, biases, γ and β carry their own types: `weights.rs`).
pub fn choose(r: &Ranges, w: &crate::weights::QModel) -> Result<ModelTypes, String> {
    let embed = NormTypes {
        input: activation(r.get(0, Site::EmbedSum)?, WIDE)?,
        output: activation(r.get(0, Site::Embed)?, WIDE)?,
        scale: w.embed_ln.scale,
        bias: w.embed_ln.bias,
    };
    let mut layers = Vec::with_capacity(LAYERS);
    let mut x = embed.output;
    let mut x_range = r.get(0, Site::Embed)?;
    for (li, ql) in w.layers.iter().enumerate() {
        let a = |site: Site, width: u32| -> Result<FixedFormat, String> {
            activation(r.get(li, site)?, width)
        };
        let dense = |q: &QDense,
                     input: FixedFormat,
                     in_range: (f64, f64),
                     output: FixedFormat|
         -> Result<DenseTypes, String> {
            Ok(DenseTypes {
                input,
                weight: q.weight,
                bias: q.bias,
                accum: accumulator(q, in_range, &input)?,
                output,
            })
        };
        let scores = r.get(li, Site::Scores)?;
        let inv_sqrt = 1.0 / (HEAD as f64).sqrt();
        let context = a(Site::Context, NARROW)?;
        let residual1 = a(Site::Residual1, WIDE)?;
        let h = a(Site::Ln1, WIDE)?;
        let up = a(Site::Up, NARROW)?;
        let gelu = a(Site::Gelu, NARROW)?;
        let residual2 = a(Site::Residual2, WIDE)?;
        let y = a(Site::Ln2, WIDE)?;
        let t = LayerTypes {
            q: dense(&ql.q, x, x_range, a(Site::Q, NARROW)?)?,
            k: dense(&ql.k, x, x_range, a(Site::K, NARROW)?)?,
            v: dense(&ql.v, x, x_range, a(Site::V, NARROW)?)?,
            score: activation(scores, NARROW)?,
            scale: rnd_sat(false, 16, 0)?,
            scaled: activation((scores.0 * inv_sqrt, scores.1 * inv_sqrt), NARROW)?,
            probs: fit(0.0, 1.0, NARROW, false)?,
            o: dense(
                &ql.o,
                context,
                r.get(li, Site::Context)?,
                a(Site::AttnOut, WIDE)?,
            )?,
            residual1,
            ln1: NormTypes {
                input: residual1,
                output: h,
                scale: ql.ln1.scale,
                bias: ql.ln1.bias,
            },
            up: dense(&ql.up, h, r.get(li, Site::Ln1)?, up)?,
            gelu,
            down: dense(&ql.down, gelu, r.get(li, Site::Gelu)?, a(Site::Down, WIDE)?)?,
            residual2,
            ln2: NormTypes {
                input: residual2,
                output: y,
                scale: ql.ln2.scale,
                bias: ql.ln2.bias,
            },
        };
        layers.push(t);
        x = y;
        x_range = r.get(li, Site::Ln2)?;
    }
    Ok(ModelTypes { embed, layers })
}
