//! `lowprec block quantize`, `lowprec block dequantize` and `lowprec block formats`:
//! golden vectors of block-scaled formats (OCP MX, NVFP4-style, block floating point).

use super::common::{CliError, Opt, Options, flags, number, run_lines, table, usage};
use lowprec::block::{self, BlockFormat, ElementFormat, ScaleFormat, ScaleRule};
use lowprec::float::Exact;
use lowprec::{FloatFormat, Round, SplitMix64, Status};
use std::io::{BufRead, Write};

pub const HELP: &str = "\
lowprec block: block-scaled formats (OCP MX, NVFP4-style, block floating point)

Usage:
  lowprec block quantize --format NAME [--rounding MODE] [--overflow POLICY]
                         [--seed N] [--random-bits N] [--packed]
  lowprec block dequantize --format NAME [--hex]
  lowprec block formats [NAME...]

NAME is a preset (mxfp8_e4m3 mxfp8_e5m2 mxfp6_e3m2 mxfp6_e2m3 mxfp4_e2m1 mxint8
nvfp4), bfp<N> (N = 2..8: N-bit two's-complement elements with N-2 fraction bits and
an E8M0 shared exponent, blocks of 16), or block (MX with E4M3FN elements), followed
by any of :block=N (1..1024) :element=FMT|int<B>.<F> :scale=e8m0|none|FMT
:rule=floor|ceil|nearest|amax :tensor=on|off, e.g. mxfp8_e4m3:block=16 or
bfp6:rule=ceil. `lowprec block formats` lists the presets.

block quantize: reads one vector per line (numbers separated by spaces or tabs, any
length; the last block of a line may be shorter than the block size) and writes one
line per vector:

    [tensor G ]scales S... codes C... flags FLAGS
    [tensor G ]scales S... packed N B... flags FLAGS     (with --packed)

  G      the per-tensor f32 scale of the line, as an exact hex float (only formats
         with a tensor scale, such as nvfp4: amax / (max scale * max element))
  S      one scale code per block, 0x and two hex digits (E8M0: 2^(S-127), 0xff NaN)
  C      one element code per number, 0x and hex digits for the element's width
         (0x7 for FP4, 0x2a for FP6, 0xfe for FP8 and INT8 codes)
  N B    with --packed, the number of elements and the packed bytes: the codes laid
         end to end from the low bit of the first byte (two FP4 per byte, element 0 in
         the low nibble; four FP6 per three bytes; one FP8 or INT8 per byte)
  FLAGS  the union over the line's elements: inexact, underflow (an element tiny
         and inexact), overflow (an element saturated), invalid (a NaN in a block),
         joined by commas, or ok

Numbers are read exactly (decimals, hex floats, inf, nan, as `lowprec round` reads
them) and rounded once to binary64, ties to even; that binary64 value is quantized.
Every f32 and every binary64 value is therefore taken exactly. Each block gets its
scale from its largest magnitude by the format's rule (OCP MX: 2^(floor(log2 amax) -
emax_elem)); each element is the exact quotient value / scale rounded once. A block
holding a NaN gets the NaN scale; infinities saturate; an all-zero block gets the
smallest scale (0x00 for E8M0).

block dequantize: reads lines as block quantize writes them (the flags field may be
left out) and writes the values of each line, separated by spaces, as exact decimals
(every value of these formats is a dyadic rational, so its decimal expansion ends):
0.5, -96, 0, -0, nan. With --hex, as exact hex floats (0x1.8p+6).

Options (also written --name=value):
  --format NAME      the block format (required)
  --rounding MODE    rne (default) rna rnz rnu rnd rno rtz rup rdn rto, or the
                     stochastic sr sr-equal sr-a sr-b sr-c (`lowprec round --help`)
  --overflow POLICY  ieee (default) and satfinite clamp elements to +-max, as the MX
                     specification says; satpropagate keeps inf where the element
                     format has it (E5M2)
  --seed N           seed of the SplitMix64 generator (default 0); stochastic modes
                     draw from it in input order
  --random-bits N    random bits per stochastic rounding, 1 to 64 (default 64)
  --packed           write packed bytes instead of one code per element
  --hex              (dequantize) write hex floats instead of decimals
  -h, --help         this help

Errors: a bad line (a token that is not a number or not a code, a code wider than its
format, the wrong number of scales or codes) stops the run with `lowprec: line N: ...`
on standard error and exit status 1; the lines before it have been written. A bad
option or format name exits with status 2.

Examples:
  $ echo '1 -0.3 5 100' | lowprec block quantize --format mxfp4_e2m1
  scales 0x83 codes 0x0 0x8 0x1 0x7 flags underflow,inexact
  $ echo 'scales 0x83 codes 0x0 0x8 0x1 0x7' | lowprec block dequantize --format mxfp4_e2m1
  0 -0 8 96
