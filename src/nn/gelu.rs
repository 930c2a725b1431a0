//! GELU as a lookup table over the input's raw bits, in the erf form or the tanh
//! approximation, every entry correctly rounded. The golden model of
//! `lowprec::nn::gelu` in `hls/include/lowprec/nn/gelu.h`.
//! The contract, error bound and an example are on [`Gelu`].

use core::fmt::Write;

use crate::fixed::{FixedFormat, OverflowMode};
use crate::float::Exact;
use crate::math::{Unary, pown, unary};
use crate::rounding::Status;

use super::table::{self, WRITE_FAILED};
use super::{Element, NnError, Requant, check_element, check_format, check_len};

/// Which GELU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GeluForm {
    /// ½·x·(1 + erf(x/√2)).
    Erf,
    /// ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    Tanh,
}

/// The configuration of a GELU kernel (see [`Gelu`] for the contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GeluParams {
    /// The input type (signed).
    pub input: FixedFormat,
    /// The output type (the table's entries).
    pub output: FixedFormat,
    /// Which GELU.
    pub form: GeluForm,
    /// R: the window covers [−2^(R−1), 2^(R−1)) (R ≤ the input's integer bits, R ≤ 11).
    pub window_int_bits: i32,
    /// B: the table has 2^B entries (B ≤ R + F_in, B ≤ 20).
    pub index_bits: u32,
}

impl GeluParams {
    /// The whole-type table: the window is the input's range and the index all its bits
    /// (inputs of at most 20 bits): y = GELU(x) correctly rounded for every x.
    pub fn exact(input: FixedFormat, output: FixedFormat, form: GeluForm) -> GeluParams {
        GeluParams {
            input,
            output,
            form,
            window_int_bits: input.int_bits(),
            index_bits: input.width(),
        }
    }
}

