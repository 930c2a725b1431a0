//! `lowprec nn …`: golden vectors of the quantized-transformer kernels (lowprec's own and,
//! with `--compat hls4ml`, hls4ml 1.3.0's), raw integers in and out.

use super::common::{CliError, Opt, Options, run_lines, usage};
use super::nn_hls4ml::{self, Hls4mlCmd};
use lowprec::fixed::FixedFormat;
use lowprec::float::Exact;
use lowprec::nn::{
    Dense, DenseParams, Gelu, GeluForm, GeluParams, LayerNorm, LayerNormParams, NnError, Schedule,
    Softmax, SoftmaxParams, hls4ml,
};
use std::io::{BufRead, Write};
use std::path::PathBuf;

pub const HELP: &str = "\
lowprec nn: golden vectors of quantized-transformer kernels, bit-exact with their
HLS C++ (lowprec's kernels in hls/include/lowprec/nn/, or hls4ml 1.3.0's own)

Usage:
  lowprec nn softmax --n N --in T --out T [options]
  lowprec nn layernorm --dim D --in T --out T --scale FILE --bias FILE
                       --scale-type T --bias-type T [options]
  lowprec nn dense --n-in N --n-out M --in T --out T --weight-type T --bias-type T
                   --accum T --weights FILE --biases FILE [options]
  lowprec nn gelu --in T --out T [--form erf|tanh] [--index-bits B]
  any of them with --compat hls4ml: hls4ml's kernel (not gelu, which hls4ml lacks)

