//! Typed values `Fp<F>` against independent arithmetic: the `half` crate's f16 and bf16
//! operators (computed in f32 and rounded once, which is correctly rounded for these
//! precisions since 24 ≥ 2p + 2), the host's f32/f64, and the definitions of the traits.

use core::cmp::Ordering;

use lowprec::float::formats::{Bf16, E2m1, E4m3fn, E4m3fnuz, E8m0, Fp16, Fp32, Fp64};
use lowprec::float::{Format, Fp};
use lowprec::{FloatFormat, RandomBits, SplitMix64};
use num_traits::float::FloatCore;
use num_traits::{Bounded, FromPrimitive, Num, NumCast, One, ToPrimitive, Zero};

fn same_f32(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

#[test]
fn fp16_and_bf16_operators_match_half() {
    let mut rng = SplitMix64::new(16);
    for _ in 0..1_000_000 {
        let (a, b) = (rng.next_u64() as u16, rng.next_u64() as u16);
        let (x, y) = (Fp::<Fp16>::from_bits(a), Fp::<Fp16>::from_bits(b));
        let (hx, hy) = (half::f16::from_bits(a), half::f16::from_bits(b));
        for (got, want, op) in [
            (x + y, hx + hy, "+"),
            (x - y, hx - hy, "-"),
            (x * y, hx * hy, "*"),
            (x / y, hx / hy, "/"),
        ] {
            assert!(
                same_f32(got.to_f32(), want.to_f32()),
                "fp16 {a:#x} {op} {b:#x}: {got:?} vs {want}"
            );
        }
        let (x, y) = (Fp::<Bf16>::from_bits(a), Fp::<Bf16>::from_bits(b));
        let (hx, hy) = (half::bf16::from_bits(a), half::bf16::from_bits(b));
        for (got, want, op) in [
            (x + y, hx + hy, "+"),
            (x - y, hx - hy, "-"),
            (x * y, hx * hy, "*"),
            (x / y, hx / hy, "/"),
        ] {
            assert!(
                same_f32(got.to_f32(), want.to_f32()),
                "bf16 {a:#x} {op} {b:#x}: {got:?} vs {want}"
            );
        }
        assert_eq!(x.partial_cmp(&y), hx.partial_cmp(&hy));
        assert_eq!(x == y, hx == hy);
    }
}

#[test]
fn fp32_and_fp64_operators_match_the_host() {
    let mut rng = SplitMix64::new(32);
    for _ in 0..300_000 {
        let (a, b) = (rng.next_u64() as u32, rng.next_u64() as u32);
        let (x, y) = (f32::from_bits(a), f32::from_bits(b));
        let (p, q) = (Fp::<Fp32>::from_bits(a), Fp::<Fp32>::from_bits(b));
        assert!(same_f32((p % q).to_f32(), x % y), "{x:e} % {y:e}");
        assert!(same_f32(p.mul_add(q, q).to_f32(), x.mul_add(y, y)));
        assert!(same_f32(p.sqrt().to_f32(), x.sqrt()));
        assert!(same_f32((-p).to_f32(), -x));
        assert_eq!(p.total_cmp(&q), x.total_cmp(&y));
        let (c, d) = (rng.next_u64(), rng.next_u64());
        let (u, v) = (f64::from_bits(c), f64::from_bits(d));
        let (r, s) = (Fp::<Fp64>::from_bits(c), Fp::<Fp64>::from_bits(d));
        let w = (r / s).to_f64();
        assert!((w.is_nan() && (u / v).is_nan()) || w.to_bits() == (u / v).to_bits());
        let w = (r % s).to_f64();
        assert!((w.is_nan() && (u % v).is_nan()) || w.to_bits() == (u % v).to_bits());
    }
}

#[test]
fn values_are_their_codes() {
    assert_eq!(size_of::<Fp<E4m3fn>>(), 1);
    assert_eq!(size_of::<Fp<Bf16>>(), 2);
    assert_eq!(size_of::<Fp<Fp32>>(), 4);
    let xs = [
        Fp::<E4m3fn>::from_f64(1.0),
        Fp::from_f64(-2.0),
        Fp::from_f64(448.0),
    ];
    // OCP E4M3FN: 1.0 = 0x38, −2.0 = 0xC0, 448 = 0x7E.
    assert_eq!(bytemuck::cast_slice::<_, u8>(&xs), &[0x38, 0xC0, 0x7E]);
    assert_eq!(Fp::<E4m3fn>::slice_as_bits(&xs), &[0x38, 0xC0, 0x7E]);
    let back: &[Fp<E4m3fn>] = bytemuck::cast_slice(&[0x38u8, 0x7F]);
    assert_eq!(back[0].to_f64(), 1.0);
    assert!(back[1].is_nan());
    // Bits above the format's width are cleared.
    assert_eq!(Fp::<E2m1>::from_bits(0xF3).to_bits(), 0x3);
}

#[test]
fn formatting() {
    let x = Fp::<E4m3fn>::from_f64(1.5);
    assert_eq!(format!("{x:?}"), "Fp<e4m3fn>(0x3c = 1.5)");
    assert_eq!(format!("{x}"), "1.5");
    assert_eq!(format!("{x:x}"), "3c");
    assert_eq!(
        format!("{:?}", Fp::<Bf16>::from_f64(-0.0)),
        "Fp<bf16>(0x8000 = -0)"
    );
    assert_eq!(format!("{}", Fp::<E4m3fnuz>::nan().unwrap()), "NaN");
}

#[test]
fn num_traits_definitions() {
    type T = Fp<E4m3fn>;
    assert!(T::zero().is_zero() && T::zero().to_f64() == 0.0);
    assert_eq!(T::one().to_f64(), 1.0);
    assert_eq!(<T as Bounded>::max_value().to_f64(), 448.0);
    assert_eq!(<T as Bounded>::min_value().to_f64(), -448.0);
    assert_eq!(<Fp<E8m0> as Bounded>::min_value().to_f64(), 2f64.powi(-127));
    assert_eq!(<T as FromPrimitive>::from_i64(17).unwrap().to_f64(), 16.0); // 17 ties to 16 (even)
    assert_eq!(
        <T as FromPrimitive>::from_u64(1000).unwrap().to_bits(),
        0x7F
    ); // beyond 464: NaN
    assert_eq!(
        <T as FromPrimitive>::from_f32(0.3).unwrap().to_f64(),
        0.3125
    );
    assert_eq!(
        <T as FromPrimitive>::from_f64(-3.75).unwrap().to_i64(),
        Some(-3)
    );
    assert_eq!(
        <T as FromPrimitive>::from_f64(448.0).unwrap().to_u64(),
        Some(448)
    );
    assert_eq!(<T as FromPrimitive>::from_f64(-1.0).unwrap().to_u64(), None);
    assert_eq!(T::nan().unwrap().to_i64(), None);
    assert_eq!(<T as NumCast>::from(100u8).unwrap().to_f64(), 96.0);
    assert_eq!(T::from_str_radix("0.1", 10).unwrap().to_f64(), 0.1015625);
    assert!(T::from_str_radix("1", 16).is_err());
    assert_eq!("-0x1.8p-3".parse::<T>().unwrap().to_f64(), -0.1875);
    // NumCast from a large integer rounds once, like the host's i64 → f64 conversion.
    for n in [
        (1i64 << 53) + 1,
        (1 << 60) + (1 << 8) + 1,
        i64::MAX,
        i64::MIN + 1,
    ] {
        let v = <Fp<Fp64> as NumCast>::from(n).unwrap().to_f64();
        assert_eq!(v, n as f64, "{n}");
    }
}

#[test]
fn float_core_for_ieee_formats() {
    type H = Fp<Fp16>;
    assert_eq!(<H as FloatCore>::infinity().to_f32(), f32::INFINITY);
    assert_eq!(<H as FloatCore>::neg_infinity().to_f32(), f32::NEG_INFINITY);
    assert!(<H as FloatCore>::nan().is_nan());
    assert!(<H as FloatCore>::neg_zero().is_sign_negative());
    assert_eq!(
        <H as FloatCore>::min_positive_value().to_f32(),
        6.1035156e-5
    );
    assert_eq!(<H as FloatCore>::epsilon().to_f32(), 9.765625e-4);
    assert_eq!(
        FloatCore::classify(H::from_f32(1e-6)),
        core::num::FpCategory::Subnormal
    );
    let (m, e, s) = FloatCore::integer_decode(H::from_f32(-1.5));
    assert_eq!((m as f64) * 2f64.powi(e.into()) * s as f64, -1.5);
    assert_eq!(FloatCore::floor(H::from_f32(-1.5)).to_f32(), -2.0);
    assert_eq!(FloatCore::powi(H::from_f32(3.0), 3).to_f32(), 27.0);
}

#[test]
fn ordering_follows_ieee() {
    type T = Fp<Bf16>;
    let nan = T::nan().unwrap();
    assert_ne!(nan, nan);
    assert_eq!(nan.partial_cmp(&nan), None);
    assert_eq!(T::from_f64(-0.0), T::from_f64(0.0));
    assert_eq!(
        T::from_f64(-0.0).total_cmp(&T::from_f64(0.0)),
        Ordering::Less
    );
    assert!(T::from_f64(-1.0) < T::from_f64(0.5));
    assert!(T::from_f64(2.0).maximum(nan).is_nan());
}

#[test]
fn user_defined_formats() {
    #[derive(Clone, Copy, Default, bytemuck::Zeroable, bytemuck::Pod)]
    #[repr(C)]
    struct E6m9;
    impl Format for E6m9 {
        type Bits = u16;
        const FORMAT: FloatFormat = match FloatFormat::ieee(6, 9) {
            Ok(f) => f,
            Err(_) => panic!("invalid format"), // a compile-time error
        };
    }
    let x = Fp::<E6m9>::from_f64(1.0 / 3.0);
    // 1/3 = 0x1.5555…p-2; with 9 fraction bits: 0x1.554p-2 (the next bit is 1, then 0101…: round up).
    assert_eq!(x.to_f64(), f64::from_bits(0x3FD5_5800_0000_0000));
    assert_eq!(
        // 65504 = 1023.5 × 64 lies halfway on e6m9's grid (step 64 there): ties to 1024 × 64.
        Fp::<E6m9>::convert(Fp::<Fp32>::from_f32(65504.0)).to_f64(),
        65536.0
    );
}
