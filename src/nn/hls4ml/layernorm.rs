//! `nnet::layernormalize` (`nnet_layernorm.h`, io_parallel), one row of `dim` values.
//!
//! What `layernorm_1d` computes (`product` = `nnet::product::mult`):
//!
//! - `k_inv = (accum_t)(1.0 / dim)`: the double quotient, then cast;
//! - `sum = Σ (accum_t)x_i`, each partial sum cast into `accum_t`, in order;
//!   `mean = (accum_t)(sum * k_inv)`;
//! - `d_i = (accum_t)((accum_t)x_i − mean)`; `var = (accum_t)(Σ (accum_t)(d_i · d_i) ·
//!   k_inv)`, the partial sums in `accum_t` — ε is *not* added;
//! - `index = int(var * table_size * 2^table_range_power2)` (`int` truncates toward
//!   zero), clamped to [0, table_size − 1]; `t = table[index]`;
//! - `res_i = (res_T)(d_i * t * scale_i + bias_i)`, the whole expression exact.
//!
//! The table (`init_invert_sqr_table`): `min_val = (float)pow(10.0, −epsilon_power_of_10)`
//! (the double `pow`, see the [module documentation](super) for its margin),
//! `max_val = 2^−table_range_power2`, `step = max_val / (float)table_size` and entry i =
//! `table_t(1.0 / sqrtf(min_val + step * i))`, the sum and product in float, the quotient
//! in double. So the table covers variances below 2^−table_range_power2 only; larger
//! variances read the last entry.

use super::tables::{
    F32, F64, F64_ONE, f32_of_f64, f32_of_int, f64_of_int, fixed_of_float, pow10_neg_f32,
};
use super::{check_all, to_int};
use crate::fixed::{FixedFormat, FixedParams, OverflowMode, Quantization};
use crate::nn::{Element, NnError, Requant, check_element, check_format, check_len};

/// The configuration of an hls4ml layer normalization: the members of its `config` struct
/// (for one row: `n_in / seq_len` = `dim`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerNormParams {
    /// The row length (`n_in / seq_len`).
    pub dim: usize,
    /// `data_T`, the input type.
    pub input: FixedFormat,
    /// `res_T`, the output type.
    pub output: FixedFormat,
    /// `accum_t`: sums, mean, differences, squares and variance.
    pub accum: FixedFormat,
    /// `scale_t` (γ).
    pub scale: FixedFormat,
    /// `bias_t` (β).
    pub bias: FixedFormat,
    /// `table_t`, the type of the 1/√var table.
    pub table: FixedFormat,
    /// `table_size`.
    pub table_size: usize,
    /// `table_range_power2`: the table covers var < 2^−table_range_power2.
    pub table_range_power2: u32,
    /// `epsilon_power_of_10`: ε = 10^−epsilon_power_of_10 (the converter writes
    /// −round(log10(ε)) of the framework's ε).
    pub epsilon_power_of_10: u32,
}

/// `ap_ufixed<8,5,AP_RND_CONV,AP_SAT>`: the converter's LayerNorm table type.
const TABLE_8_5: FixedFormat = match FixedFormat::new(FixedParams {
    quantization: Quantization::RndConv,
    overflow: OverflowMode::Sat,
    ..FixedParams::ap_ufixed(8, 5)
}) {
    Ok(f) => f,
    Err(_) => panic!("invalid built-in type"),
};

impl LayerNormParams {
    /// The configuration hls4ml's converter writes when the user sets nothing: a table of
    /// 4096 entries of `ap_ufixed<8,5,AP_RND_CONV,AP_SAT>`, `table_range_power2` 0.
    /// `accum`, `scale` and `bias` are the layer's `accum_t`, `scale_t` and `bias_t`,
    /// which the converter takes from the model's default precision unless the user sets
    /// them (the backend's `ap_fixed<14,4,AP_RND_CONV,AP_SAT>` default for `accum_t` is
    /// overridden by that precision); `epsilon_power_of_10` comes from the framework's ε
    /// (all-MiniLM-L6-v2: 10^−12, so 12).
    pub const fn with_converter_defaults(
        dim: usize,
        input: FixedFormat,
        output: FixedFormat,
        accum: FixedFormat,
        scale: FixedFormat,
        bias: FixedFormat,
        epsilon_power_of_10: u32,
    ) -> LayerNormParams {
        LayerNormParams {
            dim,
            input,
            output,
            accum,
            scale,
            bias,
            table: TABLE_8_5,
            table_size: 4096,
            table_range_power2: 0,
            epsilon_power_of_10,
        }
    }

