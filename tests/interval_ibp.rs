//! Interval bound propagation and accumulator range analysis, checked by sampling.
//!
//! - A random 8 → 16 → 16 → 4 ReLU network in binary32 and in bfloat16: the sound
//!   endpoint-form bounds of an input box contain the outputs of 10^5 forward passes
//!   (random points and every corner of the box), each computed in the format with
//!   round-to-nearest in the same order — the network as deployed. The centre-radius
//!   bounds contain the binary64 reference outputs of interior points, and fast mode stays
//!   within a few units of the sound bounds.
//! - The same network in fixed point as HLS computes it (`ap_fixed<16,6,AP_RND_CONV,AP_SAT>`
//!   weights and activations, exact products summed into a saturating `ap_fixed<32,12>`,
//!   each output cast back and rectified): bounds computed in the accumulator type and
//!   rounded outward into the activation type contain 10^5 such forward passes, with
//!   moderate weights (every bound finite) and large ones (saturating outputs).
//! - Range analysis: for random layers and boxes, the exact accumulator ranges equal the
//!   values at the adversarial corners, contain every sampled accumulator (computed
//!   exactly), and the integer bits are minimal: I bits hold every value, I − 1 do not
//!   hold the extreme one. The accumulator types it picks (saturating, wrapping,
//!   symmetric-saturating) never overflow when the HLS accumulation runs on adversarial
//!   and sampled inputs, and one integer bit fewer would not hold the range.

use lowprec::fixed::modes::{AP_RND_CONV, AP_SAT, AP_TRN};
use lowprec::fixed::{ApFixed, Fixed, FixedFormat, FixedParams, Fx, OverflowMode};
use lowprec::float::formats::Bf16;
use lowprec::float::{Exact, Fp};
use lowprec::interval::ibp::{self, AccRange, Form};
use lowprec::interval::{Ext, Interval, Scalar};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64, Status};

const SIZES: [usize; 4] = [8, 16, 16, 4];

fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A layer: row-major weights and biases as f64 values of the target format.
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
    inputs: usize,
}

fn network(rng: &mut SplitMix64, round: impl Fn(f64) -> f64) -> Vec<Layer> {
    SIZES
        .windows(2)
        .map(|s| Layer {
            w: (0..s[0] * s[1])
                .map(|_| round((unit(rng) * 2.0 - 1.0) / (s[0] as f64).sqrt()))
                .collect(),
            b: (0..s[1]).map(|_| round(unit(rng) * 0.2 - 0.1)).collect(),
            inputs: s[0],
        })
        .collect()
}

/// Forward pass in a format's round-to-nearest arithmetic: acc = b; acc = acc + w·x.
fn forward<V: Copy>(
    net: &[Layer],
    x: &[V],
    from: impl Fn(f64) -> V,
    add: impl Fn(V, V) -> V,
    mul: impl Fn(V, V) -> V,
    relu: impl Fn(V) -> V,
) -> Vec<V> {
    let mut cur = x.to_vec();
    for (k, l) in net.iter().enumerate() {
        let mut next = Vec::with_capacity(l.b.len());
        for (i, &b) in l.b.iter().enumerate() {
            let mut acc = from(b);
            for (j, &xj) in cur.iter().enumerate() {
                acc = add(acc, mul(from(l.w[i * l.inputs + j]), xj));
            }
            next.push(if k + 1 < net.len() { relu(acc) } else { acc });
        }
        cur = next;
    }
    cur
}

/// Sound IBP through the network.
fn propagate<T: Scalar>(
    net: &[Layer],
    x: &[Interval<T>],
    value: impl Fn(f64) -> T::Value,
    form: Form,
) -> Vec<Interval<T>> {
    let mut cur = x.to_vec();
    for (k, l) in net.iter().enumerate() {
        let w: Vec<T::Value> = l.w.iter().map(|&v| value(v)).collect();
        let b: Vec<T::Value> = l.b.iter().map(|&v| value(v)).collect();
        let mut next = vec![Interval::empty_in(cur[0].format()); l.b.len()];
        ibp::dense(&w, &b, &cur, &mut next, form).unwrap();
        if k + 1 < net.len() {
            ibp::relu(&mut next);
        }
        cur = next;
    }
    cur
}

