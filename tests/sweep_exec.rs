//! Execution: determinism across thread counts, crash/resume, shards and merge.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use kizuna::sweep::testing::{fake_lookup, fake_run};
use kizuna::sweep::{
    JOURNAL, Progress, RunOptions, RunOutput, SweepSpec, merge, parse_sweep, run_seed, run_sweep,
    shard_from_vars,
};

const SWEEP: &str = r#"
name = "exec"
base = "b.toml"
replications = 3
seed = 2024
design = "grid"

[[parameters]]
key = "parameters.trust.negativity_weight"
min = 0.1
max = 0.5
count = 5

[[parameters]]
key = "policy.mode"
values = ["a", "b, with comma"]

[[metrics]]
name = "fdi_2030"
indicator = "fdi_stock_usd.VNM-JPN"
at = "2030Q4"

[[metrics]]
name = "trust_mean"
indicator = "trust.VNM-JPN"
stat = "mean"

[[metrics]]
name = "recovery"
resilience = { shock = "crisis", indicator = "fdi_stock_usd.VNM-JPN", metric = "recovery_quarters" }

[[metrics]]
name = "ratio_8q"
resilience = { shock = "crisis", indicator = "fdi_stock_usd.VNM-JPN", metric = "recovery_ratio_8q" }
"#;

const BASE_HASH: &str = "basehash0123";

fn spec_from(text: &str) -> SweepSpec {
    let mut s = parse_sweep(text, "exec.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    s.check_against_base(&fake_lookup).unwrap();
    s
}

fn run_fn(o: &[(String, toml::Value)], r: u32, seed: u64) -> Result<RunOutput, String> {
    Ok(fake_run(o, r, seed, 0))
}

fn opts(threads: usize) -> RunOptions {
    RunOptions {
        threads,
        shard: None,
        resume: false,
        progress: Progress::Quiet,
        formats: Default::default(),
    }
}

const FINAL: [&str; 3] = ["runs.csv", "points.csv", "manifest.json"];

fn read_all(dir: &Path, files: &[&str]) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|f| {
            (
                f.to_string(),
                fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")),
            )
        })
        .collect()
}

fn reference(spec: &SweepSpec) -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let d = tempfile::tempdir().unwrap();
    run_sweep(spec, BASE_HASH, &run_fn, d.path(), &opts(1)).unwrap();
    let files = read_all(d.path(), &FINAL);
    (d, files)
}

#[test]
fn output_files_follow_the_documented_columns() {
    let spec = spec_from(SWEEP);
    let (d, _) = reference(&spec);
    let runs = fs::read_to_string(d.path().join("runs.csv")).unwrap();
    let mut lines = runs.lines();
    assert_eq!(
        lines.next().unwrap(),
        "point_id,replication,seed,parameters.trust.negativity_weight,policy.mode,fdi_2030,trust_mean,recovery,ratio_8q"
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with(&format!("0,0,{},0.1,a,", run_seed(2024, 0))),
        "{first}"
    );
    assert!(
        first.ends_with(','),
        "undefined metric (recovery_ratio_8q) is an empty cell: {first}"
    );
    assert_eq!(runs.lines().count(), 1 + 10 * 3);
    assert!(runs.contains("\"b, with comma\""));
    // Common random numbers: the seed column depends on the replication only.
    let seeds: Vec<Vec<String>> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(3).map(String::from).collect())
        .collect();
    for row in &seeds {
        assert_eq!(row[2], run_seed(2024, row[1].parse().unwrap()).to_string());
    }
    let points = fs::read_to_string(d.path().join("points.csv")).unwrap();
    let header = points.lines().next().unwrap();
    assert!(header.starts_with("point_id,parameters.trust.negativity_weight,policy.mode,fdi_2030.mean,fdi_2030.sd,fdi_2030.q05,fdi_2030.q50,fdi_2030.q95,trust_mean.mean"));
    assert!(header.ends_with("ratio_8q.mean,ratio_8q.sd,ratio_8q.q05,ratio_8q.q50,ratio_8q.q95"));
    assert!(
        points.lines().nth(1).unwrap().ends_with(",,,,,"),
        "all-undefined metric has empty summaries"
    );
    assert_eq!(points.lines().count(), 11);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(d.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["parameters"][0]["key"],
        "parameters.trust.negativity_weight"
    );
    assert_eq!(manifest["parameters"][0]["scale"], "linear");
    assert_eq!(manifest["metrics"][2], "recovery");
    assert_eq!(manifest["design"], "grid");
    assert_eq!(manifest["base_scenario_hash"], BASE_HASH);
    assert_eq!(manifest["seed"], 2024);
    assert_eq!(manifest["replications"], 3);
    assert_eq!(manifest["runs"], 30);
}

