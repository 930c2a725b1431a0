//! Encoding and quantizing: the per-call constants ([`Plan`]) that the kernels in
//! `lanes.rs` read, computed once per call from the format, mode and overflow policy.
//!
//! The proofs in `lanes.rs` name these constants by their mathematical symbols; each
//! field says which symbol it holds. Throughout, m is the format's fraction bits, MAN the
//! host's, s = MAN − m, q_min the exponent of the format's finest quantum and C the magic
//! addend 2^(q_min + MAN).

use super::host::{Host, Word, kernel_friendly};
use crate::float::format::pow2;
use crate::float::{Exact, FloatFormat};
use crate::rounding::{Discarded, NoRandom, Overflow, Round, Rounding, Status, round_increment};

/// The kernel a call runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kernel {
    /// Round-to-nearest-even, one formula for every finite result
    /// ([`rne_lane`](super::lanes::rne_lane)).
    Rne,
    /// Any deterministic mode, the normal range by integer rounding and, when `sub`, a
    /// separate subnormal path ([`split_lane`](super::lanes::split_lane)); `rne`
    /// specializes it to ties-to-even.
    Split { sub: bool, rne: bool },
    /// The scalar integer path ([`scalar_lane`](super::lanes::scalar_lane)): stochastic
    /// modes.
    Scalar,
}

/// How a lane turns its rounded magnitude into the result.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Finish {
    /// [`Plan::finish`]: the sign, then per-sign selects for overflow, NaN and ±∞.
    Full,
    /// [`Plan::finish_clamped`] for an input clamped by a [`Clamp`]: only the sign is
    /// added; NaN inputs, clamped like overflowing ones, give the overflow result.
    Clamped,
    /// As `Clamped`, with one select that gives NaN inputs their own result.
    ClampedNan,
}

/// A [`Finish`] as a type: each kernel loop is compiled for one, so that the choice
/// costs nothing per element.
pub(super) trait FinishKind {
    /// The finish.
    const FINISH: Finish;
}

/// [`Finish::Full`].
pub(super) struct FullFinish;
/// [`Finish::Clamped`].
pub(super) struct ClampedFinish;
/// [`Finish::ClampedNan`].
pub(super) struct ClampedNanFinish;

impl FinishKind for FullFinish {
    const FINISH: Finish = Finish::Full;
}
impl FinishKind for ClampedFinish {
    const FINISH: Finish = Finish::Clamped;
}
impl FinishKind for ClampedNanFinish {
    const FINISH: Finish = Finish::ClampedNan;
}

/// Per-call constants of the kernels, hoisted out of the loops.
#[derive(Clone, Copy)]
pub(super) struct Plan<H: Host> {
    /// The kernel this call runs.
    pub kernel: Kernel,
    /// The clamped finish for code output, where it applies.
    pub clamp_code: Option<Clamp<H>>,
    /// The clamped finish for value output, where it applies.
    pub clamp_value: Option<Clamp<H>>,
    /// `(host bits >> code_sign_shift) & code_sign` moves the host's sign bit to the
    /// code's.
    pub code_sign_shift: u32,
    /// s = MAN − m: the host fraction bits dropped for a normal-range result.
    pub dropped_bits: u32,
    /// q_min: the format's finest quantum is 2^q_min.
    pub quantum_exp: i32,
    /// Mask of the host bits of |x|: all but the sign bit.
    pub abs_mask: H::Bits,
    /// The host's sign bit.
    pub host_sign: H::Bits,
    /// Host bits of +∞ (also the exponent mask); |x| bits above it are NaN.
    pub inf_bits: H::Bits,
    /// Host bits of 2^emin: |x| below it has a subnormal-range result.
    pub min_normal_bits: H::Bits,
    /// (bias − host bias) << m: for normal-range results, code = (|x| bits >> s) + rebias.
    pub rebias: H::Bits,
    /// The magic addend C = 2^(q_min + MAN), whose ulp is the format's finest quantum.
    pub magic: H,
    /// Host bits of C.
    pub magic_bits: H::Bits,
    /// q/2 = 2^(q_min − 1) (or the host's least subnormal if that underflows).
    pub half_quantum: H,
    /// 0 with subnormals; m without (the kept 0/1 at quantum 2^emin is code 0 / 2^m).
    pub subnormal_shift: u32,
    /// The largest finite magnitude code.
    pub max_mag: H::Bits,
    /// The code's sign bit.
    pub code_sign: H::Bits,
    /// All ones when the format has −0 (a zero result keeps the input's sign).
    pub neg_zero_mask: H::Bits,
    /// [`rne_lane`](super::lanes::rne_lane): 2^emin as a host float.
    pub min_normal: H,
    /// [`rne_lane`](super::lanes::rne_lane): s << MAN, the host bits that multiply a
    /// power of two by 2^s.
    pub dropped_exp: H::Bits,
    /// [`rne_lane`](super::lanes::rne_lane): the code offset
    /// K = ((bias − host bias − 1) << m) − (s << MAN).
    pub code_offset: H::Bits,
    /// Round-to-nearest-even kernels: the least |x| bits that overflow (+∞'s bits when
    /// not computed).
    pub overflow_threshold: H::Bits,
    /// Codes of the results for overflow, [positive, negative]; computed by the exact
    /// path, as are the five arrays below.
    pub overflow_code: [H::Bits; 2],
    /// Codes of the results for ±∞ inputs.
    pub inf_code: [H::Bits; 2],
    /// Codes of the results for NaN inputs of either sign.
    pub nan_code: [H::Bits; 2],
    /// Host-value bits of the results for overflow.
    pub overflow_value: [H::Bits; 2],
    /// Host-value bits of the results for ±∞ inputs.
    pub inf_value: [H::Bits; 2],
    /// Host-value bits of the results for NaN inputs.
    pub nan_value: [H::Bits; 2],
    /// [`split_lane`](super::lanes::split_lane)'s rounding table.
    pub table: Table<H::Bits>,
}

