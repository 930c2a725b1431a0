//! The fast path of [`dot`](super::dot) and [`matmul`](super::matmul): an fp32 accumulator
//! rounding to nearest even, summed in the host's `f32`.
//!
//! It is taken when every value of the L-Mul format is exactly an `f32` (at most 23
//! fraction bits, exponents within fp32's, subnormals included) and the accumulator is
//! [`FloatFormat::FP32`] with [`Rounding::TiesToEven`]. Then each L-Mul product (the one
//! [`LMul::mul_with`]) is an `f32` without rounding, so `round_products` changes nothing,
//! and the exact path's step `s ← round(s + p)` is the host's `s + p`: both round the exact
//! sum of two `f32` values to nearest even.
//!
//! For bf16 and fp32 the products are [`Lanes`]: [`LMul::mul_with`]'s codes and flags
//! computed without branches on the `f32` bit patterns, so that [`matmul`] keeps 16
//! columns' sums, flags and `inexact` in vector registers while p runs (through
//! [`wide`](crate::dispatch::wide): AVX2 where the CPU has it). Other formats use
//! [`LMul::mul_with`] one product at a time, or a table.
//!
//! The flags are those of the exact path: the products' flags, and `inexact` when a sum
//! was rounded, found by the error term of TwoSum (exact under round to nearest while no
//! sum overflows). A sum of `f32` values that lands below the normal range is exact, so
//! the accumulator never raises `underflow`. A sum that is finite at the end was finite at
//! every step (∞ and NaN stick), so no step overflowed and no product was ∞ or NaN: the
//! overflow policy had nothing to act on. Any other sum (∞ or NaN) is summed again: under
//! the IEEE overflow policy by [`chain`], in `f32` with the flags of each step (`overflow`
//! for a finite sum that overflows, `invalid` for ∞ − ∞) and the accumulator's NaN code;
//! under a saturating policy, which replaces an overflowing sum by ±max and goes on, by
//! the exact path.

use super::{LMul, Mode};
use crate::float::dot::Accumulator;
use crate::float::slice::Code;
use crate::float::{Class, Exact, FloatFormat};
use crate::rounding::{NoRandom, Overflow, Rounding, Status, StatusAnd};

/// Columns of the output row summed together by [`matmul`] (a stack buffer of `f32`).
const CHUNK: usize = 64;

/// Whether the fast path gives the exact path's bits for `lm` and `acc`.
pub(super) fn eligible(lm: &LMul, acc: &Accumulator) -> bool {
    let f = &lm.format;
    acc.format == FloatFormat::FP32
        && acc.round.mode == Rounding::TiesToEven
        && f.man_bits() <= 23
        && f.emax() <= 127
        && f.quantum_min() >= -149
}

/// The exact `f32` value of every code of an eligible format (NaN for NaN codes).
trait Decode {
    fn get(&self, code: u64) -> f32;
}

/// Formats of at most 8 bits: a table of the 256 codes.
struct Table([f32; 256]);

impl Decode for Table {
    #[inline(always)]
    fn get(&self, code: u64) -> f32 {
        self.0[(code & 0xFF) as usize]
    }
}

/// fp32: the code is the `f32`.
struct Fp32;

impl Decode for Fp32 {
    #[inline(always)]
    fn get(&self, code: u64) -> f32 {
        f32::from_bits(code as u32)
    }
}

/// bf16: the code is the upper half of the `f32`.
struct Bf16;

impl Decode for Bf16 {
    #[inline(always)]
    fn get(&self, code: u64) -> f32 {
        f32::from_bits((code as u32) << 16)
    }
}

/// fp16: `half`'s conversion (exact; NaN codes give a NaN).
struct Fp16;

impl Decode for Fp16 {
    #[inline(always)]
    fn get(&self, code: u64) -> f32 {
        half::f16::from_bits(code as u16).to_f32()
    }
}

/// Any other eligible format: [`value`] per code.
struct Generic(FloatFormat);

impl Decode for Generic {
    #[inline(always)]
    fn get(&self, code: u64) -> f32 {
        value(&self.0, code)
    }
}

/// The value of `code` as an `f32`, for a format whose every value is one (NaN codes give
/// a NaN). The same value as [`FloatFormat::to_f32`] without its rounding step.
pub(super) fn value(f: &FloatFormat, code: u64) -> f32 {
    let (negative, mag) = f.split(code);
    let m = f.man_bits();
    let v = match f.classify(code) {
        Class::Nan => return f32::NAN,
        Class::Infinite => f32::INFINITY,
        Class::Zero => {
            return if negative && f.has_neg_zero() {
                -0.0
            } else {
                0.0
            };
        }
        Class::Subnormal => scaled(mag, f.emin() - m as i32),
        Class::Normal => {
            let sig = (mag & ((1u64 << m) - 1)) | (1u64 << m);
            scaled(sig, (mag >> m) as i32 - f.bias() - m as i32)
        }
    };
    if negative { -v } else { v }
}

/// sig · 2^e for sig < 2^24 and a product that is an `f32` (e ≥ −149): each
/// multiplication by a normal power of two is exact.
fn scaled(sig: u64, e: i32) -> f32 {
    let pow2 = |e: i32| f32::from_bits(((e + 127) as u32) << 23);
    let x = sig as f32;
    if e >= -126 {
        x * pow2(e)
    } else {
        x * pow2(e + 64) * pow2(-64)
    }
}

