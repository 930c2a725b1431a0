//! Fixed-point values: [`Fixed`] (runtime format) and [`Fx<F>`] (format known at compile
//! time through a marker type, as [`Fp`](crate::float::Fp) does for floats).

use super::arith::{ArithError, Wide, WideFormat};
use super::format::{FixedFormat, FixedParams};
use super::modes::{
    AC_TRN, AC_WRAP, AP_TRN, AP_WRAP, AcOMode, AcQMode, ApOMode, ApQMode, ApUOMode,
};
use crate::float::Exact;
use crate::rounding::StatusAnd;
use core::cmp::Ordering;
use core::fmt;
use core::marker::PhantomData;
use core::ops;

/// A fixed-point value of a runtime [`FixedFormat`]: its W raw bits and the format.
///
/// Comparisons compare values, across formats.
///
/// ```
/// use lowprec::fixed::{Fixed, FixedFormat};
/// let t: FixedFormat = "ap_fixed<16,6,AP_RND_CONV,AP_SAT>".parse()?;
/// let x = Fixed::from_f64(t, 3.14159);
/// assert_eq!(x.to_f64(), 3.1416015625);
/// let p = x.wide().mul(&x.wide())?;            // exact, ap_fixed<32,12>
/// let y = Fixed::from_wide(t, &p);              // rounded on assignment
/// assert_eq!(y.to_f64(), 9.8701171875);
/// assert!(y > x);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Fixed {
    bits: u64,
    format: FixedFormat,
}

impl Fixed {
    /// The value with the given raw bits (bits above W are cleared).
    pub const fn from_bits(format: FixedFormat, bits: u64) -> Fixed {
        Fixed {
            bits: bits & format.mask(),
            format,
        }
    }
    /// The value with the given raw integer (wrapped to W bits).
    pub const fn from_raw(format: FixedFormat, raw: i128) -> Fixed {
        Fixed::from_bits(format, format.bits_of(raw))
    }
    /// `x` cast into `format` (as `ap_fixed x = d;`).
    pub fn from_f64(format: FixedFormat, x: f64) -> Fixed {
        Fixed::from_bits(format, format.from_f64(x))
    }
    /// An exact value cast into `format`.
    pub fn from_exact(format: FixedFormat, x: &Exact) -> Fixed {
        Fixed::from_bits(format, format.from_exact(x))
    }
    /// An arithmetic result cast into `format`.
    pub fn from_wide(format: FixedFormat, x: &Wide) -> Fixed {
        Fixed::from_bits(format, x.cast(&format))
    }
    /// This value cast into another format.
    pub fn cast(&self, to: FixedFormat) -> Fixed {
        Fixed::from_bits(to, to.cast_from(&self.format, self.bits))
    }
    /// The W raw bits.
    pub const fn to_bits(&self) -> u64 {
        self.bits
    }
    /// The raw integer.
    pub const fn raw(&self) -> i128 {
        self.format.raw_of(self.bits)
    }
    /// The format.
    pub const fn format(&self) -> FixedFormat {
        self.format
    }
    /// The exact value as an intermediate, for arithmetic.
    pub const fn wide(&self) -> Wide {
        Wide::from_bits(&self.format, self.bits)
    }
    /// The exact value.
    pub fn to_exact(&self) -> Exact {
        self.format.to_exact(self.bits)
    }
    /// The nearest `f64` (ties to even).
    pub fn to_f64(&self) -> f64 {
        self.format.to_f64(self.bits)
    }
    /// The nearest `f32` (ties to even).
    pub fn to_f32(&self) -> f32 {
        self.format.to_f32(self.bits)
    }
    /// The integer part by the family's `to_int` rule, modulo 2¹²⁸
    /// ([`FixedFormat::to_int`]).
    pub fn to_int(&self) -> i128 {
        self.format.to_int(self.bits)
    }
}

impl PartialEq for Fixed {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Fixed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.wide().cmp_value(&other.wide()))
    }
}

