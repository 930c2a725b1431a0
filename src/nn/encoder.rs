//! One BERT encoder layer (post-LN), composed of the `nn` kernels. The golden model of
//! `lowprec::nn::encoder` in `hls/include/lowprec/nn/encoder.h`; the two agree bit for
//! bit (`tests/nn_encoder_hls.rs`).
//!
//! # Contract (this model and the C++ kernel compute exactly this)
//! For one sequence X (`seq × d`, row-major), every step a kernel of this module with its
//! own contract and types:
//!
//! 1. A = attention(X) ([`Attention`]: its projections, softmax and products);
//! 2. R₁ = X + A ([`Residual`]), token by token;
//! 3. H = layer_norm₁(R₁) with γ₁, β₁ ([`LayerNorm`]), token by token;
//! 4. F = dense₁(H), d → `ffn` ([`Dense`], the FFN's up-projection);
//! 5. G = GELU(F) ([`Gelu`]), element by element;
//! 6. F₂ = dense₂(G), `ffn` → d;
//! 7. R₂ = H + F₂;
//! 8. Y = layer_norm₂(R₂) with γ₂, β₂.
//!
//! Each step's output type is the next step's input type ([`Encoder::new`] checks every
//! link), so [`EncoderParams`] names every intermediate type. [`EncoderParams::minilm`]
//! is a set of types for all-MiniLM-L6-v2 (hidden 384, 12 heads of 32, FFN 1536).
//!
//! # Tables and scratch
//! The layer's lookup tables (softmax exp and inverse, both layer norms' 1/√ tables, the
//! GELU table) live in one caller slice of [`Encoder::tables_len`] values, filled by
//! [`Encoder::load`]. [`EncoderKernel::run`] needs [`Encoder::scratch_len`] values of
//! `i64` scratch: 2·`seq`·d + max(the attention's scratch, 2·`seq`·`ffn`).
//!
//! ```
//! use lowprec::nn::{Encoder, EncoderParams};
//! let enc = Encoder::new(EncoderParams::minilm(4)?)?;
//! assert_eq!((enc.hidden(), enc.params().ffn1.n_out), (384, 1536));
//! # Ok::<(), lowprec::nn::NnError>(())
//! ```

use core::fmt::Write;

use crate::fixed::FixedFormat;
use crate::float::Exact;

use super::attention::{NameBuf, name_with, write_dense_config};
use super::table::{self, WRITE_FAILED};
use super::{
    Attention, AttentionKernel, AttentionParams, AttentionScale, AttentionWeights, Dense,
    DenseParams, Element, Gelu, GeluForm, GeluKernel, GeluParams, LayerNorm, LayerNormKernel,
    LayerNormParams, NnError, Products, Residual, ResidualParams, Schedule, SoftmaxParams,
    check_len,
};

/// The configuration of an [`Encoder`] layer: the sub-kernels' parameters, linked by
/// their types (see the [module documentation](self)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EncoderParams {
    /// The self-attention (X's type is its projections' input type).
    pub attention: AttentionParams,
    /// X + A (`a`: X's type, `b`: the attention's output type).
    pub residual1: ResidualParams,
    /// The first layer norm (input: the first residual's output type).
    pub ln1: LayerNormParams,
    /// The FFN's up-projection d → ffn (input: the first layer norm's output type).
    pub ffn1: DenseParams,
    /// GELU (input: the up-projection's output type).
    pub gelu: GeluParams,
    /// The FFN's down-projection ffn → d (input: GELU's output type).
    pub ffn2: DenseParams,
    /// H + F₂ (`a`: the first layer norm's output type, `b`: the down-projection's).
    pub residual2: ResidualParams,
    /// The second layer norm (input: the second residual's output type); its output is
    /// the layer's.
    pub ln2: LayerNormParams,
}

fn ty(s: &str) -> Result<FixedFormat, NnError> {
    s.parse()
        .map_err(|_| NnError::Config("encoder preset: a type does not parse"))
}