fn sample_box(rng: &mut SplitMix64, lo: &[f64], hi: &[f64], step: usize) -> Vec<f64> {
    let n = lo.len();
    if step < 1 << n {
        // Every corner of the box first.
        return (0..n)
            .map(|j| if step >> j & 1 == 1 { hi[j] } else { lo[j] })
            .collect();
    }
    (0..n)
        .map(|j| lo[j] + unit(rng) * (hi[j] - lo[j]))
        .collect()
}

const SAMPLES: usize = 100_000;

#[test]
fn fp32_network_bounds_contain_forward_passes() {
    let mut rng = SplitMix64::new(0x01BB_0F32);
    let net = network(&mut rng, |v| v as f32 as f64);
    let lo: Vec<f64> = (0..8)
        .map(|_| (unit(&mut rng) * 2.0 - 1.0) as f32 as f64)
        .collect();
    let hi: Vec<f64> = lo
        .iter()
        .map(|&l| (l + 0.05 + unit(&mut rng) * 0.5) as f32 as f64)
        .collect();
    let xbox: Vec<Interval<f32>> = lo
        .iter()
        .zip(&hi)
        .map(|(&l, &h)| Interval::new(l as f32, h as f32))
        .collect();
    let end = propagate::<f32>(&net, &xbox, |v| v as f32, Form::Endpoint);
    let mid = propagate::<f32>(&net, &xbox, |v| v as f32, Form::MidRad);
    for (e, m) in end.iter().zip(&mid) {
        assert!(e.subset(*m), "endpoint {e:?} not inside mid-rad {m:?}");
    }
    let mut interior_checked = 0;
    for s in 0..SAMPLES {
        let x = sample_box(&mut rng, &lo, &hi, s);
        // In the format, round-to-nearest, same order: inside the endpoint bounds.
        let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let y = forward(
            &net,
            &xf,
            |v| v as f32,
            |a, b| a + b,
            |a, b| a * b,
            |a| a.max(0.0),
        );
        for (yi, bi) in y.iter().zip(&end) {
            assert!(bi.contains(*yi), "sample {s}: {yi} outside {bi:?}");
        }
        // A binary64 reference of interior points: inside the centre-radius bounds.
        if s >= 1 << 8 {
            let r = forward(&net, &x, |v| v, |a, b| a + b, |a, b| a * b, |a| a.max(0.0));
            for (ri, bi) in r.iter().zip(&mid) {
                let (l, h) = bi.to_f64_pair();
                assert!(l <= *ri && *ri <= h, "sample {s}: {ri} outside {bi:?}");
            }
            interior_checked += 1;
        }
    }
    assert!(interior_checked > 90_000);

    // Fast mode: the same bounds up to rounding.
    let mut flo: Vec<f32> = lo.iter().map(|&v| v as f32).collect();
    let mut fhi: Vec<f32> = hi.iter().map(|&v| v as f32).collect();
    for (k, l) in net.iter().enumerate() {
        let w: Vec<f32> = l.w.iter().map(|&v| v as f32).collect();
        let b: Vec<f32> = l.b.iter().map(|&v| v as f32).collect();
        let (mut ylo, mut yhi) = (vec![0f32; b.len()], vec![0f32; b.len()]);
        ibp::dense_fast(&w, &b, &flo, &fhi, &mut ylo, &mut yhi, Form::Endpoint).unwrap();
        if k + 1 < net.len() {
            ibp::relu_fast(&mut ylo, &mut yhi);
        }
        flo = ylo;
        fhi = yhi;
    }
    for ((l, h), e) in flo.iter().zip(&fhi).zip(&end) {
        let tol = 1e-5 * (1.0 + e.mag().unwrap());
        assert!((l - e.inf()).abs() <= tol && (h - e.sup()).abs() <= tol);
    }
}

