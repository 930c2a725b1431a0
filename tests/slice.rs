//! The slice kernels (`lowprec::float::slice`) against the exact path.
//!
//! Every slice function must give, element for element, what the scalar conversions give
//! (`FloatFormat::from_f32`/`from_f64`, then `to_f32`/`to_f64` for quantized values),
//! which go through `FloatFormat::round`, the exact reference. The fast paths are
//! shortcuts (integer bit tricks and the host's own RNE addition), so they are checked
//! where they could go wrong:
//!
//! - **boundaries**: every host value within ±2 ulps of every representable value and of
//!   every midpoint between neighbours (and of the overflow threshold), both signs, for
//!   every code of every ≤ 17-bit format and a dense sample of wider ones — the only
//!   places where the exact rounding can jump, in every deterministic mode and overflow
//!   policy;
//! - **dense sweep**: every 65521st f32 bit pattern, random f64 bit patterns, random
//!   values near the format's range, and the host specials;
//! - **random formats**: a few hundred random descriptors (any exponent and fraction
//!   widths, bias, specials, subnormals on/off, signed/unsigned);
//! - **stochastic modes**: the same codes and the same generator state as the scalar path
//!   fed the same random stream, for every rule and several bit counts;
//! - **decoding**: every code of every ≤ 16-bit format, with junk above the format's
//!   width, into `f32` and `f64`;
//! - **API**: every length 0..=70 (vector tails), errors, in-place and narrow code types.
//!
//! With `LOWPREC_LONG=1`, all 2^32 `f32` bit patterns go through the kernels of the 8-
//! and 16-bit presets in every deterministic mode (and of the 8- to 16-bit custom formats
//! above in two; `LOWPREC_LONG_FORMATS=e4m3fn,fp16` restricts the sweep to some formats). Comparing each with the exact path
//! would take minutes per mode, so the sweep checks instead that the kernel's result is
//! monotone in |x| (by magnitude code, NaN results only where the exact path gives them)
//! with the right sign; together with the boundary test, which pins the kernel to the
//! exact path on both sides of every point where the exact rounding can change, that
//! proves equality on every input: between two pinned neighbours the exact result is
//! constant, and a monotone function equal to it at both ends is too. The three headline
//! kernels (f32 → E4M3FN, fp16, bf16, round-to-nearest-even) are also compared with the
//! exact path directly on all 2^32 inputs.

use lowprec::float::Class;
use lowprec::float::slice::{self, Code, SliceError};
use lowprec::rounding::{SrKind, Stochastic};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};

const OVERFLOWS: [Overflow; 3] = [Overflow::Ieee, Overflow::SatFinite, Overflow::SatPropagate];

fn long() -> bool {
    std::env::var("LOWPREC_LONG").is_ok_and(|v| v != "0" && !v.is_empty())
}

/// The presets and custom formats that reach every branch of the kernels: m = 0
/// (P3109 parity rule), no subnormals, biases away from the IEEE default (narrower and
/// wider ranges than the host's), s = 0 (as many fraction bits as f32), formats wider
/// than f32, FNUZ/finite/P3109 specials, unsigned and no-zero formats (exact path).
fn formats() -> Vec<(String, FloatFormat)> {
    let mut v: Vec<(String, FloatFormat)> = FloatFormat::PRESETS
        .iter()
        .map(|(n, f)| (n.to_string(), *f))
        .collect();
    for name in [
        "e5m0",
        "e3m0",
        "e4m3:nosub",
        "e5m2:nosub",
        "e2m1:nosub",
        "e8m7:bias=100",
        "e8m7:bias=140",
        "e4m3:bias=-5",
        "e5m10:bias=20",
        "e6m9:nosub",
        "e3m2:fnuz",
        "e4m3:fn:nosub",
        "e1m2",
        "e1m5:finite",
        "e2m0:finite",
        "e5m23",
        "e8m22",
        "e8m10:bias=126",
        "e9m10",
        "e9m10:bias=127",
        "e11m10",
        "e10m20",
        "e11m40",
        "e5m2:p3109e",
        "e4m3:p3109f:bias=8",
        "e4m3:unsigned",
        "e4m3:unsigned:fn",
        "e8m0:nosub",
        "binary8p1se",
        "binary8p1sf",
        "binary8p2se",
        "binary8p3se",
        "binary8p4sf",
        "binary8p5se",
        "binary8p3ue",
        "binary16p11se",
        "binary12p4sf",
    ] {
        let f: FloatFormat = name.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
        v.push((name.to_string(), f));
    }
    v
}

fn small(fmt: &FloatFormat) -> bool {
    fmt.width() <= 17
}

// ---------------------------------------------------------------------------------------
// Input sets
// ---------------------------------------------------------------------------------------

/// Magnitude codes whose values and midpoints are the rounding boundaries: all of them
/// for ≤ 17-bit formats, else every exponent with the fractions next to 0, ½ and 1.
fn boundary_codes(fmt: &FloatFormat, rng: &mut SplitMix64) -> Vec<u64> {
    let max = fmt.max_mag();
    if small(fmt) {
        return (0..=max).collect();
    }
    let m = fmt.man_bits();
    let fmax = (1u64 << m) - 1;
    let mut out = Vec::new();
    for e in 0..(1u64 << fmt.exp_bits()) {
        let mut fr = vec![0, 1, 2, 3, fmax, fmax - 1, fmax.saturating_sub(2)];
        if m >= 2 {
            let half = 1u64 << (m - 1);
            fr.extend([half - 1, half, half + 1]);
        }
        fr.push(rng.next_u64() & fmax);
        for f in fr {
            let c = (e << m) | (f & fmax);
            if c <= max {
                out.push(c);
            }
        }
    }
    out.push(max);
    out.sort_unstable();
    out.dedup();
    out
}

