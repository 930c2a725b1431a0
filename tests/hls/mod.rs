//! The C-simulation oracle: C++ programs built on `hls/tb/harness.h` and the real
//! `ap_types`/`ac_types` headers (fetched by `hls/fetch-headers.sh` from the hls4ml 1.3.0
//! wheel), compiled by g++ and cached under the target directory by a hash of their source.
//!
//! A test describes entries (C++ expressions of type `lp::Entry`, with any helper
//! definitions), groups the commands of the harness protocol, and gets each `R` command's
//! result tokens back.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The include directories: the vivado templates (ap_types) and ac_types.
pub struct Headers {
    pub ap: PathBuf,
    pub ac: PathBuf,
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `hls/fetch-headers.sh` once per process.
pub fn headers() -> &'static Headers {
    static H: OnceLock<Headers> = OnceLock::new();
    H.get_or_init(|| {
        let out = Command::new("bash")
            .arg(manifest_dir().join("hls/fetch-headers.sh"))
            .stderr(Stdio::inherit())
            .output()
            .expect("run hls/fetch-headers.sh (needs bash, pip and unzip)");
        assert!(out.status.success(), "hls/fetch-headers.sh failed");
        let text = String::from_utf8(out.stdout).expect("paths");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() >= 2, "fetch-headers printed {text:?}");
        Headers {
            ap: PathBuf::from(lines[lines.len() - 2]),
            ac: PathBuf::from(lines[lines.len() - 1]),
        }
    })
}

/// FNV-1a, 64 bits: a stable hash for the cache key.
pub fn fnv(data: &[u8], mut h: u64) -> u64 {
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

const FLAGS: [&str; 3] = ["-O0", "-std=c++17", "-w"];

/// One generated translation unit.
pub struct Unit {
    /// Definitions before the table (typedefs, functions).
    pub prelude: String,
    /// The entries, as C++ initializers of `lp::Entry`.
    pub entries: Vec<String>,
    /// Whether it needs ac_types.
    pub ac: bool,
    /// Whether to compile with `-DNDEBUG` (the headers' assertions off).
    pub ndebug: bool,
}

impl Unit {
    pub fn new(ac: bool) -> Unit {
        Unit {
            prelude: String::new(),
            entries: Vec::new(),
            ac,
            ndebug: false,
        }
    }

    /// Adds an entry and returns its index.
    pub fn entry(&mut self, e: String) -> usize {
        self.entries.push(e);
        self.entries.len() - 1
    }

    pub fn source(&self) -> String {
        let mut s = String::new();
        if self.ndebug {
            s.push_str("#define NDEBUG\n");
        }
        if self.ac {
            s.push_str("#define LP_WITH_AC\n");
        }
        s.push_str("#include \"harness.h\"\n");
        s.push_str(&self.prelude);
        s.push_str("static const lp::Entry lp_table[] = {\n");
        for e in &self.entries {
            s.push_str("  ");
            s.push_str(e);
            s.push_str(",\n");
        }
        s.push_str("};\nint main(int argc, char** argv) {\n  return lp::run(lp_table, sizeof lp_table / sizeof lp_table[0], argc, argv);\n}\n");
        s
    }
}

/// Compiles the units (two at a time), reusing cached binaries.
pub fn build(units: &[Unit]) -> Vec<PathBuf> {
    // One build at a time per test process (each runs two compilers).
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let h = headers();
    let harness = std::fs::read(manifest_dir().join("hls/tb/harness.h")).expect("harness.h");
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hls-tb");
    std::fs::create_dir_all(&cache).expect("cache dir");
    let jobs: Vec<(String, PathBuf)> = units
        .iter()
        .map(|u| {
            let src = u.source();
            let mut key = fnv(src.as_bytes(), 0xcbf2_9ce4_8422_2325);
            key = fnv(&harness, key);
            key = fnv(FLAGS.join(" ").as_bytes(), key);
            key = fnv(h.ap.to_string_lossy().as_bytes(), key);
            (src, cache.join(format!("tb-{key:016x}")))
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(2);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((src, bin)) = jobs.get(i) else { break };
                    if bin.exists() {
                        continue;
                    }
                    compile(src, bin, h);
                }
            });
        }
    });
    jobs.into_iter().map(|(_, b)| b).collect()
}

