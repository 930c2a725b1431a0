//! The HLS kernels `hls/include/lowprec/nn/dense.h` and `residual.h` against the Rust
//! golden models `lowprec::nn::Dense` and `lowprec::nn::Residual`, bit for bit.
//!
//! The testbench `hls/tb/nn_dense_tb.cpp` holds every configuration in one translation
//! unit; it is compiled once with g++ against the real `ap_types` headers (fetched by
//! `hls/fetch-headers.sh`) and cached under `target/nn-hls/`, keyed by a hash of the
//! sources, the compiler command and the header directory. The testbench lists its
//! configurations with their types spelled out, so the Rust side builds its models from
//! the very types the C++ compiled.
//!
//! Dense: ten configurations (MiniLM's 384 → 384, 384 → 1536 and 1536 → 384 with 8-bit
//! weights and 16-bit activations; narrow and 30–64-bit types; wrapping, saturating,
//! symmetric, zeroing and sign-magnitude accumulators; products exact or rounded in the
//! accumulator; both schedules; ReLU on and off), each with two weight sets (realistic
//! magnitudes, where the fast path applies, and full-range values with the extremes,
//! where accumulators overflow), ≥ 10,000 vectors for the small shapes, 4,000 for
//! 384 → 384 and 1,000 for the FFN shapes. Residual: five type combinations, 10,000 vectors each. Zero mismatches.

#[path = "hls/mod.rs"]
mod hls;

use std::path::PathBuf;
use std::sync::OnceLock;

use hls::Rng;
use lowprec::fixed::FixedFormat;
use lowprec::nn::{Dense, DenseParams, Residual, ResidualParams, Schedule};

const FLAGS: [&str; 3] = ["-O1", "-std=c++17", "-w"];
const SOURCES: [&str; 4] = [
    "hls/tb/nn_dense_tb.cpp",
    "hls/include/lowprec/nn/dense.h",
    "hls/include/lowprec/nn/residual.h",
    "hls/include/lowprec/nn/types.h",
];

/// The compiled testbench (built once per source hash).
fn testbench() -> &'static PathBuf {
    static TB: OnceLock<PathBuf> = OnceLock::new();
    TB.get_or_init(|| {
        hls::Testbench {
            cache: "nn-hls",
            sources: &SOURCES,
            generated: &[],
            includes: &[],
            flags: &FLAGS,
        }
        .build()
    })
}

/// Runs the testbench on `input`; returns its standard output.
fn run_tb(input: String) -> String {
    hls::run_program(testbench(), input)
}

enum Config {
    Dense {
        k: usize,
        name: String,
        p: DenseParams,
    },
    Residual {
        k: usize,
        name: String,
        n: usize,
        p: ResidualParams,
    },
}

fn configs() -> Vec<Config> {
    let ty = |s: &str| -> FixedFormat { s.parse().unwrap_or_else(|e| panic!("{s}: {e:?}")) };
    run_tb("L\nQ\n".into())
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            let k: usize = f[1].parse().unwrap();
            let name = f[2].to_string();
            match f[0] {
                "dense" => Config::Dense {
                    k,
                    name,
                    p: DenseParams {
                        n_in: f[3].parse().unwrap(),
                        n_out: f[4].parse().unwrap(),
                        input: ty(f[5]),
                        weight: ty(f[6]),
                        bias: ty(f[7]),
                        accum: ty(f[8]),
                        output: ty(f[9]),
                        schedule: match f[10] {
                            "latency" => Schedule::Latency,
                            "wide" => Schedule::Wide,
                            s => panic!("schedule {s}"),
                        },
                        relu: f[11] == "1",
                    },
                },
                "residual" => Config::Residual {
                    k,
                    name,
                    n: f[3].parse().unwrap(),
                    p: ResidualParams {
                        a: ty(f[4]),
                        b: ty(f[5]),
                        output: ty(f[6]),
                    },
                },
                other => panic!("unknown configuration kind {other}"),
            }
        })
        .collect()
}

/// A raw value of `f`: the extremes, short values of either sign, random bits.
fn full(f: &FixedFormat, rng: &mut Rng) -> i64 {
    f.raw_of(hls::operand(f, rng)) as i64
}

