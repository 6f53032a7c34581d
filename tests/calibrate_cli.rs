//! `kizuna calibrate` end to end: byte-identical `posterior.csv` on 1 and 2 threads and after a
//! real `kill -9` + `--resume`; bad calibration files give located errors and write nothing.

mod cli_support;

#[path = "common/calibration.rs"]
mod calibration;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use cli_support::kizuna;

fn small_calibration(dir: &Path, particles: u32, generations: u32) -> std::path::PathBuf {
    let data = dir.join("data");
    fs::create_dir_all(&data).unwrap();
    // Data in the data/ format (values of the order of the small world's, not real data).
    let mut trade = String::from("series,country_pair,year,value,unit,source\n");
    for (y, v) in [
        (2003, 0.08),
        (2005, 0.09),
        (2007, 0.1),
        (2009, 0.11),
        (2011, 0.12),
    ] {
        trade.push_str(&format!(
            "trade_total_vnm_jpn,HOST-HOME,{y},{v},USD bn,test\n"
        ));
    }
    fs::write(data.join("trade_vietnam_japan.csv"), trade).unwrap();
    let mut fdi = String::from("series,country_pair,year,value,unit,source\n");
    for (y, v) in [(2004, 0.05), (2008, 0.09), (2012, 0.13)] {
        fdi.push_str(&format!(
            "fdi_jpn_cumulative_registered_capital_snapshot,HOST-HOME,{y},{v},USD bn,test\n"
        ));
    }
    fs::write(data.join("fdi_japan_vietnam.csv"), fdi).unwrap();
    let text = calibration::head("small", 3, particles, generations)
        + r#"[[parameters]]
key = "parameters.trade.gravity_constant_usd_per_q"
min = 1.0e9
max = 1.6e10
scale = "log"
[[targets]]
scenario = "small"
series = "trade_total_vnm_jpn"
scope = "HOST-HOME"
[[targets]]
scenario = "small"
series = "fdi_jpn_cumulative_registered_capital_snapshot"
scope = "HOST-HOME"
weight = 2.0
"#;
    let file = dir.join("small.toml");
    fs::write(&file, text).unwrap();
    file
}

fn run(file: &Path, out: &Path, threads: &str, extra: &[&str]) {
    let mut args = vec![
        "calibrate".to_string(),
        file.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--threads".into(),
        threads.into(),
        "--no-plots".into(),
        "--quiet".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    kizuna(&args).expect_code(0);
}

/// `best.toml` of the calibration in `out` runs as is (one replication into `scratch/best_run`).
fn run_best_toml(out: &Path, scratch: &Path) {
    kizuna([
        "run",
        &out.join("best.toml").display().to_string(),
        "--replications",
        "1",
        "--out",
        &scratch.join("best_run").display().to_string(),
        "--no-plots",
        "--quiet",
    ])
    .expect_code(0);
}

#[test]
fn posterior_is_byte_identical_on_1_and_2_threads_and_after_kill_9_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_calibration(dir.path(), 40, 4);
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    run(&file, &one, "1", &[]);
    run(&file, &two, "2", &[]);
    let reference = fs::read(one.join("posterior.csv")).unwrap();
    assert!(reference.len() > 100);
    assert_eq!(
        reference,
        fs::read(two.join("posterior.csv")).unwrap(),
        "1 vs 2 threads"
    );
    for f in [
        "fit_train.csv",
        "fit_holdout.csv",
        "best.toml",
        "posterior_summary.csv",
    ] {
        assert_eq!(
            fs::read(one.join(f)).unwrap(),
            fs::read(two.join(f)).unwrap(),
            "{f}"
        );
    }
    run_best_toml(&one, dir.path());

    // kill -9 part-way, then --resume.
    let killed = dir.path().join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kizuna"))
        .args([
            "calibrate",
            &file.display().to_string(),
            "--out",
            &killed.display().to_string(),
            "--threads",
            "2",
            "--no-plots",
            "--quiet",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let journal = killed.join("journal.txt");
    let t0 = Instant::now();
    loop {
        let lines = fs::read_to_string(&journal)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines > 30 {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "the calibration did not start"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !killed.join("manifest.json").exists(),
        "killed before the end"
    );
    run(&file, &killed, "2", &["--resume"]);
    assert_eq!(
        reference,
        fs::read(killed.join("posterior.csv")).unwrap(),
        "after kill -9 + --resume"
    );
}

#[test]
fn bad_calibration_files_give_located_errors_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_calibration(dir.path(), 10, 2);
    let text = fs::read_to_string(&file).unwrap();
    let out = dir.path().join("out");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            text.replace("particles = 10", "particle = 10"),
            vec![
                "small.toml:9:1: algorithm.particle: unknown key; did you mean `particles`?",
                "algorithm.particles: is required",
            ],
        ),
        (
            text.replace("parameters.entry.threshold", "parameters.entry.treshold"),
            vec![
                "small.toml:15:",
                "parameters[0].key: `parameters.entry.treshold` in scenario `small`",
            ],
        ),
        (
            text.replacen("scenario = \"small\"", "scenario = \"smal\"", 1),
            vec!["targets[0].scenario: no scenario with id `smal`; allowed: small"],
        ),
        (
            text.replace(
                "parameters.entry.threshold",
                "parameters.talent.places_per_1000_working_age_q[7]",
            ),
            vec![
                "parameters[0].key: `parameters.talent.places_per_1000_working_age_q[7]` in scenario `small`",
            ],
        ),
        (
            text.replace(
                "parameters.entry.threshold",
                "countries[HOST].capacity_initial",
            ),
            vec![
                "parameters[0].key: `countries[HOST].capacity_initial`: only dotted key paths, optionally ending in one array index",
            ],
        ),
        (
            text.replace(
                "parameters.entry.threshold",
                "parameters.talent.places_per_1000_working_age_q[0]",
            )
            .replace(
                "parameters.trade.gravity_constant_usd_per_q",
                "parameters.talent.places_per_1000_working_age_q[00]",
            ),
            vec![
                "parameters[1].key: `parameters.talent.places_per_1000_working_age_q[00]` is given twice",
            ],
        ),
        (
            text.replace("max = 20.5", "max = 17.0"),
            vec!["parameters[0].max: must be greater than min (18), found 17"],
        ),
        (
            text.replace("min = 18.0", "min = -500.0"),
            vec!["parameters[0].min: -500 is not a valid value in scenario `small`"],
        ),
        (
            text.replace(
                "scope = \"HOST-HOME\"\n[[targets]]",
                "scope = \"HOST-XXX\"\n[[targets]]",
            ),
            vec![
                "targets[0]: `trade_total_vnm_jpn` for scope `HOST-XXX` has no positive observation",
            ],
        ),
    ];
    for (bad, needles) in cases {
        fs::write(&file, bad).unwrap();
        let r = kizuna([
            "calibrate",
            &file.display().to_string(),
            "--out",
            &out.display().to_string(),
            "--quiet",
        ]);
        r.expect_code(2).expect_no_panic();
        for n in needles {
            r.expect_stderr(n);
        }
        assert!(!out.exists(), "nothing written for a bad file");
    }
}

