//! MX dot products: the OCP MX v1.0 `Dot` (two blocks) and `DotGeneral` (two vectors of
//! blocks), and a matrix product over packed blocks.
//!
//! The specification defines, for blocks A and B of k elements with scales X⁽ᴬ⁾, X⁽ᴮ⁾
//! and elements Pᵢ,
//!
//! ```text
//! Dot(A, B)        = X⁽ᴬ⁾ · X⁽ᴮ⁾ · Σᵢ Pᵢ⁽ᴬ⁾ · Pᵢ⁽ᴮ⁾
//! DotGeneral(A, B) = Σⱼ Dot(Aⱼ, Bⱼ)          (A, B vectors of blocks)
//! ```
//!
//! and leaves the internal precision and the order of the additions to the
//! implementation. Here a dot product is any number of block pairs (one pair is `Dot`),
//! and the sum is formed in one of three ways:
//!
//! | form | function | what it computes |
//! |---|---|---|
//! | exact | [`dot_exact`] | the exact value ([`MxExact`]): every product and every sum exact, in the crate's Kulisch accumulator |
//! | rounded once | [`dot_with`] with [`MxSum::Once`], [`dot_f32`] | the exact value rounded once into any [`FloatFormat`] in any [`Round`] |
//! | f32 block by block | [`dot_with`] with [`MxSum::F32Blocks`] | each block's `Dot` exact and rounded once to `f32`, the block results added in `f32` in block order |
//!
//! [`MxSum::F32Blocks`] is what MX hardware commonly does: a block's element products are
//! summed exactly in a fixed-point adder tree, the two scales (powers of two) shift the
//! result, and an `f32` accumulator takes one block after the other. Precisely, with `r`
//! the chosen [`Round`] on `f32`:
//!
//! ```text
//! s ← +0
//! for j = 0, 1, …, nblocks − 1:        (block order: element index order)
//!     dⱼ ← r(X⁽ᴬ⁾ⱼ · X⁽ᴮ⁾ⱼ · gᴬ · gᴮ · Σᵢ Pᵢ⁽ᴬ⁾ · Pᵢ⁽ᴮ⁾)    (exact, then one rounding)
//!     s  ← r(s + dⱼ)                                      (exact sum, one rounding)
//! ```
//!
//! (gᴬ, gᴮ the per-tensor scales of NVFP4-style formats, 1 otherwise). A stochastic `r`
//! draws for dⱼ first, then for the sum. The exact forms have no order at all.
//!
//! Operands are [`MxVector`]s: a [`BlockFormat`], one scale code per block and one
//! element code per element (unpacked, as [`quantize_f32`](super::quantize_f32) writes
//! them). The two operands may have different element and scale formats but must have
//! the same block size and length; the last block may be shorter.
//! [`matmul_f32`] multiplies matrices of packed codes ([`pack`](super::pack)).
//!
//! ## Special values
//! A value of a block is its element times its scale (times the tensor scale), and the
//! dot product follows IEEE 754 on those values, as the specification's definition of a
//! block's values implies:
//! - a NaN scale (E8M0 0xFF) makes every value of its block NaN, so the dot product is
//!   NaN whenever a block's scale is NaN (even if the other block is all zeros); a NaN
//!   element (E4M3 S.1111.111, E5M2) likewise;
//! - an infinite element (E5M2) times a nonzero finite value is ±∞; ∞ · 0 and
//!   (+∞) + (−∞) are NaN and raise `INVALID`; ±∞ otherwise survives the sum;
//! - a zero scale (possible with a float scale format) times an infinite element is NaN;
//! - an exact zero sum is +0, or −0 when every product is −0 (or when rounding toward −∞).
//!
//! A NaN result rounds to the target format's NaN (+0 with `INVALID` in formats without
//! NaN, as [`FloatFormat::round`] does). The exact value needs no width choice: a product
//! of two elements, two scales and two tensor scales has at most 80 significant bits, and
//! every term lies within the accumulator's range (at most about 1,400 of its 4,352 bits
//! for any formats allowed here).

