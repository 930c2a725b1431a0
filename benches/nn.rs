//! The `nn` golden models at MiniLM size (all-MiniLM-L6-v2: sequence 64, hidden 384, FFN
//! 1536), for the side-by-side comparison with the same kernels in C simulation
//! (`hls/tb/nn_bench.cpp`, g++ -O2 with `ap_fixed`), which `scripts/bench-nn.sh` runs.
//!
//! Kernels (each over the 64 tokens of a sequence, raw `i64` values; both programs
//! generate the same inputs and print the same checksum, the sum of the raw outputs):
//! - `dense_384x384`, `dense_384x1536`, `dense_1536x384`: `ap_fixed<16,6>` activations,
//!   `ap_fixed<8,2>` weights and bias `ap_fixed<16,6>`, latency schedule into an
//!   `ap_fixed<32,12>` accumulator (every product exact: the integer fast path), output
//!   `ap_fixed<16,6,AP_RND_CONV,AP_SAT>`;
//! - `dense_384x384_rounded`: the same with an `ap_fixed<24,10,AP_RND_CONV,AP_SAT>`
//!   accumulator, which rounds every product (the literal step-by-step path);
//! - `residual_384`: `ap_fixed<16,6>` + `ap_fixed<16,6>` into
//!   `ap_fixed<16,6,AP_RND_CONV,AP_SAT>`;
//! - `attention_64x384`: MiniLM's self-attention (12 heads of 32): the four projections as
//!   `dense_384x384` (into `ap_fixed<16,6,AP_RND_CONV,AP_SAT>`), scores in
//!   `ap_fixed<24,10,AP_RND_CONV,AP_SAT>` scaled by 1/√32 in `ap_ufixed<16,0,AP_RND_CONV>`,
//!   softmax with 1,024-entry exp and 256-entry inverse tables, context in
//!   `ap_fixed<16,6,AP_RND_CONV,AP_SAT>`; work items: the multiply-accumulates of the
//!   projections and of the two attention products;
//! - `attention_64x384_lmul_bf16`: the same with the attention products by L-Mul in bf16
//!   (guarded, saturating) accumulated in fp32.
//!
//! - `encoder_64x384`: one whole MiniLM encoder layer, `EncoderParams::minilm(64)`
//!   (attention, residual, layer norm, FFN 384 → 1536 → 384 with GELU, residual, layer
//!   norm); X raw as `act`, the attention's weights as above, the FFN's
//!   `weight(j + 2000, i)`, `bias(j + 2000)` and `weight(j + 4000, i)`, `bias(j + 4000)`,
//!   γ raw `4096 + hash(j, 0, 4) % 2048 − 1024`, β raw `hash(j, 0, 5) % 1024 − 512`;
//!   work items: the multiply-accumulates of its dense layers and attention products.
//!
//! The C++ side reads the attention and encoder configurations (with the softmax tables) from a
//! header that this bench writes: `LOWPREC_NN_CPP_CONFIG=PATH cargo bench --bench nn`
//! writes PATH and exits (`scripts/bench-nn.sh` does it before compiling `nn_bench.cpp`).
//!
//! With `LOWPREC_NN_SUMMARY=1` the bench skips Criterion and prints one line per kernel:
//! `name median-ns-per-call work-items checksum` (work items: multiply-accumulates, or
//! elements). To add a kernel, add it here and in `nn_bench.cpp` under the same name.

use std::time::Instant;

use criterion::{Criterion, black_box, criterion_group};
use lowprec::fixed::FixedFormat;
use lowprec::lmul::{DEFAULT_ACCUMULATOR, LMul};
use lowprec::nn::{
    Attention, AttentionParams, AttentionScale, AttentionWeights, Dense, DenseParams, Encoder,
    EncoderParams, EncoderWeights, Products, Residual, ResidualParams, Schedule, SoftmaxParams,
};
use lowprec::{FloatFormat, Overflow};

const SEQ: usize = 64;

fn ty(s: &str) -> FixedFormat {
    s.parse().expect("a valid type")
}

/// A hash of (a, b, seed), the same in `nn_bench.cpp`.
fn hash(a: usize, b: usize, seed: u64) -> u64 {
    let mut h = ((a as u64).wrapping_mul(1_000_003) ^ (b as u64) ^ (seed << 40))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32)
}

