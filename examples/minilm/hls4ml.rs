//! The `hls4ml` mode (placeholder).
use crate::calibrate::ModelTypes;
use crate::fixed::Intermediates;
use crate::model::Model;
use crate::weights::QModel;

/// Notes printed with the mode's types.
pub const NOTES: &str = "";

/// Runs the hls4ml layers.
pub fn run(
    _: &Model,
    _: &QModel,
    _: &ModelTypes,
    _: &[Vec<u32>],
    _: &mut Intermediates,
) -> Result<(Vec<Vec<f32>>, f64), String> {
    Err("hls4ml mode not yet built".into())
}