/// `s + p` in the host's `f32`; `inexact` is set when the sum was rounded (the TwoSum
/// error term is non-zero; it is NaN once a sum is infinite, which is not counted here).
#[inline(always)]
fn add(s: f32, p: f32, inexact: &mut bool) -> f32 {
    let t = s + p;
    let pp = t - s;
    let e = (s - (t - pp)) + (p - pp);
    *inexact |= e.abs() > 0.0; // false for NaN
    t
}

/// The L-Mul product of two codes as an `f32`, with the bits of its flags.
trait Product: Sized {
    fn product(&self, x: u64, y: u64) -> (f32, u32);

    /// `s[j] ← s[j] + product(x, ys[j])` for every j (the shortest length), the
    /// products' flags OR-ed into `flags` and `inexact` set when a sum was rounded: per
    /// lane j by [`LaneProduct`], all in lane 0 by the others (one branchy product after
    /// another).
    #[inline(always)]
    fn add_products<C: Code>(
        &self,
        x: u64,
        ys: &[C],
        s: &mut [f32],
        flags: &mut [u32],
        inexact: &mut [bool],
    ) {
        let (mut f, mut e) = (0, false);
        for (sj, &y) in s.iter_mut().zip(ys) {
            let (p, fp) = self.product(x, y.to_u64());
            f |= fp;
            *sj = add(*sj, p, &mut e);
        }
        if let (Some(f0), Some(e0)) = (flags.first_mut(), inexact.first_mut()) {
            *f0 |= f;
            *e0 |= e;
        }
    }

    /// The sums of one chunk of [`matmul`]: `s[jj] = Σ_p product(a_row[p], b[p·n + j0 +
    /// jj])` for jj < w, in the order p = 0, 1, …, from `s` (zeros), with
    /// [`add_products`](Self::add_products) for the flags.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn chunk_sums<C: Code>(
        &self,
        a_row: &[C],
        b: &[C],
        n: usize,
        j0: usize,
        w: usize,
        s: &mut [f32; CHUNK],
        flags: &mut [u32; CHUNK],
        inexact: &mut [bool; CHUNK],
    ) {
        for (&x, b_row) in a_row.iter().zip(b.chunks_exact(n)) {
            let b_part = b_row.get(j0..j0 + w).unwrap_or(&[]);
            self.add_products(x.to_u64(), b_part, s, flags, inexact);
        }
    }

    /// `p[j] ← product(xs[j], ys[j])` for every j (the shortest length), the flags OR-ed
    /// into `flags` (per lane by [`LaneProduct`], in lane 0 by the others).
    #[inline(always)]
    fn products<C: Code>(&self, xs: &[C], ys: &[C], p: &mut [f32], flags: &mut [u32]) {
        let mut f = 0;
        for (pj, (&x, &y)) in p.iter_mut().zip(xs.iter().zip(ys)) {
            let (v, fp) = self.product(x.to_u64(), y.to_u64());
            *pj = v;
            f |= fp;
        }
        if let Some(f0) = flags.first_mut() {
            *f0 |= f;
        }
    }
}

/// [`Product::add_products`] per lane.
#[inline(always)]
fn add_products<C: Code, P: Product>(
    d: &P,
    x: u64,
    ys: &[C],
    s: &mut [f32],
    flags: &mut [u32],
    inexact: &mut [bool],
) {
    let lanes = s.iter_mut().zip(flags.iter_mut().zip(inexact));
    for ((sj, (fj, ej)), &y) in lanes.zip(ys) {
        let (p, f) = d.product(x, y.to_u64());
        *fj |= f;
        *sj = add(*sj, p, ej);
    }
}

/// [`Product::products`] per lane.
#[inline(always)]
fn products<C: Code, P: Product>(d: &P, xs: &[C], ys: &[C], p: &mut [f32], flags: &mut [u32]) {
    for ((pj, fj), (&x, &y)) in p.iter_mut().zip(flags).zip(xs.iter().zip(ys)) {
        let (v, f) = d.product(x.to_u64(), y.to_u64());
        *pj = v;
        *fj |= f;
    }
}

/// [`LMul::mul_with`] (its branch for the mode `GUARDED`, taken once per call) and a
/// decoder.
struct Direct<'a, D, const GUARDED: bool> {
    lm: &'a LMul,
    d: D,
}

impl<D: Decode, const GUARDED: bool> Product for Direct<'_, D, GUARDED> {
    #[inline(always)]
    fn product(&self, x: u64, y: u64) -> (f32, u32) {
        let p = if GUARDED {
            self.lm.mul_guarded(x, y)
        } else {
            StatusAnd::new(self.lm.mul_paper(x, y), Status::OK)
        };
        (self.d.get(p.value), u32::from(p.status.bits()))
    }
}

/// Runs `kernel` with [`Direct`] products of `lm` in its mode.
#[inline(always)]
fn direct<T, D: Decode>(lm: &LMul, d: D, kernel: impl Kernel<T>) -> T {
    match lm.mode {
        Mode::Guarded => kernel.run(&Direct::<D, true> { lm, d }),
        Mode::PaperExact => kernel.run(&Direct::<D, false> { lm, d }),
    }
}