/// The clamped finish of a round-to-nearest-even lane, for formats with −0 whose
/// results for overflow and ±∞ are one code (value) with the input's sign.
///
/// Rounding is monotone, so clamping |x| to `limit` before rounding turns every
/// overflowing input (±∞ included, and NaN, as the compare-select `|x| < limit ? |x| :
/// limit` is false for NaN) into the overflow result: `limit` is the least overflowing
/// |x| when the overflow result is the code after max_mag (IEEE ∞, E4M3FN's NaN: the
/// lane's carry produces it), or the largest non-overflowing |x| when it is max_mag
/// (saturation). The sign is then ORed in; NaN gets its own select when its result
/// differs ([`Finish::ClampedNan`]), with the sign ORed in too (the NaN results of the
/// two signs are symmetric).
#[derive(Clone, Copy)]
pub(super) struct Clamp<H: Host> {
    /// The |x| that every larger input (and NaN) is clamped to.
    pub limit: H,
    /// [`Finish::Clamped`] or [`Finish::ClampedNan`] ([`Finish::Full`] only in the
    /// placeholder of calls without a clamp).
    pub finish: Finish,
    /// The NaN result's magnitude, for [`Finish::ClampedNan`].
    pub nan_mag: H::Bits,
    /// Values only: all ones when a clamped lane (|x| at or above the overflow
    /// threshold) must be replaced by `overflow_mag` (the overflow value is ∞ or NaN,
    /// which no clamped lane computes).
    pub overflow_mask: H::Bits,
    /// The overflow result's magnitude, for `overflow_mask`.
    pub overflow_mag: H::Bits,
}

/// A deterministic mode as [`split_lane`](super::lanes::split_lane) needs it.
///
/// Normal lanes add the bias B = `normal.at(neg, odd)` below the kept bits, where `odd`
/// is the host bit at position s. Subnormal lanes classify the discarded fraction δ as
/// d2 = 0 (exact), 1 (below ½), 2 (½) or 3 (above) and increment when
/// d2 + `subnormal.at(neg, odd)` ≥ 4, where `odd` is the kept parity.
#[derive(Clone, Copy)]
pub(super) struct Table<B> {
    /// The normal lanes' bias.
    pub normal: Bias<B>,
    /// The subnormal lanes' bias, added to d2.
    pub subnormal: Bias<B>,
}

/// A rounding bias that depends on the sign and the parity:
/// `base + (neg & if_negative) + (odd & if_odd)`.
#[derive(Clone, Copy)]
pub(super) struct Bias<B> {
    /// The bias of a positive even value.
    pub base: B,
    /// Added for a negative value.
    pub if_negative: B,
    /// Added for an odd value.
    pub if_odd: B,
}

impl<B: Word> Bias<B> {
    /// The bias for the masks `negm` (all ones when negative) and `oddm` (all ones when
    /// odd). Branchless.
    #[inline(always)]
    pub fn at(&self, negm: B, oddm: B) -> B {
        self.base
            .wadd(negm & self.if_negative)
            .wadd(oddm & self.if_odd)
    }

