//! Softmax over a row: max-subtracted, exp by a table, reciprocal of the sum by a
//! normalising shift and a table. The golden model of `lowprec::nn::softmax` in
//! `hls/include/lowprec/nn/softmax.h`.
//! The contract, error bound and an example are on [`Softmax`].

use core::fmt::Write;

use crate::fixed::FixedFormat;
use crate::float::Exact;
use crate::math::{Unary, pown, unary};

use super::table::{self, entry_of, lead};
use super::{Element, NnError, Requant, check_element, check_format, check_len, rnd_sat};

/// The configuration of a softmax kernel (see [`Softmax`] for the contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoftmaxParams {
    /// The row length n (≥ 1).
    pub n: usize,
    /// The input type.
    pub input: FixedFormat,
    /// The output type.
    pub output: FixedFormat,
    /// The type of the exp table's entries (and of eᵢ).
    pub exp_table: FixedFormat,
    /// B_e: the exp table has 2^B_e entries (1 ≤ B_e ≤ 20).
    pub exp_index_bits: u32,
    /// R_e: the exp table covers differences in [0, 2^R_e).
    pub exp_range_log2: i32,
    /// The accumulator type of the sum.
    pub accum: FixedFormat,
    /// The type of the inverse table's entries.
    pub inv_table: FixedFormat,
    /// B_r: the inverse table has 2^B_r entries (1 ≤ B_r ≤ 20).
    pub inv_index_bits: u32,
    /// The type of the reciprocal of the sum, after the shift back.
    pub inv: FixedFormat,
}