#[test]
fn bf16_network_bounds_contain_forward_passes() {
    type B = Fp<Bf16>;
    let mut rng = SplitMix64::new(0x1BB0_BF16);
    let bf = |v: f64| B::from_f64(v).to_f64();
    let net = network(&mut rng, bf);
    let lo: Vec<f64> = (0..8).map(|_| bf(unit(&mut rng) * 2.0 - 1.0)).collect();
    let hi: Vec<f64> = lo
        .iter()
        .map(|&l| bf(l + 0.05 + unit(&mut rng) * 0.5))
        .collect();
    let xbox: Vec<Interval<B>> = lo
        .iter()
        .zip(&hi)
        .map(|(&l, &h)| Interval::new(B::from_f64(l), B::from_f64(h)))
        .collect();
    let end = propagate::<B>(&net, &xbox, B::from_f64, Form::Endpoint);
    let mid = propagate::<B>(&net, &xbox, B::from_f64, Form::MidRad);
    let zero = B::from_f64(0.0);
    for s in 0..SAMPLES {
        let x: Vec<B> = sample_box(&mut rng, &lo, &hi, s)
            .iter()
            .map(|&v| B::from_f64(v))
            .collect();
        let y = forward(
            &net,
            &x,
            B::from_f64,
            |a, b| a + b,
            |a, b| a * b,
            |a| if a < zero { zero } else { a },
        );
        for (yi, bi) in y.iter().zip(&end) {
            let v = yi.to_f64();
            let (l, h) = bi.to_f64_pair();
            assert!(l <= v && v <= h, "sample {s}: {v} outside [{l}, {h}]");
        }
    }
    // The exact outputs at the box's corners (binary64 reference of bf16 data: products
    // are exact, and 16-term sums lose far less than a bf16 unit) lie in both forms.
    for s in 0..256 {
        let x = sample_box(&mut rng, &lo, &hi, s);
        let r = forward(&net, &x, |v| v, |a, b| a + b, |a, b| a * b, |a| a.max(0.0));
        for (ri, (e, m)) in r.iter().zip(end.iter().zip(&mid)) {
            for bi in [e, m] {
                let (l, h) = bi.to_f64_pair();
                assert!(l <= *ri && *ri <= h, "corner {s}: {ri} outside [{l}, {h}]");
            }
        }
    }
}

/// Σ w·x + b exactly, rounded once in `mode` to binary64.
fn exact_acc(w: &[f64], x: &[f64], b: f64, mode: Rounding) -> f64 {
    let mut ws: Vec<u64> = w.iter().map(|v| v.to_bits()).collect();
    let mut xs: Vec<u64> = x.iter().map(|v| v.to_bits()).collect();
    ws.push(1f64.to_bits());
    xs.push(b.to_bits());
    let f = FloatFormat::FP64;
    let r = f
        .dot_exact(
            &ws,
            &xs,
            &f,
            Round::new(mode, Overflow::Ieee),
            &mut SplitMix64::new(0),
        )
        .unwrap();
    f64::from_bits(r.value)
}

fn fits(v_lo: f64, v_hi: f64, i: i32, signed: bool, frac: i32) -> bool {
    let top = 2f64.powi(i - i32::from(signed));
    let max = top - 2f64.powi(-frac);
    let min = if signed { -top } else { 0.0 };
    v_lo >= min && v_hi <= max
}

