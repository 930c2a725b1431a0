//! The hls4ml-exact models (`lowprec::nn::hls4ml`) against hls4ml 1.3.0's own kernels:
//! `nnet_utils` from the wheel (fetched by `hls/fetch-headers.sh`), driven by the
//! testbenches in `hls/tb/hls4ml/` and compiled by g++ — one translation unit per kernel
//! holding every configuration below, written as hls4ml's code generator writes its config
//! structs (`backends/vivado/passes/core_templates.py`). The binaries are cached under
//! `target/nn-hls4ml/`, keyed by a hash of the sources, the generated configurations, the
//! compiler command and the header directory.
//!
//! Per configuration: every table entry (as the kernel's `init_*` function fills it), and
//! at least 10,000 random vectors with edges (saturating and extreme values, ties, equal
//! rows). Zero mismatches allowed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "hls/mod.rs"]
mod hls;

use lowprec::fixed::FixedFormat;
use lowprec::nn::NnError;
use lowprec::nn::hls4ml::{
    Dense, DenseParams, LayerNorm, LayerNormParams, Softmax, SoftmaxImpl, SoftmaxParams, Strategy,
};

const VECTORS: usize = 10_000;

/// Compiles `hls/tb/hls4ml/<name>_tb.cpp` with the generated configurations against
/// hls4ml's own `nnet_utils` (cached).
fn build(name: &str, configs: &str) -> PathBuf {
    let h = hls::headers();
    assert!(
        h.ap.join("nnet_utils/nnet_dense.h").exists(),
        "no nnet_utils under {} (hls/fetch-headers.sh extracts it)",
        h.ap.display()
    );
    let src = format!("hls/tb/hls4ml/{name}_tb.cpp");
    hls::Testbench {
        cache: "nn-hls4ml",
        sources: &[&src, "hls/tb/hls4ml/common.h"],
        generated: &[("configs.h", configs)],
        includes: &["hls/tb/hls4ml"],
        flags: &["-std=c++14", "-O2", "-w", "-DLP_CONFIG_FILE=\"configs.h\""],
    }
    .build()
}

/// Runs a testbench on a whole command stream (then `Q`) and returns its output lines.
fn run(bin: &Path, input: String) -> Vec<String> {
    hls::run_program(bin, input + "Q\n")
        .lines()
        .map(String::from)
        .collect()
}

fn t(s: &str) -> FixedFormat {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Uniform in lo ..= hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi as i128 - lo as i128 + 1) as u128;
        (lo as i128 + (u128::from(self.next()) % span) as i128) as i64
    }
    /// A raw value of `f`: an edge (min, max, 0, ±1, next to the ends) one time in eight,
    /// else uniform over the type.
    fn raw(&mut self, f: &FixedFormat) -> i64 {
        let (lo, hi) = (f.min_raw() as i64, f.max_raw() as i64);
        if self.below(8) == 0 {
            let edges = [lo, hi, 0, 1, -1, lo + 1, hi - 1];
            edges[self.below(7) as usize].clamp(lo, hi)
        } else {
            self.range(lo, hi)
        }
    }
    /// A raw value of `f` for the real value range [a, b] (clamped to the type).
    fn raw_in(&mut self, f: &FixedFormat, a: f64, b: f64) -> i64 {
        let s = (f.frac_bits() as f64).exp2();
        let lo = ((a * s).ceil() as i64).max(f.min_raw() as i64);
        let hi = ((b * s).floor() as i64).min(f.max_raw() as i64);
        self.range(lo, hi.max(lo))
    }
}

fn line(xs: &[i64]) -> String {
    let mut s = String::new();
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        write!(s, "{x}").unwrap();
    }
    s
}

/// Compares expected lines with the testbench's, printing the first mismatches.
fn compare(what: &str, want: &[String], got: &[String]) -> usize {
    assert_eq!(want.len(), got.len(), "{what}: line counts");
    let distinct = want.iter().collect::<std::collections::HashSet<_>>().len();
    eprintln!("{what}: {} lines, {distinct} distinct", want.len());
    let mut bad = 0;
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        if w != g {
            if bad < 5 {
                eprintln!("{what}, line {i}:\n  model {w}\n  C++   {g}");
            }
            bad += 1;
        }
    }
    bad
}

// ---------------------------------------------------------------------------------------
// dense