/// GELU as a lookup table over the input's raw bits, in the erf form or the tanh
/// approximation, every entry correctly rounded. The golden model of
/// `lowprec::nn::gelu` in `hls/include/lowprec/nn/gelu.h`.
///
/// # Contract (this model and the C++ kernel compute exactly this)
/// The input type is signed, with W_in bits and F_in fraction bits. A *window* of
/// R integer bits (`window_int_bits`, R ≤ I_in, R ≤ 11) covers x ∈ [−2^(R−1), 2^(R−1));
/// the table has 2^B entries (`index_bits` = B ≤ R + F_in, B ≤ 20) and
/// s = R + F_in − B. With X = x·2^F_in and the offset O = X + 2^(R−1+F_in):
///
/// - O ≥ 2^(R+F_in) (x above the window): y = out(x), GELU(x) ≈ x;
/// - O < 0 (x below the window): y = 0, GELU(x) ≈ 0;
/// - otherwise y = table\[O >> s\]: entry j holds GELU(c_j) correctly rounded into the output
///   type (its quantization and overflow modes), c_j = −2^(R−1) + (j·2^s + (2^s − 1)/2)·2^−F_in,
///   the centre of the inputs that map to j.
///
/// With R = I_in and B = W_in ([`GeluParams::exact`], for inputs of up to 20 bits) the
/// window is the whole type, s = 0, and the table is GELU at every input value: y is
/// GELU(x) correctly rounded. Wider inputs take a window and the top B bits within it.
///
/// The two forms ([`GeluForm`]):
/// - `Erf`: GELU(x) = ½·x·(1 + erf(x/√2));
/// - `Tanh`: ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), its entries the correctly rounded
///   values of that formula (not of the erf form).
///
/// # How the entries are decided
/// x/√2 is not exact, so an entry is not one call of a correctly rounded function. For
/// a = |c_j| > 0 both forms are a − t (c_j > 0) or −t (c_j < 0) with t = a·g and
/// g = ½·erfc(a/√2) (erf form) or g = 1/(1 + e^{2v}), v = √(2/π)(a + 0.044715·a³) (tanh
/// form): written this way no cancellation occurs (t ≤ a/2) and the tails keep their
/// relative precision (GELU(−17) ≈ −10⁻⁶⁴ is as exact as GELU(1)). The entry's value is
/// enclosed in an interval of dyadic numbers with 126-bit significands, each operation
/// rounded outward: 1/√2 and √(2/π) from `math::unary(Rsqrt, ·)` (π from lowprec's
/// enclosure), 0.044715 by integer division; erfc, exp and the reciprocal are evaluated
/// by `math::unary`/`math::pown` at the exact endpoints of their arguments' enclosures
/// (each decided to 126 bits with a sticky bit, so an enclosure of its own), using that
/// erfc and x ↦ 1/(1 + e^{2x}) decrease; the last subtraction a − t is kept exact (the
/// difference at a's last bit with a sticky bit for t's lower bits), so GELU(13) ≈
/// 13 − 10⁻³⁷ truncates below 13. For |x| ≥ 4 the erf form first tries the tail bound
/// 0 < t ≤ ½·a·e^{−a²/2} (erfc z ≤ e^{−z²} for z ≥ 0; e^{−a²/2} at an exact argument),
/// which decides nearly every far entry without the slow erfc of a large argument. The
/// entry is the cast of the lower end when the cast of the upper end gives the same raw
/// integer, so every value in between, the true one included, gives it too: the
/// quantization is monotone and the ends of the narrow enclosure round to the same or
/// adjacent values; the tail bound's wide enclosure decides only where the overflow mode
/// is monotone on it too (a saturating output type, or neither end overflows: `SAT_ZERO`
/// and the wraps are not monotone across an overflow). The enclosure's relative width
/// is about 2^−120, so this fails only for a value within 2^−120 of a rounding boundary
/// of the output type; none occurs for the configurations tested, and one would be
/// reported as [`NnError::TableMargin`] rather than guessed. GELU(0) = 0 exactly.
///
/// # Error bound
/// In the window, |y − GELU(x)| ≤ q_out + L·h with q_out the output cast's error (half an
/// LSB, or one LSB for the truncating modes), L = max|GELU′| ≈ 1.129 (1.13 for the tanh
/// form) and h = (2^s − 1)/2·2^−F_in the distance from x to its entry's centre (0 for the
/// whole table: the error is q_out). Above the window the error is q_out + x·Φ(−x) ≤
/// q_out + 2^(R−1)·Φ(−2^(R−1)); below it |GELU(x)| ≤ 2^(R−1)·Φ(−2^(R−1)) (< 10⁻¹⁵ for
/// R = 5, so R = 5 with inputs in \[−17, 24\] loses nothing to the window).
///
/// ```
/// use lowprec::nn::{Gelu, GeluForm, GeluParams};
/// let input = "ap_fixed<10,4>".parse()?;
/// let output = "ap_fixed<12,4,AP_RND_CONV,AP_SAT>".parse()?;
/// let g = Gelu::new(GeluParams::exact(input, output, GeluForm::Erf))?;
/// let mut table = vec![0; g.table_len()];
/// let k = g.load(&mut table)?;
/// let mut y = [0i64; 3];
/// k.run(&[64i64, -64, 0], &mut y)?; // 1, −1, 0 (6 fraction bits)
/// // GELU(1) = 0.841345 → 215/256, GELU(−1) = −0.158655 → −41/256
/// assert_eq!(y, [215, -41, 0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A checked configuration with its planned casts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gelu {
    p: GeluParams,
    /// R + F_in.
    window_bits: u32,
    shift: u32,
    whole: bool,
    pass_q: Requant,
    /// Enclosures of 1/√2 (erf form) or √(2/π) (tanh form).
    c: (Dy, Dy),
}

/// A GELU kernel with its table: what [`Gelu::load`] returns.
#[derive(Clone, Copy, Debug)]
pub struct GeluKernel<'a> {
    cfg: &'a Gelu,
    table: &'a [i64],
}

