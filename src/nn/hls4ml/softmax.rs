//! `nnet::softmax` (`nnet_activation.h`): the latency, stable, legacy and argmax
//! implementations, with the tables `init_exp_table`, `init_invert_table`,
//! `init_exp_table_legacy` and `init_invert_table_legacy` fill.
//!
//! **Table index.** `softmax_idx_from_real_val<T, S>(x)` is the top N = `ceillog2(S)` bits
//! of x's W-bit pattern (signed types included: a negative value has its sign bit in the
//! index). Entry i of a table addressed by type T is computed at the value of T whose top
//! N bits are i and whose other bits are 0 (`softmax_real_val_from_idx`), converted to
//! `float`.
//!
//! **Latency.** `exp_res[i] = (accum_t)exp_table[idx(x_i)]` with entry i =
//! `exp_table_t(expf(float(v_i) * exp_scale))` (v_i a value of `data_T`);
//! `exp_sum = (inv_inp_t)reduce(exp_res)`, where `reduce` is the balanced tree of
//! `nnet_common.h` (a node over N leaves splits at 2^⌊log2(N − 1)⌋) and every node is an
//! exact sum of two `accum_t` values cast into `accum_t`;
//! `res[i] = (res_T)(exp_res[i] * invert_table[idx(exp_sum)])` with the product exact and
//! entry i of the inverse table `inv_table_t(1 / float(u_i))` (u_i a value of `inv_inp_t`,
//! a float division; u = 0 gives +∞, which the cast reads as the header does).
//!
//! **Stable.** As latency, on `d_i = (inp_norm_t)(x_max − x_i)` (the exact difference cast
//! into `inp_norm_t`), with the exp table addressed by `inp_norm_t` and filled at
//! `-(float(v_i) * exp_scale)`.
//!
//! **Legacy.** Both tables have type `table_t`. For each i, `exp_res = 0` then for each j
//! (in order) `exp_res += (j == i ? 1 : exp_table[k])` in `table_t`, where
//! k = `int((x_j − x_i) * exp_table_size / 16) + exp_table_size / 2` clamped to
//! [0, size − 1] (`int(·)` truncates toward zero); then
//! `res[i] = (res_T)invert_table[m]`, m = `int(exp_res * inv_table_size / 64)` clamped.
//! Entry i of the exp table is `table_t(expf(float(16.0 * (i − S/2.0) / S)))` (the
//! quotient in double, then rounded to float), of the inverse table
//! `table_t(1.0 / float(64.0 * i / S))` (0 for i = 0).
//!
//! **Argmax.** `res` is all `(res_T)0` but `(res_T)1` at the first maximum.

use super::tables::{
    F32, F32_ONE, F64, F64_ONE, exp_entry, f32_of_f64, f32_of_fixed, f64_of_int, fixed_of_float,
};
use super::{ceillog2, check_all, to_int};
use crate::fixed::{FixedFormat, FixedParams, OverflowMode, Quantization};
use crate::nn::{Element, NnError, Requant, check_element, check_format, check_len};

/// `nnet::softmax_implementation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoftmaxImpl {
    /// `latency`: exp of the inputs by table, no max subtraction.
    Latency,
    /// `stable` (the converter's default): exp of x_max − x_i.
    Stable,
    /// `legacy`: the pairwise-difference form with `table_t` tables.
    Legacy,
    /// `argmax`: one-hot at the first maximum.
    Argmax,
}

/// The configuration of an hls4ml softmax: the members of its `softmax_config` struct.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SoftmaxParams {
    /// `n_slice`: the length of one row.
    pub n: usize,
    /// `data_T`, the input type.
    pub input: FixedFormat,
    /// `res_T`, the output type.
    pub output: FixedFormat,
    /// `implementation`.
    pub implementation: SoftmaxImpl,
    /// `exp_table_size` (a power of two for latency and stable).
    pub exp_table_size: usize,
    /// `inv_table_size` (a power of two for latency and stable).
    pub inv_table_size: usize,
    /// `exp_table_t` (latency, stable).
    pub exp_table: FixedFormat,
    /// `inv_table_t` (latency, stable).
    pub inv_table: FixedFormat,
    /// `accum_t` (latency, stable): the type of the exponentials and of every node of the
    /// sum.
    pub accum: FixedFormat,
    /// `inv_inp_t` (latency, stable): the type of the sum, which addresses the inverse
    /// table.
    pub inv_inp: FixedFormat,
    /// `inp_norm_t` (stable): the type of x_max − x_i, which addresses the exp table.
    pub inp_norm: FixedFormat,
    /// `table_t` (legacy): the type of both legacy tables and of their sums.
    pub legacy_table: FixedFormat,
    /// `exp_scale` (latency, stable), as the `static constexpr float` member holds it (a
    /// decimal literal in the generated code is read as a double, then rounded to float:
    /// `s.parse::<f64>()? as f32` gives the same value).
    pub exp_scale: f32,
}