impl EncoderParams {
    /// Types a designer would pick for all-MiniLM-L6-v2 (hidden 384, 12 heads of 32, FFN
    /// 1536) at `seq` tokens, from the ranges its activations reach: layer-norm inputs
    /// (the residual sums) of variance up to 128 and |x| up to 222, attention scores in
    /// [−13, 27], GELU inputs in [−17, 24].
    ///
    /// - activations between layers (X, the layer norms' outputs, the residual sums):
    ///   `ap_fixed<18,9,AP_RND_CONV,AP_SAT>` (±256, 2^−9);
    /// - weights `ap_fixed<8,2>`, biases `ap_fixed<16,6>`, accumulators
    ///   `ap_fixed<32,12>` for the attention's projections and `ap_fixed<36,16>` for the
    ///   FFN's (every product exact: the latency schedule's fast path);
    /// - Q, K, V and the context `ap_fixed<16,6,AP_RND_CONV,AP_SAT>`; raw scores
    ///   `ap_fixed<24,10,…>` (27·√32 ≈ 153 < 512), scale 1/√32 in `ap_ufixed<16,0>`,
    ///   softmax input `ap_fixed<16,6,…>` (±32 ⊃ [−13, 27]), probabilities
    ///   `ap_ufixed<16,1,…>`; the softmax tables of `tests/nn_act_hls.rs`'s MiniLM
    ///   configuration (1,024 exp entries over [0, 16), 256 inverse entries);
    /// - the FFN's up-projection into `ap_fixed<16,6,…>` (±32 ⊃ [−17, 24]), GELU (erf) by
    ///   a 4,096-entry table over the window [−16, 16) (s = 3: entries every 2^−7;
    ///   beyond it GELU(x) = x or 0 to within 10⁻¹⁵) into `ap_fixed<16,6,…>`;
    /// - layer norms with ε = 10⁻¹², Σx in `ap_fixed<32,18>`, Σd² in `ap_ufixed<40,26>`,
    ///   the variance in `ap_ufixed<32,16>` (up to 65,536), a 1,024-entry 1/√ table,
    ///   γ and β in `ap_fixed<16,4>`.
    pub fn minilm(seq: usize) -> Result<EncoderParams, NnError> {
        let (d, ffn) = (384, 1536);
        let act = ty("ap_fixed<18,9,AP_RND_CONV,AP_SAT>")?;
        let small = ty("ap_fixed<16,6,AP_RND_CONV,AP_SAT>")?;
        // The FFN's sums (up to 1,536 products of |g| ≤ 24 and |w| ≤ 2, of inputs up to
        // 222) can leave ±2048: its accumulators get four more integer bits.
        let dense = |n_in: usize, n_out: usize, input: FixedFormat, output: FixedFormat| {
            let accum = if n_in == d && n_out == d {
                "ap_fixed<32,12>"
            } else {
                "ap_fixed<36,16>"
            };
            Ok::<_, NnError>(DenseParams {
                n_in,
                n_out,
                input,
                weight: ty("ap_fixed<8,2>")?,
                bias: ty("ap_fixed<16,6>")?,
                accum: ty(accum)?,
                output,
                schedule: Schedule::Latency,
                relu: false,
            })
        };
        let ln = || {
            Ok::<_, NnError>(LayerNormParams {
                dim: d,
                input: act,
                output: act,
                accum: ty("ap_fixed<32,18>")?,
                dim_recip: ty("ap_ufixed<18,-8,AP_RND_CONV>")?,
                mean: ty("ap_fixed<24,9,AP_RND_CONV,AP_SAT>")?,
                sq_accum: ty("ap_ufixed<40,26,AP_RND_CONV,AP_SAT>")?,
                var: ty("ap_ufixed<32,16,AP_RND_CONV,AP_SAT>")?,
                epsilon: "1e-12"
                    .parse::<Exact>()
                    .map_err(|_| NnError::Config("encoder preset: epsilon"))?,
                epsilon_type: ty("ap_ufixed<12,-36,AP_RND_CONV>")?,
                rsqrt_table: ty("ap_ufixed<18,1,AP_RND_CONV,AP_SAT>")?,
                rsqrt_index_bits: 10,
                norm: ty("ap_fixed<24,8,AP_RND_CONV,AP_SAT>")?,
                scale: ty("ap_fixed<16,4>")?,
                bias: ty("ap_fixed<16,4>")?,
            })
        };
        let attention = AttentionParams {
            seq,
            heads: 12,
            head_dim: 32,
            q: dense(d, d, act, small)?,
            k: dense(d, d, act, small)?,
            v: dense(d, d, act, small)?,
            score: ty("ap_fixed<24,10,AP_RND_CONV,AP_SAT>")?,
            scale_type: ty("ap_ufixed<16,0,AP_RND_CONV>")?,
            scale: AttentionScale::InvSqrtHeadDim,
            softmax: SoftmaxParams {
                n: seq,
                input: small,
                output: ty("ap_ufixed<16,1,AP_RND_CONV,AP_SAT>")?,
                exp_table: ty("ap_ufixed<18,1,AP_RND_CONV,AP_SAT>")?,
                exp_index_bits: 10,
                exp_range_log2: 4,
                accum: ty("ap_ufixed<24,8,AP_RND_CONV,AP_SAT>")?,
                inv_table: ty("ap_ufixed<18,1,AP_RND_CONV,AP_SAT>")?,
                inv_index_bits: 8,
                inv: ty("ap_ufixed<24,1,AP_RND_CONV,AP_SAT>")?,
            },
            context: small,
            o: dense(d, d, small, act)?,
            products: Products::Exact,
        };
        let residual = ResidualParams {
            a: act,
            b: act,
            output: act,
        };
        Ok(EncoderParams {
            attention,
            residual1: residual,
            ln1: ln()?,
            ffn1: dense(d, ffn, act, small)?,
            gelu: GeluParams {
                input: small,
                output: small,
                form: GeluForm::Erf,
                window_int_bits: 5,
                index_bits: 12,
            },
            ffn2: dense(ffn, d, small, act)?,
            residual2: residual,
            ln2: ln()?,
        })
    }
}