fn dense_configs() -> Vec<DenseParams> {
    let d = t("ap_fixed<16,6>"); // hls4ml's default model precision
    let latency = |n_in, n_out, i: &str, o: &str, w: &str, b: &str, a: &str| {
        DenseParams::with_converter_defaults(n_in, n_out, t(i), t(o), t(w), t(b), t(a))
    };
    let resource = |rf, mut p: DenseParams| {
        p.strategy = Strategy::Resource { reuse_factor: rf };
        p
    };
    let narrow = |n_in, n_out| {
        latency(
            n_in,
            n_out,
            "ap_fixed<8,3>",
            "ap_fixed<8,3,AP_RND,AP_SAT>",
            "ap_fixed<6,1>",
            "ap_fixed<8,2>",
            "ap_fixed<10,4,AP_RND_CONV,AP_SAT>",
        )
    };
    vec![
        // 0: the converter's defaults (model precision everywhere, latency).
        DenseParams::with_converter_defaults(16, 8, d, d, d, d, d),
        // 1: latency, narrow saturating accumulator.
        narrow(12, 5),
        // 2: resource rf < n_in (rf_leq_nin), saturating.
        resource(4, narrow(12, 6)),
        // 3: resource rf == n_in, unsigned input, wrapping narrow accumulator.
        resource(
            8,
            latency(
                8,
                4,
                "ap_ufixed<8,4>",
                "ap_fixed<10,5>",
                "ap_fixed<8,2>",
                "ap_fixed<8,3>",
                "ap_fixed<11,5>",
            ),
        ),
        // 4: resource rf > n_in, rf % n_in == 0 (rf_gt_nin_rem0), saturating.
        resource(12, narrow(6, 4)),
        // 5: resource rf > n_in, rf % n_in != 0 (rf_gt_nin), saturating.
        resource(7, narrow(5, 4)),
        // 6: MiniLM's hidden size on the input side, wide accumulator.
        latency(
            384,
            12,
            "ap_fixed<16,9>",
            "ap_fixed<16,8,AP_RND,AP_SAT>",
            "ap_fixed<8,1>",
            "ap_fixed<12,4>",
            "ap_fixed<32,14,AP_RND_CONV,AP_SAT>",
        ),
        // 7: resource on MiniLM's size, rf 96 (rf_leq_nin), symmetric saturation.
        resource(
            96,
            latency(
                384,
                4,
                "ap_fixed<12,6>",
                "ap_fixed<12,6>",
                "ap_fixed<8,1>",
                "ap_fixed<8,2>",
                "ap_fixed<14,7,AP_TRN,AP_SAT_SYM>",
            ),
        ),
    ]
}

fn kernel_class(p: &DenseParams) -> &'static str {
    match p.strategy {
        Strategy::Latency => "nnet::DenseLatency",
        Strategy::Resource { reuse_factor: rf } if rf <= p.n_in => "nnet::DenseResource_rf_leq_nin",
        Strategy::Resource { reuse_factor: rf } if rf % p.n_in == 0 => {
            "nnet::DenseResource_rf_gt_nin_rem0"
        }
        Strategy::Resource { .. } => "DenseResource_rf_gt_nin_tb",
    }
}

fn dense_cpp(configs: &[DenseParams]) -> String {
    let mut s = String::new();
    let mut list = String::from("#define LP_CONFIGS(X)");
    for (k, p) in configs.iter().enumerate() {
        let (strategy, rf) = match p.strategy {
            Strategy::Latency => ("latency", 1),
            Strategy::Resource { reuse_factor } => ("resource", reuse_factor),
        };
        write!(
            s,
            "typedef {} c{k}_in_t;\ntypedef {} c{k}_out_t;\ntypedef {} c{k}_w_t;\n\
             typedef {} c{k}_b_t;\ntypedef {} c{k}_acc_t;\n\
             struct config{k} : nnet::dense_config {{\n\
             static const unsigned n_in = {};\n\
             static const unsigned n_out = {};\n\
             static const unsigned io_type = nnet::io_parallel;\n\
             static const unsigned strategy = nnet::{strategy};\n\
             static const unsigned reuse_factor = {rf};\n\
             static const unsigned n_zeros = 0;\n\
             static const unsigned n_nonzeros = {};\n\
             static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;\n\
             static const bool store_weights_in_bram = false;\n\
             typedef c{k}_acc_t accum_t;\ntypedef c{k}_b_t bias_t;\ntypedef c{k}_w_t weight_t;\n\
             typedef ap_uint<1> index_t;\n\
             template<class data_T, class res_T, class CONFIG_T>\n\
             using kernel = {}<data_T, res_T, CONFIG_T>;\n\
             template<class x_T, class y_T>\n\
             using product = nnet::product::mult<x_T, y_T>;\n}};\n",
            p.input,
            p.output,
            p.weight,
            p.bias,
            p.accum,
            p.n_in,
            p.n_out,
            p.n_in * p.n_out,
            kernel_class(p),
        )
        .unwrap();
        write!(list, " X({k})").unwrap();
    }
    s + &list + "\n"
}