    /// The bias whose values for (positive, even), (negative, even), (positive, odd) and
    /// (negative, odd) are the four given; `None` unless the sign's and the parity's
    /// contributions add up.
    fn split(pos_even: B, neg_even: B, pos_odd: B, neg_odd: B) -> Option<Self> {
        let bias = Bias {
            base: pos_even,
            if_negative: neg_even.wsub(pos_even),
            if_odd: pos_odd.wsub(pos_even),
        };
        (neg_odd == bias.base.wadd(bias.if_negative).wadd(bias.if_odd)).then_some(bias)
    }
}

impl<H: Host> Plan<H> {
    /// The plan for rounding host values into `fmt`; `None` when the format is not
    /// kernel-friendly for `H` (the call takes the exact path).
    pub fn new(fmt: &FloatFormat, mode: Rounding, overflow: Overflow) -> Option<Self> {
        if !kernel_friendly::<H>(fmt) {
            return None;
        }
        let (zero, one) = (H::Bits::ZERO, H::Bits::ONE);
        let m = fmt.man_bits();
        let s = H::MAN - m;
        let q_min = fmt.quantum_min();
        let host_emin = 1 - H::BIAS;
        let bias_diff = i64::from(fmt.bias()) - i64::from(H::BIAS);
        let rebias = H::Bits::from_u64((bias_diff << m) as u64);
        let host_sign = one << (H::Bits::BITS - 1);
        let inf_bits = H::Bits::from_u64((2 * H::BIAS + 1) as u64) << H::MAN;
        let least = host_emin - H::MAN as i32;
        let magic_bits = H::pow2_bits(q_min + H::MAN as i32);
        let min_normal_bits = H::pow2_bits(fmt.emin());
        let max_mag = H::Bits::from_u64(fmt.max_mag());
        let code_sign = H::Bits::from_u64(fmt.sign_bit());
        let neg_zero_mask = H::Bits::mask(fmt.has_neg_zero());

        let special = |x: Exact| {
            fmt.round(x, Round::new(mode, overflow), &mut NoRandom)
                .value
        };
        let value = |code: u64| H::from_code(fmt, code).to_bits();
        // An exact value far beyond every format's range: its result is the overflow
        // result of `mode` (|bias| ≤ 2²⁰ and 11 exponent bits keep emax below 2²⁴).
        let huge = |negative| Exact::from_parts(negative, 1, 1 << 24);
        let overflow_code = [special(huge(false)), special(huge(true))];
        let inf_code = [
            special(Exact::Inf { negative: false }),
            special(Exact::Inf { negative: true }),
        ];
        let nan_code = [
            special(Exact::Nan { negative: false }),
            special(Exact::Nan { negative: true }),
        ];
        let (overflow_value, inf_value, nan_value) = (
            overflow_code.map(value),
            inf_code.map(value),
            nan_code.map(value),
        );
        let word = |c: [u64; 2]| c.map(H::Bits::from_u64);
        let (overflow_code, inf_code, nan_code) =
            (word(overflow_code), word(inf_code), word(nan_code));

        // The kernel. Ties-to-even with subnormals (m ≥ 1, so the code's parity is the
        // significand's; s ≥ 1, so something is rounded) has a one-formula kernel when
        // 2^(emax + s + 1) is finite (the per-binade addend below overflow); formats
        // whose emin is the host's keep host subnormals in the integer path (the same
        // fixed-point layout, no rebias).
        let table = Table::new(mode, s, m == 0 && bias_diff & 1 == 1);
        let rne_table =
            table.is_some_and(|t| t.normal.if_negative == zero && t.normal.if_odd == one);
        let kernel = match table {
            _ if mode.is_stochastic() => Kernel::Scalar,
            None => Kernel::Scalar,
            Some(_)
                if mode == Rounding::TiesToEven
                    && m >= 1
                    && s >= 1
                    && fmt.has_subnormals()
                    && fmt.emax() + (s as i32) < H::BIAS =>
            {
                Kernel::Rne
            }
            Some(_) => Kernel::Split {
                sub: !(fmt.emin() == host_emin && fmt.has_subnormals()),
                rne: mode == Rounding::TiesToEven && rne_table,
            },
        };

        // The least |x| whose nearest-even rounding overflows: just above, or at, the tie
        // T = max + ½ulp (whose host bits are max's plus 2^(s−1): same binade, m + 2 bits).
        let rne_kernel = matches!(
            kernel,
            Kernel::Rne
                | Kernel::Split {
                    sub: false,
                    rne: true
                }
        );
        let mut clamp_code = None;
        let mut clamp_value = None;
        let max_bits = value(fmt.max_mag());
        let mut overflow_threshold = inf_bits;
        if rne_kernel && s >= 1 && fmt.emax() <= H::BIAS {
            // max's quantum: 2^(emax − m), or the subnormal quantum when max is subnormal
            // (formats without normal numbers, such as e1m2).
            // T has at most m + 2 ≤ MAN + 1 significant bits and lies within the host's
            // range (emax ≤ host bias, q − 1 ≥ q_min − 1 ≥ the host's least exponent as
            // s ≥ 1), so f64 arithmetic and the conversion to the host are exact.
            let q = (fmt.emax() - m as i32).max(q_min);
            let t = H::from_f64(fmt.max_value() + pow2(q - 1)).to_bits();
            let r = fmt.round(
                H::from_bits(t).exact(),
                Round::new(mode, overflow),
                &mut NoRandom,
            );
            overflow_threshold = if r.status.contains(Status::OVERFLOW) {
                t
            } else {
                t.wadd(one)
            };
        }
        if overflow_threshold != inf_bits && fmt.has_neg_zero() {
            let thr = overflow_threshold;
            let clamp = |ovf: [H::Bits; 2],
                         inf: [H::Bits; 2],
                         nan: [H::Bits; 2],
                         sign: H::Bits,
                         natural: H::Bits,
                         saturated: H::Bits,
                         value: bool| {
                let symmetric = |pair: [H::Bits; 2]| pair[1] == pair[0] | sign;
                if !symmetric(ovf) || inf != ovf || !symmetric(nan) {
                    return None;
                }
                let (limit, overflow_mask) = if ovf[0] == saturated {
                    (thr.wsub(one), zero)
                } else if !value && ovf[0] == natural {
                    (thr, zero)
                } else if value {
                    (thr, !zero)
                } else {
                    return None;
                };
                Some(Clamp {
                    limit: H::from_bits(limit),
                    finish: if nan == ovf {
                        Finish::Clamped
                    } else {
                        Finish::ClampedNan
                    },
                    nan_mag: nan[0],
                    overflow_mask,
                    overflow_mag: ovf[0],
                })
            };
            // The lane's own code at the threshold is the one after max_mag.
            clamp_code = clamp(
                overflow_code,
                inf_code,
                nan_code,
                code_sign,
                max_mag.wadd(one),
                max_mag,
                false,
            );
            clamp_value = clamp(
                overflow_value,
                inf_value,
                nan_value,
                host_sign,
                zero,
                max_bits,
                true,
            );
        }

        let min_normal = H::from_bits(min_normal_bits);
        let dropped_exp = H::Bits::from_u64(u64::from(s)) << H::MAN;
        let code_offset = H::Bits::from_u64(((bias_diff - 1) << m) as u64).wsub(dropped_exp);
        let no_bias = Bias {
            base: zero,
            if_negative: zero,
            if_odd: zero,
        };
        Some(Plan {
            kernel,
            clamp_code,
            clamp_value,
            code_sign_shift: (H::Bits::BITS - 1).saturating_sub(fmt.exp_bits() + m),
            dropped_bits: s,
            quantum_exp: q_min,
            abs_mask: !host_sign,
            host_sign,
            inf_bits,
            min_normal_bits,
            rebias,
            magic: H::from_bits(magic_bits),
            magic_bits,
            half_quantum: H::from_bits(H::pow2_bits((q_min - 1).max(least))),
            subnormal_shift: if fmt.has_subnormals() { 0 } else { m },
            max_mag,
            code_sign,
            neg_zero_mask,
            min_normal,
            dropped_exp,
            code_offset,
            overflow_threshold,
            overflow_code,
            inf_code,
            nan_code,
            overflow_value,
            inf_value,
            nan_value,
            table: table.unwrap_or(Table {
                normal: no_bias,
                subnormal: no_bias,
            }),
        })
    }

