//! `lowprec fixed cast` and `lowprec fixed op`: fixed-point golden vectors, bit-exact with
//! ap_fixed / ap_int / ac_fixed.

use super::common::{
    CliError, MAX_NUMBER, MAX_NUMBER_LINE, Opt, Options, flags, number, run_lines, usage,
};
use lowprec::Status;
use lowprec::fixed::{FixedFormat, Wide};
use std::io::{BufRead, Write};

pub const HELP: &str = "\
lowprec fixed: fixed-point casts and arithmetic, bit-exact with ap_fixed and ac_fixed

Usage:
  lowprec fixed cast --type TYPE
  lowprec fixed op OP --a TYPE --b TYPE --out TYPE

TYPE is a C++ type: ap_fixed<W,I[,Q[,O[,N]]]>, ap_ufixed<...>, ap_int<W>, ap_uint<W>
or ac_fixed<W,I[,S[,Q[,O]]]> (quote it for the shell), with 1 <= W <= 64, any I
within +-8192, Q one of AP_TRN AP_TRN_ZERO AP_RND AP_RND_ZERO AP_RND_MIN_INF
AP_RND_INF AP_RND_CONV (ac_fixed: AC_... and AC_RND_CONV_ODD), O one of AP_SAT
AP_SAT_ZERO AP_SAT_SYM AP_WRAP AP_WRAP_SM (ac_fixed: AC_SAT AC_SAT_ZERO AC_SAT_SYM
AC_WRAP) and N (saturation bits of AP_WRAP/AP_WRAP_SM) at most W.

fixed cast: reads one real per line (taken exactly, as `lowprec round` reads them:
decimals, hex floats, inf, nan, signed zeros) and writes

    RAW VALUE FLAGS

  RAW    the raw integer of the result in decimal (value = RAW * 2^-(W-I))
  VALUE  its exact value as a hex float (0x1.8p+0, -0x1p-9, 0x0p+0)
  FLAGS  inexact (bits were rounded off), overflow (the overflow mode acted),
         invalid (NaN input, or a wrapped value whose low bits the input does not
         determine), joined by commas, or ok

Infinities and NaN are cast as the C++ headers cast the doubles inf and nan.

fixed op: OP is add, sub, mul or div. Reads two raw integers per line (decimal, or
0x-prefixed hex of the raw bits), the raw values of a of type --a and b of type
--b, computes a OP b exactly with ap_fixed's result type and writes the result
assigned to --out, as RAW VALUE FLAGS. div is ap_fixed's division: the quotient of
the raw integers (a scaled by 2^max(F_b,0)), truncated toward zero.

Errors: a bad line (not a number, a raw value outside its type, division by zero)
stops the run with `lowprec: line N: ...` and exit status 1; a bad option exits
with status 2.

Examples:
  $ printf '1.25\\n-1.25\\n' | lowprec fixed cast --type 'ap_fixed<3,2,AP_RND>'
  3 0x1.8p+0 inexact
  -2 -0x1p+0 inexact
  $ echo '-8 3' | lowprec fixed op mul --a 'ap_fixed<4,4>' --b 'ap_fixed<4,2>' --out 'ap_fixed<6,6,AP_RND,AP_SAT>'
  -6 -0x1.8p+2 ok
";

/// What `lowprec fixed` asks for.
#[derive(Debug, PartialEq)]
pub enum FixedCmd {
    Cast(FixedFormat),
    Op {
        op: Op,
        a: FixedFormat,
        b: FixedFormat,
        out: FixedFormat,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

fn parse_type(name: &str, what: &str) -> Result<FixedFormat, CliError> {
    name.parse()
        .map_err(|e| usage(format!("bad type {name:?} for {what}: {e}")))
}

/// Parses the arguments after `fixed`; `None` stands for the help text.
pub fn parse(args: &[String]) -> Result<Option<FixedCmd>, CliError> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(usage("fixed needs a subcommand: cast or op"));
    };
    let (op, rest) = match sub.as_str() {
        "-h" | "--help" => return Ok(None),
        "cast" => (None, rest),
        "op" => {
            let Some((name, rest)) = rest.split_first() else {
                return Err(usage("fixed op needs an operation: add, sub, mul or div"));
            };
            let op = match name.as_str() {
                "-h" | "--help" => return Ok(None),
                "add" => Op::Add,
                "sub" => Op::Sub,
                "mul" => Op::Mul,
                "div" => Op::Div,
                other => {
                    return Err(usage(format!(
                        "unknown fixed-point operation {other:?}: expected add, sub, mul or div"
                    )));
                }
            };
            (Some(op), rest)
        }
        other => {
            return Err(usage(format!(
                "unknown fixed subcommand {other:?}: expected cast or op"
            )));
        }
    };
    let known: &[Opt] = if op.is_some() {
        &[Opt::Value("--a"), Opt::Value("--b"), Opt::Value("--out")]
    } else {
        &[Opt::Value("--type")]
    };
    let options = Options::parse(rest, known, |arg| {
        Err(usage(format!(
            "unexpected argument {arg:?}: values are read from standard input"
        )))
    })?;
    let Some(options) = options else {
        return Ok(None);
    };
    match op {
        None => {
            let ty = options
                .value("--type")
                .ok_or_else(|| usage("fixed cast needs --type TYPE"))?;
            Ok(Some(FixedCmd::Cast(parse_type(ty, "--type")?)))
        }
        Some(op) => {
            let need = |n: &str| {
                options
                    .value(n)
                    .ok_or_else(|| usage(format!("fixed op needs {n} TYPE")))
                    .and_then(|t| parse_type(t, n))
            };
            Ok(Some(FixedCmd::Op {
                op,
                a: need("--a")?,
                b: need("--b")?,
                out: need("--out")?,
            }))
        }
    }
}

