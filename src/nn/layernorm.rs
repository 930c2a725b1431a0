//! Layer normalisation over a row, for the full dynamic range: 1/√(var + ε) by a
//! normalising shift (an even exponent from a leading-one detector) and a table over the
//! mantissa's top bits. The golden model of `lowprec::nn::layernorm` in
//! `hls/include/lowprec/nn/layernorm.h`.
//! The contract, error bound and an example are on [`LayerNorm`].

use core::fmt::Write;

use crate::fixed::FixedFormat;
use crate::float::Exact;
use crate::math::{Unary, pown, unary};

use super::table::{self, entry_of, lead};
use super::{Element, NnError, Requant, check_element, check_format, check_len, rnd_sat};

/// The configuration of a layer-norm kernel (see [`LayerNorm`] for the contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerNormParams {
    /// The row length D (≥ 1).
    pub dim: usize,
    /// The input type.
    pub input: FixedFormat,
    /// The output type.
    pub output: FixedFormat,
    /// The accumulator of Σxᵢ.
    pub accum: FixedFormat,
    /// The type of the constant 1/D.
    pub dim_recip: FixedFormat,
    /// The type of the mean.
    pub mean: FixedFormat,
    /// The accumulator of Σ(xᵢ − mean)².
    pub sq_accum: FixedFormat,
    /// The type of the variance.
    pub var: FixedFormat,
    /// ε, an exact value (rounded once into `epsilon_type`).
    pub epsilon: Exact,
    /// The type ε is held in.
    pub epsilon_type: FixedFormat,
    /// The type of the 1/√μ table's entries.
    pub rsqrt_table: FixedFormat,
    /// B: the table has 3·2^(B−2) entries (2 ≤ B ≤ 20).
    pub rsqrt_index_bits: u32,
    /// The type of the normalised values nᵢ.
    pub norm: FixedFormat,
    /// The type of the scales γᵢ.
    pub scale: FixedFormat,
    /// The type of the biases βᵢ.
    pub bias: FixedFormat,
}

