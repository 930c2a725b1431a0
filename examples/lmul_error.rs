//! L-Mul error analysis: the paper's Table 7, a measured comparison with fp8
//! multiplication, and a gate-count model.
//!
//! ```text
//! cargo run --release --example lmul_error
//! ```
//!
//! Prints three markdown tables (README.md, section "L-Mul", holds a copy):
//!
//! 1. **Table 7 of Luo & Sun (2024)**, the expected signed error of k-bit L-Mul for n = 7:
//!    f1 = 2E[x_k]E[x_r] + 2E[x_r] + E[x_r]², f2 = E[x_k]² − 2^−l with
//!    E[x_k] = (1 − 2^−k)/2, E[x_r] = (2^−k − 2^−n)/2. The |f1| row reproduces the paper's
//!    digits exactly. The |f1 + f2| row reproduces them only with a fixed offset 2^−4
//!    (l = 4 for every k, although the paper's l(k) rule gives l = k for k ≤ 3), and even
//!    then k = 5 gives 0.207, which rounds to 0.21 where the paper prints 0.20.
//! 2. **Measured relative error** on 10^6 random fp32 operand pairs (fixed seed), for two
//!    operand distributions: uniform mantissas (|x| = 1 + u, u uniform on the 2^23 fractions,
//!    random sign) and log-uniform magnitudes (|x| = 2^U, U uniform on [−4, 4), rounded to
//!    fp32, random sign). Rows: guarded L-Mul in fp32 with operands truncated to k = 2..7
//!    fraction bits (the paper's "k-bit L-Mul", offset 2^−l(k)); fp8 E4M3 (OCP E4M3FN) and
//!    E5M2 multiplication, operands quantized and the product rounded by lowprec's correctly
//!    rounded arithmetic, both to nearest-even and by truncation (toward zero); bf16
//!    multiplication to nearest-even for scale. The error is (approx − x·y) / (x·y) against
//!    the exact product (exact in f64): the table gives the mean and the maximum of its
//!    magnitude and its signed mean (positive when |approx| > |x·y|). Products of the log-uniform operands span
//!    [2^−8, 2^8): E4M3 rounds the part below 2^−6 to subnormals, which dominates its
//!    maximum error there.
//! 3. **Gate counts**: the paper gives totals only (fp8 E4M3 multiplier 325, E5M2 296, fp16
//!    584; fp8 L-Mul 157, 12-bit L-Mul 201, fp16 L-Mul 256). The model below reproduces
//!    the first five exactly:
//!    - multiplier: G_mul(e, m) = (m + 1)² + 22·m + 243: one AND per partial-product bit
//!      of the (m+1)×(m+1) significand array, 22 gates per fraction bit (the carry-save
//!      reduction, normalisation and rounding of that width), and a fixed 243 for the sign,
//!      the exponent adder and bias subtraction and the special cases. E4M3 and E5M2 fix
//!      every parameter: their totals differ by exactly the mantissa terms of m = 3 and
//!      m = 2, so the paper's totals carry no per-exponent-bit cost;
//!    - L-Mul: G_lmul(e, m) = 11·(e + m) + 80: per magnitude bit one full adder for
//!      |x| + |y|, one for − C (5 gates each) and one gate of result selection, plus a
//!      fixed 80 (sign, offset constant, zero/overflow detection).
//!
//!    The same L-Mul line gives 245 for fp16 (e5m10): the paper states 256, which lies
//!    off its own fp8/12-bit line (its 12-bit format is taken as e4m7 here; e5m6 gives the
//!    same 11 magnitude bits).
//!
//! Runs in a few seconds in release mode.

use lowprec::lmul::{LMul, offset_exponent};
use lowprec::{FloatFormat, Overflow, RandomBits, Round, Rounding, SplitMix64};

const PAIRS: usize = 1_000_000;

