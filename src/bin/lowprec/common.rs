//! What every command of `lowprec` shares: the error type, the option parser, the loop
//! over input lines, reading a number and printing status flags.

use lowprec::Status;
use lowprec::float::Exact;
use std::fmt;
use std::io::{self, BufRead, Write};

/// A failed run: what to print on standard error, and the exit status.
#[derive(Debug)]
pub enum CliError {
    /// A bad command line (status 2).
    Usage(String),
    /// A bad input line, numbered from 1 (status 1).
    Input { line: u64, msg: String },
    /// Reading or writing failed (status 1).
    Io(&'static str, io::Error),
    /// A file named on the command line cannot be read or holds bad data (status 1).
    File { path: String, msg: String },
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(msg) => write!(f, "{msg} (see `lowprec --help`)"),
            CliError::Input { line, msg } => write!(f, "line {line}: {msg}"),
            CliError::Io(what, e) => write!(f, "{what}: {e}"),
            CliError::File { path, msg } => write!(f, "{path}: {msg}"),
        }
    }
}

pub fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

/// An option a command takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    /// `--name VALUE` or `--name=VALUE`, at most once.
    Value(&'static str),
    /// `--name` alone, any number of times.
    Flag(&'static str),
}

impl Opt {
    fn name(self) -> &'static str {
        match self {
            Opt::Value(n) | Opt::Flag(n) => n,
        }
    }
}

/// The options given on a command line, parsed by [`Options::parse`].
#[derive(Debug, Default)]
pub struct Options {
    values: Vec<(&'static str, String)>,
    flags: Vec<&'static str>,
}

impl Options {
    /// Parses `args` against the options `known`, handing every argument that is not an
    /// option to `positional`, in order; `None` when `-h` or `--help` asks for help.
    /// Arguments are taken from left to right and the first problem is the error: an
    /// unknown option, a value option without a value or given twice, a flag given a
    /// value, or what `positional` rejects.
    pub fn parse(
        args: &[String],
        known: &[Opt],
        mut positional: impl FnMut(&str) -> Result<(), CliError>,
    ) -> Result<Option<Options>, CliError> {
        let mut options = Options::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            if arg == "-h" || arg == "--help" {
                return Ok(None);
            }
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v)),
                _ => (arg.as_str(), None),
            };
            let opt = known.iter().copied().find(|o| o.name() == name);
            match (opt, inline) {
                (Some(Opt::Flag(name)), None) => options.flags.push(name),
                (Some(Opt::Flag(name)), Some(_)) => {
                    return Err(usage(format!("{name} takes no value")));
                }
                (Some(Opt::Value(name)), _) => {
                    let value = match inline {
                        Some(v) => v.to_string(),
                        None => it
                            .next()
                            .cloned()
                            .ok_or_else(|| usage(format!("{name} needs a value")))?,
                    };
                    if options.values.iter().any(|(n, _)| *n == name) {
                        return Err(usage(format!("{name} given twice")));
                    }
                    options.values.push((name, value));
                }
                (None, _) if name.starts_with('-') => {
                    return Err(usage(format!("unknown option {name:?}")));
                }
                (None, _) => positional(arg)?,
            }
        }
        Ok(Some(options))
    }

    /// The value of the option `name`, if it was given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the flag or option `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.flags.contains(&name) || self.value(name).is_some()
    }
}

/// The status flags as one token: the names (invalid, divbyzero, overflow, underflow,
/// inexact) joined by commas, or `ok`.
pub fn flags(s: Status) -> String {
    s.to_string().replace(' ', ",")
}

/// The longest number line that `round` and `fixed` read, in characters, without its
/// newline and the blank space around it.
pub const MAX_NUMBER: usize = 1_000_000;

/// The longest number line with a carriage return and a little blank space, in bytes.
pub const MAX_NUMBER_LINE: usize = MAX_NUMBER + 15;

/// Reads the number on an input line (without its newline; spaces, tabs and a carriage
/// return around it are ignored), exactly; what is wrong with it otherwise.
pub fn number(line: &str) -> Result<Exact, String> {
    let text = line.trim_matches([' ', '\t', '\r']);
    if text.is_empty() {
        return Err("empty line: every line must hold one number".into());
    }
    text.parse().map_err(|e| {
        let shown: String = text.chars().take(40).collect();
        let more = if shown.len() < text.len() { "..." } else { "" };
        format!("{e}: {shown:?}{more}")
    })
}

