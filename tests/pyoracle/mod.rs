//! Running the Python oracles (ml_dtypes, pychop, the exact rational oracle in
//! `tests/py/exact.py`) from integration tests.
//!
//! The interpreter is `$LOWPREC_PYTHON`, else `target/oracle-venv/bin/python` under the
//! crate root, as created by `bash scripts/setup-oracles.sh`. A missing interpreter fails
//! the test with that instruction: these tests never skip silently.
//!
//! Data goes through little-endian binary files in a private temporary directory, one
//! file per array, so millions of values cost no text formatting or parsing.
#![allow(dead_code)] // each test target uses a different subset

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// The Python interpreter of the oracle environment.
pub fn python() -> PathBuf {
    let setup = "run `bash scripts/setup-oracles.sh` (it creates target/oracle-venv with numpy, \
                 ml_dtypes 0.6.0, pychop 0.6.2, gfloat 0.5.2, tokenizers 0.23.3 and jax 0.10.2 and prints the interpreter path), or set \
                 LOWPREC_PYTHON to a Python that has them";
    let path = match std::env::var_os("LOWPREC_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/oracle-venv/bin/python"),
    };
    assert!(
        path.exists(),
        "the Python oracle interpreter {} does not exist: {setup}",
        path.display()
    );
    path
}

/// Path of a helper script in `tests/py/`.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/py")
        .join(name)
}

/// Runs `tests/py/<name> args…` with the oracle interpreter and returns its stdout.
/// Panics with the script's stderr if it fails.
pub fn run(name: &str, args: &[&OsStr]) -> String {
    let py = python();
    let out = Command::new(&py)
        .arg(script(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", py.display()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} tests/py/{name} failed ({}):\n{stderr}\nIf a module is missing, run `bash scripts/setup-oracles.sh`.",
        py.display(),
        out.status
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A private temporary directory, removed on drop (kept if `LOWPREC_KEEP_TMP` is set).
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A new empty directory `lowprec-<tag>-<pid>-<n>-<nanos>` under the system temp dir.
    pub fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "lowprec-{tag}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.path
    }

    /// A file in the directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("LOWPREC_KEEP_TMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A plain value stored little-endian in the exchange files.
pub trait Le: Copy {
    /// Bytes per value.
    const SIZE: usize;
    /// Appends the little-endian bytes.
    fn put(self, out: &mut Vec<u8>);
    /// Reads one value from exactly `SIZE` bytes.
    fn get(b: &[u8]) -> Self;
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(b: &[u8]) -> Self {
                <$t>::from_le_bytes(b.try_into().expect("chunk size"))
            }
        }
    )*};
}
le!(u8, u16, u32, u64, f32, f64);

/// Writes `xs` to `path`, little-endian.
pub fn write<T: Le>(path: &Path, xs: &[T]) {
    let mut buf = Vec::with_capacity(xs.len() * T::SIZE);
    for &x in xs {
        x.put(&mut buf);
    }
    std::fs::write(path, buf).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Reads a little-endian array written by a helper script.
pub fn read<T: Le>(path: &Path) -> Vec<T> {
    let buf = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    assert!(
        buf.len() % T::SIZE == 0,
        "{}: {} bytes is not a whole number of {}-byte values",
        path.display(),
        buf.len(),
        T::SIZE
    );
    buf.chunks_exact(T::SIZE).map(T::get).collect()
}

/// Writes a text file (small job descriptions for the scripts).
pub fn write_text(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The next f64 toward +∞ (finite, non-NaN `x`; −0 and +0 both step to the smallest
/// subnormal).
pub fn next_up(x: f64) -> f64 {
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let b = x.to_bits();
    f64::from_bits(if x > 0.0 { b + 1 } else { b - 1 })
}

/// The next f64 toward −∞ (finite, non-NaN `x`).
pub fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

/// The next f32 toward +∞ (finite, non-NaN `x`).
pub fn next_up_f32(x: f32) -> f32 {
    if x == 0.0 {
        return f32::from_bits(1);
    }
    let b = x.to_bits();
    f32::from_bits(if x > 0.0 { b + 1 } else { b - 1 })
}

/// The next f32 toward −∞ (finite, non-NaN `x`).
pub fn next_down_f32(x: f32) -> f32 {
    -next_up_f32(-x)
}

/// Whether two f64 results are the same datum: both NaN, or identical bits (so +0 ≠ −0).
pub fn same_f64(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// Exact-oracle queries: groups of f64 inputs, each rounded into one format in one mode
/// by `tests/py/exact.py`, which works with Python integers and `fractions.Fraction`
/// (no floating-point arithmetic) and knows the formats from their specifications, not
/// from lowprec.
#[derive(Default)]
pub struct ExactQueries {
    groups: Vec<(String, String, Vec<f64>)>,
}

impl ExactQueries {
    /// Adds a group: `format` is a name `tests/py/exact.py` knows (an ml_dtypes dtype
    /// name, or `ieee:E:M`, `ieee:E:M:nosub`), `mode` one of `rne rna rnz rup rdn rtz rto`.
    /// Returns the group's index.
    pub fn add(&mut self, format: &str, mode: &str, xs: Vec<f64>) -> usize {
        self.groups.push((format.to_string(), mode.to_string(), xs));
        self.groups.len() - 1
    }

    /// Runs the oracle; result `i` holds the correctly rounded values of group `i`
    /// (NaN where the result is NaN, ±∞, signed zeros). Groups with the same format and
    /// mode are merged and their inputs deduplicated before the oracle sees them.
    pub fn run(self) -> Vec<Vec<f64>> {
        use std::collections::HashMap;
        let tmp = TempDir::new("exact");
        // (format, mode, distinct inputs, their index by bit pattern)
        type Merged<'a> = (&'a str, &'a str, Vec<f64>, HashMap<u64, usize>);
        let mut merged: Vec<Merged> = Vec::new();
        let mut slot: HashMap<(&str, &str), usize> = HashMap::new();
        let mut where_: Vec<(usize, Vec<usize>)> = Vec::new();
        for (format, mode, xs) in &self.groups {
            let k = *slot.entry((format, mode)).or_insert_with(|| {
                merged.push((format, mode, Vec::new(), HashMap::new()));
                merged.len() - 1
            });
            let (_, _, uniq, index) = &mut merged[k];
            let pos = xs
                .iter()
                .map(|x| {
                    *index.entry(x.to_bits()).or_insert_with(|| {
                        uniq.push(*x);
                        uniq.len() - 1
                    })
                })
                .collect();
            where_.push((k, pos));
        }
        let mut jobs = String::new();
        for (i, (format, mode, uniq, _)) in merged.iter().enumerate() {
            write(&tmp.file(&format!("q{i}.in")), uniq);
            jobs.push_str(&format!("q{i}.in q{i}.out {format} {mode}\n"));
        }
        write_text(&tmp.file("jobs.txt"), &jobs);
        run("exact.py", &[tmp.dir().as_os_str()]);
        let out: Vec<Vec<f64>> = merged
            .iter()
            .enumerate()
            .map(|(i, (format, mode, uniq, _))| {
                let o: Vec<f64> = read(&tmp.file(&format!("q{i}.out")));
                assert_eq!(
                    o.len(),
                    uniq.len(),
                    "exact oracle ({format}, {mode}) returned the wrong count"
                );
                o
            })
            .collect();
        where_
            .into_iter()
            .map(|(k, pos)| pos.into_iter().map(|i| out[k][i]).collect())
            .collect()
    }
}