/// Softmax over a row: max-subtracted, exp by a table, reciprocal of the sum by a
/// normalising shift and a table. The golden model of `lowprec::nn::softmax` in
/// `hls/include/lowprec/nn/softmax.h`.
///
/// # Contract (this model and the C++ kernel compute exactly this)
/// For a row x₀ … x_{n−1} of the input type (F_in fraction bits):
///
/// 1. **Max.** m = maxᵢ xᵢ (exact).
/// 2. **Differences.** dᵢ = m − xᵢ ≥ 0, exact, as the integer D = dᵢ·2^F_in.
/// 3. **Exp.** The exp table has 2^B_e entries and covers d ∈ [0, 2^R_e)
///    (`exp_index_bits` = B_e, `exp_range_log2` = R_e; R_e + F_in ≤ W_in, so the range
///    lies within what d can reach, and B_e ≤ R_e + F_in). Let s = R_e + F_in − B_e. If
///    D ≥ 2^(R_e + F_in) (d beyond the range), eᵢ = 0; else eᵢ = exp_table\[D >> s\], the
///    index being bits R_e + F_in − 1 … s of D. Entry j holds e^−c_j correctly rounded
///    into the exp table type (its quantization and overflow modes), where
///    c_j = (j·2^s + (2^s − 1)/2)·2^−F_in is the centre of the differences that map to j
///    (with s = 0, c_j = j·2^−F_in exactly, and entry 0 is e⁰ = 1 in the type).
/// 4. **Sum.** sum = 0 in the accumulator type, then sum = accum(sum + eᵢ) for
///    i = 0, 1, …, n − 1 in order (each addition exact, then cast into the accumulator
///    with its modes: C++ `sum += e`). Wrapping accumulators wrap.
/// 5. **Reciprocal.** If sum ≤ 0 (every e is 0, or a wrapping accumulator overflowed),
///    every output is 0. Otherwise, with S = sum·2^F_acc > 0 and p the position of its
///    leading one (a priority encoder), sum = μ·2^(p − F_acc) with μ = S/2^p ∈ [1, 2).
///    The index j is the B_r bits of S just below the leading one (`inv_index_bits` =
///    B_r; zeros shifted in when p < B_r), and the inverse table's entry j holds
///    1/(1 + (j + ½)·2^−B_r), the reciprocal of the centre of μ's cell, correctly
///    rounded into the inverse table type. Then inv = inv_t(table\[j\]·2^(F_acc − p)): the
///    entry shifted back exactly and cast once into the `inv` type.
/// 6. **Output.** yᵢ = out(eᵢ·inv): the exact product cast into the output type.
///
/// The accumulator must hold e⁰ ≈ 1; the types' shapes are otherwise free (signed or
/// unsigned, any modes). Exact intermediates must fit 127 bits (else
/// [`NnError::TooWide`]).
///
/// # Error bound
/// With q_T the rounding error of a cast into type T (half an LSB for the rounding
/// modes, one LSB for the truncating ones) and no overflow, pᵢ the true softmax,
/// h = (2^s − 1)/2·2^−F_in the largest distance of a difference from its entry's
/// centre:
///
/// - eᵢ = e^−dᵢ·(1 + εᵢ) + ηᵢ with |εᵢ| ≤ e^h − 1, |ηᵢ| ≤ q_exp (and eᵢ = 0 for d beyond
///   the range: an error of at most e^−2^R_e);
/// - sum = Σeᵢ + σ with |σ| ≤ n·q_acc, and sum ≥ e₀-ish ≥ 1 − q_exp;
/// - inv = (1/sum)(1 + ρ) + ι with |ρ| ≤ 2^−(B_r+1) + 2·q_table (the cell of μ has
///   relative width 2^−B_r around its centre, entries lie in (½, 1)) and |ι| ≤ q_inv;
/// - yᵢ = eᵢ·inv ± q_out.
///
/// To first order |yᵢ − pᵢ| ≤ q_out + q_inv + pᵢ·(2(e^h − 1) + ρ) + n·(q_exp + q_acc) +
/// q_exp + n·e^−2^R_e. `tests/nn_act_hls.rs` measures it against f64 on MiniLM's
/// attention scores and asserts this bound.
///
/// ```
/// use lowprec::nn::{Softmax, SoftmaxParams};
/// let p = SoftmaxParams {
///     n: 4,
///     input: "ap_fixed<16,6>".parse()?,
///     output: "ap_ufixed<16,1,AP_RND_CONV,AP_SAT>".parse()?,
///     exp_table: "ap_ufixed<18,1,AP_RND_CONV,AP_SAT>".parse()?,
///     exp_index_bits: 10,
///     exp_range_log2: 4,
///     accum: "ap_ufixed<24,8,AP_RND_CONV,AP_SAT>".parse()?,
///     inv_table: "ap_ufixed<18,1,AP_RND_CONV,AP_SAT>".parse()?,
///     inv_index_bits: 8,
///     inv: "ap_ufixed<24,1,AP_RND_CONV,AP_SAT>".parse()?,
/// };
/// let sm = Softmax::new(p)?;
/// let (mut exp, mut inv) = (vec![0; sm.exp_table_len()], vec![0; sm.inv_table_len()]);
/// let k = sm.load(&mut exp, &mut inv)?;
/// let x: Vec<i64> = [1.0, 2.0, 3.0, 3.0].iter().map(|v| (v * 1024.0) as i64).collect();
/// let mut y = [0i64; 4];
/// k.run(&x, &mut y)?;
/// let y: Vec<f64> = y.iter().map(|&r| r as f64 / 32768.0).collect();
/// assert!((y[3] - 0.3995).abs() < 4e-3 && (y[0] - 0.0541).abs() < 1e-3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A checked configuration with its planned casts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Softmax {
    p: SoftmaxParams,
    /// s: the index is D >> s.
    exp_shift: u32,
    /// R_e + F_in: D at or beyond 2^this is out of range.
    range_bits: u32,
    /// Alignment shifts of the running sum and of e into the sum's fraction bits.
    sum_shift: u32,
    e_shift: u32,
    sum_q: Requant,
    inv_q: Requant,
    out_q: Requant,
}

/// A softmax kernel with its tables: what [`Softmax::load`] returns.
#[derive(Clone, Copy, Debug)]
pub struct SoftmaxKernel<'a> {
    cfg: &'a Softmax,
    exp: &'a [i64],
    inv: &'a [i64],
}

const MAX_INDEX_BITS: u32 = 20;

