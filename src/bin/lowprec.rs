//! `lowprec`: the command-line golden-vector tool (feature `cli`).
//!
//! `lowprec round --format FMT …` rounds the numbers on standard input (one a line, taken
//! exactly) into a format and prints each result's code, exact value and status flags;
//! `lowprec op OP --format FMT …` applies a correctly rounded operation (add, sub, mul,
//! div, fma, sqrt, an elementary function of `lowprec::math` such as exp, log, sin or pow,
//! or the approximate L-Mul) to the operand codes on each line and prints the result's
//! code and flags; `lowprec formats` prints the presets and their parameters. `lowprec --help`
//! says more.

use lowprec::float::Exact;
use lowprec::lmul::{LMul, Mode as LmulMode};
use lowprec::math::{Binary, Unary};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};
use std::ffi::OsString;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

#[path = "lowprec/block.rs"]
mod block;
#[path = "lowprec/common.rs"]
mod common;
#[path = "lowprec/fixed.rs"]
mod fixed;
#[path = "lowprec/nn.rs"]
mod nn;
#[path = "lowprec/nn_hls4ml.rs"]
mod nn_hls4ml;

use common::{CliError, MAX_NUMBER, MAX_NUMBER_LINE, Opt, Options, flags, run_lines, table, usage};

const USAGE: &str = "\
lowprec: exact low-precision floating-point rounding, as golden vectors

Usage:
  lowprec round --format FMT [--rounding MODE] [--overflow POLICY] [--seed N] [--random-bits N]
  lowprec op OP --format FMT [--rounding MODE] [--overflow POLICY] [--seed N] [--random-bits N]
  lowprec op lmul --format FMT [--lmul-mode paper|guarded] [--k K] [--overflow POLICY]
  lowprec formats [--hex] [FMT...]
  lowprec block quantize|dequantize --format NAME [...]
  lowprec block formats [NAME...]
  lowprec fixed cast --type TYPE
  lowprec fixed op OP --a TYPE --b TYPE --out TYPE
  lowprec nn softmax|layernorm|dense|gelu ... [--compat hls4ml]
  lowprec hls-tables softmax|layernorm|gelu ... [--name NAME]
  lowprec help [COMMAND]
  lowprec --version

Commands:
  round     round the numbers on standard input (one a line) into a format
  op        add, sub, mul, div, fma, sqrt, an elementary function (exp, log, sin,
            pow, ...) or lmul on the operand codes on standard input
  formats   list the preset formats (or the named ones) and their parameters
  block     block-scaled formats (OCP MX, NVFP4, block floating point): values to
            scale and element codes, and back
  fixed     fixed-point casts and add, sub, mul, div, bit-exact with ap_fixed/ac_fixed
  nn        quantized-transformer kernels (softmax, layer norm, dense, GELU) on raw
            fixed-point vectors, bit-exact with their HLS C++ or with hls4ml's
  hls-tables  the C++ configuration header (types and lookup tables) of a kernel

`lowprec COMMAND --help` describes a command. Exit status: 0 on success, 1 for a bad
input line, 2 for a bad command line.
";

const ROUND_HELP: &str = "\
lowprec round: round numbers into a floating-point format, each exactly and once

Usage: lowprec round --format FMT [--rounding MODE] [--overflow POLICY] [--seed N] [--random-bits N]

Reads one number per line from standard input and writes one line per number:

    CODE VALUE FLAGS

  CODE   the result's bit pattern: 0x and lowercase hex, zero-padded to the format's
         width (2 digits for 8-bit formats, 4 for fp16 and bf16, 1 for e2m1)
  VALUE  the exact value of CODE as a hex float: 0x1.cp+8, -0x1p-9, 0x0p+0, -0x0p+0,
         inf, -inf, nan, -nan
  FLAGS  the IEEE status flags raised, joined by commas (invalid, divbyzero, overflow,
         underflow, inexact; underflow means tiny after rounding and inexact), or ok

Numbers are read exactly, never through a binary64: decimals (464, 0.1, -1.5e-7,
1e-400, 2.5e+4000), hex floats (-0x1.8p-3, 0x.8p1), inf, -inf, nan, +0, -0, letters
in either case. Spaces, tabs and a carriage return around a number are ignored.
Digit strings and exponents may have any length, up to 1000000 characters a line:
values beyond every format's range round as they must, 1e999999999999 overflowing
and 1e-400000000 underflowing.

Options (also written --name=value):
  --format FMT       the target format (required): a preset (`lowprec formats`),
                     binary{K}p{P}{s|u}{e|f}, or e{E}m{M} followed by any of
                     :fn :fnuz :finite :p3109e :p3109f :nozero :unsigned :nosub :bias=B
  --rounding MODE    rne  nearest, ties to even (default)   rup  toward +inf
                     rna  nearest, ties away from zero      rdn  toward -inf
                     rnz  nearest, ties toward zero         rtz  toward zero
                     rnu  nearest, ties toward +inf         rto  round to odd
                     rnd  nearest, ties toward -inf         rno  nearest, ties to odd
                     sr        stochastic, probability proportional to the distance
                     sr-equal  stochastic, probability 1/2
                     sr-a sr-b sr-c  IEEE P3109 stochastic rounding, variants A, B, C
  --overflow POLICY  ieee          overflow gives inf, or NaN where the format has no
                                   inf; directed modes toward zero give max (default)
                     satfinite     overflow and inf give max finite
                     satpropagate  overflow gives max finite, inf stays inf
  --seed N           seed of the SplitMix64 generator (default 0). Stochastic modes
                     draw from it in input order, so the output is reproducible.
  --random-bits N    random bits per stochastic rounding, 1 to 64 (default 64;
                     sr-equal draws one)
  -h, --help         this help