/// Layer normalisation over a row, for the full dynamic range: 1/√(var + ε) by a
/// normalising shift (an even exponent from a leading-one detector) and a table over the
/// mantissa's top bits. The golden model of `lowprec::nn::layernorm` in
/// `hls/include/lowprec/nn/layernorm.h`.
///
/// A table over the variance itself covers a fixed range (hls4ml's covers var < 1);
/// MiniLM's LayerNorm inputs reach variance 128 and |x| = 222, and ε = 10⁻¹² must keep a
/// row of equal values finite. The normalising shift makes the relative precision of
/// 1/√v the same for every v the variance type holds.
///
/// # Contract (this model and the C++ kernel compute exactly this)
/// For a row x₀ … x_{D−1} of the input type, scales γᵢ and biases βᵢ:
///
/// 1. **Mean.** sum = 0 in the accumulator type; sum = accum(sum + xᵢ) for i = 0 … D − 1
///    in order. r = dim_recip_t(1/D), the constant 1/D correctly rounded into the
///    `dim_recip` type; mean = mean_t(sum · r) (the exact product cast once).
/// 2. **Variance.** dᵢ = xᵢ − mean, exact. sq = 0 in the `sq_accum` type;
///    sq = sq_accum(sq + dᵢ²) in order (each square and sum exact, then cast);
///    var = var_t(sq · r). The variance is the biased one (divided by D).
/// 3. **ε.** ε = eps_t(epsilon), the given exact value correctly rounded into the
///    `epsilon_type` (so ε = 10⁻¹² in `ap_ufixed<12,-36,AP_RND_CONV>` is
///    281·2⁻⁴⁸ ≈ 0.99986·10⁻¹²); v = var + ε exactly, in a word of F_v = max(F_var, F_eps)
///    fraction bits (`v_t`, written into the C++ configuration).
/// 4. **1/√v.** If v ≤ 0 (a wrapping type overflowed, or var = ε = 0), every normalised
///    value is 0 and yᵢ = out(βᵢ). Otherwise with V = v·2^F_v > 0 and p the position of its
///    leading one, q = p − ((p − F_v) mod 2), so that v = μ·4^k with μ = V/2^q ∈ [1, 4) and
///    k = (q − F_v)/2. The index is j = ⌊μ·2^(B−2)⌋ − 2^(B−2) (the B bits of V from bit
///    q + 1 down, less 2^(B−2)), 0 ≤ j < 3·2^(B−2) (`rsqrt_index_bits` = B ≥ 2), and
///    the table's entry j holds 1/√μ_j correctly rounded into the table type, μ_j the
///    centre of μ's cell, (j + 2^(B−2) + ½)/2^(B−2). Then 1/√v ≈ T\[j\]·2^−k.
/// 5. **Normalise.** nᵢ = norm_t(dᵢ·T\[j\]·2^−k): the exact product, shifted exactly, cast
///    once.
/// 6. **Affine.** yᵢ = out(nᵢ·γᵢ + βᵢ): exact, cast once.
///
/// Exact intermediates must fit 126 bits ([`NnError::TooWide`] otherwise).
///
/// # Error bound
/// With q_T the rounding error of a cast into T (half an LSB, or an LSB for the truncating
/// modes), no overflow, and the true values computed from the same xᵢ, γᵢ, βᵢ and ε:
///
/// - δ_mean ≤ q_mean + q_acc + |sum|·|r − 1/D| (the D roundings of the sum are at most
///   D·q_acc, divided by D);
/// - δ_v ≤ q_var + q_sq + |sq|·|r − 1/D| + 2·δ_mean·(mean |dᵢ|) + δ_mean² (the sum of squares
///   around a shifted mean), plus |ε − epsilon| for the rounded ε;
/// - the table: |T\[j\]·2^−k·√v − 1| ≤ 2^−B + 2·q_table (μ's cell has width 2^−(B−2) and
///   μ ≥ 1, so μ_j is within 2^−(B−1) of μ; T ≥ ½);
/// - |nᵢ − ñᵢ| ≤ |ñᵢ|·(2^−B + 2·q_table + δ_v/(2v)) + δ_mean/√v + q_norm, where ñᵢ is the
///   exact normalised value;
/// - |yᵢ − ỹᵢ| ≤ |γᵢ|·|nᵢ − ñᵢ| + q_out.
///
/// The bound is first order in δ_v/v: it holds where the variance type resolves the
/// row's variance (δ_v ≪ v); a variance type too coarse for a row's variance (or ε = 0
/// with a constant row, where every nᵢ is 0 by definition) is the configuration's
/// choice. `tests/nn_act_hls.rs` measures the error against f64 on MiniLM-range rows and
/// asserts this bound on every value where δ_v ≤ v/32 and no type saturates.
///
/// ```
/// use lowprec::nn::{LayerNorm, LayerNormParams};
/// let f = |s: &str| s.parse::<lowprec::fixed::FixedFormat>().unwrap();
/// let ln = LayerNorm::new(LayerNormParams {
///     dim: 4,
///     input: f("ap_fixed<16,9>"),
///     output: f("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"),
///     accum: f("ap_fixed<24,12>"),
///     dim_recip: f("ap_ufixed<16,0,AP_RND_CONV>"),
///     mean: f("ap_fixed<24,9,AP_RND_CONV>"),
///     sq_accum: f("ap_ufixed<32,20,AP_RND_CONV,AP_SAT>"),
///     var: f("ap_ufixed<32,16,AP_RND_CONV,AP_SAT>"),
///     epsilon: "1e-12".parse().unwrap(),
///     epsilon_type: f("ap_ufixed<12,-36,AP_RND_CONV>"),
///     rsqrt_table: f("ap_ufixed<18,1,AP_RND_CONV,AP_SAT>"),
///     rsqrt_index_bits: 10,
///     norm: f("ap_fixed<24,8,AP_RND_CONV,AP_SAT>"),
///     scale: f("ap_fixed<16,4>"),
///     bias: f("ap_fixed<16,4>"),
/// })?;
/// let mut table = vec![0; ln.table_len()];
/// let k = ln.load(&mut table)?;
/// // x = 1, 2, 3, 10 (7 fraction bits), γ = 1, β = 0.
/// let x = [128i64, 256, 384, 1280];
/// let (g, b) = ([4096i64; 4], [0i64; 4]);
/// let mut y = [0i64; 4];
/// k.run(&x, &g, &b, &mut y)?;
/// // mean 4, var 12.5: y = (x − 4)/√12.5 = −0.8485, −0.5657, −0.2828, 1.6971
/// let y: Vec<f64> = y.iter().map(|&r| r as f64 / 1024.0).collect();
/// assert!((y[0] + 0.8485).abs() < 2e-3 && (y[3] - 1.6971).abs() < 2e-3);
/// # Ok::<(), lowprec::nn::NnError>(())
/// ```
///
/// A checked configuration with its planned casts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerNorm {
    p: LayerNormParams,
    /// Σx: shifts of the running sum and of x into the common fraction bits.
    sum_s: u32,
    x_s: u32,
    sum_q: Requant,
    recip: i64,
    mean_q: Requant,
    /// d = x − mean: fraction bits F_d, and the alignment shifts.
    d_frac: i32,
    d_int: i32,
    dx_s: u32,
    dm_s: u32,
    /// Σd²: shifts of the running sum and of d² into the common fraction bits.
    sq_s: u32,
    d2_s: u32,
    sq_q: Requant,
    var_q: Requant,
    eps: i64,
    /// v = var + ε: fraction bits, width, the shifts of var and ε, and Q_top.
    v_frac: i32,
    v_width: u32,
    vv_s: u32,
    ve_s: u32,
    qtop: i32,
    norm_frac: i32,
    norm_q: Requant,
    /// y = n·γ + β: the shifts of the product and of β.
    ny_s: u32,
    by_s: u32,
    out_q: Requant,
}

