//! The digits network's HLS kernel (`hls/include/lowprec/qfx_mlp.h`, driven by
//! `hls/tb/qfx_digits_tb.cpp`) against the Rust golden model `FixedModel::logits` of the
//! qfx_digits example, bit for bit: on random models of many shapes and types, and on the
//! trained models the example writes to `target/qfx-digits`. The golden model itself is
//! checked against an independent evaluation in exact rationals.

mod hls;

#[path = "../examples/qfx_digits/model.rs"]
mod model;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hls::{Rng, Testbench, manifest_dir, run_program};
use lowprec::fixed::FixedFormat;
use lowprec::qat::{KHot, project_raw};
use model::{FixedModel, QTensor};
use rug::{Integer, Rational};

const Q_MODES: [&str; 7] = [
    "RND",
    "RND_ZERO",
    "RND_MIN_INF",
    "RND_INF",
    "RND_CONV",
    "TRN",
    "TRN_ZERO",
];
const O_MODES: [&str; 5] = ["SAT", "SAT_ZERO", "SAT_SYM", "WRAP", "WRAP_SM"];

/// A random ap_fixed type: width `w`, fraction bits in [−3, w + 4], RND_CONV/SAT unless
/// `any_mode` (then a random mode pair half the time).
fn random_type(rng: &mut Rng, w: u32, signed: bool, any_mode: bool) -> FixedFormat {
    let frac = rng.range(-3, i64::from(w) + 4);
    let (q, o) = if any_mode && rng.below(2) == 0 {
        (
            Q_MODES[rng.below(7) as usize],
            // AP_WRAP_SM is for signed types only.
            O_MODES[rng.below(if signed { 5 } else { 4 }) as usize],
        )
    } else {
        ("RND_CONV", "SAT")
    };
    let u = if signed { "" } else { "u" };
    let int = i64::from(w) - frac;
    format!("ap_{u}fixed<{w},{int},AP_{q},AP_{o}>")
        .parse()
        .expect("a valid type")
}

/// Random raws of `ty`: uniform, with extremes, projected to k-hot when asked.
fn random_tensor(rng: &mut Rng, ty: FixedFormat, n: usize, khot: Option<u32>) -> QTensor {
    let (lo, hi) = (ty.min_raw() as i64, ty.max_raw() as i64);
    let raw = (0..n)
        .map(|_| {
            let v = match rng.below(10) {
                0 => [lo, hi, 0, 1, -1][rng.below(5) as usize].clamp(lo, hi),
                _ => rng.range(lo, hi),
            };
            match khot {
                Some(k) => {
                    project_raw(&ty, i128::from(v), k, KHot::Csd).expect("projection") as i64
                }
                None => v,
            }
        })
        .collect();
    QTensor { ty, raw }
}

/// A type for values of magnitude up to `max`: integer bits to hold it, plus a jitter in
/// [−2, 1] (some saturation, some lost low bits); RND_CONV/SAT unless `any_mode`.
fn calibrated(rng: &mut Rng, max: f64, w: u32, signed: bool, any_mode: bool) -> FixedFormat {
    let int = if max > 0.0 {
        max.log2().floor() as i64 + 1 + i64::from(signed)
    } else {
        rng.range(-2, 2)
    } + rng.range(-2, 1);
    let frac = i64::from(w) - int;
    let t = random_type(rng, w, signed, any_mode);
    let u = if signed { "" } else { "u" };
    let spelled = t.to_string();
    let modes = spelled
        .split_once(',')
        .map(|(_, r)| r.split_once(',').map(|(_, m)| m));
    let modes = modes
        .flatten()
        .map(|m| format!(",{m}"))
        .unwrap_or_else(|| ">".into());
    format!("ap_{u}fixed<{w},{}{modes}", i64::from(w) - frac)
        .parse()
        .expect("a valid type")
}

/// The values of raws of a type.
fn values(t: &QTensor) -> Vec<f64> {
    t.raw
        .iter()
        .map(|&r| r as f64 * (-f64::from(t.ty.frac_bits())).exp2())
        .collect()
}

