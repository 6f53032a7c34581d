//! End-to-end tests of `kizuna sweep` and `kizuna merge` through the binary: tiny sweeps of the
//! default scenario (shortened with `--set` to 1992–2000 without shocks or events, ~0.05 s a
//! run) written into temporary directories.

#[path = "cli_support.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{KIZUNA, Run, SHORT, csv_header, manifest};

/// The default scenario of this repository, by absolute path.
const BASE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/vietnam_japan.toml");

/// The final files of a sweep, compared byte for byte.
const FINAL_FILES: [&str; 5] = [
    "runs.csv",
    "points.csv",
    "runs.parquet",
    "points.parquet",
    "manifest.json",
];

/// A sweep file over `parameters.trust.negativity_weight` (`values`) and
/// `programmes[jica_experts_liaison].dose` (`doses`), two metrics, `replications` replications.
fn sweep_text(name: &str, seed: u64, replications: u32, values: &[f64], doses: &[f64]) -> String {
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "name = \"{name}\"\nbase = '{BASE}'\nreplications = {replications}\nseed = {seed}\n\
         design = \"grid\"\n\n\
         [[parameters]]\nkey = \"parameters.trust.negativity_weight\"\nvalues = [{}]\n\n\
         [[parameters]]\nkey = \"programmes[jica_experts_liaison].dose\"\nvalues = [{}]\n\n\
         [[metrics]]\nname = \"fdi_end\"\nindicator = \"fdi_stock_usd.VNM-JPN\"\nstat = \"final\"\n\n\
         [[metrics]]\nname = \"trust_mean\"\nindicator = \"pair_trust.VNM-JPN\"\nstat = \"mean\"\n",
        list(values),
        list(doses)
    )
}

/// The standard tiny sweep: 3 × 2 points, 2 replications (12 runs).
fn small_sweep(dir: &Path) -> PathBuf {
    write(
        dir,
        "small.toml",
        &sweep_text("small", 7, 2, &[1.0, 2.0, 4.0], &[0.0, 0.5]),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

/// `kizuna` with the given arguments, outside any Slurm job array (so that the shard never
/// comes from the environment of whoever runs the tests) unless `env` sets it.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(KIZUNA);
    cmd.args(args)
        .env("RUST_BACKTRACE", "1")
        .env("NO_COLOR", "1")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .env_remove("SLURM_ARRAY_TASK_MIN")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = command(args, env).output().expect("cannot start kizuna");
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str]) -> Run {
    run_env(args, &[])
}

/// `kizuna sweep SWEEP --out OUT --no-plots` + the shortening `--set`s + `extra`.
fn sweep_args<'a>(sweep: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
    ];
    a.extend(SHORT);
    a.extend(extra);
    a
}

fn sweep(sweep: &Path, out: &Path, extra: &[&str]) -> Run {
    run(&sweep_args(sweep, out, extra))
}

fn assert_same_files(a: &Path, b: &Path) {
    for f in FINAL_FILES {
        let x = fs::read(a.join(f)).unwrap_or_else(|e| panic!("{}/{f}: {e}", a.display()));
        let y = fs::read(b.join(f)).unwrap_or_else(|e| panic!("{}/{f}: {e}", b.display()));
        assert!(
            x == y,
            "{f} differs between {} and {}:\n--- {}\n{}\n--- {}\n{}",
            a.display(),
            b.display(),
            a.display(),
            String::from_utf8_lossy(&x),
            b.display(),
            String::from_utf8_lossy(&y)
        );
    }
}

