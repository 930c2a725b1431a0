//! The floating-point modes: what each does to weights, matrix products and activations.
//! Every rounding is lowprec's (`float::slice`, `block`, `lmul`); the `f32` sums of the
//! matrix products are the host's.

use std::cell::RefCell;
use std::ops::Range;

use lowprec::block::{self, BlockFormat};
use lowprec::float::dot::Accumulator;
use lowprec::float::slice;
use lowprec::lmul::{self, LMul};
use lowprec::{FloatFormat, NoRandom, Overflow, Round, Rounding, SplitMix64};

use crate::forward::Numerics;
use crate::gemm::{gemm_nn, gemm_nt};
use crate::model::Linear;

fn add_bias(y: &mut [f32], b: &[f32]) {
    for row in y.chunks_exact_mut(b.len()) {
        for (o, &bb) in row.iter_mut().zip(b) {
            *o += bb;
        }
    }
}

/// The reference: `f32` throughout.
pub struct F32;

impl Numerics for F32 {
    type Weights = Linear;
    fn prepare(&self, l: &Linear) -> Linear {
        l.clone()
    }
    fn linear(&self, x: &[f32], rows: usize, _: &[Range<usize>], w: &Linear, y: &mut [f32]) {
        gemm_nt(x, &w.w, rows, w.n_out, w.n_in, y);
        add_bias(y, &w.b);
    }
    fn scores(&self, q: &[f32], k: &[f32], m: usize, n: usize, d: usize, s: &mut [f32]) {
        gemm_nt(q, k, m, n, d, s);
    }
    fn context(&self, p: &[f32], v: &[f32], m: usize, n: usize, d: usize, c: &mut [f32]) {
        gemm_nn(p, v, m, n, d, c);
    }
    fn round(&self, _: &mut [f32]) {}
}

/// bf16 codes of `f32` values that are bf16 values already (the bf16 modes round every
/// activation), or rounded to nearest-even if not.
fn bf16_codes(x: &[f32]) -> Vec<u16> {
    let mut c = vec![0u16; x.len()];
    slice::encode_f32(&FloatFormat::BF16, x, &mut c).expect("bf16 fits u16 codes");
    c
}

/// L-Mul matrix product of bf16 values: `a` is `m × k`, `b_codes` is `k × n` (codes),
/// accumulated in `acc`, into `out` (`m × n`, the accumulator's values as `f32`).
fn lmul_matmul(
    lm: &LMul,
    acc: &Accumulator,
    a: &[f32],
    b_codes: &[u16],
    (m, k, n): (usize, usize, usize),
    out: &mut [f32],
) {
    let a = bf16_codes(a);
    let mut codes = vec![0u32; m * n];
    lmul::matmul(lm, &a, b_codes, &mut codes, m, k, n, acc, &mut NoRandom).expect("shapes");
    slice::decode_to_f32(&acc.format, &codes, out).expect("f32-sized accumulator codes");
}

/// The transpose of a `rows × cols` matrix.
fn transpose<T: Copy>(x: &[T], rows: usize, cols: usize) -> Vec<T> {
    (0..cols)
        .flat_map(|j| (0..rows).map(move |i| x[i * cols + j]))
        .collect()
}

/// bf16 weights and activations (every value rounded to nearest-even after each
/// operation), `f32` accumulation. With L-Mul, the attention products (`attention`) or
/// every matrix product (`linear` too) multiply by L-Mul instead.
pub struct Bf16 {
    /// L-Mul for QKᵀ and P·V.
    pub attention: Option<LMul>,
    /// L-Mul for the linear layers.
    pub linear: Option<LMul>,
    /// The accumulator of the L-Mul products.
    pub acc: Accumulator,
}

impl Bf16 {
    /// Plain bf16.
    pub fn plain() -> Bf16 {
        Bf16 {
            attention: None,
            linear: None,
            acc: lmul::DEFAULT_ACCUMULATOR,
        }
    }
}

/// A bf16 mode's linear layer: weights and biases rounded to bf16, and for L-Mul the
/// weights' codes transposed (`n_in × n_out`).
pub struct Bf16Weights {
    w: Linear,
    codes_t: Vec<u16>,
}

fn bf16_round(x: &mut [f32]) {
    slice::quantize_f32(&FloatFormat::BF16, x);
}

impl Numerics for Bf16 {
    type Weights = Bf16Weights;
    fn prepare(&self, l: &Linear) -> Bf16Weights {
        let mut w = l.clone();
        bf16_round(&mut w.w);
        bf16_round(&mut w.b);
        let codes_t = match self.linear {
            Some(_) => transpose(&bf16_codes(&w.w), w.n_out, w.n_in),
            None => Vec::new(),
        };
        Bf16Weights { w, codes_t }
    }
    fn linear(&self, x: &[f32], rows: usize, _: &[Range<usize>], w: &Bf16Weights, y: &mut [f32]) {
        let l = &w.w;
        match &self.linear {
            Some(lm) => lmul_matmul(lm, &self.acc, x, &w.codes_t, (rows, l.n_in, l.n_out), y),
            None => gemm_nt(x, &l.w, rows, l.n_out, l.n_in, y),
        }
        add_bias(y, &l.b);
    }
    fn scores(&self, q: &[f32], k: &[f32], m: usize, n: usize, d: usize, s: &mut [f32]) {
        match &self.attention {
            Some(lm) => lmul_matmul(
                lm,
                &self.acc,
                q,
                &transpose(&bf16_codes(k), n, d),
                (m, d, n),
                s,
            ),
            None => gemm_nt(q, k, m, n, d, s),
        }
    }
    fn context(&self, p: &[f32], v: &[f32], m: usize, n: usize, d: usize, c: &mut [f32]) {
        match &self.attention {
            Some(lm) => lmul_matmul(lm, &self.acc, p, &bf16_codes(v), (m, n, d), c),
            None => gemm_nn(p, v, m, n, d, c),
        }
    }
    fn round(&self, x: &mut [f32]) {
        bf16_round(x);
    }
}

