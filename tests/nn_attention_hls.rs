//! lowprec's multi-head attention kernel (`hls/include/lowprec/nn/attention.h`) against
//! its Rust golden model (`lowprec::nn::Attention`), bit for bit, in C simulation.
//!
//! The testbench `hls/tb/nn_attention_tb.cpp` is compiled once with g++ against the real
//! `ap_types` headers (`hls/fetch-headers.sh`) together with a header of every
//! configuration that the Rust model writes (`Attention::write_cpp_config`: the dense and
//! softmax sub-configurations, the softmax tables, the L-Mul constants), and cached under
//! `target/nn-attention-hls/` by a hash of the sources, the generated header and the
//! command.
//!
//! Configurations: MiniLM's attention (hidden 384, 12 heads of 32, 64 tokens) with exact
//! products; MiniLM's head shape with L-Mul products in bf16 and in E4M3FN accumulating in
//! fp32; narrow wrapping types; saturating truncating types with a power-of-two scale;
//! wide types whose dot products need 128-bit integers. Each runs two weight sets
//! (realistic magnitudes, and full-range values that saturate and wrap) over random
//! sequences (realistic, full-range, extreme, repeated tokens). The small configurations
//! run ≥ 10,000 token rows each; the 384-wide ones run ≥ 10,000 attention rows (one query
//! of one head: a softmax row and its context), since one 64-token MiniLM sequence costs
//! 0.2 s of csim (four 384 × 384 projections per token). Zero mismatches.

#[path = "hls/mod.rs"]
mod hls;

use std::fmt::Write as _;

use hls::{Rng, push_line, sequence, weights};
use lowprec::FloatFormat;
use lowprec::Overflow;
use lowprec::fixed::FixedFormat;
use lowprec::lmul::{DEFAULT_ACCUMULATOR, LMul};
use lowprec::nn::{
    Attention, AttentionParams, AttentionScale, AttentionWeights, DenseParams, Products, Schedule,
    SoftmaxParams,
};

const FLAGS: [&str; 3] = ["-O1", "-std=c++17", "-w"];
const SOURCES: [&str; 7] = [
    "hls/tb/nn_attention_tb.cpp",
    "hls/tb/nn_io.h",
    "hls/include/lowprec/nn/attention.h",
    "hls/include/lowprec/nn/dense.h",
    "hls/include/lowprec/nn/softmax.h",
    "hls/include/lowprec/nn/types.h",
    "hls/include/lowprec/lmul.h",
];

