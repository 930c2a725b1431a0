//! The K-hot projection, its shift-add form, LSQ and PACT against independent oracles:
//! brute force over every code of W ≤ 12 (and over every sum of ≤ K signed powers of two
//! for wide types), the `FixedFormat` casts, and the papers' formulas evaluated in `f64`.

use lowprec::fixed::FixedFormat;
use lowprec::qat::{
    KHot, Layout, Lsq, Pact, QatError, khot_backward, khot_project, project_raw, terms, weight,
};
use lowprec::{RandomBits, SplitMix64};
use std::collections::BTreeSet;

fn int_format(w: u32, signed: bool) -> FixedFormat {
    if signed {
        FixedFormat::ap_fixed(w, w as i32).unwrap()
    } else {
        FixedFormat::ap_ufixed(w, w as i32).unwrap()
    }
}

/// Every sum of at most `k` terms ±2^e (e < `exps`) with |partial sums| ≤ `bound`, by
/// levels: `levels[j]` holds the sums of at most j terms. Independent of any CSD algorithm.
fn signed_power_sums(k: u32, exps: u32, bound: i64) -> Vec<BTreeSet<i64>> {
    let mut levels = vec![BTreeSet::from([0i64])];
    for _ in 0..k {
        let prev = levels.last().unwrap().clone();
        let mut next = prev.clone();
        for &v in &prev {
            for e in 0..exps {
                for t in [v + (1i64 << e), v - (1i64 << e)] {
                    if t.abs() <= bound {
                        next.insert(t);
                    }
                }
            }
        }
        levels.push(next);
    }
    levels
}

/// The nearest element of the sorted `allowed` to r, ties to the smaller magnitude.
fn nearest_of(allowed: &[i128], r: i128) -> i128 {
    let i = allowed.partition_point(|&v| v < r);
    let mut best: Option<i128> = None;
    for j in [i.wrapping_sub(1), i] {
        if let Some(&v) = allowed.get(j) {
            best = Some(match best {
                None => v,
                Some(b) => {
                    let (db, dv) = ((b - r).abs(), (v - r).abs());
                    if dv < db || (dv == db && v.abs() < b.abs()) {
                        v
                    } else {
                        b
                    }
                }
            });
        }
    }
    best.unwrap()
}

#[test]
fn khot_projection_matches_brute_force_for_every_code_up_to_12_bits() {
    let mut cases = 0u64;
    for w in 1..=12u32 {
        let csd = signed_power_sums(w / 2 + 2, w + 2, 1 << (w + 2));
        for signed in [false, true] {
            let f = int_format(w, signed);
            for form in [KHot::Binary, KHot::Csd] {
                let kmax = match form {
                    KHot::Binary => w + 1,
                    KHot::Csd => w / 2 + 2,
                };
                for k in 0..=kmax {
                    let allowed: Vec<i128> = (f.min_raw()..=f.max_raw())
                        .filter(|&v| match form {
                            KHot::Binary => v.unsigned_abs().count_ones() <= k,
                            KHot::Csd => csd[k as usize].contains(&(v as i64)),
                        })
                        .collect();
                    for r in f.min_raw()..=f.max_raw() {
                        let want = nearest_of(&allowed, r);
                        let got = project_raw(&f, r, k, form).unwrap();
                        assert_eq!(got, want, "W={w} signed={signed} {form:?} K={k} raw={r}");
                        cases += 1;
                    }
                }
            }
        }
    }
    assert_eq!(cases, 349_512);
}