const fn fixed(p: FixedParams) -> FixedFormat {
    match FixedFormat::new(p) {
        Ok(f) => f,
        Err(_) => panic!("invalid built-in type"),
    }
}

/// `ap_fixed<18,8,AP_RND,AP_SAT>`: the converter's exp, inverse and `inv_inp` type.
pub(crate) const TABLE_18_8: FixedFormat = fixed(FixedParams {
    quantization: Quantization::Rnd,
    overflow: OverflowMode::Sat,
    ..FixedParams::ap_fixed(18, 8)
});

/// `ap_fixed<18,8>`: `nnet::activ_config::table_t`, which the generated softmax config
/// inherits (legacy tables).
pub(crate) const ACTIV_TABLE: FixedFormat = fixed(FixedParams::ap_fixed(18, 8));

impl SoftmaxParams {
    /// The configuration hls4ml's converter writes for a softmax over rows of `n` values
    /// when the user sets nothing but the implementation (the converter's default is
    /// [`SoftmaxImpl::Stable`]); `accum` is the layer's `accum_t`, which the converter
    /// takes from the model's default precision.
    ///
    /// - `table_size` 1024, reduced to 2^min(W_in, 18) when that is smaller
    ///   (`FixSoftmaxTableSize`, 18 = the inverse table's width);
    /// - `exp_table_t`, `inv_table_t`, `inv_inp_t`: `ap_fixed<18,8,AP_RND,AP_SAT>`;
    /// - stable: `inp_norm_t` = `ap_ufixed<W−1, I−1>` for an `ap_fixed<W,I>` input
    ///   (`ap_ufixed<W,I>` for an unsigned one), and for a signed input
    ///   `exp_table_size` = min(`inv_table_size`, 2^(W−1));
    /// - legacy: `table_t` = `ap_fixed<18,8>` (inherited from `nnet::activ_config`);
    /// - `exp_scale` 1.
    pub fn with_converter_defaults(
        n: usize,
        implementation: SoftmaxImpl,
        input: FixedFormat,
        output: FixedFormat,
        accum: FixedFormat,
    ) -> Result<SoftmaxParams, NnError> {
        let w = input.width();
        let mut table_size = 1024usize;
        let bw = w.min(TABLE_18_8.width());
        if bw < 10 {
            table_size = 1 << bw;
        }
        let mut exp_table_size = table_size;
        let signed = u32::from(input.is_signed());
        let wn = w - signed;
        let inp_norm = if implementation == SoftmaxImpl::Stable {
            if signed == 1 && wn < 63 {
                exp_table_size = table_size.min(1 << wn);
            }
            FixedFormat::new(FixedParams::ap_ufixed(wn, input.int_bits() - signed as i32))
                .map_err(|_| NnError::Config("the input type leaves no inp_norm_t"))?
        } else {
            fixed(FixedParams::ap_fixed(1, 0))
        };
        Ok(SoftmaxParams {
            n,
            input,
            output,
            implementation,
            exp_table_size,
            inv_table_size: table_size,
            exp_table: TABLE_18_8,
            inv_table: TABLE_18_8,
            accum,
            inv_inp: TABLE_18_8,
            inp_norm,
            legacy_table: ACTIV_TABLE,
            exp_scale: 1.0,
        })
    }

    /// The lengths of the exp and inverse tables [`Softmax::new`] fills (0 for argmax).
    pub const fn table_lens(&self) -> (usize, usize) {
        match self.implementation {
            SoftmaxImpl::Argmax => (0, 0),
            _ => (self.exp_table_size, self.inv_table_size),
        }
    }

    /// The type whose top bits address the exp table (latency: `data_T`; stable:
    /// `inp_norm_t`).
    const fn exp_index_type(&self) -> FixedFormat {
        match self.implementation {
            SoftmaxImpl::Stable => self.inp_norm,
            _ => self.input,
        }
    }
}