/// A layer-norm kernel with its table: what [`LayerNorm::load`] returns.
#[derive(Clone, Copy, Debug)]
pub struct LayerNormKernel<'a> {
    cfg: &'a LayerNorm,
    table: &'a [i64],
}

fn int_bits(f: &FixedFormat) -> i32 {
    f.int_bits()
}

impl LayerNorm {
    /// Checks a configuration and plans its casts.
    pub fn new(p: LayerNormParams) -> Result<LayerNorm, NnError> {
        for (what, f) in [
            ("input", &p.input),
            ("output", &p.output),
            ("accumulator", &p.accum),
            ("1/D", &p.dim_recip),
            ("mean", &p.mean),
            ("square accumulator", &p.sq_accum),
            ("variance", &p.var),
            ("epsilon", &p.epsilon_type),
            ("rsqrt table", &p.rsqrt_table),
            ("normalised", &p.norm),
            ("scale", &p.scale),
            ("bias", &p.bias),
        ] {
            check_format(what, f)?;
        }
        if p.dim == 0 || p.dim > 1 << 24 {
            return Err(NnError::Config("layer norm: dim must lie in 1..=2^24"));
        }
        if !(2..=20).contains(&p.rsqrt_index_bits) {
            return Err(NnError::Config(
                "layer norm: rsqrt_index_bits must lie in 2..=20",
            ));
        }
        if !matches!(p.epsilon, Exact::Zero { .. } | Exact::Finite(_)) {
            return Err(NnError::Config("layer norm: epsilon must be finite"));
        }
        let too_wide = |what| Err(NnError::TooWide { what });
        // Σx.
        let (f_in, f_acc) = (p.input.frac_bits(), p.accum.frac_bits());
        let f_sum = f_in.max(f_acc);
        let (sum_s, x_s) = ((f_sum - f_acc) as u32, (f_sum - f_in) as u32);
        if p.accum.width() + sum_s > 124 || p.input.width() + x_s > 124 {
            return too_wide("layer norm sum");
        }
        // 1/D and the mean.
        let recip = entry_of(
            "layer norm 1/D",
            0,
            &p.dim_recip,
            &pown(Exact::from_i128(p.dim as i128), -1).value,
        )?;
        if p.accum.width() + p.dim_recip.width() > 126 {
            return too_wide("layer norm sum · 1/D");
        }
        let mean_q = Requant::new(f_acc + p.dim_recip.frac_bits(), p.mean);
        // d = x − mean (the C++ difference type: signed, max(I) + 1 integer bits).
        let f_mean = p.mean.frac_bits();
        let d_frac = f_in.max(f_mean);
        let d_int = int_bits(&p.input).max(int_bits(&p.mean)) + 1;
        let d_width = d_int + d_frac;
        if d_width < 1 || 2 * d_width > 124 {
            return too_wide("layer norm square (x − mean)²");
        }
        let (dx_s, dm_s) = ((d_frac - f_in) as u32, (d_frac - f_mean) as u32);
        // Σd².
        let f_sq = p.sq_accum.frac_bits();
        let f_sqsum = (2 * d_frac).max(f_sq);
        let (sq_s, d2_s) = ((f_sqsum - f_sq) as u32, (f_sqsum - 2 * d_frac) as u32);
        if p.sq_accum.width() + sq_s > 124 || 2 * d_width as u32 + d2_s > 124 {
            return too_wide("layer norm sum of squares");
        }
        if p.sq_accum.width() + p.dim_recip.width() > 126 {
            return too_wide("layer norm variance");
        }
        let var_q = Requant::new(f_sq + p.dim_recip.frac_bits(), p.var);
        let eps = entry_of("layer norm epsilon", 0, &p.epsilon_type, &p.epsilon)?;
        // v = var + ε.
        let (f_var, f_eps) = (p.var.frac_bits(), p.epsilon_type.frac_bits());
        let v_frac = f_var.max(f_eps);
        let v_int = int_bits(&p.var).max(int_bits(&p.epsilon_type)) + 2;
        let v_width = v_int + v_frac;
        if v_width < 2 || v_width + p.rsqrt_index_bits as i32 > 124 {
            return too_wide("layer norm var + ε");
        }
        let (vv_s, ve_s) = ((v_frac - f_var) as u32, (v_frac - f_eps) as u32);
        // Q_top ≥ W_v − 1 with the parity of F_v: (Q_top − q)/2 is the left shift.
        let qtop = if (v_width - 1 - v_frac) % 2 == 0 {
            v_width - 1
        } else {
            v_width
        };
        let a_max = (qtop + 1) / 2;
        let prod_width = d_width + p.rsqrt_table.width() as i32 + a_max + 1;
        if prod_width > 126 {
            return too_wide("layer norm (x − mean) · 1/√v");
        }
        let norm_frac = d_frac + p.rsqrt_table.frac_bits() + (qtop - v_frac) / 2;
        let norm_q = Requant::new(norm_frac, p.norm);
        // y = n·γ + β.
        let f_ng = p.norm.frac_bits() + p.scale.frac_bits();
        let f_y = f_ng.max(p.bias.frac_bits());
        let (ny_s, by_s) = ((f_y - f_ng) as u32, (f_y - p.bias.frac_bits()) as u32);
        if p.norm.width() + p.scale.width() + ny_s > 124 || p.bias.width() + by_s > 124 {
            return too_wide("layer norm n·γ + β");
        }
        Ok(LayerNorm {
            p,
            sum_s,
            x_s,
            sum_q: Requant::new(f_sum, p.accum),
            recip,
            mean_q,
            d_frac,
            d_int,
            dx_s,
            dm_s,
            sq_s,
            d2_s,
            sq_q: Requant::new(f_sqsum, p.sq_accum),
            var_q,
            eps,
            v_frac,
            v_width: v_width as u32,
            vv_s,
            ve_s,
            qtop,
            norm_frac,
            norm_q,
            ny_s,
            by_s,
            out_q: Requant::new(f_y, p.output),
        })
    }

