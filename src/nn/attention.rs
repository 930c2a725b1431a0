//! Multi-head self-attention (BERT's, one sequence): projections by [`Dense`], scores
//! Q·Kᵀ, a fixed-point scale, a row softmax by [`Softmax`], context P·V, head concat and
//! the output projection. The golden model of `lowprec::nn::attention` in
//! `hls/include/lowprec/nn/attention.h`; the two agree bit for bit
//! (`tests/nn_attention_hls.rs`).
//!
//! # Contract (this model and the C++ kernel compute exactly this)
//! A sequence of `seq` tokens of hidden size d = `heads` · `head_dim` (X: `seq × d`,
//! row-major). "Cast to T" is the C++ assignment to a T ([`Requant`]: T's quantization
//! mode, then its overflow mode).
//!
//! 1. **Projections.** Q = dense_q(X), K = dense_k(X), V = dense_v(X), each a [`Dense`]
//!    layer d → d applied to every token, with its own types and schedule (weights
//!    `[d][d]`, one row per output, as [`Dense`] documents).
//! 2. **Heads.** Head h owns columns h·`head_dim` … (h + 1)·`head_dim` − 1 of Q, K and V
//!    (BERT's reshape to `[seq][heads][head_dim]`).
//! 3. **Scores.** For head h, query i and key j, with the exact products (see
//!    [`Products`] for the L-Mul option):
//!    `s = cast_score(Σ_c Q[i][h, c] · K[j][h, c])`: the exact dot product over
//!    `head_dim` (no intermediate rounding, no overflow), cast once into the score type.
//! 4. **Scale.** `z = cast_softmax_in(s · scale)`: the exact product of the score and the
//!    scale constant (a value of its own type: [`AttentionScale`]), cast once into the
//!    softmax's input type. A power-of-two scale (1/√`head_dim` for `head_dim` a power of
//!    four, e.g. 2^−3 for 64) in a one-bit type such as `ap_ufixed<1,-2>` is a pure shift.
//! 5. **Softmax.** `P[i][·] = softmax(z[i][·])` over the `seq` keys of row i, by the
//!    [`Softmax`] kernel (its tables, its contract).
//! 6. **Context.** `C[i][h, c] = cast_context(Σ_t P[i][t] · V[t][h, c])`: the exact dot
//!    product over the `seq` tokens, cast once into the context type.
//! 7. **Concat and output.** C's row i is the heads' contexts side by side (head h at
//!    columns h·`head_dim` …), and the output is dense_o(C), a [`Dense`] layer d → d whose
//!    input type is the context type.
//!
//! # The L-Mul products
//! With [`Products::LMul`], the two attention products (steps 3 and 6) multiply by L-Mul
//! ([`LMul`], [`crate::lmul`]) in a float format φ and accumulate in fp32, the setting of
//! the L-Mul paper. Each dot product Σ aᵢ·bᵢ of fixed-point operands becomes:
//!
//! - **operands:** each fixed-point value is converted to a code of φ: its exact value
//!   rounded once to nearest, ties to even, with the range of φ's subnormals, and
//!   saturating to ±max finite ([`FloatFormat::round`] with
//!   `Round::new(TiesToEven, SatFinite)`); 0 is +0;
//! - **products:** `LMul::mul` in [`Mode::Guarded`] (zero or
//!   subnormal operands give ±0, a product below φ's smallest normal gives ±0, one above
//!   its largest finite value follows the [`LMul`]'s overflow policy);
//! - **sum:** `s = +0`, then `s ← fp32(s + p)` for i = 0, 1, … in order, p the product's
//!   value (exactly an fp32 number), each sum rounded to nearest even in binary32 — what
//!   [`lmul::dot`](crate::lmul::dot) computes with [`DEFAULT_ACCUMULATOR`](crate::lmul::DEFAULT_ACCUMULATOR) and what C++
//!   `float` addition computes;
//! - **result:** the exact value of s cast into the score (step 3) or context (step 6)
//!   type, with that type's modes.
//!
//! The configuration is refused ([`NnError::Config`]) unless φ is signed, has
//! subnormals, IEEE or E4M3FN-style special values (bf16, fp16, fp32, E4M3, E4M3FN,
//! E5M2), and its normal exponents lie within fp32's (so that every product is an fp32
//! number); the mode is guarded; and no sum can overflow fp32 and no product can
//! overflow φ unless the overflow policy saturates (so that every value stays finite:
//! with operands below 2^a and 2^b, an L-Mul product lies below 2^(a + b + 3)).
//!
//! # Scratch
//! [`AttentionKernel::run`] needs [`Attention::scratch_len`] = 3·`seq`·d + 2·`seq`
//! `i64` values of caller scratch: Q, K and V, one row of scaled scores and one of
//! probabilities. Q's slots of row i and head h take the context of (i, h) once its
//! scores are computed, and with L-Mul Q, K, V and P are replaced by their φ codes.
//!
//! ```
//! use lowprec::fixed::FixedFormat;
//! use lowprec::nn::{Attention, AttentionParams, AttentionScale, DenseParams, Products,
//!                   Schedule, SoftmaxParams};
//! let t = |s: &str| s.parse::<FixedFormat>().unwrap();
//! let dense = |input: &str| DenseParams {
//!     n_in: 4, n_out: 4, input: t(input), weight: t("ap_fixed<8,2>"),
//!     bias: t("ap_fixed<8,2>"), accum: t("ap_fixed<24,8>"),
//!     output: t("ap_fixed<12,4,AP_RND_CONV,AP_SAT>"), schedule: Schedule::Wide, relu: false,
//! };
//! let p = AttentionParams {
//!     seq: 3, heads: 2, head_dim: 2,
//!     q: dense("ap_fixed<8,3>"), k: dense("ap_fixed<8,3>"), v: dense("ap_fixed<8,3>"),
//!     score: t("ap_fixed<16,8,AP_RND_CONV,AP_SAT>"),
//!     scale_type: t("ap_ufixed<8,0,AP_RND_CONV>"),
//!     scale: AttentionScale::InvSqrtHeadDim,
//!     softmax: SoftmaxParams {
//!         n: 3, input: t("ap_fixed<12,5,AP_RND_CONV,AP_SAT>"),
//!         output: t("ap_ufixed<10,1,AP_RND_CONV,AP_SAT>"),
//!         exp_table: t("ap_ufixed<12,1,AP_RND_CONV,AP_SAT>"), exp_index_bits: 8,
//!         exp_range_log2: 3, accum: t("ap_ufixed<14,3>"),
//!         inv_table: t("ap_ufixed<12,1,AP_RND_CONV>"), inv_index_bits: 6,
//!         inv: t("ap_ufixed<14,1,AP_RND_CONV,AP_SAT>"),
//!     },
//!     context: t("ap_fixed<12,4,AP_RND_CONV,AP_SAT>"),
//!     o: dense("ap_fixed<12,4,AP_RND_CONV,AP_SAT>"),
//!     products: Products::Exact,
//! };
//! let attn = Attention::new(p)?;
//! let (mut exp, mut inv) = (vec![0; attn.exp_table_len()], vec![0; attn.inv_table_len()]);
//! let k = attn.load(&mut exp, &mut inv)?;
//! // Identity weights (1.0 = raw 64), zero biases: the output is the context.
//! let mut w = vec![0i64; 16];
//! for i in 0..4 { w[i * 4 + i] = 64; }
//! let b = [0i64; 4];
//! let weights = lowprec::nn::AttentionWeights {
//!     wq: &w, bq: &b, wk: &w, bk: &b, wv: &w, bv: &b, wo: &w, bo: &b,
//! };
//! let x: Vec<i64> = (0..12).map(|i| (i as i64 % 5) * 8).collect();
//! let mut y = vec![0i64; 12];
//! let mut scratch = vec![0i64; attn.scratch_len()];
//! k.run(&x, &weights, &mut y, &mut scratch)?;
//! // Every context value is a convex combination of V's column: within its range.
//! assert!(y.iter().all(|&v| (0..=4 * 256).contains(&v)));
//! # Ok::<(), lowprec::nn::NnError>(())
//! ```

