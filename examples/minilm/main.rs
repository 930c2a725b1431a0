//! all-MiniLM-L6-v2 sentence embeddings in every numeric mode lowprec emulates.
//!
//! ```text
//! bash scripts/fetch-minilm.sh      # once: the model files into target/models/
//! cargo run --release --example minilm < examples/minilm/sentences.txt
//! cargo run --release --example minilm -- --mode e4m3 --rounding sr < sentences.txt
//! ```
//!
//! Reads sentences from standard input, one per line, and runs sentence-transformers'
//! all-MiniLM-L6-v2 (BERT: 6 layers, hidden 384, 12 heads, FFN 1536, GELU (erf),
//! LayerNorm ε = 10⁻¹², mean pooling, L2 normalisation) on them in each requested mode.
//! For each mode it prints the cosine-similarity matrix of the sentences, the mean cosine
//! between the mode's embeddings and the `f32` embeddings of the same sentences, and
//! tokens per second (one core); then a summary table. With a single `--mode M` it prints
//! only that mode's matrix, one row per line.
//!
//! Modes: `f32`, `bf16`, `e4m3`, `mxfp8`, `mxfp4`, `nvfp4`, `lmul-attention`, `lmul-all`,
//! `fixed`, `hls4ml` (see `--help` and README.md's "A real transformer" section).

mod calibrate;
mod fixed;
mod forward;
mod gemm;
mod hls4ml;
mod model;
mod numerics;
mod report;
mod weights;

use std::cell::RefCell;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use lowprec::block::BlockFormat;
use lowprec::lmul::{self, LMul};
use lowprec::{FloatFormat, Overflow, Rounding, SplitMix64};

use crate::forward::{Numerics, Prepared, forward};
use crate::model::Model;
use crate::numerics::{Bf16, Block, F32, Fp8};

const HELP: &str = "\
usage: minilm [--mode MODE]... [--model-dir DIR] [--rounding rne|sr] [--seed N]
              [--accumulator f32|e4m3] [--calibration FILE] [--dump] < sentences

Runs all-MiniLM-L6-v2 on the sentences of standard input (one per line) in each MODE
(default: all of them, in this order):
  f32             the reference
  bf16            every weight and activation rounded to bf16 after each operation
  e4m3            FP8 E4M3FN linear layers (per-channel weight, per-token activation
                  scales); --rounding rne (default) or sr (--seed N)
  mxfp8 mxfp4     OCP MX block formats (32 elements, E8M0 scales) in the linear layers
  nvfp4           FP4 E2M1 in blocks of 16 with E4M3 scales and an f32 tensor scale
  lmul-attention  bf16 model whose QK^T and P.V products are L-Mul
  lmul-all        every matrix product by L-Mul of bf16 operands cut to 3 fraction bits,
                  accumulated in --accumulator f32 (default) or e4m3 (the paper's)
  fixed           ap_fixed everywhere, types from a range analysis over --calibration
                  (default examples/minilm/calibration.txt), lowprec's kernels
  hls4ml          the same types with hls4ml's softmax, LayerNorm and dense kernels
--model-dir DIR   model.safetensors and tokenizer.json (default target/models/all-MiniLM-L6-v2,
                  put there by scripts/fetch-minilm.sh)
--dump            print each sentence's token ids and f32 embedding (for the tests)
";

/// A numeric mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    F32,
    Bf16,
    E4m3,
    Mxfp8,
    Mxfp4,
    Nvfp4,
    LmulAttention,
    LmulAll,
    Fixed,
    Hls4ml,
}

impl Mode {
    const ALL: [Mode; 10] = [
        Mode::F32,
        Mode::Bf16,
        Mode::E4m3,
        Mode::Mxfp8,
        Mode::Mxfp4,
        Mode::Nvfp4,
        Mode::LmulAttention,
        Mode::LmulAll,
        Mode::Fixed,
        Mode::Hls4ml,
    ];

    fn name(self) -> &'static str {
        match self {
            Mode::F32 => "f32",
            Mode::Bf16 => "bf16",
            Mode::E4m3 => "e4m3",
            Mode::Mxfp8 => "mxfp8",
            Mode::Mxfp4 => "mxfp4",
            Mode::Nvfp4 => "nvfp4",
            Mode::LmulAttention => "lmul-attention",
            Mode::LmulAll => "lmul-all",
            Mode::Fixed => "fixed",
            Mode::Hls4ml => "hls4ml",
        }
    }

    fn parse(s: &str) -> Result<Mode, String> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("unknown mode {s:?} (see --help)"))
    }
}