use super::format::{BlockFormat, ElementFormat, ScaleFormat};
use super::pack::packed_len;
use super::quantize::element_value;
use super::{BlockError, check_len};
use crate::float::arith::{exact_add, exact_mul};
use crate::float::dot::Kulisch;
use crate::float::{Exact, FloatFormat};
use crate::rounding::{NoRandom, RandomBits, Round, Rounding, Status, StatusAnd};

/// One operand of an MX dot product: a vector of blocks.
///
/// ```
/// use lowprec::block::{BlockFormat, MxVector};
/// let v = MxVector::new(BlockFormat::MXFP4_E2M1, &[127], &[0x2, 0x3]);
/// assert_eq!(v.tensor_scale, 1.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MxVector<'a> {
    /// The block format.
    pub format: BlockFormat,
    /// One scale code per block ([`BlockFormat::num_scales`]; none for `scale=none`).
    pub scales: &'a [u8],
    /// One element code per element (the low bits; higher bits are ignored).
    pub codes: &'a [u8],
    /// The per-tensor scale (used only by formats with one; positive and finite).
    pub tensor_scale: f32,
}

impl<'a> MxVector<'a> {
    /// A vector of blocks with tensor scale 1.
    ///
    /// ```
    /// use lowprec::block::{BlockFormat, MxVector};
    /// let v = MxVector::new(BlockFormat::MXINT8, &[127], &[64]);
    /// assert_eq!(v.codes, &[64]);
    /// ```
    pub const fn new(format: BlockFormat, scales: &'a [u8], codes: &'a [u8]) -> Self {
        Self {
            format,
            scales,
            codes,
            tensor_scale: 1.0,
        }
    }

    /// The same vector with a per-tensor scale (NVFP4).
    ///
    /// ```
    /// use lowprec::block::{BlockFormat, MxVector};
    /// let v = MxVector::new(BlockFormat::NVFP4, &[0x38], &[0x2]).with_tensor_scale(0.5);
    /// assert_eq!(v.tensor_scale, 0.5);
    /// ```
    pub const fn with_tensor_scale(self, tensor_scale: f32) -> Self {
        Self {
            tensor_scale,
            ..self
        }
    }
}

/// How the sum of a dot product is rounded.
///
/// ```
/// use lowprec::block::MxSum;
/// use lowprec::{FloatFormat, Round};
/// let once = MxSum::Once { format: FloatFormat::BF16, round: Round::default() };
/// assert_eq!(MxSum::default(), MxSum::Once { format: FloatFormat::FP32, round: Round::NEAREST_EVEN });
/// # let _ = once;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MxSum {
    /// The exact sum rounded once into `format` by `round`.
    Once {
        /// The result format.
        format: FloatFormat,
        /// Its rounding.
        round: Round,
    },
    /// Each block pair's exact `Dot` rounded to `f32`, the results added in `f32` in
    /// block order, every addition rounded by `round` (see the module docs).
    F32Blocks {
        /// The rounding of every step.
        round: Round,
    },
}

impl Default for MxSum {
    /// Exact, rounded once to `f32`, ties to even.
    fn default() -> Self {
        MxSum::Once {
            format: FloatFormat::FP32,
            round: Round::NEAREST_EVEN,
        }
    }
}

/// The exact value of an MX dot product (held in the crate's Kulisch accumulator).
///
/// ```
/// use lowprec::block::{self, BlockFormat, MxVector};
/// use lowprec::float::Exact;
/// let f = BlockFormat::MXFP8_E4M3;
/// // 2^1 · 1.5 · 2^−1 · 3.0 = 4.5
/// let a = MxVector::new(f, &[128], &[0x3C]);
/// let b = MxVector::new(f, &[126], &[0x44]);
/// let x = block::dot_exact(&a, &b)?;
/// assert_eq!(x.to_f32(), 4.5);
/// assert_eq!(x.to_exact(), Some(Exact::from_parts(false, 9, -1)));
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
#[derive(Clone)]
pub struct MxExact {
    acc: Kulisch,
}

impl core::fmt::Debug for MxExact {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MxExact")
            .field("value", &self.acc.value(Rounding::TiesToEven).0)
            .finish()
    }
}

