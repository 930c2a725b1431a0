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
//!
//! ## The fast path, and why it is the same
//!
//! Let s = F_acc − F_x − F_w, D_o = Σ_i x_i·w[i][o] (raw integers), a₀ = `(accum_t)bias[o]`,
//! M = max_i |x_i| for the input vector and L = max_o Σ_i |w[i][o]| (computed once by
//! [`Dense::new`]; one number rather than one per output, so that the layer allocates
//! nothing and stays `Copy`). When s ≥ 0 every product x_i·w·2^s has an exact `accum_t`
//! pattern, and [`Dense::run`] computes D_o for blocks of outputs with the rows of the
//! weights in order (outputs in the inner, vectorized loop), then:
//!
//! - `accum_t` with `AP_WRAP` and no saturation bits: every cast into it (the product's
//!   and each sum's) keeps the value modulo 2^W and lands in a range of 2^W consecutive
//!   integers. By induction every partial sum, in any order, is congruent to a₀ plus the
//!   products so far, so the final accumulator is the one value of the range congruent to
//!   a₀ + D_o·2^s: the fast path wraps that sum once. D_o is computed modulo 2^32 or 2^64
//!   (wrapping arithmetic is exact modulo its width), which determines D_o·2^s modulo 2^W
//!   when the width is at least W;
//! - any other overflow mode: with B = 2^s·M·L, every product lies in [−B, B] and every
//!   partial sum in [a₀ − B, a₀ + B], whatever the order. When both intervals lie in the
//!   range where a cast into `accum_t` is the identity (without its most negative code
//!   under `AP_SAT_SYM`), no cast acts and acc = a₀ + D_o·2^s, computed exactly in 32- or
//!   64-bit arithmetic since |D_o| ≤ M·L < 2^31 (2^63). An output that fails the bound
//!   takes the literal steps.
//!
//! In both cases the result does not depend on the order, so it is every strategy's.
//! Otherwise (s < 0, products that round) the model takes the literal steps. The unit
//! tests compare the two on random configurations, orders, every quantization and
//! overflow mode of `accum_t`, extreme inputs and sums at the edge of the bound.

use super::check_all;
use crate::fixed::{FixedFormat, OverflowMode};
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
    /// The fast path's plan (see the module documentation), `None` when the product cast
    /// can round.
    fast: Option<Fast>,
}