fn result_line(f: &FixedFormat, bits: u64, status: Status) -> String {
    format!("{} {} {}", f.raw_of(bits), f.to_exact(bits), flags(status))
}

/// One line of `fixed cast`.
pub fn cast_line(f: &FixedFormat, line: &str) -> Result<String, String> {
    let r = f.from_exact_with(&number(line)?);
    Ok(result_line(f, r.value, r.status))
}

/// A raw integer of type `f`: decimal (signed), or 0x-prefixed hex of the raw bits.
fn raw_arg(f: &FixedFormat, tok: &str, which: &str) -> Result<u64, String> {
    let bad = || format!("operand {which} {tok:?} is not a raw value of {f}");
    if let Some(hex) = tok.strip_prefix("0x").or_else(|| tok.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let v = u64::from_str_radix(hex, 16).map_err(|_| bad())?;
        if v & !f.mask() != 0 {
            return Err(format!(
                "operand {which} {tok} has more than the {} bits of {f}",
                f.width()
            ));
        }
        return Ok(v);
    }
    let body = tok.strip_prefix('-').unwrap_or(tok);
    if body.is_empty() || body.len() > 40 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let v: i128 = tok.parse().map_err(|_| bad())?;
    if v < f.min_raw() || v > f.max_raw() {
        return Err(format!(
            "operand {which} {tok} is outside the raw range {}..={} of {f}",
            f.min_raw(),
            f.max_raw()
        ));
    }
    Ok(f.bits_of(v))
}

/// One line of `fixed op`.
pub fn op_line(
    op: Op,
    fa: &FixedFormat,
    fb: &FixedFormat,
    out: &FixedFormat,
    line: &str,
) -> Result<String, String> {
    let toks: Vec<&str> = line.split_whitespace().collect();
    let [ta, tb] = toks[..] else {
        return Err(format!("expected two raw operands, got {}", toks.len()));
    };
    let a = Wide::from_bits(fa, raw_arg(fa, ta, "a")?);
    let b = Wide::from_bits(fb, raw_arg(fb, tb, "b")?);
    let r = match op {
        Op::Add => out.from_sum_with(&a, &b, false),
        Op::Sub => out.from_sum_with(&a, &b, true),
        Op::Mul => a.mul(&b).map_err(|e| e.to_string())?.cast_with(out),
        Op::Div => a.div(&b).map_err(|e| e.to_string())?.cast_with(out),
    };
    Ok(result_line(out, r.value, r.status))
}

/// Runs `lowprec fixed`.
pub fn run(
    cmd: &FixedCmd,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), CliError> {
    let too_long = format!("a line has at most {MAX_NUMBER} characters");
    let max = MAX_NUMBER_LINE;
    match cmd {
        FixedCmd::Cast(f) => run_lines(input, output, max, &too_long, |l| cast_line(f, l)),
        FixedCmd::Op { op, a, b, out } => run_lines(input, output, max, &too_long, |l| {
            op_line(*op, a, b, out, l)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> FixedFormat {
        s.parse().unwrap()
    }

    #[test]
    fn cast_lines() {
        let f = t("ap_fixed<3,2,AP_RND>");
        assert_eq!(cast_line(&f, "1.25").unwrap(), "3 0x1.8p+0 inexact");
        assert_eq!(cast_line(&f, " -1.25\r").unwrap(), "-2 -0x1p+0 inexact");
        assert_eq!(cast_line(&f, "1").unwrap(), "2 0x1p+0 ok");
        let s = t("ap_fixed<4,4,AP_TRN,AP_SAT>");
        assert_eq!(cast_line(&s, "19").unwrap(), "7 0x1.cp+2 overflow");
        assert_eq!(cast_line(&s, "nan").unwrap(), "7 0x1.cp+2 invalid,overflow");
        assert!(cast_line(&s, "").unwrap_err().starts_with("empty line"));
        assert!(
            cast_line(&s, "1,5")
                .unwrap_err()
                .contains("invalid character")
        );
    }

    #[test]
    fn op_lines() {
        let (a, b) = (t("ap_fixed<4,4>"), t("ap_fixed<4,2>"));
        let out = t("ap_fixed<6,6,AP_RND,AP_SAT>");
        assert_eq!(
            op_line(Op::Mul, &a, &b, &out, "-8 3").unwrap(),
            "-6 -0x1.8p+2 ok"
        );
        assert_eq!(
            op_line(Op::Add, &a, &b, &out, "0x8 0x3").unwrap(),
            "-7 -0x1.cp+2 inexact"
        );
        assert!(
            op_line(Op::Div, &a, &b, &out, "1 0")
                .unwrap_err()
                .contains("division by zero")
        );
        assert!(
            op_line(Op::Add, &a, &b, &out, "8 0")
                .unwrap_err()
                .contains("outside the raw range")
        );
        assert!(
            op_line(Op::Add, &a, &b, &out, "0x10 0")
                .unwrap_err()
                .contains("more than the 4 bits")
        );
        assert!(
            op_line(Op::Add, &a, &b, &out, "1")
                .unwrap_err()
                .contains("two raw operands")
        );
    }
}