/// Formats of at most 8 bits: [`LMul::mul_with`] of every pair of codes, as the product
/// code and its flags (`code | flags << 8`), and the value of every code.
#[cfg(feature = "alloc")]
struct Pairs {
    products: alloc::boxed::Box<[u16; 1 << 16]>,
    values: Table,
}

#[cfg(feature = "alloc")]
impl Pairs {
    fn new(lm: &LMul, values: Table) -> Option<Self> {
        let w = lm.format.width();
        let mut products = alloc::vec![0u16; 1 << 16];
        for (i, e) in products.iter_mut().enumerate() {
            let (x, y) = ((i >> 8) as u64, (i & 0xFF) as u64);
            if x >> w == 0 && y >> w == 0 {
                let p = lm.mul_with(x, y);
                *e = (p.value & 0xFF) as u16 | u16::from(p.status.bits()) << 8;
            }
        }
        let products = products.into_boxed_slice().try_into().ok()?;
        Some(Self { products, values })
    }
}

#[cfg(feature = "alloc")]
impl Product for Pairs {
    #[inline(always)]
    fn product(&self, x: u64, y: u64) -> (f32, u32) {
        let e = self.products[((x & 0xFF) << 8 | (y & 0xFF)) as usize];
        (self.values.get(u64::from(e & 0xFF)), u32::from(e >> 8))
    }
}

/// The L-Mul products of the formats whose codes are the high bits of an IEEE binary32
/// pattern (bf16: the code shifted left by 16; fp32: the code itself), computed on those
/// `f32` bit patterns without branches, so that a loop of them over `u32` lanes is
/// vectorized.
///
/// Both modes take the truncation mask and the offset constant C shifted into `f32`
/// position (the low 16 bits of a bf16 pattern are zero, so sums, wrap-around and
/// comparisons on the shifted codes are those on the codes). [`Mode::PaperExact`] is
/// `sign | (|a| + |b| − C mod 2^31)`. [`Mode::Guarded`] computes the normal result and
/// replaces it, lane by lane with selects, by the special result of the operands' class:
/// overflow (the sum above C + max finite), underflow (below C + the smallest normal),
/// a zero or subnormal operand, an infinite one (NaN when the other is zero or
/// subnormal), a NaN one (`invalid` when it is signaling). The special results are taken
/// from [`LMul::mul_with`] of a representative pair of each class when the products are
/// set up, so every overflow policy gives what [`FloatFormat::round`] makes of them: a
/// magnitude and flags, with the product's sign (NaN results: a fixed code). The flags
/// are the bits of [`Status::bits`] in a `u32` lane.
#[derive(Clone, Copy, Debug)]
pub(super) struct Lanes {
    /// 16 for bf16, 0 for fp32.
    shift: u32,
    /// The truncation mask of the magnitude (k fraction bits kept).
    keep: u32,
    /// The offset constant C.
    c: u32,
    /// C + the smallest normal magnitude: sums below give underflow.
    lo: u32,
    /// C + the largest finite magnitude: sums above give overflow.
    hi: u32,
    /// Magnitudes and flags of the results that take the product's sign: a zero or
    /// subnormal operand, underflow, overflow, ∞ times a normal number.
    zero: (u32, u32),
    under: (u32, u32),
    over: (u32, u32),
    inf: (u32, u32),
    /// Codes and flags of the NaN results: ∞ × 0, a quiet NaN operand, a signaling one.
    inf_zero: (u32, u32),
    nan: (u32, u32),
    snan: (u32, u32),
}

/// `|x|` of an `f32` pattern.
const ABS: u32 = 0x7FFF_FFFF;
/// The exponent field of `f32`: `|x|` equal is ∞, above is NaN.
const EXP: u32 = 0x7F80_0000;
/// The smallest normal magnitude of `f32` (and of bf16 shifted).
const MIN_NORMAL: u32 = 0x0080_0000;
/// The quiet bit of an `f32` NaN (bf16's, shifted).
const QUIET: u32 = 0x0040_0000;

/// `if c { x } else { y }` for a lane.
#[inline(always)]
fn select(c: bool, x: u32, y: u32) -> u32 {
    if c { x } else { y }
}

