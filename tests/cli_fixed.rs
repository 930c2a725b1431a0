//! `lowprec fixed cast` and `lowprec fixed op` on hand-derived cases (the documented
//! ap_fixed quirks among them: SAT_SYM, WRAP with N, ap_int truncation) and every error path.

mod cli_process;
use cli_process::lowprec;

fn check(args: &[&str], input: &str, want: &[&str]) {
    let out = lowprec(args, input.as_bytes());
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    let got: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(got, want, "{args:?}");
}

#[test]
fn quantization_modes() {
    // ±1.25 into ap_fixed<3,2>: the LSB is 0.5, raw = value · 2.
    for (q, pos, neg) in [
        ("AP_RND", "3 0x1.8p+0", "-2 -0x1p+0"),
        ("AP_RND_ZERO", "2 0x1p+0", "-2 -0x1p+0"),
        ("AP_RND_MIN_INF", "2 0x1p+0", "-3 -0x1.8p+0"),
        ("AP_RND_INF", "3 0x1.8p+0", "-3 -0x1.8p+0"),
        ("AP_RND_CONV", "2 0x1p+0", "-2 -0x1p+0"),
        ("AP_TRN", "2 0x1p+0", "-3 -0x1.8p+0"),
        ("AP_TRN_ZERO", "2 0x1p+0", "-2 -0x1p+0"),
    ] {
        let ty = format!("ap_fixed<3,2,{q}>");
        check(
            &["fixed", "cast", "--type", &ty],
            "1.25\n-1.25\n",
            &[&format!("{pos} inexact"), &format!("{neg} inexact")],
        );
    }
}

#[test]
fn overflow_modes() {
    // ±19 into ap_fixed<4,4>.
    for (o, pos, neg) in [
        ("AP_SAT", "7 0x1.cp+2", "-8 -0x1p+3"),
        ("AP_SAT_SYM", "7 0x1.cp+2", "-7 -0x1.cp+2"),
        ("AP_SAT_ZERO", "0 0x0p+0", "0 0x0p+0"),
        ("AP_WRAP", "3 0x1.8p+1", "-3 -0x1.8p+1"),
        ("AP_WRAP,2", "7 0x1.cp+2", "-7 -0x1.cp+2"),
    ] {
        let ty = format!("ap_fixed<4,4,AP_TRN,{o}>");
        check(
            &["fixed", "cast", "--type", &ty],
            "19\n-19\n",
            &[&format!("{pos} overflow"), &format!("{neg} overflow")],
        );
    }
}

#[test]
fn exact_inputs_and_families() {
    // 0.1 is taken exactly (not through a double): just below 0.1 is 0.1 - 2^-60.
    check(
        &["fixed", "cast", "--type", "ap_ufixed<8,0,AP_RND_CONV>"],
        "0.1\n0x1.99p-4\n-0\n1e-400\n",
        &[
            "26 0x1.ap-4 inexact",
            "26 0x1.ap-4 inexact",
            "0 0x0p+0 ok",
            "0 0x0p+0 inexact",
        ],
    );
    check(
        &[
            "fixed",
            "cast",
            "--type",
            "ac_fixed<8,3,true,AC_RND_CONV_ODD,AC_SAT>",
        ],
        "0.046875\n0.078125\n100\n",
        &[
            "1 0x1p-5 inexact",
            "3 0x1.8p-4 inexact",
            "127 0x1.fcp+1 overflow",
        ],
    );
    check(
        &["fixed", "cast", "--type", "ap_int<8>"],
        "-2.7\n300\n",
        &["-2 -0x1p+1 inexact", "44 0x1.6p+5 overflow"],
    );
    // Infinities and NaN as the headers read those doubles: ±2^1024 and 1.5·2^1024.
    check(
        &["fixed", "cast", "--type", "ap_fixed<8,4,AP_TRN,AP_SAT>"],
        "inf\n-inf\nnan\n",
        &[
            "127 0x1.fcp+2 overflow",
            "-128 -0x1p+3 overflow",
            "127 0x1.fcp+2 invalid,overflow",
        ],
    );
}

#[test]
fn far_beyond_the_range() {
    // ap_fixed<8,4>: LSB 2^-4, raw -128..=127. Below half an LSB a value truncates
    // (AP_TRN, toward -inf) to 0 or -1 and rounds (AP_RND) to 0; far above the range it
    // saturates. 2^99999999999 and 1.5·2^99999999999 are exact, and their low bits are
    // zero (0 under AP_WRAP). 10^999999999999 has more than 128 significant bits: it
    // reaches the cast with the bits below them unknown (inexact, and invalid where a
    // wrap would need them), as 1e400 does.
    check(
        &["fixed", "cast", "--type", "ap_fixed<8,4,AP_TRN,AP_SAT>"],
        "1e-400000000\n-1e-400000000\n0x1p99999999999\n-0x1p99999999999\n1e999999999999\n",
        &[
            "0 0x0p+0 inexact",
            "-1 -0x1p-4 inexact",
            "127 0x1.fcp+2 overflow",
            "-128 -0x1p+3 overflow",
            "127 0x1.fcp+2 overflow,inexact",
        ],
    );
    check(
        &["fixed", "cast", "--type", "ap_fixed<8,4,AP_RND,AP_WRAP>"],
        "-1e-400000000\n0x1.8p99999999999\n-1e999999999999\n",
        &[
            "0 0x0p+0 inexact",
            "0 0x0p+0 overflow",
            "0 0x0p+0 invalid,overflow,inexact",
        ],
    );
}

