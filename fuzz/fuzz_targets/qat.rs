//! The quantization-aware-training quantizers of `lowprec::qat` on random parameters,
//! layouts, latents and tensors:
//! - `Qfx::new` accepts exactly the parameters it documents (W in 1..=32, a valid
//!   fixed-point format) and refuses the rest with `QatError::Param`; every call on an
//!   accepted quantizer either runs or returns the typed error its contract names (a
//!   length, a layout, a NaN latent) — never a panic;
//! - forward: every element equals the scalar `FixedFormat::from_f32` cast into its
//!   group's format (recomputed here from the latent: ties-to-even rounding of the latent,
//!   clamped to I = W − F within ±`MAX_INT_BITS`), through `to_f32`, bit for bit — which
//!   checks the vectorised `f32` kernel and the integer kernel against the scalar cast on
//!   inputs built around the grid (ties, range ends, huge, tiny, NaN, ±∞);
//!   `forward_in_place` and `forward_backward` give the same `y`;
//! - backward: ∂L/∂x by the region table, with the region taken from the cast's
//!   overflow flag; ∂L/∂F against an `f64` sum of the table's terms, where the value
//!   before a wrap is computed in exact rational arithmetic (`rug`) with each
//!   quantization mode's own definition; the gradient scale 1/√(N·q_max) included;
//! - K-hot: `project_raw` equals the brute-force nearest K-hot raw of every format of
//!   at most 10 bits (ties to the smaller magnitude), with the CSD weight computed here by
//!   the non-adjacent-form recurrence; `terms` multiplies exactly;
//! - LSQ and PACT: the forward value against its formula in exact rational arithmetic
//!   rounded once to `f32`, the ∂/∂x masks by region.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lowprec::Status;
use lowprec::fixed::{Family, FixedFormat, FixedParams, MAX_INT_BITS, OverflowMode, Quantization};
use lowprec::qat::{KHot, Layout, Lsq, Pact, QatError, Qfx, QfxParams, project_raw, terms};
use lowprec_fuzz::{Bytes, fixed_format_in};
use rug::{Integer, Rational};

const LN2: f64 = core::f64::consts::LN_2;

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    match b.byte() % 8 {
        0..=4 => qfx(&mut b),
        5 => khot(&mut b),
        6 => lsq(&mut b),
        _ => pact(&mut b),
    }
});

// ---------------------------------------------------------------------------------------
// Shared readers.

/// A layout and a tensor length it fits (sometimes one it does not).
fn layout_len(b: &mut Bytes<'_>) -> (Layout, usize) {
    let sel = b.byte();
    let channels = usize::from(b.byte() % 6);
    let per = usize::from(b.byte() % 24);
    let layout = match sel % 3 {
        0 => Layout::PerTensor,
        1 => Layout::ChannelMajor { channels },
        _ => Layout::ChannelLast { channels },
    };
    let mut len = match layout {
        Layout::PerTensor => per * 3 + usize::from(sel >> 6),
        _ => channels.max(1) * per,
    };
    if sel & 0x3C == 0x3C {
        len += 1; // a length the channel count does not divide
    }
    (layout, len)
}

/// The group of element `i` of a tensor of `len` elements.
fn group_of(layout: Layout, i: usize, len: usize) -> usize {
    match layout {
        Layout::PerTensor => 0,
        Layout::ChannelMajor { channels } => i / (len / channels),
        Layout::ChannelLast { channels } => i % channels,
    }
}

/// A gradient value: mostly small, sometimes large or zero.
fn grad(b: &mut Bytes<'_>) -> f32 {
    let v = b.byte();
    match v & 3 {
        0 => 1.0,
        1 => (f32::from(v >> 2) - 32.0) / 8.0,
        2 => (f32::from(v >> 2) - 32.0) * 1.0e6,
        _ => (f32::from(v >> 2) - 32.0) / 1.0e6,
    }
}