T is a C++ fixed-point type as `lowprec fixed` takes it (quote it for the shell).
Standard input holds one vector per line: the raw integers of the input type
(value = raw * 2^-F, F = W - I), separated by spaces; each line gives one line of
raw integers of the output type. FILE holds raw integers separated by white space:
--scale and --bias D values, --biases M values, --weights N*M values [n_in][n_out],
row-major (hls4ml's layout, for both kernels).

lowprec's kernels (src/nn/*.rs documents each contract):
  softmax    max-subtracted; e^-d from a table; the sum in the accumulator; 1/sum by
             a normalising shift and a table. Intermediate types default to 18-bit
             unsigned tables and an exact accumulator; override with --exp-table T
             --exp-index-bits B --exp-range-log2 R --accum T --inv-table T
             --inv-index-bits B --inv T
  layernorm  over the full range: 1/sqrt(var + eps) by an even normalising shift and
             a table. --epsilon X (exact decimal, default 1e-12); intermediate types
             default to an exact sum and 8 guard bits; override with --accum T
             --dim-recip T --mean T --sq-accum T --var T --epsilon-type T --table T
             --index-bits B --norm T
  dense      --schedule latency (every product and partial sum in --accum, default)
             or wide (the exact sum, one cast); --relu applies max(acc, 0)
  gelu       a table over the input's raw values: erf form (default) or tanh form

--compat hls4ml (hls4ml 1.3.0's nnet_utils; omitted options take the converter's
defaults; types it takes from the model default to ap_fixed<16,6>):
  softmax    --impl stable|latency|legacy|argmax (stable) --table-size S (1024)
             --exp-table T --inv-table T --inv-inp T (ap_fixed<18,8,AP_RND,AP_SAT>)
             --accum T --inp-norm T (ap_ufixed<W-1,I-1>) --legacy-table T
             (ap_fixed<18,8>) --exp-scale X (1)
  layernorm  --accum T --table T (ap_ufixed<8,5,AP_RND_CONV,AP_SAT>) --table-size S
             (4096) --table-range-power2 P (0) --epsilon-power-of-10 E (3)
  dense      --strategy latency|resource (latency) --reuse-factor R (1)

Errors: a bad vector line stops the run with `lowprec: line N: ...` and exit
status 1 (the lines before it have been written); an unreadable or bad FILE exits
with status 1; a bad option or configuration (including an hls4ml table whose
entries would depend on the platform's expf) exits with status 2.

Example:
  $ echo '0 0 0 0' | lowprec nn softmax --n 4 --in 'ap_fixed<16,6>' --out 'ap_ufixed<16,0,AP_RND_CONV,AP_SAT>' --compat hls4ml
";

/// The type hls4ml's converter gives every tensor whose precision the user does not set:
/// `ap_fixed<16,6>`.
pub const HLS4ML_DEFAULT_TYPE: FixedFormat = match FixedFormat::ap_fixed(16, 6) {
    Ok(f) => f,
    Err(_) => panic!("ap_fixed<16,6> is valid"),
};

/// The longest vector line read, in bytes (a row of 65,536 64-bit raw integers).
const MAX_VECTOR_LINE: usize = 1 << 21;

/// Parses a type option.
pub fn parse_type(name: &str, what: &str) -> Result<FixedFormat, CliError> {
    name.parse()
        .map_err(|e| usage(format!("bad type {name:?} for {what}: {e}")))
}

/// The options of one `nn` subcommand, with typed accessors.
pub struct Args {
    options: Options,
    command: &'static str,
}

impl Args {
    pub fn parse(
        command: &'static str,
        args: &[String],
        known: &[Opt],
    ) -> Result<Option<Args>, CliError> {
        let options = Options::parse(args, known, |arg| {
            Err(usage(format!(
                "unexpected argument {arg:?}: vectors are read from standard input"
            )))
        })?;
        Ok(options.map(|options| Args { options, command }))
    }

    pub fn has(&self, name: &str) -> bool {
        self.options.has(name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.options.value(name)
    }

    fn missing(&self, name: &str, what: &str) -> CliError {
        usage(format!("nn {} needs {name} {what}", self.command))
    }

    /// A required type.
    pub fn ty(&self, name: &str) -> Result<FixedFormat, CliError> {
        let v = self.value(name).ok_or_else(|| self.missing(name, "TYPE"))?;
        parse_type(v, name)
    }

    /// An optional type, or `default`.
    pub fn ty_or(&self, name: &str, default: FixedFormat) -> Result<FixedFormat, CliError> {
        self.value(name)
            .map_or(Ok(default), |v| parse_type(v, name))
    }

    /// An optional unsigned integer in `range`.
    pub fn uint_opt(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<u64>, CliError> {
        let Some(v) = self.value(name) else {
            return Ok(None);
        };
        match v.parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(usage(format!(
                "{name} must be an integer from {} to {}, got {v:?}",
                range.start(),
                range.end()
            ))),
        }
    }

    /// A required unsigned integer in `range`.
    pub fn uint(&self, name: &str, range: std::ops::RangeInclusive<u64>) -> Result<u64, CliError> {
        self.uint_opt(name, range)?
            .ok_or_else(|| self.missing(name, "N"))
    }

    /// A required file name.
    pub fn file(&self, name: &str) -> Result<PathBuf, CliError> {
        self.value(name)
            .map(PathBuf::from)
            .ok_or_else(|| self.missing(name, "FILE"))
    }

    /// Whether `--compat hls4ml` was given (any other value is an error).
    pub fn hls4ml(&self) -> Result<bool, CliError> {
        match self.value("--compat") {
            None => Ok(false),
            Some("hls4ml") => Ok(true),
            Some(other) => Err(usage(format!(
                "--compat takes hls4ml (the only emulated framework), got {other:?}"
            ))),
        }
    }

    /// Refuses options that only one mode takes.
    pub fn refuse(&self, names: &[&str], why: &str) -> Result<(), CliError> {
        match names.iter().find(|n| self.has(n)) {
            Some(n) => Err(usage(format!("{n} {why}"))),
            None => Ok(()),
        }
    }
}

/// The raw integers on a line: exactly `n`, each within the raw range of `ty` (decimal,
/// optionally signed).
pub fn raw_vector(line: &str, ty: &FixedFormat, n: usize, what: &str) -> Result<Vec<i64>, String> {
    let mut out = Vec::with_capacity(n);
    for tok in line.split_whitespace() {
        if out.len() == n {
            return Err(format!("{what}: more than {n} raw values"));
        }
        let body = tok.strip_prefix('-').unwrap_or(tok);
        let v = if body.is_empty() || body.len() > 20 || !body.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            tok.parse::<i128>().ok()
        };
        let v = v.ok_or_else(|| format!("{what}: {tok:?} is not a raw integer"))?;
        if v < ty.min_raw() || v > ty.max_raw() {
            return Err(format!(
                "{what}: {tok} is outside the raw range {}..={} of {ty}",
                ty.min_raw(),
                ty.max_raw()
            ));
        }
        out.push(v as i64);
    }
    if out.len() != n {
        return Err(format!(
            "{what}: expected {n} raw values, got {}",
            out.len()
        ));
    }
    Ok(out)
}

/// `n` raw integers of `ty` from a file (any white space between them).
pub fn raw_file(
    path: &PathBuf,
    ty: &FixedFormat,
    n: usize,
    what: &str,
) -> Result<Vec<i64>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::File {
        path: path.display().to_string(),
        msg: e.to_string(),
    })?;
    raw_vector(&text, ty, n, what).map_err(|msg| CliError::File {
        path: path.display().to_string(),
        msg,
    })
}