/// Cast to a type (the crate's cast), as a value.
fn cast(v: f64, f: &FixedFormat) -> f64 {
    f.raw_of(f.from_f64(v)) as f64 * (-f64::from(f.frac_bits())).exp2()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// A random model: full (64, 32, 10) or small dimensions, widths 2..=12 (Z up to 16),
/// parameter types of random binary points (fraction bits from −3 to W + 4), raws uniform
/// with extremes. The shifts and the activation, residual and logit types are calibrated
/// on a few random images (with a jitter), so that the network neither saturates nor
/// vanishes everywhere; with `wild`, every type is random instead.
fn random_model(
    rng: &mut Rng,
    name: &str,
    full: bool,
    khot: Option<u32>,
    any_mode: bool,
) -> FixedModel {
    let wild = rng.below(5) == 0;
    loop {
        let (n_in, n_hid, n_out) = if full {
            (64, 32, 10)
        } else {
            (
                1 + rng.below(9) as usize,
                1 + rng.below(6) as usize,
                1 + rng.below(4) as usize,
            )
        };
        let mut w = || 2 + rng.below(11) as u32;
        let ws: Vec<u32> = (0..13).map(|_| w()).collect();
        let zw = if rng.below(2) == 0 {
            16
        } else {
            2 + rng.below(15) as u32
        };
        let images = random_images(rng, n_in, 24);
        let t = |rng: &mut Rng, i: usize| random_type(rng, ws[i], true, false);
        let input = if wild {
            random_type(rng, ws[0], false, any_mode)
        } else {
            calibrated(rng, 1.0, ws[0], false, any_mode)
        };
        let xs: Vec<Vec<f64>> = images
            .iter()
            .map(|im| {
                im.iter()
                    .map(|&p| cast(f64::from(p) / 16.0, &input))
                    .collect()
            })
            .collect();
        // One hidden layer: the products s (W x) per image, then the shift's type, then
        // the activation type; returns the tensors, the type and the activations.
        let hidden = |rng: &mut Rng, xs: &[Vec<f64>], i: usize| {
            let n = xs[0].len();
            let (wty, sty) = (t(rng, i), t(rng, i + 1));
            let wt = random_tensor(rng, wty, n_hid * n, khot);
            let st = random_tensor(rng, sty, n_hid, None);
            let (wv, sv) = (values(&wt), values(&st));
            let p: Vec<Vec<f64>> = xs
                .iter()
                .map(|x| {
                    (0..n_hid)
                        .map(|o| sv[o] * (0..n).map(|k| wv[o * n + k] * x[k]).sum::<f64>())
                        .collect()
                })
                .collect();
            let pmax = p.iter().map(|v| max_abs(v)).fold(0.0, f64::max);
            let bty = if wild {
                t(rng, i + 2)
            } else {
                calibrated(rng, pmax, ws[i + 2], true, false)
            };
            let bt = random_tensor(rng, bty, n_hid, None);
            let bv = values(&bt);
            let tv: Vec<Vec<f64>> = p
                .iter()
                .map(|v| v.iter().zip(&bv).map(|(a, b)| (a + b).max(0.0)).collect())
                .collect();
            let tmax = tv.iter().map(|v| max_abs(v)).fold(0.0, f64::max);
            let a = if wild {
                random_type(rng, ws[i + 3], false, any_mode)
            } else {
                calibrated(rng, tmax, ws[i + 3], false, any_mode)
            };
            let av: Vec<Vec<f64>> = tv
                .iter()
                .map(|v| v.iter().map(|&x| cast(x, &a)).collect())
                .collect();
            (wt, st, bt, a, av)
        };
        let (w1, s1, b1, a1, a1v) = hidden(rng, &xs, 1);
        let (w2, s2, b2, a2, a2v) = hidden(rng, &a1v, 5);
        let sums: Vec<Vec<f64>> = a1v
            .iter()
            .zip(&a2v)
            .map(|(p, q)| p.iter().zip(q).map(|(a, b)| a + b).collect())
            .collect();
        let rmax = sums.iter().map(|v| max_abs(v)).fold(0.0, f64::max);
        let r = if wild {
            random_type(rng, ws[9], false, any_mode)
        } else {
            calibrated(rng, rmax, ws[9], false, any_mode)
        };
        let w3ty = t(rng, 10);
        let w3 = random_tensor(rng, w3ty, n_out * n_hid, khot);
        let w3v = values(&w3);
        let zmax = sums
            .iter()
            .map(|v| {
                let rv: Vec<f64> = v.iter().map(|&x| cast(x, &r)).collect();
                (0..n_out)
                    .map(|o| {
                        (0..n_hid)
                            .map(|k| w3v[o * n_hid + k] * rv[k])
                            .sum::<f64>()
                            .abs()
                    })
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        let (b3t, z) = if wild {
            (t(rng, 11), random_type(rng, zw, true, any_mode))
        } else {
            (
                calibrated(rng, zmax, ws[11], true, false),
                calibrated(rng, zmax, zw, true, any_mode),
            )
        };
        let m = FixedModel {
            name: name.to_string(),
            n_in,
            n_hid,
            n_out,
            input,
            w1,
            s1,
            b1,
            a1,
            w2,
            s2,
            b2,
            a2,
            r,
            w3,
            b3: random_tensor(rng, b3t, n_out, None),
            z,
            khot,
        };
        if m.check().is_ok() {
            return m;
        }
    }
}

/// Random images of n pixels (0..=16), with all-black and all-white ones; label 0.
fn random_images(rng: &mut Rng, n: usize, count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| match i % 16 {
            0 => vec![0; n],
            1 => vec![16; n],
            _ => (0..n).map(|_| rng.below(17) as u8).collect(),
        })
        .collect()
}

/// The images as test.txt lines (pixels, then a label).
fn images_text(images: &[Vec<u8>]) -> String {
    let mut s = String::new();
    for im in images {
        for p in im {
            s.push_str(&p.to_string());
            s.push(' ');
        }
        s.push_str("0\n");
    }
    s
}

/// Compiles the testbench for the header `h` of model `m`.
fn build_tb(m: &FixedModel, h: &str) -> PathBuf {
    let file = format!("{}.h", m.name);
    let glue = format!("#include \"{file}\"\ntypedef {} qfx_model;\n", m.cpp_name());
    Testbench {
        cache: "qfx-digits-tb",
        sources: &["hls/tb/qfx_digits_tb.cpp", "hls/include/lowprec/qfx_mlp.h"],
        generated: &[(&file, h), ("qfx_model.h", &glue)],
        includes: &[],
        flags: &["-O1", "-std=c++17", "-w"],
    }
    .build()
}

/// Runs the testbench (the multiplier form with `plain`) and parses the logits' bits.
fn run_tb(bin: &Path, input: &str, plain: bool) -> Vec<Vec<u64>> {
    let out = if plain {
        use std::io::Write;
        let mut child = Command::new(bin)
            .arg("plain")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run the testbench");
        let mut stdin = child.stdin.take().expect("stdin");
        let text = input.to_string();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
        });
        let out = child.wait_with_output().expect("testbench output");
        writer.join().expect("writer");
        assert!(out.status.success(), "testbench failed");
        String::from_utf8(out.stdout).expect("text")
    } else {
        run_program(bin, input.to_string())
    };
    out.lines()
        .map(|l| {
            l.split_whitespace()
                .map(|t| u64::from_str_radix(t, 16).expect("hex"))
                .collect()
        })
        .collect()
}

