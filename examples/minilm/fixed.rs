//! Interface placeholder while the fixed-point modes are written (not committed).
use crate::model::Model;
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernels {
    Lowprec,
    Hls4ml,
}
pub struct FixedRun {
    pub embeddings: Vec<Vec<f32>>,
    pub tokens_per_s: f64,
    pub types: String,
}
pub fn run(_: &Model, _: &[Vec<u32>], _: &[Vec<u32>], _: Kernels) -> Result<FixedRun, String> {
    Err("fixed modes not yet built".into())
}