#[test]
fn dense_matches_hls4ml() {
    let configs = dense_configs();
    let bin = build("dense", &dense_cpp(&configs));
    let mut rng = Rng(0xDE45E);
    let mut input = String::new();
    let mut want = Vec::new();
    let mut models = Vec::new();
    for (k, p) in configs.iter().enumerate() {
        let w: Vec<i64> = (0..p.n_in * p.n_out).map(|_| rng.raw(&p.weight)).collect();
        let b: Vec<i64> = (0..p.n_out).map(|_| rng.raw(&p.bias)).collect();
        // The kernel's array: as stored for latency, transposed for resource.
        let kernel_w: Vec<i64> = match p.strategy {
            Strategy::Latency => w.clone(),
            Strategy::Resource { .. } => (0..p.n_out)
                .flat_map(|o| (0..p.n_in).map(move |i| (i, o)))
                .map(|(i, o)| w[i * p.n_out + o])
                .collect(),
        };
        writeln!(input, "W {k}\n{}\n{}", line(&kernel_w), line(&b)).unwrap();
        models.push((w, b));
    }
    for (k, p) in configs.iter().enumerate() {
        let (w, b) = &models[k];
        let dense = Dense::new(*p, w.as_slice(), b.as_slice()).unwrap();
        writeln!(input, "R {k} {VECTORS}").unwrap();
        let mut y = vec![0i64; p.n_out];
        for v in 0..VECTORS {
            // Edges in every vector; every tenth vector at the extremes only.
            let x: Vec<i64> = (0..p.n_in)
                .map(|_| {
                    if v % 10 == 0 {
                        [p.input.min_raw() as i64, p.input.max_raw() as i64][rng.below(2) as usize]
                    } else {
                        rng.raw(&p.input)
                    }
                })
                .collect();
            dense.run(&x, &mut y).unwrap();
            input.push_str(&line(&x));
            input.push('\n');
            want.push(line(&y));
        }
    }
    let got = run(&bin, input);
    let mut bad = 0;
    let mut at = 0;
    for (k, _) in configs.iter().enumerate() {
        bad += compare(
            &format!("dense config {k}"),
            &want[at..at + VECTORS],
            &got[at..at + VECTORS],
        );
        at += VECTORS;
    }
    assert_eq!(bad, 0, "{bad} mismatching vectors");
}

#[test]
fn dense_refuses_what_the_kernel_asserts() {
    let f = t("ap_fixed<8,3>");
    let mut p = DenseParams::with_converter_defaults(6, 4, f, f, f, f, f);
    let w = [0i64; 24];
    let b = [0i64; 4];
    for (rf, ok) in [
        (1, true),
        (2, true),
        (3, true),
        (4, false),
        (5, false),
        (6, true),
        (7, true),
    ] {
        p.strategy = Strategy::Resource { reuse_factor: rf };
        assert_eq!(Dense::new(p, &w[..], &b[..]).is_ok(), ok, "rf {rf}");
    }
    p.strategy = Strategy::Resource { reuse_factor: 0 };
    assert!(matches!(
        Dense::new(p, &w[..], &b[..]),
        Err(NnError::Config(_))
    ));
}

// ---------------------------------------------------------------------------------------
// softmax