    /// The configuration.
    pub fn params(&self) -> &LayerNormParams {
        &self.p
    }

    /// The table's length 3·2^(B−2).
    pub fn table_len(&self) -> usize {
        3 << (self.p.rsqrt_index_bits - 2)
    }

    /// The raw integer of 1/D in the `dim_recip` type.
    pub fn dim_recip_raw(&self) -> i64 {
        self.recip
    }

    /// The raw integer of ε in the `epsilon_type`.
    pub fn epsilon_raw(&self) -> i64 {
        self.eps
    }

    /// Table entry j: 1/√μ_j in the table type (raw).
    pub fn table_entry(&self, j: usize) -> Result<i64, NnError> {
        let len = self.table_len();
        if j >= len {
            return Err(NnError::Length {
                what: "rsqrt table",
                expected: len,
                got: j,
            });
        }
        let b = self.p.rsqrt_index_bits;
        // μ_j = (2(j + 2^(B−2)) + 1) / 2^(B−1).
        let centre = Exact::from_parts(
            false,
            2 * (j as u128 + (1u128 << (b - 2))) + 1,
            -(b as i32) + 1,
        );
        entry_of(
            "layer norm 1/sqrt",
            j,
            &self.p.rsqrt_table,
            &unary(Unary::Rsqrt, centre).value,
        )
    }