use core::fmt::Write;

use crate::fixed::FixedFormat;
use crate::float::dot::Accumulator;
use crate::float::{Exact, FloatFormat, Specials};
use crate::lmul::{LMul, Mode};
use crate::math::{Unary, unary};
use crate::rounding::{NoRandom, Overflow, Round, Rounding};

use super::dense::{Dense, DenseParams, Schedule};
use super::softmax::{Softmax, SoftmaxKernel, SoftmaxParams};
use super::table::{self, WRITE_FAILED, entry_of};
use super::{Element, NnError, Requant, check_element, check_format, check_len};

/// The scale constant of the scores (step 4 of the [contract](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttentionScale {
    /// 1/√`head_dim`, correctly rounded into the scale type (its quantization and
    /// overflow modes).
    InvSqrtHeadDim,
    /// A raw integer of the scale type (value = raw · 2^−F).
    Raw(i64),
}

/// How the two attention products (Q·Kᵀ and P·V) multiply and accumulate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Products {
    /// Exact products, the exact sum cast once (the [contract](self)'s steps 3 and 6).
    Exact,
    /// L-Mul products in the [`LMul`]'s float format, summed in `accumulator`, which
    /// must be fp32 rounding to nearest even (e.g.
    /// [`DEFAULT_ACCUMULATOR`](crate::lmul::DEFAULT_ACCUMULATOR)); see
    /// [the L-Mul products](self#the-l-mul-products).
    LMul {
        /// The multiplier: a guarded [`LMul`] in a format the module docs allow.
        lmul: LMul,
        /// The accumulator: fp32, ties to even.
        accumulator: Accumulator,
    },
}

/// The configuration of an [`Attention`] layer: every type and the sub-kernels'
/// parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttentionParams {
    /// Tokens per sequence (≥ 1; the softmax's row length).
    pub seq: usize,
    /// Attention heads (≥ 1).
    pub heads: usize,
    /// Values per head (≥ 1); the hidden size is d = `heads` · `head_dim`.
    pub head_dim: usize,
    /// The query projection d → d (its input type is X's type).
    pub q: DenseParams,
    /// The key projection d → d (the same input type).
    pub k: DenseParams,
    /// The value projection d → d (the same input type).
    pub v: DenseParams,
    /// The type of a score Q_h·K_hᵀ.
    pub score: FixedFormat,
    /// The type of the scale constant.
    pub scale_type: FixedFormat,
    /// The scale constant.
    pub scale: AttentionScale,
    /// The softmax over a row of `seq` scaled scores (`n` = `seq`; its input type is the
    /// scaled scores' type, its output type the probabilities').
    pub softmax: SoftmaxParams,
    /// The type of the context P·V (the output projection's input type).
    pub context: FixedFormat,
    /// The output projection d → d.
    pub o: DenseParams,
    /// Exact or L-Mul attention products.
    pub products: Products,
}