#[test]
fn one_and_two_threads_give_identical_bytes() {
    for design in ["grid", "lhs", "sobol", "random", "morris", "saltelli"] {
        let text = match design {
            "grid" => SWEEP.to_string(),
            "morris" => SWEEP
                .replace(
                    "design = \"grid\"",
                    "design = \"morris\"\ntrajectories = 4\nlevels = 4",
                )
                .replace("count = 5", ""),
            d => SWEEP
                .replace(
                    "design = \"grid\"",
                    &format!("design = \"{d}\"\nsamples = 16"),
                )
                .replace("count = 5", ""),
        };
        let spec = spec_from(&text);
        let mut files: Vec<&str> = FINAL.to_vec();
        if design == "morris" {
            files.push("morris.csv");
        }
        if design == "saltelli" {
            files.push("sobol.csv");
        }
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        run_sweep(&spec, BASE_HASH, &run_fn, a.path(), &opts(1)).unwrap();
        // Make finishing order differ: slow down early runs on two threads.
        let slow = |o: &[(String, toml::Value)], r: u32, s: u64| {
            if r == 0 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            run_fn(o, r, s)
        };
        run_sweep(&spec, BASE_HASH, &slow, b.path(), &opts(2)).unwrap();
        assert_eq!(
            read_all(a.path(), &files),
            read_all(b.path(), &files),
            "design {design}"
        );
    }
}

#[test]
fn morris_csv_has_effects_per_parameter_and_metric() {
    let text = SWEEP
        .replace(
            "design = \"grid\"",
            "design = \"morris\"\ntrajectories = 5\nlevels = 4",
        )
        .replace("count = 5", "");
    let spec = spec_from(&text);
    let d = tempfile::tempdir().unwrap();
    run_sweep(&spec, BASE_HASH, &run_fn, d.path(), &opts(2)).unwrap();
    let m = fs::read_to_string(d.path().join("morris.csv")).unwrap();
    let lines: Vec<&str> = m.lines().collect();
    assert_eq!(lines[0], "parameter,metric,mu,mu_star,sigma,effects");
    assert_eq!(lines.len(), 1 + 2 * 4);
    // fdi_2030 of the fake model is 100 + 10·x + …: the elementary effect of the weight on it is
    // 10 × (range 0.4) = 4 in unit coordinates, in every trajectory.
    let row: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(
        &row[..2],
        ["parameters.trust.negativity_weight", "fdi_2030"]
    );
    let mu: f64 = row[2].parse().unwrap();
    assert!((mu - 4.0).abs() < 1e-9, "{mu}");
    assert_eq!(row[5], "5");
}

#[test]
fn saltelli_sweep_writes_sobol_indices_per_parameter_and_metric() {
    let text = SWEEP
        .replace("design = \"grid\"", "design = \"saltelli\"\nsamples = 64")
        .replace("count = 5", "");
    let spec = spec_from(&text);
    let d = tempfile::tempdir().unwrap();
    run_sweep(&spec, BASE_HASH, &run_fn, d.path(), &opts(2)).unwrap();
    // N(k+2) points: 64 · (2 + 2).
    let points = fs::read_to_string(d.path().join("points.csv")).unwrap();
    assert_eq!(points.lines().count(), 1 + 64 * 4);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["design"], "saltelli");
    assert!(
        manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "sobol.csv")
    );
    let text = fs::read_to_string(d.path().join("sobol.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "parameter,metric,s1,s1_lo,s1_hi,st,st_lo,st_hi,n_defined,n_undefined"
    );
    assert_eq!(lines.len(), 1 + 2 * 4, "2 parameters × 4 metrics");
    // fdi_2030 of the fake model is additive: 100 + 10·w + 10·len(mode) + noise that is the same
    // at every point (common random numbers). w uniform on [0.1, 0.5]: variance 100·0.4²/12 =
    // 1.33; mode "a" or "b, with comma" (length 1 or 14) with probability ½: 130²/4 = 4225. So
    // S1 = ST = 1.33/4226 ≈ 0.0003 for w and 0.9997 for mode.
    let row = |p: &str, m: &str| -> Vec<f64> {
        let l = lines
            .iter()
            .find(|l| l.starts_with(&format!("{p},{m},")))
            .unwrap_or_else(|| panic!("no row {p},{m}"));
        l.split(',').skip(2).map(|v| v.parse().unwrap()).collect()
    };
    let w = row("parameters.trust.negativity_weight", "fdi_2030");
    let mode = row("policy.mode", "fdi_2030");
    assert!(w[0].abs() < 0.02 && w[3].abs() < 0.02, "{w:?}");
    assert!(
        (mode[0] - 1.0).abs() < 0.05 && (mode[3] - 1.0).abs() < 0.05,
        "{mode:?}"
    );
    assert!(
        mode[1] <= mode[0] + 1e-9 && mode[0] <= mode[2] + 1e-9,
        "interval holds S1"
    );
    assert_eq!((mode[6], mode[7]), (64.0, 0.0));
}

