//! `lowprec nn` on hand-derived cases of lowprec's kernels and of `--compat hls4ml`, and
//! every error path. (The kernels themselves are proven against their C++ in
//! `tests/nn_*_hls.rs` and `tests/nn_hls4ml.rs`; this checks the command's plumbing:
//! options, defaults, the weight layout, raw-integer input and output.)

mod cli_process;
use cli_process::lowprec;
use std::path::PathBuf;

fn check(args: &[&str], input: &str, want: &[&str]) {
    let out = lowprec(args, input.as_bytes());
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    let got: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(got, want, "{args:?}");
}

fn fails(args: &[&str], input: &str, code: i32, msg: &str) {
    let out = lowprec(args, input.as_bytes());
    assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
    assert!(out.stderr.contains(msg), "{args:?}: {}", out.stderr);
}

/// A file of raw integers under the target directory.
fn file(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_nn");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const U16_0: &str = "ap_ufixed<16,0,AP_RND_CONV,AP_SAT>";

#[test]
fn softmax_of_equal_inputs() {
    // hls4ml stable: e^0 = 1 four times, sum 4, 1/4 = 0.25 = 16384 · 2^-16.
    for imp in ["stable", "latency", "legacy"] {
        let args = [
            "nn",
            "softmax",
            "--n",
            "4",
            "--in",
            "ap_fixed<16,6>",
            "--out",
            U16_0,
            "--compat",
            "hls4ml",
            "--impl",
            imp,
        ];
        check(&args, "0 0 0 0\n", &["16384 16384 16384 16384"]);
    }
    // lowprec's kernel with ap_fixed<8,4> input: the exp table indexes every difference
    // (entry 0 is e^0 = 1), the sum is 4 = 1·2^2, and the inverse table's entry 0 holds
    // 1/(1 + 2^-11) in ap_ufixed<18,1>: round(0.99951196 · 2^17) = 131008. Shifted by
    // 2^-2: 32752 · 2^-17, times e = 1 into 16 fraction bits: 16376.
    check(
        &[
            "nn",
            "softmax",
            "--n",
            "4",
            "--in",
            "ap_fixed<8,4>",
            "--out",
            U16_0,
        ],
        "0 0 0 0\n-5 -5 -5 -5\n",
        &["16376 16376 16376 16376", "16376 16376 16376 16376"],
    );
}

#[test]
fn argmax_takes_the_first_maximum() {
    let args = [
        "nn",
        "softmax",
        "--n",
        "4",
        "--in",
        "ap_fixed<8,4>",
        "--out",
        "ap_fixed<8,4>",
        "--compat",
        "hls4ml",
        "--impl",
        "argmax",
    ];
    check(&args, "3 1 3 2\n-8 -9 -7 -7\n", &["16 0 0 0", "0 0 16 0"]);
}

#[test]
fn dense_reads_weights_in_hls4mls_layout() {
    // W[n_in][n_out] = (0.5, -0.25, 0; 0.75, 0.5, -1) in ap_fixed<6,1> (raw · 2^-5),
    // b = (1, 0, -1), x = (1, 2): y = (1 + 0.5 + 1.5, -0.25 + 1, -1 - 2) = (3, 0.75, -3).
    let w = file("dense_w.txt", "16 -8 0\n24 16 -32\n");
    let b = file("dense_b.txt", "32 0 -32\n");
    let base = [
        "nn",
        "dense",
        "--n-in",
        "2",
        "--n-out",
        "3",
        "--in",
        "ap_fixed<8,3>",
        "--out",
        "ap_fixed<8,3>",
        "--weight-type",
        "ap_fixed<6,1>",
        "--bias-type",
        "ap_fixed<8,3>",
        "--accum",
        "ap_fixed<10,4>",
        "--weights",
        &w,
        "--biases",
        &b,
    ];
    for extra in [
        &[][..],
        &["--schedule", "wide"],
        &["--compat", "hls4ml"],
        &[
            "--compat",
            "hls4ml",
            "--strategy",
            "resource",
            "--reuse-factor",
            "2",
        ],
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        check(&args, "32 64\n", &["96 24 -96"]);
    }
    // ReLU clamps the negative sum; x = (-1, 0): y = (0.5, 0.25, -1) → (0.5, 0.25, 0).
    let args: Vec<&str> = base.iter().chain(&["--relu"]).copied().collect();
    check(&args, "-32 0\n", &["16 8 0"]);
    // A saturating accumulator of 2 integer bits: 3 saturates at 1.96875 (63 · 2^-5).
    let mut sat = base.to_vec();
    sat[15] = "ap_fixed<7,2,AP_TRN,AP_SAT>";
    check(&sat, "32 64\n", &["63 24 -64"]);
}

#[test]
fn layernorm_of_a_unit_variance_row() {
    let z = file("ln_zero.txt", "0 0 0 0");
    // lowprec: mean 0, var 1 + ε; μ = 1 + ε lies in the first cell of the 1/√μ table,
    // whose centre is 1 + 2^-9: round(2^17/√(1 + 2^-9)) = 130944 in ap_ufixed<18,1>, and
    // ±1 · 130944 · 2^-17 in 10 fraction bits is ±1023 exactly (γ = 1, β = 0).
    let g = file("ln_scale_4.txt", "4096 4096 4096 4096");
    check(
        &[
            "nn",
            "layernorm",
            "--dim",
            "4",
            "--in",
            "ap_fixed<16,6>",
            "--out",
            "ap_fixed<16,6>",
            "--scale",
            &g,
            "--bias",
            &z,
            "--scale-type",
            "ap_fixed<16,4>",
            "--bias-type",
            "ap_fixed<16,4>",
        ],
        "-1024 -1024 1024 1024\n",
        &["-1023 -1023 1023 1023"],
    );
    // hls4ml: var = 1 reads the table's last entry 1/sqrt(1 - 2^-12), which is 1 in
    // ap_ufixed<8,5,AP_RND_CONV>.
    let g = file("ln_scale_6.txt", "1024 1024 1024 1024");
    check(
        &[
            "nn",
            "layernorm",
            "--dim",
            "4",
            "--in",
            "ap_fixed<16,6>",
            "--out",
            "ap_fixed<16,6>",
            "--scale",
            &g,
            "--bias",
            &z,
            "--compat",
            "hls4ml",
            "--epsilon-power-of-10",
            "12",
        ],
        "-1024 -1024 1024 1024\n",
        &["-1024 -1024 1024 1024"],
    );
}

#[test]
fn errors() {
    let sm = [
        "nn",
        "softmax",
        "--n",
        "3",
        "--in",
        "ap_fixed<8,4>",
        "--out",
        "ap_fixed<8,1>",
    ];
    fails(
        &sm,
        "1 2\n",
        1,
        "line 1: input: expected 3 raw values, got 2",
    );
    fails(&sm, "1 2 3 4\n", 1, "line 1: input: more than 3 raw values");
    fails(
        &sm,
        "1 2 3\n1 2 128\n",
        1,
        "line 2: input: 128 is outside the raw range -128..=127",
    );
    fails(&sm, "1 2 x\n", 1, "\"x\" is not a raw integer");
    let with =
        |extra: &[&'static str]| -> Vec<&'static str> { sm.iter().chain(extra).copied().collect() };
    fails(
        &with(&["--impl", "latency"]),
        "",
        2,
        "--impl needs --compat hls4ml",
    );
    fails(
        &with(&["--compat", "hls4ml", "--inv", "ap_fixed<8,1>"]),
        "",
        2,
        "--inv is an option of lowprec's kernel",
    );
    fails(&with(&["--compat", "tf"]), "", 2, "--compat takes hls4ml");
    fails(
        &with(&["--accum", "ap_fixed<8"]),
        "",
        2,
        "bad type \"ap_fixed<8\" for --accum",
    );
    // An exp table so fine that glibc's expf could round an entry differently.
    fails(
        &with(&["--compat", "hls4ml", "--exp-table", "ap_fixed<32,8>"]),
        "",
        2,
        "too close to a rounding boundary",
    );
    fails(
        &["nn", "softmax", "--in", "ap_fixed<8,4>"],
        "",
        2,
        "nn softmax needs --n N",
    );
    fails(&["nn", "conv"], "", 2, "unknown nn kernel \"conv\"");
    fails(&["nn"], "", 2, "nn needs a kernel");
    let b = file("err_b.txt", "1 2");
    let dense = [
        "nn",
        "dense",
        "--n-in",
        "2",
        "--n-out",
        "3",
        "--in",
        "ap_fixed<8,3>",
        "--out",
        "ap_fixed<8,3>",
        "--weight-type",
        "ap_fixed<6,1>",
        "--bias-type",
        "ap_fixed<8,3>",
        "--accum",
        "ap_fixed<10,4>",
        "--weights",
        "/nonexistent/w.txt",
        "--biases",
        &b,
    ];
    fails(&dense, "1 2\n", 1, "/nonexistent/w.txt");
    let mut dense = dense.to_vec();
    let w = file("err_w.txt", "1 2 3 4 5 6");
    dense[17] = &w;
    fails(&dense, "1 2\n", 1, "biases: expected 3 raw values, got 2");
    fails(
        &[&dense[..], &["--compat", "hls4ml", "--reuse-factor", "2"]].concat(),
        "",
        2,
        "--reuse-factor other than 1 needs --strategy resource",
    );
}

#[test]
fn help() {
    let out = lowprec(&["nn", "--help"], b"");
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("lowprec nn:"));
    assert_eq!(lowprec(&["help", "nn"], b"").stdout, out.stdout);
}

#[path = "hls/mod.rs"]
mod hls;

/// `lowprec hls-tables gelu` writes a header that, compiled with the HLS kernel
/// `lowprec/nn/gelu.h` against the real ap_types headers, gives on every input code what
/// `lowprec nn gelu` gives with the same options: the emitted tables are the model's.
#[test]
fn hls_tables_header_compiles_and_agrees_with_nn() {
    let codes: String = (-128..128).map(|r: i32| format!("{r}\n")).collect();
    for form in ["erf", "tanh"] {
        let opts = [
            "--in",
            "ap_fixed<8,4>",
            "--out",
            "ap_fixed<10,4,AP_RND_CONV,AP_SAT>",
            "--form",
            form,
        ];
        let header = lowprec(
            &[&["hls-tables", "gelu"][..], &opts, &["--name", "cfg"]].concat(),
            b"",
        );
        assert_eq!(header.code, 0, "{}", header.stderr);
        let bin = hls::Testbench {
            cache: "cli-nn-tables",
            sources: &["hls/tb/nn_gelu_cli_tb.cpp", "hls/include/lowprec/nn/gelu.h"],
            generated: &[("cfg.h", &header.stdout)],
            includes: &[],
            flags: &["-O1", "-std=c++17"],
        }
        .build();
        let csim = hls::run_program(&bin, codes.clone());
        let model = lowprec(&[&["nn", "gelu"][..], &opts].concat(), codes.as_bytes());
        assert_eq!(model.code, 0, "{}", model.stderr);
        assert_eq!(csim.lines().count(), 256);
        assert_eq!(csim, model.stdout, "{form}");
    }
}

#[test]
fn gelu_by_hand() {
    // GELU(1) = 0.8413 → 13.46/16 → 13; GELU(-1) = -0.1587 → -2.54/16 → -3 (ties to even
    // plays no part); GELU(7.9375) = 7.9375 (127); GELU(-8) ≈ -5e-15 → 0.
    let opts = [
        "nn",
        "gelu",
        "--in",
        "ap_fixed<8,4>",
        "--out",
        "ap_fixed<8,4,AP_RND_CONV,AP_SAT>",
    ];
    check(&opts, "0 16 -16 127 -128\n", &["0 13 -3 127 0"]);
    check(
        &[&opts[..], &["--form", "tanh"]].concat(),
        "16 -16\n",
        &["13 -3"],
    );
    fails(
        &[&opts[..], &["--compat", "hls4ml"]].concat(),
        "",
        2,
        "hls4ml 1.3.0 has no GELU kernel",
    );
    fails(&opts, "\n", 1, "expected 1 raw values, got 0");
}

/// README's example: in hls4ml's stable softmax at the converter defaults, x_max − x is
/// held in `inp_norm_t` = ap_ufixed<15,5> (values below 32), so 27 − (−5) = 32 wraps to 0
/// and both inputs read e^0: 1/2 each (32768 · 2^-16).
#[test]
fn hls4ml_stable_softmax_wraps_a_spread_of_32() {
    let args = [
        "nn",
        "softmax",
        "--n",
        "2",
        "--in",
        "ap_fixed<16,6>",
        "--out",
        U16_0,
        "--compat",
        "hls4ml",
    ];
    check(
        &args,
        "27648 -5120\n27648 -4096\n",
        &["32768 32768", "65535 0"],
    );
}
