//! Casts into fixed-point formats (quantize, then overflow, exactly as `ap_fixed_base.h`
//! and `ac_fixed.h` do) and out of them (to `f64`, `f32`, integers, exact values).
//!
//! Every cast first scales the exact source value to the target's quantum 2^−F and splits
//! it into ⌊|x|·2^F⌋ and the discarded fraction ([`Scaled`]); [`round_increment`], the
//! crate's one rounding decision, then says whether the magnitude goes up by one; the
//! overflow mode finally acts on the *rounded* integer (so rounding can overflow).

use super::format::{Family, FixedFormat, FixedParams, OverflowMode, Quantization};
use crate::float::{Exact, FloatFormat};
use crate::rounding::{
    Discarded, NoRandom, RandomBits, Round, Rounding, Status, StatusAnd, round_increment,
};
use crate::split::{Split, Word, split};

/// A value scaled to a target's quantum 2^−F: the sign, ⌊|x|·2^F⌋ and what lies below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scaled {
    /// The sign of x.
    pub neg: bool,
    /// ⌊|x|·2^F⌋ modulo 2¹²⁸.
    pub kept: u128,
    /// Whether ⌊|x|·2^F⌋ ≥ 2¹²⁸.
    pub big: bool,
    /// The fraction |x|·2^F − ⌊|x|·2^F⌋.
    pub d: Discarded,
    /// Whether low bits of ⌊|x|·2^F⌋ are unknown (an inexact [`Exact`] far beyond the
    /// range, whose lost bits lie at or above the target's LSB).
    pub unknown: bool,
}

impl Scaled {
    /// Scales (−1)^neg · (sig + ε) · 2^exp to the quantum 2^−frac, with ε = 0 unless
    /// `sticky` (then 0 < ε < 1); `sig` is a `u128` or, for exact sums, a 256-bit integer.
    #[inline(always)]
    pub fn new<T: Word>(neg: bool, sig: T, exp: i32, sticky: bool, frac: i32) -> Scaled {
        let drop = -(i64::from(exp) + i64::from(frac));
        let Split { kept, carried, d } = split(sig, sticky, drop);
        let (kept, big) = kept.to_u128();
        Scaled {
            neg,
            kept,
            big: big || carried,
            d,
            // A left shift discards nothing but ε, which then lies at or above half an LSB
            // and is unknown (only when |x|·2^F ≥ 2¹²⁴, far out of range).
            unknown: sticky && drop <= 0,
        }
    }
}

/// The sign and magnitude of a raw integer of a signed or unsigned type.
#[inline(always)]
pub(crate) fn sign_mag(raw: i128, signed: bool) -> (bool, u128) {
    if signed {
        (raw < 0, raw.unsigned_abs())
    } else {
        (false, raw as u128)
    }
}