/// The positive rounding boundaries of `fmt` as f64: every value and every midpoint
/// between neighbours (for max, the midpoint to the next value of an unbounded range).
fn boundary_points(fmt: &FloatFormat, rng: &mut SplitMix64) -> Vec<f64> {
    let max = fmt.max_mag();
    let m = fmt.man_bits() as i32;
    let mut pts = Vec::new();
    for c in boundary_codes(fmt, rng) {
        if fmt.classify(c) == Class::Nan {
            continue;
        }
        let v = fmt.to_f64(c);
        let next = if c < max {
            fmt.to_f64(c + 1)
        } else {
            v + 2f64.powi(fmt.emax() - m)
        };
        pts.push(v);
        if v.is_finite() && next.is_finite() {
            pts.push(v + (next - v) / 2.0);
        }
        if c == max && next.is_finite() {
            pts.push(next);
        }
    }
    pts
}

/// Host neighbours: for every boundary t, the 7 host values around t rounded to the host
/// type (±3 bit patterns, which covers ±2 ulps on either side of t), both signs.
fn around<T: HostFloat>(pts: &[f64]) -> Vec<T> {
    let mut out = Vec::with_capacity(pts.len() * 14);
    for &t in pts {
        let h = T::from_f64(t);
        if !h.is_finite() {
            out.push(T::max_finite());
            out.push(T::infinity());
            continue;
        }
        let b = h.bits();
        for k in -3i64..=3 {
            let Some(nb) = b.checked_add_signed(k) else {
                continue;
            };
            let x = T::from_bits(nb);
            if x.is_nan() {
                continue;
            }
            out.push(x);
            out.push(x.neg());
        }
    }
    out
}

/// Host specials: zeros, infinities, NaNs (quiet, signalling, payloads, both signs),
/// the extremes of the host range.
fn specials<T: HostFloat>() -> Vec<T> {
    let mut v = vec![
        T::zero(),
        T::infinity(),
        T::from_f64(1.0),
        T::max_finite(),
        T::min_positive_normal(),
        T::from_bits(1),
        T::from_bits(2),
        T::from_bits(T::exp_mask() - 1),
    ];
    let inf = T::infinity().bits();
    let man = T::abs_mask() ^ T::exp_mask();
    for nan in [inf + 1, inf | (man + 1) >> 1, inf + 12345, inf | man] {
        v.push(T::from_bits(nan));
    }
    let neg: Vec<T> = v.iter().map(|x| x.neg()).collect();
    v.extend(neg);
    v
}

/// Every 65521st f32 bit pattern (from a random start).
fn f32_stride(rng: &mut SplitMix64) -> Vec<f32> {
    let start = rng.next_u64() as u32 % 65521;
    (0..u32::MAX / 65521)
        .map(|i| f32::from_bits(start + i * 65521))
        .collect()
}

/// Random bit patterns, and random values spread over the format's range (log-uniform,
/// so every binade, the subnormals and the overflow region are hit).
fn random_inputs<T: HostFloat>(fmt: &FloatFormat, n: usize, rng: &mut SplitMix64) -> Vec<T> {
    let lo = fmt.min_subnormal().log2().max(T::min_exp() as f64) - 4.0;
    let hi = fmt.max_value().log2().min(T::max_exp() as f64) + 2.0;
    let mut v = Vec::with_capacity(2 * n);
    for _ in 0..n {
        v.push(T::from_bits_u64(rng.next_u64()));
        let u = (rng.next_u64() >> 11) as f64 * 2f64.powi(-53);
        let e = lo + (hi - lo) * u;
        let mant = 1.0 + (rng.next_u64() >> 11) as f64 * 2f64.powi(-53);
        let x = T::from_f64(mant * e.exp2());
        v.push(if rng.next_u64() & 1 == 1 { x.neg() } else { x });
    }
    v
}

// ---------------------------------------------------------------------------------------
// Host types
// ---------------------------------------------------------------------------------------

trait HostFloat: Copy + PartialEq + std::fmt::Debug + Send + Sync + 'static {
    fn bits(self) -> u64;
    fn from_bits(b: u64) -> Self;
    fn from_bits_u64(b: u64) -> Self;
    fn from_f64(x: f64) -> Self;
    fn neg(self) -> Self;
    fn is_nan(self) -> bool;
    fn is_finite(self) -> bool;
    fn zero() -> Self;
    fn infinity() -> Self;
    fn max_finite() -> Self;
    fn min_positive_normal() -> Self;
    fn exp_mask() -> u64;
    fn abs_mask() -> u64;
    fn min_exp() -> i32;
    fn max_exp() -> i32;
    /// The exact code, and the exact path's quantized value's bits.
    fn exact(
        fmt: &FloatFormat,
        x: Self,
        mode: Rounding,
        ov: Overflow,
        rng: &mut dyn RandomBits,
    ) -> u64;
    fn value(fmt: &FloatFormat, code: u64) -> u64;
    fn encode<C: Code>(
        fmt: &FloatFormat,
        src: &[Self],
        dst: &mut [C],
        mode: Rounding,
        ov: Overflow,
        rng: &mut dyn RandomBits,
    ) -> Result<(), SliceError>;
    fn quantize_to(
        fmt: &FloatFormat,
        src: &[Self],
        dst: &mut [Self],
        mode: Rounding,
        ov: Overflow,
        rng: &mut dyn RandomBits,
    ) -> Result<(), SliceError>;
    fn quantize(
        fmt: &FloatFormat,
        xs: &mut [Self],
        mode: Rounding,
        ov: Overflow,
        rng: &mut dyn RandomBits,
    );
    fn decode<C: Code>(fmt: &FloatFormat, src: &[C], dst: &mut [Self]) -> Result<(), SliceError>;
    const NAME: &'static str;
}