/// The paper's Table 7 row values for k = 1..=6 (n = 7).
fn table7() {
    let n = 7;
    let paper_f1 = ["0.68", "0.35", "0.17", "0.081", "0.035", "0.012"];
    let paper_f12 = ["0.68", "0.43", "0.30", "0.24", "0.20", "0.19"];
    let p2 = |e: i32| 2f64.powi(e);
    let mut rows = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for k in 1..=6 {
        let xk = (1.0 - p2(-k)) / 2.0;
        let xr = (p2(-k) - p2(-n)) / 2.0;
        let f1 = 2.0 * xk * xr + 2.0 * xr + xr * xr;
        let f2_fixed = xk * xk - p2(-4);
        let f2_rule = xk * xk - p2(-(offset_exponent(k as u32) as i32));
        rows[0].push(sig2(f1.abs()));
        rows[1].push(sig2((f1 + f2_fixed).abs()));
        rows[2].push(format!("{:.4}", (f1 + f2_fixed).abs()));
        rows[3].push(sig2((f1 + f2_rule).abs()));
    }
    assert_eq!(rows[0], paper_f1, "the f1 row reproduces the paper");
    println!("### Table 7 of the paper (expected error of k-bit L-Mul, n = 7)\n");
    println!("| k | 1 | 2 | 3 | 4 | 5 | 6 |");
    println!("|---|---|---|---|---|---|---|");
    println!("| paper \\|f1\\| | {} |", paper_f1.join(" | "));
    println!("| ours \\|f1\\| | {} |", rows[0].join(" | "));
    println!("| paper \\|f1+f2\\| | {} |", paper_f12.join(" | "));
    println!(
        "| ours \\|f1+f2\\|, offset 2^−4 | {} |",
        rows[1].join(" | ")
    );
    println!(
        "| ours \\|f1+f2\\|, offset 2^−4 (4 digits) | {} |",
        rows[2].join(" | ")
    );
    println!(
        "| ours \\|f1+f2\\|, offset 2^−l(k) | {} |",
        rows[3].join(" | ")
    );
    println!();
    println!(
        "The f1 row reproduces exactly. The f1+f2 row matches the paper only with a fixed \
         offset 2^−4 for every k (the l(k) rule gives the last row), and at k = 5 the value \
         0.2070 rounds to 0.21, where the paper prints 0.20.\n"
    );
}

/// Two significant digits, as the paper prints them.
fn sig2(x: f64) -> String {
    let digits = if x >= 0.1 { 2 } else { 3 };
    format!("{x:.digits$}")
}

#[derive(Default)]
struct Stats {
    sum_abs: f64,
    sum_signed: f64,
    max: f64,
    n: u64,
}

impl Stats {
    fn add(&mut self, approx: f64, exact: f64) {
        // Relative to the signed product: positive when |approx| > |exact|.
        let e = if approx.is_finite() {
            (approx - exact) / exact
        } else {
            f64::INFINITY
        };
        self.sum_abs += e.abs();
        self.sum_signed += e;
        self.max = self.max.max(e.abs());
        self.n += 1;
    }
}

/// A multiplication method under test: quantize both operands, multiply, decode.
struct Method {
    name: String,
    run: Box<dyn Fn(f32, f32) -> f64>,
}

fn methods() -> Vec<Method> {
    let mut v = Vec::new();
    let fp32 = FloatFormat::FP32;
    for k in 2..=7u32 {
        let lm = LMul::guarded(fp32, Overflow::Ieee).with_k(k);
        v.push(Method {
            name: format!("L-Mul k = {k} (offset 2^−{})", offset_exponent(k)),
            run: Box::new(move |x, y| {
                let r = lm.mul(u64::from(x.to_bits()), u64::from(y.to_bits()));
                f64::from(f32::from_bits(r as u32))
            }),
        });
    }
    let fp8 = [
        ("fp8 E4M3 (E4M3FN)", FloatFormat::E4M3FN),
        ("fp8 E5M2", FloatFormat::E5M2),
    ];
    for (label, f) in fp8 {
        for (mode, mname) in [
            (Rounding::TiesToEven, "RNE"),
            (Rounding::TowardZero, "truncation"),
        ] {
            v.push(Method {
                name: format!("{label}, {mname}"),
                run: Box::new(move |x, y| {
                    let rng = &mut SplitMix64::new(0);
                    let a = f
                        .from_f32_with(x, Round::new(mode, Overflow::Ieee), rng)
                        .value;
                    let b = f
                        .from_f32_with(y, Round::new(mode, Overflow::Ieee), rng)
                        .value;
                    f.to_f64(
                        f.mul_with(a, b, Round::new(mode, Overflow::Ieee), rng)
                            .value,
                    )
                }),
            });
        }
    }
    let bf16 = FloatFormat::BF16;
    v.push(Method {
        name: "bf16, RNE (for scale)".into(),
        run: Box::new(move |x, y| {
            let rng = &mut SplitMix64::new(0);
            let m = Rounding::TiesToEven;
            let a = bf16
                .from_f32_with(x, Round::new(m, Overflow::Ieee), rng)
                .value;
            let b = bf16
                .from_f32_with(y, Round::new(m, Overflow::Ieee), rng)
                .value;
            bf16.to_f64(
                bf16.mul_with(a, b, Round::new(m, Overflow::Ieee), rng)
                    .value,
            )
        }),
    });
    v
}

