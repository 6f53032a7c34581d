//! `kizuna run` end to end on real scenarios: every built-in runs and writes the files of
//! docs/OUTPUTS.md in the documented shape; `kizuna check` accepts every scenarios/*.toml;
//! `kizuna list`; the default scenario and output directory; `kizuna fit`; and the staged output
//! directory (an old result is replaced whole by a successful run and untouched by a failed one).

#[path = "cli_support.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::*;

/// Names of the built-in scenarios printed by `kizuna list` (first word of each line of its
/// first block; experiments and sweeps follow after a blank line, see tests/cli_experiments.rs).
fn builtin_names() -> Vec<String> {
    let r = kizuna(["list"]);
    r.expect_code(0).expect_no_panic();
    r.stdout
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

/// The files docs/OUTPUTS.md lists for `kizuna run` (first column of its table).
fn documented_run_files() -> Vec<String> {
    let doc = fs::read_to_string(repo_root().join("docs/OUTPUTS.md")).unwrap();
    let section = doc
        .split("## `kizuna run`")
        .nth(1)
        .expect("docs/OUTPUTS.md has a `kizuna run` section");
    // The first table of the section (the metric table further down is not about files).
    let files: Vec<String> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    assert!(
        files.contains(&"timeseries.csv".to_string()),
        "cannot parse the file table of docs/OUTPUTS.md: {files:?}"
    );
    files
}

/// A full-horizon run of the default scenario with one replication, shared by the tests that
/// only read it (under cargo's per-target temp dir, rewritten once per test process).
fn default_full_run() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_run");
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(&base).unwrap();
        let out = base.join("vietnam_japan");
        kizuna([
            "run".as_ref(),
            "vietnam_japan".as_ref(),
            "--replications".as_ref(),
            "1".as_ref(),
            "--no-plots".as_ref(),
            "-q".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .expect_code(0)
        .expect_no_panic();
        out
    })
}