fn softmax_configs() -> Vec<SoftmaxParams> {
    let d = t("ap_fixed<16,6>");
    let def =
        |n, imp, i: FixedFormat| SoftmaxParams::with_converter_defaults(n, imp, i, d, d).unwrap();
    let mut custom_stable = def(12, SoftmaxImpl::Stable, t("ap_fixed<10,5,AP_RND,AP_SAT>"));
    custom_stable.exp_table_size = 256;
    custom_stable.inv_table_size = 512;
    custom_stable.exp_table = t("ap_fixed<12,3,AP_RND_CONV,AP_SAT>");
    custom_stable.inv_table = t("ap_ufixed<14,6,AP_RND,AP_SAT>");
    custom_stable.accum = t("ap_fixed<12,5,AP_RND,AP_SAT>");
    custom_stable.inv_inp = t("ap_ufixed<12,6,AP_TRN,AP_SAT>");
    custom_stable.inp_norm = t("ap_ufixed<8,4,AP_RND,AP_SAT>");
    custom_stable.output = t("ap_ufixed<10,1,AP_RND,AP_SAT>");
    custom_stable.exp_scale = 0.5;

    let mut custom_latency = def(10, SoftmaxImpl::Latency, t("ap_fixed<10,4>"));
    custom_latency.exp_table_size = 512;
    custom_latency.inv_table_size = 512;
    custom_latency.exp_table = t("ap_ufixed<16,10,AP_RND,AP_SAT>");
    custom_latency.inv_table = t("ap_fixed<18,4,AP_RND,AP_SAT>");
    custom_latency.accum = t("ap_ufixed<18,12,AP_RND,AP_SAT>");
    custom_latency.inv_inp = t("ap_ufixed<12,12,AP_TRN,AP_SAT>");
    custom_latency.exp_scale = 0.75;

    let mut custom_legacy = def(7, SoftmaxImpl::Legacy, t("ap_fixed<12,5>"));
    custom_legacy.legacy_table = t("ap_fixed<16,6,AP_RND,AP_SAT>");
    custom_legacy.exp_table_size = 512;
    custom_legacy.inv_table_size = 300;
    custom_legacy.output = t("ap_fixed<12,2,AP_RND,AP_SAT>");

    let mut wrap_stable = def(16, SoftmaxImpl::Stable, t("ap_fixed<14,6>"));
    wrap_stable.accum = t("ap_fixed<10,3>"); // wraps at 4: the sum of 16 exps overflows

    vec![
        // 0-1: the converter's defaults, stable and latency.
        def(8, SoftmaxImpl::Stable, d),
        def(8, SoftmaxImpl::Latency, d),
        // 2: attention rows of MiniLM (sequence 128, scores in [-13, 27]), defaults; the
        // default accumulator ap_fixed<16,6> wraps once the sum passes 32.
        def(128, SoftmaxImpl::Stable, d),
        // 3: stable, every type and size non-default, exp_scale 0.5.
        custom_stable,
        // 4: latency, non-default, saturating exp table.
        custom_latency,
        // 5-6: legacy, converter's table_t and a custom one with odd table sizes.
        def(6, SoftmaxImpl::Legacy, t("ap_fixed<12,4>")),
        custom_legacy,
        // 7: argmax.
        def(10, SoftmaxImpl::Argmax, t("ap_fixed<8,3>")),
        // 8: stable, unsigned input (no table-size clamp), converter defaults.
        def(9, SoftmaxImpl::Stable, t("ap_ufixed<10,4>")),
        // 9: stable with a narrow wrapping accumulator.
        wrap_stable,
        // 10: stable on a narrow input: the converter shrinks the tables to 2^8 / 2^7.
        def(5, SoftmaxImpl::Stable, t("ap_fixed<8,3>")),
    ]
}

fn softmax_cpp(configs: &[SoftmaxParams]) -> String {
    let mut s = String::new();
    let mut list = String::from("#define LP_CONFIGS(X)");
    for (k, p) in configs.iter().enumerate() {
        let imp = match p.implementation {
            SoftmaxImpl::Latency => "latency",
            SoftmaxImpl::Stable => "stable",
            SoftmaxImpl::Legacy => "legacy",
            SoftmaxImpl::Argmax => "argmax",
        };
        let table_t = if p.legacy_table == t("ap_fixed<18,8>") {
            String::new() // inherited from nnet::activ_config, as in generated code
        } else {
            format!("    typedef {} table_t;\n", p.legacy_table)
        };
        write!(
            s,
            "typedef {} c{k}_in_t;\ntypedef {} c{k}_out_t;\n\
             struct softmax_config{k} : nnet::activ_config {{\n\
             static const unsigned n_in = {n};\n\
             static const unsigned n_slice = {n};\n\
             static const unsigned n_outer = 1;\n\
             static const unsigned n_inner = 1;\n\
             static const unsigned parallelization_factor = -1;\n\
             static const unsigned exp_table_size = {};\n\
             static const unsigned inv_table_size = {};\n\
             static const unsigned io_type = nnet::io_parallel;\n\
             static const unsigned reuse_factor = 1;\n\
             static const unsigned axis = -1;\n\
             static const nnet::softmax_implementation implementation = nnet::softmax_implementation::{imp};\n\
             static constexpr float exp_scale = {:?};\n\
             typedef {} exp_table_t;\ntypedef {} inv_table_t;\ntypedef {} accum_t;\n\
             typedef {} inv_inp_t;\ntypedef {} inp_norm_t;\n{table_t}}};\n",
            p.input,
            p.output,
            p.exp_table_size,
            p.inv_table_size,
            f64::from(p.exp_scale),
            p.exp_table,
            p.inv_table,
            p.accum,
            p.inv_inp,
            p.inp_norm,
            n = p.n,
        )
        .unwrap();
        write!(list, " X({k})").unwrap();
    }
    s + &list + "\n"
}