";

/// What `lowprec block` asks for.
#[derive(Debug, PartialEq)]
pub enum BlockCmd {
    Quantize {
        format: BlockFormat,
        round: Round,
        seed: u64,
        packed: bool,
    },
    Dequantize {
        format: BlockFormat,
        hex: bool,
    },
    Formats(Vec<BlockFormat>),
}

fn parse_block_format(name: &str) -> Result<BlockFormat, CliError> {
    name.parse()
        .map_err(|e| usage(format!("bad block format {name:?}: {e}")))
}

/// Parses the arguments after `block`; `None` stands for the help text.
pub fn parse(args: &[String]) -> Result<Option<BlockCmd>, CliError> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(usage(
            "block needs a subcommand: quantize, dequantize or formats",
        ));
    };
    let known: &[Opt] = match sub.as_str() {
        "-h" | "--help" => return Ok(None),
        "quantize" => &[
            Opt::Value("--format"),
            Opt::Value("--rounding"),
            Opt::Value("--overflow"),
            Opt::Value("--seed"),
            Opt::Value("--random-bits"),
            Opt::Flag("--packed"),
        ],
        "dequantize" => &[Opt::Value("--format"), Opt::Flag("--hex")],
        "formats" => &[],
        other => {
            return Err(usage(format!(
                "unknown block subcommand {other:?}: expected quantize, dequantize or formats"
            )));
        }
    };
    let mut names = Vec::new();
    let options = Options::parse(rest, known, |arg| {
        if sub == "formats" {
            names.push(parse_block_format(arg)?);
            return Ok(());
        }
        Err(usage(format!(
            "unexpected argument {arg:?}: values are read from standard input"
        )))
    })?;
    let Some(options) = options else {
        return Ok(None);
    };
    if sub == "formats" {
        if names.is_empty() {
            names = presets();
        }
        return Ok(Some(BlockCmd::Formats(names)));
    }
    let format = parse_block_format(
        options
            .value("--format")
            .ok_or_else(|| usage(format!("block {sub} needs --format NAME")))?,
    )?;
    if sub == "dequantize" {
        return Ok(Some(BlockCmd::Dequantize {
            format,
            hex: options.has("--hex"),
        }));
    }
    let (mode, overflow, seed) = super::rounding_options(&options)?;
    Ok(Some(BlockCmd::Quantize {
        format,
        round: Round::new(mode, overflow),
        seed,
        packed: options.has("--packed"),
    }))
}

/// Every preset, with bfp2 … bfp8.
fn presets() -> Vec<BlockFormat> {
    BlockFormat::PRESETS
        .iter()
        .map(|(_, f)| *f)
        .chain((2..=8).filter_map(|b| BlockFormat::bfp(b).ok()))
        .collect()
}

/// The longest vector line, in bytes.
pub const MAX_VECTOR_LINE: usize = 1 << 24;

/// A hex code of the given width: `0x` and ⌈width/4⌉ lowercase digits.
fn hex_code(code: u8, width: u32) -> String {
    format!("{code:#0w$x}", w = width.div_ceil(4) as usize + 2)
}

fn hex_list(out: &mut String, codes: &[u8], width: u32) {
    for &c in codes {
        out.push(' ');
        out.push_str(&hex_code(c, width));
    }
}

/// One line of `block quantize`.
pub fn quantize_line(
    fmt: &BlockFormat,
    round: Round,
    packed: bool,
    line: &str,
    rng: &mut SplitMix64,
) -> Result<String, String> {
    let mut xs = Vec::new();
    for (i, tok) in line
        .split([' ', '\t', '\r'])
        .filter(|t| !t.is_empty())
        .enumerate()
    {
        let x = number(tok).map_err(|e| format!("number {}: {e}", i + 1))?;
        let r = FloatFormat::FP64.round(x, Round::NEAREST_EVEN, &mut lowprec::NoRandom);
        xs.push(f64::from_bits(r.value));
    }
    if xs.is_empty() {
        return Err("empty line: every line must hold a vector of numbers".into());
    }
    let mut scales = vec![0u8; fmt.num_scales(xs.len())];
    let mut codes = vec![0u8; xs.len()];
    let r = block::quantize_f64_with(fmt, &xs, &mut scales, &mut codes, round, rng)
        .map_err(|e| e.to_string())?;
    let mut out = String::new();
    if fmt.tensor_scale {
        out.push_str(&format!("tensor {} ", Exact::from_f32(r.value)));
    }
    out.push_str("scales");
    hex_list(&mut out, &scales, 8);
    let width = fmt.element.width();
    if packed {
        let mut bytes = vec![0u8; block::packed_len(width, codes.len())];
        block::pack(width, &codes, &mut bytes).map_err(|e| e.to_string())?;
        out.push_str(&format!(" packed {}", codes.len()));
        hex_list(&mut out, &bytes, 8);
    } else {
        out.push_str(" codes");
        hex_list(&mut out, &codes, width);
    }
    out.push_str(" flags ");
    out.push_str(&flags(r.status));
    Ok(out)
}

