//! Training: the float network with BatchNorm, its folding, the PTQ calibration, and the
//! quantization-aware fine-tuning (QFX, and QFX with K-hot weights) with straight-through
//! gradients; conversion of a trained point into the exact [`FixedModel`].
//!
//! Everything runs on one thread with seeded [`SplitMix64`] streams, so every run gives the
//! same numbers. Tensors are flat row-major `Vec<f32>`; a batch of activations is
//! [batch][features].

use crate::data::{CLASSES, PIXELS, Sample, below};
use crate::model::{self, FixedModel, QTensor};
use lowprec::fixed::FixedFormat;
use lowprec::qat::{KHot, Layout, Qfx, QfxParams, khot_project, project_raw};
use lowprec::{RandomBits, SplitMix64};

/// Input features.
pub const N_IN: usize = PIXELS;
/// Hidden width.
pub const N_HID: usize = 32;
/// Classes.
pub const N_OUT: usize = CLASSES;
/// The K of the K-hot weights.
pub const K: u32 = 2;
/// The width of the logits at every W.
pub const Z_WIDTH: u32 = 16;
const EPS: f32 = 1e-5;

// ---------------------------------------------------------------------------------------
// Small dense algebra on flat row-major slices.

/// out[i][j] = Σ_k a[i][k]·b[j][k] (a: m×k, b: n×k).
fn mm_abt(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; m * n];
    for i in 0..m {
        let ar = &a[i * k..(i + 1) * k];
        for j in 0..n {
            let br = &b[j * k..(j + 1) * k];
            out[i * n + j] = ar.iter().zip(br).map(|(x, y)| x * y).sum();
        }
    }
    out
}

/// out[j][l] = Σ_i a[i][j]·b[i][l] (a: m×n, b: m×k): a weight gradient.
fn mm_atb(a: &[f32], b: &[f32], m: usize, n: usize, k: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; n * k];
    for i in 0..m {
        let br = &b[i * k..(i + 1) * k];
        for j in 0..n {
            let g = a[i * n + j];
            if g != 0.0 {
                for (o, &x) in out[j * k..(j + 1) * k].iter_mut().zip(br) {
                    *o += g * x;
                }
            }
        }
    }
    out
}

/// out[i][l] = Σ_j a[i][j]·b[j][l] (a: m×n, b: n×k): an input gradient.
fn mm_ab(a: &[f32], b: &[f32], m: usize, n: usize, k: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; m * k];
    for i in 0..m {
        for j in 0..n {
            let g = a[i * n + j];
            if g != 0.0 {
                for (o, &x) in out[i * k..(i + 1) * k]
                    .iter_mut()
                    .zip(&b[j * k..(j + 1) * k])
                {
                    *o += g * x;
                }
            }
        }
    }
    out
}

/// Softmax cross-entropy of a batch of logits: (summed loss, ∂(mean loss)/∂z, correct).
fn softmax_ce(z: &[f32], labels: &[u8]) -> (f64, Vec<f32>, usize) {
    let b = labels.len();
    let mut g = vec![0.0f32; z.len()];
    let mut loss = 0.0f64;
    let mut correct = 0;
    for (i, &y) in labels.iter().enumerate() {
        let row = &z[i * N_OUT..(i + 1) * N_OUT];
        let m = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e: Vec<f64> = row.iter().map(|&v| f64::from(v - m).exp()).collect();
        let sum: f64 = e.iter().sum();
        loss += sum.ln() - f64::from(row[usize::from(y)] - m);
        if argmax(row) == usize::from(y) {
            correct += 1;
        }
        for (c, gv) in g[i * N_OUT..(i + 1) * N_OUT].iter_mut().enumerate() {
            let p = e[c] / sum - if c == usize::from(y) { 1.0 } else { 0.0 };
            *gv = (p / b as f64) as f32;
        }
    }
    (loss, g, correct)
}

/// The index of the largest value, ties to the lowest index.
pub fn argmax<T: PartialOrd + Copy>(v: &[T]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// A uniform draw in [0, 1).
fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut SplitMix64) -> f32 {
    let u = 1.0 - unit(rng);
    let v = unit(rng);
    ((-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()) as f32
}

/// A shuffled order of 0..n.
fn order(rng: &mut SplitMix64, n: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        idx.swap(i, below(rng, i + 1));
    }
    idx
}

/// A batch's inputs and labels.
fn batch(data: &[Sample], idx: &[usize]) -> (Vec<f32>, Vec<u8>) {
    let mut x = Vec::with_capacity(idx.len() * N_IN);
    let mut y = Vec::with_capacity(idx.len());
    for &i in idx {
        x.extend_from_slice(&data[i].input());
        y.push(data[i].label);
    }
    (x, y)
}

// ---------------------------------------------------------------------------------------
// Adam.