/// Formats raw integers as one line.
pub fn line_of(ys: &[i64]) -> String {
    let mut s = String::with_capacity(ys.len() * 6);
    for (k, y) in ys.iter().enumerate() {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(&y.to_string());
    }
    s
}

/// Runs `each` on every input line (one vector a line).
pub fn run_vectors(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    each: impl FnMut(&str) -> Result<String, String>,
) -> Result<(), CliError> {
    let too_long = format!("a vector line has at most {MAX_VECTOR_LINE} bytes");
    run_lines(input, output, MAX_VECTOR_LINE, &too_long, each)
}

/// hls4ml's softmax implementation names.
pub fn softmax_impl(name: Option<&str>) -> Result<hls4ml::SoftmaxImpl, CliError> {
    Ok(match name {
        None | Some("stable") => hls4ml::SoftmaxImpl::Stable,
        Some("latency") => hls4ml::SoftmaxImpl::Latency,
        Some("legacy") => hls4ml::SoftmaxImpl::Legacy,
        Some("argmax") => hls4ml::SoftmaxImpl::Argmax,
        Some(other) => {
            return Err(usage(format!(
                "--impl must be stable, latency, legacy or argmax, got {other:?}"
            )));
        }
    })
}

// ---------------------------------------------------------------------------------------
// lowprec's own kernels.

/// A configured kernel of `lowprec::nn`, with the files it reads.
#[derive(Debug, PartialEq)]
pub enum OwnCmd {
    Softmax(SoftmaxParams),
    Gelu(GeluParams),
    LayerNorm {
        params: LayerNormParams,
        scale: PathBuf,
        bias: PathBuf,
    },
    Dense {
        params: DenseParams,
        weights: PathBuf,
        biases: PathBuf,
    },
}

/// What `lowprec nn` asks for.
#[derive(Debug, PartialEq)]
pub enum NnCmd {
    Own(OwnCmd),
    Hls4ml(Hls4mlCmd),
}

fn config_error(e: NnError) -> CliError {
    usage(format!("invalid configuration: {e}"))
}

/// `nn softmax` (lowprec's kernel).
fn own_softmax(a: &Args) -> Result<OwnCmd, CliError> {
    softmax_params(a).map(OwnCmd::Softmax)
}

/// The configuration of lowprec's softmax.
fn softmax_params(a: &Args) -> Result<SoftmaxParams, CliError> {
    let n = a.uint("--n", 1..=65_536)? as usize;
    let mut p = SoftmaxParams::for_types(n, a.ty("--in")?, a.ty("--out")?).map_err(config_error)?;
    p.exp_table = a.ty_or("--exp-table", p.exp_table)?;
    p.accum = a.ty_or("--accum", p.accum)?;
    p.inv_table = a.ty_or("--inv-table", p.inv_table)?;
    p.inv = a.ty_or("--inv", p.inv)?;
    if let Some(b) = a.uint_opt("--exp-index-bits", 1..=20)? {
        p.exp_index_bits = b as u32;
    }
    if let Some(b) = a.uint_opt("--inv-index-bits", 1..=20)? {
        p.inv_index_bits = b as u32;
    }
    if let Some(r) = a.value("--exp-range-log2") {
        p.exp_range_log2 = r
            .parse()
            .map_err(|_| usage(format!("--exp-range-log2 must be an integer, got {r:?}")))?;
    }
    Softmax::new(p).map_err(config_error)?;
    Ok(p)
}

/// `nn layernorm` (lowprec's kernel).
fn own_layernorm(a: &Args) -> Result<OwnCmd, CliError> {
    Ok(OwnCmd::LayerNorm {
        params: layernorm_params(a)?,
        scale: a.file("--scale")?,
        bias: a.file("--bias")?,
    })
}