/// A raw value of `f` whose magnitude has at most `bits` bits (a realistic activation or
/// weight: far from the type's ends), either sign.
fn small(f: &FixedFormat, bits: u32, rng: &mut Rng) -> i64 {
    let m = (rng.next() >> (64 - bits.clamp(1, 63))) as i64;
    let v = if f.is_signed() && rng.below(2) == 0 {
        -m
    } else {
        m
    };
    v.clamp(f.min_raw() as i64, f.max_raw() as i64)
}

fn push_all(s: &mut String, v: &[i64]) {
    use std::fmt::Write as _;
    for x in v {
        let _ = write!(s, "{x} ");
    }
    s.push('\n');
}

/// One dense job: a weight set and its vectors, the testbench's input and the expectation.
struct Job {
    what: String,
    input: String,
    expect: Vec<i64>,
    n_out: usize,
    rows: usize,
}

fn dense_jobs(k: usize, name: &str, p: &DenseParams, rng: &mut Rng) -> Vec<Job> {
    let dense = Dense::new(*p).unwrap();
    let macs = p.n_in * p.n_out;
    // MiniLM's shapes: about 6·10^8 multiply-accumulates per shape in C simulation
    // (4,000 vectors of 384 → 384, 1,000 of 384 → 1536 and of 1536 → 384).
    let total = if macs > 100_000 {
        (600_000_000 / macs).clamp(1_000, 4_000)
    } else {
        12_000
    };
    let mut jobs = Vec::new();
    for set in 0..2 {
        let rows = total / 2;
        let (xw, ww) = (p.input.width(), p.weight.width());
        let w: Vec<i64> = (0..macs)
            .map(|_| {
                if set == 0 {
                    small(&p.weight, ww.saturating_sub(2).max(1), rng)
                } else {
                    full(&p.weight, rng)
                }
            })
            .collect();
        let b: Vec<i64> = (0..p.n_out)
            .map(|_| {
                if set == 0 {
                    small(&p.bias, p.bias.width().saturating_sub(3).max(1), rng)
                } else {
                    full(&p.bias, rng)
                }
            })
            .collect();
        let mut x = Vec::with_capacity(rows * p.n_in);
        for r in 0..rows {
            // Per vector: realistic magnitudes, the full mix, or all at one extreme.
            let style = if set == 0 { r % 4 } else { 1 + r % 3 };
            let ext = [p.input.min_raw() as i64, p.input.max_raw() as i64][r % 2];
            for _ in 0..p.n_in {
                x.push(match style {
                    0 | 1 => small(&p.input, xw.saturating_sub(3 + (r % 5) as u32).max(1), rng),
                    2 => full(&p.input, rng),
                    _ => {
                        if rng.below(4) == 0 {
                            full(&p.input, rng)
                        } else {
                            ext
                        }
                    }
                });
            }
        }
        let mut expect = vec![0i64; rows * p.n_out];
        dense.run_rows(rows, &x, &w, &b, &mut expect).unwrap();
        let mut input = format!("D {k} {rows}\n");
        push_all(&mut input, &w);
        push_all(&mut input, &b);
        push_all(&mut input, &x);
        jobs.push(Job {
            what: format!("dense {name} weight set {set}"),
            input,
            expect,
            n_out: p.n_out,
            rows,
        });
    }
    jobs
}

fn residual_job(k: usize, name: &str, n: usize, p: &ResidualParams, rng: &mut Rng) -> Job {
    let r = Residual::new(*p).unwrap();
    let rows = 10_000;
    let value = |f: &FixedFormat, rng: &mut Rng, i: usize| {
        if i % 3 == 0 {
            small(f, f.width().saturating_sub(2).max(1), rng)
        } else {
            full(f, rng)
        }
    };
    let a: Vec<i64> = (0..rows * n).map(|i| value(&p.a, rng, i / n)).collect();
    let b: Vec<i64> = (0..rows * n).map(|i| value(&p.b, rng, i / n)).collect();
    let mut expect = vec![0i64; rows * n];
    r.run(&a, &b, &mut expect).unwrap();
    let mut input = format!("R {k} {rows}\n");
    push_all(&mut input, &a);
    push_all(&mut input, &b);
    Job {
        what: format!("residual {name}"),
        input,
        expect,
        n_out: n,
        rows,
    }
}

