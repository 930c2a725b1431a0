//! `lowprec op` with the elementary functions, run as a process (`cargo test --features
//! cli`).
//!
//! Every expected code is worked out by hand: the exact value (or a few correct digits of
//! it) placed between its two neighbours in the format, and the special cases and flags
//! from IEEE 754-2019 §9.2 and §7. The derivations are in the comments. bfloat16 has bias
//! 127 and 7 fraction bits: the code of 2^e · (1 + f/128) is (e + 127) << 7 | f.

mod cli_process;
use cli_process::lowprec;

/// Runs `lowprec op ARGS` on the operand lines of `cases` and checks each output line.
fn check_op(args: &[&str], cases: &[(&str, &str)]) {
    let mut full = vec!["op"];
    full.extend_from_slice(args);
    let input: String = cases.iter().map(|(x, _)| format!("{x}\n")).collect();
    let out = lowprec(&full, input.as_bytes());
    assert_eq!(out.code, 0, "{full:?}: {}", out.stderr);
    assert_eq!(out.stderr, "");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), cases.len(), "{full:?}: {}", out.stdout);
    for ((x, want), got) in cases.iter().zip(lines) {
        assert_eq!(got, *want, "{full:?} input {x}");
    }
}

/// Checks a failing run: the exit status, one line on stderr containing `needle`.
fn fails(args: &[&str], stdin: &[u8], status: i32, needle: &str) -> String {
    let out = lowprec(args, stdin);
    assert_eq!(out.code, status, "{args:?}: {}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {:?}", out.stderr);
    assert!(
        out.stderr.contains(needle),
        "{:?} lacks {needle:?}",
        out.stderr
    );
    out.stdout
}

#[test]
fn exp_bf16() {
    check_op(
        &["exp", "--format", "bf16"],
        &[
            // e = 2.71828… = 2 · 1.35914…; 1.35914 · 128 = 173.97 − 128 = 45.97 → f = 46:
            // 2 · (1 + 46/128) = 2.71875 = 0x402e.
            ("3f80", "0x402e inexact"),
            // e^±0 = 1 exactly.
            ("0", "0x3f80 ok"),
            ("0x8000", "0x3f80 ok"),
            // e^−1 = 0.367879… = 2^−2 · 1.47152; 0.47152 · 128 = 60.35 → 0x3ebc.
            ("bf80", "0x3ebc inexact"),
            // e^+∞ = +∞, e^−∞ = +0, exactly; a quiet NaN passes quietly.
            ("7f80", "0x7f80 ok"),
            ("ff80", "0x0000 ok"),
            ("7fc0", "0x7fc0 ok"),
            // A signaling NaN (quiet bit 0x40 clear) raises invalid.
            ("7f81", "0x7fc0 invalid"),
            // e^100 = 2^144.27 > bf16's largest 2^128 − 2^120: overflow.
            ("42c8", "0x7f80 overflow,inexact"),
            // e^−100 = 2^−144.27, below half the least subnormal 2^−133: underflow to 0.
            ("c2c8", "0x0000 underflow,inexact"),
        ],
    );
    // The two neighbours of e: 2.703125 (f = 45) below, 2.71875 above.
    check_op(
        &["exp", "--format", "bf16", "--rounding", "rdn"],
        &[("3f80", "0x402d inexact")],
    );
    check_op(
        &["exp", "--format", "bf16", "--rounding", "rup"],
        &[("3f80", "0x402e inexact")],
    );
}

#[test]
fn exp_family_exact_and_tiny() {
    // 2^3 = 8 = 2^3 · 1 = 0x4100 exactly.
    check_op(&["exp2", "--format", "bf16"], &[("4040", "0x4100 ok")]);
    // 10^2 = 100 = 2^6 · 1.5625 = 0x42c8 exactly.
    check_op(&["exp10", "--format", "bf16"], &[("4000", "0x42c8 ok")]);
    // expm1(2^−100) = 2^−100 · (1 + 2^−101 + …): nearest gives 2^−100 (exponent field
    // 27, 0x0d80), toward +∞ the next code up.
    check_op(
        &["expm1", "--format", "bf16"],
        &[("0d80", "0x0d80 inexact"), ("ff80", "0xbf80 ok")],
    );
    check_op(
        &["expm1", "--format", "bf16", "--rounding", "rup"],
        &[("0d80", "0x0d81 inexact")],
    );
}