/// The configuration of lowprec's layer norm.
fn layernorm_params(a: &Args) -> Result<LayerNormParams, CliError> {
    let dim = a.uint("--dim", 1..=65_536)? as usize;
    let eps = match a.value("--epsilon") {
        None => "1e-12"
            .parse::<Exact>()
            .unwrap_or(Exact::Zero { negative: false }),
        Some(t) => t
            .parse::<Exact>()
            .map_err(|e| usage(format!("--epsilon {t:?}: {e}")))?,
    };
    let mut p = LayerNormParams::for_types(
        dim,
        a.ty("--in")?,
        a.ty("--out")?,
        a.ty("--scale-type")?,
        a.ty("--bias-type")?,
        eps,
    )
    .map_err(config_error)?;
    p.accum = a.ty_or("--accum", p.accum)?;
    p.dim_recip = a.ty_or("--dim-recip", p.dim_recip)?;
    p.mean = a.ty_or("--mean", p.mean)?;
    p.sq_accum = a.ty_or("--sq-accum", p.sq_accum)?;
    p.var = a.ty_or("--var", p.var)?;
    p.epsilon_type = a.ty_or("--epsilon-type", p.epsilon_type)?;
    p.rsqrt_table = a.ty_or("--table", p.rsqrt_table)?;
    p.norm = a.ty_or("--norm", p.norm)?;
    if let Some(b) = a.uint_opt("--index-bits", 2..=20)? {
        p.rsqrt_index_bits = b as u32;
    }
    LayerNorm::new(p).map_err(config_error)?;
    Ok(p)
}

/// The widest input whose whole-type GELU table is the default (2^16 entries).
const GELU_WHOLE_BITS: u32 = 16;

/// `nn gelu`: the whole-type table for inputs of at most 16 bits, else a window of
/// min(I, 6) integer bits ([-32, 32)) indexed by at most 16 bits.
fn gelu_params(a: &Args) -> Result<GeluParams, CliError> {
    let input = a.ty("--in")?;
    let output = a.ty("--out")?;
    let form = match a.value("--form") {
        None | Some("erf") => GeluForm::Erf,
        Some("tanh") => GeluForm::Tanh,
        Some(other) => {
            return Err(usage(format!("--form must be erf or tanh, got {other:?}")));
        }
    };
    let window = a.value("--window-int-bits");
    let index = a.uint_opt("--index-bits", 1..=20)?;
    let mut p = GeluParams::exact(input, output, form);
    if window.is_some() || index.is_some() || input.width() > GELU_WHOLE_BITS {
        let r = match window {
            Some(r) => r
                .parse::<i32>()
                .map_err(|_| usage(format!("--window-int-bits must be an integer, got {r:?}")))?,
            None => input.int_bits().min(6),
        };
        p.window_int_bits = r;
        let span = (i64::from(r) + i64::from(input.frac_bits())).clamp(1, 16) as u32;
        p.index_bits = index.map_or(span, |b| b as u32);
    }
    Gelu::new(p).map_err(config_error)?;
    Ok(p)
}

/// `nn dense` (lowprec's kernel).
fn own_dense(a: &Args) -> Result<OwnCmd, CliError> {
    let p = DenseParams {
        n_in: a.uint("--n-in", 1..=1 << 20)? as usize,
        n_out: a.uint("--n-out", 1..=1 << 20)? as usize,
        input: a.ty("--in")?,
        weight: a.ty("--weight-type")?,
        bias: a.ty("--bias-type")?,
        accum: a.ty("--accum")?,
        output: a.ty("--out")?,
        schedule: match a.value("--schedule") {
            None | Some("latency") => Schedule::Latency,
            Some("wide") => Schedule::Wide,
            Some(other) => {
                return Err(usage(format!(
                    "--schedule must be latency or wide, got {other:?}"
                )));
            }
        },
        relu: a.has("--relu"),
    };
    Dense::new(p).map_err(config_error)?;
    Ok(OwnCmd::Dense {
        params: p,
        weights: a.file("--weights")?,
        biases: a.file("--biases")?,
    })
}

