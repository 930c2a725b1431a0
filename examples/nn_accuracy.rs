//! Accuracy of the fixed-point transformer kernels against f64 math on inputs in
//! all-MiniLM-L6-v2's ranges: lowprec's softmax, layer norm and GELU, and hls4ml 1.3.0's
//! softmax and layer norm (`lowprec::nn::hls4ml`, bit-exact with its C++) on the same
//! inputs.
//!
//! ```sh
//! cargo run --release --example nn_accuracy
//! ```
//!
//! Prints Markdown tables (README.md's "Transformer kernels" accuracy table is this
//! output). The inputs are pseudo-random with a fixed seed, so every run prints the same
//! numbers. The reference is f64 math on the same quantized inputs; errors are in units
//! of the output value (not of its LSB).

use lowprec::fixed::FixedFormat;
use lowprec::float::Exact;
use lowprec::nn::{
    Gelu, GeluForm, GeluParams, LayerNorm, LayerNormParams, Softmax, SoftmaxParams, hls4ml,
};
use lowprec::{RandomBits, SplitMix64};

fn ty(s: &str) -> FixedFormat {
    s.parse().expect("a valid type")
}

/// A uniform draw in [0, 1).
fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// An approximately normal draw (the sum of four uniforms, scaled to variance 1).
fn normal(rng: &mut SplitMix64) -> f64 {
    ((0..4).map(|_| unit(rng)).sum::<f64>() - 2.0) * 3f64.sqrt()
}

/// The raw integer of the nearest value of `t` (saturating).
fn raw(t: &FixedFormat, x: f64) -> i64 {
    t.raw_of(t.from_f64(x)) as i64
}

fn value(t: &FixedFormat, r: i64) -> f64 {
    r as f64 * (-f64::from(t.frac_bits())).exp2()
}

/// A softmax kernel under test, on one row.
type Kernel = Box<dyn Fn(&[i64], &mut [i64])>;

/// Max and mean absolute error.
#[derive(Default)]
struct Err {
    max: f64,
    sum: f64,
    n: usize,
}

impl Err {
    fn add(&mut self, got: f64, want: f64) {
        let e = (got - want).abs();
        self.max = self.max.max(e);
        self.sum += e;
        self.n += 1;
    }
    fn cell(&self) -> String {
        if self.n == 0 {
            return "–".into();
        }
        format!("{:.2e} / {:.2e}", self.max, self.sum / self.n as f64)
    }
}

/// Layer-norm rows in MiniLM's ranges: a variance drawn log-uniformly in [2^-6, 2^7]
/// (MiniLM's LayerNorm inputs reach 128), a mean in [-4, 4], one outlier feature in
/// every fourth row reaching |x| = 222.
fn layernorm_rows(dim: usize, rows: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = SplitMix64::new(seed);
    (0..rows)
        .map(|r| {
            let var = (-6.0 + 13.0 * unit(&mut rng)).exp2();
            let mean = 8.0 * unit(&mut rng) - 4.0;
            let mut x: Vec<f64> = (0..dim)
                .map(|_| mean + var.sqrt() * normal(&mut rng))
                .collect();
            if r % 4 == 0 {
                let k = (rng.next_u64() % dim as u64) as usize;
                x[k] = if rng.next_u64() & 1 == 0 {
                    222.0
                } else {
                    -222.0
                };
            }
            x
        })
        .collect()
}

