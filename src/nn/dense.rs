//! Dense (fully connected) layer: y = out(acc(b + W·x)), with an optional ReLU.
//!
//! The golden model of `lowprec::nn::dense` in `hls/include/lowprec/nn/dense.h`; the two
//! agree bit for bit (`tests/nn_dense_hls.rs`).
//!
//! ## Layout
//! Weights are `[n_out][n_in]`, row-major: the weight from input `i` to output `j` is
//! `w[j * n_in + i]`. This is PyTorch's `nn.Linear.weight` layout (one row per output),
//! **not** hls4ml's (`[n_in][n_out]`); transpose hls4ml weights before use. Biases are
//! `[n_out]`. [`Dense::run_rows`] applies the layer to `rows` input vectors stored
//! row-major (`rows × n_in` in, `rows × n_out` out), as a transformer applies it to every
//! token of a sequence.
//!
//! ## Contract (both sides)
//! With `in_t`, `weight_t`, `bias_t`, `accum_t`, `out_t` the five types of the
//! configuration, `x` one input vector, and "cast to T" the fixed-point assignment of C++
//! (the exact value rounded with T's quantization mode, then T's overflow mode applied;
//! [`Requant`]), each output `j` is computed as follows.
//!
//! - [`Schedule::Latency`], the order of a fully unrolled multiply-accumulate chain:
//!   `acc = cast_accum(b[j])`, then for `i = 0, 1, …, n_in − 1` in ascending order
//!   `m = cast_accum(x[i] · w[j][i])` (the exact product) and `acc = cast_accum(acc + m)`
//!   (the exact sum). Every product and every partial sum is quantized and overflows
//!   (wraps or saturates) in `accum_t`, exactly as
//!   `accum_t m = x[i] * w[j][i]; acc = acc + m;` does in C++.
//! - [`Schedule::Wide`]: `acc = cast_accum(b[j] + Σ_i x[i] · w[j][i])`, the exact sum
//!   (no rounding, no overflow) cast once. The C++ kernel sums in an `ap_fixed` wide
//!   enough to hold it (the same width bound as [`Dense::new`] checks, at most 127 bits).
//! - Output: `y[j] = cast_out(acc)`; with `relu`, `y[j] = cast_out(max(acc, 0))`: the
//!   ReLU acts on the accumulator value **before** the output cast, so a wrapping output
//!   type never turns a negative sum into a positive output, nor a positive one into 0.
//!
//! Inputs, weights and biases are read as the raw integers given (value = raw · 2^−F of
//! their type); typed values ([`Fx`](crate::fixed::Fx)) are checked against the
//! configuration's types.
//!
//! ## The fast path, and why it is exact
//! Let `F_acc`, `F_x`, `F_w` be the fraction bits of `accum_t`, `in_t`, `weight_t`, and
//! `s = F_acc − F_x − F_w`. Write `D = Σ_i x_i·w_i` (raw integers), `M = max_i |x_i|` for
//! the input row, `L = Σ_i |w_ji|` for the weight row, and `[lo, hi]` for the raw range of
//! `accum_t` in which a cast is the identity (`lo = −hi` under `SAT_SYM`).
//!
//! *Latency.* If `s ≥ 0`, every product `q_i = x_i·w_i·2^s` is an exact `accum_t` raw
//! integer when in range, and `Σ_i |q_i| ≤ 2^s·M·L =: B`. With `a₀ = cast_accum(b[j])`, if
//! `−B ≥ lo`, `B ≤ hi`, `a₀ − B ≥ lo` and `a₀ + B ≤ hi`, then every product lies in
//! `[lo, hi]` (its cast is the identity) and, by induction, every partial sum is
//! `a₀ + Σ_{i<k} q_i ∈ [a₀ − B, a₀ + B] ⊆ [lo, hi]` (its cast is the identity too), so
//! `acc = a₀ + 2^s·D`. (An unsigned accumulator has `lo = 0` and passes only when
//! `B = 0`.) Otherwise the kernel takes every step: in `i64` when the accumulator has at
//! most 60 bits, a cast mode whose in-range values cast to themselves, and `M·L < 2^61`
//! (each product rounded by a per-mode addend, `Cast64`; a product or partial sum that
//! leaves the range goes through its planned [`Requant`]), else literally in `i128`.
//!
//! *Wide.* The exact sum is `b·2^(F − F_b) + D·2^(F − F_x − F_w)` with
//! `F = max(F_x + F_w, F_b)`.
//!
//! *D itself* is computed in wrapping `i32` arithmetic when `M·L < 2^31`, else in wrapping
//! `i64` when `M·L < 2^63`, else exactly in `i128`. Wrapping arithmetic gives `D` modulo
//! 2^32 (2^64) whatever the operands (truncating an operand keeps it modulo 2^32), and
//! `|D| ≤ M·L` is below 2^31 (2^63), so the residue is `D`. The `i32` loop vectorizes.
//! `M` is computed once per input row and `L` once per weight row and block of up to 64
//! input rows, so the bound costs a few percent of the multiply-accumulates in
//! [`Dense::run_rows`] (and as much as the products themselves in [`Dense::run`], which
//! sees one row). The unit tests check the fast path against the literal steps on random,
//! extreme and bound-failing inputs for every overflow mode.
//!
//! ```
//! use lowprec::fixed::FixedFormat;
//! use lowprec::nn::{Dense, DenseParams, Schedule};
//! let t = |s: &str| s.parse::<FixedFormat>().unwrap();
//! let dense = Dense::new(DenseParams {
//!     n_in: 2,
//!     n_out: 1,
//!     input: t("ap_fixed<8,4>"),
//!     weight: t("ap_fixed<8,2>"),
//!     bias: t("ap_fixed<8,4>"),
//!     accum: t("ap_fixed<8,4,AP_TRN,AP_SAT>"),
//!     output: t("ap_fixed<8,4>"),
//!     schedule: Schedule::Latency,
//!     relu: false,
//! })?;
//! // x = (7.5, 7.5), w = (1, 1), b = 0: 7.5 + 7.5 saturates at 7.9375.
//! let (x, w, b) = ([120i64, 120], [64i64, 64], [0i64]);
//! let mut y = [0i64];
//! dense.run(&x, &w, &b, &mut y)?;
//! assert_eq!(y, [127]);
//! # Ok::<(), lowprec::nn::NnError>(())
//! ```