#[test]
fn range_analysis_bits_are_never_exceeded_and_minimal() {
    let mut rng = SplitMix64::new(0xACC);
    let bf = |v: f64| Fp::<Bf16>::from_f64(v).to_f64();
    for trial in 0..40 {
        let n = 1 + (rng.next_u64() % 48) as usize;
        let m = 1 + (rng.next_u64() % 8) as usize;
        let scale = 2f64.powi((rng.next_u64() % 12) as i32 - 4);
        let w: Vec<f64> = (0..n * m)
            .map(|_| bf((unit(&mut rng) * 2.0 - 1.0) * scale))
            .collect();
        let b: Vec<f64> = (0..m).map(|_| bf(unit(&mut rng) * scale)).collect();
        let unsigned_inputs = trial % 3 == 0;
        let lo: Vec<f64> = (0..n)
            .map(|_| {
                if unsigned_inputs {
                    bf(unit(&mut rng))
                } else {
                    bf(unit(&mut rng) * 8.0 - 4.0)
                }
            })
            .collect();
        let hi: Vec<f64> = lo.iter().map(|&l| bf(l + unit(&mut rng) * 3.0)).collect();
        let x: Vec<Interval<f64>> = lo
            .iter()
            .zip(&hi)
            .map(|(&l, &h)| Interval::new(l, h))
            .collect();
        let mut out = vec![
            AccRange {
                lo: 0.0,
                hi: 0.0,
                prefix_lo: 0.0,
                prefix_hi: 0.0
            };
            m
        ];
        let mut scratch = vec![0u64; 2 * (n + 1)];
        ibp::accumulator_range(&w, &b, &x, &mut out, &mut scratch).unwrap();
        let frac = 10;
        for (i, r) in out.iter().enumerate() {
            let row = &w[i * n..(i + 1) * n];
            // Adversarial corners give the extremes exactly.
            let up: Vec<f64> = (0..n)
                .map(|j| if row[j] >= 0.0 { hi[j] } else { lo[j] })
                .collect();
            let down: Vec<f64> = (0..n)
                .map(|j| if row[j] >= 0.0 { lo[j] } else { hi[j] })
                .collect();
            assert_eq!(r.hi, exact_acc(row, &up, b[i], Rounding::TowardPositive));
            assert_eq!(r.lo, exact_acc(row, &down, b[i], Rounding::TowardNegative));
            let bits = ibp::int_bits(r.lo, r.hi, true, frac).unwrap();
            assert!(fits(r.lo, r.hi, bits, true, frac));
            // Minimal: one bit fewer misses an adversarial value.
            assert!(
                !fits(r.lo, r.hi, bits - 1, true, frac),
                "trial {trial}: {bits} not minimal"
            );
            // Sampled accumulators, exact, and every partial sum.
            for t in 0..250 {
                let xs: Vec<f64> = (0..n)
                    .map(|j| lo[j] + unit(&mut rng) * (hi[j] - lo[j]))
                    .collect();
                let vl = exact_acc(row, &xs, b[i], Rounding::TowardNegative);
                let vh = exact_acc(row, &xs, b[i], Rounding::TowardPositive);
                assert!(r.lo <= vl && vh <= r.hi);
                assert!(fits(vl, vh, bits, true, frac));
                for k in (0..=n).filter(|_| t % 25 == 0) {
                    let pl = exact_acc(&row[..k], &xs[..k], b[i], Rounding::TowardNegative);
                    let ph = exact_acc(&row[..k], &xs[..k], b[i], Rounding::TowardPositive);
                    assert!(r.prefix_lo <= pl && ph <= r.prefix_hi);
                }
            }
            // Unsigned accumulators where the range allows.
            if r.lo >= 0.0 {
                let ub = ibp::int_bits(r.lo, r.hi, false, frac).unwrap();
                assert!(
                    fits(r.lo, r.hi, ub, false, frac) && !fits(r.lo, r.hi, ub - 1, false, frac)
                );
            } else {
                assert_eq!(ibp::int_bits(r.lo, r.hi, false, frac), None);
            }
        }
    }
}

