//! Byte-level determinism of `kizuna run`: the default scenario with 3 replications gives the
//! same bytes with 1 and 2 worker threads (manifest.json included; the thread count is in
//! `timing.json`), the same
//! bytes when run twice, different results with a different `--seed`, and replication 0 does not
//! depend on how many replications are run.

#[path = "cli_support.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::*;

/// Files that must be byte-identical between runs of the same scenario and seed.
const RESULT_FILES: [&str; 13] = [
    "timeseries.csv",
    "timeseries.parquet",
    "timeseries_long.parquet",
    "summary.parquet",
    "resilience.parquet",
    "resilience_paths.parquet",
    "summary.csv",
    "summary_stats.csv",
    "resilience.csv",
    "resilience_paths.csv",
    "scenario.resolved.toml",
    "fit.csv",
    "fit_summary.csv",
];

/// Runs the default scenario (full horizon, no plots) into `<tmp>/<name>` with `extra` args.
fn run_default(tmp: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = tmp.join(name);
    let mut args: Vec<std::ffi::OsString> = ["run", "--no-plots", "-q", "--out"]
        .iter()
        .map(Into::into)
        .collect();
    args.push(out.clone().into_os_string());
    args.extend(extra.iter().map(Into::into));
    kizuna(&args).expect_code(0).expect_no_panic();
    out
}

/// 3 replications on 2 threads, shared by the tests (cargo's per-target temp dir).
fn three_reps_two_threads() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_determinism");
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(&base).unwrap();
        run_default(
            &base,
            "threads2",
            &["--replications", "3", "--threads", "2"],
        )
    })
}