/// A checked encoder layer with its planned sub-kernels.
#[derive(Clone, Copy, Debug)]
pub struct Encoder {
    p: EncoderParams,
    d: usize,
    ffn: usize,
    attention: Attention,
    residual1: Residual,
    ln1: LayerNorm,
    ffn1: Dense,
    gelu: Gelu,
    ffn2: Dense,
    residual2: Residual,
    ln2: LayerNorm,
}

/// The weights of an encoder layer: the attention's, then γ and β of the layer norms
/// (`d` each), the FFN's weights (`[ffn][d]` and `[d][ffn]`, one row per output) and
/// biases (`ffn` and `d`).
#[derive(Clone, Copy, Debug)]
pub struct EncoderWeights<'a, W: Element, B: Element> {
    /// The attention's projections.
    pub attention: AttentionWeights<'a, W, B>,
    /// γ₁.
    pub ln1_scale: &'a [W],
    /// β₁.
    pub ln1_bias: &'a [B],
    /// Up-projection weights.
    pub w1: &'a [W],
    /// Up-projection biases.
    pub b1: &'a [B],
    /// Down-projection weights.
    pub w2: &'a [W],
    /// Down-projection biases.
    pub b2: &'a [B],
    /// γ₂.
    pub ln2_scale: &'a [W],
    /// β₂.
    pub ln2_bias: &'a [B],
}

/// An [`Encoder`] with its tables: what [`Encoder::load`] returns.
#[derive(Clone, Copy, Debug)]
pub struct EncoderKernel<'a> {
    cfg: &'a Encoder,
    attention: AttentionKernel<'a>,
    ln1: LayerNormKernel<'a>,
    gelu: GeluKernel<'a>,
    ln2: LayerNormKernel<'a>,
}

const LINK: &str = "encoder: a step's input type must be the previous step's output type";