/// The command line.
struct Options {
    modes: Vec<Mode>,
    model_dir: Option<String>,
    rounding: Rounding,
    seed: u64,
    accumulator: lowprec::float::dot::Accumulator,
    calibration: PathBuf,
    dump: bool,
}

fn parse_args() -> Result<Option<Options>, String> {
    let mut o = Options {
        modes: Vec::new(),
        model_dir: None,
        rounding: Rounding::TiesToEven,
        seed: 0,
        accumulator: lmul::DEFAULT_ACCUMULATOR,
        calibration: PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("examples/minilm/calibration.txt"),
        dump: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--mode" => o.modes.push(Mode::parse(&value("--mode")?)?),
            "--model-dir" => o.model_dir = Some(value("--model-dir")?),
            "--rounding" => {
                o.rounding = match value("--rounding")?.as_str() {
                    "rne" => Rounding::TiesToEven,
                    "sr" => "sr".parse().map_err(|e| format!("{e:?}"))?,
                    r => return Err(format!("--rounding {r}: use rne or sr")),
                }
            }
            "--seed" => {
                o.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--accumulator" => {
                o.accumulator = match value("--accumulator")?.as_str() {
                    "f32" => lmul::DEFAULT_ACCUMULATOR,
                    "e4m3" => lmul::PAPER_FP8_ACCUMULATOR,
                    r => return Err(format!("--accumulator {r}: use f32 or e4m3")),
                }
            }
            "--calibration" => o.calibration = PathBuf::from(value("--calibration")?),
            "--dump" => o.dump = true,
            _ => return Err(format!("unknown argument {a:?} (see --help)")),
        }
    }
    if o.modes.is_empty() {
        o.modes = Mode::ALL.to_vec();
    }
    Ok(Some(o))
}

/// One mode's result: the embeddings, the tokens per second, and lines to print before
/// the matrix (the fixed modes' chosen types).
struct Run {
    embeddings: Vec<Vec<f32>>,
    tokens_per_s: f64,
    notes: String,
}

fn timed<N: Numerics>(n: &N, model: &Model, ids: &[Vec<u32>]) -> Run {
    let prepared = Prepared::new(n, model);
    let tokens: usize = ids.iter().map(Vec::len).sum();
    let start = Instant::now();
    let embeddings = forward(n, model, &prepared, ids, &mut |_, _, _| {});
    let secs = start.elapsed().as_secs_f64();
    Run {
        embeddings,
        tokens_per_s: tokens as f64 / secs.max(1e-9),
        notes: String::new(),
    }
}

fn run_mode(
    mode: Mode,
    o: &Options,
    model: &Model,
    ids: &[Vec<u32>],
    calib: &[Vec<u32>],
) -> Result<Run, String> {
    let lmul_bf16 = LMul::guarded(FloatFormat::BF16, Overflow::Ieee);
    Ok(match mode {
        Mode::F32 => timed(&F32, model, ids),
        Mode::Bf16 => timed(&Bf16::plain(), model, ids),
        Mode::E4m3 => timed(
            &Fp8 {
                rounding: o.rounding,
                rng: RefCell::new(SplitMix64::new(o.seed)),
            },
            model,
            ids,
        ),
        Mode::Mxfp8 => timed(
            &Block {
                fmt: BlockFormat::MXFP8_E4M3,
            },
            model,
            ids,
        ),
        Mode::Mxfp4 => timed(
            &Block {
                fmt: BlockFormat::MXFP4_E2M1,
            },
            model,
            ids,
        ),
        Mode::Nvfp4 => timed(
            &Block {
                fmt: BlockFormat::NVFP4,
            },
            model,
            ids,
        ),
        Mode::LmulAttention => timed(
            &Bf16 {
                attention: Some(lmul_bf16),
                ..Bf16::plain()
            },
            model,
            ids,
        ),
        Mode::LmulAll => {
            let lm = lmul_bf16.with_k(3);
            timed(
                &Bf16 {
                    attention: Some(lm),
                    linear: Some(lm),
                    acc: o.accumulator,
                },
                model,
                ids,
            )
        }
        Mode::Fixed | Mode::Hls4ml => {
            let compat = if mode == Mode::Hls4ml {
                fixed::Kernels::Hls4ml
            } else {
                fixed::Kernels::Lowprec
            };
            let r = fixed::run(model, calib, ids, compat)?;
            Run {
                embeddings: r.embeddings,
                tokens_per_s: r.tokens_per_s,
                notes: r.types,
            }
        }
    })
}

