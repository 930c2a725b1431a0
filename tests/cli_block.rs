//! `lowprec block quantize|dequantize|formats`: hand-derived OCP MX examples, golden
//! vectors against the library on random vectors in several rounding modes, round trips
//! (codes and packed bytes), and every error path with its exit status.

mod cli_process;
use cli_process::lowprec;

use lowprec::block::{self, BlockFormat};
use lowprec::float::Exact;
use lowprec::{Overflow, Round, Rounding, SplitMix64, Status};

fn run_ok(args: &[&str], input: &str) -> Vec<String> {
    let out = lowprec(args, input.as_bytes());
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout.lines().map(String::from).collect()
}

fn check(args: &[&str], input: &str, want: &[&str]) {
    assert_eq!(run_ok(args, input), want, "{args:?} on {input:?}");
}

fn fails(args: &[&str], input: &str, code: i32, needle: &str) {
    let out = lowprec(args, input.as_bytes());
    assert_eq!(out.code, code, "{args:?} on {input:?}: {}", out.stderr);
    assert!(
        out.stderr.starts_with("lowprec: ") && out.stderr.contains(needle),
        "{args:?} on {input:?}: {}",
        out.stderr
    );
}

#[test]
fn hand_derived_mx_examples() {
    // MXFP4: amax 100, ⌊log2 100⌋ = 6, emax(E2M1) = 2: scale 2^4 (E8M0 127 + 4 = 0x83).
    // 1/16 → 0, −0.3/16 → −0, 5/16 = 0.3125 → 0.5 (0x1), 100/16 = 6.25 → 6 (0x7).
    let q = ["scales 0x83 codes 0x0 0x8 0x1 0x7 flags underflow,inexact"];
    check(
        &["block", "quantize", "--format", "mxfp4_e2m1"],
        "1 -0.3 5 100\n",
        &q,
    );
    check(
        &["block", "dequantize", "--format", "mxfp4_e2m1"],
        q[0],
        &["0 -0 8 96"],
    );
    // MXFP8 E4M3: amax 448 = 1.75·2^8, emax 8: scale 1 (0x7f); 2.5 = 1.25·2^1 is
    // 0 1000 010 = 0x42, −448 is 0xfe. Exact: no flags.
    check(
        &["block", "quantize", "--format", "mxfp8_e4m3"],
        "0 1 2.5 -448\n",
        &["scales 0x7f codes 0x00 0x38 0x42 0xfe flags ok"],
    );
    // MXINT8: amax 2, emax 0: scale 2^1 (0x80); 1 → 0.5 = 32/64, 2 → 1 = 64/64,
    // −3 → −1.5 = −96/64 (0xa0).
    check(
        &["block", "quantize", "--format", "mxint8"],
        "1 2 -3\n",
        &["scales 0x80 codes 0x20 0x40 0xa0 flags ok"],
    );
    // A NaN makes the block's scale NaN (0xff) and every element NaN; an all-zero block
    // gets the smallest scale, 2^-127 (0x00).
    check(
        &["block", "quantize", "--format", "mxfp8_e4m3"],
        "1 nan\n0 -0\n",
        &[
            "scales 0xff codes 0x7f 0x7f flags invalid",
            "scales 0x00 codes 0x00 0x80 flags ok",
        ],
    );
    check(
        &["block", "dequantize", "--format", "mxfp8_e4m3"],
        "scales 0xff codes 0x38 0x00\n",
        &["nan nan"],
    );
    // Tails: 3 values in blocks of 2 make two blocks, the second of one value.
    // Block 1: amax 6 → scale 2^(2−2) = 1; block 2: amax 0.75 → 2^(−1−2) = 2^−3 (0x7c),
    // 0.75 / 2^−3 = 6 (0x7).
    check(
        &["block", "quantize", "--format", "mxfp4_e2m1:block=2"],
        "6 -1.5 0.75\n",
        &["scales 0x7f 0x7c codes 0x7 0xb 0x7 flags ok"],
    );
    // Saturation: with scale 2^(⌊log2 7⌋ − 2) = 1, 7 rounds beyond 6 and clamps to 6
    // (overflow); E5M2 infinities saturate unless satpropagate keeps them.
    check(
        &["block", "quantize", "--format", "mxfp4_e2m1"],
        "7 1\n",
        &["scales 0x7f codes 0x7 0x2 flags overflow,inexact"],
    );
    check(
        &[
            "block",
            "quantize",
            "--format",
            "mxfp8_e5m2",
            "--overflow",
            "satpropagate",
        ],
        "-inf 1\n",
        &["scales 0xfe codes 0xfc 0x00 flags underflow,inexact"],
    );
    // Directed rounding: 0.3 under the scale 2^−2 (amax 1) is 1.2 → 1.5 upward (0x3), 1 down.
    check(
        &[
            "block",
            "quantize",
            "--format",
            "mxfp4_e2m1",
            "--rounding",
            "rup",
        ],
        "1 0.3\n",
        &["scales 0x7d codes 0x6 0x3 flags inexact"],
    );
    // NVFP4: the tensor scale g = 6 / (448 · 6) = 1/448 rounded to f32 (0x1.24924ap-9);
    // the values come back within g's rounding (the exact codes are checked against
    // the library below).
    let nv = run_ok(&["block", "quantize", "--format", "nvfp4"], "6 3\n");
    assert!(nv[0].starts_with("tensor 0x1.24924"), "{nv:?}");
    let back = run_ok(
        &["block", "dequantize", "--format", "nvfp4", "--hex"],
        &nv[0],
    );
    let vals: Vec<f64> = back[0]
        .split(' ')
        .map(|t| f64_of(t.parse().unwrap()))
        .collect();
    assert!(
        (vals[0] - 6.0).abs() < 1e-6 && (vals[1] - 3.0).abs() < 1e-6,
        "{back:?}"
    );
}