#[test]
fn array_elements_are_calibrated_and_best_toml_sets_their_whole_array() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_calibration(dir.path(), 10, 2);
    let mut text = fs::read_to_string(&file).unwrap();
    // Elements 2 and 0 of one array (in that order), the others left as in the scenario
    // (the defaults [0.26, 0.1, 0.09, 0.045]).
    for (index, min, max) in [(2, 0.05, 0.15), (0, 0.2, 0.3)] {
        text.push_str(&format!(
            "[[parameters]]\nkey = \"parameters.talent.places_per_1000_working_age_q[{index}]\"\nmin = {min}\nmax = {max}\n"
        ));
    }
    fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    run(&file, &out, "2", &[]);
    let best = fs::read_to_string(out.join("best.toml")).unwrap();
    let line = best
        .lines()
        .find(|l| l.starts_with("parameters.talent.places_per_1000_working_age_q = ["))
        .unwrap_or_else(|| panic!("no whole-array line in best.toml:\n{best}"));
    assert_eq!(
        best.matches("places_per_1000_working_age_q").count(),
        1,
        "{best}"
    );
    let items: Vec<f64> = line
        .split_once('[')
        .unwrap()
        .1
        .trim_end_matches(']')
        .split(", ")
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(items.len(), 4, "{line}");
    assert!((0.2..=0.3).contains(&items[0]), "{line}");
    assert_eq!(items[1], 0.1, "{line}");
    assert!((0.05..=0.15).contains(&items[2]), "{line}");
    assert_eq!(items[3], 0.045, "{line}");
    let summary = fs::read_to_string(out.join("posterior_summary.csv")).unwrap();
    assert!(summary.contains("parameters.talent.places_per_1000_working_age_q[0],"));
    run_best_toml(&out, dir.path());
}

#[test]
fn shipped_calibration_files_pass_every_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/calibration");
    let mut n = 0;
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let spec = kizuna::calibrate::load_calibration(&p).unwrap_or_else(|e| panic!("{e}"));
            let objective =
                kizuna::calibrate::Objective::prepare(spec, &p).unwrap_or_else(|e| panic!("{e}"));
            assert!(objective.dim() >= 4, "{}", p.display());
            n += 1;
        }
    }
    assert!(n >= 1);
}