use crate::fixed::{FixedFormat, OverflowMode};

use super::{Element, NnError, Requant, check_element, check_format, check_len};

/// The order in which a [`Dense`] layer accumulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Schedule {
    /// Every product and every partial sum is cast to the accumulator type, in input
    /// order (an unrolled multiply-accumulate chain).
    Latency,
    /// The exact sum of the bias and all products, cast once to the accumulator type.
    Wide,
}

/// The configuration of a [`Dense`] layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DenseParams {
    /// Inputs per vector (≥ 1).
    pub n_in: usize,
    /// Outputs per vector (≥ 1).
    pub n_out: usize,
    /// The input type (`in_t`).
    pub input: FixedFormat,
    /// The weight type (`weight_t`).
    pub weight: FixedFormat,
    /// The bias type (`bias_t`).
    pub bias: FixedFormat,
    /// The accumulator type (`accum_t`).
    pub accum: FixedFormat,
    /// The output type (`out_t`).
    pub output: FixedFormat,
    /// How the products are accumulated.
    pub schedule: Schedule,
    /// Whether the output is `max(acc, 0)` cast to the output type.
    pub relu: bool,
}

/// A dense layer, planned once: see the [module documentation](self) for the contract.
#[derive(Clone, Copy, Debug)]
pub struct Dense {
    p: DenseParams,
    /// Latency: bias → accum. Wide: the exact sum → accum.
    to_acc: Requant,
    /// Latency: the exact product → accum.
    prod: Requant,
    /// Latency: the exact sum of two accumulator values → accum.
    step: Requant,
    /// accum → output.
    out: Requant,
    /// Latency: `s = F_acc − F_x − F_w` when ≥ 0 (the fast path exists). Wide: unused.
    fast_shift: Option<u32>,
    /// The raw range of `accum_t` in which a cast is the identity.
    lo: i64,
    hi: i64,
    /// Wide: the alignment shifts of the bias and of the products to `F`.
    bias_shift: u32,
    prod_shift: u32,
    /// Latency: the product cast in `i64`, for the step-by-step schedule in `i64`.
    steps64: Option<Cast64>,
}

/// A cast into a fixed-point type in `i64` arithmetic, for values `|p| < 2^61` and target
/// types of at most 62 bits whose overflow mode is `SAT`, `SAT_SYM`, `SAT_ZERO` or `WRAP`
/// without saturation bits (the modes under which a cast is the identity on every value
/// of `[lo, hi]`, with `lo = −hi` under `SAT_SYM`). [`Cast64::apply`] gives the cast when
/// the rounded value lies in `[lo, hi]` and `None` otherwise, where the caller takes the
/// planned [`Requant`] of the same exact value.
///
/// With `r = from_frac − F_to > 0`, rounding `p · 2^−r` is `⌊(p + c) / 2^r⌋` with a
/// per-mode addend `c = base + [p < 0]·neg + [⌊p/2^r⌋ odd]·odd` (h = 2^(r−1),
/// u = 2^r − 1):
///
/// | mode | base | neg | odd |
/// |---|---|---|---|
/// | `TRN` (toward −∞) | 0 | 0 | 0 |
/// | `TRN_ZERO` | 0 | u | 0 |
/// | `RND` (ties up) | h | 0 | 0 |
/// | `RND_ZERO` | h − 1 | 1 | 0 |
/// | `RND_MIN_INF` (ties down) | h − 1 | 0 | 0 |
/// | `RND_INF` (ties away) | h | −1 | 0 |
/// | `RND_CONV` (ties to even) | h − 1 | 0 | 1 |
/// | `RND_CONV_ODD` (ties to odd) | h | 0 | −1 |
///
/// which is the increment rule of [`Requant`] read on the remainder `p mod 2^r` (an
/// increment happens exactly when the remainder plus `c` carries into bit r; `|c| ≤ 2^60`
/// keeps `p + c` within `i64`). With `r ≤ 0` the value is shifted left, exactly, when it
/// lies in `[plo, phi]`, the preimage of `[lo, hi]`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cast64 {
    r: u32,
    left: u32,
    base: i64,
    neg: i64,
    odd: i64,
    plo: i64,
    phi: i64,
    lo: i64,
    hi: i64,
}