impl FixedFormat {
    /// Quantizes and applies the overflow mode: **the one fixed-point cast step**.
    ///
    /// `mode` is normally the format's quantization mode ([`Quantization::rounding`]);
    /// any [`Rounding`] works, stochastic ones included (random bits come from `rng`).
    ///
    /// [`Quantization::rounding`]: super::Quantization::rounding
    #[inline(always)]
    pub(crate) fn finish<R: RandomBits + ?Sized>(
        &self,
        s: Scaled,
        mode: Rounding,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        let w = self.width();
        let inexact = s.d.is_inexact();
        let inc = round_increment(s.neg, s.kept & 1 == 1, s.d, mode, rng);
        let (qmag, carry) = s.kept.overflowing_add(u128::from(inc));
        let big = s.big || carry;
        let mut status = if inexact { Status::INEXACT } else { Status::OK };
        // The rounded value q, in two's complement modulo 2¹²⁸.
        let q = if s.neg { qmag.wrapping_neg() } else { qmag };
        let neg_q = s.neg && (qmag != 0 || big);
        let (over, mut under) = if self.is_signed() {
            let half = 1u128 << (w - 1);
            if s.neg {
                (false, big || qmag > half)
            } else {
                (big || qmag >= half, false)
            }
        } else if s.neg {
            (false, neg_q)
        } else {
            (big || qmag >> w != 0, false)
        };
        let mask = self.mask();
        let mut v = q as u64 & mask;
        let msb = 1u64 << (w - 1);
        if self.overflow() == OverflowMode::SatSym && self.is_signed() && neg_q {
            // ap_fixed/ac_fixed never hold the most negative code under SAT_SYM: it (and
            // everything below) is an underflow, even without overflow.
            under |= v & (msb - 1) == 0;
        }
        if !(over || under) {
            return StatusAnd::new(v, status);
        }
        status |= Status::OVERFLOW;
        if s.unknown && matches!(self.overflow(), OverflowMode::Wrap | OverflowMode::WrapSm) {
            status |= Status::INVALID;
        }
        let n = self.sat_bits();
        v = match self.overflow() {
            OverflowMode::SatZero => 0,
            OverflowMode::Sat | OverflowMode::SatSym => {
                if !self.is_signed() {
                    if over { mask } else { 0 }
                } else if over {
                    msb - 1
                } else {
                    // The most negative code, plus one under SAT_SYM (−max; with W = 1
                    // that is the code 1 again, −1).
                    msb | u64::from(self.overflow() == OverflowMode::SatSym)
                }
            }
            OverflowMode::Wrap => {
                if n == 0 {
                    v
                } else if self.is_signed() {
                    // MSB = the source's sign, the next N − 1 bits its complement.
                    let band = (msb - 1) & !((1u64 << (w - n)) - 1);
                    let v = if neg_q { v | msb } else { v & !msb };
                    if neg_q { v & !band } else { v | band }
                } else {
                    // The top N bits set, for overflow and underflow alike.
                    v | (mask & !((1u64 << (w - n)) - 1) & mask)
                }
            }
            OverflowMode::WrapSm => {
                let ro = v & msb != 0;
                if n == 0 {
                    // Bit W of the unrounded ⌊x·2^F⌋ in two's complement.
                    let floor = if s.neg {
                        (!s.kept).wrapping_add(u128::from(!inexact))
                    } else {
                        s.kept
                    };
                    let ld = (floor >> w) & 1 == 1;
                    if ld != ro { !v & mask } else { v }
                } else if n == 1 {
                    let v = if neg_q != ro { !v & mask } else { v };
                    if neg_q { v | msb } else { v & !msb }
                } else {
                    let lno = (v >> (w - n)) & 1 == 1;
                    let v = if lno == neg_q { !v & mask } else { v };
                    let band = (msb - 1) & !((1u64 << (w - n)) - 1);
                    let v = if neg_q { v & !band } else { v | band };
                    if neg_q { v | msb } else { v & !msb }
                }
            }
        };
        StatusAnd::new(v, status)
    }

    /// Casts a scaled value with the format's own quantization mode.
    #[inline(always)]
    pub(crate) fn cast_scaled(&self, s: Scaled) -> StatusAnd<u64> {
        self.finish(s, self.quantization().rounding(), &mut NoRandom)
    }

    /// Casts an exact value: the W raw bits. [`from_exact_with`](Self::from_exact_with)
    /// adds the flags: `inexact` when bits were discarded, `overflow` when the overflow
    /// mode acted, `invalid` for NaN or when an inexact [`Exact`] wraps and its lost bits
    /// would be needed.
    ///
    /// Infinities and NaN are read as the C++ headers read those doubles (see
    /// [`from_f64`](FixedFormat::from_f64)).
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// use lowprec::float::Exact;
    /// let f: FixedFormat = "ap_fixed<8,4,AP_RND_CONV,AP_SAT>".parse()?;
    /// let x: Exact = "0.03125".parse().unwrap(); // half an LSB (1/16): a tie, to even
    /// assert_eq!(f.from_exact(&x), 0);
    /// let r = f.from_exact_with(&"100".parse().unwrap());
    /// assert_eq!((r.value, r.status.contains(lowprec::Status::OVERFLOW)), (0x7f, true));
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn from_exact(&self, x: &Exact) -> u64 {
        self.from_exact_with(x).value
    }