/// Turns every line of `input` into a line of `output` with `each` (given the line
/// without its newline). A line longer than `max` bytes, or that is not UTF-8, or that
/// `each` rejects, stops the run with its line number; the lines before it are written.
pub fn run_lines(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    max: usize,
    too_long: &str,
    mut each: impl FnMut(&str) -> Result<String, String>,
) -> Result<(), CliError> {
    let mut buf = Vec::new();
    let mut number = 0u64;
    // A line, its newline, and no more: reading stops there.
    let cap = max as u64 + 1;
    loop {
        buf.clear();
        let n = io::Read::take(&mut *input, cap)
            .read_until(b'\n', &mut buf)
            .map_err(|e| CliError::Io("reading standard input", e))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        let fail = |msg: String| CliError::Input { line: number, msg };
        if buf.last() == Some(&b'\n') {
            buf.pop();
        } else if n as u64 == cap {
            return Err(fail(format!("line too long: {too_long}")));
        }
        let line = std::str::from_utf8(&buf).map_err(|_| fail("not valid UTF-8".into()))?;
        let out = each(line).map_err(fail)?;
        writeln!(output, "{out}").map_err(|e| CliError::Io("writing standard output", e))?;
    }
}

/// A table with a heading row, columns padded to their widest cell and separated by two
/// spaces; the columns for which `left(i)` holds (text) align left, the others (numbers)
/// right.
pub fn table(head: &[&str], rows: &[Vec<String>], left: impl Fn(usize) -> bool) -> String {
    let mut widths: Vec<usize> = head.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            if left(i) {
                s.push_str(&format!("{cell:<w$}  "));
            } else {
                s.push_str(&format!("{cell:>w$}  "));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(&mut head.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    const KNOWN: [Opt; 3] = [Opt::Value("--a"), Opt::Value("--b"), Opt::Flag("--hex")];

    fn parse(s: &str) -> Result<Option<(Options, Vec<String>)>, CliError> {
        let mut rest = Vec::new();
        let o = Options::parse(&args(s), &KNOWN, |a| {
            rest.push(a.to_string());
            Ok(())
        })?;
        Ok(o.map(|o| (o, rest)))
    }

    #[test]
    fn options_values_flags_and_positionals() {
        let (o, rest) = parse("x --a 1 --b=2=3 --hex y --hex").unwrap().unwrap();
        assert_eq!((o.value("--a"), o.value("--b")), (Some("1"), Some("2=3")));
        assert!(o.has("--hex") && o.has("--a") && !o.has("--c"));
        assert_eq!(rest, ["x", "y"]);
        // A value may look like an option; `=` before `--` is no option.
        let (o, rest) = parse("--a --b a=b").unwrap().unwrap();
        assert_eq!((o.value("--a"), o.value("--b")), (Some("--b"), None));
        assert_eq!(rest, ["a=b"]);
        assert!(parse("--a 1 -h --bogus").unwrap().is_none());
        assert!(parse("--help").unwrap().is_none());
    }

    #[test]
    fn option_errors_come_in_order() {
        for (line, want) in [
            ("--a", "--a needs a value"),
            ("--a 1 --a=2", "--a given twice"),
            ("--hex=1", "--hex takes no value"),
            ("--bogus=1 --a", "unknown option \"--bogus\""),
            ("-x", "unknown option \"-x\""),
            ("--bogus -h", "unknown option \"--bogus\""),
        ] {
            match parse(line) {
                Err(e @ CliError::Usage(_)) => {
                    assert_eq!(e.to_string(), format!("{want} (see `lowprec --help`)"));
                    assert_eq!(e.exit_code(), 2);
                }
                other => panic!("{line}: {other:?}"),
            }
        }
        let e = Options::parse(&args("a b"), &KNOWN, |a| Err(usage(format!("no {a}"))));
        assert!(matches!(e, Err(CliError::Usage(m)) if m == "no a"));
    }

    #[test]
    fn flag_tokens() {
        assert_eq!(flags(Status::OK), "ok");
        assert_eq!(flags(Status::INEXACT), "inexact");
        assert_eq!(
            flags(Status::INVALID | Status::OVERFLOW | Status::INEXACT),
            "invalid,overflow,inexact"
        );
        assert_eq!(
            flags(Status::UNDERFLOW | Status::INEXACT | Status::DIV_BY_ZERO),
            "divbyzero,underflow,inexact"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(number(" \t-0x1.8p-3\r"), Ok(Exact::from_parts(true, 3, -4)));
        assert!(number(" \t ").unwrap_err().starts_with("empty line"));
        let long = format!("1.{}x", "5".repeat(100));
        let e = number(&long).unwrap_err();
        assert!(e.starts_with("invalid character 'x' at column 103"), "{e}");
        assert!(e.ends_with(&format!("\"1.{}\"...", "5".repeat(38))), "{e}");
    }
}