impl Lanes {
    /// The lane products of `lm`, for bf16 and fp32 only (`None` for any other format, or
    /// should a special result not be a signed magnitude as assumed).
    pub(super) fn new(lm: &LMul) -> Option<Self> {
        let f = lm.format;
        let shift = if f == FloatFormat::BF16 {
            16
        } else if f == FloatFormat::FP32 {
            0
        } else {
            return None;
        };
        let m = f.man_bits();
        let sign = f.sign_bit();
        let one = (f.bias() as u64) << m;
        let min = 1u64 << m;
        let max = f.max_mag();
        let inf = f.inf_code()?;
        let qnan = f.nan_code()?;
        let snan = inf + 1;
        let at = |x: u64| (x as u32) << shift;
        // The special results of the guarded mode (unused by the paper mode).
        let guarded = LMul {
            mode: Mode::Guarded,
            ..*lm
        };
        let of = |x: u64, y: u64| {
            let r = guarded.mul_with(x, y);
            (at(r.value), u32::from(r.status.bits()))
        };
        // A magnitude with the product's sign: the same flags and the sign bit added
        // for both operand signs.
        let signed = |x: u64, y: u64| {
            let (p, n) = (of(x, y), of(x | sign, y));
            let ok = p.0 & !ABS == 0 && n == (p.0 | !ABS, p.1) && of(x | sign, y | sign) == p;
            ok.then_some(p)
        };
        // A fixed code for every sign.
        let fixed = |x: u64, y: u64| {
            let r = of(x, y);
            let same = [(x | sign, y), (x, y | sign), (x | sign, y | sign)]
                .into_iter()
                .all(|(x, y)| of(x, y) == r);
            same.then_some(r)
        };
        let (nan, snan) = (fixed(qnan, one)?, fixed(snan, one)?);
        if nan.0 != snan.0 {
            return None;
        }
        let c = at(lm.offset_constant());
        Some(Self {
            shift,
            keep: at(lm.keep),
            c,
            lo: c.wrapping_add(at(min)),
            hi: c.wrapping_add(at(max)),
            zero: signed(0, one)?,
            under: signed(min, min)?,
            over: signed(max, max)?,
            inf: signed(inf, one)?,
            inf_zero: fixed(inf, 0)?,
            nan,
            snan,
        })
    }

    /// The `f32` pattern of a code.
    #[inline(always)]
    fn bits(&self, code: u64) -> u32 {
        (code as u32) << self.shift
    }

    /// [`Mode::PaperExact`] of two patterns: the product's pattern (no flags).
    #[inline(always)]
    fn paper(&self, a: u32, b: u32) -> u32 {
        let sum = (a & self.keep).wrapping_add(b & self.keep);
        (sum.wrapping_sub(self.c) & ABS) | ((a ^ b) & !ABS)
    }

    /// [`Mode::Guarded`] of two patterns: the product's pattern and its flags.
    #[inline(always)]
    fn guarded(&self, a: u32, b: u32) -> (u32, u32) {
        let (ma, mb) = (a & ABS, b & ABS);
        // Both magnitudes are below 2^31: the sum does not wrap.
        let sum = (ma & self.keep).wrapping_add(mb & self.keep);
        // Later cases take precedence. The classes are read from the smaller and the
        // larger magnitude (vector min/max, one compare per class).
        let (small, large) = (ma.min(mb), ma.max(mb));
        let set =
            |c: bool, (x, f): (u32, u32), (r, fl): (u32, u32)| (select(c, x, r), select(c, f, fl));
        let mut r = (sum.wrapping_sub(self.c), 0);
        r = set(sum > self.hi, self.over, r);
        r = set(sum < self.lo, self.under, r);
        let zeroish = small < MIN_NORMAL;
        r = set(zeroish, self.zero, r);
        let inf = large == EXP;
        r = set(inf, self.inf, r);
        r.0 |= (a ^ b) & !ABS;
        // NaN results have no sign: ∞ × 0 and NaN operands (signaling: a fraction in
        // [1, QUIET − 1]).
        r = set(inf & zeroish, self.inf_zero, r);
        let signaling = ma.wrapping_sub(EXP + 1).min(mb.wrapping_sub(EXP + 1)) < QUIET - 1;
        let nan_flags = select(signaling, self.snan.1, self.nan.1);
        set(large > EXP, (self.nan.0, nan_flags), r)
    }
}

/// [`Lanes`] in one mode as a [`Product`].
struct LaneProduct<const GUARDED: bool>(Lanes);

/// The loops of [`LaneProduct`] run on a copy of it in local variables: its constants are
/// then values, not loads from memory, which the selects of the guarded product need to
/// stay selects (and the loops to be vectorized).
impl<const GUARDED: bool> Product for LaneProduct<GUARDED> {
    #[inline(always)]
    fn add_products<C: Code>(
        &self,
        x: u64,
        ys: &[C],
        s: &mut [f32],
        flags: &mut [u32],
        inexact: &mut [bool],
    ) {
        add_products(&Self(self.0), x, ys, s, flags, inexact);
    }

    #[inline(always)]
    fn products<C: Code>(&self, xs: &[C], ys: &[C], p: &mut [f32], flags: &mut [u32]) {
        products(&Self(self.0), xs, ys, p, flags);
    }

