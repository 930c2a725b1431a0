//! lowprec's own softmax, layer norm and GELU kernels (`hls/include/lowprec/nn/`) against
//! their Rust golden models (`lowprec::nn`), bit for bit, in C simulation: each kernel's
//! testbench (`hls/tb/nn_*_tb.cpp`) is compiled once with g++ against the real `ap_types`
//! headers (from the hls4ml 1.3.0 wheel, `hls/fetch-headers.sh`) together with a header
//! of all its configurations and tables that the Rust models write
//! (`write_cpp_config`), and cached under `target/nn-act-hls/` by a hash of the sources,
//! the generated header and the command. Every configuration runs ≥ 10,000 random rows
//! (edges included: all equal, one huge, saturating); zero mismatches are allowed.
//!
//! The accuracy tests measure each configuration against f64 math on MiniLM-range inputs
//! and assert the bounds that the module docs derive.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "hls/mod.rs"]
mod hls;

use lowprec::fixed::FixedFormat;
use lowprec::nn::{Softmax, SoftmaxParams};

/// Compiles testbench `tb` (in hls/tb) with kernel header `kernel` and the generated
/// configurations `cfgs` (written as `cfg_name`), once per hash.
fn testbench(tb: &str, kernel: &str, cfg_name: &str, cfgs: &str) -> PathBuf {
    let src = format!("hls/tb/{tb}");
    let header = format!("hls/include/lowprec/nn/{kernel}");
    hls::Testbench {
        cache: "nn-act-hls",
        sources: &[&src, &header],
        generated: &[(cfg_name, cfgs)],
        includes: &[],
        flags: &["-O1", "-std=c++17"],
    }
    .build()
}

/// Runs a testbench on `input`; returns its output lines.
fn run_tb(bin: &Path, input: String) -> Vec<String> {
    hls::run_program(bin, input)
        .lines()
        .map(String::from)
        .collect()
}

fn parse_row(line: &str) -> Vec<i64> {
    line.split_ascii_whitespace()
        .map(|t| t.parse().expect("integer"))
        .collect()
}