impl Gelu {
    /// Checks a configuration.
    pub fn new(p: GeluParams) -> Result<Gelu, NnError> {
        check_format("input", &p.input)?;
        check_format("output", &p.output)?;
        if !p.input.is_signed() {
            return Err(NnError::Format {
                what: "GELU input",
                format: p.input,
                reason: "the GELU input type must be signed",
            });
        }
        let r = p.window_int_bits;
        if r > p.input.int_bits() || r > 11 {
            return Err(NnError::Config(
                "GELU: the window's integer bits must be at most the input's and at most 11",
            ));
        }
        let window_bits = i64::from(r) + i64::from(p.input.frac_bits());
        if !(1..=20).contains(&p.index_bits) || i64::from(p.index_bits) > window_bits {
            return Err(NnError::Config(
                "GELU: the index bits must lie in 1..=20 and within the window (B <= R + F_in)",
            ));
        }
        let c = match p.form {
            GeluForm::Erf => enclose(unary(Unary::Rsqrt, Exact::from_i128(2)).value)?,
            GeluForm::Tanh => {
                // √(2/π) = 1/√(π/2), which decreases in π.
                let (lo, hi) = crate::math::pi_bounds();
                let half = |e: Exact| match e {
                    Exact::Finite(f) => Exact::from_parts(false, f.sig, f.exp - 1),
                    e => e,
                };
                let a = enclose(unary(Unary::Rsqrt, half(hi)).value)?;
                let b = enclose(unary(Unary::Rsqrt, half(lo)).value)?;
                (a.0, b.1)
            }
        };
        Ok(Gelu {
            p,
            window_bits: window_bits as u32,
            shift: (window_bits - i64::from(p.index_bits)) as u32,
            whole: r == p.input.int_bits(),
            pass_q: Requant::new(p.input.frac_bits(), p.output),
            c,
        })
    }

    /// The configuration.
    pub fn params(&self) -> &GeluParams {
        &self.p
    }

    /// The table's length 2^B.
    pub fn table_len(&self) -> usize {
        1 << self.p.index_bits
    }

    /// Table entry j: GELU(c_j) correctly rounded into the output type (raw), or
    /// [`NnError::TableMargin`] if the enclosure cannot decide it.
    pub fn table_entry(&self, j: usize) -> Result<i64, NnError> {
        if j >= self.table_len() {
            return Err(NnError::Length {
                what: "GELU table",
                expected: self.table_len(),
                got: j,
            });
        }
        let f = self.p.input.frac_bits();
        // 2·c_j·2^F_in = −2^(R+F) + (2j + 1)·2^s − 1.
        let s = self.shift;
        let twice = -(1i128 << self.window_bits) + ((2 * j as i128 + 1) << s) - 1;
        if twice == 0 {
            return Ok(0);
        }
        let a = Dy::new(twice.unsigned_abs(), -f - 1);
        let out = &self.p.output;
        if self.p.form == GeluForm::Erf && a.exp + 125 >= 2 {
            // |x| ≥ 4: first the tail bound 0 < t ≤ a·e^{−a²/2}/2 (erfc z ≤ e^{−z²}
            // for z ≥ 0), which decides the far entries without a slow erfc.
            let sq = a.mul(a, false).half();
            let bound = enclose(unary(Unary::Exp, sq.exact(true)).value)?.1;
            let t_hi = a.mul(bound, true).half();
            let (lo, hi) = if twice > 0 {
                (a.sub_exact(t_hi), a.sub_exact(Dy::new(1, i32::MIN / 2)))
            } else {
                (t_hi.exact(true), Exact::from_parts(true, 1, i32::MIN / 2))
            };
            if let Some(r) = agreed_cast(out, &lo, &hi) {
                return Ok(r);
            }
        }
        let (g_lo, g_hi) = match self.p.form {
            GeluForm::Erf => {
                let arg_lo = a.mul(self.c.0, false);
                let arg_hi = a.mul(self.c.1, true);
                let lo = enclose(unary(Unary::Erfc, arg_hi.exact(false)).value)?.0;
                let hi = enclose(unary(Unary::Erfc, arg_lo.exact(false)).value)?.1;
                (lo.half(), hi.half())
            }
            GeluForm::Tanh => {
                // 0.044715 = 44715/10^6, enclosed by integer division.
                let k_lo = (44715u128 << 107) / 1_000_000;
                let (k_lo, k_hi) = (Dy::new(k_lo, -107), Dy::new(k_lo + 1, -107));
                let cube = |up| a.mul(a, up).mul(a, up);
                let w_lo = a
                    .add(k_lo.mul(cube(false), false), false)
                    .mul(self.c.0, false);
                let w_hi = a.add(k_hi.mul(cube(true), true), true).mul(self.c.1, true);
                // e^{2v}, then 1/(1 + e^{2v}), which decreases in v.
                let p_lo = enclose(unary(Unary::Exp, w_lo.twice().exact(false)).value)?.0;
                let p_hi = enclose(unary(Unary::Exp, w_hi.twice().exact(false)).value)?.1;
                let one = Dy::new(1, 0);
                let lo = enclose(pown(one.add(p_hi, true).exact(false), -1).value)?.0;
                let hi = enclose(pown(one.add(p_lo, false).exact(false), -1).value)?.1;
                (lo, hi)
            }
        };
        let (t_lo, t_hi) = (a.mul(g_lo, false), a.mul(g_hi, true));
        let (lo, hi) = if twice > 0 {
            (a.sub_exact(t_hi), a.sub_exact(t_lo))
        } else {
            (t_hi.exact(true), t_lo.exact(true))
        };
        // A wrapping type whose LSB lies beyond the enclosure's bits makes the cast
        // `invalid`: those entries are refused, not guessed.
        let (r_lo, r_hi) = (out.from_exact_with(&lo), out.from_exact_with(&hi));
        let known = !(r_lo.status | r_hi.status).contains(Status::INVALID);
        if r_lo.value == r_hi.value && known {
            Ok(out.raw_of(r_lo.value) as i64)
        } else {
            Err(NnError::TableMargin {
                table: "GELU",
                index: j,
            })
        }
    }