    /// [`BLOCK`] columns at a time, p running inside: the block's sums, flags and
    /// inexact lanes stay in registers from p = 0 to k − 1; the last columns (fewer than
    /// a block) by [`add_products`].
    #[inline(always)]
    fn chunk_sums<C: Code>(
        &self,
        a_row: &[C],
        b: &[C],
        n: usize,
        j0: usize,
        w: usize,
        s: &mut [f32; CHUNK],
        flags: &mut [u32; CHUNK],
        inexact: &mut [bool; CHUNK],
    ) {
        let d = Self(self.0);
        let blocks = s
            .chunks_exact_mut(BLOCK)
            .zip(flags.chunks_exact_mut(BLOCK))
            .zip(inexact.chunks_exact_mut(BLOCK))
            .take(w / BLOCK);
        for (jb, ((sb, fb), eb)) in blocks.enumerate() {
            let j = j0 + jb * BLOCK;
            let mut sums = [0.0f32; BLOCK];
            let mut fl = [0u32; BLOCK];
            let mut inex = [0u32; BLOCK];
            for (&x, b_row) in a_row.iter().zip(b.chunks_exact(n)) {
                let x = d.0.bits(x.to_u64());
                let Some(ys) = b_row.get(j..j + BLOCK) else {
                    break;
                };
                let Ok(ys) = <&[C; BLOCK]>::try_from(ys) else {
                    break;
                };
                for jj in 0..BLOCK {
                    let (p, f) = d.pair(x, d.0.bits(ys[jj].to_u64()));
                    let (t, rounded) = add_lane(sums[jj], f32::from_bits(p));
                    sums[jj] = t;
                    fl[jj] |= f;
                    inex[jj] |= u32::from(rounded);
                }
            }
            sb.copy_from_slice(&sums);
            fb.copy_from_slice(&fl);
            for (e, &i) in eb.iter_mut().zip(&inex) {
                *e = i != 0;
            }
        }
        let done = w / BLOCK * BLOCK;
        for (&x, b_row) in a_row.iter().zip(b.chunks_exact(n)) {
            let b_part = b_row.get(j0 + done..j0 + w).unwrap_or(&[]);
            let (s, flags, inexact) = (&mut s[done..], &mut flags[done..], &mut inexact[done..]);
            add_products(&d, x.to_u64(), b_part, s, flags, inexact);
        }
    }

    #[inline(always)]
    fn product(&self, x: u64, y: u64) -> (f32, u32) {
        let (p, f) = self.pair(self.0.bits(x), self.0.bits(y));
        (f32::from_bits(p), f)
    }
}

impl<const GUARDED: bool> LaneProduct<GUARDED> {
    /// The product of two `f32` patterns: its pattern and flags.
    #[inline(always)]
    fn pair(&self, a: u32, b: u32) -> (u32, u32) {
        if GUARDED {
            self.0.guarded(a, b)
        } else {
            (self.0.paper(a, b), 0)
        }
    }
}

/// Columns summed together in registers by [`LaneProduct`]'s [`Product::chunk_sums`].
const BLOCK: usize = 16;

/// [`add`] for a lane: the sum and whether it was rounded.
#[inline(always)]
fn add_lane(s: f32, p: f32) -> (f32, bool) {
    let mut rounded = false;
    let t = add(s, p, &mut rounded);
    (t, rounded)
}

/// The flags of `bits` ([`Status::bits`]).
fn status_of(bits: u32) -> Status {
    [
        Status::INVALID,
        Status::DIV_BY_ZERO,
        Status::OVERFLOW,
        Status::UNDERFLOW,
        Status::INEXACT,
    ]
    .into_iter()
    .filter(|s| bits & u32::from(s.bits()) != 0)
    .fold(Status::OK, |a, s| a | s)
}

/// Products of a format of at most 8 bits computed this many times or more are looked up
/// in a table of all pairs ([`Pairs`], built with 2^16 products).
#[cfg(feature = "alloc")]
const PAIRS_FROM: usize = 1 << 20;

/// Runs `kernel` with the products of `lm`; `uses` is the number of products it will
/// compute (a 256-entry table of values is built only when worth it, a table of all
/// pairs only for many more).
fn with_products<T>(lm: &LMul, uses: usize, kernel: impl Kernel<T>) -> T {
    let f = lm.format;
    if f == FloatFormat::FP32 {
        direct(lm, Fp32, kernel)
    } else if f == FloatFormat::BF16 {
        direct(lm, Bf16, kernel)
    } else if f == FloatFormat::FP16 {
        direct(lm, Fp16, kernel)
    } else if f.width() <= 8 && uses >= 64 {
        let mut t = [f32::NAN; 256];
        for (c, v) in t.iter_mut().enumerate().take(1 << f.width()) {
            *v = value(&f, c as u64);
        }
        #[cfg(feature = "alloc")]
        if uses >= PAIRS_FROM {
            if let Some(pairs) = Pairs::new(lm, Table(t)) {
                return kernel.run(&pairs);
            }
        }
        direct(lm, Table(t), kernel)
    } else {
        direct(lm, Generic(f), kernel)
    }
}

/// A computation generic over the products.
trait Kernel<T> {
    fn run<P: Product>(self, p: &P) -> T;
}