impl Cast64 {
    /// The plan for values with `from_frac` fraction bits into `to`, if the type allows it.
    pub(super) fn plan(from_frac: i32, to: &FixedFormat) -> Option<Cast64> {
        use crate::fixed::Quantization as Q;
        let overflow_ok = match to.overflow() {
            OverflowMode::Sat | OverflowMode::SatSym | OverflowMode::SatZero => true,
            OverflowMode::Wrap => to.sat_bits() == 0,
            OverflowMode::WrapSm => false,
        };
        let r = i64::from(from_frac) - i64::from(to.frac_bits());
        if !overflow_ok || to.width() > 62 || !(-62..=60).contains(&r) {
            return None;
        }
        let (lo, hi) = identity_range(to);
        if r <= 0 {
            let left = (-r) as u32;
            // p << left ∈ [lo, hi] ⟺ p ∈ [⌈lo / 2^left⌉, ⌊hi / 2^left⌋].
            return Some(Cast64 {
                r: 0,
                left,
                base: 0,
                neg: 0,
                odd: 0,
                plo: -((-lo) >> left),
                phi: hi >> left,
                lo,
                hi,
            });
        }
        let h = 1i64 << (r - 1);
        let u = (1i64 << r) - 1;
        let (base, neg, odd) = match to.quantization() {
            Q::Trn => (0, 0, 0),
            Q::TrnZero => (0, u, 0),
            Q::Rnd => (h, 0, 0),
            Q::RndZero => (h - 1, 1, 0),
            Q::RndMinInf => (h - 1, 0, 0),
            Q::RndInf => (h, -1, 0),
            Q::RndConv => (h - 1, 0, 1),
            Q::RndConvOdd => (h, 0, -1),
        };
        Some(Cast64 {
            r: r as u32,
            left: 0,
            base,
            neg,
            odd,
            plo: i64::MIN,
            phi: i64::MAX,
            lo,
            hi,
        })
    }

    /// The cast of `p` (|p| < 2^61) when its result lies in `[lo, hi]`.
    #[inline(always)]
    pub(super) fn apply(&self, p: i64) -> Option<i64> {
        if self.r > 0 {
            let floor = p >> self.r;
            let c = self.base + (self.neg & (p >> 63)) + (self.odd & -(floor & 1));
            let m = (p + c) >> self.r;
            (m >= self.lo && m <= self.hi).then_some(m)
        } else {
            (p >= self.plo && p <= self.phi).then(|| p << self.left)
        }
    }
}

/// The raw range of a type on which its cast is the identity (`SAT_SYM` excludes the most
/// negative code of a signed type of two or more bits).
fn identity_range(t: &FixedFormat) -> (i64, i64) {
    let hi = t.max_raw() as i64;
    let sym = matches!(t.overflow(), OverflowMode::SatSym) && t.is_signed() && t.width() > 1;
    (if sym { -hi } else { t.min_raw() as i64 }, hi)
}

/// Input rows per block of [`Dense::run_rows`]: the weight-row bounds are computed once
/// per block.
const BLOCK: usize = 64;

/// The number of bits of `n` (0 for 0): ⌈log2(n + 1)⌉.
const fn bit_len(n: u128) -> u32 {
    128 - n.leading_zeros()
}

impl Dense {
    /// Plans the layer: checks the types (raw integers within `i64`), the sizes
    /// (`n_in`, `n_out` ≥ 1, `n_out · n_in` within `usize`) and, for [`Schedule::Wide`],
    /// that the exact sum fits 127 bits ([`NnError::TooWide`] otherwise).
    pub fn new(p: DenseParams) -> Result<Dense, NnError> {
        check_format("input", &p.input)?;
        check_format("weight", &p.weight)?;
        check_format("bias", &p.bias)?;
        check_format("accum", &p.accum)?;
        check_format("output", &p.output)?;
        if p.n_in == 0 || p.n_out == 0 {
            return Err(NnError::Config("dense: n_in and n_out must be at least 1"));
        }
        if p.n_in.checked_mul(p.n_out).is_none() {
            return Err(NnError::Config("dense: n_out × n_in overflows usize"));
        }
        let fx = p.input.frac_bits();
        let fw = p.weight.frac_bits();
        let fb = p.bias.frac_bits();
        let fa = p.accum.frac_bits();
        let fp = fx + fw;
        let (to_acc, bias_shift, prod_shift) = match p.schedule {
            Schedule::Latency => (Requant::new(fb, p.accum), 0, 0),
            Schedule::Wide => {
                let f = fp.max(fb);
                let (bs, ps) = ((f - fb) as u32, (f - fp) as u32);
                if wide_bits(&p) > 127 {
                    return Err(NnError::TooWide {
                        what: "dense: the exact sum of the bias and the products",
                    });
                }
                (Requant::new(f, p.accum), bs, ps)
            }
        };
        let (lo, hi) = identity_range(&p.accum);
        let fast_shift = (fa >= fp && p.schedule == Schedule::Latency).then(|| (fa - fp) as u32);
        let steps64 = match p.schedule {
            // The sum of two accumulator values stays below 2^61 in magnitude.
            Schedule::Latency if p.accum.width() <= 60 => Cast64::plan(fp, &p.accum),
            Schedule::Latency => None,
            Schedule::Wide => None,
        };
        Ok(Dense {
            p,
            to_acc,
            prod: Requant::new(fp, p.accum),
            step: Requant::new(fa, p.accum),
            out: Requant::new(fa, p.output),
            fast_shift,
            lo,
            hi,
            bias_shift,
            prod_shift,
            steps64,
        })
    }