impl MxExact {
    /// The exact value rounded once into `format` (code and flags; `INVALID` when the
    /// sum is an invalid NaN: ∞ · 0 or ∞ − ∞).
    ///
    /// ```
    /// use lowprec::block::{self, BlockFormat, MxVector};
    /// use lowprec::{FloatFormat, NoRandom, Rounding};
    /// let f = BlockFormat::MXFP4_E2M1;
    /// let a = MxVector::new(f, &[127], &[0x3, 0x1]); // 1.5, 0.5
    /// let b = MxVector::new(f, &[127], &[0x3, 0x1]);
    /// let x = block::dot_exact(&a, &b)?; // 2.5
    /// let r = x.round(&FloatFormat::E2M1, Rounding::TowardZero, &mut NoRandom);
    /// assert_eq!(r.value, 0x4); // 2.0
    /// # Ok::<(), lowprec::block::BlockError>(())
    /// ```
    pub fn round<R: RandomBits + ?Sized>(
        &self,
        format: &FloatFormat,
        how: impl Into<Round>,
        rng: &mut R,
    ) -> StatusAnd<u64> {
        self.acc.clone().finish(format, how.into(), rng)
    }

    /// The exact value rounded to the nearest `f32`, ties to even.
    ///
    /// ```
    /// use lowprec::block::{self, BlockFormat, MxVector};
    /// let f = BlockFormat::MXFP8_E5M2;
    /// let x = block::dot_exact(&MxVector::new(f, &[0xFF], &[0]), &MxVector::new(f, &[127], &[0]))?;
    /// assert!(x.to_f32().is_nan()); // a NaN scale
    /// # Ok::<(), lowprec::block::BlockError>(())
    /// ```
    pub fn to_f32(&self) -> f32 {
        let r = self.round(&FloatFormat::FP32, Round::NEAREST_EVEN, &mut NoRandom);
        f32::from_bits(r.value as u32)
    }

    /// The exact value as an [`Exact`] (NaN, ±∞, ±0 or a finite value without sticky
    /// bit), or `None` when it has more than 128 significant bits (possible only when
    /// blocks with far apart scales are summed).
    ///
    /// ```
    /// use lowprec::block::{self, BlockFormat, MxVector};
    /// use lowprec::float::Exact;
    /// let f = BlockFormat::MXINT8;
    /// let x = block::dot_exact(&MxVector::new(f, &[127], &[0x40]), &MxVector::new(f, &[127], &[0xC0]))?;
    /// assert_eq!(x.to_exact(), Some(Exact::from_parts(true, 1, 0)));
    /// # Ok::<(), lowprec::block::BlockError>(())
    /// ```
    pub fn to_exact(&self) -> Option<Exact> {
        match self.acc.value(Rounding::TiesToEven).0 {
            Exact::Finite(f) if f.sticky => None,
            Exact::Finite(mut f) => {
                let tz = f.sig.trailing_zeros();
                f.sig >>= tz;
                f.exp = f.exp.saturating_add(tz as i32);
                Some(Exact::Finite(f))
            }
            x => Some(x),
        }
    }
}

/// Where the element codes of one operand come from.
#[derive(Clone, Copy)]
enum Codes<'a> {
    /// One code per byte.
    Unpacked(&'a [u8]),
    /// A packed stream of `width`-bit codes ([`pack`](super::pack)'s layout).
    Packed { bytes: &'a [u8], width: u32 },
}

impl Codes<'_> {
    /// Code `i` (0 past the end).
    fn get(&self, i: usize) -> u8 {
        match *self {
            Codes::Unpacked(c) => c.get(i).copied().unwrap_or(0),
            Codes::Packed { bytes, width } => {
                let bit = i.saturating_mul(width as usize);
                let (byte, sh) = (bit / 8, bit % 8);
                let lo = u16::from(bytes.get(byte).copied().unwrap_or(0));
                let hi = u16::from(bytes.get(byte + 1).copied().unwrap_or(0));
                (((lo | hi << 8) >> sh) & ((1u16 << width) - 1)) as u8
            }
        }
    }
}

/// One operand, checked: formats, the tensor scale as an exact value, the codes.
#[derive(Clone, Copy)]
struct Side<'a> {
    element: ElementFormat,
    scale: ScaleFormat,
    tensor: Exact,
    scales: &'a [u8],
    codes: Codes<'a>,
}