/// Uniform mantissas: ±(1 + u), u one of the 2^23 fp32 fractions, uniformly.
fn uniform_mantissa(rng: &mut SplitMix64) -> f32 {
    let r = rng.next_u64();
    f32::from_bits(0x3F80_0000 | (r as u32 & 0x007F_FFFF) | ((r >> 63) as u32) << 31)
}

/// Log-uniform magnitudes: ±2^U, U uniform on [−4, 4), rounded to fp32.
fn log_uniform(rng: &mut SplitMix64) -> f32 {
    let r = rng.next_u64();
    let u = (r >> 11) as f64 / (1u64 << 53) as f64 * 8.0 - 4.0;
    let x = u.exp2() as f32;
    if r & 1 == 1 { -x } else { x }
}

fn measure(title: &str, draw: fn(&mut SplitMix64) -> f32, seed: u64) {
    let ms = methods();
    let mut stats: Vec<Stats> = ms.iter().map(|_| Stats::default()).collect();
    let mut rng = SplitMix64::new(seed);
    for _ in 0..PAIRS {
        let (x, y) = (draw(&mut rng), draw(&mut rng));
        let exact = f64::from(x) * f64::from(y); // 24 × 24 bits: exact in f64
        for (m, s) in ms.iter().zip(&mut stats) {
            s.add((m.run)(x, y), exact);
        }
    }
    println!("### {title} ({PAIRS} pairs, seed {seed})\n");
    println!("| method | mean \\|rel. error\\| | max \\|rel. error\\| | mean signed rel. error |");
    println!("|---|---|---|---|");
    for (m, s) in ms.iter().zip(&stats) {
        let n = s.n as f64;
        println!(
            "| {} | {:.3e} | {:.3e} | {:+.3e} |",
            m.name,
            s.sum_abs / n,
            s.max,
            s.sum_signed / n
        );
    }
    println!();
}

/// The gate-count model of the module docs.
fn gates() {
    let mul = |m: u32| (m + 1) * (m + 1) + 22 * m + 243;
    let lmul = |e: u32, m: u32| 11 * (e + m) + 80;
    let rows = [
        ("fp8 E4M3 multiplier", mul(3), 325),
        ("fp8 E5M2 multiplier", mul(2), 296),
        ("fp16 multiplier", mul(10), 584),
        ("fp8 (e4m3) L-Mul", lmul(4, 3), 157),
        ("12-bit (e4m7) L-Mul", lmul(4, 7), 201),
        ("fp16 (e5m10) L-Mul", lmul(5, 10), 256),
    ];
    println!("### Gate counts\n");
    println!("G_mul(e, m) = (m + 1)² + 22·m + 243, G_lmul(e, m) = 11·(e + m) + 80\n");
    println!("| circuit | model | paper |");
    println!("|---|---|---|");
    for (name, model, paper) in rows {
        let note = if model == paper { "" } else { " (differs)" };
        println!("| {name} | {model}{note} | {paper} |");
    }
    assert_eq!(
        rows[..5].iter().filter(|r| r.1 == r.2).count(),
        5,
        "the model reproduces the paper's first five totals"
    );
    println!(
        "\nThe L-Mul line through the paper's fp8 (157) and 12-bit (201) counts gives 245 for \
         fp16; the paper states 256.\n"
    );
}

fn main() {
    table7();
    measure(
        "Relative error, uniform mantissas (|x| in [1, 2))",
        uniform_mantissa,
        2024,
    );
    measure(
        "Relative error, log-uniform magnitudes (|x| in [2^−4, 2^4))",
        log_uniform,
        2025,
    );
    gates();
}
