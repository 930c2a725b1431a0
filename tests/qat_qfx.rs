//! The QFX quantizer against independent oracles: the `FixedFormat` casts (forward),
//! f64 closed forms and finite differences of a smoothed reference (backward), brute force
//! (initialisation).

use lowprec::fixed::{Family, FixedFormat, FixedParams, OverflowMode, Quantization};
use lowprec::qat::{Layout, QatError, Qfx, QfxParams};
use proptest::prelude::*;

/// Every valid (family, signed, Q, O, N) combination for width `w`.
fn configs(w: u32) -> Vec<QfxParams> {
    let mut v = Vec::new();
    for family in [Family::ApFixed, Family::AcFixed] {
        for signed in [true, false] {
            for q in Quantization::ALL {
                for o in OverflowMode::ALL {
                    let ns: Vec<u32> = if family == Family::ApFixed
                        && matches!(o, OverflowMode::Wrap | OverflowMode::WrapSm)
                    {
                        let mut n = vec![0, 1, w];
                        if w > 2 {
                            n.push(2);
                        }
                        n.dedup();
                        n
                    } else {
                        vec![0]
                    };
                    for n in ns {
                        let p = QfxParams {
                            width: w,
                            signed,
                            family,
                            quantization: q,
                            overflow: o,
                            sat_bits: n,
                            layout: Layout::PerTensor,
                            grad_scale: false,
                        };
                        if Qfx::new(p).is_ok() {
                            v.push(p);
                        }
                    }
                }
            }
        }
    }
    v
}

/// The oracle format, built directly.
fn oracle_fmt(p: &QfxParams, f: i32) -> FixedFormat {
    FixedFormat::new(FixedParams {
        family: p.family,
        width: p.width,
        int_bits: p.width as i32 - f,
        signed: p.signed,
        quantization: p.quantization,
        overflow: p.overflow,
        sat_bits: p.sat_bits,
    })
    .unwrap()
}

fn oracle(fmt: &FixedFormat, x: f32) -> f32 {
    fmt.to_f32(fmt.from_f32(x))
}

/// The next f32 up (the crate's MSRV predates `f32::next_up`).
fn next_up(a: f32) -> f32 {
    if a.is_nan() || a == f32::INFINITY {
        a
    } else if a == 0.0 {
        f32::from_bits(1)
    } else if a > 0.0 {
        f32::from_bits(a.to_bits() + 1)
    } else {
        f32::from_bits(a.to_bits() - 1)
    }
}

fn next_down(a: f32) -> f32 {
    -next_up(-a)
}

fn specials() -> Vec<f32> {
    let mut v = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7FC0_1234),
        f32::from_bits(0xFF80_0001),
        f32::MAX,
        -f32::MAX,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::from_bits(1),
        f32::from_bits(0x8000_0001),
        f32::from_bits(0x007F_FFFF),
        f32::from_bits(0x8040_0000),
        1e30,
        -1e30,
        3.4e38,
        1e-30,
        -1e-42,
    ];
    for k in [-140, -100, -60, -20, 20, 60, 100, 127] {
        v.push(2f32.powi(k));
        v.push(-2f32.powi(k) * 1.5);
    }
    v
}

/// Every raw code of the format and one beyond each end, at k·LSB and (k + ½)·LSB, each
/// with its two f32 neighbours on each side.
fn neighbourhoods(w: u32, signed: bool, f: i32) -> Vec<f32> {
    let (lo, hi) = if signed {
        (-(1i64 << (w - 1)), (1i64 << (w - 1)) - 1)
    } else {
        (0, (1i64 << w) - 1)
    };
    let lsb = 2f64.powi(-f);
    let mut v = Vec::new();
    let mut push = |c: f64| {
        let c = c as f32; // exact: ≤ 10 significant bits, moderate exponents
        let mut a = c;
        let mut b = c;
        v.push(c);
        v.push(-c);
        for _ in 0..2 {
            a = next_up(a);
            b = next_down(b);
            v.extend([a, b, -a, -b]);
        }
    };
    for k in (lo - 3)..=(hi + 3) {
        push(k as f64 * lsb);
        push((k as f64 + 0.5) * lsb);
    }
    v
}

fn fracs(w: u32) -> Vec<i32> {
    let w = w as i32;
    vec![-5, -1, 0, 1, 3, w, w + 3, w + 20, 140]
}