    /// The length of the table [`LayerNorm::new`] fills.
    pub const fn table_len(&self) -> usize {
        self.table_size
    }
}

/// An hls4ml layer normalization with its scale, bias and table.
///
/// ```
/// use lowprec::fixed::FixedFormat;
/// use lowprec::nn::hls4ml::{LayerNorm, LayerNormParams};
/// let t = |s: &str| s.parse::<FixedFormat>().unwrap();
/// let f = t("ap_fixed<16,6>");
/// let p = LayerNormParams::with_converter_defaults(4, f, f, f, f, f, 12);
/// let scale = [1i64 << 10; 4]; // γ = 1
/// let bias = [0i64; 4];
/// let mut table = [0i64; 4096];
/// let ln = LayerNorm::new(p, &scale, &bias, &mut table)?;
/// let mut y = [0i64; 4];
/// ln.run(&[-1024i64, -1024, 1024, 1024], &mut y)?; // -1, -1, 1, 1: var = 1
/// assert_eq!(y, [-1024, -1024, 1024, 1024]); // the last entry, 1/sqrt(1 - 2^-12) → 1
/// # Ok::<(), lowprec::nn::NnError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LayerNorm<'a, S: Element = i64, B: Element = i64> {
    params: LayerNormParams,
    scale: &'a [S],
    bias: &'a [B],
    table: &'a [i64],
    k_inv: i128,
    in_to_acc: Requant,
    acc: Requant,
    prod_to_acc: Requant,
    /// Left shifts aligning d·t·s and the bias.
    shift_prod: u32,
    shift_bias: u32,
    out: Requant,
}

impl<'a, S: Element, B: Element> LayerNorm<'a, S, B> {
    /// Checks the configuration, scale and bias (`dim` values each), fills the table
    /// (`table_size` raw integers of `table_t`) as `init_invert_sqr_table` does, and plans
    /// the casts.
    pub fn new(
        params: LayerNormParams,
        scale: &'a [S],
        bias: &'a [B],
        table: &'a mut [i64],
    ) -> Result<Self, NnError> {
        let p = &params;
        check_format("input", &p.input)?;
        check_format("output", &p.output)?;
        check_format("accum_t", &p.accum)?;
        check_format("scale_t", &p.scale)?;
        check_format("bias_t", &p.bias)?;
        check_format("table_t", &p.table)?;
        check_element::<S>("scale", &p.scale)?;
        check_element::<B>("bias", &p.bias)?;
        if p.dim == 0 {
            return Err(NnError::Config(
                "the layer norm row length must be at least 1",
            ));
        }
        if p.table_size == 0 || p.table_size > 1 << 24 {
            return Err(NnError::Config(
                "the layer norm table size must lie in 1 ..= 2^24",
            ));
        }
        if p.table_range_power2 > 30 {
            return Err(NnError::Config("table_range_power2 must be at most 30"));
        }
        if p.epsilon_power_of_10 > 37 {
            return Err(NnError::Config(
                "epsilon_power_of_10 must be at most 37 (ε a normal float)",
            ));
        }
        if p.accum.int_bits() <= -60 {
            return Err(NnError::Config("accum_t has too few integer bits"));
        }
        check_len("scale", p.dim, scale.len())?;
        check_len("bias", p.dim, bias.len())?;
        check_len("table", p.table_size, table.len())?;
        check_all("a scale lies outside scale_t", &p.scale, scale)?;
        check_all("a bias lies outside bias_t", &p.bias, bias)?;

        // d · t · s + b exactly in i128.
        let fp = p.accum.frac_bits() + p.table.frac_bits() + p.scale.frac_bits();
        let fb = p.bias.frac_bits();
        let f = fp.max(fb);
        let (shift_prod, shift_bias) = ((f - fp) as u32, (f - fb) as u32);
        let wp = p.accum.width() + p.table.width() + p.scale.width() + shift_prod;
        let wb = p.bias.width() + shift_bias;
        if wp.max(wb) + 1 > 127 {
            return Err(NnError::TooWide {
                what: "d · table · scale + bias",
            });
        }

        fill_table(p, table)?;
        let fa = p.accum.frac_bits();
        let k_inv = fixed_of_float(&F64, F64.div(F64_ONE, f64_of_int(p.dim as i64)), &p.accum);
        Ok(LayerNorm {
            params,
            scale,
            bias,
            table,
            k_inv: i128::from(k_inv),
            in_to_acc: Requant::new(p.input.frac_bits(), p.accum),
            acc: Requant::new(fa, p.accum),
            prod_to_acc: Requant::new(2 * fa, p.accum),
            shift_prod,
            shift_bias,
            out: Requant::new(f, p.output),
        })
    }

