//! QFX on a real model: the handwritten digits, a small residual network with every tensor in
//! its own `ap_fixed` type, float vs. PTQ vs. QFX vs. QFX with K-hot weights at W = 4, 6, 8.
//!
//! ```sh
//! bash scripts/fetch-digits.sh          # once: target/data/digits.csv
//! cargo run --release --example qfx_digits [-- --data PATH --emit DIR]
//! cargo run --release --example qfx_digits -- --splits N [--data PATH]
//! ```
//!
//! ## Data
//! The 1,797 8×8 images of the digits data set (pixels 0..=16), split once with a fixed seed:
//! 360 test images, 10 % of the rest (144) for validation, the remaining 1,293 for training.
//! The test set is only reported; every choice (hyperparameters, the epoch kept) is made on
//! the validation set.
//!
//! ## Network
//! x = p/16 (64 inputs), then
//!
//! ```text
//! a1 = relu(s1 ⊙ (W1·x)  + b1)   W1: 32×64    cast to A1
//! a2 = relu(s2 ⊙ (W2·a1) + b2)   W2: 32×32    cast to A2
//! r  = a1 + a2                                cast to R   (residual add)
//! z  = W3·r + b3                 W3: 10×32    cast to Z   (logits, 16 bits)
//! ```
//!
//! The float model is trained with real BatchNorm after W1·x and W2·a1 (batch statistics,
//! running averages; Adam, minibatches of 32, softmax cross-entropy); BatchNorm is then folded
//! into the per-channel scale s = γ/√(var + ε) and shift b = β − γ·mean/√(var + ε).
//! "float" is the test accuracy of this folded network in `f32`.
//!
//! ## Quantization
//! Thirteen tensors get their own type, one binary point each (per tensor): x, W1, s1, b1,
//! A1, W2, s2, b2, A2, R, W3, b3 of width W and the logits Z of 16 bits; all
//! `AP_RND_CONV`/`AP_SAT`, activations unsigned. Every accuracy of a quantized model is that
//! of the exact fixed-point inference (`FixedModel::predict`: integer arithmetic, one cast
//! per typed value; the golden model of the HLS kernel), not of a float simulation.
//!
//! - **PTQ**: the folded float weights, binary points from statistics (`Qfx::init_frac_max_abs`:
//!   the largest F at which max |x| still fits) — weights, scales and biases from their own
//!   values, activations from the float model's values over the training set.
//! - **QFX**: from the PTQ point, weights, scales, biases *and* the 13 latent binary points F
//!   are fine-tuned together on the training set: the forward pass fake-quantizes every tensor
//!   with `Qfx::forward` (the exact `ap_fixed` cast), the backward pass uses the
//!   straight-through gradients of `Qfx::backward` (∂L/∂x and ∂L/∂F by region). Two Adam
//!   groups, one for the weights and one with a larger rate for the binary points, both
//!   decayed linearly to 10 % over 20 epochs; their two rates come from a small grid. After
//!   each epoch the exact model is evaluated on the validation set; over all epochs of all
//!   grid points the one with the best validation accuracy (ties: lower validation
//!   cross-entropy of the exact logits) is kept. The PTQ starting point counts as epoch 0
//!   and is a candidate too, so fine-tuning replaces it only when validation prefers it.
//! - **K-hot**: as QFX, with the raw integers of W1, W2, W3 additionally projected to the
//!   nearest value with at most K = 2 nonzero canonical-signed-digit digits
//!   (`qat::khot_project`) in the forward pass, straight-through backward (∂L/∂F by the QFX
//!   region rule with the K-hot value). Every product with such a weight is at most two
//!   shifts and an add, so the HLS kernel needs no multiplier for it. At W = 4 every code
//!   −8..7 already has at most two CSD digits, so K-hot and QFX coincide there.
//!
//! The fake-quantized training forward pass applies the same `ap_fixed` casts as the exact
//! inference and differs from it only in its `f32` sums and products; the output counts, for
//! each kept model, the training images on which its logits differ from the exact ones in any
//! bit (0 for every kept model at every width).
//!
//! ## Output
//! For each W, the test accuracies and the learned `ap_fixed<W,I,Q,O>` type of every tensor;
//! the models `w<W>_qfx` and `w<W>_khot` (`.model` and `.h`) and the test set (`test.txt`)
//! are written to the emit directory (default `target/qfx-digits`). The output ends with one
//! line per width, `qfx_digits W=<w> float=<acc> ptq=<acc> qfx=<acc> khot=<acc>`, for scripts.
//! Everything is seeded and single-threaded: every run prints the same numbers.
//!
//! ## Repeated splits (`--splits N`)
//! On one split of 360 test images one image is 0.28 % and the standard error of an accuracy
//! near 98 % is about 2.6 images, so single-split differences between the methods of one or
//! two images are noise. `--splits N` (N ≥ 2) repeats the whole protocol above — split, float
//! training, PTQ, QFX and K-hot with their grid points and epochs selected on validation — on
//! N splits: split 0 is the fixed split with the seeds of the single run (its numbers are
//! those of the single run), splits 1 … N−1 draw the seed of the split shuffle, of the float
//! training and of the fine-tuning from a fixed seeded stream (`SPLITS_SEED`). The sizes are
//! those of the fixed split (360 / 144 / 1,293), and the test set is still only evaluated.
//! Nothing is written: no models, no `test.txt` (`--emit` is refused). The output lists the
//! test accuracies of every split and width, then one markdown table with, for each W, the
//! mean ± standard deviation (n − 1) over the splits of the float, PTQ, QFX and K-hot test
//! accuracies, and the paired comparison of QFX with PTQ: the number of splits with
//! QFX ≥ PTQ and with QFX > PTQ, and the mean difference QFX − PTQ ± its standard error
//! (standard deviation of the differences / √N). It ends with one line per width,
//! `qfx_digits_splits W=<w> n=<N> float=<mean> ptq=<mean> qfx=<mean> khot=<mean>`. The run
//! takes about N times as long as the single run.

