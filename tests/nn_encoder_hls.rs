//! lowprec's BERT encoder layer (`hls/include/lowprec/nn/encoder.h`) against its Rust
//! golden model (`lowprec::nn::Encoder`), bit for bit, in C simulation.
//!
//! The testbench `hls/tb/nn_encoder_tb.cpp` is compiled once with g++ against the real
//! `ap_types` headers together with a header of the configurations that the Rust model
//! writes (`Encoder::write_cpp_config`: every sub-kernel's configuration and tables), and
//! cached under `target/nn-encoder-hls/` by a hash of the sources, the generated header
//! and the command.
//!
//! Configurations: the MiniLM preset (`EncoderParams::minilm`, 64 tokens, hidden 384,
//! FFN 1536), a few sequences (each sub-kernel is tested at scale in its own test; a
//! 64-token MiniLM layer costs about 2 s of csim); and a small shape (8 tokens, hidden 32,
//! 4 heads, FFN 64) with narrow, wrapping and saturating types, the tanh GELU over a
//! whole-type table, over 1,250 sequences (10,000 token rows). Zero mismatches.

#[path = "hls/mod.rs"]
mod hls;

use std::fmt::Write as _;

use hls::{Rng, push_line, sequence, weights};
use lowprec::fixed::FixedFormat;
use lowprec::nn::{
    AttentionParams, AttentionScale, AttentionWeights, DenseParams, Encoder, EncoderParams,
    EncoderWeights, GeluForm, GeluParams, LayerNormParams, Products, ResidualParams, Schedule,
    SoftmaxParams,
};

const FLAGS: [&str; 3] = ["-O1", "-std=c++17", "-w"];
const SOURCES: [&str; 11] = [
    "hls/tb/nn_encoder_tb.cpp",
    "hls/tb/nn_io.h",
    "hls/include/lowprec/nn/encoder.h",
    "hls/include/lowprec/nn/attention.h",
    "hls/include/lowprec/nn/gelu.h",
    "hls/include/lowprec/nn/layernorm.h",
    "hls/include/lowprec/nn/residual.h",
    "hls/include/lowprec/nn/dense.h",
    "hls/include/lowprec/nn/softmax.h",
    "hls/include/lowprec/nn/types.h",
    "hls/include/lowprec/lmul.h",
];

