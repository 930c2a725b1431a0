//! `lowprec nn … --compat hls4ml`: golden vectors of hls4ml 1.3.0's own kernels
//! (`lowprec::nn::hls4ml`), with the converter's defaults for every omitted option.

use super::common::{CliError, usage};
use super::nn::{
    Args, HLS4ML_DEFAULT_TYPE, line_of, raw_file, raw_vector, run_vectors, softmax_impl,
};
use lowprec::nn::NnError;
use lowprec::nn::hls4ml::{
    Dense, DenseParams, LayerNorm, LayerNormParams, Softmax, SoftmaxImpl, SoftmaxParams, Strategy,
};
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// A configured hls4ml kernel, with the files it reads.
#[derive(Debug, PartialEq)]
pub enum Hls4mlCmd {
    Softmax(SoftmaxParams),
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

fn config_error(e: NnError) -> CliError {
    usage(format!("invalid hls4ml configuration: {e}"))
}

/// `nn softmax --compat hls4ml`.
pub fn softmax(a: &Args) -> Result<Hls4mlCmd, CliError> {
    let n = a.uint("--n", 1..=65_536)? as usize;
    let input = a.ty("--in")?;
    let output = a.ty("--out")?;
    let implementation = softmax_impl(a.value("--impl"))?;
    let accum = a.ty_or("--accum", HLS4ML_DEFAULT_TYPE)?;
    let mut p = SoftmaxParams::with_converter_defaults(n, implementation, input, output, accum)
        .map_err(config_error)?;
    p.exp_table = a.ty_or("--exp-table", p.exp_table)?;
    p.inv_table = a.ty_or("--inv-table", p.inv_table)?;
    p.inv_inp = a.ty_or("--inv-inp", p.inv_inp)?;
    p.inp_norm = a.ty_or("--inp-norm", p.inp_norm)?;
    p.legacy_table = a.ty_or("--legacy-table", p.legacy_table)?;
    // The converter's table_size (default 1024) after its FixSoftmaxTableSize pass: at
    // most 2^min(W_in, W_inv_table) entries; stable with a signed input: an exp table of
    // at most 2^(W_in - 1).
    let s = a.uint_opt("--table-size", 2..=1 << 24)?.unwrap_or(1024);
    let bw = input.width().min(p.inv_table.width());
    let s = if bw < 63 { s.min(1 << bw) } else { s } as usize;
    p.inv_table_size = s;
    p.exp_table_size = s;
    if implementation == SoftmaxImpl::Stable && input.is_signed() && input.width() < 64 {
        p.exp_table_size = s.min(1 << (input.width() - 1));
    }
    if let Some(x) = a.value("--exp-scale") {
        // A decimal literal in the generated config: read as a double, kept as a float.
        let v: f64 = x
            .parse()
            .map_err(|_| usage(format!("--exp-scale must be a number, got {x:?}")))?;
        if !v.is_finite() {
            return Err(usage(format!("--exp-scale must be finite, got {x:?}")));
        }
        p.exp_scale = v as f32;
    }
    Ok(Hls4mlCmd::Softmax(p))
}

/// `nn layernorm --compat hls4ml`.
pub fn layernorm(a: &Args) -> Result<Hls4mlCmd, CliError> {
    let dim = a.uint("--dim", 1..=65_536)? as usize;
    let d = HLS4ML_DEFAULT_TYPE;
    let mut p = LayerNormParams::with_converter_defaults(
        dim,
        a.ty("--in")?,
        a.ty("--out")?,
        a.ty_or("--accum", d)?,
        a.ty_or("--scale-type", d)?,
        a.ty_or("--bias-type", d)?,
        // hls4ml's LayerNormalization attribute default (ε = 10^-3).
        a.uint_opt("--epsilon-power-of-10", 0..=37)?.unwrap_or(3) as u32,
    );
    p.table = a.ty_or("--table", p.table)?;
    if let Some(s) = a.uint_opt("--table-size", 1..=1 << 24)? {
        p.table_size = s as usize;
    }
    if let Some(r) = a.uint_opt("--table-range-power2", 0..=30)? {
        p.table_range_power2 = r as u32;
    }
    Ok(Hls4mlCmd::LayerNorm {
        params: p,
        scale: a.file("--scale")?,
        bias: a.file("--bias")?,
    })
}

/// `nn dense --compat hls4ml`.
pub fn dense(a: &Args) -> Result<Hls4mlCmd, CliError> {
    let mut p = DenseParams::with_converter_defaults(
        a.uint("--n-in", 1..=1 << 20)? as usize,
        a.uint("--n-out", 1..=1 << 20)? as usize,
        a.ty("--in")?,
        a.ty("--out")?,
        a.ty("--weight-type")?,
        a.ty("--bias-type")?,
        a.ty("--accum")?,
    );
    let rf = a.uint_opt("--reuse-factor", 1..=1 << 40)?;
    p.strategy = match a.value("--strategy") {
        None | Some("latency") => {
            if rf.is_some_and(|r| r != 1) {
                return Err(usage(
                    "--reuse-factor other than 1 needs --strategy resource",
                ));
            }
            Strategy::Latency
        }
        Some("resource") => Strategy::Resource {
            reuse_factor: rf.unwrap_or(1) as usize,
        },
        Some(other) => {
            return Err(usage(format!(
                "--strategy must be latency or resource, got {other:?}"
            )));
        }
    };
    Ok(Hls4mlCmd::Dense {
        params: p,
        weights: a.file("--weights")?,
        biases: a.file("--biases")?,
    })
}

fn run_error(e: NnError) -> String {
    e.to_string()
}

/// Runs a configured hls4ml kernel over the vectors on standard input.
pub fn run(
    cmd: &Hls4mlCmd,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), CliError> {
    match cmd {
        Hls4mlCmd::Softmax(p) => {
            let (ne, ni) = p.table_lens();
            let (mut exp, mut inv) = (vec![0i64; ne], vec![0i64; ni]);
            let sm = Softmax::new(*p, &mut exp, &mut inv).map_err(config_error)?;
            let mut y = vec![0i64; p.n];
            run_vectors(input, output, |line| {
                let x = raw_vector(line, &p.input, p.n, "input")?;
                sm.run(&x, &mut y).map_err(run_error)?;
                Ok(line_of(&y))
            })
        }
        Hls4mlCmd::LayerNorm {
            params: p,
            scale,
            bias,
        } => {
            let s = raw_file(scale, &p.scale, p.dim, "scale")?;
            let b = raw_file(bias, &p.bias, p.dim, "bias")?;
            let mut table = vec![0i64; p.table_len()];
            let ln = LayerNorm::new(*p, &s, &b, &mut table).map_err(config_error)?;
            let mut y = vec![0i64; p.dim];
            run_vectors(input, output, |line| {
                let x = raw_vector(line, &p.input, p.dim, "input")?;
                ln.run(&x, &mut y).map_err(run_error)?;
                Ok(line_of(&y))
            })
        }
        Hls4mlCmd::Dense {
            params: p,
            weights,
            biases,
        } => {
            let w = raw_file(weights, &p.weight, p.n_in * p.n_out, "weights")?;
            let b = raw_file(biases, &p.bias, p.n_out, "biases")?;
            let dense = Dense::new(*p, &w, &b).map_err(config_error)?;
            let mut y = vec![0i64; p.n_out];
            run_vectors(input, output, |line| {
                let x = raw_vector(line, &p.input, p.n_in, "input")?;
                dense.run(&x, &mut y).map_err(run_error)?;
                Ok(line_of(&y))
            })
        }
    }
}