fn layernorm_table() {
    const DIM: usize = 384;
    let input = ty("ap_fixed<18,9>");
    let output = ty("ap_fixed<16,6,AP_RND_CONV,AP_SAT>");
    let gamma_t = ty("ap_fixed<16,6>");
    let rows = layernorm_rows(DIM, 2_000, 7);
    let gamma = vec![raw(&gamma_t, 1.0); DIM];
    let beta = vec![0i64; DIM];

    // lowprec: the starting types of `for_types`, ε = 1e-12.
    let eps: Exact = "1e-12".parse().expect("a number");
    let own = LayerNorm::new(
        LayerNormParams::for_types(DIM, input, output, gamma_t, gamma_t, eps).expect("valid"),
    )
    .expect("valid");
    let mut table = vec![0; own.table_len()];
    let own = own.load(&mut table).expect("sized");

    // hls4ml: the converter's table (4096 entries of ap_ufixed<8,5>, var < 1), with an
    // accumulator wide enough for these rows (the model default ap_fixed<16,6> would
    // overflow on them), and the same table made finer (ap_ufixed<18,5>).
    let acc = ty("ap_fixed<40,20,AP_RND_CONV,AP_SAT>");
    let mut p = hls4ml::LayerNormParams::with_converter_defaults(
        DIM, input, output, acc, gamma_t, gamma_t, 12,
    );
    let mut t1 = vec![0; p.table_len()];
    let h_default = hls4ml::LayerNorm::new(p, &gamma, &beta, &mut t1).expect("valid");
    p.table = ty("ap_ufixed<18,5,AP_RND_CONV,AP_SAT>");
    let mut t2 = vec![0; p.table_len()];
    let h_fine = hls4ml::LayerNorm::new(p, &gamma, &beta, &mut t2).expect("valid");

    let mut errs: [[Err; 2]; 3] = Default::default();
    let mut y = vec![0i64; DIM];
    for row in &rows {
        let x: Vec<i64> = row.iter().map(|&v| raw(&input, v)).collect();
        let xv: Vec<f64> = x.iter().map(|&r| value(&input, r)).collect();
        let mean = xv.iter().sum::<f64>() / DIM as f64;
        let var = xv.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / DIM as f64;
        let band = usize::from(var >= 1.0);
        let want: Vec<f64> = xv
            .iter()
            .map(|v| (v - mean) / (var + 1e-12).sqrt())
            .collect();
        for (k, err) in errs.iter_mut().enumerate() {
            match k {
                0 => own.run(&x, &gamma, &beta, &mut y),
                1 => h_default.run(&x, &mut y),
                _ => h_fine.run(&x, &mut y),
            }
            .expect("runs");
            for (g, w) in y.iter().zip(&want) {
                // Outputs beyond the output type's range saturate in every kernel alike.
                if w.abs() < 31.0 {
                    err[band].add(value(&output, *g), *w);
                }
            }
        }
    }
    println!(
        "Layer norm, D = 384, {} rows of ap_fixed<18,9> (variance 2^-6 … 2^7, |x| ≤ 222), output ap_fixed<16,6>; max / mean |error| of (x − mean)/√(var + ε):\n",
        rows.len()
    );
    println!("| kernel | rows with var < 1 | rows with var ≥ 1 |");
    println!("|---|---|---|");
    for (name, e) in [
        (
            "lowprec `LayerNorm` (`for_types`: 1/√v by normalising shift, 2^10-entry table)",
            &errs[0],
        ),
        (
            "hls4ml `layernormalize`, converter table (4096 × `ap_ufixed<8,5>`, var < 1)",
            &errs[1],
        ),
        (
            "hls4ml `layernormalize`, finer table (4096 × `ap_ufixed<18,5>`, var < 1)",
            &errs[2],
        ),
    ] {
        println!("| {name} | {} | {} |", e[0].cell(), e[1].cell());
    }
    println!();
}