/// Checks a run directory against docs/OUTPUTS.md; returns the number of quarters.
fn assert_run_dir_as_documented(
    dir: &Path,
    scenario: &str,
    replications: usize,
    plots: bool,
) -> usize {
    for f in documented_run_files() {
        if f.starts_with("plots/") {
            assert_eq!(
                dir.join("plots").is_dir(),
                plots,
                "plots/ in {} (plots expected: {plots})",
                dir.display()
            );
            continue;
        }
        assert!(dir.join(&f).is_file(), "{} lacks {f}", dir.display());
    }

    // manifest.json
    let m = manifest(dir);
    assert_eq!(m["scenario"], scenario, "{m}");
    assert_eq!(m["replications"], replications as u64, "{m}");
    assert!(m["seed"].is_u64(), "{m}");
    assert_eq!(m["kizuna_version"], env!("CARGO_PKG_VERSION"), "{m}");
    assert!(
        m.get("threads").is_none(),
        "threads belongs in timing.json: {m}"
    );
    let timing: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("timing.json")).unwrap()).unwrap();
    assert!(timing["threads"].as_u64().unwrap_or(0) >= 1, "{timing}");
    let sha = m["scenario_sha256"].as_str().unwrap_or_default();
    assert!(
        sha.len() == 64
            && sha
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "scenario_sha256: {sha:?}"
    );
    {
        let resolved = fs::read(dir.join("scenario.resolved.toml")).unwrap();
        let hex = sha256_hex(&resolved);
        assert_eq!(
            sha, hex,
            "scenario_sha256 is the hash of scenario.resolved.toml"
        );
    }
    let steps = steps_of_horizon(m["horizon"].as_str().expect("manifest horizon"));
    let start_year: i64 = m["horizon"].as_str().unwrap()[..4].parse().unwrap();
    let start_q: i64 = m["horizon"].as_str().unwrap()[5..6].parse().unwrap();
    let shocks: Vec<String> = m["shocks"]
        .as_array()
        .expect("manifest shocks")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();

    // timeseries.csv: header + replications × steps rows, documented leading columns.
    let ts = fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    let mut lines = ts.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..4], ["replication", "step", "year", "quarter"]);
    assert!(header.len() > 4, "no indicator columns");
    assert_eq!(m["columns"], (header.len() - 4) as u64, "manifest columns");
    for c in &header[4..] {
        let (ind, scope) = c
            .split_once('.')
            .unwrap_or_else(|| panic!("column {c:?} is not <indicator>.<scope>"));
        assert!(!ind.is_empty() && !scope.is_empty(), "column {c:?}");
    }
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), replications * steps, "rows of timeseries.csv");
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), header.len(), "row {} of timeseries.csv", i + 2);
        let (rep, step) = (i / steps, i % steps);
        let q = start_year * 4 + start_q - 1 + step as i64;
        assert_eq!(
            cells[..4],
            [
                rep.to_string(),
                step.to_string(),
                (q / 4).to_string(),
                (q % 4 + 1).to_string()
            ],
            "row {} of timeseries.csv",
            i + 2
        );
        for v in &cells[4..] {
            let x: f64 = v
                .parse()
                .unwrap_or_else(|_| panic!("row {}: {v:?} is not a number", i + 2));
            assert!(x.is_finite(), "row {}: {v}", i + 2);
        }
    }

    // summary.csv
    let summary = fs::read_to_string(dir.join("summary.csv")).unwrap();
    let sh = summary.lines().next().unwrap();
    assert!(sh.starts_with("replication,final."), "{sh}");
    for c in &header[4..] {
        assert!(
            sh.contains(&format!(",final.{c},")) || sh.ends_with(&format!(",final.{c}")),
            "summary lacks final.{c}"
        );
    }
    // Shocks measured for resilience (a scenario may switch measurement off for some) have
    // their metrics in summary.csv; every shock id there is one of the manifest's shocks.
    let resilience = fs::read_to_string(dir.join("resilience.csv")).unwrap();
    let measured: std::collections::BTreeSet<&str> = resilience
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    for s in &measured {
        assert!(
            shocks.iter().any(|m| m == s),
            "resilience.csv names unknown shock {s}"
        );
        assert!(
            sh.contains(&format!(",{s}.")),
            "summary lacks metrics of shock {s}"
        );
    }
    assert_eq!(summary.lines().count(), 1 + replications);

    // summary_stats.csv: one row per metric column of summary.csv, in its order; the counts add
    // up to the replications and the mean is that of the defined cells (computed here).
    let stats = fs::read_to_string(dir.join("summary_stats.csv")).unwrap();
    let mut stat_lines = stats.lines();
    assert_eq!(
        stat_lines.next().unwrap(),
        "metric,n_defined,n_undefined,mean,sd,se,ci95_lo,ci95_hi,median,q05,q95"
    );
    let names: Vec<&str> = sh.split(',').skip(1).collect();
    let rows: Vec<Vec<&str>> = summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let stat_rows: Vec<Vec<&str>> = stat_lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(stat_rows.len(), names.len());
    for (c, (name, st)) in names.iter().zip(&stat_rows).enumerate() {
        assert_eq!(st[0], *name);
        assert_eq!(st.len(), 11, "{name}");
        let vals: Vec<f64> = rows
            .iter()
            .filter_map(|r| r[c + 1].parse::<f64>().ok())
            .collect();
        let n_def: usize = st[1].parse().unwrap();
        let n_undef: usize = st[2].parse().unwrap();
        assert_eq!(
            (n_def, n_def + n_undef),
            (vals.len(), replications),
            "{name}"
        );
        if !vals.is_empty() {
            let mean = vals.iter().sum::<f64>() / vals.len() as f64;
            let got: f64 = st[3].parse().unwrap();
            assert!(
                (got - mean).abs() <= 1e-9 * mean.abs().max(1.0),
                "{name}: mean {got} vs {mean}"
            );
        } else {
            assert_eq!(st[3], "", "{name}: no defined value, no mean");
        }
    }

    // resilience.csv / resilience_paths.csv: documented headers.
    assert_eq!(
        csv_header(&dir.join("resilience.csv")),
        "replication,shock_id,shock_kind,indicator,start_step,start_year,start_quarter,depth,\
         recovery_quarters,loss_area_quarters,recovery_ratio_4q,recovery_ratio_8q,\
         recovery_ratio_12q,bounce_forward"
    );
    assert_eq!(
        csv_header(&dir.join("resilience_paths.csv")),
        "shock_id,indicator,replication,step,year,quarter,shocked,counterfactual"
    );
    let res = fs::read_to_string(dir.join("resilience.csv")).unwrap();
    let measured_in_manifest: Vec<String> = m["resilience_shocks"]
        .as_array()
        .expect("manifest resilience_shocks")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    for s in &measured_in_manifest {
        assert!(
            res.lines()
                .skip(1)
                .any(|l| l.split(',').nth(1) == Some(s.as_str())),
            "resilience.csv has no row for shock {s}"
        );
    }
    // No staging directory left beside the result.
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let leftovers: Vec<String> = entries(dir.parent().unwrap())
        .into_iter()
        .filter(|e| e.starts_with(&format!(".{name}.")))
        .collect();
    assert!(leftovers.is_empty(), "staging left: {leftovers:?}");
    steps
}