#[test]
fn resume_after_a_crash_gives_the_same_bytes() {
    let spec = spec_from(SWEEP);
    let (_r, want) = reference(&spec);
    let d = tempfile::tempdir().unwrap();
    // A run that "crashes" (fails) after some runs: the journal keeps what finished.
    let calls = AtomicUsize::new(0);
    let crashing = |o: &[(String, toml::Value)], r: u32, s: u64| {
        if calls.fetch_add(1, Ordering::SeqCst) >= 17 {
            return Err("simulated crash".to_string());
        }
        run_fn(o, r, s)
    };
    let e = run_sweep(&spec, BASE_HASH, &crashing, d.path(), &opts(2)).unwrap_err();
    assert!(e.to_string().contains("simulated crash"), "{e}");
    assert!(!d.path().join("runs.csv").exists());
    // Simulate kill -9 mid-write: drop two complete lines and tear the last one.
    let j = d.path().join(JOURNAL);
    let text = fs::read_to_string(&j).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 10);
    lines.remove(3);
    lines.remove(5);
    let torn_source = lines.pop().unwrap();
    let mut damaged = lines.join("\n");
    damaged.push('\n');
    damaged.push_str(&torn_source[..torn_source.len() / 2]);
    fs::write(&j, damaged).unwrap();
    // Without --resume: refused.
    let e = run_sweep(&spec, BASE_HASH, &run_fn, d.path(), &opts(2)).unwrap_err();
    assert!(e.to_string().contains("--resume"), "{e}");
    let mut o = opts(2);
    o.resume = true;
    let out = run_sweep(&spec, BASE_HASH, &run_fn, d.path(), &o).unwrap();
    assert!(out.runs_resumed > 0 && out.runs_executed > 0);
    assert_eq!(out.runs_resumed + out.runs_executed, 30);
    assert_eq!(read_all(d.path(), &FINAL), want);
    // The repaired journal is clean: resuming again runs nothing and changes nothing.
    let again = run_sweep(&spec, BASE_HASH, &run_fn, d.path(), &o).unwrap();
    assert_eq!(again.runs_executed, 0);
    assert_eq!(read_all(d.path(), &FINAL), want);
}

#[test]
fn resume_refuses_a_journal_of_a_different_sweep() {
    let spec = spec_from(SWEEP);
    let d = tempfile::tempdir().unwrap();
    run_sweep(&spec, BASE_HASH, &run_fn, d.path(), &opts(1)).unwrap();
    let mut o = opts(1);
    o.resume = true;
    let other = spec_from(&SWEEP.replace("max = 0.5", "max = 0.6"));
    let e = run_sweep(&other, BASE_HASH, &run_fn, d.path(), &o).unwrap_err();
    assert!(e.to_string().contains("different sweep"), "{e}");
    let e = run_sweep(&spec, "another-base", &run_fn, d.path(), &o).unwrap_err();
    assert!(e.to_string().contains("different sweep"), "{e}");
}