/// Compares the kernel (both forms for a K-hot model) with `FixedModel::logits` on the
/// images; returns (images compared, mismatching images).
fn compare(m: &FixedModel, header: &str, images: &[Vec<u8>]) -> (usize, usize) {
    let bin = build_tb(m, header);
    let input = images_text(images);
    let want: Vec<Vec<u64>> = images
        .iter()
        .map(|im| {
            m.logits(im)
                .iter()
                .map(|&v| m.z.bits_of(i128::from(v)))
                .collect()
        })
        .collect();
    let mut bad = 0;
    let (mut sat, mut zero) = (0usize, 0usize);
    for z in &want {
        sat += z
            .iter()
            .filter(|&&b| {
                let r = m.z.raw_of(b);
                r == m.z.min_raw() || r == m.z.max_raw()
            })
            .count();
        zero += z.iter().filter(|&&b| b == 0).count();
    }
    let distinct: std::collections::BTreeSet<&u64> = want.iter().flatten().collect();
    eprintln!(
        "{}: {} logits, {} distinct, {sat} saturated, {zero} zero",
        m.name,
        want.len() * m.n_out,
        distinct.len()
    );
    let forms: &[bool] = if m.khot.is_some() {
        &[false, true]
    } else {
        &[false]
    };
    for &plain in forms {
        let got = run_tb(&bin, &input, plain);
        assert_eq!(got.len(), images.len(), "{}: one line per image", m.name);
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            if g != w {
                if bad < 5 {
                    eprintln!(
                        "{} ({}): image {i} {:?}: kernel {g:x?}, Rust {w:x?}",
                        m.name,
                        if plain { "plain" } else { "deployed" },
                        images[i]
                    );
                }
                bad += 1;
            }
        }
    }
    (images.len(), bad)
}