    /// [`from_exact`](Self::from_exact) with the IEEE status flags it raises.
    pub fn from_exact_with(&self, x: &Exact) -> StatusAnd<u64> {
        match *x {
            Exact::Zero { .. } => StatusAnd::new(0, Status::OK),
            Exact::Finite(f) => {
                if f.sig == 0 {
                    return StatusAnd::new(0, Status::OK);
                }
                self.cast_scaled(Scaled::new(
                    f.negative,
                    f.sig,
                    f.exp,
                    f.sticky,
                    self.frac_bits(),
                ))
            }
            Exact::Inf { negative } => self.from_f64_with(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }),
            Exact::Nan { negative } => {
                // The default quiet NaN, with the sign.
                let nan = 0x7FF8_0000_0000_0000u64 | u64::from(negative) << 63;
                self.from_f64_with(f64::from_bits(nan))
            }
        }
    }

    /// Casts an exact value with any rounding mode instead of the format's quantization
    /// mode (the overflow mode still applies): stochastic rounding into fixed point, for
    /// example.
    ///
    /// ```
    /// use lowprec::{Rounding, SplitMix64, fixed::FixedFormat, float::Exact};
    /// let f = FixedFormat::ap_fixed(8, 4)?;
    /// let x = Exact::from_f64(0.3);
    /// let mut rng = SplitMix64::new(1);
    /// let mean = (0..10_000)
    ///     .map(|_| f.to_f64(f.round_exact(&x, Rounding::SR, &mut rng).value))
    ///     .sum::<f64>() / 10_000.0;
    /// assert!((mean - 0.3).abs() < 0.002);
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn round_exact<R: RandomBits + ?Sized>(
        &self,
        x: &Exact,
        mode: Rounding,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        match *x {
            Exact::Finite(f) if f.sig != 0 => self.finish(
                Scaled::new(f.negative, f.sig, f.exp, f.sticky, self.frac_bits()),
                mode,
                rng,
            ),
            _ => self.from_exact_with(x),
        }
    }

    /// Casts a double as the C++ headers do.
    ///
    /// - `ap_fixed`: the double's exact binary value is quantized, with the header's
    ///   reading of the special encodings: a subnormal 0.f·2⁻¹⁰²² is read as
    ///   1.f·2⁻¹⁰²³ (the implicit bit is always set; this matters only when F ≥ 1022),
    ///   ±∞ as ±2¹⁰²⁴ and NaN as ±1.f·2¹⁰²⁴ (so they saturate, or wrap to their low bits).
    /// - `ap_int`: truncation toward zero, with the header's quirk that negative values
    ///   above −0.5 give 1 (`ap_int<8>(-0.25) == 1`).
    /// - `ac_fixed`: the double is first scaled by a power of two in double arithmetic,
    ///   exactly as `ac_fixed(double)` does (so values that leave the double range there
    ///   are rounded by the host's rules), then quantized; ±∞ and NaN overflow (+max for
    ///   NaN under the saturating modes, 0 under `AC_WRAP`, where the header's result is
    ///   undefined).
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// // ±1.25 into ap_fixed<3,2>: the seven quantization modes.
    /// for (q, pos, neg) in [("AP_RND", 1.5, -1.0), ("AP_RND_ZERO", 1.0, -1.0),
    ///     ("AP_RND_MIN_INF", 1.0, -1.5), ("AP_RND_INF", 1.5, -1.5),
    ///     ("AP_RND_CONV", 1.0, -1.0), ("AP_TRN", 1.0, -1.5), ("AP_TRN_ZERO", 1.0, -1.0)] {
    ///     let f: FixedFormat = format!("ap_fixed<3,2,{q}>").parse()?;
    ///     assert_eq!(f.to_f64(f.from_f64(1.25)), pos, "{q}");
    ///     assert_eq!(f.to_f64(f.from_f64(-1.25)), neg, "{q}");
    /// }
    /// // ±19 into ap_fixed<4,4>: the overflow modes.
    /// for (o, pos, neg) in [("AP_SAT", 7, -8), ("AP_SAT_SYM", 7, -7), ("AP_WRAP", 3, -3),
    ///     ("AP_WRAP,2", 7, -7)] {
    ///     let f: FixedFormat = format!("ap_fixed<4,4,AP_TRN,{o}>").parse()?;
    ///     assert_eq!(f.raw_of(f.from_f64(19.0)), pos, "{o}");
    ///     assert_eq!(f.raw_of(f.from_f64(-19.0)), neg, "{o}");
    /// }
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn from_f64(&self, x: f64) -> u64 {
        self.from_f64_with(x).value
    }

    /// [`from_f64`](Self::from_f64) with the IEEE status flags it raises.
    pub fn from_f64_with(&self, x: f64) -> StatusAnd<u64> {
        let bits = x.to_bits();
        let neg = bits >> 63 == 1;
        let nan = x.is_nan();
        let flag = if nan { Status::INVALID } else { Status::OK };
        if bits << 1 == 0 {
            return StatusAnd::new(0, Status::OK);
        }
        let r = match self.family() {
            Family::AcFixed => self.ac_from_f64(x),
            Family::ApFixed | Family::ApInt => {
                // The header's reading: 1.f · 2^(e − 1023) with e the raw exponent field.
                let e = ((bits >> 52) & 0x7FF) as i32;
                let sig = u128::from((bits & ((1u64 << 52) - 1)) | (1u64 << 52));
                let s = Scaled::new(neg, sig, e - 1023 - 52, false, self.frac_bits());
                let r = self.cast_scaled(s);
                if self.family() == Family::ApInt && neg && e < 1022 {
                    // ap_int_base(double): |x| < 0.5 shifts the magnitude out and leaves
                    // V = −1, which the final negation turns into 1.
                    StatusAnd::new(1, r.status)
                } else {
                    r
                }
            }
        };
        StatusAnd::new(r.value, r.status | flag)
    }

    /// `ac_fixed(double)`: scale by 2^−k in double arithmetic (k = I + !S + padding to
    /// whole 32-bit words), then quantize the scaled double's exact value.
    fn ac_from_f64(&self, d: f64) -> StatusAnd<u64> {
        let w = self.width() as i32;
        let ns = i32::from(!self.is_signed());
        let k = self.int_bits() + ns + (32 - w - ns).rem_euclid(32);
        // ldexpr<N> with N = −k: one step by 2^(|N| mod 32), then |N|/32 steps by 2^32.
        let n = -k;
        let step = f64::from(1u32 << (n.unsigned_abs() & 31));
        let mut di = if n < 0 { d / step } else { d * step };
        let word = 4_294_967_296.0;
        for _ in 0..(n / 32).unsigned_abs() {
            di = if n < 0 { di / word } else { di * word };
        }
        if !di.is_finite() {
            // Overflow in the header; NaN compares as non-negative.
            let neg = d < 0.0;
            let v = match self.overflow() {
                OverflowMode::Wrap | OverflowMode::WrapSm | OverflowMode::SatZero => 0,
                _ if neg && !self.is_signed() => 0,
                _ if neg => (1u64 << (w - 1)) | u64::from(self.overflow() == OverflowMode::SatSym),
                _ => self.bits_of(self.max_raw()),
            };
            return StatusAnd::new(v, Status::OVERFLOW);
        }
        match Exact::from_f64(di) {
            Exact::Finite(f) => self.cast_scaled(Scaled::new(
                f.negative,
                f.sig,
                f.exp + k,
                false,
                self.frac_bits(),
            )),
            _ => StatusAnd::new(0, Status::OK),
        }
    }

    /// Casts a float as the C++ headers do: through the exact `double` of it.
    pub fn from_f32(&self, x: f32) -> u64 {
        self.from_f32_with(x).value
    }

    /// [`from_f32`](Self::from_f32) with the IEEE status flags it raises.
    pub fn from_f32_with(&self, x: f32) -> StatusAnd<u64> {
        self.from_f64_with(f64::from(x))
    }

    /// Casts an integer (as assigning a C++ integer does).
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// let f: FixedFormat = "ap_ufixed<4,6,AP_RND>".parse()?; // LSB 4, max 60
    /// assert_eq!(f.to_f64(f.from_int(6)), 8.0);   // 1.5 LSB: a tie, up
    /// assert_eq!(f.to_f64(f.from_int(-6)), 60.0); // -1 LSB wraps to 15 LSB
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn from_int(&self, x: i128) -> u64 {
        self.from_int_with(x).value
    }

    /// [`from_int`](Self::from_int) with the IEEE status flags it raises.
    pub fn from_int_with(&self, x: i128) -> StatusAnd<u64> {
        if x == 0 {
            return StatusAnd::new(0, Status::OK);
        }
        self.cast_scaled(Scaled::new(
            x < 0,
            x.unsigned_abs(),
            0,
            false,
            self.frac_bits(),
        ))
    }

    /// Casts an unsigned integer.
    pub fn from_uint(&self, x: u128) -> u64 {
        self.from_uint_with(x).value
    }

    /// [`from_uint`](Self::from_uint) with the IEEE status flags it raises.
    pub fn from_uint_with(&self, x: u128) -> StatusAnd<u64> {
        if x == 0 {
            return StatusAnd::new(0, Status::OK);
        }
        self.cast_scaled(Scaled::new(false, x, 0, false, self.frac_bits()))
    }

    /// Casts the raw integer `raw` of a type with `frac` fraction bits (signed or not):
    /// the cast of one fixed-point value into another.
    #[inline(always)]
    pub(crate) fn cast_raw_parts(&self, raw: i128, signed: bool, frac: i32) -> StatusAnd<u64> {
        if self.quantization() == Quantization::Trn
            && self.overflow() == OverflowMode::Wrap
            && self.sat_bits() == 0
            && (signed || raw >= 0)
        {
            return self.trn_wrap(raw, frac);
        }
        let (neg, mag) = sign_mag(raw, signed);
        if mag == 0 {
            return StatusAnd::new(0, Status::OK);
        }
        self.cast_scaled(Scaled::new(neg, mag, -frac, false, self.frac_bits()))
    }

    /// The cast of raw · 2^−frac under `AP_TRN` and plain `AP_WRAP` (also ap_int's
    /// truncation of integers): the fast path of arithmetic results.
    ///
    /// Proof: `AP_TRN` rounds toward −∞, so the quantized integer is ⌊raw · 2^(F − frac)⌋,
    /// which is `raw << (F − frac)` when F ≥ frac and the arithmetic shift
    /// `raw >> (frac − F)` otherwise (an arithmetic right shift by r is ⌊raw / 2^r⌋); `AP_WRAP`
    /// with N = 0 keeps its low W bits whether or not it overflows. This is what
    /// [`round_increment`] decides under [`Rounding::TowardNegative`] followed by the wrap
    /// of `finish` (tests/fixed_props.rs checks the two paths agree).
    #[inline(always)]
    fn trn_wrap(&self, raw: i128, frac: i32) -> StatusAnd<u64> {
        let s = i64::from(self.frac_bits()) - i64::from(frac);
        let (q, inexact) = if s >= 0 {
            (if s >= 128 { 0 } else { raw << s }, false)
        } else if s <= -127 {
            (raw >> 127, raw != 0)
        } else {
            let r = (-s) as u32;
            (raw >> r, raw & ((1i128 << r) - 1) != 0)
        };
        let v = q as u64 & self.mask();
        let mut status = if inexact { Status::INEXACT } else { Status::OK };
        let fits = if s >= 128 {
            raw == 0
        } else if s >= 0 {
            // The shift itself may have lost bits.
            (q >> s) == raw && self.raw_of(v) == q
        } else {
            self.raw_of(v) == q
        };
        if !fits {
            status |= Status::OVERFLOW;
        }
        StatusAnd::new(v, status)
    }

    /// Casts a value of another fixed-point format, given by its raw bits (as assigning
    /// one C++ fixed-point type to another does).
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// let src: FixedFormat = "ap_fixed<8,4>".parse()?;
    /// let dst: FixedFormat = "ap_fixed<4,2,AP_RND,AP_SAT>".parse()?;
    /// let x = src.from_f64(1.84375); // 1.8125 in src (TRN)
    /// assert_eq!(dst.to_f64(dst.cast_from(&src, x)), 1.75);
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn cast_from(&self, src: &FixedFormat, bits: u64) -> u64 {
        self.cast_from_with(src, bits).value
    }

    /// [`cast_from`](Self::cast_from) with the IEEE status flags it raises.
    pub fn cast_from_with(&self, src: &FixedFormat, bits: u64) -> StatusAnd<u64> {
        let raw = src.raw_of(bits);
        if self.family() == Family::ApInt && src.family() != Family::ApInt {
            // ap_int_base(ap_fixed_base) takes to_ap_int_base(): the truncated integer
            // part (with its I = 0 quirk), wrapped.
            let int = src.to_int(bits);
            let f = src.frac_bits();
            let exact = f <= 0 || raw == 0 || (f < 127 && raw & ((1i128 << f) - 1) == 0);
            let v = self.bits_of(int);
            let mut status = if exact { Status::OK } else { Status::INEXACT };
            if self.raw_of(v) != int {
                status |= Status::OVERFLOW;
            }
            return StatusAnd::new(v, status);
        }
        if self.family() == Family::AcFixed
            && src.family() == Family::AcFixed
            && !self.ac_checks_overflow(src)
        {
            // ac_fixed skips its overflow handling when the source cannot overflow the
            // target; with a SAT_SYM source that lets its most negative code through.
            if let Ok(wrap) = FixedFormat::new(FixedParams {
                overflow: OverflowMode::Wrap,
                ..self.params()
            }) {
                return wrap.cast_raw_parts(raw, src.is_signed(), src.frac_bits());
            }
        }
        self.cast_raw_parts(raw, src.is_signed(), src.frac_bits())
    }

    /// Whether `ac_fixed`'s assignment from `src` runs its overflow handling.
    fn ac_checks_overflow(&self, src: &FixedFormat) -> bool {
        let (s, s2) = (i32::from(self.is_signed()), i32::from(src.is_signed()));
        let (f, f2) = (self.frac_bits(), src.frac_bits());
        let quan_inc = f2 > f
            && !(self.quantization() == Quantization::Trn
                || (self.quantization() == Quantization::TrnZero && s2 == 0));
        let sym = s2 == 1
            && self.overflow() == OverflowMode::SatSym
            && (src.overflow() != OverflowMode::SatSym || f2 > f);
        (s == 0 && s2 == 1)
            || i64::from(self.int_bits()) - i64::from(s)
                < i64::from(src.int_bits()) - i64::from(s2) + i64::from(quan_inc || sym)
    }

    /// Casts a code of a lowprec floating-point format (through its exact value).
    ///
    /// ```
    /// use lowprec::{FloatFormat, fixed::FixedFormat};
    /// let f: FixedFormat = "ap_fixed<8,3,AP_RND_CONV,AP_SAT>".parse()?;
    /// assert_eq!(f.to_f64(f.from_float(&FloatFormat::E4M3FN, 0x7E)), 3.96875); // 448 saturates
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn from_float(&self, fmt: &FloatFormat, code: u64) -> u64 {
        self.from_float_with(fmt, code).value
    }

    /// [`from_float`](Self::from_float) with the IEEE status flags it raises.
    pub fn from_float_with(&self, fmt: &FloatFormat, code: u64) -> StatusAnd<u64> {
        self.from_exact_with(&fmt.decode(code))
    }

    /// The exact value of raw bits.
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// let f = FixedFormat::ap_fixed(8, 2)?;
    /// assert_eq!(f.to_exact(0xE0).to_string(), "-0x1p-1");
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn to_exact(&self, bits: u64) -> Exact {
        let (neg, mag) = sign_mag(self.raw_of(bits), self.is_signed());
        Exact::from_parts(neg, mag, -self.frac_bits())
    }

    /// The value as the nearest `f64`, ties to even (as `to_double()`; the headers leave
    /// values beyond the double range or below its normal range undefined, here they are
    /// rounded correctly to ±∞ or subnormals).
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// let f = FixedFormat::ap_fixed(64, 1)?;
    /// assert_eq!(f.to_f64(0x8000_0000_0000_0000), -1.0);
    /// assert_eq!(f.to_f64(0x4000_0000_0000_0200), 0.5); // the tie 0.5 + 2^-54 goes to even
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn to_f64(&self, bits: u64) -> f64 {
        let x = self.to_exact(bits);
        let r = FloatFormat::FP64.round(x, Round::NEAREST_EVEN, &mut NoRandom);
        f64::from_bits(r.value)
    }

    /// The value as the nearest `f32`, ties to even (as `to_float()`).
    pub fn to_f32(&self, bits: u64) -> f32 {
        let x = self.to_exact(bits);
        let r = FloatFormat::FP32.round(x, Round::NEAREST_EVEN, &mut NoRandom);
        f32::from_bits(r.value as u32)
    }

    /// The integer part as C++'s `to_int()` family computes it, modulo 2¹²⁸: truncated
    /// toward zero for `ap_fixed`/`ap_int`, floored for `ac_fixed`. `to_int()`,
    /// `to_uint()`, `to_int64()` and `to_uint64()` are its low 32 or 64 bits
    /// (`as i32`, `as u32`, `as i64`, `as u64`).
    ///
    /// Quirks of `ap_fixed`: with I = 0, negative values give −1 (the header's 1-bit
    /// integer part wraps); with I < 0 the header reads an uninitialized value, here the
    /// result is the truncation, 0.
    ///
    /// ```
    /// use lowprec::fixed::FixedFormat;
    /// let ap: FixedFormat = "ap_fixed<8,4>".parse()?;
    /// let ac: FixedFormat = "ac_fixed<8,4,true>".parse()?;
    /// let x = ap.from_f64(-7.5);
    /// assert_eq!((ap.to_int(x) as i32, ac.to_int(x) as i32), (-7, -8));
    /// # Ok::<(), lowprec::fixed::FixedFormatError>(())
    /// ```
    pub fn to_int(&self, bits: u64) -> i128 {
        int_part(
            self.raw_of(bits),
            self.frac_bits(),
            self.int_bits(),
            self.family() == Family::AcFixed,
        )
    }
}