/// The inputs both programs generate: activations in ±4 (raw ±4096 of
/// `ap_fixed<16,6>`), weights in ±0.5 (raw ±32 of `ap_fixed<8,2>`), biases in ±0.5.
fn act(r: usize, i: usize) -> i64 {
    (hash(r, i, 1) % 8192) as i64 - 4096
}
fn weight(j: usize, i: usize) -> i64 {
    (hash(j, i, 2) % 64) as i64 - 32
}
fn bias(j: usize) -> i64 {
    (hash(j, 0, 3) % 1024) as i64 - 512
}

struct DenseCase {
    name: &'static str,
    dense: Dense,
    x: Vec<i64>,
    w: Vec<i64>,
    b: Vec<i64>,
}

fn dense_case(name: &'static str, n_in: usize, n_out: usize, accum: &str) -> DenseCase {
    let dense = Dense::new(DenseParams {
        n_in,
        n_out,
        input: ty("ap_fixed<16,6>"),
        weight: ty("ap_fixed<8,2>"),
        bias: ty("ap_fixed<16,6>"),
        accum: ty(accum),
        output: ty("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"),
        schedule: Schedule::Latency,
        relu: false,
    })
    .expect("a valid configuration");
    DenseCase {
        name,
        dense,
        x: (0..SEQ * n_in).map(|t| act(t / n_in, t % n_in)).collect(),
        w: (0..n_out * n_in)
            .map(|t| weight(t / n_in, t % n_in))
            .collect(),
        b: (0..n_out).map(bias).collect(),
    }
}

fn dense_cases() -> Vec<DenseCase> {
    let acc = "ap_fixed<32,12>";
    vec![
        dense_case("dense_384x384", 384, 384, acc),
        dense_case("dense_384x1536", 384, 1536, acc),
        dense_case("dense_1536x384", 1536, 384, acc),
        dense_case(
            "dense_384x384_rounded",
            384,
            384,
            "ap_fixed<24,10,AP_RND_CONV,AP_SAT>",
        ),
    ]
}

impl DenseCase {
    fn run(&self, y: &mut [i64]) {
        self.dense
            .run_rows(SEQ, black_box(&self.x), &self.w, &self.b, y)
            .expect("valid shapes");
    }
    fn out(&self) -> Vec<i64> {
        vec![0; SEQ * self.dense.params().n_out]
    }
    fn macs(&self) -> usize {
        SEQ * self.dense.params().n_in * self.dense.params().n_out
    }
}

struct ResidualCase {
    r: Residual,
    a: Vec<i64>,
    b: Vec<i64>,
}

fn residual_case() -> ResidualCase {
    let t = ty("ap_fixed<16,6>");
    ResidualCase {
        r: Residual::new(ResidualParams {
            a: t,
            b: t,
            output: ty("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"),
        })
        .expect("valid types"),
        a: (0..SEQ * 384).map(|t| act(t / 384, t % 384) * 4).collect(),
        b: (0..SEQ * 384).map(|t| act(t % 384, t / 384) * 4).collect(),
    }
}

/// MiniLM's attention types (the projections are `dense_384x384`'s).
fn attention_params(products: Products) -> AttentionParams {
    let act = "ap_fixed<16,6,AP_RND_CONV,AP_SAT>";
    let proj = |input: &str| DenseParams {
        n_in: 384,
        n_out: 384,
        input: ty(input),
        weight: ty("ap_fixed<8,2>"),
        bias: ty("ap_fixed<16,6>"),
        accum: ty("ap_fixed<32,12>"),
        output: ty(act),
        schedule: Schedule::Latency,
        relu: false,
    };
    AttentionParams {
        seq: SEQ,
        heads: 12,
        head_dim: 32,
        q: proj("ap_fixed<16,6>"),
        k: proj("ap_fixed<16,6>"),
        v: proj("ap_fixed<16,6>"),
        score: ty("ap_fixed<24,10,AP_RND_CONV,AP_SAT>"),
        scale_type: ty("ap_ufixed<16,0,AP_RND_CONV>"),
        scale: AttentionScale::InvSqrtHeadDim,
        softmax: SoftmaxParams {
            n: SEQ,
            input: ty(act),
            output: ty("ap_ufixed<16,1,AP_RND_CONV,AP_SAT>"),
            exp_table: ty("ap_ufixed<18,1,AP_RND_CONV,AP_SAT>"),
            exp_index_bits: 10,
            exp_range_log2: 4,
            accum: ty("ap_ufixed<24,8,AP_RND_CONV,AP_SAT>"),
            inv_table: ty("ap_ufixed<18,1,AP_RND_CONV,AP_SAT>"),
            inv_index_bits: 8,
            inv: ty("ap_ufixed<24,1,AP_RND_CONV,AP_SAT>"),
        },
        context: ty(act),
        o: proj(act),
        products,
    }
}