Deterministic modes ignore --seed and --random-bits.

Errors: a line that is empty or not a number stops the run with `lowprec: line N:
...` on standard error and exit status 1; the results of the lines before it have
been written. A bad option exits with status 2.

Example:
  $ printf '464\\n465\\n0.1\\n' | lowprec round --format e4m3fn
  0x7e 0x1.cp+8 inexact
  0x7f nan overflow,inexact
  0x1d 0x1.ap-4 inexact
";

const OP_HELP: &str = "\
lowprec op: correctly rounded arithmetic on the codes of a floating-point format

Usage: lowprec op OP --format FMT [--rounding MODE] [--overflow POLICY] [--seed N] [--random-bits N]

OP is one of
  add  a + b          mul  a * b          fma   a * b + c, rounded once
  sub  a - b          div  a / b          sqrt  the square root of a
  an elementary function, correctly rounded in every format and mode:
    exp exp2 exp10 expm1       e^a, 2^a, 10^a, e^a - 1
    log log2 log10 log1p       ln a, log2 a, log10 a, ln(1 + a)
    rsqrt                      1 / sqrt(a)
    sin cos tan asin acos atan the trigonometric functions and their inverses
                               (radians)
    sinh cosh tanh asinh acosh atanh
                               the hyperbolic functions and their inverses
    erf erfc                   the error function and 1 - erf a
    pow    a^b (IEEE 754 pow)  atan2  the angle of the point (b, a): atan2(y = a, x = b)
    hypot  sqrt(a^2 + b^2)
    pown   a^n                 rootn  a^(1/n), for an integer n
  lmul a * b approximated by L-Mul (Luo & Sun 2024): |a| + |b| - C as integers
       (see `L-Mul` below; not a correctly rounded operation)

Reads one operation per line from standard input: the operand codes (bit patterns of
the format) in hex, with or without 0x, separated by spaces or tabs: two codes for
add, sub, mul, div, pow, atan2 and hypot, three for fma, one for sqrt and the
one-argument functions; for pown and rootn, one code and then the integer n in
decimal (-9223372036854775808 to 9223372036854775807). Writes one line per operation:

    CODE FLAGS

  CODE   the result's bit pattern: 0x and lowercase hex, zero-padded to the format's
         width, as `lowprec round` writes it
  FLAGS  the IEEE status flags raised, joined by commas (invalid, divbyzero, overflow,
         underflow, inexact; underflow means tiny after rounding and inexact), or ok

Each result is the exact result rounded once. A NaN result is the format's canonical
NaN; a signaling NaN operand raises invalid. Dividing a finite nonzero value by zero
raises divbyzero and gives inf (or what --overflow makes of inf). The functions
follow IEEE 754 (section 9.2): an exact infinity from finite operands (log 0,
atanh 1, pow(0, -1), ...) raises divbyzero; an argument outside the domain (log of a
negative, asin 2, ...) raises invalid and gives NaN.

Options (also written --name=value):
  --format FMT       the format of the operands and the result (required), as for
                     `lowprec round`: a preset (`lowprec formats`),
                     binary{K}p{P}{s|u}{e|f}, or e{E}m{M}[:...]
  --rounding MODE    rne (default) rna rnz rnu rnd rno rtz rup rdn rto, or the
                     stochastic sr sr-equal sr-a sr-b sr-c (`lowprec round --help`)
  --overflow POLICY  ieee (default), satfinite or satpropagate
  --seed N           seed of the SplitMix64 generator (default 0). Stochastic modes
                     draw from it in input order, one draw per rounding that
                     discards bits (exact results draw nothing).
  --random-bits N    random bits per stochastic rounding, 1 to 64 (default 64)
  -h, --help         this help

L-Mul (op lmul) takes two codes and ignores --rounding, --seed and --random-bits:
  --lmul-mode paper  the paper's integer form |a| + |b| - C modulo 2^(E+M), sign XOR,
                     with no special cases (default; fp32 0 * 0 = 4.25)
  --lmul-mode guarded  zero and subnormal operands give +-0, results below the
                     smallest normal give +-0 (underflow,inexact), results above the
                     largest finite follow --overflow, NaN and inf propagate
  --k K              keep the first K fraction bits of each operand (truncation) and
                     use the offset 2^-l(K) (default: all fraction bits)
  C = (bias << M) - 2^(M - l), l(m) = m for m <= 3, 3 for m = 4, 4 above.

Errors: a line that is empty, holds the wrong number of codes, a code that is not
hex, or a code wider than the format stops the run with `lowprec: line N: ...` on
standard error and exit status 1; the results of the lines before it have been
written. A bad option exits with status 2.

Example (E4M3FN: 0x7e = 448, 0x58 = 16, 0x59 = 18, 0x38 = 1, 0x00 = 0):
  $ printf '7e 58\\n0x7e 0x59\\n38 0\\n' | lowprec op add --format e4m3fn
  0x7e inexact
  0x7f overflow,inexact
  0x38 ok