impl fmt::Display for Fixed {
    /// The exact value as a hex float (`0x1.8p+0`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_exact(), f)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// The integer types that hold the raw value of an [`Fx`]: `i8`…`i64`, `u8`…`u64`.
pub trait RawInt:
    Copy + Default + Eq + Ord + core::hash::Hash + fmt::Debug + Send + Sync + 'static + sealed::Sealed
{
    /// Whether the type is signed.
    const SIGNED: bool;
    /// Its width in bits.
    const BITS: u32;
    /// The value, extended to `i128`.
    fn to_i128(self) -> i128;
    /// The low bits of `x` (wrapping).
    fn wrap_i128(x: i128) -> Self;
}

macro_rules! raw_ints {
    ($($t:ty: $signed:expr;)*) => {$(
        impl sealed::Sealed for $t {}
        impl RawInt for $t {
            const SIGNED: bool = $signed;
            const BITS: u32 = <$t>::BITS;
            #[inline(always)]
            fn to_i128(self) -> i128 {
                self as i128
            }
            #[inline(always)]
            fn wrap_i128(x: i128) -> Self {
                x as $t
            }
        }
    )*};
}

raw_ints! {
    i8: true; i16: true; i32: true; i64: true;
    u8: false; u16: false; u32: false; u64: false;
}

/// A fixed-point format known at compile time: a marker type for [`Fx`].
///
/// The generic markers [`ApFixed`], [`ApUfixed`], [`AcFixed`], [`AcUfixed`], [`ApInt`] and
/// [`ApUint`] cover every format with a 64-bit raw integer; define your own marker for a
/// narrower one:
///
/// ```
/// use lowprec::fixed::{FixedFormat, FixedParams, FixedType, Fx, Quantization, OverflowMode};
/// #[derive(Clone, Copy, Debug, Default)]
/// struct Q3_12;
/// impl FixedType for Q3_12 {
///     type Raw = i16;
///     const FORMAT: FixedFormat = match FixedFormat::new(FixedParams {
///         quantization: Quantization::RndConv,
///         overflow: OverflowMode::Sat,
///         ..FixedParams::ap_fixed(16, 4)
///     }) {
///         Ok(f) => f,
///         Err(_) => panic!("invalid format"), // a compile-time error
///     };
/// }
/// let x = Fx::<Q3_12>::from_f64(1.0 / 3.0);
/// assert_eq!(x.to_f64(), 0.333251953125);
/// assert_eq!(core::mem::size_of::<Fx<Q3_12>>(), 2);
/// ```
pub trait FixedType: Copy + Default + Send + Sync + 'static {
    /// The integer that holds the raw value: signed exactly when the format is, and at
    /// least W bits wide (checked at compile time).
    type Raw: RawInt;
    /// The format.
    const FORMAT: FixedFormat;
}

const fn unwrap(f: Result<FixedFormat, super::FixedFormatError>) -> FixedFormat {
    match f {
        Ok(f) => f,
        Err(_) => panic!("invalid fixed-point format"),
    }
}

/// `ap_fixed<W, I, Q, O, N>` with an `i64` raw value: `ApFixed<16, 6>`,
/// `ApFixed<8, 3, AP_RND_CONV, AP_SAT>`, `ApFixed<12, 4, AP_TRN, AP_WRAP, 2>`. Q and O
/// are the `AP_` mode types of [`modes`](super::modes) (a number, or an `AC_` mode, does
/// not compile).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ApFixed<
    const W: u32,
    const I: i32,
    Q: ApQMode = AP_TRN,
    O: ApOMode = AP_WRAP,
    const N: u32 = 0,
>(PhantomData<(Q, O)>);

impl<const W: u32, const I: i32, Q: ApQMode, O: ApOMode, const N: u32> FixedType
    for ApFixed<W, I, Q, O, N>
{
    type Raw = i64;
    const FORMAT: FixedFormat = unwrap(FixedFormat::new(FixedParams {
        quantization: Q::MODE,
        overflow: O::MODE,
        sat_bits: N,
        ..FixedParams::ap_fixed(W, I)
    }));
}

