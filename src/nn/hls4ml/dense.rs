//! `nnet::dense` (io_parallel): the latency strategy (`nnet_dense_latency.h`) and the
//! resource strategy (`nnet_dense_resource.h`, its three reuse-factor branches).
//!
//! What the headers compute (with `product = nnet::product::mult`, the product hls4ml
//! chooses for fixed-point inputs and weights):
//!
//! - every product `x[i] * w` in its full-precision type, cast into `accum_t`
//!   (`mult[index] = product(...)` / `static_cast<accum_t>(product(...))`);
//! - each accumulator starts at `(accum_t)bias[o]`, and every `acc[o] += mult` is an exact
//!   sum of two `accum_t` values cast back into `accum_t` (only the overflow mode can act);
//! - `res[o] = (res_T)acc[o]`.
//!
//! The strategies differ only in the order in which output `o` receives its products,
//! which matters once `accum_t` saturates:
//!
//! - latency: i = 0, 1, …, n_in − 1;
//! - resource, `reuse_factor <= n_in` (`dense_resource_rf_leq_nin`): for ir = 0 … rf − 1,
//!   i = ir, ir + rf, ir + 2·rf, … (< n_in);
//! - resource, rf > n_in and rf % n_in == 0 (`dense_resource_rf_gt_nin_rem0`):
//!   i = 0, 1, …, n_in − 1;
//! - resource, rf > n_in otherwise (`dense_resource_rf_gt_nin`; the converter never
//!   picks such a reuse factor, `nnet::dense_resource` does): the weight index
//!   w = o·n_in + i in the order of w mod rf, i.e. i = rf − s, …, n_in − 1 then
//!   0, …, rf − s − 1 with s = (o·n_in) mod rf (when s + n_in > rf; else in order).
//!
//! Weights are given as hls4ml stores them for a Keras/PyTorch dense layer:
//! `[n_in][n_out]`, row-major (weight of input i for output o at `i * n_out + o`). The
//! latency kernel reads that array as is. For the resource strategy the converter
//! transposes it (`ApplyResourceStrategy`: `np.transpose`), so the C++ kernel reads
//! `weights[w]` with w = o·n_in + i; the model reads the same weight from the untransposed
//! array.

use super::check_all;
use crate::fixed::FixedFormat;
use crate::nn::{Element, NnError, Requant, check_element, check_format, check_len};

/// The `strategy` of an hls4ml dense layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// `Strategy: Latency` (`nnet::DenseLatency`).
    Latency,
    /// `Strategy: Resource` with its `ReuseFactor` (`nnet::dense_resource`, which picks
    /// `rf_leq_nin`, `rf_gt_nin_rem0` or `rf_gt_nin` from the reuse factor).
    Resource {
        /// The reuse factor (`reuse_factor` of the config struct).
        reuse_factor: usize,
    },
}

/// The configuration of an hls4ml dense layer: the members of its `config` struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DenseParams {
    /// `n_in`.
    pub n_in: usize,
    /// `n_out`.
    pub n_out: usize,
    /// `data_T`, the input type.
    pub input: FixedFormat,
    /// `res_T`, the output type.
    pub output: FixedFormat,
    /// `weight_t`.
    pub weight: FixedFormat,
    /// `bias_t`.
    pub bias: FixedFormat,
    /// `accum_t`.
    pub accum: FixedFormat,
    /// The strategy (and reuse factor).
    pub strategy: Strategy,
}

impl DenseParams {
    /// The converter's configuration for the given sizes and types: strategy latency
    /// (hls4ml's default `Strategy`), reuse factor 1. `accum` is the layer's `accum_t`,
    /// which the converter takes from the model's default precision unless the user sets
    /// one.
    pub const fn with_converter_defaults(
        n_in: usize,
        n_out: usize,
        input: FixedFormat,
        output: FixedFormat,
        weight: FixedFormat,
        bias: FixedFormat,
        accum: FixedFormat,
    ) -> DenseParams {
        DenseParams {
            n_in,
            n_out,
            input,
            output,
            weight,
            bias,
            accum,
            strategy: Strategy::Latency,
        }
    }
}

/// The order in which an output receives its products (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// i = 0 … n_in − 1.
    Sequential,
    /// `rf_leq_nin`: for ir < rf, i = ir + rf·j.
    Strided { rf: usize },
    /// `rf_gt_nin`: by weight index modulo rf.
    Modular { rf: usize },
}

/// An hls4ml dense layer with its weights and biases.
///
/// ```
/// use lowprec::fixed::FixedFormat;
/// use lowprec::nn::hls4ml::{Dense, DenseParams, Strategy};
/// let t = |s: &str| s.parse::<FixedFormat>().unwrap();
/// let mut p = DenseParams::with_converter_defaults(
///     2, 3, t("ap_fixed<8,3>"), t("ap_fixed<8,3>"), t("ap_fixed<6,1>"),
///     t("ap_fixed<8,3>"), t("ap_fixed<10,4>"));
/// p.strategy = Strategy::Resource { reuse_factor: 2 };
/// // weights [n_in][n_out]: 0.5, -0.25, 0 / 0.75, 0.5, -1 (raw · 2^-5)
/// let w: [i64; 6] = [16, -8, 0, 24, 16, -32];
/// let b: [i64; 3] = [32, 0, -32]; // 1, 0, -1
/// let dense = Dense::new(p, &w, &b)?;
/// let mut y = [0i64; 3];
/// dense.run(&[32i64, 64], &mut y)?; // x = (1, 2)
/// assert_eq!(y, [32 + 16 + 48, -8 + 32, -32 - 64]); // 3, 0.75, -3
/// # Ok::<(), lowprec::nn::NnError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Dense<'a, W: Element = i64, B: Element = i64> {
    params: DenseParams,
    weights: &'a [W],
    biases: &'a [B],
    order: Order,
    product: Requant,
    bias: Requant,
    sum: Requant,
    out: Requant,
}