#[test]
fn packed_bytes() {
    // E2M1 1 → 0x2, −0.3 → −0.5 (0x9), 5 → 4 (tie to even, 0x6): 0x92 0x06 (element 0
    // in the low nibble).
    check(
        &["block", "quantize", "--format", "mxfp4_e2m1", "--packed"],
        "1 -0.3 5\n",
        &["scales 0x7f packed 3 0x92 0x06 flags underflow,inexact"],
    );
    check(
        &["block", "dequantize", "--format", "mxfp4_e2m1"],
        "scales 0x7f packed 3 0x92 0x06 flags inexact\n",
        &["1 -0.5 4"],
    );
    // FP6 E3M2: four codes in three bytes. Scale 1 (amax 16 = 2^4, emax 4): 16 is
    // 0 111 00 = 0x1c, 1 is 0 011 00 = 0x0c, 0.25 = 0 001 00 = 0x04, −28 = 1 111 11 = 0x3f.
    // Bits: 0x1c | 0x0c<<6 | 0x04<<12 | 0x3f<<18 = 0xfc431c.
    check(
        &["block", "quantize", "--format", "mxfp6_e3m2", "--packed"],
        "16 1 0.25 -28\n",
        &["scales 0x7f packed 4 0x1c 0x43 0xfc flags ok"],
    );
}

/// The binary64 value of an exact value (the test inputs are all binary64 values).
fn f64_of(x: Exact) -> f64 {
    let r = lowprec::FloatFormat::FP64.round(x, Round::NEAREST_EVEN, &mut lowprec::NoRandom);
    f64::from_bits(r.value)
}

fn hex(codes: &[u8], width: u32) -> String {
    codes
        .iter()
        .map(|c| format!(" {c:#0w$x}", w = width.div_ceil(4) as usize + 2))
        .collect()
}

fn status_tokens(s: Status) -> String {
    s.to_string().replace(' ', ",")
}

/// Random vectors: lengths 1..=80, values f32 with exponents spread over ±40 binades
/// (so blocks get very different scales), a few zeros, printed as decimals that read
/// back to the same binary64.
fn vectors(seed: u64, lines: usize) -> Vec<Vec<f64>> {
    let mut s = SplitMix64::new(seed);
    let mut next = move || lowprec::RandomBits::next_u64(&mut s);
    (0..lines)
        .map(|_| {
            let n = 1 + (next() % 80) as usize;
            let base = (next() % 81) as i32 - 40;
            (0..n)
                .map(|_| {
                    let z = next();
                    if z % 29 == 0 {
                        return 0.0;
                    }
                    let sig = 1.0 + (z >> 41) as f32 / (1u64 << 23) as f32;
                    let e = base + ((z >> 8) % 9) as i32 - 4;
                    let v = sig * 2f32.powi(e);
                    f64::from(if z & 1 == 0 { v } else { -v })
                })
                .collect()
        })
        .collect()
}