/// `ap_ufixed<W, I, Q, O, N>` with a `u64` raw value (`AP_` modes, `AP_WRAP_SM` excluded).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ApUfixed<
    const W: u32,
    const I: i32,
    Q: ApQMode = AP_TRN,
    O: ApUOMode = AP_WRAP,
    const N: u32 = 0,
>(PhantomData<(Q, O)>);

impl<const W: u32, const I: i32, Q: ApQMode, O: ApUOMode, const N: u32> FixedType
    for ApUfixed<W, I, Q, O, N>
{
    type Raw = u64;
    const FORMAT: FixedFormat = unwrap(FixedFormat::new(FixedParams {
        quantization: Q::MODE,
        overflow: O::MODE,
        sat_bits: N,
        ..FixedParams::ap_ufixed(W, I)
    }));
}

/// `ac_fixed<W, I, true, Q, O>` with an `i64` raw value: `AcFixed<8, 3, AC_RND, AC_SAT>`
/// (`AC_` modes only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AcFixed<const W: u32, const I: i32, Q: AcQMode = AC_TRN, O: AcOMode = AC_WRAP>(
    PhantomData<(Q, O)>,
);

impl<const W: u32, const I: i32, Q: AcQMode, O: AcOMode> FixedType for AcFixed<W, I, Q, O> {
    type Raw = i64;
    const FORMAT: FixedFormat = unwrap(FixedFormat::new(FixedParams {
        quantization: Q::MODE,
        overflow: O::MODE,
        ..FixedParams::ac_fixed(W, I)
    }));
}

/// `ac_fixed<W, I, false, Q, O>` with a `u64` raw value (`AC_` modes only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AcUfixed<const W: u32, const I: i32, Q: AcQMode = AC_TRN, O: AcOMode = AC_WRAP>(
    PhantomData<(Q, O)>,
);

impl<const W: u32, const I: i32, Q: AcQMode, O: AcOMode> FixedType for AcUfixed<W, I, Q, O> {
    type Raw = u64;
    const FORMAT: FixedFormat = unwrap(FixedFormat::new(FixedParams {
        signed: false,
        quantization: Q::MODE,
        overflow: O::MODE,
        ..FixedParams::ac_fixed(W, I)
    }));
}

/// `ap_int<W>` with an `i64` raw value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ApInt<const W: u32>;

impl<const W: u32> FixedType for ApInt<W> {
    type Raw = i64;
    const FORMAT: FixedFormat = unwrap(FixedFormat::new(FixedParams::ap_int(W)));
}

/// `ap_uint<W>` with a `u64` raw value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ApUint<const W: u32>;

impl<const W: u32> FixedType for ApUint<W> {
    type Raw = u64;
    const FORMAT: FixedFormat = unwrap(FixedFormat::new(FixedParams::ap_uint(W)));
}

