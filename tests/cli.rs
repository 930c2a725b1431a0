//! The `lowprec` command-line tool, run as a process (`cargo test --features cli`).
//!
//! Every expected output is worked out by hand from the format definitions (IEEE 754,
//! the OCP FP8 specification), or is a well-known code (bf16 0.1 = 0x3dcd, binary64
//! 0.1 = 0x3fb999999999999a), never taken from lowprec itself. The derivations are in
//! the comments.

mod cli_process;
use cli_process::lowprec;

/// Rounds the `input` lines with `args` and checks each full output line.
fn check(args: &[&str], cases: &[(&str, &str)]) {
    let mut input = String::new();
    for (x, _) in cases {
        input.push_str(x);
        input.push('\n');
    }
    let out = lowprec(args, input.as_bytes());
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    assert_eq!(out.stderr, "");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), cases.len(), "{args:?}: {}", out.stdout);
    for ((x, want), got) in cases.iter().zip(lines) {
        assert_eq!(got, *want, "{args:?} input {x}");
    }
}

/// Like [`check`], but compares only the code and the value (not the flags).
fn check_codes(args: &[&str], cases: &[(&str, &str)]) {
    let mut input = String::new();
    for (x, _) in cases {
        input.push_str(x);
        input.push('\n');
    }
    let out = lowprec(args, input.as_bytes());
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), cases.len());
    for ((x, want), got) in cases.iter().zip(lines) {
        let two: Vec<&str> = got.split(' ').take(2).collect();
        assert_eq!(two.join(" "), *want, "{args:?} input {x}");
    }
}

#[test]
fn e4m3fn_round_to_nearest_even() {
    // E4M3FN: bias 7, 3 fraction bits, no infinity, NaN = S.1111.111, max 1.75·2^8 = 448.
    check(
        &["round", "--format", "e4m3fn"],
        &[
            // 464 is the midpoint of 448 (0x7e, fraction 110: even) and 480 (not finite):
            // the tie goes to the even 448.
            ("464", "0x7e 0x1.cp+8 inexact"),
            // Above the midpoint: overflow, and without an infinity the result is NaN.
            ("465", "0x7f nan overflow,inexact"),
            ("448", "0x7e 0x1.cp+8 ok"),
            ("-448", "0xfe -0x1.cp+8 ok"),
            // CPFloat's "max 480" is not a finite E4M3FN value: it overflows.
            ("0x1.ep+8", "0x7f nan overflow,inexact"),
            ("0", "0x00 0x0p+0 ok"),
            ("-0", "0x80 -0x0p+0 ok"),
            // 2^-10 is the midpoint of 0 and the smallest subnormal 2^-9: ties to even → 0.
            ("0.0009765625", "0x00 0x0p+0 underflow,inexact"),
            ("0.0009765625000000001", "0x01 0x1p-9 underflow,inexact"),
            ("0.001953125", "0x01 0x1p-9 ok"),
            // 0.1 = 1.6·2^-4: biased exponent 3, fraction 0.6·8 = 4.8 → 5 (101): 0 0011 101.
            ("0.1", "0x1d 0x1.ap-4 inexact"),
            // 1 + 2^-4 + 2^-40, written as its exact decimal: just above the midpoint of
            // 1 and 1.125, so 1.125 = 0 0111 001 (ml_dtypes rounds via f32 and gets 1).
            (
                "1.0625000000009094947017729282379150390625",
                "0x39 0x1.2p+0 inexact",
            ),
            ("1.0625", "0x38 0x1p+0 inexact"),
            // -0.1875 = -1.5·2^-3: 1 0100 100.
            ("-0x1.8p-3", "0xa4 -0x1.8p-3 ok"),
            ("  0X1P0 \t", "0x38 0x1p+0 ok"),
        ],
    );
    // NaN keeps its sign in E4M3FN; infinities become NaN (no infinity to round to).
    check_codes(
        &["round", "--format", "e4m3fn"],
        &[
            ("nan", "0x7f nan"),
            ("-nan", "0xff -nan"),
            ("inf", "0x7f nan"),
            ("-inf", "0xff -nan"),
        ],
    );
}

#[test]
fn fp16_overflow_and_subnormals() {
    // binary16: max 65504 = 0x1.ffcp+15 (0x7bff); the overflow threshold is
    // 65504 + ulp/2 = 65520, where ties-to-even goes up (0x7bff is odd) to infinity.
    check(
        &["round", "--format", "fp16"],
        &[
            ("65520", "0x7c00 inf overflow,inexact"),
            ("65519.99", "0x7bff 0x1.ffcp+15 inexact"),
            ("65504", "0x7bff 0x1.ffcp+15 ok"),
            // pychop returns 0 here.
            ("70000", "0x7c00 inf overflow,inexact"),
            ("-65536", "0xfc00 -inf overflow,inexact"),
            ("1", "0x3c00 0x1p+0 ok"),
            // 0.1 in binary16 is the well-known 0x2e66 = 0x1.998p-4.
            ("0.1", "0x2e66 0x1.998p-4 inexact"),
            // 2^-24, the smallest subnormal, exactly; and 2^-25, the midpoint below it.
            ("5.9604644775390625e-8", "0x0001 0x1p-24 ok"),
            ("2.98023223876953125e-8", "0x0000 0x0p+0 underflow,inexact"),
            ("1e-400", "0x0000 0x0p+0 underflow,inexact"),
        ],
    );
}