fn input_text(vs: &[Vec<f64>]) -> String {
    vs.iter()
        .map(|v| {
            let t: Vec<String> = v.iter().map(|x| format!("{x}")).collect();
            t.join(" ") + "\n"
        })
        .collect()
}

#[test]
fn golden_vectors_match_the_library() {
    let formats = [
        "mxfp8_e4m3",
        "mxfp8_e5m2",
        "mxfp6_e3m2",
        "mxfp6_e2m3",
        "mxfp4_e2m1",
        "mxint8",
        "nvfp4",
        "bfp5:rule=ceil",
        "mxfp8_e4m3:block=16:rule=nearest",
    ];
    let modes = [
        ("rne", Rounding::TiesToEven),
        ("rtz", Rounding::TowardZero),
        ("rna", Rounding::TiesToAway),
        ("sr", Rounding::SR),
    ];
    for (k, name) in formats.iter().enumerate() {
        let fmt: BlockFormat = name.parse().unwrap();
        let vs = vectors(k as u64, 60);
        let text = input_text(&vs);
        for (mode_name, mode) in modes {
            let args = [
                "block",
                "quantize",
                "--format",
                name,
                "--rounding",
                mode_name,
                "--seed",
                "9",
            ];
            let got = run_ok(&args, &text);
            let mut rng = SplitMix64::new(9);
            let width = fmt.element.width();
            for (v, line) in vs.iter().zip(&got) {
                let mut scales = vec![0u8; fmt.num_scales(v.len())];
                let mut codes = vec![0u8; v.len()];
                let r = block::quantize_f64_with(
                    &fmt,
                    v,
                    &mut scales,
                    &mut codes,
                    Round::new(mode, Overflow::Ieee),
                    &mut rng,
                )
                .unwrap();
                let tensor = if fmt.tensor_scale {
                    format!("tensor {} ", Exact::from_f32(r.value))
                } else {
                    String::new()
                };
                let want = format!(
                    "{tensor}scales{} codes{} flags {}",
                    hex(&scales, 8),
                    hex(&codes, width),
                    status_tokens(r.status)
                );
                assert_eq!(line, &want, "{name} {mode_name}");
            }
            assert_eq!(got.len(), vs.len());
        }
    }
}

#[test]
fn round_trips_through_codes_and_packed_bytes() {
    for (k, name) in [
        "mxfp8_e4m3",
        "mxfp6_e3m2",
        "mxfp6_e2m3",
        "mxfp4_e2m1",
        "mxint8",
        "nvfp4",
        "bfp3",
    ]
    .iter()
    .enumerate()
    {
        let fmt: BlockFormat = name.parse().unwrap();
        let vs = vectors(100 + k as u64, 40);
        let text = input_text(&vs);
        let codes = run_ok(&["block", "quantize", "--format", name], &text);
        let packed = run_ok(&["block", "quantize", "--format", name, "--packed"], &text);
        let a = run_ok(
            &["block", "dequantize", "--format", name],
            &codes.join("\n"),
        );
        let b = run_ok(
            &["block", "dequantize", "--format", name, "--hex"],
            &packed.join("\n"),
        );
        // The dequantized values are the library's quantize-dequantize (chop).
        for ((v, da), db) in vs.iter().zip(&a).zip(&b) {
            let mut want = v.clone();
            block::chop_f64(&fmt, &mut want).unwrap();
            let ga: Vec<f64> = da.split(' ').map(|t| f64_of(t.parse().unwrap())).collect();
            let gb: Vec<f64> = db.split(' ').map(|t| f64_of(t.parse().unwrap())).collect();
            let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&ga), bits(&want), "{name}: {da}");
            assert_eq!(bits(&gb), bits(&want), "{name}: {db}");
        }
    }
}

#[test]
fn decimals_are_exact_and_read_back() {
    // The smallest E4M3 subnormal under the smallest scale: 2^−9 · 2^−127 = 2^−136, which
    // has exactly 136 fraction digits.
    let out = run_ok(
        &["block", "dequantize", "--format", "mxfp8_e4m3"],
        "scales 0x00 codes 0x01 0x81\n",
    );
    let toks: Vec<&str> = out[0].split(' ').collect();
    assert_eq!(toks[0].len(), 2 + 136);
    assert!(toks[0].starts_with("0.000") && toks[0].ends_with('5'));
    assert_eq!(toks[1], format!("-{}", toks[0]));
    assert_eq!(f64_of(toks[0].parse().unwrap()), 2f64.powi(-136));
}

