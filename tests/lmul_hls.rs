//! The HLS kernel `hls/include/lowprec/lmul.h` against the Rust golden model: the
//! testbench `hls/tb/lmul_tb.cpp` is compiled with g++ against the real `ap_types`
//! headers (from the hls4ml 1.3.0 wheel, fetched by `hls/fetch-headers.sh` into
//! `target/hls-headers/`) and run on every configuration it lists: all 65,536 code pairs
//! of each 8-bit format, 10^6 random pairs (specials and range edges included) of fp16,
//! bf16 and fp32. Zero mismatches allowed.
//!
//! The compiled testbench is cached under `target/lmul-hls/`, keyed by a hash of the
//! sources, the compiler command and the header directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use lowprec::lmul::{LMul, Mode};
use lowprec::{FloatFormat, Overflow, RandomBits, SplitMix64};

const HLS4ML_VERSION: &str = "1.3.0";

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

/// One testbench configuration, `FORMAT-MODE-OVERFLOW-kK`, as the Rust model.
fn model(name: &str) -> LMul {
    let parts: Vec<&str> = name.split('-').collect();
    assert_eq!(parts.len(), 4, "configuration name {name}");
    let f: FloatFormat = parts[0].parse().unwrap();
    let mode: Mode = parts[1].parse().unwrap();
    let overflow: Overflow = parts[2].parse().unwrap();
    let k: u32 = parts[3].strip_prefix('k').unwrap().parse().unwrap();
    LMul::new(f, mode, overflow).with_k(k)
}

/// Codes that exercise the guarded edges: zeros, subnormals, the smallest and largest
/// normals, infinities, NaNs, one, and exponents around the bias.
fn edge_codes(f: &FloatFormat) -> Vec<u64> {
    let m = f.man_bits();
    let mut v = vec![
        0,
        1,
        (1 << m) - 1,
        1 << m,
        (1 << m) + 1,
        f.max_mag(),
        f.max_mag() - 1,
        f.max_mag() + 1,
        f.mag_mask(),
    ];
    let bias = f.bias() as u64;
    for e in [
        1,
        2,
        bias / 2,
        bias - 1,
        bias,
        bias + 1,
        2 * bias - 1,
        2 * bias,
    ] {
        for frac in [0, 1, (1 << m) - 1, 1 << m.saturating_sub(1)] {
            v.push(((e << m) | frac) & f.mag_mask());
        }
    }
    let signed: Vec<u64> = v.iter().map(|c| c | f.sign_bit()).collect();
    v.extend(signed);
    v
}

fn pairs_for(f: &FloatFormat, rng: &mut SplitMix64) -> Vec<(u64, u64)> {
    if f.width() <= 8 {
        return (0..1u64 << 16).map(|i| (i >> 8, i & 0xFF)).collect();
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
    (0..1_000_000).map(|_| (code(rng), code(rng))).collect()
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
    assert_eq!(names.len(), 42, "{names:?}");
    let dir = root().join(format!("target/lmul-hls/run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = SplitMix64::new(0x4C4D_554C);
    let mut inputs: Vec<(FloatFormat, Vec<(u64, u64)>)> = Vec::new();
    let mut total = 0u64;
    let mut per_format = std::collections::BTreeMap::<String, u64>::new();
    for name in &names {
        let lm = model(name);
        let f = lm.format();
        if !inputs.iter().any(|(g, _)| *g == f) {
            let p = pairs_for(&f, &mut rng);
            inputs.push((f, p));
        }
        let pairs = &inputs.iter().find(|(g, _)| *g == f).unwrap().1;
        let mut bytes = Vec::with_capacity(pairs.len() * 8);
        for &(a, b) in pairs {
            bytes.extend_from_slice(&(a as u32).to_le_bytes());
            bytes.extend_from_slice(&(b as u32).to_le_bytes());
        }
        let (inp, out) = (dir.join("in.bin"), dir.join("out.bin"));
        std::fs::write(&inp, &bytes).unwrap();
        let run = Command::new(tb)
            .arg(name)
            .arg(&inp)
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "lmul_tb {name} failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let got = std::fs::read(&out).unwrap();
        assert_eq!(got.len(), pairs.len() * 4);
        let mut mismatches = Vec::new();
        for (i, &(a, b)) in pairs.iter().enumerate() {
            let c = u64::from(u32::from_le_bytes(
                got[4 * i..4 * i + 4].try_into().unwrap(),
            ));
            let want = lm.mul(a, b).value;
            if c != want {
                mismatches.push(format!("{a:#x} × {b:#x}: C++ {c:#x}, Rust {want:#x}"));
            }
        }
        assert!(
            mismatches.is_empty(),
            "{name}: {} mismatches of {}, first: {:?}",
            mismatches.len(),
            pairs.len(),
            &mismatches[..mismatches.len().min(8)]
        );
        total += pairs.len() as u64;
        *per_format.entry(f.to_string()).or_default() += pairs.len() as u64;
    }
    let _ = std::fs::remove_dir_all(&dir);
    // Every 8-bit pair in six configurations, 10^6 pairs in six configurations otherwise.
    for (f, n) in &per_format {
        let want = if f.starts_with('e') {
            6 * 65_536
        } else {
            6 * 1_000_000
        };
        assert_eq!(*n, want, "{f}");
    }
    assert_eq!(total, 4 * 6 * 65_536 + 3 * 6 * 1_000_000);
}