#[test]
fn log_family_flags() {
    check_op(
        &["log", "--format", "bf16"],
        &[
            // log ±0 = −∞ exactly, from a finite operand: divbyzero.
            ("0", "0xff80 divbyzero"),
            ("8000", "0xff80 divbyzero"),
            // log of a negative number: invalid, the canonical NaN.
            ("bf80", "0x7fc0 invalid"),
            ("ff80", "0x7fc0 invalid"),
            // log 1 = +0 exactly, log +∞ = +∞.
            ("3f80", "0x0000 ok"),
            ("7f80", "0x7f80 ok"),
            // log 2 = 0.693147… = 2^−1 · 1.386294; 0.386294 · 128 = 49.45 → 0x3f31.
            ("4000", "0x3f31 inexact"),
        ],
    );
    // log2 8 = 3 and log10 1000 = 3 exactly (1000 = 2^9 · 1.953125 = 0x447a).
    check_op(&["log2", "--format", "bf16"], &[("4100", "0x4040 ok")]);
    check_op(&["log10", "--format", "bf16"], &[("447a", "0x4040 ok")]);
    // log1p(−1) = −∞ exactly; log1p(−2) is invalid.
    check_op(
        &["log1p", "--format", "bf16"],
        &[("bf80", "0xff80 divbyzero"), ("c000", "0x7fc0 invalid")],
    );
}

#[test]
fn functions_in_a_format_without_infinity() {
    // E4M3FN (bias 7, 3 fraction bits, no ∞, NaN = S.1111.111): log 0 = −∞ has no code,
    // so it is the NaN of that sign, still with divbyzero only.
    check_op(
        &["log", "--format", "e4m3fn"],
        &[
            ("0", "0xff divbyzero"),
            // log 448 = 6.1048 = 2^2 · 1.5262; 0.5262 · 8 = 4.2 → 0 1001 100.
            ("7e", "0x4c inexact"),
        ],
    );
    // e^448 overflows: NaN under the IEEE policy, the largest finite under satfinite.
    check_op(
        &["exp", "--format", "e4m3fn"],
        &[("7e", "0x7f overflow,inexact")],
    );
    check_op(
        &["exp", "--format", "e4m3fn", "--overflow", "satfinite"],
        &[("7e", "0x7e overflow,inexact")],
    );
}

/// The trigonometric, hyperbolic, error-function and rsqrt families.
#[test]
fn other_functions_bf16() {
    let bf16 = |op: &str, cases: &[(&str, &str)]| check_op(&[op, "--format", "bf16"], cases);
    // sin ±0 = ±0; sin 1 = 0.841471 = 2^−1 · 1.682942; 0.682942 · 128 = 87.41 → 0x3f57.
    bf16(
        "sin",
        &[
            ("0", "0x0000 ok"),
            ("8000", "0x8000 ok"),
            ("3f80", "0x3f57 inexact"),
            ("7f80", "0x7fc0 invalid"),
        ],
    );
    bf16("cos", &[("8000", "0x3f80 ok")]);
    bf16("tan", &[("8000", "0x8000 ok")]);
    // asin 2 is invalid; acos 1 = +0; atan +∞ = π/2 = 1.570796 → 0.570796 · 128 = 73.06.
    bf16("asin", &[("4000", "0x7fc0 invalid")]);
    bf16("acos", &[("3f80", "0x0000 ok")]);
    bf16("atan", &[("7f80", "0x3fc9 inexact")]);
    bf16("sinh", &[("8000", "0x8000 ok")]);
    bf16("cosh", &[("8000", "0x3f80 ok")]);
    // tanh 100 = 1 − 2.8·10^−87: nearest 1, toward zero the code below (0.99609375).
    bf16("tanh", &[("7f80", "0x3f80 ok"), ("42c8", "0x3f80 inexact")]);
    check_op(
        &["tanh", "--format", "bf16", "--rounding", "rtz"],
        &[("42c8", "0x3f7f inexact")],
    );
    bf16("asinh", &[("8000", "0x8000 ok")]);
    bf16(
        "acosh",
        &[("3f80", "0x0000 ok"), ("3f00", "0x7fc0 invalid")],
    );
    // atanh ±1 = ±∞ exactly: divbyzero.
    bf16(
        "atanh",
        &[("3f80", "0x7f80 divbyzero"), ("bf80", "0xff80 divbyzero")],
    );
    bf16("erf", &[("8000", "0x8000 ok"), ("7f80", "0x3f80 ok")]);
    bf16(
        "erfc",
        &[
            ("0", "0x3f80 ok"),
            ("7f80", "0x0000 ok"),
            ("ff80", "0x4000 ok"),
        ],
    );
    // rsqrt 4 = 0.5; rsqrt ±0 = ±∞ with divbyzero.
    bf16(
        "rsqrt",
        &[
            ("4080", "0x3f00 ok"),
            ("0", "0x7f80 divbyzero"),
            ("8000", "0xff80 divbyzero"),
        ],
    );
}