/// Runs a configured lowprec kernel over the vectors on standard input.
fn run_own(cmd: &OwnCmd, input: &mut dyn BufRead, output: &mut dyn Write) -> Result<(), CliError> {
    match cmd {
        OwnCmd::Gelu(p) => {
            let g = Gelu::new(*p).map_err(config_error)?;
            let mut table = vec![0; g.table_len()];
            let k = g.load(&mut table).map_err(config_error)?;
            run_vectors(input, output, |line| {
                let n = line.split_whitespace().count().max(1);
                let x = raw_vector(line, &p.input, n, "input")?;
                let mut y = vec![0i64; n];
                k.run(&x, &mut y).map_err(|e| e.to_string())?;
                Ok(line_of(&y))
            })
        }
        OwnCmd::Softmax(p) => {
            let sm = Softmax::new(*p).map_err(config_error)?;
            let (mut exp, mut inv) = (vec![0; sm.exp_table_len()], vec![0; sm.inv_table_len()]);
            let k = sm.load(&mut exp, &mut inv).map_err(config_error)?;
            let mut y = vec![0i64; p.n];
            run_vectors(input, output, |line| {
                let x = raw_vector(line, &p.input, p.n, "input")?;
                k.run(&x, &mut y).map_err(|e| e.to_string())?;
                Ok(line_of(&y))
            })
        }
        OwnCmd::LayerNorm {
            params: p,
            scale,
            bias,
        } => {
            let s = raw_file(scale, &p.scale, p.dim, "scale")?;
            let b = raw_file(bias, &p.bias, p.dim, "bias")?;
            let ln = LayerNorm::new(*p).map_err(config_error)?;
            let mut table = vec![0; ln.table_len()];
            let k = ln.load(&mut table).map_err(config_error)?;
            let mut y = vec![0i64; p.dim];
            run_vectors(input, output, |line| {
                let x = raw_vector(line, &p.input, p.dim, "input")?;
                k.run(&x, &s, &b, &mut y).map_err(|e| e.to_string())?;
                Ok(line_of(&y))
            })
        }
        OwnCmd::Dense {
            params: p,
            weights,
            biases,
        } => {
            // The file holds [n_in][n_out] (hls4ml's layout); the kernel reads [n_out][n_in].
            let w = raw_file(weights, &p.weight, p.n_in * p.n_out, "weights")?;
            let mut wt = vec![0i64; w.len()];
            for i in 0..p.n_in {
                for j in 0..p.n_out {
                    wt[j * p.n_in + i] = w[i * p.n_out + j];
                }
            }
            let b = raw_file(biases, &p.bias, p.n_out, "biases")?;
            let dense = Dense::new(*p).map_err(config_error)?;
            let mut y = vec![0i64; p.n_out];
            run_vectors(input, output, |line| {
                let x = raw_vector(line, &p.input, p.n_in, "input")?;
                dense.run(&x, &wt, &b, &mut y).map_err(|e| e.to_string())?;
                Ok(line_of(&y))
            })
        }
    }
}

/// The options of each subcommand: lowprec's kernel and hls4ml's.
const SOFTMAX_OPTS: &[Opt] = &[
    Opt::Value("--n"),
    Opt::Value("--in"),
    Opt::Value("--out"),
    Opt::Value("--compat"),
    Opt::Value("--accum"),
    Opt::Value("--exp-table"),
    Opt::Value("--inv-table"),
    // lowprec
    Opt::Value("--exp-index-bits"),
    Opt::Value("--exp-range-log2"),
    Opt::Value("--inv-index-bits"),
    Opt::Value("--inv"),
    // hls4ml
    Opt::Value("--impl"),
    Opt::Value("--table-size"),
    Opt::Value("--inv-inp"),
    Opt::Value("--inp-norm"),
    Opt::Value("--legacy-table"),
    Opt::Value("--exp-scale"),
];
const SOFTMAX_OWN: &[&str] = &[
    "--exp-index-bits",
    "--exp-range-log2",
    "--inv-index-bits",
    "--inv",
];
const SOFTMAX_HLS4ML: &[&str] = &[
    "--impl",
    "--table-size",
    "--inv-inp",
    "--inp-norm",
    "--legacy-table",
    "--exp-scale",
];