#[test]
fn random_models_match_the_golden_model() {
    let mut rng = Rng(0x51f0_d161_75c0_ffee);
    let mut total = 0;
    let mut bad = 0;
    // (full dimensions, K-hot, any rounding/overflow modes on the cast targets)
    let plan = [
        (true, None, false),
        (true, Some(2), false),
        (true, None, true),
        (true, Some(1), false),
        (false, None, false),
        (false, Some(2), false),
        (false, None, true),
        (false, Some(3), true),
    ];
    for (i, &(full, khot, any_mode)) in plan.iter().enumerate() {
        let m = random_model(&mut rng, &format!("rand{i}"), full, khot, any_mode);
        // write → read is the identity.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("qfx-digits-random");
        m.write(&dir).expect("write the model");
        let back = FixedModel::read(&dir.join(format!("{}.model", m.name))).expect("read");
        assert_eq!(back, m, "write/read round trip");
        let header = std::fs::read_to_string(dir.join(format!("{}.h", m.name))).expect("header");
        let images = random_images(&mut rng, m.n_in, 300);
        let (n, b) = compare(&m, &header, &images);
        total += n;
        bad += b;
    }
    eprintln!("random models: {total} images compared, {bad} mismatches");
    assert!(total >= 2000);
    assert_eq!(bad, 0, "kernel and golden model disagree");
}

/// The directory of the example's artifacts: `QFX_DIGITS_DIR`, else `target/qfx-digits`.
fn artifacts() -> PathBuf {
    std::env::var_os("QFX_DIGITS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target/qfx-digits"))
}

#[test]
fn trained_models_match_the_golden_model_on_the_test_set() {
    let dir = artifacts();
    assert!(
        dir.join("test.txt").exists(),
        "{} has no test.txt: run `cargo run --release --example qfx_digits -- --emit {}` first",
        dir.display(),
        dir.display()
    );
    let text = std::fs::read_to_string(dir.join("test.txt")).expect("test.txt");
    let images: Vec<Vec<u8>> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Vec<u8> = l
                .split_whitespace()
                .map(|t| t.parse().expect("a pixel or label"))
                .collect();
            v[..v.len() - 1].to_vec()
        })
        .collect();
    assert!(!images.is_empty(), "test.txt is empty");
    for w in [4, 6, 8] {
        for kind in ["qfx", "khot"] {
            let name = format!("w{w}_{kind}");
            let m = FixedModel::read(&dir.join(format!("{name}.model")))
                .unwrap_or_else(|e| panic!("{e} (run the qfx_digits example first)"));
            assert_eq!(m.n_in, 64);
            assert_eq!(kind == "khot", m.khot.is_some(), "{name}: K-hot flag");
            let header = std::fs::read_to_string(dir.join(format!("{name}.h"))).expect("header");
            assert!(
                header == m.header(),
                "{name}.h is not the header of {name}.model (stale artifacts?)"
            );
            let (n, bad) = compare(&m, &header, &images);
            eprintln!(
                "{name}: {n} test images, {} logits compared{}, {bad} mismatches",
                n * m.n_out,
                if m.khot.is_some() {
                    " in each of the shift-add and multiplier forms"
                } else {
                    ""
                }
            );
            assert_eq!(bad, 0, "{name}: kernel and golden model disagree");
        }
    }
}