/// The top-bits addressing of a table: `softmax_idx_from_real_val` and its inverse.
#[derive(Clone, Copy, Debug)]
struct Index {
    fmt: FixedFormat,
    /// W − N: the bits below the index.
    shift: u32,
    mask: u64,
}

impl Index {
    fn new(fmt: FixedFormat, size: usize) -> Result<Index, NnError> {
        if size < 2 || !size.is_power_of_two() {
            return Err(NnError::Config(
                "softmax table sizes must be powers of two of at least 2 (the kernel indexes \
                 with the top bits of a value)",
            ));
        }
        let n = ceillog2(size);
        if n > fmt.width() {
            return Err(NnError::Config(
                "a softmax table has more entries than its index type has codes",
            ));
        }
        // The index values must be normal floats for `ap_fixed::to_float`.
        if fmt.int_bits() > 127 || fmt.int_bits() - (n as i32) < -126 {
            return Err(NnError::Config(
                "a softmax table's index type has values outside the float range",
            ));
        }
        Ok(Index {
            fmt,
            shift: fmt.width() - n,
            mask: (1u64 << n) - 1,
        })
    }

    #[inline(always)]
    fn of(&self, raw: i64) -> usize {
        ((self.fmt.bits_of(i128::from(raw)) >> self.shift) & self.mask) as usize
    }

    /// The binary32 code of `float(x)` for the value x whose top bits are `i`.
    fn value(&self, i: usize) -> u64 {
        let raw = self.fmt.raw_of((i as u64) << self.shift);
        f32_of_fixed(raw, self.fmt.frac_bits())
    }
}

#[derive(Clone, Copy, Debug)]
enum Plan {
    /// Latency and stable.
    Tables {
        exp_index: Index,
        inv_index: Index,
        /// x_max − x_i into `inp_norm_t` (stable only).
        norm: Requant,
        stable: bool,
        exp_to_acc: Requant,
        sum: Requant,
        to_inv_inp: Requant,
        out: Requant,
    },
    Legacy {
        one: i64,
        sum: Requant,
        out: Requant,
    },
    Argmax {
        zero: i64,
        one: i64,
    },
}

/// An hls4ml softmax with its tables.
///
/// ```
/// use lowprec::fixed::FixedFormat;
/// use lowprec::nn::hls4ml::{Softmax, SoftmaxImpl, SoftmaxParams};
/// let t = |s: &str| s.parse::<FixedFormat>().unwrap();
/// let p = SoftmaxParams::with_converter_defaults(
///     4, SoftmaxImpl::Stable, t("ap_fixed<16,6>"), t("ap_fixed<16,6>"), t("ap_fixed<16,6>"))?;
/// let (ne, ni) = p.table_lens();
/// let (mut exp, mut inv) = ([0i64; 1024], [0i64; 1024]);
/// let sm = Softmax::new(p, &mut exp[..ne], &mut inv[..ni])?;
/// let mut y = [0i64; 4];
/// sm.run(&[0i64, 0, 0, 0], &mut y)?; // four equal inputs
/// assert_eq!(y, [256; 4]); // 0.25 · 2^10
/// # Ok::<(), lowprec::nn::NnError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Softmax<'a> {
    params: SoftmaxParams,
    exp: &'a [i64],
    inv: &'a [i64],
    plan: Plan,
}