mod data;
mod model;
mod train;

use data::{Sample, Split};
use lowprec::{RandomBits, SplitMix64};
use model::FixedModel;
use std::path::PathBuf;
use train::{FloatConfig, FloatNet, Q_NAMES, QatConfig, QatResult, Quant};

/// The widths of the experiment.
const WIDTHS: [u32; 3] = [4, 6, 8];

const FLOAT: FloatConfig = FloatConfig {
    epochs: 60,
    batch: 32,
    lr: 3e-3,
    seed: 0x000F_10A7_0001,
};

/// The fine-tuning runs; the learning rates are a grid searched on the validation set.
const QAT: QatConfig = QatConfig {
    epochs: 20,
    batch: 32,
    lr_w: 0.0,
    lr_f: 0.0,
    seed: 0x0F_0001,
};
/// The grid of (weight, binary point) learning rates.
const LR_W: [f32; 2] = [1e-4, 5e-4];
const LR_F: [f32; 2] = [1e-2, 3e-2];
/// The seed of the stream the seeds of splits 1, 2, … of `--splits` are drawn from (three
/// draws per split: the split shuffle, the float training, the fine-tuning).
const SPLITS_SEED: u64 = 0x5EED_5011_7500_0001;

struct Args {
    data: PathBuf,
    emit: Option<PathBuf>,
    splits: Option<usize>,
}

const DEFAULT_EMIT: &str = "target/qfx-digits";

fn args() -> Result<Args, String> {
    let mut a = Args {
        data: PathBuf::from("target/data/digits.csv"),
        emit: None,
        splits: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut val = || it.next().ok_or(format!("{k} needs a value"));
        match k.as_str() {
            "--data" => a.data = PathBuf::from(val()?),
            "--emit" => a.emit = Some(PathBuf::from(val()?)),
            "--splits" => {
                let v = val()?;
                let n = v
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n >= 2)
                    .ok_or(format!("--splits needs a number of splits ≥ 2, not {v}"))?;
                a.splits = Some(n);
            }
            "-h" | "--help" => {
                println!("usage: qfx_digits [--data PATH] [--emit DIR | --splits N]");
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {k} (try --help)")),
        }
    }
    if a.splits.is_some() && a.emit.is_some() {
        return Err("--splits writes no artifacts; it takes no --emit".to_string());
    }
    Ok(a)
}

/// A kept fine-tuning run (QFX or K-hot) at one width.
struct Kept {
    res: QatResult,
    /// Its exact model.
    model: FixedModel,
    /// Test accuracy and cross-entropy of the exact model (reported only).
    acc: f64,
    test_loss: f64,
}

/// The protocol at one width.
struct WidthRun {
    w: u32,
    quant: Quant,
    f_ptq: [f32; 13],
    ptq_val: f64,
    ptq_loss: f64,
    ptq_acc: f64,
    ptq_test_loss: f64,
    qfx: Kept,
    khot: Kept,
}

/// The whole protocol on one split.
struct Protocol {
    float_val: f64,
    float_acc: f64,
    widths: Vec<WidthRun>,
}