    /// Fills the caller's table (length [`table_len`](Self::table_len)) and returns the
    /// kernel that reads it.
    pub fn load<'a>(&'a self, table: &'a mut [i64]) -> Result<LayerNormKernel<'a>, NnError> {
        table::fill("rsqrt table", table, self.table_len(), |j| {
            self.table_entry(j)
        })?;
        Ok(LayerNormKernel { cfg: self, table })
    }

    /// The kernel on a table the caller filled before; only its length is checked.
    pub fn with_table<'a>(&'a self, table: &'a [i64]) -> Result<LayerNormKernel<'a>, NnError> {
        check_len("rsqrt table", self.table_len(), table.len())?;
        Ok(LayerNormKernel { cfg: self, table })
    }

    /// Writes this configuration as a C++ header: `struct name` with the typedefs and
    /// constants that `lowprec::nn::layernorm<name>` reads (the derived word widths and
    /// shifts included), the constants 1/D and ε as raw bits, and the table as a ROM.
    pub fn write_cpp_config(&self, w: &mut impl Write, name: &str) -> Result<(), NnError> {
        let p = &self.p;
        table::write_open(w, name, "layernorm", "LayerNorm")?;
        table::write_const(w, "dim", p.dim as i64)?;
        for (what, f) in [
            ("input", &p.input),
            ("output", &p.output),
            ("accum", &p.accum),
            ("dim_recip", &p.dim_recip),
            ("mean", &p.mean),
            ("sq_accum", &p.sq_accum),
            ("var", &p.var),
            ("eps", &p.epsilon_type),
            ("rsqrt_table", &p.rsqrt_table),
            ("norm", &p.norm),
            ("scale", &p.scale),
            ("bias", &p.bias),
        ] {
            table::write_type(w, what, f)?;
        }
        let consts = [
            (
                "dim_recip_bits",
                p.dim_recip.bits_of(i128::from(self.recip)) as i64,
            ),
            (
                "eps_bits",
                p.epsilon_type.bits_of(i128::from(self.eps)) as i64,
            ),
            ("diff_width", i64::from(self.d_int + self.d_frac)),
            ("diff_int", i64::from(self.d_int)),
            ("v_width", i64::from(self.v_width)),
            ("v_frac", i64::from(self.v_frac)),
            ("v_qtop", i64::from(self.qtop)),
            ("rsqrt_index_bits", i64::from(p.rsqrt_index_bits)),
            (
                "prod_width",
                i64::from(
                    self.d_int
                        + self.d_frac
                        + p.rsqrt_table.width() as i32
                        + (self.qtop + 1) / 2
                        + 1,
                ),
            ),
            ("prod_frac", i64::from(self.norm_frac)),
        ];
        for (name, v) in consts {
            if v > i64::from(i32::MAX) {
                // 1/D and ε wider than 31 bits: written as 64-bit literals below.
                continue;
            }
            table::write_const(w, name, v)?;
        }
        let raw_const = |w: &mut dyn Write, name: &str, f: &FixedFormat, raw: i64| {
            writeln!(
                w,
                "  static ap_uint<{}> {name}() {{ return ap_uint<{}>({:#x}ULL); }}",
                f.width(),
                f.width(),
                f.bits_of(i128::from(raw))
            )
        };
        raw_const(w, "dim_recip_raw", &p.dim_recip, self.recip).map_err(|_| table::WRITE_FAILED)?;
        raw_const(w, "eps_raw", &p.epsilon_type, self.eps).map_err(|_| table::WRITE_FAILED)?;
        table::write_table(w, "rsqrt_lut", &p.rsqrt_table, self.table_len(), |j| {
            self.table_entry(j)
        })?;
        table::write_close(w)
    }
}