    /// The configuration.
    pub const fn params(&self) -> &DenseParams {
        &self.p
    }

    /// Applies the layer to one input vector: `x` (`n_in`), `w` (`n_out × n_in`,
    /// row-major, one row per output), `b` (`n_out`) into `out` (`n_out`).
    pub fn run<X: Element, W: Element, B: Element, Y: Element>(
        &self,
        x: &[X],
        w: &[W],
        b: &[B],
        out: &mut [Y],
    ) -> Result<(), NnError> {
        self.run_rows(1, x, w, b, out)
    }

    /// Applies the layer to `rows` input vectors: `x` (`rows × n_in`, row-major) into
    /// `out` (`rows × n_out`, row-major), with the weights `w` (`n_out × n_in`) and biases
    /// `b` (`n_out`) of [`Dense::run`].
    pub fn run_rows<X: Element, W: Element, B: Element, Y: Element>(
        &self,
        rows: usize,
        x: &[X],
        w: &[W],
        b: &[B],
        out: &mut [Y],
    ) -> Result<(), NnError> {
        let (n_in, n_out) = (self.p.n_in, self.p.n_out);
        check_element::<X>("input", &self.p.input)?;
        check_element::<W>("weight", &self.p.weight)?;
        check_element::<B>("bias", &self.p.bias)?;
        check_element::<Y>("output", &self.p.output)?;
        let x_len = rows
            .checked_mul(n_in)
            .ok_or(NnError::Config("dense: rows × n_in overflows usize"))?;
        let out_len = rows
            .checked_mul(n_out)
            .ok_or(NnError::Config("dense: rows × n_out overflows usize"))?;
        check_len("input", x_len, x.len())?;
        check_len("weights", n_out * n_in, w.len())?;
        check_len("biases", n_out, b.len())?;
        check_len("output", out_len, out.len())?;
        // The row loop (bounds, fast dot products, casts) compiled for the widest
        // instruction set the CPU has; the same integer results.
        crate::dispatch::wide(
            #[inline(always)]
            || {
                let mut row0 = 0;
                while row0 < rows {
                    let nb = BLOCK.min(rows - row0);
                    let xb = &x[row0 * n_in..(row0 + nb) * n_in];
                    let ob = &mut out[row0 * n_out..(row0 + nb) * n_out];
                    let mut max_x = [u64::MAX; BLOCK];
                    let bounds = self.fast_shift.is_some()
                        || self.steps64.is_some()
                        || self.p.schedule == Schedule::Wide;
                    if bounds {
                        for (m, xr) in max_x.iter_mut().zip(xb.chunks_exact(n_in)) {
                            *m = max_abs(xr);
                        }
                    }
                    for (j, (wr, bj)) in w.chunks_exact(n_in).zip(b).enumerate() {
                        let l1 = if bounds { sum_abs(wr) } else { u128::MAX };
                        let bj = bj.to_raw();
                        let a0 = match self.p.schedule {
                            Schedule::Latency => self.to_acc.apply(i128::from(bj)),
                            Schedule::Wide => 0,
                        };
                        for (r, xr) in xb.chunks_exact(n_in).enumerate() {
                            let acc = match self.p.schedule {
                                Schedule::Latency => self.latency(xr, wr, a0, max_x[r], l1),
                                Schedule::Wide => self.wide(xr, wr, bj, max_x[r], l1),
                            };
                            ob[r * n_out + j] = Y::from_raw(self.output(acc));
                        }
                    }
                    row0 += nb;
                }
            },
        );
        Ok(())
    }

    /// The output cast of an accumulator raw value, with the ReLU.
    #[inline(always)]
    fn output(&self, acc: i64) -> i64 {
        let a = if self.p.relu && acc < 0 { 0 } else { acc };
        self.out.apply(i128::from(a))
    }