/// The attention benchmarks: (name, configuration), the names the C++ structs take.
fn attention_cases() -> Vec<(&'static str, Attention)> {
    let lmul = Products::LMul {
        lmul: LMul::guarded(FloatFormat::BF16, Overflow::SatFinite),
        accumulator: DEFAULT_ACCUMULATOR,
    };
    [
        ("attention_64x384", Products::Exact),
        ("attention_64x384_lmul_bf16", lmul),
    ]
    .into_iter()
    .map(|(n, p)| (n, Attention::new(attention_params(p)).expect("valid")))
    .collect()
}

/// The inputs of the attention benchmarks: X as `act`, the four projections' weights
/// as `weight` and biases as `bias`, each projection's rows offset by 384·k.
struct AttentionData {
    x: Vec<i64>,
    w: Vec<Vec<i64>>,
    b: Vec<Vec<i64>>,
}

fn attention_data() -> AttentionData {
    let d = 384;
    AttentionData {
        x: (0..SEQ * d).map(|t| act(t / d, t % d)).collect(),
        w: (0..4)
            .map(|k| (0..d * d).map(|t| weight(t / d + k * d, t % d)).collect())
            .collect(),
        b: (0..4)
            .map(|k| (0..d).map(|j| bias(j + k * d)).collect())
            .collect(),
    }
}

/// Runs one attention case; returns the time per call (median) and the checksum.
fn time_attention(a: &Attention, data: &AttentionData, runs: usize) -> (f64, i64) {
    let mut exp = vec![0; a.exp_table_len()];
    let mut inv = vec![0; a.inv_table_len()];
    let k = a.load(&mut exp, &mut inv).expect("tables");
    let mut scratch = vec![0i64; a.scratch_len()];
    let mut y = vec![0i64; SEQ * 384];
    let w = AttentionWeights {
        wq: &data.w[0],
        bq: &data.b[0],
        wk: &data.w[1],
        bk: &data.b[1],
        wv: &data.w[2],
        bv: &data.b[2],
        wo: &data.w[3],
        bo: &data.b[3],
    };
    let ns = median_ns(runs, || {
        k.run(black_box(&data.x), &w, &mut y, &mut scratch)
            .expect("shapes")
    });
    (ns, y.iter().sum())
}

/// Multiply-accumulates of one attention call: four projections, QKᵀ and PV.
fn attention_macs() -> usize {
    4 * SEQ * 384 * 384 + 2 * SEQ * SEQ * 384
}

/// The MiniLM encoder layer of the benchmark.
fn encoder() -> Encoder {
    Encoder::new(EncoderParams::minilm(SEQ).expect("preset")).expect("valid")
}

/// The encoder layer's parameters beyond the attention's (see the module docs).
struct EncoderData {
    w1: Vec<i64>,
    b1: Vec<i64>,
    w2: Vec<i64>,
    b2: Vec<i64>,
    gamma: Vec<i64>,
    beta: Vec<i64>,
}

fn encoder_data() -> EncoderData {
    let (d, f) = (384, 1536);
    EncoderData {
        w1: (0..f * d).map(|t| weight(t / d + 2000, t % d)).collect(),
        b1: (0..f).map(|j| bias(j + 2000)).collect(),
        w2: (0..d * f).map(|t| weight(t / f + 4000, t % f)).collect(),
        b2: (0..d).map(|j| bias(j + 4000)).collect(),
        gamma: (0..d)
            .map(|j| 4096 + (hash(j, 0, 4) % 2048) as i64 - 1024)
            .collect(),
        beta: (0..d)
            .map(|j| (hash(j, 0, 5) % 1024) as i64 - 512)
            .collect(),
    }
}