fn run_shards(spec: &SweepSpec, n: u32, root: &Path) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let dir = root.join(format!("shard-{k}"));
            let o = RunOptions {
                threads: 1,
                shard: Some((k, n)),
                resume: false,
                progress: Progress::Quiet,
                formats: Default::default(),
            };
            let out = run_sweep(spec, BASE_HASH, &run_fn, &dir, &o).unwrap();
            assert!(!dir.join("runs.csv").exists());
            assert!(dir.join("shard.json").exists());
            assert_eq!(
                out.runs_in_shard,
                (0..30u64)
                    .filter(|i| i % n as u64 == (k - 1) as u64)
                    .count() as u64
            );
            dir
        })
        .collect()
}

#[test]
fn shards_merge_to_the_single_machine_bytes() {
    let spec = spec_from(SWEEP);
    let (_r, want) = reference(&spec);
    for n in [1, 3, 4] {
        let root = tempfile::tempdir().unwrap();
        let mut dirs = run_shards(&spec, n, root.path());
        dirs.reverse(); // order of arguments does not matter
        let out = root.path().join("merged");
        merge(&dirs, &out, Default::default()).unwrap();
        assert_eq!(read_all(&out, &FINAL), want, "{n} shards");
    }
}

#[test]
fn merge_refuses_missing_duplicate_foreign_and_incomplete_shards() {
    let spec = spec_from(SWEEP);
    let root = tempfile::tempdir().unwrap();
    let dirs = run_shards(&spec, 3, root.path());
    let out = root.path().join("merged");

    let e = merge(
        &[dirs[0].clone(), dirs[2].clone()],
        &out,
        Default::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("missing shard 2/3"), "{e}");

    let e = merge(
        &[
            dirs[0].clone(),
            dirs[1].clone(),
            dirs[1].clone(),
            dirs[2].clone(),
        ],
        &out,
        Default::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("shard 2/3 given twice"), "{e}");

    let other = spec_from(&SWEEP.replace("seed = 2024", "seed = 2025"));
    let foreign_root = tempfile::tempdir().unwrap();
    let foreign = run_shards(&other, 3, foreign_root.path());
    let e = merge(
        &[dirs[0].clone(), foreign[1].clone(), dirs[2].clone()],
        &out,
        Default::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("different sweep") && e.contains(&foreign[1].display().to_string()),
        "{e}"
    );

    // Incomplete: drop a journal line of shard 3.
    let j = dirs[2].join(JOURNAL);
    let text = fs::read_to_string(&j).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(2);
    fs::write(&j, lines.join("\n") + "\n").unwrap();
    let e = merge(&dirs, &out, Default::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("shard 3/3") && e.contains("incomplete"), "{e}");
    assert!(!out.join("runs.csv").exists());
}

#[test]
fn metric_errors_name_the_run_and_the_problem() {
    let spec = spec_from(&SWEEP.replace("at = \"2030Q4\"", "at = \"2031Q1\""));
    let d = tempfile::tempdir().unwrap();
    let e = run_sweep(&spec, BASE_HASH, &run_fn, d.path(), &opts(1))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fdi_2030") && e.contains("outside the simulated horizon"),
        "{e}"
    );
    let spec = spec_from(&SWEEP.replace("shock = \"crisis\"", "shock = \"typhoon\""));
    let d = tempfile::tempdir().unwrap();
    let e = run_sweep(&spec, BASE_HASH, &run_fn, d.path(), &opts(1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no shock `typhoon`"), "{e}");
}

#[test]
fn slurm_array_variables_select_the_shard() {
    let vars = |id: &'static str, count: &'static str, min: Option<&'static str>| {
        move |k: &str| match k {
            "SLURM_ARRAY_TASK_ID" => Some(id.to_string()),
            "SLURM_ARRAY_TASK_COUNT" => Some(count.to_string()),
            "SLURM_ARRAY_TASK_MIN" => min.map(String::from),
            _ => None,
        }
    };
    assert_eq!(shard_from_vars(vars("3", "4", Some("1"))), Ok(Some((3, 4))));
    assert_eq!(shard_from_vars(vars("0", "4", Some("0"))), Ok(Some((1, 4))));
    assert_eq!(shard_from_vars(vars("4", "4", None)), Ok(Some((4, 4))));
    assert!(shard_from_vars(vars("9", "4", Some("1"))).is_err());
    assert_eq!(shard_from_vars(|_| None), Ok(None));
}