#[test]
fn csd_weight_is_the_fewest_signed_powers_and_has_no_adjacent_digits() {
    // The extremes of i128: 2^127 − 1 and −(2^127 − 1) need two digits, −2^127 one.
    assert_eq!(weight(i128::MAX, KHot::Csd), 2);
    assert_eq!(weight(i128::MIN + 1, KHot::Csd), 2);
    assert_eq!(weight(i128::MIN, KHot::Csd), 1);
    assert_eq!(weight(i128::MAX, KHot::Binary), 127);
    let levels = signed_power_sums(8, 15, 1 << 15);
    for r in -(1i128 << 12)..=(1i128 << 12) {
        let w = weight(r, KHot::Csd);
        let fewest = levels.iter().position(|s| s.contains(&(r as i64))).unwrap() as u32;
        assert_eq!(w, fewest, "raw={r}");
        let t = terms(r, w, KHot::Csd).unwrap();
        assert_eq!(t.len() as u32, w);
        for pair in t.as_slice().windows(2) {
            assert!(
                pair[1].shift >= pair[0].shift + 2,
                "adjacent digits in {r}: {t:?}"
            );
        }
        let sum: i128 = t
            .iter()
            .map(|d| {
                if d.negative {
                    -(1i128 << d.shift)
                } else {
                    1i128 << d.shift
                }
            })
            .sum();
        assert_eq!(sum, r);
        // Binary: the one-bits of |r|, all with r's sign.
        let b = terms(r, 64, KHot::Binary).unwrap();
        assert_eq!(b.len() as u32, r.unsigned_abs().count_ones());
        assert!(b.iter().all(|d| d.negative == (r < 0)));
        assert!(b.as_slice().windows(2).all(|p| p[1].shift > p[0].shift));
        if w > 0 {
            assert_eq!(
                terms(r, w - 1, KHot::Csd),
                Err(QatError::Param("raw integer has more than k terms"))
            );
        }
    }
}

#[test]
fn shift_add_equals_the_product_for_every_raw_up_to_12_bits() {
    let mut rng = SplitMix64::new(0x5eed_4b07);
    for w in 1..=12u32 {
        for signed in [false, true] {
            let f = int_format(w, signed);
            for r in f.min_raw()..=f.max_raw() {
                for form in [KHot::Binary, KHot::Csd] {
                    let t = terms(r, weight(r, form), form).unwrap();
                    for _ in 0..8 {
                        let x = (rng.next_u64() as i64) >> (rng.next_u64() % 64);
                        let mut acc: i128 = 0;
                        for d in &t {
                            let s = i128::from(x) << d.shift;
                            acc = if d.negative { acc - s } else { acc + s };
                        }
                        assert_eq!(acc, r * i128::from(x), "raw={r} x={x} {form:?}");
                        assert_eq!(t.apply(x), r * i128::from(x));
                    }
                }
            }
        }
    }
    // The widest raw integers.
    for _ in 0..20_000 {
        let r = if rng.next_u64() & 1 == 0 {
            i128::from(rng.next_u64() as i64)
        } else {
            i128::from(rng.next_u64())
        };
        let x = rng.next_u64() as i64;
        for form in [KHot::Binary, KHot::Csd] {
            let t = terms(r, 64, form).unwrap();
            assert_eq!(t.apply(x), r * i128::from(x), "raw={r} x={x} {form:?}");
        }
    }
    assert!(terms(1i128 << 64, 64, KHot::Csd).is_err());
    assert!(terms(-(1i128 << 63) - 1, 64, KHot::Csd).is_err());
}

/// Wide types: the nearest of every sum of at most K signed powers of two (exponents
/// 0..=65), enumerated.
#[test]
fn khot_projection_of_wide_types_matches_enumeration() {
    let mut rng = SplitMix64::new(77);
    for k in 1..=3u32 {
        // All sums of ≤ k terms ±2^e, e ≤ 65, as i128.
        let mut sums: BTreeSet<i128> = BTreeSet::from([0]);
        for _ in 0..k {
            let prev: Vec<i128> = sums.iter().copied().collect();
            for v in prev {
                for e in 0..=65 {
                    sums.insert(v + (1i128 << e));
                    sums.insert(v - (1i128 << e));
                }
            }
        }
        let runs = [400, 200, 20][k as usize - 1];
        for (w, signed) in [(64u32, true), (64, false), (40, true), (33, false)] {
            let f = int_format(w, signed);
            let allowed_csd: Vec<i128> = sums.range(f.min_raw()..=f.max_raw()).copied().collect();
            let allowed_bin: Vec<i128> = allowed_csd
                .iter()
                .copied()
                .filter(|v| v.unsigned_abs().count_ones() <= k)
                .collect();
            for _ in 0..runs {
                // Random raw integers, some with long runs of ones.
                let bits = rng.next_u64() ^ (rng.next_u64() & rng.next_u64());
                let r = f.raw_of(bits);
                assert_eq!(
                    project_raw(&f, r, k, KHot::Csd).unwrap(),
                    nearest_of(&allowed_csd, r),
                    "W={w} K={k} raw={r}"
                );
                assert_eq!(
                    project_raw(&f, r, k, KHot::Binary).unwrap(),
                    nearest_of(&allowed_bin, r),
                    "W={w} K={k} raw={r}"
                );
            }
        }
    }
}