#[test]
fn bf16_and_wide_decimals() {
    check(
        &["round", "--format", "bf16"],
        &[
            // The well-known bf16 code of 0.1; fraction 1001101 → 0x1.9ap-4.
            ("0.1", "0x3dcd 0x1.9ap-4 inexact"),
            // π-ish: 3.14159 = 1.5707950·2; 0.5707950·128 = 73.06 → 73 = 0x49.
            ("3.14159", "0x4049 0x1.92p+1 inexact"),
            ("1e-400", "0x0000 0x0p+0 underflow,inexact"),
            ("-1e-400", "0x8000 -0x0p+0 underflow,inexact"),
            ("2.5e+4000", "0x7f80 inf overflow,inexact"),
            // 1.2345…e29 = 1.5582…·2^96: biased 223 = 0xdf, 0.5582·128 = 71.45 → 71 = 0x47.
            (
                "123456789012345678901234567890",
                "0x6fc7 0x1.8ep+96 inexact",
            ),
        ],
    );
    check(
        &["round", "--format", "fp32"],
        &[
            // 0.5582…·2^23 = 4683912.4… → 0x477488.
            (
                "123456789012345678901234567890",
                "0x6fc77488 0x1.8ee91p+96 inexact",
            ),
            ("0.1", "0x3dcccccd 0x1.99999ap-4 inexact"),
        ],
    );
}

#[test]
fn fp64_hard_decimals() {
    check(
        &["round", "--format", "fp64"],
        &[
            ("0.1", "0x3fb999999999999a 0x1.999999999999ap-4 inexact"),
            // 2^53 + 1 is the midpoint of 2^53 and 2^53 + 2: ties to even.
            ("9007199254740993", "0x4340000000000000 0x1p+53 inexact"),
            (
                "9007199254740993.0000000000000000000000001",
                "0x4340000000000001 0x1.0000000000001p+53 inexact",
            ),
            // Half the smallest subnormal is 2^-1075 = 2.4703282292062327208…e-324: the
            // 17-digit decimals either side of it round to 0 and to 2^-1074.
            (
                "2.4703282292062327e-324",
                "0x0000000000000000 0x0p+0 underflow,inexact",
            ),
            (
                "2.4703282292062328e-324",
                "0x0000000000000001 0x1p-1074 underflow,inexact",
            ),
            (
                "1.7976931348623157e308",
                "0x7fefffffffffffff 0x1.fffffffffffffp+1023 inexact",
            ),
        ],
    );
}

#[test]
fn every_rounding_mode() {
    // In E4M3FN near 1 the step is 1/8: 1.0625 is the midpoint of 1 (0x38) and 1.125 (0x39).
    let modes: [(&str, [&str; 4]); 10] = [
        // mode, results for 1.0625, -1.0625, 1.01, -1.01
        ("rne", ["0x38", "0xb8", "0x38", "0xb8"]),
        ("rna", ["0x39", "0xb9", "0x38", "0xb8"]),
        ("rnz", ["0x38", "0xb8", "0x38", "0xb8"]),
        ("rnu", ["0x39", "0xb8", "0x38", "0xb8"]),
        ("rnd", ["0x38", "0xb9", "0x38", "0xb8"]),
        ("rup", ["0x39", "0xb8", "0x39", "0xb8"]),
        ("rdn", ["0x38", "0xb9", "0x38", "0xb9"]),
        ("rtz", ["0x38", "0xb8", "0x38", "0xb8"]),
        // Round to odd: truncate, then set the last bit if inexact.
        ("rto", ["0x39", "0xb9", "0x39", "0xb9"]),
        // Nearest, ties to the odd neighbour (1.125 = 0x39).
        ("rno", ["0x39", "0xb9", "0x38", "0xb8"]),
    ];
    for (mode, want) in modes {
        let out = lowprec(
            &["round", "--format", "e4m3fn", "--rounding", mode],
            b"1.0625\n-1.0625\n1.01\n-1.01\n1\n",
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let codes: Vec<&str> = out.stdout.lines().map(|l| &l[..4]).collect();
        assert_eq!(codes[..4], want, "{mode}");
        // Exact values are never changed, in any mode.
        assert_eq!(codes[4], "0x38", "{mode}");
    }
}

#[test]
fn overflow_policies() {
    // E5M2: max 57344 = 0x1.cp+15 (0x7b), infinity 0x7c. 61440 is the midpoint of 57344
    // (fraction 11, odd) and 2^16: ties to even overflows.
    check(
        &["round", "--format", "e5m2"],
        &[
            ("61439", "0x7b 0x1.cp+15 inexact"),
            ("61440", "0x7c inf overflow,inexact"),
        ],
    );
    check_codes(
        &["round", "--format", "e5m2", "--overflow", "satfinite"],
        &[
            ("61440", "0x7b 0x1.cp+15"),
            ("inf", "0x7b 0x1.cp+15"),
            ("-inf", "0xfb -0x1.cp+15"),
        ],
    );
    check_codes(
        &["round", "--format=e5m2", "--overflow=satpropagate"],
        &[("1e10", "0x7b 0x1.cp+15"), ("inf", "0x7c inf")],
    );
    // E4M3FN saturating: OCP "satfinite" gives 448 where the default gives NaN.
    check_codes(
        &["round", "--format", "e4m3fn", "--overflow", "satfinite"],
        &[("1000", "0x7e 0x1.cp+8"), ("-1000", "0xfe -0x1.cp+8")],
    );
    // IEEE: directed modes that point toward zero give max finite.
    check_codes(
        &["round", "--format", "e5m2", "--rounding", "rtz"],
        &[("1e10", "0x7b 0x1.cp+15"), ("-1e10", "0xfb -0x1.cp+15")],
    );
    check_codes(
        &["round", "--format", "e5m2", "--rounding", "rup"],
        &[("1e10", "0x7c inf"), ("-1e10", "0xfb -0x1.cp+15")],
    );
    // IEEE-like E4M3 (pychop's "q43", max 240) has an infinity: 448 overflows to it.
    check(
        &["round", "--format", "e4m3"],
        &[
            ("448", "0x78 inf overflow,inexact"),
            ("240", "0x77 0x1.ep+7 ok"),
        ],
    );
}

#[test]
fn code_width_follows_the_format() {
    check(
        &["round", "--format", "e2m1"],
        // FP4 E2M1: 2.5 is the midpoint of 2 (0 10 0) and 3 (0 10 1): even → 2.
        &[("2.5", "0x4 0x1p+1 inexact"), ("-6", "0xf -0x1.8p+2 ok")],
    );
    // tf32 has 19 bits: 5 hex digits. 1.0 = 0 01111111 0000000000.
    check(
        &["round", "--format", "tf32"],
        &[("1", "0x1fc00 0x1p+0 ok")],
    );
    // A custom format: e3m2 with IEEE specials, bias 3: 1.25 = 0 011 01.
    check(
        &["round", "--format", "e3m2:bias=3"],
        &[("1.25", "0x0d 0x1.4p+0 ok")],
    );
}

fn count(stdout: &str, code: &str) -> usize {
    stdout.lines().filter(|l| l.starts_with(code)).count()
}

#[test]
fn stochastic_rounding_is_reproducible_and_unbiased() {
    // bf16 neighbours of 0.1: 0x3dcc = 0.099609375 and 0x3dcd = 0.10009765625; 0.1 lies
    // at δ = 0.8 of the way up.
    let input = "0.1\n".repeat(2000);
    let run = |args: &[&str]| {
        let out = lowprec(args, input.as_bytes());
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            count(&out.stdout, "0x3dcc ") + count(&out.stdout, "0x3dcd "),
            2000
        );
        out.stdout
    };
    let a = run(&[
        "round",
        "--format",
        "bf16",
        "--rounding",
        "sr",
        "--seed",
        "42",
    ]);
    let b = run(&[
        "round",
        "--format",
        "bf16",
        "--rounding",
        "sr",
        "--seed",
        "42",
    ]);
    let c = run(&[
        "round",
        "--format",
        "bf16",
        "--rounding",
        "sr",
        "--seed",
        "43",
    ]);
    assert_eq!(a, b, "same seed, same output");
    assert_ne!(a, c, "another seed, another sequence");
    // P(up) = 0.8: 1600 expected, standard deviation √(2000·0.16) ≈ 18; allow 5σ.
    let up = count(&a, "0x3dcd ");
    assert!((1510..=1690).contains(&up), "{up}");
    // Equal probability: 1000 ± 5·22.
    let e = run(&[
        "round",
        "--format",
        "bf16",
        "--rounding",
        "sr-equal",
        "--seed",
        "7",
    ]);
    let up = count(&e, "0x3dcd ");
    assert!((890..=1110).contains(&up), "{up}");
    // P3109 variant A with n = 2 bits: away iff ⌊0.8·4⌋ + r = 3 + r ≥ 4, i.e. r ≥ 1: 3/4.
    let s = run(&[
        "round",
        "--format",
        "bf16",
        "--rounding",
        "sr-a",
        "--random-bits",
        "2",
        "--seed",
        "1",
    ]);
    let up = count(&s, "0x3dcd ");
    assert!((1400..=1600).contains(&up), "{up}");
    // With n = 1: away iff ⌊1.6⌋ + r = 1 + r ≥ 2: 1/2.
    let s = run(&[
        "round",
        "--format",
        "bf16",
        "--rounding",
        "sr-a",
        "--random-bits=1",
    ]);
    let up = count(&s, "0x3dcd ");
    assert!((890..=1110).contains(&up), "{up}");
    // Exact inputs are never changed.
    let out = lowprec(
        &["round", "--format", "bf16", "--rounding", "sr"],
        "1\n".repeat(100).as_bytes(),
    );
    assert_eq!(count(&out.stdout, "0x3f80 0x1p+0 ok"), 100);
}