impl Softmax {
    /// Checks a configuration and plans its casts.
    pub fn new(p: SoftmaxParams) -> Result<Softmax, NnError> {
        for (what, f) in [
            ("input", &p.input),
            ("output", &p.output),
            ("exp table", &p.exp_table),
            ("accumulator", &p.accum),
            ("inverse table", &p.inv_table),
            ("inverse", &p.inv),
        ] {
            check_format(what, f)?;
        }
        if p.n == 0 {
            return Err(NnError::Config(
                "softmax: the row length n must be at least 1",
            ));
        }
        for b in [p.exp_index_bits, p.inv_index_bits] {
            if !(1..=MAX_INDEX_BITS).contains(&b) {
                return Err(NnError::Config(
                    "softmax: table index bits must lie in 1..=20",
                ));
            }
        }
        let (w_in, f_in) = (p.input.width() as i64, i64::from(p.input.frac_bits()));
        let range_bits = i64::from(p.exp_range_log2) + f_in;
        if range_bits > w_in {
            return Err(NnError::Config(
                "softmax: the exp table's range 2^R_e exceeds the input's span (R_e + F_in > W_in)",
            ));
        }
        if range_bits < i64::from(p.exp_index_bits) {
            return Err(NnError::Config(
                "softmax: the exp table is finer than the input's LSB (B_e > R_e + F_in)",
            ));
        }
        let (f_e, f_acc) = (p.exp_table.frac_bits(), p.accum.frac_bits());
        let f_sum = f_e.max(f_acc);
        let (sum_shift, e_shift) = ((f_sum - f_acc) as u32, (f_sum - f_e) as u32);
        if p.accum.width() + sum_shift > 125 || p.exp_table.width() + e_shift > 125 {
            return Err(NnError::TooWide {
                what: "softmax sum",
            });
        }
        let w_acc = p.accum.width() as i32;
        if p.inv_table.width() + p.accum.width() > 126 {
            return Err(NnError::TooWide {
                what: "softmax reciprocal shift",
            });
        }
        if p.exp_table.width() + p.inv.width() > 126 {
            return Err(NnError::TooWide {
                what: "softmax product e · inv",
            });
        }
        let inv_frac = p.inv_table.frac_bits() + w_acc - 1 - f_acc;
        Ok(Softmax {
            p,
            exp_shift: (range_bits - i64::from(p.exp_index_bits)) as u32,
            range_bits: range_bits as u32,
            sum_shift,
            e_shift,
            sum_q: Requant::new(f_sum, p.accum),
            inv_q: Requant::new(inv_frac, p.inv),
            out_q: Requant::new(f_e + p.inv.frac_bits(), p.output),
        })
    }

    /// The configuration.
    pub fn params(&self) -> &SoftmaxParams {
        &self.p
    }

    /// The exp table's length 2^B_e.
    pub fn exp_table_len(&self) -> usize {
        1 << self.p.exp_index_bits
    }

    /// The inverse table's length 2^B_r.
    pub fn inv_table_len(&self) -> usize {
        1 << self.p.inv_index_bits
    }

    /// Exp table entry j: e^−c_j in the exp table type (raw).
    pub fn exp_entry(&self, j: usize) -> Result<i64, NnError> {
        check_index("exp table", j, self.exp_table_len())?;
        let s = self.exp_shift;
        // 2·c_j·2^F_in = 2·j·2^s + 2^s − 1.
        let twice = ((j as u128) << (s + 1)) + (1u128 << s) - 1;
        let c = Exact::from_parts(true, twice, -self.p.input.frac_bits() - 1);
        entry_of(
            "softmax exp",
            j,
            &self.p.exp_table,
            &unary(Unary::Exp, c).value,
        )
    }

    /// Inverse table entry j: 1/(1 + (j + ½)·2^−B_r) in the inverse table type (raw).
    pub fn inv_entry(&self, j: usize) -> Result<i64, NnError> {
        check_index("inverse table", j, self.inv_table_len())?;
        let b = self.p.inv_index_bits;
        let centre = Exact::from_parts(
            false,
            (1u128 << (b + 1)) + 2 * j as u128 + 1,
            -(b as i32) - 1,
        );
        entry_of(
            "softmax inverse",
            j,
            &self.p.inv_table,
            &pown(centre, -1).value,
        )
    }