/// On f32 slices: the ap_fixed cast (the proven `from_f32`), then the brute-force nearest.
#[test]
fn khot_project_on_f32_is_cast_then_nearest() {
    let mut rng = SplitMix64::new(3);
    for spec in [
        "ap_fixed<8,3,AP_RND_CONV,AP_SAT>",
        "ap_fixed<8,3,AP_TRN,AP_WRAP>",
        "ap_ufixed<6,2,AP_RND,AP_SAT_ZERO>",
        "ap_fixed<7,1,AP_RND_INF,AP_SAT_SYM>",
        "ac_fixed<9,4,true,AC_RND_CONV,AC_SAT>",
    ] {
        let f: FixedFormat = spec.parse().unwrap();
        let levels = signed_power_sums(3, 12, 1 << 12);
        let lsb = (-f.frac_bits() as f64).exp2();
        let mut x: Vec<f32> = Vec::new();
        for r in f.min_raw()..=f.max_raw() {
            for d in [-0.5, -0.25, 0.0, 0.25, 0.5] {
                x.push(((r as f64 + d) * lsb) as f32);
            }
        }
        for _ in 0..2000 {
            x.push(f32::from_bits(rng.next_u64() as u32));
        }
        x.extend([
            f32::NAN,
            -f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.0,
            -0.0,
            1e30,
            -1e30,
        ]);
        for k in 0..=3u32 {
            for form in [KHot::Binary, KHot::Csd] {
                let allowed: Vec<i128> = (f.min_raw()..=f.max_raw())
                    .filter(|&v| match form {
                        KHot::Binary => v.unsigned_abs().count_ones() <= k,
                        KHot::Csd => levels[k as usize].contains(&(v as i64)),
                    })
                    .collect();
                let mut y = vec![0.0f32; x.len()];
                khot_project(&f, k, form, &x, &mut y).unwrap();
                for (xi, yi) in x.iter().zip(&y) {
                    let r = f.raw_of(f.from_f32(*xi));
                    let want = nearest_of(&allowed, r) as f64 * lsb;
                    assert_eq!(f64::from(*yi), want, "{spec} {form:?} K={k} x={xi:e}");
                }
            }
        }
    }
    let f = FixedFormat::ap_fixed(8, 3).unwrap();
    assert!(matches!(
        khot_project(&f, 2, KHot::Csd, &[1.0; 3], &mut [0.0; 2]),
        Err(QatError::Length { .. })
    ));
}

#[test]
fn khot_backward_masks_the_overflow_region() {
    // ap_fixed<8,3>: raw -128..=127, LSB 1/32; rounding x·32 ties to even in f64 (exact).
    let sat: FixedFormat = "ap_fixed<8,3,AP_RND_CONV,AP_SAT>".parse().unwrap();
    let sym: FixedFormat = "ap_fixed<8,3,AP_RND_CONV,AP_SAT_SYM>".parse().unwrap();
    let zero: FixedFormat = "ap_fixed<8,3,AP_RND_CONV,AP_SAT_ZERO>".parse().unwrap();
    let wrap: FixedFormat = "ap_fixed<8,3,AP_RND_CONV,AP_WRAP>".parse().unwrap();
    let mut x: Vec<f32> = (-1400..=1400).map(|i| i as f32 / 256.0).collect();
    x.extend([f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30]);
    let g: Vec<f32> = (0..x.len()).map(|i| 1.0 + i as f32).collect();
    let mut out = vec![0.0f32; x.len()];
    for (f, lo) in [(sat, -128.0), (sym, -127.0), (zero, -128.0)] {
        khot_backward(&f, &x, &g, &mut out).unwrap();
        for i in 0..x.len() {
            let q = (f64::from(x[i]) * 32.0).round_ties_even();
            let inside = !x[i].is_nan() && q >= lo && q <= 127.0;
            assert_eq!(out[i], if inside { g[i] } else { 0.0 }, "x={}", x[i]);
        }
    }
    khot_backward(&wrap, &x, &g, &mut out).unwrap();
    for i in 0..x.len() {
        assert_eq!(out[i], if x[i].is_nan() { 0.0 } else { g[i] });
    }
}