/// An element near the grid of step 2^−f and range [lo, hi]·2^−f (raw units).
fn element(b: &mut Bytes<'_>, f: i32, lo: i128, hi: i128) -> f32 {
    let sel = b.byte();
    let step = |k: f64| k * (-f64::from(f)).exp2();
    let pick = |b: &mut Bytes<'_>| -> f64 {
        let r = b.byte();
        match r % 6 {
            0 => lo as f64,
            1 => hi as f64,
            2 => 0.0,
            _ => {
                let m = (i64::from(b.byte()) << 8 | i64::from(b.byte())) - 0x8000;
                m as f64 / 64.0
            }
        }
    };
    match sel % 10 {
        0 => f32::from_bits(b.u64() as u32),
        1 => [
            f32::NAN,
            -f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.0,
            -0.0,
            f32::MAX,
            f32::MIN_POSITIVE / 4.0,
        ][usize::from(sel >> 4) % 8],
        // A grid point, the tie above it, or an f32 neighbour of either.
        2..=7 => {
            let k = pick(b).round();
            let base = if sel & 0x10 != 0 { k + 0.5 } else { k };
            let x = step(base) as f32;
            match sel >> 5 {
                0 => f32::from_bits(x.to_bits().wrapping_add(1)),
                1 if x != 0.0 => f32::from_bits(x.to_bits() - 1),
                _ => x,
            }
        }
        // Far beyond the range, or scaled randomly.
        8 => {
            step(hi as f64 * (1.0 + f64::from(b.byte()))) as f32
                * if sel & 0x10 != 0 { -1.0 } else { 1.0 }
        }
        _ => step(pick(b)) as f32 * (1.0 + f32::from(b.byte()) / 256.0),
    }
}

/// The exact rational value of a finite `f32`.
fn exact(x: f32) -> Rational {
    Rational::from_f32(x).expect("finite")
}

/// x·2^k exactly.
fn scale2(x: &Rational, k: i32) -> Rational {
    if k >= 0 {
        Rational::from(x << k as u32)
    } else {
        Rational::from(x >> (-k) as u32)
    }
}

/// Rounds an exact value to an integer by an ap_fixed quantization mode's definition.
fn round_q(t: &Rational, q: Quantization) -> Integer {
    let fl = Integer::from(t.floor_ref());
    let frac = Rational::from(t - &fl);
    if frac == 0 {
        return fl;
    }
    let half = Rational::from((1, 2));
    let up = Integer::from(&fl + 1);
    let neg = *t < 0;
    let cmp = frac.cmp(&half);
    use core::cmp::Ordering::*;
    match q {
        Quantization::Trn => fl,
        Quantization::TrnZero => {
            if neg {
                up
            } else {
                fl
            }
        }
        _ => match cmp {
            Less => fl,
            Greater => up,
            Equal => match q {
                Quantization::Rnd => up,
                Quantization::RndZero => {
                    if neg {
                        up
                    } else {
                        fl
                    }
                }
                Quantization::RndMinInf => fl,
                Quantization::RndInf => {
                    if neg {
                        fl
                    } else {
                        up
                    }
                }
                Quantization::RndConv => {
                    if fl.is_even() {
                        fl
                    } else {
                        up
                    }
                }
                _ => {
                    if fl.is_odd() {
                        fl
                    } else {
                        up
                    }
                }
            },
        },
    }
}

// ---------------------------------------------------------------------------------------
// QFX.