macro_rules! host {
    ($t:ty, $u:ty, $name:literal, $from:ident, $to:ident, $enc:ident, $qto:ident, $q:ident, $dec:ident) => {
        impl HostFloat for $t {
            const NAME: &'static str = $name;
            fn bits(self) -> u64 {
                self.to_bits() as u64
            }
            fn from_bits(b: u64) -> Self {
                <$t>::from_bits(b as $u)
            }
            fn from_bits_u64(b: u64) -> Self {
                <$t>::from_bits((b >> (64 - <$u>::BITS)) as $u)
            }
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            fn neg(self) -> Self {
                -self
            }
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            fn zero() -> Self {
                0.0
            }
            fn infinity() -> Self {
                <$t>::INFINITY
            }
            fn max_finite() -> Self {
                <$t>::MAX
            }
            fn min_positive_normal() -> Self {
                <$t>::MIN_POSITIVE
            }
            fn exp_mask() -> u64 {
                <$t>::INFINITY.to_bits() as u64
            }
            fn abs_mask() -> u64 {
                (<$u>::MAX >> 1) as u64
            }
            fn min_exp() -> i32 {
                <$t>::MIN_EXP - <$t>::MANTISSA_DIGITS as i32
            }
            fn max_exp() -> i32 {
                <$t>::MAX_EXP
            }
            fn exact(
                fmt: &FloatFormat,
                x: Self,
                mode: Rounding,
                ov: Overflow,
                rng: &mut dyn RandomBits,
            ) -> u64 {
                fmt.$from(x, Round::new(mode, ov), rng).value
            }
            fn value(fmt: &FloatFormat, code: u64) -> u64 {
                fmt.$to(code).to_bits() as u64
            }
            fn encode<C: Code>(
                fmt: &FloatFormat,
                src: &[Self],
                dst: &mut [C],
                mode: Rounding,
                ov: Overflow,
                rng: &mut dyn RandomBits,
            ) -> Result<(), SliceError> {
                slice::$enc(fmt, src, dst, Round::new(mode, ov), rng)
            }
            fn quantize_to(
                fmt: &FloatFormat,
                src: &[Self],
                dst: &mut [Self],
                mode: Rounding,
                ov: Overflow,
                rng: &mut dyn RandomBits,
            ) -> Result<(), SliceError> {
                slice::$qto(fmt, src, dst, Round::new(mode, ov), rng)
            }
            fn quantize(
                fmt: &FloatFormat,
                xs: &mut [Self],
                mode: Rounding,
                ov: Overflow,
                rng: &mut dyn RandomBits,
            ) {
                slice::$q(fmt, xs, Round::new(mode, ov), rng)
            }
            fn decode<C: Code>(
                fmt: &FloatFormat,
                src: &[C],
                dst: &mut [Self],
            ) -> Result<(), SliceError> {
                slice::$dec(fmt, src, dst)
            }
        }
    };
}
host!(
    f32,
    u32,
    "f32",
    from_f32_with,
    to_f32,
    encode_f32_with,
    quantize_f32_to_with,
    quantize_f32_with,
    decode_to_f32
);
host!(
    f64,
    u64,
    "f64",
    from_f64_with,
    to_f64,
    encode_f64_with,
    quantize_f64_to_with,
    quantize_f64_with,
    decode_to_f64
);

// ---------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------

/// The exact value bits of every code of a ≤ 17-bit format (a lookup table), else none.
fn value_table<T: HostFloat>(fmt: &FloatFormat) -> Option<Vec<u64>> {
    small(fmt).then(|| (0..1u64 << fmt.width()).map(|c| T::value(fmt, c)).collect())
}

/// Compares encode (into u64 codes) and quantize (out of place) with the exact path on
/// `xs` in one deterministic mode; returns the number of elements checked.
fn check<T: HostFloat>(
    name: &str,
    fmt: &FloatFormat,
    mode: Rounding,
    ov: Overflow,
    xs: &[T],
    table: Option<&[u64]>,
) -> usize {
    let mut rng = SplitMix64::new(0);
    let mut codes = vec![0u64; xs.len()];
    T::encode(fmt, xs, &mut codes, mode, ov, &mut rng).unwrap();
    let mut values = vec![T::zero(); xs.len()];
    T::quantize_to(fmt, xs, &mut values, mode, ov, &mut rng).unwrap();
    let mut bad = 0;
    for (i, &x) in xs.iter().enumerate() {
        let code = T::exact(fmt, x, mode, ov, &mut rng);
        let value = match table {
            Some(t) => t[code as usize],
            None => T::value(fmt, code),
        };
        if codes[i] != code || values[i].bits() != value {
            bad += 1;
            if bad <= 5 {
                eprintln!(
                    "{name} {} {mode} {ov}: x = {x:?} ({:#x}): exact code {code:#x} value {value:#x}, \
                     slice code {:#x} value {:#x}",
                    T::NAME,
                    x.bits(),
                    codes[i],
                    values[i].bits()
                );
            }
        }
    }
    assert_eq!(
        bad,
        0,
        "{name} {} {mode} {ov}: {bad} of {} differ",
        T::NAME,
        xs.len()
    );
    xs.len()
}