/// A softmax row: uniform, narrow (many ties), all equal, a repeated maximum, extremes,
/// or MiniLM's attention-score range.
fn softmax_row(rng: &mut Rng, f: &FixedFormat, n: usize, v: usize) -> Vec<i64> {
    match v % 6 {
        0 => (0..n).map(|_| rng.raw(f)).collect(),
        1 => {
            let c = rng.raw(f);
            (0..n)
                .map(|_| (c + rng.range(-3, 3)).clamp(f.min_raw() as i64, f.max_raw() as i64))
                .collect()
        }
        2 => vec![rng.raw(f); n],
        3 => {
            let mut x: Vec<i64> = (0..n).map(|_| rng.raw(f)).collect();
            let m = *x.iter().max().unwrap();
            let j = rng.below(n as u64) as usize;
            x[j] = m;
            x
        }
        4 => (0..n)
            .map(|_| [f.min_raw() as i64, f.max_raw() as i64, 0][rng.below(3) as usize])
            .collect(),
        _ => (0..n).map(|_| rng.raw_in(f, -13.0, 27.0)).collect(),
    }
}

#[test]
fn softmax_matches_hls4ml() {
    let configs = softmax_configs();
    let bin = build("softmax", &softmax_cpp(&configs));
    let mut rng = Rng(0x050F_73A8);
    let mut input = String::new();
    let mut want_tables = Vec::new();
    let mut want = Vec::new();
    let mut tables = Vec::new();
    for (k, p) in configs.iter().enumerate() {
        let (ne, ni) = p.table_lens();
        let mut e = vec![0i64; ne];
        let mut i = vec![0i64; ni];
        Softmax::new(*p, &mut e, &mut i).unwrap_or_else(|err| panic!("config {k}: {err}"));
        writeln!(input, "T {k}").unwrap();
        want_tables.push(line(&e));
        want_tables.push(line(&i));
        tables.push((e, i));
    }
    for (k, p) in configs.iter().enumerate() {
        let (e, i) = &mut tables[k];
        let mut e2 = e.clone();
        let mut i2 = i.clone();
        let sm = Softmax::new(*p, &mut e2, &mut i2).unwrap();
        writeln!(input, "R {k} {VECTORS}").unwrap();
        let mut y = vec![0i64; p.n];
        for v in 0..VECTORS {
            let x = softmax_row(&mut rng, &p.input, p.n, v);
            sm.run(&x, &mut y).unwrap();
            input.push_str(&line(&x));
            input.push('\n');
            want.push(line(&y));
        }
    }
    let got = run(&bin, input);
    let nt = want_tables.len();
    let mut bad = compare("softmax tables", &want_tables, &got[..nt]);
    let mut at = nt;
    for (k, _) in configs.iter().enumerate() {
        bad += compare(
            &format!("softmax config {k}"),
            &want[at - nt..at - nt + VECTORS],
            &got[at..at + VECTORS],
        );
        at += VECTORS;
    }
    assert_eq!(bad, 0, "{bad} mismatching lines");
}

