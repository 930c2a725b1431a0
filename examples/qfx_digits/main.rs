//! QFX on a real model: the handwritten digits, a small residual network with every tensor in
//! its own `ap_fixed` type, float vs. PTQ vs. QFX vs. QFX with K-hot weights at W = 4, 6, 8.
//!
//! ```sh
//! bash scripts/fetch-digits.sh          # once: target/data/digits.csv
//! cargo run --release --example qfx_digits [-- --data PATH --emit DIR]
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

mod data;
mod model;
mod train;

use std::path::PathBuf;
use train::{FloatConfig, FloatNet, Q_NAMES, QatConfig, Quant};

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

struct Args {
    data: PathBuf,
    emit: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        data: PathBuf::from("target/data/digits.csv"),
        emit: PathBuf::from("target/qfx-digits"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut val = || it.next().ok_or(format!("{k} needs a value"));
        match k.as_str() {
            "--data" => a.data = PathBuf::from(val()?),
            "--emit" => a.emit = PathBuf::from(val()?),
            "-h" | "--help" => {
                println!("usage: qfx_digits [--data PATH] [--emit DIR]");
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {k} (try --help)")),
        }
    }
    Ok(a)
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
    let split = data::split(&all);
    println!(
        "digits: {} images; train {}, validation {}, test {}",
        all.len(),
        split.train.len(),
        split.val.len(),
        split.test.len()
    );
    data::write_test(&args.emit, &split.test).expect("write test.txt into the emit directory");

    let float_net = FloatNet::train(&split.train, &FLOAT);
    let folded = float_net.fold();
    let float_acc = folded.accuracy(&split.test);
    println!(
        "float (BatchNorm folded): validation {:.4}, test {:.4}",
        folded.accuracy(&split.val),
        float_acc
    );

    let mut summary = Vec::new();
    for w in WIDTHS {
        let quant = Quant::new(w);
        let f_ptq = quant.calibrate(&folded, &split.train);
        let ptq = quant.fixed_model(&format!("w{w}_ptq"), &folded, &f_ptq, false);
        let (ptq_val, ptq_loss) = train::evaluate(&ptq, &split.val);
        let (ptq_acc, ptq_test_loss) = train::evaluate(&ptq, &split.test);

        let mut runs = Vec::new();
        for khot in [false, true] {
            let mut best: Option<train::QatResult> = None;
            for lr_w in LR_W {
                for lr_f in LR_F {
                    let cfg = QatConfig { lr_w, lr_f, ..QAT };
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
            let m = quant.fixed_model(&name, &res.net, &res.f, khot);
            m.check()
                .unwrap_or_else(|e| panic!("model {name} is inconsistent: {e}"));
            m.write(&args.emit).unwrap_or_else(|e| {
                panic!("cannot write {name} into {}: {e}", args.emit.display())
            });
            let (acc, test_loss) = train::evaluate(&m, &split.test);
            let diff = train::fake_vs_exact(&quant, &res.net, &res.f, khot, &m, &split.train);
            runs.push((res, acc, test_loss, diff));
        }
        let (qfx, khot) = (&runs[0], &runs[1]);

        println!();
        println!("## W = {w}");
        println!();
        println!(
            "| model | validation | validation loss | test | test loss | kept (epoch, lr weights, lr F; epoch 0 = PTQ point) |"
        );
        println!("|---|---|---|---|---|---|");
        println!(
            "| float | {:.4} | | {float_acc:.4} | | |",
            folded.accuracy(&split.val)
        );
        println!("| PTQ | {ptq_val:.4} | {ptq_loss:.4} | {ptq_acc:.4} | {ptq_test_loss:.4} | |");
        for (label, r) in [("QFX", qfx), ("QFX + 2-hot CSD", khot)] {
            println!(
                "| {label} | {:.4} | {:.4} | {:.4} | {:.4} | {} of {}, {:e}, {:e} |",
                r.0.val_acc,
                r.0.val_loss,
                r.1,
                r.2,
                r.0.epoch,
                QAT.epochs,
                r.0.cfg.lr_w,
                r.0.cfg.lr_f
            );
        }
        println!();
        println!(
            "Training forward pass (fake-quantized f32) vs. exact inference of the kept models, \
             on the {} training images: {} (QFX) and {} (K-hot) images with different logits.",
            split.train.len(),
            qfx.3,
            khot.3
        );
        println!();
        println!("| tensor | PTQ | QFX | QFX + 2-hot |");
        println!("|---|---|---|---|");
        for (i, name) in Q_NAMES.iter().enumerate() {
            println!(
                "| {name} | `{}` | `{}` | `{}` |",
                quant.format(i, f_ptq[i]),
                quant.format(i, qfx.0.f[i]),
                quant.format(i, khot.0.f[i])
            );
        }
        summary.push(format!(
            "qfx_digits W={w} float={float_acc:.4} ptq={ptq_acc:.4} qfx={:.4} khot={:.4}",
            qfx.1, khot.1
        ));
    }
    println!();
    println!("models and test.txt written to {}", args.emit.display());
    for line in summary {
        println!("{line}");
    }
}