const LAYERNORM_OPTS: &[Opt] = &[
    Opt::Value("--dim"),
    Opt::Value("--in"),
    Opt::Value("--out"),
    Opt::Value("--scale"),
    Opt::Value("--bias"),
    Opt::Value("--compat"),
    Opt::Value("--accum"),
    Opt::Value("--table"),
    Opt::Value("--scale-type"),
    Opt::Value("--bias-type"),
    // lowprec
    Opt::Value("--epsilon"),
    Opt::Value("--dim-recip"),
    Opt::Value("--mean"),
    Opt::Value("--sq-accum"),
    Opt::Value("--var"),
    Opt::Value("--epsilon-type"),
    Opt::Value("--index-bits"),
    Opt::Value("--norm"),
    // hls4ml
    Opt::Value("--table-size"),
    Opt::Value("--table-range-power2"),
    Opt::Value("--epsilon-power-of-10"),
];
const LAYERNORM_OWN: &[&str] = &[
    "--epsilon",
    "--dim-recip",
    "--mean",
    "--sq-accum",
    "--var",
    "--epsilon-type",
    "--index-bits",
    "--norm",
];
const LAYERNORM_HLS4ML: &[&str] = &[
    "--table-size",
    "--table-range-power2",
    "--epsilon-power-of-10",
];

const DENSE_OPTS: &[Opt] = &[
    Opt::Value("--n-in"),
    Opt::Value("--n-out"),
    Opt::Value("--in"),
    Opt::Value("--out"),
    Opt::Value("--weight-type"),
    Opt::Value("--bias-type"),
    Opt::Value("--accum"),
    Opt::Value("--weights"),
    Opt::Value("--biases"),
    Opt::Value("--compat"),
    // lowprec
    Opt::Value("--schedule"),
    Opt::Flag("--relu"),
    // hls4ml
    Opt::Value("--strategy"),
    Opt::Value("--reuse-factor"),
];
const GELU_OPTS: &[Opt] = &[
    Opt::Value("--in"),
    Opt::Value("--out"),
    Opt::Value("--form"),
    Opt::Value("--window-int-bits"),
    Opt::Value("--index-bits"),
    Opt::Value("--compat"),
];

const DENSE_OWN: &[&str] = &["--schedule", "--relu"];
const DENSE_HLS4ML: &[&str] = &["--strategy", "--reuse-factor"];

/// Parses the arguments after `nn`; `None` stands for the help text.
pub fn parse(args: &[String]) -> Result<Option<NnCmd>, CliError> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(usage(
            "nn needs a kernel: softmax, layernorm, dense or gelu",
        ));
    };
    let (name, known, own, theirs): (&'static str, &[Opt], &[&str], &[&str]) = match sub.as_str() {
        "-h" | "--help" => return Ok(None),
        "softmax" => ("softmax", SOFTMAX_OPTS, SOFTMAX_OWN, SOFTMAX_HLS4ML),
        "layernorm" => ("layernorm", LAYERNORM_OPTS, LAYERNORM_OWN, LAYERNORM_HLS4ML),
        "dense" => ("dense", DENSE_OPTS, DENSE_OWN, DENSE_HLS4ML),
        "gelu" => ("gelu", GELU_OPTS, &[], &[]),
        other => {
            return Err(usage(format!(
                "unknown nn kernel {other:?}: expected softmax, layernorm, dense or gelu"
            )));
        }
    };
    let Some(a) = Args::parse(name, rest, known)? else {
        return Ok(None);
    };
    if a.hls4ml()? {
        a.refuse(
            own,
            "is an option of lowprec's kernel, not of --compat hls4ml",
        )?;
        Ok(Some(NnCmd::Hls4ml(match name {
            "softmax" => nn_hls4ml::softmax(&a)?,
            "layernorm" => nn_hls4ml::layernorm(&a)?,
            "dense" => nn_hls4ml::dense(&a)?,
            _ => {
                return Err(usage(
                    "hls4ml 1.3.0 has no GELU kernel in its Vivado/Vitis nnet_utils: \
                     nn gelu has no --compat hls4ml",
                ));
            }
        })))
    } else {
        a.refuse(theirs, "needs --compat hls4ml")?;
        Ok(Some(NnCmd::Own(match name {
            "softmax" => own_softmax(&a)?,
            "layernorm" => own_layernorm(&a)?,
            "gelu" => OwnCmd::Gelu(gelu_params(&a)?),
            _ => own_dense(&a)?,
        })))
    }
}

/// Runs `lowprec nn`.
pub fn run(cmd: &NnCmd, input: &mut dyn BufRead, output: &mut dyn Write) -> Result<(), CliError> {
    match cmd {
        NnCmd::Own(c) => run_own(c, input, output),
        NnCmd::Hls4ml(c) => nn_hls4ml::run(c, input, output),
    }
}

pub const TABLES_HELP: &str = "\
lowprec hls-tables: the C++ configuration header of a lowprec kernel, with its
lookup tables, for hls/include/lowprec/nn/