impl<'a, W: Element, B: Element> Dense<'a, W, B> {
    /// Checks the configuration, the weights (`[n_in][n_out]`, row-major, as hls4ml
    /// stores them) and biases, and plans the casts.
    ///
    /// Refuses the reuse factors for which the C++ kernel asserts or reads out of bounds
    /// (`rf_leq_nin` with n_in·n_out not a multiple of rf, or with
    /// ⌈n_in·n_out / rf⌉ not a multiple of n_out).
    pub fn new(params: DenseParams, weights: &'a [W], biases: &'a [B]) -> Result<Self, NnError> {
        let p = &params;
        check_format("input", &p.input)?;
        check_format("output", &p.output)?;
        check_format("weight", &p.weight)?;
        check_format("bias", &p.bias)?;
        check_format("accum", &p.accum)?;
        check_element::<W>("weights", &p.weight)?;
        check_element::<B>("biases", &p.bias)?;
        if p.n_in == 0 || p.n_out == 0 {
            return Err(NnError::Config("n_in and n_out must be at least 1"));
        }
        let n = p
            .n_in
            .checked_mul(p.n_out)
            .ok_or(NnError::Config("n_in · n_out overflows"))?;
        check_len("weights", n, weights.len())?;
        check_len("biases", p.n_out, biases.len())?;
        check_all("a weight lies outside weight_t", &p.weight, weights)?;
        check_all("a bias lies outside bias_t", &p.bias, biases)?;
        let order = match p.strategy {
            Strategy::Latency => Order::Sequential,
            Strategy::Resource { reuse_factor: rf } => {
                if rf == 0 {
                    return Err(NnError::Config("reuse_factor must be at least 1"));
                }
                if rf <= p.n_in {
                    // multiplier_limit = ceil(n_in·n_out / rf); the kernel asserts
                    // multiplier_limit % n_out == 0 || rf >= n_in, and its weight index
                    // reaches rf·multiplier_limit − 1.
                    let limit = n.div_ceil(rf);
                    if n % rf != 0 {
                        return Err(NnError::Config(
                            "reuse_factor must divide n_in · n_out (the resource kernel reads \
                             out of bounds)",
                        ));
                    }
                    if limit % p.n_out != 0 && rf < p.n_in {
                        return Err(NnError::Config(
                            "reuse_factor not allowed: the resource kernel asserts \
                             multiplier_limit % n_out == 0",
                        ));
                    }
                    // With both, n_in % rf == 0.
                    Order::Strided { rf }
                } else if rf % p.n_in == 0 {
                    Order::Sequential
                } else {
                    Order::Modular { rf }
                }
            }
        };
        let fp = p.input.frac_bits() + p.weight.frac_bits();
        Ok(Dense {
            params,
            weights,
            biases,
            order,
            product: Requant::new(fp, p.accum),
            bias: Requant::new(p.bias.frac_bits(), p.accum),
            sum: Requant::new(p.accum.frac_bits(), p.accum),
            out: Requant::new(p.accum.frac_bits(), p.output),
        })
    }

    /// The configuration.
    pub const fn params(&self) -> &DenseParams {
        &self.params
    }

    /// One input vector (`n_in` values of `data_T`) to one output vector (`n_out` values of
    /// `res_T`).
    pub fn run<E: Element, O: Element>(
        &self,
        input: &[E],
        output: &mut [O],
    ) -> Result<(), NnError> {
        let p = &self.params;
        check_element::<E>("input", &p.input)?;
        check_element::<O>("output", &p.output)?;
        check_len("input", p.n_in, input.len())?;
        check_len("output", p.n_out, output.len())?;
        check_all("an input lies outside data_T", &p.input, input)?;
        let n_in = p.n_in;
        let n_out = p.n_out;
        for (o, y) in output.iter_mut().enumerate() {
            let mut acc = i128::from(self.bias.apply(i128::from(self.biases[o].to_raw())));
            let mut step = |i: usize| {
                let x = i128::from(input[i].to_raw());
                let w = i128::from(self.weights[i * n_out + o].to_raw());
                let m = i128::from(self.product.apply(x * w));
                acc = i128::from(self.sum.apply(acc + m));
            };
            match self.order {
                Order::Sequential => (0..n_in).for_each(&mut step),
                Order::Strided { rf } => {
                    for ir in 0..rf {
                        (ir..n_in).step_by(rf).for_each(&mut step);
                    }
                }
                Order::Modular { rf } => {
                    let s = (o * n_in) % rf;
                    if s + n_in > rf {
                        (rf - s..n_in).for_each(&mut step);
                        (0..rf - s).for_each(&mut step);
                    } else {
                        (0..n_in).for_each(&mut step);
                    }
                }
            }
            *y = O::from_raw(self.out.apply(acc));
        }
        Ok(())
    }
}