fn qfx(b: &mut Bytes<'_>) {
    let width = u32::from(b.byte() % 36);
    let kind = b.byte();
    let modes = b.byte();
    let n_byte = b.byte();
    let (layout, len) = layout_len(b);
    let family = match kind % 8 {
        0..=4 => Family::ApFixed,
        5 | 6 => Family::AcFixed,
        _ => Family::ApInt,
    };
    let p = QfxParams {
        width,
        signed: kind & 0x10 == 0,
        family,
        quantization: Quantization::ALL[usize::from(modes & 7)],
        overflow: [
            OverflowMode::Sat,
            OverflowMode::SatZero,
            OverflowMode::SatSym,
            OverflowMode::Wrap,
            OverflowMode::WrapSm,
        ][usize::from(modes >> 3) % 5],
        sat_bits: if n_byte & 0xC0 == 0xC0 {
            u32::from(n_byte & 0x3F) % (width + 2)
        } else {
            0
        },
        layout,
        grad_scale: kind & 0x20 != 0,
    };
    // What `new` must accept: W in 1..=32 and a valid format (checked at F = 0 here).
    let valid = (1..=32).contains(&width)
        && family != Family::ApInt
        && FixedFormat::new(params(&p, 0)).is_ok();
    let q = match Qfx::new(p) {
        Ok(q) => {
            assert!(valid, "accepted {p:?}");
            q
        }
        Err(QatError::Param(_)) => {
            assert!(!valid, "refused {p:?}");
            return;
        }
        Err(e) => panic!("unexpected {e:?} for {p:?}"),
    };
    let groups = layout.groups();
    let fits = groups > 0 && len % groups == 0;

    // Latents: mostly moderate, with ties and sometimes extremes or NaN.
    let n_lat = if b.byte() & 0x1F == 0 {
        groups + 1
    } else {
        groups
    };
    let mut frac = Vec::with_capacity(n_lat);
    let mut nan_latent = false;
    for _ in 0..n_lat {
        let v = b.byte();
        let l = match v % 16 {
            0 => f32::INFINITY,
            1 => f32::NEG_INFINITY,
            2 if v & 0x10 != 0 => {
                nan_latent = true;
                f32::NAN
            }
            3 => (f32::from(b.byte()) - 128.0) * 100.0,
            4..=7 => (f32::from(b.byte() % 80) - 30.0) + 0.5, // ties of the rounding of F
            _ => (f32::from(b.byte() % 80) - 30.0) + f32::from(b.byte() % 8) / 8.0,
        };
        frac.push(l);
    }
    let formats: Vec<Option<FixedFormat>> = frac.iter().map(|&l| format_of(&p, l)).collect();

    let mut x = Vec::with_capacity(len);
    for i in 0..len {
        let g = if fits { group_of(layout, i, len) } else { 0 };
        match formats.get(g).copied().flatten() {
            Some(f) => x.push(element(b, f.frac_bits(), f.min_raw(), f.max_raw())),
            None => x.push(element(b, 0, -8, 7)),
        }
    }
    let gy: Vec<f32> = (0..len).map(|_| grad(b)).collect();

    let mut y = vec![0.0f32; len];
    let r = q.forward(&frac, &x, &mut y);
    if !fits || n_lat != groups {
        assert!(
            matches!(
                r,
                Err(QatError::Layout { .. }) | Err(QatError::Length { .. })
            ),
            "{r:?} for {len} elements, {n_lat} latents, {layout:?}"
        );
        return;
    }
    if nan_latent {
        assert!(
            matches!(r, Err(QatError::Param(_))),
            "{r:?} with a NaN latent"
        );
        return;
    }
    r.expect("valid call");

    // Forward against the scalar cast.
    let mut want_gx = vec![0.0f32; len];
    let mut terms_sum = vec![0.0f64; groups];
    let mut terms_abs = vec![0.0f64; groups];
    for i in 0..len {
        let g = group_of(layout, i, len);
        let f = formats[g].expect("a valid latent gives a format");
        let c = f.from_f32_with(x[i]);
        let want = f.to_f32(c.value);
        assert_eq!(
            y[i].to_bits(),
            want.to_bits(),
            "forward of {:e} ({:#x}) in {f}: {} vs {}",
            x[i],
            x[i].to_bits(),
            y[i],
            want
        );
        // The region table.
        let (gx, term) = if !x[i].is_finite() {
            (0.0, 0.0)
        } else if c.status.contains(Status::OVERFLOW) {
            match f.overflow() {
                OverflowMode::Sat | OverflowMode::SatSym => (0.0, -LN2 * f.to_f64(c.value)),
                OverflowMode::SatZero => (0.0, 0.0),
                _ => {
                    // The value rounded before the wrap, exactly.
                    let fb = f.frac_bits();
                    let k = round_q(&scale2(&exact(x[i]), fb), f.quantization());
                    let r = scale2(&Rational::from(k), -fb).to_f64();
                    (gy[i], -LN2 * (r - f64::from(x[i])))
                }
            }
        } else {
            (gy[i], -LN2 * (f.to_f64(c.value) - f64::from(x[i])))
        };
        want_gx[i] = gx;
        terms_sum[g] += f64::from(gy[i]) * term;
        terms_abs[g] += (f64::from(gy[i]) * term).abs();
    }

    let mut y2 = x.clone();
    q.forward_in_place(&frac, &mut y2).expect("valid call");
    assert!(
        y2.iter().zip(&y).all(|(a, b)| a.to_bits() == b.to_bits()),
        "in place"
    );

    let (mut gx, mut gf) = (vec![0.0f32; len], vec![0.0f32; groups]);
    let mut y3 = vec![0.0f32; len];
    q.forward_backward(&frac, &x, &gy, &mut y3, &mut gx, &mut gf)
        .expect("valid call");
    assert!(
        y3.iter().zip(&y).all(|(a, b)| a.to_bits() == b.to_bits()),
        "forward_backward y"
    );
    for i in 0..len {
        assert_eq!(
            gx[i].to_bits(),
            want_gx[i].to_bits(),
            "grad_x of {:e} in {}",
            x[i],
            formats[group_of(layout, i, len)].unwrap()
        );
    }
    let (mut gx2, mut gf2) = (vec![0.0f32; len], vec![0.0f32; groups]);
    q.backward(&frac, &x, &gy, &mut gx2, &mut gf2)
        .expect("valid call");
    assert!(
        gx2.iter().zip(&gx).all(|(a, b)| a.to_bits() == b.to_bits()),
        "backward grad_x"
    );
    let n = len / groups;
    for g in 0..groups {
        let scale = if p.grad_scale {
            let qmax: u64 = if p.signed {
                (1u64 << (width - 1)) - 1
            } else {
                (1u64 << width) - 1
            };
            1.0 / ((n as f64) * qmax.max(1) as f64).sqrt()
        } else {
            1.0
        };
        let want = terms_sum[g] * scale;
        let tol = terms_abs[g] * scale * 1e-9;
        for got in [gf[g], gf2[g]] {
            if want.is_finite() && (want as f32).is_finite() {
                let err = (f64::from(got) - want).abs();
                let ulp = f64::from((want as f32).abs()) * f64::from(f32::EPSILON);
                assert!(
                    err <= tol + ulp + 1e-45,
                    "grad_frac of group {g}: {got:e} vs {want:e} (tolerance {tol:e})"
                );
            }
        }
    }

    // Wrong lengths are typed errors.
    if len > 0 {
        let mut short = vec![0.0f32; len - 1];
        assert!(matches!(
            q.forward(&frac, &x, &mut short),
            Err(QatError::Length { .. })
        ));
    }
}