fn t(s: &str) -> FixedFormat {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

/// A dense d → d configuration.
fn dense(d: usize, types: [&str; 5], schedule: Schedule) -> DenseParams {
    DenseParams {
        n_in: d,
        n_out: d,
        input: t(types[0]),
        weight: t(types[1]),
        bias: t(types[2]),
        accum: t(types[3]),
        output: t(types[4]),
        schedule,
        relu: false,
    }
}

/// Softmax types in the order input, output, exp table, accum, inverse table, inverse.
fn softmax(n: usize, ty: [&str; 6], exp_bits: u32, range: i32, inv_bits: u32) -> SoftmaxParams {
    SoftmaxParams {
        n,
        input: t(ty[0]),
        output: t(ty[1]),
        exp_table: t(ty[2]),
        exp_index_bits: exp_bits,
        exp_range_log2: range,
        accum: t(ty[3]),
        inv_table: t(ty[4]),
        inv_index_bits: inv_bits,
        inv: t(ty[5]),
    }
}

const MINILM_SM: [&str; 6] = [
    "ap_fixed<16,6,AP_RND_CONV,AP_SAT>",
    "ap_ufixed<16,1,AP_RND_CONV,AP_SAT>",
    "ap_ufixed<18,1,AP_RND_CONV,AP_SAT>",
    "ap_ufixed<24,8,AP_RND_CONV,AP_SAT>",
    "ap_ufixed<18,1,AP_RND_CONV,AP_SAT>",
    "ap_ufixed<24,1,AP_RND_CONV,AP_SAT>",
];

/// MiniLM's attention types at `seq` tokens and `heads` heads of 32.
fn minilm(seq: usize, heads: usize, products: Products) -> AttentionParams {
    let d = heads * 32;
    let act = "ap_fixed<16,6,AP_RND_CONV,AP_SAT>";
    let proj = |input: &str| {
        dense(
            d,
            [
                input,
                "ap_fixed<8,2>",
                "ap_fixed<16,6>",
                "ap_fixed<32,12>",
                act,
            ],
            Schedule::Latency,
        )
    };
    AttentionParams {
        seq,
        heads,
        head_dim: 32,
        q: proj("ap_fixed<16,6>"),
        k: proj("ap_fixed<16,6>"),
        v: proj("ap_fixed<16,6>"),
        score: t("ap_fixed<24,10,AP_RND_CONV,AP_SAT>"),
        scale_type: t("ap_ufixed<16,0,AP_RND_CONV>"),
        scale: AttentionScale::InvSqrtHeadDim,
        softmax: softmax(seq, MINILM_SM, 10, 4, 8),
        context: t(act),
        o: proj(act),
        products,
    }
}

fn lmul(f: FloatFormat) -> Products {
    Products::LMul {
        lmul: LMul::guarded(f, Overflow::SatFinite),
        accumulator: DEFAULT_ACCUMULATOR,
    }
}

/// (name, configuration, sequences per weight set).
fn configs() -> Vec<(&'static str, Attention, usize)> {
    let narrow = |d: usize, input: &str, acc: &str, out: &str| {
        dense(
            d,
            [input, "ap_fixed<6,1>", "ap_fixed<8,3>", acc, out],
            Schedule::Latency,
        )
    };
    let small_wrap = AttentionParams {
        seq: 12,
        heads: 2,
        head_dim: 8,
        q: narrow(16, "ap_fixed<8,4>", "ap_fixed<12,6>", "ap_fixed<8,4>"),
        k: narrow(16, "ap_fixed<8,4>", "ap_fixed<12,6>", "ap_fixed<8,4>"),
        v: narrow(16, "ap_fixed<8,4>", "ap_fixed<12,6>", "ap_fixed<8,3>"),
        score: t("ap_fixed<10,6>"),
        scale_type: t("ap_ufixed<6,0,AP_RND>"),
        scale: AttentionScale::InvSqrtHeadDim,
        softmax: softmax(
            12,
            [
                "ap_fixed<8,4>",
                "ap_ufixed<8,1>",
                "ap_ufixed<8,1,AP_RND,AP_SAT>",
                "ap_ufixed<10,4>",
                "ap_ufixed<8,1,AP_RND_CONV>",
                "ap_ufixed<10,1>",
            ],
            6,
            3,
            4,
        ),
        context: t("ap_fixed<8,2>"),
        o: narrow(16, "ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<8,4>"),
        products: Products::Exact,
    };
    let sat = |d: usize, input: &str| {
        dense(
            d,
            [
                input,
                "ap_fixed<8,2,AP_TRN,AP_SAT>",
                "ap_fixed<10,4>",
                "ap_fixed<20,8,AP_TRN,AP_SAT>",
                "ap_fixed<12,5,AP_TRN,AP_SAT>",
            ],
            Schedule::Wide,
        )
    };
    let sat_pow2 = AttentionParams {
        seq: 10,
        heads: 2,
        head_dim: 16,
        q: sat(32, "ap_fixed<10,4>"),
        k: sat(32, "ap_fixed<10,4>"),
        v: sat(32, "ap_fixed<10,4>"),
        score: t("ap_fixed<14,8,AP_TRN,AP_SAT>"),
        // 1/√16 = 2^-2 exactly: a shift.
        scale_type: t("ap_ufixed<1,-1>"),
        scale: AttentionScale::InvSqrtHeadDim,
        softmax: softmax(
            10,
            [
                "ap_fixed<12,6,AP_TRN,AP_SAT>",
                "ap_ufixed<12,1,AP_TRN,AP_SAT>",
                "ap_ufixed<12,1,AP_TRN,AP_SAT>",
                "ap_fixed<16,8,AP_TRN,AP_SAT>",
                "ap_ufixed<12,1,AP_TRN,AP_SAT>",
                "ap_ufixed<14,1,AP_TRN,AP_SAT>",
            ],
            8,
            4,
            5,
        ),
        context: t("ap_fixed<12,5,AP_TRN,AP_SAT>"),
        o: sat(32, "ap_fixed<12,5,AP_TRN,AP_SAT>"),
        products: Products::Exact,
    };
    let wide_d = |input: &str| {
        dense(
            12,
            [
                input,
                "ap_fixed<24,4>",
                "ap_fixed<32,12>",
                "ap_fixed<64,24,AP_RND_CONV,AP_SAT>",
                "ap_fixed<40,12,AP_RND_CONV,AP_SAT>",
            ],
            Schedule::Latency,
        )
    };
    let wide = AttentionParams {
        seq: 6,
        heads: 3,
        head_dim: 4,
        q: wide_d("ap_fixed<32,10>"),
        k: wide_d("ap_fixed<32,10>"),
        v: wide_d("ap_fixed<32,10>"),
        score: t("ap_fixed<48,20,AP_RND_CONV,AP_SAT>"),
        scale_type: t("ap_ufixed<32,0,AP_RND_CONV>"),
        scale: AttentionScale::InvSqrtHeadDim,
        softmax: softmax(
            6,
            [
                "ap_fixed<32,8,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<32,1,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<32,1,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<40,8,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<32,1,AP_RND_CONV>",
                "ap_ufixed<40,1,AP_RND_CONV,AP_SAT>",
            ],
            12,
            5,
            10,
        ),
        context: t("ap_fixed<48,12,AP_RND_CONV,AP_SAT>"),
        o: wide_d("ap_fixed<48,12,AP_RND_CONV,AP_SAT>"),
        products: Products::Exact,
    };
    let mut e4m3 = minilm(24, 2, lmul(FloatFormat::E4M3FN));
    e4m3.softmax = softmax(24, MINILM_SM, 10, 4, 8);
    let new = |p: AttentionParams| Attention::new(p).expect("attention configuration");
    vec![
        // 7 × 2 sequences × 64 queries × 12 heads = 10,752 attention rows.
        ("minilm_64", new(minilm(64, 12, Products::Exact)), 7),
        // 27 × 2 × 16 × 12 = 10,368 attention rows.
        (
            "minilm_16_bf16",
            new(minilm(16, 12, lmul(FloatFormat::BF16))),
            27,
        ),
        // 210 × 2 × 24 = 10,080 token rows (20,160 attention rows).
        ("head32_e4m3", new(e4m3), 210),
        ("narrow_wrap", new(small_wrap), 420),
        ("sat_pow2", new(sat_pow2), 500),
        ("wide", new(wide), 840),
    ]
}

#[test]
fn attention_bit_exact_in_csim() {
    let configs = configs();
    let mut header = String::new();
    let mut list = String::from("#define LP_ATTENTION_CONFIGS");
    for (k, (name, a, _)) in configs.iter().enumerate() {
        let cname = format!("attn_{name}");
        a.write_cpp_config(&mut header, &cname).unwrap();
        header.push('\n');
        let _ = write!(list, " X({k}, {cname})");
    }
    header.push_str(&list);
    header.push('\n');
    let bin = hls::Testbench {
        cache: "nn-attention-hls",
        sources: &SOURCES,
        generated: &[("nn_attention_cfgs.h", &header)],
        includes: &["hls/tb"],
        flags: &FLAGS,
    }
    .build();
    let mut rng = Rng(0xA77E_0001);
    let mut input = String::new();
    let mut expected: Vec<(usize, Vec<i64>)> = Vec::new();
    let t0 = std::time::Instant::now();
    for (k, (_, a, n)) in configs.iter().enumerate() {
        let p = *a.params();
        let d = a.hidden();
        let mut exp = vec![0; a.exp_table_len()];
        let mut inv = vec![0; a.inv_table_len()];
        let kern = a.load(&mut exp, &mut inv).unwrap();
        let mut scratch = vec![0i64; a.scratch_len()];
        for full in [false, true] {
            let mut ws = Vec::new();
            for dp in [&p.q, &p.k, &p.v, &p.o] {
                ws.push(weights(&dp.weight, d * d, full, &mut rng));
                ws.push(weights(&dp.bias, d, full, &mut rng));
            }
            let _ = writeln!(input, "{k} {n}");
            for w in &ws {
                push_line(&mut input, w);
            }
            let aw = AttentionWeights {
                wq: &ws[0],
                bq: &ws[1],
                wk: &ws[2],
                bk: &ws[3],
                wv: &ws[4],
                bv: &ws[5],
                wo: &ws[6],
                bo: &ws[7],
            };
            for _ in 0..*n {
                let x = sequence(&p.q.input, p.seq, d, &mut rng);
                let mut y = vec![0i64; p.seq * d];
                kern.run(&x, &aw, &mut y, &mut scratch).unwrap();
                push_line(&mut input, &x);
                expected.push((k, y));
            }
        }
    }
    eprintln!("golden model: {:.1} s", t0.elapsed().as_secs_f64());
    let t0 = std::time::Instant::now();
    let out = hls::run_program(&bin, input);
    eprintln!("attention csim: {:.1} s", t0.elapsed().as_secs_f64());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), expected.len(), "sequences returned");
    let mut mismatches = vec![0usize; configs.len()];
    let mut nonzero = vec![0usize; configs.len()];
    let mut values = vec![0usize; configs.len()];
    for (line, (k, want)) in lines.iter().zip(&expected) {
        let got: Vec<i64> = line
            .split_ascii_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        values[*k] += want.len();
        nonzero[*k] += want.iter().filter(|&&v| v != 0).count();
        if &got != want {
            if mismatches[*k] < 2 {
                let first = got.iter().zip(want).position(|(a, b)| a != b);
                eprintln!(
                    "{}: first difference at {first:?}: C++ {:?}, Rust {:?}",
                    configs[*k].0,
                    first.map(|i| got[i]),
                    first.map(|i| want[i])
                );
            }
            mismatches[*k] += 1;
        }
    }
    for (k, (name, a, n)) in configs.iter().enumerate() {
        let p = a.params();
        eprintln!(
            "{name:16} {} sequences of {} tokens ({} attention rows): {} mismatches, {:.0} % nonzero outputs",
            2 * n,
            p.seq,
            2 * n * p.seq * p.heads,
            mismatches[k],
            100.0 * nonzero[k] as f64 / values[k] as f64
        );
        assert!(2 * n * p.seq * p.heads >= 10_000, "{name}: too few rows");
        assert!(nonzero[k] * 4 > values[k], "{name}: mostly zero outputs");
    }
    assert_eq!(mismatches.iter().sum::<usize>(), 0, "attention mismatches");
}