#[test]
fn formats_table() {
    let out = lowprec(&["formats"], b"");
    assert_eq!(out.code, 0);
    let row = |name: &str| -> Vec<String> {
        let line = out
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name}"));
        line.split_whitespace().map(String::from).collect()
    };
    // name exp man bias specials sub signed max min-normal min-subnormal epsilon
    let header: Vec<&str> = out
        .stdout
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        [
            "name",
            "exp",
            "man",
            "bias",
            "specials",
            "sub",
            "signed",
            "max",
            "min",
            "normal",
            "min",
            "subnormal",
            "epsilon"
        ]
    );
    // E4M3FN: max 448, min normal 2^-6, min subnormal 2^-9, epsilon 2^-3.
    assert_eq!(
        row("e4m3fn"),
        [
            "e4m3fn",
            "4",
            "3",
            "7",
            "fn",
            "yes",
            "yes",
            "448",
            "0.015625",
            "0.001953125",
            "0.125"
        ]
    );
    // E5M2: max 1.75·2^15, min normal 2^-14, min subnormal 2^-16.
    assert_eq!(
        row("e5m2"),
        [
            "e5m2",
            "5",
            "2",
            "15",
            "ieee",
            "yes",
            "yes",
            "57344",
            "6.103515625e-5",
            "1.52587890625e-5",
            "0.25"
        ]
    );
    // E4M3FNUZ: bias 8, max 240.
    assert_eq!(
        row("e4m3fnuz")[..8],
        ["e4m3fnuz", "4", "3", "8", "fnuz", "yes", "yes", "240"]
    );
    // FP4 E2M1: max 6, min normal 1, min subnormal 0.5.
    assert_eq!(
        row("e2m1"),
        [
            "e2m1", "2", "1", "1", "finite", "yes", "yes", "6", "1", "0.5", "0.5"
        ]
    );
    // E8M0: unsigned, no subnormals, 2^-127..2^127.
    let e8m0 = row("e8m0");
    assert_eq!(e8m0[..7], ["e8m0", "8", "0", "127", "nozero", "no", "no"]);
    assert_eq!(e8m0[9], "-");
    assert_eq!(
        out.stdout.lines().count(),
        17,
        "a header and the 16 presets"
    );

    // Named formats, exact hex values.
    let out = lowprec(&["formats", "--hex", "e4m3fn", "binary8p3se"], b"");
    assert_eq!(out.code, 0);
    let lines: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines[0],
        [
            "e4m3fn", "4", "3", "7", "fn", "yes", "yes", "0x1.cp+8", "0x1p-6", "0x1p-9", "0x1p-3"
        ]
    );
    // binary8p3se: 5 exponent bits, bias 16; +inf = 0x7f, so max = 0x7e = 1.5·2^15.
    assert_eq!(
        lines[1],
        [
            "binary8p3se",
            "5",
            "2",
            "16",
            "p3109e",
            "yes",
            "yes",
            "0x1.8p+15",
            "0x1p-15",
            "0x1p-17",
            "0x1p-2"
        ]
    );
}