impl<'a> Softmax<'a> {
    /// Checks the configuration, fills the tables (raw integers of `exp_table_t` and
    /// `inv_table_t`, or of `table_t` for legacy; lengths from
    /// [`SoftmaxParams::table_lens`]) as the kernel's `init_*` functions do, and plans the
    /// casts.
    ///
    /// Fails with [`NnError::TableMargin`] when an exp entry could depend on the libm's
    /// `expf` rounding (see the [module documentation](super)).
    pub fn new(
        params: SoftmaxParams,
        exp_table: &'a mut [i64],
        inv_table: &'a mut [i64],
    ) -> Result<Self, NnError> {
        let p = &params;
        check_format("input", &p.input)?;
        check_format("output", &p.output)?;
        if p.n == 0 {
            return Err(NnError::Config("the softmax row length must be at least 1"));
        }
        let (ne, ni) = p.table_lens();
        check_len("exp table", ne, exp_table.len())?;
        check_len("inverse table", ni, inv_table.len())?;
        let plan = match p.implementation {
            SoftmaxImpl::Latency | SoftmaxImpl::Stable => {
                let stable = p.implementation == SoftmaxImpl::Stable;
                check_format("exp_table_t", &p.exp_table)?;
                check_format("inv_table_t", &p.inv_table)?;
                check_format("accum_t", &p.accum)?;
                check_format("inv_inp_t", &p.inv_inp)?;
                if stable {
                    check_format("inp_norm_t", &p.inp_norm)?;
                }
                if !p.exp_scale.is_finite() {
                    return Err(NnError::Config("exp_scale must be finite"));
                }
                let exp_index = Index::new(p.exp_index_type(), p.exp_table_size)?;
                let inv_index = Index::new(p.inv_inp, p.inv_table_size)?;
                let scale = F32.from_f32(p.exp_scale);
                for (i, e) in exp_table.iter_mut().enumerate() {
                    let mut x = F32.mul(exp_index.value(i), scale);
                    if stable {
                        x = F32.neg(x);
                    }
                    *e = exp_entry(x, &p.exp_table, "softmax exp", i)?;
                }
                for (i, e) in inv_table.iter_mut().enumerate() {
                    let inv = F32.div(F32_ONE, inv_index.value(i));
                    *e = fixed_of_float(&F32, inv, &p.inv_table);
                }
                let fa = p.accum.frac_bits();
                Plan::Tables {
                    exp_index,
                    inv_index,
                    norm: Requant::new(p.input.frac_bits(), p.inp_norm),
                    stable,
                    exp_to_acc: Requant::new(p.exp_table.frac_bits(), p.accum),
                    sum: Requant::new(fa, p.accum),
                    to_inv_inp: Requant::new(fa, p.inv_inp),
                    out: Requant::new(fa + p.inv_table.frac_bits(), p.output),
                }
            }
            SoftmaxImpl::Legacy => {
                let t = p.legacy_table;
                check_format("table_t", &t)?;
                for s in [p.exp_table_size, p.inv_table_size] {
                    if s == 0 || s > 1 << 24 {
                        return Err(NnError::Config(
                            "legacy softmax table sizes must lie in 1 ..= 2^24",
                        ));
                    }
                }
                legacy_tables(&t, exp_table, inv_table)?;
                Plan::Legacy {
                    one: Requant::new(0, t).apply(1),
                    sum: Requant::new(t.frac_bits(), t),
                    out: Requant::new(t.frac_bits(), p.output),
                }
            }
            SoftmaxImpl::Argmax => {
                let r = Requant::new(0, p.output);
                Plan::Argmax {
                    zero: r.apply(0),
                    one: r.apply(1),
                }
            }
        };
        Ok(Softmax {
            params,
            exp: exp_table,
            inv: inv_table,
            plan,
        })
    }

    /// The configuration.
    pub const fn params(&self) -> &SoftmaxParams {
        &self.params
    }

    /// The filled exp table (raw integers of its type).
    pub const fn exp_table(&self) -> &[i64] {
        self.exp
    }

    /// The filled inverse table (raw integers of its type).
    pub const fn inv_table(&self) -> &[i64] {
        self.inv
    }