impl Encoder {
    /// Checks every sub-kernel and every link between them (shapes and types).
    pub fn new(p: EncoderParams) -> Result<Encoder, NnError> {
        let attention = Attention::new(p.attention)?;
        let d = attention.hidden();
        let ffn = p.ffn1.n_out;
        let x = p.attention.q.input;
        let links = [
            (p.residual1.a, x),
            (p.residual1.b, p.attention.o.output),
            (p.ln1.input, p.residual1.output),
            (p.ffn1.input, p.ln1.output),
            (p.gelu.input, p.ffn1.output),
            (p.ffn2.input, p.gelu.output),
            (p.residual2.a, p.ln1.output),
            (p.residual2.b, p.ffn2.output),
            (p.ln2.input, p.residual2.output),
        ];
        if links.iter().any(|(a, b)| a != b) {
            return Err(NnError::Config(LINK));
        }
        if p.ln1.dim != d
            || p.ln2.dim != d
            || p.ffn1.n_in != d
            || p.ffn2.n_in != ffn
            || p.ffn2.n_out != d
        {
            return Err(NnError::Config(
                "encoder: the layer norms must have dim d, the FFN d → ffn → d",
            ));
        }
        let seq = p.attention.seq;
        let scratch = 2 * seq * d + (attention.scratch_len()).max(2 * seq * ffn);
        if seq
            .checked_mul(ffn)
            .and_then(|n| n.checked_mul(2))
            .is_none()
            || scratch == 0
        {
            return Err(NnError::Config("encoder: seq × ffn overflows usize"));
        }
        Ok(Encoder {
            d,
            ffn,
            attention,
            residual1: Residual::new(p.residual1)?,
            ln1: LayerNorm::new(p.ln1)?,
            ffn1: Dense::new(p.ffn1)?,
            gelu: Gelu::new(p.gelu)?,
            ffn2: Dense::new(p.ffn2)?,
            residual2: Residual::new(p.residual2)?,
            ln2: LayerNorm::new(p.ln2)?,
            p,
        })
    }

    /// The configuration.
    pub const fn params(&self) -> &EncoderParams {
        &self.p
    }

    /// The hidden size d.
    pub const fn hidden(&self) -> usize {
        self.d
    }

    /// The attention sub-kernel.
    pub const fn attention(&self) -> &Attention {
        &self.attention
    }

    /// The `i64` scratch of [`EncoderKernel::run`]: 2·`seq`·d + max(the attention's
    /// scratch, 2·`seq`·`ffn`).
    pub fn scratch_len(&self) -> usize {
        let seq = self.p.attention.seq;
        2 * seq * self.d + self.attention.scratch_len().max(2 * seq * self.ffn)
    }

    /// The lengths of the tables, in the order they lie in the slice of [`load`]
    /// (softmax exp, softmax inverse, layer norm 1, layer norm 2, GELU).
    ///
    /// [`load`]: Self::load
    fn table_lens(&self) -> [usize; 5] {
        [
            self.attention.exp_table_len(),
            self.attention.inv_table_len(),
            self.ln1.table_len(),
            self.ln2.table_len(),
            self.gelu.table_len(),
        ]
    }

    /// The length of the tables' slice that [`load`](Self::load) fills.
    pub fn tables_len(&self) -> usize {
        self.table_lens().iter().sum()
    }

    /// Fills the caller's tables (one slice of [`tables_len`](Self::tables_len) values)
    /// and returns the kernel.
    pub fn load<'a>(&'a self, tables: &'a mut [i64]) -> Result<EncoderKernel<'a>, NnError> {
        check_len("encoder tables", self.tables_len(), tables.len())?;
        let [e, i, l1, l2, _] = self.table_lens();
        let (exp, rest) = tables.split_at_mut(e);
        let (inv, rest) = rest.split_at_mut(i);
        let (t1, rest) = rest.split_at_mut(l1);
        let (t2, tg) = rest.split_at_mut(l2);
        Ok(EncoderKernel {
            cfg: self,
            attention: self.attention.load(exp, inv)?,
            ln1: self.ln1.load(t1)?,
            gelu: self.gelu.load(tg)?,
            ln2: self.ln2.load(t2)?,
        })
    }