/// Boundary neighbourhoods, specials and random inputs of `fmt` in every deterministic
/// mode and overflow policy.
fn check_format<T: HostFloat>(name: &str, fmt: &FloatFormat, extra: &[T]) -> usize {
    let mut rng = SplitMix64::new(fmt.width() as u64 * 1000 + fmt.man_bits() as u64);
    let mut pts = boundary_points(fmt, &mut rng);
    if !small(fmt) {
        // Wide formats: a sample of every binade's boundaries.
        let keep = (pts.len() / 6000).max(1);
        pts = pts.into_iter().step_by(keep).collect();
    }
    let mut xs = around::<T>(&pts);
    xs.extend(specials::<T>());
    xs.extend(random_inputs::<T>(fmt, 2000, &mut rng));
    xs.extend_from_slice(extra);
    // The overflow policy only matters at the top of the range and for specials: the
    // saturating policies get the inputs above max/4 and a sixteenth of the rest.
    let quarter = T::from_f64(fmt.max_value() / 4.0).bits();
    let top: Vec<T> = xs
        .iter()
        .enumerate()
        .filter(|&(i, x)| x.bits() & T::abs_mask() >= quarter || i % 16 == 0)
        .map(|(_, x)| *x)
        .collect();
    let table = value_table::<T>(fmt);
    let mut n = 0;
    for mode in Rounding::DETERMINISTIC {
        n += check(name, fmt, mode, Overflow::Ieee, &xs, table.as_deref());
        for ov in [Overflow::SatFinite, Overflow::SatPropagate] {
            n += check(name, fmt, mode, ov, &top, table.as_deref());
        }
    }
    n
}

#[test]
fn f32_every_format_mode_and_policy() {
    let t = std::time::Instant::now();
    let mut rng = SplitMix64::new(32);
    let stride = f32_stride(&mut rng);
    let mut n = 0;
    for (name, fmt) in formats() {
        // The full stride for the formats the kernels serve most; a sixteenth elsewhere.
        let hot = ["e4m3fn", "e5m2", "fp16", "bf16", "e2m1", "e4m3fnuz"].contains(&name.as_str());
        let extra: Vec<f32> = if hot {
            stride.clone()
        } else {
            stride.iter().step_by(16).copied().collect()
        };
        n += check_format::<f32>(&name, &fmt, &extra);
    }
    eprintln!("f32: {n} conversions checked in {:?}", t.elapsed());
}

#[test]
fn f64_every_format_mode_and_policy() {
    let t = std::time::Instant::now();
    let mut n = 0;
    for (name, fmt) in formats() {
        // f64 inputs that sit near f32 ties: a rounding through f32 first would land on
        // the tie (the double rounding ml_dtypes does), the exact path does not.
        let mut rng = SplitMix64::new(64);
        let extra: Vec<f64> = boundary_points(&fmt, &mut rng)
            .iter()
            .filter(|t| t.is_finite() && **t > 0.0)
            .step_by(7)
            .flat_map(|&t| [t * (1.0 + 2f64.powi(-40)), t * (1.0 - 2f64.powi(-40))])
            .collect();
        n += check_format::<f64>(&name, &fmt, &extra);
    }
    eprintln!("f64: {n} conversions checked in {:?}", t.elapsed());
}

/// Random descriptors: any widths, bias, specials, subnormals, sign.
fn random_formats(n: usize, rng: &mut SplitMix64) -> Vec<FloatFormat> {
    use lowprec::float::{FloatParams, Specials};
    let mut out = Vec::new();
    while out.len() < n {
        let r = rng.next_u64();
        let e = 1 + (r % 11) as u32;
        let m = ((r >> 8) % 53) as u32;
        let m = if r >> 60 < 12 { m % 24 } else { m };
        let default_bias = (1i32 << (e - 1)) - 1;
        let bias = match (r >> 16) % 4 {
            0 => default_bias + ((r >> 20) % 9) as i32 - 4,
            1 => ((r >> 20) % 300) as i32 - 100,
            _ => default_bias,
        };
        let specials = match (r >> 32) % 6 {
            0 => Specials::FiniteNan,
            1 => Specials::Fnuz,
            2 => Specials::Finite,
            3 => Specials::P3109 {
                extended: (r >> 40) & 1 == 1,
            },
            _ => Specials::Ieee,
        };
        let subnormals = (r >> 44) % 5 != 0;
        let signed = (r >> 48) % 7 != 0;
        if let Ok(f) = FloatFormat::new(FloatParams {
            exp_bits: e,
            man_bits: m,
            bias,
            specials,
            subnormals,
            signed,
        }) {
            out.push(f);
        }
    }
    out
}

#[test]
fn random_formats_every_mode() {
    let mut rng = SplitMix64::new(2026);
    let mut n = 0;
    for fmt in random_formats(300, &mut rng) {
        let name = fmt.to_string();
        let mut pts = boundary_points(&fmt, &mut rng);
        // A sample of the boundaries keeps wide formats quick.
        let keep = (pts.len() / 400).max(1);
        pts = pts.into_iter().step_by(keep).collect();
        let mut xs32 = around::<f32>(&pts);
        xs32.extend(specials::<f32>());
        xs32.extend(random_inputs::<f32>(&fmt, 300, &mut rng));
        let mut xs64 = around::<f64>(&pts);
        xs64.extend(specials::<f64>());
        xs64.extend(random_inputs::<f64>(&fmt, 300, &mut rng));
        for mode in Rounding::DETERMINISTIC {
            let ov = OVERFLOWS[(rng.next_u64() % 3) as usize];
            n += check::<f32>(&name, &fmt, mode, ov, &xs32, None);
            n += check::<f64>(&name, &fmt, mode, ov, &xs64, None);
        }
    }
    eprintln!("random formats: {n} conversions checked");
}

// ---------------------------------------------------------------------------------------
// Stochastic rounding: the same codes and the same random stream as the scalar path
// ---------------------------------------------------------------------------------------

/// A generator that overrides `bits` (as a hardware LFSR model might), to show the
/// slices ask for `bits(n)` exactly as the scalar path does.
struct Counter(u64);

impl RandomBits for Counter {
    fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }
    fn bits(&mut self, n: u32) -> u64 {
        // Deliberately not the top bits of next_u64.
        self.next_u64() & (u64::MAX >> (64 - n.clamp(1, 64)))
    }
}