    /// One row of `n` values of `data_T` to `n` values of `res_T`.
    pub fn run<E: Element, O: Element>(
        &self,
        input: &[E],
        output: &mut [O],
    ) -> Result<(), NnError> {
        let p = &self.params;
        check_element::<E>("input", &p.input)?;
        check_element::<O>("output", &p.output)?;
        check_len("input", p.n, input.len())?;
        check_len("output", p.n, output.len())?;
        check_all("an input lies outside data_T", &p.input, input)?;
        match self.plan {
            Plan::Tables {
                exp_index,
                inv_index,
                norm,
                stable,
                exp_to_acc,
                sum,
                to_inv_inp,
                out,
            } => {
                let xmax = if stable {
                    input.iter().map(|x| x.to_raw()).max().unwrap_or(0)
                } else {
                    0
                };
                let leaf = |i: usize| -> i64 {
                    let x = input[i].to_raw();
                    let k = if stable {
                        exp_index.of(norm.apply(i128::from(xmax) - i128::from(x)))
                    } else {
                        exp_index.of(x)
                    };
                    exp_to_acc.apply(i128::from(self.exp[k]))
                };
                let total = tree(&leaf, &sum, 0, p.n);
                let inv = self.inv[inv_index.of(to_inv_inp.apply(i128::from(total)))];
                for (i, y) in output.iter_mut().enumerate() {
                    *y = O::from_raw(out.apply(i128::from(leaf(i)) * i128::from(inv)));
                }
            }
            Plan::Legacy { one, sum, out } => {
                let t = p.legacy_table.frac_bits();
                let fin = p.input.frac_bits();
                let se = p.exp_table_size;
                let si = p.inv_table_size;
                let half = (8u32.wrapping_mul(se as u32) / 16) as i32;
                for (i, y) in output.iter_mut().enumerate() {
                    let xi = i128::from(input[i].to_raw());
                    let mut acc: i64 = 0;
                    for (j, xj) in input.iter().enumerate() {
                        let d = if i == j {
                            one
                        } else {
                            let diff = i128::from(xj.to_raw()) - xi;
                            // int((x_j - x_i) * S / 16): the quotient truncated toward 0.
                            let round = to_int(diff * se as i128, fin + 4);
                            self.exp[clamp(round.wrapping_add(half), se)]
                        };
                        acc = sum.apply(i128::from(acc) + i128::from(d));
                    }
                    let m = to_int(i128::from(acc) * si as i128, t + 6);
                    *y = O::from_raw(out.apply(i128::from(self.inv[clamp(m, si)])));
                }
            }
            Plan::Argmax { zero, one } => {
                let mut best = 0;
                for i in 1..p.n {
                    if input[i].to_raw() > input[best].to_raw() {
                        best = i;
                    }
                }
                for (i, y) in output.iter_mut().enumerate() {
                    *y = O::from_raw(if i == best { one } else { zero });
                }
            }
        }
        Ok(())
    }
}

/// `if (index < 0) index = 0; if (index > size - 1) index = size - 1;` (the second
/// comparison in unsigned arithmetic, on a non-negative index).
#[inline(always)]
fn clamp(index: i32, size: usize) -> usize {
    if index < 0 {
        0
    } else {
        (index as usize).min(size - 1)
    }
}

/// `nnet::reduce<accum_t, N, Op_add<accum_t>>` over the leaves `first .. first + n`: a
/// node over n > 2 leaves adds the tree over the first 2^⌊log2(n − 1)⌋ leaves to the tree
/// over the rest, each sum cast into `accum_t`.
fn tree(leaf: &impl Fn(usize) -> i64, sum: &Requant, first: usize, n: usize) -> i64 {
    match n {
        0 => 0,
        1 => leaf(first),
        2 => sum.apply(i128::from(leaf(first)) + i128::from(leaf(first + 1))),
        _ => {
            let left = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            let a = tree(leaf, sum, first, left);
            let b = tree(leaf, sum, first + left, n - left);
            sum.apply(i128::from(a) + i128::from(b))
        }
    }
}

/// `init_exp_table_legacy` and `init_invert_table_legacy`.
fn legacy_tables(t: &FixedFormat, exp: &mut [i64], inv: &mut [i64]) -> Result<(), NnError> {
    let s = exp.len() as i64;
    // float in_val = 2 * 8.0 * (ii - float(N) / 2.0) / float(N), in double.
    let sd = f64_of_int(s);
    let half = F64.div(sd, f64_of_int(2));
    let sixteen = f64_of_int(16);
    for (ii, e) in exp.iter_mut().enumerate() {
        let d = F64.sub(f64_of_int(ii as i64), half);
        let q = F64.div(F64.mul(sixteen, d), sd);
        *e = exp_entry(f32_of_f64(q), t, "softmax legacy exp", ii)?;
    }
    // float in_val = 64.0 * ii / float(N); entry 1.0 / in_val in double (0 for in_val 0).
    let s = inv.len() as i64;
    let sd = f64_of_int(s);
    let sixty_four = f64_of_int(64);
    for (ii, e) in inv.iter_mut().enumerate() {
        let x = f32_of_f64(F64.div(F64.mul(sixty_four, f64_of_int(ii as i64)), sd));
        *e = if x == 0 {
            0
        } else {
            let xd = F64.convert_from(&F32, x);
            fixed_of_float(&F64, F64.div(F64_ONE, xd), t)
        };
    }
    Ok(())
}