    /// Fills the caller's table (length [`table_len`](Self::table_len)) and returns the
    /// kernel that reads it.
    pub fn load<'a>(&'a self, table: &'a mut [i64]) -> Result<GeluKernel<'a>, NnError> {
        table::fill("GELU table", table, self.table_len(), |j| {
            self.table_entry(j)
        })?;
        Ok(GeluKernel { cfg: self, table })
    }

    /// The kernel on a table the caller filled before; only its length is checked.
    pub fn with_table<'a>(&'a self, table: &'a [i64]) -> Result<GeluKernel<'a>, NnError> {
        check_len("GELU table", self.table_len(), table.len())?;
        Ok(GeluKernel { cfg: self, table })
    }

    /// Writes this configuration as a C++ header: `struct name` with the typedefs and
    /// constants that `lowprec::nn::gelu<name, N>` reads, and the table as a ROM.
    pub fn write_cpp_config(&self, w: &mut impl Write, name: &str) -> Result<(), NnError> {
        let p = &self.p;
        table::write_open(w, name, "gelu", "Gelu")?;
        table::write_type(w, "input", &p.input)?;
        table::write_type(w, "output", &p.output)?;
        writeln!(
            w,
            "  // {} form; the window is [-2^{}, 2^{}).",
            match p.form {
                GeluForm::Erf => "erf",
                GeluForm::Tanh => "tanh",
            },
            p.window_int_bits - 1,
            p.window_int_bits - 1
        )
        .map_err(|_| WRITE_FAILED)?;
        table::write_const(w, "whole", i64::from(self.whole))?;
        table::write_const(w, "window_bits", i64::from(self.window_bits))?;
        table::write_const(w, "index_bits", i64::from(p.index_bits))?;
        table::write_const(w, "index_shift", i64::from(self.shift))?;
        table::write_table(w, "gelu_lut", &p.output, self.table_len(), |j| {
            self.table_entry(j)
        })?;
        table::write_close(w)
    }
}