/// A value of the fixed-point format `F`: its raw integer in `F::Raw`, nothing else.
///
/// Arithmetic is exact and gives a [`Wide`] with the header's result type (`ap_fixed`'s
/// or `ac_fixed`'s, by the format's family; checked at compile time to fit 128 bits);
/// writing it into a type rounds and overflows ([`Fx::from_wide`], or the `op=`
/// operators, which cast on assignment as C++ does). Longer expressions (`a * b * c`,
/// `a * b + c`) go on with [`Wide`] operands and give a [`WideResult`](super::WideResult),
/// which fails only when a step needs more than 128 bits (see the operators in
/// `ops.rs`); `Fx::<Out>::try_from(expression)` assigns it. Same-type arithmetic that
/// stays in `F` is [`checked_add`](Fx::checked_add), [`saturating_mul`](Fx::saturating_mul),
/// [`wrapping_div`](Fx::wrapping_div) and their siblings. Shifts keep the type.
/// Comparisons compare values across formats (exactly, as `ac_fixed` does; for the
/// C-like comparisons of `ap_fixed`'s mixed-signedness operands see
/// [`Wide::header_compare`]).
///
/// ```
/// use lowprec::fixed::{Fx, ApFixed, modes::*};
/// type In = ApFixed<16, 6>;
/// type Acc = ApFixed<32, 12, AP_RND, AP_SAT>;
/// let x = Fx::<In>::from_f64(1.5);
/// let w = Fx::<In>::from_f64(-2.25);
/// let mut acc = Fx::<Acc>::from_f64(10.0);
/// acc += x * w;                        // acc = Acc(acc + x·w)
/// assert_eq!(acc.to_f64(), 6.625);
/// let p = x * w;                       // exact product, ap_fixed<32,12>
/// assert_eq!((p.format().width(), p.format().int_bits()), (32, 12));
/// assert_eq!((x << 2).to_f64(), 6.0);  // same type
/// assert!(x > w);
///
/// // ac_fixed: the same result types; its division does not wrap.
/// use lowprec::fixed::AcFixed;
/// type A8 = AcFixed<8, 8>;
/// let (m, n) = (Fx::<A8>::from_f64(-128.0), Fx::<A8>::from_f64(-1.0));
/// let q = m / n;                       // ac_fixed<9,9,true>
/// assert_eq!((q.format().to_string(), q.to_f64()), ("ac_fixed<9,9,true>".into(), 128.0));
/// let mut s = Fx::<AcFixed<8, 8, AC_TRN, AC_SAT>>::from_f64(-128.0);
/// s /= n;                              // s = 128 saturates to 127
/// assert_eq!(s.to_f64(), 127.0);
///
/// // Chains, and same-type arithmetic.
/// let y: Fx<Acc> = (x * w * x + w).try_into()?; // Acc y = x*w*x + w;
/// assert_eq!(y.to_f64(), -7.3125);
/// assert_eq!(x.checked_mul(w).map(|p| p.to_f64()), Some(-3.375));
/// assert_eq!(Fx::<In>::from_f64(31.0).saturating_add(x).to_f64(), 31.9990234375);
/// # Ok::<(), lowprec::fixed::ArithError>(())
/// ```
#[derive(Clone, Copy, Default)]
#[repr(transparent)]
pub struct Fx<F: FixedType> {
    raw: F::Raw,
    _format: PhantomData<F>,
}

/// The result types of `Fx<A> op Fx<B>`, computed (and checked) at compile time.
struct Types<A, B>(PhantomData<(A, B)>);

const fn fits(r: Result<WideFormat, ArithError>) -> WideFormat {
    match r {
        Ok(f) => f,
        Err(_) => {
            panic!("the exact result type is wider than 128 bits (use `op=`, or the runtime API)")
        }
    }
}

impl<A: FixedType, B: FixedType> Types<A, B> {
    const MUL: WideFormat = fits(A::FORMAT.wide().mul(B::FORMAT.wide()));
    const ADD: WideFormat = fits(A::FORMAT.wide().add(B::FORMAT.wide()));
    const SUB: WideFormat = fits(A::FORMAT.wide().sub(B::FORMAT.wide()));
    const DIV: WideFormat = fits(A::FORMAT.wide().div(B::FORMAT.wide()));
}

impl<F: FixedType> Fx<F> {
    /// The format.
    pub const FORMAT: FixedFormat = {
        assert!(
            F::Raw::SIGNED == F::FORMAT.is_signed() && F::Raw::BITS >= F::FORMAT.width(),
            "the raw type must have the format's signedness and at least W bits"
        );
        F::FORMAT
    };

    #[inline(always)]
    fn from_u64(bits: u64) -> Self {
        Self::from_raw(Self::FORMAT.raw_of(bits))
    }