#[test]
fn operations() {
    let a = "ap_fixed<8,4>";
    let b = "ap_ufixed<6,2>";
    // a = 1.5 (raw 24, F = 4), b = 0.75 (raw 12, F = 4).
    for (op, out, want) in [
        ("add", "ap_fixed<10,5>", "72 0x1.2p+1 ok"),
        ("sub", "ap_fixed<10,5>", "24 0x1.8p-1 ok"),
        ("mul", "ap_fixed<10,5>", "36 0x1.2p+0 ok"),
        ("mul", "ap_fixed<6,3,AP_RND>", "9 0x1.2p+0 ok"),
        ("div", "ap_fixed<16,8>", "512 0x1p+1 ok"),
        ("mul", "ap_fixed<4,1,AP_RND,AP_SAT>", "7 0x1.cp-1 overflow"),
    ] {
        check(
            &["fixed", "op", op, "--a", a, "--b", b, "--out", out],
            "24 12\n",
            &[want],
        );
    }
    // Raw operands in hex (the raw bits) and negative decimals; ap's truncating division.
    check(
        &[
            "fixed",
            "op",
            "div",
            "--a",
            "ap_int<8>",
            "--b",
            "ap_int<8>",
            "--out",
            "ap_int<9>",
        ],
        "-7 2\n0xf9 0x02\n7 -2\n",
        &["-3 -0x1.8p+1 ok", "-3 -0x1.8p+1 ok", "-3 -0x1.8p+1 ok"],
    );
    // A sum whose exact type would need 193 bits.
    check(
        &[
            "fixed",
            "op",
            "sub",
            "--a",
            "ap_fixed<64,64>",
            "--b",
            "ap_fixed<64,-64>",
            "--out",
            "ap_fixed<16,8,AP_RND_CONV>",
        ],
        "3 1\n",
        &["768 0x1.8p+1 inexact"],
    );
}

#[test]
fn errors() {
    for (args, input, code, needle) in [
        (vec!["fixed"], "", 2, "needs a subcommand"),
        (vec!["fixed", "frob"], "", 2, "unknown fixed subcommand"),
        (vec!["fixed", "cast"], "", 2, "needs --type"),
        (
            vec!["fixed", "cast", "--type"],
            "",
            2,
            "--type needs a value",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<0,0>"],
            "",
            2,
            "width W must be 1 to 64",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<65,0>"],
            "",
            2,
            "got 65",
        ),
        (
            vec![
                "fixed",
                "cast",
                "--type",
                "ap_ufixed<8,2,AP_TRN,AP_WRAP_SM>",
            ],
            "",
            2,
            "AP_WRAP_SM needs a signed type",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<8,2,AP_FOO>"],
            "",
            2,
            "unknown quantization",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<8,2,AP_RND,AP_FOO>"],
            "",
            2,
            "unknown overflow",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<8,2,AP_RND,AP_WRAP,9>"],
            "",
            2,
            "saturation bits N",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<8,2,AC_RND_CONV_ODD>"],
            "",
            2,
            "unknown quantization",
        ),
        (
            vec!["fixed", "cast", "--type", "ac_fixed<8,2,maybe>"],
            "",
            2,
            "true or false",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<8,2>", "--a", "x"],
            "",
            2,
            "unknown option",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<8,2>", "1.5"],
            "",
            2,
            "unexpected argument",
        ),
        (
            vec![
                "fixed",
                "cast",
                "--type",
                "ap_fixed<8,2>",
                "--type",
                "ap_int<3>",
            ],
            "",
            2,
            "given twice",
        ),
        (
            vec!["fixed", "cast", "--type", "äp_fixed<8,2>"],
            "",
            2,
            "expected ap_fixed",
        ),
        (vec!["fixed", "op"], "", 2, "needs an operation"),
        (
            vec!["fixed", "op", "pow", "--a", "ap_int<8>"],
            "",
            2,
            "unknown fixed-point operation",
        ),
        (
            vec!["fixed", "op", "add", "--a", "ap_int<8>", "--b", "ap_int<8>"],
            "",
            2,
            "needs --out",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<8,2>"],
            "1.5\nx\n",
            1,
            "line 2",
        ),
        (
            vec!["fixed", "cast", "--type", "ap_fixed<8,2>"],
            "\n",
            1,
            "empty line",
        ),
        (
            vec![
                "fixed",
                "op",
                "add",
                "--a",
                "ap_int<8>",
                "--b",
                "ap_int<8>",
                "--out",
                "ap_int<8>",
            ],
            "1 2 3\n",
            1,
            "two raw operands",
        ),
        (
            vec![
                "fixed",
                "op",
                "add",
                "--a",
                "ap_int<8>",
                "--b",
                "ap_int<8>",
                "--out",
                "ap_int<8>",
            ],
            "128 1\n",
            1,
            "outside the raw range -128..=127",
        ),
        (
            vec![
                "fixed",
                "op",
                "div",
                "--a",
                "ap_int<8>",
                "--b",
                "ap_int<8>",
                "--out",
                "ap_int<8>",
            ],
            "1 0\n",
            1,
            "division by zero",
        ),
        (
            vec![
                "fixed",
                "op",
                "div",
                "--a",
                "ap_fixed<64,0>",
                "--b",
                "ap_fixed<64,0>",
                "--out",
                "ap_int<8>",
            ],
            "1 1\n",
            1,
            "129 bits",
        ),
    ] {
        let out = lowprec(&args, input.as_bytes());
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
    }
    let help = lowprec(&["help", "fixed"], b"");
    assert!(
        help.stdout
            .contains("lowprec fixed op OP --a TYPE --b TYPE --out TYPE")
    );
    let help = lowprec(&["fixed", "op", "add", "--help"], b"");
    assert!(help.stdout.contains("RAW VALUE FLAGS"));
}