    /// The kernel on tables the caller filled before (one slice of
    /// [`tables_len`](Self::tables_len) values, from [`load`](Self::load) of this encoder
    /// or of one whose tables are the same, e.g. the same types at another `seq`); only
    /// their lengths are checked.
    pub fn with_tables<'a>(&'a self, tables: &'a [i64]) -> Result<EncoderKernel<'a>, NnError> {
        check_len("encoder tables", self.tables_len(), tables.len())?;
        let [e, i, l1, l2, _] = self.table_lens();
        let (exp, rest) = tables.split_at(e);
        let (inv, rest) = rest.split_at(i);
        let (t1, rest) = rest.split_at(l1);
        let (t2, tg) = rest.split_at(l2);
        Ok(EncoderKernel {
            cfg: self,
            attention: self.attention.with_tables(exp, inv)?,
            ln1: self.ln1.with_table(t1)?,
            gelu: self.gelu.with_table(tg)?,
            ln2: self.ln2.with_table(t2)?,
        })
    }

    /// Writes this configuration as a C++ header: the attention's
    /// ([`Attention::write_cpp_config`], `NAME_attn`), both layer norms' (`NAME_ln1`,
    /// `NAME_ln2`), GELU's (`NAME_gelu`), the FFN's dense configurations (`NAME_ffn1`,
    /// `NAME_ffn2`), the residual adds' (`NAME_res1`, `NAME_res2`) and `struct NAME`,
    /// which `lowprec::nn::encoder<NAME>` reads.
    pub fn write_cpp_config(&self, w: &mut impl Write, name: &str) -> Result<(), NnError> {
        table::check_cpp_name(name)?;
        let p = &self.p;
        let sub = |s: &str| -> Result<NameBuf, NnError> { name_with(name, s) };
        self.attention.write_cpp_config(w, sub("_attn")?.as_str())?;
        self.ln1.write_cpp_config(w, sub("_ln1")?.as_str())?;
        self.ln2.write_cpp_config(w, sub("_ln2")?.as_str())?;
        self.gelu.write_cpp_config(w, sub("_gelu")?.as_str())?;
        write_dense_config(w, sub("_ffn1")?.as_str(), &p.ffn1)?;
        write_dense_config(w, sub("_ffn2")?.as_str(), &p.ffn2)?;
        for (s, r) in [("_res1", &p.residual1), ("_res2", &p.residual2)] {
            let n = sub(s)?;
            let cpp = table::Cpp;
            (|| -> core::fmt::Result {
                writeln!(w, "struct {} {{", n.as_str())?;
                writeln!(w, "  typedef {} a_t;", cpp(&r.a))?;
                writeln!(w, "  typedef {} b_t;", cpp(&r.b))?;
                writeln!(w, "  typedef {} out_t;", cpp(&r.output))?;
                writeln!(w, "  static const unsigned N = {};", self.d)?;
                writeln!(w, "}};")
            })()
            .map_err(|_| WRITE_FAILED)?;
        }
        table::write_open(w, name, "encoder", "Encoder")?;
        (|| -> core::fmt::Result {
            for s in ["attn", "ln1", "ln2", "gelu", "ffn1", "ffn2", "res1", "res2"] {
                writeln!(w, "  typedef {name}_{s} {s}_cfg;")?;
            }
            Ok(())
        })()
        .map_err(|_| WRITE_FAILED)?;
        table::write_const(w, "seq", p.attention.seq as i64)?;
        table::write_const(w, "hidden", self.d as i64)?;
        table::write_const(w, "ffn", self.ffn as i64)?;
        table::write_close(w)
    }
}