/// FP8 E4M3FN inference as FP8 recipes run it: the linear layers' weights with one scale
/// per output channel and their inputs with one scale per token, each scale mapping the
/// row's largest magnitude to 448; products of FP8 values summed in `f32`, then scaled
/// back. Everything else (attention products, softmax, LayerNorm, GELU) stays `f32`.
pub struct Fp8 {
    /// The rounding of every conversion to FP8 (weights and activations).
    pub rounding: Rounding,
    /// Random bits of stochastic rounding, drawn in a fixed order.
    pub rng: RefCell<SplitMix64>,
}

/// A linear layer in FP8: the weights' FP8 values (`n_out × n_in`) and per-row scales.
pub struct Fp8Weights {
    q: Vec<f32>,
    scales: Vec<f32>,
    b: Vec<f32>,
    n_in: usize,
    n_out: usize,
}

impl Fp8 {
    /// Each row of `x` (`cols` wide) divided by its scale and rounded to E4M3FN; returns
    /// the scales.
    fn quantize_rows(&self, x: &mut [f32], cols: usize) -> Vec<f32> {
        let fmt = FloatFormat::E4M3FN;
        let max = fmt.to_f64(fmt.max_mag()) as f32;
        let how = Round::new(self.rounding, Overflow::SatFinite);
        let mut rng = self.rng.borrow_mut();
        x.chunks_exact_mut(cols)
            .map(|row| {
                let amax = row.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                let s = if amax > 0.0 && amax.is_finite() {
                    amax / max
                } else {
                    1.0
                };
                for v in row.iter_mut() {
                    *v /= s;
                }
                slice::quantize_f32_with(&fmt, row, how, &mut *rng);
                s
            })
            .collect()
    }
}

impl Numerics for Fp8 {
    type Weights = Fp8Weights;
    fn prepare(&self, l: &Linear) -> Fp8Weights {
        let mut q = l.w.clone();
        let scales = self.quantize_rows(&mut q, l.n_in);
        Fp8Weights {
            q,
            scales,
            b: l.b.clone(),
            n_in: l.n_in,
            n_out: l.n_out,
        }
    }
    fn linear(&self, x: &[f32], rows: usize, _: &[Range<usize>], w: &Fp8Weights, y: &mut [f32]) {
        let mut xq = x.to_vec();
        let sx = self.quantize_rows(&mut xq, w.n_in);
        gemm_nt(&xq, &w.q, rows, w.n_out, w.n_in, y);
        for (row, s) in y.chunks_exact_mut(w.n_out).zip(sx) {
            for ((o, &sw), &b) in row.iter_mut().zip(&w.scales).zip(&w.b) {
                *o = *o * s * sw + b;
            }
        }
    }
    fn scores(&self, q: &[f32], k: &[f32], m: usize, n: usize, d: usize, s: &mut [f32]) {
        F32.scores(q, k, m, n, d, s);
    }
    fn context(&self, p: &[f32], v: &[f32], m: usize, n: usize, d: usize, c: &mut [f32]) {
        F32.context(p, v, m, n, d, c);
    }
    fn round(&self, _: &mut [f32]) {}
}

/// A block-scaled format (OCP MX, NVFP4) for the linear layers' weights and inputs: blocks
/// run along each row (the reduction dimension; 384 and 1536 are multiples of the block
/// sizes), the values are rounded to nearest-even by `block::chop_f32`, the products
/// summed in `f32`. A two-level format's tensor scale is computed per weight matrix and,
/// for activations, per sentence (so that one sentence's result does not depend on the
/// others in the batch). Everything else stays `f32`.
pub struct Block {
    /// The format.
    pub fmt: BlockFormat,
}

impl Numerics for Block {
    type Weights = Linear;
    fn prepare(&self, l: &Linear) -> Linear {
        let mut w = l.clone();
        block::chop_f32(&self.fmt, &mut w.w).expect("preset block format");
        w
    }
    fn linear(&self, x: &[f32], rows: usize, segs: &[Range<usize>], w: &Linear, y: &mut [f32]) {
        let mut xq = x.to_vec();
        for seg in segs {
            block::chop_f32(&self.fmt, &mut xq[seg.start * w.n_in..seg.end * w.n_in])
                .expect("preset block format");
        }
        gemm_nt(&xq, &w.w, rows, w.n_out, w.n_in, y);
        add_bias(y, &w.b);
    }
    fn scores(&self, q: &[f32], k: &[f32], m: usize, n: usize, d: usize, s: &mut [f32]) {
        F32.scores(q, k, m, n, d, s);
    }
    fn context(&self, p: &[f32], v: &[f32], m: usize, n: usize, d: usize, c: &mut [f32]) {
        F32.context(p, v, m, n, d, c);
    }
    fn round(&self, _: &mut [f32]) {}
}