#[test]
fn softmax_refuses_a_table_finer_than_expf() {
    let d = t("ap_fixed<16,6>");
    let mut p = SoftmaxParams::with_converter_defaults(8, SoftmaxImpl::Stable, d, d, d).unwrap();
    p.exp_table = t("ap_fixed<32,8,AP_RND,AP_SAT>");
    let (ne, ni) = p.table_lens();
    let (mut e, mut i) = (vec![0i64; ne], vec![0i64; ni]);
    let r = Softmax::new(p, &mut e, &mut i);
    assert!(
        matches!(
            r,
            Err(NnError::TableMargin {
                table: "softmax exp",
                ..
            })
        ),
        "{r:?}"
    );
    // The converter's default types pass for every implementation.
    for imp in [
        SoftmaxImpl::Stable,
        SoftmaxImpl::Latency,
        SoftmaxImpl::Legacy,
    ] {
        let p = SoftmaxParams::with_converter_defaults(8, imp, d, d, d).unwrap();
        let (ne, ni) = p.table_lens();
        let (mut e, mut i) = (vec![0i64; ne], vec![0i64; ni]);
        Softmax::new(p, &mut e, &mut i).unwrap();
    }
}

#[test]
fn softmax_converter_defaults() {
    let d = t("ap_fixed<16,6>");
    let p = SoftmaxParams::with_converter_defaults(8, SoftmaxImpl::Stable, d, d, d).unwrap();
    assert_eq!((p.exp_table_size, p.inv_table_size), (1024, 1024));
    assert_eq!(p.inp_norm, t("ap_ufixed<15,5>"));
    assert_eq!(p.exp_table, t("ap_fixed<18,8,AP_RND,AP_SAT>"));
    let n = t("ap_fixed<8,3>");
    let p = SoftmaxParams::with_converter_defaults(8, SoftmaxImpl::Stable, n, d, d).unwrap();
    assert_eq!((p.exp_table_size, p.inv_table_size), (128, 256));
    assert_eq!(p.inp_norm, t("ap_ufixed<7,2>"));
}

// ---------------------------------------------------------------------------------------
// layer normalization

fn layernorm_configs() -> Vec<LayerNormParams> {
    let d = t("ap_fixed<16,6>");
    let def = |dim, i: &str, o: &str, a: &str, s: &str, b: &str, e| {
        LayerNormParams::with_converter_defaults(dim, t(i), t(o), t(a), t(s), t(b), e)
    };
    let mut narrow = def(
        32,
        "ap_fixed<10,4>",
        "ap_fixed<12,4,AP_RND,AP_SAT>",
        "ap_fixed<12,4,AP_RND,AP_SAT>",
        "ap_fixed<8,2>",
        "ap_fixed<8,2>",
        5,
    );
    narrow.table_range_power2 = 2;
    narrow.table_size = 1024;
    narrow.table = t("ap_ufixed<16,6,AP_RND,AP_SAT>");
    let mut odd = def(
        12,
        "ap_fixed<10,4>",
        "ap_fixed<10,4>",
        "ap_fixed<14,5>",
        "ap_fixed<8,2>",
        "ap_fixed<8,2>",
        3,
    );
    odd.table_size = 1000;
    odd.table = t("ap_fixed<12,6>");
    let mut wide = def(
        64,
        "ap_fixed<16,6>",
        "ap_fixed<18,6,AP_RND_CONV,AP_SAT>",
        "ap_fixed<32,12,AP_RND_CONV,AP_SAT>",
        "ap_fixed<16,4>",
        "ap_fixed<16,4>",
        12,
    );
    wide.table = t("ap_ufixed<18,8,AP_RND_CONV,AP_SAT>");
    vec![
        // 0: the converter's defaults, model precision everywhere, MiniLM's row, ε 1e-12.
        LayerNormParams::with_converter_defaults(384, d, d, d, d, d, 12),
        // 1: the converter's table on MiniLM's ranges (|x| ≤ 222, variance up to 128).
        def(
            384,
            "ap_fixed<18,9>",
            "ap_fixed<16,6,AP_RND,AP_SAT>",
            "ap_fixed<24,12,AP_RND_CONV,AP_SAT>",
            "ap_fixed<12,3>",
            "ap_fixed<12,3>",
            12,
        ),
        // 2: table_range_power2 2, a finer table, narrow saturating accumulator.
        narrow,
        // 3: a table of 1000 entries of a truncating, wrapping type; wrapping accumulator.
        odd,
        // 4: a wide accumulator and table type.
        wide,
    ]
}