#[test]
fn formats_lists_presets() {
    let out = run_ok(&["block", "formats"], "");
    assert!(out[0].starts_with("name") && out[0].contains("max element"));
    for name in ["mxfp8_e4m3", "mxfp4_e2m1", "mxint8", "nvfp4", "bfp4"] {
        assert!(
            out.iter().any(|l| l.starts_with(&format!("{name} "))),
            "{name}"
        );
    }
    let nv = out.iter().find(|l| l.starts_with("nvfp4 ")).unwrap();
    let cols: Vec<&str> = nv.split_whitespace().collect();
    assert_eq!(
        cols,
        [
            "nvfp4", "e2m1", "4", "16", "e4m3fn", "amax", "f32", "2", "6", "4.5"
        ]
    );
    let one = run_ok(&["block", "formats", "bfp6:rule=ceil"], "");
    assert_eq!(one.len(), 2);
    assert!(one[1].starts_with("bfp6:rule=ceil  int6.4"), "{one:?}");
    let help = run_ok(&["block", "--help"], "");
    assert!(help[0].starts_with("lowprec block:"));
    assert_eq!(run_ok(&["help", "block"], ""), help);
}

#[test]
fn errors_and_exit_codes() {
    let q = ["block", "quantize", "--format", "mxfp8_e4m3"];
    let d = ["block", "dequantize", "--format", "mxfp4_e2m1"];
    // Bad command lines: status 2.
    fails(&["block"], "", 2, "block needs a subcommand");
    fails(
        &["block", "frob"],
        "",
        2,
        "unknown block subcommand \"frob\"",
    );
    fails(&["block", "quantize"], "", 2, "needs --format NAME");
    fails(
        &["block", "quantize", "--format", "mxfp9"],
        "",
        2,
        "bad block format \"mxfp9\": unknown block format",
    );
    fails(
        &["block", "quantize", "--format", "mxfp8_e4m3:block=0"],
        "",
        2,
        "block size must be 1..=1024",
    );
    fails(
        &["block", "quantize", "--format", "mxint8:colour=red"],
        "",
        2,
        "bad block format option",
    );
    fails(
        &[&q[..], &["--rounding", "up"]].concat(),
        "",
        2,
        "unknown rounding mode",
    );
    fails(
        &[&q[..], &["--hex"]].concat(),
        "",
        2,
        "unknown option \"--hex\"",
    );
    fails(&[&d[..], &["--packed"]].concat(), "", 2, "unknown option");
    fails(&[&q[..], &["1.5"]].concat(), "", 2, "unexpected argument");
    // Bad lines: status 1, with the line number; earlier lines are written.
    let out = lowprec(&q, b"1 2\n1 x\n3\n");
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "scales 0x78 codes 0x70 0x78 flags ok\n");
    assert!(
        out.stderr
            .starts_with("lowprec: line 2: number 2: invalid character 'x'"),
        "{}",
        out.stderr
    );
    fails(&q, "\n", 1, "line 1: empty line");
    fails(&d, "codes 0x1\n", 1, "line 1: expected `scales`");
    fails(
        &d,
        "scales 0x7f codes 0x10\n",
        1,
        "code 1 0x10 is wider than 4 bits",
    );
    fails(
        &d,
        "scales 0x7f codes 0xg\n",
        1,
        "code 1 \"0xg\" is not a hex code",
    );
    fails(
        &d,
        "scales 0x7f 0x7f codes 0x1\n",
        1,
        "scales must hold 1 entries, got 2",
    );
    fails(&d, "scales 0x7f\n", 1, "expected `codes` or `packed`");
    fails(&d, "scales 0x7f codes\n", 1, "no element codes");
    fails(
        &d,
        "scales 0x7f packed 3 0x11\n",
        1,
        "packed bytes must hold 2 entries, got 1",
    );
    fails(
        &d,
        "scales 0x7f packed x\n",
        1,
        "\"x\" is not a number of elements",
    );
    fails(
        &["block", "dequantize", "--format", "nvfp4"],
        "scales 0x38 codes 0x1\n",
        1,
        "has a tensor scale",
    );
    fails(
        &["block", "dequantize", "--format", "nvfp4"],
        "tensor -1 scales 0x38 codes 0x1\n",
        1,
        "tensor scale must be positive",
    );
    fails(
        &d,
        "tensor 1 scales 0x7f codes 0x1\n",
        1,
        "has no tensor scale",
    );
}