/// LSQ in f64 straight from the paper: (v̂, ∂v̂/∂v, ∂v̂/∂s).
fn lsq_ref(v: f32, s: f32, qn: f64, qp: f64) -> (f32, f32, f64) {
    if v.is_nan() {
        let q = if v.is_sign_negative() { -qn } else { qp };
        return ((q * s as f64) as f32, 0.0, 0.0);
    }
    let r = v as f64 / s as f64;
    let q = r.clamp(-qn, qp).round_ties_even();
    let vhat = (q * s as f64) as f32;
    if r <= -qn {
        (vhat, 0.0, -qn)
    } else if r >= qp {
        (vhat, 0.0, qp)
    } else {
        (vhat, 1.0, r.round_ties_even() - r)
    }
}

fn layouts(len: usize) -> Vec<Layout> {
    vec![
        Layout::PerTensor,
        Layout::ChannelMajor { channels: 4 },
        Layout::ChannelLast { channels: 4 },
        Layout::ChannelMajor { channels: len },
    ]
}

fn group_of(layout: Layout, i: usize, len: usize) -> usize {
    match layout {
        Layout::PerTensor => 0,
        Layout::ChannelMajor { channels } => i / (len / channels),
        Layout::ChannelLast { channels } => i % channels,
    }
}

#[test]
fn lsq_matches_the_paper() {
    let mut rng = SplitMix64::new(11);
    let len = 64usize;
    for bits in [2u32, 3, 4, 8, 12, 24] {
        for signed in [true, false] {
            if bits < 2 && signed {
                continue;
            }
            for layout in layouts(len) {
                for scale_on in [true, false] {
                    let q = Lsq::new(bits, signed, layout)
                        .unwrap()
                        .with_grad_scale(scale_on);
                    let (qn, qp) = if signed {
                        (
                            (1u64 << (bits - 1)) as f64,
                            ((1u64 << (bits - 1)) - 1) as f64,
                        )
                    } else {
                        (0.0, ((1u64 << bits) - 1) as f64)
                    };
                    assert_eq!((q.q_n() as f64, q.q_p() as f64), (qn, qp));
                    let groups = layout.groups();
                    let s: Vec<f32> = (0..groups)
                        .map(|_| (0.01 + (rng.next_u64() % 1000) as f64 / 997.0) as f32)
                        .collect();
                    let v: Vec<f32> = (0..len)
                        .map(|i| {
                            let si = s[group_of(layout, i, len)] as f64;
                            let u = (rng.next_u64() % 10_000) as f64 / 10_000.0;
                            match rng.next_u64() % 6 {
                                // ties, the clipping bounds and just beyond them
                                0 => ((((rng.next_u64() % 16) as f64) - 8.0 + 0.5) * si) as f32,
                                1 => (-qn * si) as f32,
                                2 => (qp * si) as f32,
                                3 => ((qp + 1.0) * si * 2.0 * u) as f32,
                                4 => [f32::NAN, -f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -0.0]
                                    [(rng.next_u64() % 5) as usize],
                                _ => ((u * 2.0 - 1.0) * (qp + qn + 2.0) * si) as f32,
                            }
                        })
                        .collect();
                    let g: Vec<f32> = (0..len)
                        .map(|_| ((rng.next_u64() % 2001) as f32 - 1000.0) / 250.0)
                        .collect();
                    let (mut y, mut gv, mut gs) =
                        (vec![0.0; len], vec![0.0; len], vec![0.0; groups]);
                    q.forward(&v, &s, &mut y).unwrap();
                    q.backward(&v, &s, &g, &mut gv, &mut gs).unwrap();
                    let mut sums = vec![0.0f64; groups];
                    for i in 0..len {
                        let c = group_of(layout, i, len);
                        let (vh, dv, ds) = lsq_ref(v[i], s[c], qn, qp);
                        // A zero result is +0 (`+ 0.0` turns the formula's −0 into +0).
                        let vh = vh + 0.0;
                        assert_eq!(y[i].to_bits(), vh.to_bits(), "v={} s={}", v[i], s[c]);
                        assert_eq!(gv[i], g[i] * dv, "v={} s={}", v[i], s[c]);
                        sums[c] += g[i] as f64 * ds;
                    }
                    let n = (len / groups) as f64;
                    for c in 0..groups {
                        let want = sums[c] * if scale_on { 1.0 / (n * qp).sqrt() } else { 1.0 };
                        let tol = 1e-6 * (want.abs() + 1e-3);
                        assert!(
                            (gs[c] as f64 - want).abs() <= tol,
                            "{layout:?} c={c}: {} vs {want}",
                            gs[c]
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn lsq_refuses_bad_parameters() {
    assert!(Lsq::new(1, true, Layout::PerTensor).is_err());
    assert!(Lsq::new(25, false, Layout::PerTensor).is_err());
    let q = Lsq::new(4, true, Layout::ChannelLast { channels: 3 }).unwrap();
    let mut y = [0.0; 6];
    assert!(matches!(
        q.forward(&[0.0; 6], &[1.0; 2], &mut y),
        Err(QatError::Length { .. })
    ));
    assert!(matches!(
        q.forward(&[0.0; 5], &[1.0; 3], &mut y[..5]),
        Err(QatError::Layout { .. })
    ));
    for bad in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        assert!(matches!(
            q.forward(&[0.0; 6], &[1.0, bad, 1.0], &mut y),
            Err(QatError::Param(_))
        ));
    }
    let (mut gv, mut gs) = ([0.0; 6], [0.0; 2]);
    assert!(
        q.backward(&[0.0; 6], &[1.0; 3], &[0.0; 6], &mut gv, &mut gs)
            .is_err()
    );
}

#[test]
fn pact_matches_the_paper() {
    let mut rng = SplitMix64::new(5);
    let len = 48usize;
    for bits in [1u32, 2, 3, 4, 8, 16, 24] {
        for layout in layouts(len) {
            let p = Pact::new(bits, layout).unwrap();
            let n = ((1u64 << bits) - 1) as f64;
            let groups = layout.groups();
            let alpha: Vec<f32> = (0..groups)
                .map(|_| (0.1 + (rng.next_u64() % 1000) as f64 / 101.0) as f32)
                .collect();
            let x: Vec<f32> = (0..len)
                .map(|i| {
                    let a = alpha[group_of(layout, i, len)] as f64;
                    let u = (rng.next_u64() % 10_000) as f64 / 10_000.0;
                    match rng.next_u64() % 6 {
                        0 => (((rng.next_u64() % 8) as f64 + 0.5) * a / n) as f32, // near ties
                        1 => a as f32,
                        2 => 0.0,
                        3 => [f32::NAN, -f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -0.0]
                            [(rng.next_u64() % 5) as usize],
                        _ => ((u * 1.6 - 0.3) * a) as f32,
                    }
                })
                .collect();
            let g: Vec<f32> = (0..len)
                .map(|_| ((rng.next_u64() % 2001) as f32 - 1000.0) / 250.0)
                .collect();
            let (mut y, mut gx, mut ga) = (vec![0.0; len], vec![0.0; len], vec![0.0; groups]);
            p.forward(&x, &alpha, &mut y).unwrap();
            p.backward(&x, &alpha, &g, &mut gx, &mut ga).unwrap();
            let mut sums = vec![0.0f64; groups];
            for i in 0..len {
                let c = group_of(layout, i, len);
                let a = alpha[c] as f64;
                let xi = x[i] as f64;
                let clipped = if x[i].is_nan() {
                    if x[i].is_sign_negative() { 0.0 } else { a }
                } else {
                    if xi <= 0.0 { 0.0 } else { xi.min(a) }
                };
                let yq = ((clipped * n / a).round_ties_even() * a / n) as f32;
                assert_eq!(y[i].to_bits(), yq.to_bits(), "bits={bits} x={} a={a}", x[i]);
                let dx = if xi >= 0.0 && xi < a { 1.0 } else { 0.0 };
                assert_eq!(gx[i], g[i] * dx);
                if xi >= a {
                    sums[c] += g[i] as f64;
                }
            }
            for c in 0..groups {
                assert!(
                    (ga[c] as f64 - sums[c]).abs() <= 1e-6 * (sums[c].abs() + 1e-3),
                    "{layout:?}"
                );
            }
        }
    }
    assert!(Pact::new(0, Layout::PerTensor).is_err());
    assert!(Pact::new(25, Layout::PerTensor).is_err());
    let p = Pact::new(4, Layout::PerTensor).unwrap();
    assert!(matches!(
        p.forward(&[1.0], &[0.0], &mut [0.0]),
        Err(QatError::Param(_))
    ));
    assert!(matches!(
        p.forward(&[1.0], &[f32::NAN], &mut [0.0]),
        Err(QatError::Param(_))
    ));
}

/// PACT's quantized value against an exact rational computation: ⌊y·n/α⌉ by integers.
#[test]
fn pact_rounding_is_that_of_the_exact_quotient() {
    let mut rng = SplitMix64::new(9);
    for _ in 0..200_000 {
        let bits = 1 + (rng.next_u64() % 24) as u32;
        let n = (1u64 << bits) - 1;
        let a = f32::from_bits(0x3f80_0000 | (rng.next_u64() as u32 & 0x7f_ffff)); // [1, 2)
        // x near a tie (j + 1/2)·α/n.
        let j = rng.next_u64() % n;
        let x = ((j as f64 + 0.5) * a as f64 / n as f64) as f32;
        let x = f32::from_bits(
            x.to_bits()
                .wrapping_add((rng.next_u64() % 3) as u32)
                .wrapping_sub(1),
        );
        if !(x >= 0.0 && x <= a) {
            continue;
        }
        let p = Pact::new(bits, Layout::PerTensor).unwrap();
        let mut y = [0.0f32];
        p.forward(&[x], &[a], &mut y).unwrap();
        // x = X·2^-(23+ex), α = A·2^-23: x·n/α = X·n / (A·2^ex), all integers.
        let (xm, xe) = {
            let b = x.to_bits();
            let e = ((b >> 23) & 0xff) as i32;
            if e == 0 {
                ((b & 0x7f_ffff) as u128, -149)
            } else {
                (((b & 0x7f_ffff) | 0x80_0000) as u128, e - 150)
            }
        };
        let am = ((a.to_bits() & 0x7f_ffff) | 0x80_0000) as u128; // α = am·2^-23
        let d = xe + 23; // x·n/α = xm·n·2^d / am
        let (num, den) = if d >= 0 {
            ((xm * n as u128) << d, am)
        } else if -d < 100 {
            (xm * n as u128, am << -d)
        } else {
            (0, 1)
        };
        let (qf, rem) = (num / den, num % den);
        let q = if 2 * rem > den || (2 * rem == den && qf % 2 == 1) {
            qf + 1
        } else {
            qf
        };
        let want = (q as f64 * a as f64 / n as f64) as f32;
        assert_eq!(y[0], want, "bits={bits} x={x:e} a={a:e}");
    }
}

/// A zero result is +0, as a fixed-point zero code reads: unsigned LSQ clips v ≤ 0 to
/// −Q_N·s with Q_N = 0, and a small negative v rounds to zero (found by fuzzing).
#[test]
fn lsq_zero_results_are_positive_zero() {
    for signed in [false, true] {
        let q = Lsq::new(4, signed, Layout::PerTensor).unwrap();
        let v = [0.0f32, -0.0, -0.1, 0.1, -1.0e-30];
        let mut y = [1.0f32; 5];
        q.forward(&v, &[2.0], &mut y).unwrap();
        for (vi, yi) in v.iter().zip(&y) {
            if *yi == 0.0 {
                assert_eq!(yi.to_bits(), 0, "LSQ({vi:e}) gave -0 (signed {signed})");
            }
        }
    }
}