fn read_lines(r: impl BufRead) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for line in r.lines() {
        let line = line.map_err(|e| format!("reading sentences: {e}"))?;
        let t = line.trim();
        if !t.is_empty() {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

fn main_inner() -> Result<(), String> {
    let Some(o) = parse_args()? else {
        print!("{HELP}");
        return Ok(());
    };
    let sentences = read_lines(std::io::stdin().lock())?;
    if sentences.is_empty() {
        return Err("no sentences on standard input".into());
    }
    let dir = model::model_dir(o.model_dir.as_deref()).map_err(|e| e.to_string())?;
    let model = Model::load(&dir).map_err(|e| e.to_string())?;
    let tok = model::tokenizer(&dir).map_err(|e| e.to_string())?;
    let ids = model::tokenize(&tok, &sentences).map_err(|e| e.to_string())?;
    if let Some(bad) = ids.iter().flatten().find(|&&i| i as usize >= model.vocab) {
        return Err(format!("token id {bad} beyond the vocabulary"));
    }
    let needs_calib = o
        .modes
        .iter()
        .any(|m| matches!(m, Mode::Fixed | Mode::Hls4ml));
    let calib = if needs_calib {
        let f = std::fs::File::open(&o.calibration)
            .map_err(|e| format!("{}: {e}", o.calibration.display()))?;
        let lines = read_lines(std::io::BufReader::new(f))?;
        model::tokenize(&tok, &lines).map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    // One untimed sentence first, so that the first mode is not timed with cold caches.
    timed(&F32, &model, &ids[..1]);
    let mut out = std::io::stdout().lock();
    let w = |e: std::io::Error| format!("writing: {e}");
    if o.dump {
        let r = run_mode(Mode::F32, &o, &model, &ids, &calib)?;
        for (s, e) in ids.iter().zip(&r.embeddings) {
            let ids: Vec<String> = s.iter().map(u32::to_string).collect();
            let e: Vec<String> = e.iter().map(|v| format!("{v:e}")).collect();
            writeln!(out, "ids {}", ids.join(" ")).map_err(w)?;
            writeln!(out, "embedding {}", e.join(" ")).map_err(w)?;
        }
        return Ok(());
    }
    if let [mode] = o.modes[..] {
        let r = run_mode(mode, &o, &model, &ids, &calib)?;
        report::write_matrix(&mut out, &report::similarity(&r.embeddings)).map_err(w)?;
        return Ok(());
    }
    // The reference first (also when not asked for): every mode is compared with it.
    let reference = run_mode(Mode::F32, &o, &model, &ids, &calib)?;
    let ref_sim = report::similarity(&reference.embeddings);
    let tokens: usize = ids.iter().map(Vec::len).sum();
    writeln!(out, "{} sentences, {tokens} tokens", sentences.len()).map_err(w)?;
    let mut rows = Vec::new();
    for &mode in &o.modes {
        let r = if mode == Mode::F32 {
            Run {
                notes: String::new(),
                embeddings: reference.embeddings.clone(),
                ..reference
            }
        } else {
            run_mode(mode, &o, &model, &ids, &calib)?
        };
        let sim = report::similarity(&r.embeddings);
        let row = report::Row::new(
            mode.name(),
            &r.embeddings,
            &reference.embeddings,
            &sim,
            &ref_sim,
            r.tokens_per_s,
            reference.tokens_per_s,
        );
        writeln!(out, "\n## {}", mode.name()).map_err(w)?;
        write!(out, "{}", r.notes).map_err(w)?;
        report::write_matrix(&mut out, &sim).map_err(w)?;
        writeln!(out, "mean cosine to f32: {:.4}", row.mean_cosine).map_err(w)?;
        writeln!(out, "tokens/s: {:.1}", r.tokens_per_s).map_err(w)?;
        rows.push(row);
    }
    writeln!(out).map_err(w)?;
    report::write_summary(&mut out, &rows).map_err(w)?;
    Ok(())
}

fn main() -> ExitCode {
    match main_inner() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("minilm: {e}");
            ExitCode::FAILURE
        }
    }
}