/// Σ L-Mul(`a[i]`, `b[i]`) in `f32` from +0, or `None` when the sum is not finite and
/// the accumulator's overflow policy is not IEEE (the exact path then computes it).
pub(super) fn dot<C: Code>(
    lm: &LMul,
    a: &[C],
    b: &[C],
    acc: &Accumulator,
) -> Option<StatusAnd<u64>> {
    struct Dot<'a, C> {
        a: &'a [C],
        b: &'a [C],
        nan: Option<StatusAnd<u64>>,
    }
    impl<C: Code> Kernel<Option<StatusAnd<u64>>> for Dot<'_, C> {
        #[inline(always)]
        fn run<P: Product>(self, d: &P) -> Option<StatusAnd<u64>> {
            let mut s = 0.0f32;
            let mut flags = [0u32; CHUNK];
            let mut inexact = false;
            // The products of CHUNK pairs at a time (independent, so vectorized where the
            // product is), then their sum in order.
            let mut p = [0.0f32; CHUNK];
            for (a, b) in self.a.chunks(CHUNK).zip(self.b.chunks(CHUNK)) {
                d.products(a, b, &mut p, &mut flags);
                for &pj in p.iter().take(a.len().min(b.len())) {
                    s = add(s, pj, &mut inexact);
                }
            }
            let mut status = status_of(flags.iter().fold(0, |u, &f| u | f));
            if !s.is_finite() {
                let pairs = self.a.iter().zip(self.b);
                return self
                    .nan
                    .map(|nan| chain(d, pairs.map(|(x, y)| (*x, *y)), nan));
            }
            if inexact {
                status |= Status::INEXACT;
            }
            Some(StatusAnd::new(u64::from(s.to_bits()), status))
        }
    }
    let kernel = Dot {
        a,
        b,
        nan: ieee_nan(acc),
    };
    match (Lanes::new(lm), lm.mode) {
        (Some(l), Mode::Guarded) => kernel.run(&LaneProduct::<true>(l)),
        (Some(l), Mode::PaperExact) => kernel.run(&LaneProduct::<false>(l)),
        (None, _) => with_products(lm, a.len(), kernel),
    }
}

/// The accumulator's NaN result (code and flags) when its overflow policy is IEEE, the
/// policy under which the host's ∞ and NaN sums are the exact path's; `None` otherwise
/// (a saturating policy replaces an overflowing sum by ±max and goes on).
fn ieee_nan(acc: &Accumulator) -> Option<StatusAnd<u64>> {
    (acc.round.overflow == Overflow::Ieee).then(|| {
        acc.format
            .round(Exact::Nan { negative: false }, acc.round, &mut NoRandom)
    })
}

/// The sum of one output again in the host's `f32`, with the flags of every step found
/// one by one, for a sum that ended ∞ or NaN under the IEEE overflow policy: a finite
/// sum that overflows raises `overflow | inexact` and gives ±∞ (the exact path's rounding
/// of the same exact sum), ∞ − ∞ raises `invalid`, a NaN sum gives the accumulator's NaN
/// code `nan`, and sums with ∞ or NaN are exact.
#[inline(never)]
fn chain<C: Code, P: Product>(
    d: &P,
    pairs: impl Iterator<Item = (C, C)>,
    nan: StatusAnd<u64>,
) -> StatusAnd<u64> {
    let mut s = 0.0f32;
    let mut status = Status::OK;
    let mut inexact = false;
    for (x, y) in pairs {
        let (p, f) = d.product(x.to_u64(), y.to_u64());
        status |= status_of(f);
        let t = add(s, p, &mut inexact);
        if t.is_nan() && !s.is_nan() && !p.is_nan() {
            status |= Status::INVALID;
        } else if t.is_infinite() && s.is_finite() && p.is_finite() {
            status |= Status::OVERFLOW | Status::INEXACT;
        }
        s = t;
    }
    if inexact {
        status |= Status::INEXACT;
    }
    if s.is_nan() {
        StatusAnd::new(nan.value, status | nan.status)
    } else {
        StatusAnd::new(u64::from(s.to_bits()), status)
    }
}

