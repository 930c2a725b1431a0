//! What the example prints: similarity matrices and the comparison of a mode with `f32`.

use std::io::{self, Write};

/// Cosine of two embeddings (in `f64`).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| f64::from(x) * f64::from(y))
        .sum();
    let na: f64 = a.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
    let nb: f64 = b.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na.sqrt() * nb.sqrt())
    }
}

/// The cosine-similarity matrix of the embeddings.
pub fn similarity(e: &[Vec<f32>]) -> Vec<Vec<f64>> {
    e.iter()
        .map(|a| e.iter().map(|b| cosine(a, b)).collect())
        .collect()
}

/// One row per line, 4 decimals, single spaces.
pub fn write_matrix(out: &mut impl Write, m: &[Vec<f64>]) -> io::Result<()> {
    for row in m {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:.4}")).collect();
        writeln!(out, "{}", cells.join(" "))?;
    }
    Ok(())
}

/// A mode compared with the reference.
pub struct Row {
    /// The mode's name.
    pub mode: String,
    /// Mean over sentences of cos(mode's embedding, f32 embedding).
    pub mean_cosine: f64,
    /// The lowest of those cosines.
    pub min_cosine: f64,
    /// The largest |sim_mode(i, j) − sim_f32(i, j)| over sentence pairs i < j.
    pub worst_pair: f64,
    /// Tokens per second.
    pub tokens_per_s: f64,
    /// The f32 path's time divided by this mode's (in the same run).
    pub speed_vs_f32: f64,
}

impl Row {
    /// Compares the embeddings `e` (similarities `sim`) with the reference's.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        mode: &str,
        e: &[Vec<f32>],
        reference: &[Vec<f32>],
        sim: &[Vec<f64>],
        ref_sim: &[Vec<f64>],
        tokens_per_s: f64,
        ref_tokens_per_s: f64,
    ) -> Row {
        let cos: Vec<f64> = e.iter().zip(reference).map(|(a, b)| cosine(a, b)).collect();
        let mut worst: f64 = 0.0;
        for i in 0..sim.len() {
            for j in i + 1..sim.len() {
                let d = (sim[i][j] - ref_sim[i][j]).abs();
                worst = if d.is_nan() { f64::NAN } else { worst.max(d) };
            }
        }
        Row {
            mode: mode.to_string(),
            mean_cosine: cos.iter().sum::<f64>() / cos.len().max(1) as f64,
            min_cosine: cos.iter().copied().fold(f64::INFINITY, f64::min),
            worst_pair: worst,
            tokens_per_s,
            speed_vs_f32: tokens_per_s / ref_tokens_per_s,
        }
    }
}

/// The summary table (Markdown), as README.md shows it.
pub fn write_summary(out: &mut impl Write, rows: &[Row]) -> io::Result<()> {
    writeln!(
        out,
        "| mode | mean cosine to f32 | lowest cosine to f32 | worst pair similarity change | tokens/s | speed vs f32 |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    for r in rows {
        writeln!(
            out,
            "| {} | {:.4} | {:.4} | {:.4} | {:.0} | {:.2}× |",
            r.mode, r.mean_cosine, r.min_cosine, r.worst_pair, r.tokens_per_s, r.speed_vs_f32
        )?;
    }
    Ok(())
}