fn compile(src: &str, bin: &Path, h: &Headers) {
    let cpp = bin.with_extension("cpp");
    std::fs::write(&cpp, src).expect("write the C++ source");
    let tmp = bin.with_extension("tmp");
    let out = Command::new("g++")
        .args(FLAGS)
        .arg(format!("-I{}", manifest_dir().join("hls/tb").display()))
        .arg(format!("-I{}", h.ap.join("ap_types").display()))
        .arg(format!("-I{}", h.ap.display()))
        .arg(format!("-I{}", h.ac.display()))
        .arg(&cpp)
        .arg("-o")
        .arg(&tmp)
        .output()
        .expect("run g++ (scripts/setup-oracles.sh installs it)");
    assert!(
        out.status.success(),
        "g++ failed on {}:\n{}",
        cpp.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::rename(&tmp, bin).expect("rename the binary");
}

/// Commands for one program, and the bookkeeping of which `R` lines come back.
#[derive(Default)]
pub struct Script {
    text: String,
    runs: usize,
}

impl Script {
    /// Sets the current inputs.
    pub fn inputs(&mut self, xs: &[u64]) {
        use std::fmt::Write as _;
        let _ = writeln!(self.text, "I {}", xs.len());
        for x in xs {
            let _ = writeln!(self.text, "{x:x}");
        }
    }
    /// Sets the current input pairs.
    pub fn pairs(&mut self, xs: &[(u64, u64)]) {
        use std::fmt::Write as _;
        let _ = writeln!(self.text, "P {}", xs.len());
        for (a, b) in xs {
            let _ = writeln!(self.text, "{a:x} {b:x}");
        }
    }
    /// Runs entry `k`; returns the index of its output line.
    pub fn run(&mut self, k: usize) -> usize {
        self.text.push_str(&format!("R {k}\n"));
        self.runs += 1;
        self.runs - 1
    }
    /// Asks for entry `k`'s description; returns the index of its output line.
    pub fn describe(&mut self, k: usize) -> usize {
        self.text.push_str(&format!("Y {k}\n"));
        self.runs += 1;
        self.runs - 1
    }
    /// Runs the program; one output line per `run`/`describe`.
    pub fn execute(mut self, bin: &Path) -> Vec<String> {
        self.text.push_str("Q\n");
        let text = std::mem::take(&mut self.text);
        let keep = bin.with_extension("in");
        let _ = std::fs::write(&keep, &text);
        let (out, status) = feed(bin, text, Stdio::null());
        assert!(
            status.success(),
            "{} exited with {status} on the commands in {}",
            bin.display(),
            keep.display()
        );
        let _ = std::fs::remove_file(&keep);
        let lines: Vec<String> = out.lines().map(String::from).collect();
        assert_eq!(lines.len(), self.runs, "output lines");
        lines
    }
}

/// Parses a result line into tokens, each a list of comma-separated hex values.
pub fn tokens(line: &str) -> Vec<Vec<u64>> {
    line.split(' ')
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.split(',')
                .map(|v| u64::from_str_radix(v, 16).expect("hex"))
                .collect()
        })
        .collect()
}

/// The C++ spelling of a format for the harness (the `Display` of lowprec's formats is
/// already the C++ type; `ap_int<W>` keeps its own class).
pub fn cpp_type(f: &lowprec::fixed::FixedFormat) -> String {
    let s = f.to_string();
    // Close template argument lists with a space so that `>>` never appears.
    format!("{s} ")
}