/// Float training, then at each width PTQ, and QFX and K-hot with their grid points and
/// epochs selected on the validation set. The test set is only evaluated, never consulted.
fn protocol(split: &Split, float_cfg: &FloatConfig, qat_cfg: &QatConfig) -> Protocol {
    let float_net = FloatNet::train(&split.train, float_cfg);
    let folded = float_net.fold();
    let float_val = folded.accuracy(&split.val);
    let float_acc = folded.accuracy(&split.test);
    let mut widths = Vec::new();
    for w in WIDTHS {
        let quant = Quant::new(w);
        let f_ptq = quant.calibrate(&folded, &split.train);
        let ptq = quant.fixed_model(&format!("w{w}_ptq"), &folded, &f_ptq, false);
        let (ptq_val, ptq_loss) = train::evaluate(&ptq, &split.val);
        let (ptq_acc, ptq_test_loss) = train::evaluate(&ptq, &split.test);
        let mut runs = Vec::new();
        for khot in [false, true] {
            let mut best: Option<QatResult> = None;
            for lr_w in LR_W {
                for lr_f in LR_F {
                    let cfg = QatConfig {
                        lr_w,
                        lr_f,
                        ..*qat_cfg
                    };
                    let r = train::qat(
                        &quant,
                        &folded,
                        &f_ptq,
                        khot,
                        &split.train,
                        &split.val,
                        &cfg,
                    );
                    if best
                        .as_ref()
                        .is_none_or(|b| b.worse_than(r.val_acc, r.val_loss))
                    {
                        best = Some(r);
                    }
                }
            }
            let res = best.expect("a nonempty grid");
            let name = format!("w{w}_{}", if khot { "khot" } else { "qfx" });
            let model = quant.fixed_model(&name, &res.net, &res.f, khot);
            model
                .check()
                .unwrap_or_else(|e| panic!("model {name} is inconsistent: {e}"));
            let (acc, test_loss) = train::evaluate(&model, &split.test);
            runs.push(Kept {
                res,
                model,
                acc,
                test_loss,
            });
        }
        let khot = runs.pop().expect("two runs");
        let qfx = runs.pop().expect("two runs");
        widths.push(WidthRun {
            w,
            quant,
            f_ptq,
            ptq_val,
            ptq_loss,
            ptq_acc,
            ptq_test_loss,
            qfx,
            khot,
        });
    }
    Protocol {
        float_val,
        float_acc,
        widths,
    }
}

fn main() {
    let args = args().unwrap_or_else(|e| {
        eprintln!("qfx_digits: {e}");
        std::process::exit(2);
    });
    let all = data::load(&args.data).unwrap_or_else(|e| {
        eprintln!("qfx_digits: {e}");
        std::process::exit(1);
    });
    match args.splits {
        Some(n) => splits(&all, n),
        None => single(
            &all,
            &args.emit.unwrap_or_else(|| PathBuf::from(DEFAULT_EMIT)),
        ),
    }
}

/// The experiment on the fixed split, with its artifacts.
fn single(all: &[Sample], emit: &std::path::Path) {
    let split = data::split(all);
    println!(
        "digits: {} images; train {}, validation {}, test {}",
        all.len(),
        split.train.len(),
        split.val.len(),
        split.test.len()
    );
    data::write_test(emit, &split.test).expect("write test.txt into the emit directory");

    let p = protocol(&split, &FLOAT, &QAT);
    let float_acc = p.float_acc;
    println!(
        "float (BatchNorm folded): validation {:.4}, test {:.4}",
        p.float_val, float_acc
    );

    let mut summary = Vec::new();
    for wr in &p.widths {
        let w = wr.w;
        let quant = &wr.quant;
        for k in [&wr.qfx, &wr.khot] {
            k.model.write(emit).unwrap_or_else(|e| {
                panic!("cannot write {} into {}: {e}", k.model.name, emit.display())
            });
        }
        let diff = |k: &Kept| {
            let khot = k.model.khot.is_some();
            train::fake_vs_exact(quant, &k.res.net, &k.res.f, khot, &k.model, &split.train)
        };
        let (qfx, khot) = (&wr.qfx, &wr.khot);

        println!();
        println!("## W = {w}");
        println!();
        println!(
            "| model | validation | validation loss | test | test loss | kept (epoch, lr weights, lr F; epoch 0 = PTQ point) |"
        );
        println!("|---|---|---|---|---|---|");
        println!("| float | {:.4} | | {float_acc:.4} | | |", p.float_val);
        println!(
            "| PTQ | {:.4} | {:.4} | {:.4} | {:.4} | |",
            wr.ptq_val, wr.ptq_loss, wr.ptq_acc, wr.ptq_test_loss
        );
        for (label, r) in [("QFX", qfx), ("QFX + 2-hot CSD", khot)] {
            println!(
                "| {label} | {:.4} | {:.4} | {:.4} | {:.4} | {} of {}, {:e}, {:e} |",
                r.res.val_acc,
                r.res.val_loss,
                r.acc,
                r.test_loss,
                r.res.epoch,
                QAT.epochs,
                r.res.cfg.lr_w,
                r.res.cfg.lr_f
            );
        }
        println!();
        println!(
            "Training forward pass (fake-quantized f32) vs. exact inference of the kept models, \
             on the {} training images: {} (QFX) and {} (K-hot) images with different logits.",
            split.train.len(),
            diff(qfx),
            diff(khot)
        );
        println!();
        println!("| tensor | PTQ | QFX | QFX + 2-hot |");
        println!("|---|---|---|---|");
        for (i, name) in Q_NAMES.iter().enumerate() {
            println!(
                "| {name} | `{}` | `{}` | `{}` |",
                quant.format(i, wr.f_ptq[i]),
                quant.format(i, qfx.res.f[i]),
                quant.format(i, khot.res.f[i])
            );
        }
        summary.push(format!(
            "qfx_digits W={w} float={float_acc:.4} ptq={:.4} qfx={:.4} khot={:.4}",
            wr.ptq_acc, qfx.acc, khot.acc
        ));
    }
    println!();
    println!("models and test.txt written to {}", emit.display());
    for line in summary {
        println!("{line}");
    }
}

