"""Shared fixtures: the `lowprec` command line (built once per session) as an oracle."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    """A function running `lowprec ARGS...` on the given input lines; returns the output lines.

    The executable is `$LOWPREC_CLI` when set (scripts/test.sh points it at the one the Rust
    tests built), else a release build made here once per session.
    """
    if os.environ.get("LOWPREC_CLI"):
        exe = pathlib.Path(os.environ["LOWPREC_CLI"])
        if not exe.is_absolute():
            exe = ROOT / exe
    else:
        subprocess.run(
            ["cargo", "build", "--release", "--quiet", "--features", "cli", "--bin", "lowprec"],
            cwd=ROOT,
            check=True,
        )
        target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        if not target.is_absolute():
            target = ROOT / target
        exe = target / "release" / "lowprec"
    assert exe.exists(), exe

    def run(args, lines):
        text = "".join(f"{line}\n" for line in lines)
        r = subprocess.run(
            [str(exe), *args], input=text, capture_output=True, text=True, check=False
        )
        assert r.returncode == 0, r.stderr
        return r.stdout.splitlines()

    return run