fn journal_lines(dir: &Path) -> usize {
    fs::read(dir.join("journal.txt"))
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

#[test]
fn sweep_writes_documented_files() {
    let tmp = tempfile::tempdir().unwrap();
    let file = small_sweep(tmp.path());
    let out = tmp.path().join("out");
    sweep(&file, &out, &["--threads", "2"])
        .expect_code(0)
        .expect_no_panic()
        .expect_stderr("12 runs");
    for f in FINAL_FILES
        .iter()
        .chain(&["journal.txt", "sweep.resolved.toml"])
    {
        assert!(out.join(f).is_file(), "{f} missing in {}", out.display());
    }
    assert!(!out.join("plots").exists(), "--no-plots still wrote plots/");
    let keys = "parameters.trust.negativity_weight,programmes[jica_experts_liaison].dose";
    assert_eq!(
        csv_header(&out.join("runs.csv")),
        format!("point_id,replication,seed,{keys},fdi_end,trust_mean")
    );
    let stats = |m: &str| {
        ["mean", "sd", "q05", "q50", "q95"]
            .map(|s| format!("{m}.{s}"))
            .join(",")
    };
    assert_eq!(
        csv_header(&out.join("points.csv")),
        format!(
            "point_id,{keys},{},{}",
            stats("fdi_end"),
            stats("trust_mean")
        )
    );
    let runs = fs::read_to_string(out.join("runs.csv")).unwrap();
    let rows: Vec<Vec<&str>> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 12);
    // Grid order: the last parameter fastest; replication r has the same seed at every point.
    // Both parameters are real-valued, so they are written as floats (1.0, never 1).
    assert_eq!(rows[0][..5], ["0", "0", rows[0][2], "1.0", "0.0"]);
    assert_eq!(rows[2][..5], ["1", "0", rows[0][2], "1.0", "0.5"]);
    assert_eq!(rows[11][..5], ["5", "1", rows[1][2], "4.0", "0.5"]);
    assert_ne!(rows[0][2], rows[1][2]);
    for r in &rows {
        for v in &r[5..] {
            assert!(
                v.parse::<f64>().is_ok_and(f64::is_finite),
                "bad metric {v:?} in {r:?}"
            );
        }
    }
    let points = fs::read_to_string(out.join("points.csv")).unwrap();
    assert_eq!(points.lines().count(), 1 + 6);
    let m = manifest(&out);
    assert_eq!(m["name"], "small");
    assert_eq!(m["design"], "grid");
    assert_eq!(m["seed"], 7);
    assert_eq!(m["replications"], 2);
    assert_eq!(m["points"], 6);
    assert_eq!(m["runs"], 12);
    assert_eq!(m["metrics"], serde_json::json!(["fdi_end", "trust_mean"]));
    assert_eq!(
        m["parameters"][1],
        serde_json::json!({"key": "programmes[jica_experts_liaison].dose", "scale": "linear"})
    );
    assert!(
        m["base_scenario_hash"]
            .as_str()
            .is_some_and(|h| h.len() == 64)
    );
    // Journal: header + one line per run.
    assert_eq!(journal_lines(&out), 1 + 12);
}

#[test]
fn threads_1_and_2_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = small_sweep(tmp.path());
    let (one, two) = (tmp.path().join("t1"), tmp.path().join("t2"));
    sweep(&file, &one, &["--threads", "1"]).expect_code(0);
    sweep(&file, &two, &["--threads", "2"]).expect_code(0);
    assert_same_files(&one, &two);
}

#[test]
fn resume_after_kill_9_gives_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    // Longer runs (to 2008) and more of them (24), so that the kill lands mid-sweep.
    let text = sweep_text(
        "killed",
        11,
        2,
        &[1.0, 1.5, 2.0, 3.0, 4.0, 6.0],
        &[0.0, 1.0],
    );
    let file = write(tmp.path(), "killed.toml", &text);
    let longer = ["--set", "horizon.end=2008Q4", "--threads", "1"];
    let killed = tmp.path().join("killed");
    let mut child = command(&sweep_args(&file, &killed, &longer), &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // Wait for the header and at least one finished run, then SIGKILL.
    while journal_lines(&killed) < 2 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before it could be killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no journal line after 60 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed sweep exited successfully");
    let done = journal_lines(&killed) - 1;
    eprintln!("killed after {done} of 24 runs were journalled");
    assert!(
        done < 24,
        "all 24 runs were journalled before the kill; the test did not interrupt anything"
    );
    assert!(
        !killed.join("runs.csv").exists(),
        "final files written by a killed sweep"
    );
    let resumed = sweep(&file, &killed, &[&longer[..], &["--resume"]].concat());
    resumed
        .expect_code(0)
        .expect_no_panic()
        .expect_stderr("resumed");
    let fresh = tmp.path().join("fresh");
    sweep(&file, &fresh, &longer).expect_code(0);
    assert_same_files(&killed, &fresh);
    assert_eq!(journal_lines(&killed), 1 + 24);
}