/// The weights and biases of the four projections, each `[d][d]` (one row per output,
/// as [`Dense`]) and `[d]`.
#[derive(Clone, Copy, Debug)]
pub struct AttentionWeights<'a, W: Element, B: Element> {
    /// Query weights.
    pub wq: &'a [W],
    /// Query biases.
    pub bq: &'a [B],
    /// Key weights.
    pub wk: &'a [W],
    /// Key biases.
    pub bk: &'a [B],
    /// Value weights.
    pub wv: &'a [W],
    /// Value biases.
    pub bv: &'a [B],
    /// Output weights.
    pub wo: &'a [W],
    /// Output biases.
    pub bo: &'a [B],
}

/// The L-Mul plan: the multiplier, the conversions into its format.
#[derive(Clone, Copy, Debug)]
struct LMulPlan {
    lm: LMul,
    fmt: FloatFormat,
}

/// A checked attention configuration with its planned sub-kernels and casts.
#[derive(Clone, Copy, Debug)]
pub struct Attention {
    p: AttentionParams,
    d: usize,
    q: Dense,
    k: Dense,
    v: Dense,
    o: Dense,
    softmax: Softmax,
    score_q: Requant,
    scaled_q: Requant,
    ctx_q: Requant,
    scale_raw: i64,
    /// Whether the exact dot products fit an i64.
    qk64: bool,
    pv64: bool,
    lmul: Option<LMulPlan>,
}

/// An [`Attention`] layer with its softmax tables: what [`Attention::load`] returns.
#[derive(Clone, Copy, Debug)]
pub struct AttentionKernel<'a> {
    cfg: &'a Attention,
    sm: SoftmaxKernel<'a>,
}

/// The largest magnitude of a type's raw integers, as a bit count: |raw| ≤ 2^bits.
fn raw_bits(f: &FixedFormat) -> i64 {
    i64::from(f.width()) - i64::from(f.is_signed())
}

/// Bits of the exact signed sum of `n` products of raw integers of `a` and `b`
/// (magnitudes ≤ 2^(Wa−sa) · 2^(Wb−sb), `n` terms, a sign bit).
fn dot_bits(a: &FixedFormat, b: &FixedFormat, n: usize) -> i64 {
    raw_bits(a) + raw_bits(b) + i64::from(128 - (n as u128).leading_zeros()) + 1
}

/// log2 of a bound on a type's magnitudes: |x| ≤ 2^e.
fn value_exp(f: &FixedFormat) -> i64 {
    raw_bits(f) - i64::from(f.frac_bits())
}

/// The scale constant's raw integer.
fn scale_raw(p: &AttentionParams) -> Result<i64, NnError> {
    match p.scale {
        AttentionScale::Raw(r) => {
            let (lo, hi) = (p.scale_type.min_raw(), p.scale_type.max_raw());
            if i128::from(r) < lo || i128::from(r) > hi {
                return Err(NnError::Config(
                    "attention: the raw scale lies outside its type",
                ));
            }
            Ok(r)
        }
        AttentionScale::InvSqrtHeadDim => {
            let hd = Exact::from_parts(false, p.head_dim as u128, 0);
            entry_of(
                "attention scale",
                0,
                &p.scale_type,
                &unary(Unary::Rsqrt, hd).value,
            )
        }
    }
}

fn check_dense(
    what: &'static str,
    p: &DenseParams,
    d: usize,
    input: &FixedFormat,
) -> Result<Dense, NnError> {
    if p.n_in != d || p.n_out != d {
        return Err(NnError::Config(what));
    }
    if p.input != *input {
        return Err(NnError::Config(what));
    }
    Dense::new(*p)
}

/// Checks the L-Mul configuration (see the module docs) for operands of types `a`, `b`
/// summed over `n` products.
fn check_lmul(
    lm: &LMul,
    acc: &Accumulator,
    pairs: [(&FixedFormat, &FixedFormat, usize); 2],
) -> Result<(), NnError> {
    let f = lm.format();
    if acc.format != FloatFormat::FP32 || acc.round.mode != Rounding::TiesToEven {
        return Err(NnError::Config(
            "attention: the L-Mul accumulator must be fp32 rounding to nearest even",
        ));
    }
    if lm.mode() != Mode::Guarded {
        return Err(NnError::Config("attention: L-Mul must be in guarded mode"));
    }
    if !f.is_signed()
        || !f.has_subnormals()
        || !matches!(f.specials(), Specials::Ieee | Specials::FiniteNan)
        || f.man_bits() > 23
        || f.emin() < -126
        || f.emax() > 127
    {
        return Err(NnError::Config(
            "attention: the L-Mul format must be signed, with subnormals, IEEE or E4M3FN \
             special values and fp32's exponent range (bf16, fp16, fp32, E4M3, E4M3FN, E5M2)",
        ));
    }
    // |converted operand| ≤ min(2^e, max finite) ≤ 2^min(e, emax + 1).
    let cap = i64::from(f.emax()) + 1;
    for (a, b, n) in pairs {
        let (ea, eb) = (value_exp(a).min(cap), value_exp(b).min(cap));
        let prod = ea + eb + 3;
        if prod > i64::from(f.emax()) && lm.overflow() == Overflow::Ieee {
            return Err(NnError::Config(
                "attention: L-Mul products can overflow the format: use a saturating \
                 overflow policy (SatFinite) or narrower operand types",
            ));
        }
        let prod = prod.min(cap);
        if prod + i64::from(128 - (n as u128).leading_zeros()) > 127 {
            return Err(NnError::Config(
                "attention: the L-Mul sums can overflow fp32: narrower operand types needed",
            ));
        }
    }
    Ok(())
}