    /// The latency schedule for one (input row, weight row) with `a0 = cast_accum(b)`.
    #[inline(always)]
    fn latency<X: Element, W: Element>(&self, x: &[X], w: &[W], a0: i64, m: u64, l: u128) -> i64 {
        if let Some(s) = self.fast_shift {
            if let Some(ml) = u128::from(m).checked_mul(l) {
                // B = 2^s · M · L, kept exact while it matters (B < 2^127).
                let bound = if ml == 0 {
                    Some(0u128)
                } else if ml < 1 << 63 && s < 64 {
                    Some(ml << s)
                } else {
                    None
                };
                if let Some(bound) = bound {
                    let bound = bound as i128;
                    let (lo, hi, a0w) = (i128::from(self.lo), i128::from(self.hi), i128::from(a0));
                    if -bound >= lo && bound <= hi && a0w - bound >= lo && a0w + bound <= hi {
                        // Every step's cast is the identity (module documentation).
                        // M·L = 0 (any s) gives D = 0; otherwise s < 64.
                        if ml == 0 {
                            return a0;
                        }
                        return (a0w + (dot_bounded(x, w, m, l) << s)) as i64;
                    }
                }
            }
        }
        if let Some(st) = &self.steps64 {
            if u128::from(m).checked_mul(l).is_some_and(|ml| ml < 1 << 61) {
                return self.latency_steps64(st, x, w, a0);
            }
        }
        self.latency_steps(x, w, a0)
    }

    /// The latency schedule step by step in `i64` (every |x_i·w_i| < 2^61): the product
    /// cast by [`Cast64`] and the exact sum of two accumulator values (below 2^60 each),
    /// each through its planned [`Requant`] when it leaves `[lo, hi]`.
    #[inline(never)]
    fn latency_steps64<X: Element, W: Element>(
        &self,
        st: &Cast64,
        x: &[X],
        w: &[W],
        a0: i64,
    ) -> i64 {
        let (lo, hi) = (self.lo, self.hi);
        let mut acc = a0;
        for (xi, wi) in x.iter().zip(w) {
            let p = xi.to_raw() * wi.to_raw();
            let m = match st.apply(p) {
                Some(m) => m,
                None => self.prod.apply(i128::from(p)),
            };
            let t = acc + m;
            acc = if t >= lo && t <= hi {
                t
            } else {
                self.step.apply(i128::from(t))
            };
        }
        acc
    }

    /// The latency schedule, every step literally.
    #[inline(never)]
    fn latency_steps<X: Element, W: Element>(&self, x: &[X], w: &[W], a0: i64) -> i64 {
        let mut acc = a0;
        for (xi, wi) in x.iter().zip(w) {
            let m = self
                .prod
                .apply(i128::from(xi.to_raw()) * i128::from(wi.to_raw()));
            acc = self.step.apply(i128::from(acc) + i128::from(m));
        }
        acc
    }

    /// The wide schedule for one (input row, weight row) with the raw bias `b`.
    #[inline(always)]
    fn wide<X: Element, W: Element>(&self, x: &[X], w: &[W], b: i64, m: u64, l: u128) -> i64 {
        let d = dot_bounded(x, w, m, l);
        // Within 127 bits by the width check of `Dense::new`.
        self.to_acc
            .apply((i128::from(b) << self.bias_shift) + (d << self.prod_shift))
    }

    /// The reference: every step of the schedule literally (the exact sum for `Wide`).
    #[cfg(test)]
    fn reference(&self, x: &[i64], w: &[i64], b: i64) -> i64 {
        let acc = match self.p.schedule {
            Schedule::Latency => self.latency_steps(x, w, self.to_acc.apply(i128::from(b))),
            Schedule::Wide => self
                .to_acc
                .apply((i128::from(b) << self.bias_shift) + (dot_exact(x, w) << self.prod_shift)),
        };
        self.output(acc)
    }
}

/// The signed width that holds the exact wide sum `b + Σ x·w` (aligned to
/// `F = max(F_x + F_w, F_b)`): the larger operand's magnitude bits plus the carries of
/// `n_in + 1` terms, plus a sign bit. The C++ kernel computes the same width.
pub(crate) fn wide_bits(p: &DenseParams) -> i64 {
    let fp = i64::from(p.input.frac_bits()) + i64::from(p.weight.frac_bits());
    let fb = i64::from(p.bias.frac_bits());
    let f = fp.max(fb);
    let prod = i64::from(p.input.width()) + i64::from(p.weight.width()) + (f - fp);
    let bias = i64::from(p.bias.width()) + (f - fb);
    prod.max(bias) + i64::from(bit_len(p.n_in as u128)) + 1
}

/// max |x_i| (as u64: |i64::MIN| = 2^63).
#[inline(always)]
fn max_abs<X: Element>(x: &[X]) -> u64 {
    x.iter().fold(0u64, |m, v| m.max(v.to_raw().unsigned_abs()))
}