impl Side<'_> {
    /// The exponent of the last bit of the smallest nonzero element, scale and tensor
    /// scale: a lower bound on the exponents of this side's factors.
    fn lsb(&self) -> i64 {
        // The last bit of a float is at emin − man_bits or above, subnormals or not (a
        // format without subnormals has normals 2^emin · 1.f down to 2^emin).
        let last = |f: FloatFormat| f.emin() - f.man_bits() as i32;
        let e = match self.element {
            ElementFormat::Float(f) => last(f),
            ElementFormat::Int { frac_bits, .. } => -(frac_bits as i32),
        };
        let s = match self.scale.float() {
            Some(f) => last(f).min(0),
            None => 0,
        };
        let g = if matches!(self.tensor, Exact::Finite(f) if f.exp < 0) {
            FloatFormat::FP32.quantum_min()
        } else {
            0
        };
        i64::from(e) + i64::from(s) + i64::from(g)
    }

    /// The value of scale `b` times the tensor scale.
    fn scale(&self, b: usize) -> Exact {
        let s = match (self.scale.float(), self.scales.get(b)) {
            (Some(f), Some(&c)) => f.decode(u64::from(c)),
            _ => Exact::from_parts(false, 1, 0),
        };
        exact_mul(s, self.tensor).unwrap_or(Exact::Nan { negative: false })
    }
}

fn tensor_value(fmt: &BlockFormat, g: f32) -> Result<Exact, BlockError> {
    if !fmt.tensor_scale {
        return Ok(Exact::from_parts(false, 1, 0));
    }
    match Exact::from_f32(g) {
        x @ Exact::Finite(f) if !f.negative => Ok(x),
        _ => Err(BlockError::TensorScale),
    }
}

/// Checks both formats (their fields are public, so they may not have been validated)
/// and that their block sizes agree.
fn same_blocks(a: &BlockFormat, b: &BlockFormat) -> Result<(), BlockError> {
    for f in [a, b] {
        BlockFormat::new(f.element, f.block_size, f.scale, f.rule, f.tensor_scale)?;
    }
    if a.block_size == b.block_size {
        Ok(())
    } else {
        Err(BlockError::Inconsistent(
            "the two operands of a dot product need the same block size",
        ))
    }
}

fn side<'a>(v: &MxVector<'a>) -> Result<Side<'a>, BlockError> {
    check_len("scales", v.format.num_scales(v.codes.len()), v.scales.len())?;
    Ok(Side {
        element: v.format.element,
        scale: v.format.scale,
        tensor: tensor_value(&v.format, v.tensor_scale)?,
        scales: v.scales,
        codes: Codes::Unpacked(v.codes),
    })
}

/// An empty exact accumulator for products of the two sides.
fn accumulator(a: &Side, b: &Side) -> Kulisch {
    Kulisch::at(a.lsb() + b.lsb())
}

/// Adds block `blk` (elements `lo..hi` of A from `a_at`, of B from `b_at`) to `acc`.
#[allow(clippy::too_many_arguments)]
fn add_block(
    acc: &mut Kulisch,
    a: &Side,
    b: &Side,
    a_blk: usize,
    b_blk: usize,
    a_at: usize,
    b_at: usize,
    len: usize,
) {
    let s = match exact_mul(a.scale(a_blk), b.scale(b_blk)) {
        Ok(s) => s,
        Err(_) => Exact::Nan { negative: false },
    };
    for i in 0..len {
        let x = element_value(&a.element, a.codes.get(a_at + i));
        let y = element_value(&b.element, b.codes.get(b_at + i));
        match exact_mul(x, y).and_then(|p| exact_mul(p, s)) {
            Ok(t) => acc.add(t),
            Err(_) => acc.set_invalid(),
        }
    }
}

