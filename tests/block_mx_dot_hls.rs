//! The HLS kernel `hls/include/lowprec/mx_dot.h` against its golden model, the exact form
//! of `lowprec::block::dot_exact`, value for value.
//!
//! The testbench `hls/tb/mx_dot_tb.cpp` instantiates the kernel for the six MX element
//! formats (E4M3, E5M2, E3M2, E2M3, E2M1, INT8) at block sizes 32 and 16; it is compiled
//! once with g++ against the real `ap_types` headers and cached under `target/mx-dot-hls/`.
//! Per format: 10,000 blocks of 32 and 2,000 of 16 — 70 % of them with finite element
//! codes, 30 % with any code (NaN and ∞ where the format has them); E8M0 scales over the
//! whole range with 2 % NaN (0xFF); a tenth of the blocks short (the tail of a vector,
//! padded with zero codes for the kernel); and fixed cases: all zeros, all largest
//! magnitudes with the largest and smallest scales, ∞ · 0, +∞ against −∞. The kernel's
//! (special, sum, exponent) must equal the model's exact value: 0 mismatches.

#[path = "hls/mod.rs"]
mod hls;

use std::fmt::Write as _;

use hls::Rng;
use lowprec::block::{self, BlockFormat, ElementFormat, MxVector};
use lowprec::float::Exact;

const FLAGS: [&str; 3] = ["-O1", "-std=c++17", "-w"];
const SOURCES: [&str; 2] = ["hls/tb/mx_dot_tb.cpp", "hls/include/lowprec/mx_dot.h"];

/// (kernel id, preset name).
const FORMATS: [(u32, &str); 6] = [
    (0, "mxfp8_e4m3"),
    (1, "mxfp8_e5m2"),
    (2, "mxfp6_e3m2"),
    (3, "mxfp6_e2m3"),
    (4, "mxfp4_e2m1"),
    (5, "mxint8"),
];

fn finite(e: &ElementFormat, c: u8) -> bool {
    match e {
        ElementFormat::Float(f) => !matches!(
            f.decode(u64::from(c)),
            Exact::Nan { .. } | Exact::Inf { .. }
        ),
        ElementFormat::Int { .. } => true,
    }
}

/// One test vector: scales, codes (length ≤ block size).
struct Case {
    xa: u8,
    xb: u8,
    a: Vec<u8>,
    b: Vec<u8>,
}

fn random_case(e: &ElementFormat, bs: usize, rng: &mut Rng) -> Case {
    let mask = ((1u32 << e.width()) - 1) as u64;
    let len = if rng.below(10) == 0 {
        1 + rng.below(bs as u64) as usize
    } else {
        bs
    };
    let any = rng.below(10) < 3;
    let code = |rng: &mut Rng| loop {
        let c = (rng.next() & mask) as u8;
        if any || finite(e, c) {
            return c;
        }
    };
    let a = (0..len).map(|_| code(rng)).collect();
    let b = (0..len).map(|_| code(rng)).collect();
    let scale = |rng: &mut Rng| {
        if rng.below(50) == 0 {
            0xFF
        } else if rng.below(2) == 0 {
            rng.below(255) as u8
        } else {
            (117 + rng.below(21)) as u8
        }
    };
    Case {
        xa: scale(rng),
        xb: scale(rng),
        a,
        b,
    }
}

/// Fixed cases: zeros, extremes, specials.
fn fixed_cases(e: &ElementFormat, bs: usize) -> Vec<Case> {
    let w = e.width();
    let all: Vec<u8> = (0..1u32 << w).map(|c| c as u8).collect();
    let max_pos = *all
        .iter()
        .filter(|&&c| finite(e, c))
        .max_by(|&&x, &&y| {
            let v = |c: u8| match e {
                ElementFormat::Float(f) => f.to_f64(u64::from(c)),
                ElementFormat::Int { bits, .. } => (((c as i8) << (8 - bits)) >> (8 - bits)) as f64,
            };
            v(x).partial_cmp(&v(y)).unwrap()
        })
        .unwrap();
    let sign = 1u8 << (w - 1);
    let mut out = vec![
        Case {
            xa: 127,
            xb: 127,
            a: vec![0; bs],
            b: vec![0; bs],
        },
        Case {
            xa: 254,
            xb: 254,
            a: vec![max_pos; bs],
            b: vec![max_pos; bs],
        },
        Case {
            xa: 0,
            xb: 0,
            a: vec![max_pos; bs],
            b: vec![max_pos; bs],
        },
        Case {
            xa: 0,
            xb: 254,
            a: vec![1; bs],
            b: vec![max_pos; bs],
        },
        Case {
            xa: 0xFF,
            xb: 127,
            a: vec![0; bs],
            b: vec![0; bs],
        },
        Case {
            xa: 127,
            xb: 127,
            a: vec![sign; bs],
            b: vec![max_pos; bs],
        },
    ];
    if let ElementFormat::Float(f) = e {
        if let Some(inf) = f.inf_code() {
            let inf = inf as u8;
            let one = f.from_f64(1.0) as u8;
            let mut a = vec![one; bs];
            a[0] = inf;
            let mut b = vec![one; bs];
            out.push(Case {
                xa: 127,
                xb: 127,
                a: a.clone(),
                b: b.clone(),
            }); // +∞
            b[0] = 0;
            out.push(Case {
                xa: 127,
                xb: 127,
                a: a.clone(),
                b: b.clone(),
            }); // ∞ · 0
            b[0] = one;
            a[1] = inf | sign;
            out.push(Case {
                xa: 127,
                xb: 127,
                a,
                b,
            }); // +∞ − ∞
        }
        if let Some(nan) = f.nan_code() {
            let mut a = vec![0; bs];
            a[bs - 1] = nan as u8;
            out.push(Case {
                xa: 127,
                xb: 127,
                a,
                b: vec![0; bs],
            });
        }
    }
    out
}

