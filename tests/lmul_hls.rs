//! The HLS kernel `hls/include/lowprec/lmul.h` against the Rust golden model: the
//! testbench `hls/tb/lmul_tb.cpp` is compiled with g++ against the real `ap_types`
//! headers (from the hls4ml 1.3.0 wheel, fetched by `hls/fetch-headers.sh` into
//! `target/hls-headers/`) and run on every configuration it lists: all code pairs of each
//! format of at most 8 bits (OCP FP8, FNUZ, MX FP6/FP4 and E8M0, every signed and unsigned
//! IEEE P3109 binary8pP, and custom layouts), in paper mode and in guarded mode under every
//! overflow policy; 10^6 random pairs (specials and range edges included) of each wider
//! format. Zero mismatches allowed.
//!
//! The compiled testbench is cached under `target/lmul-hls/`, keyed by a hash of the
//! sources, the compiler command and the header directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use lowprec::float::Specials;
use lowprec::lmul::{LMul, Mode};
use lowprec::{FloatFormat, Overflow, RandomBits, SplitMix64};

const HLS4ML_VERSION: &str = "1.3.0";

/// Code pairs compared exhaustively: 4^width for each configuration of a format of at
/// most 8 bits.
const EXHAUSTIVE_PAIRS: u64 = 17_789_440;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The vivado template directory H of the hls4ml wheel (`-I$H/ap_types -I$H`).
fn headers() -> &'static PathBuf {
    static H: OnceLock<PathBuf> = OnceLock::new();
    H.get_or_init(|| {
        let script = root().join("hls/fetch-headers.sh");
        if script.exists() {
            let out = Command::new("bash")
                .arg(&script)
                .current_dir(root())
                .output()
                .expect("cannot run bash hls/fetch-headers.sh");
            assert!(
                out.status.success(),
                "hls/fetch-headers.sh failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let first = String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            return PathBuf::from(first);
        }
        fetch_headers_here()
    })
}