    /// The value with the raw integer `raw` (wrapped to W bits).
    #[inline(always)]
    pub fn from_raw(raw: i128) -> Self {
        let f = Self::FORMAT;
        Fx {
            raw: F::Raw::wrap_i128(f.raw_of(f.bits_of(raw))),
            _format: PhantomData,
        }
    }
    /// The raw integer.
    #[inline(always)]
    pub fn raw(self) -> F::Raw {
        self.raw
    }
    /// The W raw bits.
    #[inline(always)]
    pub fn to_bits(self) -> u64 {
        Self::FORMAT.bits_of(self.raw.to_i128())
    }
    /// The value with the given raw bits (above W ignored).
    #[inline(always)]
    pub fn from_bits(bits: u64) -> Self {
        Self::from_u64(bits)
    }
    /// `x` cast into the type (as `F x = d;`, see [`FixedFormat::from_f64`]).
    #[inline]
    pub fn from_f64(x: f64) -> Self {
        Self::from_u64(Self::FORMAT.from_f64(x))
    }
    /// `x` cast into the type.
    #[inline]
    pub fn from_f32(x: f32) -> Self {
        Self::from_u64(Self::FORMAT.from_f32(x))
    }
    /// An integer cast into the type.
    #[inline]
    pub fn from_int(x: i128) -> Self {
        Self::from_u64(Self::FORMAT.from_int(x))
    }
    /// An exact value cast into the type.
    pub fn from_exact(x: &Exact) -> Self {
        Self::from_u64(Self::FORMAT.from_exact(x))
    }
    /// An exact value cast into the type, with the status flags.
    pub fn from_exact_with(x: &Exact) -> StatusAnd<Self> {
        let r = Self::FORMAT.from_exact_with(x);
        StatusAnd::new(Self::from_u64(r.value), r.status)
    }
    /// An arithmetic result cast into the type (quantization, then overflow).
    #[inline(always)]
    pub fn from_wide(x: Wide) -> Self {
        Self::from_u64(x.cast(&Self::FORMAT))
    }
    /// A value of another fixed-point type cast into this one.
    #[inline(always)]
    pub fn from_fx<G: FixedType>(x: Fx<G>) -> Self {
        Self::from_u64(Self::FORMAT.cast_from(&Fx::<G>::FORMAT, x.to_bits()))
    }
    /// The exact value as an intermediate.
    #[inline(always)]
    pub fn wide(self) -> Wide {
        Wide::from_bits(&Self::FORMAT, self.to_bits())
    }
    /// The runtime value.
    pub fn to_fixed(self) -> Fixed {
        Fixed::from_bits(Self::FORMAT, self.to_bits())
    }
    /// The exact value.
    pub fn to_exact(self) -> Exact {
        Self::FORMAT.to_exact(self.to_bits())
    }
    /// The nearest `f64` (ties to even).
    pub fn to_f64(self) -> f64 {
        Self::FORMAT.to_f64(self.to_bits())
    }
    /// The nearest `f32` (ties to even).
    pub fn to_f32(self) -> f32 {
        Self::FORMAT.to_f32(self.to_bits())
    }
    /// The integer part by the family's `to_int` rule ([`FixedFormat::to_int`]).
    pub fn to_int(self) -> i128 {
        Self::FORMAT.to_int(self.to_bits())
    }
}

impl<F: FixedType> fmt::Debug for Fx<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fx<{}>({:?})", Self::FORMAT, self.raw)
    }
}

impl<F: FixedType> fmt::Display for Fx<F> {
    /// The exact value as a hex float (`0x1.8p+0`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_exact(), f)
    }
}

impl<A: FixedType, B: FixedType> ops::Mul<Fx<B>> for Fx<A> {
    type Output = Wide;
    /// The exact product, in ⟨W1 + W2, I1 + I2⟩.
    #[inline(always)]
    fn mul(self, b: Fx<B>) -> Wide {
        Wide::new(
            self.raw.to_i128().wrapping_mul(b.raw.to_i128()),
            Types::<A, B>::MUL,
        )
    }
}