    /// Fills the caller's tables (lengths [`exp_table_len`](Self::exp_table_len) and
    /// [`inv_table_len`](Self::inv_table_len)) and returns the kernel that reads them.
    pub fn load<'a>(
        &'a self,
        exp: &'a mut [i64],
        inv: &'a mut [i64],
    ) -> Result<SoftmaxKernel<'a>, NnError> {
        table::fill("exp table", exp, self.exp_table_len(), |j| {
            self.exp_entry(j)
        })?;
        table::fill("inverse table", inv, self.inv_table_len(), |j| {
            self.inv_entry(j)
        })?;
        Ok(SoftmaxKernel {
            cfg: self,
            exp,
            inv,
        })
    }

    /// The kernel on tables the caller filled before (from [`load`](Self::load) or
    /// [`exp_entry`](Self::exp_entry)/[`inv_entry`](Self::inv_entry)); only their lengths
    /// are checked.
    pub fn with_tables<'a>(
        &'a self,
        exp: &'a [i64],
        inv: &'a [i64],
    ) -> Result<SoftmaxKernel<'a>, NnError> {
        check_len("exp table", self.exp_table_len(), exp.len())?;
        check_len("inverse table", self.inv_table_len(), inv.len())?;
        Ok(SoftmaxKernel {
            cfg: self,
            exp,
            inv,
        })
    }

    /// Writes this configuration as a C++ header: `struct name` with the typedefs and
    /// constants that `lowprec::nn::softmax<name>` reads, and both tables as ROMs.
    ///
    /// ```
    /// # use lowprec::nn::{Softmax, SoftmaxParams};
    /// # let p = SoftmaxParams { n: 8, input: "ap_fixed<8,4>".parse()?,
    /// #   output: "ap_ufixed<8,1>".parse()?, exp_table: "ap_ufixed<10,1,AP_RND,AP_SAT>".parse()?,
    /// #   exp_index_bits: 6, exp_range_log2: 3, accum: "ap_ufixed<16,5>".parse()?,
    /// #   inv_table: "ap_ufixed<10,1,AP_RND>".parse()?, inv_index_bits: 4,
    /// #   inv: "ap_ufixed<12,1>".parse()? };
    /// let mut header = String::new();
    /// Softmax::new(p)?.write_cpp_config(&mut header, "sm8")?;
    /// assert!(header.contains("struct sm8 {") && header.contains("static const int n = 8;"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_cpp_config(&self, w: &mut impl Write, name: &str) -> Result<(), NnError> {
        let p = &self.p;
        table::write_open(w, name, "softmax", "Softmax")?;
        table::write_const(w, "n", p.n as i64)?;
        table::write_type(w, "input", &p.input)?;
        table::write_type(w, "output", &p.output)?;
        table::write_type(w, "exp_table", &p.exp_table)?;
        table::write_type(w, "accum", &p.accum)?;
        table::write_type(w, "inv_table", &p.inv_table)?;
        table::write_type(w, "inv", &p.inv)?;
        table::write_const(w, "exp_index_bits", i64::from(p.exp_index_bits))?;
        table::write_const(w, "exp_range_bits", i64::from(self.range_bits))?;
        table::write_const(w, "exp_shift", i64::from(self.exp_shift))?;
        table::write_const(w, "inv_index_bits", i64::from(p.inv_index_bits))?;
        table::write_table(w, "exp_lut", &p.exp_table, self.exp_table_len(), |j| {
            self.exp_entry(j)
        })?;
        table::write_table(w, "inv_lut", &p.inv_table, self.inv_table_len(), |j| {
            self.inv_entry(j)
        })?;
        table::write_close(w)
    }
}

fn check_index(what: &'static str, j: usize, len: usize) -> Result<(), NnError> {
    if j < len {
        Ok(())
    } else {
        Err(NnError::Length {
            what,
            expected: len,
            got: j,
        })
    }
}

