//! all-MiniLM-L6-v2: its configuration, its weights (read from `model.safetensors`) and
//! its tokenizer (`tokenizer.json`, WordPiece with lower-casing).

use std::fmt;
use std::path::{Path, PathBuf};

use safetensors::{Dtype, SafeTensors};
use tokenizers::Tokenizer;

/// Hidden size.
pub const HIDDEN: usize = 384;
/// Attention heads.
pub const HEADS: usize = 12;
/// Size of one head.
pub const HEAD: usize = HIDDEN / HEADS;
/// The feed-forward network's inner size.
pub const FFN: usize = 1536;
/// Encoder layers.
pub const LAYERS: usize = 6;
/// Positions the model has embeddings for (the longest sentence it takes, in tokens).
pub const MAX_TOKENS: usize = 512;
/// LayerNorm's ε.
pub const LN_EPS: f32 = 1e-12;

/// Where `scripts/fetch-minilm.sh` puts the model files.
pub const DEFAULT_DIR: &str = "target/models/all-MiniLM-L6-v2";

/// A problem loading the model or tokenizing a sentence.
#[derive(Debug)]
pub struct ModelError(pub String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

fn err(msg: impl Into<String>) -> ModelError {
    ModelError(msg.into())
}

/// A linear layer y = x·Wᵀ + b: `w` is `n_out × n_in`, row-major (PyTorch's layout).
#[derive(Clone, Debug)]
pub struct Linear {
    /// Weights, `n_out` rows of `n_in`.
    pub w: Vec<f32>,
    /// Biases, `n_out`.
    pub b: Vec<f32>,
    /// Inputs per output.
    pub n_in: usize,
    /// Outputs.
    pub n_out: usize,
}

/// LayerNorm's scale γ and shift β.
#[derive(Clone, Debug)]
pub struct Norm {
    /// γ.
    pub gamma: Vec<f32>,
    /// β.
    pub beta: Vec<f32>,
}

/// One post-LN BERT encoder layer.
#[derive(Clone, Debug)]
pub struct Layer {
    /// Query projection.
    pub q: Linear,
    /// Key projection.
    pub k: Linear,
    /// Value projection.
    pub v: Linear,
    /// Attention output projection.
    pub o: Linear,
    /// LayerNorm after the attention's residual.
    pub ln1: Norm,
    /// FFN up-projection (384 → 1536).
    pub up: Linear,
    /// FFN down-projection (1536 → 384).
    pub down: Linear,
    /// LayerNorm after the FFN's residual.
    pub ln2: Norm,
}

/// The whole model, in `f32` as shipped.
#[derive(Clone, Debug)]
pub struct Model {
    /// Word embeddings, `vocab × HIDDEN`.
    pub word: Vec<f32>,
    /// Position embeddings, `MAX_TOKENS × HIDDEN`.
    pub position: Vec<f32>,
    /// Token type 0's embedding (single sentences use type 0 only).
    pub token_type: Vec<f32>,
    /// The embeddings' LayerNorm.
    pub ln: Norm,
    /// The encoder layers.
    pub layers: Vec<Layer>,
    /// Vocabulary size.
    pub vocab: usize,
}

/// The directory holding the model files: `--model-dir`, else [`DEFAULT_DIR`] relative to
/// the working directory or to the crate root.
pub fn model_dir(arg: Option<&str>) -> Result<PathBuf, ModelError> {
    let candidates: Vec<PathBuf> = match arg {
        Some(d) => vec![PathBuf::from(d)],
        None => vec![
            PathBuf::from(DEFAULT_DIR),
            Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_DIR),
        ],
    };
    candidates
        .iter()
        .find(|d| d.join("model.safetensors").is_file() && d.join("tokenizer.json").is_file())
        .cloned()
        .ok_or_else(|| {
            err(format!(
                "no model.safetensors and tokenizer.json in {} (run scripts/fetch-minilm.sh, \
                 or pass --model-dir)",
                candidates[0].display()
            ))
        })
}