/// A raw operand of `f`: random bits, short values of either sign, the extremes.
pub fn operand(f: &lowprec::fixed::FixedFormat, rng: &mut Rng) -> u64 {
    let r = rng.next();
    let x = match rng.below(5) {
        0 => r,
        1 => r >> rng.below(64),
        2 => (r >> rng.below(64)).wrapping_neg(),
        3 => [0, 1, f.mask(), f.mask() >> 1, (f.mask() >> 1) + 1][rng.below(5) as usize],
        _ => r & 0xF,
    };
    x & f.mask()
}

/// The W bits of a wide value as (low 64, high 64).
pub fn wide_bits(w: &lowprec::fixed::Wide) -> [u64; 2] {
    let width = w.format().width();
    let bits = (w.raw() as u128) & (u128::MAX >> (128 - width));
    [bits as u64, (bits >> 64) as u64]
}

/// A small deterministic generator for test inputs.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

/// `ap_int<W>` or `ap_uint<W>` with the default modes.
pub fn ap_int_type(width: u32, signed: bool) -> lowprec::fixed::FixedFormat {
    let f = if signed {
        lowprec::fixed::FixedFormat::ap_int(width)
    } else {
        lowprec::fixed::FixedFormat::ap_uint(width)
    };
    f.expect("a valid ap_int width")
}

/// Integer bits for a random type of width `w`: below, within and above the width.
pub fn random_int_bits(rng: &mut Rng, w: u32) -> i32 {
    (match rng.below(3) {
        0 => rng.range(-4, w as i64),
        1 => rng.range(0, w as i64 + 8),
        _ => rng.range(-(w as i64) / 2, 2 * w as i64),
    }) as i32
}

/// A C-simulation testbench: a C++ program compiled by g++ against the real `ap_types`
/// headers, the repository's `hls/include` and headers the test generates (written next to
/// the binary, which is on the include path), cached under `target/<cache>/` by a hash of
/// every source, generated header, flag and the header directory.
pub struct Testbench<'a> {
    /// The cache directory under `target/`.
    pub cache: &'a str,
    /// The testbench source (compiled) and then every header it reads from the repository
    /// (hashed), relative to the repository.
    pub sources: &'a [&'a str],
    /// Generated headers: (file name, text).
    pub generated: &'a [(&'a str, &'a str)],
    /// More include directories, relative to the repository.
    pub includes: &'a [&'a str],
    /// Compiler flags.
    pub flags: &'a [&'a str],
}

impl Testbench<'_> {
    /// The binary, compiled once per hash (the test fails if g++ or a header is missing).
    pub fn build(&self) -> PathBuf {
        let h = headers();
        let root = manifest_dir();
        let mut key = 0xcbf2_9ce4_8422_2325u64;
        for s in self.sources {
            let text = std::fs::read(root.join(s)).unwrap_or_else(|e| panic!("{s}: {e}"));
            key = fnv(&text, key);
        }
        for (name, text) in self.generated {
            key = fnv(name.as_bytes(), key);
            key = fnv(text.as_bytes(), key);
        }
        key = fnv(self.includes.join(" ").as_bytes(), key);
        key = fnv(self.flags.join(" ").as_bytes(), key);
        key = fnv(h.ap.to_string_lossy().as_bytes(), key);
        let dir = root
            .join("target")
            .join(self.cache)
            .join(format!("{key:016x}"));
        let bin = dir.join("tb");
        if bin.exists() {
            return bin;
        }
        std::fs::create_dir_all(&dir).expect("cache dir");
        for (name, text) in self.generated {
            std::fs::write(dir.join(name), text).expect("write a generated header");
        }
        let tmp = dir.join(format!("tb.tmp{}", std::process::id()));
        let t0 = std::time::Instant::now();
        let mut cmd = Command::new("g++");
        cmd.args(self.flags)
            .arg(format!("-I{}", h.ap.join("ap_types").display()))
            .arg(format!("-I{}", h.ap.display()))
            .arg(format!("-I{}", root.join("hls/include").display()))
            .arg(format!("-I{}", dir.display()));
        for inc in self.includes {
            cmd.arg(format!("-I{}", root.join(inc).display()));
        }
        let out = cmd
            .arg(root.join(self.sources[0]))
            .arg("-o")
            .arg(&tmp)
            .output()
            .expect("cannot run g++ (scripts/setup-oracles.sh installs it)");
        assert!(
            out.status.success(),
            "g++ failed on {}:\n{}",
            self.sources[0],
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::rename(&tmp, &bin).expect("rename the binary");
        eprintln!(
            "compiled {} in {:.1} s",
            self.sources[0],
            t0.elapsed().as_secs_f64()
        );
        bin
    }
}