// ------------------------------------------------------------------ list / check / built-ins

#[test]
fn list_prints_the_builtins_including_vietnam_japan() {
    let names = builtin_names();
    assert!(names.contains(&"vietnam_japan".to_string()), "{names:?}");
    // Every built-in is also a scenarios/*.toml file of the repository.
    for n in &names {
        assert!(
            repo_root()
                .join("scenarios")
                .join(format!("{n}.toml"))
                .is_file(),
            "built-in {n} has no scenarios/{n}.toml"
        );
    }
}

#[test]
fn check_accepts_every_scenario_file() {
    let mut files: Vec<PathBuf> = fs::read_dir(repo_root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut args: Vec<std::ffi::OsString> = vec!["check".into()];
    args.extend(files.iter().map(|f| f.clone().into_os_string()));
    let r = kizuna(&args);
    r.expect_code(0).expect_no_panic();
    for f in &files {
        assert!(
            r.stdout.contains(&format!("{}: ok", f.display())),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn every_builtin_runs_end_to_end_as_documented() {
    let tmp = tempfile::tempdir().unwrap();
    for name in builtin_names() {
        let out = if name == "vietnam_japan" {
            default_full_run().to_path_buf()
        } else {
            let out = tmp.path().join(&name);
            kizuna([
                "run".as_ref(),
                name.as_ref(),
                "--replications".as_ref(),
                "1".as_ref(),
                "--no-plots".as_ref(),
                "-q".as_ref(),
                "--out".as_ref(),
                out.as_os_str(),
            ])
            .expect_code(0)
            .expect_no_panic();
            out
        };
        let steps = assert_run_dir_as_documented(&out, &name, 1, false);
        assert!(steps > 0);
    }
}

#[test]
fn default_run_has_196_quarters_and_five_shocks() {
    let dir = default_full_run();
    let steps = assert_run_dir_as_documented(dir, "vietnam_japan", 1, false);
    assert_eq!(steps, 196, "1992Q1..2040Q4");
    let m = manifest(dir);
    assert_eq!(
        m["shocks"],
        serde_json::json!([
            "pci_scandal_2008",
            "pci_suspension_2008",
            "jtc_suspension_2014",
            "covid19",
            "weak_yen_2022"
        ])
    );
    assert_eq!(m["seed"], 1992);
}

#[test]
fn resolved_scenario_reruns_to_the_same_results() {
    let dir = default_full_run();
    let tmp = tempfile::tempdir().unwrap();
    let again = tmp.path().join("again");
    kizuna([
        "run".as_ref(),
        dir.join("scenario.resolved.toml").as_os_str(),
        "--no-plots".as_ref(),
        "-q".as_ref(),
        "--out".as_ref(),
        again.as_os_str(),
    ])
    .expect_code(0)
    .expect_no_panic();
    for f in [
        "timeseries.csv",
        "summary.csv",
        "resilience.csv",
        "scenario.resolved.toml",
    ] {
        assert!(
            fs::read(dir.join(f)).unwrap() == fs::read(again.join(f)).unwrap(),
            "{f} differs when the resolved scenario is run again"
        );
    }
}

#[test]
fn run_without_scenario_writes_output_vietnam_japan_in_the_cwd() {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec!["run", "--replications", "1", "--no-plots"];
    args.extend(SHORT);
    let r = kizuna_in(Some(tmp.path()), &args);
    r.expect_code(0).expect_no_panic();
    assert!(
        r.stderr.contains("wrote output/vietnam_japan"),
        "progress names the directory:\n{}",
        r.stderr
    );
    assert_eq!(entries(tmp.path()), ["output"]);
    assert_eq!(entries(&tmp.path().join("output")), ["vietnam_japan"]);
    assert_run_dir_as_documented(
        &tmp.path().join("output/vietnam_japan"),
        "vietnam_japan",
        1,
        false,
    );
}

#[test]
fn quiet_run_prints_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec![
        "run",
        "--replications",
        "1",
        "--no-plots",
        "--quiet",
        "--out",
        "o",
    ];
    args.extend(SHORT);
    let r = kizuna_in(Some(tmp.path()), &args);
    r.expect_code(0);
    assert!(r.stdout.is_empty() && r.stderr.is_empty(), "{r:?}");
}

// ------------------------------------------------------------------ fit

const FIT_CSV_HEADER: &str = "series,column,year,observed,model_median,model_q05,model_q95,ratio";
const FIT_SUMMARY_HEADER: &str = "series,column,points,rmsle,geometric_mean_ratio";

#[test]
fn run_writes_fit_tables_with_their_headers() {
    let dir = default_full_run();
    assert_eq!(csv_header(&dir.join("fit.csv")), FIT_CSV_HEADER);
    assert_eq!(csv_header(&dir.join("fit_summary.csv")), FIT_SUMMARY_HEADER);
}

#[test]
fn fit_prints_the_table_and_writes_the_same_fit_files_as_run() {
    let run_dir = default_full_run();
    let tmp = tempfile::tempdir().unwrap();
    fs::copy(
        run_dir.join("timeseries.csv"),
        tmp.path().join("timeseries.csv"),
    )
    .unwrap();
    let r = kizuna(["fit".as_ref(), tmp.path().as_os_str()]);
    r.expect_code(0).expect_no_panic();
    let first = r.stdout.lines().next().unwrap_or_default();
    for h in ["series", "indicator", "points", "RMSLE", "model/data"] {
        assert!(first.contains(h), "table header {first:?} lacks {h}");
    }
    assert!(r.stdout.contains("fdi_stock_usd.VNM-JPN"), "{}", r.stdout);
    assert!(r.stdout.contains("trade_usd_per_q.VNM-JPN"), "{}", r.stdout);
    assert_eq!(csv_header(&tmp.path().join("fit.csv")), FIT_CSV_HEADER);
    assert_eq!(
        csv_header(&tmp.path().join("fit_summary.csv")),
        FIT_SUMMARY_HEADER
    );
    for f in ["fit.csv", "fit_summary.csv"] {
        assert!(
            fs::read(tmp.path().join(f)).unwrap() == fs::read(run_dir.join(f)).unwrap(),
            "`kizuna fit` and `kizuna run` disagree on {f}"
        );
    }
    // One row per fitted series in fit_summary.csv, each named in the printed table.
    let summary = fs::read_to_string(tmp.path().join("fit_summary.csv")).unwrap();
    for row in summary.lines().skip(1) {
        let series = row.split(',').next().unwrap();
        assert!(r.stdout.contains(series), "table lacks {series}");
    }
}

#[test]
fn fit_without_timeseries_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    kizuna(["fit".as_ref(), tmp.path().as_os_str()])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("timeseries.csv");
    assert!(
        entries(tmp.path()).is_empty(),
        "fit wrote into an empty dir"
    );
    kizuna(["fit", "/nonexistent/kizuna-run"])
        .expect_code(2)
        .expect_no_panic();
}

#[test]
fn fit_on_a_foreign_csv_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("timeseries.csv"), "a,b,c\n1,2,3\n").unwrap();
    kizuna(["fit".as_ref(), tmp.path().as_os_str()])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("not a kizuna timeseries.csv");
}