fn softmax_table() {
    let input = ty("ap_fixed<16,6>");
    let output = ty("ap_ufixed<16,0,AP_RND_CONV,AP_SAT>");
    println!(
        "Softmax over rows of attention scores in [−13, 27] (ap_fixed<16,6>), output ap_ufixed<16,0>; max / mean |error| of the probabilities:\n"
    );
    println!("| kernel | n = 64 | n = 128 |");
    println!("|---|---|---|");
    let mut cells: Vec<(String, Vec<String>)> = Vec::new();
    for (k, n) in [64usize, 128].into_iter().enumerate() {
        let mut rng = SplitMix64::new(11 + n as u64);
        let rows: Vec<Vec<i64>> = (0..2_000)
            .map(|_| {
                // A centre in [-13, 27] and a spread of up to 8 around it, clamped.
                let c = -13.0 + 40.0 * unit(&mut rng);
                let s = 8.0 * unit(&mut rng);
                (0..n)
                    .map(|_| raw(&input, (c + s * normal(&mut rng)).clamp(-13.0, 27.0)))
                    .collect()
            })
            .collect();
        // The kernels live for the whole run (a one-shot program: leaking is simplest).
        let own: &'static Softmax = Box::leak(Box::new(
            Softmax::new(SoftmaxParams::for_types(n, input, output).expect("valid"))
                .expect("valid"),
        ));
        let e: &'static mut [i64] = Box::leak(vec![0; own.exp_table_len()].into_boxed_slice());
        let i: &'static mut [i64] = Box::leak(vec![0; own.inv_table_len()].into_boxed_slice());
        let own = own.load(e, i).expect("sized");
        let mut kernels: Vec<(String, Kernel)> = vec![(
            "lowprec `Softmax` (`for_types`: 2^10-entry exp and reciprocal tables)".into(),
            Box::new(move |x, y| own.run(x, y).expect("runs")),
        )];
        for (name, accum) in [
            (
                "hls4ml stable, converter defaults (accum = model default ap_fixed<16,6>)",
                "ap_fixed<16,6>",
            ),
            ("hls4ml stable, accum ap_fixed<24,8>", "ap_fixed<24,8>"),
        ] {
            let p = hls4ml::SoftmaxParams::with_converter_defaults(
                n,
                hls4ml::SoftmaxImpl::Stable,
                input,
                output,
                ty(accum),
            )
            .expect("valid");
            let (ne, ni) = p.table_lens();
            let exp: &'static mut [i64] = Box::leak(vec![0; ne].into_boxed_slice());
            let inv: &'static mut [i64] = Box::leak(vec![0; ni].into_boxed_slice());
            let sm = hls4ml::Softmax::new(p, exp, inv).expect("valid");
            kernels.push((
                name.into(),
                Box::new(move |x, y| sm.run(x, y).expect("runs")),
            ));
        }
        let mut y = vec![0i64; n];
        for (j, (name, run)) in kernels.iter().enumerate() {
            let mut err = Err::default();
            for x in &rows {
                run(x, &mut y);
                let xv: Vec<f64> = x.iter().map(|&r| value(&input, r)).collect();
                let m = xv.iter().cloned().fold(f64::MIN, f64::max);
                let z: f64 = xv.iter().map(|v| (v - m).exp()).sum();
                for (g, v) in y.iter().zip(&xv) {
                    err.add(value(&output, *g), (v - m).exp() / z);
                }
            }
            if k == 0 {
                cells.push((name.clone(), vec![err.cell()]));
            } else {
                cells[j].1.push(err.cell());
            }
        }
    }
    for (name, c) in cells {
        println!("| {name} | {} | {} |", c[0], c[1]);
    }
    println!();
}

fn gelu_table() {
    let output = ty("ap_fixed<16,6,AP_RND_CONV,AP_SAT>");
    println!(
        "GELU on inputs in [−17, 24], output ap_fixed<16,6>; max / mean |error| against f64 (the erf form: x·(1 + erf(x/√2))/2; the tanh form against its own formula):\n"
    );
    println!("| configuration | erf form | tanh form |");
    println!("|---|---|---|");
    for (name, input, window) in [
        (
            "ap_fixed<16,6> input, whole-type table (2^16 entries)",
            "ap_fixed<16,6>",
            None,
        ),
        (
            "ap_fixed<24,8> input, window [−32, 32), 2^16 entries",
            "ap_fixed<24,8>",
            Some((6, 16)),
        ),
    ] {
        let input = ty(input);
        let mut cells = Vec::new();
        for form in [GeluForm::Erf, GeluForm::Tanh] {
            let mut p = GeluParams::exact(input, output, form);
            if let Some((r, b)) = window {
                p.window_int_bits = r;
                p.index_bits = b;
            }
            let g = Gelu::new(p).expect("valid");
            let mut table = vec![0; g.table_len()];
            let k = g.load(&mut table).expect("sized");
            let mut rng = SplitMix64::new(3);
            let x: Vec<i64> = (0..100_000)
                .map(|_| raw(&input, -17.0 + 41.0 * unit(&mut rng)))
                .collect();
            let mut y = vec![0i64; x.len()];
            k.run(&x, &mut y).expect("runs");
            let mut err = Err::default();
            for (xr, yr) in x.iter().zip(&y) {
                let v = value(&input, *xr);
                let want = match form {
                    GeluForm::Erf => 0.5 * v * (1.0 + libm::erf(v / 2f64.sqrt())),
                    GeluForm::Tanh => {
                        let c = (2.0 / std::f64::consts::PI).sqrt();
                        0.5 * v * (1.0 + (c * (v + 0.044715 * v * v * v)).tanh())
                    }
                };
                err.add(value(&output, *yr), want);
            }
            cells.push(err.cell());
        }
        println!("| {name} | {} | {} |", cells[0], cells[1]);
    }
    println!();
}

fn main() {
    softmax_table();
    layernorm_table();
    gelu_table();
}