/// Runs the encoder layer; returns the time per call (median) and the checksum.
fn time_encoder(runs: usize) -> (f64, i64) {
    let e = encoder();
    let (a, f) = (attention_data(), encoder_data());
    let mut tables = vec![0; e.tables_len()];
    let k = e.load(&mut tables).expect("tables");
    let mut scratch = vec![0i64; e.scratch_len()];
    let mut y = vec![0i64; SEQ * 384];
    let w = EncoderWeights {
        attention: AttentionWeights {
            wq: &a.w[0],
            bq: &a.b[0],
            wk: &a.w[1],
            bk: &a.b[1],
            wv: &a.w[2],
            bv: &a.b[2],
            wo: &a.w[3],
            bo: &a.b[3],
        },
        ln1_scale: &f.gamma,
        ln1_bias: &f.beta,
        w1: &f.w1,
        b1: &f.b1,
        w2: &f.w2,
        b2: &f.b2,
        ln2_scale: &f.gamma,
        ln2_bias: &f.beta,
    };
    let ns = median_ns(runs, || {
        k.run(black_box(&a.x), &w, &mut y, &mut scratch)
            .expect("shapes")
    });
    (ns, y.iter().sum())
}

/// Multiply-accumulates of one encoder layer: the attention's and the FFN's.
fn encoder_macs() -> usize {
    attention_macs() + 2 * SEQ * 384 * 1536
}

/// Writes the C++ configurations of the attention cases and of the encoder layer
/// (`struct NAME` each).
fn write_cpp_config(path: &str) {
    let mut s = String::new();
    for (name, a) in attention_cases() {
        a.write_cpp_config(&mut s, name).expect("header");
    }
    encoder()
        .write_cpp_config(&mut s, "encoder_64x384")
        .expect("header");
    std::fs::write(path, s).expect("write the C++ configuration");
}

fn median_ns(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_nanos() as f64
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn summary() {
    for c in dense_cases() {
        let mut y = c.out();
        let ns = median_ns(15, || c.run(&mut y));
        let sum: i64 = y.iter().sum();
        println!("{} {ns:.0} {} {sum}", c.name, c.macs());
    }
    let r = residual_case();
    let mut y = vec![0i64; SEQ * 384];
    let ns = median_ns(101, || {
        r.r.run(black_box(&r.a), &r.b, &mut y).expect("shapes")
    });
    let sum: i64 = y.iter().sum();
    println!("residual_384 {ns:.0} {} {sum}", SEQ * 384);
    let data = attention_data();
    for (name, a) in attention_cases() {
        let (ns, sum) = time_attention(&a, &data, 5);
        println!("{name} {ns:.0} {} {sum}", attention_macs());
    }
    let (ns, sum) = time_encoder(5);
    println!("encoder_64x384 {ns:.0} {} {sum}", encoder_macs());
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("nn");
    g.sample_size(10);
    for case in dense_cases() {
        let mut y = case.out();
        g.bench_function(case.name, |bch| bch.iter(|| case.run(&mut y)));
    }
    let r = residual_case();
    let mut y = vec![0i64; SEQ * 384];
    g.bench_function("residual_384", |bch| {
        bch.iter(|| r.r.run(black_box(&r.a), &r.b, &mut y).expect("shapes"))
    });
    let data = attention_data();
    for (name, a) in attention_cases() {
        let mut exp = vec![0; a.exp_table_len()];
        let mut inv = vec![0; a.inv_table_len()];
        let k = a.load(&mut exp, &mut inv).expect("tables");
        let mut scratch = vec![0i64; a.scratch_len()];
        let mut y = vec![0i64; SEQ * 384];
        let w = AttentionWeights {
            wq: &data.w[0],
            bq: &data.b[0],
            wk: &data.w[1],
            bk: &data.b[1],
            wv: &data.w[2],
            bv: &data.b[2],
            wo: &data.w[3],
            bo: &data.b[3],
        };
        g.bench_function(name, |bch| {
            bch.iter(|| {
                k.run(black_box(&data.x), &w, &mut y, &mut scratch)
                    .expect("shapes")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    if let Ok(path) = std::env::var("LOWPREC_NN_CPP_CONFIG") {
        write_cpp_config(&path);
        return;
    }
    if std::env::var_os("LOWPREC_NN_SUMMARY").is_some() {
        summary();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