/// Runs a job in the testbench; returns the number of outputs compared, or the mismatches.
fn check(job: &Job) -> Result<usize, String> {
    let out = run_tb(format!("{}Q\n", job.input));
    let got: Vec<Vec<i64>> = out
        .lines()
        .map(|l| l.split(' ').map(|t| t.parse().unwrap()).collect())
        .collect();
    if got.len() != job.rows {
        return Err(format!(
            "{}: {} result lines, expected {}",
            job.what,
            got.len(),
            job.rows
        ));
    }
    let mut bad = Vec::new();
    let mut count = 0;
    for (r, line) in got.iter().enumerate() {
        if line.len() != job.n_out {
            return Err(format!("{}: row {r} has {} values", job.what, line.len()));
        }
        for (j, &c) in line.iter().enumerate() {
            let want = job.expect[r * job.n_out + j];
            count += 1;
            if c != want {
                bad.push(format!("row {r} out {j}: C++ {c}, Rust {want}"));
            }
        }
    }
    if bad.is_empty() {
        Ok(count)
    } else {
        Err(format!(
            "{}: {} mismatches of {count}, first: {:?}",
            job.what,
            bad.len(),
            &bad[..bad.len().min(6)]
        ))
    }
}

#[test]
fn dense_and_residual_match_csim() {
    let configs = configs();
    let dense = configs
        .iter()
        .filter(|c| matches!(c, Config::Dense { .. }))
        .count();
    let residual = configs.len() - dense;
    assert!(
        dense >= 5 && residual >= 5,
        "{dense} dense, {residual} residual configurations"
    );
    let mut rng = Rng(0x0D3E_5E00);
    let mut jobs = Vec::new();
    for c in &configs {
        match c {
            Config::Dense { k, name, p } => jobs.extend(dense_jobs(*k, name, p, &mut rng)),
            Config::Residual { k, name, n, p } => {
                jobs.push(residual_job(*k, name, *n, p, &mut rng))
            }
        }
    }
    // The heaviest jobs first, two at a time.
    jobs.sort_by_key(|j| std::cmp::Reverse(j.input.len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let r = check(job);
                    results
                        .lock()
                        .unwrap()
                        .push((job.what.clone(), job.rows, r));
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let mut failures = Vec::new();
    for (what, rows, r) in &results {
        match r {
            Ok(n) => eprintln!("{what}: {rows} vectors, {n} outputs, 0 mismatches"),
            Err(e) => failures.push(e.clone()),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn testbench_configurations_cover_the_modes() {
    let configs = configs();
    let dense: Vec<&DenseParams> = configs
        .iter()
        .filter_map(|c| match c {
            Config::Dense { p, .. } => Some(p),
            _ => None,
        })
        .collect();
    use lowprec::fixed::{OverflowMode, Quantization};
    let has = |f: &dyn Fn(&DenseParams) -> bool| dense.iter().any(|p| f(p));
    assert!(has(&|p| p.accum.overflow() == OverflowMode::Wrap));
    assert!(has(&|p| p.accum.overflow() == OverflowMode::Sat));
    assert!(has(&|p| p.accum.quantization() == Quantization::RndConv));
    assert!(has(&|p| p.accum.quantization() == Quantization::Trn));
    assert!(has(&|p| p.schedule == Schedule::Wide) && has(&|p| p.schedule == Schedule::Latency));
    assert!(has(&|p| p.relu) && has(&|p| !p.relu));
    assert!(has(&|p| p.n_in == 384 && p.n_out == 384));
    assert!(has(&|p| p.n_in == 384 && p.n_out == 1536));
    assert!(has(&|p| p.n_in == 1536 && p.n_out == 384));
    // Products exact in the accumulator (the fast path) and rounded into it.
    let fp = |p: &DenseParams| p.input.frac_bits() + p.weight.frac_bits();
    assert!(has(&|p| p.accum.frac_bits() >= fp(p)) && has(&|p| p.accum.frac_bits() < fp(p)));
}