/// Adam over a list of tensors (one learning rate for the list).
struct Adam {
    lr: f32,
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
    t: i32,
}

impl Adam {
    fn new(lr: f32, shapes: &[usize]) -> Adam {
        Adam {
            lr,
            m: shapes.iter().map(|&n| vec![0.0; n]).collect(),
            v: shapes.iter().map(|&n| vec![0.0; n]).collect(),
            t: 0,
        }
    }

    /// One step on `params` with gradients `grads` (same shapes as at construction),
    /// the learning rate scaled by `lr_scale`.
    fn step(&mut self, params: &mut [&mut [f32]], grads: &[&[f32]], lr_scale: f32) {
        const B1: f32 = 0.9;
        const B2: f32 = 0.999;
        self.t += 1;
        let c1 = 1.0 - B1.powi(self.t);
        let c2 = 1.0 - B2.powi(self.t);
        let lr = self.lr * lr_scale;
        for (k, (p, g)) in params.iter_mut().zip(grads).enumerate() {
            for (((pi, &gi), mi), vi) in p
                .iter_mut()
                .zip(g.iter())
                .zip(self.m[k].iter_mut())
                .zip(self.v[k].iter_mut())
            {
                *mi = B1 * *mi + (1.0 - B1) * gi;
                *vi = B2 * *vi + (1.0 - B2) * gi * gi;
                *pi -= lr * (*mi / c1) / ((*vi / c2).sqrt() + 1e-8);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The float network with BatchNorm.

/// The float network: W1, BN1 (γ, β), W2, BN2, W3, b3, and the BN running statistics.
pub struct FloatNet {
    w1: Vec<f32>,
    g1: Vec<f32>,
    be1: Vec<f32>,
    w2: Vec<f32>,
    g2: Vec<f32>,
    be2: Vec<f32>,
    w3: Vec<f32>,
    b3: Vec<f32>,
    rm1: Vec<f32>,
    rv1: Vec<f32>,
    rm2: Vec<f32>,
    rv2: Vec<f32>,
}

/// Float training hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct FloatConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Minibatch size.
    pub batch: usize,
    /// Adam learning rate (decayed linearly to 10 % over the run).
    pub lr: f32,
    /// The seed of the initialisation and the batch order.
    pub seed: u64,
}

/// What a BatchNorm forward pass keeps.
struct Bn {
    /// The output γ·x̂ + β (b×n).
    y: Vec<f32>,
    /// The normalized input x̂ (b×n).
    xhat: Vec<f32>,
    /// 1/√(var + ε) per channel.
    inv: Vec<f32>,
    /// The batch mean per channel.
    mean: Vec<f32>,
    /// The batch (biased) variance per channel.
    var: Vec<f32>,
}

/// BatchNorm in training mode over a batch h (b×n).
fn bn_forward(h: &[f32], b: usize, n: usize, g: &[f32], be: &[f32]) -> Bn {
    let mut mean = vec![0.0f32; n];
    let mut var = vec![0.0f32; n];
    for i in 0..b {
        for j in 0..n {
            mean[j] += h[i * n + j];
        }
    }
    mean.iter_mut().for_each(|m| *m /= b as f32);
    for i in 0..b {
        for j in 0..n {
            let d = h[i * n + j] - mean[j];
            var[j] += d * d;
        }
    }
    var.iter_mut().for_each(|v| *v /= b as f32);
    let inv: Vec<f32> = var.iter().map(|v| 1.0 / (v + EPS).sqrt()).collect();
    let mut xhat = vec![0.0f32; b * n];
    let mut y = vec![0.0f32; b * n];
    for i in 0..b {
        for j in 0..n {
            let k = i * n + j;
            xhat[k] = (h[k] - mean[j]) * inv[j];
            y[k] = g[j] * xhat[k] + be[j];
        }
    }
    Bn {
        y,
        xhat,
        inv,
        mean,
        var,
    }
}

/// BatchNorm backward: (∂h, ∂γ, ∂β) from ∂y.
fn bn_backward(
    dy: &[f32],
    xhat: &[f32],
    inv: &[f32],
    g: &[f32],
    b: usize,
    n: usize,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let mut dg = vec![0.0f32; n];
    let mut dbe = vec![0.0f32; n];
    for i in 0..b {
        for j in 0..n {
            dg[j] += dy[i * n + j] * xhat[i * n + j];
            dbe[j] += dy[i * n + j];
        }
    }
    let mut dh = vec![0.0f32; b * n];
    let bf = b as f32;
    for i in 0..b {
        for j in 0..n {
            let k = i * n + j;
            let dxhat = dy[k] * g[j];
            // Σ dx̂ = γ·Σ dy, Σ dx̂·x̂ = γ·∂γ.
            dh[k] = inv[j] / bf * (bf * dxhat - g[j] * dbe[j] - xhat[k] * g[j] * dg[j]);
        }
    }
    (dh, dg, dbe)
}

impl FloatNet {
    fn new(rng: &mut SplitMix64) -> FloatNet {
        let he = |rng: &mut SplitMix64, n: usize, fan_in: usize| -> Vec<f32> {
            let s = (2.0 / fan_in as f32).sqrt();
            (0..n).map(|_| normal(rng) * s).collect()
        };
        FloatNet {
            w1: he(rng, N_HID * N_IN, N_IN),
            g1: vec![1.0; N_HID],
            be1: vec![0.0; N_HID],
            w2: he(rng, N_HID * N_HID, N_HID),
            g2: vec![1.0; N_HID],
            be2: vec![0.0; N_HID],
            w3: he(rng, N_OUT * N_HID, N_HID),
            b3: vec![0.0; N_OUT],
            rm1: vec![0.0; N_HID],
            rv1: vec![1.0; N_HID],
            rm2: vec![0.0; N_HID],
            rv2: vec![1.0; N_HID],
        }
    }

    /// Trains on `train` with batch statistics; returns the network.
    pub fn train(train: &[Sample], cfg: &FloatConfig) -> FloatNet {
        let mut rng = SplitMix64::new(cfg.seed);
        let mut net = FloatNet::new(&mut rng);
        let shapes = [
            N_HID * N_IN,
            N_HID,
            N_HID,
            N_HID * N_HID,
            N_HID,
            N_HID,
            N_OUT * N_HID,
            N_OUT,
        ];
        let mut adam = Adam::new(cfg.lr, &shapes);
        let steps_per_epoch = train.len().div_ceil(cfg.batch);
        let total = (cfg.epochs * steps_per_epoch) as f32;
        let mut step = 0usize;
        for _ in 0..cfg.epochs {
            let ord = order(&mut rng, train.len());
            for chunk in ord.chunks(cfg.batch) {
                if chunk.len() < 2 {
                    continue; // batch statistics need two samples
                }
                let (x, y) = batch(train, chunk);
                let grads = net.step(&x, &y);
                let lr_scale = 1.0 - 0.9 * step as f32 / total;
                step += 1;
                let FloatNet {
                    w1,
                    g1,
                    be1,
                    w2,
                    g2,
                    be2,
                    w3,
                    b3,
                    ..
                } = &mut net;
                let g: Vec<&[f32]> = grads.iter().map(|v| v.as_slice()).collect();
                adam.step(&mut [w1, g1, be1, w2, g2, be2, w3, b3], &g, lr_scale);
            }
        }
        net
    }

    /// Forward and backward of one batch in training mode (updates the running
    /// statistics); the gradients in the order W1, γ1, β1, W2, γ2, β2, W3, b3.
    fn step(&mut self, x: &[f32], labels: &[u8]) -> Vec<Vec<f32>> {
        const MOM: f32 = 0.1;
        let b = labels.len();
        let h1 = mm_abt(x, &self.w1, b, N_IN, N_HID);
        let Bn {
            y: y1,
            xhat: xh1,
            inv: inv1,
            mean: m1,
            var: v1,
        } = bn_forward(&h1, b, N_HID, &self.g1, &self.be1);
        let a1: Vec<f32> = y1.iter().map(|v| v.max(0.0)).collect();
        let h2 = mm_abt(&a1, &self.w2, b, N_HID, N_HID);
        let Bn {
            y: y2,
            xhat: xh2,
            inv: inv2,
            mean: m2,
            var: v2,
        } = bn_forward(&h2, b, N_HID, &self.g2, &self.be2);
        let a2: Vec<f32> = y2.iter().map(|v| v.max(0.0)).collect();
        let r: Vec<f32> = a1.iter().zip(&a2).map(|(p, q)| p + q).collect();
        let mut z = mm_abt(&r, &self.w3, b, N_HID, N_OUT);
        for i in 0..b {
            for (o, zv) in z[i * N_OUT..(i + 1) * N_OUT].iter_mut().enumerate() {
                *zv += self.b3[o];
            }
        }
        let unbias = b as f32 / (b as f32 - 1.0);
        for j in 0..N_HID {
            self.rm1[j] = (1.0 - MOM) * self.rm1[j] + MOM * m1[j];
            self.rv1[j] = (1.0 - MOM) * self.rv1[j] + MOM * v1[j] * unbias;
            self.rm2[j] = (1.0 - MOM) * self.rm2[j] + MOM * m2[j];
            self.rv2[j] = (1.0 - MOM) * self.rv2[j] + MOM * v2[j] * unbias;
        }
        let (_, dz, _) = softmax_ce(&z, labels);
        let dw3 = mm_atb(&dz, &r, b, N_OUT, N_HID);
        let mut db3 = vec![0.0f32; N_OUT];
        for i in 0..b {
            for o in 0..N_OUT {
                db3[o] += dz[i * N_OUT + o];
            }
        }
        let dr = mm_ab(&dz, &self.w3, b, N_OUT, N_HID);
        let dy2: Vec<f32> = dr
            .iter()
            .zip(&y2)
            .map(|(&d, &y)| if y > 0.0 { d } else { 0.0 })
            .collect();
        let (dh2, dg2, dbe2) = bn_backward(&dy2, &xh2, &inv2, &self.g2, b, N_HID);
        let dw2 = mm_atb(&dh2, &a1, b, N_HID, N_HID);
        let da1_2 = mm_ab(&dh2, &self.w2, b, N_HID, N_HID);
        let dy1: Vec<f32> = dr
            .iter()
            .zip(&da1_2)
            .zip(&y1)
            .map(|((&d, &e), &y)| if y > 0.0 { d + e } else { 0.0 })
            .collect();
        let (dh1, dg1, dbe1) = bn_backward(&dy1, &xh1, &inv1, &self.g1, b, N_HID);
        let dw1 = mm_atb(&dh1, x, b, N_HID, N_IN);
        vec![dw1, dg1, dbe1, dw2, dg2, dbe2, dw3, db3]
    }

    /// BatchNorm folded into per-channel scale and shift with the running statistics:
    /// s = γ/√(var + ε), b = β − γ·mean/√(var + ε).
    pub fn fold(&self) -> Folded {
        let fold = |g: &[f32], be: &[f32], rm: &[f32], rv: &[f32]| {
            let s: Vec<f32> = g
                .iter()
                .zip(rv)
                .map(|(g, v)| g / (v + EPS).sqrt())
                .collect();
            let b: Vec<f32> = be
                .iter()
                .zip(&s)
                .zip(rm)
                .map(|((be, s), m)| be - s * m)
                .collect();
            (s, b)
        };
        let (s1, b1) = fold(&self.g1, &self.be1, &self.rm1, &self.rv1);
        let (s2, b2) = fold(&self.g2, &self.be2, &self.rm2, &self.rv2);
        Folded {
            t: [
                self.w1.clone(),
                s1,
                b1,
                self.w2.clone(),
                s2,
                b2,
                self.w3.clone(),
                self.b3.clone(),
            ],
        }
    }
}

// ---------------------------------------------------------------------------------------
// The folded network: float evaluation and calibration.

/// Indices of the parameter tensors of a [`Folded`] network.
pub const W1: usize = 0;
/// s1.
pub const S1: usize = 1;
/// b1.
pub const B1: usize = 2;
/// W2.
pub const W2: usize = 3;
/// s2.
pub const S2: usize = 4;
/// b2.
pub const B2: usize = 5;
/// W3.
pub const W3: usize = 6;
/// b3.
pub const B3: usize = 7;

/// The BN-folded network's parameters: W1, s1, b1, W2, s2, b2, W3, b3.
#[derive(Clone, Debug)]
pub struct Folded {
    /// The tensors, indexed by [`W1`] … [`B3`].
    pub t: [Vec<f32>; 8],
}

/// The intermediate values of a folded float forward pass over a batch.
struct Trace {
    /// relu(s1·(W1x) + b1), before the A1 cast.
    u1: Vec<f32>,
    /// relu(s2·(W2a1) + b2).
    u2: Vec<f32>,
    /// a1 + a2.
    v: Vec<f32>,
    /// W3r + b3.
    zz: Vec<f32>,
}

impl Folded {
    /// The float forward pass over a batch x (b×64).
    fn trace(&self, x: &[f32], b: usize) -> Trace {
        let t = &self.t;
        let layer = |inp: &[f32], w: &[f32], s: &[f32], bias: &[f32], k: usize| -> Vec<f32> {
            let mut h = mm_abt(inp, w, b, k, N_HID);
            for i in 0..b {
                for j in 0..N_HID {
                    let v = &mut h[i * N_HID + j];
                    *v = (s[j] * *v + bias[j]).max(0.0);
                }
            }
            h
        };
        let u1 = layer(x, &t[W1], &t[S1], &t[B1], N_IN);
        let u2 = layer(&u1, &t[W2], &t[S2], &t[B2], N_HID);
        let v: Vec<f32> = u1.iter().zip(&u2).map(|(p, q)| p + q).collect();
        let mut zz = mm_abt(&v, &t[W3], b, N_HID, N_OUT);
        for i in 0..b {
            for o in 0..N_OUT {
                zz[i * N_OUT + o] += t[B3][o];
            }
        }
        Trace { u1, u2, v, zz }
    }

    /// Float test accuracy.
    pub fn accuracy(&self, data: &[Sample]) -> f64 {
        let idx: Vec<usize> = (0..data.len()).collect();
        let (x, y) = batch(data, &idx);
        let tr = self.trace(&x, data.len());
        let ok = y
            .iter()
            .enumerate()
            .filter(|&(i, &l)| argmax(&tr.zz[i * N_OUT..(i + 1) * N_OUT]) == usize::from(l))
            .count();
        ok as f64 / data.len() as f64
    }
}

// ---------------------------------------------------------------------------------------
// Quantizers and the conversion to the exact model.

/// Indices of the 13 quantized tensors (one binary point each).
pub const QX: usize = 0;
/// The quantizers in order: x, W1, s1, b1, A1, W2, s2, b2, A2, R, W3, b3, Z.
pub const Q_NAMES: [&str; 13] = [
    "x", "W1", "s1", "b1", "A1", "W2", "s2", "b2", "A2", "R", "W3", "b3", "Z",
];
const QW1: usize = 1;
const QS1: usize = 2;
const QB1: usize = 3;
const QA1: usize = 4;
const QW2: usize = 5;
const QS2: usize = 6;
const QB2: usize = 7;
const QA2: usize = 8;
const QR: usize = 9;
const QW3: usize = 10;
const QB3: usize = 11;
const QZ: usize = 12;

/// The quantizer of each parameter tensor [`W1`] … [`B3`].
const PARAM_Q: [usize; 8] = [QW1, QS1, QB1, QW2, QS2, QB2, QW3, QB3];

/// The 13 quantizers of a width W (per tensor, AP_RND_CONV, AP_SAT).
pub struct Quant {
    q: [Qfx; 13],
}

impl Quant {
    /// The quantizers of width `w` (Z: 16 bits; x, A1, A2, R unsigned).
    pub fn new(w: u32) -> Quant {
        let mk = |width: u32, signed: bool| {
            Qfx::new(QfxParams {
                signed,
                ..QfxParams::ap_fixed(width, Layout::PerTensor)
            })
            .expect("a valid QFX quantizer")
        };
        let q = std::array::from_fn(|i| match i {
            QX | QA1 | QA2 | QR => mk(w, false),
            QZ => mk(Z_WIDTH, true),
            _ => mk(w, true),
        });
        Quant { q }
    }

    /// The format of quantizer `i` at latent `f`.
    pub fn format(&self, i: usize, f: f32) -> FixedFormat {
        self.q[i].format(f).expect("a finite latent binary point")
    }

    /// PTQ: binary points from statistics (max |x|) of the folded weights and of the float
    /// model's activations over the calibration set.
    pub fn calibrate(&self, net: &Folded, calib: &[Sample]) -> [f32; 13] {
        let idx: Vec<usize> = (0..calib.len()).collect();
        let (x, _) = batch(calib, &idx);
        let tr = net.trace(&x, calib.len());
        let mut f = [0.0f32; 13];
        let mut init = |i: usize, v: &[f32]| {
            let mut out = [0.0f32];
            self.q[i]
                .init_frac_max_abs(v, &mut out)
                .expect("per-tensor layout");
            f[i] = out[0];
        };
        init(QX, &x);
        for (t, &qi) in PARAM_Q.iter().enumerate() {
            init(qi, &net.t[t]);
        }
        init(QA1, &tr.u1);
        init(QA2, &tr.u2);
        init(QR, &tr.v);
        init(QZ, &tr.zz);
        f
    }

    /// The exact fixed-point model of a trained point (K-hot weights when `khot`).
    pub fn fixed_model(&self, name: &str, net: &Folded, f: &[f32; 13], khot: bool) -> FixedModel {
        let tensor = |t: usize| -> QTensor {
            let qi = PARAM_Q[t];
            let ty = self.format(qi, f[qi]);
            let is_w = matches!(t, W1 | W2 | W3);
            let raw = net.t[t]
                .iter()
                .map(|&v| {
                    let r = ty.raw_of(ty.from_f32(v));
                    let r = if khot && is_w {
                        project_raw(&ty, r, K, KHot::Csd).expect("a raw integer of the type")
                    } else {
                        r
                    };
                    r as i64
                })
                .collect();
            QTensor { ty, raw }
        };
        FixedModel {
            name: name.to_string(),
            n_in: N_IN,
            n_hid: N_HID,
            n_out: N_OUT,
            input: self.format(QX, f[QX]),
            w1: tensor(W1),
            s1: tensor(S1),
            b1: tensor(B1),
            a1: self.format(QA1, f[QA1]),
            w2: tensor(W2),
            s2: tensor(S2),
            b2: tensor(B2),
            a2: self.format(QA2, f[QA2]),
            r: self.format(QR, f[QR]),
            w3: tensor(W3),
            b3: tensor(B3),
            z: self.format(QZ, f[QZ]),
            khot: khot.then_some(K),
        }
    }
}

/// Accuracy and mean cross-entropy of the exact model on `data` (the logits' exact values).
/// The model must pass [`FixedModel::check`].
pub fn evaluate(m: &FixedModel, data: &[Sample]) -> (f64, f64) {
    let scale = (-f64::from(m.z.frac_bits())).exp2();
    let mut ok = 0usize;
    let mut loss = 0.0f64;
    for s in data {
        let z = m.logits(&s.pixels);
        // The class as `FixedModel::predict` gives it (argmax of these logits).
        if model::argmax(&z) == usize::from(s.label) {
            ok += 1;
        }
        let zf: Vec<f64> = z.iter().map(|&r| r as f64 * scale).collect();
        let mx = zf.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = zf.iter().map(|v| (v - mx).exp()).sum();
        loss += sum.ln() - (zf[usize::from(s.label)] - mx);
    }
    (ok as f64 / data.len() as f64, loss / data.len() as f64)
}

// ---------------------------------------------------------------------------------------
// Quantization-aware fine-tuning.

/// Fine-tuning hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct QatConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Minibatch size.
    pub batch: usize,
    /// Adam learning rate of the weights, scales and biases (decayed linearly to 10 %).
    pub lr_w: f32,
    /// Adam learning rate of the latent binary points (same decay).
    pub lr_f: f32,
    /// The seed of the batch order.
    pub seed: u64,
}

/// The result of a fine-tuning run.
pub struct QatResult {
    /// The selected parameters.
    pub net: Folded,
    /// The selected latent binary points.
    pub f: [f32; 13],
    /// The selected epoch (1-based).
    pub epoch: usize,
    /// The validation accuracy of the selected epoch (exact inference).
    pub val_acc: f64,
    /// The validation cross-entropy of the selected epoch (exact logits).
    pub val_loss: f64,
    /// The hyperparameters of the run.
    pub cfg: QatConfig,
}

/// Fake quantization of a parameter tensor: y, and for the backward pass the tensor itself.
fn quant_param(q: &Qfx, f: f32, x: &[f32], khot: bool) -> Vec<f32> {
    let mut y = vec![0.0f32; x.len()];
    if khot {
        let fmt = q.format(f).expect("a finite latent binary point");
        khot_project(&fmt, K, KHot::Csd, x, &mut y).expect("equal lengths");
    } else {
        q.forward(&[f], x, &mut y).expect("equal lengths");
    }
    y
}

/// The straight-through backward of a K-hot parameter: ∂L/∂x passes where the cast is in
/// range; ∂L/∂F by the QFX region rule with the K-hot value y in place of the cast's.
fn khot_param_backward(q: &Qfx, f: f32, x: &[f32], y: &[f32], gy: &[f32]) -> (Vec<f32>, f32) {
    let ones = vec![1.0f32; x.len()];
    let mut mask = vec![0.0f32; x.len()];
    let mut unused = [0.0f32];
    q.backward(&[f], x, &ones, &mut mask, &mut unused)
        .expect("equal lengths");
    let mut gx = vec![0.0f32; x.len()];
    let mut gf = 0.0f64;
    let ln2 = std::f64::consts::LN_2;
    for i in 0..x.len() {
        let g = f64::from(gy[i]);
        if mask[i] != 0.0 {
            gx[i] = gy[i];
            gf += g * (-ln2 * (f64::from(y[i]) - f64::from(x[i])));
        } else {
            gf += g * (-ln2 * f64::from(y[i]));
        }
    }
    (gx, gf as f32)
}

/// The fake-quantized forward pass of a batch, with what the backward pass needs.
struct Fwd {
    /// The quantized parameters W1 … b3.
    pq: Vec<Vec<f32>>,
    xq: Vec<f32>,
    acc1: Vec<f32>,
    t1: Vec<f32>,
    u1: Vec<f32>,
    a1: Vec<f32>,
    acc2: Vec<f32>,
    t2: Vec<f32>,
    u2: Vec<f32>,
    v: Vec<f32>,
    r: Vec<f32>,
    zz: Vec<f32>,
    /// The quantized logits.
    z: Vec<f32>,
}

/// The fake-quantized forward pass of a batch x (b×64): every tensor through its
/// quantizer (`Qfx::forward`, and the K-hot projection for W1..W3 when `khot`).
fn fake_forward(quant: &Quant, net: &Folded, f: &[f32; 13], khot: bool, x: &[f32]) -> Fwd {
    let b = x.len() / N_IN;
    let q = &quant.q;
    let pq: Vec<Vec<f32>> = (0..8)
        .map(|t| {
            let is_w = matches!(t, W1 | W2 | W3);
            quant_param(&q[PARAM_Q[t]], f[PARAM_Q[t]], &net.t[t], khot && is_w)
        })
        .collect();
    let fwd = |i: usize, v: &[f32]| {
        let mut y = vec![0.0f32; v.len()];
        q[i].forward(&[f[i]], v, &mut y).expect("equal lengths");
        y
    };
    let xq = fwd(QX, x);
    let layer = |inp: &[f32], w: &[f32], s: &[f32], bias: &[f32], k: usize| {
        let acc = mm_abt(inp, w, b, k, N_HID);
        let t: Vec<f32> = acc
            .iter()
            .enumerate()
            .map(|(i, &a)| s[i % N_HID] * a + bias[i % N_HID])
            .collect();
        (acc, t)
    };
    let (acc1, t1) = layer(&xq, &pq[W1], &pq[S1], &pq[B1], N_IN);
    let u1: Vec<f32> = t1.iter().map(|v| v.max(0.0)).collect();
    let a1 = fwd(QA1, &u1);
    let (acc2, t2) = layer(&a1, &pq[W2], &pq[S2], &pq[B2], N_HID);
    let u2: Vec<f32> = t2.iter().map(|v| v.max(0.0)).collect();
    let a2 = fwd(QA2, &u2);
    let v: Vec<f32> = a1.iter().zip(&a2).map(|(p, q)| p + q).collect();
    let r = fwd(QR, &v);
    let mut zz = mm_abt(&r, &pq[W3], b, N_HID, N_OUT);
    for (i, zv) in zz.iter_mut().enumerate() {
        *zv += pq[B3][i % N_OUT];
    }
    let z = fwd(QZ, &zz);
    Fwd {
        pq,
        xq,
        acc1,
        t1,
        u1,
        a1,
        acc2,
        t2,
        u2,
        v,
        r,
        zz,
        z,
    }
}

/// The number of images of `data` whose fake-quantized logits (the training forward pass)
/// differ from the exact model's in any bit.
pub fn fake_vs_exact(
    quant: &Quant,
    net: &Folded,
    f: &[f32; 13],
    khot: bool,
    m: &FixedModel,
    data: &[Sample],
) -> usize {
    let idx: Vec<usize> = (0..data.len()).collect();
    let (x, _) = batch(data, &idx);
    let fw = fake_forward(quant, net, f, khot, &x);
    let lsb = (-f64::from(m.z.frac_bits())).exp2();
    data.iter()
        .enumerate()
        .filter(|&(i, s)| {
            let exact = m.logits(&s.pixels);
            let fake = &fw.z[i * N_OUT..(i + 1) * N_OUT];
            exact
                .iter()
                .zip(fake)
                .any(|(&e, &z)| e as f64 * lsb != f64::from(z))
        })
        .count()
}

/// Fake-quantized forward and straight-through backward of one batch; the gradients of
/// the 8 parameter tensors and of the 13 latent binary points.
fn qat_step(
    quant: &Quant,
    net: &Folded,
    f: &[f32; 13],
    khot: bool,
    x: &[f32],
    labels: &[u8],
) -> (Vec<Vec<f32>>, [f32; 13]) {
    let b = labels.len();
    let q = &quant.q;
    let mut gf = [0.0f32; 13];
    let Fwd {
        pq,
        xq,
        acc1,
        t1,
        u1,
        a1,
        acc2,
        t2,
        u2,
        v,
        r,
        zz,
        z,
    } = fake_forward(quant, net, f, khot, x);
    let (_, dz, _) = softmax_ce(&z, labels);

    // Backward through an activation quantizer.
    let mut bwd = |i: usize, v: &[f32], gy: &[f32]| {
        let mut gx = vec![0.0f32; v.len()];
        let mut g = [0.0f32];
        q[i].backward(&[f[i]], v, gy, &mut gx, &mut g)
            .expect("equal lengths");
        gf[i] = g[0];
        gx
    };
    let dzz = bwd(QZ, &zz, &dz);
    let mut gp: Vec<Vec<f32>> = vec![Vec::new(); 8];
    gp[W3] = mm_atb(&dzz, &r, b, N_OUT, N_HID);
    let mut db3 = vec![0.0f32; N_OUT];
    for (i, &d) in dzz.iter().enumerate() {
        db3[i % N_OUT] += d;
    }
    gp[B3] = db3;
    let dr = mm_ab(&dzz, &pq[W3], b, N_OUT, N_HID);
    let dv = bwd(QR, &v, &dr);
    let du2 = bwd(QA2, &u2, &dv);
    // Scale-and-shift backward: (∂acc, ∂s, ∂b) from ∂u through the relu.
    let affine = |du: &[f32], t: &[f32], acc: &[f32], s: &[f32]| {
        let mut dacc = vec![0.0f32; du.len()];
        let mut ds = vec![0.0f32; N_HID];
        let mut db = vec![0.0f32; N_HID];
        for i in 0..du.len() {
            if t[i] > 0.0 {
                let j = i % N_HID;
                ds[j] += du[i] * acc[i];
                db[j] += du[i];
                dacc[i] = du[i] * s[j];
            }
        }
        (dacc, ds, db)
    };
    let (dacc2, ds2, db2) = affine(&du2, &t2, &acc2, &pq[S2]);
    gp[S2] = ds2;
    gp[B2] = db2;
    gp[W2] = mm_atb(&dacc2, &a1, b, N_HID, N_HID);
    let da1_2 = mm_ab(&dacc2, &pq[W2], b, N_HID, N_HID);
    let da1: Vec<f32> = dv.iter().zip(&da1_2).map(|(p, q)| p + q).collect();
    let du1 = bwd(QA1, &u1, &da1);
    let (dacc1, ds1, db1) = affine(&du1, &t1, &acc1, &pq[S1]);
    gp[S1] = ds1;
    gp[B1] = db1;
    gp[W1] = mm_atb(&dacc1, &xq, b, N_HID, N_IN);
    let dxq = mm_ab(&dacc1, &pq[W1], b, N_HID, N_IN);
    let _ = bwd(QX, x, &dxq);

    // Parameter quantizers.
    let mut gparam = Vec::with_capacity(8);
    for t in 0..8 {
        let qi = PARAM_Q[t];
        let is_w = matches!(t, W1 | W2 | W3);
        if khot && is_w {
            let (gx, g) = khot_param_backward(&q[qi], f[qi], &net.t[t], &pq[t], &gp[t]);
            gf[qi] = g;
            gparam.push(gx);
        } else {
            let mut gx = vec![0.0f32; net.t[t].len()];
            let mut g = [0.0f32];
            q[qi]
                .backward(&[f[qi]], &net.t[t], &gp[t], &mut gx, &mut g)
                .expect("equal lengths");
            gf[qi] = g[0];
            gparam.push(gx);
        }
    }
    (gparam, gf)
}

/// Fine-tunes weights and binary points from a starting point; selects the epoch with
/// the best exact-inference validation accuracy (ties: the lower validation loss, then
/// the earlier epoch). The starting point is a candidate (epoch 0).
pub fn qat(
    quant: &Quant,
    start: &Folded,
    f0: &[f32; 13],
    khot: bool,
    train: &[Sample],
    val: &[Sample],
    cfg: &QatConfig,
) -> QatResult {
    let mut rng = SplitMix64::new(cfg.seed);
    let mut net = start.clone();
    let mut f = *f0;
    let shapes: Vec<usize> = net.t.iter().map(|t| t.len()).collect();
    let mut adam_w = Adam::new(cfg.lr_w, &shapes);
    let mut adam_f = Adam::new(cfg.lr_f, &[13]);
    let steps_per_epoch = train.len().div_ceil(cfg.batch);
    let total = (cfg.epochs * steps_per_epoch) as f32;
    let mut step = 0usize;
    let mut best: Option<QatResult> = None;
    // Epoch 0 is the starting point itself.
    let mut consider = |epoch: usize, net: &Folded, f: &[f32; 13]| {
        let m = quant.fixed_model("val", net, f, khot);
        if m.check().is_err() {
            return; // not a deployable model (it cannot happen with these ranges)
        }
        let (acc, loss) = evaluate(&m, val);
        if best.as_ref().is_none_or(|b| b.worse_than(acc, loss)) {
            best = Some(QatResult {
                net: net.clone(),
                f: *f,
                epoch,
                val_acc: acc,
                val_loss: loss,
                cfg: *cfg,
            });
        }
    };
    consider(0, &net, &f);
    for epoch in 1..=cfg.epochs {
        let ord = order(&mut rng, train.len());
        for chunk in ord.chunks(cfg.batch) {
            let (x, y) = batch(train, chunk);
            let (gp, gf) = qat_step(quant, &net, &f, khot, &x, &y);
            let lr_scale = 1.0 - 0.9 * step as f32 / total;
            step += 1;
            let g: Vec<&[f32]> = gp.iter().map(|v| v.as_slice()).collect();
            let mut p: Vec<&mut [f32]> = net.t.iter_mut().map(|v| v.as_mut_slice()).collect();
            adam_w.step(&mut p, &g, lr_scale);
            adam_f.step(&mut [&mut f], &[&gf], lr_scale);
        }
        consider(epoch, &net, &f);
    }
    best.expect("at least the starting point")
}

impl QatResult {
    /// Whether a candidate with validation accuracy `acc` and loss `loss` is better than
    /// this one: higher accuracy, or equal accuracy and lower loss.
    pub fn worse_than(&self, acc: f64, loss: f64) -> bool {
        acc > self.val_acc || (acc == self.val_acc && loss < self.val_loss)
    }
}