impl Attention {
    /// Checks a configuration: the shapes (the projections d → d, X's type shared by Q, K,
    /// V, the context type feeding the output projection, the softmax's row of `seq`),
    /// every type, the widths of the exact intermediates ([`NnError::TooWide`] beyond 127
    /// bits), the L-Mul option; plans the casts and computes the scale constant.
    pub fn new(p: AttentionParams) -> Result<Attention, NnError> {
        if p.seq == 0 || p.heads == 0 || p.head_dim == 0 {
            return Err(NnError::Config(
                "attention: seq, heads and head_dim must be at least 1",
            ));
        }
        let d = p.heads.checked_mul(p.head_dim).ok_or(NnError::Config(
            "attention: heads × head_dim overflows usize",
        ))?;
        if p.seq
            .checked_mul(d)
            .and_then(|n| n.checked_mul(4))
            .is_none()
        {
            return Err(NnError::Config("attention: seq × d overflows usize"));
        }
        for (what, f) in [
            ("score", &p.score),
            ("scale", &p.scale_type),
            ("context", &p.context),
        ] {
            check_format(what, f)?;
        }
        let bad = "attention: the projections must be d → d with the input type of X \
                   (the output projection: of the context)";
        let x = p.q.input;
        let q = check_dense(bad, &p.q, d, &x)?;
        let k = check_dense(bad, &p.k, d, &x)?;
        let v = check_dense(bad, &p.v, d, &x)?;
        let o = check_dense(bad, &p.o, d, &p.context)?;
        if p.softmax.n != p.seq {
            return Err(NnError::Config(
                "attention: the softmax's row length must be seq",
            ));
        }
        let softmax = Softmax::new(p.softmax)?;
        let (fq, fk, fv) = (
            p.q.output.frac_bits(),
            p.k.output.frac_bits(),
            p.v.output.frac_bits(),
        );
        let fp = p.softmax.output.frac_bits();
        let qk_bits = dot_bits(&p.q.output, &p.k.output, p.head_dim);
        let pv_bits = dot_bits(&p.softmax.output, &p.v.output, p.seq);
        if qk_bits > 127 {
            return Err(NnError::TooWide {
                what: "attention scores Q·Kᵀ",
            });
        }
        if pv_bits > 127 {
            return Err(NnError::TooWide {
                what: "attention context P·V",
            });
        }
        if raw_bits(&p.score) + raw_bits(&p.scale_type) + 1 > 127 {
            return Err(NnError::TooWide {
                what: "attention score · scale",
            });
        }
        let lmul = match p.products {
            Products::Exact => None,
            Products::LMul { lmul, accumulator } => {
                check_lmul(
                    &lmul,
                    &accumulator,
                    [
                        (&p.q.output, &p.k.output, p.head_dim),
                        (&p.softmax.output, &p.v.output, p.seq),
                    ],
                )?;
                Some(LMulPlan {
                    lm: lmul,
                    fmt: lmul.format(),
                })
            }
        };
        let score_q = Requant::new(fq + fk, p.score);
        Ok(Attention {
            d,
            q,
            k,
            v,
            o,
            softmax,
            score_q,
            scaled_q: Requant::new(
                p.score.frac_bits() + p.scale_type.frac_bits(),
                p.softmax.input,
            ),
            ctx_q: Requant::new(fp + fv, p.context),
            scale_raw: scale_raw(&p)?,
            qk64: qk_bits <= 64,
            pv64: pv_bits <= 64,
            lmul,
            p,
        })
    }

    /// The configuration.
    pub const fn params(&self) -> &AttentionParams {
        &self.p
    }

    /// The hidden size d = `heads` · `head_dim`.
    pub const fn hidden(&self) -> usize {
        self.d
    }

    /// The scale constant's raw integer (in the scale type).
    pub const fn scale_raw(&self) -> i64 {
        self.scale_raw
    }

    /// The softmax sub-kernel's configuration.
    pub const fn softmax(&self) -> &Softmax {
        &self.softmax
    }

    /// The softmax's exp table length.
    pub fn exp_table_len(&self) -> usize {
        self.softmax.exp_table_len()
    }

    /// The softmax's inverse table length.
    pub fn inv_table_len(&self) -> usize {
        self.softmax.inv_table_len()
    }

    /// The `i64` scratch that [`AttentionKernel::run`] needs: 3·`seq`·d + 2·`seq`.
    pub const fn scratch_len(&self) -> usize {
        3 * self.p.seq * self.d + 2 * self.p.seq
    }