/// A small deterministic generator (SplitMix64).
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
    /// Uniform in [lo, hi].
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn fmt(s: &str) -> FixedFormat {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

/// The raw integer nearest to v in `f` (clamped to its range).
fn raw_near(f: &FixedFormat, v: f64) -> i64 {
    let r = (v * (f.frac_bits() as f64).exp2()).round();
    r.clamp(f.min_raw() as f64, f.max_raw() as f64) as i64
}

fn value(f: &FixedFormat, raw: i64) -> f64 {
    raw as f64 * (-f.frac_bits() as f64).exp2()
}

// ----------------------------------------------------------------------------------
// Softmax
// ----------------------------------------------------------------------------------

#[allow(clippy::too_many_arguments)]
fn sm(
    n: usize,
    input: &str,
    output: &str,
    exp_table: &str,
    exp_index_bits: u32,
    exp_range_log2: i32,
    accum: &str,
    inv_table: &str,
    inv_index_bits: u32,
    inv: &str,
) -> Softmax {
    Softmax::new(SoftmaxParams {
        n,
        input: fmt(input),
        output: fmt(output),
        exp_table: fmt(exp_table),
        exp_index_bits,
        exp_range_log2,
        accum: fmt(accum),
        inv_table: fmt(inv_table),
        inv_index_bits,
        inv: fmt(inv),
    })
    .expect("softmax configuration")
}

/// The softmax configurations: MiniLM's attention rows (64 and 128, scores in [−13, 27]),
/// narrow types with a wrapping unsigned accumulator, a signed wrapping accumulator with
/// a wrapping exp table, and wide types.
fn softmax_configs() -> Vec<(&'static str, Softmax)> {
    vec![
        (
            "minilm-64",
            sm(
                64,
                "ap_fixed<16,6>",
                "ap_ufixed<16,1,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<18,1,AP_RND_CONV,AP_SAT>",
                10,
                4,
                "ap_ufixed<24,8,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<18,1,AP_RND_CONV,AP_SAT>",
                8,
                "ap_ufixed<24,1,AP_RND_CONV,AP_SAT>",
            ),
        ),
        (
            "minilm-128",
            sm(
                128,
                "ap_fixed<18,6,AP_RND,AP_SAT>",
                "ap_fixed<16,2,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<16,1,AP_RND,AP_SAT>",
                12,
                5,
                "ap_ufixed<20,8,AP_TRN,AP_SAT>",
                "ap_ufixed<16,1,AP_RND>",
                10,
                "ap_ufixed<18,0,AP_RND,AP_SAT>",
            ),
        ),
        (
            "narrow-wrap",
            sm(
                16,
                "ap_fixed<8,4>",
                "ap_ufixed<8,1>",
                "ap_ufixed<8,1,AP_RND,AP_SAT>",
                6,
                3,
                "ap_ufixed<10,4>",
                "ap_ufixed<8,1,AP_RND_CONV>",
                4,
                "ap_ufixed<10,1>",
            ),
        ),
        (
            "signed-wrap",
            sm(
                32,
                "ap_fixed<12,5,AP_RND,AP_SAT>",
                "ap_fixed<10,2,AP_RND_CONV,AP_SAT>",
                "ap_fixed<12,2,AP_RND_CONV,AP_WRAP>",
                8,
                3,
                "ap_fixed<14,5>",
                "ap_fixed<12,2,AP_RND_CONV,AP_SAT>",
                6,
                "ap_fixed<16,2,AP_RND,AP_SAT>",
            ),
        ),
        (
            "wide",
            sm(
                64,
                "ap_fixed<32,8>",
                "ap_ufixed<32,1,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<32,1,AP_RND_CONV,AP_SAT>",
                13,
                5,
                "ap_ufixed<40,8,AP_RND_CONV,AP_SAT>",
                "ap_ufixed<32,1,AP_RND_CONV>",
                12,
                "ap_ufixed<40,1,AP_RND_CONV,AP_SAT>",
            ),
        ),
        (
            "unsigned-in",
            sm(
                48,
                "ap_ufixed<10,5,AP_TRN,AP_SAT>",
                "ap_ufixed<12,1,AP_TRN,AP_SAT>",
                "ap_ufixed<12,1,AP_TRN,AP_SAT>",
                8,
                4,
                "ap_fixed<16,8,AP_TRN,AP_SAT>",
                "ap_ufixed<12,1,AP_TRN,AP_SAT>",
                5,
                "ap_ufixed<14,1,AP_TRN,AP_SAT>",
            ),
        ),
    ]
}

/// A softmax row of `f`: MiniLM scores in [−13, 27], and edge rows.
fn softmax_row(f: &FixedFormat, n: usize, rng: &mut Rng) -> Vec<i64> {
    let (lo, hi) = (f.min_raw() as i64, f.max_raw() as i64);
    match rng.below(10) {
        0 => vec![rng.range(lo, hi); n],
        1 => {
            let mut v = vec![rng.range(lo, lo + (hi - lo) / 4); n];
            v[rng.below(n as u64) as usize] = hi;
            v
        }
        2 => (0..n)
            .map(|_| if rng.below(2) == 0 { lo } else { hi })
            .collect(),
        3 => (0..n).map(|_| rng.range(lo, hi)).collect(),
        4 => {
            // Ties and near-ties around a few values.
            let base: Vec<i64> = (0..3).map(|_| rng.range(lo, hi)).collect();
            (0..n)
                .map(|_| (base[rng.below(3) as usize] + rng.range(-2, 2)).clamp(lo, hi))
                .collect()
        }
        _ => {
            let spread = 1.0 + rng.unit() * 39.0;
            let top = -13.0 + spread;
            (0..n)
                .map(|_| raw_near(f, top - rng.unit() * spread))
                .collect()
        }
    }
}

const ROWS: usize = 10_000;

#[test]
fn softmax_bit_exact_in_csim() {
    let configs = softmax_configs();
    let mut header = String::new();
    let mut list = String::from("#define LP_SOFTMAX_CONFIGS");
    for (k, (name, s)) in configs.iter().enumerate() {
        let cname = format!("sm_{}", name.replace('-', "_"));
        s.write_cpp_config(&mut header, &cname).unwrap();
        header.push('\n');
        let _ = write!(list, " X({k}, {cname})");
    }
    header.push_str(&list);
    header.push('\n');
    let bin = testbench(
        "nn_softmax_tb.cpp",
        "softmax.h",
        "nn_softmax_cfgs.h",
        &header,
    );
    let mut rng = Rng(0x50F7_4A11);
    let mut input = String::new();
    let mut expected: Vec<Vec<i64>> = Vec::new();
    for (k, (_, s)) in configs.iter().enumerate() {
        let p = *s.params();
        let mut exp = vec![0; s.exp_table_len()];
        let mut inv = vec![0; s.inv_table_len()];
        let kern = s.load(&mut exp, &mut inv).unwrap();
        let _ = writeln!(input, "{k} {ROWS}");
        for _ in 0..ROWS {
            let x = softmax_row(&p.input, p.n, &mut rng);
            let mut y = vec![0i64; p.n];
            kern.run(&x, &mut y).unwrap();
            for (i, v) in x.iter().enumerate() {
                let _ = write!(input, "{}{v}", if i == 0 { "" } else { " " });
            }
            input.push('\n');
            expected.push(y);
        }
    }
    let t0 = std::time::Instant::now();
    let lines = run_tb(&bin, input);
    eprintln!("softmax csim: {:.1} s", t0.elapsed().as_secs_f64());
    assert_eq!(lines.len(), expected.len(), "rows returned");
    let mut mismatches = 0;
    for (r, (line, want)) in lines.iter().zip(&expected).enumerate() {
        let got = parse_row(line);
        if &got != want {
            if mismatches < 5 {
                eprintln!(
                    "config {} row {}: C++ {got:?}\n  Rust {want:?}",
                    configs[r / ROWS].0,
                    r % ROWS
                );
            }
            mismatches += 1;
        }
    }
    assert_eq!(mismatches, 0, "softmax mismatches");
    // The rows exercise the kernels: most outputs are nonzero.
    let nonzero = expected.iter().flatten().filter(|&&v| v != 0).count();
    assert!(nonzero * 2 > expected.iter().flatten().count(), "{nonzero}");
}

/// The rounding error of a cast into `f`: half an LSB for the rounding modes, one LSB for
/// the truncating ones.
fn q(f: &FixedFormat) -> f64 {
    use lowprec::fixed::Quantization;
    let lsb = (-f.frac_bits() as f64).exp2();
    match f.quantization() {
        Quantization::Trn | Quantization::TrnZero => lsb,
        _ => lsb / 2.0,
    }
}

fn lsb(f: &FixedFormat) -> f64 {
    (-f.frac_bits() as f64).exp2()
}

/// Softmax against f64 on MiniLM attention scores: max and mean absolute error per
/// configuration, and the documented bound where no type can overflow.
#[test]
fn softmax_accuracy() {
    let mut rng = Rng(0xACC0_50F7);
    for (name, s) in softmax_configs() {
        let p = *s.params();
        let mut exp = vec![0; s.exp_table_len()];
        let mut inv = vec![0; s.inv_table_len()];
        let kern = s.load(&mut exp, &mut inv).unwrap();
        let (mut max_err, mut sum_err, mut count, mut max_excess) = (0f64, 0f64, 0usize, 0f64);
        let shift = p.exp_range_log2 + p.input.frac_bits() - p.exp_index_bits as i32;
        let h = ((shift as f64).exp2() - 1.0) / 2.0 * lsb(&p.input);
        let rel = 2.0 * (h.exp() - 1.0)
            + (-(p.inv_index_bits as f64) - 1.0).exp2()
            + 2.0 * q(&p.inv_table);
        let abs = q(&p.output)
            + lsb(&p.inv)
            + p.n as f64 * (q(&p.exp_table) + q(&p.accum))
            + q(&p.exp_table)
            + p.n as f64 * (-(p.exp_range_log2 as f64).exp2()).exp();
        for _ in 0..2_000 {
            let spread = 1.0 + rng.unit() * 39.0;
            let top = -13.0 + spread;
            let x: Vec<i64> = (0..p.n)
                .map(|_| raw_near(&p.input, top - rng.unit() * spread))
                .collect();
            let mut y = vec![0i64; p.n];
            kern.run(&x, &mut y).unwrap();
            let xv: Vec<f64> = x.iter().map(|&r| value(&p.input, r)).collect();
            let m = xv.iter().cloned().fold(f64::MIN, f64::max);
            let z: f64 = xv.iter().map(|v| (v - m).exp()).sum();
            for (v, &r) in xv.iter().zip(&y) {
                let want = (v - m).exp() / z;
                let err = (value(&p.output, r) - want).abs();
                max_err = max_err.max(err);
                sum_err += err;
                count += 1;
                max_excess = max_excess.max(err - 1.05 * (abs + want * rel));
            }
        }
        let bound_holds = max_excess <= 0.0;
        eprintln!(
            "softmax {name:12} n {:3}: max error {max_err:.3e}, mean {:.3e}, documented bound {}",
            p.n,
            sum_err / count as f64,
            if bound_holds { "holds" } else { "exceeded" }
        );
        // The wrapping accumulators overflow by design (their rows of large sums wrap);
        // every other configuration must meet the bound.
        if !name.contains("wrap") {
            assert!(
                bound_holds,
                "{name}: error exceeds the bound by {max_excess:e}"
            );
        }
    }
}

// ----------------------------------------------------------------------------------
// Layer norm
// ----------------------------------------------------------------------------------

use lowprec::nn::{LayerNorm, LayerNormParams};

/// Types of a layer-norm configuration, in the order of [`LayerNormParams`]'s fields:
/// input, output, accum, dim_recip, mean, sq_accum, var, epsilon type, rsqrt table,
/// norm, scale, bias.
fn ln(dim: usize, t: [&str; 12], epsilon: &str, rsqrt_index_bits: u32) -> LayerNorm {
    LayerNorm::new(LayerNormParams {
        dim,
        input: fmt(t[0]),
        output: fmt(t[1]),
        accum: fmt(t[2]),
        dim_recip: fmt(t[3]),
        mean: fmt(t[4]),
        sq_accum: fmt(t[5]),
        var: fmt(t[6]),
        epsilon: epsilon.parse().unwrap(),
        epsilon_type: fmt(t[7]),
        rsqrt_table: fmt(t[8]),
        rsqrt_index_bits,
        norm: fmt(t[9]),
        scale: fmt(t[10]),
        bias: fmt(t[11]),
    })
    .expect("layer norm configuration")
}

/// The layer-norm configurations: MiniLM's hidden size 384 (variance up to 128, |x| up
/// to 222) with rounding and with truncating, saturating types, ε = 0 among them; a
/// wrapping configuration; narrow types; wide types.
fn layernorm_configs() -> Vec<(&'static str, LayerNorm)> {
    vec![
        (
            "minilm-384",
            ln(
                384,
                [
                    "ap_fixed<16,9>",
                    "ap_fixed<16,6,AP_RND_CONV,AP_SAT>",
                    "ap_fixed<32,18>",
                    "ap_ufixed<18,-8,AP_RND_CONV>",
                    "ap_fixed<24,9,AP_RND_CONV,AP_SAT>",
                    "ap_ufixed<40,26,AP_RND_CONV,AP_SAT>",
                    "ap_ufixed<32,16,AP_RND_CONV,AP_SAT>",
                    "ap_ufixed<12,-36,AP_RND_CONV>",
                    "ap_ufixed<18,1,AP_RND_CONV,AP_SAT>",
                    "ap_fixed<24,8,AP_RND_CONV,AP_SAT>",
                    "ap_fixed<16,4,AP_RND_CONV,AP_SAT>",
                    "ap_fixed<16,4,AP_RND_CONV,AP_SAT>",
                ],
                "1e-12",
                10,
            ),
        ),
        (
            "minilm-384-trn",
            ln(
                384,
                [
                    "ap_fixed<18,9,AP_TRN,AP_SAT>",
                    "ap_fixed<16,5,AP_TRN,AP_SAT>",
                    "ap_fixed<28,18,AP_TRN,AP_SAT>",
                    "ap_ufixed<16,-8,AP_TRN>",
                    "ap_fixed<20,9,AP_TRN,AP_SAT>",
                    "ap_ufixed<32,26,AP_TRN,AP_SAT>",
                    "ap_ufixed<24,16,AP_TRN,AP_SAT>",
                    "ap_ufixed<8,-30>",
                    "ap_ufixed<16,1,AP_TRN,AP_SAT>",
                    "ap_fixed<18,6,AP_TRN,AP_SAT>",
                    "ap_fixed<12,3,AP_TRN,AP_SAT>",
                    "ap_fixed<12,3,AP_TRN,AP_SAT>",
                ],
                "0",
                8,
            ),
        ),
        (
            "wrap-64",
            ln(
                64,
                [
                    "ap_fixed<12,6>",
                    "ap_fixed<12,4>",
                    "ap_fixed<16,10>",
                    "ap_ufixed<12,-5,AP_RND>",
                    "ap_fixed<14,6,AP_RND>",
                    "ap_ufixed<20,14>",
                    "ap_ufixed<16,10,AP_RND>",
                    "ap_ufixed<8,-12,AP_RND>",
                    "ap_ufixed<12,1,AP_RND>",
                    "ap_fixed<14,5>",
                    "ap_fixed<10,3>",
                    "ap_fixed<10,3>",
                ],
                "1e-5",
                6,
            ),
        ),
        (
            "narrow-32",
            ln(
                32,
                [
                    "ap_fixed<8,4>",
                    "ap_fixed<8,3,AP_RND,AP_SAT>",
                    "ap_fixed<12,9,AP_RND,AP_SAT>",
                    "ap_ufixed<8,-4,AP_RND>",
                    "ap_fixed<10,4,AP_RND,AP_SAT>",
                    "ap_ufixed<14,12,AP_RND,AP_SAT>",
                    "ap_ufixed<10,7,AP_RND,AP_SAT>",
                    "ap_ufixed<4,-6,AP_RND>",
                    "ap_ufixed<8,1,AP_RND,AP_SAT>",
                    "ap_fixed<10,4,AP_RND,AP_SAT>",
                    "ap_fixed<8,2,AP_RND,AP_SAT>",
                    "ap_fixed<8,2,AP_RND,AP_SAT>",
                ],
                "1e-3",
                4,
            ),
        ),
        (
            "wide-128",
            ln(
                128,
                [
                    "ap_fixed<32,10>",
                    "ap_fixed<32,8,AP_RND_CONV,AP_SAT>",
                    "ap_fixed<48,18,AP_RND_CONV,AP_SAT>",
                    "ap_ufixed<32,-6,AP_RND_CONV>",
                    "ap_fixed<40,10,AP_RND_CONV,AP_SAT>",
                    "ap_ufixed<56,28,AP_RND_CONV,AP_SAT>",
                    "ap_ufixed<48,20,AP_RND_CONV,AP_SAT>",
                    "ap_ufixed<16,-36,AP_RND_CONV>",
                    "ap_ufixed<24,1,AP_RND_CONV,AP_SAT>",
                    "ap_fixed<32,8,AP_RND_CONV,AP_SAT>",
                    "ap_fixed<24,4,AP_RND_CONV,AP_SAT>",
                    "ap_fixed<24,4,AP_RND_CONV,AP_SAT>",
                ],
                "1e-12",
                12,
            ),
        ),
    ]
}

/// A standard normal sample (Box–Muller).
fn normal(rng: &mut Rng) -> f64 {
    let u = rng.unit().max(1e-300);
    let v = rng.unit();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// A layer-norm row of `f`: MiniLM-like (mean in [−3, 3], variance from 4·10⁻⁴ to 128,
/// outlier dimensions up to |x| = 222), and edge rows.
fn layernorm_row(f: &FixedFormat, d: usize, rng: &mut Rng) -> Vec<i64> {
    let (lo, hi) = (f.min_raw() as i64, f.max_raw() as i64);
    match rng.below(12) {
        0 => vec![rng.range(lo, hi); d],
        1 => {
            let mut v: Vec<i64> = (0..d).map(|_| rng.range(-3, 3)).collect();
            v[rng.below(d as u64) as usize] =
                raw_near(f, if rng.below(2) == 0 { 222.0 } else { -222.0 });
            v
        }
        2 => (0..d)
            .map(|_| if rng.below(2) == 0 { lo } else { hi })
            .collect(),
        3 => (0..d).map(|_| rng.range(lo, hi)).collect(),
        _ => minilm_row(f, d, rng),
    }
}

/// A MiniLM-like layer-norm row: mean in [−3, 3], standard deviation from 0.02 to √128
/// (log-uniform), and in half the rows two outlier dimensions with |x| in [50, 222].
fn minilm_row(f: &FixedFormat, d: usize, rng: &mut Rng) -> Vec<i64> {
    let mean = rng.unit() * 6.0 - 3.0;
    let sd = (rng.unit() * (128f64.sqrt() / 0.02).ln()).exp() * 0.02;
    let mut v: Vec<i64> = (0..d)
        .map(|_| raw_near(f, (mean + sd * normal(rng)).clamp(-222.0, 222.0)))
        .collect();
    if rng.below(2) == 0 {
        for _ in 0..2 {
            let big = 50.0 + rng.unit() * 172.0;
            v[rng.below(d as u64) as usize] =
                raw_near(f, if rng.below(2) == 0 { big } else { -big });
        }
    }
    v
}

/// Scales around 1 and biases around 0 for a configuration.
fn scale_bias(p: &LayerNormParams, rng: &mut Rng) -> (Vec<i64>, Vec<i64>) {
    let g = (0..p.dim)
        .map(|_| {
            raw_near(
                &p.scale,
                0.2 + rng.unit() * 1.6 * if rng.below(8) == 0 { -1.0 } else { 1.0 },
            )
        })
        .collect();
    let b = (0..p.dim)
        .map(|_| raw_near(&p.bias, rng.unit() * 2.0 - 1.0))
        .collect();
    (g, b)
}

#[test]
fn layernorm_bit_exact_in_csim() {
    let configs = layernorm_configs();
    let mut header = String::new();
    let mut list = String::from("#define LP_LAYERNORM_CONFIGS");
    for (k, (name, l)) in configs.iter().enumerate() {
        let cname = format!("ln_{}", name.replace('-', "_"));
        l.write_cpp_config(&mut header, &cname).unwrap();
        header.push('\n');
        let _ = write!(list, " X({k}, {cname})");
    }
    header.push_str(&list);
    header.push('\n');
    let bin = testbench(
        "nn_layernorm_tb.cpp",
        "layernorm.h",
        "nn_layernorm_cfgs.h",
        &header,
    );
    let mut rng = Rng(0x1A7E_4012);
    let mut input = String::new();
    let mut expected: Vec<Vec<i64>> = Vec::new();
    let line = |input: &mut String, v: &[i64]| {
        for (i, x) in v.iter().enumerate() {
            let _ = write!(input, "{}{x}", if i == 0 { "" } else { " " });
        }
        input.push('\n');
    };
    for (k, (_, l)) in configs.iter().enumerate() {
        let p = *l.params();
        let mut table = vec![0; l.table_len()];
        let kern = l.load(&mut table).unwrap();
        let (g, b) = scale_bias(&p, &mut rng);
        let _ = writeln!(input, "{k} {ROWS}");
        line(&mut input, &g);
        line(&mut input, &b);
        for _ in 0..ROWS {
            let x = layernorm_row(&p.input, p.dim, &mut rng);
            let mut y = vec![0i64; p.dim];
            kern.run(&x, &g, &b, &mut y).unwrap();
            line(&mut input, &x);
            expected.push(y);
        }
    }
    let t0 = std::time::Instant::now();
    let lines = run_tb(&bin, input);
    eprintln!("layer norm csim: {:.1} s", t0.elapsed().as_secs_f64());
    assert_eq!(lines.len(), expected.len(), "rows returned");
    let mut mismatches = 0;
    for (r, (line, want)) in lines.iter().zip(&expected).enumerate() {
        let got = parse_row(line);
        if &got != want {
            if mismatches < 3 {
                eprintln!(
                    "config {} row {}: C++ {got:?}\n  Rust {want:?}",
                    configs[r / ROWS].0,
                    r % ROWS
                );
            }
            mismatches += 1;
        }
    }
    assert_eq!(mismatches, 0, "layer norm mismatches");
    let nonzero = expected.iter().flatten().filter(|&&v| v != 0).count();
    assert!(nonzero * 2 > expected.iter().flatten().count(), "{nonzero}");
}

fn in_range(f: &FixedFormat, v: f64) -> bool {
    v >= value(f, f.min_raw() as i64) && v <= value(f, f.max_raw() as i64)
}

/// Layer norm against f64 on MiniLM-range rows: max and mean absolute error per
/// configuration, and the documented bound on every row on which no type overflows.
#[test]
fn layernorm_accuracy() {
    let mut rng = Rng(0xACC0_1A7E);
    for (name, l) in layernorm_configs() {
        let p = *l.params();
        let mut table = vec![0; l.table_len()];
        let kern = l.load(&mut table).unwrap();
        let (g, b) = scale_bias(&p, &mut rng);
        let gv: Vec<f64> = g.iter().map(|&r| value(&p.scale, r)).collect();
        let bv: Vec<f64> = b.iter().map(|&r| value(&p.bias, r)).collect();
        let dim = p.dim as f64;
        let r = value(&p.dim_recip, l.dim_recip_raw());
        let dr = (r - 1.0 / dim).abs();
        let eps = value(&p.epsilon_type, l.epsilon_raw());
        let (mut max_err, mut sum_err, mut count, mut checked, mut max_var) =
            (0f64, 0f64, 0usize, 0usize, 0f64);
        let mut max_excess = f64::MIN;
        for _ in 0..1_000 {
            let x = minilm_row(&p.input, p.dim, &mut rng);
            let mut y = vec![0i64; p.dim];
            kern.run(&x, &g, &b, &mut y).unwrap();
            let xv: Vec<f64> = x.iter().map(|&r| value(&p.input, r)).collect();
            let sum: f64 = xv.iter().sum();
            let mean = sum / dim;
            let sq: f64 = xv.iter().map(|v| (v - mean) * (v - mean)).sum();
            let var = sq / dim;
            max_var = max_var.max(var);
            let v = var + eps;
            let mad = xv.iter().map(|v| (v - mean).abs()).sum::<f64>() / dim;
            let d_mean = q(&p.mean) + q(&p.accum) + sum.abs() * dr;
            let d_v = q(&p.var) + q(&p.sq_accum) + sq * dr + 2.0 * d_mean * mad + d_mean * d_mean;
            let rel =
                (-(p.rsqrt_index_bits as f64)).exp2() + 2.0 * q(&p.rsqrt_table) + d_v / (2.0 * v);
            let fits = in_range(&p.accum, sum)
                && in_range(&p.sq_accum, sq)
                && in_range(&p.var, var)
                && in_range(&p.mean, mean);
            for i in 0..p.dim {
                // The kernel's n is 0 when v = 0 (ε = 0 and a constant row).
                let n = if v > 0.0 {
                    (xv[i] - mean) / v.sqrt()
                } else {
                    0.0
                };
                let want = n * gv[i] + bv[i];
                let got = value(&p.output, y[i]);
                let err = (got - want).abs();
                count += 1;
                let n_err = if v > 0.0 {
                    n.abs() * rel + d_mean / v.sqrt() + q(&p.norm)
                } else {
                    0.0
                };
                let bound = gv[i].abs() * n_err + q(&p.output);
                let margin = 1.05 * bound + lsb(&p.output);
                // The bound is first order: asserted where the variance's error is small
                // against it (a variance type too coarse for a row is the configuration's
                // choice, and shows in the reported maximum).
                if fits
                    && d_v <= v / 32.0
                    && in_range(&p.norm, n - 1.05 * n_err - lsb(&p.norm))
                    && in_range(&p.norm, n + 1.05 * n_err + lsb(&p.norm))
                    && in_range(&p.output, want - margin)
                    && in_range(&p.output, want + margin)
                {
                    max_excess = max_excess.max(err - 1.05 * bound - 1e-12);
                    max_err = max_err.max(err);
                    sum_err += err;
                    checked += 1;
                }
            }
        }
        eprintln!(
            "layer norm {name:15} D {:3}: max error {max_err:.3e}, mean {:.3e} over the {checked} of {count} values that no type saturates (max var {max_var:.1}); bound {}",
            p.dim,
            sum_err / checked as f64,
            if max_excess <= 0.0 {
                "holds"
            } else {
                "EXCEEDED"
            }
        );
        assert!(
            checked * 20 > count,
            "{name}: too few values within the types' ranges"
        );
        assert!(
            max_excess <= 0.0,
            "{name}: error exceeds the bound by {max_excess:e}"
        );
    }
}

// ----------------------------------------------------------------------------------
// GELU
// ----------------------------------------------------------------------------------

use lowprec::nn::{Gelu, GeluForm, GeluParams};

fn gelu_cfg(input: &str, output: &str, form: GeluForm, window: Option<(i32, u32)>) -> Gelu {
    let (input, output) = (fmt(input), fmt(output));
    let p = match window {
        None => GeluParams::exact(input, output, form),
        Some((window_int_bits, index_bits)) => GeluParams {
            input,
            output,
            form,
            window_int_bits,
            index_bits,
        },
    };
    Gelu::new(p).expect("GELU configuration")
}

/// The GELU configurations: whole 16-bit tables of both forms covering MiniLM's FFN
/// activations ([−17, 24]), narrow whole tables (truncating and wrapping, unsigned
/// output), and windowed tables of wider inputs.
fn gelu_configs() -> Vec<(&'static str, Gelu)> {
    vec![
        (
            "erf-16",
            gelu_cfg(
                "ap_fixed<16,6>",
                "ap_fixed<16,6,AP_RND_CONV,AP_SAT>",
                GeluForm::Erf,
                None,
            ),
        ),
        (
            "tanh-16",
            gelu_cfg(
                "ap_fixed<16,6>",
                "ap_fixed<16,6,AP_RND,AP_SAT>",
                GeluForm::Tanh,
                None,
            ),
        ),
        (
            "erf-8-trn-wrap",
            gelu_cfg("ap_fixed<8,5>", "ap_fixed<8,5>", GeluForm::Erf, None),
        ),
        (
            "tanh-12-unsigned-out",
            gelu_cfg(
                "ap_fixed<12,5,AP_RND,AP_SAT>",
                "ap_ufixed<12,5,AP_RND_CONV,AP_SAT>",
                GeluForm::Tanh,
                None,
            ),
        ),
        (
            "erf-24-window",
            gelu_cfg(
                "ap_fixed<24,8>",
                "ap_fixed<24,8,AP_RND_CONV,AP_SAT>",
                GeluForm::Erf,
                Some((5, 12)),
            ),
        ),
        (
            "tanh-32-window",
            gelu_cfg(
                "ap_fixed<32,10>",
                "ap_fixed<20,10,AP_TRN_ZERO,AP_SAT>",
                GeluForm::Tanh,
                Some((4, 14)),
            ),
        ),
    ]
}

/// GELU inputs of `f`: MiniLM's range [−17, 24], the window's edges, random bits, the
/// extremes; and every code of a type of at most 16 bits.
fn gelu_inputs(g: &Gelu, rng: &mut Rng) -> Vec<i64> {
    let p = g.params();
    let f = &p.input;
    let (lo, hi) = (f.min_raw() as i64, f.max_raw() as i64);
    let mut v = Vec::new();
    if f.width() <= 16 {
        v.extend(lo..=hi);
    }
    let edge = 1i64 << (p.window_int_bits - 1 + f.frac_bits());
    let edges = [
        lo,
        hi,
        0,
        1,
        -1,
        edge,
        edge - 1,
        edge + 1,
        -edge,
        -edge - 1,
        -edge + 1,
    ];
    while v.len() < 64 * ROWS {
        let x = match rng.below(4) {
            0 => rng.range(lo, hi),
            1 => edges[rng.below(edges.len() as u64) as usize].clamp(lo, hi),
            _ => raw_near(f, -17.0 + rng.unit() * 41.0),
        };
        v.push(x);
    }
    v.truncate(v.len() / 64 * 64);
    v
}

#[test]
fn gelu_bit_exact_in_csim() {
    let configs = gelu_configs();
    let mut header = String::new();
    let mut list = String::from("#define LP_GELU_CONFIGS");
    for (k, (name, g)) in configs.iter().enumerate() {
        let cname = format!("gelu_{}", name.replace('-', "_"));
        g.write_cpp_config(&mut header, &cname).unwrap();
        header.push('\n');
        let _ = write!(list, " X({k}, {cname})");
    }
    header.push_str(&list);
    header.push('\n');
    let bin = testbench("nn_gelu_tb.cpp", "gelu.h", "nn_gelu_cfgs.h", &header);
    let mut rng = Rng(0x6E10_0001);
    let mut input = String::new();
    let mut expected: Vec<Vec<i64>> = Vec::new();
    let mut names = Vec::new();
    for (k, (name, g)) in configs.iter().enumerate() {
        let mut table = vec![0; g.table_len()];
        let t0 = std::time::Instant::now();
        let kern = g.load(&mut table).unwrap();
        eprintln!(
            "GELU {name}: {} entries in {:.2} s",
            g.table_len(),
            t0.elapsed().as_secs_f64()
        );
        let xs = gelu_inputs(g, &mut rng);
        let _ = writeln!(input, "{k} {}", xs.len() / 64);
        for x in xs.chunks(64) {
            let mut y = vec![0i64; 64];
            kern.run(x, &mut y).unwrap();
            for (i, v) in x.iter().enumerate() {
                let _ = write!(input, "{}{v}", if i == 0 { "" } else { " " });
            }
            input.push('\n');
            expected.push(y);
            names.push(*name);
        }
    }
    let t0 = std::time::Instant::now();
    let lines = run_tb(&bin, input);
    eprintln!("GELU csim: {:.1} s", t0.elapsed().as_secs_f64());
    assert_eq!(lines.len(), expected.len(), "rows returned");
    let mut mismatches = 0;
    for (r, (line, want)) in lines.iter().zip(&expected).enumerate() {
        let got = parse_row(line);
        if &got != want {
            if mismatches < 3 {
                eprintln!("config {} row {r}: C++ {got:?}\n  Rust {want:?}", names[r]);
            }
            mismatches += 1;
        }
    }
    assert_eq!(mismatches, 0, "GELU mismatches");
}

/// GELU(x) in f64 from musl's erfc (the `libm` crate, within a few ulps; x·Φ(x) written
/// without cancellation), and the tanh approximation in f64.
fn gelu_f64(x: f64, form: GeluForm) -> f64 {
    match form {
        GeluForm::Erf => {
            let e = libm::erfc;
            if x >= 0.0 {
                x - 0.5 * x * e(x / std::f64::consts::SQRT_2)
            } else {
                0.5 * x * e(-x / std::f64::consts::SQRT_2)
            }
        }
        GeluForm::Tanh => {
            let u = (2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x);
            // x·σ(2u), without cancellation for negative x.
            x / (1.0 + (-2.0 * u).exp())
        }
    }
}

/// GELU against f64 on MiniLM's FFN range [−17, 24]: max and mean error per
/// configuration, and the documented bound; whole tables are checked to be the correct
/// rounding of the f64 value wherever that value is not within 10⁻¹² (relative) of a
/// rounding boundary.
#[test]
fn gelu_accuracy() {
    let mut rng = Rng(0xACC0_6E10);
    for (name, g) in gelu_configs() {
        let p = *g.params();
        let mut table = vec![0; g.table_len()];
        let kern = g.load(&mut table).unwrap();
        let f = p.input;
        let s = p.window_int_bits + f.frac_bits() - p.index_bits as i32;
        let h = ((s as f64).exp2() - 1.0) / 2.0 * lsb(&f);
        let bound = q(&p.output) + 1.13 * h + 1e-12;
        let (mut max_err, mut sum_err, mut count, mut rounding_checked) =
            (0f64, 0f64, 0usize, 0usize);
        let xs: Vec<i64> = (0..100_000)
            .map(|_| raw_near(&f, -17.0 + rng.unit() * 41.0))
            .collect();
        let mut y = vec![0i64; xs.len()];
        kern.run(&xs, &mut y).unwrap();
        for (&xr, &yr) in xs.iter().zip(&y) {
            let x = value(&f, xr);
            let want = gelu_f64(x, p.form);
            let margin = bound + lsb(&p.output);
            if !(in_range(&p.output, want - margin) && in_range(&p.output, want + margin)) {
                continue; // saturates
            }
            let err = (value(&p.output, yr) - want).abs();
            max_err = max_err.max(err);
            sum_err += err;
            count += 1;
            assert!(
                err <= bound,
                "{name}: x = {x}: error {err:e} above {bound:e}"
            );
            if s == 0 {
                // The correct rounding of the f64 value, unless it is within 1e-12 of a
                // boundary (the f64 value's own error).
                let scaled = want * (p.output.frac_bits() as f64).exp2();
                let near = |b: f64| (scaled - b).abs() <= 1e-12 * scaled.abs().max(1.0);
                let boundary = if q(&p.output) == lsb(&p.output) {
                    near(scaled.floor()) || near(scaled.ceil())
                } else {
                    near(scaled.floor() + 0.5) || near(scaled.ceil() - 0.5)
                };
                if !boundary {
                    let r = p.output.raw_of(p.output.from_f64(want)) as i64;
                    assert_eq!(yr, r, "{name}: x = {x}: not the correct rounding of {want}");
                    rounding_checked += 1;
                }
            }
        }
        eprintln!(
            "GELU {name:22} max error {max_err:.3e}, mean {:.3e} over {count} inputs in [-17, 24] (bound {bound:.3e}); correct rounding confirmed on {rounding_checked}",
            sum_err / count as f64
        );
        assert!(count > 50_000, "{name}: too many saturated outputs");
    }
}