fn layernorm_cpp(configs: &[LayerNormParams]) -> String {
    let mut s = String::new();
    let mut list = String::from("#define LP_CONFIGS(X)");
    for (k, p) in configs.iter().enumerate() {
        write!(
            s,
            "typedef {} c{k}_in_t;\ntypedef {} c{k}_out_t;\n\
             struct config{k} : nnet::layernorm_config {{\n\
             static const unsigned n_in = {};\n\
             static const unsigned seq_len = 1;\n\
             static const unsigned axis = 2;\n\
             static const unsigned epsilon_power_of_10 = {};\n\
             static const unsigned table_range_power2 = {};\n\
             static const unsigned table_size = {};\n\
             typedef {} accum_t;\ntypedef {} bias_t;\ntypedef {} scale_t;\ntypedef {} table_t;\n\
             static const unsigned io_type = nnet::io_parallel;\n\
             static const unsigned reuse_factor = 1;\n\
             template<class x_T, class y_T>\n\
             using product = nnet::product::mult<x_T, y_T>;\n}};\n",
            p.input,
            p.output,
            p.dim,
            p.epsilon_power_of_10,
            p.table_range_power2,
            p.table_size,
            p.accum,
            p.bias,
            p.scale,
            p.table,
        )
        .unwrap();
        write!(list, " X({k})").unwrap();
    }
    s + &list + "\n"
}

/// A layer-norm row: a random mean and a spread from tiny to the whole type (so the
/// variance runs over the table and beyond), all equal, or extremes.
fn layernorm_row(rng: &mut Rng, f: &FixedFormat, n: usize, v: usize) -> Vec<i64> {
    let lo = f.min_raw() as i64;
    let hi = f.max_raw() as i64;
    match v % 8 {
        0 => vec![rng.raw(f); n],
        1 => (0..n).map(|_| [lo, hi][rng.below(2) as usize]).collect(),
        2 => (0..n).map(|_| rng.raw(f)).collect(),
        _ => {
            let mean = rng.raw(f) / 2;
            let spread = 1i64 << rng.below(u64::from(f.width())).min(62);
            (0..n)
                .map(|_| (mean + rng.range(-spread, spread)).clamp(lo, hi))
                .collect()
        }
    }
}

#[test]
fn layernorm_matches_hls4ml() {
    let configs = layernorm_configs();
    let bin = build("layernorm", &layernorm_cpp(&configs));
    let mut rng = Rng(0x0001_A7E4);
    let mut input = String::new();
    let mut params = Vec::new();
    for (k, p) in configs.iter().enumerate() {
        let s: Vec<i64> = (0..p.dim).map(|_| rng.raw(&p.scale)).collect();
        let b: Vec<i64> = (0..p.dim).map(|_| rng.raw(&p.bias)).collect();
        writeln!(input, "W {k}\n{}\n{}\nT {k}", line(&s), line(&b)).unwrap();
        params.push((s, b));
    }
    let mut want = Vec::new();
    for (k, p) in configs.iter().enumerate() {
        let (s, b) = &params[k];
        let mut table = vec![0i64; p.table_len()];
        let ln = LayerNorm::new(*p, s.as_slice(), b.as_slice(), &mut table)
            .unwrap_or_else(|e| panic!("config {k}: {e}"));
        want.push(vec![line(ln.table())]);
    }
    for (k, p) in configs.iter().enumerate() {
        let (s, b) = &params[k];
        let mut table = vec![0i64; p.table_len()];
        let ln = LayerNorm::new(*p, s.as_slice(), b.as_slice(), &mut table).unwrap();
        writeln!(input, "R {k} {VECTORS}").unwrap();
        let mut y = vec![0i64; p.dim];
        let mut lines = Vec::with_capacity(VECTORS);
        for v in 0..VECTORS {
            let x = layernorm_row(&mut rng, &p.input, p.dim, v);
            ln.run(&x, &mut y).unwrap();
            input.push_str(&line(&x));
            input.push('\n');
            lines.push(line(&y));
        }
        want.push(lines);
    }
    let got = run(&bin, input);
    let mut bad = 0;
    let mut at = 0;
    for (j, w) in want.iter().enumerate() {
        let what = if j < configs.len() {
            format!("layer norm table of config {j}")
        } else {
            format!("layer norm config {}", j - configs.len())
        };
        bad += compare(&what, w, &got[at..at + w.len()]);
        at += w.len();
    }
    assert_eq!(bad, 0, "{bad} mismatching lines");
}