impl<A: FixedType, B: FixedType> ops::Add<Fx<B>> for Fx<A> {
    type Output = Wide;
    /// The exact sum.
    #[inline(always)]
    fn add(self, b: Fx<B>) -> Wide {
        let f = Types::<A, B>::ADD;
        let raw = super::arith::add_raw(
            self.raw.to_i128(),
            A::FORMAT.frac_bits(),
            b.raw.to_i128(),
            B::FORMAT.frac_bits(),
            f.frac_bits(),
            false,
        );
        Wide::new(raw, f)
    }
}

impl<A: FixedType, B: FixedType> ops::Sub<Fx<B>> for Fx<A> {
    type Output = Wide;
    /// The exact difference (always signed).
    #[inline(always)]
    fn sub(self, b: Fx<B>) -> Wide {
        let f = Types::<A, B>::SUB;
        let raw = super::arith::add_raw(
            self.raw.to_i128(),
            A::FORMAT.frac_bits(),
            b.raw.to_i128(),
            B::FORMAT.frac_bits(),
            f.frac_bits(),
            true,
        );
        Wide::new(raw, f)
    }
}

impl<A: FixedType, B: FixedType> ops::Div<Fx<B>> for Fx<A> {
    type Output = Wide;
    /// The header's truncating quotient ([`Wide::div`]). Division by zero (undefined in
    /// C++, a trap in `ac_fixed`) gives the
    /// result type's largest value for a ≥ 0 and its smallest for a < 0.
    #[inline]
    fn div(self, b: Fx<B>) -> Wide {
        let f = Types::<A, B>::DIV;
        let q = super::arith::div_raw(
            self.raw.to_i128(),
            Self::FORMAT.wide(),
            b.raw.to_i128(),
            Fx::<B>::FORMAT.wide(),
        );
        match q {
            Some(q) => Wide::new(q, f),
            None => {
                let w = f.width();
                let neg = self.raw.to_i128() < 0;
                let raw = match (f.is_signed(), neg) {
                    (true, true) => i128::MIN >> (128 - w),
                    (true, false) => i128::MAX >> (128 - w),
                    (false, _) => (u128::MAX >> (128 - w)) as i128,
                };
                Wide::new(raw, f)
            }
        }
    }
}

impl<A: FixedType> ops::Neg for Fx<A> {
    type Output = Wide;
    /// The exact negation, in ⟨W + 1, I + 1⟩ (signed).
    #[inline(always)]
    fn neg(self) -> Wide {
        match Wide::neg(&self.wide()) {
            Ok(w) => w,
            // W + 1 ≤ 65 always fits.
            Err(_) => self.wide(),
        }
    }
}

impl<A: FixedType> ops::Shl<u32> for Fx<A> {
    type Output = Fx<A>;
    /// Shifts the raw bits left, keeping the type (wrapping, no saturation).
    #[inline(always)]
    fn shl(self, n: u32) -> Fx<A> {
        Fx::from_u64(Self::FORMAT.shl(self.to_bits(), n))
    }
}

impl<A: FixedType> ops::Shr<u32> for Fx<A> {
    type Output = Fx<A>;
    /// Shifts the raw bits right, keeping the type (arithmetic when signed, no rounding).
    #[inline(always)]
    fn shr(self, n: u32) -> Fx<A> {
        Fx::from_u64(Self::FORMAT.shr(self.to_bits(), n))
    }
}

impl<A: FixedType> ops::ShlAssign<u32> for Fx<A> {
    fn shl_assign(&mut self, n: u32) {
        *self = *self << n;
    }
}

impl<A: FixedType> ops::ShrAssign<u32> for Fx<A> {
    fn shr_assign(&mut self, n: u32) {
        *self = *self >> n;
    }
}