fn tensor(st: &SafeTensors<'_>, name: &str, shape: &[usize]) -> Result<Vec<f32>, ModelError> {
    let t = st
        .tensor(name)
        .map_err(|e| err(format!("tensor {name}: {e}")))?;
    if t.dtype() != Dtype::F32 || t.shape() != shape {
        return Err(err(format!(
            "tensor {name}: {:?} {:?}, expected F32 {shape:?}",
            t.dtype(),
            t.shape()
        )));
    }
    Ok(t.data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn linear(
    st: &SafeTensors<'_>,
    name: &str,
    n_in: usize,
    n_out: usize,
) -> Result<Linear, ModelError> {
    Ok(Linear {
        w: tensor(st, &format!("{name}.weight"), &[n_out, n_in])?,
        b: tensor(st, &format!("{name}.bias"), &[n_out])?,
        n_in,
        n_out,
    })
}

fn norm(st: &SafeTensors<'_>, name: &str) -> Result<Norm, ModelError> {
    Ok(Norm {
        gamma: tensor(st, &format!("{name}.weight"), &[HIDDEN])?,
        beta: tensor(st, &format!("{name}.bias"), &[HIDDEN])?,
    })
}

impl Model {
    /// Reads `model.safetensors` from `dir`.
    pub fn load(dir: &Path) -> Result<Model, ModelError> {
        let path = dir.join("model.safetensors");
        let bytes = std::fs::read(&path).map_err(|e| err(format!("{}: {e}", path.display())))?;
        let st = SafeTensors::deserialize(&bytes)
            .map_err(|e| err(format!("{}: {e}", path.display())))?;
        let word_shape = st
            .tensor("embeddings.word_embeddings.weight")
            .map_err(|e| err(format!("word embeddings: {e}")))?
            .shape()
            .to_vec();
        let vocab = match word_shape[..] {
            [v, HIDDEN] => v,
            _ => return Err(err(format!("word embeddings of shape {word_shape:?}"))),
        };
        let word = tensor(&st, "embeddings.word_embeddings.weight", &[vocab, HIDDEN])?;
        let position = tensor(
            &st,
            "embeddings.position_embeddings.weight",
            &[MAX_TOKENS, HIDDEN],
        )?;
        let types = tensor(&st, "embeddings.token_type_embeddings.weight", &[2, HIDDEN])?;
        let ln = norm(&st, "embeddings.LayerNorm")?;
        let layers = (0..LAYERS)
            .map(|i| {
                let p = format!("encoder.layer.{i}");
                Ok(Layer {
                    q: linear(&st, &format!("{p}.attention.self.query"), HIDDEN, HIDDEN)?,
                    k: linear(&st, &format!("{p}.attention.self.key"), HIDDEN, HIDDEN)?,
                    v: linear(&st, &format!("{p}.attention.self.value"), HIDDEN, HIDDEN)?,
                    o: linear(&st, &format!("{p}.attention.output.dense"), HIDDEN, HIDDEN)?,
                    ln1: norm(&st, &format!("{p}.attention.output.LayerNorm"))?,
                    up: linear(&st, &format!("{p}.intermediate.dense"), HIDDEN, FFN)?,
                    down: linear(&st, &format!("{p}.output.dense"), FFN, HIDDEN)?,
                    ln2: norm(&st, &format!("{p}.output.LayerNorm"))?,
                })
            })
            .collect::<Result<Vec<_>, ModelError>>()?;
        Ok(Model {
            word,
            position,
            token_type: types[..HIDDEN].to_vec(),
            ln,
            layers,
            vocab,
        })
    }
}

/// The model's tokenizer with its built-in padding and truncation (to 128 tokens)
/// turned off: every sentence gives exactly its own tokens, `[CLS] … [SEP]`.
pub fn tokenizer(dir: &Path) -> Result<Tokenizer, ModelError> {
    let path = dir.join("tokenizer.json");
    let mut t = Tokenizer::from_file(&path).map_err(|e| err(format!("{}: {e}", path.display())))?;
    t.with_padding(None);
    t.with_truncation(None)
        .map_err(|e| err(format!("tokenizer: {e}")))?;
    Ok(t)
}

/// The token ids of each sentence. A sentence longer than the model's 512 positions is
/// an error (it would need truncation, which changes its meaning).
pub fn tokenize(t: &Tokenizer, sentences: &[String]) -> Result<Vec<Vec<u32>>, ModelError> {
    sentences
        .iter()
        .map(|s| {
            let ids = t
                .encode(s.as_str(), true)
                .map_err(|e| err(format!("tokenizing {s:?}: {e}")))?
                .get_ids()
                .to_vec();
            if ids.len() > MAX_TOKENS {
                return Err(err(format!(
                    "a sentence of {} tokens (at most {MAX_TOKENS})",
                    ids.len()
                )));
            }
            Ok(ids)
        })
        .collect()
}
