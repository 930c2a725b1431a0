//! The handwritten digits data: reading `digits.csv`, the train/validation/test split (the
//! fixed one, or a seeded one for `--splits`), and the test set file the HLS testbench reads.
//!
//! `digits.csv` (written by `scripts/fetch-digits.sh`) holds 1,797 images, one a line: 64
//! pixel values 0..=16 of an 8×8 image (row-major), then the label 0..=9, comma-separated.

use lowprec::{RandomBits, SplitMix64};
use std::fmt::Write as _;
use std::path::Path;

/// The number of pixels of an image.
pub const PIXELS: usize = 64;
/// The number of classes.
pub const CLASSES: usize = 10;
/// The number of test images.
pub const TEST: usize = 360;
/// The seed of the split.
pub const SPLIT_SEED: u64 = 0x5EED_D161_7500_0001;

/// One labelled image.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The 64 pixels, 0..=16, row-major.
    pub pixels: [u8; PIXELS],
    /// The digit, 0..=9.
    pub label: u8,
}

impl Sample {
    /// The network's input x = p/16 (exact in `f32`).
    pub fn input(&self) -> [f32; PIXELS] {
        self.pixels.map(|p| f32::from(p) / 16.0)
    }
}

/// The three disjoint parts of the data set.
#[derive(Clone, Debug)]
pub struct Split {
    /// Training images (the float model and the fine-tuning see only these).
    pub train: Vec<Sample>,
    /// Validation images (hyperparameters and epoch selection).
    pub val: Vec<Sample>,
    /// Test images (reported only).
    pub test: Vec<Sample>,
}

/// Reads `digits.csv`; a missing file is an error telling how to fetch it.
pub fn load(path: &Path) -> Result<Vec<Sample>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read {}: {e}\nthe digits data set is fetched by: bash scripts/fetch-digits.sh",
            path.display()
        )
    })?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |what: &str| format!("{}:{}: {what}", path.display(), n + 1);
        let vals: Vec<u8> = line
            .split(',')
            .map(|v| v.trim().parse::<u8>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad("not a list of small integers"))?;
        if vals.len() != PIXELS + 1 {
            return Err(bad("expected 65 values (64 pixels and the label)"));
        }
        let mut pixels = [0u8; PIXELS];
        pixels.copy_from_slice(&vals[..PIXELS]);
        if pixels.iter().any(|&p| p > 16) {
            return Err(bad("pixel value above 16"));
        }
        let label = vals[PIXELS];
        if usize::from(label) >= CLASSES {
            return Err(bad("label above 9"));
        }
        out.push(Sample { pixels, label });
    }
    if out.len() < TEST + 100 {
        return Err(format!(
            "{}: only {} images (expected 1797)",
            path.display(),
            out.len()
        ));
    }
    Ok(out)
}

/// A uniform index in 0..n (n > 0; the modulo bias is below 2^−50 here).
pub fn below(rng: &mut SplitMix64, n: usize) -> usize {
    (rng.next_u64() % n as u64) as usize
}

/// The fixed split: [`split_seeded`] with [`SPLIT_SEED`].
pub fn split(all: &[Sample]) -> Split {
    split_seeded(all, SPLIT_SEED)
}

/// A split: a Fisher–Yates shuffle with `seed`, then the first 360 images are the test set,
/// the next 10 % of the rest (rounded) the validation set, the remainder the training set.
pub fn split_seeded(all: &[Sample], seed: u64) -> Split {
    let mut idx: Vec<usize> = (0..all.len()).collect();
    let mut rng = SplitMix64::new(seed);
    for i in (1..idx.len()).rev() {
        idx.swap(i, below(&mut rng, i + 1));
    }
    let n_val = ((all.len() - TEST) as f64 / 10.0).round() as usize;
    let pick = |r: &[usize]| r.iter().map(|&i| all[i].clone()).collect::<Vec<_>>();
    Split {
        test: pick(&idx[..TEST]),
        val: pick(&idx[TEST..TEST + n_val]),
        train: pick(&idx[TEST + n_val..]),
    }
}

/// Writes `dir/test.txt`: one image per line, the 64 pixels then the label, space-separated.
pub fn write_test(dir: &Path, test: &[Sample]) -> std::io::Result<()> {
    let mut s = String::new();
    for t in test {
        for p in t.pixels {
            let _ = write!(s, "{p} ");
        }
        let _ = writeln!(s, "{}", t.label);
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("test.txt"), s)
}