fn check_sr<T: HostFloat>(name: &str, fmt: &FloatFormat, mode: Rounding, ov: Overflow, xs: &[T]) {
    for seed in [1u64, 99] {
        // Slice and scalar with identical generators.
        let (mut a, mut b) = (Counter(seed), Counter(seed));
        let mut codes = vec![0u64; xs.len()];
        T::encode(fmt, xs, &mut codes, mode, ov, &mut a).unwrap();
        let exact: Vec<u64> = xs
            .iter()
            .map(|&x| T::exact(fmt, x, mode, ov, &mut b))
            .collect();
        let bad = codes.iter().zip(&exact).filter(|(c, e)| c != e).count();
        assert_eq!(
            bad,
            0,
            "{name} {} {mode:?} {ov}: {bad} codes differ",
            T::NAME
        );
        assert_eq!(
            a.0,
            b.0,
            "{name} {} {mode:?} {ov}: generator states differ",
            T::NAME
        );

        // Quantize, in place and out of place, against the scalar path's values.
        let (mut a, mut b) = (SplitMix64::new(seed), SplitMix64::new(seed));
        let mut vals = xs.to_vec();
        T::quantize(fmt, &mut vals, mode, ov, &mut a);
        for (i, &x) in xs.iter().enumerate() {
            let want = T::value(fmt, T::exact(fmt, x, mode, ov, &mut b));
            assert_eq!(
                vals[i].bits(),
                want,
                "{name} {} {mode:?} {ov}: x = {x:?}",
                T::NAME
            );
        }
        assert_eq!(
            a.next_u64(),
            b.next_u64(),
            "{name}: generator states differ"
        );
        let (mut a, mut b) = (SplitMix64::new(seed), SplitMix64::new(seed));
        let mut out = vec![T::zero(); xs.len()];
        T::quantize_to(fmt, xs, &mut out, mode, ov, &mut a).unwrap();
        assert!(out.iter().zip(&vals).all(|(p, q)| p.bits() == q.bits()));
        T::quantize(fmt, &mut xs.to_vec(), mode, ov, &mut b);
        assert_eq!(a, b, "{name}: out of place and in place draw differently");
    }
}

fn sr_modes() -> Vec<Rounding> {
    let mut v = Vec::new();
    for kind in [
        SrKind::Proportional,
        SrKind::Equal,
        SrKind::P3109A,
        SrKind::P3109B,
        SrKind::P3109C,
    ] {
        for bits in [1u8, 2, 5, 8, 13, 23, 24, 32, 52, 53, 63, 64] {
            v.push(Rounding::Stochastic(Stochastic { kind, bits }));
        }
    }
    v
}

#[test]
fn stochastic_same_stream_as_scalar() {
    let mut rng = SplitMix64::new(5);
    let modes = sr_modes();
    for (name, fmt) in formats() {
        let mut pts = boundary_points(&fmt, &mut rng);
        let keep = (pts.len() / 300).max(1);
        pts = pts.into_iter().step_by(keep).collect();
        let mut xs32 = around::<f32>(&pts);
        xs32.extend(specials::<f32>());
        xs32.extend(random_inputs::<f32>(&fmt, 500, &mut rng));
        let mut xs64 = around::<f64>(&pts);
        xs64.extend(specials::<f64>());
        xs64.extend(random_inputs::<f64>(&fmt, 500, &mut rng));
        for (i, &mode) in modes.iter().enumerate() {
            let ov = OVERFLOWS[i % 3];
            check_sr::<f32>(&name, &fmt, mode, ov, &xs32);
            check_sr::<f64>(&name, &fmt, mode, ov, &xs64);
        }
    }
}