/// Σ |w_i|, exactly (fewer than 2^64 terms below 2^64 each).
#[inline(always)]
fn sum_abs<W: Element>(w: &[W]) -> u128 {
    // In blocks of 2^16 terms, one pass summing in u64 and OR-ing the terms: a block whose
    // terms are all below 2^47 has summed exactly (below 2^63); any other block is summed
    // again in u128.
    let mut s = 0u128;
    for c in w.chunks(1 << 16) {
        let (mx, sum) = c.iter().fold((0u64, 0u64), |(m, a), v| {
            let t = v.to_raw().unsigned_abs();
            (m | t, a.wrapping_add(t))
        });
        if mx < 1 << 47 {
            s += u128::from(sum);
        } else {
            s += c
                .iter()
                .fold(0u128, |a, v| a + u128::from(v.to_raw().unsigned_abs()));
        }
    }
    s
}

/// `D = Σ x_i·w_i`, given `M = max |x_i|` and `L = Σ |w_i|` (so |D| ≤ M·L; see the module
/// documentation): in 32-bit lanes when M·L < 2^31; in 64-bit lanes when M·L < 2^63, with
/// 32-bit operands (each product exact in 64 bits) when M and L are below 2^31; else exactly.
#[inline(always)]
fn dot_bounded<X: Element, W: Element>(x: &[X], w: &[W], m: u64, l: u128) -> i128 {
    match u128::from(m).checked_mul(l) {
        Some(ml) if ml < 1 << 31 => i128::from(dot_i32(x, w)),
        Some(ml) if ml < 1 << 63 && m < 1 << 31 && l < 1 << 31 => i128::from(dot_i64_narrow(x, w)),
        Some(ml) if ml < 1 << 63 => i128::from(dot_i64(x, w)),
        _ => dot_exact(x, w),
    }
}

/// Σ x_i·w_i modulo 2^32, compiled for the widest instruction set the CPU has
/// (`dispatch::wide`: eight 32-bit multiplies per instruction with AVX2; same result).
#[inline(never)]
fn dot_i32<X: Element, W: Element>(x: &[X], w: &[W]) -> i32 {
    crate::dispatch::wide(
        #[inline(always)]
        || dot_i32_lanes(x, w),
    )
}

/// The loop of [`dot_i32`].
#[inline(always)]
fn dot_i32_lanes<X: Element, W: Element>(x: &[X], w: &[W]) -> i32 {
    // Eight independent lanes so that the sum vectorizes without reassociation.
    const L: usize = 8;
    let mut acc = [0i32; L];
    let (xc, wc) = (x.chunks_exact(L), w.chunks_exact(L));
    let (xr, wr) = (xc.remainder(), wc.remainder());
    for (xs, ws) in xc.zip(wc) {
        for k in 0..L {
            acc[k] =
                acc[k].wrapping_add((xs[k].to_raw() as i32).wrapping_mul(ws[k].to_raw() as i32));
        }
    }
    let mut s = acc.iter().fold(0i32, |a, &v| a.wrapping_add(v));
    for (a, b) in xr.iter().zip(wr) {
        s = s.wrapping_add((a.to_raw() as i32).wrapping_mul(b.to_raw() as i32));
    }
    s
}

/// Σ x_i·w_i modulo 2^64 for operands within `i32` (|x_i|, |w_i| < 2^31): each product
/// is the exact product of the 32-bit values, which AVX2 computes four at a time
/// (`dispatch::wide`); the same result as [`dot_i64`].
#[inline(never)]
fn dot_i64_narrow<X: Element, W: Element>(x: &[X], w: &[W]) -> i64 {
    crate::dispatch::wide(
        #[inline(always)]
        || {
            const L: usize = 8;
            let mut acc = [0i64; L];
            let (xc, wc) = (x.chunks_exact(L), w.chunks_exact(L));
            let (xr, wr) = (xc.remainder(), wc.remainder());
            for (xs, ws) in xc.zip(wc) {
                for k in 0..L {
                    let p = i64::from(xs[k].to_raw() as i32) * i64::from(ws[k].to_raw() as i32);
                    acc[k] = acc[k].wrapping_add(p);
                }
            }
            let mut s = acc.iter().fold(0i64, |a, &v| a.wrapping_add(v));
            for (a, b) in xr.iter().zip(wr) {
                let p = i64::from(a.to_raw() as i32) * i64::from(b.to_raw() as i32);
                s = s.wrapping_add(p);
            }
            s
        },
    )
}

/// Σ x_i·w_i modulo 2^64.
#[inline(never)]
fn dot_i64<X: Element, W: Element>(x: &[X], w: &[W]) -> i64 {
    x.iter().zip(w).fold(0i64, |a, (xi, wi)| {
        a.wrapping_add(xi.to_raw().wrapping_mul(wi.to_raw()))
    })
}