#[test]
fn forward_exhaustive_small_widths() {
    let mut checked = 0u64;
    let mut cfgs = 0u64;
    for w in 1..=8u32 {
        for p in configs(w) {
            let q = Qfx::new(p).unwrap();
            for f in fracs(w) {
                let fmt = oracle_fmt(&p, f);
                let mut xs = neighbourhoods(w, p.signed, f);
                xs.extend(specials());
                let mut y = vec![0.0f32; xs.len()];
                // A latent that rounds to f: f − 0.4.
                q.forward(&[f as f32 - 0.4], &xs, &mut y).unwrap();
                let mut inplace = xs.clone();
                q.forward_in_place(&[f as f32 + 0.3], &mut inplace).unwrap();
                for (i, &x) in xs.iter().enumerate() {
                    let want = oracle(&fmt, x);
                    assert_eq!(
                        y[i].to_bits(),
                        want.to_bits(),
                        "{fmt} x={x:e} ({:#x}) got {:e} want {want:e}",
                        x.to_bits(),
                        y[i]
                    );
                    assert_eq!(
                        inplace[i].to_bits(),
                        want.to_bits(),
                        "{fmt} in place x={x:e}"
                    );
                }
                checked += xs.len() as u64;
                cfgs += 1;
            }
        }
    }
    println!("forward exhaustive: {cfgs} formats, {checked} inputs");
    assert!(checked > 1_000_000);
}

#[test]
fn forward_wide_and_extreme_binary_points() {
    // W up to 32 (values beyond 24 bits are rounded to f32), |F| beyond the kernel's 256
    // and the clamp range ends.
    let mut checked = 0;
    for w in [12u32, 24, 25, 31, 32] {
        for p in configs(w) {
            let q = Qfx::new(p).unwrap();
            let (lo, hi) = q.frac_range();
            for f in [
                lo,
                lo + 1,
                -1000,
                -257,
                -256,
                -30,
                0,
                17,
                40,
                256,
                257,
                1100,
                hi,
            ] {
                let fmt = oracle_fmt(&p, f);
                let mut xs = specials();
                for k in -3..=3i64 {
                    for base in [
                        fmt.to_f64(fmt.bits_of(fmt.max_raw())),
                        fmt.to_f64(fmt.bits_of(fmt.min_raw())),
                        2f64.powi(-f) * 0.5,
                    ] {
                        let c = base as f32;
                        let mut a = c;
                        for _ in 0..k.unsigned_abs() {
                            a = if k > 0 { next_up(a) } else { next_down(a) };
                        }
                        xs.extend([a, -a]);
                    }
                }
                let mut y = vec![0.0; xs.len()];
                q.forward(&[f as f32], &xs, &mut y).unwrap();
                for (i, &x) in xs.iter().enumerate() {
                    assert_eq!(y[i].to_bits(), oracle(&fmt, x).to_bits(), "{fmt} x={x:e}");
                }
                checked += xs.len();
            }
        }
    }
    println!("forward wide/extreme: {checked} inputs");
}

#[test]
fn refusals() {
    for w in [0u32, 33, 64] {
        assert!(matches!(
            Qfx::new(QfxParams::ap_fixed(w, Layout::PerTensor)),
            Err(QatError::Param(_))
        ));
    }
    let ac_sm = QfxParams {
        family: Family::AcFixed,
        overflow: OverflowMode::WrapSm,
        ..QfxParams::ap_fixed(8, Layout::PerTensor)
    };
    assert!(matches!(Qfx::new(ac_sm), Err(QatError::Param(_))));
    let q = Qfx::new(QfxParams::ap_fixed(8, Layout::ChannelLast { channels: 3 })).unwrap();
    let mut y = [0.0; 6];
    assert!(q.forward(&[0.0; 2], &[0.0; 6], &mut y).is_err());
    assert!(q.forward(&[0.0; 3], &[0.0; 6], &mut y[..5]).is_err());
    assert!(q.forward(&[0.0, f32::NAN, 0.0], &[0.0; 6], &mut y).is_err());
    assert!(q.forward(&[0.0; 3], &[0.0; 5], &mut y[..5]).is_err());
    assert!(
        q.forward(&[f32::INFINITY, -1e30, 3.0], &[1.0; 6], &mut y)
            .is_ok()
    );
}