/// Runs a program with `input` on its standard input and returns its standard output;
/// the test fails if the program does.
pub fn run_program(bin: &Path, input: String) -> String {
    let (out, status) = feed(bin, input, Stdio::inherit());
    assert!(status.success(), "{} failed: {status}", bin.display());
    out
}

/// Runs `bin` with `input` written to its standard input from another thread (so that a
/// large input cannot deadlock against the output); returns its standard output and exit
/// status.
fn feed(bin: &Path, input: String, stderr: Stdio) -> (String, std::process::ExitStatus) {
    use std::io::{Read, Write};
    let mut child = Command::new(bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // The program may stop reading early; its status says why.
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read the program's output");
    writer.join().expect("writer thread");
    let status = child.wait().expect("wait for the program");
    (out, status)
}

// Random vectors for the nn testbenches: realistic magnitudes, full ranges and extremes.

/// A raw value of `f` with at most `mag` magnitude bits, or an extreme.
pub fn raw_mag(f: &lowprec::fixed::FixedFormat, mag: u32, rng: &mut Rng) -> i64 {
    let (lo, hi) = (f.min_raw() as i64, f.max_raw() as i64);
    match rng.below(16) {
        0 => [lo, hi, 0, 1, -1][rng.below(5) as usize].clamp(lo, hi),
        _ => {
            let m = (rng.next() >> (64 - mag.clamp(1, 63))) as i64;
            let v = if f.is_signed() && rng.below(2) == 0 {
                -m
            } else {
                m
            };
            v.clamp(lo, hi)
        }
    }
}

/// Weights of `f`: realistic (a few magnitude bits per row) or full range.
pub fn weights(f: &lowprec::fixed::FixedFormat, n: usize, full: bool, rng: &mut Rng) -> Vec<i64> {
    let w = f.width();
    let mut mag = w;
    (0..n)
        .map(|i| {
            if i % 16 == 0 {
                mag = if full {
                    w
                } else {
                    1 + rng.below(u64::from(w - 1)) as u32
                };
            }
            raw_mag(f, mag, rng)
        })
        .collect()
}

/// One input sequence of `seq` × `d` values of `f`.
pub fn sequence(f: &lowprec::fixed::FixedFormat, seq: usize, d: usize, rng: &mut Rng) -> Vec<i64> {
    let w = f.width();
    match rng.below(6) {
        0 => (0..seq * d).map(|_| raw_mag(f, w, rng)).collect(),
        1 => {
            // A few distinct tokens repeated: equal scores, softmax ties.
            let toks: Vec<Vec<i64>> = (0..3)
                .map(|_| {
                    let m = 1 + rng.below(u64::from(w)) as u32;
                    (0..d).map(|_| raw_mag(f, m, rng)).collect()
                })
                .collect();
            (0..seq)
                .flat_map(|_| toks[rng.below(3) as usize].clone())
                .collect()
        }
        _ => {
            let m = 1 + rng.below(u64::from(w)) as u32;
            (0..seq * d).map(|_| raw_mag(f, m, rng)).collect()
        }
    }
}

/// Appends the raw integers `v` as one line, separated by spaces.
pub fn push_line(s: &mut String, v: &[i64]) {
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&x.to_string());
    }
    s.push('\n');
}