fn params(p: &QfxParams, f: i32) -> FixedParams {
    FixedParams {
        family: p.family,
        width: p.width,
        int_bits: p.width as i32 - f,
        signed: p.signed,
        quantization: p.quantization,
        overflow: p.overflow,
        sat_bits: p.sat_bits,
    }
}

/// The format of a latent, from the documented rule (ties-to-even, clamped).
fn format_of(p: &QfxParams, latent: f32) -> Option<FixedFormat> {
    if latent.is_nan() {
        return None;
    }
    let w = p.width as i32;
    let (lo, hi) = (w - MAX_INT_BITS, w + MAX_INT_BITS);
    let f = if latent >= hi as f32 {
        hi
    } else if latent <= lo as f32 {
        lo
    } else {
        let fl = latent.floor();
        let d = latent - fl;
        let fl = fl as i32;
        if d > 0.5 || (d == 0.5 && fl % 2 != 0) {
            fl + 1
        } else {
            fl
        }
    };
    FixedFormat::new(params(p, f)).ok()
}

// ---------------------------------------------------------------------------------------
// K-hot.

/// Nonzero digits of the non-adjacent form of n.
fn naf_weight(mut n: i128) -> u32 {
    let mut c = 0;
    while n != 0 {
        if n & 1 != 0 {
            let d = 2 - n.rem_euclid(4); // ±1
            n -= d;
            c += 1;
        }
        n >>= 1;
    }
    c
}