    /// The configuration.
    pub const fn params(&self) -> &LayerNormParams {
        &self.params
    }

    /// The filled table (raw integers of `table_t`).
    pub const fn table(&self) -> &[i64] {
        self.table
    }

    /// One row of `dim` values of `data_T` to `dim` values of `res_T`.
    pub fn run<E: Element, O: Element>(
        &self,
        input: &[E],
        output: &mut [O],
    ) -> Result<(), NnError> {
        let p = &self.params;
        check_element::<E>("input", &p.input)?;
        check_element::<O>("output", &p.output)?;
        check_len("input", p.dim, input.len())?;
        check_len("output", p.dim, output.len())?;
        check_all("an input lies outside data_T", &p.input, input)?;
        let xa = |i: usize| i128::from(self.in_to_acc.apply(i128::from(input[i].to_raw())));
        let mut sum = 0i128;
        for i in 0..p.dim {
            sum = i128::from(self.acc.apply(sum + xa(i)));
        }
        let mean = i128::from(self.prod_to_acc.apply(sum * self.k_inv));
        let d = |i: usize| i128::from(self.acc.apply(xa(i) - mean));
        let mut sum2 = 0i128;
        for i in 0..p.dim {
            let di = d(i);
            let sq = i128::from(self.prod_to_acc.apply(di * di));
            sum2 = i128::from(self.acc.apply(sum2 + sq));
        }
        let var = i128::from(self.prod_to_acc.apply(sum2 * self.k_inv));
        let size = p.table_size;
        let index = to_int(
            var * size as i128,
            p.accum.frac_bits() - p.table_range_power2 as i32,
        );
        let index = if index < 0 {
            0
        } else {
            (index as usize).min(size - 1)
        };
        let t = i128::from(self.table[index]);
        for (i, y) in output.iter_mut().enumerate() {
            let prod = d(i) * t * i128::from(self.scale[i].to_raw());
            let b = i128::from(self.bias[i].to_raw());
            let r = (prod << self.shift_prod) + (b << self.shift_bias);
            *y = O::from_raw(self.out.apply(r));
        }
        Ok(())
    }
}

/// `init_invert_sqr_table`.
fn fill_table(p: &LayerNormParams, table: &mut [i64]) -> Result<(), NnError> {
    let min_val = pow10_neg_f32(p.epsilon_power_of_10, "layer norm epsilon")?;
    // pow(2.0f, -P): exact, so every libm returns it.
    let max_val = f32_of_f64(F64.div(F64_ONE, f64_of_int(1i64 << p.table_range_power2)));
    let step = F32.div(max_val, f32_of_int(p.table_size as i64));
    for (ii, e) in table.iter_mut().enumerate() {
        let in_val = F32.add(min_val, F32.mul(step, f32_of_int(ii as i64)));
        let r = F32.sqrt(in_val);
        let q = F64.div(F64_ONE, F64.convert_from(&F32, r));
        *e = fixed_of_float(&F64, q, &p.table);
    }
    Ok(())
}
