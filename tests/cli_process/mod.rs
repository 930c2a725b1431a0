//! Runs the `lowprec` binary as a process, for the command-line tests (`cli.rs`,
//! `cli_fixed.rs`, `cli_math.rs`).

use std::io::Write;
use std::process::{Command, Stdio};

/// What a run of the tool gave back.
pub struct Output {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `lowprec ARGS` with `stdin` as its standard input.
pub fn lowprec(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lowprec"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lowprec binary runs");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Write from another thread so a large input cannot deadlock against the output pipe.
    let writer = std::thread::spawn(move || {
        // The tool may stop reading early (on a bad line): a broken pipe is expected then.
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Output {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}