/// Σ x_i·w_i exactly (the caller guarantees that it fits).
#[inline(never)]
fn dot_exact<X: Element, W: Element>(x: &[X], w: &[W]) -> i128 {
    x.iter().zip(w).fold(0i128, |a, (xi, wi)| {
        a.wrapping_add(i128::from(xi.to_raw()) * i128::from(wi.to_raw()))
    })
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::fixed::{FixedParams, Quantization};
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
        /// A raw value of `f`: extremes, small values, random bits, or a value of at
        /// most `mag` bits.
        fn raw(&mut self, f: &FixedFormat, mag: u32) -> i64 {
            let (lo, hi) = (f.min_raw() as i64, f.max_raw() as i64);
            match self.below(8) {
                0 => [lo, hi, 0, 1, -1, lo + 1, hi - 1][self.below(7) as usize].clamp(lo, hi),
                1 => f.raw_of(self.next()) as i64,
                _ => {
                    let m = (self.next() >> (64 - mag.max(1))) as i64;
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

    fn fmt(
        width: u32,
        int_bits: i32,
        signed: bool,
        q: Quantization,
        o: OverflowMode,
    ) -> FixedFormat {
        let base = if signed {
            FixedParams::ap_fixed(width, int_bits)
        } else {
            FixedParams::ap_ufixed(width, int_bits)
        };
        // Ties to odd exists in ac_fixed only.
        let family = if q == Quantization::RndConvOdd {
            crate::fixed::Family::AcFixed
        } else {
            base.family
        };
        FixedFormat::new(FixedParams {
            quantization: q,
            overflow: o,
            family,
            ..base
        })
        .unwrap()
    }

    /// Every overflow mode and several accumulator shapes, with the products exact
    /// (the fast path applies) and not; inputs whose bound holds and fails.
    #[test]
    fn fast_path_is_the_literal_schedule() {
        let mut rng = Rng(0xDE45E);
        let overflows = [
            OverflowMode::Wrap,
            OverflowMode::Sat,
            OverflowMode::SatSym,
            OverflowMode::SatZero,
            OverflowMode::WrapSm,
        ];
        let mut fast = 0u64;
        let mut total = 0u64;
        let mut steps = 0u64;
        for case in 0..1500 {
            let n_in = [1, 2, 3, 7, 8, 9, 17, 64, 100][rng.below(9) as usize];
            let n_out = 1 + rng.below(4) as usize;
            let rows = 1 + rng.below(70) as usize;
            let xw = 2 + rng.below(24) as u32;
            let ww = 2 + rng.below(16) as u32;
            let input = fmt(
                xw,
                rng.below(xw as u64) as i32 - 2,
                case % 7 != 0,
                Quantization::Trn,
                OverflowMode::Wrap,
            );
            let weight = fmt(
                ww,
                1 + rng.below(4) as i32,
                true,
                Quantization::Trn,
                OverflowMode::Wrap,
            );
            let bias = fmt(16, 6, true, Quantization::Trn, OverflowMode::Wrap);
            let fp = input.frac_bits() + weight.frac_bits();
            // Accumulator fraction bits around F_x + F_w: exact products or rounded ones.
            let fa = fp + rng.below(9) as i32 - 4;
            let aw = (8 + rng.below(40) as u32).max(2);
            let o = overflows[rng.below(5) as usize];
            // Ties to odd (ac_fixed) has no WRAP_SM (ap_fixed).
            let q = Quantization::ALL[rng.below(7 + u64::from(o != OverflowMode::WrapSm)) as usize];
            let signed = case % 11 != 0 || o == OverflowMode::WrapSm;
            let accum = fmt(aw, aw as i32 - fa, signed, q, o);
            let output = fmt(12, 4, true, Quantization::RndConv, OverflowMode::Sat);
            for schedule in [Schedule::Latency, Schedule::Wide] {
                let p = DenseParams {
                    n_in,
                    n_out,
                    input,
                    weight,
                    bias,
                    accum,
                    output,
                    schedule,
                    relu: case % 3 == 0,
                };
                let d = Dense::new(p).unwrap();
                steps += u64::from(d.steps64.is_some() && d.fast_shift.is_none());
                // Narrow magnitudes (bound holds) or full ones (it may fail).
                let mx = if case % 2 == 0 {
                    1 + rng.below(xw as u64) as u32
                } else {
                    64
                };
                let x: Vec<i64> = (0..rows * n_in).map(|_| rng.raw(&input, mx)).collect();
                let w: Vec<i64> = (0..n_out * n_in)
                    .map(|_| {
                        let m = 1 + rng.below(u64::from(ww)) as u32;
                        rng.raw(&weight, m)
                    })
                    .collect();
                let b: Vec<i64> = (0..n_out).map(|_| rng.raw(&bias, 10)).collect();
                let mut y = std::vec![0i64; rows * n_out];
                d.run_rows(rows, &x, &w, &b, &mut y).unwrap();
                for r in 0..rows {
                    let xr = &x[r * n_in..][..n_in];
                    for j in 0..n_out {
                        let wr = &w[j * n_in..][..n_in];
                        let want = d.reference(xr, wr, b[j]);
                        assert_eq!(y[r * n_out + j], want, "case {case} {p:?} row {r} out {j}");
                        total += 1;
                        if let (Schedule::Latency, Some(sh)) = (schedule, d.fast_shift) {
                            let a0 = d.to_acc.apply(i128::from(b[j]));
                            let ml = u128::from(max_abs(xr)) * sum_abs(wr);
                            if ml < 1 << 63 {
                                let bound = (ml << sh) as i128;
                                fast += u64::from(
                                    a0 as i128 + bound <= i128::from(d.hi)
                                        && a0 as i128 - bound >= i128::from(d.lo)
                                        && bound <= i128::from(d.hi)
                                        && -bound >= i128::from(d.lo),
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(
            total > 100_000 && fast > 10_000 && steps > 300,
            "{total} {fast} {steps}"
        );
    }

    /// The wrapping dot products against the exact one at the limits of their bounds.
    #[test]
    fn bounded_dot_products() {
        let bounded = |x: &[i64], w: &[i64]| dot_bounded(x, w, max_abs(x), sum_abs(w));
        let x = [i64::from(i32::MAX), -(1i64 << 31), 3, -7];
        let w = [1i64, -1, 0, 0];
        assert_eq!(bounded(&x, &w), dot_exact(&x, &w));
        // 64-bit lanes with 32-bit operands: M, L < 2^31 ≤ M·L.
        let x: Vec<i64> = (0..37)
            .map(|i| [(1 << 31) - 1, -(1 << 31) + 1, 12345][i % 3])
            .collect();
        let w: Vec<i64> = (0..37)
            .map(|i| [(1 << 24) - 1, -(1 << 24), 7][i % 3])
            .collect();
        assert!(max_abs(&x) < 1 << 31 && sum_abs(&w) < 1 << 31);
        assert!(u128::from(max_abs(&x)) * sum_abs(&w) >= 1 << 31);
        assert_eq!(bounded(&x, &w), dot_exact(&x, &w));
        assert_eq!(i128::from(dot_i64_narrow(&x, &w)), dot_exact(&x, &w));
        let x = [i64::MIN, i64::MAX, -1];
        let w = [1i64, 1, 1];
        assert_eq!(dot_exact(&x, &w), -2);
        let (x, w) = ([i64::MIN, i64::MIN], [i64::MIN, i64::MAX]);
        assert_eq!(bounded(&x, &w), 1i128 << 63);
        let x: Vec<i64> = (0..1000).map(|i| (i * 7919 % 65536) - 32768).collect();
        let w: Vec<i64> = (0..1000).map(|i| (i * 104_729 % 255) - 127).collect();
        let ml = u128::from(max_abs(&x)) * sum_abs(&w);
        assert!(ml < 1 << 31);
        assert_eq!(i128::from(dot_i32(&x, &w)), dot_exact(&x, &w));
        assert_eq!(i128::from(dot_i64(&x, &w)), dot_exact(&x, &w));
    }

    #[test]
    fn configuration_errors() {
        let t = |s: &str| s.parse::<FixedFormat>().unwrap();
        let p = DenseParams {
            n_in: 4,
            n_out: 2,
            input: t("ap_fixed<16,6>"),
            weight: t("ap_fixed<8,2>"),
            bias: t("ap_fixed<16,6>"),
            accum: t("ap_fixed<32,12>"),
            output: t("ap_fixed<16,6>"),
            schedule: Schedule::Wide,
            relu: false,
        };
        assert!(Dense::new(p).is_ok());
        assert!(matches!(
            Dense::new(DenseParams { n_in: 0, ..p }),
            Err(NnError::Config(_))
        ));
        assert!(matches!(
            Dense::new(DenseParams {
                input: t("ap_ufixed<64,10>"),
                ..p
            }),
            Err(NnError::Format { .. })
        ));
        let wide = DenseParams {
            input: t("ap_fixed<64,2>"),
            weight: t("ap_fixed<63,2>"),
            ..p
        };
        assert!(matches!(Dense::new(wide), Err(NnError::TooWide { .. })));
        assert!(
            Dense::new(DenseParams {
                schedule: Schedule::Latency,
                ..wide
            })
            .is_ok()
        );
        let d = Dense::new(p).unwrap();
        let mut y = [0i64; 2];
        assert!(matches!(
            d.run(&[0i64; 3], &[0i64; 8], &[0i64; 2], &mut y),
            Err(NnError::Length { what: "input", .. })
        ));
        assert!(matches!(
            d.run(&[0i64; 4], &[0i64; 7], &[0i64; 2], &mut y),
            Err(NnError::Length {
                what: "weights",
                ..
            })
        ));
        use crate::fixed::{ApFixed, Fx};
        let xs = [Fx::<ApFixed<16, 5>>::from_raw(0); 4];
        assert!(matches!(
            d.run(&xs, &[0i64; 8], &[0i64; 2], &mut y),
            Err(NnError::FormatMismatch { what: "input", .. })
        ));
        let xs = [Fx::<ApFixed<16, 6>>::from_f64(1.0); 4];
        let mut ys = [Fx::<ApFixed<16, 6>>::from_raw(0); 2];
        let w = [64i64; 8]; // 1.0
        d.run(&xs, &w, &[0i64, 1024], &mut ys).unwrap();
        assert_eq!(ys.map(|v| v.to_f64()), [4.0, 5.0]);
    }
}