/// An exact value rounded to a format's quantum, before any overflow mode acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quantized {
    /// The rounded raw integer, within the format's range.
    Raw(i128),
    /// Rounded, the value lies above the largest raw integer.
    Above,
    /// Rounded, the value lies below the smallest raw integer.
    Below,
}

impl FixedFormat {
    /// Rounds a finite (or zero) exact value to the quantum 2^−F in `mode` — the same
    /// scaling and rounding decision as every cast — and says where the result lies
    /// instead of applying the overflow mode: what interval bounds need. `x` must not be
    /// NaN or infinite (they give `Above`/`Below` by their sign).
    pub(crate) fn quantize(&self, x: &Exact, mode: Rounding) -> Quantized {
        let f = match *x {
            Exact::Finite(f) if f.sig != 0 => f,
            Exact::Finite(_) | Exact::Zero { .. } => return Quantized::Raw(0),
            Exact::Inf { negative } | Exact::Nan { negative } => {
                return if negative {
                    Quantized::Below
                } else {
                    Quantized::Above
                };
            }
        };
        let s = Scaled::new(f.negative, f.sig, f.exp, f.sticky, self.frac_bits());
        let inc = round_increment(s.neg, s.kept & 1 == 1, s.d, mode, &mut NoRandom);
        let (mag, carry) = s.kept.overflowing_add(u128::from(inc));
        // Beyond 2^64 no format holds the value: only its side matters.
        let raw = if s.big || carry || mag >> 64 != 0 {
            None
        } else if s.neg {
            Some(-(mag as i128))
        } else {
            Some(mag as i128)
        };
        match raw {
            Some(r) if r > self.max_raw() => Quantized::Above,
            Some(r) if r < self.min_raw() => Quantized::Below,
            Some(r) => Quantized::Raw(r),
            None if s.neg => Quantized::Below,
            None => Quantized::Above,
        }
    }
}

/// The integer part of raw · 2^−frac modulo 2¹²⁸: floored (`floor`, ac_fixed) or
/// truncated toward zero with ap_fixed's I = 0 quirk.
pub(crate) fn int_part(raw: i128, frac: i32, int_bits: i32, floor_it: bool) -> i128 {
    let f = frac;
    if f <= 0 {
        let sh = f.unsigned_abs();
        return if sh >= 128 { 0 } else { raw.wrapping_shl(sh) };
    }
    let floor = if f >= 127 { raw >> 127 } else { raw >> f };
    let exact = f < 127 && (floor << f) == raw || raw == 0;
    if floor_it || raw >= 0 || exact {
        floor
    } else if int_bits == 0 {
        // ap_fixed keeps the integer part in max(I, 1) bits: with I = 0 that is one
        // signed bit, where the truncation's `+1` turns 0 into −1.
        -1
    } else {
        floor + 1
    }
}