";

const FORMATS_HELP: &str = "\
lowprec formats: list formats and their parameters

Usage: lowprec formats [--hex] [FMT...]

Without FMT, lists every preset; with FMT (a preset, binary{K}p{P}{s|u}{e|f} or
e{E}m{M}[:...] as in `lowprec round --help`), lists those formats. Columns:

  name       the format's canonical name (it parses back to the same format)
  exp, man   exponent and stored fraction bits
  bias       exponent bias
  specials   ieee (inf and NaN at the top exponent), fn (no inf, NaN only at all ones),
             fnuz (no inf, no -0, NaN at 0x80..), finite (no inf, no NaN), p3109e /
             p3109f (IEEE P3109 extended / finite), nozero (E8M0 style)
  sub        whether the format has subnormals
  signed     whether the format has a sign bit
  max, min normal, min subnormal, epsilon
             the largest finite value, the smallest positive normal and subnormal
             (- without subnormals) values, and 2^-man; shown as the shortest decimal
             that reads back as the same binary64, or as an exact hex float where no
             binary64 holds the value

Options:
  --hex      show every value as an exact hex float
  -h, --help this help
";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    /// Print this text to standard output.
    Help(&'static str),
    Version,
    Round(RoundConfig),
    Op(OpConfig),
    Formats {
        names: Vec<(String, FloatFormat)>,
        hex: bool,
    },
    Block(block::BlockCmd),
    Fixed(fixed::FixedCmd),
    Nn(nn::NnCmd),
    Tables(nn::TablesCmd),
}

/// The settings of `lowprec round`.
#[derive(Debug, PartialEq)]
struct RoundConfig {
    format: FloatFormat,
    rounding: Rounding,
    overflow: Overflow,
    seed: u64,
}

/// The operations of `lowprec op`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Fma,
    Sqrt,
    Lmul,
    /// A one-argument function of `lowprec::math`.
    Unary(Unary),
    /// A two-argument function of `lowprec::math`.
    Binary(Binary),
    /// a^n: a code and an integer.
    Pown,
    /// a^(1/n): a code and an integer.
    Rootn,
}

impl Op {
    /// The arithmetic operations (the functions are named by `lowprec::math`).
    const ARITH: [(&'static str, Op); 7] = [
        ("add", Op::Add),
        ("sub", Op::Sub),
        ("mul", Op::Mul),
        ("div", Op::Div),
        ("fma", Op::Fma),
        ("sqrt", Op::Sqrt),
        ("lmul", Op::Lmul),
    ];

    fn parse(name: &str) -> Option<Op> {
        let arith = Op::ARITH
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, op)| op);
        arith
            .or_else(|| Unary::from_name(name).map(Op::Unary))
            .or_else(|| Binary::from_name(name).map(Op::Binary))
            .or(match name {
                "pown" => Some(Op::Pown),
                "rootn" => Some(Op::Rootn),
                _ => None,
            })
    }

    fn name(self) -> &'static str {
        match self {
            Op::Unary(f) => f.name(),
            Op::Binary(f) => f.name(),
            Op::Pown => "pown",
            Op::Rootn => "rootn",
            _ => Op::ARITH
                .iter()
                .find(|(_, o)| *o == self)
                .map_or("", |(n, _)| n),
        }
    }

    /// The number of operands (for pown and rootn, the code and n).
    fn arity(self) -> usize {
        match self {
            Op::Sqrt | Op::Unary(_) => 1,
            Op::Fma => 3,
            _ => 2,
        }
    }

    /// Whether the second operand is an integer n rather than a code.
    fn takes_n(self) -> bool {
        matches!(self, Op::Pown | Op::Rootn)
    }

    /// Every operation, for messages: the arithmetic, the functions, L-Mul.
    fn list() -> String {
        let functions: Vec<&str> = Unary::ALL
            .iter()
            .map(|f| f.name())
            .chain(Binary::ALL.iter().map(|f| f.name()))
            .chain(["pown", "rootn"])
            .collect();
        format!(
            "add, sub, mul, div, fma or sqrt (correctly rounded), a function ({}), or lmul (L-Mul)",
            functions.join(", ")
        )
    }
}

/// The settings of `lowprec op`.
#[derive(Debug, PartialEq)]
struct OpConfig {
    op: Op,
    /// The format, rounding, overflow policy and seed, as for `round`.
    round: RoundConfig,
    /// For `lmul`: the mode and the fraction bits kept (`None`: all).
    lmul: (LmulMode, Option<u32>),
}