/// A hex code (with or without 0x) of at most `width` bits.
fn parse_hex(tok: &str, width: u32, what: &str) -> Result<u8, String> {
    let digits = tok
        .strip_prefix("0x")
        .or_else(|| tok.strip_prefix("0X"))
        .unwrap_or(tok);
    let shown: String = tok.chars().take(20).collect();
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{what} {shown:?} is not a hex code"));
    }
    let v = u32::from_str_radix(digits, 16).map_err(|_| format!("{what} {shown:?}"))?;
    if u64::from(v) >> width != 0 {
        return Err(format!("{what} {tok} is wider than {width} bits"));
    }
    Ok(v as u8)
}

/// The fields of a quantize line: tensor scale, scale codes, element codes.
fn parse_quantized(fmt: &BlockFormat, line: &str) -> Result<(f32, Vec<u8>, Vec<u8>), String> {
    let toks: Vec<&str> = line
        .split([' ', '\t', '\r'])
        .filter(|t| !t.is_empty())
        .collect();
    if toks.is_empty() {
        return Err(
            "empty line: expected `scales ... codes ...` or `scales ... packed N ...`".into(),
        );
    }
    let mut i = 0;
    let mut g = 1.0f32;
    if fmt.tensor_scale {
        if toks.first() != Some(&"tensor") || toks.len() < 2 {
            return Err(format!(
                "{fmt} has a tensor scale: the line must start with `tensor G`"
            ));
        }
        let x: Exact = toks[1]
            .parse()
            .map_err(|e| format!("tensor scale {:?}: {e}", toks[1]))?;
        let r = FloatFormat::FP32.round(x, Round::NEAREST_EVEN, &mut lowprec::NoRandom);
        if r.status != Status::OK {
            return Err(format!("tensor scale {} is not an f32 value", toks[1]));
        }
        g = f32::from_bits(r.value as u32);
        i = 2;
    } else if toks.first() == Some(&"tensor") {
        return Err(format!("{fmt} has no tensor scale: remove `tensor G`"));
    }
    if toks.get(i) != Some(&"scales") {
        return Err("expected `scales` (then the scale codes)".into());
    }
    i += 1;
    let mut scales = Vec::new();
    while let Some(t) = toks.get(i).filter(|t| **t != "codes" && **t != "packed") {
        scales.push(parse_hex(t, 8, &format!("scale {}", scales.len() + 1))?);
        i += 1;
    }
    let width = fmt.element.width();
    let kind = *toks
        .get(i)
        .ok_or("expected `codes` or `packed` after the scale codes")?;
    i += 1;
    let end = toks[i..]
        .iter()
        .position(|t| *t == "flags")
        .map_or(toks.len(), |p| i + p);
    if end + 2 < toks.len() {
        return Err("unexpected tokens after the flags".into());
    }
    let codes = if kind == "codes" {
        toks[i..end]
            .iter()
            .enumerate()
            .map(|(k, t)| parse_hex(t, width, &format!("code {}", k + 1)))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        let n_tok = toks
            .get(i)
            .filter(|_| i < end)
            .ok_or("expected the number of elements after `packed`")?;
        let n: usize = n_tok
            .parse()
            .ok()
            .filter(|n| *n <= MAX_VECTOR_LINE)
            .ok_or_else(|| format!("{n_tok:?} is not a number of elements"))?;
        let bytes = toks[i + 1..end]
            .iter()
            .enumerate()
            .map(|(k, t)| parse_hex(t, 8, &format!("packed byte {}", k + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut codes = vec![0u8; n];
        block::unpack(width, &bytes, &mut codes).map_err(|e| e.to_string())?;
        codes
    };
    if codes.is_empty() {
        return Err("no element codes".into());
    }
    Ok((g, scales, codes))
}

/// The exact decimal expansion of a binary64 value (finite, since it is a dyadic
/// rational): as many fraction digits as it has fraction bits.
pub fn exact_decimal(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7FF) as i32;
    let m = bits & ((1u64 << 52) - 1);
    let (m, e) = if e == 0 {
        (m, -1074)
    } else {
        (m | (1 << 52), e - 1075)
    };
    // x = m · 2^e: 2^−k has exactly k fraction digits in decimal.
    let lsb = e + m.trailing_zeros() as i32;
    let digits = (-lsb).max(0) as usize;
    format!("{x:.digits$}")
}

/// One line of `block dequantize`.
pub fn dequantize_line(fmt: &BlockFormat, hex: bool, line: &str) -> Result<String, String> {
    let (g, scales, codes) = parse_quantized(fmt, line)?;
    let mut xs = vec![0f64; codes.len()];
    block::dequantize_f64(fmt, g, &scales, &codes, &mut xs).map_err(|e| e.to_string())?;
    let vals: Vec<String> = xs
        .iter()
        .map(|&x| {
            if hex {
                Exact::from_f64(x).to_string()
            } else {
                exact_decimal(x)
            }
        })
        .collect();
    Ok(vals.join(" "))
}

fn float_name(f: &FloatFormat) -> String {
    f.to_string()
}

fn max_element(e: &ElementFormat) -> f64 {
    match *e {
        ElementFormat::Float(f) => {
            let r = FloatFormat::FP64.round(
                f.decode(f.max_mag()),
                Round::NEAREST_EVEN,
                &mut lowprec::NoRandom,
            );
            f64::from_bits(r.value)
        }
        ElementFormat::Int { bits, frac_bits } => {
            ((1u64 << (bits - 1)) - 1) as f64 * 2f64.powi(-(frac_bits as i32))
        }
    }
}

/// The table of `block formats`.
pub fn formats_table(formats: &[BlockFormat]) -> String {
    let head = [
        "name",
        "element",
        "bits",
        "block",
        "scale",
        "rule",
        "tensor",
        "emax",
        "max element",
        "bits/value",
    ];
    let rows: Vec<Vec<String>> = formats
        .iter()
        .map(|f| {
            let element = match f.element {
                ElementFormat::Float(e) => float_name(&e),
                ElementFormat::Int { bits, frac_bits } => format!("int{bits}.{frac_bits}"),
            };
            let scale = match f.scale {
                ScaleFormat::E8M0 => "e8m0".to_string(),
                ScaleFormat::None => "none".to_string(),
                ScaleFormat::Float(s) => float_name(&s),
            };
            let rule = match f.rule {
                ScaleRule::Floor => "floor",
                ScaleRule::Ceil => "ceil",
                ScaleRule::Nearest => "nearest",
                ScaleRule::AmaxOverMax => "amax",
            };
            let scale_bits = f.scale.float().map_or(0, |s| s.width());
            let per_value =
                f64::from(f.element.width()) + f64::from(scale_bits) / f64::from(f.block_size);
            vec![
                f.to_string(),
                element,
                f.element.width().to_string(),
                f.block_size.to_string(),
                scale,
                rule.to_string(),
                if f.tensor_scale { "f32" } else { "no" }.to_string(),
                f.element.emax().to_string(),
                exact_decimal(max_element(&f.element)),
                format!("{per_value}"),
            ]
        })
        .collect();
    table(&head, &rows, |i| i <= 1 || i == 4 || i == 5)
}

/// Runs `lowprec block`.
pub fn run(
    cmd: &BlockCmd,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), CliError> {
    let too_long = format!("a line has at most {MAX_VECTOR_LINE} bytes");
    match cmd {
        BlockCmd::Quantize {
            format,
            round,
            seed,
            packed,
        } => {
            let mut rng = SplitMix64::new(*seed);
            run_lines(input, output, MAX_VECTOR_LINE, &too_long, |l| {
                quantize_line(format, *round, *packed, l, &mut rng)
            })
        }
        BlockCmd::Dequantize { format, hex } => {
            run_lines(input, output, MAX_VECTOR_LINE, &too_long, |l| {
                dequantize_line(format, *hex, l)
            })
        }
        BlockCmd::Formats(fs) => output
            .write_all(formats_table(fs).as_bytes())
            .map_err(|e| CliError::Io("writing standard output", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(exact_decimal(96.0), "96");
        assert_eq!(exact_decimal(-0.375), "-0.375");
        assert_eq!(exact_decimal(-0.0), "-0");
        let tiny = exact_decimal(2f64.powi(-136));
        assert!(tiny.starts_with("0.0000") && tiny.ends_with("5"), "{tiny}");
        assert_eq!(tiny.len(), 2 + 136);
    }

    #[test]
    fn lines_round_trip() {
        let f = BlockFormat::MXFP4_E2M1;
        let mut rng = SplitMix64::new(0);
        let q = quantize_line(&f, Round::default(), false, "1 -0.3 5 100", &mut rng).unwrap();
        assert_eq!(
            q,
            "scales 0x83 codes 0x0 0x8 0x1 0x7 flags underflow,inexact"
        );
        assert_eq!(dequantize_line(&f, false, &q).unwrap(), "0 -0 8 96");
        let p = quantize_line(&f, Round::default(), true, "1 -0.3 5", &mut rng).unwrap();
        assert_eq!(p, "scales 0x7f packed 3 0x92 0x06 flags underflow,inexact");
        assert_eq!(
            dequantize_line(&f, true, &p).unwrap(),
            "0x1p+0 -0x1p-1 0x1p+2"
        );
    }
}