Usage:
  lowprec hls-tables softmax --n N --in T --out T [softmax options] [--name NAME]
  lowprec hls-tables layernorm --dim D --in T --out T --scale-type T --bias-type T
                               [layer-norm options] [--name NAME]
  lowprec hls-tables gelu --in T --out T [gelu options] [--name NAME]

The options are those of `lowprec nn KERNEL` (see `lowprec nn --help`), without
the files of scales and biases. Writes to standard output one C++ header holding
`struct NAME` (default: softmax_config, layernorm_config, gelu_config) with the
types, constants and tables that lowprec::nn::KERNEL<NAME> reads. Every entry is
computed exactly and correctly rounded by lowprec, so the header is the same on
every machine; the golden model `lowprec nn KERNEL` with the same options computes
what the kernel computes with it.

Example:
  $ lowprec hls-tables gelu --in 'ap_fixed<8,4>' --out 'ap_fixed<8,4,AP_RND_CONV,AP_SAT>' --name gelu8
";

/// What `lowprec hls-tables` asks for: a configuration and the struct's name.
#[derive(Debug, PartialEq)]
pub struct TablesCmd {
    kernel: OwnCmd,
    name: String,
}

/// Parses the arguments after `hls-tables`; `None` stands for the help text.
pub fn parse_tables(args: &[String]) -> Result<Option<TablesCmd>, CliError> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(usage(
            "hls-tables needs a kernel: softmax, layernorm or gelu",
        ));
    };
    let known = |opts: &[Opt]| -> Vec<Opt> {
        opts.iter()
            .copied()
            .filter(|o| !matches!(o, Opt::Value("--scale" | "--bias" | "--compat")))
            .chain([Opt::Value("--name")])
            .collect()
    };
    let (name, opts) = match sub.as_str() {
        "-h" | "--help" => return Ok(None),
        "softmax" => ("softmax", known(SOFTMAX_OPTS)),
        "layernorm" => ("layernorm", known(LAYERNORM_OPTS)),
        "gelu" => ("gelu", known(GELU_OPTS)),
        other => {
            return Err(usage(format!(
                "unknown hls-tables kernel {other:?}: expected softmax, layernorm or gelu \
                 (dense has no tables)"
            )));
        }
    };
    let Some(a) = Args::parse(name, rest, &opts)? else {
        return Ok(None);
    };
    let hls4ml_only: &[&str] = match name {
        "softmax" => SOFTMAX_HLS4ML,
        "layernorm" => LAYERNORM_HLS4ML,
        _ => &[],
    };
    a.refuse(
        hls4ml_only,
        "is an option of hls4ml's kernel, whose tables hls4ml fills itself",
    )?;
    let kernel = match name {
        "softmax" => OwnCmd::Softmax(softmax_params(&a)?),
        "layernorm" => OwnCmd::LayerNorm {
            params: layernorm_params(&a)?,
            scale: PathBuf::new(),
            bias: PathBuf::new(),
        },
        _ => OwnCmd::Gelu(gelu_params(&a)?),
    };
    let struct_name = a
        .value("--name")
        .map_or_else(|| format!("{name}_config"), str::to_string);
    lowprec::nn::check_cpp_name(&struct_name)
        .map_err(|e| usage(format!("--name {struct_name:?}: {e}")))?;
    Ok(Some(TablesCmd {
        kernel,
        name: struct_name,
    }))
}

/// Runs `lowprec hls-tables`.
pub fn run_tables(cmd: &TablesCmd, output: &mut dyn Write) -> Result<(), CliError> {
    let mut header = String::new();
    let written = match &cmd.kernel {
        OwnCmd::Softmax(p) => {
            Softmax::new(*p).and_then(|k| k.write_cpp_config(&mut header, &cmd.name))
        }
        OwnCmd::LayerNorm { params, .. } => {
            LayerNorm::new(*params).and_then(|k| k.write_cpp_config(&mut header, &cmd.name))
        }
        OwnCmd::Gelu(p) => Gelu::new(*p).and_then(|k| k.write_cpp_config(&mut header, &cmd.name)),
        OwnCmd::Dense { .. } => Err(NnError::Config("dense has no tables")),
    };
    written.map_err(config_error)?;
    output
        .write_all(header.as_bytes())
        .map_err(|e| CliError::Io("writing standard output", e))
}