/// Parses the arguments after the program name.
fn parse_args(args: &[String]) -> Result<Command, CliError> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(usage(
            "missing command: round, op, formats, block, fixed, nn, hls-tables or help",
        ));
    };
    match cmd.as_str() {
        "-h" | "--help" => Ok(Command::Help(USAGE)),
        "-V" | "--version" => Ok(Command::Version),
        "help" => match rest.first().map(String::as_str) {
            None => Ok(Command::Help(USAGE)),
            Some("round") => Ok(Command::Help(ROUND_HELP)),
            Some("op") => Ok(Command::Help(OP_HELP)),
            Some("formats") => Ok(Command::Help(FORMATS_HELP)),
            Some("block") => Ok(Command::Help(block::HELP)),
            Some("fixed") => Ok(Command::Help(fixed::HELP)),
            Some("nn") => Ok(Command::Help(nn::HELP)),
            Some("hls-tables") => Ok(Command::Help(nn::TABLES_HELP)),
            Some(other) => Err(usage(format!("no help for unknown command {other:?}"))),
        },
        "round" => parse_round(rest),
        "op" => parse_op(rest),
        "formats" => parse_formats(rest),
        "block" => Ok(match block::parse(rest)? {
            Some(cmd) => Command::Block(cmd),
            None => Command::Help(block::HELP),
        }),
        "fixed" => Ok(match fixed::parse(rest)? {
            Some(cmd) => Command::Fixed(cmd),
            None => Command::Help(fixed::HELP),
        }),
        "nn" => Ok(match nn::parse(rest)? {
            Some(cmd) => Command::Nn(cmd),
            None => Command::Help(nn::HELP),
        }),
        "hls-tables" => Ok(match nn::parse_tables(rest)? {
            Some(cmd) => Command::Tables(cmd),
            None => Command::Help(nn::TABLES_HELP),
        }),
        other => Err(usage(format!(
            "unknown command {other:?}: expected round, op, formats, block, fixed, nn, hls-tables or help"
        ))),
    }
}

fn parse_format(name: &str) -> Result<FloatFormat, CliError> {
    name.parse()
        .map_err(|e| usage(format!("bad format {name:?}: {e}")))
}

/// The options of `round` and `op`.
const SETTINGS: [Opt; 7] = [
    Opt::Value("--format"),
    Opt::Value("--rounding"),
    Opt::Value("--overflow"),
    Opt::Value("--seed"),
    Opt::Value("--random-bits"),
    Opt::Value("--lmul-mode"),
    Opt::Value("--k"),
];

fn parse_round(args: &[String]) -> Result<Command, CliError> {
    let options = Options::parse(args, &SETTINGS, |arg| {
        Err(usage(format!(
            "unexpected argument {arg:?}: numbers are read from standard input"
        )))
    })?;
    match options {
        None => Ok(Command::Help(ROUND_HELP)),
        Some(options) => {
            lmul_options(&options, false)?;
            Ok(Command::Round(settings(&options, "round")?))
        }
    }
}

fn parse_op(args: &[String]) -> Result<Command, CliError> {
    let ops = Op::list();
    let mut op = None;
    let options = Options::parse(args, &SETTINGS, |arg| {
        if op.is_some() {
            return Err(usage(format!(
                "unexpected argument {arg:?}: operand codes are read from standard input"
            )));
        }
        op = Some(
            Op::parse(arg)
                .ok_or_else(|| usage(format!("unknown operation {arg:?}: expected {ops}")))?,
        );
        Ok(())
    })?;
    let Some(options) = options else {
        return Ok(Command::Help(OP_HELP));
    };
    let op = op.ok_or_else(|| usage(format!("op needs an operation: {ops}")))?;
    let lmul = lmul_options(&options, op == Op::Lmul)?;
    Ok(Command::Op(OpConfig {
        op,
        round: settings(&options, "op")?,
        lmul,
    }))
}

/// Parses --lmul-mode and --k, which only `op lmul` takes (`allowed`).
fn lmul_options(options: &Options, allowed: bool) -> Result<(LmulMode, Option<u32>), CliError> {
    if !allowed {
        if options.has("--lmul-mode") || options.has("--k") {
            return Err(usage("--lmul-mode and --k are options of `op lmul` only"));
        }
        return Ok((LmulMode::PaperExact, None));
    }
    let mode = match options.value("--lmul-mode") {
        None => LmulMode::PaperExact,
        Some(m) => m.parse().map_err(|_| {
            usage(format!(
                "unknown L-Mul mode {m:?}: expected paper or guarded"
            ))
        })?,
    };
    let k = match options.value("--k") {
        None => None,
        Some(k) => Some(k.parse::<u32>().ok().filter(|&k| k <= 52).ok_or_else(|| {
            usage(format!(
                "--k must be a number of fraction bits 0 to 52, got {k:?}"
            ))
        })?),
    };
    Ok((mode, k))
}

/// Checks and parses the format, rounding, overflow and seed options for the command `cmd`.
fn settings(options: &Options, cmd: &str) -> Result<RoundConfig, CliError> {
    let format = parse_format(
        options
            .value("--format")
            .ok_or_else(|| usage(format!("{cmd} needs --format FMT")))?,
    )?;
    let (rounding, overflow, seed) = rounding_options(options)?;
    Ok(RoundConfig {
        format,
        rounding,
        overflow,
        seed,
    })
}