/// The kernel's output line as an exact value.
fn kernel_value(line: &str) -> Exact {
    let t: Vec<&str> = line.split(' ').collect();
    let special: u32 = t[0].parse().unwrap();
    let exp: i32 = t[1].parse().unwrap();
    let sf: i32 = t[2].parse().unwrap();
    let hi = u64::from_str_radix(t[3], 16).unwrap();
    let lo = u64::from_str_radix(t[4], 16).unwrap();
    let raw = ((u128::from(hi) << 64) | u128::from(lo)) as i128;
    match special {
        1 => Exact::Nan { negative: false },
        2 => Exact::Inf { negative: false },
        3 => Exact::Inf { negative: true },
        _ if raw == 0 => Exact::Zero { negative: false },
        _ => {
            let m = raw.unsigned_abs();
            let tz = m.trailing_zeros();
            Exact::from_parts(raw < 0, m >> tz, exp - sf + tz as i32)
        }
    }
}

fn same(model: &Exact, kernel: &Exact) -> bool {
    match (model, kernel) {
        (Exact::Zero { .. }, Exact::Zero { .. }) => true,
        (Exact::Nan { .. }, Exact::Nan { .. }) => true,
        _ => model == kernel,
    }
}

#[test]
fn mx_dot_kernel_matches_the_exact_golden_model() {
    let bin = hls::Testbench {
        cache: "mx-dot-hls",
        sources: &SOURCES,
        generated: &[],
        includes: &[],
        flags: &FLAGS,
    }
    .build();
    let mut rng = Rng(0x3D07);
    let mut total = 0;
    let mut specials = 0;
    for (id, name) in FORMATS {
        for (bs, n) in [(32usize, 10_000usize), (16, 2_000)] {
            let fmt: BlockFormat = format!("{name}:block={bs}").parse().unwrap();
            let mut cases = fixed_cases(&fmt.element, bs);
            while cases.len() < n {
                cases.push(random_case(&fmt.element, bs, &mut rng));
            }
            let mut input = format!("D {id} {bs} {}\n", cases.len());
            let mut want = Vec::with_capacity(cases.len());
            for c in &cases {
                let x = block::dot_exact(
                    &MxVector::new(fmt, &[c.xa], &c.a),
                    &MxVector::new(fmt, &[c.xb], &c.b),
                )
                .unwrap()
                .to_exact()
                .expect("one block's exact dot product fits 128 bits");
                if matches!(x, Exact::Nan { .. } | Exact::Inf { .. }) {
                    specials += 1;
                }
                want.push(x);
                let _ = write!(input, "{:x} {:x}", c.xa, c.xb);
                for side in [&c.a, &c.b] {
                    for i in 0..bs {
                        let _ = write!(input, " {:x}", side.get(i).copied().unwrap_or(0));
                    }
                }
                input.push('\n');
            }
            input.push_str("Q\n");
            let out = hls::run_program(&bin, input);
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), cases.len(), "{name} block {bs}: output lines");
            let mut mismatches = 0;
            for (i, (line, w)) in lines.iter().zip(&want).enumerate() {
                let k = kernel_value(line);
                if !same(w, &k) {
                    if mismatches < 5 {
                        let c = &cases[i];
                        eprintln!(
                            "{name} block {bs}: scales {:x} {:x} a={:x?} b={:x?}: model {w:?}, kernel {k:?} ({line})",
                            c.xa, c.xb, c.a, c.b
                        );
                    }
                    mismatches += 1;
                }
            }
            assert_eq!(mismatches, 0, "{name} block {bs}: {mismatches} mismatches");
            total += cases.len();
        }
    }
    println!(
        "mx_dot.h: {total} vectors over 6 element formats and 2 block sizes ({specials} NaN/∞ results), 0 mismatches"
    );
}