    /// Fills the caller's softmax tables ([`Softmax::load`]) and returns the kernel.
    pub fn load<'a>(
        &'a self,
        exp: &'a mut [i64],
        inv: &'a mut [i64],
    ) -> Result<AttentionKernel<'a>, NnError> {
        Ok(AttentionKernel {
            cfg: self,
            sm: self.softmax.load(exp, inv)?,
        })
    }

    /// The kernel on softmax tables filled before ([`Softmax::with_tables`]).
    pub fn with_tables<'a>(
        &'a self,
        exp: &'a [i64],
        inv: &'a [i64],
    ) -> Result<AttentionKernel<'a>, NnError> {
        Ok(AttentionKernel {
            cfg: self,
            sm: self.softmax.with_tables(exp, inv)?,
        })
    }

    /// Writes this configuration as a C++ header: the softmax configuration with its
    /// tables (`struct NAME_softmax`, [`Softmax::write_cpp_config`]), the four dense
    /// configurations (`NAME_q`, `NAME_k`, `NAME_v`, `NAME_o`, the structs that
    /// `lowprec::nn::dense` reads) and `struct NAME`, which `lowprec::nn::attention<NAME>`
    /// reads.
    ///
    /// ```
    /// # use lowprec::fixed::FixedFormat;
    /// # use lowprec::nn::*;
    /// # let t = |s: &str| s.parse::<FixedFormat>().unwrap();
    /// # let dense = |i: &str| DenseParams { n_in: 2, n_out: 2, input: t(i),
    /// #   weight: t("ap_fixed<8,2>"), bias: t("ap_fixed<8,2>"), accum: t("ap_fixed<24,8>"),
    /// #   output: t("ap_fixed<12,4>"), schedule: Schedule::Latency, relu: false };
    /// # let p = AttentionParams { seq: 2, heads: 1, head_dim: 2, q: dense("ap_fixed<8,3>"),
    /// #   k: dense("ap_fixed<8,3>"), v: dense("ap_fixed<8,3>"), score: t("ap_fixed<16,8>"),
    /// #   scale_type: t("ap_ufixed<8,0>"), scale: AttentionScale::InvSqrtHeadDim,
    /// #   softmax: SoftmaxParams { n: 2, input: t("ap_fixed<12,5>"), output: t("ap_ufixed<10,1>"),
    /// #     exp_table: t("ap_ufixed<12,1>"), exp_index_bits: 6, exp_range_log2: 3,
    /// #     accum: t("ap_ufixed<14,3>"), inv_table: t("ap_ufixed<12,1>"), inv_index_bits: 4,
    /// #     inv: t("ap_ufixed<14,1>") },
    /// #   context: t("ap_fixed<12,4>"), o: dense("ap_fixed<12,4>"), products: Products::Exact };
    /// let mut header = String::new();
    /// Attention::new(p)?.write_cpp_config(&mut header, "attn")?;
    /// assert!(header.contains("struct attn {") && header.contains("typedef attn_q q_dense;"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_cpp_config(&self, w: &mut impl Write, name: &str) -> Result<(), NnError> {
        table::check_cpp_name(name)?;
        let p = &self.p;
        let mut sub = name_with(name, "_softmax")?;
        self.softmax.write_cpp_config(w, sub.as_str())?;
        for (suffix, dp) in [("_q", &p.q), ("_k", &p.k), ("_v", &p.v), ("_o", &p.o)] {
            sub = name_with(name, suffix)?;
            write_dense_config(w, sub.as_str(), dp)?;
        }
        table::write_open(w, name, "attention", "Attention")?;
        (|| -> core::fmt::Result {
            for s in ["q", "k", "v", "o"] {
                writeln!(w, "  typedef {name}_{s} {s}_dense;")?;
            }
            writeln!(w, "  typedef {name}_softmax softmax_cfg;")
        })()
        .map_err(|_| WRITE_FAILED)?;
        table::write_const(w, "seq", p.seq as i64)?;
        table::write_const(w, "heads", p.heads as i64)?;
        table::write_const(w, "head_dim", p.head_dim as i64)?;
        table::write_const(w, "hidden", self.d as i64)?;
        table::write_type(w, "score", &p.score)?;
        table::write_type(w, "scale", &p.scale_type)?;
        table::write_type(w, "context", &p.context)?;
        let bits = p.scale_type.bits_of(i128::from(self.scale_raw));
        let sw = p.scale_type.width();
        writeln!(
            w,
            "  static ap_uint<{sw}> scale_bits() {{\n#pragma HLS INLINE\n    return ap_uint<{sw}>(0x{bits:x}ULL);\n  }}"
        )
        .map_err(|_| WRITE_FAILED)?;
        // The L-Mul constants (a valid bf16 placeholder when the products are exact).
        let (lm, on) = match self.lmul {
            Some(l) => (l.lm, 1),
            None => (LMul::guarded(FloatFormat::BF16, Overflow::SatFinite), 0),
        };
        let f = lm.format();
        table::write_const(w, "lmul_products", on)?;
        table::write_const(w, "lmul_e", i64::from(f.exp_bits()))?;
        table::write_const(w, "lmul_m", i64::from(f.man_bits()))?;
        table::write_const(w, "lmul_bias", i64::from(f.bias()))?;
        let specials = match f.specials() {
            Specials::FiniteNan => 1,
            _ => 0,
        };
        table::write_const(w, "lmul_specials", specials)?;
        let overflow = match lm.overflow() {
            Overflow::Ieee => 0,
            Overflow::SatFinite => 1,
            Overflow::SatPropagate => 2,
        };
        table::write_const(w, "lmul_overflow", overflow)?;
        table::write_const(w, "lmul_k", i64::from(lm.k()))?;
        table::write_const(w, "lmul_l", i64::from(lm.offset_exponent()))?;
        table::write_close(w)
    }
}

/// `name` + `suffix` in a fixed buffer (C++ names are at most 200 bytes).
pub(crate) fn name_with(name: &str, suffix: &str) -> Result<NameBuf, NnError> {
    let mut b = NameBuf {
        buf: [0; 216],
        len: 0,
    };
    for s in [name, suffix] {
        let bytes = s.as_bytes();
        if b.len + bytes.len() > b.buf.len() {
            return Err(NnError::Config("attention: the C++ name is too long"));
        }
        b.buf[b.len..b.len + bytes.len()].copy_from_slice(bytes);
        b.len += bytes.len();
    }
    Ok(b)
}

/// A short ASCII name without allocation.
pub(crate) struct NameBuf {
    buf: [u8; 216],
    len: usize,
}

