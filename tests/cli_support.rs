//! Helpers shared by the end-to-end tests of the `kizuna` command (`tests/cli_*.rs`), included
//! with `#[path = "cli_support.rs"] mod support;`. On its own this file is an empty test crate.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `kizuna` binary built by cargo for these tests.
pub const KIZUNA: &str = env!("CARGO_BIN_EXE_kizuna");

/// The repository root (where `scenarios/`, `docs/` and `tests/fixtures/` live).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(rel)
}

/// The result of one `kizuna` invocation.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from_output(args: Vec<String>, out: Output) -> Run {
        Run {
            args,
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with the whole invocation unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "kizuna {} exited with {:?}, expected {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless stderr contains `needle`.
    pub fn expect_stderr(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr of kizuna {} does not contain {needle:?}\n--- stderr\n{}",
            self.args.join(" "),
            self.stderr
        );
        self
    }

    /// Panics if stderr shows a panic or a backtrace.
    pub fn expect_no_panic(&self) -> &Run {
        for bad in [
            "panicked",
            "stack backtrace",
            "RUST_BACKTRACE",
            "note: run with",
        ] {
            assert!(
                !self.stderr.contains(bad),
                "kizuna {} printed {bad:?} on stderr:\n{}",
                self.args.join(" "),
                self.stderr
            );
        }
        self
    }
}

/// Runs `kizuna ARGS` in `cwd` (the tests' own directory when `None`), with backtraces on so
/// that a panic would be visible, and without colour or terminal progress bars.
pub fn kizuna_in<I, S>(cwd: Option<&Path>, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let mut cmd = Command::new(KIZUNA);
    cmd.args(&args)
        .env("RUST_BACKTRACE", "1")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    if let Some(cwd) = cwd {
        cmd.current_dir(cwd);
    }
    let out = cmd.output().expect("cannot start the kizuna binary");
    Run::from_output(
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        out,
    )
}

/// Runs `kizuna ARGS` in the tests' own directory.
pub fn kizuna<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    kizuna_in(None, args)
}

/// `--set` overrides that shorten the default scenario to 1992Q1–2000Q4. Its shocks and
/// government events are all dated later, and dates outside the horizon are rejected, so
/// they are cleared too.
pub const SHORT: [&str; 6] = [
    "--set",
    "horizon.end=2000Q4",
    "--set",
    "shocks=[]",
    "--set",
    "events=[]",
];

/// Steps (quarters) of the horizon `"1992Q1..2040Q4"` as written in manifest.json.
pub fn steps_of_horizon(h: &str) -> usize {
    let (a, b) = h.split_once("..").expect("horizon is START..END");
    let q = |s: &str| -> i64 {
        let (y, q) = s.split_once('Q').expect("quarter is YYYYQn");
        y.parse::<i64>().unwrap() * 4 + q.parse::<i64>().unwrap() - 1
    };
    (q(b) - q(a) + 1) as usize
}

/// Names in `dir` (files and directories, including hidden ones), sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Panics if `parent` holds `name` or any `.name.partial-*` (or `.name.old`) staging sibling.
pub fn assert_no_output_left(parent: &Path, name: &str) {
    let leftovers: Vec<String> = entries(parent)
        .into_iter()
        .filter(|e| e == name || e.starts_with(&format!(".{name}.")))
        .collect();
    assert!(
        leftovers.is_empty(),
        "output left behind in {}: {leftovers:?}",
        parent.display()
    );
}

/// The header row of a CSV file.
pub fn csv_header(path: &Path) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines().next().unwrap_or_default().to_string()
}

/// The parsed manifest.json of a run directory.
pub fn manifest(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("manifest.json"))
        .unwrap_or_else(|e| panic!("cannot read {}/manifest.json: {e}", dir.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}/manifest.json is not JSON: {e}\n{text}", dir.display()))
}

/// Panics unless the committed file `rel_path` is exactly what `kizuna <args>` prints, naming
/// the first differing line and the command that regenerates it.
#[allow(dead_code)]
pub fn assert_committed_doc_matches(rel_path: &str, args: &[&str]) {
    let r = kizuna(args.iter().copied());
    r.expect_code(0).expect_no_panic();
    let path = repo_root().join(rel_path);
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if committed != r.stdout {
        let line = committed
            .lines()
            .zip(r.stdout.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(r.stdout.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "{rel_path} is stale (first difference at line {line}: committed {:?}, generated \
             {:?}); regenerate it with\n    cargo run --release -- {} > {rel_path}",
            committed.lines().nth(line - 1).unwrap_or("<end of file>"),
            r.stdout.lines().nth(line - 1).unwrap_or("<end of output>"),
            args.join(" ")
        );
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
