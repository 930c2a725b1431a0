//! The model's constants in fixed point: every weight matrix, bias vector, γ and β cast
//! into its own `ap_fixed` type (chosen from its largest magnitude, see `calibrate.rs`) by
//! lowprec's cast (`FixedFormat::from_f32`: the type's rounding, `AP_RND_CONV`, and its
//! overflow mode, `AP_SAT`), kept as raw integers.

use lowprec::fixed::FixedFormat;

use crate::calibrate::{BIAS_BITS, constants, weight_type};
use crate::model::{Linear, Model, Norm};

/// The raw integers of `values` in type `t`.
pub fn quantize(values: &[f32], t: &FixedFormat) -> Vec<i64> {
    values
        .iter()
        .map(|&v| t.raw_of(t.from_f32(v)) as i64)
        .collect()
}

/// A linear layer in fixed point: weights `n_out × n_in` (PyTorch's layout, the one
/// `lowprec::nn::Dense` reads) and biases, with their types.
pub struct QDense {
    /// Raw weights, one row per output.
    pub w: Vec<i64>,
    /// Raw biases.
    pub b: Vec<i64>,
    /// The weights' type.
    pub weight: FixedFormat,
    /// The biases' type.
    pub bias: FixedFormat,
    /// Inputs per output.
    pub n_in: usize,
    /// Outputs.
    pub n_out: usize,
}

impl QDense {
    /// Quantizes a linear layer: weights of `weight_type`, [`BIAS_BITS`]-bit biases.
    pub fn new(l: &Linear) -> Result<QDense, String> {
        let weight = weight_type(&l.w)?;
        let bias = constants(&l.b, BIAS_BITS)?;
        Ok(QDense {
            w: quantize(&l.w, &weight),
            b: quantize(&l.b, &bias),
            weight,
            bias,
            n_in: l.n_in,
            n_out: l.n_out,
        })
    }

    /// The weights transposed to `n_in × n_out` (hls4ml's layout).
    pub fn transposed(&self) -> Vec<i64> {
        (0..self.n_in)
            .flat_map(|i| (0..self.n_out).map(move |o| self.w[o * self.n_in + i]))
            .collect()
    }
}

/// A layer norm's γ and β in fixed point.
pub struct QNorm {
    /// Raw γ.
    pub g: Vec<i64>,
    /// Raw β.
    pub b: Vec<i64>,
    /// γ's type.
    pub scale: FixedFormat,
    /// β's type.
    pub bias: FixedFormat,
}

impl QNorm {
    /// Quantizes γ and β, [`BIAS_BITS`] bits each.
    pub fn new(n: &Norm) -> Result<QNorm, String> {
        let scale = constants(&n.gamma, BIAS_BITS)?;
        let bias = constants(&n.beta, BIAS_BITS)?;
        Ok(QNorm {
            g: quantize(&n.gamma, &scale),
            b: quantize(&n.beta, &bias),
            scale,
            bias,
        })
    }
}

/// One encoder layer's constants.
pub struct QLayer {
    /// Query projection.
    pub q: QDense,
    /// Key projection.
    pub k: QDense,
    /// Value projection.
    pub v: QDense,
    /// Attention output projection.
    pub o: QDense,
    /// Layer norm 1.
    pub ln1: QNorm,
    /// FFN up-projection.
    pub up: QDense,
    /// FFN down-projection.
    pub down: QDense,
    /// Layer norm 2.
    pub ln2: QNorm,
}

/// The whole model's constants (the embedding tables stay `f32`: their sum is cast into
/// the embeddings' sum type before the first layer norm).
pub struct QModel {
    /// The embeddings' layer norm.
    pub embed_ln: QNorm,
    /// The encoder layers.
    pub layers: Vec<QLayer>,
}

impl QModel {
    /// Quantizes every constant of `m`.
    pub fn new(m: &Model) -> Result<QModel, String> {
        let layers = m
            .layers
            .iter()
            .map(|l| {
                Ok(QLayer {
                    q: QDense::new(&l.q)?,
                    k: QDense::new(&l.k)?,
                    v: QDense::new(&l.v)?,
                    o: QDense::new(&l.o)?,
                    ln1: QNorm::new(&l.ln1)?,
                    up: QDense::new(&l.up)?,
                    down: QDense::new(&l.down)?,
                    ln2: QNorm::new(&l.ln2)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(QModel {
            embed_ln: QNorm::new(&m.ln)?,
            layers,
        })
    }
}