#[test]
fn shards_merged_equal_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let file = small_sweep(tmp.path());
    let single = tmp.path().join("single");
    sweep(&file, &single, &["--threads", "2"]).expect_code(0);
    let (s1, s2) = (tmp.path().join("shard-1"), tmp.path().join("shard-2"));
    sweep(&file, &s1, &["--shard", "1/2", "--threads", "1"])
        .expect_code(0)
        .expect_stderr("sweep shard");
    // Shard 2 from a Slurm job array's environment instead of --shard.
    run_env(
        &sweep_args(&file, &s2, &["--threads", "1"]),
        &[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ],
    )
    .expect_code(0)
    .expect_stderr("sweep shard");
    for s in [&s1, &s2] {
        assert!(s.join("shard.json").is_file());
        assert!(!s.join("runs.csv").exists(), "a shard wrote final files");
        assert_eq!(journal_lines(s), 1 + 6);
    }
    let shard2: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(s2.join("shard.json")).unwrap()).unwrap();
    assert_eq!(shard2["shard"], "2/2");
    let merged = tmp.path().join("merged");
    // Shards in any order.
    run(&[
        "merge",
        s2.to_str().unwrap(),
        s1.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
        "--no-plots",
    ])
    .expect_code(0)
    .expect_no_panic()
    .expect_stderr("merged 2 shards");
    assert_same_files(&single, &merged);
}

#[test]
fn merge_refuses_other_sweeps_and_missing_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let file = small_sweep(tmp.path());
    let a1 = tmp.path().join("a-1");
    let b2 = tmp.path().join("b-2");
    sweep(&file, &a1, &["--shard", "1/2", "--threads", "1"]).expect_code(0);
    // The same file with another seed is another sweep.
    sweep(
        &file,
        &b2,
        &["--shard", "2/2", "--set", "seed=8", "--threads", "1"],
    )
    .expect_code(0);
    let out = tmp.path().join("merged");
    let (a1s, b2s, outs) = (
        a1.to_str().unwrap(),
        b2.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    let mixed = run(&["merge", a1s, b2s, "--out", outs, "--no-plots"]);
    assert_ne!(mixed.code, Some(0), "merged shards of two sweeps");
    mixed
        .expect_no_panic()
        .expect_stderr(b2s)
        .expect_stderr("different sweep");
    let missing = run(&["merge", a1s, "--out", outs, "--no-plots"]);
    assert_ne!(missing.code, Some(0), "merged with a shard missing");
    missing.expect_no_panic().expect_stderr("missing shard 2/2");
    let twice = run(&["merge", a1s, a1s, "--out", outs, "--no-plots"]);
    assert_ne!(twice.code, Some(0), "merged a shard given twice");
    twice.expect_stderr("given twice");
    assert!(
        !out.join("runs.csv").exists(),
        "a refused merge wrote files"
    );
}

#[test]
fn bad_sweep_files_exit_2_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let good = sweep_text("bad", 7, 1, &[1.0, 2.0], &[0.0]);
    let out = tmp.path().join("out");

    let unknown = write(
        tmp.path(),
        "unknown.toml",
        &good.replace("replications = 1", "replications = 1\nreplicatons = 2"),
    );
    sweep(&unknown, &out, &[])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("replicatons");

    let not_in_base = write(
        tmp.path(),
        "not_in_base.toml",
        &good.replace(
            "parameters.trust.negativity_weight",
            "parameters.trust.no_such_weight",
        ),
    );
    sweep(&not_in_base, &out, &[])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("parameters.trust.no_such_weight");

    let unknown_code = write(
        tmp.path(),
        "unknown_code.toml",
        &good.replace(
            "programmes[jica_experts_liaison]",
            "programmes[no_such_programme]",
        ),
    );
    sweep(&unknown_code, &out, &[])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("programmes[no_such_programme]");

    // A base-scenario --set key that does not exist is also an input error.
    let file = small_sweep(tmp.path());
    sweep(&file, &out, &["--set", "horizon.ending=2001Q4"])
        .expect_code(2)
        .expect_stderr("horizon.ending");
    assert!(!out.join("runs.csv").exists());
}