/// The dot product of `len` elements starting at `a_at`/`b_at` (block-aligned), whose
/// blocks start at scale `a_blk0`/`b_blk0`, in block size `bs`.
#[allow(clippy::too_many_arguments)]
fn dot_core<R: RandomBits + ?Sized>(
    a: &Side,
    b: &Side,
    bs: usize,
    a_at: usize,
    b_at: usize,
    a_blk0: usize,
    b_blk0: usize,
    len: usize,
    sum: &MxSum,
    rng: &mut R,
) -> StatusAnd<u64> {
    let nblocks = len.div_ceil(bs.max(1));
    let block = |j: usize| (j * bs, (len - j * bs).min(bs));
    match *sum {
        MxSum::Once { format, round } => {
            let mut acc = accumulator(a, b);
            if len == 0 {
                acc.add(Exact::Zero { negative: false });
            }
            for j in 0..nblocks {
                let (off, n) = block(j);
                add_block(
                    &mut acc,
                    a,
                    b,
                    a_blk0 + j,
                    b_blk0 + j,
                    a_at + off,
                    b_at + off,
                    n,
                );
            }
            acc.finish(&format, round, rng)
        }
        MxSum::F32Blocks { round } => {
            let f = FloatFormat::FP32;
            let mut status = Status::OK;
            let mut s = Exact::Zero { negative: false };
            let mut code = f.round(s, round, rng).value;
            for j in 0..nblocks {
                let (off, n) = block(j);
                let mut acc = accumulator(a, b);
                add_block(
                    &mut acc,
                    a,
                    b,
                    a_blk0 + j,
                    b_blk0 + j,
                    a_at + off,
                    b_at + off,
                    n,
                );
                let d = acc.finish(&f, round, rng);
                status |= d.status;
                let t = match exact_add(s, f.decode(d.value), round.mode) {
                    Ok(t) => t,
                    Err(flag) => {
                        status |= flag;
                        Exact::Nan { negative: false }
                    }
                };
                let r = f.round(t, round, rng);
                status |= r.status;
                code = r.value;
                s = f.decode(code);
            }
            StatusAnd::new(code, status)
        }
    }
}

fn check_pair<'a>(a: &MxVector<'a>, b: &MxVector<'a>) -> Result<(Side<'a>, Side<'a>), BlockError> {
    same_blocks(&a.format, &b.format)?;
    check_len("the second operand's codes", a.codes.len(), b.codes.len())?;
    Ok((side(a)?, side(b)?))
}

/// The exact dot product of two vectors of blocks (`Dot` for one block each,
/// `DotGeneral` for several).
///
/// # Errors
/// [`BlockError::Length`] when the operands differ in length or a scale slice has the
/// wrong length, [`BlockError::Inconsistent`] for different block sizes, the errors of
/// [`BlockFormat::new`] for an invalid format,
/// [`BlockError::TensorScale`] for a tensor scale that is not positive and finite (in a
/// format that uses one).
///
/// ```
/// use lowprec::block::{self, BlockFormat, MxVector};
/// let f: BlockFormat = "mxfp8_e4m3:block=2".parse()?;
/// // Two blocks: 2^−127 · 2^−127 · (1 · 1) and 2^127 · 2^127 · (1 · 1): 2^254 + 2^−254.
/// let a = MxVector::new(f, &[0, 254], &[0x38, 0, 0x38, 0]);
/// let x = block::dot_exact(&a, &a)?;
/// assert_eq!(x.to_exact(), None); // 509 significant bits
/// assert_eq!(x.to_f32(), f32::INFINITY);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn dot_exact(a: &MxVector, b: &MxVector) -> Result<MxExact, BlockError> {
    let (sa, sb) = check_pair(a, b)?;
    let bs = a.format.block_size as usize;
    let len = a.codes.len();
    let mut acc = accumulator(&sa, &sb);
    if len == 0 {
        acc.add(Exact::Zero { negative: false });
    }
    for j in 0..len.div_ceil(bs) {
        let n = (len - j * bs).min(bs);
        add_block(&mut acc, &sa, &sb, j, j, j * bs, j * bs, n);
    }
    Ok(MxExact { acc })
}