fn any_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<u32>().prop_map(f32::from_bits),
        (-40.0f32..40.0),
        (-1.0f32..1.0),
        // Near a tie of a random step.
        (any::<i32>(), -30i32..30, -2i32..=2).prop_map(|(k, e, d)| {
            let c = ((k >> 8) as f64 + 0.5) * 2f64.powi(e);
            let mut a = c as f32;
            for _ in 0..d.unsigned_abs() {
                a = if d > 0 { next_up(a) } else { next_down(a) };
            }
            a
        }),
    ]
}

fn any_params(max_w: u32) -> impl Strategy<Value = QfxParams> {
    (1..=max_w, any::<prop::sample::Index>()).prop_map(|(w, i)| {
        let c = configs(w);
        c[i.index(c.len())]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn forward_matches_cast_property(
        p in any_params(32),
        fl in -60.0f32..80.0,
        xs in prop::collection::vec(any_f32(), 1..40),
    ) {
        let q = Qfx::new(p).unwrap();
        let fmt = oracle_fmt(&p, q.frac_bits(fl).unwrap());
        let mut y = vec![0.0; xs.len()];
        q.forward(&[fl], &xs, &mut y).unwrap();
        for (i, &x) in xs.iter().enumerate() {
            prop_assert_eq!(y[i].to_bits(), oracle(&fmt, x).to_bits(), "{} x={:e}", fmt, x);
        }
    }

    #[test]
    fn forward_per_channel_property(
        p in any_params(24),
        fls in prop::collection::vec(-20.0f32..30.0, 1..5),
        per in 1usize..6,
        major in any::<bool>(),
        seed in prop::collection::vec(any_f32(), 30),
    ) {
        let c = fls.len();
        let len = c * per;
        let xs: Vec<f32> = (0..len).map(|i| seed[i % seed.len()]).collect();
        let layout = if major { Layout::ChannelMajor { channels: c } } else { Layout::ChannelLast { channels: c } };
        let q = Qfx::new(QfxParams { layout, ..p }).unwrap();
        let mut y = vec![0.0; len];
        q.forward(&fls, &xs, &mut y).unwrap();
        for i in 0..len {
            let g = if major { i / per } else { i % c };
            let fmt = oracle_fmt(&p, q.frac_bits(fls[g]).unwrap());
            prop_assert_eq!(y[i].to_bits(), oracle(&fmt, xs[i]).to_bits());
        }
    }
}

// ---------------------------------------------------------------- backward

/// round_Q(t) in f64 (t exact).
fn round_q(t: f64, q: Quantization) -> f64 {
    let fl = t.floor();
    let r = t - fl;
    let odd = fl.rem_euclid(2.0) == 1.0;
    match q {
        Quantization::Trn => fl,
        Quantization::TrnZero => t.trunc(),
        _ if r > 0.5 => fl + 1.0,
        _ if r < 0.5 => fl,
        Quantization::Rnd => fl + 1.0,
        Quantization::RndZero => {
            if t > 0.0 {
                fl
            } else {
                fl + 1.0
            }
        }
        Quantization::RndMinInf => fl,
        Quantization::RndInf => {
            if t > 0.0 {
                fl + 1.0
            } else {
                fl
            }
        }
        Quantization::RndConv => fl + f64::from(odd),
        Quantization::RndConvOdd => fl + f64::from(!odd),
    }
}

#[derive(Debug, PartialEq)]
enum Reg {
    In { q: f64 },
    Sat { c: f64 },
    Zero,
    Dead,
}

/// The region of x and the relevant code, from first principles (t = x·2^F in f64).
fn region(p: &QfxParams, f: i32, x: f32) -> Reg {
    if !x.is_finite() {
        return Reg::Dead;
    }
    let w = p.width as i32;
    let (lo, hi) = if p.signed {
        (-(2f64.powi(w - 1)), 2f64.powi(w - 1) - 1.0)
    } else {
        (0.0, 2f64.powi(w) - 1.0)
    };
    let sym = p.signed && p.overflow == OverflowMode::SatSym;
    let t = f64::from(x) * 2f64.powi(f);
    let q = round_q(t, p.quantization);
    let ok = q <= hi && (q > lo || (q == lo && !sym));
    if ok {
        return Reg::In { q };
    }
    match p.overflow {
        OverflowMode::SatZero => Reg::Zero,
        OverflowMode::Sat | OverflowMode::SatSym => Reg::Sat {
            c: if q > hi {
                hi
            } else if sym && w > 1 {
                lo + 1.0
            } else {
                lo
            },
        },
        _ => Reg::In { q },
    }
}

/// Closed forms: (∂L/∂x per element, ∂L/∂F of the group) in f64.
fn closed_form(p: &QfxParams, f: i32, x: &[f32], g: &[f32]) -> (Vec<f32>, f64) {
    let ln2 = std::f64::consts::LN_2;
    let s = 2f64.powi(-f);
    let mut gx = Vec::new();
    let mut gf = 0.0;
    for (&xi, &gi) in x.iter().zip(g) {
        let gd = f64::from(gi);
        match region(p, f, xi) {
            Reg::In { q } => {
                gx.push(gi);
                gf += gd * (-ln2 * (q * s - f64::from(xi)));
            }
            Reg::Sat { c } => {
                gx.push(0.0);
                gf += gd * (-ln2 * c * s);
            }
            Reg::Zero | Reg::Dead => gx.push(0.0),
        }
    }
    (gx, gf)
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-6 * scale + 1e-30
}

#[test]
fn backward_regions_closed_forms() {
    let mut n = 0u64;
    let mut regions = [0u64; 4];
    for w in [1u32, 2, 3, 5, 8, 12] {
        for p in configs(w) {
            let q = Qfx::new(p).unwrap();
            for f in [-2, 0, 2, w as i32 + 2] {
                let mut xs = neighbourhoods(w.min(5), p.signed, f);
                xs.extend(specials());
                let g: Vec<f32> = (0..xs.len())
                    .map(|i| 0.25 + (i % 7) as f32 * 0.5 - 1.5)
                    .collect();
                let (want_gx, want_gf) = closed_form(&p, f, &xs, &g);
                let (mut y, mut gx, mut gf) = (vec![0.0; xs.len()], vec![9.0; xs.len()], [9.0f32]);
                q.backward(&[f as f32], &xs, &g, &mut gx, &mut gf).unwrap();
                assert_eq!(gx, want_gx, "{p:?} F={f}");
                let scale: f64 = xs
                    .iter()
                    .zip(&g)
                    .filter(|(x, _)| x.is_finite())
                    .map(|(x, g)| {
                        (f64::from(*x).abs() + 2f64.powi(w as i32 - f)) * f64::from(*g).abs()
                    })
                    .sum();
                assert!(
                    close(f64::from(gf[0]), want_gf, scale),
                    "{p:?} F={f}: {} vs {want_gf}",
                    gf[0]
                );
                // One pass: the same gradients and the forward values.
                let (mut gx2, mut gf2) = (vec![9.0; xs.len()], [9.0f32]);
                q.forward_backward(&[f as f32], &xs, &g, &mut y, &mut gx2, &mut gf2)
                    .unwrap();
                assert_eq!((gx2, gf2), (gx, gf));
                let fmt = oracle_fmt(&p, f);
                for (i, &x) in xs.iter().enumerate() {
                    assert_eq!(y[i].to_bits(), oracle(&fmt, x).to_bits());
                    regions[match region(&p, f, x) {
                        Reg::In { .. } => 0,
                        Reg::Sat { .. } => 1,
                        Reg::Zero => 2,
                        Reg::Dead => 3,
                    }] += 1;
                }
                n += xs.len() as u64;
            }
        }
    }
    println!("backward closed forms: {n} elements, regions in/sat/zero/dead = {regions:?}");
    assert!(regions.iter().all(|&r| r > 1000));
}

#[test]
fn backward_wrap_trains_as_no_wrap() {
    // ap_fixed<4,4-F,AP_TRN,AP_WRAP>, F = 0: 9 wraps to -7 but trains as 9 (in range).
    let p = QfxParams {
        quantization: Quantization::Trn,
        overflow: OverflowMode::Wrap,
        ..QfxParams::ap_fixed(4, Layout::PerTensor)
    };
    let q = Qfx::new(p).unwrap();
    let (mut y, mut gx, mut gf) = ([0.0; 1], [0.0; 1], [0.0; 1]);
    q.forward_backward(&[0.0], &[9.25], &[2.0], &mut y, &mut gx, &mut gf)
        .unwrap();
    assert_eq!((y[0], gx[0]), (-7.0, 2.0));
    let want = 2.0 * -std::f64::consts::LN_2 * (9.0 - 9.25);
    assert!((f64::from(gf[0]) - want).abs() < 1e-6);
}

/// The smoothed reference the STE gradient differentiates: the code (and in range the
/// rounding residual in LSBs) frozen at the forward pass, the step 2^−F' continuous:
/// in range y(F') = x + (q − t)·2^−F', saturated y(F') = c·2^−F', else y(F') = y (constant).
fn smoothed(p: &QfxParams, f: i32, x: f32, fp: f64) -> f64 {
    let t = f64::from(x) * 2f64.powi(f);
    match region(p, f, x) {
        Reg::In { q } => f64::from(x) + (q - t) * 2f64.powf(-fp),
        Reg::Sat { c } => c * 2f64.powf(-fp),
        Reg::Zero | Reg::Dead => 0.0,
    }
}

fn finite_difference_check(layout: Layout, per: usize, p: QfxParams, seed: u64, scale: bool) {
    let c = layout.groups();
    let len = c * per;
    let mut s = seed;
    let mut rnd = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let fracs: Vec<f32> = (0..c).map(|_| (rnd() * 8.0 - 2.0) as f32).collect();
    let x: Vec<f32> = (0..len).map(|_| ((rnd() - 0.5) * 40.0) as f32).collect();
    let g: Vec<f32> = (0..len).map(|_| (rnd() - 0.5) as f32).collect();
    let p = QfxParams {
        layout,
        grad_scale: scale,
        ..p
    };
    let q = Qfx::new(p).unwrap();
    let (mut gx, mut gf) = (vec![0.0; len], vec![0.0f32; c]);
    q.backward(&fracs, &x, &g, &mut gx, &mut gf).unwrap();
    for (grp, &fl) in fracs.iter().enumerate() {
        let f = q.frac_bits(fl).unwrap();
        let members: Vec<usize> = (0..len)
            .filter(|&i| match layout {
                Layout::ChannelMajor { .. } => i / per == grp,
                Layout::ChannelLast { channels } => i % channels == grp,
                Layout::PerTensor => true,
            })
            .collect();
        let loss = |fp: f64| -> f64 {
            members
                .iter()
                .map(|&i| f64::from(g[i]) * smoothed(&p, f, x[i], fp))
                .sum()
        };
        let h = 1e-5;
        let mut fd = (loss(f64::from(f) + h) - loss(f64::from(f) - h)) / (2.0 * h);
        if scale {
            let qmax = if p.signed {
                2f64.powi(p.width as i32 - 1) - 1.0
            } else {
                2f64.powi(p.width as i32) - 1.0
            };
            fd /= (members.len() as f64 * qmax.max(1.0)).sqrt();
        }
        let mag: f64 = members
            .iter()
            .map(|&i| f64::from(g[i]).abs() * (f64::from(x[i]).abs() + 1.0))
            .sum();
        assert!(
            (f64::from(gf[grp]) - fd).abs() <= 1e-5 * mag,
            "{layout:?} group {grp}: {} vs fd {fd}",
            gf[grp]
        );
    }
}

#[test]
fn backward_frac_gradient_finite_difference_per_channel() {
    let mut n = 0;
    for w in [3u32, 4, 6, 8] {
        for p in configs(w) {
            for (i, layout) in [
                Layout::PerTensor,
                Layout::ChannelMajor { channels: 3 },
                Layout::ChannelLast { channels: 3 },
                Layout::ChannelMajor { channels: 5 },
                Layout::ChannelLast { channels: 4 },
            ]
            .into_iter()
            .enumerate()
            {
                finite_difference_check(layout, 17, p, (w as u64) * 1000 + i as u64, i % 2 == 0);
                n += 1;
            }
        }
    }
    println!("finite-difference checks: {n}");
}

// ---------------------------------------------------------------- initialisation

/// Brute force: the largest F in a wide window at which every element x of the group (and
/// −x when signed) rounds into [min, max] (f64 first principles; the overflow mode plays no
/// part).
fn brute_frac(p: &QfxParams, xs: &[f32]) -> i32 {
    let fin: Vec<f32> = xs
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .map(f32::abs)
        .collect();
    if fin.iter().all(|&a| a == 0.0) {
        return p.width as i32 - i32::from(p.signed);
    }
    for f in (-200..=250).rev() {
        let ok = fin.iter().all(|&a| {
            let fits = |v: f32| {
                matches!(
                    region(
                        &QfxParams {
                            overflow: OverflowMode::SatZero,
                            ..*p
                        },
                        f,
                        v
                    ),
                    Reg::In { .. }
                )
            };
            fits(a) && (!p.signed || fits(-a))
        });
        if ok {
            return f;
        }
    }
    panic!("no F")
}

#[test]
fn init_max_abs_brute_force() {
    let mut n = 0;
    let mut s = 7u64;
    for w in [1u32, 2, 4, 8, 16] {
        for p in configs(w) {
            for k in 0..6 {
                let c = 3;
                let len = 12;
                let xs: Vec<f32> = (0..len)
                    .map(|_| {
                        s = s
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let m = ((s >> 40) as f64 / (1u64 << 24) as f64 - 0.5)
                            * 2f64.powi((s % 40) as i32 - 20 + k);
                        match (s >> 20) % 23 {
                            0 => f32::NAN,
                            1 => f32::NEG_INFINITY,
                            2 => 0.0,
                            // exact powers of two and codes at the range's edge
                            3 => 2f32.powi((s % 30) as i32 - 15),
                            _ => m as f32,
                        }
                    })
                    .collect();
                for layout in [
                    Layout::PerTensor,
                    Layout::ChannelMajor { channels: c },
                    Layout::ChannelLast { channels: c },
                ] {
                    let q = Qfx::new(QfxParams { layout, ..p }).unwrap();
                    let mut fr = vec![0.0; layout.groups()];
                    q.init_frac_max_abs(&xs, &mut fr).unwrap();
                    for (grp, &fg) in fr.iter().enumerate() {
                        let members: Vec<f32> = (0..len)
                            .filter(|&i| match layout {
                                Layout::ChannelMajor { channels } => i / (len / channels) == grp,
                                Layout::ChannelLast { channels } => i % channels == grp,
                                Layout::PerTensor => true,
                            })
                            .map(|i| xs[i])
                            .collect();
                        assert_eq!(
                            fg,
                            brute_frac(&p, &members) as f32,
                            "{p:?} {layout:?} {members:?}"
                        );
                        n += 1;
                    }
                }
            }
        }
    }
    println!("init max-abs: {n} groups");
}

#[test]
fn init_percentile_brute_force() {
    let mut n = 0;
    let mut s = 11u64;
    for w in [3u32, 8] {
        for p in configs(w).into_iter().step_by(3) {
            for pct in [0.0f32, 10.0, 50.0, 80.0, 99.0, 99.9, 100.0] {
                let len = 30;
                let xs: Vec<f32> = (0..len)
                    .map(|_| {
                        s = s
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        if (s >> 30) % 17 == 0 {
                            f32::NAN
                        } else {
                            ((s >> 40) as f64 / 1e5 - 80.0) as f32
                        }
                    })
                    .collect();
                for layout in [
                    Layout::PerTensor,
                    Layout::ChannelMajor { channels: 3 },
                    Layout::ChannelLast { channels: 5 },
                ] {
                    let q = Qfx::new(QfxParams { layout, ..p }).unwrap();
                    let mut fr = vec![0.0; layout.groups()];
                    let mut scratch = vec![0.0; len / layout.groups()];
                    q.init_frac_percentile(&xs, pct, &mut scratch, &mut fr)
                        .unwrap();
                    for (grp, &fg) in fr.iter().enumerate() {
                        let mut a: Vec<f32> = (0..len)
                            .filter(|&i| match layout {
                                Layout::ChannelMajor { channels } => i / (len / channels) == grp,
                                Layout::ChannelLast { channels } => i % channels == grp,
                                Layout::PerTensor => true,
                            })
                            .map(|i| xs[i].abs())
                            .filter(|a| a.is_finite())
                            .collect();
                        a.sort_by(f32::total_cmp);
                        let nn = a.len();
                        let rank =
                            ((f64::from(pct) / 100.0 * nn as f64).ceil() as usize).clamp(1, nn);
                        let v = a[rank - 1];
                        assert_eq!(fg, brute_frac(&p, &[v]) as f32, "{p:?} {layout:?} p={pct}");
                        n += 1;
                    }
                }
            }
        }
    }
    let q = Qfx::new(QfxParams::ap_fixed(8, Layout::PerTensor)).unwrap();
    let mut f = [0.0];
    assert!(
        q.init_frac_percentile(&[1.0; 4], 101.0, &mut [0.0; 4], &mut f)
            .is_err()
    );
    assert!(
        q.init_frac_percentile(&[1.0; 4], f32::NAN, &mut [0.0; 4], &mut f)
            .is_err()
    );
    assert!(
        q.init_frac_percentile(&[1.0; 4], 50.0, &mut [0.0; 3], &mut f)
            .is_err()
    );
    println!("init percentile: {n} groups");
}