fn khot(b: &mut Bytes<'_>) {
    let f = fixed_format_in(b, 1..=10);
    let k = u32::from(b.byte() % 5);
    let form = if b.byte() & 1 == 0 {
        KHot::Binary
    } else {
        KHot::Csd
    };
    let weight = |r: i128| match form {
        KHot::Binary => r.unsigned_abs().count_ones(),
        KHot::Csd => naf_weight(r),
    };
    let (lo, hi) = (f.min_raw(), f.max_raw());
    for _ in 0..4 {
        let raw = (lo + i128::from(b.u64() % ((hi - lo + 1) as u64))).clamp(lo, hi);
        let got = project_raw(&f, raw, k, form).expect("in range");
        // Brute force: the nearest K-hot raw, ties to the smaller magnitude.
        let mut best: Option<i128> = None;
        for c in lo..=hi {
            if weight(c) > k {
                continue;
            }
            best = Some(match best {
                None => c,
                Some(o) => {
                    let (dc, d_o) = ((c - raw).abs(), (o - raw).abs());
                    if dc < d_o || (dc == d_o && c.abs() < o.abs()) {
                        c
                    } else {
                        o
                    }
                }
            });
        }
        assert_eq!(Some(got), best, "{f}: raw {raw}, k {k}, {form:?}");
        let t = terms(got, k, form).expect("a K-hot raw has terms");
        let xv = (b.u64() as i64) >> (b.byte() % 64);
        assert_eq!(t.apply(xv), got * i128::from(xv), "terms of {got}");
        if weight(raw) > k {
            assert!(terms(raw, k, form).is_err(), "terms of non-{k}-hot {raw}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// LSQ and PACT.

/// The correctly rounded `f32` of an exact value (None where it is subnormal: the
/// 24-bit rounding below is that of normal numbers).
fn to_f32_once(v: &Rational) -> Option<f32> {
    let f = rug::Float::with_val(24, v).to_f32();
    if f != 0.0 && f.abs() < f32::MIN_POSITIVE {
        return None;
    }
    Some(f)
}

fn positive_param(b: &mut Bytes<'_>) -> f32 {
    let v = b.byte();
    match v % 8 {
        0 => 0.0,
        1 => -1.0,
        2 => f32::NAN,
        3 => f32::INFINITY,
        _ => (1.0 + f32::from(b.byte())) / 64.0 * (2.0f32).powi(i32::from(v >> 4) - 8),
    }
}

fn lsq(b: &mut Bytes<'_>) {
    let bits = u32::from(b.byte() % 27);
    let signed = b.byte() & 1 == 0;
    let (layout, len) = layout_len(b);
    let q = match Lsq::new(bits, signed, layout) {
        Ok(q) => q,
        Err(QatError::Param(_)) => {
            assert!(
                bits == 0 || bits > 24 || (signed && bits < 2),
                "refused {bits}"
            );
            return;
        }
        Err(e) => panic!("{e:?}"),
    };
    let groups = layout.groups();
    let s: Vec<f32> = (0..groups).map(|_| positive_param(b)).collect();
    let v: Vec<f32> = (0..len)
        .map(|_| element(b, 4, -(1 << bits.min(20)), 1 << bits.min(20)))
        .collect();
    let gy: Vec<f32> = (0..len).map(|_| grad(b)).collect();
    let mut y = vec![0.0f32; len];
    let r = q.forward(&v, &s, &mut y);
    let fits = groups > 0 && len % groups == 0;
    let good_s = s.iter().all(|s| s.is_finite() && *s > 0.0);
    if !fits || !good_s {
        assert!(r.is_err(), "accepted s {s:?} or layout {layout:?} of {len}");
        return;
    }
    r.expect("valid call");
    let (qn, qp) = (Integer::from(q.q_n()), Integer::from(q.q_p()));
    let (mut gv, mut gs) = (vec![0.0f32; len], vec![0.0f32; groups]);
    q.backward(&v, &s, &gy, &mut gv, &mut gs)
        .expect("valid call");
    for i in 0..len {
        let si = s[group_of(layout, i, len)];
        let neg_qn = Integer::from(-&qn);
        let (k, inside) = if v[i].is_nan() {
            (
                if v[i].is_sign_negative() {
                    neg_qn
                } else {
                    qp.clone()
                },
                false,
            )
        } else if v[i].is_infinite() {
            (if v[i] < 0.0 { neg_qn } else { qp.clone() }, false)
        } else {
            let r = Rational::from(exact(v[i]) / exact(si));
            if r <= neg_qn {
                (neg_qn, false)
            } else if r >= qp {
                (qp.clone(), false)
            } else {
                (round_q(&r, Quantization::RndConv), true)
            }
        };
        let want = Rational::from(Rational::from(k) * exact(si));
        if let Some(w) = to_f32_once(&want) {
            assert_eq!(y[i].to_bits(), w.to_bits(), "LSQ {:e}/{:e}", v[i], si);
        }
        assert_eq!(
            gv[i],
            if inside { gy[i] } else { 0.0 },
            "LSQ grad of {:e}/{:e}",
            v[i],
            si
        );
    }
}

fn pact(b: &mut Bytes<'_>) {
    let bits = u32::from(b.byte() % 27);
    let (layout, len) = layout_len(b);
    let p = match Pact::new(bits, layout) {
        Ok(p) => p,
        Err(QatError::Param(_)) => {
            assert!(bits == 0 || bits > 24, "refused {bits}");
            return;
        }
        Err(e) => panic!("{e:?}"),
    };
    let groups = layout.groups();
    let alpha: Vec<f32> = (0..groups).map(|_| positive_param(b)).collect();
    let x: Vec<f32> = (0..len).map(|_| element(b, 6, -64, 512)).collect();
    let gy: Vec<f32> = (0..len).map(|_| grad(b)).collect();
    let mut y = vec![0.0f32; len];
    let r = p.forward(&x, &alpha, &mut y);
    let fits = groups > 0 && len % groups == 0;
    let good = alpha.iter().all(|a| a.is_finite() && *a > 0.0);
    if !fits || !good {
        assert!(
            r.is_err(),
            "accepted α {alpha:?} or layout {layout:?} of {len}"
        );
        return;
    }
    r.expect("valid call");
    let n = Integer::from(p.levels());
    let (mut gx, mut ga) = (vec![0.0f32; len], vec![0.0f32; groups]);
    p.backward(&x, &alpha, &gy, &mut gx, &mut ga)
        .expect("valid call");
    for i in 0..len {
        let a = alpha[group_of(layout, i, len)];
        let ae = exact(a);
        let c = if x[i].is_nan() {
            if x[i].is_sign_negative() {
                Rational::new()
            } else {
                ae.clone()
            }
        } else if x[i] > 0.0 {
            if x[i] >= a { ae.clone() } else { exact(x[i]) }
        } else {
            Rational::new()
        };
        let k = round_q(&(Rational::from(&c * &n) / &ae), Quantization::RndConv);
        let want = Rational::from(Rational::from(k) * &ae / &n);
        if let Some(w) = to_f32_once(&want) {
            assert_eq!(y[i].to_bits(), w.to_bits(), "PACT {:e} α {:e}", x[i], a);
        }
        let pass = x[i] >= 0.0 && x[i] < a;
        assert_eq!(
            gx[i],
            if pass { gy[i] } else { 0.0 },
            "PACT grad of {:e}",
            x[i]
        );
    }
}