// ------------------------------------------------------------------ staged output directory

/// An out dir holding an "old result": a stray old.txt and an old timeseries.csv.
fn old_result(parent: &Path) -> PathBuf {
    let out = parent.join("res");
    fs::create_dir_all(out.join("plots")).unwrap();
    fs::write(out.join("old.txt"), "from an earlier run\n").unwrap();
    fs::write(out.join("timeseries.csv"), "old\n").unwrap();
    fs::write(out.join("plots/old.png"), "not a png").unwrap();
    // Written by kizuna, so a new run may replace it.
    fs::write(
        out.join("manifest.json"),
        "{\"kizuna_version\": \"0.1.0\"}\n",
    )
    .unwrap();
    out
}

#[test]
fn successful_run_replaces_the_old_result_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = old_result(tmp.path());
    let mut args = vec![
        "run",
        "--replications",
        "1",
        "--no-plots",
        "-q",
        "--out",
        "res",
    ];
    args.extend(SHORT);
    kizuna_in(Some(tmp.path()), &args)
        .expect_code(0)
        .expect_no_panic();
    assert!(
        !out.join("old.txt").exists(),
        "old.txt survived the new run"
    );
    assert!(
        !out.join("plots").exists(),
        "old plots/ survived a --no-plots run"
    );
    assert_ne!(
        fs::read_to_string(out.join("timeseries.csv")).unwrap(),
        "old\n"
    );
    assert_run_dir_as_documented(&out, "vietnam_japan", 1, false);
    assert_eq!(
        entries(tmp.path()),
        ["res"],
        "staging or .old directory left behind"
    );
}