/// The dot product of two vectors of blocks, rounded as `sum` says: the code in the
/// result format (`f32` bits for [`MxSum::F32Blocks`]) and the union of the flags.
///
/// # Errors
/// As [`dot_exact`].
///
/// ```
/// use lowprec::block::{self, BlockFormat, MxSum, MxVector};
/// use lowprec::{NoRandom, Round};
/// let f: BlockFormat = "mxfp8_e4m3:block=1".parse()?;
/// // Blocks 2^24 · 1 and 1 · 1: exactly 2^24 + 1; block by block in f32 the 1 is lost.
/// let a = MxVector::new(f, &[127 + 24, 127], &[0x38, 0x38]);
/// let b = MxVector::new(f, &[127, 127], &[0x38, 0x38]);
/// let once = block::dot_with(&a, &b, MxSum::default(), &mut NoRandom)?;
/// let blocks = block::dot_with(&a, &b, MxSum::F32Blocks { round: Round::default() }, &mut NoRandom)?;
/// assert_eq!(f32::from_bits(once.value as u32), 16777216.0); // ties to even as well
/// assert_eq!(f32::from_bits(blocks.value as u32), 16777216.0);
/// let up = Round::from(lowprec::Rounding::TowardPositive);
/// let once = block::dot_with(&a, &b, MxSum::Once { format: lowprec::FloatFormat::FP32, round: up }, &mut NoRandom)?;
/// assert_eq!(f32::from_bits(once.value as u32), 16777218.0);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn dot_with<R: RandomBits + ?Sized>(
    a: &MxVector,
    b: &MxVector,
    sum: MxSum,
    rng: &mut R,
) -> Result<StatusAnd<u64>, BlockError> {
    let (sa, sb) = check_pair(a, b)?;
    let bs = a.format.block_size as usize;
    Ok(dot_core(&sa, &sb, bs, 0, 0, 0, 0, a.codes.len(), &sum, rng))
}

/// [`dot_with`] rounded once to `f32`, ties to even: the exact dot product's nearest
/// `f32`.
///
/// # Errors
/// As [`dot_exact`].
///
/// ```
/// use lowprec::block::{self, BlockFormat, MxVector};
/// let xs = [1.0f32, -2.0, 0.5, 3.0];
/// let ys = [4.0f32, 1.0, -8.0, 0.25];
/// let f = BlockFormat::MXFP8_E4M3;
/// let (mut sa, mut ca, mut sb, mut cb) = ([0u8; 1], [0u8; 4], [0u8; 1], [0u8; 4]);
/// block::quantize_f32(&f, &xs, &mut sa, &mut ca)?;
/// block::quantize_f32(&f, &ys, &mut sb, &mut cb)?;
/// let d = block::dot_f32(&MxVector::new(f, &sa, &ca), &MxVector::new(f, &sb, &cb))?;
/// assert_eq!(d, 4.0 - 2.0 - 4.0 + 0.75);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
pub fn dot_f32(a: &MxVector, b: &MxVector) -> Result<f32, BlockError> {
    let r = dot_with(a, b, MxSum::default(), &mut NoRandom)?;
    Ok(f32::from_bits(r.value as u32))
}

/// A matrix of packed blocks: `rows` rows of `k` elements, blocks along the rows.
///
/// The element codes of the whole matrix, row after row (element (r, c) is code
/// r · k + c), packed as one stream by [`pack`](super::pack); rows need not start on a
/// byte boundary. The scales are row after row too: row r's blocks are scales
/// r · nb … r · nb + nb − 1 with nb = ⌈k / block⌉ (each row's last block may be short).
///
/// ```
/// use lowprec::block::{BlockFormat, MxMatrix};
/// let m = MxMatrix::new(BlockFormat::MXFP4_E2M1, &[127, 127], &[0x21, 0x43]);
/// assert_eq!(m.tensor_scale, 1.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MxMatrix<'a> {
    /// The block format.
    pub format: BlockFormat,
    /// rows · ⌈k / block⌉ scale codes (none for `scale=none`).
    pub scales: &'a [u8],
    /// The packed element codes, [`packed_len`](super::packed_len)(width, rows · k) bytes.
    pub packed: &'a [u8],
    /// The per-tensor scale (used only by formats with one).
    pub tensor_scale: f32,
}

impl<'a> MxMatrix<'a> {
    /// A matrix with tensor scale 1.
    ///
    /// ```
    /// use lowprec::block::{BlockFormat, MxMatrix};
    /// let m = MxMatrix::new(BlockFormat::MXINT8, &[127], &[1, 2, 3]);
    /// assert_eq!(m.packed.len(), 3);
    /// ```
    pub const fn new(format: BlockFormat, scales: &'a [u8], packed: &'a [u8]) -> Self {
        Self {
            format,
            scales,
            packed,
            tensor_scale: 1.0,
        }
    }