#[test]
fn rerun_without_resume_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "tiny.toml",
        &sweep_text("tiny", 7, 1, &[1.0, 2.0], &[0.0]),
    );
    let out = tmp.path().join("out");
    sweep(&file, &out, &["--threads", "1"]).expect_code(0);
    let before: Vec<Vec<u8>> = FINAL_FILES
        .iter()
        .map(|f| fs::read(out.join(f)).unwrap())
        .collect();
    let again = sweep(&file, &out, &["--threads", "1"]);
    assert_ne!(again.code, Some(0), "reran into a directory with a journal");
    again
        .expect_no_panic()
        .expect_stderr("journal")
        .expect_stderr("--resume");
    let after: Vec<Vec<u8>> = FINAL_FILES
        .iter()
        .map(|f| fs::read(out.join(f)).unwrap())
        .collect();
    assert!(before == after, "a refused rerun changed the outputs");
    // With --resume on a finished sweep nothing is run again and the files stay the same.
    sweep(&file, &out, &["--threads", "1", "--resume"])
        .expect_code(0)
        .expect_stderr("0 run now");
    let resumed: Vec<Vec<u8>> = FINAL_FILES
        .iter()
        .map(|f| fs::read(out.join(f)).unwrap())
        .collect();
    assert!(before == resumed);
    // --resume with other overrides is another sweep: refused.
    let other = sweep(
        &file,
        &out,
        &["--threads", "1", "--resume", "--set", "seed=9"],
    );
    assert_ne!(other.code, Some(0));
    other.expect_stderr("different sweep");
}

#[test]
fn out_of_range_sweep_value_is_an_input_error_before_any_run() {
    let tmp = tempfile::tempdir().unwrap();
    // parameters.trust.negativity_weight allows 1.0 to 10.0.
    let file = write(
        tmp.path(),
        "range.toml",
        &sweep_text("range", 7, 1, &[0.5, 2.0], &[0.0]),
    );
    let out = tmp.path().join("out");
    sweep(&file, &out, &[])
        .expect_code(2)
        .expect_stderr("parameters.trust.negativity_weight");
    assert!(
        !out.join("journal.txt").exists(),
        "a journal was created for an invalid sweep"
    );
}

#[test]
fn shard_without_no_plots_succeeds_and_merge_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "tiny.toml",
        &sweep_text("tiny", 7, 1, &[1.0, 2.0], &[0.0]),
    );
    let mut dirs = Vec::new();
    for k in 1..=2 {
        let out = tmp.path().join(format!("shard-{k}"));
        // As scripts/slurm/sweep.sbatch runs it: no --no-plots.
        let mut args = vec![
            "sweep".to_string(),
            file.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--shard".into(),
            format!("{k}/2"),
            "--resume".into(),
        ];
        args.extend(SHORT.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args).expect_code(0).expect_no_panic();
        dirs.push(out.display().to_string());
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(dirs.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap()]);
    run(&args).expect_code(0);
    assert!(
        fs::read_dir(merged.join("plots")).unwrap().count() > 0,
        "the merge drew no plots"
    );
}

#[test]
fn slurm_scripts_run_as_documented_without_no_plots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/slurm");
    for f in ["ci-slurm-test.sh", "sweep.sbatch", "submit.sh"] {
        let text = fs::read_to_string(root.join(f)).unwrap();
        let code: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter(|l| l.contains("--no-plots"))
            .collect();
        assert!(
            code.is_empty(),
            "{f} passes --no-plots, so CI does not test what users run: {code:?}"
        );
    }
}

#[test]
fn bad_metrics_are_input_errors_before_any_run() {
    let tmp = tempfile::tempdir().unwrap();
    let good = sweep_text("metrics", 7, 1, &[1.0, 2.0], &[0.0]);
    for (name, text, expected) in [
        (
            "indicator",
            good.replace("pair_trust.VNM-JPN", "pair_trust.XXX"),
            "metrics[1].indicator: `pair_trust.XXX` is not a column of the base scenario",
        ),
        (
            "at",
            good.replace("stat = \"final\"", "at = \"2050Q1\""),
            "metrics[0].at: `2050Q1` is not a quarter of the base scenario's horizon; allowed: 1992Q1 to 2000Q4",
        ),
        (
            "shock",
            good + "\n[[metrics]]\nname = \"r\"\nresilience = { shock = \"nope\", indicator = \"fdi_stock_usd.VNM-JPN\", metric = \"depth\" }\n",
            "metrics[2].resilience.shock: no shock `nope`",
        ),
    ] {
        let file = write(tmp.path(), &format!("{name}.toml"), &text);
        let out = tmp.path().join(format!("out-{name}"));
        sweep(&file, &out, &[])
            .expect_code(2)
            .expect_no_panic()
            .expect_stderr(&format!("{}: {expected}", file.display()));
        assert!(!out.exists(), "{} was created", out.display());
    }
}