#[test]
fn stochastic_slices_are_unbiased() {
    // 1 + 2⁻¹² lies a quarter of the way from 1 to the next fp16 value (1 + 2⁻¹⁰).
    let xs = vec![1.0f64 + 2f64.powi(-12); 100_000];
    let mut out = vec![0f64; xs.len()];
    let mut rng = SplitMix64::new(11);
    slice::quantize_f64_to_with(
        &FloatFormat::FP16,
        &xs,
        &mut out,
        Round::new(Rounding::SR, Overflow::Ieee),
        &mut rng,
    )
    .unwrap();
    let up = out.iter().filter(|&&v| v > 1.0).count() as f64 / xs.len() as f64;
    assert!((up - 0.25).abs() < 0.01, "P(up) = {up}");
    let mean = out.iter().sum::<f64>() / out.len() as f64;
    assert!((mean - xs[0]).abs() < 2e-6, "mean {mean}");
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

fn check_decode<T: HostFloat, C: Code + TryFrom<u64>>(
    name: &str,
    fmt: &FloatFormat,
    codes: &[u64],
) {
    if fmt.width() > C::BITS {
        let src: Vec<C> = Vec::new();
        let mut dst: Vec<T> = Vec::new();
        assert!(matches!(
            T::decode(fmt, &src, &mut dst),
            Err(SliceError::CodeTooNarrow { .. })
        ));
        return;
    }
    // Junk above the format's width must be ignored.
    let junk = if C::BITS > fmt.width() {
        u64::MAX >> (64 - C::BITS) & !fmt.code_mask()
    } else {
        0
    };
    let src: Vec<C> = codes
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let c = if i % 2 == 1 {
                c | (junk & (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            } else {
                c
            };
            C::try_from(c).ok().unwrap()
        })
        .collect();
    let mut dst = vec![T::zero(); src.len()];
    T::decode(fmt, &src, &mut dst).unwrap();
    for (&c, d) in src.iter().zip(&dst) {
        let want = T::value(fmt, c.to_u64());
        assert_eq!(d.bits(), want, "{name} {} code {:#x}", T::NAME, c.to_u64());
    }
}

#[test]
fn decode_every_code() {
    let mut rng = SplitMix64::new(3);
    for (name, fmt) in formats() {
        let codes: Vec<u64> = if fmt.width() <= 16 {
            (0..1u64 << fmt.width()).collect()
        } else {
            let mut v: Vec<u64> = boundary_codes(&fmt, &mut rng)
                .into_iter()
                .flat_map(|c| [c, c | fmt.sign_bit()])
                .collect();
            v.extend((0..5000).map(|_| rng.next_u64() & fmt.code_mask()));
            v.extend([
                fmt.mag_mask(),
                fmt.code_mask(),
                fmt.max_mag() + 1,
                fmt.sign_bit(),
            ]);
            v.into_iter().map(|c| c & fmt.code_mask()).collect()
        };
        check_decode::<f32, u8>(&name, &fmt, &codes);
        check_decode::<f32, u16>(&name, &fmt, &codes);
        check_decode::<f32, u32>(&name, &fmt, &codes);
        check_decode::<f32, u64>(&name, &fmt, &codes);
        check_decode::<f64, u8>(&name, &fmt, &codes);
        check_decode::<f64, u16>(&name, &fmt, &codes);
        check_decode::<f64, u32>(&name, &fmt, &codes);
        check_decode::<f64, u64>(&name, &fmt, &codes);
    }
    let mut rng = SplitMix64::new(4);
    for fmt in random_formats(300, &mut rng) {
        let codes: Vec<u64> = (0..2000)
            .map(|i| {
                let c = rng.next_u64() & fmt.code_mask();
                if i < 8 {
                    [
                        0,
                        1,
                        fmt.max_mag(),
                        fmt.max_mag() + 1,
                        fmt.sign_bit(),
                        fmt.mag_mask(),
                        fmt.code_mask(),
                        1 << fmt.man_bits(),
                    ][i] & fmt.code_mask()
                } else {
                    c
                }
            })
            .collect();
        check_decode::<f32, u64>(&fmt.to_string(), &fmt, &codes);
        check_decode::<f64, u64>(&fmt.to_string(), &fmt, &codes);
    }
}

// ---------------------------------------------------------------------------------------
// API: lengths, errors, code types, in place
// ---------------------------------------------------------------------------------------

#[test]
fn every_length_and_code_type() {
    let mut rng = SplitMix64::new(8);
    let data32: Vec<f32> = random_inputs::<f32>(&FloatFormat::E4M3FN, 40, &mut rng);
    let data64: Vec<f64> = random_inputs::<f64>(&FloatFormat::FP16, 40, &mut rng);
    for (name, fmt) in [
        ("e4m3fn", FloatFormat::E4M3FN),
        ("fp16", FloatFormat::FP16),
        ("bf16", FloatFormat::BF16),
        ("e2m1", FloatFormat::E2M1),
        ("e8m0", FloatFormat::E8M0),
        ("tf32", FloatFormat::TF32),
    ] {
        for mode in [Rounding::TiesToEven, Rounding::TowardZero, Rounding::SR] {
            for len in 0..=70 {
                for off in [0, 1, 3] {
                    let src = &data32[off..off + len];
                    let want: Vec<u64> = {
                        let mut r = SplitMix64::new(len as u64);
                        src.iter()
                            .map(|&x| {
                                fmt.from_f32_with(x, Round::new(mode, Overflow::Ieee), &mut r)
                                    .value
                            })
                            .collect()
                    };
                    macro_rules! narrow {
                        ($c:ty) => {
                            if fmt.width() <= <$c>::BITS {
                                let mut dst = vec![0 as $c; len];
                                let mut r = SplitMix64::new(len as u64);
                                slice::encode_f32_with(
                                    &fmt,
                                    src,
                                    &mut dst,
                                    Round::new(mode, Overflow::Ieee),
                                    &mut r,
                                )
                                .unwrap();
                                assert!(
                                    dst.iter().zip(&want).all(|(d, w)| *d as u64 == *w),
                                    "{name} {mode} len {len} {}",
                                    stringify!($c)
                                );
                            }
                        };
                    }
                    narrow!(u8);
                    narrow!(u16);
                    narrow!(u32);
                    narrow!(u64);
                    // In place.
                    let mut q = src.to_vec();
                    slice::quantize_f32_with(
                        &fmt,
                        &mut q,
                        Round::new(mode, Overflow::Ieee),
                        &mut SplitMix64::new(len as u64),
                    );
                    assert!(
                        q.iter()
                            .zip(&want)
                            .all(|(v, &c)| v.to_bits() == fmt.to_f32(c).to_bits()),
                        "{name} {mode} len {len} in place"
                    );
                    // f64.
                    let src64 = &data64[off..off + len];
                    let mut r = SplitMix64::new(len as u64);
                    let want64: Vec<u64> = src64
                        .iter()
                        .map(|&x| {
                            fmt.from_f64_with(x, Round::new(mode, Overflow::Ieee), &mut r)
                                .value
                        })
                        .collect();
                    let mut q64 = src64.to_vec();
                    slice::quantize_f64_with(
                        &fmt,
                        &mut q64,
                        Round::new(mode, Overflow::Ieee),
                        &mut SplitMix64::new(len as u64),
                    );
                    assert!(
                        q64.iter()
                            .zip(&want64)
                            .all(|(v, &c)| v.to_bits() == fmt.to_f64(c).to_bits()),
                        "{name} {mode} len {len} f64 in place"
                    );
                    let mut codes = vec![0u64; len];
                    slice::encode_f64_with(
                        &fmt,
                        src64,
                        &mut codes,
                        Round::new(mode, Overflow::Ieee),
                        &mut SplitMix64::new(len as u64),
                    )
                    .unwrap();
                    assert_eq!(codes, want64);
                    let mut back = vec![0f64; len];
                    slice::decode_to_f64(&fmt, &codes, &mut back).unwrap();
                    assert!(
                        back.iter()
                            .zip(&q64)
                            .all(|(a, b)| a.to_bits() == b.to_bits())
                    );
                }
            }
        }
    }
}

#[test]
fn errors() {
    let fmt = FloatFormat::FP16;
    let mut rng = SplitMix64::new(0);
    let src = [1.0f32, 2.0, 3.0];
    let mut short = [7u16; 2];
    let e = slice::encode_f32_with(&fmt, &src, &mut short, Round::NEAREST_EVEN, &mut rng);
    assert_eq!(e, Err(SliceError::LengthMismatch { src: 3, dst: 2 }));
    assert_eq!(short, [7, 7], "nothing is written on error");
    assert_eq!(
        e.unwrap_err().to_string(),
        "slice lengths differ: source has 3 elements, destination 2"
    );
    let mut narrow = [0u8; 3];
    let e = slice::encode_f32_with(&fmt, &src, &mut narrow, Round::NEAREST_EVEN, &mut rng);
    assert_eq!(
        e,
        Err(SliceError::CodeTooNarrow {
            format_bits: 16,
            code_bits: 8
        })
    );
    assert_eq!(
        e.unwrap_err().to_string(),
        "a 16-bit format does not fit in 8-bit codes"
    );
    // The width check comes first: a too-narrow code type is reported even for equal lengths.
    let e = slice::encode_f64_with(
        &FloatFormat::FP32,
        &[1.0],
        &mut [0u16],
        Round::NEAREST_EVEN,
        &mut rng,
    );
    assert_eq!(
        e,
        Err(SliceError::CodeTooNarrow {
            format_bits: 32,
            code_bits: 16
        })
    );
    let mut dst = [0f32; 2];
    assert_eq!(
        slice::quantize_f32_to_with(&fmt, &src, &mut dst, Round::NEAREST_EVEN, &mut rng),
        Err(SliceError::LengthMismatch { src: 3, dst: 2 })
    );
    assert_eq!(
        slice::quantize_f64_to_with(&fmt, &[1.0], &mut [], Round::NEAREST_EVEN, &mut rng),
        Err(SliceError::LengthMismatch { src: 1, dst: 0 })
    );
    assert_eq!(
        slice::decode_to_f32(&fmt, &[0u16; 4], &mut dst),
        Err(SliceError::LengthMismatch { src: 4, dst: 2 })
    );
    assert_eq!(
        slice::decode_to_f64(&fmt, &[0u8; 2], &mut [0f64; 2]),
        Err(SliceError::CodeTooNarrow {
            format_bits: 16,
            code_bits: 8
        })
    );
    // Empty slices are fine everywhere.
    slice::quantize_f32_with(
        &fmt,
        &mut [],
        Round::new(Rounding::SR, Overflow::Ieee),
        &mut rng,
    );
    assert_eq!(
        slice::encode_f64_with::<u64, _>(
            &FloatFormat::FP64,
            &[],
            &mut [],
            Round::new(Rounding::SR, Overflow::Ieee),
            &mut rng
        ),
        Ok(())
    );
    let err: &dyn std::error::Error = &SliceError::LengthMismatch { src: 1, dst: 2 };
    assert!(err.source().is_none());
}

#[test]
fn deterministic_modes_leave_the_generator_alone() {
    let mut rng = SplitMix64::new(77);
    let xs: Vec<f32> = (0..1000).map(|i| i as f32 * 0.013 - 6.0).collect();
    let mut codes = vec![0u8; xs.len()];
    for mode in Rounding::DETERMINISTIC {
        slice::encode_f32_with(
            &FloatFormat::E4M3FN,
            &xs,
            &mut codes,
            Round::new(mode, Overflow::Ieee),
            &mut rng,
        )
        .unwrap();
    }
    assert_eq!(rng, SplitMix64::new(77));
}

// ---------------------------------------------------------------------------------------
// LOWPREC_LONG: all 2^32 f32 inputs
// ---------------------------------------------------------------------------------------

/// The kernel's results on all 2^32 inputs, checked for monotonicity and signs (see the
/// module docs: with the boundary test this proves equality with the exact path).
///
/// For each sign, |x| runs upward through every finite pattern: the code's rank
/// (its magnitude; NaN above everything) and the value's rank (|bits|; NaN above) must
/// never decrease, a NaN result must be the exact path's overflow result, and the sign
/// must be the input's (a zero of a format without −0 has none). NaN and ±∞ inputs must
/// give the exact path's results.
fn monotone_sweep(name: &str, fmt: &FloatFormat, mode: Rounding, ov: Overflow) {
    let exact = |x: f64| {
        fmt.from_f64_with(x, Round::new(mode, ov), &mut SplitMix64::new(0))
            .value
    };
    // Per code: its rank, and 0/1 for its sign bit or 2 for a zero without a sign.
    let codes = 1usize << fmt.width();
    let rank: Vec<u32> = (0..codes as u64)
        .map(|c| {
            if fmt.classify(c) == Class::Nan {
                u32::MAX
            } else {
                fmt.split(c).1 as u32
            }
        })
        .collect();
    let sign: Vec<u8> = (0..codes as u64)
        .map(|c| match fmt.split(c) {
            (false, 0) if !fmt.has_neg_zero() => 2,
            (neg, _) => neg as u8,
        })
        .collect();
    let (rank, sign) = (&rank, &sign);
    std::thread::scope(|s| {
        for neg in [false, true] {
            s.spawn(move || {
                let sbit = if neg { 0x8000_0000u32 } else { 0 };
                let (x_ovf, x_nan) = if neg {
                    (-f64::MAX, -f64::NAN)
                } else {
                    (f64::MAX, f64::NAN)
                };
                let x_inf = if neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                };
                let (ovf_code, nan_code, inf_code) = (exact(x_ovf), exact(x_nan), exact(x_inf));
                let ovf_value = fmt.to_f32(ovf_code).to_bits();
                let nan_value = fmt.to_f32(nan_code).to_bits();
                let inf_value = fmt.to_f32(inf_code).to_bits();
                let want_sign = |c: u64| sign[c as usize] == 2 || (sign[c as usize] == 1) == neg;
                let chunk = 1u32 << 20;
                let mut xs = vec![0f32; chunk as usize];
                let mut cs = vec![0u32; chunk as usize];
                let mut vs = vec![0f32; chunk as usize];
                let (mut last, mut last_v) = (0u32, 0u32);
                let mut rng = SplitMix64::new(0);
                for hi in 0..(1u32 << 31) / chunk {
                    for (i, x) in xs.iter_mut().enumerate() {
                        *x = f32::from_bits(sbit | (hi * chunk + i as u32));
                    }
                    slice::encode_f32_with(fmt, &xs, &mut cs, Round::new(mode, ov), &mut rng)
                        .unwrap();
                    slice::quantize_f32_to_with(fmt, &xs, &mut vs, Round::new(mode, ov), &mut rng)
                        .unwrap();
                    let mut ok = true;
                    for i in 0..xs.len() {
                        let (a, c, v) = (xs[i].to_bits() & 0x7FFF_FFFF, cs[i], vs[i].to_bits());
                        // NaN and ±∞ inputs have one result each (∞'s need not be the
                        // overflow result: E4M3FN toward +∞ takes −448 for −1e30 but NaN
                        // for −∞).
                        if a > 0x7F80_0000 {
                            ok &= c as u64 == nan_code && v == nan_value;
                            continue;
                        }
                        if a == 0x7F80_0000 {
                            ok &= c as u64 == inf_code && v == inf_value;
                            continue;
                        }
                        let (k, va) = (rank[c as usize], v & 0x7FFF_FFFF);
                        let kv = if va > 0x7F80_0000 { u32::MAX } else { va };
                        ok &= k >= last && kv >= last_v;
                        (last, last_v) = (k, kv);
                        ok &= k != u32::MAX || c as u64 == ovf_code;
                        ok &= kv != u32::MAX || v == ovf_value;
                        ok &= k == u32::MAX || want_sign(c as u64);
                        ok &= kv == u32::MAX
                            || if sign[c as usize] == 2 {
                                v == 0
                            } else {
                                (v >> 31 == 1) == neg
                            };
                    }
                    assert!(
                        ok,
                        "{name} {mode} {ov}: a check failed in the chunk at {:#x}",
                        sbit | (hi * chunk)
                    );
                }
            });
        }
    });
}