    /// The same matrix with a per-tensor scale (NVFP4).
    ///
    /// ```
    /// use lowprec::block::{BlockFormat, MxMatrix};
    /// let m = MxMatrix::new(BlockFormat::NVFP4, &[0x38], &[0x21]).with_tensor_scale(2.0);
    /// assert_eq!(m.tensor_scale, 2.0);
    /// ```
    pub const fn with_tensor_scale(self, tensor_scale: f32) -> Self {
        Self {
            tensor_scale,
            ..self
        }
    }

    fn side(&self, rows: usize, k: usize, what: &'static str) -> Result<Side<'a>, BlockError> {
        let w = self.format.element.width();
        check_len(
            what,
            packed_len(w, rows.saturating_mul(k)),
            self.packed.len(),
        )?;
        check_len(
            "scales",
            rows.saturating_mul(self.format.num_scales(k)),
            self.scales.len(),
        )?;
        Ok(Side {
            element: self.format.element,
            scale: self.format.scale,
            tensor: tensor_value(&self.format, self.tensor_scale)?,
            scales: self.scales,
            codes: Codes::Packed {
                bytes: self.packed,
                width: w,
            },
        })
    }
}

/// C = A · Bᵀ over packed blocks: A is m × k, B is given as n × k (B transposed, so both
/// have their blocks along k), C is m × n row-major `f32`; each entry is the dot product
/// of a row of A and a row of B, rounded as `sum` says. Returns the union of the flags.
///
/// # Errors
/// [`BlockError::Length`] for packed codes, scales or output of the wrong length,
/// [`BlockError::Inconsistent`] for different block sizes or an [`MxSum::Once`] format
/// other than [`FloatFormat::FP32`], [`BlockError::TensorScale`] as in [`dot_exact`].
///
/// ```
/// use lowprec::block::{self, BlockFormat, MxMatrix, MxSum};
/// use lowprec::NoRandom;
/// let f = BlockFormat::MXFP4_E2M1;
/// // A = [[1, 2], [3, 4]], B = [[1, 0], [0.5, 1]] (as n × k), scales 1.
/// let (mut a, mut b) = ([0u8; 2], [0u8; 2]);
/// block::pack(4, &[0x2, 0x4, 0x5, 0x6], &mut a)?;
/// block::pack(4, &[0x2, 0x0, 0x1, 0x2], &mut b)?;
/// let mut c = [0f32; 4];
/// block::matmul_f32(
///     &MxMatrix::new(f, &[127, 127], &a),
///     &MxMatrix::new(f, &[127, 127], &b),
///     2, 2, 2, MxSum::default(), &mut NoRandom, &mut c,
/// )?;
/// assert_eq!(c, [1.0, 2.5, 3.0, 5.5]);
/// # Ok::<(), lowprec::block::BlockError>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn matmul_f32<R: RandomBits + ?Sized>(
    a: &MxMatrix,
    b: &MxMatrix,
    m: usize,
    n: usize,
    k: usize,
    sum: MxSum,
    rng: &mut R,
    out: &mut [f32],
) -> Result<Status, BlockError> {
    same_blocks(&a.format, &b.format)?;
    if let MxSum::Once { format, .. } = sum {
        if format != FloatFormat::FP32 {
            return Err(BlockError::Inconsistent(
                "matmul_f32 rounds into f32: use MxSum::Once with FloatFormat::FP32",
            ));
        }
    }
    let sa = a.side(m, k, "A's packed codes")?;
    let sb = b.side(n, k, "B's packed codes")?;
    check_len("the output", m.saturating_mul(n), out.len())?;
    let bs = a.format.block_size as usize;
    let (nsa, nsb) = (a.format.num_scales(k), b.format.num_scales(k));
    let mut status = Status::OK;
    for (r, row) in out.chunks_mut(n.max(1)).enumerate().take(m) {
        for (c, o) in row.iter_mut().enumerate() {
            let d = dot_core(&sa, &sb, bs, r * k, c * k, r * nsa, c * nsb, k, &sum, rng);
            status |= d.status;
            *o = f32::from_bits(d.value as u32);
        }
    }
    Ok(status)
}