/// Checks and parses the rounding options shared by the commands that round:
/// `--rounding` (with `--random-bits` for the stochastic modes), `--overflow` and `--seed`.
fn rounding_options(options: &Options) -> Result<(Rounding, Overflow, u64), CliError> {
    let bits = match options.value("--random-bits") {
        None => 64,
        Some(b) => match b.parse::<u8>() {
            Ok(n @ 1..=64) => n,
            _ => return Err(usage(format!("--random-bits must be 1 to 64, got {b:?}"))),
        },
    };
    let rounding = match options.value("--rounding") {
        None => Rounding::TiesToEven,
        Some(r) => Rounding::parse_with_bits(r, bits).map_err(|_| {
            usage(format!(
                "unknown rounding mode {r:?}: expected rne rna rnz rnu rnd rno rtz rup rdn rto sr sr-equal sr-a sr-b sr-c"
            ))
        })?,
    };
    let overflow = match options.value("--overflow") {
        None => Overflow::Ieee,
        Some(o) => o.parse().map_err(|_| {
            usage(format!(
                "unknown overflow policy {o:?}: expected ieee, satfinite or satpropagate"
            ))
        })?,
    };
    let seed = match options.value("--seed") {
        None => 0,
        Some(s) => parse_u64(s)
            .ok_or_else(|| usage(format!("--seed must be an integer 0 to 2^64-1, got {s:?}")))?,
    };
    Ok((rounding, overflow, seed))
}

/// A decimal, or 0x-prefixed hex, u64.
fn parse_u64(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) if !hex.starts_with('+') => u64::from_str_radix(hex, 16).ok(),
        None if !s.starts_with('+') => s.parse().ok(),
        _ => None,
    }
}

fn parse_formats(args: &[String]) -> Result<Command, CliError> {
    let mut names = Vec::new();
    let options = Options::parse(args, &[Opt::Flag("--hex")], |arg| {
        let f = parse_format(arg)?;
        names.push((f.to_string(), f));
        Ok(())
    })?;
    let Some(options) = options else {
        return Ok(Command::Help(FORMATS_HELP));
    };
    let hex = options.has("--hex");
    if names.is_empty() {
        names = FloatFormat::PRESETS
            .iter()
            .map(|(n, f)| (n.to_string(), *f))
            .collect();
    }
    Ok(Command::Formats { names, hex })
}

/// Rounds one input line (without its newline) into `cfg.format`; the output line
/// without its newline, or what is wrong with the input.
fn round_line<R: RandomBits>(cfg: &RoundConfig, line: &str, rng: &mut R) -> Result<String, String> {
    let x = common::number(line)?;
    let r = cfg
        .format
        .round(x, Round::new(cfg.rounding, cfg.overflow), rng);
    let digits = cfg.format.width().div_ceil(4) as usize;
    Ok(format!(
        "{:#0w$x} {} {}",
        r.value,
        cfg.format.decode(r.value),
        flags(r.status),
        w = digits + 2
    ))
}

/// The longest operand line of `lowprec op`, in bytes without its newline.
const MAX_OP_LINE: usize = 4096;

/// Parses one hex operand code of `fmt` (`index` counts from 1, for messages).
fn parse_code(fmt: &FloatFormat, token: &str, index: usize) -> Result<u64, String> {
    let digits = token
        .strip_prefix("0x")
        .or_else(|| token.strip_prefix("0X"))
        .unwrap_or(token);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        let shown: String = token.chars().take(40).collect();
        let more = if shown.len() < token.len() { "..." } else { "" };
        return Err(format!(
            "operand {index}: {shown:?}{more} is not a hex code (hex digits, with or without 0x)"
        ));
    }
    let significant = digits.trim_start_matches('0');
    let code = if significant.len() > 16 {
        None
    } else {
        u64::from_str_radix(significant, 16)
            .ok()
            .or(significant.is_empty().then_some(0))
    };
    match code {
        Some(c) if c & !fmt.code_mask() == 0 => Ok(c),
        _ => {
            let shown: String = significant.chars().take(20).collect();
            let more = if shown.len() < significant.len() {
                "..."
            } else {
                ""
            };
            Err(format!(
                "operand {index}: code 0x{shown}{more} is wider than the {}-bit format {}",
                fmt.width(),
                fmt
            ))
        }
    }
}

/// Parses the integer n of pown and rootn: decimal, with an optional minus sign.
fn parse_n(token: &str) -> Result<i64, String> {
    let digits = token.strip_prefix('-').unwrap_or(token);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let shown: String = token.chars().take(40).collect();
        let more = if shown.len() < token.len() { "..." } else { "" };
        return Err(format!(
            "operand 2: {shown:?}{more} is not an integer n (decimal digits, optionally after -)"
        ));
    }
    token.parse().map_err(|_| {
        let shown: String = token.chars().take(40).collect();
        let more = if shown.len() < token.len() { "..." } else { "" };
        format!("operand 2: n = {shown}{more} lies outside -2^63 to 2^63-1")
    })
}