impl NameBuf {
    pub(crate) fn as_str(&self) -> &str {
        // Built from two `str`s: valid UTF-8.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

/// Writes the struct that `lowprec::nn::dense` reads for `p` (see `dense.h`).
pub(crate) fn write_dense_config(
    w: &mut impl Write,
    name: &str,
    p: &DenseParams,
) -> Result<(), NnError> {
    table::check_cpp_name(name)?;
    let cpp = table::Cpp;
    (|| -> core::fmt::Result {
        writeln!(w, "struct {name} {{")?;
        writeln!(w, "  typedef {} in_t;", cpp(&p.input))?;
        writeln!(w, "  typedef {} weight_t;", cpp(&p.weight))?;
        writeln!(w, "  typedef {} bias_t;", cpp(&p.bias))?;
        writeln!(w, "  typedef {} accum_t;", cpp(&p.accum))?;
        writeln!(w, "  typedef {} out_t;", cpp(&p.output))?;
        writeln!(
            w,
            "  static const unsigned N_IN = {}, N_OUT = {};",
            p.n_in, p.n_out
        )?;
        // dense.h's DENSE_LATENCY = 0, DENSE_WIDE = 1 (the header may come first).
        let sched = match p.schedule {
            Schedule::Latency => "0;  // DENSE_LATENCY",
            Schedule::Wide => "1;  // DENSE_WIDE",
        };
        writeln!(w, "  static const int SCHEDULE = {sched}")?;
        writeln!(w, "  static const bool RELU = {};", p.relu)?;
        writeln!(w, "}};")
    })()
    .map_err(|_| WRITE_FAILED)
}

impl LMulPlan {
    /// A fixed-point raw integer (`frac` fraction bits) as a code of the format: rounded
    /// to nearest even, saturating.
    #[inline]
    fn code_of(&self, raw: i64, frac: i32) -> i64 {
        let x = Exact::from_parts(raw < 0, u128::from(raw.unsigned_abs()), -frac);
        let r = self.fmt.round(
            x,
            Round::new(Rounding::TiesToEven, Overflow::SatFinite),
            &mut NoRandom,
        );
        r.value as i64
    }

    /// A (guarded, zero or normal) product code as an f32 (exactly).
    #[inline(always)]
    fn value_of(&self, code: u64) -> f32 {
        let f = &self.fmt;
        let m = f.man_bits();
        let sign = ((code >> (f.width() - 1)) & 1) as u32;
        let mag = code & f.mag_mask();
        let e = (mag >> m) as i32;
        if e == 0 {
            // Guarded L-Mul never returns a subnormal: this is ±0.
            return f32::from_bits(sign << 31);
        }
        let frac = (mag & ((1u64 << m) - 1)) as u32;
        let e32 = (e - f.bias() + 127) as u32;
        f32::from_bits((sign << 31) | (e32 << 23) | (frac << (23 - m)))
    }

    /// The exact value of an f32 cast by `q` (a plan from 0 fraction bits: the general
    /// cast of the exact value).
    #[inline]
    fn cast(&self, s: f32, to: &FixedFormat) -> i64 {
        let bits = to.from_float(&FloatFormat::FP32, u64::from(s.to_bits()));
        to.raw_of(bits) as i64
    }

    /// Σ L-Mul(a_i, b_i) in fp32, in order from +0.
    #[inline]
    fn dot(&self, a: impl Iterator<Item = i64>, b: impl Iterator<Item = i64>) -> f32 {
        let mut s = 0.0f32;
        for (x, y) in a.zip(b) {
            s += self.value_of(self.lm.mul(x as u64, y as u64));
        }
        s
    }
}

impl AttentionKernel<'_> {
    /// The configuration.
    pub fn config(&self) -> &Attention {
        self.cfg
    }

    /// Applies the layer to one sequence: `x` (`seq × d`, row-major, X's type) into `out`
    /// (`seq × d`, the output projection's output type), with the `weights` and the
    /// caller's `scratch` (at least [`Attention::scratch_len`] values; its contents on
    /// return are unspecified).
    pub fn run<X: Element, W: Element, B: Element, Y: Element>(
        &self,
        x: &[X],
        weights: &AttentionWeights<'_, W, B>,
        out: &mut [Y],
        scratch: &mut [i64],
    ) -> Result<(), NnError> {
        let c = self.cfg;
        let p = &c.p;
        let (seq, d) = (p.seq, c.d);
        let n = seq * d;
        check_element::<X>("attention input", &p.q.input)?;
        check_element::<Y>("attention output", &p.o.output)?;
        check_len("attention input", n, x.len())?;
        check_len("attention output", n, out.len())?;
        if scratch.len() < c.scratch_len() {
            return Err(NnError::Length {
                what: "attention scratch",
                expected: c.scratch_len(),
                got: scratch.len(),
            });
        }
        let (qs, rest) = scratch.split_at_mut(n);
        let (ks, rest) = rest.split_at_mut(n);
        let (vs, rest) = rest.split_at_mut(n);
        let (zrow, rest) = rest.split_at_mut(seq);
        let prow = &mut rest[..seq];
        let w = weights;
        c.q.run_rows(seq, x, w.wq, w.bq, qs)?;
        c.k.run_rows(seq, x, w.wk, w.bk, ks)?;
        c.v.run_rows(seq, x, w.wv, w.bv, vs)?;
        match c.lmul {
            None => self.heads_exact(qs, ks, vs, zrow, prow)?,
            Some(ref l) => self.heads_lmul(l, qs, ks, vs, zrow, prow)?,
        }
        c.o.run_rows(seq, qs, w.wo, w.bo, out)
    }

    /// Scale and cast one raw score into the softmax input type.
    #[inline(always)]
    fn scaled(&self, s: i64) -> i64 {
        self.cfg
            .scaled_q
            .apply(i128::from(s) * i128::from(self.cfg.scale_raw))
    }

    fn heads_exact(
        &self,
        qs: &mut [i64],
        ks: &[i64],
        vs: &[i64],
        zrow: &mut [i64],
        prow: &mut [i64],
    ) -> Result<(), NnError> {
        let c = self.cfg;
        let (seq, d, hd) = (c.p.seq, c.d, c.p.head_dim);
        for h in 0..c.p.heads {
            let col = h * hd;
            for i in 0..seq {
                let qi = &qs[i * d + col..][..hd];
                for (j, z) in zrow.iter_mut().enumerate() {
                    let kj = &ks[j * d + col..][..hd];
                    let dot = if c.qk64 {
                        i128::from(dot64(qi, kj))
                    } else {
                        dot128(qi, kj)
                    };
                    *z = self.scaled(c.score_q.apply(dot));
                }
                self.sm.run(zrow, prow)?;
                // The context overwrites Q's slots of (i, h), no longer needed.
                let ci = &mut qs[i * d + col..][..hd];
                if c.pv64 {
                    ci.fill(0);
                    for (t, &pt) in prow.iter().enumerate() {
                        let vt = &vs[t * d + col..][..hd];
                        for (a, &v) in ci.iter_mut().zip(vt) {
                            *a = a.wrapping_add(pt.wrapping_mul(v));
                        }
                    }
                    for a in ci.iter_mut() {
                        *a = c.ctx_q.apply(i128::from(*a));
                    }
                } else {
                    for (cc, a) in ci.iter_mut().enumerate() {
                        let s = prow.iter().enumerate().fold(0i128, |s, (t, &pt)| {
                            s + i128::from(pt) * i128::from(vs[t * d + col + cc])
                        });
                        *a = c.ctx_q.apply(s);
                    }
                }
            }
        }
        Ok(())
    }

    fn heads_lmul(
        &self,
        l: &LMulPlan,
        qs: &mut [i64],
        ks: &mut [i64],
        vs: &mut [i64],
        zrow: &mut [i64],
        prow: &mut [i64],
    ) -> Result<(), NnError> {
        let c = self.cfg;
        let p = &c.p;
        let (seq, d, hd) = (p.seq, c.d, p.head_dim);
        for (buf, f) in [
            (&mut *qs, p.q.output.frac_bits()),
            (&mut *ks, p.k.output.frac_bits()),
            (&mut *vs, p.v.output.frac_bits()),
        ] {
            for v in buf.iter_mut() {
                *v = l.code_of(*v, f);
            }
        }
        let fp = p.softmax.output.frac_bits();
        for h in 0..p.heads {
            let col = h * hd;
            for i in 0..seq {
                let qi = &qs[i * d + col..][..hd];
                for (j, z) in zrow.iter_mut().enumerate() {
                    let kj = &ks[j * d + col..][..hd];
                    let s = l.dot(qi.iter().copied(), kj.iter().copied());
                    *z = self.scaled(l.cast(s, &p.score));
                }
                self.sm.run(zrow, prow)?;
                for v in prow.iter_mut() {
                    *v = l.code_of(*v, fp);
                }
                for cc in 0..hd {
                    let vcol = (0..seq).map(|t| vs[t * d + col + cc]);
                    let s = l.dot(prow.iter().copied(), vcol);
                    qs[i * d + col + cc] = l.cast(s, &p.context);
                }
            }
        }
        Ok(())
    }
}

/// Σ aᵢ·bᵢ in wrapping i64 (exact when the configuration's width check says ≤ 64 bits).
#[inline(always)]
fn dot64(a: &[i64], b: &[i64]) -> i64 {
    a.iter()
        .zip(b)
        .fold(0i64, |s, (&x, &y)| s.wrapping_add(x.wrapping_mul(y)))
}

/// Σ aᵢ·bᵢ exactly.
#[inline(always)]
fn dot128(a: &[i64], b: &[i64]) -> i128 {
    a.iter()
        .zip(b)
        .fold(0i128, |s, (&x, &y)| s + i128::from(x) * i128::from(y))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::SplitMix64;
    use crate::lmul::{self, DEFAULT_ACCUMULATOR};
    use std::vec::Vec;

    fn t(s: &str) -> FixedFormat {
        s.parse().unwrap()
    }

    /// The fp32 fast path of the L-Mul dot product is `lmul::dot` with the default
    /// accumulator, and the conversions are the crate's.
    #[test]
    fn lmul_dot_is_lmul_dot() {
        let mut rng = SplitMix64::new(7);
        use crate::RandomBits;
        for fmt in [
            FloatFormat::BF16,
            FloatFormat::E4M3FN,
            FloatFormat::E4M3,
            FloatFormat::FP16,
        ] {
            for ov in [Overflow::SatFinite, Overflow::SatPropagate] {
                let plan = LMulPlan {
                    lm: LMul::guarded(fmt, ov),
                    fmt,
                };
                for case in 0..400 {
                    let n = 1 + (rng.next_u64() % 40) as usize;
                    let frac = (rng.next_u64() % 20) as i32 - 4;
                    let mag = 1 + rng.next_u64() % 30;
                    let raws: Vec<i64> = (0..2 * n)
                        .map(|_| {
                            (rng.next_u64() >> (64 - mag)) as i64
                                * if rng.next_u64() & 1 == 0 { 1 } else { -1 }
                        })
                        .collect();
                    let codes: Vec<u64> =
                        raws.iter().map(|&r| plan.code_of(r, frac) as u64).collect();
                    for (&r, &cd) in raws.iter().zip(&codes) {
                        let want = fmt.round(
                            Exact::from_parts(r < 0, u128::from(r.unsigned_abs()), -frac),
                            Round::new(Rounding::TiesToEven, Overflow::SatFinite),
                            &mut NoRandom,
                        );
                        assert_eq!(cd, want.value);
                    }
                    let s = plan.dot(
                        codes[..n].iter().map(|&c| c as i64),
                        codes[n..].iter().map(|&c| c as i64),
                    );
                    let want = lmul::dot(
                        &plan.lm,
                        &codes[..n],
                        &codes[n..],
                        &DEFAULT_ACCUMULATOR,
                        &mut NoRandom,
                    )
                    .unwrap()
                    .value;
                    assert_eq!(
                        s.to_bits() & 0x7FFF_FFFF,
                        want as u32 & 0x7FFF_FFFF,
                        "{fmt:?} case {case}"
                    );
                    if s != 0.0 {
                        assert_eq!(s.to_bits(), want as u32);
                    }
                }
            }
        }
    }

    #[test]
    fn scale_constant() {
        let mut p = base(4, 2, 8);
        p.scale_type = t("ap_ufixed<16,0,AP_RND_CONV>");
        let a = Attention::new(p).unwrap();
        // 1/√8 = 0.35355339…: raw round(0.35355339 · 65536) = 23170.
        assert_eq!(a.scale_raw(), 23170);
        p.scale = AttentionScale::Raw(1 << 20);
        assert!(Attention::new(p).is_err());
    }

    fn dense(d: usize, input: &str) -> DenseParams {
        DenseParams {
            n_in: d,
            n_out: d,
            input: t(input),
            weight: t("ap_fixed<8,2>"),
            bias: t("ap_fixed<8,2>"),
            accum: t("ap_fixed<24,8>"),
            output: t("ap_fixed<12,4,AP_RND_CONV,AP_SAT>"),
            schedule: Schedule::Wide,
            relu: false,
        }
    }

    fn base(seq: usize, heads: usize, hd: usize) -> AttentionParams {
        let d = heads * hd;
        AttentionParams {
            seq,
            heads,
            head_dim: hd,
            q: dense(d, "ap_fixed<8,3>"),
            k: dense(d, "ap_fixed<8,3>"),
            v: dense(d, "ap_fixed<8,3>"),
            score: t("ap_fixed<16,8,AP_RND_CONV,AP_SAT>"),
            scale_type: t("ap_ufixed<8,0,AP_RND_CONV>"),
            scale: AttentionScale::InvSqrtHeadDim,
            softmax: SoftmaxParams {
                n: seq,
                input: t("ap_fixed<12,5,AP_RND_CONV,AP_SAT>"),
                output: t("ap_ufixed<10,1,AP_RND_CONV,AP_SAT>"),
                exp_table: t("ap_ufixed<12,1,AP_RND_CONV,AP_SAT>"),
                exp_index_bits: 8,
                exp_range_log2: 3,
                accum: t("ap_ufixed<14,6>"),
                inv_table: t("ap_ufixed<12,1,AP_RND_CONV>"),
                inv_index_bits: 6,
                inv: t("ap_ufixed<14,1,AP_RND_CONV,AP_SAT>"),
            },
            context: t("ap_fixed<12,4,AP_RND_CONV,AP_SAT>"),
            o: dense(d, "ap_fixed<12,4,AP_RND_CONV,AP_SAT>"),
            products: Products::Exact,
        }
    }

    #[test]
    fn configuration_errors() {
        let p = base(4, 2, 4);
        assert!(Attention::new(p).is_ok());
        let mut bad = p;
        bad.softmax.n = 5;
        assert!(matches!(Attention::new(bad), Err(NnError::Config(_))));
        let mut bad = p;
        bad.o.input = t("ap_fixed<12,5>");
        assert!(matches!(Attention::new(bad), Err(NnError::Config(_))));
        let mut bad = p;
        bad.products = Products::LMul {
            lmul: LMul::paper(FloatFormat::BF16),
            accumulator: DEFAULT_ACCUMULATOR,
        };
        assert!(matches!(Attention::new(bad), Err(NnError::Config(_))));
        bad.products = Products::LMul {
            lmul: LMul::guarded(FloatFormat::E4M3FN, Overflow::Ieee),
            accumulator: DEFAULT_ACCUMULATOR,
        };
        assert!(matches!(Attention::new(bad), Err(NnError::Config(_))));
        bad.products = Products::LMul {
            lmul: LMul::guarded(FloatFormat::E4M3FN, Overflow::SatFinite),
            accumulator: Accumulator::new(FloatFormat::BF16),
        };
        assert!(matches!(Attention::new(bad), Err(NnError::Config(_))));
        bad.products = Products::LMul {
            lmul: LMul::guarded(FloatFormat::E4M3FN, Overflow::SatFinite),
            accumulator: DEFAULT_ACCUMULATOR,
        };
        let a = Attention::new(bad).unwrap();
        let mut s = std::vec![0i64; a.scratch_len() - 1];
        let (mut e, mut i) = (
            std::vec![0; a.exp_table_len()],
            std::vec![0; a.inv_table_len()],
        );
        let k = a.load(&mut e, &mut i).unwrap();
        let w = std::vec![0i64; 64];
        let b = std::vec![0i64; 8];
        let ws = AttentionWeights {
            wq: &w,
            bq: &b,
            wk: &w,
            bk: &b,
            wv: &w,
            bv: &b,
            wo: &w,
            bo: &b,
        };
        let x = std::vec![0i64; 32];
        let mut y = std::vec![0i64; 32];
        assert!(matches!(
            k.run(&x, &ws, &mut y, &mut s),
            Err(NnError::Length {
                what: "attention scratch",
                ..
            })
        ));
    }
}