#[test]
fn sweep_key_errors_name_the_file_and_line_and_set_values_name_the_set() {
    let tmp = tempfile::tempdir().unwrap();
    let good = sweep_text("keys", 7, 1, &[1.0, 2.0], &[0.0]);
    let file = write(
        tmp.path(),
        "keys.toml",
        &good.replace(
            "parameters.trust.negativity_weight",
            "parameters.trust.no_such_weight",
        ),
    );
    let out = tmp.path().join("out");
    // `key` of the first parameter is on line 8.
    sweep(&file, &out, &[])
        .expect_code(2)
        .expect_stderr(&format!("{}: 1 problem in the sweep file", file.display()))
        .expect_stderr(&format!("{}:8:1: parameters[0].key", file.display()));
    let file = small_sweep(tmp.path());
    sweep(&file, &out, &["--set", "design=foo"])
        .expect_code(2)
        .expect_stderr("--set design=foo: unknown variant `foo`");
    sweep(&file, &out, &["--set", "samples=abc"])
        .expect_code(2)
        .expect_stderr("--set samples=abc: ");
    // Not located at the file's `replications` line: the value came from the command line.
    sweep(&file, &out, &["--set", "replications=0"])
        .expect_code(2)
        .expect_stderr("\n  --set replications=0: replications must be at least 1");
    assert!(!out.exists());
}

#[test]
fn check_validates_sweep_files_and_dry_run_prints_the_run_count() {
    let tmp = tempfile::tempdir().unwrap();
    let file = small_sweep(tmp.path());
    let c = run(&["check", file.to_str().unwrap()]);
    c.expect_code(0);
    assert!(
        c.stdout.contains("ok (sweep)") && c.stdout.contains("grid over 2 parameters: 6 points"),
        "{}",
        c.stdout
    );
    assert!(c.stdout.contains("runs         12"), "{}", c.stdout);
    let bad = write(
        tmp.path(),
        "bad.toml",
        &sweep_text("bad", 7, 1, &[0.5], &[0.0]),
    );
    run(&["check", bad.to_str().unwrap()])
        .expect_code(2)
        .expect_stderr("parameters[0] (parameters.trust.negativity_weight = 0.5)");
    let out = tmp.path().join("out");
    let d = sweep(&file, &out, &["--dry-run"]);
    d.expect_code(0);
    assert!(d.stdout.contains("runs         12"), "{}", d.stdout);
    assert!(!out.exists(), "--dry-run wrote {}", out.display());
}

/// The ```toml blocks of docs/SWEEPS.md that are sweep files (they have `base =`).
fn doc_sweep_blocks() -> Vec<String> {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SWEEPS.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match &mut current {
            None if line.trim() == "```toml" => current = Some(String::new()),
            Some(b) if line.trim() == "```" => {
                if b.contains("\nbase = ") || b.starts_with("base = ") {
                    blocks.push(b.clone());
                }
                current = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn sweep_examples_in_the_docs_pass_check() {
    let blocks = doc_sweep_blocks();
    assert!(
        !blocks.is_empty(),
        "no sweep example found in docs/SWEEPS.md"
    );
    let tmp = tempfile::tempdir().unwrap();
    // The examples live in sweeps/ beside scenarios/, as their `base` paths say.
    let sweeps = tmp.path().join("sweeps");
    fs::create_dir(&sweeps).unwrap();
    let scenarios = tmp.path().join("scenarios");
    fs::create_dir(&scenarios).unwrap();
    for e in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            fs::copy(&p, scenarios.join(p.file_name().unwrap())).unwrap();
        }
    }
    for (i, block) in blocks.iter().enumerate() {
        let file = write(&sweeps, &format!("example_{i}.toml"), block);
        let c = run(&["check", file.to_str().unwrap()]);
        assert_eq!(
            c.code,
            Some(0),
            "example {i} of docs/SWEEPS.md fails `kizuna check`:\n{block}\n--- stderr\n{}",
            c.stderr
        );
        assert!(c.stdout.contains("ok (sweep)"), "{}", c.stdout);
    }
}