/// `out = a · b` (m × k times k × n, row-major, shapes already checked) in `f32`: for each
/// row i and each chunk of [`CHUNK`] columns, p runs from 0 to k − 1 and row p of `b` is
/// added into the chunk's sums, so each output is summed in the order p = 0, 1, …. An
/// output that is not finite is summed again by [`chain`] (IEEE overflow) or replaced by
/// `exact(i, j)` (the exact path). Returns the union of the flags.
#[allow(clippy::too_many_arguments)]
pub(super) fn matmul<C: Code, D: Code>(
    lm: &LMul,
    a: &[C],
    b: &[C],
    out: &mut [D],
    k: usize,
    n: usize,
    acc: &Accumulator,
    exact: &mut dyn FnMut(usize, usize) -> StatusAnd<u64>,
) -> Status {
    struct MatMul<'a, 'e, C, D> {
        a: &'a [C],
        b: &'a [C],
        out: &'a mut [D],
        k: usize,
        n: usize,
        nan: Option<StatusAnd<u64>>,
        exact: &'a mut (dyn FnMut(usize, usize) -> StatusAnd<u64> + 'e),
    }
    impl<C: Code, O: Code> Kernel<Status> for MatMul<'_, '_, C, O> {
        #[inline(always)]
        fn run<P: Product>(self, d: &P) -> Status {
            let Self {
                a,
                b,
                out,
                k,
                n,
                nan,
                exact,
            } = self;
            let mut status = Status::OK;
            if n == 0 {
                return status;
            }
            for (i, out_row) in out.chunks_exact_mut(n).enumerate() {
                let a_row = a.get(i * k..(i + 1) * k).unwrap_or(&[]);
                for (c, out_chunk) in out_row.chunks_mut(CHUNK).enumerate() {
                    let j0 = c * CHUNK;
                    let w = out_chunk.len();
                    let mut s = [0.0f32; CHUNK];
                    // Per column: the union of the products' flags and whether a sum
                    // was rounded (a non-zero TwoSum error, NaN not counted).
                    let mut flags = [0u32; CHUNK];
                    let mut inexact = [false; CHUNK];
                    d.chunk_sums(a_row, b, n, j0, w, &mut s, &mut flags, &mut inexact);
                    status |= status_of(flags.iter().fold(0, |u, &f| u | f));
                    if inexact.contains(&true) {
                        status |= Status::INEXACT;
                    }
                    for (jj, (o, &sj)) in out_chunk.iter_mut().zip(&s).enumerate() {
                        if sj.is_finite() {
                            *o = O::from_u64(u64::from(sj.to_bits()));
                        } else {
                            let j = j0 + jj;
                            let column = b.iter().skip(j).step_by(n);
                            let r = match nan {
                                Some(nan) => {
                                    chain(d, a_row.iter().copied().zip(column.copied()), nan)
                                }
                                None => exact(i, j),
                            };
                            status |= r.status;
                            *o = O::from_u64(r.value);
                        }
                    }
                }
            }
            status
        }
    }
    let uses = a.len().saturating_mul(n);
    let kernel = MatMul {
        a,
        b,
        out,
        k,
        n,
        nan: ieee_nan(acc),
        exact,
    };
    match (Lanes::new(lm), lm.mode) {
        (Some(l), Mode::Guarded) => crate::dispatch::wide(
            #[inline(always)]
            || kernel.run(&LaneProduct::<true>(l)),
        ),
        (Some(l), Mode::PaperExact) => crate::dispatch::wide(
            #[inline(always)]
            || kernel.run(&LaneProduct::<false>(l)),
        ),
        (None, _) => with_products(lm, uses, kernel),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SplitMix64;
    use crate::rounding::RandomBits;
    use alloc::vec::Vec;

    /// The lane product of two codes of `lm` (bf16 or fp32) as a code and flags, beside
    /// [`LMul::mul_with`]'s.
    fn check(lm: &LMul, l: &Lanes, a: u64, b: u64) {
        let (x, y) = (l.bits(a), l.bits(b));
        let (p, f) = match lm.mode {
            Mode::Guarded => l.guarded(x, y),
            Mode::PaperExact => (l.paper(x, y), 0),
        };
        let r = lm.mul_with(a, b);
        assert_eq!(
            (u64::from(p >> l.shift), f),
            (r.value, u32::from(r.status.bits())),
            "{lm:?} {a:#x} × {b:#x}"
        );
    }

    /// Every configuration checked: both modes, every overflow policy of the guarded one.
    fn configs(f: FloatFormat) -> [LMul; 4] {
        [
            LMul::paper(f),
            LMul::guarded(f, Overflow::Ieee),
            LMul::guarded(f, Overflow::SatFinite),
            LMul::guarded(f, Overflow::SatPropagate),
        ]
    }

    /// Whether to run the full sweeps (`LOWPREC_LONG=1`) instead of strided subsets.
    fn long() -> bool {
        #[cfg(feature = "std")]
        return std::env::var_os("LOWPREC_LONG").is_some_and(|v| v == "1");
        #[cfg(not(feature = "std"))]
        false
    }

    /// A random configuration of `f`: mode, policy, k ≤ M and l ≤ M.
    fn random_config(f: FloatFormat, rng: &mut SplitMix64) -> LMul {
        let r = rng.next_u64();
        let m = u64::from(f.man_bits());
        let lm = configs(f)[(r % 4) as usize].with_k(((r >> 8) % (m + 1)) as u32);
        if r >> 16 & 1 == 1 {
            lm.with_offset_exponent(((r >> 24) % (m + 1)) as u32)
                .unwrap_or(lm)
        } else {
            lm
        }
    }

    /// bf16 operands with 3 fraction bits (sign, 8 exponent bits: 2^12 codes), every pair
    /// (2^24), k = 3 and both modes, every policy: the lane product is
    /// [`LMul::mul_with`]. k = 0, 1, 2 every pair with `LOWPREC_LONG=1`, every 7th row of
    /// pairs otherwise.
    #[test]
    fn lanes_bf16_exhaustive_k3() {
        let codes: Vec<u64> = (0..1u64 << 12).map(|c| c << 4).collect();
        let mut pairs = 0u64;
        for k in [3, 2, 1, 0] {
            let step = if k == 3 || long() { 1 } else { 7 };
            for lm in configs(FloatFormat::BF16).map(|lm| lm.with_k(k)) {
                let Some(l) = Lanes::new(&lm) else {
                    panic!("bf16 has lanes")
                };
                for &a in codes.iter().step_by(step) {
                    for &b in &codes {
                        check(&lm, &l, a, b);
                    }
                    pairs += codes.len() as u64;
                }
            }
        }
        assert!(pairs >= 4 << 24, "{pairs}");
    }

    /// bf16 with k = 7: every code of dense bands (zero and the subnormals up to twice the
    /// smallest normal, the top 256 magnitudes: max finite, ∞ and every NaN; both signs)
    /// times every code, then 2^22 random pairs per configuration (2^24 in all) and 2^23
    /// pairs of random configurations (any k and l).
    #[test]
    fn lanes_bf16_bands_and_random() {
        let band: Vec<u64> = (0..=0x100u64)
            .chain(0x7F00..=0x7FFF)
            .flat_map(|c| [c, c | 0x8000])
            .collect();
        let mut rng = SplitMix64::new(5);
        let mut pairs = 0u64;
        for lm in configs(FloatFormat::BF16) {
            let Some(l) = Lanes::new(&lm) else {
                panic!("bf16 has lanes")
            };
            for &a in &band {
                for b in 0..1u64 << 16 {
                    check(&lm, &l, a, b);
                    check(&lm, &l, b, a);
                }
                pairs += 2 << 16;
            }
            for _ in 0..1 << 22 {
                let r = rng.next_u64();
                check(&lm, &l, r & 0xFFFF, r >> 16 & 0xFFFF);
            }
            pairs += 1 << 22;
        }
        for _ in 0..1 << 10 {
            let lm = random_config(FloatFormat::BF16, &mut rng);
            let Some(l) = Lanes::new(&lm) else {
                panic!("bf16 has lanes")
            };
            for _ in 0..1 << 13 {
                let r = rng.next_u64();
                check(&lm, &l, r & 0xFFFF, r >> 16 & 0xFFFF);
            }
            pairs += 1 << 13;
        }
        assert!(pairs >= 10_000_000 + ((band.len() as u64) << 19), "{pairs}");
    }

    /// fp32: every pair of edge codes (zero, subnormals, the smallest normals, values
    /// around 1, the largest finite, ∞, quiet and signaling NaNs; both signs), edge
    /// codes times random codes, 2^22 random pairs per configuration and 2^23 pairs of
    /// random configurations (any k and l).
    #[test]
    fn lanes_fp32_edges_and_random() {
        let f = FloatFormat::FP32;
        let edges: Vec<u64> = (0..64u64)
            .flat_map(|i| {
                [
                    i,
                    0x007F_FFFF - i,
                    0x0080_0000 + i,
                    0x0100_0000 - i,
                    0x3F80_0000 - 32 + i,
                    0x3F7F_FFFF - i,
                    0x7F7F_FFFF - i,
                    0x7F80_0000 + i,
                    0x7FBF_FFFF - i,
                    0x7FC0_0000 + i,
                    0x7FFF_FFFF - i,
                    0x5F00_0000 + (i << 17),
                    0x2000_0000 + (i << 17),
                ]
            })
            .flat_map(|c| [c, c | 0x8000_0000])
            .collect();
        let mut rng = SplitMix64::new(9);
        let mut pairs = 0u64;
        for k in [23, 3] {
            for lm in configs(f).map(|lm| lm.with_k(k)) {
                let Some(l) = Lanes::new(&lm) else {
                    panic!("fp32 has lanes")
                };
                for &a in &edges {
                    for &b in &edges {
                        check(&lm, &l, a, b);
                    }
                    for _ in 0..64 {
                        let b = rng.next_u64() & 0xFFFF_FFFF;
                        check(&lm, &l, a, b);
                        check(&lm, &l, b, a);
                    }
                    pairs += edges.len() as u64 + 128;
                }
                for _ in 0..1 << 20 {
                    let r = rng.next_u64();
                    check(&lm, &l, r & 0xFFFF_FFFF, r >> 32);
                }
                pairs += 1 << 20;
            }
        }
        for _ in 0..1 << 10 {
            let lm = random_config(f, &mut rng);
            let Some(l) = Lanes::new(&lm) else {
                panic!("fp32 has lanes")
            };
            for _ in 0..1 << 13 {
                let r = rng.next_u64();
                check(&lm, &l, r & 0xFFFF_FFFF, r >> 32);
            }
            pairs += 1 << 13;
        }
        assert!(pairs >= 10_000_000, "{pairs}");
    }

    /// Only bf16 and fp32 have lanes.
    #[test]
    fn lanes_only_for_bf16_and_fp32() {
        for (_, f) in FloatFormat::PRESETS {
            let has = Lanes::new(&LMul::paper(f)).is_some();
            assert_eq!(
                has,
                f == FloatFormat::BF16 || f == FloatFormat::FP32,
                "{f:?}"
            );
        }
    }

    /// [`value`] is [`FloatFormat::to_f32`] on every code of every eligible preset and of
    /// a few parsed layouts (FNUZ, no zero, unsigned, E8M0, no subnormals).
    #[test]
    fn value_is_to_f32_exhaustively() {
        let parsed = [
            "e4m3:nozero:nosub",
            "binary8p3se",
            "binary8p3ue",
            "binary8p4sf",
            "e8m0",
            "e5m0",
            "e2m1",
            "e3m2",
            "e2m3",
            "e5m2fnuz",
            "e4m3fnuz",
            "e8m7",
            "e5m10",
            "e6m9",
        ]
        .map(|name| name.parse::<FloatFormat>().ok());
        let presets = FloatFormat::PRESETS.map(|(_, f)| Some(f));
        let mut checked = 0;
        for f in presets.into_iter().chain(parsed).flatten() {
            let lm = LMul::paper(f);
            if !eligible(&lm, &super::super::DEFAULT_ACCUMULATOR) || f.width() > 20 {
                continue;
            }
            for c in 0..(1u64 << f.width()) {
                let (v, w) = (value(&f, c), f.to_f32(c));
                assert!(
                    v.to_bits() == w.to_bits() || (v.is_nan() && w.is_nan()),
                    "{f:?} code {c:#x}: {v:e} vs {w:e}"
                );
            }
            checked += 1;
        }
        assert!(checked >= 8, "{checked}");
    }
}