/// The seeds of split `s` of `--splits`: (split shuffle, float training, fine-tuning).
/// Split 0 is the fixed split with the seeds of the single experiment.
fn split_seeds(s: usize) -> (u64, u64, u64) {
    if s == 0 {
        return (data::SPLIT_SEED, FLOAT.seed, QAT.seed);
    }
    let mut rng = SplitMix64::new(SPLITS_SEED);
    for _ in 0..3 * (s - 1) {
        rng.next_u64();
    }
    (rng.next_u64(), rng.next_u64(), rng.next_u64())
}

/// Mean and sample standard deviation (n − 1) of `v` (at least two values).
fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// The protocol on `n` splits (no artifacts): per-split test accuracies, then their means
/// and standard deviations and the paired comparison of QFX with PTQ at each width.
fn splits(all: &[Sample], n: usize) {
    // acc[width][method][split], methods float, PTQ, QFX, K-hot.
    let mut acc = vec![[const { Vec::<f64>::new() }; 4]; WIDTHS.len()];
    println!(
        "digits: {} images; {n} splits, each repeating the whole protocol",
        all.len()
    );
    println!();
    println!("| split | train | validation | test | W | float | PTQ | QFX | QFX + 2-hot CSD |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for s in 0..n {
        let (split_seed, float_seed, qat_seed) = split_seeds(s);
        let split = data::split_seeded(all, split_seed);
        let float_cfg = FloatConfig {
            seed: float_seed,
            ..FLOAT
        };
        let qat_cfg = QatConfig {
            seed: qat_seed,
            ..QAT
        };
        let p = protocol(&split, &float_cfg, &qat_cfg);
        for (i, wr) in p.widths.iter().enumerate() {
            let row = [p.float_acc, wr.ptq_acc, wr.qfx.acc, wr.khot.acc];
            for (m, &a) in row.iter().enumerate() {
                acc[i][m].push(a);
            }
            println!(
                "| {s} | {} | {} | {} | {} | {:.4} | {:.4} | {:.4} | {:.4} |",
                split.train.len(),
                split.val.len(),
                split.test.len(),
                wr.w,
                row[0],
                row[1],
                row[2],
                row[3]
            );
        }
    }
    println!();
    println!(
        "Test accuracy over the {n} splits: mean ± standard deviation; QFX vs. PTQ paired by \
         split: the splits with QFX ≥ PTQ and with QFX > PTQ, and the mean difference ± its \
         standard error."
    );
    println!();
    println!("| W | float | PTQ | QFX | QFX + 2-hot CSD | QFX ≥ PTQ | QFX > PTQ | QFX − PTQ |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut summary = Vec::new();
    for (i, w) in WIDTHS.iter().enumerate() {
        let ms: Vec<(f64, f64)> = acc[i].iter().map(|v| mean_sd(v)).collect();
        let (ptq, qfx) = (&acc[i][1], &acc[i][2]);
        let d: Vec<f64> = qfx.iter().zip(ptq).map(|(q, p)| q - p).collect();
        let ge = qfx.iter().zip(ptq).filter(|(q, p)| q >= p).count();
        let gt = qfx.iter().zip(ptq).filter(|(q, p)| q > p).count();
        let (dm, dsd) = mean_sd(&d);
        let cell = |m: usize| format!("{:.4} ± {:.4}", ms[m].0, ms[m].1);
        println!(
            "| {w} | {} | {} | {} | {} | {ge} of {n} | {gt} of {n} | {dm:+.4} ± {:.4} |",
            cell(0),
            cell(1),
            cell(2),
            cell(3),
            dsd / (n as f64).sqrt()
        );
        summary.push(format!(
            "qfx_digits_splits W={w} n={n} float={:.4} ptq={:.4} qfx={:.4} khot={:.4}",
            ms[0].0, ms[1].0, ms[2].0, ms[3].0
        ));
    }
    println!();
    for line in summary {
        println!("{line}");
    }
}