/// Applies `cfg.op` to the operand codes on one input line (without its newline); the
/// output line without its newline, or what is wrong with the input.
fn op_line<R: RandomBits>(cfg: &OpConfig, line: &str, rng: &mut R) -> Result<String, String> {
    let (op, c) = (cfg.op, &cfg.round);
    let f = &c.format;
    let n = op.arity();
    let what = match n {
        _ if op.takes_n() => "an operand code and an integer n".to_string(),
        1 => "1 operand code".to_string(),
        n => format!("{n} operand codes"),
    };
    let text = line.trim_matches([' ', '\t', '\r']);
    if text.is_empty() {
        return Err(format!(
            "empty line: every line must hold {what} for {}",
            op.name()
        ));
    }
    let tokens: Vec<&str> = text.split([' ', '\t']).filter(|t| !t.is_empty()).collect();
    if tokens.len() != n {
        return Err(format!(
            "expected {what} for {}, got {}",
            op.name(),
            tokens.len()
        ));
    }
    let mut x = [0u64; 3];
    let mut int_n = 0i64;
    for (i, t) in tokens.iter().enumerate() {
        if i == 1 && op.takes_n() {
            int_n = parse_n(t)?;
        } else {
            x[i] = parse_code(f, t, i + 1)?;
        }
    }
    let (mode, ov) = (c.rounding, c.overflow);
    let r = match op {
        Op::Add => f.add_with(x[0], x[1], Round::new(mode, ov), rng),
        Op::Sub => f.sub_with(x[0], x[1], Round::new(mode, ov), rng),
        Op::Mul => f.mul_with(x[0], x[1], Round::new(mode, ov), rng),
        Op::Div => f.div_with(x[0], x[1], Round::new(mode, ov), rng),
        Op::Fma => f.fma_with(x[0], x[1], x[2], Round::new(mode, ov), rng),
        Op::Sqrt => f.sqrt_with(x[0], Round::new(mode, ov), rng),
        Op::Unary(g) => f.unary_with(g, x[0], Round::new(mode, ov), rng),
        Op::Binary(g) => f.binary_with(g, x[0], x[1], Round::new(mode, ov), rng),
        Op::Pown => f.pown_with(x[0], int_n, Round::new(mode, ov), rng),
        Op::Rootn => f.rootn_with(x[0], int_n, Round::new(mode, ov), rng),
        Op::Lmul => {
            let (lmul_mode, k) = cfg.lmul;
            let lm = LMul::new(*f, lmul_mode, ov).with_k(k.unwrap_or(f.man_bits()));
            lm.mul_with(x[0], x[1])
        }
    };
    let digits = f.width().div_ceil(4) as usize;
    Ok(format!(
        "{:#0w$x} {}",
        r.value,
        flags(r.status),
        w = digits + 2
    ))
}

/// `lowprec round`: every line of `input` to a line of `output`.
fn run_round(
    cfg: &RoundConfig,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), CliError> {
    let mut rng = SplitMix64::new(cfg.seed);
    let too_long = format!("a number has at most {MAX_NUMBER} characters");
    run_lines(input, output, MAX_NUMBER_LINE, &too_long, |line| {
        round_line(cfg, line, &mut rng)
    })
}

/// `lowprec op`: every line of `input` to a line of `output`.
fn run_op(cfg: &OpConfig, input: &mut dyn BufRead, output: &mut dyn Write) -> Result<(), CliError> {
    let mut rng = SplitMix64::new(cfg.round.seed);
    let too_long = format!("an operand line has at most {MAX_OP_LINE} bytes");
    run_lines(input, output, MAX_OP_LINE, &too_long, |line| {
        op_line(cfg, line, &mut rng)
    })
}