#[test]
fn long_all_f32_inputs_monotone() {
    if !long() {
        eprintln!("skipped: set LOWPREC_LONG=1 for the 2^32-input sweeps");
        return;
    }
    let t = std::time::Instant::now();
    let presets: Vec<&str> = FloatFormat::PRESETS.iter().map(|(n, _)| *n).collect();
    for (name, fmt) in formats() {
        // Formats outside the f32 kernels (unsigned, E8M0, a smallest normal below f32's)
        // take the exact path itself: nothing to sweep.
        let q_min = fmt.emin()
            - if fmt.has_subnormals() {
                fmt.man_bits() as i32
            } else {
                0
            };
        let kernel = fmt.is_signed() && fmt.has_zero() && fmt.emin() >= -126 && q_min + 23 < 127;
        let only = std::env::var("LOWPREC_LONG_FORMATS").unwrap_or_default();
        let wanted = only.is_empty() || only.split(',').any(|n| n == name);
        if fmt.width() > 16 || !kernel || !wanted {
            continue;
        }
        // Every mode for the presets; nearest-even and toward zero for the custom formats.
        let modes: &[Rounding] = if presets.contains(&name.as_str()) {
            &Rounding::DETERMINISTIC
        } else {
            &[Rounding::TiesToEven, Rounding::TowardZero]
        };
        for &mode in modes {
            monotone_sweep(&name, &fmt, mode, Overflow::Ieee);
        }
        monotone_sweep(&name, &fmt, Rounding::TiesToEven, Overflow::SatFinite);
        eprintln!(
            "{name}: all 2^32 f32 inputs, {} modes, {:?}",
            modes.len(),
            t.elapsed()
        );
    }
}