impl LayerNormKernel<'_> {
    /// The configuration.
    pub fn config(&self) -> &LayerNorm {
        self.cfg
    }

    /// Layer norm of one row `x` (D values) with scales `scale` and biases `bias` (D
    /// values each) into `y` (D values).
    pub fn run<I: Element, S: Element, B: Element, O: Element>(
        &self,
        x: &[I],
        scale: &[S],
        bias: &[B],
        y: &mut [O],
    ) -> Result<(), NnError> {
        let c = self.cfg;
        let p = &c.p;
        check_element::<I>("layer norm input", &p.input)?;
        check_element::<S>("layer norm scale", &p.scale)?;
        check_element::<B>("layer norm bias", &p.bias)?;
        check_element::<O>("layer norm output", &p.output)?;
        check_len("layer norm input", p.dim, x.len())?;
        check_len("layer norm scale", p.dim, scale.len())?;
        check_len("layer norm bias", p.dim, bias.len())?;
        check_len("layer norm output", p.dim, y.len())?;
        let mut sum: i64 = 0;
        for v in x {
            sum = c
                .sum_q
                .apply((i128::from(sum) << c.sum_s) + (i128::from(v.to_raw()) << c.x_s));
        }
        let mean = c.mean_q.apply(i128::from(sum) * i128::from(c.recip));
        let diff = |v: &I| (i128::from(v.to_raw()) << c.dx_s) - (i128::from(mean) << c.dm_s);
        let mut sq: i64 = 0;
        for v in x {
            let d = diff(v);
            sq = c
                .sq_q
                .apply((i128::from(sq) << c.sq_s) + ((d * d) << c.d2_s));
        }
        let var = c.var_q.apply(i128::from(sq) * i128::from(c.recip));
        let v = (i128::from(var) << c.vv_s) + (i128::from(c.eps) << c.ve_s);
        let (t, a) = if v <= 0 {
            (0, 0)
        } else {
            let pos = lead(v as u128) as i32;
            let q = pos - (pos - c.v_frac).rem_euclid(2);
            let b = p.rsqrt_index_bits as i32;
            // ⌊V·2^(B−2−q)⌋ = (V << B) >> (q + 2), q ≥ −1.
            let jj = ((v << b) >> (q + 2)) as usize;
            let j = jj - (1 << (b - 2));
            (self.table[j], ((c.qtop - q) / 2) as u32)
        };
        for (((v, g), be), o) in x.iter().zip(scale).zip(bias).zip(y.iter_mut()) {
            let n = c.norm_q.apply((diff(v) * i128::from(t)) << a);
            let acc = ((i128::from(n) * i128::from(g.to_raw())) << c.ny_s)
                + (i128::from(be.to_raw()) << c.by_s);
            *o = O::from_raw(c.out_q.apply(acc));
        }
        Ok(())
    }
}