impl<A: FixedType> ops::AddAssign<Wide> for Fx<A> {
    /// `a = A(a + b)`, exact whatever the types (no 128-bit limit).
    #[inline(always)]
    fn add_assign(&mut self, b: Wide) {
        *self = Self::from_u64(Self::FORMAT.add_assign(self.to_bits(), &b));
    }
}

impl<A: FixedType> ops::SubAssign<Wide> for Fx<A> {
    /// `a = A(a − b)`, exact whatever the types.
    #[inline(always)]
    fn sub_assign(&mut self, b: Wide) {
        *self = Self::from_u64(Self::FORMAT.sub_assign(self.to_bits(), &b));
    }
}

impl<A: FixedType, B: FixedType> ops::AddAssign<Fx<B>> for Fx<A> {
    /// `a = A(a + b)` (an `ap_int` target takes the integer part of b first, as the
    /// header does).
    #[inline(always)]
    fn add_assign(&mut self, b: Fx<B>) {
        if A::FORMAT.family() != super::Family::ApInt
            && A::FORMAT.wide().add(B::FORMAT.wide()).is_ok()
        {
            *self = Self::from_wide(*self + b);
        } else {
            *self += b.wide();
        }
    }
}

impl<A: FixedType, B: FixedType> ops::SubAssign<Fx<B>> for Fx<A> {
    /// `a = A(a − b)`.
    #[inline(always)]
    fn sub_assign(&mut self, b: Fx<B>) {
        if A::FORMAT.family() != super::Family::ApInt
            && A::FORMAT.wide().sub(B::FORMAT.wide()).is_ok()
        {
            *self = Self::from_wide(*self - b);
        } else {
            *self -= b.wide();
        }
    }
}

impl<A: FixedType, B: FixedType> ops::MulAssign<Fx<B>> for Fx<A> {
    /// `a = A(a × b)`.
    #[inline(always)]
    fn mul_assign(&mut self, b: Fx<B>) {
        if A::FORMAT.family() != super::Family::ApInt {
            *self = Self::from_wide(*self * b);
        } else {
            *self = Self::from_u64(Self::FORMAT.mul_assign(self.to_bits(), &b.wide()));
        }
    }
}

impl<A: FixedType, B: FixedType> ops::DivAssign<Fx<B>> for Fx<A> {
    /// `a = A(a ÷ b)` (division by zero as for `/`).
    #[inline]
    fn div_assign(&mut self, b: Fx<B>) {
        *self = Self::from_wide(*self / b);
    }
}

impl<A: FixedType, B: FixedType> PartialEq<Fx<B>> for Fx<A> {
    fn eq(&self, other: &Fx<B>) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl<A: FixedType, B: FixedType> PartialOrd<Fx<B>> for Fx<A> {
    fn partial_cmp(&self, other: &Fx<B>) -> Option<Ordering> {
        Some(self.wide().cmp_value(&other.wide()))
    }
}

impl<A: FixedType> Eq for Fx<A> {}

impl<A: FixedType> core::hash::Hash for Fx<A> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl<A: FixedType> Ord for Fx<A> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.raw.cmp(&other.raw)
    }
}

/// A value that the target fixed-point type cannot hold exactly (a lossless conversion
/// failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NotRepresentable;

impl fmt::Display for NotRepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value is not exactly representable in the target type")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for NotRepresentable {}

/// The bits of an exact cast, or [`NotRepresentable`].
fn exact_cast(to: &FixedFormat, from: &FixedFormat, bits: u64) -> Result<u64, NotRepresentable> {
    let r = to.cast_raw_parts(from.raw_of(bits), from.is_signed(), from.frac_bits());
    if r.status.is_ok() {
        Ok(r.value)
    } else {
        Err(NotRepresentable)
    }
}

impl<F: FixedType> Fx<F> {
    /// This value in another type if it holds it exactly.
    pub fn try_cast<G: FixedType>(self) -> Result<Fx<G>, NotRepresentable> {
        exact_cast(&Fx::<G>::FORMAT, &Self::FORMAT, self.to_bits()).map(Fx::<G>::from_u64)
    }
}