#[test]
fn long_all_f32_inputs_direct() {
    if !long() {
        return;
    }
    let t = std::time::Instant::now();
    for (name, fmt) in [
        ("e4m3fn", FloatFormat::E4M3FN),
        ("fp16", FloatFormat::FP16),
        ("bf16", FloatFormat::BF16),
    ] {
        std::thread::scope(|s| {
            for half in 0..2u32 {
                s.spawn(move || {
                    let chunk = 1u32 << 20;
                    let mut xs = vec![0f32; chunk as usize];
                    let mut codes = vec![0u16; chunk as usize];
                    let mut rng = SplitMix64::new(0);
                    for hi in (half..(1u32 << 12)).step_by(2) {
                        for (i, x) in xs.iter_mut().enumerate() {
                            *x = f32::from_bits(hi * chunk + i as u32);
                        }
                        slice::encode_f32_with(
                            &fmt,
                            &xs,
                            &mut codes,
                            Round::NEAREST_EVEN,
                            &mut rng,
                        )
                        .unwrap();
                        for (x, c) in xs.iter().zip(&codes) {
                            let e = fmt.from_f32_with(*x, Round::NEAREST_EVEN, &mut rng).value;
                            assert_eq!(*c as u64, e, "{name}: x = {:#x}", x.to_bits());
                        }
                    }
                });
            }
        });
        eprintln!(
            "{name} RNE: all 2^32 f32 inputs equal the exact path, {:?}",
            t.elapsed()
        );
    }
}