/// The same download and cache layout as `hls/fetch-headers.sh`, for checkouts without it.
fn fetch_headers_here() -> PathBuf {
    let dest = root().join(format!("target/hls-headers/hls4ml-{HLS4ML_VERSION}"));
    let vivado = dest.join("hls4ml/templates/vivado");
    if dest.join(".complete").exists() {
        return vivado;
    }
    let tmp = root().join(format!(
        "target/hls-headers.tmp.lmul.{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let venv_pip = root().join("target/oracle-venv/bin/pip");
    let mut pip = if venv_pip.exists() {
        Command::new(venv_pip)
    } else {
        let mut c = Command::new("python3");
        c.args(["-m", "pip"]);
        c
    };
    let status = pip
        .args([
            "download",
            "-q",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
        ])
        .arg(tmp.join("wheel"))
        .arg(format!("hls4ml=={HLS4ML_VERSION}"))
        .status()
        .expect("cannot run pip");
    assert!(
        status.success(),
        "pip download hls4ml=={HLS4ML_VERSION} failed"
    );
    let wheel = std::fs::read_dir(tmp.join("wheel"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .expect("no wheel downloaded");
    let status = Command::new("unzip")
        .args(["-q", "-o"])
        .arg(&wheel)
        .args([
            "hls4ml/templates/vivado/ap_types/*",
            "hls4ml/templates/catapult/ac_types/*",
            "-d",
        ])
        .arg(tmp.join("out"))
        .status()
        .expect("cannot run unzip (scripts/setup-oracles.sh installs it)");
    assert!(status.success(), "unzip of {} failed", wheel.display());
    if !dest.join(".complete").exists() {
        let _ = std::fs::remove_dir_all(&dest);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::rename(tmp.join("out"), &dest).unwrap();
        std::fs::write(dest.join(".complete"), "").unwrap();
    }
    let _ = std::fs::remove_dir_all(&tmp);
    vivado
}

/// FNV-1a, 64 bits: a cache key, not a checksum of anything adversarial.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for p in parts {
        for &b in p.iter().chain(&[0xFFu8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    h
}

/// The compiled testbench, built once per source hash.
fn testbench() -> &'static PathBuf {
    static TB: OnceLock<PathBuf> = OnceLock::new();
    TB.get_or_init(|| {
        let h = headers();
        let src = root().join("hls/tb/lmul_tb.cpp");
        let header = root().join("hls/include/lowprec/lmul.h");
        let flags = ["-O2", "-std=c++17"];
        let key = fnv1a(&[
            &std::fs::read(&src).unwrap(),
            &std::fs::read(&header).unwrap(),
            flags.join(" ").as_bytes(),
            h.to_string_lossy().as_bytes(),
        ]);
        let dir = root().join("target/lmul-hls");
        std::fs::create_dir_all(&dir).unwrap();
        let bin = dir.join(format!("lmul_tb-{key:016x}"));
        if bin.exists() {
            return bin;
        }
        let tmp = dir.join(format!("lmul_tb-{key:016x}.tmp{}", std::process::id()));
        let out = Command::new("g++")
            .args(flags)
            .arg(format!("-I{}", h.join("ap_types").display()))
            .arg(format!("-I{}", h.display()))
            .arg(format!("-I{}", root().join("hls/include").display()))
            .arg(&src)
            .arg("-o")
            .arg(&tmp)
            .output()
            .expect("cannot run g++ (scripts/setup-oracles.sh installs it)");
        assert!(
            out.status.success(),
            "g++ failed on hls/tb/lmul_tb.cpp:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::rename(&tmp, &bin).unwrap();
        bin
    })
}

/// One testbench configuration, `FORMAT-MODE-OVERFLOW-kK`, as the Rust model. FORMAT may
/// contain '-' itself (a negative bias), so the name is split from the right.
fn model(name: &str) -> LMul {
    let parts: Vec<&str> = name.rsplitn(4, '-').collect();
    assert_eq!(parts.len(), 4, "configuration name {name}");
    let f: FloatFormat = parts[3]
        .parse()
        .unwrap_or_else(|e| panic!("configuration {name}: {e}"));
    let mode: Mode = parts[2].parse().unwrap();
    let overflow: Overflow = parts[1].parse().unwrap();
    let k: u32 = parts[0].strip_prefix('k').unwrap().parse().unwrap();
    assert!(k <= f.man_bits(), "configuration {name}: k above M");
    LMul::new(f, mode, overflow).with_k(k)
}

/// Codes that exercise the guarded edges: zeros, subnormals, the smallest and largest
/// normals, infinities, NaNs, and exponent fields around the bias (clamped to the field).
fn edge_codes(f: &FloatFormat) -> Vec<u64> {
    let m = f.man_bits();
    let frac_max = (1u64 << m) - 1;
    let field_max = (1i64 << f.exp_bits()) - 1;
    let mut v = vec![
        0,
        1,
        frac_max,
        1 << m,
        (1 << m) + 1,
        f.max_mag(),
        f.max_mag().saturating_sub(1),
        f.max_mag() + 1,
        f.max_mag() + 2,
        f.mag_mask(),
    ];
    let bias = i64::from(f.bias());
    for e in [
        1,
        2,
        bias / 2,
        bias - 1,
        bias,
        bias + 1,
        2 * bias - 1,
        2 * bias,
        field_max - 1,
        field_max,
    ] {
        let e = e.clamp(0, field_max) as u64;
        for frac in [0, 1, frac_max, 1 << m.saturating_sub(1)] {
            v.push((e << m) | (frac & frac_max));
        }
    }
    let mut v: Vec<u64> = v.into_iter().map(|c| c & f.mag_mask()).collect();
    let signed: Vec<u64> = v.iter().map(|c| c | f.sign_bit()).collect();
    v.extend(signed);
    v
}

/// Number of random pairs of each format wider than 8 bits.
const RANDOM_PAIRS: usize = 1_000_000;

/// Every code pair of a format of at most 8 bits (a in the high half of the index), else
/// [`RANDOM_PAIRS`] random pairs, one code in eight taken from [`edge_codes`].
fn pairs_for(f: &FloatFormat, rng: &mut SplitMix64) -> Vec<(u64, u64)> {
    let w = f.width();
    if w <= 8 {
        let mask = f.code_mask();
        return (0..1u64 << (2 * w)).map(|i| (i >> w, i & mask)).collect();
    }
    let edges = edge_codes(f);
    let code = |rng: &mut SplitMix64| {
        let r = rng.next_u64();
        if r % 8 == 0 {
            edges[(r >> 8) as usize % edges.len()]
        } else {
            (r >> 3) & f.code_mask()
        }
    };
    (0..RANDOM_PAIRS).map(|_| (code(rng), code(rng))).collect()
}

/// The formats the testbench must cover exhaustively, each in paper mode and in guarded
/// mode under every overflow policy: every preset of at most 8 bits (OCP FP8, FNUZ, MX
/// FP6/FP4, E8M0) and every 8-bit IEEE P3109 format, signed and unsigned, extended and
/// finite.
fn required_formats() -> Vec<String> {
    let mut v: Vec<String> = FloatFormat::PRESETS
        .iter()
        .filter(|(_, f)| f.width() <= 8)
        .map(|(name, _)| name.to_string())
        .collect();
    for (signed, max_p) in [('s', 7), ('u', 8)] {
        for p in 1..=max_p {
            for x in ['e', 'f'] {
                v.push(format!("binary8p{p}{signed}{x}"));
            }
        }
    }
    v
}

fn check_coverage(names: &[String]) {
    for f in required_formats() {
        let m = f.parse::<FloatFormat>().unwrap().man_bits();
        for (mode, overflow) in [
            ("paper", "ieee"),
            ("guarded", "ieee"),
            ("guarded", "satfinite"),
            ("guarded", "satpropagate"),
        ] {
            let name = format!("{f}-{mode}-{overflow}-k{m}");
            assert!(names.contains(&name), "the testbench lacks {name}");
        }
    }
    // Every special-value layout, with and without a sign bit (FNUZ needs one), has a
    // format the test exhausts.
    let small: Vec<FloatFormat> = names
        .iter()
        .map(|n| model(n).format())
        .filter(|f| f.width() <= 8)
        .collect();
    for specials in Specials::ALL {
        for signed in [true, false] {
            if specials == Specials::Fnuz && !signed {
                continue;
            }
            assert!(
                small
                    .iter()
                    .any(|f| f.specials() == specials && f.is_signed() == signed),
                "no exhaustive configuration of {specials:?}, signed = {signed}"
            );
        }
    }
}

/// The pairs of one format, and the testbench input file that holds them.
struct Input {
    format: FloatFormat,
    pairs: Vec<(u64, u64)>,
    path: PathBuf,
}

/// Runs the testbench on configuration `name` over `input` (writing its results to `out`)
/// and compares every result with the model. Returns the number of pairs compared.
fn compare(tb: &Path, name: &str, lm: &LMul, input: &Input, out: &Path) -> Result<u64, String> {
    let run = Command::new(tb)
        .arg(name)
        .arg(&input.path)
        .arg(out)
        .output()
        .unwrap();
    if !run.status.success() {
        return Err(format!(
            "lmul_tb {name} failed: {}",
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    let got = std::fs::read(out).unwrap();
    if got.len() != input.pairs.len() * 8 {
        return Err(format!("lmul_tb {name}: {} result bytes", got.len()));
    }
    let mut mismatches = Vec::new();
    for (&(a, b), c) in input.pairs.iter().zip(got.chunks_exact(8)) {
        let c = u64::from_le_bytes(c.try_into().unwrap());
        let want = lm.mul(a, b);
        if c != want {
            mismatches.push(format!("{a:#x} × {b:#x}: C++ {c:#x}, Rust {want:#x}"));
        }
    }
    if !mismatches.is_empty() {
        return Err(format!(
            "{name}: {} mismatches of {}, first: {:?}",
            mismatches.len(),
            input.pairs.len(),
            &mismatches[..mismatches.len().min(8)]
        ));
    }
    Ok(input.pairs.len() as u64)
}

#[test]
fn hls_kernel_matches_rust_on_every_configuration() {
    let tb = testbench();
    let list = Command::new(tb).arg("list").output().unwrap();
    assert!(list.status.success());
    let names: Vec<String> = String::from_utf8(list.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(names.len(), 346, "{names:?}");
    check_coverage(&names);
    let dir = root().join(format!("target/lmul-hls/run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // One input file per format, in the order the formats first appear.
    let mut rng = SplitMix64::new(0x4C4D_554C);
    let mut inputs: Vec<Input> = Vec::new();
    let mut jobs: Vec<(&str, LMul, usize)> = Vec::new();
    for name in &names {
        let lm = model(name);
        let f = lm.format();
        let i = match inputs.iter().position(|i| i.format == f) {
            Some(i) => i,
            None => {
                let pairs = pairs_for(&f, &mut rng);
                let mut bytes = Vec::with_capacity(pairs.len() * 16);
                for &(a, b) in &pairs {
                    bytes.extend_from_slice(&a.to_le_bytes());
                    bytes.extend_from_slice(&b.to_le_bytes());
                }
                let path = dir.join(format!("in{}.bin", inputs.len()));
                std::fs::write(&path, &bytes).unwrap();
                inputs.push(Input {
                    format: f,
                    pairs,
                    path,
                });
                inputs.len() - 1
            }
        };
        jobs.push((name, lm, i));
    }

    // The configurations are independent: a few workers take them in turn.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let next = AtomicUsize::new(0);
    let results: Vec<Result<u64, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (jobs, inputs, next, dir) = (&jobs, &inputs, &next, &dir);
                s.spawn(move || {
                    let out = dir.join(format!("out{w}.bin"));
                    let mut done = Vec::new();
                    loop {
                        let j = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(name, ref lm, i)) = jobs.get(j) else {
                            return done;
                        };
                        done.push((j, compare(tb, name, lm, &inputs[i], &out)));
                    }
                })
            })
            .collect();
        let mut all: Vec<(usize, Result<u64, String>)> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        all.sort_by_key(|(j, _)| *j);
        all.into_iter().map(|(_, r)| r).collect()
    });
    let _ = std::fs::remove_dir_all(&dir);

    let (mut exhaustive, mut random) = (0u64, 0u64);
    for ((name, lm, _), r) in jobs.iter().zip(results) {
        let n = r.unwrap_or_else(|e| panic!("{e}"));
        let w = lm.format().width();
        if w <= 8 {
            assert_eq!(n, 1 << (2 * w), "{name} is not exhaustive");
            exhaustive += n;
        } else {
            assert_eq!(n, RANDOM_PAIRS as u64, "{name}");
            random += n;
        }
    }
    println!(
        "{} configurations: {exhaustive} code pairs exhaustively, {random} random",
        names.len()
    );
    // 310 configurations of 4- to 8-bit formats, 36 of 6 formats of 16 to 63 bits.
    assert_eq!(exhaustive, EXHAUSTIVE_PAIRS);
    assert_eq!(random, 36 * RANDOM_PAIRS as u64);
}