impl EncoderKernel<'_> {
    /// The configuration.
    pub fn config(&self) -> &Encoder {
        self.cfg
    }

    /// Applies the layer to one sequence: `x` (`seq × d`, X's type) into `out`
    /// (`seq × d`, the second layer norm's output type), with the `weights` and the
    /// caller's `scratch` (at least [`Encoder::scratch_len`] values).
    pub fn run<X: Element, W: Element, B: Element, Y: Element>(
        &self,
        x: &[X],
        weights: &EncoderWeights<'_, W, B>,
        out: &mut [Y],
        scratch: &mut [i64],
    ) -> Result<(), NnError> {
        let c = self.cfg;
        let (seq, d, ffn) = (c.p.attention.seq, c.d, c.ffn);
        let n = seq * d;
        check_len("encoder input", n, x.len())?;
        check_len("encoder output", n, out.len())?;
        if scratch.len() < c.scratch_len() {
            return Err(NnError::Length {
                what: "encoder scratch",
                expected: c.scratch_len(),
                got: scratch.len(),
            });
        }
        let w = weights;
        let (a, rest) = scratch.split_at_mut(n);
        let (h, work) = rest.split_at_mut(n);
        // 1. Attention (its scratch: `work`).
        self.attention.run(x, &w.attention, a, work)?;
        // 2, 3. R₁ = X + A into `work`, H = LN₁(R₁).
        let r1 = &mut work[..n];
        c.residual1.run(x, a, r1)?;
        for (xr, hr) in r1.chunks_exact(d).zip(h.chunks_exact_mut(d)) {
            self.ln1.run(xr, w.ln1_scale, w.ln1_bias, hr)?;
        }
        // 4, 5, 6. F = FFN₁(H), G = GELU(F), F₂ = FFN₂(G) into `a`.
        let (f, g) = work[..2 * seq * ffn].split_at_mut(seq * ffn);
        c.ffn1.run_rows(seq, h, w.w1, w.b1, f)?;
        self.gelu.run(f, g)?;
        c.ffn2.run_rows(seq, g, w.w2, w.b2, a)?;
        // 7, 8. R₂ = H + F₂ into `work`, Y = LN₂(R₂).
        let r2 = &mut work[..n];
        c.residual2.run(h, a, r2)?;
        for (xr, yr) in r2.chunks_exact(d).zip(out.chunks_exact_mut(d)) {
            self.ln2.run(xr, w.ln2_scale, w.ln2_bias, yr)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::nn::AttentionWeights;
    use std::vec;
    use std::vec::Vec;

    /// Raw values in [−2^(bits−1), 2^(bits−1)) from a fixed LCG.
    fn raws(n: usize, bits: u32, seed: u64) -> Vec<i64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((s >> 33) % (1 << bits)) as i64 - (1 << (bits - 1))
            })
            .collect()
    }

    /// Tables loaded by an encoder at one length serve another length with the same
    /// types: the same outputs as that encoder's own tables.
    #[test]
    fn tables_of_another_length() {
        let (d, ffn) = (384, 1536);
        let long = Encoder::new(EncoderParams::minilm(8).unwrap()).unwrap();
        let short = Encoder::new(EncoderParams::minilm(3).unwrap()).unwrap();
        assert_eq!(long.tables_len(), short.tables_len());
        let mut t_long = vec![0i64; long.tables_len()];
        let mut t_short = vec![0i64; short.tables_len()];
        long.load(&mut t_long).unwrap();
        let own = short.load(&mut t_short).unwrap();
        let borrowed = short.with_tables(&t_long).unwrap();
        assert!(short.with_tables(&t_long[1..]).is_err());

        let (wq, wk, wv, wo) = (
            raws(d * d, 6, 1),
            raws(d * d, 6, 2),
            raws(d * d, 6, 3),
            raws(d * d, 6, 4),
        );
        let (w1, w2) = (raws(d * ffn, 6, 5), raws(ffn * d, 6, 6));
        let b = raws(ffn, 8, 7);
        let g = raws(d, 12, 8);
        let w = EncoderWeights {
            attention: AttentionWeights {
                wq: &wq,
                bq: &b[..d],
                wk: &wk,
                bk: &b[..d],
                wv: &wv,
                bv: &b[..d],
                wo: &wo,
                bo: &b[..d],
            },
            ln1_scale: &g,
            ln1_bias: &b[..d],
            w1: &w1,
            b1: &b,
            w2: &w2,
            b2: &b[..d],
            ln2_scale: &g,
            ln2_bias: &b[..d],
        };
        let x = raws(3 * d, 14, 9);
        let mut scratch = vec![0i64; short.scratch_len()];
        let (mut y_own, mut y_borrowed) = (vec![0i64; 3 * d], vec![0i64; 3 * d]);
        own.run(&x, &w, &mut y_own, &mut scratch).unwrap();
        borrowed.run(&x, &w, &mut y_borrowed, &mut scratch).unwrap();
        assert_eq!(y_own, y_borrowed);
        assert!(y_own.iter().any(|&v| v != 0));
    }
}