impl GeluKernel<'_> {
    /// The configuration.
    pub fn config(&self) -> &Gelu {
        self.cfg
    }

    /// GELU of one raw input.
    #[inline(always)]
    fn one(&self, x: i64) -> i64 {
        let c = self.cfg;
        let off = i128::from(x) + (1i128 << (c.window_bits - 1));
        if !c.whole && off >> c.window_bits != 0 {
            return if off < 0 {
                0
            } else {
                c.pass_q.apply(i128::from(x))
            };
        }
        self.table[(off >> c.shift) as usize]
    }

    /// GELU of every value of `x` (input type) into `y` (output type, the same length).
    pub fn run<I: Element, O: Element>(&self, x: &[I], y: &mut [O]) -> Result<(), NnError> {
        let p = &self.cfg.p;
        check_element::<I>("GELU input", &p.input)?;
        check_element::<O>("GELU output", &p.output)?;
        check_len("GELU output", x.len(), y.len())?;
        for (v, o) in x.iter().zip(y.iter_mut()) {
            *o = O::from_raw(self.one(v.to_raw()));
        }
        Ok(())
    }
}

/// The raw integer of `out` that every value in the wide enclosure \[lo, hi\] of the tail
/// bound casts to, if the casts of the two ends agree and the cast is monotone on
/// \[lo, hi\]: the quantization always is, the overflow mode when it saturates (`SAT`,
/// `SAT_SYM`) or when neither end overflows (then every value in between rounds in range,
/// between the two). `SAT_ZERO` and the wraps are not monotone across an overflow:
/// \[−6.7·10⁻⁴, −tiny\] casts to 0 at both ends in
/// `ac_fixed<15,-11,true,AC_RND_CONV,AC_SAT_ZERO>` while GELU(−4) ≈ −1.27·10⁻⁴ inside it
/// does not. (The main enclosure is narrow: its ends round to the same or adjacent
/// quantized values, so agreeing casts agree for every value in between.)
fn agreed_cast(out: &FixedFormat, lo: &Exact, hi: &Exact) -> Option<i64> {
    let (a, b) = (out.from_exact_with(lo), out.from_exact_with(hi));
    let monotone = matches!(out.overflow(), OverflowMode::Sat | OverflowMode::SatSym)
        || !(a.status | b.status).contains(Status::OVERFLOW);
    let known = !(a.status | b.status).contains(Status::INVALID);
    (a.value == b.value && monotone && known).then(|| out.raw_of(a.value) as i64)
}

/// A dyadic number sig·2^exp ≥ 0: an end of an enclosure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dy {
    sig: u128,
    exp: i32,
}

/// Significands are kept below 2^126, so that sums and rounding up never carry out.
const TOP: u32 = 126;

impl Dy {
    fn new(sig: u128, exp: i32) -> Dy {
        Dy { sig, exp }.norm(false)
    }

    /// sig >> k, rounded up when `up` and a nonzero bit is dropped.
    fn shr(sig: u128, k: u32, up: bool) -> u128 {
        if k == 0 {
            return sig;
        }
        let (q, dropped) = if k >= 128 {
            (0, sig != 0)
        } else {
            (sig >> k, sig & ((1u128 << k) - 1) != 0)
        };
        q + u128::from(up && dropped)
    }

    /// The significand brought to exactly TOP bits (rounded in direction `up`).
    fn norm(self, up: bool) -> Dy {
        if self.sig == 0 {
            return self;
        }
        let len = 128 - self.sig.leading_zeros();
        if len < TOP {
            let k = TOP - len;
            Dy {
                sig: self.sig << k,
                exp: self.exp - k as i32,
            }
        } else {
            let k = len - TOP;
            let sig = Dy::shr(self.sig, k, up);
            // Rounding up may reach 2^TOP: one bit more.
            if sig >> TOP != 0 {
                Dy {
                    sig: Dy::shr(sig, 1, up),
                    exp: self.exp + k as i32 + 1,
                }
            } else {
                Dy {
                    sig,
                    exp: self.exp + k as i32,
                }
            }
        }
    }