#[test]
fn khot_dense_layer_uses_shifts_and_adds_only() {
    let src = std::fs::read_to_string(manifest_dir().join("hls/include/lowprec/qfx_mlp.h"))
        .expect("qfx_mlp.h");
    // The code (comments removed) of a function or struct starting at `start`, to the
    // closing brace at the start of a line.
    let body = |start: &str| -> String {
        let at = src
            .find(start)
            .unwrap_or_else(|| panic!("{start} not found"));
        let rest = &src[at..];
        let end = rest.find("\n}").expect("end of the definition");
        rest[..end]
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for start in ["void dense_khot(", "struct products<M, true>"] {
        let code = body(start);
        assert!(
            code.contains("<<") || start.starts_with("struct"),
            "{start}: shifts"
        );
        assert!(!code.contains('*'), "{start} multiplies:\n{code}");
    }
    // and the deployed kernel of a K-hot model takes that form
    assert!(src.contains("qfx_mlp_with<M, (M::khot > 0)>"));
}

// ---- the golden model against exact rationals ------------------------------------------

/// The value raw · 2^−F of a type.
fn value(raw: i128, f: &FixedFormat) -> Rational {
    let r = Rational::from(Integer::from(raw));
    let f = f.frac_bits();
    if f >= 0 {
        r >> f as u32
    } else {
        r << (-f) as u32
    }
}

/// AP_RND_CONV, AP_SAT cast of an exact rational, written from the definitions: the
/// nearest multiple of 2^−F, ties to the even raw, then clamped to the range.
fn cast_conv_sat(x: &Rational, f: &FixedFormat) -> i128 {
    let fb = f.frac_bits();
    let y = if fb >= 0 {
        x.clone() << fb as u32
    } else {
        x.clone() >> (-fb) as u32
    };
    let (rem, fl) = y.fract_floor(Integer::new());
    let half = Rational::from((1, 2));
    let q = match rem.cmp(&half) {
        std::cmp::Ordering::Less => fl,
        std::cmp::Ordering::Greater => fl + 1,
        std::cmp::Ordering::Equal => {
            if fl.is_even() {
                fl
            } else {
                fl + 1
            }
        }
    };
    let q = q.clamp(&Integer::from(f.min_raw()), &Integer::from(f.max_raw()));
    q.to_i128().expect("in range")
}

/// The network in exact rationals (RND_CONV/SAT models only).
fn rational_logits(m: &FixedModel, pixels: &[u8]) -> Vec<i64> {
    let v = |t: &QTensor, i: usize| value(i128::from(t.raw[i]), &t.ty);
    let x: Vec<Rational> = pixels
        .iter()
        .map(|&p| {
            value(
                cast_conv_sat(&Rational::from((i32::from(p), 16)), &m.input),
                &m.input,
            )
        })
        .collect();
    let layer = |w: &QTensor, s: &QTensor, b: &QTensor, x: &[Rational], out: &FixedFormat| {
        (0..s.raw.len())
            .map(|o| {
                let mut acc = Rational::new();
                for (i, xi) in x.iter().enumerate() {
                    acc += v(w, o * x.len() + i) * xi;
                }
                let t = v(s, o) * acc + v(b, o);
                let t = if t < 0 { Rational::new() } else { t };
                value(cast_conv_sat(&t, out), out)
            })
            .collect::<Vec<_>>()
    };
    let a1 = layer(&m.w1, &m.s1, &m.b1, &x, &m.a1);
    let a2 = layer(&m.w2, &m.s2, &m.b2, &a1, &m.a2);
    let r: Vec<Rational> = a1
        .iter()
        .zip(&a2)
        .map(|(p, q)| value(cast_conv_sat(&(p.clone() + q), &m.r), &m.r))
        .collect();
    (0..m.n_out)
        .map(|o| {
            let mut acc = v(&m.b3, o);
            for (i, ri) in r.iter().enumerate() {
                acc += v(&m.w3, o * r.len() + i) * ri;
            }
            cast_conv_sat(&acc, &m.z) as i64
        })
        .collect()
}

#[test]
fn golden_model_matches_exact_rationals() {
    let mut rng = Rng(0x0000_ddc0_ffee_1234);
    let mut n = 0;
    for i in 0..60 {
        let full = i % 6 == 0;
        let khot = if i % 2 == 0 { Some(2) } else { None };
        let m = random_model(&mut rng, "q", full, khot, false);
        for im in random_images(&mut rng, m.n_in, if full { 20 } else { 60 }) {
            let want = rational_logits(&m, &im);
            assert_eq!(m.logits(&im), want, "model {i}: {m:?}\nimage {im:?}");
            assert_eq!(m.predict(&im), model::argmax(&want));
            n += 1;
        }
    }
    eprintln!("{n} images: golden model = exact rationals");
}

#[test]
fn model_text_rejects_damage() {
    let mut rng = Rng(7);
    let m = random_model(&mut rng, "t", false, Some(2), false);
    let text = m.to_text();
    assert_eq!(FixedModel::from_text(&text).expect("parse"), m);
    // a weight with three CSD terms breaks the K-hot property
    let mut bad = m.clone();
    bad.w1.ty = "ap_fixed<12,4,AP_RND_CONV,AP_SAT>".parse().expect("type");
    bad.w1.raw[0] = 0b10101;
    let e = bad.check().expect_err("three CSD terms");
    assert!(e.contains("CSD"), "{e}");
    assert!(FixedModel::from_text(&text.replace("dims", "dimz")).is_err());
    assert!(FixedModel::from_text(&text.replacen("w1 ", "w1 x ", 1)).is_err());
}