    /// Assembles a lane's result from its magnitude code `code` (or host-value bits `v`):
    /// the overflow result where `big`, the sign (none on a zero of a format without
    /// −0), then per-sign selects for overflow, NaN and ±∞ inputs. Branchless.
    #[inline(always)]
    pub fn finish<const VALUE: bool>(
        &self,
        a: H::Bits,
        negm: H::Bits,
        big: bool,
        code: H::Bits,
        v: H::Bits,
    ) -> H::Bits {
        let (sign, ovf, nan, inf) = if VALUE {
            (
                self.host_sign,
                self.overflow_value,
                self.nan_value,
                self.inf_value,
            )
        } else {
            (
                self.code_sign,
                self.overflow_code,
                self.nan_code,
                self.inf_code,
            )
        };
        let pick = |pair: [H::Bits; 2]| pair[0] ^ (negm & (pair[0] ^ pair[1]));
        let mag = if VALUE { v } else { code };
        let keep = H::Bits::mask(mag != H::Bits::ZERO) | self.neg_zero_mask;
        let out = mag | (negm & keep & sign);
        let out = if big { pick(ovf) } else { out };
        let out = if self.inf_bits.slt(a) { pick(nan) } else { out };
        if a == self.inf_bits { pick(inf) } else { out }
    }