#[test]
fn interval_weights_contain_point_weight_results() {
    let mut rng = SplitMix64::new(7);
    let n = 12;
    let w: Vec<f64> = (0..n * 3).map(|_| unit(&mut rng) - 0.5).collect();
    let wi: Vec<Interval<f64>> = w
        .iter()
        .map(|&v| Interval::new(v - 0.01, v + 0.01))
        .collect();
    let b = [0.5, -0.25, 0.0];
    let bi: Vec<Interval<f64>> = b.iter().map(|&v| Interval::point(v)).collect();
    let x: Vec<Interval<f64>> = (0..n)
        .map(|_| {
            let l = unit(&mut rng) - 0.5;
            Interval::new(l, l + 0.3)
        })
        .collect();
    let mut yp = vec![Interval::<f64>::empty(); 3];
    let mut yi = vec![Interval::<f64>::empty(); 3];
    ibp::dense(&w, &b, &x, &mut yp, Form::Endpoint).unwrap();
    ibp::dense_interval(&wi, &bi, &x, &mut yi).unwrap();
    for (p, q) in yp.iter().zip(&yi) {
        assert!(p.subset(*q), "{p:?} not in {q:?}");
    }
    // Runtime-format IBP agrees with the typed one.
    let f = FloatFormat::BF16;
    let xr: Vec<Interval<FloatFormat>> = x.iter().map(|v| v.convert_in(f)).collect();
    let wr: Vec<u64> = w
        .iter()
        .map(|&v| {
            f.from_f64_with(v, Round::NEAREST_EVEN, &mut SplitMix64::new(0))
                .value
        })
        .collect();
    let br: Vec<u64> = b
        .iter()
        .map(|&v| {
            f.from_f64_with(v, Round::NEAREST_EVEN, &mut SplitMix64::new(0))
                .value
        })
        .collect();
    let mut yr = vec![Interval::<FloatFormat>::empty_in(f); 3];
    ibp::dense(&wr, &br, &xr, &mut yr, Form::Endpoint).unwrap();
    let xt: Vec<Interval<Fp<Bf16>>> = x.iter().map(|v| v.convert_in(())).collect();
    let wt: Vec<Fp<Bf16>> = w.iter().map(|&v| Fp::from_f64(v)).collect();
    let bt: Vec<Fp<Bf16>> = b.iter().map(|&v| Fp::from_f64(v)).collect();
    let mut yt = vec![Interval::<Fp<Bf16>>::empty(); 3];
    ibp::dense(&wt, &bt, &xt, &mut yt, Form::Endpoint).unwrap();
    for (r, t) in yr.iter().zip(&yt) {
        assert_eq!(r.to_f64_pair(), t.to_f64_pair());
    }
    let _ = Exact::from_f64(0.0);
}

// ----- fixed point ---------------------------------------------------------------------

/// Weights and activations: `ap_fixed<16,6,AP_RND_CONV,AP_SAT>`.
type Act = ApFixed<16, 6, AP_RND_CONV, AP_SAT>;
/// The accumulator holds every product exactly (`ap_fixed<32,12>` is the product type)
/// and saturates.
type Acc = ApFixed<32, 12, AP_TRN, AP_SAT>;