fn assert_same_bytes(a: &Path, b: &Path, file: &str) {
    let (x, y) = (
        fs::read(a.join(file)).unwrap(),
        fs::read(b.join(file)).unwrap(),
    );
    if x != y {
        let first = x
            .iter()
            .zip(&y)
            .position(|(p, q)| p != q)
            .unwrap_or(x.len().min(y.len()));
        let line = x[..first].iter().filter(|&&c| c == b'\n').count() + 1;
        panic!(
            "{file} differs between {} and {} (first difference at byte {first}, line {line})",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn one_and_two_threads_give_byte_identical_results() {
    let tmp = tempfile::tempdir().unwrap();
    let one = run_default(
        tmp.path(),
        "threads1",
        &["--replications", "3", "--threads", "1"],
    );
    let two = three_reps_two_threads();
    for f in RESULT_FILES {
        assert_same_bytes(&one, two, f);
    }
    // manifest.json holds nothing that depends on the machine: the thread count is in
    // timing.json.
    assert_same_bytes(&one, two, "manifest.json");
    assert!(manifest(two).get("threads").is_none());
    let timing = |d: &Path| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(d.join("timing.json")).unwrap()).unwrap()
    };
    assert_eq!(timing(&one)["threads"], 1);
    assert_eq!(timing(two)["threads"], 2);
    let reps: std::collections::BTreeSet<String> = fs::read_to_string(two.join("timeseries.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(reps.into_iter().collect::<Vec<_>>(), ["0", "1", "2"]);
}

#[test]
fn same_seed_twice_gives_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let again = run_default(
        tmp.path(),
        "again",
        &["--replications", "3", "--threads", "2"],
    );
    let first = three_reps_two_threads();
    let mut files = entries(first);
    files.retain(|f| f != "timing.json");
    let mut files_again = entries(&again);
    files_again.retain(|f| f != "timing.json");
    assert_eq!(files, files_again, "different file sets");
    for f in &files {
        assert_same_bytes(first, &again, f);
    }
}

#[test]
fn different_seed_gives_a_different_timeseries() {
    let tmp = tempfile::tempdir().unwrap();
    let other = run_default(
        tmp.path(),
        "seed7",
        &["--replications", "3", "--threads", "2", "--seed", "7"],
    );
    let base = three_reps_two_threads();
    assert_eq!(manifest(&other)["seed"], 7);
    assert_eq!(manifest(base)["seed"], 1992);
    let (a, b) = (
        fs::read(base.join("timeseries.csv")).unwrap(),
        fs::read(other.join("timeseries.csv")).unwrap(),
    );
    assert_eq!(
        a.iter().position(|&c| c == b'\n'),
        b.iter().position(|&c| c == b'\n'),
        "same header expected"
    );
    assert_ne!(a, b, "--seed 7 gave the same timeseries.csv as seed 1992");
    assert_ne!(
        manifest(&other)["scenario_sha256"],
        manifest(base)["scenario_sha256"],
        "the seed is part of the resolved scenario"
    );
}

#[test]
fn replication_zero_does_not_depend_on_the_replication_count() {
    let tmp = tempfile::tempdir().unwrap();
    let single = run_default(
        tmp.path(),
        "single",
        &["--replications", "1", "--threads", "1"],
    );
    let rep0 = |dir: &Path| -> String {
        fs::read_to_string(dir.join("timeseries.csv"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("0,"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (a, b) = (rep0(&single), rep0(three_reps_two_threads()));
    assert!(!a.is_empty());
    assert!(
        a == b,
        "replication 0 differs between a 1-replication and a 3-replication run"
    );
}

/// Integer columns of the run's CSV files; every other numeric cell is an f64 and must read as a
/// float to a type-inferring reader (polars, pandas): `0.0`, never `0`.
fn is_integer_column(file: &str, column: &str) -> bool {
    match file {
        "timeseries.csv" => ["replication", "step", "year", "quarter"].contains(&column),
        "resilience.csv" => [
            "replication",
            "start_step",
            "start_year",
            "start_quarter",
            "recovery_quarters",
        ]
        .contains(&column),
        "resilience_paths.csv" => ["replication", "step", "year", "quarter"].contains(&column),
        "summary.csv" => column == "replication" || column.ends_with(".recovery_quarters"),
        "summary_stats.csv" => ["n_defined", "n_undefined"].contains(&column),
        "fit.csv" => column == "year",
        "fit_summary.csv" => column == "points",
        _ => false,
    }
}

#[test]
fn float_columns_never_hold_a_bare_integer() {
    let dir = three_reps_two_threads();
    for file in [
        "timeseries.csv",
        "summary.csv",
        "summary_stats.csv",
        "resilience.csv",
        "resilience_paths.csv",
        "fit.csv",
        "fit_summary.csv",
    ] {
        let text = fs::read_to_string(dir.join(file)).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let mut float_cells = 0;
        // The early rows are what a reader infers the types from.
        for (n, line) in lines.take(200).enumerate() {
            for (cell, column) in line.split(',').zip(&header) {
                if cell.parse::<f64>().is_err() {
                    continue; // empty (undefined) or text (ids, names)
                }
                let integer = cell.parse::<i64>().is_ok();
                if is_integer_column(file, column) {
                    assert!(
                        integer,
                        "{file} line {}: {column} = {cell:?} is not an integer",
                        n + 2
                    );
                } else {
                    float_cells += 1;
                    assert!(
                        !integer,
                        "{file} line {}: float column {column} holds the bare integer {cell:?}",
                        n + 2
                    );
                }
            }
        }
        assert!(float_cells > 0, "{file}: no float cells checked");
    }
    // The first row of the time series is where the zeros are (nothing has happened yet).
    let ts = fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    let first = ts.lines().nth(1).unwrap();
    assert!(
        first.contains(",0.0"),
        "expected zeros written as 0.0 in {first}"
    );
}

/// SHA-256 of the default scenario's `timeseries.csv` (3 replications, default seed). Speed-ups
/// that are meant to change no number must leave it alone; a deliberate model change updates it
/// and says so in its commit message. Last change: the talent defaults calibrated across origins
/// (`scenarios/calibration/talent_origins_all_years.toml`): λ, fee weight, wage and diaspora
/// elasticities, intern and student places, alternatives' wage, mobility peak.
const DEFAULT_TIMESERIES_SHA256: &str =
    "6cf0fca0e39603d530f90d77a1b91438d35c2dbae8177645b4e8a0590f53da1c";

#[test]
fn the_default_scenarios_timeseries_csv_is_pinned_by_its_hash() {
    let bytes = fs::read(three_reps_two_threads().join("timeseries.csv")).unwrap();
    let hash = sha256_hex(&bytes);
    assert_eq!(
        hash, DEFAULT_TIMESERIES_SHA256,
        "timeseries.csv of the default scenario changed: if the model change is deliberate, \
         update DEFAULT_TIMESERIES_SHA256 and say why in the commit"
    );
}