    /// The finish of a lane whose input was clamped by `clamp` before rounding: the NaN
    /// select if `F` is [`ClampedNanFinish`], then the input's sign.
    #[inline(always)]
    pub fn finish_clamped<F: FinishKind, const VALUE: bool>(
        &self,
        clamp: &Clamp<H>,
        bits: H::Bits,
        a: H::Bits,
        mag: H::Bits,
    ) -> H::Bits {
        let mag = if VALUE {
            let big = H::Bits::mask(!a.slt(self.overflow_threshold)) & clamp.overflow_mask;
            (mag & !big) | (clamp.overflow_mag & big)
        } else {
            mag
        };
        let mag = if matches!(F::FINISH, Finish::ClampedNan) && self.inf_bits.slt(a) {
            clamp.nan_mag
        } else {
            mag
        };
        let sign = if VALUE {
            bits & self.host_sign
        } else {
            (bits >> self.code_sign_shift) & self.code_sign
        };
        mag | sign
    }
}

impl<B: Word> Table<B> {
    /// The table of a deterministic mode, read off [`round_increment`]: for each sign and
    /// parity, whether it increments a discarded fraction below, at and above one half.
    /// `None` if the answers are not monotone in δ or depend on both sign and parity (no
    /// current mode does either; such a mode would take the scalar path).
    fn new(mode: Rounding, s: u32, flip_parity: bool) -> Option<Self> {
        if mode.is_stochastic() {
            return None;
        }
        let below = Discarded {
            frac: 1,
            sticky: false,
        };
        let tie = Discarded {
            frac: 1 << 63,
            sticky: false,
        };
        let above = Discarded {
            frac: u64::MAX,
            sticky: true,
        };
        // inc[neg][odd] = [gt, eq, lt]
        let mut inc = [[[false; 3]; 2]; 2];
        for (neg, row) in inc.iter_mut().enumerate() {
            for (odd, cell) in row.iter_mut().enumerate() {
                let (n, o) = (neg == 1, odd == 1);
                *cell = [
                    round_increment(n, o, above, mode, &mut NoRandom),
                    round_increment(n, o, tie, mode, &mut NoRandom),
                    round_increment(n, o, below, mode, &mut NoRandom),
                ];
                let [gt, eq, lt] = *cell;
                if (lt && !eq) || (eq && !gt) {
                    return None;
                }
            }
        }
        // Normal lanes: inc = [d + B ≥ 2^s] for the discarded bits d ∈ [0, 2^s), so
        // B = 2^s − (the least d that increments): 2^s − 1 if every inexact d does,
        // 2^(s−1) if ties do, 2^(s−1) − 1 if only d > half does, 0 if none does.
        let bias = |[gt, eq, lt]: [bool; 3]| -> B {
            if s == 0 {
                return B::ZERO; // nothing is discarded
            }
            let half = B::ONE << (s - 1);
            if lt {
                (half << 1).wsub(B::ONE)
            } else if eq {
                half
            } else if gt {
                half.wsub(B::ONE)
            } else {
                B::ZERO
            }
        };
        // The host bit at position s is the code's parity except for m = 0 with an odd
        // bias difference, where code = (bits >> s) + rebias flips it.
        let bt = |neg: usize, odd_bit: usize| bias(inc[neg][odd_bit ^ flip_parity as usize]);
        let normal = Bias::split(bt(0, 0), bt(1, 0), bt(0, 1), bt(1, 1))?;
        // Subnormal lanes: the same rule on a two-bit fraction d2 (0 exact, 1 below a
        // tie, 2 at it, 3 above), with the kept value's own parity.
        let b2 = |neg: usize, odd: usize| {
            let [gt, eq, lt] = inc[neg][odd];
            B::from_u64(if lt {
                3
            } else if eq {
                2
            } else {
                u64::from(gt)
            })
        };
        let subnormal = Bias::split(b2(0, 0), b2(1, 0), b2(0, 1), b2(1, 1))?;
        Some(Table { normal, subnormal })
    }
}