impl LayerNormParams {
    /// A configuration for rows of `dim` values of `input` into `output` with scales,
    /// biases and ε as given, and the intermediate types a design would start from (all
    /// `AP_RND_CONV`, `AP_SAT`; I_x is the input's integer bits, one more when it is
    /// unsigned, F_x its fraction bits, c = ⌈log2 dim⌉; a type that would pass 64 bits
    /// keeps its integer bits and loses fraction bits):
    ///
    /// - accumulator `ap_fixed` ⟨I_x + c, F_x⟩: the sum exactly;
    /// - 1/D: `ap_ufixed<18, 1 − ⌊log2 D⌋>` (17 or 18 significant bits);
    /// - mean ⟨I_x, F_x + 8⟩; the sum of squares ⟨2(I_x + 1) + c, 2(F_x + 8)⟩ and the
    ///   variance ⟨2(I_x + 1), 2(F_x + 8)⟩, unsigned;
    /// - ε in `ap_ufixed` with 12 significant bits (the variance's type when ε = 0);
    /// - the 1/√μ table: 2^10 entries of `ap_ufixed<18,1>`;
    /// - normalised values ⟨⌈c/2⌉ + 2, 16⟩ (|x − mean|/σ ≤ √D).
    ///
    /// ```
    /// use lowprec::nn::{LayerNorm, LayerNormParams};
    /// let f = |s: &str| s.parse::<lowprec::fixed::FixedFormat>().unwrap();
    /// let p = LayerNormParams::for_types(
    ///     384, f("ap_fixed<16,9>"), f("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"),
    ///     f("ap_fixed<16,4>"), f("ap_fixed<16,4>"), "1e-12".parse().unwrap())?;
    /// assert_eq!(p.var.to_string(), "ap_ufixed<50,20,AP_RND_CONV,AP_SAT>");
    /// assert!(LayerNorm::new(p).is_ok());
    /// # Ok::<(), lowprec::nn::NnError>(())
    /// ```
    pub fn for_types(
        dim: usize,
        input: FixedFormat,
        output: FixedFormat,
        scale: FixedFormat,
        bias: FixedFormat,
        epsilon: Exact,
    ) -> Result<LayerNormParams, NnError> {
        if dim == 0 || dim > 1 << 24 {
            return Err(NnError::Config("layer norm: dim must lie in 1..=2^24"));
        }
        let c = dim.next_power_of_two().trailing_zeros() as i32;
        let floor_log2 = (usize::BITS - 1 - dim.leading_zeros()) as i32;
        let ix = input.int_bits() + i32::from(!input.is_signed());
        let fx = input.frac_bits();
        // ⟨I, F⟩ with at most 64 bits, dropping fraction bits first.
        let sized = |signed: bool, int_bits: i32, frac: i32| {
            let w = (i64::from(int_bits) + i64::from(frac)).clamp(1, 64) as u32;
            rnd_sat(signed, w, int_bits)
        };
        let var = sized(false, 2 * (ix + 1), 2 * (fx + 8))?;
        let epsilon_type = match epsilon {
            Exact::Finite(e) if !e.negative => {
                let top = e.exp + (128 - e.sig.leading_zeros()) as i32;
                rnd_sat(false, 12, top)?
            }
            Exact::Zero { .. } => var,
            _ => {
                return Err(NnError::Config(
                    "layer norm: epsilon must be finite and ≥ 0",
                ));
            }
        };
        Ok(LayerNormParams {
            dim,
            input,
            output,
            accum: sized(true, ix + c, fx)?,
            dim_recip: rnd_sat(false, 18, 1 - floor_log2)?,
            mean: sized(true, ix, fx + 8)?,
            sq_accum: sized(false, 2 * (ix + 1) + c, 2 * (fx + 8))?,
            var,
            epsilon,
            epsilon_type,
            rsqrt_table: rnd_sat(false, 18, 1)?,
            rsqrt_index_bits: 10,
            norm: sized(true, (c + 1) / 2 + 2, 16)?,
            scale,
            bias,
        })
    }
}