    /// The product, rounded down or up.
    fn mul(self, b: Dy, up: bool) -> Dy {
        if self.sig == 0 || b.sig == 0 {
            return Dy { sig: 0, exp: 0 };
        }
        // Both have TOP bits: keep the top 64 bits of each half-product exactly via
        // 64-bit limbs.
        let (a1, a0) = (self.sig >> 64, self.sig & u128::from(u64::MAX));
        let (b1, b0) = (b.sig >> 64, b.sig & u128::from(u64::MAX));
        let lo = a0 * b0;
        let mid1 = a1 * b0;
        let mid2 = a0 * b1;
        let hi = a1 * b1;
        // (hi·2^128 + (mid1 + mid2)·2^64 + lo), as hi:lo words.
        let (mid, mc) = mid1.overflowing_add(mid2);
        let (low, c1) = lo.overflowing_add(mid << 64);
        let high = hi + (mid >> 64) + (u128::from(mc) << 64) + u128::from(c1);
        // Keep the top TOP bits of the 256-bit product.
        let len = 256 - high.leading_zeros();
        let k = len - TOP; // > 128 - TOP since high ≠ 0 for TOP-bit operands
        let sig = if k >= 128 {
            let s = Dy::shr(high, k - 128, false);
            let dropped = low != 0 || (k > 128 && high & ((1u128 << (k - 128)) - 1) != 0);
            s + u128::from(up && dropped)
        } else {
            let s = (high << (128 - k)) | (low >> k);
            s + u128::from(up && low & ((1u128 << k) - 1) != 0)
        };
        Dy {
            sig,
            exp: self.exp + b.exp + k as i32,
        }
        .norm(up)
    }

    /// The sum, rounded down or up.
    fn add(self, b: Dy, up: bool) -> Dy {
        if self.sig == 0 {
            return b;
        }
        if b.sig == 0 {
            return self;
        }
        let (a, b) = (self.norm(up), b.norm(up));
        let (x, y) = if a.exp >= b.exp { (a, b) } else { (b, a) };
        let k = (x.exp - y.exp) as u32;
        Dy {
            sig: x.sig + Dy::shr(y.sig, k, up),
            exp: x.exp,
        }
        .norm(up)
    }

    /// self − b for self ≥ b as an exact value: the difference truncated to self's last
    /// bit, with the sticky bit when b has bits below it (the difference then lies strictly
    /// between two integers of that scale, which the casts round correctly: self has
    /// TOP bits, more than any fixed-point cast keeps plus two).
    fn sub_exact(self, b: Dy) -> Exact {
        let k = self.exp.saturating_sub(b.exp).max(0) as u32;
        let (q, dropped) = if k >= 128 {
            (0, b.sig != 0)
        } else {
            (b.sig >> k, b.sig & ((1u128 << k) - 1) != 0)
        };
        let sig = self.sig.saturating_sub(q + u128::from(dropped));
        match Exact::from_parts(false, sig, self.exp) {
            Exact::Finite(mut f) => {
                f.sticky = dropped;
                Exact::Finite(f)
            }
            e => e,
        }
    }

    fn half(self) -> Dy {
        Dy {
            sig: self.sig,
            exp: self.exp - 1,
        }
    }

    fn twice(self) -> Dy {
        Dy {
            sig: self.sig,
            exp: self.exp + 1,
        }
    }

    fn exact(self, negative: bool) -> Exact {
        Exact::from_parts(negative, self.sig, self.exp)
    }
}

/// The enclosure \[lo, hi\] of a positive value decided to 126 bits with a sticky bit.
fn enclose(e: Exact) -> Result<(Dy, Dy), NnError> {
    match e {
        Exact::Zero { .. } => Ok((Dy { sig: 0, exp: 0 }, Dy { sig: 0, exp: 0 })),
        Exact::Finite(f) if !f.negative => {
            let lo = Dy {
                sig: f.sig,
                exp: f.exp,
            };
            let hi = if f.sticky {
                Dy::new(f.sig, f.exp).add(Dy { sig: 1, exp: f.exp }, true)
            } else {
                lo
            };
            Ok((lo.norm(false), hi.norm(true)))
        }
        _ => Err(NnError::Config(
            "GELU: an intermediate value left the range of exact numbers",
        )),
    }
}