/// Lossless conversions with the `fixed` crate's types (feature `fixed`): `FixedI32<U16>`
/// is `ap_fixed<32, 16>`, `FixedU8<U8>` is `ap_ufixed<8, 0>`, and so on.
///
/// `From` a `fixed` value into a runtime [`Fixed`] always succeeds; the other directions
/// are `TryFrom`, failing with [`NotRepresentable`] unless the value is held exactly.
///
/// ```
/// use fixed::{FixedI32, types::extra::U16};
/// use lowprec::fixed::{Fixed, Fx, ApFixed};
/// let x = FixedI32::<U16>::from_num(-1.375);
/// let f = Fixed::from(x);
/// assert_eq!((f.format().to_string(), f.to_f64()), ("ap_fixed<32,16>".to_string(), -1.375));
/// let y: Fx<ApFixed<12, 4>> = x.try_into().unwrap();
/// assert_eq!(y.to_f64(), -1.375);
/// let back: FixedI32<U16> = y.try_into().unwrap();
/// assert_eq!(back, x);
/// assert!(Fx::<ApFixed<8, 6>>::try_from(x).is_err()); // 0.375 needs 3 fraction bits
/// ```
#[cfg(feature = "fixed")]
mod fixed_crate {
    use super::{FixedType, Fx, NotRepresentable, exact_cast};
    use crate::fixed::{Fixed, FixedFormat};
    use fixed::types::extra::{LeEqU8, LeEqU16, LeEqU32, LeEqU64};

    macro_rules! interop {
        ($($ty:ident<$le:ident>: $raw:ty, $w:expr, $signed:expr;)*) => {$(
            impl<Frac: $le> From<fixed::$ty<Frac>> for Fixed {
                fn from(x: fixed::$ty<Frac>) -> Fixed {
                    let f = FixedFormat::plain(
                        $w,
                        $w - fixed::$ty::<Frac>::FRAC_NBITS as i32,
                        $signed,
                    );
                    Fixed::from_raw(f, x.to_bits() as i128)
                }
            }
            impl<Frac: $le> TryFrom<Fixed> for fixed::$ty<Frac> {
                type Error = NotRepresentable;
                fn try_from(v: Fixed) -> Result<Self, NotRepresentable> {
                    let f = FixedFormat::plain(
                        $w,
                        $w - fixed::$ty::<Frac>::FRAC_NBITS as i32,
                        $signed,
                    );
                    let bits = exact_cast(&f, &v.format(), v.to_bits())?;
                    Ok(Self::from_bits(f.raw_of(bits) as $raw))
                }
            }
            impl<Frac: $le, F: FixedType> TryFrom<fixed::$ty<Frac>> for Fx<F> {
                type Error = NotRepresentable;
                fn try_from(x: fixed::$ty<Frac>) -> Result<Self, NotRepresentable> {
                    let v = Fixed::from(x);
                    exact_cast(&Self::FORMAT, &v.format(), v.to_bits()).map(Self::from_bits)
                }
            }
            impl<Frac: $le, F: FixedType> TryFrom<Fx<F>> for fixed::$ty<Frac> {
                type Error = NotRepresentable;
                fn try_from(x: Fx<F>) -> Result<Self, NotRepresentable> {
                    Self::try_from(x.to_fixed())
                }
            }
        )*};
    }

    interop! {
        FixedI8<LeEqU8>: i8, 8, true;
        FixedI16<LeEqU16>: i16, 16, true;
        FixedI32<LeEqU32>: i32, 32, true;
        FixedI64<LeEqU64>: i64, 64, true;
        FixedU8<LeEqU8>: u8, 8, false;
        FixedU16<LeEqU16>: u16, 16, false;
        FixedU32<LeEqU32>: u32, 32, false;
        FixedU64<LeEqU64>: u64, 64, false;
    }
}