fn t(s: &str) -> FixedFormat {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

fn dense(n_in: usize, n_out: usize, ty: [&str; 5], schedule: Schedule) -> DenseParams {
    DenseParams {
        n_in,
        n_out,
        input: t(ty[0]),
        weight: t(ty[1]),
        bias: t(ty[2]),
        accum: t(ty[3]),
        output: t(ty[4]),
        schedule,
        relu: false,
    }
}

/// The small shape: narrow types, wrapping accumulators and projections, saturating
/// layer norms, the tanh GELU over its whole 10-bit input.
fn small() -> EncoderParams {
    let (seq, d, ffn) = (8, 32, 64);
    let x = "ap_fixed<10,4>";
    let sat4 = "ap_fixed<10,4,AP_RND,AP_SAT>";
    let sat5 = "ap_fixed<10,5,AP_RND,AP_SAT>";
    let proj = |input: &str, out: &str| {
        dense(
            d,
            d,
            [
                input,
                "ap_fixed<6,1>",
                "ap_fixed<8,3>",
                "ap_fixed<16,6>",
                out,
            ],
            Schedule::Latency,
        )
    };
    let ln = LayerNormParams {
        dim: d,
        input: t(sat5),
        output: t(sat4),
        accum: t("ap_fixed<14,10,AP_RND,AP_SAT>"),
        dim_recip: t("ap_ufixed<8,-4,AP_RND>"),
        mean: t("ap_fixed<12,5,AP_RND,AP_SAT>"),
        sq_accum: t("ap_ufixed<18,14,AP_RND,AP_SAT>"),
        var: t("ap_ufixed<14,9,AP_RND,AP_SAT>"),
        epsilon: "1e-3".parse().unwrap(),
        epsilon_type: t("ap_ufixed<4,-6,AP_RND>"),
        rsqrt_table: t("ap_ufixed<10,1,AP_RND,AP_SAT>"),
        rsqrt_index_bits: 6,
        norm: t("ap_fixed<12,4,AP_RND,AP_SAT>"),
        scale: t("ap_fixed<8,2,AP_RND,AP_SAT>"),
        bias: t("ap_fixed<8,2,AP_RND,AP_SAT>"),
    };
    EncoderParams {
        attention: AttentionParams {
            seq,
            heads: 4,
            head_dim: 8,
            q: proj(x, sat4),
            k: proj(x, sat4),
            v: proj(x, sat4),
            score: t("ap_fixed<14,7>"),
            scale_type: t("ap_ufixed<8,0,AP_RND>"),
            scale: AttentionScale::InvSqrtHeadDim,
            softmax: SoftmaxParams {
                n: seq,
                input: t(sat5),
                output: t("ap_ufixed<10,1,AP_RND,AP_SAT>"),
                exp_table: t("ap_ufixed<10,1,AP_RND,AP_SAT>"),
                exp_index_bits: 8,
                exp_range_log2: 3,
                accum: t("ap_ufixed<12,4>"),
                inv_table: t("ap_ufixed<10,1,AP_RND_CONV>"),
                inv_index_bits: 5,
                inv: t("ap_ufixed<12,1,AP_RND,AP_SAT>"),
            },
            context: t(sat4),
            o: proj(sat4, x),
            products: Products::Exact,
        },
        residual1: ResidualParams {
            a: t(x),
            b: t(x),
            output: t(sat5),
        },
        ln1: ln,
        ffn1: dense(
            d,
            ffn,
            [sat4, "ap_fixed<6,1>", "ap_fixed<8,3>", "ap_fixed<16,6>", x],
            Schedule::Latency,
        ),
        gelu: GeluParams::exact(t(x), t("ap_fixed<10,4,AP_RND_CONV,AP_SAT>"), GeluForm::Tanh),
        ffn2: dense(
            ffn,
            d,
            [
                "ap_fixed<10,4,AP_RND_CONV,AP_SAT>",
                "ap_fixed<6,1>",
                "ap_fixed<8,3>",
                "ap_fixed<20,8,AP_RND_CONV,AP_SAT>",
                sat4,
            ],
            Schedule::Wide,
        ),
        residual2: ResidualParams {
            a: t(sat4),
            b: t(sat4),
            output: t(sat5),
        },
        ln2: ln,
    }
}

/// (name, configuration, sequences).
fn configs() -> Vec<(&'static str, Encoder, usize)> {
    let new = |p: EncoderParams| Encoder::new(p).expect("encoder configuration");
    vec![
        ("minilm_64", new(EncoderParams::minilm(64).unwrap()), 4),
        ("small", new(small()), 1250),
    ]
}

/// γ around 1 (an eighth negative), β around 0.
fn scale_bias(g: &FixedFormat, b: &FixedFormat, d: usize, rng: &mut Rng) -> (Vec<i64>, Vec<i64>) {
    let one = 1i64 << g.frac_bits();
    let gs = (0..d)
        .map(|_| {
            let v = one / 4 + rng.below((one * 3 / 2) as u64) as i64;
            (if rng.below(8) == 0 { -v } else { v }).clamp(g.min_raw() as i64, g.max_raw() as i64)
        })
        .collect();
    let half = 1i64 << b.frac_bits().max(1) >> 1;
    let bs = (0..d).map(|_| rng.range(-half, half)).collect();
    (gs, bs)
}

#[test]
fn encoder_bit_exact_in_csim() {
    let configs = configs();
    let mut header = String::new();
    let mut list = String::from("#define LP_ENCODER_CONFIGS");
    for (k, (name, e, _)) in configs.iter().enumerate() {
        let cname = format!("enc_{name}");
        e.write_cpp_config(&mut header, &cname).unwrap();
        header.push('\n');
        let _ = write!(list, " X({k}, {cname})");
    }
    header.push_str(&list);
    header.push('\n');
    let bin = hls::Testbench {
        cache: "nn-encoder-hls",
        sources: &SOURCES,
        generated: &[("nn_encoder_cfgs.h", &header)],
        includes: &["hls/tb"],
        flags: &FLAGS,
    }
    .build();
    let mut rng = Rng(0xE4C0_0001);
    let mut input = String::new();
    let mut expected: Vec<(usize, Vec<i64>)> = Vec::new();
    let t0 = std::time::Instant::now();
    for (k, (_, e, n)) in configs.iter().enumerate() {
        let p = *e.params();
        let a = &p.attention;
        let (seq, d, ffn) = (a.seq, e.hidden(), p.ffn1.n_out);
        let mut tables = vec![0; e.tables_len()];
        let kern = e.load(&mut tables).unwrap();
        let mut scratch = vec![0i64; e.scratch_len()];
        let mut ws = Vec::new();
        for dp in [&a.q, &a.k, &a.v, &a.o] {
            ws.push(weights(&dp.weight, d * d, false, &mut rng));
            ws.push(weights(&dp.bias, d, false, &mut rng));
        }
        let (g1, be1) = scale_bias(&p.ln1.scale, &p.ln1.bias, d, &mut rng);
        let w1 = weights(&p.ffn1.weight, ffn * d, false, &mut rng);
        let b1 = weights(&p.ffn1.bias, ffn, false, &mut rng);
        let w2 = weights(&p.ffn2.weight, d * ffn, false, &mut rng);
        let b2 = weights(&p.ffn2.bias, d, false, &mut rng);
        let (g2, be2) = scale_bias(&p.ln2.scale, &p.ln2.bias, d, &mut rng);
        let _ = writeln!(input, "{k} {n}");
        for w in ws.iter().chain([&g1, &be1, &w1, &b1, &w2, &b2, &g2, &be2]) {
            push_line(&mut input, w);
        }
        let ew = EncoderWeights {
            attention: AttentionWeights {
                wq: &ws[0],
                bq: &ws[1],
                wk: &ws[2],
                bk: &ws[3],
                wv: &ws[4],
                bv: &ws[5],
                wo: &ws[6],
                bo: &ws[7],
            },
            ln1_scale: &g1,
            ln1_bias: &be1,
            w1: &w1,
            b1: &b1,
            w2: &w2,
            b2: &b2,
            ln2_scale: &g2,
            ln2_bias: &be2,
        };
        for _ in 0..*n {
            let x = sequence(&a.q.input, seq, d, &mut rng);
            let mut y = vec![0i64; seq * d];
            kern.run(&x, &ew, &mut y, &mut scratch).unwrap();
            push_line(&mut input, &x);
            expected.push((k, y));
        }
    }
    eprintln!("golden model: {:.1} s", t0.elapsed().as_secs_f64());
    let t0 = std::time::Instant::now();
    let out = hls::run_program(&bin, input);
    eprintln!("encoder csim: {:.1} s", t0.elapsed().as_secs_f64());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), expected.len(), "sequences returned");
    let mut mismatches = vec![0usize; configs.len()];
    let mut distinct = vec![std::collections::HashSet::new(); configs.len()];
    for (line, (k, want)) in lines.iter().zip(&expected) {
        let got: Vec<i64> = line
            .split_ascii_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        distinct[*k].extend(want.iter().copied());
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
    for (k, (name, e, n)) in configs.iter().enumerate() {
        let seq = e.params().attention.seq;
        eprintln!(
            "{name:10} {n} sequences of {seq} tokens ({} token rows): {} mismatches, {} distinct output values",
            n * seq,
            mismatches[k],
            distinct[k].len()
        );
        assert!(distinct[k].len() > 64, "{name}: degenerate outputs");
    }
    assert_eq!(mismatches.iter().sum::<usize>(), 0, "encoder mismatches");
}