impl SoftmaxKernel<'_> {
    /// The configuration.
    pub fn config(&self) -> &Softmax {
        self.cfg
    }

    /// eᵢ for a difference D = d·2^F_in ≥ 0.
    #[inline(always)]
    fn exp_of(&self, d: i128) -> i64 {
        let c = self.cfg;
        if d >> c.range_bits != 0 {
            0
        } else {
            self.exp[(d >> c.exp_shift) as usize]
        }
    }

    /// Softmax of one row `x` (n values of the input type) into `y` (n values of the
    /// output type).
    pub fn run<I: Element, O: Element>(&self, x: &[I], y: &mut [O]) -> Result<(), NnError> {
        let c = self.cfg;
        let p = &c.p;
        check_element::<I>("softmax input", &p.input)?;
        check_element::<O>("softmax output", &p.output)?;
        check_len("softmax input", p.n, x.len())?;
        check_len("softmax output", p.n, y.len())?;
        let m = x.iter().map(|v| v.to_raw()).max().unwrap_or(0);
        let mut sum: i64 = 0;
        for v in x {
            let e = self.exp_of(i128::from(m) - i128::from(v.to_raw()));
            sum = c
                .sum_q
                .apply((i128::from(sum) << c.sum_shift) + (i128::from(e) << c.e_shift));
        }
        if sum <= 0 {
            for o in y.iter_mut() {
                *o = O::from_raw(0);
            }
            return Ok(());
        }
        let b = p.inv_index_bits;
        let pos = lead(sum as u128);
        let mask = (1u64 << b) - 1;
        let j = if pos >= b {
            (sum as u64 >> (pos - b)) & mask
        } else {
            (sum as u64) << (b - pos) & mask
        };
        let a = p.accum.width() - 1 - pos;
        let inv = c.inv_q.apply(i128::from(self.inv[j as usize]) << a);
        for (v, o) in x.iter().zip(y.iter_mut()) {
            let e = self.exp_of(i128::from(m) - i128::from(v.to_raw()));
            *o = O::from_raw(c.out_q.apply(i128::from(e) * i128::from(inv)));
        }
        Ok(())
    }
}

impl SoftmaxParams {
    /// A configuration for rows of `n` values of `input` into `output`, with the
    /// intermediate types a design would start from (all `AP_RND_CONV`, `AP_SAT`):
    ///
    /// - exp table: 2^10 entries of `ap_ufixed<18,1>` (e^−d ∈ (0, 1], 17 fraction bits),
    ///   covering d < 2^R_e with R_e = min(4, I_in) — e^−16 < 2^−23 lies below half the
    ///   entries' LSB, so larger differences would round to 0 anyway;
    /// - accumulator `ap_ufixed<18 + c, 1 + c>` with c = ⌈log2 n⌉: the sum (≤ n) exactly
    ///   at the entries' precision;
    /// - inverse table: 2^10 entries of `ap_ufixed<18,1>`; reciprocal `ap_ufixed<18,1>`
    ///   (1/sum ∈ (0, 1]).
    ///
    /// ```
    /// use lowprec::nn::{Softmax, SoftmaxParams};
    /// let p = SoftmaxParams::for_types(128, "ap_fixed<16,6>".parse()?, "ap_ufixed<16,0,AP_RND_CONV,AP_SAT>".parse()?)?;
    /// assert_eq!(p.accum.to_string(), "ap_ufixed<25,8,AP_RND_CONV,AP_SAT>");
    /// assert!(Softmax::new(p).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_types(
        n: usize,
        input: FixedFormat,
        output: FixedFormat,
    ) -> Result<SoftmaxParams, NnError> {
        if n == 0 || n > 1 << 24 {
            return Err(NnError::Config("softmax: n must lie in 1..=2^24"));
        }
        let c = n.next_power_of_two().trailing_zeros();
        let range = input.int_bits().min(4);
        let span = i64::from(range) + i64::from(input.frac_bits());
        if span < 1 {
            return Err(NnError::Config(
                "softmax: the input type has no fraction of a unit to index an exp table with",
            ));
        }
        let unit = rnd_sat(false, 18, 1)?;
        Ok(SoftmaxParams {
            n,
            input,
            output,
            exp_table: unit,
            exp_index_bits: span.min(10) as u32,
            exp_range_log2: range,
            accum: rnd_sat(false, 18 + c, 1 + c as i32)?,
            inv_table: unit,
            inv_index_bits: 10,
            inv: unit,
        })
    }
}