#[test]
fn failed_run_leaves_the_old_result_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = old_result(tmp.path());
    let before = entries(&out);
    let mut args = vec!["run", "--replications", "1", "--no-plots", "--out", "res"];
    args.extend(SHORT);
    args.extend(["--set", "countries[VNM].culture.pdi=300"]);
    kizuna_in(Some(tmp.path()), &args)
        .expect_code(2)
        .expect_no_panic();
    assert_eq!(entries(&out), before);
    assert_eq!(
        fs::read_to_string(out.join("old.txt")).unwrap(),
        "from an earlier run\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("timeseries.csv")).unwrap(),
        "old\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("plots/old.png")).unwrap(),
        "not a png"
    );
    assert_eq!(
        entries(tmp.path()),
        ["res"],
        "staging directory left behind"
    );
}

#[test]
fn run_into_an_uncreatable_directory_exits_1_without_leftovers() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("file"), "x").unwrap();
    let mut args = vec![
        "run",
        "--replications",
        "1",
        "--no-plots",
        "-q",
        "--out",
        "file/sub/res",
    ];
    args.extend(SHORT);
    kizuna_in(Some(tmp.path()), &args)
        .expect_code(1)
        .expect_no_panic()
        .expect_stderr("cannot create file/sub/res");
    assert_eq!(entries(tmp.path()), ["file"]);
    assert_eq!(fs::read_to_string(tmp.path().join("file")).unwrap(), "x");
}

#[test]
fn run_onto_an_existing_file_refuses_and_keeps_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "keep me\n").unwrap();
    let mut args = vec![
        "run",
        "--replications",
        "1",
        "--no-plots",
        "-q",
        "--out",
        "notes.txt",
    ];
    args.extend(SHORT);
    let r = kizuna_in(Some(tmp.path()), &args);
    r.expect_no_panic().expect_stderr("notes.txt");
    assert_ne!(r.code, Some(0));
    assert!(
        tmp.path().join("notes.txt").is_file(),
        "the file was replaced"
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "keep me\n"
    );
    assert_eq!(
        entries(tmp.path()),
        ["notes.txt"],
        "leftovers beside the file"
    );
}