/// Sound IBP of a random network in fixed point (weights scaled by `scale`), checked
/// against 10^5 forward passes computed as the hardware computes them. Returns how many
/// output bounds are unbounded and how many sampled outputs saturated.
fn fixed_point_network(seed: u64, scale: f64) -> (usize, usize) {
    type A = Fx<Act>;
    type C = Fx<Acc>;
    let mut rng = SplitMix64::new(seed);
    let q = |v: f64| A::from_f64(v).to_f64();
    let net = network(&mut rng, |v| q(v * scale));
    let lo: Vec<f64> = (0..8).map(|_| q(unit(&mut rng) * 8.0 - 4.0)).collect();
    let hi: Vec<f64> = lo.iter().map(|&l| q(l + 0.1 + unit(&mut rng))).collect();
    // IBP as the hardware computes: products and sums in the accumulator type (bounds
    // rounded outward there), then the cast to the activation type, then ReLU.
    let mut cur: Vec<Interval<A>> = lo
        .iter()
        .zip(&hi)
        .map(|(&l, &h)| Interval::new(A::from_f64(l), A::from_f64(h)))
        .collect();
    for (k, l) in net.iter().enumerate() {
        let w: Vec<C> = l.w.iter().map(|&v| C::from_f64(v)).collect();
        let b: Vec<C> = l.b.iter().map(|&v| C::from_f64(v)).collect();
        let x: Vec<Interval<C>> = cur.iter().map(|v| v.convert_in(())).collect();
        let mut acc = vec![Interval::<C>::empty(); l.b.len()];
        ibp::dense(&w, &b, &x, &mut acc, Form::Endpoint).unwrap();
        cur = acc.iter().map(|v| v.convert_in(())).collect();
        if k + 1 < net.len() {
            ibp::relu(&mut cur);
        }
    }
    let unbounded = cur
        .iter()
        .filter(|v| !v.inf().is_finite() || !v.sup().is_finite())
        .count();
    let (min, max) = (
        A::from_fx(Fx::<Acc>::from_f64(-1e9)),
        A::from_fx(Fx::<Acc>::from_f64(1e9)),
    );
    let mut saturated = 0;
    for s in 0..SAMPLES {
        let x: Vec<A> = sample_box(&mut rng, &lo, &hi, s)
            .iter()
            .map(|&v| A::from_f64(v))
            .collect();
        // The deployed network: acc = b; acc += w·x (exact product, cast on assignment);
        // out = acc (rounded to nearest even, saturated); ReLU.
        let mut a = x;
        for (k, l) in net.iter().enumerate() {
            let mut next = Vec::with_capacity(l.b.len());
            for (i, &bi) in l.b.iter().enumerate() {
                let mut acc = C::from_f64(bi);
                for (j, &xj) in a.iter().enumerate() {
                    acc += A::from_f64(l.w[i * l.inputs + j]) * xj;
                }
                let out = A::from_fx(acc);
                saturated += usize::from(out == min || out == max);
                next.push(if k + 1 < net.len() && out.raw() < 0 {
                    A::from_raw(0)
                } else {
                    out
                });
            }
            a = next;
        }
        for (yi, bi) in a.iter().zip(&cur) {
            assert!(
                bi.contains(Ext::Finite(*yi)),
                "sample {s}: {} outside {bi}",
                yi.to_f64()
            );
        }
    }
    (unbounded, saturated)
}

#[test]
fn fixed_point_network_bounds_contain_forward_passes() {
    // Moderate weights: every bound finite.
    assert_eq!(fixed_point_network(0x01BB_F1ED, 2.5).0, 0);
    // Large weights: some accumulators leave the activation range; the deployed network
    // saturates, and the bounds (unbounded there) still hold every output.
    let (unbounded, saturated) = fixed_point_network(0x01BB_F1ED, 6.0);
    assert!(unbounded > 0 && saturated > 0, "{unbounded} {saturated}");
}