#[test]
fn help_and_version() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let out = lowprec(args, b"");
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("Usage:") && out.stdout.contains("lowprec round"));
    }
    for args in [
        &["round", "--help"][..],
        &["round", "--format", "fp16", "-h"],
        &["help", "round"],
    ] {
        let out = lowprec(args, b"");
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("CODE VALUE FLAGS"), "{args:?}");
        assert!(out.stdout.contains("sr-equal") && out.stdout.contains("satpropagate"));
    }
    let out = lowprec(&["formats", "--help"], b"");
    assert!(out.code == 0 && out.stdout.contains("min subnormal"));
    let out = lowprec(&["--version"], b"");
    assert_eq!(
        out.stdout,
        format!("lowprec {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// Checks a failing run: the exit status, one line on stderr containing `needle`.
fn fails(args: &[&str], stdin: &[u8], status: i32, needle: &str) -> String {
    let out = lowprec(args, stdin);
    assert_eq!(out.code, status, "{args:?}: {}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {:?}", out.stderr);
    assert!(out.stderr.starts_with("lowprec: "), "{:?}", out.stderr);
    assert!(
        out.stderr.contains(needle),
        "{:?} lacks {needle:?}",
        out.stderr
    );
    out.stdout
}

#[test]
fn command_line_errors() {
    let usage = [
        (&[][..], "missing command"),
        (&["frobnicate"], "unknown command \"frobnicate\""),
        (&["round"], "round needs --format"),
        (&["round", "--format"], "--format needs a value"),
        (
            &["round", "--format", "e4m3x"],
            "bad format \"e4m3x\": unknown format",
        ),
        (
            &["round", "--format", "e4m99"],
            "fraction bits must be 0..=52, got 99",
        ),
        (
            &["round", "--format", "fp16", "--format", "bf16"],
            "--format given twice",
        ),
        (
            &["round", "--format", "fp16", "--rounding", "nearest"],
            "unknown rounding mode \"nearest\"",
        ),
        (
            &["round", "--format", "fp16", "--overflow", "clamp"],
            "unknown overflow policy \"clamp\"",
        ),
        (
            &["round", "--format", "fp16", "--seed", "x"],
            "--seed must be an integer",
        ),
        (
            &["round", "--format", "fp16", "--random-bits", "0"],
            "--random-bits must be 1 to 64",
        ),
        (
            &["round", "--format", "fp16", "--random-bits", "65"],
            "--random-bits must be 1 to 64",
        ),
        (
            &["round", "--format", "fp16", "--frobnicate"],
            "unknown option \"--frobnicate\"",
        ),
        (
            &["round", "--format", "fp16", "0.5"],
            "unexpected argument \"0.5\"",
        ),
        (&["formats", "e0m3"], "bad format \"e0m3\""),
        (&["formats", "--frobnicate"], "unknown option"),
        (&["help", "frobnicate"], "no help for unknown command"),
    ];
    for (args, needle) in usage {
        let stdout = fails(args, b"1\n", 2, needle);
        assert_eq!(stdout, "", "{args:?}: nothing is rounded");
    }
}

#[test]
fn input_errors_name_the_line() {
    let fp16 = ["round", "--format", "fp16"];
    // The lines before the bad one are written; nothing after it.
    let stdout = fails(
        &fp16,
        b"1\n1.2.3\n2\n",
        1,
        "line 2: invalid character '.' at column 4",
    );
    assert_eq!(stdout, "0x3c00 0x1p+0 ok\n");
    let stdout = fails(&fp16, b"1\n2\n\n3\n", 1, "line 3: empty line");
    assert_eq!(stdout.lines().count(), 2);
    fails(&fp16, b"  \t\n", 1, "line 1: empty line");
    fails(&fp16, b"1\r\n\xff\xfe\n", 1, "line 2: not valid UTF-8");
    fails(&fp16, b"0x\n", 1, "line 1: the number has no digits");
    fails(
        &fp16,
        b"1e\n",
        1,
        "line 1: the exponent after 'e' or 'p' has no digits",
    );
    fails(
        &fp16,
        b"1 2\n",
        1,
        "line 1: invalid character ' ' at column 2",
    );
    fails(&fp16, b"infinite\n", 1, "line 1: invalid character 'i'");
    fails(
        &fp16,
        b"--1\n",
        1,
        "line 1: invalid character '-' at column 2",
    );
    // Too long: a line longer than a million characters, blank space included.
    let huge = format!("{}\n", "1".repeat(1_000_016));
    fails(
        &fp16,
        huge.as_bytes(),
        1,
        "line 1: line too long: a number has at most 1000000 characters",
    );
    let padded = format!("2\n{}1{}\n", " ".repeat(500_000), " ".repeat(500_015));
    fails(&fp16, padded.as_bytes(), 1, "line 2: line too long");
    // The last line may lack its newline.
    let out = lowprec(&fp16, b"1\n2");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "0x3c00 0x1p+0 ok\n0x4000 0x1p+1 ok\n")
    );
    // No input, no output.
    let out = lowprec(&fp16, b"");
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn long_exact_decimals_are_bounded() {
    // 2^-1074 written out in full (751 significant digits), and the same plus a 1 in the
    // 100000th character: the first is the smallest binary64 subnormal exactly, the
    // second rounds up under rup.
    let tiny = "4.940656458412465441765687928682213723650598026143247644255856825006755072702087518652998363616359923797965646954457177309266567103559397963987747960107818781263007131903114045278458171678489821036887186360569987307230500063874091535649843873124733972731696151400317153853980741262385655911710266585566867681870395603106249319452715914924553293054565444011274801297099995419319894090804165633245247571478690147267801593552386115501348035264934720193790268107107491703332226844753335720832431936092382893458368060106011506169809753078342277318329247904982524730776375927247874656084778203734469699533647017972677717585125660551199131504891101451037862738167250955837389733598993664809941164205702637090279242767544565229087538682506419718265533447265625e-324";
    let mant = tiny.strip_suffix("e-324").unwrap();
    let pad = 100_000 - mant.len() - "1e-324".len();
    let above = format!("{mant}{}1e-324", "0".repeat(pad));
    assert_eq!(above.len(), 100_000);
    let input = format!("{tiny}\n{above}\n");
    let out = lowprec(
        &["round", "--format", "fp64", "--rounding", "rup"],
        input.as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "0x0000000000000001 0x1p-1074 ok\n0x0000000000000002 0x1p-1073 underflow,inexact\n"
    );
}

#[test]
fn far_beyond_every_format() {
    // Every value above 2^16 overflows binary16 (max 65504 = 0x7bff): to inf under
    // nearest modes, to max toward zero; every positive value below 2^-25 (half the
    // smallest subnormal 2^-24 = 0x0001) rounds to 0 under nearest modes and up to 2^-24
    // toward +inf, with underflow and inexact. 10^999999999999 and 2^99999999999 are such
    // values, and so are numbers of a million digits or with a 1000-digit exponent.
    let nines = "9".repeat(1000);
    let big_exp = format!("1e{nines}");
    let tiny_exp = format!("-7.5e-{nines}");
    let million = "3".repeat(1_000_000);
    let tiny_million = format!("0.{}", "0".repeat(999_990));
    check(
        &["round", "--format", "fp16"],
        &[
            ("1e999999999999", "0x7c00 inf overflow,inexact"),
            ("-1e999999999999", "0xfc00 -inf overflow,inexact"),
            ("1e-400000000", "0x0000 0x0p+0 underflow,inexact"),
            ("-1e-400000000", "0x8000 -0x0p+0 underflow,inexact"),
            ("0x1p99999999999", "0x7c00 inf overflow,inexact"),
            ("-0x1.8p-99999999999", "0x8000 -0x0p+0 underflow,inexact"),
            (&big_exp, "0x7c00 inf overflow,inexact"),
            (&tiny_exp, "0x8000 -0x0p+0 underflow,inexact"),
            (&million, "0x7c00 inf overflow,inexact"),
            (
                &format!("{tiny_million}1"),
                "0x0000 0x0p+0 underflow,inexact",
            ),
            // Zero stays zero, whatever the exponent.
            (&format!("0e{nines}"), "0x0000 0x0p+0 ok"),
        ],
    );
    check(
        &["round", "--format", "fp16", "--rounding", "rtz"],
        &[
            ("1e999999999999", "0x7bff 0x1.ffcp+15 overflow,inexact"),
            ("-1e-400000000", "0x8000 -0x0p+0 underflow,inexact"),
        ],
    );
    check(
        &["round", "--format", "fp16", "--rounding", "rup"],
        &[
            ("1e-400000000", "0x0001 0x1p-24 underflow,inexact"),
            ("-1e999999999999", "0xfbff -0x1.ffcp+15 overflow,inexact"),
        ],
    );
    check(
        &["round", "--format", "fp16", "--rounding", "rdn"],
        &[("-1e-400000000", "0x8001 -0x1p-24 underflow,inexact")],
    );
    // E4M3FN has no infinity: NaN under ieee, max 448 under satfinite.
    check(
        &["round", "--format", "e4m3fn"],
        &[("1e999999999999", "0x7f nan overflow,inexact")],
    );
    check(
        &["round", "--format", "e4m3fn", "--overflow", "satfinite"],
        &[("-1e999999999999", "0xfe -0x1.cp+8 overflow,inexact")],
    );
    // E8M0 (2^-127 to 2^127, no zero, no sign; 0xff is NaN): a tiny value gives the
    // smallest value, a huge one NaN.
    check(
        &["round", "--format", "e8m0"],
        &[
            ("1e-400000000", "0x00 0x1p-127 underflow,inexact"),
            ("1e999999999999", "0xff nan overflow,inexact"),
        ],
    );
    // Stochastic rounding: a huge value overflows whatever the draw; a tiny one rounds
    // up with probability 2^-64 (the first draw of seed 0 is not 0).
    check(
        &["round", "--format", "bf16", "--rounding", "sr"],
        &[
            ("1e999999999999", "0x7f80 inf overflow,inexact"),
            ("1e-400000000", "0x0000 0x0p+0 underflow,inexact"),
        ],
    );
}

/// Runs `lowprec op …` on the operand lines of `cases` and checks each full output line.
fn check_op(args: &[&str], cases: &[(&str, &str)]) {
    let mut full = vec!["op"];
    full.extend_from_slice(args);
    check(&full, cases);
}

#[test]
fn op_add_and_sub_e4m3fn() {
    // E4M3FN (bias 7, 3 fraction bits, no infinity, NaN = S.1111.111): 0x7e = 0 1111 110
    // = 1.75·2^8 = 448, 0x58 = 0 1011 000 = 2^4 = 16, 0x59 = 1.125·2^4 = 18,
    // 0x50 = 2^3 = 8, 0x38 = 2^0 = 1.
    check_op(
        &["add", "--format", "e4m3fn"],
        &[
            // 448 + 16 = 464: the midpoint of 448 (fraction 110, even) and 480 (beyond
            // max): ties to even keeps 448.
            ("7e 58", "0x7e inexact"),
            // 448 + 8 = 456 lies below the midpoint.
            ("0x7E 0x50", "0x7e inexact"),
            // 448 + 18 = 466 lies above it: overflow, and no infinity gives NaN.
            ("0x7e 0x59", "0x7f overflow,inexact"),
            ("38 0", "0x38 ok"),
            // 1 + (-1) = +0 exactly; -448 + -16 = -464 ties to -448.
            ("38 b8", "0x00 ok"),
            ("fe d8", "0xfe inexact"),
            // A quiet NaN operand gives NaN without a flag (E4M3FN has no signaling NaN).
            ("7f 38", "0x7f ok"),
        ],
    );
    check_op(
        &["sub", "--format", "e4m3fn"],
        &[
            // 448 - (-16) = 464: the same tie.
            ("7e d8", "0x7e inexact"),
            // 1 - 1 = +0; 2^-9 - 2^-9 = +0 (0x01 = the smallest subnormal).
            ("38 38", "0x00 ok"),
            ("01 01", "0x00 ok"),
            // 1 - 2^-9 = 0.998…: the neighbours are 0.9375 (0 0110 111) and 1: nearest 1.
            ("38 01", "0x38 inexact"),
        ],
    );
    // Toward -inf an exact zero sum is -0 (IEEE 754 §6.3), and 1 - 2^-9 goes down.
    check_op(
        &["sub", "--format", "e4m3fn", "--rounding", "rdn"],
        &[("38 38", "0x80 ok"), ("38 01", "0x37 inexact")],
    );
    // Saturating, the overflow gives max finite (still flagged).
    check_op(
        &["add", "--format", "e4m3fn", "--overflow", "satfinite"],
        &[("7e 59", "0x7e overflow,inexact")],
    );
    // Toward zero, 466 truncates to 448 (the grid step at 2^8 is 32): inexact, but no
    // overflow; 448 + 448 = 896 lies beyond the next grid point 480: overflow, max.
    check_op(
        &["add", "--format", "e4m3fn", "--rounding", "rtz"],
        &[
            ("7e 59", "0x7e inexact"),
            ("7e 7e", "0x7e overflow,inexact"),
        ],
    );
}

#[test]
fn op_fp16_overflow_underflow_and_invalid() {
    // binary16: 0x7bff = 65504 = max, 0x3c00 = 1, 0x3800 = 0.5, 0x0001 = 2^-24 (the
    // smallest subnormal), 0x7c00 = inf, 0x7e00 = the quiet NaN (fraction MSB set).
    check_op(
        &["add", "--format", "fp16"],
        &[
            // 65504 + 65504 = 131008 > 65520, the overflow threshold: inf.
            ("7bff 7bff", "0x7c00 overflow,inexact"),
            // inf + (-inf) is invalid.
            ("7c00 fc00", "0x7e00 invalid"),
            ("7c00 3c00", "0x7c00 ok"),
            // 0x7d00: exponent all ones, fraction 01 0000 0000: a signaling NaN.
            ("7d00 3c00", "0x7e00 invalid"),
            ("7e00 3c00", "0x7e00 ok"),
            // Leading zeros and tabs are fine; so is a CR before the newline.
            ("0x00003c00\t3c00\r", "0x4000 ok"),
        ],
    );
    check_op(
        &["mul", "--format", "fp16"],
        &[
            // 2^-24 · 0.5 = 2^-25: the midpoint of 0 and 2^-24, ties to even gives 0.
            ("0001 3800", "0x0000 underflow,inexact"),
            // 3·2^-24 · 0.5 = 1.5·2^-24: the midpoint of 1 and 2 (·2^-24): even 2.
            ("0003 3800", "0x0002 underflow,inexact"),
            // The largest subnormal 1023·2^-24 times 1 + 2^-10 = 2^-14·(1 - 2^-20):
            // it rounds to 2^-14 = 0x0400, and is not tiny after rounding (rounded to
            // 11 bits with an unbounded exponent it is 2^-14 too): no underflow.
            ("03ff 3c01", "0x0400 inexact"),
            // inf · 0 is invalid; -1 · 0 = -0.
            ("7c00 0000", "0x7e00 invalid"),
            ("bc00 0000", "0x8000 ok"),
            // 256 · 256 = 65536 > 65520: overflow.
            ("5c00 5c00", "0x7c00 overflow,inexact"),
        ],
    );
    check_op(
        &["div", "--format", "fp16"],
        &[
            // 0 / 0 is invalid; a finite nonzero value over zero divides by zero.
            ("0000 0000", "0x7e00 invalid"),
            ("3c00 0000", "0x7c00 divbyzero"),
            ("bc00 0000", "0xfc00 divbyzero"),
            ("3c00 8000", "0xfc00 divbyzero"),
            // inf / inf is invalid; 1 / inf = +0.
            ("7c00 7c00", "0x7e00 invalid"),
            ("3c00 7c00", "0x0000 ok"),
            // 1/3 = 1.0101…·2^-2: fraction 0101010101|0101… rounds down: 0 01101 0101010101.
            ("3c00 4200", "0x3555 inexact"),
            // 65504 / 0.5 = 131008: overflow.
            ("7bff 3800", "0x7c00 overflow,inexact"),
        ],
    );
    check_op(
        &["sqrt", "--format", "fp16"],
        &[
            // The square root of a negative number is invalid; sqrt(-0) = -0.
            ("bc00", "0x7e00 invalid"),
            ("fc00", "0x7e00 invalid"),
            ("8000", "0x8000 ok"),
            ("4400", "0x4000 ok"),
            ("7c00", "0x7c00 ok"),
            // sqrt(2) = 1.0110101000|0010…: 0 01111 0110101000 = 0x3da8, the well-known
            // binary16 code of sqrt(2).
            ("4000", "0x3da8 inexact"),
        ],
    );
}

#[test]
fn op_fma_rounds_once() {
    // binary16: 0x3c01 = 1 + 2^-10, 0xbc02 = -(1 + 2^-9). (1 + 2^-10)^2 = 1 + 2^-9 + 2^-20
    // exactly, so the fused a·b + c is 2^-20 = 16·2^-24, the subnormal 0x0010, exact.
    check_op(
        &["fma", "--format", "fp16"],
        &[
            ("3c01 3c01 bc02", "0x0010 ok"),
            // 65504·2 - 65504 = 65504: the product beyond max does not overflow by itself.
            ("7bff 4000 fbff", "0x7bff ok"),
            // 0 · inf + 1 is invalid; 1·1 + (-1) = +0.
            ("0000 7c00 3c00", "0x7e00 invalid"),
            ("3c00 3c00 bc00", "0x0000 ok"),
        ],
    );
    // Rounded twice, the product loses the 2^-20: 1 + 2^-9 + 2^-20 lies below the
    // midpoint 1 + 2^-9 + 2^-11, so it rounds to 0x3c02, and then the sum is 0.
    check_op(
        &["mul", "--format", "fp16"],
        &[("3c01 3c01", "0x3c02 inexact")],
    );
    check_op(&["add", "--format", "fp16"], &[("3c02 bc02", "0x0000 ok")]);
    // E4M3FN: 1.5 · 1.5 + 0.125 = 2.375 = 1.1875·2: the midpoint of 2.25 (0 1000 001)
    // and 2.5 (0 1000 010): ties to even gives 2.5. 0x3c = 1.5, 0x20 = 0.125.
    check_op(
        &["fma", "--format", "e4m3fn"],
        &[("3c 3c 20", "0x42 inexact")],
    );
}

#[test]
fn op_rounding_modes_and_narrow_formats() {
    // E4M3FN 1/3 = 1.0101…·2^-2 (0x38 = 1, 0x44 = 0 1000 100 = 3): truncated to 3
    // fraction bits 1.010 (0 0101 010 = 0x2a), above it 1.011 (0x2b); the discarded bits
    // 0.101… of a unit lie above the midpoint 0.1.
    for (mode, want) in [
        ("rne", "0x2b inexact"),
        ("rtz", "0x2a inexact"),
        ("rdn", "0x2a inexact"),
        ("rup", "0x2b inexact"),
        ("rto", "0x2b inexact"),
    ] {
        check_op(
            &["div", "--format", "e4m3fn", "--rounding", mode],
            &[("38 44", want)],
        );
    }
    // -1/3 (0xb8 / 0x44) mirrors it: toward -inf is away from zero.
    check_op(
        &["div", "--format", "e4m3fn", "--rounding", "rdn"],
        &[("b8 44", "0xab inexact")],
    );
    // FP4 E2M1 (bias 1, 1 fraction bit, no inf, no NaN): 0x2 = 1, 0x3 = 1.5, 0x7 = 6.
    // 1 + 1.5 = 2.5 ties between 2 (0x4, even) and 3 (0x5); 6 + 6 overflows to max.
    check_op(
        &["add", "--format", "e2m1"],
        &[("2 3", "0x4 inexact"), ("0x7 0x7", "0x7 overflow,inexact")],
    );
    check_op(
        &["add", "--format", "e2m1", "--rounding", "rna"],
        &[("2 3", "0x5 inexact")],
    );
    // bf16 (7 fraction bits): 1 + 2^-8 (0x3b80 = 0 01110111 0000000) is the midpoint of
    // 1 and 1 + 2^-7: even 1 (0x3f80); 1 + 1.5·2^-8 (0x3bc0) lies above it: 0x3f81;
    // 1 + 1.5·2^-7 (0x3c40) is the midpoint of 0x3f81 (odd) and 0x3f82: even 0x3f82.
    check_op(
        &["add", "--format", "bf16"],
        &[
            ("3f80 3b80", "0x3f80 inexact"),
            ("3f80 3bc0", "0x3f81 inexact"),
            ("3f80 3c40", "0x3f82 inexact"),
        ],
    );
}

#[test]
fn op_stochastic_is_reproducible_and_unbiased() {
    // bf16: 1 + 2^-9 (0x3f80 + 0x3b00) lies a quarter of the way from 1 (0x3f80) to
    // 1 + 2^-7 (0x3f81): stochastic rounding goes up with probability 1/4.
    let input = "3f80 3b00\n".repeat(2000);
    let run = |seed: &str| {
        let out = lowprec(
            &[
                "op",
                "add",
                "--format",
                "bf16",
                "--rounding",
                "sr",
                "--seed",
                seed,
            ],
            input.as_bytes(),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            count(&out.stdout, "0x3f80 inexact") + count(&out.stdout, "0x3f81 inexact"),
            2000
        );
        out.stdout
    };
    let (a, b, c) = (run("5"), run("5"), run("6"));
    assert_eq!(a, b, "same seed, same output");
    assert_ne!(a, c, "another seed, another sequence");
    // 500 expected, standard deviation √(2000·3/16) ≈ 19.4: 5σ either side.
    let up = count(&a, "0x3f81 ");
    assert!((403..=597).contains(&up), "{up}");
    // Exact results are never changed and draw nothing: with exact lines in between,
    // the inexact ones see the same random sequence.
    let mixed = "3f80 3b00\n3f80 3f80\n".repeat(2000);
    let out = lowprec(
        &[
            "op",
            "add",
            "--format",
            "bf16",
            "--rounding",
            "sr",
            "--seed",
            "5",
        ],
        mixed.as_bytes(),
    );
    let lines: Vec<&str> = out.stdout.lines().collect();
    let odd: Vec<&str> = lines.iter().skip(1).step_by(2).copied().collect();
    assert!(odd.iter().all(|l| *l == "0x4000 ok"), "1 + 1 = 2 exactly");
    let even: String = lines.iter().step_by(2).map(|l| format!("{l}\n")).collect();
    assert_eq!(even, a);
}

#[test]
fn op_help() {
    for args in [&["op", "--help"][..], &["op", "add", "-h"], &["help", "op"]] {
        let out = lowprec(args, b"");
        assert_eq!(out.code, 0, "{args:?}");
        assert!(out.stdout.contains("CODE FLAGS"), "{args:?}");
        assert!(out.stdout.contains("fma") && out.stdout.contains("sqrt"));
    }
    let out = lowprec(&["--help"], b"");
    assert!(out.stdout.contains("lowprec op OP --format FMT"));
}

#[test]
fn op_command_line_errors() {
    let usage = [
        (
            &["op"][..],
            "op needs an operation: add, sub, mul, div, fma or sqrt",
        ),
        (&["op", "--format", "fp16"], "op needs an operation"),
        (
            &["op", "lgamma", "--format", "fp16"],
            "unknown operation \"lgamma\": expected add, sub, mul, div, fma or sqrt",
        ),
        (&["op", "add"], "op needs --format FMT"),
        (
            &["op", "add", "mul", "--format", "fp16"],
            "unexpected argument \"mul\": operand codes are read from standard input",
        ),
        (&["op", "add", "--format"], "--format needs a value"),
        (&["op", "add", "--format", "e9m99"], "bad format \"e9m99\""),
        (
            &["op", "add", "--format", "fp16", "--format=bf16"],
            "--format given twice",
        ),
        (
            &["op", "add", "--format", "fp16", "--rounding", "up"],
            "unknown rounding mode \"up\"",
        ),
        (
            &["op", "add", "--format", "fp16", "--overflow", "wrap"],
            "unknown overflow policy \"wrap\"",
        ),
        (
            &["op", "add", "--format", "fp16", "--seed", "-3"],
            "--seed must be an integer",
        ),
        (
            &["op", "add", "--format", "fp16", "--random-bits", "65"],
            "--random-bits must be 1 to 64",
        ),
        (
            &["op", "add", "--format", "fp16", "--bogus"],
            "unknown option \"--bogus\"",
        ),
    ];
    for (args, needle) in usage {
        let stdout = fails(args, b"3c00 3c00\n", 2, needle);
        assert_eq!(stdout, "", "{args:?}: nothing is computed");
    }
}

#[test]
fn op_input_errors_name_the_line() {
    let add = ["op", "add", "--format", "e4m3fn"];
    // The lines before the bad one are written; nothing after it.
    let stdout = fails(
        &add,
        b"38 38\n38 38 38\n38 38\n",
        1,
        "line 2: expected 2 operand codes for add, got 3",
    );
    assert_eq!(stdout, "0x40 ok\n");
    fails(
        &add,
        b"38\n",
        1,
        "line 1: expected 2 operand codes for add, got 1",
    );
    fails(
        &["op", "fma", "--format", "e4m3fn"],
        b"38 38\n",
        1,
        "line 1: expected 3 operand codes for fma, got 2",
    );
    fails(
        &["op", "sqrt", "--format", "e4m3fn"],
        b"38 38\n",
        1,
        "line 1: expected 1 operand code for sqrt, got 2",
    );
    let stdout = fails(&add, b"38 38\n\n", 1, "line 2: empty line");
    assert_eq!(stdout, "0x40 ok\n");
    fails(&add, b" \t\r\n", 1, "line 1: empty line");
    for (line, needle) in [
        (
            &b"0x 38\n"[..],
            "line 1: operand 1: \"0x\" is not a hex code",
        ),
        (
            b"38 0xg1\n",
            "line 1: operand 2: \"0xg1\" is not a hex code",
        ),
        (b"38 1.5\n", "operand 2: \"1.5\" is not a hex code"),
        (b"-38 38\n", "operand 1: \"-38\" is not a hex code"),
        (b"+38 38\n", "operand 1: \"+38\" is not a hex code"),
        (b"38,38\n", "expected 2 operand codes for add, got 1"),
        // 0x100 needs 9 bits; the format has 8.
        (
            b"38 0x100\n",
            "operand 2: code 0x100 is wider than the 8-bit format e4m3fn",
        ),
        (
            b"0X1FF 38\n",
            "operand 1: code 0x1FF is wider than the 8-bit format",
        ),
        // More digits than a u64 holds.
        (
            b"38 10000000000000000\n",
            "operand 2: code 0x10000000000000000 is wider",
        ),
        (b"38 \xff\n", "line 1: not valid UTF-8"),
    ] {
        fails(&add, line, 1, needle);
    }
    // Leading zeros do not make a code wide.
    check_op(
        &["add", "--format", "e4m3fn"],
        &[(
            "000000000000000000000038 0x0000000000000000000038",
            "0x40 ok",
        )],
    );
    // A 4-bit format: codes above 0xf are too wide.
    fails(
        &["op", "add", "--format", "e2m1"],
        b"2 10\n",
        1,
        "operand 2: code 0x10 is wider than the 4-bit format e2m1",
    );
    // A line longer than any operand line.
    let long = format!("38 {}38\n", "0".repeat(5000));
    fails(&add, long.as_bytes(), 1, "line 1: line too long");
    // The last line may lack its newline; no input, no output.
    let out = lowprec(&add, b"38 38\n38 0");
    assert_eq!((out.code, out.stdout.as_str()), (0, "0x40 ok\n0x38 ok\n"));
    let out = lowprec(&add, b"");
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}