#[test]
fn two_argument_functions_bf16() {
    let bf16 = |op: &str, cases: &[(&str, &str)]| check_op(&[op, "--format", "bf16"], cases);
    bf16(
        "pow",
        &[
            // 2^0.5 = 1.414214; 0.414214 · 128 = 53.02 → 0x3fb5.
            ("4000 3f00", "0x3fb5 inexact"),
            // pow(±0, −1) = ±∞ (odd integer exponent), divbyzero.
            ("0 bf80", "0x7f80 divbyzero"),
            ("8000 bf80", "0xff80 divbyzero"),
            // pow(x, ±0) = 1 even for NaN; pow(+1, y) = 1 even for NaN.
            ("7fc0 0", "0x3f80 ok"),
            ("3f80 7fc0", "0x3f80 ok"),
            // A negative base with a non-integer exponent: invalid.
            ("c100 3f00", "0x7fc0 invalid"),
        ],
    );
    bf16(
        "atan2",
        &[
            // atan2(1, 1) = π/4 = 0.785398 = 2^−1 · 1.570796 → f = 73: 0x3f49.
            ("3f80 3f80", "0x3f49 inexact"),
            // atan2(+0, −1) = π = 2 · 1.570796 → 0x4049; atan2(−0, +1) = −0.
            ("0 bf80", "0x4049 inexact"),
            ("8000 3f80", "0x8000 ok"),
        ],
    );
    bf16(
        "hypot",
        &[
            // hypot(3, 4) = 5 = 4 · 1.25 exactly; hypot(∞, NaN) = +∞.
            ("4040 4080", "0x40a0 ok"),
            ("7f80 7fc0", "0x7f80 ok"),
            ("ff80 7fc0", "0x7f80 ok"),
        ],
    );
    bf16(
        "pown",
        &[
            // 3^2 = 9 = 8 · 1.125: f = 16, 0x4110; 2^−1 = 0.5; pown(NaN, 0) = 1.
            ("4040 2", "0x4110 ok"),
            ("4000 -1", "0x3f00 ok"),
            ("7fc0 0", "0x3f80 ok"),
            // pown(±0, −3) = ±∞, divbyzero.
            ("0 -3", "0x7f80 divbyzero"),
            ("8000 -3", "0xff80 divbyzero"),
            // The extreme n are read: pown(+1, n) = 1 for every n.
            ("3f80 -9223372036854775808", "0x3f80 ok"),
            ("3f80 9223372036854775807", "0x3f80 ok"),
        ],
    );
    bf16(
        "rootn",
        &[
            // ∛8 = 2, ∛−8 = −2, 4^(−1/2) = 0.5 exactly; even roots of negatives and
            // rootn(x, 0) are invalid.
            ("4100 3", "0x4000 ok"),
            ("c100 3", "0xc000 ok"),
            ("4080 -2", "0x3f00 ok"),
            ("c100 2", "0x7fc0 invalid"),
            ("4100 0", "0x7fc0 invalid"),
        ],
    );
}

#[test]
fn function_help_and_errors() {
    let out = lowprec(&["op", "--help"], b"");
    assert_eq!(out.code, 0);
    for name in ["exp", "log1p", "atan2", "erfc", "pown", "rootn"] {
        assert!(
            out.stdout.split_whitespace().any(|w| w == name),
            "{name} in the help"
        );
    }
    let stdout = fails(
        &["op", "lgamma", "--format", "bf16"],
        b"3f80\n",
        2,
        "unknown operation \"lgamma\": expected add, sub, mul, div, fma or sqrt",
    );
    assert_eq!(stdout, "");
    let exp = ["op", "exp", "--format", "bf16"];
    let stdout = fails(
        &exp,
        b"3f80\n3f80 3f80\n",
        1,
        "line 2: expected 1 operand code for exp, got 2",
    );
    assert_eq!(stdout, "0x402e inexact\n");
    fails(
        &["op", "atan2", "--format", "bf16"],
        b"3f80\n",
        1,
        "line 1: expected 2 operand codes for atan2, got 1",
    );
    let pown = ["op", "pown", "--format", "bf16"];
    for (line, needle) in [
        (
            &b"\n"[..],
            "line 1: empty line: every line must hold an operand code and an integer n for pown",
        ),
        (
            b"4040\n",
            "expected an operand code and an integer n for pown, got 1",
        ),
        (
            b"4040 2 2\n",
            "expected an operand code and an integer n for pown, got 3",
        ),
        (b"4040 0x2\n", "operand 2: \"0x2\" is not an integer n"),
        (b"4040 +2\n", "operand 2: \"+2\" is not an integer n"),
        (b"4040 2.0\n", "operand 2: \"2.0\" is not an integer n"),
        (b"4040 -\n", "operand 2: \"-\" is not an integer n"),
        (
            b"4040 9223372036854775808\n",
            "operand 2: n = 9223372036854775808 lies outside -2^63 to 2^63-1",
        ),
        (
            b"14040 2\n",
            "operand 1: code 0x14040 is wider than the 16-bit format",
        ),
    ] {
        fails(&pown, line, 1, needle);
    }
}