/// A value for the formats table: the shortest decimal that reads back as the same f64
/// when an f64 holds it exactly, otherwise (or with `hex`) the exact hex float.
fn show(x: Exact, hex: bool) -> String {
    let r = FloatFormat::FP64.round(x, Round::NEAREST_EVEN, &mut SplitMix64::new(0));
    if hex || !r.status.is_ok() {
        return x.to_string();
    }
    let v = f64::from_bits(r.value);
    if v == 0.0 || (1e-4..1e7).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// The `lowprec formats` table.
fn formats_table(names: &[(String, FloatFormat)], hex: bool) -> String {
    let head = [
        "name",
        "exp",
        "man",
        "bias",
        "specials",
        "sub",
        "signed",
        "max",
        "min normal",
        "min subnormal",
        "epsilon",
    ];
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    let rows: Vec<Vec<String>> = names
        .iter()
        .map(|(name, f)| {
            let specials = match f.specials() {
                lowprec::float::Specials::Ieee => "ieee",
                lowprec::float::Specials::FiniteNan => "fn",
                lowprec::float::Specials::Fnuz => "fnuz",
                lowprec::float::Specials::Finite => "finite",
                lowprec::float::Specials::P3109 { extended: true } => "p3109e",
                lowprec::float::Specials::P3109 { extended: false } => "p3109f",
                lowprec::float::Specials::NoZero => "nozero",
            };
            let m = f.man_bits();
            let min_normal = if f.has_zero() { 1u64 << m } else { 0 };
            let min_sub = if f.has_subnormals() {
                show(f.decode(1), hex)
            } else {
                "-".into()
            };
            vec![
                name.clone(),
                f.exp_bits().to_string(),
                m.to_string(),
                f.bias().to_string(),
                specials.to_string(),
                yes(f.has_subnormals()),
                yes(f.is_signed()),
                show(f.decode(f.max_mag()), hex),
                show(f.decode(min_normal), hex),
                min_sub,
                show(Exact::from_parts(false, 1, -(m as i32)), hex),
            ]
        })
        .collect();
    // Text columns align left, numbers right.
    table(&head, &rows, |i| i == 0 || i == 4)
}

/// Runs the command line `args` (without the program name) on `input` and `output`.
fn run(
    args: Vec<OsString>,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), CliError> {
    let args = args
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            a.into_string()
                .map_err(|_| usage(format!("argument {} is not valid UTF-8", i + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let write_err = |e| CliError::Io("writing standard output", e);
    match parse_args(&args)? {
        Command::Help(text) => output.write_all(text.as_bytes()).map_err(write_err),
        Command::Version => {
            writeln!(output, "lowprec {}", env!("CARGO_PKG_VERSION")).map_err(write_err)
        }
        Command::Formats { names, hex } => output
            .write_all(formats_table(&names, hex).as_bytes())
            .map_err(write_err),
        Command::Round(cfg) => {
            let result = run_round(&cfg, input, output);
            // The lines before a bad one are written before the error is reported.
            let flushed = output.flush().map_err(write_err);
            result.and(flushed)
        }
        Command::Op(cfg) => {
            let result = run_op(&cfg, input, output);
            let flushed = output.flush().map_err(write_err);
            result.and(flushed)
        }
        Command::Block(cmd) => {
            let result = block::run(&cmd, input, output);
            let flushed = output.flush().map_err(write_err);
            result.and(flushed)
        }
        Command::Fixed(cmd) => {
            let result = fixed::run(&cmd, input, output);
            let flushed = output.flush().map_err(write_err);
            result.and(flushed)
        }
        Command::Tables(cmd) => nn::run_tables(&cmd, output),
        Command::Nn(cmd) => {
            let result = nn::run(&cmd, input, output);
            let flushed = output.flush().map_err(write_err);
            result.and(flushed)
        }
    }
}

fn main() -> ExitCode {
    let mut output = io::BufWriter::new(io::stdout().lock());
    let result = run(
        std::env::args_os().skip(1).collect(),
        &mut io::stdin().lock(),
        &mut output,
    );
    let result = result.and_then(|()| {
        output
            .flush()
            .map_err(|e| CliError::Io("writing standard output", e))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`lowprec round … | head`) is the reader's choice, not an error.
        Err(CliError::Io(_, e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lowprec: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn round_cfg(s: &str) -> RoundConfig {
        match parse_args(&args(s)) {
            Ok(Command::Round(c)) => c,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn parses_round_options() {
        let c = round_cfg("round --format e4m3fn");
        assert_eq!(
            (c.format, c.rounding, c.overflow, c.seed),
            (FloatFormat::E4M3FN, Rounding::TiesToEven, Overflow::Ieee, 0)
        );
        let c = round_cfg(
            "round --rounding=sr-a --random-bits 3 --seed 0x10 --overflow satfinite --format=bf16",
        );
        assert_eq!(c.format, FloatFormat::BF16);
        assert_eq!(c.rounding, Rounding::parse_with_bits("sr-a", 3).unwrap());
        assert_eq!((c.overflow, c.seed), (Overflow::SatFinite, 16));
    }

    #[test]
    fn rejects_bad_command_lines() {
        for (line, needle) in [
            ("", "missing command"),
            ("frobnicate", "unknown command"),
            ("round", "needs --format"),
            ("round --format", "--format needs a value"),
            ("round --format e9m99", "bad format \"e9m99\""),
            ("round --format fp16 --format fp16", "given twice"),
            (
                "round --format fp16 --rounding up",
                "unknown rounding mode \"up\"",
            ),
            (
                "round --format fp16 --overflow wrap",
                "unknown overflow policy \"wrap\"",
            ),
            ("round --format fp16 --seed -1", "--seed must be"),
            (
                "round --format fp16 --random-bits 0",
                "--random-bits must be 1 to 64",
            ),
            (
                "round --format fp16 --random-bits 65",
                "--random-bits must be 1 to 64",
            ),
            (
                "round --format fp16 --bogus 1",
                "unknown option \"--bogus\"",
            ),
            ("round --format fp16 1.5", "unexpected argument \"1.5\""),
            ("formats --bogus", "unknown option"),
            ("formats e99m1", "bad format"),
            ("help nothing", "no help"),
        ] {
            match parse_args(&args(line)) {
                Err(e @ CliError::Usage(_)) => {
                    assert!(e.to_string().contains(needle), "{line}: {e}");
                    assert_eq!(e.exit_code(), 2);
                }
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    #[test]
    fn round_lines() {
        let c = round_cfg("round --format e4m3fn");
        let mut rng = SplitMix64::new(0);
        let mut r = |s: &str| round_line(&c, s, &mut rng);
        assert_eq!(r("464").as_deref(), Ok("0x7e 0x1.cp+8 inexact"));
        assert_eq!(r("  -0x1.8p-3\r").as_deref(), Ok("0xa4 -0x1.8p-3 ok"));
        assert!(r("").unwrap_err().starts_with("empty line"));
        assert!(r(" \t ").unwrap_err().starts_with("empty line"));
        assert!(r("1,5").unwrap_err().contains("invalid character ','"));
    }

    #[test]
    fn parses_op_options() {
        let Ok(Command::Op(c)) = parse_args(&args("op --seed=7 fma --format e5m2 --rounding rup"))
        else {
            panic!()
        };
        assert_eq!((c.op, c.op.arity()), (Op::Fma, 3));
        assert_eq!(
            (c.round.format, c.round.rounding, c.round.seed),
            (FloatFormat::E5M2, Rounding::TowardPositive, 7)
        );
        for (name, op) in Op::ARITH {
            assert_eq!(Op::parse(name), Some(op));
            assert_eq!(op.name(), name);
        }
        // Every function of lowprec::math is an operation, and the help names it.
        let functions = Unary::ALL
            .iter()
            .map(|f| (f.name(), Op::Unary(*f), 1))
            .chain(Binary::ALL.iter().map(|f| (f.name(), Op::Binary(*f), 2)))
            .chain([("pown", Op::Pown, 2), ("rootn", Op::Rootn, 2)]);
        for (name, op, arity) in functions {
            assert_eq!(Op::parse(name), Some(op));
            assert_eq!((op.name(), op.arity()), (name, arity));
            assert!(
                OP_HELP.split_whitespace().any(|w| w == name),
                "{name} is in the help"
            );
            assert!(Op::list().contains(name));
        }
        assert_eq!(Op::parse("lgamma"), None);
        for (line, needle) in [
            ("op", "op needs an operation"),
            ("op add", "op needs --format"),
            ("op neg --format fp16", "unknown operation \"neg\""),
            ("op add sub --format fp16", "unexpected argument \"sub\""),
        ] {
            match parse_args(&args(line)) {
                Err(e @ CliError::Usage(_)) => assert!(e.to_string().contains(needle), "{e}"),
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    #[test]
    fn op_lines() {
        let Ok(Command::Op(c)) = parse_args(&args("op mul --format e4m3fn")) else {
            panic!()
        };
        let mut rng = SplitMix64::new(0);
        let mut r = |s: &str| op_line(&c, s, &mut rng);
        // 1.5 · 1.5 = 2.25 = 0 1000 001.
        assert_eq!(r("3c 0x3C").as_deref(), Ok("0x41 ok"));
        assert_eq!(r(" 0X3c\t3c \r").as_deref(), Ok("0x41 ok"));
        assert!(r("").unwrap_err().starts_with("empty line"));
        assert!(r("3c").unwrap_err().contains("got 1"));
        assert!(r("3c 3g").unwrap_err().contains("not a hex code"));
        assert!(r("3c 1ff").unwrap_err().contains("wider than the 8-bit"));
    }

    #[test]
    fn lmul_op() {
        let cfg = |line: &str| match parse_args(&args(line)) {
            Ok(Command::Op(c)) => c,
            other => panic!("{line}: {other:?}"),
        };
        let mut rng = SplitMix64::new(0);
        // The paper's golden values (fp32, bit form) and its unguarded 0 * 0 = 4.25.
        let paper = cfg("op lmul --format fp32");
        assert_eq!(paper.lmul, (LmulMode::PaperExact, None));
        let mut r = |s: &str| op_line(&paper, s, &mut rng);
        assert_eq!(r("3fc00000 3fc00000").as_deref(), Ok("0x40080000 ok"));
        assert_eq!(r("3fe00000 3fe00000").as_deref(), Ok("0x40480000 ok"));
        assert_eq!(r("c0000000 40400000").as_deref(), Ok("0xc0c80000 ok"));
        assert_eq!(r("40666666 40066666").as_deref(), Ok("0x40f4cccc ok"));
        assert_eq!(r("0 0").as_deref(), Ok("0x40880000 ok"));
        assert!(
            r("3f800000")
                .unwrap_err()
                .contains("expected 2 operand codes for lmul")
        );
        let guarded = cfg("op lmul --format=e4m3fn --lmul-mode guarded --overflow satfinite");
        let mut r = |s: &str| op_line(&guarded, s, &mut rng);
        assert_eq!(r("0 7e").as_deref(), Ok("0x00 ok"));
        assert_eq!(r("7e 48").as_deref(), Ok("0x7e overflow,inexact"));
        assert_eq!(r("3c 3c").as_deref(), Ok("0x41 ok"));
        // k = 1: 1.75 (0x3e) keeps 1.5; 1.5 * 1.5 = 1 + .5 + .5 + 2^-1 carries: 2 * 1.5.
        let k1 = cfg("op lmul --format e4m3fn --lmul-mode guarded --k 1");
        assert_eq!(k1.lmul, (LmulMode::Guarded, Some(1)));
        assert_eq!(op_line(&k1, "3e 3c", &mut rng).as_deref(), Ok("0x44 ok"));
        for (line, needle) in [
            ("op add --format fp16 --k 3", "options of `op lmul` only"),
            (
                "round --format fp16 --lmul-mode paper",
                "options of `op lmul` only",
            ),
            (
                "op lmul --format fp16 --lmul-mode exact",
                "unknown L-Mul mode",
            ),
            ("op lmul --format fp16 --k 99", "--k must be"),
            ("op lmul --format fp16 --k -1", "--k must be"),
        ] {
            match parse_args(&args(line)) {
                Err(e @ CliError::Usage(_)) => assert!(e.to_string().contains(needle), "{e}"),
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    #[test]
    fn formats_table_lists_presets() {
        let Ok(Command::Formats { names, hex }) = parse_args(&args("formats")) else {
            panic!()
        };
        let t = formats_table(&names, hex);
        assert_eq!(t.lines().count(), 1 + FloatFormat::PRESETS.len());
        let e4m3fn = t.lines().find(|l| l.starts_with("e4m3fn ")).unwrap();
        let cells: Vec<&str> = e4m3fn.split_whitespace().collect();
        assert_eq!(
            cells,
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
    }
}