/// The plan of the fast path: the product cast is `x·w·2^shift` (exact), and either the
/// accumulator wraps modulo 2^W or the bound decides per call.
#[derive(Clone, Copy, Debug)]
struct Fast {
    /// s = F_acc − F_x − F_w ≥ 0.
    shift: u32,
    /// `accum_t` is `AP_WRAP` without saturation bits: every cast into it keeps the low W
    /// bits, so the result is the exact sum modulo 2^W.
    modular: bool,
    /// max_o Σ_i |w[i][o]|.
    l: u128,
    /// max |w|.
    w_max: u64,
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
        let fa = p.accum.frac_bits();
        let fast = (fa >= fp).then(|| {
            let (l, w_max) = column_bounds(weights, p.n_out);
            Fast {
                shift: (fa - fp) as u32,
                modular: p.accum.overflow() == OverflowMode::Wrap && p.accum.sat_bits() == 0,
                l,
                w_max,
            }
        });
        Ok(Dense {
            params,
            weights,
            biases,
            order,
            product: Requant::new(fp, p.accum),
            bias: Requant::new(p.bias.frac_bits(), p.accum),
            sum: Requant::new(p.accum.frac_bits(), p.accum),
            out: Requant::new(p.accum.frac_bits(), p.output),
            fast,
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
        if let Some(f) = self.fast {
            let _ = self.run_fast(&f, input, output);
        } else {
            self.run_exact(input, output, 0);
        }
        Ok(())
    }

    /// The literal steps for outputs `first..first + output.len()`: every product and
    /// every partial sum cast into `accum_t`, in the strategy's order.
    fn run_exact<E: Element, O: Element>(&self, input: &[E], output: &mut [O], first: usize) {
        let p = &self.params;
        let n_in = p.n_in;
        let n_out = p.n_out;
        for (k, y) in output.iter_mut().enumerate() {
            let o = first + k;
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
    }

    /// The fast path: D_o = Σ_i x_i·w[i][o] for a block of outputs at a time (rows of the
    /// weights in order, outputs in the inner loop), then acc = bias_cast(b[o]) + D_o·2^s,
    /// wrapped into `accum_t` when it wraps, else taken only when the bound shows that no
    /// step casts (the outputs that fail it take the literal steps).
    /// Returns how many outputs it computed without the literal steps.
    fn run_fast<E: Element, O: Element>(&self, f: &Fast, input: &[E], output: &mut [O]) -> usize {
        let p = &self.params;
        let m = max_abs(input);
        let ml = u128::from(m).saturating_mul(f.l);
        let acc_fmt = &p.accum;
        let width = acc_fmt.width();
        // The bound 2^s·M·L, when it is below 2^63 (else no output can pass it).
        let bound = (f.shift < 64 && ml < 1 << 63)
            .then(|| ml << f.shift)
            .filter(|&b| b < 1 << 63)
            .map(|b| b as i128);
        if !f.modular && bound.is_none() {
            self.run_exact(input, output, 0);
            return 0;
        }
        let kernel = Kernel::choose(f, m, width);
        // The raw range in which a cast into accum_t is the identity (SAT_SYM never holds
        // the most negative code, except in W = 1).
        let hi = acc_fmt.max_raw();
        let sym = acc_fmt.overflow() == OverflowMode::SatSym && acc_fmt.is_signed() && width > 1;
        let lo = if sym { -hi } else { acc_fmt.min_raw() };
        let n_out = p.n_out;
        let mut d = [0i64; BLOCK];
        let mut fast = 0;
        for (b, ys) in output.chunks_mut(BLOCK).enumerate() {
            let first = b * BLOCK;
            let d = &mut d[..ys.len()];
            block_dot(kernel, input, self.weights, n_out, first, d);
            for (k, y) in ys.iter_mut().enumerate() {
                let o = first + k;
                let a0 = i128::from(self.bias.apply(i128::from(self.biases[o].to_raw())));
                let acc = if f.modular {
                    // (D mod 2^k)·2^s ≡ D·2^s (mod 2^W) for k ≥ W; a shift of W or more
                    // leaves nothing modulo 2^W.
                    let q = if f.shift >= 64 {
                        0
                    } else {
                        i128::from(d[k]) << f.shift
                    };
                    wrap(a0 + q, acc_fmt.is_signed(), width)
                } else {
                    match bound {
                        // Every product lies in [−B, B] and every partial sum in
                        // [a0 − B, a0 + B]: all within [lo, hi], every cast the identity.
                        Some(bd) if -bd >= lo && bd <= hi && a0 - bd >= lo && a0 + bd <= hi => {
                            a0 + (i128::from(d[k]) << f.shift)
                        }
                        _ => {
                            self.run_exact(input, core::slice::from_mut(y), o);
                            continue;
                        }
                    }
                };
                *y = O::from_raw(self.out.apply(acc));
                fast += 1;
            }
        }
        fast
    }
}

/// Outputs per block of the fast path (a stack array of `i64`).
const BLOCK: usize = 256;

/// The arithmetic of [`block_dot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kernel {
    /// Wrapping `i32`: D modulo 2^32.
    I32,
    /// `i64` lanes with `i32` operands (|x|, |w| < 2^31, so every product is exact):
    /// D modulo 2^64.
    I64Narrow,
    /// Wrapping `i64`: D modulo 2^64.
    I64,
}

impl Kernel {
    /// The arithmetic for input magnitude `m` and an accumulator of `width` bits.
    ///
    /// Which residue the kernel gives: D modulo 2^32 or 2^64. A bounded sum needs
    /// |D| ≤ M·L below 2^31 (2^63) to be its residue; a wrapping accumulator needs only
    /// D·2^s modulo 2^W, which a residue modulo 2^k with k ≥ W determines.
    fn choose(f: &Fast, m: u64, width: u32) -> Kernel {
        if u128::from(m).saturating_mul(f.l) < 1 << 31 || (f.modular && width <= 32) {
            Kernel::I32
        } else if m < 1 << 31 && f.w_max < 1 << 31 {
            Kernel::I64Narrow
        } else {
            Kernel::I64
        }
    }
}

/// The low `width` bits of `q`, sign-extended for signed types (`AP_WRAP`).
#[inline(always)]
fn wrap(q: i128, signed: bool, width: u32) -> i128 {
    let sh = 128 - width;
    if signed {
        (q << sh) >> sh
    } else {
        ((q as u128) << sh >> sh) as i128
    }
}

/// max |x_i| (as u64: |i64::MIN| = 2^63).
#[inline(always)]
fn max_abs<X: Element>(x: &[X]) -> u64 {
    x.iter().fold(0u64, |m, v| m.max(v.to_raw().unsigned_abs()))
}

/// max_o Σ_i |w[i][o]| and max |w| of `[n_in][n_out]` weights (exact: fewer than 2^64
/// terms below 2^64 each), a block of columns at a time.
fn column_bounds<W: Element>(weights: &[W], n_out: usize) -> (u128, u64) {
    let mut l = 0u128;
    let mut w_max = 0u64;
    let mut sums = [0u128; BLOCK];
    for first in (0..n_out).step_by(BLOCK) {
        let n = BLOCK.min(n_out - first);
        let sums = &mut sums[..n];
        sums.fill(0);
        for row in weights.chunks_exact(n_out) {
            for (s, w) in sums.iter_mut().zip(&row[first..first + n]) {
                let a = w.to_raw().unsigned_abs();
                w_max = w_max.max(a);
                *s += u128::from(a);
            }
        }
        l = sums.iter().fold(l, |m, &s| m.max(s));
    }
    (l, w_max)
}

/// `d[k] = Σ_i x_i·w[i][first + k]` modulo 2^32 (sign-extended) or 2^64, as `kernel`
/// says, with the rows of the weights read in order and the outputs in the inner loop
/// (which vectorizes), compiled for the widest instruction set the CPU has
/// (`dispatch::wide`; the same result).
#[inline(never)]
fn block_dot<X: Element, W: Element>(
    kernel: Kernel,
    x: &[X],
    weights: &[W],
    n_out: usize,
    first: usize,
    d: &mut [i64],
) {
    let n = d.len();
    let rows = weights.chunks_exact(n_out).map(|r| &r[first..first + n]);
    match kernel {
        Kernel::I32 => {
            let mut a = [0i32; BLOCK];
            let a = &mut a[..n];
            crate::dispatch::wide(
                #[inline(always)]
                || {
                    for (xi, row) in x.iter().zip(rows) {
                        let xi = xi.to_raw() as i32;
                        for (s, w) in a.iter_mut().zip(row) {
                            *s = s.wrapping_add(xi.wrapping_mul(w.to_raw() as i32));
                        }
                    }
                },
            );
            for (t, s) in d.iter_mut().zip(a.iter()) {
                *t = i64::from(*s);
            }
        }
        Kernel::I64Narrow => {
            d.fill(0);
            crate::dispatch::wide(
                #[inline(always)]
                || {
                    for (xi, row) in x.iter().zip(rows) {
                        let xi = i64::from(xi.to_raw() as i32);
                        for (s, w) in d.iter_mut().zip(row) {
                            *s = s.wrapping_add(xi * i64::from(w.to_raw() as i32));
                        }
                    }
                },
            );
        }
        Kernel::I64 => {
            d.fill(0);
            crate::dispatch::wide(
                #[inline(always)]
                || {
                    for (xi, row) in x.iter().zip(rows) {
                        let xi = xi.to_raw();
                        for (s, w) in d.iter_mut().zip(row) {
                            *s = s.wrapping_add(xi.wrapping_mul(w.to_raw()));
                        }
                    }
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::fixed::{Family, FixedParams, Quantization};
    use std::vec::Vec;

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn range(&mut self, lo: i64, hi: i64) -> i64 {
            lo + self.below((hi - lo + 1) as u64) as i64
        }
        /// A raw value of `f`: an extreme, random bits, or a value of at most `mag` bits.
        fn raw(&mut self, f: &FixedFormat, mag: u32, extremes: bool) -> i64 {
            let (lo, hi) = (f.min_raw() as i64, f.max_raw() as i64);
            match self.below(if extremes { 2 } else { 8 }) {
                0 => [lo, hi][self.below(2) as usize],
                1 => [lo, hi, 0, 1, -1, lo + 1, hi - 1][self.below(7) as usize].clamp(lo, hi),
                2 => f.raw_of(self.next()) as i64,
                _ => {
                    let m = (self.next() >> (64 - mag.clamp(1, 63))) as i64;
                    let v = if f.is_signed() && self.below(2) == 0 {
                        -m
                    } else {
                        m
                    };
                    v.clamp(lo, hi)
                }
            }
        }
    }

    const QUANTS: [Quantization; 8] = [
        Quantization::Trn,
        Quantization::TrnZero,
        Quantization::Rnd,
        Quantization::RndZero,
        Quantization::RndMinInf,
        Quantization::RndInf,
        Quantization::RndConv,
        Quantization::RndConvOdd,
    ];

    const OVERFLOWS: [(OverflowMode, u32); 7] = [
        (OverflowMode::Sat, 0),
        (OverflowMode::SatSym, 0),
        (OverflowMode::SatZero, 0),
        (OverflowMode::Wrap, 0),
        (OverflowMode::Wrap, 0),
        (OverflowMode::Wrap, 2),
        (OverflowMode::WrapSm, 0),
    ];

    /// A random type of width up to `max_w` with about `frac` fraction bits.
    fn random_format(r: &mut Rng, max_w: u32, frac: i32, any_mode: bool) -> FixedFormat {
        loop {
            let width = 1 + r.below(u64::from(max_w)) as u32;
            let signed = r.below(4) != 0;
            let int_bits = width as i32 - frac - r.range(-2, 2) as i32;
            let (quantization, (overflow, sat_bits)) = if any_mode {
                (
                    QUANTS[r.below(8) as usize],
                    OVERFLOWS[r.below(OVERFLOWS.len() as u64) as usize],
                )
            } else {
                (Quantization::Trn, (OverflowMode::Wrap, 0))
            };
            let family = if quantization == Quantization::RndConvOdd {
                Family::AcFixed
            } else {
                Family::ApFixed
            };
            let p = FixedParams {
                family,
                width,
                int_bits,
                signed,
                quantization,
                overflow,
                sat_bits: sat_bits.min(width),
            };
            if let Ok(f) = FixedFormat::new(p) {
                if check_format("", &f).is_ok() {
                    return f;
                }
            }
        }
    }

    fn random_strategy(r: &mut Rng, n_in: usize, n_out: usize) -> Strategy {
        let rf = match r.below(4) {
            0 => return Strategy::Latency,
            1 => 1 + r.below(n_in as u64) as usize,
            2 => n_in * (1 + r.below(3) as usize),
            _ => n_in + 1 + r.below(2 * n_in as u64 + 3) as usize,
        };
        let _ = n_out;
        Strategy::Resource { reuse_factor: rf }
    }

    /// Compares the fast path with the literal steps; returns (outputs compared, outputs
    /// on the fast path).
    fn compare(d: &Dense<'_>, x: &[i64], kernels: &mut [u64; 3]) -> (u64, u64) {
        let n_out = d.params.n_out;
        let mut want = std::vec![0i64; n_out];
        let mut got = std::vec![0i64; n_out];
        d.run_exact(x, &mut want, 0);
        let fast = match d.fast {
            Some(f) => {
                let k = Kernel::choose(&f, max_abs(x), d.params.accum.width());
                kernels[k as usize] += 1;
                d.run_fast(&f, x, &mut got)
            }
            None => {
                d.run(x, &mut got).unwrap();
                0
            }
        };
        assert_eq!(got, want, "{:?} x {x:?}", d.params);
        let mut via_run = std::vec![0i64; n_out];
        d.run(x, &mut via_run).unwrap();
        assert_eq!(via_run, want);
        (n_out as u64, fast as u64)
    }

    #[test]
    fn fast_path_is_the_literal_steps() {
        let mut r = Rng(0x5EED_0001);
        let (mut compared, mut fast, mut modular, mut layers) = (0u64, 0u64, 0u64, 0u64);
        let (mut strategies, mut kernels) = ([0u64; 3], [0u64; 3]);
        while compared < 500_000 || layers < 2000 {
            let big = r.below(8) == 0;
            let n_in = 1 + r.below(if big { 400 } else { 40 }) as usize;
            let n_out = 1 + r.below(if big { 400 } else { 40 }) as usize;
            // Now and then operands of 32 bits or more (the full 64-bit products).
            let wide = r.below(8) == 0;
            let (f, any) = (r.range(-2, 12) as i32, r.below(2) == 0);
            let input = random_format(&mut r, if wide { 40 } else { 20 }, f, any);
            let (f, any) = (r.range(-2, 10) as i32, r.below(2) == 0);
            let weight = random_format(&mut r, if wide { 36 } else { 16 }, f, any);
            let f = r.range(-2, 14) as i32;
            let bias = random_format(&mut r, 24, f, true);
            let f = r.range(-2, 14) as i32;
            let output = random_format(&mut r, 24, f, true);
            // Mostly enough fraction bits for exact products; widths from tight to ample.
            let fp = input.frac_bits() + weight.frac_bits();
            let fa = fp + r.range(-2, 4) as i32;
            let accum = random_format(&mut r, 64, fa, true);
            let p = DenseParams {
                n_in,
                n_out,
                input,
                output,
                weight,
                bias,
                accum,
                strategy: random_strategy(&mut r, n_in, n_out),
            };
            let extremes = r.below(3) == 0;
            let wmag = 1 + r.below(u64::from(weight.width())) as u32;
            let w: Vec<i64> = (0..n_in * n_out)
                .map(|_| r.raw(&weight, wmag, extremes))
                .collect();
            let b: Vec<i64> = (0..n_out).map(|_| r.raw(&bias, 24, false)).collect();
            let d = match Dense::new(p, &w, &b) {
                Ok(d) => d,
                Err(_) => continue,
            };
            layers += 1;
            strategies[match d.order {
                Order::Sequential => 0,
                Order::Strided { .. } => 1,
                Order::Modular { .. } => 2,
            }] += 1;
            for _ in 0..3 {
                let xmag = 1 + r.below(u64::from(input.width())) as u32;
                let x: Vec<i64> = (0..n_in).map(|_| r.raw(&input, xmag, extremes)).collect();
                let (c, f) = compare(&d, &x, &mut kernels);
                compared += c;
                fast += f;
                if d.fast.is_some_and(|f| f.modular) {
                    modular += f;
                }
            }
        }
        std::println!(
            "{layers} layers, {compared} outputs compared, {fast} on the fast path \
             ({modular} wrapping), orders {strategies:?}, kernels {kernels:?}"
        );
        assert!(fast > 100_000 && modular > 50_000 && fast + 100_000 < compared);
        assert!(strategies.iter().all(|&s| s > 50) && kernels.iter().all(|&k| k > 50));
    }

    /// 64-bit operands: M·L beyond 2^128 (the bound saturates, the wrapping kernel is the
    /// full 64-bit one).
    #[test]
    fn extreme_magnitudes() {
        let mut kernels = [0u64; 3];
        for o in [OverflowMode::Wrap, OverflowMode::Sat, OverflowMode::SatSym] {
            for frac in [0, 3] {
                let mut a = FixedParams::ap_fixed(64, 64 - frac);
                a.overflow = o;
                let acc = FixedFormat::new(a).unwrap();
                let t = FixedFormat::ap_fixed(64, 64).unwrap();
                let p = DenseParams::with_converter_defaults(6, 3, t, t, t, t, acc);
                let (lo, hi) = (i64::MIN, i64::MAX);
                let w = [
                    lo, hi, 1, lo, lo, -1, hi, hi, 0, 7, lo, hi, -5, 3, lo, hi, hi, hi,
                ];
                let b = [lo, hi, 3];
                let d = Dense::new(p, &w, &b).unwrap();
                for x in [[lo; 6], [hi; 6], [lo, hi, 0, 1, -1, lo], [0, 0, 0, 0, 0, 1]] {
                    compare(&d, &x, &mut kernels);
                }
            }
        }
        assert!(kernels[2] > 0);
    }

    /// Integer types, s = 0: x = (3, 3) with w = (10, 32) reaches 126 ≤ 127, the bound
    /// holds and the fast path is taken; with w = (10, 33) the sum 129 saturates, so the
    /// bound (129) must fail and the literal steps give 127.
    #[test]
    fn bound_edge() {
        let int = |w: u32, o: OverflowMode| {
            let mut p = FixedParams::ap_fixed(w, w as i32);
            p.overflow = o;
            FixedFormat::new(p).unwrap()
        };
        for (o, lo) in [(OverflowMode::Sat, -128), (OverflowMode::SatSym, -127)] {
            let acc = int(8, o);
            let t = int(16, OverflowMode::Wrap);
            let p = DenseParams::with_converter_defaults(2, 1, t, t, t, t, acc);
            let run = |w: &[i64], b: i64, x: &[i64]| {
                let bs = [b];
                let d = Dense::new(p, w, &bs).unwrap();
                let mut y = [0i64];
                let n = d.run_fast(&d.fast.unwrap(), x, &mut y);
                let mut want = [0i64];
                d.run_exact(x, &mut want, 0);
                assert_eq!(y, want);
                (y[0], n)
            };
            assert_eq!(run(&[10, 32], 0, &[3, 3]), (126, 1));
            assert_eq!(run(&[10, 32], 1, &[3, 3]), (127, 1));
            assert_eq!(run(&[10, 32], 2, &[3, 3]), (127, 0)); // 128 saturates
            assert_eq!(run(&[10, 33], 0, &[3, 3]), (127, 0));
            assert_eq!(run(&[10, 33], 0, &[3, -3]), (-69, 0)); // bound fails, no cast acts
            assert_eq!(run(&[-10, -32], 0, &[3, 3]), (-126, 1));
            // −126 − 1 = −127: inside SAT_SYM's range; −126 − 2 = −128 is not.
            assert_eq!(run(&[-10, -32], -1, &[3, 3]), (-127, 1));
            assert_eq!(run(&[-10, -32], -2, &[3, 3]).0, lo);
            // Order matters once a step saturates: 129 → 127, then −30: 97, not 99.
            assert_eq!(run(&[43, -10], 0, &[3, 3]), (97, 0));
        }
        // A wrapping accumulator takes the fast path whatever the sum.
        let acc = int(8, OverflowMode::Wrap);
        let t = int(16, OverflowMode::Wrap);
        let p = DenseParams::with_converter_defaults(2, 1, t, t, t, t, acc);
        let (w, b) = ([1000i64, 1000], [5i64]);
        let d = Dense::new(p, &w, &b).unwrap();
        let mut y = [0i64];
        assert_eq!(d.run_fast(&d.fast.unwrap(), &[100, 100], &mut y), 1);
        assert_eq!(y[0], i64::from((200_005i32 as u32 as u8) as i8));
        // With saturation bits (AP_WRAP, N = 1) the accumulator does not wrap modulo 2^W.
        let mut pw = FixedParams::ap_fixed(8, 8);
        pw.sat_bits = 1;
        let p =
            DenseParams::with_converter_defaults(2, 1, t, t, t, t, FixedFormat::new(pw).unwrap());
        let d = Dense::new(p, &w, &b).unwrap();
        assert!(!d.fast.unwrap().modular);
        assert_eq!(d.run_fast(&d.fast.unwrap(), &[100, 100], &mut y), 0);
    }
}