#[test]
fn accumulator_types_from_the_range_analysis_never_overflow() {
    let act = Fx::<Act>::FORMAT;
    let mut rng = SplitMix64::new(0xACC_F1ED);
    let q = |v: f64| Fx::<Act>::from_f64(v).to_f64();
    for trial in 0..30 {
        let n = 1 + (rng.next_u64() % 32) as usize;
        let scale = 2f64.powi((rng.next_u64() % 6) as i32 - 2);
        let w: Vec<f64> = (0..n)
            .map(|_| q((unit(&mut rng) * 2.0 - 1.0) * scale))
            .collect();
        let b = q(unit(&mut rng) * scale);
        let lo: Vec<f64> = (0..n).map(|_| q(unit(&mut rng) * 8.0 - 4.0)).collect();
        let hi: Vec<f64> = lo.iter().map(|&l| q(l + unit(&mut rng) * 3.0)).collect();
        let x: Vec<Interval<FixedFormat>> = lo
            .iter()
            .zip(&hi)
            .map(|(&l, &h)| Interval::from_f64_in(act, l, h))
            .collect();
        let bits = |v: f64| act.from_f64(v);
        let wb: Vec<u64> = w.iter().map(|&v| bits(v)).collect();
        let mut out = [AccRange {
            lo: 0.0,
            hi: 0.0,
            prefix_lo: 0.0,
            prefix_hi: 0.0,
        }];
        let mut scratch = vec![0u64; 2 * (n + 1)];
        ibp::accumulator_range(&wb, &[bits(b)], &x, &mut out, &mut scratch).unwrap();
        let r = out[0];
        for template in [
            "ap_fixed<40,12,AP_TRN,AP_SAT>",
            "ap_fixed<40,12>",
            "ap_fixed<40,12,AP_TRN,AP_SAT_SYM>",
        ] {
            let t: FixedFormat = template.parse().unwrap();
            let acc = r.accumulator_format(t).unwrap();
            assert_eq!(acc.frac_bits(), t.frac_bits(), "{template}");
            let modular = t.overflow() == OverflowMode::Wrap;
            // One integer bit fewer.
            let tighter = FixedFormat::new(FixedParams {
                quantization: acc.quantization(),
                overflow: acc.overflow(),
                ..FixedParams::ap_fixed(acc.width() - 1, acc.int_bits() - 1)
            })
            .unwrap();
            // acc = b; acc += w·x as HLS does; true when no step overflows (saturating
            // types) or the final value is right (wrapping ones).
            let run = |f: &FixedFormat, xs: &[f64]| -> bool {
                let exact: f64 = b + w.iter().zip(xs).map(|(a, c)| a * c).sum::<f64>();
                let mut a = f.from_f64_with(b);
                let mut ok = !a.status.contains(Status::OVERFLOW);
                for (wj, xj) in w.iter().zip(xs) {
                    let p = Fixed::from_f64(act, *wj)
                        .wide()
                        .mul(&Fixed::from_f64(act, *xj).wide())
                        .unwrap();
                    a = f.add_assign_with(a.value, &p);
                    ok &= !a.status.contains(Status::OVERFLOW);
                }
                if modular {
                    f.to_f64(a.value) == exact
                } else {
                    ok
                }
            };
            let up: Vec<f64> = (0..n)
                .map(|j| if w[j] >= 0.0 { hi[j] } else { lo[j] })
                .collect();
            let down: Vec<f64> = (0..n)
                .map(|j| if w[j] >= 0.0 { lo[j] } else { hi[j] })
                .collect();
            assert!(
                run(&acc, &up) && run(&acc, &down),
                "trial {trial}: {acc} overflows"
            );
            for _ in 0..200 {
                let xs: Vec<f64> = (0..n)
                    .map(|j| q(lo[j] + unit(&mut rng) * (hi[j] - lo[j])))
                    .collect();
                let xs: Vec<f64> = xs
                    .iter()
                    .zip(lo.iter().zip(&hi))
                    .map(|(&v, (&l, &h))| v.clamp(l, h))
                    .collect();
                assert!(run(&acc, &xs), "trial {trial}: {acc} overflows on a sample");
            }
            // Minimal: the narrower type fails on some ordering of the extremes — the
            // adversarial corners, or (saturating) the partial sums that reach the prefix
            // range, checked through the range itself.
            let need = if modular {
                (r.lo, r.hi)
            } else {
                (r.prefix_lo, r.prefix_hi)
            };
            let (min, max) = (
                tighter.to_f64(tighter.bits_of(tighter.min_raw())),
                tighter.to_f64(tighter.bits_of(tighter.max_raw())),
            );
            let sym = t.overflow() == OverflowMode::SatSym;
            let min = if sym { -max } else { min };
            assert!(
                need.0 < min || need.1 > max,
                "trial {trial}: {acc} is not minimal for {need:?}"
            );
        }
    }
}
